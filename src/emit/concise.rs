//! `--format concise`: `file:line:col: RULE severity message`, one a line, as compilers and
//! ruff print them, so editors' error formats (`%f:%l:%c: %m`) and `grep` work. File errors
//! have the same shape with the code `parse-error` or `read-error`, and baseline entries that
//! no longer occur point into the baseline file with the code `baseline-stale`. The default
//! when stdout is not a terminal.

use std::fmt::Write as _;

use super::{error_code, one_line, slashes, summary_line, unchecked_hint, EmitOptions};
use crate::check::Report;

/// Renders one line per finding and file error (sorted by file and position), then the
/// unchecked items (with `--explain-unknown`) and a summary line.
#[must_use]
pub fn render(report: &Report, options: &EmitOptions) -> String {
    let sources = &report.sources;
    // (file, line, column, rest of the line); diagnostics and errors are each sorted
    // already, merged here so that one file's lines stay together.
    let mut lines: Vec<(String, u32, u32, String)> = Vec::new();
    for d in &report.diagnostics {
        let file = sources.get(d.span.file);
        let at = file.line_col(d.span.start);
        lines.push((
            slashes(&file.path),
            at.line,
            at.column,
            format!(
                "{} {} {}",
                d.rule,
                d.severity.as_str(),
                one_line(&d.message)
            ),
        ));
    }
    for e in &report.errors {
        lines.push((
            slashes(&e.path),
            e.location.line,
            e.location.column,
            format!("{} error {}", error_code(e), one_line(&e.message)),
        ));
    }
    lines.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    let mut out = String::new();
    for (file, line, column, rest) in &lines {
        let _ = writeln!(out, "{file}:{line}:{column}: {rest}");
    }
    if options.quiet {
        return out;
    }
    for (file, line, text) in super::stale_entries(report) {
        let _ = writeln!(
            out,
            "{file}:{line}:1: {} info {text}",
            super::BASELINE_STALE
        );
    }
    if !report.unchecked.is_empty() {
        if options.explain_unknown {
            for cause in super::unchecked_causes(report) {
                let _ = writeln!(out, "unknown: {}", super::cause_line(&cause));
            }
            for u in &report.unchecked {
                let file = sources.get(u.span.file);
                let at = file.line_col(u.span.start);
                let _ = writeln!(
                    out,
                    "{}:{}:{}: unchecked info {}: {}",
                    slashes(&file.path),
                    at.line,
                    at.column,
                    u.resource,
                    one_line(&u.reason)
                );
            }
        } else {
            let _ = writeln!(out, "{}", unchecked_hint(report));
        }
    }
    for n in &report.notices {
        let at = super::notice_at(report, n);
        let _ = writeln!(
            out,
            "{}:{}:{}: {} info {}",
            slashes(&n.path),
            at.line,
            at.column,
            n.code,
            one_line(&n.message)
        );
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}
