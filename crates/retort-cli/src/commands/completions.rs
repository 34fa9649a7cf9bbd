//! `completions`: a shell completion script, generated from the argument
//! definitions by `clap_complete`. Needs no config.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;
use crate::error::CliError;

pub fn run(shell: Shell) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "retort", &mut script);
    out!("{}", String::from_utf8_lossy(&script))
}
