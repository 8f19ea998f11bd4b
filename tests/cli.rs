//! The binary as users run it: exit codes, formats, options, and bad input beside good input.

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn vpclint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = vpclint(&all);
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, value)
}

/// A fresh directory under the target dir, with the given files.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    common::write_tree(name, files)
}

fn seed_tf() -> Vec<(String, String)> {
    let dir = Path::new("examples/seed/terraform");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn seed_gives_exactly_the_m4_finding_in_both_languages() {
    let (code, v) = json(&["examples/seed"]);
    assert_eq!(code, 1);
    assert_eq!(v["version"], 1);
    assert_eq!(
        common::rules_and_resources(&v),
        [
            ("VPC001".to_owned(), "LegacyInstance".to_owned()),
            ("VPC001".to_owned(), "aws_instance.legacy".to_owned()),
        ]
    );
    let tf = &v["diagnostics"][1];
    assert_eq!(tf["file"], "examples/seed/terraform/compute.tf");
    assert_eq!(
        tf["path"],
        serde_json::json!([
            "aws_instance.legacy",
            "aws_subnet.b",
            "aws_route_table.b",
            "aws_vpc_peering_connection.a_b",
            "aws_vpc_endpoint.kinesis"
        ])
    );
    // The location is the instance_type value.
    let line = usize::try_from(tf["location"]["line"].as_u64().unwrap()).unwrap();
    let text = std::fs::read_to_string("examples/seed/terraform/compute.tf").unwrap();
    assert!(text.lines().nth(line - 1).unwrap().contains("\"m4.large\""));
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["diagnostics"], 2);
    assert_eq!(v["summary"]["files"], 6);
}

#[test]
fn text_output_points_at_the_instance_type_with_help() {
    let (code, stdout, _) = vpclint(&["check", "--format", "text", "examples/seed/terraform"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("seed_terraform_text", stdout);
}

#[test]
fn fail_on_and_access_models_change_the_exit_code() {
    assert_eq!(
        vpclint(&["check", "examples/seed", "--fail-on", "error"]).0,
        0
    );
    assert_eq!(
        vpclint(&["check", "examples/seed", "--fail-on", "never"]).0,
        0
    );
    let (code, v) = json(&["examples/seed", "--access-model", "current"]);
    assert_eq!((code, v["summary"]["diagnostics"].as_u64()), (0, Some(0)));
    // April 2018: m5.large allowed, m4.large not.
    let (_, v) = json(&["examples/seed", "--access-model", "c5-m5-2018-04"]);
    assert_eq!(v["summary"]["diagnostics"], 2);
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("'c5-m5-2018-04'"));
}

#[test]
fn region_decides_cloudformation_inter_region_peering() {
    let fixture = "fixtures/VPC002/fail/cfn-peer-region";
    // Only the VPC00x findings matter here (the design also has a DNS001).
    let json = |args: &[&str]| {
        let (code, mut v) = json(args);
        v["diagnostics"]
            .as_array_mut()
            .unwrap()
            .retain(|d| d["rule"].as_str().unwrap().starts_with("VPC"));
        (code, v)
    };
    let (_, v) = json(&[fixture]);
    assert_eq!(common::rules_and_resources(&v)[0].0, "VPC002");
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("assumed inter-region"));
    let (_, v) = json(&[fixture, "--region", "ap-northeast-1"]);
    assert_eq!(common::rules_and_resources(&v)[0].0, "VPC002");
    assert!(!v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("assumed"));
    // Deployed in the peer's own region, the peering is intra-region.
    let (_, v) = json(&[fixture, "--region", "us-east-1"]);
    assert_eq!(common::rules_and_resources(&v)[0].0, "VPC001");
}

#[test]
fn a_broken_file_is_an_error_and_the_others_are_still_linted() {
    let mut files: Vec<(String, String)> = seed_tf();
    files.push((
        "broken.tf".into(),
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = = \"10.9.0.0/16\"\n}\n".into(),
    ));
    files.push((
        "stack/broken.yaml".into(),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: {Type: AWS::EC2::VPC\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree("broken-beside-good", &refs);
    let (code, v) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        common::rules_and_resources(&v),
        [("VPC001".to_owned(), "aws_instance.legacy".to_owned())]
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0]["file"].as_str().unwrap().ends_with("broken.tf"));
    assert_eq!(errors[0]["location"]["line"], 2);
    assert!(errors[1]["file"]
        .as_str()
        .unwrap()
        .ends_with("stack/broken.yaml"));
    assert_eq!(v["summary"]["errors"], 2);
}

#[test]
fn other_yaml_is_skipped_and_counted_and_ignored_directories_are_not_read() {
    let dir = tree(
        "skipped-and-ignored",
        &[
            (
                "docker-compose.yml",
                "services:\n  web:\n    image: nginx\n",
            ),
            ("package.json", "{\"name\": \"x\"}"),
            (".terraform/modules/x/main.tf", "this is not hcl {{{"),
            ("node_modules/y/main.tf", "this is not hcl {{{"),
            ("generated/main.tf", "this is not hcl {{{"),
            (".gitignore", "generated/\n"),
            (
                "main.tf",
                "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
        ],
    );
    let (code, v) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["skipped"], 2);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn terraform_json_syntax_gives_the_same_finding() {
    let dir = tree(
        "tf-json",
        &[(
            "main.tf.json",
            r#"{
  "provider": {"aws": {"region": "ap-northeast-1"}},
  "resource": {
    "aws_vpc": {"a": {"cidr_block": "10.0.0.0/16"}, "b": {"cidr_block": "172.16.0.0/16"}},
    "aws_subnet": {
      "a": {"vpc_id": "${aws_vpc.a.id}", "cidr_block": "10.0.0.0/24"},
      "b": {"vpc_id": "${aws_vpc.b.id}", "cidr_block": "172.16.0.0/24"}
    },
    "aws_vpc_peering_connection": {"a_b": {"vpc_id": "${aws_vpc.b.id}", "peer_vpc_id": "${aws_vpc.a.id}", "auto_accept": true}},
    "aws_route_table": {"b": {"vpc_id": "${aws_vpc.b.id}", "route": [{"cidr_block": "10.0.0.0/16", "vpc_peering_connection_id": "${aws_vpc_peering_connection.a_b.id}"}]}},
    "aws_route_table_association": {"b": {"subnet_id": "${aws_subnet.b.id}", "route_table_id": "${aws_route_table.b.id}"}},
    "aws_vpc_endpoint": {"kinesis": {"vpc_id": "${aws_vpc.a.id}", "vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.ap-northeast-1.kinesis-streams", "subnet_ids": ["${aws_subnet.a.id}"]}},
    "aws_instance": {"legacy": {"instance_type": "m4.large", "subnet_id": "${aws_subnet.b.id}"}}
  }
}"#,
        )],
    );
    let (_, v) = json(&[dir.to_str().unwrap()]);
    // The endpoint has no security groups: the VPC's default group blocks the peer (NET001);
    // the endpoint's subnet (VPC A's implicit main table) has no route back (NET002); its
    // private DNS is off (the default) and VPC B has no internet path (DNS008).
    assert_eq!(
        common::rules_and_resources(&v),
        [
            ("DNS008".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("NET001".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("NET002".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("VPC001".to_owned(), "aws_instance.legacy".to_owned())
        ]
    );
    assert_eq!(v["diagnostics"][3]["location"]["line"], 13);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = vpclint(&["check", "does/not/exist"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does/not/exist"));
    assert_eq!(vpclint(&["check", "--format", "nope", "."]).0, 2);
    assert_eq!(vpclint(&["check", "--access-model", "2019"]).0, 2);
}

#[test]
fn output_is_deterministic() {
    let a = vpclint(&["check", "--format", "json", "fixtures"]).1;
    let b = vpclint(&["check", "--format", "json", "fixtures"]).1;
    assert_eq!(a, b);
}

#[test]
fn ignore_files_apply_from_the_repository_root_down_like_git() {
    let tfvars = "instance_type = \"m4.large\"\n";
    let main_tf = "variable \"instance_type\" {}\nresource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let dir = tree(
        "ignore-files-from-repository-root",
        &[
            // Above the repository (say, the user's home): not the repository's, not read.
            (".gitignore", "*.tfvars\n"),
            ("repo/.git/info/exclude", "excluded/\n"),
            ("repo/.gitignore", "generated/\n"),
            ("repo/terraform.tfvars", tfvars),
            ("repo/main.tf", main_tf),
            ("repo/stacks/a/main.tf", main_tf),
            ("repo/stacks/a/terraform.tfvars", tfvars),
            ("repo/stacks/a/generated/main.tf", "this is not hcl {{{"),
            ("repo/stacks/a/excluded/main.tf", "this is not hcl {{{"),
        ],
    );
    // Walking the repository: its tfvars are read although the parent ignores `*.tfvars`.
    let (code, v) = json(&[dir.join("repo").to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["files"], 4, "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    // Walking a directory inside it: the repository root's `.gitignore` and
    // `.git/info/exclude` still apply, the parent's still does not.
    let (code, v) = json(&[dir.join("repo/stacks/a").to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["files"], 2, "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
}
