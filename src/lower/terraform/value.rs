//! The values of the Terraform evaluator.
//!
//! Invariant: a [`Value`] is either wholly known data, or says why it is not: an
//! [`Value::Unknown`] with its reason, or a [`Value::Ref`] to an attribute of a resource that
//! only exists after apply (which may also carry the value its configuration gives it).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::SymStr;

/// A resource instance of the evaluation. Handles are mapped to graph ids once every
/// instance is known, so that the graph keeps declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Handle(pub u32);

impl Handle {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets (`toset` sorts and deduplicates, as cty orders string sets).
    List(Vec<Value>),
    /// Maps and objects, in lexical key order (the order Terraform iterates them in).
    Map(BTreeMap<String, Value>),
    /// One resource instance as a whole (`aws_subnet.a`, `each.value` over a resource).
    Resource(Handle),
    /// A resource whose `count`/`for_each` is unknown: indexing it gives the one element
    /// kept for it; anything else about it is Unknown for this reason.
    UnknownInstances(Handle, String),
    /// An attribute of a resource instance (`aws_vpc.a.id`). `known` is the value its
    /// configuration gives it, when it sets one (`aws_vpc.a.cidr_block`); `None` when it
    /// exists only after apply.
    Ref(Box<AttrRef>),
    /// A string known in part (`com.amazonaws.<region>.sqs`, the region of a provider
    /// configuration that the code does not give). Templates carry it through; anything
    /// else that needs the whole string sees it as Unknown.
    Sym(SymStr),
    /// A list known in part (see [`PartialList`]): what computation sees is Unknown,
    /// except for the functions that keep what is known of it.
    Partial(Box<PartialList>),
    Unknown(String),
}

/// A list known in part, as Terraform refines unknown values: the availability zones of a
/// region (at least three distinct names, in order, the rest unknown), or ids known after
/// apply sorted (these elements, in an order that is not known). Never both exact and
/// ordered: that is a plain [`Value::List`] ([`PartialList::into_value`]).
// Four independent facts about the list, each read by the functions that keep it.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq)]
pub struct PartialList {
    /// The elements known to be in the list: its first elements when `ordered`, else all
    /// of them in no known order.
    pub items: Vec<Value>,
    /// The list has exactly these elements; else it may have more after them.
    pub exact: bool,
    pub ordered: bool,
    /// The elements are known to be pairwise different.
    pub distinct: bool,
    /// The elements are in the order `sort` gives.
    pub sorted: bool,
    /// Why the rest is not known.
    pub reason: String,
}

impl PartialList {
    /// The value: a plain list when exact and ordered.
    pub fn into_value(self) -> Value {
        if self.exact && (self.ordered || self.items.len() <= 1) {
            Value::List(self.items)
        } else {
            Value::Partial(Box::new(self))
        }
    }

    /// Its `i`-th element, when known.
    pub fn get(&self, i: usize) -> Result<&Value, Stop> {
        if !self.ordered {
            return Err(Stop::Unknown(format!(
                "the order of the list is not known: {}",
                self.reason
            )));
        }
        self.items.get(i).ok_or_else(|| {
            Stop::Unknown(format!(
                "element {i} of the list is not known: {}",
                self.reason
            ))
        })
    }

    /// Its length, when known.
    pub fn len(&self) -> Result<usize, Stop> {
        if self.exact {
            Ok(self.items.len())
        } else {
            Err(Stop::Unknown(self.reason.clone()))
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AttrRef {
    pub handle: Handle,
    /// The first attribute name after the resource address (`id`, `cidr_block`).
    pub attr: String,
    /// The reference as text, for reasons: `aws_vpc.a.arn`.
    pub text: String,
    pub known: Option<Value>,
    /// The reference names one resource instance (not the one element kept for instances
    /// whose `count`/`for_each` is unknown): its id is its own, different from every other
    /// instance's.
    pub single: bool,
}

impl AttrRef {
    /// Attributes whose value identifies the instance: different instances, different
    /// values (`aws_subnet.a.id` ≠ `aws_subnet.b.id`).
    fn identifies(&self) -> bool {
        self.single && matches!(self.attr.as_str(), "id" | "arn")
    }
}

/// Why an evaluation stopped: the value is unknown, or the expression is an error (that
/// Terraform would refuse too). `try` and `can` catch errors, never unknowns.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    Unknown(String),
    Error(String),
}

pub type Eval = Result<Value, Stop>;

/// How the reason of a value known only after apply ends.
pub const AFTER_APPLY: &str = " is only known after apply";

pub fn err<T>(message: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Error(message.into()))
}

impl Value {
    pub fn unknown(reason: impl Into<String>) -> Value {
        Value::Unknown(reason.into())
    }

    /// The value with references to known configuration values replaced by those values:
    /// what computation (functions, operators, templates) sees. Fails on anything unknown,
    /// so that callers can use `?`.
    pub fn resolved(&self) -> Result<&Value, Stop> {
        match self {
            Value::Ref(r) => match &r.known {
                Some(v) => v.resolved(),
                None => Err(Stop::Unknown(format!("{}{AFTER_APPLY}", r.text))),
            },
            Value::Unknown(reason) | Value::UnknownInstances(_, reason) => {
                Err(Stop::Unknown(reason.clone()))
            }
            Value::Sym(s) => Err(Stop::Unknown(crate::lower::symbolic_reason(s))),
            Value::Partial(p) => Err(Stop::Unknown(p.reason.clone())),
            v => Ok(v),
        }
    }

    /// The reference this value is when it is an attribute known only after apply
    /// (following references to configured references: `aws_subnet.a.vpc_id` is
    /// `aws_vpc.a.id`).
    pub fn opaque(&self) -> Option<&AttrRef> {
        match self {
            Value::Ref(r) => match &r.known {
                None => Some(r),
                Some(k) => k.opaque(),
            },
            _ => None,
        }
    }

    /// The first value known only after apply the value holds (at any depth).
    pub fn find_opaque(&self) -> Option<&AttrRef> {
        match self {
            Value::List(items) => items.iter().find_map(Value::find_opaque),
            Value::Map(map) => map.values().find_map(Value::find_opaque),
            Value::Partial(p) => p.items.iter().find_map(Value::find_opaque),
            v => v.opaque(),
        }
    }

    /// The first reason this value (or anything inside it) is not wholly known.
    pub fn check_known(&self) -> Result<(), Stop> {
        match self.resolved()? {
            Value::List(items) => items.iter().try_for_each(Value::check_known),
            Value::Map(map) => map.values().try_for_each(Value::check_known),
            _ => Ok(()),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) | Value::Sym(_) => "string",
            Value::List(_) | Value::Partial(_) => "list",
            Value::Map(_) => "object",
            Value::Resource(_) | Value::UnknownInstances(..) => "resource",
            Value::Ref(_) | Value::Unknown(_) => "unknown",
        }
    }

    /// The key of a map or instance this value names: its string, or for a string known
    /// in part (a zone name) its encoded text ([`key_value`] gives the value back).
    pub fn as_key(&self) -> Result<String, Stop> {
        match self {
            Value::Sym(s) => Ok(s.encoded().to_owned()),
            Value::Ref(r) => match &r.known {
                Some(k @ Value::Sym(_)) => k.as_key(),
                _ => self.as_string(),
            },
            other => other.as_string(),
        }
    }

    /// The string a primitive converts to (templates, `tostring`, string arguments).
    pub fn as_string(&self) -> Result<String, Stop> {
        match self.resolved()? {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(format_number(*n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Null => err("a null value where a string is required"),
            other => err(format!(
                "a {} where a string is required",
                other.type_name()
            )),
        }
    }

    pub fn as_number(&self) -> Result<f64, Stop> {
        match self.resolved()? {
            Value::Number(n) => Ok(*n),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map_or_else(|| err(format!("\"{s}\" is not a number")), Ok),
            other => err(format!(
                "a {} where a number is required",
                other.type_name()
            )),
        }
    }

    /// A whole number (list index, prefix length, count).
    pub fn as_integer(&self) -> Result<i64, Stop> {
        let n = self.as_number()?;
        if n.fract() != 0.0 || n.abs() > 9.0e15 {
            return err(format!("{} is not a whole number", format_number(n)));
        }
        #[allow(clippy::cast_possible_truncation)]
        Ok(n as i64)
    }

    pub fn as_bool(&self) -> Result<bool, Stop> {
        match self.resolved()? {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            other => err(format!("a {} where a bool is required", other.type_name())),
        }
    }

    /// The elements of a list, or the values of a map in key order (`for`, `values`).
    pub fn as_list(&self) -> Result<&[Value], Stop> {
        match self.resolved()? {
            Value::List(items) => Ok(items),
            other => err(format!("a {} where a list is required", other.type_name())),
        }
    }

    pub fn as_map(&self) -> Result<&BTreeMap<String, Value>, Stop> {
        match self.resolved()? {
            Value::Map(map) => Ok(map),
            other => err(format!("a {} where a map is required", other.type_name())),
        }
    }

    /// The string a template interpolation makes of the value: known, or known in part.
    pub fn as_text(&self) -> Result<SymStr, Stop> {
        match self {
            Value::Sym(s) => Ok(s.clone()),
            Value::Ref(r) if matches!(r.known, Some(Value::Sym(_))) => {
                r.known.as_ref().expect("matched").as_text()
            }
            other => other.as_string().map(|s| SymStr::literal(&s)),
        }
    }

    /// Terraform's equality (`==`, `contains`, `distinct`): deep, on resolved values. A
    /// string known in part equals another when that does not depend on its holes.
    pub fn equals(&self, other: &Value) -> Result<bool, Stop> {
        // Ids known only after apply: the same reference is equal to itself, two instances'
        // ids are different; an id is never empty.
        match (self.opaque(), other.opaque()) {
            (Some(a), Some(b)) => {
                if a.handle == b.handle && a.text == b.text && a.single {
                    return Ok(true);
                }
                if a.identifies() && b.identifies() && (a.handle != b.handle || a.attr != b.attr) {
                    return Ok(false);
                }
            }
            (Some(a), None) | (None, Some(a)) if a.identifies() => {
                let known = if self.opaque().is_some() { other } else { self };
                if matches!(known, Value::Null) || matches!(known, Value::String(s) if s.is_empty())
                {
                    return Ok(false);
                }
            }
            _ => {}
        }
        if matches!(self, Value::Sym(_)) || matches!(other, Value::Sym(_)) {
            if let (Ok(a), Ok(b)) = (self.as_text(), other.as_text()) {
                // Terraform compares strings case-sensitively.
                if a == b {
                    return Ok(true);
                }
                if a.eq_ignore_case(&b) == Some(false) {
                    return Ok(false);
                }
            }
        }
        let (a, b) = (self.resolved()?, other.resolved()?);
        Ok(match (a, b) {
            (Value::List(x), Value::List(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .map(|(p, q)| p.equals(q))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .all(|e| e)
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.keys().eq(y.keys())
                    && x.values()
                        .zip(y.values())
                        .map(|(p, q)| p.equals(q))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .all(|e| e)
            }
            (Value::Resource(x), Value::Resource(y)) => x == y,
            (x, y) => x == y,
        })
    }

    /// The value as Terraform's console would print it as JSON (`jsonencode`), for tests
    /// and `format("%v")`-like uses. Unknowns fail.
    pub fn to_json(&self) -> Result<String, Stop> {
        let mut out = String::new();
        self.write_json(&mut out)?;
        Ok(out)
    }

    fn write_json(&self, out: &mut String) -> Result<(), Stop> {
        match self.resolved()? {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&format_number(*n)),
            Value::String(s) => write_json_string(out, s),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out)?;
                }
                out.push(']');
            }
            Value::Map(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, k);
                    out.push(':');
                    v.write_json(out)?;
                }
                out.push('}');
            }
            other => return err(format!("a {} cannot be encoded", other.type_name())),
        }
        Ok(())
    }
}

/// JSON string escaping as Go's encoding/json does it (which `jsonencode` uses): `<`, `>`
/// and `&` are escaped too.
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Numbers as Terraform prints them: whole numbers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        #[allow(clippy::cast_possible_truncation)]
        let i = n as i64;
        i.to_string()
    } else {
        n.to_string()
    }
}

/// What a `dynamic` block's `for_each` iterates, as (`key`, `value`) pairs: a list's
/// indices or a map's keys with their elements; `null` makes no block.
///
/// # Errors
/// Why the elements are not known: the value is, or holds, an unknown, or is no collection.
pub fn dynamic_elements(for_each: &Value) -> Result<Vec<(Value, Value)>, String> {
    match for_each.resolved() {
        Ok(Value::List(items)) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                #[allow(clippy::cast_precision_loss)]
                (Value::Number(i as f64), v.clone())
            })
            .collect()),
        Ok(Value::Map(map)) => Ok(map.iter().map(|(k, v)| (key_value(k), v.clone())).collect()),
        Ok(Value::Null) => Ok(Vec::new()),
        Ok(other) => Err(format!("for_each is a {}", other.type_name())),
        Err(Stop::Unknown(r) | Stop::Error(r)) => Err(r),
    }
}

/// The value of a map key or instance key ([`Value::as_key`]).
pub fn key_value(key: &str) -> Value {
    let s = SymStr::from_encoded(key);
    if s.as_literal().is_some() {
        Value::String(key.to_owned())
    } else {
        Value::Sym(s)
    }
}

/// An instance key of a resource or module (`[0]`, `["a"]`) in Terraform's address syntax.
pub fn key_suffix(key: &Value) -> String {
    match key {
        Value::Sym(s) => {
            let mut out = String::from("[");
            write_json_string(&mut out, &s.to_string());
            out.push(']');
            out
        }
        Value::Number(n) => format!("[{}]", format_number(*n)),
        Value::String(s) => {
            let mut out = String::from("[");
            write_json_string(&mut out, s);
            out.push(']');
            out
        }
        _ => "[*]".to_owned(),
    }
}

/// Keeps the references of a value and makes everything else Unknown: the value of an
/// element whose existence is not known (`count`/`for_each` unknown).
pub fn poisoned(value: Value, reason: &str) -> Value {
    match value {
        Value::Ref(mut r) => {
            r.known = None;
            Value::Ref(r)
        }
        v @ (Value::Resource(_) | Value::UnknownInstances(..) | Value::Unknown(_)) => v,
        Value::Partial(mut p) => {
            p.items = p.items.into_iter().map(|v| poisoned(v, reason)).collect();
            Value::Partial(p)
        }
        Value::List(items) => Value::List(items.into_iter().map(|v| poisoned(v, reason)).collect()),
        Value::Map(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (k, poisoned(v, reason)))
                .collect(),
        ),
        _ => Value::Unknown(reason.to_owned()),
    }
}
