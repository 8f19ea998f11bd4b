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

/// 64-bit FNV-1a of the parts, each NUL-terminated (so that `("ab", "c")` and `("a", "bc")`
/// differ): small, and stable across Rust versions and platforms (std's hasher is not), for
/// fingerprints that must not change between releases (SARIF's, baselines').
#[must_use]
pub fn stable_hash<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    fnv1a(parts.into_iter().flat_map(|p| p.bytes().chain([0])))
}

fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(super::fnv1a(*b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a(*b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn parts_are_separated() {
        assert_ne!(
            super::stable_hash(["ab", "c"]),
            super::stable_hash(["a", "bc"])
        );
        assert_eq!(super::stable_hash(["a"]), super::fnv1a(*b"a\0"));
    }
}
