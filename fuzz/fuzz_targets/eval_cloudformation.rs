//! CloudFormation evaluation: a generated parent template and nested stack
//! (`vpclint_fuzz::cloudformation`: parameters, mappings, conditions that refer to each
//! other, intrinsic functions in properties and outputs) through the whole pipeline. A
//! panic, an internal error, an input slower than `-timeout` or larger than
//! `-rss_limit_mb`/`-malloc_limit_mb` (see `run.sh`) is a finding. `VPCLINT_FUZZ_RENDER=DIR`
//! writes the generated files there (to keep a finding in `fuzz/regressions/`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    if let Ok(files) = vpclint_fuzz::cloudformation::generate(&mut u) {
        vpclint_fuzz::run(&files);
    }
});
