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

/// `cidrsubnet(prefix, newbits, netnum)`, as the Terraform documentation defines it: the
/// `netnum`-th block of `prefix_len + newbits` bits inside `prefix`.
fn cidrsubnet_reference(prefix: Ipv4Net, newbits: u8, netnum: u32) -> Ipv4Net {
    let len = prefix.prefix_len() + newbits;
    Ipv4Net::new(prefix.addr() + (netnum << (32 - u32::from(len))), len)
}

fn terraform(expression: &str) -> Result<String, String> {
    vpclint::lower::terraform::evaluate(
        &[("p/main.tf".into(), String::new())],
        &vpclint::lower::terraform::TerraformOptions::default(),
        std::path::Path::new("p"),
        expression,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn cidrsubnet_agrees_with_its_definition(
        len in 8u8..=24, newbits in 1u8..=8, netnum in 0u32..256, base in any::<u32>(),
    ) {
        let prefix = Ipv4Net::new(base, len);
        let netnum = netnum % (1 << newbits);
        let got = terraform(&format!("cidrsubnet(\"{prefix}\", {newbits}, {netnum})")).unwrap();
        let want = cidrsubnet_reference(prefix, newbits, netnum);
        prop_assert_eq!(got, format!("\"{want}\""));
        // The result lies inside the prefix, and the next netnum is the adjacent block.
        prop_assert!(prefix.contains(want));
    }

    #[test]
    fn cidrsubnet_out_of_range_is_an_error_not_a_value(len in 8u8..=24, newbits in 1u8..=8) {
        let prefix = Ipv4Net::new(0x0A00_0000, len);
        let too_big = 1u32 << newbits;
        let expression = format!("cidrsubnet(\"{prefix}\", {newbits}, {too_big})");
        prop_assert!(terraform(&expression).is_err());
    }
}

#[test]
fn cidrsubnet_matches_the_terraform_documentation_examples() {
    // https://developer.hashicorp.com/terraform/language/functions/cidrsubnet
    assert_eq!(
        terraform(r#"cidrsubnet("172.16.0.0/12", 4, 2)"#).unwrap(),
        r#""172.18.0.0/16""#
    );
    assert_eq!(
        terraform(r#"cidrsubnet("10.1.2.0/24", 4, 15)"#).unwrap(),
        r#""10.1.2.240/28""#
    );
    // cidrsubnets: consecutive blocks of the given sizes.
    assert_eq!(
        terraform(r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#).unwrap(),
        r#"["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]"#
    );
}
