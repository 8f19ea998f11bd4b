//! The TCP ports an interface endpoint's service listens on: 443 for AWS services unless
//! `rules/service-ports.csv` says otherwise (SES SMTP, Athena's drivers, Amazon Keyspaces,
//! `DataSync`), the listener ports of the Network Load Balancer behind an endpoint service of
//! the code, and not known for any other endpoint service.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::model::{Endpoint, Graph, Index, Kind, Prop, ResourceId, SymStr, Undecided, Val};

/// Whether a consumer needs every listed port or any one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    All,
    Any,
}

/// The ports a consumer connects to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ports {
    /// Inclusive TCP port ranges.
    pub ranges: Vec<(i64, i64)>,
    pub needs: Needs,
}

impl Ports {
    /// `TCP 443`, `TCP 443 and 444`, `TCP 25, 465 or 587`.
    #[must_use]
    pub fn describe(ranges: &[(i64, i64)], needs: Needs) -> String {
        let items: Vec<String> = ranges
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        let joined = match items.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!(
                "{} {} {last}",
                rest.join(", "),
                if needs == Needs::All { "and" } else { "or" }
            ),
        };
        format!("TCP {joined}")
    }
}

static TABLE: LazyLock<HashMap<&'static str, Ports>> = LazyLock::new(|| {
    include_str!("../../rules/service-ports.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split(',');
            let service = cols.next()?;
            let ranges = cols
                .next()?
                .split_whitespace()
                .filter_map(|p| match p.split_once('-') {
                    Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                    None => p.parse().ok().map(|n| (n, n)),
                })
                .collect();
            let needs = match cols.next()? {
                "any" => Needs::Any,
                _ => Needs::All,
            };
            Some((service, Ports { ranges, needs }))
        })
        .collect()
});

/// The ports of an AWS service name (`com.amazonaws.<region>.<service>`, the region perhaps
/// not known).
///
/// # Errors
/// The reason when the name is an endpoint service's (`com.amazonaws.vpce.…`), not shaped
/// like an AWS service's, or its service part is not known.
pub fn aws_service_ports(name: &SymStr) -> Result<Ports, String> {
    let https = Ports {
        ranges: vec![(443, 443)],
        needs: Needs::All,
    };
    let text = name.encoded();
    if let Some(rest) = text.strip_prefix("com.amazonaws.") {
        let Some((region, service)) = rest.split_once('.') else {
            return Err(format!("'{name}' is not an AWS service name"));
        };
        if region == "vpce" {
            return Err(format!(
                "'{name}' is an endpoint service: it listens on its provider's load balancer ports, which are not in the code"
            ));
        }
        let Some(service) = SymStr::from_encoded(service)
            .as_literal()
            .map(str::to_owned)
        else {
            return Err(format!("the service in '{name}' is not known"));
        };
        return Ok(TABLE.get(service.as_str()).cloned().unwrap_or(https));
    }
    // SageMaker notebooks and studio (`aws.sagemaker.<region>.notebook`) are HTTPS.
    if text.starts_with("aws.sagemaker.") {
        return Ok(https);
    }
    Err(format!(
        "'{name}' is not an AWS service name: the ports its provider listens on are not in the code"
    ))
}

/// The ports an interface endpoint's consumers connect to.
///
/// # Errors
/// Why they are not known.
pub fn endpoint_ports(
    graph: &Graph,
    index: &Index,
    endpoint: ResourceId,
    e: &Endpoint,
) -> Result<Ports, Undecided> {
    let address = &graph.get(endpoint).address;
    let Some(name) = &e.service_name else {
        return Err(Undecided::new(
            format!("{address} has no service name"),
            graph.get(endpoint).span,
        ));
    };
    match &name.val {
        Val::Known(sym) => aws_service_ports(sym).map_err(|reason| {
            Undecided::new(reason, name.span)
                .context(format!("the ports {address} listens on are not known"))
        }),
        Val::Ref(service, _) if matches!(graph.get(*service).kind, Kind::EndpointService(_)) => {
            listener_ports(graph, index, *service)
                .map_err(|why| why.context(format!("the ports {address} listens on are not known")))
        }
        _ => Err(name
            .undecided(graph)
            .expect("not known")
            .context(format!("the ports {address} listens on are not known"))),
    }
}

/// The listener ports of the load balancers behind an endpoint service of the code: a
/// consumer uses any of them.
fn listener_ports(graph: &Graph, index: &Index, service: ResourceId) -> Result<Ports, Undecided> {
    let Kind::EndpointService(s) = &graph.get(service).kind else {
        unreachable!("checked by the caller");
    };
    let not_known = |p: &Prop<()>| {
        p.undecided(graph)
            .unwrap_or_else(|| Undecided::new("a literal load balancer ARN", p.span))
            .context(format!(
                "a load balancer of {} is not known",
                graph.get(service).address
            ))
    };
    let lbs = match s.load_balancers.as_ref().map(|l| (l, &l.val)) {
        Some((_, Val::Known(items))) => items,
        Some((l, _)) => {
            return Err(l.undecided(graph).expect("not known").context(format!(
                "the load balancers of {} are not known",
                graph.get(service).address
            )))
        }
        None => {
            return Err(Undecided::new(
                format!(
                    "{} names no Network Load Balancer",
                    graph.get(service).address
                ),
                graph.get(service).span,
            ))
        }
    };
    if let Some(why) = index.floating.listeners.first() {
        return Err(why.clone());
    }
    let mut ranges = Vec::new();
    for lb in lbs {
        let lb_id = lb.target().ok_or_else(|| not_known(lb))?;
        for &listener in index.lb_listeners.get(&lb_id).into_iter().flatten() {
            let Kind::LbListener(l) = &graph.get(listener).kind else {
                continue;
            };
            let port = l.port.as_ref().ok_or_else(|| {
                Undecided::new(
                    format!("{} has no port", graph.get(listener).address),
                    graph.get(listener).span,
                )
            })?;
            let n = *port.known_value().ok_or_else(|| {
                port.undecided(graph).expect("not known").context(format!(
                    "the port of {} is not known",
                    graph.get(listener).address
                ))
            })?;
            ranges.push((n, n));
        }
    }
    if ranges.is_empty() {
        return Err(Undecided::new(
            format!(
                "no listener of the load balancers of {} is in the code",
                graph.get(service).address
            ),
            graph.get(service).span,
        ));
    }
    ranges.sort_unstable();
    ranges.dedup();
    Ok(Ports {
        ranges,
        needs: Needs::Any,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_default() {
        let ports = |s: &str| aws_service_ports(&SymStr::literal(s));
        assert_eq!(
            ports("com.amazonaws.us-east-1.sqs").unwrap().ranges,
            vec![(443, 443)]
        );
        let smtp = ports("com.amazonaws.eu-west-1.email-smtp").unwrap();
        assert_eq!(smtp.needs, Needs::Any);
        assert_eq!(smtp.ranges.len(), 5);
        assert_eq!(
            ports("com.amazonaws.eu-west-1.athena").unwrap().ranges,
            vec![(443, 443), (444, 444)]
        );
        assert_eq!(
            ports("com.amazonaws.eu-west-1.cassandra").unwrap().ranges,
            vec![(9142, 9142)]
        );
        assert_eq!(
            ports("com.amazonaws.eu-west-1.datasync").unwrap().ranges,
            vec![(443, 443), (1024, 1064)]
        );
        assert!(ports("com.amazonaws.vpce.us-east-1.vpce-svc-0123").is_err());
        assert!(ports("example.com").is_err());
        assert_eq!(
            Ports::describe(&[(25, 25), (465, 465), (587, 587)], Needs::Any),
            "TCP 25, 465 or 587"
        );
        assert_eq!(
            Ports::describe(&[(443, 443), (1024, 1064)], Needs::All),
            "TCP 443 and 1024-1064"
        );
    }
}
