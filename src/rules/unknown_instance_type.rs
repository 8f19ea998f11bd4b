//! EC2001: an instance type that is not a known EC2 instance type.

use super::instance_types;
use super::verdict::{value_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::model::{Kind, Prop, ResourceId};

pub struct Ec2001;

impl Ec2001 {
    fn value<'g>(ctx: &RuleContext<'g>, (id, n): (ResourceId, usize)) -> &'g Prop<String> {
        match &ctx.graph.get(id).kind {
            Kind::Compute(c) => &c.instance_types[n],
            Kind::LaunchTemplate(t) => &t.instance_types[n],
            _ => unreachable!("subjects are instance types of compute and templates"),
        }
    }
}

impl Rule for Ec2001 {
    /// An instance type written on a resource: the resource and the type's position.
    type Subject = (ResourceId, usize);

    fn new(_: &RuleContext<'_>) -> Self {
        Ec2001
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Self::Subject> {
        let mut out = Vec::new();
        for (id, resource) in ctx.graph.iter() {
            let types: &[Prop<String>] = match &resource.kind {
                Kind::Compute(c) => &c.instance_types,
                Kind::LaunchTemplate(t) => &t.instance_types,
                _ => continue,
            };
            out.extend((0..types.len()).map(|n| (id, n)));
        }
        out
    }

    fn decide(
        &self,
        ctx: &RuleContext<'_>,
        meta: &'static RuleMeta,
        &(id, n): &Self::Subject,
    ) -> Verdict {
        let value = Self::value(ctx, (id, n));
        let Some(instance_type) = value.known_value() else {
            let why = value.undecided(ctx.graph).expect("not known");
            return Verdict::unchecked(id, why.context("instance type unknown"));
        };
        if instance_types::is_known_type(instance_type) {
            return Verdict::Pass;
        }
        let resource = ctx.graph.get(id);
        let closest = instance_types::closest_known_type(instance_type)
            .map(|t| format!("; did you mean '{t}'?"))
            .unwrap_or_default();
        let args = [
            ("resource", resource.address.as_str()),
            ("instance_type", instance_type.as_str()),
            ("closest", closest.as_str()),
        ];
        Verdict::finding(meta.finding(&args, &resource.address, value.span, id))
    }

    fn name(&self, ctx: &RuleContext<'_>, &(id, n): &Self::Subject) -> String {
        value_name(ctx, id, Self::value(ctx, (id, n)).span)
    }
}
