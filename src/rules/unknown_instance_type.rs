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
            out.push(Diagnostic {
                rule: &meta.id,
                name: &meta.name,
                severity: meta.severity,
                message: meta.render_message(&[
                    ("resource", &resource.address),
                    ("instance_type", instance_type),
                    ("closest", &closest),
                ]),
                resource: resource.address.clone(),
                span: value.span,
                related: Vec::new(),
                path: vec![resource.address.clone()],
                help: meta.render_help(&[]),
                subject: Some(id),
            });
        }
    }
}
