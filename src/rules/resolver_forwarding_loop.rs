//! DNS006: a FORWARD rule associated with the VPC that holds its targets: an inbound
//! Resolver endpoint of that VPC, its own outbound endpoint, or the VPC's own resolver
//! (base + 2). Queries loop, or are sent to an endpoint that does not answer them.

use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::Related;
use crate::model::cidr::parse_ipv4;
use crate::model::{Graph, Kind, Prop, ResourceId, Undecided, Val};
use crate::reach::dns::same_domain;
use crate::reach::vpc_cidrs;

pub struct Dns006 {
    associations: Vec<ResourceId>,
}

/// The VPC of a resolver endpoint (its first subnet's).
fn endpoint_vpc(graph: &Graph, endpoint: ResourceId) -> Result<Option<ResourceId>, Undecided> {
    let r = graph.get(endpoint);
    let Kind::ResolverEndpoint(e) = &r.kind else {
        return Ok(None);
    };
    let Some(subnet) = e.subnets.first() else {
        return Ok(None);
    };
    let Some(s) = subnet.target() else {
        return Err(subnet
            .undecided(graph)
            .unwrap_or_else(|| Undecided::new("a literal subnet id", subnet.span))
            .context(format!("the subnet of {} is not known", r.address)));
    };
    match &graph.get(s).kind {
        Kind::Subnet(sub) => match sub.vpc.target() {
            Some(v) => Ok(Some(v)),
            None => Err(sub
                .vpc
                .undecided(graph)
                .unwrap_or_else(|| Undecided::new("a literal VPC id", sub.vpc.span))
                .context(format!("the VPC of {} is not known", graph.get(s).address))),
        },
        _ => Ok(None),
    }
}

impl Rule for Dns006 {
    type Subject = ResourceId;

    fn new(ctx: &RuleContext<'_>) -> Self {
        Dns006 {
            associations: ctx
                .graph
                .iter()
                .filter(|(_, r)| matches!(r.kind, Kind::ResolverRuleAssociation(_)))
                .map(|(id, _)| id)
                .collect(),
        }
    }

    fn subjects(&self, _ctx: &RuleContext<'_>) -> Vec<ResourceId> {
        self.associations.clone()
    }

    #[allow(clippy::too_many_lines)]
    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, id: &ResourceId) -> Verdict {
        let graph = ctx.graph;
        let assoc_r = graph.get(*id);
        let Kind::ResolverRuleAssociation(assoc) = &assoc_r.kind else {
            unreachable!("subjects are rule associations");
        };
        let unknown = |p: &Prop<()>, what: &str| {
            p.undecided(graph)
                .unwrap_or_else(|| {
                    Undecided::new("a literal id of a resource outside the code", p.span)
                })
                .context(format!("{what} of {} is not known", assoc_r.address))
        };
        let Some(rule) = assoc.rule.target() else {
            return Verdict::unchecked(*id, unknown(&assoc.rule, "the rule"));
        };
        let Some(vpc) = assoc.vpc.target() else {
            return Verdict::unchecked(*id, unknown(&assoc.vpc, "the VPC"));
        };
        let rule_r = graph.get(rule);
        let Kind::ResolverRule(rr) = &rule_r.kind else {
            return Verdict::Pass;
        };
        match rr.rule_type.as_ref().map(|t| (t, t.known_value())) {
            Some((_, Some(t))) if t.eq_ignore_ascii_case("FORWARD") => {}
            Some((t, None)) => {
                let why = t.undecided(graph).expect("not known");
                return Verdict::unchecked(
                    *id,
                    why.context(format!("the type of {} is not known", rule_r.address)),
                );
            }
            _ => return Verdict::Pass,
        }
        let dns = ctx.dns();
        let own_resolvers: Vec<u32> = vpc_cidrs(graph, ctx.index, vpc)
            .iter()
            .filter_map(|c| c.known_value().map(|c| c.addr().wrapping_add(2)))
            .collect();
        let mut undecided: Option<Undecided> = None;
        let mut found: Option<(String, ResourceId)> = None;
        for ip in &rr.target_ips {
            let hit = match &ip.val {
                Val::Ref(target, _) => match endpoint_vpc(graph, *target) {
                    Ok(Some(found_vpc)) if found_vpc == vpc => {
                        let t = graph.get(*target);
                        let outbound = matches!(&t.kind, Kind::ResolverEndpoint(e)
                            if e.direction.as_ref().and_then(Prop::known_value).is_some_and(|d| d.eq_ignore_ascii_case("OUTBOUND")));
                        Some((
                            if outbound {
                                format!("the IPs of its own outbound endpoint {}, which does not answer queries", t.address)
                            } else {
                                format!("the IPs of {}", t.address)
                            },
                            *target,
                        ))
                    }
                    Ok(_) => None,
                    Err(why) => {
                        undecided.get_or_insert(why);
                        None
                    }
                },
                Val::Known(text) => match parse_ipv4(text) {
                    Some(addr) if own_resolvers.contains(&addr) => Some((
                        format!("{text}, the VPC's own Amazon-provided resolver"),
                        vpc,
                    )),
                    Some(addr) => match dns.inbound_endpoint_vpc(addr) {
                        Ok(Some(found_vpc)) if found_vpc == vpc => {
                            Some((format!("{text}, an inbound Resolver endpoint in it"), vpc))
                        }
                        Ok(_) => None,
                        Err(why) => {
                            undecided.get_or_insert(why);
                            None
                        }
                    },
                    None => None,
                },
                Val::Unknown(_) => {
                    let why = ip.undecided(graph).expect("not known");
                    undecided.get_or_insert(
                        why.context(format!("a target IP of {} is not known", rule_r.address)),
                    );
                    None
                }
            };
            if hit.is_some() {
                found = hit;
                break;
            }
        }
        let Some((target, target_id)) = found else {
            return match undecided {
                Some(why) => Verdict::unchecked(*id, why),
                None => Verdict::Pass,
            };
        };
        let domain = rr.domain_name.as_ref().and_then(Prop::known_value);
        // A SYSTEM rule for the same domain associated with the VPC wins and breaks the loop;
        // one that may be (a value not known) leaves the association unchecked.
        let mut maybe_system: Option<Undecided> = None;
        for (other_id, other) in graph.iter() {
            let Kind::ResolverRuleAssociation(other_assoc) = &other.kind else {
                continue;
            };
            if other_id == *id {
                continue;
            }
            let note = |p: Option<Undecided>| {
                p.unwrap_or_else(|| Undecided::new("a literal id", other.span))
                    .context(format!(
                        "whether {} associates a SYSTEM rule for the domain with the VPC is not known",
                        other.address
                    ))
            };
            match other_assoc.vpc.target() {
                Some(v) if v == vpc => {}
                Some(_) => continue,
                None => {
                    maybe_system.get_or_insert_with(|| note(other_assoc.vpc.undecided(graph)));
                    continue;
                }
            }
            let Some(system_rule) = other_assoc.rule.target() else {
                maybe_system.get_or_insert_with(|| note(other_assoc.rule.undecided(graph)));
                continue;
            };
            let Kind::ResolverRule(s) = &graph.get(system_rule).kind else {
                continue;
            };
            let is_system = match s.rule_type.as_ref().map(|t| (t, t.known_value())) {
                Some((_, Some(t))) => t.eq_ignore_ascii_case("SYSTEM"),
                Some((t, None)) => {
                    maybe_system.get_or_insert_with(|| note(t.undecided(graph)));
                    continue;
                }
                None => false,
            };
            if !is_system {
                continue;
            }
            let theirs = s.domain_name.as_ref();
            match (domain, theirs.and_then(Prop::known_value)) {
                (Some(a), Some(b)) if same_domain(a, b) == Some(true) => return Verdict::Pass,
                (Some(a), Some(b)) if same_domain(a, b) == Some(false) => {}
                (None, _) => {
                    let d = rr.domain_name.as_ref().and_then(|d| d.undecided(graph));
                    maybe_system.get_or_insert_with(|| note(d));
                }
                _ => {
                    maybe_system
                        .get_or_insert_with(|| note(theirs.and_then(|d| d.undecided(graph))));
                }
            }
        }
        if let Some(why) = maybe_system {
            return Verdict::unchecked(*id, why);
        }
        let domain = domain.map_or_else(|| "its domain".to_owned(), ToString::to_string);
        let v = graph.get(vpc);
        let args = [
            ("rule", rule_r.address.as_str()),
            ("domain", domain.as_str()),
            ("target", target.as_str()),
            ("vpc", v.address.as_str()),
            ("association", assoc_r.address.as_str()),
        ];
        let mut d = meta.finding(&args, &assoc_r.address, assoc_r.span, *id);
        d.related.push(Related {
            resource: rule_r.address.clone(),
            span: rule_r.span,
            message: format!("forwards {domain} to {target}"),
        });
        d.path = vec![
            v.address.clone(),
            rule_r.address.clone(),
            graph.get(target_id).address.clone(),
        ];
        Verdict::finding(d)
    }

    fn name(&self, ctx: &RuleContext<'_>, id: &ResourceId) -> String {
        resource_name(ctx, *id)
    }
}
