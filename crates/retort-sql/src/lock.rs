//! The statements of the migration lock (the runner decides when to send them).

use retort_core::Dialect;
use sea_query::{Alias, Expr, Func, Query};

use crate::Sql;
use crate::render::dml;

/// A stable 64-bit key for PostgreSQL's advisory lock of one version table.
pub fn lock_key(version_table: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "retort:".bytes().chain(version_table.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// MySQL's user lock name: 64 characters at most.
fn mysql_lock_name(version_table: &str) -> String {
    let name = format!("retort.{version_table}");
    if name.len() <= 64 {
        name
    } else {
        format!("retort.{:016x}", lock_key(version_table))
    }
}

fn select_fn(dialect: Dialect, name: &str, args: Vec<Expr>) -> Sql {
    let f = Func::cust(Alias::new(name.to_owned())).args(args);
    dml(dialect, Query::select().expr(f))
}

/// One row, one cell: PostgreSQL `pg_try_advisory_lock(key)` (`t`/`f`),
/// MySQL `GET_LOCK(name, timeout)` (1 got it, 0 timed out). `None` on SQLite,
/// whose lock is an exclusive transaction.
pub fn lock_acquire(dialect: Dialect, version_table: &str, timeout_secs: u64) -> Option<Sql> {
    match dialect {
        Dialect::Postgres => Some(select_fn(
            dialect,
            "pg_try_advisory_lock",
            vec![Expr::val(lock_key(version_table))],
        )),
        Dialect::Mysql => Some(select_fn(
            dialect,
            "GET_LOCK",
            vec![
                Expr::val(mysql_lock_name(version_table)),
                Expr::val(timeout_secs.max(1) as i64),
            ],
        )),
        Dialect::Sqlite => None,
    }
}

/// Releases what [`lock_acquire`] took.
pub fn lock_release(dialect: Dialect, version_table: &str) -> Option<Sql> {
    match dialect {
        Dialect::Postgres => Some(select_fn(
            dialect,
            "pg_advisory_unlock",
            vec![Expr::val(lock_key(version_table))],
        )),
        Dialect::Mysql => Some(select_fn(
            dialect,
            "RELEASE_LOCK",
            vec![Expr::val(mysql_lock_name(version_table))],
        )),
        Dialect::Sqlite => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_statements() {
        let pg = lock_acquire(Dialect::Postgres, "alembic_version", 5).unwrap();
        assert!(
            pg.as_str().starts_with("SELECT pg_try_advisory_lock("),
            "{pg}"
        );
        let my = lock_acquire(Dialect::Mysql, "alembic_version", 5).unwrap();
        assert_eq!(my.as_str(), "SELECT GET_LOCK('retort.alembic_version', 5)");
        let long = lock_acquire(Dialect::Mysql, &"v".repeat(80), 5).unwrap();
        assert!(long.as_str().len() < 100, "{long}");
        assert!(lock_acquire(Dialect::Sqlite, "v", 5).is_none());
        assert_ne!(lock_key("a"), lock_key("b"));
    }
}
