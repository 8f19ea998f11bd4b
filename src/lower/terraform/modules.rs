//! Module directories: what one directory of `.tf` files declares ([`ModuleDef`]), which
//! directories are root modules, and where a module call's source is.
//!
//! Sources are resolved without IO, against the files already parsed: a local path
//! (`./`, `../`) relative to the caller's directory; anything else (registry, git, …) only
//! through `.terraform/modules/modules.json`, which `terraform init` leaves behind. Nothing
//! is ever downloaded.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::lower::LowerError;
use crate::source::{FileId, Span};
use crate::syntax::hcl::{Attribute, Block, Body, ExprKind};
use crate::syntax::tree::Node;

/// A resource or data block of a module.
pub struct ResourceDecl<'a> {
    pub file: FileId,
    pub block: &'a Block,
    /// `aws_vpc.main`
    pub address: String,
    pub type_name: &'a str,
}

pub struct CallDecl<'a> {
    pub file: FileId,
    pub block: &'a Block,
    pub name: &'a str,
}

/// What the files of one directory declare.
#[derive(Default)]
pub struct ModuleDef<'a> {
    pub variables: HashMap<&'a str, (FileId, &'a Block)>,
    pub locals: HashMap<&'a str, (FileId, &'a Attribute)>,
    pub outputs: HashMap<&'a str, (FileId, &'a Block)>,
    /// Managed resources, in declaration order.
    pub resources: Vec<ResourceDecl<'a>>,
    pub resource_index: HashMap<String, usize>,
    /// Data sources by `type.name`.
    pub data: HashMap<String, ResourceDecl<'a>>,
    pub calls: Vec<CallDecl<'a>>,
    pub call_index: HashMap<&'a str, usize>,
    /// `provider` blocks: configuration key (`aws`, `aws.peer`) → block.
    pub providers: BTreeMap<String, (FileId, &'a Block)>,
}

impl<'a> ModuleDef<'a> {
    /// Collects the declarations of one directory's files; duplicates are reported and the
    /// first one kept, as Terraform refuses them.
    pub fn build(files: &[(FileId, &'a Body)], errors: &mut Vec<LowerError>) -> Self {
        let mut def = ModuleDef::default();
        for &(file, body) in files {
            for block in &body.blocks {
                def.add_block(file, block, errors);
            }
        }
        def
    }

    fn add_block(&mut self, file: FileId, block: &'a Block, errors: &mut Vec<LowerError>) {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.value.as_str()).collect();
        let duplicate = |what: String, errors: &mut Vec<LowerError>| {
            let span = block
                .labels
                .last()
                .map_or(block.span.clone(), |l| l.span.clone());
            errors.push(LowerError {
                span: Span::new(file, span),
                message: format!(
                    "duplicate {what}: one with this name is already declared in this module"
                ),
            });
        };
        match (block.kind.as_str(), labels.as_slice()) {
            ("resource" | "data", [ty, name]) => {
                let address = format!("{ty}.{name}");
                let decl = ResourceDecl {
                    file,
                    block,
                    address: address.clone(),
                    type_name: ty,
                };
                let taken = if block.kind == "data" {
                    match self.data.entry(address) {
                        Entry::Occupied(_) => true,
                        Entry::Vacant(e) => {
                            e.insert(decl);
                            false
                        }
                    }
                } else {
                    match self.resource_index.entry(address) {
                        Entry::Occupied(_) => true,
                        Entry::Vacant(e) => {
                            e.insert(self.resources.len());
                            self.resources.push(decl);
                            false
                        }
                    }
                };
                if taken {
                    let what = if block.kind == "data" {
                        "data source data."
                    } else {
                        "resource "
                    };
                    duplicate(format!("{what}{ty}.{name}"), errors);
                }
            }
            ("variable", [name]) => match self.variables.entry(name) {
                Entry::Occupied(_) => duplicate(format!("variable var.{name}"), errors),
                Entry::Vacant(e) => {
                    e.insert((file, block));
                }
            },
            ("output", [name]) => {
                self.outputs.insert(name, (file, block));
            }
            ("locals", []) => {
                for attr in &block.body.attributes {
                    if self.locals.insert(&attr.name, (file, attr)).is_some() {
                        duplicate(format!("local value local.{}", attr.name), errors);
                    }
                }
            }
            ("module", [name]) => {
                if self.call_index.contains_key(name) {
                    duplicate(format!("module call module.{name}"), errors);
                } else {
                    self.call_index.insert(name, self.calls.len());
                    self.calls.push(CallDecl { file, block, name });
                }
            }
            ("provider", [name]) => {
                let key = match block.body.attribute("alias").map(|a| &a.value.kind) {
                    Some(ExprKind::String(alias)) => format!("{name}.{alias}"),
                    _ => (*name).to_owned(),
                };
                self.providers.entry(key).or_insert((file, block));
            }
            _ => {}
        }
    }
}

/// The literal `source` of a module call.
pub fn source_of(block: &Block) -> Option<&str> {
    match &block.body.attribute("source")?.value.kind {
        ExprKind::String(s) => Some(s),
        _ => None,
    }
}

/// The directory a call with a local `source` in module `dir` instantiates (`None` for a
/// source that is not local).
pub fn local_target(dir: &Path, source: &str) -> Option<PathBuf> {
    is_local_source(source).then(|| normalize(&dir.join(source)))
}

pub fn is_local_source(source: &str) -> bool {
    source == "." || source == ".." || source.starts_with("./") || source.starts_with("../")
}

pub use crate::source::normalize;

/// `to` relative to `from` (both normalised), for `path.module`.
pub fn relative(from: &Path, to: &Path) -> String {
    let (from, to) = (normalize(from), normalize(to));
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Is `path` inside one of the scanned roots (lexically)?
pub fn inside_roots(path: &Path, roots: &[PathBuf]) -> bool {
    let path = normalize(path);
    roots.iter().any(|root| {
        let root = normalize(root);
        if root.as_os_str().is_empty() {
            !path.starts_with("..")
        } else {
            path.starts_with(&root)
        }
    })
}

/// What a `.terraform/modules/modules.json` says.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Module key (`vpc`, `vpc.subnets`) → directory.
    pub dirs: HashMap<String, PathBuf>,
    /// Module key → why `--download-modules` could not fetch it (vpclint's own manifest
    /// only: `terraform get` writes no such entry).
    pub failed: HashMap<String, String>,
}

/// The field of vpclint's own manifest entry that says why a module was not fetched.
pub const FETCH_ERROR: &str = "VpclintError";

/// `.terraform/modules/modules.json`: module key (`vpc`, `vpc.subnets`) → directory,
/// relative to the root module's directory. Entries whose directory leaves the root are
/// dropped.
pub fn read_manifest(root: &Path, manifest: &Node) -> Manifest {
    let mut out = Manifest::default();
    for entry in manifest
        .get("Modules")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let Some(key) = entry
            .get("Key")
            .and_then(Node::as_scalar_str)
            .filter(|k| !k.is_empty())
        else {
            continue;
        };
        if let Some(error) = entry.get(FETCH_ERROR).and_then(Node::as_scalar_str) {
            out.failed.insert(key.to_owned(), error.to_owned());
            continue;
        }
        let Some(dir) = entry.get("Dir").and_then(Node::as_scalar_str) else {
            continue;
        };
        let dir = normalize(Path::new(dir));
        // Relative directories leave the root only as `terraform init` never writes them.
        // An absolute one is vpclint's own manifest of downloaded modules (`--download-
        // modules`), naming cache directories; a directory is used only when its files
        // were read, and nothing here reads.
        if dir.starts_with("..") {
            continue;
        }
        out.dirs.insert(key.to_owned(), normalize(&root.join(dir)));
    }
    out
}

/// The other directory a call in module `dir` with this `source` instantiates: a local
/// source that is not `dir` itself.
pub fn call_target(dir: &Path, source: Option<&str>) -> Option<PathBuf> {
    source
        .and_then(|s| local_target(dir, s))
        .filter(|t| t != dir)
}

/// Directories called as modules by another scanned directory (`calls`: each call's module
/// directory and source; `manifest_dirs`: what the manifests list): they are evaluated
/// through their callers, not as roots.
pub fn called_dirs<'c>(
    calls: impl Iterator<Item = (&'c Path, Option<&'c str>)>,
    manifest_dirs: impl Iterator<Item = &'c PathBuf>,
) -> std::collections::HashSet<PathBuf> {
    let mut called: std::collections::HashSet<PathBuf> = calls
        .filter_map(|(dir, source)| call_target(dir, source))
        .collect();
    called.extend(manifest_dirs.cloned());
    called
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("a/../../c")), PathBuf::from("../c"));
        assert_eq!(
            relative(Path::new("env/prod"), Path::new("modules/vpc")),
            "../../modules/vpc"
        );
        assert_eq!(relative(Path::new("x"), Path::new("x")), ".");
        assert!(inside_roots(Path::new("a/b"), &[PathBuf::from("a")]));
        assert!(!inside_roots(Path::new("ab/b"), &[PathBuf::from("a")]));
        assert!(!inside_roots(Path::new("../b"), &[PathBuf::from(".")]));
    }
}
