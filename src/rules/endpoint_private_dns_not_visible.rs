//! DNS001: an interface endpoint's private DNS is not visible from a VPC that reaches it.
//!
//! The service's name resolves to the endpoint's private IPs only inside the endpoint's own
//! VPC (the private hosted zone AWS creates is associated with that VPC alone). A VPC that
//! routes to the endpoint over peering, VPN or a transit gateway resolves the name to the
//! service's public IPs unless something in the code makes the name resolve there.

use std::collections::HashSet;

use super::service_dns::endpoint_dns_name;
use super::verdict::{resource_name, Rule, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::{Graph, Kind, Prop, ResourceId, SymStr, Undecided};
use crate::reach::dns::{Answer, Authority, Dns, Resolution};
use crate::reach::{Path, PathKind, VpcReach};

pub struct Dns001 {
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

/// Whether the endpoint's private DNS is, or may be, on: as written on it, or set by an
/// `aws_vpc_endpoint_private_dns` (omitted is off in Terraform and CloudFormation).
fn may_have_private_dns(dns: &Dns<'_>, endpoint: ResourceId) -> bool {
    dns.private_dns(endpoint)
        .is_some_and(|p| p.known_value() != Some(&false))
        || dns.private_dns_unknown(endpoint).is_some()
}

impl Rule for Dns001 {
    type Subject = Question;

    fn new(ctx: &RuleContext<'_>) -> Self {
        Dns001 {
            dns_resolution_on: if ctx.analysis.vpc_reach.is_empty() {
                HashSet::new()
            } else {
                peerings_with_dns_resolution(ctx.graph)
            },
        }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Question> {
        let analysis = ctx.analysis;
        if analysis.vpc_reach.is_empty()
            && analysis.untyped_endpoints.is_empty()
            && ctx.index.floating.subnets.is_empty()
        {
            return Vec::new();
        }
        let dns = ctx.dns();
        let mut out: Vec<Question> = analysis
            .vpc_reach
            .iter()
            .enumerate()
            .filter(|(_, r)| may_have_private_dns(dns, r.endpoint))
            .map(|(n, _)| Question::Consumer(n))
            .collect();
        out.extend(
            analysis
                .untyped_endpoints
                .iter()
                .enumerate()
                .filter(|(_, (e, _))| may_have_private_dns(dns, *e))
                .map(|(n, _)| Question::UntypedEndpoint(n)),
        );
        if analysis
            .endpoints
            .iter()
            .any(|&e| may_have_private_dns(dns, e))
        {
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
        let dns = ctx.dns();
        let address = &graph.get(reach.endpoint).address;
        match dns.private_dns(reach.endpoint) {
            Some(p) if p.known_value().is_none() => {
                let why = p.undecided(graph).expect("not known");
                return Verdict::unchecked(
                    reach.endpoint,
                    why.context(format!("whether {address} has private DNS is not known")),
                );
            }
            Some(p) if p.known_value() == Some(&true) => {}
            _ => {
                let why = dns
                    .private_dns_unknown(reach.endpoint)
                    .expect("subjects may have private DNS");
                return Verdict::unchecked(reach.endpoint, why.clone());
            }
        }
        let Kind::Endpoint(e) = &graph.get(reach.endpoint).kind else {
            unreachable!("vpc_reach leads to endpoints");
        };
        let Some(endpoint_vpc) = e.vpc.target() else {
            unreachable!("reached endpoints have a VPC");
        };
        let name = match endpoint_dns_name(graph, reach.endpoint) {
            Ok(name) => name,
            Err(why) => return Verdict::unchecked(reach.endpoint, why),
        };
        // A name that resolves to an endpoint for it in the VPC passes whatever else is known;
        // otherwise only a VPC that runs workloads is a consumer (transit, egress and
        // inspection VPCs pass traffic on and resolve nothing), and only over a path that is
        // known.
        let resolution = resolve(dns, reach.vpc, &name);
        if let Ok(Resolution {
            answer: Answer::Endpoint(_),
            ..
        }) = resolution
        {
            return Verdict::Pass;
        }
        if let Err(why) = &reach.workloads {
            return Verdict::unchecked(reach.vpc, why.clone());
        }
        let path = match &reach.path {
            Ok(path) => path,
            Err(why) => return Verdict::unchecked(reach.vpc, why.clone()),
        };
        let resolution = match resolution {
            Ok(r) => r,
            Err(why) => return Verdict::unchecked(reach.vpc, why),
        };
        match resolution.answer {
            Answer::Endpoint(_) => Verdict::Pass,
            Answer::Forwarded => {
                let rule = authority_address(graph, resolution.authority)
                    .unwrap_or_else(|| graph.get(reach.vpc).address.clone());
                Verdict::unchecked(
                    reach.vpc,
                    Undecided::new(
                        format!("{rule} forwards {name} to name servers outside the code"),
                        authority_span(graph, resolution.authority)
                            .unwrap_or(graph.get(reach.vpc).span),
                    ),
                )
            }
            Answer::Elsewhere { record } => {
                let r = graph.get(record);
                Verdict::unchecked(
                    reach.vpc,
                    Undecided::new(
                        format!(
                            "{} answers {name} with a value that is not an endpoint of the code",
                            r.address
                        ),
                        r.span,
                    ),
                )
            }
            _ => Verdict::finding(diagnostic(
                graph,
                meta,
                reach,
                path,
                &Target {
                    endpoint: reach.endpoint,
                    endpoint_vpc,
                    name: &name,
                    resolution,
                },
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

/// What the name resolves to in the consumer, past the consumer's own DNS plumbing: DNS
/// support off or DHCP options that bypass its resolver are DNS007's finding when the zones
/// would answer with the endpoint; otherwise what its resolver answers is the problem.
fn resolve(dns: &Dns<'_>, vpc: ResourceId, name: &SymStr) -> Result<Resolution, Undecided> {
    let resolution = dns.resolve(vpc, name)?;
    if matches!(resolution.answer, Answer::DnsOff | Answer::Bypassed { .. })
        && resolution.resolved_in == vpc
    {
        return dns.resolve_past_plumbing(vpc, name);
    }
    Ok(resolution)
}

/// The zone, rule or endpoint that answered.
fn authority_of(authority: Option<Authority>) -> Option<ResourceId> {
    authority.map(|a| match a {
        Authority::Zone { zone: id, .. }
        | Authority::Rule { rule: id, .. }
        | Authority::PrivateDns { endpoint: id, .. } => id,
    })
}

fn authority_address(graph: &Graph, authority: Option<Authority>) -> Option<String> {
    authority_of(authority).map(|id| graph.get(id).address.clone())
}

fn authority_span(graph: &Graph, authority: Option<Authority>) -> Option<crate::source::Span> {
    authority_of(authority).map(|id| graph.get(id).span)
}

/// The endpoint, its name, and what the consumer resolves the name to instead.
struct Target<'a> {
    endpoint: ResourceId,
    endpoint_vpc: ResourceId,
    name: &'a SymStr,
    resolution: Resolution,
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
    let (mut severity, mut consequence, assumption) = consequence(graph, &vpc.address, egress);
    let endpoint = graph.get(target.endpoint);
    let endpoint_vpc = graph.get(target.endpoint_vpc);
    let connection = found.connection.map(|c| graph.get(c));
    let connection_name = connection.map_or("", |c| c.address.as_str());
    let note = look_alike_note(found, dns_resolution_on);
    let path_kind = found.kind.describe();
    let dns_name = target.name.to_string();
    let resolution = &target.resolution;
    let authority = authority_of(resolution.authority);
    let answer = match resolution.answer {
        Answer::NoRecord => {
            // The consumer's own zone for the name (or a parent) has no record for it: the
            // name does not resolve at all, whatever the egress.
            severity = Severity::Error;
            consequence = format!(", so calls from {} to the service fail", vpc.address);
            format!(
                "{} answers for it there and has no record for {dns_name}, so it does not resolve (NXDOMAIN)",
                authority.map_or("a private hosted zone", |z| graph.get(z).address.as_str())
            )
        }
        Answer::DnsOff => format!(
            "its queries are answered in {}, where DNS support is off",
            graph.get(resolution.resolved_in).address
        ),
        Answer::Bypassed { options } => format!(
            "its queries are answered in {}, whose DHCP options {} send them to name servers outside the code",
            graph.get(resolution.resolved_in).address,
            graph.get(options).address
        ),
        _ if own_service(graph, target.endpoint) => format!(
            "the public DNS answers {dns_name} (with the addresses it publishes, if any), not the endpoint"
        ),
        _ => "it resolves to the service's public IPs".to_owned(),
    };
    let args = [
        ("vpc", vpc.address.as_str()),
        ("endpoint", endpoint.address.as_str()),
        ("dns_name", dns_name.as_str()),
        ("path_kind", path_kind),
        ("connection", connection_name),
        ("endpoint_vpc", endpoint_vpc.address.as_str()),
        ("note", note.as_str()),
        ("answer", answer.as_str()),
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
            target.name,
            service_text(graph, target.endpoint),
            endpoint_vpc.address
        ),
    });
    if let (Answer::NoRecord, Some(zone)) = (resolution.answer, authority) {
        let z = graph.get(zone);
        related.push(Related {
            resource: z.address.clone(),
            span: z.span,
            message: format!(
                "associated with {}: add an alias record for {dns_name} to the DNS name of {} (dns_entry, DnsEntries), or remove the association",
                vpc.address, endpoint.address
            ),
        });
    }
    Diagnostic {
        related,
        path,
        severity,
        assumptions: assumption.into_iter().collect(),
        ..meta.finding(&args, &vpc.address, vpc.span, reach.vpc)
    }
}

/// Whether the endpoint is for an endpoint service of the code (not an AWS service).
fn own_service(graph: &Graph, endpoint: ResourceId) -> bool {
    matches!(&graph.get(endpoint).kind, Kind::Endpoint(e)
        if e.service_name.as_ref().and_then(Prop::target)
            .is_some_and(|s| matches!(graph.get(s).kind, Kind::EndpointService(_))))
}

/// The endpoint's service as written: the service name, or the endpoint service of the code
/// it names.
fn service_text(graph: &Graph, endpoint: ResourceId) -> String {
    let Kind::Endpoint(e) = &graph.get(endpoint).kind else {
        return String::new();
    };
    match e.service_name.as_ref() {
        Some(p) => match (p.known_value(), p.target()) {
            (Some(s), _) => s.to_string(),
            (None, Some(service)) => graph.get(service).address.clone(),
            (None, None) => String::new(),
        },
        None => String::new(),
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
