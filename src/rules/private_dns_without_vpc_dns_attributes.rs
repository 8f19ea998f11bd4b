//! DNS002: an interface endpoint with private DNS in a VPC without DNS support or DNS
//! hostnames. AWS rejects the endpoint at apply time (or the `aws_vpc_endpoint_private_dns`
//! that turns it on).

use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, Prop, ResourceId, Undecided, Val};
use crate::reach::vpc_of;

pub struct Dns002;

impl Rule for Dns002 {
    /// An endpoint that may have private DNS.
    type Subject = ResourceId;

    fn new(_: &RuleContext<'_>) -> Self {
        Dns002
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<ResourceId> {
        ctx.dns().private_dns_candidates()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, &id: &ResourceId) -> Verdict {
        let graph = ctx.graph;
        let endpoint = graph.get(id);
        let Kind::Endpoint(e) = &endpoint.kind else {
            unreachable!("subjects are endpoints");
        };
        let dns = ctx.dns();
        let Some(private_dns) = dns
            .private_dns(id)
            .filter(|p| p.known_value() != Some(&false))
        else {
            let why = dns
                .private_dns_unknown(id)
                .expect("subjects may have private DNS");
            return Verdict::unchecked(id, why.clone());
        };
        if let Some(why) = private_dns.undecided(graph) {
            return Verdict::unchecked(
                id,
                why.context("whether private DNS is enabled is not known"),
            );
        }
        match e.is_interface() {
            Some(true) => {}
            Some(false) => return Verdict::Pass,
            None => {
                let why = e
                    .endpoint_type
                    .as_ref()
                    .and_then(|t| t.undecided(graph))
                    .expect("an endpoint type that is not known");
                return Verdict::unchecked(id, why.context("the endpoint type is not known"));
            }
        }
        let vpc_id = match vpc_of(graph, &e.vpc) {
            Ok(vpc) => vpc,
            Err(why) => {
                return Verdict::unchecked(id, why.context("the endpoint's VPC is not in the code"))
            }
        };
        let vpc = graph.get(vpc_id);
        let Kind::Vpc(v) = &vpc.kind else {
            unreachable!("vpc_of gives VPCs");
        };
        let mut missing = Vec::new();
        let mut related = Vec::new();
        let mut undecided: Option<Undecided> = None;
        let mut attribute = |prop: Option<&Prop<bool>>, default: bool, name: &str| {
            let Some(prop) = prop else {
                return (!default).then_some(None);
            };
            if let Val::Known(on) = &prop.val {
                (!on).then_some(Some(prop.span))
            } else {
                undecided.get_or_insert_with(|| {
                    prop.undecided(graph)
                        .expect("not known")
                        .context(format!("{name} of {} is not known", vpc.address))
                });
                None
            }
        };
        if let Some(span) = attribute(v.dns_support.as_ref(), true, "DNS support") {
            missing.push("DNS support disabled");
            related.push(Related {
                resource: vpc.address.clone(),
                span: span.unwrap_or(vpc.span),
                message: "DNS support is disabled here".to_owned(),
            });
        }
        // DNS hostnames default to off, except on a default VPC.
        match attribute(v.dns_hostnames.as_ref(), v.default_vpc, "DNS hostnames") {
            Some(None) => {
                missing.push("DNS hostnames disabled (the default for a non-default VPC)");
                related.push(Related {
                    resource: vpc.address.clone(),
                    span: vpc.span,
                    message: "DNS hostnames are not enabled on this VPC".to_owned(),
                });
            }
            Some(Some(span)) => {
                missing.push("DNS hostnames disabled");
                related.push(Related {
                    resource: vpc.address.clone(),
                    span,
                    message: "DNS hostnames are disabled here".to_owned(),
                });
            }
            None => {}
        }
        if missing.is_empty() {
            return match undecided {
                Some(why) => Verdict::unchecked(id, why),
                None => Verdict::Pass,
            };
        }
        let missing = missing.join(" and ");
        let args = [
            ("endpoint", endpoint.address.as_str()),
            ("vpc", vpc.address.as_str()),
            ("missing", missing.as_str()),
        ];
        Verdict::finding(Diagnostic {
            related,
            path: vec![endpoint.address.clone(), vpc.address.clone()],
            ..meta.finding(&args, &endpoint.address, private_dns.span, id)
        })
    }

    fn name(&self, ctx: &RuleContext<'_>, &id: &ResourceId) -> String {
        resource_name(ctx, id)
    }
}
