//! Terraform as an input language: `*.tf`, `*.tf.json`, `*.tfvars(.json)`, the module
//! manifest `terraform init` leaves, and plans printed by `terraform show -json`.

use std::path::{Path, PathBuf};

use crate::lower::budget::Budget;
use crate::lower::language::{Claim, FileKind, FileSystem, Language, Parsed};
use crate::lower::{Links, LowerError, LowerOptions, ParsedFile, Trees};
use crate::model::Graph;
use crate::source::FileId;
use crate::syntax::comments::{self, Comment};
use crate::syntax::{json, terraform, terraform_json};

pub struct Terraform;

/// A plan printed by `terraform show -json`: it names its format and has planned values.
#[must_use]
pub fn looks_like_plan(text: &str) -> bool {
    text.contains("\"format_version\"") && text.contains("\"planned_values\"")
}

impl Language for Terraform {
    fn name(&self) -> &'static str {
        "Terraform"
    }

    /// `terraform init`'s cache: its modules are read as companions.
    fn skipped_dirs(&self) -> &'static [&'static str] {
        &[".terraform"]
    }

    /// For every directory with Terraform files that has a `.terraform/modules/modules.json`
    /// (a prior `terraform init` or `terraform get`): the manifest and the `.tf`/`.tf.json`
    /// files of the module directories it lists under `.terraform/modules/`. Only what was
    /// left there; never downloads, never outside the directory.
    fn companions(&self, found: &[PathBuf], fs: &dyn FileSystem) -> Vec<(PathBuf, FileKind)> {
        let is_config = |p: &Path| {
            matches!(
                self.claim_name(p),
                Some(Claim::Kind(FileKind::Terraform | FileKind::TerraformJson))
            )
        };
        let mut dirs: Vec<&Path> = found
            .iter()
            .filter(|p| is_config(p))
            .filter_map(|p| p.parent())
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        let mut out = Vec::new();
        for dir in dirs {
            let modules = dir.join(".terraform").join("modules");
            let manifest = modules.join("modules.json");
            let Some(text) = fs.read(&manifest) else {
                continue;
            };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            for entry in json["Modules"].as_array().into_iter().flatten() {
                let Some(module_dir) = entry["Dir"].as_str() else {
                    continue;
                };
                let rel = Path::new(module_dir);
                // Only directories `terraform init` downloaded into, never outside the root.
                if !rel.starts_with(".terraform/modules")
                    || rel
                        .components()
                        .any(|c| matches!(c, std::path::Component::ParentDir))
                {
                    continue;
                }
                for file in fs.list(&dir.join(rel)) {
                    if let Some(Claim::Kind(
                        kind @ (FileKind::Terraform | FileKind::TerraformJson),
                    )) = self.claim_name(&file)
                    {
                        out.push((file, kind));
                    }
                }
            }
            out.push((manifest, FileKind::TerraformModules));
        }
        out
    }

    /// Terraform's own file selection: `.tf` and `.tf.json` by their exact, case-sensitive
    /// suffix (`MAIN.TF` is not configuration), except the names Terraform ignores (hidden
    /// files, editor backups `x.tf~` and `#x.tf#`); a name that is not valid UTF-8 is read, as
    /// Terraform reads it. Names that look like Terraform but that Terraform ignores are left
    /// to the content test, so they are counted as skipped rather than lost.
    fn claim_name(&self, path: &Path) -> Option<Claim> {
        let name = path.file_name()?.to_string_lossy();
        if name == "modules.json"
            && path
                .parent()
                .is_some_and(|p| p.ends_with(".terraform/modules"))
        {
            return Some(Claim::Kind(FileKind::TerraformModules));
        }
        let ignored = name.starts_with('.')
            || name.ends_with('~')
            || (name.starts_with('#') && name.ends_with('#'));
        let kind = if name.ends_with(".tf") {
            FileKind::Terraform
        } else if name.ends_with(".tf.json") {
            FileKind::TerraformJson
        } else if name.ends_with(".tfvars") {
            FileKind::TerraformVars
        } else if name.ends_with(".tfvars.json") {
            FileKind::TerraformVarsJson
        } else {
            let lower = name.to_ascii_lowercase();
            let tf_like = [".tf", ".tf.json", ".tfvars", ".tfvars.json", ".json"]
                .iter()
                .any(|suffix| lower.trim_end_matches(['~', '#']).ends_with(suffix));
            return tf_like.then_some(Claim::Content);
        };
        Some(if ignored {
            Claim::Content
        } else {
            Claim::Kind(kind)
        })
    }

    fn claim_content(&self, _path: &Path, text: &str) -> Option<FileKind> {
        looks_like_plan(text).then_some(FileKind::TerraformPlan)
    }

    fn owns(&self, kind: FileKind) -> bool {
        matches!(
            kind,
            FileKind::Terraform
                | FileKind::TerraformJson
                | FileKind::TerraformVars
                | FileKind::TerraformVarsJson
                | FileKind::TerraformModules
                | FileKind::TerraformPlan
        )
    }

    fn parse(&self, id: FileId, kind: FileKind, text: &str) -> Parsed {
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
                let p = json::parse(text);
                let file = p.tree.map(|root| match kind {
                    FileKind::TerraformPlan => ParsedFile::TerraformPlan { file: id, root },
                    _ => ParsedFile::TerraformModules { file: id, root },
                });
                Parsed::File(file, p.errors)
            }
            _ => unreachable!("not a Terraform kind"),
        }
    }

    fn comments(&self, kind: FileKind, text: &str) -> Vec<Comment> {
        match kind {
            FileKind::Terraform | FileKind::TerraformVars => comments::hcl(text),
            // JSON has no comments.
            _ => Vec::new(),
        }
    }

    fn links(&self, file: &ParsedFile, path: &Path, _text: &str) -> Links {
        match file {
            ParsedFile::Terraform { body, .. } => Links::Terraform(super::calls(body)),
            ParsedFile::TerraformVars { .. } => Links::TerraformVars,
            ParsedFile::TerraformPlan { .. } => Links::TerraformPlan,
            ParsedFile::TerraformModules { root, .. } => {
                Links::TerraformModules(super::manifest_entries(path, root))
            }
            ParsedFile::CloudFormation { .. } => unreachable!("not a Terraform file"),
        }
    }

    fn units(
        &self,
        files: &[(FileId, &Links)],
        paths: &dyn Fn(FileId) -> PathBuf,
        _options: &LowerOptions,
        _trees: &Trees<'_>,
    ) -> Vec<Vec<usize>> {
        super::units(files, paths)
    }

    /// A directory is a module.
    fn fallback_unit(&self, path: &Path) -> PathBuf {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    fn lower(
        &self,
        files: &[&ParsedFile],
        paths: &dyn Fn(FileId) -> PathBuf,
        options: &LowerOptions,
        budget: &Budget,
        graph: &mut Graph,
        errors: &mut Vec<LowerError>,
    ) {
        super::lower_all(files, paths, &options.terraform, budget, graph, errors);
    }
}
