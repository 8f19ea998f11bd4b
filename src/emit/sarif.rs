//! `--format sarif`: SARIF 2.1.0 (OASIS), as code-scanning services read it
//! (`github/codeql-action/upload-sarif`).
//!
//! - `tool.driver.rules` holds every rule of the registry with its metadata; results point
//!   at them with `ruleId` and `ruleIndex`.
//! - Paths are relative to the repository root (`uriBaseId: %SRCROOT%`), percent-encoded,
//!   never starting with `/` or `./` (checkov #1599); regions are 1-based and columns count
//!   Unicode code points (`columnKind`).
//! - Each result has its related locations, a `codeFlows` entry following the witness path,
//!   and a `partialFingerprints` entry that does not depend on line numbers, so alerts
//!   survive edits elsewhere in the file.
//! - File errors are `invocations[0].toolExecutionNotifications`.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{
    error_code, error_range, file_uri, locate, rule_url, span_range, EmitOptions, Located,
};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, meta::RuleMeta};
use crate::source::{LineCol, Span};

/// The schema this output conforms to (the OASIS 2.1.0 errata 01 schema).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of vpclint's entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vpclint/v1";

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
        Located::InRepository(p) | Located::Relative(p) => {
            let mut uri = String::new();
            super::percent_encode_path(&p, &mut uri);
            ArtifactLocation {
                uri,
                uri_base_id: Some(SRCROOT),
            }
        }
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
        short_description: Text::plain(meta.summary.trim()),
        full_description: Text::plain(docs.what.trim()),
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
    }
}

/// 64-bit FNV-1a: small, stable across Rust versions and platforms (std's hasher is not).
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// What identifies a finding regardless of where in its file it sits: the rule, the file,
/// the resource, the witness path and the flagged text (`"m4.large"`).
fn fingerprint_of(report: &Report, d: &Diagnostic, options: &EmitOptions) -> u64 {
    let file = report.sources.get(d.span.file);
    let path = super::repo_path(&file.path, options);
    let flagged = file.text.get(d.span.range()).unwrap_or("").trim();
    let mut parts = vec![d.rule, path.as_str(), d.resource.as_str(), flagged];
    parts.extend(d.path.iter().map(String::as_str));
    // Each part NUL-terminated, so that ("ab", "c") and ("a", "bc") differ.
    fnv1a(parts.iter().flat_map(|p| p.bytes().chain([0])))
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
                message: Text::plain(&d.message),
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
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
                properties: (!d.assumptions.is_empty()).then_some(ResultProperties {
                    assumptions: &d.assumptions,
                }),
            }
        })
        .collect();
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
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(super::fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a(*b"foobar"), 0x8594_4171_f739_67e8);
    }
}
