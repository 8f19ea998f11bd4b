//! DNS004: a centralized interface endpoint (private DNS off, a zone of the code points the
//! service's name at it) whose name does not resolve to it in a VPC with workloads that
//! reaches it.
//!
//! DNS008 (`endpoint_name_not_resolvable`) shares the subjects' shape: endpoints with
//! private DNS off, and their consumers.

use super::endpoint_private_dns_not_visible::consequence;
use super::service_dns::endpoint_dns_name;
use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::{Graph, Kind, Prop, RecordEntry, ResourceId, SymStr, Undecided};
use crate::reach::dns::{qualify, same_domain, Answer, Authority, Dns, Resolution};

/// An interface endpoint with private DNS off, its service's DNS name, and its consumers.
pub(crate) struct Shared {
    pub endpoint: ResourceId,
    pub endpoint_vpc: ResourceId,
    pub name: Result<SymStr, Undecided>,
    /// Why the endpoint's questions cannot be decided (its type or VPC is not known).
    pub blocked: Option<Undecided>,
}

/// The interface endpoints of the unit whose private DNS is off (as written, or omitted:
/// the Terraform and CloudFormation default).
pub(crate) fn private_dns_off(ctx: &RuleContext<'_>, dns: &Dns<'_>) -> Vec<Shared> {
    let graph = ctx.graph;
    let mut out = Vec::new();
    let untyped = ctx
        .analysis
        .untyped_endpoints
        .iter()
        .map(|(e, why)| (*e, Some(why)));
    for (id, type_unknown) in ctx
        .analysis
        .endpoints
        .iter()
        .map(|e| (*e, None))
        .chain(untyped)
    {
        let Kind::Endpoint(e) = &graph.get(id).kind else {
            continue;
        };
        if dns
            .private_dns(id)
            .is_some_and(|p| p.known_value() != Some(&false))
        {
            continue;
        }
        let address = &graph.get(id).address;
        let mut blocked = type_unknown.cloned();
        let endpoint_vpc = e.vpc.target().unwrap_or_else(|| {
            blocked.get_or_insert_with(|| {
                e.vpc
                    .undecided(graph)
                    .unwrap_or_else(|| {
                        Undecided::new("a literal id of a VPC outside the code", e.vpc.span)
                    })
                    .context(format!("the VPC of {address} is not known"))
            });
            id
        });
        let name = endpoint_dns_name(graph, id);
        out.push(Shared {
            endpoint: id,
            endpoint_vpc,
            name,
            blocked,
        });
    }
    out
}

/// The VPCs with workloads that use an endpoint: its own VPC when it has workloads, and the
/// VPCs whose workloads' routes cross to it (index into `vpc_reach`, or `None` for its own).
pub(crate) fn consumers(
    ctx: &RuleContext<'_>,
    shared: &Shared,
) -> Vec<(ResourceId, Option<usize>)> {
    let mut out = Vec::new();
    if ctx
        .analysis
        .consumers
        .by_vpc
        .contains_key(&shared.endpoint_vpc)
    {
        out.push((shared.endpoint_vpc, None));
    }
    for (n, r) in ctx.analysis.vpc_reach.iter().enumerate() {
        if r.endpoint == shared.endpoint {
            out.push((r.vpc, Some(n)));
        }
    }
    out
}

pub struct Dns004 {
    /// The endpoints a record of the code points at (or may point at: a target that is not
    /// known, in a record that may be for the name).
    shared: Vec<(Shared, Option<Undecided>)>,
}

pub enum Question {
    Consumer {
        shared: usize,
        vpc: ResourceId,
        reach: Option<usize>,
    },
    /// An endpoint whose consumers cannot be asked: why.
    Endpoint(usize),
}

impl Rule for Dns004 {
    type Subject = Question;

    fn new(ctx: &RuleContext<'_>) -> Self {
        let dns = ctx.dns();
        Dns004 {
            shared: private_dns_off(ctx, dns)
                .into_iter()
                .filter_map(|s| {
                    let (found, unknown) = dns.records_pointing_at(s.endpoint, None);
                    if found.is_empty() {
                        unknown.map(|why| (s, Some(why)))
                    } else {
                        Some((s, None))
                    }
                })
                .collect(),
        }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Question> {
        let mut out = Vec::new();
        for (n, (s, maybe)) in self.shared.iter().enumerate() {
            if s.blocked.is_some() || s.name.is_err() || maybe.is_some() {
                out.push(Question::Endpoint(n));
                continue;
            }
            for (vpc, reach) in consumers(ctx, s) {
                out.push(Question::Consumer {
                    shared: n,
                    vpc,
                    reach,
                });
            }
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, q: &Question) -> Verdict {
        let graph = ctx.graph;
        let (shared, vpc, reach) = match *q {
            Question::Endpoint(n) => {
                let (s, maybe) = &self.shared[n];
                let why = s
                    .blocked
                    .clone()
                    .or_else(|| s.name.clone().err())
                    .or_else(|| maybe.clone())
                    .expect("a blocked endpoint");
                return Verdict::unchecked(s.endpoint, why);
            }
            Question::Consumer { shared, vpc, reach } => (&self.shared[shared].0, vpc, reach),
        };
        let q = Consumer { vpc, reach };
        if let Some(n) = q.reach {
            let reach = &ctx.analysis.vpc_reach[n];
            if let Err(why) = &reach.workloads {
                return Verdict::unchecked(q.vpc, why.clone());
            }
            if let Err(why) = &reach.path {
                return Verdict::unchecked(q.vpc, why.clone());
            }
        }
        let Ok(name) = &shared.name else {
            unreachable!("endpoints without a name are asked as such");
        };
        let dns = ctx.dns();
        let mut resolution = match dns.resolve(q.vpc, name) {
            Ok(r) => r,
            Err(why) => return Verdict::unchecked(q.vpc, why),
        };
        if matches!(resolution.answer, Answer::DnsOff | Answer::Bypassed { .. })
            && resolution.resolved_in == q.vpc
        {
            // The consumer's own DNS plumbing: DNS007 reports it when the zones would answer
            // with the endpoint; otherwise what its resolver would answer is the problem.
            resolution = match dns.resolve_past_plumbing(q.vpc, name) {
                Ok(r) => r,
                Err(why) => return Verdict::unchecked(q.vpc, why),
            };
        }
        if matches!(resolution.answer, Answer::Endpoint(_)) {
            return Verdict::Pass;
        }
        if resolution.answer == Answer::Forwarded {
            let rule = match resolution.authority {
                Some(Authority::Rule { rule, .. }) => graph.get(rule),
                _ => graph.get(q.vpc),
            };
            return Verdict::unchecked(
                q.vpc,
                Undecided::new(
                    format!(
                        "{} forwards {name} to name servers outside the code",
                        rule.address
                    ),
                    rule.span,
                ),
            );
        }
        let (pointing, _) = dns.records_pointing_at(shared.endpoint, Some(name));
        Verdict::finding(diagnostic(
            ctx,
            meta,
            dns,
            shared,
            q.vpc,
            name,
            &resolution,
            &pointing,
        ))
    }

    fn name(&self, ctx: &RuleContext<'_>, q: &Question) -> String {
        match *q {
            Question::Consumer { shared, vpc, .. } => format!(
                "{} -> {}",
                resource_name(ctx, vpc),
                resource_name(ctx, self.shared[shared].0.endpoint)
            ),
            Question::Endpoint(n) => resource_name(ctx, self.shared[n].0.endpoint),
        }
    }
}

struct Consumer {
    vpc: ResourceId,
    reach: Option<usize>,
}

/// The zone (and record) of the code that points at the endpoint, preferring one that
/// answers for the name.
fn pointing_zone(
    dns: &Dns<'_>,
    graph: &Graph,
    name: &SymStr,
    pointing: &[(ResourceId, &RecordEntry)],
) -> Option<(ResourceId, ResourceId, bool)> {
    let mut first = None;
    for &(record, entry) in pointing {
        let Some(zone) = dns.zone_of_record(record) else {
            continue;
        };
        let Kind::HostedZone(z) = &graph.get(zone).kind else {
            continue;
        };
        let answers = match (
            z.name.as_ref().and_then(Prop::known_value),
            entry.name.as_ref().and_then(Prop::known_value),
        ) {
            (Some(zn), Some(written)) => {
                let fqdn = qualify(written, zn);
                let wildcard = fqdn.encoded().strip_prefix("*.").map(SymStr::from_encoded);
                same_domain(name, &fqdn) != Some(false)
                    || wildcard.is_some_and(|p| name.covered_by(&p) != Some(false))
            }
            _ => true,
        };
        if answers {
            return Some((zone, record, true));
        }
        first.get_or_insert((zone, record, false));
    }
    first
}

#[allow(clippy::too_many_arguments)]
fn diagnostic(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    dns: &Dns<'_>,
    shared: &Shared,
    vpc: ResourceId,
    name: &SymStr,
    resolution: &Resolution,
    pointing: &[(ResourceId, &RecordEntry)],
) -> Diagnostic {
    let graph = ctx.graph;
    let v = graph.get(vpc);
    let endpoint = graph.get(shared.endpoint);
    let zone = pointing_zone(dns, graph, name, pointing);
    let zone_address = zone.map_or_else(
        || "a private hosted zone".to_owned(),
        |(z, _, _)| graph.get(z).address.clone(),
    );
    let zone_name = zone
        .and_then(|(z, _, _)| match &graph.get(z).kind {
            Kind::HostedZone(h) => h
                .name
                .as_ref()
                .and_then(Prop::known_value)
                .map(ToString::to_string),
            _ => None,
        })
        .unwrap_or_default();
    let authority = resolution.authority.map(|a| match a {
        Authority::Zone { zone, .. } => zone,
        Authority::Rule { rule, .. } => rule,
        Authority::PrivateDns { endpoint, .. } => endpoint,
    });
    let authority_address = authority.map(|a| graph.get(a).address.clone());
    let (reason, fix) = match resolution.answer {
        Answer::Public if zone.is_some_and(|(_, _, answers)| !answers) => (
            format!("the zone that points at the endpoint, {zone_address}, is named {zone_name}, which does not answer for {name}, so {name} resolves to the service's public IPs"),
            format!("point a zone named {name} (or a parent) at {} and associate it with {}, or correct the name of {zone_address} (another region's or service's name)", endpoint.address, v.address),
        ),
        Answer::Public => (
            format!("no private hosted zone for {name} is associated with it, so {name} resolves to the service's public IPs"),
            format!("associate {zone_address} with {} (an aws_route53_zone_association, a vpc block of the zone, or HostedZone VPCs; across accounts with an aws_route53_vpc_association_authorization), or share it through a Route 53 Profile associated with {}", v.address, v.address),
        ),
        Answer::NoRecord => (
            format!("{} answers for names under it there and has no record for {name}, so the name does not resolve (NXDOMAIN)", authority_address.clone().unwrap_or_default()),
            format!("add an alias record for {name} to the DNS name of {} in {}", endpoint.address, authority_address.clone().unwrap_or_default()),
        ),
        Answer::Elsewhere { record } => (
            format!("{} answers {name} with something other than the endpoint", graph.get(record).address),
            format!("point {} at the DNS name of {} (dns_entry, DnsEntries)", graph.get(record).address, endpoint.address),
        ),
        Answer::Bypassed { options } => (
            format!("its DHCP options {} send its queries to name servers other than its Amazon-provided resolver, which never see the private hosted zones", graph.get(options).address),
            format!("use AmazonProvidedDNS in {} (with Resolver rules for other domains), or make those name servers forward {name} to the VPC's resolver", graph.get(options).address),
        ),
        Answer::DnsOff => (
            "DNS support is off in it, so private hosted zones do not answer there".to_owned(),
            format!("set enable_dns_support (EnableDnsSupport) and enable_dns_hostnames to true on {}", v.address),
        ),
        Answer::Endpoint(_) | Answer::Forwarded => unreachable!("decided before"),
    };
    let (mut severity, mut consequence, assumption) =
        consequence(graph, &v.address, ctx.analysis.consumers.egress.get(&vpc));
    if resolution.answer == Answer::NoRecord {
        severity = Severity::Error;
        consequence = format!(", so calls from {} to the service fail", v.address);
    }
    let args = [
        ("vpc", v.address.as_str()),
        ("endpoint", endpoint.address.as_str()),
        ("dns_name", &name.to_string()),
        ("reason", reason.as_str()),
        ("consequence", consequence.as_str()),
        ("fix", fix.as_str()),
    ];
    let mut related = Vec::new();
    if let Some((z, record, _)) = zone {
        related.push(Related {
            resource: graph.get(z).address.clone(),
            span: graph.get(z).span,
            message: format!(
                "private hosted zone {zone_name}, associated with {}",
                list(graph, &dns.zone_vpcs(z))
            ),
        });
        related.push(Related {
            resource: graph.get(record).address.clone(),
            span: graph.get(record).span,
            message: format!("points at {}", endpoint.address),
        });
    }
    let private_dns_span = match &endpoint.kind {
        Kind::Endpoint(e) => e.private_dns.as_ref().map_or(endpoint.span, |p| p.span),
        _ => endpoint.span,
    };
    related.push(Related {
        resource: endpoint.address.clone(),
        span: private_dns_span,
        message: "private DNS is off: only records of the code make the service's name resolve to this endpoint".to_owned(),
    });
    let mut path = vec![v.address.clone()];
    // Resources only (the graph draws the path): the zone or rule that answers, if any.
    path.extend(authority_address);
    path.push(endpoint.address.clone());
    Diagnostic {
        related,
        path,
        severity,
        assumptions: assumption.into_iter().collect(),
        ..meta.finding(&args, &v.address, v.span, vpc)
    }
}

fn list(graph: &Graph, ids: &[ResourceId]) -> String {
    if ids.is_empty() {
        return "no VPC of the code".to_owned();
    }
    ids.iter()
        .map(|id| graph.get(*id).address.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
