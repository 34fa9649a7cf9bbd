//! SQLite: `sqlite_master` joined with the `pragma_*` table functions, four
//! queries whatever the number of tables. Constraint names, checks and
//! `AUTOINCREMENT` come from the `CREATE TABLE` text (see `sqlite_ddl`).

use std::collections::BTreeMap;

use retort_core::{
    Check, Column, Dialect, ForeignKey, Index, PrimaryKey, Unique, fk_name, unique_name,
};
use serde_json::Value;
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection};
use sqlx::{Row, Sqlite};

use crate::build::{Builder, fk_action, json_array, unique_index_is_constraint};
use crate::defaults::{self, Quoting};
use crate::sqlite_ddl::{self, TableDdl};
use crate::{CatalogError, CatalogRead, OpaqueIndex, ReadOptions, types};

/// Keeps the tables read; `?` is the JSON array of excluded names.
macro_rules! filter {
    () => {
        " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            AND m.name NOT IN (SELECT value FROM json_each(?)) "
    };
}

// Each statement returns its rows as one JSON array of arrays (one row,
// one text value): sqlx hands every row from its SQLite worker thread to
// the caller's through a channel, which for the 13,000 rows of a
// 1,000-table schema cost more than SQLite's own work.

const TABLES: &str = concat!(
    "SELECT json_group_array(json_array(m.name, m.sql) ORDER BY m.name)
     FROM sqlite_master m",
    filter!()
);

const COLUMNS: &str = concat!(
    "SELECT json_group_array(json_array(m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden)
         ORDER BY m.name, p.cid)
     FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p",
    filter!()
);

const INDEXES: &str = concat!(
    "SELECT json_group_array(json_array(m.name, il.name, il.\"unique\", il.origin, il.partial, ii.name, ii.\"desc\", s.sql)
         ORDER BY m.name, il.name, ii.seqno)
     FROM sqlite_master m
     JOIN pragma_index_list(m.name) il
     JOIN pragma_index_xinfo(il.name) ii
     LEFT JOIN sqlite_master s ON s.type = 'index' AND s.name = il.name",
    filter!(),
    "AND ii.key = 1"
);

const FOREIGN_KEYS: &str = concat!(
    "SELECT json_group_array(json_array(m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete)
         ORDER BY m.name, f.id, f.seq)
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f",
    filter!()
);

struct Session<'c> {
    conn: &'c mut SqliteConnection,
    queries: usize,
}

impl Session<'_> {
    /// Every statement goes through here, so that it is counted. Returns
    /// the rows of the statement's JSON array.
    async fn fetch(
        &mut self,
        what: &'static str,
        q: Query<'_, Sqlite, SqliteArguments>,
    ) -> Result<Vec<Vec<Value>>, CatalogError> {
        self.queries += 1;
        let err = |source| CatalogError::Query {
            dialect: Dialect::Sqlite,
            what,
            source,
        };
        let row = q.fetch_one(&mut *self.conn).await.map_err(err)?;
        let text: String = row.try_get_unchecked(0).map_err(err)?;
        serde_json::from_str(&text)
            .map_err(|e| err(sqlx::Error::Decode(format!("the rows as JSON: {e}").into())))
    }
}

/// A value of a catalog row: text, integer or NULL.
trait Cell: Sized {
    fn from_cell(v: &Value) -> Option<Self>;
}

impl Cell for String {
    fn from_cell(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

impl Cell for i64 {
    fn from_cell(v: &Value) -> Option<i64> {
        v.as_i64()
    }
}

impl<T: Cell> Cell for Option<T> {
    fn from_cell(v: &Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            v => T::from_cell(v).map(Some),
        }
    }
}

fn get<T: Cell>(row: &[Value], i: usize, what: &'static str) -> Result<T, CatalogError> {
    row.get(i)
        .and_then(T::from_cell)
        .ok_or_else(|| CatalogError::Query {
            dialect: Dialect::Sqlite,
            what,
            source: sqlx::Error::ColumnDecode {
                index: i.to_string(),
                source: format!("unexpected value {:?}", row.get(i)).into(),
            },
        })
}

struct IndexRows {
    unique: bool,
    origin: String,
    partial: bool,
    columns: Vec<Option<String>>,
    descending: bool,
    sql: Option<String>,
}

pub(crate) async fn read(
    conn: &mut SqliteConnection,
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    let mut s = Session { conn, queries: 0 };
    let excluded = json_array(&opts.excluded());
    let bind = |sql: &'static str| sqlx::query(sql).bind(excluded.clone());
    let mut b = Builder::default();
    let mut ddls: BTreeMap<String, TableDdl> = BTreeMap::new();

    for r in s.fetch("tables", bind(TABLES)).await? {
        let name: String = get(&r, 0, "tables")?;
        let sql: Option<String> = get(&r, 1, "tables")?;
        let sql = sql.unwrap_or_default();
        if sql
            .trim_start()
            .as_bytes()
            .get(.."CREATE VIRTUAL".len())
            .is_some_and(|start| start.eq_ignore_ascii_case(b"CREATE VIRTUAL"))
        {
            b.warn(format!(
                "virtual table `{name}` is not part of the schema model"
            ));
            continue;
        }
        ddls.insert(name.clone(), sqlite_ddl::parse(&sql));
        b.tables.insert(name.clone(), retort_core::Table::new(name));
    }

    const C: &str = "columns";
    let mut pk_cols: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    let mut seen = types::Seen::default();
    for r in s.fetch(C, bind(COLUMNS)).await? {
        let table: String = get(&r, 0, C)?;
        let name: String = get(&r, 1, C)?;
        let declared: String = get(&r, 2, C)?;
        let not_null: i64 = get(&r, 3, C)?;
        let default: Option<String> = get(&r, 4, C)?;
        let pk: i64 = get(&r, 5, C)?;
        let hidden: i64 = get(&r, 6, C)?;
        if !b.tables.contains_key(&table) {
            continue;
        }
        if hidden == 2 || hidden == 3 {
            b.warn(format!(
                "column `{table}.{name}` is generated; read as a plain column"
            ));
        }
        let mut col = Column::new(name.clone(), seen.get(&declared, types::sqlite));
        // Key columns are NOT NULL in the model (SQLite lets a non-integer
        // key hold NULL unless it says NOT NULL; retort always says it).
        col.nullable = not_null == 0 && pk == 0;
        col.default = default.and_then(|d| defaults::parse(&d, &col.ty, Quoting::Standard));
        if pk > 0 {
            pk_cols.entry(table.clone()).or_default().push((pk, name));
        }
        if let Some(t) = b.table(&table) {
            t.columns.push(col);
        }
    }
    for (table, mut cols) in pk_cols {
        cols.sort();
        let columns: Vec<String> = cols.into_iter().map(|(_, c)| c).collect();
        let ddl = ddls.get(&table);
        let Some(t) = b.table(&table) else { continue };
        if let ([only], Some(ddl)) = (columns.as_slice(), ddl)
            && ddl.autoincrement
            && let Some(c) = t.column_mut(only)
        {
            c.autoincrement = true;
            c.default = None;
        }
        t.primary_key = Some(PrimaryKey {
            name: ddl.and_then(|d| d.pk_name.clone()),
            columns,
        });
    }

    const I: &str = "indexes";
    let mut indexes: BTreeMap<(String, String), IndexRows> = BTreeMap::new();
    for r in s.fetch(I, bind(INDEXES)).await? {
        let table: String = get(&r, 0, I)?;
        let name: String = get(&r, 1, I)?;
        let unique: i64 = get(&r, 2, I)?;
        let origin: String = get(&r, 3, I)?;
        let partial: i64 = get(&r, 4, I)?;
        let column: Option<String> = get(&r, 5, I)?;
        let desc: i64 = get(&r, 6, I)?;
        let sql: Option<String> = get(&r, 7, I)?;
        let e = indexes.entry((table, name)).or_insert_with(|| IndexRows {
            unique: unique != 0,
            origin,
            partial: partial != 0,
            columns: Vec::new(),
            descending: false,
            sql,
        });
        e.columns.push(column);
        e.descending |= desc != 0;
    }
    for ((table, name), ix) in indexes {
        if ix.origin == "pk" || !b.tables.contains_key(&table) {
            continue;
        }
        if ix.partial || ix.columns.iter().any(Option::is_none) {
            let definition = ix.sql.unwrap_or_default();
            let why = if ix.partial {
                "is partial"
            } else {
                "has an expression"
            };
            b.warn(format!(
                "index `{name}` on `{table}` {why}; kept out of the schema: {definition}"
            ));
            b.opaque_indexes.push(OpaqueIndex {
                table,
                name,
                unique: ix.unique,
                definition,
            });
            continue;
        }
        if ix.descending {
            b.warn(format!(
                "index `{name}` on `{table}` has a descending column; the schema model keeps no direction"
            ));
        }
        let columns: Vec<String> = ix.columns.into_iter().flatten().collect();
        if ix.origin == "u" {
            // Declared in CREATE TABLE: its name, if any, is in the text.
            let declared = ddls
                .get_mut(&table)
                .and_then(|d| {
                    let at = d
                        .uniques
                        .iter()
                        .position(|u| same_columns(&u.columns, &columns))?;
                    Some(d.uniques.remove(at))
                })
                .and_then(|u| u.name);
            let name = declared.unwrap_or_else(|| unique_name(&table, &columns));
            if let Some(t) = b.table(&table) {
                t.uniques.push(Unique { name, columns });
            }
        } else if ix.unique && unique_index_is_constraint(&name, &columns, false) {
            if let Some(t) = b.table(&table) {
                t.uniques.push(Unique { name, columns });
            }
        } else if let Some(t) = b.table(&table) {
            t.indexes.push(Index {
                name,
                columns,
                unique: ix.unique,
            });
        }
    }

    const F: &str = "foreign keys";
    let mut fks: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for r in s.fetch(F, bind(FOREIGN_KEYS)).await? {
        let table: String = get(&r, 0, F)?;
        let id: i64 = get(&r, 1, F)?;
        let ref_table: String = get(&r, 2, F)?;
        let from: String = get(&r, 3, F)?;
        let to: Option<String> = get(&r, 4, F)?;
        let on_update: String = get(&r, 5, F)?;
        let on_delete: String = get(&r, 6, F)?;
        let fk = fks.entry((table, id)).or_insert_with(|| ForeignKey {
            name: String::new(),
            columns: Vec::new(),
            ref_table,
            ref_columns: Vec::new(),
            on_delete: fk_action(&on_delete),
            on_update: fk_action(&on_update),
        });
        fk.columns.push(from);
        fk.ref_columns.extend(to);
    }
    // SQLite keeps the referenced table as written; its real name is the
    // first read that matches without regard to ASCII case.
    let mut real_names: BTreeMap<String, String> = BTreeMap::new();
    for name in b.tables.keys() {
        real_names
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| name.clone());
    }
    for ((table, _), mut fk) in fks {
        if let Some(real) = real_names.get(&fk.ref_table.to_ascii_lowercase()) {
            fk.ref_table = real.clone();
        }
        if fk.ref_columns.is_empty() {
            // `REFERENCES parent` without columns means the parent's key.
            match b.tables.get(&fk.ref_table) {
                Some(parent) => fk.ref_columns = parent.pk_columns().to_vec(),
                None => b.warn(format!(
                    "foreign key on `{table}` references `{}`, which was not read; its columns are unknown",
                    fk.ref_table
                )),
            }
        }
        let declared = ddls.get_mut(&table).and_then(|d| {
            let at = d.foreign_keys.iter().position(|f| {
                same_columns(&f.columns, &fk.columns)
                    && f.ref_table.eq_ignore_ascii_case(&fk.ref_table)
            })?;
            Some(d.foreign_keys.remove(at))
        });
        fk.name = declared
            .and_then(|d| d.name)
            .unwrap_or_else(|| fk_name(&table, &fk.columns, &fk.ref_table));
        if let Some(t) = b.table(&table) {
            t.foreign_keys.push(fk);
        }
    }

    for (table, ddl) in ddls {
        let Some(t) = b.table(&table) else { continue };
        let mut unnamed = 0;
        for c in ddl.checks {
            let name = c.name.unwrap_or_else(|| {
                unnamed += 1;
                format!("ck_{table}_{unnamed}")
            });
            t.checks.push(Check { name, expr: c.expr });
        }
    }

    Ok(b.finish(s.queries))
}

fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}
