//! What `terraform validate` and `terraform plan` reject is a located error, never a silently
//! missing resource: references to undeclared variables, locals, resources, data sources,
//! modules and module outputs; a missing attribute or key of a known value; `count` and
//! `for_each` over values known only after apply. Each error is at the place Terraform
//! points at, and the rest of the tree is still checked.
//!
//! The expected errors are written here, so the test holds without Terraform; when a
//! `terraform` binary is on the PATH (or `VPCLINT_TERRAFORM` names one), Terraform itself
//! is asked too, offline (`init -backend=false` with local modules and the built-in
//! `terraform_data` resource only, then `validate -json` or `plan -json`), and must report
//! the same errors at the same places.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use vpclint::check::{self, Options, Report};
use vpclint::discover;

/// Errors `terraform validate` reports.
const VALIDATE_TF: &str = r#"variable "zones" {
  type    = map(string)
  default = { a = "10.0.0.0/24" }
}

module "net" {
  source = "./net"
}

locals {
  tiers = { public = 8 }
  one   = local.undeclared
  two   = var.missing
  three = aws_vpc.missing.id
  four  = data.aws_region.missing.name
  five  = module.missing.vpc_id
  six   = module.net.missing
  seven = local.tiers.private
  eight = ["x"][3]
  fine  = try(local.tiers.private, 4)
  also  = [for t in keys(local.tiers) : t]
}
"#;

const NET_TF: &str = "output \"vpc_id\" {\n  value = \"vpc-0123\"\n}\n";

/// (line, column, Terraform's summary) of each error in `VALIDATE_TF`.
const VALIDATE_ERRORS: &[(u32, u32, &str)] = &[
    (12, 11, "Reference to undeclared local value"),
    (13, 11, "Reference to undeclared input variable"),
    (14, 11, "Reference to undeclared resource"),
    (15, 11, "Reference to undeclared resource"),
    (16, 11, "Reference to undeclared module"),
    (17, 21, "Unsupported attribute"),
    (18, 22, "Unsupported attribute"),
    (19, 16, "Invalid index"),
];

/// Errors `terraform plan` reports: instance keys known only after apply.
const PLAN_TF: &str = r#"resource "terraform_data" "subnet" {
  count = 2
}

locals {
  subnet_ids = terraform_data.subnet[*].id
}

resource "terraform_data" "by_id" {
  for_each = toset(local.subnet_ids)
}

resource "terraform_data" "per_distinct" {
  count = length(distinct(concat(local.subnet_ids, [terraform_data.subnet[0].id])))
}

resource "terraform_data" "per_subnet" {
  count = length(local.subnet_ids)
  input = local.subnet_ids[count.index]
}

resource "terraform_data" "per_key" {
  for_each = { for i, id in local.subnet_ids : "subnet-${i}" => id }
  input    = each.value
}

# Plans: a known object is not null, whatever it holds (aws-ia/vpc's flow-log switch).
locals {
  flow_logs = { destination = "cloud-watch-logs", role_arn = terraform_data.subnet[0].id }
  with_logs = local.flow_logs == null || local.flow_logs.destination == "none" ? 0 : 1
}

resource "terraform_data" "flow_log" {
  count = local.with_logs
}
"#;

const PLAN_ERRORS: &[(u32, u32, &str)] = &[
    (10, 14, "Invalid for_each argument"),
    (14, 11, "Invalid count argument"),
];

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vpclint-tferr-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check_dir(dir: &Path) -> Report {
    let found = discover::discover(&[dir.to_path_buf()]);
    check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

/// vpclint's errors in main.tf: (line, column, message).
fn vpclint_errors(report: &Report) -> Vec<(u32, u32, String)> {
    let mut out: Vec<(u32, u32, String)> = report
        .errors
        .iter()
        .filter(|e| e.path.ends_with("main.tf"))
        .map(|e| (e.location.line, e.location.column, e.message.clone()))
        .collect();
    out.sort();
    out
}

fn assert_matches(got: &[(u32, u32, String)], want: &[(u32, u32, &str)]) {
    let mut want: Vec<(u32, u32, &str)> = want.to_vec();
    want.sort_unstable();
    let pairs: Vec<_> = got.iter().zip(&want).collect();
    assert!(
        got.len() == want.len()
            && pairs
                .iter()
                .all(|(g, w)| g.0 == w.0 && g.1 == w.1 && g.2.starts_with(w.2)),
        "vpclint: {got:#?}\nexpected: {want:#?}"
    );
}

fn write_validate_config(dir: &Path) {
    std::fs::create_dir_all(dir.join("net")).unwrap();
    std::fs::write(dir.join("main.tf"), VALIDATE_TF).unwrap();
    std::fs::write(dir.join("net/main.tf"), NET_TF).unwrap();
}

#[test]
fn references_terraform_validate_rejects_are_located_errors() {
    let dir = scratch("validate");
    write_validate_config(&dir);
    let report = check_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_matches(&vpclint_errors(&report), VALIDATE_ERRORS);
}

#[test]
fn instance_keys_known_only_after_apply_are_located_errors() {
    let dir = scratch("plan");
    std::fs::write(dir.join("main.tf"), PLAN_TF).unwrap();
    let report = check_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_matches(&vpclint_errors(&report), PLAN_ERRORS);
    // The other resources are there: 2 subnets, 2 per subnet, 2 per key, the flow log, and
    // one element each for the two whose instances cannot be planned.
    assert_eq!(report.summary.resources, 9, "{:?}", report.unchecked);
}

#[test]
fn the_rest_of_the_tree_is_still_checked() {
    let dir = scratch("rest");
    std::fs::copy(
        "fixtures/VPC001/fail/tf-m4-over-peering/main.tf",
        dir.join("main.tf"),
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.tf"),
        "locals {\n  broken = local.nope\n}\nresource \"aws_s3_bucket\" \"logs\" {\n  for_each = toset([aws_vpc.a.id])\n  bucket   = \"logs-${each.key}\"\n}\n",
    )
    .unwrap();
    let report = check_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let errors: Vec<(u32, &str)> = report
        .errors
        .iter()
        .map(|e| (e.location.line, e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0]
        .1
        .starts_with("Reference to undeclared local value"));
    assert!(errors[1].1.starts_with("Invalid for_each argument"));
    assert!(
        report.diagnostics.iter().any(|d| d.rule == "VPC001"),
        "the finding of the rest of the tree stays"
    );
}

// ---------------------------------------------------------------------------------------
// Terraform as the oracle

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

fn terraform_in(terraform: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(terraform)
        .args(args)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Terraform's error diagnostics in main.tf from JSON (one document, or one per line).
fn terraform_errors(stdout: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    let mut push = |d: &serde_json::Value| {
        if d["severity"] != "error" || d["range"]["filename"] != "main.tf" {
            return;
        }
        let at = |k: &str| u32::try_from(d["range"]["start"][k].as_u64().unwrap()).unwrap();
        out.push((
            at("line"),
            at("column"),
            d["summary"].as_str().unwrap().to_owned(),
        ));
    };
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(stdout) {
        for d in doc["diagnostics"].as_array().into_iter().flatten() {
            push(d);
        }
    } else {
        for line in stdout.lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if msg["type"] == "diagnostic" {
                push(&msg["diagnostic"]);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn terraform_reports_the_same_errors_at_the_same_places() {
    let Some(terraform) = terraform() else {
        println!("SKIPPED terraform_reports_the_same_errors_at_the_same_places: no terraform binary on the PATH (set VPCLINT_TERRAFORM to one)");
        return;
    };
    let validate = scratch("oracle-validate");
    write_validate_config(&validate);
    let init = terraform_in(
        &terraform,
        &validate,
        &["init", "-backend=false", "-input=false"],
    );
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let out = terraform_in(&terraform, &validate, &["validate", "-json"]);
    let theirs = terraform_errors(&String::from_utf8_lossy(&out.stdout));
    let ours = vpclint_errors(&check_dir(&validate));
    let _ = std::fs::remove_dir_all(&validate);
    let theirs_ref: Vec<(u32, u32, &str)> = theirs
        .iter()
        .map(|(l, c, s)| (*l, *c, s.as_str()))
        .collect();
    assert_matches(&ours, &theirs_ref);

    let plan = scratch("oracle-plan");
    std::fs::write(plan.join("main.tf"), PLAN_TF).unwrap();
    let init = terraform_in(
        &terraform,
        &plan,
        &["init", "-backend=false", "-input=false"],
    );
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let out = terraform_in(
        &terraform,
        &plan,
        &["plan", "-json", "-input=false", "-lock=false"],
    );
    let theirs = terraform_errors(&String::from_utf8_lossy(&out.stdout));
    let ours = vpclint_errors(&check_dir(&plan));
    let _ = std::fs::remove_dir_all(&plan);
    let theirs_ref: Vec<(u32, u32, &str)> = theirs
        .iter()
        .map(|(l, c, s)| (*l, *c, s.as_str()))
        .collect();
    assert_matches(&ours, &theirs_ref);
}

/// What the AWS provider computes when Terraform plans is not "known only after apply":
/// the provider's documented `for_each` over `aws_acm_certificate.domain_validation_options`
/// (keyed by domain name) plans. vpclint does not compute it, so the records' instances are
/// unknown, but it is no error. (Not asked of Terraform here: it needs the AWS provider.)
#[test]
fn attributes_the_provider_plans_are_not_plan_errors() {
    let dir = scratch("provider-planned");
    std::fs::write(
        dir.join("main.tf"),
        r#"resource "aws_acm_certificate" "app" {
  domain_name       = "app.example.com"
  validation_method = "DNS"
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.app.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }
  zone_id = "Z0123456789"
  name    = each.value.name
  type    = each.value.type
  records = [each.value.record]
  ttl     = 60
}

resource "aws_route53_record" "by_arn" {
  for_each = toset([aws_acm_certificate.app.arn])
  zone_id  = "Z0123456789"
  name     = "x"
  type     = "CNAME"
  records  = [each.key]
  ttl      = 60
}
"#,
    )
    .unwrap();
    let report = check_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    // The ARN is known only after apply: that one is Terraform's error.
    assert_matches(
        &vpclint_errors(&report),
        &[(22, 14, "Invalid for_each argument")],
    );
}
