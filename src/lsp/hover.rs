//! Hover on an instance type value: which hypervisor the type runs on, and on what basis.
//!
//! The value is found in the buffer's text, not in the syntax tree: the word under the cursor
//! (letters, digits, `.`, `-`), when the nearest key before it, across list brackets, commas,
//! quotes, YAML list markers and other such words, is `instance_type(s)` or
//! `InstanceType(s)`. That covers `instance_type = "m4.large"`,
//! `instance_types = ["m5.large", "m4.large"]`, `InstanceType: m4.large`, YAML block and flow
//! lists, and JSON, in any resource or launch template.

use std::fmt::Write as _;
use std::ops::Range;

use crate::rules::instance_types::{self, Basis, Hypervisor};

/// How far back the key is looked for (a long `instance_types` list still fits).
const MAX_LOOK_BACK: usize = 4096;

/// The byte range of the instance type under `offset` and the hover text (Markdown).
#[must_use]
pub fn instance_type(text: &str, offset: usize) -> Option<(Range<usize>, String)> {
    let word = word_at(text, offset)?;
    if !is_instance_type_value(text, word.start) {
        return None;
    }
    let class = instance_types::classify(&text[word.clone()])?;
    let what = match (class.hypervisor, class.bare_metal) {
        (_, true) => "bare metal (on the Nitro System)",
        (Hypervisor::Nitro, false) => "Nitro",
        (Hypervisor::Xen, false) => "Xen",
    };
    let mut markdown = format!("**{}**: {what}\n\n", class.instance_type);
    let _ = match class.basis {
        Basis::KnownFamily => write!(markdown, "Basis: known family `{}`.", class.family),
        Basis::ExactException => write!(
            markdown,
            "Basis: an exception for this exact type, overriding its family `{}`.",
            class.family
        ),
        Basis::UnknownFamilyAssumedNitro => write!(
            markdown,
            "Basis: unknown family `{}`, assumed Nitro (no family introduced after C5, in \
             November 2017, runs on Xen).",
            class.family
        ),
    };
    if !class.known_type {
        markdown.push_str("\n\nNot a known EC2 instance type");
        if let Some(closest) = instance_types::closest_known_type(&class.instance_type) {
            let _ = write!(markdown, "; did you mean `{closest}`?");
        } else {
            markdown.push('.');
        }
    }
    Some((word, markdown))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// The word around `offset` (the cursor may also sit just after its last character).
fn word_at(text: &str, offset: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let mut start = offset;
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    (start < end).then_some(start..end)
}

/// Is the word starting at `start` a value (or a list item) of an instance-type key?
fn is_instance_type_value(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    let floor = start.saturating_sub(MAX_LOOK_BACK);
    let mut i = start;
    // Back over list punctuation and sibling items to the `=` or `:` after the key.
    loop {
        if i <= floor {
            return false;
        }
        match bytes[i - 1] {
            b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b',' | b'[' => i -= 1,
            b'=' | b':' => {
                i -= 1;
                break;
            }
            b if is_word_byte(b) => {
                while i > floor && is_word_byte(bytes[i - 1]) {
                    i -= 1;
                }
            }
            _ => return false,
        }
    }
    // Back over spaces and the key's closing quote (JSON), then the key itself.
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'"' | b'\'') {
        i -= 1;
    }
    let end = i;
    while i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        i -= 1;
    }
    let key = text[i..end].replace('_', "").to_ascii_lowercase();
    key == "instancetype" || key == "instancetypes"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_on(text: &str, needle: &str) -> Option<String> {
        let at = text.find(needle).expect("needle") + 1;
        instance_type(text, at).map(|(range, markdown)| {
            assert_eq!(&text[range], needle);
            markdown
        })
    }

    #[test]
    fn finds_instance_type_values_in_every_format() {
        let hcl = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m4.large\"\n}\n";
        let md = hover_on(hcl, "m4.large").unwrap();
        assert!(md.starts_with("**m4.large**: Xen"), "{md}");
        assert!(md.contains("Basis: known family `m4`."), "{md}");

        let list = "instance_types = [\n  \"m5.large\", \"c4.xlarge\",\n]\n";
        assert!(hover_on(list, "c4.xlarge").unwrap().contains("Xen"));
        assert!(hover_on(list, "m5.large").unwrap().contains("Nitro"));

        let yaml = "Properties:\n  InstanceType: m4.large\n  InstanceTypes:\n    - i3.metal\n";
        assert!(hover_on(yaml, "m4.large").unwrap().contains("Xen"));
        let metal = hover_on(yaml, "i3.metal").unwrap();
        assert!(metal.contains("bare metal"), "{metal}");
        assert!(metal.contains("an exception"), "{metal}");

        let json = "{\"InstanceType\": \"zz9.large\"}";
        let unknown = hover_on(json, "zz9.large").unwrap();
        assert!(unknown.contains("assumed Nitro"), "{unknown}");
        assert!(
            unknown.contains("Not a known EC2 instance type"),
            "{unknown}"
        );
    }

    #[test]
    fn ignores_other_values() {
        let hcl =
            "  instance_type = \"m5.large\"\n  subnet_id = aws_subnet.b.id\n  ami = \"x.y\"\n";
        assert!(hover_on(hcl, "aws_subnet.b.id").is_none());
        assert!(hover_on(hcl, "x.y").is_none());
        assert!(hover_on(hcl, "instance_type").is_none());
        // A cursor on blank text.
        assert!(instance_type(hcl, 0).is_none());
        assert!(instance_type("", 0).is_none());
        assert!(instance_type("m4.large", 99).is_none());
    }
}
