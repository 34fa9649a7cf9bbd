//! The reader sends the same number of statements for 10 tables as for 300:
//! each kind of catalog object is read once, never once per table.

mod common;

use common::*;
use retort_core::Dialect;

async fn queries_for(dialect: Dialect, tables: usize) -> Option<usize> {
    let db = retort_testing::TestDb::create(dialect, &format!("count_{tables}")).await?;
    let model = generated_schema(tables);
    build_fast(&db, &model).await;
    let read = read(&db).await;
    assert_eq!(read.schema.tables.len(), tables, "{dialect}");
    assert_same(dialect, &model, &read.schema);
    db.drop().await;
    Some(read.queries)
}

async fn check(dialect: Dialect) {
    let Some(small) = queries_for(dialect, 10).await else {
        return;
    };
    let Some(large) = queries_for(dialect, 300).await else {
        return;
    };
    eprintln!("{dialect}: {small} statements for 10 tables, {large} for 300");
    assert!(small > 0);
    assert_eq!(
        small, large,
        "{dialect}: the number of catalog queries grows with the number of tables"
    );
}

#[tokio::test]
async fn postgres() {
    check(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    check(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite() {
    check(Dialect::Sqlite).await;
}

/// `read_schema` reads MySQL on three connections at once; the caller's one
/// connection (`read_schema_with`) reads the same statements in order. Both
/// give the same read: schema, warnings, opaque indexes and statement count.
#[tokio::test]
async fn mysql_on_three_connections_reads_what_one_does() {
    use sqlx::Connection;
    let Some(db) = retort_testing::TestDb::create(Dialect::Mysql, "lanes").await else {
        return;
    };
    build_fast(&db, &generated_schema(40)).await;
    // What the model cannot hold: warnings and an opaque index, from
    // statements other than the first.
    for sql in [
        "CREATE TABLE extra (id INT PRIMARY KEY, doc TEXT, n INT CHECK (n > 0), \
         u TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)",
        "CREATE INDEX extra_doc ON extra (doc(10))",
    ] {
        db.execute(sql).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let lanes = read(&db).await;
    let mut conn = sqlx::mysql::MySqlConnection::connect(&db.url)
        .await
        .expect("a connection");
    let one = retort_catalog::read_schema_with(&mut conn, &retort_catalog::ReadOptions::default())
        .await
        .expect("read on one connection");
    conn.close().await.ok();
    assert_eq!(lanes.schema.tables.len(), 41);
    assert!(!lanes.warnings.is_empty() && !lanes.opaque_indexes.is_empty());
    assert_eq!(lanes, one);
    db.drop().await;
}
