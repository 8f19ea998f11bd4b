//! Where and how to write a suppression for a finding, for the language server's "suppress
//! this finding" code action: a `# vpclint:ignore[RULE] ` comment on the line above the
//! resource (Terraform, CloudFormation YAML), or an entry of the resource's
//! `Metadata.vpclint.ignore` (CloudFormation JSON, which has no comments). Here because it
//! knows the formats' block and resource shapes; pure.
//!
//! The reason is left for the user to write: a comment without one, or a `reason` that is
//! empty, is a SUP001 warning until they do.

use std::ops::Range;

use super::FileKind;
use crate::syntax::directive::{self, MARKER};
use crate::syntax::tree::Node;
use crate::syntax::{cloudformation, terraform};

/// One text edit: replace `range` (byte offsets) with `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub insert: String,
}

/// How the suppression is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionStyle {
    /// A `vpclint:ignore` comment.
    Comment,
    /// An entry of `Metadata.vpclint.ignore`.
    Metadata,
}

/// The edit that suppresses `rule` for the resource around byte `offset` of `text`, or
/// `None` when there is none (no resource there, or a format without comments or metadata:
/// `.tf.json`, plans).
#[must_use]
pub fn suppression_edit(
    kind: FileKind,
    text: &str,
    offset: usize,
    rule: &str,
) -> Option<(SuppressionStyle, TextEdit)> {
    match kind {
        FileKind::Terraform => {
            let body = terraform::parse(text).tree;
            let block = body
                .blocks
                .iter()
                .find(|b| b.span.start <= offset && offset < b.span.end.max(b.span.start + 1))?;
            Some((
                SuppressionStyle::Comment,
                comment_above(text, block.span.start, rule, "#"),
            ))
        }
        FileKind::CloudFormationYaml => {
            let root = cloudformation::parse(text, cloudformation::Format::Yaml).tree?;
            let (key_start, _) = resource_at(&root, offset)?;
            Some((
                SuppressionStyle::Comment,
                comment_above(text, key_start, rule, "#"),
            ))
        }
        FileKind::CloudFormationJson => {
            let root = cloudformation::parse(text, cloudformation::Format::Json).tree?;
            let (_, resource) = resource_at(&root, offset)?;
            Some((
                SuppressionStyle::Metadata,
                metadata_entry(text, resource, rule)?,
            ))
        }
        FileKind::TerraformJson
        | FileKind::TerraformVars
        | FileKind::TerraformVarsJson
        | FileKind::TerraformModules
        | FileKind::TerraformPlan => None,
    }
}

/// The CloudFormation resource entry whose key or value holds `offset`: where its key
/// starts, and its value.
fn resource_at(root: &Node, offset: usize) -> Option<(usize, &Node)> {
    root.get("Resources")?
        .as_map()?
        .iter()
        .find(|e| e.key_span.start <= offset && offset < e.value.span.end)
        .map(|e| (e.key_span.start, &e.value))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// A comment on the line above the one that holds `at`, indented like it; when that line
/// is already a directive, the rule is added to its list instead.
fn comment_above(text: &str, at: usize, rule: &str, opener: &str) -> TextEdit {
    let start = line_start(text, at);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if start > 0 {
        let above = line_start(text, start - 1);
        let line = &text[above..start - 1];
        let body = line.trim_start().strip_prefix(opener).unwrap_or("");
        if let Some(parsed) = directive::parse(body, 0) {
            if !parsed.malformed {
                if parsed.rules.iter().any(|(id, _)| id == rule) {
                    // Already there: nothing to add (an empty edit keeps the action simple).
                    return TextEdit {
                        range: start..start,
                        insert: String::new(),
                    };
                }
                let close = above + (line.len() - body.len()) + body.find(']').unwrap_or(0);
                return TextEdit {
                    range: close..close,
                    insert: format!(", {rule}"),
                };
            }
        }
    }
    TextEdit {
        range: start..start,
        insert: format!("{indent}{opener} {MARKER}[{rule}] \n"),
    }
}

/// An entry `{"rule": RULE, "reason": ""}` in the resource's `Metadata.vpclint.ignore`,
/// creating what is missing of that path.
fn metadata_entry(text: &str, resource: &Node, rule: &str) -> Option<TextEdit> {
    let entry = format!("{{\"rule\": \"{rule}\", \"reason\": \"\"}}");
    let after_brace = |node: &Node| {
        (text.as_bytes().get(node.span.start) == Some(&b'{')).then_some(node.span.start + 1)
    };
    // The indentation of the resource's first property, for the lines added.
    let first = resource.as_map()?.first()?;
    let indent: String = text[line_start(text, first.key_span.start)..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let metadata = resource.get("Metadata");
    let vpclint = metadata.and_then(|m| m.get("vpclint"));
    let ignore = vpclint.and_then(|v| v.get("ignore"));
    if let Some(ignore) = ignore {
        let list = ignore.as_seq()?;
        let end = ignore.span.end.checked_sub(1)?;
        (text.as_bytes().get(end) == Some(&b']')).then_some(())?;
        let insert = if list.is_empty() {
            entry
        } else {
            format!(", {entry}")
        };
        return Some(TextEdit {
            range: end..end,
            insert,
        });
    }
    if let Some(vpclint) = vpclint {
        let at = after_brace(vpclint)?;
        let comma = if vpclint.as_map()?.is_empty() {
            ""
        } else {
            ", "
        };
        return Some(TextEdit {
            range: at..at,
            insert: format!("\"ignore\": [{entry}]{comma}"),
        });
    }
    if let Some(metadata) = metadata {
        let at = after_brace(metadata)?;
        let comma = if metadata.as_map()?.is_empty() {
            ""
        } else {
            ","
        };
        return Some(TextEdit {
            range: at..at,
            insert: format!("\n{indent}  \"vpclint\": {{\"ignore\": [{entry}]}}{comma}"),
        });
    }
    let at = after_brace(resource)?;
    Some(TextEdit {
        range: at..at,
        insert: format!("\n{indent}\"Metadata\": {{\"vpclint\": {{\"ignore\": [{entry}]}}}},"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &TextEdit) -> String {
        let mut out = text.to_owned();
        out.replace_range(edit.range.clone(), &edit.insert);
        out
    }

    fn edit(kind: FileKind, text: &str, at: &str, rule: &str) -> String {
        let offset = text.find(at).unwrap();
        let (_, e) = suppression_edit(kind, text, offset, rule).unwrap();
        apply(text, &e)
    }

    #[test]
    fn terraform_gets_a_comment_above_the_block() {
        let text = "locals {}\n\n  resource \"aws_instance\" \"a\" {\n    instance_type = \"m4.large\"\n  }\n";
        assert_eq!(
            edit(FileKind::Terraform, text, "m4.large", "VPC001"),
            "locals {}\n\n  # vpclint:ignore[VPC001] \n  resource \"aws_instance\" \"a\" {\n    instance_type = \"m4.large\"\n  }\n"
        );
        // A directive already above: the rule joins it.
        let text = "# vpclint:ignore[EC2001] old type\nresource \"aws_instance\" \"a\" {\n  instance_type = \"m4.large\"\n}\n";
        assert_eq!(
            edit(FileKind::Terraform, text, "m4.large", "VPC001"),
            "# vpclint:ignore[EC2001, VPC001] old type\nresource \"aws_instance\" \"a\" {\n  instance_type = \"m4.large\"\n}\n"
        );
        assert!(suppression_edit(FileKind::TerraformJson, "{}", 0, "VPC001").is_none());
    }

    #[test]
    fn yaml_templates_get_a_comment_above_the_resource() {
        let text = "Resources:\n  Legacy:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n";
        assert_eq!(
            edit(FileKind::CloudFormationYaml, text, "m4.large", "VPC001"),
            "Resources:\n  # vpclint:ignore[VPC001] \n  Legacy:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n"
        );
    }

    #[test]
    fn json_templates_get_a_metadata_entry() {
        let plain = "{\"Resources\": {\n  \"Legacy\": {\n    \"Type\": \"AWS::EC2::Instance\",\n    \"Properties\": {\"InstanceType\": \"m4.large\"}\n  }\n}}\n";
        let done = edit(FileKind::CloudFormationJson, plain, "m4.large", "VPC001");
        assert!(done.contains("\"Legacy\": {\n    \"Metadata\": {\"vpclint\": {\"ignore\": [{\"rule\": \"VPC001\", \"reason\": \"\"}]}},\n    \"Type\""), "{done}");
        let with_list = "{\"Resources\": {\"Legacy\": {\"Type\": \"AWS::EC2::Instance\", \"Metadata\": {\"vpclint\": {\"ignore\": [\"EC2001\"]}}, \"Properties\": {\"InstanceType\": \"m4.large\"}}}}";
        let done = edit(
            FileKind::CloudFormationJson,
            with_list,
            "m4.large",
            "VPC001",
        );
        assert!(
            done.contains("\"ignore\": [\"EC2001\", {\"rule\": \"VPC001\", \"reason\": \"\"}]"),
            "{done}"
        );
        let other_metadata = "{\"Resources\": {\"Legacy\": {\"Type\": \"AWS::EC2::Instance\", \"Metadata\": {\"Owner\": \"x\"}, \"Properties\": {\"InstanceType\": \"m4.large\"}}}}";
        let done = edit(
            FileKind::CloudFormationJson,
            other_metadata,
            "m4.large",
            "VPC001",
        );
        assert!(done.contains("\"Metadata\": {\n  \"vpclint\": {\"ignore\": [{\"rule\": \"VPC001\", \"reason\": \"\"}]},\"Owner\""), "{done}");
        // Every result is still JSON.
        for text in [plain, with_list, other_metadata] {
            let done = edit(FileKind::CloudFormationJson, text, "m4.large", "VPC001");
            assert!(
                serde_json::from_str::<serde_json::Value>(&done).is_ok(),
                "{done}"
            );
        }
    }
}
