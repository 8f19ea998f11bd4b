//! Terraform's JSON syntax (`.tf.json`) → [`super::hcl::Body`].
//!
//! JSON has no block/attribute distinction, so this follows Terraform's own rules: the root
//! keys are block types with their labels as nested object keys (`resource` → type → name),
//! and inside a body a key is a nested block when its name is one of the nested-block names
//! of the resource types vpclint models (`route`, `ingress`, `launch_template`, …); every other
//! key is an attribute. Strings are HCL templates (`"${aws_vpc.a.id}"`).

use std::ops::Range;

use super::hcl::{Attribute, Block, Body, Expr, ExprKind, Label};
use super::tree::{Node, Value};
use super::{json, terraform, Parsed, SyntaxError};

/// Nested-block names inside resource bodies (everything else is an attribute).
const NESTED_BLOCKS: &[&str] = &[
    "accepter",
    "connect_settings",
    "content",
    "dns_options",
    "ebs_block_device",
    "egress",
    "ingress",
    "instance_requirements",
    "instances_distribution",
    "ip_address",
    "launch_template",
    "launch_template_specification",
    "lifecycle",
    "metadata_options",
    "mixed_instances_policy",
    "network_interface",
    "network_interfaces",
    "override",
    "requester",
    "root_block_device",
    "route",
    "scaling_config",
    "target_ip",
    "timeouts",
    "vpc",
    "vpc_settings",
];

/// How many labels each top-level block type has.
fn label_count(kind: &str) -> Option<usize> {
    match kind {
        "resource" | "data" => Some(2),
        "variable" | "output" | "module" | "provider" => Some(1),
        "locals" | "terraform" => Some(0),
        _ => None,
    }
}

/// Parses a `.tf.json` file.
#[must_use]
pub fn parse(text: &str) -> Parsed<Body> {
    let parsed = json::parse(text);
    let mut errors = parsed.errors;
    let mut body = Body::default();
    match parsed.tree {
        Some(Node {
            value: Value::Map(entries),
            ..
        }) => {
            for entry in entries {
                if entry.key == "//" {
                    continue;
                }
                match label_count(&entry.key) {
                    Some(n) => blocks(
                        &entry.key,
                        &entry.value,
                        n,
                        &mut Vec::new(),
                        &mut body.blocks,
                        &mut errors,
                    ),
                    None => errors.push(SyntaxError::new(
                        entry.key_span.clone(),
                        format!("unknown top-level key \"{}\" in Terraform JSON", entry.key),
                    )),
                }
            }
        }
        Some(other) => errors.push(SyntaxError::new(
            other.span,
            "a Terraform JSON file must be an object",
        )),
        None => {}
    }
    Parsed { tree: body, errors }
}

/// Parses a `.tfvars.json` file: one object whose keys are variable names.
#[must_use]
pub fn parse_vars(text: &str) -> Parsed<Body> {
    let parsed = json::parse(text);
    let mut errors = parsed.errors;
    let mut body = Body::default();
    match parsed.tree {
        Some(
            node @ Node {
                value: Value::Map(_),
                ..
            },
        ) => {
            for entry in node.as_map().unwrap_or_default() {
                let value = expr(&entry.value, &mut errors);
                body.attributes.push(Attribute {
                    name: entry.key.clone(),
                    name_span: entry.key_span.clone(),
                    span: entry.key_span.start..entry.value.span.end,
                    value,
                });
            }
        }
        Some(other) => errors.push(SyntaxError::new(
            other.span,
            "a variable definitions file must be an object",
        )),
        None => {}
    }
    Parsed { tree: body, errors }
}

/// Descends `labels_left` levels of object keys as labels, then reads the body (or bodies,
/// for an array).
fn blocks(
    kind: &str,
    node: &Node,
    labels_left: usize,
    labels: &mut Vec<Label>,
    out: &mut Vec<Block>,
    errors: &mut Vec<SyntaxError>,
) {
    if labels_left == 0 {
        match &node.value {
            Value::Seq(items) => {
                for item in items {
                    blocks(kind, item, 0, labels, out, errors);
                }
            }
            Value::Map(_) => out.push(Block {
                kind: kind.to_owned(),
                labels: labels.clone(),
                body: body(node, errors),
                span: node.span.clone(),
            }),
            _ => errors.push(SyntaxError::new(
                node.span.clone(),
                format!("a {kind} block must be an object"),
            )),
        }
        return;
    }
    // At every level of labels, an array of objects is the same as their entries in turn
    // (HCL's JSON syntax; repeated labels make separate blocks).
    if let Value::Seq(items) = &node.value {
        for item in items {
            blocks(kind, item, labels_left, labels, out, errors);
        }
        return;
    }
    let Some(entries) = node.as_map() else {
        errors.push(SyntaxError::new(
            node.span.clone(),
            format!("expected an object of {kind} labels, or an array of such objects"),
        ));
        return;
    };
    for entry in entries {
        labels.push(Label {
            value: entry.key.clone(),
            span: entry.key_span.clone(),
        });
        blocks(kind, &entry.value, labels_left - 1, labels, out, errors);
        labels.pop();
    }
}

fn body(node: &Node, errors: &mut Vec<SyntaxError>) -> Body {
    let mut out = Body::default();
    for entry in node.as_map().unwrap_or_default() {
        if entry.key == "//" {
            continue;
        }
        // `"dynamic": {"route": {"for_each": …, "content": {…}}}`: one label, the block kind.
        if entry.key == "dynamic" && matches!(entry.value.value, Value::Map(_)) {
            blocks(
                "dynamic",
                &entry.value,
                1,
                &mut Vec::new(),
                &mut out.blocks,
                errors,
            );
            continue;
        }
        let nested = NESTED_BLOCKS.contains(&entry.key.as_str())
            && matches!(&entry.value.value, Value::Map(_))
            || matches!(&entry.value.value, Value::Seq(items)
                if NESTED_BLOCKS.contains(&entry.key.as_str())
                    && !items.is_empty()
                    && items.iter().all(|i| matches!(i.value, Value::Map(_))));
        if nested {
            blocks(
                &entry.key,
                &entry.value,
                0,
                &mut Vec::new(),
                &mut out.blocks,
                errors,
            );
        } else {
            let value = expr(&entry.value, errors);
            out.attributes.push(Attribute {
                name: entry.key.clone(),
                name_span: entry.key_span.clone(),
                span: entry.key_span.start..entry.value.span.end,
                value,
            });
        }
    }
    out
}

fn expr(node: &Node, errors: &mut Vec<SyntaxError>) -> Expr {
    let span: Range<usize> = node.span.clone();
    let kind = match &node.value {
        Value::Null | Value::Tagged(..) => ExprKind::Null,
        Value::Bool(b) => ExprKind::Bool(*b),
        Value::Number(n) => ExprKind::Number(n.parse().unwrap_or(f64::NAN)),
        Value::String(s) if !s.contains("${") && !s.contains("%{") => ExprKind::String(s.clone()),
        Value::String(s) => {
            // Offsets inside the string are exact when it has no escapes.
            match terraform::parse_template_at(s, span.start + 1, errors) {
                Some(e) => return Expr { kind: e.kind, span },
                None => ExprKind::Null,
            }
        }
        Value::Seq(items) => ExprKind::Tuple(items.iter().map(|i| expr(i, errors)).collect()),
        Value::Map(entries) => ExprKind::Object(
            entries
                .iter()
                .map(|e| {
                    (
                        Expr {
                            kind: ExprKind::String(e.key.clone()),
                            span: e.key_span.clone(),
                        },
                        expr(&e.value, errors),
                    )
                })
                .collect(),
        ),
    };
    Expr { kind, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_blocks_and_references() {
        let text = r#"{
  "provider": {"aws": {"region": "ap-northeast-1"}},
  "resource": {
    "aws_instance": {
      "legacy": {
        "instance_type": "m4.large",
        "subnet_id": "${aws_subnet.b.id}",
        "launch_template": {"id": "${aws_launch_template.x.id}"}
      }
    }
  }
}"#;
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let blocks = &parsed.tree.blocks;
        assert_eq!(blocks.len(), 2);
        let instance = &blocks[1];
        assert_eq!(instance.kind, "resource");
        assert_eq!(instance.labels[0].value, "aws_instance");
        assert_eq!(instance.labels[1].value, "legacy");
        let t = instance.body.attribute("instance_type").unwrap();
        assert_eq!(&text[t.value.span.clone()], "\"m4.large\"");
        let s = instance.body.attribute("subnet_id").unwrap();
        assert_eq!(s.value.as_reference().unwrap(), ["aws_subnet", "b", "id"]);
        assert_eq!(instance.body.blocks[0].kind, "launch_template");
    }

    #[test]
    fn arrays_of_objects_at_every_level_of_labels() {
        let text = r#"{
  "resource": [
    {"aws_vpc": {"a": {"cidr_block": "10.0.0.0/16"}}},
    {"aws_vpc": [{"b": {"cidr_block": "10.1.0.0/16"}}, {"c": [{"cidr_block": "10.2.0.0/16"}]}]}
  ],
  "variable": [{"x": {"default": 1}}],
  "locals": [{"y": 2}, {"z": 3}]
}"#;
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let names: Vec<String> = parsed
            .tree
            .blocks
            .iter()
            .map(|b| {
                let labels: Vec<&str> = b.labels.iter().map(|l| l.value.as_str()).collect();
                format!("{} {}", b.kind, labels.join("."))
            })
            .collect();
        assert_eq!(
            names,
            [
                "resource aws_vpc.a",
                "resource aws_vpc.b",
                "resource aws_vpc.c",
                "variable x",
                "locals ",
                "locals "
            ]
        );
        let bad = parse(r#"{"resource": {"aws_vpc": [1]}}"#);
        assert_eq!(bad.errors.len(), 1);
        assert!(bad.errors[0].message.contains("an array of such objects"));
    }

    #[test]
    fn dynamic_blocks() {
        let text = r#"{"resource": {"aws_route_table": {"b": {
  "dynamic": {"route": {"for_each": "${var.peers}", "content": {"cidr_block": "${route.value}"}}}
}}}}"#;
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let dynamic = &parsed.tree.blocks[0].body.blocks[0];
        assert_eq!(dynamic.kind, "dynamic");
        assert_eq!(dynamic.labels[0].value, "route");
        assert!(dynamic.body.attribute("for_each").is_some());
        assert_eq!(dynamic.body.blocks[0].kind, "content");
    }
}
