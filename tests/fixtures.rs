//! The fixture harness: every scenario under `fixtures/<RULE>/{pass,fail}/<scenario>/` is
//! checked on its own with default options. A `pass` scenario must give no finding of its
//! rule and no file error; a `fail` scenario must give at least one finding of its rule, and
//! its JSON output, restricted to that rule's findings (so that adding a rule never changes
//! another rule's snapshots), must match the snapshot in `tests/snapshots/`.

use std::path::{Path, PathBuf};

use vpclint::check::{self, Options, Report};
use vpclint::discover;

fn scenarios(rule: &str, outcome: &str) -> Vec<PathBuf> {
    let dir = Path::new("fixtures").join(rule).join(outcome);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn run(dir: &Path) -> Report {
    let found = discover::discover(&[dir.to_path_buf()]);
    assert!(found.missing.is_empty());
    check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

fn rule_ids() -> Vec<String> {
    vpclint::rules::all().iter().map(|m| m.id.clone()).collect()
}

#[test]
fn registry_and_fixture_folders_match() {
    let mut folders: Vec<String> = std::fs::read_dir("fixtures")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "snapshots")
        .collect();
    folders.sort();
    let mut ids = rule_ids();
    ids.sort();
    assert_eq!(
        folders, ids,
        "every rule has a fixture folder and vice versa"
    );
    for id in &ids {
        for outcome in ["pass", "fail"] {
            let s = scenarios(id, outcome);
            let has = |prefix: &str| {
                s.iter()
                    .any(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            };
            assert!(has("tf-"), "{id}/{outcome} has no Terraform scenario");
            assert!(has("cfn-"), "{id}/{outcome} has no CloudFormation scenario");
        }
    }
}

#[test]
fn pass_scenarios_give_no_finding_of_their_rule() {
    let mut failures = Vec::new();
    for id in rule_ids() {
        for dir in scenarios(&id, "pass") {
            let report = run(&dir);
            let own: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == id).collect();
            if !own.is_empty() || !report.errors.is_empty() || report.summary.files == 0 {
                failures.push(format!(
                    "{}: {} finding(s) of {id}: {:?}; errors: {:?}; files: {}",
                    dir.display(),
                    own.len(),
                    own.iter().map(|d| &d.message).collect::<Vec<_>>(),
                    report.errors,
                    report.summary.files
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fail_scenarios_match_their_snapshots() {
    let mut failures = Vec::new();
    for id in rule_ids() {
        for dir in scenarios(&id, "fail") {
            let mut report = run(&dir);
            let name = format!("{id}__{}", dir.file_name().unwrap().to_string_lossy());
            if !report.diagnostics.iter().any(|d| d.rule == id) {
                failures.push(format!("{}: no finding of {id}", dir.display()));
            }
            if !report.errors.is_empty() {
                failures.push(format!(
                    "{}: file errors {:?}",
                    dir.display(),
                    report.errors
                ));
            }
            report.diagnostics.retain(|d| d.rule == id);
            report.summary.diagnostics = report.diagnostics.len();
            let json = vpclint::emit::json::render(&report);
            let result = std::panic::catch_unwind(|| {
                insta::assert_snapshot!(name.clone(), json);
            });
            if result.is_err() {
                failures.push(format!("{}: snapshot {name} differs", dir.display()));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
