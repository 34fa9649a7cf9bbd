//! `check` through the application's SeaORM `DatabaseConnection`
//! (`Against::Connection`): the same three pairs as through a URL.

mod common;

use common::{project, root};
use retort_autogen::{Against, Pair, compare, read_sources};
use retort_core::Dialect;
use retort_migrate::Migrator;
use retort_testing::test_db;
use sea_orm::ConnectionTrait;

async fn check_through_connection(dialect: Dialect) {
    let db = test_db!(dialect, "seaorm_check");
    let conn = sea_orm::Database::connect(db.url.as_str()).await.unwrap();
    let migrator = Migrator::from_dir(root().join("migrations")).unwrap();
    migrator.upgrade(&conn, "head").await.unwrap();

    let sources = read_sources(&project(), 0, Against::Connection((&conn).into()))
        .await
        .unwrap();
    let report = compare(&sources);
    assert!(report.in_sync(), "{dialect}: {:?}", report.to_json());

    // A hand change is drift of the database against the revisions.
    conn.execute_unprepared("ALTER TABLE tags ADD COLUMN extra integer")
        .await
        .unwrap();
    let sources = read_sources(&project(), 0, Against::Connection((&conn).into()))
        .await
        .unwrap();
    let report = compare(&sources);
    let pair = report.get(Pair::DatabaseRevisions).unwrap();
    assert!(
        pair.diff
            .changes
            .iter()
            .any(|c| c.description.contains("extra")),
        "{dialect}: {:?}",
        report.to_json()
    );
    conn.close().await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn postgres_check_through_a_sea_orm_connection() {
    check_through_connection(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql_check_through_a_sea_orm_connection() {
    check_through_connection(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite_check_through_a_sea_orm_connection() {
    check_through_connection(Dialect::Sqlite).await;
}

#[tokio::test]
async fn a_mock_connection_is_refused() {
    let mock = sea_orm::MockDatabase::new(sea_orm::DatabaseBackend::Postgres).into_connection();
    let err = read_sources(&project(), 0, Against::Connection((&mock).into()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("mock SeaORM `DatabaseConnection`"),
        "{err}"
    );
}
