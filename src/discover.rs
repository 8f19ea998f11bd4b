//! Finding the files to check: walking the PATH arguments (honouring `.gitignore`, skipping
//! `.git/`, `node_modules/` and the languages' own, and the configuration's `exclude` globs),
//! classifying them by name and content, and reading them; finding and reading
//! `.vpclint.toml`, and the repository root of a diff-aware run. One of the few modules that
//! does IO.

use std::path::{Component, Path, PathBuf};

use crate::config::{self, Config, ConfigError, Exclude};
pub use crate::lower::FileKind;
use crate::lower::{language, Notice, LANGUAGES};

/// A file read from disk.
#[derive(Debug)]
pub struct Input {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
}

impl Input {
    /// An input classified as discovery would classify the file (`None` when no language
    /// claims it): for front ends and tests that have text without a file.
    #[must_use]
    pub fn classified(path: impl Into<PathBuf>, text: impl Into<String>) -> Option<Input> {
        let path = path.into();
        let text = text.into();
        let kind = classify(&path, &text)?;
        Some(Input { path, kind, text })
    }
}

/// A file that could not be read, or a PATH that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
    /// 1-based line and column of the problem, when it has one (invalid UTF-8).
    pub location: Option<(u32, u32)>,
    /// Not read on purpose: the file's real path is outside the repository (a symbolic link
    /// leads out of it). Reported as an unchecked entry with `message` as its reason, not as
    /// an error: the file may be fine, vpclint only declines to read it.
    pub refused: bool,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<ReadError>,
    /// Files a language claimed by name but not by content (YAML that is not a template).
    pub skipped: usize,
    /// PATH arguments that do not exist.
    pub missing: Vec<PathBuf>,
    /// What the languages say about the walk as a whole (a CDK app without its
    /// synthesized templates).
    pub notices: Vec<Notice>,
}

/// Directories the walk never enters, whatever the language: version control and package
/// caches. Each language adds its own ([`crate::lower::Language::skipped_dirs`]).
const SKIPPED_DIRS: &[&str] = &[".git", "node_modules"];

/// Whether the walk skips a directory of this name.
#[must_use]
pub fn is_skipped_dir(name: &str) -> bool {
    SKIPPED_DIRS.contains(&name) || LANGUAGES.iter().any(|l| l.skipped_dirs().contains(&name))
}

/// The ignore files git would apply to `dir` from its ancestors: each `.gitignore` from the
/// repository root (the nearest ancestor with `.git`) down to `dir`'s parent, and the
/// repository's `.git/info/exclude`. Empty outside a repository.
fn ancestor_ignore_files(dir: &Path) -> Vec<PathBuf> {
    let Some(repo) = dir.ancestors().find(|d| d.join(".git").exists()) else {
        return Vec::new();
    };
    let mut out = vec![repo.join(".git").join("info").join("exclude")];
    let mut between: Vec<&Path> = dir
        .ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(repo))
        .collect();
    between.reverse();
    out.extend(between.into_iter().map(|d| d.join(".gitignore")));
    out.retain(|f| f.is_file());
    out
}

/// How discovery classifies a file it reads, from its name and text (the languages
/// decide); `None` for a file no language claims.
#[must_use]
pub fn classify(path: &Path, text: &str) -> Option<FileKind> {
    language::classify(path, text)
}

/// Where discovery may read: the real paths of the repositories around the scanned paths
/// (the nearest ancestor with `.git`), or of the scanned paths themselves outside a
/// repository. A file whose real path (symbolic links resolved) is outside all of them is
/// not read, whoever points at it: a link in the tree, in `.terraform/modules`, or
/// `.terraform` itself.
struct Confinement {
    roots: Vec<PathBuf>,
}

/// Why a file was not read.
const OUTSIDE: &str = "not read: its real path is outside the repository (a symbolic link leads out of it), and vpclint reads nothing outside the repository";

impl Confinement {
    fn new(cwd: &Path, paths: &[PathBuf]) -> Confinement {
        let mut roots: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| {
                let p = absolute_in(cwd, p);
                let base = if p.is_dir() {
                    p
                } else {
                    p.parent().map(Path::to_path_buf)?
                };
                let root = base
                    .ancestors()
                    .find(|d| d.join(".git").exists())
                    .unwrap_or(&base);
                std::fs::canonicalize(root).ok()
            })
            .collect();
        roots.sort();
        roots.dedup();
        Confinement { roots }
    }

    /// Whether `path` may be read. A path that cannot be resolved (it does not exist) is
    /// allowed: reading it fails with its own error.
    fn allows(&self, path: &Path) -> bool {
        std::fs::canonicalize(path)
            .map_or(true, |real| self.roots.iter().any(|r| real.starts_with(r)))
    }
}

/// Discovery's file system, for the languages' companion files: confined, and recording
/// what it refused.
struct Disk<'a> {
    confinement: &'a Confinement,
    refused: std::cell::RefCell<Vec<PathBuf>>,
}

impl language::FileSystem for Disk<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        if !self.confinement.allows(path) {
            self.refused.borrow_mut().push(path.to_path_buf());
            return None;
        }
        std::fs::read_to_string(path).ok()
    }

    /// The files of `dir` (symbolic links to files included: reading them is confined).
    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        if !self.confinement.allows(dir) {
            self.refused.borrow_mut().push(dir.to_path_buf());
            return Vec::new();
        }
        let Ok(read) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        out.sort();
        out
    }
}

/// Walks the given paths and reads every file a language claims, in a
/// deterministic order (sorted by path).
#[must_use]
pub fn discover(paths: &[PathBuf]) -> Discovered {
    discover_with(paths, &Exclude::default())
}

/// As [`discover`], skipping what `exclude` matches while walking directories (a file named
/// in `paths` is read whatever `exclude` says).
#[must_use]
pub fn discover_with(paths: &[PathBuf], exclude: &Exclude) -> Discovered {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut found = Discovered::default();
    let mut files: Vec<PathBuf> = Vec::new();
    for root in paths {
        if !root.exists() {
            found.missing.push(root.clone());
            continue;
        }
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        let mut walk = ignore::WalkBuilder::new(root);
        // Ignore files as git reads them: from the repository root down. The walk reads
        // those at and below `root`; the ones between the repository's root and `root` are
        // added here; none above the repository (a `.gitignore` in the user's home is not
        // the repository's) and none at all outside a repository.
        for file in ancestor_ignore_files(&absolute_in(&cwd, root)) {
            let _ = walk.add_ignore(file);
        }
        let walker = walk
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(false)
            .parents(false)
            .follow_links(false)
            .filter_entry({
                let exclude = exclude.clone();
                let cwd = cwd.clone();
                move |e| {
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    let skipped = is_dir && e.file_name().to_str().is_some_and(is_skipped_dir);
                    !skipped && !exclude.is_excluded(&absolute_in(&cwd, e.path()), is_dir)
                }
            })
            .build();
        for entry in walker {
            match entry {
                // A symbolic link to a file is read as Terraform and CloudFormation would read
                // it, if its target is inside the repository; links to directories are not
                // followed.
                Ok(e)
                    if e.file_type().is_some_and(|t| t.is_file())
                        || (e.path_is_symlink() && e.path().is_file()) =>
                {
                    files.push(e.into_path());
                }
                Ok(_) => {}
                Err(err) => found.errors.push(ReadError {
                    path: root.clone(),
                    message: format!("cannot walk: {err}"),
                    location: None,
                    refused: false,
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    // Files the walk does not reach that belong with those it found (modules a package
    // manager downloaded), with their kinds.
    let confinement = Confinement::new(&cwd, paths);
    let disk = Disk {
        confinement: &confinement,
        refused: std::cell::RefCell::default(),
    };
    let companions: std::collections::HashMap<PathBuf, FileKind> = LANGUAGES
        .iter()
        .flat_map(|l| l.companions(&files, &disk))
        .collect();
    found.notices = LANGUAGES
        .iter()
        .flat_map(|l| l.notices(&files, &disk))
        .map(|n| Notice {
            path: display_path(&n.path),
            ..n
        })
        .collect();
    files.extend(companions.keys().cloned());
    files.sort();
    files.dedup();
    for path in files {
        let known = companions.get(&path).copied();
        if known.is_none() && !language::claims_name(&path) {
            continue;
        }
        if !confinement.allows(&path) {
            disk.refused.borrow_mut().push(path);
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(err) => {
                found.errors.push(ReadError {
                    path: display_path(&path),
                    message: format!("cannot read: {err}"),
                    location: None,
                    refused: false,
                });
                continue;
            }
        };
        let text = match crate::source::encoding::decode(bytes) {
            Ok(text) => text,
            Err(err) => {
                // A file of a kind its name gives, or whose text (as far as it decodes, or
                // in the encoding it looks like) a language claims, is an error; anything
                // else is not ours and is counted as skipped.
                let ours = known.is_some()
                    || err
                        .guessed
                        .as_deref()
                        .is_some_and(|text| language::classify(&path, text).is_some());
                if ours {
                    found.errors.push(ReadError {
                        path: display_path(&path),
                        message: err.message,
                        location: Some((err.line, err.column)),
                        refused: false,
                    });
                } else {
                    found.skipped += 1;
                }
                continue;
            }
        };
        let Some(kind) = known.or_else(|| language::classify(&path, &text)) else {
            found.skipped += 1;
            continue;
        };
        found.inputs.push(Input {
            path: display_path(&path),
            kind,
            text,
        });
    }
    let mut refused = disk.refused.take();
    refused.sort();
    refused.dedup();
    found
        .errors
        .extend(refused.into_iter().map(|path| ReadError {
            path: display_path(&path),
            message: OUTSIDE.to_owned(),
            location: None,
            refused: true,
        }));
    found
}

/// The path as the user reached it, without a leading `./`.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// `path` made absolute against `cwd` and normalised lexically (`.` and `..` resolved
/// without touching the file system, so symbolic links are not followed).
#[must_use]
pub fn absolute_in(cwd: &Path, path: &Path) -> PathBuf {
    crate::source::normalize(&cwd.join(path))
}

/// `path` absolute and normalised against the working directory.
#[must_use]
pub fn absolute(path: &Path) -> PathBuf {
    absolute_in(&std::env::current_dir().unwrap_or_default(), path)
}

/// The `.vpclint.toml` that applies to `start` (a file or a directory): the nearest one in
/// `start`'s directory or above, stopping at the file system root or after a directory that
/// contains `.git` (a repository's configuration does not leak into another's).
#[must_use]
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    let dir = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    for d in dir.ancestors() {
        let candidate = d.join(config::FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads and parses a configuration file; `shown` is how messages name it.
///
/// # Errors
/// The file cannot be read, or is not a valid configuration (with its line and column).
pub fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("cannot read: {e}"),
    })?;
    let dir = absolute(path.parent().unwrap_or(Path::new("")));
    config::parse(path, &dir, text.strip_prefix('\u{feff}').unwrap_or(&text))
}

/// The configuration that applies to `start`, if there is one (see [`find_config`]).
///
/// # Errors
/// As [`load_config`].
pub fn config_for(start: &Path) -> Result<Option<Config>, ConfigError> {
    find_config(start).map(|p| load_config(&p)).transpose()
}

/// Is there a repository around these paths (a configuration file, or a `.git` above
/// them)? Without one, giving files does not widen the analysis: there is no repository to
/// widen it to, and the files' common directory may be anything (`/tmp`, a home directory).
#[must_use]
pub fn has_repository_root(paths: &[PathBuf], config: Option<&Path>) -> bool {
    config.is_some()
        || paths.iter().any(|p| {
            absolute(p)
                .ancestors()
                .skip(1)
                .any(|d| d.join(".git").exists())
        })
}

/// The root of a diff-aware run over `paths`: the directory of the configuration file when
/// there is one, else the nearest ancestor of the paths' common directory that contains
/// `.git`, else that common directory. Absolute.
#[must_use]
pub fn repository_root(paths: &[PathBuf], config: Option<&Path>) -> PathBuf {
    if let Some(dir) = config.and_then(Path::parent) {
        return absolute(dir);
    }
    let dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let p = absolute(p);
            if p.is_dir() {
                p
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or(p)
            }
        })
        .collect();
    let mut common = dirs
        .first()
        .cloned()
        .unwrap_or_else(|| absolute(Path::new(".")));
    for d in &dirs {
        while !d.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map_or(common.clone(), Path::to_path_buf)
}

/// An absolute directory as a path from the working directory when it is the working
/// directory, below it or above it (`.`, `infra`, `../..`), so that output paths stay short
/// and relative; else as it is.
#[must_use]
pub fn relative_to_cwd(dir: &Path) -> PathBuf {
    let cwd = absolute(Path::new("."));
    if let Ok(below) = dir.strip_prefix(&cwd) {
        return if below.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            below.to_path_buf()
        };
    }
    if let Ok(above) = cwd.strip_prefix(dir) {
        return above.components().map(|_| Component::ParentDir).collect();
    }
    dir.to_path_buf()
}
