//! The text of a suppression comment: `vpclint:ignore[RULE, …] reason`.

use std::ops::Range;

/// A comment that starts with `vpclint:ignore`, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The rule ids with their byte ranges (into the text given to [`parse`], shifted by its
    /// offset). Empty when the directive is malformed.
    pub rules: Vec<(String, Range<usize>)>,
    pub reason: Option<String>,
    pub malformed: bool,
}

/// What a directive starts with.
pub const MARKER: &str = "vpclint:ignore";

/// Parses a comment body found at `offset`. `None` when the comment is not a directive
/// (it does not start with `vpclint:ignore`).
#[must_use]
pub fn parse(body: &str, offset: usize) -> Option<Parsed> {
    let lead = body.len() - body.trim_start().len();
    let rest = body[lead..].strip_prefix(MARKER)?;
    let open = offset + lead + MARKER.len();
    let malformed = Parsed {
        rules: Vec::new(),
        reason: None,
        malformed: true,
    };
    // `vpclint:ignored` and the like are not directives.
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let Some(list) = rest.strip_prefix('[') else {
        return Some(malformed);
    };
    let Some(close) = list.find(']') else {
        return Some(malformed);
    };
    let mut rules = Vec::new();
    let mut at = open + 1;
    for item in list[..close].split(',') {
        let id = item.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Some(malformed);
        }
        let start = at + (item.len() - item.trim_start().len());
        rules.push((id.to_owned(), start..start + id.len()));
        at += item.len() + 1;
    }
    let reason = list[close + 1..]
        .trim()
        .trim_start_matches([':', '-', '\u{2014}'])
        .trim();
    Some(Parsed {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        malformed: false,
    })
}

/// Whether the text mentions vpclint in any case (a cheap test before scanning comments).
#[must_use]
pub fn mentions_vpclint(text: &str) -> bool {
    // std's substring search (fast even in a file of many megabytes) for the end of the
    // word in its usual cases, then the start of it in any case.
    ["lint", "LINT", "Lint"].iter().any(|end| {
        text.match_indices(end)
            .any(|(at, _)| at >= 3 && text.as_bytes()[at - 3..at].eq_ignore_ascii_case(b"vpc"))
    })
}

/// What a comment that is not a directive but was surely meant as one says (`vpclint:
/// ignore[VPC001]`, `VPCLINT:IGNORE[…]`, `vpclint-ignore[…]`, `vpclint:disable[…]`): the
/// text from `vpclint` to the bracket. `None` for other comments, including prose that
/// names vpclint without a bracket after the verb.
#[must_use]
pub fn near_miss(body: &str) -> Option<&str> {
    let text = body.trim_start();
    let head = text.get(..7)?;
    if !head.eq_ignore_ascii_case("vpclint") {
        return None;
    }
    let rest = &text[7..];
    let verb_at = rest.len() - rest.trim_start_matches([' ', '\t', ':', '-', '_']).len();
    let verb = &rest[verb_at..];
    let lower = verb.get(..8).unwrap_or(verb).to_ascii_lowercase();
    if !["ignore", "disable", "noqa", "skip", "suppress"]
        .iter()
        .any(|v| lower.starts_with(v))
    {
        return None;
    }
    let word = verb.len()
        - verb
            .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-')
            .len();
    let after = &verb[word..];
    let bracket = after.len() - after.trim_start_matches([' ', '\t', ':']).len();
    after[bracket..]
        .starts_with('[')
        .then(|| &text[..=(7 + verb_at + word + bracket)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_recognised_and_prose_is_not() {
        for (body, seen) in [
            (" vpclint: ignore[VPC001] why", "vpclint: ignore["),
            ("VPCLINT:IGNORE[VPC001]", "VPCLINT:IGNORE["),
            ("vpclint-ignore[VPC001]", "vpclint-ignore["),
            ("vpclint ignore [VPC001]", "vpclint ignore ["),
            ("vpclint:disable[VPC001]", "vpclint:disable["),
            (
                "vpclint:ignore-next-line[VPC001]",
                "vpclint:ignore-next-line[",
            ),
            ("Vpclint:Ignore[VPC001]", "Vpclint:Ignore["),
        ] {
            assert_eq!(near_miss(body), Some(seen), "{body}");
        }
        for body in [
            "vpclint ignores this file because it is generated",
            "see the vpclint docs",
            "vpclint:ignored",
            "vpclintx:ignore[VPC001]",
            "",
        ] {
            assert_eq!(near_miss(body), None, "{body}");
        }
        assert!(mentions_vpclint("# VPCLint: ignore"));
        assert!(!mentions_vpclint("# nothing here"));
    }

    #[test]
    fn ids_spans_and_reason() {
        let body = " vpclint:ignore[VPC001, DNS001] legacy fleet, retired in Q3 ";
        let p = parse(body, 10).unwrap();
        let ids: Vec<_> = p
            .rules
            .iter()
            .map(|(id, r)| (id.as_str(), &body[r.start - 10..r.end - 10]))
            .collect();
        assert_eq!(ids, [("VPC001", "VPC001"), ("DNS001", "DNS001")]);
        assert_eq!(p.reason.as_deref(), Some("legacy fleet, retired in Q3"));
        assert!(!p.malformed);
    }

    #[test]
    fn no_reason_malformed_and_not_directives() {
        assert_eq!(parse("vpclint:ignore[VPC001]", 0).unwrap().reason, None);
        assert_eq!(parse("vpclint:ignore[VPC001] - ", 0).unwrap().reason, None);
        for bad in [
            "vpclint:ignore",
            "vpclint:ignore VPC001",
            "vpclint:ignore[]",
            "vpclint:ignore[VPC001",
        ] {
            assert!(parse(bad, 0).unwrap().malformed, "{bad}");
        }
        assert!(parse("see vpclint:ignore[VPC001]", 0).is_none());
        assert!(parse("vpclint:ignored", 0).is_none());
    }
}
