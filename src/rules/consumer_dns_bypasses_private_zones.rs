//! DNS007: a VPC with workloads that depends on its Amazon-provided resolver for an interface
//! endpoint's name (a private hosted zone, a Profile, a Resolver rule, or the endpoint's own
//! private DNS answers it there), but whose queries never reach that resolver: DNS support
//! is off, or its DHCP options name other servers that are not a forwarder of the code.

use super::service_dns::endpoint_dns_name;
use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::Related;
use crate::model::{Kind, ResourceId};
use crate::reach::dns::{Answer, Authority};

pub struct Dns007;

/// A VPC with workloads and an interface endpoint it uses (its own, or one its workloads'
/// routes reach: the index into `vpc_reach`).
pub struct Use {
    vpc: ResourceId,
    endpoint: ResourceId,
    reach: Option<usize>,
}

impl Rule for Dns007 {
    type Subject = Use;

    fn new(_: &RuleContext<'_>) -> Self {
        Dns007
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Use> {
        let graph = ctx.graph;
        let mut out = Vec::new();
        for &endpoint in &ctx.analysis.endpoints {
            let Kind::Endpoint(e) = &graph.get(endpoint).kind else {
                continue;
            };
            if let Some(vpc) = e.vpc.target() {
                if ctx.analysis.consumers.by_vpc.contains_key(&vpc) {
                    out.push(Use {
                        vpc,
                        endpoint,
                        reach: None,
                    });
                }
            }
        }
        for (n, r) in ctx.analysis.vpc_reach.iter().enumerate() {
            out.push(Use {
                vpc: r.vpc,
                endpoint: r.endpoint,
                reach: Some(n),
            });
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, used: &Use) -> Verdict {
        let graph = ctx.graph;
        let dns = ctx.dns();
        let plumbing = match dns.plumbing(used.vpc) {
            Ok(None) => return Verdict::Pass,
            Ok(Some(p)) => p,
            Err(why) => return Verdict::unchecked(used.vpc, why),
        };
        if let Some(r) = used.reach.map(|n| &ctx.analysis.vpc_reach[n]) {
            if let Err(why) = r.workloads.as_ref().and(r.path.as_ref()) {
                return Verdict::unchecked(used.vpc, why.clone());
            }
        }
        let endpoint = graph.get(used.endpoint);
        let name = match endpoint_dns_name(graph, used.endpoint) {
            Ok(name) => name,
            Err(why) => return Verdict::unchecked(used.endpoint, why),
        };
        let wanted = match dns.resolve_past_plumbing(used.vpc, &name) {
            Ok(r) => r,
            Err(why) => return Verdict::unchecked(used.vpc, why),
        };
        // The VPC does not depend on its resolver for this name: other rules ask why.
        if wanted.answer != Answer::Endpoint(used.endpoint) {
            return Verdict::Pass;
        }
        let Some(authority) = wanted.authority else {
            return Verdict::Pass;
        };
        let (source, via, owner) = match authority {
            // Private DNS without DNS support is DNS002's (the endpoint is not created).
            Authority::PrivateDns { endpoint, via }
                if endpoint == via && plumbing == Answer::DnsOff =>
            {
                return Verdict::Pass
            }
            Authority::PrivateDns { endpoint, via } if endpoint == via => (
                format!("the private DNS of {}", graph.get(endpoint).address),
                via,
                endpoint,
            ),
            Authority::PrivateDns { endpoint, via } => (
                format!(
                    "the private DNS of {}, carried by a Route 53 Profile",
                    graph.get(endpoint).address
                ),
                via,
                endpoint,
            ),
            Authority::Zone { zone, via } => (
                format!("private hosted zone {}", graph.get(zone).address),
                via,
                zone,
            ),
            Authority::Rule { rule, via } => (
                format!("Resolver rule {}", graph.get(rule).address),
                via,
                rule,
            ),
        };
        let v = graph.get(used.vpc);
        let Kind::Vpc(vpc) = &v.kind else {
            unreachable!("consumers are VPCs");
        };
        let (reason, fix, related) = match plumbing {
            Answer::DnsOff => (
                "DNS support is off in it, so its Amazon-provided resolver does not answer"
                    .to_owned(),
                format!(
                    "set enable_dns_support (EnableDnsSupport) to true on {}",
                    v.address
                ),
                Related {
                    resource: v.address.clone(),
                    span: vpc.dns_support.as_ref().map_or(v.span, |p| p.span),
                    message: "DNS support is off here".to_owned(),
                },
            ),
            Answer::Bypassed { options } => {
                let o = graph.get(options);
                (
                    format!("its DHCP options {} send its queries to name servers that are not AmazonProvidedDNS and not a forwarder of the code", o.address),
                    format!("list AmazonProvidedDNS in {} (with Resolver rules for other domains), or make those name servers forward {name} to the VPC's resolver (its base address plus two)", o.address),
                    Related {
                        resource: o.address.clone(),
                        span: o.span,
                        message: "name servers other than AmazonProvidedDNS".to_owned(),
                    },
                )
            }
            _ => unreachable!("plumbing answers"),
        };
        let dns_name_text = name.to_string();
        let args = [
            ("vpc", v.address.as_str()),
            ("dns_name", dns_name_text.as_str()),
            ("endpoint", endpoint.address.as_str()),
            ("source", source.as_str()),
            ("reason", reason.as_str()),
            ("fix", fix.as_str()),
        ];
        let mut found = meta.finding(&args, &v.address, v.span, used.vpc);
        found.related.push(related);
        if via != used.endpoint {
            let a = graph.get(via);
            found.related.push(Related {
                resource: a.address.clone(),
                span: a.span,
                message: format!(
                    "makes {dns_name_text} resolve to {} in {}",
                    endpoint.address, v.address
                ),
            });
        }
        found.path = vec![
            v.address.clone(),
            graph.get(owner).address.clone(),
            endpoint.address.clone(),
        ];
        found.path.dedup();
        Verdict::finding(found)
    }

    fn name(&self, ctx: &RuleContext<'_>, u: &Use) -> String {
        format!(
            "{} -> {}",
            resource_name(ctx, u.vpc),
            resource_name(ctx, u.endpoint)
        )
    }
}
