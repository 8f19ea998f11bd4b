//! EC2002: a Xen instance type launched into an IPv6-only subnet, which only Nitro
//! instances can use.

use std::collections::BTreeSet;

use super::instance_types::{self, Hypervisor};
use super::{AccessModel, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, Val};

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    let graph = ctx.graph;
    let mut seen = BTreeSet::new();
    for compute in &ctx.analysis.computes {
        let Ok(subnets) = &compute.subnets else {
            continue;
        };
        for &subnet_id in subnets {
            let subnet = graph.get(subnet_id);
            let Kind::Subnet(s) = &subnet.kind else {
                continue;
            };
            let Some(ipv6_native) = &s.ipv6_native else {
                continue;
            };
            if ipv6_native.val != Val::Known(true) {
                continue;
            }
            for type_use in &compute.types {
                let Val::Known(instance_type) = &type_use.value.val else {
                    continue;
                };
                let Some(class) = instance_types::classify(instance_type) else {
                    continue;
                };
                if class.hypervisor != Hypervisor::Xen
                    || !seen.insert((type_use.value.span, subnet_id))
                {
                    continue;
                }
                let resource = graph.get(compute.id);
                let suggestion = AccessModel::Legacy.suggestion(&class);
                let args = [
                    ("resource", resource.address.as_str()),
                    ("instance_type", instance_type.as_str()),
                    ("subnet", subnet.address.as_str()),
                    ("suggestion", suggestion.as_str()),
                ];
                let mut path = vec![resource.address.clone()];
                let mut related = Vec::new();
                if let Some(via) = type_use.via {
                    path.push(graph.get(via).address.clone());
                    related.push(Related {
                        resource: resource.address.clone(),
                        span: resource.span,
                        message: format!("launches instances from {}", graph.get(via).address),
                    });
                }
                path.push(subnet.address.clone());
                related.push(Related {
                    resource: subnet.address.clone(),
                    span: ipv6_native.span,
                    message: "this subnet is IPv6-only".to_owned(),
                });
                out.push(Diagnostic {
                    related,
                    path,
                    ..meta.finding(&args, &resource.address, type_use.value.span, compute.id)
                });
            }
        }
    }
}
