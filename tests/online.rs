//! Live runs of the `retort` binary against real PostgreSQL, MariaDB and
//! SQLite databases: every command, concurrency, failures, checksums.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};

/// A linear chain: revision N creates table `tN`.
fn chain(n: usize) -> tempfile::TempDir {
    let p = project();
    for i in 1..=n {
        let down = if i == 1 {
            String::new()
        } else {
            format!("down_revision = \"{:012}\"\n", i - 1)
        };
        write_revision(
            p.path(),
            &format!("{i:02}.toml"),
            &format!(
                "revision = \"{i:012}\"\n{down}message = \"create t{i}\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t{i}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"t{i}\"\n"
            ),
        );
    }
    p
}

fn rev(i: usize) -> String {
    format!("{i:012}")
}

fn tables_upto(n: usize) -> Vec<String> {
    let mut v = vec![
        "alembic_version".to_owned(),
        "alembic_version_log".to_owned(),
    ];
    v.extend((1..=n).map(|i| format!("t{i}")));
    v.sort();
    v
}

async fn assert_at(db: &TestDb, n: usize) {
    assert_eq!(db.tables().await, tables_upto(n), "tables at revision {n}");
    let expect: Vec<String> = if n == 0 { vec![] } else { vec![rev(n)] };
    assert_eq!(versions(db).await, expect);
}

async fn every_command(dialect: Dialect) {
    let db = test_db!(dialect, "online_cmds");
    let p = chain(5);
    let d = p.path();
    let url = db.url.clone();
    let run = |args: &[&str]| {
        let mut a = vec!["--url", url.as_str()];
        a.extend_from_slice(args);
        ok(d, &a)
    };
    run(&["upgrade", "+2"]);
    assert_at(&db, 2).await;
    assert_eq!(run(&["current"]).trim(), rev(2));
    run(&["upgrade", "head"]);
    assert_at(&db, 5).await;
    run(&["downgrade", "-1"]);
    assert_at(&db, 4).await;
    // The last batch is the downgrade's; `rollback --steps 2` undoes two revisions.
    run(&["rollback", "--steps", "2"]);
    assert_at(&db, 2).await;
    run(&["upgrade", "head"]);
    assert_at(&db, 5).await;
    // `rollback` with no count undoes the last upgrade batch: revisions 3..5.
    run(&["rollback"]);
    assert_at(&db, 2).await;
    run(&["downgrade", "base"]);
    assert_at(&db, 0).await;

    // `stamp` moves the version table only.
    run(&["stamp", &rev(3)]);
    assert_eq!(versions(&db).await, [rev(3)]);
    assert_eq!(db.tables().await, tables_upto(0));
    run(&["stamp", "base", "--purge"]);
    assert!(versions(&db).await.is_empty());

    run(&["upgrade", &rev(3)]);
    let status = run(&["status"]);
    let lines: Vec<&str> = status.lines().collect();
    assert!(lines[0].starts_with("Ran?"), "{status}");
    assert!(
        lines[1].starts_with("Yes") && lines[3].starts_with("Yes") && lines[4].starts_with("No"),
        "{status}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&["status", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 5);
    assert_eq!(json[2]["ran"], true);
    assert_eq!(json[3]["ran"], false);
    assert!(json[0]["batch"].as_i64().unwrap() >= 1);
    let history = run(&["history", "-i"]);
    assert!(
        history.contains(&format!("{} (current), create t3", rev(3))),
        "{history}"
    );

    // `fresh` refuses without --force, then drops everything and upgrades.
    let mut a = vec!["--url", url.as_str(), "fresh"];
    let e = fails(d, &a, 2);
    assert!(e.contains("--force"), "{e}");
    a.push("--force");
    ok(d, &a);
    assert_at(&db, 5).await;
    let log = db
        .query_strings("SELECT count(*) FROM alembic_version_log")
        .await;
    assert_eq!(log[0][0].as_deref(), Some("5"), "fresh starts a new log");
    db.drop().await;
}

#[tokio::test]
async fn every_command_postgres() {
    every_command(Dialect::Postgres).await;
}

#[tokio::test]
async fn every_command_mysql() {
    every_command(Dialect::Mysql).await;
}

#[tokio::test]
async fn every_command_sqlite() {
    every_command(Dialect::Sqlite).await;
}

async fn concurrent_upgrades(dialect: Dialect) {
    let db = test_db!(dialect, "online_conc");
    let p = chain(6);
    upgrade_concurrently(p.path(), &db.url, 8);
    assert_at(&db, 6).await;
    let counts = db
        .query_strings("SELECT revision, count(*) FROM alembic_version_log WHERE direction = 'up' GROUP BY revision")
        .await;
    assert_eq!(counts.len(), 6, "{counts:?}");
    for row in counts {
        assert_eq!(
            row[1].as_deref(),
            Some("1"),
            "revision applied more than once: {row:?}"
        );
    }
    db.drop().await;
}

#[tokio::test]
async fn concurrent_postgres() {
    concurrent_upgrades(Dialect::Postgres).await;
}

#[tokio::test]
async fn concurrent_mysql() {
    concurrent_upgrades(Dialect::Mysql).await;
}

#[tokio::test]
async fn concurrent_sqlite() {
    concurrent_upgrades(Dialect::Sqlite).await;
}

/// Revision 2's third operation fails in the database.
fn failing_chain() -> tempfile::TempDir {
    let p = chain(1);
    write_revision(
        p.path(),
        "02.toml",
        &format!(
            "revision = \"{}\"\ndown_revision = \"{}\"\nmessage = \"breaks\"\n\n\
             [[upgrade]]\nop = \"create_table\"\ntable = \"a2\"\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n\n\
             [[upgrade]]\nop = \"create_table\"\ntable = \"b2\"\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n\n\
             [[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO no_such_table VALUES (1)\"\n\n\
             [[downgrade]]\nop = \"drop_table\"\ntable = \"b2\"\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"a2\"\n",
            rev(2),
            rev(1)
        ),
    );
    p
}

async fn failure_rolls_back(dialect: Dialect) {
    let db = test_db!(dialect, "online_fail");
    let p = failing_chain();
    let d = p.path();
    let e = fails(d, &["--url", &db.url, "upgrade", "head"], 3);
    assert!(
        e.contains(&rev(2)) && e.contains("statement 3 of") && e.contains("no_such_table"),
        "{e}"
    );
    // Nothing of revision 2 remains; the database is at revision 1.
    assert_eq!(db.tables().await, tables_upto(1));
    assert_eq!(ok(d, &["--url", &db.url, "current"]).trim(), rev(1));
    db.drop().await;
}

#[tokio::test]
async fn failure_rolls_back_postgres() {
    failure_rolls_back(Dialect::Postgres).await;
}

#[tokio::test]
async fn failure_rolls_back_sqlite() {
    failure_rolls_back(Dialect::Sqlite).await;
}

#[tokio::test]
async fn failure_on_mysql_names_the_statement_and_blocks_the_next_run() {
    let db = test_db!(Dialect::Mysql, "online_fail");
    let p = failing_chain();
    let d = p.path();
    let e = fails(d, &["--url", &db.url, "upgrade", "head"], 3);
    assert!(e.contains(&rev(2)) && e.contains("statement 3 of"), "{e}");
    assert!(
        e.contains("INSERT INTO no_such_table VALUES (1)"),
        "the failed statement is named:\n{e}"
    );
    assert!(
        e.contains("already ran") && e.contains("CREATE TABLE `a2`"),
        "{e}"
    );
    // What ran stays (MySQL cannot roll back DDL), and the version is still revision 1.
    assert_eq!(versions(&db).await, [rev(1)]);
    let again = fails(d, &["--url", &db.url, "upgrade", "head"], 3);
    assert!(
        again.contains("recorded as failed") && again.contains("hint:") && again.contains("stamp"),
        "{again}"
    );
    // The user cleans up by hand, stamps, and runs again after fixing the file.
    db.execute("DROP TABLE a2").await.unwrap();
    db.execute("DROP TABLE b2").await.unwrap();
    ok(d, &["--url", &db.url, "stamp", &rev(1)]);
    fs_err::remove_file(d.join("migrations/versions/02.toml")).unwrap();
    ok(d, &["--url", &db.url, "upgrade", "head"]);
    db.drop().await;
}

async fn changed_revision_is_refused(dialect: Dialect) {
    let db = test_db!(dialect, "online_changed");
    let p = chain(2);
    let d = p.path();
    ok(d, &["--url", &db.url, "upgrade", "head"]);
    // Edit applied revision 1: its table gets a second column.
    let f = d.join("migrations/versions/01.toml");
    let text = fs_err::read_to_string(&f).unwrap().replace(
        "{ name = \"id\", type = \"integer\", primary_key = true }",
        "{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"x\", type = \"text\", nullable = true }",
    );
    fs_err::write(&f, text).unwrap();
    // A comment or layout change is not a change.
    let f2 = d.join("migrations/versions/02.toml");
    let t2 = format!("# reviewed\n{}", fs_err::read_to_string(&f2).unwrap());
    fs_err::write(&f2, t2).unwrap();
    let e = fails(d, &["--url", &db.url, "upgrade", "head"], 2);
    assert!(
        e.contains(&rev(1)) && !e.contains(&rev(2)) && e.contains("--allow-changed"),
        "{e}"
    );
    let status = ok(d, &["--url", &db.url, "status"]);
    assert!(
        status.lines().nth(1).unwrap().starts_with("Yes*"),
        "{status}"
    );
    ok(d, &["--url", &db.url, "upgrade", "head", "--allow-changed"]);
    db.drop().await;
}

#[tokio::test]
async fn changed_postgres() {
    changed_revision_is_refused(Dialect::Postgres).await;
}

#[tokio::test]
async fn changed_mysql() {
    changed_revision_is_refused(Dialect::Mysql).await;
}

#[tokio::test]
async fn changed_sqlite() {
    changed_revision_is_refused(Dialect::Sqlite).await;
}

/// Every command, with a password in the URL, never prints it.
#[test]
fn passwords_are_never_printed() {
    let p = chain(1);
    let d = p.path();
    let secret = "s3cr3t-pw";
    let mut urls = vec![
        format!("postgres://postgres:{secret}@127.0.0.1:1/nodb"),
        format!("mysql://root:{secret}@127.0.0.1:1/nodb"),
    ];
    // A reachable MariaDB with a wrong password (root has none).
    urls.push(format!("mysql://root:{secret}@127.0.0.1:3306/test"));
    let commands: [&[&str]; 9] = [
        &["upgrade", "head"],
        &["downgrade", "base"],
        &["current"],
        &["status"],
        &["stamp", "head"],
        &["rollback"],
        &["fresh", "--force"],
        &["history", "-i"],
        &["fresh"],
    ];
    for url in &urls {
        for cmd in commands {
            let mut args = vec!["--url", url.as_str()];
            args.extend_from_slice(cmd);
            let o = retort(d, &args);
            let all = format!("{}{}", stdout(&o), stderr(&o));
            assert!(!o.status.success(), "{args:?} succeeded");
            assert!(
                !all.contains(secret),
                "{args:?} printed the password:\n{all}"
            );
            assert!(
                all.contains(":***@"),
                "{args:?} does not show the masked URL:\n{all}"
            );
        }
    }
}

#[test]
fn example_project_builds_its_sqlite_database() {
    // `cargo run -- upgrade head` in a fresh clone: the example's own config and revisions.
    let dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    fs_err::copy(root.join("alembic.toml"), dir.path().join("alembic.toml")).unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    for f in fs_err::read_dir(root.join("migrations/versions")).unwrap() {
        let f = f.unwrap().path();
        fs_err::copy(
            &f,
            dir.path()
                .join("migrations/versions")
                .join(f.file_name().unwrap()),
        )
        .unwrap();
    }
    ok(dir.path(), &["upgrade", "head"]);
    let db = dir.path().join("example.db");
    assert!(db.is_file(), "no example.db");
    let out = ok(dir.path(), &["current"]);
    assert_eq!(out.trim(), "b10900000003 (head)");

    // `cargo run -- seed`, twice: the second run replaces the same rows.
    fs_err::create_dir_all(dir.path().join("migrations/seeds")).unwrap();
    fs_err::copy(
        root.join("migrations/seeds/demo.toml"),
        dir.path().join("migrations/seeds/demo.toml"),
    )
    .unwrap();
    for _ in 0..2 {
        let o = retort(dir.path(), &["seed"]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(
            err.contains("Seeded users: 2 row(s)")
                && err.contains("Seeded posts: 2 row(s)")
                && err.contains("Seeded media: 1 row(s)")
                && err.contains("Seeded post_tag: 1 row(s)"),
            "{err}"
        );
    }
}
