//! EC2 instance types: which hypervisor a type runs on (Nitro or Xen), which type names are
//! known, and "did you mean" suggestions for unknown ones.
//!
//! The data lives under `rules/` and is embedded in the binary, so nothing is read at run time:
//! - `rules/instance-families.csv`: family → hypervisor, one row per family;
//! - `rules/instance-type-exceptions.csv`: exact types whose hypervisor differs from their
//!   family's (`i3.metal`, `p3dn.24xlarge`);
//! - `rules/instance-types.txt`: the known type names (the botocore `InstanceType` enum, plus
//!   a few types seen in `DescribeInstanceTypes` but missing from the enum).
//!
//! Classification (research notes §3.4): lower-case the type; the family is the text before the
//! first `.`, the size the rest; an exact-type exception wins; then the family table; a family
//! not in the table is assumed Nitro, because the set of Xen families is closed (no family
//! introduced since C5 in November 2017 runs on Xen). That last step is an inference, not an
//! AWS statement, and [`Basis::UnknownFamilyAssumedNitro`] says so to the caller.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

const FAMILIES_CSV: &str = include_str!("../../rules/instance-families.csv");
const EXCEPTIONS_CSV: &str = include_str!("../../rules/instance-type-exceptions.csv");
const TYPES_TXT: &str = include_str!("../../rules/instance-types.txt");

/// The hypervisor an EC2 instance type runs on, as `DescribeInstanceTypes` reports it
/// (bare-metal types, which report none, count as Nitro: they run on the Nitro System).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Hypervisor {
    Nitro,
    Xen,
}

impl Hypervisor {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "nitro" => Some(Self::Nitro),
            "xen" => Some(Self::Xen),
            _ => None,
        }
    }
}

impl fmt::Display for Hypervisor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Nitro => "Nitro",
            Self::Xen => "Xen",
        })
    }
}

/// What [`classify`] decided about one instance type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    /// The input, trimmed and lower-cased.
    pub instance_type: String,
    /// The text before the first `.`: `m4`, `c7i-flex`, `u-12tb1`.
    pub family: String,
    /// The text after the first `.`: `large`, `metal-24xl`.
    pub size: String,
    pub hypervisor: Hypervisor,
    /// The size starts with `metal`, or the family is a `mac*` family (Mac instances are
    /// bare metal only).
    pub bare_metal: bool,
    /// How the hypervisor was decided.
    pub basis: Basis,
    /// The exact type is in `rules/instance-types.txt`.
    pub known_type: bool,
}

/// How [`classify`] decided the hypervisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The exact type is listed in `rules/instance-type-exceptions.csv`.
    ExactException,
    /// The family is listed in `rules/instance-families.csv`.
    KnownFamily,
    /// The family is in neither table; Nitro is assumed because the Xen set is closed.
    UnknownFamilyAssumedNitro,
}

/// Prefixes of other AWS services' node types that look like EC2 types with a prefix:
/// RDS `db.m5.large`, `ElastiCache` `cache.m5.large`, `SageMaker` `ml.m5.large`, MSK
/// `kafka.m5.large`, DAX `dax.r5.large`.
const OTHER_SERVICE_PREFIXES: [&str; 5] = ["db", "cache", "ml", "kafka", "dax"];

/// The C5 and M5 families with all their variants: the allow list of the April 2018 AWS
/// documentation of interface endpoints reached over intra-region VPC peering.
const C5_M5_FAMILIES: [&str; 12] = [
    "c5", "c5a", "c5ad", "c5d", "c5n", "m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn",
];

/// Classifies an EC2 instance type (case-insensitive).
///
/// Returns `None` when the string is not shaped like an EC2 instance type: no `.`, an empty
/// family or size, more than one `.`, characters other than ASCII letters, digits and `-`, or
/// another service's prefix (`db.`, `cache.`, `ml.`, `kafka.`, `dax.`).
#[must_use]
pub fn classify(instance_type: &str) -> Option<Classification> {
    let lower = instance_type.trim().to_ascii_lowercase();
    let (family, size) = split_type(&lower)?;
    let data = &*DATA;
    let (hypervisor, basis) = if let Some(&hypervisor) = data.exceptions.get(lower.as_str()) {
        (hypervisor, Basis::ExactException)
    } else if let Some(&hypervisor) = data.families.get(family) {
        (hypervisor, Basis::KnownFamily)
    } else {
        (Hypervisor::Nitro, Basis::UnknownFamilyAssumedNitro)
    };
    Some(Classification {
        bare_metal: size.starts_with("metal") || family.starts_with("mac"),
        known_type: data.known.contains(lower.as_str()),
        family: family.to_owned(),
        size: size.to_owned(),
        hypervisor,
        basis,
        instance_type: lower,
    })
}

/// Is this exact type in the known list (case-insensitive)?
#[must_use]
pub fn is_known_type(instance_type: &str) -> bool {
    let trimmed = instance_type.trim();
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        DATA.known.contains(trimmed.to_ascii_lowercase().as_str())
    } else {
        DATA.known.contains(trimmed)
    }
}

/// The known type closest to `instance_type`, for a "did you mean" hint.
///
/// Types of the same family are tried first; if none is close enough, all known types are.
/// Closeness is the optimal-string-alignment (restricted Damerau-Levenshtein) distance on the
/// lower-cased bytes, accepted up to `max(2, len / 3)`; ties go to the lexicographically first
/// type. A known type returns itself. Returns `None` when nothing is that close, and for
/// strings that cannot be an EC2 type (other services' prefixes such as `db.`, or characters
/// other than letters, digits, `-` and `.`). A missing `.` is allowed (`m5large` →
/// `m5.large`).
#[must_use]
pub fn closest_known_type(instance_type: &str) -> Option<&'static str> {
    let query = instance_type.trim().to_ascii_lowercase();
    let plausible = !query.is_empty()
        && query
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !query
            .split_once('.')
            .is_some_and(|(prefix, _)| OTHER_SERVICE_PREFIXES.contains(&prefix));
    if !plausible {
        return None;
    }
    let data = &*DATA;
    if let Some(&known) = data.known.get(query.as_str()) {
        return Some(known);
    }
    let cutoff = (query.len() / 3).max(2);
    let mut rows = Rows::new(query.len());
    let same_family = query
        .split_once('.')
        .and_then(|(family, _)| data.by_family.get(family))
        .and_then(|group| best_match(query.as_bytes(), group, cutoff, &mut rows));
    same_family.or_else(|| best_match(query.as_bytes(), &data.sorted, cutoff, &mut rows))
}

/// True for the C5 and M5 families and all their variants (c5, c5a, c5ad, c5d, c5n, m5, m5a,
/// m5ad, m5d, m5dn, m5n, m5zn): the allow list of AWS's April 2018 documentation.
/// Case-insensitive; takes a family (`c5d`), not a type (`c5d.large`).
#[must_use]
pub fn is_c5_or_m5(family: &str) -> bool {
    let family = family.trim();
    C5_M5_FAMILIES
        .iter()
        .any(|f| f.eq_ignore_ascii_case(family))
}

/// Where the data comes from and how much of it there is, for docs and version output, e.g.
/// "1,441 known instance types (botocore 1.44.8 EC2 `InstanceType` enum: 1,437; ...), 211
/// families (29 Xen), 2 exact-type exceptions; data of 2026-11-24".
#[must_use]
pub fn data_summary() -> String {
    let data = &*DATA;
    let blocks: Vec<String> = data
        .blocks
        .iter()
        .map(|(source, count)| format!("{source}: {}", thousands(*count)))
        .collect();
    let xen = data
        .families
        .values()
        .filter(|&&h| h == Hypervisor::Xen)
        .count();
    let mut summary = format!(
        "{} known instance types ({}), {} families ({xen} Xen), {} exact-type exceptions",
        thousands(data.sorted.len()),
        blocks.join("; "),
        thousands(data.families.len()),
        data.exceptions.len(),
    );
    if let Some(date) = data.date {
        summary.push_str("; data of ");
        summary.push_str(date);
    }
    summary
}

/// Splits a lower-cased type into (family, size), or `None` if it is not shaped like one.
fn split_type(lower: &str) -> Option<(&str, &str)> {
    let (family, size) = lower.split_once('.')?;
    let shaped = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    (shaped(family) && shaped(size) && !OTHER_SERVICE_PREFIXES.contains(&family))
        .then_some((family, size))
}

/// `1441` → `"1,441"`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The embedded data, parsed once.

struct Data {
    families: HashMap<&'static str, Hypervisor>,
    exceptions: HashMap<&'static str, Hypervisor>,
    known: HashSet<&'static str>,
    /// All known types, sorted, so that scanning in order breaks ties lexicographically.
    sorted: Vec<&'static str>,
    /// Known types by family, each group sorted.
    by_family: HashMap<&'static str, Vec<&'static str>>,
    /// `(source, number of types)` for each `# source:` block of `instance-types.txt`.
    blocks: Vec<(&'static str, usize)>,
    /// The `# Date:` line of `instance-types.txt`.
    date: Option<&'static str>,
}

static DATA: LazyLock<Data> = LazyLock::new(Data::load);

impl Data {
    fn load() -> Self {
        let families: HashMap<_, _> = table_rows(FAMILIES_CSV, "family,hypervisor,note")
            .map(|(key, hypervisor, _)| (key, hypervisor))
            .collect();
        let exceptions: HashMap<_, _> = table_rows(EXCEPTIONS_CSV, "type,hypervisor,note")
            .map(|(key, hypervisor, _)| (key, hypervisor))
            .collect();

        let mut blocks: Vec<(&'static str, usize)> = Vec::new();
        let mut date = None;
        let mut sorted = Vec::new();
        for line in TYPES_TXT.lines().map(str::trim) {
            if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if let Some(source) = comment.strip_prefix("source:") {
                    blocks.push((source.trim(), 0));
                } else if let Some(d) = comment.strip_prefix("Date:") {
                    date = Some(d.trim());
                }
            } else if !line.is_empty() {
                assert!(
                    split_type(line).is_some_and(|_| line == line.to_ascii_lowercase()),
                    "rules/instance-types.txt: {line:?} is not a lower-case EC2 instance type"
                );
                sorted.push(line);
                if let Some((_, count)) = blocks.last_mut() {
                    *count += 1;
                }
            }
        }
        sorted.sort_unstable();
        let known: HashSet<_> = sorted.iter().copied().collect();
        assert_eq!(
            known.len(),
            sorted.len(),
            "rules/instance-types.txt has duplicates"
        );

        let mut by_family: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for &name in &sorted {
            let family = name.split_once('.').map_or(name, |(family, _)| family);
            by_family.entry(family).or_default().push(name);
        }
        Self {
            families,
            exceptions,
            known,
            sorted,
            by_family,
            blocks,
            date,
        }
    }
}

/// The data rows of an embedded `key,hypervisor,note` table: `#` comments and blank lines are
/// skipped, the header must be `header`. Notes hold no commas, so a row splits on the first
/// two. Panics on a malformed row: the tables are embedded, so the tests catch it.
fn table_rows(
    text: &'static str,
    header: &'static str,
) -> impl Iterator<Item = (&'static str, Hypervisor, &'static str)> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'));
    assert_eq!(
        lines.next(),
        Some(header),
        "embedded table has the wrong header"
    );
    lines.map(move |line| {
        let mut fields = line.splitn(3, ',');
        let key = fields.next().unwrap_or_default();
        let hypervisor = fields.next().and_then(Hypervisor::parse);
        match (hypervisor, fields.next()) {
            (Some(hypervisor), Some(note)) if !key.is_empty() && !note.contains(',') => {
                (key, hypervisor, note)
            }
            _ => panic!("malformed row under {header:?}: {line:?}"),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// "Did you mean": optimal string alignment distance with a cut-off.

/// Three DP rows over the query, reused for every candidate of one search.
struct Rows {
    before_previous: Vec<usize>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl Rows {
    fn new(query_len: usize) -> Self {
        Self {
            before_previous: vec![0; query_len + 1],
            previous: vec![0; query_len + 1],
            current: vec![0; query_len + 1],
        }
    }
}

/// The first candidate (in slice order) at the smallest distance `<= cutoff`.
fn best_match(
    query: &[u8],
    candidates: &[&'static str],
    cutoff: usize,
    rows: &mut Rows,
) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for &candidate in candidates {
        // Only a strictly smaller distance can replace the current best.
        let limit = match best {
            Some((0, _)) => break,
            Some((d, _)) => d - 1,
            None => cutoff,
        };
        if let Some(d) = distance_within(query, candidate.as_bytes(), limit, rows) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal-string-alignment distance between `query` and `candidate`, or `None` as soon as
/// it must exceed `limit`. (A row's minimum never decreases from one row to the next, even
/// with transpositions, so stopping on it is exact.)
fn distance_within(query: &[u8], candidate: &[u8], limit: usize, rows: &mut Rows) -> Option<usize> {
    if query.len().abs_diff(candidate.len()) > limit {
        return None;
    }
    for (j, cell) in rows.previous.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, &c) in candidate.iter().enumerate() {
        rows.current[0] = i + 1;
        let mut row_min = i + 1;
        for (j, &q) in query.iter().enumerate() {
            // DP column j + 1 holds the distance to query[..=j].
            let mut d = (rows.previous[j] + usize::from(q != c))
                .min(rows.previous[j + 1] + 1)
                .min(rows.current[j] + 1);
            if i > 0 && j > 0 && c == query[j - 1] && candidate[i - 1] == q {
                d = d.min(rows.before_previous[j - 1] + 1);
            }
            rows.current[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut rows.before_previous, &mut rows.previous);
        std::mem::swap(&mut rows.previous, &mut rows.current);
    }
    let d = rows.previous[query.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The closed Xen set of the research notes (§3.3), written out on purpose.
    const XEN_FAMILIES: &str =
        "c1 c3 c4 cc1 cc2 cg1 cr1 d2 f1 g2 g3 g3s h1 hi1 hs1 i2 i3 m1 m2 m3 m4 p2 p3 r3 r4 t1 t2 x1 x1e";

    fn class(instance_type: &str) -> Classification {
        classify(instance_type).unwrap_or_else(|| panic!("{instance_type} should classify"))
    }

    fn assert_class(instance_type: &str, hypervisor: Hypervisor, basis: Basis) {
        let c = class(instance_type);
        assert_eq!(
            (c.hypervisor, c.basis),
            (hypervisor, basis),
            "{instance_type}"
        );
    }

    #[test]
    fn xen_and_nitro_families() {
        use Basis::KnownFamily;
        use Hypervisor::{Nitro, Xen};
        assert_class("m4.large", Xen, KnownFamily);
        assert_class("m5.large", Nitro, KnownFamily);
        assert_class("t2.micro", Xen, KnownFamily);
        assert_class("t3.micro", Nitro, KnownFamily);
        assert_class("i3.large", Xen, KnownFamily);
        assert_class("p3.2xlarge", Xen, KnownFamily);
        assert_class("c5n.18xlarge", Nitro, KnownFamily);
        assert_class("m4.16xlarge", Xen, KnownFamily);
        assert_class("f1.2xlarge", Xen, KnownFamily);
        assert_class("f2.12xlarge", Nitro, KnownFamily);
    }

    #[test]
    fn exact_exceptions_win_over_the_family() {
        let i3_metal = class("i3.metal");
        assert_eq!(i3_metal.hypervisor, Hypervisor::Nitro);
        assert_eq!(i3_metal.basis, Basis::ExactException);
        assert!(i3_metal.bare_metal);
        assert!(i3_metal.known_type);

        let p3dn = class("p3dn.24xlarge");
        assert_eq!(p3dn.hypervisor, Hypervisor::Nitro);
        assert_eq!(p3dn.basis, Basis::ExactException);
        assert_eq!(p3dn.family, "p3dn");
        assert!(!p3dn.bare_metal);
    }

    #[test]
    fn bare_metal_and_dashed_families() {
        let mac = class("mac2.metal");
        assert_eq!((mac.hypervisor, mac.bare_metal), (Hypervisor::Nitro, true));
        let mac_m4 = class("mac-m4.metal");
        assert!(mac_m4.bare_metal && mac_m4.known_type);

        let u = class("u-12tb1.112xlarge");
        assert_eq!(
            (u.family.as_str(), u.size.as_str()),
            ("u-12tb1", "112xlarge")
        );
        assert_eq!(
            (u.hypervisor, u.basis),
            (Hypervisor::Nitro, Basis::KnownFamily)
        );
        assert!(!u.bare_metal);
        assert!(class("u-12tb1.metal").bare_metal);

        let flex = class("c7i-flex.large");
        assert_eq!(flex.family, "c7i-flex");
        assert_eq!(flex.basis, Basis::KnownFamily);

        let m9g = class("m9g.metal-24xl");
        assert_eq!(m9g.size, "metal-24xl");
        assert!(m9g.bare_metal && m9g.known_type);
    }

    #[test]
    fn unknown_family_is_assumed_nitro() {
        let c = class("zz9.large");
        assert_eq!(c.hypervisor, Hypervisor::Nitro);
        assert_eq!(c.basis, Basis::UnknownFamilyAssumedNitro);
        assert!(!c.known_type);
        assert!(class("zz9.metal-48xl").bare_metal);
    }

    #[test]
    fn case_and_whitespace_are_normalised() {
        let c = class("M4.LARGE");
        assert_eq!(c.hypervisor, Hypervisor::Xen);
        assert_eq!(c.instance_type, "m4.large");
        assert_eq!((c.family.as_str(), c.size.as_str()), ("m4", "large"));
        assert!(c.known_type);
        assert_eq!(class(" t3.Micro ").instance_type, "t3.micro");
    }

    #[test]
    fn strings_not_shaped_like_ec2_types() {
        for s in [
            "db.m4.large",
            "cache.t3.micro",
            "ml.m5.xlarge",
            "kafka.m5.large",
            "m5.large.search",
            "m4",
            "",
            ".large",
            "m4.",
            "${var.instance_type}",
            "m4 .large",
        ] {
            assert_eq!(classify(s), None, "{s:?}");
        }
    }

    #[test]
    fn known_types() {
        assert!(is_known_type("m5.large"));
        assert!(is_known_type("M5.Large"));
        assert!(
            is_known_type("c7i.32xlarge"),
            "from the DescribeInstanceTypes block"
        );
        assert!(is_known_type("i3.metal"));
        assert!(!is_known_type("m5.lage"));
        assert!(!is_known_type("db.m5.large"));
        assert!(!class("m5.huge").known_type);
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(closest_known_type("m5.lage"), Some("m5.large"));
        assert_eq!(closest_known_type("m4.xlarg"), Some("m4.xlarge"));
        assert_eq!(closest_known_type("M4.XLARG"), Some("m4.xlarge"));
        assert_eq!(closest_known_type("qqqqqqq.zzzz"), None);
        assert_eq!(
            closest_known_type("t3.mirco"),
            Some("t3.micro"),
            "transposition"
        );
        assert_eq!(
            closest_known_type("m5large"),
            Some("m5.large"),
            "missing dot"
        );
        assert_eq!(closest_known_type("m5.large"), Some("m5.large"));
        assert_eq!(closest_known_type("db.m4.large"), None);
        assert_eq!(closest_known_type(""), None);
        assert_eq!(closest_known_type("${var.type}"), None);
    }

    #[test]
    fn did_you_mean_prefers_the_same_family_then_the_first_in_order() {
        // The nearest m5.* type: "m5.xlarge" (1 edit), not "m5.large" (2).
        assert_eq!(closest_known_type("m5.xlarg"), Some("m5.xlarge"));
        // Several m5.* types at distance 1 ("m5.2xlarge", "m5.4xlarge", "m5.8xlarge"): the
        // lexicographically first wins, every time.
        assert_eq!(closest_known_type("m5.3xlarge"), Some("m5.2xlarge"));
        // Same family beats a closer type of another family: "c7a.metal-48xl" is 3 edits from
        // "c5.metal-48x", "c5.metal" 4.
        assert_eq!(closest_known_type("c5.metal-48x"), Some("c5.metal"));
        // No m4.* type is close: every family competes.
        assert_eq!(closest_known_type("m4.medium"), Some("m1.medium"));
        // Unknown family: every type competes; "c3.large", "c4.large", "c5.large", "c9g.large"…
        // are all 1 edit away, and the lexicographically first wins.
        assert_eq!(closest_known_type("c9.large"), Some("c3.large"));
    }

    #[test]
    fn distance_is_osa() {
        let mut rows = Rows::new(8);
        let d = |a: &str, b: &str, rows: &mut Rows| {
            *rows = Rows::new(a.len());
            distance_within(a.as_bytes(), b.as_bytes(), 99, rows)
        };
        assert_eq!(d("kitten", "sitting", &mut rows), Some(3));
        assert_eq!(d("ab", "ba", &mut rows), Some(1));
        assert_eq!(d("ca", "abc", &mut rows), Some(3), "OSA, not full Damerau");
        assert_eq!(d("", "abc", &mut rows), Some(3));
        assert_eq!(d("same", "same", &mut rows), Some(0));
        rows = Rows::new(6);
        assert_eq!(distance_within(b"kitten", b"sitting", 2, &mut rows), None);
    }

    #[test]
    fn c5_and_m5() {
        for family in [
            "c5", "c5a", "c5ad", "c5d", "c5n", "m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn",
            "C5D",
        ] {
            assert!(is_c5_or_m5(family), "{family}");
        }
        for family in ["c6i", "m4", "c4", "m5.large", "r5", "c5x", ""] {
            assert!(!is_c5_or_m5(family), "{family}");
        }
        // Every family of the allow list is a real Nitro family.
        for family in C5_M5_FAMILIES {
            assert_eq!(
                DATA.families.get(family),
                Some(&Hypervisor::Nitro),
                "{family}"
            );
        }
    }

    #[test]
    fn every_family_has_a_type_or_is_documented_as_retired() {
        let mut rows = 0;
        for (family, _, note) in table_rows(FAMILIES_CSV, "family,hypervisor,note") {
            rows += 1;
            let has_type = DATA.by_family.contains_key(family);
            assert!(
                has_type || note.contains("retired"),
                "family {family} has no type in rules/instance-types.txt and its note does not say it is retired"
            );
            assert!(
                classify(&format!("{family}.large")).is_some(),
                "family {family} is not shaped like an EC2 family"
            );
        }
        assert_eq!(rows, DATA.families.len(), "duplicate family rows");
    }

    #[test]
    fn every_known_type_classifies_from_the_tables() {
        let mut xen_from_types = BTreeSet::new();
        for &name in &DATA.sorted {
            let c = classify(name).unwrap_or_else(|| panic!("{name} does not classify"));
            assert!(c.known_type, "{name}");
            assert_ne!(
                c.basis,
                Basis::UnknownFamilyAssumedNitro,
                "{name}: family missing from the table"
            );
            if c.hypervisor == Hypervisor::Xen {
                xen_from_types.insert(c.family);
            }
        }
        let expected: BTreeSet<&str> = XEN_FAMILIES.split(' ').collect();
        assert_eq!(expected.len(), 29);
        let xen_in_table: BTreeSet<&str> = DATA
            .families
            .iter()
            .filter(|(_, &h)| h == Hypervisor::Xen)
            .map(|(&family, _)| family)
            .collect();
        assert_eq!(xen_in_table, expected);
        let xen_from_types: BTreeSet<&str> = xen_from_types.iter().map(String::as_str).collect();
        assert_eq!(xen_from_types, expected);
    }

    #[test]
    fn exceptions_are_known_types() {
        assert_eq!(DATA.exceptions.len(), 2);
        for (&name, &hypervisor) in &DATA.exceptions {
            assert!(is_known_type(name), "{name}");
            assert_eq!(hypervisor, Hypervisor::Nitro, "{name}");
        }
    }

    #[test]
    fn summary_names_the_sources_and_counts() {
        assert_eq!(DATA.blocks.len(), 2);
        assert_eq!(
            DATA.blocks.iter().map(|(_, n)| n).sum::<usize>(),
            DATA.sorted.len()
        );
        assert_eq!(
            DATA.blocks[1].1, 4,
            "bmn-sf1.metal, c5a.metal, c5ad.metal, c7i.32xlarge"
        );
        let summary = data_summary();
        assert!(
            summary.starts_with("1,441 known instance types (botocore 1.44.8"),
            "{summary}"
        );
        assert!(summary.contains("211 families (29 Xen)"), "{summary}");
        assert!(summary.contains("2026-11-24"), "{summary}");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_441), "1,441");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn hypervisor_serialises_lower_case() {
        assert_eq!(
            serde_json::to_string(&Hypervisor::Nitro).unwrap(),
            "\"nitro\""
        );
        assert_eq!(serde_json::to_string(&Hypervisor::Xen).unwrap(), "\"xen\"");
        assert_eq!(Hypervisor::Xen.to_string(), "Xen");
    }
}
