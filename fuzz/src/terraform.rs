//! Terraform configurations whose expressions exercise the evaluator: a root module with
//! variables, locals, resources that read them (`count`, `for_each`, `dynamic`), and a
//! child module called with generated arguments whose outputs the root reads back.

use arbitrary::{Result, Unstructured};

use super::{number, quoted, word, File};

/// Locals per module.
const LOCALS: usize = 6;
/// How deep generated expressions nest.
const DEPTH: u32 = 6;

/// The functions the evaluator implements, with how many arguments they usually take.
const FUNCTIONS: &[(&str, usize)] = &[
    ("cidrsubnet", 3),
    ("cidrsubnets", 3),
    ("cidrhost", 2),
    ("cidrnetmask", 1),
    ("lookup", 3),
    ("element", 2),
    ("concat", 2),
    ("merge", 2),
    ("flatten", 1),
    ("format", 3),
    ("join", 2),
    ("split", 2),
    ("replace", 3),
    ("lower", 1),
    ("upper", 1),
    ("trimspace", 1),
    ("length", 1),
    ("keys", 1),
    ("values", 1),
    ("zipmap", 2),
    ("tolist", 1),
    ("toset", 1),
    ("tomap", 1),
    ("tostring", 1),
    ("tonumber", 1),
    ("tobool", 1),
    ("coalesce", 2),
    ("contains", 2),
    ("distinct", 1),
    ("slice", 3),
    ("range", 2),
    ("min", 2),
    ("max", 2),
    ("compact", 1),
    ("sort", 1),
    ("reverse", 1),
    ("sum", 1),
    ("one", 1),
    ("substr", 3),
    ("startswith", 2),
    ("trimprefix", 2),
    ("abs", 1),
    ("jsonencode", 1),
    ("index", 2),
    ("alltrue", 1),
    ("coalescelist", 2),
    ("try", 2),
    ("can", 1),
    ("regex", 2),
    ("setunion", 2),
    ("setintersection", 2),
    ("setsubtract", 2),
];

const OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
];

/// What an expression may refer to where it is written.
#[derive(Clone, Copy)]
struct Scope {
    /// Locals `local.l0` .. below this index (a local refers to earlier ones and, rarely,
    /// to any: cycles are part of the input space).
    locals: usize,
    /// Inside a `for`: `x` and `k` are bound.
    iter: bool,
    /// Inside a resource with `count` / `for_each`.
    count: bool,
    each: bool,
    /// In the root module: resources and the child module can be referred to.
    root: bool,
}

fn hcl_string(s: &str) -> String {
    quoted(s).replace("${", "$${").replace("%{", "%%{")
}

fn expr(u: &mut Unstructured<'_>, scope: Scope, depth: u32) -> Result<String> {
    let leaf = depth == 0 || u.is_empty();
    let choice = if leaf {
        u.int_in_range(0..=7)?
    } else {
        u.int_in_range(0..=21)?
    };
    Ok(match choice {
        0 => hcl_string(&word(u)?),
        1 => number(u)?,
        2 => (*u.choose(&["true", "false", "null"])?).to_owned(),
        3 | 4 => {
            let n = if u.ratio(1, 8)? {
                u.int_in_range(0..=LOCALS - 1)?
            } else if scope.locals == 0 {
                return Ok(number(u)?);
            } else {
                u.int_in_range(0..=scope.locals - 1)?
            };
            format!("local.l{n}")
        }
        5 => format!("var.v{}", u.int_in_range(0..=2)?),
        6 if scope.iter => (*u.choose(&["x", "k", "x[0]", "x.a"])?).to_owned(),
        6 if scope.each => (*u.choose(&["each.key", "each.value"])?).to_owned(),
        6 if scope.count => "count.index".to_owned(),
        6 | 7 if scope.root => (*u.choose(&[
            "aws_vpc.main.id",
            "aws_vpc.main.cidr_block",
            "aws_subnet.counted[0].id",
            "aws_subnet.counted[*].id",
            "aws_subnet.each",
            "module.child.out0",
            "module.child.out1",
            "module.child",
            "data.aws_region.current.name",
            "path.module",
            "terraform.workspace",
        ])?)
        .to_owned(),
        6 | 7 => hcl_string(&word(u)?),
        8 | 9 | 10 => {
            let (name, arity) = *u.choose(FUNCTIONS)?;
            let n = if u.ratio(1, 5)? {
                u.int_in_range(0..=4)?
            } else {
                arity
            };
            let mut args = Vec::new();
            for _ in 0..n {
                args.push(expr(u, scope, depth - 1)?);
            }
            let expand = if u.ratio(1, 16)? { "..." } else { "" };
            format!("{name}({}{expand})", args.join(", "))
        }
        11 | 12 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(expr(u, scope, depth - 1)?);
            }
            format!("[{}]", items.join(", "))
        }
        13 => {
            let n = u.int_in_range(0..=3)?;
            let mut items = Vec::new();
            for i in 0..n {
                let key = if u.ratio(1, 4)? {
                    format!("({})", expr(u, scope, depth - 1)?)
                } else {
                    ["a", "b", "c", "name"][i % 4].to_owned()
                };
                items.push(format!("{key} = {}", expr(u, scope, depth - 1)?));
            }
            format!("{{ {} }}", items.join(", "))
        }
        14 => {
            let n = u.int_in_range(1..=3)?;
            let mut out = String::from("\"");
            for _ in 0..n {
                if u.ratio(1, 2)? {
                    let text = hcl_string(&word(u)?);
                    out.push_str(&text[1..text.len() - 1]);
                } else {
                    out.push_str(&format!("${{{}}}", expr(u, scope, depth - 1)?));
                }
            }
            out.push('"');
            out
        }
        15 => format!(
            "{} ? {} : {}",
            paren(expr(u, scope, depth - 1)?),
            paren(expr(u, scope, depth - 1)?),
            paren(expr(u, scope, depth - 1)?)
        ),
        16 => format!(
            "{} {} {}",
            paren(expr(u, scope, depth - 1)?),
            u.choose(OPERATORS)?,
            paren(expr(u, scope, depth - 1)?)
        ),
        17 => format!(
            "{}{}",
            *u.choose(&["!", "-"])?,
            paren(expr(u, scope, depth - 1)?)
        ),
        18 | 19 => {
            let inner = Scope {
                iter: true,
                ..scope
            };
            let collection = expr(u, scope, depth - 1)?;
            let cond = if u.ratio(1, 3)? {
                format!(" if {}", expr(u, inner, depth - 1)?)
            } else {
                String::new()
            };
            if u.ratio(1, 2)? {
                format!(
                    "[for k, x in {} : {}{cond}]",
                    paren(collection),
                    expr(u, inner, depth - 1)?
                )
            } else {
                let grouping = if u.ratio(1, 4)? { "..." } else { "" };
                format!(
                    "{{for k, x in {} : {} => {}{grouping}{cond}}}",
                    paren(collection),
                    paren(expr(u, inner, depth - 1)?),
                    expr(u, inner, depth - 1)?
                )
            }
        }
        20 => format!(
            "{}[{}]",
            paren(expr(u, scope, depth - 1)?),
            expr(u, scope, depth - 1)?
        ),
        _ => format!(
            "{}{}",
            paren(expr(u, scope, depth - 1)?),
            *u.choose(&[".a", ".name", "[*].a", ".*.id", "[0]", "[\"a\"]"])?
        ),
    })
}

fn paren(e: String) -> String {
    format!("({e})")
}

fn locals(u: &mut Unstructured<'_>, root: bool) -> Result<String> {
    let mut out = String::from("locals {\n");
    for i in 0..LOCALS {
        let scope = Scope {
            locals: i,
            iter: false,
            count: false,
            each: false,
            root,
        };
        out.push_str(&format!("  l{i} = {}\n", expr(u, scope, DEPTH)?));
    }
    out.push_str("}\n");
    Ok(out)
}

fn variables(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    for i in 0..3 {
        let ty = *u.choose(&["", "string", "number", "list(string)", "map(string)", "any"])?;
        out.push_str(&format!("variable \"v{i}\" {{\n"));
        if !ty.is_empty() {
            out.push_str(&format!("  type = {ty}\n"));
        }
        if u.ratio(2, 3)? {
            // Defaults are constants.
            let scope = Scope {
                locals: 0,
                iter: false,
                count: false,
                each: false,
                root: false,
            };
            out.push_str(&format!("  default = {}\n", expr(u, scope, 2)?));
        }
        out.push_str("}\n");
    }
    Ok(out)
}

/// A root module and a child module; the expressions are what the fuzzer chose.
pub fn generate(u: &mut Unstructured<'_>) -> Result<Vec<File>> {
    let root = Scope {
        locals: LOCALS,
        iter: false,
        count: false,
        each: false,
        root: true,
    };
    let counted = Scope {
        count: true,
        ..root
    };
    let each = Scope { each: true, ..root };
    let mut main = String::from("provider \"aws\" {\n  region = var.v0\n}\n");
    main.push_str(&variables(u)?);
    main.push_str(&locals(u, true)?);
    main.push_str("data \"aws_region\" \"current\" {}\n");
    main.push_str(&format!(
        "resource \"aws_vpc\" \"main\" {{\n  cidr_block = {}\n  enable_dns_support = {}\n}}\n",
        expr(u, root, DEPTH)?,
        expr(u, root, 2)?
    ));
    main.push_str(&format!(
        "resource \"aws_subnet\" \"counted\" {{\n  count = {}\n  vpc_id = aws_vpc.main.id\n  cidr_block = {}\n}}\n",
        expr(u, root, 3)?,
        expr(u, counted, DEPTH)?
    ));
    main.push_str(&format!(
        "resource \"aws_subnet\" \"each\" {{\n  for_each = {}\n  vpc_id = aws_vpc.main.id\n  cidr_block = {}\n}}\n",
        expr(u, root, 4)?,
        expr(u, each, DEPTH)?
    ));
    main.push_str(&format!(
        "resource \"aws_instance\" \"web\" {{\n  instance_type = {}\n  subnet_id = {}\n}}\n",
        expr(u, root, DEPTH)?,
        expr(u, root, 3)?
    ));
    main.push_str(&format!(
        "resource \"aws_vpc_endpoint\" \"ep\" {{\n  vpc_id = {}\n  service_name = {}\n  vpc_endpoint_type = \"Interface\"\n  subnet_ids = {}\n}}\n",
        expr(u, root, 3)?,
        expr(u, root, DEPTH)?,
        expr(u, root, 3)?
    ));
    main.push_str(&format!(
        "resource \"aws_security_group\" \"sg\" {{\n  vpc_id = aws_vpc.main.id\n  dynamic \"ingress\" {{\n    for_each = {}\n    content {{\n      from_port = 443\n      to_port = 443\n      protocol = \"tcp\"\n      cidr_blocks = {}\n    }}\n  }}\n}}\n",
        expr(u, root, 4)?,
        expr(u, root, 4)?
    ));
    main.push_str(&format!(
        "module \"child\" {{\n  source = \"./child\"\n  v0 = {}\n  v1 = {}\n}}\n",
        expr(u, root, DEPTH)?,
        expr(u, root, DEPTH)?
    ));
    let mut child = variables(u)?;
    child.push_str(&locals(u, false)?);
    let scope = Scope {
        locals: LOCALS,
        iter: false,
        count: false,
        each: false,
        root: false,
    };
    for i in 0..2 {
        child.push_str(&format!(
            "output \"out{i}\" {{\n  value = {}\n}}\n",
            expr(u, scope, DEPTH)?
        ));
    }
    child.push_str(&format!(
        "resource \"aws_subnet\" \"inner\" {{\n  vpc_id = {}\n  cidr_block = {}\n}}\n",
        expr(u, scope, 2)?,
        expr(u, scope, DEPTH)?
    ));
    Ok(vec![
        File {
            path: "fuzz/main.tf".to_owned(),
            text: main,
        },
        File {
            path: "fuzz/child/main.tf".to_owned(),
            text: child,
        },
    ])
}
