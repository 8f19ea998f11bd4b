//! One unit through the graph steps: lower its files into a graph of its own, analyse
//! reachability, run the rules, merge CloudFormation variants, apply its suppressions.
//!
//! A unit is what [`crate::lower::units`] returns: files that are lowered together and that
//! nothing outside links to. Its output depends on its files' contents and the options
//! only, so a session keeps it until one of its files changes.

use std::collections::HashSet;

use super::contain;
use super::{internal_error_at, FileError, Options, UncheckedItem};
use crate::diagnostic::Diagnostic;
use crate::lower::FileKind;
use crate::lower::{self, LowerError, ParsedFile};
use crate::model::{Graph, ResourceId};
use crate::reach;
use crate::rules::{self, RuleContext, Verdict};
use crate::source::{FileId, SourceMap, Span};
use crate::suppress;

/// What one unit produced; merged with the other units' into the report.
#[derive(Debug, Default)]
pub(super) struct UnitOutput {
    /// Findings left after the unit's suppressions (SUP001/SUP002 come later, from every
    /// unit's directives).
    pub diagnostics: Vec<Diagnostic>,
    pub directives: suppress::Directives,
    pub suppressed: usize,
    /// Lowering errors, and internal errors of lowering and suppression.
    pub errors: Vec<FileError>,
    /// Rules that panicked, with the message (reported once per rule over all units).
    pub rule_panics: Vec<(&'static str, String, FileId)>,
    /// The questions the rules could not answer, and what the lowering could not analyse.
    pub unchecked: Vec<UncheckedItem>,
    /// Whether the unit's graph has interface endpoints.
    pub has_endpoints: bool,
    /// Compute resources whose subnets are not known, in a unit without interface
    /// endpoints: unchecked when another unit has some.
    pub unknown_subnets: Vec<UncheckedItem>,
    /// Distinct resources (copies of a resource across condition combinations are one).
    pub resources: usize,
    /// Module calls whose registry or git source was not supplied: (address, call).
    pub unsupplied: Vec<(String, Span)>,
}

/// A file of the unit as the steps need it.
pub(super) struct UnitFile<'a> {
    pub id: FileId,
    pub parsed: &'a ParsedFile,
    pub kind: FileKind,
}

/// Runs the graph steps over one unit. `lower` is false for the files in no unit: they are
/// not lowered, but their suppression comments are still read.
pub(super) fn run(
    files: &[UnitFile<'_>],
    lower: bool,
    sources: &SourceMap,
    options: &Options,
) -> UnitOutput {
    let mut out = UnitOutput::default();
    let Some(first) = files.first().map(|f| f.id) else {
        return out;
    };
    let graph = if lower {
        let parsed: Vec<&ParsedFile> = files.iter().map(|f| f.parsed).collect();
        lower_contained(&parsed, first, sources, options, &mut out.errors)
    } else {
        Graph::default()
    };
    let index = graph.index();
    let analysis = reach::analyse(&graph, &index);
    let ctx = RuleContext::new(&graph, &index, &analysis, &options.settings);
    let mut found = Vec::new();
    for id in rules::registered_ids() {
        if !options.rules.enabled(id) || rules::SUPPRESSION_RULES.contains(&id) {
            continue;
        }
        let result = contain::contain(|| {
            contain::inject::point("rule", || id.to_owned());
            rules::judge(id, &ctx)
        });
        let judged = match result {
            Ok(judged) => judged,
            Err(message) => {
                out.rule_panics.push((id, message, first));
                continue;
            }
        };
        for j in judged {
            match j.verdict {
                Verdict::Finding(d) => found.push(*d),
                Verdict::Pass => {}
                Verdict::Unchecked(u) => {
                    let (span, reason) =
                        at_call_site(sources, &graph, Some(u.resource), u.why.span, u.why.reason);
                    let item = UncheckedItem {
                        resource: graph.get(u.resource).address.clone(),
                        reason,
                        cause: u.why.cause,
                        span,
                        rules: vec![id],
                    };
                    if u.if_endpoints_elsewhere {
                        out.unknown_subnets.push(item);
                    } else {
                        out.unchecked.push(item);
                    }
                }
            }
        }
    }
    // Findings in code that is not the user's are reported where the user calls it.
    rules::call_sites::relocate(&graph, &mut found);
    // Resources lowered once per CloudFormation condition combination give copies of a
    // finding: one is kept, naming the conditions it holds under when not all.
    let merged = lower::language::merge(&graph, found);
    // Suppressions read comments: a bug there must not cost the findings, so it is
    // contained like the other steps, and the findings are kept unsuppressed.
    let comment_files: Vec<(FileId, FileKind)> = files.iter().map(|f| (f.id, f.kind)).collect();
    let unsuppressed = merged.clone();
    let applied = contain::contain(|| {
        suppress::apply(
            &suppress::Input {
                sources,
                files: &comment_files,
                graph: &graph,
            },
            merged,
        )
    });
    match applied {
        Ok(outcome) => {
            out.diagnostics = outcome.diagnostics;
            out.suppressed = outcome.suppressed;
            out.directives = outcome.directives;
        }
        Err(message) => {
            out.errors
                .push(internal_error_at(sources, first, "suppressions", &message));
            out.diagnostics = unsuppressed;
        }
    }

    out.unchecked.extend(graph.notes().iter().map(|n| {
        let (span, reason) = at_call_site(sources, &graph, None, n.span, n.reason.clone());
        UncheckedItem {
            resource: n.address.clone(),
            reason,
            cause: n.reason.clone(),
            span,
            rules: Vec::new(),
        }
    }));
    super::merge_unchecked(&mut out.unchecked);
    super::merge_unchecked(&mut out.unknown_subnets);
    out.unsupplied = graph
        .unsupplied()
        .iter()
        .map(|n| (n.address.clone(), n.span))
        .collect();
    out.has_endpoints = !analysis.endpoints.is_empty();
    out.resources = distinct(graph.iter().map(|(id, _)| id), &graph);
    out
}

/// The graph of a unit, lowered again (sessions keep no graph): what `vpclint graph` draws.
/// Lowering errors are already in the report; a panic gives an empty graph.
pub(super) fn lower_unit(files: &[UnitFile<'_>], sources: &SourceMap, options: &Options) -> Graph {
    let Some(first) = files.first().map(|f| f.id) else {
        return Graph::default();
    };
    let parsed: Vec<&ParsedFile> = files.iter().map(|f| f.parsed).collect();
    lower_contained(&parsed, first, sources, options, &mut Vec::new())
}

/// How many distinct resources: the copies of a resource lowered once per CloudFormation
/// condition combination are one; everything else (even two instances of one module, which
/// share an address and a span) is itself.
fn distinct(ids: impl Iterator<Item = ResourceId>, graph: &Graph) -> usize {
    #[derive(PartialEq, Eq, Hash)]
    enum Identity<'g> {
        Own(ResourceId),
        Copy(u32, &'g str, Span),
    }
    let identities: HashSet<Identity<'_>> = ids
        .map(|id| {
            let r = graph.get(id);
            match r.variant {
                Some(v) => Identity::Copy(v.set, r.address.as_str(), r.span),
                None => Identity::Own(id),
            }
        })
        .collect();
    identities.len()
}

/// Lowers with panics contained: a panic gives an error on the unit's first file and an
/// empty graph.
fn lower_contained(
    files: &[&ParsedFile],
    first: FileId,
    sources: &SourceMap,
    options: &Options,
    errors: &mut Vec<FileError>,
) -> Graph {
    let paths = |id: FileId| sources.get(id).path.clone();
    let lowered = contain::contain(|| {
        for f in files {
            contain::inject::point("lowering", || paths(f.file()).display().to_string());
        }
        lower::lower(files, &paths, &options.lower)
    });
    match lowered {
        Ok((graph, lower_errors)) => {
            errors.extend(lower_errors.into_iter().map(|e| lower_error(sources, e)));
            graph
        }
        Err(message) => {
            errors.push(internal_error_at(sources, first, "lowering", &message));
            Graph::default()
        }
    }
}

fn lower_error(sources: &SourceMap, e: LowerError) -> FileError {
    super::file_error(
        sources,
        e.span.file,
        &crate::syntax::SyntaxError::new(e.span.range(), e.message),
    )
}

/// An unchecked item's place and reason, moved to the call site when the unknown value is
/// in code that is not the user's (the reason then says where it is).
fn at_call_site(
    sources: &SourceMap,
    graph: &Graph,
    subject: Option<ResourceId>,
    span: Span,
    reason: String,
) -> (Span, String) {
    match rules::call_sites::site_for(graph, subject, span) {
        Some(site) => {
            let file = sources.get(span.file);
            let at = file.line_col(span.start);
            (
                site.span,
                format!(
                    "{reason} (in {}, {}:{})",
                    site.address,
                    file.path.display(),
                    at.line
                ),
            )
        }
        None => (span, reason),
    }
}
