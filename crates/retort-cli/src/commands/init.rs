//! `retort init [DIR]`.

use std::path::Path;

use crate::config::CONFIG_FILE;
use crate::error::CliError;

const TEMPLATE: &str = r#"# retort configuration: see the README for every key.
[alembic]
# Where versions/ lives, relative to this file.
script_location = "migrations"
# sqlite://, postgres:// or mysql://; ${VAR} and ${VAR:-default} are expanded,
# and a .env file next to this one is read.
url = "${DATABASE_URL:-sqlite://app.db}"
version_table = "alembic_version"
file_template = "{year}{month}{day}_{hour}{minute}{second}_{rev}_{slug}"
transaction_per_migration = true

[models]
# SeaORM entity sources.
paths = ["src/entity"]
exclude_tables = []

[models.types]
# Types the entity reader cannot resolve, e.g. UserId = "integer".
"#;

pub fn run(dir: &Path) -> Result<(), CliError> {
    let config = dir.join(CONFIG_FILE);
    if config.exists() {
        return Err(
            CliError::user(format!("`{}` already exists", config.display()))
                .hint("edit it, or run `retort init` in another directory"),
        );
    }
    let versions = dir.join("migrations").join("versions");
    if versions.exists()
        && fs_err::read_dir(&versions)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        return Err(CliError::user(format!(
            "`{}` is not empty",
            versions.display()
        )));
    }
    fs_err::create_dir_all(&versions).map_err(|e| CliError::user(e.to_string()))?;
    fs_err::write(versions.join(".gitkeep"), "").map_err(|e| CliError::user(e.to_string()))?;
    fs_err::write(&config, TEMPLATE).map_err(|e| CliError::user(e.to_string()))?;
    eprintln!(
        "Created `{}` and `{}`",
        config.display(),
        versions.display()
    );
    Ok(())
}
