use std::fmt;
use std::str::FromStr;

use retort_core::Dialect;
use serde::Serialize;

/// How to compare: what the target can store, and which tables and columns
/// were renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Compare table and column comments (SQLite keeps none).
    pub compare_comments: bool,
    /// Columns known to be renamed (`--rename`, answers, `renamed_from`).
    /// Their table is named as in `to`, after any table rename.
    pub renames: Vec<ColumnRename>,
    /// Tables known to be renamed (`--rename old=new`, answers).
    pub table_renames: Vec<TableRename>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions::for_dialect(None)
    }
}

impl DiffOptions {
    /// The comparison profile of `dialect`; `None` compares everything.
    pub fn for_dialect(dialect: Option<Dialect>) -> Self {
        DiffOptions {
            compare_comments: dialect != Some(Dialect::Sqlite),
            renames: Vec::new(),
            table_renames: Vec::new(),
        }
    }

    pub fn renames(mut self, renames: impl IntoIterator<Item = ColumnRename>) -> Self {
        self.renames.extend(renames);
        self
    }

    pub fn table_renames(mut self, renames: impl IntoIterator<Item = TableRename>) -> Self {
        self.table_renames.extend(renames);
        self
    }
}

/// Table `from` is now called `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TableRename {
    pub from: String,
    pub to: String,
}

impl TableRename {
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        TableRename {
            from: from.into(),
            to: to.into(),
        }
    }

    /// The same rename, the other way round.
    pub fn reversed(&self) -> Self {
        TableRename::new(&self.to, &self.from)
    }
}

impl fmt::Display for TableRename {
    /// `users=accounts`, the `--rename` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.from, self.to)
    }
}

/// A `--rename` argument: `TABLE=NEW` or `TABLE.COLUMN=NEW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    Table(TableRename),
    Column(ColumnRename),
}

impl FromStr for Rename {
    type Err = ParseRenameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (left, right) = s
            .split_once('=')
            .ok_or_else(|| ParseRenameError(s.to_owned()))?;
        if left.contains('.') {
            return s.parse().map(Rename::Column);
        }
        let (from, to) = (left.trim(), right.trim());
        if from.is_empty() || to.is_empty() || to.contains('.') {
            return Err(ParseRenameError(s.to_owned()));
        }
        Ok(Rename::Table(TableRename::new(from, to)))
    }
}

/// `table.from` is now called `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ColumnRename {
    pub table: String,
    pub from: String,
    pub to: String,
}

impl ColumnRename {
    pub fn new(table: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Self {
        ColumnRename {
            table: table.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    /// The same rename, the other way round.
    pub fn reversed(&self) -> Self {
        ColumnRename::new(&self.table, &self.to, &self.from)
    }
}

impl fmt::Display for ColumnRename {
    /// `users.name=full_name`, the `--rename` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}={}", self.table, self.from, self.to)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a rename; expected TABLE.OLD=NEW for a column (`users.name=full_name`) or OLD=NEW for a table (`users=accounts`)"
)]
pub struct ParseRenameError(pub String);

impl FromStr for ColumnRename {
    type Err = ParseRenameError;

    /// `users.name=full_name` (`users.name=users.full_name` is accepted too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseRenameError(s.to_owned());
        let (left, right) = s.split_once('=').ok_or_else(err)?;
        let (table, from) = left.trim().rsplit_once('.').ok_or_else(err)?;
        let right = right.trim();
        let to = match right.rsplit_once('.') {
            Some((t, c)) if t == table => c,
            Some(_) => return Err(err()),
            None => right,
        };
        if [table, from, to].iter().any(|p| p.is_empty()) {
            return Err(err());
        }
        Ok(ColumnRename::new(table, from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_or_column() {
        assert_eq!(
            "users=accounts".parse::<Rename>().unwrap(),
            Rename::Table(TableRename::new("users", "accounts"))
        );
        assert_eq!(
            "users.name=full_name".parse::<Rename>().unwrap(),
            Rename::Column(ColumnRename::new("users", "name", "full_name"))
        );
        for bad in ["users", "=accounts", "users=", "users=a.b"] {
            assert!(bad.parse::<Rename>().is_err(), "{bad}");
        }
    }

    #[test]
    fn renames_parse() {
        let r: ColumnRename = "users.name=full_name".parse().unwrap();
        assert_eq!(r, ColumnRename::new("users", "name", "full_name"));
        assert_eq!(r.to_string(), "users.name=full_name");
        let r: ColumnRename = "users.name=users.full_name".parse().unwrap();
        assert_eq!(r.to, "full_name");
        for bad in [
            "users.name",
            "name=full",
            "users.=x",
            "a.b=c.d",
            "users.name=",
        ] {
            assert!(bad.parse::<ColumnRename>().is_err(), "{bad}");
        }
    }
}
