//! `vpclint check`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::cloudformation::CloudFormationArgs;
use super::terraform::TerraformArgs;
use crate::check::{self, Options};
use crate::diagnostic::Severity;
use crate::discover;
use crate::emit;
use crate::lower::LowerOptions;
use crate::rules::{AccessModel, Settings};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format [default: text on a terminal, concise otherwise].
    #[arg(long, value_enum)]
    pub format: Option<emit::Format>,

    /// List every resource that could not be fully checked, with the reason (text and
    /// concise formats; `json` and `json-lines` always list them).
    #[arg(long)]
    pub explain_unknown: bool,

    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// The documented access model the `VPC00x` rules check against: `legacy` (non-Nitro over
    /// peering and VPN), `c5-m5-2018-04` (AWS docs of April 2018), `current` (today's docs:
    /// no instance-type restriction).
    #[arg(long, value_enum, default_value_t = AccessModel::Legacy)]
    pub access_model: AccessModel,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(flatten)]
    pub terraform: TerraformArgs,

    #[command(flatten)]
    pub cloudformation: CloudFormationArgs,
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

pub(super) fn run(args: &CheckArgs) -> u8 {
    let lower = LowerOptions {
        terraform: args.terraform.options(),
        cloudformation: args.cloudformation.options(),
    };
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
        lower,
    };
    let report = check::check(found.inputs, found.errors, found.skipped, &options);
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if stdout_is_terminal {
        emit::Format::Text
    } else {
        emit::Format::Concise
    });
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let cwd = std::env::current_dir().ok();
    let emit_options = emit::EmitOptions {
        color,
        explain_unknown: args.explain_unknown,
        repo_root: cwd.as_deref().map(repository_root),
        cwd,
        docs_url: emit::default_docs_url(),
    };
    let text = emit::render(&report, format, &emit_options);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error of the check.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if format == emit::Format::Github && emit::github::overflows(&report) {
        write_step_summary(&emit::github::step_summary(&report, &emit_options));
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

/// The repository the working directory is in (the nearest ancestor with `.git`, a directory
/// or a worktree's file), else the working directory itself.
fn repository_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Appends to the file GitHub Actions names in `$GITHUB_STEP_SUMMARY`, when it is set.
fn write_step_summary(markdown: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut file| file.write_all(markdown.as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "vpclint: warning: could not write the step summary to {}: {e}",
            Path::new(&path).display()
        );
    }
}
