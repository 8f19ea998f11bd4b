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
//! collections nested deeper than 255); what anchors and aliases copy is bounded by
//! [`MAX_ALIAS_BYTES`] in total, counted in bytes (nodes and their text), so that one long
//! scalar aliased many times is bounded as a billion nodes are. Only the first document of
//! a stream is read.
//!
//! Recovery: duplicate keys (first kept), complex keys (skipped), over-deep nesting
//! (replaced by `null`), bad aliases and merges are reported and parsing goes on. A syntax
//! error from saphyr stops the parse; open collections are closed with what they hold (a
//! key without a value is dropped).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::tree::{Entry, Node, Value};
use super::{Parsed, SyntaxError};

mod offsets;
mod repair;
mod scalars;
#[cfg(test)]
mod tests;

use self::offsets::Offsets;
use self::scalars::{
    block_header, classify, is_core_float, is_core_int, resolve_plain, resolve_untagged,
    scan_properties, TagInfo, TagKind,
};

/// Collections may nest this deep; deeper ones are reported and replaced by `null`.
pub const MAX_DEPTH: usize = 512;

/// The most bytes that anchors and aliases may copy in one document (each anchored node is
/// copied once when defined and once per alias; a node counts `NODE_BYTES` plus its
/// text). Past it, aliases become `null` ("billion laughs" protection, in nodes and in
/// bytes: a bomb peaks at about 100 MB).
pub const MAX_ALIAS_BYTES: usize = 64 * 1024 * 1024;

/// What a node counts for in [`MAX_ALIAS_BYTES`], besides its text.
const NODE_BYTES: usize = std::mem::size_of::<Node>();

/// Parses the first YAML document of `text`. `tree` is `None` only when the stream holds no
/// node at all (empty, comments only) or nothing could be parsed before an error.
#[must_use]
pub fn parse(text: &str) -> Parsed<Option<Node>> {
    let (mut parsed, mut failure) = build(text, &repair::Edits::default());
    let mut edits = repair::Edits::default();
    // Where saphyr stops on what libyaml accepts, the text is repaired and read again, as
    // long as each repair gets further (`repair.rs`).
    for _ in 0..repair::MAX_ROUNDS {
        let Some(stop) = &failure else { break };
        let Some(next) = repair::propose(text, &edits, stop) else {
            break;
        };
        let (again, next_failure) = build(text, &next);
        if next_failure.as_ref().is_some_and(|f| f.at <= stop.at) {
            break;
        }
        (parsed, failure, edits) = (again, next_failure, next);
    }
    parsed
}

/// One parse of `text`, saphyr reading it with `edits` applied; where saphyr stopped.
fn build(text: &str, edits: &repair::Edits) -> (Parsed<Option<Node>>, Option<repair::Failure>) {
    let (input, inserted) = if edits.is_empty() {
        (None, Vec::new())
    } else {
        let (input, inserted) = edits.apply(text);
        (Some(input), inserted)
    };
    let mut builder = Builder::new(text, inserted);
    builder.run(input.as_deref().unwrap_or(text));
    let parsed = Parsed {
        tree: builder.root,
        errors: builder.errors,
    };
    (parsed, builder.failure)
}

/// A finished node on its way to its parent.
struct Done {
    node: Node,
    /// Bytes in it (nodes and text, keys included), for the alias budget.
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
    /// Where saphyr stopped with a syntax error.
    failure: Option<repair::Failure>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, shifts: Vec<repair::Shift>) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text, shifts),
            errors: Vec::new(),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            copied: 0,
            exhausted: false,
            skip: None,
            document_seen: false,
            last_pos: 0,
            failure: None,
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

    /// Reads saphyr's events over `input` (the text, or its repaired copy).
    fn run(&mut self, input: &str) {
        let mut parser = Parser::new_from_str(input);
        loop {
            let Ok(next) = catch_unwind(AssertUnwindSafe(|| parser.next_event())) else {
                let at = self.char_range(self.last_pos);
                self.error(at, "internal error in the YAML parser");
                break;
            };
            match next {
                None => break,
                Some(Err(error)) => {
                    let byte = self.offsets.byte(*error.marker());
                    let at = self.char_range(byte);
                    self.error(at, error.info().to_owned());
                    self.failure = Some(repair::Failure {
                        message: error.info().to_owned(),
                        at: byte,
                    });
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
                    size: 2 * NODE_BYTES + value.len() + tag.text.len(),
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
                } else if self.copied + size > MAX_ALIAS_BYTES {
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
                format!(
                    "alias expansion exceeds {} MiB (possible alias bomb)",
                    MAX_ALIAS_BYTES >> 20
                ),
            );
        }
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn remember(&mut self, anchor: usize, done: &Done) {
        if anchor == 0 {
            return;
        }
        let anchored = if self.copied + done.size > MAX_ALIAS_BYTES {
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
            size: NODE_BYTES,
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
                    size += NODE_BYTES + tag.text.len();
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
        let text = match &node.value {
            Value::String(s) | Value::Number(s) => s.len(),
            _ => 0,
        };
        Done {
            node,
            size: NODE_BYTES + text,
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
