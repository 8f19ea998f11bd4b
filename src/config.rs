//! `.vpclint.toml`: the project's settings, parsed from text (finding and reading the file is
//! `discover.rs`'s job; this module does no IO).
//!
//! ```toml
//! select = ["VPC", "DNS001"]        # rule ids or prefixes; default: every rule
//! ignore = ["DNS003"]               # rule ids or prefixes
//! access-model = "current"          # as --access-model
//! region = "eu-west-1"              # as --region
//! exclude = ["legacy/", "*.gen.tf"] # gitignore-style globs, relative to this file's directory
//! fail-on = "error"                 # as --fail-on
//! baseline = "vpclint-baseline.json" # as --baseline, relative to this file's directory
//!
//! [severity]
//! VPC001 = "error"                  # rule id or prefix = "error" | "warning" | "info"
//! ```
//!
//! Unknown keys and bad values are errors with the file, line and column (serde's
//! `deny_unknown_fields` and `toml::Spanned`). Command-line flags win over the file.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::rules::AccessModel;

/// The name of the configuration file, looked for upward from the checked path.
pub const FILE_NAME: &str = ".vpclint.toml";

/// When `vpclint check` exits with 1 (`--fail-on`, `fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Exit 0 whatever the findings (file errors still exit 1).
    Never,
}

impl FailOn {
    /// The lowest severity that fails the run; `None` for `never`.
    #[must_use]
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// The file as written. Every field is optional; unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<std::collections::BTreeMap<Spanned<String>, Severity>>,
    access_model: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    fail_on: Option<FailOn>,
    baseline: Option<Spanned<String>>,
}

/// A parsed, validated `.vpclint.toml`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    pub rules: RuleSelection,
    pub access_model: Option<AccessModel>,
    pub region: Option<String>,
    pub exclude: Exclude,
    pub fail_on: Option<FailOn>,
    /// The baseline file (`baseline`), resolved against the file's directory.
    pub baseline: Option<PathBuf>,
}

/// What is wrong with a configuration file, and where (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Which rules run and at which severity. The default runs every rule at its own severity.
///
/// Selectors are rule ids or prefixes (`DNS`, `VPC00`). For each rule the longest matching
/// selector of `select` and `ignore` decides (ignore wins a tie); when none matches, the rule
/// runs unless `select` is given. Severity overrides take the longest matching key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
}

impl RuleSelection {
    /// Whether the rule `id` runs.
    #[must_use]
    pub fn enabled(&self, id: &str) -> bool {
        let longest = |list: &[String]| {
            list.iter()
                .filter(|s| id.starts_with(s.as_str()))
                .map(String::len)
                .max()
        };
        let ignored = longest(&self.ignore);
        match &self.select {
            None => ignored.is_none(),
            Some(select) => match (longest(select), ignored) {
                (Some(s), Some(i)) => s > i,
                (Some(_), None) => true,
                (None, _) => false,
            },
        }
    }

    /// The severity of rule `id`'s findings, given the rule's own.
    #[must_use]
    pub fn severity(&self, id: &str, default: Severity) -> Severity {
        self.severity
            .iter()
            .filter(|(key, _)| id.starts_with(key.as_str()))
            .max_by_key(|(key, _)| key.len())
            .map_or(default, |(_, s)| *s)
    }
}

/// `exclude` globs, matched gitignore-style against paths relative to the config file's
/// directory.
#[derive(Clone, Debug)]
pub struct Exclude {
    /// The config file's directory, absolute and normalised.
    root: PathBuf,
    matcher: ignore::gitignore::Gitignore,
}

impl Default for Exclude {
    fn default() -> Self {
        Exclude {
            root: PathBuf::new(),
            matcher: ignore::gitignore::Gitignore::empty(),
        }
    }
}

impl Exclude {
    /// Whether `path` (absolute and normalised) is excluded. Paths outside the config file's
    /// directory never are.
    #[must_use]
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        if self.matcher.is_empty() {
            return false;
        }
        path.strip_prefix(&self.root).is_ok_and(|rel| {
            !rel.as_os_str().is_empty()
                && self
                    .matcher
                    .matched_path_or_any_parents(rel, is_dir)
                    .is_ignore()
        })
    }
}

/// Parses a configuration file's text. `path` is the file as the user would name it (for
/// messages); `dir` is its directory, absolute and normalised (the root of `exclude`).
///
/// # Errors
/// The first problem: TOML syntax, an unknown key, a bad value, an unknown rule id.
pub fn parse(path: &Path, dir: &Path, text: &str) -> Result<Config, ConfigError> {
    let error = |range: Option<Range<usize>>, message: String| {
        let at = range.map_or(0, |r| r.start).min(text.len());
        let before = &text[..at];
        ConfigError {
            path: path.to_path_buf(),
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
            message,
        }
    };
    let raw: Raw = toml::from_str(text).map_err(|e| error(e.span(), e.message().to_owned()))?;
    let rule_list = |list: Option<Vec<Spanned<String>>>, key: &str| match list {
        None => Ok(None),
        Some(list) => list
            .into_iter()
            .map(|s| {
                check_selector(s.get_ref())
                    .map(|()| s.get_ref().clone())
                    .map_err(|m| error(Some(s.span()), format!("{key}: {m}")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
    };
    let select = rule_list(raw.select, "select")?;
    let ignore = rule_list(raw.ignore, "ignore")?.unwrap_or_default();
    let mut severity = Vec::new();
    for (key, level) in raw.severity.unwrap_or_default() {
        check_selector(key.get_ref())
            .map_err(|m| error(Some(key.span()), format!("severity: {m}")))?;
        severity.push((key.into_inner(), level));
    }
    let access_model = match raw.access_model {
        None => None,
        Some(s) => Some(
            <AccessModel as clap::ValueEnum>::from_str(s.get_ref(), false).map_err(|_| {
                error(
                    Some(s.span()),
                    format!(
                        "access-model: unknown model `{}` (expected legacy, c5-m5-2018-04 or current)",
                        s.get_ref()
                    ),
                )
            })?,
        ),
    };
    let region = match raw.region {
        Some(r) if r.get_ref().trim().is_empty() => {
            return Err(error(Some(r.span()), "region: empty".to_owned()))
        }
        r => r.map(Spanned::into_inner),
    };
    let baseline = match raw.baseline {
        Some(b) if b.get_ref().trim().is_empty() => {
            return Err(error(Some(b.span()), "baseline: empty".to_owned()))
        }
        b => b.map(|b| dir.join(b.get_ref())),
    };
    let exclude = exclude(dir, &raw.exclude.unwrap_or_default())
        .map_err(|(span, m)| error(Some(span), format!("exclude: {m}")))?;
    Ok(Config {
        path: path.to_path_buf(),
        rules: RuleSelection {
            select,
            ignore,
            severity,
        },
        access_model,
        region,
        exclude,
        fail_on: raw.fail_on,
        baseline,
    })
}

/// A selector must be a rule id or the prefix of one.
///
/// # Errors
/// The message when it is not.
pub fn check_selector(selector: &str) -> Result<(), String> {
    if !selector.is_empty()
        && crate::rules::all()
            .iter()
            .any(|m| m.id.starts_with(selector))
    {
        Ok(())
    } else {
        Err(format!(
            "`{selector}` is neither a rule id nor the prefix of one (see `vpclint rules`)"
        ))
    }
}

fn exclude(dir: &Path, globs: &[Spanned<String>]) -> Result<Exclude, (Range<usize>, String)> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
    for glob in globs {
        if glob.get_ref().trim().is_empty() {
            return Err((glob.span(), "empty glob".to_owned()));
        }
        builder
            .add_line(None, glob.get_ref())
            .map_err(|e| (glob.span(), e.to_string()))?;
    }
    let matcher = builder.build().map_err(|e| (0..0, e.to_string()))?;
    Ok(Exclude {
        root: dir.to_path_buf(),
        matcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(select: Option<&[&str]>, ignore: &[&str]) -> RuleSelection {
        RuleSelection {
            select: select.map(|s| s.iter().map(|x| (*x).to_owned()).collect()),
            ignore: ignore.iter().map(|x| (*x).to_owned()).collect(),
            severity: Vec::new(),
        }
    }

    #[test]
    fn the_longest_selector_decides() {
        let s = selection(Some(&["DNS"]), &["DNS003"]);
        assert!(s.enabled("DNS001") && !s.enabled("DNS003") && !s.enabled("VPC001"));
        let s = selection(None, &["DNS"]);
        assert!(!s.enabled("DNS001") && s.enabled("VPC001"));
        let s = selection(Some(&["DNS001"]), &["DNS"]);
        assert!(s.enabled("DNS001") && !s.enabled("DNS002"));
        let s = selection(Some(&["VPC001"]), &["VPC001"]);
        assert!(!s.enabled("VPC001"));
        assert!(RuleSelection::default().enabled("NET001"));
    }

    #[test]
    fn severity_overrides_take_the_longest_key() {
        let s = RuleSelection {
            severity: vec![
                ("VPC".to_owned(), Severity::Info),
                ("VPC001".to_owned(), Severity::Error),
            ],
            ..RuleSelection::default()
        };
        assert_eq!(s.severity("VPC001", Severity::Warning), Severity::Error);
        assert_eq!(s.severity("VPC002", Severity::Warning), Severity::Info);
        assert_eq!(s.severity("DNS001", Severity::Warning), Severity::Warning);
    }

    #[test]
    fn excludes_are_relative_to_the_config_directory() {
        let c = parse(
            Path::new(".vpclint.toml"),
            Path::new("/repo"),
            "exclude = [\"legacy/\", \"*.gen.tf\", \"/top.tf\"]",
        )
        .unwrap();
        let x = |p: &str, dir: bool| c.exclude.is_excluded(Path::new(p), dir);
        assert!(x("/repo/legacy", true));
        assert!(x("/repo/a/legacy/main.tf", false));
        assert!(x("/repo/a/b.gen.tf", false));
        assert!(x("/repo/top.tf", false));
        assert!(!x("/repo/a/top.tf", false));
        assert!(!x("/repo/main.tf", false));
        assert!(!x("/elsewhere/legacy/main.tf", false));
    }
}
