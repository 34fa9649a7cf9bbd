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
