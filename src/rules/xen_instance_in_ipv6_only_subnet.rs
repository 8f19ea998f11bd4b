//! EC2002: a Xen instance type launched into an IPv6-only subnet, which only Nitro
//! instances can use.

use std::collections::BTreeMap;

use super::instance_types::{self, Hypervisor};
use super::verdict::{resource_name, Rule, Verdict};
use super::{AccessModel, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, ResourceId, Undecided, Val};
use crate::source::Span;

pub struct Ec2002;

/// One question: may an instance type run in `subnet` (`None`: the compute resource's
/// subnets are not known)? Asked once per type value and subnet, for the first compute
/// resource that launches it there.
pub struct Placement {
    /// (index into the analysis' computes, index into its types).
    user: (usize, usize),
    subnet: Option<ResourceId>,
}

impl Rule for Ec2002 {
    type Subject = Placement;

    fn new(_: &RuleContext<'_>) -> Self {
        Ec2002
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Placement> {
        // (type value where written, the type when known, subnet) → its first user.
        type Key = (Span, Option<String>, Option<ResourceId>);
        let mut seen: BTreeMap<Key, (usize, usize)> = BTreeMap::new();
        for (i, compute) in ctx.analysis.computes.iter().enumerate() {
            let subnets: Vec<Option<ResourceId>> = match &compute.subnets {
                Ok(subnets) => subnets.iter().copied().map(Some).collect(),
                Err(_) => vec![None],
            };
            for (j, t) in compute.types.iter().enumerate() {
                for &subnet in &subnets {
                    seen.entry((t.value.span, t.value.known_value().cloned(), subnet))
                        .or_insert((i, j));
                }
            }
        }
        seen.into_iter()
            .map(|((_, _, subnet), user)| Placement { user, subnet })
            .collect()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, p: &Placement) -> Verdict {
        let graph = ctx.graph;
        let compute = &ctx.analysis.computes[p.user.0];
        let type_use = &compute.types[p.user.1];
        // The hypervisor decides first: a Nitro type runs anywhere.
        let class = match &type_use.value.val {
            Val::Known(t) => match instance_types::classify(t) {
                Some(class) if class.hypervisor != Hypervisor::Xen => return Verdict::Pass,
                Some(class) => Ok(class),
                None => Err(Undecided::new(
                    format!("'{t}' is not a known EC2 instance type (EC2001), so its hypervisor is not known"),
                    type_use.value.span,
                )),
            },
            _ => Err(type_use
                .value
                .undecided(graph)
                .expect("not known")
                .context("instance type unknown")),
        };
        let Some(subnet_id) = p.subnet else {
            if compute.default_subnet {
                return Verdict::Pass;
            }
            let Err(why) = &compute.subnets else {
                unreachable!("no subnet only when the subnets are not known");
            };
            return Verdict::unchecked(compute.id, why.clone().context("subnets unknown"));
        };
        let subnet = graph.get(subnet_id);
        let Kind::Subnet(s) = &subnet.kind else {
            return Verdict::Pass;
        };
        let Some(ipv6_native) = &s.ipv6_native else {
            return Verdict::Pass;
        };
        match &ipv6_native.val {
            Val::Known(false) => return Verdict::Pass,
            Val::Known(true) => {}
            _ => {
                let why = ipv6_native.undecided(graph).expect("not known");
                return Verdict::unchecked(
                    compute.id,
                    why.context(format!(
                        "whether {} is IPv6-only is not known",
                        subnet.address
                    )),
                );
            }
        }
        let class = match class {
            Ok(class) => class,
            Err(why) => return Verdict::unchecked(compute.id, why),
        };
        let instance_type = type_use.value.known_value().map_or("", String::as_str);
        let resource = graph.get(compute.id);
        let suggestion = AccessModel::Legacy.suggestion(&class);
        let args = [
            ("resource", resource.address.as_str()),
            ("instance_type", instance_type),
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
        Verdict::finding(Diagnostic {
            related,
            path,
            ..meta.finding(&args, &resource.address, type_use.value.span, compute.id)
        })
    }

    fn name(&self, ctx: &RuleContext<'_>, p: &Placement) -> String {
        let compute = &ctx.analysis.computes[p.user.0];
        format!(
            "{}.types[{}] in {}",
            resource_name(ctx, compute.id),
            p.user.1,
            p.subnet
                .map_or_else(|| "?".to_owned(), |s| resource_name(ctx, s))
        )
    }
}
