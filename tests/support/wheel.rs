//! Building the PyPI wheel (`pyproject.toml`, maturin) for the tests that install it
//! (`tests/wheel.rs`, `tests/precommit.rs`), offline.
//!
//! maturin comes from `$MATURIN` (`.ci/run` installs it into `target/precommit-venv/`) or
//! PATH. The build is a release build without optimisation (the tests check packaging, not
//! speed) into `target/precommit-build/`, shared with the `language: rust` hook's test, so
//! that a second build only repackages. A wheel built once is reused by the other tests of
//! the same test binary.

#![allow(dead_code)] // Each test binary uses part of it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Prints a skip reason to the real stderr (the harness captures `eprintln!`).
pub fn skip(test: &str, reason: &str) {
    let _ = writeln!(std::io::stderr(), "{test} skipped: {reason}");
}

fn maturin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MATURIN").filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    let on_path = Command::new("maturin").arg("--version").output();
    on_path
        .is_ok_and(|o| o.status.success())
        .then(|| "maturin".into())
}

/// A directory holding the wheel for this platform, or why there is none.
pub fn wheel_dir() -> Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

/// The wheel file in [`wheel_dir`].
pub fn wheel_file(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel was built")
}

fn build() -> Result<PathBuf, String> {
    let maturin = maturin().ok_or(
        "maturin is not installed (not on PATH, and $MATURIN is not set; .ci/run installs it)",
    )?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // maturin runs `cargo metadata`, which resolves the packages of every platform in the
    // lock file; `cargo test` fetched only this platform's. Offline, the others are there
    // only after `cargo fetch` (.ci/run runs it).
    let metadata = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !metadata.status.success() {
        return Err(format!(
            "the packages of other platforms are not fetched (run `cargo fetch`; .ci/run does): {}",
            String::from_utf8_lossy(&metadata.stderr).trim()
        ));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheels");
    let _ = std::fs::remove_dir_all(&out);
    let built = Command::new(&maturin)
        .args(["build", "--release", "--out"])
        .arg(&out)
        .current_dir(root)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", root.join("target/precommit-build"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .output()
        .map_err(|e| format!("{}: {e}", maturin.display()))?;
    // A broken build is a failure, not a skip.
    assert!(
        built.status.success(),
        "maturin build failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    Ok(out)
}

/// `PATH` without the directories that hold `cargo` or `rustc`: what a machine without Rust
/// has.
pub fn path_without_rust() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect();
    std::env::join_paths(kept).unwrap()
}
