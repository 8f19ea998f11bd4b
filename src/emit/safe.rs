//! Output that cannot inject. vpclint runs in CI on pull requests from strangers: a file
//! name, a resource name or a value is attacker-controlled, and printed raw it could move
//! the terminal (ANSI and OSC escapes), reorder what a reader sees (bidirectional
//! controls), start a new line of its own, or be read by the CI runner as a workflow command
//! (`::set-env …`, `##[…]`).
//!
//! The line-oriented formats (text, concise, github) render a [`report`] copy in which every
//! string taken from the input is neutralised ([`data`]) and the sources' control
//! characters are replaced in place ([`source`]: same length, so every span still points
//! where it did); then [`guard_lines`] breaks any line that would still start like a
//! workflow command and is not one of the emitter's own. JSON, SARIF and the LSP format
//! escape control characters by JSON's rules.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::check::Report;
use crate::source::{SourceFile, SourceMap};

/// Characters that change how text is displayed or read rather than being text: C0 and C1
/// controls and DEL, and Unicode's bidirectional embedding, override and isolate controls.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

/// A string from the input, printable on one line: every unsafe character (newlines and
/// tabs too) written as a visible `\u{…}` escape.
#[must_use]
pub fn data(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path from the input, printable on one line, and never read as a workflow command when
/// a line starts with it.
#[must_use]
pub fn path(p: &Path) -> PathBuf {
    let text = p.to_string_lossy();
    let mut out = data(&text).into_owned();
    if looks_like_command(&out) {
        out.insert_str(0, "./");
    }
    PathBuf::from(out)
}

/// A file's text for code frames: unsafe characters replaced by characters of the same
/// length in UTF-8 (`?`, `¿`, `�`), so that spans keep their offsets; line ends and tabs
/// kept.
#[must_use]
pub fn source(text: &str) -> Cow<'_, str> {
    let unsafe_in_frame = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(unsafe_in_frame) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if !unsafe_in_frame(c) {
                    return c;
                }
                match c.len_utf8() {
                    1 => '?',
                    2 => '¿',
                    _ => '\u{FFFD}',
                }
            })
            .collect(),
    )
}

/// JSON text with the bidirectional controls inside its strings written as `\uXXXX`
/// escapes (JSON escapes the C0 controls itself; these it prints as they are, and a
/// terminal showing the JSON would reorder the text around them).
#[must_use]
pub fn json(text: String) -> String {
    if !text.chars().any(is_bidi) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_bidi(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A writer that passes JSON through [`json`] as it is written (the streamed `--format
/// json`): a bidirectional control is three bytes of UTF-8 that may be split across writes.
pub struct JsonWriter<'a> {
    inner: &'a mut dyn std::io::Write,
    pending: Vec<u8>,
}

impl<'a> JsonWriter<'a> {
    pub fn new(inner: &'a mut dyn std::io::Write) -> Self {
        JsonWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes what is held back (at most an incomplete character).
    ///
    /// # Errors
    /// When the inner writer fails.
    pub fn finish(mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.inner.write_all(&rest)
    }
}

impl std::io::Write for JsonWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // Everything up to the last character boundary can go out.
        // (serde_json writes valid UTF-8: only an incomplete last character waits).
        let cut = match std::str::from_utf8(&self.pending) {
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            _ => self.pending.len(),
        };
        let head: Vec<u8> = self.pending.drain(..cut).collect();
        match String::from_utf8(head) {
            Ok(text) => self.inner.write_all(json(text).as_bytes())?,
            Err(e) => self.inner.write_all(e.as_bytes())?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Whether a line would be read as a workflow command by a CI runner (GitHub Actions, and
/// Azure Pipelines' `##vso[`), whatever the whitespace before it.
fn looks_like_command(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("::") || t.starts_with("##[") || t.starts_with("##vso[")
}

/// Breaks every line that would be read as a workflow command and that `own` does not
/// claim as the emitter's, with a zero-width space in front (not whitespace to a runner).
#[must_use]
pub fn guard_lines(text: String, own: impl Fn(&str) -> bool) -> String {
    if !text.lines().any(|l| looks_like_command(l) && !own(l)) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        if looks_like_command(line) && !own(line) {
            out.push('\u{200B}');
        }
        out.push_str(line);
    }
    out
}

/// The report with everything taken from the input neutralised; `None` when it has nothing
/// to neutralise (the common case: no copy).
#[must_use]
pub fn report(report: &Report) -> Option<Report> {
    if is_clean(report) {
        return None;
    }
    let mut sources = SourceMap::default();
    for (_, f) in report.sources.iter() {
        sources.add(SourceFile::new(path(&f.path), source(&f.text).into_owned()));
    }
    let clean = |s: &mut String| {
        if let Cow::Owned(c) = data(s) {
            *s = c;
        }
    };
    let mut out = Report {
        sources,
        diagnostics: report.diagnostics.clone(),
        errors: report.errors.clone(),
        unchecked: report.unchecked.clone(),
        summary: report.summary,
        baseline: report.baseline.clone(),
        notices: report.notices.clone(),
    };
    for d in &mut out.diagnostics {
        clean(&mut d.message);
        clean(&mut d.resource);
        clean(&mut d.help);
        d.path.iter_mut().for_each(clean);
        d.assumptions.iter_mut().for_each(clean);
        for r in &mut d.related {
            clean(&mut r.resource);
            clean(&mut r.message);
        }
    }
    for e in &mut out.errors {
        e.path = path(&e.path);
        clean(&mut e.message);
    }
    for u in &mut out.unchecked {
        clean(&mut u.resource);
        clean(&mut u.reason);
        clean(&mut u.cause);
    }
    for n in &mut out.notices {
        n.path = path(&n.path);
        clean(&mut n.message);
        n.sites.iter_mut().for_each(|(name, _)| clean(name));
    }
    Some(out)
}

/// Runs `f` over the report, neutralised when it needs to be.
pub fn with<T>(report: &Report, f: impl FnOnce(&Report) -> T) -> T {
    match self::report(report) {
        Some(clean) => f(&clean),
        None => f(report),
    }
}

/// Nothing to neutralise (the common case: no copy).
fn is_clean(report: &Report) -> bool {
    let clean = |s: &str| !s.chars().any(is_unsafe);
    let clean_path = |p: &Path| {
        let t = p.to_string_lossy();
        clean(&t) && !looks_like_command(&t)
    };
    report.sources.iter().all(|(_, f)| {
        clean_path(&f.path)
            && !f
                .text
                .chars()
                .any(|c| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t'))
    }) && report.diagnostics.iter().all(|d| {
        clean(&d.message)
            && clean(&d.resource)
            && clean(&d.help)
            && d.path.iter().all(|p| clean(p))
            && d.assumptions.iter().all(|a| clean(a))
            && d.related
                .iter()
                .all(|r| clean(&r.resource) && clean(&r.message))
    }) && report
        .errors
        .iter()
        .all(|e| clean_path(&e.path) && clean(&e.message))
        && report
            .unchecked
            .iter()
            .all(|u| clean(&u.resource) && clean(&u.reason) && clean(&u.cause))
        && report.notices.iter().all(|n| {
            clean_path(&n.path) && clean(&n.message) && n.sites.iter().all(|(name, _)| clean(name))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_controls_visibly() {
        assert_eq!(data("plain"), "plain");
        assert_eq!(data("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        assert_eq!(data("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn json_escapes_bidirectional_controls_even_split_across_writes() {
        use std::io::Write as _;
        let text = "{\"a\": \"x\u{202e}y\"}".to_owned();
        assert_eq!(json(text.clone()), "{\"a\": \"x\\u202ey\"}");
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        for chunk in text.as_bytes().chunks(1) {
            w.write_all(chunk).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), json(text));
    }

    #[test]
    fn sources_keep_their_length() {
        let text = "a\u{1b}b\u{85}c\u{202e}d\r\n\te";
        assert_eq!(source(text).len(), text.len());
        assert_eq!(source(text), "a?b¿c\u{FFFD}d\r\n\te");
    }

    #[test]
    fn command_lines_are_broken_unless_the_emitters_own() {
        let out = guard_lines(
            "::error::ours\n  ::set-env name=x::y\nok\n##[cmd]x\n".to_owned(),
            |l| l == "::error::ours\n",
        );
        assert_eq!(
            out,
            "::error::ours\n\u{200B}  ::set-env name=x::y\nok\n\u{200B}##[cmd]x\n"
        );
        assert_eq!(
            path(Path::new("::error x::a.tf")),
            PathBuf::from("./::error x::a.tf")
        );
    }
}
