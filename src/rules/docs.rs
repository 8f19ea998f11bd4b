//! Rule documentation rendered from the rule files: `vpclint explain`, `vpclint rules`, and
//! the generated `docs/rules.md`. Pure functions of the metadata.

use std::fmt::Write as _;

use super::RuleMeta;

/// One rule's documentation, as Markdown.
#[must_use]
pub fn explain(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} `{}`\n", meta.id, meta.name);
    let _ = writeln!(
        out,
        "Default severity: **{}**. {}\n",
        meta.severity.as_str(),
        meta.summary
    );
    let d = &meta.docs;
    for (title, body) in [
        ("What it does", Some(&d.what)),
        ("Why it matters", Some(&d.why)),
        ("Example", Some(&d.example)),
        ("How to fix it", Some(&d.fix)),
        ("History", d.history.as_ref()),
    ] {
        if let Some(body) = body {
            let _ = writeln!(out, "## {title}\n\n{}\n", body.trim());
        }
    }
    let _ = writeln!(out, "## References\n");
    for r in &d.references {
        let _ = writeln!(out, "- {} ({}): <{}>", r.title, r.date, r.url);
    }
    out
}

/// The one-line-per-rule listing of `vpclint rules`.
#[must_use]
pub fn table(metas: &[RuleMeta]) -> String {
    let name_width = metas.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for m in metas {
        let _ = writeln!(
            out,
            "{:<7} {:<8} {:<name_width$}  {}",
            m.id,
            m.severity.as_str(),
            m.name,
            m.summary
        );
    }
    out
}

/// `vpclint rules --format json`.
#[must_use]
pub fn json(metas: &[RuleMeta]) -> String {
    let rules: Vec<serde_json::Value> = metas
        .iter()
        .map(|m| {
            serde_json::json!({
                "id": m.id,
                "name": m.name,
                "severity": m.severity.as_str(),
                "summary": m.summary,
                "help": m.help,
                "references": m.docs.references.iter().map(|r| serde_json::json!({
                    "title": r.title, "url": r.url, "date": r.date,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": rules }))
            .expect("rules serialise");
    text.push('\n');
    text
}

/// The whole of `docs/rules.md`.
#[must_use]
pub fn markdown(metas: &[RuleMeta]) -> String {
    let mut out = String::from(
        "<!-- Generated from rules/*.toml by `vpclint rules --format markdown`; \
         tests/docs.rs fails when this file is stale. Do not edit by hand. -->\n\n\
         # vpclint rules\n\n| id | name | severity | summary |\n|---|---|---|---|\n",
    );
    for m in metas {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} |",
            m.id,
            m.id.to_ascii_lowercase(),
            m.name,
            m.severity.as_str(),
            m.summary.replace('|', "\\|")
        );
    }
    for m in metas {
        // A stable anchor (`#vpc001`) for links from SARIF, the language server and the table.
        let _ = write!(out, "\n<a id=\"{}\"></a>\n\n", m.id.to_ascii_lowercase());
        // Demote the headings by one level under the page title.
        for line in explain(m).lines() {
            if line.starts_with('#') {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
