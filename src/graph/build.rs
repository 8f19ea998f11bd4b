//! Units' graphs and the report's findings into one [`View`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::kinds::{self, Shape};
use super::{Edge, EdgeKind, Finding, Location, Member, Node, NodeKind, Unit, View};
use crate::check::{Report, UnitGraph};
use crate::diagnostic::Diagnostic;
use crate::model::{Graph, Kind, ResourceId};
use crate::source::{SourceMap, Span};

/// Per unit: address → node, and resource address → the edges and member hosts it is drawn
/// as.
#[derive(Default)]
struct Names {
    nodes: HashMap<String, usize>,
    edges: HashMap<String, Vec<usize>>,
    members: HashMap<String, Vec<usize>>,
}

/// Builds the whole view: every unit, every finding of the report.
#[must_use]
pub fn build(report: &Report, units: &[UnitGraph]) -> View {
    let mut view = View::default();
    // Units in the order of their files' paths, as the report's findings are.
    let mut order: Vec<(String, &UnitGraph)> = units
        .iter()
        .map(|u| {
            let first = u
                .files
                .iter()
                .map(|&f| slashes(&report.sources.get(f).path))
                .min();
            (first.unwrap_or_default(), u)
        })
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let units: Vec<&UnitGraph> = order.into_iter().map(|(_, u)| u).collect();
    let mut names: Vec<Names> = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        names.push(add_unit(&mut view, index, unit, &report.sources));
    }
    for d in &report.diagnostics {
        add_finding(&mut view, &units, &names, &report.sources, d);
    }
    for item in &report.unchecked {
        for (index, unit) in units.iter().enumerate() {
            if !unit.files.contains(&item.span.file) {
                continue;
            }
            if let Some(&node) = names[index].nodes.get(&item.resource) {
                let reasons = &mut view.nodes[node].unchecked;
                if !reasons.contains(&item.reason) {
                    reasons.push(item.reason.clone());
                }
            }
        }
    }
    view
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn location(sources: &SourceMap, span: Span, extent: Span) -> Location {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = if extent.file == span.file {
        file.line_col(extent.end).line
    } else {
        start.line
    };
    Location {
        file: slashes(&file.path),
        line: start.line as usize,
        column: start.column as usize,
        end_line: end.max(start.line) as usize,
    }
}

/// The common directory of a unit's files, or its one file.
fn unit_label(paths: &[PathBuf]) -> String {
    match paths {
        [] => String::new(),
        [one] => slashes(one),
        [first, rest @ ..] => {
            let mut common: PathBuf = first.parent().map(Path::to_path_buf).unwrap_or_default();
            for p in rest {
                while !p.starts_with(&common) {
                    if !common.pop() {
                        break;
                    }
                }
            }
            let label = slashes(&common);
            if label.is_empty() {
                ".".to_owned()
            } else {
                label
            }
        }
    }
}

fn add_unit(view: &mut View, index: usize, unit: &UnitGraph, sources: &SourceMap) -> Names {
    let graph = &unit.graph;
    let paths: Vec<PathBuf> = unit
        .files
        .iter()
        .map(|&f| sources.get(f).path.clone())
        .collect();
    let mut not_drawn = 0;
    let shapes: Vec<Shape> = graph
        .iter()
        .map(|(id, _)| kinds::shape(graph, id))
        .collect();
    let mut names = Names::default();
    // Nodes: copies of a resource (CloudFormation condition combinations) are one node.
    let mut node_of: Vec<Option<usize>> = vec![None; graph.len()];
    let mut by_key: HashMap<(&str, &str), usize> = HashMap::new();
    for ((id, r), shape) in graph.iter().zip(&shapes) {
        let Shape::Node(s) = shape else {
            if matches!(shape, Shape::Hidden) && matches!(r.kind, Kind::Other) {
                not_drawn += 1;
            }
            continue;
        };
        let key = (r.address.as_str(), r.type_name.as_str());
        if let Some(&existing) = by_key.get(&key) {
            node_of[id.index()] = Some(existing);
            let node = &mut view.nodes[existing];
            for line in &s.details {
                if !node.details.contains(line) {
                    node.details.push(format!("or {line}"));
                }
            }
            continue;
        }
        let n = view.nodes.len();
        by_key.insert(key, n);
        node_of[id.index()] = Some(n);
        names.nodes.entry(r.address.clone()).or_insert(n);
        view.nodes.push(Node {
            unit: index,
            parent: None,
            kind: s.kind,
            address: r.address.clone(),
            type_name: r.type_name.clone(),
            details: s.details.clone(),
            location: Some(location(sources, r.span, r.extent)),
            unchecked: r
                .uncertain
                .iter()
                .map(|reason| format!("may not exist: {reason}"))
                .collect(),
            findings: Vec::new(),
            members: Vec::new(),
            folded: None,
        });
    }
    // Containers: the VPC named, or the VPC of the subnet named.
    for ((id, _), shape) in graph.iter().zip(&shapes) {
        let (Shape::Node(s), Some(n)) = (shape, node_of[id.index()]) else {
            continue;
        };
        if view.nodes[n].parent.is_some() {
            continue;
        }
        let vpc = s.within.and_then(|w| vpc_of(graph, w));
        if let Some(parent) = vpc.and_then(|v| node_of[v.index()]) {
            if parent != n && view.nodes[parent].kind == NodeKind::Vpc {
                view.nodes[n].parent = Some(parent);
            }
        }
    }
    // Edges, merged when they join the same nodes the same way.
    let mut edge_keys: HashMap<(usize, usize, EdgeKind, Option<String>), usize> = HashMap::new();
    let mut add_edge =
        |view: &mut View, from: usize, to: usize, link: &kinds::Link, resource: Option<&str>| {
            if from == to {
                return None;
            }
            let key = (from, to, link.kind, link.label.clone());
            let e = *edge_keys.entry(key).or_insert_with(|| {
                view.edges.push(Edge {
                    from,
                    to,
                    kind: link.kind,
                    label: link.label.clone(),
                    resources: Vec::new(),
                    findings: Vec::new(),
                });
                view.edges.len() - 1
            });
            if let Some(resource) = resource {
                if !view.edges[e].resources.iter().any(|r| r == resource) {
                    view.edges[e].resources.push(resource.to_owned());
                }
            }
            Some(e)
        };
    for ((id, r), shape) in graph.iter().zip(&shapes) {
        match shape {
            Shape::Node(s) => {
                let Some(from) = node_of[id.index()] else {
                    continue;
                };
                for link in &s.links {
                    if let Some(to) = node_of[link.to.index()] {
                        add_edge(view, from, to, link, None);
                    }
                }
            }
            Shape::Edges(links) => {
                for (from, link) in links {
                    let (Some(from), Some(to)) = (node_of[from.index()], node_of[link.to.index()])
                    else {
                        continue;
                    };
                    // A route resource is also a line of its table, as inline routes are.
                    if link.kind == EdgeKind::Route {
                        let line = format!(
                            "{} → {}",
                            link.label.as_deref().unwrap_or("?"),
                            view.nodes[to].address
                        );
                        if !view.nodes[from].details.contains(&line) {
                            view.nodes[from].details.push(line);
                        }
                    }
                    if let Some(e) = add_edge(view, from, to, link, Some(&r.address)) {
                        let edges = names.edges.entry(r.address.clone()).or_default();
                        if !edges.contains(&e) {
                            edges.push(e);
                        }
                    }
                }
            }
            Shape::Member { of, detail } => {
                for host in of.iter().filter_map(|h| node_of[h.index()]) {
                    let node = &mut view.nodes[host];
                    if !node.members.iter().any(|m| m.address == r.address) {
                        node.members.push(Member {
                            address: r.address.clone(),
                            location: Some(location(sources, r.span, r.extent)),
                        });
                    }
                    if let Some(line) = detail {
                        if !node.details.contains(line) {
                            node.details.push(line.clone());
                        }
                    }
                    let hosts = names.members.entry(r.address.clone()).or_default();
                    if !hosts.contains(&host) {
                        hosts.push(host);
                    }
                }
            }
            Shape::Hidden => {}
        }
    }
    place_by_neighbours(view, index);
    view.units.push(Unit {
        label: unit_label(&paths),
        files: paths.iter().map(|p| slashes(p)).collect(),
        folded: None,
        not_drawn,
    });
    names
}

/// The VPC a `within` resource means: itself, or a subnet's VPC.
fn vpc_of(graph: &Graph, id: ResourceId) -> Option<ResourceId> {
    match &graph.get(id).kind {
        Kind::Vpc(_) => Some(id),
        Kind::Subnet(s) => s
            .vpc
            .target()
            .filter(|v| matches!(graph.get(*v).kind, Kind::Vpc(_))),
        _ => None,
    }
}

/// Gateways, templates, security groups and resources of unknown kinds that name no VPC
/// are drawn in the VPC all their neighbours are in, when there is one.
fn place_by_neighbours(view: &mut View, unit: usize) {
    let movable = |k: NodeKind| {
        matches!(
            k,
            NodeKind::Gateway
                | NodeKind::VpnGateway
                | NodeKind::LaunchTemplate
                | NodeKind::SecurityGroup
                | NodeKind::Compute
                | NodeKind::Resource
        )
    };
    let mut moves = Vec::new();
    for (n, node) in view.nodes.iter().enumerate() {
        if node.unit != unit || node.parent.is_some() || !movable(node.kind) {
            continue;
        }
        let mut vpcs: Vec<usize> = view
            .edges
            .iter()
            .filter_map(|e| match (e.from == n, e.to == n) {
                (true, _) => Some(e.to),
                (_, true) => Some(e.from),
                _ => None,
            })
            .filter_map(|other| {
                let o = &view.nodes[other];
                if o.kind == NodeKind::Vpc {
                    Some(other)
                } else {
                    o.parent
                }
            })
            .collect();
        vpcs.sort_unstable();
        vpcs.dedup();
        if let [vpc] = vpcs.as_slice() {
            moves.push((n, *vpc));
        }
    }
    for (n, vpc) in moves {
        view.nodes[n].parent = Some(vpc);
    }
}

/// The unit whose own output holds the finding; else one with the file and the resource.
fn unit_of(units: &[&UnitGraph], names: &[Names], d: &Diagnostic) -> Option<usize> {
    let same = |x: &Diagnostic| x.rule == d.rule && x.span == d.span && x.message == d.message;
    units
        .iter()
        .position(|u| u.diagnostics.iter().any(same))
        .or_else(|| {
            units.iter().zip(names).position(|(u, n)| {
                u.files.contains(&d.span.file) && n.nodes.contains_key(&d.resource)
            })
        })
        .or_else(|| units.iter().position(|u| u.files.contains(&d.span.file)))
}

fn add_finding(
    view: &mut View,
    units: &[&UnitGraph],
    names: &[Names],
    sources: &SourceMap,
    d: &Diagnostic,
) {
    let index = view.findings.len();
    let unit = unit_of(units, names, d);
    let mut nodes: Vec<usize> = Vec::new();
    let mut edges: Vec<usize> = Vec::new();
    if let Some(u) = unit {
        let names = &names[u];
        let addresses = std::iter::once(&d.resource)
            .chain(&d.path)
            .chain(d.related.iter().map(|r| &r.resource));
        for address in addresses {
            if let Some(&n) = names.nodes.get(address) {
                nodes.push(n);
            }
            edges.extend(names.edges.get(address).into_iter().flatten());
            nodes.extend(names.members.get(address).into_iter().flatten());
        }
        // The hops of the path: the edge between two consecutive resources, or between one
        // and the other's VPC (a peering reaches an endpoint through the endpoint's VPC).
        let path: Vec<usize> = d
            .path
            .iter()
            .filter_map(|a| names.nodes.get(a).copied())
            .collect();
        for pair in path.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let joins = |x: usize, y: usize| {
                view.edges
                    .iter()
                    .position(|e| (e.from == x && e.to == y) || (e.from == y && e.to == x))
            };
            let hop = joins(a, b)
                .or_else(|| view.nodes[b].parent.and_then(|p| joins(a, p)))
                .or_else(|| view.nodes[a].parent.and_then(|p| joins(p, b)));
            edges.extend(hop);
        }
    }
    nodes.sort_unstable();
    nodes.dedup();
    edges.sort_unstable();
    edges.dedup();
    for &n in &nodes {
        view.nodes[n].findings.push(index);
    }
    for &e in &edges {
        view.edges[e].findings.push(index);
    }
    let file = sources.get(d.span.file);
    view.findings.push(Finding {
        rule: d.rule.to_owned(),
        name: d.name.to_owned(),
        severity: d.severity,
        message: d.message.clone(),
        resource: d.resource.clone(),
        location: Some(location(sources, d.span, d.span)).map(|mut l| {
            l.end_line = file.line_col(d.span.end).line as usize;
            l
        }),
        path: d.path.clone(),
        unit,
        nodes,
        edges,
    });
}
