//! The DNS name an AWS service answers on, derived from an interface endpoint's service
//! name, with the exceptions kept as data in `rules/service-dns-names.csv`.

use std::collections::HashMap;
use std::sync::LazyLock;

static EXCEPTIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../../rules/service-dns-names.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .collect()
});

/// `com.amazonaws.ap-northeast-1.kinesis-streams` → `kinesis.ap-northeast-1.amazonaws.com`.
/// `None` for endpoint services of other accounts (`com.amazonaws.vpce.…`), whose private
/// DNS name is set by the provider, and for names not shaped like an AWS service name.
#[must_use]
pub fn dns_name(service_name: &str) -> Option<String> {
    let rest = service_name.strip_prefix("com.amazonaws.")?;
    let (region, service) = rest.split_once('.')?;
    if region == "vpce" || service.is_empty() || !region.contains('-') {
        return None;
    }
    Some(match EXCEPTIONS.get(service) {
        Some(template) => template.replace("{region}", region),
        None => format!("{service}.{region}.amazonaws.com"),
    })
}

/// Does a zone or forwarding domain (`amazonaws.com.`, `kinesis.ap-northeast-1.amazonaws.com`)
/// cover this name? Case-insensitive, trailing dots ignored.
#[must_use]
pub fn domain_covers(domain: &str, name: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    !domain.is_empty() && (name == domain || name.ends_with(&format!(".{domain}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_default_and_the_exceptions() {
        assert_eq!(
            dns_name("com.amazonaws.ap-northeast-1.kinesis-streams").unwrap(),
            "kinesis.ap-northeast-1.amazonaws.com"
        );
        assert_eq!(
            dns_name("com.amazonaws.us-east-1.ecr.dkr").unwrap(),
            "dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(
            dns_name("com.amazonaws.eu-west-1.ssm").unwrap(),
            "ssm.eu-west-1.amazonaws.com"
        );
        assert_eq!(dns_name("com.amazonaws.vpce.us-east-1.vpce-svc-0123"), None);
        assert_eq!(dns_name("kinesis"), None);
    }

    #[test]
    fn domains_cover_subdomains_only() {
        let name = "kinesis.ap-northeast-1.amazonaws.com";
        assert!(domain_covers("amazonaws.com.", name));
        assert!(domain_covers("KINESIS.ap-northeast-1.amazonaws.com", name));
        assert!(!domain_covers("zonaws.com", name));
        assert!(!domain_covers("s3.ap-northeast-1.amazonaws.com", name));
        assert!(!domain_covers("", name));
    }
}
