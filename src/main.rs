use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    vpclint::cli::run(vpclint::cli::Cli::parse())
}
