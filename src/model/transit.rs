//! Transit gateways as AWS routes them: route tables, which table each attachment is
//! associated with (explicitly, or the gateway's association default table), which
//! attachments propagate into each table (explicitly, or into the propagation default
//! table), static and blackhole routes, prefix-list references, peering attachments and
//! accepters, and the VPN and Direct Connect attachments. The model's kinds are here; the
//! index ([`TransitIndex`]) links them once per unit, and `reach::transit` walks them.
//!
//! Defaults (domain-2026 §4.1): a gateway's `default_route_table_association` and
//! `default_route_table_propagation` are `enable` when omitted; a Terraform VPC attachment's
//! `transit_gateway_default_route_table_association` / `_propagation` are true when
//! omitted (CloudFormation attachments have no such opt-out and follow the gateway).

use std::collections::HashMap;

use super::index::unfollowed;
use super::{Graph, Ipv4Net, Kind, Prop, RefProp, ResourceId, SymStr, Undecided, Val};

/// `aws_ec2_transit_gateway`, `AWS::EC2::TransitGateway`.
#[derive(Clone, Debug, Default)]
pub struct TransitGateway {
    /// `default_route_table_association` / `DefaultRouteTableAssociation` as written
    /// (`None`: `enable`).
    pub default_association: Option<Prop<String>>,
    /// `default_route_table_propagation` / `DefaultRouteTablePropagation` (`None`: `enable`).
    pub default_propagation: Option<Prop<String>>,
    /// `AssociationDefaultRouteTableId` (CloudFormation): the association default table,
    /// when repointed at a table of the code.
    pub association_default_table: Option<RefProp>,
    /// `PropagationDefaultRouteTableId` (CloudFormation).
    pub propagation_default_table: Option<RefProp>,
}

/// `aws_ec2_transit_gateway_peering_attachment`, `AWS::EC2::TransitGatewayPeeringAttachment`:
/// a transit gateway peered with another. Peering attachments carry static routes only.
#[derive(Clone, Debug)]
pub struct TgwPeeringAttachment {
    pub transit_gateway: RefProp,
    pub peer_transit_gateway: RefProp,
    /// `peer_region` / `PeerRegion` as written.
    pub peer_region: Option<Prop<SymStr>>,
}

/// An accepter of an attachment in another account or on the peer gateway
/// (`aws_ec2_transit_gateway_vpc_attachment_accepter`,
/// `aws_ec2_transit_gateway_peering_attachment_accepter`): its id is the attachment's.
#[derive(Clone, Debug)]
pub struct TgwAttachmentAccepter {
    pub attachment: RefProp,
    /// The accepter's `transit_gateway_default_route_table_association` (VPC attachments).
    pub default_association: Option<Prop<bool>>,
    pub default_propagation: Option<Prop<bool>>,
}

/// `aws_ec2_transit_gateway_route_table`, `AWS::EC2::TransitGatewayRouteTable`.
#[derive(Clone, Debug)]
pub struct TgwRouteTable {
    pub transit_gateway: RefProp,
}

/// An attachment associated with, or propagating into, a route table
/// (`…_route_table_association`, `…_route_table_propagation`, and the CloudFormation
/// `TransitGatewayRouteTableAssociation` / `…Propagation`).
#[derive(Clone, Debug)]
pub struct TgwTableLink {
    pub attachment: RefProp,
    pub route_table: RefProp,
}

/// A static route of a transit gateway route table (`aws_ec2_transit_gateway_route`,
/// `AWS::EC2::TransitGatewayRoute`) or a prefix-list reference
/// (`aws_ec2_transit_gateway_prefix_list_reference`).
#[derive(Clone, Debug)]
pub struct TgwRoute {
    pub route_table: RefProp,
    /// The destination; a prefix-list reference's is Unknown (the entries are not read).
    pub destination: Prop<Ipv4Net>,
    /// The attachment traffic goes to (`None` with a blackhole).
    pub attachment: Option<RefProp>,
    /// `blackhole` / `Blackhole` as written (`None`: false).
    pub blackhole: Option<Prop<bool>>,
    /// A prefix-list reference (ranks after static routes on equal prefixes).
    pub prefix_list: bool,
}

/// `aws_ec2_transit_gateway_default_route_table_association` / `_propagation`: repoints a
/// gateway's association (or propagation) default table.
#[derive(Clone, Debug)]
pub struct TgwDefaultTable {
    pub transit_gateway: RefProp,
    pub route_table: RefProp,
    /// The propagation default table (else the association default table).
    pub propagation: bool,
}

/// `aws_networkfirewall_firewall`, `AWS::NetworkFirewall::Firewall`: an AWS Network
/// Firewall, with endpoints in subnets of a VPC (an inspection VPC's routes name them as
/// next hops), or attached to a transit gateway (a transit gateway-attached firewall:
/// the gateway's tables send traffic to its attachment, and it comes back by the same
/// attachment, routed by the table associated with it).
#[derive(Clone, Debug)]
pub struct Firewall {
    /// `vpc_id` / `VpcId`.
    pub vpc: Option<RefProp>,
    /// The subnets of its endpoints (`subnet_mapping`, `SubnetMappings`).
    pub subnets: Option<super::ListProp<()>>,
    /// `transit_gateway_id` / `TransitGatewayId`.
    pub transit_gateway: Option<RefProp>,
}

/// A transit gateway route table: one of the code, or a gateway's own default table (which
/// AWS creates and the code names only through the gateway's attributes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TgwTable {
    Resource(ResourceId),
    /// The default route table of this transit gateway.
    Default(ResourceId),
}

impl TgwTable {
    /// How a finding names it.
    #[must_use]
    pub fn name(self, graph: &Graph) -> String {
        match self {
            TgwTable::Resource(id) => graph.get(id).address.clone(),
            TgwTable::Default(tgw) => format!("{} (default route table)", graph.get(tgw).address),
        }
    }

    /// The resource a finding points at: the table, or the gateway of a default table.
    #[must_use]
    pub fn resource(self) -> ResourceId {
        match self {
            TgwTable::Resource(id) | TgwTable::Default(id) => id,
        }
    }
}

/// What an attachment id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentKind {
    /// A VPC attachment, to this VPC.
    Vpc(ResourceId),
    /// A peering attachment (the resource is the peering attachment).
    Peering,
    /// A Site-to-Site VPN connection's attachment (the resource is the connection).
    Vpn,
    /// A Direct Connect gateway association's attachment.
    DirectConnect,
    /// A transit gateway-attached Network Firewall's attachment (the resource is the
    /// firewall).
    Firewall,
}

/// An attachment: its resource (the VPC or peering attachment, the VPN connection, the
/// Direct Connect gateway association) and what it attaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attachment {
    pub id: ResourceId,
    pub kind: AttachmentKind,
}

/// A table a resource names, or why it is not known.
pub type TableRef = Result<TgwTable, Undecided>;

/// Reverse edges of the transit gateway model, built once per unit.
#[derive(Debug, Default)]
pub struct TransitIndex {
    /// (transit gateway, VPC) → its VPC attachments, in declaration order.
    pub vpc_attachments: HashMap<(ResourceId, ResourceId), Vec<ResourceId>>,
    /// Transit gateway → every attachment of it (VPC, peering on either side, VPN, Direct
    /// Connect), in declaration order.
    pub attachments: HashMap<ResourceId, Vec<Attachment>>,
    /// Attachment → its accepters.
    pub accepters: HashMap<ResourceId, Vec<ResourceId>>,
    /// Attachment → explicit associations (the association resource and the table).
    pub associations: HashMap<ResourceId, Vec<(ResourceId, TableRef)>>,
    /// Table → explicit propagations (the propagation resource and the attachment).
    pub propagations: HashMap<TgwTable, Vec<(ResourceId, Attachment)>>,
    /// Table → its static routes and prefix-list references.
    pub routes: HashMap<TgwTable, Vec<ResourceId>>,
    /// Transit gateway → its repointed association / propagation default table.
    pub default_association: HashMap<ResourceId, (ResourceId, Result<TgwTable, Undecided>)>,
    pub default_propagation: HashMap<ResourceId, (ResourceId, Result<TgwTable, Undecided>)>,
    /// Transit gateways joined by peering attachments (both directions).
    pub peers: HashMap<ResourceId, Vec<ResourceId>>,
    /// What could not be linked (the `Index::floating` pattern): each could belong to any
    /// table or attachment, so whatever it could change is Unknown with its reason.
    pub floating: TransitFloating,
}

/// Transit-gateway elements whose link is not known.
#[derive(Debug, Default)]
pub struct TransitFloating {
    /// Associations whose attachment is not known (or that may not exist), with their table
    /// when known.
    pub associations: Vec<(Option<TgwTable>, Undecided)>,
    /// Propagations whose attachment or table is not known (or that may not exist).
    pub propagations: Vec<(Option<TgwTable>, Undecided)>,
    /// Static routes whose table is not known (or that may not exist), with the table.
    pub routes: Vec<(Option<TgwTable>, Undecided)>,
    /// Default-table repointings whose gateway or table is not known.
    pub defaults: Vec<Undecided>,
    /// Peering attachments whose gateways are not known.
    pub peerings: Vec<Undecided>,
    /// Accepters whose attachment is not known.
    pub accepters: Vec<Undecided>,
}

/// The attachment an attachment-id property names: a VPC or peering attachment, an
/// accepter of one (its id is the attachment's), a VPN connection's or a Direct Connect
/// gateway association's `transit_gateway_attachment_id`.
///
/// # Errors
/// Why it is not known (an Unknown value, a literal id, a resource that is not an
/// attachment vpclint models).
pub fn attachment_of(graph: &Graph, prop: &RefProp) -> Result<Attachment, Undecided> {
    let Val::Ref(id, attr) = &prop.val else {
        return Err(unfollowed(graph, prop, "the attachment is not known"));
    };
    let mut id = *id;
    if let Kind::TgwAttachmentAccepter(a) = &graph.get(id).kind {
        id = a.attachment.target().ok_or_else(|| {
            unfollowed(
                graph,
                &a.attachment,
                &format!(
                    "the attachment {} accepts is not known",
                    graph.get(id).address
                ),
            )
        })?;
    }
    let kind = match &graph.get(id).kind {
        Kind::TransitGatewayVpcAttachment(a) => match a.vpc.target() {
            Some(vpc) => AttachmentKind::Vpc(vpc),
            None => {
                return Err(unfollowed(
                    graph,
                    &a.vpc,
                    &format!("the VPC {} attaches is not known", graph.get(id).address),
                ))
            }
        },
        Kind::TgwPeeringAttachment(_) => AttachmentKind::Peering,
        Kind::VpnConnection(_) if attr == "transit_gateway_attachment_id" => AttachmentKind::Vpn,
        Kind::DxGatewayAssociation(_) if attr == "transit_gateway_attachment_id" => {
            AttachmentKind::DirectConnect
        }
        // `TransitGatewayAttachmentId` (CloudFormation), `firewall_status[0]
        // .transit_gateway_attachment_sync_states[0].attachment_id` (Terraform).
        Kind::Firewall(f)
            if f.transit_gateway.is_some()
                && (attr == "TransitGatewayAttachmentId" || attr == "firewall_status") =>
        {
            AttachmentKind::Firewall
        }
        _ => {
            return Err(Undecided::new(
                format!(
                    "{}.{attr} is not a transit gateway attachment vpclint models",
                    graph.get(id).address
                ),
                prop.span,
            ))
        }
    };
    Ok(Attachment { id, kind })
}

/// The route table a table-id property names: a table of the code, or a gateway's
/// `association_default_route_table_id` / `propagation_default_route_table_id`.
///
/// # Errors
/// Why it is not known.
pub fn table_of(graph: &Graph, prop: &RefProp) -> Result<TgwTable, Undecided> {
    let Val::Ref(id, attr) = &prop.val else {
        return Err(unfollowed(
            graph,
            prop,
            "the transit gateway route table is not known",
        ));
    };
    match &graph.get(*id).kind {
        Kind::TgwRouteTable(_) => Ok(TgwTable::Resource(*id)),
        Kind::TransitGateway(_)
            if attr == "association_default_route_table_id"
                || attr == "propagation_default_route_table_id" =>
        {
            Ok(TgwTable::Default(*id))
        }
        _ => Err(Undecided::new(
            format!(
                "{}.{attr} is not a transit gateway route table vpclint models",
                graph.get(*id).address
            ),
            prop.span,
        )),
    }
}

/// The transit gateway a table belongs to.
///
/// # Errors
/// Why it is not known.
pub fn gateway_of_table(graph: &Graph, table: TgwTable) -> Result<ResourceId, Undecided> {
    match table {
        TgwTable::Default(tgw) => Ok(tgw),
        TgwTable::Resource(id) => match &graph.get(id).kind {
            Kind::TgwRouteTable(t) => t.transit_gateway.target().ok_or_else(|| {
                unfollowed(
                    graph,
                    &t.transit_gateway,
                    &format!(
                        "the transit gateway of {} is not known",
                        graph.get(id).address
                    ),
                )
            }),
            _ => Err(Undecided::new("not a route table", graph.get(id).span)),
        },
    }
}

/// The transit gateway an attachment is on (the requester's gateway for a peering
/// attachment).
#[must_use]
pub fn gateways_of(graph: &Graph, attachment: ResourceId) -> Vec<&RefProp> {
    match &graph.get(attachment).kind {
        Kind::TransitGatewayVpcAttachment(a) => vec![&a.transit_gateway],
        Kind::TgwPeeringAttachment(p) => vec![&p.transit_gateway, &p.peer_transit_gateway],
        Kind::VpnConnection(c) => c.transit_gateway.iter().collect(),
        Kind::DxGatewayAssociation(a) => vec![&a.associated_gateway],
        Kind::Firewall(f) => f.transit_gateway.iter().collect(),
        _ => Vec::new(),
    }
}

impl TransitIndex {
    #[allow(clippy::too_many_lines)]
    pub(super) fn build(graph: &Graph) -> Self {
        let mut ix = TransitIndex::default();
        let uncertain = |id: ResourceId| {
            let r = graph.get(id);
            r.uncertain
                .as_ref()
                .map(|reason| Undecided::new(format!("{}: {reason}", r.address), r.span))
        };
        for (id, r) in graph.iter() {
            match &r.kind {
                Kind::TransitGatewayVpcAttachment(a) => {
                    if let (Some(tgw), Some(vpc)) = (a.transit_gateway.target(), a.vpc.target()) {
                        ix.vpc_attachments.entry((tgw, vpc)).or_default().push(id);
                        ix.attachments.entry(tgw).or_default().push(Attachment {
                            id,
                            kind: AttachmentKind::Vpc(vpc),
                        });
                    }
                }
                Kind::TgwPeeringAttachment(p) => {
                    let sides = (p.transit_gateway.target(), p.peer_transit_gateway.target());
                    for tgw in [sides.0, sides.1].into_iter().flatten() {
                        ix.attachments.entry(tgw).or_default().push(Attachment {
                            id,
                            kind: AttachmentKind::Peering,
                        });
                    }
                    if let (Some(a), Some(b)) = sides {
                        ix.peers.entry(a).or_default().push(b);
                        ix.peers.entry(b).or_default().push(a);
                    } else {
                        {
                            let unknown = if sides.0.is_none() {
                                &p.transit_gateway
                            } else {
                                &p.peer_transit_gateway
                            };
                            ix.floating.peerings.push(unfollowed(
                                graph,
                                unknown,
                                &format!("a transit gateway {} peers is not known", r.address),
                            ));
                        }
                    }
                }
                Kind::VpnConnection(c) => {
                    if let Some(tgw) = c.transit_gateway.as_ref().and_then(Prop::target) {
                        ix.attachments.entry(tgw).or_default().push(Attachment {
                            id,
                            kind: AttachmentKind::Vpn,
                        });
                    }
                }
                Kind::DxGatewayAssociation(a) => {
                    if let Some(tgw) = a.associated_gateway.target() {
                        if matches!(graph.get(tgw).kind, Kind::TransitGateway(_)) {
                            ix.attachments.entry(tgw).or_default().push(Attachment {
                                id,
                                kind: AttachmentKind::DirectConnect,
                            });
                        }
                    }
                }
                Kind::Firewall(f) => {
                    if let Some(tgw) = f.transit_gateway.as_ref().and_then(Prop::target) {
                        ix.attachments.entry(tgw).or_default().push(Attachment {
                            id,
                            kind: AttachmentKind::Firewall,
                        });
                    }
                }
                Kind::TgwAttachmentAccepter(a) => match a.attachment.target() {
                    Some(att) => ix.accepters.entry(att).or_default().push(id),
                    None => ix.floating.accepters.push(unfollowed(
                        graph,
                        &a.attachment,
                        &format!("the attachment {} accepts is not known", r.address),
                    )),
                },
                Kind::TgwAssociation(link) => {
                    let table = table_of(graph, &link.route_table);
                    match (attachment_of(graph, &link.attachment), uncertain(id)) {
                        (Ok(att), None) => {
                            ix.associations.entry(att.id).or_default().push((id, table));
                        }
                        (Ok(_), Some(why)) | (Err(why), _) => ix.floating.associations.push((
                            table.ok(),
                            why.context(format!("the attachment {} associates", r.address)),
                        )),
                    }
                }
                Kind::TgwPropagation(link) => {
                    let table = table_of(graph, &link.route_table);
                    let att = attachment_of(graph, &link.attachment);
                    match (table, att, uncertain(id)) {
                        (Ok(table), Ok(att), None) => {
                            ix.propagations.entry(table).or_default().push((id, att));
                        }
                        (table, att, why) => {
                            let why = why
                                .or_else(|| att.err())
                                .or_else(|| table.as_ref().err().cloned())
                                .expect("one of them is not known");
                            ix.floating.propagations.push((
                                table.ok(),
                                why.context(format!("what {} propagates", r.address)),
                            ));
                        }
                    }
                }
                Kind::TgwRoute(route) => match (table_of(graph, &route.route_table), uncertain(id))
                {
                    (Ok(table), None) => ix.routes.entry(table).or_default().push(id),
                    (Ok(table), Some(why)) => ix.floating.routes.push((Some(table), why)),
                    (Err(why), _) => ix
                        .floating
                        .routes
                        .push((None, why.context(format!("the table {} is in", r.address)))),
                },
                Kind::TgwDefaultTable(d) => {
                    let table = table_of(graph, &d.route_table);
                    match (d.transit_gateway.target(), uncertain(id)) {
                        (Some(tgw), None) => {
                            let map = if d.propagation {
                                &mut ix.default_propagation
                            } else {
                                &mut ix.default_association
                            };
                            map.entry(tgw).or_insert((id, table));
                        }
                        (Some(_), Some(why)) => ix.floating.defaults.push(why),
                        (None, _) => ix.floating.defaults.push(unfollowed(
                            graph,
                            &d.transit_gateway,
                            &format!("the transit gateway {} repoints is not known", r.address),
                        )),
                    }
                }
                Kind::TransitGateway(t) => {
                    for (prop, propagation) in [
                        (&t.association_default_table, false),
                        (&t.propagation_default_table, true),
                    ] {
                        if let Some(p) = prop {
                            let map = if propagation {
                                &mut ix.default_propagation
                            } else {
                                &mut ix.default_association
                            };
                            map.entry(id).or_insert((id, table_of(graph, p)));
                        }
                    }
                }
                _ => {}
            }
        }
        ix
    }
}
