//! Terraform's built-in functions that network code uses, computed as Terraform computes
//! them (the CIDR functions follow `go-cidr`, which Terraform uses).
//!
//! Every function takes evaluated arguments and returns a value, an Unknown (an argument it
//! needs is not known; references to resources stay opaque elements where the function
//! does not look inside them, so `concat(aws_subnet.a[*].id, …)` stays a list of
//! references), or an error. A function vpclint does not implement is Unknown, never a
//! crash. `try` and `can` need their arguments unevaluated and live in `eval.rs`.

use std::collections::BTreeMap;

use super::value::{err, format_number, Eval, PartialList, Stop, Value};

/// Calls a built-in function by name.
pub fn call(name: &str, args: &[Value]) -> Eval {
    match name {
        "cidrsubnet" => cidrsubnet(args),
        "cidrsubnets" => cidrsubnets(args),
        "cidrhost" => cidrhost(args),
        "cidrnetmask" => cidrnetmask(args),
        "lookup" => lookup(args),
        "element" => element(args),
        "concat" => concat(args),
        "merge" => merge(args),
        "flatten" => {
            let [list] = arity(name, args)?;
            let mut out = Vec::new();
            flatten_into(list, &mut out)?;
            Ok(Value::List(out))
        }
        "format" => format(args),
        "join" => join(args),
        "split" => split(args),
        "replace" => replace(args),
        "lower" | "upper" | "trimspace" => {
            let [s] = arity(name, args)?;
            let s = s.as_string()?;
            Ok(Value::String(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_owned(),
            }))
        }
        "length" => length(args),
        "keys" | "values" => {
            let [map] = arity(name, args)?;
            let map = map.as_map()?;
            Ok(Value::List(if name == "keys" {
                map.keys().map(|k| super::value::key_value(k)).collect()
            } else {
                map.values().cloned().collect()
            }))
        }
        "zipmap" => zipmap(args),
        "tolist" => {
            let [v] = arity(name, args)?;
            if let Value::Partial(_) = v {
                return Ok(v.clone());
            }
            match v.resolved()? {
                Value::Null => Ok(Value::Null),
                other => Ok(Value::List(other.as_list()?.to_vec())),
            }
        }
        "toset" => {
            let [v] = arity(name, args)?;
            if let Value::Partial(p) = v {
                return match (p.exact, p.distinct && p.sorted) {
                    (_, true) => Ok(v.clone()),
                    (true, false) => to_set(&p.items),
                    (false, false) => Err(Stop::Unknown(p.reason.clone())),
                };
            }
            match v.resolved()? {
                Value::Null => Ok(Value::Null),
                other => to_set(other.as_list()?),
            }
        }
        "tomap" => {
            let [v] = arity(name, args)?;
            match v.resolved()? {
                Value::Null => Ok(Value::Null),
                other => Ok(Value::Map(other.as_map()?.clone())),
            }
        }
        "tostring" | "tonumber" | "tobool" => {
            let [v] = arity(name, args)?;
            match v.resolved()? {
                Value::Null => Ok(Value::Null),
                other => match name {
                    "tostring" => other.as_string().map(Value::String),
                    "tonumber" => other.as_number().map(Value::Number),
                    _ => other.as_bool().map(Value::Bool),
                },
            }
        }
        "coalesce" => coalesce(args),
        "contains" => {
            let [list, value] = arity(name, args)?;
            if let Value::Partial(p) = list {
                for item in &p.items {
                    if item.equals(value)? {
                        return Ok(Value::Bool(true));
                    }
                }
                return if p.exact {
                    Ok(Value::Bool(false))
                } else {
                    Err(Stop::Unknown(p.reason.clone()))
                };
            }
            for item in list.as_list()? {
                if item.equals(value)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        "distinct" => {
            let [list] = arity(name, args)?;
            if let Value::Partial(p) = list {
                return if p.distinct {
                    Ok(list.clone())
                } else if p.exact {
                    Ok(PartialList {
                        items: distinct(&p.items)?,
                        distinct: true,
                        ..(**p).clone()
                    }
                    .into_value())
                } else {
                    Err(Stop::Unknown(p.reason.clone()))
                };
            }
            Ok(Value::List(distinct(list.as_list()?)?))
        }
        "slice" => slice(args),
        "range" => range(args),
        "min" | "max" => {
            if args.is_empty() {
                return err(format!("{name}() needs at least one number"));
            }
            let numbers = args
                .iter()
                .map(Value::as_number)
                .collect::<Result<Vec<_>, _>>()?;
            let pick = if name == "min" { f64::min } else { f64::max };
            Ok(Value::Number(
                numbers.into_iter().reduce(pick).unwrap_or(0.0),
            ))
        }
        _ => other(name, args),
    }
}

/// Less common functions, cheap to get right.
fn other(name: &str, args: &[Value]) -> Eval {
    match name {
        "compact" => {
            let [list] = arity(name, args)?;
            let (items, partial) = match list {
                Value::Partial(p) if p.exact => (&p.items[..], Some(p)),
                other => (other.as_list()?, None),
            };
            let mut out = Vec::new();
            for item in items {
                // An id known after apply is never null or empty.
                if item.opaque().is_some_and(|r| r.single) {
                    out.push(item.clone());
                    continue;
                }
                match item.resolved()? {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    v => out.push(Value::String(v.as_string()?)),
                }
            }
            Ok(match partial {
                Some(p) => PartialList {
                    items: out,
                    ..(**p).clone()
                }
                .into_value(),
                None => Value::List(out),
            })
        }
        "sort" => {
            let [list] = arity(name, args)?;
            if let Value::Partial(p) = list {
                return match (p.sorted, p.exact) {
                    (true, _) => Ok(list.clone()),
                    (false, true) => Ok(PartialList {
                        ordered: false,
                        ..(**p).clone()
                    }
                    .into_value()),
                    (false, false) => Err(Stop::Unknown(p.reason.clone())),
                };
            }
            let items = list.as_list()?;
            if items.len() == 1 && items[0].opaque().is_some() {
                // One element: sorted whatever it is.
                return Ok(list.resolved()?.clone());
            }
            if items.len() > 1 && items.iter().any(|i| i.opaque().is_some()) {
                // Ids known only after apply: these elements, in an order not known yet.
                return Ok(PartialList {
                    items: items.to_vec(),
                    exact: true,
                    ordered: false,
                    distinct: false,
                    sorted: true,
                    reason: "sort() orders ids that are known only after apply".to_owned(),
                }
                .into_value());
            }
            let mut strings = items
                .iter()
                .map(Value::as_string)
                .collect::<Result<Vec<_>, _>>()?;
            strings.sort();
            Ok(Value::List(
                strings.into_iter().map(Value::String).collect(),
            ))
        }
        "reverse" => {
            let [list] = arity(name, args)?;
            Ok(Value::List(list.as_list()?.iter().rev().cloned().collect()))
        }
        "sum" => {
            let [list] = arity(name, args)?;
            let items = list.as_list()?;
            if items.is_empty() {
                return err("sum() of an empty list");
            }
            Ok(Value::Number(
                items
                    .iter()
                    .map(Value::as_number)
                    .sum::<Result<f64, Stop>>()?,
            ))
        }
        "one" => {
            let [list] = arity(name, args)?;
            match list.as_list()? {
                [] => Ok(Value::Null),
                [only] => Ok(only.clone()),
                _ => err("one() of a list with more than one element"),
            }
        }
        "substr" => {
            let [s, offset, length] = arity(name, args)?;
            let chars: Vec<char> = s.as_string()?.chars().collect();
            let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
            let (offset, length) = (offset.as_integer()?, length.as_integer()?);
            let start = if offset < 0 { len + offset } else { offset };
            if start < 0 || start > len {
                return err("substr(): offset out of range");
            }
            let end = if length < 0 {
                len
            } else {
                (start + length).min(len)
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(Value::String(
                chars[start as usize..end as usize].iter().collect(),
            ))
        }
        "startswith" | "endswith" => {
            let [s, affix] = arity(name, args)?;
            let (s, affix) = (s.as_string()?, affix.as_string()?);
            Ok(Value::Bool(if name == "startswith" {
                s.starts_with(&affix)
            } else {
                s.ends_with(&affix)
            }))
        }
        "trimprefix" | "trimsuffix" => {
            let [s, affix] = arity(name, args)?;
            let (s, affix) = (s.as_string()?, affix.as_string()?);
            let out = if name == "trimprefix" {
                s.strip_prefix(affix.as_str())
            } else {
                s.strip_suffix(affix.as_str())
            };
            Ok(Value::String(out.unwrap_or(&s).to_owned()))
        }
        "abs" | "ceil" | "floor" => {
            let [n] = arity(name, args)?;
            let n = n.as_number()?;
            Ok(Value::Number(match name {
                "abs" => n.abs(),
                "ceil" => n.ceil(),
                _ => n.floor(),
            }))
        }
        "jsonencode" => {
            let [v] = arity(name, args)?;
            Ok(Value::String(v.to_json()?))
        }
        "index" => {
            let [list, value] = arity(name, args)?;
            let items = match list {
                Value::Partial(p) if p.ordered => &p.items[..],
                other => other.as_list()?,
            };
            for (i, item) in items.iter().enumerate() {
                if item.equals(value)? {
                    #[allow(clippy::cast_precision_loss)]
                    return Ok(Value::Number(i as f64));
                }
            }
            err("index(): the item was not found")
        }
        "alltrue" | "anytrue" => {
            let [list] = arity(name, args)?;
            let bools = list
                .as_list()?
                .iter()
                .map(Value::as_bool)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Bool(if name == "alltrue" {
                bools.iter().all(|b| *b)
            } else {
                bools.iter().any(|b| *b)
            }))
        }
        // Sets as `toset` makes them (sorted, distinct); an element whose equality is not
        // known makes the result unknown.
        "setunion" => {
            let mut all = Vec::new();
            for set in args {
                all.extend(set_items(set)?.iter().cloned());
            }
            to_set(&all)
        }
        "setintersection" | "setsubtract" => {
            let Some((first, rest)) = args.split_first() else {
                return err(format!("{name}() needs at least one set"));
            };
            if name == "setsubtract" && rest.len() != 1 {
                return err("setsubtract() takes two sets");
            }
            if let Some(out) = set_op_by_key(name, set_items(first)?, rest)? {
                return to_set(&out);
            }
            let total: usize = rest
                .iter()
                .map(|r| set_items(r).map_or(0, <[Value]>::len))
                .sum();
            if set_items(first)?.len().saturating_mul(total) > MAX_PAIRWISE * MAX_PAIRWISE {
                return Err(Stop::Unknown(format!(
                    "{name}() of sets not all known statically, {} by {total} values, is not evaluated by vpclint",
                    set_items(first)?.len()
                )));
            }
            let mut out = Vec::new();
            for item in set_items(first)? {
                let mut in_all = true;
                let mut in_any = false;
                for other in rest {
                    let mut found = false;
                    for candidate in set_items(other)? {
                        if item.equals(candidate)? {
                            found = true;
                            break;
                        }
                    }
                    in_all &= found;
                    in_any |= found;
                }
                let keep = if name == "setsubtract" {
                    !in_any
                } else {
                    in_all
                };
                if keep {
                    out.push(item.clone());
                }
            }
            to_set(&out)
        }
        "coalescelist" => {
            for arg in args {
                if let Value::Partial(p) = arg {
                    if !p.exact || !p.items.is_empty() {
                        return Ok(arg.clone());
                    }
                    continue;
                }
                let list = arg.as_list()?;
                if !list.is_empty() {
                    return Ok(arg.resolved()?.clone());
                }
            }
            err("coalescelist(): no non-empty list")
        }
        _ => Err(Stop::Unknown(format!(
            "the function {name}() is not evaluated by vpclint"
        ))),
    }
}

fn arity<'v, const N: usize>(name: &str, args: &'v [Value]) -> Result<&'v [Value; N], Stop> {
    args.try_into().map_or_else(
        |_| {
            err(format!(
                "{name}() takes {N} argument(s), {} given",
                args.len()
            ))
        },
        Ok,
    )
}

// ---------------------------------------------------------------------------------------
// IP addresses

/// An IPv4 prefix as (network address, prefix length); the address is masked, as Go's
/// `net.ParseCIDR` gives it.
fn parse_cidr(value: &Value) -> Result<(u32, u32), Stop> {
    let text = value.as_string()?;
    if text
        .split_once('/')
        .is_some_and(|(addr, _)| addr.contains(':'))
    {
        return Err(Stop::Unknown(format!(
            "IPv6 prefix {text}: IPv6 address functions are not evaluated by vpclint"
        )));
    }
    let Some((addr, len)) = crate::model::cidr::parse_prefix(&text) else {
        return err(format!("invalid CIDR address \"{text}\""));
    };
    let len = u32::from(len);
    Ok((addr & mask(len), len))
}

fn mask(len: u32) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

fn show(addr: u32, len: u32) -> Value {
    Value::String(format!("{}/{len}", std::net::Ipv4Addr::from(addr)))
}

fn cidrsubnet(args: &[Value]) -> Eval {
    let [prefix, newbits, netnum] = arity("cidrsubnet", args)?;
    let (network, len) = parse_cidr(prefix)?;
    let newbits = newbits.as_integer()?;
    let netnum = netnum.as_integer()?;
    if newbits < 0 || i64::from(len) + newbits > 32 {
        return err(format!(
            "insufficient address space to extend prefix of {len} by {newbits}"
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let newbits = newbits as u32;
    if netnum < 0 || (newbits < 63 && netnum >= 1_i64 << newbits) {
        return err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let new_len = len + newbits;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let shifted = if new_len == 32 {
        netnum as u32
    } else {
        ((netnum as u64) << (32 - new_len)) as u32
    };
    Ok(show(network | shifted, new_len))
}

fn cidrhost(args: &[Value]) -> Eval {
    let [prefix, hostnum] = arity("cidrhost", args)?;
    let (network, len) = parse_cidr(prefix)?;
    let hostnum = hostnum.as_integer()?;
    let size = 1_i64 << (32 - len);
    let offset = if hostnum < 0 { size + hostnum } else { hostnum };
    if offset < 0 || offset >= size {
        return err(format!(
            "prefix of {len} does not accommodate a host numbered {hostnum}"
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let addr = network | offset as u32;
    Ok(Value::String(std::net::Ipv4Addr::from(addr).to_string()))
}

fn cidrnetmask(args: &[Value]) -> Eval {
    let [prefix] = arity("cidrnetmask", args)?;
    let (_, len) = parse_cidr(prefix)?;
    Ok(Value::String(
        std::net::Ipv4Addr::from(mask(len)).to_string(),
    ))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size,
/// as Terraform allocates them (go-cidr's `PreviousSubnet` then `NextSubnet`).
fn cidrsubnets(args: &[Value]) -> Eval {
    let Some((prefix, newbits)) = args.split_first() else {
        return err("cidrsubnets() needs a prefix");
    };
    let (network, len) = parse_cidr(prefix)?;
    let Some(first) = newbits.first() else {
        return Ok(Value::List(Vec::new()));
    };
    let lengths = newbits
        .iter()
        .map(|n| {
            let n = n.as_integer()?;
            if n < 1 {
                return err("must extend prefix by at least one bit");
            }
            if i64::from(len) + n > 32 {
                return err(format!(
                    "would extend prefix to {} bits, which is too long for an IPv4 address",
                    i64::from(len) + n
                ));
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(len + n as u32)
        })
        .collect::<Result<Vec<u32>, Stop>>()?;
    let _ = first;
    let last_of = |addr: u32, l: u32| addr | !mask(l);
    // PreviousSubnet(network, first length): the block just before the network.
    let mut current = (network.wrapping_sub(1) & mask(lengths[0]), lengths[0]);
    let mut out = Vec::new();
    for &l in &lengths {
        // NextSubnet(current, l)
        let widened = last_of(current.0, current.1) & mask(l);
        let next = last_of(widened, l).wrapping_add(1);
        let rollover = next == 0;
        let next = next & mask(l);
        if rollover || (next & mask(len)) != network {
            return err(format!(
                "not enough remaining address space for a subnet with a prefix of {l} bits after {}/{}",
                std::net::Ipv4Addr::from(current.0),
                current.1
            ));
        }
        current = (next, l);
        out.push(show(next, l));
    }
    Ok(Value::List(out))
}

// ---------------------------------------------------------------------------------------
// Collections

fn lookup(args: &[Value]) -> Eval {
    let (map, key, default) = match args {
        [m, k] => (m, k, None),
        [m, k, d] => (m, k, Some(d)),
        _ => return err("lookup() takes 2 or 3 arguments"),
    };
    let key = key.as_key()?;
    match (map.as_map()?.get(&key), default) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => err(format!("lookup(): the map has no key \"{key}\"")),
    }
}

fn element(args: &[Value]) -> Eval {
    let [list, index] = arity("element", args)?;
    if let Value::Partial(p) = list {
        let index = index.as_integer()?;
        // `element` wraps around the length; below the known elements it does not.
        return match usize::try_from(index) {
            Ok(i) if !p.exact || i < p.items.len() => p.get(i).cloned(),
            _ => Err(Stop::Unknown(p.reason.clone())),
        };
    }
    let list = list.as_list()?;
    let index = index.as_integer()?;
    if list.is_empty() {
        return err("element() of an empty list");
    }
    if index < 0 {
        return err("element() with a negative index");
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(list[(index as usize) % list.len()].clone())
}

fn concat(args: &[Value]) -> Eval {
    let mut out = Vec::new();
    let mut ordered = true;
    for arg in args {
        match arg {
            Value::Partial(p) => {
                out.extend(p.items.iter().cloned());
                ordered &= p.ordered;
                if !p.exact {
                    // What follows comes after elements that are not known.
                    return Ok(PartialList {
                        items: out,
                        exact: false,
                        ordered,
                        distinct: false,
                        sorted: false,
                        reason: p.reason.clone(),
                    }
                    .into_value());
                }
            }
            other => out.extend(other.as_list()?.iter().cloned()),
        }
    }
    if !ordered {
        return Ok(PartialList {
            items: out,
            exact: true,
            ordered: false,
            distinct: false,
            sorted: false,
            reason: "the order of a list concatenated from one whose order is not known".to_owned(),
        }
        .into_value());
    }
    Ok(Value::List(out))
}

fn merge(args: &[Value]) -> Eval {
    let mut out = BTreeMap::new();
    for arg in args {
        match arg.resolved()? {
            Value::Null => {}
            other => out.extend(other.as_map()?.clone()),
        }
    }
    Ok(Value::Map(out))
}

fn flatten_into(value: &Value, out: &mut Vec<Value>) -> Result<(), Stop> {
    for item in value.as_list()? {
        match item.resolved() {
            Ok(Value::List(_)) => flatten_into(item, out)?,
            // An unknown element could be a list: the result's length is unknown.
            Err(stop) if !matches!(item, Value::Ref(_)) => return Err(stop),
            _ => out.push(item.clone()),
        }
    }
    Ok(())
}

fn length(args: &[Value]) -> Eval {
    let [v] = arity("length", args)?;
    if let Value::Partial(p) = v {
        #[allow(clippy::cast_precision_loss)]
        return Ok(Value::Number(p.len()? as f64));
    }
    #[allow(clippy::cast_precision_loss)]
    Ok(Value::Number(match v.resolved()? {
        Value::String(s) => s.chars().count() as f64,
        Value::List(items) => items.len() as f64,
        Value::Map(map) => map.len() as f64,
        other => return err(format!("length() of a {}", other.type_name())),
    }))
}

fn zipmap(args: &[Value]) -> Eval {
    let [keys, values] = arity("zipmap", args)?;
    let (keys, values) = (keys.as_list()?, values.as_list()?);
    if keys.len() != values.len() {
        return err("zipmap(): the lists have different lengths");
    }
    let mut out = BTreeMap::new();
    for (k, v) in keys.iter().zip(values) {
        out.insert(k.as_key()?, v.clone());
    }
    Ok(Value::Map(out))
}

/// `toset`: string sets iterate in lexical order, number sets in numeric order.
pub fn to_set(items: &[Value]) -> Eval {
    let items = distinct(items)?;
    if items.len() <= 1 && items.iter().all(|i| i.opaque().is_some_and(|r| r.single)) {
        // One id known after apply: a set of one, in its only order.
        return Ok(Value::List(items));
    }
    if items.len() > 1 && items.iter().any(|i| i.resolved().is_err()) {
        // Ids known after apply, zone names: a set of these, ordered when the order of
        // strings is known (the zones of one list, in their order).
        if in_zone_order(&items) {
            return Ok(Value::List(items));
        }
        return Ok(PartialList {
            items,
            exact: true,
            ordered: false,
            distinct: true,
            sorted: true,
            reason: "the order of a set of values that are not known yet".to_owned(),
        }
        .into_value());
    }
    let resolved: Vec<&Value> = items
        .iter()
        .map(Value::resolved)
        .collect::<Result<_, _>>()?;
    if resolved.iter().all(|v| matches!(v, Value::Number(_))) {
        let mut numbers: Vec<f64> = resolved
            .iter()
            .map(|v| v.as_number())
            .collect::<Result<_, _>>()?;
        numbers.sort_by(f64::total_cmp);
        return Ok(Value::List(
            numbers.into_iter().map(Value::Number).collect(),
        ));
    }
    if resolved
        .iter()
        .all(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)))
    {
        let mut strings: Vec<String> = resolved
            .iter()
            .map(|v| v.as_string())
            .collect::<Result<_, _>>()?;
        strings.sort();
        strings.dedup();
        return Ok(Value::List(
            strings.into_iter().map(Value::String).collect(),
        ));
    }
    Ok(Value::List(items))
}

/// `distinct` (and `toset`): the first of each set of equal values, in order. Values that
/// are wholly known compare by a canonical key, in one pass (64k strings took half a minute
/// compared pairwise); others by [`Value::equals`], pairwise, for a bounded number.
fn distinct(items: &[Value]) -> Result<Vec<Value>, Stop> {
    if let Some(keys) = items
        .iter()
        .map(|v| {
            let mut key = String::new();
            set_key(v, &mut key).then_some(key)
        })
        .collect::<Option<Vec<String>>>()
    {
        let mut seen = std::collections::HashSet::new();
        return Ok(items
            .iter()
            .zip(keys)
            .filter(|(_, key)| seen.insert(key.clone()))
            .map(|(v, _)| v.clone())
            .collect());
    }
    if items.len() > MAX_PAIRWISE {
        return Err(Stop::Unknown(format!(
            "distinct() or toset() of {} values not all known statically is not evaluated by vpclint",
            items.len()
        )));
    }
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        let mut seen = false;
        for kept in &out {
            if kept.equals(item)? {
                seen = true;
                break;
            }
        }
        if !seen {
            out.push(item.clone());
        }
    }
    Ok(out)
}

/// `setintersection`/`setsubtract` of wholly known sets, by canonical key in one pass
/// (pairwise, 64k by 64k values would take minutes); `None` when a value has no key.
fn set_op_by_key(name: &str, first: &[Value], rest: &[Value]) -> Result<Option<Vec<Value>>, Stop> {
    let key = |v: &Value| {
        let mut k = String::new();
        set_key(v, &mut k).then_some(k)
    };
    let mut others = Vec::with_capacity(rest.len());
    for set in rest {
        let Some(keys) = set_items(set)?
            .iter()
            .map(key)
            .collect::<Option<std::collections::HashSet<String>>>()
        else {
            return Ok(None);
        };
        others.push(keys);
    }
    let mut out = Vec::new();
    for item in first {
        let Some(k) = key(item) else {
            return Ok(None);
        };
        let keep = if name == "setsubtract" {
            !others.iter().any(|o| o.contains(&k))
        } else {
            others.iter().all(|o| o.contains(&k))
        };
        if keep {
            out.push(item.clone());
        }
    }
    Ok(Some(out))
}

/// The elements of a set argument: a list, or a partly known list whose elements are all
/// known.
fn set_items(value: &Value) -> Result<&[Value], Stop> {
    match value {
        Value::Partial(p) if p.exact => Ok(&p.items),
        Value::Partial(p) => Err(Stop::Unknown(p.reason.clone())),
        other => match other.resolved()? {
            Value::Null => err("a set function's argument is null"),
            v => v.as_list(),
        },
    }
}

/// Whether the values are zone names of one list, each one hole, in increasing index
/// (the order `sort` gives them: the zones are read sorted).
fn in_zone_order(items: &[Value]) -> bool {
    use crate::model::symbolic::Hole;
    let holes: Option<Vec<Hole>> = items
        .iter()
        .map(|v| match v {
            Value::Sym(s) => match s.holes().collect::<Vec<_>>().as_slice() {
                [h] if s.encoded().chars().count() == 1 => Some(*h),
                _ => None,
            },
            _ => None,
        })
        .collect();
    holes.is_some_and(|hs| {
        hs.windows(2).all(|w| {
            w[0].kind == w[1].kind && w[0].scope >> 4 == w[1].scope >> 4 && w[0].scope < w[1].scope
        }) && hs.first().is_some_and(|h| {
            matches!(
                h.kind,
                crate::model::HoleKind::AvailabilityZone
                    | crate::model::HoleKind::AvailabilityZoneId
            )
        })
    })
}

/// The most values `distinct` compares pairwise.
const MAX_PAIRWISE: usize = 4096;

/// Writes a key of a wholly known value such that two values have the same key exactly
/// when [`Value::equals`] says they are equal; false when there is none (an unknown, a
/// string known in part, NaN).
fn set_key(value: &Value, out: &mut String) -> bool {
    use std::fmt::Write as _;
    let Ok(v) = value.resolved() else {
        return false;
    };
    match v {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Value::Number(n) if n.is_nan() => return false,
        // 0.0 == -0.0
        Value::Number(n) => {
            let _ = write!(out, "d{}:", (n + 0.0).to_bits());
        }
        Value::String(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Value::Resource(h) => {
            let _ = write!(out, "r{}:", h.0);
        }
        Value::List(items) => {
            let _ = write!(out, "l{}:", items.len());
            return items.iter().all(|i| set_key(i, out));
        }
        Value::Map(map) => {
            let _ = write!(out, "m{}:", map.len());
            return map.iter().all(|(k, i)| {
                let _ = write!(out, "{}:{k}", k.len());
                set_key(i, out)
            });
        }
        _ => return false,
    }
    true
}

fn slice(args: &[Value]) -> Eval {
    let [list, start, end] = arity("slice", args)?;
    if let Value::Partial(p) = list {
        let (start, end) = (start.as_integer()?, end.as_integer()?);
        let known = i64::try_from(p.items.len()).unwrap_or(i64::MAX);
        if !p.ordered || start < 0 || start > end || end > known {
            return Err(Stop::Unknown(format!(
                "slice({start}, {end}) of a list whose elements are not all known: {}",
                p.reason
            )));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(Value::List(p.items[start as usize..end as usize].to_vec()));
    }
    let list = list.as_list()?;
    let (start, end) = (start.as_integer()?, end.as_integer()?);
    let len = i64::try_from(list.len()).unwrap_or(i64::MAX);
    if start < 0 || end > len || start > end {
        return err(format!(
            "slice(): the range {start}..{end} is not within a list of {len}"
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(Value::List(list[start as usize..end as usize].to_vec()))
}

fn range(args: &[Value]) -> Eval {
    let numbers = args
        .iter()
        .map(Value::as_number)
        .collect::<Result<Vec<_>, _>>()?;
    let (start, limit, step) = match numbers.as_slice() {
        [limit] => (0.0, *limit, 1.0),
        [start, limit] => (*start, *limit, if start <= limit { 1.0 } else { -1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => return err("range() takes 1 to 3 arguments"),
    };
    if step == 0.0 {
        return err("range(): the step cannot be zero");
    }
    if (limit > start && step < 0.0) || (limit < start && step > 0.0) {
        return err("range(): the step goes away from the limit");
    }
    let mut out = Vec::new();
    let mut n = start;
    while (step > 0.0 && n < limit) || (step < 0.0 && n > limit) {
        if out.len() >= 1024 {
            return err("range(): more than 1024 elements");
        }
        out.push(Value::Number(n));
        n += step;
    }
    Ok(Value::List(out))
}

fn coalesce(args: &[Value]) -> Eval {
    for arg in args {
        match arg.resolved()? {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            _ => return Ok(arg.clone()),
        }
    }
    err("coalesce(): no non-null, non-empty argument")
}

// ---------------------------------------------------------------------------------------
// Strings

fn join(args: &[Value]) -> Eval {
    let Some((sep, lists)) = args.split_first() else {
        return err("join() needs a separator");
    };
    let sep = sep.as_string()?;
    // Strings known in part (zone names) join into one, holes kept.
    let mut out = crate::model::SymStr::default();
    let mut first = true;
    for list in lists {
        for item in list.as_list()? {
            if !first {
                out.push_str(&sep);
            }
            first = false;
            out.push(&item.as_text()?);
        }
    }
    Ok(match out.as_literal() {
        Some(text) => Value::String(text.to_owned()),
        None => Value::Sym(out),
    })
}

fn split(args: &[Value]) -> Eval {
    let [sep, s] = arity("split", args)?;
    if let Value::Sym(sym) = s {
        // A hole is one character of the encoded text and never a separator.
        let sep = sep.as_string()?;
        if sep.is_empty() {
            return Err(Stop::Unknown(crate::lower::symbolic_reason(sym)));
        }
        return Ok(Value::List(
            sym.encoded()
                .split(sep.as_str())
                .map(super::value::key_value)
                .collect(),
        ));
    }
    let (sep, s) = (sep.as_string()?, s.as_string()?);
    if sep.is_empty() {
        return Ok(Value::List(
            s.chars().map(|c| Value::String(c.to_string())).collect(),
        ));
    }
    Ok(Value::List(
        s.split(sep.as_str())
            .map(|p| Value::String(p.to_owned()))
            .collect(),
    ))
}

fn replace(args: &[Value]) -> Eval {
    let [s, from, to] = arity("replace", args)?;
    let (s, from, to) = (s.as_string()?, from.as_string()?, to.as_string()?);
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        return Err(Stop::Unknown(
            "replace() with a regular expression is not evaluated by vpclint".to_owned(),
        ));
    }
    Ok(Value::String(s.replace(&from, &to)))
}

/// `format`: the verbs of Terraform's `format` that take a width and precision
/// (`%s %d %v %q %t %f %x %X %o %b %%`).
fn format(args: &[Value]) -> Eval {
    let Some((spec, mut rest)) = args.split_first() else {
        return err("format() needs a format string");
    };
    let spec = spec.as_string()?;
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek().filter(|f| "-+ 0#".contains(**f)) {
            flags.push(f);
            chars.next();
        }
        let width = digits(&mut chars);
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            precision = Some(digits(&mut chars));
        }
        let Some(verb) = chars.next() else {
            return err("format(): the format string ends in %");
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        // Numbers go through Go's fmt, which refuses a width or precision over 10^6
        // (it prints a marker instead of the number); checked before allocating.
        if NUMBER_VERBS.contains(verb) && width.max(precision.unwrap_or(0)) > MAX_NUMBER_WIDTH {
            return Err(Stop::Unknown(format!(
                "format(): %{verb} with a width or precision over {MAX_NUMBER_WIDTH}, which Terraform's format does not apply (Go's fmt prints an error marker instead)"
            )));
        }
        let Some((arg, tail)) = rest.split_first() else {
            return err("format(): not enough arguments");
        };
        rest = tail;
        let text = format_verb(verb, arg, precision)?;
        // String widths are bounded by the budget before the call (`output_bound`).
        let width = usize::try_from(width).unwrap_or(usize::MAX);
        let pad = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'x' | 'X' | 'o' | 'b') {
            let (sign, digits) = text
                .strip_prefix('-')
                .map_or(("", text.as_str()), |d| ("-", d));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', pad));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
    }
    if !rest.is_empty() {
        return err("format(): too many arguments");
    }
    Ok(Value::String(out))
}

/// The verbs of `format` that Go's fmt formats (numbers).
pub(super) const NUMBER_VERBS: &str = "dfxXobe";
/// Go's fmt refuses widths and precisions over this (`tooLarge` in fmt/print.go).
pub(super) const MAX_NUMBER_WIDTH: u64 = 1_000_000;

/// A width or precision: the digits at the front of `chars`, saturating.
pub(super) fn digits(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> u64 {
    let mut n: u64 = 0;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(u64::from(d));
        chars.next();
    }
    n
}

fn format_verb(verb: char, arg: &Value, precision: Option<u64>) -> Result<String, Stop> {
    let precision = precision.map(|p| usize::try_from(p).unwrap_or(usize::MAX));
    let integer = |arg: &Value| arg.as_integer();
    Ok(match verb {
        's' => {
            let s = arg.as_string()?;
            match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'v' => match arg.resolved()? {
            Value::List(_) | Value::Map(_) => arg.to_json()?,
            _ => arg.as_string()?,
        },
        'q' => Value::String(arg.as_string()?).to_json()?,
        't' => arg.as_bool()?.to_string(),
        'd' => integer(arg)?.to_string(),
        'f' => {
            // A double has at most 1074 digits after the point; Rust's formatting takes a
            // precision of at most 65535, so more digits are the zeros they would be.
            let precision = precision.unwrap_or(6);
            let mut text = format!("{:.*}", precision.min(1100), arg.as_number()?);
            text.extend(std::iter::repeat_n('0', precision.saturating_sub(1100)));
            text
        }
        'x' => format!("{:x}", integer(arg)?),
        'X' => format!("{:X}", integer(arg)?),
        'o' => format!("{:o}", integer(arg)?),
        'b' => format!("{:b}", integer(arg)?),
        'e' => format!("{:e}", arg.as_number()?),
        other => return err(format!("format(): unsupported verb %{other}")),
    })
}

#[allow(dead_code)]
fn number(n: f64) -> String {
    format_number(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::String(v.to_owned())
    }
    fn n(v: f64) -> Value {
        Value::Number(v)
    }

    #[test]
    fn cidr_functions_match_terraform() {
        assert_eq!(
            call("cidrsubnet", &[s("10.0.0.0/16"), n(8.0), n(2.0)]),
            Ok(s("10.0.2.0/24"))
        );
        assert_eq!(
            call("cidrsubnet", &[s("10.1.2.3/16"), n(4.0), n(15.0)]),
            Ok(s("10.1.240.0/20"))
        );
        assert!(call("cidrsubnet", &[s("10.0.0.0/16"), n(4.0), n(16.0)]).is_err());
        assert_eq!(
            call("cidrsubnets", &[s("10.0.0.0/16"), n(4.0), n(8.0), n(4.0)]),
            Ok(Value::List(vec![
                s("10.0.0.0/20"),
                s("10.0.16.0/24"),
                s("10.0.32.0/20")
            ]))
        );
        assert_eq!(
            call("cidrhost", &[s("10.0.0.0/24"), n(-2.0)]),
            Ok(s("10.0.0.254"))
        );
        assert_eq!(
            call("cidrnetmask", &[s("10.0.0.0/12")]),
            Ok(s("255.240.0.0"))
        );
    }

    #[test]
    fn unsupported_functions_are_unknown() {
        assert!(matches!(call("regexall", &[]), Err(Stop::Unknown(_))));
    }

    #[test]
    fn distinct_by_key_is_distinct_by_equality() {
        let m = |k: &str, v: Value| Value::Map([(k.to_owned(), v)].into_iter().collect());
        let items = vec![
            n(1.0),
            s("1"),
            n(1.0),
            n(0.0),
            n(-0.0),
            Value::List(vec![n(1.0), s("a")]),
            Value::List(vec![n(1.0), s("a")]),
            m("a", s("b")),
            m("a", s("b")),
            m("ab", s("")),
            Value::Bool(true),
            s("true"),
            Value::Null,
            Value::Null,
        ];
        let expected: Vec<Value> = {
            let mut out: Vec<Value> = Vec::new();
            for item in &items {
                if !out.iter().any(|k| k.equals(item).unwrap()) {
                    out.push(item.clone());
                }
            }
            out
        };
        assert_eq!(distinct(&items), Ok(expected.clone()));
        assert_eq!(expected.len(), 9);
        // NaN equals nothing, itself included: pairwise, as before.
        let nan = vec![n(f64::NAN), n(f64::NAN)];
        assert_eq!(distinct(&nan).map(|v| v.len()), Ok(2));
        // setsubtract and setintersection by key keep what pairwise equality keeps.
        let other = vec![
            n(-0.0),
            s("1"),
            Value::List(vec![n(1.0), s("a")]),
            Value::Null,
        ];
        for name in ["setsubtract", "setintersection"] {
            let pairwise: Vec<Value> = items
                .iter()
                .filter(|i| {
                    other.iter().any(|o| o.equals(i).unwrap()) == (name == "setintersection")
                })
                .cloned()
                .collect();
            let keyed = set_op_by_key(name, &items, &[Value::List(other.clone())]);
            assert_eq!(keyed, Ok(Some(pairwise)), "{name}");
        }
        assert_eq!(
            set_op_by_key("setsubtract", &nan, &[Value::List(nan.clone())]),
            Ok(None)
        );
    }

    #[test]
    fn format_verbs() {
        assert_eq!(
            call(
                "format",
                &[s("%s-%03d-%v"), s("a"), n(7.0), Value::Bool(true)]
            ),
            Ok(s("a-007-true"))
        );
        // Past Rust's formatter (65,535) but within Go's fmt (10^6): zeros, no panic.
        let Ok(Value::String(long)) = call("format", &[s("%.70000f"), n(0.5)]) else {
            panic!("a long precision is evaluated");
        };
        assert_eq!(long.len(), 70_002);
        assert!(long.starts_with("0.5000") && long.ends_with("000"));
        // Past Go's limit: Unknown, whatever the digits (they used to wrap or panic).
        for spec in ["%1000001d", "%.1000001f", "%99999999999999999999999999x"] {
            assert!(
                matches!(call("format", &[s(spec), n(1.0)]), Err(Stop::Unknown(_))),
                "{spec}"
            );
        }
    }
}
