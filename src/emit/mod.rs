//! Emitters: pure functions from a [`Report`] to text, one file per output format. They know
//! nothing about HCL, YAML or the model.

pub mod json;
pub mod text;

use crate::check::Report;

/// The output formats of `vpclint check --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable diagnostics with source snippets (miette).
    #[default]
    Text,
    /// The stable JSON contract (see README, "Output contract").
    Json,
}

/// How the output will be shown (what a terminal supports).
#[derive(Clone, Copy, Debug, Default)]
pub struct EmitOptions {
    /// Colour the text output.
    pub color: bool,
}

/// Renders the report in the given format.
#[must_use]
pub fn render(report: &Report, format: Format, options: EmitOptions) -> String {
    match format {
        Format::Text => text::render(report, options.color),
        Format::Json => json::render(report),
    }
}
