//! `inspect models|revisions|db`: the schema a source describes.

use retort_core::Schema;
use retort_script::Script;

use crate::args::Format;
use crate::config::Config;
use crate::error::CliError;

pub fn revisions(
    config: &Config,
    script: &Script,
    format: Format,
    dialect: Option<retort_core::Dialect>,
) -> Result<(), CliError> {
    let heads: Vec<String> = script.heads().iter().map(|h| (*h).to_owned()).collect();
    let schema = retort_migrate::schema_at(script, &heads).map_err(crate::migrate_error)?;
    print_schema(config, &schema, format, dialect)
}

pub fn models(
    config: &Config,
    format: Format,
    dialect: Option<retort_core::Dialect>,
) -> Result<(), CliError> {
    let read = super::autogenerate::read_models(config)?;
    print_schema(config, &read.schema, format, dialect)
}

pub fn print_schema(
    config: &Config,
    schema: &Schema,
    format: Format,
    dialect: Option<retort_core::Dialect>,
) -> Result<(), CliError> {
    match format {
        Format::Json => {
            let text =
                serde_json::to_string_pretty(schema).map_err(|e| CliError::user(e.to_string()))?;
            outln!("{text}")?;
        }
        Format::Sql => {
            let dialect = super::migrate::dialect(config, dialect)?;
            let statements = retort_sql::render_schema(schema, dialect)
                .map_err(|e| CliError::user(e.to_string()))?;
            for s in statements {
                outln!("{};\n", s.as_str().trim_end().trim_end_matches(';'))?;
            }
        }
    }
    Ok(())
}

/// `inspect db`: the live schema as the catalog reads it.
pub fn db(
    config: &Config,
    format: Format,
    dialect: Option<retort_core::Dialect>,
) -> Result<(), CliError> {
    let (schema, url_dialect) = super::autogenerate::read_db(config)?;
    print_schema(config, &schema, format, dialect.or(Some(url_dialect)))
}
