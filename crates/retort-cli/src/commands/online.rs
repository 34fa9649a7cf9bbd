//! Commands that talk to a live database: upgrade (`--seed`), downgrade,
//! current, stamp, status, rollback, fresh, refresh.

use std::io::IsTerminal;
use std::time::Duration;

use retort_core::redact_url;
use retort_migrate::{MigrateError, Migrator, Progress, RunReport, Settings};
use retort_script::{Direction, Script};

use crate::args::{OutputFormat, RunArgs, TextFormat};
use crate::config::Config;
use crate::display;
use crate::error::CliError;

/// The database URL: `--url`, else the config's. A URL the drivers would
/// misread (a bad port or IPv6 host, an unescaped `/` in the password) is a
/// user error here, before anything connects.
pub fn url(config: &Config) -> Result<&str, CliError> {
    let url = config.url.as_deref().ok_or_else(|| {
        CliError::user("no database URL").hint("pass `--url URL` or set `url` in alembic.toml")
    })?;
    if let Some(problem) = retort_core::url_problem(url) {
        let (message, hint) = problem.split_once("\nhint: ").unwrap_or((&problem, ""));
        let e = CliError::user(message);
        return Err(if hint.is_empty() { e } else { e.hint(hint) });
    }
    Ok(url)
}

/// Runs a future on a runtime made for this one command.
pub fn block_on<T>(f: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

/// A runner error as the user sees it: database failures exit 3, the rest 2.
/// The runner names URLs only through `redact_url`; should the URL itself
/// appear in a message anyway, it is shown masked. No other text is touched
/// (replacing the password's text everywhere would mangle the message and,
/// for a short password, show where it occurs).
pub fn run_error(e: MigrateError, url: &str) -> CliError {
    let mut message = e.to_string();
    if !url.is_empty() && message.contains(url) {
        message = message.replace(url, &redact_url(url));
    }
    if e.is_database() {
        CliError::database(message)
    } else {
        CliError::user(message)
    }
}

pub fn migrator(config: &Config, script: Script, run: &RunArgs) -> Migrator {
    Migrator::new(
        script,
        Settings {
            version_table: config.version_table.clone(),
            transaction_per_migration: config.transaction_per_migration,
            lock_timeout: Duration::from_secs(run.lock_timeout.unwrap_or(config.lock_timeout)),
            allow_changed: run.allow_changed,
            safety: config.safety,
            sqlite_wal: config.sqlite_wal,
        },
    )
    .on_progress(print_progress)
}

/// A migrator for commands that only read (current, status, history -i).
pub(crate) fn reader(config: &Config, script: Script) -> Migrator {
    migrator(
        config,
        script,
        &RunArgs {
            allow_changed: false,
            lock_timeout: None,
        },
    )
}

/// One line per step on stderr, Alembic style; counters and times on long runs.
/// Each line is formatted first and written with one call: stderr is not
/// buffered, and a run of 10,000 revisions otherwise makes some 120,000
/// writes.
fn print_progress(p: &Progress<'_>) {
    use std::fmt::Write as _;
    let verb = if p.step.direction == Direction::Up {
        "upgrade"
    } else {
        "downgrade"
    };
    let counter = if p.total > 3 {
        format!("[{}/{}] ", p.index, p.total)
    } else {
        String::new()
    };
    let mut out = String::new();
    if let Some(r) = &p.retry {
        let _ = writeln!(
            out,
            "{counter}  lock timeout in `{}` (attempt {} of {}): {}; rolled back, retrying in {} ms",
            p.step.revision,
            r.attempt,
            r.attempts,
            r.reason,
            r.wait.as_millis()
        );
    } else {
        match p.finished {
            None => {
                let _ = writeln!(
                    out,
                    "{counter}Running {verb} {}, {}",
                    p.step.label,
                    p.step.message.lines().next().unwrap_or("")
                );
                for n in p.step.prechecks.notes.iter().chain(&p.step.notes) {
                    let _ = writeln!(out, "  note: {n}");
                }
            }
            Some(d) if p.total > 3 => {
                let _ = writeln!(out, "{counter}done in {} ms", d.as_millis());
            }
            Some(_) => {}
        }
    }
    if !out.is_empty() {
        eprint!("{out}");
    }
}

fn summarize(report: &RunReport) {
    if report.steps.is_empty() {
        eprintln!(
            "Nothing to do: the database is at {}",
            heads_text(&report.heads_before)
        );
    } else {
        eprintln!(
            "Done: {} revision(s) in batch {}; the database is at {}",
            report.steps.len(),
            report.batch.unwrap_or(0),
            heads_text(&report.heads_after)
        );
    }
}

fn heads_text(heads: &[String]) -> String {
    if heads.is_empty() {
        "base".into()
    } else {
        heads.join(", ")
    }
}

pub fn migrate(
    config: &Config,
    script: Script,
    target: &str,
    direction: Direction,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    let m = migrator(config, script, run);
    let report = block_on(async {
        match direction {
            Direction::Up => m.upgrade(url, target).await,
            Direction::Down => m.downgrade(url, target).await,
        }
    })
    .map_err(|e| run_error(e, url))?;
    summarize(&report);
    Ok(())
}

/// `upgrade --plan` / `downgrade --plan`: the run's plan printed, nothing run.
pub fn plan(
    config: &Config,
    script: Script,
    target: &str,
    direction: Direction,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    let m = migrator(config, script, run);
    let plan = block_on(async {
        match direction {
            Direction::Up => m.plan_upgrade(url, target).await,
            Direction::Down => m.plan_downgrade(url, target).await,
        }
    })
    .map_err(|e| run_error(e, url))?;
    crate::commands::migrate::print_plan(&plan)?;
    if plan.steps.is_empty() {
        eprintln!(
            "Nothing to do: the database is at {}",
            heads_text(&plan.heads_before)
        );
    } else {
        eprintln!(
            "Planned: {} revision(s) from {} to {}; nothing was run",
            plan.steps.len(),
            heads_text(&plan.heads_before),
            heads_text(&plan.heads_after)
        );
    }
    Ok(())
}

pub fn rollback(
    config: &Config,
    script: Script,
    steps: Option<usize>,
    run: &RunArgs,
) -> Result<(), CliError> {
    if steps == Some(0) {
        return Err(CliError::user("`--steps 0` rolls back nothing")
            .hint("give `--steps` a count of at least 1, or leave it out to undo the last batch"));
    }
    let url = url(config)?;
    let m = migrator(config, script, run);
    let report = block_on(m.rollback(url, steps)).map_err(|e| match e {
        // The log has no batch to undo: revisions stamped, or applied by
        // another tool, are undone with `downgrade`.
        MigrateError::Refused(m) if m.starts_with("nothing to roll back") => CliError::user(m)
            .hint("`rollback` undoes the batches retort's log recorded; for revisions stamped or applied by another tool, `retort downgrade -1` steps back from the current revision"),
        e => run_error(e, url),
    })?;
    summarize(&report);
    Ok(())
}

/// With `seed`, every seed file, checked against the schema at head (so a
/// bad one stops a command before it changes anything); else none.
fn seeds_checked_at_head(
    config: &Config,
    script: &Script,
    seed: bool,
) -> Result<Vec<retort_script::SeedFile>, CliError> {
    if !seed {
        return Ok(Vec::new());
    }
    let seeds = crate::commands::seed::select(config, &[])?;
    let dialect = crate::commands::migrate::dialect(config, None)?;
    crate::commands::seed::plan_at_head(script, &seeds, dialect)?;
    Ok(seeds)
}

pub fn fresh(
    config: &Config,
    script: Script,
    force: bool,
    seed: bool,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    // Check the seeds against head first: a bad one stops `fresh` before it
    // drops anything.
    let seeds = seeds_checked_at_head(config, &script, seed)?;
    if !force {
        return Err(CliError::user(format!(
            "`fresh` drops every table retort manages in `{}`, with their data",
            redact_url(url)
        ))
        .hint("run `retort fresh --force` if that is what you want"));
    }
    let m = migrator(config, script, run);
    let report = block_on(m.fresh(url)).map_err(|e| run_error(e, url))?;
    summarize(&report);
    if seed {
        let plan = block_on(m.seed(url, &seeds)).map_err(|e| run_error(e, url))?;
        crate::commands::seed::summarize(&plan);
    }
    Ok(())
}

/// `upgrade TARGET --seed`: the seeds are checked against the schema the
/// upgrade builds before anything runs; then the upgrade, then the seeds.
pub fn upgrade_seeded(
    config: &Config,
    script: Script,
    target: &str,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    let seeds = crate::commands::seed::select(config, &[])?;
    let dialect = crate::commands::migrate::dialect(config, None)?;
    let m = migrator(config, script, run);
    // The run's own plan (read without the lock) says where it ends.
    let plan = block_on(m.plan_upgrade(url, target)).map_err(|e| run_error(e, url))?;
    let at = format!(
        "the revision the upgrade reaches ({})",
        heads_text(&plan.heads_after)
    );
    crate::commands::seed::plan_at(m.script(), &seeds, &plan.heads_after, &at, dialect)?;
    let report = block_on(m.upgrade(url, target)).map_err(|e| run_error(e, url))?;
    summarize(&report);
    seed_after(&m, url, &seeds, "the upgrade", &report.heads_after)
}

/// Loads the seeds after `what` ran, saying so when they fail.
fn seed_after(
    m: &Migrator,
    url: &str,
    seeds: &[retort_script::SeedFile],
    what: &str,
    heads: &[String],
) -> Result<(), CliError> {
    let plan = block_on(m.seed(url, seeds)).map_err(|e| {
        run_error(e, url).hint(format!(
            "{what} itself finished: the database is at {}; no seed row was kept: fix the seed, then `retort seed` loads them",
            heads_text(heads)
        ))
    })?;
    crate::commands::seed::summarize(&plan);
    Ok(())
}

/// `refresh --force [--seed]`: `downgrade base`, then upgrade to every
/// head, then (`--seed`) the seeds.
pub fn refresh(
    config: &Config,
    script: Script,
    force: bool,
    seed: bool,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    // The seeds are checked against head first, as `fresh` does: a bad one
    // stops `refresh` before it undoes anything.
    let seeds = seeds_checked_at_head(config, &script, seed)?;
    if !force {
        return Err(CliError::user(format!(
            "`refresh` downgrades `{}` to base, running every applied revision's downgrade (the tables they built go, with their data), then upgrades to head{}",
            redact_url(url),
            if seed { " and loads the seeds" } else { "" }
        ))
        .hint(format!(
            "run `retort refresh --force{}` if that is what you want; `retort downgrade base --plan` shows what the downgrade runs",
            if seed { " --seed" } else { "" }
        )));
    }
    let m = migrator(config, script, run);
    // A downgrade refused (an irreversible step, a changed revision, a
    // recorded failure) is refused here, before anything runs.
    block_on(m.plan_downgrade(url, "base")).map_err(|e| run_error(e, url))?;
    let down = block_on(m.downgrade(url, "base")).map_err(|e| run_error(e, url))?;
    summarize(&down);
    let up = block_on(m.upgrade(url, "heads")).map_err(|e| {
        run_error(e, url).hint(
            "the downgrade to base finished; fix the cause, then `retort upgrade heads` finishes the refresh",
        )
    })?;
    summarize(&up);
    if seed {
        seed_after(&m, url, &seeds, "the refresh", &up.heads_after)?;
    }
    Ok(())
}

pub fn stamp(
    config: &Config,
    script: Script,
    revisions: &[String],
    purge: bool,
    run: &RunArgs,
) -> Result<(), CliError> {
    let url = url(config)?;
    let m = migrator(config, script, run);
    let report = block_on(m.stamp(url, revisions, purge)).map_err(|e| run_error(e, url))?;
    eprintln!(
        "Stamped: the database is at {}",
        heads_text(&report.heads_after)
    );
    Ok(())
}

/// With `--format json`: an array of the revisions the database is at, each
/// with `in_directory` (false, and nothing else but `revision`, for a row
/// naming no revision file).
pub fn current(
    config: &Config,
    script: Script,
    verbose: bool,
    format: TextFormat,
) -> Result<(), CliError> {
    if format == TextFormat::Json {
        return display::print_json(current_json(config, script)?);
    }
    let url = url(config)?;
    let m = reader(config, script);
    let heads = block_on(m.current(url)).map_err(|e| run_error(e, url))?;
    for id in &heads {
        match m.script().get(id) {
            Some(rev) if verbose => out!("{}", display::verbose(m.script(), rev, false))?,
            Some(rev) => outln!("{}{}", rev.id, display::status(m.script(), rev))?,
            None => outln!("{id} (not in the revision directory)")?,
        }
    }
    Ok(())
}

/// `current --format json`: the version rows, each with its revision's
/// fields when the directory has it.
pub fn current_json(config: &Config, script: Script) -> Result<Vec<serde_json::Value>, CliError> {
    let url = url(config)?;
    let m = reader(config, script);
    let heads = block_on(m.current(url)).map_err(|e| run_error(e, url))?;
    Ok(heads
        .iter()
        .map(|id| match m.script().get(id) {
            Some(rev) => {
                let mut v = display::json(m.script(), rev, false);
                v["in_directory"] = true.into();
                v
            }
            None => serde_json::json!({ "revision": id, "in_directory": false }),
        })
        .collect())
}

/// The version table's rows, for `history -i`.
pub fn current_heads(config: &Config, script: Script) -> Result<Vec<String>, CliError> {
    let url = url(config)?;
    let m = reader(config, script);
    block_on(m.current(url)).map_err(|e| run_error(e, url))
}

/// `status --format json`: one object per revision.
pub fn status_json(config: &Config, script: Script) -> Result<serde_json::Value, CliError> {
    let url = url(config)?;
    let m = reader(config, script);
    let rows = block_on(m.status(url)).map_err(|e| run_error(e, url))?;
    Ok(rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "revision": r.revision, "message": r.message, "ran": r.ran,
                "batch": r.batch, "applied_at": r.applied_at, "changed": r.changed,
                "baseline": r.baseline, "replaces": r.replaces, "replaced_by": r.replaced_by,
            })
        })
        .collect())
}

pub fn status(config: &Config, script: Script, format: OutputFormat) -> Result<(), CliError> {
    if format == OutputFormat::Json {
        let items = status_json(config, script)?;
        return outln!("{}", serde_json::to_string_pretty(&items).expect("json"));
    }
    let url = url(config)?;
    let m = reader(config, script);
    let rows = block_on(m.status(url)).map_err(|e| run_error(e, url))?;
    match format {
        OutputFormat::Json => unreachable!("printed above"),
        OutputFormat::Table => {
            let header = ["Ran?", "Revision", "Batch", "Applied at", "Message"];
            let body: Vec<[String; 5]> = rows
                .iter()
                .map(|r| {
                    [
                        if r.changed {
                            "Yes*".into()
                        } else if r.baseline && r.ran {
                            "Yes (baseline)".into()
                        } else if r.ran {
                            "Yes".into()
                        } else {
                            "No".into()
                        },
                        r.revision.clone(),
                        r.batch.map(|b| b.to_string()).unwrap_or_default(),
                        r.applied_at.clone().unwrap_or_default(),
                        {
                            let msg = r.message.lines().next().unwrap_or("");
                            match (&r.replaced_by, r.replaces.as_slice()) {
                                (Some(by), _) => format!("{msg} (replaced by {by})"),
                                (None, [first, .., last]) => format!(
                                    "{msg} (squashes {} revisions: {first}..{last})",
                                    r.replaces.len()
                                ),
                                _ => msg.to_owned(),
                            }
                        },
                    ]
                })
                .collect();
            let widths: Vec<usize> = (0..5)
                .map(|i| {
                    body.iter()
                        .map(|r| r[i].chars().count())
                        .chain([header[i].len()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: [&str; 5]| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_owned()
            };
            outln!("{}", line(header))?;
            for r in &body {
                outln!("{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]))?;
            }
            if rows.iter().any(|r| r.changed) {
                eprintln!("* changed since it was applied");
            }
            if std::io::stdout().is_terminal() && rows.is_empty() {
                eprintln!("(no revisions)");
            }
        }
    }
    Ok(())
}
