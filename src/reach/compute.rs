//! Compute views: a compute resource with what it inherits from its launch template (instance
//! types, subnets) folded in.

use crate::model::{ComputeKind, Graph, Kind, Prop, ResourceId, Undecided, Val};

/// An instance type a compute resource launches, and where it is written.
#[derive(Clone, Debug)]
pub struct TypeUse {
    pub value: Prop<String>,
    /// The launch template or configuration it comes from, if not the resource itself.
    pub via: Option<ResourceId>,
}

/// A compute resource with what it inherits from its launch template resolved.
#[derive(Clone, Debug)]
pub struct ComputeView {
    pub id: ResourceId,
    pub kind: ComputeKind,
    pub types: Vec<TypeUse>,
    /// The subnets; why they are not known otherwise.
    pub subnets: Result<Vec<ResourceId>, Undecided>,
    /// No subnet is written: the instances go to a default subnet of the region's default
    /// VPC (which is not in the code; default subnets are never IPv6-only).
    pub default_subnet: bool,
    pub template: Option<ResourceId>,
}

/// A compute resource with its launch template's types and subnets folded in.
#[must_use]
pub fn compute_view(graph: &Graph, id: ResourceId) -> ComputeView {
    let resource = graph.get(id);
    let Kind::Compute(compute) = &resource.kind else {
        unreachable!("compute_view is called on compute resources");
    };
    let template = compute.template.as_ref().and_then(Prop::target);
    let template_data = template.and_then(|t| match &graph.get(t).kind {
        Kind::LaunchTemplate(lt) => Some(lt),
        _ => None,
    });
    let mut types: Vec<TypeUse> = compute
        .instance_types
        .iter()
        .map(|value| TypeUse {
            value: value.clone(),
            via: None,
        })
        .collect();
    if types.is_empty() {
        if let Some(lt) = template_data {
            types = lt
                .instance_types
                .iter()
                .map(|value| TypeUse {
                    value: value.clone(),
                    via: template,
                })
                .collect();
            if types.is_empty() {
                if let Some(span) = lt.instance_requirements {
                    types.push(TypeUse {
                        value: Prop::unknown(
                            "chosen by attribute-based instance type selection",
                            span,
                        ),
                        via: template,
                    });
                }
            }
        } else if let Some(t) = &compute.template {
            if let Some(reason) = t.unknown_reason() {
                types.push(TypeUse {
                    value: Prop::unknown(
                        format!("the launch template is not known: {reason}"),
                        t.span,
                    ),
                    via: None,
                });
            }
        }
    }
    let subnet_list = compute
        .subnets
        .as_ref()
        .or_else(|| template_data.and_then(|lt| lt.subnets.as_ref()));
    let subnets = match subnet_list {
        None => Err(Undecided::new(
            "no subnet is given (the default VPC is used)",
            resource.span,
        )),
        Some(list) => match &list.val {
            Val::Known(items) => items
                .iter()
                .map(|p| match &p.val {
                    Val::Ref(target, _) if matches!(graph.get(*target).kind, Kind::Subnet(_)) => {
                        Ok(*target)
                    }
                    // Attached to a network interface: in its subnet.
                    Val::Ref(target, _) => match &graph.get(*target).kind {
                        Kind::NetworkInterface(ni) => match &ni.subnet.val {
                            Val::Ref(subnet, _)
                                if matches!(graph.get(*subnet).kind, Kind::Subnet(_)) =>
                            {
                                Ok(*subnet)
                            }
                            _ => Err(ni
                                .subnet
                                .undecided(graph)
                                .unwrap_or_else(|| {
                                    Undecided::new("a literal subnet id", ni.subnet.span)
                                })
                                .context(format!("the subnet of {}", graph.get(*target).address))),
                        },
                        _ => Err(Undecided::new(
                            format!("{} is not a subnet", graph.get(*target).address),
                            p.span,
                        )),
                    },
                    Val::Unknown(reason) => Err(Undecided::new(reason.clone(), p.span)),
                    Val::Known(()) => Err(Undecided::new("a literal subnet id", p.span)),
                })
                .collect(),
            Val::Unknown(reason) => Err(Undecided::new(reason.clone(), list.span)),
            Val::Ref(..) => Err(Undecided::new(
                "a list read from another resource",
                list.span,
            )),
        },
    };
    ComputeView {
        id,
        kind: compute.kind,
        types,
        default_subnet: subnet_list.is_none(),
        subnets,
        template,
    }
}
