//! Finding the files to check: walking the PATH arguments (honouring `.gitignore`, skipping
//! `.git/`, `.terraform/` and `node_modules/`, and the configuration's `exclude` globs),
//! classifying them by name and content, and reading them; finding and reading
//! `.vpclint.toml`, and the repository root of a diff-aware run. One of the few modules that
//! does IO.

use std::path::{Component, Path, PathBuf};

use crate::config::{self, Config, ConfigError, Exclude};

/// What a file is, as far as its name and a glance at its content tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `*.tf`
    Terraform,
    /// `*.tf.json`
    TerraformJson,
    /// `*.tfvars` (HCL attributes).
    TerraformVars,
    /// `*.tfvars.json`
    TerraformVarsJson,
    /// `.terraform/modules/modules.json` beside scanned `.tf` files (left by `terraform
    /// init`): where non-local module sources were downloaded.
    TerraformModules,
    /// JSON printed by `terraform show -json PLANFILE`.
    TerraformPlan,
    /// YAML that looks like a CloudFormation template; confirmed after parsing.
    CloudFormationYaml,
    /// JSON that looks like a CloudFormation template; confirmed after parsing.
    CloudFormationJson,
}

/// A file read from disk.
#[derive(Debug)]
pub struct Input {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
}

/// A file that could not be read, or a PATH that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
    /// 1-based line and column of the problem, when it has one (invalid UTF-8).
    pub location: Option<(u32, u32)>,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<ReadError>,
    /// YAML/JSON files that are not CloudFormation, and other files given explicitly.
    pub skipped: usize,
    /// PATH arguments that do not exist.
    pub missing: Vec<PathBuf>,
}

const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules"];

/// Walks the given paths and reads every Terraform and CloudFormation candidate, in a
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
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(false)
            .filter_entry({
                let exclude = exclude.clone();
                let cwd = cwd.clone();
                move |e| {
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    let skipped = is_dir
                        && e.file_name()
                            .to_str()
                            .is_some_and(|n| SKIPPED_DIRS.contains(&n));
                    !skipped && !exclude.is_excluded(&absolute_in(&cwd, e.path()), is_dir)
                }
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    files.push(e.into_path());
                }
                Ok(_) => {}
                Err(err) => found.errors.push(ReadError {
                    path: root.clone(),
                    message: format!("cannot walk: {err}"),
                    location: None,
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    let manifests = add_downloaded_modules(&mut files);
    for path in files {
        let Some(by_name) = kind_by_name(&path) else {
            continue;
        };
        let by_name = if manifests.contains(&path) {
            NameKind::Manifest
        } else {
            by_name
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(err) => {
                found.errors.push(ReadError {
                    path: display_path(&path),
                    message: format!("cannot read: {err}"),
                    location: None,
                });
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(err) => {
                let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
                let valid = std::str::from_utf8(valid).unwrap_or_default();
                let line = valid.matches('\n').count() + 1;
                let column = valid.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                if by_name == NameKind::Terraform
                    || looks_like_cloudformation(&String::from_utf8_lossy(err.as_bytes()))
                {
                    found.errors.push(ReadError {
                        path: display_path(&path),
                        message: "the file is not valid UTF-8".to_owned(),
                        location: Some((
                            u32::try_from(line).unwrap_or(u32::MAX),
                            u32::try_from(column).unwrap_or(u32::MAX),
                        )),
                    });
                } else {
                    found.skipped += 1;
                }
                continue;
            }
        };
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let kind = match by_name {
            NameKind::Terraform => FileKind::Terraform,
            NameKind::TerraformJson => FileKind::TerraformJson,
            NameKind::TerraformVars => FileKind::TerraformVars,
            NameKind::TerraformVarsJson => FileKind::TerraformVarsJson,
            NameKind::Manifest => FileKind::TerraformModules,
            NameKind::Json if looks_like_terraform_plan(&text) => FileKind::TerraformPlan,
            NameKind::Yaml | NameKind::Json if !looks_like_cloudformation(&text) => {
                found.skipped += 1;
                continue;
            }
            NameKind::Yaml => FileKind::CloudFormationYaml,
            NameKind::Json => FileKind::CloudFormationJson,
        };
        found.inputs.push(Input {
            path: display_path(&path),
            kind,
            text,
        });
    }
    found
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameKind {
    Terraform,
    TerraformJson,
    TerraformVars,
    TerraformVarsJson,
    Manifest,
    Yaml,
    Json,
}

fn kind_by_name(path: &Path) -> Option<NameKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, extension) = name.rsplit_once('.')?;
    match extension {
        "json"
            if std::path::Path::new(stem)
                .extension()
                .is_some_and(|e| e == "tf") =>
        {
            Some(NameKind::TerraformJson)
        }
        "tf" => Some(NameKind::Terraform),
        "tfvars" => Some(NameKind::TerraformVars),
        "json"
            if std::path::Path::new(stem)
                .extension()
                .is_some_and(|e| e == "tfvars") =>
        {
            Some(NameKind::TerraformVarsJson)
        }
        // `.template` files are JSON or YAML; the CloudFormation parser tells them apart.
        "yaml" | "yml" | "template" => Some(NameKind::Yaml),
        "json" => Some(NameKind::Json),
        _ => None,
    }
}

/// A cheap content test before parsing: a template names its format version, or has
/// `Resources` with `AWS::` types. Parsing confirms it.
#[must_use]
pub fn looks_like_cloudformation(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
        // A CDK cloud-assembly manifest (`cdk.out/manifest.json`): stack names and regions.
        || text.contains("\"aws:cloudformation:stack\"")
}

/// A plan printed by `terraform show -json`: it names its format and has planned values.
#[must_use]
pub fn looks_like_terraform_plan(text: &str) -> bool {
    text.contains("\"format_version\"") && text.contains("\"planned_values\"")
}

/// For every directory with Terraform files that has a `.terraform/modules/modules.json`
/// (a prior `terraform init`), adds the manifest and the `.tf`/`.tf.json` files of the
/// module directories it lists under `.terraform/modules/` (the walk skips `.terraform/`).
/// Returns the manifests' paths. Only reads what `terraform init` left; never downloads.
fn add_downloaded_modules(files: &mut Vec<PathBuf>) -> std::collections::HashSet<PathBuf> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter(|p| {
            matches!(
                kind_by_name(p),
                Some(NameKind::Terraform | NameKind::TerraformJson)
            )
        })
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut manifests = std::collections::HashSet::new();
    for dir in dirs {
        let modules = dir.join(".terraform").join("modules");
        let manifest = modules.join("modules.json");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let entries = json["Modules"].as_array().cloned().unwrap_or_default();
        for entry in entries {
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
            let Ok(read) = std::fs::read_dir(dir.join(rel)) else {
                continue;
            };
            let mut found: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && matches!(
                            kind_by_name(p),
                            Some(NameKind::Terraform | NameKind::TerraformJson)
                        )
                })
                .collect();
            found.sort();
            files.extend(found);
        }
        files.push(manifest.clone());
        manifests.insert(manifest);
    }
    files.sort();
    files.dedup();
    manifests
}

/// The path as the user reached it, without a leading `./`.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// `path` made absolute against `cwd` and normalised lexically (`.` and `..` resolved
/// without touching the file system, so symbolic links are not followed).
#[must_use]
pub fn absolute_in(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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
