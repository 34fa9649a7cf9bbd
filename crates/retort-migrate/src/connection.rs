//! One database connection of any of the three dialects.

use std::str::FromStr;
use std::time::Duration;

use retort_core::{Dialect, redact_url};
use std::ops::{Deref, DerefMut};

use sqlx::mysql::{MySqlConnection, MySqlPool, MySqlRow};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, MySql, Postgres, Row, Sqlite};

use crate::MigrateError;
use crate::sqlite_handle::Direct;

/// Where to run: a URL, or a pool the application already has.
///
/// With the `sea-orm` feature, a `&sea_orm::DatabaseConnection` converts
/// too (its sqlx pool is used); a connection retort cannot run on (a mock,
/// a proxy, `rusqlite`, a disconnected one) becomes [`Database::Unsupported`],
/// which every call refuses with [`MigrateError::UnsupportedConnection`].
#[derive(Debug, Clone, Copy)]
pub enum Database<'a> {
    Url(&'a str),
    Postgres(&'a PgPool),
    Mysql(&'a MySqlPool),
    Sqlite(&'a SqlitePool),
    /// A connection of a kind retort cannot run on, named for the error.
    Unsupported(&'static str),
}

impl Database<'_> {
    /// The dialect, when known without connecting (`None` for a URL this
    /// crate cannot parse and for [`Database::Unsupported`]).
    pub fn dialect(&self) -> Option<Dialect> {
        match self {
            Database::Url(url) => Dialect::from_url(url).ok(),
            Database::Postgres(_) => Some(Dialect::Postgres),
            Database::Mysql(_) => Some(Dialect::Mysql),
            Database::Sqlite(_) => Some(Dialect::Sqlite),
            Database::Unsupported(_) => None,
        }
    }
}

/// The application's SeaORM connection: its sqlx pool (sea-orm 2 and retort
/// share sqlx 0.9), so the lock and the transactions are the same as with a
/// URL, on one connection taken from the pool for the run.
#[cfg(feature = "sea-orm")]
impl<'a> From<&'a sea_orm::DatabaseConnection> for Database<'a> {
    fn from(db: &'a sea_orm::DatabaseConnection) -> Self {
        use sea_orm::DatabaseConnectionType as Kind;
        // The getters are called only for the variant they return, so they
        // never panic.
        match &db.inner {
            Kind::SqlxPostgresPoolConnection(_) => {
                Database::Postgres(db.get_postgres_connection_pool())
            }
            Kind::SqlxMySqlPoolConnection(_) => Database::Mysql(db.get_mysql_connection_pool()),
            Kind::SqlxSqlitePoolConnection(_) => Database::Sqlite(db.get_sqlite_connection_pool()),
            Kind::Disconnected => Database::Unsupported("disconnected"),
            // Present when the application enables these sea-orm features.
            #[allow(unreachable_patterns)]
            other => Database::Unsupported(unsupported_kind(other)),
        }
    }
}

#[cfg(feature = "sea-orm")]
fn unsupported_kind(kind: &sea_orm::DatabaseConnectionType) -> &'static str {
    // `Debug` names the variant: `MockDatabaseConnection`, `ProxyDatabaseConnection`,
    // `RusqliteSharedConnection`.
    let name = format!("{kind:?}");
    if name.starts_with("Mock") {
        "mock"
    } else if name.starts_with("Proxy") {
        "proxy"
    } else if name.starts_with("Rusqlite") {
        "rusqlite"
    } else {
        "unknown"
    }
}

impl<'a> From<&'a str> for Database<'a> {
    fn from(url: &'a str) -> Self {
        Database::Url(url)
    }
}

impl<'a> From<&'a String> for Database<'a> {
    fn from(url: &'a String) -> Self {
        Database::Url(url)
    }
}

impl<'a> From<&'a PgPool> for Database<'a> {
    fn from(p: &'a PgPool) -> Self {
        Database::Postgres(p)
    }
}

impl<'a> From<&'a MySqlPool> for Database<'a> {
    fn from(p: &'a MySqlPool) -> Self {
        Database::Mysql(p)
    }
}

impl<'a> From<&'a SqlitePool> for Database<'a> {
    fn from(p: &'a SqlitePool) -> Self {
        Database::Sqlite(p)
    }
}

/// A connection of our own (from a URL) or borrowed from the application's pool.
pub(crate) enum Handle<C, P> {
    Own(C),
    Pooled(P),
}

impl<C, P: DerefMut<Target = C>> Deref for Handle<C, P> {
    type Target = C;
    fn deref(&self) -> &C {
        match self {
            Handle::Own(c) => c,
            Handle::Pooled(p) => p,
        }
    }
}

impl<C, P: DerefMut<Target = C>> DerefMut for Handle<C, P> {
    fn deref_mut(&mut self) -> &mut C {
        match self {
            Handle::Own(c) => c,
            Handle::Pooled(p) => p,
        }
    }
}

pub(crate) enum Conn {
    Pg(Handle<PgConnection, PoolConnection<Postgres>>),
    My(Handle<MySqlConnection, PoolConnection<MySql>>),
    Lite(Handle<SqliteConnection, PoolConnection<Sqlite>>),
    /// A SQLite connection of retort's own, its handle locked for the
    /// revisions of a run ([`crate::sqlite_handle::with_handle`]).
    Direct(Direct),
}

/// Rows with every cell as text (`None` for NULL).
pub(crate) type Rows = Vec<Vec<Option<String>>>;

/// A SQLite URL whose database file does not exist yet: reading it finds
/// an empty database, and connecting would create the file.
pub fn sqlite_file_missing(db: &Database<'_>) -> bool {
    let Database::Url(url) = db else {
        return false;
    };
    Dialect::from_url(url).ok() == Some(Dialect::Sqlite)
        && SqliteConnectOptions::from_str(url).is_ok_and(|o| !o.get_filename().exists())
}

impl Conn {
    /// Opens a connection; `lock_timeout` is also SQLite's busy timeout.
    pub(crate) async fn open(
        db: Database<'_>,
        lock_timeout: Duration,
    ) -> Result<(Conn, String), MigrateError> {
        let fail = |shown: &str, e: sqlx::Error| MigrateError::Connect {
            url: shown.to_owned(),
            message: e.to_string(),
        };
        Ok(match db {
            Database::Url(url) => {
                let shown = redact_url(url);
                let dialect = Dialect::from_url(url).map_err(|e| MigrateError::BadUrl {
                    url: shown.clone(),
                    message: e.to_string(),
                })?;
                // A direct connection, not a pool: a refused port fails at once
                // instead of being retried until a pool's acquire timeout.
                let conn = match dialect {
                    Dialect::Postgres => Conn::Pg(Handle::Own(
                        PgConnection::connect(url)
                            .await
                            .map_err(|e| fail(&shown, e))?,
                    )),
                    Dialect::Mysql => Conn::My(Handle::Own(
                        MySqlConnection::connect(url)
                            .await
                            .map_err(|e| fail(&shown, e))?,
                    )),
                    Dialect::Sqlite => {
                        let opts = SqliteConnectOptions::from_str(url)
                            .map_err(|e| MigrateError::BadUrl {
                                url: shown.clone(),
                                message: e.to_string(),
                            })?
                            .create_if_missing(true)
                            .busy_timeout(lock_timeout);
                        Conn::Lite(Handle::Own(
                            opts.connect().await.map_err(|e| fail(&shown, e))?,
                        ))
                    }
                };
                (conn, shown)
            }
            Database::Postgres(p) => (
                Conn::Pg(Handle::Pooled(
                    p.acquire().await.map_err(|e| fail("(pool)", e))?,
                )),
                "(pool)".into(),
            ),
            Database::Mysql(p) => (
                Conn::My(Handle::Pooled(
                    p.acquire().await.map_err(|e| fail("(pool)", e))?,
                )),
                "(pool)".into(),
            ),
            Database::Sqlite(p) => (
                Conn::Lite(Handle::Pooled(
                    p.acquire().await.map_err(|e| fail("(pool)", e))?,
                )),
                "(pool)".into(),
            ),
            Database::Unsupported(kind) => {
                return Err(MigrateError::UnsupportedConnection { kind });
            }
        })
    }

    /// Closes the connection, also one borrowed from a pool (which then
    /// opens a fresh one when it needs it): the server drops the session's
    /// advisory lock or `GET_LOCK` and whatever else the session holds.
    pub(crate) async fn discard(self) {
        match self {
            Conn::Pg(Handle::Pooled(p)) => drop(p.close().await),
            Conn::My(Handle::Pooled(p)) => drop(p.close().await),
            Conn::Lite(Handle::Pooled(p)) => drop(p.close().await),
            Conn::Pg(Handle::Own(c)) => drop(c.close().await),
            Conn::My(Handle::Own(c)) => drop(c.close().await),
            Conn::Lite(Handle::Own(c)) => drop(c.close().await),
            // Only ever a loan of a `Conn::Lite`, which is closed after it.
            Conn::Direct(_) => {}
        }
    }

    /// Whether retort opened the connection itself (from a URL), rather
    /// than borrowing it from the application's pool.
    pub(crate) fn is_own(&self) -> bool {
        matches!(
            self,
            Conn::Pg(Handle::Own(_))
                | Conn::My(Handle::Own(_))
                | Conn::Lite(Handle::Own(_))
                | Conn::Direct(_)
        )
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::Pg(_) => Dialect::Postgres,
            Conn::My(_) => Dialect::Mysql,
            Conn::Lite(_) | Conn::Direct(_) => Dialect::Sqlite,
        }
    }

    /// Runs SQL as written (one or more statements), unprepared.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        // sqlx takes a copy of the text; the handle reads it in place.
        let q = || sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        match self {
            Conn::Pg(c) => q().execute(&mut **c).await.map(drop),
            Conn::My(c) => q().execute(&mut **c).await.map(drop),
            Conn::Lite(c) => q().execute(&mut **c).await.map(drop),
            Conn::Direct(d) => d.execute(sql).await,
        }
    }

    /// Runs a query; every cell comes back as text.
    pub(crate) async fn fetch(&mut self, sql: &str) -> Result<Rows, sqlx::Error> {
        // Unprepared queries return text on PostgreSQL and MySQL; SQLite
        // values are read as text, integer or real in turn.
        let q = || sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        Ok(match self {
            Conn::Pg(c) => q()
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r: &PgRow| text_cells(r))
                .collect(),
            Conn::My(c) => q()
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(|r: &MySqlRow| text_cells(r))
                .collect(),
            Conn::Lite(c) => q()
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(sqlite_cells)
                .collect(),
            Conn::Direct(d) => d.fetch(sql).await?,
        })
    }
}

fn text_cells<R: Row>(row: &R) -> Vec<Option<String>>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..row.len())
        .map(|i| row.try_get_unchecked::<Option<String>, _>(i).ok().flatten())
        .collect()
}

fn sqlite_cells(row: &SqliteRow) -> Vec<Option<String>> {
    (0..row.len())
        .map(|i| {
            if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                return v.map(|v| v.to_string());
            }
            if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                return v.map(|v| v.to_string());
            }
            row.try_get_unchecked::<Option<String>, _>(i).ok().flatten()
        })
        .collect()
}
