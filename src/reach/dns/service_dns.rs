//! The DNS name an AWS service answers on, derived from an interface endpoint's service
//! name, with the exceptions kept as data in `rules/service-dns-names.csv`.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::model::symbolic::Hole;
use crate::model::{HoleKind, SymStr};

static EXCEPTIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../../../rules/service-dns-names.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .collect()
});

/// `com.amazonaws.ap-northeast-1.kinesis-streams` → `kinesis.ap-northeast-1.amazonaws.com`,
/// and `com.amazonaws.<region>.sqs` → `sqs.<region>.amazonaws.com` when the region is not
/// known. `None` for endpoint services of other accounts (`com.amazonaws.vpce.…`), whose
/// private DNS name is set by the provider, and for names not shaped like an AWS service
/// name.
#[must_use]
pub fn dns_name(service_name: &SymStr) -> Option<SymStr> {
    let rest = service_name.encoded().strip_prefix("com.amazonaws.")?;
    let (region, service) = rest.split_once('.')?;
    let region_holes: Vec<Hole> = SymStr::from_encoded(region).holes().collect();
    let region_ok = match region_holes.as_slice() {
        [] => region.contains('-'),
        [hole] => hole.kind == HoleKind::Region && region.chars().count() == 1,
        _ => false,
    };
    let service_known = SymStr::from_encoded(service).as_literal().is_some();
    if region == "vpce" || service.is_empty() || !region_ok || !service_known {
        return None;
    }
    Some(SymStr::from_encoded(match EXCEPTIONS.get(service) {
        Some(template) => template.replace("{region}", region),
        None => format!("{service}.{region}.amazonaws.com"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Option<String> {
        dns_name(&SymStr::literal(s)).map(|n| n.to_string())
    }

    #[test]
    fn names_follow_the_default_and_the_exceptions() {
        assert_eq!(
            name("com.amazonaws.ap-northeast-1.kinesis-streams").unwrap(),
            "kinesis.ap-northeast-1.amazonaws.com"
        );
        assert_eq!(
            name("com.amazonaws.us-east-1.ecr.dkr").unwrap(),
            "dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(
            name("com.amazonaws.eu-west-1.ssm").unwrap(),
            "ssm.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            name("com.amazonaws.us-east-1.ecs-agent").unwrap(),
            "ecs-a-*.us-east-1.amazonaws.com"
        );
        assert_eq!(
            name("com.amazonaws.us-east-1.ecs-telemetry").unwrap(),
            "ecs-t-*.us-east-1.amazonaws.com"
        );
        assert_eq!(
            name("com.amazonaws.eu-west-1.sagemaker.notebook").unwrap(),
            "*.notebook.eu-west-1.sagemaker.aws"
        );
        assert_eq!(name("com.amazonaws.vpce.us-east-1.vpce-svc-0123"), None);
        assert_eq!(name("kinesis"), None);
    }

    #[test]
    fn an_unknown_region_stays_a_placeholder() {
        let mut service = SymStr::literal("com.amazonaws.");
        service.push(&SymStr::hole(HoleKind::Region, 3));
        service.push_str(".kinesis-streams");
        let dns = dns_name(&service).unwrap();
        assert_eq!(dns.to_string(), "kinesis.<region>.amazonaws.com");
        let mut zone = SymStr::literal("kinesis.");
        zone.push(&SymStr::hole(HoleKind::Region, 3));
        zone.push_str(".amazonaws.com");
        assert_eq!(dns.covered_by(&zone), Some(true));
        let mut account = SymStr::literal("com.amazonaws.");
        account.push(&SymStr::hole(HoleKind::AccountId, 0));
        account.push_str(".sqs");
        assert_eq!(dns_name(&account), None);
    }
}
