//! JSON (RFC 8259) → [`crate::syntax::tree::Node`] with byte spans.
//!
//! Hand-written and iterative (an explicit stack, no recursion on nesting depth). Parsing never
//! fails as a whole: errors are recorded with the byte range of the offending token and the
//! value built so far is returned.
//!
//! Span conventions (byte offsets into the original text, a leading BOM included):
//! - a scalar's span covers its token (strings include their quotes);
//! - an array's or object's span runs from its opening bracket to its closing bracket
//!   inclusive (for an unterminated one, to the end of its last complete element);
//! - [`Entry::key_span`] covers the key string including its quotes.
//!
//! Recovery: duplicate keys (the first is kept), trailing commas, bad escapes, control
//! characters in strings, malformed numbers, over-deep nesting and trailing content are
//! reported and parsing goes on; any other error stops the parse and the open arrays and
//! objects are closed with what they hold (an object key without a value is dropped).

use std::collections::HashSet;
use std::ops::Range;

use super::tree::{Entry, Node, Value};
use super::{Parsed, SyntaxError};

/// Arrays and objects may nest this deep; deeper ones are reported and replaced by `null`.
pub const MAX_DEPTH: usize = 512;

/// Parses a JSON document. `tree` is `None` only when no value could be parsed at all.
#[must_use]
pub fn parse(text: &str) -> Parsed<Option<Node>> {
    let mut parser = JsonParser {
        text,
        bytes: text.as_bytes(),
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        errors: Vec::new(),
    };
    let tree = parser.run();
    Parsed {
        tree,
        errors: parser.errors,
    }
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    errors: Vec<SyntaxError>,
}

/// What the parser expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    /// Just after `[`: a value or `]`.
    ArrayFirst,
    /// After an array element: `,` or `]`.
    ArrayNext,
    /// Just after `{`: a key or `}`.
    ObjectFirst,
    /// After a `,` in an object: a key.
    ObjectKey,
    /// After an object key: `:`.
    Colon,
    /// After an object entry: `,` or `}`.
    ObjectNext,
    Done,
}

enum Frame {
    Array {
        start: usize,
        last_end: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        last_end: usize,
        entries: Vec<Entry>,
        keys: HashSet<String>,
        /// The key waiting for its value; `None` as key text when the entry is to be dropped
        /// (duplicate key).
        pending: Option<(Option<String>, Range<usize>)>,
    },
}

impl Frame {
    /// Closes the frame; `end` is the end of the closing bracket, or `None` if it is missing.
    fn finish(self, end: Option<usize>) -> Node {
        match self {
            Frame::Array {
                start,
                last_end,
                items,
            } => Node::new(Value::Seq(items), start..end.unwrap_or(last_end)),
            Frame::Object {
                start,
                last_end,
                entries,
                ..
            } => Node::new(Value::Map(entries), start..end.unwrap_or(last_end)),
        }
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl JsonParser<'_> {
    fn error(&mut self, range: Range<usize>, message: impl Into<String>) {
        self.errors.push(SyntaxError::new(range, message));
    }

    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && is_ws(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The range of the character at `pos` (empty at the end of the text).
    fn char_range(&self, pos: usize) -> Range<usize> {
        let len = self.text[pos..].chars().next().map_or(0, char::len_utf8);
        pos..pos + len
    }

    /// The range of the token at `pos` for error messages: a run of word characters, or one
    /// character.
    fn token_range(&self, pos: usize) -> Range<usize> {
        let mut end = pos;
        while end < self.bytes.len()
            && (self.bytes[end].is_ascii_alphanumeric() || matches!(self.bytes[end], b'_' | b'.'))
        {
            end += 1;
        }
        if end == pos {
            self.char_range(pos)
        } else {
            pos..end
        }
    }

    fn describe(&self, pos: usize) -> String {
        let range = self.token_range(pos);
        if range.is_empty() {
            "end of input".to_owned()
        } else {
            format!("`{}`", &self.text[range])
        }
    }

    /// Reports an unexpected token at the current position.
    fn unexpected(&mut self, expected: &str) {
        let range = self.token_range(self.pos);
        let found = self.describe(self.pos);
        self.error(range, format!("{expected}, found {found}"));
    }

    fn run(&mut self) -> Option<Node> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Node> = None;
        let mut expect = Expect::Value;
        loop {
            self.skip_ws();
            let next = match expect {
                Expect::Done => {
                    if self.pos < self.bytes.len() {
                        let range = self.token_range(self.pos);
                        self.error(range, "unexpected content after the JSON value");
                    }
                    return root;
                }
                Expect::Value => self.value(&mut stack, &mut root),
                Expect::ArrayFirst => {
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Some(self.close(&mut stack, &mut root))
                    } else {
                        Some(Expect::Value)
                    }
                }
                Expect::ArrayNext => self.array_next(&mut stack, &mut root),
                Expect::ObjectFirst | Expect::ObjectKey => {
                    self.object_key(expect == Expect::ObjectFirst, &mut stack, &mut root)
                }
                Expect::Colon => {
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        Some(Expect::Value)
                    } else {
                        self.unexpected("expected ':' after object key");
                        None
                    }
                }
                Expect::ObjectNext => match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        Some(Expect::ObjectKey)
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        Some(self.close(&mut stack, &mut root))
                    }
                    _ => {
                        self.unexpected("expected ',' or '}' after object entry");
                        None
                    }
                },
            };
            match next {
                Some(next) => expect = next,
                None => break,
            }
        }
        // A fatal error: close what is open, innermost first.
        while let Some(frame) = stack.pop() {
            let node = frame.finish(None);
            Self::deliver(&mut stack, &mut root, node);
        }
        root
    }

    /// A value at `self.pos`. `None` after a fatal error.
    fn value(&mut self, stack: &mut Vec<Frame>, root: &mut Option<Node>) -> Option<Expect> {
        let start = self.pos;
        match self.peek() {
            Some(b'[' | b'{') if stack.len() >= MAX_DEPTH => {
                self.error(
                    start..start + 1,
                    format!("nesting deeper than {MAX_DEPTH} levels"),
                );
                self.skip_balanced();
                let node = Node::new(Value::Null, start..self.pos);
                Some(Self::deliver(stack, root, node))
            }
            Some(b'[') => {
                self.pos += 1;
                stack.push(Frame::Array {
                    start,
                    last_end: self.pos,
                    items: Vec::new(),
                });
                Some(Expect::ArrayFirst)
            }
            Some(b'{') => {
                self.pos += 1;
                stack.push(Frame::Object {
                    start,
                    last_end: self.pos,
                    entries: Vec::new(),
                    keys: HashSet::new(),
                    pending: None,
                });
                Some(Expect::ObjectFirst)
            }
            _ => {
                let node = self.scalar()?;
                Some(Self::deliver(stack, root, node))
            }
        }
    }

    /// After an array element: `,` or `]`.
    fn array_next(&mut self, stack: &mut Vec<Frame>, root: &mut Option<Node>) -> Option<Expect> {
        let start = self.pos;
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.error(start..start + 1, "trailing comma");
                    self.pos += 1;
                    Some(self.close(stack, root))
                } else {
                    Some(Expect::Value)
                }
            }
            Some(b']') => {
                self.pos += 1;
                Some(self.close(stack, root))
            }
            _ => {
                self.unexpected("expected ',' or ']' after array element");
                None
            }
        }
    }

    /// After `{` (`first`) or after a `,` in an object: a key, or `}`.
    fn object_key(
        &mut self,
        first: bool,
        stack: &mut Vec<Frame>,
        root: &mut Option<Node>,
    ) -> Option<Expect> {
        match self.peek() {
            Some(b'"') => {
                let (key, range) = self.string()?;
                self.key(stack, key, range);
                Some(Expect::Colon)
            }
            Some(b'}') => {
                if !first {
                    let comma = self.bytes[..self.pos]
                        .iter()
                        .rposition(|&b| b == b',')
                        .unwrap_or(self.pos);
                    self.error(comma..comma + 1, "trailing comma");
                }
                self.pos += 1;
                Some(self.close(stack, root))
            }
            _ => {
                if first {
                    self.unexpected("expected a string key or '}'");
                } else {
                    self.unexpected("expected a string key after ','");
                }
                None
            }
        }
    }

    /// Records an object key in the innermost (object) frame.
    fn key(&mut self, stack: &mut [Frame], key: String, range: Range<usize>) {
        if let Some(Frame::Object {
            keys,
            pending,
            last_end,
            ..
        }) = stack.last_mut()
        {
            *last_end = range.end;
            if keys.contains(&key) {
                self.errors.push(SyntaxError::new(
                    range.clone(),
                    format!("duplicate key {key:?}"),
                ));
                *pending = Some((None, range));
            } else {
                *pending = Some((Some(key), range));
            }
        }
    }

    /// Pops the innermost frame (its closing bracket has just been consumed) and delivers it.
    fn close(&mut self, stack: &mut Vec<Frame>, root: &mut Option<Node>) -> Expect {
        match stack.pop() {
            Some(frame) => {
                let node = frame.finish(Some(self.pos));
                Self::deliver(stack, root, node)
            }
            None => Expect::Done,
        }
    }

    /// Hands a finished value to the innermost frame (or makes it the root) and says what
    /// comes next.
    fn deliver(stack: &mut [Frame], root: &mut Option<Node>, node: Node) -> Expect {
        match stack.last_mut() {
            None => {
                *root = Some(node);
                Expect::Done
            }
            Some(Frame::Array {
                items, last_end, ..
            }) => {
                *last_end = node.span.end;
                items.push(node);
                Expect::ArrayNext
            }
            Some(Frame::Object {
                entries,
                keys,
                pending,
                last_end,
                ..
            }) => {
                if let Some((key, key_span)) = pending.take() {
                    *last_end = node.span.end;
                    if let Some(key) = key {
                        keys.insert(key.clone());
                        entries.push(Entry {
                            key,
                            key_span,
                            value: node,
                        });
                    }
                }
                Expect::ObjectNext
            }
        }
    }

    /// Skips a balanced array or object starting at `self.pos` (strings respected).
    fn skip_balanced(&mut self) {
        let mut depth = 0usize;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    while self.pos < self.bytes.len() && self.bytes[self.pos] != b'"' {
                        if self.bytes[self.pos] == b'\\' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.bytes.len();
    }

    /// A string, number or literal at `self.pos`; `None` after a fatal error.
    fn scalar(&mut self) -> Option<Node> {
        let start = self.pos;
        match self.peek() {
            None => {
                self.error(start..start, "unexpected end of input, expected a value");
                None
            }
            Some(b'"') => self
                .string()
                .map(|(s, range)| Node::new(Value::String(s), range)),
            Some(b'-' | b'0'..=b'9') => Some(self.number()),
            Some(b) if b.is_ascii_alphabetic() => {
                let range = self.token_range(start);
                let value = match &self.text[range.clone()] {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    word => {
                        self.error(range, format!("expected a value, found `{word}`"));
                        return None;
                    }
                };
                self.pos = range.end;
                Some(Node::new(value, range))
            }
            Some(_) => {
                self.unexpected("expected a value");
                None
            }
        }
    }

    fn number(&mut self) -> Node {
        let start = self.pos;
        let mut end = start;
        while end < self.bytes.len()
            && matches!(
                self.bytes[end],
                b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
            )
        {
            end += 1;
        }
        self.pos = end;
        let text = &self.text[start..end];
        if !is_json_number(text) {
            self.error(start..end, format!("invalid number `{text}`"));
        }
        Node::new(Value::Number(text.to_owned()), start..end)
    }

    /// A string at `self.pos` (which is a `"`): its unescaped value and its range including
    /// the quotes. `None` (after recording the error) when it is not terminated.
    fn string(&mut self) -> Option<(String, Range<usize>)> {
        let start = self.pos;
        let mut out = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            let Some(&b) = self.bytes.get(i) else {
                self.error(start..self.bytes.len(), "unterminated string");
                self.pos = self.bytes.len();
                return None;
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    return Some((out, start..i + 1));
                }
                b'\\' => {
                    out.push_str(&self.text[run..i]);
                    i = self.escape(i, &mut out);
                    run = i;
                }
                b'\n' => {
                    // Most likely a missing closing quote: stop at the line end.
                    self.error(start..i, "unterminated string");
                    self.pos = i;
                    return None;
                }
                0..=0x1f => {
                    self.error(i..i + 1, "unescaped control character in string");
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }

    /// Decodes the escape sequence at `i` (a backslash) into `out`; returns the index after it.
    fn escape(&mut self, i: usize, out: &mut String) -> usize {
        let simple = match self.bytes.get(i + 1) {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            Some(_) => {
                let range = i..self.char_range(i + 1).end;
                let text = self.text[range.clone()].to_owned();
                self.error(range.clone(), format!("invalid escape `{text}`"));
                out.push_str(&text);
                return range.end;
            }
            None => return i + 1, // the string is unterminated; reported by the caller
        };
        if let Some(c) = simple {
            out.push(c);
            return i + 2;
        }
        let Some(high) = self.hex4(i + 2) else {
            let end = (i + 2..(i + 6).min(self.bytes.len()))
                .find(|&j| !self.bytes[j].is_ascii_hexdigit())
                .unwrap_or((i + 6).min(self.bytes.len()));
            self.error(i..end, "invalid \\u escape: expected 4 hex digits");
            out.push('\u{fffd}');
            return end;
        };
        if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(i + 6) == Some(&b'\\') && self.bytes.get(i + 7) == Some(&b'u') {
                if let Some(low) = self.hex4(i + 8) {
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        return i + 12;
                    }
                }
            }
            self.error(i..i + 6, "unpaired surrogate in \\u escape");
            out.push('\u{fffd}');
            return i + 6;
        }
        if (0xDC00..0xE000).contains(&high) {
            self.error(i..i + 6, "unpaired surrogate in \\u escape");
            out.push('\u{fffd}');
            return i + 6;
        }
        out.push(char::from_u32(high).unwrap_or('\u{fffd}'));
        i + 6
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &b| {
            let d = char::from(b).to_digit(16)?;
            Some(acc * 16 + d)
        })
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(s: &str) -> bool {
    fn digits(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    }
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(b, i),
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        let j = digits(b, i + 1);
        if j == i + 1 {
            return false;
        }
        i = j;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let j = digits(b, i);
        if j == i {
            return false;
        }
        i = j;
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Node {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.tree.expect("a tree")
    }

    fn span_text<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.span.clone()]
    }

    #[test]
    fn scalars() {
        assert_eq!(ok("null").value, Value::Null);
        assert_eq!(ok(" true ").value, Value::Bool(true));
        assert_eq!(ok("false").value, Value::Bool(false));
        assert_eq!(ok("-1.5e+3").value, Value::Number("-1.5e+3".into()));
        assert_eq!(ok("0").value, Value::Number("0".into()));
        assert_eq!(ok("\"hi\"").value, Value::String("hi".into()));
        assert_eq!(ok(" 12 ").span, 1..3);
    }

    #[test]
    fn nested_spans() {
        let text = r#"{"a": [1, {"b": "x"}], "c": {}}"#;
        let root = ok(text);
        assert_eq!(root.span, 0..text.len());
        let a = root.entry("a").unwrap();
        assert_eq!(&text[a.key_span.clone()], "\"a\"");
        assert_eq!(span_text(text, &a.value), r#"[1, {"b": "x"}]"#);
        let items = a.value.as_seq().unwrap();
        assert_eq!(span_text(text, &items[0]), "1");
        assert_eq!(span_text(text, &items[1]), r#"{"b": "x"}"#);
        let b = items[1].entry("b").unwrap();
        assert_eq!(&text[b.key_span.clone()], "\"b\"");
        assert_eq!(span_text(text, &b.value), "\"x\"");
        assert_eq!(span_text(text, root.get("c").unwrap()), "{}");
        assert_eq!(root.as_map().unwrap()[1].key, "c");
    }

    #[test]
    fn escapes() {
        let text = r#""a\n\t\"\\\/\b\f\r\u0041\u00e9\ud83d\ude00z""#;
        let node = ok(text);
        assert_eq!(
            node.value,
            Value::String("a\n\t\"\\/\u{8}\u{c}\rAé😀z".into())
        );
        assert_eq!(node.span, 0..text.len());
    }

    #[test]
    fn multibyte_spans_are_bytes() {
        let text = r#"{"é": "ü", "k": 1}"#;
        let root = ok(text);
        let k = root.entry("k").unwrap();
        assert_eq!(&text[k.key_span.clone()], "\"k\"");
        assert_eq!(k.value.span, 18..19);
        assert_eq!(root.get("é").unwrap().value, Value::String("ü".into()));
    }

    #[test]
    fn bad_escapes_are_reported() {
        let parsed = parse(r#""a\qb\ud800c\u12""#);
        let messages: Vec<_> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "invalid escape `\\q`",
                "unpaired surrogate in \\u escape",
                "invalid \\u escape: expected 4 hex digits"
            ]
        );
        assert_eq!(parsed.errors[0].range, 2..4);
        assert_eq!(parsed.errors[1].range, 5..11);
        assert_eq!(
            parsed.tree.unwrap().value,
            Value::String("a\\qb\u{fffd}c\u{fffd}".into())
        );
    }

    #[test]
    fn missing_comma_keeps_partial_tree() {
        let text = "{\"a\": 1, \"b\": [1, 2] \"c\": 3}";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1);
        let error = &parsed.errors[0];
        assert_eq!(
            error.message,
            "expected ',' or '}' after object entry, found `\"`"
        );
        assert_eq!(error.range, 21..22);
        let root = parsed.tree.unwrap();
        assert_eq!(root.as_map().unwrap().len(), 2);
        assert_eq!(root.get("b").unwrap().as_seq().unwrap().len(), 2);
        assert_eq!(root.span, 0..20);
    }

    #[test]
    fn error_messages_and_ranges() {
        let cases: &[(&str, &str, Range<usize>)] = &[
            (
                "[1, 2",
                "expected ',' or ']' after array element, found end of input",
                5..5,
            ),
            (
                "{\"a\" 1}",
                "expected ':' after object key, found `1`",
                5..6,
            ),
            ("{\"a\": }", "expected a value, found `}`", 6..7),
            ("[tru]", "expected a value, found `tru`", 1..4),
            ("\"abc", "unterminated string", 0..4),
            ("{1: 2}", "expected a string key or '}', found `1`", 1..2),
            (
                "[1 2]",
                "expected ',' or ']' after array element, found `2`",
                3..4,
            ),
            ("", "unexpected end of input, expected a value", 0..0),
            ("[@]", "expected a value, found `@`", 1..2),
            ("[é]", "expected a value, found `é`", 1..3),
        ];
        for (text, message, range) in cases {
            let parsed = parse(text);
            assert_eq!(parsed.errors.len(), 1, "{text}: {:?}", parsed.errors);
            assert_eq!(parsed.errors[0].message, *message, "{text}");
            assert_eq!(parsed.errors[0].range, *range, "{text}");
        }
        assert!(parse("").tree.is_none());
        assert_eq!(
            parse("[1, 2").tree.unwrap().as_seq().map(<[Node]>::len),
            Some(2)
        );
    }

    #[test]
    fn trailing_commas_are_reported_and_recovered() {
        let parsed = parse("{\"a\": [1, 2,], \"b\": 3,}");
        let errors: Vec<_> = parsed
            .errors
            .iter()
            .map(|e| (e.message.as_str(), e.range.clone()))
            .collect();
        assert_eq!(
            errors,
            [("trailing comma", 11..12), ("trailing comma", 21..22)]
        );
        let root = parsed.tree.unwrap();
        assert_eq!(root.get("a").unwrap().as_seq().unwrap().len(), 2);
        assert_eq!(root.get("b").unwrap().value, Value::Number("3".into()));
    }

    #[test]
    fn invalid_numbers() {
        for text in ["01", "1.", "-", "1e", ".5", "1.5.2", "+1"] {
            let parsed = parse(text);
            assert!(!parsed.errors.is_empty(), "{text}");
        }
        for text in ["0", "-0", "10", "1.25", "1e5", "1E-5", "-0.5e+10"] {
            assert_eq!(ok(text).value, Value::Number(text.into()));
        }
    }

    #[test]
    fn control_character_in_string() {
        let parsed = parse("\"a\tb\"");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].range, 2..3);
        assert_eq!(parsed.tree.unwrap().value, Value::String("a\tb".into()));
    }

    #[test]
    fn duplicate_keys_keep_the_first() {
        let text = r#"{"a": 1, "b": 2, "a": {"x": 1}}"#;
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].message, "duplicate key \"a\"");
        assert_eq!(parsed.errors[0].range, 17..20);
        let root = parsed.tree.unwrap();
        assert_eq!(root.as_map().unwrap().len(), 2);
        assert_eq!(root.get("a").unwrap().value, Value::Number("1".into()));
    }

    #[test]
    fn bom_is_skipped_and_spans_stay_bytes() {
        let text = "\u{feff}{\"a\": true}";
        let root = ok(text);
        assert_eq!(root.span, 3..text.len());
        assert_eq!(root.entry("a").unwrap().key_span, 4..7);
    }

    #[test]
    fn trailing_garbage_is_an_error_but_the_value_is_kept() {
        let parsed = parse("{\"a\": 1} x");
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].range, 9..10);
        assert_eq!(
            parsed.errors[0].message,
            "unexpected content after the JSON value"
        );
        assert!(parsed.tree.unwrap().get("a").is_some());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "[".repeat(100_000);
        let parsed = parse(&text);
        assert!(parsed
            .errors
            .iter()
            .any(|e| e.message == "nesting deeper than 512 levels" && e.range == (512..513)));
        assert!(parsed.tree.is_some());

        // Balanced deep content is skipped and the document goes on.
        let text = format!(
            "{{\"a\": {}{}, \"b\": 1}}",
            "[".repeat(600),
            "]".repeat(600)
        );
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let root = parsed.tree.unwrap();
        assert_eq!(root.get("b").unwrap().value, Value::Number("1".into()));
        // The object is level 1, so 511 arrays are kept and the 512th becomes null.
        let mut node = root.get("a").unwrap();
        let mut arrays = 0;
        while let Some(items) = node.as_seq() {
            node = &items[0];
            arrays += 1;
        }
        assert_eq!(arrays, 511);
        assert_eq!(node.value, Value::Null);

        // Exactly 512 levels are fine.
        let text = format!("{}{}", "[".repeat(512), "]".repeat(512));
        assert!(parse(&text).errors.is_empty());
    }

    #[test]
    fn truncation_never_panics() {
        let text = "\u{feff}{\n  \"Résumé\": [1, -2.5e3, true, false, null, \"a\\u00e9\\ud83d\\ude00\\n\"],\n  \"o\": {\"k\": {}, \"l\": []}\n}\n";
        for end in 0..=text.len() {
            if !text.is_char_boundary(end) {
                continue;
            }
            let parsed = parse(&text[..end]);
            for error in &parsed.errors {
                assert!(error.range.start <= error.range.end && error.range.end <= end);
            }
            if let Some(tree) = &parsed.tree {
                assert!(tree.span.end <= end);
            }
        }
        assert!(parse(text).errors.is_empty());
    }
}
