//! The PyPI wheel as a new user gets it: built with maturin from `pyproject.toml`, installed
//! with pip into a fresh virtual environment without the network, and run on a machine
//! without Rust (PATH without cargo): `vpclint check examples/seed` finds the m4.large.
//!
//! Skipped, saying why, when maturin is not installed (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;

#[path = "support/wheel.rs"]
mod wheel;

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs_without_rust() {
    let test = "wheel::the_wheel_installs_into_a_fresh_venv_and_runs_without_rust";
    let wheels = match wheel::wheel_dir() {
        Ok(dir) => dir,
        Err(reason) => return wheel::skip(test, &reason),
    };
    let file = wheel::wheel_file(&wheels);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    // The package's version is the crate's, and the wheel holds only the binary: no
    // Python to run, no compiler needed to install it.
    assert!(
        name.starts_with(&format!("vpclint-{}-py3-none-", env!("CARGO_PKG_VERSION"))),
        "{name}"
    );
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel-venv");
    let _ = std::fs::remove_dir_all(&venv);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        return wheel::skip(test, "python3 -m venv is not available");
    }
    let pip = Command::new(venv.join("bin/pip"))
        .args(["install", "--no-index", "--no-deps", "--quiet"])
        .arg(&file)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap();
    assert!(
        pip.status.success(),
        "pip install: {}",
        String::from_utf8_lossy(&pip.stderr)
    );
    let installed = venv.join("bin/vpclint");
    assert!(installed.is_file(), "pip put no vpclint in the venv's bin");
    let run = |args: &[&str]| {
        Command::new(&installed)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PATH", wheel::path_without_rust())
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let version = run(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("vpclint {}", env!("CARGO_PKG_VERSION"))
    );
    let check = run(&["check", "examples/seed"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "examples/seed/terraform/compute.tf:16:19: VPC001 warning aws_instance.legacy (m4.large, Xen)"
        ),
        "{stdout}"
    );
}

#[test]
fn the_package_metadata_is_the_crates() {
    let pyproject = std::fs::read_to_string("pyproject.toml").unwrap();
    let value: toml::Value = toml::from_str(&pyproject).unwrap();
    assert_eq!(value["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(
        value["project"]["name"].as_str(),
        Some(env!("CARGO_PKG_NAME"))
    );
    assert_eq!(
        value["project"]["license"].as_str(),
        Some(env!("CARGO_PKG_LICENSE"))
    );
    // The version comes from Cargo.toml, never written twice.
    let dynamic = value["project"]["dynamic"].as_array().unwrap();
    assert!(dynamic.iter().any(|d| d.as_str() == Some("version")));
    assert!(value["project"].get("version").is_none());
}
