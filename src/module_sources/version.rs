//! Module version constraints as Terraform resolves them (hashicorp/go-version): a
//! comma-separated list of `[op] version` with `=`, `!=`, `>`, `>=`, `<`, `<=` and `~>`
//! (pessimistic: `~> 1.2` is `>= 1.2, < 2.0`, `~> 1.2.3` is `>= 1.2.3, < 1.3.0`); the
//! newest available version that satisfies every constraint is chosen. A pre-release
//! (`1.3.0-beta1`) is chosen only when the whole `version` argument is exactly that version
//! (Terraform's module installer compares the strings; `= 1.3.0-beta1` and
//! `>= 1.3.0-beta1` choose no pre-release); without constraints the newest release is
//! chosen. Checked against `terraform get` in `tests/download_modules.rs`.

use std::cmp::Ordering;

/// A version: numeric segments (missing ones are 0), how many were written, a pre-release.
#[derive(Clone, Debug)]
pub struct Version {
    segments: [u64; 3],
    written: usize,
    prerelease: String,
    text: String,
}

impl Version {
    /// Parses `1`, `1.2`, `v1.2.3`, `1.2.3-rc.1+build`.
    pub fn parse(text: &str) -> Option<Version> {
        let original = text.trim();
        let t = original.strip_prefix('v').unwrap_or(original);
        let t = t.split('+').next()?;
        let (core, prerelease) = match t.split_once('-') {
            Some((c, p)) if !p.is_empty() => (c, p.to_owned()),
            Some(_) => return None,
            None => (t, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut segments = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            segments[i] = p.parse().ok()?;
        }
        Some(Version {
            segments,
            written: parts.len(),
            prerelease,
            text: original.to_owned(),
        })
    }

    /// The version as the registry wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_prerelease(&self) -> bool {
        !self.prerelease.is_empty()
    }

    /// The version as go-version prints it: three segments, the pre-release, no `v`.
    fn canonical(&self) -> String {
        let [a, b, c] = self.segments;
        if self.is_prerelease() {
            format!("{a}.{b}.{c}-{}", self.prerelease)
        } else {
            format!("{a}.{b}.{c}")
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.segments.cmp(&other.segments).then_with(|| {
            match (self.is_prerelease(), other.is_prerelease()) {
                (false, false) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (true, true) => compare_prerelease(&self.prerelease, &other.prerelease),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Semantic-versioning precedence of pre-release identifiers.
fn compare_prerelease(left: &str, right: &str) -> Ordering {
    let (mut lefts, mut rights) = (left.split('.'), right.split('.'));
    loop {
        match (lefts.next(), rights.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(l), Some(r)) => {
                // Numeric identifiers compare as numbers and sort before the others.
                let order = match (l.parse::<u64>(), r.parse::<u64>()) {
                    (Ok(ln), Ok(rn)) => ln.cmp(&rn),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => l.cmp(r),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// One `op version` constraint.
#[derive(Clone, Debug)]
struct Constraint {
    op: Op,
    version: Version,
}

impl Constraint {
    fn allows(&self, v: &Version) -> bool {
        // go-version: a pre-release matches only a constraint on a pre-release of the same
        // version, and a pessimistic constraint on a pre-release only pre-releases.
        if v.is_prerelease()
            && !(self.version.is_prerelease() && self.version.segments == v.segments)
        {
            return false;
        }
        if self.op == Op::Pessimistic && self.version.is_prerelease() && !v.is_prerelease() {
            return false;
        }
        let c = &self.version;
        match self.op {
            Op::Eq => v == c,
            Op::Ne => v != c,
            Op::Gt => v > c,
            Op::Ge => v >= c,
            Op::Lt => v < c,
            Op::Le => v <= c,
            Op::Pessimistic => {
                if v < c {
                    return false;
                }
                let n = c.written;
                v.segments[..n - 1] == c.segments[..n - 1] && v.segments[n - 1] >= c.segments[n - 1]
            }
        }
    }
}

/// A parsed `version` argument, and its text.
#[derive(Clone, Debug, Default)]
pub struct Constraints(Vec<Constraint>, String);

impl Constraints {
    /// Parses `">= 1.0, < 2.0"`, `"~> 5.0"`, `"5.21.0"`.
    ///
    /// # Errors
    /// A constraint that is not `[op] version`.
    pub fn parse(text: &str) -> Result<Constraints, String> {
        let mut out = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(s, op)| part.strip_prefix(s).map(|rest| (*op, rest)))
            .unwrap_or((Op::Eq, part));
            let version = Version::parse(rest)
                .ok_or_else(|| format!("\"{part}\" is not a version constraint"))?;
            out.push(Constraint { op, version });
        }
        Ok(Constraints(out, text.trim().to_owned()))
    }

    /// The newest of `available` that satisfies every constraint; a pre-release only when
    /// the constraint is exactly that version.
    pub fn newest<'v>(&self, available: &'v [Version]) -> Option<&'v Version> {
        available
            .iter()
            .filter(|v| !v.is_prerelease() || v.canonical() == self.1)
            .filter(|v| self.0.iter().all(|c| c.allows(v)))
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(constraint: &str, versions: &[&str]) -> Option<String> {
        let available: Vec<Version> = versions.iter().filter_map(|v| Version::parse(v)).collect();
        Constraints::parse(constraint)
            .unwrap()
            .newest(&available)
            .map(|v| v.as_str().to_owned())
    }

    const AVAILABLE: &[&str] = &[
        "4.0.2",
        "5.0.0",
        "5.1.2",
        "5.21.0",
        "6.0.0-beta1",
        "6.0.0",
        "6.6.0",
        "2.21.0",
        "3.19.0",
        "7.0.0-rc1",
    ];

    #[test]
    fn constraints_choose_as_terraform_does() {
        assert_eq!(pick("", AVAILABLE).as_deref(), Some("6.6.0"));
        assert_eq!(pick("~> 5.0", AVAILABLE).as_deref(), Some("5.21.0"));
        assert_eq!(pick("~> 5.1.0", AVAILABLE).as_deref(), Some("5.1.2"));
        assert_eq!(pick("~> 2.0", AVAILABLE).as_deref(), Some("2.21.0"));
        assert_eq!(pick("~> 6", AVAILABLE).as_deref(), Some("6.6.0"));
        assert_eq!(pick("5.21.0", AVAILABLE).as_deref(), Some("5.21.0"));
        assert_eq!(pick("= 5.0.0", AVAILABLE).as_deref(), Some("5.0.0"));
        assert_eq!(pick(">= 3.0, < 5.0", AVAILABLE).as_deref(), Some("4.0.2"));
        assert_eq!(
            pick(">= 5.0, != 6.6.0", AVAILABLE).as_deref(),
            Some("6.0.0")
        );
        assert_eq!(pick("> 6.6.0", AVAILABLE), None);
        // Pre-releases only when named exactly (as `terraform get` 1.11 chooses).
        assert_eq!(
            pick("6.0.0-beta1", AVAILABLE).as_deref(),
            Some("6.0.0-beta1")
        );
        assert_eq!(pick("= 7.0.0-rc1", AVAILABLE), None);
        assert_eq!(pick(">= 7.0.0-rc1", AVAILABLE), None);
        // One segment: only a lower bound, as go-version reads it (`terraform get` agrees).
        assert_eq!(pick("~> 5", AVAILABLE).as_deref(), Some("6.6.0"));
        assert_eq!(pick("< 6.0.0", AVAILABLE).as_deref(), Some("5.21.0"));
        assert!(Constraints::parse(">= one").is_err());
    }

    #[test]
    fn versions_order_with_prereleases_first() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-alpha.1") < v("1.0.0-beta"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert_eq!(v("v1.2"), v("1.2.0"));
    }
}
