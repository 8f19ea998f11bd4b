//! The man pages under `docs/man/` are generated from the command line's definitions
//! (`clap_mangen`); this fails when they are stale. Regenerate with
//! `VPCLINT_UPDATE_DOCS=1 cargo test --test manpage`. Also: shell completions come from the
//! same definitions and complete in a real bash.

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;

#[test]
fn man_pages_are_up_to_date() {
    let generated = Path::new(env!("CARGO_TARGET_TMPDIR")).join("man");
    let _ = std::fs::remove_dir_all(&generated);
    std::fs::create_dir_all(&generated).unwrap();
    clap_mangen::generate_to(vpclint::cli::Cli::command(), &generated).unwrap();
    let committed = Path::new("docs/man");
    if std::env::var_os("VPCLINT_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(committed);
        std::fs::create_dir_all(committed).unwrap();
        for entry in std::fs::read_dir(&generated).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), committed.join(entry.file_name())).unwrap();
        }
    }
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let expected = names(&generated);
    assert!(expected.contains(&"vpclint.1".to_owned()));
    assert!(expected.contains(&"vpclint-check.1".to_owned()));
    assert_eq!(
        names(committed),
        expected,
        "docs/man is stale: run `VPCLINT_UPDATE_DOCS=1 cargo test --test manpage`"
    );
    for name in &expected {
        let want = std::fs::read_to_string(generated.join(name)).unwrap();
        let have = std::fs::read_to_string(committed.join(name)).unwrap();
        assert!(
            want == have,
            "docs/man/{name} is stale: run `VPCLINT_UPDATE_DOCS=1 cargo test --test manpage`"
        );
    }
    // The check page documents the new flags and the exit codes.
    let check = std::fs::read_to_string(committed.join("vpclint-check.1")).unwrap();
    for needle in ["write\\-baseline", "output\\-file", "Exit codes"] {
        assert!(check.contains(needle), "vpclint-check.1 lacks {needle}");
    }
}

fn completions(shell: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["completions", shell])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{shell}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completion_scripts_name_every_subcommand_and_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        for word in [
            "check",
            "explain",
            "lsp",
            "completions",
            "write-baseline",
            "access-model",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bash_completes_subcommands_flags_and_values() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash_completes_subcommands_flags_and_values skipped: no bash");
        return;
    }
    let script = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vpclint.bash");
    std::fs::write(&script, completions("bash")).unwrap();
    // Completes the words as bash's programmable completion would, and prints the replies.
    let complete = |words: &str| {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
             _vpclint vpclint \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let subcommands = complete("vpclint ch");
    assert_eq!(subcommands.trim(), "check", "{subcommands}");
    let flags = complete("vpclint check --write-b");
    assert_eq!(flags.trim(), "--write-baseline", "{flags}");
    let formats = complete("vpclint check --format s");
    assert_eq!(formats.trim(), "sarif", "{formats}");
}
