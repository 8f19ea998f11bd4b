//! Longest-prefix match, as a VPC route table selects a route: among the routes whose
//! destination contains the whole target prefix, the longest destination wins; on a tie a
//! static route beats a propagated one (AWS route priority); then the first declared.

use crate::model::Ipv4Net;

/// A route as the matcher sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub destination: Ipv4Net,
    pub propagated: bool,
}

/// The index of the route that carries traffic to every address of `target`, if any.
#[must_use]
pub fn best_route(routes: &[Route], target: Ipv4Net) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, route) in routes.iter().enumerate() {
        if !route.destination.contains(target) {
            continue;
        }
        let wins = match best {
            None => true,
            Some(b) => {
                let current = routes[b];
                let (len, current_len) = (
                    route.destination.prefix_len(),
                    current.destination.prefix_len(),
                );
                len > current_len || (len == current_len && current.propagated && !route.propagated)
            }
        };
        if wins {
            best = Some(i);
        }
    }
    best
}
