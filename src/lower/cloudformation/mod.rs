//! CloudFormation templates → graph elements, with the template language evaluated.
//!
//! - `stacks.rs`: the templates, CDK manifests, nested stacks, command-line parameters.
//! - `eval.rs`: parameters, pseudo parameters, intrinsic functions and conditions, in one
//!   *world* (an assignment of the inputs the conditions depend on).
//! - `resources.rs`: one resource's properties → its graph element.
//! - `variants.rs`: the facts of each world, and findings merged across worlds.
//! - `functions.rs`: `Fn::Cidr`, `Fn::Base64`, `Fn::Sub` syntax, region facts.
//! - `transform.rs`: `AWS::LanguageExtensions` loops expanded per stack instance;
//!   `rain.rs`: Rain modules left out and named.
//! - `cdk_app.rs`: CDK apps found without their synthesized templates (a notice).
//!
//! **Groups and worlds.** Root templates (those no scanned template nests) are grouped when
//! one imports what another exports (`Fn::ImportValue` ↔ `Outputs.*.Export.Name`). Each
//! group is lowered once per world. A world starts with no assignment; lowering it records
//! every condition that depended on an unassigned input (a parameter without value, a
//! pseudo parameter, an opaque comparison), and the world is split on the first such input:
//! over its `AllowedValues`, else over the literals it is compared with plus "none of
//! them", or true/false for an opaque comparison. Splitting stops at
//! [`CloudFormationOptions::max_combinations`] worlds: the inputs left are *undecided*
//! (conditions on them are Unknown, resources under them are not analysed) and the bound is
//! reported as an unchecked item, never silently exceeded. A group with one world is
//! lowered once, untagged; otherwise every resource is lowered once per world, tagged with
//! its [`Variant`], and `variants::merge_variants` merges identical findings after the
//! rules ran, naming the conditions of those that do not hold in every world.

mod cdk_app;
mod eval;
mod functions;
pub mod language;
mod rain;
mod resources;
mod stacks;
mod suppressions;
mod transform;
mod variants;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use variants::merge_variants;

use self::eval::{Assignment, Choice, Instance, NeedRec, World};
use self::resources::Ctx;
use self::stacks::{Reports, Template};
use super::budget::Budget;
use super::{LowerError, ParsedFile};
use crate::model::{Graph, HoleKind, Note, Prop, ResourceId, SymStr, Variant, VariantSet};
use crate::source::{FileId, Span};
use crate::syntax::tree::{Node, Value};

/// The default bound on condition combinations per group of templates.
pub const DEFAULT_MAX_COMBINATIONS: usize = 32;

/// Safety net on the splitting loop (each step assigns or refines one input, so it ends
/// long before; this only guards against a defect).
const MAX_STEPS: usize = 10_000;

/// Options of the CloudFormation lowering (`vpclint check` flags in `cli/cloudformation.rs`).
#[derive(Clone, Debug)]
pub struct CloudFormationOptions {
    /// The region templates are deployed to (`--region`): `AWS::Region`, and what a
    /// `PeerRegion` is compared with. A CDK stack's own environment region wins.
    pub region: Option<String>,
    /// Parameter values for root templates, in increasing precedence (`--parameters` files
    /// in order, then `--parameter`). A template uses the keys it declares.
    pub parameters: Vec<ParameterValue>,
    /// The most condition combinations analysed per group of linked templates.
    pub max_combinations: usize,
}

impl Default for CloudFormationOptions {
    fn default() -> Self {
        CloudFormationOptions {
            region: None,
            parameters: Vec::new(),
            max_combinations: DEFAULT_MAX_COMBINATIONS,
        }
    }
}

/// One parameter value given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterValue {
    pub key: String,
    pub value: String,
    /// Where it was given, for messages (`--parameter`, `params.json`).
    pub source: String,
}

/// Lowers every CloudFormation template: groups of linked root templates, each once per
/// world.
pub fn lower_all(
    files: &[&ParsedFile],
    paths: &dyn Fn(FileId) -> PathBuf,
    options: &CloudFormationOptions,
    budget: &Budget,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let templates = stacks::collect(files, paths);
    let roots = stacks::roots(&templates);
    let mut reports = Reports::default();
    for group in groups(&templates, &roots, options) {
        let labelled = group.len() > 1;
        let mut instances = Vec::new();
        for &r in &group {
            let label = if labelled {
                let name = templates[r].path.file_name().unwrap_or_default();
                format!("{}: ", name.to_string_lossy())
            } else {
                String::new()
            };
            stacks::instantiate(&templates, r, &label, options, &mut instances, &mut reports);
        }
        let expanded = transform::expand(&instances, &mut reports, budget);
        let instances = transform::apply(instances, &expanded);
        lower_group(
            &instances,
            &templates[group[0]],
            options,
            budget,
            graph,
            errors,
        );
    }
    for note in reports.notes {
        graph.add_note(note);
    }
    errors.extend(reports.errors);
}

/// What the split into units reads in one CloudFormation file (see `crate::lower::Links`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// A CDK manifest: the template paths it describes.
    manifest: Option<Vec<PathBuf>>,
    /// The local templates this one nests (normalised paths).
    nested: Vec<PathBuf>,
    /// Whether it has an `Fn::ImportValue` (then the split evaluates export names).
    imports: bool,
    /// A hash of what export and import names evaluate from: the `Parameters`,
    /// `Conditions`, `Mappings`, `Outputs` and `Transform` sections and every
    /// `Fn::ImportValue`'s argument, as written.
    names: u64,
}

pub(super) fn links(root: &Node, path: &Path, text: &str) -> Links {
    use std::hash::{Hash, Hasher};
    if crate::syntax::cloudformation::is_cdk_manifest(root) {
        return Links {
            manifest: Some(stacks::manifest_targets(root, path)),
            nested: Vec::new(),
            imports: false,
            names: 0,
        };
    }
    let slice = |n: &Node| text.get(n.span.clone()).unwrap_or_default();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for section in [
        "Parameters",
        "Conditions",
        "Mappings",
        "Outputs",
        "Transform",
    ] {
        root.get(section).map(slice).hash(&mut hasher);
    }
    let mut imports = Vec::new();
    eval::collect_imports(root, &mut imports);
    for arg in &imports {
        slice(arg).hash(&mut hasher);
    }
    Links {
        manifest: None,
        nested: stacks::nested_paths(root, path)
            .into_iter()
            .filter_map(|(_, _, p)| p.ok())
            .collect(),
        imports: !imports.is_empty(),
        names: hasher.finish(),
    }
}

/// The units of the CloudFormation inputs (indexes into `files`), as [`lower_all`] groups
/// them: each group of root templates linked by exports and imports, with every template
/// they nest and the CDK manifests that describe them. A template nested by two groups is in
/// both units; a template in no unit (nested only in a cycle) is not lowered. Nesting comes
/// from the links; only when a template imports are export names evaluated, from `trees`,
/// to group the roots.
pub(super) fn units(
    files: &[(FileId, &crate::lower::Links)],
    paths: &dyn Fn(FileId) -> PathBuf,
    options: &CloudFormationOptions,
    trees: &crate::lower::Trees<'_>,
) -> Vec<Vec<usize>> {
    let mut templates: Vec<(usize, PathBuf, &Links)> = Vec::new();
    let mut manifests: Vec<(usize, &[PathBuf])> = Vec::new();
    for (i, (file, links)) in files.iter().enumerate() {
        let crate::lower::Links::CloudFormation(links) = links else {
            continue;
        };
        match &links.manifest {
            Some(targets) => manifests.push((i, targets)),
            None => templates.push((i, stacks::normalise(&paths(*file)), links)),
        }
    }
    let mut by_path: HashMap<&Path, usize> = HashMap::new();
    for (t, (_, path, _)) in templates.iter().enumerate() {
        by_path.entry(path.as_path()).or_insert(t);
    }
    let children: Vec<Vec<usize>> = templates
        .iter()
        .map(|(_, _, links)| {
            links
                .nested
                .iter()
                .filter_map(|p| by_path.get(p.as_path()).copied())
                .collect()
        })
        .collect();
    let mut nested = vec![false; templates.len()];
    for (t, kids) in children.iter().enumerate() {
        for &k in kids {
            if k != t {
                nested[k] = true;
            }
        }
    }
    let roots: Vec<usize> = (0..templates.len()).filter(|&t| !nested[t]).collect();
    let groups = if templates.iter().any(|(_, _, links)| links.imports) {
        root_groups(files, &templates, paths, options, trees)
    } else {
        roots.iter().map(|&r| vec![r]).collect()
    };
    let mut units = Vec::new();
    for group in groups {
        let mut tree = group;
        let mut at = 0;
        while at < tree.len() {
            for &k in &children[tree[at]] {
                if !tree.contains(&k) {
                    tree.push(k);
                }
            }
            at += 1;
        }
        let mut unit: Vec<usize> = tree.iter().map(|&t| templates[t].0).collect();
        unit.extend(
            manifests
                .iter()
                .filter(|(_, targets)| tree.iter().any(|&t| targets.contains(&templates[t].1)))
                .map(|(i, _)| *i),
        );
        units.push(unit);
    }
    units
}

/// The root templates (positions in `templates`) grouped by export and import names, which
/// are evaluated from the templates' trees.
fn root_groups(
    files: &[(FileId, &crate::lower::Links)],
    templates: &[(usize, PathBuf, &Links)],
    paths: &dyn Fn(FileId) -> PathBuf,
    options: &CloudFormationOptions,
    trees: &crate::lower::Trees<'_>,
) -> Vec<Vec<usize>> {
    let position: HashMap<FileId, usize> = templates
        .iter()
        .enumerate()
        .map(|(t, (i, _, _))| (files[*i].0, t))
        .collect();
    let ids: Vec<FileId> = files
        .iter()
        .filter(|(_, links)| matches!(links, crate::lower::Links::CloudFormation(_)))
        .map(|(id, _)| *id)
        .collect();
    let mut out = Vec::new();
    trees(&ids, &mut |parsed| {
        let parsed: Vec<&ParsedFile> = parsed.iter().filter_map(|p| *p).collect();
        let templates = stacks::collect(&parsed, paths);
        let roots = stacks::roots(&templates);
        out = groups(&templates, &roots, options)
            .into_iter()
            .map(|g| {
                g.iter()
                    .filter_map(|&r| position.get(&templates[r].file).copied())
                    .collect()
            })
            .collect();
    });
    out
}

/// Root templates grouped by export/import names (evaluated with no condition decided), in
/// the order of their first template.
fn groups(
    templates: &[Template<'_>],
    roots: &[usize],
    options: &CloudFormationOptions,
) -> Vec<Vec<usize>> {
    // Without imports every root is its own group: no need to evaluate the exports.
    let imports = |t: &Template<'_>| {
        let mut found = Vec::new();
        eval::collect_imports(t.root, &mut found);
        !found.is_empty()
    };
    if roots.len() < 2 || !templates.iter().any(imports) {
        return roots.iter().map(|&r| vec![r]).collect();
    }
    // Every root exporting a name: an import joins all of them (and finds the name
    // ambiguous when there are several).
    let mut exports: HashMap<String, Vec<usize>> = HashMap::new();
    let mut imports: Vec<(usize, String)> = Vec::new();
    for (n, &r) in roots.iter().enumerate() {
        let mut instances = Vec::new();
        let mut reports = Reports::default();
        stacks::instantiate(templates, r, "", options, &mut instances, &mut reports);
        // Export and import names only; the unit's own budget applies when it is lowered.
        let budget = Budget::new();
        let expanded = transform::expand(&instances, &mut reports, &budget);
        let world = World::new(
            transform::apply(instances, &expanded),
            Assignment::new(),
            &budget,
        );
        for (_, name) in world.export_names() {
            let exporters = exports.entry(name).or_default();
            if !exporters.contains(&n) {
                exporters.push(n);
            }
        }
        for i in 0..world.instances.len() {
            imports.extend(world.import_names(i).into_iter().map(|name| (n, name)));
        }
    }
    // Union-find over root positions.
    let mut parent: Vec<usize> = (0..roots.len()).collect();
    for (n, name) in imports {
        for &e in exports.get(&name).into_iter().flatten() {
            let (a, b) = (find(&mut parent, n), find(&mut parent, e));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (n, &root) in roots.iter().enumerate() {
        let leader = find(&mut parent, n);
        let k = *slot.entry(leader).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[k].push(root);
    }
    out
}

/// Union-find: the representative of `x`.
fn find(parent: &mut [usize], x: usize) -> usize {
    let mut x = x;
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Enumerates the worlds of one group (bounded) and lowers each into the graph.
fn lower_group<'a>(
    instances: &[Instance<'a>],
    first: &Template<'_>,
    options: &CloudFormationOptions,
    budget: &'a Budget,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let max = options.max_combinations.max(1);
    let mut labels: HashMap<String, String> = HashMap::new();
    let mut bound_hit: BTreeSet<String> = BTreeSet::new();
    let mut done: Vec<Assignment> = Vec::new();
    let mut pending = vec![Assignment::new()];
    let mut steps = 0;
    while let Some(assignment) = pending.pop() {
        steps += 1;
        let world = World::new(instances.to_vec(), assignment.clone(), budget);
        lower_world(&world, &mut Graph::default(), None);
        let needs = world.needs.take();
        let split = (steps < MAX_STEPS)
            .then(|| next_split(&needs, &assignment))
            .flatten();
        let Some((key, label, domain)) = split else {
            done.push(assignment);
            continue;
        };
        labels.insert(key.clone(), label.clone());
        if done.len() + pending.len() + domain.len() <= max {
            for choice in domain.into_iter().rev() {
                let mut a = assignment.clone();
                a.insert(key.clone(), choice);
                pending.push(a);
            }
        } else {
            bound_hit.insert(label);
            let mut a = assignment;
            a.insert(key, Choice::Undecided);
            pending.push(a);
        }
    }

    let worlds: Vec<World<'_>> = done
        .into_iter()
        .map(|a| World::new(instances.to_vec(), a, budget))
        .collect();
    let variant_set = (worlds.len() > 1).then(|| {
        let facts = worlds.iter().map(|w| variants::facts(w, &labels)).collect();
        graph.add_variant_set(VariantSet { facts })
    });
    let mut seen = HashSet::new();
    let mut undecided = BTreeSet::new();
    for (index, world) in worlds.iter().enumerate() {
        let variant = variant_set.map(|set| Variant {
            set,
            index: u32::try_from(index).unwrap_or(u32::MAX),
        });
        lower_world(world, graph, variant);
        for e in world.errors.take() {
            if seen.insert((e.span, e.message.clone())) {
                errors.push(e);
            }
        }
        undecided.extend(world.undecided.take());
    }
    if !bound_hit.is_empty() || !undecided.is_empty() {
        let names: Vec<String> = bound_hit.union(&undecided).cloned().collect();
        let at = first
            .root
            .entry("Conditions")
            .map_or(first.root.span.clone(), |e| e.key_span.clone());
        graph.add_note(Note {
            address: "Conditions".to_owned(),
            reason: format!(
                "more than {max} combinations of conditions: {} left undecided; values and \
                 resources that depend on them are not analysed (raise \
                 --max-condition-combinations)",
                names.join(", ")
            ),
            span: Span::new(first.file, at),
        });
    }
}

/// The input to split the world on, and its domain; `None` when every condition met was
/// decided.
fn next_split(needs: &[NeedRec], assignment: &Assignment) -> Option<(String, String, Vec<Choice>)> {
    let first = needs.iter().find(|n| match assignment.get(&n.key) {
        None => true,
        Some(Choice::Other(excluded)) => n.literal.as_ref().is_some_and(|l| !excluded.contains(l)),
        Some(_) => false,
    })?;
    let domain = match (&first.literal, &first.allowed) {
        (None, _) => vec![Choice::Bool(true), Choice::Bool(false)],
        (Some(_), Some(allowed)) => allowed.iter().cloned().map(Choice::Value).collect(),
        (Some(_), None) => {
            let mut excluded = match assignment.get(&first.key) {
                Some(Choice::Other(e)) => e.clone(),
                _ => Vec::new(),
            };
            let mut values = Vec::new();
            for n in needs.iter().filter(|n| n.key == first.key) {
                if let Some(l) = &n.literal {
                    if !excluded.contains(l) && !values.contains(l) {
                        values.push(l.clone());
                    }
                }
            }
            excluded.extend(values.iter().cloned());
            let mut d: Vec<Choice> = values.into_iter().map(Choice::Value).collect();
            d.push(Choice::Other(excluded));
            d
        }
    };
    Some((first.key.clone(), first.label.clone(), domain))
}

/// Services whose resources vpclint models: only their `Condition`s are decided (a
/// condition on, say, a CDK metadata resource must not multiply the worlds).
const MODELLED: &[&str] = &[
    "AWS::EC2::",
    "AWS::AutoScaling::",
    "AWS::EKS::",
    "AWS::Route53",
    "AWS::DirectoryService::",
    "AWS::DirectConnect::",
    "AWS::Lambda::Function",
    "AWS::ECS::Service",
    "AWS::NetworkFirewall::Firewall",
    "AWS::NetworkManager::CoreNetwork",
    "AWS::NetworkManager::VpcAttachment",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::Serverless::Function",
    "AWS::CloudFormation::Stack",
    "AWS::Serverless::Application",
];

/// Lowers the resources of every instance that exists in the world: ids first (so that
/// references resolve whatever the order), then bodies.
fn lower_world(world: &World<'_>, graph: &mut Graph, variant: Option<Variant>) {
    let mut pending = Vec::new();
    for (i, inst) in world.instances.iter().enumerate() {
        if world.instance_exists(i) != Some(true) {
            continue;
        }
        let Some(resources) = inst.root.get("Resources") else {
            continue;
        };
        let Some(entries) = resources.as_map() else {
            world.error(
                i,
                resources.span.clone(),
                "`Resources` must be a map of logical ids to resources",
            );
            continue;
        };
        for entry in entries {
            let decl = Span::new(inst.file, entry.key_span.clone());
            if let Some(name) = entry.key.strip_prefix(transform::LOOP) {
                // With the transform, loops were expanded (`transform.rs`).
                world.error(
                    i,
                    entry.key_span.clone(),
                    format!(
                        "Fn::ForEach::{name} needs `Transform: AWS::LanguageExtensions`; it is \
                         not analysed"
                    ),
                );
                continue;
            }
            if inst.extras.is_rain_module(&entry.key) {
                // Noted once by the transform step.
                continue;
            }
            let Some(type_name) = entry.value.get("Type").and_then(|t| match &t.value {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            }) else {
                let span = entry
                    .value
                    .get("Type")
                    .map_or(entry.key_span.clone(), |t| t.span.clone());
                world.error(
                    i,
                    span,
                    format!(
                        "resource {} has no `Type` string; it is not analysed",
                        entry.key
                    ),
                );
                continue;
            };
            let modelled = MODELLED.iter().any(|m| type_name.starts_with(m));
            if modelled && world.resource_exists(i, &entry.key) != Some(true) {
                continue;
            }
            let address = address(inst, &entry.key, &entry.value);
            let id = graph.reserve(address, type_name.to_owned(), decl);
            if let Some(v) = variant {
                graph.set_variant(id, v);
            }
            if let Some(reason) = inst.extras.uncertain.get(&entry.key) {
                graph.set_uncertain(id, reason.clone());
            }
            let end = entry.value.span.end.max(entry.key_span.end);
            graph.set_extent(id, Span::new(inst.file, entry.key_span.start..end));
            let (ignores, malformed) = suppressions::read(inst.file, &entry.value);
            for s in ignores {
                graph.add_suppression(id, s);
            }
            for (span, message) in malformed {
                world.error(i, span, message);
            }
            world.ids.borrow_mut().insert((i, entry.key.as_str()), id);
            pending.push((i, id, type_name, &entry.value, decl));
        }
    }
    for (i, id, type_name, resource, decl) in pending {
        lower_one(world, graph, (i, id, type_name, resource, decl));
    }
}

/// The properties of a resource that has none.
static NO_PROPERTIES: Node = Node {
    value: Value::Map(Vec::new()),
    span: 0..0,
};

fn lower_one<'a>(
    world: &World<'a>,
    graph: &mut Graph,
    (i, id, type_name, resource, decl): (usize, ResourceId, &str, &'a Node, Span),
) {
    let properties = resource
        .get("Properties")
        .and_then(|p| world.resolve(i, p))
        .unwrap_or(&NO_PROPERTIES);
    let ctx = Ctx {
        world,
        inst: i,
        node: properties,
        decl,
        poison: graph.get(id).uncertain.clone().map(std::rc::Rc::from),
    };
    // Without `--region` (or a CDK environment) the region is one unknown for the unit.
    let region = Some(Prop::known(
        world.instances[i]
            .region
            .as_deref()
            .map_or_else(|| SymStr::hole(HoleKind::Region, 0), SymStr::literal),
        decl,
    ));
    let kind = resources::lower_resource(type_name, &ctx);
    graph.set(id, region, kind);
}

/// A resource's address: the nested-stack path and logical id, and the CDK construct path
/// when known (`Vpc8378EB38 (Network/Vpc/Resource)`).
fn address(inst: &Instance<'_>, logical: &str, resource: &Node) -> String {
    let cdk = resource
        .get("Metadata")
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(Node::as_scalar_str)
        .map(str::to_owned)
        .or_else(|| inst.cdk_paths.get(logical).cloned());
    match cdk {
        Some(path) => format!("{}{logical} ({path})", inst.prefix),
        None => format!("{}{logical}", inst.prefix),
    }
}
