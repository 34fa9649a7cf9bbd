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

/// `read_schema` reads PostgreSQL and MySQL on three connections at once;
/// the caller's one connection (`read_schema_with`) reads the same
/// statements in order. Both give the same read: schema, warnings, opaque
/// indexes and statement count.
async fn three_connections_read_what_one_does(dialect: Dialect, extra: &[&str]) {
    let Some(db) = retort_testing::TestDb::create(dialect, "lanes").await else {
        return;
    };
    build_fast(&db, &generated_schema(40)).await;
    // What the model cannot hold: warnings and an opaque index, from
    // statements other than the first.
    for sql in extra {
        db.execute(sql).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let lanes = read(&db).await;
    let options = retort_catalog::ReadOptions::default();
    let one = match dialect {
        Dialect::Postgres => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
                .await
                .expect("a connection");
            retort_catalog::read_schema_with(&mut conn, &options).await
        }
        _ => {
            let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(&db.url)
                .await
                .expect("a connection");
            retort_catalog::read_schema_with(&mut conn, &options).await
        }
    }
    .expect("read on one connection");
    assert_eq!(lanes.schema.tables.len(), 41, "{dialect}");
    assert!(!lanes.opaque_indexes.is_empty(), "{dialect}");
    // MySQL's `ON UPDATE CURRENT_TIMESTAMP` is a warning.
    assert!(dialect != Dialect::Mysql || !lanes.warnings.is_empty());
    assert_eq!(lanes, one, "{dialect}");
    db.drop().await;
}

#[tokio::test]
async fn mysql_on_three_connections_reads_what_one_does() {
    three_connections_read_what_one_does(
        Dialect::Mysql,
        &[
            "CREATE TABLE extra (id INT PRIMARY KEY, doc TEXT, n INT CHECK (n > 0), \
             u TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)",
            "CREATE INDEX extra_doc ON extra (doc(10))",
        ],
    )
    .await;
}

#[tokio::test]
async fn postgres_on_three_connections_reads_what_one_does() {
    three_connections_read_what_one_does(
        Dialect::Postgres,
        &[
            "CREATE TYPE mood AS ENUM ('calm', 'cross')",
            "CREATE TABLE extra (id INT PRIMARY KEY, doc TEXT, n INT CHECK (n > 0), m mood)",
            "COMMENT ON TABLE extra IS 'what the model cannot hold'",
            "CREATE INDEX extra_doc ON extra (lower(doc))",
        ],
    )
    .await;
}
