//! The report as LSP `Diagnostic`s: the one conversion both `vpclint lsp` (which publishes
//! them) and `--format lsp` (which prints them, for editors that run a command on save and
//! publish the result: efm-langserver, nvim-lint, VS Code tasks) use.
//!
//! `--format lsp` prints one JSON object mapping each checked file's URI
//! (`file:///abs/path`) to its `Diagnostic[]`; every checked file appears, with `[]` when it
//! has nothing, so a client can clear what it showed before. Ranges are 0-based; `character`
//! counts the negotiated units (UTF-16 code units for `--format lsp`, the protocol's
//! default); severities are 1 (error), 2 (warning), 3 (information).

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Url,
};

use super::{error_code, file_uri, normalize, rule_url, EmitOptions};
use crate::check::Report;
use crate::diagnostic::Severity;
use crate::source::{FileId, LineCol, SourceFile, Span};

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
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The LSP position of a byte offset (clamped to the text and to a character boundary).
#[must_use]
pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let at = file.line_col(u32::try_from(offset).unwrap_or(u32::MAX));
    let line_start = file.offset(LineCol {
        line: at.line,
        column: 1,
    });
    let mut end = offset.min(file.text.len()).max(line_start);
    while !file.text.is_char_boundary(end) {
        end -= 1;
    }
    let units: usize = file.text[line_start..end]
        .chars()
        .map(|c| encoding.units(c))
        .sum();
    Position::new(at.line - 1, u32::try_from(units).unwrap_or(u32::MAX))
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

/// A byte range as an LSP range.
#[must_use]
pub fn range(file: &SourceFile, bytes: std::ops::Range<usize>, encoding: Encoding) -> Range {
    Range::new(
        position(file, bytes.start, encoding),
        position(file, bytes.end, encoding),
    )
}

fn span_range(report: &Report, span: Span, encoding: Encoding) -> Range {
    range(
        report.sources.get(span.file),
        span.start as usize..span.end as usize,
        encoding,
    )
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The file URI of a path as the report has it: absolute, or against the working
/// directory (against `/` when none is known).
#[must_use]
pub fn uri(path: &Path, options: &EmitOptions) -> Url {
    let absolute = if path.has_root() {
        normalize(path)
    } else {
        normalize(&options.cwd.as_deref().unwrap_or(Path::new("/")).join(path))
    };
    Url::parse(&file_uri(&absolute)).expect("file_uri makes URLs")
}

/// A point range (a file that could not be read has no text to count units in).
fn at(line: u32, column: u32) -> Range {
    let p = Position::new(line.saturating_sub(1), column.saturating_sub(1));
    Range::new(p, p)
}

/// Each file's diagnostics: rule findings, file errors and stale baseline entries, in
/// `encoding`. Every file `listed` accepts appears, with nothing when it has nothing.
#[must_use]
pub fn diagnostics(
    report: &Report,
    options: &EmitOptions,
    encoding: Encoding,
    listed: impl Fn(FileId) -> bool,
) -> BTreeMap<Url, Vec<Diagnostic>> {
    let mut files: BTreeMap<Url, Vec<Diagnostic>> = BTreeMap::new();
    for (id, file) in report.sources.iter() {
        if listed(id) {
            files.entry(uri(&file.path, options)).or_default();
        }
    }
    let diagnostic = |range: Range,
                      severity: DiagnosticSeverity,
                      code: String,
                      message: String,
                      related: Vec<DiagnosticRelatedInformation>| Diagnostic {
        range,
        severity: Some(severity),
        code_description: rule_url(options, &code)
            .and_then(|href| Url::parse(&href).ok())
            .map(|href| CodeDescription { href }),
        code: Some(NumberOrString::String(code)),
        source: Some("vpclint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    };
    for d in &report.diagnostics {
        let file_uri = uri(&report.sources.get(d.span.file).path, options);
        let mut message = d.message.clone();
        if !d.help.is_empty() {
            message.push('\n');
            message.push_str(&d.help);
        }
        if d.path.len() > 1 {
            message.push_str("\npath: ");
            message.push_str(&d.path.join(" → "));
        }
        let here = span_range(report, d.span, encoding);
        let related = d
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation {
                location: Location::new(
                    uri(&report.sources.get(r.span.file).path, options),
                    span_range(report, r.span, encoding),
                ),
                message: format!("{}: {}", r.resource, r.message),
            })
            // What the finding assumes, at the finding itself.
            .chain(d.assumptions.iter().map(|a| DiagnosticRelatedInformation {
                location: Location::new(file_uri.clone(), here),
                message: format!("assumes: {a}"),
            }))
            .collect();
        files.entry(file_uri).or_default().push(diagnostic(
            here,
            severity(d.severity),
            d.rule.to_owned(),
            message,
            related,
        ));
    }
    for e in &report.errors {
        let range = match e.span {
            Some(span) => span_range(report, span, encoding),
            None => at(e.location.line, e.location.column),
        };
        let mut d = diagnostic(
            range,
            DiagnosticSeverity::ERROR,
            error_code(e).to_owned(),
            e.message.clone(),
            Vec::new(),
        );
        d.code_description = None;
        files.entry(uri(&e.path, options)).or_default().push(d);
    }
    // Notices about places in files (registry modules not supplied), as information at
    // their first place; the others have no place to be shown at.
    for n in &report.notices {
        let Some(span) = n.span else {
            continue;
        };
        let mut d = diagnostic(
            span_range(report, span, encoding),
            DiagnosticSeverity::INFORMATION,
            n.code.to_owned(),
            n.message.clone(),
            Vec::new(),
        );
        d.code_description = None;
        files
            .entry(uri(&report.sources.get(span.file).path, options))
            .or_default()
            .push(d);
    }
    // Baseline entries that no longer occur, on their lines of the baseline file.
    for (file, line, message) in super::stale_entries(report) {
        let mut d = diagnostic(
            at(line, 1),
            DiagnosticSeverity::INFORMATION,
            super::BASELINE_STALE.to_owned(),
            message,
            Vec::new(),
        );
        d.code_description = None;
        files
            .entry(uri(Path::new(&file), options))
            .or_default()
            .push(d);
    }
    files
}

/// Renders the report as `{ "<uri>": [Diagnostic, …], … }` (pretty-printed, keys sorted).
#[must_use]
pub fn render(report: &Report, options: &EmitOptions) -> String {
    let files: BTreeMap<String, Vec<Diagnostic>> =
        diagnostics(report, options, Encoding::Utf16, |_| true)
            .into_iter()
            .map(|(uri, d)| (uri.to_string(), d))
            .collect();
    let mut text = serde_json::to_string_pretty(&files).expect("the diagnostics serialise");
    text.push('\n');
    text
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
        // The end of the text, and an offset inside a character, clamp.
        assert_eq!(
            position(&f, text.len(), Encoding::Utf16),
            Position::new(2, 4)
        );
        let inside_emoji = text.find('😀').unwrap() + 1;
        assert_eq!(
            position(&f, inside_emoji, Encoding::Utf16),
            Position::new(1, 3)
        );
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
    fn file_uris_are_percent_encoded() {
        let options = EmitOptions::default();
        assert_eq!(
            uri(Path::new("/w/my dir/ré#1.tf"), &options).as_str(),
            "file:///w/my%20dir/r%C3%A9%231.tf"
        );
        assert_eq!(
            uri(Path::new("a/./b/../c.tf"), &options).as_str(),
            "file:///a/c.tf"
        );
    }
}
