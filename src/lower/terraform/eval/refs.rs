//! References and traversals: resources, modules, data sources, attribute and index
//! access, splats.

use super::{
    err, key_suffix, modules, CallExpansion, Env, Eval, Evaluator, Expansion, Stop, TraversalOp,
    Value,
};

impl Evaluator<'_> {
    /// Resolves a root name and the traversal steps that belong to the reference itself;
    /// returns the value and how many steps were used.
    pub(super) fn reference(
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

    pub(super) fn module_ref(
        &self,
        env: &Env,
        ops: &[TraversalOp],
    ) -> Result<(Value, usize), Stop> {
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
                let k = self.eval(k, env)?.as_key()?;
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

    pub(super) fn traverse(&self, mut value: Value, ops: &[TraversalOp], env: &Env) -> Eval {
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

    pub(super) fn get_attr(&self, value: Value, attr: &str) -> Eval {
        match value {
            Value::Map(mut map) => match map.remove(attr) {
                Some(v) => Ok(v),
                None => self.invalid(format!(
                    "Unsupported attribute: the object has no attribute \"{attr}\""
                )),
            },
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

    pub(super) fn index(&self, value: Value, key: &Value) -> Eval {
        if let Value::Unknown(_) = value {
            return Ok(value);
        }
        if let (Value::Map(map), Value::Sym(_)) = (&value, key) {
            let k = key.as_key()?;
            return match map.get(&k) {
                Some(v) => Ok(v.clone()),
                None => self.invalid(format!(
                    "Invalid index: the map has no key \"{}\"",
                    key.as_text()?
                )),
            };
        }
        let resolved = key.resolved()?;
        match value {
            Value::List(mut items) => {
                let i = resolved.as_integer()?;
                let len = items.len();
                match usize::try_from(i).ok().filter(|i| *i < len) {
                    Some(i) => Ok(items.swap_remove(i)),
                    None => self.invalid(format!(
                        "Invalid index: index {i} is out of range for a list of {len}"
                    )),
                }
            }
            Value::Map(mut map) => {
                let k = resolved.as_string()?;
                match map.remove(&k) {
                    Some(v) => Ok(v),
                    None => self.invalid(format!("Invalid index: the map has no key \"{k}\"")),
                }
            }
            Value::UnknownInstances(h, _) => Ok(Value::Resource(h)),
            Value::Partial(p) => {
                let i = resolved.as_integer()?;
                match usize::try_from(i) {
                    Ok(i) => p.get(i).cloned(),
                    Err(_) => err(format!("index {i} is out of range")),
                }
            }
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

    pub(super) fn splat(&self, value: Value, rest: &[TraversalOp], env: &Env) -> Eval {
        match value {
            Value::Null => Ok(Value::List(Vec::new())),
            Value::Partial(p) => Ok(super::PartialList {
                items: p
                    .items
                    .into_iter()
                    .map(|item| self.traverse(item, rest, env))
                    .collect::<Result<_, _>>()?,
                distinct: false,
                sorted: false,
                ..*p
            }
            .into_value()),
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
