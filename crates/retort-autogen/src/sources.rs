//! Reading the three schemas of one chain: its models, what its revisions
//! build, and (online) its part of the live database.

use std::collections::BTreeSet;

use retort_core::{Dialect, Schema, redact_url};
use retort_diff::ColumnRename;
use retort_migrate::{Database, Migrator, Settings, schema_at};
use retort_script::Script;

use crate::chains::{Claim, SEAQL_MIGRATIONS, owned_part};
use crate::{AutogenError, Project};

/// What the comparison runs against.
#[derive(Debug, Clone, Copy)]
pub enum Against<'a> {
    /// A live database at this URL.
    Database(&'a str),
    /// A live database through the application's connection: an sqlx pool
    /// or, with retort-migrate's feature `sea-orm`, a SeaORM
    /// `DatabaseConnection` (`Against::Connection((&db).into())`).
    Connection(Database<'a>),
    /// The revision chain alone (`--offline`), mapped to this dialect if any.
    Chain(Option<Dialect>),
}

/// The three schemas of one chain, as read (not yet mapped to a dialect).
#[derive(Debug, Clone)]
pub struct Sources {
    /// The chain they belong to, for messages ("app `billing`").
    pub chain_label: String,
    /// The dialect compared for: the database's, or the one asked offline.
    pub dialect: Option<Dialect>,
    /// M: what the entity sources describe.
    pub models: Schema,
    /// `#[sea_orm(renamed_from = "...")]` in the entities.
    pub renamed_from: Vec<ColumnRename>,
    /// Where each model column is written (empty for models given as a schema).
    pub model_fields: Vec<retort_entity::FieldLocation>,
    /// The chain's heads, sorted.
    pub heads: Vec<String>,
    /// C: what the revision chain builds up to its heads.
    pub chain: Schema,
    /// D, when compared online.
    pub database: Option<DatabaseSide>,
    /// Warnings of the entity reader and the catalog reader.
    pub warnings: Vec<String>,
}

impl Sources {
    /// Models already in memory (an application's compiled entities)
    /// against a revision chain replayed to its heads: no entity sources and
    /// no database, so only M vs C is compared. `dialect` is the one the
    /// report's DDL is shown in.
    pub fn models_against_chain(
        chain_label: impl Into<String>,
        script: &Script,
        dialect: Option<Dialect>,
        models: Schema,
        renamed_from: &[retort_entity::RenamedColumn],
        warnings: Vec<String>,
    ) -> Result<Sources, AutogenError> {
        let heads: Vec<String> = sorted(script.heads().iter().map(|h| (*h).to_owned()));
        let chain = schema_at(script, &heads)?;
        Ok(Sources {
            chain_label: chain_label.into(),
            dialect,
            models,
            renamed_from: renamed_from
                .iter()
                .map(|r| ColumnRename::new(&r.table, &r.from, &r.to))
                .collect(),
            model_fields: Vec::new(),
            heads,
            chain,
            database: None,
            warnings,
        })
    }
}

/// The live database, as far as this chain is concerned.
#[derive(Debug, Clone)]
pub struct DatabaseSide {
    /// The URL with its password masked.
    pub url: String,
    /// This chain's version table.
    pub version_table: String,
    /// This chain's part of the catalog: the tables its models or revisions
    /// claim, and for the main chain the tables nobody claims; never a
    /// version table, an excluded table or `seaql_migrations`.
    pub schema: Schema,
    /// The rows of this chain's version table, sorted.
    pub rows: Vec<String>,
    /// Rows naming revisions this chain does not have (Python Alembic's,
    /// another tool's).
    pub unknown_rows: Vec<String>,
    /// What the revisions build up to the known rows: the database's
    /// schema as the chain knows it. `None` when the rows are the chain's
    /// heads: it is then [`Sources::chain`].
    pub chain_at_rows: Option<Schema>,
    /// What was left alone and why (other chains' tables, sea-orm-migration).
    pub notes: Vec<String>,
}

/// The entity sources of a chain, being read on their own thread: started
/// before the chain's revision files are loaded, so that the two overlap
/// (`retort check` and `revision --autogenerate` load the revisions before
/// they know the chain's schema).
#[derive(Debug)]
pub struct ModelsRead {
    paths: Vec<std::path::PathBuf>,
    options: retort_entity::ReadOptions,
    handle: std::thread::JoinHandle<Result<retort_entity::ModelSet, retort_entity::EntityError>>,
}

impl ModelsRead {
    /// Starts reading the entity files under `paths`.
    pub fn start(
        paths: Vec<std::path::PathBuf>,
        options: retort_entity::ReadOptions,
    ) -> ModelsRead {
        let handle = {
            let (paths, options) = (paths.clone(), options.clone());
            std::thread::spawn(move || retort_entity::read_models(&paths, &options))
        };
        ModelsRead {
            paths,
            options,
            handle,
        }
    }

    fn join(self) -> Result<retort_entity::ModelSet, retort_entity::EntityError> {
        self.handle.join().expect("the entity reader thread")
    }
}

/// Reads the schemas of `project.chains[index]`.
///
/// The entity sources are read on a second thread and the revision chain
/// is replayed on a third while the database is read. Other chains' models
/// and revisions are read too, to know which tables of a shared database
/// are theirs.
pub async fn read_sources(
    project: &Project,
    index: usize,
    against: Against<'_>,
) -> Result<Sources, AutogenError> {
    read_sources_with(project, index, against, None, None).await
}

/// [`read_sources`] with the chain's entity sources already being read
/// (`started`) and its database being read on another thread (`database`,
/// joined once the chain's replay is under way). Each is used
/// when it read what [`read_sources`] would (the chain's `model_paths` with
/// the project's types and the chain's exclusions; the URL of
/// `Against::Database` with the project's version tables); otherwise it is
/// read again.
pub async fn read_sources_with(
    project: &Project,
    index: usize,
    against: Against<'_>,
    started: Option<ModelsRead>,
    database: Option<std::thread::JoinHandle<DatabaseRead>>,
) -> Result<Sources, AutogenError> {
    let chain = &project.chains[index];
    if chain.model_paths.is_empty() && chain.models.is_none() {
        return Err(AutogenError::NoModels {
            chain: chain.label(),
        });
    }
    let options = retort_entity::ReadOptions {
        types: project.types.clone(),
        exclude_tables: chain.exclude_tables.clone(),
    };
    let started = started
        .filter(|m| chain.models.is_none() && m.paths == chain.model_paths && m.options == options);
    let given = chain
        .models
        .clone()
        .map(|s| without(s, &chain.exclude_tables));
    let models = match (started, given) {
        (_, Some(schema)) => Models::Given(schema),
        (Some(m), None) => Models::Reading(m),
        (None, None) => Models::Reading(ModelsRead::start(chain.model_paths.clone(), options)),
    };
    let heads: Vec<String> = sorted(chain.script.heads().iter().map(|h| (*h).to_owned()));
    // The replay on its own thread, over a copy of the graph (the
    // revisions themselves are shared, not copied).
    let replay = {
        let (script, heads) = (chain.script.clone(), heads.clone());
        std::thread::spawn(move || schema_at(&script, &heads))
    };
    let read = async {
        Ok::<_, AutogenError>(match against {
            Against::Chain(d) => (d, None),
            Against::Database(url) => {
                let raw =
                    read_database(project, index, Database::Url(url), &heads, database).await?;
                (Dialect::from_url(url).ok(), Some(raw))
            }
            Against::Connection(db) => {
                let raw = read_database(project, index, db, &heads, None).await?;
                (db.dialect(), Some(raw))
            }
        })
    }
    .await;
    // A chain that does not replay is reported before the database.
    let chain_schema = without(
        replay.join().expect("the chain replay thread")?,
        &chain.exclude_tables,
    );
    let (dialect, raw) = read?;
    let models = match models {
        Models::Given(schema) => retort_entity::ModelSet {
            schema,
            ..retort_entity::ModelSet::default()
        },
        Models::Reading(m) => m.join()?,
    };
    let mut warnings: Vec<String> = models.warnings.iter().map(ToString::to_string).collect();
    let database = match raw {
        None => None,
        Some(raw) => {
            warnings.extend(raw.read.warnings);
            let (mut mine, others) = claims(project, index, raw.chain_at_rows.as_ref())?;
            mine.add(&models.schema);
            mine.add(&chain_schema);
            let main = chain.name.is_none();
            let (schema, left_out) =
                owned_part(raw.read.schema, &mine, &others, main, &raw.dropped);
            let mut notes = raw.notes;
            if !left_out.is_empty() {
                notes.push(format!(
                    "left to the other chains: {}",
                    left_out
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            Some(DatabaseSide {
                url: raw.url,
                version_table: chain.version_table.clone(),
                schema,
                rows: raw.rows,
                unknown_rows: raw.unknown,
                chain_at_rows: raw.chain_at_rows,
                notes,
            })
        }
    };
    Ok(Sources {
        chain_label: chain.label(),
        dialect,
        models: models.schema,
        renamed_from: models
            .renamed_from
            .iter()
            .map(|r| ColumnRename::new(&r.table, &r.from, &r.to))
            .collect(),
        model_fields: models.fields,
        heads,
        chain: chain_schema,
        database,
        warnings,
    })
}

/// Where a chain's models come from.
enum Models {
    Given(Schema),
    Reading(ModelsRead),
}

/// The database as read, before it is split between the chains.
struct RawDatabase {
    url: String,
    rows: Vec<String>,
    unknown: Vec<String>,
    chain_at_rows: Option<Schema>,
    read: retort_catalog::CatalogRead,
    /// Bookkeeping and excluded tables.
    dropped: BTreeSet<String>,
    notes: Vec<String>,
}

/// A chain's version rows and catalog, read ahead: neither needs the
/// revisions, so the CLI starts this (on its own thread) while they load.
#[derive(Debug)]
pub struct DatabaseRead {
    url: String,
    version_table: String,
    left_out: BTreeSet<String>,
    read: RowsAndCatalog,
}

/// The version rows (sorted) and the catalog, each as it was read.
type RowsAndCatalog = (
    Result<Vec<String>, AutogenError>,
    Result<retort_catalog::CatalogRead, AutogenError>,
);

impl DatabaseRead {
    /// Reads the database at `url` as [`read_sources`] would for the chain
    /// `project_version_tables[index]` of a project whose chains keep their
    /// version tables in `project_version_tables`, `exclude_tables` being
    /// that chain's. Errors are kept, for [`read_sources_with`] to return
    /// in their turn.
    pub async fn read(
        url: &str,
        project_version_tables: &[String],
        index: usize,
        exclude_tables: &[String],
    ) -> DatabaseRead {
        let version_table = project_version_tables[index].clone();
        let left_out = left_out(project_version_tables.iter(), exclude_tables);
        let read = read_rows_and_catalog(Database::Url(url), &version_table, &left_out).await;
        DatabaseRead {
            url: url.to_owned(),
            version_table,
            left_out,
            read,
        }
    }
}

/// Every chain's bookkeeping tables and one chain's exclusions: left out of
/// that chain's catalog read.
fn left_out<'a>(
    version_tables: impl Iterator<Item = &'a String>,
    exclude_tables: &[String],
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = version_tables
        .flat_map(|v| [v.clone(), retort_migrate::log_table_name(v)])
        .collect();
    out.extend(exclude_tables.iter().cloned());
    out
}

/// The version rows (sorted) and the catalog without `left_out`, on two
/// connections at once (a missing SQLite file is created by neither).
async fn read_rows_and_catalog(
    db: Database<'_>,
    version_table: &str,
    left_out: &BTreeSet<String>,
) -> RowsAndCatalog {
    // Reading the version table needs no revision: an empty script, not a
    // copy of the chain's (tens of MiB for thousands of tables).
    let no_revisions = Script::from_revisions(std::path::PathBuf::new(), Vec::new())
        .expect("an empty script is valid");
    let migrator = Migrator::new(
        no_revisions,
        Settings {
            version_table: version_table.to_owned(),
            ..Settings::default()
        },
    );
    let read_options = retort_catalog::ReadOptions::default()
        .version_table(version_table.to_owned())
        .version_log_table(retort_migrate::log_table_name(version_table))
        .exclude_tables(left_out.iter().cloned().collect::<Vec<_>>());
    if let Some(pool) = one_sqlite_connection(db, migrator.settings().lock_timeout).await {
        // One SQLite connection for both: each new connection parses the
        // whole schema (`sqlite_master`) before its first statement, which
        // for thousands of tables costs more than the reads themselves.
        let shared = Database::Sqlite(&pool);
        let rows = migrator.current(shared).await;
        let read = read_catalog(shared, &read_options).await;
        pool.close().await;
        return (rows.map(sorted).map_err(Into::into), read);
    }
    let (rows, read) = both(migrator.current(db), read_catalog(db, &read_options)).await;
    (rows.map(sorted).map_err(Into::into), read)
}

/// A pool of one connection to the SQLite file `db` names, when it exists
/// and opens; `None` otherwise (the two reads then open their own, and
/// report a missing file or a failure as they always do).
async fn one_sqlite_connection(
    db: Database<'_>,
    busy_timeout: std::time::Duration,
) -> Option<sqlx::SqlitePool> {
    let Database::Url(url) = db else {
        return None;
    };
    if Dialect::from_url(url).ok() != Some(Dialect::Sqlite)
        || retort_migrate::sqlite_file_missing(&db)
    {
        return None;
    }
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)
        .ok()?
        .busy_timeout(busy_timeout);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .ok()
}

async fn read_database(
    project: &Project,
    index: usize,
    db: Database<'_>,
    heads: &[String],
    ahead: Option<std::thread::JoinHandle<DatabaseRead>>,
) -> Result<RawDatabase, AutogenError> {
    let chain = &project.chains[index];
    let mut dropped = left_out(
        project.chains.iter().map(|c| &c.version_table),
        &chain.exclude_tables,
    );
    let ahead = ahead
        .map(|h| h.join().expect("the database reader thread"))
        .filter(|a| {
            matches!(db, Database::Url(url) if url == a.url)
                && a.version_table == chain.version_table
                && a.left_out == dropped
        });
    let (rows, read) = match ahead {
        Some(a) => a.read,
        None => read_rows_and_catalog(db, &chain.version_table, &dropped).await,
    };
    let rows = rows?;
    let (known, unknown): (Vec<String>, Vec<String>) = rows
        .iter()
        .cloned()
        .partition(|r| chain.script.get(r).is_some());
    let chain_at_rows = if known == heads {
        None
    } else {
        Some(without(
            schema_at(&chain.script, &known)?,
            &chain.exclude_tables,
        ))
    };
    let read = read?;
    let mut notes = Vec::new();
    if read.schema.tables.contains_key(SEAQL_MIGRATIONS) {
        notes.push(format!(
            "`{SEAQL_MIGRATIONS}` is sea-orm-migration's bookkeeping table: left alone, never adopted or dropped"
        ));
    }
    dropped.insert(SEAQL_MIGRATIONS.to_owned());
    Ok(RawDatabase {
        url: match db {
            Database::Url(url) => redact_url(url),
            _ => "(the application's connection)".to_owned(),
        },
        rows,
        unknown,
        chain_at_rows,
        read,
        dropped,
        notes,
    })
}

/// Runs two futures at once on the caller's task; both outputs.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// The catalog over a URL, or over one connection taken from a pool.
async fn read_catalog(
    db: Database<'_>,
    options: &retort_catalog::ReadOptions,
) -> Result<retort_catalog::CatalogRead, AutogenError> {
    use retort_catalog::{CatalogError, read_schema_with};
    let pool_err = |source| CatalogError::Connect {
        url: "(the application's connection)".to_owned(),
        source,
    };
    Ok(match db {
        // An empty database, as the version table's reading takes it; the
        // file is created by the first `upgrade`, not by a comparison.
        Database::Url(_) if retort_migrate::sqlite_file_missing(&db) => {
            retort_catalog::CatalogRead::empty()
        }
        Database::Url(url) => retort_catalog::read_schema(url, options).await?,
        Database::Postgres(p) => {
            let mut c = p.acquire().await.map_err(pool_err)?;
            read_schema_with(&mut *c, options).await?
        }
        Database::Mysql(p) => {
            let mut c = p.acquire().await.map_err(pool_err)?;
            read_schema_with(&mut *c, options).await?
        }
        Database::Sqlite(p) => {
            let mut c = p.acquire().await.map_err(pool_err)?;
            read_schema_with(&mut *c, options).await?
        }
        Database::Unsupported(kind) => {
            return Err(retort_migrate::MigrateError::UnsupportedConnection { kind }.into());
        }
    })
}

/// What this chain's revisions (at the database's rows) and the other
/// chains claim: their models' tables and what their revisions build.
fn claims(
    project: &Project,
    index: usize,
    chain_at_rows: Option<&Schema>,
) -> Result<(Claim, Claim), AutogenError> {
    let mut mine = Claim::default();
    if let Some(s) = chain_at_rows {
        mine.add(s);
    }
    let mut others = Claim::default();
    for (i, other) in project.chains.iter().enumerate() {
        if i == index {
            continue;
        }
        if let Some(models) = &other.models {
            others.add(models);
        } else if !other.model_paths.is_empty() {
            let options = retort_entity::ReadOptions {
                types: project.types.clone(),
                exclude_tables: other.exclude_tables.clone(),
            };
            // Only the table names matter here: an unreadable entity of
            // another chain is that chain's error, not this comparison's.
            if let Ok(models) = retort_entity::read_models(&other.model_paths, &options) {
                others.add(&models.schema);
            }
        }
        let heads: Vec<String> = other
            .script
            .heads()
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
        others.add(&schema_at(&other.script, &heads)?);
    }
    Ok((mine, others))
}

fn sorted(v: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().collect();
    v.sort();
    v
}

/// `schema` without the tables a chain excludes.
fn without(mut schema: Schema, exclude: &[String]) -> Schema {
    for t in exclude {
        schema.tables.remove(t);
    }
    schema
}
