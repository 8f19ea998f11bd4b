//! The rule registry. Each rule's metadata and docs are a TOML file under `rules/`
//! (embedded in the binary); each rule's query is a function over the model and the
//! reachability analysis. Rules never see HCL or YAML.

pub mod amazon_dns_queried_across_vpcs;
pub mod docs;
pub mod endpoint_access;
pub mod endpoint_private_dns_not_visible;
pub mod endpoint_security_group_blocks_consumer;
pub mod instance_types;
pub mod meta;
pub mod private_dns_without_vpc_dns_attributes;
pub mod service_dns;
pub mod unknown_instance_type;
pub mod witness;
pub mod xen_instance_in_ipv6_only_subnet;

use std::sync::LazyLock;

pub use endpoint_access::AccessModel;
pub use meta::RuleMeta;

use crate::diagnostic::Diagnostic;
use crate::model::{Graph, Index};
use crate::reach::Analysis;

/// The rule files, embedded. The order is the order of `vpclint rules`.
const RULE_FILES: &[(&str, &str)] = &[
    ("VPC001", include_str!("../../rules/VPC001.toml")),
    ("VPC002", include_str!("../../rules/VPC002.toml")),
    ("VPC003", include_str!("../../rules/VPC003.toml")),
    ("EC2001", include_str!("../../rules/EC2001.toml")),
    ("EC2002", include_str!("../../rules/EC2002.toml")),
    ("DNS001", include_str!("../../rules/DNS001.toml")),
    ("DNS002", include_str!("../../rules/DNS002.toml")),
    ("DNS003", include_str!("../../rules/DNS003.toml")),
    ("NET001", include_str!("../../rules/NET001.toml")),
    ("SUP001", include_str!("../../rules/SUP001.toml")),
    ("SUP002", include_str!("../../rules/SUP002.toml")),
];

/// Rules about the suppression directives themselves. They have no query here: they need
/// the other rules' findings and the source text, so `crate::suppress` checks them after
/// every query ran (see that module).
pub const SUPPRESSION_RULES: &[&str] = &["SUP001", "SUP002"];

/// What a rule sees.
pub struct RuleContext<'a> {
    pub graph: &'a Graph,
    pub index: &'a Index,
    pub analysis: &'a Analysis,
    pub settings: &'a Settings,
}

/// Settings that change what rules report.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub access_model: AccessModel,
}

type RuleFn = fn(&RuleContext<'_>, &'static RuleMeta, &mut Vec<Diagnostic>);

/// Rule id → its query.
const RULES: &[(&str, RuleFn)] = &[
    ("VPC001", endpoint_access::check_vpc001),
    ("VPC002", endpoint_access::check_vpc002),
    ("VPC003", endpoint_access::check_vpc003),
    ("EC2001", unknown_instance_type::check),
    ("EC2002", xen_instance_in_ipv6_only_subnet::check),
    ("DNS001", endpoint_private_dns_not_visible::check),
    ("DNS002", private_dns_without_vpc_dns_attributes::check),
    ("DNS003", amazon_dns_queried_across_vpcs::check),
    ("NET001", endpoint_security_group_blocks_consumer::check),
];

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

/// Runs every rule.
#[must_use]
pub fn run(ctx: &RuleContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (id, check) in RULES {
        let meta = meta(id).expect("every registered rule has a rule file");
        check(ctx, meta, &mut out);
    }
    out
}

/// Runs one rule's query; nothing for an id without one (the suppression rules).
#[must_use]
pub fn run_one(id: &str, ctx: &RuleContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some((id, check)) = RULES.iter().find(|(rule, _)| *rule == id) {
        let meta = meta(id).expect("every registered rule has a rule file");
        check(ctx, meta, &mut out);
    }
    out
}

/// The ids of the rules that have code: the queries, then the suppression rules (for the
/// registry/fixture consistency test).
#[must_use]
pub fn registered_ids() -> Vec<&'static str> {
    RULES
        .iter()
        .map(|(id, _)| *id)
        .chain(SUPPRESSION_RULES.iter().copied())
        .collect()
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
