//! AWS Cloud WAN (domain-2026 §4.4): a core network, the policy that maps attachments to
//! segments, and VPC attachments. Which VPCs reach each other is decided by the policy's
//! segments: attachments in one segment reach each other unless it isolates them, and a
//! `share` joins two segments; static routes and service insertion (`send-via`,
//! `send-to`) are read only far enough to say that they decide instead.

use std::collections::HashMap;

use super::index::unfollowed;
use super::{Graph, Ipv4Net, Kind, ListProp, Prop, RefProp, ResourceId, Undecided};

/// `aws_networkmanager_core_network`, `AWS::NetworkManager::CoreNetwork`: its policy
/// (CloudFormation's `PolicyDocument`; Terraform attaches it with a separate resource).
#[derive(Clone, Debug)]
pub struct CoreNetwork {
    pub policy: Option<Prop<Policy>>,
}

/// `aws_networkmanager_core_network_policy_attachment`: the policy of a core network.
#[derive(Clone, Debug)]
pub struct CorePolicyAttachment {
    pub core_network: RefProp,
    pub policy: Prop<Policy>,
}

/// `aws_networkmanager_vpc_attachment`, `AWS::NetworkManager::VpcAttachment`.
#[derive(Clone, Debug)]
pub struct CloudWanAttachment {
    pub core_network: RefProp,
    pub vpc: RefProp,
    pub subnets: Option<ListProp<()>>,
    /// Its tags, which the policy's attachment rules match.
    pub tags: Option<Prop<Tags>>,
}

/// `aws_networkmanager_attachment_accepter`: accepts an attachment.
#[derive(Clone, Debug)]
pub struct CloudWanAccepter {
    pub attachment: RefProp,
}

/// Tags as written, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The parts of a core network policy that decide reachability between VPC attachments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub segments: Vec<Segment>,
    /// `attachment-policies`, by ascending rule number (the first that matches decides).
    pub rules: Vec<AttachmentRule>,
    /// `segment-actions` of action `share`: a segment and those it shares with (`*`: all).
    pub shares: Vec<(String, Vec<String>)>,
    /// `segment-actions` of action `create-route`: the segment, the destinations.
    pub routes: Vec<(String, Vec<Ipv4Net>)>,
    /// Segments named by `send-via` / `send-to` (service insertion; `*`: all).
    pub insertion: Vec<String>,
    /// What the policy has that vpclint does not read and that may change the answer
    /// (a field whose value is not a literal, an action or condition of another kind).
    pub unread: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    /// `isolate-attachments`, default false.
    pub isolate: bool,
    /// `require-attachment-acceptance`, default true.
    pub require_acceptance: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRule {
    pub number: i64,
    /// `condition-logic` `or` (else `and`).
    pub any: bool,
    pub conditions: Vec<Condition>,
    pub action: RuleAction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `type: any`.
    Any,
    /// `type: tag-exists`.
    TagExists(String),
    /// `type: tag-value` with its operator (`equals`, `not-equals`, `contains`,
    /// `begins-with`).
    TagValue {
        key: String,
        operator: String,
        value: String,
    },
    /// `attachment-type` equals this.
    AttachmentType(String),
    /// A condition on the account, region or resource id: not known from the code.
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleAction {
    /// `association-method: constant`.
    Segment(String),
    /// `association-method: tag`: the segment is the value of this tag.
    SegmentFromTag(String),
    /// Anything else (a network function group): not a segment.
    Other(String),
}

impl Segment {
    #[must_use]
    pub fn named<'p>(policy: &'p Policy, name: &str) -> Option<&'p Segment> {
        policy.segments.iter().find(|s| s.name == name)
    }
}

/// Reverse edges of the Cloud WAN model, built once per unit.
#[derive(Debug, Default)]
pub struct CloudWanIndex {
    /// (core network, VPC) → its VPC attachments.
    pub attachments: HashMap<(ResourceId, ResourceId), Vec<ResourceId>>,
    /// Core network → the VPCs attached to it.
    pub vpcs: HashMap<ResourceId, Vec<ResourceId>>,
    /// Core network → its policy attachments (Terraform).
    pub policies: HashMap<ResourceId, Vec<ResourceId>>,
    /// Attachment → its accepters.
    pub accepters: HashMap<ResourceId, Vec<ResourceId>>,
    /// What could not be linked: attachments whose core network or VPC is not known, policy
    /// attachments whose core network is not, accepters whose attachment is not.
    pub floating: Vec<Undecided>,
}

/// The core network a `core_network_id` names: the core network, or the one whose policy
/// attachment it names (`…_policy_attachment.x.core_network_id`, which Terraform code uses
/// to attach VPCs once the policy is in place).
#[must_use]
pub fn core_of(graph: &Graph, prop: &RefProp) -> Option<ResourceId> {
    let id = prop.target()?;
    match &graph.get(id).kind {
        Kind::CorePolicyAttachment(p) => p.core_network.target(),
        _ => Some(id),
    }
}

impl CloudWanIndex {
    pub(super) fn build(graph: &Graph) -> Self {
        let mut ix = CloudWanIndex::default();
        for (id, r) in graph.iter() {
            match &r.kind {
                Kind::CloudWanAttachment(a) => {
                    match (core_of(graph, &a.core_network), a.vpc.target()) {
                        (Some(core), Some(vpc)) => {
                            ix.attachments.entry((core, vpc)).or_default().push(id);
                            ix.vpcs.entry(core).or_default().push(vpc);
                        }
                        (core, _) => {
                            let unknown = if core.is_none() {
                                &a.core_network
                            } else {
                                &a.vpc
                            };
                            ix.floating.push(unfollowed(
                                graph,
                                unknown,
                                &format!("what {} attaches is not known", r.address),
                            ));
                        }
                    }
                }
                Kind::CorePolicyAttachment(p) => match p.core_network.target() {
                    Some(core) => ix.policies.entry(core).or_default().push(id),
                    None => ix.floating.push(unfollowed(
                        graph,
                        &p.core_network,
                        &format!(
                            "the core network {} sets the policy of is not known",
                            r.address
                        ),
                    )),
                },
                Kind::CloudWanAccepter(a) => match a.attachment.target() {
                    Some(att) => ix.accepters.entry(att).or_default().push(id),
                    None => ix.floating.push(unfollowed(
                        graph,
                        &a.attachment,
                        &format!("the attachment {} accepts is not known", r.address),
                    )),
                },
                _ => {}
            }
        }
        ix
    }
}
