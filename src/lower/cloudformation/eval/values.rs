//! Values: `Fn::If` resolution, `Ref` to parameters, pseudo parameters and resources, and
//! the dispatch of intrinsic functions.

use super::{
    allowed_values, functions, is_list_type, size, Binding, Choice, EVal, HoleKind, Node, Range,
    Scalar, Spanned, SymStr, Value, World,
};
use crate::lower::budget::Size;
use crate::source::Span;

impl<'a> World<'a> {
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

    /// Evaluates a value of instance `i`, within the unit's budget (nesting, and the size
    /// of what it builds: past it, the value is Unknown and the excess an error here).
    pub fn eval(&self, i: usize, node: &'a Node) -> Spanned {
        let depth = self.depth.get();
        if let Err(excess) = self.budget.enter(depth) {
            return self.refuse(i, node, &excess);
        }
        self.depth.set(depth + 1);
        let out = self.eval_inner(i, node);
        self.depth.set(depth);
        self.admit(i, node, out)
    }

    pub(super) fn eval_inner(&self, i: usize, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let val = match &node.value {
            Value::String(s) => EVal::Scalar(Scalar::Str(s.clone())),
            Value::Number(n) => EVal::Scalar(Scalar::Num(n.clone())),
            Value::Bool(b) => EVal::Scalar(Scalar::Bool(*b)),
            Value::Null => EVal::Unknown("null".into()),
            Value::Tagged(tag, _) => EVal::Unknown(format!("the tag {tag} is not understood")),
            Value::Seq(items) => {
                // Checked as it grows: a long list of large values stops at the limit.
                let mut size = Size::default();
                let mut list = Vec::with_capacity(items.len());
                for n in items {
                    let item = self.eval(i, n);
                    if item.val == EVal::NoValue {
                        continue;
                    }
                    size.push(size::measure(&item.val));
                    if let Err(excess) = self.budget.reserve(size) {
                        return self.refuse(i, node, &excess);
                    }
                    list.push(item);
                }
                EVal::List(list)
            }
            Value::Map(_) => match node.as_intrinsic() {
                Some((name, arg)) => return self.intrinsic(i, name, arg, node),
                None => EVal::Unknown("a map where a value was expected".into()),
            },
        };
        Spanned::new(val, span)
    }

    pub(super) fn intrinsic(&self, i: usize, name: &str, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let unknown = |reason: String| Spanned::new(EVal::Unknown(reason), span.clone());
        match name {
            "Ref" => match arg.as_scalar_str() {
                Some(target) => Spanned::new(self.reference(i, target, &arg.span), span.clone()),
                // `AWS::LanguageExtensions` resolves a computed name (`Ref: !Sub …`).
                None => match self.eval(i, arg) {
                    s @ Spanned {
                        val: EVal::Scalar(_),
                        ..
                    } if s.text().is_some() => {
                        let target = s.text().unwrap_or_default();
                        Spanned::new(self.reference(i, &target, &arg.span), span.clone())
                    }
                    other => Spanned::new(
                        super::intrinsics::not_scalar(other.val, "Ref"),
                        span.clone(),
                    ),
                },
            },
            super::super::transform::UNKNOWN => {
                unknown(arg.as_scalar_str().unwrap_or("not known").to_owned())
            }
            "Fn::Length" => self.length(i, arg, node),
            "Fn::ToJsonString" => self.to_json_string(i, arg, node),
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
    pub(super) fn reference(&self, i: usize, target: &str, at: &Range<usize>) -> EVal {
        let inst = &self.instances[i];
        if target.starts_with("AWS::") {
            return self.pseudo(i, target);
        }
        if inst.parameter(target).is_some() {
            return self.parameter(i, target, at);
        }
        if inst.resource(target).is_some() && !inst.extras.is_rain_module(target) {
            return self.resource(i, target, "Ref");
        }
        if let Some(v) = self.undeclared(i, target, "Ref") {
            return v;
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

    pub(super) fn resource(&self, i: usize, logical: &str, attr: &str) -> EVal {
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

    pub(super) fn input(
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

    pub(super) fn pseudo(&self, i: usize, name: &str) -> EVal {
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
    pub(super) fn parameter(&self, i: usize, name: &str, at: &Range<usize>) -> EVal {
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
                let v = self.referred(*p, node).at(at);
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
        if is_list_type(ty) {
            // Checked before the split: a long default of commas is a long list.
            let elements = raw.matches(',').count() as u64 + 1;
            let size = Size {
                elements,
                bytes: raw.len() as u64,
                depth: 1,
            };
            if let Err(excess) = self.budget.reserve(size) {
                self.budget.locate(Span::new(inst.file, at.clone()));
                return EVal::Unknown(excess.reason());
            }
        }
        typed(ty, name, raw, at)
    }
}

/// A parameter value typed by the parameter's `Type`.
pub(super) fn typed(ty: &str, name: &str, raw: String, at: &Range<usize>) -> EVal {
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
