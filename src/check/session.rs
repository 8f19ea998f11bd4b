//! A checking session: files parsed, split into units, each unit's output kept until one of
//! its files changes. `check::check` is one session over the inputs of a run; the language
//! server keeps one for the life of the workspace and replaces one file per edit, so an edit
//! costs the parse of that file and the graph steps of its units.
//!
//! No syntax tree is kept: each file is parsed for its errors and its links
//! (`lower::Links`) and its tree dropped; each unit parses its files again while it runs, so
//! only the trees of the units running are in memory at once (a file several units share is
//! parsed once for all of them). Parsing is cheap next to holding every tree: the trees are
//! ten times the size of the text (N = 1000 benchmark workspace in the language server:
//! 57 MiB instead of 117 MiB, an edit 6.6 ms instead of 5.3 ms).
//!
//! Invariant: [`Session::report`] after any sequence of [`Session::set_file`] and
//! [`Session::refresh`] equals the report of a new session loaded with the same files
//! (tested on the fixtures and the benchmark trees).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::unit::{self, UnitFile, UnitOutput};
use super::{
    contain, file_error, internal_error_at, FileError, Options, Report, Summary, UncheckedItem,
};
use crate::discover::{Input, ReadError};
use crate::lower::language::{self, Parsed};
use crate::lower::{self, FileKind, ParsedFile};
use crate::source::{FileId, LineCol, SourceFile, SourceMap};
use crate::syntax::SyntaxError;

/// One lowered unit as `vpclint graph` draws it: its files, its graph, and its own findings
/// and unchecked items (as the unit produced them: before the run-wide steps, SUP001/SUP002
/// and severity overrides, which the report has).
#[derive(Debug)]
pub struct UnitGraph {
    pub files: Vec<FileId>,
    pub graph: crate::model::Graph,
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    pub unchecked: Vec<UncheckedItem>,
}

/// One file of the session, by [`FileId`]. A removed file keeps its id (and its path in
/// the source map) and is not live.
struct Slot {
    live: bool,
    kind: FileKind,
    /// What the split into units reads; `None` when the file is not a template after all,
    /// or did not parse as what it looked like (then it is in no unit).
    links: Option<lower::Links>,
    /// YAML or JSON that is not a CloudFormation template.
    skipped: bool,
    errors: Vec<FileError>,
}

/// A unit's files (sorted by path) and whether they are lowered, with its output.
struct Unit {
    files: Vec<FileId>,
    lower: bool,
    output: UnitOutput,
}

pub struct Session {
    options: Options,
    sources: SourceMap,
    slots: Vec<Slot>,
    by_path: HashMap<PathBuf, FileId>,
    read_errors: Vec<FileError>,
    /// Files discovery declined to read (outside the repository), with the reason: each is
    /// an unchecked entry of the report.
    refused: Vec<(PathBuf, String)>,
    /// Files discovery skipped before the session saw them.
    skipped: usize,
    units: Vec<Unit>,
    /// Files changed since the last refresh.
    dirty: BTreeSet<FileId>,
    /// Whether the units must be computed again (a file came, went, or changed what the
    /// partition reads).
    repartition: bool,
    /// How many times each file was replaced, by id.
    generations: Vec<u64>,
    /// Each file's position in path order, by id (paths compare slowly; findings are
    /// sorted by file at every report). Recomputed when files are added.
    ranks: Vec<u32>,
}

impl Session {
    #[must_use]
    pub fn new(options: Options) -> Self {
        Session {
            options,
            sources: SourceMap::default(),
            slots: Vec::new(),
            by_path: HashMap::new(),
            read_errors: Vec::new(),
            refused: Vec::new(),
            skipped: 0,
            units: Vec::new(),
            dirty: BTreeSet::new(),
            repartition: false,
            ranks: Vec::new(),
            generations: Vec::new(),
        }
    }

    /// Adds (or replaces) many files, parsed on the thread pool.
    pub fn load(&mut self, inputs: Vec<Input>) {
        let kinds: Vec<FileKind> = inputs.iter().map(|i| i.kind).collect();
        let built: Vec<SourceFile> = inputs
            .into_par_iter()
            .map(|input| SourceFile::new(input.path, input.text))
            .collect();
        let ids: Vec<FileId> = built.into_iter().map(|f| self.put_source(f)).collect();
        let sources = &self.sources;
        let slots: Vec<Slot> = ids
            .par_iter()
            .zip(kinds.par_iter())
            .map(|(&id, &kind)| parse_slot(sources, id, kind))
            .collect();
        for (id, slot) in ids.into_iter().zip(slots) {
            self.put_slot(id, slot);
        }
    }

    /// Replaces one file's text (`Some`), or removes the file (`None`). The next
    /// [`Session::refresh`] re-runs what depends on it.
    pub fn set_file(&mut self, path: &Path, file: Option<(FileKind, String)>) {
        if let Some((kind, text)) = file {
            let id = self.put_source(SourceFile::new(path.to_path_buf(), text));
            let slot = parse_slot(&self.sources, id, kind);
            self.put_slot(id, slot);
            return;
        }
        let Some(&id) = self.by_path.get(path) else {
            return;
        };
        let slot = &mut self.slots[id.0 as usize];
        if slot.live {
            slot.live = false;
            slot.links = None;
            slot.errors.clear();
            self.dirty.insert(id);
            self.repartition = true;
        }
    }

    /// The read errors and the count of skipped files of discovery (outside the session's
    /// files).
    pub fn set_discovery(&mut self, read_errors: Vec<ReadError>, skipped: usize) {
        let (refused, read_errors): (Vec<ReadError>, Vec<ReadError>) =
            read_errors.into_iter().partition(|e| e.refused);
        self.refused = refused.into_iter().map(|e| (e.path, e.message)).collect();
        self.refused.sort();
        self.read_errors = read_errors
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
        self.skipped = skipped;
    }

    /// Brings every unit up to date with the files; returns the files whose findings may
    /// have changed (every file of a unit that ran again, and the changed files).
    pub fn refresh(&mut self) -> BTreeSet<FileId> {
        if self.ranks.len() != self.sources.len() {
            let mut order: Vec<(&Path, usize)> = self
                .sources
                .iter()
                .map(|(id, f)| (f.path.as_path(), id.0 as usize))
                .collect();
            order.sort_unstable();
            self.ranks = vec![0; order.len()];
            for (rank, (_, i)) in order.into_iter().enumerate() {
                self.ranks[i] = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut touched: BTreeSet<FileId> = dirty.clone();
        let old = std::mem::take(&mut self.units);
        let wanted: Vec<(Vec<FileId>, bool)> = if self.repartition || old.is_empty() {
            self.repartition = false;
            self.partition()
        } else {
            old.iter().map(|u| (u.files.clone(), u.lower)).collect()
        };
        let mut reusable: HashMap<(Vec<FileId>, bool), UnitOutput> = HashMap::new();
        for u in old {
            if u.files.iter().any(|f| dirty.contains(f)) {
                touched.extend(&u.files);
            } else {
                reusable.insert((u.files, u.lower), u.output);
            }
        }
        let kept: Vec<Option<UnitOutput>> = wanted.iter().map(|key| reusable.remove(key)).collect();
        // Units that are gone: their files' findings go too.
        for ((files, _), _) in reusable {
            touched.extend(files);
        }
        // A file several units to run share is parsed once for them.
        let mut runs: HashMap<FileId, usize> = HashMap::new();
        for ((files, _), kept) in wanted.iter().zip(&kept) {
            if kept.is_none() {
                for &id in files {
                    *runs.entry(id).or_default() += 1;
                }
            }
        }
        let shared_ids: Vec<FileId> = runs
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(id, _)| id)
            .collect();
        let shared: HashMap<FileId, ParsedFile> = shared_ids
            .into_par_iter()
            .filter_map(|id| Some((id, self.reparse(id)?)))
            .collect();
        let this = &*self;
        let outputs: Vec<UnitOutput> = wanted
            .par_iter()
            .zip(kept.into_par_iter())
            .map(|((files, lower), kept)| {
                kept.unwrap_or_else(|| {
                    let own: HashMap<FileId, ParsedFile> = files
                        .iter()
                        .filter(|id| !shared.contains_key(id))
                        .filter_map(|&id| Some((id, this.reparse(id)?)))
                        .collect();
                    let files: Vec<UnitFile<'_>> = files
                        .iter()
                        .filter_map(|&id| {
                            let slot = &this.slots[id.0 as usize];
                            let parsed = shared.get(&id).or_else(|| own.get(&id))?;
                            Some(UnitFile {
                                id,
                                parsed,
                                kind: slot.kind,
                            })
                        })
                        .collect();
                    unit::run(&files, *lower, &this.sources, &this.options)
                })
            })
            .collect();
        for ((files, lower), output) in wanted.into_iter().zip(outputs) {
            self.units.push(Unit {
                files,
                lower,
                output,
            });
        }
        touched
    }

    /// The report of the files as they are now (call [`Session::refresh`] first).
    #[must_use]
    pub fn report(&self) -> Report {
        let diagnostics = self
            .units
            .iter()
            .flat_map(|u| u.output.diagnostics.iter().cloned())
            .collect();
        self.assemble(diagnostics)
    }

    /// [`Session::report`], moving the findings out instead of copying them.
    #[must_use]
    pub fn into_report(mut self) -> Report {
        let mut diagnostics = Vec::new();
        for u in &mut self.units {
            diagnostics.append(&mut u.output.diagnostics);
        }
        self.assemble(diagnostics)
    }

    /// The report, from the units' findings (in unit order) and the rest of their outputs.
    fn assemble(&self, mut diagnostics: Vec<crate::diagnostic::Diagnostic>) -> Report {
        let options = &self.options;
        let sources = &self.sources;
        let live = || self.slots.iter().filter(|s| s.live);
        let mut errors: Vec<FileError> = self.read_errors.clone();
        errors.extend(live().flat_map(|s| s.errors.iter().cloned()));
        let mut unchecked: Vec<UncheckedItem> = Vec::new();
        let mut summary = Summary {
            files: live().filter(|s| !s.skipped).count(),
            skipped: self.skipped + live().filter(|s| s.skipped).count(),
            ..Summary::default()
        };
        let mut rule_panics: Vec<&'static str> = Vec::new();
        // A compute resource whose subnets are not known could be in any VPC: it is
        // unchecked when some unit has interface endpoints.
        let endpoints = self.units.iter().any(|u| u.output.has_endpoints);
        for u in &self.units {
            let out = &u.output;
            errors.extend(out.errors.iter().cloned());
            for (rule, message, first) in &out.rule_panics {
                if !rule_panics.contains(rule) {
                    rule_panics.push(rule);
                    let stage = format!("rule {rule}");
                    errors.push(internal_error_at(sources, *first, &stage, message));
                }
            }
            unchecked.extend(out.unchecked.iter().cloned());
            if endpoints {
                unchecked.extend(out.unknown_subnets.iter().cloned());
            }
            summary.resources += out.resources;
            summary.suppressed += out.suppressed;
        }
        let directives = contain::contain(|| {
            crate::suppress::report(
                &options.rules,
                self.units.iter().map(|u| &u.output.directives),
            )
        });
        match directives {
            Ok(found) => diagnostics.extend(found),
            Err(message) => {
                if let Some(first) = self.units.iter().find_map(|u| u.files.first()) {
                    errors.push(internal_error_at(sources, *first, "suppressions", &message));
                }
            }
        }
        for d in &mut diagnostics {
            d.severity = options.rules.severity(d.rule, d.severity);
        }
        let rank = |id: FileId| self.ranks[id.0 as usize];
        diagnostics.sort_by(|a, b| {
            (rank(a.span.file), a.span.start, a.rule, &a.message).cmp(&(
                rank(b.span.file),
                b.span.start,
                b.rule,
                &b.message,
            ))
        });
        errors.sort();
        // A module several roots call is lowered once per root: its errors are one.
        errors.dedup();
        // A module several roots call is lowered once per root: what it leaves unchecked
        // is said once.
        super::merge_unchecked(&mut unchecked);
        unchecked.sort_by(|a, b| {
            (rank(a.span.file), a.span.start, &a.resource, &a.reason).cmp(&(
                rank(b.span.file),
                b.span.start,
                &b.resource,
                &b.reason,
            ))
        });
        // Files not read on purpose: unchecked, after the rest, in path order.
        let mut sources = self.sources.clone();
        for (path, reason) in &self.refused {
            let file = sources.add(SourceFile::new(path.clone(), String::new()));
            unchecked.push(UncheckedItem {
                resource: path.display().to_string(),
                reason: reason.clone(),
                cause: reason.clone(),
                span: crate::source::Span::new(file, 0..0),
                rules: Vec::new(),
            });
        }
        summary.unchecked = super::unchecked_resources(&unchecked);
        summary.diagnostics = diagnostics.len();
        summary.errors = errors.len();
        let notices = super::notices::unsupplied(
            self.units.iter().map(|u| u.output.unsupplied.as_slice()),
            &rank,
            &|file| sources.get(file).path.clone(),
        );
        Report {
            sources,
            diagnostics,
            errors,
            unchecked,
            summary,
            baseline: None,
            notices,
        }
    }

    /// Every lowered unit's graph, lowered again from its files (a session keeps no graph),
    /// on the thread pool; in unit order. Call [`Session::refresh`] first.
    #[must_use]
    pub fn graphs(&self) -> Vec<UnitGraph> {
        self.units
            .par_iter()
            .filter(|u| u.lower)
            .map(|u| {
                let parsed: Vec<(FileId, ParsedFile)> = u
                    .files
                    .iter()
                    .filter_map(|&id| Some((id, self.reparse(id)?)))
                    .collect();
                let files: Vec<UnitFile<'_>> = parsed
                    .iter()
                    .map(|(id, parsed)| UnitFile {
                        id: *id,
                        parsed,
                        kind: self.slots[id.0 as usize].kind,
                    })
                    .collect();
                UnitGraph {
                    files: u.files.clone(),
                    graph: unit::lower_unit(&files, &self.sources, &self.options),
                    diagnostics: u.output.diagnostics.clone(),
                    unchecked: u.output.unchecked.clone(),
                }
            })
            .collect()
    }

    /// How many times a file was replaced: a location in it means the same line and column
    /// as long as this does not change.
    #[must_use]
    pub fn generation(&self, id: FileId) -> u64 {
        self.generations[id.0 as usize]
    }

    /// Every file id of the session (removed files included).
    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        self.sources.iter().map(|(id, _)| id)
    }

    /// The path of a file of the session.
    #[must_use]
    pub fn path(&self, id: FileId) -> &Path {
        &self.sources.get(id).path
    }

    /// A file's tree again (the session keeps none), with panics contained.
    fn reparse(&self, id: FileId) -> Option<ParsedFile> {
        let slot = &self.slots[id.0 as usize];
        let file = self.sources.get(id);
        match contain::contain(|| language::parse(id, slot.kind, &file.text)) {
            Ok(Parsed::File(parsed, _)) => parsed,
            _ => None,
        }
    }

    /// The id of a file's source, new or replaced (its path stays).
    fn put_source(&mut self, file: SourceFile) -> FileId {
        if let Some(&id) = self.by_path.get(&file.path) {
            self.sources.replace(id, file);
            self.generations[id.0 as usize] += 1;
            return id;
        }
        let path = file.path.clone();
        let id = self.sources.add(file);
        self.generations.push(0);
        self.by_path.insert(path, id);
        id
    }

    fn put_slot(&mut self, id: FileId, slot: Slot) {
        let i = id.0 as usize;
        if i == self.slots.len() {
            self.repartition = true;
            self.slots.push(slot);
        } else {
            let old = &self.slots[i];
            if !old.live || old.kind != slot.kind || old.links != slot.links {
                self.repartition = true;
            }
            self.slots[i] = slot;
        }
        self.dirty.insert(id);
    }

    /// The units of the live files, each sorted by path (the order discovery gives), then
    /// the files in no unit as one unit that is not lowered.
    fn partition(&self) -> Vec<(Vec<FileId>, bool)> {
        let mut ids: Vec<FileId> = (0..self.slots.len())
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
            .filter(|id| {
                let slot = &self.slots[id.0 as usize];
                slot.live && slot.links.is_some()
            })
            .collect();
        // Path order (`refresh` brought the ranks up to date).
        ids.sort_by_key(|id| self.ranks[id.0 as usize]);
        let files: Vec<(FileId, &lower::Links)> = ids
            .iter()
            .filter_map(|&id| Some((id, self.slots[id.0 as usize].links.as_ref()?)))
            .collect();
        let paths = |id: FileId| self.sources.get(id).path.clone();
        let trees = |ids: &[FileId], f: &mut dyn FnMut(&[Option<&ParsedFile>])| {
            let parsed: Vec<Option<ParsedFile>> =
                ids.par_iter().map(|&id| self.reparse(id)).collect();
            let refs: Vec<Option<&ParsedFile>> = parsed.iter().map(Option::as_ref).collect();
            f(&refs);
        };
        let units = contain::contain(|| lower::units(&files, &paths, &self.options.lower, &trees))
            .unwrap_or_else(|_| lower::language::fallback_units(&files, &paths));
        let mut out: Vec<(Vec<FileId>, bool)> = Vec::new();
        let mut in_unit = vec![false; ids.len()];
        for mut unit in units {
            unit.sort_unstable();
            unit.dedup();
            for &i in &unit {
                in_unit[i] = true;
            }
            out.push((unit.into_iter().map(|i| ids[i]).collect(), true));
        }
        let orphans: Vec<FileId> = ids
            .iter()
            .zip(&in_unit)
            .filter(|(_, &in_unit)| !in_unit)
            .map(|(id, _)| *id)
            .collect();
        if !orphans.is_empty() {
            out.push((orphans, false));
        }
        out
    }
}

/// Parses one file of the map for its errors and links, with panics contained.
fn parse_slot(sources: &SourceMap, id: FileId, kind: FileKind) -> Slot {
    let file = sources.get(id);
    let result = contain::contain(|| {
        contain::inject::point("parsing", || file.path.display().to_string());
        language::parse(id, kind, &file.text)
    });
    let (parsed, syntax_errors) = match result {
        Ok(Parsed::File(parsed, errors)) => (parsed, errors),
        Ok(Parsed::Skipped) => {
            return Slot {
                live: true,
                kind,
                links: None,
                skipped: true,
                errors: Vec::new(),
            }
        }
        Err(message) => {
            let message = contain::internal_error("parsing", &message);
            (None, vec![SyntaxError::new(0..0, message)])
        }
    };
    let links = parsed
        .as_ref()
        .map(|p| lower::links(p, &file.path, &file.text));
    Slot {
        live: true,
        kind,
        links,
        skipped: false,
        errors: syntax_errors
            .iter()
            .map(|e| file_error(sources, id, e))
            .collect(),
    }
}
