//! Findings on code that is not the user's (a module `terraform init` copied under
//! `.terraform/`, a module outside the repository) are reported where the user brings that
//! code in: the outermost `module` call in their files ([`crate::model::CallSite`]), with
//! the place inside the module as related information. So a `vpclint:ignore` comment on
//! that `module` block suppresses them, and a diff-aware run over the file of the call
//! reports them.

use crate::diagnostic::{Diagnostic, Related};
use crate::model::{CallSite, Graph, ResourceId};
use crate::source::Span;

/// The call site a location is reported at instead, when it is in code that is not the
/// user's: the subject's, else the one that brings its file in.
#[must_use]
pub fn site_for(graph: &Graph, subject: Option<ResourceId>, span: Span) -> Option<&CallSite> {
    let by_file = graph.foreign_file(span.file)?;
    subject.and_then(|id| graph.site(id)).or(by_file)
}

/// Moves each finding located in code that is not the user's to its call site.
pub fn relocate(graph: &Graph, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        let Some(site) = site_for(graph, d.subject, d.span) else {
            continue;
        };
        let mut related = vec![Related {
            resource: d.resource.clone(),
            span: d.span,
            message: format!(
                "where {} is declared, in the module {} brings in",
                d.resource, site.address
            ),
        }];
        related.extend(site.inner.iter().map(|(address, span)| Related {
            resource: address.clone(),
            span: *span,
            message: format!("the call of {address} on the way"),
        }));
        related.append(&mut d.related);
        d.related = related;
        d.span = site.span;
    }
}
