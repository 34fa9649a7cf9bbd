//! Test support for retort: one fresh, real database per test.
//!
//! [`TestDb::create`] makes a uniquely named database on the local
//! PostgreSQL or MariaDB server (or an SQLite file in a temporary directory),
//! so tests run in parallel without seeing each other. When a server cannot
//! be reached the test is skipped with a line on stderr, except under `CI`,
//! where it fails:
//!
//! ```no_run
//! # async fn t() {
//! use retort_testing::{Dialect, TestDb};
//! let Some(db) = TestDb::create(Dialect::Postgres, "my_test").await else { return };
//! db.execute("CREATE TABLE t (id integer)").await.unwrap();
//! assert_eq!(db.tables().await, ["t"]);
//! db.drop().await;
//! # }
//! ```
//!
//! Server addresses default to the project's machines and can be changed with
//! `RETORT_TEST_PG_URL` and `RETORT_TEST_MYSQL_URL`. Databases are dropped by
//! [`TestDb::drop`], or when the value is dropped; set `RETORT_TEST_KEEP=1` to
//! keep them for a post-mortem.
//!
//! This crate is a dev-dependency only; it is not published.

mod server;
mod test_db;

pub use retort_core::Dialect;
pub use server::{admin_url, ci};
pub use test_db::TestDb;

/// `let db = test_db!(Dialect::Postgres, "label");` creates a [`TestDb`] or
/// returns from the enclosing (test) function when the server is missing
/// outside `CI`.
#[macro_export]
macro_rules! test_db {
    ($dialect:expr, $label:expr) => {
        match $crate::TestDb::create($dialect, $label).await {
            Some(db) => db,
            None => return,
        }
    };
}
