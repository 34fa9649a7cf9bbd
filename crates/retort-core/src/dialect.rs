use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A SQL dialect retort renders for and connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

    /// The dialect of a database URL, from its scheme.
    pub fn from_url(url: &str) -> Result<Self, ParseDialectError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or(url);
        let scheme = scheme.split('+').next().unwrap_or(scheme);
        scheme.parse()
    }

    /// Whether DDL statements take part in transactions.
    pub fn transactional_ddl(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown dialect `{0}`; expected one of `postgres`, `mysql`, `sqlite`")]
pub struct ParseDialectError(pub String);

impl FromStr for Dialect {
    type Err = ParseDialectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            _ => Err(ParseDialectError(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_url() {
        assert_eq!(
            Dialect::from_url("postgres://u:p@h/db").unwrap(),
            Dialect::Postgres
        );
        assert_eq!(
            Dialect::from_url("postgresql+psycopg2://h/db").unwrap(),
            Dialect::Postgres
        );
        assert_eq!(
            Dialect::from_url("mysql://root@h/db").unwrap(),
            Dialect::Mysql
        );
        assert_eq!(
            Dialect::from_url("mariadb://root@h/db").unwrap(),
            Dialect::Mysql
        );
        assert_eq!(
            Dialect::from_url("sqlite://app.db").unwrap(),
            Dialect::Sqlite
        );
        assert_eq!(
            Dialect::from_url("sqlite::memory:").unwrap(),
            Dialect::Sqlite
        );
        assert!(Dialect::from_url("oracle://x").is_err());
    }
}
