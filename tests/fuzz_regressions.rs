//! Inputs the fuzzers found problems with (`fuzz/regressions/`), replayed through the whole
//! pipeline. A file is fed the way `fuzz/fuzz_targets/check.rs` feeds it: Terraform before
//! the first NUL, a CloudFormation template after it. A directory is the files an
//! evaluation target generated (`VPCLINT_FUZZ_RENDER`, see `fuzz/run.sh`), each classified
//! as discovery would. Each must give a report without an internal error, within a time
//! bound (the evaluation targets run under libFuzzer's `-timeout`: a slow input is a
//! finding too).

use std::path::Path;
use std::time::{Duration, Instant};

use vpclint::check::{check, Options};
use vpclint::discover::{FileKind, Input};

/// Generous for a debug build on shared cores: the fuzzers' bound is 10 s in release.
const LIMIT: Duration = Duration::from_secs(120);

fn inputs(path: &Path) -> Option<Vec<Input>> {
    if path.is_dir() {
        let mut files = Vec::new();
        collect(path, path, &mut files);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        return Some(files);
    }
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes).ok()?;
    let (tf, cfn) = text.split_once('\0').unwrap_or((text, ""));
    Some(vec![
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
    ])
}

/// The files under `dir`, with paths relative to `root` (as the target generated them).
fn collect(root: &Path, dir: &Path, out: &mut Vec<Input>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            out.extend(Input::classified(relative, text));
        }
    }
}

#[test]
fn every_fuzz_regression_gives_a_report() {
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir("fuzz/regressions")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let Some(inputs) = inputs(&path) else {
            continue;
        };
        assert!(!inputs.is_empty(), "{}: no input", path.display());
        let start = Instant::now();
        let report = check(inputs, Vec::new(), 0, &Options::default());
        let elapsed = start.elapsed();
        assert!(
            !report
                .errors
                .iter()
                .any(|e| e.message.starts_with("internal error")),
            "{}: {:?}",
            path.display(),
            report.errors
        );
        assert!(elapsed < LIMIT, "{}: took {elapsed:?}", path.display());
        count += 1;
    }
    assert!(count > 0, "no regression inputs found");
}
