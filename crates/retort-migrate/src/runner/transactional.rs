//! PostgreSQL and SQLite: a revision, its version-table statements and its
//! log row commit together, or nothing of it does.
//!
//! A PostgreSQL revision with statements that cannot share its transaction
//! ([`crate::SqlStep::after_commit`]: `CREATE INDEX CONCURRENTLY`,
//! `VALIDATE CONSTRAINT`) runs in three parts: its transaction, which also
//! writes a `running` log row; those statements one at a time, the log row
//! naming each before it runs; then the version-table statements and the
//! finished log row in a transaction of their own. A failure or a crash in
//! the middle part leaves the row `failed` or `running`, so the next run
//! names the statement and any index PostgreSQL left INVALID, and resumes
//! there once the index is gone.
//!
//! A SQLite revision takes two round trips when nothing fails: `BEGIN
//! IMMEDIATE` and its statements, then its version and log rows and
//! `COMMIT`. When something fails it is rolled back and run again one
//! statement at a time, to name the statement and undo it as before.

use retort_core::Dialect;
use retort_sql::{
    Sql, TimeoutScope, pg_invalid_indexes, sqlite_foreign_key_check, timeout_reset,
    timeout_settings,
};

use super::StepRun;
use crate::error::{AfterCommitFailure, StepFailure, Timeout, db_message};
use crate::state::{BEGIN, COMMIT, DONE, FAILED, ROLLBACK, State, db_err};
use crate::{MigrateError, connection::Conn};

/// How a transaction starts. SQLite takes its write lock at once
/// (`IMMEDIATE`), so a revision never fails halfway for want of it.
pub(crate) fn begin(dialect: Dialect) -> &'static str {
    if dialect == Dialect::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        BEGIN
    }
}

/// The first failing statement: its index, text, the database's message,
/// and whether a timeout stopped it.
struct Failure {
    index: usize,
    statement: String,
    message: String,
    timeout: Option<Timeout>,
}

impl Failure {
    fn new(index: usize, statement: &str, e: &sqlx::Error) -> Failure {
        Failure {
            index,
            statement: statement.to_owned(),
            message: db_message(e),
            timeout: pg_timeout(e),
        }
    }
}

/// PostgreSQL's `lock_not_available` (a `lock_timeout`) and
/// `query_canceled` (a `statement_timeout`).
fn pg_timeout(e: &sqlx::Error) -> Option<Timeout> {
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    match d.code().as_deref() {
        Some("55P03") => Some(Timeout::Lock),
        Some("57014") => Some(Timeout::Statement),
        _ => None,
    }
}

/// Runs one revision. With `own_tx`, in a transaction of its own that
/// commits when it succeeds; otherwise inside the run's transaction. On
/// failure the transaction (the revision's, or the run's) is rolled back.
pub(super) async fn run_step(
    conn: &mut Conn,
    state: &State<'_>,
    run: &StepRun<'_>,
    own_tx: bool,
    fk_check: bool,
) -> Result<(), MigrateError> {
    let step = run.step;
    if let Some(batch) = run.resume {
        return after_commit(conn, state, run, batch, true).await;
    }
    let begin = begin(conn.dialect());
    // With statements after the transaction, the version moves only after them.
    let split = !step.after_commit.is_empty();
    let statements: Vec<&Sql> = if split {
        step.statements.iter().collect()
    } else {
        run.statements.to_vec()
    };
    let total = run.statements.len();
    if conn.dialect() == Dialect::Sqlite
        && own_tx
        && !split
        && step.timeouts.is_empty()
        && two_trips(conn, state, run, begin, fk_check).await
    {
        return Ok(());
    }
    if own_tx {
        conn.execute(begin)
            .await
            .map_err(|e| db_err("starting the revision's transaction", e))?;
    }
    let mut failed = None;
    for s in timeout_settings(
        conn.dialect(),
        false,
        TimeoutScope::Transaction,
        &step.timeouts,
    ) {
        if let Err(e) = conn.execute(s.as_str()).await {
            failed = Some(Failure::new(0, s.as_str(), &e));
            break;
        }
    }
    if failed.is_none() {
        // A statement timeout bounds one query string: with timeouts, one
        // statement at a time (which also names the one that waited).
        failed = if own_tx && step.timeouts.is_empty() {
            run_batch(conn, &statements, begin).await
        } else {
            run_one_by_one(conn, &statements).await
        };
    }
    if failed.is_none() && fk_check {
        match conn.fetch(sqlite_foreign_key_check().as_str()).await {
            Ok(rows) if rows.is_empty() => {}
            Ok(rows) => {
                let detail = rows
                    .iter()
                    .take(3)
                    .map(|r| {
                        format!(
                            "`{}` row {} -> `{}`",
                            r[0].as_deref().unwrap_or("?"),
                            r[1].as_deref().unwrap_or("?"),
                            r.get(2).and_then(|c| c.as_deref()).unwrap_or("?")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = conn.execute(ROLLBACK).await;
                return Err(MigrateError::ForeignKeyCheck {
                    revision: step.revision.clone(),
                    detail,
                });
            }
            Err(e) => {
                failed = Some(Failure::new(
                    statements.len(),
                    "PRAGMA foreign_key_check",
                    &e,
                ))
            }
        }
    }
    if failed.is_none() {
        let log = if split {
            state.insert_running(
                &step.revision,
                run.direction,
                run.batch,
                run.checksum,
                statements.len(),
                total,
                step.after_commit.first().map(|a| a.sql.as_str()),
            )
        } else {
            done_log(state, run, total)
        };
        if let Err(e) = conn.execute(log.as_str()).await {
            failed = Some(Failure::new(statements.len(), log.as_str(), &e));
        }
    }
    match failed {
        None => {
            if own_tx && let Err(e) = conn.execute(COMMIT).await {
                let _ = conn.execute(ROLLBACK).await;
                return Err(db_err("committing the revision", e));
            }
            if split {
                return after_commit(conn, state, run, run.batch, false).await;
            }
            Ok(())
        }
        Some(f) => {
            let _ = conn.execute(ROLLBACK).await;
            let failure = Box::new(StepFailure {
                revision: step.revision.clone(),
                index: f.index + 1,
                total,
                statement: f.statement,
                message: f.message,
            });
            Err(match f.timeout {
                Some(kind) => MigrateError::DdlTimeout {
                    setting: kind.setting(&step.timeouts),
                    kind,
                    failure,
                    attempts: 1,
                    // Rolled back: a retry starts the revision afresh.
                    retryable: own_tx,
                    previous: run.previous.to_owned(),
                },
                None => MigrateError::StepRolledBack {
                    failure,
                    previous: run.previous.to_owned(),
                },
            })
        }
    }
}

/// The log row of a revision whose `total` statements all ran, with the
/// time since it started.
fn done_log(state: &State<'_>, run: &StepRun<'_>, total: usize) -> Sql {
    state.insert_log(
        &run.step.revision,
        run.direction,
        run.batch,
        run.checksum,
        run.started.elapsed().as_millis() as i64,
        DONE,
        total,
        total,
    )
}

/// The statements after the revision's transaction committed, then the
/// version-table statements and the log row (of `batch`) finished. With
/// `resume`, the transaction committed in an earlier run, which stopped
/// here; every statement runs again (`IF NOT EXISTS`, `IF EXISTS`,
/// `VALIDATE` are safe to repeat).
async fn after_commit(
    conn: &mut Conn,
    state: &State<'_>,
    run: &StepRun<'_>,
    batch: i64,
    resume: bool,
) -> Result<(), MigrateError> {
    let step = run.step;
    let done = step.statements.len();
    let total = run.statements.len();
    let log_err = |e| db_err("writing the log", e);
    if resume {
        conn.execute(state.reopen(&step.revision, batch).as_str())
            .await
            .map_err(log_err)?;
    }
    let dialect = conn.dialect();
    for s in timeout_settings(dialect, false, TimeoutScope::Session, &step.timeouts) {
        conn.execute(s.as_str())
            .await
            .map_err(|e| db_err("setting the timeouts", e))?;
    }
    let mut failed = None;
    for (k, a) in step.after_commit.iter().enumerate() {
        if k > 0 {
            let progress = state.progress(&step.revision, batch, done + k, a.sql.as_str());
            conn.execute(progress.as_str()).await.map_err(log_err)?;
        }
        if let Err(e) = conn.execute(a.sql.as_str()).await {
            failed = Some((k, Failure::new(done + k, a.sql.as_str(), &e)));
            break;
        }
    }
    for s in timeout_reset(dialect, false, &step.timeouts) {
        let _ = conn.execute(s.as_str()).await;
    }
    if let Some((k, f)) = failed {
        let fail = state.finish(
            &step.revision,
            batch,
            FAILED,
            run.started.elapsed().as_millis() as i64,
            done + k,
            Some((&f.statement, &f.message)),
        );
        let _ = conn.execute(fail.as_str()).await;
        let invalid = invalid_indexes(conn, step.after_commit[k].index.iter().cloned().collect())
            .await
            .unwrap_or_default();
        return Err(MigrateError::AfterCommit(Box::new(AfterCommitFailure {
            revision: step.revision.clone(),
            statement: f.statement,
            message: Some(f.message),
            setting: f.timeout.map(|t| t.setting(&step.timeouts)),
            invalid,
        })));
    }
    conn.execute(BEGIN)
        .await
        .map_err(|e| db_err("starting the version transaction", e))?;
    let mut version = step.version.iter().map(Sql::as_str).collect::<Vec<_>>();
    let finish = state.finish(
        &step.revision,
        batch,
        DONE,
        run.started.elapsed().as_millis() as i64,
        total,
        None,
    );
    version.push(finish.as_str());
    for s in version {
        if let Err(e) = conn.execute(s).await {
            let _ = conn.execute(ROLLBACK).await;
            return Err(db_err(
                "moving the version after the concurrent statements",
                e,
            ));
        }
    }
    conn.execute(COMMIT)
        .await
        .map_err(|e| db_err("committing the version", e))
}

/// Of `names`, the indexes PostgreSQL holds as INVALID.
pub(super) async fn invalid_indexes(
    conn: &mut Conn,
    names: Vec<String>,
) -> Result<Vec<String>, MigrateError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let rows = conn
        .fetch(pg_invalid_indexes(&names).as_str())
        .await
        .map_err(|e| db_err("looking for invalid indexes", e))?;
    Ok(rows
        .into_iter()
        .filter_map(|mut r| r.swap_remove(0))
        .collect())
}

/// SQLite: a revision in its own transaction in two round trips: `BEGIN
/// IMMEDIATE` with the revision's statements, then (after the foreign key
/// check, when the run turned foreign keys off) its version-table
/// statements, its log row and `COMMIT`. Whether it committed. When
/// anything fails it is rolled back, and the caller runs the revision again
/// one statement at a time, which names what fails and leaves the database
/// as that way always did.
async fn two_trips(
    conn: &mut Conn,
    state: &State<'_>,
    run: &StepRun<'_>,
    begin: &str,
    fk_check: bool,
) -> bool {
    let step = run.step;
    let total = run.statements.len();
    let ok = async {
        // The second trip; with no statements and no check, the only one.
        let mut last = Vec::new();
        if fk_check || !step.statements.is_empty() {
            let mut first = vec![begin];
            first.extend(step.statements.iter().map(Sql::as_str));
            conn.execute(&joined(&first)).await.ok()?;
        } else {
            last.push(begin);
        }
        if fk_check
            && !conn
                .fetch(sqlite_foreign_key_check().as_str())
                .await
                .ok()?
                .is_empty()
        {
            return None;
        }
        // Written after the statements ran, so it holds their duration.
        let log = done_log(state, run, total);
        last.extend(step.version.iter().map(Sql::as_str));
        last.push(log.as_str());
        last.push(COMMIT);
        conn.execute(&joined(&last)).await.ok()
    }
    .await
    .is_some();
    if !ok {
        let _ = conn.execute(ROLLBACK).await;
    }
    ok
}

/// Statements as one string. A newline before each `;` so that a trailing
/// `--` comment in user SQL cannot swallow the separator.
fn joined(statements: &[&str]) -> String {
    statements
        .iter()
        .map(|s| s.trim_end().trim_end_matches(';'))
        .collect::<Vec<_>>()
        .join("\n;\n")
}

async fn run_one_by_one(conn: &mut Conn, statements: &[&Sql]) -> Option<Failure> {
    for (n, s) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(s.as_str()).await {
            return Some(Failure::new(n, s.as_str(), &e));
        }
    }
    None
}

/// Sends a revision's statements in one round trip. Inside the revision's
/// own transaction that is safe to undo: when the batch fails, it is rolled
/// back and replayed one statement at a time to name the one that fails.
async fn run_batch(conn: &mut Conn, statements: &[&Sql], begin: &str) -> Option<Failure> {
    if statements.is_empty() {
        return None;
    }
    // A newline before each `;` so that a trailing `--` comment in user SQL
    // cannot swallow the separator.
    let batch: Vec<&str> = statements
        .iter()
        .map(|s| s.as_str().trim_end().trim_end_matches(';'))
        .collect();
    let Err(batch_error) = conn.execute(&batch.join("\n;\n")).await else {
        return None;
    };
    // Back to the start of the revision, in a new transaction.
    let _ = conn.execute(ROLLBACK).await;
    let _ = conn.execute(begin).await;
    Some(
        run_one_by_one(conn, statements).await.unwrap_or_else(|| {
            Failure::new(statements.len() - 1, &batch.join(";\n"), &batch_error)
        }),
    )
}
