//! DNS005: an interface endpoint with private DNS in a VPC where something else already
//! answers for the same name: another endpoint for the same service with private DNS, or a
//! private hosted zone of that exact name associated directly with the VPC. AWS rejects
//! the second at creation ("conflicting DNS domain", `ConflictingDomainExists`).
//!
//! Exact names only: whether a zone for a parent (`amazonaws.com`) conflicts is not
//! verified, and what a Route 53 Profile carries is weighed by precedence, not rejected.

use super::service_dns::endpoint_dns_name;
use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::Related;
use crate::model::{Graph, Kind, ResourceId, SymStr, Undecided};
use crate::reach::dns::{same_domain, Dns};

pub struct Dns005;

/// What may already answer for the endpoint's name in its VPC.
enum Rival {
    Endpoint(ResourceId),
    Zone { zone: ResourceId, via: ResourceId },
}

/// Private DNS of an interface endpoint: on, off, or why it is not known (type, setting).
fn private_dns_on(graph: &Graph, dns: &Dns<'_>, id: ResourceId) -> Result<bool, Undecided> {
    let r = graph.get(id);
    let Kind::Endpoint(e) = &r.kind else {
        return Ok(false);
    };
    let on = match dns.private_dns(id) {
        None => false,
        Some(p) => match p.known_value() {
            Some(on) => *on,
            None => {
                return Err(p.undecided(graph).expect("not known").context(format!(
                    "whether private DNS is on for {} is not known",
                    r.address
                )))
            }
        },
    };
    if !on {
        return match dns.private_dns_unknown(id) {
            Some(why) => Err(why.clone()),
            None => Ok(false),
        };
    }
    match e.is_interface() {
        Some(i) => Ok(i),
        None => Err(e
            .endpoint_type
            .as_ref()
            .and_then(|t| t.undecided(graph))
            .expect("an endpoint type that is not known")
            .context(format!("the type of {} is not known", r.address))),
    }
}

/// The endpoint's service name when written (the same name is the same service), and the
/// name its private DNS answers for.
fn endpoint_name(graph: &Graph, id: ResourceId) -> Result<(Option<SymStr>, SymStr), Undecided> {
    let name = endpoint_dns_name(graph, id)?;
    let service = match &graph.get(id).kind {
        Kind::Endpoint(e) => e
            .service_name
            .as_ref()
            .and_then(|p| p.known_value())
            .cloned(),
        _ => None,
    };
    Ok((service, name))
}

impl Rule for Dns005 {
    /// An endpoint that may be an interface endpoint with private DNS.
    type Subject = ResourceId;

    fn new(_: &RuleContext<'_>) -> Self {
        Dns005
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<ResourceId> {
        ctx.dns().private_dns_candidates()
    }

    #[allow(clippy::too_many_lines)]
    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, &id: &ResourceId) -> Verdict {
        let graph = ctx.graph;
        let dns = ctx.dns();
        match private_dns_on(graph, dns, id) {
            Ok(true) => {}
            Ok(false) => return Verdict::Pass,
            Err(why) => return Verdict::unchecked(id, why),
        }
        let endpoint = graph.get(id);
        let Kind::Endpoint(e) = &endpoint.kind else {
            unreachable!("subjects are endpoints");
        };
        let Some(vpc) = e.vpc.target() else {
            let why = e.vpc.undecided(graph).unwrap_or_else(|| {
                Undecided::new("a literal id of a VPC outside the code", e.vpc.span)
            });
            return Verdict::unchecked(
                id,
                why.context(format!("the VPC of {} is not known", endpoint.address)),
            );
        };
        // What else answers names in the VPC (before the name is needed: with nothing else,
        // nothing conflicts whatever the name).
        let mut rivals = Vec::new();
        let mut undecided: Option<Undecided> = None;
        for &other in dns.endpoints_in(vpc) {
            // Each pair once: the endpoint that comes second in the code is reported.
            if other >= id {
                continue;
            }
            match private_dns_on(graph, dns, other) {
                Ok(true) => rivals.push(Rival::Endpoint(other)),
                Ok(false) => {}
                Err(why) => {
                    undecided.get_or_insert(why);
                }
            }
        }
        for zone in dns.direct_zones(vpc) {
            match zone {
                Ok((zone, via)) => rivals.push(Rival::Zone { zone, via }),
                Err(why) => {
                    undecided.get_or_insert(why);
                }
            }
        }
        if rivals.is_empty() && undecided.is_none() && !dns.has_floating() {
            return Verdict::Pass;
        }
        let (service, name) = match endpoint_name(graph, id) {
            Ok(n) => n,
            Err(why) => return Verdict::unchecked(id, why),
        };
        if let Some(why) = dns.floating_cover(&name) {
            undecided.get_or_insert(why);
        }
        for rival in rivals {
            let (other, what, related) = match rival {
                Rival::Endpoint(other) => {
                    let same = match endpoint_name(graph, other) {
                        Ok((Some(s), _)) if service.as_ref() == Some(&s) => Some(true),
                        Ok((_, n)) => same_domain(&n, &name),
                        Err(why) => {
                            undecided.get_or_insert(why);
                            continue;
                        }
                    };
                    match same {
                        Some(true) => {}
                        Some(false) => continue,
                        None => {
                            undecided.get_or_insert_with(|| {
                                Undecided::new(
                                    name.unknown_part()
                                        .unwrap_or_else(|| "a value is not known".to_owned()),
                                    graph.get(other).span,
                                )
                                .context(format!(
                                    "whether {} is for the same service as {} is not known",
                                    graph.get(other).address,
                                    endpoint.address
                                ))
                            });
                            continue;
                        }
                    }
                    let o = graph.get(other);
                    (
                        other,
                        format!(
                            "interface endpoint {} (same service, private DNS on)",
                            o.address
                        ),
                        vec![Related {
                            resource: o.address.clone(),
                            span: o.span,
                            message: format!(
                                "also answers for {name} in this VPC with its private DNS"
                            ),
                        }],
                    )
                }
                Rival::Zone { zone, via } => {
                    let z = graph.get(zone);
                    let Kind::HostedZone(h) = &z.kind else {
                        unreachable!("direct zones are zones");
                    };
                    let zone_name = match h.name.as_ref().map(|p| (p, p.known_value())) {
                        Some((_, Some(n))) => n,
                        Some((p, None)) => {
                            undecided.get_or_insert_with(|| {
                                p.undecided(graph)
                                    .expect("not known")
                                    .context(format!("the name of {} is not known", z.address))
                            });
                            continue;
                        }
                        None => continue,
                    };
                    match same_domain(zone_name, &name) {
                        Some(true) => {}
                        Some(false) => continue,
                        None => {
                            undecided.get_or_insert_with(|| {
                                Undecided::new(
                                    zone_name
                                        .unknown_part()
                                        .or_else(|| name.unknown_part())
                                        .unwrap_or_else(|| "a value is not known".to_owned()),
                                    z.span,
                                )
                                .context(format!(
                                    "whether the zone {} ({zone_name}) is named {name} is not known",
                                    z.address
                                ))
                            });
                            continue;
                        }
                    }
                    let mut related = vec![Related {
                        resource: z.address.clone(),
                        span: z.span,
                        message: format!("private hosted zone {zone_name}"),
                    }];
                    if via != zone {
                        let a = graph.get(via);
                        related.push(Related {
                            resource: a.address.clone(),
                            span: a.span,
                            message: "associates it with the endpoint's VPC".to_owned(),
                        });
                    }
                    (
                        zone,
                        format!(
                            "private hosted zone {} ({zone_name}) associated with it",
                            z.address
                        ),
                        related,
                    )
                }
            };
            let v = graph.get(vpc);
            let dns_name = name.to_string();
            let args = [
                ("endpoint", endpoint.address.as_str()),
                ("dns_name", dns_name.as_str()),
                ("vpc", v.address.as_str()),
                ("other", what.as_str()),
            ];
            let span = dns.private_dns(id).map_or(endpoint.span, |p| p.span);
            let mut d = meta.finding(&args, &endpoint.address, span, id);
            d.related = related;
            d.path = vec![
                v.address.clone(),
                graph.get(other).address.clone(),
                endpoint.address.clone(),
            ];
            return Verdict::finding(d);
        }
        match undecided {
            Some(why) => Verdict::unchecked(id, why),
            None => Verdict::Pass,
        }
    }

    fn name(&self, ctx: &RuleContext<'_>, id: &ResourceId) -> String {
        resource_name(ctx, *id)
    }
}
