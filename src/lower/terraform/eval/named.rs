//! Named values: variables (with their sources and types), locals and outputs.

use super::{
    err, poisoned, vars, AttrRef, BTreeMap, Block, Env, Eval, Evaluator, ExprKind, Handle,
    HoleKind, InstId, MemoKey, Raw, Slot, Stop, Value,
};

/// Attributes the configuration does not set that a provider computes when Terraform plans
/// (from the configuration), so that `count`/`for_each` over them plans: the AWS provider
/// plans `aws_acm_certificate.domain_validation_options` with its domain names.
const PLANNED_BY_PROVIDER: &[(&str, &str)] =
    &[("aws_acm_certificate", "domain_validation_options")];

impl<'a> Evaluator<'a> {
    pub(super) fn memo(
        &self,
        key: MemoKey,
        cycle: impl FnOnce() -> Value,
        compute: impl FnOnce() -> Value,
    ) -> Value {
        match self.memo.borrow().get(&key) {
            Some(Slot::Done((v, beyond))) => {
                let (v, beyond) = (v.clone(), beyond.clone());
                self.set_beyond_plan(beyond);
                return v;
            }
            Some(Slot::InProgress) => return cycle(),
            None => {}
        }
        self.memo.borrow_mut().insert(key.clone(), Slot::InProgress);
        let outer = self.beyond_plan.take();
        let v = compute();
        let beyond = self.beyond_plan.replace(outer);
        self.set_beyond_plan(beyond.clone());
        self.memo
            .borrow_mut()
            .insert(key, Slot::Done((v.clone(), beyond)));
        v
    }

    pub(super) fn variable(&self, inst: InstId, name: &str) -> Eval {
        let def = self.def(inst);
        let Some(&(file, block)) = def.variables.get(name) else {
            return err(format!("var.{name} is not declared"));
        };
        let key = MemoKey::Var(inst, name.to_owned());
        let v = self.memo(
            key,
            || Value::unknown(format!("var.{name} depends on itself")),
            || {
                let v = match self.variable_value(inst, name, block) {
                    Ok(v) => v,
                    Err(Stop::Unknown(r)) => Value::Unknown(r),
                    Err(e @ Stop::Error(_)) => {
                        if let Some((caller, call, _)) = &self.instance(inst).parent {
                            self.report(self.def(*caller).calls[*call].file, &e);
                        }
                        let Stop::Error(e) = e else { unreachable!() };
                        Value::Unknown(format!("var.{name} cannot be evaluated: {e}"))
                    }
                };
                self.locate(file, &block.span);
                v
            },
        );
        Ok(v)
    }

    pub(super) fn variable_value(&self, inst: InstId, name: &str, block: &'a Block) -> Eval {
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
                    Some(attr) => {
                        let v = self.eval(&attr.value, env);
                        self.locate(call.file, &attr.value.span);
                        Some(v?)
                    }
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
    pub(super) fn is_provider_region(&self, inst: InstId, name: &str) -> bool {
        self.def(inst).providers.values().any(|(_, block)| {
            block
                .body
                .attribute("region")
                .and_then(|a| a.value.as_reference())
                .is_some_and(|parts| parts.len() == 2 && parts[0] == "var" && parts[1] == name)
        })
    }

    /// A `--var` or `TF_VAR_` value for a variable of a complex type: HCL.
    pub(super) fn parse_text(&self, name: &str, text: &str, env: &Env) -> Eval {
        let parsed = crate::syntax::terraform::parse(&format!("v = {text}\n"));
        match parsed.tree.attribute("v") {
            Some(attr) if parsed.errors.is_empty() => self.eval(&attr.value, env),
            _ => Ok(Value::unknown(format!(
                "the value given for var.{name} is not a valid HCL expression"
            ))),
        }
    }

    pub(super) fn local(&self, inst: InstId, name: &str) -> Eval {
        let def = self.def(inst);
        let Some(&(file, attr)) = def.locals.get(name) else {
            return err(format!("local.{name} is not declared"));
        };
        Ok(self.memo(
            MemoKey::Local(inst, name.to_owned()),
            || Value::unknown(format!("local.{name} depends on itself")),
            || {
                let v = match self.eval(&attr.value, &Env::module(inst)) {
                    Ok(v) => v,
                    Err(Stop::Unknown(r)) => Value::Unknown(r),
                    Err(e @ Stop::Error(_)) => {
                        self.report(file, &e);
                        let Stop::Error(e) = e else { unreachable!() };
                        Value::Unknown(format!("local.{name} cannot be evaluated: {e}"))
                    }
                };
                self.locate(file, &attr.value.span);
                v
            },
        ))
    }

    pub(super) fn output(&self, inst: InstId, name: &str) -> Eval {
        let instance = self.instance(inst);
        let def = self.def(inst);
        let Some(&(file, block)) = def.outputs.get(name) else {
            return err(format!("{} has no output \"{name}\"", instance.address));
        };
        let Some(attr) = block.body.attribute("value") else {
            return Ok(Value::Null);
        };
        let v = self.memo(
            MemoKey::Output(inst, name.to_owned()),
            || Value::unknown(format!("{}.{name} depends on itself", instance.address)),
            || {
                let v = match self.eval(&attr.value, &Env::module(inst)) {
                    Ok(v) => v,
                    Err(Stop::Unknown(r)) => Value::Unknown(r),
                    Err(e @ Stop::Error(_)) => {
                        self.report(file, &e);
                        let Stop::Error(e) = e else { unreachable!() };
                        Value::Unknown(format!(
                            "{}.{name} cannot be evaluated: {e}",
                            instance.address
                        ))
                    }
                };
                self.locate(file, &attr.value.span);
                v
            },
        );
        Ok(match &instance.poison {
            Some(reason) => poisoned(v, reason),
            None => v,
        })
    }

    pub(super) fn outputs(&self, inst: InstId) -> Eval {
        let def = self.def(inst);
        let mut map = BTreeMap::new();
        for name in def.outputs.keys() {
            map.insert((*name).to_owned(), self.output(inst, name)?);
        }
        Ok(Value::Map(map))
    }

    /// An attribute of a resource instance: a reference, carrying the configured value when
    /// the configuration sets the attribute.
    pub(super) fn resource_attr(&self, h: Handle, attr: &str) -> Value {
        let info = self.handle(h);
        let decl = &self.def(info.inst).resources[info.decl];
        if PLANNED_BY_PROVIDER.contains(&(decl.type_name, attr)) {
            // Not known to vpclint, but not "known only after apply" either: a `for_each`
            // over it plans (Terraform's own example for ACM validation records).
            return Value::Unknown(format!(
                "{}.{attr} is computed by the provider when Terraform plans, and not by vpclint",
                info.address
            ));
        }
        let known = match decl.block.body.attribute(attr) {
            Some(a) if attr != "id" && !matches!(attr, "count" | "for_each" | "provider") => {
                let v = self.memo(
                    MemoKey::Attr(h, attr.to_owned()),
                    || Value::Null,
                    || {
                        // Reported where the resource itself is lowered.
                        let v = self.eval(&a.value, &info.env()).unwrap_or(Value::Null);
                        self.pending.borrow_mut().take();
                        self.locate(decl.file, &a.value.span);
                        v
                    },
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
            single: info.poison.is_none(),
        }))
    }
}
