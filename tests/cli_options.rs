//! The command-line basics users expect: `--output-file`, `--quiet`, `--statistics`, the
//! exit-code table in `--help`, `CLICOLOR_FORCE`, warnings for `--var`/`--parameter` names
//! that nothing declares, shell completions and the man page.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vpclint"));
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn output_file_takes_the_report_and_stdout_stays_empty() {
    let dir = tmp("output_file");
    let file = dir.join("out/report.sarif");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let (code, stdout, stderr) = run(
        &[
            "check",
            "examples/seed",
            "--format",
            "sarif",
            "--output-file",
            file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
    // Without --format, a file gets the concise format, uncoloured.
    let (_, _, _) = run(
        &["check", "examples/seed", "-o", file.to_str().unwrap()],
        &[],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("examples/seed/"), "{text}");
    assert!(!text.contains('\u{1b}'));
    // A file that cannot be written is a usage error.
    let (code, _, stderr) = run(
        &[
            "check",
            "examples/seed",
            "-o",
            dir.join("no/such/dir/x").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/dir/x"), "{stderr}");
}

#[test]
fn quiet_prints_only_the_findings() {
    let (code, loud, _) = run(&["check", "examples/seed", "--format", "concise"], &[]);
    let (quiet_code, quiet, _) = run(
        &["check", "examples/seed", "--format", "concise", "--quiet"],
        &[],
    );
    assert_eq!((code, quiet_code), (1, 1));
    assert!(loud.contains("Found 2 warnings"));
    assert!(!quiet.contains("Found"), "{quiet}");
    assert_eq!(quiet.lines().count(), 2, "{quiet}");
    assert!(quiet.lines().all(|l| l.contains(" VPC001 warning ")));
    let (_, text, _) = run(&["check", "examples/seed", "--format", "text", "-q"], &[]);
    assert!(text.contains("VPC001") && !text.contains("Found"), "{text}");
    // Clean and quiet: nothing at all.
    let (code, out, _) = run(&["check", "fixtures/EC2001/pass", "-q"], &[]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn statistics_count_findings_by_rule() {
    let (code, text, _) = run(&["check", "fixtures/EC2001/fail", "--statistics"], &[]);
    assert_eq!(code, 1);
    let first = text.lines().next().unwrap();
    let fields: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        fields[1..],
        ["EC2001", "warning", "unknown-instance-type"],
        "{text}"
    );
    let (_, json, _) = run(
        &[
            "check",
            "fixtures/EC2001/fail",
            "--statistics",
            "--format",
            "json",
        ],
        &[],
    );
    let rows: Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    let total: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert!(
        text.contains(&format!("{total} findings of {} rule", rows.len())),
        "{text}"
    );
    // Sorted by count, most first; every row names its rule.
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted);
    assert_eq!(rows[0]["rule"], fields[1]);
    assert_eq!(rows[0]["count"].as_u64().unwrap().to_string(), fields[0]);
}

#[test]
fn help_lists_the_exit_codes() {
    for args in [&["--help"][..], &["check", "--help"]] {
        let (code, help, _) = run(args, &[]);
        assert_eq!(code, 0);
        assert!(help.contains("Exit codes:"), "{help}");
        for line in [
            "  0  nothing at or above --fail-on",
            "  1  findings at or above",
            "  2  a usage error",
        ] {
            assert!(help.contains(line), "{args:?} lacks {line}: {help}");
        }
    }
}

#[test]
fn clicolor_force_colours_piped_text_and_no_color_wins() {
    let args = ["check", "examples/seed/terraform", "--format", "text"];
    let (_, plain, _) = run(&args, &[]);
    let (_, forced, _) = run(&args, &[("CLICOLOR_FORCE", "1")]);
    let (_, both, _) = run(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!plain.contains('\u{1b}'));
    assert!(forced.contains("\u{1b}["), "{forced}");
    assert!(!both.contains('\u{1b}'));
    let (_, never, _) = run(
        &[
            "check",
            "examples/seed/terraform",
            "--format",
            "text",
            "--color",
            "never",
        ],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!never.contains('\u{1b}'));
}

#[test]
fn undeclared_var_and_parameter_names_are_warned_about() {
    let (code, _, stderr) = run(
        &[
            "check",
            "fixtures/VPC002/fail",
            "--var",
            "nosuch=1",
            "--parameter",
            "NoSuchParameter=x",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "warning: --var nosuch: no checked Terraform file declares a variable \"nosuch\""
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: --parameter NoSuchParameter: no checked CloudFormation template declares a parameter NoSuchParameter"),
        "{stderr}"
    );
    // A declared name, or a near miss with a suggestion.
    let dir = tmp("declared_vars");
    std::fs::write(
        dir.join("main.tf"),
        "variable \"instance_type\" {}\nresource \"aws_instance\" \"a\" {\n  instance_type = var.instance_type\n}\n",
    )
    .unwrap();
    let (_, _, stderr) = run(
        &[
            "check",
            dir.to_str().unwrap(),
            "--var",
            "instance_type=m5.large",
        ],
        &[],
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    let (_, _, stderr) = run(
        &[
            "check",
            dir.to_str().unwrap(),
            "--var",
            "instance_typ=m5.large",
        ],
        &[],
    );
    assert!(
        stderr.contains("did you mean \"instance_type\"?"),
        "{stderr}"
    );
}
