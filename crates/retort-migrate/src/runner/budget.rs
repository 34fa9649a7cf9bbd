//! PostgreSQL: the plan's lock estimate against the server's lock table,
//! read before anything runs (see `crate::budget`).

use crate::connection::Conn;
use crate::state::db_err;
use crate::{LockBudget, MigrateError, SqlPlan};

/// The settings that size the shared lock table, and the locks other
/// sessions hold now (a catalog query of the runner's own).
const BUDGET_QUERY: &str = "SELECT current_setting('max_locks_per_transaction'), \
     current_setting('max_connections'), current_setting('max_prepared_transactions'), \
     (SELECT count(*) FROM pg_locks WHERE pid IS DISTINCT FROM pg_backend_pid())::text";

/// Refuses `plan` when a transaction of it would not fit in the server's
/// lock table.
pub(super) async fn check(conn: &mut Conn, plan: &SqlPlan) -> Result<(), MigrateError> {
    if plan.steps.is_empty() {
        return Ok(());
    }
    read(conn).await?.check(plan)
}

async fn read(conn: &mut Conn) -> Result<LockBudget, MigrateError> {
    let rows = conn
        .fetch(BUDGET_QUERY)
        .await
        .map_err(|e| db_err("reading the lock settings", e))?;
    let number = |i: usize| -> Result<usize, MigrateError> {
        let text = rows.first().and_then(|r| r.get(i)).cloned().flatten();
        text.as_deref()
            .and_then(|t| t.trim().parse().ok())
            .ok_or_else(|| MigrateError::Database {
                doing: "reading the lock settings".into(),
                message: format!("unexpected value {text:?}"),
            })
    };
    Ok(LockBudget {
        max_locks_per_transaction: number(0)?,
        max_connections: number(1)?,
        max_prepared_transactions: number(2)?,
        held_by_others: number(3)?,
    })
}
