//! Alembic's version table: `version_num VARCHAR(32) NOT NULL`, primary key
//! `<table>_pkc`, one row per applied head.

use retort_core::Dialect;
use sea_query::{Alias, ColumnDef, Expr, ExprTrait, Index, Query, Table};

use crate::Sql;
use crate::handwritten::raw_name;
use crate::render::{ddl, dml};

const COLUMN: &str = "version_num";

fn col() -> Alias {
    Alias::new(COLUMN.to_owned())
}

/// `CREATE TABLE IF NOT EXISTS <table> (version_num varchar(32) NOT NULL,
/// CONSTRAINT <table>_pkc PRIMARY KEY (version_num))`. MySQL has no name for
/// a primary key, so there it is unnamed, as Alembic writes it.
pub fn version_table_create(dialect: Dialect, table: &str) -> Sql {
    let mut pk = Index::create();
    pk.col(col());
    if dialect != Dialect::Mysql {
        pk.name(raw_name(dialect, &format!("{table}_pkc")));
    }
    ddl(
        dialect,
        Table::create()
            .table(Alias::new(table.to_owned()))
            .if_not_exists()
            .col(ColumnDef::new(col()).string_len(32).not_null())
            .primary_key(&mut pk),
    )
}

/// `INSERT INTO <table> (version_num) VALUES ('<rev>')`.
pub fn version_insert(dialect: Dialect, table: &str, rev: &str) -> Sql {
    dml(
        dialect,
        Query::insert()
            .into_table(Alias::new(table.to_owned()))
            .columns([col()])
            .values_panic([Expr::val(rev.to_owned())]),
    )
}

/// `UPDATE <table> SET version_num = '<to>' WHERE version_num = '<from>'`.
pub fn version_update(dialect: Dialect, table: &str, from: &str, to: &str) -> Sql {
    dml(
        dialect,
        Query::update()
            .table(Alias::new(table.to_owned()))
            .value(col(), Expr::val(to.to_owned()))
            .and_where(Expr::col(col()).eq(from.to_owned())),
    )
}

/// `DELETE FROM <table> WHERE version_num = '<rev>'`.
pub fn version_delete(dialect: Dialect, table: &str, rev: &str) -> Sql {
    dml(
        dialect,
        Query::delete()
            .from_table(Alias::new(table.to_owned()))
            .and_where(Expr::col(col()).eq(rev.to_owned())),
    )
}

/// `DELETE FROM <table>`: every row, for `stamp --purge`.
pub fn version_delete_all(dialect: Dialect, table: &str) -> Sql {
    dml(
        dialect,
        Query::delete().from_table(Alias::new(table.to_owned())),
    )
}
