//! `--format text`: miette's graphical diagnostics with source snippets, labels and help.
//! All miette use is in this file.

use std::fmt::{self, Write as _};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::check::Report;
use crate::diagnostic::Severity;
use crate::source::{SourceMap, Span};

/// Renders the report for a terminal (`options.color`) or a log (plain Unicode);
/// `options.explain_unknown` lists every unchecked item instead of the first five;
/// `options.quiet` leaves out everything but the findings and file errors.
#[must_use]
pub fn render(report: &Report, options: &super::EmitOptions) -> String {
    let (color, explain_unknown) = (options.color, options.explain_unknown);
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_show_related_as_nested(true);
    let sources = &report.sources;
    let mut out = String::new();
    for d in &report.diagnostics {
        let mut item = Item::new(
            sources,
            d.message.clone(),
            Some(format!("{}({})", d.rule, d.name)),
            d.severity,
            d.span,
            label_for(d),
        );
        item.help = Some(if d.path.len() > 1 {
            format!("{}\npath: {}", d.help, d.path.join(" → "))
        } else {
            d.help.clone()
        });
        // Related locations are shown as their own small snippets (nested under the
        // finding), so that a far-away label in the same file does not pull the whole file
        // in between into the primary snippet.
        for r in &d.related {
            item.related.push(Item::new(
                sources,
                r.message.clone(),
                None,
                Severity::Info,
                r.span,
                r.resource.clone(),
            ));
        }
        render_one(&handler, &item, &mut out);
    }
    for e in &report.errors {
        match e.span {
            Some(span) => {
                let item = Item::new(
                    sources,
                    format!("could not parse {}: {}", e.path.display(), e.message),
                    Some("parse-error".to_owned()),
                    Severity::Error,
                    span,
                    "here".to_owned(),
                );
                render_one(&handler, &item, &mut out);
            }
            None => {
                let _ = writeln!(
                    out,
                    "  × {}:{}:{}: {}\n",
                    e.path.display(),
                    e.location.line,
                    e.location.column,
                    e.message
                );
            }
        }
    }
    if !options.quiet {
        summary(report, explain_unknown, &mut out);
    }
    out
}

fn label_for(d: &crate::diagnostic::Diagnostic) -> String {
    match d.path.last() {
        Some(end) if d.path.len() > 1 => format!("reaches {end}"),
        _ => "here".to_owned(),
    }
}

fn render_one(handler: &GraphicalReportHandler, item: &Item<'_>, out: &mut String) {
    if handler.render_report(out, item).is_err() {
        let _ = writeln!(out, "{}", item.message);
    }
    out.push('\n');
}

fn summary(report: &Report, explain_unknown: bool, out: &mut String) {
    let stale = super::stale_entries(report);
    if let Some(b) = report.baseline.as_ref().filter(|_| !stale.is_empty()) {
        let _ = writeln!(
            out,
            "{} of the baseline {} no longer found (fixed, or changed); --write-baseline updates it:",
            if stale.len() == 1 {
                "1 entry".to_owned()
            } else {
                format!("{} entries", stale.len())
            },
            b.path.display()
        );
        for e in &b.stale {
            let _ = writeln!(
                out,
                "  {} {} ({}, baseline line {}): {}",
                e.rule,
                e.resource,
                e.file,
                e.line,
                super::one_line(&e.message)
            );
        }
    }
    if !report.unchecked.is_empty() {
        if explain_unknown {
            let _ = writeln!(out, "Unknown values, by cause:");
            for cause in super::unchecked_causes(report) {
                let _ = writeln!(out, "  {}", super::cause_line(&cause));
            }
        }
        let _ = writeln!(
            out,
            "{} not fully checked (a value is unknown):",
            super::plural(report.summary.unchecked, "resource")
        );
        for (shown, u) in report.unchecked.iter().enumerate() {
            if shown == 5 && !explain_unknown {
                let _ = writeln!(
                    out,
                    "  … and {} more (--explain-unknown lists them all)",
                    report.unchecked.len() - shown
                );
                break;
            }
            let file = report.sources.get(u.span.file);
            let at = file.line_col(u.span.start);
            let _ = writeln!(
                out,
                "  {} ({}:{}:{}): {}",
                u.resource,
                file.path.display(),
                at.line,
                at.column,
                u.reason
            );
        }
    }
    for n in &report.notices {
        match n.span {
            Some(_) => {
                let at = super::notice_at(report, n);
                let _ = writeln!(
                    out,
                    "note: {}:{}:{}: {}",
                    n.path.display(),
                    at.line,
                    at.column,
                    n.message
                );
            }
            None => {
                let _ = writeln!(out, "note: {}: {}", n.path.display(), n.message);
            }
        }
    }
    let _ = writeln!(out, "{}", super::summary_line(report));
}

/// The longest line (in bytes) shown in a code frame.
const MAX_FRAME_LINE: usize = 2000;

/// One miette diagnostic over vpclint's own source map.
struct Item<'a> {
    message: String,
    code: Option<String>,
    severity: Severity,
    help: Option<String>,
    /// `None` when the lines to show are too long for a code frame (minified JSON).
    source: Option<FileSource<'a>>,
    primary: (Span, String),
    labels: Vec<(Span, String)>,
    related: Vec<Item<'a>>,
}

impl<'a> Item<'a> {
    fn new(
        sources: &'a SourceMap,
        message: String,
        code: Option<String>,
        severity: Severity,
        span: Span,
        label: String,
    ) -> Self {
        let file = sources.get(span.file);
        let name = file.path.to_string_lossy().replace('\\', "/");
        // A code frame of a line this long helps nobody, and miette cannot lay one out past
        // 65,535 columns: name the place instead.
        let (start, end) = (file.line_col(span.start), file.line_col(span.end));
        let wide = [
            start.line,
            end.line,
            start.line.saturating_sub(1),
            end.line + 1,
        ]
        .into_iter()
        .any(|line| file.line_len(line) > MAX_FRAME_LINE);
        let (message, source) = if wide {
            (
                format!(
                    "{message}\n  at {name}:{}:{} (the line is too long to show)",
                    start.line, start.column
                ),
                None,
            )
        } else {
            (
                message,
                Some(FileSource {
                    name,
                    text: &file.text,
                }),
            )
        };
        Item {
            message,
            code,
            severity,
            help: None,
            source,
            primary: (span, label),
            labels: Vec::new(),
            related: Vec::new(),
        }
    }
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Item<'_> {}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::from(span.range())
}

impl MietteDiagnostic for Item<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.primary.1.clone()),
            source_span(self.primary.0),
        );
        let others = self.labels.iter().map(|(span, label)| {
            LabeledSpan::new_with_span(Some(label.clone()), source_span(*span))
        });
        Some(Box::new(std::iter::once(primary).chain(others)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn MietteDiagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn MietteDiagnostic),
            ))
        }
    }
}

/// A file's text with its display name, without copying it.
struct FileSource<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts the column of a span's start (the `[file:line:col]` header) in
        // bytes; the report counts characters, as editors do.
        let column = if context_lines_before == 0 {
            let start = inner.span().offset().min(self.text.len());
            let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            self.text
                .get(line_start..start)
                .map_or(inner.column(), |before| before.chars().count())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}
