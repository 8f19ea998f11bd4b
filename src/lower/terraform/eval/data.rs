//! Data sources: values Terraform reads when it plans. Those network code leans on are
//! refined unknowns, as Terraform refines unknown values: the availability zones of the
//! region (a list of at least three distinct names, in order), the region, partition and
//! account (holes with an identity, `model::symbolic`), the name of an endpoint service;
//! a Cloud WAN policy document's `json` is computed from its blocks (`policy_document.rs`).
//! Every other attribute is Unknown, with its reason.

use super::{
    err, key_suffix, key_value, Block, Env, Evaluator, HoleKind, InstId, Keys, PartialList, Prop,
    Span, Stop, SymStr, TraversalOp, Value,
};
use crate::model::symbolic::Hole;
use crate::source::FileId;

/// How many availability zones a region has at least. Every region has three or more
/// usable zones, except that accounts created since 2014 see two in us-west-1 (AWS
/// documentation, "Regions and Zones").
fn min_zones(region: Option<&str>) -> usize {
    if region == Some("us-west-1") {
        2
    } else {
        3
    }
}

impl Evaluator<'_> {
    /// `data.TYPE.NAME…`: the value of the attribute the traversal names; how many
    /// traversal steps were used.
    pub(super) fn data_ref(&self, env: &Env, ops: &[TraversalOp]) -> Result<(Value, usize), Stop> {
        let names: Vec<&str> = ops
            .iter()
            .map_while(|op| match op {
                TraversalOp::GetAttr(a) => Some(a.as_str()),
                _ => None,
            })
            .take(2)
            .collect();
        let [ty, name] = names.as_slice() else {
            return err("data must be followed by a type and a name");
        };
        let address = format!("{ty}.{name}");
        let def = self.def(env.inst);
        let Some(decl) = def.data.get(&address) else {
            return err(format!("data.{address} is not declared in this module"));
        };
        let keys = self.data_keys(env.inst, &address, decl.block, decl.file);
        let mut used = 2;
        let mut text = format!("data.{address}");
        let instance = Env {
            inst: env.inst,
            ..Env::default()
        };
        let instance = match keys {
            Keys::Single => instance,
            Keys::Unknown(reason) => {
                return Ok((
                    Value::Unknown(format!("instances of {text} unknown: {reason}")),
                    ops.len(),
                ))
            }
            Keys::Count(n) => match ops.get(2) {
                Some(TraversalOp::Index(e)) => {
                    let i = self.eval(e, env)?.as_integer()?;
                    if usize::try_from(i).map_or(true, |i| i >= n) {
                        return err(format!("{text} has no instance [{i}] (count is {n})"));
                    }
                    used = 3;
                    #[allow(clippy::cast_precision_loss)]
                    let index = Value::Number(i as f64);
                    text.push_str(&key_suffix(&index));
                    Env {
                        count: Some(index),
                        ..instance
                    }
                }
                _ => return Ok((self.data_unknown(&text), ops.len())),
            },
            Keys::Each(map) => match ops.get(2) {
                Some(TraversalOp::Index(e)) => {
                    let k = self.eval(e, env)?.as_key()?;
                    let Some(v) = map.get(&k) else {
                        return err(format!("{text} has no instance [\"{k}\"]"));
                    };
                    used = 3;
                    let key = key_value(&k);
                    text.push_str(&key_suffix(&key));
                    Env {
                        each: Some(std::rc::Rc::new((key, v.clone()))),
                        ..instance
                    }
                }
                _ => return Ok((self.data_unknown(&text), ops.len())),
            },
        };
        match ops.get(used) {
            Some(TraversalOp::GetAttr(attr)) => Ok((
                self.data_attr(ty, decl.block, &instance, attr, &text),
                used + 1,
            )),
            // The whole object: only a region's attributes are all known.
            _ if *ty == "aws_region" => {
                let map = ["name", "id", "region"]
                    .iter()
                    .map(|a| {
                        (
                            (*a).to_owned(),
                            self.data_attr(ty, decl.block, &instance, a, &text),
                        )
                    })
                    .collect();
                Ok((Value::Map(map), used))
            }
            _ => Ok((self.data_unknown(&text), ops.len())),
        }
    }

    fn data_unknown(&self, text: &str) -> Value {
        let _ = self;
        Value::unknown(format!(
            "{text} is read from a data source when Terraform runs"
        ))
    }

    /// The instance keys of a data source (its `count` or `for_each`), once.
    fn data_keys(&self, inst: InstId, address: &str, block: &Block, file: FileId) -> Keys {
        let key = (inst, address.to_owned());
        if let Some(keys) = self.data_keys.borrow().get(&key) {
            return keys.clone();
        }
        // A data source whose count refers to itself: unknown, not a loop.
        self.data_keys.borrow_mut().insert(
            key.clone(),
            Keys::Unknown(format!("data.{address} depends on itself")),
        );
        let keys = self.keys(&block.body, &Env::module(inst), file);
        self.data_keys.borrow_mut().insert(key, keys.clone());
        keys
    }

    /// One attribute of one data source instance.
    fn data_attr(&self, ty: &str, block: &Block, env: &Env, attr: &str, text: &str) -> Value {
        let unknown = || {
            Value::unknown(format!(
                "{text}.{attr} is read from a data source when Terraform runs"
            ))
        };
        let arg = |name: &str| {
            block.body.attribute(name).map(|a| {
                self.eval(&a.value, env).unwrap_or_else(|e| match e {
                    Stop::Unknown(r) | Stop::Error(r) => Value::Unknown(r),
                })
            })
        };
        match (ty, attr) {
            ("aws_region", "name" | "id" | "region") => self.data_region(env, block),
            ("aws_availability_zones", "names" | "zone_ids") => {
                let filtered = ["exclude_names", "exclude_zone_ids", "filter"]
                    .iter()
                    .any(|a| block.body.attribute(a).is_some())
                    || block.body.blocks_of("filter").next().is_some()
                    // `dynamic "filter"` filters as a written block does, however many it makes.
                    || block.body.blocks_of("dynamic").any(|d| {
                        d.labels.first().is_some_and(|label| label.value == "filter")
                    })
                    || arg("all_availability_zones").is_some_and(|v| v != Value::Bool(false))
                    || arg("state").is_some_and(|v| v != Value::String("available".to_owned()));
                if filtered {
                    return Value::unknown(format!(
                        "{text}.{attr} is read from AWS when Terraform runs (filtered: how many zones remain is not known)"
                    ));
                }
                let kind = if attr == "names" {
                    HoleKind::AvailabilityZone
                } else {
                    HoleKind::AvailabilityZoneId
                };
                let provider = self.provider_identity(env.inst, block);
                let family = self.hole_scope(&format!("zones: {provider}"));
                let region = self.data_region(env, block);
                let region = match &region {
                    Value::String(s) => Some(s.as_str()),
                    _ => None,
                };
                let n = min_zones(region);
                PartialList {
                    items: (0..n)
                        .map(|i| {
                            let index = u16::try_from(i).unwrap_or(0);
                            Value::Sym(Hole::zone(kind, family, index).to_sym())
                        })
                        .collect(),
                    exact: false,
                    ordered: true,
                    distinct: true,
                    sorted: true,
                    reason: format!(
                        "{text}.{attr}: how many availability zones the region has is known when Terraform runs (at least {n})"
                    ),
                }
                .into_value()
            }
            ("aws_partition", "partition" | "id") => {
                Value::Sym(self.provider_hole(HoleKind::Partition, env.inst, block))
            }
            ("aws_partition", "dns_suffix") => {
                Value::Sym(self.provider_hole(HoleKind::UrlSuffix, env.inst, block))
            }
            ("aws_caller_identity", "account_id" | "id") => {
                Value::Sym(self.provider_hole(HoleKind::AccountId, env.inst, block))
            }
            ("aws_vpc_endpoint_service", "service_name") => {
                if let Some(name) = arg("service_name").filter(|v| *v != Value::Null) {
                    return name;
                }
                match arg("service").filter(|v| *v != Value::Null) {
                    // The provider looks the service up as `com.amazonaws.<region>.<service>`.
                    Some(service) => {
                        let region = self.data_region(env, block);
                        match (region.as_text(), service.as_text()) {
                            (Ok(region), Ok(service)) => {
                                let mut name = SymStr::literal("com.amazonaws.");
                                name.push(&region);
                                name.push_str(".");
                                name.push(&service);
                                match name.as_literal() {
                                    Some(text) => Value::String(text.to_owned()),
                                    None => Value::Sym(name),
                                }
                            }
                            (Err(Stop::Unknown(r) | Stop::Error(r)), _)
                            | (_, Err(Stop::Unknown(r) | Stop::Error(r))) => Value::Unknown(r),
                        }
                    }
                    None => unknown(),
                }
            }
            ("aws_vpc_endpoint_service", "service") => arg("service").unwrap_or_else(unknown),
            ("aws_networkmanager_core_network_policy_document", "json") => {
                self.policy_document_json(&block.body, env)
            }
            _ => unknown(),
        }
    }

    /// A hole for what one provider configuration stands for (its partition, account).
    fn provider_hole(&self, kind: HoleKind, inst: InstId, block: &Block) -> SymStr {
        let provider = self.provider_identity(inst, block);
        self.hole(kind, &format!("{kind:?}: {provider}"))
    }

    /// Which provider configuration a block uses, as a key: where it is declared, or the
    /// default configuration of the root module.
    fn provider_identity(&self, inst: InstId, block: &Block) -> String {
        let key = Self::provider_key(block);
        let instance = self.instance(inst);
        match instance.providers.get(&key) {
            Some(&(_, file, b)) => format!("{file:?}@{}", b.span.start),
            None => format!("{key} of {}", instance.root_dir.display()),
        }
    }

    /// The region of a data source: its `region` argument, else its provider's.
    pub(super) fn data_region(&self, env: &Env, block: &Block) -> Value {
        for arg in ["region", "name"] {
            if let Some(a) = block.body.attribute(arg) {
                return self.eval(&a.value, env).unwrap_or_else(|e| match e {
                    Stop::Unknown(r) | Stop::Error(r) => Value::Unknown(r),
                });
            }
        }
        let key = Self::provider_key(block);
        let at = Span::new(FileId(0), 0..0);
        match self.provider_region(env.inst, &key, at) {
            Some(Prop {
                val: crate::model::Val::Known(r),
                ..
            }) => match r.as_literal() {
                Some(text) => Value::String(text.to_owned()),
                None => Value::Sym(r),
            },
            Some(p) => Value::unknown(
                p.unknown_reason()
                    .unwrap_or("the region of the provider is not known"),
            ),
            // No provider block: the region of the default configuration, from AWS_REGION
            // or the AWS profile when Terraform runs; one region wherever it is read.
            None => {
                let root = self.instance(env.inst).root_dir.clone();
                Value::Sym(self.hole(
                    HoleKind::Region,
                    &format!("default {key} of {}", root.display()),
                ))
            }
        }
    }
}
