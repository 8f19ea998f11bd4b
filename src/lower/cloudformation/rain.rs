//! Rain modules (`rain pkg`, not CloudFormation, expands them): a resource of type
//! `!Rain::Module path` (`{"Rain::Module": path}` in JSON), or an entry of a `Modules`
//! section (`Name: {Source: path, Properties: …}`). vpclint does not expand them: each is
//! one unchecked entry, and the names of the resources it makes (the module's name followed
//! by the module's own logical ids, `NetworkVpc`; its outputs as `Network.Output`) resolve
//! to unknown values instead of "no resource of that name" errors (`Extras::undeclared`).

use super::eval::Instance;
use super::stacks::Reports;
use super::transform::{Extras, Opaque};
use crate::model::Note;
use crate::source::Span;
use crate::syntax::tree::{Node, Value};

/// The Rain module of a resource: `Type: !Rain::Module path` or `{"Rain::Module": path}`.
fn module_of(resource: &Node) -> Option<String> {
    let ty = resource.get("Type")?;
    match &ty.value {
        Value::Tagged(tag, inner) if tag == "!Rain::Module" => {
            Some(inner.as_scalar_str().unwrap_or_default().to_owned())
        }
        Value::Map(entries) if entries.len() == 1 && entries[0].key == "Rain::Module" => Some(
            entries[0]
                .value
                .as_scalar_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => None,
    }
}

/// Notes the Rain modules of a template, once each, and records their names: resources of
/// type `Rain::Module`, and the entries of a `Modules` section (the newer form, `Name:
/// {Source: path, Properties: …}`, whose resources are named `Name…` too).
pub(super) fn modules(
    inst: &Instance<'_>,
    root: &Node,
    extras: &mut Extras,
    reports: &mut Reports,
) {
    let entries = |section: &str| root.get(section).and_then(Node::as_map).unwrap_or_default();
    let resources = entries("Resources")
        .iter()
        .filter_map(|e| Some((e, module_of(&e.value)?, "a Rain module")));
    let modules = entries("Modules").iter().map(|e| {
        let source = e
            .value
            .get("Source")
            .and_then(Node::as_scalar_str)
            .unwrap_or_default()
            .to_owned();
        (e, source, "a module of the `Modules` section")
    });
    for (e, source, what) in resources.chain(modules) {
        reports.notes.push(Note {
            address: format!("{}{}", inst.prefix, e.key),
            reason: format!(
                "Rain module {source}: {what} is not CloudFormation until `rain pkg` expands \
                 it; the resources it makes (named {}…) are not analysed (check the template \
                 `rain pkg` writes)",
                e.key
            ),
            span: Span::new(inst.file, e.key_span.clone()),
        });
        extras.opaque.push(Opaque::Rain {
            logical: e.key.clone(),
            source,
        });
    }
}
