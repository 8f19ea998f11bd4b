//! Path classification: the longest-prefix match of an endpoint subnet among a table's
//! routes, and the kind of hop the winning route names (peering in or across regions, VPN,
//! Direct Connect, transit gateway), with the caches that keep it linear.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::lpm;
use super::routes::{endpoint_subnets, route_table_of, routes_of, vpc_of, Candidate};
use super::transit::{self, TgwEnd};
use super::{Path, PathKind, Reach};
use crate::model::{Graph, Index, Ipv4Net, Kind, ResourceId, TargetKind, TgwTable, Undecided, Val};

/// Reachability queries over one graph, with what every query would recompute cached: a
/// route table's routes, an endpoint's VPC and subnet CIDRs. A query is then a
/// longest-prefix match over a few routes, without allocation.
pub struct Router<'g> {
    pub(super) graph: &'g Graph,
    pub(super) index: &'g Index,
    tables: Cache<TableKey, TableRoutes>,
    endpoints: Cache<ResourceId, Outcome<EndpointTarget>>,
    targets: Targets,
    candidates: Cache<TableKey, Vec<usize>>,
    /// Transit gateway route tables' routes (`transit.rs`).
    pub(super) tgw_tables: Cache<TgwTable, Result<transit::TableRoutes, Undecided>>,
    /// Walks through transit gateways: (gateway, entering attachment, prefix) → the walk.
    pub(super) walks: Cache<(ResourceId, ResourceId, Ipv4Net), transit::Walk>,
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
pub(super) struct TableRoutes {
    pub(super) candidates: Vec<Candidate>,
    /// `candidates`' destinations, for [`lpm::best_route`]; only valid when `unknown` is
    /// `None`.
    pub(super) known: Vec<lpm::Route>,
    /// The first route whose destination is not known: every match in this table is then
    /// unknown (that route might be the longest).
    pub(super) unknown: Option<Undecided>,
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
            tgw_tables: RefCell::default(),
            walks: RefCell::default(),
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
                // Every VPC attached to a transit gateway peered with this one (or passed
                // through on the way) may be reached.
                let Some(gateways) = self.tgw_component(tgw) else {
                    return true;
                };
                for &gw in &gateways {
                    // An attachment whose transit gateway or VPC is not known may be this one's.
                    if self
                        .index
                        .floating
                        .tgw_attachments
                        .iter()
                        .any(|(t, _, _)| t.is_none_or(|t| t == gw))
                    {
                        return true;
                    }
                    for &vpc in self.index.tgw_vpcs.get(&gw).into_iter().flatten() {
                        in_vpc(vpc, out);
                    }
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
            // A Cloud WAN core network: the VPCs attached to it, as its policy allows.
            TargetKind::CoreNetwork => {
                let Some(vpcs) = route.target.target().and_then(|c| self.cloudwan_vpcs(c)) else {
                    return true;
                };
                for &vpc in vpcs {
                    in_vpc(vpc, out);
                }
                false
            }
            TargetKind::Unknown => true,
            TargetKind::Local
            | TargetKind::NatGateway
            | TargetKind::EgressOnlyGateway
            | TargetKind::CarrierGateway
            | TargetKind::NetworkInterface
            | TargetKind::Instance
            | TargetKind::VpcEndpoint
            | TargetKind::LocalGateway => false,
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

    pub(super) fn table(&self, vpc: ResourceId, table: Option<ResourceId>) -> Rc<TableRoutes> {
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
            transit: None,
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
            let path = self.through_transit(path, Some(subnet), source_vpc, target.vpc, cidr)?;
            let path = self.through_cloudwan(path, source_vpc, target.vpc, cidr)?;
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

impl Router<'_> {
    /// A path whose VPC route names a transit gateway, followed through the gateway's
    /// route tables: a transit-gateway path when it is delivered into `dest_vpc`, else no
    /// path (with the trace saying where it went or why it was dropped).
    fn through_transit(
        &self,
        mut path: Path,
        subnet: Option<ResourceId>,
        source_vpc: ResourceId,
        dest_vpc: ResourceId,
        cidr: Ipv4Net,
    ) -> Result<Path, Undecided> {
        if path.kind != PathKind::TransitGateway {
            return Ok(path);
        }
        let tgw = path.connection.expect("a transit-gateway path names it");
        let trace = self.tgw_from_vpc(tgw, source_vpc, subnet, cidr)?;
        if !matches!(trace.end, TgwEnd::Vpc { vpc, .. } if vpc == dest_vpc) {
            path.kind = PathKind::NoPath;
        }
        path.transit = Some(Box::new(trace));
        Ok(path)
    }

    /// The path back from `subnet` to `cidr` in `dest_vpc` (a consumer's subnet): its route
    /// table's longest-prefix route, and through a transit gateway its tables (without the
    /// availability-zone gate, which TGW002 checks).
    ///
    /// # Errors
    /// Why it cannot be decided.
    pub fn route_back(
        &self,
        subnet: ResourceId,
        cidr: Ipv4Net,
        dest_vpc: ResourceId,
    ) -> Result<Path, Undecided> {
        let graph = self.graph;
        let Kind::Subnet(s) = &graph.get(subnet).kind else {
            return Err(Undecided::new("not a subnet", graph.get(subnet).span));
        };
        let vpc = vpc_of(graph, &s.vpc)?;
        let table = route_table_of(graph, self.index, subnet, vpc)?;
        let routes = self.table(vpc, table);
        if let Some(unknown) = &routes.unknown {
            return Err(unknown.clone());
        }
        let path = match_route(graph, self.index, &routes, cidr, vpc, dest_vpc, table)?;
        let path = self.through_transit(path, None, vpc, dest_vpc, cidr)?;
        self.through_cloudwan(path, vpc, dest_vpc, cidr)
    }

    /// The routes of a subnet's effective table that name a transit gateway: (the gateway,
    /// the resource that declares the route, its span), or why the table is not known.
    /// A route whose transit gateway is not known is an `Err` item.
    ///
    /// # Errors
    /// Why the subnet's table is not known.
    #[allow(clippy::type_complexity)]
    pub fn tgw_routes(
        &self,
        subnet: ResourceId,
    ) -> Result<Vec<Result<(ResourceId, ResourceId, crate::source::Span), Undecided>>, Undecided>
    {
        let graph = self.graph;
        let Kind::Subnet(s) = &graph.get(subnet).kind else {
            return Err(Undecided::new("not a subnet", graph.get(subnet).span));
        };
        let vpc = vpc_of(graph, &s.vpc)?;
        let table = route_table_of(graph, self.index, subnet, vpc)?;
        // A route whose table is not known may be a route of this one to a gateway.
        if let Some(why) = self.index.floating.routes.first() {
            return Err(why.clone().context("a route may be in this subnet's table"));
        }
        let routes = self.table(vpc, table);
        Ok(routes
            .candidates
            .iter()
            .filter(|r| r.kind == TargetKind::TransitGateway)
            .map(|r| {
                r.target
                    .target()
                    .map(|t| (t, r.owner, r.span))
                    .ok_or_else(|| {
                        r.target
                            .undecided(graph)
                            .unwrap_or_else(|| Undecided::new("a literal id", r.target.span))
                            .context("the transit gateway a route names is not known")
                    })
            })
            .collect())
    }

    /// Where a subnet's traffic to the internet goes: the NAT or internet gateway its
    /// default route (`0.0.0.0/0`) leads to, directly or through a transit gateway to an
    /// egress VPC; `None` when it has no such path.
    ///
    /// # Errors
    /// Why it cannot be decided.
    pub fn egress(&self, subnet: ResourceId) -> Result<Option<ResourceId>, Undecided> {
        let graph = self.graph;
        let Kind::Subnet(s) = &graph.get(subnet).kind else {
            return Err(Undecided::new("not a subnet", graph.get(subnet).span));
        };
        let vpc = vpc_of(graph, &s.vpc)?;
        let everything = Ipv4Net::new(0, 0);
        let mut from = subnet;
        // Through appliance endpoints (a firewall or Gateway Load Balancer endpoint in the
        // way), at most a few in a row.
        for _ in 0..4 {
            let table = route_table_of(graph, self.index, from, vpc)?;
            let routes = self.table(vpc, table);
            if let Some(unknown) = &routes.unknown {
                return Err(unknown.clone());
            }
            let Some(i) = lpm::best_route(&routes.known, everything) else {
                return Ok(None);
            };
            let route = &routes.candidates[i];
            let target = route.target.target();
            let unknown = || {
                route
                    .target
                    .undecided(graph)
                    .unwrap_or_else(|| Undecided::new("a literal id", route.target.span))
                    .context("the next hop of the default route is not known")
            };
            match (route.kind, target.map(|t| &graph.get(t).kind)) {
                (TargetKind::NatGateway, Some(_))
                | (TargetKind::Gateway, Some(Kind::InternetGateway)) => return Ok(target),
                (TargetKind::TransitGateway, Some(_)) => {
                    let tgw = target.expect("matched");
                    let trace = self.tgw_from_vpc(tgw, vpc, Some(from), everything)?;
                    return Ok(match trace.end {
                        TgwEnd::Internet { gateway, .. } => Some(gateway),
                        _ => None,
                    });
                }
                (TargetKind::VpcEndpoint, Some(_)) => {
                    let appliance = target.expect("matched");
                    match transit::appliance_subnet(graph, appliance, route.span)? {
                        Some(next) => from = next,
                        None => return Ok(None),
                    }
                }
                // A NAT instance, a network interface: traffic may well leave for the
                // internet there, which vpclint does not follow.
                (TargetKind::Instance | TargetKind::NetworkInterface, Some(_)) => {
                    return Err(Undecided::new(
                        format!(
                            "the default route leads to {}, which vpclint does not follow (a NAT instance?)",
                            graph.get(target.expect("matched")).address
                        ),
                        route.span,
                    ))
                }
                (TargetKind::Local, _) => return Ok(None),
                (TargetKind::CoreNetwork, Some(_)) => {
                    return Err(Undecided::new(
                        "the default route leads to a Cloud WAN core network, whose policy decides where it goes",
                        route.span,
                    ))
                }
                (TargetKind::Unknown, _) | (_, None) => return Err(unknown()),
                _ => return Ok(None),
            }
        }
        Err(Undecided::new(
            format!(
                "the default route of {} passes too many appliances",
                graph.get(subnet).address
            ),
            graph.get(subnet).span,
        ))
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
        PathKind::SameVpc
        | PathKind::TransitGateway
        | PathKind::CloudWan
        | PathKind::DirectConnect => 2,
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
            transit: None,
        });
    };
    let path = |kind, connection, assumption| Path {
        kind,
        route_table: table,
        route: Some((route.owner, route.span)),
        connection,
        assumption,
        transit: None,
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
        | TargetKind::LocalGateway => Ok(path(PathKind::Other, target, None)),
        // Which attachments a core network connects is decided by its policy's segments
        // (`reach/cloudwan.rs`).
        TargetKind::CoreNetwork => match target {
            Some(_) => Ok(path(PathKind::CloudWan, target, None)),
            None => Err(Undecided::new(
                route
                    .target
                    .unknown_reason()
                    .unwrap_or("a literal core network ARN"),
                route.target.span,
            )
            .context("the route's Cloud WAN core network is not known")),
        },
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
