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
//! about (values that come from another stack are re-pointed at the use site); recursion is
//! bounded by [`MAX_DEPTH`] (cyclic conditions, outputs and parameters end as Unknown).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;

use super::functions::{self, SubPart};
use crate::lower::{LowerError, Scalar};
use crate::model::{HoleKind, ResourceId, SymStr};
use crate::source::{FileId, Span};
use crate::syntax::tree::{Node, Value};

/// Nesting bound of one evaluation (conditions referring to conditions, outputs of nested
/// stacks, parameters passed down).
const MAX_DEPTH: u32 = 64;

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
    depth: Cell<u32>,
    pub needs: RefCell<Vec<NeedRec>>,
    /// Labels of inputs left undecided (bound reached) that an evaluation met.
    pub undecided: RefCell<BTreeSet<String>>,
    pub errors: RefCell<Vec<LowerError>>,
}

impl<'a> World<'a> {
    pub fn new(instances: Vec<Instance<'a>>, assignment: Assignment) -> Self {
        let world = World {
            instances,
            assignment,
            ids: RefCell::default(),
            exports: RefCell::default(),
            ambiguous: RefCell::default(),
            conditions: RefCell::default(),
            active: RefCell::default(),
            depth: Cell::new(0),
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

    /// A named condition of instance `i`, evaluated once per world.
    pub fn condition(&self, i: usize, name: &str, at: &Range<usize>) -> Option<bool> {
        let key = (i, name.to_owned());
        if let Some(v) = self.conditions.borrow().get(&key) {
            return *v;
        }
        let Some(node) = self.instances[i]
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
        else {
            self.error(
                i,
                at.clone(),
                format!("condition {name} is not defined in Conditions"),
            );
            return None;
        };
        if !self.active.borrow_mut().insert(key.clone()) {
            self.error(i, at.clone(), format!("condition {name} refers to itself"));
            return None;
        }
        let value = self.cond_expr(i, node);
        self.active.borrow_mut().remove(&key);
        self.conditions.borrow_mut().insert(key, value);
        value
    }

    /// A condition function: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`.
    fn cond_expr(&self, i: usize, node: &'a Node) -> Option<bool> {
        let Some((name, arg)) = node.as_intrinsic() else {
            if let Some(b) = node.as_bool() {
                return Some(b);
            }
            self.error(
                i,
                node.span.clone(),
                "a condition must be a condition function",
            );
            return None;
        };
        let items = arg.as_seq().unwrap_or_default();
        match name {
            "Condition" => match arg.as_scalar_str() {
                Some(c) => self.condition(i, c, &arg.span),
                None => None,
            },
            "Fn::Equals" if items.len() == 2 => {
                let a = self.eval(i, &items[0]);
                let b = self.eval(i, &items[1]);
                self.equals(i, &a, &b, node)
            }
            "Fn::Not" if items.len() == 1 => self.cond_expr(i, &items[0]).map(|b| !b),
            "Fn::And" | "Fn::Or" if !items.is_empty() => {
                let decisive = name == "Fn::Or";
                let mut undecided = false;
                for item in items {
                    match self.cond_expr(i, item) {
                        Some(b) if b == decisive => return Some(decisive),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(!decisive)
            }
            _ => {
                self.error(
                    i,
                    node.span.clone(),
                    format!("{name} is not a condition function, or has the wrong arguments"),
                );
                None
            }
        }
    }

    fn equals(&self, i: usize, left: &Spanned, right: &Spanned, node: &Node) -> Option<bool> {
        match (&left.val, &right.val) {
            // A string built from an input compares by its known parts.
            (EVal::Scalar(Scalar::Sym(a)), EVal::Scalar(b))
            | (EVal::Scalar(b), EVal::Scalar(Scalar::Sym(a))) => {
                let b = match b {
                    Scalar::Sym(b) => b.clone(),
                    other => SymStr::literal(&other.clone().into_string().unwrap_or_default()),
                };
                a.eq_ignore_case(&b).or_else(|| self.opaque(i, node))
            }
            (EVal::Scalar(_), EVal::Scalar(_)) => Some(left.text() == right.text()),
            (EVal::List(xs), EVal::List(ys)) => {
                let texts = |l: &[Spanned]| l.iter().map(Spanned::text).collect::<Option<Vec<_>>>();
                match (texts(xs), texts(ys)) {
                    (Some(xs), Some(ys)) => Some(xs == ys),
                    _ => self.opaque(i, node),
                }
            }
            (EVal::Input { key: k1, .. }, EVal::Input { key: k2, .. }) if k1 == k2 => Some(true),
            (input @ EVal::Input { .. }, EVal::Scalar(s))
            | (EVal::Scalar(s), input @ EVal::Input { .. }) => match s.clone().into_string() {
                Ok(literal) => self.input_equals(input, &literal, i, node),
                Err(_) => self.opaque(i, node),
            },
            (
                EVal::Res {
                    inst,
                    logical,
                    attr,
                    ..
                },
                EVal::Res {
                    inst: i2,
                    logical: l2,
                    attr: a2,
                },
            ) if inst == i2 && logical == l2 && attr == a2 => Some(true),
            _ => self.opaque(i, node),
        }
    }

    /// `Fn::Equals` between an input and a literal.
    fn input_equals(&self, input: &EVal, literal: &str, i: usize, node: &Node) -> Option<bool> {
        let EVal::Input {
            key,
            label,
            allowed,
            ..
        } = input
        else {
            return None;
        };
        match self.assignment.get(key) {
            Some(Choice::Value(v)) => return Some(v == literal),
            Some(Choice::Other(excluded)) if excluded.iter().any(|e| e == literal) => {
                return Some(false)
            }
            Some(Choice::Undecided) => {
                self.undecided.borrow_mut().insert(label.clone());
                return None;
            }
            Some(Choice::Bool(_)) => return self.opaque(i, node),
            _ => {}
        }
        if allowed
            .as_ref()
            .is_some_and(|a| !a.iter().any(|v| v == literal))
        {
            return Some(false);
        }
        self.needs.borrow_mut().push(NeedRec {
            key: key.clone(),
            label: label.clone(),
            literal: Some(literal.to_owned()),
            allowed: allowed.clone(),
        });
        None
    }

    /// A comparison of values not known statically: split as true/false, keyed by its place.
    fn opaque(&self, i: usize, node: &Node) -> Option<bool> {
        let inst = &self.instances[i];
        let key = format!("{}#{}", inst.key, node.span.start);
        match self.assignment.get(&key) {
            Some(Choice::Bool(b)) => Some(*b),
            Some(Choice::Undecided) => {
                self.undecided
                    .borrow_mut()
                    .insert(format!("{}(comparison)", inst.label));
                None
            }
            _ => {
                self.needs.borrow_mut().push(NeedRec {
                    key,
                    label: format!("{}(comparison)", inst.label),
                    literal: None,
                    allowed: None,
                });
                None
            }
        }
    }

    /// Follows `Fn::If` to the branch this world takes; `None` for `AWS::NoValue` (the
    /// property is absent). An undecided `Fn::If` is returned as it is.
    pub fn resolve(&self, i: usize, node: &'a Node) -> Option<&'a Node> {
        let mut node = node;
        loop {
            match node.as_intrinsic() {
                Some(("Ref", arg)) if arg.as_scalar_str() == Some("AWS::NoValue") => return None,
                Some(("Fn::If", arg)) => {
                    let Some([cond, yes, no]) =
                        arg.as_seq().and_then(|s| <&[Node; 3]>::try_from(s).ok())
                    else {
                        return Some(node);
                    };
                    let Some(name) = cond.as_scalar_str() else {
                        return Some(node);
                    };
                    match self.condition(i, name, &cond.span) {
                        Some(true) => node = yes,
                        Some(false) => node = no,
                        None => return Some(node),
                    }
                }
                _ => return Some(node),
            }
        }
    }

    /// Evaluates a value of instance `i`.
    pub fn eval(&self, i: usize, node: &'a Node) -> Spanned {
        if self.depth.get() >= MAX_DEPTH {
            return Spanned::new(
                EVal::Unknown("the evaluation is nested too deeply (a cycle?)".into()),
                node.span.clone(),
            );
        }
        self.depth.set(self.depth.get() + 1);
        let out = self.eval_inner(i, node);
        self.depth.set(self.depth.get() - 1);
        out
    }

    fn eval_inner(&self, i: usize, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let val = match &node.value {
            Value::String(s) => EVal::Scalar(Scalar::Str(s.clone())),
            Value::Number(n) => EVal::Scalar(Scalar::Num(n.clone())),
            Value::Bool(b) => EVal::Scalar(Scalar::Bool(*b)),
            Value::Null => EVal::Unknown("null".into()),
            Value::Tagged(tag, _) => EVal::Unknown(format!("the tag {tag} is not understood")),
            Value::Seq(items) => EVal::List(
                items
                    .iter()
                    .map(|n| self.eval(i, n))
                    .filter(|s| s.val != EVal::NoValue)
                    .collect(),
            ),
            Value::Map(_) => match node.as_intrinsic() {
                Some((name, arg)) => return self.intrinsic(i, name, arg, node),
                None => EVal::Unknown("a map where a value was expected".into()),
            },
        };
        Spanned::new(val, span)
    }

    fn intrinsic(&self, i: usize, name: &str, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let unknown = |reason: String| Spanned::new(EVal::Unknown(reason), span.clone());
        match name {
            "Ref" => match arg.as_scalar_str() {
                Some(target) => Spanned::new(self.reference(i, target, &arg.span), span.clone()),
                None => unknown("Ref takes a name".into()),
            },
            "Fn::GetAtt" => self.get_att(i, arg, node),
            "Fn::Sub" => self.sub(i, arg, node),
            "Fn::Join" => self.join(i, arg, node),
            "Fn::Select" => self.select(i, arg, node),
            "Fn::Split" => self.split(i, arg, node),
            "Fn::If" => match self.resolve(i, node) {
                None => Spanned::new(EVal::NoValue, span),
                Some(n) if std::ptr::eq(n, node) => {
                    let cond = arg
                        .as_seq()
                        .and_then(|s| s.first())
                        .and_then(Node::as_scalar_str)
                        .unwrap_or("?");
                    unknown(format!("depends on condition {cond}, which is not decided"))
                }
                Some(n) => self.eval(i, n),
            },
            "Fn::FindInMap" => self.find_in_map(i, arg, node),
            "Fn::GetAZs" => {
                let region = self.instances[i].region.as_deref().unwrap_or("the region");
                unknown(format!(
                    "Fn::GetAZs: the availability zones of {region} are not known statically"
                ))
            }
            "Fn::Cidr" => self.cidr(i, arg, node),
            "Fn::Base64" => match self.eval(i, arg).text() {
                Some(t) => Spanned::new(EVal::Scalar(Scalar::Str(functions::base64(&t))), span),
                None => unknown("Fn::Base64 of a value not known statically".into()),
            },
            "Fn::ImportValue" => self.import(i, arg, node),
            "Condition" | "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                match self.cond_expr(i, node) {
                    Some(b) => Spanned::new(EVal::Scalar(Scalar::Bool(b)), span),
                    None => unknown("a condition that is not decided".into()),
                }
            }
            other => unknown(format!("{other} is not evaluated")),
        }
    }

    /// `Ref`: a parameter, a pseudo parameter or a resource.
    fn reference(&self, i: usize, target: &str, at: &Range<usize>) -> EVal {
        let inst = &self.instances[i];
        if target.starts_with("AWS::") {
            return self.pseudo(i, target);
        }
        if inst.parameter(target).is_some() {
            return self.parameter(i, target, at);
        }
        if inst.resource(target).is_some() {
            return self.resource(i, target, "Ref");
        }
        self.error(
            i,
            at.clone(),
            format!("Ref {target}: no parameter or resource of that name"),
        );
        EVal::Unknown(format!(
            "Ref {target}: no parameter or resource of that name"
        ))
    }

    fn resource(&self, i: usize, logical: &str, attr: &str) -> EVal {
        match self.resource_exists(i, logical) {
            Some(false) => {
                EVal::Unknown(format!("{logical} does not exist under these conditions"))
            }
            _ => EVal::Res {
                inst: i,
                logical: logical.to_owned(),
                attr: attr.to_owned(),
            },
        }
    }

    fn input(
        &self,
        i: usize,
        name: &str,
        reason: String,
        allowed: Option<Vec<String>>,
        sym: Option<SymStr>,
    ) -> EVal {
        let inst = &self.instances[i];
        let key = format!("{}:{name}", inst.key);
        if let Some(Choice::Value(v)) = self.assignment.get(&key) {
            return EVal::Scalar(Scalar::Str(v.clone()));
        }
        EVal::Input {
            key,
            label: format!("{}{name}", inst.label),
            reason,
            allowed,
            sym,
        }
    }

    fn pseudo(&self, i: usize, name: &str) -> EVal {
        let inst = &self.instances[i];
        let region = inst.region.as_deref();
        let known = |s: &str| EVal::Scalar(Scalar::Str(s.to_owned()));
        match (name, region) {
            ("AWS::NoValue", _) => EVal::NoValue,
            ("AWS::Region", Some(r)) => known(r),
            ("AWS::Partition", Some(r)) => known(functions::partition(r)),
            ("AWS::URLSuffix", Some(r)) => known(functions::url_suffix(r)),
            ("AWS::Region" | "AWS::Partition" | "AWS::URLSuffix", None) => {
                // Every template of a unit is deployed to one region (nesting, exports and
                // imports do not cross regions): one unknown region, the same everywhere.
                let hole = match name {
                    "AWS::Region" => HoleKind::Region,
                    "AWS::Partition" => HoleKind::Partition,
                    _ => HoleKind::UrlSuffix,
                };
                self.input(
                    i,
                    name,
                    format!("{name} is not known (pass --region)"),
                    None,
                    Some(SymStr::hole(hole, 0)),
                )
            }
            ("AWS::StackName", _) if inst.stack_name.is_some() => {
                known(inst.stack_name.as_deref().unwrap_or_default())
            }
            ("AWS::StackName" | "AWS::AccountId" | "AWS::StackId" | "AWS::NotificationARNs", _) => {
                // Likewise one account (a stack set deploys each copy within one account).
                let sym = (name == "AWS::AccountId").then(|| SymStr::hole(HoleKind::AccountId, 0));
                self.input(
                    i,
                    name,
                    format!("the pseudo parameter {name} is not known statically"),
                    None,
                    sym,
                )
            }
            _ => EVal::Unknown(format!("{name} is not a pseudo parameter")),
        }
    }

    /// The value of parameter `name` of instance `i`: given, passed by the parent stack, or
    /// its `Default`; typed by its `Type`.
    fn parameter(&self, i: usize, name: &str, at: &Range<usize>) -> EVal {
        let inst = &self.instances[i];
        let decl = inst.parameter(name).expect("checked by the caller");
        let ty = decl
            .get("Type")
            .and_then(Node::as_scalar_str)
            .unwrap_or("String");
        let allowed = allowed_values(decl);
        let raw = match inst.params.get(name) {
            Some(Binding::Given(v)) => Ok(v.clone()),
            Some(Binding::Expr { inst: p, node }) => {
                let v = self.eval(*p, node).at(at);
                match (&v.val, v.text()) {
                    (_, Some(t)) => Ok(t),
                    (EVal::List(_), _) if is_list_type(ty) => return v.val,
                    _ => return v.val,
                }
            }
            None => match decl.get("Default") {
                Some(d) => match (&d.value, d.as_scalar_str()) {
                    (_, Some(t)) => Ok(t.to_owned()),
                    (Value::Seq(items), _) => Ok(items
                        .iter()
                        .filter_map(Node::as_scalar_str)
                        .collect::<Vec<_>>()
                        .join(",")),
                    _ => Err(()),
                },
                None => Err(()),
            },
        };
        let Ok(raw) = raw else {
            return self.input(
                i,
                name,
                format!(
                    "parameter {name} has no value (no Default; give it with --parameter or \
                     --parameters)"
                ),
                allowed,
                None,
            );
        };
        typed(ty, name, raw, at)
    }

    fn get_att(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let parts: Option<(String, String)> = match &arg.value {
            Value::String(s) => s.split_once('.').map(|(r, a)| (r.to_owned(), a.to_owned())),
            Value::Seq(items) if items.len() == 2 => {
                let attr = self.eval(i, &items[1]).text();
                items[0]
                    .as_scalar_str()
                    .zip(attr)
                    .map(|(r, a)| (r.to_owned(), a))
            }
            _ => None,
        };
        let Some((logical, attr)) = parts else {
            return Spanned::new(
                EVal::Unknown("Fn::GetAtt needs a resource and an attribute".into()),
                span,
            );
        };
        let inst = &self.instances[i];
        let Some(resource) = inst.resource(&logical) else {
            self.error(
                i,
                arg.span.clone(),
                format!("Fn::GetAtt {logical}: no resource of that name"),
            );
            return Spanned::new(
                EVal::Unknown(format!("Fn::GetAtt {logical}: no such resource")),
                span,
            );
        };
        if let Some(output) = attr.strip_prefix("Outputs.") {
            return self.stack_output(i, &logical, output, &span);
        }
        let ty = resource
            .get("Type")
            .and_then(Node::as_scalar_str)
            .unwrap_or("");
        // Attributes that are a property as written: evaluated from it.
        let property = match (ty, attr.as_str()) {
            ("AWS::EC2::VPC" | "AWS::EC2::Subnet", "CidrBlock") => Some("CidrBlock"),
            _ => None,
        };
        if let Some(value) =
            property.and_then(|p| resource.get("Properties").and_then(|props| props.get(p)))
        {
            if self.resource_exists(i, &logical) != Some(false) {
                return self.eval(i, value).at(&span);
            }
        }
        Spanned::new(self.resource(i, &logical, &attr), span)
    }

    /// `Fn::GetAtt Stack.Outputs.Name` of a nested stack.
    fn stack_output(&self, i: usize, logical: &str, output: &str, span: &Range<usize>) -> Spanned {
        let Some(&child) = self.instances[i].children.get(logical) else {
            return Spanned::new(
                EVal::Unknown(format!(
                    "{logical} is a nested stack whose template is not analysed"
                )),
                span.clone(),
            );
        };
        let value = self.instances[child]
            .root
            .get("Outputs")
            .and_then(|o| o.get(output))
            .and_then(|o| o.get("Value"));
        if let Some(v) = value {
            return self.eval(child, v).at(span);
        }
        self.error(
            i,
            span.clone(),
            format!("nested stack {logical} has no output {output}"),
        );
        Spanned::new(
            EVal::Unknown(format!("{logical} has no output {output}")),
            span.clone(),
        )
    }

    fn sub(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let (template, vars) = match &arg.value {
            Value::String(s) => (s, None),
            Value::Seq(items) if items.len() == 2 => match &items[0].value {
                Value::String(s) => (s, Some(&items[1])),
                _ => return Spanned::new(EVal::Unknown("Fn::Sub needs a string".into()), span),
            },
            _ => return Spanned::new(EVal::Unknown("Fn::Sub needs a string".into()), span),
        };
        let string_node = if vars.is_some() {
            &arg.as_seq().unwrap_or_default()[0]
        } else {
            arg
        };
        let parts = functions::sub_parts(template);
        let mut values = Vec::new();
        for part in &parts {
            values.push(match part {
                SubPart::Text(t) => EVal::Scalar(Scalar::Str(t.clone())),
                SubPart::Var { name, offset } => {
                    let at = inner_span(string_node, template, *offset, name.len() + 3);
                    match vars.and_then(|v| v.get(name)) {
                        Some(v) => self.eval(i, v).val,
                        None => self.sub_variable(i, name, &at),
                    }
                }
            });
        }
        if let [only @ EVal::Res { .. }] = values.as_slice() {
            return Spanned::new(only.clone(), span);
        }
        Spanned::new(concat(values, "Fn::Sub"), span)
    }

    /// `${Name}` or `${Resource.Attribute}` of a `Fn::Sub` without a variable map entry.
    fn sub_variable(&self, i: usize, name: &str, at: &Range<usize>) -> EVal {
        if name.starts_with("AWS::") {
            return self.pseudo(i, name);
        }
        let inst = &self.instances[i];
        if inst.parameter(name).is_some() {
            return self.parameter(i, name, at);
        }
        if inst.resource(name).is_some() {
            return self.resource(i, name, "Ref");
        }
        if let Some((logical, attr)) = name.split_once('.') {
            if inst.resource(logical).is_some() {
                if let Some(output) = attr.strip_prefix("Outputs.") {
                    return self.stack_output(i, logical, output, at).val;
                }
                return self.resource(i, logical, attr);
            }
        }
        self.error(
            i,
            at.clone(),
            format!("Fn::Sub: ${{{name}}} is not a parameter, resource or attribute"),
        );
        EVal::Unknown(format!("Fn::Sub: ${{{name}}} is not defined"))
    }

    fn join(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let Some([delim, list]) = arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok()) else {
            return Spanned::new(
                EVal::Unknown("Fn::Join needs [delimiter, list]".into()),
                span,
            );
        };
        let Some(delim) = self.eval(i, delim).text() else {
            return Spanned::new(
                EVal::Unknown("Fn::Join: the delimiter is not known".into()),
                span,
            );
        };
        let items = match self.eval(i, list).val {
            EVal::List(items) => items,
            other => return Spanned::new(not_list(other, "Fn::Join"), span),
        };
        let deploy_time = items.iter().any(|s| matches!(s.val, EVal::Res { .. }));
        let all_known = items
            .iter()
            .all(|s| matches!(s.val, EVal::Res { .. } | EVal::Scalar(_)));
        if deploy_time && all_known {
            return Spanned::new(EVal::Joined { delim, items }, span);
        }
        let mut values = Vec::new();
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                values.push(EVal::Scalar(Scalar::Str(delim.clone())));
            }
            values.push(item.val);
        }
        Spanned::new(concat(values, "Fn::Join"), span)
    }

    fn select(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let Some([index, list]) = arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok()) else {
            return Spanned::new(EVal::Unknown("Fn::Select needs [index, list]".into()), span);
        };
        let Some(n) = self
            .eval(i, index)
            .text()
            .and_then(|t| t.parse::<usize>().ok())
        else {
            return Spanned::new(
                EVal::Unknown("Fn::Select: the index is not known".into()),
                span,
            );
        };
        match self.eval(i, list).val {
            EVal::List(items) => {
                if let Some(item) = items.into_iter().nth(n) {
                    return item;
                }
                let message = format!("Fn::Select: index {n} is out of range");
                self.error(i, index.span.clone(), message.clone());
                Spanned::new(EVal::Unknown(message), span)
            }
            other => Spanned::new(not_list(other, "Fn::Select"), span),
        }
    }

    fn split(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let Some([delim, text]) = arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok()) else {
            return Spanned::new(
                EVal::Unknown("Fn::Split needs [delimiter, string]".into()),
                span,
            );
        };
        let text = self.eval(i, text);
        let delim = self.eval(i, delim).text();
        if let (
            EVal::Joined {
                delim: joined,
                items,
            },
            Some(d),
        ) = (&text.val, &delim)
        {
            if joined == d && !d.is_empty() {
                let pieces = items.iter().flat_map(|item| match &item.val {
                    EVal::Scalar(s) => match s.clone().into_string() {
                        Ok(text) => text
                            .split(d.as_str())
                            .map(|p| {
                                Spanned::new(
                                    EVal::Scalar(Scalar::Str(p.to_owned())),
                                    item.span.clone(),
                                )
                            })
                            .collect::<Vec<_>>(),
                        Err(reason) => vec![Spanned::new(EVal::Unknown(reason), item.span.clone())],
                    },
                    _ => vec![item.clone()],
                });
                return Spanned::new(EVal::List(pieces.collect()), span);
            }
        }
        match (delim, text.text()) {
            (Some(d), Some(t)) if !d.is_empty() => Spanned::new(
                EVal::List(
                    t.split(d.as_str())
                        .map(|p| {
                            Spanned::new(EVal::Scalar(Scalar::Str(p.to_owned())), span.clone())
                        })
                        .collect(),
                ),
                span,
            ),
            (_, None) => Spanned::new(not_list(text.val, "Fn::Split"), span),
            _ => Spanned::new(
                EVal::Unknown("Fn::Split: the delimiter is not known".into()),
                span,
            ),
        }
    }

    fn find_in_map(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let items = arg.as_seq().unwrap_or_default();
        if !(3..=4).contains(&items.len()) {
            return Spanned::new(
                EVal::Unknown("Fn::FindInMap needs [map, top key, second key]".into()),
                span,
            );
        }
        let mut keys = Vec::new();
        for k in &items[..3] {
            let v = self.eval(i, k);
            match v.text() {
                Some(t) => keys.push(t),
                None => return Spanned::new(not_scalar(v.val, "Fn::FindInMap key"), span),
            }
        }
        let mappings = self.instances[i].root.get("Mappings");
        let found = mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        if let Some(value) = found {
            return self.eval(i, value);
        }
        if let Some(default) = items.get(3).and_then(|d| d.get("DefaultValue")) {
            return self.eval(i, default);
        }
        let message = format!(
            "Fn::FindInMap: {} has no entry {} / {}",
            keys[0], keys[1], keys[2]
        );
        self.error(i, arg.span.clone(), message.clone());
        Spanned::new(EVal::Unknown(message), span)
    }

    fn cidr(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let Some([block, count, bits]) = arg.as_seq().and_then(|s| <&[Node; 3]>::try_from(s).ok())
        else {
            return Spanned::new(
                EVal::Unknown("Fn::Cidr needs [block, count, cidrBits]".into()),
                span,
            );
        };
        let block = self.eval(i, block);
        let (count, bits) = (self.eval(i, count).text(), self.eval(i, bits).text());
        let (Some(b), Some(c), Some(n)) = (block.text(), count, bits) else {
            return Spanned::new(not_scalar(block.val, "Fn::Cidr"), span);
        };
        match functions::cidr(&b, &c, &n) {
            Ok(blocks) => Spanned::new(
                EVal::List(
                    blocks
                        .into_iter()
                        .map(|b| Spanned::new(EVal::Scalar(Scalar::Str(b)), span.clone()))
                        .collect(),
                ),
                span,
            ),
            Err(reason) => {
                if !reason.contains("IPv6") {
                    self.error(i, span.clone(), reason.clone());
                }
                Spanned::new(EVal::Unknown(reason), span)
            }
        }
    }

    fn import(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let name = self.eval(i, arg);
        let Some(name) = name.text() else {
            return Spanned::new(not_scalar(name.val, "Fn::ImportValue name"), span);
        };
        if let Some(exporters) = self.ambiguous.borrow().get(&name) {
            let names: Vec<String> = exporters.iter().map(|&e| self.describe(e)).collect();
            return Spanned::new(
                EVal::Unknown(format!(
                    "Fn::ImportValue: '{name}' is exported by {} among the scanned files; an export name is unique in an account and region, so which stack this one imports from is not known",
                    names.join(" and ")
                )),
                span,
            );
        }
        let found = self.exports.borrow().get(&name).copied();
        match found {
            Some((exporter, value)) => self.eval(exporter, value).at(&span),
            None => Spanned::new(
                EVal::Unknown(format!(
                    "Fn::ImportValue: no template of the scanned files exports '{name}'"
                )),
                span,
            ),
        }
    }

    /// Every `Fn::ImportValue` name of instance `i` this world can evaluate.
    pub fn import_names(&self, i: usize) -> Vec<String> {
        let mut nodes = Vec::new();
        collect_imports(self.instances[i].root, &mut nodes);
        nodes
            .into_iter()
            .filter_map(|n| self.eval(i, n).text())
            .collect()
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

/// A parameter value typed by the parameter's `Type`.
fn typed(ty: &str, name: &str, raw: String, at: &Range<usize>) -> EVal {
    if ty.starts_with("AWS::SSM::Parameter::Value<") {
        return EVal::Unknown(format!(
            "parameter {name} is read from the SSM parameter '{raw}' at deploy time"
        ));
    }
    if is_list_type(ty) {
        return EVal::List(
            raw.split(',')
                .map(|s| Spanned::new(EVal::Scalar(Scalar::Str(s.trim().to_owned())), at.clone()))
                .collect(),
        );
    }
    if ty == "Number" {
        return EVal::Scalar(Scalar::Num(raw));
    }
    EVal::Scalar(Scalar::Str(raw))
}

/// Concatenates the pieces of a `Fn::Sub` or `Fn::Join` when all are known, or known in
/// part (`com.amazonaws.${AWS::Region}.sqs` without `--region` is
/// `com.amazonaws.<region>.sqs`).
fn concat(values: Vec<EVal>, function: &str) -> EVal {
    let mut out = SymStr::default();
    for v in values {
        match v {
            EVal::Scalar(Scalar::Sym(s)) | EVal::Input { sym: Some(s), .. } => out.push(&s),
            EVal::Scalar(s) => match s.into_string() {
                Ok(text) => out.push_str(&text),
                Err(reason) => return EVal::Unknown(reason),
            },
            EVal::Res { logical, .. } => {
                return EVal::Unknown(format!(
                    "{function} uses an attribute of {logical}, known only after deployment"
                ))
            }
            other => return not_scalar(other, function),
        }
    }
    match out.as_literal() {
        Some(text) => EVal::Scalar(Scalar::Str(text.to_owned())),
        None => EVal::Scalar(Scalar::Sym(out)),
    }
}

/// Why a value that should be a scalar is not known.
fn not_scalar(v: EVal, what: &str) -> EVal {
    match v {
        EVal::Input { reason, .. } | EVal::Unknown(reason) => EVal::Unknown(reason),
        EVal::Res { logical, attr, .. } => EVal::Unknown(format!(
            "{what}: {logical}.{attr} is known only after deployment"
        )),
        EVal::List(_) => EVal::Unknown(format!("{what}: a list where a string was expected")),
        EVal::Joined { .. } => EVal::Unknown(format!(
            "{what}: a string joined from values known only after deployment"
        )),
        EVal::NoValue => EVal::Unknown(format!("{what}: AWS::NoValue")),
        EVal::Scalar(_) => v,
    }
}

fn not_list(v: EVal, what: &str) -> EVal {
    match v {
        EVal::Scalar(_) => EVal::Unknown(format!("{what}: a string where a list was expected")),
        EVal::Res { logical, attr, .. } => EVal::Unknown(format!(
            "{what}: the list {logical}.{attr} is known only after deployment"
        )),
        other => not_scalar(other, what),
    }
}

/// The span of `len` bytes at `offset` in the string of `node`, when the source is the
/// string as written (a plain or quoted scalar without escapes); else the whole node.
fn inner_span(node: &Node, text: &str, offset: usize, len: usize) -> Range<usize> {
    let written = node.span.end - node.span.start;
    let start = if written == text.len() {
        node.span.start
    } else if written == text.len() + 2 {
        node.span.start + 1
    } else {
        return node.span.clone();
    };
    start + offset..start + offset + len
}
