//! Evaluation of template values in one *world*: one assignment of the inputs that the
//! conditions depend on and that no option gives (parameters without a value, pseudo
//! parameters other than `AWS::Region`).
//!
//! A value evaluates to a scalar, a list, a reference to a resource attribute that exists
//! only after deployment ([`EVal::Res`], lowered to a graph edge), an [`EVal::Input`] (a
//! parameter with no value, which conditions can split on), `AWS::NoValue`, or Unknown with
//! the reason. Conditions are three-valued: when one depends on an input the world does not
//! assign, evaluation records a [`NeedRec`] and answers `None`; `mod.rs` then splits the
//! world on that input (bounded). Evaluation never guesses and never does IO.
//!
//! Invariants: every span an evaluation returns is in the file of the instance it was asked
//! about (values that come from another stack are re-pointed at the use site); every value
//! and every level of nesting is charged to the unit's budget (`lower::budget`: recursion is
//! bounded, and cyclic conditions, outputs and parameters end as Unknown); a value that
//! others refer to (a property `Fn::GetAtt` reads, an output, a parameter passed down, an
//! export) is evaluated once per world.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use super::functions::{self, SubPart};
use crate::lower::budget::Budget;
use crate::lower::{LowerError, Scalar};
use crate::model::{HoleKind, ResourceId, SymStr};
use crate::source::{FileId, Span};
use crate::syntax::tree::{Node, Value};

mod conditions;
mod intrinsics;
mod size;
mod values;

pub(super) use size::node_size;

/// The value an undecided input takes in one world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Choice {
    /// A parameter value (one of `AllowedValues`, or a literal a condition compares with).
    Value(String),
    /// A value that is none of these literals (a parameter without `AllowedValues`).
    Other(Vec<String>),
    /// An opaque comparison (`Fn::Equals` over deploy-time values) taken as true or false.
    Bool(bool),
    /// Left undecided because the bound on combinations was reached.
    Undecided,
}

/// Inputs to choices, keyed by [`Instance::key`]-prefixed names.
pub(super) type Assignment = std::collections::BTreeMap<String, Choice>;

/// An undecided input met while evaluating a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct NeedRec {
    pub key: String,
    /// How a finding names it: `Env`, `Network/Env`, `AWS::Region`.
    pub label: String,
    /// The literal compared with (`None`: an opaque comparison, split as true/false).
    pub literal: Option<String>,
    /// The parameter's `AllowedValues`, which then are its whole domain.
    pub allowed: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum EVal {
    Scalar(Scalar),
    List(Vec<Spanned>),
    /// An attribute (`Ref` included) of a resource of instance `inst`: known only after
    /// deployment, lowered to a reference.
    Res {
        inst: usize,
        logical: String,
        attr: String,
    },
    /// A parameter or pseudo parameter without a value in this world.
    Input {
        key: String,
        label: String,
        reason: String,
        allowed: Option<Vec<String>>,
        /// What it is in strings built from it, for the pseudo parameters whose unknown
        /// value is the same across the unit (`AWS::Region` as `<region>`).
        sym: Option<SymStr>,
    },
    /// `Fn::Join` over deploy-time values: kept as its pieces, so that `Fn::Split` with the
    /// same delimiter gives them back (the cross-stack subnet-list pattern).
    Joined {
        delim: String,
        items: Vec<Spanned>,
    },
    NoValue,
    Unknown(String),
}

/// A value and where it was written (a byte range in the instance's file).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Spanned {
    pub val: EVal,
    pub span: Range<usize>,
}

impl Spanned {
    fn new(val: EVal, span: Range<usize>) -> Self {
        Spanned { val, span }
    }

    /// The same value pointed at another place (values crossing stacks point at the use).
    fn at(mut self, span: &Range<usize>) -> Self {
        self.span = span.clone();
        if let EVal::List(items) | EVal::Joined { items, .. } = &mut self.val {
            for item in items {
                item.span = span.clone();
            }
        }
        self
    }

    fn text(&self) -> Option<String> {
        match &self.val {
            EVal::Scalar(s) => s.clone().into_string().ok(),
            _ => None,
        }
    }
}

/// One stack: a template with its parameter values, as a root or nested in another.
#[derive(Clone, Debug)]
pub(super) struct Instance<'a> {
    pub file: FileId,
    pub root: &'a Node,
    /// Prefix of the addresses of its resources: `""`, or `Network/` for a nested stack.
    pub prefix: String,
    /// Identity of its inputs in an [`Assignment`].
    pub key: String,
    /// Prefix of the names of its conditions and inputs in findings.
    pub label: String,
    pub params: HashMap<String, Binding<'a>>,
    /// Nested stack logical id → its instance (local templates only).
    pub children: HashMap<String, usize>,
    /// The instance it is nested in, and the logical id of its stack resource there.
    pub parent: Option<(usize, String)>,
    pub region: Option<String>,
    pub stack_name: Option<String>,
    /// CDK construct paths (`aws:cdk:path`) by logical id.
    pub cdk_paths: HashMap<String, String>,
    /// `Resources` and `Parameters` by name, built on first use: a template's maps can hold
    /// thousands of entries, and a linear lookup per reference would be quadratic.
    pub index: std::cell::OnceCell<TemplateIndex<'a>>,
    /// What the transform step found (`transform.rs`): resources that may not exist, names
    /// of resources it does not expand.
    pub extras: std::rc::Rc<super::transform::Extras>,
}

/// Name → node maps of a template's `Resources` and `Parameters`.
#[derive(Clone, Debug, Default)]
pub(super) struct TemplateIndex<'a> {
    resources: HashMap<&'a str, &'a Node>,
    parameters: HashMap<&'a str, &'a Node>,
}

impl<'a> Instance<'a> {
    fn index(&self) -> &TemplateIndex<'a> {
        self.index.get_or_init(|| {
            let map = |key: &str| -> HashMap<&'a str, &'a Node> {
                let mut out = HashMap::new();
                for e in self
                    .root
                    .get(key)
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                {
                    // Duplicate keys keep the first entry, as the parsers do.
                    out.entry(e.key.as_str()).or_insert(&e.value);
                }
                out
            };
            TemplateIndex {
                resources: map("Resources"),
                parameters: map("Parameters"),
            }
        })
    }

    /// The resource with this logical id.
    pub fn resource(&self, logical: &str) -> Option<&'a Node> {
        self.index().resources.get(logical).copied()
    }

    /// The parameter declaration with this name.
    pub fn parameter(&self, name: &str) -> Option<&'a Node> {
        self.index().parameters.get(name).copied()
    }
}

impl World<'_> {
    /// The value `Ref` gives for a parameter or pseudo parameter of instance `i` (`None` for
    /// any other name); `at` is where the value is used.
    pub fn input_value(&self, i: usize, name: &str, at: &Range<usize>) -> Option<EVal> {
        if name.starts_with("AWS::") {
            return Some(self.pseudo(i, name));
        }
        self.instances[i]
            .parameter(name)
            .map(|_| self.parameter(i, name, at))
    }

    /// A name no resource of instance `i` has as written, used with attribute `attr`: a
    /// resource a loop with an unknown collection makes, or one of a Rain module (unknown).
    fn undeclared(&self, i: usize, name: &str, attr: &str) -> Option<EVal> {
        match self.instances[i].extras.undeclared(name)? {
            super::transform::Undeclared::Loop(logical) => Some(self.resource(i, logical, attr)),
            super::transform::Undeclared::Unknown(reason) => Some(EVal::Unknown(reason)),
        }
    }
}

/// Where a parameter's value comes from.
#[derive(Clone, Debug)]
pub(super) enum Binding<'a> {
    /// Given on the command line (or a CDK manifest).
    Given(String),
    /// An expression of the parent stack (`Parameters` of an `AWS::CloudFormation::Stack`).
    Expr { inst: usize, node: &'a Node },
}

/// One world: the instances of a group of linked templates and one assignment.
pub(super) struct World<'a> {
    pub instances: Vec<Instance<'a>>,
    pub assignment: Assignment,
    /// Resources reserved in the graph for this world.
    pub ids: RefCell<HashMap<(usize, &'a str), ResourceId>>,
    /// Export name → the exporting instance and the output's `Value`.
    exports: RefCell<HashMap<String, (usize, &'a Node)>>,
    /// Export names that instances of different templates export: which one an import
    /// means is not known (each would be deployed in its own account or region).
    ambiguous: RefCell<HashMap<String, Vec<usize>>>,
    conditions: RefCell<HashMap<(usize, String), Option<bool>>>,
    active: RefCell<HashSet<(usize, String)>>,
    /// Values others refer to, by (instance, node address); `None` while being evaluated.
    referred: RefCell<HashMap<(usize, usize), Option<Spanned>>>,
    depth: Cell<usize>,
    /// The unit's evaluation budget, shared by its worlds.
    budget: &'a Budget,
    pub needs: RefCell<Vec<NeedRec>>,
    /// Labels of inputs left undecided (bound reached) that an evaluation met.
    pub undecided: RefCell<BTreeSet<String>>,
    pub errors: RefCell<Vec<LowerError>>,
}

impl<'a> World<'a> {
    pub fn new(instances: Vec<Instance<'a>>, assignment: Assignment, budget: &'a Budget) -> Self {
        let world = World {
            instances,
            assignment,
            ids: RefCell::default(),
            exports: RefCell::default(),
            ambiguous: RefCell::default(),
            conditions: RefCell::default(),
            active: RefCell::default(),
            referred: RefCell::default(),
            depth: Cell::new(0),
            budget,
            needs: RefCell::default(),
            undecided: RefCell::default(),
            errors: RefCell::default(),
        };
        let (exports, ambiguous) = world.compute_exports();
        *world.exports.borrow_mut() = exports;
        *world.ambiguous.borrow_mut() = ambiguous;
        world
    }

    pub fn error(&self, inst: usize, span: Range<usize>, message: impl Into<String>) {
        self.errors.borrow_mut().push(LowerError {
            span: Span::new(self.instances[inst].file, span),
            message: message.into(),
        });
    }

    /// The export names of this world's instances that exist, with their values (the first
    /// instance's), and the names that instances of different templates export.
    #[allow(clippy::type_complexity)]
    fn compute_exports(
        &self,
    ) -> (
        HashMap<String, (usize, &'a Node)>,
        HashMap<String, Vec<usize>>,
    ) {
        let mut out: HashMap<String, (usize, &'a Node)> = HashMap::new();
        let mut ambiguous: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name_node, value) in self.outputs_with_exports() {
            let Some(name) = self.eval(i, name_node).text() else {
                continue;
            };
            match out.get(&name) {
                Some(&(first, _)) if self.instances[first].file != self.instances[i].file => {
                    ambiguous.entry(name).or_insert_with(|| vec![first]).push(i);
                }
                Some(_) => {}
                None => {
                    out.insert(name, (i, value));
                }
            }
        }
        (out, ambiguous)
    }

    /// How a finding's reason names an instance: its template (when the world has several)
    /// and its nested-stack path.
    fn describe(&self, i: usize) -> String {
        let inst = &self.instances[i];
        let label = inst.label.trim_end_matches(": ");
        let nested = inst.prefix.trim_end_matches('/');
        match (label.is_empty(), nested.is_empty()) {
            (false, false) => format!("{label} ({nested})"),
            (false, true) => label.to_owned(),
            (true, false) => format!("nested stack {nested}"),
            (true, true) => "the root template".to_owned(),
        }
    }

    /// `(instance, Export.Name node, Value node)` of the outputs that exist in this world.
    pub fn outputs_with_exports(&self) -> Vec<(usize, &'a Node, &'a Node)> {
        let mut out = Vec::new();
        for i in 0..self.instances.len() {
            if self.instance_exists(i) != Some(true) {
                continue;
            }
            let outputs = self.instances[i].root.get("Outputs").and_then(Node::as_map);
            for o in outputs.unwrap_or_default() {
                let exists = match o.value.get("Condition").and_then(Node::as_scalar_str) {
                    Some(c) => self.condition(i, c, &o.value.span),
                    None => Some(true),
                };
                let name = o.value.get("Export").and_then(|e| e.get("Name"));
                if let (Some(true), Some(name), Some(value)) = (exists, name, o.value.get("Value"))
                {
                    out.push((i, name, value));
                }
            }
        }
        out
    }

    /// Export names this world can evaluate (for grouping templates).
    pub fn export_names(&self) -> Vec<(usize, String)> {
        let exports = self.exports.borrow();
        let mut out: Vec<(usize, String)> =
            exports.iter().map(|(n, (i, _))| (*i, n.clone())).collect();
        out.sort();
        out
    }

    /// Does instance `i` exist in this world (its stack resource's condition, up the tree)?
    pub fn instance_exists(&self, i: usize) -> Option<bool> {
        match &self.instances[i].parent {
            None => Some(true),
            Some((p, logical)) => match self.instance_exists(*p) {
                Some(true) => self.resource_exists(*p, logical),
                other => other,
            },
        }
    }

    /// Does resource `logical` of instance `i` exist (its `Condition`)?
    pub fn resource_exists(&self, i: usize, logical: &str) -> Option<bool> {
        let resource = self.instances[i].resource(logical)?;
        match resource.get("Condition") {
            None => Some(true),
            Some(c) => {
                if let Some(name) = c.as_scalar_str() {
                    self.condition(i, name, &c.span)
                } else {
                    self.error(
                        i,
                        c.span.clone(),
                        "a resource's Condition must be a condition name",
                    );
                    None
                }
            }
        }
    }
}

/// The arguments of every `Fn::ImportValue` under `node`.
pub(super) fn collect_imports<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    if let Some(("Fn::ImportValue", arg)) = node.as_intrinsic() {
        out.push(arg);
        return;
    }
    match &node.value {
        Value::Map(entries) => entries.iter().for_each(|e| collect_imports(&e.value, out)),
        Value::Seq(items) => items.iter().for_each(|n| collect_imports(n, out)),
        _ => {}
    }
}

/// A parameter's `AllowedValues`, as strings.
pub(super) fn allowed_values(decl: &Node) -> Option<Vec<String>> {
    decl.get("AllowedValues")
        .and_then(Node::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(Node::as_scalar_str)
                .map(str::to_owned)
                .collect()
        })
}

pub(super) fn is_list_type(ty: &str) -> bool {
    ty == "CommaDelimitedList" || ty.starts_with("List<")
}
