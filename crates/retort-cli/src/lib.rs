//! The `retort` command line: parses arguments, loads `alembic.toml`, calls
//! the library crates and prints. Data goes to stdout, errors and progress to
//! stderr; exit codes are documented in [`error`].

#[macro_use]
mod output;

mod args;
mod commands;
mod config;
mod display;
pub mod error;
#[cfg(test)]
mod help_tests;
mod style;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use retort_script::{Direction, Script, ScriptError};

use args::{Cli, Command, InspectSource};
use config::Config;
use error::CliError;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e}", style::error_mark());
            ExitCode::from(e.code)
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    if let Command::Init { dir } = &cli.command {
        return commands::init::run(dir.as_deref().unwrap_or(Path::new(".")));
    }
    if let Command::Completions { shell } = cli.command {
        return commands::completions::run(shell);
    }
    let mut root = Config::discover(cli.config.as_deref())?;
    if let Some(url) = cli.url {
        root.url = Some(url);
    }
    let config = match &cli.app {
        Some(app) => root.for_app(app)?,
        None => root,
    };
    if commands::all::wants_all(&cli.command) {
        if cli.app.is_some() {
            return Err(
                CliError::user("`--all` and `-n/--name` do not go together").hint(
                    "`--all` runs the main chain and every `[apps.NAME]`; leave out one of them",
                ),
            );
        }
        return commands::all::run(&config, cli.command);
    }
    // A command that compares the models starts reading them now, while
    // the revision files load.
    let ahead = commands::autogenerate::start_ahead(&config, &cli.command);
    let script = Script::load(&config.script_location).map_err(script_error)?;
    run_one_with(&config, script, cli.command, ahead)
}

/// Runs `command` for the chain of `config`.
pub(crate) fn run_one(config: &Config, script: Script, command: Command) -> Result<(), CliError> {
    run_one_with(config, script, command, Default::default())
}

/// [`run_one`], with what the command reads ahead already started.
fn run_one_with(
    config: &Config,
    script: Script,
    command: Command,
    ahead: commands::autogenerate::Ahead,
) -> Result<(), CliError> {
    match command {
        Command::Init { .. } | Command::Completions { .. } => unreachable!("handled above"),
        Command::Revision(args) if args.autogenerate => {
            commands::autogenerate::revision(config, script, args, ahead)
        }
        Command::Revision(args) => commands::revision::revision(config, &script, args),
        Command::Check {
            offline,
            format,
            dialect,
            ..
        } => commands::autogenerate::check(config, script, offline, format, dialect, ahead),
        Command::Baseline { message, rev_id } => {
            commands::autogenerate::baseline(config, script, message, rev_id, ahead)
        }
        Command::Merge {
            revisions,
            message,
            branch_label,
            rev_id,
        } => commands::revision::merge(config, &script, &revisions, message, branch_label, rev_id),
        Command::Squash {
            range,
            message,
            rev_id,
            prune,
        } => commands::squash::run(config, &script, range, message, rev_id, prune),
        Command::Upgrade(args) => {
            commands::migrate::run(config, script, args.migrate, Direction::Up, args.seed)
        }
        Command::Downgrade(args) => {
            commands::migrate::run(config, script, args, Direction::Down, false)
        }
        Command::Migrate(args) => commands::automigrate::run(config, script, args),
        Command::Refresh { force, seed, run } => {
            commands::online::refresh(config, script, force, seed, &run)
        }
        Command::Stamp {
            revisions,
            offline,
            purge,
            run,
        } => commands::migrate::stamp(config, script, &revisions, &offline, purge, &run),
        Command::Current {
            verbose, format, ..
        } => commands::online::current(config, script, verbose, format),
        Command::Status { format, .. } => commands::online::status(config, script, format),
        Command::Rollback { steps, run } => commands::online::rollback(config, script, steps, &run),
        Command::Fresh { force, seed, run } => {
            commands::online::fresh(config, script, force, seed, &run)
        }
        Command::Seed {
            names,
            offline,
            run,
        } => commands::seed::run(config, script, &names, &offline, &run),
        Command::Lint {
            target,
            dialect,
            format,
        } => commands::lint::run(config, &script, target.as_deref(), dialect, format),
        Command::Heads { verbose, format } => commands::graph::heads(&script, verbose, format),
        Command::Branches { verbose, format } => {
            commands::graph::branches(&script, verbose, format)
        }
        Command::Edit { revision } => commands::edit::run(&script, &revision),
        Command::History {
            range,
            verbose,
            indicate_current,
            format,
        } => {
            let current = if indicate_current {
                commands::online::current_heads(config, script.clone())?
            } else {
                Vec::new()
            };
            let indicate = indicate_current.then_some(current.as_slice());
            commands::graph::history(&script, range.as_deref(), verbose, indicate, format)
        }
        Command::Show {
            revision,
            sql: false,
            format,
            ..
        } => commands::graph::show(&script, &revision, format),
        Command::Show {
            revision,
            sql: true,
            dialect,
            ..
        } => commands::migrate::show_sql(config, &script, &revision, dialect),
        Command::Inspect {
            source: InspectSource::Revisions,
            format,
            dialect,
        } => commands::inspect::revisions(config, &script, format, dialect),
        Command::Inspect {
            source: InspectSource::Db,
            format,
            dialect,
        } => commands::inspect::db(config, format, dialect),
        Command::Inspect {
            source: InspectSource::Models,
            format,
            dialect,
        } => commands::inspect::models(config, format, dialect),
    }
}

/// Problems with revision files and targets are user errors (exit 2).
pub(crate) fn script_error(e: ScriptError) -> CliError {
    CliError::user(e.to_string())
}

pub(crate) fn migrate_error(e: retort_migrate::MigrateError) -> CliError {
    CliError::user(e.to_string())
}
