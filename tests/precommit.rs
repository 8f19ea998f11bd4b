//! The pre-commit hooks as users run them: `pre-commit try-repo` against a fixture
//! repository.
//!
//! - The source hook (`.pre-commit-hooks.yaml`, `language: rust`) builds this crate with
//!   `cargo install` in pre-commit's isolated environment and runs it.
//! - The prebuilt hook (`pre-commit/`, the hook repository published as
//!   `vpclint-pre-commit`; `language: python`) installs the vpclint wheel: here the wheel
//!   built from this checkout (`tests/support/wheel.rs`) and setuptools from
//!   `target/wheelhouse/` (`.ci/run` downloads it), with pip offline and no cargo on PATH.
//!   Its first run is timed: seconds, not minutes.
//!
//! Needs `git` and `pre-commit`: on PATH, or named by `$PRE_COMMIT` (`.ci/run` installs it
//! into `target/precommit-venv/` and sets that). Without them the test says why and passes.
//! The first run takes a minute or two (cargo builds the dependencies), later ones about
//! half a minute. It never touches the network: cargo runs offline (the crates are already there
//! from building the tests) and its build directory is kept under `target/` so that only
//! the first run builds the dependencies.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

#[path = "support/wheel.rs"]
mod wheel;

fn skip(reason: &str) {
    // Written to the real stderr: the test harness captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "precommit::hook_runs_through_pre_commit_try_repo skipped: {reason}"
    );
}

fn pre_commit() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PRE_COMMIT").filter(|p| !p.is_empty()) {
        return Some(path.into());
    }
    let on_path = Command::new("pre-commit").arg("--version").output();
    on_path
        .is_ok_and(|o| o.status.success())
        .then(|| "pre-commit".into())
}

fn run(command: &mut Command) -> Output {
    command.output().expect("runs")
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(Command::new("git")
        .args([
            "-c",
            "user.name=vpclint tests",
            "-c",
            "user.email=tests@vpclint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir));
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A committed copy of this checkout's files (tracked and untracked, not ignored) under
/// `dir` (`""` for all): what `repo:` would fetch, including changes not committed yet.
fn hook_repository(into: &Path) {
    hook_repository_from(into, "");
}

fn hook_repository_from(into: &Path, dir: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = run(Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root));
    assert!(listed.status.success());
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = root.join(name);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let Some(name) = Path::new(name).strip_prefix(dir).ok() else {
            continue;
        };
        let to = into.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(into, &["init", "-q"]);
    git(into, &["add", "-A"]);
    git(into, &["commit", "-q", "-m", "hook repository"]);
}

/// A project with the seed's Terraform (one VPC001 finding) and a README.
fn project(into: &Path) {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed/terraform");
    std::fs::create_dir_all(into.join("infra")).unwrap();
    for entry in std::fs::read_dir(seed).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, into.join("infra").join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(into.join("README.md"), "A project.\n").unwrap();
    git(into, &["init", "-q"]);
    git(into, &["add", "-A"]);
}

#[test]
fn hook_runs_through_pre_commit_try_repo() {
    let Some(pre_commit) = pre_commit() else {
        skip("pre-commit is not installed (not on PATH, and $PRE_COMMIT is not set)");
        return;
    };
    if Command::new("git").arg("--version").output().is_err() {
        skip("git is not installed");
        return;
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    let _ = std::fs::remove_dir_all(&work);
    let (hooks, repo, home) = (work.join("hooks"), work.join("project"), work.join("home"));
    hook_repository(&hooks);
    project(&repo);

    let try_repo = |files: &[&str]| {
        let out = run(Command::new(&pre_commit)
            .args([
                "try-repo",
                hooks.to_str().unwrap(),
                "vpclint",
                "--color",
                "never",
            ])
            .args(files)
            .current_dir(&repo)
            // pre-commit's cache of hook environments: a fresh one per run of this test.
            .env("PRE_COMMIT_HOME", &home)
            // cargo install: offline, a quick unoptimised build, and a build directory that
            // outlives the run so that later runs rebuild only vpclint.
            .env("CARGO_NET_OFFLINE", "true")
            .env("CARGO_TARGET_DIR", target.join("precommit-build"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
            .env_remove("GITHUB_STEP_SUMMARY"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };

    // The finding fails the hook, in the concise format (pre-commit's output is not a
    // terminal), with the path as seen from the project's root.
    let (code, text) = try_repo(&["--all-files"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("vpclint"), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("infra/compute.tf:16:19: VPC001 warning aws_instance.legacy (m4.large, Xen)"),
        "{text}"
    );

    // Diff-aware: a changed file that takes part in the finding (the endpoint it reaches)
    // reports it; a changed file that does not (the provider) passes, although the
    // repository still has the finding.
    let (code, text) = try_repo(&["--files", "infra/endpoint.tf"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("infra/compute.tf:16:19: VPC001 warning aws_instance.legacy (m4.large, Xen)"),
        "{text}"
    );
    let (code, text) = try_repo(&["--files", "infra/providers.tf"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Passed"), "{text}");

    // Only non-network files changed: the hook does not run.
    let (code, text) = try_repo(&["--files", "README.md"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Skipped"), "{text}");

    // Fixed: the hook passes.
    let compute = repo.join("infra/compute.tf");
    let fixed = std::fs::read_to_string(&compute)
        .unwrap()
        .replace("\"m4.large\"", "\"m5.large\"");
    std::fs::write(&compute, fixed).unwrap();
    git(&repo, &["add", "-A"]);
    let (code, text) = try_repo(&["--all-files"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Passed"), "{text}");
}

/// setuptools for pip's isolated build of the hook repository (it has no code, but pip
/// builds it): `$VPCLINT_WHEELHOUSE`, else `target/wheelhouse/`, where `.ci/run` puts it.
fn wheelhouse() -> Option<PathBuf> {
    let dir = std::env::var_os("VPCLINT_WHEELHOUSE")
        .filter(|p| !p.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/wheelhouse"),
            PathBuf::from,
        );
    let has_setuptools = std::fs::read_dir(&dir)
        .ok()?
        .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("setuptools-")));
    has_setuptools.then_some(dir)
}

#[test]
fn the_hook_repository_pins_this_version() {
    let pyproject: toml::Value =
        toml::from_str(&std::fs::read_to_string("pre-commit/pyproject.toml").unwrap()).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(pyproject["project"]["version"].as_str(), Some(version));
    let deps: Vec<&str> = pyproject["project"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(deps, [format!("vpclint=={version}")]);
    // The prebuilt hook and the source hooks run the same command on the same files.
    let hooks = std::fs::read_to_string("pre-commit/.pre-commit-hooks.yaml").unwrap();
    let source = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    for line in [
        "  entry: vpclint check",
        "  files: '(\\.tf|\\.tf\\.json|\\.tfvars|\\.tfvars\\.json|\\.ya?ml|\\.json|\\.template)$'",
        "  pass_filenames: true",
    ] {
        assert!(hooks.contains(line), "pre-commit/ lacks {line}");
        assert_eq!(source.matches(line).count(), 2, "{line}");
    }
    assert!(hooks.contains("  language: python"));
    assert!(source.contains("- id: vpclint-rust"));
}

#[test]
fn python_hook_installs_the_wheel_in_seconds_without_rust() {
    let name = "precommit::python_hook_installs_the_wheel_in_seconds_without_rust";
    let Some(pre_commit) = pre_commit() else {
        return wheel::skip(
            name,
            "pre-commit is not installed (not on PATH, and $PRE_COMMIT is not set)",
        );
    };
    if Command::new("git").arg("--version").output().is_err() {
        return wheel::skip(name, "git is not installed");
    }
    let Some(wheelhouse) = wheelhouse() else {
        return wheel::skip(
            name,
            "no setuptools wheel in $VPCLINT_WHEELHOUSE or target/wheelhouse (.ci/run downloads it)",
        );
    };
    let wheels = match wheel::wheel_dir() {
        Ok(dir) => dir,
        Err(reason) => return wheel::skip(name, &reason),
    };
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-python");
    let _ = std::fs::remove_dir_all(&work);
    let (hooks, repo, home) = (work.join("hooks"), work.join("project"), work.join("home"));
    hook_repository_from(&hooks, "pre-commit");
    assert!(hooks.join(".pre-commit-hooks.yaml").is_file());
    project(&repo);
    let find_links = format!("{} {}", wheels.display(), wheelhouse.display());

    let try_repo = |files: &[&str]| {
        let started = Instant::now();
        let out = run(Command::new(&pre_commit)
            .args([
                "try-repo",
                hooks.to_str().unwrap(),
                "vpclint",
                "--color",
                "never",
            ])
            .args(files)
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", &home)
            // No index: the wheel and setuptools come from local directories only.
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &find_links)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            // No Rust: the hook must not need it.
            .env("PATH", wheel::path_without_rust())
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("GITHUB_STEP_SUMMARY"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text, started.elapsed())
    };

    // The first run creates the hook's environment (a virtualenv, pip installing the
    // wheel) and runs the hook: the finding fails it.
    let (code, text, first) = try_repo(&["--all-files"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("infra/compute.tf:16:19: VPC001 warning aws_instance.legacy (m4.large, Xen)"),
        "{text}"
    );
    // Diff-aware, as with the source hook.
    let (code, text, again) = try_repo(&["--files", "infra/providers.tf"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Passed"), "{text}");
    let _ = writeln!(
        std::io::stderr(),
        "{name}: first run (environment created, wheel installed) {:.1} s; again {:.1} s \
         (try-repo makes a new environment every time)",
        first.as_secs_f64(),
        again.as_secs_f64()
    );
    // Seconds, not the minutes of a source build: no timing is asserted (on a loaded runner
    // a wall-clock bound only measures the load); that no build happens is what PATH without
    // cargo and rustc, and pip without an index, make sure of: a source build fails above.
}
