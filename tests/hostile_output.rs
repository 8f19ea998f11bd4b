//! Output that cannot inject (issue 19, item 9): file names, resource names and values are
//! attacker-controlled in a pull request, and must never reach a terminal or a CI log as
//! control sequences or workflow commands, nor a SARIF consumer as a URI with a scheme.

#[path = "support/common.rs"]
mod common;

use vpclint::check::{self, Options, Report};
use vpclint::discover;
use vpclint::emit::{self, github, EmitOptions, Format};

const FORMATS: [Format; 7] = [
    Format::Text,
    Format::Concise,
    Format::Json,
    Format::JsonLines,
    Format::Sarif,
    Format::Github,
    Format::Lsp,
];

/// A finding whose message carries the value, in files whose names are commands.
fn hostile(name: &str) -> Report {
    let instance = |value: &str, label: &str| {
        format!("resource \"aws_instance\" \"{label}\" {{\n  instance_type = \"{value}\"\n}}\n")
    };
    let dir = common::write_tree(
        name,
        &[
            (
                "::error title=pwned::x.tf",
                instance("m4.lage\u{1b}]0;pwned\u{7}\u{1b}[2J", "osc"),
            ),
            (
                "a\n::set-env name=PWNED::1.tf",
                instance("m5.lage\r\n::add-mask::x", "newline"),
            ),
            (
                "javascript:alert(1).tf",
                instance("t2.mikro\u{202e}gpj.exe", "bidi"),
            ),
            ("##[group]x.tf", instance("c5.larg##[endgroup]", "hashes")),
        ],
    );
    let found = discover::discover(&[dir]);
    check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

fn options() -> EmitOptions {
    EmitOptions {
        color: false,
        explain_unknown: true,
        cwd: Some("/repo".into()),
        repo_root: Some("/repo".into()),
        ..EmitOptions::default()
    }
}

#[test]
fn no_emitter_prints_a_control_character_or_a_workflow_command_from_the_input() {
    let report = hostile("hostile_output");
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "EC2001")
            .count()
            >= 4,
        "every file is read and every value reported: {:?}",
        report
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    for format in FORMATS {
        let out = emit::render(&report, format, &options());
        for c in out.chars() {
            assert!(
                c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{format:?} prints {c:?}:\n{out}"
            );
        }
        for line in out.lines() {
            let t = line.trim_start();
            let command = t.starts_with("::") || t.starts_with("##[");
            assert!(
                !command || (format == Format::Github && github::is_own_command(line)),
                "{format:?} prints a line a runner takes for a command: {line:?}"
            );
            if format == Format::Github && github::is_own_command(line) {
                // An annotation's own message and properties are escaped: no second command
                // hides in one.
                assert!(!line[2..].contains("::set-env"), "{line}");
            }
        }
    }
    let summary = emit::step_summary(&report, &options());
    assert!(
        !summary.chars().any(|c| c.is_control() && c != '\n'),
        "{summary}"
    );
}

#[test]
fn sarif_uris_are_relative_references_without_a_scheme() {
    let report = hostile("hostile_sarif");
    let sarif: serde_json::Value =
        serde_json::from_str(&emit::render(&report, Format::Sarif, &options())).unwrap();
    let mut uris = Vec::new();
    collect(&sarif, &mut uris);
    assert!(!uris.is_empty());
    for (uri, base) in uris {
        if base {
            let first = uri.split('/').next().unwrap_or("");
            assert!(!first.contains(':'), "a relative URI with a scheme: {uri}");
        } else {
            assert!(uri.starts_with("file://"), "{uri}");
        }
        assert!(!uri.chars().any(|c| c.is_control() || c == ' '), "{uri:?}");
    }
}

/// Every `artifactLocation`'s `uri`, and whether it is relative to a base.
fn collect(v: &serde_json::Value, out: &mut Vec<(String, bool)>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(uri)) = map.get("uri") {
                out.push((uri.clone(), map.contains_key("uriBaseId")));
            }
            map.values().for_each(|v| collect(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}
