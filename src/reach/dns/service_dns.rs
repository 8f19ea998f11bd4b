//! The DNS name an AWS service answers on, derived from an interface endpoint's service
//! name, with the exceptions kept as data in `rules/service-dns-names.csv`.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::model::symbolic::Hole;
use crate::model::{Graph, HoleKind, Kind, ResourceId, SymStr, Undecided, Val};

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

/// The DNS name an interface endpoint answers for with private DNS: the AWS service's name,
/// or the `private_dns_name` of an endpoint service of the code that its service name
/// references.
///
/// # Errors
/// When it is not known: no service name, a service name not known, another account's
/// endpoint service (its provider chooses the name), or an endpoint service of the code
/// without a private DNS name.
pub fn endpoint_dns_name(graph: &Graph, endpoint: ResourceId) -> Result<SymStr, Undecided> {
    let resource = graph.get(endpoint);
    let address = &resource.address;
    let Kind::Endpoint(ep) = &resource.kind else {
        return Err(Undecided::new(
            format!("{address} is not an endpoint"),
            resource.span,
        ));
    };
    let Some(written) = ep.service_name.as_ref() else {
        return Err(Undecided::new(
            format!("{address} has no service name"),
            resource.span,
        ));
    };
    match &written.val {
        Val::Known(service) => dns_name(service).ok_or_else(|| {
            Undecided::new(
                format!("the private DNS name of {service} is chosen by the service's provider"),
                written.span,
            )
            .context(format!("the DNS name {address} answers for is not known"))
        }),
        Val::Ref(id, _) if matches!(graph.get(*id).kind, Kind::EndpointService(_)) => {
            let svc = graph.get(*id);
            let Kind::EndpointService(service) = &svc.kind else {
                unreachable!("matched");
            };
            match service.private_dns_name.as_ref() {
                Some(n) => n.known_value().cloned().ok_or_else(|| {
                    n.undecided(graph).expect("not known").context(format!(
                        "the private DNS name of {} is not known",
                        svc.address
                    ))
                }),
                None => Err(Undecided::new(
                    format!(
                        "{} has no private DNS name: only the endpoint's own names (vpce-…) reach it",
                        svc.address
                    ),
                    svc.span,
                )
                .context(format!("the DNS name {address} answers for is not known"))),
            }
        }
        _ => Err(written
            .undecided(graph)
            .unwrap_or_else(|| {
                Undecided::new(
                    "a reference to a resource that is not an endpoint service",
                    written.span,
                )
            })
            .context(format!("the service name of {address} is not known"))),
    }
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
