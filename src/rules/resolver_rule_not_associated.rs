//! DNS009: a FORWARD Resolver rule of the code that no VPC association, Profile or resource
//! share uses: it forwards nothing.

use super::verdict::{resource_name, Rule, Verdict};
use super::{RuleContext, RuleMeta};
use crate::model::{Kind, Prop, ResourceId, Undecided, Val};

pub struct Dns009 {
    rules: Vec<ResourceId>,
}

/// Whether a reference-valued property may name `rule`: yes, no, or not known.
fn names(p: &Prop<()>, rule: ResourceId) -> Option<bool> {
    match &p.val {
        Val::Ref(id, _) => Some(*id == rule),
        _ => None,
    }
}

impl Rule for Dns009 {
    type Subject = ResourceId;

    fn new(ctx: &RuleContext<'_>) -> Self {
        Dns009 {
            rules: ctx
                .graph
                .iter()
                .filter(|(_, r)| matches!(r.kind, Kind::ResolverRule(_)))
                .map(|(id, _)| id)
                .collect(),
        }
    }

    fn subjects(&self, _ctx: &RuleContext<'_>) -> Vec<ResourceId> {
        self.rules.clone()
    }

    fn decide(&self, ctx: &RuleContext<'_>, meta: &'static RuleMeta, rule: &ResourceId) -> Verdict {
        let graph = ctx.graph;
        let r = graph.get(*rule);
        let Kind::ResolverRule(rr) = &r.kind else {
            unreachable!("subjects are rules");
        };
        match rr.rule_type.as_ref().map(|t| (t, t.known_value())) {
            Some((_, Some(t))) if t.eq_ignore_ascii_case("FORWARD") => {}
            // SYSTEM and RECURSIVE rules; a rule without its (required) type is not created.
            Some((_, Some(_))) | None => return Verdict::Pass,
            Some((t, None)) => {
                let why = t.undecided(graph).expect("not known");
                return Verdict::unchecked(
                    *rule,
                    why.context(format!("the type of {} is not known", r.address)),
                );
            }
        }
        let mut undecided: Option<Undecided> = None;
        for (_, other) in graph.iter() {
            let refs: Vec<&Prop<()>> = match &other.kind {
                Kind::ResolverRuleAssociation(a) => vec![&a.rule],
                Kind::Route53ProfileResourceAssociation(a) => vec![&a.resource],
                Kind::RamShare(s) => match s.resources.as_ref().map(|p| (p, &p.val)) {
                    Some((_, Val::Known(items))) => items.iter().collect(),
                    Some((_, Val::Ref(id, _))) if *id == *rule => return Verdict::Pass,
                    Some((p, Val::Unknown(_))) => {
                        undecided.get_or_insert_with(|| {
                            p.undecided(graph)
                                .expect("not known")
                                .context(format!("what {} shares is not known", other.address))
                        });
                        Vec::new()
                    }
                    Some((_, Val::Ref(..))) | None => Vec::new(),
                },
                _ => continue,
            };
            for p in refs {
                match names(p, *rule) {
                    Some(true) => return Verdict::Pass,
                    Some(false) => {}
                    None => {
                        undecided.get_or_insert_with(|| {
                            p.undecided(graph)
                                .unwrap_or_else(|| Undecided::new("a literal id", p.span))
                                .context(format!(
                                    "what {} associates or shares is not known",
                                    other.address
                                ))
                        });
                    }
                }
            }
        }
        if let Some(why) = undecided {
            return Verdict::unchecked(*rule, why);
        }
        let domain = rr
            .domain_name
            .as_ref()
            .and_then(Prop::known_value)
            .map_or_else(|| "its domain".to_owned(), ToString::to_string);
        let args = [("rule", r.address.as_str()), ("domain", domain.as_str())];
        Verdict::finding(meta.finding(&args, &r.address, r.span, *rule))
    }

    fn name(&self, ctx: &RuleContext<'_>, rule: &ResourceId) -> String {
        resource_name(ctx, *rule)
    }
}
