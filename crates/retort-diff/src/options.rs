use std::fmt;
use std::str::FromStr;

use retort_core::Dialect;
use serde::Serialize;

/// How to compare: what the target can store, and which columns were renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Compare table and column comments (SQLite keeps none).
    pub compare_comments: bool,
    /// Columns known to be renamed (`--rename`, answers, `renamed_from`).
    pub renames: Vec<ColumnRename>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            compare_comments: true,
            renames: Vec::new(),
        }
    }
}

impl DiffOptions {
    /// The comparison profile of `dialect`; `None` compares everything.
    pub fn for_dialect(dialect: Option<Dialect>) -> Self {
        DiffOptions {
            compare_comments: dialect != Some(Dialect::Sqlite),
            renames: Vec::new(),
        }
    }

    pub fn renames(mut self, renames: impl IntoIterator<Item = ColumnRename>) -> Self {
        self.renames.extend(renames);
        self
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
#[error("`{0}` is not a column rename; expected TABLE.OLD=NEW, e.g. `users.name=full_name`")]
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
