//! Conditions: named conditions and condition functions, three-valued; an input a world does
//! not assign is recorded (`NeedRec`) so that `mod.rs` can split the world on it.

use super::{Choice, EVal, NeedRec, Node, Range, Scalar, Spanned, SymStr, World};

impl<'a> World<'a> {
    /// A named condition of instance `i`, evaluated once per world.
    pub fn condition(&self, i: usize, name: &str, at: &Range<usize>) -> Option<bool> {
        let key = (i, name.to_owned());
        if let Some(v) = self.conditions.borrow().get(&key) {
            return *v;
        }
        let Some(node) = self.instances[i]
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
        else {
            self.error(
                i,
                at.clone(),
                format!("condition {name} is not defined in Conditions"),
            );
            return None;
        };
        if !self.active.borrow_mut().insert(key.clone()) {
            self.error(i, at.clone(), format!("condition {name} refers to itself"));
            return None;
        }
        let value = self.cond_expr(i, node);
        self.active.borrow_mut().remove(&key);
        self.conditions.borrow_mut().insert(key, value);
        value
    }

    /// A condition function: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`;
    /// nesting (conditions that refer to conditions included) is charged to the budget.
    pub(super) fn cond_expr(&self, i: usize, node: &'a Node) -> Option<bool> {
        let depth = self.depth.get();
        if let Err(excess) = self.budget.enter(depth) {
            self.refuse(i, node, &excess);
            return None;
        }
        self.depth.set(depth + 1);
        let value = self.cond_expr_inner(i, node);
        self.depth.set(depth);
        value
    }

    fn cond_expr_inner(&self, i: usize, node: &'a Node) -> Option<bool> {
        let Some((name, arg)) = node.as_intrinsic() else {
            if let Some(b) = node.as_bool() {
                return Some(b);
            }
            self.error(
                i,
                node.span.clone(),
                "a condition must be a condition function",
            );
            return None;
        };
        let items = arg.as_seq().unwrap_or_default();
        match name {
            "Condition" => match arg.as_scalar_str() {
                Some(c) => self.condition(i, c, &arg.span),
                None => None,
            },
            "Fn::Equals" if items.len() == 2 => {
                let a = self.eval(i, &items[0]);
                let b = self.eval(i, &items[1]);
                self.equals(i, &a, &b, node)
            }
            "Fn::Not" if items.len() == 1 => self.cond_expr(i, &items[0]).map(|b| !b),
            "Fn::And" | "Fn::Or" if !items.is_empty() => {
                let decisive = name == "Fn::Or";
                let mut undecided = false;
                for item in items {
                    match self.cond_expr(i, item) {
                        Some(b) if b == decisive => return Some(decisive),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(!decisive)
            }
            _ => {
                self.error(
                    i,
                    node.span.clone(),
                    format!("{name} is not a condition function, or has the wrong arguments"),
                );
                None
            }
        }
    }

    pub(super) fn equals(
        &self,
        i: usize,
        left: &Spanned,
        right: &Spanned,
        node: &Node,
    ) -> Option<bool> {
        match (&left.val, &right.val) {
            // A string built from an input compares by its known parts.
            (EVal::Scalar(Scalar::Sym(a)), EVal::Scalar(b))
            | (EVal::Scalar(b), EVal::Scalar(Scalar::Sym(a))) => {
                let b = match b {
                    Scalar::Sym(b) => b.clone(),
                    other => SymStr::literal(&other.clone().into_string().unwrap_or_default()),
                };
                a.eq_ignore_case(&b).or_else(|| self.opaque(i, node))
            }
            (EVal::Scalar(_), EVal::Scalar(_)) => Some(left.text() == right.text()),
            (EVal::List(xs), EVal::List(ys)) => {
                let texts = |l: &[Spanned]| l.iter().map(Spanned::text).collect::<Option<Vec<_>>>();
                match (texts(xs), texts(ys)) {
                    (Some(xs), Some(ys)) => Some(xs == ys),
                    _ => self.opaque(i, node),
                }
            }
            (EVal::Input { key: k1, .. }, EVal::Input { key: k2, .. }) if k1 == k2 => Some(true),
            (input @ EVal::Input { .. }, EVal::Scalar(s))
            | (EVal::Scalar(s), input @ EVal::Input { .. }) => match s.clone().into_string() {
                Ok(literal) => self.input_equals(input, &literal, i, node),
                Err(_) => self.opaque(i, node),
            },
            (
                EVal::Res {
                    inst,
                    logical,
                    attr,
                    ..
                },
                EVal::Res {
                    inst: i2,
                    logical: l2,
                    attr: a2,
                },
            ) if inst == i2 && logical == l2 && attr == a2 => Some(true),
            _ => self.opaque(i, node),
        }
    }

    /// `Fn::Equals` between an input and a literal.
    pub(super) fn input_equals(
        &self,
        input: &EVal,
        literal: &str,
        i: usize,
        node: &Node,
    ) -> Option<bool> {
        let EVal::Input {
            key,
            label,
            allowed,
            ..
        } = input
        else {
            return None;
        };
        match self.assignment.get(key) {
            Some(Choice::Value(v)) => return Some(v == literal),
            Some(Choice::Other(excluded)) if excluded.iter().any(|e| e == literal) => {
                return Some(false)
            }
            Some(Choice::Undecided) => {
                self.undecided.borrow_mut().insert(label.clone());
                return None;
            }
            Some(Choice::Bool(_)) => return self.opaque(i, node),
            _ => {}
        }
        if allowed
            .as_ref()
            .is_some_and(|a| !a.iter().any(|v| v == literal))
        {
            return Some(false);
        }
        self.needs.borrow_mut().push(NeedRec {
            key: key.clone(),
            label: label.clone(),
            literal: Some(literal.to_owned()),
            allowed: allowed.clone(),
        });
        None
    }

    /// A comparison of values not known statically: split as true/false, keyed by its place.
    pub(super) fn opaque(&self, i: usize, node: &Node) -> Option<bool> {
        let inst = &self.instances[i];
        let key = format!("{}#{}", inst.key, node.span.start);
        match self.assignment.get(&key) {
            Some(Choice::Bool(b)) => Some(*b),
            Some(Choice::Undecided) => {
                self.undecided
                    .borrow_mut()
                    .insert(format!("{}(comparison)", inst.label));
                None
            }
            _ => {
                self.needs.borrow_mut().push(NeedRec {
                    key,
                    label: format!("{}(comparison)", inst.label),
                    literal: None,
                    allowed: None,
                });
                None
            }
        }
    }
}
