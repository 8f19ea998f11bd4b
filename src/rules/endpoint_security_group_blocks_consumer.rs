//! NET001: an interface endpoint's security groups do not admit the ports its service
//! listens on (443 for most AWS services; `rules/service-ports.csv`; an endpoint service's
//! load balancer listeners) from a consumer in another VPC that routes to it.

use std::collections::BTreeMap;

use super::service_ports::{endpoint_ports, Needs, Ports};
use super::verdict::{resource_name, Rule, Unchecked, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Graph, Index, IngressRule, Ipv4Net, Kind, Prop, ResourceId, Undecided, Val};
use crate::reach::PathKind;

/// An inclusive TCP port range.
type PortRange = (i64, i64);

/// The TCP port range one rule admits from `cidr` (`None`: it admits nothing from it).
/// When that depends on something unknown: why, with the port range when it is known (so
/// that a rule for other ports cannot block a decision). `refs_admit_nothing`: the rule's
/// security-group references cannot match the consumer (across a transit gateway or
/// inter-Region peering, AWS does not support referencing for PrivateLink endpoints).
fn rule_admits(
    graph: &Graph,
    rule: &IngressRule,
    cidr: Ipv4Net,
    refs_admit_nothing: bool,
) -> Result<Option<PortRange>, (Option<PortRange>, Undecided)> {
    let protocol = match rule.protocol.as_ref() {
        Some(p) => match &p.val {
            Val::Known(p) => p.to_ascii_lowercase(),
            _ => {
                return Err((
                    None,
                    p.undecided(graph)
                        .expect("not known")
                        .context("an ingress rule's protocol is not known"),
                ))
            }
        },
        // CloudFormation and Terraform both require the protocol; absent means unreadable.
        None => {
            return Err((
                None,
                Undecided::new("an ingress rule has no protocol", rule.span),
            ))
        }
    };
    let all_traffic = matches!(protocol.as_str(), "-1" | "all");
    if !(all_traffic || matches!(protocol.as_str(), "tcp" | "6")) {
        return Ok(None);
    }
    let range = if all_traffic {
        (0, 65535)
    } else {
        let port = |p: Option<&Prop<i64>>| match p {
            Some(Prop {
                val: Val::Known(n), ..
            }) => Ok(*n),
            Some(p) => Err((
                None,
                p.undecided(graph)
                    .expect("not known")
                    .context("an ingress rule's port is not known"),
            )),
            None => Err((
                None,
                Undecided::new("an ingress rule has no port range", rule.span),
            )),
        };
        let from = port(rule.from_port.as_ref())?;
        let to = port(rule.to_port.as_ref())?;
        if from == -1 && to == -1 {
            (0, 65535)
        } else {
            (from, to)
        }
    };
    let mut answer = Ok(None);
    if let Some(cidrs) = &rule.cidrs {
        match &cidrs.val {
            Val::Known(items) => {
                for c in items {
                    match &c.val {
                        Val::Known(net) if net.overlaps(cidr) => return Ok(Some(range)),
                        Val::Known(_) => {}
                        _ => {
                            if answer.is_ok() {
                                answer = Err((
                                    Some(range),
                                    c.undecided(graph)
                                        .expect("not known")
                                        .context("an ingress rule's CIDR is not known"),
                                ));
                            }
                        }
                    }
                }
            }
            _ => {
                answer = Err((
                    Some(range),
                    cidrs
                        .undecided(graph)
                        .expect("not known")
                        .context("an ingress rule's CIDRs are not known"),
                ));
            }
        }
    }
    // Membership of another group, or a prefix list's contents: not in the model. The
    // first unknown is the one reported.
    if let Some(groups) = &rule.source_security_groups {
        let empty = matches!(&groups.val, Val::Known(items) if items.is_empty());
        if answer.is_ok() && !empty && !refs_admit_nothing {
            answer = Err((
                Some(range),
                Undecided::new(
                    "the members of a security group it references are not known",
                    groups.span,
                )
                .context("an ingress rule admits a security group"),
            ));
        }
    }
    if let (Some(span), Ok(_)) = (rule.prefix_lists, &answer) {
        answer = Err((
            Some(range),
            Undecided::new(
                "the entries of a managed prefix list are not in the code",
                span,
            )
            .context("an ingress rule admits a prefix list"),
        ));
    }
    answer
}

/// The required port ranges the rules do not admit from `cidr`: empty when the consumer is
/// admitted; why not known when a rule whose answer is not known could admit what is
/// missing.
fn missing_ports(
    graph: &Graph,
    rules: &[&IngressRule],
    cidr: Ipv4Net,
    ports: &Ports,
    refs_admit_nothing: bool,
) -> Result<Vec<(i64, i64)>, Undecided> {
    let mut admitted: Vec<(i64, i64)> = Vec::new();
    let mut unknown: Vec<(Option<(i64, i64)>, Undecided)> = Vec::new();
    for rule in rules {
        match rule_admits(graph, rule, cidr, refs_admit_nothing) {
            Ok(Some(range)) => admitted.push(range),
            Ok(None) => {}
            Err(u) => unknown.push(u),
        }
    }
    let missing: Vec<(i64, i64)> = ports
        .ranges
        .iter()
        .copied()
        .filter(|&r| !covered(&admitted, r))
        .collect();
    let satisfied = match ports.needs {
        Needs::All => missing.is_empty(),
        Needs::Any => missing.len() < ports.ranges.len(),
    };
    if satisfied {
        return Ok(Vec::new());
    }
    let could_admit = |range: Option<(i64, i64)>| {
        range.is_none_or(|(a, b)| missing.iter().any(|&(c, d)| a <= d && c <= b))
    };
    if let Some((_, why)) = unknown.into_iter().find(|(range, _)| could_admit(*range)) {
        return Err(why);
    }
    Ok(missing)
}

/// Does the union of `admitted` ranges cover `range`?
fn covered(admitted: &[(i64, i64)], range: (i64, i64)) -> bool {
    let mut sorted = admitted.to_vec();
    sorted.sort_unstable();
    let mut next = range.0;
    for (a, b) in sorted {
        if a > next {
            break;
        }
        if b >= next {
            next = b.saturating_add(1);
        }
        if next > range.1 {
            return true;
        }
    }
    next > range.1
}

/// The rules of the endpoint's groups, and how to name the groups; why not known, when the
/// groups are not.
fn endpoint_rules<'g>(
    graph: &'g Graph,
    index: &Index,
    endpoint: ResourceId,
) -> Result<(Vec<&'g IngressRule>, String), Undecided> {
    let resource = graph.get(endpoint);
    let Kind::Endpoint(e) = &resource.kind else {
        unreachable!("asked about endpoints");
    };
    let not_known = |p: &Prop<()>| {
        p.undecided(graph)
            .unwrap_or_else(|| Undecided::new("a literal security group id", p.span))
            .context("the endpoint's security groups are not known")
    };
    // The groups written on the endpoint and added by association resources; none (an
    // omitted or empty list) means the VPC's default security group.
    let mut groups: Vec<ResourceId> = Vec::new();
    if let Some(list) = &e.security_groups {
        match &list.val {
            Val::Known(items) => {
                for item in items {
                    groups.push(item.target().ok_or_else(|| not_known(item))?);
                }
            }
            _ => {
                return Err(list
                    .undecided(graph)
                    .expect("not known")
                    .context("the endpoint's security groups are not known"))
            }
        }
    }
    for &a in index
        .endpoint_associations
        .get(&endpoint)
        .into_iter()
        .flatten()
    {
        if let Kind::EndpointAssociation(assoc) = &graph.get(a).kind {
            if let Some(group) = &assoc.security_group {
                groups.push(group.target().ok_or_else(|| not_known(group))?);
            }
        }
    }
    let uses_default_group = groups.is_empty();
    if uses_default_group {
        let vpc = e.vpc.target().ok_or_else(|| {
            e.vpc
                .undecided(graph)
                .unwrap_or_else(|| Undecided::new("a literal VPC id", e.vpc.span))
                .context(
                    "the endpoint uses its VPC's default security group, and its VPC is not known",
                )
        })?;
        match index.vpc_default_security_group.get(&vpc) {
            Some(&group) => groups.push(group),
            // The unmanaged default group admits only its own members.
            None => {
                return Ok((
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
            return Err(Undecided::new(
                format!("{} is not a security group", graph.get(group).address),
                resource.span,
            ));
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
    Ok((rules, label))
}

/// Why the endpoint's groups may admit `cidr` after all: an ingress rule whose group is not
/// known, or a security group added to an endpoint that is not known, that would admit it.
fn floating_admission(ctx: &RuleContext<'_>, cidr: Ipv4Net) -> Option<Undecided> {
    let graph = ctx.graph;
    for &id in &ctx.index.floating.ingress {
        let Kind::SecurityGroupIngress(i) = &graph.get(id).kind else {
            continue;
        };
        if rule_admits(graph, &i.rule, cidr, false) != Ok(None) {
            return Some(i.group.undecided(graph).map_or_else(
                || Undecided::new("a literal security group id", i.group.span),
                |why| {
                    why.context(format!(
                        "the group {} adds a rule to is not known",
                        graph.get(id).address
                    ))
                },
            ));
        }
    }
    for &id in &ctx.index.floating.endpoint_associations {
        let Kind::EndpointAssociation(a) = &graph.get(id).kind else {
            continue;
        };
        let Some(group) = &a.security_group else {
            continue;
        };
        let admitted = match group.target().map(|g| &graph.get(g).kind) {
            Some(Kind::SecurityGroup(g)) => {
                let mut rules: Vec<&IngressRule> = g.ingress.iter().collect();
                for &r in ctx
                    .index
                    .group_ingress
                    .get(&group.target().expect("matched"))
                    .into_iter()
                    .flatten()
                {
                    if let Kind::SecurityGroupIngress(i) = &graph.get(r).kind {
                        rules.push(&i.rule);
                    }
                }
                rules
                    .iter()
                    .any(|r| rule_admits(graph, r, cidr, false) != Ok(None))
            }
            _ => true,
        };
        if admitted {
            return Some(a.endpoint.undecided(graph).map_or_else(
                || Undecided::new("a literal endpoint id", a.endpoint.span),
                |why| {
                    why.context(format!(
                        "the endpoint {} adds a security group to is not known",
                        graph.get(id).address
                    ))
                },
            ));
        }
    }
    None
}

pub struct Net001 {
    /// (endpoint, consumer subnet) → the analysis' `reachable` entries, in order.
    pairs: BTreeMap<(ResourceId, ResourceId), Vec<usize>>,
}

/// One question: do the endpoint's security groups admit the consumer?
pub enum Question {
    /// From a subnet whose routes may cross to the endpoint.
    Subnet {
        endpoint: ResourceId,
        subnet: ResourceId,
    },
    /// From a compute resource whose subnets are not known.
    UnknownSubnets(usize),
    /// To an endpoint whose type is not known.
    UntypedEndpoint(usize),
}

impl Rule for Net001 {
    type Subject = Question;

    fn new(ctx: &RuleContext<'_>) -> Self {
        let mut pairs: BTreeMap<(ResourceId, ResourceId), Vec<usize>> = BTreeMap::new();
        for (n, r) in ctx.analysis.reachable.iter().enumerate() {
            let relevant = match &r.path {
                Ok(path) => path.kind.is_crossing(),
                Err(_) => true,
            };
            if relevant {
                pairs.entry((r.endpoint, r.subnet)).or_default().push(n);
            }
        }
        Net001 { pairs }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Question> {
        let analysis = ctx.analysis;
        let mut out: Vec<Question> = self
            .pairs
            .keys()
            .map(|&(endpoint, subnet)| Question::Subnet { endpoint, subnet })
            .collect();
        out.extend(
            (0..analysis.computes.len())
                .filter(|&i| analysis.computes[i].subnets.is_err())
                .map(Question::UnknownSubnets),
        );
        if !analysis.computes.is_empty() {
            out.extend((0..analysis.untyped_endpoints.len()).map(Question::UntypedEndpoint));
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, q: &Question) -> Verdict {
        let graph = ctx.graph;
        let analysis = ctx.analysis;
        let (endpoint_id, subnet_id) = match *q {
            Question::UnknownSubnets(i) => {
                let compute = &analysis.computes[i];
                let Err(why) = &compute.subnets else {
                    unreachable!("asked only for compute resources whose subnets are not known");
                };
                return Verdict::Unchecked(Unchecked {
                    resource: compute.id,
                    why: why.clone().context("subnets unknown"),
                    if_endpoints_elsewhere: analysis.endpoints.is_empty(),
                });
            }
            Question::UntypedEndpoint(i) => {
                let (endpoint, why) = &analysis.untyped_endpoints[i];
                return Verdict::unchecked(*endpoint, why.clone());
            }
            Question::Subnet { endpoint, subnet } => (endpoint, subnet),
        };
        let entries: Vec<_> = self.pairs[&(endpoint_id, subnet_id)]
            .iter()
            .map(|&n| &analysis.reachable[n])
            .collect();
        let crossing = entries.iter().find(|r| r.path.is_ok());
        let consumer = analysis.computes[crossing.unwrap_or(&entries[0]).compute].id;
        let Kind::Subnet(subnet) = &graph.get(subnet_id).kind else {
            unreachable!("reachable entries are from subnets");
        };
        let cidr = match subnet.cidr.as_ref().map(|c| (c, &c.val)) {
            Some((_, Val::Known(cidr))) => *cidr,
            Some((c, _)) => {
                return Verdict::unchecked(
                    consumer,
                    c.undecided(graph)
                        .expect("not known")
                        .context("the consumer subnet's CIDR is not known"),
                )
            }
            None => {
                return Verdict::unchecked(
                    consumer,
                    Undecided::new("the consumer subnet has no CIDR", graph.get(subnet_id).span),
                )
            }
        };
        // A consumer whose VPC has an endpoint of its own for the service, with private DNS,
        // resolves the service's name to that one and never connects to this endpoint.
        let own = subnet.vpc.target().map_or(Ok(None), |vpc| {
            analysis.consumers.own_endpoint(graph, vpc, endpoint_id)
        });
        let uses_this = match own {
            Ok(Some(_)) => return Verdict::Pass,
            Ok(None) => Ok(()),
            Err(why) => Err(why),
        };
        let (rules, groups) = match endpoint_rules(graph, ctx.index, endpoint_id) {
            Ok(found) => found,
            Err(why) => return Verdict::unchecked(endpoint_id, why),
        };
        let Kind::Endpoint(e) = &graph.get(endpoint_id).kind else {
            unreachable!("asked about endpoints");
        };
        let ports = match endpoint_ports(graph, ctx.index, endpoint_id, e) {
            Ok(ports) => ports,
            Err(why) => return Verdict::unchecked(endpoint_id, why),
        };
        // A security-group reference never matches a consumer across a transit gateway or
        // inter-Region peering: AWS does not support it for PrivateLink endpoints. The
        // groups decide first: a consumer they admit passes whatever the path.
        let without_refs = match missing_ports(graph, &rules, cidr, &ports, true) {
            Ok(missing) if missing.is_empty() => return Verdict::Pass,
            Ok(missing) => missing,
            Err(why) => return Verdict::unchecked(endpoint_id, why),
        };
        let path_unknown = || {
            let Err(why) = &entries[0].path else {
                unreachable!("an entry without a crossing path is undecided");
            };
            Verdict::unchecked(consumer, why.clone())
        };
        let refs_admit_nothing = crossing.map(|r| {
            matches!(
                &r.path,
                Ok(p) if matches!(
                    p.kind,
                    PathKind::TransitGateway | PathKind::CloudWan | PathKind::InterRegionPeering
                )
            )
        });
        let missing = if refs_admit_nothing == Some(true) {
            without_refs
        } else {
            match missing_ports(graph, &rules, cidr, &ports, false) {
                Ok(missing) if missing.is_empty() => return Verdict::Pass,
                Ok(missing) => missing,
                // A reference that may admit the consumer over this path.
                Err(why) if refs_admit_nothing.is_some() => {
                    return Verdict::unchecked(endpoint_id, why)
                }
                // Whether the reference may admit it depends on the path.
                Err(_) => return path_unknown(),
            }
        };
        let Some(reachable) = crossing else {
            return path_unknown();
        };
        // No rule of the endpoint's groups admits the consumer: a rule or group that may
        // belong to them (its group or endpoint is not known) decides instead.
        if let Some(why) = floating_admission(ctx, cidr) {
            return Verdict::unchecked(endpoint_id, why);
        }
        // Whether the consumer uses this endpoint at all.
        if let Err(why) = uses_this {
            return Verdict::unchecked(consumer, why);
        }
        let Ok(path) = &reachable.path else {
            unreachable!("found crossing");
        };
        let endpoint = graph.get(endpoint_id);
        let compute = graph.get(consumer);
        let cidr_text = cidr.to_string();
        let path_kind = path.kind.describe();
        let ports_text = Ports::describe(&missing, ports.needs);
        let args = [
            ("endpoint", endpoint.address.as_str()),
            ("consumer", compute.address.as_str()),
            ("cidr", cidr_text.as_str()),
            ("groups", groups.as_str()),
            ("path_kind", path_kind),
            ("ports", ports_text.as_str()),
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
        let mut witness_path = vec![compute.address.clone()];
        witness::extend(
            graph,
            &mut witness_path,
            &mut related,
            subnet_id,
            path,
            endpoint_id,
        );
        Verdict::finding(Diagnostic {
            related,
            path: witness_path,
            ..meta.finding(&args, &endpoint.address, span, endpoint_id)
        })
    }

    fn name(&self, ctx: &RuleContext<'_>, q: &Question) -> String {
        match *q {
            Question::Subnet { endpoint, subnet } => {
                format!(
                    "{} <- {}",
                    resource_name(ctx, endpoint),
                    resource_name(ctx, subnet)
                )
            }
            Question::UnknownSubnets(i) => resource_name(ctx, ctx.analysis.computes[i].id),
            Question::UntypedEndpoint(i) => resource_name(ctx, ctx.analysis.untyped_endpoints[i].0),
        }
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

    fn decide(r: &IngressRule, cidr: Ipv4Net) -> Option<bool> {
        let https = Ports {
            ranges: vec![(443, 443)],
            needs: Needs::All,
        };
        missing_ports(&Graph::default(), &[r], cidr, &https, false)
            .ok()
            .map(|m| m.is_empty())
    }

    #[test]
    fn https_from_an_overlapping_cidr_is_admitted() {
        let consumer: Ipv4Net = "172.16.0.0/24".parse().unwrap();
        assert_eq!(
            decide(&rule("tcp", 443, 443, "172.16.0.0/16"), consumer),
            Some(true)
        );
        assert_eq!(
            decide(&rule("6", 0, 65535, "0.0.0.0/0"), consumer),
            Some(true)
        );
        assert_eq!(
            decide(&rule("-1", 0, 0, "172.16.0.128/25"), consumer),
            Some(true)
        );
        assert_eq!(
            decide(&rule("tcp", 80, 80, "172.16.0.0/16"), consumer),
            Some(false)
        );
        assert_eq!(
            decide(&rule("udp", 443, 443, "172.16.0.0/16"), consumer),
            Some(false)
        );
        assert_eq!(
            decide(&rule("tcp", 443, 443, "10.0.0.0/16"), consumer),
            Some(false)
        );
    }

    #[test]
    fn references_and_prefix_lists_are_unknown() {
        let consumer: Ipv4Net = "172.16.0.0/24".parse().unwrap();
        let span = Span::new(FileId(0), 0..0);
        let mut r = rule("tcp", 443, 443, "10.0.0.0/16");
        r.source_security_groups = Some(Prop::known(vec![Prop::unknown("sg", span)], span));
        assert_eq!(decide(&r, consumer), None);
        let mut r = rule("tcp", 443, 443, "10.0.0.0/16");
        r.prefix_lists = Some(span);
        assert_eq!(decide(&r, consumer), None);
    }
}
