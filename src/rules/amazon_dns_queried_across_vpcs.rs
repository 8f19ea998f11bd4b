//! DNS003: DHCP options or a resolver rule pointing at another VPC's Amazon-provided
//! resolver (its CIDR base + 2), which answers only its own VPC.

use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::cidr::parse_ipv4;
use crate::model::{Graph, Kind, Prop, ResourceId, Undecided, Val};
use crate::reach::vpc_cidrs;

pub struct Dns003 {
    /// Every VPC's resolver address: base + 2 of each of its CIDRs.
    resolvers: Vec<(u32, ResourceId)>,
    /// Why some VPC's CIDR is not known (its resolver could be any address).
    unknown_cidr: Option<Undecided>,
}

/// One DNS server address written in the code, and whose queries it gets.
pub enum Server {
    /// The `n`th server of DHCP options associated with a VPC by `association`.
    Dhcp {
        association: ResourceId,
        options: ResourceId,
        vpc: ResourceId,
        n: usize,
    },
    /// DHCP options whose servers, or whose VPC, are not known.
    UnknownDhcp {
        association: ResourceId,
        why: Undecided,
    },
    /// The `n`th target IP of a resolver rule.
    Rule { rule: ResourceId, n: usize },
}

impl Rule for Dns003 {
    type Subject = Server;

    fn new(ctx: &RuleContext<'_>) -> Self {
        let graph = ctx.graph;
        let mut resolvers = Vec::new();
        let mut unknown_cidr = None;
        for (id, r) in graph.iter() {
            if matches!(r.kind, Kind::Vpc(_)) {
                for cidr in vpc_cidrs(graph, ctx.index, id) {
                    match cidr.known_value() {
                        Some(c) => resolvers.push((c.addr().wrapping_add(2), id)),
                        None => {
                            unknown_cidr.get_or_insert_with(|| {
                                cidr.undecided(graph).expect("not known").context(format!(
                                    "the CIDR of {} (whose resolver is at base + 2) is not known",
                                    r.address
                                ))
                            });
                        }
                    }
                }
            }
        }
        Dns003 {
            resolvers,
            unknown_cidr,
        }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Server> {
        let graph = ctx.graph;
        let mut out = Vec::new();
        for (id, r) in graph.iter() {
            match &r.kind {
                Kind::DhcpOptionsAssociation(a) => {
                    let options = match a.dhcp_options.target() {
                        Some(o) if matches!(graph.get(o).kind, Kind::DhcpOptions(_)) => o,
                        _ => {
                            let why = a.dhcp_options.undecided(graph).unwrap_or_else(|| {
                                Undecided::new("not DHCP options", a.dhcp_options.span)
                            });
                            out.push(Server::UnknownDhcp {
                                association: id,
                                why: why.context("the associated DHCP options are not known"),
                            });
                            continue;
                        }
                    };
                    let Kind::DhcpOptions(d) = &graph.get(options).kind else {
                        unreachable!("checked above");
                    };
                    let servers = match d.domain_name_servers.as_ref().map(|s| &s.val) {
                        None => continue,
                        Some(Val::Known(servers)) => servers.len(),
                        // A directory's or resolver endpoint's IPs are addresses in their
                        // subnets, never a VPC's reserved base + 2.
                        Some(Val::Ref(id, _))
                            if matches!(
                                graph.get(*id).kind,
                                Kind::Directory(_) | Kind::ResolverEndpoint(_)
                            ) =>
                        {
                            continue
                        }
                        Some(_) => {
                            let list = d.domain_name_servers.as_ref().expect("matched");
                            out.push(Server::UnknownDhcp {
                                association: id,
                                why: list
                                    .undecided(graph)
                                    .expect("not known")
                                    .context("the DHCP options' DNS servers are not known"),
                            });
                            continue;
                        }
                    };
                    let Some(vpc) = a.vpc.target() else {
                        out.push(Server::UnknownDhcp {
                            association: id,
                            why: a
                                .vpc
                                .undecided(graph)
                                .unwrap_or_else(|| Undecided::new("not known", a.vpc.span))
                                .context("the VPC of the DHCP options association is not known"),
                        });
                        continue;
                    };
                    out.extend((0..servers).map(|n| Server::Dhcp {
                        association: id,
                        options,
                        vpc,
                        n,
                    }));
                }
                Kind::ResolverRule(rule) => {
                    out.extend((0..rule.target_ips.len()).map(|n| Server::Rule { rule: id, n }));
                }
                _ => {}
            }
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, s: &Server) -> Verdict {
        let graph = ctx.graph;
        match *s {
            Server::UnknownDhcp {
                association,
                ref why,
            } => Verdict::unchecked(association, why.clone()),
            Server::Dhcp {
                association,
                options,
                vpc,
                n,
            } => {
                let Kind::DhcpOptions(d) = &graph.get(options).kind else {
                    unreachable!("subjects are DHCP options");
                };
                let Some(Val::Known(servers)) = d.domain_name_servers.as_ref().map(|s| &s.val)
                else {
                    unreachable!("subjects have known servers");
                };
                let server = &servers[n];
                self.check(
                    graph,
                    meta,
                    &Asked {
                        resource: options,
                        value: server,
                        own: Ok(vpc),
                        how: "lists it as a DNS server",
                        via: association,
                    },
                )
            }
            Server::Rule { rule, n } => {
                let Kind::ResolverRule(r) = &graph.get(rule).kind else {
                    unreachable!("subjects are resolver rules");
                };
                // The rule's own VPC: its outbound endpoint's. A rule without one cannot be
                // in any VPC's resolver; an endpoint that is not known could be anywhere.
                let own = match &r.resolver_endpoint {
                    None => Ok(None),
                    Some(e) => match e.target() {
                        Some(e) => endpoint_vpc(graph, e),
                        None => Err(e
                            .undecided(graph)
                            .expect("not a reference")
                            .context("the rule's resolver endpoint is not known")),
                    },
                };
                let own = match own {
                    Ok(Some(vpc)) => Ok(vpc),
                    Ok(None) => Err(None),
                    Err(why) => Err(Some(why)),
                };
                self.check_rule(graph, meta, rule, &r.target_ips[n], own)
            }
        }
    }

    fn name(&self, ctx: &RuleContext<'_>, s: &Server) -> String {
        match *s {
            Server::Dhcp { association, n, .. } => {
                format!("{}[{n}]", resource_name(ctx, association))
            }
            Server::UnknownDhcp { association, .. } => resource_name(ctx, association),
            Server::Rule { rule, n } => format!("{}[{n}]", resource_name(ctx, rule)),
        }
    }
}

/// One server address and where its queries come from.
struct Asked<'a> {
    /// The resource that names the server (the DHCP options, the rule).
    resource: ResourceId,
    value: &'a Prop<String>,
    /// The VPC whose queries go there.
    own: Result<ResourceId, Option<Undecided>>,
    how: &'a str,
    /// The resource that makes the VPC use it (an association, or the rule itself).
    via: ResourceId,
}

impl Dns003 {
    fn check_rule(
        &self,
        graph: &Graph,
        meta: &'static RuleMeta,
        rule: ResourceId,
        value: &Prop<String>,
        own: Result<ResourceId, Option<Undecided>>,
    ) -> Verdict {
        self.check(
            graph,
            meta,
            &Asked {
                resource: rule,
                value,
                own,
                how: "forwards queries to it",
                via: rule,
            },
        )
    }

    /// Reports the server if it is the resolver of a VPC other than the asking one.
    fn check(&self, graph: &Graph, meta: &'static RuleMeta, a: &Asked<'_>) -> Verdict {
        let Val::Known(text) = &a.value.val else {
            let why = a.value.undecided(graph).expect("not known");
            return Verdict::unchecked(
                a.resource,
                why.context("a DNS server address is not known"),
            );
        };
        // `AmazonProvidedDNS` and host names are not an address.
        let Some(addr) = parse_ipv4(text) else {
            return Verdict::Pass;
        };
        let own = match &a.own {
            Ok(vpc) => Some(*vpc),
            Err(None) => None,
            Err(Some(why)) => {
                if self.resolvers.iter().any(|(r, _)| *r == addr) {
                    return Verdict::unchecked(a.resource, why.clone());
                }
                None
            }
        };
        let Some(&(_, other)) = self
            .resolvers
            .iter()
            .find(|(resolver, vpc)| *resolver == addr && Some(*vpc) != own)
        else {
            return match &self.unknown_cidr {
                // A VPC whose CIDR is not known may have this resolver address.
                Some(why)
                    if own.is_none_or(|vpc| {
                        !self.resolvers.iter().any(|(r, v)| *r == addr && *v == vpc)
                    }) =>
                {
                    Verdict::unchecked(a.resource, why.clone())
                }
                _ => Verdict::Pass,
            };
        };
        let subject = graph.get(a.resource);
        let other_vpc = graph.get(other);
        let args = [
            ("resource", subject.address.as_str()),
            ("ip", text.as_str()),
            ("other_vpc", other_vpc.address.as_str()),
            ("how", a.how),
        ];
        let mut related = vec![Related {
            resource: other_vpc.address.clone(),
            span: other_vpc.span,
            message: format!("{text} is this VPC's Amazon-provided DNS resolver"),
        }];
        let mut path = vec![subject.address.clone()];
        if a.via != a.resource {
            let association = graph.get(a.via);
            related.push(Related {
                resource: association.address.clone(),
                span: association.span,
                message: "associates the DHCP options with a VPC".to_owned(),
            });
            path.push(association.address.clone());
        }
        path.push(other_vpc.address.clone());
        Verdict::finding(Diagnostic {
            related,
            path,
            ..meta.finding(&args, &subject.address, a.value.span, a.resource)
        })
    }
}

/// The VPC a resolver endpoint sits in (from its subnets), or why it is not known.
fn endpoint_vpc(graph: &Graph, endpoint: ResourceId) -> Result<Option<ResourceId>, Undecided> {
    let Kind::ResolverEndpoint(e) = &graph.get(endpoint).kind else {
        return Err(Undecided::new(
            format!("{} is not a resolver endpoint", graph.get(endpoint).address),
            graph.get(endpoint).span,
        ));
    };
    if let Some(subnet) = e.subnets.first() {
        match subnet.target().map(|s| &graph.get(s).kind) {
            Some(Kind::Subnet(sub)) => match sub.vpc.target() {
                Some(vpc) => return Ok(Some(vpc)),
                None => {
                    return Err(sub
                        .vpc
                        .undecided(graph)
                        .unwrap_or_else(|| Undecided::new("not a reference", sub.vpc.span))
                        .context("the VPC of the resolver endpoint's subnet is not known"))
                }
            },
            _ => {
                return Err(subnet
                    .undecided(graph)
                    .unwrap_or_else(|| Undecided::new("not a subnet", subnet.span))
                    .context("the resolver endpoint's subnet is not known"))
            }
        }
    }
    Ok(None)
}
