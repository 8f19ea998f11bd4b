//! `vpclint rules` and `vpclint explain`.

use std::io::Write;

use clap::ValueEnum;

use super::exit;
use crate::rules::{self, docs};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule: id, severity, name, summary.
    #[default]
    Text,
    Json,
    /// The generated `docs/rules.md`.
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id (`VPC001`) or name (`non-nitro-endpoint-over-peering`).
    pub rule: String,
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

pub(super) fn run_rules(args: &RulesArgs) -> u8 {
    let metas = rules::all();
    print(&match args.format {
        RulesFormat::Text => docs::table(metas),
        RulesFormat::Json => docs::json(metas),
        RulesFormat::Markdown => docs::markdown(metas),
    });
    exit::CLEAN
}

pub(super) fn run_explain(args: &ExplainArgs) -> u8 {
    let wanted = args.rule.trim();
    let found = rules::all()
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(wanted) || m.name == wanted);
    if let Some(meta) = found {
        print(&format!(
            "{}\nOnline: <{}>\n",
            docs::explain(meta),
            docs::rule_url(docs::DOCS_URL, &meta.id)
        ));
        exit::CLEAN
    } else {
        let ids: Vec<&str> = rules::all().iter().map(|m| m.id.as_str()).collect();
        eprintln!(
            "vpclint: error: no rule '{wanted}' (known: {})",
            ids.join(", ")
        );
        exit::USAGE
    }
}
