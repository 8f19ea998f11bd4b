//! The server's state: the workspace as read from disk once, the editor's open buffers over
//! it, a checking session over both, and what was last published. No protocol IO here:
//! [`Workspace::check`] returns what to publish and the main loop sends it.
//!
//! An edit replaces one file in the [`Session`]: the next check parses that file again and
//! runs the units that contain it (a Terraform root module with its modules, a group of
//! linked templates); the other units' findings are kept. Only the files of the units that
//! ran are converted and compared with what was published.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use lsp_types::{Diagnostic, Url};

use super::convert::{self, Encoding};
use crate::check::{Options, Session};
use crate::config::Exclude;
use crate::discover::{self, FileKind, Input, ReadError};
use crate::source::FileId;

/// A file as discovery read it from disk.
#[derive(Debug)]
struct DiskFile {
    kind: FileKind,
    text: String,
}

/// A buffer the editor has open.
#[derive(Debug)]
pub struct Document {
    pub uri: Url,
    pub version: i32,
    pub text: String,
    /// How discovery would classify this text; `None` when it is not checked (not a
    /// Terraform or CloudFormation candidate, or outside the workspace).
    kind: Option<FileKind>,
    /// The file did not exist on disk when it was opened (a new file).
    created: bool,
}

/// One `textDocument/publishDiagnostics` to send.
#[derive(Debug)]
pub struct Publish {
    pub uri: Url,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

pub struct Workspace {
    roots: Vec<PathBuf>,
    /// The `exclude` globs of the configuration: excluded files are not checked, even open.
    exclude: Exclude,
    session: Session,
    pub encoding: Encoding,
    docs_url: String,
    disk: BTreeMap<PathBuf, DiskFile>,
    read_errors: Vec<ReadError>,
    skipped: usize,
    docs: HashMap<PathBuf, Document>,
    /// The non-empty diagnostics last published, by file.
    published: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// The inputs changed since the last check.
    dirty: bool,
    /// Whether every file's diagnostics must be compared at the next check (the first one).
    all: bool,
    /// What each file showed at the last check (see [`fingerprints`]); files that showed
    /// nothing have none.
    fingerprints: HashMap<FileId, u64>,
    /// The baseline of the configuration (`baseline`): the findings it has are not published.
    /// Read at start-up and again when the watcher reports the file changed.
    baseline: Option<(PathBuf, crate::check::baseline::Baseline)>,
}

impl Workspace {
    #[must_use]
    pub fn new(
        roots: Vec<PathBuf>,
        options: Options,
        exclude: Exclude,
        encoding: Encoding,
        docs_url: String,
    ) -> Self {
        Workspace {
            roots,
            exclude,
            session: Session::new(options),
            encoding,
            docs_url,
            disk: BTreeMap::new(),
            read_errors: Vec::new(),
            skipped: 0,
            docs: HashMap::new(),
            published: BTreeMap::new(),
            dirty: false,
            all: true,
            fingerprints: HashMap::new(),
            baseline: None,
        }
    }

    /// Uses the baseline file at `path` (absolute): reads it now, and again whenever the
    /// watcher reports it changed. A file that is missing or not a baseline is reported on
    /// stderr and ignored until it changes.
    pub fn set_baseline(&mut self, path: PathBuf) {
        let read = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| crate::check::baseline::parse(&text));
        let baseline = read.unwrap_or_else(|e| {
            eprintln!(
                "vpclint lsp: baseline {}: {e}; every finding is shown",
                path.display()
            );
            crate::check::baseline::Baseline::default()
        });
        self.baseline = Some((path, baseline));
        // Every file's findings may change.
        self.all = true;
        self.dirty = true;
    }

    /// Walks and reads the workspace folders (once, at start-up).
    pub fn scan(&mut self) {
        if self.roots.is_empty() {
            return;
        }
        let found = discover::discover_with(&self.roots, &self.exclude);
        for missing in &found.missing {
            eprintln!(
                "vpclint lsp: workspace folder {} does not exist",
                missing.display()
            );
        }
        self.disk = found
            .inputs
            .into_iter()
            .map(|i| {
                (
                    i.path,
                    DiskFile {
                        kind: i.kind,
                        text: i.text,
                    },
                )
            })
            .collect();
        self.read_errors = found.errors;
        self.skipped = found.skipped;
        let inputs = self
            .disk
            .keys()
            .filter_map(|path| {
                let (kind, text) = self.effective(path)?;
                Some(Input {
                    path: path.clone(),
                    kind,
                    text,
                })
            })
            .collect();
        self.session.load(inputs);
        self.dirty = true;
        self.all = true;
    }

    /// The report and every unit's graph, as the last check saw the files (`vpclint graph`).
    pub fn graph(&self) -> (crate::check::Report, Vec<crate::check::UnitGraph>) {
        (self.session.report(), self.session.graphs())
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// `didOpen`.
    pub fn open(&mut self, path: &Path, uri: Url, version: i32, text: String) {
        let before = self.effective(path);
        let created = !self.disk.contains_key(path) && !path.exists();
        let kind = self.classify(path, &text);
        self.docs.insert(
            path.to_path_buf(),
            Document {
                uri,
                version,
                text,
                kind,
                created,
            },
        );
        self.note_change(path, before.as_ref());
    }

    /// `didChange`, with the buffer's new text. Unknown documents are ignored.
    pub fn change(&mut self, path: &Path, version: i32, edit: impl FnOnce(&mut String)) {
        let before = self.effective(path);
        let Some(mut doc) = self.docs.remove(path) else {
            eprintln!(
                "vpclint lsp: change to a document that is not open: {}",
                path.display()
            );
            return;
        };
        edit(&mut doc.text);
        doc.version = version;
        doc.kind = self.classify(path, &doc.text);
        self.docs.insert(path.to_path_buf(), doc);
        self.note_change(path, before.as_ref());
    }

    /// `didSave`: what is on disk is now the buffer (when the client sends the text, it
    /// wins). Nothing to re-check unless that text differs from the buffer's.
    pub fn save(&mut self, path: &Path, text: Option<String>) {
        if let Some(text) = text {
            let version = self.docs.get(path).map_or(0, |d| d.version);
            self.change(path, version, |t| *t = text);
        }
        let Some(doc) = self.docs.get(path) else {
            return;
        };
        match doc.kind {
            Some(kind) => {
                let text = doc.text.clone();
                self.disk
                    .insert(path.to_path_buf(), DiskFile { kind, text });
            }
            None => {
                self.disk.remove(path);
            }
        }
    }

    /// `didClose`: the file is read from disk again when it is part of the workspace: the
    /// walk returned it, or it was created (and saved) during the session. A file the walk
    /// did not return (ignored, in a skipped directory) stays out.
    pub fn close(&mut self, path: &Path) {
        let before = self.effective(path);
        let Some(doc) = self.docs.remove(path) else {
            return;
        };
        let walked = self.disk.contains_key(path)
            || self.read_errors.iter().any(|e| e.path == path)
            || (doc.created && self.in_workspace(path));
        if walked && !self.roots.is_empty() {
            self.disk.remove(path);
            self.read_errors.retain(|e| e.path != path);
            let found = discover::discover_with(&[path.to_path_buf()], &self.exclude);
            for i in found.inputs {
                let file = DiskFile {
                    kind: i.kind,
                    text: i.text,
                };
                self.disk.insert(i.path, file);
            }
            self.read_errors.extend(found.errors);
        }
        self.note_change(path, before.as_ref());
    }

    /// `workspace/didChangeWatchedFiles`: a file (or a directory) changed on disk behind the
    /// editor (a `git checkout`, a generator). It is read again, or forgotten when deleted
    /// or no longer something discovery reads; an open buffer still wins over it until it
    /// is closed. Without workspace folders nothing is read from disk.
    pub fn disk_changed(&mut self, path: &Path, deleted: bool) {
        if let Some((baseline, _)) = &self.baseline {
            if baseline.starts_with(path) {
                let baseline = baseline.clone();
                self.set_baseline(baseline);
            }
        }
        if self.roots.is_empty() {
            return;
        }
        // The file, or every file under a directory that went away.
        let gone: Vec<PathBuf> = self
            .disk
            .keys()
            .filter(|p| p.starts_with(path))
            .cloned()
            .collect();
        let mut read = Vec::new();
        let mut errors = Vec::new();
        if !deleted && self.in_workspace(path) {
            let found = discover::discover_with(&[path.to_path_buf()], &self.exclude);
            read = found.inputs;
            errors = found.errors;
        }
        self.read_errors.retain(|e| !e.path.starts_with(path));
        self.read_errors.extend(errors);
        let mut affected: Vec<PathBuf> = gone.clone();
        affected.extend(read.iter().map(|i| i.path.clone()));
        affected.sort();
        affected.dedup();
        let before: Vec<_> = affected.iter().map(|p| self.effective(p)).collect();
        for p in &gone {
            self.disk.remove(p);
        }
        for input in read {
            let file = DiskFile {
                kind: input.kind,
                text: input.text,
            };
            self.disk.insert(input.path, file);
        }
        for (p, before) in affected.iter().zip(before) {
            self.note_change(p, before.as_ref());
        }
        // A read error is published at the next check whatever changed.
        self.dirty = true;
    }

    /// The file's kind and text as the check sees them (the open buffer, else the disk
    /// text); `None` for a file the check does not read.
    pub fn file(&self, path: &Path) -> Option<(FileKind, String)> {
        self.effective(path)
    }

    /// The file's kind and text as the next check will see them.
    fn effective(&self, path: &Path) -> Option<(FileKind, String)> {
        match self.docs.get(path) {
            Some(doc) => doc.kind.map(|k| (k, doc.text.clone())),
            None => self.disk.get(path).map(|f| (f.kind, f.text.clone())),
        }
    }

    fn note_change(&mut self, path: &Path, before: Option<&(FileKind, String)>) {
        let after = self.effective(path);
        if after.as_ref() != before {
            self.session.set_file(path, after);
            self.dirty = true;
        }
    }

    /// Is the path one the walk would reach: under a workspace folder, not in a directory
    /// the walk skips, not excluded by the configuration?
    /// Without folders, every file is.
    fn in_workspace(&self, path: &Path) -> bool {
        if self.roots.is_empty() {
            return true;
        }
        if self.exclude.is_excluded(&discover::absolute(path), false) {
            return false;
        }
        self.roots.iter().any(|root| {
            path.strip_prefix(root).is_ok_and(|rel| {
                !rel.components().any(|c| {
                    matches!(c, Component::Normal(n) if n.to_str().is_some_and(discover::is_skipped_dir))
                })
            })
        })
    }

    /// How the check sees a buffer's text: classified as discovery classifies it, when the
    /// walk returned the file (a companion file too, such as a downloaded module) or it is
    /// in the workspace.
    fn classify(&self, path: &Path, text: &str) -> Option<FileKind> {
        (self.disk.contains_key(path) || self.in_workspace(path))
            .then(|| discover::classify(path, text))
            .flatten()
    }

    /// Brings the session up to date with the disk files and the open buffers in their
    /// place, and returns a publish for every file whose diagnostics changed (an empty one
    /// for files whose diagnostics disappeared).
    pub fn check(&mut self) -> Vec<Publish> {
        self.dirty = false;
        let read_errors = self
            .read_errors
            .iter()
            .filter(|e| !self.docs.contains_key(&e.path))
            .cloned()
            .collect();
        self.session.set_discovery(read_errors, self.skipped);
        let ids: HashSet<FileId> = self.session.refresh().into_iter().collect();
        let mut report = self.session.report();
        if let Some((path, baseline)) = &self.baseline {
            let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            let key = move |file: &Path| crate::check::baseline::relative_key(file, &dir);
            crate::check::baseline::apply(&mut report, baseline, path, &key);
        }
        let all = std::mem::take(&mut self.all);
        // The files whose findings may have changed; of those, the ones whose findings did
        // change are converted (a module every environment calls can hold a thousand).
        let candidates: HashSet<FileId> = if all {
            self.session.ids().collect()
        } else {
            ids
        };
        let prints = fingerprints(&report, &candidates, &self.session);
        let changed: HashSet<FileId> = candidates
            .into_iter()
            .filter(|id| prints.get(id) != self.fingerprints.get(id))
            .collect();
        for id in &changed {
            match prints.get(id) {
                Some(print) => self.fingerprints.insert(*id, *print),
                None => self.fingerprints.remove(id),
            };
        }
        report.retain_file_ids(&changed);
        let mut current =
            convert::diagnostics_by_file(&report, self.encoding, &self.docs_url, Some(&changed));
        current.retain(|_, diagnostics| !diagnostics.is_empty());
        // Files that could not be read are not in the session: they are compared at every
        // check.
        let touched: BTreeSet<PathBuf> = changed
            .iter()
            .map(|id| self.session.path(*id).to_path_buf())
            .chain(self.read_errors.iter().map(|e| e.path.clone()))
            .collect();

        let mut publishes = Vec::new();
        for path in touched {
            let diagnostics = current.remove(&path).unwrap_or_default();
            if self.published.get(&path).map_or(&[][..], Vec::as_slice) == diagnostics.as_slice() {
                continue;
            }
            let doc = self.docs.get(&path);
            let uri = if let Some(doc) = doc {
                doc.uri.clone()
            } else if let Ok(uri) = Url::from_file_path(&path) {
                uri
            } else {
                eprintln!("vpclint lsp: no file URI for {}", path.display());
                continue;
            };
            publishes.push(Publish {
                uri,
                version: doc.map(|d| d.version),
                diagnostics: diagnostics.clone(),
            });
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path, diagnostics);
            }
        }
        publishes
    }
}

/// For each of `files` that shows something, a hash of what: its findings and errors, and
/// the generation of every file their locations are in (a location means another line and
/// column when its file changed, even at the same byte offset).
fn fingerprints(
    report: &crate::check::Report,
    files: &HashSet<FileId>,
    session: &Session,
) -> HashMap<FileId, u64> {
    use std::hash::{Hash, Hasher};
    let mut hashers: HashMap<FileId, std::collections::hash_map::DefaultHasher> = HashMap::new();
    let mut add = |file: FileId, item: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
        if files.contains(&file) {
            item(hashers.entry(file).or_default());
        }
    };
    for d in &report.diagnostics {
        add(d.span.file, &|h| {
            d.hash(h);
            for span in std::iter::once(d.span).chain(d.related.iter().map(|r| r.span)) {
                session.generation(span.file).hash(h);
            }
        });
    }
    for e in &report.errors {
        if let Some(span) = e.span {
            add(span.file, &|h| {
                e.hash(h);
                session.generation(span.file).hash(h);
            });
        }
    }
    hashers
        .into_iter()
        .map(|(id, h)| (id, h.finish()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> Workspace {
        Workspace::new(
            vec!["/w".into()],
            Options::default(),
            Exclude::default(),
            Encoding::Utf16,
            "https://example.test/rules.md".to_owned(),
        )
    }

    #[test]
    fn buffers_join_the_check_as_discovery_would() {
        let mut ws = workspace();
        let module = "/w/.terraform/modules/m/main.tf";
        let file = DiskFile {
            kind: discover::classify(Path::new("main.tf"), "").expect("Terraform"),
            text: String::new(),
        };
        ws.disk.insert(module.into(), file);
        let broken = "resource \"aws_vpc\" \"a\" {\n  cidr_block = \n";
        for path in [
            "/w/new.tf",
            module,
            "/w/node_modules/x/main.tf",
            "/elsewhere/x.tf",
            "/w/notes.yaml",
        ] {
            let uri = Url::from_file_path(path).unwrap();
            ws.open(Path::new(path), uri, 1, broken.to_owned());
        }
        let published: Vec<String> = ws
            .check()
            .into_iter()
            .map(|p| {
                assert_eq!(p.version, Some(1));
                p.uri.path().to_owned()
            })
            .collect();
        assert_eq!(published, [module, "/w/new.tf"]);
        // Nothing changed: nothing to publish.
        assert!(ws.check().is_empty());
    }

    #[test]
    fn only_a_change_of_what_the_check_sees_needs_a_check() {
        let mut ws = workspace();
        let file = DiskFile {
            kind: discover::classify(Path::new("main.tf"), "").expect("Terraform"),
            text: "locals {}\n".to_owned(),
        };
        ws.disk.insert("/w/a.tf".into(), file);
        let uri = Url::from_file_path("/w/a.tf").unwrap();
        ws.open(Path::new("/w/a.tf"), uri, 1, "locals {}\n".to_owned());
        assert!(!ws.is_dirty());
        ws.change(Path::new("/w/a.tf"), 2, |t| t.push_str("# x\n"));
        assert!(ws.is_dirty());
    }

    #[test]
    fn an_edit_publishes_only_the_files_whose_diagnostics_changed() {
        let mut ws = workspace();
        let bad = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m5.lareg\"\n}\n";
        for dir in ["a", "b"] {
            let file = DiskFile {
                kind: discover::classify(Path::new("main.tf"), "").expect("Terraform"),
                text: bad.to_owned(),
            };
            ws.disk.insert(format!("/w/{dir}/main.tf").into(), file);
        }
        ws.session.load(
            ws.disk
                .iter()
                .map(|(path, f)| Input {
                    path: path.clone(),
                    kind: f.kind,
                    text: f.text.clone(),
                })
                .collect(),
        );
        let first: Vec<String> = ws.check().iter().map(|p| p.uri.path().to_owned()).collect();
        assert_eq!(first, ["/w/a/main.tf", "/w/b/main.tf"]);
        let a = Path::new("/w/a/main.tf");
        let uri = Url::from_file_path(a).unwrap();
        ws.open(a, uri, 1, bad.to_owned());
        assert!(ws.check().is_empty(), "the same text: nothing to publish");
        ws.change(a, 2, |t| *t = t.replace("m5.lareg", "m5.large"));
        let published = ws.check();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].uri.path(), "/w/a/main.tf");
        assert_eq!(published[0].version, Some(2));
        assert!(published[0].diagnostics.is_empty());
        // An edit that changes nothing shown publishes nothing.
        ws.change(a, 3, |t| t.push_str("# a comment\n"));
        assert!(ws.check().is_empty());
    }

    #[test]
    fn excluded_files_are_outside_the_workspace_even_open() {
        let config = crate::config::parse(
            Path::new("/w/.vpclint.toml"),
            Path::new("/w"),
            "exclude = [\"legacy/\"]\n",
        )
        .unwrap();
        let mut ws = Workspace::new(
            vec!["/w".into()],
            Options::default(),
            config.exclude,
            Encoding::Utf16,
            "https://example.test/rules.md".to_owned(),
        );
        assert!(!ws.in_workspace(Path::new("/w/legacy/main.tf")));
        assert!(ws.in_workspace(Path::new("/w/live/main.tf")));
        let bad = "resource \"aws_instance\" \"x\" {\n  instance_type = \"m5.lareg\"\n}\n";
        for path in ["/w/legacy/main.tf", "/w/live/main.tf"] {
            let uri = Url::from_file_path(path).unwrap();
            ws.open(Path::new(path), uri, 1, bad.to_owned());
        }
        let published: Vec<String> = ws.check().iter().map(|p| p.uri.path().to_owned()).collect();
        assert_eq!(published, ["/w/live/main.tf"]);
    }

    #[test]
    fn skipped_directories_are_outside_the_workspace() {
        let ws = workspace();
        assert!(ws.in_workspace(Path::new("/w/net/main.tf")));
        assert!(!ws.in_workspace(Path::new("/w/.terraform/modules/vpc/main.tf")));
        assert!(!ws.in_workspace(Path::new("/elsewhere/main.tf")));
    }
}
