//! TGW001: a VPC route sends a destination inside another attached VPC (or holding its
//! CIDR) to a transit gateway, and the gateway drops it: the attachment is associated with
//! no table, the table has no route for it, its longest route is a blackhole, or a VPC the
//! traffic passes through has no route for it. Only destinations inside one attached VPC's
//! CIDR, or holding the CIDR of exactly one, count as intent: a `0.0.0.0/0` or
//! `10.0.0.0/8` that a segmented table does not carry to some VPC is the design, not a
//! mistake (`reach::checks` decides which routes are intent).

use super::verdict::{value_name, Rule, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::Undecided;
use crate::reach::checks::{Intent, TgwRouteIntent};
use crate::reach::transit::{Drop, TgwEnd};

pub struct Tgw001;

impl Rule for Tgw001 {
    /// Index into the analysis' `tgw_intents`.
    type Subject = usize;

    fn new(_ctx: &RuleContext<'_>) -> Self {
        Tgw001
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<usize> {
        (0..ctx.analysis.tgw_intents.len()).collect()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, &n: &usize) -> Verdict {
        let q = &ctx.analysis.tgw_intents[n];
        let intent = match &q.outcome {
            Err(why) => return Verdict::unchecked(q.owner, why.clone()),
            Ok(None) => return Verdict::Pass,
            Ok(Some(intent)) => intent,
        };
        let graph = ctx.graph;
        let reason = match &intent.trace.end {
            TgwEnd::Vpc { vpc, .. } if *vpc == intent.dest_vpc => return Verdict::Pass,
            TgwEnd::Dropped(Drop::NoAttachment { tgw, vpc }) => {
                // The attachment may be made in another deployment.
                return Verdict::unchecked(
                    q.owner,
                    Undecided::new(
                        format!(
                            "{} has no attachment to {} in the code",
                            graph.get(*vpc).address,
                            graph.get(*tgw).address
                        ),
                        q.span,
                    ),
                );
            }
            end @ TgwEnd::Other { .. } => {
                return Verdict::unchecked(
                    q.owner,
                    Undecided::new(
                        format!(
                            "the traffic is {}, which vpclint does not follow",
                            end.describe(graph)
                        ),
                        q.span,
                    ),
                )
            }
            TgwEnd::Dropped(d) => d.describe(graph),
            end => format!("it is {} instead", end.describe(graph)),
        };
        Verdict::finding(diagnostic(ctx, meta, q, intent, &reason))
    }

    fn name(&self, ctx: &RuleContext<'_>, &n: &usize) -> String {
        let q = &ctx.analysis.tgw_intents[n];
        value_name(ctx, q.owner, q.span)
    }
}

fn diagnostic(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    q: &TgwRouteIntent,
    intent: &Intent,
    reason: &str,
) -> Diagnostic {
    let graph = ctx.graph;
    let table = graph.get(q.table);
    let destination = intent.destination.to_string();
    let toward = if intent.inside {
        format!("inside {}", graph.get(intent.dest_vpc).address)
    } else {
        format!(
            "which holds {}'s {}",
            graph.get(intent.dest_vpc).address,
            intent.traced
        )
    };
    // What to change: the VPC route table that drops it in a VPC passed through, else the
    // table of the attachment the traffic last entered the gateway by.
    let remedy = if let TgwEnd::Dropped(Drop::NoRouteInVpc { vpc, table, .. }) = &intent.trace.end {
        format!(
            "Give {} a route for {destination} back to {} (or on to the appliance that returns it), so that traffic passing through {} goes on to {}.",
            table.map_or_else(
                || format!("the main route table of {}", graph.get(*vpc).address),
                |t| graph.get(t).address.clone()
            ),
            graph.get(intent.tgw).address,
            graph.get(*vpc).address,
            graph.get(intent.dest_vpc).address,
        )
    } else {
        let attachment = intent
            .trace
            .hops
            .last()
            .map_or_else(String::new, |h| graph.get(h.attachment).address.clone());
        let dest_vpc = &graph.get(intent.dest_vpc).address;
        format!(
            "Give {attachment} a route table that carries {destination} to {dest_vpc}: associate it with the intended table, propagate {dest_vpc}'s attachment into that table (or add a static route to it), and remove or narrow a blackhole that covers {destination}."
        )
    };
    let args = [
        ("table", table.address.as_str()),
        ("destination", destination.as_str()),
        ("dest_vpc", graph.get(intent.dest_vpc).address.as_str()),
        ("toward", toward.as_str()),
        ("tgw", graph.get(intent.tgw).address.as_str()),
        ("reason", reason),
        ("vpc", graph.get(intent.vpc).address.as_str()),
        ("remedy", remedy.as_str()),
    ];
    let mut related = Vec::new();
    let mut path = vec![
        graph.get(intent.vpc).address.clone(),
        table.address.clone(),
        graph.get(intent.tgw).address.clone(),
    ];
    witness::transit_hops(graph, &mut path, &mut related, &intent.trace);
    // Where it is dropped: a VPC route table of a VPC passed through, or the last transit
    // gateway table (or the attachment that has none).
    let dropped_at = match &intent.trace.end {
        TgwEnd::Dropped(Drop::NoRouteInVpc { vpc, table, .. }) => Some(table.unwrap_or(*vpc)),
        _ => intent.trace.hops.last().map(|hop| {
            hop.table
                .map_or(hop.attachment, crate::model::TgwTable::resource)
        }),
    };
    if let Some(at) = dropped_at {
        let r = graph.get(at);
        related.push(Related {
            resource: r.address.clone(),
            span: r.span,
            message: reason.to_owned(),
        });
    }
    // The path ends where the traffic does (the destination VPC is in the message).
    let owner = graph.get(q.owner);
    Diagnostic {
        related,
        path,
        ..meta.finding(&args, &owner.address, q.span, q.owner)
    }
}
