//! `vpclint graph --format dot`: Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`). Units and
//! VPCs are clusters; a VPC's own node (its CIDR) is inside its cluster, and edges to the
//! VPC end at the cluster's border. Findings colour their paths by severity and name their
//! rule; unchecked resources are dashed, with the reason as tooltip.

use std::fmt::Write as _;

use super::{severity_colour, EdgeKind, NodeKind, View};

/// A DOT double-quoted string's content.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn fill(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Vpc => ("#f6f8fa", "#57606a"),
        NodeKind::Subnet => ("#ddf4ff", "#54aeff"),
        NodeKind::RouteTable => ("#fff8c5", "#d4a72c"),
        NodeKind::Gateway | NodeKind::VpnGateway => ("#fbefff", "#c297ff"),
        NodeKind::TransitGateway | NodeKind::Peering => ("#ffeff7", "#e85aad"),
        NodeKind::VpnConnection | NodeKind::DirectConnect => ("#fbefff", "#a475f9"),
        NodeKind::CustomerGateway | NodeKind::Resource => ("#ffffff", "#8c959f"),
        NodeKind::Compute | NodeKind::LaunchTemplate => ("#dafbe1", "#4ac26b"),
        NodeKind::Endpoint => ("#fff1e5", "#fb8f44"),
        NodeKind::SecurityGroup => ("#ffebe9", "#ff8182"),
        NodeKind::Dns | NodeKind::Directory => ("#eef1ff", "#8da4ef"),
    }
}

fn shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::TransitGateway | NodeKind::Peering => "hexagon",
        NodeKind::VpnConnection | NodeKind::DirectConnect => "cds",
        NodeKind::CustomerGateway => "house",
        NodeKind::Dns | NodeKind::Directory => "cylinder",
        NodeKind::Endpoint => "component",
        _ => "box",
    }
}

fn node_label(view: &View, n: usize, with_address: bool) -> String {
    let node = &view.nodes[n];
    let mut lines: Vec<String> = Vec::new();
    if with_address {
        lines.push(node.address.clone());
    }
    lines.extend(node.details.iter().take(6).cloned());
    if node.details.len() > 6 {
        lines.push(format!("+{} more", node.details.len() - 6));
    }
    if let Some(counts) = &node.folded {
        lines.push(format!("folded: {counts}"));
    }
    let rules = view.rules(&node.findings);
    if !rules.is_empty() {
        lines.push(format!("⚠ {}", rules.join(", ")));
    }
    if lines.is_empty() {
        lines.push(node.address.clone());
    }
    escape(&lines.join("\n"))
}

fn is_cluster(view: &View, n: usize) -> bool {
    view.nodes[n].kind == NodeKind::Vpc && view.children(n).next().is_some()
}

fn attributes(view: &View, n: usize) -> String {
    let node = &view.nodes[n];
    let (fill, mut stroke) = fill(node.kind);
    let mut style = vec!["filled"];
    if node.kind != NodeKind::Vpc {
        style.push("rounded");
    }
    let mut extra = String::new();
    if let Some(s) = view.severity(&node.findings) {
        stroke = severity_colour(s);
        extra.push_str(", penwidth=2.5");
    }
    if !node.unchecked.is_empty() {
        style.push("dashed");
        let _ = write!(
            extra,
            ", tooltip=\"{}\"",
            escape(&node.unchecked.join("; "))
        );
    }
    format!(
        "shape={}, style=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\"{extra}",
        shape(node.kind),
        style.join(",")
    )
}

fn write_node(out: &mut String, view: &View, n: usize, indent: usize) {
    let pad = "  ".repeat(indent);
    let id = View::node_id(n);
    if is_cluster(view, n) {
        let node = &view.nodes[n];
        let stroke = view
            .severity(&node.findings)
            .map_or("#57606a", severity_colour);
        let _ = writeln!(out, "{pad}subgraph cluster_{id} {{");
        let _ = writeln!(
            out,
            "{pad}  label=\"{}\"; style=\"rounded,filled{}\"; fillcolor=\"#f6f8fa\"; color=\"{stroke}\";",
            escape(&node.address),
            if node.unchecked.is_empty() { "" } else { ",dashed" }
        );
        // The VPC's own node: its details, and where edges to the VPC attach.
        let _ = writeln!(
            out,
            "{pad}  {id} [label=\"{}\", shape=plaintext, style=\"\"];",
            node_label(view, n, false)
        );
        let children: Vec<usize> = view.children(n).collect();
        for c in children {
            write_node(out, view, c, indent + 1);
        }
        let _ = writeln!(out, "{pad}}}");
    } else {
        let _ = writeln!(
            out,
            "{pad}{id} [label=\"{}\", {}];",
            node_label(view, n, true),
            attributes(view, n)
        );
    }
}

/// Is `node` drawn inside `container`?
fn inside(view: &View, node: usize, container: usize) -> bool {
    let mut at = view.nodes[node].parent;
    while let Some(p) = at {
        if p == container {
            return true;
        }
        at = view.nodes[p].parent;
    }
    false
}

fn edge_style(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Route | EdgeKind::Propagation => "",
        EdgeKind::Uses | EdgeKind::Security | EdgeKind::Template | EdgeKind::Link => {
            ", style=dotted, arrowhead=none"
        }
        EdgeKind::Peering | EdgeKind::Attachment | EdgeKind::Vpn => ", penwidth=2, arrowhead=none",
        EdgeKind::Association => ", arrowhead=none",
    }
}

/// The DOT graph.
#[must_use]
pub fn render(view: &View) -> String {
    let mut out = String::from("digraph vpclint {\n");
    out.push_str("  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str(
        "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\"];\n",
    );
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#57606a\"];\n");
    if let Some(focus) = &view.focus {
        let _ = writeln!(out, "  label=\"focus: {}\";", escape(focus));
    }
    for (u, unit) in view.units.iter().enumerate() {
        if let Some(counts) = &unit.folded {
            let _ = writeln!(
                out,
                "  u{u} [label=\"{}\\nfolded: {counts}\", shape=folder, style=filled, fillcolor=\"#f6f8fa\"];",
                escape(&unit.label)
            );
            continue;
        }
        let _ = writeln!(out, "  subgraph cluster_u{u} {{");
        let _ = writeln!(
            out,
            "    label=\"{}\"; style=\"rounded\"; color=\"#8c959f\";",
            escape(&unit.label)
        );
        let top: Vec<usize> = (0..view.nodes.len())
            .filter(|&n| view.nodes[n].unit == u && view.nodes[n].parent.is_none())
            .collect();
        for n in top {
            write_node(&mut out, view, n, 2);
        }
        out.push_str("  }\n");
    }
    for e in &view.edges {
        let mut attrs = String::new();
        let mut text: Vec<String> = e.label.iter().cloned().collect();
        let rules = view.rules(&e.findings);
        if !rules.is_empty() {
            text.push(rules.join(", "));
        }
        if !text.is_empty() {
            let _ = write!(attrs, "label=\"{}\"", escape(&text.join(" · ")));
        }
        let mut push = |a: String| {
            if !attrs.is_empty() {
                attrs.push_str(", ");
            }
            attrs.push_str(&a);
        };
        // Graphviz clips at a cluster's border only for an end outside that cluster.
        if is_cluster(view, e.from) && !inside(view, e.to, e.from) {
            push(format!("ltail=cluster_{}", View::node_id(e.from)));
        }
        if is_cluster(view, e.to) && !inside(view, e.from, e.to) {
            push(format!("lhead=cluster_{}", View::node_id(e.to)));
        }
        if let Some(s) = view.severity(&e.findings) {
            push(format!("color=\"{}\", penwidth=3", severity_colour(s)));
        }
        attrs.push_str(edge_style(e.kind));
        let attrs = attrs.trim_start_matches(", ");
        let _ = writeln!(
            out,
            "  {} -> {} [{attrs}];",
            View::node_id(e.from),
            View::node_id(e.to)
        );
    }
    out.push_str("}\n");
    out
}
