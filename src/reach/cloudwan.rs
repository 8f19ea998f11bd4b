//! Routing through a Cloud WAN core network (domain-2026 §4.4): each VPC's attachment is
//! mapped to a segment by the policy's attachment rules (the first, by rule number, whose
//! conditions its tags meet); two attachments reach each other when they are in one segment
//! that does not isolate its attachments, or in two segments a `share` joins. What the
//! policy decides in ways vpclint does not read (static routes towards the destination,
//! service insertion, conditions on accounts or Regions, an attachment waiting for
//! acceptance) leaves the path undecided, never guessed.

use super::router::Router;
use super::{Path, PathKind};
use crate::model::cloudwan::{Condition, Policy, RuleAction, Segment, Tags};
use crate::model::{Ipv4Net, Kind, Prop, ResourceId, Undecided, Val};

impl Router<'_> {
    /// A path whose VPC route names a core network, decided by the core network's policy:
    /// a Cloud WAN path when the policy joins the two VPCs' segments, else no path.
    ///
    /// # Errors
    /// Why the policy's answer is not known.
    pub(super) fn through_cloudwan(
        &self,
        mut path: Path,
        source_vpc: ResourceId,
        dest_vpc: ResourceId,
        dest: Ipv4Net,
    ) -> Result<Path, Undecided> {
        if path.kind != PathKind::CloudWan {
            return Ok(path);
        }
        let graph = self.graph;
        let core = path
            .connection
            .expect("a Cloud WAN path names its core network");
        let span = path.route.map_or(graph.get(core).span, |(_, s)| s);
        let address = &graph.get(core).address;
        if !matches!(graph.get(core).kind, Kind::CoreNetwork(_)) {
            return Err(Undecided::new(
                format!(
                    "{address} is not a core network of the code: its policy is not in the code"
                ),
                span,
            ));
        }
        let policy = self.policy(core)?;
        if let Some(unread) = &policy.unread {
            return Err(Undecided::new(unread.clone(), span)
                .context(format!("the policy of {address} is not read in full")));
        }
        let (Some(from), Some(to)) = (
            self.cloudwan_attachment(core, source_vpc)?,
            self.cloudwan_attachment(core, dest_vpc)?,
        ) else {
            path.kind = PathKind::NoPath;
            return Ok(path);
        };
        let (Some(a), Some(b)) = (segment(graph, policy, from)?, segment(graph, policy, to)?)
        else {
            path.kind = PathKind::NoPath;
            return Ok(path);
        };
        for (attachment, name) in [(from, &a), (to, &b)] {
            let Some(seg) = Segment::named(policy, name) else {
                return Err(Undecided::new(
                    format!(
                        "the policy of {address} maps {} to a segment '{name}' it does not define",
                        graph.get(attachment).address
                    ),
                    span,
                ));
            };
            let accepted = self
                .index
                .cloudwan
                .accepters
                .get(&attachment)
                .is_some_and(|a| !a.is_empty());
            if seg.require_acceptance && !accepted {
                // An accepter whose attachment is not known may accept it.
                if let Some(why) = self.index.cloudwan.floating.first() {
                    return Err(why.clone().context(format!(
                        "whether {} is accepted",
                        graph.get(attachment).address
                    )));
                }
                return Err(Undecided::new(
                    format!(
                        "{} waits for acceptance into segment '{name}', which is not in the code",
                        graph.get(attachment).address
                    ),
                    graph.get(attachment).span,
                ));
            }
        }
        if let Some(s) = policy
            .insertion
            .iter()
            .find(|s| *s == "*" || **s == a || **s == b)
        {
            return Err(Undecided::new(
                format!("service insertion (send-via, send-to) on segment '{s}' decides the path, which vpclint does not follow"),
                span,
            ));
        }
        if policy
            .routes
            .iter()
            .any(|(s, dests)| *s == a && dests.iter().any(|d| d.overlaps(dest)))
        {
            return Err(Undecided::new(
                format!("a static route of segment '{a}' towards {dest} decides the path, which vpclint does not follow"),
                span,
            ));
        }
        let isolated = Segment::named(policy, &a).is_some_and(|s| s.isolate);
        let shared = policy.shares.iter().any(|(s, with)| {
            let names = |x: &str| with.iter().any(|w| w == "*" || w == x);
            (*s == a && names(&b)) || (*s == b && names(&a))
        });
        let joined = if a == b { !isolated } else { shared };
        if !joined {
            path.kind = PathKind::NoPath;
        }
        Ok(path)
    }

    /// The core network's policy: its own (CloudFormation) or its policy attachment's.
    fn policy(&self, core: ResourceId) -> Result<&Policy, Undecided> {
        let graph = self.graph;
        let Kind::CoreNetwork(c) = &graph.get(core).kind else {
            unreachable!("checked by the caller");
        };
        let mut props: Vec<&Prop<Policy>> = c.policy.iter().collect();
        for &id in self
            .index
            .cloudwan
            .policies
            .get(&core)
            .into_iter()
            .flatten()
        {
            if let Kind::CorePolicyAttachment(p) = &graph.get(id).kind {
                props.push(&p.policy);
            }
        }
        let address = &graph.get(core).address;
        match props.as_slice() {
            [] => Err(self
                .index
                .cloudwan
                .floating
                .first()
                .cloned()
                .unwrap_or_else(|| {
                    Undecided::new(
                        format!("{address} has no policy in the code"),
                        graph.get(core).span,
                    )
                })),
            [one] => match &one.val {
                Val::Known(policy) => Ok(policy),
                _ => Err(one
                    .undecided(graph)
                    .expect("not known")
                    .context(format!("the policy of {address} is not known"))),
            },
            _ => Err(Undecided::new(
                format!("{address} has more than one policy in the code"),
                graph.get(core).span,
            )),
        }
    }

    /// The VPC's attachment to the core network; `None` when it has none in the code.
    fn cloudwan_attachment(
        &self,
        core: ResourceId,
        vpc: ResourceId,
    ) -> Result<Option<ResourceId>, Undecided> {
        let ix = &self.index.cloudwan;
        match ix.attachments.get(&(core, vpc)).and_then(|a| a.first()) {
            Some(&a) => Ok(Some(a)),
            None => match ix.floating.first() {
                Some(why) => Err(why.clone()),
                None => Ok(None),
            },
        }
    }

    /// The VPCs attached to a core network (for the candidates of a route to it); `None`
    /// when an attachment whose core network or VPC is not known may add others.
    pub(super) fn cloudwan_vpcs(&self, core: ResourceId) -> Option<&[ResourceId]> {
        let ix = &self.index.cloudwan;
        ix.floating
            .is_empty()
            .then(|| ix.vpcs.get(&core).map_or(&[][..], Vec::as_slice))
    }
}

/// The segment the policy maps an attachment to (`None`: no rule maps it to one).
fn segment(
    graph: &crate::model::Graph,
    policy: &Policy,
    attachment: ResourceId,
) -> Result<Option<String>, Undecided> {
    let Kind::CloudWanAttachment(a) = &graph.get(attachment).kind else {
        unreachable!("indexed attachments");
    };
    let address = &graph.get(attachment).address;
    let empty = Tags::default();
    let tags = match a.tags.as_ref().map(|t| (t, &t.val)) {
        None => Ok(&empty),
        Some((_, Val::Known(tags))) => Ok(tags),
        Some((t, _)) => Err(t
            .undecided(graph)
            .expect("not known")
            .context(format!("the tags of {address} are not known"))),
    };
    for rule in &policy.rules {
        let mut results = Vec::new();
        for c in &rule.conditions {
            let tags = match (c, &tags) {
                (Condition::Any | Condition::AttachmentType(_) | Condition::Other(_), _) => &empty,
                (_, Ok(tags)) => *tags,
                (_, Err(why)) => return Err(why.clone()),
            };
            results.push(match c {
                Condition::Any => true,
                Condition::AttachmentType(t) => t.eq_ignore_ascii_case("vpc"),
                Condition::TagExists(k) => tags.get(k).is_some(),
                Condition::TagValue {
                    key,
                    operator,
                    value,
                } => {
                    let v = tags.get(key);
                    match operator.as_str() {
                        "equals" => v == Some(value.as_str()),
                        "not-equals" => v.is_some_and(|v| v != value),
                        "contains" => v.is_some_and(|v| v.contains(value.as_str())),
                        "begins-with" => v.is_some_and(|v| v.starts_with(value.as_str())),
                        other => {
                            return Err(Undecided::new(
                                format!("the condition operator '{other}' is not read"),
                                a.core_network.span,
                            ))
                        }
                    }
                }
                Condition::Other(kind) => {
                    return Err(Undecided::new(
                        format!(
                        "a '{kind}' condition of attachment policy {} is not known from the code",
                        rule.number
                    ),
                        graph.get(attachment).span,
                    ))
                }
            });
        }
        let matched = if rule.any {
            results.iter().any(|r| *r)
        } else {
            !results.is_empty() && results.iter().all(|r| *r)
        };
        if !matched {
            continue;
        }
        return Ok(match &rule.action {
            RuleAction::Segment(s) => Some(s.clone()),
            RuleAction::SegmentFromTag(key) => match &tags {
                Ok(tags) => tags.get(key).map(str::to_owned),
                Err(why) => return Err(why.clone()),
            },
            RuleAction::Other(_) => None,
        });
    }
    Ok(None)
}
