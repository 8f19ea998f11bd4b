//! CloudFormation as it is written before CloudFormation (or a tool) processes it: YAML that
//! libyaml reads and the YAML spec does not. Each case would be a file error without the
//! handling it tests.

use std::path::{Path, PathBuf};

use vpclint::check::{self, Options, Report};
use vpclint::discover::{FileKind, Input};
use vpclint::lower::LowerOptions;
use vpclint::model::{Graph, Kind, Resource};

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
