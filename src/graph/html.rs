//! `vpclint graph --format html`: one self-contained page. The SVG is laid out here
//! (`layout.rs`); `page.css` and `page.js` (pan, zoom, details on click, a finding's path
//! highlighted on click) are inlined. Nothing is loaded from anywhere: the page's content
//! security policy forbids it.
//!
//! `#finding-N` in the address selects finding N on load, `#node-nK` shows node K.

use std::fmt::Write as _;

use serde::Serialize;

use super::layout::{self, Layout, Rect, LINE_H};
use super::{EdgeKind, NodeKind, View};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Text for HTML and SVG content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Data<'a> {
    width: i32,
    height: i32,
    nodes: std::collections::BTreeMap<String, NodeData<'a>>,
    findings: Vec<FindingData<'a>>,
}

#[derive(Serialize)]
struct NodeData<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    type_name: &'a str,
    kind: &'a str,
    location: Option<String>,
    unit: &'a str,
    parent: Option<String>,
    details: &'a [String],
    members: Vec<String>,
    unchecked: &'a [String],
    findings: &'a [usize],
}

#[derive(Serialize)]
struct FindingData<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    resource: &'a str,
    location: Option<String>,
    path: &'a [String],
    nodes: Vec<String>,
    edges: Vec<String>,
}

/// The page's data as JSON that cannot end the `<script>` element holding it.
fn data(view: &View, layout: &Layout) -> String {
    let data = Data {
        width: layout.width,
        height: layout.height,
        nodes: view
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    View::node_id(i),
                    NodeData {
                        address: &n.address,
                        type_name: &n.type_name,
                        kind: n.kind.as_str(),
                        location: n.location.as_ref().map(ToString::to_string),
                        unit: view.units.get(n.unit).map_or("", |u| u.label.as_str()),
                        parent: n.parent.map(View::node_id),
                        details: &n.details,
                        members: n
                            .members
                            .iter()
                            .map(|m| match &m.location {
                                Some(l) => format!("{} ({l})", m.address),
                                None => m.address.clone(),
                            })
                            .collect(),
                        unchecked: &n.unchecked,
                        findings: &n.findings,
                    },
                )
            })
            .collect(),
        findings: view
            .findings
            .iter()
            .map(|f| FindingData {
                rule: &f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                resource: &f.resource,
                location: f.location.as_ref().map(ToString::to_string),
                path: &f.path,
                nodes: f.nodes.iter().map(|&n| View::node_id(n)).collect(),
                edges: f.edges.iter().map(|&e| View::edge_id(e)).collect(),
            })
            .collect(),
    };
    serde_json::to_string(&data)
        .unwrap_or_else(|_| "{}".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn classes(view: &View, n: usize) -> String {
    let node = &view.nodes[n];
    let mut classes = vec!["node", node.kind.as_str()];
    if let Some(s) = view.severity(&node.findings) {
        classes.push(match s {
            crate::diagnostic::Severity::Error => "sev-error",
            crate::diagnostic::Severity::Warning => "sev-warning",
            crate::diagnostic::Severity::Info => "sev-info",
        });
    }
    if !node.unchecked.is_empty() {
        classes.push("unchecked");
    }
    classes.join(" ")
}

/// The hover text of a node: address, type, location, why it is not checked.
fn tooltip(view: &View, n: usize) -> String {
    let node = &view.nodes[n];
    let mut lines = vec![format!("{} ({})", node.address, node.type_name)];
    if let Some(l) = &node.location {
        lines.push(l.to_string());
    }
    for reason in &node.unchecked {
        lines.push(format!("not checked: {reason}"));
    }
    lines.join("\n")
}

fn text_lines(out: &mut String, rect: Rect, lines: &[String]) {
    out.push_str("<text>");
    for (i, line) in lines.iter().enumerate() {
        let y = rect.y + 6 + LINE_H * (i32::try_from(i).unwrap_or(0) + 1) - 4;
        let class = if i == 0 { " class=\"title\"" } else { "" };
        let _ = write!(
            out,
            "<tspan x=\"{}\" y=\"{y}\"{class}>{}</tspan>",
            rect.x + 8,
            escape(line)
        );
    }
    out.push_str("</text>");
}

fn node_svg(out: &mut String, view: &View, layout: &Layout, n: usize) {
    let r = layout.nodes[n];
    let _ = write!(
        out,
        "<g class=\"{}\" id=\"{}\" data-node=\"{}\" data-unit=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        classes(view, n),
        View::node_id(n),
        View::node_id(n),
        view.nodes[n].unit,
        escape(&tooltip(view, n)),
        r.x,
        r.y,
        r.w,
        r.h
    );
    text_lines(out, r, &layout.lines[n]);
    out.push_str("</g>\n");
}

/// The SVG of the view.
fn svg(view: &View, layout: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"vpclint graph\" data-width=\"{}\" data-height=\"{}\">",
        layout.width, layout.height
    );
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#9a6700\"/></marker></defs>\n");
    out.push_str("<g id=\"viewport\">\n<g class=\"units\">\n");
    for (u, unit) in view.units.iter().enumerate() {
        let r = layout.units[u];
        let folded = if unit.folded.is_some() { " folded" } else { "" };
        let _ = write!(
            out,
            "<g class=\"unit{folded}\" data-unit=\"{u}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            escape(&unit.files.join("\n")),
            r.x,
            r.y,
            r.w,
            r.h
        );
        let header = Rect {
            x: r.x + 12,
            y: r.y + 4,
            ..r
        };
        text_lines(&mut out, header, &layout.unit_lines[u]);
        // Nodes are drawn inside their unit's group, so a highlighted path keeps its unit.
        for n in (0..view.nodes.len()).filter(|&n| view.nodes[n].unit == u) {
            if view.nodes[n].kind == NodeKind::Vpc && view.nodes[n].folded.is_none() {
                node_svg(&mut out, view, layout, n);
            }
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"edges\">\n");
    for (i, e) in view.edges.iter().enumerate() {
        let [a, b, c, d] = layout.edges[i];
        let mut class = format!("edge {}", e.kind.as_str());
        if let Some(s) = view.severity(&e.findings) {
            let _ = write!(class, " sev-{}", s.as_str());
        }
        let marker = if e.kind == EdgeKind::Route {
            " marker-end=\"url(#arrow)\""
        } else {
            ""
        };
        let mut title = vec![format!(
            "{} → {} ({})",
            view.nodes[e.from].address,
            view.nodes[e.to].address,
            e.kind.as_str()
        )];
        title.extend(e.label.iter().cloned());
        title.extend(e.resources.iter().cloned());
        let rules = view.rules(&e.findings);
        if !rules.is_empty() {
            title.push(rules.join(", "));
        }
        let _ = writeln!(
            out,
            "<path class=\"{class}\" id=\"{}\" d=\"M{},{} C{},{} {},{} {},{}\"{marker}><title>{}</title></path>",
            View::edge_id(i),
            a.0,
            a.1,
            b.0,
            b.1,
            c.0,
            c.1,
            d.0,
            d.1,
            escape(&title.join("\n"))
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for n in 0..view.nodes.len() {
        if !(view.nodes[n].kind == NodeKind::Vpc && view.nodes[n].folded.is_none()) {
            node_svg(&mut out, view, layout, n);
        }
    }
    out.push_str("</g>\n</g>\n</svg>");
    out
}

fn summary(view: &View) -> String {
    let mut parts = vec![
        format!("{} units", view.units.len()),
        format!("{} nodes", view.nodes.len()),
        format!("{} edges", view.edges.len()),
        format!("{} findings", view.findings.len()),
    ];
    if let Some(focus) = &view.focus {
        parts.push(format!("focus: {focus} ({} nodes left out)", view.hidden));
    }
    parts.join(" · ")
}

fn findings_list(view: &View) -> String {
    let mut out = String::new();
    if view.findings.is_empty() {
        return "<p class=\"hint\">No findings.</p>".to_owned();
    }
    out.push_str("<ol>\n");
    for (i, f) in view.findings.iter().enumerate() {
        let location = f
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li data-finding=\"{i}\" class=\"sev-{}\" tabindex=\"0\"><span class=\"rule\">{}</span> <span class=\"sev\">{}</span> <code>{}</code><div>{}</div><div class=\"hint\">{}</div></li>",
            f.severity.as_str(),
            escape(&f.rule),
            f.severity.as_str(),
            escape(&f.resource),
            escape(&f.message),
            escape(&location),
        );
    }
    out.push_str("</ol>");
    out
}

const LEGEND: &[(&str, &str)] = &[
    ("vpc", "VPC"),
    ("subnet", "subnet"),
    ("route-table", "route table"),
    ("compute", "compute"),
    ("endpoint", "endpoint"),
    ("peering", "peering / transit gateway"),
    ("vpn-connection", "VPN / Direct Connect"),
    ("gateway", "gateway"),
    ("dns", "DNS"),
    ("security-group", "security group"),
];

/// The page.
#[must_use]
pub fn render(view: &View) -> String {
    let layout = layout::layout(view);
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>vpclint graph</title>\n<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<header><h1>vpclint graph</h1>");
    let _ = writeln!(
        out,
        "<span class=\"summary\">{}</span><button id=\"fit\" type=\"button\">Fit</button><button id=\"clear\" type=\"button\">Clear</button></header>",
        escape(&summary(view))
    );
    out.push_str("<main>\n<div id=\"canvas\">\n");
    out.push_str(&svg(view, &layout));
    out.push_str("\n</div>\n<aside>\n<h2>Details</h2>\n<div id=\"details-body\"><p class=\"hint\">Click a node for its address, file and line, and the findings that touch it. Drag to pan, scroll to zoom.</p></div>\n");
    let _ = write!(
        out,
        "<section id=\"findings\"><h2>Findings ({})</h2>\n{}\n</section>\n",
        view.findings.len(),
        findings_list(view)
    );
    out.push_str("<h2>Legend</h2><div class=\"legend\">");
    for (class, name) in LEGEND {
        let _ = write!(out, "<span class=\"swatch {class}\">{name}</span>");
    }
    out.push_str("<span>dashed: not checked</span></div>\n</aside>\n</main>\n");
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"vpclint-data\">{}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        data(view, &layout)
    );
    out
}
