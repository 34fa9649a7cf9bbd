//! The version table statements, run on each database.

use retort_core::Dialect;
use retort_sql::{version_delete, version_insert, version_table_create, version_update};
use retort_testing::TestDb;

async fn check(dialect: Dialect) {
    let Some(db) = TestDb::create(dialect, "version_table").await else {
        return;
    };
    let table = "alembic_version";
    let create = version_table_create(dialect, table);
    db.execute(create.as_str()).await.unwrap();
    // IF NOT EXISTS: a second run is harmless.
    db.execute(create.as_str()).await.unwrap();
    assert_eq!(db.tables().await, [table]);

    let rows = || db.query_strings("SELECT version_num FROM alembic_version ORDER BY 1");
    db.execute(version_insert(dialect, table, "a1b2c3d4e5f6").as_str())
        .await
        .unwrap();
    // The key refuses a second row for the same revision.
    assert!(
        db.execute(version_insert(dialect, table, "a1b2c3d4e5f6").as_str())
            .await
            .is_err()
    );
    // Values are escaped, never spliced.
    db.execute(version_insert(dialect, table, "it's").as_str())
        .await
        .unwrap();
    db.execute(version_update(dialect, table, "a1b2c3d4e5f6", "3f2a9c1b7d4e").as_str())
        .await
        .unwrap();
    assert_eq!(
        rows().await,
        vec![
            vec![Some("3f2a9c1b7d4e".to_owned())],
            vec![Some("it's".to_owned())]
        ]
    );
    db.execute(version_delete(dialect, table, "it's").as_str())
        .await
        .unwrap();
    assert_eq!(rows().await, vec![vec![Some("3f2a9c1b7d4e".to_owned())]]);
    // Alembic's shape: 32 characters, NOT NULL.
    assert!(
        db.execute(version_insert(dialect, table, &"x".repeat(33)).as_str())
            .await
            .is_err()
            || dialect == Dialect::Sqlite
    );

    if dialect == Dialect::Postgres {
        let pk = db
            .query_strings(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'alembic_version'::regclass AND contype = 'p'",
            )
            .await;
        assert_eq!(pk, vec![vec![Some("alembic_version_pkc".to_owned())]]);
    }
    db.drop().await;
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

#[test]
fn rendered_text() {
    assert_eq!(
        version_table_create(Dialect::Postgres, "alembic_version").as_str(),
        r#"CREATE TABLE IF NOT EXISTS "alembic_version" ( "version_num" varchar(32) NOT NULL, CONSTRAINT "alembic_version_pkc" PRIMARY KEY ("version_num") )"#
    );
    assert_eq!(
        version_update(Dialect::Mysql, "alembic_version", "a", "b").as_str(),
        "UPDATE `alembic_version` SET `version_num` = 'b' WHERE `version_num` = 'a'"
    );
}
