//! Reverse edges of the graph, built once per unit (what refers to what), and what could not
//! be linked because a reference in it is not known.

use std::collections::HashMap;

use super::{Graph, Kind, Prop, ResourceId, TransitIndex, Undecided};
use crate::source::Span;

/// Reverse edges of the graph, built once per run: what refers to what.
#[derive(Debug, Default)]
pub struct Index {
    /// Subnet → its explicit route table.
    pub subnet_route_table: HashMap<ResourceId, (ResourceId, Span)>,
    /// Subnet or VPC → why its route table is not known: an association (explicit or main)
    /// that may not exist, or whose table is not known.
    pub uncertain_route_table: HashMap<ResourceId, Undecided>,
    /// VPC → its main route table (explicitly managed).
    pub vpc_main_route_table: HashMap<ResourceId, ResourceId>,
    /// Route table → routes declared as resources (`aws_route`, `AWS::EC2::Route`).
    pub table_routes: HashMap<ResourceId, Vec<ResourceId>>,
    /// Route table → virtual private gateways propagating into it.
    pub table_propagations: HashMap<ResourceId, Vec<(ResourceId, Span)>>,
    /// VPC → secondary CIDR blocks.
    pub vpc_cidr_blocks: HashMap<ResourceId, Vec<ResourceId>>,
    /// Virtual private gateway → VPN connections.
    pub vgw_connections: HashMap<ResourceId, Vec<ResourceId>>,
    /// VPN connection → static routes declared as resources.
    pub connection_routes: HashMap<ResourceId, Vec<ResourceId>>,
    /// Gateway (VGW or TGW) → Direct Connect gateway associations.
    pub gateway_dx: HashMap<ResourceId, Vec<ResourceId>>,
    /// VGW → VPCs it is attached to.
    pub vgw_vpcs: HashMap<ResourceId, Vec<ResourceId>>,
    /// Security group → ingress rules declared as resources.
    pub group_ingress: HashMap<ResourceId, Vec<ResourceId>>,
    /// VPC → its default security group, when the code manages it.
    pub vpc_default_security_group: HashMap<ResourceId, ResourceId>,
    /// Endpoint → subnet and security-group associations declared as resources.
    pub endpoint_associations: HashMap<ResourceId, Vec<ResourceId>>,
    /// Transit gateway → the VPCs attached to it.
    pub tgw_vpcs: HashMap<ResourceId, Vec<ResourceId>>,
    /// VPC → its subnets, in declaration order.
    pub vpc_subnets: HashMap<ResourceId, Vec<ResourceId>>,
    /// Load balancer → its listeners.
    pub lb_listeners: HashMap<ResourceId, Vec<ResourceId>>,
    /// Transit gateway route tables, associations, propagations and attachments.
    pub transit: TransitIndex,
    /// Cloud WAN attachments, policies and accepters.
    pub cloudwan: super::cloudwan::CloudWanIndex,
    /// What could not be linked, because a reference in it is not known.
    pub floating: Floating,
}

/// Elements whose link to the rest of the graph is not known (`route_table_id =
/// var.table`): each could attach anywhere, so whatever it could change is Unknown, with
/// its reason. Nothing is dropped because its reference could not be followed.
#[derive(Debug, Default)]
pub struct Floating {
    /// Route resources whose route table is not known: any table may hold them.
    pub routes: Vec<Undecided>,
    /// Subnet associations whose subnet is not known, with their table when known: a
    /// subnet without a known association may use that table.
    pub associations: Vec<(Option<ResourceId>, Undecided)>,
    /// Main-table associations whose VPC is not known.
    pub main_associations: Vec<Undecided>,
    /// Gateway route propagations whose table or gateway is not known, VPN connections
    /// whose gateway is not known and VPN routes whose connection is not known: any table
    /// may have routes from them.
    pub propagations: Vec<Undecided>,
    /// Secondary CIDR blocks whose VPC is not known: any VPC may have them.
    pub cidr_blocks: Vec<Undecided>,
    /// Transit gateway attachments whose transit gateway or VPC is not known, with the
    /// one that is.
    pub tgw_attachments: Vec<(Option<ResourceId>, Option<ResourceId>, Undecided)>,
    /// Subnets whose VPC is not known.
    pub subnets: Vec<(ResourceId, Undecided)>,
    /// Ingress rules (resources) whose security group is not known.
    pub ingress: Vec<ResourceId>,
    /// Endpoint associations whose endpoint is not known.
    pub endpoint_associations: Vec<ResourceId>,
    /// Load balancer listeners whose load balancer is not known: any endpoint service's
    /// load balancer may listen on their port.
    pub listeners: Vec<Undecided>,
}

impl Floating {
    /// Why a route table's routes are not all known, whatever the table.
    #[must_use]
    pub fn routes_unknown(&self) -> Option<&Undecided> {
        self.routes
            .first()
            .or_else(|| self.propagations.first())
            .or_else(|| self.cidr_blocks.first())
    }
}

/// Why a reference property is not followed: its Unknown reason, or a literal id.
pub(super) fn unfollowed(graph: &Graph, p: &Prop<()>, what: &str) -> Undecided {
    p.undecided(graph)
        .unwrap_or_else(|| Undecided::new("a literal id of a resource outside the code", p.span))
        .context(what)
}

impl Index {
    pub(super) fn build(graph: &Graph) -> Self {
        let mut ix = Index {
            transit: TransitIndex::build(graph),
            cloudwan: super::cloudwan::CloudWanIndex::build(graph),
            ..Index::default()
        };
        for (id, r) in graph.iter() {
            match &r.kind {
                Kind::RouteTableAssociation(a) => {
                    let table = a.route_table.target();
                    match a.subnet.as_ref().map(|s| (s, s.target())) {
                        // A gateway association (`gateway_id`): no subnet.
                        None => {}
                        Some((_, Some(subnet))) => match (&r.uncertain, table) {
                            (Some(reason), _) => {
                                ix.uncertain_route_table.insert(
                                    subnet,
                                    Undecided::new(format!("{}: {reason}", r.address), r.span),
                                );
                            }
                            (None, Some(table)) => {
                                ix.subnet_route_table
                                    .entry(subnet)
                                    .or_insert((table, r.span));
                            }
                            (None, None) => {
                                ix.uncertain_route_table.insert(
                                    subnet,
                                    unfollowed(
                                        graph,
                                        &a.route_table,
                                        &format!("the table {} associates is not known", r.address),
                                    ),
                                );
                            }
                        },
                        Some((p, None)) => ix.floating.associations.push((
                            table,
                            unfollowed(
                                graph,
                                p,
                                &format!("the subnet {} associates is not known", r.address),
                            ),
                        )),
                    }
                }
                Kind::MainRouteTableAssociation(a) => {
                    match (a.vpc.target(), a.route_table.target()) {
                        (Some(vpc), _) if r.uncertain.is_some() => {
                            let reason = r.uncertain.as_deref().unwrap_or_default();
                            ix.uncertain_route_table.insert(
                                vpc,
                                Undecided::new(format!("{}: {reason}", r.address), r.span),
                            );
                        }
                        (Some(vpc), Some(table)) => {
                            ix.vpc_main_route_table.insert(vpc, table);
                        }
                        (Some(vpc), None) => {
                            ix.uncertain_route_table.insert(
                                vpc,
                                unfollowed(
                                    graph,
                                    &a.route_table,
                                    &format!("the main table {} sets is not known", r.address),
                                ),
                            );
                        }
                        (None, _) => ix.floating.main_associations.push(unfollowed(
                            graph,
                            &a.vpc,
                            &format!("the VPC {} sets the main table of is not known", r.address),
                        )),
                    }
                }
                Kind::RouteTable(t) => {
                    match t.main_of_vpc.as_ref().map(|p| (p, p.target())) {
                        None => {}
                        Some((_, Some(vpc))) => {
                            if let Some(reason) = &r.uncertain {
                                ix.uncertain_route_table.insert(
                                    vpc,
                                    Undecided::new(format!("{}: {reason}", r.address), r.span),
                                );
                            } else {
                                ix.vpc_main_route_table.entry(vpc).or_insert(id);
                            }
                        }
                        Some((p, None)) => ix.floating.main_associations.push(unfollowed(
                            graph,
                            p,
                            &format!("the VPC {} is the default table of is not known", r.address),
                        )),
                    }
                    for vgw in &t.propagating_vgws {
                        match vgw.target() {
                            Some(target) => ix
                                .table_propagations
                                .entry(id)
                                .or_default()
                                .push((target, vgw.span)),
                            None => ix.floating.propagations.push(unfollowed(
                                graph,
                                vgw,
                                &format!("a gateway propagating into {} is not known", r.address),
                            )),
                        }
                    }
                }
                Kind::Route(route) => match route.route_table.target() {
                    Some(table) => ix.table_routes.entry(table).or_default().push(id),
                    None => ix.floating.routes.push(unfollowed(
                        graph,
                        &route.route_table,
                        &format!("the table {} is in is not known", r.address),
                    )),
                },
                Kind::VgwRoutePropagation(p) => {
                    let vgw = p.vpn_gateway.target();
                    if vgw.is_none() {
                        ix.floating.propagations.push(unfollowed(
                            graph,
                            &p.vpn_gateway,
                            &format!("the gateway {} propagates is not known", r.address),
                        ));
                    }
                    for table in &p.route_tables {
                        match (vgw, table.target()) {
                            (Some(vgw), Some(table)) => ix
                                .table_propagations
                                .entry(table)
                                .or_default()
                                .push((vgw, r.span)),
                            (_, None) => ix.floating.propagations.push(unfollowed(
                                graph,
                                table,
                                &format!("a table {} propagates into is not known", r.address),
                            )),
                            (None, Some(_)) => {}
                        }
                    }
                }
                Kind::VpcCidrBlock(b) => match b.vpc.target() {
                    Some(vpc) => ix.vpc_cidr_blocks.entry(vpc).or_default().push(id),
                    None => ix.floating.cidr_blocks.push(unfollowed(
                        graph,
                        &b.vpc,
                        &format!("the VPC {} adds a CIDR to is not known", r.address),
                    )),
                },
                Kind::VpnConnection(c) => match c.vpn_gateway.as_ref().map(|g| (g, g.target())) {
                    Some((_, Some(vgw))) => ix.vgw_connections.entry(vgw).or_default().push(id),
                    Some((g, None)) => ix.floating.propagations.push(unfollowed(
                        graph,
                        g,
                        &format!("the gateway of {} is not known", r.address),
                    )),
                    None => {}
                },
                Kind::VpnConnectionRoute(route) => match route.connection.target() {
                    Some(conn) => ix.connection_routes.entry(conn).or_default().push(id),
                    None => ix.floating.propagations.push(unfollowed(
                        graph,
                        &route.connection,
                        &format!("the VPN connection of {} is not known", r.address),
                    )),
                },
                Kind::DxGatewayAssociation(a) => {
                    if let Some(gw) = a.associated_gateway.target() {
                        ix.gateway_dx.entry(gw).or_default().push(id);
                    }
                }
                Kind::VpnGateway(g) => {
                    if let Some(vpc) = g.vpc.as_ref().and_then(Prop::target) {
                        ix.vgw_vpcs.entry(id).or_default().push(vpc);
                    }
                }
                Kind::TransitGatewayVpcAttachment(a) => {
                    match (a.transit_gateway.target(), a.vpc.target()) {
                        (Some(tgw), Some(vpc)) => ix.tgw_vpcs.entry(tgw).or_default().push(vpc),
                        (tgw, vpc) => {
                            let unknown = if tgw.is_none() {
                                &a.transit_gateway
                            } else {
                                &a.vpc
                            };
                            ix.floating.tgw_attachments.push((
                                tgw,
                                vpc,
                                unfollowed(
                                    graph,
                                    unknown,
                                    &format!("what {} attaches is not known", r.address),
                                ),
                            ));
                        }
                    }
                }
                Kind::Subnet(s) => match s.vpc.target() {
                    Some(vpc) => ix.vpc_subnets.entry(vpc).or_default().push(id),
                    None => ix.floating.subnets.push((
                        id,
                        unfollowed(
                            graph,
                            &s.vpc,
                            &format!("the VPC of {} is not known", r.address),
                        ),
                    )),
                },
                Kind::SecurityGroupIngress(i) => match i.group.target() {
                    Some(group) => ix.group_ingress.entry(group).or_default().push(id),
                    None => ix.floating.ingress.push(id),
                },
                Kind::SecurityGroup(g) => {
                    if let Some(vpc) = g.default_of_vpc.as_ref().and_then(Prop::target) {
                        ix.vpc_default_security_group.insert(vpc, id);
                    }
                }
                Kind::EndpointAssociation(a) => match a.endpoint.target() {
                    Some(endpoint) => ix
                        .endpoint_associations
                        .entry(endpoint)
                        .or_default()
                        .push(id),
                    None => ix.floating.endpoint_associations.push(id),
                },
                Kind::VpnGatewayAttachment(a) => {
                    if let (Some(vgw), Some(vpc)) = (a.vpn_gateway.target(), a.vpc.target()) {
                        ix.vgw_vpcs.entry(vgw).or_default().push(vpc);
                    }
                }
                Kind::LbListener(l) => match l.load_balancer.target() {
                    Some(lb) => ix.lb_listeners.entry(lb).or_default().push(id),
                    None => ix.floating.listeners.push(unfollowed(
                        graph,
                        &l.load_balancer,
                        &format!("the load balancer of {} is not known", r.address),
                    )),
                },
                _ => {}
            }
        }
        ix
    }
}
