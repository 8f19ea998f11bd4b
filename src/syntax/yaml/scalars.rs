//! Tags and scalars: CloudFormation's short-form tags, the properties (tag, anchor) written
//! before a node, block scalar headers, and YAML 1.2 core-schema resolution of plain
//! scalars.

use std::ops::Range;

use saphyr_parser::{ScalarStyle, Tag};

use crate::syntax::tree::Value;

/// `CloudFormation` short-form tags and the map key they stand for.
pub(super) const CFN_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("FindInMap", "Fn::FindInMap"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind {
    None,
    /// A YAML core-schema tag we honour (`!!str`, `!!int`, ...): the suffix.
    Core(&'static str),
    /// A `CloudFormation` short form: the map key it stands for.
    Cfn(&'static str),
    /// Anything else, kept as `Value::Tagged`.
    Other,
}

pub(super) fn classify(tag: Option<&Tag>) -> TagKind {
    let Some(tag) = tag else {
        return TagKind::None;
    };
    if tag.is_yaml_core_schema() {
        const CORE: &[&str] = &["str", "int", "float", "bool", "null", "map", "seq"];
        if let Some(&suffix) = CORE.iter().find(|&&s| s == tag.suffix) {
            return TagKind::Core(suffix);
        }
    } else if tag.handle == "!" {
        if let Some(&(_, key)) = CFN_TAGS.iter().find(|(name, _)| *name == tag.suffix) {
            return TagKind::Cfn(key);
        }
    }
    TagKind::Other
}

/// A node's tag: its kind, its range and its text as written.
pub(super) struct TagInfo {
    pub(super) kind: TagKind,
    pub(super) range: Range<usize>,
    pub(super) text: String,
}

/// Where a node's properties and content are.
pub(super) struct Props {
    pub(super) tag: Option<Range<usize>>,
    pub(super) content: usize,
}

pub(super) fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// Scans the anchor and tag that start at `from` (up to `to`, a char boundary).
pub(super) fn scan_properties(text: &str, from: usize, to: usize) -> Props {
    let bytes = text.as_bytes();
    let to = to.min(bytes.len());
    let mut tag = None;
    let mut i = from;
    loop {
        // Blanks and comments may separate properties from each other and from the content.
        while i < to {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'#' => {
                    while i < to && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        if i >= to {
            break;
        }
        let token_start = i;
        match bytes[i] {
            b'!' if bytes.get(i + 1) == Some(&b'<') => {
                i = bytes[i..to]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(to, |p| i + p + 1);
                tag = Some(token_start..i);
            }
            b'!' | b'&' => {
                while i < to && !is_separator(bytes[i]) {
                    i += 1;
                }
                if bytes[token_start] == b'!' {
                    tag = Some(token_start..i);
                }
            }
            _ => break,
        }
    }
    Props {
        tag,
        content: i.min(to),
    }
}

/// For a block scalar whose content starts at `content`, the offset of its `|` or `>`
/// indicator.
pub(super) fn block_header(text: &str, content: usize) -> Option<usize> {
    pub(super) fn is_header_rest(rest: &str) -> bool {
        let rest = rest.trim_start_matches(|c: char| c == '+' || c == '-' || c.is_ascii_digit());
        let trimmed = rest.trim_start();
        rest.is_empty()
            || (rest.len() != trimmed.len() && (trimmed.is_empty() || trimmed.starts_with('#')))
    }
    let bytes = text.as_bytes();
    let line_start = |end: usize| {
        bytes[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    };
    let mut start = line_start(content);
    let mut end = content;
    loop {
        let line = &text[start..end];
        if !line.trim().is_empty() {
            return line
                .char_indices()
                .find(|&(i, c)| (c == '|' || c == '>') && is_header_rest(&line[i + 1..]))
                .map(|(i, _)| start + i);
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
        start = line_start(end);
    }
}

pub(super) fn is_core_int(s: &str) -> bool {
    let all = |s: &str, f: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(f);
    if let Some(octal) = s.strip_prefix("0o") {
        return all(octal, |b| (b'0'..=b'7').contains(b));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return all(hex, u8::is_ascii_hexdigit);
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    all(digits, u8::is_ascii_digit)
}

pub(super) fn is_core_float(s: &str) -> bool {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(s, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()),
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A plain scalar under the YAML 1.2 core schema.
pub(super) fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_core_int(s) || is_core_float(s) => Value::Number(s.to_owned()),
        _ => Value::String(s.to_owned()),
    }
}

pub(super) fn resolve_untagged(s: &str, style: ScalarStyle) -> Value {
    if style == ScalarStyle::Plain {
        resolve_plain(s)
    } else {
        Value::String(s.to_owned())
    }
}
