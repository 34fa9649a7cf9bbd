//! Shared helpers of the database tests.
#![allow(dead_code)]

use retort_catalog::{CatalogRead, ReadOptions, normalize_for, read_schema};
use retort_core::{Column, ColumnType, Dialect, Schema, Table};
use retort_testing::TestDb;

mod generated;
#[allow(unused_imports)]
pub use generated::generated_schema;

/// Renders `schema` with `retort_sql::render_schema` and runs the DDL.
pub async fn build(db: &TestDb, schema: &Schema) {
    let statements = retort_sql::render_schema(schema, db.dialect)
        .unwrap_or_else(|e| panic!("{}: render_schema failed: {e}", db.dialect));
    for s in statements {
        db.execute(s.as_str())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

pub async fn read(db: &TestDb) -> CatalogRead {
    read_schema(&db.url, &ReadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{}: read_schema failed: {e}", db.dialect))
}

/// Asserts that `read` is `model` once both are normalized for the dialect,
/// showing both as JSON when they differ.
pub fn assert_same(dialect: Dialect, model: &Schema, read: &Schema) {
    assert_same_json(
        dialect,
        &normalize_for(dialect, model),
        &normalize_for(dialect, read),
    );
}

/// Asserts that two schemas are equal, showing the first differing lines of
/// their JSON.
pub fn assert_same_json(dialect: Dialect, want: &Schema, got: &Schema) {
    if want != got {
        let w = serde_json::to_string_pretty(&want).unwrap();
        let g = serde_json::to_string_pretty(&got).unwrap();
        let diff: Vec<String> = w
            .lines()
            .zip(g.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(i, (a, b))| format!("line {i}:\n  model: {a}\n  read:  {b}"))
            .collect();
        panic!(
            "{dialect}: the catalog does not read back as the model\nfirst differences:\n{}\n--- model ---\n{w}\n--- read ---\n{g}",
            diff.join("\n")
        );
    }
}

pub fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ty.parse::<ColumnType>().unwrap())
}

pub fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    t.columns = columns;
    t
}

pub fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema::default();
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    s
}

/// [`build`] for big schemas: the DDL sent as scripts of a few hundred
/// statements (in one transaction on SQLite).
pub async fn build_fast(db: &TestDb, schema: &Schema) {
    let statements = retort_sql::render_schema(schema, db.dialect)
        .unwrap_or_else(|e| panic!("{}: render_schema failed: {e}", db.dialect));
    let texts: Vec<String> = statements
        .iter()
        .map(|s| s.as_str().trim_end().trim_end_matches(';').to_owned())
        .collect();
    for chunk in texts.chunks(500) {
        let mut script = chunk.join(";\n");
        if db.dialect == Dialect::Sqlite {
            script = format!("BEGIN;\n{script};\nCOMMIT");
        }
        db.execute_script(&script)
            .await
            .unwrap_or_else(|e| panic!("{}", &e[..e.len().min(2000)]));
    }
}
