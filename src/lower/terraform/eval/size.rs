//! The evaluator's side of the unit's evaluation budget (`lower::budget`): measuring
//! values, bounding what functions build, and locating an excess.

use super::{functions, Evaluator, Stop, Value};
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

    /// Checks the bound of what a function call is about to build (see [`output_bound`]).
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

/// An upper bound of the size of what `name` builds from `args`, for the functions whose
/// result can be much larger than their arguments (the evaluator checks it against the
/// budget before the call); `None` for the others.
pub(super) fn output_bound(name: &str, args: &[Value]) -> Option<Size> {
    let text = |v: &Value| v.as_string().ok();
    let count = |s: &str, sep: &str| {
        if sep.is_empty() {
            s.chars().count()
        } else {
            s.matches(sep).count()
        }
    };
    let n = |x: usize| x as u64;
    let bytes_of = |bytes: u64| Size {
        bytes,
        ..Size::default()
    };
    match name {
        "join" => {
            let (sep, lists) = args.split_first()?;
            let sep = text(sep)?;
            let (mut items, mut bytes) = (0u64, 0u64);
            for list in lists {
                for item in list.as_list().ok()? {
                    items += 1;
                    bytes = bytes.saturating_add(n(text(item).map_or(0, |t| t.len())));
                }
            }
            Some(bytes_of(bytes.saturating_add(
                n(sep.len()).saturating_mul(items.saturating_sub(1)),
            )))
        }
        "replace" => {
            let [s, from, to] = args else { return None };
            let (s, from, to) = (text(s)?, text(from)?, text(to)?);
            let occurrences = n(count(&s, &from)) + u64::from(from.is_empty());
            Some(bytes_of(
                n(s.len()).saturating_add(occurrences.saturating_mul(n(to.len()))),
            ))
        }
        "split" => {
            let [sep, s] = args else { return None };
            let (sep, s) = (text(sep)?, text(s)?);
            Some(Size {
                elements: n(count(&s, &sep)) + 1,
                bytes: n(s.len()),
                depth: 1,
            })
        }
        "format" => {
            // Every width and `%f` precision may become that many characters (a numeric
            // one over Go's limit is refused by `format` itself, not allocated).
            let spec = text(args.first()?)?;
            let mut bytes = n(spec.len());
            let mut chars = spec.chars().peekable();
            while let Some(c) = chars.next() {
                if c != '%' {
                    continue;
                }
                while chars.peek().is_some_and(|f| "-+ 0#".contains(*f)) {
                    chars.next();
                }
                let width = functions::digits(&mut chars);
                let precision = if chars.peek() == Some(&'.') {
                    chars.next();
                    functions::digits(&mut chars)
                } else {
                    0
                };
                let verb = chars.next().unwrap_or('%');
                let numeric = functions::NUMBER_VERBS.contains(verb);
                if !numeric || width.max(precision) <= functions::MAX_NUMBER_WIDTH {
                    bytes = bytes.saturating_add(width);
                    if verb == 'f' {
                        bytes = bytes.saturating_add(precision);
                    }
                }
            }
            for arg in &args[1..] {
                bytes = bytes.saturating_add(n(text(arg).map_or(0, |t| t.len())));
            }
            Some(bytes_of(bytes))
        }
        _ => None,
    }
}
