//! Suppressions through `check::check`: where a directive applies (above or inside a
//! resource, every comment form of HCL and YAML, CloudFormation Metadata), SUP001/SUP002,
//! how the configuration turns them off, and `summary.suppressed` in the JSON contract.
//! The per-rule fixtures (`fixtures/SUP00x/`) cover the basic cases of each rule.

use std::path::PathBuf;

use vpclint::check::{self, Options, Report};
use vpclint::config::RuleSelection;
use vpclint::discover::{FileKind, Input};

const TF: &str = include_str!("../fixtures/VPC001/fail/tf-m4-over-peering/main.tf");
const CFN: &str = include_str!("../fixtures/VPC001/fail/cfn-m4-over-peering/template.yaml");
const TF_INSTANCE: &str = "resource \"aws_instance\" \"legacy\" {\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = \"m4.large\"\n";
const CFN_INSTANCE: &str = "  LegacyInstance:\n    Type: AWS::EC2::Instance\n    Properties:\n";

fn run_with(files: &[(&str, FileKind, String)], rules: RuleSelection) -> Report {
    let inputs = files
        .iter()
        .map(|(path, kind, text)| Input {
            path: PathBuf::from(path),
            kind: *kind,
            text: text.clone(),
        })
        .collect();
    let options = Options {
        rules,
        ..Options::default()
    };
    check::check(inputs, Vec::new(), 0, &options)
}

/// The Terraform fixture with `edit` applied to the instance's block.
fn tf(edit: impl Fn(&str) -> String) -> Report {
    assert!(TF.contains(TF_INSTANCE));
    let text = TF.replace(TF_INSTANCE, &edit(TF_INSTANCE));
    run_with(
        &[("main.tf", FileKind::Terraform, text)],
        RuleSelection::default(),
    )
}

fn cfn(edit: impl Fn(&str) -> String) -> Report {
    assert!(CFN.contains(CFN_INSTANCE));
    let text = CFN.replace(CFN_INSTANCE, &edit(CFN_INSTANCE));
    run_with(
        &[("t.yaml", FileKind::CloudFormationYaml, text)],
        RuleSelection::default(),
    )
}

/// Rules of the findings other than DNS001 (which the fixtures also have, on the VPC).
fn rules(r: &Report) -> Vec<&str> {
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.diagnostics
        .iter()
        .map(|d| d.rule)
        .filter(|id| *id != "DNS001")
        .collect()
}

#[test]
fn every_hcl_comment_form_above_or_inside() {
    let forms = [
        "# vpclint:ignore[VPC001] why\n{I}",
        "// vpclint:ignore[VPC001] why\n{I}",
        "/* vpclint:ignore[VPC001] why */\n{I}",
        "/* vpclint:ignore[VPC001] why\n   continued */\n{I}",
        // Other comments and blank lines may come between.
        "# vpclint:ignore[VPC001] why\n\n# owned by the platform team\n{I}",
        "{I}  # vpclint:ignore[VPC001] why\n",
        "{I}  /* vpclint:ignore[VPC001] why */\n",
    ];
    for form in forms {
        let r = tf(|i| form.replace("{I}", i));
        assert_eq!((rules(&r), r.summary.suppressed), (vec![], 1), "{form}");
    }
    // Not suppressed: the wrong rule, another resource between, a typo'd marker.
    let r = tf(|i| format!("# vpclint:ignore[VPC002] why\n{i}"));
    assert_eq!(rules(&r), ["SUP002", "VPC001"]);
    let r = tf(|i| format!("# vpclint:ignore[VPC001] why\nresource \"aws_eip\" \"x\" {{}}\n{i}"));
    assert_eq!(rules(&r), ["SUP002", "VPC001"]);
    assert_eq!(r.summary.suppressed, 0);
    // A typo'd marker suppresses nothing, and SUP002 says it is not a suppression.
    let r = tf(|i| format!("# vpclint:ignored[VPC001] why\n{i}"));
    assert_eq!(rules(&r), ["SUP002", "VPC001"]);
    let sup = r.diagnostics.iter().find(|d| d.rule == "SUP002").unwrap();
    assert!(
        sup.message
            .contains("`vpclint:ignored[` is not a suppression"),
        "{}",
        sup.message
    );
    // Prose that names vpclint is no near miss.
    let r = tf(|i| format!("# vpclint ignores the module below\n{i}"));
    assert_eq!(rules(&r), ["VPC001"]);
}

#[test]
fn a_directive_in_a_string_is_not_a_comment() {
    let r =
        tf(|i| format!("{i}  tags = {{ Note = \"# vpclint:ignore[VPC001] not a comment\" }}\n"));
    assert_eq!(rules(&r), ["VPC001"]);
}

#[test]
fn several_rules_in_one_directive() {
    let r = tf(|i| format!("# vpclint:ignore[VPC001, EC2001] why\n{i}"));
    assert_eq!(rules(&r), ["SUP002"], "EC2001 suppresses nothing");
    let sup = r.diagnostics.iter().find(|d| d.rule == "SUP002").unwrap();
    assert!(
        sup.message.contains("has no EC2001 finding"),
        "{}",
        sup.message
    );
    assert_eq!(r.summary.suppressed, 1);
}

#[test]
fn yaml_comments_and_metadata() {
    let forms = [
        "  # vpclint:ignore[VPC001] why\n{I}",
        "  LegacyInstance: # vpclint:ignore[VPC001] why\n    Type: AWS::EC2::Instance\n    Properties:\n",
        "{I}      # vpclint:ignore[VPC001] why\n",
        "  LegacyInstance:\n    Type: AWS::EC2::Instance\n    Metadata: {vpclint: {ignore: [{rule: VPC001, reason: why}]}}\n    Properties:\n",
    ];
    for form in forms {
        let r = cfn(|i| form.replace("{I}", i));
        assert_eq!((rules(&r), r.summary.suppressed), (vec![], 1), "{form}");
    }
    // A bare id in Metadata works, and asks for a reason.
    let r = cfn(|i| {
        i.replace(
            "    Properties:\n",
            "    Metadata:\n      vpclint:\n        ignore: [VPC001]\n    Properties:\n",
        )
    });
    assert_eq!(rules(&r), ["SUP001"]);
}

#[test]
fn malformed_metadata_is_a_file_error() {
    let r = cfn(|i| {
        i.replace(
            "    Properties:\n",
            "    Metadata:\n      vpclint:\n        ignore: VPC001\n    Properties:\n",
        )
    });
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0]
        .message
        .contains("Metadata.vpclint.ignore must be a list"));
    let r = cfn(|i| {
        i.replace(
            "    Properties:\n",
            "    Metadata:\n      vpclint:\n        ignroe: [VPC001]\n    Properties:\n",
        )
    });
    assert!(
        r.errors[0].message.contains("unknown key `ignroe`"),
        "{:?}",
        r.errors
    );
}

#[test]
fn a_directive_covers_every_instance_of_a_module() {
    let module = TF
        .replace("provider \"aws\" {\n  region = \"ap-northeast-1\"\n}\n", "")
        .replace(
            TF_INSTANCE,
            &format!("# vpclint:ignore[VPC001] why\n{TF_INSTANCE}"),
        );
    let root = "provider \"aws\" {\n  region = \"ap-northeast-1\"\n}\nmodule \"one\" {\n  source = \"./net\"\n}\nmodule \"two\" {\n  source = \"./net\"\n}\n";
    let r = run_with(
        &[
            ("main.tf", FileKind::Terraform, root.to_owned()),
            ("net/main.tf", FileKind::Terraform, module),
        ],
        RuleSelection::default(),
    );
    assert_eq!((rules(&r), r.summary.suppressed), (vec![], 2));
}

#[test]
fn the_configuration_turns_the_suppression_rules_off() {
    let text = TF.replace(
        TF_INSTANCE,
        &format!("# vpclint:ignore[VPC001]\n{TF_INSTANCE}"),
    );
    let file = [("main.tf", FileKind::Terraform, text)];
    let r = run_with(&file, RuleSelection::default());
    assert_eq!(rules(&r), ["SUP001"]);
    let off = RuleSelection {
        ignore: vec!["SUP".to_owned()],
        ..RuleSelection::default()
    };
    let r = run_with(&file, off);
    assert_eq!((rules(&r), r.summary.suppressed), (vec![], 1));
    // A suppression of a rule that did not run is not reported as unused.
    let no_vpc = RuleSelection {
        ignore: vec!["VPC001".to_owned()],
        ..RuleSelection::default()
    };
    let r = run_with(&file, no_vpc);
    assert_eq!(rules(&r), ["SUP001"]);
    // Severity overrides apply to them as to any rule.
    let error = RuleSelection {
        severity: vec![("SUP".to_owned(), vpclint::diagnostic::Severity::Error)],
        ..RuleSelection::default()
    };
    let r = run_with(&file, error);
    assert_eq!(
        r.diagnostics
            .iter()
            .find(|d| d.rule == "SUP001")
            .unwrap()
            .severity
            .as_str(),
        "error"
    );
}

#[test]
fn suppressed_findings_are_counted_in_the_json_summary() {
    let r = tf(|i| format!("# vpclint:ignore[VPC001] why\n{i}"));
    let v: serde_json::Value = serde_json::from_str(&vpclint::emit::json::render(&r)).unwrap();
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["summary"]["diagnostics"], 1, "DNS001 only");
    let text = vpclint::emit::render(
        &r,
        vpclint::emit::Format::Concise,
        &vpclint::emit::EmitOptions {
            color: false,
            explain_unknown: false,
            repo_root: None,
            cwd: None,
            docs_url: None,
            ..vpclint::emit::EmitOptions::default()
        },
    );
    assert!(text.contains(", 1 suppressed)."), "{text}");
}
