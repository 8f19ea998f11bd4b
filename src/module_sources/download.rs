//! `--download-modules`: for every root module without a `.terraform/modules` of its own,
//! the registry, archive and git modules it calls (transitively: through its local modules
//! and through the fetched modules themselves) are fetched into the cache ([`Fetcher`]),
//! their files read, and a module manifest added for the root, as `terraform get` would
//! write it but naming the cache directories, so that the lowering finds them as it finds
//! `terraform get`'s copies. A module that cannot be fetched is an entry of that manifest
//! saying why; the lowering reports it as an error at the call's `source`, and checks the
//! rest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::fetch::Fetcher;
use super::{dir_of, is_terraform, read_dir};
use crate::discover::{Discovered, FileKind, Input};
use crate::lower::terraform::{self as tf, ModuleCall};

/// How deep module calls are followed (the lowering stops at the same depth).
const MAX_DEPTH: usize = 16;

/// What a root's manifest lists: (key, source, directory or why not).
type Entry = (String, String, Result<PathBuf, String>);

/// Fetches what the roots call and adds their manifests to `found` (see the module doc).
pub fn download(found: &mut Discovered, fetcher: &mut Fetcher) {
    let mut by_dir: BTreeMap<PathBuf, Vec<ModuleCall>> = BTreeMap::new();
    for input in &found.inputs {
        if is_terraform(input.kind) {
            by_dir
                .entry(dir_of(&input.path))
                .or_default()
                .extend(calls_of(input));
        }
    }
    // `terraform get` ran there: its copies are what is checked.
    let with_manifest: BTreeSet<PathBuf> = found
        .inputs
        .iter()
        .filter(|i| i.kind == FileKind::TerraformModules)
        .filter_map(|i| i.path.ancestors().nth(3).map(tf::normalize_path))
        .collect();
    let called: BTreeSet<PathBuf> = by_dir
        .iter()
        .flat_map(|(dir, calls)| {
            calls
                .iter()
                .filter(|c| tf::is_local_source(&c.source))
                .map(move |c| tf::normalize_path(&dir.join(&c.source)))
        })
        .collect();
    let roots: Vec<PathBuf> = by_dir
        .keys()
        .filter(|d| !called.contains(*d) && !with_manifest.contains(*d))
        .cloned()
        .collect();
    // Packages fetched so far: their local modules are read too.
    let mut packages: BTreeSet<PathBuf> = BTreeSet::new();
    for root in roots {
        let mut entries: Vec<Entry> = Vec::new();
        let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.clone(), String::new(), 0)];
        while let Some((dir, prefix, depth)) = stack.pop() {
            if depth >= MAX_DEPTH {
                continue;
            }
            let calls = by_dir.get(&dir).cloned().unwrap_or_default();
            for call in calls {
                let key = if prefix.is_empty() {
                    call.name.clone()
                } else {
                    format!("{prefix}.{}", call.name)
                };
                let target = if tf::is_local_source(&call.source) {
                    let target = tf::normalize_path(&dir.join(&call.source));
                    // A local module inside a fetched package: read it too.
                    if !by_dir.contains_key(&target)
                        && packages.iter().any(|p| target.starts_with(p))
                    {
                        read_module(&target, found, &mut by_dir);
                    }
                    target
                } else {
                    match fetcher.fetch(&call.source, call.version.as_deref()) {
                        Ok(module) => {
                            packages.insert(package_of(&module));
                            if !by_dir.contains_key(&module) {
                                read_module(&module, found, &mut by_dir);
                            }
                            entries.push((key.clone(), call.source.clone(), Ok(module.clone())));
                            module
                        }
                        Err(why) => {
                            entries.push((key, call.source.clone(), Err(why)));
                            continue;
                        }
                    }
                };
                stack.push((target, key, depth + 1));
            }
        }
        if !entries.is_empty() {
            found.inputs.push(manifest(&root, &entries));
        }
    }
}

/// The module calls of a Terraform input.
fn calls_of(input: &Input) -> Vec<ModuleCall> {
    let body = match input.kind {
        FileKind::TerraformJson => crate::syntax::terraform_json::parse(&input.text).tree,
        _ => crate::syntax::terraform::parse(&input.text).tree,
    };
    tf::module_calls(&body)
}

/// The cache entry a fetched module directory is in (its package): the nearest directory
/// with the cache's completeness marker.
fn package_of(module: &Path) -> PathBuf {
    module
        .ancestors()
        .find(|a| a.join(super::fetch::COMPLETE).is_file())
        .unwrap_or(module)
        .to_path_buf()
}

/// Reads a fetched module's files (nothing outside its package) and notes its calls.
fn read_module(
    dir: &Path,
    found: &mut Discovered,
    by_dir: &mut BTreeMap<PathBuf, Vec<ModuleCall>>,
) {
    let Ok(package) = std::fs::canonicalize(package_of(dir)) else {
        return;
    };
    let start = found.inputs.len();
    read_dir(dir, &package, found);
    let calls: Vec<ModuleCall> = found.inputs[start..].iter().flat_map(calls_of).collect();
    by_dir.insert(dir.to_path_buf(), calls);
}

/// The manifest `terraform get` would have written in `root`, naming the cache
/// directories, and saying why a module is missing (vpclint's own; not written to disk).
fn manifest(root: &Path, entries: &[Entry]) -> Input {
    let mut modules = vec![serde_json::json!({"Key": "", "Source": "", "Dir": "."})];
    let mut seen = BTreeSet::new();
    for (key, source, dir) in entries {
        if !seen.insert(key.clone()) {
            continue;
        }
        modules.push(match dir {
            Ok(dir) => serde_json::json!({
                "Key": key,
                "Source": source,
                "Dir": dir.display().to_string(),
            }),
            Err(why) => serde_json::json!({
                "Key": key,
                "Source": source,
                tf::FETCH_ERROR: why,
            }),
        });
    }
    Input {
        path: root.join(".terraform").join("modules").join("modules.json"),
        kind: FileKind::TerraformModules,
        text: serde_json::json!({ "Modules": modules }).to_string(),
    }
}
