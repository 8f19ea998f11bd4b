//! VPC001, VPC002, VPC003: an instance type that the selected access model does not allow
//! reaches an interface endpoint in another VPC over intra-region peering, inter-region
//! peering or VPN. One query, three path kinds: the rules share this file and differ only in
//! the path kind they report (their metadata and docs are three files under `rules/`).

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

use super::instance_types::{self, Classification, Hypervisor};
use super::verdict::{resource_name, Rule, Unchecked, Verdict};
use super::{witness, RuleContext, RuleMeta};
use crate::diagnostic::{Diagnostic, Related};
use crate::model::{Kind, ResourceId, Undecided, Val};
use crate::reach::{Path, PathKind, Reachable, TypeUse};
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

/// The path kind each of the three rules reports.
pub trait Crossing {
    const KIND: PathKind;
}

/// Intra-region VPC peering (VPC001).
pub struct IntraRegion;
/// Inter-region VPC peering (VPC002).
pub struct InterRegion;
/// Site-to-Site VPN (VPC003).
pub struct Vpn;

impl Crossing for IntraRegion {
    const KIND: PathKind = PathKind::IntraRegionPeering;
}
impl Crossing for InterRegion {
    const KIND: PathKind = PathKind::InterRegionPeering;
}
impl Crossing for Vpn {
    const KIND: PathKind = PathKind::Vpn;
}

/// The query of VPC001–VPC003, for one path kind.
pub struct EndpointAccess<P> {
    model: AccessModel,
    /// (compute, endpoint) → its entries in the analysis' `reachable`, subnet by subnet.
    pairs: HashMap<(usize, ResourceId), Vec<usize>>,
    kind: PhantomData<P>,
}

pub type Vpc001 = EndpointAccess<IntraRegion>;
pub type Vpc002 = EndpointAccess<InterRegion>;
pub type Vpc003 = EndpointAccess<Vpn>;

/// One question: may the instance type written at `value` use `endpoint` over this path
/// kind? The compute resources that launch that value (several instances of one module
/// share it) are asked together, so that one finding names them all; copies of a
/// CloudFormation resource whose type differs by condition are asked apart.
pub enum Question {
    Use {
        value: Span,
        /// The type, when known.
        text: Option<String>,
        /// (index into the analysis' computes, index into its types).
        users: Vec<(usize, usize)>,
        /// The endpoint; `None` when the users' subnets are not known (any endpoint).
        endpoint: Option<ResourceId>,
    },
    /// An endpoint whose type is not known: it may be an interface endpoint that the
    /// unit's compute resources reach.
    UntypedEndpoint(usize),
}

impl<P: Crossing> Rule for EndpointAccess<P> {
    type Subject = Question;

    fn new(ctx: &RuleContext<'_>) -> Self {
        let mut pairs: HashMap<(usize, ResourceId), Vec<usize>> = HashMap::new();
        for (n, r) in ctx.analysis.reachable.iter().enumerate() {
            pairs.entry((r.compute, r.endpoint)).or_default().push(n);
        }
        EndpointAccess {
            model: ctx.settings.access_model,
            pairs,
            kind: PhantomData,
        }
    }

    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Question> {
        let analysis = ctx.analysis;
        // (type value, endpoint) → its users, in first-seen order.
        let mut uses: BTreeMap<Key, Vec<(usize, usize)>> = BTreeMap::new();
        let mut add = |key: Key, user: (usize, usize)| {
            let list = uses.entry(key).or_default();
            if !list.contains(&user) {
                list.push(user);
            }
        };
        let mut any_undecided_type = false;
        for (i, compute) in analysis.computes.iter().enumerate() {
            for (j, t) in compute.types.iter().enumerate() {
                any_undecided_type |= self.may_forbid(&t.value);
                if compute.subnets.is_err() {
                    add((t.value.span, t.value.known_value().cloned(), None), (i, j));
                }
            }
        }
        for r in &analysis.reachable {
            let relevant = match &r.path {
                Ok(path) => path.kind == P::KIND,
                Err(_) => true,
            };
            if relevant {
                for (j, t) in analysis.computes[r.compute].types.iter().enumerate() {
                    add(
                        (
                            t.value.span,
                            t.value.known_value().cloned(),
                            Some(r.endpoint),
                        ),
                        (r.compute, j),
                    );
                }
            }
        }
        let mut out: Vec<Question> = uses
            .into_iter()
            .map(|((value, text, endpoint), users)| Question::Use {
                value,
                text,
                users,
                endpoint,
            })
            .collect();
        if any_undecided_type {
            out.extend((0..analysis.untyped_endpoints.len()).map(Question::UntypedEndpoint));
        }
        out
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, q: &Question) -> Verdict {
        let analysis = ctx.analysis;
        let (value, users, endpoint) = match q {
            Question::UntypedEndpoint(i) => {
                let (endpoint, why) = &analysis.untyped_endpoints[*i];
                return Verdict::unchecked(*endpoint, why.clone());
            }
            Question::Use {
                value,
                users,
                endpoint,
                ..
            } => (*value, users, *endpoint),
        };
        let (first, j) = users[0];
        let type_use = &analysis.computes[first].types[j];
        let compute_id = analysis.computes[first].id;
        // The type decides first: a type the model allows passes whatever the path.
        let (instance_type, class, model_reason) = if let Val::Known(t) = &type_use.value.val {
            match instance_types::classify(t) {
            None => {
                return Verdict::unchecked(
                    compute_id,
                    Undecided::new(
                        format!("'{t}' is not a known EC2 instance type (EC2001), so its hypervisor is not known"),
                        value,
                    ),
                )
            }
            Some(class) => match self.model.forbids(&class, P::KIND) {
                None => return Verdict::Pass,
                Some(reason) => (t.as_str(), class, reason),
            },
        }
        } else {
            let why = type_use
                .value
                .undecided(ctx.graph)
                .expect("not known")
                .context("instance type unknown");
            return match endpoint {
                None => subnets_unknown(ctx, users),
                Some(_) => Verdict::unchecked(compute_id, why),
            };
        };
        let Some(endpoint) = endpoint else {
            return subnets_unknown(ctx, users);
        };
        // The first user whose path is of this kind is the witness; the others are named.
        let mut witness: Option<&Reachable> = None;
        let mut others: Vec<&str> = Vec::new();
        let mut undecided: Option<(ResourceId, &Undecided)> = None;
        for &(i, _) in users {
            let compute = &analysis.computes[i];
            let entries = self
                .pairs
                .get(&(i, endpoint))
                .map_or(&[][..], Vec::as_slice);
            for r in entries.iter().map(|&n| &analysis.reachable[n]) {
                match &r.path {
                    Ok(path) if path.kind == P::KIND => {
                        match witness {
                            None => witness = Some(r),
                            Some(w) if analysis.computes[w.compute].id != compute.id => {
                                let address = ctx.graph.get(compute.id).address.as_str();
                                if !others.contains(&address) {
                                    others.push(address);
                                }
                            }
                            Some(_) => {}
                        }
                        break;
                    }
                    Ok(_) => {}
                    Err(why) => {
                        undecided.get_or_insert((compute.id, why));
                    }
                }
            }
        }
        let Some(reachable) = witness else {
            return match undecided {
                Some((compute, why)) => Verdict::unchecked(compute, why.clone()),
                None => Verdict::Pass,
            };
        };
        let Ok(path) = &reachable.path else {
            unreachable!("a witness has a path");
        };
        let mut finding = self.finding(
            ctx,
            meta,
            &Witness {
                compute: analysis.computes[reachable.compute].id,
                type_use,
                instance_type,
                class: &class,
                model_reason: &model_reason,
                subnet: reachable.subnet,
                endpoint,
                path,
            },
        );
        if !others.is_empty() {
            finding.message.push_str(" (and ");
            finding.message.push_str(&others.join(", "));
            finding.message.push(')');
        }
        Verdict::finding(finding)
    }

    fn name(&self, ctx: &RuleContext<'_>, q: &Question) -> String {
        match q {
            Question::Use {
                value,
                text,
                endpoint,
                ..
            } => format!(
                "{}:{}..{}={} -> {}",
                value.file.0,
                value.start,
                value.end,
                text.as_deref().unwrap_or("?"),
                endpoint.map_or_else(|| "?".to_owned(), |e| resource_name(ctx, e))
            ),
            Question::UntypedEndpoint(i) => {
                resource_name(ctx, ctx.analysis.untyped_endpoints[*i].0)
            }
        }
    }
}

/// A type value (where written, and the type when known) and the endpoint asked about.
type Key = (Span, Option<String>, Option<ResourceId>);

/// The users' subnets are not known, so neither is which endpoints they reach.
fn subnets_unknown(ctx: &RuleContext<'_>, users: &[(usize, usize)]) -> Verdict {
    let compute = &ctx.analysis.computes[users[0].0];
    let Err(why) = &compute.subnets else {
        unreachable!("asked only for compute resources whose subnets are not known");
    };
    Verdict::Unchecked(Unchecked {
        resource: compute.id,
        why: why.clone().context("subnets unknown"),
        if_endpoints_elsewhere: ctx.analysis.endpoints.is_empty(),
    })
}

/// What a finding shows: the compute resource, its type, the path that reached the
/// endpoint.
struct Witness<'a> {
    compute: ResourceId,
    type_use: &'a TypeUse,
    instance_type: &'a str,
    class: &'a Classification,
    model_reason: &'a str,
    subnet: ResourceId,
    endpoint: ResourceId,
    path: &'a Path,
}

impl<P: Crossing> EndpointAccess<P> {
    /// Could this instance type be one the model forbids over this path kind?
    fn may_forbid(&self, value: &crate::model::Prop<String>) -> bool {
        match value.known_value() {
            Some(t) => instance_types::classify(t)
                .is_none_or(|class| self.model.forbids(&class, P::KIND).is_some()),
            None => true,
        }
    }

    fn finding(
        &self,
        ctx: &RuleContext<'_>,
        meta: &'static RuleMeta,
        w: &Witness<'_>,
    ) -> Diagnostic {
        let graph = ctx.graph;
        let model = self.model;
        let resource = graph.get(w.compute);
        let endpoint = graph.get(w.endpoint);
        let connection = w.path.connection.map(|c| graph.get(c));
        let service = match &endpoint.kind {
            Kind::Endpoint(e) => e
                .service_name
                .as_ref()
                .and_then(|s| s.known_value().map(ToString::to_string))
                .unwrap_or_else(|| "the service".to_owned()),
            _ => "the service".to_owned(),
        };
        let hypervisor = match (w.class.hypervisor, w.class.bare_metal) {
            (Hypervisor::Nitro, true) => "Nitro, bare metal".to_owned(),
            (h, _) => h.to_string(),
        };
        let connection_name = connection.map_or("(unnamed)", |c| c.address.as_str());
        let suggestion = model.suggestion(w.class);
        let args = [
            ("resource", resource.address.as_str()),
            ("instance_type", w.instance_type),
            ("hypervisor", hypervisor.as_str()),
            ("endpoint", endpoint.address.as_str()),
            ("connection", connection_name),
            ("model_reason", w.model_reason),
            ("service", service.as_str()),
            ("suggestion", suggestion.as_str()),
        ];
        let mut finding = meta.finding(&args, &resource.address, w.type_use.value.span, w.compute);
        if let Some(assumption) = &w.path.assumption {
            finding.message.push_str(" (");
            finding.message.push_str(assumption);
            finding.message.push(')');
            finding.assumptions.push(assumption.clone());
        }
        let mut path = vec![resource.address.clone()];
        let mut related = Vec::new();
        if let Some(via) = w.type_use.via {
            let template = graph.get(via);
            path.push(template.address.clone());
            related.push(Related {
                resource: resource.address.clone(),
                span: resource.span,
                message: format!("launches instances from {}", template.address),
            });
        }
        witness::extend(graph, &mut path, &mut related, w.subnet, w.path, w.endpoint);
        related.push(Related {
            resource: endpoint.address.clone(),
            span: endpoint.span,
            message: "interface endpoint reached".to_owned(),
        });
        Diagnostic {
            related,
            path,
            ..finding
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
