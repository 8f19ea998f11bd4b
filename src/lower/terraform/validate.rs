//! References `terraform validate` rejects: to a variable, local value, resource, data
//! source or module that the module does not declare, and to an output the called module
//! does not declare. Checked statically over every expression of every module a root
//! instantiates, as Terraform does (a reference in a resource with `count = 0`, or in a
//! local nothing reads, is still an error), and reported with the reference's location.
//! The evaluator then sees them as Unknown, so the rest of the tree is still checked.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::eval::Evaluator;
use super::modules::{self, ModuleDef};
use crate::lower::LowerError;
use crate::source::{FileId, Span};
use crate::syntax::hcl::{Block, Body, Expr, ExprKind, TemplatePart, TraversalOp};

/// Root names that are always bound in expressions.
const BUILTIN: &[&str] = &["each", "count", "self", "path", "terraform"];

/// The undeclared references of every module directory the evaluator instantiated.
pub fn check(ev: &Evaluator<'_>) -> Vec<LowerError> {
    // Each directory once, with the directory each of its calls instantiates.
    let instances = ev.instances.borrow();
    let mut dirs: Vec<(PathBuf, usize)> = Vec::new();
    let mut callees: HashMap<(PathBuf, String), PathBuf> = HashMap::new();
    for (id, instance) in instances.iter().enumerate() {
        if !dirs.iter().any(|(d, _)| *d == instance.dir) {
            dirs.push((instance.dir.clone(), id));
        }
        if let Some((parent, call, _)) = &instance.parent {
            let parent_dir = instances[*parent].dir.clone();
            let name = ev.def(*parent).calls[*call].name.to_owned();
            callees
                .entry((parent_dir, name))
                .or_insert_with(|| instance.dir.clone());
        }
    }
    let mut out = Vec::new();
    for (dir, inst) in &dirs {
        // Only some of its files were read: the others may declare what these reference.
        if ev
            .partial_dirs()
            .iter()
            .any(|p| modules::normalize(p) == *dir)
        {
            continue;
        }
        let def = ev.def(*inst);
        let callee = |name: &str| {
            callees
                .get(&(dir.clone(), name.to_owned()))
                .map(|d| (d.as_path(), ev.def_of(d)))
        };
        let mut v = Validator {
            def,
            callee: &callee,
            file: FileId(0),
            scope: Vec::new(),
            out: &mut out,
        };
        v.module(def);
    }
    out
}

/// The directory a call of the module instantiates, and its definition.
type Callee<'v, 'a> = dyn Fn(&str) -> Option<(&'v Path, Option<&'a ModuleDef<'a>>)> + 'v;

struct Validator<'v, 'a> {
    def: &'a ModuleDef<'a>,
    callee: &'v Callee<'v, 'a>,
    file: FileId,
    /// Names bound by `for` expressions and `dynamic` blocks around the expression.
    scope: Vec<String>,
    out: &'v mut Vec<LowerError>,
}

impl<'a> Validator<'_, 'a> {
    fn module(&mut self, def: &'a ModuleDef<'a>) {
        let mut seen = BTreeSet::new();
        let mut blocks: Vec<(FileId, &Block)> = Vec::new();
        blocks.extend(def.resources.iter().map(|r| (r.file, r.block)));
        blocks.extend(def.data.values().map(|r| (r.file, r.block)));
        blocks.extend(def.calls.iter().map(|c| (c.file, c.block)));
        blocks.extend(def.outputs.values().copied());
        blocks.extend(def.variables.values().copied());
        blocks.extend(def.providers.values().copied());
        // Declaration order, so that errors come in file order.
        blocks.sort_by_key(|(f, b)| (*f, b.span.start));
        for (file, block) in blocks {
            if !seen.insert((file, block.span.start)) {
                continue;
            }
            self.file = file;
            match block.kind.as_str() {
                "resource" | "data" => self.body(&block.body, &["provider"]),
                "module" => self.body(&block.body, &["source", "version", "providers"]),
                "output" => self.body(&block.body, &[]),
                "provider" => self.body(&block.body, &["alias"]),
                "variable" => {
                    for b in block.body.blocks_of("validation") {
                        self.body(&b.body, &[]);
                    }
                }
                _ => {}
            }
        }
        let mut locals: Vec<(FileId, &crate::syntax::hcl::Attribute)> =
            def.locals.values().copied().collect();
        locals.sort_by_key(|(f, a)| (*f, a.span.start));
        for (file, attr) in locals {
            self.file = file;
            self.expr(&attr.value);
        }
    }

    fn body(&mut self, body: &Body, skip: &[&str]) {
        for attr in &body.attributes {
            if !skip.contains(&attr.name.as_str()) {
                self.expr(&attr.value);
            }
        }
        for block in &body.blocks {
            match block.kind.as_str() {
                // Attribute names, not references.
                "lifecycle" => self.body(&block.body, &["ignore_changes"]),
                "dynamic" => {
                    if let Some(each) = block.body.attribute("for_each") {
                        self.expr(&each.value);
                    }
                    let iterator = block
                        .body
                        .attribute("iterator")
                        .and_then(|a| a.value.as_reference())
                        .and_then(|p| p.into_iter().next())
                        .or_else(|| block.labels.first().map(|l| l.value.clone()));
                    let bound = iterator.is_some();
                    self.scope.extend(iterator);
                    for content in block.body.blocks_of("content") {
                        self.body(&content.body, &[]);
                    }
                    if bound {
                        self.scope.pop();
                    }
                }
                _ => self.body(&block.body, &[]),
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) => {}
            ExprKind::Template(parts) => {
                for part in parts {
                    if let TemplatePart::Interpolation(e) = part {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Tuple(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Object(pairs) => {
                for (k, v) in pairs {
                    if !matches!(k.kind, ExprKind::Variable(_)) {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Variable(name) => self.reference(expr, name, &[]),
            ExprKind::Traversal(root, ops) => {
                match &root.kind {
                    ExprKind::Variable(name) => self.reference(expr, name, ops),
                    _ => self.expr(root),
                }
                for op in ops {
                    if let TraversalOp::Index(e) = op {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| self.expr(e)),
            ExprKind::Conditional(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Unary(_, e) => self.expr(e),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::For(f) => {
                self.expr(&f.collection);
                let depth = self.scope.len();
                self.scope.extend(f.key_var.iter().cloned());
                self.scope.push(f.value_var.clone());
                if let Some(k) = &f.key {
                    self.expr(k);
                }
                self.expr(&f.value);
                if let Some(c) = &f.cond {
                    self.expr(c);
                }
                self.scope.truncate(depth);
            }
        }
    }

    fn reference(&mut self, expr: &Expr, name: &str, ops: &[TraversalOp]) {
        if BUILTIN.contains(&name) || self.scope.iter().any(|s| s == name) {
            return;
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOp::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let def = self.def;
        let message = match name {
            "var" => attr(0)
                .filter(|a| !def.variables.contains_key(a))
                .map(|a| format!("Reference to undeclared input variable: var.{a} is not declared in this module (add a variable \"{a}\" block)")),
            "local" => attr(0)
                .filter(|a| !def.locals.contains_key(a))
                .map(|a| format!("Reference to undeclared local value: local.{a} is not declared in this module")),
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(n)) if !def.data.contains_key(&format!("{ty}.{n}")) => Some(format!(
                    "Reference to undeclared resource: data.{ty}.{n} is not declared in this module"
                )),
                _ => None,
            },
            "module" => match attr(0) {
                Some(m) if !def.call_index.contains_key(m) => Some(format!(
                    "Reference to undeclared module: module.{m} is not declared in this module"
                )),
                Some(m) => self.module_output(m, ops),
                None => None,
            },
            ty => match attr(0) {
                Some(n) if !def.resource_index.contains_key(&format!("{ty}.{n}")) => Some(format!(
                    "Reference to undeclared resource: {ty}.{n} is not declared in this module"
                )),
                _ => None,
            },
        };
        if let Some(message) = message {
            self.out.push(LowerError {
                span: Span::new(self.file, failing_step(expr, &message)),
                message,
            });
        }
    }

    /// `module.m.out` (or `module.m[k].out`) where module `m` declares no output `out`.
    fn module_output(&self, m: &str, ops: &[TraversalOp]) -> Option<String> {
        let ((Some(TraversalOp::GetAttr(out)), _)
        | (Some(TraversalOp::Index(_)), Some(TraversalOp::GetAttr(out)))) =
            (ops.get(1), ops.get(2))
        else {
            return None;
        };
        let (dir, callee) = (self.callee)(m)?;
        let callee = callee?;
        (!callee.outputs.contains_key(out.as_str())).then(|| {
            format!(
                "Unsupported attribute: module.{m} has no output \"{out}\" (the module in {} declares no such output)",
                dir.display()
            )
        })
    }
}

/// Where in a traversal an error about its last step points, as Terraform points: at
/// `.name` for a missing attribute, at `[key]` for a missing key or index; else the whole
/// expression.
pub(super) fn failing_step(expr: &Expr, message: &str) -> std::ops::Range<usize> {
    let whole = expr.span.clone();
    let ExprKind::Traversal(_, ops) = &expr.kind else {
        return whole;
    };
    match ops.last() {
        Some(TraversalOp::GetAttr(a))
            if message.starts_with("Unsupported attribute")
                && message.contains(&format!("\"{a}\"")) =>
        {
            whole.end.saturating_sub(a.len() + 1).max(whole.start)..whole.end
        }
        Some(TraversalOp::Index(e)) if message.starts_with("Invalid index") => {
            e.span.start.saturating_sub(1).max(whole.start)..whole.end
        }
        _ => whole,
    }
}
