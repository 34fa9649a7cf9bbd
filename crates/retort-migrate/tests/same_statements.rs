//! What `--sql` prints is what an online run executes: the statements a live
//! upgrade and downgrade send are those of the offline script, in order.

use std::path::PathBuf;

use retort_core::Dialect;
use retort_migrate::{Migrator, PlanOptions, Settings, build_plan};
use retort_script::{Direction, Script};
use retort_testing::test_db;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

/// The statements of the offline script for `range`, in order, without
/// transaction control and comments.
fn script_statements(
    script: &Script,
    dialect: Dialect,
    direction: Direction,
    range: &str,
) -> Vec<String> {
    let plan = script.offline_plan(direction, range).unwrap();
    let options = PlanOptions {
        dialect,
        version_table: "alembic_version".into(),
        transaction_per_migration: true,
        safety: Default::default(),
    };
    let text = build_plan(script, &plan, &options).unwrap().to_script();
    text.split(";\n\n")
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with("-- "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| {
            !s.is_empty() && !matches!(s.as_str(), "BEGIN" | "COMMIT") && !s.starts_with("PRAGMA")
        })
        .filter(|s| !s.starts_with("CREATE TABLE IF NOT EXISTS"))
        .collect()
}

fn trimmed<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    it.map(|s| s.trim().trim_end_matches(';').trim().to_owned())
        .collect()
}

async fn same(dialect: Dialect) {
    let db = test_db!(dialect, "same_stmts");
    let script = Script::load(&example()).unwrap();
    let migrator = Migrator::new(script.clone(), Settings::default());

    let up = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(up.steps.len(), 3);
    let expected = script_statements(&script, dialect, Direction::Up, "base:head");
    assert!(expected.len() > 6, "{expected:?}");
    assert_eq!(trimmed(up.executed()), expected);

    let down = migrator
        .downgrade(db.url.as_str(), "b10900000001")
        .await
        .unwrap();
    let expected = script_statements(&script, dialect, Direction::Down, "head:b10900000001");
    assert_eq!(trimmed(down.executed()), expected);
    db.drop().await;
}

#[tokio::test]
async fn postgres() {
    same(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    same(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite() {
    same(Dialect::Sqlite).await;
}

#[tokio::test]
async fn an_application_pool_works_too() {
    let db = test_db!(Dialect::Sqlite, "pool");
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let migrator = Migrator::from_dir(example()).unwrap();
    let report = migrator.upgrade(&pool, "head").await.unwrap();
    assert_eq!(report.heads_after, ["b10900000003"]);
    assert_eq!(migrator.current(&pool).await.unwrap(), ["b10900000003"]);
    let again = migrator.upgrade(&pool, "head").await.unwrap();
    assert!(again.steps.is_empty());
    pool.close().await;
    db.drop().await;
}
