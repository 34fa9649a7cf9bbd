//! `upgrade`, `downgrade`, `stamp`.

use retort_core::Dialect;
use retort_migrate::{PlanOptions, SqlPlan, build_plan, stamp_plan};
use retort_script::{Direction, Plan, Script, Step};

use crate::args::{MigrateArgs, OfflineArgs, RunArgs};
use crate::config::Config;
use crate::error::CliError;

/// The dialect of an offline script: `--dialect`, else the URL's.
pub fn dialect(config: &Config, explicit: Option<Dialect>) -> Result<Dialect, CliError> {
    if let Some(d) = explicit {
        return Ok(d);
    }
    match &config.url {
        Some(url) => Dialect::from_url(url).map_err(|e| {
            CliError::user(format!(
                "cannot tell the dialect of `{}`: {e}",
                retort_core::redact_url(url)
            ))
            .hint("pass `--dialect postgres|mysql|sqlite`")
        }),
        None => Err(CliError::user("no database URL and no `--dialect`").hint(
            "pass `--dialect postgres|mysql|sqlite`, `--url URL`, or set `url` in alembic.toml",
        )),
    }
}

fn options(config: &Config, offline: &OfflineArgs) -> Result<PlanOptions, CliError> {
    Ok(PlanOptions {
        dialect: dialect(config, offline.dialect)?,
        version_table: config.version_table.clone(),
        transaction_per_migration: config.transaction_per_migration,
        safety: config.safety,
    })
}

/// `upgrade` / `downgrade`: a run, `--plan`, or the `--sql` script;
/// `seed` (`upgrade --seed`, which clap keeps apart from `--sql` and
/// `--plan`) loads the seeds after the run.
pub fn run(
    config: &Config,
    script: Script,
    args: MigrateArgs,
    direction: Direction,
    seed: bool,
) -> Result<(), CliError> {
    if !args.offline.sql {
        if args.offline.dialect.is_some() {
            return Err(CliError::user("`--dialect` goes with `--sql`")
                .hint("add `--sql` to print the script instead of running it"));
        }
        if args.plan {
            return super::online::plan(config, script, &args.target, direction, &args.run);
        }
        if seed {
            return super::online::upgrade_seeded(config, script, &args.target, &args.run);
        }
        return super::online::migrate(config, script, &args.target, direction, &args.run);
    }
    let script = &script;
    let options = options(config, &args.offline)?;
    let plan = script
        .offline_plan(direction, &args.target)
        .map_err(|e| CliError::user(e.to_string()))?;
    let sql = build_plan(script, &plan, &options).map_err(crate::migrate_error)?;
    out!("{}", sql.to_script())?;
    Ok(())
}

pub fn stamp(
    config: &Config,
    script: Script,
    revisions: &[String],
    offline: &OfflineArgs,
    purge: bool,
    run: &RunArgs,
) -> Result<(), CliError> {
    if !offline.sql {
        return super::online::stamp(config, script, revisions, purge, run);
    }
    let script = &script;
    let options = options(config, offline)?;
    let mut ids = Vec::new();
    for spec in revisions {
        for rev in script
            .resolve(spec)
            .map_err(|e| CliError::user(e.to_string()))?
        {
            ids.push(rev.id.clone());
        }
    }
    // Offline there is no version table to read: stamping starts from empty.
    let plan = stamp_plan(&[], &ids, purge, &options);
    out!("{}", plan.to_script())?;
    Ok(())
}

/// A plan as SQL: a comment naming each revision, then its statements (the
/// version-table ones included); no transaction statements.
pub fn print_plan(plan: &SqlPlan) -> Result<(), CliError> {
    for step in &plan.steps {
        let verb = match step.direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        outln!(
            "-- {verb} {}: {}",
            step.label,
            step.message.lines().next().unwrap_or("")
        )?;
        for s in step.all_statements() {
            let sql = s.as_str().trim_end();
            let end = if sql.ends_with(';') { "" } else { ";" };
            outln!("{sql}{end}")?;
        }
        outln!()?;
    }
    Ok(())
}

/// `show REV --sql`: the SQL of one revision's upgrade, rendered against the
/// schema its parents and dependencies build (Django's `sqlmigrate`).
pub fn show_sql(
    config: &Config,
    script: &Script,
    spec: &str,
    explicit: Option<Dialect>,
) -> Result<(), CliError> {
    let options = PlanOptions {
        dialect: dialect(config, explicit)?,
        version_table: config.version_table.clone(),
        transaction_per_migration: config.transaction_per_migration,
        safety: config.safety,
    };
    let user = |e: retort_script::TargetError| CliError::user(e.to_string());
    let rev = script.resolve_one(spec).map_err(user)?;
    let mut before = rev.down_revisions.clone();
    for dep in &rev.depends_on {
        before.extend(
            script
                .resolve(dep)
                .map_err(user)?
                .iter()
                .map(|r| r.id.clone()),
        );
    }
    let plan = Plan {
        direction: Direction::Up,
        heads_before: before,
        steps: vec![Step {
            revision: rev.id.clone(),
            direction: Direction::Up,
            version: Vec::new(),
        }],
        heads_after: vec![rev.id.clone()],
    };
    let sql = build_plan(script, &plan, &options).map_err(crate::migrate_error)?;
    print_plan(&sql)
}
