//! Inputs the fuzzers found crashes with (`fuzz/regressions/`), replayed through the whole
//! pipeline the way `fuzz/fuzz_targets/check.rs` feeds them: Terraform before the first NUL,
//! a CloudFormation template after it. Each must give a report, not a panic.

use vpclint::check::{check, Options};
use vpclint::discover::{FileKind, Input};

#[test]
fn every_fuzz_regression_gives_a_report() {
    let mut count = 0;
    for entry in std::fs::read_dir("fuzz/regressions").unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
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
        assert!(
            !report
                .errors
                .iter()
                .any(|e| e.message.starts_with("internal error")),
            "{}: {:?}",
            path.display(),
            report.errors
        );
        count += 1;
    }
    assert!(count > 0, "no regression inputs found");
}
