//! DNS003: DHCP options or a resolver rule pointing at another VPC's Amazon-provided
//! resolver (its CIDR base + 2), which answers only its own VPC.

use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::cidr::parse_ipv4;
use crate::model::{Graph, Kind, Prop, ResourceId, Val};
use crate::reach::vpc_cidrs;

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    let graph = ctx.graph;
    // Every VPC's resolver address: base + 2 of each of its CIDRs.
    let mut resolvers: Vec<(u32, ResourceId)> = Vec::new();
    for (id, r) in graph.iter() {
        if matches!(r.kind, Kind::Vpc(_)) {
            for cidr in vpc_cidrs(graph, ctx.index, id) {
                if let Some(c) = cidr.known_value() {
                    resolvers.push((c.addr().wrapping_add(2), id));
                }
            }
        }
    }
    let finder = Finder {
        graph,
        resolvers: &resolvers,
        meta,
    };
    for (id, r) in graph.iter() {
        match &r.kind {
            Kind::DhcpOptionsAssociation(a) => {
                let (Some(vpc), Some(options)) = (a.vpc.target(), a.dhcp_options.target()) else {
                    continue;
                };
                let Kind::DhcpOptions(d) = &graph.get(options).kind else {
                    continue;
                };
                let Some(Val::Known(servers)) = d.domain_name_servers.as_ref().map(|s| &s.val)
                else {
                    continue;
                };
                for server in servers {
                    finder.check(
                        options,
                        server,
                        Some(vpc),
                        "lists it as a DNS server",
                        id,
                        out,
                    );
                }
            }
            Kind::ResolverRule(rule) => {
                let own = rule
                    .resolver_endpoint
                    .as_ref()
                    .and_then(Prop::target)
                    .and_then(|e| endpoint_vpc(graph, e));
                for ip in &rule.target_ips {
                    finder.check(id, ip, own, "forwards queries to it", id, out);
                }
            }
            _ => {}
        }
    }
}

struct Finder<'a> {
    graph: &'a Graph,
    resolvers: &'a [(u32, ResourceId)],
    meta: &'static RuleMeta,
}

impl Finder<'_> {
    /// Reports `value` if it is the resolver of a VPC other than `own`.
    fn check(
        &self,
        resource: ResourceId,
        value: &Prop<String>,
        own: Option<ResourceId>,
        how: &str,
        via: ResourceId,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(addr) = value.known_value().and_then(|v| parse_ipv4(v)) else {
            return;
        };
        let Some(&(_, other)) = self
            .resolvers
            .iter()
            .find(|(resolver, vpc)| *resolver == addr && Some(*vpc) != own)
        else {
            return;
        };
        let graph = self.graph;
        let subject = graph.get(resource);
        let other_vpc = graph.get(other);
        let ip = value.known_value().map_or("", String::as_str);
        let args = [
            ("resource", subject.address.as_str()),
            ("ip", ip),
            ("other_vpc", other_vpc.address.as_str()),
            ("how", how),
        ];
        let mut related = vec![Related {
            resource: other_vpc.address.clone(),
            span: other_vpc.span,
            message: format!("{ip} is this VPC's Amazon-provided DNS resolver"),
        }];
        let mut path = vec![subject.address.clone()];
        if via != resource {
            let association = graph.get(via);
            related.push(Related {
                resource: association.address.clone(),
                span: association.span,
                message: "associates the DHCP options with a VPC".to_owned(),
            });
            path.push(association.address.clone());
        }
        path.push(other_vpc.address.clone());
        out.push(Diagnostic {
            related,
            path,
            ..self
                .meta
                .finding(&args, &subject.address, value.span, resource)
        });
    }
}

/// The VPC a resolver endpoint sits in (from its subnets).
fn endpoint_vpc(graph: &Graph, endpoint: ResourceId) -> Option<ResourceId> {
    let Kind::ResolverEndpoint(e) = &graph.get(endpoint).kind else {
        return None;
    };
    e.subnets
        .iter()
        .filter_map(Prop::target)
        .find_map(|s| match &graph.get(s).kind {
            Kind::Subnet(sub) => sub.vpc.target(),
            _ => None,
        })
}
