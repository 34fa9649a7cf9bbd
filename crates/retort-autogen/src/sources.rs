//! Reading the three schemas of one chain: its models, what its revisions
//! build, and (online) its part of the live database.

use std::collections::BTreeSet;

use retort_core::{Dialect, Schema, redact_url};
use retort_diff::ColumnRename;
use retort_migrate::{Database, Migrator, Settings, schema_at};
use retort_script::Script;

use crate::chains::{Claim, SEAQL_MIGRATIONS, owned_part};
use crate::{AutogenError, Chain, Project};

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

/// Reads the schemas of `project.chains[index]`.
///
/// The entity sources are read on a second thread while the database is.
/// Other chains' models and revisions are read too, to know which tables of
/// a shared database are theirs.
pub async fn read_sources(
    project: &Project,
    index: usize,
    against: Against<'_>,
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
    let paths = chain.model_paths.clone();
    let given = chain
        .models
        .clone()
        .map(|s| without(s, &chain.exclude_tables));
    let models = std::thread::spawn(move || match given {
        Some(schema) => Ok(retort_entity::ModelSet {
            schema,
            ..retort_entity::ModelSet::default()
        }),
        None => retort_entity::read_models(&paths, &options),
    });
    let heads: Vec<String> = sorted(chain.script.heads().iter().map(|h| (*h).to_owned()));
    let chain_schema = without(schema_at(&chain.script, &heads)?, &chain.exclude_tables);
    let (dialect, raw) = match against {
        Against::Chain(d) => (d, None),
        Against::Database(url) => {
            let raw = read_database(project, index, Database::Url(url), &heads).await?;
            (Dialect::from_url(url).ok(), Some(raw))
        }
        Against::Connection(db) => {
            let raw = read_database(project, index, db, &heads).await?;
            (db.dialect(), Some(raw))
        }
    };
    let models = models.join().expect("the entity reader thread")?;
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

async fn read_database(
    project: &Project,
    index: usize,
    db: Database<'_>,
    heads: &[String],
) -> Result<RawDatabase, AutogenError> {
    let chain = &project.chains[index];
    // Reading the version table needs no revision: an empty script, not a
    // copy of the chain's (tens of MiB for thousands of tables).
    let no_revisions = Script::from_revisions(chain.script.location().to_path_buf(), Vec::new())
        .expect("an empty script is valid");
    let migrator = Migrator::new(
        no_revisions,
        Settings {
            version_table: chain.version_table.clone(),
            ..Settings::default()
        },
    );
    let rows = sorted(migrator.current(db).await?);
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
    // Every chain's bookkeeping tables and this chain's exclusions are left
    // out of the read itself.
    let mut dropped: BTreeSet<String> = project
        .chains
        .iter()
        .flat_map(Chain::bookkeeping_tables)
        .collect();
    dropped.extend(chain.exclude_tables.iter().cloned());
    let read_options = retort_catalog::ReadOptions::default()
        .version_table(chain.version_table.clone())
        .version_log_table(retort_migrate::log_table_name(&chain.version_table))
        .exclude_tables(dropped.iter().cloned().collect::<Vec<_>>());
    let read = read_catalog(db, &read_options).await?;
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
