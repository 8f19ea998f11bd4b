//! `Metadata: {vpclint: {ignore: [...]}}` on a resource: suppressions written as data.
//!
//! Each entry of `ignore` is a rule id (`VPC001`, no reason) or a map
//! `{rule: VPC001, reason: "…"}`; each becomes one [`Suppression`] spanning the entry.
//! `crate::suppress` applies them with the comment suppressions.

use std::ops::Range;

use crate::model::Suppression;
use crate::source::{FileId, Span};
use crate::syntax::tree::Node;

/// The suppressions of one resource entry (its whole value node), and what is malformed
/// (span, message).
pub(super) fn read(
    file: FileId,
    resource: &Node,
) -> (Vec<Suppression>, Vec<(Range<usize>, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let Some(vpclint) = resource.get("Metadata").and_then(|m| m.get("vpclint")) else {
        return (out, errors);
    };
    let Some(entries) = vpclint.as_map() else {
        errors.push((vpclint.span.clone(), EXPECTED_MAP.to_owned()));
        return (out, errors);
    };
    for entry in entries {
        if entry.key != "ignore" {
            errors.push((
                entry.key_span.clone(),
                format!(
                    "unknown key `{}` in Metadata.vpclint (expected `ignore`)",
                    entry.key
                ),
            ));
            continue;
        }
        let Some(items) = entry.value.as_seq() else {
            errors.push((entry.value.span.clone(), EXPECTED_LIST.to_owned()));
            continue;
        };
        for item in items {
            match one(file, item) {
                Some(s) => out.push(s),
                None => errors.push((item.span.clone(), EXPECTED_LIST.to_owned())),
            }
        }
    }
    (out, errors)
}

const EXPECTED_MAP: &str = "Metadata.vpclint must be a map: {ignore: [RULE, …]}";
const EXPECTED_LIST: &str =
    "Metadata.vpclint.ignore must be a list of rule ids or {rule: RULE, reason: …} maps";

/// `VPC001` or `{rule: VPC001, reason: …}`; `None` when it is neither.
fn one(file: FileId, item: &Node) -> Option<Suppression> {
    let span = Span::new(file, item.span.clone());
    if let Some(rule) = item.as_scalar_str() {
        return Some(Suppression {
            rules: vec![(rule.to_owned(), span)],
            reason: None,
            span,
        });
    }
    let entries = item.as_map()?;
    if entries.iter().any(|e| e.key != "rule" && e.key != "reason") {
        return None;
    }
    let rule = item.get("rule")?;
    let reason = match item.get("reason") {
        Some(r) => Some(r.as_scalar_str()?.trim().to_owned()).filter(|r| !r.is_empty()),
        None => None,
    };
    Some(Suppression {
        rules: vec![(
            rule.as_scalar_str()?.to_owned(),
            Span::new(file, rule.span.clone()),
        )],
        reason,
        span,
    })
}
