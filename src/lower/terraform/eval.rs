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
use super::value::{err, key_suffix, poisoned, AttrRef, Eval, Handle, Stop, Value};
use super::vars::{self, Raw};
use crate::lower::LowerError;
use crate::model::{HoleKind, Prop, SymStr};
use crate::source::{FileId, Span};
use crate::syntax::hcl::{
    BinaryOp, Block, Body, Expr, ExprKind, ForExpr, TemplatePart, TraversalOp, UnaryOp,
};

/// Expressions nest (and references chain) at most this deep in one evaluation.
const MAX_DEPTH: usize = 200;
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

/// Per (module instance, declaration index): a resource's or a module call's expansion.
type Memo<T> = HashMap<(InstId, usize), Slot<T>>;

enum Slot<T> {
    InProgress,
    Done(T),
}

/// Instance keys of a `count` or `for_each`.
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
    manifests: &'a HashMap<PathBuf, HashMap<String, PathBuf>>,
    roots: &'a [PathBuf],
    pub instances: RefCell<Vec<Rc<Instance<'a>>>>,
    /// Each instance's module definition, by instance id (looking it up by directory on
    /// every use was a path comparison per step of a `BTreeMap` search).
    instance_defs: RefCell<Vec<&'a ModuleDef<'a>>>,
    pub handles: RefCell<Vec<HandleInfo>>,
    memo: RefCell<HashMap<MemoKey, Slot<Value>>>,
    expansions: RefCell<Memo<Expansion<Handle>>>,
    calls: RefCell<Memo<CallExpansion>>,
    depth: Cell<usize>,
    pub errors: RefCell<Vec<LowerError>>,
    pub unevaluated: RefCell<Vec<Unevaluated>>,
    /// The identities of the values the code does not give (a provider's region), by
    /// where they come from: the same source is the same hole (see `model::symbolic`).
    holes: RefCell<HashMap<String, u16>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        defs: &'a BTreeMap<PathBuf, ModuleDef<'a>>,
        manifests: &'a HashMap<PathBuf, HashMap<String, PathBuf>>,
        roots: &'a [PathBuf],
    ) -> Self {
        Evaluator {
            defs,
            manifests,
            roots,
            instances: RefCell::default(),
            instance_defs: RefCell::default(),
            handles: RefCell::default(),
            memo: RefCell::default(),
            expansions: RefCell::default(),
            calls: RefCell::default(),
            depth: Cell::new(0),
            errors: RefCell::default(),
            unevaluated: RefCell::default(),
            holes: RefCell::default(),
        }
    }

    /// The hole of `kind` for the unknown value identified by `source`.
    fn hole(&self, kind: HoleKind, source: &str) -> SymStr {
        let mut holes = self.holes.borrow_mut();
        let next = u16::try_from(holes.len()).unwrap_or(u16::MAX);
        let scope = *holes.entry(source.to_owned()).or_insert(next);
        SymStr::hole(kind, scope)
    }

    pub fn instance(&self, inst: InstId) -> Rc<Instance<'a>> {
        self.instances.borrow()[inst].clone()
    }

    pub fn def(&self, inst: InstId) -> &'a ModuleDef<'a> {
        self.instance_defs.borrow()[inst]
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

    /// Expands every resource and module call of an instance, depth first.
    fn walk(&self, inst: InstId) {
        let def = self.def(inst);
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

    // -----------------------------------------------------------------------------------
    // Expansion of resources and module calls

    fn keys(&self, body: &Body, env: &Env) -> Keys {
        if let Some(count) = body.attribute("count") {
            let n = self.eval(&count.value, env).and_then(|v| v.as_integer());
            return match n.map(|n| (n, usize::try_from(n))) {
                Ok((n, Err(_))) => Keys::Unknown(format!("count is negative ({n})")),
                Ok((n, Ok(c))) if c > MAX_INSTANCES => Keys::Unknown(format!(
                    "count is {n}, more than the {MAX_INSTANCES} instances vpclint expands"
                )),
                Ok((_, Ok(c))) => Keys::Count(c),
                Err(Stop::Unknown(r)) => Keys::Unknown(format!("count is not known: {r}")),
                Err(Stop::Error(e)) => Keys::Unknown(format!("count cannot be evaluated: {e}")),
            };
        }
        let Some(for_each) = body.attribute("for_each") else {
            return Keys::Single;
        };
        let value = match self.eval(&for_each.value, env) {
            Ok(v) => v,
            Err(Stop::Unknown(r)) => return Keys::Unknown(format!("for_each is not known: {r}")),
            Err(Stop::Error(e)) => {
                return Keys::Unknown(format!("for_each cannot be evaluated: {e}"))
            }
        };
        let keys = match value.resolved() {
            Ok(Value::Map(map)) => Ok(map.clone()),
            // A set of strings (a list is accepted too: `terraform validate` reports it).
            Ok(Value::List(items)) => items
                .iter()
                .map(|i| i.as_string().map(|s| (s.clone(), Value::String(s))))
                .collect::<Result<BTreeMap<_, _>, _>>(),
            Ok(other) => err(format!(
                "for_each must be a map or a set of strings, not a {}",
                other.type_name()
            )),
            Err(e) => Err(e),
        };
        match keys {
            Ok(map) if map.len() > MAX_INSTANCES => Keys::Unknown(format!(
                "for_each has {} keys, more than the {MAX_INSTANCES} instances vpclint expands",
                map.len()
            )),
            Ok(map) => Keys::Each(map),
            Err(Stop::Unknown(r)) => Keys::Unknown(format!("for_each is not known: {r}")),
            Err(Stop::Error(e)) => Keys::Unknown(format!("for_each cannot be evaluated: {e}")),
        }
    }

    /// The instances of a resource, created on first use.
    fn expansion(&self, inst: InstId, decl: usize) -> Result<Expansion<Handle>, Stop> {
        let def = self.def(inst);
        let rdecl = &def.resources[decl];
        match self.expansions.borrow().get(&(inst, decl)) {
            Some(Slot::Done(e)) => return Ok(e.clone()),
            Some(Slot::InProgress) => {
                return Err(Stop::Unknown(format!(
                    "the count or for_each of {} depends on itself",
                    rdecl.address
                )))
            }
            None => {}
        }
        self.expansions
            .borrow_mut()
            .insert((inst, decl), Slot::InProgress);
        let instance = self.instance(inst);
        let base = if instance.address.is_empty() {
            rdecl.address.clone()
        } else {
            format!("{}.{}", instance.address, rdecl.address)
        };
        let keys = self.keys(&rdecl.block.body, &Env::module(inst));
        let new = |key: Option<&Value>,
                   each: Option<(Value, Value)>,
                   count: Option<Value>,
                   own_poison: Option<String>,
                   ord: KeyOrd| {
            let info = HandleInfo {
                inst,
                decl,
                address: format!("{base}{}", key.map(key_suffix).unwrap_or_default()),
                each: each.map(Rc::new),
                count,
                poison: own_poison.or_else(|| instance.poison.clone()),
                order: (instance.order.clone(), decl, ord),
            };
            let mut handles = self.handles.borrow_mut();
            handles.push(info);
            Handle(u32::try_from(handles.len() - 1).unwrap_or(u32::MAX))
        };
        let expansion = match keys {
            Keys::Single => Expansion::Single(new(None, None, None, None, KeyOrd::Single)),
            Keys::Count(n) => Expansion::List(
                (0..n)
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let k = Value::Number(i as f64);
                        #[allow(clippy::cast_possible_wrap)]
                        new(Some(&k), None, Some(k.clone()), None, KeyOrd::Int(i as i64))
                    })
                    .collect(),
            ),
            Keys::Each(map) => Expansion::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        let key = Value::String(k.clone());
                        let h = new(
                            Some(&key),
                            Some((key.clone(), v)),
                            None,
                            None,
                            KeyOrd::Str(k.clone()),
                        );
                        (k, h)
                    })
                    .collect(),
            ),
            Keys::Unknown(reason) => {
                let reason = format!("instances unknown: {reason}");
                let u = Value::Unknown(reason.clone());
                let is_count = rdecl.block.body.attribute("count").is_some();
                let h = new(
                    Some(&u),
                    (!is_count).then(|| (u.clone(), u.clone())),
                    is_count.then(|| u.clone()),
                    Some(reason.clone()),
                    KeyOrd::Unknown,
                );
                Expansion::Unknown(h, reason)
            }
        };
        self.expansions
            .borrow_mut()
            .insert((inst, decl), Slot::Done(expansion.clone()));
        Ok(expansion)
    }

    /// The instances of a module call, created on first use.
    fn call_expansion(&self, inst: InstId, call: usize) -> Option<CallExpansion> {
        match self.calls.borrow().get(&(inst, call)) {
            Some(Slot::Done(e)) => return Some(e.clone()),
            Some(Slot::InProgress) => return None,
            None => {}
        }
        self.calls
            .borrow_mut()
            .insert((inst, call), Slot::InProgress);
        let result = self.expand_call(inst, call);
        self.calls
            .borrow_mut()
            .insert((inst, call), Slot::Done(result.clone()));
        Some(result)
    }

    fn expand_call(&self, inst: InstId, call_idx: usize) -> CallExpansion {
        let parent = self.instance(inst);
        let call = &self.def(inst).calls[call_idx];
        let base = if parent.address.is_empty() {
            format!("module.{}", call.name)
        } else {
            format!("{}.module.{}", parent.address, call.name)
        };
        let dir = match self.resolve_source(&parent, call, &base) {
            Ok(dir) => dir,
            Err(reason) => {
                self.unevaluated.borrow_mut().push(Unevaluated {
                    address: base.clone(),
                    reason: reason.clone(),
                    span: Span::new(call.file, call.block.labels[0].span.clone()),
                });
                return CallExpansion::Unresolved(reason);
            }
        };
        let new = |key: Option<&Value>, env: Env, poison: Option<String>, ord: KeyOrd| {
            let mut call_path = parent.call_path.clone();
            call_path.push(call.name);
            let mut order = parent.order.clone();
            order.push((call_idx, ord));
            let id = self.instances.borrow().len();
            let providers = Self::child_providers(&parent, call.block, id, &self.defs[&dir]);
            self.push_instance(Instance {
                dir: dir.clone(),
                address: format!("{base}{}", key.map(key_suffix).unwrap_or_default()),
                root_dir: parent.root_dir.clone(),
                call_path,
                parent: Some((inst, call_idx, env)),
                poison: poison.or_else(|| parent.poison.clone()),
                order,
                providers,
                root_values: HashMap::new(),
            })
        };
        let env = Env::module(inst);
        let expansion = match self.keys(&call.block.body, &env) {
            Keys::Single => Expansion::Single(new(None, env, None, KeyOrd::Single)),
            Keys::Count(n) => Expansion::List(
                (0..n)
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let k = Value::Number(i as f64);
                        let e = Env {
                            count: Some(k.clone()),
                            ..env.clone()
                        };
                        #[allow(clippy::cast_possible_wrap)]
                        new(Some(&k), e, None, KeyOrd::Int(i as i64))
                    })
                    .collect(),
            ),
            Keys::Each(map) => Expansion::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        let key = Value::String(k.clone());
                        let e = Env {
                            each: Some(Rc::new((key.clone(), v))),
                            ..env.clone()
                        };
                        let id = new(Some(&key), e, None, KeyOrd::Str(k.clone()));
                        (k, id)
                    })
                    .collect(),
            ),
            Keys::Unknown(reason) => {
                let reason = format!("instances of {base} unknown: {reason}");
                let u = Value::Unknown(reason.clone());
                let e = Env {
                    each: Some(Rc::new((u.clone(), u.clone()))),
                    count: Some(u.clone()),
                    ..env.clone()
                };
                Expansion::Unknown(
                    new(Some(&u), e, Some(reason.clone()), KeyOrd::Unknown),
                    reason,
                )
            }
        };
        CallExpansion::Instances(expansion)
    }

    /// The provider configurations a child module instance sees: the `providers` map of the
    /// call, or else the caller's default (unaliased) configurations; its own `provider`
    /// blocks (legacy style) win.
    fn child_providers(
        parent: &Instance<'a>,
        call: &'a Block,
        id: InstId,
        def: &'a ModuleDef<'a>,
    ) -> HashMap<String, (InstId, FileId, &'a Block)> {
        let mut out = HashMap::new();
        match call.body.attribute("providers").map(|a| &a.value.kind) {
            Some(ExprKind::Object(pairs)) => {
                for (k, v) in pairs {
                    if let (Some(k), Some(v)) = (provider_key(k), provider_key(v)) {
                        if let Some(p) = parent.providers.get(&v) {
                            out.insert(k, *p);
                        }
                    }
                }
            }
            _ => {
                for (k, p) in &parent.providers {
                    if !k.contains('.') {
                        out.insert(k.clone(), *p);
                    }
                }
            }
        }
        for (key, &(file, block)) in &def.providers {
            out.insert(key.clone(), (id, file, block));
        }
        out
    }

    /// The directory of a module call's source, or why it cannot be used.
    fn resolve_source(
        &self,
        parent: &Instance<'a>,
        call: &modules::CallDecl<'a>,
        address: &str,
    ) -> Result<PathBuf, String> {
        if parent.call_path.len() >= MAX_MODULE_DEPTH {
            return Err(self.refuse(
                call,
                format!("{address}: modules nest deeper than {MAX_MODULE_DEPTH} levels (does a module call itself?); not evaluated"),
            ));
        }
        let Some(source) = modules::source_of(call.block) else {
            return Err(format!("{address} has no literal source"));
        };
        if let Some(target) = modules::local_target(&parent.dir, source) {
            if self.defs.contains_key(&target) {
                return Ok(target);
            }
            let outside = !self.roots.is_empty() && !modules::inside_roots(&target, self.roots);
            let message = if outside {
                format!(
                    "module source \"{source}\" resolves to {}, outside the scanned paths: vpclint reads only files under its PATH arguments and never fetches modules; check a directory that contains both",
                    target.display()
                )
            } else {
                format!(
                    "module source \"{source}\" resolves to {}, where no Terraform files were read (outside the scanned paths, or no .tf files there)",
                    target.display()
                )
            };
            return Err(self.refuse(call, message));
        }
        let mut key: Vec<&str> = parent.call_path.clone();
        key.push(call.name);
        let key = key.join(".");
        if let Some(dir) = self
            .manifests
            .get(&parent.root_dir)
            .and_then(|m| m.get(&key))
        {
            if self.defs.contains_key(dir) {
                return Ok(dir.clone());
            }
        }
        Err(format!(
            "{address} has source \"{source}\", which is not local, and no copy from `terraform init` was found in .terraform/modules; vpclint never downloads modules"
        ))
    }

    fn refuse(&self, call: &modules::CallDecl<'a>, message: String) -> String {
        let span = call
            .block
            .body
            .attribute("source")
            .map_or(call.block.span.clone(), |a| a.value.span.clone());
        self.errors.borrow_mut().push(LowerError {
            span: Span::new(call.file, span),
            message: message.clone(),
        });
        message
    }

    // -----------------------------------------------------------------------------------
    // Named values

    fn memo(
        &self,
        key: MemoKey,
        cycle: impl FnOnce() -> Value,
        compute: impl FnOnce() -> Value,
    ) -> Value {
        match self.memo.borrow().get(&key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return cycle(),
            None => {}
        }
        self.memo.borrow_mut().insert(key.clone(), Slot::InProgress);
        let v = compute();
        self.memo.borrow_mut().insert(key, Slot::Done(v.clone()));
        v
    }

    fn variable(&self, inst: InstId, name: &str) -> Eval {
        let def = self.def(inst);
        let Some(&(_, block)) = def.variables.get(name) else {
            return err(format!("var.{name} is not declared"));
        };
        let key = MemoKey::Var(inst, name.to_owned());
        let v = self.memo(
            key,
            || Value::unknown(format!("var.{name} depends on itself")),
            || match self.variable_value(inst, name, block) {
                Ok(v) => v,
                Err(Stop::Unknown(r)) => Value::Unknown(r),
                Err(Stop::Error(e)) => {
                    Value::Unknown(format!("var.{name} cannot be evaluated: {e}"))
                }
            },
        );
        Ok(v)
    }

    fn variable_value(&self, inst: InstId, name: &str, block: &'a Block) -> Eval {
        let instance = self.instance(inst);
        let ty = block.body.attribute("type").map(|a| &a.value);
        let constant = Env {
            inst,
            constant: true,
            ..Env::default()
        };
        let given = match &instance.parent {
            None => match instance.root_values.get(name) {
                Some(Raw::Expr(e)) => Some(self.eval(e, &constant)?),
                Some(Raw::Text(t)) if vars::is_primitive(ty) => {
                    Some(Value::String((*t).to_owned()))
                }
                Some(Raw::Text(t)) => Some(self.parse_text(name, t, &constant)?),
                None => None,
            },
            Some((caller, call, env)) => {
                let call = &self.def(*caller).calls[*call];
                match call.block.body.attribute(name) {
                    Some(attr) => Some(self.eval(&attr.value, env)?),
                    None => None,
                }
            }
        };
        let nullable = !matches!(
            block.body.attribute("nullable").map(|a| &a.value.kind),
            Some(ExprKind::Bool(false))
        );
        let value = match given {
            Some(Value::Null) if nullable => Value::Null,
            Some(v) if v != Value::Null => v,
            _ => match block.body.attribute("default") {
                Some(d) => self.eval(&d.value, &constant)?,
                // A root variable that is a provider's region: that region, unknown, the
                // same wherever the variable is used (`"sqs.${var.region}.amazonaws.com"`).
                None if instance.parent.is_none() && self.is_provider_region(inst, name) => {
                    Value::Sym(self.hole(
                        HoleKind::Region,
                        &format!("{}: var.{name}", instance.address),
                    ))
                }
                None if instance.parent.is_none() => Value::unknown(format!(
                    "var.{name} has no value (no default; set it in terraform.tfvars, with --var or with TF_VAR_{name})"
                )),
                None => Value::unknown(format!(
                    "var.{name} of {} has no value (the module call does not set it and it has no default)",
                    instance.address
                )),
            },
        };
        match ty {
            Some(ty) => vars::convert(value, ty, &|d| self.eval(d, &constant)),
            None => Ok(value),
        }
    }

    /// Is `var.{name}` the whole `region` of one of the module's provider blocks?
    fn is_provider_region(&self, inst: InstId, name: &str) -> bool {
        self.def(inst).providers.values().any(|(_, block)| {
            block
                .body
                .attribute("region")
                .and_then(|a| a.value.as_reference())
                .is_some_and(|parts| parts.len() == 2 && parts[0] == "var" && parts[1] == name)
        })
    }

    /// A `--var` or `TF_VAR_` value for a variable of a complex type: HCL.
    fn parse_text(&self, name: &str, text: &str, env: &Env) -> Eval {
        let parsed = crate::syntax::terraform::parse(&format!("v = {text}\n"));
        match parsed.tree.attribute("v") {
            Some(attr) if parsed.errors.is_empty() => self.eval(&attr.value, env),
            _ => Ok(Value::unknown(format!(
                "the value given for var.{name} is not a valid HCL expression"
            ))),
        }
    }

    fn local(&self, inst: InstId, name: &str) -> Eval {
        let def = self.def(inst);
        let Some(&(_, attr)) = def.locals.get(name) else {
            return err(format!("local.{name} is not declared"));
        };
        Ok(self.memo(
            MemoKey::Local(inst, name.to_owned()),
            || Value::unknown(format!("local.{name} depends on itself")),
            || match self.eval(&attr.value, &Env::module(inst)) {
                Ok(v) => v,
                Err(Stop::Unknown(r)) => Value::Unknown(r),
                Err(Stop::Error(e)) => {
                    Value::Unknown(format!("local.{name} cannot be evaluated: {e}"))
                }
            },
        ))
    }

    fn output(&self, inst: InstId, name: &str) -> Eval {
        let instance = self.instance(inst);
        let def = self.def(inst);
        let Some(&(_, block)) = def.outputs.get(name) else {
            return err(format!("{} has no output \"{name}\"", instance.address));
        };
        let Some(attr) = block.body.attribute("value") else {
            return Ok(Value::Null);
        };
        let v = self.memo(
            MemoKey::Output(inst, name.to_owned()),
            || Value::unknown(format!("{}.{name} depends on itself", instance.address)),
            || match self.eval(&attr.value, &Env::module(inst)) {
                Ok(v) => v,
                Err(Stop::Unknown(r)) => Value::Unknown(r),
                Err(Stop::Error(e)) => Value::Unknown(format!(
                    "{}.{name} cannot be evaluated: {e}",
                    instance.address
                )),
            },
        );
        Ok(match &instance.poison {
            Some(reason) => poisoned(v, reason),
            None => v,
        })
    }

    fn outputs(&self, inst: InstId) -> Eval {
        let def = self.def(inst);
        let mut map = BTreeMap::new();
        for name in def.outputs.keys() {
            map.insert((*name).to_owned(), self.output(inst, name)?);
        }
        Ok(Value::Map(map))
    }

    /// An attribute of a resource instance: a reference, carrying the configured value when
    /// the configuration sets the attribute.
    fn resource_attr(&self, h: Handle, attr: &str) -> Value {
        let info = self.handle(h);
        let decl = &self.def(info.inst).resources[info.decl];
        let known = match decl.block.body.attribute(attr) {
            Some(a) if attr != "id" && !matches!(attr, "count" | "for_each" | "provider") => {
                let v = self.memo(
                    MemoKey::Attr(h, attr.to_owned()),
                    || Value::Null,
                    || self.eval(&a.value, &info.env()).unwrap_or(Value::Null),
                );
                match (&info.poison, v) {
                    (_, Value::Null) => None,
                    (Some(reason), v) => Some(poisoned(v, reason)),
                    (None, v) => Some(v),
                }
            }
            _ => None,
        };
        Value::Ref(Box::new(AttrRef {
            handle: h,
            attr: attr.to_owned(),
            text: format!("{}.{attr}", info.address),
            known,
        }))
    }

    // -----------------------------------------------------------------------------------
    // Providers

    /// The region of a provider configuration as seen from a module instance. `None` when
    /// the module has no such configuration and it is the default one (no provider block).
    /// A region the code does not give (no `region`, or a variable without a value) is a
    /// hole, the same for every provider block that takes it from the same place.
    pub fn provider_region(&self, inst: InstId, key: &str, at: Span) -> Option<Prop<SymStr>> {
        let instance = self.instance(inst);
        let Some(&(declared_in, file, block)) = instance.providers.get(key) else {
            if key.contains('.') {
                return Some(Prop::unknown(
                    format!(
                        "provider {key} is not configured for {}",
                        module_name(&instance.address)
                    ),
                    at,
                ));
            }
            return None;
        };
        let Some(region) = block.body.attribute("region") else {
            // From AWS_REGION or the AWS profile when Terraform runs.
            let source = format!("{file:?}@{}", block.span.start);
            return Some(Prop::known(
                self.hole(HoleKind::Region, &source),
                Span::new(file, block.span.clone()),
            ));
        };
        let span = Span::new(file, region.value.span.clone());
        Some(
            match self
                .eval(&region.value, &Env::module(declared_in))
                .and_then(|v| v.as_text())
            {
                Ok(s) => Prop::known(s, span),
                Err(Stop::Unknown(reason)) => {
                    // The same unknown (a variable of one module instance) gives the same
                    // region, whichever provider block takes it.
                    let source = format!("{}: {reason}", self.instance(declared_in).address);
                    Prop::known(self.hole(HoleKind::Region, &source), span)
                }
                Err(Stop::Error(e)) => Prop::unknown(
                    format!("the region of provider {key} cannot be evaluated: {e}"),
                    span,
                ),
            },
        )
    }

    /// The provider configuration key a block uses (`provider = aws.peer`).
    pub fn provider_key(block: &Block) -> String {
        if let Some(key) = block
            .body
            .attribute("provider")
            .and_then(|a| provider_key(&a.value))
        {
            return key;
        }
        let ty = block.labels.first().map_or("", |l| l.value.as_str());
        ty.split('_').next().unwrap_or(ty).to_owned()
    }

    // -----------------------------------------------------------------------------------
    // Expressions

    /// Evaluates an expression. Unknowns come back as `Ok(Value::Unknown)`; `Err` is an
    /// error Terraform would report.
    pub fn eval(&self, expr: &Expr, env: &Env) -> Eval {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Ok(Value::unknown(
                "the expression nests too deeply to evaluate",
            ));
        }
        self.depth.set(depth + 1);
        let result = self.eval_kind(expr, env);
        self.depth.set(depth);
        match result {
            Err(Stop::Unknown(r)) => Ok(Value::Unknown(r)),
            other => other,
        }
    }

    fn eval_kind(&self, expr: &Expr, env: &Env) -> Eval {
        Ok(match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(s.clone()),
            ExprKind::Template(parts) => self.template(parts, env)?,
            ExprKind::Tuple(items) => Value::List(
                items
                    .iter()
                    .map(|e| self.eval(e, env))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Object(pairs) => {
                let mut map = BTreeMap::new();
                for (k, v) in pairs {
                    let key = match &k.kind {
                        // `{ name = … }`: a bare name is the key itself.
                        ExprKind::Variable(name) => name.clone(),
                        _ => self.eval(k, env)?.as_string()?,
                    };
                    map.insert(key, self.eval(v, env)?);
                }
                Value::Map(map)
            }
            ExprKind::Variable(name) => self.reference(name, &[], env)?.0,
            ExprKind::Traversal(root, ops) => {
                let (value, used) = match &root.kind {
                    ExprKind::Variable(name) => self.reference(name, ops, env)?,
                    _ => (self.eval(root, env)?, 0),
                };
                self.traverse(value, &ops[used..], env)?
            }
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => self.call(name, args, *expand_final, env)?,
            ExprKind::Conditional(cond, yes, no) => {
                if self.eval(cond, env)?.as_bool()? {
                    self.eval(yes, env)?
                } else {
                    self.eval(no, env)?
                }
            }
            ExprKind::Unary(op, e) => {
                let v = self.eval(e, env)?;
                match op {
                    UnaryOp::Neg => Value::Number(-v.as_number()?),
                    UnaryOp::Not => Value::Bool(!v.as_bool()?),
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, env)?,
            ExprKind::For(f) => self.for_expr(f, env)?,
        })
    }

    fn template(&self, parts: &[TemplatePart], env: &Env) -> Eval {
        // `"${x}"` is x itself, whatever its type (HCL's rule).
        if let [TemplatePart::Interpolation(inner)] = parts {
            return self.eval(inner, env);
        }
        let mut out = SymStr::default();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(inner) => {
                    out.push(&self.eval(inner, env)?.as_text()?);
                }
                TemplatePart::Directive(_) => {
                    return Err(Stop::Unknown(
                        "a template directive (%{if} or %{for}) is not evaluated by vpclint"
                            .to_owned(),
                    ))
                }
            }
        }
        Ok(match out.as_literal() {
            Some(text) => Value::String(text.to_owned()),
            None => Value::Sym(out),
        })
    }

    fn call(&self, name: &str, args: &[Expr], expand_final: bool, env: &Env) -> Eval {
        match name {
            "try" => {
                for arg in args {
                    match self.eval(arg, env) {
                        Ok(v) => return Ok(v),
                        Err(Stop::Error(_)) => {}
                        Err(stop) => return Err(stop),
                    }
                }
                err("try(): no argument could be evaluated")
            }
            "can" => match args {
                [arg] => match self.eval(arg, env) {
                    Ok(v) => v.check_known().map(|()| Value::Bool(true)),
                    Err(Stop::Error(_)) => Ok(Value::Bool(false)),
                    Err(stop) => Err(stop),
                },
                _ => err("can() takes one argument"),
            },
            _ if name.contains("::") => Err(Stop::Unknown(format!(
                "the provider function {name}() is not evaluated by vpclint"
            ))),
            _ => {
                let mut values = args
                    .iter()
                    .map(|a| self.eval(a, env))
                    .collect::<Result<Vec<_>, _>>()?;
                if expand_final {
                    if let Some(last) = values.pop() {
                        values.extend(last.as_list()?.iter().cloned());
                    }
                }
                functions::call(name, &values)
            }
        }
    }

    fn binary(&self, op: BinaryOp, lhs: &Expr, rhs: &Expr, env: &Env) -> Eval {
        let (a, b) = (self.eval(lhs, env)?, self.eval(rhs, env)?);
        let number = |f: fn(f64, f64) -> f64| -> Eval {
            Ok(Value::Number(f(a.as_number()?, b.as_number()?)))
        };
        let compare = |f: fn(&f64, &f64) -> bool| -> Eval {
            Ok(Value::Bool(f(&a.as_number()?, &b.as_number()?)))
        };
        match op {
            BinaryOp::And => match a.as_bool() {
                Ok(false) => Ok(Value::Bool(false)),
                _ => Ok(Value::Bool(a.as_bool()? && b.as_bool()?)),
            },
            BinaryOp::Or => match a.as_bool() {
                Ok(true) => Ok(Value::Bool(true)),
                _ => Ok(Value::Bool(a.as_bool()? || b.as_bool()?)),
            },
            BinaryOp::Eq => Ok(Value::Bool(a.equals(&b)?)),
            BinaryOp::NotEq => Ok(Value::Bool(!a.equals(&b)?)),
            BinaryOp::Less => compare(f64::lt),
            BinaryOp::LessEq => compare(f64::le),
            BinaryOp::Greater => compare(f64::gt),
            BinaryOp::GreaterEq => compare(f64::ge),
            BinaryOp::Add => number(|x, y| x + y),
            BinaryOp::Sub => number(|x, y| x - y),
            BinaryOp::Mul => number(|x, y| x * y),
            BinaryOp::Div | BinaryOp::Mod => {
                let (x, y) = (a.as_number()?, b.as_number()?);
                if y == 0.0 {
                    return err("division by zero");
                }
                Ok(Value::Number(if op == BinaryOp::Div {
                    x / y
                } else {
                    x % y
                }))
            }
        }
    }

    fn for_expr(&self, f: &ForExpr, env: &Env) -> Eval {
        let collection = self.eval(&f.collection, env)?;
        let items: Vec<(Value, Value)> = match collection.resolved()? {
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    #[allow(clippy::cast_precision_loss)]
                    (Value::Number(i as f64), v.clone())
                })
                .collect(),
            Value::Map(map) => map
                .iter()
                .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                .collect(),
            other => return err(format!("a for expression over a {}", other.type_name())),
        };
        let mut list = Vec::new();
        let mut map = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in items {
            let mut e = env.clone();
            if let Some(key_var) = &f.key_var {
                e = e.bind(key_var, k);
            }
            e = e.bind(&f.value_var, v);
            if let Some(cond) = &f.cond {
                if !self.eval(cond, &e)?.as_bool()? {
                    continue;
                }
            }
            let value = self.eval(&f.value, &e)?;
            match &f.key {
                None => list.push(value),
                Some(key) => {
                    let key = self.eval(key, &e)?.as_string()?;
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if map.insert(key.clone(), value).is_some() {
                        return err(format!(
                            "duplicate key \"{key}\" in a for expression (use ... to group)"
                        ));
                    }
                }
            }
        }
        Ok(match (&f.key, f.grouping) {
            (None, _) => Value::List(list),
            (Some(_), true) => Value::Map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            (Some(_), false) => Value::Map(map),
        })
    }

    // -----------------------------------------------------------------------------------
    // References and traversals

    /// Resolves a root name and the traversal steps that belong to the reference itself;
    /// returns the value and how many steps were used.
    fn reference(
        &self,
        name: &str,
        ops: &[TraversalOp],
        env: &Env,
    ) -> Result<(Value, usize), Stop> {
        if let Some(v) = env.lookup(name) {
            return Ok((v.clone(), 0));
        }
        if env.constant {
            return err(format!(
                "{name}: variable values and defaults cannot refer to anything"
            ));
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOp::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" | "local" => {
                let Some(a) = attr(0) else {
                    return err(format!("{name} must be followed by a name"));
                };
                let v = if name == "var" {
                    self.variable(env.inst, a)?
                } else {
                    self.local(env.inst, a)?
                };
                Ok((v, 1))
            }
            "each" => match (attr(0), &env.each) {
                (Some("key"), Some(e)) => Ok((e.0.clone(), 1)),
                (Some("value"), Some(e)) => Ok((e.1.clone(), 1)),
                _ => err("each.key and each.value exist only where for_each is set"),
            },
            "count" => match (attr(0), &env.count) {
                (Some("index"), Some(c)) => Ok((c.clone(), 1)),
                _ => err("count.index exists only where count is set"),
            },
            "path" => {
                let instance = self.instance(env.inst);
                match attr(0) {
                    Some("module") => Ok((
                        Value::String(modules::relative(&instance.root_dir, &instance.dir)),
                        1,
                    )),
                    Some("root") => Ok((Value::String(".".to_owned()), 1)),
                    Some("cwd") => Ok((
                        Value::unknown("path.cwd depends on where Terraform runs"),
                        1,
                    )),
                    _ => err("unknown path attribute"),
                }
            }
            "terraform" => Ok((
                Value::unknown("terraform.workspace depends on the workspace Terraform runs in"),
                1,
            )),
            "self" => Ok((
                Value::unknown("self exists only in provisioner and connection blocks"),
                ops.len(),
            )),
            "module" => self.module_ref(env, ops),
            "data" => self.data_ref(env, ops),
            _ => {
                let Some(a) = attr(0) else {
                    return err(format!("{name} must be followed by a resource name"));
                };
                let address = format!("{name}.{a}");
                let def = self.def(env.inst);
                let Some(&decl) = def.resource_index.get(&address) else {
                    return err(format!(
                        "{address} refers to a resource not declared in this module"
                    ));
                };
                let value = match self.expansion(env.inst, decl)? {
                    Expansion::Single(h) => Value::Resource(h),
                    Expansion::List(hs) => {
                        Value::List(hs.into_iter().map(Value::Resource).collect())
                    }
                    Expansion::Map(hs) => Value::Map(
                        hs.into_iter()
                            .map(|(k, h)| (k, Value::Resource(h)))
                            .collect(),
                    ),
                    Expansion::Unknown(h, reason) => Value::UnknownInstances(h, reason),
                };
                Ok((value, 1))
            }
        }
    }

    fn module_ref(&self, env: &Env, ops: &[TraversalOp]) -> Result<(Value, usize), Stop> {
        let Some(TraversalOp::GetAttr(name)) = ops.first() else {
            return err("module must be followed by a module name");
        };
        let def = self.def(env.inst);
        let Some(&call) = def.call_index.get(name.as_str()) else {
            return err(format!("module.{name} is not declared in this module"));
        };
        let expansion = match self.call_expansion(env.inst, call) {
            None => {
                return Ok((
                    Value::unknown(format!("module.{name} depends on itself")),
                    ops.len(),
                ))
            }
            Some(CallExpansion::Unresolved(reason)) => {
                return Ok((Value::Unknown(reason), ops.len()))
            }
            Some(CallExpansion::Instances(e)) => e,
        };
        // `module.x.out`, `module.x[k].out`: evaluate just that output.
        let (child, used) = match (&expansion, ops.get(1)) {
            (Expansion::Single(c), _) => (Some(*c), 1),
            (Expansion::Unknown(c, _), Some(TraversalOp::Index(_))) => (Some(*c), 2),
            (Expansion::List(cs), Some(TraversalOp::Index(i))) => {
                let i = self.eval(i, env)?.as_integer()?;
                let c = usize::try_from(i).ok().and_then(|i| cs.get(i));
                (
                    Some(*c.ok_or_else(|| {
                        Stop::Error(format!("module.{name} has no instance [{i}]"))
                    })?),
                    2,
                )
            }
            (Expansion::Map(cs), Some(TraversalOp::Index(k))) => {
                let k = self.eval(k, env)?.as_string()?;
                let c = cs.get(&k).ok_or_else(|| {
                    Stop::Error(format!("module.{name} has no instance [\"{k}\"]"))
                })?;
                (Some(*c), 2)
            }
            _ => (None, 1),
        };
        if let Some(child) = child {
            return Ok(match ops.get(used) {
                Some(TraversalOp::GetAttr(out)) => (self.output(child, out)?, used + 1),
                _ => (self.outputs(child)?, used),
            });
        }
        let value = match expansion {
            Expansion::List(cs) => Value::List(
                cs.into_iter()
                    .map(|c| self.outputs(c))
                    .collect::<Result<_, _>>()?,
            ),
            Expansion::Map(cs) => Value::Map(
                cs.into_iter()
                    .map(|(k, c)| Ok((k, self.outputs(c)?)))
                    .collect::<Result<_, Stop>>()?,
            ),
            Expansion::Unknown(_, reason) => Value::Unknown(reason),
            Expansion::Single(_) => unreachable!("handled above"),
        };
        Ok((value, 1))
    }

    /// Data sources are Unknown, except `aws_region`, which is the provider's region.
    fn data_ref(&self, env: &Env, ops: &[TraversalOp]) -> Result<(Value, usize), Stop> {
        let names: Vec<&str> = ops
            .iter()
            .map_while(|op| match op {
                TraversalOp::GetAttr(a) => Some(a.as_str()),
                _ => None,
            })
            .take(3)
            .collect();
        let [ty, name, ..] = names.as_slice() else {
            return err("data must be followed by a type and a name");
        };
        let def = self.def(env.inst);
        let Some(decl) = def.data.get(&format!("{ty}.{name}")) else {
            return err(format!("data.{ty}.{name} is not declared in this module"));
        };
        let text = format!("data.{}", names.join("."));
        let expanded = decl.block.body.attribute("count").is_some()
            || decl.block.body.attribute("for_each").is_some();
        if *ty == "aws_region" && !expanded {
            let region = self.data_region(env.inst, decl.block);
            let region_of = |attr: &str| match attr {
                "name" | "id" | "region" => region.clone(),
                other => Value::unknown(format!(
                    "data.{ty}.{name}.{other} is read from AWS when Terraform runs"
                )),
            };
            return Ok(match names.get(2) {
                Some(attr) => (region_of(attr), 3),
                None => (
                    Value::Map(
                        ["name", "id", "region"]
                            .iter()
                            .map(|a| ((*a).to_owned(), region_of(a)))
                            .collect(),
                    ),
                    2,
                ),
            });
        }
        Ok((
            Value::unknown(format!(
                "{text} is read from a data source when Terraform runs"
            )),
            ops.len(),
        ))
    }

    fn data_region(&self, inst: InstId, block: &Block) -> Value {
        for arg in ["region", "name"] {
            if let Some(a) = block.body.attribute(arg) {
                return self
                    .eval(&a.value, &Env::module(inst))
                    .unwrap_or_else(|e| match e {
                        Stop::Unknown(r) | Stop::Error(r) => Value::Unknown(r),
                    });
            }
        }
        let key = Self::provider_key(block);
        let at = Span::new(FileId(0), 0..0);
        match self.provider_region(inst, &key, at) {
            Some(Prop { val: crate::model::Val::Known(r), .. }) => match r.as_literal() {
                Some(text) => Value::String(text.to_owned()),
                None => Value::Sym(r),
            },
            Some(Prop { val: crate::model::Val::Unknown(r), .. }) => Value::Unknown(r),
            _ => Value::unknown(format!(
                "data.aws_region: no region is configured for provider {key} (it comes from AWS_REGION or the AWS profile when Terraform runs)"
            )),
        }
    }

    fn traverse(&self, mut value: Value, ops: &[TraversalOp], env: &Env) -> Eval {
        for (i, op) in ops.iter().enumerate() {
            value = match op {
                TraversalOp::GetAttr(a) => self.get_attr(value, a)?,
                TraversalOp::Index(e) => {
                    let key = self.eval(e, env)?;
                    self.index(value, &key)?
                }
                TraversalOp::AttrSplat | TraversalOp::FullSplat => {
                    return self.splat(value, &ops[i + 1..], env)
                }
            };
        }
        Ok(value)
    }

    fn get_attr(&self, value: Value, attr: &str) -> Eval {
        match value {
            Value::Map(mut map) => map.remove(attr).map_or_else(
                || err(format!("the object has no attribute \"{attr}\"")),
                Ok,
            ),
            Value::Resource(h) => Ok(self.resource_attr(h, attr)),
            Value::Ref(mut r) => {
                r.text = format!("{}.{attr}", r.text);
                r.known = match r.known.take() {
                    Some(k) => Some(self.get_attr(k, attr).unwrap_or(Value::Null))
                        .filter(|v| *v != Value::Null),
                    None => None,
                };
                Ok(Value::Ref(r))
            }
            Value::Unknown(_) => Ok(value),
            Value::UnknownInstances(_, reason) => Ok(Value::Unknown(reason)),
            Value::Null => err(format!("attribute \"{attr}\" of a null value")),
            other => err(format!(
                "a {} has no attribute \"{attr}\"",
                other.type_name()
            )),
        }
    }

    fn index(&self, value: Value, key: &Value) -> Eval {
        if let Value::Unknown(_) = value {
            return Ok(value);
        }
        let resolved = key.resolved()?;
        match value {
            Value::List(mut items) => {
                let i = resolved.as_integer()?;
                let len = items.len();
                match usize::try_from(i).ok().filter(|i| *i < len) {
                    Some(i) => Ok(items.swap_remove(i)),
                    None => err(format!("index {i} is out of range for a list of {len}")),
                }
            }
            Value::Map(mut map) => {
                let k = resolved.as_string()?;
                map.remove(&k)
                    .map_or_else(|| err(format!("the map has no key \"{k}\"")), Ok)
            }
            Value::UnknownInstances(h, _) => Ok(Value::Resource(h)),
            Value::Ref(mut r) => {
                r.text = format!("{}{}", r.text, key_suffix(resolved));
                r.known = match r.known.take() {
                    Some(k) => Some(self.index(k, key)?),
                    None => None,
                };
                Ok(Value::Ref(r))
            }
            Value::Resource(h) => err(format!(
                "{} has no count or for_each: it cannot be indexed",
                self.handle(h).address
            )),
            other => err(format!("a {} cannot be indexed", other.type_name())),
        }
    }

    fn splat(&self, value: Value, rest: &[TraversalOp], env: &Env) -> Eval {
        match value {
            Value::Null => Ok(Value::List(Vec::new())),
            Value::Unknown(_) => Ok(value),
            Value::UnknownInstances(_, reason) => Ok(Value::Unknown(reason)),
            Value::Ref(ref r) if r.known.is_none() => Ok(value),
            Value::List(items) => Ok(Value::List(
                items
                    .into_iter()
                    .map(|item| self.traverse(item, rest, env))
                    .collect::<Result<_, _>>()?,
            )),
            other => Ok(Value::List(vec![self.traverse(other, rest, env)?])),
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
