//! The command line: argument definitions and the subcommands. With `main.rs`,
//! `discover.rs` and `lsp/`, the only code that does IO.
//!
//! Each concern has its own file: `check.rs` (the `check` subcommand and exit codes),
//! `terraform.rs` and `cloudformation.rs` (the flags that feed each format's lowering),
//! `graph.rs` (the `graph` subcommand, with `check`'s evaluation flags).

mod baseline;
mod check;
mod cloudformation;
mod completions;
mod graph;
mod rules;
mod terraform;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use check::{exit, CheckArgs, EvalArgs};
pub use graph::GraphArgs;

/// vpclint: finds AWS network designs that only fail after `apply`.
#[derive(Debug, Parser)]
#[command(name = "vpclint", version, about, long_about = None, after_help = check::EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// One value per process: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Terraform and CloudFormation files or directories.
    #[command(after_help = check::EXIT_CODES)]
    Check(CheckArgs),
    /// Draw what vpclint understood (VPCs, subnets, routes, peerings, transit gateways,
    /// endpoints, DNS) with the path of every finding: Mermaid, DOT, HTML or JSON.
    Graph(GraphArgs),
    /// List every rule (id, severity, name, summary).
    Rules(rules::RulesArgs),
    /// Print a rule's documentation: what, why, example, fix, references.
    Explain(rules::ExplainArgs),
    /// Run the language server over stdin and stdout (diagnostics as you type, hover on
    /// instance types).
    Lsp(crate::lsp::LspArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
}

/// Runs a parsed command line and returns the process exit code.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => ExitCode::from(check::run(&args)),
        Command::Graph(args) => ExitCode::from(graph::run(&args)),
        Command::Rules(args) => ExitCode::from(rules::run_rules(&args)),
        Command::Explain(args) => ExitCode::from(rules::run_explain(&args)),
        Command::Lsp(args) => crate::lsp::run(&args),
        Command::Completions(args) => ExitCode::from(completions::run(&args)),
    }
}
