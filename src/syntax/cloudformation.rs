//! CloudFormation templates: YAML or JSON into the data tree, and the content test that
//! tells a template from any other YAML/JSON file.

use super::tree::Node;
use super::{json, yaml, Parsed};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Parses a template. `.template` files may be either format: JSON when the first
/// non-blank character is `{`.
#[must_use]
pub fn parse(text: &str, format: Format) -> Parsed<Option<Node>> {
    let looks_json = text.trim_start().starts_with('{');
    match format {
        Format::Json => json::parse(text),
        Format::Yaml if looks_json => json::parse(text),
        Format::Yaml => yaml::parse(text),
    }
}

/// Is this parsed document CloudFormation input? A template names a format version, or has
/// a `Resources` map with at least one `Type: AWS::…` (or `Custom::`) entry, or a
/// `Resources` map and an `AWS::` transform. A CDK cloud
/// assembly's `manifest.json` counts too: the lowering reads stack names, regions and
/// construct paths from it.
#[must_use]
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() || is_cdk_manifest(root) {
        return true;
    }
    // A template processed by a transform (`AWS::LanguageExtensions`, SAM) may have no
    // resource with a type as written: its resources can all be made by `Fn::ForEach`.
    let transformed = root.get("Transform").is_some_and(|t| {
        let named = |n: &Node| n.as_scalar_str().is_some_and(|s| s.starts_with("AWS::"));
        named(t) || t.as_seq().is_some_and(|items| items.iter().any(named))
    });
    root.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|entries| {
            transformed
                || entries.iter().any(|e| {
                    e.value
                        .get("Type")
                        .and_then(Node::as_scalar_str)
                        .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
                })
        })
}

/// Is this a CDK cloud-assembly manifest (`cdk.out/manifest.json`): a `version` and an
/// `artifacts` map with at least one `aws:cloudformation:stack`?
#[must_use]
pub fn is_cdk_manifest(root: &Node) -> bool {
    root.get("version").is_some()
        && root
            .get("artifacts")
            .and_then(Node::as_map)
            .is_some_and(|entries| {
                entries.iter().any(|e| {
                    e.value.get("type").and_then(Node::as_scalar_str)
                        == Some("aws:cloudformation:stack")
                })
            })
}
