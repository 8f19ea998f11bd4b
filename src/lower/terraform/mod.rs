//! Terraform → graph elements, evaluated as Terraform would evaluate the configuration,
//! statically.
//!
//! - `modules.rs`: what each directory declares; which directories are root modules; where a
//!   module call's source is (local paths, or `.terraform/modules/modules.json`).
//! - `vars.rs`: root variable values in Terraform's precedence order; type conversion.
//! - `eval.rs`: module instances, `count`/`for_each`, variables, locals, outputs,
//!   references, expressions. `functions.rs`: the built-in functions. `value.rs`: values.
//! - `resources.rs`: resource types → graph kinds. `plan.rs`: `terraform show -json` plans.
//!
//! Lowering runs in three steps: every root module is instantiated and every resource
//! instance created (lazily, so references resolve whatever the declaration order); graph
//! ids are reserved in declaration order; then each instance's body is lowered through
//! `Ctx`, which reads evaluated values as Known, Ref or Unknown.

mod eval;
mod functions;
pub mod language;
mod modules;
mod plan;
mod resources;
mod validate;
mod value;
mod vars;

pub use modules::FETCH_ERROR;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use self::eval::{Env, Evaluator};
use self::resources::TfBlock;
use self::value::Value;
use super::budget::Budget;
use super::{as_ref_prop, LowerError, ParsedFile, Props, Scalar};
use crate::model::cloudwan::Tags;
use crate::model::{CallSite, Graph, ListProp, Note, Prop, RefProp, ResourceId, Val};
use crate::source::{FileId, Span};
use crate::syntax::hcl::{Body, Expr, ExprKind};

/// Options of the Terraform lowering (`vpclint check` flags in `cli/terraform.rs`, which
/// reads the files; the lowering does no IO).
#[derive(Clone, Debug, Default)]
pub struct TerraformOptions {
    /// `--var` and `--var-file`, in command-line order (a later one wins).
    pub vars: Vec<VarSetting>,
    /// `TF_VAR_name` values from the environment: (name, value).
    pub env: Vec<(String, String)>,
    /// The PATH arguments, to tell a module source outside them (empty: not known).
    pub roots: Vec<PathBuf>,
    /// The repository the PATHs are in (the nearest directory with `.git` or
    /// `.vpclint.toml`), as the paths of the inputs are written: local modules are read
    /// anywhere inside it, and a source that leaves it is not read.
    pub repository: Option<PathBuf>,
    /// The `--download-modules` cache: code there is not the user's (findings in it are
    /// reported at the user's call, as for `.terraform/modules`).
    pub module_cache: Option<PathBuf>,
    /// Directories of which only some files were read (a file given as a PATH with
    /// `--no-only-files`): what their modules reference may be declared in the files not
    /// read, so a reference to an undeclared name there is Unknown, not an error.
    pub partial_dirs: Vec<PathBuf>,
}

#[derive(Clone, Debug)]
pub enum VarSetting {
    /// `--var NAME=VALUE`
    Var { name: String, value: String },
    /// `--var-file FILE`, parsed.
    File { path: PathBuf, body: Body },
}

/// Lowers every Terraform input: plans, and the root modules of the scanned directories
/// (a directory called as a module by another scanned directory is lowered through its
/// callers, with their inputs).
pub fn lower_all(
    files: &[&ParsedFile],
    paths: &dyn Fn(FileId) -> PathBuf,
    options: &TerraformOptions,
    budget: &Budget,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let mut dirs: BTreeMap<PathBuf, Vec<(FileId, &Body)>> = BTreeMap::new();
    let mut var_files: BTreeMap<PathBuf, Vec<vars::AutoFile>> = BTreeMap::new();
    let mut manifests: HashMap<PathBuf, modules::Manifest> = HashMap::new();
    let mut plans = Vec::new();
    for f in files {
        match f {
            ParsedFile::Terraform { file, body } => {
                dirs.entry(dir_of(&paths(*file)))
                    .or_default()
                    .push((*file, body));
            }
            ParsedFile::TerraformVars { file, body } => {
                let path = paths(*file);
                var_files
                    .entry(dir_of(&path))
                    .or_default()
                    .push(vars::AutoFile {
                        name: path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        body,
                    });
            }
            ParsedFile::TerraformModules { file, root } => {
                // <root>/.terraform/modules/modules.json
                let path = paths(*file);
                if let Some(root_dir) = path.ancestors().nth(3) {
                    let root_dir = modules::normalize(root_dir);
                    manifests.insert(root_dir.clone(), modules::read_manifest(&root_dir, root));
                }
            }
            ParsedFile::TerraformPlan { file, root } => plans.push((*file, root)),
            ParsedFile::CloudFormation { .. } => {}
        }
    }
    let defs: BTreeMap<PathBuf, modules::ModuleDef> = dirs
        .iter()
        .map(|(dir, files)| (dir.clone(), modules::ModuleDef::build(files, errors)))
        .collect();
    // A directory with a plan is lowered from the plan; its files give locations.
    let planned: Vec<PathBuf> = plans.iter().map(|(f, _)| dir_of(&paths(*f))).collect();
    for (file, root) in &plans {
        plan::lower(*file, root, defs.get(&dir_of(&paths(*file))), graph, errors);
    }
    let called = modules::called_dirs(
        defs.iter().flat_map(|(dir, def)| {
            def.calls
                .iter()
                .map(move |c| (dir.as_path(), modules::source_of(c.block)))
        }),
        manifests.values().flat_map(|m| m.dirs.values()),
    );
    let ev = Evaluator::new(&defs, &manifests, options, budget);
    let roots = defs
        .keys()
        .filter(|d| !called.contains(*d) && !planned.contains(d));
    for (i, dir) in roots.enumerate() {
        let auto = var_files.get(dir).map_or(&[][..], Vec::as_slice);
        let declared = |name: &str| defs[dir].variables.contains_key(name);
        ev.add_root(dir, i, vars::root_values(auto, options, &declared));
    }
    errors.extend(ev.errors.take());
    errors.extend(validate::check(&ev));
    for u in ev.unevaluated.take() {
        graph.add_note(Note {
            address: u.address,
            reason: u.reason,
            span: u.span,
        });
    }
    for u in ev.unsupplied.take() {
        graph.add_unsupplied(Note {
            address: u.address,
            reason: u.reason,
            span: u.span,
        });
    }
    let foreign = |file: FileId| is_foreign(&paths(file), options);
    // The files of code that is not the user's, each with the call that brings it in.
    for inst in 0..ev.instances.borrow().len() {
        let def = ev.def(inst);
        let files = def
            .resources
            .iter()
            .map(|r| r.file)
            .chain(def.calls.iter().map(|c| c.file))
            .chain(def.data.values().map(|d| d.file));
        for file in files {
            if foreign(file) {
                graph.add_foreign_file(file, call_site(&ev, inst, &foreign));
            }
        }
    }
    lower_instances(&ev, graph, &foreign);
}

/// Code that is not the user's: a module `terraform init` copied under `.terraform/`, or
/// one outside the repository (a download cache), or, without a repository, outside the
/// scanned paths.
fn is_foreign(path: &Path, options: &TerraformOptions) -> bool {
    if path
        .components()
        .any(|c| c.as_os_str() == std::ffi::OsStr::new(".terraform"))
    {
        return true;
    }
    if options
        .module_cache
        .as_ref()
        .is_some_and(|cache| path.starts_with(cache))
    {
        return true;
    }
    let dir = dir_of(path);
    match &options.repository {
        Some(repository) => !modules::inside_roots(&dir, std::slice::from_ref(repository)),
        None => !options.roots.is_empty() && !modules::inside_roots(&dir, &options.roots),
    }
}

/// The call site in the user's files that brings in the foreign code an instance is in: the
/// outermost call from the root, and the user's calls further in.
fn call_site(
    ev: &Evaluator<'_>,
    inst: eval::InstId,
    foreign: &dyn Fn(FileId) -> bool,
) -> Option<CallSite> {
    // (child instance, its call) from the instance up to the root.
    let mut chain = Vec::new();
    let mut at = inst;
    loop {
        let instance = ev.instance(at);
        let Some((parent, call, _)) = &instance.parent else {
            break;
        };
        chain.push((at, &ev.def(*parent).calls[*call]));
        at = *parent;
    }
    chain.reverse();
    let mut user = chain.into_iter().filter(|(_, call)| !foreign(call.file));
    let (child, outer) = user.next()?;
    let label = |call: &modules::CallDecl<'_>| {
        Span::new(
            call.file,
            call.block
                .labels
                .first()
                .map_or(call.block.span.clone(), |l| l.span.clone()),
        )
    };
    Some(CallSite {
        address: ev.instance(child).address.clone(),
        span: label(outer),
        extent: Span::new(outer.file, outer.block.span.clone()),
        inner: user
            .map(|(child, call)| (ev.instance(child).address.clone(), label(call)))
            .collect(),
    })
}

/// A file's directory, normalised (the key of its module).
fn dir_of(path: &Path) -> PathBuf {
    modules::normalize(path.parent().unwrap_or(Path::new("")))
}

/// Reserves graph ids for every resource instance in declaration order, then lowers each.
fn lower_instances(ev: &Evaluator<'_>, graph: &mut Graph, foreign: &dyn Fn(FileId) -> bool) {
    let handles = ev.handles.borrow().clone();
    let mut order: Vec<usize> = (0..handles.len()).collect();
    order.sort_by(|a, b| handles[*a].order.cmp(&handles[*b].order));
    let mut ids = vec![ResourceId(0); handles.len()];
    for &i in &order {
        let info = &handles[i];
        let decl = &ev.def(info.inst).resources[info.decl];
        let name = decl
            .block
            .labels
            .last()
            .map_or(decl.block.span.clone(), |l| l.span.clone());
        ids[i] = graph.reserve(
            info.address.clone(),
            decl.type_name.to_owned(),
            Span::new(decl.file, name),
        );
        graph.set_extent(ids[i], Span::new(decl.file, decl.block.span.clone()));
        if let Some(reason) = &info.poison {
            graph.set_uncertain(ids[i], reason.clone());
        }
        if foreign(decl.file) {
            if let Some(site) = call_site(ev, info.inst, foreign) {
                graph.set_site(ids[i], site);
            }
        }
    }
    for &i in &order {
        let info = &handles[i];
        let decl = &ev.def(info.inst).resources[info.decl];
        let id = ids[i];
        let ctx = Ctx {
            ev,
            ids: &ids,
            env: info.env(),
            file: decl.file,
            body: &decl.block.body,
            decl: graph.get(id).span,
            poison: info.poison.as_deref().map(Rc::from),
        };
        let region = if decl.type_name.starts_with("aws_") {
            let at = decl
                .block
                .body
                .attribute("provider")
                .map_or(graph.get(id).span, |a| ctx.span(&a.value));
            ev.provider_region(info.inst, &Evaluator::provider_key(decl.block), at)
        } else {
            None
        };
        let kind = resources::lower_resource(decl.type_name, &ctx);
        graph.set(id, region, kind);
    }
}

/// Property access over one evaluated block body: a resource instance, a nested block, or
/// the content of one `dynamic` block instance.
struct Ctx<'e, 'a> {
    ev: &'e Evaluator<'a>,
    /// Resource instance handle → graph id.
    ids: &'e [ResourceId],
    env: Env,
    file: FileId,
    body: &'a Body,
    decl: Span,
    /// Set when this element may not exist (`count`/`for_each`/`dynamic` unknown): its
    /// values are Unknown for this reason, its references are kept.
    poison: Option<Rc<str>>,
}

impl<'a> Ctx<'_, 'a> {
    fn span(&self, expr: &Expr) -> Span {
        Span::new(self.file, expr.span.clone())
    }

    fn child(&self, body: &'a Body, decl: Span, env: Env, poison: Option<Rc<str>>) -> Self {
        Ctx {
            ev: self.ev,
            ids: self.ids,
            env,
            file: self.file,
            body,
            decl,
            poison,
        }
    }

    /// An argument's value; `None` when absent or null (Terraform's "not set").
    fn eval(&self, key: &str) -> Option<(Value, &'a Expr)> {
        let attr = self.body.attribute(key)?;
        let value = match self.ev.eval(&attr.value, &self.env) {
            Ok(v) => v,
            Err(e) => {
                self.ev.report(self.file, &e);
                Value::Unknown(format!("{key} cannot be evaluated: {}", stop_text(e)))
            }
        };
        self.ev.locate(self.file, &attr.value.span);
        (value != Value::Null).then_some((value, &attr.value))
    }

    fn id(&self, h: value::Handle) -> Option<ResourceId> {
        self.ids.get(h.index()).copied()
    }

    /// A value where one scalar is expected. `prefer_ref`: a reference to a resource
    /// attribute stays a reference (an edge) even when its configured value is known.
    fn scalar_val(&self, value: Value, prefer_ref: bool) -> Val<Scalar> {
        let val = match value {
            Value::Ref(r) if prefer_ref || r.known.is_none() => match self.id(r.handle) {
                Some(id) => Val::Ref(id, r.attr),
                None => Val::Unknown(format!("{} is not a resource vpclint lowered", r.text)),
            },
            Value::Ref(r) => return self.scalar_val(r.known.unwrap_or(Value::Null), false),
            Value::Resource(h) => match self.id(h) {
                Some(id) => Val::Ref(id, String::new()),
                None => Val::Unknown("a resource vpclint did not lower".to_owned()),
            },
            Value::String(s) => Val::Known(Scalar::Str(s)),
            Value::Number(n) => Val::Known(Scalar::Num(value::format_number(n))),
            Value::Bool(b) => Val::Known(Scalar::Bool(b)),
            Value::Null => Val::Unknown("null".to_owned()),
            Value::List(_) => Val::Unknown("a list where a single value was expected".to_owned()),
            Value::Map(_) => Val::Unknown("an object where a single value was expected".to_owned()),
            Value::Sym(s) => Val::Known(Scalar::Sym(s)),
            Value::Partial(_) => {
                Val::Unknown("a list where a single value was expected".to_owned())
            }
            Value::Unknown(r) | Value::UnknownInstances(_, r) => Val::Unknown(r),
        };
        match (&self.poison, val) {
            (Some(reason), Val::Known(_)) => Val::Unknown(reason.to_string()),
            (_, val) => val,
        }
    }

    fn list_val(&self, key: &str, prefer_ref: bool) -> Option<ListProp<Scalar>> {
        let (value, expr) = self.eval(key)?;
        let span = self.span(expr);
        let items = match value {
            Value::List(items) => items,
            // Elements known, their order not: the order of these arguments does not matter.
            Value::Partial(p) if p.exact => p.items,
            Value::Partial(p) => return Some(Prop::unknown(p.reason, span)),
            Value::Ref(r) if r.known.is_some() && !prefer_ref => match r.known {
                Some(Value::List(items)) => items,
                _ => {
                    return Some(Prop::unknown(
                        "a single value where a list was expected",
                        span,
                    ))
                }
            },
            other => {
                return Some(Prop {
                    val: match self.scalar_val(other, true) {
                        Val::Known(_) => {
                            Val::Unknown("a single value where a list was expected".to_owned())
                        }
                        Val::Ref(id, attr) => Val::Ref(id, attr),
                        Val::Unknown(r) => Val::Unknown(r),
                    },
                    span,
                })
            }
        };
        // Elements written one by one keep their own spans.
        let item_spans: Option<&Vec<Expr>> = match &expr.kind {
            ExprKind::Tuple(exprs) if exprs.len() == items.len() => Some(exprs),
            _ => None,
        };
        let props = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Prop {
                val: self.scalar_val(item, prefer_ref),
                span: item_spans.map_or(span, |e| self.span(&e[i])),
            })
            .collect();
        Some(Prop::known(props, span))
    }

    /// The blocks of one `dynamic "kind"` block: one per element of its `for_each`, with the
    /// iterator (`kind`, or the name in `iterator`) bound to `{key, value}`.
    fn dynamic(&self, block: &'a crate::syntax::hcl::Block, kind: &str, out: &mut Vec<Self>) {
        let Some(content) = block.body.blocks_of("content").next() else {
            return;
        };
        let iterator = block
            .body
            .attribute("iterator")
            .and_then(|a| a.value.as_reference())
            .and_then(|p| p.into_iter().next())
            .unwrap_or_else(|| kind.to_owned());
        let decl = Span::new(self.file, block.span.clone());
        let bind = |k: Value, v: Value| {
            let obj = [("key".to_owned(), k), ("value".to_owned(), v)]
                .into_iter()
                .collect();
            self.env.bind(&iterator, Value::Map(obj))
        };
        let for_each = block.body.attribute("for_each").map(|a| {
            let v = self.ev.eval(&a.value, &self.env);
            self.ev.locate(self.file, &a.value.span);
            v
        });
        let items: Result<Vec<(Value, Value)>, String> = match for_each {
            None => Err("the dynamic block has no for_each".to_owned()),
            Some(Err(e)) => Err(stop_text(e)),
            Some(Ok(v)) => value::dynamic_elements(&v),
        };
        match items {
            Ok(items) => {
                for (k, v) in items {
                    out.push(self.child(&content.body, decl, bind(k, v), self.poison.clone()));
                }
            }
            Err(reason) => {
                let reason = format!("the dynamic \"{kind}\" blocks are not known: {reason}");
                let u = Value::Unknown(reason.clone());
                out.push(self.child(
                    &content.body,
                    decl,
                    bind(u.clone(), u),
                    Some(Rc::from(reason)),
                ));
            }
        }
    }
}

fn stop_text(stop: value::Stop) -> String {
    match stop {
        value::Stop::Unknown(r) | value::Stop::Error(r) => r,
    }
}

impl Props for Ctx<'_, '_> {
    fn decl_span(&self) -> Span {
        self.decl
    }

    fn scalar(&self, key: &str) -> Option<Prop<Scalar>> {
        let (value, expr) = self.eval(key)?;
        Some(Prop {
            val: self.scalar_val(value, false),
            span: self.span(expr),
        })
    }

    fn list(&self, key: &str) -> Option<ListProp<Scalar>> {
        self.list_val(key, false)
    }

    fn reference(&self, key: &str) -> Option<RefProp> {
        let (value, expr) = self.eval(key)?;
        Some(as_ref_prop(Prop {
            val: self.scalar_val(value, true),
            span: self.span(expr),
        }))
    }

    fn references(&self, key: &str) -> Option<ListProp<()>> {
        self.list_val(key, true).map(|list| Prop {
            span: list.span,
            val: match list.val {
                Val::Known(items) => Val::Known(items.into_iter().map(as_ref_prop).collect()),
                Val::Ref(id, attr) => Val::Ref(id, attr),
                Val::Unknown(r) => Val::Unknown(r),
            },
        })
    }
}

impl TfBlock for Ctx<'_, '_> {
    fn blocks(&self, kind: &str) -> Vec<Self> {
        let mut out = Vec::new();
        for b in &self.body.blocks {
            if b.kind == kind {
                let decl = Span::new(self.file, b.span.clone());
                out.push(self.child(&b.body, decl, self.env.clone(), self.poison.clone()));
            } else if b.kind == "dynamic" && b.labels.first().is_some_and(|l| l.value == kind) {
                self.dynamic(b, kind, &mut out);
            }
        }
        out
    }

    fn attr_span(&self, key: &str) -> Option<Span> {
        self.eval(key).map(|(_, expr)| self.span(expr))
    }

    fn string_map(&self, key: &str) -> Option<Prop<Tags>> {
        let (value, expr) = self.eval(key)?;
        let span = self.span(expr);
        let text = |v: &Value| match v.resolved() {
            Ok(Value::String(s)) => Ok(s.clone()),
            Ok(Value::Number(n)) => Ok(value::format_number(*n)),
            Ok(Value::Bool(b)) => Ok(b.to_string()),
            Ok(other) => Err(format!(
                "a {} where a string was expected",
                other.type_name()
            )),
            Err(e) => Err(stop_text(e)),
        };
        let val = match value.resolved() {
            Ok(Value::Map(map)) => map
                .iter()
                .map(|(k, v)| text(v).map(|t| (k.clone(), t)))
                .collect::<Result<Vec<_>, _>>()
                .map_or_else(Val::Unknown, |pairs| Val::Known(Tags(pairs))),
            Ok(other) => Val::Unknown(format!("{key} is a {}", other.type_name())),
            Err(e) => Val::Unknown(stop_text(e)),
        };
        let val = match (&self.poison, val) {
            (Some(reason), Val::Known(_)) => Val::Unknown(reason.to_string()),
            (_, val) => val,
        };
        Some(Prop { val, span })
    }
}

/// Evaluates an expression in the root module of `dir`, as `terraform console` run there
/// would (with the directory's auto-loaded variable files and `options`). `Ok` is the value
/// as `jsonencode` prints it; `Err` says why it is not known, or the error. For tests that
/// compare vpclint's evaluation with Terraform's, and for debugging.
///
/// # Errors
/// When the value is Unknown, or the expression or a file cannot be parsed or evaluated.
pub fn evaluate(
    files: &[(PathBuf, String)],
    options: &TerraformOptions,
    dir: &Path,
    expression: &str,
) -> Result<String, String> {
    use crate::syntax::{terraform, terraform_json};
    let dir = modules::normalize(dir);
    let mut bodies: Vec<(PathBuf, bool, Body)> = Vec::new();
    for (path, text) in files {
        let name = path.to_string_lossy();
        let (is_vars, parsed) = if name.ends_with(".tfvars.json") {
            (true, terraform_json::parse_vars(text))
        } else if name.ends_with(".tfvars") {
            (true, terraform::parse(text))
        } else if name.ends_with(".tf.json") {
            (false, terraform_json::parse(text))
        } else {
            (false, terraform::parse(text))
        };
        if let Some(e) = parsed.errors.first() {
            return Err(format!("{}: {}", path.display(), e.message));
        }
        bodies.push((path.clone(), is_vars, parsed.tree));
    }
    let mut dirs: BTreeMap<PathBuf, Vec<(FileId, &Body)>> = BTreeMap::new();
    let mut auto = Vec::new();
    for (i, (path, is_vars, body)) in bodies.iter().enumerate() {
        let file = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        if *is_vars {
            if dir_of(path) == dir {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                auto.push(vars::AutoFile {
                    name: name.unwrap_or_default(),
                    body,
                });
            }
        } else {
            dirs.entry(dir_of(path)).or_default().push((file, body));
        }
    }
    let mut errors = Vec::new();
    let defs: BTreeMap<PathBuf, modules::ModuleDef> = dirs
        .iter()
        .map(|(d, f)| (d.clone(), modules::ModuleDef::build(f, &mut errors)))
        .collect();
    if !defs.contains_key(&dir) {
        return Err(format!("no Terraform files in {}", dir.display()));
    }
    let manifests = HashMap::new();
    let budget = Budget::new();
    let ev = Evaluator::new(&defs, &manifests, options, &budget);
    let declared = |name: &str| defs[&dir].variables.contains_key(name);
    ev.add_root(&dir, 0, vars::root_values(&auto, options, &declared));
    let parsed = terraform::parse(&format!("v = {expression}\n"));
    let Some(attr) = parsed
        .tree
        .attribute("v")
        .filter(|_| parsed.errors.is_empty())
    else {
        return Err(format!("not an expression: {expression}"));
    };
    // The root is the first instance; its module calls come after it.
    let root = 0;
    match ev.eval(&attr.value, &Env::module(root)) {
        Ok(v) => v.to_json().map_err(stop_text),
        Err(e) => Err(stop_text(e)),
    }
}

/// The module calls of a file, `(name, literal source)`, the first of a name kept (as
/// `ModuleDef` keeps it).
pub(super) fn calls(body: &Body) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for block in body.blocks_of("module") {
        if let [name] = block.labels.as_slice() {
            if !out.iter().any(|(n, _)| *n == name.value) {
                out.push((
                    name.value.clone(),
                    modules::source_of(block).map(str::to_owned),
                ));
            }
        }
    }
    out
}

/// A module call as `--download-modules` needs it: its name, literal `source` and literal
/// `version` constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub version: Option<String>,
}

/// The module calls of a file that have a literal source (the first of a name).
#[must_use]
pub fn module_calls(body: &Body) -> Vec<ModuleCall> {
    let mut out: Vec<ModuleCall> = Vec::new();
    for block in body.blocks_of("module") {
        let ([name], Some(source)) = (block.labels.as_slice(), modules::source_of(block)) else {
            continue;
        };
        if out.iter().any(|c| c.name == name.value) {
            continue;
        }
        let version = block
            .body
            .attribute("version")
            .and_then(|a| match &a.value.kind {
                crate::syntax::hcl::ExprKind::String(v) => Some(v.clone()),
                _ => None,
            });
        out.push(ModuleCall {
            name: name.value.clone(),
            source: source.to_owned(),
            version,
        });
    }
    out
}

/// The literal sources of a file's module calls.
#[must_use]
pub fn call_sources(body: &Body) -> Vec<String> {
    calls(body).into_iter().filter_map(|(_, s)| s).collect()
}

/// Is a module source a local path (`./x`, `../x`)?
#[must_use]
pub fn is_local_source(source: &str) -> bool {
    modules::is_local_source(source)
}

/// A path normalised as the lowering keys module directories (`a/./b/../c` → `a/c`).
#[must_use]
pub fn normalize_path(path: &Path) -> PathBuf {
    modules::normalize(path)
}

/// The root directory of a `<root>/.terraform/modules/modules.json`.
fn manifest_root(path: &Path) -> Option<PathBuf> {
    path.ancestors().nth(3).map(modules::normalize)
}

/// A `modules.json`'s entries (module key → directory); none when the path is not where
/// `terraform init` writes it.
pub(super) fn manifest_entries(
    path: &Path,
    root: &crate::syntax::tree::Node,
) -> BTreeMap<String, PathBuf> {
    manifest_root(path)
        .map(|dir| {
            modules::read_manifest(&dir, root)
                .dirs
                .into_iter()
                .collect()
        })
        .unwrap_or_default()
}

/// The units of the Terraform inputs (indexes into `files`), as [`lower_all`] groups them:
/// a directory lowered from a plan, with its plan files and `.tf` files; and each root
/// module with every directory it may call (local sources, transitively, and what its
/// `modules.json` lists), its variable files and its manifest. A shared module's files are
/// in the unit of every root that calls it. Files in no unit are not lowered.
pub(super) fn units(
    files: &[(FileId, &super::Links)],
    paths: &dyn Fn(FileId) -> PathBuf,
) -> Vec<Vec<usize>> {
    use super::Links;
    // Hash maps: paths compare slowly, and this runs again when an edit changes a call.
    let mut dirs: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    // Each directory's module calls (name → source), the first of a name kept.
    let mut calls: HashMap<PathBuf, Vec<(&str, Option<&str>)>> = HashMap::new();
    let mut var_files: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut manifests: HashMap<PathBuf, Vec<&PathBuf>> = HashMap::new();
    let mut manifest_files: HashMap<PathBuf, Vec<usize>> = HashMap::new();
    let mut plans: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for (i, (file, links)) in files.iter().enumerate() {
        match links {
            Links::Terraform(file_calls) => {
                let dir = dir_of(&paths(*file));
                let dir_calls = calls.entry(dir.clone()).or_default();
                for (name, source) in file_calls {
                    if !dir_calls.iter().any(|(n, _)| n == name) {
                        dir_calls.push((name, source.as_deref()));
                    }
                }
                dirs.entry(dir).or_default().push(i);
            }
            Links::TerraformVars => {
                var_files.entry(dir_of(&paths(*file))).or_default().push(i);
            }
            Links::TerraformModules(entries) => {
                if let Some(root_dir) = manifest_root(&paths(*file)) {
                    manifests.insert(root_dir.clone(), entries.values().collect());
                    manifest_files.entry(root_dir).or_default().push(i);
                }
            }
            Links::TerraformPlan => {
                plans.entry(dir_of(&paths(*file))).or_default().push(i);
            }
            Links::CloudFormation(_) => {}
        }
    }
    let dir_files = |dir: &PathBuf| dirs.get(dir).map_or(&[][..], Vec::as_slice);
    let mut units = Vec::new();
    for (dir, plan_files) in &plans {
        let mut unit = plan_files.clone();
        unit.extend_from_slice(dir_files(dir));
        units.push(unit);
    }
    let called = modules::called_dirs(
        calls
            .iter()
            .flat_map(|(dir, calls)| calls.iter().map(move |(_, s)| (dir.as_path(), *s))),
        manifests.values().flatten().copied(),
    );
    // Roots in path order, as `lower_all` lowers them.
    let mut roots: Vec<&PathBuf> = calls
        .keys()
        .filter(|d| !called.contains(*d) && !plans.contains_key(*d))
        .collect();
    roots.sort();
    for root in roots {
        // Every directory the root may instantiate: a superset is harmless (a directory
        // that is not instantiated adds no resources), a missing one would not be.
        let mut tree = vec![root.clone()];
        tree.extend(
            manifests
                .get(root)
                .into_iter()
                .flatten()
                .filter(|d| calls.contains_key(**d))
                .map(|d| (*d).clone()),
        );
        let mut at = 0;
        while at < tree.len() {
            let dir = tree[at].clone();
            at += 1;
            for (_, source) in &calls[&dir] {
                if let Some(target) = modules::call_target(&dir, *source) {
                    if calls.contains_key(&target) && !tree.contains(&target) {
                        tree.push(target);
                    }
                }
            }
        }
        let mut unit: Vec<usize> = tree.iter().flat_map(&dir_files).copied().collect();
        unit.extend(var_files.get(root).into_iter().flatten());
        unit.extend(manifest_files.get(root).into_iter().flatten());
        units.push(unit);
    }
    units
}
