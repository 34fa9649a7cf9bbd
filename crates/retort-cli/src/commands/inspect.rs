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
    let (schema, url_dialect) = read_db(config)?;
    print_schema(config, &schema, format, dialect.or(Some(url_dialect)))
}

/// The live schema, without any chain's version tables and without
/// `[models] exclude_tables`.
fn read_db(config: &Config) -> Result<(Schema, retort_core::Dialect), CliError> {
    use retort_core::{Dialect, redact_url};
    let url = super::online::url(config)?;
    let dialect = Dialect::from_url(url).map_err(|e| {
        CliError::user(format!(
            "cannot tell the dialect of `{}`: {e}",
            redact_url(url)
        ))
    })?;
    let mut exclude = config.models.exclude_tables.clone();
    for c in config.all_chains()? {
        exclude.push(retort_migrate::log_table_name(&c.version_table));
        exclude.push(c.version_table);
    }
    let options = retort_catalog::ReadOptions::default()
        .version_table(config.version_table.clone())
        .version_log_table(retort_migrate::log_table_name(&config.version_table))
        .exclude_tables(exclude);
    let read = super::online::block_on(retort_catalog::read_schema(url, &options))
        .map_err(|e| CliError::database(e.to_string()))?;
    for w in &read.warnings {
        crate::style::warn(w);
    }
    Ok((read.schema, dialect))
}
