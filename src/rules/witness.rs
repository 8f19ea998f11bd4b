//! The witness of a path: the resources a finding's path passes through, and the related
//! locations it crosses (the route that matched, the connection), shared by the rules that
//! report a path from a subnet to an endpoint.

use crate::diagnostic::Related;
use crate::model::{Graph, ResourceId};
use crate::reach::transit::{Drop, TgwEnd, TgwTrace};
use crate::reach::Path;

/// Extends `path` and `related` with the hops from `subnet` to `endpoint` along `route`:
/// the subnet, its route table, the route (related), the connection (path and related),
/// and the endpoint.
pub fn extend(
    graph: &Graph,
    path: &mut Vec<String>,
    related: &mut Vec<Related>,
    subnet: ResourceId,
    route: &Path,
    endpoint: ResourceId,
) {
    let endpoint = graph.get(endpoint);
    let kind = route.kind.describe();
    path.push(graph.get(subnet).address.clone());
    if let Some(table) = route.route_table {
        path.push(graph.get(table).address.clone());
    }
    if let Some((owner, span)) = route.route {
        related.push(Related {
            resource: graph.get(owner).address.clone(),
            span,
            message: format!("route to {} over {kind}", endpoint.address),
        });
    }
    if let Some(c) = route.connection {
        let connection = graph.get(c);
        path.push(connection.address.clone());
        related.push(Related {
            resource: connection.address.clone(),
            span: connection.span,
            message: format!("{kind} crossed"),
        });
    }
    if let Some(trace) = &route.transit {
        transit_hops(graph, path, related, trace);
    }
    path.push(endpoint.address.clone());
}

/// The transit-gateway hops of a path: for each table that routed the traffic, the VPC it
/// passed through before (if any), the attachment it entered by, the table, and the route
/// that matched (related); then the attachment that delivered it.
pub fn transit_hops(
    graph: &Graph,
    path: &mut Vec<String>,
    related: &mut Vec<Related>,
    trace: &TgwTrace,
) {
    for hop in &trace.hops {
        if let Some((vpc, table)) = hop.through {
            path.push(graph.get(vpc).address.clone());
            if let Some(table) = table {
                path.push(graph.get(table).address.clone());
            }
        }
        path.push(graph.get(hop.attachment).address.clone());
        let Some(table) = hop.table else {
            continue;
        };
        let table_name = table.name(graph);
        // A gateway's default table is no resource of the code: the path names the gateway.
        path.push(graph.get(table.resource()).address.clone());
        if let Some(m) = &hop.route {
            let how = if m.blackhole {
                "blackhole"
            } else if m.propagated {
                "propagated"
            } else {
                "static"
            };
            related.push(Related {
                resource: graph.get(m.owner).address.clone(),
                span: m.span,
                message: format!(
                    "transit gateway route {} in {table_name} ({how})",
                    m.destination
                ),
            });
        }
    }
    let name = |id: ResourceId| graph.get(id).address.clone();
    match &trace.end {
        TgwEnd::Vpc { attachment, .. } | TgwEnd::OnPremises { attachment } => {
            path.push(name(*attachment));
        }
        // Dropped in a VPC passed through: the attachment into it, the VPC, the table
        // without the route.
        TgwEnd::Dropped(Drop::NoRouteInVpc {
            vpc,
            table,
            attachment,
        }) => {
            path.push(name(*attachment));
            path.push(name(*vpc));
            path.extend(table.map(name));
        }
        TgwEnd::Internet { vpc, gateway } => {
            path.push(name(*vpc));
            path.push(name(*gateway));
        }
        TgwEnd::Other { vpc, target } => {
            path.push(name(*vpc));
            path.extend(target.map(name));
        }
        TgwEnd::Dropped(_) => {}
    }
}
