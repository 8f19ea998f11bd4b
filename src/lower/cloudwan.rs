//! A Cloud WAN core network policy document, as written: a CloudFormation `PolicyDocument`
//! map, or the JSON text of Terraform's `policy_document` (a `jsonencode`, the
//! `aws_networkmanager_core_network_policy_document` data source) or of a CloudFormation
//! string. Only literals are read: an intrinsic function or an unknown value where the
//! policy needs one makes the whole policy unknown, with that reason (a wrong segment would
//! be a guess).

use crate::model::cloudwan::{AttachmentRule, Condition, Policy, RuleAction, Segment};
use crate::model::Ipv4Net;
use crate::syntax::tree::Node;

/// Reads a policy from its JSON text.
///
/// # Errors
/// Why it is not read (not JSON, not a policy, a value that is not a literal).
pub(crate) fn from_json(text: &str) -> Result<Policy, String> {
    let parsed = crate::syntax::json::parse(text);
    if let Some(error) = parsed.errors.first() {
        return Err(format!(
            "the policy document is not JSON: {}",
            error.message
        ));
    }
    let node = parsed
        .tree
        .ok_or_else(|| "the policy document is empty".to_owned())?;
    read(&node)
}

/// Reads a policy from its data tree.
///
/// # Errors
/// Why it is not read.
pub(crate) fn read(node: &Node) -> Result<Policy, String> {
    if node.as_map().is_none() || node.as_intrinsic().is_some() {
        return Err("the policy document is not a literal map".to_owned());
    }
    let mut policy = Policy::default();
    for seg in list(node, "segments")? {
        policy.segments.push(Segment {
            name: text(seg, "name")?.ok_or("a segment has no name")?,
            isolate: flag(seg, "isolate-attachments")?.unwrap_or(false),
            require_acceptance: flag(seg, "require-attachment-acceptance")?.unwrap_or(true),
        });
    }
    for rule in list(node, "attachment-policies")? {
        policy.rules.push(attachment_rule(rule)?);
    }
    policy.rules.sort_by_key(|r| r.number);
    for action in list(node, "segment-actions")? {
        let segment = text(action, "segment")?.unwrap_or_default();
        match text(action, "action")?.as_deref() {
            Some("share") => {
                match action.get("share-with") {
                    None => policy.shares.push((segment, Vec::new())),
                    Some(n) => match n.as_scalar_str() {
                        Some(one) => policy.shares.push((segment, vec![one.to_owned()])),
                        // `share-with: {except: [...]}`: every segment but some.
                        None if n.get("except").is_some() => {
                            policy.unread.get_or_insert_with(|| {
                                "a share-with that excepts segments is not read".to_owned()
                            });
                        }
                        None => policy.shares.push((segment, strings(n)?)),
                    },
                }
            }
            Some("create-route") => {
                let mut destinations = Vec::new();
                for cidr in action
                    .get("destination-cidr-blocks")
                    .map(strings)
                    .transpose()?
                    .unwrap_or_default()
                {
                    // An IPv6 destination cannot hold an IPv4 endpoint.
                    if cidr.contains(':') {
                        continue;
                    }
                    destinations
                        .push(cidr.parse::<Ipv4Net>().map_err(|_| {
                            format!("the route destination '{cidr}' is not a CIDR")
                        })?);
                }
                policy.routes.push((segment, destinations));
            }
            Some("send-via" | "send-to") => policy.insertion.push(segment),
            Some(other) => {
                policy
                    .unread
                    .get_or_insert_with(|| format!("a segment action '{other}' is not read"));
            }
            None => return Err("a segment action has no action".to_owned()),
        }
    }
    Ok(policy)
}

fn attachment_rule(rule: &Node) -> Result<AttachmentRule, String> {
    let number = text(rule, "rule-number")?
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or("an attachment policy has no rule number")?;
    let any = text(rule, "condition-logic")?.as_deref() == Some("or");
    let mut conditions = Vec::new();
    for c in list(rule, "conditions")? {
        let kind = text(c, "type")?.unwrap_or_default();
        conditions.push(match kind.as_str() {
            "any" => Condition::Any,
            "tag-exists" => Condition::TagExists(text(c, "key")?.unwrap_or_default()),
            "tag-value" => Condition::TagValue {
                key: text(c, "key")?.unwrap_or_default(),
                operator: text(c, "operator")?.unwrap_or_else(|| "equals".to_owned()),
                value: text(c, "value")?.unwrap_or_default(),
            },
            "attachment-type" => Condition::AttachmentType(text(c, "value")?.unwrap_or_default()),
            other => Condition::Other(other.to_owned()),
        });
    }
    let action = rule
        .get("action")
        .ok_or("an attachment policy has no action")?;
    let action = match (
        text(action, "association-method")?.as_deref(),
        text(action, "segment")?,
        text(action, "tag-value-of-key")?,
    ) {
        (Some("tag"), _, Some(key)) => RuleAction::SegmentFromTag(key),
        (_, Some(segment), _) => RuleAction::Segment(segment),
        _ => RuleAction::Other(text(action, "add-to-network-function-group")?.map_or_else(
            || "an action vpclint does not read".to_owned(),
            |g| format!("the network function group {g}"),
        )),
    };
    Ok(AttachmentRule {
        number,
        any,
        conditions,
        action,
    })
}

/// The list under `key` (absent: empty).
fn list<'n>(node: &'n Node, key: &str) -> Result<&'n [Node], String> {
    match node.get(key) {
        None => Ok(&[]),
        Some(n) => n
            .as_seq()
            .ok_or_else(|| format!("the policy's {key} is not a literal list")),
    }
}

/// A literal scalar under `key` (absent: `None`).
fn text(node: &Node, key: &str) -> Result<Option<String>, String> {
    match node.get(key) {
        None => Ok(None),
        Some(n) => n
            .as_scalar_str()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| format!("the policy's {key} is not a literal")),
    }
}

fn flag(node: &Node, key: &str) -> Result<Option<bool>, String> {
    match node.get(key) {
        None => Ok(None),
        Some(n) => n
            .as_bool()
            .map(Some)
            .ok_or_else(|| format!("the policy's {key} is not a literal boolean")),
    }
}

fn strings(node: &Node) -> Result<Vec<String>, String> {
    node.as_seq()
        .ok_or_else(|| "a list that is not literal".to_owned())?
        .iter()
        .map(|n| {
            n.as_scalar_str()
                .map(str::to_owned)
                .ok_or_else(|| "a list item that is not literal".to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_segments_rules_and_actions() {
        let policy = from_json(
            r#"{"version":"2021.12",
               "segments":[{"name":"prod","isolate-attachments":true},
                           {"name":"dev","require-attachment-acceptance":false}],
               "attachment-policies":[
                 {"rule-number":200,"conditions":[{"type":"tag-exists","key":"env"}],
                  "action":{"association-method":"tag","tag-value-of-key":"env"}},
                 {"rule-number":100,"condition-logic":"or",
                  "conditions":[{"type":"tag-value","operator":"equals","key":"shared","value":"true"}],
                  "action":{"association-method":"constant","segment":"shared"}}],
               "segment-actions":[
                 {"action":"share","mode":"attachment-route","segment":"shared","share-with":"*"},
                 {"action":"create-route","segment":"prod","destination-cidr-blocks":["10.9.0.0/16","::/0"],"destinations":["blackhole"]},
                 {"action":"send-via","segment":"prod"}]}"#,
        )
        .unwrap();
        assert_eq!(policy.segments.len(), 2);
        assert!(policy.segments[0].isolate && policy.segments[0].require_acceptance);
        assert!(!policy.segments[1].isolate && !policy.segments[1].require_acceptance);
        assert_eq!(policy.rules[0].number, 100);
        assert!(policy.rules[0].any);
        assert_eq!(
            policy.rules[1].action,
            RuleAction::SegmentFromTag("env".into())
        );
        assert_eq!(policy.shares, vec![("shared".into(), vec!["*".into()])]);
        assert_eq!(policy.routes[0].1, vec!["10.9.0.0/16".parse().unwrap()]);
        assert_eq!(policy.insertion, vec!["prod".to_owned()]);
        assert!(from_json("[1]").is_err());
        assert!(from_json(r#"{"segments":[{"name":{"Ref":"X"}}]}"#).is_err());
    }
}
