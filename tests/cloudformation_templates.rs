//! CloudFormation as real templates write it: parameters and parameter files, intrinsic
//! functions, conditions (bounded), cross-stack imports, nested stacks, SAM and CDK output,
//! and exact locations. Fixture scenarios run through the binary (for the flags); small
//! templates run in memory through `check::check`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use vpclint::check::{self, Options, Report};
use vpclint::discover::{FileKind, Input};

const PARAM_FAIL: &str = "fixtures/VPC001/fail/cfn-parameter-default";
const PARAM_PASS: &str = "fixtures/VPC001/pass/cfn-parameter-json";
const CONDITION: &str = "fixtures/VPC001/fail/cfn-condition-environment";

fn vpclint(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(&all)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().expect("exits"), value, stderr)
}

fn vpc001(v: &Value) -> Vec<String> {
    first_vpc001s(v)
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The VPC001 findings (other rules may also report on these designs).
fn first_vpc001s(v: &Value) -> Vec<Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "VPC001")
        .cloned()
        .collect()
}

/// Runs templates given as text (path, text) through the whole pipeline.
fn check_texts(files: &[(&str, &str)], options: &Options) -> Report {
    let inputs = files
        .iter()
        .map(|(path, text)| Input {
            path: PathBuf::from(path),
            kind: if std::path::Path::new(path)
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

fn line_col(report: &Report, span: vpclint::source::Span) -> (u32, u32) {
    let lc = report.sources.get(span.file).line_col(span.start);
    (lc.line, lc.column)
}

// ---------------------------------------------------------------- parameters

#[test]
fn parameter_files_flip_a_finding_off_in_both_file_formats() {
    let (_, v, _) = vpclint(&[PARAM_FAIL]);
    assert_eq!(vpc001(&v).len(), 1, "the Default m4.large is flagged");
    for file in ["params-nitro.json", "params-nitro.properties"] {
        let path = format!("{PARAM_FAIL}/{file}");
        // VPC001 only: the endpoint's private DNS is off, so DNS008 warns whatever the type.
        let (code, v, _) = vpclint(&[PARAM_FAIL, "--select", "VPC001", "--parameters", &path]);
        assert_eq!(vpc001(&v), Vec::<String>::new(), "{file} selects m5.large");
        assert_eq!(code, 0, "{v}");
    }
}

#[test]
fn a_codepipeline_parameter_file_flips_a_finding_on() {
    let (_, v, _) = vpclint(&[PARAM_PASS]);
    assert!(vpc001(&v).is_empty());
    let path = format!("{PARAM_PASS}/params-xen.json");
    let (code, v, _) = vpclint(&[PARAM_PASS, "--parameters", &path]);
    assert_eq!(vpc001(&v).len(), 1);
    assert_eq!(code, 1);
}

#[test]
fn parameter_flags_win_over_files() {
    let path = format!("{PARAM_FAIL}/params-nitro.json");
    let (_, v, _) = vpclint(&[
        PARAM_FAIL,
        "--parameters",
        &path,
        "--parameter",
        "AppInstanceType=c4.large",
    ]);
    let messages = vpc001(&v);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("c4.large"), "{messages:?}");
}

#[test]
fn a_value_outside_allowed_values_is_an_error_at_the_declaration() {
    let (code, v, _) = vpclint(&[PARAM_PASS, "--parameter", "AppInstanceType=m4.xlarge"]);
    assert_eq!(code, 1);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("'m4.xlarge' (--parameter) is not one of its AllowedValues"),
        "{message}"
    );
    // `"AllowedValues": [` in template.json.
    assert_eq!(errors[0]["location"]["line"], 8);
    assert_eq!(errors[0]["location"]["column"], 24);
}

#[test]
fn allowed_values_of_a_list_parameter_apply_to_each_element() {
    let template = |default: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Tiers:\n    Type: \
             CommaDelimitedList\n    AllowedValues: [Public, Private]\n    Default: {default}\n\
             Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {{CidrBlock: \
             10.0.0.0/16}}\n"
        )
    };
    let report = check_texts(
        &[("t.yaml", &template("'Public, Private'"))],
        &Options::default(),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let report = check_texts(
        &[("t.yaml", &template("'Public,Edge'"))],
        &Options::default(),
    );
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["parameter Tiers: 'Edge' in the Default 'Public,Edge' is not one of its AllowedValues (Public, Private)"]
    );
    let mut options = Options::default();
    options.lower.cloudformation.parameters =
        vec![vpclint::lower::cloudformation::ParameterValue {
            key: "Tiers".into(),
            value: "Private".into(),
            source: "--parameter".into(),
        }];
    let report = check_texts(&[("t.yaml", &template("Public"))], &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn an_unreadable_parameter_file_is_a_usage_error() {
    let (code, _, stderr) = vpclint(&[PARAM_FAIL, "--parameters", "no/such/params.json"]);
    assert_eq!(code, 2, "{stderr}");
    let bad = format!("{PARAM_FAIL}/template.yaml");
    let (code, _, stderr) = vpclint(&[PARAM_FAIL, "--parameters", &bad]);
    assert_eq!(code, 2, "a template is not a parameter file: {stderr}");
}

// ---------------------------------------------------------------- conditions

#[test]
fn a_finding_under_one_environment_names_its_condition_and_points_inside_the_if() {
    let (_, v, _) = vpclint(&[CONDITION]);
    let d = &first_vpc001s(&v)[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .ends_with("this holds only when UseLegacyInstances is true"),
        "{d}"
    );
    // `m4.large` inside `!If [UseLegacyInstances, m4.large, m5.large]`.
    assert_eq!(d["location"]["line"], 74);
    assert_eq!(d["location"]["column"], 46);
    assert_eq!(v["summary"]["resources"], 11, "copies per world count once");
}

#[test]
fn a_known_parameter_decides_the_condition() {
    let (_, v, _) = vpclint(&[CONDITION, "--parameter", "Environment=prod"]);
    assert!(vpc001(&v).is_empty());
    let (_, v, _) = vpclint(&[CONDITION, "--parameter", "Environment=dev"]);
    let messages = vpc001(&v);
    assert_eq!(messages.len(), 1);
    assert!(!messages[0].contains("holds only"), "decided: {messages:?}");
}

#[test]
fn the_bound_on_combinations_is_reported_never_exceeded() {
    let (_, v, _) = vpclint(&[CONDITION, "--max-condition-combinations", "2"]);
    assert!(vpc001(&v).is_empty(), "nothing is guessed");
    let unchecked = v["unchecked"].as_array().unwrap();
    let bound = unchecked
        .iter()
        .find(|u| u["resource"] == "Conditions")
        .expect("the bound is reported");
    let reason = bound["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("more than 2 combinations of conditions: Environment left undecided"),
        "{reason}"
    );
    assert!(unchecked.iter().any(|u| u["resource"] == "AppInstance"
        && u["reason"]
            .as_str()
            .unwrap()
            .contains("condition UseLegacyInstances, which is not decided")));
}

const CONDITIONS: &str = r"
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Tier: {Type: String}
  Legacy: {Type: String, AllowedValues: ['true', 'false']}
Conditions:
  InUsEast: !Equals [!Ref 'AWS::Region', us-east-1]
  IsGold: !Equals [!Ref Tier, gold]
  IsSilver: !Equals [!Ref Tier, silver]
  OldGold: !And [!Condition IsGold, !Equals [!Ref Legacy, 'true']]
Resources:
  VpcA: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  SubnetA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VpcA, CidrBlock: 10.0.1.0/24}}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcEndpointType: Interface, ServiceName: x, VpcId: !Ref VpcA, SubnetIds: [!Ref SubnetA]}
  VpcB: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16}}
  SubnetB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VpcB, CidrBlock: 10.1.1.0/24}}
  Peering: {Type: AWS::EC2::VPCPeeringConnection, Properties: {VpcId: !Ref VpcB, PeerVpcId: !Ref VpcA}}
  TableB: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref VpcB}}
  Assoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref SubnetB, RouteTableId: !Ref TableB}}
  Route:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref TableB, DestinationCidrBlock: 10.0.0.0/16, VpcPeeringConnectionId: !Ref Peering}
  Gold:
    Type: AWS::EC2::Instance
    Condition: OldGold
    Properties: {InstanceType: m4.large, SubnetId: !Ref SubnetB}
  Silver:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !If [IsSilver, c4.large, !If [InUsEast, t2.micro, m5.large]]
      SubnetId: !Ref SubnetB
";

fn messages(report: &Report) -> Vec<(String, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "VPC001")
        .map(|d| (d.resource.clone(), d.message.clone()))
        .collect()
}

#[test]
fn conditions_split_on_literals_allowed_values_and_pseudo_parameters() {
    let report = check_texts(&[("t.yaml", CONDITIONS)], &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found = messages(&report);
    let by = |r: &str| {
        found
            .iter()
            .filter(|(res, _)| res == r)
            .map(|(_, m)| {
                m.split("; this holds ")
                    .nth(1)
                    .unwrap_or("always")
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(by("Gold"), ["only when OldGold is true"]);
    assert_eq!(
        by("Silver"),
        [
            "only when IsSilver is true",
            "only when InUsEast is true and IsSilver is false"
        ]
    );
}

#[test]
fn the_region_decides_region_conditions() {
    let mut options = Options::default();
    options.lower.cloudformation.region = Some("eu-west-1".to_owned());
    let report = check_texts(&[("t.yaml", CONDITIONS)], &options);
    let silver: Vec<_> = messages(&report)
        .into_iter()
        .filter(|(r, _)| r == "Silver")
        .collect();
    assert_eq!(silver.len(), 1, "{silver:?}");
    assert!(silver[0].1.contains("c4.large"));
}

// ---------------------------------------------------------------- intrinsics

const BASE: &str = r"
AWSTemplateFormatVersion: '2010-09-09'
Mappings:
  Sizes:
    prod: {Type: m4.large, Cidrs: [10.1.0.0/16]}
Parameters:
  Env: {Type: String, Default: prod}
  Zones: {Type: CommaDelimitedList, Default: 'a,b'}
Resources:
  VpcA: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcA
      CidrBlock: !Select [3, !Cidr [!GetAtt VpcA.CidrBlock, 4, 8]]
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: !Join ['', [Inter, face]]
      ServiceName: !Sub 'com.amazonaws.${AWS::Region}.kinesis-streams'
      VpcId: !Ref VpcA
      SubnetIds: !Split [',', !Join [',', [!Ref SubnetA]]]
  VpcB:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Select [0, !FindInMap [Sizes, !Ref Env, Cidrs]]}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcB
      CidrBlock: !Sub ['${Net}.1.0/24', {Net: '10.1'}]
      AvailabilityZone: !Select [0, !GetAZs '']
  Peering: {Type: AWS::EC2::VPCPeeringConnection, Properties: {VpcId: !Ref VpcB, PeerVpcId: !Ref VpcA}}
  TableB: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref VpcB}}
  Assoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref SubnetB, RouteTableId: !Ref TableB}}
  Route:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref TableB, DestinationCidrBlock: 10.0.3.0/24, VpcPeeringConnectionId: !Ref Peering}
  App:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !FindInMap [Sizes, !Ref Env, Type]
      SubnetId: !Ref SubnetB
      UserData: !Base64 '#!/bin/bash'
";

#[test]
fn intrinsics_are_evaluated_to_a_finding() {
    let report = check_texts(&[("t.yaml", BASE)], &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "VPC001")
        .expect("Cidr, Select, FindInMap, Join, Split and Sub all evaluate");
    // The mapping value that is wrong: `Type: m4.large` under Sizes.prod.
    assert_eq!(line_col(&report, d.span), (5, 18));
}

#[test]
fn a_cidr_that_does_not_match_the_route_gives_no_finding() {
    // Subnet 2 of the VPC's /24s (10.0.2.0/24) is not behind the /24 route to 10.0.3.0.
    let text = BASE.replace("!Select [3, !Cidr", "!Select [2, !Cidr");
    let report = check_texts(&[("t.yaml", &text)], &Options::default());
    assert!(messages(&report).is_empty());
}

#[test]
fn template_mistakes_are_errors_at_their_exact_place() {
    let text = BASE
        .replace(
            "'com.amazonaws.${AWS::Region}.kinesis-streams'",
            "'com.amazonaws.${Regoin}.kinesis-streams'",
        )
        .replace(
            "!FindInMap [Sizes, !Ref Env, Type]",
            "!FindInMap [Sizes, dev, Type]",
        )
        .replace(
            "!Cidr [!GetAtt VpcA.CidrBlock, 4, 8]",
            "!Cidr [!GetAtt VpcA.CidrBlock, 4, 17]",
        );
    let report = check_texts(&[("t.yaml", &text)], &Options::default());
    let errors: Vec<(u32, u32, &str)> = report
        .errors
        .iter()
        .map(|e| (e.location.line, e.location.column, e.message.as_str()))
        .collect();
    assert!(
        errors.contains(&(
            20,
            40,
            "Fn::Sub: ${Regoin} is not a parameter, resource or attribute"
        )),
        "inside the !Sub string: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, c, m)| (*l, *c) == (15, 30) && m.contains("Fn::Cidr")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, _, m)| *l == 41 && m.contains("Sizes has no entry dev / Type")),
        "{errors:?}"
    );
}

#[test]
fn deploy_time_values_stay_unknown() {
    // AZs, SSM parameters and resource attributes inside strings are never guessed.
    let text = BASE.replace(
        "InstanceType: !FindInMap [Sizes, !Ref Env, Type]",
        "InstanceType: !Sub '${VpcA}.large'",
    );
    let report = check_texts(&[("t.yaml", &text)], &Options::default());
    assert!(messages(&report).is_empty());
    assert!(report
        .unchecked
        .iter()
        .any(|u| u.resource == "App" && u.reason.contains("known only after deployment")));
}

// ---------------------------------------------------------------- stacks

#[test]
fn cross_stack_imports_join_two_templates_into_one_graph() {
    for dir in [
        "fixtures/VPC001/fail/cfn-cross-stack",
        "fixtures/VPC001/fail/cfn-cross-stack-json",
    ] {
        let (_, v, _) = vpclint(&[dir]);
        let d = &first_vpc001s(&v)[0];
        assert_eq!(d["path"][1], "SubnetB", "{dir}: the imported subnet");
        assert!(d["file"].as_str().unwrap().contains("app."), "{d}");
        assert!(d["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["file"].as_str().unwrap().contains("network.")));
    }
}

#[test]
fn an_export_name_two_scanned_templates_export_is_ambiguous() {
    // The same stacks in YAML and JSON: both export 'shared-SubnetB'. Which one an app stack
    // imports depends on the account and region it is deployed in: not known.
    let (_, v, _) = vpclint(&[
        "fixtures/VPC001/fail/cfn-cross-stack",
        "fixtures/VPC001/fail/cfn-cross-stack-json",
    ]);
    assert!(vpc001(&v).is_empty(), "{v}");
    let reasons: Vec<&str> = v["unchecked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"].as_str().unwrap())
        .collect();
    // Two about the instance's subnets, one about whether VpcB runs workloads (DNS008).
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    for reason in reasons {
        assert!(
            reason.contains("'shared-SubnetB' is exported by network.yaml and network.json"),
            "{reason}"
        );
    }
}

#[test]
fn an_export_renamed_by_a_parameter_breaks_the_link() {
    let dir = "fixtures/VPC001/fail/cfn-cross-stack";
    let (_, v, _) = vpclint(&[dir, "--parameter", "EnvironmentName=other"]);
    assert!(vpc001(&v).is_empty());
    assert!(v["unchecked"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["reason"]
            .as_str()
            .unwrap()
            .contains("no template of the scanned files exports 'shared-SubnetB'")));
}

#[test]
fn nested_stacks_are_analysed_with_their_parameters_and_remote_ones_counted() {
    let (_, v, _) = vpclint(&["fixtures/VPC001/fail/cfn-nested-stack-json"]);
    let d = &first_vpc001s(&v)[0];
    assert_eq!(d["path"][1], "Network/SubnetB");
    let unchecked = v["unchecked"].as_array().unwrap();
    assert_eq!(unchecked.len(), 1, "{unchecked:?}");
    assert_eq!(unchecked[0]["resource"], "Shared");
    assert_eq!(v["summary"]["unchecked"], 1);
}

// ---------------------------------------------------------------- SAM and CDK

#[test]
fn sam_functions_are_compute_without_instance_types() {
    let text = std::fs::read_to_string("fixtures/VPC001/fail/cfn-sam/template.yaml").unwrap();
    let parsed = vpclint::syntax::cloudformation::parse(
        &text,
        vpclint::syntax::cloudformation::Format::Yaml,
    );
    let files = [vpclint::lower::ParsedFile::CloudFormation {
        file: vpclint::source::FileId(0),
        root: parsed.tree.unwrap(),
    }];
    let (graph, errors) = vpclint::lower::lower(
        &[&files[0]],
        &|_| PathBuf::from("template.yaml"),
        &vpclint::lower::LowerOptions::default(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let consumer = graph
        .iter()
        .find(|(_, r)| r.address == "Consumer")
        .unwrap()
        .1;
    let vpclint::model::Kind::Compute(c) = &consumer.kind else {
        panic!("{consumer:?}");
    };
    assert_eq!(c.kind, vpclint::model::ComputeKind::Function);
    assert!(c.instance_types.is_empty());
    assert!(
        c.subnets
            .as_ref()
            .and_then(vpclint::model::Prop::targets)
            .is_some(),
        "subnets from Globals"
    );
}

#[test]
fn cdk_findings_show_the_construct_path() {
    let (_, v, _) = vpclint(&["fixtures/VPC001/fail/cfn-cdk"]);
    assert_eq!(
        first_vpc001s(&v)[0]["resource"],
        "LegacyInstance1A2B3C4D (NetworkStack/LegacyInstance/Resource)"
    );
}

#[test]
fn a_cdk_manifest_gives_stack_names_regions_and_construct_paths() {
    let dir = "fixtures/VPC001/fail/cfn-cdk/cdk.out";
    let mut template: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/NetworkStack.template.json")).unwrap(),
    )
    .unwrap();
    // As synthesised with `--no-path-metadata`: the paths are only in the manifest.
    for r in template["Resources"].as_object_mut().unwrap().values_mut() {
        r.as_object_mut().unwrap().remove("Metadata");
    }
    // The export name uses the stack name the manifest gives.
    template["Outputs"] = serde_json::json!({"Vpc": {"Value": "x",
        "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-${AWS::Region}"}}}});
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap())
            .unwrap();
    manifest["artifacts"]["NetworkStack"]["environment"] = "aws://123456789012/eu-west-1".into();
    let importer = r#"{"Resources": {"Probe": {"Type": "AWS::EC2::Instance",
        "Properties": {"InstanceType": {"Fn::ImportValue": "network-prod-eu-west-1"}}}}}"#;
    let report = check_texts(
        &[
            ("cdk.out/manifest.json", &manifest.to_string()),
            ("cdk.out/NetworkStack.template.json", &template.to_string()),
            ("app.json", importer),
        ],
        &Options::default(),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "VPC001")
        .unwrap();
    assert_eq!(
        d.resource,
        "LegacyInstance1A2B3C4D (NetworkStack/LegacyInstance/Resource)"
    );
    // The import resolved ("x" is not an instance type): stack name and region were known.
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.rule == "EC2001" && d.resource == "Probe"));
}
