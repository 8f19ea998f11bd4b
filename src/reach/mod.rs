//! Reachability: which compute reaches which interface endpoint, by which kind of path.
//!
//! For a compute resource's subnet and an interface endpoint in another VPC: the subnet's
//! effective route table (explicit association, else the VPC's main table, else the implicit
//! main table with only the local routes), the longest-prefix match of each endpoint subnet's
//! CIDR among its routes (local, inline, route resources, routes propagated from virtual
//! private gateways), and the kind of hop the matching route names. Anything Unknown on the
//! way makes the pair "not checked", with the reason; it is never guessed.

pub mod checks;
mod cloudwan;
mod compute;
pub mod consumer;
pub mod dns;
pub mod lpm;
mod router;
mod routes;
pub mod transit;

use std::collections::BTreeMap;

pub use self::compute::{compute_view, ComputeView, TypeUse};
pub use self::consumer::Consumers;
pub use self::router::Router;
pub use self::routes::{endpoint_subnets, vpc_cidrs, vpc_of};
use crate::model::{Graph, Index, Kind, ResourceId, Undecided};
use crate::source::Span;

/// How traffic from a subnet reaches an endpoint's subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKind {
    SameVpc,
    IntraRegionPeering,
    InterRegionPeering,
    Vpn,
    TransitGateway,
    /// Through a Cloud WAN core network whose policy joins the two VPCs' segments.
    CloudWan,
    DirectConnect,
    /// Through an appliance or a local gateway: not a path vpclint
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
            PathKind::CloudWan => "Cloud WAN core network",
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
    /// Through a transit gateway: the tables that routed the traffic and where it ended.
    pub transit: Option<Box<transit::TgwTrace>>,
}

/// The result for one (subnet, endpoint) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    Path(Path),
    /// Could not be decided: why, and where the unknown value is.
    Unknown(Undecided),
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

/// A VPC whose workloads' routes may lead to an interface endpoint in another VPC (the DNS
/// rules' consumers).
#[derive(Clone, Debug)]
pub struct VpcReach {
    pub vpc: ResourceId,
    /// The first workload subnet (in declaration order) with a crossing path.
    pub subnet: ResourceId,
    pub endpoint: ResourceId,
    /// The crossing path, or why no subnet's path could be decided (and none crosses).
    pub path: Result<Path, Undecided>,
    /// Why it is not known whether the VPC runs workloads (then every subnet of it was
    /// asked); `Ok` when it does.
    pub workloads: Result<(), Undecided>,
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
    /// For each VPC with workloads (or whose workloads are not known) and each interface
    /// endpoint in another VPC: the first workload subnet whose routes cross to it over
    /// peering, VPN, Direct Connect or transit gateways that deliver it, or why that is not
    /// known.
    pub vpc_reach: Vec<VpcReach>,
    /// Which VPCs host workloads, and where their calls to public addresses go.
    pub consumers: Consumers,
    /// VPC routes to transit gateways, and what the gateways do with those aimed at
    /// another attached VPC (TGW001).
    pub tgw_intents: Vec<checks::TgwRouteIntent>,
    /// Workload and endpoint subnets that route to a transit gateway, and the zone gate
    /// (TGW002).
    pub zone_gates: Vec<checks::ZoneGate>,
    /// For consumer subnets that reach an endpoint over peering or a transit gateway, the
    /// way back (NET002).
    pub returns: Vec<checks::ReturnCheck>,
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
                | PathKind::CloudWan
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
    analysis.consumers = Consumers::build(graph, index, &analysis.computes);
    let router = Router::new(graph, index).with_endpoints(&analysis.endpoints);
    analysis.consumers.compute_egress(&router);
    analysis.tgw_intents = checks::tgw_intents(graph, index, &router);
    analysis.zone_gates = checks::zone_gates(graph, index, &router, &analysis);
    if analysis.endpoints.is_empty() {
        return analysis;
    }
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
    analysis.returns = checks::return_checks(graph, index, &router, &analysis);
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
    let mut workloads: BTreeMap<ResourceId, Result<(), Undecided>> = BTreeMap::new();
    for (&vpc, all_subnets) in vpcs {
        // Only the subnets workloads run in make the VPC a consumer; all of them when its
        // workloads are not known.
        let subnets = match analysis.consumers.workload_subnets(graph, vpc) {
            Ok(subnets) if subnets.is_empty() => continue,
            Ok(subnets) => {
                workloads.insert(vpc, Ok(()));
                subnets
            }
            Err(why) => {
                workloads.insert(vpc, Err(why));
                all_subnets.clone()
            }
        };
        for &subnet in &subnets {
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
            workloads: workloads.get(&vpc).cloned().unwrap_or(Ok(())),
        });
    }
}
