//! The Terraform parsers (native HCL and JSON syntax) on arbitrary text: never a panic, and
//! every error range lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::syntax::{terraform, terraform_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for errors in [
        terraform::parse(text).errors,
        terraform_json::parse(text).errors,
        terraform_json::parse_vars(text).errors,
    ] {
        for e in errors {
            assert!(e.range.start <= e.range.end && e.range.end <= text.len(), "{e:?}");
        }
    }
});
