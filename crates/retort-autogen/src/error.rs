//! What can stop a comparison, an autogenerate or a baseline.

use retort_core::Dialect;

use crate::Comparison;

/// Why a comparison, a revision or a baseline could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutogenError {
    #[error("{0}")]
    Entity(#[from] retort_entity::EntityError),
    #[error("{0}")]
    Catalog(#[from] retort_catalog::CatalogError),
    #[error("{0}")]
    Migrate(#[from] retort_migrate::MigrateError),
    #[error("{0}")]
    Script(#[from] retort_script::ScriptError),
    #[error("no entity sources for {chain}: its models paths are empty")]
    NoModels { chain: String },
    #[error("Target database is not up to date: it is at {at}, the revisions end at {heads}")]
    NotUpToDate { at: String, heads: String },
    #[error(
        "the version table `{table}` names revisions this chain does not have: {}",
        .rows.join(", ")
    )]
    UnknownVersions { table: String, rows: Vec<String> },
    /// The database holds what no revision records: the report says what.
    #[error("the database differs from what the revision chain builds")]
    Drifted(Box<Comparison>),
    #[error("`--rename {given}` does not match: {why}")]
    Rename { given: String, why: String },
    #[error("{0}")]
    BadRename(#[from] retort_diff::ParseRenameError),
    #[error(
        "{}`{table}.{column}` has type `{ty}`, which {dialect} cannot store",
        .at.as_ref().map(|a| format!("{a}: ")).unwrap_or_default(),
        dialect = .dialect.name()
    )]
    Unsupported {
        table: String,
        column: String,
        ty: String,
        dialect: Dialect,
        /// `file:line (field `name`)` of the entity field, when known.
        at: Option<String>,
    },
    #[error("`{0}` needs a live database: pass `--url URL` or set `url`")]
    NeedsDatabase(&'static str),
    #[error("cannot read the answer: {0}")]
    Answer(std::io::Error),
    /// A bug: the planned operations do not take one schema to the other.
    #[error("internal error: the planned operations do not replay: {0}")]
    Internal(#[from] retort_diff::VerifyError),
    /// A bug: the change could not be cut into revisions that replay.
    #[error("internal error: the change cannot be split into revisions: {0}")]
    Split(String),
}

impl AutogenError {
    /// The database refused or failed (exit 3), not the user's input.
    pub fn is_database(&self) -> bool {
        match self {
            AutogenError::Catalog(e) => {
                !matches!(e, retort_catalog::CatalogError::UnknownScheme { .. })
            }
            AutogenError::Migrate(e) => e.is_database(),
            _ => false,
        }
    }

    /// What to type next, when there is one thing to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            AutogenError::NoModels { .. } => {
                "add `paths = [\"src/entity\"]` under `[models]` in alembic.toml".into()
            }
            AutogenError::NotUpToDate { .. } => {
                "run `retort upgrade head` first, or compare with the chain: `--offline`".into()
            }
            AutogenError::UnknownVersions { .. } => {
                "run `retort baseline -m MESSAGE` to adopt the database into this chain (it replaces those rows)".into()
            }
            AutogenError::Drifted(c) => c.hints().join("\n"),
            AutogenError::Unsupported { .. } => {
                "give the field a type every target stores (e.g. `Json`), or compare for PostgreSQL".into()
            }
            AutogenError::Split(_) => "raise `max_tables_per_revision` under `[autogenerate]` in alembic.toml to write one revision, and please report this with the output of `retort inspect models --format json`".into(),
            AutogenError::Internal(_) => "please report this with the output of `retort inspect models --format json`, `retort inspect revisions --format json` and `retort inspect db --format json`".into(),
            _ => return None,
        })
    }
}
