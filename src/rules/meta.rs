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
    pub docs: RuleDocs,
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

    /// A finding of this rule about `resource`, at `span`, with its message and help filled
    /// from `args`; its path starts at the resource and it has no related locations yet.
    #[must_use]
    pub fn finding(
        &'static self,
        args: &[(&str, &str)],
        resource: &str,
        span: Span,
        subject: ResourceId,
    ) -> Diagnostic {
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
            subject: Some(subject),
        }
    }
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
