//! Row statements: the runner's own tables (the revision log: insert,
//! update, select, whether a table exists), `bulk_insert` and `seed` rows.

use retort_core::{Dialect, Row, Value};
use sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, OnConflict, Order, Query, QueryStatementBuilder, Table,
};

use crate::Sql;
use crate::columns::value;
use crate::render::{ddl, dml};

fn id(name: &str) -> Alias {
    Alias::new(name.to_owned())
}

fn cell(v: &Option<Value>) -> Expr {
    match v {
        Some(v) => Expr::val(value(v)),
        None => Expr::cust("NULL"),
    }
}

/// `INSERT INTO table (cols) VALUES (values)`; `None` is NULL.
pub fn insert_row(dialect: Dialect, table: &str, row: &[(&str, Option<Value>)]) -> Sql {
    let mut q = Query::insert();
    q.into_table(id(table))
        .columns(row.iter().map(|(c, _)| id(c)))
        .values_panic(row.iter().map(|(_, v)| cell(v)));
    dml(dialect, &q)
}

/// Rows to insert in as few statements as keep them right: one `INSERT`
/// per run of rows with the same columns, at most 500 rows each.
///
/// With `upsert_key` (the primary key columns), a row that gives every key
/// column replaces the row with that key: `ON CONFLICT (key) DO UPDATE` on
/// PostgreSQL and SQLite, `ON DUPLICATE KEY UPDATE` on MySQL (which also
/// matches on any unique key). Rows without the whole key are plain inserts.
pub fn insert_rows(
    dialect: Dialect,
    table: &str,
    rows: &[Row],
    upsert_key: Option<&[&str]>,
) -> Result<Vec<Sql>, String> {
    const MAX_ROWS: usize = 500;
    let key = upsert_key.unwrap_or_default();
    let upserts = |r: &Row| !key.is_empty() && key.iter().all(|k| r.contains_key(*k));
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let cols: Vec<&String> = rows[i].keys().collect();
        let upsert = upserts(&rows[i]);
        let mut q = Query::insert();
        q.into_table(id(table)).columns(cols.iter().map(|c| id(c)));
        let start = i;
        while i < rows.len()
            && i - start < MAX_ROWS
            && rows[i].keys().eq(cols.iter().copied())
            && upserts(&rows[i]) == upsert
        {
            q.values(rows[i].values().map(|v| Expr::val(value(v))))
                .map_err(|e| e.to_string())?;
            i += 1;
        }
        if upsert {
            let rest: Vec<&&String> = cols.iter().filter(|c| !key.contains(&c.as_str())).collect();
            // With nothing but the key, "update" the key to itself: a no-op
            // every dialect accepts (MySQL has no DO NOTHING).
            let set: Vec<Alias> = if rest.is_empty() {
                key.iter().map(|k| id(k)).collect()
            } else {
                rest.iter().map(|c| id(c)).collect()
            };
            q.on_conflict(
                OnConflict::columns(key.iter().map(|k| id(k)))
                    .update_columns(set)
                    .to_owned(),
            );
        }
        out.push(dml(dialect, &q));
    }
    Ok(out)
}

/// After rows were inserted with explicit values for an auto-increment
/// column: on PostgreSQL, moves the column's sequence past the largest
/// value, so the application's next insert does not collide. MySQL and
/// SQLite move their counters themselves (`None`).
pub fn sync_sequence(dialect: Dialect, table: &str, column: &str) -> Option<Sql> {
    if dialect != Dialect::Postgres {
        return None;
    }
    let sequence = Func::cust("pg_get_serial_sequence")
        .arg(crate::quote_ident(dialect, table))
        .arg(column);
    let mut max = Query::select();
    max.expr(Func::max(Expr::col(id(column)))).from(id(table));
    let mut q = Query::select();
    q.expr(Func::cust("setval").arg(sequence).arg(Expr::SubQuery(
        None,
        Box::new(max.into_sub_query_statement()),
    )));
    Some(dml(dialect, &q))
}

/// `UPDATE table SET .. WHERE a = .. AND b = ..`.
pub fn update_rows(
    dialect: Dialect,
    table: &str,
    set: &[(&str, Option<Value>)],
    filter: &[(&str, Value)],
) -> Sql {
    let mut q = Query::update();
    q.table(id(table));
    for (c, v) in set {
        q.value(id(c), cell(v));
    }
    for (c, v) in filter {
        q.and_where(Expr::col(id(c)).eq(value(v)));
    }
    dml(dialect, &q)
}

/// `SELECT cols FROM table ORDER BY order_by`.
pub fn select_rows(dialect: Dialect, table: &str, columns: &[&str], order_by: &[&str]) -> Sql {
    let mut q = Query::select();
    q.columns(columns.iter().map(|c| id(c))).from(id(table));
    for c in order_by {
        q.order_by(id(c), Order::Asc);
    }
    dml(dialect, &q)
}

/// A query giving one row whose one cell counts the tables named `table`
/// in the connection's current schema or database.
pub fn table_exists(dialect: Dialect, table: &str) -> Sql {
    let mut q = Query::select();
    q.expr(Expr::col(Asterisk).count());
    match dialect {
        Dialect::Sqlite => {
            q.from(id("sqlite_master"))
                .and_where(Expr::col(id("type")).eq("table"))
                .and_where(Expr::col(id("name")).eq(table));
        }
        Dialect::Postgres | Dialect::Mysql => {
            let current = if dialect == Dialect::Postgres {
                "current_schema()"
            } else {
                "DATABASE()"
            };
            q.from((id("information_schema"), id("tables")))
                .and_where(Expr::col(id("table_name")).eq(table))
                .and_where(Expr::col(id("table_schema")).eq(Expr::cust(current)));
        }
    }
    dml(dialect, &q)
}

/// `DROP TABLE IF EXISTS table`.
pub fn drop_table_if_exists(dialect: Dialect, table: &str) -> Sql {
    ddl(dialect, Table::drop().table(id(table)).if_exists())
}
