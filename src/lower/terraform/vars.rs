//! Input variables of a root module: where their values come from, in Terraform's order of
//! precedence, and the conversion to a variable's declared type.
//!
//! Precedence, lowest first (later sources override earlier ones), as Terraform documents
//! it: the `default`; `TF_VAR_name` environment variables; `terraform.tfvars`;
//! `terraform.tfvars.json`; `*.auto.tfvars` and `*.auto.tfvars.json` in lexical order of
//! their file names; `-var` and `-var-file` in command-line order.

use std::collections::{BTreeMap, HashMap};

use super::value::{err, Eval, Value};
use super::TerraformOptions;
use crate::syntax::hcl::{Body, Expr, ExprKind};

/// A variable value before it is typed.
#[derive(Clone, Copy, Debug)]
pub enum Raw<'a> {
    /// From a variable definitions file: an HCL expression of constants.
    Expr(&'a Expr),
    /// From `--var` or `TF_VAR_`: text, a literal for primitive types, HCL otherwise.
    Text(&'a str),
}

/// An auto-loaded variable definitions file of a root directory.
pub struct AutoFile<'a> {
    pub name: String,
    pub body: &'a Body,
}

/// The order Terraform loads a root directory's definitions files in; `None` for a file
/// Terraform does not load by itself (only through `-var-file`).
fn auto_rank(name: &str) -> Option<(u8, &str)> {
    match name {
        "terraform.tfvars" => Some((0, name)),
        "terraform.tfvars.json" => Some((1, name)),
        _ if name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json") => {
            Some((2, name))
        }
        _ => None,
    }
}

/// The values given to a root module's variables, the last source winning. Only the
/// variables the module declares (`declared`) are kept: a definitions file can be large.
pub fn root_values<'a>(
    auto_files: &[AutoFile<'a>],
    options: &'a TerraformOptions,
    declared: &dyn Fn(&str) -> bool,
) -> HashMap<String, Raw<'a>> {
    let mut values = HashMap::new();
    for (name, text) in &options.env {
        values.insert(name.clone(), Raw::Text(text.as_str()));
    }
    let mut files: Vec<&AutoFile> = auto_files
        .iter()
        .filter(|f| auto_rank(&f.name).is_some())
        .collect();
    files.sort_by(|a, b| auto_rank(&a.name).cmp(&auto_rank(&b.name)));
    for f in files {
        for attr in f.body.attributes.iter().filter(|a| declared(&a.name)) {
            values.insert(attr.name.clone(), Raw::Expr(&attr.value));
        }
    }
    for setting in &options.vars {
        match setting {
            super::VarSetting::Var { name, value } => {
                values.insert(name.clone(), Raw::Text(value.as_str()));
            }
            super::VarSetting::File { body, .. } => {
                for attr in &body.attributes {
                    values.insert(attr.name.clone(), Raw::Expr(&attr.value));
                }
            }
        }
    }
    values
}

/// Is the type constraint a primitive (text from `--var` is then taken literally)?
pub fn is_primitive(ty: Option<&Expr>) -> bool {
    match ty.map(|t| &t.kind) {
        None => true,
        Some(ExprKind::Variable(name) | ExprKind::String(name)) => {
            matches!(name.as_str(), "string" | "number" | "bool")
        }
        Some(_) => false,
    }
}

/// Converts a value to a type constraint (`string`, `list(string)`, `object({…})` with
/// `optional` defaults). Unknowns and references pass through unchanged.
pub fn convert(value: Value, ty: &Expr, eval_default: &dyn Fn(&Expr) -> Eval) -> Eval {
    // A string known in part converts to a string as it is, and to anything else as
    // Unknown (`as_*` below).
    let is_string = |name: &str| name == "string";
    if matches!(
        value,
        Value::Unknown(_) | Value::UnknownInstances(..) | Value::Ref(_) | Value::Null
    ) || matches!((&value, &ty.kind), (Value::Sym(_), ExprKind::Variable(n) | ExprKind::String(n)) if is_string(n))
    {
        return Ok(value);
    }
    match &ty.kind {
        ExprKind::Variable(name) | ExprKind::String(name) => match name.as_str() {
            "string" => value.as_string().map(Value::String),
            "number" => value.as_number().map(Value::Number),
            "bool" => value.as_bool().map(Value::Bool),
            _ => Ok(value),
        },
        ExprKind::Call { name, args, .. } => match (name.as_str(), args.as_slice()) {
            ("list" | "set", [elem]) => {
                let items = value
                    .as_list()?
                    .iter()
                    .map(|v| convert(v.clone(), elem, eval_default))
                    .collect::<Result<Vec<_>, _>>()?;
                if name == "set" {
                    super::functions::to_set(&items)
                } else {
                    Ok(Value::List(items))
                }
            }
            ("map", [elem]) => Ok(Value::Map(
                value
                    .as_map()?
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), convert(v.clone(), elem, eval_default)?)))
                    .collect::<Result<_, _>>()?,
            )),
            (
                "tuple",
                [Expr {
                    kind: ExprKind::Tuple(types),
                    ..
                }],
            ) => {
                let items = value.as_list()?;
                if items.len() != types.len() {
                    return err("the tuple has the wrong number of elements");
                }
                Ok(Value::List(
                    items
                        .iter()
                        .zip(types)
                        .map(|(v, t)| convert(v.clone(), t, eval_default))
                        .collect::<Result<_, _>>()?,
                ))
            }
            (
                "object",
                [Expr {
                    kind: ExprKind::Object(fields),
                    ..
                }],
            ) => convert_object(&value, fields, eval_default),
            _ => Ok(value),
        },
        _ => Ok(value),
    }
}

fn convert_object(
    value: &Value,
    fields: &[(Expr, Expr)],
    eval_default: &dyn Fn(&Expr) -> Eval,
) -> Eval {
    let given = value.as_map()?;
    let mut out = BTreeMap::new();
    for (key, ty) in fields {
        let ExprKind::String(name) = &key.kind else {
            continue;
        };
        let (ty, optional, default) = match &ty.kind {
            ExprKind::Call { name, args, .. } if name == "optional" => {
                (args.first().unwrap_or(ty), true, args.get(1))
            }
            _ => (ty, false, None),
        };
        let v = match given.get(name) {
            Some(v) if *v != Value::Null => convert(v.clone(), ty, eval_default)?,
            _ => match default {
                Some(d) => convert(eval_default(d)?, ty, eval_default)?,
                None if optional || given.contains_key(name) => Value::Null,
                None => return err(format!("the object has no attribute \"{name}\"")),
            },
        };
        out.insert(name.clone(), v);
    }
    Ok(Value::Map(out))
}
