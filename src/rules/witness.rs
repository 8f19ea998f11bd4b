//! The witness of a path: the resources a finding's path passes through, and the related
//! locations it crosses (the route that matched, the connection), shared by the rules that
//! report a path from a subnet to an endpoint.

use crate::diagnostic::Related;
use crate::model::{Graph, ResourceId};
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
    path.push(endpoint.address.clone());
}
