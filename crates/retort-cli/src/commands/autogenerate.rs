//! `revision --autogenerate`, `check` and `baseline`: the library
//! (`retort-autogen`) compares models, revision chain and database; this
//! file asks the rename questions and prints.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use retort_autogen::Diff;
use retort_autogen::{
    Against, AutogenError, Chain, Comparison, DatabaseRead, ModelsRead, Project, Sources, compare,
    plan_baseline, read_sources_with, split, write_parts,
};
use retort_core::Dialect;
use retort_migrate::Migrator;
use retort_script::{NewRevision, Script, generate_revision};

use crate::args::{CheckFormat, Command, RevisionArgs};
use crate::config::Config;
use crate::error::CliError;

use super::online::{block_on, migrator, url};

/// The models as the entity sources describe them; warnings go to stderr.
pub(crate) fn read_models(config: &Config) -> Result<retort_entity::ModelSet, CliError> {
    if config.models.paths.is_empty() {
        return Err(
            CliError::user("no entity sources: `[models] paths` is empty")
                .hint("add `paths = [\"src/entity\"]` under `[models]` in alembic.toml"),
        );
    }
    let options = retort_entity::ReadOptions {
        types: config.models.types.clone(),
        exclude_tables: config.models.exclude_tables.clone(),
    };
    let read = retort_entity::read_models(&config.models.paths, &options)
        .map_err(|e| CliError::user(e.to_string()))?;
    for w in &read.warnings {
        crate::style::warn(w);
    }
    Ok(read)
}

/// What a comparing command reads before its revisions are loaded, so
/// that the reads overlap the loading: the chain's models, and online its
/// database's version rows and catalog (each on its own thread).
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    models: Option<ModelsRead>,
    database: Option<std::thread::JoinHandle<DatabaseRead>>,
}

/// Starts [`Ahead`] when `command` compares the models (`check`,
/// `revision --autogenerate`, `baseline`). Whatever cannot be started
/// (no URL, an unknown scheme) is left to the command, which reports it.
pub(crate) fn start_ahead(config: &Config, command: &Command) -> Ahead {
    let online = match command {
        Command::Revision(args) if args.autogenerate => !args.offline && args.dialect.is_none(),
        Command::Check {
            offline, dialect, ..
        } => !offline && dialect.is_none(),
        Command::Baseline { .. } => true,
        _ => return Ahead::default(),
    };
    let models = (!config.models.paths.is_empty()).then(|| {
        ModelsRead::start(
            config.models.paths.clone(),
            retort_entity::ReadOptions {
                types: config.models.types.clone(),
                exclude_tables: config.models.exclude_tables.clone(),
            },
        )
    });
    let database = online
        .then(|| {
            let url = url(config).ok()?.to_owned();
            Dialect::from_url(&url).ok()?;
            let chains = config.all_chains().ok()?;
            let index = chains.iter().position(|c| c.app == config.app)?;
            let version_tables: Vec<String> =
                chains.iter().map(|c| c.version_table.clone()).collect();
            let exclude = config.models.exclude_tables.clone();
            Some(std::thread::spawn(move || {
                block_on(DatabaseRead::read(&url, &version_tables, index, &exclude))
            }))
        })
        .flatten();
    Ahead { models, database }
}

/// Every chain of the config as the library sees them, and the index of
/// the one `config` is for. `script` is that chain's, already loaded.
pub(crate) fn project(config: &Config, script: Script) -> Result<(Project, usize), CliError> {
    let mut chains = Vec::new();
    let mut index = 0;
    let mut own = Some(script);
    for c in config.all_chains()? {
        let script = match own.take_if(|_| c.app == config.app) {
            Some(s) => {
                index = chains.len();
                s
            }
            None => load_other(&c.script_location)?,
        };
        chains.push(Chain {
            name: c.app.clone(),
            script,
            version_table: c.version_table.clone(),
            model_paths: c.models.paths.clone(),
            exclude_tables: c.models.exclude_tables.clone(),
            models: None,
        });
    }
    let project = Project {
        chains,
        types: config.models.types.clone(),
    };
    Ok((project, index))
}

/// Another chain's revisions: a folder not made yet is an empty chain.
fn load_other(location: &Path) -> Result<Script, CliError> {
    if !location.join("versions").is_dir() {
        return Script::from_revisions(location.to_path_buf(), Vec::new())
            .map_err(crate::script_error);
    }
    Script::load(location).map_err(crate::script_error)
}

pub(crate) fn autogen_error(e: AutogenError) -> CliError {
    let hint = e.hint();
    let mut err = if e.is_database() {
        CliError::database(e.to_string())
    } else {
        CliError::user(e.to_string())
    };
    if let Some(h) = hint {
        err = err.hint(h);
    }
    err
}

/// Reads the three schemas of `config`'s chain, online or (`offline`) the
/// chain alone, for `dialect` or the URL's.
/// Also gives the chain's script back (it is large for a big schema: it
/// is moved, not copied).
fn sources(
    config: &Config,
    script: Script,
    offline: bool,
    dialect: Option<Dialect>,
    ahead: Ahead,
) -> Result<(Sources, Script), CliError> {
    let (mut project, index) = project(config, script)?;
    let against = if offline {
        Against::Chain(dialect.or_else(|| {
            config
                .url
                .as_deref()
                .and_then(|u| Dialect::from_url(u).ok())
        }))
    } else {
        if dialect.is_some() {
            return Err(CliError::user("`--dialect` goes with `--offline`")
                .hint("a live comparison uses the dialect of the URL"));
        }
        let url = url(config)?;
        Dialect::from_url(url).map_err(|e| {
            CliError::user(format!(
                "cannot tell the dialect of `{}`: {e}",
                retort_core::redact_url(url)
            ))
        })?;
        Against::Database(url)
    };
    let sources = block_on(read_sources_with(
        &project,
        index,
        against,
        ahead.models,
        ahead.database,
    ))
    .map_err(autogen_error)?;
    for w in &sources.warnings {
        crate::style::warn(w);
    }
    Ok((sources, project.chains.swap_remove(index).script))
}

/// Asks a yes/no question on the terminal; no is the default.
fn ask(question: &str) -> std::io::Result<bool> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

fn print_changes(diff: &Diff) {
    for c in &diff.changes {
        let mark = if c.destructive {
            crate::style::destructive_mark(crate::style::Stream::Stderr)
        } else {
            String::new()
        };
        eprintln!("  {}{mark}", c.description);
    }
    for w in &diff.warnings {
        crate::style::warn(w);
    }
}

/// The destructive changes, as comment lines for the top of a revision.
fn destructive_header(diff: &Diff) -> Vec<String> {
    let destructive: Vec<String> = diff
        .changes
        .iter()
        .filter(|c| c.destructive)
        .map(|c| format!("  {}", c.description))
        .collect();
    if destructive.is_empty() {
        return Vec::new();
    }
    let mut lines = vec!["destructive: this revision can lose data:".to_owned()];
    lines.extend(destructive);
    lines
}

/// `revision --autogenerate`: the new revision's id on stdout.
pub fn revision(
    config: &Config,
    script: Script,
    args: RevisionArgs,
    ahead: Ahead,
) -> Result<(), CliError> {
    match generate(config, script, args, ahead)? {
        Some(new) => {
            for rev in &new.revisions {
                outln!("{}", rev.id)?;
            }
            Ok(())
        }
        None => Ok(()),
    }
}

/// The revisions `generate` wrote: one, or a chain of parts when the
/// change creates more than `max_tables_per_revision` tables.
pub(crate) struct Generated {
    pub revisions: Vec<retort_script::Revision>,
    /// How many of their lint findings are errors.
    pub lint_errors: usize,
}

/// Autogenerates and writes a revision, printing on stderr its changes,
/// its file and its lint findings; `None` (said on stderr) when the
/// models match.
pub(crate) fn generate(
    config: &Config,
    script: Script,
    args: RevisionArgs,
    ahead: Ahead,
) -> Result<Option<Generated>, CliError> {
    let (sources, script) = sources(config, script, args.offline, args.dialect, ahead)?;
    let script = &script;
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut answer = ask;
    let asker: retort_autogen::Ask<'_> = if terminal { Some(&mut answer) } else { None };
    let options = retort_autogen::AutogenOptions {
        safe: config.autogenerate_safe,
    };
    let planned = match retort_autogen::autogenerate_with(&sources, &args.renames, asker, &options)
    {
        Ok(p) => p,
        Err(AutogenError::Drifted(report)) => {
            print_report(&report, crate::style::Stream::Stderr)?;
            return Err(CliError::user(format!(
                "the database differs from what the revision chain builds, so a revision made now would not apply to it ({})",
                sources.chain_label
            ))
            .hint("run `retort baseline -m MESSAGE` to record those changes as a revision first, or compare with the chain alone: `retort revision --autogenerate --offline`"));
        }
        Err(e) => return Err(autogen_error(e)),
    };
    for n in &planned.notes {
        eprintln!("{n}");
    }
    let diff = planned.diff;
    if diff.is_empty() {
        for w in &diff.warnings {
            crate::style::warn(w);
        }
        eprintln!("no changes: the models match the {}", source(args.offline));
        return Ok(None);
    }
    eprintln!("Detected {} change(s):", diff.changes.len());
    print_changes(&diff);
    let parts =
        split(&sources.chain, &diff, config.max_tables_per_revision).map_err(autogen_error)?;
    if parts.len() > 1 {
        eprintln!(
            "Writing {} revisions of at most {} new tables each (`max_tables_per_revision`), so that each fits PostgreSQL's lock table",
            parts.len(),
            config.max_tables_per_revision
        );
    }
    let new = NewRevision {
        header_comments: destructive_header(&diff),
        message: args.message.unwrap_or_default(),
        head: args.head,
        splice: args.splice,
        branch_labels: args.branch_label,
        depends_on: args.depends_on,
        rev_id: args.rev_id,
        file_template: Some(config.file_template.clone()),
        ..NewRevision::default()
    };
    let revisions = write_parts(script, new, parts).map_err(autogen_error)?;
    let mut lint_errors = 0;
    // Each part is linted on the schema the parts before it build: one
    // replay across them, from the chain's schema.
    let mut before = retort_core::Replay::new(sources.chain.clone());
    for rev in &revisions {
        eprintln!("Generating {} ... done", rev.path.display());
        // What `retort lint` would say of it, before anyone runs it.
        lint_errors += super::lint::report_new_revision(config, &mut before, rev, sources.dialect)?;
    }
    Ok(Some(Generated {
        revisions,
        lint_errors,
    }))
}

fn source(offline: bool) -> &'static str {
    if offline {
        "revision chain"
    } else {
        "database"
    }
}

/// The labelled report: each differing pair with its changes, the DDL diff
/// and the command that resolves it; then the notes.
fn print_report(report: &Comparison, stream: crate::style::Stream) -> Result<(), CliError> {
    let mark = crate::style::destructive_mark(stream);
    let text = report.report_styled(&retort_autogen::ReportStyle {
        destructive: &mark,
        diff: &crate::style::diff,
    });
    match stream {
        crate::style::Stream::Stdout => out!("{text}")?,
        crate::style::Stream::Stderr => eprint!("{text}"),
    }
    Ok(())
}

/// `check`: exit 0 when models, revisions and database agree, exit 1 with
/// the labelled differences otherwise.
pub fn check(
    config: &Config,
    script: Script,
    offline: bool,
    format: CheckFormat,
    dialect: Option<Dialect>,
    ahead: Ahead,
) -> Result<(), CliError> {
    let (report, read) = compared(config, script, offline, dialect, ahead)?;
    // The process ends with this command: what it read (whole schemas and
    // the revisions, built on other threads) is left to the exit rather
    // than freed piece by piece, which at 1,000 tables cost the last
    // 5-7 ms of `check`.
    std::mem::forget(read);
    match format {
        CheckFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).expect("json of a report")
        )?,
        CheckFormat::Diff => print_report(&report, crate::style::Stream::Stdout)?,
    }
    for w in report.diff_warnings() {
        crate::style::warn(w);
    }
    if report.in_sync() {
        eprintln!(
            "No changes: the models match the {}{}",
            source(offline),
            if offline {
                ""
            } else {
                " and the revision chain"
            }
        );
        return Ok(());
    }
    let pairs: Vec<&str> = report.differing().map(|p| p.pair.key()).collect();
    let what = if pairs.is_empty() {
        "the database is behind the revisions".to_owned()
    } else {
        format!("differences in {}", pairs.join(", "))
    };
    Err(CliError::no(format!("{}: {what}", report.chain_label))
        .hint(report.hints().join("\nhint: ")))
}

/// The comparison `check` prints, for `check --all --format json` too.
pub(crate) fn check_report(
    config: &Config,
    script: Script,
    offline: bool,
    dialect: Option<Dialect>,
    ahead: Ahead,
) -> Result<Comparison, CliError> {
    Ok(compared(config, script, offline, dialect, ahead)?.0)
}

/// [`check_report`], and what it was made from.
fn compared(
    config: &Config,
    script: Script,
    offline: bool,
    dialect: Option<Dialect>,
    ahead: Ahead,
) -> Result<(Comparison, (Sources, Script)), CliError> {
    let read = sources(config, script, offline, dialect, ahead)?;
    Ok((compare(&read.0), read))
}

/// `baseline -m MSG`: writes what the database has and the chain does not
/// build as a revision, and records it as applied without running it.
pub fn baseline(
    config: &Config,
    script: Script,
    message: Option<String>,
    rev_id: Option<String>,
    ahead: Ahead,
) -> Result<(), CliError> {
    let (sources, script) = sources(config, script, false, None, ahead)?;
    let script = &script;
    let plan = plan_baseline(&sources).map_err(autogen_error)?;
    for n in &plan.notes {
        eprintln!("{n}");
    }
    if plan.nothing_to_do(&sources.heads) {
        eprintln!(
            "Nothing to adopt: the database matches the revision chain ({})",
            sources.chain_label
        );
        return Ok(());
    }
    let url = url(config)?;
    let id = if plan.diff.is_empty() {
        // Only the version rows are off: the database already has what the
        // chain builds.
        let head = plan.parent.clone().ok_or_else(|| {
            CliError::user("the database has no tables of this chain and the chain no revisions")
                .hint("there is nothing to adopt; write entities and run `retort revision --autogenerate`")
        })?;
        eprintln!(
            "The database already has what the revisions build: recording {head} as its baseline"
        );
        head
    } else {
        eprintln!(
            "Adopting {} change(s) no revision records:",
            plan.diff.changes.len()
        );
        print_changes(&plan.diff);
        let mut header = vec![format!(
            "baseline: what {} had and no revision recorded; recorded as applied there by `retort baseline`, and run on every new database",
            sources
                .database
                .as_ref()
                .map_or("the database", |d| d.url.as_str())
        )];
        header.extend(destructive_header(&plan.diff));
        let new = NewRevision {
            header_comments: header,
            message: message.unwrap_or_else(|| "baseline".to_owned()),
            head: Some(plan.parent.clone().unwrap_or_else(|| "base".to_owned())),
            rev_id,
            upgrade: plan.diff.upgrade.clone(),
            downgrade: plan.diff.downgrade.clone(),
            file_template: Some(config.file_template.clone()),
            ..NewRevision::default()
        };
        let rev = generate_revision(script, new).map_err(crate::script_error)?;
        eprintln!("Generating {} ... done", rev.path.display());
        rev.id
    };
    let script = Script::load(&config.script_location).map_err(crate::script_error)?;
    let m: Migrator = migrator(
        config,
        script,
        &crate::args::RunArgs {
            allow_changed: false,
            lock_timeout: None,
        },
    );
    let report = block_on(m.baseline(url, &id, &plan.rows))
        .map_err(|e| super::online::run_error(e, url))
        .map_err(|e| {
            let hint = format!("the revision file is written but not recorded: fix the cause, then `retort stamp {id}`");
            e.hint(hint)
        })?;
    if !plan.replaced.is_empty() {
        eprintln!(
            "Replaced version rows of another tool: {}",
            plan.replaced.join(", ")
        );
    }
    eprintln!(
        "Baseline recorded: the database is at {} (marked applied, nothing ran)",
        report.heads_after.join(", ")
    );
    outln!("{id}")
}
