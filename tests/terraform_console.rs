//! vpclint's evaluator against Terraform itself: a configuration with variables (defaults,
//! `terraform.tfvars`, `*.auto.tfvars(.json)`, `TF_VAR_`, `-var`, `-var-file`), locals and
//! the functions network code uses is evaluated by `vpclint::lower::terraform::evaluate`
//! and by `terraform console` (offline: the configuration needs no provider and no
//! `terraform init`), and each expression's `jsonencode` must match.
//!
//! Skipped, saying so, when no `terraform` binary is on the PATH (or `VPCLINT_TERRAFORM`
//! names none).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use vpclint::lower::terraform::{evaluate, TerraformOptions, VarSetting};

const MAIN_TF: &str = r#"
variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
}

variable "from_tfvars" {
  default = "default"
}

variable "from_auto" {
  default = "default"
}

variable "from_env" {
  default = "default"
}

variable "from_cli" {
  default = "default"
}

variable "count_from_cli" {
  type    = number
  default = 1
}

variable "settings" {
  type = object({
    name    = string
    size    = optional(number, 3)
    enabled = optional(bool)
  })
  default = { name = "net" }
}

variable "tiers" {
  type = map(object({ newbits = number, public = bool }))
  default = {
    public  = { newbits = 8, public = true }
    private = { newbits = 4, public = false }
    data    = { newbits = 8, public = false }
  }
}

locals {
  subnets = {
    for i, az in var.azs : az => {
      cidr = cidrsubnet(var.vpc_cidr, 8, i + 10)
      name = format("%s-%02d", upper(substr(az, -1, 1)), i)
    }
  }
  tier_cidrs = zipmap(keys(var.tiers), cidrsubnets(var.vpc_cidr, [for t in values(var.tiers) : t.newbits]...))
  private    = [for name, t in var.tiers : name if !t.public]
  grouped    = { for name, t in var.tiers : (t.public ? "public" : "private") => name... }
  objects    = [for az in var.azs : { az = az, zone = element(split("-", az), 2) }]
}
"#;

/// Expressions evaluated both ways. (A function vpclint does not implement must be
/// Unknown, never a wrong value: see `unsupported_function_is_unknown_not_wrong`.)
const EXPRESSIONS: &[&str] = &[
    "cidrsubnet(var.vpc_cidr, 8, 2)",
    "cidrsubnet(\"10.1.2.3/16\", 4, 15)",
    "cidrsubnet(\"172.16.0.0/12\", 12, 4095)",
    "cidrsubnets(\"10.0.0.0/16\", 4, 8, 4, 2)",
    "cidrsubnets(\"10.0.0.0/8\", 8, 8, 16, 8)",
    "cidrhost(\"10.0.0.0/24\", -2)",
    "cidrhost(\"10.0.0.0/24\", 5)",
    "cidrnetmask(\"10.0.0.0/12\")",
    "local.subnets",
    "local.tier_cidrs",
    "local.private",
    "local.grouped",
    "local.objects[*].zone",
    "[for o in local.objects : o.az if o.zone != \"1c\"]",
    "var.settings",
    "var.from_tfvars",
    "var.from_auto",
    "var.from_env",
    "var.from_cli",
    "var.count_from_cli + 1",
    "lookup(var.tiers, \"data\", null).newbits",
    "lookup({a = 1}, \"b\", 7)",
    "element(var.azs, 4)",
    "concat(var.azs, [\"x\"], [])",
    "merge({a = 1, b = 2}, {b = 3, c = 4})",
    "flatten([[1, [2]], [], [3]])",
    "setsubtract(keys({public = 1, private = 2, tgw = 3}), [\"tgw\", \"x\"])",
    "setunion([\"b\", \"a\"], [\"c\", \"a\"])",
    "setintersection([\"a\", \"b\", \"c\"], [\"c\", \"a\"], [\"a\", \"c\", \"d\"])",
    "length(setsubtract([1, 2, 3], [2]))",
    "format(\"%s/%d/%v/%5.2f/%q/%%\", \"a\", 7, true, 3.14159, \"q\")",
    "join(\",\", var.azs)",
    "split(\"-\", \"a-b--c\")",
    "replace(\"10.0.0.0/16\", \"/\", \"_\")",
    "lower(\"AbC\")",
    "length(var.azs) * 2 - 1",
    "length(\"héllo\")",
    "keys(var.tiers)",
    "values({b = 2, a = 1})",
    "toset([\"b\", \"a\", \"b\"])",
    "tolist(toset([\"c\", \"a\"]))",
    "tomap({x = \"1\"})",
    "tostring(12)",
    "tonumber(\"1.5\")",
    "try(var.tiers.nope.newbits, \"fallback\")",
    "can(var.tiers.nope)",
    "can(var.tiers.data)",
    "coalesce(\"\", null, \"x\")",
    "contains(var.azs, \"ap-northeast-1c\")",
    "distinct([1, 2, 1, 3, 2])",
    "slice(var.azs, 1, 3)",
    "range(1, 10, 3)",
    "range(3)",
    "min(3, 1.5, 2)",
    "max(3, 7, 2)",
    "var.vpc_cidr == \"10.0.0.0/16\" ? \"default\" : \"custom\"",
    "\"${var.settings.name}-${length(var.azs)}\"",
    "{ for k, v in var.tiers : k => v.newbits if v.newbits > 4 }",
    "7 % 3",
    "!true || false && true",
];

fn terraform() -> Option<PathBuf> {
    let candidate = std::env::var_os("VPCLINT_TERRAFORM")
        .map_or_else(|| PathBuf::from("terraform"), PathBuf::from);
    let ok = Command::new(&candidate)
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

/// A fresh directory under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vpclint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_config(dir: &Path) {
    std::fs::write(dir.join("main.tf"), MAIN_TF).unwrap();
    std::fs::write(
        dir.join("terraform.tfvars"),
        "from_tfvars = \"tfvars\"\nfrom_auto = \"tfvars\"\n",
    )
    .unwrap();
    // Loaded after terraform.tfvars, in lexical order: b wins over a.
    std::fs::write(dir.join("a.auto.tfvars"), "from_auto = \"a.auto\"\n").unwrap();
    std::fs::write(
        dir.join("b.auto.tfvars.json"),
        "{\"from_auto\": \"b.auto.json\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cli.tfvars"),
        "from_cli = \"var-file\"\ncount_from_cli = 2\n",
    )
    .unwrap();
}

/// What vpclint evaluates, with the same inputs as the `terraform console` command line:
/// `TF_VAR_from_env=env`, `-var-file=cli.tfvars -var from_cli=cli`.
fn vpclint_values(dir: &Path) -> Vec<Result<String, String>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let tf = path.extension().is_some_and(|e| e == "tf");
        if tf || (name.contains(".tfvars") && name != "cli.tfvars") {
            files.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    files.sort();
    let cli = vpclint::syntax::terraform::parse(
        &std::fs::read_to_string(dir.join("cli.tfvars")).unwrap(),
    );
    let options = TerraformOptions {
        vars: vec![
            VarSetting::File {
                path: dir.join("cli.tfvars"),
                body: cli.tree,
            },
            VarSetting::Var {
                name: "from_cli".into(),
                value: "cli".into(),
            },
        ],
        env: vec![("from_env".into(), "env".into())],
        roots: Vec::new(),
        repository: None,
        module_cache: None,
        partial_dirs: Vec::new(),
    };
    EXPRESSIONS
        .iter()
        .map(|e| {
            let json = evaluate(&files, &options, dir, &format!("jsonencode({e})"))?;
            serde_json::from_str::<String>(&json).map_err(|e| e.to_string())
        })
        .collect()
}

/// What `terraform console` prints for each expression, as JSON.
fn terraform_values(terraform: &Path, dir: &Path) -> Vec<String> {
    let mut child = Command::new(terraform)
        .args(["console", "-var-file=cli.tfvars", "-var", "from_cli=cli"])
        .current_dir(dir)
        .env("TF_VAR_from_env", "env")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Piped input is read as one expression: ask for all values at once.
    let input = format!("jsonencode([{}])\n", EXPRESSIONS.join(", "));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "terraform console failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with('"'))
        .unwrap_or_else(|| panic!("no value printed: {stdout}"));
    let json: String = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    let values: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    values.iter().map(ToString::to_string).collect()
}

#[test]
fn evaluated_values_match_terraform_console() {
    let Some(terraform) = terraform() else {
        println!("SKIPPED evaluated_values_match_terraform_console: no terraform binary on the PATH (set VPCLINT_TERRAFORM to one)");
        return;
    };
    let dir = scratch("console");
    write_config(&dir);
    let expected = terraform_values(&terraform, &dir);
    assert_eq!(
        expected.len(),
        EXPRESSIONS.len(),
        "one line per expression: {expected:?}"
    );
    let ours = vpclint_values(&dir);
    let mut mismatches = Vec::new();
    for ((expr, want), got) in EXPRESSIONS.iter().zip(&expected).zip(&ours) {
        // Values are compared as JSON, so that object key order does not matter.
        let want_json: serde_json::Value = serde_json::from_str(want).unwrap();
        match got {
            Ok(got)
                if serde_json::from_str::<serde_json::Value>(got).ok()
                    == Some(want_json.clone()) => {}
            other => mismatches.push(format!(
                "{expr}\n  terraform: {want}\n  vpclint:   {other:?}"
            )),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(mismatches.is_empty(), "\n{}", mismatches.join("\n"));
}

#[test]
fn unsupported_function_is_unknown_not_wrong() {
    let files = vec![(
        PathBuf::from("m/main.tf"),
        "locals {\n  x = regexall(\"a\", \"banana\")\n}\n".to_owned(),
    )];
    let got = evaluate(
        &files,
        &TerraformOptions::default(),
        Path::new("m"),
        "length(local.x)",
    );
    assert_eq!(
        got,
        Err("the function regexall() is not evaluated by vpclint".to_owned())
    );
}
