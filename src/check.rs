//! The `check` entry point: inputs in, diagnostics, errors and counts out. The CLI calls
//! [`check`]; the language server keeps a [`Session`] and replaces files in it. Nothing
//! calls below this module. Pure: no IO.
//!
//! The steps (`session.rs`): parse each file (on the thread pool); split the parsed files
//! into units (`crate::lower::units`: a Terraform root module with the modules it calls, a
//! group of linked CloudFormation templates); then, per unit and on the thread pool
//! (`unit.rs`): lower into the unit's graph, analyse reachability, run each enabled rule's
//! query, merge CloudFormation variants, apply the unit's suppressions. Last, over every
//! unit: check the suppressions themselves (SUP001/SUP002, see `crate::suppress`), apply
//! severity overrides, sort.
//!
//! **Panics are contained** (`contain.rs`): a panic while parsing one file, lowering one
//! unit or running one rule becomes a [`FileError`] ("internal error in `<stage>`: …; please
//! report") and the run goes on without that file, unit or rule.

pub mod baseline;
mod contain;
mod notices;
mod session;
mod unit;

use std::path::PathBuf;

pub use self::session::{Session, UnitGraph};
use crate::config::{Config, RuleSelection};
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{Input, ReadError};
use crate::lower::LowerOptions;
pub use crate::lower::Notice;
use crate::rules::{AccessModel, Settings};
use crate::source::{FileId, LineCol, SourceMap, Span};
use crate::syntax::SyntaxError;

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub settings: Settings,
    pub lower: LowerOptions,
    /// Which rules run, and severity overrides (`.vpclint.toml`, `--select`, `--ignore`).
    pub rules: RuleSelection,
}

/// What a front end sets over the configuration (flags, the language server's
/// initialization options); `None` keeps the configuration's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub access_model: Option<AccessModel>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// The front end's lowering options; what they leave unset (the region) comes from the
    /// configuration.
    pub lower: LowerOptions,
}

impl Options {
    /// The options of a check: the configuration (`.vpclint.toml`, if any) under the front
    /// end's overrides. The one place both front ends resolve them.
    #[must_use]
    pub fn resolve(config: Option<&Config>, overrides: Overrides) -> Options {
        let mut lower = overrides.lower;
        lower.default_region(config.and_then(|c| c.region.clone()));
        let mut rules = config.map(|c| c.rules.clone()).unwrap_or_default();
        if let Some(select) = overrides.select {
            rules.select = Some(select);
        }
        if let Some(ignore) = overrides.ignore {
            rules.ignore = ignore;
        }
        Options {
            settings: Settings {
                access_model: overrides
                    .access_model
                    .or(config.and_then(|c| c.access_model))
                    .unwrap_or_default(),
            },
            lower,
            rules,
        }
    }
}

/// A file that could not be (fully) read or parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The resource the unanswered questions were about.
    pub resource: String,
    /// The whole reason: what could not be decided, and why.
    pub reason: String,
    /// The root cause: the unknown value's own reason (`--explain-unknown` groups by it).
    pub cause: String,
    /// Where the unknown value is written.
    pub span: Span,
    /// The rules whose questions it left open, in registry order; empty for what the
    /// lowering could not analyse at all (a remote nested stack, undecided conditions).
    pub rules: Vec<&'static str>,
}

/// Merges items that say the same thing about the same resource (several rules asking
/// questions that one unknown value leaves open), keeping the first's place.
pub(crate) fn merge_unchecked(items: &mut Vec<UncheckedItem>) {
    let mut at: std::collections::HashMap<(String, String, Span), usize> =
        std::collections::HashMap::new();
    let mut out: Vec<UncheckedItem> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let key = (item.resource.clone(), item.reason.clone(), item.span);
        if let Some(&n) = at.get(&key) {
            for rule in item.rules {
                if !out[n].rules.contains(&rule) {
                    out[n].rules.push(rule);
                }
            }
        } else {
            at.insert(key, out.len());
            out.push(item);
        }
    }
    let order = crate::rules::registered_ids();
    let rank = |r: &&str| order.iter().position(|o| o == r).unwrap_or(usize::MAX);
    for item in &mut out {
        item.rules.sort_by_key(rank);
    }
    *items = out;
}

/// `summary.unchecked`: how many distinct resources (by address, in their file) the
/// `unchecked` list names.
#[must_use]
pub(crate) fn unchecked_resources(items: &[UncheckedItem]) -> usize {
    let mut resources: Vec<(&str, FileId)> = items
        .iter()
        .map(|u| (u.resource.as_str(), u.span.file))
        .collect();
    resources.sort_unstable();
    resources.dedup();
    resources.len()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Terraform and CloudFormation files read (with or without errors).
    pub files: usize,
    pub resources: usize,
    pub diagnostics: usize,
    pub errors: usize,
    /// Distinct resources (by address and file) in the `unchecked` list: resources that
    /// some rule's question about could not be answered.
    pub unchecked: usize,
    /// YAML/JSON files that are not CloudFormation templates.
    pub skipped: usize,
    /// Findings not reported because a `vpclint:ignore` comment or `Metadata.vpclint`
    /// suppressed them.
    pub suppressed: usize,
}

/// The code of the notice about registry modules that were not supplied.
pub const MODULES_NOT_SUPPLIED: &str = "modules-not-supplied";

/// Everything one run produced.
#[derive(Debug)]
pub struct Report {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    pub unchecked: Vec<UncheckedItem>,
    pub summary: Summary,
    /// What a baseline left out, when one was applied (`crate::check::baseline::apply`).
    pub baseline: Option<crate::check::baseline::Outcome>,
    /// What the run must say about its input as a whole (a CDK app without its synthesized
    /// templates): set by the front end from discovery.
    pub notices: Vec<Notice>,
}

impl Report {
    /// The highest severity among the diagnostics.
    #[must_use]
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }

    /// Keeps only what concerns the files `wanted` accepts (diff-aware runs): findings whose
    /// primary or a related location is in one, errors, unchecked items and notices in one.
    /// The counts of the summary follow; `files`, `resources`, `skipped` and `suppressed`
    /// still describe the whole run.
    pub fn retain_files(&mut self, wanted: impl Fn(&std::path::Path) -> bool) {
        // Each file's answer once (paths compare slowly, findings are many).
        let keep: Vec<bool> = self.sources.iter().map(|(_, f)| wanted(&f.path)).collect();
        self.notices.retain(|n| wanted(&n.path));
        self.retain_by(|id| keep[id.0 as usize], |e| wanted(&e.path), true);
    }

    /// Keeps the findings, errors and unchecked items located in the files `wanted` holds
    /// (by their primary location only: what a language server publishes for those files);
    /// errors without a location in a file (files that could not be read) are kept.
    pub fn retain_file_ids(&mut self, wanted: &std::collections::HashSet<FileId>) {
        self.retain_by(
            |id| wanted.contains(&id),
            |e| e.span.is_none_or(|s| wanted.contains(&s.file)),
            false,
        );
    }

    fn retain_by(
        &mut self,
        file: impl Fn(FileId) -> bool,
        error: impl Fn(&FileError) -> bool,
        related: bool,
    ) {
        let in_wanted = |span: Span| file(span.file);
        self.diagnostics.retain(|d| {
            in_wanted(d.span) || (related && d.related.iter().any(|r| in_wanted(r.span)))
        });
        self.errors.retain(error);
        self.unchecked.retain(|u| in_wanted(u.span));
        self.summary.diagnostics = self.diagnostics.len();
        self.summary.errors = self.errors.len();
        self.summary.unchecked = unchecked_resources(&self.unchecked);
    }
}

/// Runs the whole pipeline over files already read: one [`Session`], loaded and refreshed.
#[must_use]
pub fn check(
    inputs: Vec<Input>,
    read_errors: Vec<ReadError>,
    skipped: usize,
    options: &Options,
) -> Report {
    let mut session = Session::new(options.clone());
    session.load(inputs);
    session.set_discovery(read_errors, skipped);
    session.refresh();
    session.into_report()
}

/// [`check`], and every lowered unit's graph (what `vpclint graph` draws).
#[must_use]
pub fn check_with_graphs(
    inputs: Vec<Input>,
    read_errors: Vec<ReadError>,
    skipped: usize,
    options: &Options,
) -> (Report, Vec<UnitGraph>) {
    let mut session = Session::new(options.clone());
    session.load(inputs);
    session.set_discovery(read_errors, skipped);
    session.refresh();
    let graphs = session.graphs();
    (session.into_report(), graphs)
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

fn internal_error_at(sources: &SourceMap, id: FileId, stage: &str, message: &str) -> FileError {
    file_error(
        sources,
        id,
        &SyntaxError::new(0..0, contain::internal_error(stage, message)),
    )
}

#[cfg(test)]
mod tests {

    use super::contain::inject;
    use super::{check, Options, Report};
    use crate::discover::Input;

    const XEN_OVER_PEERING: &str =
        include_str!("../fixtures/VPC001/fail/tf-m4-over-peering/main.tf");

    fn run() -> Report {
        let inputs = vec![
            Input::classified(
                "bad/main.tf",
                "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            )
            .expect("Terraform"),
            Input::classified("good/main.tf", XEN_OVER_PEERING).expect("Terraform"),
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
