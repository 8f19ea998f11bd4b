//! The rule registry. Each rule's metadata and docs are a TOML file under `rules/`
//! (embedded in the binary); each rule's query is a function over the model and the
//! reachability analysis. Rules never see HCL or YAML.

pub mod amazon_dns_queried_across_vpcs;
pub mod call_sites;
#[cfg(test)]
mod completeness;
pub mod conflicting_private_dns_domain;
pub mod consumer_dns_bypasses_private_zones;
pub mod docs;
pub mod endpoint_access;
pub mod endpoint_name_not_resolvable;
pub mod endpoint_private_dns_not_visible;
pub mod endpoint_security_group_blocks_consumer;
pub mod instance_types;
pub mod meta;
pub mod no_return_route;
pub mod private_dns_without_vpc_dns_attributes;
pub mod resolver_forwarding_loop;
pub mod resolver_rule_not_associated;
pub mod shared_endpoint_name_not_visible;
pub use crate::reach::dns::service_dns;
pub mod service_ports;
pub mod tgw_attachment_az_gap;
pub mod tgw_drops_routed_traffic;
pub mod unknown_instance_type;
pub mod verdict;
pub mod witness;
pub mod xen_instance_in_ipv6_only_subnet;

use std::cell::OnceCell;
use std::sync::LazyLock;

pub use endpoint_access::AccessModel;
pub use meta::RuleMeta;
pub use verdict::{Judged, Unchecked, Verdict};

use crate::model::{Graph, Index};
use crate::reach::dns::Dns;
use crate::reach::Analysis;

/// The registry: each rule once, by id. A query rule names the type that implements its
/// [`verdict::Rule`]; its metadata and docs are `rules/<ID>.toml`, embedded. The order is
/// the order of `vpclint rules`.
macro_rules! registry {
    (
        queries { $($id:ident => $rule:ty,)* }
        suppressions { $($sup:ident,)* }
    ) => {
        const RULE_FILES: &[(&str, &str)] = &[
            $((stringify!($id), include_str!(concat!("../../rules/", stringify!($id), ".toml"))),)*
            $((stringify!($sup), include_str!(concat!("../../rules/", stringify!($sup), ".toml"))),)*
        ];
        const QUERIES: &[(&str, Query)] = &[$((stringify!($id), verdict::judge::<$rule>),)*];
        /// Rules about the suppression directives themselves. They have no query here: they
        /// need the other rules' findings and the source text, so `crate::suppress` checks
        /// them after every query ran (see that module).
        pub const SUPPRESSION_RULES: &[&str] = &[$(stringify!($sup),)*];
    };
}

registry! {
    queries {
        VPC001 => endpoint_access::Vpc001,
        VPC002 => endpoint_access::Vpc002,
        VPC003 => endpoint_access::Vpc003,
        EC2001 => unknown_instance_type::Ec2001,
        EC2002 => xen_instance_in_ipv6_only_subnet::Ec2002,
        DNS001 => endpoint_private_dns_not_visible::Dns001,
        DNS002 => private_dns_without_vpc_dns_attributes::Dns002,
        DNS003 => amazon_dns_queried_across_vpcs::Dns003,
        DNS004 => shared_endpoint_name_not_visible::Dns004,
        DNS005 => conflicting_private_dns_domain::Dns005,
        DNS006 => resolver_forwarding_loop::Dns006,
        DNS007 => consumer_dns_bypasses_private_zones::Dns007,
        DNS008 => endpoint_name_not_resolvable::Dns008,
        DNS009 => resolver_rule_not_associated::Dns009,
        NET001 => endpoint_security_group_blocks_consumer::Net001,
        NET002 => no_return_route::Net002,
        TGW001 => tgw_drops_routed_traffic::Tgw001,
        TGW002 => tgw_attachment_az_gap::Tgw002,
    }
    suppressions {
        SUP001,
        SUP002,
    }
}

/// What a rule sees.
pub struct RuleContext<'a> {
    pub graph: &'a Graph,
    pub index: &'a Index,
    pub analysis: &'a Analysis,
    pub settings: &'a Settings,
    /// The unit's DNS resolution model, built once, by the first rule that asks.
    dns: OnceCell<Dns<'a>>,
}

impl<'a> RuleContext<'a> {
    #[must_use]
    pub fn new(
        graph: &'a Graph,
        index: &'a Index,
        analysis: &'a Analysis,
        settings: &'a Settings,
    ) -> Self {
        RuleContext {
            graph,
            index,
            analysis,
            settings,
            dns: OnceCell::new(),
        }
    }

    /// The resolution model of the unit. Built once per unit: every DNS rule asks it for
    /// every subject, and building it per question made a unit of n endpoints cost n².
    pub fn dns(&self) -> &Dns<'a> {
        self.dns.get_or_init(|| Dns::build(self.graph, self.index))
    }
}

/// Settings that change what rules report.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub access_model: AccessModel,
}

/// A rule's query over one unit: a verdict per subject.
type Query = fn(&RuleContext<'_>, &'static RuleMeta) -> Vec<Judged>;

static METAS: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    RULE_FILES
        .iter()
        .map(|(id, text)| {
            let meta: RuleMeta =
                toml::from_str(text).unwrap_or_else(|e| panic!("rules/{id}.toml is invalid: {e}"));
            assert_eq!(meta.id, *id, "rules/{id}.toml declares id {}", meta.id);
            meta
        })
        .collect()
});

/// Every rule's metadata, in registry order.
#[must_use]
pub fn all() -> &'static [RuleMeta] {
    &METAS
}

/// One rule's metadata.
#[must_use]
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|m| m.id == id)
}

/// Runs one rule's query: a verdict for every question it asks of the unit; nothing for
/// an id without a query (the suppression rules).
#[must_use]
pub fn judge(id: &str, ctx: &RuleContext<'_>) -> Vec<Judged> {
    match QUERIES.iter().find(|(rule, _)| *rule == id) {
        Some((id, query)) => query(
            ctx,
            meta(id).expect("every registered rule has a rule file"),
        ),
        None => Vec::new(),
    }
}

/// Every rule id, in registry order: the queries, then the suppression rules.
#[must_use]
pub fn registered_ids() -> Vec<&'static str> {
    RULE_FILES.iter().map(|(id, _)| *id).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_file_loads_and_has_code() {
        let metas: Vec<_> = super::all().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(metas, super::registered_ids());
        for m in super::all() {
            assert!(!m.docs.references.is_empty(), "{} has no references", m.id);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}: name must be kebab-case",
                m.id
            );
        }
    }
}
