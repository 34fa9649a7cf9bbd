//! What the runner promises when things go wrong: checksums in both
//! directions, user errors that change nothing, failures that do not block
//! the next run when nothing ran, readable server errors, and `kill -9` at
//! random moments on MariaDB (the refusal names the statement that was
//! running) and on SQLite (what finished stays applied).

mod common;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use retort_testing::{Dialect, TestDb, test_db};

fn rev(i: usize) -> String {
    format!("{i:012}")
}

/// Revision `i` (parent `i - 1`) with the given `[[upgrade]]` and
/// `[[downgrade]]` bodies.
fn revision(dir: &std::path::Path, i: usize, upgrade: &[String], downgrade: &[String]) {
    let down = if i == 1 {
        String::new()
    } else {
        format!("down_revision = \"{}\"\n", rev(i - 1))
    };
    let mut text = format!("revision = \"{}\"\n{down}message = \"step {i}\"\n", rev(i));
    for u in upgrade {
        text.push_str(&format!("\n[[upgrade]]\n{u}\n"));
    }
    for d in downgrade {
        text.push_str(&format!("\n[[downgrade]]\n{d}\n"));
    }
    write_revision(dir, &format!("{i:02}.toml"), &text);
}

fn create(table: &str) -> String {
    format!(
        "op = \"create_table\"\ntable = \"{table}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]"
    )
}

fn drop(table: &str) -> String {
    format!("op = \"drop_table\"\ntable = \"{table}\"")
}

fn execute(sql: &str) -> String {
    format!("op = \"execute\"\nsql = \"{sql}\"")
}

/// Revisions 1..=n, revision `i` creating table `t<i>`.
fn chain(n: usize) -> tempfile::TempDir {
    let p = project();
    for i in 1..=n {
        let t = format!("t{i}");
        revision(p.path(), i, &[create(&t)], &[drop(&t)]);
    }
    p
}

fn bookkeeping_and(tables: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["alembic_version", "alembic_version_log"]
        .iter()
        .chain(tables)
        .map(|s| s.to_string())
        .collect();
    v.sort();
    v
}

// ---- 1. downgrade checks checksums --------------------------------------

async fn downgrade_refuses_a_changed_revision(dialect: Dialect) {
    let db = test_db!(dialect, "rec_changed_down");
    let p = chain(2);
    let d = p.path();
    let url = db.url.clone();
    ok(d, &with_url(&url, &["upgrade", "head"]));
    // Edit applied revision 2, the one `downgrade -1` would undo.
    revision(d, 2, &[create("t2")], &[execute("SELECT 1"), drop("t2")]);
    for args in [
        &["downgrade", "-1"][..],
        &["rollback"],
        &["downgrade", "base"],
    ] {
        let e = fails(d, &with_url(&url, args), 2);
        assert!(
            e.contains(&rev(2))
                && e.contains("changed after they were applied")
                && e.contains("--allow-changed"),
            "{args:?}: {e}"
        );
        assert_eq!(
            db.tables().await,
            bookkeeping_and(&["t1", "t2"]),
            "{args:?} changed nothing"
        );
        assert_eq!(versions(&db).await, [rev(2)]);
    }
    ok(d, &with_url(&url, &["downgrade", "-1", "--allow-changed"]));
    assert_eq!(db.tables().await, bookkeeping_and(&["t1"]));
    db.drop().await;
}

#[tokio::test]
async fn downgrade_refuses_a_changed_revision_postgres() {
    downgrade_refuses_a_changed_revision(Dialect::Postgres).await;
}

#[tokio::test]
async fn downgrade_refuses_a_changed_revision_mysql() {
    downgrade_refuses_a_changed_revision(Dialect::Mysql).await;
}

#[tokio::test]
async fn downgrade_refuses_a_changed_revision_sqlite() {
    downgrade_refuses_a_changed_revision(Dialect::Sqlite).await;
}

// ---- 6. a user error changes nothing ------------------------------------

async fn user_errors_create_nothing(dialect: Dialect) {
    let db = test_db!(dialect, "rec_user_err");
    let p = chain(2);
    let d = p.path();
    let url = db.url.clone();
    let cases: [&[&str]; 4] = [
        &["downgrade", "-1"],
        &["rollback"],
        &["upgrade", "ffffffffffff"],
        &["stamp", "ffffffffffff"],
    ];
    for args in cases {
        let e = fails(d, &with_url(&url, args), 2);
        assert!(!e.is_empty(), "{args:?}");
        assert_eq!(
            db.tables().await,
            Vec::<String>::new(),
            "{args:?} at base created tables:\n{e}"
        );
    }
    // The same after an upgrade: nothing moves.
    ok(d, &with_url(&url, &["upgrade", "+1"]));
    let before = db
        .query_strings("SELECT count(*) FROM alembic_version_log")
        .await;
    for args in [&["downgrade", "-2"][..], &["upgrade", "ffffffffffff"]] {
        fails(d, &with_url(&url, args), 2);
        assert_eq!(db.tables().await, bookkeeping_and(&["t1"]), "{args:?}");
        assert_eq!(versions(&db).await, [rev(1)]);
        let after = db
            .query_strings("SELECT count(*) FROM alembic_version_log")
            .await;
        assert_eq!(before, after, "{args:?} wrote the log");
    }
    db.drop().await;
}

#[tokio::test]
async fn user_errors_create_nothing_postgres() {
    user_errors_create_nothing(Dialect::Postgres).await;
}

#[tokio::test]
async fn user_errors_create_nothing_mysql() {
    user_errors_create_nothing(Dialect::Mysql).await;
}

#[tokio::test]
async fn user_errors_create_nothing_sqlite() {
    user_errors_create_nothing(Dialect::Sqlite).await;
}

// ---- 7. MySQL: a failure that changed nothing does not block ------------

#[tokio::test]
async fn mysql_failure_before_any_change_does_not_block_the_next_run() {
    let db = test_db!(Dialect::Mysql, "rec_clean_fail");
    let p = chain(1);
    let d = p.path();
    let url = db.url.clone();
    // Revision 2 fails at its first statement; revision 3 after a read only.
    let bad = execute("INSERT INTO no_such_table VALUES (1)");
    revision(d, 2, &[bad.clone(), create("a2")], &[drop("a2")]);
    for attempt in 0..2 {
        let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
        assert!(
            e.contains(&rev(2))
                && e.contains("statement 1 of")
                && e.contains("before changing anything")
                && e.contains("no_such_table")
                && e.contains("no `stamp` is needed"),
            "attempt {attempt}: {e}"
        );
        assert!(!e.contains("recorded as failed"), "attempt {attempt}: {e}");
        assert_eq!(versions(&db).await, [rev(1)]);
    }
    // Fixed, the next run just applies it: no `stamp`.
    revision(d, 2, &[create("a2")], &[drop("a2")]);
    revision(
        d,
        3,
        &[execute("SELECT 1"), bad, create("a3")],
        &[drop("a3")],
    );
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(
        e.contains(&rev(3))
            && e.contains("statement 2 of")
            && e.contains("before changing anything"),
        "{e}"
    );
    assert_eq!(versions(&db).await, [rev(2)]);
    revision(d, 3, &[create("a3")], &[drop("a3")]);
    ok(d, &with_url(&url, &["upgrade", "head"]));
    assert_eq!(versions(&db).await, [rev(3)]);
    assert_eq!(db.tables().await, bookkeeping_and(&["a2", "a3", "t1"]));
    // A failure that may have changed something still blocks: a duplicate
    // key halfway through an insert (InnoDB would undo it, MyISAM would not).
    db.execute("CREATE TABLE m (id integer PRIMARY KEY) ENGINE=MyISAM")
        .await
        .unwrap();
    revision(
        d,
        4,
        &[execute("INSERT INTO m (id) VALUES (1), (2), (1)")],
        &[],
    );
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(
        e.contains("half-migrated") && e.contains("Duplicate entry"),
        "{e}"
    );
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(e.contains("recorded as failed at statement 1 of"), "{e}");
    let m = db.query_strings("SELECT count(*) FROM m").await;
    assert_eq!(
        m[0][0].as_deref(),
        Some("2"),
        "MyISAM kept the rows before the duplicate"
    );
    db.execute("DROP TABLE m").await.unwrap();
    ok(d, &with_url(&url, &["stamp", &rev(3)]));
    // A failure after a change blocks.
    revision(
        d,
        4,
        &[
            create("a4"),
            execute("INSERT INTO no_such_table VALUES (1)"),
        ],
        &[drop("a4")],
    );
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(e.contains("half-migrated"), "{e}");
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(e.contains("recorded as failed at statement 2 of"), "{e}");
    assert!(
        e.contains("already ran") && e.contains("CREATE TABLE `a4`"),
        "the refusal lists what ran:\n{e}"
    );
    // Edited since, the file no longer tells what ran: the refusal says so.
    revision(
        d,
        4,
        &[create("a4"), create("b4")],
        &[drop("b4"), drop("a4")],
    );
    let e = fails(d, &with_url(&url, &["upgrade", "head"]), 3);
    assert!(
        e.contains("recorded as failed at statement 2 of")
            && e.contains("the first 1 statement(s)")
            && e.contains("cannot be listed")
            && !e.contains("CREATE TABLE `b4`"),
        "{e}"
    );
    db.drop().await;
}

// ---- 8. PostgreSQL errors without the server's source line --------------

#[tokio::test]
async fn postgres_errors_do_not_show_the_server_source_line() {
    let db = test_db!(Dialect::Postgres, "rec_pg_line");
    let p = chain(1);
    let d = p.path();
    revision(
        d,
        2,
        &[
            create("a2"),
            execute("INSERT INTO no_such_table VALUES (1)"),
        ],
        &[drop("a2")],
    );
    let e = fails(d, &with_url(&db.url, &["upgrade", "head"]), 3);
    assert!(
        e.contains("relation \"no_such_table\" does not exist") && e.contains("42P01"),
        "{e}"
    );
    assert!(
        !e.contains(" at line "),
        "a server source line reads like the user's file:\n{e}"
    );
    db.drop().await;
}

// ---- kill -9 at random moments -------------------------------------------

/// A small xorshift generator: random moments, reproducible from the seed
/// that failure messages print.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("RETORT_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("RETORT_TEST_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Waits for the first revision to start, returning the lines so far.
fn wait_for_start(rx: &mpsc::Receiver<String>) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the upgrade starts a revision");
        let started = line.contains("Running upgrade");
        lines.push(line);
        if started {
            return lines;
        }
    }
}

/// Runs an upgrade to the end; returns how long the revisions took (from
/// the first `Running upgrade` line).
fn timed_upgrade(dir: &std::path::Path, url: &str) -> Duration {
    let (mut child, rx) = start_upgrade(dir, url);
    wait_for_start(&rx);
    let t = Instant::now();
    let status = child.wait().unwrap();
    assert!(status.success(), "{:?}", rx.try_iter().collect::<Vec<_>>());
    t.elapsed()
}

/// Kills the upgrade `delay` after its first revision starts; returns every
/// line it wrote to stderr.
fn kill_after(dir: &std::path::Path, url: &str, delay: Duration) -> Vec<String> {
    let (mut child, rx) = start_upgrade(dir, url);
    let mut lines = wait_for_start(&rx);
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap();
    lines.extend(rx.iter());
    lines
}

/// MariaDB: one revision of six operations, two of them slow reads.
fn mariadb_kill_project() -> tempfile::TempDir {
    let p = project();
    revision(
        p.path(),
        1,
        &[
            create("k1"),
            create("k2"),
            execute("SELECT SLEEP(0.3)"),
            create("k3"),
            execute("SELECT SLEEP(0.35)"),
            create("k4"),
        ],
        &[drop("k4"), drop("k3"), drop("k2"), drop("k1")],
    );
    p
}

#[tokio::test]
async fn mariadb_kill_names_the_statement_that_was_running() {
    // Statement i (1-based) of the revision: what its text contains, and
    // the table it creates, if any. Statement 7 records the version.
    const STATEMENTS: [(&str, Option<&str>); 7] = [
        ("CREATE TABLE `k1`", Some("k1")),
        ("CREATE TABLE `k2`", Some("k2")),
        ("SLEEP(0.3)", None),
        ("CREATE TABLE `k3`", Some("k3")),
        ("SLEEP(0.35)", None),
        ("CREATE TABLE `k4`", Some("k4")),
        ("`alembic_version`", None),
    ];
    let p = mariadb_kill_project();
    let d = p.path();
    let calibration = test_db!(Dialect::Mysql, "rec_kill_my");
    let span = timed_upgrade(d, &calibration.url);
    calibration.drop().await;
    let mut rng = Rng::new();
    let mut interrupted = 0;
    for round in 0..10 {
        let db = TestDb::create(Dialect::Mysql, "rec_kill_my").await.unwrap();
        let delay = Duration::from_millis(rng.below(span.as_millis() as u64));
        let lines = kill_after(d, &db.url, delay);
        let next = retort(d, &with_url(&db.url, &["upgrade", "head"]));
        let e = stderr(&next);
        let context = format!(
            "round {round}, killed {delay:?} into a {span:?} run\nkilled run:\n{}\nnext run:\n{e}",
            lines.join("\n")
        );
        if next.status.success() {
            // Killed before the revision's log row or after it finished:
            // the next run completed it.
            assert_eq!(versions(&db).await, [rev(1)], "{context}");
            eprintln!("round {round}: killed at {delay:?}, outside the revision");
            db.drop().await;
            continue;
        }
        assert_eq!(next.status.code(), Some(3), "{context}");
        interrupted += 1;
        let Some(at) = e.split("interrupted at statement ").nth(1) else {
            panic!("the refusal says where the run stopped\n{context}");
        };
        let k: usize = at.split(' ').next().unwrap().parse().unwrap();
        assert!(at.starts_with(&format!("{k} of 7:")), "{context}");
        let statement = e
            .lines()
            .find_map(|l| l.strip_prefix("  statement: "))
            .unwrap_or_else(|| panic!("the refusal names the statement\n{context}"));
        assert!(
            statement.contains(STATEMENTS[k - 1].0),
            "statement {k} is named\n{context}"
        );
        eprintln!("round {round}: killed at {delay:?}, in statement {k} of 7");
        let ran = e
            .split("already ran:")
            .nth(1)
            .and_then(|r| r.split("\nhint:").next())
            .unwrap_or_else(|| panic!("the refusal lists what ran\n{context}"));
        let tables = db.tables().await;
        for (i, (text, table)) in STATEMENTS.iter().enumerate() {
            let i = i + 1;
            assert_eq!(
                ran.contains(text),
                i < k,
                "statement {i} is listed as run exactly when it finished\n{context}"
            );
            let Some(t) = table else { continue };
            let exists = tables.iter().any(|x| x == t);
            if i != k {
                assert_eq!(exists, i < k, "table {t} of statement {i}\n{context}");
            }
        }
        db.drop().await;
    }
    assert!(
        interrupted >= 5,
        "only {interrupted} of 10 kills landed inside the revision; the test is not testing"
    );
}

/// SQLite: six revisions, each creating a table and filling it slowly.
fn sqlite_kill_project() -> tempfile::TempDir {
    let p = project();
    for i in 1..=6 {
        let t = format!("t{i}");
        revision(
            p.path(),
            i,
            &[
                create(&t),
                execute(&format!(
                    "INSERT INTO {t} (id) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 60000) SELECT x FROM c"
                )),
            ],
            &[drop(&t)],
        );
    }
    p
}

#[tokio::test]
async fn sqlite_kill_keeps_every_revision_that_finished() {
    let p = sqlite_kill_project();
    let d = p.path();
    let calibration = test_db!(Dialect::Sqlite, "rec_kill_lite");
    let span = timed_upgrade(d, &calibration.url);
    calibration.drop().await;
    let mut rng = Rng::new();
    for round in 0..10 {
        let db = test_db!(Dialect::Sqlite, "rec_kill_lite");
        let delay = Duration::from_millis(rng.below(span.as_millis() as u64));
        let lines = kill_after(d, &db.url, delay);
        // "[i/6] done in N ms" is printed once revision i has committed.
        let finished = lines
            .iter()
            .filter_map(|l| l.strip_prefix('[')?.split_once("/6] done in"))
            .map(|(i, _)| i.parse::<usize>().unwrap())
            .max()
            .unwrap_or(0);
        let context = format!(
            "round {round}, killed {delay:?} into a {span:?} run\n{}",
            lines.join("\n")
        );
        let at = if db.tables().await.iter().any(|t| t == "alembic_version") {
            versions(&db).await
        } else {
            Vec::new()
        };
        let applied = match at.as_slice() {
            [] => 0,
            [one] => one.parse::<usize>().unwrap(),
            many => panic!("several heads {many:?}\n{context}"),
        };
        assert!(
            applied >= finished,
            "revision {finished} had finished, the database is at {applied}\n{context}"
        );
        for i in 1..=applied {
            let n = db
                .query_strings(&format!("SELECT count(*) FROM t{i}"))
                .await;
            assert_eq!(n[0][0].as_deref(), Some("60000"), "t{i}\n{context}");
        }
        let tables = db.tables().await;
        assert!(
            !tables.contains(&format!("t{}", applied + 1)),
            "{tables:?}\n{context}"
        );
        eprintln!("round {round}: killed at {delay:?}, {finished} finished, {applied} applied");
        // The next run completes, applying each revision once.
        ok(d, &with_url(&db.url, &["upgrade", "head"]));
        assert_eq!(versions(&db).await, [rev(6)], "{context}");
        // The file's own journal mode is back, or (this test's connection
        // read the file in WAL mode, so SQLite cannot leave it yet) noted
        // for the next run.
        let (mode, note) = journal(&db).await;
        assert!(
            mode == "delete" || (mode == "wal" && note == "delete"),
            "journal mode {mode}, lock file {note:?}\n{context}"
        );
        let counts = db
            .query_strings("SELECT revision, count(*) FROM alembic_version_log WHERE direction = 'up' GROUP BY revision")
            .await;
        assert_eq!(counts.len(), 6, "{counts:?}\n{context}");
        assert!(
            counts.iter().all(|r| r[1].as_deref() == Some("1")),
            "{counts:?}\n{context}"
        );
        db.drop().await;
    }
}

/// A SQLite file's journal mode, and what its lock file holds (the mode a
/// run left to put back).
async fn journal(db: &TestDb) -> (String, String) {
    let mode = db.query_strings("PRAGMA journal_mode").await[0][0]
        .clone()
        .unwrap();
    let file = db.url.trim_start_matches("sqlite://");
    let file = &file[..file.find('?').unwrap_or(file.len())];
    let note = fs_err::read_to_string(format!("{file}-retort-lock")).unwrap_or_default();
    (mode, note)
}

// ---- SQLite's lock ----------------------------------------------------------

/// `sqlite_wal = false` under `[alembic]`: the revisions run in the file's
/// own rollback journal, at its own `synchronous` level, and nothing is
/// left to put back.
#[tokio::test]
async fn sqlite_wal_off_in_the_config_keeps_the_files_journal() {
    let db = test_db!(Dialect::Sqlite, "rec_wal_off");
    let p = chain(1);
    let d = p.path();
    let config = d.join("alembic.toml");
    let text = fs_err::read_to_string(&config).unwrap();
    fs_err::write(
        &config,
        text.replace(
            "transaction_per_migration = true",
            "transaction_per_migration = true\nsqlite_wal = false",
        ),
    )
    .unwrap();
    revision(
        d,
        2,
        &[
            execute("CREATE TABLE seen AS SELECT journal_mode AS v FROM pragma_journal_mode"),
            execute("INSERT INTO seen SELECT synchronous FROM pragma_synchronous"),
        ],
        &[drop("seen")],
    );
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(
        db.query_strings("SELECT v FROM seen").await,
        [[Some("delete".to_owned())], [Some("2".to_owned())]]
    );
    assert_eq!(journal(&db).await, ("delete".to_owned(), String::new()));
    assert_eq!(versions(&db).await, [rev(2)]);
    db.drop().await;
}

#[tokio::test]
async fn sqlite_32_concurrent_upgrades_apply_each_revision_once() {
    let db = test_db!(Dialect::Sqlite, "rec_conc_lite");
    let p = chain(6);
    upgrade_concurrently(p.path(), &db.url, 32);
    // The last run put the file's journal mode back.
    assert_eq!(journal(&db).await, ("delete".to_owned(), String::new()));
    assert_eq!(versions(&db).await, [rev(6)]);
    let counts = db
        .query_strings("SELECT revision, count(*) FROM alembic_version_log GROUP BY revision")
        .await;
    assert_eq!(counts.len(), 6, "{counts:?}");
    assert!(
        counts.iter().all(|r| r[1].as_deref() == Some("1")),
        "{counts:?}"
    );
    db.drop().await;
}

#[tokio::test]
async fn sqlite_waits_for_the_lock_file_and_times_out() {
    let db = test_db!(Dialect::Sqlite, "rec_lock_lite");
    let p = chain(2);
    let d = p.path();
    let file = db.url.trim_start_matches("sqlite://");
    let file = &file[..file.find('?').unwrap_or(file.len())];
    let lock = fs_err::File::create(format!("{file}-retort-lock")).unwrap();
    // Another run holds the lock: this one waits, gives up, changes nothing.
    lock.file().try_lock().unwrap();
    let t = Instant::now();
    let e = fails(
        d,
        &with_url(&db.url, &["upgrade", "head", "--lock-timeout", "1"]),
        3,
    );
    assert!(
        e.contains("holds the migration lock") && e.contains("1 s"),
        "{e}"
    );
    assert!(t.elapsed() >= Duration::from_secs(1), "{:?}", t.elapsed());
    assert_eq!(db.tables().await, Vec::<String>::new());
    // The same file under another name shares the lock.
    #[cfg(unix)]
    {
        let other = tempfile::tempdir().unwrap();
        let link = other.path().join("link.db");
        std::os::unix::fs::symlink(file, &link).unwrap();
        let url = format!("sqlite://{}", link.display());
        let e = fails(
            d,
            &with_url(&url, &["upgrade", "head", "--lock-timeout", "1"]),
            3,
        );
        assert!(e.contains("holds the migration lock"), "{e}");
        assert_eq!(db.tables().await, Vec::<String>::new());
    }
    // Released (as the kernel does when the holder dies), the file left behind blocks nothing.
    lock.file().unlock().unwrap();
    ok(
        d,
        &with_url(&db.url, &["upgrade", "head", "--lock-timeout", "1"]),
    );
    assert_eq!(versions(&db).await, [rev(2)]);
    db.drop().await;
}

// ---- one transaction for the run ----------------------------------------------

async fn one_transaction_undoes_the_whole_run(dialect: Dialect) {
    let db = test_db!(dialect, "rec_one_tx");
    let p = chain(1);
    let d = p.path();
    let config = d.join("alembic.toml");
    let text = fs_err::read_to_string(&config).unwrap();
    assert!(text.contains("transaction_per_migration = true"), "{text}");
    fs_err::write(
        &config,
        text.replace(
            "transaction_per_migration = true",
            "transaction_per_migration = false",
        ),
    )
    .unwrap();
    revision(
        d,
        2,
        &[
            create("a2"),
            execute("INSERT INTO no_such_table VALUES (1)"),
        ],
        &[drop("a2")],
    );
    let e = fails(d, &with_url(&db.url, &["upgrade", "head"]), 3);
    assert!(
        e.contains("statement 2 of") && e.contains("the database is at base"),
        "{e}"
    );
    assert_eq!(db.tables().await, bookkeeping_and(&[]));
    assert!(versions(&db).await.is_empty());
    revision(d, 2, &[create("a2")], &[drop("a2")]);
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(db.tables().await, bookkeeping_and(&["a2", "t1"]));
    db.drop().await;
}

#[tokio::test]
async fn one_transaction_undoes_the_whole_run_postgres() {
    one_transaction_undoes_the_whole_run(Dialect::Postgres).await;
}

#[tokio::test]
async fn one_transaction_undoes_the_whole_run_sqlite() {
    one_transaction_undoes_the_whole_run(Dialect::Sqlite).await;
}
