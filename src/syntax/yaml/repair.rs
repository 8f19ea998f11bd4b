//! Where libyaml accepts what saphyr (following the YAML 1.2 spec) rejects: the
//! indentation rules that CloudFormation (which reads templates with a libyaml-based
//! parser) is more lenient about. After saphyr stops on one of these, the text it reads is
//! edited minimally (spaces inserted at a line start, a comment removed) without changing
//! what libyaml would read, and parsed again. Spans stay in the original text:
//! [`super::offsets::Offsets`] maps the edited text's positions back.
//!
//! The differences, found by comparing both parsers over generated documents
//! (libyaml's `scanner.c` is the reference):
//! 1. **Quoted scalars continued at a lower indentation.** libyaml does not check the
//!    indentation of a quoted scalar's continuation lines (only document markers at
//!    column 0); the spec wants them indented more than the enclosing block. Their leading
//!    white space is folded away in either reading, so the lines are indented further.
//! 2. **Leading empty lines of a block scalar with more spaces than its first line.**
//!    libyaml takes the most indented of them as the scalar's indentation, and a less
//!    indented line ends the scalar; the spec calls it an error. A line where libyaml then
//!    goes on without error is a comment: it is removed with the empty and comment lines
//!    after it (comments carry no data).
//! 3. **A block scalar header alone on the line after its key, at the key's column**
//!    (`Key:` then `|` under `K`): libyaml reads the scalar as the key's value; the spec
//!    wants it indented more. The header line is indented by one space (the content's
//!    indentation is its own).
//! 4. **Flow collections continued at a lower indentation.** libyaml checks no indentation
//!    inside `[…]` and `{…}`; the line is indented further (white space between flow
//!    tokens is not content).
//!
//! A repair is kept only when the next parse gets further; at most [`MAX_ROUNDS`] are
//! made. A document that libyaml rejects too keeps an error.

use std::ops::Range;

/// The most repairs made to one document.
pub(super) const MAX_ROUNDS: usize = 64;

/// Edits to the text saphyr reads, in original byte positions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Edits {
    /// `(line start, spaces inserted there)`, sorted, at most one per line.
    pub(super) inserts: Vec<(usize, usize)>,
    /// Ranges removed (whole lines), sorted, disjoint.
    pub(super) removes: Vec<Range<usize>>,
}

/// A difference between the edited text and the original, at a character index of the
/// edited text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shift {
    /// `len` spaces the original has not.
    Inserted { at: usize, len: usize },
    /// `len` characters of the original removed before `at`.
    Removed { at: usize, len: usize },
}

/// Where saphyr stopped: its message and the byte position in the original text.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub(super) message: String,
    pub(super) at: usize,
}

impl Edits {
    pub(super) fn is_empty(&self) -> bool {
        self.inserts.is_empty() && self.removes.is_empty()
    }

    /// The edited text and its differences from `text`, in character indexes of the edited
    /// text.
    pub(super) fn apply(&self, text: &str) -> (String, Vec<Shift>) {
        let extra: usize = self.inserts.iter().map(|(_, n)| n).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut inserted = Vec::with_capacity(self.inserts.len());
        let mut chars = 0;
        let mut last = 0;
        let copy = |out: &mut String, chars: &mut usize, piece: &str| {
            out.push_str(piece);
            *chars += piece.chars().count();
        };
        let mut inserts = self.inserts.iter().peekable();
        let mut removes = self.removes.iter().peekable();
        loop {
            let next_insert = inserts.peek().map(|(at, _)| *at);
            let next_blank = removes.peek().map(|r| r.start);
            let insert_first = match (next_insert, next_blank) {
                (None, None) => break,
                (Some(i), Some(b)) => i <= b,
                (i, _) => i.is_some(),
            };
            if insert_first {
                let (at, n) = *inserts.next().expect("peeked");
                copy(&mut out, &mut chars, &text[last..at]);
                last = at;
                inserted.push(Shift::Inserted { at: chars, len: n });
                out.extend(std::iter::repeat_n(' ', n));
                chars += n;
            } else {
                let range = removes.next().expect("peeked").clone();
                copy(&mut out, &mut chars, &text[last..range.start]);
                let len = text[range.clone()].chars().count();
                inserted.push(Shift::Removed { at: chars, len });
                last = range.end;
            }
        }
        out.push_str(&text[last..]);
        (out, inserted)
    }

    /// Spaces inserted at the start of the line that starts at `line_start`.
    fn inserted_at(&self, line_start: usize) -> usize {
        self.inserts
            .iter()
            .find(|(at, _)| *at == line_start)
            .map_or(0, |(_, n)| *n)
    }

    fn insert(&mut self, line_start: usize, n: usize) {
        if let Some((_, m)) = self.inserts.iter_mut().find(|(at, _)| *at == line_start) {
            *m += n;
        } else {
            self.inserts.push((line_start, n));
            self.inserts.sort_unstable();
        }
    }

    fn remove(&mut self, range: Range<usize>) {
        self.removes.push(range);
        self.removes.sort_unstable_by_key(|r| r.start);
    }
}

/// The edits that get past `failure`, added to `edits`; `None` when it is not one of the
/// differences above (or the repair does not apply).
pub(super) fn propose(text: &str, edits: &Edits, failure: &Failure) -> Option<Edits> {
    let mut next = edits.clone();
    let changed = match failure.message.as_str() {
        "invalid indentation in quoted scalar" => quoted(text, &mut next, failure.at),
        "wrongly indented line in block scalar" => block_comment(text, &mut next, failure.at),
        "simple key expect ':'" => block_header(text, &mut next, failure.at),
        // Raised only inside quoted scalars, at the tab.
        "tab cannot be used as indentation"
        | "invalid indentation in flow construct"
        | "invalid indentation" => flow_line(text, &mut next, failure.at),
        _ => false,
    };
    (changed && next != *edits).then_some(next)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The column (in characters, edits included) of byte `at`.
fn column(text: &str, edits: &Edits, at: usize) -> usize {
    let start = line_start(text, at);
    edits.inserted_at(start) + text[start..at].chars().count()
}

/// A document marker (`---`, `...`) at the start of the line at `start`.
fn is_document_marker(text: &str, start: usize) -> bool {
    let rest = &text.as_bytes()[start..];
    (rest.starts_with(b"---") || rest.starts_with(b"..."))
        && rest
            .get(3)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Difference 1: indents every continuation line of the quoted scalar starting at `at`
/// past its opening quote.
fn quoted(text: &str, edits: &mut Edits, at: usize) -> bool {
    let bytes = text.as_bytes();
    let Some(&quote) = bytes.get(at).filter(|b| matches!(b, b'"' | b'\'')) else {
        return false;
    };
    let want = column(text, edits, at) + 1;
    let mut changed = false;
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return changed,
            b'\n' => {
                let start = i + 1;
                let end = line_end(text, start);
                let line = &text[start..end];
                let blank_len = line.len() - line.trim_start_matches([' ', '\t']).len();
                let rest = line[blank_len..].trim_end_matches('\r');
                let has_tab = line[..blank_len].contains('\t');
                let col = edits.inserted_at(start) + blank_len;
                // libyaml rejects a document marker inside a quoted scalar too.
                if !is_document_marker(text, start) && (has_tab || (!rest.is_empty() && col < want))
                {
                    edits.insert(start, want);
                    changed = true;
                }
                i = start;
            }
            _ => i += 1,
        }
    }
    changed
}

/// Difference 2: removes the comment line at `at` with the comment and empty lines after
/// it (where libyaml has ended the scalar), when libyaml goes on from there: the next other
/// line is less indented than the comment (it ends the enclosing block), or there is none.
fn block_comment(text: &str, edits: &mut Edits, at: usize) -> bool {
    if text.as_bytes().get(at) != Some(&b'#') {
        return false;
    }
    let comment_col = column(text, edits, at);
    let mut next = line_end(text, at) + 1;
    while next < text.len() {
        let end = line_end(text, next);
        let line = &text[next..end];
        let code = line.trim_start_matches(' ');
        if !code.starts_with('#') && !code.trim().is_empty() {
            if column(text, edits, next + (line.len() - code.len())) >= comment_col {
                return false;
            }
            break;
        }
        next = end + 1;
    }
    edits.remove(line_start(text, at)..next.min(text.len()));
    true
}

/// Is `line` (without its break) a block scalar header alone: `|`, `>-`, `|2+`, with an
/// optional comment?
fn is_lone_header(line: &str) -> bool {
    let t = line.trim();
    let Some(rest) = t.strip_prefix(['|', '>']) else {
        return false;
    };
    let indicators = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '+' || c == '-'))
        .unwrap_or(rest.len());
    let (ind, tail) = rest.split_at(indicators);
    ind.len() <= 2
        && (tail.is_empty() || (tail.trim_start().starts_with('#') && tail != tail.trim_start()))
}

/// Where the node of a line that ends before its value starts: the key's column for
/// `key:` or `key: !Tag`, the entry's for `-` or `- !Tag` (after any `- ` before them).
fn bare_key_column(line: &str) -> Option<usize> {
    let code = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
    .trim_end();
    let mut col = 0;
    let mut dash = None;
    let mut rest = code;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        col += rest.len() - trimmed.len();
        rest = trimmed;
        if rest == "-" || rest.starts_with("- ") {
            dash = Some(col);
            col += 1;
            rest = &rest[1..];
        } else {
            break;
        }
    }
    let lone_tag = |s: &str| s.starts_with('!') && !s.contains(' ');
    if rest.is_empty() || lone_tag(rest) {
        return dash;
    }
    let key_part = match rest.rfind(": ") {
        Some(i) if lone_tag(&rest[i + 2..]) => &rest[..=i],
        _ => rest,
    };
    (key_part.ends_with(':') && key_part.len() > 1).then_some(col)
}

/// Difference 3: the nearest lone header line before `at` that sits at its key's column is
/// indented by one space.
fn block_header(text: &str, edits: &mut Edits, at: usize) -> bool {
    // Lines before the one holding `at`, nearest first: (line start, line).
    let mut lines = Vec::new();
    let mut end = line_start(text, at.min(text.len()));
    while end > 0 {
        let start = line_start(text, end - 1);
        lines.push((start, text[start..end - 1].trim_end_matches('\r')));
        end = start;
    }
    for (n, &(start, line)) in lines.iter().enumerate() {
        if !is_lone_header(line) {
            continue;
        }
        let header_col = edits.inserted_at(start) + (line.len() - line.trim_start().len());
        // Its key: the nearest earlier line that is neither empty nor a comment.
        let key = lines[n + 1..]
            .iter()
            .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let key_col = key.and_then(|&(key_start, key_line)| {
            bare_key_column(key_line).map(|c| c + edits.inserted_at(key_start))
        });
        if key_col == Some(header_col) {
            edits.insert(start, 1);
            return true;
        }
    }
    false
}

/// Difference 4 (and a tab leading a quoted scalar's continuation line, difference 1):
/// indents the line holding `at` past every earlier line's length (the enclosing block's
/// indentation is at most the column of the collection's opening bracket, or of the
/// opening quote, on an earlier line).
fn flow_line(text: &str, edits: &mut Edits, at: usize) -> bool {
    let start = line_start(text, at.min(text.len()));
    if start == 0 || is_document_marker(text, start) {
        return false;
    }
    let widest = text[..start]
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let col = column(text, edits, at);
    if col > widest {
        return false;
    }
    edits.insert(start, widest + 1 - col);
    true
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use crate::syntax::tree::{Node, Value};

    /// Parses `text`, which must give no error, and returns the root.
    fn ok(text: &str) -> Node {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{text:?}: {:?}", parsed.errors);
        parsed.tree.expect("a tree")
    }

    fn get<'n>(node: &'n Node, path: &[&str]) -> &'n Node {
        path.iter().fold(node, |n, key| n.get(key).expect(key))
    }

    fn string(node: &Node) -> &str {
        match &node.value {
            Value::String(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn quoted_scalar_continued_at_its_keys_column() {
        // The continuation line sits under the key, in a mapping indented deeper than its
        // parent: libyaml reads it, the spec does not.
        let text = "Resources:\n  Pool:\n    Properties:\n      Config:\n                Subject: !Sub \"Hello from\n                (${AWS::Region})\"\n                Next: 1\n";
        let root = ok(text);
        let config = get(&root, &["Resources", "Pool", "Properties", "Config"]);
        let sub = config.get("Subject").unwrap().get("Fn::Sub").unwrap();
        assert_eq!(string(sub), "Hello from (${AWS::Region})");
        // Spans are in the original text.
        assert_eq!(
            &text[sub.span.clone()],
            "\"Hello from\n                (${AWS::Region})\""
        );
        let next = config.entry("Next").unwrap();
        assert_eq!(&text[next.key_span.clone()], "Next");
        assert_eq!(&text[next.value.span.clone()], "1");
    }

    #[test]
    fn quoted_scalars_continued_below_their_parent_single_and_double() {
        let text = "a:\n  b: 'one\nx''y'\n  c: \"two\n\tthree\"\n  d: [p,\nq]\n";
        let root = ok(text);
        assert_eq!(string(get(&root, &["a", "b"])), "one x'y");
        assert_eq!(string(get(&root, &["a", "c"])), "two three");
        let d = get(&root, &["a", "d"]).as_seq().unwrap();
        assert_eq!(&text[d[1].span.clone()], "q");
    }

    #[test]
    fn a_document_marker_in_a_quoted_scalar_stays_an_error() {
        // libyaml rejects it too.
        let parsed = parse("a:\n  b: \"one\n---\n  two\"\n");
        assert!(!parsed.errors.is_empty());
    }

    #[test]
    fn block_scalar_whose_leading_empty_line_is_indented_past_a_comment() {
        // The empty line's spaces make the scalar's indentation 12; the comment at 10 ends it
        // (libyaml), where the spec calls the comment's line an error.
        let text = "Props:\n  UserData: |\n            \n          # filled in later\n  Next: x\n";
        let root = ok(text);
        assert_eq!(string(get(&root, &["Props", "UserData"])), "");
        let next = get(&root, &["Props"]).entry("Next").unwrap();
        assert_eq!(&text[next.key_span.clone()], "Next");
        assert_eq!(&text[next.value.span.clone()], "x");
    }

    #[test]
    fn a_content_line_after_the_comment_stays_an_error() {
        // libyaml rejects it: the line after the scalar's end is not a key.
        let parsed = parse("Props:\n  UserData: |\n            \n          # c\n          echo\n");
        assert!(!parsed.errors.is_empty());
    }

    #[test]
    fn block_scalar_header_under_its_key() {
        let text =
            "a:\n  Description:\n  >\n    folded\n    text\n  Items:\n  - !Sub\n  |\n    line\n";
        let root = ok(text);
        assert_eq!(string(get(&root, &["a", "Description"])), "folded text\n");
        let items = get(&root, &["a", "Items"]).as_seq().unwrap();
        assert_eq!(string(items[0].get("Fn::Sub").unwrap()), "line\n");
        let description = get(&root, &["a", "Description"]);
        assert_eq!(&text[description.span.clone()], ">\n    folded\n    text");
    }

    #[test]
    fn a_header_left_of_its_key_stays_an_error() {
        let parsed = parse("a:\n  b:\n |\n    text\n");
        assert!(!parsed.errors.is_empty());
    }

    #[test]
    fn several_repairs_in_one_document_and_multibyte_text() {
        let text = "a:\n  é: \"ü\nv\"\n  b: \"w\nx\"\n  c: [1,\n2]\n  d: ok\n";
        let root = ok(text);
        assert_eq!(string(get(&root, &["a", "é"])), "ü v");
        assert_eq!(string(get(&root, &["a", "b"])), "w x");
        let d = get(&root, &["a"]).entry("d").unwrap();
        assert_eq!(&text[d.key_span.clone()], "d");
        assert_eq!(&text[d.value.span.clone()], "ok");
    }

    #[test]
    fn an_error_libyaml_also_reports_keeps_its_place() {
        // Repairs run only where saphyr stops on a lenient libyaml rule; a real error after
        // one is reported at its own position.
        let text = "a:\n  b: \"w\nx\"\n  c: [1, 2]]\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(&text[parsed.errors[0].range.clone()], "]");
        let root = parsed.tree.expect("a partial tree");
        assert_eq!(string(get(&root, &["a", "b"])), "w x");
    }
}
