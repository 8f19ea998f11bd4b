//! Route tables as a subnet sees them: its effective table, and every route in it (local,
//! inline, route resources, routes propagated from virtual private gateways), with what the
//! index could not link making them unknown.

use crate::model::{Graph, Index, Ipv4Net, Kind, Prop, ResourceId, TargetKind, Undecided, Val};
use crate::source::Span;

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
pub(super) struct Candidate {
    /// The resource that declares the route.
    pub owner: ResourceId,
    pub destination: Prop<Ipv4Net>,
    pub kind: TargetKind,
    pub target: Prop<()>,
    pub span: Span,
    pub propagated: bool,
}

/// Every route of a table: local routes, inline routes, route resources, propagated routes.
pub(super) fn routes_of(
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
///
/// # Errors
/// Why they are not known.
pub fn endpoint_subnets(
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
pub(super) fn route_table_of(
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
