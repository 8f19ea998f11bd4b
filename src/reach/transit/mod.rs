//! Routing through transit gateways (domain-2026 §4.2): from a VPC route that names a
//! transit gateway, the VPC's attachment (and the availability-zone gate), the route table
//! associated with that attachment, the longest-prefix route there (static, prefix-list,
//! propagated, in AWS's order; a blackhole drops), and its next hop: the destination's VPC,
//! a peered transit gateway (whose table associated with the peering attachment decides
//! next), another VPC that the traffic passes through (an inspection or egress VPC: its
//! attachment subnets' route table, an appliance endpoint's subnet, and back to a transit
//! gateway through that VPC's attachment), NAT or the internet, or on-premises.
//!
//! It is indexed like VPC route tables: a table's routes are built once and a walk from an
//! attachment towards a prefix is computed once (`Router`'s caches). Anything unknown on the
//! way is an `Undecided`, never a guess.

use std::rc::Rc;

mod tables;

pub(super) use self::tables::TableRoutes;
use self::tables::{Next, VPC_PROPAGATED};
use super::lpm;
use super::router::Router;
use super::routes::{route_table_of, vpc_cidrs};
use crate::model::transit::gateways_of;
use crate::model::{
    Attachment, AttachmentKind, Graph, Ipv4Net, Kind, Prop, ResourceId, SymStr, TargetKind,
    TgwTable, Undecided, Val,
};
use crate::source::Span;

/// The most transit-gateway tables a walk visits before it gives up (a routing loop).
const MAX_HOPS: usize = 8;

/// What happened to traffic a VPC route sent to a transit gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwTrace {
    /// The tables it was routed by, in order.
    pub hops: Vec<TgwHop>,
    pub end: TgwEnd,
}

/// One transit-gateway routing decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwHop {
    pub transit_gateway: ResourceId,
    /// The attachment the traffic entered by.
    pub attachment: ResourceId,
    /// The table associated with it (`None`: none).
    pub table: Option<TgwTable>,
    /// The route that matched.
    pub route: Option<TgwMatch>,
    /// A VPC the traffic passed through before this hop (inspection, egress), with the
    /// route table that sent it back to the transit gateway.
    pub through: Option<(ResourceId, Option<ResourceId>)>,
}

/// The transit-gateway route that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TgwMatch {
    /// The route resource, or the propagation (or, for a default propagation, the
    /// attachment) that put the route there.
    pub owner: ResourceId,
    pub span: Span,
    pub destination: Ipv4Net,
    pub propagated: bool,
    pub blackhole: bool,
}

/// Where the traffic ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TgwEnd {
    /// Delivered into this VPC (its CIDR holds the destination) by this attachment.
    Vpc {
        vpc: ResourceId,
        attachment: ResourceId,
    },
    /// Out to the internet through this NAT or internet gateway of a VPC passed through.
    Internet {
        vpc: ResourceId,
        gateway: ResourceId,
    },
    /// Out of AWS through a VPN or Direct Connect attachment.
    OnPremises {
        attachment: ResourceId,
    },
    /// Handed to a next hop vpclint does not follow (an instance, a network interface, a
    /// peering) in a VPC passed through.
    Other {
        vpc: ResourceId,
        target: Option<ResourceId>,
    },
    Dropped(Drop),
}

/// Why a transit gateway drops the traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drop {
    /// The VPC has no attachment to the transit gateway in the code.
    NoAttachment { tgw: ResourceId, vpc: ResourceId },
    /// The sending subnet's availability zone has no subnet of the VPC's attachment.
    AzGap {
        attachment: ResourceId,
        subnet: ResourceId,
        zone: String,
    },
    /// The attachment is associated with no route table.
    NoAssociation { attachment: ResourceId },
    /// The associated table has no route for the destination.
    NoRoute { table: TgwTable },
    /// The longest route for the destination is a blackhole.
    Blackhole { table: TgwTable },
    /// A VPC passed through has no route for the destination in the attachment subnets'
    /// table (or the appliance's).
    NoRouteInVpc {
        vpc: ResourceId,
        table: Option<ResourceId>,
        /// The attachment that handed the traffic to the VPC.
        attachment: ResourceId,
    },
}

impl TgwEnd {
    /// The table (or VPC route table) that lacks the route, for messages.
    #[must_use]
    pub fn describe(&self, graph: &Graph) -> String {
        let name = |id: ResourceId| graph.get(id).address.clone();
        match self {
            TgwEnd::Vpc { vpc, .. } => format!("delivered to {}", name(*vpc)),
            TgwEnd::Internet { gateway, .. } => {
                format!("sent to the internet by {}", name(*gateway))
            }
            TgwEnd::OnPremises { attachment } => {
                format!("sent on-premises by {}", name(*attachment))
            }
            TgwEnd::Other { vpc, target } => format!(
                "handed to {} in {}",
                target.map_or_else(|| "a next hop".to_owned(), name),
                name(*vpc)
            ),
            TgwEnd::Dropped(d) => d.describe(graph),
        }
    }
}

impl Drop {
    #[must_use]
    pub fn describe(&self, graph: &Graph) -> String {
        let name = |id: ResourceId| graph.get(id).address.clone();
        match self {
            Drop::NoAttachment { tgw, vpc } => {
                format!("{} has no attachment to {}", name(*vpc), name(*tgw))
            }
            Drop::AzGap {
                attachment,
                subnet,
                zone,
            } => format!(
                "{} is in {zone}, where {} has no subnet",
                name(*subnet),
                name(*attachment)
            ),
            Drop::NoAssociation { attachment } => {
                format!("{} is associated with no route table", name(*attachment))
            }
            Drop::NoRoute { table } => format!("{} has no route for it", table.name(graph)),
            Drop::Blackhole { table } => {
                format!("its longest route in {} is a blackhole", table.name(graph))
            }
            Drop::NoRouteInVpc { vpc, table, .. } => format!(
                "{} ({}) has no route for it",
                table.map_or_else(|| "the main route table".to_owned(), name),
                name(*vpc)
            ),
        }
    }

    /// The table that drops (a transit gateway table), when one does.
    #[must_use]
    pub fn table(&self) -> Option<TgwTable> {
        match self {
            Drop::NoRoute { table } | Drop::Blackhole { table } => Some(*table),
            _ => None,
        }
    }
}

/// The result of entering a transit gateway by an attachment, towards a prefix.
pub(super) type Walk = Result<(Vec<TgwHop>, TgwEnd), Undecided>;

impl Router<'_> {
    /// Traffic from `vpc` (from `subnet`, whose availability zone must hold an attachment
    /// subnet; `None`: not checked) sent to transit gateway `tgw` towards `dest`.
    ///
    /// # Errors
    /// Why the walk cannot be decided.
    pub fn tgw_from_vpc(
        &self,
        tgw: ResourceId,
        vpc: ResourceId,
        subnet: Option<ResourceId>,
        dest: Ipv4Net,
    ) -> Result<TgwTrace, Undecided> {
        let graph = self.graph;
        if !matches!(graph.get(tgw).kind, Kind::TransitGateway(_)) {
            return Err(Undecided::new(
                format!(
                    "{} is not a transit gateway of the code: its route tables are not in the code (a shared transit gateway?)",
                    graph.get(tgw).address
                ),
                graph.get(tgw).span,
            ));
        }
        let attachment = self.vpc_attachment(tgw, vpc)?;
        let Some(attachment) = attachment else {
            return Ok(TgwTrace {
                hops: Vec::new(),
                end: TgwEnd::Dropped(Drop::NoAttachment { tgw, vpc }),
            });
        };
        if let Some(subnet) = subnet {
            if let Some(zone) = self.az_gap(subnet, attachment)? {
                return Ok(TgwTrace {
                    hops: Vec::new(),
                    end: TgwEnd::Dropped(Drop::AzGap {
                        attachment,
                        subnet,
                        zone,
                    }),
                });
            }
        }
        let entry = Attachment {
            id: attachment,
            kind: AttachmentKind::Vpc(vpc),
        };
        let walk = self.enter(tgw, entry, dest, 0);
        match walk.as_ref() {
            Ok((hops, end)) => Ok(TgwTrace {
                hops: hops.clone(),
                end: end.clone(),
            }),
            Err(why) => Err(why.clone()),
        }
    }

    /// The VPC's attachment to the transit gateway; `None` when it has none in the code.
    ///
    /// # Errors
    /// When an attachment whose gateway or VPC is not known may be it.
    pub fn vpc_attachment(
        &self,
        tgw: ResourceId,
        vpc: ResourceId,
    ) -> Result<Option<ResourceId>, Undecided> {
        if let Some(&first) = self
            .index
            .transit
            .vpc_attachments
            .get(&(tgw, vpc))
            .and_then(|a| a.first())
        {
            return Ok(Some(first));
        }
        match self
            .index
            .floating
            .tgw_attachments
            .iter()
            .find(|(t, v, _)| t.is_none_or(|t| t == tgw) && v.is_none_or(|v| v == vpc))
        {
            Some((_, _, why)) => Err(why.clone()),
            None => Ok(None),
        }
    }

    /// The zone of `subnet` when the attachment has no subnet there (`None`: it has one).
    ///
    /// # Errors
    /// When a zone is not known (not written: AWS chooses), or names and ids are mixed.
    pub fn az_gap(
        &self,
        subnet: ResourceId,
        attachment: ResourceId,
    ) -> Result<Option<String>, Undecided> {
        let graph = self.graph;
        let Kind::TransitGatewayVpcAttachment(a) = &graph.get(attachment).kind else {
            return Ok(None);
        };
        let subnets = match a.subnets.as_ref().map(|l| (l, &l.val)) {
            Some((_, Val::Known(items))) => items,
            Some((l, _)) => {
                return Err(l.undecided(graph).expect("not known").context(format!(
                    "the subnets of {} are not known",
                    graph.get(attachment).address
                )))
            }
            None => {
                return Err(Undecided::new(
                    format!("{} names no subnets", graph.get(attachment).address),
                    graph.get(attachment).span,
                ))
            }
        };
        // A subnet of the attachment itself is in a zone the attachment covers.
        if subnets.iter().any(|i| i.target() == Some(subnet)) {
            return Ok(None);
        }
        // One that is not known may be the subnet itself.
        if let Some(item) = subnets.iter().find(|i| i.target().is_none()) {
            return Err(item
                .undecided(graph)
                .unwrap_or_else(|| Undecided::new("a literal subnet id", item.span))
                .context(format!(
                    "a subnet of {} is not known",
                    graph.get(attachment).address
                )));
        }
        let zone = zone_of(graph, subnet)?;
        let mut unknown = None;
        for item in subnets {
            let Some(s) = item.target() else {
                unknown.get_or_insert_with(|| {
                    item.undecided(graph)
                        .unwrap_or_else(|| Undecided::new("a literal subnet id", item.span))
                        .context(format!(
                            "a subnet of {} is not known",
                            graph.get(attachment).address
                        ))
                });
                continue;
            };
            match zone_of(graph, s) {
                Ok(z) if same_zone(&z, &zone) == Some(true) => return Ok(None),
                Ok(z) if same_zone(&z, &zone).is_none() => {
                    unknown.get_or_insert_with(|| {
                        let cause = z
                            .unknown_part()
                            .or_else(|| zone.unknown_part())
                            .unwrap_or_else(|| "a zone name and a zone id".to_owned());
                        Undecided::new(cause, graph.get(s).span)
                            .context(format!("whether {z} and {zone} are one zone is not known"))
                    });
                }
                Ok(_) => {}
                Err(why) => {
                    unknown.get_or_insert(why);
                }
            }
        }
        match unknown {
            Some(why) => Err(why),
            None => Ok(Some(zone.to_string())),
        }
    }

    /// Enters `tgw` by `attachment` towards `dest` (cached per attachment, gateway and
    /// prefix).
    pub(super) fn enter(
        &self,
        tgw: ResourceId,
        attachment: Attachment,
        dest: Ipv4Net,
        depth: usize,
    ) -> Rc<Walk> {
        let key = (tgw, attachment.id, dest);
        if let Some(cached) = self.walks.borrow().get(&key) {
            return Rc::clone(cached);
        }
        let walk = Rc::new(self.walk(tgw, attachment, dest, depth));
        self.walks.borrow_mut().insert(key, Rc::clone(&walk));
        walk
    }

    fn walk(&self, tgw: ResourceId, attachment: Attachment, dest: Ipv4Net, depth: usize) -> Walk {
        let graph = self.graph;
        if depth >= MAX_HOPS {
            return Err(Undecided::new(
                format!("the path towards {dest} passes more than {MAX_HOPS} transit gateway tables (a routing loop?)"),
                graph.get(attachment.id).span,
            ));
        }
        let mut hop = TgwHop {
            transit_gateway: tgw,
            attachment: attachment.id,
            table: None,
            route: None,
            through: None,
        };
        let Some(table) = self.associated_table(tgw, attachment)? else {
            return Ok((
                vec![hop],
                TgwEnd::Dropped(Drop::NoAssociation {
                    attachment: attachment.id,
                }),
            ));
        };
        hop.table = Some(table);
        let routes = self.tgw_table(table);
        let routes = match routes.as_ref() {
            Ok(r) => r,
            Err(why) => return Err(why.clone()),
        };
        if let Some(why) = &routes.unknown {
            return Err(why.clone());
        }
        let Some(i) = lpm::best_ranked(&routes.ranked, dest) else {
            return Ok((vec![hop], TgwEnd::Dropped(Drop::NoRoute { table })));
        };
        let entry = &routes.entries[i];
        let next = entry.next.clone()?;
        hop.route = Some(TgwMatch {
            owner: entry.owner,
            span: entry.span,
            destination: entry.destination,
            propagated: entry.rank >= VPC_PROPAGATED,
            blackhole: matches!(next, Next::Blackhole),
        });
        let next = match next {
            Next::Blackhole => {
                return Ok((vec![hop], TgwEnd::Dropped(Drop::Blackhole { table })));
            }
            Next::Attachment(a) => a,
        };
        let (mut rest, end) = match next.kind {
            AttachmentKind::Vpn | AttachmentKind::DirectConnect => (
                Vec::new(),
                TgwEnd::OnPremises {
                    attachment: next.id,
                },
            ),
            AttachmentKind::Peering => {
                let other = self.peer_side(tgw, next.id)?;
                let walk = self.enter(other, next, dest, depth + 1);
                walk.as_ref().clone()?
            }
            // A transit gateway-attached firewall inspects the traffic and hands it back by
            // the same attachment: the table associated with it routes it on.
            AttachmentKind::Firewall => {
                let walk = self.enter(tgw, next, dest, depth + 1);
                walk.as_ref().clone()?
            }
            AttachmentKind::Vpc(vpc) => {
                let holds = vpc_cidrs(graph, self.index, vpc)
                    .iter()
                    .filter_map(Prop::known_value)
                    .any(|c| c.contains(dest));
                if holds {
                    (
                        Vec::new(),
                        TgwEnd::Vpc {
                            vpc,
                            attachment: next.id,
                        },
                    )
                } else {
                    self.through_vpc(vpc, next.id, dest, depth)?
                }
            }
        };
        let mut hops = vec![hop];
        hops.append(&mut rest);
        Ok((hops, end))
    }

    /// The other transit gateway of a peering attachment.
    fn peer_side(&self, tgw: ResourceId, peering: ResourceId) -> Result<ResourceId, Undecided> {
        let graph = self.graph;
        let Kind::TgwPeeringAttachment(p) = &graph.get(peering).kind else {
            return Err(Undecided::new(
                "not a peering attachment",
                graph.get(peering).span,
            ));
        };
        let sides = [&p.transit_gateway, &p.peer_transit_gateway];
        let mut other = None;
        for side in sides {
            match side.target() {
                Some(t) if t == tgw => {}
                Some(t) => other = Some(t),
                None => {
                    return Err(side
                        .undecided(graph)
                        .unwrap_or_else(|| {
                            Undecided::new("a literal transit gateway id", side.span)
                        })
                        .context(format!(
                            "the peer transit gateway of {} is not in the code",
                            graph.get(peering).address
                        )))
                }
            }
        }
        other.ok_or_else(|| {
            Undecided::new(
                format!(
                    "{} peers a transit gateway with itself",
                    graph.get(peering).address
                ),
                graph.get(peering).span,
            )
        })
    }

    /// Traffic handed to `vpc` by its attachment, for a destination outside it: the
    /// attachment subnets' route table decides (an inspection or egress VPC), through an
    /// appliance endpoint's subnet if it names one, and back to a transit gateway.
    fn through_vpc(
        &self,
        vpc: ResourceId,
        attachment: ResourceId,
        dest: Ipv4Net,
        depth: usize,
    ) -> Result<(Vec<TgwHop>, TgwEnd), Undecided> {
        let graph = self.graph;
        let Kind::TransitGatewayVpcAttachment(a) = &graph.get(attachment).kind else {
            return Err(Undecided::new(
                "not a VPC attachment",
                graph.get(attachment).span,
            ));
        };
        let subnet = match a.subnets.as_ref().map(|l| (l, &l.val)) {
            Some((_, Val::Known(items))) => match items.first() {
                Some(first) => first.target().ok_or_else(|| {
                    first
                        .undecided(graph)
                        .unwrap_or_else(|| Undecided::new("a literal subnet id", first.span))
                        .context(format!(
                            "a subnet of {} is not known",
                            graph.get(attachment).address
                        ))
                })?,
                None => {
                    return Err(Undecided::new(
                        format!("{} names no subnets", graph.get(attachment).address),
                        graph.get(attachment).span,
                    ))
                }
            },
            Some((l, _)) => {
                return Err(l.undecided(graph).expect("not known").context(format!(
                    "the subnets of {} are not known",
                    graph.get(attachment).address
                )))
            }
            None => {
                return Err(Undecided::new(
                    format!("{} names no subnets", graph.get(attachment).address),
                    graph.get(attachment).span,
                ))
            }
        };
        let mut subnet = subnet;
        // An appliance endpoint (Gateway Load Balancer, Network Firewall) hands the traffic
        // to its subnet's table; at most a few in a row.
        for _ in 0..3 {
            let table = route_table_of(graph, self.index, subnet, vpc)?;
            let routes = self.table(vpc, table);
            if let Some(why) = &routes.unknown {
                return Err(why.clone());
            }
            let Some(i) = lpm::best_route(&routes.known, dest) else {
                return Ok((
                    Vec::new(),
                    TgwEnd::Dropped(Drop::NoRouteInVpc {
                        vpc,
                        table,
                        attachment,
                    }),
                ));
            };
            let route = &routes.candidates[i];
            let target = route.target.target();
            let unknown_target = || {
                route
                    .target
                    .undecided(graph)
                    .unwrap_or_else(|| Undecided::new("a literal id", route.target.span))
                    .context(format!(
                        "the next hop of a route in {} is not known",
                        graph.get(vpc).address
                    ))
            };
            match route.kind {
                TargetKind::TransitGateway => {
                    let tgw = target.ok_or_else(unknown_target)?;
                    if !matches!(graph.get(tgw).kind, Kind::TransitGateway(_)) {
                        return Err(Undecided::new(
                            format!(
                                "{} is not a transit gateway of the code",
                                graph.get(tgw).address
                            ),
                            route.span,
                        ));
                    }
                    let Some(back) = self.vpc_attachment(tgw, vpc)? else {
                        return Ok((Vec::new(), TgwEnd::Dropped(Drop::NoAttachment { tgw, vpc })));
                    };
                    let walk = self.enter(
                        tgw,
                        Attachment {
                            id: back,
                            kind: AttachmentKind::Vpc(vpc),
                        },
                        dest,
                        depth + 1,
                    );
                    let (mut hops, end) = walk.as_ref().clone()?;
                    if let Some(first) = hops.first_mut() {
                        first.through = Some((vpc, table));
                    }
                    return Ok((hops, end));
                }
                TargetKind::NatGateway => {
                    let gateway = target.ok_or_else(unknown_target)?;
                    return Ok((Vec::new(), TgwEnd::Internet { vpc, gateway }));
                }
                TargetKind::Gateway => {
                    let gateway = target.ok_or_else(unknown_target)?;
                    return Ok((
                        Vec::new(),
                        match graph.get(gateway).kind {
                            Kind::InternetGateway => TgwEnd::Internet { vpc, gateway },
                            _ => TgwEnd::Other {
                                vpc,
                                target: Some(gateway),
                            },
                        },
                    ));
                }
                TargetKind::VpcEndpoint => {
                    let endpoint = target.ok_or_else(unknown_target)?;
                    match appliance_subnet(graph, endpoint, route.span)? {
                        Some(next) => subnet = next,
                        None => return Ok((Vec::new(), TgwEnd::Other { vpc, target })),
                    }
                }
                TargetKind::Local => {
                    return Ok((
                        Vec::new(),
                        TgwEnd::Dropped(Drop::NoRouteInVpc {
                            vpc,
                            table,
                            attachment,
                        }),
                    ));
                }
                TargetKind::Unknown => return Err(unknown_target()),
                _ => return Ok((Vec::new(), TgwEnd::Other { vpc, target })),
            }
        }
        Err(Undecided::new(
            format!(
                "the path through {} passes too many appliances",
                graph.get(vpc).address
            ),
            graph.get(vpc).span,
        ))
    }

    /// The transit gateways reachable from `tgw` over peering attachments (itself first);
    /// `None` when a peering whose gateways are not known may join others.
    #[must_use]
    pub fn tgw_component(&self, tgw: ResourceId) -> Option<Vec<ResourceId>> {
        if !self.index.transit.floating.peerings.is_empty() {
            return None;
        }
        let mut out = vec![tgw];
        let mut i = 0;
        while i < out.len() {
            for &peer in self.index.transit.peers.get(&out[i]).into_iter().flatten() {
                if !out.contains(&peer) {
                    out.push(peer);
                }
            }
            i += 1;
        }
        Some(out)
    }
}

/// The subnet an appliance endpoint that a route names hands the traffic on from: the
/// first subnet of a Gateway Load Balancer endpoint or of an AWS Network Firewall's
/// endpoints (their subnets' routes decide next; a firewall's endpoints in other zones are
/// assumed to be routed alike). `None` for any other next hop.
///
/// # Errors
/// When the appliance's subnets are not known.
pub(super) fn appliance_subnet(
    graph: &Graph,
    appliance: ResourceId,
    span: Span,
) -> Result<Option<ResourceId>, Undecided> {
    let subnets = match &graph.get(appliance).kind {
        Kind::Endpoint(e) => e.subnets.as_ref(),
        Kind::Firewall(f) => f.subnets.as_ref(),
        _ => return Ok(None),
    };
    let address = &graph.get(appliance).address;
    let first = match subnets.map(|l| (l, &l.val)) {
        Some((_, Val::Known(items))) => items.first(),
        Some((l, _)) => {
            return Err(l
                .undecided(graph)
                .expect("not known")
                .context(format!("the subnets of {address} are not known")))
        }
        None => None,
    };
    let Some(first) = first else {
        return Err(Undecided::new(format!("{address} names no subnets"), span));
    };
    first.target().map(Some).ok_or_else(|| {
        first
            .undecided(graph)
            .unwrap_or_else(|| Undecided::new("a literal subnet id", first.span))
            .context(format!("a subnet of {address} is not known"))
    })
}

/// A subnet's availability zone (name or id) as written.
fn zone_of(graph: &Graph, subnet: ResourceId) -> Result<SymStr, Undecided> {
    let r = graph.get(subnet);
    let Kind::Subnet(s) = &r.kind else {
        return Err(Undecided::new(
            format!("{} is not a subnet", r.address),
            r.span,
        ));
    };
    match s.availability_zone.as_ref().map(|z| (z, &z.val)) {
        Some((_, Val::Known(z))) => Ok(z.clone()),
        Some((z, _)) => Err(z.undecided(graph).expect("not known").context(format!(
            "the availability zone of {} is not known",
            r.address
        ))),
        None => Err(Undecided::new(
            format!("{} names no availability zone (AWS chooses one)", r.address),
            r.span,
        )),
    }
}

/// Are two zones the same? `None` when one is a zone id (`use1-az1`) and the other a name,
/// or when the parts of them that are not known (the region of `${AWS::Region}a`) decide.
fn same_zone(a: &SymStr, b: &SymStr) -> Option<bool> {
    let is_id = |z: &SymStr| {
        z.encoded()
            .rsplit_once("-az")
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    };
    if is_id(a) == is_id(b) {
        a.eq_ignore_case(b)
    } else {
        None
    }
}

/// The transit gateways an attachment is on (for drawings and rules).
#[must_use]
pub fn attachment_gateways(graph: &Graph, attachment: ResourceId) -> Vec<ResourceId> {
    gateways_of(graph, attachment)
        .into_iter()
        .filter_map(Prop::target)
        .collect()
}
