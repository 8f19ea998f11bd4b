//! The questions TGW001, TGW002 and NET002 ask of the paths, answered once per unit with
//! the router (the rules only turn them into verdicts): which VPC routes to a transit
//! gateway aim at another attached VPC and what the gateway does with them, which workload
//! and endpoint subnets send to a transit gateway from a zone its attachment does not
//! cover, and whether the endpoint's subnets route back to each consumer.

use std::collections::BTreeSet;

use super::router::Router;
use super::transit::TgwTrace;
use super::{endpoint_subnets, vpc_cidrs, Analysis, Path, PathKind};
use crate::model::{Graph, Index, Ipv4Net, Kind, ResourceId, TargetKind, Undecided};
use crate::source::Span;

/// A VPC route that names a transit gateway (TGW001's question).
#[derive(Clone, Debug)]
pub struct TgwRouteIntent {
    /// The route's table.
    pub table: ResourceId,
    /// The resource that declares the route (the table for inline routes).
    pub owner: ResourceId,
    pub span: Span,
    /// `Ok(None)`: the destination lies in no other attached VPC (a default or summary
    /// route: segmentation, not intent).
    pub outcome: Result<Option<Intent>, Undecided>,
}

/// A route aimed at another attached VPC, and what the transit gateway does with it.
#[derive(Clone, Debug)]
pub struct Intent {
    pub vpc: ResourceId,
    pub tgw: ResourceId,
    /// The route's destination.
    pub destination: Ipv4Net,
    pub dest_vpc: ResourceId,
    /// The destination lies inside the VPC's CIDR (else it holds the whole CIDR).
    pub inside: bool,
    /// What the trace followed: the destination, or the VPC's CIDR it holds.
    pub traced: Ipv4Net,
    pub trace: TgwTrace,
}

/// What a workload or endpoint subnet is (TGW002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SubnetRole {
    /// It hosts this compute resource.
    Workload(ResourceId),
    /// It holds a network interface of this interface endpoint.
    Endpoint(ResourceId),
}

/// A workload or endpoint subnet whose table routes to a transit gateway (TGW002's
/// question).
#[derive(Clone, Debug)]
pub struct ZoneGate {
    pub subnet: ResourceId,
    pub role: SubnetRole,
    /// The gap: (transit gateway, the VPC's attachment, the subnet's zone, the route that
    /// sends to the gateway); `Ok(None)` when every gateway it routes to has an attachment
    /// subnet in its zone.
    pub outcome: Result<Option<ZoneGap>, Undecided>,
}

#[derive(Clone, Debug)]
pub struct ZoneGap {
    pub tgw: ResourceId,
    pub attachment: ResourceId,
    pub zone: String,
    pub route: (ResourceId, Span),
}

/// The way back from an endpoint to a consumer that reaches it (NET002's question).
#[derive(Clone, Debug)]
pub struct ReturnCheck {
    /// Index into the analysis' `reachable`.
    pub reachable: usize,
    /// `Ok(None)`: every endpoint subnet routes back; else the first endpoint subnet that
    /// does not, with the path its table gives.
    pub outcome: Result<Option<(ResourceId, Path)>, Undecided>,
}

/// A VPC route to a transit gateway: its table (why not known), the resource that declares
/// it, its span and the route.
type Site<'g> = (
    Result<ResourceId, Undecided>,
    ResourceId,
    Span,
    &'g crate::model::Route,
);

/// The VPC routes to transit gateways of every table, inline and as resources.
fn tgw_route_sites(graph: &Graph) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for (id, r) in graph.iter() {
        match &r.kind {
            Kind::RouteTable(t) => {
                for route in &t.routes {
                    if route.target.kind == TargetKind::TransitGateway {
                        out.push((Ok(id), id, route.span, route));
                    }
                }
            }
            Kind::Route(route) if route.route.target.kind == TargetKind::TransitGateway => {
                let table = route.route_table.target().ok_or_else(|| {
                    route
                        .route_table
                        .undecided(graph)
                        .unwrap_or_else(|| Undecided::new("a literal id", route.route_table.span))
                        .context(format!("the table {} is in is not known", r.address))
                });
                out.push((table, id, r.span, &route.route));
            }
            _ => {}
        }
    }
    out
}

/// TGW001's questions.
pub(super) fn tgw_intents(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
) -> Vec<TgwRouteIntent> {
    tgw_route_sites(graph)
        .into_iter()
        .map(|(table, owner, span, route)| TgwRouteIntent {
            table: *table.as_ref().unwrap_or(&owner),
            owner,
            span,
            // A summary is no intent whatever table it is in: not asked, even when the
            // table, its VPC or the gateway is not known.
            outcome: if is_summary(route) {
                Ok(None)
            } else {
                table.and_then(|table| intent(graph, index, router, table, route))
            },
        })
        .collect()
}

/// A VPC CIDR is at most a /16: a known destination shorter than that is a summary
/// (`10.0.0.0/8`, `0.0.0.0/0`), what segmented designs send to the gateway whatever it
/// carries on.
fn is_summary(route: &crate::model::Route) -> bool {
    route
        .destination
        .known_value()
        .is_some_and(|d| d.prefix_len() < 16)
}

fn intent(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
    table: ResourceId,
    route: &crate::model::Route,
) -> Result<Option<Intent>, Undecided> {
    let Kind::RouteTable(t) = &graph.get(table).kind else {
        return Err(Undecided::new(
            format!("{} is not a route table", graph.get(table).address),
            route.span,
        ));
    };
    let vpc = t.vpc.target().ok_or_else(|| {
        t.vpc
            .undecided(graph)
            .unwrap_or_else(|| Undecided::new("a literal VPC id", t.vpc.span))
            .context("the VPC of the route's table is not known")
    })?;
    let destination = *route.destination.known_value().ok_or_else(|| {
        route
            .destination
            .undecided(graph)
            .expect("not known")
            .context("the destination of a route to a transit gateway is not known")
    })?;
    let tgw = route.target.target.target().ok_or_else(|| {
        route
            .target
            .target
            .undecided(graph)
            .unwrap_or_else(|| {
                Undecided::new("a literal transit gateway id", route.target.target.span)
            })
            .context("the route's transit gateway is not in the code")
    })?;
    let Some((dest_vpc, traced)) = destination_vpc(graph, index, router, tgw, vpc, destination)?
    else {
        return Ok(None);
    };
    let trace = router.tgw_from_vpc(tgw, vpc, None, traced)?;
    Ok(Some(Intent {
        vpc,
        tgw,
        destination,
        dest_vpc,
        inside: traced == destination,
        traced,
        trace,
    }))
}

/// The attached VPC (other than `source`), over every transit gateway joined to `tgw` by
/// peering, that `dest` aims at, and the prefix to follow: a VPC one of whose CIDRs holds
/// `dest` (then `dest`), or the one VPC whose CIDR `dest` holds (then that CIDR). A
/// destination that holds CIDRs of several attached VPCs is a summary, not an intent.
fn destination_vpc(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
    tgw: ResourceId,
    source: ResourceId,
    dest: Ipv4Net,
) -> Result<Option<(ResourceId, Ipv4Net)>, Undecided> {
    let gateways = router
        .tgw_component(tgw)
        .ok_or_else(|| index.transit.floating.peerings[0].clone())?;
    let mut unknown = None;
    let mut held: Vec<(ResourceId, Ipv4Net)> = Vec::new();
    for &gw in &gateways {
        for &vpc in index.tgw_vpcs.get(&gw).into_iter().flatten() {
            if vpc == source {
                continue;
            }
            for cidr in vpc_cidrs(graph, index, vpc) {
                match cidr.known_value() {
                    Some(c) if c.contains(dest) => return Ok(Some((vpc, dest))),
                    Some(&c) if dest.contains(c) => {
                        if !held.iter().any(|(v, _)| *v == vpc) {
                            held.push((vpc, c));
                        }
                    }
                    Some(_) => {}
                    None => {
                        unknown.get_or_insert_with(|| {
                            cidr.undecided(graph).expect("not known").context(format!(
                                "whether the destination is in {} is not known",
                                graph.get(vpc).address
                            ))
                        });
                    }
                }
            }
        }
    }
    // An attachment whose gateway or VPC is not known may attach the destination's VPC.
    if let Some((_, _, why)) = index
        .floating
        .tgw_attachments
        .iter()
        .find(|(t, _, _)| t.is_none_or(|t| gateways.contains(&t)))
    {
        unknown.get_or_insert_with(|| why.clone());
    }
    match (unknown, held.as_slice()) {
        (Some(why), _) => Err(why),
        (None, [one]) => Ok(Some(*one)),
        (None, _) => Ok(None),
    }
}

/// TGW002's questions: the workload and interface-endpoint subnets of a unit that routes
/// to transit gateways.
pub(super) fn zone_gates(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
    analysis: &Analysis,
) -> Vec<ZoneGate> {
    if tgw_route_sites(graph).is_empty() {
        return Vec::new();
    }
    let mut subnets: BTreeSet<(ResourceId, SubnetRole)> = BTreeSet::new();
    let mut order: Vec<(ResourceId, SubnetRole)> = Vec::new();
    let mut add = |subnet: ResourceId, role: SubnetRole| {
        if subnets.insert((subnet, role)) {
            order.push((subnet, role));
        }
    };
    for list in analysis.consumers.by_vpc.values() {
        for &(subnet, compute) in list {
            add(subnet, SubnetRole::Workload(compute));
        }
    }
    let mut out = Vec::new();
    // Workloads and endpoints whose subnets are not known may be in a zone the attachment
    // does not cover.
    for (compute, why) in &analysis.consumers.unplaced {
        out.push(ZoneGate {
            subnet: *compute,
            role: SubnetRole::Workload(*compute),
            outcome: Err(why.clone()),
        });
    }
    for &endpoint in &analysis.endpoints {
        let subnets = match endpoint_subnets(graph, index, endpoint) {
            Ok(subnets) => subnets,
            Err(why) => {
                out.push(ZoneGate {
                    subnet: endpoint,
                    role: SubnetRole::Endpoint(endpoint),
                    outcome: Err(why),
                });
                continue;
            }
        };
        for s in subnets {
            match s.target() {
                Some(subnet) if matches!(graph.get(subnet).kind, Kind::Subnet(_)) => {
                    add(subnet, SubnetRole::Endpoint(endpoint));
                }
                _ => out.push(ZoneGate {
                    subnet: endpoint,
                    role: SubnetRole::Endpoint(endpoint),
                    outcome: Err(s
                        .undecided(graph)
                        .unwrap_or_else(|| Undecided::new("a literal subnet id", s.span))
                        .context("an endpoint subnet is not known")),
                }),
            }
        }
    }
    for (subnet, role) in order {
        let sends = match router.tgw_routes(subnet) {
            Ok(sends) if sends.is_empty() => continue,
            Ok(sends) => sends,
            Err(why) => {
                out.push(ZoneGate {
                    subnet,
                    role,
                    outcome: Err(why),
                });
                continue;
            }
        };
        out.push(ZoneGate {
            subnet,
            role,
            outcome: zone_gap(graph, router, subnet, &sends),
        });
    }
    out
}

#[allow(clippy::type_complexity)]
fn zone_gap(
    graph: &Graph,
    router: &Router<'_>,
    subnet: ResourceId,
    sends: &[Result<(ResourceId, ResourceId, Span), Undecided>],
) -> Result<Option<ZoneGap>, Undecided> {
    let Kind::Subnet(s) = &graph.get(subnet).kind else {
        return Ok(None);
    };
    let vpc = s
        .vpc
        .target()
        .ok_or_else(|| Undecided::new("the subnet's VPC is not known", s.vpc.span))?;
    let mut seen = Vec::new();
    for route in sends {
        let (tgw, owner, span) = route.clone()?;
        if seen.contains(&tgw) {
            continue;
        }
        seen.push(tgw);
        if !matches!(graph.get(tgw).kind, Kind::TransitGateway(_)) {
            continue;
        }
        let Some(attachment) = router.vpc_attachment(tgw, vpc)? else {
            continue;
        };
        if let Some(zone) = router.az_gap(subnet, attachment)? {
            return Ok(Some(ZoneGap {
                tgw,
                attachment,
                zone,
                route: (owner, span),
            }));
        }
    }
    Ok(None)
}

/// NET002's questions: for each consumer subnet that reaches an endpoint over peering or
/// a transit gateway, whether every endpoint subnet routes back to it.
pub(super) fn return_checks(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
    analysis: &Analysis,
) -> Vec<ReturnCheck> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (n, r) in analysis.reachable.iter().enumerate() {
        let outcome = match &r.path {
            // A forward path that is not known may be one that needs a way back.
            Err(why) => Err(why.clone()),
            Ok(path)
                if matches!(
                    path.kind,
                    PathKind::IntraRegionPeering
                        | PathKind::InterRegionPeering
                        | PathKind::TransitGateway
                        | PathKind::CloudWan
                ) =>
            {
                Ok(())
            }
            Ok(_) => continue,
        };
        if !seen.insert((r.subnet, r.endpoint)) {
            continue;
        }
        out.push(ReturnCheck {
            reachable: n,
            outcome: outcome.and_then(|()| way_back(graph, index, router, r.subnet, r.endpoint)),
        });
    }
    out
}

fn way_back(
    graph: &Graph,
    index: &Index,
    router: &Router<'_>,
    subnet: ResourceId,
    endpoint: ResourceId,
) -> Result<Option<(ResourceId, Path)>, Undecided> {
    let Kind::Subnet(s) = &graph.get(subnet).kind else {
        return Ok(None);
    };
    let cidr = match s.cidr.as_ref() {
        Some(c) => *c.known_value().ok_or_else(|| {
            c.undecided(graph)
                .expect("not known")
                .context("the consumer subnet's CIDR is not known")
        })?,
        None => {
            return Err(Undecided::new(
                "the consumer subnet has no CIDR",
                graph.get(subnet).span,
            ))
        }
    };
    let vpc = s
        .vpc
        .target()
        .ok_or_else(|| Undecided::new("the subnet's VPC is not known", s.vpc.span))?;
    for p in endpoint_subnets(graph, index, endpoint)? {
        let Some(back_from) = p.target() else {
            return Err(p
                .undecided(graph)
                .unwrap_or_else(|| Undecided::new("a literal subnet id", p.span))
                .context("an endpoint subnet is not known"));
        };
        let path = router.route_back(back_from, cidr, vpc)?;
        if !path.kind.is_crossing() {
            return Ok(Some((back_from, path)));
        }
    }
    Ok(None)
}
