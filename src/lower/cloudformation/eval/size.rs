//! The evaluation's side of the unit's budget (`lower::budget`): measuring values,
//! bounding `Fn::Join` and `Fn::Sub` before they concatenate, and evaluating a value that
//! others refer to once per world.

use super::{EVal, Node, Scalar, Spanned, Value, World};
use crate::lower::budget::Budget;
use crate::lower::budget::{Excess, Size};
use crate::source::Span;

/// The size of a value (iterative; stops early once it is past a per-value limit).
pub(super) fn measure(value: &EVal) -> Size {
    let mut size = Size::default();
    let mut stack: Vec<(&EVal, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        size.depth = size.depth.max(depth);
        if size.past_limits() {
            break;
        }
        match v {
            EVal::List(items) | EVal::Joined { items, .. } => {
                size.elements += items.len() as u64;
                stack.extend(items.iter().map(|s| (&s.val, depth + 1)));
            }
            _ => size.bytes += text_len(v),
        }
    }
    size
}

/// The bytes of text of a value that is not a list.
pub(super) fn text_len(value: &EVal) -> u64 {
    let len = match value {
        EVal::Scalar(Scalar::Str(s) | Scalar::Num(s)) => s.len(),
        EVal::Scalar(Scalar::Sym(s)) => s.encoded().len(),
        EVal::Input { label, reason, .. } => label.len() + reason.len(),
        EVal::Res { logical, attr, .. } => logical.len() + attr.len(),
        EVal::Unknown(reason) => reason.len(),
        EVal::Scalar(Scalar::Bool(_)) | EVal::NoValue | EVal::List(_) | EVal::Joined { .. } => 0,
    };
    len as u64
}

/// The size of a template fragment: its nodes (as elements) and its text.
pub(in crate::lower::cloudformation) fn node_size(node: &Node) -> Size {
    let mut size = Size::default();
    let mut stack = vec![(node, 0)];
    while let Some((n, depth)) = stack.pop() {
        size.depth = size.depth.max(depth);
        size.elements += 1;
        match &n.value {
            Value::String(s) | Value::Number(s) => size.bytes += s.len() as u64,
            Value::Seq(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Map(entries) => {
                for e in entries {
                    size.bytes += e.key.len() as u64;
                    stack.push((&e.value, depth + 1));
                }
            }
            Value::Tagged(tag, inner) => {
                size.bytes += tag.len() as u64;
                stack.push((inner, depth + 1));
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
    size
}

impl<'a> World<'a> {
    /// The unit's budget (the `AWS::LanguageExtensions` expansion charges its copies).
    pub(in crate::lower::cloudformation) fn budget(&self) -> &'a Budget {
        self.budget
    }

    /// A value evaluated at `node`, charged to the budget: refused past it.
    pub(super) fn admit(&self, i: usize, node: &Node, value: Spanned) -> Spanned {
        match self.budget.admit(measure(&value.val)) {
            Ok(()) => value,
            Err(excess) => self.refuse(i, node, &excess),
        }
    }

    /// The Unknown a value past the budget becomes; the excess is an error at `node`.
    pub(super) fn refuse(&self, i: usize, node: &Node, excess: &Excess) -> Spanned {
        let span = Span::new(self.instances[i].file, node.span.clone());
        self.budget.locate(span);
        Spanned::new(EVal::Unknown(excess.reason()), node.span.clone())
    }

    /// Checks the bytes that concatenating `values` with `delim` between them would
    /// build (`Fn::Join`, `Fn::Sub`); `Some` Unknown when that is past the budget.
    pub(super) fn reserve_concat<'v>(
        &self,
        i: usize,
        node: &Node,
        values: impl IntoIterator<Item = &'v EVal>,
        delim: usize,
    ) -> Option<Spanned> {
        let (count, bytes) = values.into_iter().fold((0u64, 0u64), |(n, b), v| {
            (n + 1, b.saturating_add(text_len(v)))
        });
        let bytes = bytes.saturating_add((delim as u64).saturating_mul(count));
        self.reserve_bytes(i, node, bytes)
    }

    /// Checks a list of `elements` about to be built at `node`; `Some` Unknown past the
    /// budget.
    pub(super) fn reserve_elements(
        &self,
        i: usize,
        node: &Node,
        elements: usize,
    ) -> Option<Spanned> {
        match self.budget.reserve(Size {
            elements: elements as u64,
            depth: 1,
            ..Size::default()
        }) {
            Ok(()) => None,
            Err(excess) => Some(self.refuse(i, node, &excess)),
        }
    }

    /// Checks `bytes` of text about to be built at `node`; `Some` Unknown past the budget.
    pub(super) fn reserve_bytes(&self, i: usize, node: &Node, bytes: u64) -> Option<Spanned> {
        match self.budget.reserve(Size {
            bytes,
            ..Size::default()
        }) {
            Ok(()) => None,
            Err(excess) => Some(self.refuse(i, node, &excess)),
        }
    }

    /// Evaluates a value that other values refer to (the property `Fn::GetAtt` reads, a
    /// nested stack's output, a parameter passed down, an export), once per world: chains
    /// of references would otherwise evaluate it again for every path through them, which
    /// is exponential in their length. A reference back to it while it is being evaluated
    /// is a cycle, Unknown. A copy handed out again is charged like a new value.
    pub(super) fn referred(&self, i: usize, node: &'a Node) -> Spanned {
        let key = (i, std::ptr::from_ref(node) as usize);
        let hit = match self.referred.borrow().get(&key) {
            Some(Some(value)) => Some(match self.budget.admit(measure(&value.val)) {
                Ok(()) => Ok(value.clone()),
                Err(excess) => Err(excess),
            }),
            Some(None) => {
                return Spanned::new(
                    EVal::Unknown("the value refers to itself (a cycle)".into()),
                    node.span.clone(),
                )
            }
            None => None,
        };
        match hit {
            Some(Ok(value)) => return value,
            Some(Err(excess)) => return self.refuse(i, node, &excess),
            None => {}
        }
        self.referred.borrow_mut().insert(key, None);
        let value = self.eval(i, node);
        self.referred.borrow_mut().insert(key, Some(value.clone()));
        value
    }
}
