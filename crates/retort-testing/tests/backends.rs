//! Each backend: a fresh database takes a script, reads back, and goes away.

use retort_testing::{Dialect, TestDb};

async fn check(dialect: Dialect) {
    let Some(db) = TestDb::create(dialect, "testing_self").await else {
        return;
    };
    let other = TestDb::create(dialect, "testing_self").await.unwrap();
    assert_ne!(db.url, other.url, "two tests must not share a database");
    assert!(db.tables().await.is_empty());

    let script = "BEGIN;\n\
        CREATE TABLE b_items (id integer NOT NULL PRIMARY KEY, label varchar(20), flag boolean);\n\
        CREATE TABLE a_things (id integer NOT NULL);\n\
        INSERT INTO b_items (id, label, flag) VALUES (1, 'it''s', TRUE), (2, NULL, FALSE);\n\
        COMMIT;";
    db.execute_script(script).await.unwrap();
    assert_eq!(db.tables().await, ["a_things", "b_items"]);
    assert!(other.tables().await.is_empty(), "databases are separate");

    let rows = db
        .query_strings("SELECT id, label, 2.5 FROM b_items ORDER BY id")
        .await;
    assert_eq!(
        rows,
        vec![
            vec![Some("1".into()), Some("it's".into()), Some("2.5".into())],
            vec![Some("2".into()), None, Some("2.5".into())],
        ]
    );

    let err = db.execute("CREATE TABLE a_things (x integer)").await;
    assert!(err.is_err(), "a duplicate table must be an error");
    assert!(
        db.try_query_strings("SELECT nope FROM a_things")
            .await
            .is_err()
    );

    // A failed script inside a transaction leaves nothing behind where DDL is transactional.
    let failing =
        "BEGIN; CREATE TABLE c_gone (id integer); INSERT INTO missing VALUES (1); COMMIT;";
    assert!(db.execute_script(failing).await.is_err());
    if dialect.transactional_ddl() {
        db.execute("ROLLBACK").await.ok();
        assert_eq!(db.tables().await, ["a_things", "b_items"]);
    }

    let (name, admin) = (db.name.clone(), retort_testing::admin_url(dialect));
    db.drop().await;
    other.drop().await;
    if let Some(admin) = admin {
        let probe = TestDb::create(dialect, "testing_probe").await.unwrap();
        let sql = match dialect {
            Dialect::Postgres => {
                format!("SELECT datname FROM pg_database WHERE datname = '{name}'")
            }
            _ => format!(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{name}'"
            ),
        };
        assert!(
            probe.query_strings(&sql).await.is_empty(),
            "`{name}` should be gone from {admin}"
        );
        probe.drop().await;
    }
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

#[tokio::test]
async fn dropping_the_value_drops_the_database() {
    let Some(db) = TestDb::create(Dialect::Postgres, "testing_implicit").await else {
        return;
    };
    let name = db.name.clone();
    drop(db);
    let probe = retort_testing::test_db!(Dialect::Postgres, "testing_probe2");
    let sql = format!("SELECT datname FROM pg_database WHERE datname = '{name}'");
    assert!(probe.query_strings(&sql).await.is_empty());
    probe.drop().await;
}
