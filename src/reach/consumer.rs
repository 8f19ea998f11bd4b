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

use std::collections::BTreeMap;

use super::router::Router;
use super::ComputeView;
use crate::model::{Graph, Index, Kind, ResourceId, Undecided};

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
}

impl Consumers {
    /// The VPCs' workloads, from the compute views.
    #[must_use]
    pub fn build(graph: &Graph, index: &Index, computes: &[ComputeView]) -> Self {
        let mut out = Consumers::default();
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
