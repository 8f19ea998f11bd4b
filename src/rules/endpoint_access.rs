//! VPC001, VPC002, VPC003: an instance type that the selected access model does not allow
//! reaches an interface endpoint in another VPC over intra-region peering, inter-region
//! peering or VPN. One query, three path kinds: the rules share this file and differ only in
//! the path kind they report (their metadata and docs are three files under `rules/`).

use std::collections::BTreeMap;

use super::instance_types::{self, Classification, Hypervisor};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, ResourceId, Val};
use crate::reach::PathKind;
use crate::source::Span;

/// The documented access model a finding rests on (`--access-model`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AccessModel {
    /// The users' rule: non-Nitro instance types over intra-region peering, inter-region
    /// peering and VPN.
    #[default]
    Legacy,
    /// The AWS documentation of April 2018: only C5 and M5 over intra-region peering; no
    /// instance type over inter-region peering or VPN.
    #[value(name = "c5-m5-2018-04")]
    C5M5201804,
    /// Today's AWS documentation: no instance-type restriction.
    Current,
}

impl AccessModel {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            AccessModel::Legacy => "legacy",
            AccessModel::C5M5201804 => "c5-m5-2018-04",
            AccessModel::Current => "current",
        }
    }

    /// Why `class` may not use an endpoint over `path` under this model; `None` if it may.
    #[must_use]
    pub fn forbids(self, class: &Classification, path: PathKind) -> Option<String> {
        let crossing = matches!(
            path,
            PathKind::IntraRegionPeering | PathKind::InterRegionPeering | PathKind::Vpn
        );
        if !crossing {
            return None;
        }
        match self {
            AccessModel::Current => None,
            AccessModel::Legacy => (class.hypervisor == Hypervisor::Xen).then(|| {
                "under the 'legacy' access model only Nitro instance types can use an interface \
                 endpoint across VPC peering or VPN"
                    .to_owned()
            }),
            AccessModel::C5M5201804 => match path {
                PathKind::IntraRegionPeering => {
                    (!instance_types::is_c5_or_m5(&class.family)).then(|| {
                        "under the 'c5-m5-2018-04' access model (AWS documentation of April \
                         2018) only C5 and M5 instance types can use an interface endpoint \
                         across intra-region VPC peering"
                            .to_owned()
                    })
                }
                _ => Some(
                    "under the 'c5-m5-2018-04' access model (AWS documentation of April 2018) \
                     no instance type can use an interface endpoint across inter-region VPC \
                     peering or VPN"
                        .to_owned(),
                ),
            },
        }
    }

    /// A type of the same size that this model allows, for the help line.
    #[must_use]
    pub fn suggestion(self, class: &Classification) -> String {
        let family = match self {
            AccessModel::C5M5201804 => {
                if class.family.starts_with('c') {
                    "c5"
                } else {
                    "m5"
                }
            }
            _ => nitro_successor(&class.family),
        };
        let candidate = format!("{family}.{}", class.size);
        if instance_types::is_known_type(&candidate) {
            candidate
        } else {
            format!("{family}.large")
        }
    }
}

/// The Nitro family that replaced a Xen family.
fn nitro_successor(family: &str) -> &'static str {
    match family {
        "c1" | "c3" | "c4" | "cc1" | "cc2" => "c5",
        "r3" | "r4" | "cr1" | "m2" => "r5",
        "t1" | "t2" => "t3",
        "i2" | "i3" | "hi1" => "i3en",
        "d2" | "hs1" => "d3",
        "h1" => "d3en",
        "g2" | "g3" | "g3s" | "cg1" => "g4dn",
        "p2" | "p3" => "p3dn",
        "x1" | "x1e" => "x2iedn",
        "f1" => "f2",
        _ => "m5",
    }
}

pub fn check_vpc001(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    check(ctx, meta, PathKind::IntraRegionPeering, out);
}

pub fn check_vpc002(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    check(ctx, meta, PathKind::InterRegionPeering, out);
}

pub fn check_vpc003(ctx: &RuleContext<'_>, meta: &'static RuleMeta, out: &mut Vec<Diagnostic>) {
    check(ctx, meta, PathKind::Vpn, out);
}

fn check(
    ctx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    kind: PathKind,
    out: &mut Vec<Diagnostic>,
) {
    let model = ctx.settings.access_model;
    let graph = ctx.graph;
    // One finding per (instance type value, endpoint): the first path found is the witness;
    // other instances of the same resource (`count`/`for_each`) are named in it.
    let mut seen: BTreeMap<(Span, ResourceId), (usize, ResourceId, Vec<String>)> = BTreeMap::new();
    for reachable in &ctx.analysis.reachable {
        if reachable.path.kind != kind {
            continue;
        }
        let compute = &ctx.analysis.computes[reachable.compute];
        for type_use in &compute.types {
            let Val::Known(instance_type) = &type_use.value.val else {
                continue;
            };
            let Some(class) = instance_types::classify(instance_type) else {
                continue;
            };
            let Some(model_reason) = model.forbids(&class, kind) else {
                continue;
            };
            if let Some((_, compute_id, others)) =
                seen.get_mut(&(type_use.value.span, reachable.endpoint))
            {
                let address = &graph.get(compute.id).address;
                if *compute_id != compute.id && !others.contains(address) {
                    others.push(address.clone());
                }
                continue;
            }
            seen.insert(
                (type_use.value.span, reachable.endpoint),
                (out.len(), compute.id, Vec::new()),
            );
            let resource = graph.get(compute.id);
            let endpoint = graph.get(reachable.endpoint);
            let connection = reachable.path.connection.map(|c| graph.get(c));
            let service = match &endpoint.kind {
                Kind::Endpoint(e) => e
                    .service_name
                    .as_ref()
                    .and_then(|s| s.known_value().cloned())
                    .unwrap_or_else(|| "the service".to_owned()),
                _ => "the service".to_owned(),
            };
            let hypervisor = match (class.hypervisor, class.bare_metal) {
                (Hypervisor::Nitro, true) => "Nitro, bare metal".to_owned(),
                (h, _) => h.to_string(),
            };
            let connection_name = connection.map_or("(unnamed)", |c| c.address.as_str());
            let suggestion = model.suggestion(&class);
            let args = [
                ("resource", resource.address.as_str()),
                ("instance_type", instance_type.as_str()),
                ("hypervisor", hypervisor.as_str()),
                ("endpoint", endpoint.address.as_str()),
                ("connection", connection_name),
                ("model_reason", model_reason.as_str()),
                ("service", service.as_str()),
                ("suggestion", suggestion.as_str()),
            ];
            let mut finding =
                meta.finding(&args, &resource.address, type_use.value.span, compute.id);
            if let Some(assumption) = &reachable.path.assumption {
                finding.message.push_str(" (");
                finding.message.push_str(assumption);
                finding.message.push(')');
            }

            let mut path = vec![resource.address.clone()];
            let mut related = Vec::new();
            if let Some(via) = type_use.via {
                let template = graph.get(via);
                path.push(template.address.clone());
                related.push(Related {
                    resource: resource.address.clone(),
                    span: resource.span,
                    message: format!("launches instances from {}", template.address),
                });
            }
            witness::extend(
                graph,
                &mut path,
                &mut related,
                reachable.subnet,
                &reachable.path,
                reachable.endpoint,
            );
            related.push(Related {
                resource: endpoint.address.clone(),
                span: endpoint.span,
                message: "interface endpoint reached".to_owned(),
            });
            out.push(Diagnostic {
                related,
                path,
                ..finding
            });
        }
    }
    for (position, _, others) in seen.into_values() {
        if !others.is_empty() {
            let message = &mut out[position].message;
            message.push_str(" (and ");
            message.push_str(&others.join(", "));
            message.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(t: &str) -> Classification {
        instance_types::classify(t).unwrap()
    }

    #[test]
    fn legacy_flags_xen_over_every_crossing_path_only() {
        let m = AccessModel::Legacy;
        for path in [
            PathKind::IntraRegionPeering,
            PathKind::InterRegionPeering,
            PathKind::Vpn,
        ] {
            assert!(m.forbids(&class("m4.large"), path).is_some());
            assert!(m.forbids(&class("m5.large"), path).is_none());
        }
        for path in [
            PathKind::TransitGateway,
            PathKind::DirectConnect,
            PathKind::SameVpc,
        ] {
            assert!(m.forbids(&class("m4.large"), path).is_none());
        }
    }

    #[test]
    fn april_2018_allows_only_c5_m5_over_intra_region_peering() {
        let m = AccessModel::C5M5201804;
        assert!(m
            .forbids(&class("m5.large"), PathKind::IntraRegionPeering)
            .is_none());
        assert!(m
            .forbids(&class("c5n.large"), PathKind::IntraRegionPeering)
            .is_none());
        // Nitro, but not on the April 2018 list.
        assert!(m
            .forbids(&class("r5.large"), PathKind::IntraRegionPeering)
            .is_some());
        assert!(m
            .forbids(&class("m5.large"), PathKind::InterRegionPeering)
            .is_some());
        assert!(m.forbids(&class("c5.large"), PathKind::Vpn).is_some());
        assert!(m
            .forbids(&class("m4.large"), PathKind::TransitGateway)
            .is_none());
    }

    #[test]
    fn current_never_flags() {
        for path in [
            PathKind::IntraRegionPeering,
            PathKind::InterRegionPeering,
            PathKind::Vpn,
        ] {
            assert!(AccessModel::Current
                .forbids(&class("t2.micro"), path)
                .is_none());
        }
    }

    #[test]
    fn suggestions_are_real_types() {
        assert_eq!(
            AccessModel::Legacy.suggestion(&class("m4.large")),
            "m5.large"
        );
        assert_eq!(
            AccessModel::Legacy.suggestion(&class("t2.micro")),
            "t3.micro"
        );
        assert_eq!(
            AccessModel::Legacy.suggestion(&class("c4.8xlarge")),
            "c5.large"
        );
        assert_eq!(
            AccessModel::C5M5201804.suggestion(&class("r5.xlarge")),
            "m5.xlarge"
        );
    }
}
