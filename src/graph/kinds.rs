//! How each kind of the model is drawn: as a node (with its container, details and the
//! edges it starts), as edges between other resources (associations, attachments, routes),
//! or folded into another resource's node (a secondary CIDR block, an ingress rule).
//!
//! This is the one place that knows the model's kinds. A kind added to the model appears
//! without code here: as a generic node (the `_` arm of [`shape`]) in the VPC it references,
//! with an edge to each other resource it references (the model's property visitor,
//! `model::visit`, lists every kind's properties); a line in that match gives it a style,
//! details, or makes it an edge.

use std::fmt::Display;

use super::{EdgeKind, NodeKind};
use crate::model::visit::VisitProps;
use crate::model::{
    transit, AttachmentKind, ComputeKind, Graph, Kind, ListProp, Prop, RefProp, ResourceId, SymStr,
    TargetKind, TgwTable, Val,
};
use crate::rules::instance_types;

/// How one resource is drawn.
pub(super) enum Shape {
    Node(NodeShape),
    /// Edges between other resources, each `(from, to, kind, label)`; the resource is the
    /// edges' identity (a finding that names it highlights them).
    Edges(Vec<(ResourceId, Link)>),
    /// Folded into the nodes of these resources, with a line for their details.
    Member {
        of: Vec<ResourceId>,
        detail: Option<String>,
    },
    /// Not drawn: a resource vpclint does not model.
    Hidden,
}

pub(super) struct NodeShape {
    pub kind: NodeKind,
    /// The VPC the node sits in, or a subnet (its VPC is meant).
    pub within: Option<ResourceId>,
    pub details: Vec<String>,
    pub links: Vec<Link>,
}

/// An edge to draw from the resource to `to`.
pub(super) struct Link {
    pub to: ResourceId,
    pub kind: EdgeKind,
    pub label: Option<String>,
}

fn link(to: Option<ResourceId>, kind: EdgeKind, label: Option<String>) -> Option<Link> {
    to.map(|to| Link { to, kind, label })
}

fn node(kind: NodeKind, within: Option<ResourceId>, details: Vec<String>) -> NodeShape {
    NodeShape {
        kind,
        within,
        details,
        links: Vec::new(),
    }
}

/// A property for people: the value, the resource it comes from, or `?` with the reason.
fn show<T: Display>(graph: &Graph, prop: &Prop<T>) -> String {
    match &prop.val {
        Val::Known(v) => v.to_string(),
        Val::Ref(id, _) => format!("from {}", graph.get(*id).address),
        Val::Unknown(reason) => format!("? ({})", shorten(reason, 40)),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn targets(list: Option<&ListProp<()>>) -> Vec<ResourceId> {
    list.and_then(Prop::known_value)
        .map(|items| items.iter().filter_map(Prop::target).collect())
        .unwrap_or_default()
}

fn target(prop: Option<&RefProp>) -> Option<ResourceId> {
    prop.and_then(Prop::target)
}

/// A route as a line of its table: `10.0.0.0/16 → pcx a_b`.
fn route_line(graph: &Graph, route: &crate::model::Route) -> String {
    let to = match (&route.target.kind, &route.target.target.val) {
        (TargetKind::Local, _) => "local".to_owned(),
        (_, Val::Ref(id, _)) => graph.get(*id).address.clone(),
        (kind, Val::Known(())) => format!("{kind:?} (literal id)"),
        (_, Val::Unknown(reason)) => format!("? ({})", shorten(reason, 30)),
    };
    format!("{} → {to}", show(graph, &route.destination))
}

/// Types and their hypervisor: `m4.large · Xen`.
fn instance_types(graph: &Graph, types: &[Prop<String>]) -> Vec<String> {
    types
        .iter()
        .map(|t| match t.known_value() {
            Some(name) => match instance_types::classify(name) {
                Some(c) => format!("{name} · {}", c.hypervisor),
                None => name.clone(),
            },
            None => show(graph, t),
        })
        .collect()
}

/// The last dotted part of an endpoint service name: `kinesis-streams`.
fn service(graph: &Graph, name: &Prop<SymStr>) -> String {
    match name.known_value().map(ToString::to_string) {
        Some(n) => {
            let parts: Vec<&str> = n.split('.').collect();
            match parts.as_slice() {
                ["com", "amazonaws", _region, rest @ ..] if !rest.is_empty() => rest.join("."),
                _ => n,
            }
        }
        None => show(graph, name),
    }
}

fn flag(graph: &Graph, name: &str, prop: Option<&Prop<bool>>) -> Option<String> {
    prop.map(|p| format!("{name}: {}", show(graph, p)))
}

/// How the resource `id` is drawn.
pub(super) fn shape(graph: &Graph, id: ResourceId) -> Shape {
    let r = graph.get(id);
    let g = graph;
    match &r.kind {
        Kind::Vpc(v) => {
            let mut details: Vec<String> = v.cidr.iter().map(|c| show(g, c)).collect();
            let dns = [
                flag(g, "DNS support", v.dns_support.as_ref()),
                flag(g, "DNS hostnames", v.dns_hostnames.as_ref()),
            ];
            details.extend(dns.into_iter().flatten());
            if v.default_vpc {
                details.push("default VPC".to_owned());
            }
            Shape::Node(node(NodeKind::Vpc, None, details))
        }
        Kind::VpcCidrBlock(b) => Shape::Member {
            of: target(Some(&b.vpc)).into_iter().collect(),
            detail: b.cidr.as_ref().map(|c| format!("+ {}", show(g, c))),
        },
        Kind::Subnet(s) => {
            let mut details: Vec<String> = s.cidr.iter().map(|c| show(g, c)).collect();
            details.extend(s.availability_zone.iter().map(|z| show(g, z)));
            if s.ipv6_native.as_ref().and_then(Prop::known_value) == Some(&true) {
                details.push("IPv6-only".to_owned());
            }
            Shape::Node(node(NodeKind::Subnet, target(Some(&s.vpc)), details))
        }
        Kind::RouteTable(t) => {
            let mut shape = node(NodeKind::RouteTable, target(Some(&t.vpc)), Vec::new());
            if t.main_of_vpc.is_some() {
                shape.details.push("main table".to_owned());
            }
            for route in &t.routes {
                shape.details.push(route_line(g, route));
                shape.links.extend(link(
                    route.target.target.target(),
                    EdgeKind::Route,
                    Some(show(g, &route.destination)),
                ));
            }
            for vgw in &t.propagating_vgws {
                shape.links.extend(link(
                    vgw.target(),
                    EdgeKind::Propagation,
                    Some("propagated".to_owned()),
                ));
            }
            Shape::Node(shape)
        }
        Kind::Route(route) => {
            let Some(table) = route.route_table.target() else {
                return Shape::Hidden;
            };
            match route.route.target.target.target() {
                Some(to) => Shape::Edges(vec![(
                    table,
                    Link {
                        to,
                        kind: EdgeKind::Route,
                        label: Some(show(g, &route.route.destination)),
                    },
                )]),
                None => Shape::Member {
                    of: vec![table],
                    detail: Some(route_line(g, &route.route)),
                },
            }
        }
        Kind::RouteTableAssociation(a) => match (target(a.subnet.as_ref()), a.route_table.target())
        {
            (Some(subnet), Some(table)) => Shape::Edges(vec![(
                subnet,
                Link {
                    to: table,
                    kind: EdgeKind::Association,
                    label: None,
                },
            )]),
            (_, table) => Shape::Member {
                of: table.into_iter().collect(),
                detail: None,
            },
        },
        Kind::MainRouteTableAssociation(a) => Shape::Member {
            of: a.route_table.target().into_iter().collect(),
            detail: Some(format!("main table of {}", show_ref(g, &a.vpc))),
        },
        Kind::Peering(p) => {
            let mut details = Vec::new();
            match (&p.peer_region, p.inter_region_assumed) {
                (Some(region), true) => {
                    details.push(format!("to {} (assumed inter-region)", show(g, region)));
                }
                (Some(region), false) => details.push(format!("peer region {}", show(g, region))),
                (None, _) => details.push("same region".to_owned()),
            }
            let mut shape = node(NodeKind::Peering, None, details);
            shape.links.extend(link(
                p.vpc.target(),
                EdgeKind::Peering,
                Some("requester".to_owned()),
            ));
            shape.links.extend(link(
                p.peer_vpc.target(),
                EdgeKind::Peering,
                Some("accepter".to_owned()),
            ));
            Shape::Node(shape)
        }
        Kind::PeeringAccepter(a) => Shape::Member {
            of: a.peering.target().into_iter().collect(),
            detail: None,
        },
        Kind::PeeringOptions(o) => Shape::Member {
            of: o.peering.target().into_iter().collect(),
            detail: None,
        },
        Kind::VpnGateway(v) => Shape::Node(node(
            NodeKind::VpnGateway,
            target(v.vpc.as_ref()),
            Vec::new(),
        )),
        Kind::VpnGatewayAttachment(a) => Shape::Edges(
            a.vpn_gateway
                .target()
                .zip(a.vpc.target())
                .map(|(vgw, vpc)| {
                    (
                        vgw,
                        Link {
                            to: vpc,
                            kind: EdgeKind::Attachment,
                            label: None,
                        },
                    )
                })
                .into_iter()
                .collect(),
        ),
        Kind::VgwRoutePropagation(p) => Shape::Edges(
            p.route_tables
                .iter()
                .filter_map(Prop::target)
                .filter_map(|table| {
                    Some((
                        p.vpn_gateway.target()?,
                        Link {
                            to: table,
                            kind: EdgeKind::Propagation,
                            label: Some("propagated".to_owned()),
                        },
                    ))
                })
                .collect(),
        ),
        Kind::VpnConnection(c) => {
            let mut details: Vec<String> = Vec::new();
            if let Some(s) = &c.static_routes_only {
                details.push(format!("static routes only: {}", show(g, s)));
            }
            details.extend(
                c.static_routes
                    .iter()
                    .map(|r| format!("static {}", show(g, r))),
            );
            let mut shape = node(NodeKind::VpnConnection, None, details);
            shape
                .links
                .extend(link(target(c.vpn_gateway.as_ref()), EdgeKind::Vpn, None));
            shape.links.extend(link(
                target(c.transit_gateway.as_ref()),
                EdgeKind::Vpn,
                None,
            ));
            shape.links.extend(link(
                target(c.customer_gateway.as_ref()),
                EdgeKind::Vpn,
                None,
            ));
            Shape::Node(shape)
        }
        Kind::VpnConnectionRoute(route) => Shape::Member {
            of: route.connection.target().into_iter().collect(),
            detail: Some(format!("static {}", show(g, &route.destination))),
        },
        Kind::TransitGatewayVpcAttachment(a) => Shape::Edges(
            a.vpc
                .target()
                .zip(a.transit_gateway.target())
                .map(|(vpc, tgw)| {
                    (
                        vpc,
                        Link {
                            to: tgw,
                            kind: EdgeKind::Attachment,
                            label: a
                                .dns_support
                                .as_ref()
                                .map(|d| format!("DNS {}", show(g, d))),
                        },
                    )
                })
                .into_iter()
                .collect(),
        ),
        Kind::TransitGateway(t) => {
            let details = [
                ("default association", &t.default_association),
                ("default propagation", &t.default_propagation),
            ]
            .into_iter()
            .filter_map(|(name, p)| p.as_ref().map(|p| format!("{name}: {}", show(g, p))))
            .collect();
            Shape::Node(node(NodeKind::TransitGateway, None, details))
        }
        Kind::TgwPeeringAttachment(p) => {
            let details = p
                .peer_region
                .iter()
                .map(|r| format!("peer region {}", show(g, r)))
                .collect();
            let mut shape = node(NodeKind::Peering, None, details);
            shape
                .links
                .extend(link(p.transit_gateway.target(), EdgeKind::Peering, None));
            shape.links.extend(link(
                p.peer_transit_gateway.target(),
                EdgeKind::Peering,
                None,
            ));
            Shape::Node(shape)
        }
        Kind::TgwAttachmentAccepter(a) => Shape::Member {
            of: a.attachment.target().into_iter().collect(),
            detail: Some("accepted".to_owned()),
        },
        Kind::TgwRouteTable(t) => {
            let mut shape = node(
                NodeKind::RouteTable,
                None,
                vec!["transit gateway".to_owned()],
            );
            shape
                .links
                .extend(link(t.transit_gateway.target(), EdgeKind::Attachment, None));
            Shape::Node(shape)
        }
        Kind::TgwAssociation(l) | Kind::TgwPropagation(l) => {
            let kind = if matches!(r.kind, Kind::TgwAssociation(_)) {
                EdgeKind::Association
            } else {
                EdgeKind::Propagation
            };
            Shape::Edges(
                attachment_end(g, &l.attachment)
                    .zip(transit::table_of(g, &l.route_table).ok())
                    .map(|(from, table)| {
                        (
                            from,
                            Link {
                                to: table.resource(),
                                kind,
                                label: None,
                            },
                        )
                    })
                    .into_iter()
                    .collect(),
            )
        }
        Kind::TgwRoute(route) => {
            let table = transit::table_of(g, &route.route_table).ok();
            let blackhole = route
                .blackhole
                .as_ref()
                .and_then(|b| b.known_value().copied())
                == Some(true);
            let to = if blackhole {
                table.map(TgwTable::resource)
            } else {
                route.attachment.as_ref().and_then(|a| attachment_end(g, a))
            };
            let label = if blackhole {
                format!("{} blackhole", show(g, &route.destination))
            } else {
                show(g, &route.destination)
            };
            Shape::Edges(
                table
                    .zip(to)
                    .map(|(table, to)| {
                        (
                            table.resource(),
                            Link {
                                to,
                                kind: EdgeKind::Route,
                                label: Some(label),
                            },
                        )
                    })
                    .into_iter()
                    .collect(),
            )
        }
        Kind::TgwDefaultTable(d) => Shape::Member {
            of: d.transit_gateway.target().into_iter().collect(),
            detail: Some(format!(
                "default {} table: {}",
                if d.propagation {
                    "propagation"
                } else {
                    "association"
                },
                show_ref(g, &d.route_table)
            )),
        },
        Kind::Firewall(f) => {
            let subnets = targets(f.subnets.as_ref());
            let within = subnets.first().copied().or(target(f.vpc.as_ref()));
            let mut shape = node(
                NodeKind::Endpoint,
                within,
                vec!["network firewall".to_owned()],
            );
            shape.links.extend(link(
                target(f.transit_gateway.as_ref()),
                EdgeKind::Attachment,
                None,
            ));
            Shape::Node(shape)
        }
        Kind::CoreNetwork(c) => Shape::Node(node(
            NodeKind::TransitGateway,
            None,
            vec![match c.policy.as_ref().map(|p| &p.val) {
                Some(Val::Known(p)) => format!("Cloud WAN, {} segments", p.segments.len()),
                _ => "Cloud WAN".to_owned(),
            }],
        )),
        Kind::CorePolicyAttachment(p) => Shape::Member {
            of: p.core_network.target().into_iter().collect(),
            detail: Some(match &p.policy.val {
                Val::Known(policy) => format!("policy: {} segments", policy.segments.len()),
                Val::Unknown(reason) => format!("policy: ? ({})", shorten(reason, 40)),
                Val::Ref(..) => "policy".to_owned(),
            }),
        },
        Kind::CloudWanAttachment(a) => Shape::Edges(
            a.vpc
                .target()
                .zip(crate::model::cloudwan::core_of(g, &a.core_network))
                .map(|(vpc, core)| {
                    (
                        vpc,
                        Link {
                            to: core,
                            kind: EdgeKind::Attachment,
                            label: None,
                        },
                    )
                })
                .into_iter()
                .collect(),
        ),
        Kind::CloudWanAccepter(a) => Shape::Member {
            of: a.attachment.target().into_iter().collect(),
            detail: Some("accepted".to_owned()),
        },
        Kind::EndpointService(e) => {
            let mut shape = node(
                NodeKind::Endpoint,
                None,
                vec!["endpoint service".to_owned()],
            );
            for lb in targets(e.load_balancers.as_ref()) {
                shape.links.push(Link {
                    to: lb,
                    kind: EdgeKind::Link,
                    label: Some("load balancer".to_owned()),
                });
            }
            Shape::Node(shape)
        }
        Kind::LbListener(l) => Shape::Member {
            of: l.load_balancer.target().into_iter().collect(),
            detail: l
                .port
                .as_ref()
                .map(|p| format!("listener port {}", show(g, p))),
        },
        Kind::DxGatewayAssociation(a) => Shape::Edges(
            a.dx_gateway
                .target()
                .zip(a.associated_gateway.target())
                .map(|(dx, gw)| {
                    (
                        dx,
                        Link {
                            to: gw,
                            kind: EdgeKind::Attachment,
                            label: None,
                        },
                    )
                })
                .into_iter()
                .collect(),
        ),
        Kind::Compute(c) => {
            let mut details = vec![match c.kind {
                ComputeKind::Instance => "instance",
                ComputeKind::AutoScalingGroup => "auto scaling group",
                ComputeKind::EksNodeGroup => "EKS node group",
                ComputeKind::Fleet => "fleet",
                ComputeKind::Function => "function",
                ComputeKind::ContainerService => "ECS service",
            }
            .to_owned()];
            details.extend(instance_types(g, &c.instance_types));
            // Attached to network interfaces: drawn in their subnets.
            let subnets: Vec<ResourceId> = targets(c.subnets.as_ref())
                .into_iter()
                .map(|t| match &g.get(t).kind {
                    Kind::NetworkInterface(ni) => ni.subnet.target().unwrap_or(t),
                    _ => t,
                })
                .collect();
            let mut shape = node(NodeKind::Compute, subnets.first().copied(), details);
            for s in subnets {
                shape.links.push(Link {
                    to: s,
                    kind: EdgeKind::Uses,
                    label: None,
                });
            }
            shape
                .links
                .extend(link(target(c.template.as_ref()), EdgeKind::Template, None));
            Shape::Node(shape)
        }
        Kind::LaunchTemplate(t) => {
            let mut details = instance_types(g, &t.instance_types);
            if t.instance_requirements.is_some() {
                details.push("attribute-based types".to_owned());
            }
            let subnets = targets(t.subnets.as_ref());
            let mut shape = node(NodeKind::LaunchTemplate, subnets.first().copied(), details);
            for s in subnets {
                shape.links.push(Link {
                    to: s,
                    kind: EdgeKind::Uses,
                    label: None,
                });
            }
            Shape::Node(shape)
        }
        Kind::Endpoint(e) => {
            let mut details = vec![match &e.endpoint_type {
                Some(t) => show(g, t),
                None => "Gateway".to_owned(),
            }];
            details.extend(e.service_name.iter().map(|s| service(g, s)));
            details.extend(flag(g, "private DNS", e.private_dns.as_ref()));
            let mut shape = node(NodeKind::Endpoint, target(Some(&e.vpc)), details);
            for s in targets(e.subnets.as_ref()) {
                shape.links.push(Link {
                    to: s,
                    kind: EdgeKind::Uses,
                    label: None,
                });
            }
            for sg in targets(e.security_groups.as_ref()) {
                shape.links.push(Link {
                    to: sg,
                    kind: EdgeKind::Security,
                    label: None,
                });
            }
            Shape::Node(shape)
        }
        Kind::SecurityGroup(sg) => {
            let mut details = Vec::new();
            if sg.default_of_vpc.is_some() {
                details.push("default group".to_owned());
            }
            if !sg.ingress.is_empty() {
                let n = sg.ingress.len();
                details.push(format!("{n} ingress rule{}", if n == 1 { "" } else { "s" }));
            }
            let within = target(sg.vpc.as_ref()).or(target(sg.default_of_vpc.as_ref()));
            Shape::Node(node(NodeKind::SecurityGroup, within, details))
        }
        Kind::SecurityGroupIngress(i) => Shape::Member {
            of: i.group.target().into_iter().collect(),
            detail: Some("+ ingress rule".to_owned()),
        },
        Kind::EndpointAssociation(a) => {
            let Some(endpoint) = a.endpoint.target() else {
                return Shape::Hidden;
            };
            let mut links = Vec::new();
            links.extend(
                link(target(a.subnet.as_ref()), EdgeKind::Uses, None).map(|l| (endpoint, l)),
            );
            links.extend(
                link(target(a.security_group.as_ref()), EdgeKind::Security, None)
                    .map(|l| (endpoint, l)),
            );
            Shape::Edges(links)
        }
        Kind::DhcpOptions(d) => {
            let servers = d.domain_name_servers.as_ref();
            let details = servers
                .map(|s| match s.known_value() {
                    Some(items) => {
                        let names: Vec<String> = items.iter().map(|i| show(g, i)).collect();
                        format!("DNS servers {}", names.join(", "))
                    }
                    None => format!("DNS servers {}", show_list(g, s)),
                })
                .into_iter()
                .collect();
            let mut shape = node(NodeKind::Dns, None, details);
            // Name servers read from another resource (a directory's DNS addresses).
            shape.links.extend(link(
                servers.and_then(|s| match &s.val {
                    Val::Ref(id, _) => Some(*id),
                    _ => None,
                }),
                EdgeKind::Link,
                Some("DNS servers".to_owned()),
            ));
            Shape::Node(shape)
        }
        Kind::DhcpOptionsAssociation(a) => Shape::Edges(
            a.dhcp_options
                .target()
                .zip(a.vpc.target())
                .map(|(d, vpc)| {
                    (
                        d,
                        Link {
                            to: vpc,
                            kind: EdgeKind::Association,
                            label: None,
                        },
                    )
                })
                .into_iter()
                .collect(),
        ),
        Kind::ResolverEndpoint(e) => {
            let details = e.direction.iter().map(|d| show(g, d)).collect();
            let subnets: Vec<ResourceId> = e.subnets.iter().filter_map(Prop::target).collect();
            let mut shape = node(NodeKind::Dns, subnets.first().copied(), details);
            for s in subnets {
                shape.links.push(Link {
                    to: s,
                    kind: EdgeKind::Uses,
                    label: None,
                });
            }
            Shape::Node(shape)
        }
        Kind::ResolverRule(rule) => {
            let mut details: Vec<String> = rule.rule_type.iter().map(|t| show(g, t)).collect();
            details.extend(rule.domain_name.iter().map(|d| show(g, d)));
            details.extend(
                rule.target_ips
                    .iter()
                    .map(|ip| format!("→ {}", show(g, ip))),
            );
            let mut shape = node(NodeKind::Dns, None, details);
            shape.links.extend(link(
                target(rule.resolver_endpoint.as_ref()),
                EdgeKind::Link,
                None,
            ));
            Shape::Node(shape)
        }
        Kind::ResolverRuleAssociation(a) => association(a.rule.target(), a.vpc.target()),
        Kind::HostedZone(z) => {
            let mut details: Vec<String> = z.name.iter().map(|n| show(g, n)).collect();
            details.push(
                if z.vpcs.is_empty() {
                    "public"
                } else {
                    "private"
                }
                .to_owned(),
            );
            let mut shape = node(NodeKind::Dns, None, details);
            for vpc in &z.vpcs {
                shape
                    .links
                    .extend(link(vpc.target(), EdgeKind::Association, None));
            }
            Shape::Node(shape)
        }
        Kind::HostedZoneAssociation(a) | Kind::ZoneAssociationAuthorization(a) => {
            association(a.zone.target(), a.vpc.target())
        }
        Kind::Directory(d) => {
            let details = d.directory_type.iter().map(|t| show(g, t)).collect();
            let subnets = targets(d.subnets.as_ref());
            let within = target(d.vpc.as_ref()).or(subnets.first().copied());
            let mut shape = node(NodeKind::Directory, within, details);
            for s in subnets {
                shape.links.push(Link {
                    to: s,
                    kind: EdgeKind::Uses,
                    label: None,
                });
            }
            Shape::Node(shape)
        }
        Kind::Route53ProfileAssociation(a) => association(a.profile.target(), a.vpc.target()),
        Kind::Route53ProfileResourceAssociation(a) => {
            association(a.profile.target(), a.resource.target())
        }
        Kind::NetworkInterface(ni) => Shape::Node(node(
            NodeKind::Resource,
            ni.subnet.target(),
            vec!["network interface".to_owned()],
        )),
        Kind::Other => Shape::Hidden,
        // Kinds without properties, and kinds this file does not know yet.
        other => generic(graph, id, class(other)),
    }
}

/// A node for a kind this file has no drawing of its own for: in the VPC (or subnet's VPC)
/// it references first, with an edge to everything else it references, labelled with the
/// property (found by the model's property visitor, which lists every kind's fields).
fn generic(graph: &Graph, id: ResourceId, kind: NodeKind) -> Shape {
    let mut resource = graph.get(id).clone();
    let mut refs: Vec<(String, ResourceId)> = Vec::new();
    resource.visit_props("", &mut |path, prop| {
        if let Some(target) = prop.target() {
            refs.push((path.trim_start_matches('.').to_owned(), target));
        }
    });
    let within = refs
        .iter()
        .map(|(_, t)| *t)
        .find(|t| matches!(graph.get(*t).kind, Kind::Vpc(_) | Kind::Subnet(_)));
    let links = refs
        .into_iter()
        .filter(|(_, t)| Some(*t) != within)
        .map(|(path, to)| Link {
            to,
            kind: EdgeKind::Link,
            label: Some(path),
        })
        .collect();
    Shape::Node(NodeShape {
        kind,
        within,
        details: Vec::new(),
        links,
    })
}

/// The class of a kind drawn by the generic arm of [`shape`].
fn class(kind: &Kind) -> NodeKind {
    match kind {
        Kind::InternetGateway | Kind::NatGateway | Kind::EgressOnlyInternetGateway => {
            NodeKind::Gateway
        }
        Kind::CustomerGateway => NodeKind::CustomerGateway,
        Kind::DxGateway => NodeKind::DirectConnect,
        Kind::Route53Profile | Kind::DnsRecord(_) => NodeKind::Dns,
        _ => NodeKind::Resource,
    }
}

/// Where an attachment is drawn: a VPC attachment at its VPC, a Direct Connect association at
/// its Direct Connect gateway, a peering attachment or VPN connection at its own node.
fn attachment_end(graph: &Graph, prop: &RefProp) -> Option<ResourceId> {
    let attachment = transit::attachment_of(graph, prop).ok()?;
    match attachment.kind {
        AttachmentKind::Vpc(vpc) => Some(vpc),
        AttachmentKind::Peering | AttachmentKind::Vpn | AttachmentKind::Firewall => {
            Some(attachment.id)
        }
        AttachmentKind::DirectConnect => match &graph.get(attachment.id).kind {
            Kind::DxGatewayAssociation(a) => a.dx_gateway.target(),
            _ => None,
        },
    }
}

fn association(from: Option<ResourceId>, to: Option<ResourceId>) -> Shape {
    Shape::Edges(
        from.zip(to)
            .map(|(from, to)| {
                (
                    from,
                    Link {
                        to,
                        kind: EdgeKind::Association,
                        label: None,
                    },
                )
            })
            .into_iter()
            .collect(),
    )
}

fn show_ref(graph: &Graph, prop: &RefProp) -> String {
    match &prop.val {
        Val::Ref(id, _) => graph.get(*id).address.clone(),
        Val::Known(()) => "a literal id".to_owned(),
        Val::Unknown(reason) => format!("? ({})", shorten(reason, 40)),
    }
}

fn show_list<T>(graph: &Graph, prop: &ListProp<T>) -> String {
    match &prop.val {
        Val::Known(items) => format!("{} items", items.len()),
        Val::Ref(id, _) => format!("from {}", graph.get(*id).address),
        Val::Unknown(reason) => format!("? ({})", shorten(reason, 40)),
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::check::{check_with_graphs, Options};
    use crate::discover::Input;

    const TF: &str = r#"
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.a.id
}
"#;

    /// What a kind unknown to this file gets, shown on kinds it does know.
    #[test]
    fn a_kind_without_a_drawing_is_placed_and_linked_by_its_references() {
        let input = Input::classified("main.tf", TF).expect("Terraform");
        let (_, units) = check_with_graphs(vec![input], Vec::new(), 0, &Options::default());
        let graph = &units[0].graph;
        let find = |address: &str| graph.iter().find(|(_, r)| r.address == address).unwrap().0;
        let drawn = |address: &str| match generic(graph, find(address), NodeKind::Resource) {
            Shape::Node(n) => (
                n.within.map(|w| graph.get(w).address.clone()),
                n.links
                    .iter()
                    .map(|l| (l.label.clone().unwrap(), graph.get(l.to).address.clone()))
                    .collect::<Vec<_>>(),
            ),
            _ => panic!("not a node"),
        };
        assert_eq!(
            drawn("aws_route_table.a"),
            (Some("aws_vpc.a".into()), vec![])
        );
        assert_eq!(
            drawn("aws_route_table_association.a"),
            (
                Some("aws_subnet.a".into()),
                vec![("route_table".into(), "aws_route_table.a".into())]
            )
        );
        assert_eq!(drawn("aws_vpc.a"), (None, vec![]));
    }
}
