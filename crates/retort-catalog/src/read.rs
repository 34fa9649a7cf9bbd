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
            let mut c = PgConnection::connect(&target).await.map_err(connect_err)?;
            let read = postgres::read(&mut c, opts).await;
            let _ = c.close().await;
            read
        }
        Dialect::Mysql => {
            // Three connections, opened at once: the statements run on all
            // three (see `mysql::read_on`). Only the first must open; the
            // others are a speed-up (a server at its connection limit
            // reads on one).
            let mut conns = join_all(
                (0..MYSQL_CONNECTIONS)
                    .map(|_| MySqlConnection::connect(&target))
                    .collect(),
            )
            .await
            .into_iter();
            let mut c = conns
                .next()
                .expect("one connection at least")
                .map_err(connect_err)?;
            let mut more: Vec<MySqlConnection> = conns.flatten().collect();
            let read = mysql::read_on(&mut c, &mut more, opts).await;
            for c in std::iter::once(c).chain(more) {
                let _ = c.close().await;
            }
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

/// How many connections [`read_schema`] reads a MySQL catalog on.
const MYSQL_CONNECTIONS: usize = 3;

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
