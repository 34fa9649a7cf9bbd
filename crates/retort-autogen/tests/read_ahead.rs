//! `read_sources_with`: the models and the database read ahead (on their
//! own threads, while the revisions load) give the sources `read_sources`
//! gives, and a read ahead of something else (other entity files, another
//! database, another version table) is not used.

mod common;

use std::thread::JoinHandle;

use common::{project, root};
use retort_autogen::{Against, DatabaseRead, ModelsRead, Sources, read_sources, read_sources_with};
use retort_core::Dialect;
use retort_migrate::Migrator;
use retort_testing::test_db;

fn models(dir: &str) -> ModelsRead {
    ModelsRead::start(
        vec![root().join(dir)],
        retort_entity::ReadOptions::default(),
    )
}

/// The database read on a thread of its own, as the CLI does.
fn database(url: &str, version_table: &str) -> JoinHandle<DatabaseRead> {
    let (url, tables) = (url.to_owned(), vec![version_table.to_owned()]);
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(DatabaseRead::read(&url, &tables, 0, &[]))
    })
}

/// Everything the comparison reads, as text.
fn shown(s: &Sources) -> String {
    format!("{s:?}")
}

async fn read_ahead(dialect: Dialect) {
    let db = test_db!(dialect, "read_ahead");
    let other = test_db!(dialect, "read_ahead_other");
    Migrator::from_dir(root().join("migrations"))
        .unwrap()
        .upgrade(db.url.as_str(), "head")
        .await
        .unwrap();
    // A hand change, so that the database is not what the chain builds.
    db.execute("ALTER TABLE tags ADD COLUMN extra integer")
        .await
        .unwrap();
    let project = project();
    let against = Against::Database(&db.url);
    let want = read_sources(&project, 0, against).await.unwrap();
    let d = want.database.as_ref().expect("read online");
    assert!(!d.rows.is_empty(), "{dialect}: the version rows are read");
    assert!(
        d.schema.tables["tags"].column("extra").is_some(),
        "{dialect}: the catalog is read"
    );

    let same = read_sources_with(
        &project,
        0,
        against,
        Some(models("fixtures/blog/entity")),
        Some(database(&db.url, "alembic_version")),
    )
    .await
    .unwrap();
    assert_eq!(shown(&same), shown(&want), "{dialect}: read ahead");

    // Read ahead of other things: each is read again instead.
    for (m, d) in [
        (
            models("fixtures/store/entity"),
            database(&other.url, "alembic_version"),
        ),
        (
            models("fixtures/blog/entity"),
            database(&db.url, "other_version"),
        ),
    ] {
        let got = read_sources_with(&project, 0, against, Some(m), Some(d))
            .await
            .unwrap();
        assert_eq!(shown(&got), shown(&want), "{dialect}: not used");
    }
    other.drop().await;
    db.drop().await;
}

#[tokio::test]
async fn postgres_read_ahead_is_the_same_read() {
    read_ahead(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql_read_ahead_is_the_same_read() {
    read_ahead(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite_read_ahead_is_the_same_read() {
    read_ahead(Dialect::Sqlite).await;
}
