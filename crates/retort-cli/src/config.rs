//! `alembic.toml`: finding it, expanding `${VAR}`, reading `.env`.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::CliError;

pub const CONFIG_FILE: &str = "alembic.toml";
pub const DEFAULT_FILE_TEMPLATE: &str = "{year}{month}{day}_{hour}{minute}{second}_{rev}_{slug}";

/// The settings of one revision chain, after expansion and path resolution.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where `versions/` lives, resolved against the config file's folder.
    pub script_location: PathBuf,
    pub url: Option<String>,
    pub version_table: String,
    pub file_template: String,
    pub transaction_per_migration: bool,
    /// Seconds to wait for another run's lock.
    pub lock_timeout: u64,
    /// SQLite: WAL mode for a run (`sqlite_wal = false` keeps the file's own).
    pub sqlite_wal: bool,
    pub models: Models,
    /// `[apps.NAME]` sections, in the order the file has them.
    pub apps: IndexMap<String, AppConfig>,
    /// The app these settings are for (`-n NAME`), `None` for the main chain.
    pub app: Option<String>,
    /// The main chain's settings, when these are an app's.
    pub main: Option<Box<Config>>,
    /// `[lint]`: a finding code to `off`, `info`, `warning` or `error`.
    pub lint: BTreeMap<String, String>,
    /// `[safety]`: the revisions' default `lock_timeout` and
    /// `statement_timeout` for their DDL, and `retries` on a lock timeout
    /// (not `[alembic] lock_timeout`, the wait for retort's own lock).
    pub safety: retort_script::RevisionSafety,
    /// `[autogenerate] safe = true`: autogenerate writes the PostgreSQL
    /// forms that do not block writes.
    pub autogenerate_safe: bool,
    /// `[autogenerate] max_tables_per_revision`: a bigger change is written
    /// as several chained revisions.
    pub max_tables_per_revision: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Models {
    pub paths: Vec<PathBuf>,
    pub exclude_tables: Vec<String>,
    pub types: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub script_location: PathBuf,
    pub version_table: String,
    pub models: Vec<PathBuf>,
    /// Tables this app leaves alone, besides `[models] exclude_tables`.
    pub exclude_tables: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    alembic: RawAlembic,
    #[serde(default)]
    models: RawModels,
    #[serde(default)]
    apps: IndexMap<String, RawApp>,
    #[serde(default)]
    lint: BTreeMap<String, String>,
    #[serde(default)]
    safety: RawSafety,
    #[serde(default)]
    autogenerate: RawAutogenerate,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSafety {
    lock_timeout: Option<String>,
    statement_timeout: Option<String>,
    retries: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAutogenerate {
    safe: Option<bool>,
    max_tables_per_revision: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAlembic {
    script_location: Option<String>,
    url: Option<String>,
    version_table: Option<String>,
    file_template: Option<String>,
    transaction_per_migration: Option<bool>,
    lock_timeout: Option<u64>,
    sqlite_wal: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawModels {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    exclude_tables: Vec<String>,
    #[serde(default)]
    types: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    script_location: String,
    version_table: Option<String>,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    exclude_tables: Vec<String>,
}

impl Config {
    /// Finds the config: `-c PATH`, then `RETORT_CONFIG`, then `./alembic.toml`.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, CliError> {
        let from_env = std::env::var_os("RETORT_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        match explicit.map(Path::to_path_buf).or(from_env) {
            Some(p) => {
                if !p.is_file() {
                    return Err(
                        CliError::user(format!("config file `{}` not found", p.display()))
                            .hint("check the path given to `-c/--config` or `RETORT_CONFIG`"),
                    );
                }
                Config::load(&p)
            }
            None => {
                let p = PathBuf::from(CONFIG_FILE);
                if p.is_file() {
                    Config::load(&p)
                } else {
                    Err(
                        CliError::user(format!("no `{CONFIG_FILE}` in the current directory"))
                            .hint("run `retort init` to create one, or pass `-c PATH`"),
                    )
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Config, CliError> {
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let text = fs_err::read_to_string(path).map_err(|e| CliError::user(e.to_string()))?;
        let env = DotEnv::load(&base.join(".env"))?;
        let raw: RawFile = toml::from_str(&text)
            .map_err(|e| CliError::user(format!("{}:{}", path.display(), toml_error(&text, &e))))?;
        let expand = |key: &str, v: &str| {
            expand_vars(v, &env).map_err(|var| {
                CliError::user(format!(
                    "config `{}`: `{key}` uses `${{{var}}}`, which is not set",
                    path.display()
                ))
                .hint(format!(
                    "set {var} in the environment or in .env, or write `${{{var}:-default}}`"
                ))
            })
        };
        let resolve = |p: String| {
            if Path::new(&p).is_absolute() {
                PathBuf::from(p)
            } else {
                base.join(p)
            }
        };
        let a = raw.alembic;
        let script_location = resolve(expand(
            "script_location",
            a.script_location.as_deref().unwrap_or("migrations"),
        )?);
        let url = a
            .url
            .as_deref()
            .map(|u| expand("url", u))
            .transpose()?
            .filter(|u| !u.is_empty());
        let mut paths = Vec::new();
        for p in &raw.models.paths {
            paths.push(resolve(expand("models.paths", p)?));
        }
        let duration = |key: &str, v: &Option<String>| {
            v.as_deref()
                .map(|v| {
                    retort_script::parse_duration(&expand(key, v)?).map_err(|m| {
                        let (m, hint) = m.split_once("\nhint: ").unwrap_or((&m, ""));
                        CliError::user(format!(
                            "config `{}`: `[safety] {key}`: {m}",
                            path.display()
                        ))
                        .hint(hint.to_owned())
                    })
                })
                .transpose()
        };
        let safety = retort_script::RevisionSafety {
            lock_timeout: duration("lock_timeout", &raw.safety.lock_timeout)?,
            statement_timeout: duration("statement_timeout", &raw.safety.statement_timeout)?,
            retries: raw.safety.retries,
        };
        let mut apps = IndexMap::new();
        for (name, app) in raw.apps {
            let models = app.models.into_iter().map(&resolve).collect();
            apps.insert(
                name.clone(),
                AppConfig {
                    script_location: resolve(app.script_location),
                    version_table: app
                        .version_table
                        .unwrap_or_else(|| format!("alembic_version_{name}")),
                    models,
                    exclude_tables: app.exclude_tables,
                },
            );
        }
        let max_tables_per_revision = raw
            .autogenerate
            .max_tables_per_revision
            .unwrap_or(retort_autogen::DEFAULT_MAX_TABLES_PER_REVISION);
        if max_tables_per_revision == 0 {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("max_tables_per_revision"))
                .map_or(0, |i| i + 1);
            return Err(CliError::user(format!(
                "{}:{line}: `max_tables_per_revision` under `[autogenerate]` is 0",
                path.display()
            ))
            .hint(format!(
                "give at least 1, or leave it out for the default ({})",
                retort_autogen::DEFAULT_MAX_TABLES_PER_REVISION
            )));
        }
        Ok(Config {
            script_location,
            url,
            version_table: a.version_table.unwrap_or_else(|| "alembic_version".into()),
            file_template: a
                .file_template
                .unwrap_or_else(|| DEFAULT_FILE_TEMPLATE.into()),
            transaction_per_migration: a.transaction_per_migration.unwrap_or(true),
            lock_timeout: a.lock_timeout.unwrap_or(60),
            sqlite_wal: a.sqlite_wal.unwrap_or(true),
            models: Models {
                paths,
                exclude_tables: raw.models.exclude_tables,
                types: raw.models.types,
            },
            apps,
            app: None,
            main: None,
            lint: raw.lint,
            safety,
            autogenerate_safe: raw.autogenerate.safe.unwrap_or(false),
            max_tables_per_revision,
        })
    }

    /// The main chain's settings.
    pub fn root(&self) -> &Config {
        self.main.as_deref().unwrap_or(self)
    }

    /// The settings of every chain: the main one, then each app in file order.
    pub fn all_chains(&self) -> Result<Vec<Config>, CliError> {
        let root = self.root();
        let mut out = vec![root.clone()];
        for name in root.apps.keys() {
            out.push(root.for_app(name)?);
        }
        Ok(out)
    }

    /// The settings for `[apps.NAME]`, which share everything else.
    pub fn for_app(&self, name: &str) -> Result<Config, CliError> {
        let app = self.apps.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.apps.keys().map(String::as_str).collect();
            CliError::user(format!("no app `{name}` in the config")).hint(if known.is_empty() {
                "the config has no [apps.*] sections".to_owned()
            } else {
                format!("known apps: {}", known.join(", "))
            })
        })?;
        let root = self.root().clone();
        let mut c = root.clone();
        c.app = Some(name.to_owned());
        c.main = Some(Box::new(root));
        c.script_location = app.script_location.clone();
        c.version_table = app.version_table.clone();
        c.models.paths = app.models.clone();
        c.models
            .exclude_tables
            .extend(app.exclude_tables.iter().cloned());
        Ok(c)
    }
}

/// A toml error as `L:C: message`, to follow a file name.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim_end_matches('.').to_owned();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{line}:{col}: {msg}")
        }
        None => format!(" {msg}"),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Variables from a `.env` file; the process environment wins over them.
#[derive(Debug, Default)]
pub struct DotEnv(BTreeMap<String, String>);

impl DotEnv {
    pub fn load(path: &Path) -> Result<DotEnv, CliError> {
        let Ok(text) = fs_err::read_to_string(path) else {
            return Ok(DotEnv::default());
        };
        let mut vars = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((k, v)) = line.split_once('=') else {
                return Err(CliError::user(format!(
                    "`{}` line {}: expected `NAME=value`",
                    path.display(),
                    i + 1
                )));
            };
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(v);
            vars.insert(k.trim().to_owned(), v.to_owned());
        }
        Ok(DotEnv(vars))
    }

    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.0.get(name).cloned())
    }
}

/// Expands `${VAR}` and `${VAR:-default}`; `Err(var)` names an unset variable.
fn expand_vars(input: &str, env: &DotEnv) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = input;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        match (env.get(name).filter(|v| !v.is_empty()), default) {
            (Some(v), _) => out.push_str(&v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => return Err(name.to_owned()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let env = DotEnv([("RETORT_T_A".to_owned(), "x".to_owned())].into());
        assert_eq!(expand_vars("a${RETORT_T_A}b", &env).unwrap(), "axb");
        assert_eq!(
            expand_vars("${RETORT_T_UNSET:-sqlite://d.db}", &env).unwrap(),
            "sqlite://d.db"
        );
        assert_eq!(
            expand_vars("${RETORT_T_UNSET}", &env).unwrap_err(),
            "RETORT_T_UNSET"
        );
        assert_eq!(expand_vars("plain", &env).unwrap(), "plain");
    }

    #[test]
    fn loads_with_dotenv_and_resolves_paths() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(
            dir.path().join(".env"),
            "RETORT_T_URL='postgres://u:pw@h/db'\n# c\n",
        )
        .unwrap();
        fs_err::write(
            dir.path().join(CONFIG_FILE),
            "[alembic]\nscript_location = \"m\"\nurl = \"${RETORT_T_URL}\"\n[models]\npaths = [\"src/entity\"]\n[models.types]\nUserId = \"integer\"\n[apps.billing]\nscript_location = \"b/m\"\n",
        )
        .unwrap();
        let c = Config::load(&dir.path().join(CONFIG_FILE)).unwrap();
        assert_eq!(c.script_location, dir.path().join("m"));
        assert_eq!(c.url.as_deref(), Some("postgres://u:pw@h/db"));
        assert_eq!(c.models.types["UserId"], "integer");
        let b = c.for_app("billing").unwrap();
        assert_eq!(b.version_table, "alembic_version_billing");
        assert!(c.for_app("nope").is_err());
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        fs_err::write(
            &p,
            "[alembic]\nurl = \"sqlite://x\"\nscript_locaton = \"m\"\n",
        )
        .unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(
            e.contains("alembic.toml:3:1: unknown field `script_locaton`"),
            "{e}"
        );
    }
}
