//! The example application: a small SeaORM program that carries its retort
//! revisions (`retort::embed!`) and brings its database to head when it
//! starts, through its own `DatabaseConnection`.
//!
//! ```text
//! DATABASE_URL=sqlite://app.db?mode=rwc cargo run -p example-app
//! ```
//!
//! `migrations/` holds the revisions, written by
//! `retort revision --autogenerate` from the entities in `src/entities/`
//! (`alembic.toml` in this folder points the command at both).

pub mod entities;

use std::fmt;

use retort::{MigrateError, Migrator, RunReport};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set};

use entities::{author, post};

/// The revision files, checked when the program compiles and carried in it:
/// nothing is read from disk at run time.
pub static MIGRATIONS: &[(&str, &str)] = retort::embed!("migrations");

/// What a start did.
#[derive(Debug)]
pub struct Started {
    /// The revisions this start applied (none when the database was at head).
    pub applied: Vec<String>,
    /// The database's revision(s) after the upgrade.
    pub heads: Vec<String>,
    pub authors: u64,
    pub posts: u64,
}

/// Why the program could not start.
#[derive(Debug)]
pub enum StartError {
    /// The URL is malformed or the server is unreachable (URL masked).
    Connect { url: String, message: String },
    /// The upgrade to head failed; nothing of a failed revision was kept.
    Migrate(Box<MigrateError>),
    /// The application's own queries failed.
    Query(Box<DbErr>),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Connect { url, message } => write!(
                f,
                "cannot connect to `{url}`: {message}\nhint: set DATABASE_URL to a postgres://, mysql:// or sqlite:// URL (`sqlite://app.db?mode=rwc` creates the file)"
            ),
            StartError::Migrate(e) => write!(f, "upgrading the database to head failed: {e}"),
            StartError::Query(e) => write!(f, "the application's queries failed: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// Connects to `url`; a failure names the URL with its password masked.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StartError> {
    let shown = retort::redact_url(url);
    sea_orm::Database::connect(url)
        .await
        .map_err(|e| StartError::Connect {
            // The driver's message should not hold the URL; if it ever
            // does, it is masked too.
            message: e.to_string().replace(url, &shown),
            url: shown,
        })
}

/// Upgrades the database behind `db` to head with the embedded revisions.
/// Any number of copies may start at once: retort's lock lets one apply
/// each revision, the others find nothing to do.
pub async fn migrate(db: &DatabaseConnection) -> Result<RunReport, MigrateError> {
    Migrator::from_embedded(MIGRATIONS)?
        .upgrade(db, "head")
        .await
}

/// Start-up: connect, upgrade to head, then a little work with the entities
/// (one author and one post inserted, both counted).
pub async fn start(url: &str) -> Result<Started, StartError> {
    let db = connect(url).await?;
    let report = migrate(&db)
        .await
        .map_err(|e| StartError::Migrate(Box::new(e)))?;
    let query = |e| StartError::Query(Box::new(e));
    let (authors, posts) = write_and_count(&db).await.map_err(query)?;
    db.close().await.map_err(query)?;
    Ok(Started {
        applied: report.steps.iter().map(|s| s.revision.clone()).collect(),
        heads: report.heads_after,
        authors,
        posts,
    })
}

async fn write_and_count(db: &DatabaseConnection) -> Result<(u64, u64), DbErr> {
    // Unique per run, so copies started at once do not collide on `email`.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let who = author::ActiveModel {
        name: Set("Ada".to_owned()),
        email: Set(format!("ada-{}-{stamp}@example.org", std::process::id())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    post::ActiveModel {
        author_id: Set(who.id),
        title: Set("Hello".to_owned()),
        body: Set("Written at start-up.".to_owned()),
        published: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((
        author::Entity::find().count(db).await?,
        post::Entity::find().count(db).await?,
    ))
}
