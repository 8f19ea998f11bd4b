//! Expressions: templates, function calls, operators and `for` expressions.

use super::{
    err, functions, key_value, BTreeMap, BinaryOp, Env, Eval, Evaluator, Expr, ExprKind, ForExpr,
    PartialList, Stop, SymStr, TemplatePart, UnaryOp, Value,
};
use crate::lower::budget::Size;

impl Evaluator<'_> {
    /// Evaluates an expression. Unknowns come back as `Ok(Value::Unknown)`; `Err` is an
    /// error Terraform would report. Nesting and every value built are charged to the
    /// unit's budget: past it, the value is Unknown (and the excess pending, see `size.rs`).
    pub fn eval(&self, expr: &Expr, env: &Env) -> Eval {
        let depth = self.depth.get();
        if let Err(excess) = self.budget.enter(depth) {
            return Ok(Value::Unknown(excess.reason()));
        }
        self.depth.set(depth + 1);
        let result = self.eval_kind(expr, env);
        self.depth.set(depth);
        match result {
            Ok(v) => Ok(self.admit(v)),
            Err(Stop::Unknown(r)) => Ok(Value::Unknown(r)),
            Err(Stop::Error(e)) => {
                // The innermost expression an error Terraform reports comes from.
                if let Some((m, range @ None)) = self.pending.borrow_mut().as_mut() {
                    if *m == e {
                        *range = Some(super::super::validate::failing_step(expr, &e));
                    }
                }
                Err(Stop::Error(e))
            }
        }
    }

    pub(super) fn eval_kind(&self, expr: &Expr, env: &Env) -> Eval {
        Ok(match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(s.clone()),
            ExprKind::Template(parts) => self.template(parts, env)?,
            ExprKind::Tuple(items) => {
                let mut size = Size::default();
                let mut list = Vec::with_capacity(items.len());
                for e in items {
                    list.push(self.grown(&mut size, self.eval(e, env)?, 0)?);
                }
                Value::List(list)
            }
            ExprKind::Object(pairs) => {
                let mut size = Size::default();
                let mut map = BTreeMap::new();
                for (k, v) in pairs {
                    let key = match &k.kind {
                        // `{ name = … }`: a bare name is the key itself.
                        ExprKind::Variable(name) => name.clone(),
                        _ => self.eval(k, env)?.as_key()?,
                    };
                    let value = self.grown(&mut size, self.eval(v, env)?, key.len())?;
                    map.insert(key, value);
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

    pub(super) fn template(&self, parts: &[TemplatePart], env: &Env) -> Eval {
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
                    self.reserve(Some(Size::text(out.encoded().len())))?;
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

    pub(super) fn call(&self, name: &str, args: &[Expr], expand_final: bool, env: &Env) -> Eval {
        match name {
            "try" => {
                for arg in args {
                    match self.eval(arg, env) {
                        Ok(v) => return Ok(v),
                        Err(Stop::Error(_)) => {
                            self.pending.borrow_mut().take();
                        }
                        Err(stop) => return Err(stop),
                    }
                }
                err("try(): no argument could be evaluated")
            }
            "can" => match args {
                [arg] => match self.eval(arg, env) {
                    Ok(v) => v.check_known().map(|()| Value::Bool(true)),
                    Err(Stop::Error(_)) => {
                        self.pending.borrow_mut().take();
                        Ok(Value::Bool(false))
                    }
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
                self.reserve(super::size::output_bound(name, &values))?;
                let result = functions::call(name, &values)?;
                // Terraform leaves these unknown when an element is known only after apply.
                if matches!(
                    name,
                    "compact" | "distinct" | "toset" | "sort" | "contains" | "index"
                ) {
                    self.set_beyond_plan(
                        values
                            .iter()
                            .find_map(Value::find_opaque)
                            .map(|r| r.text.clone()),
                    );
                }
                Ok(result)
            }
        }
    }

    pub(super) fn binary(&self, op: BinaryOp, lhs: &Expr, rhs: &Expr, env: &Env) -> Eval {
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
            BinaryOp::Eq | BinaryOp::NotEq => {
                let equal = a.equals(&b)?;
                // Terraform knows that a known value is not null, whatever unknowns it holds
                // (`var.flow_logs == null` with an ARN known after apply inside): only a
                // comparison that looked at such a value is beyond the plan.
                let against_null = |known: &Value, other: &Value| {
                    matches!(known, Value::Null)
                        && matches!(other, Value::Null | Value::List(_) | Value::Map(_))
                };
                if !against_null(&a, &b) && !against_null(&b, &a) {
                    self.set_beyond_plan(
                        a.find_opaque()
                            .or_else(|| b.find_opaque())
                            .map(|r| r.text.clone()),
                    );
                }
                Ok(Value::Bool(equal == (op == BinaryOp::Eq)))
            }
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

    pub(super) fn for_expr(&self, f: &ForExpr, env: &Env) -> Eval {
        let collection = self.eval(&f.collection, env)?;
        // Elements known in no known order: without an index, the result is known (a list in
        // no known order, or a map).
        let unordered = matches!(&collection, Value::Partial(p) if p.exact && f.key_var.is_none());
        let items: Vec<(Value, Value)> = match &collection {
            Value::Partial(p) if unordered => {
                p.items.iter().map(|v| (Value::Null, v.clone())).collect()
            }
            _ => match collection.resolved()? {
                Value::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        #[allow(clippy::cast_precision_loss)]
                        (Value::Number(i as f64), v.clone())
                    })
                    .collect(),
                Value::Map(map) => map.iter().map(|(k, v)| (key_value(k), v.clone())).collect(),
                other => return err(format!("a for expression over a {}", other.type_name())),
            },
        };
        let mut list = Vec::new();
        let mut map = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        // The result is checked against the budget as it grows (a `for` over a large
        // collection must not build all of it before the check).
        let mut size = Size::default();
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
                None => list.push(self.grown(&mut size, value, 0)?),
                Some(key) => {
                    let key = self.eval(key, &e)?.as_key()?;
                    let value = self.grown(&mut size, value, key.len())?;
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
            (None, _) if unordered => PartialList {
                items: list,
                exact: true,
                ordered: false,
                distinct: false,
                sorted: false,
                reason: "a for expression over a list whose order is not known".to_owned(),
            }
            .into_value(),
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
}
