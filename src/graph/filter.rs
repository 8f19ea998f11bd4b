//! Drawing less: `--focus` and `--findings-only` keep what a finding or resource touches
//! (its path and one hop around it); folding replaces units and VPCs that no finding
//! touches by a box with their counts when the drawing has too many nodes.

use std::collections::HashMap;

use super::{Counts, Edge, NodeKind, View};

/// What to draw around.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The resource with this address (in every unit that has one).
    Resource(String),
    /// The findings of this rule.
    Rule(String),
    /// The resource declared at this line, and the findings located there; the file is
    /// matched by its trailing path components.
    Line { file: String, line: usize },
    /// Every finding (`--findings-only`).
    Findings,
}

impl Focus {
    /// `VPC001` (a rule id), `network.tf:12` (a line), anything else an address.
    #[must_use]
    pub fn parse(text: &str) -> Focus {
        let text = text.trim();
        if crate::rules::meta(text).is_some() {
            return Focus::Rule(text.to_owned());
        }
        if let Some((file, line)) = text.rsplit_once(':') {
            if let Ok(line) = line.parse::<usize>() {
                if !file.is_empty() {
                    return Focus::Line {
                        file: file.to_owned(),
                        line,
                    };
                }
            }
        }
        Focus::Resource(text.to_owned())
    }
}

/// `--focus` matched nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocusError(pub String);

impl std::fmt::Display for FocusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Does `file` (as the report names it) end with the components of `wanted`?
fn same_file(file: &str, wanted: &str) -> bool {
    let wanted = wanted.trim_start_matches("./").replace('\\', "/");
    file == wanted || file.ends_with(&format!("/{wanted}"))
}

/// Keeps what `focus` touches: the resources it names or the findings it selects, their
/// paths, one hop around them, and the VPCs they are drawn in.
///
/// # Errors
/// When nothing matches (a finding selection with no findings is not an error: the view is
/// empty).
pub fn focus(view: View, focus: &Focus, label: &str) -> Result<View, FocusError> {
    let mut seeds: Vec<usize> = Vec::new();
    let mut selected: Vec<usize> = Vec::new();
    match focus {
        Focus::Findings => selected.extend(0..view.findings.len()),
        Focus::Rule(rule) => selected.extend(
            view.findings
                .iter()
                .enumerate()
                .filter(|(_, f)| &f.rule == rule)
                .map(|(i, _)| i),
        ),
        Focus::Resource(address) => {
            seeds.extend(
                view.nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| {
                        &n.address == address || n.members.iter().any(|m| &m.address == address)
                    })
                    .map(|(i, _)| i),
            );
            for e in view.edges.iter().filter(|e| e.resources.contains(address)) {
                seeds.extend([e.from, e.to]);
            }
        }
        Focus::Line { file, line } => {
            let at = |l: &super::Location| {
                same_file(&l.file, file) && (l.line..=l.end_line).contains(line)
            };
            seeds.extend(
                view.nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| {
                        n.location.as_ref().is_some_and(at)
                            || n.members
                                .iter()
                                .any(|m| m.location.as_ref().is_some_and(at))
                    })
                    .map(|(i, _)| i),
            );
            selected.extend(
                view.findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.location.as_ref().is_some_and(at))
                    .map(|(i, _)| i),
            );
        }
    }
    if seeds.is_empty() && selected.is_empty() && !matches!(focus, Focus::Findings) {
        return Err(FocusError(match focus {
            Focus::Rule(rule) => format!("--focus {label}: no finding of {rule}"),
            _ => format!(
                "--focus {label}: no resource or finding there (give an address such as \
                 aws_instance.app, a rule id, or FILE:LINE)"
            ),
        }));
    }
    for &s in &seeds {
        selected.extend(view.nodes[s].findings.iter().copied());
    }
    selected.sort_unstable();
    selected.dedup();
    let mut core: Vec<usize> = seeds;
    for &f in &selected {
        let finding = &view.findings[f];
        core.extend(finding.nodes.iter().copied());
        for &e in &finding.edges {
            core.extend([view.edges[e].from, view.edges[e].to]);
        }
    }
    let mut keep = vec![false; view.nodes.len()];
    for &n in &core {
        keep[n] = true;
    }
    // One hop.
    for e in &view.edges {
        if core.contains(&e.from) || core.contains(&e.to) {
            keep[e.from] = true;
            keep[e.to] = true;
        }
    }
    // The VPCs they are drawn in.
    for n in 0..keep.len() {
        if keep[n] {
            let mut at = view.nodes[n].parent;
            while let Some(p) = at {
                keep[p] = true;
                at = view.nodes[p].parent;
            }
        }
    }
    let hidden = keep.iter().filter(|k| !**k).count();
    let targets: Vec<Option<usize>> = keep
        .iter()
        .enumerate()
        .map(|(i, &k)| k.then_some(i))
        .collect();
    // Findings: the selected ones, and the others drawn whole.
    let keep_findings: Vec<bool> = view
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            selected.contains(&i) || (!f.nodes.is_empty() && f.nodes.iter().all(|&n| keep[n]))
        })
        .collect();
    let mut out = reindex(view, &targets, &keep_findings);
    out.focus = Some(label.to_owned());
    out.hidden += hidden;
    Ok(out)
}

/// Folds until at most `max_nodes` nodes are drawn: first units no finding touches, then
/// VPCs no finding touches, then VPCs on paths, then units with findings; largest first.
#[must_use]
pub fn fold(mut view: View, max_nodes: usize) -> View {
    let mut count = view.nodes.len();
    if count <= max_nodes {
        return view;
    }
    let mut targets: Vec<Option<usize>> = (0..view.nodes.len()).map(Some).collect();
    let unit_size = |view: &View, u: usize| view.nodes.iter().filter(|n| n.unit == u).count();
    let unit_findings =
        |view: &View, u: usize| view.findings.iter().filter(|f| f.unit == Some(u)).count();
    let mut units: Vec<usize> = (0..view.units.len()).collect();
    units.sort_by_key(|&u| (std::cmp::Reverse(unit_size(&view, u)), u));
    let fold_unit =
        |view: &mut View, targets: &mut Vec<Option<usize>>, count: &mut usize, u: usize| {
            let nodes: Vec<usize> = (0..view.nodes.len())
                .filter(|&n| view.nodes[n].unit == u)
                .collect();
            let counts = Counts {
                vpcs: nodes
                    .iter()
                    .filter(|&&n| view.nodes[n].kind == NodeKind::Vpc)
                    .count(),
                subnets: nodes
                    .iter()
                    .filter(|&&n| view.nodes[n].kind == NodeKind::Subnet)
                    .count(),
                nodes: nodes.len(),
                findings: unit_findings(view, u),
            };
            view.units[u].folded = Some(counts);
            for n in nodes {
                // Nodes already folded into their VPC were counted out then.
                if targets[n] == Some(n) {
                    *count -= 1;
                }
                targets[n] = None;
            }
        };
    for &u in &units {
        if count <= max_nodes {
            break;
        }
        if unit_findings(&view, u) == 0 {
            fold_unit(&mut view, &mut targets, &mut count, u);
        }
    }
    for touched in [false, true] {
        let mut vpcs: Vec<(usize, usize)> = (0..view.nodes.len())
            .filter(|&n| view.nodes[n].kind == NodeKind::Vpc && targets[n].is_some())
            .map(|n| (n, view.children(n).count()))
            .filter(|&(n, size)| {
                size > 0
                    && touched
                        == (view.nodes[n].findings.len()
                            + view
                                .children(n)
                                .map(|c| view.nodes[c].findings.len())
                                .sum::<usize>()
                            > 0)
            })
            .collect();
        vpcs.sort_by_key(|&(n, size)| (std::cmp::Reverse(size), n));
        for (vpc, _) in vpcs {
            if count <= max_nodes {
                break;
            }
            let children: Vec<usize> = view.children(vpc).collect();
            let mut findings: Vec<usize> = children
                .iter()
                .flat_map(|&c| view.nodes[c].findings.iter().copied())
                .collect();
            findings.sort_unstable();
            findings.dedup();
            view.nodes[vpc].folded = Some(Counts {
                vpcs: 0,
                subnets: children
                    .iter()
                    .filter(|&&c| view.nodes[c].kind == NodeKind::Subnet)
                    .count(),
                nodes: children.len(),
                findings: findings.len(),
            });
            for c in children {
                targets[c] = Some(vpc);
                count -= 1;
            }
        }
    }
    for &u in &units {
        if count <= max_nodes {
            break;
        }
        if view.units[u].folded.is_none() {
            fold_unit(&mut view, &mut targets, &mut count, u);
        }
    }
    let keep_findings = vec![true; view.findings.len()];
    reindex(view, &targets, &keep_findings)
}

/// The view with each node `i` replaced by `targets[i]` (itself, the node it is folded
/// into, or `None`: dropped), edges and findings following, and the findings
/// `keep_findings` says. Units that keep no node and are not folded are dropped.
fn reindex(view: View, targets: &[Option<usize>], keep_findings: &[bool]) -> View {
    let View {
        units,
        nodes,
        edges,
        findings,
        focus,
        hidden,
    } = view;
    // New node indexes, in the old order.
    let mut new_index: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut next = 0;
    for (i, t) in targets.iter().enumerate() {
        if *t == Some(i) {
            new_index[i] = Some(next);
            next += 1;
        }
    }
    let map = |i: usize| targets[i].and_then(|t| new_index[t]);
    let mut unit_used = vec![false; units.len()];
    for (i, n) in nodes.iter().enumerate() {
        if new_index[i].is_some() {
            unit_used[n.unit] = true;
        }
    }
    let mut unit_index: Vec<Option<usize>> = vec![None; units.len()];
    let mut kept_units = Vec::new();
    for (u, unit) in units.into_iter().enumerate() {
        if unit_used[u] || unit.folded.is_some() {
            unit_index[u] = Some(kept_units.len());
            kept_units.push(unit);
        }
    }
    let mut finding_index: Vec<Option<usize>> = vec![None; findings.len()];
    let mut next = 0;
    for (f, &k) in keep_findings.iter().enumerate() {
        if k {
            finding_index[f] = Some(next);
            next += 1;
        }
    }
    let map_findings = |fs: &[usize]| -> Vec<usize> {
        let mut out: Vec<usize> = fs.iter().filter_map(|&f| finding_index[f]).collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    // Nodes folded into another give it their findings.
    let mut extra: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(t) = targets[i].filter(|&t| t != i) {
            extra
                .entry(t)
                .or_default()
                .extend(n.findings.iter().copied());
        }
    }
    let mut new_nodes = Vec::with_capacity(next);
    for (i, mut n) in nodes.into_iter().enumerate() {
        if new_index[i].is_none() {
            continue;
        }
        let Some(unit) = unit_index[n.unit] else {
            continue;
        };
        n.unit = unit;
        n.parent = n.parent.and_then(map).filter(|&p| Some(p) != new_index[i]);
        let mut fs = n.findings.clone();
        fs.extend(extra.get(&i).into_iter().flatten());
        n.findings = map_findings(&fs);
        new_nodes.push(n);
    }
    let mut edge_index: Vec<Option<usize>> = vec![None; edges.len()];
    let mut new_edges: Vec<Edge> = Vec::new();
    let mut keys: HashMap<(usize, usize, super::EdgeKind, Option<String>), usize> = HashMap::new();
    for (i, e) in edges.into_iter().enumerate() {
        let (Some(from), Some(to)) = (map(e.from), map(e.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let key = (from, to, e.kind, e.label.clone());
        let at = *keys.entry(key).or_insert_with(|| {
            new_edges.push(Edge {
                from,
                to,
                kind: e.kind,
                label: e.label.clone(),
                resources: Vec::new(),
                findings: Vec::new(),
            });
            new_edges.len() - 1
        });
        let merged = &mut new_edges[at];
        for r in e.resources {
            if !merged.resources.contains(&r) {
                merged.resources.push(r);
            }
        }
        merged.findings.extend(e.findings);
        edge_index[i] = Some(at);
    }
    for e in &mut new_edges {
        e.findings = map_findings(&e.findings);
    }
    let mut new_findings = Vec::new();
    for (f, mut finding) in findings.into_iter().enumerate() {
        if finding_index[f].is_none() {
            continue;
        }
        finding.unit = finding.unit.and_then(|u| unit_index[u]);
        let mut ns: Vec<usize> = finding.nodes.iter().filter_map(|&n| map(n)).collect();
        ns.sort_unstable();
        ns.dedup();
        finding.nodes = ns;
        let mut es: Vec<usize> = finding
            .edges
            .iter()
            .filter_map(|&e| edge_index[e])
            .collect();
        es.sort_unstable();
        es.dedup();
        finding.edges = es;
        new_findings.push(finding);
    }
    View {
        units: kept_units,
        nodes: new_nodes,
        edges: new_edges,
        findings: new_findings,
        focus,
        hidden,
    }
}
