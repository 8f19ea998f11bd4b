//! Strings known in part: `com.amazonaws.<region>.sqs`, `sqs.<region>.amazonaws.com`.
//!
//! A value the code does not give (the region of a CloudFormation stack checked without
//! `--region`, of a Terraform provider configuration whose region is a variable without a
//! value; the account; the partition) is a *hole* with an identity: the same unknown region
//! compares equal to itself. So a service name and a hosted-zone name built from the same
//! region match, and a rule whose answer does not depend on which region it is decides.
//!
//! A [`SymStr`] keeps its text with each hole as one character of Unicode's supplementary
//! private use area A (U+F0000–U+FFFFD), which no AWS name can contain: splitting on `.`,
//! suffix tests and ASCII case folding work on the text as they would on the whole string.
//! Literal text is never taken for a hole ([`SymStr::literal`] replaces such characters).

use std::fmt;

/// What kind of value a hole stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HoleKind {
    Region,
    Partition,
    /// The DNS suffix of the region's partition (`AWS::URLSuffix`).
    UrlSuffix,
    AccountId,
    /// One name of a list of availability zones read at plan time (Terraform's
    /// `data.aws_availability_zones.x.names[i]`). Its scope is `family << 4 | index`: two
    /// holes of one family with different indexes are different zones.
    AvailabilityZone,
    /// The same for zone ids (`zone_ids[i]`).
    AvailabilityZoneId,
}

impl HoleKind {
    const ALL: [HoleKind; 6] = [
        HoleKind::Region,
        HoleKind::Partition,
        HoleKind::UrlSuffix,
        HoleKind::AccountId,
        HoleKind::AvailabilityZone,
        HoleKind::AvailabilityZoneId,
    ];

    /// How messages print it.
    #[must_use]
    pub fn placeholder(self) -> &'static str {
        match self {
            HoleKind::Region => "<region>",
            HoleKind::Partition => "<partition>",
            HoleKind::UrlSuffix => "<url-suffix>",
            HoleKind::AccountId => "<account>",
            HoleKind::AvailabilityZone => "<az>",
            HoleKind::AvailabilityZoneId => "<az-id>",
        }
    }

    /// What is not known, in a sentence.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            HoleKind::Region => "the region",
            HoleKind::Partition => "the partition",
            HoleKind::UrlSuffix => "the partition's DNS suffix",
            HoleKind::AccountId => "the account id",
            HoleKind::AvailabilityZone => "the availability zone names",
            HoleKind::AvailabilityZoneId => "the availability zone ids",
        }
    }

    /// Whether holes of this kind are elements of a list of distinct values
    /// ([`Hole::zone`]).
    fn is_zone(self) -> bool {
        matches!(
            self,
            HoleKind::AvailabilityZone | HoleKind::AvailabilityZoneId
        )
    }
}

/// A hole: its kind and which unknown it is (two holes of one scope are the same value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hole {
    pub kind: HoleKind,
    pub scope: u16,
}

const BASE: u32 = 0xF0000;
/// Scopes per kind (the encoding's bound; a unit has a handful).
const SCOPES: u32 = 0x1000;

impl Hole {
    fn to_char(self) -> char {
        let kind = HoleKind::ALL
            .iter()
            .position(|k| *k == self.kind)
            .expect("every kind is listed");
        let scope = u32::from(self.scope) % SCOPES;
        char::from_u32(BASE + u32::try_from(kind).expect("six kinds") * SCOPES + scope)
            .expect("in the private use area")
    }

    fn from_char(c: char) -> Option<Hole> {
        let n = u32::from(c).checked_sub(BASE)?;
        let kind = *HoleKind::ALL.get(usize::try_from(n / SCOPES).ok()?)?;
        Some(Hole {
            kind,
            scope: u16::try_from(n % SCOPES).ok()?,
        })
    }
}

impl Hole {
    /// An availability zone hole: the `index`-th element of the zone list `family`.
    #[must_use]
    pub fn zone(kind: HoleKind, family: u16, index: u16) -> Hole {
        debug_assert!(kind.is_zone() && index < 16);
        Hole {
            kind,
            scope: (family << 4) | (index & 0xF),
        }
    }

    /// The same hole as text.
    #[must_use]
    pub fn to_sym(self) -> SymStr {
        SymStr(self.to_char().to_string())
    }

    /// Two holes that stand for different values whatever they are: two elements of one
    /// list of distinct zones (the zone names of a region have one length, so a string
    /// that differs from another only there differs as a whole).
    fn distinct_from(self, other: Hole) -> bool {
        self.kind == other.kind
            && self.kind.is_zone()
            && self.scope >> 4 == other.scope >> 4
            && self.scope != other.scope
    }
}

fn is_hole(c: char) -> bool {
    Hole::from_char(c).is_some()
}

/// Two characters that are distinct holes ([`Hole::distinct_from`]).
fn distinct_holes(a: char, b: char) -> bool {
    matches!((Hole::from_char(a), Hole::from_char(b)), (Some(x), Some(y)) if x.distinct_from(y))
}

/// A string that may hold holes.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymStr(String);

impl SymStr {
    /// A wholly known string.
    #[must_use]
    pub fn literal(text: &str) -> Self {
        if text.chars().any(is_hole) {
            SymStr(
                text.chars()
                    .map(|c| if is_hole(c) { '\u{FFFD}' } else { c })
                    .collect(),
            )
        } else {
            SymStr(text.to_owned())
        }
    }

    /// One hole.
    #[must_use]
    pub fn hole(kind: HoleKind, scope: u16) -> Self {
        SymStr(Hole { kind, scope }.to_char().to_string())
    }

    /// Appends another (known or partly known) string.
    pub fn push(&mut self, other: &SymStr) {
        self.0.push_str(&other.0);
    }

    /// Appends known text.
    pub fn push_str(&mut self, text: &str) {
        self.push(&SymStr::literal(text));
    }

    /// The string, when it has no hole.
    #[must_use]
    pub fn as_literal(&self) -> Option<&str> {
        (!self.0.chars().any(is_hole)).then_some(self.0.as_str())
    }

    /// The holes, in order.
    pub fn holes(&self) -> impl Iterator<Item = Hole> + '_ {
        self.0.chars().filter_map(Hole::from_char)
    }

    /// Why the string is not wholly known ("the region is not known"), `None` if it is.
    #[must_use]
    pub fn unknown_part(&self) -> Option<String> {
        let mut kinds: Vec<HoleKind> = self.holes().map(|h| h.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let names: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("{one} is not given in the code")),
            [init @ .., last] => Some(format!(
                "{} and {last} are not given in the code",
                init.join(", ")
            )),
        }
    }

    /// The text with holes as single characters, for structural operations that treat a
    /// hole as an opaque token (splitting on `.`, suffixes). Rebuild with
    /// [`SymStr::from_encoded`].
    #[must_use]
    pub fn encoded(&self) -> &str {
        &self.0
    }

    /// A string from [`SymStr::encoded`] text (or pieces of it).
    #[must_use]
    pub fn from_encoded(text: impl Into<String>) -> Self {
        SymStr(text.into())
    }

    /// Equality as far as it is known, ASCII case-insensitive: `Some(true)` when equal
    /// whatever the holes stand for (same text, same holes), `Some(false)` when different
    /// whatever they stand for (known text differs before the first or after the last
    /// hole), `None` otherwise.
    #[must_use]
    pub fn eq_ignore_case(&self, other: &SymStr) -> Option<bool> {
        if self.0.eq_ignore_ascii_case(&other.0) {
            return Some(true);
        }
        if self.as_literal().is_some() && other.as_literal().is_some() {
            return Some(false);
        }
        let differs = |a: &mut dyn Iterator<Item = char>, b: &mut dyn Iterator<Item = char>| loop {
            match (a.next(), b.next()) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) if distinct_holes(x, y) => return true,
                (Some(x), Some(y)) if is_hole(x) || is_hole(y) => return false,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
                (Some(_), Some(_)) => return true,
                // One ended where the other goes on with known text.
                (Some(x), None) | (None, Some(x)) => return !is_hole(x),
                (None, None) => return false,
            }
        };
        if differs(&mut self.0.chars(), &mut other.0.chars())
            || differs(&mut self.0.chars().rev(), &mut other.0.chars().rev())
        {
            return Some(false);
        }
        None
    }

    /// Does a DNS domain (`amazonaws.com.`, `sqs.<region>.amazonaws.com`) cover this name (the
    /// domain itself or a subdomain)? Case-insensitive, trailing dots ignored; `None` when it
    /// depends on what a hole stands for.
    #[must_use]
    pub fn covered_by(&self, domain: &SymStr) -> Option<bool> {
        let name = self.0.trim_end_matches('.');
        let domain = domain.0.trim_end_matches('.');
        if domain.is_empty() {
            return Some(false);
        }
        let mut n = name.chars().rev();
        let mut d = domain.chars().rev();
        loop {
            match (d.next(), n.next()) {
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
                // A hole may or may not stand for the other side's text; the domain may be
                // longer than the name, or end inside a hole of it.
                (Some(x), Some(y)) if is_hole(x) || is_hole(y) => return None,
                (Some(x), None) | (None, Some(x)) if is_hole(x) => return None,
                (None, None | Some('.')) => return Some(true),
                (Some(_), _) | (None, Some(_)) => return Some(false),
            }
        }
    }
}

impl fmt::Display for SymStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match Hole::from_char(c) {
                Some(h) if h.kind.is_zone() => {
                    let name = h.kind.placeholder().trim_end_matches('>');
                    write!(f, "{name}#{}>", (h.scope & 0xF) + 1)?;
                }
                Some(h) => f.write_str(h.kind.placeholder())?,
                None => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(parts: &[&str]) -> SymStr {
        let mut s = SymStr::default();
        for p in parts {
            match *p {
                "R" => s.push(&SymStr::hole(HoleKind::Region, 0)),
                "R2" => s.push(&SymStr::hole(HoleKind::Region, 1)),
                text => s.push_str(text),
            }
        }
        s
    }

    #[test]
    fn holes_print_as_placeholders_and_keep_their_identity() {
        let name = sym(&["com.amazonaws.", "R", ".sqs"]);
        assert_eq!(name.to_string(), "com.amazonaws.<region>.sqs");
        assert_eq!(name.as_literal(), None);
        assert_eq!(
            name.unknown_part().unwrap(),
            "the region is not given in the code"
        );
        assert_eq!(sym(&["a"]).as_literal(), Some("a"));
        assert_eq!(
            name.eq_ignore_case(&sym(&["COM.amazonaws.", "R", ".sqs"])),
            Some(true)
        );
        assert_eq!(
            name.eq_ignore_case(&sym(&["com.amazonaws.", "R2", ".sqs"])),
            None
        );
        assert_eq!(
            name.eq_ignore_case(&sym(&["com.amazonaws.", "R", ".sns"])),
            Some(false)
        );
        assert_eq!(
            name.eq_ignore_case(&sym(&["com.amazonaws.us-east-1.sqs"])),
            None
        );
        assert_eq!(
            name.eq_ignore_case(&sym(&["org.", "R", ".sqs"])),
            Some(false)
        );
    }

    #[test]
    fn literal_text_is_never_a_hole() {
        let s = SymStr::literal("a\u{F0000}b");
        assert!(s.as_literal().is_some());
        assert_eq!(s.holes().count(), 0);
    }

    #[test]
    fn domains_cover_names_with_holes() {
        let name = sym(&["sqs.", "R", ".amazonaws.com"]);
        assert_eq!(name.covered_by(&sym(&["amazonaws.com."])), Some(true));
        assert_eq!(
            name.covered_by(&sym(&["sqs.", "R", ".amazonaws.com"])),
            Some(true)
        );
        assert_eq!(
            name.covered_by(&sym(&["SQS.", "R", ".amazonaws.com."])),
            Some(true)
        );
        assert_eq!(
            name.covered_by(&sym(&["sns.", "R", ".amazonaws.com"])),
            Some(false)
        );
        assert_eq!(
            name.covered_by(&sym(&["sqs.", "R2", ".amazonaws.com"])),
            None
        );
        assert_eq!(
            name.covered_by(&sym(&["sqs.us-east-1.amazonaws.com"])),
            None
        );
        assert_eq!(name.covered_by(&sym(&["zonaws.com"])), Some(false));
        assert_eq!(name.covered_by(&sym(&["example.com"])), Some(false));
        assert_eq!(name.covered_by(&sym(&[""])), Some(false));
        let literal = sym(&["kinesis.ap-northeast-1.amazonaws.com"]);
        assert_eq!(literal.covered_by(&sym(&["amazonaws.com"])), Some(true));
        assert_eq!(
            literal.covered_by(&sym(&["s3.ap-northeast-1.amazonaws.com"])),
            Some(false)
        );
        assert_eq!(
            literal.covered_by(&sym(&["kinesis.", "R", ".amazonaws.com"])),
            None
        );
    }
}
