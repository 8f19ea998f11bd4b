//! The evaluator's side of the unit's evaluation budget (`lower::budget`): measuring
//! values, bounding what functions build, and locating an excess.

use super::{Evaluator, Stop, Value};
use crate::lower::budget::Size;
use crate::source::{FileId, Span};

/// The size of a value (iterative; stops early once it is past a per-value limit).
pub(super) fn measure(value: &Value) -> Size {
    let mut size = Size::default();
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        size.depth = size.depth.max(depth);
        if size.past_limits() {
            break;
        }
        match v {
            Value::String(s) => size.bytes += s.len() as u64,
            Value::Sym(s) => size.bytes += s.encoded().len() as u64,
            Value::Unknown(r) | Value::UnknownInstances(_, r) => size.bytes += r.len() as u64,
            Value::List(items) => {
                size.elements += items.len() as u64;
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            Value::Partial(p) => {
                size.elements += p.items.len() as u64;
                size.bytes += p.reason.len() as u64;
                stack.extend(p.items.iter().map(|i| (i, depth + 1)));
            }
            Value::Map(map) => {
                size.elements += map.len() as u64;
                for (k, item) in map {
                    size.bytes += k.len() as u64;
                    stack.push((item, depth + 1));
                }
            }
            Value::Ref(r) => {
                size.bytes += r.text.len() as u64;
                if let Some(known) = &r.known {
                    stack.push((known, depth));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::Resource(_) => {}
        }
    }
    size
}

impl Evaluator<'_> {
    /// Refuses a value past the budget: Unknown with the reason (the excess is pending,
    /// for the caller that knows where it is written).
    pub(super) fn admit(&self, value: Value) -> Value {
        match self.budget.admit(measure(&value)) {
            Ok(()) => value,
            Err(excess) => Value::Unknown(excess.reason()),
        }
    }

    /// One more element (`value`, under a key of `key_len` bytes) of a list or map being
    /// built, whose size so far is `size`: refused once the whole is past a limit.
    pub(super) fn grown(
        &self,
        size: &mut Size,
        value: Value,
        key_len: usize,
    ) -> Result<Value, Stop> {
        let mut item = measure(&value);
        item.bytes += key_len as u64;
        size.push(item);
        match self.budget.reserve(*size) {
            Ok(()) => Ok(value),
            Err(excess) => Err(Stop::Unknown(excess.reason())),
        }
    }

    /// Checks the bound of what a function call is about to build (see
    /// `functions::output_bound`).
    pub(super) fn reserve(&self, bound: Option<Size>) -> Result<(), Stop> {
        match bound.map(|size| self.budget.reserve(size)) {
            Some(Err(excess)) => Err(Stop::Unknown(excess.reason())),
            _ => Ok(()),
        }
    }

    /// Reports a pending excess at the value written at `span` of `file`.
    pub(crate) fn locate(&self, file: FileId, span: &std::ops::Range<usize>) {
        self.budget.locate(Span::new(file, span.clone()));
    }
}
