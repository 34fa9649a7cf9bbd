use retort_core::Dialect;

/// Why a catalog could not be read.
///
/// URLs in messages always go through [`retort_core::redact_url`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    #[error(
        "cannot tell the database kind of `{url}`\nhint: use a URL starting with postgres://, mysql:// or sqlite://"
    )]
    UnknownScheme { url: String },

    #[error(
        "cannot connect to `{url}`: {source}\nhint: check that the server runs and that `--url` or `url` in alembic.toml is right"
    )]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("{dialect}: reading the catalog ({what}) failed: {source}")]
    Query {
        dialect: Dialect,
        /// Which kind of catalog object was being read (`columns`, `indexes`, ...).
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "{dialect}: schema `{schema}` does not exist\nhint: check `--schema`, or leave it out to read the current schema"
    )]
    NoSuchSchema { dialect: Dialect, schema: String },
}
