//! Terraform as real repositories write it, through the library's `check` entry point:
//! `count`/`for_each` addresses, unknown expansions, variable sources and their precedence,
//! modules (local, downloaded, refused), provider aliases, data sources, plans, and the rule
//! that no finding ever comes from an Unknown.

use std::path::{Path, PathBuf};

use vpclint::check::{self, Options, Report};
use vpclint::discover::{self, FileKind, Input};
use vpclint::lower::terraform::{TerraformOptions, VarSetting};

/// VPC A (the Kinesis interface endpoint) and VPC B (the consumer) peered in one region;
/// the consumer's instance type is `var.instance_type` (declared by the caller).
const DESIGN: &str = r#"
provider "aws" {
  region = "ap-northeast-1"
}
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "b" {
  cidr_block = "172.16.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = cidrsubnet(aws_vpc.a.cidr_block, 8, 0)
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.b.id
  cidr_block = "172.16.0.0/24"
}
resource "aws_vpc_endpoint" "kinesis" {
  vpc_id            = aws_vpc.a.id
  vpc_endpoint_type = "Interface"
  service_name      = "com.amazonaws.ap-northeast-1.kinesis-streams"
  subnet_ids        = [aws_subnet.a.id]
}
resource "aws_vpc_peering_connection" "a_b" {
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.a.id
}
resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
  route {
    cidr_block                = aws_vpc.a.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }
}
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.b.id
}
"#;

fn run_with(files: &[(&str, &str)], terraform: TerraformOptions) -> Report {
    let inputs = files
        .iter()
        .map(|(path, text)| Input {
            path: (*path).into(),
            kind: if path.ends_with(".tfvars.json") {
                FileKind::TerraformVarsJson
            } else if path.ends_with(".tfvars") {
                FileKind::TerraformVars
            } else {
                FileKind::Terraform
            },
            text: (*text).to_owned(),
        })
        .collect();
    let mut options = Options::default();
    options.lower.terraform = terraform;
    check::check(inputs, Vec::new(), 0, &options)
}

fn run(files: &[(&str, &str)]) -> Report {
    run_with(files, TerraformOptions::default())
}

fn findings(report: &Report) -> Vec<(String, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("VPC00"))
        .map(|d| {
            let address = d.message.split(' ').next().unwrap_or("").to_owned();
            (d.rule.to_string(), address)
        })
        .collect()
}

fn reasons(report: &Report) -> Vec<String> {
    report
        .unchecked
        .iter()
        .map(|u| format!("{}: {}", u.resource, u.reason))
        .collect()
}

/// The graph's resource addresses, in graph order.
fn addresses(files: &[(&str, &str)]) -> Vec<String> {
    use vpclint::lower::{lower, LowerOptions, ParsedFile};
    use vpclint::source::FileId;
    let parsed: Vec<ParsedFile> = files
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            let file = FileId(u32::try_from(i).unwrap());
            let body = vpclint::syntax::terraform::parse(text).tree;
            if files[i].0.ends_with(".tfvars") {
                ParsedFile::TerraformVars { file, body }
            } else {
                ParsedFile::Terraform { file, body }
            }
        })
        .collect();
    let paths = |id: FileId| PathBuf::from(files[id.0 as usize].0);
    let parsed: Vec<&ParsedFile> = parsed.iter().collect();
    let (graph, errors) = lower(&parsed, &paths, &LowerOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    graph.iter().map(|(_, r)| r.address.clone()).collect()
}

fn with_instance(instance: &str) -> String {
    format!("{DESIGN}\nvariable \"instance_type\" {{}}\n{instance}")
}

const INSTANCE: &str = r#"
resource "aws_instance" "legacy" {
  instance_type = var.instance_type
  subnet_id     = aws_subnet.b.id
}
"#;

#[test]
fn a_variable_without_value_is_unknown_and_never_a_finding() {
    let main = with_instance(INSTANCE);
    let report = run(&[("m/main.tf", &main)]);
    assert!(findings(&report).is_empty());
    assert_eq!(
        reasons(&report),
        ["aws_instance.legacy: instance type unknown: var.instance_type has no value (no default; set it in terraform.tfvars, with --var or with TF_VAR_instance_type)"]
    );
    assert_eq!(report.summary.unchecked, 1);
}

#[test]
fn variable_sources_follow_terraforms_precedence() {
    let main = with_instance(INSTANCE);
    let legacy = vec![("VPC001".to_owned(), "aws_instance.legacy".to_owned())];
    // TF_VAR_ < terraform.tfvars < *.auto.tfvars(.json), lexically < --var / --var-file in order.
    let env = |v: &str| TerraformOptions {
        env: vec![("instance_type".into(), v.into())],
        ..TerraformOptions::default()
    };
    assert_eq!(
        findings(&run_with(&[("m/main.tf", &main)], env("m4.large"))),
        legacy
    );
    let tfvars = ("m/terraform.tfvars", "instance_type = \"m5.large\"\n");
    assert!(findings(&run_with(&[("m/main.tf", &main), tfvars], env("m4.large"))).is_empty());
    let auto_a = ("m/a.auto.tfvars", "instance_type = \"m4.large\"\n");
    let auto_b = ("m/b.auto.tfvars.json", "{\"instance_type\": \"m5.large\"}");
    assert_eq!(
        findings(&run(&[("m/main.tf", &main), tfvars, auto_a])),
        legacy
    );
    assert!(findings(&run(&[("m/main.tf", &main), tfvars, auto_a, auto_b])).is_empty());
    // A .tfvars file that is not auto-loaded is ignored unless given with --var-file.
    let prod = ("m/prod.tfvars", "instance_type = \"m4.large\"\n");
    assert!(findings(&run(&[("m/main.tf", &main), tfvars, prod])).is_empty());
    let file = VarSetting::File {
        path: "prod.tfvars".into(),
        body: vpclint::syntax::terraform::parse("instance_type = \"m4.large\"\n").tree,
    };
    let var = VarSetting::Var {
        name: "instance_type".into(),
        value: "m5.large".into(),
    };
    let cli = |vars: Vec<VarSetting>| TerraformOptions {
        vars,
        ..TerraformOptions::default()
    };
    let files = [("m/main.tf", main.as_str()), tfvars, auto_b];
    assert_eq!(
        findings(&run_with(&files, cli(vec![var.clone(), file.clone()]))),
        legacy
    );
    assert!(findings(&run_with(&files, cli(vec![file, var]))).is_empty());
}

#[test]
fn count_and_for_each_give_terraforms_addresses() {
    let main = with_instance(
        r#"
resource "aws_instance" "web" {
  count         = 2
  instance_type = "m5.large"
  subnet_id     = aws_subnet.b.id
}
resource "aws_subnet" "private" {
  for_each   = { a = 1, "b-c" = 2 }
  vpc_id     = aws_vpc.b.id
  cidr_block = cidrsubnet("172.16.0.0/16", 8, each.value + 10)
}
resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.b.id
}
"#,
    );
    let all = addresses(&[
        ("m/main.tf", &main),
        ("m/terraform.tfvars", "instance_type = \"m5.large\""),
    ]);
    let tail: Vec<&str> = all[all.len() - 6..].iter().map(String::as_str).collect();
    // Declaration order; instances in key order (count index, then for_each keys).
    assert_eq!(
        tail,
        [
            "aws_instance.web[0]",
            "aws_instance.web[1]",
            r#"aws_subnet.private["a"]"#,
            r#"aws_subnet.private["b-c"]"#,
            r#"aws_route_table_association.private["a"]"#,
            r#"aws_route_table_association.private["b-c"]"#,
        ]
    );
    // 8 resources of the design, 2 + 2 + 2 instances.
    assert_eq!(all.len(), 14);
}

#[test]
fn an_unknown_count_keeps_one_element_marked_instances_unknown() {
    let main = with_instance(
        r#"
variable "n" { type = number }
resource "aws_instance" "legacy" {
  count         = var.n
  instance_type = "m4.large"
  subnet_id     = aws_subnet.b.id
}
"#,
    );
    let report = run(&[("m/main.tf", &main)]);
    assert!(findings(&report).is_empty(), "{:?}", findings(&report));
    assert_eq!(
        reasons(&report),
        ["aws_instance.legacy[*]: instance type unknown: instances unknown: count is not known: var.n has no value (no default; set it in terraform.tfvars, with --var or with TF_VAR_n)"]
    );
}

#[test]
fn dynamic_blocks_with_unknown_for_each_are_not_guessed() {
    let main = DESIGN.replace(
        "  route {
    cidr_block                = aws_vpc.a.cidr_block
    vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
  }",
        r#"  dynamic "route" {
    for_each = var.peers
    content {
      cidr_block                = route.value
      vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
    }
  }"#,
    ) + "variable \"peers\" {}\nresource \"aws_instance\" \"legacy\" {\n  instance_type = \"m4.large\"\n  subnet_id = aws_subnet.b.id\n}\n";
    let report = run(&[("m/main.tf", &main)]);
    assert!(findings(&report).is_empty());
    assert!(
        reasons(&report)[0]
            .contains("the dynamic \"route\" blocks are not known: var.peers has no value"),
        "{:?}",
        reasons(&report)
    );
    // With a value, the dynamic route is a route.
    let report = run(&[
        ("m/main.tf", &main),
        ("m/terraform.tfvars", "peers = [\"10.0.0.0/16\"]"),
    ]);
    assert_eq!(findings(&report).len(), 1);
}

#[test]
fn modules_get_inputs_outputs_addresses_and_provider_aliases() {
    let root = r#"
provider "aws" {
  region = "ap-northeast-1"
}
provider "aws" {
  alias  = "virginia"
  region = "us-east-1"
}
module "a" {
  source   = "./modules/net"
  for_each = { east = "10.0.0.0/16" }
  cidr     = each.value
  endpoint = true
  providers = {
    aws = aws.virginia
  }
}
module "b" {
  source   = "./modules/net"
  cidr     = "172.16.0.0/16"
  endpoint = false
}
resource "aws_vpc_peering_connection" "a_b" {
  vpc_id      = module.b.vpc_id
  peer_vpc_id = module.a["east"].vpc_id
  peer_region = module.a["east"].region
}
resource "aws_route" "b_to_a" {
  route_table_id            = module.b.route_table_id
  destination_cidr_block    = module.a["east"].cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}
resource "aws_instance" "legacy" {
  instance_type = "m4.large"
  subnet_id     = module.b.subnet_id
}
"#;
    let module = r#"
variable "cidr" { type = string }
variable "endpoint" { type = bool }
data "aws_region" "here" {}
resource "aws_vpc" "this" { cidr_block = var.cidr }
resource "aws_subnet" "this" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 0)
}
resource "aws_route_table" "this" { vpc_id = aws_vpc.this.id }
resource "aws_route_table_association" "this" {
  subnet_id      = aws_subnet.this.id
  route_table_id = aws_route_table.this.id
}
resource "aws_vpc_endpoint" "kinesis" {
  count             = var.endpoint ? 1 : 0
  vpc_id            = aws_vpc.this.id
  vpc_endpoint_type = "Interface"
  service_name      = "com.amazonaws.${data.aws_region.here.name}.kinesis-streams"
  subnet_ids        = [aws_subnet.this.id]
}
output "vpc_id" { value = aws_vpc.this.id }
output "cidr" { value = aws_vpc.this.cidr_block }
output "subnet_id" { value = aws_subnet.this.id }
output "route_table_id" { value = aws_route_table.this.id }
output "region" { value = data.aws_region.here.name }
"#;
    let report = run(&[("r/main.tf", root), ("r/modules/net/main.tf", module)]);
    assert_eq!(
        findings(&report),
        [("VPC002".to_owned(), "aws_instance.legacy".to_owned())],
        "{}",
        vpclint::emit::json::render(&report)
    );
    let text = vpclint::emit::json::render(&report);
    assert!(
        text.contains(r#"module.a[\"east\"].aws_vpc_endpoint.kinesis[0]"#),
        "{text}"
    );
    assert!(
        text.contains("com.amazonaws.us-east-1.kinesis-streams"),
        "{text}"
    );
    assert!(
        !text.contains("module.b.aws_vpc_endpoint"),
        "count = 0 gives no instance"
    );
}

#[test]
fn a_module_source_outside_the_repository_is_unchecked_and_a_missing_one_an_error() {
    let root = "module \"net\" {\n  source = \"../../shared/net\"\n}\nmodule \"gone\" {\n  source = \"./gone\"\n}\n";
    // No repository around the scanned paths: nothing outside them is read.
    let options = TerraformOptions {
        roots: vec![PathBuf::from("envs/prod")],
        ..TerraformOptions::default()
    };
    let report = run_with(&[("envs/prod/main.tf", root)], options);
    // The missing directory inside the scanned paths is a located error, and only that.
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let e = &report.errors[0];
    assert_eq!(e.path, Path::new("envs/prod/main.tf"));
    assert_eq!((e.location.line, e.location.column), (5, 12));
    assert!(
        e.message.starts_with(
            "module source \"./gone\" resolves to envs/prod/gone, where there are no Terraform files"
        ),
        "{}",
        e.message
    );
    assert_eq!(
        reasons(&report),
        ["module.net: module source \"../../shared/net\" resolves to shared/net, outside the scanned paths, and no repository (a directory with .git or .vpclint.toml) contains them: vpclint reads nothing outside the scanned paths then"]
    );
    // A repository (the CLI finds it): a source that leaves it is unchecked, never an error.
    let options = TerraformOptions {
        roots: vec![PathBuf::from("envs/prod")],
        repository: Some(PathBuf::from("envs")),
        ..TerraformOptions::default()
    };
    let report = run_with(&[("envs/prod/main.tf", root)], options);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        reasons(&report)[0].contains(
            "outside the repository (envs, the nearest directory with .git or .vpclint.toml)"
        ),
        "{:?}",
        reasons(&report)
    );
}

#[test]
fn a_local_module_outside_the_scanned_path_is_read_inside_the_repository() {
    let dir = std::env::temp_dir().join(format!("vpclint-outside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let example = dir.join("repo/examples/complete");
    std::fs::create_dir_all(&example).unwrap();
    std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
    std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
    std::fs::write(
        dir.join("repo/main.tf"),
        with_instance(INSTANCE).replace(
            "provider \"aws\"",
            "module \"extra\" {\n  source = \"../elsewhere\"\n}\nprovider \"aws\"",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("elsewhere/main.tf"),
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        example.join("main.tf"),
        "module \"root\" {\n  source        = \"../..\"\n  instance_type = \"m4.large\"\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "examples/complete", "--format", "json"])
        .current_dir(dir.join("repo"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The module at ../.. is read (the finding is in it); ../elsewhere leaves the
    // repository and is unchecked, not read and not an error.
    assert_eq!(json["errors"], serde_json::json!([]), "{json:#}");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|d| d["rule"] == "VPC001" && d["file"] == "main.tf"),
        "{json:#}"
    );
    let unchecked = json["unchecked"].as_array().unwrap();
    assert!(
        unchecked
            .iter()
            .any(|u| u["resource"] == "module.root.module.extra"
                && u["reason"]
                    .as_str()
                    .unwrap()
                    .contains("outside the repository")),
        "{json:#}"
    );
}

#[test]
fn a_registry_module_is_read_from_terraform_init_output_or_unknown() {
    let dir = std::env::temp_dir().join(format!("vpclint-manifest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let module_dir = dir.join(".terraform/modules/vpc");
    std::fs::create_dir_all(&module_dir).unwrap();
    let main = r#"
provider "aws" { region = "ap-northeast-1" }
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
  cidr    = "10.0.0.0/16"
}
resource "aws_instance" "legacy" {
  instance_type = "m4.large"
  subnet_id     = module.vpc.subnet_id
}
"#;
    std::fs::write(dir.join("main.tf"), main).unwrap();
    std::fs::write(
        module_dir.join("main.tf"),
        "variable \"cidr\" {}\nresource \"aws_vpc\" \"this\" { cidr_block = var.cidr }\nresource \"aws_subnet\" \"s\" {\n  vpc_id = aws_vpc.this.id\n  cidr_block = cidrsubnet(var.cidr, 8, 1)\n}\noutput \"subnet_id\" { value = aws_subnet.s.id }\n",
    )
    .unwrap();
    let manifest = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/vpc"}]}"#;
    let check_dir = || {
        let found = discover::discover(std::slice::from_ref(&dir));
        check::check(
            found.inputs,
            found.errors,
            found.skipped,
            &Options::default(),
        )
    };
    std::fs::write(dir.join(".terraform/modules/modules.json"), manifest).unwrap();
    let report = check_dir();
    let text = vpclint::emit::json::render(&report);
    // The instance, module.vpc.aws_vpc.this and module.vpc.aws_subnet.s; the instance's
    // subnet is known, so nothing is unchecked.
    assert_eq!(report.summary.resources, 3, "{text}");
    assert!(
        report.errors.is_empty() && report.unchecked.is_empty(),
        "{text}"
    );
    // Without the manifest, the call is named in the run's one notice, never an error.
    std::fs::remove_file(dir.join(".terraform/modules/modules.json")).unwrap();
    let report = check_dir();
    assert!(report.errors.is_empty());
    assert_eq!(report.notices.len(), 1, "{:?}", report.notices);
    let notice = &report.notices[0];
    assert_eq!(notice.code, check::MODULES_NOT_SUPPLIED);
    assert_eq!(
        notice
            .sites
            .iter()
            .map(|(a, _)| a.as_str())
            .collect::<Vec<_>>(),
        ["module.vpc"]
    );
    assert!(
        notice
            .message
            .starts_with("1 module call (module.vpc) in 1 root module uses registry"),
        "{}",
        notice.message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plan_alone_points_into_the_plan() {
    let dir = std::env::temp_dir().join(format!("vpclint-plan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        "fixtures/VPC001/fail/tf-plan-json/plan.json",
        dir.join("plan.json"),
    )
    .unwrap();
    let found = discover::discover(&[dir.join("plan.json")]);
    let report = check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        findings(&report),
        [("VPC001".to_owned(), "aws_instance.legacy".to_owned())]
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "VPC001")
        .unwrap();
    let file = report.sources.get(d.span.file);
    assert!(file.path.ends_with("plan.json"));
    assert_eq!(&file.text[d.span.range()], "\"m4.large\"");
}

#[test]
fn var_flags_keep_command_line_order_and_bad_files_are_usage_errors() {
    let dir = std::env::temp_dir().join(format!("vpclint-varflags-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), with_instance(INSTANCE)).unwrap();
    std::fs::write(dir.join("legacy.tfvars"), "instance_type = \"m4.large\"\n").unwrap();
    std::fs::write(dir.join("broken.tfvars"), "instance_type = = 1\n").unwrap();
    let vpclint = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
            .arg("check")
            .arg(&dir)
            .args(["--format", "json"])
            .args(args)
            .env_remove("TF_VAR_instance_type")
            .output()
            .unwrap()
    };
    let legacy = dir.join("legacy.tfvars");
    let legacy = legacy.to_str().unwrap();
    let vpc001 =
        |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).contains("\"VPC001\"");
    assert!(vpc001(&vpclint(&[
        "--var",
        "instance_type=m5.large",
        "--var-file",
        legacy
    ])));
    assert!(!vpc001(&vpclint(&[
        "--var-file",
        legacy,
        "--var",
        "instance_type=m5.large"
    ])));
    let broken = vpclint(&["--var-file", dir.join("broken.tfvars").to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("broken.tfvars:1:"), "{stderr}");
    let env = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .arg("check")
        .arg(&dir)
        .args(["--format", "json"])
        .env("TF_VAR_instance_type", "m4.large")
        .output()
        .unwrap();
    assert!(vpc001(&env), "TF_VAR_instance_type is read");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn findings_in_a_registry_module_are_reported_at_its_call_site_in_diff_aware_runs() {
    // The network in one file, the call of the registry module (from `terraform get`) that
    // brings in the Xen instance in another: a commit that only adds the call reports it.
    let dir = std::env::temp_dir().join(format!("vpclint-callsite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fixture = Path::new("fixtures/VPC001/fail/tf-registry-module-call-site");
    let module = dir.join(".terraform/modules/legacy_server");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for file in ["modules.json", "legacy_server/main.tf"] {
        std::fs::copy(
            fixture.join(".terraform/modules").join(file),
            dir.join(".terraform/modules").join(file),
        )
        .unwrap();
    }
    let main = std::fs::read_to_string(fixture.join("main.tf")).unwrap();
    let at = main.find("\nmodule \"legacy_server\"").unwrap() + 1;
    std::fs::write(dir.join("network.tf"), &main[..at]).unwrap();
    std::fs::write(dir.join("servers.tf"), &main[at..]).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "servers.tf", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vpc001: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "VPC001")
        .collect();
    assert_eq!(vpc001.len(), 1, "{json:#}");
    assert_eq!(vpc001[0]["file"], "servers.tf");
    assert_eq!(vpc001[0]["location"]["line"], 1);
    // The instance inside the module is the first related location.
    assert_eq!(
        vpc001[0]["related"][0]["file"],
        ".terraform/modules/legacy_server/main.tf"
    );
}

/// Ids known only after apply are distinct opaque values: two references to different
/// instances differ, the same reference is equal, and the list functions real modules wrap
/// them in keep the list known in length and identity (issue 13 item 3). Where Terraform
/// itself cannot know a length (`count = length(distinct(ids))`: "Invalid count argument",
/// `tests/terraform_errors.rs`), vpclint does not either.
#[test]
fn ids_known_after_apply_keep_lists_known_in_length_and_identity() {
    // Lengths Terraform knows at plan time.
    let counts = r#"
locals {
  ids = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_route_table" "concat" {
  count  = length(concat(local.ids, [aws_subnet.a.id]))
  vpc_id = aws_vpc.a.id
}
resource "aws_route_table" "flatten" {
  count  = length(flatten([local.ids, [aws_subnet.a.id]]))
  vpc_id = aws_vpc.a.id
}
resource "aws_route_table" "coalescelist" {
  count  = length(coalescelist([], local.ids))
  vpc_id = aws_vpc.a.id
}
"#;
    let text = format!("{DESIGN}{counts}");
    let tables: Vec<String> = addresses(&[("main.tf", &text)])
        .into_iter()
        .filter(|a| a.starts_with("aws_route_table.") && a.contains('['))
        .collect();
    let expected: Vec<String> = [("concat", 3), ("flatten", 3), ("coalescelist", 2)]
        .iter()
        .flat_map(|(name, n)| (0..*n).map(move |i| format!("aws_route_table.{name}[{i}]")))
        .collect();
    assert_eq!(tables, expected);

    // Identity and length inside values: the ec2-instance module's construct gives
    // [b, a]; element() wraps around it (index 2 is b again), so instances 0 and 2 are in
    // the consumer's subnet (findings) and 1 and 3 in the endpoint's own VPC (nothing to
    // say). The endpoint's subnets go through toset() and sort(), whose order is not known
    // but whose members are.
    let design = DESIGN.replace(
        "subnet_ids        = [aws_subnet.a.id]",
        "subnet_ids        = sort(toset(flatten([[aws_subnet.a.id], coalescelist([], [aws_subnet.a.id])])))",
    );
    assert_ne!(design, DESIGN);
    let instances = r#"
variable "subnet_id" {
  default = ""
}
locals {
  subnets = distinct(compact(concat([var.subnet_id], [aws_subnet.b.id, aws_subnet.b.id, aws_subnet.a.id])))
}
resource "aws_instance" "this" {
  count         = 4
  instance_type = "m4.large"
  subnet_id     = element(local.subnets, count.index)
}
"#;
    let report = run(&[("main.tf", &format!("{design}{instances}"))]);
    // One finding for the copies of one resource, naming the others.
    assert_eq!(
        findings(&report),
        [("VPC001".to_owned(), "aws_instance.this[0]".to_owned())],
        "{:?}",
        reasons(&report)
    );
    let vpc001 = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "VPC001")
        .unwrap();
    assert!(
        vpc001.message.ends_with("(and aws_instance.this[2])"),
        "{}",
        vpc001.message
    );
    assert!(report.unchecked.is_empty(), "{:?}", reasons(&report));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}
