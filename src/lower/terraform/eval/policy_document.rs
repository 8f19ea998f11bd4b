//! `data.aws_networkmanager_core_network_policy_document`: its `json` is computed from its
//! blocks when Terraform plans (the provider does not ask AWS), so a Cloud WAN policy
//! written with it is as literal as one written with `jsonencode`.

use super::{Env, Evaluator, Stop, Value};
use crate::lower::terraform::value::dynamic_elements;

impl Evaluator<'_> {
    /// The `json` a policy document data source renders, with only the parts vpclint
    /// reads.
    pub(super) fn policy_document_json(&self, body: &crate::syntax::hcl::Body, env: &Env) -> Value {
        match read_parts(self.block_value(body, env)).to_json() {
            Ok(json) => Value::String(json),
            Err(Stop::Unknown(r) | Stop::Error(r)) => Value::Unknown(r),
        }
    }

    /// A policy document data source's body as the JSON object it renders: arguments and
    /// blocks under their JSON names (`rule_number` → `rule-number`), the blocks that hold
    /// one object (`action`, `core_network_configuration`, `via`, `when_sent_to`) as an
    /// object, the others as lists, `dynamic` blocks expanded; `share_with_except` as
    /// `share-with: {except: …}`.
    fn block_value(&self, body: &crate::syntax::hcl::Body, env: &Env) -> Value {
        const SINGLE: &[&str] = &[
            "action",
            "core_network_configuration",
            "via",
            "when_sent_to",
        ];
        let json_name = |name: &str| name.replace('_', "-");
        let mut map: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
        for attr in &body.attributes {
            let value = self
                .eval(&attr.value, env)
                .unwrap_or_else(|(Stop::Unknown(r) | Stop::Error(r))| Value::Unknown(r));
            if attr.name == "share_with_except" {
                let except = std::iter::once(("except".to_owned(), value)).collect();
                map.insert("share-with".to_owned(), Value::Map(except));
            } else {
                map.insert(json_name(&attr.name), value);
            }
        }
        let mut lists: std::collections::BTreeMap<String, Vec<Value>> =
            std::collections::BTreeMap::new();
        for block in &body.blocks {
            if block.kind == "dynamic" {
                let Some(kind) = block.labels.first().map(|l| l.value.as_str()) else {
                    continue;
                };
                let items = lists.entry(json_name(kind)).or_default();
                let Some(content) = block.body.blocks_of("content").next() else {
                    continue;
                };
                let iterator = block
                    .body
                    .attribute("iterator")
                    .and_then(|a| a.value.as_reference())
                    .and_then(|p| p.into_iter().next())
                    .unwrap_or_else(|| kind.to_owned());
                let for_each = block
                    .body
                    .attribute("for_each")
                    .map(|a| self.eval(&a.value, env));
                let elements: Result<Vec<(Value, Value)>, String> = match for_each {
                    Some(Ok(v)) => dynamic_elements(&v),
                    Some(Err(Stop::Unknown(r) | Stop::Error(r))) => Err(r),
                    None => Err("the dynamic block has no for_each".to_owned()),
                };
                match elements {
                    Ok(elements) => {
                        for (k, v) in elements {
                            let obj = [("key".to_owned(), k), ("value".to_owned(), v)]
                                .into_iter()
                                .collect();
                            let inner = env.bind(&iterator, Value::Map(obj));
                            items.push(self.block_value(&content.body, &inner));
                        }
                    }
                    Err(reason) => items.push(Value::Unknown(format!(
                        "the dynamic \"{kind}\" blocks are not known: {reason}"
                    ))),
                }
            } else {
                let value = self.block_value(&block.body, env);
                lists.entry(json_name(&block.kind)).or_default().push(value);
            }
        }
        for (name, mut items) in lists {
            let value = if SINGLE.contains(&name.replace('-', "_").as_str()) && items.len() == 1 {
                items.pop().expect("one")
            } else {
                Value::List(items)
            };
            map.insert(name, value);
        }
        Value::Map(map)
    }
}

/// The parts of a rendered policy document that vpclint reads (segments, attachment
/// policies, segment actions), so that a value it does not read (an edge location from a
/// variable) does not make the whole document unknown.
fn read_parts(policy: Value) -> Value {
    fn keep(value: Value, keys: &[&str]) -> Value {
        match value {
            Value::Map(map) => Value::Map(
                map.into_iter()
                    .filter(|(k, _)| keys.contains(&k.as_str()))
                    .collect(),
            ),
            Value::List(items) => Value::List(items.into_iter().map(|v| keep(v, keys)).collect()),
            other => other,
        }
    }
    let Value::Map(map) = policy else {
        return policy;
    };
    Value::Map(
        map.into_iter()
            .filter_map(|(k, v)| {
                let keys: &[&str] = match k.as_str() {
                    "segments" => &[
                        "name",
                        "isolate-attachments",
                        "require-attachment-acceptance",
                    ],
                    "attachment-policies" => {
                        &["rule-number", "condition-logic", "conditions", "action"]
                    }
                    "segment-actions" => {
                        &["action", "segment", "share-with", "destination-cidr-blocks"]
                    }
                    _ => return None,
                };
                Some((k, keep(v, keys)))
            })
            .collect(),
    )
}
