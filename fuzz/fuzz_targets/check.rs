//! The whole pipeline (parse, lower, evaluate, reach, rules, emit) on two arbitrary files, a
//! Terraform one and a CloudFormation one: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vpclint::check::{check, Options};
use vpclint::discover::{FileKind, Input};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The input is split at the first NUL: Terraform before it, a template after it.
    let (tf, cfn) = text.split_once('\0').unwrap_or((text, ""));
    let inputs = vec![
        Input {
            path: "fuzz/main.tf".into(),
            kind: FileKind::Terraform,
            text: tf.to_owned(),
        },
        Input {
            path: "fuzz/template.yaml".into(),
            kind: FileKind::CloudFormationYaml,
            text: cfn.to_owned(),
        },
    ];
    let report = check(inputs, Vec::new(), 0, &Options::default());
    let _ = vpclint::emit::json::render(&report);
});
