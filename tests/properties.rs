//! Property tests for the pieces with algebra: prefix containment and longest-prefix match,
//! checked against brute-force references over random routes.

use proptest::prelude::*;
use vpclint::model::Ipv4Net;
use vpclint::reach::lpm::{best_route, Route};

/// Prefixes concentrated in a small space (10.0.0.0/16 and 0.0.0.0/0), so that random routes
/// often overlap.
fn net() -> impl Strategy<Value = Ipv4Net> {
    (0u32..=0xFFFF, 0u8..=32).prop_map(|(low, len)| {
        let addr = if len == 0 {
            0
        } else {
            0x0A00_0000 | low << 8 | (low & 0xFF)
        };
        Ipv4Net::new(addr, len.max(if len == 0 { 0 } else { 8 }))
    })
}

fn route() -> impl Strategy<Value = Route> {
    (net(), any::<bool>()).prop_map(|(destination, propagated)| Route {
        destination,
        propagated,
    })
}

/// Every address of `net`, for small prefixes (length ≥ 24), or a sample of them.
fn addresses(net: Ipv4Net) -> Vec<u32> {
    let size = 1u64 << (32 - u32::from(net.prefix_len()));
    let step = (size / 64).max(1);
    (0..size)
        .step_by(usize::try_from(step).unwrap())
        .map(|i| net.addr() + u32::try_from(i).unwrap())
        .chain(std::iter::once(
            net.addr() + u32::try_from(size - 1).unwrap(),
        ))
        .collect()
}

proptest! {
    #[test]
    fn containment_agrees_with_addresses(a in net(), b in net()) {
        let by_addresses = addresses(b).iter().all(|&x| a.contains_addr(x))
            && a.prefix_len() <= b.prefix_len();
        prop_assert_eq!(a.contains(b), by_addresses);
        prop_assert_eq!(a.overlaps(b), a.contains(b) || b.contains(a));
        prop_assert!(a.contains(a));
    }

    #[test]
    fn longest_prefix_match_agrees_with_brute_force(
        routes in proptest::collection::vec(route(), 0..12),
        target in net(),
    ) {
        // Reference: the containing routes, longest first, static before propagated,
        // declaration order last.
        let mut containing: Vec<(usize, &Route)> = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.destination.contains(target))
            .collect();
        containing.sort_by_key(|(i, r)| (std::cmp::Reverse(r.destination.prefix_len()), r.propagated, *i));
        let expected = containing.first().map(|(i, _)| *i);
        prop_assert_eq!(best_route(&routes, target), expected);
        // Whatever wins carries every address of the target, and no longer route does.
        if let Some(i) = expected {
            for &addr in &addresses(target) {
                prop_assert!(routes[i].destination.contains_addr(addr));
            }
        }
    }

    #[test]
    fn parse_display_round_trips(n in net()) {
        let text = n.to_string();
        prop_assert_eq!(text.parse::<Ipv4Net>().unwrap(), n);
    }
}
