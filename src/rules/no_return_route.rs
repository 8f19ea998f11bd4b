//! NET002: a consumer reaches an interface endpoint over peering or a transit gateway, but
//! an endpoint subnet has no way back: its route table has no route for the consumer's
//! subnet over a connection that leads back, or the transit gateway table associated with
//! the endpoint VPC's attachment drops it. The endpoint's network interfaces reply
//! according to their subnet's route table; without a return route the connection hangs.

use super::verdict::{resource_name, Rule, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, ResourceId};
use crate::reach::transit::{Drop, TgwEnd};
use crate::reach::Path;

pub struct Net002;

impl Rule for Net002 {
    /// Index into the analysis' `returns`.
    type Subject = usize;

    fn new(_ctx: &RuleContext<'_>) -> Self {
        Net002
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<usize> {
        (0..ctx.analysis.returns.len()).collect()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, &n: &usize) -> Verdict {
        let q = &ctx.analysis.returns[n];
        let reachable = &ctx.analysis.reachable[q.reachable];
        // A consumer whose VPC has an endpoint of its own for the service, with private DNS,
        // never connects to this one: no reply comes back to it.
        let consumer = ctx.analysis.computes[reachable.compute].id;
        let vpc = match &ctx.graph.get(reachable.subnet).kind {
            Kind::Subnet(s) => s.vpc.target(),
            _ => None,
        };
        let uses_this = vpc.map_or(Ok(None), |vpc| {
            ctx.analysis
                .consumers
                .own_endpoint(ctx.graph, vpc, reachable.endpoint)
        });
        if let Ok(Some(_)) = uses_this {
            return Verdict::Pass;
        }
        let (endpoint_subnet, back) = match &q.outcome {
            // The forward path not known: about the consumer, as its other rules say.
            Err(why) if reachable.path.is_err() => {
                return Verdict::unchecked(consumer, why.clone())
            }
            Err(why) => return Verdict::unchecked(reachable.endpoint, why.clone()),
            Ok(None) => return Verdict::Pass,
            Ok(Some(found)) => found,
        };
        let Ok(forward) = &reachable.path else {
            unreachable!("an unknown forward path is an unknown way back");
        };
        if let Err(why) = uses_this {
            return Verdict::unchecked(consumer, why);
        }
        Verdict::finding(diagnostic(
            ctx,
            meta,
            reachable.compute,
            reachable.subnet,
            reachable.endpoint,
            forward,
            *endpoint_subnet,
            back,
        ))
    }

    fn name(&self, ctx: &RuleContext<'_>, &n: &usize) -> String {
        let r = &ctx.analysis.reachable[ctx.analysis.returns[n].reachable];
        format!(
            "{} -> {}",
            resource_name(ctx, r.subnet),
            resource_name(ctx, r.endpoint)
        )
    }
}

/// The table that lacks the route, and what happens instead.
fn missing(ctx: &RuleContext<'_>, endpoint_subnet: ResourceId, back: &Path) -> (String, String) {
    let graph = ctx.graph;
    if let Some(trace) = &back.transit {
        if let TgwEnd::Dropped(d) = &trace.end {
            let name = |id: ResourceId| graph.get(id).address.clone();
            return match d {
                Drop::NoRoute { table } => (table.name(graph), "it has no route for it".to_owned()),
                Drop::Blackhole { table } => (
                    table.name(graph),
                    "its longest route for it is a blackhole".to_owned(),
                ),
                Drop::NoAssociation { attachment } => (
                    name(*attachment),
                    "it is associated with no transit gateway route table".to_owned(),
                ),
                Drop::NoRouteInVpc { vpc, table, .. } => (
                    table.map_or_else(|| format!("the main route table of {}", name(*vpc)), name),
                    "it has no route for it".to_owned(),
                ),
                Drop::NoAttachment { tgw, vpc } => (
                    name(*vpc),
                    format!("it has no attachment to {}", name(*tgw)),
                ),
                Drop::AzGap { .. } => (String::new(), d.describe(graph)),
            };
        }
        return (
            back.route_table
                .map_or_else(String::new, |t| graph.get(t).address.clone()),
            format!("the reply is {}", trace.end.describe(graph)),
        );
    }
    let table = back.route_table.map_or_else(
        || {
            let vpc = match &graph.get(endpoint_subnet).kind {
                Kind::Subnet(s) => s.vpc.target(),
                _ => None,
            };
            format!(
                "the main route table of {}",
                vpc.map_or("the VPC", |v| graph.get(v).address.as_str())
            )
        },
        |t| graph.get(t).address.clone(),
    );
    let instead = match (back.route, back.connection) {
        (None, _) => "it has no route for it".to_owned(),
        (Some(_), Some(c)) if matches!(graph.get(c).kind, Kind::CoreNetwork(_)) => format!(
            "its route for it leads to {}, whose policy does not join the two VPCs' segments",
            graph.get(c).address
        ),
        (Some(_), Some(c)) => format!("its route for it leads to {}", graph.get(c).address),
        (Some(_), None) => "its route for it does not lead back".to_owned(),
    };
    (table, instead)
}

#[allow(clippy::too_many_arguments)]
fn diagnostic(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    compute: usize,
    subnet: ResourceId,
    endpoint: ResourceId,
    forward: &Path,
    endpoint_subnet: ResourceId,
    back: &Path,
) -> Diagnostic {
    let graph = ctx.graph;
    let consumer = graph.get(ctx.analysis.computes[compute].id);
    let cidr = match &graph.get(subnet).kind {
        Kind::Subnet(s) => s
            .cidr
            .as_ref()
            .and_then(|c| c.known_value())
            .map_or_else(String::new, ToString::to_string),
        _ => String::new(),
    };
    let (table, instead) = missing(ctx, endpoint_subnet, back);
    let endpoint_r = graph.get(endpoint);
    let args = [
        ("consumer", consumer.address.as_str()),
        ("cidr", cidr.as_str()),
        ("endpoint", endpoint_r.address.as_str()),
        ("path_kind", forward.kind.describe()),
        (
            "endpoint_subnet",
            graph.get(endpoint_subnet).address.as_str(),
        ),
        ("table", table.as_str()),
        ("instead", instead.as_str()),
    ];
    let mut related = vec![Related {
        resource: consumer.address.clone(),
        span: consumer.span,
        message: format!("consumer in {cidr}"),
    }];
    let mut path = vec![consumer.address.clone()];
    witness::extend(graph, &mut path, &mut related, subnet, forward, endpoint);
    // The way back, as far as it goes.
    path.push(graph.get(endpoint_subnet).address.clone());
    if let Some(t) = back.route_table {
        path.push(graph.get(t).address.clone());
    }
    if let Some(c) = back.connection {
        path.push(graph.get(c).address.clone());
    }
    if let Some(trace) = &back.transit {
        witness::transit_hops(graph, &mut path, &mut related, trace);
    }
    related.push(Related {
        resource: graph.get(endpoint_subnet).address.clone(),
        span: graph.get(endpoint_subnet).span,
        message: format!("no way back to {cidr}: {instead}"),
    });
    Diagnostic {
        related,
        path,
        ..meta.finding(&args, &endpoint_r.address, endpoint_r.span, endpoint)
    }
}
