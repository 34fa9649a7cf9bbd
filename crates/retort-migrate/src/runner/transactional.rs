//! PostgreSQL and SQLite: a revision, its version-table statements and its
//! log row commit together, or nothing of it does.

use retort_core::Dialect;
use retort_sql::{Sql, sqlite_foreign_key_check};

use super::StepRun;
use crate::error::{StepFailure, db_message};
use crate::state::{BEGIN, COMMIT, DONE, ROLLBACK, State, db_err};
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

/// The first failing statement: (index, text, the database's message).
type Failure = (usize, String, String);

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
    let begin = begin(conn.dialect());
    let statements = run.statements;
    if own_tx {
        conn.execute(begin)
            .await
            .map_err(|e| db_err("starting the revision's transaction", e))?;
    }
    let mut failed = if own_tx {
        run_batch(conn, statements, begin).await
    } else {
        run_one_by_one(conn, statements).await
    };
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
                    revision: run.step.revision.clone(),
                    detail,
                });
            }
            Err(e) => {
                failed = Some((
                    statements.len(),
                    "PRAGMA foreign_key_check".into(),
                    db_message(&e),
                ))
            }
        }
    }
    if failed.is_none() {
        let log = state.insert_log(
            &run.step.revision,
            run.direction,
            run.batch,
            run.checksum,
            run.started.elapsed().as_millis() as i64,
            DONE,
            statements.len(),
            statements.len(),
        );
        if let Err(e) = conn.execute(log.as_str()).await {
            failed = Some((statements.len(), log.as_str().to_owned(), db_message(&e)));
        }
    }
    match failed {
        None => {
            if own_tx && let Err(e) = conn.execute(COMMIT).await {
                let _ = conn.execute(ROLLBACK).await;
                return Err(db_err("committing the revision", e));
            }
            Ok(())
        }
        Some((n, statement, message)) => {
            let _ = conn.execute(ROLLBACK).await;
            Err(MigrateError::StepRolledBack {
                failure: Box::new(StepFailure {
                    revision: run.step.revision.clone(),
                    index: n + 1,
                    total: statements.len(),
                    statement,
                    message,
                }),
                previous: run.previous.to_owned(),
            })
        }
    }
}

async fn run_one_by_one(conn: &mut Conn, statements: &[&Sql]) -> Option<Failure> {
    for (n, s) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(s.as_str()).await {
            return Some((n, s.as_str().to_owned(), db_message(&e)));
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
    Some(run_one_by_one(conn, statements).await.unwrap_or_else(|| {
        (
            statements.len() - 1,
            batch.join(";\n"),
            db_message(&batch_error),
        )
    }))
}
