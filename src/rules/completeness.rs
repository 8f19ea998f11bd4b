//! Every rule question ends in a finding, a pass, or an unchecked verdict that names the
//! value that was unknown; never in silence.
//!
//! For every fixture scenario (both outcomes, every rule's folder), each property of each
//! resource is made Unknown in turn, with a reason unique to it, and every rule runs again.
//! Every question that was answered (a finding or a pass) must then be answered the same
//! way, or be unchecked with that reason; a question that is no longer asked must be
//! explained by some unchecked verdict with that reason. A rule that turned an Unknown into
//! a pass, into a finding, or into nothing fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::check::{Options, Session};
use crate::model::visit::VisitProps;
use crate::model::{Graph, ResourceId};
use crate::rules::{self, RuleContext, Settings, Verdict};

/// A verdict's kind, and for unchecked ones, the reason and cause.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    Finding,
    Pass,
    Unchecked(String),
}

type Answers = BTreeMap<(&'static str, String), BTreeSet<Answer>>;

fn judge_all(graph: &Graph, settings: &Settings) -> Answers {
    let index = graph.index();
    let analysis = crate::reach::analyse(graph, &index);
    let ctx = RuleContext::new(graph, &index, &analysis, settings);
    let mut out = Answers::new();
    for id in rules::registered_ids() {
        for j in rules::judge(id, &ctx) {
            let answer = match j.verdict {
                Verdict::Finding(_) => Answer::Finding,
                Verdict::Pass => Answer::Pass,
                Verdict::Unchecked(u) => {
                    Answer::Unchecked(format!("{} / {}", u.why.reason, u.why.cause))
                }
            };
            out.entry((id, j.subject)).or_default().insert(answer);
        }
    }
    out
}

fn scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for rule in std::fs::read_dir(&root).expect("fixtures/") {
        for outcome in ["pass", "fail"] {
            let dir = rule.as_ref().expect("an entry").path().join(outcome);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            out.extend(
                entries
                    .map(|e| e.expect("an entry").path())
                    .filter(|p| p.is_dir()),
            );
        }
    }
    out.sort();
    out
}

/// The path of every property of every resource.
fn properties(graph: &Graph) -> Vec<(ResourceId, String)> {
    let mut graph = graph.clone();
    let ids: Vec<ResourceId> = graph.iter().map(|(id, _)| id).collect();
    let mut out = Vec::new();
    for id in ids {
        graph
            .get_mut(id)
            .visit_props("", &mut |path, _| out.push((id, path.to_owned())));
    }
    out
}

/// What changed for the questions answered before, when `marker` is the reason of the one
/// property made Unknown.
fn violations(before: &Answers, after: &Answers, marker: &str) -> Vec<String> {
    let named = |a: &Answer| matches!(a, Answer::Unchecked(r) if r.contains(marker));
    let any_named = after.values().flatten().any(named);
    let mut out = Vec::new();
    for (key, was) in before {
        if was.iter().any(|a| matches!(a, Answer::Unchecked(_))) {
            continue;
        }
        match after.get(key) {
            None if any_named => {}
            None => out.push(format!(
                "{key:?}: {was:?} → not asked, and nothing names the unknown"
            )),
            Some(now) if now == was || now.iter().any(named) => {}
            Some(now) => out.push(format!("{key:?}: {was:?} → {now:?}")),
        }
    }
    out
}

#[test]
fn every_question_ends_in_a_finding_a_pass_or_an_unchecked_naming_the_unknown() {
    let settings = Settings::default();
    let mut failures = Vec::new();
    let mut mutations = 0;
    for dir in scenarios() {
        let found = crate::discover::discover(std::slice::from_ref(&dir));
        let mut session = Session::new(Options::default());
        session.load(found.inputs);
        session.refresh();
        for graph in session.graphs().into_iter().map(|u| u.graph) {
            let before = judge_all(&graph, &settings);
            for (id, path) in properties(&graph) {
                let marker = format!("<unknown {}{path}>", graph.get(id).address);
                let mut mutated = graph.clone();
                mutated.get_mut(id).visit_props("", &mut |p, prop| {
                    if p == path {
                        prop.set_unknown(marker.clone());
                    }
                });
                mutations += 1;
                let after = judge_all(&mutated, &settings);
                for v in violations(&before, &after, &marker) {
                    failures.push(format!("{}: {marker}: {v}", dir.display()));
                }
            }
        }
    }
    assert!(
        mutations > 1000,
        "only {mutations} properties were made unknown"
    );
    assert!(
        failures.is_empty(),
        "{} of {mutations} unknown properties were dropped or guessed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
