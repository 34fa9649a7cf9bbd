//! SQLite runs in WAL mode with `synchronous = NORMAL` and puts the file's
//! own journal mode back: what a revision sees during the run, what the
//! file is left with (after a run, a failed run, a killed run, a run that
//! another connection keeps from switching back), and that a failure in a
//! revision still undoes exactly that revision.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use retort_core::Dialect;
use retort_migrate::{MigrateError, Migrator};
use retort_testing::test_db;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

/// Revision `i` of a chain (ids `…01`, `…02`), running `upgrade`.
fn revision(dir: &Path, i: usize, upgrade: &[&str]) {
    let id = format!("{i:012}");
    let down = if i > 1 {
        format!("down_revision = \"{:012}\"\n", i - 1)
    } else {
        String::new()
    };
    let mut text = format!("revision = \"{id}\"\n{down}message = \"r{i}\"\n");
    for sql in upgrade {
        text.push_str(&format!(
            "\n[[upgrade]]\nop = \"execute\"\nsql = \"{sql}\"\n"
        ));
    }
    text.push_str("\n[[downgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n");
    let versions = dir.join("versions");
    fs_err::create_dir_all(&versions).unwrap();
    fs_err::write(versions.join(format!("{id}_r{i}.toml")), text).unwrap();
}

/// The database file of a test database's URL.
fn file(url: &str) -> PathBuf {
    SqliteConnectOptions::from_str(url)
        .unwrap()
        .get_filename()
        .to_owned()
}

fn lock_note(url: &str) -> String {
    let mut lock = file(url).into_os_string();
    lock.push("-retort-lock");
    fs_err::read_to_string(PathBuf::from(lock)).unwrap_or_default()
}

fn set_lock_note(url: &str, note: &str) {
    let mut lock = file(url).into_os_string();
    lock.push("-retort-lock");
    fs_err::write(PathBuf::from(lock), note).unwrap();
}

/// A connection of the test's own, as another program would open the file.
async fn open(url: &str) -> SqliteConnection {
    SqliteConnectOptions::from_str(url)
        .unwrap()
        .connect()
        .await
        .unwrap()
}

async fn query(conn: &mut SqliteConnection, sql: &str) -> Vec<String> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.try_get::<String, _>(0)
                .or_else(|_| r.try_get::<i64, _>(0).map(|v| v.to_string()))
                .unwrap()
        })
        .collect()
}

/// What revision 2 of [`project`] recorded: the journal mode, the
/// `synchronous` level and the page cache it ran with.
async fn seen(url: &str) -> Vec<String> {
    let mut conn = open(url).await;
    let seen = query(&mut conn, "SELECT mode FROM seen").await;
    conn.close().await.unwrap();
    seen
}

/// The file's journal mode, as a new connection finds it.
async fn journal_mode(url: &str) -> String {
    let mut conn = open(url).await;
    let mode = query(&mut conn, "PRAGMA journal_mode").await.remove(0);
    conn.close().await.unwrap();
    mode
}

/// Three revisions; the second records the journal mode and `synchronous`
/// level it runs with.
fn project() -> tempfile::TempDir {
    let p = tempfile::tempdir().unwrap();
    revision(p.path(), 1, &["CREATE TABLE t1 (id INTEGER)"]);
    revision(
        p.path(),
        2,
        &[
            "CREATE TABLE seen AS SELECT journal_mode AS mode FROM pragma_journal_mode",
            "INSERT INTO seen SELECT synchronous FROM pragma_synchronous",
            "INSERT INTO seen SELECT cache_size FROM pragma_cache_size",
        ],
    );
    revision(p.path(), 3, &["CREATE TABLE t3 (id INTEGER)"]);
    p
}

#[tokio::test]
async fn a_run_uses_wal_and_puts_the_rollback_journal_back() {
    let db = test_db!(Dialect::Sqlite, "journal_back");
    let p = project();
    assert_eq!(journal_mode(&db.url).await, "delete");
    let migrator = Migrator::from_dir(p.path()).unwrap();
    let report = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(report.steps.len(), 3);
    // WAL, NORMAL (1) and a 64 MiB page cache while the revisions ran.
    assert_eq!(seen(&db.url).await, ["wal", "1", "-65536"]);
    // The file's own mode afterwards, no WAL file left, nothing noted.
    assert_eq!(journal_mode(&db.url).await, "delete");
    let mut wal = file(&db.url).into_os_string();
    wal.push("-wal");
    assert!(!PathBuf::from(wal).exists());
    assert_eq!(lock_note(&db.url), "");
    // Every revision once, in the log and the version table.
    assert_eq!(
        migrator.current(db.url.as_str()).await.unwrap(),
        [format!("{:012}", 3)]
    );
    let log = migrator.log(db.url.as_str()).await.unwrap();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|e| e.status == "done" && e.statements_done == e.statements_total)
    );
    db.drop().await;
}

/// `sqlite_wal = false`: the revisions run in the file's own journal mode
/// and `synchronous` level (a file on a network file system), with the
/// larger page cache, which is the connection's alone; nothing is noted.
#[tokio::test]
async fn with_wal_off_a_run_keeps_the_files_journal() {
    let db = test_db!(Dialect::Sqlite, "journal_off");
    let p = project();
    let migrator = Migrator::from_dir(p.path())
        .unwrap()
        .with_settings(retort_migrate::Settings {
            sqlite_wal: false,
            ..Default::default()
        });
    let report = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(report.steps.len(), 3);
    assert_eq!(seen(&db.url).await, ["delete", "2", "-65536"]);
    let mut wal = file(&db.url).into_os_string();
    wal.push("-wal");
    assert!(!PathBuf::from(wal).exists());
    assert_eq!(lock_note(&db.url), "");
    assert_eq!(
        migrator.current(db.url.as_str()).await.unwrap(),
        [format!("{:012}", 3)]
    );
    db.drop().await;
    // A file already in WAL mode keeps its own `synchronous` too.
    let db = test_db!(Dialect::Sqlite, "journal_off_wal");
    let mut conn = open(&db.url).await;
    assert_eq!(query(&mut conn, "PRAGMA journal_mode = WAL").await, ["wal"]);
    conn.close().await.unwrap();
    migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(seen(&db.url).await, ["wal", "2", "-65536"]);
    db.drop().await;
}

#[tokio::test]
async fn a_file_in_wal_mode_stays_in_it() {
    let db = test_db!(Dialect::Sqlite, "journal_wal");
    let mut conn = open(&db.url).await;
    assert_eq!(query(&mut conn, "PRAGMA journal_mode = WAL").await, ["wal"]);
    conn.close().await.unwrap();
    let p = project();
    let migrator = Migrator::from_dir(p.path()).unwrap();
    migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(seen(&db.url).await, ["wal", "1", "-65536"]);
    assert_eq!(journal_mode(&db.url).await, "wal");
    assert_eq!(lock_note(&db.url), "");
    db.drop().await;
}

#[tokio::test]
async fn a_failed_revision_is_undone_alone_and_the_journal_put_back() {
    let db = test_db!(Dialect::Sqlite, "journal_fail");
    let p = tempfile::tempdir().unwrap();
    revision(p.path(), 1, &["CREATE TABLE t1 (id INTEGER)"]);
    revision(
        p.path(),
        2,
        &[
            "CREATE TABLE t2 (id INTEGER)",
            "INSERT INTO no_such_table VALUES (1)",
            "CREATE TABLE t2b (id INTEGER)",
        ],
    );
    revision(p.path(), 3, &["CREATE TABLE t3 (id INTEGER)"]);
    let migrator = Migrator::from_dir(p.path()).unwrap();
    let e = migrator.upgrade(db.url.as_str(), "head").await.unwrap_err();
    let MigrateError::StepRolledBack { failure, previous } = &e else {
        panic!("{e}");
    };
    // Named as one statement at a time names it: the second of three
    // statements and the version-table one.
    assert_eq!((failure.index, failure.total), (2, 4), "{e}");
    assert!(failure.statement.contains("no_such_table"), "{e}");
    assert!(failure.message.contains("no such table"), "{e}");
    assert_eq!(previous, &format!("`{:012}`", 1));
    let mut conn = open(&db.url).await;
    let tables = query(
        &mut conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't%' ORDER BY name",
    )
    .await;
    assert_eq!(tables, ["t1"]);
    conn.close().await.unwrap();
    assert_eq!(
        migrator.current(db.url.as_str()).await.unwrap(),
        [format!("{:012}", 1)]
    );
    let log = migrator.log(db.url.as_str()).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(journal_mode(&db.url).await, "delete");
    assert_eq!(lock_note(&db.url), "");
    // Fixed, the run goes on from there.
    revision(p.path(), 2, &["CREATE TABLE t2 (id INTEGER)"]);
    let migrator = Migrator::from_dir(p.path())
        .unwrap()
        .with_settings(retort_migrate::Settings {
            allow_changed: true,
            ..Default::default()
        });
    let report = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(report.steps.len(), 2);
    db.drop().await;
}

/// What a run killed in WAL mode leaves (the file in WAL mode, its mode
/// noted in the lock file) is put back by the next run, even one with
/// nothing to do; while another connection has the file open in WAL mode
/// the mode cannot change, and stays noted.
#[tokio::test]
async fn the_next_run_puts_back_what_a_killed_run_left() {
    let db = test_db!(Dialect::Sqlite, "journal_killed");
    let p = project();
    let migrator = Migrator::from_dir(p.path()).unwrap();
    migrator.upgrade(db.url.as_str(), "+1").await.unwrap();
    let mut other = open(&db.url).await;
    assert_eq!(
        query(&mut other, "PRAGMA journal_mode = WAL").await,
        ["wal"]
    );
    set_lock_note(&db.url, "delete");
    // Another program reads the file in WAL mode and stays connected.
    assert_eq!(query(&mut other, "SELECT count(*) FROM t1").await, ["0"]);
    migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert_eq!(journal_mode(&db.url).await, "wal");
    assert_eq!(lock_note(&db.url), "delete");
    other.close().await.unwrap();
    // Alone, a run with nothing to do switches back.
    let report = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    assert!(report.steps.is_empty());
    assert_eq!(journal_mode(&db.url).await, "delete");
    assert_eq!(lock_note(&db.url), "");
    assert_eq!(
        migrator.current(db.url.as_str()).await.unwrap(),
        [format!("{:012}", 3)]
    );
    db.drop().await;
}

/// The application's pool keeps its own settings: nothing switches.
#[tokio::test]
async fn a_pool_keeps_its_journal() {
    let db = test_db!(Dialect::Sqlite, "journal_pool");
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let p = project();
    let migrator = Migrator::from_dir(p.path()).unwrap();
    migrator.upgrade(&pool, "head").await.unwrap();
    assert_eq!(seen(&db.url).await, ["delete", "2", "-2000"]);
    pool.close().await;
    assert_eq!(journal_mode(&db.url).await, "delete");
    db.drop().await;
}
