//! Module sources outside the scanned paths (IO): local modules a scanned root calls that
//! lie elsewhere in the repository (`vpclint check examples/complete` where the example
//! calls `source = "../.."`), and, with `--download-modules`, registry, archive and git
//! sources fetched into a cache (`download.rs`).
//!
//! Nothing here reads outside the repository: the nearest directory at or above the PATHs
//! that holds `.git` or `.vpclint.toml`, compared after resolving symbolic links. Without
//! a repository, nothing outside the scanned paths is read. The lowering says why a call it
//! could not follow was not read (`lower::terraform`); this module only reads.

mod address;
mod archive;
mod download;
pub mod fetch;
mod version;

pub use download::download;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::discover::{self, Discovered, FileKind, Input, ReadError};

/// The repository the PATHs are in: the nearest directory at or above the first PATH with
/// `.git` or `.vpclint.toml`, written as the PATHs are (absolute for an absolute PATH, else
/// from the working directory: `.`, `../..`), as the inputs' paths are.
#[must_use]
pub fn repository_of(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let start = discover::absolute(first);
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    let root = start
        .ancestors()
        .find(|d| d.join(".git").exists() || d.join(crate::config::FILE_NAME).is_file())?;
    Some(if first.is_absolute() {
        root.to_path_buf()
    } else {
        discover::relative_to_cwd(root)
    })
}

/// Reads the local modules the discovered Terraform files call (transitively) that are not
/// among them and lie inside `repository`: the `.tf` and `.tf.json` files of each such
/// directory (not its subdirectories). Directories outside the repository, or that do not
/// exist, are not read; the lowering reports them.
pub fn read_local(found: &mut Discovered, repository: Option<&Path>) {
    let Some(repository) = repository else {
        return;
    };
    let Ok(repo) = std::fs::canonicalize(repository) else {
        return;
    };
    let mut dirs: BTreeSet<PathBuf> = found
        .inputs
        .iter()
        .filter(|i| is_terraform(i.kind))
        .map(|i| dir_of(&i.path))
        .collect();
    let mut queue: Vec<usize> = (0..found.inputs.len()).collect();
    while let Some(i) = queue.pop() {
        let input = &found.inputs[i];
        if !is_terraform(input.kind) {
            continue;
        }
        let dir = dir_of(&input.path);
        for source in local_sources(input) {
            let target = crate::lower::terraform::normalize_path(&dir.join(&source));
            if dirs.contains(&target) {
                continue;
            }
            dirs.insert(target.clone());
            let inside = std::fs::canonicalize(if target.as_os_str().is_empty() {
                Path::new(".")
            } else {
                target.as_path()
            })
            .is_ok_and(|t| t.starts_with(&repo) && t.is_dir());
            if !inside {
                continue;
            }
            let start = found.inputs.len();
            read_dir(&target, &repo, found);
            queue.extend(start..found.inputs.len());
        }
    }
}

fn is_terraform(kind: FileKind) -> bool {
    matches!(kind, FileKind::Terraform | FileKind::TerraformJson)
}

fn dir_of(path: &Path) -> PathBuf {
    crate::lower::terraform::normalize_path(path.parent().unwrap_or(Path::new("")))
}

/// The local sources (`./`, `../`) of a file's module calls.
fn local_sources(input: &Input) -> Vec<String> {
    let body = match input.kind {
        FileKind::TerraformJson => crate::syntax::terraform_json::parse(&input.text).tree,
        _ => crate::syntax::terraform::parse(&input.text).tree,
    };
    crate::lower::terraform::call_sources(&body)
        .into_iter()
        .filter(|s| crate::lower::terraform::is_local_source(s))
        .collect()
}

/// Why a file of a module directory was not read (as discovery says it).
const OUTSIDE: &str = "not read: its real path is outside the repository (a symbolic link leads out of it), and vpclint reads nothing outside the repository";

/// Reads one module directory's configuration files as discovery reads a scanned
/// directory's: the names Terraform reads (`.tf`, `.tf.json`; not hidden files or editor
/// backups), decoded as discovery decodes them, in name order. A file whose real path is
/// outside `within` (a symbolic link out of the repository, or out of a fetched package) is
/// not read: an unchecked entry, as in discovery.
fn read_dir(dir: &Path, within: &Path, found: &mut Discovered) {
    use crate::lower::language::{Claim, Language};
    let listing = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(listing) else {
        return;
    };
    let mut files: Vec<(PathBuf, FileKind)> = entries
        .filter_map(Result::ok)
        .map(|e| dir.join(e.file_name()))
        .filter(|p| p.is_file())
        .filter_map(
            |p| match crate::lower::terraform::language::Terraform.claim_name(&p) {
                Some(Claim::Kind(kind @ (FileKind::Terraform | FileKind::TerraformJson))) => {
                    Some((p, kind))
                }
                _ => None,
            },
        )
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in files {
        let error = |message: String, location: Option<(u32, u32)>, refused: bool| ReadError {
            path: path.clone(),
            message,
            location,
            refused,
        };
        if !std::fs::canonicalize(&path).is_ok_and(|real| real.starts_with(within)) {
            found.errors.push(error(OUTSIDE.to_owned(), None, true));
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                found
                    .errors
                    .push(error(format!("cannot read: {e}"), None, false));
                continue;
            }
        };
        match crate::source::encoding::decode(bytes) {
            Ok(text) => found.inputs.push(Input { path, kind, text }),
            Err(e) => found
                .errors
                .push(error(e.message, Some((e.line, e.column)), false)),
        }
    }
}
