//! NET001: an interface endpoint's security groups admit no HTTPS (TCP 443) from a
//! consumer in another VPC that routes to it.

use std::collections::BTreeSet;

use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Graph, Index, IngressRule, Ipv4Net, Kind, Prop, ResourceId, Val};

/// Does one rule admit TCP 443 from `cidr`? `None` when it depends on something unknown.
fn admits(rule: &IngressRule, cidr: Ipv4Net) -> Option<bool> {
    let protocol = match rule.protocol.as_ref().map(|p| &p.val) {
        Some(Val::Known(p)) => p.to_ascii_lowercase(),
        // CloudFormation and Terraform both require the protocol; absent means unreadable.
        _ => return None,
    };
    let all_traffic = matches!(protocol.as_str(), "-1" | "all");
    if !(all_traffic || matches!(protocol.as_str(), "tcp" | "6")) {
        return Some(false);
    }
    if !all_traffic {
        let from = rule.from_port.as_ref().map(|p| &p.val);
        let to = rule.to_port.as_ref().map(|p| &p.val);
        match (from, to) {
            (Some(Val::Known(from)), Some(Val::Known(to))) => {
                let covers = (*from <= 443 && 443 <= *to) || (*from == -1 && *to == -1);
                if !covers {
                    return Some(false);
                }
            }
            _ => return None,
        }
    }
    let mut answer = Some(false);
    if let Some(cidrs) = &rule.cidrs {
        match &cidrs.val {
            Val::Known(items) => {
                for c in items {
                    match &c.val {
                        Val::Known(net) if net.overlaps(cidr) => return Some(true),
                        Val::Known(_) => {}
                        _ => answer = None,
                    }
                }
            }
            _ => answer = None,
        }
    }
    // Membership of another group, or a prefix list's contents: not in the model.
    let references = rule
        .source_security_groups
        .as_ref()
        .is_some_and(|g| !matches!(&g.val, Val::Known(items) if items.is_empty()));
    if references || rule.prefix_lists.is_some() {
        answer = None;
    }
    answer
}

/// The rules of the endpoint's groups, and how to name the groups; `None` when the groups
/// are not known.
fn endpoint_rules<'g>(
    graph: &'g Graph,
    index: &Index,
    endpoint: ResourceId,
) -> Option<(Vec<&'g IngressRule>, String)> {
    let Kind::Endpoint(e) = &graph.get(endpoint).kind else {
        return None;
    };
    let associated: Vec<&Prop<()>> = index
        .endpoint_associations
        .get(&endpoint)
        .into_iter()
        .flatten()
        .filter_map(|&a| match &graph.get(a).kind {
            Kind::EndpointAssociation(assoc) => assoc.security_group.as_ref(),
            _ => None,
        })
        .collect();
    // The groups written on the endpoint and added by association resources; none (an
    // omitted or empty list) means the VPC's default security group.
    let mut groups: Vec<ResourceId> = match &e.security_groups {
        None => Vec::new(),
        Some(list) => list.targets()?,
    };
    for group in associated {
        groups.push(group.target()?);
    }
    let uses_default_group = groups.is_empty();
    if uses_default_group {
        let vpc = e.vpc.target()?;
        match index.vpc_default_security_group.get(&vpc) {
            Some(&group) => groups.push(group),
            // The unmanaged default group admits only its own members.
            None => {
                return Some((
                    Vec::new(),
                    "the VPC's default security group, which admits only its own members"
                        .to_owned(),
                ))
            }
        }
    }
    let mut rules = Vec::new();
    for &group in &groups {
        let Kind::SecurityGroup(g) = &graph.get(group).kind else {
            return None;
        };
        rules.extend(g.ingress.iter());
        for &rule in index.group_ingress.get(&group).into_iter().flatten() {
            if let Kind::SecurityGroupIngress(i) = &graph.get(rule).kind {
                rules.push(&i.rule);
            }
        }
    }
    let names: Vec<&str> = groups
        .iter()
        .map(|g| graph.get(*g).address.as_str())
        .collect();
    let label = if uses_default_group {
        format!("the VPC's default security group {}", names.join(", "))
    } else {
        format!("its security groups {}", names.join(", "))
    };
    Some((rules, label))
}

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    let graph = ctx.graph;
    let mut seen = BTreeSet::new();
    for reachable in &ctx.analysis.reachable {
        if !reachable.path.kind.is_crossing()
            || !seen.insert((reachable.endpoint, reachable.subnet))
        {
            continue;
        }
        let Kind::Subnet(subnet) = &graph.get(reachable.subnet).kind else {
            continue;
        };
        let Some(cidr) = subnet.cidr.as_ref().and_then(Prop::known_value).copied() else {
            continue;
        };
        let Some((rules, groups)) = endpoint_rules(graph, ctx.index, reachable.endpoint) else {
            continue;
        };
        let mut verdict = Some(false);
        for rule in &rules {
            match admits(rule, cidr) {
                Some(true) => {
                    verdict = Some(true);
                    break;
                }
                Some(false) => {}
                None => verdict = None,
            }
        }
        if verdict != Some(false) {
            continue;
        }
        let endpoint = graph.get(reachable.endpoint);
        let compute = graph.get(ctx.analysis.computes[reachable.compute].id);
        let cidr_text = cidr.to_string();
        let path_kind = reachable.path.kind.describe();
        let args = [
            ("endpoint", endpoint.address.as_str()),
            ("consumer", compute.address.as_str()),
            ("cidr", cidr_text.as_str()),
            ("groups", groups.as_str()),
            ("path_kind", path_kind),
        ];
        let span = match &endpoint.kind {
            Kind::Endpoint(e) => e.security_groups.as_ref().map_or(endpoint.span, |g| g.span),
            _ => endpoint.span,
        };
        let mut related = vec![Related {
            resource: compute.address.clone(),
            span: compute.span,
            message: format!("consumer in {cidr_text}"),
        }];
        let mut path = vec![compute.address.clone()];
        witness::extend(
            graph,
            &mut path,
            &mut related,
            reachable.subnet,
            &reachable.path,
            reachable.endpoint,
        );
        out.push(Diagnostic {
            related,
            path,
            ..meta.finding(&args, &endpoint.address, span, reachable.endpoint)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn rule(protocol: &str, from: i64, to: i64, cidr: &str) -> IngressRule {
        let span = Span::new(FileId(0), 0..0);
        IngressRule {
            protocol: Some(Prop::known(protocol.to_owned(), span)),
            from_port: Some(Prop::known(from, span)),
            to_port: Some(Prop::known(to, span)),
            cidrs: Some(Prop::known(
                vec![Prop::known(cidr.parse().unwrap(), span)],
                span,
            )),
            source_security_groups: None,
            self_referencing: None,
            prefix_lists: None,
            span,
        }
    }

    #[test]
    fn https_from_an_overlapping_cidr_is_admitted() {
        let consumer: Ipv4Net = "172.16.0.0/24".parse().unwrap();
        assert_eq!(
            admits(&rule("tcp", 443, 443, "172.16.0.0/16"), consumer),
            Some(true)
        );
        assert_eq!(
            admits(&rule("6", 0, 65535, "0.0.0.0/0"), consumer),
            Some(true)
        );
        assert_eq!(
            admits(&rule("-1", 0, 0, "172.16.0.128/25"), consumer),
            Some(true)
        );
        assert_eq!(
            admits(&rule("tcp", 80, 80, "172.16.0.0/16"), consumer),
            Some(false)
        );
        assert_eq!(
            admits(&rule("udp", 443, 443, "172.16.0.0/16"), consumer),
            Some(false)
        );
        assert_eq!(
            admits(&rule("tcp", 443, 443, "10.0.0.0/16"), consumer),
            Some(false)
        );
    }

    #[test]
    fn references_and_prefix_lists_are_unknown() {
        let consumer: Ipv4Net = "172.16.0.0/24".parse().unwrap();
        let span = Span::new(FileId(0), 0..0);
        let mut r = rule("tcp", 443, 443, "10.0.0.0/16");
        r.source_security_groups = Some(Prop::known(vec![Prop::unknown("sg", span)], span));
        assert_eq!(admits(&r, consumer), None);
        let mut r = rule("tcp", 443, 443, "10.0.0.0/16");
        r.prefix_lists = Some(span);
        assert_eq!(admits(&r, consumer), None);
    }
}
