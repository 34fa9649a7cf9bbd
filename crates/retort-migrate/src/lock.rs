//! One run at a time: PostgreSQL advisory lock, MySQL `GET_LOCK`, and on
//! SQLite an exclusive transaction held for the whole run.

use std::time::{Duration, Instant};

use retort_core::Dialect;

use crate::MigrateError;
use crate::connection::Conn;

fn db_err(doing: &str, e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        doing: doing.to_owned(),
        message: e.to_string(),
    }
}

/// Waits for the lock, up to `timeout`.
pub(crate) async fn acquire(
    conn: &mut Conn,
    version_table: &str,
    timeout: Duration,
) -> Result<(), MigrateError> {
    let timed_out = || MigrateError::LockTimeout {
        seconds: timeout.as_secs(),
    };
    match conn.dialect() {
        Dialect::Postgres => {
            let sql = retort_sql::lock_acquire(Dialect::Postgres, version_table, 0)
                .expect("postgres has a lock");
            let start = Instant::now();
            loop {
                let rows = conn
                    .fetch(sql.as_str())
                    .await
                    .map_err(|e| db_err("taking the advisory lock", e))?;
                if rows.first().and_then(|r| r[0].as_deref()) == Some("t") {
                    return Ok(());
                }
                if start.elapsed() >= timeout {
                    return Err(timed_out());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Dialect::Mysql => {
            let sql = retort_sql::lock_acquire(Dialect::Mysql, version_table, timeout.as_secs())
                .expect("mysql has a lock");
            let rows = conn
                .fetch(sql.as_str())
                .await
                .map_err(|e| db_err("taking the lock (GET_LOCK)", e))?;
            match rows.first().and_then(|r| r[0].as_deref()) {
                Some("1") => Ok(()),
                Some("0") => Err(timed_out()),
                other => Err(MigrateError::Database {
                    doing: "taking the lock (GET_LOCK)".into(),
                    message: format!("GET_LOCK returned {}", other.unwrap_or("NULL")),
                }),
            }
        }
        Dialect::Sqlite => conn.execute("BEGIN EXCLUSIVE").await.map_err(|e| {
            if e.to_string().contains("locked") || e.to_string().contains("busy") {
                timed_out()
            } else {
                db_err("starting the exclusive transaction", e)
            }
        }),
    }
}

/// Releases the lock; SQLite's exclusive transaction is committed by the runner.
pub(crate) async fn release(conn: &mut Conn, version_table: &str) -> Result<(), MigrateError> {
    match retort_sql::lock_release(conn.dialect(), version_table) {
        Some(sql) => conn
            .fetch(sql.as_str())
            .await
            .map(drop)
            .map_err(|e| db_err("releasing the lock", e)),
        None => Ok(()),
    }
}
