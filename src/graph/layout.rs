//! Where each node of a [`View`] goes in the HTML page's SVG. Computed here, so that the page
//! needs no layout library: deterministic, and nothing overlaps by construction.
//!
//! A unit is a box. In it, VPC boxes in rows of at most [`ROW_MAX`]; when the unit has
//! transit nodes (peerings, transit gateways, VPN connections, customer and Direct Connect
//! gateways in no VPC), the VPCs alternate above and below a band that holds them, each
//! transit node placed under the mean of its neighbours and pushed aside until nothing
//! overlaps. Other nodes in no VPC (hosted zones, Resolver rules, DHCP options) are a band
//! at the bottom. In a VPC box the nodes stand in columns: workloads (compute, endpoints,
//! directories), subnets, route tables, gateways; each column ordered by its neighbours
//! in the column before, to keep lines short.
//!
//! Text is monospace, so its width is known here: [`CHAR_W`] pixels a character at the
//! page's font size, with a margin (`tests/graph_browser.rs` checks it in Chromium).

use super::{ellipsize, NodeKind, View};

/// Width of one character of node text (11 px monospace is 6.6 px; the rest is margin).
pub const CHAR_W: i32 = 7;
pub const LINE_H: i32 = 15;
/// Most characters of a line of node text; longer lines are shortened in the middle.
pub const MAX_CHARS: usize = 46;
/// Most detail lines drawn in a node (all are in the details panel).
const MAX_DETAILS: usize = 4;
const PAD_X: i32 = 8;
const PAD_Y: i32 = 6;
const MIN_W: i32 = 96;
/// Most VPCs in a row.
pub const ROW_MAX: usize = 5;
const VPC_PAD: i32 = 12;
const COL_GAP: i32 = 40;
const NODE_GAP: i32 = 10;
const VPC_GAP: i32 = 40;
const ROW_GAP: i32 = 70;
const BAND_GAP: i32 = 28;
const UNIT_PAD: i32 = 20;
const UNIT_HEADER: i32 = 26;
const UNIT_GAP: i32 = 40;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    #[must_use]
    pub fn right(&self) -> i32 {
        self.x + self.w
    }

    #[must_use]
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }

    #[must_use]
    pub fn centre(&self) -> (i32, i32) {
        (self.x + self.w / 2, self.y + self.h / 2)
    }

    /// Do the two share any area (touching edges do not count)?
    #[must_use]
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// Is `other` inside this one (edges may touch)?
    #[must_use]
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    fn moved(self, dx: i32, dy: i32) -> Rect {
        Rect {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
    }
}

/// Positions for every unit, node and edge of a view, and the text each node shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    pub units: Vec<Rect>,
    /// The text lines of each unit's header (its label; the counts when folded).
    pub unit_lines: Vec<Vec<String>>,
    pub nodes: Vec<Rect>,
    /// The text lines drawn in each node: its address, then details; a VPC box's are its
    /// header.
    pub lines: Vec<Vec<String>>,
    /// Each edge as a cubic Bézier: start, two control points, end.
    pub edges: Vec<[(i32, i32); 4]>,
}

fn text_width(lines: &[String]) -> i32 {
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    i32::try_from(chars).unwrap_or(i32::MAX / 2) * CHAR_W
}

fn lines_height(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(0) * LINE_H
}

/// A node's lines: the address, then up to [`MAX_DETAILS`] details (or the folded counts).
fn node_lines(view: &View, n: usize, header: bool) -> Vec<String> {
    let node = &view.nodes[n];
    let mut lines = vec![ellipsize(&node.address, MAX_CHARS)];
    let max = if header { 2 } else { MAX_DETAILS };
    let details = &node.details;
    for d in details.iter().take(max) {
        lines.push(ellipsize(d, MAX_CHARS));
    }
    if details.len() > max {
        lines.push(format!("+{} more", details.len() - max));
    }
    if let Some(counts) = &node.folded {
        lines.push(ellipsize(&format!("folded: {counts}"), MAX_CHARS));
    }
    let rules = view.rules(&node.findings);
    if !rules.is_empty() {
        lines.push(ellipsize(&format!("! {}", rules.join(", ")), MAX_CHARS));
    }
    lines
}

fn leaf_size(lines: &[String]) -> (i32, i32) {
    (
        (text_width(lines) + 2 * PAD_X).max(MIN_W),
        lines_height(lines.len()) + 2 * PAD_Y,
    )
}

/// Lays out a view.
#[must_use]
pub fn layout(view: &View) -> Layout {
    let n = view.nodes.len();
    let mut out = Layout {
        nodes: vec![Rect::default(); n],
        lines: vec![Vec::new(); n],
        ..Layout::default()
    };
    // Sizes first, leaves then VPC boxes (their contents are placed relative to them).
    let is_box: Vec<bool> = view
        .nodes
        .iter()
        .map(|node| node.kind == NodeKind::Vpc && node.folded.is_none())
        .collect();
    for (i, &boxed) in is_box.iter().enumerate() {
        out.lines[i] = node_lines(view, i, boxed);
        if !boxed {
            let (w, h) = leaf_size(&out.lines[i]);
            out.nodes[i] = Rect { x: 0, y: 0, w, h };
        }
    }
    for (i, &boxed) in is_box.iter().enumerate() {
        if boxed {
            layout_vpc(view, i, &mut out);
        }
    }
    let mut y = 0;
    let mut width = 0;
    for u in 0..view.units.len() {
        let rect = layout_unit(view, u, y, &mut out);
        width = width.max(rect.right());
        y = rect.bottom() + UNIT_GAP;
        out.units.push(rect);
    }
    out.width = width;
    out.height = (y - UNIT_GAP).max(0);
    out.edges = view
        .edges
        .iter()
        .map(|e| curve(out.nodes[e.from], out.nodes[e.to]))
        .collect();
    out
}

/// Places a VPC's children in columns, relative to the box's origin (moved later with it).
fn layout_vpc(view: &View, vpc: usize, out: &mut Layout) {
    let children: Vec<usize> = view.children(vpc).collect();
    let mut columns: [Vec<usize>; 4] = Default::default();
    for &c in &children {
        columns[view.nodes[c].kind.column().min(3)].push(c);
    }
    // Route tables in declaration order; each other column by the mean rank of its
    // neighbours already ordered.
    let mut rank: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (r, &c) in columns[2].iter().enumerate() {
        rank.insert(c, r);
    }
    for col in [1, 0, 3] {
        let mut keyed: Vec<(usize, usize, usize)> = columns[col]
            .iter()
            .map(|&c| {
                let neighbours: Vec<usize> = view
                    .edges
                    .iter()
                    .filter_map(|e| match (e.from == c, e.to == c) {
                        (true, _) => rank.get(&e.to).copied(),
                        (_, true) => rank.get(&e.from).copied(),
                        _ => None,
                    })
                    .collect();
                let key = if neighbours.is_empty() {
                    usize::MAX
                } else {
                    neighbours.iter().sum::<usize>() * 16 / neighbours.len()
                };
                (key, view.nodes[c].kind as usize, c)
            })
            .collect();
        keyed.sort_unstable();
        columns[col] = keyed.into_iter().map(|(_, _, c)| c).collect();
        for (r, &c) in columns[col].iter().enumerate() {
            rank.entry(c).or_insert(r);
        }
    }
    let header = &out.lines[vpc];
    let header_h = lines_height(header.len()) + PAD_Y;
    let mut x = VPC_PAD;
    let mut content_h = 0;
    for column in columns.iter().filter(|c| !c.is_empty()) {
        let w = column.iter().map(|&c| out.nodes[c].w).max().unwrap_or(0);
        let mut y = header_h + VPC_PAD;
        for &c in column {
            out.nodes[c].x = x;
            out.nodes[c].y = y;
            y += out.nodes[c].h + NODE_GAP;
        }
        content_h = content_h.max(y - NODE_GAP - header_h - VPC_PAD);
        x += w + COL_GAP;
    }
    let content_w = if children.is_empty() {
        0
    } else {
        x - COL_GAP - VPC_PAD
    };
    let w = (content_w.max(text_width(header) + 2 * PAD_X - 2 * VPC_PAD) + 2 * VPC_PAD).max(MIN_W);
    let h = header_h + content_h + 2 * VPC_PAD;
    out.nodes[vpc] = Rect { x: 0, y: 0, w, h };
}

/// Moves a node (and a VPC box's children) by an offset.
fn shift(view: &View, out: &mut Layout, node: usize, dx: i32, dy: i32) {
    out.nodes[node] = out.nodes[node].moved(dx, dy);
    let children: Vec<usize> = view.children(node).collect();
    for c in children {
        shift(view, out, c, dx, dy);
    }
}

/// Lays out one unit with its top-left corner at (0, `top`); returns its box.
fn layout_unit(view: &View, unit: usize, top: i32, out: &mut Layout) -> Rect {
    let label = ellipsize(&view.units[unit].label, 96);
    if let Some(counts) = &view.units[unit].folded {
        let lines = vec![label, format!("folded: {counts}")];
        let (w, h) = leaf_size(&lines);
        out.unit_lines.push(lines);
        return Rect {
            x: 0,
            y: top,
            w: w + 2 * UNIT_PAD,
            h: h + UNIT_PAD,
        };
    }
    out.unit_lines.push(vec![label.clone()]);
    let top_level: Vec<usize> = (0..view.nodes.len())
        .filter(|&i| view.nodes[i].unit == unit && view.nodes[i].parent.is_none())
        .collect();
    let vpcs: Vec<usize> = top_level
        .iter()
        .copied()
        .filter(|&i| view.nodes[i].kind == NodeKind::Vpc)
        .collect();
    let transit: Vec<usize> = top_level
        .iter()
        .copied()
        .filter(|&i| view.nodes[i].kind != NodeKind::Vpc && view.nodes[i].kind.is_transit())
        .collect();
    let services: Vec<usize> = top_level
        .iter()
        .copied()
        .filter(|&i| view.nodes[i].kind != NodeKind::Vpc && !view.nodes[i].kind.is_transit())
        .collect();
    let (above, below): (Vec<usize>, Vec<usize>) = if transit.is_empty() {
        (vpcs, Vec::new())
    } else {
        let nth = |parity: usize| -> Vec<usize> {
            vpcs.iter()
                .enumerate()
                .filter(|(k, _)| k % 2 == parity)
                .map(|(_, &v)| v)
                .collect()
        };
        (nth(0), nth(1))
    };
    let left = UNIT_PAD;
    let mut y = top + UNIT_HEADER + UNIT_PAD / 2;
    let mut right = left + text_width(std::slice::from_ref(&label));
    let place_rows =
        |view: &View, out: &mut Layout, group: &[usize], y: &mut i32, right: &mut i32| {
            for row in group.chunks(ROW_MAX) {
                let mut x = left;
                let mut h = 0;
                for &v in row {
                    let (dx, dy) = (x - out.nodes[v].x, *y - out.nodes[v].y);
                    shift(view, out, v, dx, dy);
                    x += out.nodes[v].w + VPC_GAP;
                    h = h.max(out.nodes[v].h);
                }
                *right = (*right).max(x - VPC_GAP);
                *y += h + ROW_GAP;
            }
        };
    place_rows(view, out, &above, &mut y, &mut right);
    if !transit.is_empty() {
        let h = place_band(view, out, &transit, left, y);
        right = right.max(
            transit
                .iter()
                .map(|&t| out.nodes[t].right())
                .max()
                .unwrap_or(left),
        );
        y += h + ROW_GAP;
    }
    place_rows(view, out, &below, &mut y, &mut right);
    if !services.is_empty() {
        let h = place_band(view, out, &services, left, y);
        right = right.max(
            services
                .iter()
                .map(|&t| out.nodes[t].right())
                .max()
                .unwrap_or(left),
        );
        y += h + ROW_GAP;
    }
    let bottom = if top_level.is_empty() {
        y
    } else {
        y - ROW_GAP + UNIT_PAD
    };
    Rect {
        x: 0,
        y: top,
        w: right + UNIT_PAD,
        h: bottom - top,
    }
}

/// Places band nodes in one row at `y`: each under the mean x of its placed neighbours,
/// then pushed right until none overlaps the one before. Returns the band's height.
fn place_band(view: &View, out: &mut Layout, band: &[usize], left: i32, y: i32) -> i32 {
    let mut wanted: Vec<(i32, usize)> = band
        .iter()
        .map(|&b| {
            let xs: Vec<i32> = view
                .edges
                .iter()
                .filter_map(|e| match (e.from == b, e.to == b) {
                    (true, _) => Some(e.to),
                    (_, true) => Some(e.from),
                    _ => None,
                })
                .filter(|o| !band.contains(o))
                .map(|o| out.nodes[o].centre().0)
                .collect();
            let centre = if xs.is_empty() {
                i32::MAX / 4
            } else {
                xs.iter().sum::<i32>() / i32::try_from(xs.len()).unwrap_or(1)
            };
            (centre, b)
        })
        .collect();
    wanted.sort_unstable();
    let mut x = left;
    let mut h = 0;
    for (centre, b) in wanted {
        let w = out.nodes[b].w;
        let at = if centre == i32::MAX / 4 {
            x
        } else {
            (centre - w / 2).max(x)
        };
        out.nodes[b].x = at;
        out.nodes[b].y = y;
        x = at + w + BAND_GAP;
        h = h.max(out.nodes[b].h);
    }
    h
}

/// A curve between two boxes: leaving and entering vertically when one is above the other,
/// horizontally otherwise.
fn curve(a: Rect, b: Rect) -> [(i32, i32); 4] {
    let (ax, ay) = a.centre();
    let (bx, by) = b.centre();
    if a.contains(&b) || b.contains(&a) {
        // A node and the VPC it is in: out of the node's right side to the box's edge.
        let (inner, outer) = if a.contains(&b) { (b, a) } else { (a, b) };
        let start = (inner.right(), inner.centre().1);
        let end = (outer.right(), inner.centre().1);
        return [start, (start.0 + 8, start.1), (end.0 - 8, end.1), end];
    }
    if a.bottom() <= b.y || b.bottom() <= a.y {
        let (start, end) = if a.bottom() <= b.y {
            ((ax, a.bottom()), (bx, b.y))
        } else {
            ((ax, a.y), (bx, b.bottom()))
        };
        let dy = (end.1 - start.1) / 2;
        [start, (start.0, start.1 + dy), (end.0, end.1 - dy), end]
    } else {
        let (start, end) = if ax <= bx {
            ((a.right(), ay), (b.x, by))
        } else {
            ((a.x, ay), (b.right(), by))
        };
        let dx = (end.0 - start.0) / 2;
        [start, (start.0 + dx, start.1), (end.0 - dx, end.1), end]
    }
}

fn ancestors(view: &View, mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while let Some(p) = view.nodes[n].parent {
        out.push(p);
        n = p;
    }
    out
}

/// What makes a layout hard to read: nodes that overlap (other than a VPC box and what is
/// in it), nodes outside their VPC box or unit, text wider than its node, units that
/// overlap. Empty when readable.
#[must_use]
pub fn problems(view: &View, layout: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    let name = |i: usize| &view.nodes[i].address;
    for (i, a) in layout.nodes.iter().enumerate() {
        let unit = layout.units[view.nodes[i].unit];
        if !unit.contains(a) {
            out.push(format!("{} is outside its unit", name(i)));
        }
        if let Some(p) = view.nodes[i].parent {
            if !layout.nodes[p].contains(a) {
                out.push(format!("{} is outside {}", name(i), name(p)));
            }
        }
        if text_width(&layout.lines[i]) + 2 * PAD_X > a.w {
            out.push(format!("the text of {} is wider than it", name(i)));
        }
        let up = ancestors(view, i);
        for (j, b) in layout.nodes.iter().enumerate().skip(i + 1) {
            if a.overlaps(b) && !up.contains(&j) && !ancestors(view, j).contains(&i) {
                out.push(format!("{} and {} overlap", name(i), name(j)));
            }
        }
    }
    for (i, a) in layout.units.iter().enumerate() {
        for (j, b) in layout.units.iter().enumerate().skip(i + 1) {
            if a.overlaps(b) {
                out.push(format!("units {i} and {j} overlap"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, Node, Unit};

    fn node(unit: usize, parent: Option<usize>, kind: NodeKind, address: &str) -> Node {
        Node {
            unit,
            parent,
            kind,
            address: address.to_owned(),
            type_name: String::new(),
            details: vec!["10.0.0.0/24".to_owned(), "ap-northeast-1a".to_owned()],
            location: None,
            unchecked: Vec::new(),
            findings: Vec::new(),
            members: Vec::new(),
            folded: None,
        }
    }

    /// A hub-and-spoke unit: `vpcs` VPCs, each with two subnets, a route table, an
    /// instance, a long-named endpoint; a transit gateway attached to all of them, and a
    /// peering and a hosted zone for some.
    fn hub_and_spoke(vpcs: usize) -> View {
        let mut view = View {
            units: vec![Unit {
                label: "infra/hub".to_owned(),
                files: Vec::new(),
                folded: None,
                not_drawn: 0,
            }],
            ..View::default()
        };
        let edge = |from, to, kind| Edge {
            from,
            to,
            kind,
            label: None,
            resources: Vec::new(),
            findings: Vec::new(),
        };
        let tgw = view.nodes.len();
        view.nodes.push(node(
            0,
            None,
            NodeKind::TransitGateway,
            "aws_ec2_transit_gateway.hub",
        ));
        let zone = view.nodes.len();
        view.nodes
            .push(node(0, None, NodeKind::Dns, "aws_route53_zone.internal"));
        let mut previous = None;
        for v in 0..vpcs {
            let vpc = view.nodes.len();
            view.nodes.push(node(
                0,
                None,
                NodeKind::Vpc,
                &format!("module.spoke[\"{v}\"].aws_vpc.this"),
            ));
            let rt = view.nodes.len();
            view.nodes.push(node(
                0,
                Some(vpc),
                NodeKind::RouteTable,
                &format!("aws_route_table.r{v}"),
            ));
            for s in 0..2 {
                let subnet = view.nodes.len();
                view.nodes.push(node(
                    0,
                    Some(vpc),
                    NodeKind::Subnet,
                    &format!("aws_subnet.s{v}_{s}"),
                ));
                view.edges.push(edge(subnet, rt, EdgeKind::Association));
            }
            let compute = view.nodes.len();
            view.nodes.push(node(
                0,
                Some(vpc),
                NodeKind::Compute,
                &format!("aws_instance.app{v}"),
            ));
            view.edges.push(edge(compute, rt + 1, EdgeKind::Uses));
            view.nodes.push(node(
                0,
                Some(vpc),
                NodeKind::Endpoint,
                &format!(
                    "module.endpoints.aws_vpc_endpoint.this[\"com.amazonaws.eu-west-1.ssm-{v}\"]"
                ),
            ));
            view.edges.push(edge(rt, tgw, EdgeKind::Route));
            view.edges.push(edge(vpc, tgw, EdgeKind::Attachment));
            view.edges.push(edge(zone, vpc, EdgeKind::Association));
            if let (Some(p), true) = (previous, v % 3 == 0) {
                let peering = view.nodes.len();
                view.nodes.push(node(
                    0,
                    None,
                    NodeKind::Peering,
                    &format!("aws_vpc_peering_connection.p{v}"),
                ));
                view.edges.push(edge(peering, p, EdgeKind::Peering));
                view.edges.push(edge(peering, vpc, EdgeKind::Peering));
            }
            previous = Some(vpc);
        }
        view
    }

    fn assert_readable(view: &View, layout: &Layout) {
        let problems = problems(view, layout);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn nothing_overlaps_up_to_thirty_vpcs() {
        for vpcs in [1, 2, 3, 5, 8, 13, 21, 30] {
            let view = hub_and_spoke(vpcs);
            let layout = layout(&view);
            assert_readable(&view, &layout);
            assert!(layout.width > 0 && layout.height > 0);
        }
    }

    #[test]
    fn units_stack_and_folded_units_are_one_box() {
        let mut view = hub_and_spoke(3);
        let mut second = hub_and_spoke(2);
        let offset = view.nodes.len();
        for n in &mut second.nodes {
            n.unit = 1;
            n.parent = n.parent.map(|p| p + offset);
        }
        for e in &mut second.edges {
            e.from += offset;
            e.to += offset;
        }
        view.nodes.extend(second.nodes);
        view.edges.extend(second.edges);
        view.units.push(second.units.remove(0));
        view.units.push(Unit {
            label: "infra/other".to_owned(),
            files: Vec::new(),
            folded: Some(crate::graph::Counts {
                vpcs: 4,
                subnets: 9,
                nodes: 30,
                findings: 0,
            }),
            not_drawn: 0,
        });
        let layout = layout(&view);
        assert_readable(&view, &layout);
        assert_eq!(layout.units.len(), 3);
        assert!(layout.unit_lines[2][1].contains("4 VPCs"));
    }

    #[test]
    fn the_check_finds_overlaps_and_overflowing_text() {
        let view = hub_and_spoke(2);
        let mut broken = layout(&view);
        let (a, b) = (1, 2);
        broken.nodes[b] = broken.nodes[a];
        broken.lines[a].push("x".repeat(200));
        let problems = problems(&view, &broken);
        assert!(
            problems.iter().any(|p| p.ends_with("overlap")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("wider")), "{problems:?}");
    }

    #[test]
    fn long_addresses_are_shortened_in_the_middle() {
        let long =
            "module.network.module.subnets.aws_subnet.private[\"eu-west-1a-workloads-primary\"]";
        let short = ellipsize(long, MAX_CHARS);
        assert_eq!(short.chars().count(), MAX_CHARS);
        assert!(short.starts_with("module.network"));
        assert!(short.ends_with("primary\"]"));
    }
}
