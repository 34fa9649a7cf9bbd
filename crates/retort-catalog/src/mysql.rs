//! MySQL and MariaDB: `information_schema`, six queries whatever the number
//! of tables.

use std::collections::{BTreeMap, BTreeSet};

use retort_core::{Check, Column, ColumnType, Dialect, EnumType, Index, PrimaryKey, Unique};
use sqlx::mysql::{MySqlArguments, MySqlConnection, MySqlRow};
use sqlx::query::Query;
use sqlx::{MySql, Row};

use crate::build::{Builder, fk_action, json_array, push_fk_column, unique_index_is_constraint};
use crate::defaults::{self, Quoting};
use crate::read::fetch_in_lanes;
use crate::{CatalogError, CatalogRead, OpaqueIndex, ReadOptions, types};

// Every query takes the database (`?`, NULL: the URL's) and the excluded
// table names as a JSON array (`?`).

const SERVER: &str = "SELECT VERSION(), COALESCE(?, DATABASE()),
    EXISTS (SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = COALESCE(?, DATABASE()))";

const TABLES: &str = "SELECT TABLE_NAME, TABLE_COMMENT
    FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = 'BASE TABLE'
      AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    ORDER BY TABLE_NAME";

const COLUMNS: &str = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,
           EXTRA, COLUMN_COMMENT
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS SIGNED), COLUMN_NAME,
           CAST(SUB_PART AS SIGNED), COLLATION, INDEX_TYPE
    FROM information_schema.STATISTICS
    WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Foreign key columns (`KEY_COLUMN_USAGE`) and their rules
/// (`REFERENTIAL_CONSTRAINTS`) in one statement: a `UNION ALL` scans each
/// view once, where a join of the two costs MariaDB a scan per row (0.3 s
/// for 1,000 keys). Rows of kind `r` carry the rules, `c` the columns.
const FOREIGN_KEYS: &str = "SELECT 'c' AS kind, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
           REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME,
           CAST(ORDINAL_POSITION AS SIGNED) AS pos
    FROM information_schema.KEY_COLUMN_USAGE
    WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND REFERENCED_TABLE_NAME IS NOT NULL
      AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    UNION ALL
    SELECT 'r', TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE, NULL, NULL, 0
    FROM information_schema.REFERENTIAL_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    ORDER BY 2, 3, 1 DESC, 8";

/// MariaDB names checks per table, and its `CHECK_CONSTRAINTS` has the table.
const CHECKS_MARIADB: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE
    FROM information_schema.CHECK_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND NOT JSON_CONTAINS(?, JSON_QUOTE(TABLE_NAME))
    ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8 names checks per schema; the table comes from `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
    FROM information_schema.CHECK_CONSTRAINTS cc
    JOIN information_schema.TABLE_CONSTRAINTS tc
      ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
     AND tc.CONSTRAINT_TYPE = 'CHECK'
    WHERE cc.CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND NOT JSON_CONTAINS(?, JSON_QUOTE(tc.TABLE_NAME))
    ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME";

struct Session<'c> {
    conn: &'c mut MySqlConnection,
    queries: usize,
}

impl Session<'_> {
    /// Every statement goes through here, so that it is counted.
    async fn fetch(
        &mut self,
        what: &'static str,
        q: Query<'_, MySql, MySqlArguments>,
    ) -> Result<Vec<MySqlRow>, CatalogError> {
        self.queries += 1;
        q.fetch_all(&mut *self.conn)
            .await
            .map_err(|source| CatalogError::Query {
                dialect: Dialect::Mysql,
                what,
                source,
            })
    }
}

fn get<'r, T>(row: &'r MySqlRow, i: usize, what: &'static str) -> Result<T, CatalogError>
where
    T: sqlx::Decode<'r, MySql> + sqlx::Type<MySql>,
{
    row.try_get_unchecked(i)
        .map_err(|source| CatalogError::Query {
            dialect: Dialect::Mysql,
            what,
            source,
        })
}

struct IndexRow {
    non_unique: bool,
    columns: Vec<Option<String>>,
    sub_parts: Vec<Option<i64>>,
    descending: bool,
    index_type: String,
}

pub(crate) async fn read(
    conn: &mut MySqlConnection,
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    read_on(conn, &mut [], opts).await
}

/// [`read`], with the statements after the first spread over `conn` and
/// `more` (other connections to the same server), which run them at once:
/// each `information_schema` view opens every table's definition, 5-25 ms
/// of server time at 1,000 tables, and the server works on several
/// statements at a time. The rows are then read in the order [`read`]
/// reads them, so the result (and the first error) does not depend on how
/// many connections there are.
pub(crate) async fn read_on(
    conn: &mut MySqlConnection,
    more: &mut [MySqlConnection],
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    let mut s = Session { conn, queries: 0 };
    let excluded = json_array(&opts.excluded());
    let db = opts.schema.clone();

    let rows = s
        .fetch(
            "server",
            sqlx::query(SERVER).bind(db.clone()).bind(db.clone()),
        )
        .await?;
    let row = rows.first();
    let version: String = row
        .map(|r| get(r, 0, "server"))
        .transpose()?
        .unwrap_or_default();
    let current: Option<String> = row.map(|r| get(r, 1, "server")).transpose()?.flatten();
    let exists: bool = row
        .map(|r| get::<i64>(r, 2, "server"))
        .transpose()?
        .unwrap_or(0)
        != 0;
    if current.is_none() || !exists {
        return Err(CatalogError::NoSuchSchema {
            dialect: Dialect::Mysql,
            schema: current.unwrap_or_else(|| "(none: the URL names no database)".into()),
        });
    }
    let mariadb = version.to_ascii_lowercase().contains("mariadb");
    // The database by the name the first statement found, so that every
    // connection reads the same one.
    let db = current.clone();
    let bind = |sql: &'static str| sqlx::query(sql).bind(db.clone()).bind(excluded.clone());
    let check_sql = if mariadb {
        CHECKS_MARIADB
    } else {
        CHECKS_MYSQL
    };
    const K: &str = "check constraints";
    const C: &str = "columns";
    const I: &str = "indexes";
    const F: &str = "foreign keys";
    // In the order they are read below; the lanes take them longest first.
    let [tables, check_rows, column_rows, index_rows, fk_rows] = {
        s.queries += 5;
        fetch_in_lanes::<MySql, _, 5>(
            Dialect::Mysql,
            &mut *s.conn,
            more,
            BY_COST,
            [
                ("tables", bind(TABLES)),
                (K, bind(check_sql)),
                (C, bind(COLUMNS)),
                (I, bind(INDEXES)),
                (
                    F,
                    bind(FOREIGN_KEYS).bind(db.clone()).bind(excluded.clone()),
                ),
            ],
        )
        .await
    };

    let mut b = Builder::default();
    for r in tables? {
        let name: String = get(&r, 0, "tables")?;
        let comment: String = get(&r, 1, "tables")?;
        let mut t = retort_core::Table::new(name.clone());
        t.comment = Some(comment).filter(|c| !c.is_empty());
        b.tables.insert(name, t);
    }

    // Checks first: MariaDB's JSON columns are LONGTEXT with a
    // `json_valid(col)` check, which is the type, not a check.
    let mut checks: BTreeMap<String, Vec<Check>> = BTreeMap::new();
    let mut json_columns: BTreeSet<(String, String)> = BTreeSet::new();
    for r in check_rows? {
        let table: String = get(&r, 0, K)?;
        let name: String = get(&r, 1, K)?;
        let clause: String = get(&r, 2, K)?;
        if json_valid_check(&clause).is_some_and(|col| col == name) {
            json_columns.insert((table, name));
            continue;
        }
        checks
            .entry(table)
            .or_default()
            .push(Check { name, expr: clause });
    }

    let mut seen = types::Seen::default();
    for r in column_rows? {
        let table: String = get(&r, 0, C)?;
        let name: String = get(&r, 1, C)?;
        let column_type: String = get(&r, 2, C)?;
        let nullable: String = get(&r, 3, C)?;
        let default: Option<String> = get(&r, 4, C)?;
        let extra: String = get(&r, 5, C)?;
        let comment: String = get(&r, 6, C)?;
        if !b.tables.contains_key(&table) {
            continue; // a view
        }
        let lower = column_type.to_ascii_lowercase();
        let ty = if lower.starts_with("enum(") && lower.ends_with(')') {
            // MySQL enums have no name: the column's is `<table>_<column>`.
            let enum_name = format!("{table}_{name}");
            let values = enum_values(&column_type["enum(".len()..column_type.len() - 1]);
            b.enums.insert(
                enum_name.clone(),
                EnumType {
                    name: enum_name.clone(),
                    values,
                },
            );
            ColumnType::Enum(enum_name)
        } else if lower == "longtext" && json_columns.contains(&(table.clone(), name.clone())) {
            ColumnType::Json
        } else {
            seen.get(&column_type, types::mysql)
        };
        let mut col = Column::new(name.clone(), ty);
        col.nullable = nullable == "YES";
        col.comment = Some(comment).filter(|c| !c.is_empty());
        let extra_lc = extra.to_ascii_lowercase();
        if extra_lc.contains("auto_increment") {
            col.autoincrement = true;
        } else if extra_lc.contains("virtual generated")
            || extra_lc.contains("stored generated")
            || extra_lc.contains("persistent")
        {
            b.warn(format!(
                "column `{table}.{name}` is generated; read as a plain column"
            ));
        } else if let Some(text) = default {
            let quoting = if mariadb {
                Quoting::Backslash
            } else if extra_lc.contains("default_generated") {
                Quoting::Standard
            } else {
                Quoting::Unquoted
            };
            col.default = defaults::parse(&text, &col.ty, quoting);
        }
        if let Some(update) = extra_lc.find("on update ") {
            b.warn(format!(
                "column `{table}.{name}` has `{}`, which the schema model does not hold",
                &extra[update..]
            ));
        }
        if let Some(t) = b.table(&table) {
            t.columns.push(col);
        }
    }
    for (table, list) in checks {
        if let Some(t) = b.table(&table) {
            t.checks = list;
        }
    }

    let mut indexes: BTreeMap<(String, String), IndexRow> = BTreeMap::new();
    for r in index_rows? {
        let table: String = get(&r, 0, I)?;
        let name: String = get(&r, 1, I)?;
        let non_unique: i64 = get(&r, 2, I)?;
        let column: Option<String> = get(&r, 3, I)?;
        let sub_part: Option<i64> = get(&r, 4, I)?;
        let collation: Option<String> = get(&r, 5, I)?;
        let index_type: String = get(&r, 6, I)?;
        let e = indexes.entry((table, name)).or_insert_with(|| IndexRow {
            non_unique: non_unique != 0,
            columns: Vec::new(),
            sub_parts: Vec::new(),
            descending: false,
            index_type,
        });
        e.columns.push(column);
        e.sub_parts.push(sub_part);
        e.descending |= collation.as_deref() == Some("D");
    }
    for ((table, name), ix) in indexes {
        if !b.tables.contains_key(&table) {
            continue;
        }
        // MariaDB keeps a unique key on TEXT or BLOB columns as a "long
        // unique" HASH key (InnoDB has no other HASH index): a unique key.
        let long_unique = ix.index_type == "HASH" && !ix.non_unique;
        let plain = ix.columns.iter().all(Option::is_some)
            && ix.sub_parts.iter().all(Option::is_none)
            && (ix.index_type == "BTREE" || long_unique);
        if !plain {
            let definition = ix
                .columns
                .iter()
                .zip(&ix.sub_parts)
                .map(|(c, p)| match (c, p) {
                    (Some(c), Some(p)) => format!("{c}({p})"),
                    (Some(c), None) => c.clone(),
                    (None, _) => "(expression)".to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let definition = format!("{} ({definition})", ix.index_type);
            b.warn(format!(
                "index `{name}` on `{table}` has a prefix, an expression or a non-btree type; kept out of the schema: {definition}"
            ));
            b.opaque_indexes.push(OpaqueIndex {
                table,
                name,
                unique: !ix.non_unique,
                definition,
            });
            continue;
        }
        if ix.descending {
            b.warn(format!("index `{name}` on `{table}` has a descending column; the schema model keeps no direction"));
        }
        let columns: Vec<String> = ix.columns.into_iter().flatten().collect();
        let Some(t) = b.table(&table) else { continue };
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns,
            });
        } else if !ix.non_unique && unique_index_is_constraint(&name, &columns, true) {
            t.uniques.push(Unique { name, columns });
        } else {
            t.indexes.push(Index {
                name,
                columns,
                unique: !ix.non_unique,
            });
        }
    }

    let mut fk_tables: BTreeSet<String> = BTreeSet::new();
    // Ordered so that a key's `r` row comes before its `c` rows.
    let mut rules: Option<(String, String, String, String)> = None;
    for r in fk_rows? {
        let kind: String = get(&r, 0, F)?;
        let table: String = get(&r, 1, F)?;
        let name: String = get(&r, 2, F)?;
        if kind == "r" {
            let on_delete: String = get(&r, 3, F)?;
            let on_update: String = get(&r, 4, F)?;
            rules = Some((table, name, on_delete, on_update));
            continue;
        }
        let column: String = get(&r, 3, F)?;
        let ref_schema: Option<String> = get(&r, 4, F)?;
        let ref_table: String = get(&r, 5, F)?;
        let ref_column: Option<String> = get(&r, 6, F)?;
        let (on_delete, on_update) = match &rules {
            Some((t, n, d, u)) if *t == table && *n == name => (mysql_action(d), mysql_action(u)),
            _ => (None, None),
        };
        if ref_schema.is_some() && ref_schema != current {
            b.warn(format!(
                "foreign key `{name}` on `{table}` references `{}.{ref_table}` in another database",
                ref_schema.clone().unwrap_or_default()
            ));
        }
        fk_tables.insert(table.clone());
        if let Some(t) = b.table(&table) {
            push_fk_column(
                t, &name, column, &ref_table, ref_column, on_delete, on_update,
            );
        }
    }
    // InnoDB creates an index for a foreign key that has none to use, named
    // after the key (or its first column when the key has no name); it
    // belongs to the key, not to the model.
    for table in fk_tables {
        if let Some(t) = b.table(&table) {
            let fks = t.foreign_keys.clone();
            t.indexes.retain(|i| {
                i.unique
                    || !fks.iter().any(|f| {
                        f.columns == i.columns
                            && (i.name == f.name || Some(&i.name) == f.columns.first())
                    })
            });
        }
    }

    Ok(b.finish(s.queries))
}

/// The statements of [`read_on`] by the server time each takes at 1,000
/// tables (columns 25 ms, statistics 18, foreign keys 14, tables 5,
/// checks 4), most first: indexes into its array of five.
const BY_COST: [usize; 5] = [2, 3, 4, 0, 1];

/// InnoDB treats `RESTRICT` and `NO ACTION` alike (and reports `RESTRICT`
/// when none was given), so both are no action given.
fn mysql_action(rule: &str) -> Option<retort_core::FkAction> {
    match rule.to_ascii_uppercase().as_str() {
        "RESTRICT" | "NO ACTION" => None,
        other => fk_action(other),
    }
}

/// MariaDB's check for a JSON column: `json_valid(`col`)` -> `col`.
fn json_valid_check(clause: &str) -> Option<&str> {
    let inner = clause
        .trim()
        .strip_prefix("json_valid(")?
        .strip_suffix(')')?;
    Some(inner.trim().trim_matches('`'))
}

/// `'a','b''c'` -> [a, b'c].
fn enum_values(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_str = false;
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_str, c) {
            (false, '\'') => in_str = true,
            (true, '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                cur.push('\'');
            }
            (true, '\'') => {
                in_str = false;
                out.push(std::mem::take(&mut cur));
            }
            (true, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (true, c) => cur.push(c),
            (false, _) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(json_valid_check("json_valid(`doc`)"), Some("doc"));
        assert_eq!(json_valid_check("`a` > 0"), None);
        assert_eq!(enum_values("'a','b''c','d,e'"), ["a", "b'c", "d,e"]);
        assert_eq!(mysql_action("RESTRICT"), None);
        assert_eq!(
            mysql_action("CASCADE"),
            Some(retort_core::FkAction::Cascade)
        );
    }
}
