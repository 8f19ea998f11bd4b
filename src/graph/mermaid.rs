//! `vpclint graph --format mermaid`: a Mermaid flowchart. Units and VPCs are subgraphs;
//! findings colour the nodes and edges of their paths by severity and name their rule;
//! unchecked resources are dashed. GitHub renders it inside a ```` ```mermaid ```` block.

use std::fmt::Write as _;

use super::{severity_colour, EdgeKind, NodeKind, View};
use crate::diagnostic::Severity;

/// Mermaid's entity codes for what would end a quoted label or be read as HTML.
fn escape(text: &str) -> String {
    text.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// A node's lines: address, details (at most four), the rules of the findings on it.
fn lines(view: &View, n: usize) -> Vec<String> {
    let node = &view.nodes[n];
    let mut lines = vec![super::ellipsize(&node.address, 60)];
    lines.extend(node.details.iter().take(4).map(|d| super::ellipsize(d, 60)));
    if node.details.len() > 4 {
        lines.push(format!("+{} more", node.details.len() - 4));
    }
    if let Some(counts) = &node.folded {
        lines.push(format!("folded: {counts}"));
    }
    let rules = view.rules(&node.findings);
    if !rules.is_empty() {
        lines.push(format!("⚠ {}", rules.join(", ")));
    }
    lines
}

/// The shape brackets of a node kind.
fn brackets(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::RouteTable => ("[[", "]]"),
        NodeKind::Compute | NodeKind::LaunchTemplate => ("(", ")"),
        NodeKind::Endpoint => ("([", "])"),
        NodeKind::TransitGateway | NodeKind::Peering => ("{{", "}}"),
        NodeKind::VpnConnection | NodeKind::DirectConnect => ("[/", "\\]"),
        NodeKind::CustomerGateway => ("[\\", "/]"),
        NodeKind::Dns | NodeKind::Directory => ("[(", ")]"),
        NodeKind::Gateway | NodeKind::VpnGateway => (">", "]"),
        _ => ("[", "]"),
    }
}

/// Fill and stroke of each kind.
const STYLES: &[(&str, &str)] = &[
    ("vpc", "fill:#f6f8fa,stroke:#57606a"),
    ("subnet", "fill:#ddf4ff,stroke:#54aeff"),
    ("route-table", "fill:#fff8c5,stroke:#d4a72c"),
    ("gateway", "fill:#fbefff,stroke:#c297ff"),
    ("vpn-gateway", "fill:#fbefff,stroke:#c297ff"),
    ("transit-gateway", "fill:#ffeff7,stroke:#e85aad"),
    ("peering", "fill:#ffeff7,stroke:#e85aad"),
    ("vpn-connection", "fill:#fbefff,stroke:#a475f9"),
    ("customer-gateway", "fill:#f6f8fa,stroke:#8c959f"),
    ("direct-connect", "fill:#fbefff,stroke:#a475f9"),
    ("compute", "fill:#dafbe1,stroke:#4ac26b"),
    ("launch-template", "fill:#f6f8fa,stroke:#4ac26b"),
    ("endpoint", "fill:#fff1e5,stroke:#fb8f44"),
    ("security-group", "fill:#ffebe9,stroke:#ff8182"),
    ("dns", "fill:#eef1ff,stroke:#8da4ef"),
    ("directory", "fill:#eef1ff,stroke:#8da4ef"),
    ("resource", "fill:#ffffff,stroke:#8c959f"),
];

fn class_name(kind: NodeKind) -> String {
    kind.as_str().replace('-', "_")
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev_error",
        Severity::Warning => "sev_warning",
        Severity::Info => "sev_info",
    }
}

/// The arrow of an edge kind (routes point at their target; associations are lines).
fn arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Route | EdgeKind::Propagation => "-->",
        EdgeKind::Uses | EdgeKind::Security | EdgeKind::Template | EdgeKind::Link => "-.-",
        EdgeKind::Peering | EdgeKind::Attachment | EdgeKind::Vpn => "===",
        EdgeKind::Association => "---",
    }
}

/// Is the node drawn as a subgraph (a VPC with something in it)?
fn is_subgraph(view: &View, n: usize) -> bool {
    view.nodes[n].kind == NodeKind::Vpc && view.children(n).next().is_some()
}

fn write_node(out: &mut String, view: &View, n: usize, indent: usize) {
    let pad = "  ".repeat(indent);
    let id = View::node_id(n);
    if is_subgraph(view, n) {
        // One line: Mermaid draws a subgraph's title over its first nodes when it wraps.
        let node = &view.nodes[n];
        let mut title = vec![super::ellipsize(&node.address, 60)];
        title.extend(node.details.first().map(|d| super::ellipsize(d, 40)));
        let rules = view.rules(&node.findings);
        if !rules.is_empty() {
            title.push(format!("⚠ {}", rules.join(", ")));
        }
        let _ = writeln!(
            out,
            "{pad}subgraph {id}[\"{}\"]",
            escape(&title.join(" · "))
        );
        let _ = writeln!(out, "{pad}  direction LR");
        let children: Vec<usize> = view.children(n).collect();
        for c in children {
            write_node(out, view, c, indent + 1);
        }
        let _ = writeln!(out, "{pad}end");
    } else {
        let (open, close) = brackets(view.nodes[n].kind);
        let _ = writeln!(out, "{pad}{id}{open}\"{}\"{close}", label(&lines(view, n)));
    }
}

/// The flowchart.
#[must_use]
pub fn render(view: &View) -> String {
    let mut out = String::from("flowchart LR\n");
    if let Some(focus) = &view.focus {
        let _ = writeln!(out, "  %% focus: {}", focus.replace('\n', " "));
    }
    for (u, unit) in view.units.iter().enumerate() {
        let title = match &unit.folded {
            Some(counts) => vec![unit.label.clone(), format!("folded: {counts}")],
            None => vec![unit.label.clone()],
        };
        if unit.folded.is_some() {
            let _ = writeln!(out, "  u{u}[\"{}\"]", label(&title));
            continue;
        }
        let _ = writeln!(out, "  subgraph u{u}[\"{}\"]", label(&title));
        let top: Vec<usize> = (0..view.nodes.len())
            .filter(|&n| view.nodes[n].unit == u && view.nodes[n].parent.is_none())
            .collect();
        for n in top {
            write_node(&mut out, view, n, 2);
        }
        out.push_str("  end\n");
    }
    let mut highlighted: Vec<(Severity, usize)> = Vec::new();
    for (i, e) in view.edges.iter().enumerate() {
        let mut text: Vec<String> = e.label.iter().cloned().collect();
        let rules = view.rules(&e.findings);
        if !rules.is_empty() {
            text.push(rules.join(", "));
        }
        let arrow = arrow(e.kind);
        let (from, to) = (View::node_id(e.from), View::node_id(e.to));
        if text.is_empty() {
            let _ = writeln!(out, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(
                out,
                "  {from} {arrow}|\"{}\"| {to}",
                escape(&text.join(" · "))
            );
        }
        if let Some(s) = view.severity(&e.findings) {
            highlighted.push((s, i));
        }
    }
    for (name, style) in STYLES {
        let _ = writeln!(out, "  classDef {} {style}", name.replace('-', "_"));
    }
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = writeln!(
            out,
            "  classDef {} stroke:{},stroke-width:3px",
            severity_class(s),
            severity_colour(s)
        );
    }
    out.push_str("  classDef unchecked stroke-dasharray:5 4\n");
    let mut by_class: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |class: String, id: String| match by_class.iter_mut().find(|(c, _)| *c == class) {
        Some((_, ids)) => ids.push(id),
        None => by_class.push((class, vec![id])),
    };
    for (n, node) in view.nodes.iter().enumerate() {
        if is_subgraph(view, n) {
            continue;
        }
        add(class_name(node.kind), View::node_id(n));
    }
    for (n, node) in view.nodes.iter().enumerate() {
        if is_subgraph(view, n) {
            continue;
        }
        if let Some(s) = view.severity(&node.findings) {
            add(severity_class(s).to_owned(), View::node_id(n));
        }
        if !node.unchecked.is_empty() {
            add("unchecked".to_owned(), View::node_id(n));
        }
    }
    for (class, ids) in by_class {
        let _ = writeln!(out, "  class {} {class}", ids.join(","));
    }
    // Subgraphs are styled one by one.
    for (n, node) in view.nodes.iter().enumerate() {
        if is_subgraph(view, n) {
            let stroke = view
                .severity(&node.findings)
                .map_or("#57606a", severity_colour);
            let dashes = if node.unchecked.is_empty() {
                ""
            } else {
                ",stroke-dasharray:5 4"
            };
            let _ = writeln!(
                out,
                "  style {} fill:#f6f8fa,stroke:{stroke}{dashes}",
                View::node_id(n)
            );
        }
    }
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        let ids: Vec<String> = highlighted
            .iter()
            .filter(|(sev, _)| *sev == s)
            .map(|(_, i)| i.to_string())
            .collect();
        if !ids.is_empty() {
            let _ = writeln!(
                out,
                "  linkStyle {} stroke:{},stroke-width:3px",
                ids.join(","),
                severity_colour(s)
            );
        }
    }
    out
}
