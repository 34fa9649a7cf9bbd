//! One fresh database per test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use retort_core::Dialect;
use sqlx::mysql::{MySqlConnection, MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::server::{admin_url, ci, flag, mask, with_database};

/// How long to wait for a server before calling it unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest database name PostgreSQL keeps (MySQL allows 64).
const MAX_NAME: usize = 63;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, uniquely named database for one test.
///
/// Statements run on one connection, so session state (`SET`, SQLite's
/// `PRAGMA foreign_keys`) carries from one call to the next.
pub struct TestDb {
    pub dialect: Dialect,
    /// The URL of this test's database, for code under test to connect to.
    pub url: String,
    /// The database name on the server (the file name for SQLite).
    pub name: String,
    pool: Pool,
    /// The server's admin URL, to drop the database; `None` for SQLite.
    admin: Option<String>,
    /// Holds the SQLite file; removed with it.
    _dir: Option<tempfile::TempDir>,
    dropped: bool,
}

enum Pool {
    Pg(PgPool),
    My(MySqlPool),
    Lite(SqlitePool),
}

impl TestDb {
    /// Creates a fresh database named `retort_<label>_<pid>_<n>`.
    ///
    /// When the server cannot be reached, prints
    /// `skipped: <dialect> server not reachable at <url>` to stderr and
    /// returns `None`; under `CI` it panics instead.
    pub async fn create(dialect: Dialect, label: &str) -> Option<TestDb> {
        let name = db_name(label);
        match dialect {
            Dialect::Sqlite => Some(Self::create_sqlite(name).await),
            Dialect::Postgres | Dialect::Mysql => {
                let admin = admin_url(dialect).expect("servers have an admin URL");
                if let Err(e) = create_database(dialect, &admin, &name).await {
                    match e {
                        CreateError::Unreachable(why) => {
                            let msg = format!(
                                "skipped: {dialect} server not reachable at {} ({why})",
                                mask(&admin)
                            );
                            if ci() {
                                panic!("{msg}; CI is set, so a missing server is a failure");
                            }
                            eprintln!("{msg}");
                            return None;
                        }
                        CreateError::Refused(why) => {
                            panic!("{dialect}: cannot create test database `{name}`: {why}")
                        }
                    }
                }
                let url = with_database(&admin, &name);
                let pool = connect(dialect, &url)
                    .await
                    .unwrap_or_else(|e| panic!("{dialect}: cannot connect to {}: {e}", mask(&url)));
                Some(TestDb {
                    dialect,
                    url,
                    name,
                    pool,
                    admin: Some(admin),
                    _dir: None,
                    dropped: false,
                })
            }
        }
    }

    async fn create_sqlite(name: String) -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("retort-test-")
            .tempdir()
            .expect("create a temporary directory");
        let path = dir.path().join(format!("{name}.db"));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap_or_else(|e| panic!("sqlite: cannot open {}: {e}", path.display()));
        TestDb {
            dialect: Dialect::Sqlite,
            url,
            name,
            pool: Pool::Lite(pool),
            admin: None,
            _dir: Some(dir),
            dropped: false,
        }
    }

    /// Runs a script of one or more statements exactly as given
    /// (`BEGIN`/`COMMIT` inside are allowed), without preparing it.
    pub async fn execute_script(&self, sql: &str) -> Result<(), String> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql));
        let r = match &self.pool {
            Pool::Pg(p) => q.execute(p).await.map(drop),
            Pool::My(p) => q.execute(p).await.map(drop),
            Pool::Lite(p) => q.execute(p).await.map(drop),
        };
        r.map_err(|e| format!("{}: {e}\n  in: {sql}", self.dialect))
    }

    /// Runs one statement.
    pub async fn execute(&self, stmt: &str) -> Result<(), String> {
        self.execute_script(stmt).await
    }

    /// The user tables, sorted (SQLite's internal tables left out).
    pub async fn tables(&self) -> Vec<String> {
        let sql = match self.dialect {
            Dialect::Postgres => {
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
            }
            Dialect::Mysql => {
                "SELECT table_name FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
            }
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            }
        };
        let mut names: Vec<String> = self
            .query_strings(sql)
            .await
            .into_iter()
            .filter_map(|mut r| r.swap_remove(0))
            .collect();
        names.sort();
        names
    }

    /// Runs a query and returns every cell as text (`None` for NULL).
    /// Panics when the query fails: it is the test's own SQL.
    pub async fn query_strings(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        self.try_query_strings(sql)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`TestDb::query_strings`] that returns the database's error.
    pub async fn try_query_strings(&self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        // Unprepared queries come back in the text format on PostgreSQL and
        // MySQL, so every value decodes as a string; SQLite converts itself.
        let q = sqlx::raw_sql(AssertSqlSafe(sql));
        let rows = match &self.pool {
            Pool::Pg(p) => q.fetch_all(p).await.map(|rows| {
                rows.iter()
                    .map(|r: &PgRow| cells(r, r.len(), |i| r.try_get_unchecked(i)))
                    .collect()
            }),
            Pool::My(p) => q.fetch_all(p).await.map(|rows| {
                rows.iter()
                    .map(|r: &MySqlRow| cells(r, r.len(), |i| r.try_get_unchecked(i)))
                    .collect()
            }),
            Pool::Lite(p) => q.fetch_all(p).await.map(|rows| {
                rows.iter()
                    .map(|r: &SqliteRow| cells(r, r.len(), |i| r.try_get_unchecked(i)))
                    .collect()
            }),
        };
        rows.map_err(|e| format!("{}: {e}\n  in: {sql}", self.dialect))
    }

    /// Drops the database now. Cleanup problems are ignored: they never fail
    /// a test. (Dropping the value does the same, less promptly.)
    pub async fn drop(mut self) {
        self.close().await;
        if let Some(admin) = self.admin.take()
            && !keep()
        {
            drop_database(self.dialect, &admin, &self.name).await;
        }
        self.dropped = true;
    }

    async fn close(&self) {
        match &self.pool {
            Pool::Pg(p) => p.close().await,
            Pool::My(p) => p.close().await,
            Pool::Lite(p) => p.close().await,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.dropped || keep() {
            return;
        }
        let Some(admin) = self.admin.take() else {
            return;
        };
        let (dialect, name) = (self.dialect, self.name.clone());
        // No async in `Drop`: a short-lived runtime on its own thread.
        let cleanup = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(drop_database(dialect, &admin, &name));
            }
        });
        let _ = cleanup.join();
    }
}

fn keep() -> bool {
    flag("RETORT_TEST_KEEP")
}

fn cells<R>(
    _row: &R,
    len: usize,
    get: impl Fn(usize) -> Result<Option<String>, sqlx::Error>,
) -> Vec<Option<String>> {
    (0..len)
        .map(|i| get(i).unwrap_or_else(|e| panic!("column {i} is not readable as text: {e}")))
        .collect()
}

/// `retort_<label>_<pid>_<n>`, cut to fit the identifier limit.
fn db_name(label: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let suffix = format!("_{}_{n}", std::process::id());
    let room = MAX_NAME - "retort_".len() - suffix.len();
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(room)
        .collect();
    format!("retort_{label}{suffix}")
}

enum CreateError {
    Unreachable(String),
    Refused(String),
}

async fn create_database(dialect: Dialect, admin: &str, name: &str) -> Result<(), CreateError> {
    // The name is built by `db_name` from [a-z0-9_] only.
    let (drop_sql, create_sql) = match dialect {
        Dialect::Postgres => (
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ),
        _ => (
            format!("DROP DATABASE IF EXISTS `{name}`"),
            format!("CREATE DATABASE `{name}`"),
        ),
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = match dialect {
            Dialect::Postgres => {
                let mut c = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(admin))
                    .await
                    .map_err(|_| CreateError::Unreachable("timed out".into()))?
                    .map_err(|e| CreateError::Unreachable(e.to_string()))?;
                let r = run(&mut c, &drop_sql, &create_sql).await;
                let _ = c.close().await;
                r
            }
            _ => {
                let mut c = tokio::time::timeout(CONNECT_TIMEOUT, MySqlConnection::connect(admin))
                    .await
                    .map_err(|_| CreateError::Unreachable("timed out".into()))?
                    .map_err(|e| CreateError::Unreachable(e.to_string()))?;
                let r = run(&mut c, &drop_sql, &create_sql).await;
                let _ = c.close().await;
                r
            }
        };
        match result {
            Ok(()) => return Ok(()),
            // PostgreSQL refuses concurrent copies of a template in use; try again.
            Err(e) if attempt < 5 && e.contains("being accessed by other users") => {
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
            Err(e) => return Err(CreateError::Refused(e)),
        }
    }
}

async fn run<C>(c: &mut C, drop_sql: &str, create_sql: &str) -> Result<(), String>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    sqlx::raw_sql(AssertSqlSafe(drop_sql))
        .execute(&mut *c)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(AssertSqlSafe(create_sql))
        .execute(&mut *c)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn drop_database(dialect: Dialect, admin: &str, name: &str) {
    let work = async {
        match dialect {
            Dialect::Postgres => {
                if let Ok(mut c) = PgConnection::connect(admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await;
                    let _ = c.close().await;
                }
            }
            Dialect::Mysql => {
                if let Ok(mut c) = MySqlConnection::connect(admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS `{name}`");
                    let _ = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut c).await;
                    let _ = c.close().await;
                }
            }
            Dialect::Sqlite => {}
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), work).await;
}

async fn connect(dialect: Dialect, url: &str) -> Result<Pool, sqlx::Error> {
    Ok(match dialect {
        Dialect::Postgres => Pool::Pg(
            PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect(url)
                .await?,
        ),
        Dialect::Mysql => Pool::My(
            MySqlPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect(url)
                .await?,
        ),
        Dialect::Sqlite => unreachable!("SQLite databases are files"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_fit() {
        let a = db_name("a very Long label! with spaces and more and more and more text");
        let b = db_name("a very Long label! with spaces and more and more and more text");
        assert_ne!(a, b);
        assert!(a.len() <= MAX_NAME, "{a}");
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{a}"
        );
        assert!(a.starts_with("retort_a_very_long_label__with"), "{a}");
    }
}
