//! `--format json-lines`: one JSON object a line, for streaming tools (`jq -c`, log
//! shippers). Each line is a diagnostic, a file error, an unchecked item, a baseline entry
//! that no longer occurs or a notice, with the same fields as in `--format json` plus
//! `"kind"`: `"diagnostic"`, `"error"`, `"unchecked"`, `"baseline-stale"` or `"notice"`.
//! Diagnostics come first, then errors, unchecked items, stale baseline entries and
//! notices, each in the report's order; there is no summary line (count the lines).

use serde::Serialize;

use super::json;
use crate::check::Report;

#[derive(Serialize)]
struct Line<T> {
    kind: &'static str,
    #[serde(flatten)]
    item: T,
}

fn push<T: Serialize>(out: &mut String, kind: &'static str, item: T) {
    let line = serde_json::to_string(&Line { kind, item }).expect("the report serialises");
    out.push_str(&line);
    out.push('\n');
}

/// Renders one line per diagnostic, file error, unchecked item, stale baseline entry and
/// notice.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        push(&mut out, "diagnostic", json::diagnostic(report, d));
    }
    for e in &report.errors {
        push(&mut out, "error", json::error(e));
    }
    for u in &report.unchecked {
        push(&mut out, "unchecked", json::unchecked(report, u));
    }
    for s in json::stale(report) {
        push(&mut out, super::BASELINE_STALE, s);
    }
    for n in &report.notices {
        push(&mut out, "notice", json::notice(report, n));
    }
    out
}
