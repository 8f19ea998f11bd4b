//! Plans as `terraform show -json` prints them → graph elements.
//!
//! `planned_values` gives every resource instance with the values Terraform computed;
//! values known only after apply are absent from it. For those, the `configuration`
//! section's `references` give the edge (`vpc_id = aws_vpc.a.id` → a reference to
//! `aws_vpc.a`), followed through module outputs. Locations: when the plan's directory is
//! among the scanned files, each resource points at its declaration and each argument at
//! its value in the `.tf` file (root module resources; static blocks); otherwise they point
//! into the plan JSON itself, at the resource's entry.

use std::cell::RefCell;
use std::collections::HashMap;

use super::modules::ModuleDef;
use super::resources::{lower_resource, TfBlock};
use crate::lower::{as_ref_prop, LowerError, Props, Scalar};
use crate::model::cloudwan::Tags;
use crate::model::{Graph, ListProp, Prop, RefProp, ResourceId, SymStr, Val};
use crate::source::{FileId, Span};
use crate::syntax::hcl::Body;
use crate::syntax::tree::{Node, Value as J};

/// One planned resource instance.
struct Planned<'p> {
    address: String,
    /// `module.x["a"].module.y` (empty for the root).
    module: String,
    /// The configuration resource (with `expressions`), and its module's configuration.
    config: Option<&'p Node>,
    module_config: Option<&'p Node>,
    type_name: String,
    values: &'p Node,
    node: &'p Node,
}

/// Lowers one plan file. `root_def` is the plan directory's Terraform module, when read.
pub fn lower(
    file: FileId,
    root: &Node,
    root_def: Option<&ModuleDef<'_>>,
    graph: &mut Graph,
    errors: &mut Vec<LowerError>,
) {
    let Some(root_module) = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    else {
        errors.push(LowerError {
            span: Span::new(file, root.span.clone()),
            message: "a Terraform plan without planned_values (was it made with `terraform show -json PLANFILE`?)".to_owned(),
        });
        return;
    };
    let config_root = root.get("configuration").and_then(|c| c.get("root_module"));
    let mut planned = Vec::new();
    collect(root_module, config_root, &mut planned);
    let mut plan = Plan {
        file,
        root,
        root_def,
        ids: HashMap::new(),
        resolved: RefCell::default(),
    };
    for p in &planned {
        let span = plan.decl_span(p);
        let id = graph.reserve(p.address.clone(), p.type_name.clone(), span);
        plan.ids.insert(p.address.clone(), id);
    }
    for p in &planned {
        let id = plan.ids[&p.address];
        let ctx = PlanCtx {
            plan: &plan,
            item: p,
            values: p.values,
            expressions: p.config.and_then(|c| c.get("expressions")),
            hcl: plan.hcl_body(p),
            decl: graph.get(id).span,
        };
        let region = plan.region(p, graph.get(id).span);
        let kind = lower_resource(&p.type_name, &ctx);
        graph.set(id, region, kind);
    }
}

/// Walks `planned_values` modules, pairing each resource with its configuration.
fn collect<'p>(module: &'p Node, config: Option<&'p Node>, out: &mut Vec<Planned<'p>>) {
    let prefix = module
        .get("address")
        .and_then(Node::as_scalar_str)
        .unwrap_or("")
        .to_owned();
    for r in module
        .get("resources")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if r.get("mode").and_then(Node::as_scalar_str) != Some("managed") {
            continue;
        }
        let (Some(address), Some(ty), Some(name), Some(values)) = (
            r.get("address").and_then(Node::as_scalar_str),
            r.get("type").and_then(Node::as_scalar_str),
            r.get("name").and_then(Node::as_scalar_str),
            r.get("values"),
        ) else {
            continue;
        };
        let module_config = config_module(config, &prefix);
        let static_address = format!("{ty}.{name}");
        let config = module_config
            .and_then(|m| m.get("resources"))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .find(|c| c.get("address").and_then(Node::as_scalar_str) == Some(&static_address));
        out.push(Planned {
            address: address.to_owned(),
            module: prefix.clone(),
            config,
            module_config,
            type_name: ty.to_owned(),
            values,
            node: r,
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        collect(child, config, out);
    }
}

/// The configuration of a module instance address (`module.x["a"].module.y` → the
/// `module_calls.x.module.module_calls.y.module` node).
fn config_module<'p>(root: Option<&'p Node>, module: &str) -> Option<&'p Node> {
    let mut node = root?;
    for name in module_names(module) {
        node = node.get("module_calls")?.get(&name)?.get("module")?;
    }
    Some(node)
}

/// `module.x["a.b"].module.y` → `["x", "y"]`.
fn module_names(module: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = module;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find(['.', '[']).unwrap_or(r.len());
        names.push(r[..end].to_owned());
        rest = &r[end..];
        if rest.starts_with('[') {
            // Skip the instance key (a number or a quoted string that may hold dots).
            let close = if let Some(quoted) = rest.strip_prefix("[\"") {
                quoted.find("\"]").map_or(rest.len(), |i| i + 4)
            } else {
                rest.find(']').map_or(rest.len(), |i| i + 1)
            };
            rest = &rest[close..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    names
}

struct Plan<'p, 'd> {
    file: FileId,
    root: &'p Node,
    root_def: Option<&'d ModuleDef<'d>>,
    ids: HashMap<String, ResourceId>,
    resolved: RefCell<Resolved>,
}

/// `Plan::resolve`'s answers by (module address, module configuration node, reference).
type Resolved = HashMap<(String, Option<usize>, String), Option<(ResourceId, String)>>;

impl<'d> Plan<'_, 'd> {
    /// The root-module HCL block of a planned resource, when the plan's directory was read.
    fn hcl_block(&self, p: &Planned<'_>) -> Option<(FileId, &'d crate::syntax::hcl::Block)> {
        if !p.module.is_empty() {
            return None;
        }
        let def = self.root_def?;
        let &i = def.resource_index.get(&format!(
            "{}.{}",
            p.type_name,
            p.node.get("name").and_then(Node::as_scalar_str)?
        ))?;
        Some((def.resources[i].file, def.resources[i].block))
    }

    fn hcl_body(&self, p: &Planned<'_>) -> Option<(FileId, &'d Body)> {
        self.hcl_block(p).map(|(f, b)| (f, &b.body))
    }

    fn decl_span(&self, p: &Planned<'_>) -> Span {
        if let Some((file, block)) = self.hcl_block(p) {
            let name = block.labels.last().map_or(&block.span, |l| &l.span);
            return Span::new(file, name.clone());
        }
        let at = p.node.get("address").unwrap_or(p.node);
        Span::new(self.file, at.span.clone())
    }

    /// The region of the resource's provider configuration: a constant, or a root variable
    /// whose planned value the plan records.
    fn region(&self, p: &Planned<'_>, at: Span) -> Option<Prop<SymStr>> {
        if !p.type_name.starts_with("aws_") {
            return None;
        }
        let configs = self.root.get("configuration")?.get("provider_config")?;
        let key = p
            .config
            .and_then(|c| c.get("provider_config_key"))
            .and_then(Node::as_scalar_str)
            .unwrap_or("aws");
        let config = configs
            .get(key)
            .or_else(|| configs.get(key.rsplit(':').next().unwrap_or(key)))?;
        let Some(region) = config.get("expressions").and_then(|e| e.get("region")) else {
            return Some(Prop::unknown(
                format!(
                    "provider {key} sets no region (it comes from AWS_REGION or the AWS profile)"
                ),
                at,
            ));
        };
        if let Some(v) = region.get("constant_value").and_then(Node::as_scalar_str) {
            return Some(Prop::known(SymStr::literal(v), at));
        }
        let var = references(region)
            .into_iter()
            .find_map(|r| r.strip_prefix("var.").map(str::to_owned));
        match var.and_then(|v| {
            self.root
                .get("variables")?
                .get(&v)?
                .get("value")?
                .as_scalar_str()
                .map(str::to_owned)
        }) {
            Some(v) => Some(Prop::known(SymStr::literal(&v), at)),
            None => Some(Prop::unknown(
                format!("the region of provider {key} is not a constant in the plan"),
                at,
            )),
        }
    }

    /// The resource a configuration reference names, seen from a module instance:
    /// `aws_vpc.a.id`, `aws_subnet.s[0].id`, or a module output followed to its value.
    fn resolve(
        &self,
        module: &str,
        module_config: Option<&Node>,
        reference: &str,
        depth: usize,
    ) -> Option<(ResourceId, String)> {
        if depth > 8 {
            return None;
        }
        // Memoised: module outputs that refer to several outputs each would otherwise be
        // followed once per path (exponential in the depth). The depth is that of `module`.
        let key = (
            module.to_owned(),
            module_config.map(|n| std::ptr::from_ref(n) as usize),
            reference.to_owned(),
        );
        if let Some(found) = self.resolved.borrow().get(&key) {
            return found.clone();
        }
        let found = self.resolve_uncached(module, module_config, reference, depth);
        self.resolved.borrow_mut().insert(key, found.clone());
        found
    }

    fn resolve_uncached(
        &self,
        module: &str,
        module_config: Option<&Node>,
        reference: &str,
        depth: usize,
    ) -> Option<(ResourceId, String)> {
        if let Some(rest) = reference.strip_prefix("module.") {
            let (name, rest) = rest.split_once('.')?;
            if name.contains('[') {
                return None;
            }
            let output = rest.split(['.', '[']).next()?;
            let child_address = join(module, &format!("module.{name}"));
            let child = module_config?
                .get("module_calls")?
                .get(name)?
                .get("module")?;
            let expression = child.get("outputs")?.get(output)?.get("expression")?;
            return references(expression)
                .into_iter()
                .find_map(|r| self.resolve(&child_address, Some(child), &r, depth + 1));
        }
        let mut parts = reference.splitn(3, '.');
        let (ty, name_index) = (parts.next()?, parts.next()?);
        let attr = parts
            .next()
            .unwrap_or("")
            .split(['.', '['])
            .next()
            .unwrap_or("");
        if matches!(
            ty,
            "var" | "local" | "data" | "each" | "count" | "path" | "self"
        ) {
            return None;
        }
        let id = self.ids.get(&join(module, &format!("{ty}.{name_index}")))?;
        Some((*id, attr.to_owned()))
    }
}

fn join(module: &str, address: &str) -> String {
    if module.is_empty() {
        address.to_owned()
    } else {
        format!("{module}.{address}")
    }
}

/// The `references` of a configuration expression, most specific first.
fn references(expression: &Node) -> Vec<String> {
    expression
        .get("references")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.as_scalar_str().map(str::to_owned))
        .collect()
}

/// Property access over one planned resource (or one of its nested blocks).
struct PlanCtx<'c, 'p, 'd> {
    plan: &'c Plan<'p, 'd>,
    item: &'c Planned<'p>,
    values: &'p Node,
    expressions: Option<&'p Node>,
    hcl: Option<(FileId, &'d Body)>,
    decl: Span,
}

impl PlanCtx<'_, '_, '_> {
    /// Where an argument is written: its value in the `.tf` file, else its value in the plan.
    fn span_of(&self, key: &str, node: Option<&Node>) -> Span {
        if let Some((file, attr)) = self
            .hcl
            .and_then(|(file, body)| body.attribute(key).map(|a| (file, a)))
        {
            return Span::new(file, attr.value.span.clone());
        }
        node.map_or(self.decl, |n| Span::new(self.plan.file, n.span.clone()))
    }

    /// The resources the argument's expression references, in order, deduplicated.
    fn referenced(&self, key: &str) -> Option<Vec<(ResourceId, String)>> {
        let expression = self.expressions?.get(key)?;
        let refs = references(expression);
        if refs.is_empty() {
            return None;
        }
        let mut out: Vec<(ResourceId, String)> = Vec::new();
        for r in &refs {
            // `aws_vpc.a` beside `aws_vpc.a.id`: the shorter form adds nothing.
            if refs
                .iter()
                .any(|o| o.len() > r.len() && o.starts_with(r.as_str()))
            {
                continue;
            }
            let resolved = self
                .plan
                .resolve(&self.item.module, self.item.module_config, r, 0)?;
            if !out.iter().any(|(id, _)| *id == resolved.0) {
                out.push(resolved);
            }
        }
        Some(out)
    }

    /// A planned scalar; `None` for null and for `""`, which the AWS provider's plans use
    /// for unset optional strings (`gateway_id = ""` in a route block).
    fn scalar_of(node: &Node) -> Option<Val<Scalar>> {
        Some(Val::Known(match &node.value {
            J::String(s) if s.is_empty() => return None,
            J::String(s) => Scalar::Str(s.clone()),
            J::Number(n) => Scalar::Num(n.clone()),
            J::Bool(b) => Scalar::Bool(*b),
            J::Null => return None,
            _ => {
                return Some(Val::Unknown(
                    "a collection where a single value was expected".to_owned(),
                ))
            }
        }))
    }

    fn after_apply(&self, key: &str) -> Val<Scalar> {
        match self.referenced(key).as_deref() {
            Some([(id, attr)]) => Val::Ref(*id, attr.clone()),
            _ => Val::Unknown(format!(
                "{}.{key} is known only after apply",
                self.item.address
            )),
        }
    }
}

impl Props for PlanCtx<'_, '_, '_> {
    fn decl_span(&self) -> Span {
        self.decl
    }

    fn scalar(&self, key: &str) -> Option<Prop<Scalar>> {
        match self.values.get(key) {
            Some(node) => Some(Prop {
                val: Self::scalar_of(node)?,
                span: self.span_of(key, Some(node)),
            }),
            // Absent from planned values: unknown until apply.
            None if self.expressions.and_then(|e| e.get(key)).is_some() => Some(Prop {
                val: self.after_apply(key),
                span: self.span_of(key, None),
            }),
            None => None,
        }
    }

    fn reference(&self, key: &str) -> Option<RefProp> {
        // An edge written in the configuration wins over the literal id of a plan made
        // against existing resources.
        match self.referenced(key).as_deref() {
            Some([(id, attr)]) => Some(Prop {
                val: Val::Ref(*id, attr.clone()),
                span: self.span_of(key, self.values.get(key)),
            }),
            _ => self.scalar(key).map(as_ref_prop),
        }
    }

    fn list(&self, key: &str) -> Option<ListProp<Scalar>> {
        let span = self.span_of(key, self.values.get(key));
        match self.values.get(key) {
            Some(Node { value: J::Null, .. }) => None,
            Some(Node {
                value: J::Seq(items),
                ..
            }) => Some(Prop::known(
                items
                    .iter()
                    .map(|i| Prop {
                        val: Self::scalar_of(i).unwrap_or(Val::Unknown("null".to_owned())),
                        span,
                    })
                    .collect(),
                span,
            )),
            Some(_) => Some(Prop::unknown(
                "a single value where a list was expected",
                span,
            )),
            None => self
                .expressions
                .and_then(|e| e.get(key))
                .map(|_| match self.referenced(key) {
                    // Every reference resolved to a resource: the list is those resources.
                    Some(refs) => Prop::known(
                        refs.into_iter()
                            .map(|(id, attr)| Prop {
                                val: Val::Ref(id, attr),
                                span,
                            })
                            .collect(),
                        span,
                    ),
                    None => Prop::unknown(
                        format!("{}.{key} is known only after apply", self.item.address),
                        span,
                    ),
                }),
        }
    }

    fn references(&self, key: &str) -> Option<ListProp<()>> {
        if let (None, Some(refs)) = (self.values.get(key), self.referenced(key)) {
            let span = self.span_of(key, None);
            return Some(Prop::known(
                refs.into_iter()
                    .map(|(id, attr)| Prop {
                        val: Val::Ref(id, attr),
                        span,
                    })
                    .collect(),
                span,
            ));
        }
        let list = self.list(key)?;
        Some(Prop {
            span: list.span,
            val: match list.val {
                Val::Known(items) => Val::Known(items.into_iter().map(as_ref_prop).collect()),
                Val::Ref(id, a) => Val::Ref(id, a),
                Val::Unknown(r) => Val::Unknown(r),
            },
        })
    }
}

impl TfBlock for PlanCtx<'_, '_, '_> {
    fn blocks(&self, kind: &str) -> Vec<Self> {
        let items = self
            .values
            .get(kind)
            .and_then(Node::as_seq)
            .unwrap_or_default();
        let exprs = self
            .expressions
            .and_then(|e| e.get(kind))
            .and_then(Node::as_seq);
        let hcl_blocks: Vec<&crate::syntax::hcl::Block> = self
            .hcl
            .map(|(_, body)| body.blocks.iter().filter(|b| b.kind == kind).collect())
            .unwrap_or_default();
        // Static blocks line up with the plan's; dynamic ones do not.
        let aligned = hcl_blocks.len() == items.len();
        items
            .iter()
            .enumerate()
            .map(|(i, values)| {
                let hcl = self
                    .hcl
                    .filter(|_| aligned)
                    .map(|(f, _)| (f, hcl_blocks[i]));
                PlanCtx {
                    plan: self.plan,
                    item: self.item,
                    values,
                    expressions: exprs.and_then(|e| e.get(i)),
                    hcl: hcl.map(|(f, b)| (f, &b.body)),
                    decl: hcl.map_or(Span::new(self.plan.file, values.span.clone()), |(f, b)| {
                        Span::new(f, b.span.clone())
                    }),
                }
            })
            .collect()
    }

    fn attr_span(&self, key: &str) -> Option<Span> {
        match self.values.get(key) {
            Some(node) if Self::scalar_of(node).is_some() => Some(self.span_of(key, Some(node))),
            Some(Node {
                value: J::Seq(items),
                ..
            }) if !items.is_empty() => Some(self.span_of(key, self.values.get(key))),
            _ => None,
        }
    }

    fn string_map(&self, key: &str) -> Option<Prop<Tags>> {
        match self.values.get(key) {
            Some(
                node @ Node {
                    value: J::Map(entries),
                    ..
                },
            ) => {
                let pairs: Option<Vec<(String, String)>> = entries
                    .iter()
                    .map(|e| {
                        e.value
                            .as_scalar_str()
                            .map(|v| (e.key.clone(), v.to_owned()))
                    })
                    .collect();
                Some(Prop {
                    val: pairs.map_or_else(
                        || Val::Unknown(format!("a value of {key} is not a string")),
                        |p| Val::Known(Tags(p)),
                    ),
                    span: self.span_of(key, Some(node)),
                })
            }
            None if self.expressions.and_then(|e| e.get(key)).is_some() => Some(Prop {
                val: Val::Unknown(format!("{key} is known only after apply")),
                span: self.span_of(key, None),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::module_names;

    #[test]
    fn module_addresses() {
        assert_eq!(module_names("module.a[\"x.y\"].module.b[0]"), ["a", "b"]);
        assert_eq!(module_names(""), Vec::<String>::new());
    }
}
