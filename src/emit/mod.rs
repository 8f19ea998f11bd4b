//! Emitters: pure functions from a [`Report`](crate::check::Report) to text, one file per
//! output format. They know nothing about HCL, YAML or the model.

pub mod json;
pub mod text;

/// The output formats of `vpclint check --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable diagnostics with source snippets (miette).
    #[default]
    Text,
    /// The stable JSON contract (see README, "Output contract").
    Json,
}
