//! Baselines through the binary: `--write-baseline` records the findings, a run with
//! `--baseline` (or `baseline` in `.vpclint.toml`) is then clean, a new finding is reported,
//! a fixed one is listed as stale, in every format; fingerprints survive edits that move a
//! finding and change when what it says changes.

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A fresh copy of the bundled example (both languages), as a repository.
fn workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["terraform", "cloudformation"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/seed")
            .join(sub);
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

fn vpclint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    let (code, out, err) = vpclint(dir, &all);
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}")),
    )
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn write_then_clean_then_new_and_fixed() {
    let dir = workspace("baseline_cycle");
    let (code, before) = json(&dir, &["."]);
    assert_eq!(code, 1);
    assert_eq!(before["diagnostics"].as_array().unwrap().len(), 2);

    // Write: the run reports nothing new and exits 0; the file lists both findings.
    let (code, out, err) = vpclint(
        &dir,
        &["check", "--write-baseline", "ci/vpclint-baseline.json", "."],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("recorded 2 findings in the baseline ci/vpclint-baseline.json"),
        "{err}"
    );
    assert!(out.contains("2 in the baseline"), "{out}");
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ci/vpclint-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written["version"], 1);
    let files: Vec<&str> = written["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // Relative to the baseline's directory.
    assert_eq!(
        files,
        ["../cloudformation/template.yaml", "../terraform/compute.tf"]
    );

    // Re-run: clean.
    let (code, clean) = json(&dir, &["--baseline", "ci/vpclint-baseline.json", "."]);
    assert_eq!(code, 0);
    assert!(clean["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(clean["baseline"]["matched"], 2);
    assert_eq!(clean["baseline"]["stale"], Value::Array(Vec::new()));
    assert_eq!(clean["summary"]["diagnostics"], 0);

    // Lines added above a finding, and the finding moved to another file: still baselined.
    let compute = dir.join("terraform/compute.tf");
    let text = std::fs::read_to_string(&compute).unwrap();
    std::fs::write(&compute, format!("# moved down\n\n\n{text}")).unwrap();
    std::fs::rename(&compute, dir.join("terraform/instances.tf")).unwrap();
    let (code, moved) = json(&dir, &["--baseline", "ci/vpclint-baseline.json", "."]);
    assert_eq!(code, 0, "{moved}");
    assert_eq!(moved["baseline"]["matched"], 2);

    // A fixed finding is listed as stale; a new one is reported.
    let instances = dir.join("terraform/instances.tf");
    edit(&instances, "\"m4.large\"", "\"m5.large\"");
    edit(
        &dir.join("cloudformation/template.yaml"),
        "InstanceType: m4.large",
        "InstanceType: t2.micro",
    );
    let (code, after) = json(&dir, &["--baseline", "ci/vpclint-baseline.json", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        common::rules_and_resources(&after),
        [("VPC001".to_owned(), "LegacyInstance".to_owned())]
    );
    assert!(after["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("t2.micro"));
    let stale: Vec<&str> = after["baseline"]["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["resource"].as_str().unwrap())
        .collect();
    assert_eq!(stale, ["LegacyInstance", "aws_instance.legacy"]);
    assert_eq!(after["baseline"]["matched"], 0);
    for s in after["baseline"]["stale"].as_array().unwrap() {
        assert!(s["baseline_line"].as_u64().unwrap() > 1);
        assert_eq!(s["baseline_file"], "ci/vpclint-baseline.json");
    }
}

#[test]
fn every_format_reports_only_new_findings_and_lists_stale_entries() {
    let dir = workspace("baseline_formats");
    let (code, _, _) = vpclint(&dir, &["check", "--write-baseline", "b.json", "."]);
    assert_eq!(code, 0);
    // One finding fixed (stale), one changed (new, and its old entry stale).
    edit(
        &dir.join("terraform/compute.tf"),
        "\"m4.large\"",
        "\"m5.large\"",
    );
    edit(
        &dir.join("cloudformation/template.yaml"),
        "InstanceType: m4.large",
        "InstanceType: m4.xlarge",
    );
    let run = |format: &str| {
        let (code, out, err) = vpclint(
            &dir,
            &["check", "--baseline", "b.json", "--format", format, "."],
        );
        assert_eq!(code, 1, "{format}: {out}{err}");
        out
    };
    let concise = run("concise");
    assert_eq!(concise.matches(" VPC001 warning ").count(), 1, "{concise}");
    assert!(concise.contains("m4.xlarge"));
    assert_eq!(
        concise.matches("b.json:").count(),
        2,
        "two stale entries: {concise}"
    );
    assert!(concise.contains(": baseline-stale info VPC001 aws_instance.legacy in terraform/compute.tf is no longer found"));
    assert!(concise.contains("0 in the baseline)."), "{concise}");

    let text = run("text");
    assert!(
        text.contains("2 entries of the baseline b.json no longer found"),
        "{text}"
    );
    assert!(text.contains("m4.xlarge"));

    let lines = run("json-lines");
    let kinds: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["diagnostic", "baseline-stale", "baseline-stale"]);

    let github = run("github");
    assert_eq!(github.matches("::warning ").count(), 1, "{github}");
    assert_eq!(
        github.matches("::notice file=b.json,line=").count(),
        2,
        "{github}"
    );

    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["baselineState"], "new");
    let notes: Vec<&Value> = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["descriptor"]["id"] == "baseline-stale")
        .collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["level"], "note");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "b.json"
    );

    let lsp: Value = serde_json::from_str(&run("lsp")).unwrap();
    let on_baseline: Vec<&Value> = lsp
        .as_object()
        .unwrap()
        .iter()
        .filter(|(uri, _)| uri.ends_with("/b.json"))
        .flat_map(|(_, d)| d.as_array().unwrap())
        .collect();
    assert_eq!(on_baseline.len(), 2);
    assert_eq!(on_baseline[0]["code"], "baseline-stale");

    let statistics = run("json");
    let v: Value = serde_json::from_str(&statistics).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn the_configuration_names_the_baseline_and_errors_are_usage_errors() {
    let dir = workspace("baseline_config");
    let (code, _, _) = vpclint(
        &dir,
        &["check", "--write-baseline", "vpclint-baseline.json", "."],
    );
    assert_eq!(code, 0);
    std::fs::write(
        dir.join(".vpclint.toml"),
        "baseline = \"vpclint-baseline.json\"\n",
    )
    .unwrap();
    // From a subdirectory: the path is relative to the configuration file.
    let (code, out, err) = vpclint(&dir.join("terraform"), &["check", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 in the baseline"), "{out}");
    // A flag wins over the file.
    let (code, out, err) = vpclint(&dir, &["check", "--baseline", "missing.json", "."]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("missing.json: no such baseline file"), "{err}");
    std::fs::write(dir.join("bad.json"), "{\"version\": 7, \"findings\": []}").unwrap();
    let (code, _, err) = vpclint(&dir, &["check", "--baseline", "bad.json", "."]);
    assert_eq!(code, 2);
    assert!(err.contains("version 7 is not supported"), "{err}");
    let (code, _, err) = vpclint(
        &dir,
        &[
            "check",
            "--baseline",
            "a.json",
            "--write-baseline",
            "b.json",
            ".",
        ],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_diff_aware_run_lists_only_the_stale_entries_of_the_given_files() {
    let dir = workspace("baseline_diff_aware");
    let (code, _, _) = vpclint(&dir, &["check", "--write-baseline", "b.json", "."]);
    assert_eq!(code, 0);
    edit(
        &dir.join("terraform/compute.tf"),
        "\"m4.large\"",
        "\"m5.large\"",
    );
    edit(
        &dir.join("cloudformation/template.yaml"),
        "InstanceType: m4.large",
        "InstanceType: m5.large",
    );
    let (code, out, _) = vpclint(
        &dir,
        &["check", "--baseline", "b.json", "terraform/compute.tf"],
    );
    assert_eq!(code, 0);
    assert_eq!(out.matches("baseline-stale").count(), 1, "{out}");
    assert!(out.contains("aws_instance.legacy"), "{out}");
}
