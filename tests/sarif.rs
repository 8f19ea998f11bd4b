//! SARIF as GitHub code scanning uses it, one test per promise (README, "Output formats"),
//! over the SARIF of every failing fixture scenario: valid against the 2.1.0 schema, rule
//! descriptions within code scanning's limit, help links, tags, precision, problem and
//! security severities, related locations linked from the message, code flows whose every
//! step has a physical location, and GitHub's `primaryLocationLineHash`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint::check::{self, Options, Report};
use vpclint::discover;
use vpclint::emit::{self, EmitOptions, Format};

const DOCS: &str = "https://vpclint.invalid/blob/main/docs/rules.md";

fn report(dir: &Path) -> Report {
    let found = discover::discover(&[dir.to_path_buf()]);
    assert!(found.missing.is_empty(), "{}", dir.display());
    check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    )
}

fn options() -> EmitOptions {
    let cwd = std::env::current_dir().unwrap();
    EmitOptions {
        cwd: Some(cwd.clone()),
        repo_root: Some(cwd),
        docs_url: Some(DOCS.to_owned()),
        ..EmitOptions::default()
    }
}

fn sarif(dir: &Path) -> Value {
    serde_json::from_str(&emit::render(&report(dir), Format::Sarif, &options())).unwrap()
}

/// Every failing scenario of every rule, and the bundled example.
fn scenarios() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("examples/seed")];
    for rule in std::fs::read_dir("fixtures").unwrap() {
        let fail = rule.unwrap().path().join("fail");
        let Ok(entries) = std::fs::read_dir(&fail) else {
            continue;
        };
        out.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_dir()));
    }
    out.sort();
    out
}

/// Every result of every scenario, with the scenario's name.
fn all_results() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in scenarios() {
        let log = sarif(&dir);
        for result in log["runs"][0]["results"].as_array().unwrap() {
            out.push((dir.display().to_string(), result.clone()));
        }
    }
    assert!(out.len() > 50, "only {} results", out.len());
    out
}

fn rules_of(log: &Value) -> &Vec<Value> {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
}

fn seed_rules() -> Vec<Value> {
    rules_of(&sarif(Path::new("examples/seed"))).clone()
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/data/sarif/sarif-schema-2.1.0.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[test]
fn every_scenario_gives_schema_valid_sarif() {
    let validator = validator();
    for dir in scenarios() {
        let log = sarif(&dir);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
    }
}

#[test]
fn full_descriptions_fit_code_scanning_and_the_whole_text_is_in_the_help() {
    for (rule, meta) in seed_rules().iter().zip(vpclint::rules::all()) {
        for field in ["shortDescription", "fullDescription"] {
            let text = rule[field]["text"].as_str().unwrap();
            let n = text.chars().count();
            assert!(
                (1..=emit::sarif::MAX_DESCRIPTION).contains(&n),
                "{} {field}: {n} characters",
                meta.id
            );
        }
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains(meta.docs.what.trim()), "{}", meta.id);
        assert!(markdown.contains(meta.docs.fix.trim()), "{}", meta.id);
    }
    // At least one rule's "what it does" is longer than the limit, and is cut at a sentence.
    let long = vpclint::rules::all()
        .iter()
        .filter(|m| m.docs.what.chars().count() > emit::sarif::MAX_DESCRIPTION)
        .count();
    assert!(long > 0, "no rule exercises the limit");
}

#[test]
fn every_rule_has_a_help_uri_into_the_rules_page() {
    for rule in seed_rules() {
        let id = rule["id"].as_str().unwrap().to_ascii_lowercase();
        assert_eq!(rule["helpUri"], format!("{DOCS}#{id}").as_str());
    }
}

#[test]
fn every_rule_has_tags_from_its_rule_file() {
    for (rule, meta) in seed_rules().iter().zip(vpclint::rules::all()) {
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(!tags.is_empty(), "{} has no tags", meta.id);
        assert_eq!(tags, meta.tags, "{}", meta.id);
        let mut unique = tags.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), tags.len(), "{}: duplicate tags", meta.id);
    }
}

#[test]
fn every_rule_has_a_precision() {
    for rule in seed_rules() {
        let precision = rule["properties"]["precision"].as_str();
        assert!(
            matches!(precision, Some("very-high" | "high" | "medium" | "low")),
            "{}: {precision:?}",
            rule["id"]
        );
    }
}

#[test]
fn problem_severity_follows_the_level_and_security_rules_have_a_security_severity() {
    let mut security = 0;
    for rule in seed_rules() {
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        let problem = rule["properties"]["problem.severity"].as_str().unwrap();
        let expected = match level {
            "error" => "error",
            "warning" => "warning",
            _ => "recommendation",
        };
        assert_eq!(problem, expected, "{}", rule["id"]);
        let tagged = rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "security");
        let score = rule["properties"]["security-severity"].as_str();
        assert_eq!(tagged, score.is_some(), "{}: tag vs score", rule["id"]);
        if let Some(score) = score {
            security += 1;
            let value: f64 = score.parse().unwrap();
            assert!((0.0..=10.0).contains(&value), "{}: {score}", rule["id"]);
        }
    }
    assert!(security > 0, "no security rule");
}

/// The links of a SARIF message (`[text](id)`), checking that every other bracket is
/// escaped (`\[`, `\]`). `Err` names the first bracket that is neither.
fn links(message: &str) -> Result<Vec<(String, usize)>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = message.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            ']' => return Err(format!("unescaped ] at {i}")),
            '[' => {
                let mut text = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != ']' {
                    if chars[j] == '[' {
                        return Err(format!("unescaped [ at {j}"));
                    }
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    text.push(chars[j]);
                    j += 1;
                }
                let rest: String = chars[j + 1..].iter().collect();
                let id: String = rest
                    .strip_prefix('(')
                    .ok_or(format!("[ at {i} is not a link"))?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                out.push((text, id.parse().map_err(|_| format!("link at {i}"))?));
                i = j + 2 + id.len() + 1;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

#[test]
fn related_locations_are_linked_from_the_message() {
    let mut linked = 0;
    for (scenario, result) in all_results() {
        let message = result["message"]["text"].as_str().unwrap();
        let links = links(message).unwrap_or_else(|e| panic!("{scenario}: {e}: {message}"));
        let related = result["relatedLocations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Each related location once, by its id, with its resource as the link text.
        let mut ids: Vec<usize> = links.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        let expected: Vec<usize> = (1..=related.len()).collect();
        assert_eq!(ids, expected, "{scenario}: {message}");
        for (text, id) in &links {
            let location = &related[id - 1];
            assert_eq!(location["id"].as_u64(), Some(*id as u64));
            let name = &location["logicalLocations"][0]["fullyQualifiedName"];
            assert_eq!(name, text.as_str(), "{scenario}: {message}");
        }
        linked += links.len();
    }
    assert!(linked > 50);
}

#[test]
fn brackets_in_addresses_are_escaped_in_messages() {
    // The peering made with `count`: its address is `aws_vpc_peering_connection.a_b[0]`.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif_brackets");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("examples/seed/terraform").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(
                "resource \"aws_vpc_peering_connection\" \"a_b\" {",
                "resource \"aws_vpc_peering_connection\" \"a_b\" {\n  count = 1",
            )
            .replace(
                "aws_vpc_peering_connection.a_b.id",
                "aws_vpc_peering_connection.a_b[0].id",
            );
        std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
    }
    let log = sarif(&dir);
    let result = &log["runs"][0]["results"][0];
    let message = result["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("[aws_vpc_peering_connection.a_b\\[0\\]]("),
        "{message}"
    );
    let links = links(message).unwrap();
    assert!(links
        .iter()
        .any(|(text, _)| text == "aws_vpc_peering_connection.a_b[0]"));
}

#[test]
fn every_code_flow_step_has_a_physical_location() {
    let mut steps = 0;
    for (scenario, result) in all_results() {
        for flow in result["codeFlows"].as_array().into_iter().flatten() {
            let locations = flow["threadFlows"][0]["locations"].as_array().unwrap();
            assert!(locations.len() >= 2, "{scenario}: a flow of one step");
            for (i, step) in locations.iter().enumerate() {
                let physical = &step["location"]["physicalLocation"];
                assert!(
                    physical["artifactLocation"]["uri"].is_string()
                        && physical["region"]["startLine"].is_u64(),
                    "{scenario}: step {i} has no physical location: {step}"
                );
                assert_eq!(step["executionOrder"].as_u64(), Some(i as u64 + 1));
                steps += 1;
            }
        }
    }
    assert!(steps > 50);
}

/// `(vpclint fingerprint, line hash, start line)` of the seed's Terraform finding, after
/// `edit` of `compute.tf`.
fn seed_prints(name: &str, edit: impl Fn(String) -> String) -> (String, String, u64) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("examples/seed/terraform").unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("compute.tf") {
            text = edit(text);
        }
        std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
    }
    // The tree is its own repository, so that paths (part of vpclint's fingerprint) are the
    // same in every tree.
    let options = EmitOptions {
        cwd: Some(dir.clone()),
        repo_root: Some(dir.clone()),
        ..options()
    };
    let log: Value =
        serde_json::from_str(&emit::render(&report(&dir), Format::Sarif, &options)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    (
        r["partialFingerprints"]["vpclint/v1"]
            .as_str()
            .unwrap()
            .to_owned(),
        r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .to_owned(),
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap(),
    )
}

#[test]
fn results_carry_githubs_primary_location_line_hash() {
    for (scenario, result) in all_results() {
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap_or_else(|| panic!("{scenario}: no line hash"));
        let (hex, count) = hash.split_once(':').unwrap();
        assert!(
            !hex.is_empty() && hex.len() <= 16 && hex.chars().all(|c| c.is_ascii_hexdigit()),
            "{scenario}: {hash}"
        );
        assert!(count.parse::<u32>().unwrap() >= 1, "{scenario}: {hash}");
    }
    // The hash is of the text from the finding's line on: lines added above keep it, an edit
    // of the flagged line changes it (with vpclint's own fingerprint).
    let before = seed_prints("line_hash_before", |t| t);
    let moved = seed_prints("line_hash_moved", |t| format!("# one\n# two\n\n{t}"));
    assert_eq!(moved.2, before.2 + 3);
    assert_eq!((&moved.0, &moved.1), (&before.0, &before.1));
    let edited = seed_prints("line_hash_edited", |t| {
        t.replace("\"m4.large\"", "\"m4.xlarge\"")
    });
    assert_ne!(edited.1, before.1);
    assert_ne!(edited.0, before.0);
}
