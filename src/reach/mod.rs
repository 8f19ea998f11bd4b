//! Reachability: which compute reaches which interface endpoint, by which kind of path.
//!
//! For a compute resource's subnet and an interface endpoint in another VPC: the subnet's
//! effective route table (explicit association, else the VPC's main table, else the implicit
//! main table with only the local routes), the longest-prefix match of each endpoint subnet's
//! CIDR among its routes (local, inline, route resources, routes propagated from virtual
//! private gateways), and the kind of hop the matching route names. Anything Unknown on the
//! way makes the pair "not checked", with the reason; it is never guessed.

pub mod lpm;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::model::{
    ComputeKind, Graph, Index, Ipv4Net, Kind, Prop, ResourceId, TargetKind, Undecided, Val,
};
use crate::source::Span;

/// How traffic from a subnet reaches an endpoint's subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKind {
    SameVpc,
    IntraRegionPeering,
    InterRegionPeering,
    Vpn,
    TransitGateway,
    DirectConnect,
    /// Through an appliance, a Cloud WAN core network or a local gateway: not a path vpclint
    /// classifies further.
    Other,
    /// Internet or NAT gateway, a peering to another VPC, or no route at all.
    NoPath,
}

impl PathKind {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            PathKind::SameVpc => "the same VPC",
            PathKind::IntraRegionPeering => "intra-region VPC peering",
            PathKind::InterRegionPeering => "inter-region VPC peering",
            PathKind::Vpn => "Site-to-Site VPN",
            PathKind::TransitGateway => "transit gateway",
            PathKind::DirectConnect => "Direct Connect",
            PathKind::Other => "an appliance or other next hop",
            PathKind::NoPath => "no private path",
        }
    }
}

/// A path found from a subnet to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub kind: PathKind,
    /// The route table used (`None`: the implicit main table).
    pub route_table: Option<ResourceId>,
    /// The route that matched (`None` for the same VPC or no match): the resource that
    /// declares it (a route resource, or the table for inline and propagated routes) and
    /// its span.
    pub route: Option<(ResourceId, Span)>,
    /// The connection crossed: the peering, the virtual private gateway, the transit gateway.
    pub connection: Option<ResourceId>,
    /// A stated assumption the classification rests on.
    pub assumption: Option<String>,
}

/// The result for one (subnet, endpoint) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    Path(Path),
    /// Could not be decided: why, and where the unknown value is.
    Unknown(Undecided),
}

/// An instance type a compute resource launches, and where it is written.
#[derive(Clone, Debug)]
pub struct TypeUse {
    pub value: Prop<String>,
    /// The launch template or configuration it comes from, if not the resource itself.
    pub via: Option<ResourceId>,
}

/// A compute resource with what it inherits from its launch template resolved.
#[derive(Clone, Debug)]
pub struct ComputeView {
    pub id: ResourceId,
    pub kind: ComputeKind,
    pub types: Vec<TypeUse>,
    /// The subnets; why they are not known otherwise.
    pub subnets: Result<Vec<ResourceId>, Undecided>,
    /// No subnet is written: the instances go to a default subnet of the region's default
    /// VPC (which is not in the code; default subnets are never IPv6-only).
    pub default_subnet: bool,
    pub template: Option<ResourceId>,
}

/// What one subnet of a compute resource reaches: an interface endpoint, by a path or by a
/// path that could not be decided.
#[derive(Clone, Debug)]
pub struct Reachable {
    /// Index into [`Analysis::computes`].
    pub compute: usize,
    pub subnet: ResourceId,
    pub endpoint: ResourceId,
    pub path: Result<Path, Undecided>,
}

/// A VPC whose routes may lead to an interface endpoint in another VPC (the DNS rules'
/// consumers).
#[derive(Clone, Debug)]
pub struct VpcReach {
    pub vpc: ResourceId,
    /// The first subnet (in declaration order) with a crossing path.
    pub subnet: ResourceId,
    pub endpoint: ResourceId,
    /// The crossing path, or why no subnet's path could be decided (and none crosses).
    pub path: Result<Path, Undecided>,
}

/// Everything the rules need to know about paths, computed once per unit. It decides what
/// it can and records what it cannot; the rules turn both into verdicts.
#[derive(Debug, Default)]
pub struct Analysis {
    pub computes: Vec<ComputeView>,
    /// Interface endpoints.
    pub endpoints: Vec<ResourceId>,
    /// Endpoints whose type is not known (they may be interface endpoints).
    pub untyped_endpoints: Vec<(ResourceId, Undecided)>,
    /// For each compute resource with known subnets, each interface endpoint in another VPC
    /// that a subnet's routes may lead to: the path, or why it is not known. Pairs whose
    /// routes provably lead elsewhere are not listed.
    pub reachable: Vec<Reachable>,
    /// For each VPC with subnets and each interface endpoint in another VPC: the first
    /// subnet whose routes cross to it over peering, VPN, Direct Connect or a transit gateway
    /// the endpoint's VPC is attached to, or why that is not known.
    pub vpc_reach: Vec<VpcReach>,
}

impl PathKind {
    /// Does the path leave the VPC for another network over a connection?
    #[must_use]
    pub fn is_crossing(self) -> bool {
        matches!(
            self,
            PathKind::IntraRegionPeering
                | PathKind::InterRegionPeering
                | PathKind::Vpn
                | PathKind::TransitGateway
                | PathKind::DirectConnect
        )
    }
}

/// Runs reachability over the whole graph.
#[must_use]
pub fn analyse(graph: &Graph, index: &Index) -> Analysis {
    let mut analysis = Analysis::default();
    for (id, resource) in graph.iter() {
        match &resource.kind {
            Kind::Compute(_) => analysis.computes.push(compute_view(graph, id)),
            Kind::Endpoint(e) => match e.is_interface() {
                Some(true) => analysis.endpoints.push(id),
                Some(false) => {}
                None => {
                    let why = e
                        .endpoint_type
                        .as_ref()
                        .and_then(|p| p.undecided(graph))
                        .unwrap_or_else(|| Undecided::new("not known", resource.span));
                    analysis
                        .untyped_endpoints
                        .push((id, why.context("the endpoint type is not known")));
                }
            },
            _ => {}
        }
    }
    if analysis.endpoints.is_empty() {
        return analysis;
    }
    let router = Router::new(graph, index).with_endpoints(&analysis.endpoints);
    for (i, compute) in analysis.computes.iter().enumerate() {
        let Ok(subnets) = &compute.subnets else {
            continue;
        };
        // Only the endpoints the subnets' routes can lead to are matched, endpoint by
        // endpoint and then subnet by subnet (the order witnesses are chosen in).
        let mut pairs: Vec<(usize, usize, ResourceId)> = Vec::new();
        for (position, &subnet) in subnets.iter().enumerate() {
            for &e in router.candidates(subnet).iter() {
                pairs.push((e, position, subnet));
            }
        }
        pairs.sort_unstable();
        for (e, _, subnet) in pairs {
            let endpoint = analysis.endpoints[e];
            let path = match router.reach(subnet, endpoint) {
                Reach::Path(path) => Ok(path),
                Reach::Unknown(why) => {
                    Err(why.context(format!("path to {} unknown", graph.get(endpoint).address)))
                }
            };
            analysis.reachable.push(Reachable {
                compute: i,
                subnet,
                endpoint,
                path,
            });
        }
    }
    vpc_reach(graph, index, &router, &mut analysis);
    analysis
}

/// For every interface endpoint and every other VPC with subnets: the first subnet (in
/// declaration order) whose routes cross to the endpoint, or why that is not known.
fn vpc_reach(graph: &Graph, index: &Index, router: &Router<'_>, analysis: &mut Analysis) {
    // (endpoint position, VPC) → the subnet and the crossing path found, or why it is
    // unknown.
    type Found = Result<(ResourceId, Path), (ResourceId, Undecided)>;
    let mut vpcs: Vec<(&ResourceId, &Vec<ResourceId>)> = index.vpc_subnets.iter().collect();
    vpcs.sort();
    let mut found: BTreeMap<(usize, ResourceId), Found> = BTreeMap::new();
    for (&vpc, subnets) in vpcs {
        for &subnet in subnets {
            for &e in router.candidates(subnet).iter() {
                if matches!(found.get(&(e, vpc)), Some(Ok(_))) {
                    continue;
                }
                let endpoint = analysis.endpoints[e];
                let endpoint_vpc = match &graph.get(endpoint).kind {
                    Kind::Endpoint(ep) => ep.vpc.target(),
                    _ => None,
                };
                if endpoint_vpc.is_none() || endpoint_vpc == Some(vpc) {
                    continue;
                }
                let outcome = match router.reach(subnet, endpoint) {
                    Reach::Path(path) if path.kind == PathKind::TransitGateway => {
                        let tgw = path.connection.expect("a transit-gateway path names it");
                        match endpoint_vpc.map(|v| attachment(index, tgw, v)) {
                            Some(Ok(true)) => Some(Ok((subnet, path))),
                            Some(Err(why)) => Some(Err((subnet, why))),
                            _ => None,
                        }
                    }
                    Reach::Path(path) if path.kind.is_crossing() => Some(Ok((subnet, path))),
                    Reach::Path(_) => None,
                    Reach::Unknown(why) => Some(Err((subnet, why))),
                };
                match outcome {
                    Some(Ok(hit)) => {
                        found.insert((e, vpc), Ok(hit));
                    }
                    Some(Err(unknown)) => {
                        found.entry((e, vpc)).or_insert(Err(unknown));
                    }
                    None => {}
                }
            }
        }
    }
    for ((e, vpc), outcome) in found {
        let endpoint = analysis.endpoints[e];
        let (subnet, path) = match outcome {
            Ok((subnet, path)) => (subnet, Ok(path)),
            Err((subnet, why)) => (
                subnet,
                Err(why.context(format!("path to {} unknown", graph.get(endpoint).address))),
            ),
        };
        analysis.vpc_reach.push(VpcReach {
            vpc,
            subnet,
            endpoint,
            path,
        });
    }
}

/// Is the VPC attached to the transit gateway (in the code)? Not known when an attachment
/// whose transit gateway or VPC is not known may attach it.
fn attachment(index: &Index, tgw: ResourceId, vpc: ResourceId) -> Result<bool, Undecided> {
    if index.tgw_vpcs.get(&tgw).is_some_and(|v| v.contains(&vpc)) {
        return Ok(true);
    }
    match index
        .floating
        .tgw_attachments
        .iter()
        .find(|(t, v, _)| t.is_none_or(|t| t == tgw) && v.is_none_or(|v| v == vpc))
    {
        Some((_, _, why)) => Err(why.clone()),
        None => Ok(false),
    }
}

/// A compute resource with its launch template's types and subnets folded in.
#[must_use]
pub fn compute_view(graph: &Graph, id: ResourceId) -> ComputeView {
    let resource = graph.get(id);
    let Kind::Compute(compute) = &resource.kind else {
        unreachable!("compute_view is called on compute resources");
    };
    let template = compute.template.as_ref().and_then(Prop::target);
    let template_data = template.and_then(|t| match &graph.get(t).kind {
        Kind::LaunchTemplate(lt) => Some(lt),
        _ => None,
    });
    let mut types: Vec<TypeUse> = compute
        .instance_types
        .iter()
        .map(|value| TypeUse {
            value: value.clone(),
            via: None,
        })
        .collect();
    if types.is_empty() {
        if let Some(lt) = template_data {
            types = lt
                .instance_types
                .iter()
                .map(|value| TypeUse {
                    value: value.clone(),
                    via: template,
                })
                .collect();
            if types.is_empty() {
                if let Some(span) = lt.instance_requirements {
                    types.push(TypeUse {
                        value: Prop::unknown(
                            "chosen by attribute-based instance type selection",
                            span,
                        ),
                        via: template,
                    });
                }
            }
        } else if let Some(t) = &compute.template {
            if let Some(reason) = t.unknown_reason() {
                types.push(TypeUse {
                    value: Prop::unknown(
                        format!("the launch template is not known: {reason}"),
                        t.span,
                    ),
                    via: None,
                });
            }
        }
    }
    let subnet_list = compute
        .subnets
        .as_ref()
        .or_else(|| template_data.and_then(|lt| lt.subnets.as_ref()));
    let subnets = match subnet_list {
        None => Err(Undecided::new(
            "no subnet is given (the default VPC is used)",
            resource.span,
        )),
        Some(list) => match &list.val {
            Val::Known(items) => items
                .iter()
                .map(|p| match &p.val {
                    Val::Ref(target, _) if matches!(graph.get(*target).kind, Kind::Subnet(_)) => {
                        Ok(*target)
                    }
                    Val::Ref(target, _) => Err(Undecided::new(
                        format!("{} is not a subnet", graph.get(*target).address),
                        p.span,
                    )),
                    Val::Unknown(reason) => Err(Undecided::new(reason.clone(), p.span)),
                    Val::Known(()) => Err(Undecided::new("a literal subnet id", p.span)),
                })
                .collect(),
            Val::Unknown(reason) => Err(Undecided::new(reason.clone(), list.span)),
            Val::Ref(..) => Err(Undecided::new(
                "a list read from another resource",
                list.span,
            )),
        },
    };
    ComputeView {
        id,
        kind: compute.kind,
        types,
        default_subnet: subnet_list.is_none(),
        subnets,
        template,
    }
}

/// The VPC a `vpc_id`-like property references.
///
/// # Errors
/// The reason and span when it is not a reference to a VPC of the graph.
pub fn vpc_of(graph: &Graph, prop: &Prop<()>) -> Result<ResourceId, Undecided> {
    match &prop.val {
        Val::Ref(id, _) if matches!(graph.get(*id).kind, Kind::Vpc(_)) => Ok(*id),
        Val::Ref(id, _) => Err(Undecided::new(
            format!("{} is not a VPC", graph.get(*id).address),
            prop.span,
        )),
        Val::Unknown(reason) => Err(Undecided::new(reason.clone(), prop.span)),
        Val::Known(()) => Err(Undecided::new("a literal VPC id", prop.span)),
    }
}

/// The VPC's CIDR blocks (primary and secondary).
#[must_use]
pub fn vpc_cidrs(graph: &Graph, index: &Index, vpc: ResourceId) -> Vec<Prop<Ipv4Net>> {
    let mut cidrs = Vec::new();
    if let Kind::Vpc(v) = &graph.get(vpc).kind {
        cidrs.extend(v.cidr.clone());
    }
    for &block in index.vpc_cidr_blocks.get(&vpc).into_iter().flatten() {
        if let Kind::VpcCidrBlock(b) = &graph.get(block).kind {
            cidrs.extend(b.cidr.clone());
        }
    }
    cidrs
}

/// A route as the matcher sees it.
struct Candidate {
    /// The resource that declares the route.
    owner: ResourceId,
    destination: Prop<Ipv4Net>,
    kind: TargetKind,
    target: Prop<()>,
    span: Span,
    propagated: bool,
}

/// Every route of a table: local routes, inline routes, route resources, propagated routes.
fn routes_of(
    graph: &Graph,
    index: &Index,
    vpc: ResourceId,
    table: Option<ResourceId>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = vpc_cidrs(graph, index, vpc)
        .into_iter()
        .map(|cidr| Candidate {
            owner: vpc,
            span: cidr.span,
            destination: cidr,
            kind: TargetKind::Local,
            target: Prop::unknown("local", graph.get(vpc).span),
            propagated: false,
        })
        .collect();
    let Some(table) = table else {
        return out;
    };
    if let Kind::RouteTable(t) = &graph.get(table).kind {
        out.extend(t.routes.iter().map(|r| Candidate {
            owner: table,
            destination: r.destination.clone(),
            kind: r.target.kind,
            target: r.target.target.clone(),
            span: r.span,
            propagated: false,
        }));
    }
    for &route in index.table_routes.get(&table).into_iter().flatten() {
        if let Kind::Route(r) = &graph.get(route).kind {
            out.push(Candidate {
                owner: route,
                destination: r.route.destination.clone(),
                kind: r.route.target.kind,
                target: r.route.target.target.clone(),
                span: graph.get(route).span,
                propagated: false,
            });
        }
    }
    for &(vgw, span) in index.table_propagations.get(&table).into_iter().flatten() {
        let target = crate::lower::ref_to(vgw, "id", span);
        let connections = index
            .vgw_connections
            .get(&vgw)
            .map_or(&[][..], Vec::as_slice);
        for &conn in connections {
            let Kind::VpnConnection(c) = &graph.get(conn).kind else {
                continue;
            };
            let static_only = c
                .static_routes_only
                .as_ref()
                .and_then(|p| p.known_value().copied());
            match static_only {
                Some(true) => {
                    for &r in index.connection_routes.get(&conn).into_iter().flatten() {
                        if let Kind::VpnConnectionRoute(route) = &graph.get(r).kind {
                            out.push(Candidate {
                                owner: table,
                                destination: route.destination.clone(),
                                kind: TargetKind::Gateway,
                                target: target.clone(),
                                span,
                                propagated: true,
                            });
                        }
                    }
                }
                Some(false) | None => out.push(Candidate {
                    owner: table,
                    destination: Prop::unknown(
                        match c.static_routes_only.as_ref().and_then(Prop::unknown_reason) {
                            Some(reason) => format!(
                                "whether {} propagates only static routes is not known: {reason}",
                                graph.get(conn).address
                            ),
                            None => format!(
                                "{} propagates BGP routes whose destinations are not in the code",
                                graph.get(conn).address
                            ),
                        },
                        span,
                    ),
                    kind: TargetKind::Gateway,
                    target: target.clone(),
                    span,
                    propagated: true,
                }),
            }
        }
    }
    out
}

/// An endpoint's subnets: its `subnet_ids` / `SubnetIds` and its subnet-association
/// resources.
fn endpoint_subnets(
    graph: &Graph,
    index: &Index,
    endpoint: ResourceId,
) -> Result<Vec<Prop<()>>, Undecided> {
    let Kind::Endpoint(e) = &graph.get(endpoint).kind else {
        return Err(Undecided::new("not an endpoint", graph.get(endpoint).span));
    };
    let mut subnets = match &e.subnets {
        None => Vec::new(),
        Some(list) => match &list.val {
            Val::Known(items) => items.clone(),
            _ => {
                return Err(list
                    .undecided(graph)
                    .expect("not known")
                    .context("endpoint subnets"))
            }
        },
    };
    for &a in index
        .endpoint_associations
        .get(&endpoint)
        .into_iter()
        .flatten()
    {
        if let Kind::EndpointAssociation(assoc) = &graph.get(a).kind {
            subnets.extend(assoc.subnet.clone());
        }
    }
    // A subnet association whose endpoint is not known may add a subnet of this VPC.
    let own_vpc = e.vpc.target();
    for &a in &index.floating.endpoint_associations {
        let Kind::EndpointAssociation(assoc) = &graph.get(a).kind else {
            continue;
        };
        let Some(subnet) = &assoc.subnet else {
            continue;
        };
        let subnet_vpc = subnet.target().and_then(|s| match &graph.get(s).kind {
            Kind::Subnet(s) => s.vpc.target(),
            _ => None,
        });
        if subnet_vpc.is_none() || subnet_vpc == own_vpc {
            return Err(assoc.endpoint.undecided(graph).map_or_else(
                || Undecided::new("a literal endpoint id", assoc.endpoint.span),
                |why| {
                    why.context(format!(
                        "the endpoint {} adds a subnet to is not known",
                        graph.get(a).address
                    ))
                },
            ));
        }
    }
    Ok(subnets)
}

/// The effective route table of a subnet: explicit association, else the VPC's main table
/// (`Ok(None)`: the implicit main table). An association that may not exist, or one whose
/// subnet or table is not known, makes it unknown.
fn route_table_of(
    graph: &Graph,
    index: &Index,
    subnet: ResourceId,
    vpc: ResourceId,
) -> Result<Option<ResourceId>, Undecided> {
    if let Some((table, _)) = index.subnet_route_table.get(&subnet) {
        return Ok(Some(*table));
    }
    if let Some(why) = index.uncertain_route_table.get(&subnet) {
        return Err(why
            .clone()
            .map_reason(|r| format!("the subnet's route table is not known ({r})")));
    }
    // An association whose subnet is not known may be this subnet's, with a table of its
    // VPC (or one whose VPC is not known).
    let table_vpc = |table: ResourceId| match &graph.get(table).kind {
        Kind::RouteTable(t) => t.vpc.target(),
        _ => None,
    };
    if let Some((_, why)) = index
        .floating
        .associations
        .iter()
        .find(|(table, _)| table.is_none_or(|t| table_vpc(t).is_none_or(|v| v == vpc)))
    {
        return Err(why
            .clone()
            .map_reason(|r| format!("the subnet's route table is not known ({r})")));
    }
    if let Some(table) = index.vpc_main_route_table.get(&vpc) {
        return Ok(Some(*table));
    }
    if let Some(why) = index
        .uncertain_route_table
        .get(&vpc)
        .or_else(|| index.floating.main_associations.first())
    {
        return Err(why
            .clone()
            .map_reason(|r| format!("the VPC's main route table is not known ({r})")));
    }
    Ok(None)
}

/// Reachability queries over one graph, with what every query would recompute cached: a
/// route table's routes, an endpoint's VPC and subnet CIDRs. A query is then a
/// longest-prefix match over a few routes, without allocation.
pub struct Router<'g> {
    graph: &'g Graph,
    index: &'g Index,
    tables: Cache<TableKey, TableRoutes>,
    endpoints: Cache<ResourceId, Outcome<EndpointTarget>>,
    targets: Targets,
    candidates: Cache<TableKey, Vec<usize>>,
}

/// A value, or why it is not known and where.
type Outcome<T> = Result<T, Undecided>;
/// A route table as a subnet sees it: its VPC and the table (`None`: the implicit main table).
type TableKey = (ResourceId, Option<ResourceId>);
/// Values computed once per key and shared.
type Cache<K, V> = RefCell<HashMap<K, Rc<V>>>;

/// The interface endpoints queries are about (positions in the list given to
/// [`Router::with_endpoints`]), indexed by where they are.
#[derive(Default)]
struct Targets {
    all: Rc<Vec<usize>>,
    by_vpc: HashMap<ResourceId, Vec<usize>>,
    /// Endpoint subnet CIDRs, sorted by address, for "which endpoints lie inside this
    /// destination".
    by_cidr: Vec<(Ipv4Net, usize)>,
    /// Endpoints whose VPC or subnets are not known: every query must see them (their result
    /// is Unknown, and says why).
    unknown: Vec<usize>,
}

/// The routes of one table (in one VPC), ready for matching.
struct TableRoutes {
    candidates: Vec<Candidate>,
    /// `candidates`' destinations, for [`lpm::best_route`]; only valid when `unknown` is
    /// `None`.
    known: Vec<lpm::Route>,
    /// The first route whose destination is not known: every match in this table is then
    /// unknown (that route might be the longest).
    unknown: Option<Undecided>,
}

/// Where an interface endpoint's network interfaces are.
struct EndpointTarget {
    vpc: ResourceId,
    /// Empty: the endpoint has no subnets, so nothing reaches it.
    cidrs: Vec<Ipv4Net>,
}

impl<'g> Router<'g> {
    #[must_use]
    pub fn new(graph: &'g Graph, index: &'g Index) -> Self {
        Router {
            graph,
            index,
            tables: RefCell::default(),
            endpoints: RefCell::default(),
            targets: Targets::default(),
            candidates: RefCell::default(),
        }
    }

    /// Indexes the endpoints [`Router::candidates`] chooses from.
    #[must_use]
    pub fn with_endpoints(mut self, endpoints: &[ResourceId]) -> Self {
        let mut targets = Targets {
            all: Rc::new((0..endpoints.len()).collect()),
            ..Targets::default()
        };
        for (position, &endpoint) in endpoints.iter().enumerate() {
            match self.endpoint(endpoint).as_ref() {
                Ok(t) => {
                    targets.by_vpc.entry(t.vpc).or_default().push(position);
                    targets
                        .by_cidr
                        .extend(t.cidrs.iter().map(|&c| (c, position)));
                }
                Err(_) => targets.unknown.push(position),
            }
        }
        targets.by_cidr.sort_unstable();
        self.targets = targets;
        self
    }

    /// The endpoints (positions) that `subnet`'s routes can lead to across a connection:
    /// through a peering, the peer VPC's; through a transit gateway, the attached VPCs';
    /// through a virtual private gateway, those inside the route's destination. Every endpoint
    /// when something on the way is not known, so that the query says why. Same-VPC
    /// endpoints and routes to the internet, NAT or appliances lead to none.
    #[must_use]
    pub fn candidates(&self, subnet: ResourceId) -> Rc<Vec<usize>> {
        let graph = self.graph;
        let Kind::Subnet(s) = &graph.get(subnet).kind else {
            return Rc::clone(&self.targets.all);
        };
        let Ok(vpc) = vpc_of(graph, &s.vpc) else {
            return Rc::clone(&self.targets.all);
        };
        let Ok(table) = route_table_of(graph, self.index, subnet, vpc) else {
            return Rc::clone(&self.targets.all);
        };
        if let Some(cached) = self.candidates.borrow().get(&(vpc, table)) {
            return Rc::clone(cached);
        }
        let routes = self.table(vpc, table);
        let found = if routes.unknown.is_some() {
            Rc::clone(&self.targets.all)
        } else {
            let mut out = self.targets.unknown.clone();
            let mut everything = false;
            for route in &routes.candidates {
                everything |= self.route_candidates(route, vpc, &mut out);
            }
            if everything {
                Rc::clone(&self.targets.all)
            } else {
                out.sort_unstable();
                out.dedup();
                Rc::new(out)
            }
        };
        self.candidates
            .borrow_mut()
            .insert((vpc, table), Rc::clone(&found));
        found
    }

    /// Adds the endpoints one route can lead to; `true` when that is not known.
    fn route_candidates(
        &self,
        route: &Candidate,
        source_vpc: ResourceId,
        out: &mut Vec<usize>,
    ) -> bool {
        let graph = self.graph;
        let in_vpc = |vpc: ResourceId, out: &mut Vec<usize>| {
            if vpc != source_vpc {
                out.extend(self.targets.by_vpc.get(&vpc).into_iter().flatten());
            }
        };
        match route.kind {
            TargetKind::VpcPeering => {
                let Some(mut peering) = route.target.target() else {
                    return true;
                };
                if let Kind::PeeringAccepter(a) = &graph.get(peering).kind {
                    let Some(p) = a.peering.target() else {
                        return true;
                    };
                    peering = p;
                }
                let Kind::Peering(p) = &graph.get(peering).kind else {
                    return true;
                };
                let (Some(a), Some(b)) = (p.vpc.target(), p.peer_vpc.target()) else {
                    return true;
                };
                in_vpc(a, out);
                in_vpc(b, out);
                false
            }
            TargetKind::TransitGateway => {
                let Some(tgw) = route.target.target() else {
                    return true;
                };
                // An attachment whose transit gateway or VPC is not known may be this one's.
                if self
                    .index
                    .floating
                    .tgw_attachments
                    .iter()
                    .any(|(t, _, _)| t.is_none_or(|t| t == tgw))
                {
                    return true;
                }
                for &vpc in self.index.tgw_vpcs.get(&tgw).into_iter().flatten() {
                    in_vpc(vpc, out);
                }
                false
            }
            TargetKind::Gateway => match route.target.target().map(|t| &graph.get(t).kind) {
                Some(Kind::VpnGateway(_)) => {
                    let Some(destination) = route.destination.known_value() else {
                        return true;
                    };
                    let start = self
                        .targets
                        .by_cidr
                        .partition_point(|(c, _)| c.addr() < destination.addr());
                    for &(cidr, position) in &self.targets.by_cidr[start..] {
                        if !destination.contains_addr(cidr.addr()) {
                            break;
                        }
                        if destination.contains(cidr) {
                            out.push(position);
                        }
                    }
                    false
                }
                Some(_) => false,
                None => true,
            },
            TargetKind::Unknown => true,
            TargetKind::Local
            | TargetKind::NatGateway
            | TargetKind::EgressOnlyGateway
            | TargetKind::CarrierGateway
            | TargetKind::NetworkInterface
            | TargetKind::Instance
            | TargetKind::VpcEndpoint
            | TargetKind::LocalGateway
            | TargetKind::CoreNetwork => false,
        }
    }

    /// Decides how `subnet` reaches the interface endpoint `endpoint`.
    #[must_use]
    pub fn reach(&self, subnet: ResourceId, endpoint: ResourceId) -> Reach {
        match self.try_reach(subnet, endpoint) {
            Ok(path) => Reach::Path(path),
            Err(why) => Reach::Unknown(why),
        }
    }

    fn endpoint(&self, endpoint: ResourceId) -> Rc<Outcome<EndpointTarget>> {
        if let Some(cached) = self.endpoints.borrow().get(&endpoint) {
            return Rc::clone(cached);
        }
        let target = Rc::new(endpoint_target(self.graph, self.index, endpoint));
        self.endpoints
            .borrow_mut()
            .insert(endpoint, Rc::clone(&target));
        target
    }

    fn table(&self, vpc: ResourceId, table: Option<ResourceId>) -> Rc<TableRoutes> {
        if let Some(cached) = self.tables.borrow().get(&(vpc, table)) {
            return Rc::clone(cached);
        }
        let candidates = routes_of(self.graph, self.index, vpc, table);
        let unknown = candidates.iter().find_map(|r| match &r.destination.val {
            Val::Known(_) => None,
            Val::Unknown(reason) => Some(
                Undecided::new(reason.clone(), r.destination.span)
                    .context("a route's destination is unknown"),
            ),
            Val::Ref(..) => Some(Undecided::new(
                "a route's destination is read from another resource",
                r.destination.span,
            )),
        });
        // Routes, propagations or CIDRs that may belong to any table or VPC.
        let unknown = unknown.or_else(|| {
            self.index
                .floating
                .routes_unknown()
                .map(|why| why.clone().context("a route may be in this table"))
        });
        let known = candidates
            .iter()
            .filter_map(|r| {
                r.destination.known_value().map(|d| lpm::Route {
                    destination: *d,
                    propagated: r.propagated,
                })
            })
            .collect();
        let routes = Rc::new(TableRoutes {
            candidates,
            known,
            unknown,
        });
        self.tables
            .borrow_mut()
            .insert((vpc, table), Rc::clone(&routes));
        routes
    }

    fn try_reach(&self, subnet: ResourceId, endpoint: ResourceId) -> Result<Path, Undecided> {
        let graph = self.graph;
        let Kind::Subnet(s) = &graph.get(subnet).kind else {
            return Err(Undecided::new("not a subnet", graph.get(subnet).span));
        };
        let source_vpc = vpc_of(graph, &s.vpc)?;
        let target = self.endpoint(endpoint);
        let target = match target.as_ref() {
            Ok(t) => t,
            Err(e) => return Err(e.clone()),
        };
        let no_path = |route_table, route| Path {
            kind: PathKind::NoPath,
            route_table,
            route,
            connection: None,
            assumption: None,
        };
        if source_vpc == target.vpc {
            return Ok(Path {
                kind: PathKind::SameVpc,
                ..no_path(None, None)
            });
        }
        if target.cidrs.is_empty() {
            // An interface endpoint without subnets has no network interfaces to reach.
            return Ok(no_path(None, None));
        }
        let table = route_table_of(graph, self.index, subnet, source_vpc)?;
        let routes = self.table(source_vpc, table);
        if let Some(unknown) = &routes.unknown {
            return Err(unknown.clone());
        }
        // The most concerning result across the endpoint's subnets: a crossing path first.
        let mut best: Option<Path> = None;
        for &cidr in &target.cidrs {
            let path = match_route(
                graph, self.index, &routes, cidr, source_vpc, target.vpc, table,
            )?;
            let better = match &best {
                None => true,
                Some(b) => rank(path.kind) > rank(b.kind),
            };
            if better {
                best = Some(path);
            }
        }
        Ok(best.unwrap_or_else(|| no_path(table, None)))
    }
}

/// An endpoint's VPC and the CIDRs of its subnets.
fn endpoint_target(
    graph: &Graph,
    index: &Index,
    endpoint: ResourceId,
) -> Result<EndpointTarget, Undecided> {
    let Kind::Endpoint(e) = &graph.get(endpoint).kind else {
        return Err(Undecided::new("not an endpoint", graph.get(endpoint).span));
    };
    let vpc = vpc_of(graph, &e.vpc)?;
    // The endpoint's subnets (inline and by association resources), with known CIDRs.
    let mut cidrs = Vec::new();
    for p in &endpoint_subnets(graph, index, endpoint)? {
        let target = p.target().ok_or_else(|| {
            Undecided::new(p.unknown_reason().unwrap_or("a literal id"), p.span)
                .context("endpoint subnet")
        })?;
        let Kind::Subnet(es) = &graph.get(target).kind else {
            return Err(Undecided::new(
                format!("{} is not a subnet", graph.get(target).address),
                p.span,
            ));
        };
        let cidr = es.cidr.as_ref().ok_or_else(|| {
            Undecided::new(
                "the endpoint subnet has no cidr_block",
                graph.get(target).span,
            )
        })?;
        match &cidr.val {
            Val::Known(net) => cidrs.push(*net),
            Val::Unknown(reason) => {
                return Err(
                    Undecided::new(reason.clone(), cidr.span).context("endpoint subnet CIDR")
                )
            }
            Val::Ref(..) => {
                return Err(Undecided::new(
                    "endpoint subnet CIDR read from another resource",
                    cidr.span,
                ))
            }
        }
    }
    Ok(EndpointTarget { vpc, cidrs })
}

fn rank(kind: PathKind) -> u8 {
    match kind {
        PathKind::NoPath => 0,
        PathKind::Other => 1,
        PathKind::SameVpc | PathKind::TransitGateway | PathKind::DirectConnect => 2,
        PathKind::IntraRegionPeering | PathKind::InterRegionPeering | PathKind::Vpn => 3,
    }
}

/// Longest-prefix match of `cidr` among a table's routes (all with known destinations), and
/// what the winning route leads to.
fn match_route(
    graph: &Graph,
    index: &Index,
    routes: &TableRoutes,
    cidr: Ipv4Net,
    source_vpc: ResourceId,
    endpoint_vpc: ResourceId,
    table: Option<ResourceId>,
) -> Result<Path, Undecided> {
    let best = lpm::best_route(&routes.known, cidr)
        .map(|i| (&routes.candidates[i], routes.known[i].destination));
    let Some((route, _)) = best else {
        return Ok(Path {
            kind: PathKind::NoPath,
            route_table: table,
            route: None,
            connection: None,
            assumption: None,
        });
    };
    let path = |kind, connection, assumption| Path {
        kind,
        route_table: table,
        route: Some((route.owner, route.span)),
        connection,
        assumption,
    };
    let target = route.target.target();
    let target_kind = target.map(|t| &graph.get(t).kind);
    match route.kind {
        TargetKind::Local => Ok(path(PathKind::NoPath, None, None)),
        TargetKind::TransitGateway => match target {
            Some(_) => Ok(path(PathKind::TransitGateway, target, None)),
            None => Err(Undecided::new(
                route.target.unknown_reason().unwrap_or("a literal id"),
                route.target.span,
            )
            .context("the route's transit gateway is not known")),
        },
        TargetKind::NatGateway | TargetKind::EgressOnlyGateway | TargetKind::CarrierGateway => {
            Ok(path(PathKind::NoPath, target, None))
        }
        TargetKind::NetworkInterface
        | TargetKind::Instance
        | TargetKind::VpcEndpoint
        | TargetKind::LocalGateway
        | TargetKind::CoreNetwork => Ok(path(PathKind::Other, target, None)),
        TargetKind::Unknown => Err(Undecided::new(
            route.target.unknown_reason().unwrap_or("unknown target"),
            route.span,
        )),
        TargetKind::Gateway => match target_kind {
            Some(Kind::InternetGateway) => Ok(path(PathKind::NoPath, target, None)),
            Some(Kind::VpnGateway(_)) => {
                let vgw = target.expect("target kind implies target");
                let has_vpn = index
                    .vgw_connections
                    .get(&vgw)
                    .is_some_and(|c| !c.is_empty());
                let has_dx = index.gateway_dx.get(&vgw).is_some_and(|c| !c.is_empty());
                let kind = if !has_vpn && has_dx {
                    PathKind::DirectConnect
                } else {
                    PathKind::Vpn
                };
                Ok(path(kind, target, None))
            }
            Some(_) => Ok(path(PathKind::Other, target, None)),
            None => Err(Undecided::new(
                route.target.unknown_reason().unwrap_or("a reference"),
                route.target.span,
            )
            .context("the route's gateway is not known")),
        },
        TargetKind::VpcPeering => {
            let Some(mut peering) = target else {
                return Err(Undecided::new(
                    route.target.unknown_reason().unwrap_or("a literal id"),
                    route.target.span,
                )
                .context("the route's peering connection is not known"));
            };
            // A route may name the accepter resource; follow it to the connection.
            if let Kind::PeeringAccepter(a) = &graph.get(peering).kind {
                peering = a.peering.target().ok_or_else(|| {
                    Undecided::new(
                        a.peering.unknown_reason().unwrap_or("a literal id"),
                        a.peering.span,
                    )
                    .context("the accepter's peering connection is not known")
                })?;
            }
            let Kind::Peering(p) = &graph.get(peering).kind else {
                return Err(Undecided::new(
                    format!(
                        "{} is not a VPC peering connection",
                        graph.get(peering).address
                    ),
                    route.target.span,
                ));
            };
            let a = vpc_of(graph, &p.vpc)?;
            let b = vpc_of(graph, &p.peer_vpc)?;
            let connects =
                (a == source_vpc && b == endpoint_vpc) || (b == source_vpc && a == endpoint_vpc);
            if !connects {
                // Peering is not transitive: the traffic ends in a third VPC.
                return Ok(path(PathKind::NoPath, Some(peering), None));
            }
            let (kind, assumption) = peering_kind(graph, peering)?;
            Ok(path(kind, Some(peering), assumption))
        }
    }
}

/// Intra- or inter-region, from the peer region and the requester's region (equal when
/// both are the same unknown region).
fn peering_kind(
    graph: &Graph,
    peering: ResourceId,
) -> Result<(PathKind, Option<String>), Undecided> {
    let resource = graph.get(peering);
    let Kind::Peering(p) = &resource.kind else {
        unreachable!("checked by the caller");
    };
    let Some(peer_region) = &p.peer_region else {
        return Ok((PathKind::IntraRegionPeering, None));
    };
    let Val::Known(peer) = &peer_region.val else {
        return Err(peer_region
            .undecided(graph)
            .expect("not known")
            .context("the peer region is not known"));
    };
    if p.inter_region_assumed {
        return Ok((
            PathKind::InterRegionPeering,
            Some(format!(
                "assumed inter-region: PeerRegion is {peer} and the stack's region is not known; pass --region to compare"
            )),
        ));
    }
    let Some(own) = resource.region.as_ref() else {
        return Err(Undecided::new(
            "the requester's region is not known (no provider region)",
            peer_region.span,
        ));
    };
    let Val::Known(own_region) = &own.val else {
        return Err(own
            .undecided(graph)
            .expect("not known")
            .context("the requester's region is not known"));
    };
    match own_region.eq_ignore_case(peer) {
        Some(true) => Ok((PathKind::IntraRegionPeering, None)),
        Some(false) => Ok((PathKind::InterRegionPeering, None)),
        None => Err(Undecided::new(
            format!(
                "whether the requester's region ({own_region}) is {peer} is not known: the code does not give the region"
            ),
            peer_region.span,
        )),
    }
}
