//! Terraform evaluation: a generated configuration (`vpclint_fuzz::terraform`: locals,
//! variables, a child module, resources reading them, expressions over the functions
//! vpclint evaluates) through the whole pipeline. A panic, an internal error, an input
//! slower than `-timeout` or larger than `-rss_limit_mb`/`-malloc_limit_mb` (see `run.sh`)
//! is a finding. `VPCLINT_FUZZ_RENDER=DIR` writes the generated files there (to keep a
//! finding in `fuzz/regressions/`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    if let Ok(files) = vpclint_fuzz::terraform::generate(&mut u) {
        vpclint_fuzz::run(&files);
    }
});
