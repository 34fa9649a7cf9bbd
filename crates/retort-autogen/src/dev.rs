//! Development start-up (FastAPI Boilerplate's `create_tables_on_start`,
//! SeaORM 2's schema sync): bring a local development database to the
//! models directly, with no revision file.
//!
//! **Development only.** Nothing records what ran, so no other database
//! can be brought to the same state, and nothing can be undone: production
//! databases are brought up by the revisions (`Migrator::upgrade`). The call
//! therefore refuses
//!
//! * a URL that is not local: only `localhost`, `127.0.0.0/8`, `::1`, a
//!   Unix socket (an empty host, `host=/path` or `socket=/path`) or an
//!   SQLite file;
//! * a database that revisions manage: one with a version table (retort's
//!   or Alembic's `alembic_version`, retort's log, or sea-orm-migration's
//!   `seaql_migrations`);
//! * destructive changes: a table or column the models no longer have, a
//!   narrowing type, enum values removed. They are named, and nothing runs.
//!
//! What it does: the database's catalog (D) and the models (M) are compared
//! as the dialect stores them, the operations from D to M are planned in the
//! models' own spellings (the same planner as `retort revision
//! --autogenerate`), rendered by `retort-sql`, and run under the migration
//! lock, in one transaction on PostgreSQL and SQLite.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use retort_core::{Dialect, Schema, redact_url, url_problem};
use retort_diff::{Change, DiffOptions};
use retort_migrate::{Database, MigrateError, log_table_name};

use crate::SEAQL_MIGRATIONS;
use crate::compare::normalized;

/// What [`sync_to_models`] compares, and with which settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DevSync {
    /// The SeaORM entity sources (files or folders), as `[models] paths`.
    pub model_paths: Vec<PathBuf>,
    /// The models as a schema already built (from compiled entities, or by
    /// a test) instead of read from `model_paths`.
    pub models: Option<Schema>,
    /// `[models.types]`: Rust type name -> retort type.
    pub types: BTreeMap<String, String>,
    /// Tables left alone: never compared, created or dropped.
    pub exclude_tables: Vec<String>,
    /// The version table whose presence means revisions manage the database
    /// (`alembic_version` is refused whatever this says).
    pub version_table: String,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
}

impl DevSync {
    /// Models read from these entity sources; the other settings default.
    pub fn new<P: Into<PathBuf>>(model_paths: impl IntoIterator<Item = P>) -> Self {
        DevSync {
            model_paths: model_paths.into_iter().map(Into::into).collect(),
            models: None,
            types: BTreeMap::new(),
            exclude_tables: Vec::new(),
            version_table: "alembic_version".to_owned(),
            lock_timeout: Duration::from_secs(60),
        }
    }

    /// Models given as a schema instead of entity sources.
    pub fn from_schema(models: Schema) -> Self {
        DevSync {
            models: Some(models),
            ..DevSync::new(Vec::<PathBuf>::new())
        }
    }

    pub fn exclude_tables<I, S>(mut self, tables: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_tables = tables.into_iter().map(Into::into).collect();
        self
    }
}

/// What a sync did: the changes (empty when the database already matched)
/// and the statements run.
#[derive(Debug, Clone, Default)]
pub struct Synced {
    pub changes: Vec<Change>,
    pub statements: Vec<String>,
    /// Warnings of the entity and catalog readers.
    pub warnings: Vec<String>,
}

/// Why [`sync_to_models`] refused or failed. A refusal changes nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevSyncError {
    #[error(
        "`{url}` is not a local database: the development start-up (`sync_to_models`) runs only on localhost, 127.0.0.1, ::1, a Unix socket or an SQLite file\nhint: bring other databases up with the revisions (`Migrator::upgrade`, `retort upgrade head`)"
    )]
    NotLocal { url: String },
    #[error("`{url}` is not a database URL: {message}")]
    BadUrl { url: String, message: String },
    #[error(
        "the database at `{url}` has `{table}`: revisions manage it, so the development start-up leaves it alone\nhint: run the revisions (`Migrator::upgrade`, `retort upgrade head`), or give the development start-up a database of its own"
    )]
    Managed { url: String, table: String },
    #[error(
        "the models would lose data the database at `{url}` holds; nothing was changed:{}\nhint: write a revision for it (`retort revision --autogenerate`), or drop the development database and start again",
        .changes.iter().map(|c| format!("\n  {c}")).collect::<String>()
    )]
    Destructive { url: String, changes: Vec<String> },
    #[error(
        "the development start-up has no models\nhint: give the entity sources (`DevSync::new([\"src/entities\"])`)"
    )]
    NoModels,
    #[error(transparent)]
    Models(#[from] retort_entity::EntityError),
    #[error(transparent)]
    Catalog(#[from] retort_catalog::CatalogError),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

/// Brings the local development database at `url` to the models; see the
/// module docs for what it refuses. A second call with the same models
/// finds nothing to do.
pub async fn sync_to_models(url: &str, options: &DevSync) -> Result<Synced, DevSyncError> {
    let shown = redact_url(url);
    let dialect = Dialect::from_url(url).map_err(|e| DevSyncError::BadUrl {
        url: shown.clone(),
        message: e.to_string(),
    })?;
    if let Some(message) = url_problem(url) {
        return Err(DevSyncError::BadUrl {
            url: shown,
            message,
        });
    }
    if !is_local(url, dialect) {
        return Err(DevSyncError::NotLocal { url: shown });
    }
    let mut warnings = Vec::new();
    let models = match &options.models {
        Some(m) => m.clone(),
        None if options.model_paths.is_empty() => return Err(DevSyncError::NoModels),
        None => {
            let read = retort_entity::read_models(
                &options.model_paths,
                &retort_entity::ReadOptions {
                    types: options.types.clone(),
                    exclude_tables: options.exclude_tables.clone(),
                },
            )?;
            warnings.extend(read.warnings.iter().map(ToString::to_string));
            read.schema
        }
    };
    let models = without(models, &options.exclude_tables);
    let database = read_database(url, &shown, options, &mut warnings).await?;

    let norm = |s: &Schema| normalized(Some(dialect), s);
    let (from, to) = (norm(&database), norm(&models));
    let diff_options = DiffOptions::for_dialect(Some(dialect));
    let mut diff = retort_diff::diff(&from, &to, &diff_options);
    warnings.extend(diff.warnings.iter().cloned());
    if diff.is_empty() {
        return Ok(Synced {
            warnings,
            ..Synced::default()
        });
    }
    if diff.is_destructive() {
        return Err(DevSyncError::Destructive {
            url: shown,
            changes: diff
                .changes
                .iter()
                .filter(|c| c.destructive)
                .map(|c| c.description.clone())
                .collect(),
        });
    }
    // The models' own spellings (a `bigint` stays `bigint` on SQLite).
    diff.respell(&from, &database, &to, &models);
    let statements = retort_migrate::execute_operations(
        Database::Url(url),
        &database,
        &diff.upgrade,
        options.lock_timeout,
    )
    .await?;
    Ok(Synced {
        changes: diff.changes,
        statements,
        warnings,
    })
}

/// The database's schema, refusing one that revisions manage. A missing
/// SQLite file is an empty database (the sync creates it).
async fn read_database(
    url: &str,
    shown: &str,
    options: &DevSync,
    warnings: &mut Vec<String>,
) -> Result<Schema, DevSyncError> {
    if retort_migrate::sqlite_file_missing(&Database::Url(url)) {
        return Ok(Schema::default());
    }
    // The version tables are read like any table, to be found.
    let read_options = retort_catalog::ReadOptions::default()
        .version_table("")
        .version_log_table("")
        .exclude_tables(options.exclude_tables.clone());
    let read = retort_catalog::read_schema(url, &read_options).await?;
    let managed = [
        options.version_table.clone(),
        log_table_name(&options.version_table),
        "alembic_version".to_owned(),
        log_table_name("alembic_version"),
        SEAQL_MIGRATIONS.to_owned(),
    ];
    if let Some(table) = managed
        .into_iter()
        .find(|t| read.schema.tables.contains_key(t))
    {
        return Err(DevSyncError::Managed {
            url: shown.to_owned(),
            table,
        });
    }
    warnings.extend(read.warnings);
    Ok(without(read.schema, &options.exclude_tables))
}

fn without(mut schema: Schema, exclude: &[String]) -> Schema {
    for t in exclude {
        schema.tables.remove(t);
    }
    schema
}

/// Whether `url` names a database on this machine: an SQLite file, or a
/// server on a loopback address or a Unix socket.
pub fn is_local(url: &str, dialect: Dialect) -> bool {
    if dialect == Dialect::Sqlite {
        return true;
    }
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let (authority_and_path, query) = match rest.split_once('?') {
        Some((a, q)) => (a, q),
        None => (rest, ""),
    };
    // A socket path in the query: PostgreSQL's `host=/run/postgresql`,
    // MySQL's `socket=/run/mysqld/mysqld.sock`.
    let socket_param = query.split('&').any(|kv| match kv.split_once('=') {
        Some((k, v)) => {
            matches!(k.to_ascii_lowercase().as_str(), "host" | "socket")
                && (v.starts_with('/') || v.to_ascii_lowercase().starts_with("%2f"))
        }
        None => false,
    });
    let authority = &authority_and_path[..authority_and_path
        .find(['/', '#'])
        .unwrap_or(authority_and_path.len())];
    let host_port = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        // No host: the driver's default, a Unix socket or localhost, unless
        // a `host=` in the query names a server.
        return socket_param || !query.to_ascii_lowercase().contains("host=");
    }
    if socket_param && !query.to_ascii_lowercase().contains("hostaddr=") {
        // `host=` in the query overrides the URL's host for libpq-style URLs;
        // a socket there is local whatever the authority says.
        return true;
    }
    if host == "localhost" || host.starts_with("%2f") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_urls() {
        let pg = Dialect::Postgres;
        let my = Dialect::Mysql;
        for (url, d) in [
            ("postgres://u:p@localhost/app", pg),
            ("postgres://u:p@LOCALHOST:5432/app", pg),
            ("postgres://127.0.0.1/app", pg),
            ("postgres://u@127.0.0.2:5433/app", pg),
            ("postgres://u:p@[::1]:5432/app", pg),
            ("postgres:///app", pg),
            ("postgres://u@/app?host=/run/postgresql", pg),
            ("postgres://%2Frun%2Fpostgresql/app", pg),
            ("mysql://root@127.0.0.1:3306/app", my),
            (
                "mysql://root@db.internal/app?socket=/run/mysqld/mysqld.sock",
                my,
            ),
            ("sqlite://app.db?mode=rwc", Dialect::Sqlite),
            ("sqlite::memory:", Dialect::Sqlite),
        ] {
            assert!(is_local(url, d), "{url} is local");
        }
        for (url, d) in [
            ("postgres://u:p@db.example.com/app", pg),
            ("postgres://u:p@10.0.0.5:5432/app", pg),
            ("postgres://u:p@[2001:db8::1]:5432/app", pg),
            ("postgres://u:p@localhost.example.com/app", pg),
            ("postgres:///app?host=db.example.com", pg),
            ("postgres://u:p%40localhost@db.example.com/app", pg),
            ("mysql://root@192.168.1.2/app", my),
        ] {
            assert!(!is_local(url, d), "{url} is not local");
        }
    }
}
