//! DNS008: an interface endpoint to an AWS service with private DNS off and nothing in the
//! code that points the service's name at it, used by workloads that cannot reach the
//! public service: they can use it only through its endpoint-specific names.

use super::shared_endpoint_name_not_visible::{consumers, private_dns_off, Shared};
use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::diagnostic::Related;
use crate::model::{Kind, Undecided};
use crate::reach::dns::Answer;

pub struct Dns008 {
    endpoints: Vec<Shared>,
}

impl Rule for Dns008 {
    type Subject = usize;

    fn new(ctx: &RuleContext<'_>) -> Self {
        let dns = ctx.dns();
        Dns008 {
            endpoints: private_dns_off(ctx, dns)
                .into_iter()
                .filter(|s| dns.records_pointing_at(s.endpoint, None).0.is_empty())
                .filter(|s| !dns.in_profile(s.endpoint))
                .collect(),
        }
    }

    fn subjects(&self, _ctx: &RuleContext<'_>) -> Vec<usize> {
        (0..self.endpoints.len()).collect()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, n: &usize) -> Verdict {
        let graph = ctx.graph;
        let shared = &self.endpoints[*n];
        if let Some(why) = &shared.blocked {
            return Verdict::unchecked(shared.endpoint, why.clone());
        }
        let consumers = consumers(ctx, shared);
        if consumers.is_empty() {
            // A workload whose VPC is not known may be in the endpoint's.
            return match ctx.analysis.consumers.unplaced.first() {
                Some((_, why)) => Verdict::unchecked(shared.endpoint, why.clone()),
                None => Verdict::Pass,
            };
        }
        let name = match &shared.name {
            Err(why) => return Verdict::unchecked(shared.endpoint, why.clone()),
            Ok(name) => name,
        };
        let dns = ctx.dns();
        let (_, unknown_target) = dns.records_pointing_at(shared.endpoint, Some(name));
        let mut undecided: Option<Undecided> = unknown_target;
        for (vpc, reach) in consumers {
            if let Some(r) = reach.map(|r| &ctx.analysis.vpc_reach[r]) {
                if let Err(why) = r.workloads.as_ref().and(r.path.as_ref()) {
                    undecided.get_or_insert_with(|| why.clone());
                    continue;
                }
            }
            match ctx.analysis.consumers.egress.get(&vpc) {
                Some(Ok(None)) => {}
                // Calls reach the public service (DNS004 and DNS001 ask about the rest).
                Some(Ok(Some(_))) | None => continue,
                Some(Err(why)) => {
                    undecided.get_or_insert_with(|| why.clone());
                    continue;
                }
            }
            match dns.resolve(vpc, name) {
                Ok(r) if matches!(r.answer, Answer::Endpoint(_)) => continue,
                Ok(_) => {}
                Err(why) => {
                    undecided.get_or_insert(why);
                    continue;
                }
            }
            let endpoint = graph.get(shared.endpoint);
            let v = graph.get(vpc);
            let dns_name = name.to_string();
            // Private DNS answers only in the endpoint's own VPC: another VPC needs a zone.
            let fix = if vpc == shared.endpoint_vpc {
                format!("turn private DNS on for {} (private_dns_enabled = true, PrivateDnsEnabled: true; a module passing null leaves Terraform's default, false), or add a private hosted zone for {dns_name} with an alias record to the endpoint's DNS name, associated with {}", endpoint.address, v.address)
            } else {
                format!("add a private hosted zone for {dns_name} with an alias record to the DNS name of {} (dns_entry, DnsEntries) and associate it with {} (turning private DNS on would not help: its managed zone answers only in the endpoint's own VPC), or carry the endpoint in a Route 53 Profile associated with {}", endpoint.address, v.address, v.address)
            };
            let args = [
                ("endpoint", endpoint.address.as_str()),
                ("dns_name", dns_name.as_str()),
                ("vpc", v.address.as_str()),
                ("fix", fix.as_str()),
            ];
            let span = match &endpoint.kind {
                Kind::Endpoint(e) => e.private_dns.as_ref().map_or(endpoint.span, |p| p.span),
                _ => endpoint.span,
            };
            let mut d = meta.finding(&args, &endpoint.address, span, shared.endpoint);
            d.related.push(Related {
                resource: v.address.clone(),
                span: v.span,
                message: format!(
                    "runs workloads and has no path to the internet: {dns_name} resolves to public IPs it cannot reach"
                ),
            });
            d.path = vec![v.address.clone(), endpoint.address.clone()];
            return Verdict::finding(d);
        }
        match undecided {
            Some(why) => Verdict::unchecked(shared.endpoint, why),
            None => Verdict::Pass,
        }
    }

    fn name(&self, ctx: &RuleContext<'_>, n: &usize) -> String {
        resource_name(ctx, self.endpoints[*n].endpoint)
    }
}
