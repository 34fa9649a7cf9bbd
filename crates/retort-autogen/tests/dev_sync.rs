//! The development start-up (`retort::dev::sync_to_models`) on real
//! databases: an empty database is brought to the entity sources, a second
//! call does nothing, a new field is added, and what it must refuse (a
//! destructive change, a managed database, a remote URL) changes nothing.

use std::path::{Path, PathBuf};

use retort_autogen::dev::{DevSync, DevSyncError, sync_to_models};
use retort_core::{Dialect, Schema};
use retort_testing::test_db;

fn blog() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/blog/entity")
}

/// A copy of the blog entities to edit.
fn entities() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in fs_err::read_dir(blog()).unwrap() {
        let e = e.unwrap();
        fs_err::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs_err::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has {from}");
    fs_err::write(&path, text.replacen(from, to, 1)).unwrap();
}

async fn catalog(url: &str) -> Schema {
    retort_catalog::read_schema(url, &retort_catalog::ReadOptions::default())
        .await
        .unwrap()
        .schema
}

async fn sync_round_trip(dialect: Dialect) {
    let db = test_db!(dialect, "dev_sync");
    let dir = entities();
    let options = DevSync::new([dir.path()]);

    let done = sync_to_models(&db.url, &options).await.unwrap();
    assert!(
        !done.statements.is_empty(),
        "{dialect}: the tables were created"
    );
    let tables = db.tables().await;
    assert_eq!(
        tables,
        ["media", "post_tag", "posts", "tags", "users"],
        "{dialect}: no version table either"
    );
    // The database now is what the models describe: nothing more to do.
    let again = sync_to_models(&db.url, &options).await.unwrap();
    assert!(
        again.changes.is_empty() && again.statements.is_empty(),
        "{dialect}: {:?}",
        again.changes
    );

    // A new field is a new column.
    edit(
        dir.path(),
        "users.rs",
        "    pub bio: Option<String>,\n",
        "    pub bio: Option<String>,\n    pub nickname: Option<String>,\n",
    );
    let added = sync_to_models(&db.url, &options).await.unwrap();
    assert_eq!(added.changes.len(), 1, "{dialect}: {:?}", added.changes);
    assert!(
        added.changes[0].description.contains("nickname"),
        "{:?}",
        added.changes
    );
    assert!(
        catalog(&db.url).await.tables["users"]
            .column("nickname")
            .is_some()
    );

    // A field removed would drop a column: refused, named, nothing changed.
    edit(
        dir.path(),
        "users.rs",
        "    #[sea_orm(column_type = \"Text\", nullable)]\n    pub bio: Option<String>,\n",
        "",
    );
    let before = catalog(&db.url).await;
    let err = sync_to_models(&db.url, &options).await.unwrap_err();
    assert!(matches!(err, DevSyncError::Destructive { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("`users`.`bio`") || text.contains("users.bio"),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(catalog(&db.url).await, before, "{dialect}: unchanged");
    db.drop().await;
}

#[tokio::test]
async fn sqlite_is_brought_to_the_models() {
    sync_round_trip(Dialect::Sqlite).await;
}

#[tokio::test]
async fn postgres_is_brought_to_the_models() {
    sync_round_trip(Dialect::Postgres).await;
}

#[tokio::test]
async fn mariadb_is_brought_to_the_models() {
    sync_round_trip(Dialect::Mysql).await;
}

#[tokio::test]
async fn a_new_sqlite_file_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dev.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let done = sync_to_models(&url, &DevSync::new([blog()])).await.unwrap();
    assert!(!done.statements.is_empty());
    assert!(path.is_file());
    assert_eq!(catalog(&url).await.tables.len(), 5);
}

async fn managed(dialect: Dialect, table: &str) {
    let db = test_db!(dialect, "dev_managed");
    db.execute(&format!(
        "CREATE TABLE {table} (version_num varchar(32) NOT NULL)"
    ))
    .await
    .unwrap();
    let err = sync_to_models(&db.url, &DevSync::new([blog()]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DevSyncError::Managed { table: t, .. } if t == table),
        "{err}"
    );
    assert!(err.to_string().contains(&format!("has `{table}`")), "{err}");
    assert_eq!(db.tables().await, [table], "{dialect}: nothing created");
    db.drop().await;
}

#[tokio::test]
async fn a_database_with_a_version_table_is_refused() {
    managed(Dialect::Sqlite, "alembic_version").await;
    managed(Dialect::Postgres, "alembic_version").await;
    managed(Dialect::Sqlite, "seaql_migrations").await;
}

#[tokio::test]
async fn a_remote_url_is_refused_before_connecting() {
    for url in [
        "postgres://app:s3cret@db.example.com/app",
        "mysql://app:s3cret@10.1.2.3:3306/app",
    ] {
        let err = sync_to_models(url, &DevSync::new([blog()]))
            .await
            .unwrap_err();
        assert!(matches!(err, DevSyncError::NotLocal { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("app:***@"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("is not a local database"), "{text}");
    }
}

/// The refusal comes before any connection: a local but unreachable server
/// is a connection error, a remote one is refused without trying.
#[tokio::test]
async fn only_local_urls_are_tried() {
    let err = sync_to_models(
        "postgres://app:s3cret@127.0.0.1:1/app",
        &DevSync::new([blog()]),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DevSyncError::Catalog(_)), "{err}");
    assert!(!err.to_string().contains("s3cret"), "{err}");
}
