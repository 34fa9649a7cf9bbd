//! `revision --autogenerate` and `check`: the models compared with the
//! database, or with the schema the revision chain builds (`--offline`).

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};

use retort_core::{Dialect, Operation, Schema, redact_url};
use retort_diff::{ColumnRename, Diff, DiffOptions, Rename, TableRename};
use retort_migrate::{Migrator, Settings, log_table_name};
use retort_script::{NewRevision, Script, generate_revision};

use crate::args::{CheckFormat, RevisionArgs};
use crate::config::Config;
use crate::error::CliError;

use super::online::{block_on, run_error, url};

/// The two sides of a comparison, each mapped to what the dialect stores,
/// and as read.
struct Sides {
    /// The database's schema, or the chain's.
    current: Schema,
    /// The models'.
    models: Schema,
    raw_models: Schema,
    /// What the revision chain builds: the schema a new revision's
    /// operations are rendered against.
    chain: Schema,
    offline: bool,
    dialect: Option<Dialect>,
    /// `#[sea_orm(renamed_from = "...")]` in the entities.
    renamed_from: Vec<ColumnRename>,
}

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

/// The live schema, without the version tables and `[models] exclude_tables`.
pub fn read_db(config: &Config) -> Result<(Schema, Dialect), CliError> {
    let url = url(config)?;
    let dialect = Dialect::from_url(url).map_err(|e| {
        CliError::user(format!(
            "cannot tell the dialect of `{}`: {e}",
            redact_url(url)
        ))
    })?;
    let options = retort_catalog::ReadOptions::default()
        .version_table(config.version_table.clone())
        .version_log_table(log_table_name(&config.version_table))
        .exclude_tables(config.models.exclude_tables.clone());
    let read = block_on(retort_catalog::read_schema(url, &options))
        .map_err(|e| CliError::database(e.to_string()))?;
    for w in &read.warnings {
        crate::style::warn(w);
    }
    Ok((read.schema, dialect))
}

/// Refuses when the database's version rows are not the chain's heads, as
/// Alembic does: a diff against an old schema would repeat earlier revisions.
fn require_at_head(config: &Config, script: &Script) -> Result<(), CliError> {
    let url = url(config)?;
    let migrator = Migrator::new(
        script.clone(),
        Settings {
            version_table: config.version_table.clone(),
            ..Settings::default()
        },
    );
    let current: BTreeSet<String> = block_on(migrator.current(url))
        .map_err(|e| run_error(e, url))?
        .into_iter()
        .collect();
    let heads: BTreeSet<String> = script.heads().iter().map(|h| (*h).to_owned()).collect();
    if current != heads {
        let shown = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "base".to_owned()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        };
        return Err(CliError::user(format!(
            "Target database is not up to date: it is at {}, the revisions end at {}",
            shown(&current),
            shown(&heads)
        ))
        .hint("run `retort upgrade head` first, or compare with the chain: `--offline`"));
    }
    Ok(())
}

fn sides(
    config: &Config,
    script: &Script,
    offline: bool,
    dialect: Option<Dialect>,
) -> Result<Sides, CliError> {
    // The entities are read on a second thread while the chain and the
    // database are: the two reads take about as long as each other.
    let (models, current) = std::thread::scope(|scope| {
        let models = scope.spawn(|| read_models(config));
        let current = (|| -> Result<_, CliError> {
            let heads: Vec<String> = script.heads().iter().map(|h| (*h).to_owned()).collect();
            let chain = retort_migrate::schema_at(script, &heads).map_err(crate::migrate_error)?;
            let (current, dialect) = if offline {
                let schema = chain.clone();
                let dialect = match dialect {
                    Some(d) => Some(d),
                    None => config
                        .url
                        .as_deref()
                        .and_then(|u| Dialect::from_url(u).ok()),
                };
                (schema, dialect)
            } else {
                if dialect.is_some() {
                    return Err(CliError::user("`--dialect` goes with `--offline`")
                        .hint("a live comparison uses the dialect of the URL"));
                }
                require_at_head(config, script)?;
                let (schema, d) = read_db(config)?;
                (schema, Some(d))
            };
            Ok((chain, current, dialect))
        })();
        (models.join().expect("the entity reader thread"), current)
    });
    let models = models?;
    let (chain, current, dialect) = current?;
    let normalize = |s: &Schema| match dialect {
        Some(d) => retort_catalog::normalize_for(d, s),
        None => s.clone(),
    };
    Ok(Sides {
        current: normalize(&current),
        models: normalize(&models.schema),
        raw_models: models.schema.clone(),
        chain,
        offline,
        dialect,
        renamed_from: models
            .renamed_from
            .iter()
            .map(|r| ColumnRename::new(&r.table, &r.from, &r.to))
            .collect(),
    })
}

/// Tables and columns known to be renamed.
#[derive(Default)]
struct Renames {
    tables: Vec<TableRename>,
    columns: Vec<ColumnRename>,
}

/// Asks a yes/no question on the terminal; no is the default.
fn ask(question: &str) -> Result<bool, CliError> {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::user(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Renames from `--rename`, `renamed_from` and, on a terminal, answers:
/// tables first, then columns (named by their table's new name).
fn renames(sides: &Sides, given: &[String]) -> Result<Renames, CliError> {
    let mut out = Renames::default();
    let parsed = given
        .iter()
        .map(|text| text.parse::<Rename>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::user(e.to_string()))?;
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let (current, models) = (&sides.current, &sides.models);
    for r in &parsed {
        let Rename::Table(r) = r else { continue };
        let only_db = |t: &str| current.table(t).is_some() && models.table(t).is_none();
        let only_models = |t: &str| models.table(t).is_some() && current.table(t).is_none();
        if !only_db(&r.from) || !only_models(&r.to) {
            return Err(CliError::user(format!(
                "`--rename {r}` does not match: table `{}` must exist only in the database and `{}` only in the models",
                r.from, r.to
            )));
        }
        out.tables.push(r.clone());
    }
    if terminal {
        let options = DiffOptions::default().table_renames(out.tables.clone());
        for c in retort_diff::table_rename_candidates(current, models, &options) {
            let taken = out.tables.iter().any(|r| r.from == c.from || r.to == c.to);
            if !taken && ask(&format!("Did you rename table `{}` to `{}`?", c.from, c.to))? {
                out.tables.push(c);
            }
        }
    }
    // Columns compare against the database with its tables renamed.
    let mut current = current.clone();
    for r in &out.tables {
        let op = Operation::RenameTable {
            table: r.from.clone(),
            new_name: r.to.clone(),
        };
        retort_core::apply(&mut current, &op).map_err(|e| CliError::user(e.to_string()))?;
    }
    let current = &current;
    for r in &parsed {
        let Rename::Column(r) = r else { continue };
        let dropped = current
            .table(&r.table)
            .is_some_and(|t| t.column(&r.from).is_some())
            && models
                .table(&r.table)
                .is_some_and(|t| t.column(&r.from).is_none());
        let added = models
            .table(&r.table)
            .is_some_and(|t| t.column(&r.to).is_some())
            && current
                .table(&r.table)
                .is_some_and(|t| t.column(&r.to).is_none());
        if !dropped || !added {
            return Err(CliError::user(format!(
                "`--rename {r}` does not match: `{t}.{}` must exist only in the database and `{t}.{}` only in the models",
                r.from,
                r.to,
                t = r.table
            )));
        }
        out.columns.push(r.clone());
    }
    for r in &sides.renamed_from {
        let applies = current
            .table(&r.table)
            .zip(models.table(&r.table))
            .is_some_and(|(a, b)| {
                a.column(&r.from).is_some()
                    && a.column(&r.to).is_none()
                    && b.column(&r.from).is_none()
            });
        if applies
            && !out
                .columns
                .iter()
                .any(|x| x.table == r.table && x.from == r.from)
        {
            eprintln!(
                "using `renamed_from`: `{}.{}` is now `{}`",
                r.table, r.from, r.to
            );
            out.columns.push(r.clone());
        }
    }
    if terminal {
        let options = DiffOptions::default().renames(out.columns.clone());
        for c in retort_diff::rename_candidates(current, models, &options) {
            let taken = out
                .columns
                .iter()
                .any(|r| r.table == c.table && (r.from == c.from || r.to == c.to));
            if !taken
                && ask(&format!(
                    "Did you rename `{t}.{}` to `{t}.{}`?",
                    c.from,
                    c.to,
                    t = c.table
                ))?
            {
                out.columns.push(c);
            }
        }
    }
    Ok(out)
}

fn compare(sides: &Sides, renames: Renames) -> Result<Diff, CliError> {
    let options = DiffOptions::for_dialect(sides.dialect)
        .table_renames(renames.tables)
        .renames(renames.columns);
    let mut diff = retort_diff::diff(&sides.current, &sides.models, &options);
    let internal = |e: retort_diff::VerifyError| {
        CliError::user(format!("internal error: the planned operations do not replay: {e}"))
            .hint("please report this with the output of `retort inspect models --format json` and `retort inspect db --format json`")
    };
    if diff.upgrade.is_empty() && diff.downgrade.is_empty() {
        // Nothing to replay: the check below could only re-diff equal schemas.
        return Ok(diff);
    }
    retort_diff::verify(&sides.current, &sides.models, &diff, &options).map_err(internal)?;
    diff.respell(
        &sides.current,
        &sides.chain,
        &sides.models,
        &sides.raw_models,
    );
    let normalize = |s: &Schema| match sides.dialect {
        Some(d) => retort_catalog::normalize_for(d, s),
        None => s.clone(),
    };
    let on_chain = retort_diff::verify_on(
        &sides.chain,
        &sides.current,
        &sides.models,
        &diff,
        &options,
        &normalize,
    );
    match on_chain {
        Ok(()) => Ok(diff),
        Err(e) if sides.offline => Err(internal(e)),
        Err(e) => Err(CliError::user(format!(
            "the database differs from what the revision chain builds, so a revision of these changes would not apply: {e}"
        ))
        .hint("compare `retort check --offline` with `retort check`, and bring the database back to what the revisions build")),
    }
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

/// `revision --autogenerate`.
pub fn revision(config: &Config, script: &Script, args: RevisionArgs) -> Result<(), CliError> {
    let sides = sides(config, script, args.offline, args.dialect)?;
    let renames = renames(&sides, &args.renames)?;
    let diff = compare(&sides, renames)?;
    if diff.is_empty() {
        for w in &diff.warnings {
            crate::style::warn(w);
        }
        eprintln!("no changes: the models match the {}", source(args.offline));
        return Ok(());
    }
    eprintln!("Detected {} change(s):", diff.changes.len());
    print_changes(&diff);
    let destructive: Vec<String> = diff
        .changes
        .iter()
        .filter(|c| c.destructive)
        .map(|c| format!("  {}", c.description))
        .collect();
    let header_comments = if destructive.is_empty() {
        Vec::new()
    } else {
        let mut lines = vec!["destructive: this revision can lose data:".to_owned()];
        lines.extend(destructive);
        lines
    };
    let new = NewRevision {
        header_comments,
        message: args.message.unwrap_or_default(),
        head: args.head,
        splice: args.splice,
        branch_labels: args.branch_label,
        depends_on: args.depends_on,
        rev_id: args.rev_id,
        upgrade: diff.upgrade,
        downgrade: diff.downgrade,
        file_template: Some(config.file_template.clone()),
        ..NewRevision::default()
    };
    let rev = generate_revision(script, new).map_err(crate::script_error)?;
    super::revision::announce(&rev)
}

fn source(offline: bool) -> &'static str {
    if offline {
        "revision chain"
    } else {
        "database"
    }
}

/// `check`: exit 0 in sync, exit 1 with a diff otherwise.
pub fn check(
    config: &Config,
    script: &Script,
    offline: bool,
    format: CheckFormat,
    dialect: Option<Dialect>,
) -> Result<(), CliError> {
    let sides = sides(config, script, offline, dialect)?;
    let diff = compare(&sides, Renames::default())?;
    match format {
        CheckFormat::Json => {
            let value = serde_json::json!({
                "in_sync": diff.is_empty(),
                "source": source(offline),
                "dialect": sides.dialect.map(|d| d.name()),
                "changes": diff.changes,
                "warnings": diff.warnings,
                "upgrade": diff.upgrade,
                "downgrade": diff.downgrade,
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&value).expect("json of a diff")
            )?;
        }
        CheckFormat::Diff if !diff.is_empty() => {
            let d = sides.dialect.unwrap_or(Dialect::Postgres);
            let ddl = |s: &Schema| -> Result<String, CliError> {
                let statements =
                    retort_sql::render_schema(s, d).map_err(|e| CliError::user(e.to_string()))?;
                Ok(statements
                    .iter()
                    .map(|s| format!("{};\n", s.as_str().trim_end().trim_end_matches(';')))
                    .collect())
            };
            let (old, new) = (ddl(&sides.current)?, ddl(&sides.models)?);
            let text = similar::TextDiff::from_lines(&old, &new)
                .unified_diff()
                .context_radius(3)
                .header(source(offline), "models")
                .to_string();
            out!("{}", crate::style::diff(&text))?;
        }
        CheckFormat::Diff => {}
    }
    if diff.is_empty() {
        for w in &diff.warnings {
            crate::style::warn(w);
        }
        eprintln!("No changes: the models match the {}", source(offline));
        return Ok(());
    }
    eprintln!("{} difference(s):", diff.changes.len());
    print_changes(&diff);
    Err(
        CliError::no(format!("the models differ from the {}", source(offline)))
            .hint("run `retort revision --autogenerate -m MESSAGE` to write a revision"),
    )
}
