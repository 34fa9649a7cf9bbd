//! The safe forms of issue 15: `create_index` / `drop_index` with
//! `concurrently = true` (PostgreSQL, outside the revision's transaction,
//! a crash detected and the invalid index named), `validate = false` with
//! `validate_constraint`, and `lock_timeout` with `retries` against a real
//! competing lock on PostgreSQL and MariaDB.

mod common;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use retort_testing::{Dialect, TestDb, test_db};
use sqlx::{AssertSqlSafe, Connection};

const TABLE: &str = r#"revision = "000000000001"
message = "items"

[[upgrade]]
op = "create_table"
table = "items"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "code", type = "integer", nullable = true },
]

[[upgrade]]
op = "bulk_insert"
table = "items"
rows = [{ id = 1, code = 10 }, { id = 2, code = 20 }, { id = 3, code = -1 }]

[[downgrade]]
op = "drop_table"
table = "items"
"#;

const CONCURRENT: &str = r#"revision = "000000000002"
down_revision = "000000000001"
message = "index concurrently"

[[upgrade]]
op = "add_column"
table = "items"
column = { name = "note", type = "text", nullable = true }

[[upgrade]]
op = "create_index"
table = "items"
name = "ix_items_code"
columns = ["code"]
concurrently = true

[[downgrade]]
op = "drop_index"
table = "items"
name = "ix_items_code"
concurrently = true

[[downgrade]]
op = "drop_column"
table = "items"
column = "note"
"#;

/// [`CONCURRENT`] with a first step that takes no lock on `items` (so a
/// session writing to `items` holds up only the concurrent build).
fn concurrent_after_create() -> String {
    CONCURRENT
        .replace(
            "op = \"add_column\"\ntable = \"items\"\ncolumn = { name = \"note\", type = \"text\", nullable = true }",
            "op = \"create_table\"\ntable = \"other\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]",
        )
        .replace(
            "op = \"drop_column\"\ntable = \"items\"\ncolumn = \"note\"",
            "op = \"drop_table\"\ntable = \"other\"",
        )
}

fn project_with(revisions: &[(&str, &str)], config: &str) -> tempfile::TempDir {
    let p = project();
    if !config.is_empty() {
        let path = p.path().join("alembic.toml");
        let mut text = fs_err::read_to_string(&path).unwrap();
        text.push_str(config);
        fs_err::write(&path, text).unwrap();
    }
    for (file, text) in revisions {
        write_revision(p.path(), file, text);
    }
    p
}

/// The statements of a `--sql` script, each with whether it sits inside
/// `BEGIN` ... `COMMIT`.
fn statements_in_tx(script: &str) -> Vec<(String, bool)> {
    let mut in_tx = false;
    let mut out = Vec::new();
    for s in script.split(";\n") {
        let s: String = s
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned();
        match s.as_str() {
            "" => {}
            "BEGIN" => in_tx = true,
            "COMMIT" => in_tx = false,
            _ => out.push((s, in_tx)),
        }
    }
    out
}

#[test]
fn sql_script_builds_the_index_concurrently_outside_the_transaction() {
    let p = project_with(&[("01.toml", TABLE), ("02.toml", CONCURRENT)], "");
    let script = ok(
        p.path(),
        &["upgrade", "head", "--sql", "--dialect", "postgres"],
    );
    let stmts = statements_in_tx(&script);
    let at = |needle: &str| {
        stmts
            .iter()
            .position(|(s, _)| s.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in\n{script}"))
    };
    let cic = at("CREATE INDEX CONCURRENTLY");
    assert!(!stmts[cic].1, "inside a transaction:\n{script}");
    // After the revision's other statements, and before its version moves
    // (which is in a transaction again).
    assert!(at("ADD COLUMN \"note\"") < cic, "{script}");
    let version = at("UPDATE \"alembic_version\" SET \"version_num\" = '000000000002'");
    assert!(cic < version && stmts[version].1, "{script}");
    assert!(stmts[at("ADD COLUMN \"note\"")].1, "{script}");

    // The downgrade drops it concurrently, outside too.
    let down = ok(
        p.path(),
        &[
            "downgrade",
            "000000000002:000000000001",
            "--sql",
            "--dialect",
            "postgres",
        ],
    );
    let stmts = statements_in_tx(&down);
    let drop = stmts
        .iter()
        .find(|(s, _)| s.contains("DROP INDEX CONCURRENTLY"))
        .unwrap_or_else(|| panic!("{down}"));
    assert!(!drop.1, "{down}");
}

#[test]
fn other_dialects_build_the_index_in_the_transaction_with_a_note() {
    let p = project_with(&[("01.toml", TABLE), ("02.toml", CONCURRENT)], "");
    for dialect in ["sqlite", "mysql"] {
        let script = ok(
            p.path(),
            &["upgrade", "head", "--sql", "--dialect", dialect],
        );
        assert!(!script.contains("CONCURRENTLY"), "{dialect}:\n{script}");
        assert!(script.contains("CREATE INDEX"), "{dialect}:\n{script}");
        assert!(
            script.contains("-- note: ") && script.contains("`concurrently` is ignored on"),
            "{dialect}:\n{script}"
        );
    }
}

#[tokio::test]
async fn sqlite_upgrade_says_the_form_is_ignored() {
    let db = test_db!(Dialect::Sqlite, "safe_note_lite");
    let p = project_with(&[("01.toml", TABLE), ("02.toml", CONCURRENT)], "");
    let err = ok_err(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    assert!(
        err.contains("note: ") && err.contains("`concurrently` is ignored on sqlite"),
        "{err}"
    );
    assert_eq!(versions(&db).await, ["000000000002"]);
}

async fn index_valid(db: &TestDb, name: &str) -> Option<bool> {
    db.query_strings(&format!(
        "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '{name}'"
    ))
    .await
    .first()
    .map(|r| r[0].as_deref() == Some("true"))
}

#[tokio::test]
async fn postgres_builds_the_index_concurrently_and_valid() {
    let db = test_db!(Dialect::Postgres, "safe_cic");
    let p = project_with(&[("01.toml", TABLE), ("02.toml", CONCURRENT)], "");
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(index_valid(&db, "ix_items_code").await, Some(true));
    assert_eq!(versions(&db).await, ["000000000002"]);
    // The log row went from running to done.
    let log = db
        .query_strings("SELECT status FROM alembic_version_log WHERE revision = '000000000002'")
        .await;
    assert_eq!(log, [[Some("done".to_owned())]]);
    ok(p.path(), &with_url(&db.url, &["downgrade", "000000000001"]));
    assert_eq!(index_valid(&db, "ix_items_code").await, None);
    assert_eq!(versions(&db).await, ["000000000001"]);
}

/// A second session that holds what it locked until it is dropped.
async fn pg_session(url: &str, sql: &str) -> sqlx::PgConnection {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut c)
        .await
        .unwrap();
    c
}

async fn my_session(url: &str, sql: &str) -> sqlx::MySqlConnection {
    let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
    for s in sql.split(';').filter(|s| !s.trim().is_empty()) {
        sqlx::raw_sql(AssertSqlSafe(s.to_owned()))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c
}

/// Waits (up to 60 s) for a line containing `needle`; returns the lines so far.
fn wait_for_line(rx: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(l) => {
                let hit = l.contains(needle);
                lines.push(l);
                if hit {
                    return lines;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("no line with `{needle}`:\n{}", lines.join("\n"));
}

#[tokio::test]
async fn postgres_a_kill_during_the_concurrent_build_is_detected_and_resumed() {
    let db = test_db!(Dialect::Postgres, "safe_cic_kill");
    let p = project_with(&[("01.toml", TABLE)], "");
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    let rev = concurrent_after_create();
    assert!(rev.contains("\"other\"") && !rev.contains("note"));
    write_revision(p.path(), "02.toml", &rev);
    // An open transaction that wrote to the table: the concurrent build
    // creates its (invalid) index, then waits for that transaction.
    let holder = pg_session(
        &db.url,
        "BEGIN; INSERT INTO items (id, code) VALUES (100, 100)",
    )
    .await;
    let (mut child, rx) = start_upgrade(p.path(), &db.url);
    wait_for_line(&rx, "Running upgrade");
    let deadline = Instant::now() + Duration::from_secs(60);
    while index_valid(&db, "ix_items_code").await != Some(false) {
        assert!(Instant::now() < deadline, "the build never started");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The server notices a dead client only when it next talks to it: end
    // the build's backend as a crash of the connection would.
    db.query_strings(
        "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%'",
    )
    .await;
    holder.close().await.unwrap();

    assert_eq!(versions(&db).await, ["000000000001"], "the version moved");
    assert_eq!(index_valid(&db, "ix_items_code").await, Some(false));
    let err = fails(p.path(), &with_url(&db.url, &["upgrade", "head"]), 3);
    for want in [
        "revision `000000000002` committed its transaction",
        "CREATE INDEX CONCURRENTLY",
        "index `ix_items_code` is INVALID",
        "DROP INDEX CONCURRENTLY \"ix_items_code\"",
    ] {
        assert!(err.contains(want), "no `{want}` in:\n{err}");
    }
    assert_eq!(versions(&db).await, ["000000000001"]);

    // Dropped as the hint says, the next run resumes after the transaction
    // (the table its transaction created is not created twice).
    db.execute("DROP INDEX CONCURRENTLY ix_items_code")
        .await
        .unwrap();
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(index_valid(&db, "ix_items_code").await, Some(true));
    assert_eq!(versions(&db).await, ["000000000002"]);
}

const NOT_VALID: &str = r#"revision = "000000000002"
down_revision = "000000000001"
message = "positive codes"

[[upgrade]]
op = "add_check"
table = "items"
name = "ck_items_code"
expr = "code > 0"
validate = false

[[upgrade]]
op = "validate_constraint"
table = "items"
name = "ck_items_code"

[[downgrade]]
op = "drop_check"
table = "items"
name = "ck_items_code"
"#;

async fn convalidated(db: &TestDb, name: &str) -> Option<String> {
    db.query_strings(&format!(
        "SELECT convalidated::text FROM pg_constraint WHERE conname = '{name}'"
    ))
    .await
    .first()
    .and_then(|r| r[0].clone())
}

#[tokio::test]
async fn postgres_not_valid_then_validate_round_trip() {
    let db = test_db!(Dialect::Postgres, "safe_not_valid");
    let p = project_with(&[("01.toml", TABLE), ("02.toml", NOT_VALID)], "");
    let script = ok(
        p.path(),
        &["upgrade", "head", "--sql", "--dialect", "postgres"],
    );
    let stmts = statements_in_tx(&script);
    assert!(
        stmts
            .iter()
            .any(|(s, tx)| *tx && s.ends_with("CHECK (code > 0) NOT VALID")),
        "{script}"
    );
    assert!(
        stmts
            .iter()
            .any(|(s, tx)| !*tx && s.contains("VALIDATE CONSTRAINT \"ck_items_code\"")),
        "{script}"
    );

    // Row 3 breaks the check: the NOT VALID add commits, the validation
    // fails, and the version does not move.
    let err = fails(p.path(), &with_url(&db.url, &["upgrade", "head"]), 3);
    assert!(
        err.contains("VALIDATE CONSTRAINT") && err.contains("ck_items_code"),
        "{err}"
    );
    assert!(
        err.contains("run `retort upgrade` again: it resumes"),
        "{err}"
    );
    assert_eq!(versions(&db).await, ["000000000001"]);
    assert_eq!(
        convalidated(&db, "ck_items_code").await.as_deref(),
        Some("false")
    );
    // New rows are checked already.
    assert!(
        db.execute("INSERT INTO items (id, code) VALUES (9, -9)")
            .await
            .is_err()
    );

    // Fixed data: the next run validates and moves the version.
    db.execute("UPDATE items SET code = 30 WHERE id = 3")
        .await
        .unwrap();
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(
        convalidated(&db, "ck_items_code").await.as_deref(),
        Some("true")
    );
    assert_eq!(versions(&db).await, ["000000000002"]);
    // The chain and the database agree (the catalog reads it back as the
    // check the revision wrote).
    ok(p.path(), &with_url(&db.url, &["downgrade", "base"]));
}

fn timeout_revision(file_keys: &str) -> String {
    format!(
        r#"revision = "000000000002"
down_revision = "000000000001"
message = "add a column"
{file_keys}

[[upgrade]]
op = "add_column"
table = "items"
column = {{ name = "note", type = "text", nullable = true }}

[[downgrade]]
op = "drop_column"
table = "items"
column = "note"
"#
    )
}

enum Holder {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
}

impl Holder {
    /// A transaction that read the table and stays open: ALTER TABLE waits
    /// for it (PostgreSQL ACCESS SHARE, MariaDB's metadata lock).
    async fn hold(dialect: Dialect, url: &str) -> Holder {
        match dialect {
            Dialect::Postgres => Holder::Pg(pg_session(url, "BEGIN; SELECT * FROM items").await),
            _ => Holder::My(my_session(url, "START TRANSACTION; SELECT * FROM items").await),
        }
    }

    async fn release(self) {
        match self {
            Holder::Pg(c) => c.close().await.unwrap(),
            Holder::My(c) => c.close().await.unwrap(),
        }
    }
}

async fn has_note_column(db: &TestDb) -> bool {
    let rows = db
        .query_strings(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'",
        )
        .await;
    !rows.is_empty()
}

/// The lock is released while the revision retries: it succeeds, and the
/// output says each retry.
async fn lock_timeout_retries_until_the_lock_is_released(
    dialect: Dialect,
    config: &str,
    keys: &str,
) {
    let db = test_db!(dialect, "safe_lock_retry");
    let p = project_with(&[("01.toml", TABLE)], config);
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    write_revision(p.path(), "02.toml", &timeout_revision(keys));
    let holder = Holder::hold(dialect, &db.url).await;
    let (mut child, rx) = start_upgrade(p.path(), &db.url);
    let mut lines = wait_for_line(&rx, "lock timeout in `000000000002` (attempt 1 of 6)");
    holder.release().await;
    let status = child.wait().unwrap();
    lines.extend(rx.iter());
    let out = lines.join("\n");
    assert!(status.success(), "{out}");
    assert!(out.contains("lock_timeout = 1s"), "{out}");
    assert!(has_note_column(&db).await);
    assert_eq!(versions(&db).await, ["000000000002"]);
}

/// The lock is held through every attempt: the run fails naming the
/// timeout and the setting, and nothing of the revision is kept.
async fn lock_timeout_gives_up_when_the_lock_is_held(dialect: Dialect, config: &str, keys: &str) {
    let db = test_db!(dialect, "safe_lock_held");
    let p = project_with(&[("01.toml", TABLE)], config);
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    write_revision(p.path(), "02.toml", &timeout_revision(keys));
    let holder = Holder::hold(dialect, &db.url).await;
    let started = Instant::now();
    let err = fails(p.path(), &with_url(&db.url, &["upgrade", "head"]), 3);
    let took = started.elapsed();
    holder.release().await;
    for want in [
        "revision `000000000002` gave up",
        "after 2 attempt(s)",
        "waited longer than `lock_timeout = 1s` for a lock",
        "(attempt 1 of 2)",
        "[safety]",
    ] {
        assert!(err.contains(want), "no `{want}` in:\n{err}");
    }
    // Two waits of 1 s, not the server's default of minutes.
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(!has_note_column(&db).await);
    assert_eq!(versions(&db).await, ["000000000001"]);
    // Nothing blocks the next run once the lock is gone.
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    assert!(has_note_column(&db).await);
}

#[tokio::test]
async fn postgres_lock_timeout_retries_until_the_lock_is_released() {
    lock_timeout_retries_until_the_lock_is_released(
        Dialect::Postgres,
        "",
        "lock_timeout = \"1s\"\nretries = 5",
    )
    .await;
}

#[tokio::test]
async fn postgres_lock_timeout_gives_up_when_the_lock_is_held() {
    lock_timeout_gives_up_when_the_lock_is_held(
        Dialect::Postgres,
        "",
        "lock_timeout = \"1s\"\nretries = 1",
    )
    .await;
}

// MariaDB takes the defaults from `[safety]` in alembic.toml.
#[tokio::test]
async fn mariadb_lock_timeout_retries_until_the_lock_is_released() {
    lock_timeout_retries_until_the_lock_is_released(
        Dialect::Mysql,
        "\n[safety]\nlock_timeout = \"1s\"\nretries = 5\n",
        "",
    )
    .await;
}

#[tokio::test]
async fn mariadb_lock_timeout_gives_up_when_the_lock_is_held() {
    lock_timeout_gives_up_when_the_lock_is_held(
        Dialect::Mysql,
        "\n[safety]\nlock_timeout = \"1s\"\nretries = 1\n",
        "",
    )
    .await;
}

#[test]
fn a_bad_timeout_names_the_file_and_line() {
    let p = project_with(&[("01.toml", TABLE)], "");
    write_revision(
        p.path(),
        "02.toml",
        &timeout_revision("lock_timeout = \"5 seconds\""),
    );
    let err = fails(
        p.path(),
        &["upgrade", "head", "--sql", "--dialect", "postgres"],
        2,
    );
    assert!(
        err.contains("02.toml:4") && err.contains("`lock_timeout`"),
        "{err}"
    );
}
