//! The session settings that bound how long a revision's DDL waits for a
//! lock or runs (`lock_timeout`, `statement_timeout`), and the catalog query
//! that finds indexes an interrupted `CREATE INDEX CONCURRENTLY` left
//! invalid.

use std::time::Duration;

use retort_core::Dialect;

use crate::Sql;
use crate::handwritten::literal;

/// Where the settings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutScope {
    /// Inside the revision's transaction: PostgreSQL `SET LOCAL`, undone by
    /// its `COMMIT` or `ROLLBACK`.
    Transaction,
    /// For the connection: PostgreSQL `SET` (statements outside a
    /// transaction), MySQL `SET SESSION`; undone by [`timeout_reset`].
    Session,
}

/// The timeouts of one revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timeouts {
    /// How long one statement waits for a lock on a table before it fails.
    pub lock: Option<Duration>,
    /// How long one statement may run.
    pub statement: Option<Duration>,
}

impl Timeouts {
    pub fn is_empty(&self) -> bool {
        self.lock.is_none() && self.statement.is_none()
    }
}

/// The statements that set `t` for `dialect`. On MySQL the lock timeout
/// sets both `lock_wait_timeout` (metadata locks: DDL) and
/// `innodb_lock_wait_timeout` (row locks), in whole seconds (rounded up,
/// at least 1); the statement timeout is `max_statement_time` on MariaDB
/// (seconds) and `max_execution_time` on MySQL (milliseconds, `SELECT`
/// only). SQLite has neither (its lock wait is the connection's busy
/// timeout): nothing.
pub fn timeout_settings(
    dialect: Dialect,
    mariadb: bool,
    scope: TimeoutScope,
    t: &Timeouts,
) -> Vec<Sql> {
    let mut out = Vec::new();
    match dialect {
        Dialect::Postgres => {
            let set = match scope {
                TimeoutScope::Transaction => "SET LOCAL",
                TimeoutScope::Session => "SET",
            };
            let d = Dialect::Postgres;
            if let Some(l) = t.lock {
                out.push(Sql::new(format!(
                    "{set} lock_timeout = {}",
                    literal(d, &pg_interval(l))
                )));
            }
            if let Some(s) = t.statement {
                out.push(Sql::new(format!(
                    "{set} statement_timeout = {}",
                    literal(d, &pg_interval(s))
                )));
            }
        }
        Dialect::Mysql => {
            if let Some(l) = t.lock {
                let secs = l.as_millis().div_ceil(1000).max(1);
                out.push(Sql::new(format!("SET SESSION lock_wait_timeout = {secs}")));
                out.push(Sql::new(format!(
                    "SET SESSION innodb_lock_wait_timeout = {secs}"
                )));
            }
            if let Some(s) = t.statement {
                out.push(Sql::new(if mariadb {
                    format!("SET SESSION max_statement_time = {:.3}", s.as_secs_f64())
                } else {
                    format!("SET SESSION max_execution_time = {}", s.as_millis())
                }));
            }
        }
        Dialect::Sqlite => {}
    }
    out
}

/// The statements that give the settings [`timeout_settings`] made for the
/// session back their defaults.
pub fn timeout_reset(dialect: Dialect, mariadb: bool, t: &Timeouts) -> Vec<Sql> {
    let mut out = Vec::new();
    match dialect {
        Dialect::Postgres => {
            if t.lock.is_some() {
                out.push(Sql::new("RESET lock_timeout"));
            }
            if t.statement.is_some() {
                out.push(Sql::new("RESET statement_timeout"));
            }
        }
        Dialect::Mysql => {
            if t.lock.is_some() {
                out.push(Sql::new("SET SESSION lock_wait_timeout = DEFAULT"));
                out.push(Sql::new("SET SESSION innodb_lock_wait_timeout = DEFAULT"));
            }
            if t.statement.is_some() {
                out.push(Sql::new(if mariadb {
                    "SET SESSION max_statement_time = DEFAULT"
                } else {
                    "SET SESSION max_execution_time = DEFAULT"
                }));
            }
        }
        Dialect::Sqlite => {}
    }
    out
}

/// A PostgreSQL duration literal: whole seconds as `5s`, else milliseconds.
fn pg_interval(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// PostgreSQL: the names among `names` of indexes in the current schema
/// that are INVALID (`pg_index.indisvalid` false): what a `CREATE INDEX
/// CONCURRENTLY` (or `DROP INDEX CONCURRENTLY`) that failed or was killed
/// leaves behind. One column, `relname`.
pub fn pg_invalid_indexes(names: &[String]) -> Sql {
    let d = Dialect::Postgres;
    let list = if names.is_empty() {
        "NULL".to_owned()
    } else {
        names
            .iter()
            .map(|n| literal(d, n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Sql::new(format!(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT i.indisvalid AND n.nspname = current_schema() AND c.relname IN ({list}) \
         ORDER BY c.relname"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_per_dialect() {
        let t = Timeouts {
            lock: Some(Duration::from_millis(1500)),
            statement: Some(Duration::from_secs(30)),
        };
        let text = |v: Vec<Sql>| v.iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(
            text(timeout_settings(
                Dialect::Postgres,
                false,
                TimeoutScope::Transaction,
                &t
            )),
            [
                "SET LOCAL lock_timeout = '1500ms'",
                "SET LOCAL statement_timeout = '30s'"
            ]
        );
        assert_eq!(
            text(timeout_settings(
                Dialect::Mysql,
                true,
                TimeoutScope::Session,
                &t
            )),
            [
                "SET SESSION lock_wait_timeout = 2",
                "SET SESSION innodb_lock_wait_timeout = 2",
                "SET SESSION max_statement_time = 30.000"
            ]
        );
        assert_eq!(
            text(timeout_settings(
                Dialect::Mysql,
                false,
                TimeoutScope::Session,
                &t
            ))[2],
            "SET SESSION max_execution_time = 30000"
        );
        assert!(timeout_settings(Dialect::Sqlite, false, TimeoutScope::Session, &t).is_empty());
    }
}
