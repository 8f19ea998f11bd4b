//! `--format github`: GitHub Actions workflow commands, which GitHub turns into annotations
//! on the pull request's diff:
//!
//! ```text
//! ::warning file=main.tf,line=16,col=19,endLine=16,endColumn=29,title=VPC001 (non-nitro-endpoint-over-peering)::message%0Ahelp
//! ```
//!
//! Paths are relative to the repository root. GitHub shows at most
//! [`ANNOTATIONS_PER_LEVEL`] annotations of each level per step: the rest are printed as
//! plain log lines, and [`step_summary`] renders every finding as a Markdown table, which the
//! CLI appends to `$GITHUB_STEP_SUMMARY` when [`overflows`] says some were not annotated.

use std::fmt::Write as _;

use super::{
    error_code, error_range, one_line, repo_path, span_range, summary_line, unchecked_hint,
    EmitOptions,
};
use crate::check::Report;
use crate::diagnostic::Severity;
use crate::source::LineCol;

/// GitHub's limit of annotations of one level (error, warning, notice) per step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// Escapes a command's message (GitHub's `escapeData`: `%`, `\r`, `\n`).
#[must_use]
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`: also `:` and `,`).
#[must_use]
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Whether a line is one of the workflow commands this format writes (an annotation): the
/// only lines of vpclint's output that may start with `::`.
#[must_use]
pub fn is_own_command(line: &str) -> bool {
    ["::error file=", "::warning file=", "::notice file="]
        .iter()
        .any(|prefix| line.starts_with(prefix))
}

/// One finding or file error, ready to be an annotation or a log line.
struct Annotation {
    /// `error`, `warning` or `notice`.
    level: &'static str,
    severity: &'static str,
    code: String,
    title: String,
    file: String,
    start: LineCol,
    end: LineCol,
    resource: String,
    message: String,
    help: String,
}

impl Annotation {
    fn command(&self) -> String {
        let mut props = format!(
            "file={},line={}",
            escape_property(&self.file),
            self.start.line
        );
        // GitHub ignores columns on a range that spans lines.
        if self.start.line == self.end.line {
            let _ = write!(props, ",col={}", self.start.column);
            let _ = write!(
                props,
                ",endLine={},endColumn={}",
                self.end.line,
                self.end.column.max(self.start.column)
            );
        } else {
            let _ = write!(props, ",endLine={}", self.end.line.max(self.start.line));
        }
        let _ = write!(props, ",title={}", escape_property(&self.title));
        let mut message = self.message.clone();
        if !self.help.is_empty() {
            message.push('\n');
            message.push_str(&self.help);
        }
        format!("::{} {props}::{}", self.level, escape_data(&message))
    }

    /// The concise line, for findings GitHub would not annotate.
    fn plain(&self) -> String {
        one_line(&format!(
            "{}:{}:{}: {} {} {}",
            self.file, self.start.line, self.start.column, self.code, self.severity, self.message
        ))
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// File errors first (a broken file hides findings), then the findings in report order.
fn annotations(report: &Report, options: &EmitOptions) -> Vec<Annotation> {
    let mut out = Vec::new();
    for e in &report.errors {
        let (start, end) = error_range(e);
        out.push(Annotation {
            level: "error",
            severity: "error",
            code: error_code(e).to_owned(),
            title: format!("vpclint {}", error_code(e)),
            file: repo_path(&e.path, options),
            start,
            end,
            resource: String::new(),
            message: e.message.clone(),
            help: String::new(),
        });
    }
    for d in &report.diagnostics {
        let (start, end) = span_range(report, d.span);
        out.push(Annotation {
            level: level(d.severity),
            severity: d.severity.as_str(),
            code: d.rule.to_owned(),
            title: format!("{} ({})", d.rule, d.name),
            file: repo_path(&report.sources.get(d.span.file).path, options),
            start,
            end,
            resource: d.resource.clone(),
            message: d.message.clone(),
            help: d.help.clone(),
        });
    }
    out
}

/// Whether some findings cannot be shown as annotations (more than
/// [`ANNOTATIONS_PER_LEVEL`] of one level).
#[must_use]
pub fn overflows(report: &Report) -> bool {
    let errors = report.errors.len()
        + report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
    let other = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    errors > ANNOTATIONS_PER_LEVEL
        || other(Severity::Warning) > ANNOTATIONS_PER_LEVEL
        || other(Severity::Info) > ANNOTATIONS_PER_LEVEL
}

/// Renders the workflow commands: the first [`ANNOTATIONS_PER_LEVEL`] of each level as
/// annotations, the rest as plain lines, then a summary.
#[must_use]
pub fn render(report: &Report, options: &EmitOptions) -> String {
    let mut out = String::new();
    let mut shown = [("error", 0), ("warning", 0), ("notice", 0)];
    let mut rest = Vec::new();
    for a in annotations(report, options) {
        let count = &mut shown
            .iter_mut()
            .find(|(l, _)| *l == a.level)
            .expect("a known level")
            .1;
        if *count < ANNOTATIONS_PER_LEVEL {
            *count += 1;
            out.push_str(&a.command());
            out.push('\n');
        } else {
            rest.push(a.plain());
        }
    }
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "vpclint: GitHub shows {ANNOTATIONS_PER_LEVEL} annotations of each level per step; \
             {} more are listed here, and every finding is in the job summary:",
            rest.len()
        );
        for line in rest {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    if options.quiet {
        return out;
    }
    // Baseline entries that no longer occur: notices on the baseline file.
    for (file, line, text) in super::stale_entries(report) {
        let file = repo_path(std::path::Path::new(&file), options);
        let _ = writeln!(
            out,
            "::notice file={},line={line},title={}::{}",
            escape_property(&file),
            escape_property("vpclint baseline"),
            escape_data(&text)
        );
    }
    // Notices about the run as a whole: notices on the file they are about, at their first
    // place when they have one.
    for n in &report.notices {
        let place = match n.span {
            Some(_) => {
                let at = super::notice_at(report, n);
                format!("line={},col={}", at.line, at.column)
            }
            None => "line=1".to_owned(),
        };
        let _ = writeln!(
            out,
            "::notice file={},{place},title={}::{}",
            escape_property(&repo_path(&n.path, options)),
            escape_property(&format!("vpclint: {}", n.code)),
            escape_data(&n.message)
        );
    }
    if !report.unchecked.is_empty() {
        let _ = writeln!(out, "{}", unchecked_hint(report));
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

/// Escapes text for a Markdown table cell (GitHub-flavoured Markdown).
#[must_use]
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span for a table cell (`|` still ends a cell inside one); plain escaped text when
/// the value has a backtick or nothing to show.
fn code_span(text: &str) -> String {
    if text.is_empty() || text.contains('`') || text.contains('\n') {
        escape_markdown(text)
    } else {
        format!("`{}`", text.replace('|', "\\|"))
    }
}

/// Every finding and file error as a Markdown table, for `$GITHUB_STEP_SUMMARY`.
#[must_use]
pub fn step_summary(report: &Report, options: &EmitOptions) -> String {
    let mut out = String::from("### vpclint\n\n");
    let _ = writeln!(out, "{}\n", escape_markdown(&summary_line(report)));
    for n in &report.notices {
        let _ = writeln!(
            out,
            "- {}: {}\n",
            code_span(&repo_path(&n.path, options)),
            escape_markdown(&n.message)
        );
    }
    let all = annotations(report, options);
    if all.is_empty() {
        return out;
    }
    out.push_str("| Severity | Rule | Location | Resource | Message |\n");
    out.push_str("|---|---|---|---|---|\n");
    for a in all {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            a.severity,
            escape_markdown(&a.title),
            code_span(&format!("{}:{}:{}", a.file, a.start.line, a.start.column)),
            code_span(&a.resource),
            escape_markdown(&a.message),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a, b\n::error::x"),
            "100%25 sure%0D%0Anext: a, b%0A::error::x"
        );
        // `%` first, so an existing escape is not decoded by GitHub.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("C:\\a,b%\n.tf"), "C%3A\\a%2Cb%25%0A.tf");
        assert_eq!(
            escape_property("VPC001 (non-nitro-endpoint-over-peering)"),
            "VPC001 (non-nitro-endpoint-over-peering)"
        );
    }

    #[test]
    fn a_nasty_message_cannot_start_a_command() {
        let a = Annotation {
            level: "warning",
            severity: "warning",
            code: "VPC001".into(),
            title: "VPC001 (x), y: z".into(),
            file: "dir,1/a:b.tf".into(),
            start: LineCol { line: 3, column: 5 },
            end: LineCol { line: 3, column: 9 },
            resource: "aws_instance.x".into(),
            message: "50% of\r\n::error file=x::injected".into(),
            help: "do this\nthen that".into(),
        };
        let command = a.command();
        assert_eq!(
            command,
            "::warning file=dir%2C1/a%3Ab.tf,line=3,col=5,endLine=3,endColumn=9,\
             title=VPC001 (x)%2C y%3A z::50%25 of%0D%0A::error file=x::injected%0Ado this%0Athen that"
        );
        assert_eq!(command.lines().count(), 1);
        assert!(!a.plain().contains('\n'));
        assert!(a
            .plain()
            .starts_with("dir,1/a:b.tf:3:5: VPC001 warning 50% of ::error"));
    }

    #[test]
    fn columns_are_left_out_of_multi_line_ranges() {
        let a = Annotation {
            level: "error",
            severity: "error",
            code: "parse-error".into(),
            title: "vpclint parse-error".into(),
            file: "a.tf".into(),
            start: LineCol { line: 3, column: 5 },
            end: LineCol { line: 5, column: 1 },
            resource: String::new(),
            message: "m".into(),
            help: String::new(),
        };
        assert_eq!(
            a.command(),
            "::error file=a.tf,line=3,endLine=5,title=vpclint parse-error::m"
        );
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(
            escape_markdown("a|b <c> *d*\n`e`"),
            "a\\|b &lt;c&gt; \\*d\\*<br>\\`e\\`"
        );
        assert_eq!(code_span("a_b|c.tf:1:2"), "`a_b\\|c.tf:1:2`");
        assert_eq!(code_span("a`b"), "a\\`b");
        assert_eq!(code_span(""), "");
    }
}
