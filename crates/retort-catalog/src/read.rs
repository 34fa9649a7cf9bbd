use retort_core::{Dialect, redact_url};
use sqlx::Connection;
use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use crate::{CatalogError, CatalogRead, ReadOptions, mysql, postgres, sqlite};

/// A connection the caller already holds, for [`read_schema_with`].
#[non_exhaustive]
pub enum CatalogConnection<'c> {
    Postgres(&'c mut PgConnection),
    Mysql(&'c mut MySqlConnection),
    Sqlite(&'c mut SqliteConnection),
}

impl CatalogConnection<'_> {
    pub fn dialect(&self) -> Dialect {
        match self {
            CatalogConnection::Postgres(_) => Dialect::Postgres,
            CatalogConnection::Mysql(_) => Dialect::Mysql,
            CatalogConnection::Sqlite(_) => Dialect::Sqlite,
        }
    }
}

impl<'c> From<&'c mut PgConnection> for CatalogConnection<'c> {
    fn from(c: &'c mut PgConnection) -> Self {
        CatalogConnection::Postgres(c)
    }
}

impl<'c> From<&'c mut MySqlConnection> for CatalogConnection<'c> {
    fn from(c: &'c mut MySqlConnection) -> Self {
        CatalogConnection::Mysql(c)
    }
}

impl<'c> From<&'c mut SqliteConnection> for CatalogConnection<'c> {
    fn from(c: &'c mut SqliteConnection) -> Self {
        CatalogConnection::Sqlite(c)
    }
}

/// Connects to `url`, reads its catalog and disconnects.
///
/// `postgres://`, `postgresql://`, `mysql://`, `mariadb://` and `sqlite://`
/// URLs are understood (an Alembic-style `+driver` suffix on the scheme is
/// ignored). An SQLite file that does not exist is an error, not a new
/// empty database.
pub async fn read_schema(url: &str, opts: &ReadOptions) -> Result<CatalogRead, CatalogError> {
    let dialect = Dialect::from_url(url).map_err(|_| CatalogError::UnknownScheme {
        url: redact_url(url),
    })?;
    let target = connect_url(url, dialect);
    let connect_err = |source| CatalogError::Connect {
        url: redact_url(url),
        source,
    };
    match dialect {
        Dialect::Postgres => {
            let (mut c, mut more) = open_lanes::<PgConnection>(&target)
                .await
                .map_err(connect_err)?;
            let read = postgres::read_on(&mut c, &mut more, opts).await;
            close_all(c, more).await;
            read
        }
        Dialect::Mysql => {
            let (mut c, mut more) = open_lanes::<MySqlConnection>(&target)
                .await
                .map_err(connect_err)?;
            let read = mysql::read_on(&mut c, &mut more, opts).await;
            close_all(c, more).await;
            read
        }
        Dialect::Sqlite => {
            let mut c = SqliteConnection::connect(&target)
                .await
                .map_err(connect_err)?;
            let read = sqlite::read(&mut c, opts).await;
            let _ = c.close().await;
            read
        }
    }
}

/// Reads the catalog over a connection the caller holds (a runner that has
/// taken its lock, for instance). Runs only `SELECT`s; no session state is
/// changed.
pub async fn read_schema_with<'c>(
    conn: impl Into<CatalogConnection<'c>>,
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    match conn.into() {
        CatalogConnection::Postgres(c) => postgres::read(c, opts).await,
        CatalogConnection::Mysql(c) => mysql::read(c, opts).await,
        CatalogConnection::Sqlite(c) => sqlite::read(c, opts).await,
    }
}

/// How many connections [`read_schema`] reads a PostgreSQL or MySQL
/// catalog on: the server works on several statements at once, and its
/// catalog statements take 5-25 ms each at 1,000 tables.
const CONNECTIONS: usize = 3;

/// [`CONNECTIONS`] connections to `target`: the statements after the first
/// run on all of them (`postgres::read_on`, `mysql::read_on`). The first
/// opens alone, so that a URL that cannot connect is tried once and fails
/// with the one error it always gave (three lookups or logins at once can
/// fail three ways); the others then open at once, and are a speed-up only
/// (a server at its connection limit reads on one).
async fn open_lanes<C: Connection>(target: &str) -> Result<(C, Vec<C>), sqlx::Error> {
    let first = C::connect(target).await?;
    let more = join_all((1..CONNECTIONS).map(|_| C::connect(target)).collect())
        .await
        .into_iter()
        .flatten()
        .collect();
    Ok((first, more))
}

async fn close_all<C: Connection>(first: C, more: Vec<C>) {
    for c in std::iter::once(first).chain(more) {
        let _ = c.close().await;
    }
}

/// Polls every future on the caller's task until all are done; their
/// outputs in order.
pub(crate) async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (f, out) in futures.iter_mut().zip(&mut done) {
            if out.is_none()
                && let std::task::Poll::Ready(v) = f.as_mut().poll(cx)
            {
                *out = Some(v);
            }
        }
        if done.iter().all(Option::is_some) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    done.into_iter()
        .map(|o| o.expect("polled to the end"))
        .collect()
}

/// The URL sqlx understands: `mariadb://` and `postgresql+psycopg2://`
/// become `mysql://` and `postgresql://`.
fn connect_url(url: &str, dialect: Dialect) -> String {
    let Some((scheme, rest)) = url.split_once(':') else {
        return url.to_owned();
    };
    let plain = scheme.split('+').next().unwrap_or(scheme);
    let scheme = match (dialect, plain.to_ascii_lowercase().as_str()) {
        (Dialect::Mysql, _) => "mysql".to_owned(),
        (_, p) => p.to_owned(),
    };
    format!("{scheme}:{rest}")
}

/// Runs `statements` over `first` and `more`, each connection its share one
/// after the other and the connections at once; the rows (or the error) of each, in
/// the order given. Every statement runs, so that the caller's first error
/// is the one a single connection would meet first. With more than one
/// connection the shares go round them in `by_cost` order (the statements
/// by the server time they take, most first), back and forth (0, 1, 2, 2,
/// 1 on three), so that the longest statements go first and apart.
pub(crate) async fn fetch_in_lanes<'q, DB, A, const N: usize>(
    dialect: Dialect,
    first: &mut DB::Connection,
    more: &mut [DB::Connection],
    by_cost: [usize; N],
    statements: [(&'static str, sqlx::query::Query<'q, DB, A>); N],
) -> [Result<Vec<DB::Row>, CatalogError>; N]
where
    DB: sqlx::Database,
    A: 'q + Send + sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let conns: Vec<&mut DB::Connection> = std::iter::once(first).chain(more).collect();
    let lanes = conns.len().min(N);
    let mut statements = statements.map(Some);
    let mut shares: Vec<Vec<_>> = (0..lanes).map(|_| Vec::new()).collect();
    // One connection sends them in the order they are read.
    let order: [usize; N] = if lanes == 1 {
        std::array::from_fn(|i| i)
    } else {
        by_cost
    };
    for (n, &i) in order.iter().enumerate() {
        let round = n / lanes;
        let lane = if round.is_multiple_of(2) {
            n % lanes
        } else {
            lanes - 1 - n % lanes
        };
        let statement = statements[i].take().expect("each statement once");
        shares[lane].push((i, statement));
    }
    let runs = conns
        .into_iter()
        .zip(shares)
        .map(|(conn, share)| async move {
            let mut out = Vec::new();
            for (i, (what, q)) in share {
                let rows = q
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|source| CatalogError::Query {
                        dialect,
                        what,
                        source,
                    });
                out.push((i, rows));
            }
            out
        });
    let mut rows: [Option<Result<Vec<DB::Row>, CatalogError>>; N] = std::array::from_fn(|_| None);
    for (i, r) in join_all(runs.collect()).await.into_iter().flatten() {
        rows[i] = Some(r);
    }
    rows.map(|r| r.expect("every statement ran"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_sqlx() {
        assert_eq!(
            connect_url("mariadb://root@h/db", Dialect::Mysql),
            "mysql://root@h/db"
        );
        assert_eq!(
            connect_url("postgresql+psycopg2://u@h/db", Dialect::Postgres),
            "postgresql://u@h/db"
        );
        assert_eq!(
            connect_url("sqlite://app.db", Dialect::Sqlite),
            "sqlite://app.db"
        );
    }

    #[tokio::test]
    async fn errors_hide_passwords() {
        let err = read_schema(
            "postgres://u:hunter2@127.0.0.1:1/db",
            &ReadOptions::default(),
        )
        .await
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("postgres://u:***@127.0.0.1:1/db"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        let err = read_schema("oracle://u:hunter2@h/db", &ReadOptions::default())
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }

    #[tokio::test]
    async fn a_missing_sqlite_file_is_an_error() {
        let dir = std::env::temp_dir().join("retort-catalog-no-such-dir/none.db");
        let url = format!("sqlite://{}", dir.display());
        assert!(matches!(
            read_schema(&url, &ReadOptions::default()).await,
            Err(CatalogError::Connect { .. })
        ));
    }
}
