//! The `check` entry point: inputs in, diagnostics, errors and counts out. The CLI (and the
//! language server, later) call this and nothing below it. Pure: no IO.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{FileKind, Input, ReadError};
use crate::lower::{self, LowerOptions, ParsedFile};
use crate::reach;
use crate::rules::{self, RuleContext, Settings};
use crate::source::{FileId, LineCol, SourceFile, SourceMap, Span};
use crate::syntax::{cloudformation, terraform, terraform_json, SyntaxError};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub settings: Settings,
    pub lower: LowerOptions,
}

/// A file that could not be (fully) read or parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: PathBuf,
    pub location: LineCol,
    pub end_location: Option<LineCol>,
    pub message: String,
    /// The span, when the file is in the source map (for snippets).
    pub span: Option<Span>,
}

/// Something vpclint could not check, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedItem {
    pub resource: String,
    pub reason: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Terraform and CloudFormation files read (with or without errors).
    pub files: usize,
    pub resources: usize,
    pub diagnostics: usize,
    pub errors: usize,
    /// Compute resources and endpoints that could not be (fully) checked.
    pub unchecked: usize,
    /// YAML/JSON files that are not CloudFormation templates.
    pub skipped: usize,
}

/// Everything one run produced.
#[derive(Debug)]
pub struct Report {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    pub unchecked: Vec<UncheckedItem>,
    pub summary: Summary,
}

impl Report {
    /// The highest severity among the diagnostics.
    #[must_use]
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// Runs the whole pipeline over files already read.
#[must_use]
pub fn check(
    inputs: Vec<Input>,
    read_errors: Vec<ReadError>,
    skipped: usize,
    options: &Options,
) -> Report {
    let mut sources = SourceMap::default();
    let mut errors: Vec<FileError> = read_errors
        .into_iter()
        .map(|e| {
            let (line, column) = e.location.unwrap_or((1, 1));
            FileError {
                path: e.path,
                location: LineCol { line, column },
                end_location: None,
                message: e.message,
                span: None,
            }
        })
        .collect();
    let mut skipped = skipped;
    let mut parsed = Vec::new();
    let mut files = 0;
    for input in inputs {
        let kind = input.kind;
        let id = sources.add(SourceFile::new(input.path, input.text));
        let text = &sources.get(id).text;
        let (file, syntax_errors) = match kind {
            FileKind::Terraform => {
                let p = terraform::parse(text);
                (
                    Some(ParsedFile::Terraform {
                        file: id,
                        body: p.tree,
                    }),
                    p.errors,
                )
            }
            FileKind::TerraformJson => {
                let p = terraform_json::parse(text);
                let body = p.tree;
                (Some(ParsedFile::Terraform { file: id, body }), p.errors)
            }
            FileKind::TerraformVars => {
                let p = terraform::parse(text);
                let body = p.tree;
                (Some(ParsedFile::TerraformVars { file: id, body }), p.errors)
            }
            FileKind::TerraformVarsJson => {
                let p = terraform_json::parse_vars(text);
                let body = p.tree;
                (Some(ParsedFile::TerraformVars { file: id, body }), p.errors)
            }
            FileKind::TerraformModules | FileKind::TerraformPlan => {
                let p = crate::syntax::json::parse(text);
                let file = p.tree.map(|root| match kind {
                    FileKind::TerraformPlan => ParsedFile::TerraformPlan { file: id, root },
                    _ => ParsedFile::TerraformModules { file: id, root },
                });
                (file, p.errors)
            }
            FileKind::CloudFormationYaml | FileKind::CloudFormationJson => {
                let format = if kind == FileKind::CloudFormationJson {
                    cloudformation::Format::Json
                } else {
                    cloudformation::Format::Yaml
                };
                let p = cloudformation::parse(text, format);
                match p.tree {
                    Some(root) if cloudformation::is_template(&root) => (
                        Some(ParsedFile::CloudFormation { file: id, root }),
                        p.errors,
                    ),
                    // It looked like a template but did not parse as one: report why.
                    _ if !p.errors.is_empty() => (None, p.errors),
                    _ => {
                        skipped += 1;
                        continue;
                    }
                }
            }
        };
        files += 1;
        errors.extend(
            syntax_errors
                .into_iter()
                .map(|e| file_error(&sources, id, &e)),
        );
        parsed.extend(file);
    }

    let (graph, lower_errors) = lower::lower(
        &parsed,
        &|id: FileId| sources.get(id).path.clone(),
        &options.lower,
    );
    errors.extend(lower_errors.into_iter().map(|e| {
        file_error(
            &sources,
            e.span.file,
            &SyntaxError::new(e.span.range(), e.message),
        )
    }));
    let index = graph.index();
    let analysis = reach::analyse(&graph, &index);
    let ctx = RuleContext {
        graph: &graph,
        index: &index,
        analysis: &analysis,
        settings: &options.settings,
    };
    // Resources lowered once per CloudFormation condition combination give copies of a
    // finding: one is kept, naming the conditions it holds under when not all.
    let mut diagnostics = lower::cloudformation::merge_variants(&graph, rules::run(&ctx));
    diagnostics.sort_by(|a, b| {
        let pa = &sources.get(a.span.file).path;
        let pb = &sources.get(b.span.file).path;
        (pa, a.span.start, a.rule, &a.message).cmp(&(pb, b.span.start, b.rule, &b.message))
    });
    errors.sort();

    // Copies of one resource (condition combinations) are reported and counted once; notes
    // of the lowering (e.g. remote nested stacks) are unchecked items too.
    let mut unchecked: Vec<UncheckedItem> = analysis
        .unchecked
        .iter()
        .map(|u| UncheckedItem {
            resource: graph.get(u.resource).address.clone(),
            reason: u.reason.clone(),
            span: u.span,
        })
        .chain(graph.notes().iter().map(|n| UncheckedItem {
            resource: n.address.clone(),
            reason: n.reason.clone(),
            span: n.span,
        }))
        .collect();
    let mut seen = std::collections::HashSet::new();
    unchecked.retain(|u| seen.insert((u.resource.clone(), u.reason.clone(), u.span)));
    let mut unchecked_resources: Vec<_> = analysis
        .unchecked
        .iter()
        .map(|u| {
            (
                graph.get(u.resource).address.as_str(),
                graph.get(u.resource).span.file,
            )
        })
        .chain(
            graph
                .notes()
                .iter()
                .map(|n| (n.address.as_str(), n.span.file)),
        )
        .collect();
    unchecked_resources.sort();
    unchecked_resources.dedup();
    let mut resources: Vec<_> = graph
        .iter()
        .map(|(_, r)| (r.address.as_str(), r.span))
        .collect();
    resources.sort();
    resources.dedup();

    let summary = Summary {
        files,
        resources: resources.len(),
        diagnostics: diagnostics.len(),
        errors: errors.len(),
        unchecked: unchecked_resources.len(),
        skipped,
    };
    Report {
        sources,
        diagnostics,
        errors,
        unchecked,
        summary,
    }
}

fn file_error(sources: &SourceMap, id: FileId, e: &SyntaxError) -> FileError {
    let file = sources.get(id);
    let span = Span::new(id, e.range.clone());
    FileError {
        path: file.path.clone(),
        location: file.line_col(span.start),
        end_location: Some(file.line_col(span.end)),
        message: e.message.clone(),
        span: Some(span),
    }
}
