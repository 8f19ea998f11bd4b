//! YAML → [`crate::syntax::tree::Node`] with byte spans, `CloudFormation` short-form tags
//! normalised as [`crate::syntax::tree`] documents.
//!
//! Built from `saphyr-parser`'s event stream with an explicit stack (no recursion on nesting
//! depth). saphyr's markers count characters; they are converted to byte offsets here.
//!
//! Span conventions (byte ranges into the original text):
//! - A node's span starts at its first property (anchor `&a` or tag `!T`) if it has any, else
//!   at its content, and ends where its content ends.
//! - Scalars: plain scalars cover their text; quoted scalars include the quotes; block
//!   scalars (`|`, `>`) start at the indicator and end at the last non-blank character of
//!   their content. An empty plain scalar (`key:` with no value) is zero-width.
//! - Flow collections end after their `]`/`}`; block collections end at the end of their
//!   last entry (trailing blank lines and comments are not included).
//! - `CloudFormation` short forms (`!Ref X`, `!If [...]`, ...): the one-entry map covers the
//!   tag and the value; its entry's `key_span` is the tag; the value's span starts after the
//!   tag (at its content). Unknown tags give `Value::Tagged` with the same outer/inner spans.
//! - A map entry's `key_span` is the key node's span.
//! - An alias is replaced by a copy of the anchored node, spans included (they point at the
//!   anchored node).
//!
//! Limits: collections nest at most [`MAX_DEPTH`] deep (saphyr itself rejects flow
//! collections nested deeper than 255); nodes copied for anchors and aliases are bounded by
//! [`MAX_ALIAS_NODES`] in total. Only the first document of a stream is read.
//!
//! Recovery: duplicate keys (first kept), complex keys (skipped), over-deep nesting
//! (replaced by `null`), bad aliases and merges are reported and parsing goes on. A syntax
//! error from saphyr stops the parse; open collections are closed with what they hold (a
//! key without a value is dropped).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};

use super::tree::{Entry, Node, Value};
use super::{Parsed, SyntaxError};

/// Collections may nest this deep; deeper ones are reported and replaced by `null`.
pub const MAX_DEPTH: usize = 512;

/// The most nodes that anchors and aliases may copy in one document (each anchored node is
/// copied once when defined and once per alias). Past it, aliases become `null` ("billion
/// laughs" protection; a bomb peaks at about 60 MB).
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Parses the first YAML document of `text`. `tree` is `None` only when the stream holds no
/// node at all (empty, comments only) or nothing could be parsed before an error.
#[must_use]
pub fn parse(text: &str) -> Parsed<Option<Node>> {
    let mut builder = Builder::new(text);
    builder.run();
    Parsed {
        tree: builder.root,
        errors: builder.errors,
    }
}

/// `CloudFormation` short-form tags and the map key they stand for.
const CFN_TAGS: &[(&str, &str)] = &[
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

/// Converts saphyr's character-index markers into byte offsets.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of every `STRIDE`-th character.
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(offset, _)| offset)
                .collect()
        };
        Offsets {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, marker: Marker) -> usize {
        let index = marker.index();
        if self.ascii {
            return index.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(index / STRIDE) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(index % STRIDE)
            .map_or(self.text.len(), |(offset, _)| base + offset)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TagKind {
    None,
    /// A YAML core-schema tag we honour (`!!str`, `!!int`, ...): the suffix.
    Core(&'static str),
    /// A `CloudFormation` short form: the map key it stands for.
    Cfn(&'static str),
    /// Anything else, kept as `Value::Tagged`.
    Other,
}

fn classify(tag: Option<&Tag>) -> TagKind {
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
struct TagInfo {
    kind: TagKind,
    range: Range<usize>,
    text: String,
}

/// Where a node's properties and content are.
struct Props {
    tag: Option<Range<usize>>,
    content: usize,
}

fn is_separator(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// Scans the anchor and tag that start at `from` (up to `to`, a char boundary).
fn scan_properties(text: &str, from: usize, to: usize) -> Props {
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
fn block_header(text: &str, content: usize) -> Option<usize> {
    fn is_header_rest(rest: &str) -> bool {
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

fn is_core_int(s: &str) -> bool {
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

fn is_core_float(s: &str) -> bool {
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
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_core_int(s) || is_core_float(s) => Value::Number(s.to_owned()),
        _ => Value::String(s.to_owned()),
    }
}

fn resolve_untagged(s: &str, style: ScalarStyle) -> Value {
    if style == ScalarStyle::Plain {
        resolve_plain(s)
    } else {
        Value::String(s.to_owned())
    }
}

/// A finished node on its way to its parent.
struct Done {
    node: Node,
    /// Nodes in it (keys included), for the alias budget.
    size: usize,
    /// Collection levels in it (0 for a scalar), for the depth limit.
    height: usize,
    /// The key text if the node can be a map key (an untagged or core-tagged scalar).
    key: Option<String>,
    /// A plain `<<`.
    merge_key: bool,
    /// Where the node ends in the text (for an alias, the alias itself).
    own_end: usize,
}

enum Anchored {
    Node {
        node: Node,
        size: usize,
        height: usize,
        key: Option<String>,
    },
    /// Not kept: copying it would have exceeded the alias budget.
    TooLarge,
}

enum Pending {
    Key {
        key: String,
        span: Range<usize>,
        merge: bool,
    },
    /// The value of a rejected key (duplicate or complex): built, then dropped.
    Drop,
}

#[derive(Default)]
struct MapBody {
    entries: Vec<Entry>,
    /// Entries merged with `<<`, and the index in `entries` where they go, in order.
    merges: Vec<(usize, Vec<Entry>)>,
    /// Keys written explicitly.
    keys: HashSet<String>,
    pending: Option<Pending>,
}

impl MapBody {
    fn finish(self) -> Vec<Entry> {
        if self.merges.is_empty() {
            return self.entries;
        }
        let mut out = Vec::with_capacity(self.entries.len());
        let mut seen = HashSet::new();
        let mut merges = self.merges.into_iter().peekable();
        let keys = self.keys;
        let mut add_group = |out: &mut Vec<Entry>, group: Vec<Entry>| {
            for entry in group {
                if !keys.contains(&entry.key) && seen.insert(entry.key.clone()) {
                    out.push(entry);
                }
            }
        };
        for (i, entry) in self.entries.into_iter().enumerate() {
            while let Some((_, group)) = merges.next_if(|(at, _)| *at == i) {
                add_group(&mut out, group);
            }
            out.push(entry);
        }
        for (_, group) in merges {
            add_group(&mut out, group);
        }
        out
    }
}

enum Body {
    Seq(Vec<Node>),
    Map(MapBody),
}

struct Frame {
    /// Start of the node (its first property, else its content).
    start: usize,
    content: usize,
    anchor: usize,
    tag: Option<TagInfo>,
    size: usize,
    child_height: usize,
    last_end: usize,
    body: Body,
}

/// Content skipped because it nests too deep.
struct Skip {
    start: usize,
    depth: usize,
    last_end: usize,
}

struct Builder<'a> {
    text: &'a str,
    offsets: Offsets<'a>,
    errors: Vec<SyntaxError>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Anchored>,
    copied: usize,
    /// Set once the alias budget is exceeded: every later alias is `null`.
    exhausted: bool,
    skip: Option<Skip>,
    document_seen: bool,
    last_pos: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text),
            errors: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            copied: 0,
            exhausted: false,
            skip: None,
            document_seen: false,
            last_pos: 0,
        }
    }

    fn error(&mut self, range: Range<usize>, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(range, message));
    }

    /// The range of the character at `at` (empty at the end of the text).
    fn char_range(&self, at: usize) -> Range<usize> {
        let len = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
        at..at + len
    }

    fn range(&self, span: Span) -> Range<usize> {
        let start = self.offsets.byte(span.start);
        let end = self.offsets.byte(span.end).max(start);
        start..end
    }

    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let Ok(next) = catch_unwind(AssertUnwindSafe(|| parser.next_event())) else {
                let at = self.char_range(self.last_pos);
                self.error(at, "internal error in the YAML parser");
                break;
            };
            match next {
                None => break,
                Some(Err(error)) => {
                    let at = self.char_range(self.offsets.byte(*error.marker()));
                    self.error(at, error.info().to_owned());
                    break;
                }
                Some(Ok((event, span))) => {
                    self.last_pos = self.offsets.byte(span.start);
                    if !self.event(event, span) {
                        break;
                    }
                }
            }
        }
        self.close_all();
    }

    /// Handles one event; `false` to stop.
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        if self.skip.is_some() {
            let range = self.range(span);
            let closes = matches!(self.text.get(range.clone()), Some("]" | "}"));
            let Some(skip) = &mut self.skip else {
                return true;
            };
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => skip.depth += 1,
                Event::SequenceEnd | Event::MappingEnd => {
                    if closes {
                        skip.last_end = skip.last_end.max(range.end);
                    }
                    skip.depth -= 1;
                    if skip.depth == 0 {
                        let node = Node::new(Value::Null, skip.start..skip.last_end);
                        self.skip = None;
                        self.deliver(Done::leaf(node));
                    }
                }
                Event::Scalar(..) | Event::Alias(..) => {
                    skip.last_end = skip.last_end.max(range.end);
                }
                _ => {}
            }
            return true;
        }
        match event {
            Event::StreamEnd => return false,
            Event::DocumentStart(_) => {
                if self.document_seen {
                    let mut range = self.range(span);
                    if range.is_empty() {
                        range = self.char_range(range.start);
                    }
                    self.error(range, "only the first YAML document is read");
                    return false;
                }
                self.document_seen = true;
            }
            Event::Alias(id) => self.alias(id, span),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(&value, style, anchor, tag.as_deref(), span);
            }
            Event::SequenceStart(anchor, tag) => {
                self.start(Body::Seq(Vec::new()), anchor, tag.as_deref(), span);
            }
            Event::MappingStart(anchor, tag) => {
                self.start(Body::Map(MapBody::default()), anchor, tag.as_deref(), span);
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(span),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        true
    }

    /// The tag of a node whose properties start at `start`, and where its content starts.
    fn properties(
        &self,
        tag: Option<&Tag>,
        has_anchor: bool,
        start: usize,
        end: usize,
    ) -> (Option<TagInfo>, usize) {
        if tag.is_none() && !has_anchor {
            return (None, start);
        }
        let props = scan_properties(self.text, start, end);
        let info = tag.map(|tag| {
            let range = props.tag.unwrap_or(start..start);
            let text = if range.is_empty() {
                tag.to_string()
            } else {
                self.text[range.clone()].to_owned()
            };
            TagInfo {
                kind: classify(Some(tag)),
                range,
                text,
            }
        });
        (info, props.content)
    }

    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) {
        let Range { start, mut end } = self.range(span);
        let (tag, mut content) = self.properties(tag, anchor > 0, start, end);
        let has_props = tag.is_some() || anchor > 0;
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            if !has_props {
                content = block_header(self.text, content).unwrap_or(content);
            }
            let bytes = self.text.as_bytes();
            while end > content && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
                end -= 1;
            }
        } else if !has_props && value.is_empty() && style == ScalarStyle::Plain {
            content = end;
        }
        let start = if has_props { start } else { content };
        let end = end.max(content);

        let kind = tag.as_ref().map_or(TagKind::None, |t| t.kind);
        let merge_key = kind == TagKind::None && style == ScalarStyle::Plain && value == "<<";
        let done = match (kind, tag) {
            (TagKind::Core(core), Some(tag)) => {
                let resolved = match core {
                    "str" => Some(Value::String(value.to_owned())),
                    "null" => Some(Value::Null),
                    "int" if is_core_int(value) => Some(Value::Number(value.to_owned())),
                    "float" if is_core_float(value) || is_core_int(value) => {
                        Some(Value::Number(value.to_owned()))
                    }
                    "bool" => match resolve_plain(value) {
                        bool @ Value::Bool(_) => Some(bool),
                        _ => None,
                    },
                    _ => None,
                };
                let resolved = resolved.unwrap_or_else(|| {
                    let message = if matches!(core, "map" | "seq") {
                        format!("tag {} cannot be applied to a scalar", tag.text)
                    } else {
                        format!("{value:?} is not a valid {}", tag.text)
                    };
                    self.error(tag.range.clone(), message);
                    resolve_untagged(value, style)
                });
                Done {
                    key: Some(value.to_owned()),
                    ..Done::leaf(Node::new(resolved, start..end))
                }
            }
            (TagKind::Cfn(_) | TagKind::Other, Some(tag)) => {
                let inner = Node::new(resolve_untagged(value, style), content..end);
                Done {
                    size: 2,
                    ..Done::leaf(wrap(tag, inner, start..end))
                }
            }
            _ => Done {
                key: Some(value.to_owned()),
                merge_key,
                ..Done::leaf(Node::new(resolve_untagged(value, style), start..end))
            },
        };
        self.remember(anchor, &done);
        self.deliver(done);
    }

    fn alias(&mut self, id: usize, span: Span) {
        let range = self.range(span);
        let null = Done::leaf(Node::new(Value::Null, range.clone()));
        let name = self.text[range.clone()].to_owned();
        let done = match self.anchors.get(&id) {
            _ if self.exhausted => null,
            Some(Anchored::Node {
                node,
                size,
                height,
                key,
            }) => {
                if self.stack.len() + height > MAX_DEPTH {
                    let message = format!("alias {name} nests deeper than {MAX_DEPTH} levels");
                    self.error(range, message);
                    null
                } else if self.copied + size > MAX_ALIAS_NODES {
                    self.over_budget(range);
                    null
                } else {
                    self.copied += size;
                    Done {
                        node: node.clone(),
                        size: *size,
                        height: *height,
                        key: key.clone(),
                        merge_key: false,
                        own_end: range.end,
                    }
                }
            }
            Some(Anchored::TooLarge) => {
                self.over_budget(range);
                null
            }
            None => {
                let recursive = self.stack.iter().any(|frame| frame.anchor == id);
                let message = if recursive {
                    format!("recursive alias {name}")
                } else {
                    format!("alias {name} refers to content that was skipped")
                };
                self.error(range, message);
                null
            }
        };
        self.deliver(done);
    }

    fn over_budget(&mut self, range: Range<usize>) {
        if !self.exhausted {
            self.exhausted = true;
            self.error(
                range,
                format!("alias expansion exceeds {MAX_ALIAS_NODES} nodes (possible alias bomb)"),
            );
        }
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn remember(&mut self, anchor: usize, done: &Done) {
        if anchor == 0 {
            return;
        }
        let anchored = if self.copied + done.size > MAX_ALIAS_NODES {
            Anchored::TooLarge
        } else {
            self.copied += done.size;
            Anchored::Node {
                node: done.node.clone(),
                size: done.size,
                height: done.height,
                key: done.key.clone(),
            }
        };
        self.anchors.insert(anchor, anchored);
    }

    fn start(&mut self, body: Body, anchor: usize, tag: Option<&Tag>, span: Span) {
        let range = self.range(span);
        if self.stack.len() >= MAX_DEPTH {
            let at = self.char_range(range.start);
            self.error(at, format!("nesting deeper than {MAX_DEPTH} levels"));
            self.skip = Some(Skip {
                start: range.start,
                depth: 1,
                last_end: range.end,
            });
            return;
        }
        let (tag, content) = self.properties(tag, anchor > 0, range.start, range.end);
        let start = if tag.is_some() || anchor > 0 {
            range.start
        } else {
            content
        };
        self.stack.push(Frame {
            start,
            content,
            anchor,
            tag,
            size: 1,
            child_height: 0,
            last_end: range.end,
            body,
        });
    }

    fn end(&mut self, span: Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let range = self.range(span);
        let end = if matches!(self.text.get(range.clone()), Some("]" | "}")) {
            range.end
        } else {
            frame.last_end
        };
        let done = self.finish(frame, end);
        self.deliver(done);
    }

    fn finish(&mut self, frame: Frame, end: usize) -> Done {
        let end = end.max(frame.content);
        let (value, kind_name, tag_suffix) = match frame.body {
            Body::Seq(items) => (Value::Seq(items), "a sequence", "seq"),
            Body::Map(map) => (Value::Map(map.finish()), "a mapping", "map"),
        };
        let mut size = frame.size;
        let node = match frame.tag {
            None => Node::new(value, frame.start..end),
            Some(tag) => {
                if let TagKind::Core(core) = tag.kind {
                    if core != tag_suffix {
                        let message = format!("tag {} cannot be applied to {kind_name}", tag.text);
                        self.error(tag.range.clone(), message);
                    }
                    Node::new(value, frame.start..end)
                } else {
                    size += 1;
                    wrap(tag, Node::new(value, frame.content..end), frame.start..end)
                }
            }
        };
        let done = Done {
            node,
            size,
            height: frame.child_height + 1,
            key: None,
            merge_key: false,
            own_end: end,
        };
        self.remember(frame.anchor, &done);
        done
    }

    /// Hands a finished node to the innermost open collection (or makes it the root).
    fn deliver(&mut self, done: Done) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(done.node);
            }
            return;
        };
        frame.size += done.size;
        frame.child_height = frame.child_height.max(done.height);
        frame.last_end = frame.last_end.max(done.own_end);
        let map = match &mut frame.body {
            Body::Seq(items) => {
                items.push(done.node);
                return;
            }
            Body::Map(map) => map,
        };
        match map.pending.take() {
            None => {
                let span = done.node.span.clone();
                map.pending = Some(match done.key {
                    Some(key) if done.merge_key => Pending::Key {
                        key,
                        span,
                        merge: true,
                    },
                    Some(key) if map.keys.contains(&key) => {
                        let message = format!("duplicate key {key:?}");
                        self.errors.push(SyntaxError::new(span, message));
                        Pending::Drop
                    }
                    Some(key) => Pending::Key {
                        key,
                        span,
                        merge: false,
                    },
                    None => {
                        let message = "complex mapping keys are not supported";
                        self.errors.push(SyntaxError::new(span, message));
                        Pending::Drop
                    }
                });
            }
            Some(Pending::Drop) => {}
            Some(Pending::Key {
                merge: true, span, ..
            }) => merge(map, done.node, span, &mut self.errors),
            Some(Pending::Key { key, span, .. }) => {
                map.keys.insert(key.clone());
                map.entries.push(Entry {
                    key,
                    key_span: span,
                    value: done.node,
                });
            }
        }
    }

    /// After a syntax error: closes the open collections with what they hold.
    fn close_all(&mut self) {
        self.skip = None;
        while let Some(frame) = self.stack.pop() {
            let end = frame.last_end;
            let done = self.finish(frame, end);
            self.deliver(done);
        }
    }
}

impl Done {
    fn leaf(node: Node) -> Self {
        let own_end = node.span.end;
        Done {
            node,
            size: 1,
            height: 0,
            key: None,
            merge_key: false,
            own_end,
        }
    }
}

/// A `CloudFormation` short form as its one-entry map, or an unknown tag as `Tagged`.
fn wrap(tag: TagInfo, inner: Node, span: Range<usize>) -> Node {
    let value = match tag.kind {
        TagKind::Cfn(key) => Value::Map(vec![Entry {
            key: key.to_owned(),
            key_span: tag.range,
            value: inner,
        }]),
        _ => Value::Tagged(tag.text, Box::new(inner)),
    };
    Node::new(value, span)
}

/// Applies a `<<` merge key: `value` is a mapping or a sequence of mappings.
fn merge(map: &mut MapBody, value: Node, key_span: Range<usize>, errors: &mut Vec<SyntaxError>) {
    let mut group = Vec::new();
    match value.value {
        Value::Map(entries) => group = entries,
        Value::Seq(items) => {
            for item in items {
                match item.value {
                    Value::Map(entries) => group.extend(entries),
                    Value::Null => {}
                    _ => errors.push(SyntaxError::new(
                        item.span,
                        "merge key `<<` expects mappings to merge",
                    )),
                }
            }
        }
        Value::Null => {}
        _ => errors.push(SyntaxError::new(
            key_span,
            "merge key `<<` expects a mapping or a sequence of mappings",
        )),
    }
    // Within one `<<`, earlier mappings win: `MapBody::finish` keeps the first of each key.
    map.merges.push((map.entries.len(), group));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Node {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
        parsed.tree.expect("a tree")
    }

    fn at<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
        &text[range.clone()]
    }

    fn string(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    fn number(s: &str) -> Value {
        Value::Number(s.to_owned())
    }

    /// Checks that every span (keys included) is a valid byte range of `text`, iteratively.
    fn check_spans(text: &str, root: &Node) {
        let mut todo = vec![root];
        while let Some(node) = todo.pop() {
            assert!(text.get(node.span.clone()).is_some(), "{:?}", node.span);
            match &node.value {
                Value::Seq(items) => todo.extend(items),
                Value::Map(entries) => {
                    for entry in entries {
                        assert!(text.get(entry.key_span.clone()).is_some());
                        todo.push(&entry.value);
                    }
                }
                Value::Tagged(_, inner) => todo.push(inner),
                _ => {}
            }
        }
    }

    /// `(function name, argument)` of a short form, with the tag's text.
    fn intrinsic<'n>(text: &'n str, node: &'n Node) -> (&'n str, &'n str, &'n Node) {
        let entry = &node.as_map().expect("a map")[0];
        assert_eq!(node.as_map().map(<[Entry]>::len), Some(1));
        assert_eq!(node.span.start, entry.key_span.start);
        assert_eq!(node.span.end, entry.value.span.end);
        (entry.key.as_str(), at(text, &entry.key_span), &entry.value)
    }

    #[test]
    fn plain_scalar_resolution() {
        let text = "[null, Null, NULL, ~, true, True, TRUE, false, FALSE, 10, -5, +3, 0o17, 0x1F, \
                    1.5, -.5, 1e3, 2.5E-3, .inf, -.Inf, .NaN, yes, no, on, 0x, 1_000, 'true', \"10\", nULL, !!null ]";
        let root = ok(text);
        let values: Vec<_> = root
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.value.clone())
            .collect();
        let mut expected = vec![Value::Null; 4];
        expected.extend([true, true, true, false, false].map(Value::Bool));
        expected.extend(
            [
                "10", "-5", "+3", "0o17", "0x1F", "1.5", "-.5", "1e3", "2.5E-3", ".inf", "-.Inf",
                ".NaN",
            ]
            .map(number),
        );
        expected.extend(["yes", "no", "on", "0x", "1_000", "true", "10", "nULL"].map(string));
        expected.push(Value::Null);
        assert_eq!(values, expected);
        assert_eq!(ok("a:").get("a").unwrap().value, Value::Null);
    }

    #[test]
    fn core_tags() {
        let text = "a: !!str 10\nb: !!int 10\nc: !!float 1\nd: !!bool true\ne: !!null x\n\
                    f: !!map {k: v}\ng: !!seq [1]\nh: !!binary aGk=\n";
        let root = ok(text);
        assert_eq!(root.get("a").unwrap().value, string("10"));
        assert_eq!(at(text, &root.get("a").unwrap().span), "!!str 10");
        assert_eq!(root.get("b").unwrap().value, number("10"));
        assert_eq!(root.get("c").unwrap().value, number("1"));
        assert_eq!(root.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(root.get("e").unwrap().value, Value::Null);
        assert!(root.get("f").unwrap().get("k").is_some());
        assert_eq!(root.get("g").unwrap().as_seq().map(<[Node]>::len), Some(1));
        let Value::Tagged(tag, inner) = &root.get("h").unwrap().value else {
            panic!("tagged")
        };
        assert_eq!((tag.as_str(), &inner.value), ("!!binary", &string("aGk=")));

        let parsed = parse("a: !!int abc\nb: !!seq {}\n");
        let messages: Vec<_> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"abc\" is not a valid !!int",
                "tag !!seq cannot be applied to a mapping"
            ]
        );
        assert_eq!(parsed.errors[0].range, 3..8);
    }

    #[test]
    fn every_short_form_tag_on_scalars() {
        for (tag, key) in CFN_TAGS {
            let text = format!("V: !{tag} x\n");
            let root = ok(&text);
            let node = root.get("V").unwrap();
            let (name, tag_text, value) = intrinsic(&text, node);
            assert_eq!(name, *key);
            assert_eq!(tag_text, format!("!{tag}"));
            assert_eq!(value.value, string("x"));
            assert_eq!(at(&text, &value.span), "x");
            assert_eq!(at(&text, &node.span), format!("!{tag} x"));
            assert_eq!(node.as_intrinsic().map(|(k, _)| k), Some(*key));
        }
    }

    #[test]
    fn every_short_form_tag_on_sequences_and_mappings() {
        for (tag, key) in CFN_TAGS {
            let text = format!(
                "A: !{tag} [a, b]\nB: !{tag}\n  - a\nC: !{tag} {{k: v}}\nD: !{tag}\n  k: v\n"
            );
            let root = ok(&text);
            for (field, value_text) in [
                ("A", "[a, b]"),
                ("B", "- a"),
                ("C", "{k: v}"),
                ("D", "k: v"),
            ] {
                let node = root.get(field).unwrap();
                let (name, tag_text, value) = intrinsic(&text, node);
                assert_eq!(
                    (name, tag_text),
                    (*key, format!("!{tag}").as_str()),
                    "{field}"
                );
                assert_eq!(at(&text, &value.span), value_text, "{tag} {field}");
                assert!(at(&text, &node.span).starts_with('!'));
            }
            assert_eq!(
                root.get("A")
                    .unwrap()
                    .get(key)
                    .unwrap()
                    .as_seq()
                    .unwrap()
                    .len(),
                2
            );
            assert!(root.get("D").unwrap().get(key).unwrap().get("k").is_some());
        }
    }

    #[test]
    fn short_forms_in_context() {
        let text = "Cidr: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 6, 8]]\n\
                    X: !If [Cond, !Ref a, !Ref b]\n\
                    G1: !GetAtt Vpc.CidrBlock\n\
                    G2: !GetAtt [Vpc, CidrBlock]\n\
                    G3:\n  Fn::GetAtt: [Vpc, CidrBlock]\n\
                    J: !Join [\":\", [a, b]]\n\
                    S: !Sub \"x-${AWS::Region}\"\n\
                    E: !Ref\n";
        let root = ok(text);
        let (name, _, args) = intrinsic(text, root.get("X").unwrap());
        assert_eq!(name, "Fn::If");
        let args = args.as_seq().unwrap();
        assert_eq!(args[0].value, string("Cond"));
        for (arg, target) in args[1..].iter().zip(["a", "b"]) {
            let (name, tag, value) = intrinsic(text, arg);
            assert_eq!((name, tag, &value.value), ("Ref", "!Ref", &string(target)));
        }
        let (_, _, g1) = intrinsic(text, root.get("G1").unwrap());
        assert_eq!(g1.value, string("Vpc.CidrBlock"));
        let (_, _, g2) = intrinsic(text, root.get("G2").unwrap());
        let (_, _, g3) = intrinsic(text, root.get("G3").unwrap());
        for g in [g2, g3] {
            let parts: Vec<_> = g
                .as_seq()
                .unwrap()
                .iter()
                .map(|n| n.value.clone())
                .collect();
            assert_eq!(parts, [string("Vpc"), string("CidrBlock")]);
        }
        let (_, _, join) = intrinsic(text, root.get("J").unwrap());
        assert_eq!(join.as_seq().unwrap()[0].value, string(":"));
        assert_eq!(join.as_seq().unwrap()[1].as_seq().unwrap().len(), 2);
        let (_, _, sub) = intrinsic(text, root.get("S").unwrap());
        assert_eq!(at(text, &sub.span), "\"x-${AWS::Region}\"");
        let (_, _, select) = intrinsic(text, root.get("Cidr").unwrap());
        let (name, _, cidr) = intrinsic(text, &select.as_seq().unwrap()[1]);
        assert_eq!(name, "Fn::Cidr");
        let (name, _, _) = intrinsic(text, &cidr.as_seq().unwrap()[0]);
        assert_eq!(name, "Fn::GetAtt");
        // A tag with no value: the value is a zero-width null after the tag.
        let (_, _, empty) = intrinsic(text, root.get("E").unwrap());
        assert_eq!(empty.value, Value::Null);
        assert!(empty.span.is_empty());
    }

    #[test]
    fn unknown_tags_are_kept() {
        let text = "M: !Rain::Module\n  Source: x\nF: !Foo bar\n";
        let root = ok(text);
        let Value::Tagged(tag, inner) = &root.get("M").unwrap().value else {
            panic!("tagged")
        };
        assert_eq!(tag, "!Rain::Module");
        assert_eq!(at(text, &inner.span), "Source: x");
        assert_eq!(
            at(text, &root.get("M").unwrap().span),
            "!Rain::Module\n  Source: x"
        );
        let Value::Tagged(tag, inner) = &root.get("F").unwrap().value else {
            panic!("tagged")
        };
        assert_eq!((tag.as_str(), &inner.value), ("!Foo", &string("bar")));
    }

    #[test]
    fn spans() {
        let text = "a: |\n  one\n  two\n\nb: >-\n  x\nc: 'q'\nd:\n  - 1\n  - [2, {e: f}]\n# end\n";
        let root = ok(text);
        assert_eq!(root.span, 0..text.find("}]").unwrap() + 2);
        assert_eq!(at(text, &root.get("a").unwrap().span), "|\n  one\n  two");
        assert_eq!(root.get("a").unwrap().value, string("one\ntwo\n"));
        assert_eq!(at(text, &root.get("b").unwrap().span), ">-\n  x");
        assert_eq!(at(text, &root.get("c").unwrap().span), "'q'");
        let d = root.get("d").unwrap();
        assert_eq!(at(text, &d.span), "- 1\n  - [2, {e: f}]");
        let inner = &d.as_seq().unwrap()[1];
        assert_eq!(at(text, &inner.span), "[2, {e: f}]");
        assert_eq!(at(text, &inner.as_seq().unwrap()[1].span), "{e: f}");
        let entry = root.entry("c").unwrap();
        assert_eq!(at(text, &entry.key_span), "c");
        // Empty values are zero-width.
        let root = ok("a:\nb: 1\n");
        assert_eq!(root.get("a").unwrap().value, Value::Null);
        assert!(root.get("a").unwrap().span.is_empty());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &base\n  A: 1\n  B: 2\nother: &other {B: 3, C: 4}\n\
                    one:\n  <<: *base\n  B: 20\n\
                    list:\n  <<: [*base, *other]\n  A: 10\n\
                    alias: *base\n\
                    s: &s str\n\
                    t: [*s, *s]\n";
        let root = ok(text);
        let keys = |node: &Node| -> Vec<(String, Value)> {
            node.as_map()
                .unwrap()
                .iter()
                .map(|e| (e.key.clone(), e.value.value.clone()))
                .collect()
        };
        assert_eq!(
            keys(root.get("one").unwrap()),
            [("A".into(), number("1")), ("B".into(), number("20"))]
        );
        assert_eq!(
            keys(root.get("list").unwrap()),
            [
                ("B".into(), number("2")),
                ("C".into(), number("4")),
                ("A".into(), number("10"))
            ]
        );
        let alias = root.get("alias").unwrap();
        assert_eq!(alias, root.get("base").unwrap());
        assert_eq!(at(text, &alias.span), "&base\n  A: 1\n  B: 2");
        let t = root.get("t").unwrap().as_seq().unwrap();
        assert_eq!(t[0].value, string("str"));
        assert_eq!(at(text, &t[1].span), "&s str");
        // An alias as a key uses the anchored scalar's text.
        let root = ok("a: &k key\n*k : v\n");
        assert_eq!(root.get("key").unwrap().value, string("v"));
    }

    #[test]
    fn alias_errors() {
        let parsed = parse("a: *nope\n");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].range.start, 3);
        let parsed = parse("a: &r [1, *r]\n");
        assert_eq!(parsed.errors[0].message, "recursive alias *r");
        assert_eq!(parsed.errors[0].range, 10..12);
        let parsed = parse("a: {k: v}\n<<: [1]\n");
        assert_eq!(
            parsed.errors[0].message,
            "merge key `<<` expects mappings to merge"
        );
        let parsed = parse("a:\n  <<: 1\n");
        assert_eq!(
            parsed.errors[0].message,
            "merge key `<<` expects a mapping or a sequence of mappings"
        );
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let (prev, name) = (pair[0], pair[1]);
            let items = vec![format!("*{prev}"); 9].join(", ");
            text.extend([name, ": &", name, " [", &items, "]\n"]);
        }
        text.push_str("z: *i\n");
        let start = std::time::Instant::now();
        let parsed = parse(&text);
        assert!(start.elapsed().as_secs() < 20);
        let bombs: Vec<_> = parsed
            .errors
            .iter()
            .filter(|e| e.message.contains("possible alias bomb"))
            .collect();
        assert_eq!(bombs.len(), 1, "{:?}", parsed.errors);
        assert_eq!(
            bombs[0].message,
            "alias expansion exceeds 1000000 nodes (possible alias bomb)"
        );
        assert!(at(&text, &bombs[0].range).starts_with('*'));
        // The error is at the first alias past the budget; later aliases are null too.
        assert_eq!(bombs[0].range.start, text.find("*f").unwrap());
        let root = parsed.tree.unwrap();
        assert!(root.get("z").unwrap().value == Value::Null);
        assert!(root.get("b").unwrap().as_seq().unwrap()[0] == *root.get("a").unwrap());
    }

    #[test]
    fn duplicate_and_complex_keys() {
        let text = "a: 1\nb: 2\na: 3\n? [x]\n: 4\n1: one\ntrue: t\n";
        let parsed = parse(text);
        let errors: Vec<_> = parsed
            .errors
            .iter()
            .map(|e| (e.message.as_str(), at(text, &e.range)))
            .collect();
        assert_eq!(
            errors,
            [
                ("duplicate key \"a\"", "a"),
                ("complex mapping keys are not supported", "[x]")
            ]
        );
        assert_eq!(parsed.errors[0].range, 10..11);
        let root = parsed.tree.unwrap();
        let keys: Vec<_> = root
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["a", "b", "1", "true"]);
        assert_eq!(root.get("a").unwrap().value, number("1"));
    }

    #[test]
    fn syntax_error_in_the_middle_keeps_the_partial_tree() {
        let text = "A: 1\nB:\n  C: [1, 2\n  D: x\nE: 5\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let error = &parsed.errors[0];
        let line = text[..error.range.start].matches('\n').count() + 1;
        assert_eq!(line, 4, "{error:?}");
        let root = parsed.tree.unwrap();
        assert_eq!(root.get("A").unwrap().value, number("1"));
        let c = root.get("B").unwrap().get("C").unwrap();
        assert!(c.as_seq().is_some());
        assert!(root.get("E").is_none());
        check_spans(text, &root);

        let text = "a: 1\nb: 'unterminated\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.tree.unwrap().get("a").unwrap().value, number("1"));
    }

    #[test]
    fn multibyte_characters_give_byte_spans() {
        let text = "é: \"ü😀\"\nk: [ä, {x: ö}]\n名前: 値\n";
        let root = ok(text);
        let e = root.entry("é").unwrap();
        assert_eq!(e.key_span, 0..2);
        assert_eq!(at(text, &e.value.span), "\"ü😀\"");
        let k = root.get("k").unwrap();
        assert_eq!(at(text, &k.span), "[ä, {x: ö}]");
        let x = k.as_seq().unwrap()[1].get("x").unwrap();
        assert_eq!(at(text, &x.span), "ö");
        let entry = root.entry("名前").unwrap();
        assert_eq!(at(text, &entry.key_span), "名前");
        assert_eq!(at(text, &entry.value.span), "値");
        // Past the checkpoint stride of the offset table.
        let text = format!("a: {}\nb: !Ref x\n", "é".repeat(200));
        let root = ok(&text);
        assert_eq!(at(&text, &root.get("b").unwrap().span), "!Ref x");
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}A: 1\r\nB:\r\n  - !Ref x\r\n  - |\r\n    text\r\nC: [1,\r\n 2]\r\n";
        let root = ok(text);
        assert_eq!(root.entry("A").unwrap().key_span, 3..4);
        let b = root.get("B").unwrap().as_seq().unwrap();
        assert_eq!(at(text, &b[0].span), "!Ref x");
        assert_eq!(at(text, &b[1].span), "|\r\n    text");
        assert_eq!(b[1].value, string("text\n"));
        assert_eq!(at(text, &root.get("C").unwrap().span), "[1,\r\n 2]");
        assert_eq!(root.span.start, 3);
    }

    #[test]
    fn only_the_first_document_is_read() {
        let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(
            parsed.errors[0].message,
            "only the first YAML document is read"
        );
        assert_eq!(parsed.errors[0].range, 5..8);
        assert!(parsed.tree.unwrap().get("a").is_some());
        assert!(ok("---\na: 1\n...\n").get("a").is_some());
        assert!(parse("").tree.is_none());
        assert!(parse("# only a comment\n").tree.is_none());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // saphyr rejects flow nesting past 255 itself.
        let parsed = parse(&"[".repeat(10_000));
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].message, "recursion limit exceeded");

        let text = format!("{}x\n", "- ".repeat(10_000));
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(parsed.errors[0].message, "nesting deeper than 512 levels");
        assert_eq!(parsed.errors[0].range, 1024..1025);
        let mut node = parsed.tree.as_ref().unwrap();
        let mut levels = 0;
        while let Some(items) = node.as_seq() {
            node = &items[0];
            levels += 1;
        }
        assert_eq!((levels, &node.value), (512, &Value::Null));

        let mut text = String::new();
        for i in 0..2_000 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        text.push_str(&" ".repeat(2_000));
        text.push_str("v\nafter: 1\n");
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let root = parsed.tree.unwrap();
        assert_eq!(root.get("after").unwrap().value, number("1"));

        // An alias may not push a node past the limit either.
        let text = format!(
            "a: &a\n  {}x\nb:\n  {}*a\n",
            "- ".repeat(400),
            "- ".repeat(300)
        );
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(
            parsed.errors[0].message,
            "alias *a nests deeper than 512 levels"
        );
    }

    const TEMPLATE: &str = "\u{feff}AWSTemplateFormatVersion: '2010-09-09'
Description: >
  Réseau de test — VPC with two subnets
Parameters:
  Cidr:
    Type: String
    Default: 10.0.0.0/16
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Regions:
    us-east-1: {AZ: us-east-1a}
Defaults: &defaults
  MapPublicIpOnLaunch: false
  Tags:
    - Key: Name
      Value: !Sub '${AWS::StackName}-subnet'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref Cidr
      EnableDnsSupport: true
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      <<: *defaults
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
      AvailabilityZone: !Select [0, !GetAZs '']
  SubnetB:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !If [IsProd, \"10.0.1.0/24\", !Ref AWS::NoValue]
      UserData: !Base64 |
        #!/bin/bash
        echo ok
Outputs:
  VpcId: {Value: !Ref Vpc, Export: {Name: !Join [':', [!Ref 'AWS::StackName', vpc]]}}
";

    #[test]
    fn template_parses() {
        let root = ok(TEMPLATE);
        check_spans(TEMPLATE, &root);
        let subnet = root.get("Resources").unwrap().get("SubnetA").unwrap();
        let props = subnet.get("Properties").unwrap();
        assert_eq!(
            props.get("MapPublicIpOnLaunch").unwrap().value,
            Value::Bool(false)
        );
        assert!(props.get("Tags").is_some());
        let (name, _, _) = intrinsic(TEMPLATE, props.get("CidrBlock").unwrap());
        assert_eq!(name, "Fn::Select");
    }

    #[test]
    fn truncation_never_panics() {
        for end in 0..=TEMPLATE.len() {
            if !TEMPLATE.is_char_boundary(end) {
                continue;
            }
            let text = &TEMPLATE[..end];
            let parsed = parse(text);
            for error in &parsed.errors {
                assert!(text.get(error.range.clone()).is_some(), "{end}: {error:?}");
            }
            if let Some(tree) = &parsed.tree {
                check_spans(text, tree);
            }
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let inputs = [
            "&a",
            "*a",
            "!",
            "!!",
            "! x",
            "!<tag:x> y",
            "? ",
            ":",
            "- - -",
            "[",
            "]",
            "{",
            "}",
            "a: &x\nb: *x",
            "<<: *x",
            "<<:",
            "%YAML 1.2\n---",
            "...",
            "--- !Ref",
            "\u{feff}",
            "a:\n\t- b",
            "a: \"\\x\"",
            "[a, b]: c",
            "{? a}",
            "- !Ref\n- !If",
            "\r\n\r",
            "\"\u{0}\"",
        ];
        for text in inputs {
            let parsed = parse(text);
            if let Some(tree) = &parsed.tree {
                check_spans(text, tree);
            }
        }
    }
}
