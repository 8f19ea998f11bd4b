//! DNS001: an interface endpoint's private DNS is not visible from a VPC that reaches it.
//!
//! The service's name resolves to the endpoint's private IPs only inside the endpoint's own
//! VPC (the private hosted zone AWS creates is associated with that VPC alone). A VPC that
//! routes to the endpoint over peering, VPN or a transit gateway resolves the name to the
//! service's public IPs unless something in the code makes the name resolve there.

use std::collections::{HashMap, HashSet};

use super::service_dns::{dns_name, domain_covers};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::cidr::parse_ipv4;
use crate::model::{Graph, Index, Kind, Prop, ResourceId, Val};
use crate::reach::{vpc_cidrs, PathKind, VpcReach};

/// Whether something makes the name resolve in the consumer VPC.
enum Resolution {
    Resolves,
    /// The code may make it resolve, but a value is not known.
    Unknown,
    DoesNot,
}

impl Resolution {
    /// Folds two answers: any "resolves" wins, then any "unknown".
    fn or(self, other: Resolution) -> Resolution {
        match (self, other) {
            (Resolution::Resolves, _) | (_, Resolution::Resolves) => Resolution::Resolves,
            (Resolution::Unknown, _) | (_, Resolution::Unknown) => Resolution::Unknown,
            _ => Resolution::DoesNot,
        }
    }
}

/// What the DNS name is, and where it must resolve to.
struct Target<'a> {
    endpoint: ResourceId,
    endpoint_vpc: ResourceId,
    service: &'a str,
    name: &'a str,
}

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    let graph = ctx.graph;
    if ctx.analysis.vpc_reach.is_empty() {
        return;
    }
    let by_vpc = dns_resources_by_vpc(graph);
    let dns_resolution_on = peerings_with_dns_resolution(graph);
    for reach in &ctx.analysis.vpc_reach {
        let endpoint = graph.get(reach.endpoint);
        let Kind::Endpoint(e) = &endpoint.kind else {
            continue;
        };
        let (Some(service), Some(endpoint_vpc)) = (
            e.service_name.as_ref().and_then(|s| s.known_value()),
            e.vpc.target(),
        ) else {
            continue;
        };
        let Some(name) = dns_name(service) else {
            continue;
        };
        let target = Target {
            endpoint: reach.endpoint,
            endpoint_vpc,
            service,
            name: &name,
        };
        let candidates = by_vpc.get(&reach.vpc).map_or(&[][..], Vec::as_slice);
        if !matches!(
            resolution(graph, ctx.index, candidates, reach.vpc, &target),
            Resolution::DoesNot
        ) {
            continue;
        }
        out.push(diagnostic(graph, meta, reach, &target, &dns_resolution_on));
    }
}

fn diagnostic(
    graph: &Graph,
    meta: &'static RuleMeta,
    reach: &VpcReach,
    target: &Target<'_>,
    dns_resolution_on: &HashSet<ResourceId>,
) -> Diagnostic {
    let vpc = graph.get(reach.vpc);
    let endpoint = graph.get(target.endpoint);
    let endpoint_vpc = graph.get(target.endpoint_vpc);
    let connection = reach.path.connection.map(|c| graph.get(c));
    let connection_name = connection.map_or("", |c| c.address.as_str());
    let note = look_alike_note(reach, dns_resolution_on);
    let path_kind = reach.path.kind.describe();
    let args = [
        ("vpc", vpc.address.as_str()),
        ("endpoint", endpoint.address.as_str()),
        ("dns_name", target.name),
        ("path_kind", path_kind),
        ("connection", connection_name),
        ("endpoint_vpc", endpoint_vpc.address.as_str()),
        ("note", note.as_str()),
    ];
    let mut related = Vec::new();
    let mut path = vec![vpc.address.clone()];
    witness::extend(
        graph,
        &mut path,
        &mut related,
        reach.subnet,
        &reach.path,
        target.endpoint,
    );
    let private_dns_span = match &endpoint.kind {
        Kind::Endpoint(e) => e.private_dns.as_ref().map_or(endpoint.span, |p| p.span),
        _ => endpoint.span,
    };
    related.push(Related {
        resource: endpoint.address.clone(),
        span: private_dns_span,
        message: format!(
            "private DNS for {} ({}) is visible only in {}",
            target.name, target.service, endpoint_vpc.address
        ),
    });
    Diagnostic {
        related,
        path,
        ..meta.finding(&args, &vpc.address, vpc.span, reach.vpc)
    }
}

/// The options that look like a fix but are not, when the design uses them.
fn look_alike_note(reach: &VpcReach, dns_resolution_on: &HashSet<ResourceId>) -> String {
    let Some(connection) = reach.path.connection else {
        return String::new();
    };
    match reach.path.kind {
        PathKind::IntraRegionPeering | PathKind::InterRegionPeering => {
            if dns_resolution_on.contains(&connection) {
                "; DNS resolution over the peering (allow_remote_vpc_dns_resolution) does not \
                 change this: it resolves public hostnames of instances, not private hosted zones"
                    .to_owned()
            } else {
                String::new()
            }
        }
        PathKind::TransitGateway => "; the transit gateway's DNS support does not change this: it \
             does not share private hosted zones"
            .to_owned(),
        _ => String::new(),
    }
}

/// The peering connections with DNS resolution enabled on a side, in the connection itself,
/// its accepter or its options resource.
fn peerings_with_dns_resolution(graph: &Graph) -> HashSet<ResourceId> {
    let on =
        |p: &Option<Prop<bool>>| p.as_ref().and_then(|p| p.known_value().copied()) == Some(true);
    let mut out = HashSet::new();
    for (id, r) in graph.iter() {
        match &r.kind {
            Kind::Peering(p)
                if on(&p.requester_dns_resolution) || on(&p.accepter_dns_resolution) =>
            {
                out.insert(id);
            }
            Kind::PeeringAccepter(a) if on(&a.accepter_dns_resolution) => {
                out.extend(a.peering.target());
            }
            Kind::PeeringOptions(o)
                if on(&o.requester_dns_resolution) || on(&o.accepter_dns_resolution) =>
            {
                out.extend(o.peering.target());
            }
            _ => {}
        }
    }
    out
}

/// The resources that can make a name resolve in a VPC, by VPC: its endpoints, resolver
/// rule, hosted zone, profile and DHCP options associations, and zones naming it.
fn dns_resources_by_vpc(graph: &Graph) -> HashMap<ResourceId, Vec<ResourceId>> {
    let mut by_vpc: HashMap<ResourceId, Vec<ResourceId>> = HashMap::new();
    for (id, r) in graph.iter() {
        let vpcs: Vec<ResourceId> = match &r.kind {
            Kind::Endpoint(e) => e.vpc.target().into_iter().collect(),
            Kind::ResolverRuleAssociation(a) => a.vpc.target().into_iter().collect(),
            Kind::HostedZone(z) => z.vpcs.iter().filter_map(Prop::target).collect(),
            Kind::HostedZoneAssociation(a) => a.vpc.target().into_iter().collect(),
            Kind::Route53ProfileAssociation(a) => a.vpc.target().into_iter().collect(),
            Kind::DhcpOptionsAssociation(a) => a.vpc.target().into_iter().collect(),
            _ => Vec::new(),
        };
        for vpc in vpcs {
            by_vpc.entry(vpc).or_default().push(id);
        }
    }
    by_vpc
}

/// Does anything in the code make `target.name` resolve to the endpoint in `consumer`?
fn resolution(
    graph: &Graph,
    index: &Index,
    candidates: &[ResourceId],
    consumer: ResourceId,
    target: &Target<'_>,
) -> Resolution {
    let mut answer = Resolution::DoesNot;
    for &id in candidates {
        let r = graph.get(id);
        let this = match &r.kind {
            Kind::Endpoint(e) if e.vpc.target() == Some(consumer) => own_endpoint(e, target),
            Kind::ResolverRuleAssociation(a) if a.vpc.target() == Some(consumer) => {
                match a.rule.target() {
                    Some(rule) => forward_rule(graph, rule, target),
                    None => Resolution::Unknown,
                }
            }
            Kind::HostedZone(z) if z.vpcs.iter().any(|v| v.target() == Some(consumer)) => {
                zone(graph, id, target)
            }
            Kind::HostedZoneAssociation(a) if a.vpc.target() == Some(consumer) => {
                match a.zone.target() {
                    Some(zone_id) => zone(graph, zone_id, target),
                    None => Resolution::Unknown,
                }
            }
            Kind::Route53ProfileAssociation(a) if a.vpc.target() == Some(consumer) => {
                match a.profile.target() {
                    Some(profile) => profile_resources(graph, profile, target),
                    None => Resolution::Unknown,
                }
            }
            Kind::DhcpOptionsAssociation(a) if a.vpc.target() == Some(consumer) => {
                match a.dhcp_options.target() {
                    Some(options) => dhcp_forwarder(graph, index, options, target),
                    None => Resolution::Unknown,
                }
            }
            _ => Resolution::DoesNot,
        };
        answer = answer.or(this);
    }
    answer
}

/// (a) The consumer's own interface endpoint for the same service, with private DNS.
fn own_endpoint(e: &crate::model::Endpoint, target: &Target<'_>) -> Resolution {
    match (
        e.is_interface(),
        e.service_name.as_ref().map(|s| &s.val),
        e.private_dns.as_ref().map(|p| &p.val),
    ) {
        (Some(true), Some(Val::Known(s)), Some(Val::Known(true))) if s == target.service => {
            Resolution::Resolves
        }
        (Some(false), _, _)
        | (_, Some(Val::Known(_)), _)
        | (_, _, None | Some(Val::Known(false))) => Resolution::DoesNot,
        _ => Resolution::Unknown,
    }
}

/// (b) A FORWARD rule for the name (or a parent) whose targets are an inbound resolver
/// endpoint in the endpoint's VPC.
fn forward_rule(graph: &Graph, rule: ResourceId, target: &Target<'_>) -> Resolution {
    let Kind::ResolverRule(r) = &graph.get(rule).kind else {
        return Resolution::Unknown;
    };
    let (Some(Val::Known(domain)), Some(Val::Known(rule_type))) = (
        r.domain_name.as_ref().map(|d| &d.val),
        r.rule_type.as_ref().map(|t| &t.val),
    ) else {
        return Resolution::Unknown;
    };
    if !rule_type.eq_ignore_ascii_case("FORWARD") || !domain_covers(domain, target.name) {
        return Resolution::DoesNot;
    }
    let mut answer = Resolution::DoesNot;
    for ip in &r.target_ips {
        answer = answer.or(match ip.known_value().and_then(|ip| parse_ipv4(ip)) {
            Some(addr) => inbound_ip_in(graph, addr, target.endpoint_vpc),
            None => Resolution::Unknown,
        });
    }
    answer
}

/// Is the address an IP of an inbound resolver endpoint in the VPC?
fn inbound_ip_in(graph: &Graph, addr: u32, vpc: ResourceId) -> Resolution {
    let mut answer = Resolution::DoesNot;
    for (_, r) in graph.iter() {
        let Kind::ResolverEndpoint(e) = &r.kind else {
            continue;
        };
        let inbound = e
            .direction
            .as_ref()
            .and_then(|d| d.known_value())
            .map(|d| d.eq_ignore_ascii_case("INBOUND"));
        if inbound == Some(false) {
            continue;
        }
        // The endpoint's IPs are in its subnets; fixed IPs, when written, must match.
        let fixed: Vec<u32> = e
            .ips
            .iter()
            .filter_map(|ip| ip.known_value().and_then(|ip| parse_ipv4(ip)))
            .collect();
        for subnet in e.subnets.iter().filter_map(Prop::target) {
            let Kind::Subnet(s) = &graph.get(subnet).kind else {
                continue;
            };
            if s.vpc.target() != Some(vpc) {
                continue;
            }
            let in_subnet = s
                .cidr
                .as_ref()
                .and_then(|c| c.known_value())
                .is_some_and(|c| c.contains_addr(addr));
            let matches_fixed = fixed.is_empty() || fixed.contains(&addr);
            if in_subnet && matches_fixed {
                answer = answer.or(if inbound.is_some() {
                    Resolution::Resolves
                } else {
                    Resolution::Unknown
                });
            }
        }
    }
    answer
}

/// (c) A private hosted zone for the name or a parent.
fn zone(graph: &Graph, zone: ResourceId, target: &Target<'_>) -> Resolution {
    match &graph.get(zone).kind {
        Kind::HostedZone(z) => match z.name.as_ref().map(|n| &n.val) {
            Some(Val::Known(name)) if domain_covers(name, target.name) => Resolution::Resolves,
            Some(Val::Known(_)) => Resolution::DoesNot,
            _ => Resolution::Unknown,
        },
        _ => Resolution::Unknown,
    }
}

/// (d) A Route 53 Profile associated with the consumer carrying a zone, a rule or the
/// endpoint itself.
fn profile_resources(graph: &Graph, profile: ResourceId, target: &Target<'_>) -> Resolution {
    let mut answer = Resolution::DoesNot;
    for (_, r) in graph.iter() {
        let Kind::Route53ProfileResourceAssociation(a) = &r.kind else {
            continue;
        };
        if a.profile.target() != Some(profile) {
            continue;
        }
        answer = answer.or(match a.resource.target() {
            Some(id) if id == target.endpoint => Resolution::Resolves,
            Some(id) => match &graph.get(id).kind {
                Kind::HostedZone(_) => zone(graph, id, target),
                Kind::ResolverRule(_) => forward_rule(graph, id, target),
                _ => Resolution::DoesNot,
            },
            None => Resolution::Unknown,
        });
    }
    answer
}

/// (e) DHCP options whose DNS servers are a forwarder in the endpoint's VPC: a directory's
/// DNS IPs, an inbound resolver endpoint, or a literal IP in the VPC other than its
/// Amazon-provided resolver (base + 2).
fn dhcp_forwarder(
    graph: &Graph,
    index: &Index,
    options: ResourceId,
    target: &Target<'_>,
) -> Resolution {
    let Kind::DhcpOptions(d) = &graph.get(options).kind else {
        return Resolution::Unknown;
    };
    let Some(servers) = &d.domain_name_servers else {
        return Resolution::DoesNot;
    };
    // `domain_name_servers = aws_directory_service_directory.x.dns_ip_addresses` is a
    // reference to a whole list; a written list is checked item by item.
    let items: Vec<Val<String>> = match &servers.val {
        Val::Known(items) => items.iter().map(|p| p.val.clone()).collect(),
        Val::Ref(id, attr) => vec![Val::Ref(*id, attr.clone())],
        Val::Unknown(reason) => vec![Val::Unknown(reason.clone())],
    };
    let cidrs: Vec<_> = vpc_cidrs(graph, index, target.endpoint_vpc)
        .into_iter()
        .filter_map(|c| c.known_value().copied())
        .collect();
    let mut answer = Resolution::DoesNot;
    for item in &items {
        answer = answer.or(match item {
            Val::Known(server) => match parse_ipv4(server) {
                Some(addr) => {
                    let inside = cidrs.iter().any(|c| c.contains_addr(addr));
                    let resolver = cidrs.iter().any(|c| c.addr().wrapping_add(2) == addr);
                    if inside && !resolver {
                        Resolution::Resolves
                    } else {
                        Resolution::DoesNot
                    }
                }
                // `AmazonProvidedDNS` and names are not forwarders in the endpoint's VPC.
                None => Resolution::DoesNot,
            },
            Val::Ref(id, _) => match &graph.get(*id).kind {
                Kind::Directory(dir) if dir.vpc.as_ref().and_then(Prop::target) == Some(target.endpoint_vpc) => {
                    Resolution::Resolves
                }
                Kind::ResolverEndpoint(e)
                    if e.subnets.iter().filter_map(Prop::target).any(|s| {
                        matches!(&graph.get(s).kind, Kind::Subnet(sub) if sub.vpc.target() == Some(target.endpoint_vpc))
                    }) =>
                {
                    Resolution::Resolves
                }
                Kind::Directory(_) | Kind::ResolverEndpoint(_) => Resolution::DoesNot,
                _ => Resolution::Unknown,
            },
            Val::Unknown(_) => Resolution::Unknown,
        });
    }
    answer
}
