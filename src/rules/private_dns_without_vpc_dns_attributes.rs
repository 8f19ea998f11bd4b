//! DNS002: an interface endpoint with private DNS in a VPC without DNS support or DNS
//! hostnames. AWS rejects the endpoint at apply time.

use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, Val};

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    let graph = ctx.graph;
    for (id, endpoint) in graph.iter() {
        let Kind::Endpoint(e) = &endpoint.kind else {
            continue;
        };
        let Some(private_dns) = &e.private_dns else {
            continue;
        };
        if e.is_interface() != Some(true) || private_dns.known_value() != Some(&true) {
            continue;
        }
        let Some(vpc_id) = e.vpc.target() else {
            continue;
        };
        let vpc = graph.get(vpc_id);
        let Kind::Vpc(v) = &vpc.kind else {
            continue;
        };
        let mut missing = Vec::new();
        let mut related = Vec::new();
        if let Some(support) = &v.dns_support {
            if support.val == Val::Known(false) {
                missing.push("DNS support disabled");
                related.push(Related {
                    resource: vpc.address.clone(),
                    span: support.span,
                    message: "DNS support is disabled here".to_owned(),
                });
            }
        }
        match &v.dns_hostnames {
            // A default VPC has DNS hostnames enabled unless the code turns them off.
            None if v.default_vpc => {}
            None => {
                missing.push("DNS hostnames disabled (the default for a non-default VPC)");
                related.push(Related {
                    resource: vpc.address.clone(),
                    span: vpc.span,
                    message: "DNS hostnames are not enabled on this VPC".to_owned(),
                });
            }
            Some(h) if h.val == Val::Known(false) => {
                missing.push("DNS hostnames disabled");
                related.push(Related {
                    resource: vpc.address.clone(),
                    span: h.span,
                    message: "DNS hostnames are disabled here".to_owned(),
                });
            }
            Some(_) => {}
        }
        if missing.is_empty() {
            continue;
        }
        let missing = missing.join(" and ");
        let args = [
            ("endpoint", endpoint.address.as_str()),
            ("vpc", vpc.address.as_str()),
            ("missing", missing.as_str()),
        ];
        out.push(Diagnostic {
            related,
            path: vec![endpoint.address.clone(), vpc.address.clone()],
            ..meta.finding(&args, &endpoint.address, private_dns.span, id)
        });
    }
}
