//! The lexical structure of HCL and YAML text without a full parse: small scanners that know
//! where a comment cannot start (inside strings, heredocs, block scalars). Suppression
//! comments are found with them, and the HCL scanner's brackets and line ends are what the
//! Terraform parser's error recovery splits a file on: one scanner, so the two never
//! disagree about what is a comment.
//!
//! - HCL: `#` and `//` to the end of the line, `/* … */`; skips quoted strings (with `${…}`
//!   and `%{…}` templates, which may nest strings) and heredocs (`<<EOF`, `<<-EOF`).
//! - YAML: `#` at the start of a line or after whitespace; skips quoted scalars that start
//!   where a scalar can start, and the lines of block scalars (`|`, `>`).
//!
//! Approximations, on purpose: a YAML quoted scalar that spans lines is not followed onto
//! the next line, and in HCL an unterminated string ends at its line. Both only matter for
//! text that contains `vpclint:ignore` inside a string, which is then not taken for a
//! comment on the next line.

use std::ops::Range;

/// One comment: the whole comment (opener included) and its body (the text after `#` or
/// `//`, or between `/*` and `*/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: Range<usize>,
    pub body: Range<usize>,
}

/// What the HCL scanner meets outside strings, heredocs and comments, at the top level
/// (not inside a template interpolation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HclToken {
    Comment(Comment),
    /// `{`, `[` or `(` at this offset.
    Open(usize),
    /// `}`, `]` or `)` at this offset.
    Close(usize),
    /// A line end at this offset.
    Newline(usize),
}

/// Every comment of an HCL text, in order.
#[must_use]
pub fn hcl(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    hcl_tokens(text, &mut |t| {
        if let HclToken::Comment(c) = t {
            out.push(c);
        }
    });
    out
}

/// Where the HCL scanner is: code (with the depth of braces opened inside a template
/// interpolation) or a quoted string.
#[derive(Clone, Copy)]
enum Mode {
    Code { braces: usize },
    Str,
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |n| from + n)
}

/// Scans an HCL text, giving each [`HclToken`] to `token` in order.
pub fn hcl_tokens(text: &str, token: &mut dyn FnMut(HclToken)) {
    let bytes = text.as_bytes();
    // Invariant: the bottom of the stack is top-level code; a `Code` above a `Str` is a
    // template interpolation.
    let mut stack = vec![Mode::Code { braces: 0 }];
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let top = *stack.last().expect("the stack is never empty");
        match top {
            Mode::Str => match rest[0] {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if rest.get(1) == Some(&b'{') => {
                    stack.push(Mode::Code { braces: 0 });
                    i += 1;
                }
                _ => {}
            },
            Mode::Code { braces } => {
                if rest[0] == b'#' || rest.starts_with(b"//") {
                    let opener = if rest[0] == b'#' { 1 } else { 2 };
                    let end = line_end(text, i);
                    token(HclToken::Comment(Comment {
                        range: i..end,
                        body: i + opener..end,
                    }));
                    i = end;
                    continue;
                }
                if rest.starts_with(b"/*") {
                    let close = text[i + 2..].find("*/").map(|n| i + 2 + n);
                    let end = close.map_or(text.len(), |c| c + 2);
                    token(HclToken::Comment(Comment {
                        range: i..end,
                        body: i + 2..close.unwrap_or(text.len()),
                    }));
                    i = end;
                    continue;
                }
                if let Some(after) = heredoc_end(text, i) {
                    i = after;
                    continue;
                }
                let top_level = stack.len() == 1;
                match rest[0] {
                    b'"' => stack.push(Mode::Str),
                    b'{' => {
                        *stack.last_mut().expect("non-empty") = Mode::Code { braces: braces + 1 };
                        if top_level {
                            token(HclToken::Open(i));
                        }
                    }
                    b'}' if braces > 0 => {
                        *stack.last_mut().expect("non-empty") = Mode::Code { braces: braces - 1 };
                        if top_level {
                            token(HclToken::Close(i));
                        }
                    }
                    // The end of a template interpolation.
                    b'}' if !top_level => {
                        stack.pop();
                    }
                    b'}' | b']' | b')' if top_level => token(HclToken::Close(i)),
                    b'[' | b'(' if top_level => token(HclToken::Open(i)),
                    b'\n' if top_level => token(HclToken::Newline(i)),
                    _ => {}
                }
            }
        }
        i += 1;
    }
}

/// At `<<TAG` or `<<-TAG` followed by a newline: the offset after the heredoc's closing line.
fn heredoc_end(text: &str, at: usize) -> Option<usize> {
    // `at` is any byte of the scan, possibly inside a multi-byte character: test bytes
    // first; after the two ASCII `<` the slice is on a character boundary.
    if !text.as_bytes()[at..].starts_with(b"<<") {
        return None;
    }
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let tag_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let tag = &rest[..tag_len];
    let after_tag = rest[tag_len..].trim_start_matches([' ', '\t', '\r']);
    if tag.is_empty() || !after_tag.starts_with('\n') {
        return None;
    }
    let mut pos = text.len() - after_tag.len() + 1;
    while pos < text.len() {
        let end = line_end(text, pos);
        if text[pos..end].trim() == tag {
            return Some(end);
        }
        pos = end + 1;
    }
    Some(text.len())
}

/// Every comment of a YAML text, in order.
#[must_use]
pub fn yaml(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    // The indentation of the line that opened a block scalar: deeper lines are its content.
    let mut block_parent: Option<usize> = None;
    let mut start = 0;
    while start < text.len() {
        let end = line_end(text, start);
        let line = &text[start..end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        match block_parent {
            Some(parent) if blank || indent > parent => {
                start = end + 1;
                continue;
            }
            _ => block_parent = None,
        }
        let comment = yaml_comment(line);
        if let Some(at) = comment {
            out.push(Comment {
                range: start + at..end,
                body: start + at + 1..end,
            });
        }
        let content = line[..comment.unwrap_or(line.len())].trim_end();
        if opens_block_scalar(content) {
            block_parent = Some(indent);
        }
        start = end + 1;
    }
    out
}

/// The offset of the line's comment, if any.
fn yaml_comment(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    // The last non-space character before this one (for where a quoted scalar may start).
    let mut last_token: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                // `''` inside a single-quoted scalar is an escaped quote.
                if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                let starts_scalar =
                    last_token.is_none_or(|t| matches!(t, ':' | '-' | '[' | '{' | ',' | '?'));
                if (c == '"' || c == '\'') && starts_scalar {
                    quote = Some(c);
                } else if c == '#' && prev.is_none_or(char::is_whitespace) {
                    return Some(i);
                }
            }
        }
        if !c.is_whitespace() {
            last_token = Some(c);
        }
        prev = Some(c);
    }
    None
}

/// Whether the line (without its comment) ends with a block scalar indicator: `key: |`,
/// `- >-`, `key: |2+`.
fn opens_block_scalar(content: &str) -> bool {
    let trimmed = content.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    let Some(before) = trimmed
        .strip_suffix('|')
        .or_else(|| trimmed.strip_suffix('>'))
    else {
        return false;
    };
    let before = before.trim_end();
    before.is_empty() || before.ends_with(':') || before.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str, scan: fn(&str) -> Vec<Comment>) -> Vec<&str> {
        scan(text)
            .into_iter()
            .map(|c| text[c.body].trim())
            .collect()
    }

    #[test]
    fn hcl_comments_outside_strings_and_heredocs() {
        let text = r#"# one
a = "not # a comment ${ "nested // no" } still"  // two
/* three */ b = 1
c = <<-EOF
  # not a comment
  EOF
d = "${ {x = 1} }" # four
"#;
        assert_eq!(bodies(text, hcl), ["one", "two", "three", "four"]);
    }

    #[test]
    fn yaml_comments_outside_quotes_and_block_scalars() {
        let text = "# one\nA: 'it''s # no' # two\nB: don't#no\nC: |\n  # not\n  text\nD: x # three\nE: \"a\\\" # no\" # four\n";
        assert_eq!(bodies(text, yaml), ["one", "two", "three", "four"]);
    }

    #[test]
    fn multi_byte_characters_in_code_do_not_break_the_scan() {
        // Found by fuzzing (fuzz/regressions/check-multibyte-in-code): the heredoc test ran
        // at every byte, inside a two-byte character too.
        let text = "# vpclint:ignore[VPC001] reason\nresource \"aws_vpc\" \u{61e}pp {\n  a = <<EOT\nx\nEOT\n}\n";
        let comments = super::hcl(text);
        assert_eq!(comments.len(), 1);
    }
}
