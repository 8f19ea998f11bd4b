//! The Terraform evaluator: module instances, `count`/`for_each` expansion, variables,
//! locals, outputs, references and expressions, evaluated lazily and memoised.
//!
//! Invariants:
//! - Evaluation never fails as a whole: what cannot be known is [`Value::Unknown`] with its
//!   reason, what Terraform would refuse is an error that becomes Unknown where a property
//!   reads it (`try` and `can` catch it first).
//! - Every lookup is memoised, and a lookup that meets itself (a cycle Terraform would
//!   refuse) is Unknown, so evaluation terminates; nesting depth is bounded.
//! - No IO: module sources are found among the files already parsed.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::functions;
use super::modules::{self, ModuleDef};
use super::value::{
    err, key_suffix, key_value, poisoned, AttrRef, Eval, Handle, PartialList, Stop, Value,
};
use super::vars::{self, Raw};
use crate::lower::budget::Budget;
use crate::lower::LowerError;
use crate::model::{HoleKind, Prop, SymStr};
use crate::source::{FileId, Span};
use crate::syntax::hcl::{
    BinaryOp, Block, Body, Expr, ExprKind, ForExpr, TemplatePart, TraversalOp, UnaryOp,
};

mod data;
mod expansion;
mod expr;
mod named;
mod policy_document;
mod providers;
mod refs;
mod size;
/// Module calls nest at most this deep (a module that calls itself stops here).
const MAX_MODULE_DEPTH: usize = 16;
/// `count` and `for_each` expand to at most this many instances.
const MAX_INSTANCES: usize = 4096;

pub type InstId = usize;

/// Where expressions are evaluated: a module instance, and the names bound there.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub inst: InstId,
    pub each: Option<Rc<(Value, Value)>>,
    pub count: Option<Value>,
    bindings: Option<Rc<Binding>>,
    /// Variable values and defaults: constants only, no references.
    constant: bool,
}

#[derive(Debug)]
struct Binding {
    name: String,
    value: Value,
    next: Option<Rc<Binding>>,
}

impl Env {
    pub fn module(inst: InstId) -> Self {
        Env {
            inst,
            ..Env::default()
        }
    }

    pub fn bind(&self, name: &str, value: Value) -> Env {
        Env {
            bindings: Some(Rc::new(Binding {
                name: name.to_owned(),
                value,
                next: self.bindings.clone(),
            })),
            ..self.clone()
        }
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        let mut b = self.bindings.as_deref();
        while let Some(binding) = b {
            if binding.name == name {
                return Some(&binding.value);
            }
            b = binding.next.as_deref();
        }
        None
    }
}

/// A module instance: the root module of a directory, or one instance of a module call.
pub struct Instance<'a> {
    pub dir: PathBuf,
    /// `""` for a root, `module.net`, `module.net["a"].module.sub`.
    pub address: String,
    pub root_dir: PathBuf,
    /// Module names from the root (the key of `.terraform/modules/modules.json`).
    pub call_path: Vec<&'a str>,
    /// The caller, its call, and the caller's names bound for this instance.
    pub parent: Option<(InstId, usize, Env)>,
    /// Why the existence of this instance is not known (`count`/`for_each` unknown).
    pub poison: Option<String>,
    /// Sort key: the path of (call index, instance key) from the root.
    pub order: Vec<(usize, KeyOrd)>,
    /// Provider configuration key in this module → where it is declared.
    pub providers: HashMap<String, (InstId, FileId, &'a Block)>,
    /// Root modules: the values given to their variables.
    pub root_values: HashMap<String, Raw<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyOrd {
    Single,
    Int(i64),
    Str(String),
    Unknown,
}

/// One resource instance.
#[derive(Clone, Debug)]
pub struct HandleInfo {
    pub inst: InstId,
    pub decl: usize,
    pub address: String,
    pub each: Option<Rc<(Value, Value)>>,
    pub count: Option<Value>,
    /// Why this instance may not exist: its values are Unknown, its references kept.
    pub poison: Option<String>,
    pub order: (Vec<(usize, KeyOrd)>, usize, KeyOrd),
}

impl HandleInfo {
    pub fn env(&self) -> Env {
        Env {
            inst: self.inst,
            each: self.each.clone(),
            count: self.count.clone(),
            ..Env::default()
        }
    }
}

#[derive(Clone, Debug)]
enum Expansion<T> {
    Single(T),
    List(Vec<T>),
    Map(BTreeMap<String, T>),
    Unknown(T, String),
}

#[derive(Clone, Debug)]
enum CallExpansion {
    Instances(Expansion<InstId>),
    /// The source is not available; the reason says why.
    Unresolved(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum MemoKey {
    Var(InstId, String),
    Local(InstId, String),
    Output(InstId, String),
    Attr(Handle, String),
}

/// A memoised value, with the value known only after apply it was decided from, if any.
type Memoised = (Value, Option<String>);

/// Per (module instance, declaration index): a resource's or a module call's expansion.
type Memo<T> = HashMap<(InstId, usize), Slot<T>>;

enum Slot<T> {
    InProgress,
    Done(T),
}

/// Instance keys of a `count` or `for_each`.
#[derive(Clone, Debug)]
enum Keys {
    Single,
    Count(usize),
    Each(BTreeMap<String, Value>),
    Unknown(String),
}

/// A module call whose source could not be used, for the report.
#[derive(Clone, Debug)]
pub struct Unevaluated {
    pub address: String,
    pub reason: String,
    pub span: Span,
}

pub struct Evaluator<'a> {
    defs: &'a BTreeMap<PathBuf, ModuleDef<'a>>,
    manifests: &'a HashMap<PathBuf, modules::Manifest>,
    roots: &'a [PathBuf],
    repository: Option<&'a Path>,
    partial_dirs: &'a [PathBuf],
    pub instances: RefCell<Vec<Rc<Instance<'a>>>>,
    /// Each instance's module definition, by instance id (looking it up by directory on
    /// every use was a path comparison per step of a `BTreeMap` search).
    instance_defs: RefCell<Vec<&'a ModuleDef<'a>>>,
    pub handles: RefCell<Vec<HandleInfo>>,
    /// Memoised values, each with whether computing it decided something Terraform does not
    /// know when it plans ([`Evaluator::beyond_plan`]).
    memo: RefCell<HashMap<MemoKey, Slot<Memoised>>>,
    expansions: RefCell<Memo<Expansion<Handle>>>,
    calls: RefCell<Memo<CallExpansion>>,
    depth: Cell<usize>,
    /// The unit's evaluation budget (`lower::budget`): values past it are Unknown.
    budget: &'a Budget,
    pub errors: RefCell<Vec<LowerError>>,
    pub unevaluated: RefCell<Vec<Unevaluated>>,
    /// Calls with a registry, archive or git source in a root without
    /// `.terraform/modules`: reported together ([`crate::model::Graph::add_unsupplied`]).
    pub unsupplied: RefCell<Vec<Unevaluated>>,
    /// The identities of the values the code does not give (a provider's region), by
    /// where they come from: the same source is the same hole (see `model::symbolic`).
    holes: RefCell<HashMap<String, u16>>,
    /// The instance keys of data sources, by (module instance, address).
    data_keys: RefCell<HashMap<(InstId, String), Keys>>,
    /// Set while evaluating when a function decided something from ids known only after
    /// apply that Terraform leaves unknown when it plans (`distinct`, `compact` of such
    /// ids): a `count` or `for_each` that needs it is an error for Terraform.
    beyond_plan: RefCell<Option<String>>,
    /// An error Terraform reports (a missing attribute or key of a known value), with the
    /// span of the expression it is in once known: reported where the evaluation stops
    /// unless `try`/`can` catch it.
    pending: RefCell<Option<(String, Option<std::ops::Range<usize>>)>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        defs: &'a BTreeMap<PathBuf, ModuleDef<'a>>,
        manifests: &'a HashMap<PathBuf, modules::Manifest>,
        options: &'a super::TerraformOptions,
        budget: &'a Budget,
    ) -> Self {
        Evaluator {
            defs,
            manifests,
            roots: &options.roots,
            repository: options.repository.as_deref(),
            partial_dirs: &options.partial_dirs,
            instances: RefCell::default(),
            instance_defs: RefCell::default(),
            handles: RefCell::default(),
            memo: RefCell::default(),
            expansions: RefCell::default(),
            calls: RefCell::default(),
            depth: Cell::new(0),
            budget,
            errors: RefCell::default(),
            unevaluated: RefCell::default(),
            unsupplied: RefCell::default(),
            holes: RefCell::default(),
            data_keys: RefCell::default(),
            beyond_plan: RefCell::default(),
            pending: RefCell::default(),
        }
    }

    /// Directories of which only some files were read (see `TerraformOptions`).
    pub fn partial_dirs(&self) -> &[PathBuf] {
        self.partial_dirs
    }

    /// An error Terraform reports, to be located ([`Evaluator::report`]).
    fn invalid<T>(&self, message: String) -> Result<T, Stop> {
        *self.pending.borrow_mut() = Some((message.clone(), None));
        Err(Stop::Error(message))
    }

    /// Where an evaluation in `file` stopped with an error Terraform reports: a located
    /// error, once.
    pub fn report(&self, file: FileId, stop: &Stop) {
        let Stop::Error(message) = stop else {
            return;
        };
        let pending = self.pending.borrow_mut().take();
        if let Some((m, Some(range))) = pending {
            if m == *message {
                self.error(Span::new(file, range), m);
            }
        }
    }

    /// Records a located error (each once).
    fn error(&self, span: Span, message: String) {
        let mut errors = self.errors.borrow_mut();
        if !errors
            .iter()
            .any(|e| e.span == span && e.message == message)
        {
            errors.push(LowerError { span, message });
        }
    }

    /// The hole of `kind` for the unknown value identified by `source`.
    fn hole(&self, kind: HoleKind, source: &str) -> SymStr {
        SymStr::hole(kind, self.hole_scope(source))
    }

    /// The number identifying the unknown value of `source` (the same source, the same
    /// number).
    fn hole_scope(&self, source: &str) -> u16 {
        let mut holes = self.holes.borrow_mut();
        let next = u16::try_from(holes.len()).unwrap_or(u16::MAX);
        *holes.entry(source.to_owned()).or_insert(next)
    }

    pub fn instance(&self, inst: InstId) -> Rc<Instance<'a>> {
        self.instances.borrow()[inst].clone()
    }

    pub fn def(&self, inst: InstId) -> &'a ModuleDef<'a> {
        self.instance_defs.borrow()[inst]
    }

    /// The module definition of a directory.
    pub fn def_of(&self, dir: &Path) -> Option<&'a ModuleDef<'a>> {
        self.defs.get(dir)
    }

    pub fn handle(&self, h: Handle) -> HandleInfo {
        self.handles.borrow()[h.index()].clone()
    }

    fn push_instance(&self, instance: Instance<'a>) -> InstId {
        self.instance_defs
            .borrow_mut()
            .push(&self.defs[&instance.dir]);
        let mut all = self.instances.borrow_mut();
        all.push(Rc::new(instance));
        all.len() - 1
    }

    /// Adds a root module and expands everything in it.
    pub fn add_root(&self, dir: &Path, order: usize, root_values: HashMap<String, Raw<'a>>) {
        let def = &self.defs[dir];
        let mut instance = Instance {
            dir: dir.to_path_buf(),
            address: String::new(),
            root_dir: dir.to_path_buf(),
            call_path: Vec::new(),
            parent: None,
            poison: None,
            order: vec![(order, KeyOrd::Single)],
            providers: HashMap::new(),
            root_values,
        };
        let id = self.instances.borrow().len();
        for (key, &(file, block)) in &def.providers {
            instance.providers.insert(key.clone(), (id, file, block));
        }
        let id = self.push_instance(instance);
        self.walk(id);
    }

    /// The value known only after apply that the evaluation decided from (see
    /// `beyond_plan`), merged into the outer evaluation's.
    fn set_beyond_plan(&self, from: Option<String>) {
        let mut beyond = self.beyond_plan.borrow_mut();
        if beyond.is_none() {
            *beyond = from;
        }
    }

    /// Expands every resource and module call of an instance, depth first; evaluates its
    /// locals and outputs (Terraform evaluates them all: their errors are errors).
    fn walk(&self, inst: InstId) {
        let def = self.def(inst);
        let mut locals: Vec<&str> = def.locals.keys().copied().collect();
        locals.sort_unstable();
        for name in locals {
            let _ = self.local(inst, name);
        }
        let mut outputs: Vec<&str> = def.outputs.keys().copied().collect();
        outputs.sort_unstable();
        for name in outputs {
            let _ = self.output(inst, name);
        }
        for i in 0..def.resources.len() {
            let _ = self.expansion(inst, i);
        }
        for i in 0..def.calls.len() {
            if let Some(CallExpansion::Instances(exp)) = self.call_expansion(inst, i) {
                let children = match exp {
                    Expansion::Single(c) | Expansion::Unknown(c, _) => vec![c],
                    Expansion::List(cs) => cs,
                    Expansion::Map(cs) => cs.into_values().collect(),
                };
                for child in children {
                    self.walk(child);
                }
            }
        }
    }
}

/// `aws.peer` from a reference expression (or a string, in JSON syntax).
fn provider_key(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(s) => Some(s.clone()),
        _ => expr.as_reference().map(|parts| parts.join(".")),
    }
}

fn module_name(address: &str) -> &str {
    if address.is_empty() {
        "the root module"
    } else {
        address
    }
}
