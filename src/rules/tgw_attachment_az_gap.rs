//! TGW002: a workload or interface-endpoint subnet routes to a transit gateway from an
//! availability zone in which its VPC's attachment has no subnet. A transit gateway
//! forwards a VPC's traffic only from zones where the attachment has a subnet: the
//! workload's traffic is dropped, and an endpoint's network interface there cannot send
//! replies (about one connection in N fails, DNS rotating over the interfaces).

use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::reach::checks::SubnetRole;

pub struct Tgw002;

impl Rule for Tgw002 {
    /// Index into the analysis' `zone_gates`.
    type Subject = usize;

    fn new(_ctx: &RuleContext<'_>) -> Self {
        Tgw002
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<usize> {
        (0..ctx.analysis.zone_gates.len()).collect()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, &n: &usize) -> Verdict {
        let graph = ctx.graph;
        let q = &ctx.analysis.zone_gates[n];
        let gap = match &q.outcome {
            Err(why) => return Verdict::unchecked(q.subnet, why.clone()),
            Ok(None) => return Verdict::Pass,
            Ok(Some(gap)) => gap,
        };
        let subnet = graph.get(q.subnet);
        let attachment = graph.get(gap.attachment);
        let (what, consequence) = match q.role {
            SubnetRole::Workload(compute) => (
                format!("hosts {}", graph.get(compute).address),
                "its traffic to the transit gateway is dropped".to_owned(),
            ),
            SubnetRole::Endpoint(endpoint) => (
                format!("holds a network interface of {}", graph.get(endpoint).address),
                "replies from that interface cannot reach the transit gateway, so connections that DNS sends to it fail".to_owned(),
            ),
        };
        let args = [
            ("subnet", subnet.address.as_str()),
            ("what", what.as_str()),
            ("zone", gap.zone.as_str()),
            ("attachment", attachment.address.as_str()),
            ("tgw", graph.get(gap.tgw).address.as_str()),
            ("consequence", consequence.as_str()),
        ];
        let related = vec![
            Related {
                resource: attachment.address.clone(),
                span: attachment.span,
                message: format!("no subnet in {}", gap.zone),
            },
            Related {
                resource: graph.get(gap.route.0).address.clone(),
                span: gap.route.1,
                message: format!("route to {}", graph.get(gap.tgw).address),
            },
        ];
        let span = match &subnet.kind {
            crate::model::Kind::Subnet(s) => {
                s.availability_zone.as_ref().map_or(subnet.span, |z| z.span)
            }
            _ => subnet.span,
        };
        Verdict::finding(Diagnostic {
            related,
            path: vec![
                subnet.address.clone(),
                graph.get(gap.route.0).address.clone(),
                graph.get(gap.tgw).address.clone(),
                attachment.address.clone(),
            ],
            ..meta.finding(&args, &subnet.address, span, q.subnet)
        })
    }

    fn name(&self, ctx: &RuleContext<'_>, &n: &usize) -> String {
        let q = &ctx.analysis.zone_gates[n];
        let role = match q.role {
            SubnetRole::Workload(id) | SubnetRole::Endpoint(id) => id,
        };
        format!(
            "{} ({})",
            resource_name(ctx, q.subnet),
            resource_name(ctx, role)
        )
    }
}
