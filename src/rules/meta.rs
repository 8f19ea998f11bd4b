//! Rule metadata: one TOML file per rule under `rules/`, embedded in the binary and loaded
//! with serde (`deny_unknown_fields`, so a typo in a rule file fails the test suite).

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ResourceId;
use crate::source::Span;

/// The metadata and documentation of one rule, as written in `rules/<ID>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable id, never reused: `VPC001`.
    pub id: String,
    /// Kebab-case name of the bad pattern: `non-nitro-endpoint-over-peering`.
    pub name: String,
    pub severity: Severity,
    /// One line, for `vpclint rules` and SARIF's short description.
    pub summary: String,
    /// The finding's message; `{placeholders}` are filled by the rule's code.
    pub message: String,
    /// What to do, one sentence; shown as the diagnostic's help line.
    pub help: String,
    /// Categories for code-scanning filters (SARIF `properties.tags`): the AWS area
    /// (`dns`, `vpc-endpoint`, …) and the kind of problem (`reliability`, `correctness`,
    /// `security`). A rule tagged `security` has a `security-severity`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How often a finding of this rule is a true problem (SARIF `properties.precision`).
    #[serde(default)]
    pub precision: Option<Precision>,
    /// For `security` rules: the CVSS-like score (0.0–10.0) code scanning ranks alerts by
    /// (SARIF `properties.security-severity`).
    #[serde(default, rename = "security-severity")]
    pub security_severity: Option<f64>,
    pub docs: RuleDocs,
}

/// SARIF's precision scale, as GitHub code scanning reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDocs {
    pub what: String,
    pub why: String,
    /// Markdown with fenced code blocks: a failing and a passing example.
    pub example: String,
    pub fix: String,
    /// Optional extra section (e.g. the dated history behind an access model).
    #[serde(default)]
    pub history: Option<String>,
    pub references: Vec<Reference>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
    /// When the cited text was published or read (`2018-04-06`), as precise as known.
    pub date: String,
}

impl RuleMeta {
    /// Fills `{name}` placeholders of the message template. Unknown placeholders are left as
    /// they are, so a mistake shows in the output and in snapshot tests.
    #[must_use]
    pub fn render_message(&self, args: &[(&str, &str)]) -> String {
        render(&self.message, args)
    }

    #[must_use]
    pub fn render_help(&self, args: &[(&str, &str)]) -> String {
        render(&self.help, args)
    }

    /// The `{placeholders}` of the message and help templates, in order, each once.
    #[must_use]
    pub fn placeholders(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for name in placeholders(&self.message).chain(placeholders(&self.help)) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// A finding of this rule about `resource`, at `span`, with its message and help filled
    /// from `args`; its path starts at the resource and it has no related locations yet.
    ///
    /// The arguments must be exactly the templates' placeholders (checked in debug builds,
    /// so that every fixture run checks it): a renamed placeholder cannot print `{x}`, and
    /// an argument the templates no longer use is not computed for nothing.
    #[must_use]
    pub fn finding(
        &'static self,
        args: &[(&str, &str)],
        resource: &str,
        span: Span,
        subject: ResourceId,
    ) -> Diagnostic {
        if cfg!(debug_assertions) {
            let mut given: Vec<&str> = args.iter().map(|(k, _)| *k).collect();
            let mut wanted = self.placeholders();
            given.sort_unstable();
            wanted.sort_unstable();
            assert_eq!(
                given, wanted,
                "{}: the finding's arguments must be the message and help placeholders",
                self.id
            );
        }
        Diagnostic {
            rule: &self.id,
            name: &self.name,
            severity: self.severity,
            message: self.render_message(args),
            resource: resource.to_owned(),
            span,
            related: Vec::new(),
            path: vec![resource.to_owned()],
            help: self.render_help(args),
            assumptions: Vec::new(),
            subject: Some(subject),
        }
    }
}

/// The `{name}` placeholders of a template: braces around a `snake_case` name (other braces,
/// as in `{vpclint: {ignore: …}}`, are text).
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| {
        let (name, _) = part.split_once('}')?;
        let snake = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        snake.then_some(name)
    })
}

fn render(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let key = &after[..close];
        if let Some((_, v)) = args.iter().find(|(k, _)| *k == key) {
            out.push_str(v);
        } else {
            out.push('{');
            out.push_str(key);
            out.push('}');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn render_fills_known_and_keeps_unknown_placeholders() {
        assert_eq!(
            super::render("{a} reaches {b} over {c", &[("a", "x"), ("b", "y")]),
            "x reaches y over {c"
        );
        assert_eq!(super::render("{zz}", &[]), "{zz}");
    }
}
