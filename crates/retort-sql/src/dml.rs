//! Plain row statements for the runner's own tables (the revision log):
//! insert, update, select, and whether a table exists.

use retort_core::{Dialect, Value};
use sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, Table};

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
