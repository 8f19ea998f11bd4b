//! EC2001: an instance type that is not a known EC2 instance type.

use super::instance_types;
use super::{RuleContext, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::{Kind, Prop, Val};

pub fn check(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    for (id, resource) in ctx.graph.iter() {
        let types: &[Prop<String>] = match &resource.kind {
            Kind::Compute(c) => &c.instance_types,
            Kind::LaunchTemplate(t) => &t.instance_types,
            _ => continue,
        };
        for value in types {
            let Val::Known(instance_type) = &value.val else {
                continue;
            };
            if instance_types::is_known_type(instance_type) {
                continue;
            }
            let closest = instance_types::closest_known_type(instance_type)
                .map(|t| format!("; did you mean '{t}'?"))
                .unwrap_or_default();
            let args = [
                ("resource", resource.address.as_str()),
                ("instance_type", instance_type.as_str()),
                ("closest", closest.as_str()),
            ];
            out.push(meta.finding(&args, &resource.address, value.span, id));
        }
    }
}
