//! What is done to a template before CloudFormation creates its resources, and what vpclint
//! does about it: `Transform: AWS::LanguageExtensions` loops (`Fn::ForEach`) are expanded
//! here, per stack instance (a collection can be a parameter); Rain modules
//! (`Type: !Rain::Module …`, expanded by `rain pkg`, not by CloudFormation) are left out and
//! named (`rain.rs`). Both are recorded in the instance's [`Extras`].
//!
//! `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` in `Resources`,
//! `Outputs` and `Conditions` (and in maps inside them, such as resource properties) is
//! replaced by one copy of the fragment per element of the collection, as the transform does
//! (AWS CloudFormation User Guide, `Fn::ForEach`; cfn-lint's implementation for the details):
//! - in keys, `${Identifier}` is the element and `&{Identifier}` the element without its
//!   non-alphanumeric characters;
//! - in values, `Ref: Identifier` is the element, and `${Identifier}` in a `Fn::Sub`
//!   string; a `Fn::Sub` left with no variable becomes a plain string (so that
//!   `Ref: !Sub 'Subnet${Az}'` names a resource); other strings are kept as written;
//! - loops nest (an inner collection may use the outer identifiers), and entries whose value
//!   is null are dropped.
//!
//! The copies keep the spans of the fragment: a generated resource points at the loop body.
//! A collection is a list, a `Ref` to a list parameter (given, passed by a parent stack, or
//! its `Default`), a `Fn::FindInMap` or a `Fn::Split`. When it is not known (a parameter with
//! no value), the fragment is expanded once with the identifier unknown: the resources are
//! kept under their keys as written (`Subnet${Az}`), as resources that may not exist (their
//! values unknown, their references kept), a reference to a name the loop would make means
//! that resource, and a note says how many there are is not known.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::eval::{node_size, Assignment, EVal, Instance, World};
use super::stacks::Reports;
use crate::lower::budget::Budget;
use crate::lower::LowerError;
use crate::model::Note;
use crate::source::{FileId, Span};
use crate::syntax::tree::{Entry, Node, Value};

/// The key prefix of a loop.
pub(super) const LOOP: &str = "Fn::ForEach::";

/// The intrinsic (not CloudFormation's) standing for a loop identifier whose value is not
/// known; its argument is the reason. Only the expansion writes it.
pub(super) const UNKNOWN: &str = "Fn::VpclintUnknownElement";

/// Loops nest at most this deep.
const MAX_DEPTH: usize = 16;

/// What the expansion adds to a stack instance.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// Resources a loop makes an unknown number of: logical id (as written, `Subnet${Az}`)
    /// → why they may not exist.
    pub uncertain: HashMap<String, String>,
    /// Names that references may use although no resource has them as written.
    pub opaque: Vec<Opaque>,
}

/// A source of resource names vpclint does not expand.
#[derive(Debug)]
pub(super) enum Opaque {
    /// A Rain module: its resources are named after the module's logical id.
    Rain { logical: String, source: String },
    /// A resource that a loop with an unknown collection makes: its key as written.
    Loop { pattern: String },
}

/// How a name that no resource has as written resolves.
pub(super) enum Undeclared<'e> {
    /// The loop resource (key as written) it would be.
    Loop(&'e str),
    /// Not known, for this reason.
    Unknown(String),
}

impl Extras {
    /// What `name` (not a declared resource) may be.
    pub fn undeclared(&self, name: &str) -> Option<Undeclared<'_>> {
        for o in &self.opaque {
            if let Opaque::Rain { logical, source } = o {
                if name.starts_with(logical.as_str()) {
                    return Some(Undeclared::Unknown(format!(
                        "{name} would come from the Rain module {logical} ({source}), which \
                         only `rain pkg` expands; its resources are not analysed"
                    )));
                }
            }
        }
        let loops: Vec<&str> = self
            .opaque
            .iter()
            .filter_map(|o| match o {
                Opaque::Loop { pattern } if matches(pattern, name) => Some(pattern.as_str()),
                _ => None,
            })
            .collect();
        match loops.as_slice() {
            [] => None,
            [one] => Some(Undeclared::Loop(one)),
            several => Some(Undeclared::Unknown(format!(
                "{name} may be any of {}, which Fn::ForEach loops make from collections that \
                 are not known",
                several.join(", ")
            ))),
        }
    }

    /// Is this resource a Rain module?
    pub fn is_rain_module(&self, logical: &str) -> bool {
        self.opaque
            .iter()
            .any(|o| matches!(o, Opaque::Rain { logical: l, .. } if l == logical))
    }
}

/// An instance's template after the transform: its tree when it changed, and the extras.
pub(super) struct Expanded {
    root: Option<Node>,
    extras: Rc<Extras>,
}

/// Expands the templates of `instances` that use `AWS::LanguageExtensions` and finds Rain
/// modules; errors in loops and the notes go to `reports`.
pub(super) fn expand<'a>(
    instances: &[Instance<'a>],
    reports: &mut Reports,
    budget: &'a Budget,
) -> Vec<Expanded> {
    let transformed: Vec<bool> = instances
        .iter()
        .map(|inst| uses_language_extensions(inst.root))
        .collect();
    // Collections are evaluated in a world of the templates as written (parameters only).
    let world = transformed
        .iter()
        .any(|&t| t)
        .then(|| World::new(instances.to_vec(), Assignment::new(), budget));
    let mut out = Vec::with_capacity(instances.len());
    for (i, inst) in instances.iter().enumerate() {
        let mut extras = Extras::default();
        let root = match (&world, transformed[i]) {
            (Some(world), true) => {
                let mut x = Expander {
                    world,
                    inst: i,
                    file: inst.file,
                    extras: &mut extras,
                    reports,
                    prefix: inst.prefix.clone(),
                };
                Some(x.template(inst.root))
            }
            _ => None,
        };
        super::rain::modules(
            inst,
            root.as_ref().unwrap_or(inst.root),
            &mut extras,
            reports,
        );
        out.push(Expanded {
            root,
            extras: Rc::new(extras),
        });
    }
    out
}

/// The instances with their expanded trees and extras.
pub(super) fn apply<'b>(
    instances: Vec<Instance<'b>>,
    expanded: &'b [Expanded],
) -> Vec<Instance<'b>> {
    instances
        .into_iter()
        .zip(expanded)
        .map(|(mut inst, e)| {
            if let Some(root) = &e.root {
                inst.root = root;
                inst.index = std::cell::OnceCell::new();
            }
            inst.extras = Rc::clone(&e.extras);
            inst
        })
        .collect()
}

/// Does the template name `AWS::LanguageExtensions` in its `Transform` (a name or a list)?
pub(super) fn uses_language_extensions(root: &Node) -> bool {
    let named = |n: &Node| n.as_scalar_str() == Some("AWS::LanguageExtensions");
    root.get("Transform")
        .is_some_and(|t| named(t) || t.as_seq().is_some_and(|items| items.iter().any(named)))
}

/// A loop identifier's value in a copy of the fragment.
#[derive(Clone, Debug)]
enum Element {
    Known(String),
    Unknown(Rc<str>),
}

/// The identifiers bound by the enclosing loops, innermost last.
type Env = Vec<(String, Element)>;

struct Expander<'x, 'w, 'a> {
    world: &'w World<'a>,
    inst: usize,
    file: FileId,
    extras: &'x mut Extras,
    reports: &'x mut Reports,
    prefix: String,
}

/// The sections loops may be in; only `Resources` names resources.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Resources,
    Other,
}

impl Expander<'_, '_, '_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.reports.errors.push(LowerError {
            span: Span::new(self.file, span),
            message: message.into(),
        });
    }

    /// The template with its `Resources`, `Outputs` and `Conditions` expanded.
    fn template(&mut self, root: &Node) -> Node {
        let Value::Map(entries) = &root.value else {
            return root.clone();
        };
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let section = match e.key.as_str() {
                "Resources" => Section::Resources,
                "Outputs" | "Conditions" => Section::Other,
                _ => {
                    out.push(e.clone());
                    continue;
                }
            };
            let value = match &e.value.value {
                Value::Map(inner) => Node::new(
                    Value::Map(self.map(inner, &Env::new(), Some(section), 0)),
                    e.value.span.clone(),
                ),
                _ => e.value.clone(),
            };
            out.push(Entry {
                key: e.key.clone(),
                key_span: e.key_span.clone(),
                value,
            });
        }
        Node::new(Value::Map(out), root.span.clone())
    }

    /// A map's entries with its loops expanded and the identifiers substituted. `top`: the
    /// map is a section, whose keys are logical ids (or a loop fragment in it).
    fn map(
        &mut self,
        entries: &[Entry],
        env: &Env,
        top: Option<Section>,
        depth: usize,
    ) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
        for e in entries {
            if let Some(name) = e.key.strip_prefix(LOOP) {
                for generated in self.expand_loop(name, e, env, top, depth) {
                    self.push(&mut out, generated);
                }
                continue;
            }
            let value = self.value(&e.value, env, depth);
            if value.value == Value::Null {
                continue;
            }
            let key = substitute_key(&e.key, env);
            if top == Some(Section::Resources) {
                if let Some(reason) = unknown_reason(env) {
                    self.extras
                        .uncertain
                        .insert(key.clone(), reason.to_string());
                    self.extras.opaque.push(Opaque::Loop {
                        pattern: key.clone(),
                    });
                }
            }
            self.push(
                &mut out,
                Entry {
                    key,
                    key_span: e.key_span.clone(),
                    value,
                },
            );
        }
        out
    }

    /// Adds an entry, reporting a key made twice (the first is kept, as the parsers do).
    fn push(&mut self, out: &mut Vec<Entry>, entry: Entry) {
        if out.iter().any(|o| o.key == entry.key) {
            self.error(
                entry.key_span.clone(),
                format!(
                    "{} is made twice (by Fn::ForEach or beside it); the first is kept",
                    entry.key
                ),
            );
            return;
        }
        out.push(entry);
    }

    /// The entries one loop makes.
    fn expand_loop(
        &mut self,
        name: &str,
        e: &Entry,
        env: &Env,
        top: Option<Section>,
        depth: usize,
    ) -> Vec<Entry> {
        if depth >= MAX_DEPTH {
            self.error(
                e.key_span.clone(),
                format!("Fn::ForEach::{name}: loops nest deeper than {MAX_DEPTH}; not expanded"),
            );
            return Vec::new();
        }
        let parts = e
            .value
            .as_seq()
            .and_then(|s| <&[Node; 3]>::try_from(s).ok());
        let Some([identifier, collection, fragment]) = parts else {
            self.error(
                e.key_span.clone(),
                format!(
                    "Fn::ForEach::{name} takes [identifier, collection, fragment]; it is not \
                     expanded"
                ),
            );
            return Vec::new();
        };
        let Some(id) = identifier
            .as_scalar_str()
            .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
        else {
            self.error(
                identifier.span.clone(),
                format!("Fn::ForEach::{name}: the identifier must be an alphanumeric string"),
            );
            return Vec::new();
        };
        let Some(fragment) = fragment.as_map() else {
            self.error(
                fragment.span.clone(),
                format!("Fn::ForEach::{name}: the fragment must be a map of keys to values"),
            );
            return Vec::new();
        };
        let collection = self.value(collection, env, depth);
        let elements = match self.collection(&collection) {
            Ok(elements) => elements.into_iter().map(Element::Known).collect(),
            Err(Why::Error(message)) => {
                self.error(
                    collection.span.clone(),
                    format!("Fn::ForEach::{name}: {message}"),
                );
                return Vec::new();
            }
            Err(Why::Unknown(reason)) => {
                let reason: Rc<str> =
                    format!("the collection of Fn::ForEach::{name} is not known: {reason}").into();
                if top == Some(Section::Resources) && unknown_reason(env).is_none() {
                    let keys: Vec<&str> = fragment
                        .iter()
                        .map(|f| f.key.as_str())
                        .filter(|k| !k.starts_with(LOOP))
                        .collect();
                    self.reports.notes.push(Note {
                        address: format!("{}Fn::ForEach::{name}", self.prefix),
                        reason: format!(
                            "{reason}; how many resources it makes ({}) is not known: each is \
                             analysed once, as a resource that may not exist",
                            keys.join(", ")
                        ),
                        span: Span::new(self.file, e.key_span.clone()),
                    });
                }
                vec![Element::Unknown(reason)]
            }
        };
        // Each copy of the fragment is charged to the unit's budget: loops in loops
        // multiply.
        let copy = node_size(&e.value);
        let mut out = Vec::new();
        for element in elements {
            if let Err(excess) = self.world.budget().admit(copy) {
                let at = Span::new(self.file, e.key_span.clone());
                self.world.budget().report(at, &excess);
                break;
            }
            let mut inner = env.clone();
            inner.push((id.to_owned(), element));
            out.extend(self.map(fragment, &inner, top, depth + 1));
        }
        out
    }

    /// A value with the identifiers substituted and the loops in its maps expanded.
    fn value(&mut self, node: &Node, env: &Env, depth: usize) -> Node {
        let span = node.span.clone();
        match &node.value {
            Value::Map(entries) => {
                match node.as_intrinsic() {
                    Some(("Ref", arg)) => {
                        if let Some(element) = arg.as_scalar_str().and_then(|n| lookup(env, n)) {
                            return element_node(element, span);
                        }
                        let arg = match sub_name(arg, env) {
                            Some(name) => Node::new(Value::String(name), arg.span.clone()),
                            None => self.value(arg, env, depth),
                        };
                        return intrinsic("Ref", &entries[0].key_span, arg, span);
                    }
                    Some(("Fn::GetAtt", arg)) => {
                        if let Some([logical, attribute]) =
                            arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok())
                        {
                            if let Some(name) = sub_name(logical, env) {
                                let items = vec![
                                    Node::new(Value::String(name), logical.span.clone()),
                                    self.value(attribute, env, depth),
                                ];
                                let arg = Node::new(Value::Seq(items), arg.span.clone());
                                return intrinsic("Fn::GetAtt", &entries[0].key_span, arg, span);
                            }
                        }
                    }
                    Some(("Fn::Sub", arg)) if !env.is_empty() => {
                        if let Some(sub) = self.sub(arg, env, depth, &entries[0].key_span, &span) {
                            return sub;
                        }
                    }
                    _ => {}
                }
                Node::new(Value::Map(self.map(entries, env, None, depth)), span)
            }
            Value::Seq(items) => Node::new(
                Value::Seq(items.iter().map(|n| self.value(n, env, depth)).collect()),
                span,
            ),
            Value::Tagged(tag, inner) => Node::new(
                Value::Tagged(tag.clone(), Box::new(self.value(inner, env, depth))),
                span,
            ),
            _ => node.clone(),
        }
    }

    /// `Fn::Sub` with the identifiers substituted: a plain string when no variable is left;
    /// unknown identifiers become variables bound to unknown values. `None` when the
    /// argument is not a string or `[string, variables]`.
    fn sub(
        &mut self,
        arg: &Node,
        env: &Env,
        depth: usize,
        key_span: &Range<usize>,
        span: &Range<usize>,
    ) -> Option<Node> {
        let (string, vars) = match &arg.value {
            Value::String(_) => (arg, None),
            Value::Seq(items) if items.len() == 2 && matches!(items[0].value, Value::String(_)) => {
                (&items[0], Some(&items[1]))
            }
            _ => return None,
        };
        let Value::String(text) = &string.value else {
            return None;
        };
        let mut unknown: Vec<(String, Rc<str>)> = Vec::new();
        let mut replaced = text.clone();
        for (id, element) in env.iter().rev() {
            let placeholder = format!("${{{id}}}");
            if !replaced.contains(&placeholder) {
                continue;
            }
            match element {
                Element::Known(v) => replaced = replaced.replace(&placeholder, v),
                Element::Unknown(reason) => {
                    if !unknown.iter().any(|(u, _)| u == id) {
                        unknown.push((id.clone(), Rc::clone(reason)));
                    }
                }
            }
        }
        let string_node = Node::new(Value::String(replaced.clone()), string.span.clone());
        if vars.is_none() && unknown.is_empty() && !has_variables(&replaced) {
            return Some(string_node);
        }
        let mut var_entries = match vars.map(|v| self.value(v, env, depth)) {
            Some(Node {
                value: Value::Map(entries),
                ..
            }) => entries,
            Some(other) => {
                let arg = Node::new(Value::Seq(vec![string_node, other]), arg.span.clone());
                return Some(intrinsic("Fn::Sub", key_span, arg, span.clone()));
            }
            None => Vec::new(),
        };
        for (id, reason) in unknown {
            if !var_entries.iter().any(|e| e.key == id) {
                var_entries.push(Entry {
                    key: id,
                    key_span: string.span.clone(),
                    value: element_node(&Element::Unknown(reason), string.span.clone()),
                });
            }
        }
        let arg = if var_entries.is_empty() {
            string_node
        } else {
            let vars_span = vars.map_or(string.span.clone(), |v| v.span.clone());
            Node::new(
                Value::Seq(vec![
                    string_node,
                    Node::new(Value::Map(var_entries), vars_span),
                ]),
                arg.span.clone(),
            )
        };
        Some(intrinsic("Fn::Sub", key_span, arg, span.clone()))
    }

    /// The elements of a collection (identifiers already substituted).
    fn collection(&self, node: &Node) -> Result<Vec<String>, Why> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|n| self.scalar(n)).collect(),
            Value::Map(_) => match node.as_intrinsic() {
                Some(("Ref", arg)) => {
                    let name = arg
                        .as_scalar_str()
                        .ok_or_else(|| Why::Unknown("Ref of a computed name".into()))?;
                    match self.input(name, node)? {
                        EVal::List(items) => items
                            .into_iter()
                            .map(|s| match s.val {
                                EVal::Scalar(v) => v.into_string().map_err(Why::Unknown),
                                _ => {
                                    Err(Why::Unknown(format!("an element of {name} is not known")))
                                }
                            })
                            .collect(),
                        EVal::Scalar(_) => Err(Why::Error(format!(
                            "{name} is not a list parameter (CommaDelimitedList or List<…>); a \
                             collection is a list"
                        ))),
                        other => Err(unknown_eval(other)),
                    }
                }
                Some(("Fn::FindInMap", arg)) => {
                    let found = self.find_in_map(arg)?;
                    match &found.value {
                        Value::Seq(_) => self.collection(&found),
                        _ => Err(Why::Error("the mapping's value is not a list".into())),
                    }
                }
                Some(("Fn::Split", arg)) => match arg.as_seq() {
                    Some([delim, text]) => {
                        let (d, t) = (self.scalar(delim)?, self.scalar(text)?);
                        if d.is_empty() {
                            return Err(Why::Error("Fn::Split needs a delimiter".into()));
                        }
                        Ok(t.split(d.as_str()).map(str::to_owned).collect())
                    }
                    _ => Err(Why::Error("Fn::Split needs [delimiter, string]".into())),
                },
                Some((UNKNOWN, arg)) => Err(Why::Unknown(
                    arg.as_scalar_str().unwrap_or_default().to_owned(),
                )),
                Some(("Fn::GetAZs", _)) => Err(Why::Unknown(
                    "the availability zones of the region are not known statically".into(),
                )),
                Some((other, _)) => Err(Why::Unknown(format!(
                    "{other} in a collection is not evaluated"
                ))),
                None => Err(Why::Error("a collection is a list, not a map".into())),
            },
            _ => Err(Why::Error(
                "a collection is a list or a Ref to a list parameter".into(),
            )),
        }
    }

    /// A string of a collection: a scalar, a parameter, a mapping value, a plain `Fn::Sub`.
    fn scalar(&self, node: &Node) -> Result<String, Why> {
        if let Some(text) = node.as_scalar_str() {
            return Ok(text.to_owned());
        }
        match node.as_intrinsic() {
            Some(("Ref", arg)) => {
                let name = arg
                    .as_scalar_str()
                    .ok_or_else(|| Why::Unknown("Ref of a computed name".into()))?;
                match self.input(name, node)? {
                    EVal::Scalar(v) => v.into_string().map_err(Why::Unknown),
                    EVal::List(_) => Err(Why::Error(format!(
                        "{name} is a list where a string was expected"
                    ))),
                    other => Err(unknown_eval(other)),
                }
            }
            Some(("Fn::FindInMap", arg)) => {
                let found = self.find_in_map(arg)?;
                self.scalar(&found)
            }
            Some((UNKNOWN, arg)) => Err(Why::Unknown(
                arg.as_scalar_str().unwrap_or_default().to_owned(),
            )),
            Some((other, _)) => Err(Why::Unknown(format!(
                "{other} in a collection is not evaluated"
            ))),
            None => Err(Why::Error(
                "an element of a collection must be a string".into(),
            )),
        }
    }

    /// A parameter's or pseudo parameter's value.
    fn input(&self, name: &str, node: &Node) -> Result<EVal, Why> {
        self.world
            .input_value(self.inst, name, &node.span)
            .ok_or_else(|| {
                Why::Error(format!(
                    "{name} is not a parameter; a collection is a list or a Ref to a list \
                     parameter"
                ))
            })
    }

    /// `Fn::FindInMap [map, key, key, {DefaultValue}]` over the template's `Mappings`.
    fn find_in_map(&self, arg: &Node) -> Result<Node, Why> {
        let items = arg.as_seq().unwrap_or_default();
        if !(3..=4).contains(&items.len()) {
            return Err(Why::Error(
                "Fn::FindInMap needs [map, top key, second key]".into(),
            ));
        }
        let keys = [
            self.scalar(&items[0])?,
            self.scalar(&items[1])?,
            self.scalar(&items[2])?,
        ];
        let found = self.world.instances[self.inst]
            .root
            .get("Mappings")
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match (found, items.get(3).and_then(|d| d.get("DefaultValue"))) {
            (Some(v), _) | (None, Some(v)) => Ok(v.clone()),
            (None, None) => Err(Why::Error(format!(
                "Fn::FindInMap: {} has no entry {} / {}",
                keys[0], keys[1], keys[2]
            ))),
        }
    }
}

/// Why a collection has no elements to expand.
enum Why {
    /// CloudFormation would reject the template.
    Error(String),
    /// Not known statically.
    Unknown(String),
}

fn unknown_eval(v: EVal) -> Why {
    Why::Unknown(match v {
        EVal::Input { reason, .. } | EVal::Unknown(reason) => reason,
        EVal::Res { logical, .. } => format!("{logical} is known only after deployment"),
        _ => "a value that is not known statically".to_owned(),
    })
}

fn lookup<'e>(env: &'e Env, name: &str) -> Option<&'e Element> {
    env.iter().rev().find(|(id, _)| id == name).map(|(_, e)| e)
}

/// The reason of the outermost unknown identifier, if any.
fn unknown_reason(env: &Env) -> Option<&Rc<str>> {
    env.iter().find_map(|(_, e)| match e {
        Element::Unknown(reason) => Some(reason),
        Element::Known(_) => None,
    })
}

/// The node an identifier stands for: its element, or the unknown marker.
fn element_node(element: &Element, span: Range<usize>) -> Node {
    match element {
        Element::Known(v) => Node::new(Value::String(v.clone()), span),
        Element::Unknown(reason) => intrinsic(
            UNKNOWN,
            &span,
            Node::new(Value::String(reason.to_string()), span.clone()),
            span.clone(),
        ),
    }
}

fn intrinsic(name: &str, key_span: &Range<usize>, arg: Node, span: Range<usize>) -> Node {
    Node::new(
        Value::Map(vec![Entry {
            key: name.to_owned(),
            key_span: key_span.clone(),
            value: arg,
        }]),
        span,
    )
}

/// The name a `Fn::Sub` string (no variable map) gives, as a key would be written: known
/// identifiers substituted, unknown ones kept (`Subnet${Az}`, the key of the resource a loop
/// with an unknown collection makes). `None` when it is not such a `Fn::Sub` or another
/// variable is left.
fn sub_name(node: &Node, env: &Env) -> Option<String> {
    let Some(("Fn::Sub", arg)) = node.as_intrinsic() else {
        return None;
    };
    let Value::String(text) = &arg.value else {
        return None;
    };
    let name = substitute_key(text, env);
    let mut rest = name.clone();
    for (id, _) in env {
        rest = rest.replace(&format!("${{{id}}}"), "");
    }
    (!has_variables(&rest)).then_some(name)
}

/// A key with the known identifiers substituted (`${Id}`: the element, `&{Id}`: its
/// alphanumeric characters); unknown ones are kept as written.
fn substitute_key(key: &str, env: &Env) -> String {
    let mut out = key.to_owned();
    for (id, element) in env.iter().rev() {
        if let Element::Known(v) = element {
            out = out.replace(&format!("${{{id}}}"), v);
            let alnum: String = v.chars().filter(char::is_ascii_alphanumeric).collect();
            out = out.replace(&format!("&{{{id}}}"), &alnum);
        }
    }
    out
}

/// Does a `Fn::Sub` string still have a `${…}` variable (`${!…}` is a literal)?
fn has_variables(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        if !after.starts_with('!') && after.contains('}') {
            return true;
        }
        rest = after;
    }
    false
}

/// Does `name` match a key with unknown identifiers (`Subnet${Az}`: each `${…}` or `&{…}`
/// stands for one or more characters)?
pub(super) fn matches(pattern: &str, name: &str) -> bool {
    /// `Some(literal)` or `None` for a placeholder.
    fn tokens(pattern: &str) -> Vec<Option<&str>> {
        let mut out = Vec::new();
        let mut rest = pattern;
        while let Some(at) = [rest.find("${"), rest.find("&{")]
            .into_iter()
            .flatten()
            .min()
        {
            let Some(close) = rest[at..].find('}') else {
                break;
            };
            if at > 0 {
                out.push(Some(&rest[..at]));
            }
            out.push(None);
            rest = &rest[at + close + 1..];
        }
        if !rest.is_empty() {
            out.push(Some(rest));
        }
        out
    }
    fn go(tokens: &[Option<&str>], name: &str) -> bool {
        match tokens.split_first() {
            None => name.is_empty(),
            Some((Some(literal), rest)) => name.strip_prefix(literal).is_some_and(|n| go(rest, n)),
            Some((None, rest)) => (1..=name.len())
                .filter(|&k| name.is_char_boundary(k))
                .any(|k| go(rest, &name[k..])),
        }
    }
    go(&tokens(pattern), name)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn names_match_keys_with_placeholders() {
        assert!(matches("Subnet${Az}", "Subneta"));
        assert!(!matches("Subnet${Az}", "Subnet"));
        assert!(matches("Prod${Type}Subnet${Az}", "ProdPrivateSubnetb"));
        assert!(!matches("Prod${Type}Subnet${Az}", "ProdPrivateSubnet"));
        assert!(!matches("Prod${Type}Subnet${Az}", "DevPrivateSubnetb"));
        assert!(matches("${A}&{B}", "xy"));
        assert!(!matches("${A}&{B}", "x"));
        assert!(matches("Vpc", "Vpc"));
        assert!(!matches("Vpc", "Vpc2"));
        assert!(matches("Route${Az}Table", "RouteaTable"));
        assert!(!matches("Route${Az}Table", "RouteTable"));
    }
}
