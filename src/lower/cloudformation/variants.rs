//! Findings across worlds. Each world of a group has *facts*: the value of every named
//! condition it decided and of every input it assigned. After the rules ran, identical
//! findings of the copies of one group are merged; a finding that does not hold in every
//! world says under which facts it holds ("when `UseLegacyInstances` is true").

use std::collections::{BTreeSet, HashMap};

use super::eval::{Choice, World};
use crate::diagnostic::Diagnostic;
use crate::model::{Graph, VariantSet};
use crate::syntax::tree::Node;

/// The facts of one world: conditions first (in declaration order, per instance), then the
/// inputs it assigned (by label).
pub(super) fn facts(world: &World<'_>, labels: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, inst) in world.instances.iter().enumerate() {
        if world.instance_exists(i) != Some(true) {
            continue;
        }
        let conditions = inst.root.get("Conditions").and_then(Node::as_map);
        for c in conditions.unwrap_or_default() {
            if let Some(b) = world.condition(i, &c.key, &c.key_span) {
                out.push((format!("{}{}", inst.label, c.key), b.to_string()));
            }
        }
    }
    world.needs.take();
    world.errors.take();
    let mut inputs: Vec<(String, String)> = world
        .assignment
        .iter()
        .filter_map(|(key, choice)| {
            let label = labels.get(key)?.clone();
            match choice {
                Choice::Value(v) => Some((label, v.clone())),
                Choice::Other(excluded) => {
                    Some((label, format!("none of {}", excluded.join(", "))))
                }
                Choice::Bool(_) | Choice::Undecided => None,
            }
        })
        .collect();
    inputs.sort();
    out.extend(inputs);
    out
}

/// Merges the findings of the copies of a group: one finding per distinct content; a
/// finding that holds in only some worlds names them in its message.
#[must_use]
pub fn merge_variants(graph: &Graph, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Content (without the subject) → (first diagnostic, variant set, worlds, untagged).
    let mut order: Vec<Diagnostic> = Vec::new();
    let mut merged: HashMap<Diagnostic, (Diagnostic, Option<u32>, BTreeSet<u32>, bool)> =
        HashMap::new();
    for d in diagnostics {
        let variant = d.subject.and_then(|id| graph.get(id).variant);
        let mut key = d.clone();
        key.subject = None;
        let slot = merged.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            (d, variant.map(|v| v.set), BTreeSet::new(), false)
        });
        match variant {
            Some(v) => {
                slot.2.insert(v.index);
            }
            None => slot.3 = true,
        }
    }
    order
        .into_iter()
        .filter_map(|k| merged.remove(&k))
        .map(|(mut d, set, worlds, untagged)| {
            let set = set.and_then(|s| graph.variant_set(s));
            if let (Some(set), false) = (set, untagged) {
                if worlds.len() < set.facts.len() {
                    let when = describe(set, &worlds);
                    d.message.push_str("; this holds only ");
                    d.message.push_str(&when);
                    d.assumptions.push(when);
                }
            }
            d
        })
        .collect()
}

/// "when A is true and Env is prod": the fewest facts (conditions first) whose worlds are
/// exactly `holds`; otherwise the worlds one by one, or their count when there are many.
fn describe(set: &VariantSet, holds: &BTreeSet<u32>) -> String {
    let n = u32::try_from(set.facts.len()).unwrap_or(u32::MAX);
    let all: BTreeSet<u32> = (0..n).collect();
    // A world where a fact was never decided (lazy splitting: the condition did not
    // matter there) may hold either value, so it matches the fact: a description must
    // exclude it explicitly, and never claims more than the facts show.
    let has = |w: u32, f: &(String, String)| {
        let facts = &set.facts[w as usize];
        facts.contains(f) || !facts.iter().any(|(name, _)| *name == f.0)
    };
    let first = *holds.iter().next().expect("a finding holds in some world");
    let candidates: Vec<&(String, String)> = set.facts[first as usize]
        .iter()
        .filter(|f| holds.iter().all(|&w| has(w, f)) && !all.iter().all(|&w| has(w, f)))
        .collect();
    // Greedy: the fact that narrows the most first (declaration order on ties).
    let mut chosen = Vec::new();
    let mut sat = all.clone();
    while sat != *holds {
        let best = candidates
            .iter()
            .map(|f| (sat.iter().filter(|&&w| has(w, f)).count(), *f))
            .filter(|(n, _)| *n < sat.len())
            .min_by_key(|(n, _)| *n);
        let Some((_, f)) = best else { break };
        sat.retain(|&w| has(w, f));
        chosen.push(f);
    }
    if sat == *holds && !chosen.is_empty() {
        return format!("when {}", phrase(&chosen));
    }
    if holds.len() <= 3 {
        let each: Vec<String> = holds
            .iter()
            .map(|&w| {
                let varying: Vec<&(String, String)> = set.facts[w as usize]
                    .iter()
                    .filter(|f| !all.iter().all(|&v| has(v, f)))
                    .collect();
                format!("when {}", phrase(&varying))
            })
            .collect();
        return each.join(", or ");
    }
    format!("in {} of {n} combinations of conditions", holds.len())
}

fn phrase(facts: &[&(String, String)]) -> String {
    facts
        .iter()
        .map(|(name, value)| format!("{name} is {value}"))
        .collect::<Vec<_>>()
        .join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(worlds: &[&[(&str, &str)]]) -> VariantSet {
        VariantSet {
            facts: worlds
                .iter()
                .map(|w| {
                    w.iter()
                        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                        .collect()
                })
                .collect(),
        }
    }

    #[test]
    fn one_condition_names_the_world() {
        let s = set(&[&[("UseLegacy", "true")], &[("UseLegacy", "false")]]);
        assert_eq!(describe(&s, &BTreeSet::from([0])), "when UseLegacy is true");
        assert_eq!(
            describe(&s, &BTreeSet::from([1])),
            "when UseLegacy is false"
        );
    }

    #[test]
    fn the_fewest_facts_are_named() {
        let s = set(&[
            &[("IsProd", "true"), ("Big", "true"), ("Env", "prod")],
            &[("IsProd", "true"), ("Big", "false"), ("Env", "prod")],
            &[("IsProd", "false"), ("Big", "true"), ("Env", "dev")],
            &[("IsProd", "false"), ("Big", "false"), ("Env", "dev")],
        ]);
        assert_eq!(describe(&s, &BTreeSet::from([0, 1])), "when IsProd is true");
        assert_eq!(
            describe(&s, &BTreeSet::from([2])),
            "when IsProd is false and Big is true"
        );
        assert_eq!(
            describe(&s, &BTreeSet::from([0, 3])),
            "when IsProd is true and Big is true and Env is prod, or when IsProd is false and \
             Big is false and Env is dev"
        );
    }
}
