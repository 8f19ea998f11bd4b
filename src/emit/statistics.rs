//! `vpclint check --statistics`: how many findings each rule has, instead of the findings
//! (as ruff's `--statistics`). A table, most frequent first; JSON with `--format json` or
//! `json-lines`: `[{"rule", "name", "severity", "count"}, …]` (one object a line for
//! `json-lines`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Format;
use crate::check::Report;

#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    count: usize,
}

fn rows(report: &Report) -> Vec<Row<'_>> {
    let mut counts: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *counts
            .entry((d.rule, d.name, d.severity.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<Row<'_>> = counts
        .into_iter()
        .map(|((rule, name, severity), count)| Row {
            rule,
            name,
            severity,
            count,
        })
        .collect();
    // Most findings first; by rule id among equals (the map's order, kept by a stable sort).
    rows.sort_by_key(|r| std::cmp::Reverse(r.count));
    rows
}

/// Renders the counts: JSON for the JSON formats, else an aligned table with a total.
#[must_use]
pub fn render(report: &Report, format: Format) -> String {
    let rows = rows(report);
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&rows).expect("rows serialise");
            text.push('\n');
            text
        }
        Format::JsonLines => rows
            .iter()
            .map(|r| serde_json::to_string(r).expect("rows serialise") + "\n")
            .collect(),
        _ => {
            let width = rows.iter().map(|r| r.count.to_string().len()).max();
            let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in &rows {
                let _ = writeln!(
                    out,
                    "{:>width$}  {:<7} {:<7}  {:<name_width$}",
                    r.count,
                    r.rule,
                    r.severity,
                    r.name,
                    width = width.unwrap_or(1)
                );
            }
            let total: usize = rows.iter().map(|r| r.count).sum();
            let _ = writeln!(
                out,
                "{total} finding{} of {} rule{}.",
                if total == 1 { "" } else { "s" },
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            );
            // Trailing spaces of the last column are not wanted in logs.
            out.lines()
                .map(|l| l.trim_end().to_owned() + "\n")
                .collect()
        }
    }
}
