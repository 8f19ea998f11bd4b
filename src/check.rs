//! The `check` entry point: inputs in, diagnostics, errors and counts out. The CLI and the
//! language server call this and nothing below it. Pure: no IO.
//!
//! The steps: parse each file; lower the parsed files into one graph; analyse reachability;
//! run each enabled rule's query; merge CloudFormation variants; apply suppressions (and
//! check them: SUP001/SUP002, see `crate::suppress`); apply severity overrides; sort.
//!
//! **Panics are contained** (`contain.rs`): a panic while parsing one file, lowering one
//! module or running one rule becomes a [`FileError`] ("internal error in <stage>: …; please
//! report") and the run goes on without that file, module or rule.

mod contain;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::RuleSelection;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{FileKind, Input, ReadError};
use crate::lower::{self, LowerOptions, ParsedFile};
use crate::reach;
use crate::rules::{self, RuleContext, Settings};
use crate::source::{FileId, LineCol, SourceFile, SourceMap, Span};
use crate::suppress::{self, CommentSyntax};
use crate::syntax::{cloudformation, terraform, terraform_json, SyntaxError};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub settings: Settings,
    pub lower: LowerOptions,
    /// Which rules run, and severity overrides (`.vpclint.toml`, `--select`, `--ignore`).
    pub rules: RuleSelection,
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
    /// Findings not reported because a `vpclint:ignore` comment or `Metadata.vpclint`
    /// suppressed them.
    pub suppressed: usize,
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

    /// Keeps only what concerns the files `wanted` accepts (diff-aware runs): findings whose
    /// primary or a related location is in one, errors and unchecked items in one. The
    /// counts of the summary follow; `files`, `resources`, `skipped` and `suppressed` still
    /// describe the whole run.
    pub fn retain_files(&mut self, wanted: impl Fn(&std::path::Path) -> bool) {
        let sources = &self.sources;
        let in_wanted = |span: Span| wanted(&sources.get(span.file).path);
        self.diagnostics
            .retain(|d| in_wanted(d.span) || d.related.iter().any(|r| in_wanted(r.span)));
        self.errors.retain(|e| wanted(&e.path));
        self.unchecked.retain(|u| in_wanted(u.span));
        self.summary.diagnostics = self.diagnostics.len();
        self.summary.errors = self.errors.len();
        let mut resources: Vec<(&str, FileId)> = self
            .unchecked
            .iter()
            .map(|u| (u.resource.as_str(), u.span.file))
            .collect();
        resources.sort_unstable();
        resources.dedup();
        self.summary.unchecked = resources.len();
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
    let mut comment_files = Vec::new();
    let mut files = 0;
    // Line indexes and parsing are per file and independent: done on the thread pool, then
    // folded in input order (file ids, errors and the graph do not depend on scheduling).
    let kinds: Vec<FileKind> = inputs.iter().map(|i| i.kind).collect();
    let built: Vec<SourceFile> = inputs
        .into_par_iter()
        .map(|input| SourceFile::new(input.path, input.text))
        .collect();
    let ids: Vec<FileId> = built.into_iter().map(|f| sources.add(f)).collect();
    let results: Vec<_> = ids
        .par_iter()
        .zip(kinds.par_iter())
        .map(|(&id, &kind)| {
            let file = sources.get(id);
            contain::contain(|| {
                contain::inject::point("parsing", || file.path.display().to_string());
                parse(id, kind, &file.text)
            })
        })
        .collect();
    for ((id, kind), parse) in ids.into_iter().zip(kinds).zip(results) {
        let (file, syntax_errors) = match parse {
            Ok(Parsed::File(file, errors)) => (file, errors),
            Ok(Parsed::Skipped) => {
                skipped += 1;
                continue;
            }
            Err(message) => {
                let message = contain::internal_error("parsing", &message);
                (None, vec![SyntaxError::new(0..0, message)])
            }
        };
        files += 1;
        errors.extend(
            syntax_errors
                .into_iter()
                .map(|e| file_error(&sources, id, &e)),
        );
        if file.is_some() {
            comment_files.push((id, comment_syntax(kind)));
        }
        parsed.extend(file);
    }

    let (graph, lower_errors) = lower_contained(parsed, &sources, &options.lower, &mut errors);
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
    let found = run_rules(&ctx, &options.rules, &sources, &mut errors);
    // Resources lowered once per CloudFormation condition combination give copies of a
    // finding: one is kept, naming the conditions it holds under when not all.
    let merged = lower::cloudformation::merge_variants(&graph, found);
    // Suppressions read comments in every file: a bug there must not cost the findings, so
    // it is contained like the other stages, and the findings are kept unsuppressed.
    let unsuppressed = merged.clone();
    let applied = contain::contain(|| {
        suppress::apply(
            &suppress::Input {
                sources: &sources,
                files: &comment_files,
                graph: &graph,
                rules: &options.rules,
            },
            merged,
        )
    });
    let suppress::Outcome {
        mut diagnostics,
        suppressed,
    } = applied.unwrap_or_else(|message| {
        if let Some((id, _)) = sources.iter().next() {
            let e = SyntaxError::new(0..0, contain::internal_error("suppressions", &message));
            errors.push(file_error(&sources, id, &e));
        }
        suppress::Outcome {
            diagnostics: unsuppressed,
            suppressed: 0,
        }
    });
    for d in &mut diagnostics {
        d.severity = options.rules.severity(d.rule, d.severity);
    }
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
    let mut unchecked_resources: Vec<Identity<'_>> = analysis
        .unchecked
        .iter()
        .map(|u| identity(&graph, u.resource))
        .chain(
            graph
                .notes()
                .iter()
                .map(|n| Identity::Note(n.address.as_str(), n.span)),
        )
        .collect();
    unchecked_resources.sort();
    unchecked_resources.dedup();
    let mut resources: Vec<Identity<'_>> =
        graph.iter().map(|(id, _)| identity(&graph, id)).collect();
    resources.sort();
    resources.dedup();

    let summary = Summary {
        files,
        resources: resources.len(),
        diagnostics: diagnostics.len(),
        errors: errors.len(),
        unchecked: unchecked_resources.len(),
        skipped,
        suppressed,
    };
    Report {
        sources,
        diagnostics,
        errors,
        unchecked,
        summary,
    }
}

/// What makes two graph elements one resource for the counts: the copies of a resource
/// lowered once per CloudFormation condition combination are one; everything else (even two
/// instances of one module, which share an address and a span) is itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Identity<'g> {
    Own(crate::model::ResourceId),
    Copy(u32, &'g str, Span),
    Note(&'g str, Span),
}

fn identity(graph: &crate::model::Graph, id: crate::model::ResourceId) -> Identity<'_> {
    let r = graph.get(id);
    match r.variant {
        Some(v) => Identity::Copy(v.set, r.address.as_str(), r.span),
        None => Identity::Own(id),
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

/// The outcome of parsing one input.
enum Parsed {
    /// What was built (nothing when the file did not parse as what it looked like), and
    /// the syntax errors.
    File(Option<ParsedFile>, Vec<SyntaxError>),
    /// A YAML or JSON file that is not a CloudFormation template after all.
    Skipped,
}

/// Parses one input by its kind.
fn parse(id: FileId, kind: FileKind, text: &str) -> Parsed {
    match kind {
        FileKind::Terraform => {
            let p = terraform::parse(text);
            let body = p.tree;
            Parsed::File(Some(ParsedFile::Terraform { file: id, body }), p.errors)
        }
        FileKind::TerraformJson => {
            let p = terraform_json::parse(text);
            let body = p.tree;
            Parsed::File(Some(ParsedFile::Terraform { file: id, body }), p.errors)
        }
        FileKind::TerraformVars => {
            let p = terraform::parse(text);
            let body = p.tree;
            Parsed::File(Some(ParsedFile::TerraformVars { file: id, body }), p.errors)
        }
        FileKind::TerraformVarsJson => {
            let p = terraform_json::parse_vars(text);
            let body = p.tree;
            Parsed::File(Some(ParsedFile::TerraformVars { file: id, body }), p.errors)
        }
        FileKind::TerraformModules | FileKind::TerraformPlan => {
            let p = crate::syntax::json::parse(text);
            let file = p.tree.map(|root| match kind {
                FileKind::TerraformPlan => ParsedFile::TerraformPlan { file: id, root },
                _ => ParsedFile::TerraformModules { file: id, root },
            });
            Parsed::File(file, p.errors)
        }
        FileKind::CloudFormationYaml | FileKind::CloudFormationJson => {
            let format = if kind == FileKind::CloudFormationJson {
                cloudformation::Format::Json
            } else {
                cloudformation::Format::Yaml
            };
            let p = cloudformation::parse(text, format);
            match p.tree {
                Some(root) if cloudformation::is_template(&root) => Parsed::File(
                    Some(ParsedFile::CloudFormation { file: id, root }),
                    p.errors,
                ),
                // It looked like a template but did not parse as one: report why.
                _ if !p.errors.is_empty() => Parsed::File(None, p.errors),
                _ => Parsed::Skipped,
            }
        }
    }
}

/// Where suppression comments can be, by file kind.
fn comment_syntax(kind: FileKind) -> CommentSyntax {
    match kind {
        FileKind::Terraform | FileKind::TerraformVars => CommentSyntax::Hcl,
        FileKind::CloudFormationYaml => CommentSyntax::Yaml,
        FileKind::TerraformJson
        | FileKind::TerraformVarsJson
        | FileKind::TerraformModules
        | FileKind::TerraformPlan
        | FileKind::CloudFormationJson => CommentSyntax::None,
    }
}

fn file_id(file: &ParsedFile) -> FileId {
    match file {
        ParsedFile::Terraform { file, .. }
        | ParsedFile::TerraformVars { file, .. }
        | ParsedFile::TerraformModules { file, .. }
        | ParsedFile::TerraformPlan { file, .. }
        | ParsedFile::CloudFormation { file, .. } => *file,
    }
}

/// Lowers with panics contained. Normally one call. When it panics, each unit (a Terraform
/// directory, i.e. a module with its variable files and plan; any other file alone) is
/// lowered alone to find the ones that panic; each gets an error on its first file, and the
/// others are lowered together. When that still panics (the panic needs several units),
/// the graph is empty and the error is on the run's first file.
fn lower_contained(
    parsed: Vec<ParsedFile>,
    sources: &SourceMap,
    options: &LowerOptions,
    errors: &mut Vec<FileError>,
) -> (crate::model::Graph, Vec<lower::LowerError>) {
    let paths = |id: FileId| sources.get(id).path.clone();
    let attempt = |files: &[ParsedFile]| {
        contain::contain(|| {
            for f in files {
                contain::inject::point("lowering", || paths(file_id(f)).display().to_string());
            }
            lower::lower(files, &paths, options)
        })
    };
    if let Ok(lowered) = attempt(&parsed) {
        return lowered;
    }
    let mut units: Vec<(std::path::PathBuf, Vec<ParsedFile>)> = Vec::new();
    for file in parsed {
        let path = paths(file_id(&file));
        let key = match file {
            ParsedFile::CloudFormation { .. } => path,
            _ => path
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default(),
        };
        match units.iter_mut().find(|(k, _)| *k == key) {
            Some((_, unit)) => unit.push(file),
            None => units.push((key, vec![file])),
        }
    }
    let first_file = units.first().and_then(|(_, u)| u.first()).map(file_id);
    let mut healthy = Vec::new();
    for (_, unit) in units {
        match attempt(&unit) {
            Ok(_) => healthy.extend(unit),
            Err(message) => errors.push(internal_error_at(
                sources,
                file_id(&unit[0]),
                "lowering",
                &message,
            )),
        }
    }
    match attempt(&healthy) {
        Ok(lowered) => lowered,
        Err(message) => {
            if let Some(id) = first_file {
                errors.push(internal_error_at(sources, id, "lowering", &message));
            }
            (crate::model::Graph::default(), Vec::new())
        }
    }
}

/// Runs every enabled rule's query, each with panics contained (a panicking rule gives an
/// error on the run's first file and no findings).
fn run_rules(
    ctx: &RuleContext<'_>,
    selection: &RuleSelection,
    sources: &SourceMap,
    errors: &mut Vec<FileError>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for id in rules::registered_ids() {
        if !selection.enabled(id) || rules::SUPPRESSION_RULES.contains(&id) {
            continue;
        }
        let found = contain::contain(|| {
            contain::inject::point("rule", || id.to_owned());
            rules::run_one(id, ctx)
        });
        match found {
            Ok(found) => out.extend(found),
            Err(message) => {
                if let Some((first, _)) = sources.iter().next() {
                    let stage = format!("rule {id}");
                    errors.push(internal_error_at(sources, first, &stage, &message));
                }
            }
        }
    }
    out
}

fn internal_error_at(sources: &SourceMap, id: FileId, stage: &str, message: &str) -> FileError {
    file_error(
        sources,
        id,
        &SyntaxError::new(0..0, contain::internal_error(stage, message)),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::contain::inject;
    use super::{check, Options, Report};
    use crate::discover::{FileKind, Input};

    const XEN_OVER_PEERING: &str =
        include_str!("../fixtures/VPC001/fail/tf-m4-over-peering/main.tf");

    fn run() -> Report {
        let inputs = vec![
            Input {
                path: PathBuf::from("bad/main.tf"),
                kind: FileKind::Terraform,
                text: "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"
                    .to_owned(),
            },
            Input {
                path: PathBuf::from("good/main.tf"),
                kind: FileKind::Terraform,
                text: XEN_OVER_PEERING.to_owned(),
            },
        ];
        check(inputs, Vec::new(), 0, &Options::default())
    }

    fn errors(report: &Report) -> Vec<(String, String)> {
        report
            .errors
            .iter()
            .map(|e| (e.path.display().to_string(), e.message.clone()))
            .collect()
    }

    fn rules(report: &Report) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn without_a_panic_nothing_is_lost() {
        let _armed = inject::set(None);
        let report = run();
        assert!(report.errors.is_empty());
        assert_eq!(rules(&report), ["DNS001", "VPC001"]);
    }

    #[test]
    fn a_panic_while_parsing_a_file_is_an_error_for_that_file() {
        let _armed = inject::set(Some(("parsing", "bad/main.tf")));
        let report = run();
        let errors = errors(&report);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "bad/main.tf");
        assert!(
            errors[0].1.starts_with(
                "internal error in parsing: injected failure in parsing of bad/main.tf"
            ) && errors[0].1.ends_with("; please report"),
            "{errors:?}"
        );
        assert_eq!(rules(&report), ["DNS001", "VPC001"]);
        assert_eq!(report.summary.files, 2);
    }

    #[test]
    fn a_panic_while_lowering_a_module_is_an_error_for_its_first_file() {
        let _armed = inject::set(Some(("lowering", "bad/main.tf")));
        let report = run();
        let errors = errors(&report);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "bad/main.tf");
        assert!(
            errors[0]
                .1
                .starts_with("internal error in lowering: injected"),
            "{errors:?}"
        );
        // The other module is lowered and checked; the failed one has no resources.
        assert_eq!(rules(&report), ["DNS001", "VPC001"]);
        assert!(report.diagnostics.iter().all(|d| d.span.file.0 == 1));
    }

    #[test]
    fn a_panic_in_a_rule_is_an_error_and_the_other_rules_run() {
        let _armed = inject::set(Some(("rule", "VPC001")));
        let report = run();
        let errors = errors(&report);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .1
                .starts_with("internal error in rule VPC001: injected"),
            "{errors:?}"
        );
        assert_eq!(rules(&report), ["DNS001"]);
    }
}
