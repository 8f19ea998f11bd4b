//! CloudFormation templates whose values exercise the evaluator: parameters (with and
//! without defaults and allowed values), mappings, conditions that refer to each other,
//! resources whose properties are intrinsic functions, outputs with exports, and a nested
//! stack whose outputs the parent reads.

use arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

use super::{number, word, File};

const PARAMETERS: usize = 4;
const CONDITIONS: usize = 5;
const DEPTH: u32 = 6;

/// What a value may refer to in the template it is written in.
#[derive(Clone, Copy)]
struct Scope {
    /// Conditions `C0` .. below this index (a condition refers to earlier ones and, rarely,
    /// to any: cycles are part of the input space).
    conditions: usize,
    /// The parent template (it has the nested stack `Child`).
    parent: bool,
}

fn intrinsic(name: &str, arg: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_owned(), arg);
    Value::Object(m)
}

fn scalar(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(if u.ratio(1, 4)? {
        Value::from(number(u)?.parse::<i64>().unwrap_or(1))
    } else {
        Value::String(word(u)?)
    })
}

fn condition_name(u: &mut Unstructured<'_>, scope: Scope) -> Result<String> {
    let n = if scope.conditions == 0 || u.ratio(1, 8)? {
        u.int_in_range(0..=CONDITIONS - 1)?
    } else {
        u.int_in_range(0..=scope.conditions - 1)?
    };
    Ok(format!("C{n}"))
}

fn resource_name(u: &mut Unstructured<'_>, scope: Scope) -> Result<&'static str> {
    let names: &[&'static str] = if scope.parent {
        &["Vpc", "Vpc2", "Subnet", "Web", "Child", "Missing"]
    } else {
        &["Vpc", "Vpc2", "Subnet", "Missing"]
    };
    u.choose(names).copied()
}

fn value(u: &mut Unstructured<'_>, scope: Scope, depth: u32) -> Result<Value> {
    let leaf = depth == 0 || u.is_empty();
    let choice = if leaf {
        u.int_in_range(0..=3)?
    } else {
        u.int_in_range(0..=19)?
    };
    let d = depth.saturating_sub(1);
    Ok(match choice {
        0 | 1 => scalar(u)?,
        2 => intrinsic(
            "Ref",
            Value::String(format!("P{}", u.int_in_range(0..=PARAMETERS)?)),
        ),
        3 => intrinsic(
            "Ref",
            Value::String(
                (*u.choose(&[
                    "AWS::Region",
                    "AWS::AccountId",
                    "AWS::Partition",
                    "AWS::URLSuffix",
                    "AWS::NoValue",
                    "AWS::StackName",
                    "Vpc",
                    "Subnet",
                ])?)
                .to_owned(),
            ),
        ),
        4 => {
            let attr = *u.choose(&["CidrBlock", "VpcId", "Arn", "Outputs.Out0", "Outputs.Out1"])?;
            let target = resource_name(u, scope)?;
            if u.ratio(1, 2)? {
                intrinsic("Fn::GetAtt", Value::String(format!("{target}.{attr}")))
            } else {
                intrinsic("Fn::GetAtt", json!([target, attr]))
            }
        }
        5 | 6 => {
            let n = u.int_in_range(1..=4)?;
            let mut template = String::new();
            for _ in 0..n {
                if u.ratio(1, 2)? {
                    template.push_str(&word(u)?);
                } else {
                    let var = *u.choose(&[
                        "P0",
                        "P1",
                        "P2",
                        "AWS::Region",
                        "AWS::URLSuffix",
                        "Vpc",
                        "Vpc.CidrBlock",
                        "Child.Outputs.Out0",
                        "X",
                        "!Literal",
                    ])?;
                    template.push_str(&format!("${{{var}}}"));
                }
            }
            if u.ratio(1, 3)? {
                intrinsic("Fn::Sub", json!([template, { "X": value(u, scope, d)? }]))
            } else {
                intrinsic("Fn::Sub", Value::String(template))
            }
        }
        7 | 8 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, scope, d)?);
            }
            let list = if u.ratio(1, 4)? {
                value(u, scope, d)?
            } else {
                Value::Array(items)
            };
            intrinsic("Fn::Join", json!([word(u)?, list]))
        }
        9 => intrinsic(
            "Fn::Select",
            json!([value(u, scope, d)?, value(u, scope, d)?]),
        ),
        10 => intrinsic("Fn::Split", json!([word(u)?, value(u, scope, d)?])),
        11 | 12 => intrinsic(
            "Fn::If",
            json!([
                condition_name(u, scope)?,
                value(u, scope, d)?,
                value(u, scope, d)?
            ]),
        ),
        13 => {
            let mut args = vec![
                Value::String((*u.choose(&["M", "Missing"])?).to_owned()),
                value(u, scope, d)?,
                value(u, scope, d)?,
            ];
            if u.ratio(1, 3)? {
                args.push(json!({ "DefaultValue": value(u, scope, d)? }));
            }
            intrinsic("Fn::FindInMap", Value::Array(args))
        }
        14 => intrinsic(
            "Fn::Cidr",
            json!([
                value(u, scope, d)?,
                value(u, scope, d)?,
                value(u, scope, d)?
            ]),
        ),
        15 => intrinsic("Fn::Base64", value(u, scope, d)?),
        16 => intrinsic("Fn::ImportValue", value(u, scope, d)?),
        17 => intrinsic("Fn::GetAZs", value(u, scope, d)?),
        18 => condition(u, scope, d)?,
        _ => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, scope, d)?);
            }
            Value::Array(items)
        }
    })
}

fn condition(u: &mut Unstructured<'_>, scope: Scope, depth: u32) -> Result<Value> {
    let d = depth.saturating_sub(1);
    let choice = if depth == 0 {
        0
    } else {
        u.int_in_range(0..=5)?
    };
    Ok(match choice {
        0 | 1 => intrinsic(
            "Fn::Equals",
            json!([value(u, scope, d.min(2))?, value(u, scope, d.min(2))?]),
        ),
        2 => intrinsic("Condition", Value::String(condition_name(u, scope)?)),
        3 => intrinsic("Fn::Not", json!([condition(u, scope, d)?])),
        _ => {
            let n = u.int_in_range(0..=3)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(condition(u, scope, d)?);
            }
            let name = if choice == 4 { "Fn::And" } else { "Fn::Or" };
            intrinsic(name, Value::Array(items))
        }
    })
}

fn parameters(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut out = Map::new();
    for i in 0..PARAMETERS {
        let ty = *u.choose(&["String", "Number", "CommaDelimitedList", "List<String>"])?;
        let mut p = Map::new();
        p.insert("Type".into(), Value::String(ty.to_owned()));
        if u.ratio(1, 2)? {
            p.insert("Default".into(), scalar(u)?);
        }
        if u.ratio(1, 3)? {
            p.insert(
                "AllowedValues".into(),
                json!([word(u)?, word(u)?, word(u)?]),
            );
        }
        out.insert(format!("P{i}"), Value::Object(p));
    }
    Ok(Value::Object(out))
}

fn conditions(u: &mut Unstructured<'_>, parent: bool) -> Result<Value> {
    let mut out = Map::new();
    for i in 0..CONDITIONS {
        let scope = Scope {
            conditions: i,
            parent,
        };
        out.insert(format!("C{i}"), condition(u, scope, 3)?);
    }
    Ok(Value::Object(out))
}

fn resource(
    u: &mut Unstructured<'_>,
    scope: Scope,
    ty: &str,
    properties: &[&str],
) -> Result<Value> {
    let mut props = Map::new();
    for p in properties {
        if u.ratio(7, 8)? {
            props.insert((*p).to_owned(), value(u, scope, DEPTH)?);
        }
    }
    let mut r = Map::new();
    r.insert("Type".into(), Value::String(ty.to_owned()));
    if u.ratio(1, 4)? {
        r.insert("Condition".into(), Value::String(condition_name(u, scope)?));
    }
    r.insert("Properties".into(), Value::Object(props));
    Ok(Value::Object(r))
}

fn template(u: &mut Unstructured<'_>, parent: bool) -> Result<String> {
    let scope = Scope {
        conditions: CONDITIONS,
        parent,
    };
    let mut resources = Map::new();
    resources.insert(
        "Vpc".into(),
        resource(
            u,
            scope,
            "AWS::EC2::VPC",
            &["CidrBlock", "EnableDnsSupport"],
        )?,
    );
    resources.insert(
        "Vpc2".into(),
        resource(u, scope, "AWS::EC2::VPC", &["CidrBlock"])?,
    );
    resources.insert(
        "Subnet".into(),
        resource(u, scope, "AWS::EC2::Subnet", &["VpcId", "CidrBlock"])?,
    );
    if parent {
        resources.insert(
            "Web".into(),
            resource(
                u,
                scope,
                "AWS::EC2::Instance",
                &["InstanceType", "SubnetId"],
            )?,
        );
        resources.insert(
            "Endpoint".into(),
            resource(
                u,
                scope,
                "AWS::EC2::VPCEndpoint",
                &["VpcId", "ServiceName", "VpcEndpointType", "SubnetIds"],
            )?,
        );
        let mut params = Map::new();
        for i in 0..2 {
            params.insert(format!("P{i}"), value(u, scope, DEPTH)?);
        }
        resources.insert(
            "Child".into(),
            json!({
                "Type": "AWS::CloudFormation::Stack",
                "Properties": { "TemplateURL": "./child.json", "Parameters": params },
            }),
        );
    }
    if u.ratio(1, 2)? {
        let (name, body) = for_each(u, scope, 0)?;
        resources.insert(name, body);
    }
    let mut outputs = Map::new();
    for i in 0..2 {
        let mut o = Map::new();
        o.insert("Value".into(), value(u, scope, DEPTH)?);
        if u.ratio(1, 2)? {
            o.insert("Export".into(), json!({ "Name": value(u, scope, 2)? }));
        }
        outputs.insert(format!("Out{i}"), Value::Object(o));
    }
    let mut top = Map::new();
    top.insert(
        "us-east-1".into(),
        json!({ "a": word(u)?, "b": [word(u)?, word(u)?] }),
    );
    let mut other = Map::new();
    other.insert("a".into(), Value::String(word(u)?));
    other.insert(word(u)?, Value::String(word(u)?));
    top.insert(word(u)?, Value::Object(other));
    let mappings = json!({ "M": top });
    let doc = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::LanguageExtensions",
        "Parameters": parameters(u)?,
        "Mappings": mappings,
        "Conditions": conditions(u, parent)?,
        "Resources": resources,
        "Outputs": outputs,
    });
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default())
}

/// An `Fn::ForEach` loop of resources (AWS::LanguageExtensions), nested up to three deep:
/// its collection a list, a parameter or an intrinsic; its fragment a subnet per name,
/// or a loop over the same or another collection.
fn for_each(u: &mut Unstructured<'_>, scope: Scope, level: usize) -> Result<(String, Value)> {
    let var = format!("X{level}");
    let collection = match u.int_in_range(0..=3)? {
        0 => json!([word(u)?, word(u)?, word(u)?]),
        1 => intrinsic(
            "Ref",
            Value::String(format!("P{}", u.int_in_range(0..=PARAMETERS)?)),
        ),
        2 => json!([
            intrinsic(
                "Ref",
                Value::String(format!("P{}", u.int_in_range(0..=PARAMETERS)?))
            ),
            word(u)?
        ]),
        _ => value(u, scope, 3)?,
    };
    let mut fragment = Map::new();
    if level < 2 && u.ratio(1, 3)? {
        let (name, body) = for_each(u, scope, level + 1)?;
        fragment.insert(name, body);
    } else {
        let mut props = resource(u, scope, "AWS::EC2::Subnet", &["VpcId", "CidrBlock"])?;
        if u.ratio(1, 2)? {
            props["Properties"]["CidrBlock"] = intrinsic("Ref", Value::String(var.clone()));
        }
        let name = (0..=level)
            .map(|l| format!("${{X{l}}}"))
            .collect::<String>();
        fragment.insert(format!("Sub{name}"), props);
    }
    Ok((
        format!("Fn::ForEach::L{level}"),
        json!([var, collection, Value::Object(fragment)]),
    ))
}

/// A parent template with a nested stack, both as the fuzzer chose them.
pub fn generate(u: &mut Unstructured<'_>) -> Result<Vec<File>> {
    Ok(vec![
        File {
            path: "fuzz/template.json".to_owned(),
            text: template(u, true)?,
        },
        File {
            path: "fuzz/child.json".to_owned(),
            text: template(u, false)?,
        },
    ])
}
