//! DNS resolution per VPC: "from VPC X, what does name N resolve to, and what answers it?"
//!
//! Built once per unit from the graph. What the Amazon-provided resolver of a VPC consults,
//! in Route 53 Resolver's order:
//!
//! - the VPC's DNS support (off: nothing resolves) and its DHCP options (name servers other
//!   than `AmazonProvidedDNS` receive the queries instead: a bypass, or a forwarder in another
//!   VPC of the code, which resolves from that VPC);
//! - the authorities for names: private hosted zones associated with the VPC (inline `vpc`
//!   blocks, `aws_route53_zone_association`, `HostedZone.VPCs`), the managed zone of an
//!   interface endpoint with private DNS in the VPC, Resolver rules associated with it
//!   (FORWARD, SYSTEM), and the zones, rules and endpoints of the Route 53 Profiles
//!   associated with it. The most specific domain wins; at the same domain a FORWARD rule
//!   beats a SYSTEM rule, which beats a zone, and what is associated directly beats what a
//!   Profile carries. A SYSTEM rule sends the name back to the zones (the most specific one
//!   covering it) and the public DNS;
//! - a zone answers from its records (the exact name, else the closest wildcard `*.parent`);
//!   without one it answers NXDOMAIN (NODATA at its apex) and nothing else is asked;
//! - a FORWARD rule whose targets are an inbound Resolver endpoint of the code resolves from
//!   that endpoint's VPC; other targets are servers outside the code;
//! - with no authority, the public DNS answers (the service's public addresses).
//!
//! Anything not known on the way (a zone's name, an association's VPC, a record's target) is
//! an [`Undecided`], never a guess. A VPC can have two Profile associations: at the same
//! domain, what the one with the lower `priority` carries wins (100 when omitted on a VPC's
//! only association; not known when two omit it), and what is associated directly wins over
//! both.

pub mod service_dns;

use std::collections::HashMap;

use crate::model::cidr::parse_ipv4;
use crate::model::{
    Graph, HostedZoneAssociation, Index, Kind, Prop, RecordEntry, ResourceId, SymStr, Undecided,
    Val,
};

use super::vpc_cidrs;

/// What answers a name in a VPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authority {
    /// A private hosted zone, associated through `via` (the zone itself for inline VPCs, an
    /// association resource, or a Profile association).
    Zone { zone: ResourceId, via: ResourceId },
    /// An interface endpoint's own private DNS (its managed zone, in its VPC), or carried by
    /// a Profile (`via`).
    PrivateDns {
        endpoint: ResourceId,
        via: ResourceId,
    },
    /// A Resolver rule, associated through `via`.
    Rule { rule: ResourceId, via: ResourceId },
}

/// What the name resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The private IPs of this interface endpoint of the code.
    Endpoint(ResourceId),
    /// A record that answers with something else than an endpoint of the code.
    Elsewhere { record: ResourceId },
    /// A zone that has no record for the name: NXDOMAIN (NODATA at its apex).
    NoRecord,
    /// No private authority: the public DNS (a service's public addresses).
    Public,
    /// A FORWARD rule to servers outside the code.
    Forwarded,
    /// The VPC's DHCP options send queries to name servers that are not the VPC's resolver.
    Bypassed { options: ResourceId },
    /// DNS support is off in the VPC.
    DnsOff,
}

/// An answer and the authority that gave it (`None` for the public DNS, a bypass, DNS off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub answer: Answer,
    pub authority: Option<Authority>,
    /// The VPC whose resolver answered (another VPC after a forward to an inbound endpoint
    /// or a DHCP forwarder).
    pub resolved_in: ResourceId,
}

/// The resources that apply to one VPC.
#[derive(Default, Debug)]
struct VpcDns {
    zones: Vec<(ResourceId, ResourceId)>,
    rules: Vec<(ResourceId, ResourceId)>,
    profiles: Vec<(ResourceId, ResourceId)>,
    endpoints: Vec<ResourceId>,
    dhcp: Vec<ResourceId>,
}

/// One candidate authority for a name.
struct Candidate {
    domain: SymStr,
    authority: Authority,
    /// 2 FORWARD rule, 1 SYSTEM rule, 0 a zone or private DNS.
    class: u8,
    local: bool,
}

/// The resolution model of one unit.
pub struct Dns<'g> {
    graph: &'g Graph,
    index: &'g Index,
    by_vpc: HashMap<ResourceId, VpcDns>,
    /// Associations whose VPC is not known: they may apply to any VPC.
    floating: Vec<(ResourceId, Undecided)>,
    /// Private DNS set by `aws_vpc_endpoint_private_dns`, by endpoint.
    private_dns_override: HashMap<ResourceId, &'g Prop<bool>>,
    /// Why an `aws_vpc_endpoint_private_dns` whose endpoint is not known may set any
    /// endpoint's private DNS.
    private_dns_floating: Option<Undecided>,
    /// Record resources.
    records: Vec<ResourceId>,
}

const MAX_HOPS: usize = 4;

impl<'g> Dns<'g> {
    #[must_use]
    pub fn build(graph: &'g Graph, index: &'g Index) -> Self {
        let mut dns = Dns {
            graph,
            index,
            by_vpc: HashMap::new(),
            floating: Vec::new(),
            private_dns_override: HashMap::new(),
            private_dns_floating: None,
            records: Vec::new(),
        };
        for (id, r) in graph.iter() {
            let mut place = |vpc: &Prop<()>, what: &dyn Fn(&mut VpcDns)| {
                if let Some(v) = vpc.target() {
                    what(dns.by_vpc.entry(v).or_default());
                } else {
                    let why = vpc.undecided(graph).unwrap_or_else(|| {
                        Undecided::new("a literal id of a VPC outside the code", vpc.span)
                    });
                    dns.floating.push((
                        id,
                        why.context(format!("the VPC of {} is not known", r.address)),
                    ));
                }
            };
            match &r.kind {
                Kind::HostedZone(z) => {
                    for vpc in &z.vpcs {
                        place(vpc, &|d| d.zones.push((id, id)));
                    }
                }
                Kind::HostedZoneAssociation(a) => {
                    let a = through_authorization(graph, a);
                    if let Some(zone) = a.zone.target() {
                        place(&a.vpc, &|d| d.zones.push((zone, id)));
                    } else {
                        place(&a.vpc, &|d| d.zones.push((id, id)));
                    }
                }
                Kind::ResolverRuleAssociation(a) => {
                    let rule = a.rule.target().unwrap_or(id);
                    place(&a.vpc, &|d| d.rules.push((rule, id)));
                }
                Kind::Route53ProfileAssociation(a) => {
                    let profile = a.profile.target().unwrap_or(id);
                    place(&a.vpc, &|d| d.profiles.push((profile, id)));
                }
                Kind::Endpoint(e) => place(&e.vpc, &|d| d.endpoints.push(id)),
                Kind::DhcpOptionsAssociation(a) => place(&a.vpc, &|d| d.dhcp.push(id)),
                Kind::EndpointPrivateDns(p) => match (p.endpoint.target(), p.enabled.as_ref()) {
                    (Some(e), Some(on)) => {
                        dns.private_dns_override.insert(e, on);
                    }
                    (None, Some(_)) if dns.private_dns_floating.is_none() => {
                        dns.private_dns_floating = Some(
                            p.endpoint
                                .undecided(graph)
                                .unwrap_or_else(|| {
                                    Undecided::new(
                                        "a literal id of an endpoint outside the code",
                                        p.endpoint.span,
                                    )
                                })
                                .context(format!("the endpoint of {} is not known", r.address)),
                        );
                    }
                    _ => {}
                },
                Kind::DnsRecord(_) => dns.records.push(id),
                _ => {}
            }
        }
        dns
    }

    /// An endpoint's private DNS: set by an `aws_vpc_endpoint_private_dns` of its own, else
    /// as written on the endpoint (`None`: omitted, off).
    #[must_use]
    pub fn private_dns(&self, endpoint: ResourceId) -> Option<&'g Prop<bool>> {
        if let Some(p) = self.private_dns_override.get(&endpoint) {
            return Some(p);
        }
        match &self.graph.get(endpoint).kind {
            Kind::Endpoint(e) => e.private_dns.as_ref(),
            _ => None,
        }
    }

    /// Why the endpoint's private DNS may be set by an `aws_vpc_endpoint_private_dns` whose
    /// endpoint is not known (`None` when it has one of its own, or there is none such).
    #[must_use]
    pub fn private_dns_unknown(&self, endpoint: ResourceId) -> Option<&Undecided> {
        if self.private_dns_override.contains_key(&endpoint) {
            return None;
        }
        self.private_dns_floating.as_ref()
    }

    /// The endpoints whose private DNS is, or may be, on (omitted is off in Terraform and
    /// CloudFormation; an `aws_vpc_endpoint_private_dns` may turn it on): DNS002's and
    /// DNS005's subjects.
    #[must_use]
    pub fn private_dns_candidates(&self) -> Vec<ResourceId> {
        self.graph
            .iter()
            .filter(|(id, r)| {
                matches!(r.kind, Kind::Endpoint(_))
                    && (self
                        .private_dns(*id)
                        .is_some_and(|p| p.known_value() != Some(&false))
                        || self.private_dns_unknown(*id).is_some())
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Whether some association, zone or endpoint of the code has a VPC that is not known.
    #[must_use]
    pub fn has_floating(&self) -> bool {
        !self.floating.is_empty()
    }

    /// The records of the code that point at the endpoint (an alias or a value referencing
    /// it), and why others might (a target that is not known).
    #[must_use]
    pub fn records_pointing_at(
        &self,
        endpoint: ResourceId,
        name: Option<&SymStr>,
    ) -> (Vec<(ResourceId, &'g RecordEntry)>, Option<Undecided>) {
        let mut found = Vec::new();
        let mut unknown = None;
        for &id in &self.records {
            let Kind::DnsRecord(r) = &self.graph.get(id).kind else {
                continue;
            };
            let zone_name = self
                .zone_of_record(id)
                .and_then(|z| match &self.graph.get(z).kind {
                    Kind::HostedZone(h) => h.name.as_ref().and_then(Prop::known_value),
                    _ => None,
                });
            for entry in &r.entries {
                // Whether the entry may be for the name: a target not known matters then only.
                let may_name = match (
                    name,
                    entry.name.as_ref().and_then(Prop::known_value),
                    zone_name,
                ) {
                    (Some(name), Some(written), Some(zone)) => {
                        let fqdn = qualify(written, zone);
                        same_domain(name, &fqdn) != Some(false)
                            || wildcard_parent(&fqdn)
                                .is_some_and(|p| name.covered_by(&p) != Some(false))
                    }
                    _ => true,
                };
                for t in &entry.targets {
                    match &t.val {
                        Val::Ref(e, _) if *e == endpoint => found.push((id, entry)),
                        Val::Unknown(_) if unknown.is_none() && may_name => {
                            unknown = t.undecided(self.graph).map(|why| {
                                why.context(format!(
                                    "a target of {} is not known",
                                    self.graph.get(id).address
                                ))
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
        (found, unknown)
    }

    /// Is the endpoint carried by a Route 53 Profile of the code?
    #[must_use]
    pub fn in_profile(&self, endpoint: ResourceId) -> bool {
        self.graph.iter().any(|(_, r)| {
            matches!(&r.kind, Kind::Route53ProfileResourceAssociation(a) if a.resource.target() == Some(endpoint))
        })
    }

    /// The zone a record belongs to, if it is a zone of the code.
    #[must_use]
    pub fn zone_of_record(&self, record: ResourceId) -> Option<ResourceId> {
        let Kind::DnsRecord(r) = &self.graph.get(record).kind else {
            return None;
        };
        if let Some(z) = r.zone.target() {
            return Some(z);
        }
        let name = r.zone_name.as_ref()?.known_value()?;
        self.graph.iter().find_map(|(id, z)| match &z.kind {
            Kind::HostedZone(h) => {
                let zn = h.name.as_ref()?.known_value()?;
                (same_domain(zn, name) == Some(true)).then_some(id)
            }
            _ => None,
        })
    }

    /// The zones associated with a VPC directly (inline, association resources, across
    /// accounts through authorizations; not through Profiles): `(zone, via)`, or why a zone
    /// is not known (an association whose zone is not known).
    #[must_use]
    pub fn direct_zones(
        &self,
        vpc: ResourceId,
    ) -> Vec<Result<(ResourceId, ResourceId), Undecided>> {
        let Some(d) = self.by_vpc.get(&vpc) else {
            return Vec::new();
        };
        d.zones
            .iter()
            .map(|&(zone, via)| {
                if matches!(self.graph.get(zone).kind, Kind::HostedZone(_)) {
                    Ok((zone, via))
                } else {
                    let mut probe = Vec::new();
                    self.authority_of(via, &mut probe).map(|()| (zone, via))
                }
            })
            .collect()
    }

    /// The endpoints placed in a VPC.
    #[must_use]
    pub fn endpoints_in(&self, vpc: ResourceId) -> &[ResourceId] {
        self.by_vpc
            .get(&vpc)
            .map_or(&[], |d| d.endpoints.as_slice())
    }

    /// Why a resource whose VPC is not known may be an authority for the name in any VPC.
    #[must_use]
    pub fn floating_cover(&self, name: &SymStr) -> Option<Undecided> {
        self.floating
            .iter()
            .find(|(id, _)| self.may_cover(*id, name))
            .map(|(_, why)| why.clone())
    }

    /// The VPCs a zone is associated with directly (inline or by association resources).
    #[must_use]
    pub fn zone_vpcs(&self, zone: ResourceId) -> Vec<ResourceId> {
        let mut out: Vec<ResourceId> = self
            .by_vpc
            .iter()
            .filter(|(_, d)| d.zones.iter().any(|(z, _)| *z == zone))
            .map(|(v, _)| *v)
            .collect();
        out.sort_unstable();
        out
    }

    /// What `name` resolves to from `vpc`.
    ///
    /// # Errors
    /// When it depends on a value that is not known.
    pub fn resolve(&self, vpc: ResourceId, name: &SymStr) -> Result<Resolution, Undecided> {
        self.resolve_in(vpc, name, 0, true)
    }

    /// What `name` would resolve to from `vpc` if the VPC's own DNS plumbing (DNS support,
    /// DHCP options) sent its queries to its Amazon-provided resolver: what the VPC depends
    /// on its resolver for (DNS007).
    ///
    /// # Errors
    /// When it depends on a value that is not known.
    pub fn resolve_past_plumbing(
        &self,
        vpc: ResourceId,
        name: &SymStr,
    ) -> Result<Resolution, Undecided> {
        self.resolve_in(vpc, name, 0, false)
    }

    /// Whether the VPC's queries miss its Amazon-provided resolver: DNS support off
    /// ([`Answer::DnsOff`]) or DHCP options naming other servers ([`Answer::Bypassed`]);
    /// `None` when they reach it (or a forwarder of the code).
    ///
    /// # Errors
    /// When DNS support or the DHCP options are not known.
    pub fn plumbing(&self, vpc: ResourceId) -> Result<Option<Answer>, Undecided> {
        let graph = self.graph;
        if let Kind::Vpc(v) = &graph.get(vpc).kind {
            if let Some(p) = &v.dns_support {
                match p.known_value() {
                    Some(false) => return Ok(Some(Answer::DnsOff)),
                    Some(true) => {}
                    None => {
                        return Err(p.undecided(graph).expect("not known").context(format!(
                            "whether {} has DNS support is not known",
                            graph.get(vpc).address
                        )))
                    }
                }
            }
        }
        if let Some(dhcp) = self.by_vpc.get(&vpc).and_then(|d| d.dhcp.first()) {
            if let Dhcp::Bypass(options) = self.dhcp(vpc, *dhcp)? {
                return Ok(Some(Answer::Bypassed { options }));
            }
        } else if let Some((_, why)) = self
            .floating
            .iter()
            .find(|(id, _)| matches!(graph.get(*id).kind, Kind::DhcpOptionsAssociation(_)))
        {
            // DHCP options associated with a VPC that is not known may be this VPC's.
            return Err(why.clone());
        }
        Ok(None)
    }

    fn resolve_in(
        &self,
        vpc: ResourceId,
        name: &SymStr,
        hops: usize,
        plumbing: bool,
    ) -> Result<Resolution, Undecided> {
        let graph = self.graph;
        let done = |answer, authority| {
            Ok(Resolution {
                answer,
                authority,
                resolved_in: vpc,
            })
        };
        if hops > MAX_HOPS {
            return Err(Undecided::new(
                format!("queries for {name} are forwarded in a loop"),
                graph.get(vpc).span,
            ));
        }
        if plumbing {
            if let Some(answer) = self.plumbing(vpc)? {
                return done(answer, None);
            }
        }
        let local = self.by_vpc.get(&vpc);
        if let Some(dhcp) = local.and_then(|d| d.dhcp.first()).filter(|_| plumbing) {
            if let Dhcp::Forwarder(other) = self.dhcp(vpc, *dhcp)? {
                return self.resolve_in(other, name, hops + 1, true);
            }
        }
        let candidates = self.candidates(vpc, name)?;
        // Among what Profiles carry, the association with the lowest priority value wins.
        let mut ranks = Vec::with_capacity(candidates.len());
        for c in &candidates {
            ranks.push(if c.local {
                Ok(0)
            } else {
                self.profile_priority(vpc, via_of(c.authority)).map(|p| -p)
            });
        }
        let rank = |n: usize| *ranks[n].as_ref().unwrap_or(&-100);
        let best = (0..candidates.len()).max_by_key(|&n| {
            let c = &candidates[n];
            (labels(&c.domain), c.class, c.local, rank(n))
        });
        let chosen = match best {
            Some(n) if candidates[n].class == 1 => (0..candidates.len())
                .filter(|&m| candidates[m].class == 0)
                .max_by_key(|&m| (labels(&candidates[m].domain), candidates[m].local, rank(m))),
            other => other,
        };
        if let Some(n) = chosen.filter(|&n| !candidates[n].local) {
            // Two Profiles answering at the same level: their priorities decide.
            let c = &candidates[n];
            for (m, other) in candidates.iter().enumerate() {
                let rival = !other.local
                    && other.class == c.class
                    && labels(&other.domain) == labels(&c.domain)
                    && via_of(other.authority) != via_of(c.authority)
                    && owner_of(other.authority) != owner_of(c.authority);
                if rival {
                    for r in [&ranks[n], &ranks[m]] {
                        if let Err(why) = r {
                            return Err(why.clone());
                        }
                    }
                }
            }
        }
        let chosen = chosen.map(|n| &candidates[n]);
        let answer = match chosen {
            None => Resolution {
                answer: Answer::Public,
                authority: None,
                resolved_in: vpc,
            },
            Some(c) => match c.authority {
                Authority::PrivateDns { endpoint, .. } => Resolution {
                    answer: Answer::Endpoint(endpoint),
                    authority: Some(c.authority),
                    resolved_in: vpc,
                },
                Authority::Zone { zone, .. } => Resolution {
                    answer: self.zone_answer(zone, name)?,
                    authority: Some(c.authority),
                    resolved_in: vpc,
                },
                Authority::Rule { rule, .. } => match self.forward_target(rule)? {
                    Some(hub) => {
                        let mut r = self.resolve_in(hub, name, hops + 1, true)?;
                        if r.authority.is_none() {
                            r.authority = Some(c.authority);
                        }
                        r
                    }
                    None => Resolution {
                        answer: Answer::Forwarded,
                        authority: Some(c.authority),
                        resolved_in: vpc,
                    },
                },
            },
        };
        if !matches!(answer.answer, Answer::Endpoint(_)) {
            for (id, why) in &self.floating {
                if self.may_cover(*id, name) {
                    return Err(why.clone());
                }
            }
        }
        Ok(answer)
    }

    /// The priority of a Profile association of the VPC: the lowest is evaluated first.
    /// Omitted, it is 100 when the association is the VPC's only one; with two, the one
    /// AWS assigned is not in the code.
    fn profile_priority(&self, vpc: ResourceId, via: ResourceId) -> Result<i64, Undecided> {
        let r = self.graph.get(via);
        let Kind::Route53ProfileAssociation(a) = &r.kind else {
            return Ok(100);
        };
        match a.priority.as_ref() {
            Some(p) => p
                .known_value()
                .copied()
                .ok_or_else(|| undecided(p, self.graph, "the priority", &r.address)),
            None if self.by_vpc.get(&vpc).map_or(0, |d| d.profiles.len()) <= 1 => Ok(100),
            None => Err(Undecided::new(
                format!(
                    "{} sets no priority and {} has another Profile association: which one Route 53 Resolver evaluates first is not in the code",
                    r.address,
                    self.graph.get(vpc).address
                ),
                r.span,
            )),
        }
    }

    /// Could a resource whose VPC is not known be an authority for the name?
    fn may_cover(&self, id: ResourceId, name: &SymStr) -> bool {
        let mut probe = Vec::new();
        match self.authority_of(id, &mut probe) {
            Err(_) => true,
            Ok(()) => probe
                .iter()
                .any(|(domain, _, _)| name.covered_by(domain) != Some(false)),
        }
    }

    /// The domains a resource is an authority for, when it applies to a VPC.
    fn authority_of(
        &self,
        id: ResourceId,
        out: &mut Vec<(SymStr, Authority, u8)>,
    ) -> Result<(), Undecided> {
        let graph = self.graph;
        let r = graph.get(id);
        match &r.kind {
            Kind::HostedZone(_) => self.zone_domain(id, id, out),
            Kind::HostedZoneAssociation(a) => {
                let a = through_authorization(graph, a);
                match a.zone.target() {
                    Some(z) => self.zone_domain(z, id, out),
                    None => Err(undecided(&a.zone, graph, "the zone", &r.address)),
                }
            }
            Kind::ResolverRuleAssociation(a) => match a.rule.target() {
                Some(rule) => self.rule_domain(rule, id, out),
                None => Err(undecided(&a.rule, graph, "the rule", &r.address)),
            },
            Kind::Route53ProfileAssociation(a) => match a.profile.target() {
                Some(p) => self.profile_domains(p, id, out),
                None => Err(undecided(&a.profile, graph, "the profile", &r.address)),
            },
            Kind::Endpoint(_) => self.endpoint_domain(id, id, out),
            _ => Ok(()),
        }
    }

    fn zone_domain(
        &self,
        zone: ResourceId,
        via: ResourceId,
        out: &mut Vec<(SymStr, Authority, u8)>,
    ) -> Result<(), Undecided> {
        let r = self.graph.get(zone);
        let Kind::HostedZone(z) = &r.kind else {
            return Err(Undecided::new(
                format!("{} is not a hosted zone of the code", r.address),
                r.span,
            ));
        };
        let name = known(z.name.as_ref(), self.graph, r, "the name")?;
        out.push((name.clone(), Authority::Zone { zone, via }, 0));
        Ok(())
    }

    fn rule_domain(
        &self,
        rule: ResourceId,
        via: ResourceId,
        out: &mut Vec<(SymStr, Authority, u8)>,
    ) -> Result<(), Undecided> {
        let r = self.graph.get(rule);
        let Kind::ResolverRule(rr) = &r.kind else {
            return Err(Undecided::new(
                format!("{} is not a resolver rule of the code", r.address),
                r.span,
            ));
        };
        let class = match rr.rule_type.as_ref().map(|t| (t, t.known_value())) {
            Some((_, Some(t))) if t.eq_ignore_ascii_case("FORWARD") => 2,
            Some((_, Some(t))) if t.eq_ignore_ascii_case("SYSTEM") => 1,
            Some((_, Some(_))) => return Ok(()),
            Some((t, None)) => return Err(undecided(t, self.graph, "the type", &r.address)),
            None => {
                return Err(Undecided::new(
                    format!("{} has no rule type", r.address),
                    r.span,
                ))
            }
        };
        let domain = known(rr.domain_name.as_ref(), self.graph, r, "the domain")?;
        out.push((domain.clone(), Authority::Rule { rule, via }, class));
        Ok(())
    }

    fn endpoint_domain(
        &self,
        endpoint: ResourceId,
        via: ResourceId,
        out: &mut Vec<(SymStr, Authority, u8)>,
    ) -> Result<(), Undecided> {
        let r = self.graph.get(endpoint);
        let Kind::Endpoint(e) = &r.kind else {
            return Ok(());
        };
        match e.is_interface() {
            Some(false) => return Ok(()),
            Some(true) => {}
            None => {
                let t = e.endpoint_type.as_ref().expect("written");
                return Err(undecided(t, self.graph, "the type", &r.address));
            }
        }
        // Through a Profile the endpoint's name is shared whatever its own setting.
        if via == endpoint {
            match self.private_dns(endpoint).map(|p| (p, p.known_value())) {
                None | Some((_, Some(false))) => return Ok(()),
                Some((_, Some(true))) => {}
                Some((p, None)) => {
                    return Err(undecided(
                        p,
                        self.graph,
                        "whether private DNS is on for",
                        &r.address,
                    ))
                }
            }
        }
        let name = service_dns::endpoint_dns_name(self.graph, endpoint)?;
        out.push((name, Authority::PrivateDns { endpoint, via }, 0));
        Ok(())
    }

    fn profile_domains(
        &self,
        profile: ResourceId,
        via: ResourceId,
        out: &mut Vec<(SymStr, Authority, u8)>,
    ) -> Result<(), Undecided> {
        let graph = self.graph;
        for (id, r) in graph.iter() {
            let Kind::Route53ProfileResourceAssociation(a) = &r.kind else {
                continue;
            };
            match a.profile.target() {
                Some(p) if p == profile => {}
                Some(_) => continue,
                None => return Err(undecided(&a.profile, graph, "the profile", &r.address)),
            }
            let Some(res) = a.resource.target() else {
                return Err(undecided(&a.resource, graph, "the resource", &r.address));
            };
            let _ = id;
            match &graph.get(res).kind {
                Kind::HostedZone(_) => self.zone_domain(res, via, out)?,
                Kind::ResolverRule(_) => self.rule_domain(res, via, out)?,
                Kind::Endpoint(_) => self.endpoint_domain(res, via, out)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Every authority of the VPC that covers the name.
    fn candidates(&self, vpc: ResourceId, name: &SymStr) -> Result<Vec<Candidate>, Undecided> {
        let Some(d) = self.by_vpc.get(&vpc) else {
            return Ok(Vec::new());
        };
        let mut local = Vec::new();
        for &(zone, via) in &d.zones {
            if zone == via && !matches!(self.graph.get(zone).kind, Kind::HostedZone(_)) {
                // An association whose zone is not known.
                self.authority_of(via, &mut local)?;
            } else {
                self.zone_domain(zone, via, &mut local)?;
            }
        }
        for &(rule, via) in &d.rules {
            if rule == via {
                self.authority_of(via, &mut local)?;
            } else {
                self.rule_domain(rule, via, &mut local)?;
            }
        }
        for &e in &d.endpoints {
            // Endpoints whose service or type is not known matter only if they may have
            // private DNS.
            match self.private_dns(e).and_then(Prop::known_value) {
                Some(false) => continue,
                None if self.private_dns(e).is_none() => continue,
                _ => {}
            }
            self.endpoint_domain(e, e, &mut local)?;
        }
        let mut shared = Vec::new();
        for &(profile, via) in &d.profiles {
            if profile == via {
                self.authority_of(via, &mut shared)?;
            } else {
                self.profile_domains(profile, via, &mut shared)?;
            }
        }
        let mut out = Vec::new();
        for ((domain, authority, class), is_local) in local
            .into_iter()
            .map(|c| (c, true))
            .chain(shared.into_iter().map(|c| (c, false)))
        {
            match name.covered_by(&domain) {
                Some(true) => out.push(Candidate {
                    domain,
                    authority,
                    class,
                    local: is_local,
                }),
                Some(false) => {}
                None => {
                    let (owner, what) = match authority {
                        Authority::Zone { zone, .. } => (zone, "zone"),
                        Authority::Rule { rule, .. } => (rule, "rule"),
                        Authority::PrivateDns { endpoint, .. } => (endpoint, "endpoint"),
                    };
                    let r = self.graph.get(owner);
                    let cause = domain
                        .unknown_part()
                        .or_else(|| name.unknown_part())
                        .unwrap_or_else(|| "a value is not known".to_owned());
                    return Err(Undecided::new(cause, r.span).context(format!(
                        "whether the {what} {} ({domain}) answers for {name} is not known",
                        r.address
                    )));
                }
            }
        }
        Ok(out)
    }

    /// A zone's answer for a name under it.
    fn zone_answer(&self, zone: ResourceId, name: &SymStr) -> Result<Answer, Undecided> {
        let graph = self.graph;
        let Kind::HostedZone(z) = &graph.get(zone).kind else {
            unreachable!("candidates are zones");
        };
        let zone_name = z.name.as_ref().and_then(Prop::known_value).expect("known");
        let mut exact = None;
        let mut wildcard: Option<(usize, ResourceId, &RecordEntry)> = None;
        for &id in &self.records {
            let Kind::DnsRecord(r) = &graph.get(id).kind else {
                continue;
            };
            let address = &graph.get(id).address;
            match self.zone_of_record(id) {
                Some(z) if z == zone => {}
                Some(_) => continue,
                None => {
                    // A record whose zone is not known may be in this one, if it may name the
                    // name.
                    if r.entries.iter().any(|e| {
                        e.name.as_ref().and_then(Prop::known_value).is_none_or(|n| {
                            name.covered_by(&wildcard_parent(n).unwrap_or(n.clone())) != Some(false)
                                || n.covered_by(zone_name) != Some(true)
                        })
                    }) && r.zone.unknown_reason().is_some()
                    {
                        let why = r.zone.undecided(graph).expect("not known");
                        return Err(why.context(format!("the zone of {address} is not known")));
                    }
                    continue;
                }
            }
            for entry in &r.entries {
                if let Some(t) = entry.record_type.as_ref().and_then(Prop::known_value) {
                    if !["A", "AAAA", "CNAME"]
                        .iter()
                        .any(|k| t.eq_ignore_ascii_case(k))
                    {
                        continue;
                    }
                }
                let Some(written) = entry.name.as_ref() else {
                    continue;
                };
                let Some(written) = written.known_value() else {
                    let why = written.undecided(graph).expect("not known");
                    return Err(
                        why.context(format!("the name of a record of {address} is not known"))
                    );
                };
                let fqdn = qualify(written, zone_name);
                if let Some(parent) = wildcard_parent(&fqdn) {
                    match (name.covered_by(&parent), same_domain(name, &parent)) {
                        (Some(true), Some(false)) => {
                            let depth = labels(&parent);
                            if wildcard.is_none_or(|(d, _, _)| depth > d) {
                                wildcard = Some((depth, id, entry));
                            }
                        }
                        (Some(false), _) | (_, Some(true)) => {}
                        _ => return Err(mismatch(&fqdn, name, entry.span, address)),
                    }
                    continue;
                }
                match same_domain(name, &fqdn) {
                    Some(true) => exact = Some((id, entry)),
                    Some(false) => {}
                    None => return Err(mismatch(&fqdn, name, entry.span, address)),
                }
            }
        }
        let Some((record, entry)) = exact.or(wildcard.map(|(_, id, e)| (id, e))) else {
            return Ok(Answer::NoRecord);
        };
        for t in &entry.targets {
            match &t.val {
                Val::Ref(id, _) if matches!(graph.get(*id).kind, Kind::Endpoint(_)) => {
                    return Ok(Answer::Endpoint(*id))
                }
                Val::Ref(..) | Val::Known(_) => {}
                Val::Unknown(_) => {
                    let why = t.undecided(graph).expect("not known");
                    return Err(why.context(format!(
                        "what {} answers with is not known",
                        graph.get(record).address
                    )));
                }
            }
        }
        Ok(Answer::Elsewhere { record })
    }

    /// The VPC of the inbound Resolver endpoint a FORWARD rule targets, `None` for targets
    /// outside the code.
    fn forward_target(&self, rule: ResourceId) -> Result<Option<ResourceId>, Undecided> {
        let graph = self.graph;
        let r = graph.get(rule);
        let Kind::ResolverRule(rr) = &r.kind else {
            return Ok(None);
        };
        if rr
            .rule_type
            .as_ref()
            .and_then(Prop::known_value)
            .is_none_or(|t| !t.eq_ignore_ascii_case("FORWARD"))
        {
            return Ok(None);
        }
        for ip in &rr.target_ips {
            let Some(text) = ip.known_value() else {
                return Err(undecided(ip, graph, "a target IP", &r.address));
            };
            let Some(addr) = parse_ipv4(text) else {
                continue;
            };
            if let Some(vpc) = self.inbound_endpoint_vpc(addr)? {
                return Ok(Some(vpc));
            }
        }
        Ok(None)
    }

    /// The VPC of an inbound Resolver endpoint of the code with this address.
    ///
    /// # Errors
    /// When a value that decides it is not known.
    pub fn inbound_endpoint_vpc(&self, addr: u32) -> Result<Option<ResourceId>, Undecided> {
        let graph = self.graph;
        for (_, r) in graph.iter() {
            let Kind::ResolverEndpoint(e) = &r.kind else {
                continue;
            };
            let fixed: Vec<u32> = e
                .ips
                .iter()
                .filter_map(|ip| ip.known_value().and_then(|ip| parse_ipv4(ip)))
                .collect();
            if !fixed.is_empty() && !fixed.contains(&addr) {
                continue;
            }
            for subnet in &e.subnets {
                let Some(subnet) = subnet.target() else {
                    return Err(undecided(subnet, graph, "a subnet", &r.address));
                };
                let sr = graph.get(subnet);
                let Kind::Subnet(s) = &sr.kind else {
                    continue;
                };
                let inside = match s.cidr.as_ref().map(|c| (c, c.known_value())) {
                    Some((_, Some(c))) => c.contains_addr(addr),
                    Some((c, None)) => return Err(undecided(c, graph, "the CIDR", &sr.address)),
                    None => false,
                };
                if inside {
                    return match e.direction.as_ref().map(|d| (d, d.known_value())) {
                        Some((_, Some(d))) if d.eq_ignore_ascii_case("INBOUND") => {
                            match s.vpc.target() {
                                Some(v) => Ok(Some(v)),
                                None => Err(undecided(&s.vpc, graph, "the VPC", &sr.address)),
                            }
                        }
                        Some((d, None)) => Err(undecided(d, graph, "the direction", &r.address)),
                        _ => Ok(None),
                    };
                }
            }
        }
        Ok(None)
    }

    /// Where a VPC's DHCP options send its queries.
    fn dhcp(&self, vpc: ResourceId, association: ResourceId) -> Result<Dhcp, Undecided> {
        let graph = self.graph;
        let a = graph.get(association);
        let Kind::DhcpOptionsAssociation(assoc) = &a.kind else {
            return Ok(Dhcp::Amazon);
        };
        let Some(options) = assoc.dhcp_options.target() else {
            return Err(undecided(
                &assoc.dhcp_options,
                graph,
                "the DHCP options",
                &a.address,
            ));
        };
        let o = graph.get(options);
        let Kind::DhcpOptions(d) = &o.kind else {
            return Err(Undecided::new(
                format!("{} is not DHCP options of the code", o.address),
                o.span,
            ));
        };
        let Some(servers) = &d.domain_name_servers else {
            return Ok(Dhcp::Amazon);
        };
        let items: &Vec<Prop<String>> = match &servers.val {
            Val::Known(items) => items,
            Val::Ref(id, _) => {
                return match self.forwarder_vpc(*id)? {
                    Some(v) if v != vpc => Ok(Dhcp::Forwarder(v)),
                    _ => Err(undecided(servers, graph, "the DNS servers", &o.address)),
                }
            }
            Val::Unknown(_) => {
                return Err(undecided(servers, graph, "the DNS servers", &o.address))
            }
        };
        let own: Vec<u32> = vpc_cidrs(graph, self.index, vpc)
            .iter()
            .filter_map(|c| c.known_value().map(|c| c.addr().wrapping_add(2)))
            .collect();
        let mut first = None;
        for item in items {
            let Some(text) = item.known_value() else {
                return Err(undecided(item, graph, "a DNS server", &o.address));
            };
            if text.eq_ignore_ascii_case("AmazonProvidedDNS") || text == "169.254.169.253" {
                return Ok(Dhcp::Amazon);
            }
            if let Some(addr) = parse_ipv4(text) {
                if own.contains(&addr) {
                    return Ok(Dhcp::Amazon);
                }
                if first.is_none() {
                    first = Some(addr);
                }
            }
        }
        if let Some(addr) = first {
            if let Some(other) = self.inbound_endpoint_vpc(addr)? {
                return Ok(Dhcp::Forwarder(other));
            }
            if let Some(other) = self.forwarder_at(vpc, addr)? {
                return Ok(Dhcp::Forwarder(other));
            }
        }
        Ok(Dhcp::Bypass(options))
    }

    /// The other VPC of the code whose CIDR holds a literal name server address (not that
    /// VPC's own resolver, base + 2, which answers only its own VPC: DNS003): a forwarder
    /// run there (on EC2, a directory outside the code), which asks that VPC's resolver.
    fn forwarder_at(&self, vpc: ResourceId, addr: u32) -> Result<Option<ResourceId>, Undecided> {
        let graph = self.graph;
        let mut unknown = None;
        for (id, r) in graph.iter() {
            if id == vpc || !matches!(r.kind, Kind::Vpc(_)) {
                continue;
            }
            for cidr in vpc_cidrs(graph, self.index, id) {
                match cidr.known_value() {
                    Some(c) if c.contains_addr(addr) && c.addr().wrapping_add(2) != addr => {
                        return Ok(Some(id));
                    }
                    None if unknown.is_none() => {
                        unknown = Some(undecided(&cidr, graph, "a CIDR", &r.address));
                    }
                    Some(_) | None => {}
                }
            }
        }
        unknown.map_or(Ok(None), Err)
    }

    /// The VPC of a directory or resolver endpoint used as name servers.
    fn forwarder_vpc(&self, id: ResourceId) -> Result<Option<ResourceId>, Undecided> {
        let graph = self.graph;
        let r = graph.get(id);
        match &r.kind {
            Kind::Directory(d) => match d.vpc.as_ref() {
                Some(p) if p.target().is_none() => Err(undecided(p, graph, "the VPC", &r.address)),
                p => Ok(p.and_then(Prop::target)),
            },
            Kind::ResolverEndpoint(e) => {
                for p in &e.subnets {
                    let Some(s) = p.target() else {
                        return Err(undecided(p, graph, "a subnet", &r.address));
                    };
                    if let Kind::Subnet(sub) = &graph.get(s).kind {
                        if let Some(v) = sub.vpc.target() {
                            return Ok(Some(v));
                        }
                    }
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }
}

/// The resource that brings an authority to the VPC.
fn via_of(a: Authority) -> ResourceId {
    match a {
        Authority::Zone { via, .. }
        | Authority::PrivateDns { via, .. }
        | Authority::Rule { via, .. } => via,
    }
}

/// The zone, endpoint or rule that answers.
fn owner_of(a: Authority) -> ResourceId {
    match a {
        Authority::Zone { zone: id, .. }
        | Authority::PrivateDns { endpoint: id, .. }
        | Authority::Rule { rule: id, .. } => id,
    }
}

/// An association whose zone and VPC are named through an association authorization
/// (across accounts): the authorization's zone and VPC.
fn through_authorization(graph: &Graph, a: &HostedZoneAssociation) -> HostedZoneAssociation {
    let through = |p: &Prop<()>, zone: bool| -> Prop<()> {
        match p.target().map(|t| &graph.get(t).kind) {
            Some(Kind::ZoneAssociationAuthorization(z)) => {
                if zone {
                    z.zone.clone()
                } else {
                    z.vpc.clone()
                }
            }
            _ => p.clone(),
        }
    };
    HostedZoneAssociation {
        zone: through(&a.zone, true),
        vpc: through(&a.vpc, false),
    }
}

enum Dhcp {
    Amazon,
    Bypass(ResourceId),
    Forwarder(ResourceId),
}

fn undecided(prop: &Prop<impl Sized>, graph: &Graph, what: &str, address: &str) -> Undecided {
    prop.undecided(graph)
        .unwrap_or_else(|| Undecided::new("a literal id of a resource outside the code", prop.span))
        .context(format!("{what} of {address} is not known"))
}

fn known<'p>(
    prop: Option<&'p Prop<SymStr>>,
    graph: &Graph,
    r: &crate::model::Resource,
    what: &str,
) -> Result<&'p SymStr, Undecided> {
    match prop {
        Some(p) => p
            .known_value()
            .ok_or_else(|| undecided(p, graph, what, &r.address)),
        None => Err(Undecided::new(
            format!("{} has no {}", r.address, what.trim_start_matches("the ")),
            r.span,
        )),
    }
}

fn mismatch(fqdn: &SymStr, name: &SymStr, span: crate::source::Span, address: &str) -> Undecided {
    let cause = fqdn
        .unknown_part()
        .or_else(|| name.unknown_part())
        .unwrap_or_else(|| "a value is not known".to_owned());
    Undecided::new(cause, span).context(format!(
        "whether the record {address} ({fqdn}) answers for {name} is not known"
    ))
}

/// The number of labels of a domain (a hole counts as part of its label).
#[must_use]
pub fn labels(domain: &SymStr) -> usize {
    let text = domain.encoded().trim_end_matches('.');
    if text.is_empty() {
        0
    } else {
        text.split('.').count()
    }
}

/// Two names equal as DNS names (case and a trailing dot ignored), as far as known.
#[must_use]
pub fn same_domain(a: &SymStr, b: &SymStr) -> Option<bool> {
    let a = SymStr::from_encoded(a.encoded().trim_end_matches('.'));
    let b = SymStr::from_encoded(b.encoded().trim_end_matches('.'));
    a.eq_ignore_case(&b)
}

/// A record's name as a fully qualified name: as written when it is under the zone, else
/// relative to the zone (Terraform appends the zone's name); empty is the apex.
#[must_use]
pub fn qualify(written: &SymStr, zone: &SymStr) -> SymStr {
    let text = written.encoded().trim_end_matches('.');
    if text.is_empty() || text == "@" {
        return zone.clone();
    }
    if written.covered_by(zone) == Some(false) {
        let mut out = SymStr::from_encoded(text);
        out.push_str(".");
        out.push(&SymStr::from_encoded(zone.encoded().trim_end_matches('.')));
        return out;
    }
    SymStr::from_encoded(text)
}

/// `*.parent` → `parent`.
fn wildcard_parent(name: &SymStr) -> Option<SymStr> {
    name.encoded().strip_prefix("*.").map(SymStr::from_encoded)
}
