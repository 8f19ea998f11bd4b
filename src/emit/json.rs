//! `--format json`: the stable output contract. Fields are only ever added; `version` is
//! bumped if one must change.

use serde::Serialize;

use crate::check::{FileError, Report, UncheckedItem};
use crate::source::{LineCol, SourceMap, Span};

/// The contract's version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    errors: Vec<Error<'a>>,
    /// Extension of v1: what could not be checked, and why.
    unchecked: Vec<Unchecked<'a>>,
    summary: Summary,
    /// Extension of v1, present when a baseline was applied: how many findings it left out
    /// and its entries that no longer occur.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Baseline<'a>>,
    /// Extension of v1: what the run says about its input as a whole (a CDK app without
    /// its synthesized templates).
    notices: Vec<Notice<'a>>,
}

#[derive(Serialize)]
pub(super) struct Notice<'a> {
    code: &'a str,
    file: String,
    message: &'a str,
    /// Its first place in `file`, when it is about places (a module call).
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LineCol>,
    /// Every place it applies to, when it stands for several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sites: Vec<Site<'a>>,
}

/// One place a notice applies to (a module call).
#[derive(Serialize)]
pub(super) struct Site<'a> {
    resource: &'a str,
    file: String,
    location: LineCol,
}

#[derive(Serialize)]
struct Baseline<'a> {
    file: String,
    matched: usize,
    stale: Vec<Stale<'a>>,
}

/// A baseline entry that matched no finding.
#[derive(Serialize)]
pub(super) struct Stale<'a> {
    fingerprint: &'a str,
    rule: &'a str,
    resource: &'a str,
    /// The finding's file as the baseline records it (relative to the baseline's directory).
    file: &'a str,
    message: &'a str,
    /// The entry's place in the baseline file.
    baseline_file: String,
    baseline_line: u32,
}

#[derive(Serialize)]
pub(super) struct Diagnostic<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    resource: &'a str,
    file: String,
    location: LineCol,
    end_location: LineCol,
    related: Vec<Related<'a>>,
    path: &'a [String],
    /// Extension of v1: the fix, one sentence.
    help: &'a str,
    /// Extension of v1: what the finding holds under that the code does not settle.
    assumptions: &'a [String],
}

#[derive(Serialize)]
pub(super) struct Related<'a> {
    resource: &'a str,
    file: String,
    location: LineCol,
    message: &'a str,
}

#[derive(Serialize)]
pub(super) struct Error<'a> {
    file: String,
    location: LineCol,
    message: &'a str,
}

#[derive(Serialize)]
pub(super) struct Unchecked<'a> {
    resource: &'a str,
    file: String,
    location: LineCol,
    reason: &'a str,
    /// Extension of v1: the unknown value's own reason (what `--explain-unknown` groups by).
    cause: &'a str,
    /// Extension of v1: the rules whose questions it left open (empty: the lowering could
    /// not analyse it at all).
    rules: &'a [&'static str],
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    resources: usize,
    diagnostics: usize,
    errors: usize,
    unchecked: usize,
    /// Extension of v1: YAML/JSON files that are not CloudFormation templates.
    skipped: usize,
    /// Extension of v1: findings suppressed by `vpclint:ignore` comments or
    /// `Metadata.vpclint` (not in `diagnostics`).
    suppressed: usize,
}

fn file_of(sources: &SourceMap, span: Span) -> String {
    path_string(&sources.get(span.file).path)
}

/// Paths in output use `/` on every platform.
fn path_string(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// One diagnostic as the contract shows it.
pub(super) fn diagnostic<'a>(
    report: &'a Report,
    d: &'a crate::diagnostic::Diagnostic,
) -> Diagnostic<'a> {
    let sources = &report.sources;
    let at = |span: Span| sources.get(span.file).line_col(span.start);
    Diagnostic {
        rule: d.rule,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        resource: &d.resource,
        file: file_of(sources, d.span),
        location: at(d.span),
        end_location: sources.get(d.span.file).line_col(d.span.end),
        related: d
            .related
            .iter()
            .map(|r| Related {
                resource: &r.resource,
                file: file_of(sources, r.span),
                location: at(r.span),
                message: &r.message,
            })
            .collect(),
        path: &d.path,
        help: &d.help,
        assumptions: &d.assumptions,
    }
}

/// One notice as the contract shows it.
pub(super) fn notice<'a>(report: &'a Report, n: &'a crate::check::Notice) -> Notice<'a> {
    Notice {
        code: n.code,
        file: path_string(&n.path),
        message: &n.message,
        location: n.span.map(|s| report.sources.get(s.file).line_col(s.start)),
        sites: n
            .sites
            .iter()
            .map(|(resource, span)| {
                let file = report.sources.get(span.file);
                Site {
                    resource,
                    file: path_string(&file.path),
                    location: file.line_col(span.start),
                }
            })
            .collect(),
    }
}

pub(super) fn error(e: &FileError) -> Error<'_> {
    Error {
        file: path_string(&e.path),
        location: e.location,
        message: &e.message,
    }
}

/// One unchecked item as the contract shows it.
pub(super) fn unchecked<'a>(report: &'a Report, u: &'a UncheckedItem) -> Unchecked<'a> {
    let file = report.sources.get(u.span.file);
    Unchecked {
        resource: &u.resource,
        file: path_string(&file.path),
        location: file.line_col(u.span.start),
        reason: &u.reason,
        cause: &u.cause,
        rules: &u.rules,
    }
}

/// The baseline entries of the report that matched no finding.
pub(super) fn stale(report: &Report) -> Vec<Stale<'_>> {
    let Some(b) = &report.baseline else {
        return Vec::new();
    };
    b.stale
        .iter()
        .map(|e| Stale {
            fingerprint: &e.fingerprint,
            rule: &e.rule,
            resource: &e.resource,
            file: &e.file,
            message: &e.message,
            baseline_file: path_string(&b.path),
            baseline_line: e.line,
        })
        .collect()
}

/// Renders the report as pretty-printed JSON (with a trailing newline).
#[must_use]
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`], written to `out` as it is serialised (a large report is not held twice).
///
/// # Errors
/// When `out` cannot be written to.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let output = Output {
        version: VERSION,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(report, d))
            .collect(),
        errors: report.errors.iter().map(error).collect(),
        unchecked: report
            .unchecked
            .iter()
            .map(|u| unchecked(report, u))
            .collect(),
        summary: Summary {
            files: report.summary.files,
            resources: report.summary.resources,
            diagnostics: report.summary.diagnostics,
            errors: report.summary.errors,
            unchecked: report.summary.unchecked,
            skipped: report.summary.skipped,
            suppressed: report.summary.suppressed,
        },
        baseline: report.baseline.as_ref().map(|b| Baseline {
            file: path_string(&b.path),
            matched: b.matched,
            stale: stale(report),
        }),
        notices: report.notices.iter().map(|n| notice(report, n)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &output).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}
