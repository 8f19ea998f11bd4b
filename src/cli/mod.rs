//! The command line: argument definitions and the subcommands. With `main.rs`,
//! `discover.rs` and (later) `lsp/`, the only code that does IO.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{self, Options};
use crate::diagnostic::Severity;
use crate::discover;
use crate::emit;
use crate::rules::{AccessModel, Settings};

/// vpclint: finds AWS network designs that only fail after `apply`.
#[derive(Debug, Parser)]
#[command(name = "vpclint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Terraform and CloudFormation files or directories.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = emit::Format::Text)]
    pub format: emit::Format,

    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// The documented access model the `VPC00x` rules check against: `legacy` (non-Nitro over
    /// peering and VPN), `c5-m5-2018-04` (AWS docs of April 2018), `current` (today's docs:
    /// no instance-type restriction).
    #[arg(long, value_enum, default_value_t = AccessModel::Legacy)]
    pub access_model: AccessModel,

    /// The AWS region CloudFormation templates are deployed to (compared with `PeerRegion`).
    #[arg(long)]
    pub region: Option<String>,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Exit 0 whatever the findings (file errors still exit 1).
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Exit codes: a promise to users' scripts.
pub mod exit {
    /// Nothing at or above `--fail-on`, and no file errors.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on`, or files that could not be parsed.
    pub const FINDINGS: u8 = 1;
    /// A usage error, or nothing could be read.
    pub const USAGE: u8 = 2;
}

/// Runs a parsed command line and returns the process exit code.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => ExitCode::from(run_check(&args)),
    }
}

fn run_check(args: &CheckArgs) -> u8 {
    let found = discover::discover(&args.paths);
    if !found.missing.is_empty() {
        for path in &found.missing {
            eprintln!(
                "vpclint: error: {}: no such file or directory",
                path.display()
            );
        }
        return exit::USAGE;
    }
    if found.inputs.is_empty() && !found.errors.is_empty() {
        for e in &found.errors {
            eprintln!("vpclint: error: {}: {}", e.path.display(), e.message);
        }
        return exit::USAGE;
    }
    let options = Options {
        settings: Settings {
            access_model: args.access_model,
        },
        region: args.region.clone(),
    };
    let report = check::check(found.inputs, found.errors, found.skipped, &options);
    let text = match args.format {
        emit::Format::Json => emit::json::render(&report),
        emit::Format::Text => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            emit::text::render(&report, color)
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        // A closed pipe (`| head`) is not an error of the check.
    }
    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|t| report.max_severity().is_some_and(|s| s >= t));
    if failing || !report.errors.is_empty() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
