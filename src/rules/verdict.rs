//! What a rule answers for each question it asks: a finding, a pass, or why it could not
//! tell.
//!
//! A rule does not push diagnostics. It lists its subjects (the questions it asks of a
//! unit: "does this consumer VPC resolve this endpoint's name?") and decides each one with a
//! [`Verdict`], so that no question can end in silence: a value the rule needed and could
//! not read is an [`Verdict::Unchecked`] naming that value, its reason and its span. The
//! framework (`judge`), not the rule, turns verdicts into findings and into the report's
//! `unchecked` list.

use super::{RuleContext, RuleMeta};
use crate::diagnostic::Diagnostic;
use crate::model::{ResourceId, Undecided};

/// The answer to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Finding(Box<Diagnostic>),
    Pass,
    Unchecked(Unchecked),
}

/// A question that could not be answered, because a value it needed is not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchecked {
    /// The resource the question is about (the compute, the consumer VPC, the endpoint).
    pub resource: ResourceId,
    pub why: Undecided,
    /// A question only when some other unit of the run has interface endpoints: a compute
    /// resource whose subnets are not known, in a unit without any, could be in a VPC of
    /// any unit (see `check::Session`).
    pub if_endpoints_elsewhere: bool,
}

impl Verdict {
    /// A finding.
    #[must_use]
    pub fn finding(diagnostic: Diagnostic) -> Self {
        Verdict::Finding(Box::new(diagnostic))
    }

    /// Unchecked: the question about `resource` depends on the undecided value.
    #[must_use]
    pub fn unchecked(resource: ResourceId, why: Undecided) -> Self {
        Verdict::Unchecked(Unchecked {
            resource,
            why,
            if_endpoints_elsewhere: false,
        })
    }
}

/// A rule's query. The framework calls [`Rule::new`] once per unit, then
/// [`Rule::decide`] for every subject [`Rule::subjects`] lists.
pub(crate) trait Rule: Sized {
    /// One question, e.g. (consumer VPC, endpoint).
    type Subject;
    /// What the rule computes once per unit and shares between subjects.
    fn new(ctx: &RuleContext<'_>) -> Self;
    /// Every question the rule asks of the unit. A pair the rule provably has nothing to
    /// say about (an endpoint no route leads to) need not be listed: it passes.
    fn subjects(&self, ctx: &RuleContext<'_>) -> Vec<Self::Subject>;
    /// The answer to one question.
    fn decide(
        &self,
        ctx: &RuleContext<'_>,
        meta: &'static RuleMeta,
        subject: &Self::Subject,
    ) -> Verdict;
    /// Names the subject, the same way in every run over the same input (tests compare
    /// verdicts by it): the addresses (and spans where addresses repeat) of what it is about.
    fn name(&self, ctx: &RuleContext<'_>, subject: &Self::Subject) -> String;
}

/// One subject's verdict.
#[derive(Clone, Debug)]
pub struct Judged {
    pub subject: String,
    pub verdict: Verdict,
}

/// Runs one rule over a unit: every subject, decided.
pub(crate) fn judge<R: Rule>(ctx: &RuleContext<'_>, meta: &'static RuleMeta) -> Vec<Judged> {
    let rule = R::new(ctx);
    rule.subjects(ctx)
        .iter()
        .map(|subject| Judged {
            subject: rule.name(ctx, subject),
            verdict: rule.decide(ctx, meta, subject),
        })
        .collect()
}

/// How a subject names a resource: its address, and for the copies of a CloudFormation
/// resource lowered once per condition combination, which copy.
#[must_use]
pub fn resource_name(ctx: &RuleContext<'_>, id: ResourceId) -> String {
    let r = ctx.graph.get(id);
    match r.variant {
        Some(v) => format!("{}#{}.{}", r.address, v.set, v.index),
        None => r.address.clone(),
    }
}

/// How a subject names a value: the resource's name and the value's byte range.
#[must_use]
pub fn value_name(ctx: &RuleContext<'_>, id: ResourceId, span: crate::source::Span) -> String {
    format!(
        "{}@{}:{}..{}",
        resource_name(ctx, id),
        span.file.0,
        span.start,
        span.end
    )
}
