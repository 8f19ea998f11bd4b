//! The one diagnostic model every rule produces and every emitter renders.

use serde::{Deserialize, Serialize};

use crate::model::ResourceId;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A location related to a finding: the endpoint reached, the connection crossed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub resource: String,
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The resource the finding is about (Terraform address or CloudFormation logical id).
    pub resource: String,
    /// Where to point: the value that is wrong (e.g. the `instance_type` value).
    pub span: Span,
    pub related: Vec<Related>,
    /// The witness path, as resource addresses from the subject to the object.
    pub path: Vec<String>,
    pub help: String,
    /// What the finding holds under that the code does not settle ("`PeerRegion` is us-west-2
    /// and the stack's region is not known", "when `UseLegacy` is true"): a finding with
    /// assumptions is as sure as they are.
    pub assumptions: Vec<String>,
    /// The graph element the finding is about (not part of the output; lets later stages
    /// relate findings to resources, e.g. CloudFormation condition variants).
    pub subject: Option<ResourceId>,
}
