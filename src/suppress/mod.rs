//! Suppressions: `# vpclint:ignore[VPC001] reason` comments and CloudFormation
//! `Metadata: {vpclint: {ignore: […]}}`, applied to the findings of the other rules, and the
//! two rules about the suppressions themselves (SUP001 no reason, SUP002 unused).
//!
//! This runs in `check::check` after every rule query and after CloudFormation variants were
//! merged, outside the rule registry's queries: it needs the findings of the other rules,
//! and the source text for comments. SUP001 and SUP002 have rule files and fixtures like
//! every rule; `rules::SUPPRESSION_RULES` names them in the registry.
//!
//! A directive applies to one resource's *extent* ([`crate::model::Resource::extent`]): the
//! resource whose extent contains the comment, else the resource whose extent starts right
//! after it (only whitespace and other comments between). It suppresses the findings of the
//! rules it names whose primary location lies in that extent. Every graph resource with the
//! same extent (module instances, condition variants) is covered.

use std::collections::HashSet;

use crate::syntax::directive;

use crate::config::RuleSelection;
use crate::diagnostic::Diagnostic;
use crate::lower::FileKind;
use crate::model::{Graph, Suppression};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::comments;

/// What suppression needs from the run.
pub struct Input<'a> {
    pub sources: &'a SourceMap,
    /// The files that may hold directives, with their kinds (which say where comments are).
    pub files: &'a [(FileId, FileKind)],
    pub graph: &'a Graph,
}

/// What applying the suppressions of one unit gives: the findings left, how many were
/// suppressed, and the directives seen with what they suppressed (for [`report`], which
/// needs every unit's: a module's directive may suppress a finding in one unit only).
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub suppressed: usize,
    pub directives: Directives,
}

/// The directives of one unit, each with its target and what it suppressed.
#[derive(Clone, Debug, Default)]
pub struct Directives(Vec<Directive>);

/// One directive, with the resource it applies to.
#[derive(Clone, Debug)]
struct Directive {
    suppression: Suppression,
    malformed: bool,
    /// A comment that was meant as a directive but is not one (`vpclint: ignore[`), as
    /// written up to its bracket.
    near_miss: Option<String>,
    /// The extent of the resource it applies to, and that resource's address.
    target: Option<(Span, String)>,
    /// Per rule of `suppression.rules`: whether it suppressed a finding.
    used: Vec<bool>,
}

/// Applies every suppression of one unit (its graph, the files it read) to its findings.
#[must_use]
pub fn apply(input: &Input<'_>, diagnostics: Vec<Diagnostic>) -> Outcome {
    let extents = extents(input.graph);
    let mut directives = comment_directives(input, &extents);
    directives.extend(metadata_directives(input.graph));
    let mut kept = Vec::with_capacity(diagnostics.len());
    let mut suppressed = 0;
    for d in diagnostics {
        if suppress(&mut directives, &d) {
            suppressed += 1;
        } else {
            kept.push(d);
        }
    }
    Outcome {
        diagnostics: kept,
        suppressed,
        directives: Directives(directives),
    }
}

/// SUP001 and SUP002 over the directives of every unit. A directive seen by several units
/// (in a module several roots call) is one: it applies to the first resource a unit found
/// for it, and it is used when it suppressed something in any unit.
#[must_use]
pub fn report<'a>(
    rules: &RuleSelection,
    units: impl IntoIterator<Item = &'a Directives>,
) -> Vec<Diagnostic> {
    let mut merged: Vec<Directive> = Vec::new();
    let mut at: std::collections::HashMap<Span, usize> = std::collections::HashMap::new();
    for unit in units {
        for d in &unit.0 {
            let Some(&i) = at.get(&d.suppression.span) else {
                at.insert(d.suppression.span, merged.len());
                merged.push(d.clone());
                continue;
            };
            let m = &mut merged[i];
            if m.target.is_none() {
                m.target.clone_from(&d.target);
            }
            for (u, used) in m.used.iter_mut().zip(&d.used) {
                *u |= *used;
            }
        }
    }
    let mut out = Vec::new();
    for d in &merged {
        out.extend(sup001(rules, d));
        out.extend(sup002(rules, d));
    }
    out
}

/// Marks the directives that suppress `d`; whether any did.
fn suppress(directives: &mut [Directive], d: &Diagnostic) -> bool {
    let mut hit = false;
    for directive in directives.iter_mut() {
        let Some((extent, _)) = &directive.target else {
            continue;
        };
        if !contains(*extent, d.span) {
            continue;
        }
        for (i, (rule, _)) in directive.suppression.rules.iter().enumerate() {
            if rule == d.rule && !is_suppression_rule(rule) {
                directive.used[i] = true;
                hit = true;
            }
        }
    }
    hit
}

fn contains(extent: Span, span: Span) -> bool {
    extent.file == span.file
        && extent.start <= span.start
        && span.start < extent.end.max(extent.start + 1)
}

fn is_suppression_rule(id: &str) -> bool {
    crate::rules::SUPPRESSION_RULES.contains(&id)
}

/// Every distinct resource extent, with the first address declared there, sorted.
fn extents(graph: &Graph) -> Vec<(Span, String)> {
    let mut seen = HashSet::new();
    let mut out: Vec<(Span, String)> = graph
        .iter()
        .filter(|(_, r)| seen.insert(r.extent))
        .map(|(_, r)| (r.extent, r.address.clone()))
        .collect();
    // The `module` blocks findings in code that is not the user's are reported at.
    out.extend(
        graph
            .sites()
            .iter()
            .filter(|s| seen.insert(s.extent))
            .map(|s| (s.extent, s.address.clone())),
    );
    out.sort_by_key(|(e, _)| (e.file, e.start));
    out
}

/// The directives written as comments, attached to their resources.
fn comment_directives(input: &Input<'_>, extents: &[(Span, String)]) -> Vec<Directive> {
    let mut out = Vec::new();
    for &(file, kind) in input.files {
        let text = &input.sources.get(file).text;
        // Most files have no directive: skip the scan (linear, but not free on huge files).
        if !directive::mentions_vpclint(text) {
            continue;
        }
        let found = crate::lower::language::comments(kind, text);
        for c in &found {
            let body = &text[c.body.clone()];
            let Some(p) = directive::parse(body, c.body.start) else {
                if let Some(seen) = directive::near_miss(body) {
                    let span = Span::new(file, c.range.clone());
                    out.push(Directive {
                        used: Vec::new(),
                        suppression: Suppression {
                            rules: Vec::new(),
                            reason: None,
                            span,
                        },
                        malformed: true,
                        near_miss: Some(seen.to_owned()),
                        target: target(text, &found, span, extents),
                    });
                }
                continue;
            };
            let span = Span::new(file, c.range.clone());
            let target = target(text, &found, span, extents);
            out.push(Directive {
                used: vec![false; p.rules.len()],
                suppression: Suppression {
                    rules: p
                        .rules
                        .into_iter()
                        .map(|(id, r)| (id, Span::new(file, r)))
                        .collect(),
                    reason: p.reason,
                    span,
                },
                malformed: p.malformed,
                near_miss: None,
                target,
            });
        }
    }
    out
}

/// The resource a comment applies to: the innermost extent containing it, else the first
/// extent after it with only whitespace and comments between.
fn target(
    text: &str,
    comments: &[comments::Comment],
    at: Span,
    extents: &[(Span, String)],
) -> Option<(Span, String)> {
    let in_file = extents.iter().filter(|(e, _)| e.file == at.file);
    if let Some(inside) = in_file
        .clone()
        .filter(|(e, _)| e.start <= at.start && at.end <= e.end)
        .min_by_key(|(e, _)| e.end - e.start)
    {
        return Some(inside.clone());
    }
    let next = in_file
        .filter(|(e, _)| e.start >= at.end)
        .min_by_key(|(e, _)| e.start)?;
    only_trivia(text, comments, at.end as usize..next.0.start as usize).then(|| next.clone())
}

/// Whether `range` holds only whitespace and comments.
fn only_trivia(text: &str, comments: &[comments::Comment], range: std::ops::Range<usize>) -> bool {
    let mut pos = range.start;
    while pos < range.end {
        // `comments` are in text order.
        if let Ok(i) = comments.binary_search_by_key(&pos, |c| c.range.start) {
            pos = comments[i].range.end;
            continue;
        }
        let Some(ch) = text[pos..].chars().next() else {
            return true;
        };
        if !ch.is_whitespace() {
            return false;
        }
        pos += ch.len_utf8();
    }
    true
}

/// The directives written in resources' data, one per directive span (copies of a resource
/// carry the same ones).
fn metadata_directives(graph: &Graph) -> Vec<Directive> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (_, r) in graph.iter() {
        for s in &r.suppressions {
            if seen.insert(s.span) {
                out.push(Directive {
                    used: vec![false; s.rules.len()],
                    suppression: s.clone(),
                    malformed: false,
                    near_miss: None,
                    target: Some((r.extent, r.address.clone())),
                });
            }
        }
    }
    out
}

fn diagnostic(id: &'static str, span: Span, resource: &str, args: &[(&str, &str)]) -> Diagnostic {
    let meta = crate::rules::meta(id).expect("SUP rules have rule files");
    Diagnostic {
        rule: id,
        name: &meta.name,
        severity: meta.severity,
        message: meta.render_message(args),
        resource: resource.to_owned(),
        span,
        related: Vec::new(),
        path: Vec::new(),
        help: meta.render_help(args),
        assumptions: Vec::new(),
        subject: None,
    }
}

fn resource_of(d: &Directive) -> &str {
    d.target.as_ref().map_or("", |(_, a)| a.as_str())
}

/// SUP001: a well-formed directive that gives no reason.
fn sup001(rules: &RuleSelection, d: &Directive) -> Option<Diagnostic> {
    if !rules.enabled("SUP001") || d.malformed || d.suppression.reason.is_some() {
        return None;
    }
    let ids: Vec<&str> = d
        .suppression
        .rules
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    let ids = ids.join(", ");
    let resource = resource_of(d);
    let on = if resource.is_empty() {
        String::new()
    } else {
        format!(" on {resource}")
    };
    Some(diagnostic(
        "SUP001",
        d.suppression.span,
        resource,
        &[("rules", &ids), ("on", &on)],
    ))
}

/// SUP002: a directive, or a rule in it, that suppresses nothing.
fn sup002(rules: &RuleSelection, d: &Directive) -> Vec<Diagnostic> {
    if !rules.enabled("SUP002") {
        return Vec::new();
    }
    let resource = resource_of(d);
    let one = |span: Span, why: &str, fix: &str| {
        diagnostic("SUP002", span, resource, &[("why", why), ("fix", fix)])
    };
    if let Some(seen) = &d.near_miss {
        return vec![one(
            d.suppression.span,
            &format!("`{seen}` is not a suppression, so nothing is suppressed"),
            "Write it `vpclint:ignore[RULE, …] reason`: lower case, no space or other character around the colon.",
        )];
    }
    if d.malformed {
        return vec![one(
            d.suppression.span,
            "it is not of the form `vpclint:ignore[RULE, …] reason`",
            "Write the rule ids between brackets, separated by commas, right after `vpclint:ignore`.",
        )];
    }
    if d.target.is_none() {
        return vec![one(
            d.suppression.span,
            "it is neither inside a resource nor on the lines right above one",
            "Move it to the line above the resource, or inside the resource's block.",
        )];
    }
    let mut out = Vec::new();
    for ((id, span), used) in d.suppression.rules.iter().zip(&d.used) {
        let (why, fix) = if is_suppression_rule(id) {
            (
                format!("{id} cannot be suppressed in the source"),
                "Turn it off in .vpclint.toml instead (`ignore = [\"SUP\"]`).".to_owned(),
            )
        } else if crate::rules::meta(id).is_none() {
            (
                format!("{id} is not a vpclint rule id"),
                "Use an id listed by `vpclint rules`.".to_owned(),
            )
        } else if !rules.enabled(id) {
            // The rule did not run: whether it would find something is not known.
            continue;
        } else if !*used {
            (
                format!("{resource} has no {id} finding"),
                format!("Remove {id} from the suppression: the finding it was for is gone."),
            )
        } else {
            continue;
        };
        out.push(one(*span, &why, &fix));
    }
    out
}
