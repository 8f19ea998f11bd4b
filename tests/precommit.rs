//! The pre-commit hook (`.pre-commit-hooks.yaml`) as users run it: `pre-commit try-repo`
//! against a fixture repository, which builds this crate with `cargo install` in
//! pre-commit's isolated environment and runs the hook.
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

/// A committed copy of this checkout's files (tracked and untracked, not ignored): what
/// `repo:` would fetch, including changes not committed yet.
fn hook_repository(into: &Path) {
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
