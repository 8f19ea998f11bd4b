//! The intrinsic functions that build values: `Fn::GetAtt`, nested-stack outputs, `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Cidr`, `Fn::ImportValue`.

use super::{
    collect_imports, functions, size, EVal, Node, Range, Scalar, Spanned, SubPart, SymStr, Value,
    World,
};

impl<'a> World<'a> {
    pub(super) fn get_att(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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
        let resource = inst
            .resource(&logical)
            .filter(|_| !inst.extras.is_rain_module(&logical));
        let Some(resource) = resource else {
            if let Some(v) = self.undeclared(i, &logical, &attr) {
                return Spanned::new(v, span);
            }
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
                return self.referred(i, value).at(&span);
            }
        }
        Spanned::new(self.resource(i, &logical, &attr), span)
    }

    /// `Fn::GetAtt Stack.Outputs.Name` of a nested stack.
    pub(super) fn stack_output(
        &self,
        i: usize,
        logical: &str,
        output: &str,
        span: &Range<usize>,
    ) -> Spanned {
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
            return self.referred(child, v).at(span);
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

    pub(super) fn sub(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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
        let mut bytes = 0;
        for part in &parts {
            // Checked as it grows: many `${P}` of a long P stop at the limit.
            if let Some(last) = values.last() {
                bytes += size::text_len(last);
                if let Some(refused) = self.reserve_bytes(i, node, bytes) {
                    return refused;
                }
            }
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
        if let Some(refused) = self.reserve_concat(i, node, &values, 0) {
            return refused;
        }
        Spanned::new(concat(values, "Fn::Sub"), span)
    }

    /// `${Name}` or `${Resource.Attribute}` of a `Fn::Sub` without a variable map entry.
    pub(super) fn sub_variable(&self, i: usize, name: &str, at: &Range<usize>) -> EVal {
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
        let (logical, attr) = name.split_once('.').unwrap_or((name, "Ref"));
        if let Some(v) = self.undeclared(i, logical, attr) {
            return v;
        }
        self.error(
            i,
            at.clone(),
            format!("Fn::Sub: ${{{name}}} is not a parameter, resource or attribute"),
        );
        EVal::Unknown(format!("Fn::Sub: ${{{name}}} is not defined"))
    }

    pub(super) fn join(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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
        if let Some(refused) =
            self.reserve_concat(i, node, items.iter().map(|s| &s.val), delim.len())
        {
            return refused;
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

    pub(super) fn select(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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
            // One of a Network Firewall's endpoints (`az:vpce-…`): still the firewall's.
            firewall @ EVal::Res { .. } if self.firewall_endpoints(&firewall) => {
                Spanned::new(firewall, span)
            }
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

    /// Is the value `Fn::GetAtt F.EndpointIds` of an `AWS::NetworkFirewall::Firewall` (or one
    /// of them)? A route to a firewall endpoint names it so; it is lowered as a reference
    /// to the firewall, whose subnets' routes the traffic then follows.
    fn firewall_endpoints(&self, value: &EVal) -> bool {
        let EVal::Res {
            inst,
            logical,
            attr,
        } = value
        else {
            return false;
        };
        attr == "EndpointIds"
            && self.instances[*inst]
                .resource(logical)
                .and_then(|r| r.get("Type"))
                .and_then(Node::as_scalar_str)
                == Some("AWS::NetworkFirewall::Firewall")
    }

    pub(super) fn split(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let Some([delim, text]) = arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok()) else {
            return Spanned::new(
                EVal::Unknown("Fn::Split needs [delimiter, string]".into()),
                span,
            );
        };
        let text = self.eval(i, text);
        let delim = self.eval(i, delim).text();
        // `Fn::Split [":", <a firewall endpoint>]`: the zone and the endpoint id, both the
        // firewall's (routes name the endpoint by `Fn::Select [1, …]`).
        if self.firewall_endpoints(&text.val) {
            let piece = Spanned::new(text.val, span.clone());
            return Spanned::new(EVal::List(vec![piece.clone(), piece]), span);
        }
        // Checked before splitting: a long string of delimiters is a long list.
        if let Some(d) = delim.as_deref().filter(|d| !d.is_empty()) {
            let pieces = match &text.val {
                EVal::Joined { items, .. } => items
                    .iter()
                    .map(|item| item.text().map_or(1, |t| t.matches(d).count() + 1))
                    .sum(),
                _ => text.text().map_or(0, |t| t.matches(d).count() + 1),
            };
            if let Some(refused) = self.reserve_elements(i, node, pieces) {
                return refused;
            }
        }
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

    pub(super) fn find_in_map(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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

    pub(super) fn cidr(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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

    pub(super) fn import(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
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
            Some((exporter, value)) => self.referred(exporter, value).at(&span),
            None => Spanned::new(
                EVal::Unknown(format!(
                    "Fn::ImportValue: no template of the scanned files exports '{name}'"
                )),
                span,
            ),
        }
    }

    /// `Fn::Length` (`AWS::LanguageExtensions`): the number of elements of a list.
    pub(super) fn length(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let val = match self.eval(i, arg).val {
            EVal::List(items) => EVal::Scalar(Scalar::Num(items.len().to_string())),
            other => not_list(other, "Fn::Length"),
        };
        Spanned::new(val, span)
    }

    /// `Fn::ToJsonString` (`AWS::LanguageExtensions`): a map or list as compact JSON, when
    /// every value in it is known.
    pub(super) fn to_json_string(&self, i: usize, arg: &'a Node, node: &'a Node) -> Spanned {
        let span = node.span.clone();
        let mut out = String::new();
        let val = match self.json(i, arg, &mut out, 0) {
            Ok(()) => EVal::Scalar(Scalar::Str(out)),
            Err(reason) => EVal::Unknown(format!("Fn::ToJsonString: {reason}")),
        };
        Spanned::new(val, span)
    }

    fn json(&self, i: usize, node: &'a Node, out: &mut String, depth: u32) -> Result<(), String> {
        if depth as usize > crate::lower::budget::MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        match &node.value {
            Value::Map(entries) if node.as_intrinsic().is_none() => {
                out.push('{');
                for (n, e) in entries.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    json_string(&e.key, out);
                    out.push(':');
                    self.json(i, &e.value, out, depth + 1)?;
                }
                out.push('}');
            }
            Value::Seq(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    self.json(i, item, out, depth + 1)?;
                }
                out.push(']');
            }
            Value::Null => out.push_str("null"),
            _ => match self.eval(i, node).val {
                EVal::Scalar(Scalar::Num(n)) => out.push_str(&n),
                EVal::Scalar(Scalar::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
                EVal::Scalar(s) => json_string(&s.into_string()?, out),
                EVal::List(items) => {
                    let texts: Option<Vec<String>> = items.iter().map(Spanned::text).collect();
                    let texts = texts.ok_or("a list with values not known statically")?;
                    out.push('[');
                    for (n, t) in texts.iter().enumerate() {
                        if n > 0 {
                            out.push(',');
                        }
                        json_string(t, out);
                    }
                    out.push(']');
                }
                other => {
                    return Err(match not_scalar(other, "a value") {
                        EVal::Unknown(reason) => reason,
                        _ => "a value not known statically".into(),
                    })
                }
            },
        }
        Ok(())
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

/// Concatenates the pieces of a `Fn::Sub` or `Fn::Join` when all are known, or known in
/// part (`com.amazonaws.${AWS::Region}.sqs` without `--region` is
/// `com.amazonaws.<region>.sqs`).
pub(super) fn concat(values: Vec<EVal>, function: &str) -> EVal {
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

/// `text` as a JSON string literal.
fn json_string(text: &str, out: &mut String) {
    use std::fmt::Write;
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Why a value that should be a scalar is not known.
pub(super) fn not_scalar(v: EVal, what: &str) -> EVal {
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

pub(super) fn not_list(v: EVal, what: &str) -> EVal {
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
pub(super) fn inner_span(node: &Node, text: &str, offset: usize, len: usize) -> Range<usize> {
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
