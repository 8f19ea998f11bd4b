//! DNS001: an interface endpoint's private DNS is not visible from a VPC that reaches it.
//!
//! The service's name resolves to the endpoint's private IPs only inside the endpoint's own
//! VPC (the private hosted zone AWS creates is associated with that VPC alone). A VPC that
//! routes to the endpoint over peering, VPN or a transit gateway resolves the name to the
//! service's public IPs unless something in the code makes the name resolve there.

use std::collections::{HashMap, HashSet};

use super::service_dns::dns_name;
use super::verdict::{resource_name, Rule, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::cidr::parse_ipv4;
use crate::model::{Endpoint, Graph, Index, Kind, Prop, ResourceId, SymStr, Undecided, Val};
use crate::reach::{vpc_cidrs, Path, PathKind, VpcReach};

/// Whether something makes the name resolve in the consumer VPC.
enum Resolution {
    Resolves,
    /// The code may make it resolve, but a value is not known.
    Unknown(Undecided),
    DoesNot,
}

impl Resolution {
    /// Folds two answers: any "resolves" wins, then the first "unknown".
    fn or(self, other: Resolution) -> Resolution {
        match (self, other) {
            (Resolution::Resolves, _) | (_, Resolution::Resolves) => Resolution::Resolves,
            (u @ Resolution::Unknown(_), _) | (_, u @ Resolution::Unknown(_)) => u,
            _ => Resolution::DoesNot,
        }
    }

    /// "Unknown" when a value is not known, with what it left undecided.
    fn unknown(prop: &Prop<impl Sized>, graph: &Graph, what: impl std::fmt::Display) -> Self {
        let why = prop.undecided(graph).unwrap_or_else(|| {
            Undecided::new("a literal id of a resource outside the code", prop.span)
        });
        Resolution::Unknown(why.context(what))
    }
}

/// What the DNS name is, and where it must resolve to.
struct Target<'a> {
    endpoint: ResourceId,
    endpoint_vpc: ResourceId,
    service: &'a SymStr,
    name: &'a SymStr,
}

pub struct Dns001 {
    resources: DnsResources,
    dns_resolution_on: HashSet<ResourceId>,
}

/// One question: does the endpoint's name resolve to it in a VPC that reaches it?
pub enum Question {
    /// Index into the analysis' `vpc_reach`.
    Consumer(usize),
    /// An endpoint whose type is not known, that may have private DNS (index into the
    /// analysis' `untyped_endpoints`).
    UntypedEndpoint(usize),
    /// A subnet whose VPC is not known: any VPC may reach endpoints through it (index into
    /// the index's floating subnets).
    UnplacedSubnet(usize),
}

/// Private DNS as written: on, off (the default when omitted), or not known.
fn private_dns(e: &Endpoint) -> Option<&Prop<bool>> {
    e.private_dns
        .as_ref()
        .filter(|p| p.known_value() != Some(&false))
}

impl Rule for Dns001 {
    type Subject = Question;

    fn new(ctx: &RuleContext<'_>) -> Self {
        if ctx.analysis.vpc_reach.is_empty() {
            return Dns001 {
                resources: DnsResources::default(),
                dns_resolution_on: HashSet::new(),
            };
        }
        Dns001 {
            resources: dns_resources(ctx.graph),
            dns_resolution_on: peerings_with_dns_resolution(ctx.graph),
        }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Question> {
        let graph = ctx.graph;
        let analysis = ctx.analysis;
        let with_private_dns = |id: ResourceId| match &graph.get(id).kind {
            Kind::Endpoint(e) => private_dns(e).is_some(),
            _ => false,
        };
        let mut out: Vec<Question> = analysis
            .vpc_reach
            .iter()
            .enumerate()
            .filter(|(_, r)| with_private_dns(r.endpoint))
            .map(|(n, _)| Question::Consumer(n))
            .collect();
        out.extend(
            analysis
                .untyped_endpoints
                .iter()
                .enumerate()
                .filter(|(_, (e, _))| with_private_dns(*e))
                .map(|(n, _)| Question::UntypedEndpoint(n)),
        );
        if analysis.endpoints.iter().any(|&e| with_private_dns(e)) {
            out.extend((0..ctx.index.floating.subnets.len()).map(Question::UnplacedSubnet));
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, q: &Question) -> Verdict {
        let graph = ctx.graph;
        let reach = match *q {
            Question::UntypedEndpoint(n) => {
                let (endpoint, why) = &ctx.analysis.untyped_endpoints[n];
                return Verdict::unchecked(*endpoint, why.clone());
            }
            Question::UnplacedSubnet(n) => {
                let (subnet, why) = &ctx.index.floating.subnets[n];
                return Verdict::unchecked(*subnet, why.clone());
            }
            Question::Consumer(n) => &ctx.analysis.vpc_reach[n],
        };
        let Kind::Endpoint(e) = &graph.get(reach.endpoint).kind else {
            unreachable!("vpc_reach leads to endpoints");
        };
        let address = &graph.get(reach.endpoint).address;
        let dns = private_dns(e).expect("subjects have private DNS");
        if let Some(why) = dns.undecided(graph) {
            return Verdict::unchecked(
                reach.endpoint,
                why.context(format!("whether {address} has private DNS is not known")),
            );
        }
        let Some(endpoint_vpc) = e.vpc.target() else {
            unreachable!("reached endpoints have a VPC");
        };
        let service = match e.service_name.as_ref() {
            Some(Prop {
                val: Val::Known(service),
                ..
            }) => service,
            Some(p) => {
                let why = p.undecided(graph).expect("not known");
                return Verdict::unchecked(
                    reach.endpoint,
                    why.context(format!("the service name of {address} is not known")),
                );
            }
            None => {
                return Verdict::unchecked(
                    reach.endpoint,
                    Undecided::new(
                        format!("{address} has no service name"),
                        graph.get(reach.endpoint).span,
                    ),
                )
            }
        };
        let Some(name) = dns_name(service) else {
            let span = e
                .service_name
                .as_ref()
                .map_or(graph.get(reach.endpoint).span, |p| p.span);
            return Verdict::unchecked(
                reach.endpoint,
                Undecided::new(
                    format!(
                        "the private DNS name of {service} is chosen by the service's provider"
                    ),
                    span,
                )
                .context(format!("the DNS name {address} answers for is not known")),
            );
        };
        let target = Target {
            endpoint: reach.endpoint,
            endpoint_vpc,
            service,
            name: &name,
        };
        // A name that resolves in the VPC passes whatever else is known; otherwise only a VPC
        // that runs workloads is a consumer (transit, egress and inspection VPCs pass traffic
        // on and resolve nothing), and only over a path that is known.
        let resolves = resolution(graph, ctx.index, &self.resources, reach.vpc, &target);
        if matches!(resolves, Resolution::Resolves) {
            return Verdict::Pass;
        }
        if let Err(why) = &reach.workloads {
            return Verdict::unchecked(reach.vpc, why.clone());
        }
        let path = match &reach.path {
            Ok(path) => path,
            Err(why) => return Verdict::unchecked(reach.vpc, why.clone()),
        };
        match resolves {
            Resolution::Resolves => Verdict::Pass,
            Resolution::Unknown(why) => Verdict::unchecked(reach.vpc, why),
            Resolution::DoesNot => Verdict::finding(diagnostic(
                graph,
                meta,
                reach,
                path,
                &target,
                &self.dns_resolution_on,
                ctx.analysis.consumers.egress.get(&reach.vpc),
            )),
        }
    }

    fn name(&self, ctx: &RuleContext<'_>, q: &Question) -> String {
        match *q {
            Question::Consumer(n) => {
                let r = &ctx.analysis.vpc_reach[n];
                format!(
                    "{} -> {}",
                    resource_name(ctx, r.vpc),
                    resource_name(ctx, r.endpoint)
                )
            }
            Question::UntypedEndpoint(n) => resource_name(ctx, ctx.analysis.untyped_endpoints[n].0),
            Question::UnplacedSubnet(n) => resource_name(ctx, ctx.index.floating.subnets[n].0),
        }
    }
}

/// What the consumer's calls do when the name resolves to public addresses: they bypass the
/// endpoint through a NAT or internet gateway (a warning), or they fail (an error); and the
/// assumption, when that is not known.
pub(crate) fn consequence(
    graph: &Graph,
    vpc: &str,
    egress: Option<&Result<Option<ResourceId>, Undecided>>,
) -> (Severity, String, Option<String>) {
    match egress {
        Some(Ok(Some(gateway))) => (
            Severity::Warning,
            format!(
                ", so calls from {vpc} bypass the endpoint (its policy and private path) and reach the service's public endpoint through {}",
                graph.get(*gateway).address
            ),
            None,
        ),
        Some(Ok(None)) => (
            Severity::Error,
            format!(
                ", and {vpc} has no path to them (no NAT or internet gateway, no transit gateway route to an egress VPC), so its calls to the service fail"
            ),
            None,
        ),
        Some(Err(why)) => (
            Severity::Error,
            ", so its calls to the service fail, or bypass the endpoint where a path to the internet exists".to_owned(),
            Some(format!(
                "whether {vpc} reaches the service's public endpoint is not known: {}",
                why.reason
            )),
        ),
        None => (
            Severity::Error,
            ", so its calls to the service fail, or bypass the endpoint where a path to the internet exists".to_owned(),
            None,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn diagnostic(
    graph: &Graph,
    meta: &'static RuleMeta,
    reach: &VpcReach,
    found: &Path,
    target: &Target<'_>,
    dns_resolution_on: &HashSet<ResourceId>,
    egress: Option<&Result<Option<ResourceId>, Undecided>>,
) -> Diagnostic {
    let vpc = graph.get(reach.vpc);
    let (severity, consequence, assumption) = consequence(graph, &vpc.address, egress);
    let endpoint = graph.get(target.endpoint);
    let endpoint_vpc = graph.get(target.endpoint_vpc);
    let connection = found.connection.map(|c| graph.get(c));
    let connection_name = connection.map_or("", |c| c.address.as_str());
    let note = look_alike_note(found, dns_resolution_on);
    let path_kind = found.kind.describe();
    let dns_name = target.name.to_string();
    let args = [
        ("vpc", vpc.address.as_str()),
        ("endpoint", endpoint.address.as_str()),
        ("dns_name", dns_name.as_str()),
        ("path_kind", path_kind),
        ("connection", connection_name),
        ("endpoint_vpc", endpoint_vpc.address.as_str()),
        ("note", note.as_str()),
        ("consequence", consequence.as_str()),
    ];
    let mut related = Vec::new();
    let mut path = vec![vpc.address.clone()];
    witness::extend(
        graph,
        &mut path,
        &mut related,
        reach.subnet,
        found,
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
        severity,
        assumptions: assumption.into_iter().collect(),
        ..meta.finding(&args, &vpc.address, vpc.span, reach.vpc)
    }
}

/// The options that look like a fix but are not, when the design uses them.
fn look_alike_note(found: &Path, dns_resolution_on: &HashSet<ResourceId>) -> String {
    let Some(connection) = found.connection else {
        return String::new();
    };
    match found.kind {
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

/// The resources that can make a name resolve in a VPC: its endpoints, resolver rule,
/// hosted zone, profile and DHCP options associations, and zones naming it.
#[derive(Default)]
struct DnsResources {
    by_vpc: HashMap<ResourceId, Vec<ResourceId>>,
    /// Those whose VPC is not known: they may apply to any VPC.
    floating: Vec<(ResourceId, Undecided)>,
}

fn dns_resources(graph: &Graph) -> DnsResources {
    let mut out = DnsResources::default();
    for (id, r) in graph.iter() {
        let vpcs: Vec<&Prop<()>> = match &r.kind {
            Kind::Endpoint(e) => vec![&e.vpc],
            Kind::ResolverRuleAssociation(a) => vec![&a.vpc],
            Kind::HostedZone(z) => z.vpcs.iter().collect(),
            Kind::HostedZoneAssociation(a) => vec![&a.vpc],
            Kind::Route53ProfileAssociation(a) => vec![&a.vpc],
            Kind::DhcpOptionsAssociation(a) => vec![&a.vpc],
            _ => Vec::new(),
        };
        for vpc in vpcs {
            if let Some(vpc) = vpc.target() {
                out.by_vpc.entry(vpc).or_default().push(id);
            } else {
                let why = vpc
                    .undecided(graph)
                    .unwrap_or_else(|| Undecided::new("a literal VPC id", vpc.span));
                out.floating.push((
                    id,
                    why.context(format!("the VPC {} applies to is not known", r.address)),
                ));
            }
        }
    }
    out
}

/// Does anything in the code make `target.name` resolve to the endpoint in `consumer`?
fn resolution(
    graph: &Graph,
    index: &Index,
    resources: &DnsResources,
    consumer: ResourceId,
    target: &Target<'_>,
) -> Resolution {
    let mut answer = Resolution::DoesNot;
    for &id in resources.by_vpc.get(&consumer).into_iter().flatten() {
        answer = answer.or(fix(graph, index, id, target));
    }
    if !matches!(answer, Resolution::Resolves) {
        // One whose VPC is not known would fix it if it applies to the consumer.
        for (id, why) in &resources.floating {
            if !matches!(fix(graph, index, *id, target), Resolution::DoesNot) {
                answer = answer.or(Resolution::Unknown(why.clone()));
            }
        }
    }
    answer
}

/// Whether one resource that applies to the consumer makes the name resolve there.
fn fix(graph: &Graph, index: &Index, id: ResourceId, target: &Target<'_>) -> Resolution {
    let r = graph.get(id);
    match &r.kind {
        Kind::Endpoint(e) => own_endpoint(graph, id, e, target),
        Kind::ResolverRuleAssociation(a) => match a.rule.target() {
            Some(rule) => forward_rule(graph, rule, target),
            None => Resolution::unknown(
                &a.rule,
                graph,
                format!("the rule {} associates is not known", r.address),
            ),
        },
        Kind::HostedZone(_) => zone(graph, id, target),
        Kind::HostedZoneAssociation(a) => match a.zone.target() {
            Some(zone_id) => zone(graph, zone_id, target),
            None => Resolution::unknown(
                &a.zone,
                graph,
                format!("the zone {} associates is not known", r.address),
            ),
        },
        Kind::Route53ProfileAssociation(a) => match a.profile.target() {
            Some(profile) => profile_resources(graph, profile, target),
            None => Resolution::unknown(
                &a.profile,
                graph,
                format!("the profile {} associates is not known", r.address),
            ),
        },
        Kind::DhcpOptionsAssociation(a) => match a.dhcp_options.target() {
            Some(options) => dhcp_forwarder(graph, index, options, target),
            None => Resolution::unknown(
                &a.dhcp_options,
                graph,
                format!("the DHCP options {} associates are not known", r.address),
            ),
        },
        _ => Resolution::DoesNot,
    }
}

/// (a) The consumer's own interface endpoint for the same service, with private DNS.
fn own_endpoint(graph: &Graph, id: ResourceId, e: &Endpoint, target: &Target<'_>) -> Resolution {
    let address = &graph.get(id).address;
    match e.is_interface() {
        Some(false) => return Resolution::DoesNot,
        Some(true) => {}
        None => {
            let t = e
                .endpoint_type
                .as_ref()
                .expect("a type that is not known is written");
            return Resolution::unknown(t, graph, format!("the type of {address} is not known"));
        }
    }
    let same_service = match e.service_name.as_ref().map(|s| (s, &s.val)) {
        Some((_, Val::Known(s))) => s.eq_ignore_case(target.service),
        Some((p, _)) => {
            return Resolution::unknown(
                p,
                graph,
                format!("the service name of {address} is not known"),
            )
        }
        None => Some(false),
    };
    let private_dns = match e.private_dns.as_ref().map(|p| (p, &p.val)) {
        None | Some((_, Val::Known(false))) => return Resolution::DoesNot,
        Some((_, Val::Known(true))) => true,
        Some((p, _)) => {
            return match same_service {
                Some(false) => Resolution::DoesNot,
                _ => Resolution::unknown(
                    p,
                    graph,
                    format!("whether {address} has private DNS is not known"),
                ),
            }
        }
    };
    match same_service {
        Some(true) if private_dns => Resolution::Resolves,
        Some(_) => Resolution::DoesNot,
        None => Resolution::Unknown(symbolic_mismatch(
            e.service_name.as_ref().expect("known"),
            target.service,
            &format!("whether {address} is for the same service is not known"),
        )),
    }
}

/// Why a comparison of two partly known strings is not decided: the unknown parts (the
/// cause, shared by every such comparison), and the two strings.
fn symbolic_mismatch(prop: &Prop<SymStr>, other: &SymStr, what: &str) -> Undecided {
    let value = prop.known_value().cloned().unwrap_or_default();
    let cause = value
        .unknown_part()
        .or_else(|| other.unknown_part())
        .unwrap_or_else(|| "a value is not known".to_owned());
    Undecided::new(cause, prop.span).context(format!("{what} ({value} against {other})"))
}

/// Does a zone or rule `domain` cover the name? Unknown when it depends on a value the code
/// does not give.
fn covers(
    graph: &Graph,
    domain: Option<&Prop<SymStr>>,
    owner: ResourceId,
    name: &SymStr,
) -> Result<bool, Undecided> {
    let address = &graph.get(owner).address;
    match domain.map(|d| (d, &d.val)) {
        Some((d, Val::Known(domain))) => name.covered_by(domain).ok_or_else(|| {
            symbolic_mismatch(
                d,
                name,
                &format!("whether {address} covers {name} is not known"),
            )
        }),
        Some((d, _)) => Err(d
            .undecided(graph)
            .expect("not known")
            .context(format!("the domain of {address} is not known"))),
        None => Err(Undecided::new(
            format!("{address} has no domain name"),
            graph.get(owner).span,
        )),
    }
}

/// (b) A FORWARD rule for the name (or a parent) whose targets are an inbound resolver
/// endpoint in the endpoint's VPC.
fn forward_rule(graph: &Graph, rule: ResourceId, target: &Target<'_>) -> Resolution {
    let address = &graph.get(rule).address;
    let Kind::ResolverRule(r) = &graph.get(rule).kind else {
        return Resolution::Unknown(Undecided::new(
            format!("{address} is not a resolver rule vpclint models"),
            graph.get(rule).span,
        ));
    };
    match r.rule_type.as_ref().map(|t| (t, &t.val)) {
        Some((_, Val::Known(t))) if t.eq_ignore_ascii_case("FORWARD") => {}
        Some((_, Val::Known(_))) => return Resolution::DoesNot,
        Some((t, _)) => {
            return Resolution::unknown(t, graph, format!("the type of {address} is not known"))
        }
        None => {
            return Resolution::Unknown(Undecided::new(
                format!("{address} has no rule type"),
                graph.get(rule).span,
            ))
        }
    }
    match covers(graph, r.domain_name.as_ref(), rule, target.name) {
        Ok(true) => {}
        Ok(false) => return Resolution::DoesNot,
        Err(why) => return Resolution::Unknown(why),
    }
    let mut answer = Resolution::DoesNot;
    for ip in &r.target_ips {
        answer = answer.or(match ip.known_value().map(|ip| parse_ipv4(ip)) {
            Some(Some(addr)) => inbound_ip_in(graph, addr, target.endpoint_vpc),
            // A name, or an IPv6 address: not an inbound endpoint vpclint can place.
            Some(None) => Resolution::DoesNot,
            None => {
                Resolution::unknown(ip, graph, format!("a target IP of {address} is not known"))
            }
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
                answer = answer.or(match inbound {
                    Some(_) => Resolution::Resolves,
                    None => Resolution::unknown(
                        e.direction
                            .as_ref()
                            .expect("a direction that is not known is written"),
                        graph,
                        format!("the direction of {} is not known", r.address),
                    ),
                });
            }
        }
    }
    answer
}

/// (c) A private hosted zone for the name or a parent.
fn zone(graph: &Graph, zone: ResourceId, target: &Target<'_>) -> Resolution {
    match &graph.get(zone).kind {
        Kind::HostedZone(z) => match covers(graph, z.name.as_ref(), zone, target.name) {
            Ok(true) => Resolution::Resolves,
            Ok(false) => Resolution::DoesNot,
            Err(why) => Resolution::Unknown(why),
        },
        _ => Resolution::Unknown(Undecided::new(
            format!(
                "{} is not a hosted zone vpclint models",
                graph.get(zone).address
            ),
            graph.get(zone).span,
        )),
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
        // An association whose profile is not known may be this profile's.
        let maybe = match a.profile.target() {
            Some(p) if p == profile => None,
            Some(_) => continue,
            None => Some(&a.profile),
        };
        let this = match a.resource.target() {
            Some(id) if id == target.endpoint => Resolution::Resolves,
            Some(id) => match &graph.get(id).kind {
                Kind::HostedZone(_) => zone(graph, id, target),
                Kind::ResolverRule(_) => forward_rule(graph, id, target),
                _ => Resolution::DoesNot,
            },
            None => Resolution::unknown(
                &a.resource,
                graph,
                format!(
                    "the resource {} adds to the profile is not known",
                    r.address
                ),
            ),
        };
        answer = answer.or(match (maybe, this) {
            (Some(p), this) if !matches!(this, Resolution::DoesNot) => Resolution::unknown(
                p,
                graph,
                format!("the profile {} adds a resource to is not known", r.address),
            ),
            (Some(_), _) => Resolution::DoesNot,
            (None, this) => this,
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
    let address = &graph.get(options).address;
    let Kind::DhcpOptions(d) = &graph.get(options).kind else {
        return Resolution::Unknown(Undecided::new(
            format!("{address} is not DHCP options vpclint models"),
            graph.get(options).span,
        ));
    };
    let Some(servers) = &d.domain_name_servers else {
        return Resolution::DoesNot;
    };
    // `domain_name_servers = aws_directory_service_directory.x.dns_ip_addresses` is a
    // reference to a whole list; a written list is checked item by item.
    let items: Vec<Prop<String>> = match &servers.val {
        Val::Known(items) => items.clone(),
        _ => vec![Prop {
            val: match &servers.val {
                Val::Ref(id, attr) => Val::Ref(*id, attr.clone()),
                Val::Unknown(reason) => Val::Unknown(reason.clone()),
                Val::Known(_) => unreachable!("matched above"),
            },
            span: servers.span,
        }],
    };
    let mut cidrs = Vec::new();
    for cidr in vpc_cidrs(graph, index, target.endpoint_vpc) {
        match cidr.known_value() {
            Some(c) => cidrs.push(*c),
            None => {
                return Resolution::unknown(
                    &cidr,
                    graph,
                    "the CIDR of the endpoint's VPC is not known",
                )
            }
        }
    }
    let mut answer = Resolution::DoesNot;
    for item in &items {
        answer = answer.or(match &item.val {
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
                Kind::Directory(dir) => match dir.vpc.as_ref().map(|v| (v, v.target())) {
                    Some((_, Some(vpc))) if vpc == target.endpoint_vpc => Resolution::Resolves,
                    Some((v, None)) => Resolution::unknown(
                        v,
                        graph,
                        format!("the VPC of {} is not known", graph.get(*id).address),
                    ),
                    _ => Resolution::DoesNot,
                },
                Kind::ResolverEndpoint(e)
                    if e.subnets.iter().filter_map(Prop::target).any(|s| {
                        matches!(&graph.get(s).kind, Kind::Subnet(sub) if sub.vpc.target() == Some(target.endpoint_vpc))
                    }) =>
                {
                    Resolution::Resolves
                }
                Kind::ResolverEndpoint(_) => Resolution::DoesNot,
                _ => Resolution::unknown(item, graph, format!("the DNS servers of {address} are not known")),
            },
            Val::Unknown(_) => Resolution::unknown(item, graph, format!("the DNS servers of {address} are not known")),
        });
    }
    answer
}
