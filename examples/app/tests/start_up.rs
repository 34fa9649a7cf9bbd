//! The application's binary (the release build with
//! `EXAMPLE_APP_RELEASE=1`), copied to a folder with no migrations anywhere near,
//! brings empty databases to head at start-up; copies started at once apply
//! each revision once; a second start applies nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use retort_testing::{Dialect, TestDb, test_db};

/// The binary under test: this test run's own `example-app` (the code a
/// release build compiles), or, with `EXAMPLE_APP_RELEASE=1`, the result of
/// `cargo build --release -p example-app` (a no-op when it is fresh; left
/// out of CI by default because a second, optimised build of sea-orm and
/// sqlx costs more than the rest of the suite on two cores).
fn release_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let debug = PathBuf::from(env!("CARGO_BIN_EXE_example-app"));
        if std::env::var_os("EXAMPLE_APP_RELEASE").is_none_or(|v| v != "1") {
            return debug;
        }
        // The target directory of this test run: its debug binary sits in
        // `<target>/debug/`.
        let target = debug
            .parent()
            .and_then(Path::parent)
            .expect("target dir")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "--release", "-p", "example-app", "--target-dir"])
            .arg(&target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .status()
            .expect("run cargo build --release");
        assert!(
            status.success(),
            "cargo build --release -p example-app failed"
        );
        let bin = target.join("release/example-app");
        assert!(bin.is_file(), "no release binary at {}", bin.display());
        bin
    })
}

/// A temp folder holding only a copy of the release binary; neither it nor
/// any folder above it has a `migrations` folder.
fn installed() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("example-app-")
        .tempdir()
        .unwrap();
    let bin = dir.path().join("example-app");
    fs_err::copy(release_binary(), &bin).unwrap();
    for d in dir.path().ancestors() {
        assert!(
            !d.join("migrations").exists(),
            "{} has a migrations folder",
            d.display()
        );
    }
    (dir, bin)
}

fn start(bin: &Path, url: Option<&str>) -> Output {
    let mut c = Command::new(bin);
    c.current_dir(bin.parent().unwrap())
        .env_remove("DATABASE_URL");
    if let Some(url) = url {
        c.env("DATABASE_URL", url);
    }
    c.output().expect("start example-app")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn started(o: Output) -> String {
    let (out, err) = text(&o);
    assert!(
        o.status.success(),
        "example-app failed ({:?})\nstdout:\n{out}\nstderr:\n{err}",
        o.status.code()
    );
    out
}

fn heads() -> Vec<String> {
    let m = retort::Migrator::from_embedded(example_app::MIGRATIONS).unwrap();
    m.script().heads().iter().map(|h| (*h).to_owned()).collect()
}

fn revisions() -> Vec<String> {
    let m = retort::Migrator::from_embedded(example_app::MIGRATIONS).unwrap();
    let mut ids: Vec<String> = m
        .script()
        .revisions()
        .iter()
        .map(|r| r.id.clone())
        .collect();
    ids.sort();
    ids
}

/// The `up` rows of retort's log, sorted by revision.
async fn log_ups(db: &TestDb) -> Vec<String> {
    let mut ups: Vec<String> = db
        .query_strings("SELECT revision FROM alembic_version_log WHERE direction = 'up'")
        .await
        .into_iter()
        .filter_map(|mut r| r.swap_remove(0))
        .collect();
    ups.sort();
    ups
}

async fn version_rows(db: &TestDb) -> Vec<String> {
    db.query_strings("SELECT version_num FROM alembic_version")
        .await
        .into_iter()
        .filter_map(|mut r| r.swap_remove(0))
        .collect()
}

/// How many revisions a start's output says it applied.
fn applied(out: &str) -> usize {
    let line = out
        .lines()
        .find(|l| l.starts_with("migrations: "))
        .unwrap_or_else(|| panic!("no `migrations:` line in {out}"));
    if line.starts_with("migrations: nothing to do") {
        return 0;
    }
    line.trim_start_matches("migrations: applied ")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("cannot read {line}"))
}

async fn one_then_again(dialect: Dialect) {
    let db = test_db!(dialect, "app_start");
    let (_dir, bin) = installed();
    assert!(db.tables().await.is_empty(), "an empty database");

    let out = started(start(&bin, Some(&db.url)));
    assert_eq!(applied(&out), revisions().len(), "{out}");
    assert!(out.contains("authors: 1, posts: 1"), "{out}");
    assert_eq!(version_rows(&db).await, heads());
    assert_eq!(log_ups(&db).await, revisions());
    for t in ["authors", "posts", "comments"] {
        assert!(db.tables().await.iter().any(|x| x == t), "{dialect}: {t}");
    }

    let again = started(start(&bin, Some(&db.url)));
    assert_eq!(applied(&again), 0, "{again}");
    assert!(again.contains("authors: 2, posts: 2"), "{again}");
    assert_eq!(log_ups(&db).await, revisions(), "nothing more in the log");
    db.drop().await;
}

#[tokio::test]
async fn release_binary_brings_an_empty_sqlite_database_to_head() {
    one_then_again(Dialect::Sqlite).await;
}

#[tokio::test]
async fn release_binary_brings_an_empty_postgres_database_to_head() {
    one_then_again(Dialect::Postgres).await;
}

#[tokio::test]
async fn release_binary_brings_an_empty_mariadb_database_to_head() {
    one_then_again(Dialect::Mysql).await;
}

#[tokio::test]
async fn four_copies_started_at_once_apply_each_revision_once() {
    let db = test_db!(Dialect::Postgres, "app_four");
    let (_dir, bin) = installed();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(&bin)
                .current_dir(bin.parent().unwrap())
                .env("DATABASE_URL", &db.url)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start example-app")
        })
        .collect();
    let outs: Vec<String> = children
        .into_iter()
        .map(|c| started(c.wait_with_output().unwrap()))
        .collect();
    let total: usize = outs.iter().map(String::as_str).map(applied).sum();
    assert_eq!(total, revisions().len(), "{outs:#?}");
    assert_eq!(log_ups(&db).await, revisions(), "one `up` row per revision");
    assert_eq!(version_rows(&db).await, heads());
    let counts = db.query_strings("SELECT count(*) FROM posts").await;
    assert_eq!(
        counts[0][0].as_deref(),
        Some("4"),
        "every copy did its work"
    );

    let again = started(start(&bin, Some(&db.url)));
    assert_eq!(applied(&again), 0, "{again}");
    assert_eq!(log_ups(&db).await, revisions());
    db.drop().await;
}

#[test]
fn a_bad_url_is_a_clear_error_with_the_password_masked() {
    let (_dir, bin) = installed();
    let o = start(&bin, Some("postgres://app:s3cret-pw@127.0.0.1:1/app"));
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains("cannot connect to `postgres://app:***@127.0.0.1:1/app`"),
        "{err}"
    );
    assert!(err.contains("hint: set DATABASE_URL"), "{err}");
    assert!(!out.contains("s3cret") && !err.contains("s3cret"), "{err}");

    let o = start(&bin, Some("mongodb://app:s3cret-pw@localhost/app"));
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("mongodb://app:***@localhost/app"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");

    let o = start(&bin, None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("DATABASE_URL is not set"), "{err}");
}
