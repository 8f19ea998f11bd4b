//! Which files are read, and how (issue 19 items 11–13): Terraform's own file selection,
//! text encodings, and Terraform JSON's array-of-objects form. A file vpclint does not read is
//! counted as skipped or is a located error, never dropped in silence, and the good files'
//! findings are kept beside the bad ones.

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn check(dir: &Path) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (out.status.code().expect("exits"), value)
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new("fixtures").join(path)).unwrap()
}

/// (file name, message, line, column) of every error.
fn errors(v: &Value) -> Vec<(String, String, u64, u64)> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            (
                file.rsplit('/').next().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
                e["location"]["line"].as_u64().unwrap(),
                e["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn terraform_files_are_the_ones_terraform_reads() {
    let finding = fixture("VPC001/fail/tf-m4-over-peering/main.tf");
    let broken = "this is not hcl {{{";
    let dir = common::write_tree(
        "selection-terraform",
        &[
            ("main.tf", finding.as_str()),
            // Terraform ignores all of these: upper case, hidden, editor backups.
            ("EXTRA.TF", broken),
            ("Other.Tf.Json", broken),
            (".hidden.tf", broken),
            ("main.tf~", broken),
            ("#main.tf#", broken),
        ],
    );
    let (code, v) = check(&dir);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(v["summary"]["skipped"], 5, "{v}");
    assert_eq!(
        common::rules_and_resources(&v),
        common::rules_and_resources(
            &check(&common::write_tree(
                "selection-terraform-alone",
                &[("main.tf", finding.as_str())]
            ))
            .1
        )
    );
}

#[cfg(unix)]
#[test]
fn a_terraform_file_whose_name_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = common::write_tree("selection-non-utf8-name", &[("main.tf", "")]);
    let name = std::ffi::OsStr::from_bytes(b"n\xE9twork.tf");
    std::fs::write(
        dir.join(name),
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n",
    )
    .unwrap();
    let (code, v) = check(&dir);
    assert_eq!(code, 1, "{v}");
    let errors = errors(&v);
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0].0, "n\u{FFFD}twork.tf");
    assert_eq!((errors[0].2, errors[0].3), (2, 16));
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    text.encode_utf16()
        .for_each(|u| out.extend(u.to_le_bytes()));
    out
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    text.encode_utf16()
        .for_each(|u| out.extend(u.to_be_bytes()));
    out
}

fn utf32le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE, 0, 0];
    text.chars()
        .for_each(|c| out.extend(u32::from(c).to_le_bytes()));
    out
}

#[test]
fn templates_in_utf16_or_utf32_with_a_byte_order_mark_are_checked() {
    let template = fixture("VPC001/fail/cfn-m4-over-peering/template.yaml");
    let alone = check(&common::write_tree(
        "encoding-utf8",
        &[("template.yaml", template.as_bytes().to_vec())],
    ))
    .1;
    assert_eq!(alone["summary"]["diagnostics"], 2, "{alone}");
    for (name, bytes) in [
        ("utf16le", utf16le(&template, true)),
        ("utf16be", utf16be(&template)),
        ("utf32le", utf32le(&template)),
    ] {
        let dir = common::write_tree(&format!("encoding-{name}"), &[("template.yaml", bytes)]);
        let (code, v) = check(&dir);
        assert_eq!(code, 1, "{name}: {v}");
        assert_eq!(v["summary"]["errors"], 0, "{name}: {v}");
        assert_eq!(
            common::rules_and_resources(&v),
            common::rules_and_resources(&alone),
            "{name}"
        );
    }
}

#[test]
fn text_vpclint_cannot_decode_is_a_located_error_and_the_rest_is_checked() {
    let template = fixture("VPC001/fail/cfn-m4-over-peering/template.yaml");
    let terraform = fixture("VPC001/fail/tf-m4-over-peering/main.tf");
    let dir = common::write_tree(
        "encoding-errors",
        &[
            ("good/template.yaml", template.as_bytes().to_vec()),
            ("good/main.tf", terraform.as_bytes().to_vec()),
            // A template in UTF-16 without a mark: its encoding is a guess, so an error.
            ("bad/nobom.yaml", utf16le(&template, false)),
            (
                "bad/variables.tf.json",
                b"{\"variable\": {\"x\": {\"default\": \"\xFF\"}}}".to_vec(),
            ),
            ("bad/terraform.tfvars", b"a = 1\nx = \"\xFE\"\n".to_vec()),
            // Not a template in any encoding: not ours, counted as skipped.
            ("bad/image.json", vec![0x89, b'P', b'N', b'G', 0xFF, 0x00]),
        ],
    );
    let (code, v) = check(&dir);
    assert_eq!(code, 1, "{v}");
    let mut errors = errors(&v);
    errors.sort();
    assert_eq!(
        errors,
        [
            (
                "nobom.yaml".to_owned(),
                "the file looks like UTF-16LE without a byte order mark; save it as UTF-8, or with a byte order mark".to_owned(),
                1,
                1
            ),
            ("terraform.tfvars".to_owned(), "the file is not valid UTF-8".to_owned(), 2, 6),
            ("variables.tf.json".to_owned(), "the file is not valid UTF-8".to_owned(), 1, 33),
        ]
    );
    assert_eq!(v["summary"]["skipped"], 1, "{v}");
    assert_eq!(v["summary"]["diagnostics"], 4, "{v}");
}

#[test]
fn terraform_json_blocks_as_arrays_of_objects_are_read() {
    let dir = common::write_tree(
        "terraform-json-arrays",
        &[(
            "main.tf.json",
            r#"{
  "resource": [
    {"aws_vpc": {"a": {"cidr_block": "10.0.0.0/16"}, "b": {"cidr_block": "172.16.0.0/16"}}},
    {"aws_subnet": [
      {"a": {"vpc_id": "${aws_vpc.a.id}", "cidr_block": "10.0.0.0/24"}},
      {"b": [{"vpc_id": "${aws_vpc.b.id}", "cidr_block": "172.16.0.0/24"}]}
    ]},
    {"aws_vpc_peering_connection": {"a_b": {"vpc_id": "${aws_vpc.b.id}", "peer_vpc_id": "${aws_vpc.a.id}", "auto_accept": true}}},
    {"aws_route_table": {"b": {"vpc_id": "${aws_vpc.b.id}", "route": [{"cidr_block": "10.0.0.0/16", "vpc_peering_connection_id": "${aws_vpc_peering_connection.a_b.id}"}]}}},
    {"aws_route_table_association": {"b": {"subnet_id": "${aws_subnet.b.id}", "route_table_id": "${aws_route_table.b.id}"}}},
    {"aws_vpc_endpoint": {"kinesis": {"vpc_id": "${aws_vpc.a.id}", "vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.ap-northeast-1.kinesis-streams", "subnet_ids": ["${aws_subnet.a.id}"]}}},
    {"aws_instance": {"legacy": {"instance_type": "${local.type}", "subnet_id": "${aws_subnet.b.id}"}}}
  ],
  "provider": [{"aws": {"region": "ap-northeast-1"}}],
  "locals": [{"family": "m4"}, {"type": "${local.family}.large"}]
}"#,
        )],
    );
    let (code, v) = check(&dir);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    // Every block read: DNS008 (private DNS off, the default, and VPC B has no internet
    // path), NET001 (the endpoint's default group), NET002 (VPC A's main table has no route
    // back over the peering) and VPC001 (the m4 from the locals).
    assert_eq!(
        common::rules_and_resources(&v),
        [
            ("DNS008".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("NET001".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("NET002".to_owned(), "aws_vpc_endpoint.kinesis".to_owned()),
            ("VPC001".to_owned(), "aws_instance.legacy".to_owned())
        ]
    );
}

/// A file outside every repository the test makes, with content that must never be echoed.
#[cfg(unix)]
fn outside_file(dir: &Path) -> PathBuf {
    let secret = dir.join("outside");
    std::fs::create_dir_all(secret.join("dot-terraform/modules/m")).unwrap();
    let text = "resource \"aws_vpc\" \"SECRET_MARKER\" {\n  cidr_block = SECRET_MARKER broken\n}\n";
    std::fs::write(secret.join("secret.tf"), text).unwrap();
    std::fs::write(secret.join("dot-terraform/modules/m/main.tf"), text).unwrap();
    secret
}

#[cfg(unix)]
#[test]
fn nothing_outside_the_repository_is_read_through_symbolic_links() {
    use std::os::unix::fs::symlink;
    let manifest = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"m","Source":"registry.terraform.io/x/y/aws","Version":"1.0.0","Dir":".terraform/modules/m"}]}"#;
    let call = "module \"m\" {\n  source  = \"x/y/aws\"\n  version = \"1.0.0\"\n}\n";
    let finding = fixture("VPC001/fail/tf-m4-over-peering/main.tf");
    let dir = common::write_tree(
        "confinement",
        &[
            // A module directory that is a link out of the repository.
            ("module-dir/.git/HEAD", ""),
            ("module-dir/main.tf", call),
            ("module-dir/.terraform/modules/modules.json", manifest),
            // A real module directory with a file that is a link out.
            ("module-file/.git/HEAD", ""),
            ("module-file/main.tf", call),
            ("module-file/.terraform/modules/modules.json", manifest),
            // `.terraform` itself a link out; a `.tf` link out; a link inside that is read.
            ("dot-terraform/.git/HEAD", ""),
            ("dot-terraform/main.tf", call),
            ("dot-terraform/network/main.tf", finding.as_str()),
        ],
    );
    let outside = outside_file(&dir);
    std::fs::write(outside.join("dot-terraform/modules/modules.json"), manifest).unwrap();
    symlink(
        outside.join("dot-terraform/modules/m"),
        dir.join("module-dir/.terraform/modules/m"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("module-file/.terraform/modules/m")).unwrap();
    symlink(
        outside.join("secret.tf"),
        dir.join("module-file/.terraform/modules/m/main.tf"),
    )
    .unwrap();
    symlink(
        outside.join("dot-terraform"),
        dir.join("dot-terraform/.terraform"),
    )
    .unwrap();
    symlink(outside.join("secret.tf"), dir.join("dot-terraform/link.tf")).unwrap();
    symlink(
        dir.join("dot-terraform/network/main.tf"),
        dir.join("dot-terraform/linked.tf"),
    )
    .unwrap();

    let refused = |v: &Value| -> Vec<String> {
        v["unchecked"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| {
                u["reason"]
                    .as_str()
                    .unwrap()
                    .contains("outside the repository")
            })
            .map(|u| {
                u["resource"]
                    .as_str()
                    .unwrap()
                    .rsplit(['/', '\\'])
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("<")
            })
            .collect()
    };
    for (tree, expected, findings) in [
        ("module-dir", vec!["m<modules<.terraform"], 0),
        ("module-file", vec!["main.tf<m<modules"], 0),
        (
            "dot-terraform",
            vec![
                "modules.json<modules<.terraform",
                "link.tf<dot-terraform<confinement",
            ],
            // The finding of network/main.tf, once through the link beside it too.
            4,
        ),
    ] {
        let (code, v) = check(&dir.join(tree));
        assert_eq!(code, i32::from(findings > 0), "{tree}: {v}");
        assert_eq!(v["summary"]["errors"], 0, "{tree}: {v}");
        assert_eq!(refused(&v), expected, "{tree}: {v}");
        assert_eq!(v["summary"]["diagnostics"], findings, "{tree}: {v}");
        for format in ["json", "text", "sarif", "github", "concise"] {
            let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
                .args(["check", "--format", format])
                .arg(dir.join(tree))
                .output()
                .unwrap();
            let all = [out.stdout, out.stderr].concat();
            assert!(
                !String::from_utf8_lossy(&all).contains("SECRET_MARKER"),
                "{tree} --format {format} echoes a file outside the repository"
            );
        }
    }
}

/// A local module outside the scanned path (`vpclint check examples/complete`, which calls
/// `../..`) is read as discovery reads a scanned directory: Terraform's names only, text
/// decoded the same way, and nothing through a symbolic link out of the repository.
#[cfg(unix)]
#[test]
fn a_module_outside_the_scanned_path_is_read_as_discovery_reads() {
    use std::os::unix::fs::symlink;
    let finding = fixture("VPC001/fail/tf-m4-over-peering/main.tf");
    let broken = "resource \"aws_vpc\" \"broken\" {\n  cidr_block = = \n}\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "resource \"aws_vpc\" \"from_utf16\" {\n  cidr_block = \"10.99.0.0/16\"\n}\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let dir = common::write_tree(
        "outside-scanned-path",
        &[
            ("repo/.git/HEAD", b"".to_vec()),
            ("repo/main.tf", finding.into_bytes()),
            // Terraform reads neither: an upper-case suffix, a hidden file, a backup.
            ("repo/Broken.TF", broken.as_bytes().to_vec()),
            ("repo/.hidden.tf", broken.as_bytes().to_vec()),
            ("repo/main.tf~", broken.as_bytes().to_vec()),
            ("repo/utf16.tf", utf16),
            (
                "repo/examples/complete/main.tf",
                b"module \"root\" {\n  source = \"../..\"\n}\n".to_vec(),
            ),
        ],
    );
    let outside = outside_file(&dir);
    symlink(outside.join("secret.tf"), dir.join("repo/link.tf")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "json", "examples/complete"])
        .current_dir(dir.join("repo"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("SECRET_MARKER"), "{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "VPC001" && d["file"] == "main.tf"),
        "{v:#}"
    );
    let unchecked: Vec<(&str, &str)> = v["unchecked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["resource"].as_str().unwrap(),
                u["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        unchecked
            .iter()
            .any(|(resource, reason)| *resource == "link.tf"
                && reason.contains("outside the repository")),
        "{unchecked:?}"
    );
    // utf16.tf was read: its VPC is a resource of the module (the fixture has 9 more).
    let fixture_only = {
        let only = common::write_tree(
            "outside-scanned-path-fixture",
            &[("main.tf", fixture("VPC001/fail/tf-m4-over-peering/main.tf"))],
        );
        check(&only).1["summary"]["resources"].as_u64().unwrap()
    };
    assert_eq!(
        v["summary"]["resources"].as_u64().unwrap(),
        fixture_only + 1,
        "{v:#}"
    );
}
