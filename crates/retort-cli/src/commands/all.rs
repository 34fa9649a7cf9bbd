//! `--all`: the main chain, then every `[apps.NAME]` in config order, with
//! one summary at the end.

use retort_script::Script;

use crate::args::{CheckFormat, Command, OutputFormat, TextFormat, UpgradeArgs};
use crate::config::Config;
use crate::error::{CliError, EXIT_NO};

/// Whether `command` asks for every chain.
pub fn wants_all(command: &Command) -> bool {
    match command {
        Command::Upgrade(UpgradeArgs { migrate: a, .. }) | Command::Downgrade(a) => a.all,
        Command::Current { all, .. } | Command::Status { all, .. } | Command::Check { all, .. } => {
            *all
        }
        _ => false,
    }
}

fn label(c: &Config) -> String {
    match &c.app {
        None => "the main chain".to_owned(),
        Some(n) => format!("app `{n}`"),
    }
}

/// Runs `command` on each chain in turn. A chain that fails stops the run,
/// with what ran and what did not; `check` goes through every chain and
/// answers no (exit 1) when any of them differs.
pub fn run(config: &Config, command: Command) -> Result<(), CliError> {
    let json = matches!(
        command,
        Command::Status {
            format: OutputFormat::Json,
            ..
        } | Command::Check {
            format: CheckFormat::Json,
            ..
        } | Command::Current {
            format: TextFormat::Json,
            ..
        }
    );
    if json {
        return json_document(config, &command);
    }
    let is_check = matches!(command, Command::Check { .. });
    let sql = matches!(&command, Command::Upgrade(UpgradeArgs { migrate: a, .. }) | Command::Downgrade(a) if a.offline.sql);
    let data_header =
        matches!(command, Command::Current { .. } | Command::Status { .. }) || is_check;
    let chains = config.all_chains()?;
    let labels: Vec<String> = chains.iter().map(label).collect();
    let mut differing = Vec::new();
    for (i, c) in chains.iter().enumerate() {
        let header = format!("{} ({})", labels[i], c.version_table);
        if sql {
            outln!("-- {header}")?;
        } else if data_header {
            outln!("== {header} ==")?;
        } else {
            eprintln!("== {header} ==");
        }
        let result = Script::load(&c.script_location)
            .map_err(crate::script_error)
            .and_then(|script| crate::run_one(c, script, command.clone()));
        match result {
            Ok(()) => {}
            Err(e) if is_check && e.code == EXIT_NO => {
                eprintln!("{} {e}", crate::style::error_mark());
                differing.push(labels[i].clone());
            }
            Err(e) => {
                let ran = if i == 0 {
                    "none".to_owned()
                } else {
                    labels[..i].join(", ")
                };
                let not_run = if i + 1 == labels.len() {
                    "none".to_owned()
                } else {
                    labels[i + 1..].join(", ")
                };
                let message = format!(
                    "{}: {}\nstopped there: finished: {ran}; not run: {not_run}",
                    labels[i], e.message
                );
                return Err(CliError { message, ..e });
            }
        }
        if data_header && i + 1 < chains.len() {
            outln!()?;
        }
    }
    if differing.is_empty() {
        if !sql {
            eprintln!("All {} chain(s) done: {}", labels.len(), labels.join(", "));
        }
        Ok(())
    } else {
        Err(CliError::no(format!(
            "{} of {} chain(s) differ: {}",
            differing.len(),
            labels.len(),
            differing.join(", ")
        )))
    }
}

/// `status --all`, `current --all` and `check --all` with `--format json`:
/// one document, `{"chains": [{"chain", "app", "version_table",
/// "revisions" | "current" | "report"}]}`, in config order.
fn json_document(config: &Config, command: &Command) -> Result<(), CliError> {
    let mut chains = Vec::new();
    let mut differing = Vec::new();
    for c in config.all_chains()? {
        let script = Script::load(&c.script_location).map_err(crate::script_error)?;
        let mut entry = serde_json::json!({
            "chain": label(&c),
            "app": c.app,
            "version_table": c.version_table,
        });
        match command {
            Command::Check {
                offline, dialect, ..
            } => {
                let report = super::autogenerate::check_report(
                    &c,
                    script,
                    *offline,
                    *dialect,
                    Default::default(),
                )?;
                if !report.in_sync() {
                    differing.push(label(&c));
                }
                entry["report"] = report.to_json();
            }
            Command::Current { .. } => {
                entry["current"] = super::online::current_json(&c, script)?.into();
            }
            _ => entry["revisions"] = super::online::status_json(&c, script)?,
        }
        chains.push(entry);
    }
    let doc = if matches!(command, Command::Check { .. }) {
        serde_json::json!({ "in_sync": differing.is_empty(), "chains": chains })
    } else {
        serde_json::json!({ "chains": chains })
    };
    outln!("{}", serde_json::to_string_pretty(&doc).expect("json"))?;
    if differing.is_empty() {
        Ok(())
    } else {
        Err(CliError::no(format!(
            "{} chain(s) differ: {}",
            differing.len(),
            differing.join(", ")
        )))
    }
}
