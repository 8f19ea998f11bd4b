//! `vpclint graph --format json`: the graph itself. Fields are only ever added; `version`
//! changes if one must change. Nodes and edges are referred to by their ids (`n3`, `e3`),
//! units and findings by their index.

use serde::Serialize;

use super::{Counts, Location, View, VERSION};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    /// What `--focus` selected, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    focus: Option<&'a str>,
    units: Vec<Unit<'a>>,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
    findings: Vec<Finding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Unit<'a> {
    label: &'a str,
    files: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    folded: Option<CountsOut>,
    /// Resources of kinds vpclint does not model (not drawn).
    not_drawn: usize,
}

#[derive(Serialize)]
struct CountsOut {
    vpcs: usize,
    subnets: usize,
    nodes: usize,
    findings: usize,
}

impl From<&Counts> for CountsOut {
    fn from(c: &Counts) -> Self {
        CountsOut {
            vpcs: c.vpcs,
            subnets: c.subnets,
            nodes: c.nodes,
            findings: c.findings,
        }
    }
}

#[derive(Serialize)]
struct LocationOut<'a> {
    file: &'a str,
    line: usize,
    column: usize,
}

fn location(l: Option<&Location>) -> Option<LocationOut<'_>> {
    l.map(|l| LocationOut {
        file: &l.file,
        line: l.line,
        column: l.column,
    })
}

#[derive(Serialize)]
struct Node<'a> {
    id: String,
    unit: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    kind: &'a str,
    address: &'a str,
    #[serde(rename = "type")]
    type_name: &'a str,
    details: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationOut<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unchecked: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [usize],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    members: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folded: Option<CountsOut>,
}

#[derive(Serialize)]
struct Edge<'a> {
    id: String,
    from: String,
    to: String,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    resources: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    findings: &'a [usize],
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationOut<'a>>,
    path: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<usize>,
    nodes: Vec<String>,
    edges: Vec<String>,
}

#[derive(Serialize)]
struct Summary {
    units: usize,
    nodes: usize,
    edges: usize,
    findings: usize,
    folded_units: usize,
    folded_vpcs: usize,
    /// Nodes left out by `--focus` or `--findings-only`.
    hidden: usize,
}

/// The view as JSON (pretty, with a final newline).
#[must_use]
pub fn render(view: &View) -> String {
    let output = Output {
        version: VERSION,
        focus: view.focus.as_deref(),
        units: view
            .units
            .iter()
            .map(|u| Unit {
                label: &u.label,
                files: &u.files,
                folded: u.folded.as_ref().map(CountsOut::from),
                not_drawn: u.not_drawn,
            })
            .collect(),
        nodes: view
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Node {
                id: View::node_id(i),
                unit: n.unit,
                parent: n.parent.map(View::node_id),
                kind: n.kind.as_str(),
                address: &n.address,
                type_name: &n.type_name,
                details: &n.details,
                location: location(n.location.as_ref()),
                unchecked: &n.unchecked,
                findings: &n.findings,
                members: n.members.iter().map(|m| m.address.as_str()).collect(),
                folded: n.folded.as_ref().map(CountsOut::from),
            })
            .collect(),
        edges: view
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| Edge {
                id: View::edge_id(i),
                from: View::node_id(e.from),
                to: View::node_id(e.to),
                kind: e.kind.as_str(),
                label: e.label.as_deref(),
                resources: &e.resources,
                findings: &e.findings,
            })
            .collect(),
        findings: view
            .findings
            .iter()
            .map(|f| Finding {
                rule: &f.rule,
                name: &f.name,
                severity: f.severity.as_str(),
                message: &f.message,
                resource: &f.resource,
                location: location(f.location.as_ref()),
                path: &f.path,
                unit: f.unit,
                nodes: f.nodes.iter().map(|&n| View::node_id(n)).collect(),
                edges: f.edges.iter().map(|&e| View::edge_id(e)).collect(),
            })
            .collect(),
        summary: Summary {
            units: view.units.len(),
            nodes: view.nodes.len(),
            edges: view.edges.len(),
            findings: view.findings.len(),
            folded_units: view.units.iter().filter(|u| u.folded.is_some()).count(),
            folded_vpcs: view.nodes.iter().filter(|n| n.folded.is_some()).count(),
            hidden: view.hidden,
        },
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
