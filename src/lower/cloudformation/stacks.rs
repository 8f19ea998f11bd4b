//! The templates of a run and how they are stacked: CDK cloud-assembly manifests (stack
//! names, regions, construct paths), nested stacks (`AWS::CloudFormation::Stack` and SAM's
//! `AWS::Serverless::Application` with a local template), and the root parameters given on
//! the command line, checked against `AllowedValues`.
//!
//! A template that another scanned template nests is analysed through its parent (once per
//! nesting, with the parameters passed), never on its own.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::eval::{allowed_values, Binding, Instance};
use super::CloudFormationOptions;
use crate::lower::{LowerError, ParsedFile};
use crate::model::Note;
use crate::source::{FileId, Span};
use crate::syntax::tree::Node;

/// Nesting bound of nested stacks (CloudFormation's own limit is lower in practice).
const MAX_NESTING: usize = 8;

/// One template file.
pub(super) struct Template<'a> {
    pub file: FileId,
    pub root: &'a Node,
    pub path: PathBuf,
    pub cdk: Option<CdkStack>,
}

/// What a CDK `manifest.json` says about one stack's template.
#[derive(Clone, Debug, Default)]
pub(super) struct CdkStack {
    pub stack_name: String,
    pub region: Option<String>,
    /// Logical id → construct path (from the manifest's `aws:cdk:logicalId` metadata).
    pub paths: HashMap<String, String>,
}

/// The templates of the run, with what CDK manifests say about them.
pub(super) fn collect<'a>(
    files: &[&'a ParsedFile],
    paths: &dyn Fn(FileId) -> PathBuf,
) -> Vec<Template<'a>> {
    let mut manifests = Vec::new();
    let mut templates = Vec::new();
    for f in files {
        let ParsedFile::CloudFormation { file, root } = f else {
            continue;
        };
        let path = normalise(&paths(*file));
        if crate::syntax::cloudformation::is_cdk_manifest(root) {
            manifests.push((path, root));
        } else {
            templates.push(Template {
                file: *file,
                root,
                path,
                cdk: None,
            });
        }
    }
    for (path, manifest) in manifests {
        let dir = path.parent().unwrap_or(Path::new(""));
        for (template_file, stack) in cdk_stacks(manifest) {
            let target = normalise(&dir.join(template_file));
            if let Some(t) = templates.iter_mut().find(|t| t.path == target) {
                t.cdk = Some(stack);
            }
        }
    }
    templates
}

/// The template paths a CDK manifest at `path` describes, normalised.
pub(super) fn manifest_targets(manifest: &Node, path: &Path) -> Vec<PathBuf> {
    let path = normalise(path);
    let dir = path.parent().unwrap_or(Path::new(""));
    cdk_stacks(manifest)
        .into_iter()
        .map(|(template, _)| normalise(&dir.join(template)))
        .collect()
}

/// `(templateFile, stack)` of each `aws:cloudformation:stack` artifact of a manifest.
fn cdk_stacks(manifest: &Node) -> Vec<(String, CdkStack)> {
    let artifacts = manifest
        .get("artifacts")
        .and_then(Node::as_map)
        .unwrap_or_default();
    let mut out = Vec::new();
    for a in artifacts {
        let art = &a.value;
        if art.get("type").and_then(Node::as_scalar_str) != Some("aws:cloudformation:stack") {
            continue;
        }
        let props = art.get("properties");
        let Some(file) = props
            .and_then(|p| p.get("templateFile"))
            .and_then(Node::as_scalar_str)
        else {
            continue;
        };
        let stack_name = props
            .and_then(|p| p.get("stackName"))
            .and_then(Node::as_scalar_str)
            .unwrap_or(&a.key)
            .to_owned();
        // "aws://123456789012/eu-west-1"; "unknown-region" for environment-agnostic stacks.
        let region = art
            .get("environment")
            .and_then(Node::as_scalar_str)
            .and_then(|e| e.rsplit('/').next())
            .filter(|r| !r.is_empty() && !r.starts_with("unknown-"))
            .map(str::to_owned);
        let mut paths = HashMap::new();
        for m in art
            .get("metadata")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            for item in m.value.as_seq().unwrap_or_default() {
                if item.get("type").and_then(Node::as_scalar_str) == Some("aws:cdk:logicalId") {
                    if let Some(id) = item.get("data").and_then(Node::as_scalar_str) {
                        paths.insert(id.to_owned(), m.key.trim_start_matches('/').to_owned());
                    }
                }
            }
        }
        out.push((
            file.to_owned(),
            CdkStack {
                stack_name,
                region,
                paths,
            },
        ));
    }
    out
}

/// Lexical normalisation (`a/./b/../c` → `a/c`), so that a nested stack's relative
/// `TemplateURL` and the path a file was reached by compare equal.
pub(super) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Where a nested stack's template is.
enum NestedSource {
    Local(usize),
    /// Not analysable; the reason.
    Unavailable(String),
}

/// The nested stacks a template declares: `(logical id, resource, source)`.
fn nested_stacks<'a>(
    templates: &[Template<'a>],
    t: &Template<'a>,
) -> Vec<(&'a str, &'a Node, NestedSource)> {
    nested_paths(t.root, &t.path)
        .into_iter()
        .map(|(key, node, path)| {
            let source = match path {
                Ok(path) => find(templates, &path),
                Err(reason) => NestedSource::Unavailable(reason),
            };
            (key, node, source)
        })
        .collect()
}

/// The nested stacks of the template at `path`: `(logical id, resource, the template's
/// normalised local path or why there is none)`.
pub(super) fn nested_paths<'a>(
    root: &'a Node,
    path: &Path,
) -> Vec<(&'a str, &'a Node, Result<PathBuf, String>)> {
    let resources = root
        .get("Resources")
        .and_then(Node::as_map)
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for e in resources {
        let ty = e.value.get("Type").and_then(Node::as_scalar_str);
        let props = e.value.get("Properties");
        let url = match ty {
            Some("AWS::CloudFormation::Stack") => props.and_then(|p| p.get("TemplateURL")),
            Some("AWS::Serverless::Application") => props.and_then(|p| p.get("Location")),
            _ => continue,
        };
        // CDK names the nested template's local asset in the resource's metadata.
        let asset = e
            .value
            .get("Metadata")
            .and_then(|m| m.get("aws:asset:path"))
            .and_then(Node::as_scalar_str);
        let source = match (asset, url.and_then(Node::as_scalar_str)) {
            (Some(local), _) => Ok(normalise(&dir.join(local))),
            (None, Some(u)) if is_remote(u) => Err(format!(
                "the nested stack's template is remote ({u}); its resources are not analysed"
            )),
            (None, Some(u)) => Ok(normalise(&dir.join(u.trim_start_matches("file://")))),
            (None, None) => Err(
                "the nested stack's template location is computed or an application of the \
                 Serverless Application Repository; its resources are not analysed"
                    .to_owned(),
            ),
        };
        out.push((e.key.as_str(), &e.value, source));
    }
    out
}

fn is_remote(url: &str) -> bool {
    ["https://", "http://", "s3://"]
        .iter()
        .any(|p| url.to_ascii_lowercase().starts_with(p))
}

fn find(templates: &[Template<'_>], path: &Path) -> NestedSource {
    match templates.iter().position(|t| t.path == path) {
        Some(i) => NestedSource::Local(i),
        None => NestedSource::Unavailable(format!(
            "the nested stack's template {} is not among the scanned files",
            path.display()
        )),
    }
}

/// The templates that no other scanned template nests: each is the root of a stack tree.
pub(super) fn roots(templates: &[Template<'_>]) -> Vec<usize> {
    let mut nested = HashSet::new();
    for (i, t) in templates.iter().enumerate() {
        for (_, _, source) in nested_stacks(templates, t) {
            if let NestedSource::Local(child) = source {
                if child != i {
                    nested.insert(child);
                }
            }
        }
    }
    (0..templates.len())
        .filter(|i| !nested.contains(i))
        .collect()
}

/// What building instance trees reports: notes (unchecked) and errors.
#[derive(Default)]
pub(super) struct Reports {
    pub notes: Vec<Note>,
    pub errors: Vec<LowerError>,
}

/// Appends the instance tree of root template `root` to `out`: the root stack with the
/// command-line parameters, then its nested stacks depth-first.
pub(super) fn instantiate<'a>(
    templates: &[Template<'a>],
    root: usize,
    label: &str,
    options: &CloudFormationOptions,
    out: &mut Vec<Instance<'a>>,
    reports: &mut Reports,
) {
    let t = &templates[root];
    let params = root_parameters(t, options, &mut reports.errors);
    let cdk = t.cdk.clone().unwrap_or_default();
    out.push(Instance {
        file: t.file,
        root: t.root,
        prefix: String::new(),
        key: format!("f{}", t.file.0),
        label: label.to_owned(),
        params,
        children: HashMap::new(),
        parent: None,
        region: cdk.region.clone().or_else(|| options.region.clone()),
        stack_name: t.cdk.as_ref().map(|c| c.stack_name.clone()),
        cdk_paths: cdk.paths,
        index: std::cell::OnceCell::new(),
        extras: std::rc::Rc::default(),
    });
    let index = out.len() - 1;
    nest(templates, root, index, &mut vec![root], out, reports);
}

fn nest<'a>(
    templates: &[Template<'a>],
    tpl: usize,
    parent: usize,
    chain: &mut Vec<usize>,
    out: &mut Vec<Instance<'a>>,
    reports: &mut Reports,
) {
    let t = &templates[tpl];
    for (logical, resource, source) in nested_stacks(templates, t) {
        let address = format!("{}{logical}", out[parent].prefix);
        let span = Span::new(t.file, resource.span.clone());
        let child = match source {
            NestedSource::Unavailable(reason) => {
                reports.notes.push(Note {
                    address,
                    reason,
                    span,
                });
                continue;
            }
            NestedSource::Local(child) => child,
        };
        if chain.contains(&child) || chain.len() > MAX_NESTING {
            reports.errors.push(LowerError {
                span,
                message: format!(
                    "nested stack {logical}: the templates nest each other (or deeper than \
                     {MAX_NESTING} levels); it is not analysed"
                ),
            });
            continue;
        }
        let c = &templates[child];
        let params = resource
            .get("Properties")
            .and_then(|p| p.get("Parameters"))
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    Binding::Expr {
                        inst: parent,
                        node: &e.value,
                    },
                )
            })
            .collect();
        let p = &out[parent];
        let instance = Instance {
            file: c.file,
            root: c.root,
            prefix: format!("{}{logical}/", p.prefix),
            key: format!("{}/{logical}", p.key),
            label: format!("{}{logical}/", p.label),
            params,
            children: HashMap::new(),
            parent: Some((parent, logical.to_owned())),
            region: p.region.clone(),
            stack_name: None,
            cdk_paths: c.cdk.clone().unwrap_or_default().paths,
            index: std::cell::OnceCell::new(),
            extras: std::rc::Rc::default(),
        };
        out.push(instance);
        let index = out.len() - 1;
        out[parent].children.insert(logical.to_owned(), index);
        chain.push(child);
        nest(templates, child, index, chain, out, reports);
        chain.pop();
    }
}

/// The first element of `value` that `allowed` does not list: the value itself, or for a
/// list parameter (`CommaDelimitedList`, `List<…>`) each element, as CloudFormation checks
/// them.
fn not_allowed(value: &str, list: bool, allowed: &[String]) -> Option<String> {
    if list {
        value
            .split(',')
            .map(str::trim)
            .find(|v| !allowed.iter().any(|a| a == v))
            .map(str::to_owned)
    } else {
        (!allowed.iter().any(|a| a == value)).then(|| value.to_owned())
    }
}

/// "the Default 'a,b'", or "'b' in the Default 'a,b'" when one element is not allowed.
fn describe(bad: &str, value: &str, what: &str) -> String {
    if bad == value {
        format!("{what} '{value}'")
    } else {
        format!("'{bad}' in {what} '{value}'")
    }
}

/// The command-line values of the parameters the template declares (later values win),
/// each checked against the parameter's `AllowedValues`, as is every `Default`.
fn root_parameters<'a>(
    t: &Template<'a>,
    options: &CloudFormationOptions,
    errors: &mut Vec<LowerError>,
) -> HashMap<String, Binding<'a>> {
    let mut out = HashMap::new();
    let declared = t
        .root
        .get("Parameters")
        .and_then(Node::as_map)
        .unwrap_or_default();
    for p in declared {
        let allowed = allowed_values(&p.value);
        let given = options.parameters.iter().rev().find(|g| g.key == p.key);
        let at = p
            .value
            .get("AllowedValues")
            .map_or(p.key_span.clone(), |a| a.span.clone());
        let list = p
            .value
            .get("Type")
            .and_then(Node::as_scalar_str)
            .is_some_and(super::eval::is_list_type);
        if let Some(g) = given {
            if let Some(bad) = allowed
                .as_ref()
                .and_then(|a| not_allowed(&g.value, list, a))
            {
                errors.push(LowerError {
                    span: Span::new(t.file, at),
                    message: format!(
                        "parameter {}: {} ({}) is not one of its AllowedValues ({})",
                        p.key,
                        describe(&bad, &g.value, "the value"),
                        g.source,
                        allowed.unwrap_or_default().join(", ")
                    ),
                });
            }
            out.insert(p.key.clone(), Binding::Given(g.value.clone()));
        } else if let (Some(d), Some(allowed)) = (p.value.get("Default"), allowed.as_ref()) {
            let bad = d
                .as_scalar_str()
                .and_then(|v| not_allowed(v, list, allowed));
            if let (Some(bad), Some(v)) = (bad, d.as_scalar_str()) {
                errors.push(LowerError {
                    span: Span::new(t.file, d.span.clone()),
                    message: format!(
                        "parameter {}: {} is not one of its AllowedValues ({})",
                        p.key,
                        describe(&bad, v, "the Default"),
                        allowed.join(", ")
                    ),
                });
            }
        }
    }
    out
}
