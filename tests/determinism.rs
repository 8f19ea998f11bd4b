//! The same tree gives byte-identical output in every format, across runs and thread counts.

use std::process::Command;

const FORMATS: &[&str] = &[
    "text",
    "concise",
    "json",
    "json-lines",
    "sarif",
    "github",
    "lsp",
];

fn run(format: &str, threads: Option<&str>) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vpclint"));
    // A representative subset (every construct the fixtures of VPC001 and DNS001 use, and
    // the seed in both languages), small enough to run 28 times.
    cmd.args([
        "check",
        "--format",
        format,
        "--color",
        "never",
        "fixtures/VPC001",
        "fixtures/DNS001",
        "examples",
    ]);
    cmd.env_remove("GITHUB_STEP_SUMMARY");
    match threads {
        Some(n) => cmd.env("RAYON_NUM_THREADS", n),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let out = cmd.output().expect("runs");
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty(), "{format}: no output");
    out.stdout
}

#[test]
fn every_format_is_byte_identical_across_runs_and_thread_counts() {
    for format in FORMATS {
        let first = run(format, None);
        assert_eq!(first, run(format, None), "{format}: two runs differ");
        assert_eq!(first, run(format, Some("1")), "{format}: 1 thread differs");
        assert_eq!(first, run(format, Some("2")), "{format}: 2 threads differ");
    }
}
