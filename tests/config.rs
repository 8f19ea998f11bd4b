//! `.vpclint.toml` and the flags that go with it, through the binary: discovery upward from
//! the checked path (stopping at a repository), every key, errors with their location,
//! flags winning over the file, `exclude`, and diff-aware runs (`--only-files`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Runs vpclint in `cwd`; exit code, stdout, stderr.
fn vpclint(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = vpclint(cwd, &all);
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, value)
}

/// (rule, severity, file) of each diagnostic.
fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (s("rule"), s("severity"), s("file"))
        })
        .collect()
}

fn rules(v: &Value) -> Vec<String> {
    findings(v).into_iter().map(|(r, _, _)| r).collect()
}

/// A fresh directory with the seed's Terraform under `infra/` (one VPC001 finding on
/// `infra/compute.tf`, related to `network.tf` and `endpoint.tf`) and the given files.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    for entry in std::fs::read_dir("examples/seed/terraform").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("infra").join(path.file_name().unwrap())).unwrap();
    }
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn the_file_is_found_upward_and_flags_win() {
    let dir = tree(
        "upward",
        &[(".vpclint.toml", "access-model = \"current\"\n")],
    );
    let (code, v) = json(&dir.join("infra"), &["."]);
    assert_eq!((code, rules(&v)), (0, vec![]), "found from a subdirectory");
    let (code, v) = json(&dir, &["infra", "--access-model", "legacy"]);
    assert_eq!(
        (code, rules(&v)),
        (1, vec!["VPC001".to_owned()]),
        "the flag wins"
    );
}

#[test]
fn the_search_stops_at_a_repository() {
    let dir = tree("stops", &[(".vpclint.toml", "ignore = [\"VPC\"]\n")]);
    std::fs::create_dir_all(dir.join("infra/.git")).unwrap();
    let (_, v) = json(&dir, &["infra"]);
    assert_eq!(rules(&v), ["VPC001"], "the outer file is not used");
    std::fs::write(dir.join("infra/.vpclint.toml"), "ignore = [\"VPC\"]\n").unwrap();
    let (_, v) = json(&dir, &["infra"]);
    assert!(rules(&v).is_empty(), "the repository's own file is used");
}

#[test]
fn select_ignore_severity_and_fail_on() {
    let config = "select = [\"VPC\", \"DNS\"]\nignore = [\"DNS\", \"VPC002\"]\nfail-on = \"error\"\n\n[severity]\nVPC = \"info\"\nVPC001 = \"error\"\n";
    let dir = tree("keys", &[(".vpclint.toml", config)]);
    let (code, v) = json(&dir, &["infra"]);
    assert_eq!(
        findings(&v),
        [(
            "VPC001".to_owned(),
            "error".to_owned(),
            "infra/compute.tf".to_owned()
        )]
    );
    assert_eq!(code, 1);
    // `fail-on` from the file, then from the flag.
    std::fs::write(dir.join(".vpclint.toml"), "fail-on = \"error\"\n").unwrap();
    assert_eq!(json(&dir, &["infra"]).0, 0);
    assert_eq!(json(&dir, &["infra", "--fail-on", "warning"]).0, 1);
    // `--select` and `--ignore` replace the file's lists.
    std::fs::write(dir.join(".vpclint.toml"), "select = [\"DNS\"]\n").unwrap();
    assert!(rules(&json(&dir, &["infra"]).1).is_empty());
    assert_eq!(
        rules(&json(&dir, &["infra", "--select", "VPC,DNS"]).1),
        ["VPC001"]
    );
    assert!(rules(&json(&dir, &["infra", "--select", "VPC", "--ignore", "VPC001"]).1).is_empty());
    let (code, _, stderr) = vpclint(&dir, &["check", "infra", "--select", "XYZ"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`XYZ` is neither a rule id nor the prefix of one"),
        "{stderr}"
    );
}

#[test]
fn region_comes_from_the_file() {
    // A CloudFormation peering with a literal PeerRegion is inter-region (VPC002) unless
    // the deployment region is the same.
    let template = std::fs::read_to_string("fixtures/VPC002/fail/cfn-peer-region/template.yaml")
        .expect("the VPC002 fixture");
    let peer = template
        .lines()
        .find_map(|l| l.trim().strip_prefix("PeerRegion:"))
        .expect("a literal PeerRegion")
        .trim()
        .to_owned();
    let config = format!("region = \"{peer}\"\n");
    let dir = tree(
        "region",
        &[(".vpclint.toml", &config), ("cfn/t.yaml", &template)],
    );
    let (_, v) = json(&dir, &["cfn"]);
    assert!(!rules(&v).contains(&"VPC002".to_owned()), "{v}");
    let (_, v) = json(&dir, &["cfn", "--region", "xx-other-1"]);
    assert!(rules(&v).contains(&"VPC002".to_owned()), "{v}");
}

#[test]
fn unknown_keys_and_bad_values_are_errors_with_their_location() {
    let cases = [
        (
            "select = [\"VPC\"]\nselct = [\"DNS\"]\n",
            ".vpclint.toml:2:1:",
            "unknown field `selct`",
        ),
        (
            "access-model = \"newest\"\n",
            ".vpclint.toml:1:16:",
            "unknown model `newest`",
        ),
        (
            "\n[severity]\nVPC001 = \"fatal\"\n",
            ".vpclint.toml:3:10:",
            "unknown variant `fatal`",
        ),
        (
            "ignore = [\"VPC\", \"XYZ9\"]\n",
            ".vpclint.toml:1:18:",
            "`XYZ9` is neither a rule id",
        ),
        (
            "[severity]\nNOPE = \"error\"\n",
            ".vpclint.toml:2:1:",
            "`NOPE` is neither a rule id",
        ),
        (
            "fail-on = \"sometimes\"\n",
            ".vpclint.toml:1:11:",
            "unknown variant `sometimes`",
        ),
        ("exclude = [\"\"]\n", ".vpclint.toml:1:12:", "empty glob"),
        ("select = \"VPC\"\n", ".vpclint.toml:1:10:", "invalid type"),
        ("select = [\n", ".vpclint.toml:", "TOML"),
    ];
    for (i, (config, at, message)) in cases.into_iter().enumerate() {
        let dir = tree(&format!("bad-{i}"), &[(".vpclint.toml", config)]);
        let (code, stdout, stderr) = vpclint(&dir, &["check", "infra"]);
        assert_eq!(code, 2, "{config}: {stdout}{stderr}");
        let shown = stderr.replace(&format!("{}/", dir.display()), "");
        assert!(shown.contains(at), "{config}: {shown}");
        if message != "TOML" {
            assert!(shown.contains(message), "{config}: {shown}");
        }
    }
}

#[test]
fn an_explicit_config_file() {
    let dir = tree(
        "explicit",
        &[("conf/strict.toml", "ignore = [\"VPC001\"]\n")],
    );
    let (code, v) = json(&dir, &["infra", "--config", "conf/strict.toml"]);
    assert_eq!((code, rules(&v)), (0, vec![]));
    let (code, _, stderr) = vpclint(&dir, &["check", "infra", "--config", "missing.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.toml:1:1: cannot read"), "{stderr}");
}

#[test]
fn exclude_globs_are_relative_to_the_config_file() {
    let broken = "resource \"aws_vpc\" \"x\" {\n";
    let dir = tree(
        "exclude",
        &[
            (
                ".vpclint.toml",
                "exclude = [\"/infra/legacy/\", \"*.gen.tf\"]\n",
            ),
            ("infra/legacy/old.tf", broken),
            ("infra/net.gen.tf", broken),
            (
                "other/legacy/kept.tf",
                "resource \"aws_vpc\" \"y\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
            ),
        ],
    );
    let (code, v) = json(&dir.join("infra"), &["..", "--no-only-files"]);
    assert_eq!(v["errors"], Value::Array(vec![]), "{v}");
    assert_eq!(
        v["summary"]["files"], 6,
        "5 seed files and other/legacy/kept.tf"
    );
    assert_eq!(code, 1, "the VPC001 finding");
}

#[test]
fn given_files_report_what_touches_them_from_the_whole_repository() {
    let dir = tree("diff", &[("README.md", "A project.\n")]);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    // The finding is on compute.tf and related to endpoint.tf: reported for either.
    for file in ["infra/compute.tf", "infra/endpoint.tf"] {
        let (code, v) = json(&dir, &[file]);
        assert_eq!(
            (code, findings(&v)),
            (
                1,
                vec![(
                    "VPC001".to_owned(),
                    "warning".to_owned(),
                    "infra/compute.tf".to_owned()
                )]
            ),
            "{file}"
        );
        assert_eq!(v["summary"]["files"], 5, "the whole repository is read");
    }
    // From a subdirectory, paths stay relative to where vpclint runs.
    let (_, v) = json(&dir.join("infra"), &["endpoint.tf"]);
    assert_eq!(findings(&v)[0].2, "compute.tf");
    // A file that takes no part in the finding passes.
    let (code, v) = json(&dir, &["infra/providers.tf"]);
    assert_eq!((code, rules(&v)), (0, vec![]));
    // --no-only-files: only the given file is read, so the finding cannot be seen.
    let (code, v) = json(&dir, &["infra/endpoint.tf", "--no-only-files"]);
    assert_eq!(
        (code, rules(&v), v["summary"]["files"].clone()),
        (0, vec![], Value::from(1))
    );
    // --only-files with a directory: findings touching files under it.
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    let (code, v) = json(&dir, &["docs", "--only-files"]);
    assert_eq!((code, rules(&v)), (0, vec![]));
    let (code, v) = json(&dir, &["infra", "--only-files"]);
    assert_eq!((code, rules(&v)), (1, vec!["VPC001".to_owned()]));
    // A given file that does not exist is a usage error.
    assert_eq!(vpclint(&dir, &["check", "infra/nope.tf"]).0, 2);
}

#[test]
fn a_broken_file_elsewhere_does_not_fail_a_diff_aware_run() {
    let dir = tree(
        "diff-broken",
        &[("old/broken.tf", "resource \"aws_vpc\" \"x\" {\n")],
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let (code, v) = json(&dir, &["infra/providers.tf"]);
    assert_eq!((code, v["summary"]["errors"].clone()), (0, Value::from(0)));
    let (code, v) = json(&dir, &["old/broken.tf"]);
    assert_eq!((code, v["summary"]["errors"].clone()), (1, Value::from(1)));
}

#[test]
fn files_outside_any_repository_are_checked_alone() {
    // No .git and no .vpclint.toml above: giving a file must not widen the run to the
    // file's directory (it could be /tmp or a home directory).
    let dir = std::env::temp_dir().join(format!("vpclint-no-repo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::write(
        dir.join("one.tf"),
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("other/broken.tf"), "resource {{{\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "json"])
        .arg(dir.join("one.tf"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    if dir.ancestors().skip(1).any(|d| d.join(".git").exists()) {
        println!("SKIPPED: the temporary directory is inside a git repository");
        return;
    }
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
}
