//! `vpclint completions SHELL`: the shell's completion script, generated from the command
//! line's own definitions (`clap_complete`), printed to stdout.
//!
//! ```sh
//! vpclint completions bash > ~/.local/share/bash-completion/completions/vpclint
//! vpclint completions zsh > "${fpath[1]}/_vpclint"
//! vpclint completions fish > ~/.config/fish/completions/vpclint.fish
//! vpclint completions powershell >> $PROFILE
//! ```

use std::io::Write;

use clap::CommandFactory;

use super::{exit, Cli};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(super) fn run(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "vpclint", &mut script);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe is not an error of ours.
    let _ = stdout.write_all(&script).and_then(|()| stdout.flush());
    exit::CLEAN
}
