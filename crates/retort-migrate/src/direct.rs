//! Operations run straight on a database, with no revision and no version
//! table: the development start-up (`retort::dev::sync_to_models`) applies
//! the models' diff this way.

use std::time::Duration;

use retort_core::{Dialect, Operation, Replay, Schema};
use retort_sql::{Sql, sqlite_foreign_key_check, sqlite_foreign_keys};

use crate::MigrateError;
use crate::connection::{Conn, Database};
use crate::error::db_message;
use crate::runner::transactional::begin;
use crate::state::{COMMIT, ROLLBACK, db_err};

/// Renders `operations` against `before` (the schema the database has) and
/// runs them under the migration lock. On PostgreSQL and SQLite they run in
/// one transaction, so a failure keeps nothing; MySQL commits each DDL
/// statement, and a failure names the statements that ran. Every operation
/// is rendered before anything runs, so one the dialect cannot take changes
/// nothing. Returns the statements executed.
///
/// No version table is read or written: this is for a development
/// database that no revision chain manages.
pub async fn execute_operations<'a>(
    db: impl Into<Database<'a>>,
    before: &Schema,
    operations: &[Operation],
    lock_timeout: Duration,
) -> Result<Vec<String>, MigrateError> {
    let (mut conn, _shown) = Conn::open(db.into(), lock_timeout).await?;
    let dialect = conn.dialect();
    let (statements, rebuilds) = render_all(before, operations, dialect)?;
    if statements.is_empty() {
        return Ok(Vec::new());
    }
    // The lock key of the default version table: one run at a time, with
    // `retort upgrade` too.
    let lock_name = "alembic_version";
    let held = crate::lock::acquire(&mut conn, lock_name, lock_timeout).await?;
    let fk_off = dialect == Dialect::Sqlite && rebuilds;
    let mut result = Ok(());
    if fk_off {
        result = conn
            .execute(sqlite_foreign_keys(false).as_str())
            .await
            .map_err(|e| db_err("turning foreign keys off", e));
    }
    if result.is_ok() {
        result = run(&mut conn, dialect, &statements, fk_off).await;
    }
    if fk_off {
        let _ = conn.execute(sqlite_foreign_keys(true).as_str()).await;
    }
    let released = crate::lock::release(&mut conn, held, lock_name).await;
    if result.is_err() || released.is_err() {
        conn.discard().await;
    }
    released?;
    result?;
    Ok(statements.iter().map(|s| s.as_str().to_owned()).collect())
}

fn render_all(
    before: &Schema,
    operations: &[Operation],
    dialect: Dialect,
) -> Result<(Vec<Sql>, bool), MigrateError> {
    let mut replay = Replay::new(before.clone());
    let mut statements = Vec::new();
    let mut rebuilds = false;
    for (i, op) in operations.iter().enumerate() {
        let rendered = retort_sql::render(op, replay.schema(), dialect).map_err(|e| {
            MigrateError::Refused(format!(
                "operation {} (`{}`) cannot be rendered for {dialect}: {e}",
                i + 1,
                op.kind()
            ))
        })?;
        replay.apply(op).map_err(|e| {
            MigrateError::Refused(format!(
                "operation {} (`{}`) does not apply to the database's schema: {e}",
                i + 1,
                op.kind()
            ))
        })?;
        rebuilds |= rendered.rebuilds_table;
        statements.extend(rendered.statements);
    }
    Ok((statements, rebuilds))
}

async fn run(
    conn: &mut Conn,
    dialect: Dialect,
    statements: &[Sql],
    fk_check: bool,
) -> Result<(), MigrateError> {
    let transactional = dialect.transactional_ddl();
    if transactional {
        conn.execute(begin(dialect))
            .await
            .map_err(|e| db_err("starting the transaction", e))?;
    }
    for (n, s) in statements.iter().enumerate() {
        if let Err(e) = conn.execute(s.as_str()).await {
            if transactional {
                let _ = conn.execute(ROLLBACK).await;
            }
            let kept = if transactional {
                "nothing was kept (rolled back)".to_owned()
            } else {
                format!("MySQL committed the {n} statement(s) before it")
            };
            return Err(MigrateError::Refused(format!(
                "statement {} of {} failed: {}\n  {}\n{kept}",
                n + 1,
                statements.len(),
                db_message(&e),
                s.as_str()
            )));
        }
    }
    if fk_check {
        let rows = conn
            .fetch(sqlite_foreign_key_check().as_str())
            .await
            .map_err(|e| db_err("checking foreign keys", e))?;
        if !rows.is_empty() {
            let _ = conn.execute(ROLLBACK).await;
            return Err(MigrateError::Refused(format!(
                "the changes leave {} row(s) with foreign keys pointing at missing rows; nothing was kept (rolled back)",
                rows.len()
            )));
        }
    }
    if transactional && let Err(e) = conn.execute(COMMIT).await {
        let _ = conn.execute(ROLLBACK).await;
        return Err(db_err("committing", e));
    }
    Ok(())
}
