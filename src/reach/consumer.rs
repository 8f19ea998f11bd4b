//! Who is a consumer: a VPC is a consumer of an endpoint in another VPC only when it hosts
//! workloads (a compute resource of any kind with a subnet there: instances, Auto Scaling
//! groups, node groups, VPC functions, container tasks where the lowering models them).
//! Ingress, egress and inspection VPCs that only pass traffic on are not. A VPC whose
//! workloads cannot be known (a compute resource whose subnets are not known may be in it)
//! is undecided, never guessed either way.
//!
//! And what a consumer's calls do when a name resolves to the service's public addresses
//! ([`Consumers::egress`]): they leave through a NAT or internet gateway (directly, or
//! through a transit gateway to an egress VPC), bypassing the endpoint, or they fail.
//!
//! A VPC with its own interface endpoint for a service, with private DNS, resolves the
//! service's name to that endpoint ([`Consumers::own_endpoint`]): its workloads never
//! connect to another VPC's endpoint for the service, whatever the routes allow, so the
//! rules about connecting to that endpoint (NET001, NET002) do not ask about them.

use std::collections::BTreeMap;

use super::router::Router;
use super::ComputeView;
use crate::model::{Graph, Index, Kind, Prop, ResourceId, SymStr, Undecided, Val};

/// The workloads of each VPC and what could not be placed.
#[derive(Debug, Default)]
pub struct Consumers {
    /// VPC → its workload subnets (in the order the compute resources are declared, each
    /// once) with the first compute resource in each.
    pub by_vpc: BTreeMap<ResourceId, Vec<(ResourceId, ResourceId)>>,
    /// Compute resources whose subnets, or whose subnets' VPC, are not known: any VPC may
    /// host them.
    pub unplaced: Vec<(ResourceId, Undecided)>,
    /// VPC with workloads → where its workloads reach the internet: the first NAT or
    /// internet gateway found, `None` when no workload subnet can, or why that is not known.
    pub egress: BTreeMap<ResourceId, Result<Option<ResourceId>, Undecided>>,
    /// VPC → its VPC endpoints of any type, in declaration order.
    endpoints: BTreeMap<ResourceId, Vec<ResourceId>>,
    /// Endpoints whose VPC is not known: any VPC may hold them.
    unplaced_endpoints: Vec<(ResourceId, Undecided)>,
}

impl Consumers {
    /// The VPCs' workloads, from the compute views.
    #[must_use]
    pub fn build(graph: &Graph, index: &Index, computes: &[ComputeView]) -> Self {
        let mut out = Consumers::default();
        for (id, r) in graph.iter() {
            if let Kind::Endpoint(e) = &r.kind {
                match e.vpc.target() {
                    Some(vpc) => out.endpoints.entry(vpc).or_default().push(id),
                    None => out.unplaced_endpoints.push((
                        id,
                        e.vpc
                            .undecided(graph)
                            .unwrap_or_else(|| Undecided::new("a literal VPC id", e.vpc.span))
                            .context(format!("the VPC of {} is not known", r.address)),
                    )),
                }
            }
        }
        for compute in computes {
            let subnets = match &compute.subnets {
                Ok(subnets) => subnets,
                Err(why) => {
                    out.unplaced.push((compute.id, why.clone()));
                    continue;
                }
            };
            for &subnet in subnets {
                let vpc = match &graph.get(subnet).kind {
                    Kind::Subnet(s) => s.vpc.target(),
                    _ => None,
                };
                if let Some(vpc) = vpc {
                    let list = out.by_vpc.entry(vpc).or_default();
                    if !list.iter().any(|(s, _)| *s == subnet) {
                        list.push((subnet, compute.id));
                    }
                } else {
                    {
                        let why = index
                            .floating
                            .subnets
                            .iter()
                            .find(|(s, _)| *s == subnet)
                            .map_or_else(
                                || {
                                    Undecided::new(
                                        format!("{} is not a subnet", graph.get(subnet).address),
                                        graph.get(subnet).span,
                                    )
                                },
                                |(_, why)| why.clone(),
                            );
                        out.unplaced.push((compute.id, why));
                    }
                }
            }
        }
        out
    }

    /// The VPC's workload subnets: empty when it provably has none; why not known when it
    /// has none in the code but a compute resource that cannot be placed may be there.
    ///
    /// # Errors
    /// Why the VPC's workloads are not known.
    pub fn workload_subnets(
        &self,
        graph: &Graph,
        vpc: ResourceId,
    ) -> Result<Vec<ResourceId>, Undecided> {
        if let Some(list) = self.by_vpc.get(&vpc) {
            return Ok(list.iter().map(|(s, _)| *s).collect());
        }
        match self.unplaced.first() {
            Some((compute, why)) => Err(why.clone().context(format!(
                "whether {} runs workloads is not known: the subnets of {} are not known",
                graph.get(vpc).address,
                graph.get(*compute).address
            ))),
            None => Ok(Vec::new()),
        }
    }

    /// The interface endpoint with private DNS for `endpoint`'s service that `vpc` has of
    /// its own (`None`: it has none): its workloads resolve the service's name to it and
    /// never connect to `endpoint`.
    ///
    /// # Errors
    /// When an endpoint that may be in `vpc` may be one (its type, service, private DNS or
    /// VPC is not known).
    pub fn own_endpoint(
        &self,
        graph: &Graph,
        vpc: ResourceId,
        endpoint: ResourceId,
    ) -> Result<Option<ResourceId>, Undecided> {
        let Kind::Endpoint(target) = &graph.get(endpoint).kind else {
            return Ok(None);
        };
        let Some(service) = target.service_name.as_ref() else {
            return Ok(None);
        };
        let mut unknown = None;
        let here = self
            .endpoints
            .get(&vpc)
            .into_iter()
            .flatten()
            .map(|&e| (e, None));
        let elsewhere = self
            .unplaced_endpoints
            .iter()
            .map(|(e, why)| (*e, Some(why)));
        for (own, unplaced) in here.chain(elsewhere) {
            if own == endpoint {
                continue;
            }
            match serves_by_name(graph, own, service) {
                Ok(false) => {}
                Ok(true) => match unplaced {
                    None => return Ok(Some(own)),
                    Some(why) => {
                        unknown.get_or_insert_with(|| why.clone());
                    }
                },
                Err(why) => {
                    unknown.get_or_insert(why);
                }
            }
        }
        match unknown {
            Some(why) => Err(why.context(format!(
                "whether {} resolves the service's name to an endpoint of its own is not known",
                graph.get(vpc).address
            ))),
            None => Ok(None),
        }
    }

    /// Computes where each VPC's workloads reach the internet.
    pub(super) fn compute_egress(&mut self, router: &Router<'_>) {
        for (&vpc, subnets) in &self.by_vpc {
            let mut answer: Result<Option<ResourceId>, Undecided> = Ok(None);
            for &(subnet, _) in subnets {
                match router.egress(subnet) {
                    Ok(Some(gateway)) => {
                        answer = Ok(Some(gateway));
                        break;
                    }
                    Ok(None) => {}
                    Err(why) => {
                        if answer.is_ok() {
                            answer = Err(why);
                        }
                    }
                }
            }
            self.egress.insert(vpc, answer);
        }
    }
}

/// Is `own` an interface endpoint with private DNS for `service`?
fn serves_by_name(
    graph: &Graph,
    own: ResourceId,
    service: &Prop<SymStr>,
) -> Result<bool, Undecided> {
    let resource = graph.get(own);
    let Kind::Endpoint(endpoint) = &resource.kind else {
        return Ok(false);
    };
    let not_known = |why: Option<Undecided>, span, what: &str| {
        why.unwrap_or_else(|| Undecided::new("a literal id", span))
            .context(format!("{what} of {} is not known", resource.address))
    };
    match endpoint.is_interface() {
        Some(false) => return Ok(false),
        Some(true) => {}
        None => {
            let kind = endpoint
                .endpoint_type
                .as_ref()
                .expect("a type that is not known is written");
            return Err(not_known(kind.undecided(graph), kind.span, "the type"));
        }
    }
    let Some(name) = endpoint.service_name.as_ref() else {
        return Ok(false);
    };
    let same = match (&name.val, &service.val) {
        (Val::Known(mine), Val::Known(theirs)) => mine.eq_ignore_case(theirs),
        (Val::Ref(mine, _), Val::Ref(theirs, _)) => Some(mine == theirs),
        // An AWS service's name is never an endpoint service of the code.
        (Val::Known(aws), Val::Ref(..)) | (Val::Ref(..), Val::Known(aws))
            if !aws.encoded().starts_with("com.amazonaws.vpce.") =>
        {
            Some(false)
        }
        _ => None,
    };
    let Some(same) = same else {
        let why = name.undecided(graph).or_else(|| service.undecided(graph));
        return Err(not_known(why, name.span, "the service"));
    };
    if !same {
        return Ok(false);
    }
    match endpoint.private_dns.as_ref().map(|dns| (dns, &dns.val)) {
        None | Some((_, Val::Known(false))) => Ok(false),
        Some((_, Val::Known(true))) => Ok(true),
        Some((dns, _)) => Err(not_known(dns.undecided(graph), dns.span, "private DNS")),
    }
}
