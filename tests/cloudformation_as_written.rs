//! CloudFormation as it is written before CloudFormation (or a tool) processes it: YAML that
//! libyaml reads and the YAML spec does not, `Transform: AWS::LanguageExtensions`
//! (`Fn::ForEach`, `Fn::Length`, `Fn::ToJsonString`, `Fn::FindInMap` with `DefaultValue`),
//! Rain modules, and CDK apps before `cdk synth`. Each case would be a file error, a lost
//! resource or a silent gap without the handling it tests.

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use vpclint::check::{self, Options, Report};
use vpclint::discover::{FileKind, Input};
use vpclint::lower::LowerOptions;
use vpclint::model::{Graph, Kind, Resource};

const FOREACH: &str = "fixtures/VPC001/fail/cfn-foreach/template.yaml";
const UNKNOWN: &str = "fixtures/VPC001/pass/cfn-foreach-unknown-collection/template.yaml";
const RAIN: &str = "fixtures/VPC001/pass/cfn-rain-module";
const YAML: &str = "tests/data/cloudformation-as-written";

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs templates given as text (path, text) through the whole pipeline.
fn check_texts(files: &[(&str, &str)], options: &Options) -> Report {
    let inputs = files
        .iter()
        .map(|(path, text)| Input {
            path: PathBuf::from(path),
            kind: if Path::new(path)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                FileKind::CloudFormationJson
            } else {
                FileKind::CloudFormationYaml
            },
            text: (*text).to_owned(),
        })
        .collect();
    check::check(inputs, Vec::new(), 0, options)
}

fn check_dir(dir: &str, options: &Options) -> Report {
    let found = vpclint::discover::discover(&[PathBuf::from(dir)]);
    check::check(found.inputs, found.errors, found.skipped, options)
}

/// Lowers one YAML template: the graph and the lowering errors' messages.
fn lower(text: &str, options: &LowerOptions) -> (Graph, Vec<String>) {
    let parsed =
        vpclint::syntax::cloudformation::parse(text, vpclint::syntax::cloudformation::Format::Yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let files = [vpclint::lower::ParsedFile::CloudFormation {
        file: vpclint::source::FileId(0),
        root: parsed.tree.expect("a tree"),
    }];
    let (graph, errors) =
        vpclint::lower::lower(&[&files[0]], &|_| PathBuf::from("template.yaml"), options);
    (graph, errors.into_iter().map(|e| e.message).collect())
}

fn resource<'g>(graph: &'g Graph, address: &str) -> &'g Resource {
    graph
        .iter()
        .map(|(_, r)| r)
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            let all: Vec<&str> = graph.iter().map(|(_, r)| r.address.as_str()).collect();
            panic!("no {address} among {all:?}")
        })
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn line_containing(text: &str, needle: &str) -> usize {
    line_of(
        text,
        text.find(needle).unwrap_or_else(|| panic!("{needle}")),
    )
}

// ---------------------------------------------------------------- YAML as libyaml reads it

#[test]
fn yaml_that_libyaml_reads_parses_in_each_case() {
    for name in [
        "quoted-continuation.yaml",
        "block-scalar-blank-line.yaml",
        "block-scalar-header-under-key.yaml",
        "flow-continuation.yaml",
    ] {
        let path = format!("{YAML}/{name}");
        let report = check_texts(&[(&path, &read(&path))], &Options::default());
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        assert_eq!(report.summary.files, 1, "{name}");
        // The subnet after the construct is read.
        let (graph, _) = lower(&read(&path), &LowerOptions::default());
        let Kind::Subnet(subnet) = &resource(&graph, "Subnet").kind else {
            panic!("{name}: not a subnet");
        };
        assert!(
            subnet.cidr.as_ref().unwrap().known_value().is_some(),
            "{name}"
        );
    }
}

#[test]
fn yaml_values_are_what_libyaml_reads() {
    let tree = |name: &str| {
        let parsed = vpclint::syntax::cloudformation::parse(
            &read(&format!("{YAML}/{name}")),
            vpclint::syntax::cloudformation::Format::Yaml,
        );
        assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        parsed.tree.unwrap()
    };
    let props = |root: &vpclint::syntax::tree::Node, logical: &str| {
        root.get("Resources")
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Properties"))
            .cloned()
            .unwrap()
    };
    let root = tree("quoted-continuation.yaml");
    let sg = props(&root, "AppSecurityGroup");
    assert_eq!(
        sg.get("GroupDescription").and_then(|n| n.as_scalar_str()),
        Some("application servers")
    );
    let ingress = &sg.get("SecurityGroupIngress").unwrap().as_seq().unwrap()[0];
    let sub = ingress.get("Description").unwrap().get("Fn::Sub").unwrap();
    assert_eq!(
        sub.as_scalar_str(),
        Some("HTTPS from the VPC of stack ${AWS::StackName}")
    );
    let root = tree("block-scalar-header-under-key.yaml");
    assert_eq!(
        props(&root, "AppSecurityGroup")
            .get("GroupDescription")
            .and_then(|n| n.as_scalar_str()),
        Some("Application servers behind the load balancer\n")
    );
    let root = tree("block-scalar-blank-line.yaml");
    let user_data = props(&root, "Launch")
        .get("LaunchTemplateData")
        .and_then(|d| d.get("UserData"))
        .cloned()
        .unwrap();
    assert_eq!(user_data.as_scalar_str(), Some(""));
}

#[test]
fn yaml_spans_point_into_the_file_as_written() {
    let path = format!("{YAML}/quoted-continuation.yaml");
    let text = read(&path);
    let (graph, _) = lower(&text, &LowerOptions::default());
    let subnet = resource(&graph, "Subnet");
    assert_eq!(&text[subnet.span.range()], "Subnet");
    let Kind::Subnet(s) = &subnet.kind else {
        panic!()
    };
    let cidr = s.cidr.as_ref().unwrap().span;
    assert_eq!(&text[cidr.range()], "10.0.1.0/24");
}

// ---------------------------------------------------------------- Fn::ForEach

#[test]
fn loops_make_one_resource_per_element_named_and_located_in_the_loop_body() {
    let text = read(FOREACH);
    let (graph, errors) = lower(&text, &LowerOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    // Nested loops, tiers from the parameter's Default (app,data) and zones from a list.
    for tier in ["app", "data"] {
        for zone in ["a", "b"] {
            let subnet = resource(&graph, &format!("Subnet{tier}{zone}"));
            assert_eq!(
                line_of(&text, subnet.span.range().start),
                line_containing(&text, "- Subnet${Tier}${Zone}:"),
                "a generated resource points at its loop body"
            );
            let Kind::Subnet(s) = &subnet.kind else {
                panic!()
            };
            let cidr = s.cidr.as_ref().unwrap();
            assert!(cidr.known_value().is_some(), "the mapping of {tier}/{zone}");
        }
        resource(&graph, &format!("RouteTable{tier}"));
        resource(&graph, &format!("ToProvider{tier}"));
    }
    assert!(!graph.iter().any(|(_, r)| r.address.contains("edge")));
    // &{} keeps the element's alphanumeric characters.
    resource(&graph, "EndpointSubnet1000024");
    resource(&graph, "EndpointAssociation1001024");
    // Everything is known: no resource may be missing.
    assert!(graph.iter().all(|(_, r)| r.uncertain.is_none()));
    assert_eq!(graph.len(), 24);
}

#[test]
fn a_loop_over_a_given_parameter_follows_the_value() {
    let text = read(FOREACH);
    let mut options = LowerOptions::default();
    options.cloudformation.parameters = vec![vpclint::lower::cloudformation::ParameterValue {
        key: "Tiers".into(),
        value: "data".into(),
        source: "--parameter".into(),
    }];
    let (graph, errors) = lower(&text, &options);
    // `Legacya` refers to Subnetappa, which no longer exists.
    assert_eq!(
        errors,
        ["Ref Subnetappa: no parameter or resource of that name"]
    );
    resource(&graph, "Subnetdatab");
    assert!(!graph.iter().any(|(_, r)| r.address == "Subnetappa"));
}

#[test]
fn the_finding_on_a_generated_instance_points_at_the_loop_body() {
    let report = check_dir("fixtures/VPC001/fail/cfn-foreach", &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let text = read(FOREACH);
    let vpc001: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "VPC001")
        .collect();
    assert_eq!(vpc001.len(), 1, "{vpc001:?}");
    assert!(vpc001[0].message.starts_with("Legacya (m4.large, Xen)"));
    // The instance type is the Fn::FindInMap DefaultValue (Sizes has no `dev`).
    let at = vpc001[0].span;
    assert_eq!(&text[at.range()], "m4.large");
    assert_eq!(
        line_of(&text, at.range().start),
        line_containing(&text, "DefaultValue: m4.large")
    );
}

#[test]
fn outputs_made_by_a_loop_are_exported_to_other_stacks() {
    let consumer = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Old:\n    Type: \
                    AWS::EC2::Instance\n    Properties:\n      InstanceType: m4.large\n      \
                    SubnetId: !ImportValue consumer-data-subnet-a\n";
    let report = check_texts(
        &[("network.yaml", &read(FOREACH)), ("app.yaml", consumer)],
        &Options::default(),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let messages: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "VPC001")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Old (m4.large, Xen)")),
        "{messages:?}"
    );
}

#[test]
fn an_unknown_collection_makes_resources_that_may_not_exist_and_says_so() {
    let text = read(UNKNOWN);
    let (graph, errors) = lower(&text, &LowerOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let subnet = resource(&graph, "Subnet${Zone}");
    let why = subnet.uncertain.as_deref().expect("may not exist");
    assert!(
        why.starts_with(
            "the collection of Fn::ForEach::Zones is not known: parameter Zones has no value"
        ),
        "{why}"
    );
    // A name the loop would make ("Subneta") means that resource.
    let association = resource(&graph, "FirstZoneAssociation");
    let Kind::RouteTableAssociation(a) = &association.kind else {
        panic!()
    };
    let subnet_id = graph
        .iter()
        .find(|(_, r)| r.address == "Subnet${Zone}")
        .unwrap()
        .0;
    assert_eq!(a.subnet.as_ref().unwrap().target(), Some(subnet_id));

    let report = check_texts(&[("t.yaml", &text)], &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.diagnostics.iter().all(|d| d.rule != "VPC001"));
    let note = report
        .unchecked
        .iter()
        .find(|u| u.resource == "Fn::ForEach::Zones")
        .expect("the loop is unchecked");
    assert!(
        note.reason
            .contains("how many resources it makes (Subnet${Zone}, Legacy${Zone}) is not known"),
        "{}",
        note.reason
    );
    assert_eq!(
        line_of(&text, note.span.range().start),
        line_containing(&text, "Fn::ForEach::Zones:")
    );
    let instance = report
        .unchecked
        .iter()
        .find(|u| u.resource == "Legacy${Zone}" && u.rules.contains(&"VPC001"))
        .expect("the instance's questions are unchecked");
    assert!(
        instance.reason.contains("Fn::ForEach::Zones is not known"),
        "{}",
        instance.reason
    );
}

#[test]
fn language_extension_functions_evaluate() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: [AWS::LanguageExtensions]\n\
        Parameters:\n  Zones:\n    Type: CommaDelimitedList\n    Default: a,b,c\n\
        Conditions:\n  Json: !Equals [{Fn::ToJsonString: {k: [1, !Ref Zones], n: {m: true}}}, \
        '{\"k\":[1,[\"a\",\"b\",\"c\"]],\"n\":{\"m\":true}}']\n\
        Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Condition: Json\n    Properties:\n      \
        CidrBlock: !Select [{Fn::Length: !Ref Zones}, [10.0.0.0/16, 10.1.0.0/16, 10.2.0.0/16, \
        10.3.0.0/16]]\n  Other:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: \
        !FindInMap [Nope, x, y, {DefaultValue: 10.9.0.0/16}]\n";
    let (graph, errors) = lower(text, &LowerOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let cidr = |name: &str| {
        let Kind::Vpc(v) = &resource(&graph, name).kind else {
            panic!()
        };
        v.cidr
            .as_ref()
            .unwrap()
            .known_value()
            .map(ToString::to_string)
    };
    // The condition holds (ToJsonString), and Fn::Length of three elements selects index 3.
    assert_eq!(cidr("Vpc").as_deref(), Some("10.3.0.0/16"));
    assert_eq!(cidr("Other").as_deref(), Some("10.9.0.0/16"));
}

#[test]
fn loop_errors_are_located_and_the_rest_is_analysed() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::LanguageExtensions\n\
        Parameters:\n  Name:\n    Type: String\n    Default: x\nResources:\n  \
        Fn::ForEach::Short:\n    - Id\n    - [a]\n  Fn::ForEach::NotList:\n    - Id\n    - \
        !Ref Name\n    - Vpc${Id}:\n        Type: AWS::EC2::VPC\n  Fn::ForEach::Twice:\n    - \
        Id\n    - [a, b]\n    - Same:\n        Type: AWS::EC2::VPC\n  Fn::ForEach::Zones:\n    - \
        Az\n    - !GetAZs ''\n    - Subnet${Az}:\n        Type: AWS::EC2::Subnet\n  Kept:\n    \
        Type: AWS::EC2::VPC\n";
    let report = check_texts(&[("t.yaml", text)], &Options::default());
    let errors: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.location.line as usize, e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                8,
                "Fn::ForEach::Short takes [identifier, collection, fragment]; it is not expanded"
            ),
            (
                13,
                "Fn::ForEach::NotList: Name is not a list parameter (CommaDelimitedList or \
                 List<…>); a collection is a list"
            ),
            (
                19,
                "Same is made twice (by Fn::ForEach or beside it); the first is kept"
            ),
        ]
    );
    // Fn::GetAZs is not known statically: the subnets are unchecked, not an error.
    assert!(report
        .unchecked
        .iter()
        .any(|u| u.resource == "Fn::ForEach::Zones"
            && u.reason
                .contains("the availability zones of the region are not known")));
    // Same, Kept and the representative subnet.
    assert_eq!(report.summary.resources, 3);
}

#[test]
fn a_template_of_loops_only_is_a_template() {
    // No format version and no resource with a type as written: the transform names it.
    let text = "\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Vpcs:
    - Id
    - [a, b]
    - Vpc${Id}:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
";
    let input = Input::classified("loops.yaml", text).expect("claimed by content");
    let report = check::check(vec![input], Vec::new(), 0, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.summary.files, report.summary.skipped), (1, 0));
    assert_eq!(report.summary.resources, 2);
}

#[test]
fn a_loop_without_the_transform_is_an_error_that_says_so() {
    let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn::ForEach::Vpcs:\n    \
        - Id\n    - [a]\n    - Vpc${Id}:\n        Type: AWS::EC2::VPC\n";
    let report = check_texts(&[("t.yaml", text)], &Options::default());
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["Fn::ForEach::Vpcs needs `Transform: AWS::LanguageExtensions`; it is not analysed"]
    );
}

// ---------------------------------------------------------------- Rain modules

#[test]
fn rain_modules_are_one_unchecked_entry_and_their_names_are_unknown() {
    let report = check_dir(RAIN, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    for (file, what) in [
        ("template.yaml", "a Rain module"),
        ("template.json", "a Rain module"),
        ("modules-section.yaml", "a module of the `Modules` section"),
    ] {
        let entries: Vec<_> = report
            .unchecked
            .iter()
            .filter(|u| report.sources.get(u.span.file).path.ends_with(file))
            .collect();
        let modules: Vec<_> = entries.iter().filter(|u| u.resource == "Network").collect();
        assert_eq!(modules.len(), 1, "{file}: {entries:?}");
        let expected = format!(
            "Rain module ./modules/network.yaml: {what} is not CloudFormation until `rain pkg` \
             expands it"
        );
        assert!(
            modules[0].reason.starts_with(&expected),
            "{}",
            modules[0].reason
        );
        let legacy = entries
            .iter()
            .find(|u| u.resource == "Legacy")
            .expect("the instance is unchecked");
        assert!(
            legacy
                .reason
                .contains("NetworkSubnetOne would come from the Rain module Network"),
            "{}",
            legacy.reason
        );
        if file != "template.json" {
            // Fn::Sub ${NetworkSubnetTwo}, Fn::GetAtt Network.SubnetId
            assert!(
                entries.iter().any(|u| u.resource == "LegacyTwo"),
                "{file}: {entries:?}"
            );
        }
    }
}

// ---------------------------------------------------------------- CDK apps before `cdk synth`

fn vpclint_json(args: &[&str], cwd: &Path) -> (i32, serde_json::Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (out.status.code().expect("exits"), json)
}

const CDK_APP: &[(&str, &str)] = &[
    (".git/HEAD", "ref: refs/heads/main\n"),
    ("app/cdk.json", r#"{"app": "python3 app.py"}"#),
    ("app/app.py", "import aws_cdk\n"),
    ("app/.gitignore", "cdk.out\n*.pyc\n"),
];

#[test]
fn a_cdk_app_without_its_templates_says_so_and_what_to_run() {
    let dir = common::write_tree("cdk_app_not_synthesized", CDK_APP);
    let (code, v) = vpclint_json(&["."], &dir);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["files"], 0);
    let notices = v["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["code"], "cdk-app-not-synthesized");
    assert_eq!(notices[0]["file"], "app/cdk.json");
    let message = notices[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`cdk synth` writes to app/cdk.out")
            && message.ends_with("run `cdk synth`, then `vpclint check app/cdk.out`"),
        "{message}"
    ); // A diff-aware run (the pre-commit hook) says it when cdk.json is among the files only.
    let (_, v) = vpclint_json(&["app/app.py"], &dir);
    assert_eq!(v["notices"], serde_json::json!([]));
    let (_, v) = vpclint_json(&["app/cdk.json"], &dir);
    assert_eq!(v["notices"].as_array().unwrap().len(), 1, "{v}");
}

#[test]
fn a_cdk_app_whose_templates_the_walk_left_out_names_them_and_the_advice_works() {
    let template = read("fixtures/VPC001/fail/cfn-m4-over-peering/template.yaml");
    let mut files = CDK_APP.to_vec();
    files.push(("app/cdk.out/manifest.json", r#"{"version": "36.0.0"}"#));
    files.push(("app/cdk.out/Network.template.yaml", &template));
    let dir = common::write_tree("cdk_app_output_ignored", &files);
    // `cdk.out` is in .gitignore: the walk does not enter it.
    let (_, v) = vpclint_json(&["."], &dir);
    assert_eq!(v["summary"]["files"], 0);
    let notices = v["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["code"], "cdk-output-not-walked");
    let message = notices[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("name that directory to check them: `vpclint check app/cdk.out`"),
        "{message}"
    );
    // Named, it is read, and nothing more is said.
    let (code, v) = vpclint_json(&["app/cdk.out"], &dir);
    assert_eq!(v["summary"]["files"], 1, "{v}");
    assert_eq!(code, 1, "the template's finding");
    assert_eq!(v["notices"], serde_json::json!([]));
}
