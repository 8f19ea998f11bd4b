//! The GitHub Action (`action.yml`) and the installer it runs (`scripts/install.sh`),
//! against a release served from a local directory (`file://`, so no network): a release
//! binary is installed after its checksum is checked; a checksum that does not match fails
//! and installs nothing; a ref without a release (a branch, a commit) makes the action build
//! from source; the action's inputs are those it always had.
//!
//! Needs `sh`, `bash`, `tar` and `sha256sum` (Linux); without them the test says why and
//! passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use vpclint::syntax::tree::Node;

fn skip(test: &str, reason: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "action::{test} skipped: {reason}");
}

fn tools_missing() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("the installer test runs on Linux".to_owned());
    }
    for tool in ["sh", "bash", "tar", "sha256sum"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

/// The release build name of this machine, as the installer works it out.
fn target() -> String {
    format!("{}-unknown-linux-musl", std::env::consts::ARCH)
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A release `tag` under `root`, as the release workflow lays it out: the archive of this
/// machine's build and `SHA256SUMS`. The "binary" is a small script that prints the
/// version (what is tested is the installer, and the real binary makes large archives).
/// `tamper` changes the archive after the sums were written.
fn release(root: &Path, tag: &str, tamper: bool) {
    let dir = root.join(tag);
    let stage = root.join(format!("stage-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(
        stage.join("vpclint"),
        format!("#!/bin/sh\necho vpclint {}\n", tag.trim_start_matches('v')),
    )
    .unwrap();
    sh(&stage, "chmod 755 vpclint");
    std::fs::write(stage.join("LICENSE-MIT"), "MIT\n").unwrap();
    let archive = format!("vpclint-{}.tar.gz", target());
    sh(
        &dir,
        &format!(
            "tar -czf {archive} -C '{}' . && sha256sum {archive} > SHA256SUMS && echo 0000  vpclint-other.zip >> SHA256SUMS",
            stage.display()
        ),
    );
    if tamper {
        std::fs::write(stage.join("LICENSE-MIT"), "tampered\n").unwrap();
        sh(
            &dir,
            &format!("tar -czf {archive} -C '{}' .", stage.display()),
        );
    }
}

fn install(base: &Path, version: &str, to: &Path) -> (i32, String) {
    let out = Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh"))
        .args(["--version", version, "--to"])
        .arg(to)
        .env("VPCLINT_BASE_URL", format!("file://{}", base.display()))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn work(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_installer_checks_the_checksum_and_says_when_there_is_no_release() {
    if let Some(reason) = tools_missing() {
        return skip("the_installer_checks_the_checksum", &reason);
    }
    let dir = work("action-installer");
    let releases = dir.join("releases");
    release(&releases, "v9.9.9", false);
    release(&releases, "v6.6.6", true);

    let to = dir.join("bin");
    let (code, stderr) = install(&releases, "v9.9.9", &to);
    assert_eq!(code, 0, "{stderr}");
    let version = Command::new(to.join("vpclint"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout), "vpclint 9.9.9\n");

    // A tampered archive: refused, nothing installed.
    let tampered = dir.join("tampered");
    let (code, stderr) = install(&releases, "v6.6.6", &tampered);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!tampered.join("vpclint").exists());

    // No such release, no build for this machine, not a tag: status 3 (build from source).
    let (code, stderr) = install(&releases, "v1.2.3", &dir.join("none"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("no release v1.2.3"), "{stderr}");
    std::fs::remove_file(releases.join(format!("v9.9.9/vpclint-{}.tar.gz", target()))).unwrap();
    let (code, stderr) = install(&releases, "v9.9.9", &dir.join("none"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("has no build for"), "{stderr}");
    let (code, _) = install(&releases, "main", &dir.join("none"));
    assert_eq!(code, 3);
}

/// The YAML of `action.yml`, read with vpclint's own YAML parser.
fn action() -> Node {
    let text = std::fs::read_to_string("action.yml").unwrap();
    let parsed = vpclint::syntax::yaml::parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.tree.expect("action.yml has a document")
}

fn str_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    let mut at = node;
    for key in path {
        at = at.get(key)?;
    }
    at.as_scalar_str()
}

#[test]
fn the_action_keeps_its_inputs() {
    let action = action();
    for (input, default) in [
        ("paths", "."),
        ("fail-on", "warning"),
        ("args", ""),
        ("sarif-file", ""),
    ] {
        assert_eq!(
            str_at(&action, &["inputs", input, "default"]),
            Some(default),
            "input {input}"
        );
        assert_eq!(
            str_at(&action, &["inputs", input, "required"]),
            Some("false")
        );
    }
    assert!(action
        .get("outputs")
        .and_then(|o| o.get("sarif-file"))
        .is_some());
}

/// The `run` script of the step with this `id`.
fn step_script(action: &Node, id: &str) -> String {
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .and_then(Node::as_seq)
        .unwrap();
    let step = steps
        .iter()
        .find(|s| str_at(s, &["id"]) == Some(id))
        .unwrap_or_else(|| panic!("no step {id}"));
    str_at(step, &["run"]).unwrap().to_owned()
}

#[test]
fn the_action_downloads_its_release_and_builds_only_without_one() {
    if let Some(reason) = tools_missing() {
        return skip("the_action_downloads_its_release", &reason);
    }
    let dir = work("action-step");
    let releases = dir.join("releases");
    release(&releases, "v9.9.9", false);
    release(&releases, "v6.6.6", true);
    let script = step_script(&action(), "install");
    let run_step = |action_ref: &str| {
        let output = dir.join(format!("output-{action_ref}"));
        std::fs::write(&output, "").unwrap();
        let out = Command::new("bash")
            .args(["-e", "-c", &script])
            .env("ACTION_REF", action_ref)
            .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("RUNNER_TOOL_CACHE", dir.join("tool-cache"))
            .env("GITHUB_OUTPUT", &output)
            .env("VPCLINT_BASE_URL", format!("file://{}", releases.display()))
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            std::fs::read_to_string(&output).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A release: its binary, verified, is what the action runs.
    let (code, outputs, stderr) = run_step("v9.9.9");
    assert_eq!(code, 0, "{stderr}");
    assert!(outputs.contains("source=release"), "{outputs}");
    let binary = outputs
        .lines()
        .find_map(|l| l.strip_prefix("vpclint="))
        .unwrap();
    assert!(Path::new(binary).is_file(), "{binary}");
    // No release for a branch: the build-from-source steps run.
    let (code, outputs, stderr) = run_step("main");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(outputs.trim(), "source=build");
    // A checksum that does not match fails the step; it does not fall back.
    let (code, outputs, stderr) = run_step("v6.6.6");
    assert_eq!(code, 1, "{stderr}");
    assert!(!outputs.contains("source="), "{outputs}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
}

/// `download-modules` is off by default; set to `true`, every vpclint run of the step gets
/// `--download-modules`, and only then.
#[test]
fn the_action_downloads_modules_only_when_asked() {
    if let Some(reason) = tools_missing() {
        return skip("the_action_downloads_modules_only_when_asked", &reason);
    }
    let action = action();
    assert_eq!(
        str_at(&action, &["inputs", "download-modules", "default"]),
        Some("false")
    );
    let dir = work("action-download-modules");
    // A stand-in for vpclint that records its arguments, one run a line.
    let fake = dir.join("vpclint");
    let calls = dir.join("calls");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$*\" >> '{}'\n", calls.display()),
    )
    .unwrap();
    sh(&dir, "chmod +x vpclint");
    let script = step_script(&action, "run");
    for (input, expected) in [("false", false), ("true", true), ("", false)] {
        let _ = std::fs::remove_file(&calls);
        let out = Command::new("bash")
            .args(["-e", "-c", &script])
            .current_dir(&dir)
            .env("VPCLINT", &fake)
            .env("PATHS", "infra")
            .env("FAIL_ON", "warning")
            .env("ARGS", "--region eu-west-1")
            .env("SARIF_FILE", dir.join("out/vpclint.sarif"))
            .env("GRAPH_SUMMARY", "true")
            .env("GITHUB_STEP_SUMMARY", dir.join("summary"))
            .env("GITHUB_OUTPUT", dir.join("output"))
            .env("DOWNLOAD_MODULES", input)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let runs = std::fs::read_to_string(&calls).unwrap();
        // SARIF, the diagram, the annotations.
        assert_eq!(runs.lines().count(), 3, "{runs}");
        for run in runs.lines() {
            assert_eq!(
                run.contains("--download-modules"),
                expected,
                "input {input:?}: {run}"
            );
            assert!(
                run.contains("--region eu-west-1") && run.ends_with("infra"),
                "{run}"
            );
        }
    }
}
