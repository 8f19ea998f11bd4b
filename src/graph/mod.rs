//! `vpclint graph`: a diagram of what vpclint understood, with the path of every finding.
//!
//! Pure functions, in three steps:
//!
//! 1. [`build()`]: each lowered unit's [`Graph`](crate::model::Graph) and the report's findings
//!    into one [`View`]: nodes (VPCs holding subnets, route tables, endpoints, compute,
//!    gateways; peerings, transit gateways, VPN, Direct Connect and DNS between them), edges
//!    (routes, associations, attachments), findings with the nodes and edges of their
//!    witness path, unchecked reasons. `kinds.rs` is the one place that knows the model's
//!    kinds; a kind it does not know is drawn as a generic node.
//! 2. [`focus`] and [`fold`]: keep what a finding or resource touches (one hop around its
//!    path), fold units and VPCs that no finding touches when the drawing is too large.
//! 3. An emitter: `mermaid.rs`, `dot.rs`, `json.rs`, `html.rs` (inline SVG laid out by
//!    `layout.rs`, a small inline script; no network), `markdown.rs` (the capped Mermaid for
//!    a GitHub step summary).
//!
//! Nodes are identified by resource address within their unit; a finding's path and related
//! resources are matched by address in the finding's unit (the unit whose own output holds
//! it). CloudFormation copies of a resource (one per condition combination) are one node.

mod build;
pub mod dot;
mod filter;
pub mod html;
pub mod json;
mod kinds;
pub mod layout;
pub mod markdown;
pub mod mermaid;

pub use build::build;
pub use filter::{focus, fold, Focus, FocusError};

use crate::diagnostic::Severity;

/// The `version` of `vpclint graph --format json`; fields are only ever added.
pub const VERSION: u32 = 1;

/// The default most nodes drawn before units and VPCs that no finding touches are folded.
pub const DEFAULT_MAX_NODES: usize = 400;

/// The output formats of `vpclint graph --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Mermaid flowchart (paste into GitHub Markdown inside a ```` ```mermaid ```` block).
    #[default]
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// One self-contained HTML page: inline SVG, pan and zoom, details on click, findings
    /// that highlight their path. Nothing is loaded from the network.
    Html,
    /// The graph itself: units, nodes, edges, findings (with a `version`).
    Json,
    /// Markdown with the Mermaid diagram and the findings, capped in size (for a GitHub
    /// step summary).
    Markdown,
}

/// What to draw.
#[derive(Clone, Debug)]
pub struct ViewOptions {
    /// `--focus`: a resource address, a rule id, or `FILE:LINE` (see [`Focus::parse`]).
    pub focus: Option<String>,
    /// `--findings-only`: the findings' paths and one hop around them.
    pub findings_only: bool,
    /// Fold beyond this many nodes (see [`fold`]).
    pub max_nodes: usize,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            focus: None,
            findings_only: false,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// The view of a run: [`build()`], then [`focus`] and [`fold`] as the options say.
///
/// # Errors
/// When `--focus` matches nothing.
pub fn view(
    report: &crate::check::Report,
    units: &[crate::check::UnitGraph],
    options: &ViewOptions,
) -> Result<View, FocusError> {
    let mut view = build(report, units);
    if let Some(text) = &options.focus {
        view = focus(view, &Focus::parse(text), text)?;
    }
    if options.findings_only {
        let label = match &view.focus {
            Some(f) => format!("{f}, findings only"),
            None => "findings only".to_owned(),
        };
        view = focus(view, &Focus::Findings, &label)?;
    }
    Ok(fold(view, options.max_nodes))
}

/// Renders a view.
#[must_use]
pub fn render(view: &View, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::render(view),
        Format::Dot => dot::render(view),
        Format::Html => html::render(view),
        Format::Json => json::render(view),
        Format::Markdown => markdown::render(view, markdown::DEFAULT_MAX_BYTES),
    }
}

/// What a node is, for placement and style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Vpc,
    Subnet,
    RouteTable,
    /// Internet, NAT and egress-only internet gateways.
    Gateway,
    VpnGateway,
    TransitGateway,
    Peering,
    VpnConnection,
    CustomerGateway,
    DirectConnect,
    Compute,
    LaunchTemplate,
    Endpoint,
    SecurityGroup,
    /// Hosted zones, Resolver endpoints and rules, DHCP options, Route 53 Profiles.
    Dns,
    Directory,
    /// A modelled resource drawn without a style of its own.
    Resource,
}

impl NodeKind {
    /// The name in JSON and the CSS class in HTML.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Vpc => "vpc",
            NodeKind::Subnet => "subnet",
            NodeKind::RouteTable => "route-table",
            NodeKind::Gateway => "gateway",
            NodeKind::VpnGateway => "vpn-gateway",
            NodeKind::TransitGateway => "transit-gateway",
            NodeKind::Peering => "peering",
            NodeKind::VpnConnection => "vpn-connection",
            NodeKind::CustomerGateway => "customer-gateway",
            NodeKind::DirectConnect => "direct-connect",
            NodeKind::Compute => "compute",
            NodeKind::LaunchTemplate => "launch-template",
            NodeKind::Endpoint => "endpoint",
            NodeKind::SecurityGroup => "security-group",
            NodeKind::Dns => "dns",
            NodeKind::Directory => "directory",
            NodeKind::Resource => "resource",
        }
    }

    /// Drawn between VPCs (the transit band) when in no VPC.
    #[must_use]
    pub fn is_transit(self) -> bool {
        matches!(
            self,
            NodeKind::Peering
                | NodeKind::TransitGateway
                | NodeKind::VpnConnection
                | NodeKind::CustomerGateway
                | NodeKind::DirectConnect
                | NodeKind::VpnGateway
                | NodeKind::Gateway
        )
    }

    /// The column inside a VPC box: workloads, subnets, route tables, gateways.
    #[must_use]
    pub fn column(self) -> usize {
        match self {
            NodeKind::Subnet => 1,
            NodeKind::RouteTable => 2,
            NodeKind::Gateway
            | NodeKind::VpnGateway
            | NodeKind::TransitGateway
            | NodeKind::Peering
            | NodeKind::VpnConnection
            | NodeKind::CustomerGateway
            | NodeKind::DirectConnect => 3,
            _ => 0,
        }
    }
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A route of a table to its target (labelled with the destination).
    Route,
    /// A subnet's route table, a zone's or rule's VPC, DHCP options of a VPC.
    Association,
    /// A VPC attached to a transit gateway or virtual private gateway; Direct Connect.
    Attachment,
    /// A peering to its requester and accepter VPCs.
    Peering,
    /// A VPN connection to its gateways.
    Vpn,
    /// A virtual private gateway propagating into a route table.
    Propagation,
    /// Compute, endpoints and directories in their subnets.
    Uses,
    /// An endpoint's security groups.
    Security,
    /// Compute and its launch template.
    Template,
    /// Anything else (a rule's Resolver endpoint).
    Link,
}

impl EdgeKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Route => "route",
            EdgeKind::Association => "association",
            EdgeKind::Attachment => "attachment",
            EdgeKind::Peering => "peering",
            EdgeKind::Vpn => "vpn",
            EdgeKind::Propagation => "propagation",
            EdgeKind::Uses => "uses",
            EdgeKind::Security => "security",
            EdgeKind::Template => "template",
            EdgeKind::Link => "link",
        }
    }
}

/// A place in the input, for people: the file as the report names it, 1-based line and
/// column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The last line of the resource's declaration (for "the resource at this line").
    pub end_line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A resource drawn inside another's node (a route resource without a graph target, a
/// secondary CIDR block, an ingress rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub address: String,
    pub location: Option<Location>,
}

/// What a folded unit or VPC held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub vpcs: usize,
    pub subnets: usize,
    pub nodes: usize,
    pub findings: usize,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.vpcs > 0 {
            parts.push(plural(self.vpcs, "VPC", "VPCs"));
        }
        if self.subnets > 0 {
            parts.push(plural(self.subnets, "subnet", "subnets"));
        }
        parts.push(plural(self.nodes, "resource", "resources"));
        if self.findings > 0 {
            parts.push(plural(self.findings, "finding", "findings"));
        }
        f.write_str(&parts.join(", "))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub unit: usize,
    /// The VPC node it is drawn in.
    pub parent: Option<usize>,
    pub kind: NodeKind,
    pub address: String,
    pub type_name: String,
    /// Lines for people: CIDR, AZ, instance type and hypervisor, routes.
    pub details: Vec<String>,
    pub location: Option<Location>,
    /// Why the resource is not (fully) checked; drawn dashed.
    pub unchecked: Vec<String>,
    /// Indexes into [`View::findings`] whose path or related locations touch it.
    pub findings: Vec<usize>,
    pub members: Vec<Member>,
    /// Set when the VPC's contents are folded into it.
    pub folded: Option<Counts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub label: Option<String>,
    /// The resources the edge stands for (a route, an association, an attachment), or the
    /// route table's address for its inline routes.
    pub resources: Vec<String>,
    pub findings: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub resource: String,
    pub location: Option<Location>,
    /// The witness path, as the finding names it.
    pub path: Vec<String>,
    pub unit: Option<usize>,
    /// The nodes and edges drawn for its path, subject and related resources.
    pub nodes: Vec<usize>,
    pub edges: Vec<usize>,
}

/// One deployment unit: a Terraform root module with its modules, a group of linked
/// CloudFormation templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// The common directory of its files (or its one file).
    pub label: String,
    pub files: Vec<String>,
    /// Set when the unit is folded to one box.
    pub folded: Option<Counts>,
    /// Resources of kinds vpclint does not model, not drawn.
    pub not_drawn: usize,
}

/// Everything to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub units: Vec<Unit>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub findings: Vec<Finding>,
    /// What `--focus` selected, as given.
    pub focus: Option<String>,
    /// Nodes left out by `--focus` or `--findings-only`.
    pub hidden: usize,
}

impl View {
    /// The id of a node in every format (`n3`).
    #[must_use]
    pub fn node_id(index: usize) -> String {
        format!("n{index}")
    }

    /// The id of an edge (`e3`).
    #[must_use]
    pub fn edge_id(index: usize) -> String {
        format!("e{index}")
    }

    /// The most severe finding touching a node or edge.
    #[must_use]
    pub fn severity(&self, findings: &[usize]) -> Option<Severity> {
        findings.iter().map(|&f| self.findings[f].severity).max()
    }

    /// The rule ids of the findings, deduplicated in order.
    #[must_use]
    pub fn rules(&self, findings: &[usize]) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &f in findings {
            let rule = self.findings[f].rule.as_str();
            if !out.contains(&rule) {
                out.push(rule);
            }
        }
        out
    }

    /// A node's children (the nodes drawn in it), in order.
    pub fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.parent == Some(parent))
            .map(|(i, _)| i)
    }
}

/// The colour of a severity in every format.
#[must_use]
pub fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "#d1242f",
        Severity::Warning => "#bf6a02",
        Severity::Info => "#0969da",
    }
}

/// A label shortened to `max` characters, cut in the middle (addresses differ at both ends:
/// `module.network.aws_subnet.private["a"]`).
#[must_use]
pub fn ellipsize(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max || max < 5 {
        return text.to_owned();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = text.chars().take(head).collect();
    out.push('…');
    out.extend(text.chars().skip(count - tail));
    out
}
