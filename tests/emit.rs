//! The emitters: every format snapshot-tested on the same inputs (`examples/seed`, and
//! `tests/data/emit/mixed`: a parse error, an unchecked resource, a skipped file and a
//! finding after non-ASCII text), SARIF validated against the official 2.1.0 schema, and the
//! properties each format promises (fingerprints, UTF-16 positions, annotation limits).

#[path = "support/common.rs"]
mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint::check::{self, Options, Report};
use vpclint::discover;
use vpclint::emit::{self, EmitOptions, Format};

const SEED: &str = "examples/seed";
const MIXED: &str = "tests/data/emit/mixed";
/// A fixed documentation address, so snapshots do not depend on `Cargo.toml`.
const DOCS: &str = "https://vpclint.invalid/blob/main/docs/rules.md";

const FORMATS: [(Format, &str); 7] = [
    (Format::Text, "text"),
    (Format::Concise, "concise"),
    (Format::Json, "json"),
    (Format::JsonLines, "json_lines"),
    (Format::Sarif, "sarif"),
    (Format::Github, "github"),
    (Format::Lsp, "lsp"),
];

fn report(path: impl AsRef<Path>) -> Report {
    let found = discover::discover(&[path.as_ref().to_path_buf()]);
    assert!(found.missing.is_empty());
    check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

/// As the CLI would fill them for a run from the repository root `/repo`.
fn options() -> EmitOptions {
    EmitOptions {
        color: false,
        explain_unknown: false,
        cwd: Some("/repo".into()),
        repo_root: Some("/repo".into()),
        docs_url: Some(DOCS.to_owned()),
        ..EmitOptions::default()
    }
}

fn render(report: &Report, format: Format) -> String {
    emit::render(report, format, &options())
}

/// The SARIF log with each rule's long texts shortened: they are the rule files' docs, which
/// `tests/docs.rs` covers (and `tests/sarif.rs` how they are cut); the snapshot is about the
/// shape (and keeps the output's key order).
fn sarif_for_snapshot(text: &str) -> String {
    let mut out = text.to_owned();
    for meta in vpclint::rules::all() {
        let encoded = serde_json::to_string(meta.docs.fix.trim()).unwrap();
        out = out.replace(
            &encoded,
            &format!("\"[docs.fix of rules/{}.toml]\"", meta.id),
        );
    }
    let mut in_full_description = false;
    out.lines()
        .map(|line| {
            let full = std::mem::replace(
                &mut in_full_description,
                line.contains("\"fullDescription\""),
            );
            match (line.find("\"markdown\": \""), line.find("\"text\": \"")) {
                (Some(at), _) => format!("{}\"markdown\": \"[rule docs]\"", &line[..at]),
                (None, Some(at)) if full => {
                    format!("{}\"text\": \"[docs.what, first paragraph]\"", &line[..at])
                }
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn every_format_is_snapshot_tested_on_the_same_inputs() {
    for (input, name) in [(SEED, "seed"), (MIXED, "mixed")] {
        let report = report(input);
        for (format, format_name) in FORMATS {
            let text = render(&report, format);
            let text = if format == Format::Sarif {
                sarif_for_snapshot(&text)
            } else {
                text
            };
            insta::assert_snapshot!(format!("{name}_{format_name}"), text);
        }
    }
}

#[test]
fn explain_unknown_lists_every_unchecked_item_in_text_and_concise() {
    let report = report(MIXED);
    assert!(!report.unchecked.is_empty());
    let explain = EmitOptions {
        explain_unknown: true,
        ..options()
    };
    for (format, name) in [(Format::Text, "text"), (Format::Concise, "concise")] {
        let text = emit::render(&report, format, &explain);
        for u in &report.unchecked {
            assert!(text.contains(&u.reason), "{name} lacks {}", u.reason);
        }
        insta::assert_snapshot!(format!("mixed_{name}_explain_unknown"), text);
    }
    // Without the flag, concise points at it instead.
    let concise = render(&report, Format::Concise);
    assert!(concise.contains("--explain-unknown"));
    assert!(!concise.contains(&report.unchecked[0].reason));
}

#[test]
fn text_lists_five_unchecked_items_unless_asked_for_all() {
    // Seven resources whose instance type is a variable.
    let mut tf = String::from("variable \"t\" {}\n");
    for i in 0..7 {
        let _ = write!(
            tf,
            "resource \"aws_instance\" \"i{i}\" {{\n  instance_type = var.t\n}}\n"
        );
    }
    let dir = tree("seven_unchecked", &[("main.tf", &tf)]);
    let report = report(&dir);
    assert_eq!(report.unchecked.len(), 7);
    let short = render(&report, Format::Text);
    assert!(short.contains("… and 2 more (--explain-unknown lists them all)"));
    let long = emit::render(
        &report,
        Format::Text,
        &EmitOptions {
            explain_unknown: true,
            ..options()
        },
    );
    assert!(!long.contains("more"));
    assert!(long.contains("aws_instance.i6"));
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/data/sarif/sarif-schema-2.1.0.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_schema_valid(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = schema();
    for input in [SEED, MIXED] {
        let log: Value = serde_json::from_str(&render(&report(input), Format::Sarif)).unwrap();
        assert_schema_valid(&validator, &log, input);
    }
    // Without a docs address or a repository root, too.
    let log: Value = serde_json::from_str(&emit::render(
        &report(MIXED),
        Format::Sarif,
        &EmitOptions::default(),
    ))
    .unwrap();
    assert_schema_valid(&validator, &log, "mixed, default options");
}

#[test]
fn the_schema_check_can_fail() {
    // A test that cannot fail is a defect: break the log in the ways the schema forbids.
    let validator = schema();
    let good: Value = serde_json::from_str(&render(&report(SEED), Format::Sarif)).unwrap();
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&bad), "startLine 0 accepted");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "warn".into();
    assert!(!validator.is_valid(&bad), "an unknown level accepted");
    let mut bad = good;
    bad["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into();
    assert!(
        !validator.is_valid(&bad),
        "a helpUri that is not a URI accepted"
    );
}

#[test]
fn sarif_describes_every_rule_and_points_results_at_them() {
    let log: Value = serde_json::from_str(&render(&report(SEED), Format::Sarif)).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let metas = vpclint::rules::all();
    assert_eq!(rules.len(), metas.len());
    for (rule, meta) in rules.iter().zip(metas) {
        assert_eq!(rule["id"], meta.id.as_str());
        assert_eq!(rule["name"], meta.name.as_str());
        assert_eq!(rule["shortDescription"]["text"], meta.summary.trim());
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        let what = meta.docs.what.trim().replace("**", "").replace('\n', " ");
        let head = full.trim_end_matches(['…', '.']);
        assert!(what.starts_with(head), "{}: {full}", meta.id);
        assert_eq!(
            rule["helpUri"],
            format!("{DOCS}#{}", meta.id.to_lowercase()).as_str()
        );
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            match meta.severity.as_str() {
                "info" => "note",
                other => other,
            }
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("examples/seed/"), "{uri}");
        assert!(!result["relatedLocations"].as_array().unwrap().is_empty());
        // The thread flow visits every resource of the witness path that has a location, in
        // order (the subnet and the route table have none); its message names them all.
        let flow_message = result["codeFlows"][0]["message"]["text"].as_str().unwrap();
        assert!(
            flow_message.contains("SubnetB → RouteTableB")
                || flow_message.contains("aws_subnet.b → aws_route_table.b"),
            "{flow_message}"
        );
        let flow: Vec<&str> = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l["location"]["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        let path = ["LegacyInstance", "Peering", "KinesisEndpoint"];
        let tf_path = [
            "aws_instance.legacy",
            "aws_vpc_peering_connection.a_b",
            "aws_vpc_endpoint.kinesis",
        ];
        let on_path: Vec<&str> = flow
            .iter()
            .copied()
            .filter(|n| path.contains(n) || tf_path.contains(n))
            .collect();
        assert!(on_path == path || on_path == tf_path, "{flow:?}");
    }
}

/// A fresh directory under the target dir, with the given files.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    common::write_tree(name, files)
}

fn seed_terraform(edit: impl Fn(&str, String) -> String) -> Vec<(String, String)> {
    let dir = Path::new(SEED).join("terraform");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let text = edit(&name, text);
            (name, text)
        })
        .collect();
    files.sort();
    files
}

fn fingerprints_and_lines(dir: &Path) -> Vec<(String, u64)> {
    let options = EmitOptions {
        cwd: Some(dir.to_path_buf()),
        repo_root: Some(dir.to_path_buf()),
        ..EmitOptions::default()
    };
    let report = report(dir);
    let log: Value = serde_json::from_str(&emit::render(&report, Format::Sarif, &options)).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["vpclint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

fn as_refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits_and_change_with_the_finding() {
    let original = seed_terraform(|_, t| t);
    let before = fingerprints_and_lines(&tree("fp_before", &as_refs(&original)));
    // Unrelated edits: comments and blank lines above the finding, another resource.
    let shifted = seed_terraform(|name, t| {
        if name == "compute.tf" {
            format!("# a comment\n\n# and another\n{t}\nresource \"aws_s3_bucket\" \"logs\" {{}}\n")
        } else {
            t
        }
    });
    let after = fingerprints_and_lines(&tree("fp_after", &as_refs(&shifted)));
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_eq!(
        before[0].0, after[0].0,
        "fingerprint changed with an unrelated edit"
    );
    assert_eq!(after[0].1, before[0].1 + 3, "the region moved");
    // A different finding (another instance type) is a different alert.
    let changed = seed_terraform(|name, t| {
        if name == "compute.tf" {
            t.replace("\"m4.large\"", "\"m4.xlarge\"")
        } else {
            t
        }
    });
    let other = fingerprints_and_lines(&tree("fp_changed", &as_refs(&changed)));
    assert_eq!(other.len(), 1);
    assert_ne!(before[0].0, other[0].0);
}

#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    // Run from a subdirectory of the repository: paths still start at the root.
    let options = EmitOptions {
        cwd: Some("/repo/examples".into()),
        repo_root: Some("/repo".into()),
        ..EmitOptions::default()
    };
    let found = discover::discover(&[PathBuf::from(SEED)]);
    // Make the inputs look as reached from /repo/examples (`./seed/...`).
    let inputs = found
        .inputs
        .into_iter()
        .map(|mut i| {
            i.path = Path::new(".").join(i.path.strip_prefix("examples").unwrap());
            i
        })
        .collect();
    let report = check::check(inputs, Vec::new(), 0, &Options::default());
    let text = emit::render(&report, Format::Sarif, &options);
    let log: Value = serde_json::from_str(&text).unwrap();
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = location["uri"].as_str().unwrap();
        assert!(uri.starts_with("examples/seed/"), "{uri}");
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
    }
    assert!(!text.contains("\"//"));
    assert!(!text.contains("\"./"));
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///repo/"
    );
}

#[test]
fn lsp_positions_count_utf16_code_units() {
    let report = report(MIXED);
    let out: Value = serde_json::from_str(&render(&report, Format::Lsp)).unwrap();
    let uri = "file:///repo/tests/data/emit/mixed/template.yaml";
    let diagnostics = out[uri].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    let text = std::fs::read_to_string(Path::new(MIXED).join("template.yaml")).unwrap();
    let (line_no, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("c5.xlarg"))
        .unwrap();
    let prefix = &line[..line.find("c5.xlarg").unwrap()];
    // The line has 'é' (1 unit) and '😀' (2 units) before the value.
    let units = prefix.encode_utf16().count();
    assert_eq!(units, prefix.chars().count() + 1);
    assert_eq!(d["range"]["start"]["line"], line_no);
    assert_eq!(d["range"]["start"]["character"], units);
    assert_eq!(d["range"]["end"]["character"], units + "c5.xlarg".len());
    assert_eq!(d["severity"], 2);
    assert_eq!(d["code"], "EC2001");
    assert_eq!(d["source"], "vpclint");
    assert_eq!(
        d["codeDescription"]["href"],
        format!("{DOCS}#ec2001").as_str()
    );
    // Every checked file is listed, clean ones with [] (so an editor can clear them).
    assert_eq!(out.as_object().unwrap().len(), report.sources.len());
    let broken = &out["file:///repo/tests/data/emit/mixed/broken/main.tf"][0];
    assert_eq!(
        (broken["severity"].as_u64(), broken["code"].as_str()),
        (Some(1), Some("parse-error"))
    );
}

#[test]
fn lsp_related_information_covers_the_related_locations() {
    let report = report(SEED);
    let out: Value = serde_json::from_str(&render(&report, Format::Lsp)).unwrap();
    let d = &out["file:///repo/examples/seed/terraform/compute.tf"][0];
    let related: Vec<&str> = d["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        [
            "file:///repo/examples/seed/terraform/network.tf",
            "file:///repo/examples/seed/terraform/network.tf",
            "file:///repo/examples/seed/terraform/endpoint.tf"
        ]
    );
}

#[test]
fn json_lines_has_one_object_per_item() {
    let report = report(MIXED);
    let text = render(&report, Format::JsonLines);
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["kind"].as_str().unwrap().to_owned()
        })
        .collect();
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("diagnostic"), report.diagnostics.len());
    assert_eq!(count("error"), report.errors.len());
    assert_eq!(count("unchecked"), report.unchecked.len());
    assert_eq!(kinds.len(), text.lines().count());
    // Each line carries the same fields as `--format json`.
    let json: Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    let mut first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    first.as_object_mut().unwrap().remove("kind");
    assert_eq!(first, json["diagnostics"][0]);
}

fn many_typos(name: &str, n: usize) -> PathBuf {
    let mut tf = String::new();
    for i in 0..n {
        let _ = write!(
            tf,
            "resource \"aws_instance\" \"i{i:02}\" {{\n  instance_type = \"m5.lage\"\n}}\n"
        );
    }
    tree(name, &[("main.tf", &tf)])
}

#[test]
fn github_annotates_ten_per_level_and_summarises_all() {
    let dir = many_typos("typos_12", 12);
    let report = report(&dir);
    assert_eq!(report.diagnostics.len(), 12);
    assert!(emit::github::overflows(&report));
    let text = render(&report, Format::Github);
    let commands = text.lines().filter(|l| l.starts_with("::")).count();
    assert_eq!(commands, emit::github::ANNOTATIONS_PER_LEVEL);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    // The two others are plain log lines, not commands.
    assert!(text.contains("2 more are listed here"));
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("aws_instance.i1"))
            .count(),
        2
    );
    let in_dir = EmitOptions {
        cwd: Some(dir.clone()),
        repo_root: Some(dir),
        ..options()
    };
    let summary = emit::github::step_summary(&report, &in_dir);
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| warning |"))
        .count();
    assert_eq!(rows, 12);
    insta::assert_snapshot!("typos_github_step_summary", summary);

    let report = crate::report(many_typos("typos_10", 10));
    assert!(!emit::github::overflows(&report));
    let text = render(&report, Format::Github);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    assert!(!text.contains("more are listed here"));
}

// The binary: the default format, `--explain-unknown`, and the step summary file.

fn vpclint(args: &[&str], env: &[(&str, &Path)]) -> (i32, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vpclint"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn piped_output_defaults_to_concise_and_text_stays_available() {
    let (code, piped) = vpclint(&["check", SEED], &[]);
    assert_eq!(code, 1);
    let (_, concise) = vpclint(&["check", "--format", "concise", SEED], &[]);
    assert_eq!(piped, concise);
    let first = piped.lines().next().unwrap();
    let (location, rest) = first.split_once(": ").unwrap();
    let parts: Vec<&str> = location.split(':').collect();
    assert_eq!(
        parts[0], "examples/seed/cloudformation/template.yaml",
        "{first}"
    );
    assert!(
        parts[1..].iter().all(|n| n.parse::<u32>().is_ok()),
        "{first}"
    );
    assert!(
        rest.starts_with("VPC001 warning LegacyInstance (m4.large, Xen)"),
        "{first}"
    );
    let (code, text) = vpclint(&["check", "--format", "text", SEED], &[]);
    assert_eq!(code, 1);
    assert!(text.contains("VPC001(non-nitro-endpoint-over-peering)"));
    assert!(text.contains("╭─[examples/seed/terraform/compute.tf:16:19]"));
    let (_, explained) = vpclint(&["check", "--explain-unknown", MIXED], &[]);
    assert!(explained.contains(": unchecked info aws_instance.web: instance type unknown"));
}

#[test]
fn github_format_writes_the_step_summary_only_when_annotations_overflow() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("step_summary");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let many = many_typos("cli_typos_12", 12);
    let (code, out) = vpclint(
        &["check", "--format", "github", many.to_str().unwrap()],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::warning ")).count(),
        10
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n### vpclint"),
        "appends: {written}"
    );
    assert_eq!(
        written
            .lines()
            .filter(|l| l.starts_with("| warning |"))
            .count(),
        12
    );

    std::fs::write(&summary, "").unwrap();
    let few = many_typos("cli_typos_3", 3);
    vpclint(
        &["check", "--format", "github", few.to_str().unwrap()],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), "");
}

#[test]
fn text_names_the_place_of_a_finding_on_a_line_too_long_to_show() {
    // A minified template over 64 KB: miette cannot lay out a frame past column 65,535.
    let template =
        std::fs::read_to_string("fixtures/DNS001/fail/cfn-json-peered-vpc/template.json").unwrap();
    let wide = template
        .lines()
        .map(str::trim)
        .collect::<String>()
        .replacen(
            "\"Resources\"",
            &format!("\"Description\": \"{}\", \"Resources\"", "x".repeat(70_000)),
            1,
        );
    let dir = tree("wide_line", &[("template.json", &wide)]);
    let report = report(&dir);
    assert!(!report.diagnostics.is_empty());
    let text = render(&report, Format::Text);
    assert!(
        text.contains("(the line is too long to show)") && text.contains("template.json:1:"),
        "{text}"
    );
}

#[test]
fn notices_are_in_every_format_but_the_language_servers() {
    let mut report = report(MIXED);
    report.notices.push(check::Notice {
        code: "cdk-app-not-synthesized",
        path: PathBuf::from("app/cdk.json"),
        message: "a CDK app (cdk.json) without its synthesized templates: run `cdk synth`".into(),
        span: None,
        sites: Vec::new(),
    });
    let message = "a CDK app (cdk.json) without its synthesized templates: run `cdk synth`";
    let text = render(&report, Format::Text);
    assert!(
        text.contains(&format!("note: app/cdk.json: {message}\n")),
        "{text}"
    );
    let concise = render(&report, Format::Concise);
    assert!(
        concise.contains(&format!(
            "app/cdk.json:1:1: cdk-app-not-synthesized info {message}\n"
        )),
        "{concise}"
    );
    let json: Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    assert_eq!(
        json["notices"],
        serde_json::json!([{"code": "cdk-app-not-synthesized", "file": "app/cdk.json", "message": message}])
    );
    let lines = render(&report, Format::JsonLines);
    let last: Value = serde_json::from_str(lines.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "notice");
    assert_eq!(last["file"], "app/cdk.json");
    let github = render(&report, Format::Github);
    assert!(
        github.contains(
            "::notice file=app/cdk.json,line=1,title=vpclint%3A cdk-app-not-synthesized::a CDK app"
        ),
        "{github}"
    );
    assert!(emit::step_summary(&report, &options()).contains("- `app/cdk.json`: a CDK app"));
    let sarif: Value = serde_json::from_str(&render(&report, Format::Sarif)).unwrap();
    assert_schema_valid(&schema(), &sarif, "a report with a notice");
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let note = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "cdk-app-not-synthesized")
        .expect("the notice is a notification");
    assert_eq!(note["level"], "note");
    assert_eq!(note["message"]["text"], message);
    // Without notices, the JSON field is an empty list (always present).
    let json: Value = serde_json::from_str(&render(&self::report(SEED), Format::Json)).unwrap();
    assert_eq!(json["notices"], serde_json::json!([]));
}
