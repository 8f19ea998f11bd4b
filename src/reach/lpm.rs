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

/// Longest-prefix match with a rank per route, as a transit gateway route table selects a
/// route: among the routes whose destination contains the whole target, the longest wins;
/// on a tie the lower rank (static before prefix-list before propagated, AWS's route
/// evaluation order); then the first declared.
#[must_use]
pub fn best_ranked(routes: &[(Ipv4Net, u8)], target: Ipv4Net) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &(destination, rank)) in routes.iter().enumerate() {
        if !destination.contains(target) {
            continue;
        }
        let wins = best.is_none_or(|b| {
            let (current, current_rank) = routes[b];
            let (len, current_len) = (destination.prefix_len(), current.prefix_len());
            len > current_len || (len == current_len && rank < current_rank)
        });
        if wins {
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn ranked_match_prefers_longer_then_lower_rank_then_first() {
        let routes = [
            (net("10.0.0.0/8"), 0),
            (net("10.1.0.0/16"), 2),
            (net("10.1.0.0/16"), 0),
            (net("10.1.0.0/16"), 0),
        ];
        assert_eq!(best_ranked(&routes, net("10.1.2.0/24")), Some(2));
        assert_eq!(best_ranked(&routes, net("10.2.0.0/24")), Some(0));
        assert_eq!(best_ranked(&routes, net("11.0.0.0/24")), None);
        // A longer blackhole-like route beats a shorter one whatever the ranks.
        let routes = [(net("10.0.0.0/8"), 5), (net("10.0.0.0/9"), 9)];
        assert_eq!(best_ranked(&routes, net("10.0.0.0/24")), Some(1));
    }
}
