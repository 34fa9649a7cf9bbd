//! The one place SQL text is assembled by hand: statements sea-query cannot
//! express. Identifiers go through [`quote_ident`], strings through
//! [`literal`]; nothing else is interpolated.

use retort_core::{Dialect, FkAction, ForeignKey};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, SqliteQueryBuilder};

use crate::Sql;

/// Quotes an identifier for `dialect`: `"name"` (PostgreSQL, SQLite) or
/// `` `name` `` (MySQL), doubling any quote character inside.
pub fn quote_ident(dialect: Dialect, name: &str) -> String {
    let q = quote_char(dialect);
    let mut out = String::with_capacity(name.len() + 2);
    out.push(q);
    for c in name.chars() {
        if c == q {
            out.push(q);
        }
        out.push(c);
    }
    out.push(q);
    out
}

fn quote_char(dialect: Dialect) -> char {
    match dialect {
        Dialect::Mysql => '`',
        Dialect::Postgres | Dialect::Sqlite => '"',
    }
}

/// A name for the sea-query builders that write index and constraint names
/// between quotes without escaping them: the quote character doubled.
pub(crate) fn raw_name(dialect: Dialect, name: &str) -> String {
    let q = quote_char(dialect);
    name.replace(q, &format!("{q}{q}"))
}

/// A string literal, escaped as sea-query escapes values for `dialect`.
pub(crate) fn literal(dialect: Dialect, s: &str) -> String {
    let v = sea_query::Value::String(Some(s.to_owned()));
    match dialect {
        Dialect::Postgres => PostgresQueryBuilder.value_to_string(&v),
        Dialect::Mysql => MysqlQueryBuilder.value_to_string(&v),
        Dialect::Sqlite => SqliteQueryBuilder.value_to_string(&v),
    }
}

fn idents(dialect: Dialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(dialect, n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// PostgreSQL `COMMENT ON TABLE`; `None` removes the comment.
pub(crate) fn comment_on_table(table: &str, comment: Option<&str>) -> Sql {
    let d = Dialect::Postgres;
    Sql::new(format!(
        "COMMENT ON TABLE {} IS {}",
        quote_ident(d, table),
        comment.map_or("NULL".to_owned(), |c| literal(d, c))
    ))
}

/// PostgreSQL `COMMENT ON COLUMN`; `None` removes the comment.
pub(crate) fn comment_on_column(table: &str, column: &str, comment: Option<&str>) -> Sql {
    let d = Dialect::Postgres;
    Sql::new(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        quote_ident(d, table),
        quote_ident(d, column),
        comment.map_or("NULL".to_owned(), |c| literal(d, c))
    ))
}

/// PostgreSQL `ALTER TABLE .. ALTER COLUMN .. DROP DEFAULT`.
pub(crate) fn drop_default(table: &str, column: &str) -> Sql {
    let d = Dialect::Postgres;
    Sql::new(format!(
        "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
        quote_ident(d, table),
        quote_ident(d, column)
    ))
}

/// `ALTER TABLE .. ADD CONSTRAINT .. UNIQUE (..)` (PostgreSQL).
pub(crate) fn add_unique(dialect: Dialect, table: &str, name: &str, columns: &[String]) -> Sql {
    Sql::new(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
        quote_ident(dialect, table),
        quote_ident(dialect, name),
        idents(dialect, columns)
    ))
}

/// A new primary key: PostgreSQL drops the old key constraint by its name
/// (`<table>_pkey` when none was read) and adds the new one; MySQL does
/// both in one statement, so an auto-increment column stays keyed.
pub(crate) fn alter_primary_key(
    dialect: Dialect,
    table: &str,
    old: Option<Option<&str>>,
    columns: &[String],
) -> Vec<Sql> {
    let t = quote_ident(dialect, table);
    let add =
        (!columns.is_empty()).then(|| format!("ADD PRIMARY KEY ({})", idents(dialect, columns)));
    match dialect {
        Dialect::Mysql => {
            let parts: Vec<String> = old
                .map(|_| "DROP PRIMARY KEY".to_owned())
                .into_iter()
                .chain(add)
                .collect();
            if parts.is_empty() {
                return Vec::new();
            }
            vec![Sql::new(format!("ALTER TABLE {t} {}", parts.join(", ")))]
        }
        _ => {
            let mut out = Vec::new();
            if let Some(name) = old {
                let name = name.map_or_else(|| format!("{table}_pkey"), str::to_owned);
                out.push(Sql::new(format!(
                    "ALTER TABLE {t} DROP CONSTRAINT {}",
                    quote_ident(dialect, &name)
                )));
            }
            if let Some(add) = add {
                out.push(Sql::new(format!("ALTER TABLE {t} {add}")));
            }
            out
        }
    }
}

/// `ALTER TABLE .. ADD CONSTRAINT .. CHECK (expr)`, the expression verbatim.
pub(crate) fn add_check(dialect: Dialect, table: &str, name: &str, expr: &str) -> Sql {
    Sql::new(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr})",
        quote_ident(dialect, table),
        quote_ident(dialect, name)
    ))
}

/// PostgreSQL `ALTER TABLE .. VALIDATE CONSTRAINT`.
pub(crate) fn validate_constraint(table: &str, name: &str) -> Sql {
    let d = Dialect::Postgres;
    Sql::new(format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        quote_ident(d, table),
        quote_ident(d, name)
    ))
}

/// PostgreSQL: a constraint statement with `NOT VALID` appended.
pub(crate) fn not_valid(sql: Sql) -> Sql {
    Sql::new(format!("{} NOT VALID", sql.as_str().trim_end()))
}

/// The expression that converts `column` to a PostgreSQL type in
/// `ALTER COLUMN .. TYPE .. USING`, through text when an enum is involved.
pub(crate) fn pg_cast(column: &str, via_text: Option<&str>, target: &str) -> String {
    let col = quote_ident(Dialect::Postgres, column);
    match via_text {
        Some(text) => format!("{col}::{text}::{target}"),
        None => format!("{col}::{target}"),
    }
}

/// MySQL `ENUM('a', 'b')` column type, as SeaORM writes it.
pub(crate) fn mysql_enum_type(values: &[String]) -> String {
    let values: Vec<String> = values.iter().map(|v| literal(Dialect::Mysql, v)).collect();
    format!("ENUM({})", values.join(", "))
}

/// SQLite table copy: `INSERT INTO "to" (cols) SELECT cols FROM "from"`.
pub(crate) fn copy_rows(from: &str, to: &str, pairs: &[(String, String)]) -> Sql {
    let d = Dialect::Sqlite;
    let targets: Vec<String> = pairs.iter().map(|(_, t)| quote_ident(d, t)).collect();
    let sources: Vec<String> = pairs.iter().map(|(s, _)| quote_ident(d, s)).collect();
    Sql::new(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        quote_ident(d, to),
        targets.join(", "),
        sources.join(", "),
        quote_ident(d, from)
    ))
}

/// A named SQLite foreign key clause; sea-query drops the name on SQLite.
pub(crate) fn sqlite_foreign_key(fk: &ForeignKey) -> String {
    let d = Dialect::Sqlite;
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(d, &fk.name),
        idents(d, &fk.columns),
        quote_ident(d, &fk.ref_table),
        idents(d, &fk.ref_columns)
    );
    if let Some(a) = fk.on_delete {
        s.push_str(" ON DELETE ");
        s.push_str(action(a));
    }
    if let Some(a) = fk.on_update {
        s.push_str(" ON UPDATE ");
        s.push_str(action(a));
    }
    s
}

fn action(a: FkAction) -> &'static str {
    a.as_sql()
}

/// Adds table constraints to the end of a `CREATE TABLE .. ( .. )` that
/// sea-query wrote.
pub(crate) fn append_table_constraints(create: String, constraints: &[String]) -> String {
    if constraints.is_empty() {
        return create;
    }
    let body = create
        .strip_suffix(" )")
        .expect("sea-query ends CREATE TABLE with ` )`");
    format!("{body}, {} )", constraints.join(", "))
}

/// `PRAGMA foreign_keys = ON|OFF`: a runner turns foreign keys off around a
/// transaction that rebuilds SQLite tables (the pragma is a no-op inside one).
pub fn sqlite_foreign_keys(enabled: bool) -> Sql {
    Sql::new(format!(
        "PRAGMA foreign_keys = {}",
        if enabled { "ON" } else { "OFF" }
    ))
}

/// `PRAGMA foreign_key_check`: any row it returns is a violation, to be
/// reported before the rebuilding transaction commits.
pub fn sqlite_foreign_key_check() -> Sql {
    Sql::new("PRAGMA foreign_key_check")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_escaped() {
        assert_eq!(quote_ident(Dialect::Postgres, "order"), "\"order\"");
        assert_eq!(quote_ident(Dialect::Sqlite, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident(Dialect::Mysql, "a`b"), "`a``b`");
        assert_eq!(quote_ident(Dialect::Mysql, "a\"b"), "`a\"b`");
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(literal(Dialect::Sqlite, "it's"), "'it''s'");
        assert_eq!(literal(Dialect::Postgres, "it's"), "E'it\\'s'");
        assert_eq!(literal(Dialect::Postgres, "plain"), "'plain'");
        assert_eq!(literal(Dialect::Mysql, "it's"), "'it\\'s'");
    }
}
