//! Units and sessions. Each Terraform root module and each group of linked CloudFormation
//! templates is checked on its own graph: checking many scenarios in one run finds what
//! checking each alone finds. A session that replaces files reports what a new check of the
//! same files reports, whatever the edits (the language server relies on it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint::check::{self, Options, Session};
use vpclint::discover::{self, FileKind, Input};

fn scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir("fixtures").unwrap() {
        for outcome in ["pass", "fail"] {
            let dir = rule.as_ref().unwrap().path().join(outcome);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for scenario in entries {
                out.push(scenario.unwrap().path());
            }
        }
    }
    out.sort();
    out
}

fn json(report: &check::Report) -> Value {
    serde_json::from_str(&vpclint::emit::json::render(report)).unwrap()
}

fn run(paths: &[PathBuf]) -> Value {
    let found = discover::discover(paths);
    json(&check::check(
        found.inputs,
        found.errors,
        found.skipped,
        &Options::default(),
    ))
}

/// The entries of an array of the JSON output, as sorted strings (a multiset).
fn entries(v: &Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> = v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    out.sort();
    out
}

#[test]
fn checking_scenarios_together_finds_what_checking_each_alone_finds() {
    // Export names are global to an account and region: two scenarios exporting the same
    // name make it ambiguous when checked together (the imports become Unknown). This one
    // mirrors cfn-cross-stack in JSON.
    let scenarios: Vec<PathBuf> = scenarios()
        .into_iter()
        .filter(|s| !s.ends_with("cfn-cross-stack-json"))
        .collect();
    assert!(scenarios.len() > 100, "{}", scenarios.len());
    let together = run(&scenarios);
    let mut diagnostics = Vec::new();
    let mut errors = Vec::new();
    let (mut files, mut resources) = (0, 0);
    for scenario in &scenarios {
        let alone = run(std::slice::from_ref(scenario));
        diagnostics.extend(entries(&alone, "diagnostics"));
        errors.extend(entries(&alone, "errors"));
        files += alone["summary"]["files"].as_u64().unwrap();
        resources += alone["summary"]["resources"].as_u64().unwrap();
    }
    diagnostics.sort();
    errors.sort();
    // No finding of one scenario leaks into another (VPN paths through "on-premises", CIDR
    // matches, resolver addresses), and none is lost. (Unchecked items are not compared: a
    // compute resource with an unknown subnet is unchecked when the run has interface
    // endpoints anywhere.)
    same(
        &entries(&together, "diagnostics"),
        &diagnostics,
        "diagnostics",
    );
    same(&entries(&together, "errors"), &errors, "errors");
    assert_eq!(together["summary"]["files"], files);
    assert_eq!(together["summary"]["resources"], resources);
}

/// Two sorted multisets are equal; else the first entries only one of them has.
fn same(together: &[String], alone: &[String], what: &str) {
    let missing = |a: &[String], b: &[String]| -> Vec<String> {
        let mut b = b.to_vec();
        a.iter()
            .filter(|x| match b.iter().position(|y| y == *x) {
                Some(i) => {
                    b.remove(i);
                    false
                }
                None => true,
            })
            .take(3)
            .cloned()
            .collect()
    };
    assert!(
        together == alone,
        "{what}: {} together, {} alone; only together: {:#?}; only alone: {:#?}",
        together.len(),
        alone.len(),
        missing(together, alone),
        missing(alone, together)
    );
}

/// The files of a session, kept beside it to check it against a new check.
struct Files(BTreeMap<PathBuf, (FileKind, String)>);

impl Files {
    fn inputs(&self) -> Vec<Input> {
        self.0
            .iter()
            .map(|(path, (kind, text))| Input {
                path: path.clone(),
                kind: *kind,
                text: text.clone(),
            })
            .collect()
    }

    fn text(&self, path: &str) -> String {
        self.0[Path::new(path)].1.clone()
    }
}

#[test]
fn a_session_after_edits_reports_what_a_new_check_reports() {
    let found = discover::discover(&[PathBuf::from("fixtures")]);
    let mut files = Files(
        found
            .inputs
            .into_iter()
            .map(|i| (i.path, (i.kind, i.text)))
            .collect(),
    );
    let mut session = Session::new(Options::default());
    session.load(files.inputs());
    session.refresh();

    let m4 = "fixtures/VPC001/fail/tf-m4-over-peering/main.tf";
    let network = "fixtures/VPC001/fail/cfn-cross-stack/network.yaml";
    let root = "fixtures/VPC001/fail/tf-module-endpoint-vpc/main.tf";
    let nested = "fixtures/VPC001/fail/cfn-nested-stack/network.yaml";
    let new = "fixtures/VPC001/fail/tf-new-dir/main.tf";
    let edits: Vec<(&str, &str, Option<String>)> = vec![
        // A value in one unit: only that unit runs again.
        (
            "a finding goes",
            m4,
            Some(files.text(m4).replace("m4.large", "m5.large")),
        ),
        ("and comes back", m4, Some(files.text(m4))),
        // A syntax error.
        (
            "a broken file",
            m4,
            Some(files.text(m4).replace("resource", "resourc {")),
        ),
        // A module call to another root: it is lowered through its caller now.
        (
            "a new module call",
            root,
            Some(format!(
                "{}\nmodule \"extra\" {{\n  source = \"../tf-m4-over-peering\"\n}}\n",
                files.text(root)
            )),
        ),
        // An export renamed: the importing template is alone now.
        (
            "an export renamed",
            network,
            Some(files.text(network).replace("-SubnetB", "-SubnetC")),
        ),
        // A nested template removed, then back.
        ("a nested template removed", nested, None),
        ("a nested template back", nested, Some(files.text(nested))),
        // A new root module in a new directory, then gone.
        ("a new directory", new, Some(files.text(m4))),
        ("the new directory gone", new, None),
        ("a file removed", root, None),
    ];
    for (what, path, text) in edits {
        let path = PathBuf::from(path);
        let kind = if path.extension().is_some_and(|e| e == "tf") {
            FileKind::Terraform
        } else {
            FileKind::CloudFormationYaml
        };
        let file = text.map(|t| (kind, t));
        match &file {
            Some(f) => files.0.insert(path.clone(), f.clone()),
            None => files.0.remove(&path),
        };
        session.set_file(&path, file);
        let touched = session.refresh();
        assert!(
            touched.iter().any(|id| session.path(*id) == path),
            "{what}: the changed file is touched"
        );
        if what == "a finding goes" {
            // Only the edited unit ran again.
            let dir = Path::new(m4).parent().unwrap();
            assert!(
                touched.iter().all(|id| session.path(*id).starts_with(dir)),
                "{what}: {touched:?}"
            );
        }
        let incremental = json(&session.report());
        let fresh = json(&check::check(
            files.inputs(),
            Vec::new(),
            0,
            &Options::default(),
        ));
        assert_eq!(incremental, fresh, "{what}");
    }
}
