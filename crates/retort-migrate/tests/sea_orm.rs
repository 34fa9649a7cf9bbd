//! A SeaORM `DatabaseConnection` as the database of a run (feature
//! `sea-orm`): its sqlx pool is used, with the same lock, transactions and
//! version table as a URL, on PostgreSQL, MariaDB and SQLite.

use std::path::PathBuf;
use std::time::Duration;

use retort_core::Dialect;
use retort_migrate::{MigrateError, Migrator, Settings};
use retort_script::Script;
use retort_testing::{TestDb, test_db};

const HEAD: &str = "b10900000003";

fn example() -> Migrator {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Migrator::new(Script::load(&dir).unwrap(), Settings::default())
}

async fn connect(db: &TestDb) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(db.url.as_str())
        .await
        .unwrap_or_else(|e| panic!("sea-orm cannot connect to the test database: {e}"))
}

/// The `up` rows of the log, one per applied revision.
async fn applied_ups(db: &TestDb) -> Vec<String> {
    let mut revs: Vec<String> = db
        .query_strings(
            "SELECT revision FROM alembic_version_log WHERE direction = 'up' ORDER BY revision",
        )
        .await
        .into_iter()
        .filter_map(|mut r| r.swap_remove(0))
        .collect();
    revs.sort();
    revs
}

async fn round_trip(dialect: Dialect) {
    let db = test_db!(dialect, "seaorm_rt");
    let conn = connect(&db).await;
    let m = example();

    let up = m.upgrade(&conn, "head").await.unwrap();
    assert_eq!(up.steps.len(), 3, "{dialect}: three revisions applied");
    assert_eq!(m.current(&conn).await.unwrap(), [HEAD]);
    let status = m.status(&conn).await.unwrap();
    assert!(status.iter().all(|s| s.ran), "{dialect}: {status:?}");
    let tables = db.tables().await;
    for t in [
        "users",
        "posts",
        "tags",
        "post_tag",
        "media",
        "alembic_version",
    ] {
        assert!(
            tables.iter().any(|x| x == t),
            "{dialect}: {t} in {tables:?}"
        );
    }
    // The same pool still serves the application.
    use sea_orm::ConnectionTrait;
    conn.execute_unprepared("INSERT INTO tags (name) VALUES ('from-the-app')")
        .await
        .unwrap();

    // A second run through the connection finds nothing to do.
    assert!(m.upgrade(&conn, "head").await.unwrap().steps.is_empty());

    let down = m.downgrade(&conn, "base").await.unwrap();
    assert_eq!(down.steps.len(), 3);
    assert!(m.current(&conn).await.unwrap().is_empty());
    let left = db.tables().await;
    assert!(
        left.iter().all(|t| t.starts_with("alembic_version")),
        "{dialect}: {left:?}"
    );
    conn.close().await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn postgres_round_trip() {
    round_trip(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql_round_trip() {
    round_trip(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite_round_trip() {
    round_trip(Dialect::Sqlite).await;
}

/// Four upgrades at once, each through its own `DatabaseConnection`: the
/// lock lets one apply every revision, the others find nothing to do.
async fn concurrent(dialect: Dialect) {
    let db = test_db!(dialect, "seaorm_lock");
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(connect(&db).await);
    }
    let m = example();
    let (a, b, c, d) = tokio::join!(
        m.upgrade(&conns[0], "head"),
        m.upgrade(&conns[1], "head"),
        m.upgrade(&conns[2], "head"),
        m.upgrade(&conns[3], "head"),
    );
    let mut steps = 0;
    for r in [a, b, c, d] {
        steps += r.unwrap_or_else(|e| panic!("{dialect}: {e}")).steps.len();
    }
    assert_eq!(steps, 3, "{dialect}: each revision applied once in all");
    assert_eq!(
        applied_ups(&db).await,
        ["b10900000001", "b10900000002", "b10900000003"],
        "{dialect}: one `up` log row per revision"
    );
    for c in conns {
        c.close().await.unwrap();
    }
    db.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_upgrades_apply_each_revision_once() {
    concurrent(Dialect::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_concurrent_upgrades_apply_each_revision_once() {
    concurrent(Dialect::Mysql).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_upgrades_apply_each_revision_once() {
    concurrent(Dialect::Sqlite).await;
}

/// A run that fails inside a revision rolls it back and leaves the pool
/// usable: the next run through the same connection is not locked out.
#[tokio::test]
async fn postgres_failed_run_releases_the_lock_of_the_pool() {
    let db = test_db!(Dialect::Postgres, "seaorm_fail");
    let conn = sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(db.url.as_str())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs_err::create_dir_all(dir.path().join("versions")).unwrap();
    let bad = dir.path().join("versions/a1_bad.toml");
    fs_err::write(
        &bad,
        "revision = \"a1\"\nmessage = \"bad\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE t (id integer); SELECT no_such_function()\"\n\n[[downgrade]]\nop = \"execute\"\nsql = \"DROP TABLE t\"\n",
    )
    .unwrap();
    let settings = Settings {
        lock_timeout: Duration::from_secs(2),
        ..Settings::default()
    };
    let m = Migrator::from_dir(dir.path())
        .unwrap()
        .with_settings(settings.clone());
    let err = m.upgrade(&conn, "head").await.unwrap_err();
    assert!(matches!(err, MigrateError::StepRolledBack { .. }), "{err}");
    assert!(!db.tables().await.iter().any(|t| t == "t"), "rolled back");

    fs_err::write(
        &bad,
        "revision = \"a1\"\nmessage = \"good\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE t (id integer)\"\n\n[[downgrade]]\nop = \"execute\"\nsql = \"DROP TABLE t\"\n",
    )
    .unwrap();
    let m = Migrator::from_dir(dir.path())
        .unwrap()
        .with_settings(settings);
    let up = m.upgrade(&conn, "head").await.unwrap();
    assert_eq!(up.steps.len(), 1);
    conn.close().await.unwrap();
    db.drop().await;
}

/// A mock or a disconnected `DatabaseConnection` is an error that says
/// what retort needs, never a panic.
#[tokio::test]
async fn connections_retort_cannot_use_are_refused() {
    let m = example();
    let mock = sea_orm::MockDatabase::new(sea_orm::DatabaseBackend::Postgres).into_connection();
    let err = m.upgrade(&mock, "head").await.unwrap_err();
    assert!(
        matches!(err, MigrateError::UnsupportedConnection { kind: "mock" }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("mock SeaORM `DatabaseConnection`"), "{text}");
    assert!(text.contains("PostgreSQL, MySQL or SQLite pool"), "{text}");
    assert!(m.current(&mock).await.is_err());
    assert!(m.status(&mock).await.is_err());

    let disconnected = sea_orm::DatabaseConnection::default();
    let err = m.downgrade(&disconnected, "base").await.unwrap_err();
    assert!(
        matches!(
            err,
            MigrateError::UnsupportedConnection {
                kind: "disconnected"
            }
        ),
        "{err:?}"
    );
}
