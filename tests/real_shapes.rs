//! Shapes of real applications through the binary.
//!
//! * `fixtures/cycles`, a foreign-key graph with two cycles sharing a table
//!   (store <-> staff, store <-> district), a self reference and a composite
//!   key: `revision --autogenerate` finishes, online and `--offline`, on every
//!   server, and the revision round-trips (upgrade head, check clean,
//!   downgrade base).
//! * `fixtures/spellings`: columns each server reports in another spelling
//!   than the one written; after autogenerate and `upgrade head`, `check` is
//!   clean.
//! * `fixtures/codegen_mysql`: entities sea-orm-cli generated from a MariaDB
//!   schema with explicit `NO ACTION` keys; the database retort builds from
//!   them has the same rules, and sea-orm-cli reads it back as the same files.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The planner used to spin forever on this graph: a run that takes longer
/// than this is a failure, not a hang of the test suite.
const LIMIT: Duration = Duration::from_secs(60);

fn fixture_project(url: &str, fixture: &str) -> tempfile::TempDir {
    project_for(url, &repo_root().join("fixtures").join(fixture), "")
}

/// `retort ARGS`, required to succeed within [`LIMIT`]; returns stderr.
fn bounded(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .current_dir(dir)
        .env_remove("RETORT_CONFIG")
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run retort");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("retort {args:?} did not finish in {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "retort {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

fn revision_text(dir: &Path) -> String {
    let files: Vec<_> = fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    fs_err::read_to_string(&files[0]).unwrap()
}

async fn round_trip(dialect: Dialect, offline: bool) {
    let db = test_db!(dialect, "fk_cycles");
    let p = fixture_project(&db.url, "cycles/entity");
    let dir = p.path();
    let mut args = vec!["revision", "--autogenerate", "-m", "create schema"];
    if offline {
        args.push("--offline");
    }
    let err = bounded(dir, &args);
    for t in ["address", "district", "shift", "staff", "store", "swap"] {
        assert!(err.contains(&format!("added table `{t}`")), "{err}");
    }
    // The keys that close the two cycles are added after the tables.
    let text = revision_text(dir);
    let upgrade = &text[..text.find("[[downgrade]]").unwrap()];
    let last_create = upgrade.rfind("op = \"create_table\"").unwrap();
    let added: Vec<&str> = upgrade[last_create..]
        .matches("op = \"add_foreign_key\"")
        .collect();
    assert_eq!(added.len(), 2, "{text}");

    bounded(dir, &["upgrade", "head"]);
    let err = bounded(dir, &["check"]);
    assert!(err.contains("No changes"), "{err}");
    bounded(dir, &["check", "--offline"]);
    for extra in [None, Some("--offline")] {
        let mut args = vec!["revision", "--autogenerate", "-m", "again"];
        args.extend(extra);
        let err = bounded(dir, &args);
        assert!(err.contains("no changes"), "{err}");
    }
    bounded(dir, &["downgrade", "base"]);
    assert_eq!(
        db.tables().await,
        ["alembic_version", "alembic_version_log"],
        "{dialect}"
    );
    db.drop().await;
}

#[tokio::test]
async fn cycles_postgres() {
    round_trip(Dialect::Postgres, false).await;
}

#[tokio::test]
async fn cycles_mysql() {
    round_trip(Dialect::Mysql, false).await;
}

#[tokio::test]
async fn cycles_sqlite() {
    round_trip(Dialect::Sqlite, false).await;
}

#[tokio::test]
async fn cycles_offline_postgres() {
    round_trip(Dialect::Postgres, true).await;
}

#[tokio::test]
async fn cycles_offline_mysql() {
    round_trip(Dialect::Mysql, true).await;
}

#[tokio::test]
async fn cycles_offline_sqlite() {
    round_trip(Dialect::Sqlite, true).await;
}

/// Autogenerate, upgrade, then `check` must find nothing, and a second
/// autogenerate must write nothing.
/// `None` when the server is not reachable (a skip, a failure under CI).
async fn spellings(dialect: Dialect, fixture: &str, offline: bool) -> Option<TestDb> {
    let db = TestDb::create(dialect, "spellings").await?;
    let p = fixture_project(&db.url, fixture);
    let dir = p.path();
    let mut args = vec!["revision", "--autogenerate", "-m", "create schema"];
    if offline {
        args.push("--offline");
    }
    bounded(dir, &args);
    bounded(dir, &["upgrade", "head"]);
    let o = retort(dir, &["check"]);
    assert!(
        o.status.success(),
        "{dialect}: check after upgrade head\n{}\n{}\n{}",
        stdout(&o),
        stderr(&o),
        revision_text(dir)
    );
    let err = bounded(dir, &["revision", "--autogenerate", "-m", "again"]);
    assert!(err.contains("no changes"), "{err}");
    bounded(dir, &["downgrade", "base"]);
    bounded(dir, &["upgrade", "head"]);
    Some(db)
}

#[tokio::test]
async fn spellings_postgres() {
    for offline in [false, true] {
        if let Some(db) = spellings(Dialect::Postgres, "spellings/postgres", offline).await {
            db.drop().await;
        }
    }
}

#[tokio::test]
async fn spellings_mysql() {
    for offline in [false, true] {
        let Some(db) = spellings(Dialect::Mysql, "spellings/mysql", offline).await else {
            return;
        };
        let rules = db
            .query_strings(
                "SELECT DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = DATABASE()",
            )
            .await;
        assert_eq!(
            rules,
            [[Some("NO ACTION".to_owned()), Some("NO ACTION".to_owned())]],
            "offline: {offline}"
        );
        db.drop().await;
    }
}

/// `(table, referenced table, delete rule, update rule)` of every key.
async fn rules(db: &TestDb) -> Vec<Vec<Option<String>>> {
    db.query_strings(
        "SELECT TABLE_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE \
         FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
         ORDER BY 1, 2",
    )
    .await
}

/// `SEA_ORM_CLI`, else `sea-orm-cli` on `PATH`, else in `~/.cargo/bin`.
fn sea_orm_cli() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("SEA_ORM_CLI") {
        return Some(p.into());
    }
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("sea-orm-cli"))
            .collect::<Vec<_>>()
    });
    let home = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/sea-orm-cli"));
    on_path.chain(home).find(|p| p.is_file())
}

#[tokio::test]
async fn sea_orm_cli_reads_back_no_action_keys_mysql() {
    let fixture = repo_root().join("fixtures/codegen_mysql");
    let original = test_db!(Dialect::Mysql, "codegen_schema");
    let schema = fs_err::read_to_string(fixture.join("schema.sql")).unwrap();
    original.execute_script(&schema).await.unwrap();
    let db = test_db!(Dialect::Mysql, "codegen_back");
    let p = fixture_project(&db.url, "codegen_mysql/compact");
    let dir = p.path();
    bounded(dir, &["revision", "--autogenerate", "-m", "chinook"]);
    bounded(dir, &["upgrade", "head"]);
    bounded(dir, &["check"]);
    assert_eq!(rules(&db).await, rules(&original).await);
    original.drop().await;

    let Some(cli) = sea_orm_cli() else {
        eprintln!("skipped: sea-orm-cli not found (set SEA_ORM_CLI); the key rules were compared");
        db.drop().await;
        return;
    };
    let out = dir.join("generated");
    let o = Command::new(&cli)
        .args(["generate", "entity", "--entity-format", "compact"])
        .args(["--ignore-tables", "alembic_version,alembic_version_log"])
        .arg("-u")
        .arg(&db.url)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run sea-orm-cli");
    assert!(o.status.success(), "{}", stderr(&o));
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = fs_err::read_dir(d)
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let want = fixture.join("compact");
    assert_eq!(names(&out), names(&want));
    for f in names(&want) {
        assert_eq!(
            fs_err::read_to_string(out.join(&f)).unwrap(),
            fs_err::read_to_string(want.join(&f)).unwrap(),
            "{f}"
        );
    }
    db.drop().await;
}
