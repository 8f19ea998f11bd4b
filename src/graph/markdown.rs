//! `vpclint graph --format markdown`: a heading, the Mermaid diagram in a fenced block and
//! the findings as a list, within a size GitHub renders (a step summary, a comment). When the
//! diagram is too large it is folded further, and left out (saying so) when even that is.

use std::fmt::Write as _;

use super::{fold, mermaid, View};

/// The most bytes of the whole text. Mermaid refuses diagrams over 50,000 characters by
/// default (`maxTextSize`), and GitHub a step summary over 1 MiB.
pub const DEFAULT_MAX_BYTES: usize = 40_000;

/// Most findings listed.
const MAX_FINDINGS: usize = 50;

fn cell(text: &str) -> String {
    crate::emit::github::escape_markdown(text)
}

/// The findings as a table of at most [`MAX_FINDINGS`] rows and about `max_bytes`.
fn findings(view: &View, max_bytes: usize) -> String {
    let mut out = String::new();
    if view.findings.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Rule | Resource | Location | Path |\n|---|---|---|---|---|\n");
    let mut listed = 0;
    for f in view.findings.iter().take(MAX_FINDINGS) {
        let location = f
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let row = format!(
            "| {} | {} | {} | {} | {} |\n",
            f.severity.as_str(),
            cell(&f.rule),
            cell(&f.resource),
            cell(&location),
            cell(&f.path.join(" → ")),
        );
        if out.len() + row.len() + 40 > max_bytes {
            break;
        }
        out.push_str(&row);
        listed += 1;
    }
    if view.findings.len() > listed {
        let _ = writeln!(
            out,
            "\n…and {} more findings.",
            view.findings.len() - listed
        );
    }
    out
}

/// The Markdown, at most about `max_bytes` long.
#[must_use]
pub fn render(view: &View, max_bytes: usize) -> String {
    let mut head = String::from("### vpclint graph\n\n");
    if let Some(focus) = &view.focus {
        let _ = writeln!(head, "Focus: {}\n", cell(focus));
    }
    let list = findings(view, max_bytes.saturating_sub(head.len() + 300) / 2);
    if view.nodes.is_empty() && view.units.iter().all(|u| u.folded.is_none()) {
        head.push_str("Nothing to draw.\n");
        return head + &list;
    }
    // The fences and the line saying the diagram was folded.
    let budget = max_bytes.saturating_sub(head.len() + list.len() + 200);
    let mut diagram = mermaid::render(view);
    let mut max_nodes = view.nodes.len();
    while diagram.len() > budget && max_nodes > 1 {
        max_nodes /= 2;
        diagram = mermaid::render(&fold(view.clone(), max_nodes));
    }
    if diagram.len() > budget {
        let _ = writeln!(
            head,
            "The diagram ({} nodes) is larger than this summary allows; `vpclint graph --format html` draws it.",
            view.nodes.len()
        );
        return head + &list;
    }
    if max_nodes < view.nodes.len() {
        let _ = writeln!(
            head,
            "Folded to at most {max_nodes} nodes to fit; `vpclint graph --format html` draws everything.\n"
        );
    }
    head + "```mermaid\n" + &diagram + "```\n" + &list
}
