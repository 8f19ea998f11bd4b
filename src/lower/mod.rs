//! Spanned syntax trees → the resource graph. The ONLY place that knows Terraform's and
//! CloudFormation's resource types, argument names, defaults and reference syntax.
//!
//! Lowering is two-pass per scope (a Terraform module directory, a CloudFormation template):
//! first every resource's address is reserved in the graph, then bodies are lowered, so a
//! reference resolves to a [`ResourceId`] whatever the declaration order.

pub mod budget;
pub mod cloudformation;
mod cloudwan;
mod declared;
pub mod language;
mod suppression_edit;
pub mod terraform;

pub use declared::{declared_inputs, DeclaredInputs};
pub use language::{FileKind, Language, Notice, Parsed, LANGUAGES};
pub use suppression_edit::{suppression_edit, SuppressionStyle, TextEdit};

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::{Graph, Ipv4Net, ListProp, Prop, RefProp, ResourceId, SymStr, Val};
use crate::source::{FileId, Span};
use crate::syntax::hcl;
use crate::syntax::tree::Node;

/// One parsed input file.
#[derive(Debug)]
pub enum ParsedFile {
    Terraform {
        file: FileId,
        body: hcl::Body,
    },
    /// A variable definitions file (`*.tfvars`, `*.tfvars.json`): its attributes.
    TerraformVars {
        file: FileId,
        body: hcl::Body,
    },
    /// `.terraform/modules/modules.json` (left by `terraform init`): where the modules of
    /// non-local sources were downloaded to.
    TerraformModules {
        file: FileId,
        root: Node,
    },
    /// A plan as `terraform show -json` prints it.
    TerraformPlan {
        file: FileId,
        root: Node,
    },
    CloudFormation {
        file: FileId,
        root: Node,
    },
}

/// Options of the lowering, one struct per input format (each owned by its format's
/// lowering module).
#[derive(Clone, Debug, Default)]
pub struct LowerOptions {
    pub terraform: terraform::TerraformOptions,
    pub cloudformation: cloudformation::CloudFormationOptions,
}

impl LowerOptions {
    /// The region templates are deployed to, unless one is set already (a configuration's
    /// `region` under `--region`).
    pub fn default_region(&mut self, region: Option<String>) {
        if self.cloudformation.region.is_none() {
            self.cloudformation.region = region;
        }
    }

    /// The region templates are deployed to, when set.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.cloudformation.region.as_deref()
    }

    /// Directories of a repository that are roots of the check (diff-aware runs: the
    /// modules a changed file belongs to are lowered through them).
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.terraform.roots = roots;
    }
}

/// What the split into units reads in one file, kept when the file's tree is not (see
/// [`units`]). Two files with equal links split the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Links {
    /// A Terraform file: its module calls, `(name, literal source)`, the first of a name.
    Terraform(Vec<(String, Option<String>)>),
    TerraformVars,
    TerraformPlan,
    /// `.terraform/modules/modules.json`: module key → directory (see
    /// `terraform::modules::read_manifest`).
    TerraformModules(BTreeMap<String, PathBuf>),
    CloudFormation(cloudformation::Links),
}

/// The links of one parsed file (`path` and `text` are its path, as `paths` gives it, and
/// its text).
#[must_use]
pub fn links(file: &ParsedFile, path: &std::path::Path, text: &str) -> Links {
    file.language().links(file, path, text)
}

impl ParsedFile {
    /// The file's id.
    #[must_use]
    pub fn file(&self) -> FileId {
        match self {
            ParsedFile::Terraform { file, .. }
            | ParsedFile::TerraformVars { file, .. }
            | ParsedFile::TerraformModules { file, .. }
            | ParsedFile::TerraformPlan { file, .. }
            | ParsedFile::CloudFormation { file, .. } => *file,
        }
    }

    /// The language the file is in.
    #[must_use]
    pub fn language(&self) -> &'static dyn Language {
        match self {
            ParsedFile::CloudFormation { .. } => &cloudformation::language::CloudFormation,
            _ => &terraform::language::Terraform,
        }
    }
}

impl Links {
    /// The language of the file the links are from.
    #[must_use]
    pub fn language(&self) -> &'static dyn Language {
        match self {
            Links::CloudFormation(_) => &cloudformation::language::CloudFormation,
            _ => &terraform::language::Terraform,
        }
    }
}

/// Gives the parsed files of some inputs, in order, to a function (the caller may have
/// kept them or may parse them again; `None` for one it could not parse).
pub type Trees<'a> = dyn Fn(&[FileId], &mut dyn FnMut(&[Option<&ParsedFile>])) + 'a;

/// The units of lowering: sets of files (indexes into `files`) that are lowered together
/// and that nothing outside links to: a Terraform root module with the modules it calls
/// (or a directory lowered from its plan), a group of CloudFormation templates linked by
/// exports, imports and nesting. Lowering each unit alone gives the graph of lowering all
/// of them at once, split: references never cross units, and a literal id or address of a
/// resource in another unit is Unknown (the rules match literal addresses only within a
/// unit). A file can be in several units (a module several roots call); a file in none is
/// not lowered (a module nothing reaches from a root, a variables file of a module).
///
/// The split reads the files' [`Links`]; only CloudFormation imports need more (export
/// names are evaluated): then `trees` is asked for the templates.
#[must_use]
pub fn units(
    files: &[(FileId, &Links)],
    paths: &dyn Fn(FileId) -> PathBuf,
    options: &LowerOptions,
    trees: &Trees<'_>,
) -> Vec<Vec<usize>> {
    LANGUAGES
        .iter()
        .flat_map(|l| l.units(files, paths, options, trees))
        .collect()
}

/// A problem found while lowering (not a rule finding): e.g. a resource that is not a map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    pub span: Span,
    pub message: String,
}

/// Builds the graph of every parsed file. Terraform files are grouped by directory (one
/// module each); every CloudFormation template is its own scope.
#[must_use]
pub fn lower(
    files: &[&ParsedFile],
    paths: &dyn Fn(FileId) -> std::path::PathBuf,
    options: &LowerOptions,
) -> (Graph, Vec<LowerError>) {
    let mut graph = Graph::default();
    let mut errors = Vec::new();
    // One evaluation budget for the unit, whatever its language (see `budget`).
    let budget = budget::Budget::new();
    for language in LANGUAGES {
        language.lower(files, paths, options, &budget, &mut graph, &mut errors);
    }
    if let Some(first) = files.first() {
        errors.extend(budget.take_errors(Span::new(first.file(), 0..0)));
    }
    (graph, errors)
}

/// A scalar read from the source before it is typed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Str(String),
    Bool(bool),
    Num(String),
    /// A string known in part (`com.amazonaws.<region>.sqs`).
    Sym(SymStr),
}

impl Scalar {
    /// The text of a wholly known scalar; why it is not known for a symbolic one.
    fn into_string(self) -> Result<String, String> {
        match self {
            Scalar::Str(s) | Scalar::Num(s) => Ok(s),
            Scalar::Bool(b) => Ok(b.to_string()),
            Scalar::Sym(s) => match s.as_literal() {
                Some(text) => Ok(text.to_owned()),
                None => Err(symbolic_reason(&s)),
            },
        }
    }
}

/// Why a string known only in part is Unknown where a whole string is needed.
pub(crate) fn symbolic_reason(s: &SymStr) -> String {
    format!(
        "'{s}': {}",
        s.unknown_part().unwrap_or_else(|| "not known".to_owned())
    )
}

/// Typed access to a resource's properties, implemented once per input format. The
/// per-type lowering code of each format uses it with that format's argument names.
pub(crate) trait Props {
    /// The span to use for a property that is absent (the resource's declaration).
    fn decl_span(&self) -> Span;
    /// A scalar-or-reference property.
    fn scalar(&self, key: &str) -> Option<Prop<Scalar>>;
    /// A list property; each element scalar-or-reference.
    fn list(&self, key: &str) -> Option<ListProp<Scalar>>;

    fn string(&self, key: &str) -> Option<Prop<String>> {
        self.scalar(key).map(|p| map_prop(p, Scalar::into_string))
    }

    /// A string that may be known in part (a service name built from the region).
    fn symbolic(&self, key: &str) -> Option<Prop<SymStr>> {
        self.scalar(key).map(|p| {
            map_prop(p, |s| match s {
                Scalar::Sym(s) => Ok::<_, String>(s),
                other => other.into_string().map(|text| SymStr::literal(&text)),
            })
        })
    }

    fn boolean(&self, key: &str) -> Option<Prop<bool>> {
        self.scalar(key).map(|p| {
            map_prop(p, |s| match s {
                Scalar::Bool(b) => Ok(b),
                Scalar::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
                Scalar::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
                other => Err(format!("'{}' is not a boolean", other.into_string()?)),
            })
        })
    }

    fn integer(&self, key: &str) -> Option<Prop<i64>> {
        self.scalar(key).map(|p| {
            map_prop(p, |s| {
                let text = s.into_string()?;
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
                    .map(|n| {
                        #[allow(clippy::cast_possible_truncation)]
                        let i = n as i64;
                        i
                    })
                    .ok_or_else(|| format!("'{text}' is not an integer"))
            })
        })
    }

    fn cidr(&self, key: &str) -> Option<Prop<Ipv4Net>> {
        self.scalar(key)
            .map(|p| map_prop(p, |s| s.into_string()?.parse::<Ipv4Net>()))
    }

    /// A reference property; a literal (an id like `vpc-0123…`) is an external resource,
    /// Unknown.
    fn reference(&self, key: &str) -> Option<RefProp> {
        self.scalar(key).map(as_ref_prop)
    }

    /// A reference that the resource cannot do without; absent → Unknown at the declaration.
    fn required_reference(&self, key: &str) -> RefProp {
        self.reference(key)
            .unwrap_or_else(|| Prop::unknown(format!("{key} is not set"), self.decl_span()))
    }

    fn references(&self, key: &str) -> Option<ListProp<()>> {
        self.list(key).map(|list| Prop {
            span: list.span,
            val: match list.val {
                Val::Known(items) => Val::Known(items.into_iter().map(as_ref_prop).collect()),
                Val::Ref(id, attr) => Val::Ref(id, attr),
                Val::Unknown(r) => Val::Unknown(r),
            },
        })
    }

    fn strings(&self, key: &str) -> Option<ListProp<String>> {
        self.list(key).map(|list| Prop {
            span: list.span,
            val: match list.val {
                Val::Known(items) => Val::Known(
                    items
                        .into_iter()
                        .map(|p| map_prop(p, Scalar::into_string))
                        .collect(),
                ),
                Val::Ref(id, attr) => Val::Ref(id, attr),
                Val::Unknown(r) => Val::Unknown(r),
            },
        })
    }

    fn cidrs(&self, key: &str) -> Option<ListProp<Ipv4Net>> {
        self.list(key).map(|list| Prop {
            span: list.span,
            val: match list.val {
                Val::Known(items) => Val::Known(
                    items
                        .into_iter()
                        .map(|p| map_prop(p, |s| s.into_string()?.parse::<Ipv4Net>()))
                        .collect(),
                ),
                Val::Ref(id, attr) => Val::Ref(id, attr),
                Val::Unknown(r) => Val::Unknown(r),
            },
        })
    }
}

fn map_prop<T, U, E: ToString>(p: Prop<T>, f: impl FnOnce(T) -> Result<U, E>) -> Prop<U> {
    Prop {
        span: p.span,
        val: match p.val {
            Val::Known(v) => match f(v) {
                Ok(u) => Val::Known(u),
                Err(e) => Val::Unknown(e.to_string()),
            },
            Val::Ref(id, attr) => Val::Ref(id, attr),
            Val::Unknown(r) => Val::Unknown(r),
        },
    }
}

fn as_ref_prop(p: Prop<Scalar>) -> RefProp {
    Prop {
        span: p.span,
        val: match p.val {
            Val::Known(s) => Val::Unknown(match s.into_string() {
                Ok(text) => {
                    format!("'{text}' is a literal id of a resource outside the scanned files")
                }
                Err(reason) => reason,
            }),
            Val::Ref(id, attr) => Val::Ref(id, attr),
            Val::Unknown(r) => Val::Unknown(r),
        },
    }
}

/// The items of a list property, as the model's per-item fields take them: a list whose
/// length is not known becomes one Unknown item carrying the reason, so nothing downstream
/// treats it as empty.
pub(crate) fn list_items<T>(list: Option<ListProp<T>>) -> Vec<Prop<T>> {
    match list {
        Some(Prop {
            val: Val::Known(items),
            ..
        }) => items,
        Some(Prop {
            val: Val::Unknown(reason),
            span,
        }) => vec![Prop::unknown(reason, span)],
        Some(Prop {
            val: Val::Ref(..),
            span,
        }) => vec![Prop::unknown("a list read from another resource", span)],
        None => Vec::new(),
    }
}

/// A one-item list of a single-valued property (`subnet_id`, `CidrIp`).
pub(crate) fn single<T>(p: Prop<T>) -> ListProp<T> {
    let span = p.span;
    Prop::known(vec![p], span)
}

/// A reference to a resource by id, for lowering code that builds references itself.
pub(crate) fn ref_to(id: ResourceId, attr: &str, span: Span) -> RefProp {
    Prop {
        val: Val::Ref(id, attr.to_owned()),
        span,
    }
}
