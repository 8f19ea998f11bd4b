//! The fixture harness: every scenario under `fixtures/<RULE>/{pass,fail}/<scenario>/` is
//! one test, named `<RULE>::<pass|fail>::<scenario>` (`cargo test --test fixtures VPC001`
//! runs a rule's, `cargo test tf-m4-over-peering` one scenario), checked on its own with
//! default options.
//!
//! A `pass` scenario must give no finding of its rule and no file error. A `fail` scenario
//! must give at least one finding of its rule and no file error, and its report, restricted
//! to that rule's findings (so that adding a rule never changes another rule's snapshots)
//! and rendered as the text output renders it (code frames, the related locations, the
//! help, every unchecked item), must match `tests/snapshots/fixtures__<RULE>__<scenario>.snap`.
//! One more test checks that the registry and the fixture folders match.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use vpclint::check::{self, Options, Report};
use vpclint::discover;
use vpclint::emit::{self, EmitOptions, Format};

fn scenarios(rule: &str, outcome: &str) -> Vec<PathBuf> {
    let dir = Path::new("fixtures").join(rule).join(outcome);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
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

fn registry_and_fixture_folders_match() -> Result<(), Failed> {
    let mut folders: Vec<String> = std::fs::read_dir("fixtures")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut ids = rule_ids();
    ids.sort();
    if folders != ids {
        return Err(format!("fixture folders {folders:?} != rules {ids:?}").into());
    }
    for id in &ids {
        for outcome in ["pass", "fail"] {
            let s = scenarios(id, outcome);
            let has = |prefix: &str| {
                s.iter()
                    .any(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            };
            for (prefix, language) in [("tf-", "Terraform"), ("cfn-", "CloudFormation")] {
                if !has(prefix) {
                    return Err(format!("{id}/{outcome} has no {language} scenario").into());
                }
            }
        }
    }
    Ok(())
}

fn pass(rule: &str, dir: &Path) -> Result<(), Failed> {
    let report = run(dir);
    let own: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .collect();
    if !own.is_empty() || !report.errors.is_empty() || report.summary.files == 0 {
        return Err(format!(
            "{} finding(s) of {rule}: {:?}; errors: {:?}; files: {}",
            own.len(),
            own.iter().map(|d| &d.message).collect::<Vec<_>>(),
            report.errors,
            report.summary.files
        )
        .into());
    }
    Ok(())
}

fn fail(rule: &str, dir: &Path) -> Result<(), Failed> {
    let mut report = run(dir);
    if !report.diagnostics.iter().any(|d| d.rule == rule) {
        return Err(format!("no finding of {rule}").into());
    }
    if !report.errors.is_empty() {
        return Err(format!("file errors {:?}", report.errors).into());
    }
    report.diagnostics.retain(|d| d.rule == rule);
    report.summary.diagnostics = report.diagnostics.len();
    let options = EmitOptions {
        color: false,
        explain_unknown: true,
        ..EmitOptions::default()
    };
    let text = emit::render(&report, Format::Text, &options);
    let name = format!("{rule}__{}", dir.file_name().unwrap().to_string_lossy());
    insta::assert_snapshot!(name, text);
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![Trial::test(
        "registry_and_fixture_folders_match",
        registry_and_fixture_folders_match,
    )];
    for rule in rule_ids() {
        for (outcome, check) in [
            ("pass", pass as fn(&str, &Path) -> Result<(), Failed>),
            ("fail", fail),
        ] {
            for dir in scenarios(&rule, outcome) {
                let name = format!(
                    "{rule}::{outcome}::{}",
                    dir.file_name().unwrap().to_string_lossy()
                );
                let rule = rule.clone();
                trials.push(Trial::test(name, move || check(&rule, &dir)));
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
