//! `--format sarif`: SARIF 2.1.0 (OASIS), as code-scanning services read it
//! (`github/codeql-action/upload-sarif`).
//!
//! - `tool.driver.rules` holds every rule of the registry with its metadata; results point
//!   at them with `ruleId` and `ruleIndex`.
//! - Paths are relative to the repository root (`uriBaseId: %SRCROOT%`), percent-encoded,
//!   never starting with `/` or `./` (checkov #1599); regions are 1-based and columns count
//!   Unicode code points (`columnKind`).
//! - Each rule has a `fullDescription` within code scanning's 1,024 characters (the whole
//!   documentation is `help.markdown`), a `helpUri`, and `properties` with `tags`,
//!   `precision`, `problem.severity` and, for security rules, `security-severity`.
//! - Each result has its related locations, linked from the message (`[name](id)`), a
//!   `codeFlows` entry following the witness path through the resources that have a
//!   location (every step has a physical location), and `partialFingerprints`: vpclint's own,
//!   which does not depend on line numbers, and GitHub's `primaryLocationLineHash`
//!   (`line_hash.rs`), so alerts survive edits elsewhere in the file.
//! - File errors are `invocations[0].toolExecutionNotifications`, and so are the entries of
//!   a baseline that no longer occur (`note`, `baseline-stale`) and the report's notices
//!   (`note`, their code); with a baseline, results have `baselineState: new`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use super::{
    error_code, error_range, file_uri, locate, rule_url, span_range, EmitOptions, Located,
};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::meta::{Precision, RuleMeta};
use crate::rules::{self};
use crate::source::{LineCol, Span};

/// The schema this output conforms to (the OASIS 2.1.0 errata 01 schema).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of vpclint's entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vpclint/v1";

/// The key of GitHub's line-content fingerprint in `partialFingerprints`.
pub const LINE_HASH_KEY: &str = "primaryLocationLineHash";

/// The longest `shortDescription`/`fullDescription` text GitHub code scanning accepts, in
/// characters.
pub const MAX_DESCRIPTION: usize = 1024;

const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, ArtifactLocation>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// The rule properties code scanning reads.
#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'static str>,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

/// A `message` or `multiformatMessageString`.
#[derive(Clone, Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Text {
    fn plain(text: impl Into<String>) -> Self {
        Text {
            text: text.into(),
            markdown: None,
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    descriptor: DescriptorReference,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
    /// `new` when a baseline was applied (the findings it has are left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
}

/// vpclint's own properties of a result.
#[derive(Serialize)]
struct ResultProperties<'a> {
    /// What the finding holds under that the code does not settle.
    assumptions: &'a [String],
}

// The field names are SARIF's property names.
#[allow(clippy::struct_field_names)]
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    message: Text,
    thread_flows: [ThreadFlow; 1],
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: Location,
    execution_order: usize,
}

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn artifact(path: &std::path::Path, options: &EmitOptions) -> ArtifactLocation {
    match locate(path, options) {
        Located::InRepository(p) | Located::Relative(p) => ArtifactLocation {
            uri: super::relative_uri(&p),
            uri_base_id: Some(SRCROOT),
        },
        Located::Absolute(p) => ArtifactLocation {
            uri: file_uri(&p),
            uri_base_id: None,
        },
    }
}

fn region((start, end): (LineCol, LineCol)) -> Region {
    // An end before the start cannot happen for a span; clamp rather than emit nonsense.
    let end = end.max(start);
    Region {
        start_line: start.line.max(1),
        start_column: start.column.max(1),
        end_line: end.line.max(1),
        end_column: end.column.max(1),
    }
}

fn physical(report: &Report, span: Span, options: &EmitOptions) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(&report.sources.get(span.file).path, options),
        region: region(span_range(report, span)),
    }
}

fn resource(name: &str) -> Vec<LogicalLocation> {
    vec![LogicalLocation {
        fully_qualified_name: name.to_owned(),
        kind: "resource",
    }]
}

fn rule<'a>(meta: &'a RuleMeta, options: &EmitOptions) -> Rule<'a> {
    let docs = &meta.docs;
    let markdown = format!(
        "## What it does\n\n{}\n\n## Why it matters\n\n{}\n\n## Example\n\n{}\n\n## Fix\n\n{}\n",
        docs.what.trim(),
        docs.why.trim(),
        docs.example.trim(),
        docs.fix.trim()
    );
    Rule {
        id: &meta.id,
        name: &meta.name,
        short_description: Text::plain(bounded(meta.summary.trim(), MAX_DESCRIPTION)),
        full_description: Text::plain(full_description(&docs.what)),
        // The rule's `help` is a template with the finding's placeholders; the docs' fix
        // section is its general form.
        help: Text {
            text: docs.fix.trim().to_owned(),
            markdown: Some(markdown),
        },
        help_uri: rule_url(options, &meta.id),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: meta.tags.clone(),
            precision: meta.precision.map(Precision::as_str),
            problem_severity: match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
            security_severity: meta.security_severity.map(|s| format!("{s:.1}")),
        },
    }
}

/// The first paragraph of a rule's "what it does", as plain text within code scanning's
/// limit (the rest is in `help.markdown`).
fn full_description(what: &str) -> String {
    let first = what.trim().split("\n\n").next().unwrap_or_default();
    let plain = first.replace("**", "").replace('\n', " ");
    // A paragraph that introduces a list ends the sentence here.
    let plain = match plain.strip_suffix(':') {
        Some(head) => format!("{head}."),
        None => plain,
    };
    bounded(&plain, MAX_DESCRIPTION)
}

/// `text` if it has at most `max` characters; else its longest prefix that ends a sentence
/// (or a word) and fits with an ellipsis after it.
fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut = text
        .char_indices()
        .nth(max - 1)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let end = head
        .rfind(". ")
        .map(|i| i + 1)
        .or_else(|| head.rfind(' '))
        .unwrap_or(cut);
    format!("{}…", head[..end].trim_end())
}

/// Escapes the brackets of plain text for a SARIF message, where `[text](id)` is a link.
fn escape_brackets(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether `c` can be part of a resource address (so a match next to it is not the name).
fn in_address(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '"')
}

/// The finding's message with each related location linked (`[name](id)`, SARIF's embedded
/// links, which code scanning shows as links to the location): at the first mention of its
/// resource, else in a "related" list after the message.
fn linked_message(d: &Diagnostic) -> String {
    let message = d.message.as_str();
    // (byte range in the message, related id), sorted by position.
    let mut links: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let mut unlinked = Vec::new();
    for (i, r) in d.related.iter().enumerate() {
        let name = r.resource.as_str();
        let found = (!name.is_empty())
            .then(|| {
                message
                    .match_indices(name)
                    .map(|(at, _)| at..at + name.len())
                    .find(|m| {
                        let before = message[..m.start].chars().next_back();
                        let after = message[m.end..].chars().next();
                        !before.is_some_and(in_address)
                            && !after.is_some_and(|c| in_address(c) && c != '.')
                            && !links
                                .iter()
                                .any(|(l, _)| l.start < m.end && m.start < l.end)
                    })
            })
            .flatten();
        match found {
            Some(range) => links.push((range, i + 1)),
            None => unlinked.push(i),
        }
    }
    links.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(message.len() + 32);
    let mut at = 0;
    for (range, id) in &links {
        escape_brackets(&message[at..range.start], &mut out);
        out.push('[');
        escape_brackets(&message[range.clone()], &mut out);
        let _ = write!(out, "]({id})");
        at = range.end;
    }
    escape_brackets(&message[at..], &mut out);
    if !unlinked.is_empty() {
        out.push_str(" (related: ");
        for (n, i) in unlinked.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            out.push('[');
            escape_brackets(&d.related[*i].resource, &mut out);
            let _ = write!(out, "]({})", i + 1);
        }
        out.push(')');
    }
    out
}

/// What identifies a finding regardless of where in its file it sits: the rule, the file,
/// the resource, the witness path and the flagged text (`"m4.large"`).
fn fingerprint_of(report: &Report, d: &Diagnostic, options: &EmitOptions) -> u64 {
    let file = report.sources.get(d.span.file);
    let path = super::repo_path(&file.path, options);
    let flagged = file.text.get(d.span.range()).unwrap_or("").trim();
    let mut parts = vec![d.rule, path.as_str(), d.resource.as_str(), flagged];
    parts.extend(d.path.iter().map(String::as_str));
    crate::diagnostic::stable_hash(parts)
}

/// The witness path as a thread flow: each resource of `Diagnostic.path` at its location
/// when the finding has one for it (the subject, a related location), with related
/// locations that are not on the path (the route) placed before the next one that is.
fn code_flow(report: &Report, d: &Diagnostic, options: &EmitOptions) -> Option<CodeFlow> {
    if d.path.len() < 2 {
        return None;
    }
    let on_path = |name: &str| d.path.iter().any(|p| p == name);
    let related = |r: &crate::diagnostic::Related| {
        flow_location(
            report,
            Some(r.span),
            &r.resource,
            format!("{}: {}", r.resource, r.message),
            options,
        )
    };
    let mut steps: Vec<Location> = Vec::new();
    let mut placed = vec![false; d.related.len()];
    for (i, name) in d.path.iter().enumerate() {
        if i == 0 || *name == d.resource {
            steps.push(flow_location(
                report,
                Some(d.span),
                name,
                name.clone(),
                options,
            ));
        } else if let Some(at) = d.related.iter().position(|r| r.resource == *name) {
            for (j, r) in d.related.iter().enumerate().take(at) {
                if !placed[j] && !on_path(&r.resource) {
                    placed[j] = true;
                    steps.push(related(r));
                }
            }
            placed[at] = true;
            steps.push(related(&d.related[at]));
        } else {
            steps.push(flow_location(report, None, name, name.clone(), options));
        }
    }
    for (j, r) in d.related.iter().enumerate() {
        if !placed[j] && !on_path(&r.resource) {
            steps.push(related(r));
        }
    }
    // Code scanning needs every step to have a physical location: the resources of the path
    // that have none (a subnet, a route table without a finding there) are named in the
    // flow's message only.
    steps.retain(|s| s.physical_location.is_some());
    if steps.len() < 2 {
        return None;
    }
    Some(CodeFlow {
        message: Text::plain(format!("path: {}", d.path.join(" → "))),
        thread_flows: [ThreadFlow {
            locations: steps
                .into_iter()
                .enumerate()
                .map(|(i, location)| ThreadFlowLocation {
                    location,
                    execution_order: i + 1,
                })
                .collect(),
        }],
    })
}

fn flow_location(
    report: &Report,
    span: Option<Span>,
    name: &str,
    message: String,
    options: &EmitOptions,
) -> Location {
    Location {
        id: None,
        physical_location: span.map(|s| physical(report, s, options)),
        logical_locations: resource(name),
        message: Some(Text::plain(message)),
    }
}

/// Renders the report as one SARIF log (pretty-printed, with a trailing newline).
#[must_use]
pub fn render(report: &Report, options: &EmitOptions) -> String {
    let metas = rules::all();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    // GitHub's line hashes of each file with a finding, computed once per file.
    let mut line_hashes: HashMap<crate::source::FileId, Vec<String>> = HashMap::new();
    let results = report
        .diagnostics
        .iter()
        .map(|d| {
            // Two findings with the same identity (rare: the same text flagged twice) get
            // their order among equals appended, so fingerprints stay unique.
            let hash = fingerprint_of(report, d, options);
            let nth = seen.entry(hash).or_insert(0);
            let fingerprint = if *nth == 0 {
                format!("{hash:016x}")
            } else {
                format!("{hash:016x}:{nth}")
            };
            *nth += 1;
            SarifResult {
                rule_id: d.rule,
                rule_index: metas.iter().position(|m| m.id == d.rule).unwrap_or(0),
                level: level(d.severity),
                message: Text::plain(linked_message(d)),
                locations: [Location {
                    id: None,
                    physical_location: Some(physical(report, d.span, options)),
                    logical_locations: resource(&d.resource),
                    message: None,
                }],
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Location {
                        id: Some(i + 1),
                        physical_location: Some(physical(report, r.span, options)),
                        logical_locations: resource(&r.resource),
                        message: Some(Text::plain(format!("{}: {}", r.resource, r.message))),
                    })
                    .collect(),
                code_flows: code_flow(report, d, options).into_iter().collect(),
                baseline_state: report.baseline.as_ref().map(|_| "new"),
                partial_fingerprints: {
                    let mut prints = BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]);
                    let hashes = line_hashes.entry(d.span.file).or_insert_with(|| {
                        super::line_hash::line_hashes(&report.sources.get(d.span.file).text)
                    });
                    let line = span_range(report, d.span).0.line.max(1) as usize;
                    if let Some(hash) = hashes.get(line - 1) {
                        prints.insert(LINE_HASH_KEY, hash.clone());
                    }
                    prints
                },
                properties: (!d.assumptions.is_empty()).then_some(ResultProperties {
                    assumptions: &d.assumptions,
                }),
            }
        })
        .collect();
    let stale = super::stale_entries(report)
        .into_iter()
        .map(|(file, line, text)| {
            let at = LineCol { line, column: 1 };
            Notification {
                level: "note",
                message: Text::plain(text),
                locations: vec![Location {
                    id: None,
                    physical_location: Some(PhysicalLocation {
                        artifact_location: artifact(std::path::Path::new(&file), options),
                        region: region((at, at)),
                    }),
                    logical_locations: Vec::new(),
                    message: None,
                }],
                descriptor: DescriptorReference {
                    id: super::BASELINE_STALE,
                },
            }
        });
    let notifications = report
        .errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text::plain(format!("{}: {}", error_code(e), e.message)),
            locations: vec![Location {
                id: None,
                physical_location: Some(PhysicalLocation {
                    artifact_location: artifact(&e.path, options),
                    region: region(error_range(e)),
                }),
                logical_locations: Vec::new(),
                message: None,
            }],
            descriptor: DescriptorReference { id: error_code(e) },
        })
        .chain(stale)
        .chain(report.notices.iter().map(|n| Notification {
            level: "note",
            message: Text::plain(n.message.clone()),
            locations: vec![Location {
                id: None,
                physical_location: Some(PhysicalLocation {
                    artifact_location: artifact(&n.path, options),
                    region: region((super::notice_at(report, n), super::notice_at(report, n))),
                }),
                logical_locations: Vec::new(),
                message: None,
            }],
            descriptor: DescriptorReference { id: n.code },
        }))
        .collect();
    let repository = env!("CARGO_PKG_REPOSITORY");
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "vpclint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: (!repository.is_empty()).then_some(repository),
                    rules: metas.iter().map(|m| rule(m, options)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: options.repo_root.as_ref().map(|root| {
                let mut uri = file_uri(&super::normalize(root));
                if !uri.ends_with('/') {
                    uri.push('/');
                }
                BTreeMap::from([(
                    SRCROOT,
                    ArtifactLocation {
                        uri,
                        uri_base_id: None,
                    },
                )])
            }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("the log serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_descriptions_are_cut_at_a_sentence_within_the_limit() {
        let sentence = "An instance reaches an endpoint over peering. ";
        let long = sentence.repeat(40);
        let cut = super::bounded(long.trim(), super::MAX_DESCRIPTION);
        assert!(cut.chars().count() <= super::MAX_DESCRIPTION);
        assert!(cut.ends_with("peering.…"), "{cut}");
        assert!(cut.chars().count() > super::MAX_DESCRIPTION - sentence.len());
        // One long word: cut inside it rather than not at all.
        let word = "é".repeat(2000);
        assert_eq!(super::bounded(&word, 10).chars().count(), 10);
        assert_eq!(super::bounded("short.", 10), "short.");
        assert_eq!(
            super::full_description("Flags **this**\nand that:\n\n- a\n- b"),
            "Flags this and that."
        );
    }
}
