//! The spanned data tree shared by the YAML and JSON parsers (CloudFormation templates and
//! Terraform's JSON syntax). Byte ranges are into the parsed text.
//!
//! CloudFormation short-form tags are normalised here, as cfn-lint does: `!Ref X` becomes
//! the one-entry map `{Ref: X}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": "A.B"}`,
//! `!Condition C` becomes `{Condition: C}`, every other `!Name` becomes `{"Fn::Name": …}`.
//! The map node's span covers the tag and its value; the entry's key span covers the tag.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as written (`10`, `1.5e3`, `0x1F` in YAML).
    Number(String),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order. Duplicate keys are reported as errors by the parsers and the
    /// first occurrence is kept.
    Map(Vec<Entry>),
    /// A node with a tag the parser does not know (e.g. `!Rain::Module`): kept, never
    /// interpreted. The string is the tag as written.
    Tagged(String, Box<Node>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Node {
    #[must_use]
    pub fn new(value: Value, span: Range<usize>) -> Self {
        Node { value, span }
    }

    /// The entry with this key, if the node is a map.
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value under this key, if the node is a map.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    #[must_use]
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar's text: strings as they are, numbers as written, booleans as
    /// `true`/`false`. `None` for null, collections and unknown tags.
    #[must_use]
    pub fn as_scalar_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// A boolean, accepting the strings `"true"`/`"false"` (any case) as CloudFormation does.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// For a one-entry map whose key is an intrinsic function (`Ref`, `Fn::…`,
    /// `Condition`), the function name and its argument.
    #[must_use]
    pub fn as_intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.value {
            Value::Map(entries) if entries.len() == 1 => {
                let e = &entries[0];
                let intrinsic = e.key == "Ref" || e.key == "Condition" || e.key.starts_with("Fn::");
                intrinsic.then_some((e.key.as_str(), &e.value))
            }
            _ => None,
        }
    }
}
