//! Between vpclint and the protocol: byte offsets ↔ LSP positions in the negotiated encoding,
//! and a [`Report`] → `Diagnostic[]` per file.
//!
//! The diagnostics come from the `--format lsp` emitter (`emit::lsp`), parsed back into
//! `lsp_types`, so `vpclint lsp` and `vpclint check --format lsp` say exactly the same thing
//! (message, help, path, codes, links, related locations). That emitter counts characters in
//! UTF-16 code units; when the client negotiated another encoding, the ranges are re-encoded
//! here from the file's text.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::{Diagnostic, Position, PositionEncodingKind, Range, Url};

use crate::check::Report;
use crate::emit::{self, EmitOptions};
use crate::source::{FileId, LineCol, SourceFile};

/// What `Position.character` counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// The protocol's default, and the one every client supports.
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The first encoding the client offers that vpclint supports (clients list them in order
    /// of preference); UTF-16 when it offers none.
    #[must_use]
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|kind| match kind.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or_default()
    }

    #[must_use]
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The byte offset of an LSP position. A character past the end of its line clamps to the
/// line's end (before its newline), a line past the end to the end of the text, and a
/// position inside a character to that character's start.
#[must_use]
pub fn offset(file: &SourceFile, position: Position, encoding: Encoding) -> usize {
    // A line past the last one starts at the end of the text.
    let start = file.offset(LineCol {
        line: position.line.saturating_add(1),
        column: 1,
    });
    let line = &file.text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut units = 0;
    for (i, c) in line.char_indices() {
        units += encoding.units(c);
        if units > position.character as usize {
            return start + i;
        }
    }
    start + line.len()
}

/// The LSP position of a byte offset (clamped to the text and to a character boundary).
#[must_use]
pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    if encoding == Encoding::Utf16 {
        // One definition of UTF-16 positions in the crate: the emitter's.
        let p = emit::lsp::position(file, offset);
        return Position::new(p.line, p.character);
    }
    let at = file.line_col(offset);
    let start = file.offset(LineCol {
        line: at.line,
        column: 1,
    });
    let end = file.offset(at);
    let character = match encoding {
        Encoding::Utf8 => end - start,
        Encoding::Utf16 | Encoding::Utf32 => file.text[start..end].chars().count(),
    };
    Position::new(at.line - 1, u32::try_from(character).unwrap_or(u32::MAX))
}

/// A byte range as an LSP range.
#[must_use]
pub fn range(file: &SourceFile, bytes: std::ops::Range<usize>, encoding: Encoding) -> Range {
    Range::new(
        position(file, bytes.start, encoding),
        position(file, bytes.end, encoding),
    )
}

/// Every checked file's diagnostics (rule findings and file errors), keyed by path; files
/// with nothing to show map to an empty list.
///
/// `docs_url` is the rules page each `codeDescription.href` points into. `only`, when
/// given, limits the files listed with nothing to show (the report should hold only their
/// findings: see `Report::retain_files`).
#[must_use]
pub fn diagnostics_by_file(
    report: &Report,
    encoding: Encoding,
    docs_url: &str,
    only: Option<&HashSet<FileId>>,
) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let options = EmitOptions {
        cwd: std::env::current_dir().ok(),
        docs_url: Some(docs_url.to_owned()),
        ..EmitOptions::default()
    };
    let json = emit::lsp::render_files(report, &options, |id| {
        only.is_none_or(|only| only.contains(&id))
    });
    let by_uri: BTreeMap<String, Vec<Diagnostic>> = match serde_json::from_str(&json) {
        Ok(parsed) => parsed,
        Err(err) => {
            eprintln!("vpclint lsp: cannot read the lsp emitter's output: {err}");
            return BTreeMap::new();
        }
    };
    let files: HashMap<&Path, &SourceFile> = if encoding == Encoding::Utf16 {
        HashMap::new()
    } else {
        report
            .sources
            .iter()
            .map(|(_, f)| (f.path.as_path(), f))
            .collect()
    };
    let mut out = BTreeMap::new();
    for (uri, mut diagnostics) in by_uri {
        let Some(path) = uri_path(&uri) else {
            eprintln!("vpclint lsp: not a file URI in the diagnostics: {uri}");
            continue;
        };
        if encoding != Encoding::Utf16 {
            for d in &mut diagnostics {
                if let Some(file) = files.get(path.as_path()) {
                    d.range = reencode(file, d.range, encoding);
                }
                for related in d.related_information.iter_mut().flatten() {
                    let file = related
                        .location
                        .uri
                        .to_file_path()
                        .ok()
                        .and_then(|p| files.get(p.as_path()).copied());
                    if let Some(file) = file {
                        related.location.range = reencode(file, related.location.range, encoding);
                    }
                }
            }
        }
        out.insert(path, diagnostics);
    }
    out
}

fn uri_path(uri: &str) -> Option<PathBuf> {
    Url::parse(uri).ok()?.to_file_path().ok()
}

/// A range counted in UTF-16 code units, counted in `encoding` instead.
fn reencode(file: &SourceFile, r: Range, encoding: Encoding) -> Range {
    let at = |p: Position| position(file, offset(file, p, Encoding::Utf16), encoding);
    Range::new(at(r.start), at(r.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.tf".into(), text.into())
    }

    #[test]
    fn positions_count_the_negotiated_units() {
        // 'é' is 2 bytes, 1 UTF-16 unit; '😀' is 4 bytes, 2 UTF-16 units, 1 code point.
        let text = "x\n# é😀 y = 1\nlast";
        let f = file(text);
        let y = text.find('y').unwrap();
        assert_eq!(position(&f, y, Encoding::Utf16), Position::new(1, 6));
        assert_eq!(position(&f, y, Encoding::Utf8), Position::new(1, 9));
        assert_eq!(position(&f, y, Encoding::Utf32), Position::new(1, 5));
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = position(&f, y, encoding);
            assert_eq!(offset(&f, p, encoding), y, "{encoding:?}");
        }
        // The last line has no newline.
        let last = text.find("last").unwrap();
        assert_eq!(position(&f, last + 2, Encoding::Utf8), Position::new(2, 2));
        assert_eq!(offset(&f, Position::new(2, 2), Encoding::Utf16), last + 2);
    }

    #[test]
    fn offsets_clamp_malformed_positions() {
        let text = "ab\n😀c\n";
        let f = file(text);
        // Past the end of a line: the line's end, not the next line.
        assert_eq!(offset(&f, Position::new(0, 99), Encoding::Utf16), 2);
        // Inside the surrogate pair: the character's start.
        assert_eq!(offset(&f, Position::new(1, 1), Encoding::Utf16), 3);
        // Past the last line: the end of the text.
        assert_eq!(offset(&f, Position::new(2, 0), Encoding::Utf16), text.len());
        assert_eq!(offset(&f, Position::new(99, 0), Encoding::Utf8), text.len());
    }

    #[test]
    fn negotiation_takes_the_first_supported_encoding() {
        let offered = [
            PositionEncodingKind::new("utf-7"),
            PositionEncodingKind::UTF8,
            PositionEncodingKind::UTF16,
        ];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&offered[..1])), Encoding::Utf16);
    }
}
