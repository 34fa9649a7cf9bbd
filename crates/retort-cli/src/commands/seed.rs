//! `seed [NAME ...] [--sql]`: load seed files into tables.

use retort_core::Dialect;
use retort_migrate::{SeedPlan, schema_at, seed_plan};
use retort_script::{Script, SeedFile, load_seeds};

use crate::args::{OfflineArgs, RunArgs};
use crate::commands::migrate::dialect;
use crate::commands::online::{block_on, migrator, run_error, url};
use crate::config::Config;
use crate::error::CliError;

/// The seed files `names` picks (every one when empty), in name order.
pub fn select(config: &Config, names: &[String]) -> Result<Vec<SeedFile>, CliError> {
    let dir = config.script_location.join("seeds");
    let all = load_seeds(&dir).map_err(crate::script_error)?;
    if all.is_empty() {
        return Err(
            CliError::user(format!("no seed files in `{}`", dir.display())).hint(format!(
                "write `{}/NAME.toml` with a `[[table]]` entry per row",
                dir.display()
            )),
        );
    }
    if names.is_empty() {
        return Ok(all);
    }
    let known = || {
        all.iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(missing) = names.iter().find(|n| !all.iter().any(|f| &&f.name == n)) {
        return Err(
            CliError::user(format!("no seed file `{missing}` in `{}`", dir.display()))
                .hint(format!("seed files there: {}", known())),
        );
    }
    Ok(all
        .iter()
        .filter(|f| names.contains(&f.name))
        .cloned()
        .collect())
}

pub fn run(
    config: &Config,
    script: Script,
    names: &[String],
    offline: &OfflineArgs,
    run: &RunArgs,
) -> Result<(), CliError> {
    let seeds = select(config, names)?;
    if offline.sql {
        let plan = plan_at_head(&script, &seeds, dialect(config, offline.dialect)?)?;
        return out!("{}", plan.to_script());
    }
    let url = url(config)?;
    let m = migrator(config, script, run);
    let plan = block_on(m.seed(url, &seeds)).map_err(|e| run_error(e, url))?;
    summarize(&plan);
    Ok(())
}

/// The seed statements against the schema the whole revision chain builds:
/// `seed --sql`, and the check `fresh --seed` makes before it drops anything.
pub fn plan_at_head(
    script: &Script,
    seeds: &[SeedFile],
    dialect: Dialect,
) -> Result<SeedPlan, CliError> {
    let heads: Vec<String> = script.heads().into_iter().map(str::to_owned).collect();
    let at = format!("head ({})", heads.join(", "));
    plan_at(script, seeds, &heads, &at, dialect)
}

/// The seed statements against the schema the revisions build up to
/// `heads` (`at` names them in messages): the check `upgrade --seed` makes
/// before it upgrades.
pub fn plan_at(
    script: &Script,
    seeds: &[SeedFile],
    heads: &[String],
    at: &str,
    dialect: Dialect,
) -> Result<SeedPlan, CliError> {
    let schema = schema_at(script, heads).map_err(|e| CliError::user(e.to_string()))?;
    seed_plan(&schema, seeds, dialect, at).map_err(|e| CliError::user(e.to_string()))
}

pub fn summarize(plan: &SeedPlan) {
    for t in &plan.tables {
        eprintln!(
            "Seeded {}: {} row(s) from {}",
            t.table,
            t.rows,
            t.file.display()
        );
    }
}
