//! Expansion of resources and module calls: `count`, `for_each`, module instances and
//! their sources.

use super::super::value::AFTER_APPLY;
use super::{
    err, key_suffix, key_value, modules, provider_key, BTreeMap, Block, Body, CallExpansion, Env,
    Evaluator, Expansion, ExprKind, FileId, Handle, HandleInfo, HashMap, InstId, Instance, KeyOrd,
    Keys, LowerError, ModuleDef, PathBuf, Rc, Slot, Span, Stop, Unevaluated, Value, MAX_INSTANCES,
    MAX_MODULE_DEPTH,
};

impl<'a> Evaluator<'a> {
    /// The instance keys of a block's `count` or `for_each` (in module `file`). What
    /// Terraform cannot plan (a value known only after apply) is a located error, and the
    /// instances are unknown.
    pub(super) fn keys(&self, body: &Body, env: &Env, file: FileId) -> Keys {
        let outer = self.beyond_plan.take();
        let keys = self.keys_inner(body, env, file);
        let beyond = self.beyond_plan.replace(outer);
        self.set_beyond_plan(beyond.clone());
        let (arg, what) = if body.attribute("count").is_some() {
            ("count", "Invalid count argument: the count depends")
        } else {
            (
                "for_each",
                "Invalid for_each argument: the keys of for_each depend",
            )
        };
        let after_apply = match &keys {
            Keys::Unknown(reason) if reason.ends_with(AFTER_APPLY) => reason
                .rsplit(": ")
                .next()
                .and_then(|r| r.strip_suffix(AFTER_APPLY))
                .map(str::to_owned),
            Keys::Count(_) | Keys::Each(_) => beyond,
            _ => None,
        };
        let Some(value) = after_apply else {
            return keys;
        };
        if let Some(attr) = body.attribute(arg) {
            self.error(
                Span::new(file, attr.value.span.clone()),
                format!("{what} on {value}, which is known only after apply: Terraform cannot plan this (write the keys or the count in the configuration, or apply in two steps with -target)"),
            );
        }
        Keys::Unknown(format!(
            "{arg} depends on {value}, which is known only after apply (Terraform cannot plan it)"
        ))
    }

    fn keys_inner(&self, body: &Body, env: &Env, file: FileId) -> Keys {
        let stopped = |e: Stop| {
            self.report(file, &e);
            e
        };
        if let Some(count) = body.attribute("count") {
            let n = self
                .eval(&count.value, env)
                .and_then(|v| v.as_integer())
                .map_err(stopped);
            return match n.map(|n| (n, usize::try_from(n))) {
                Ok((n, Err(_))) => Keys::Unknown(format!("count is negative ({n})")),
                Ok((n, Ok(c))) if c > MAX_INSTANCES => Keys::Unknown(format!(
                    "count is {n}, more than the {MAX_INSTANCES} instances vpclint expands"
                )),
                Ok((_, Ok(c))) => Keys::Count(c),
                Err(Stop::Unknown(r)) => Keys::Unknown(format!("count is not known: {r}")),
                Err(Stop::Error(e)) => Keys::Unknown(format!("count cannot be evaluated: {e}")),
            };
        }
        let Some(for_each) = body.attribute("for_each") else {
            return Keys::Single;
        };
        let value = match self.eval(&for_each.value, env).map_err(stopped) {
            Ok(v) => v,
            Err(Stop::Unknown(r)) => return Keys::Unknown(format!("for_each is not known: {r}")),
            Err(Stop::Error(e)) => {
                return Keys::Unknown(format!("for_each cannot be evaluated: {e}"))
            }
        };
        let keys = match value.resolved() {
            Ok(Value::Map(map)) => Ok(map.clone()),
            // A set of strings (a list is accepted too: `terraform validate` reports it).
            Ok(Value::List(items)) => items
                .iter()
                .map(|i| i.as_key().map(|k| (k, i.clone())))
                .collect::<Result<BTreeMap<_, _>, _>>(),
            Ok(other) => err(format!(
                "for_each must be a map or a set of strings, not a {}",
                other.type_name()
            )),
            Err(e) => match &value {
                // Elements in no known order: the keys are still these, if known.
                Value::Partial(p) if p.exact => p
                    .items
                    .iter()
                    .map(|i| i.as_key().map(|k| (k, i.clone())))
                    .collect::<Result<BTreeMap<_, _>, _>>(),
                _ => Err(e),
            },
        };
        match keys {
            Ok(map) if map.len() > MAX_INSTANCES => Keys::Unknown(format!(
                "for_each has {} keys, more than the {MAX_INSTANCES} instances vpclint expands",
                map.len()
            )),
            Ok(map) => Keys::Each(map),
            Err(Stop::Unknown(r)) => Keys::Unknown(format!("for_each is not known: {r}")),
            Err(Stop::Error(e)) => Keys::Unknown(format!("for_each cannot be evaluated: {e}")),
        }
    }

    /// The instances of a resource, created on first use.
    pub(super) fn expansion(&self, inst: InstId, decl: usize) -> Result<Expansion<Handle>, Stop> {
        let def = self.def(inst);
        let rdecl = &def.resources[decl];
        match self.expansions.borrow().get(&(inst, decl)) {
            Some(Slot::Done(e)) => return Ok(e.clone()),
            Some(Slot::InProgress) => {
                return Err(Stop::Unknown(format!(
                    "the count or for_each of {} depends on itself",
                    rdecl.address
                )))
            }
            None => {}
        }
        self.expansions
            .borrow_mut()
            .insert((inst, decl), Slot::InProgress);
        let instance = self.instance(inst);
        let base = if instance.address.is_empty() {
            rdecl.address.clone()
        } else {
            format!("{}.{}", instance.address, rdecl.address)
        };
        let keys = self.keys(&rdecl.block.body, &Env::module(inst), rdecl.file);
        self.locate(rdecl.file, &rdecl.block.span);
        let new = |key: Option<&Value>,
                   each: Option<(Value, Value)>,
                   count: Option<Value>,
                   own_poison: Option<String>,
                   ord: KeyOrd| {
            let info = HandleInfo {
                inst,
                decl,
                address: format!("{base}{}", key.map(key_suffix).unwrap_or_default()),
                each: each.map(Rc::new),
                count,
                poison: own_poison.or_else(|| instance.poison.clone()),
                order: (instance.order.clone(), decl, ord),
            };
            let mut handles = self.handles.borrow_mut();
            handles.push(info);
            Handle(u32::try_from(handles.len() - 1).unwrap_or(u32::MAX))
        };
        let expansion = match keys {
            Keys::Single => Expansion::Single(new(None, None, None, None, KeyOrd::Single)),
            Keys::Count(n) => Expansion::List(
                (0..n)
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let k = Value::Number(i as f64);
                        #[allow(clippy::cast_possible_wrap)]
                        new(Some(&k), None, Some(k.clone()), None, KeyOrd::Int(i as i64))
                    })
                    .collect(),
            ),
            Keys::Each(map) => Expansion::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        let key = key_value(&k);
                        let h = new(
                            Some(&key),
                            Some((key.clone(), v)),
                            None,
                            None,
                            KeyOrd::Str(k.clone()),
                        );
                        (k, h)
                    })
                    .collect(),
            ),
            Keys::Unknown(reason) => {
                let reason = format!("instances unknown: {reason}");
                let u = Value::Unknown(reason.clone());
                let is_count = rdecl.block.body.attribute("count").is_some();
                let h = new(
                    Some(&u),
                    (!is_count).then(|| (u.clone(), u.clone())),
                    is_count.then(|| u.clone()),
                    Some(reason.clone()),
                    KeyOrd::Unknown,
                );
                Expansion::Unknown(h, reason)
            }
        };
        self.expansions
            .borrow_mut()
            .insert((inst, decl), Slot::Done(expansion.clone()));
        Ok(expansion)
    }

    /// The instances of a module call, created on first use.
    pub(super) fn call_expansion(&self, inst: InstId, call: usize) -> Option<CallExpansion> {
        match self.calls.borrow().get(&(inst, call)) {
            Some(Slot::Done(e)) => return Some(e.clone()),
            Some(Slot::InProgress) => return None,
            None => {}
        }
        self.calls
            .borrow_mut()
            .insert((inst, call), Slot::InProgress);
        let result = self.expand_call(inst, call);
        self.calls
            .borrow_mut()
            .insert((inst, call), Slot::Done(result.clone()));
        Some(result)
    }

    pub(super) fn expand_call(&self, inst: InstId, call_idx: usize) -> CallExpansion {
        let parent = self.instance(inst);
        let call = &self.def(inst).calls[call_idx];
        let base = if parent.address.is_empty() {
            format!("module.{}", call.name)
        } else {
            format!("{}.module.{}", parent.address, call.name)
        };
        let dir = match self.resolve_source(&parent, call, &base) {
            Ok(dir) => dir,
            Err(reason) => {
                // A refused source is a located error already; anything else is unchecked.
                let refused = self.errors.borrow().iter().any(|e| e.message == reason);
                // A registry or git source in a root without `.terraform/modules`: said
                // once for the run, with the fix, rather than once per call.
                let unsupplied = modules::source_of(call.block)
                    .is_some_and(|s| !modules::is_local_source(s))
                    && !self.manifests.contains_key(&parent.root_dir)
                    && parent.call_path.len() < MAX_MODULE_DEPTH;
                let item = Unevaluated {
                    address: base.clone(),
                    reason: reason.clone(),
                    span: Span::new(call.file, call.block.labels[0].span.clone()),
                };
                if unsupplied {
                    self.unsupplied.borrow_mut().push(item);
                } else if !refused {
                    self.unevaluated.borrow_mut().push(item);
                }
                return CallExpansion::Unresolved(reason);
            }
        };
        let new = |key: Option<&Value>, env: Env, poison: Option<String>, ord: KeyOrd| {
            let mut call_path = parent.call_path.clone();
            call_path.push(call.name);
            let mut order = parent.order.clone();
            order.push((call_idx, ord));
            let id = self.instances.borrow().len();
            let providers = Self::child_providers(&parent, call.block, id, &self.defs[&dir]);
            self.push_instance(Instance {
                dir: dir.clone(),
                address: format!("{base}{}", key.map(key_suffix).unwrap_or_default()),
                root_dir: parent.root_dir.clone(),
                call_path,
                parent: Some((inst, call_idx, env)),
                poison: poison.or_else(|| parent.poison.clone()),
                order,
                providers,
                root_values: HashMap::new(),
            })
        };
        let env = Env::module(inst);
        let keys = self.keys(&call.block.body, &env, call.file);
        self.locate(call.file, &call.block.span);
        let expansion = match keys {
            Keys::Single => Expansion::Single(new(None, env, None, KeyOrd::Single)),
            Keys::Count(n) => Expansion::List(
                (0..n)
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let k = Value::Number(i as f64);
                        let e = Env {
                            count: Some(k.clone()),
                            ..env.clone()
                        };
                        #[allow(clippy::cast_possible_wrap)]
                        new(Some(&k), e, None, KeyOrd::Int(i as i64))
                    })
                    .collect(),
            ),
            Keys::Each(map) => Expansion::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        let key = key_value(&k);
                        let e = Env {
                            each: Some(Rc::new((key.clone(), v))),
                            ..env.clone()
                        };
                        let id = new(Some(&key), e, None, KeyOrd::Str(k.clone()));
                        (k, id)
                    })
                    .collect(),
            ),
            Keys::Unknown(reason) => {
                let reason = format!("instances of {base} unknown: {reason}");
                let u = Value::Unknown(reason.clone());
                let e = Env {
                    each: Some(Rc::new((u.clone(), u.clone()))),
                    count: Some(u.clone()),
                    ..env.clone()
                };
                Expansion::Unknown(
                    new(Some(&u), e, Some(reason.clone()), KeyOrd::Unknown),
                    reason,
                )
            }
        };
        CallExpansion::Instances(expansion)
    }

    /// The provider configurations a child module instance sees: the `providers` map of the
    /// call, or else the caller's default (unaliased) configurations; its own `provider`
    /// blocks (legacy style) win.
    pub(super) fn child_providers(
        parent: &Instance<'a>,
        call: &'a Block,
        id: InstId,
        def: &'a ModuleDef<'a>,
    ) -> HashMap<String, (InstId, FileId, &'a Block)> {
        let mut out = HashMap::new();
        match call.body.attribute("providers").map(|a| &a.value.kind) {
            Some(ExprKind::Object(pairs)) => {
                for (k, v) in pairs {
                    if let (Some(k), Some(v)) = (provider_key(k), provider_key(v)) {
                        if let Some(p) = parent.providers.get(&v) {
                            out.insert(k, *p);
                        }
                    }
                }
            }
            _ => {
                for (k, p) in &parent.providers {
                    if !k.contains('.') {
                        out.insert(k.clone(), *p);
                    }
                }
            }
        }
        for (key, &(file, block)) in &def.providers {
            out.insert(key.clone(), (id, file, block));
        }
        out
    }

    /// The directory of a module call's source, or why it cannot be used.
    pub(super) fn resolve_source(
        &self,
        parent: &Instance<'a>,
        call: &modules::CallDecl<'a>,
        address: &str,
    ) -> Result<PathBuf, String> {
        if parent.call_path.len() >= MAX_MODULE_DEPTH {
            return Err(self.refuse(
                call,
                format!("{address}: modules nest deeper than {MAX_MODULE_DEPTH} levels (does a module call itself?); not evaluated"),
            ));
        }
        let Some(source) = modules::source_of(call.block) else {
            return Err(format!("{address} has no literal source"));
        };
        if let Some(target) = modules::local_target(&parent.dir, source) {
            if self.defs.contains_key(&target) {
                return Ok(target);
            }
            // Read anywhere inside the repository; never outside it.
            if let Some(repository) = self.repository {
                if !modules::inside_roots(&target, &[repository.to_path_buf()]) {
                    return Err(format!(
                        "module source \"{source}\" resolves to {}, outside the repository ({}, the nearest directory with .git or .vpclint.toml): vpclint reads nothing outside it",
                        target.display(),
                        repository.display()
                    ));
                }
            } else if !self.roots.is_empty() && !modules::inside_roots(&target, self.roots) {
                return Err(format!(
                    "module source \"{source}\" resolves to {}, outside the scanned paths, and no repository (a directory with .git or .vpclint.toml) contains them: vpclint reads nothing outside the scanned paths then",
                    target.display()
                ));
            }
            return Err(self.refuse(
                call,
                format!(
                    "module source \"{source}\" resolves to {}, where there are no Terraform files (the directory does not exist, or holds no .tf files)",
                    target.display()
                ),
            ));
        }
        let mut key: Vec<&str> = parent.call_path.clone();
        key.push(call.name);
        let key = key.join(".");
        let manifest = self.manifests.get(&parent.root_dir);
        if let Some(dir) = manifest.and_then(|m| m.dirs.get(&key)) {
            if self.defs.contains_key(dir) {
                return Ok(dir.clone());
            }
        }
        // `--download-modules` could not fetch it: an error at the source.
        if let Some(why) = manifest.and_then(|m| m.failed.get(&key)) {
            return Err(self.refuse(
                call,
                format!("{address}: source \"{source}\" could not be downloaded: {why}"),
            ));
        }
        Err(format!(
            "{address} has source \"{source}\", which is not local, and no copy was found in .terraform/modules (run `terraform get` before vpclint, or pass --download-modules)"
        ))
    }

    pub(super) fn refuse(&self, call: &modules::CallDecl<'a>, message: String) -> String {
        let span = call
            .block
            .body
            .attribute("source")
            .map_or(call.block.span.clone(), |a| a.value.span.clone());
        self.errors.borrow_mut().push(LowerError {
            span: Span::new(call.file, span),
            message: message.clone(),
        });
        message
    }
}
