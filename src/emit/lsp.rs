//! `--format lsp`: one JSON object mapping each checked file's URI (`file:///abs/path`) to
//! its LSP `Diagnostic[]`, for editors that run a command on save and publish the result
//! (e.g. efm-langserver, nvim-lint, VS Code tasks). Every checked file appears, with `[]`
//! when it has nothing, so a client can clear what it showed before.
//!
//! Ranges are 0-based and, as LSP's default position encoding says, `character` counts
//! UTF-16 code units; severities are 1 (error), 2 (warning), 3 (information).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{error_code, file_uri, normalize, percent_encode_path, rule_url, slashes, EmitOptions};
use crate::check::Report;
use crate::diagnostic::Severity;
use crate::source::{SourceFile, Span};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Diagnostic {
    range: Range,
    severity: u8,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_description: Option<CodeDescription>,
    source: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_information: Vec<RelatedInformation>,
}

#[derive(Serialize)]
struct CodeDescription {
    href: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct RelatedInformation {
    location: Location,
    message: String,
}

#[derive(Serialize)]
struct Location {
    uri: String,
    range: Range,
}

/// The LSP position (0-based line, UTF-16 code units) of a byte offset.
#[must_use]
pub fn position(file: &SourceFile, offset: u32) -> Position {
    let at = file.line_col(offset);
    let line_start = file.offset(crate::source::LineCol {
        line: at.line,
        column: 1,
    });
    let mut end = (offset as usize).min(file.text.len()).max(line_start);
    while !file.text.is_char_boundary(end) {
        end -= 1;
    }
    let units = file.text[line_start..end].encode_utf16().count();
    Position {
        line: at.line - 1,
        character: u32::try_from(units).unwrap_or(u32::MAX),
    }
}

fn range(report: &Report, span: Span) -> Range {
    let file = report.sources.get(span.file);
    Range {
        start: position(file, span.start),
        end: position(file, span.end),
    }
}

fn severity(s: Severity) -> u8 {
    match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

fn uri(path: &Path, options: &EmitOptions) -> String {
    if path.is_absolute() {
        file_uri(&normalize(path))
    } else if let Some(cwd) = &options.cwd {
        file_uri(&normalize(&cwd.join(path)))
    } else {
        // No working directory known: a relative reference is the honest answer.
        let mut out = String::new();
        percent_encode_path(&slashes(&normalize(path)), &mut out);
        out
    }
}

/// Renders the report as `{ "<uri>": [Diagnostic, …], … }` (pretty-printed, keys sorted).
#[must_use]
pub fn render(report: &Report, options: &EmitOptions) -> String {
    render_files(report, options, |_| true)
}

/// [`render`], listing only the files `listed` accepts when they have nothing to show (the
/// language server asks for the files an edit may have changed; the report's findings are
/// all rendered).
#[must_use]
pub fn render_files(
    report: &Report,
    options: &EmitOptions,
    listed: impl Fn(crate::source::FileId) -> bool,
) -> String {
    let mut files: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for (id, file) in report.sources.iter() {
        if listed(id) {
            files.entry(uri(&file.path, options)).or_default();
        }
    }
    for d in &report.diagnostics {
        let file = report.sources.get(d.span.file);
        let mut message = d.message.clone();
        if !d.help.is_empty() {
            message.push('\n');
            message.push_str(&d.help);
        }
        if d.path.len() > 1 {
            message.push_str("\npath: ");
            message.push_str(&d.path.join(" → "));
        }
        files
            .entry(uri(&file.path, options))
            .or_default()
            .push(Diagnostic {
                range: range(report, d.span),
                severity: severity(d.severity),
                code: d.rule.to_owned(),
                code_description: rule_url(options, d.rule).map(|href| CodeDescription { href }),
                source: "vpclint",
                message,
                related_information: d
                    .related
                    .iter()
                    .map(|r| RelatedInformation {
                        location: Location {
                            uri: uri(&report.sources.get(r.span.file).path, options),
                            range: range(report, r.span),
                        },
                        message: format!("{}: {}", r.resource, r.message),
                    })
                    // What the finding assumes, at the finding itself.
                    .chain(d.assumptions.iter().map(|a| RelatedInformation {
                        location: Location {
                            uri: uri(&file.path, options),
                            range: range(report, d.span),
                        },
                        message: format!("assumes: {a}"),
                    }))
                    .collect(),
            });
    }
    for e in &report.errors {
        let range = if let Some(span) = e.span {
            range(report, span)
        } else {
            // The file could not be read: there is no text to count UTF-16 units in.
            let at = Position {
                line: e.location.line.saturating_sub(1),
                character: e.location.column.saturating_sub(1),
            };
            Range { start: at, end: at }
        };
        files
            .entry(uri(&e.path, options))
            .or_default()
            .push(Diagnostic {
                range,
                severity: 1,
                code: error_code(e).to_owned(),
                code_description: None,
                source: "vpclint",
                message: e.message.clone(),
                related_information: Vec::new(),
            });
    }
    // Baseline entries that no longer occur, on their lines of the baseline file.
    for (file, line, message) in super::stale_entries(report) {
        let at = Position {
            line: line.saturating_sub(1),
            character: 0,
        };
        files
            .entry(uri(Path::new(&file), options))
            .or_default()
            .push(Diagnostic {
                range: Range { start: at, end: at },
                severity: 3,
                code: super::BASELINE_STALE.to_owned(),
                code_description: None,
                source: "vpclint",
                message,
                related_information: Vec::new(),
            });
    }
    let mut text = serde_json::to_string_pretty(&files).expect("the diagnostics serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_utf16_code_units() {
        // 'é' is 2 bytes and 1 UTF-16 unit; '😀' is 4 bytes and 2 UTF-16 units.
        let text = "x\n# é😀 y = \"m4.large\"\n";
        let file = SourceFile::new("a.tf".into(), text.into());
        let y = u32::try_from(text.find('y').unwrap()).unwrap();
        assert_eq!(
            position(&file, y),
            Position {
                line: 1,
                character: 6
            }
        );
        // The report's own column counts characters: 5 before 'y', so column 6.
        assert_eq!(file.line_col(y).column, 6);
        assert_eq!(
            position(&file, 0),
            Position {
                line: 0,
                character: 0
            }
        );
        // The end of the text, and an offset inside a character, clamp.
        let len = u32::try_from(text.len()).unwrap();
        assert_eq!(
            position(&file, len),
            Position {
                line: 2,
                character: 0
            }
        );
        let inside_emoji = u32::try_from(text.find('😀').unwrap() + 1).unwrap();
        assert_eq!(
            position(&file, inside_emoji),
            Position {
                line: 1,
                character: 3
            }
        );
    }
}
