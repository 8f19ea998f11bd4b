//! Emitters: pure functions from a [`Report`] to text, one file per output format. They know
//! nothing about HCL, YAML or the model. What they need from the outside world (the working
//! directory, the repository root, the docs address) comes in [`EmitOptions`], filled by the
//! CLI.

pub mod concise;
pub mod github;
pub mod json;
pub mod json_lines;
mod line_hash;
pub mod lsp;
pub mod safe;
pub mod sarif;
pub mod statistics;
pub mod text;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::check::{FileError, Report};
use crate::diagnostic::Severity;
use crate::source::{LineCol, Span};

/// The output formats of `vpclint check --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable diagnostics with source snippets (miette); the default on a terminal.
    #[default]
    Text,
    /// `file:line:col: RULE severity message`, one a line; the default when piped.
    Concise,
    /// The stable JSON contract (see README, "Output contract").
    Json,
    /// One JSON object a line: each diagnostic, file error and unchecked item.
    JsonLines,
    /// SARIF 2.1.0, for code-scanning services (`github/codeql-action/upload-sarif`).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// A JSON object mapping file URIs to LSP `Diagnostic[]`, for editors' on-save commands.
    Lsp,
}

/// What an emitter needs to know besides the report.
#[derive(Clone, Debug, Default)]
pub struct EmitOptions {
    /// Colour the text output.
    pub color: bool,
    /// List every unchecked item with its reason (text and concise formats).
    pub explain_unknown: bool,
    /// The absolute working directory the report's relative paths start from (LSP URIs,
    /// repository-relative paths).
    pub cwd: Option<PathBuf>,
    /// The absolute root of the repository (SARIF and GitHub paths are relative to it).
    pub repo_root: Option<PathBuf>,
    /// The address of the rules' documentation page (`…/docs/rules.md`); each rule links to
    /// `<docs_url>#<id lowercased>`. `None` leaves the links out.
    pub docs_url: Option<String>,
    /// Only the findings (`--quiet`): no summary line, hints or baseline notes in the text,
    /// concise and github formats.
    pub quiet: bool,
}

/// The documentation page of the rules in this crate's repository
/// ([`crate::rules::docs::DOCS_URL`]).
#[must_use]
pub fn default_docs_url() -> Option<String> {
    Some(crate::rules::docs::DOCS_URL.to_owned())
}

/// Renders the report in the given format.
#[must_use]
pub fn render(report: &Report, format: Format, options: &EmitOptions) -> String {
    // The line-oriented formats print what the input says as it is: neutralised first
    // (`safe`), and no line of theirs may pass for a workflow command but GitHub's own.
    match format {
        Format::Text => {
            safe::guard_lines(safe::with(report, |r| text::render(r, options)), |_| false)
        }
        Format::Concise => {
            safe::guard_lines(safe::with(report, |r| concise::render(r, options)), |_| {
                false
            })
        }
        Format::Github => safe::guard_lines(
            safe::with(report, |r| github::render(r, options)),
            github::is_own_command,
        ),
        Format::Json => safe::json(json::render(report)),
        Format::JsonLines => safe::json(json_lines::render(report)),
        Format::Sarif => safe::json(sarif::render(report, options)),
        Format::Lsp => safe::json(lsp::render(report, options)),
    }
}

/// The job summary of `--format github` (Markdown), neutralised as [`render`]'s formats are.
#[must_use]
pub fn step_summary(report: &Report, options: &EmitOptions) -> String {
    safe::guard_lines(
        safe::with(report, |r| github::step_summary(r, options)),
        |_| false,
    )
}

/// Writes the report in the given format to `out`: as [`render`] gives it, except that the
/// JSON is written as it is serialised.
///
/// # Errors
/// When `out` cannot be written to.
pub fn write(
    report: &Report,
    format: Format,
    options: &EmitOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let mut out = safe::JsonWriter::new(out);
            json::write(report, &mut out)?;
            out.finish()
        }
        _ => out.write_all(render(report, format, options).as_bytes()),
    }
}

/// The code a file error is shown with: `parse-error` when it points into a file that was
/// read, `read-error` when the file could not be read at all.
#[must_use]
pub fn error_code(error: &FileError) -> &'static str {
    if error.span.is_some() {
        "parse-error"
    } else {
        "read-error"
    }
}

/// A rule's documentation link.
fn rule_url(options: &EmitOptions, id: &str) -> Option<String> {
    options
        .docs_url
        .as_deref()
        .map(|base| crate::rules::docs::rule_url(base, id))
}

/// Paths in output use `/` on every platform.
fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

use crate::source::normalize;

/// Where a reported file is, for formats that need more than "as given".
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// Relative to the repository root, `/`-separated, never starting with `/` or `./`.
    InRepository(String),
    /// An absolute path outside the repository (or no repository root known).
    Absolute(PathBuf),
    /// A relative path when no working directory is known.
    Relative(String),
}

fn locate(path: &Path, options: &EmitOptions) -> Located {
    let absolute = if path.is_absolute() {
        normalize(path)
    } else if let Some(cwd) = &options.cwd {
        normalize(&cwd.join(path))
    } else {
        let rel = slashes(&normalize(path));
        return Located::Relative(rel.trim_start_matches('/').to_owned());
    };
    if let Some(root) = &options.repo_root {
        if let Ok(rel) = absolute.strip_prefix(normalize(root)) {
            return Located::InRepository(slashes(rel));
        }
    }
    Located::Absolute(absolute)
}

/// The path relative to the repository root when it is inside it, else as well as can be
/// said (absolute, or as given).
fn repo_path(path: &Path, options: &EmitOptions) -> String {
    match locate(path, options) {
        Located::InRepository(p) | Located::Relative(p) => p,
        Located::Absolute(p) => slashes(&p),
    }
}

/// `file://` URI of an absolute path (percent-encoded; Windows drive paths get `/C:/…`).
fn file_uri(path: &Path) -> String {
    let text = slashes(path);
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    percent_encode_path(&text, &mut out);
    out
}

fn percent_encode_path(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// A relative URI reference for a relative path: percent-encoded, `:` included, so that no
/// file name (`javascript:x.tf`) reads as a scheme.
fn relative_uri(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    percent_encode_path(text, &mut out);
    out.replace(':', "%3A")
}

/// Start and end (exclusive) of a span, 1-based, columns in characters.
fn span_range(report: &Report, span: Span) -> (LineCol, LineCol) {
    let file = report.sources.get(span.file);
    (file.line_col(span.start), file.line_col(span.end))
}

/// Start and end of a file error (the end is the start when the error has no extent).
fn error_range(error: &FileError) -> (LineCol, LineCol) {
    (error.location, error.end_location.unwrap_or(error.location))
}

/// One line: newlines and other control characters become spaces (for one-line formats).
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .filter(|part| !part.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// "Found 1 warning in 4 files (15 resources, 0 file errors, 0 skipped)."
fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let findings = if s.diagnostics == 0 {
        "No findings".to_owned()
    } else {
        let mut parts = Vec::new();
        for (severity, word) in [
            (Severity::Error, "error"),
            (Severity::Warning, "warning"),
            (Severity::Info, "info"),
        ] {
            let n = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count();
            if n > 0 {
                parts.push(plural(n, word));
            }
        }
        format!("Found {}", parts.join(", "))
    };
    // Suppressed findings are named only when there are some (older outputs unchanged).
    let mut suppressed = if s.suppressed == 0 {
        String::new()
    } else {
        format!(", {} suppressed", s.suppressed)
    };
    if let Some(b) = &report.baseline {
        let _ = write!(suppressed, ", {} in the baseline", b.matched);
    }
    format!(
        "{findings} in {} ({}, {}, {} skipped{suppressed}).",
        plural(s.files, "file"),
        plural(s.resources, "resource"),
        plural(s.errors, "file error"),
        s.skipped
    )
}

/// The root causes of the unchecked items, most frequent first (then by text): each with
/// how many items it explains and the rules whose questions it left open.
fn unchecked_causes(report: &Report) -> Vec<(&str, usize, Vec<&'static str>)> {
    let mut causes: Vec<(&str, usize, Vec<&'static str>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for u in &report.unchecked {
        let n = *at.entry(u.cause.as_str()).or_insert_with(|| {
            causes.push((u.cause.as_str(), 0, Vec::new()));
            causes.len() - 1
        });
        causes[n].1 += 1;
        for rule in &u.rules {
            if !causes[n].2.contains(rule) {
                causes[n].2.push(rule);
            }
        }
    }
    let order = crate::rules::registered_ids();
    for (_, _, rules) in &mut causes {
        rules.sort_by_key(|r| order.iter().position(|o| o == r));
    }
    causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    causes
}

/// One cause as the text formats list it: `3× <cause> (VPC001, NET001)`.
fn cause_line((cause, count, rules): &(&str, usize, Vec<&'static str>)) -> String {
    let rules = if rules.is_empty() {
        "not analysed".to_owned()
    } else {
        rules.join(", ")
    };
    format!("{count}× {} ({rules})", one_line(cause))
}

/// The code of a baseline entry that matched no finding, in every format.
pub const BASELINE_STALE: &str = "baseline-stale";

/// Each baseline entry that matched no finding: the baseline file (as the user named it,
/// `/`-separated), the entry's line there, and what to say about it.
fn stale_entries(report: &Report) -> Vec<(String, u32, String)> {
    let Some(b) = &report.baseline else {
        return Vec::new();
    };
    b.stale
        .iter()
        .map(|e| {
            (
                slashes(&b.path),
                e.line.max(1),
                format!(
                    "{} {} in {} is no longer found (fixed, or it changed); \
                     --write-baseline updates the baseline: {}",
                    e.rule,
                    e.resource,
                    e.file,
                    one_line(&e.message)
                ),
            )
        })
        .collect()
}

/// Where a notice is: its first place, or the start of the file it is about.
fn notice_at(report: &Report, notice: &crate::check::Notice) -> crate::source::LineCol {
    notice
        .span
        .map_or(crate::source::LineCol { line: 1, column: 1 }, |span| {
            report.sources.get(span.file).line_col(span.start)
        })
}

/// The hint shown instead of the unchecked items when they are not all listed.
fn unchecked_hint(report: &Report) -> String {
    format!(
        "{} not fully checked (a value is unknown); --explain-unknown lists each with its reason.",
        plural(report.summary.unchecked, "resource")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(cwd: &str, root: &str) -> EmitOptions {
        EmitOptions {
            cwd: Some(cwd.into()),
            repo_root: Some(root.into()),
            ..EmitOptions::default()
        }
    }

    #[test]
    fn paths_are_made_relative_to_the_repository_root() {
        let o = options("/repo/infra", "/repo");
        assert_eq!(repo_path(Path::new("./main.tf"), &o), "infra/main.tf");
        assert_eq!(repo_path(Path::new("../net/a.tf"), &o), "net/a.tf");
        assert_eq!(repo_path(Path::new("/repo/x/y.tf"), &o), "x/y.tf");
        assert_eq!(
            repo_path(Path::new("/elsewhere/y.tf"), &o),
            "/elsewhere/y.tf"
        );
        // Never a leading `//` or `./` (checkov #1599).
        let root = options("/", "/");
        assert_eq!(repo_path(Path::new("//a/b.tf"), &root), "a/b.tf");
        let none = EmitOptions::default();
        assert_eq!(repo_path(Path::new("./a/../b.tf"), &none), "b.tf");
    }

    #[test]
    fn file_uris_are_percent_encoded() {
        assert_eq!(
            file_uri(Path::new("/w/my dir/ré#1.tf")),
            "file:///w/my%20dir/r%C3%A9%231.tf"
        );
    }

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("a\n  b\r\n\nc"), "a b c");
    }
}
