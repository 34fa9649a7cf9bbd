//! `revision --autogenerate`, `check` and `inspect db` through the binary:
//! the entity fixtures on real databases, the example project, drift after
//! an entity changes, renames, and the refusal when the database is behind.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};
use std::path::Path;

fn revision_files(dir: &Path) -> usize {
    fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .count()
}

async fn fixture_round_trip(dialect: Dialect, fixture: &str, offline: bool) {
    let db = test_db!(dialect, "autogen_fixture");
    let entities = repo_root().join("fixtures").join(fixture).join("entity");
    let p = project_for(&db.url, &entities, "");
    let dir = p.path();
    let mut args = vec!["revision", "--autogenerate", "-m", "create schema"];
    if offline {
        args.push("--offline");
    }
    let err = ok_err(dir, &args);
    assert!(err.contains("added table `"), "{err}");
    assert_eq!(revision_files(dir), 1);
    ok(dir, &["upgrade", "head"]);
    let err = ok_err(dir, &["check"]);
    assert!(err.contains("No changes"), "{err}");
    ok(dir, &["check", "--offline"]);
    // A second run finds nothing and writes nothing.
    for extra in [None, Some("--offline")] {
        let mut args = vec!["revision", "--autogenerate", "-m", "again"];
        args.extend(extra);
        let err = ok_err(dir, &args);
        assert!(err.contains("no changes"), "{err}");
        assert_eq!(revision_files(dir), 1);
    }
    ok(dir, &["downgrade", "base"]);
    assert_eq!(
        db.tables().await,
        ["alembic_version", "alembic_version_log"],
        "{dialect}"
    );
    db.drop().await;
}

#[tokio::test]
async fn blog_postgres() {
    fixture_round_trip(Dialect::Postgres, "blog", false).await;
}

#[tokio::test]
async fn blog_mysql() {
    fixture_round_trip(Dialect::Mysql, "blog", false).await;
}

#[tokio::test]
async fn blog_sqlite() {
    fixture_round_trip(Dialect::Sqlite, "blog", false).await;
}

#[tokio::test]
async fn blog_offline_postgres() {
    fixture_round_trip(Dialect::Postgres, "blog", true).await;
}

#[tokio::test]
async fn blog_offline_mysql() {
    fixture_round_trip(Dialect::Mysql, "blog", true).await;
}

#[tokio::test]
async fn blog_offline_sqlite() {
    fixture_round_trip(Dialect::Sqlite, "blog", true).await;
}

// The store has a PostgreSQL enum and array columns: PostgreSQL only.
#[tokio::test]
async fn store_postgres() {
    fixture_round_trip(Dialect::Postgres, "store", false).await;
}

#[tokio::test]
async fn store_offline_postgres() {
    fixture_round_trip(Dialect::Postgres, "store", true).await;
}

/// A copy of the example project (config, revisions, blog entities).
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    fs_err::copy(root.join("alembic.toml"), dir.path().join("alembic.toml")).unwrap();
    for sub in ["migrations/versions", "fixtures/blog/entity"] {
        fs_err::create_dir_all(dir.path().join(sub)).unwrap();
        for f in fs_err::read_dir(root.join(sub)).unwrap() {
            let f = f.unwrap().path();
            fs_err::copy(&f, dir.path().join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn add_nickname(dir: &Path) {
    let users = dir.join("fixtures/blog/entity/users.rs");
    let text = fs_err::read_to_string(&users).unwrap();
    let field = "    pub bio: Option<String>,\n";
    assert!(text.contains(field));
    let text = text.replace(
        field,
        &format!("{field}    pub nickname: Option<String>,\n"),
    );
    fs_err::write(&users, text).unwrap();
}

#[test]
fn example_project_checks_clean_and_finds_a_new_field() {
    let p = example_copy();
    let dir = p.path();
    ok(dir, &["check", "--offline"]);
    ok(dir, &["upgrade", "head"]);
    ok(dir, &["check"]);

    add_nickname(dir);
    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Two pairs differ: the database lacks the column, and so does the chain.
    let report = stdout(&o);
    assert!(
        report.starts_with(
            "models vs database: the database is not what the models describe (1 difference(s)):\n  added column `users.nickname`\n--- database\n+++ models\n"
        ),
        "{report}"
    );
    assert!(
        report.contains("models vs revisions: a revision is missing (1 difference(s)):\n  added column `users.nickname`\n--- revisions\n+++ models\n"),
        "{report}"
    );
    assert!(!report.contains("database vs revisions"), "{report}");
    // Only the new column's line changes in the table's DDL.
    let changed: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        changed,
        ["+  \"nickname\" varchar,", "+  \"nickname\" varchar,"],
        "{report}"
    );
    assert!(
        stderr(&o).contains(
            "hint: run `retort revision --autogenerate -m MESSAGE`, then `retort upgrade head`"
        ),
        "{}",
        stderr(&o)
    );
    let o = retort(dir, &["check", "--offline", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["in_sync"], false);
    assert_eq!(json["changes"][0]["kind"], "add_column");
    assert_eq!(json["upgrade"][0]["op"], "add_column");

    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "add nickname"]);
    assert!(err.contains("added column `users.nickname`"), "{err}");
    ok(dir, &["upgrade", "head"]);
    ok(dir, &["check"]);
    ok(dir, &["check", "--offline"]);
    ok(dir, &["downgrade", "-1"]);
    // A database behind head: the pending revision is said, not drift.
    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("database vs revisions"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("pending revisions"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("`retort upgrade head`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_repository_example_passes_check_offline() {
    // `cargo run -- check --offline` at the repository root.
    let err = ok_err(&repo_root(), &["check", "--offline"]);
    assert!(err.contains("No changes"), "{err}");
}

#[tokio::test]
async fn rename_on_the_command_line_keeps_the_data() {
    let db = test_db!(Dialect::Sqlite, "autogen_rename");
    let p = example_copy();
    let dir = p.path();
    let url = db.url.clone();
    ok(dir, &["--url", &url, "upgrade", "head"]);
    db.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'Ada')")
        .await
        .unwrap();
    let users = dir.join("fixtures/blog/entity/users.rs");
    let text = fs_err::read_to_string(&users).unwrap();
    fs_err::write(
        &users,
        text.replace("pub name: String", "pub full_name: String"),
    )
    .unwrap();

    // Unanswered (no terminal), it is a drop and an add, with a warning.
    let o = retort(dir, &["--url", &url, "check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--rename users.name=full_name"),
        "{}",
        stderr(&o)
    );
    let bad = fails(
        dir,
        &[
            "--url",
            &url,
            "revision",
            "--autogenerate",
            "-m",
            "x",
            "--rename",
            "users.nope=full_name",
        ],
        2,
    );
    assert!(bad.contains("does not match"), "{bad}");
    let err = ok_err(
        dir,
        &[
            "--url",
            &url,
            "revision",
            "--autogenerate",
            "-m",
            "rename",
            "--rename",
            "users.name=full_name",
        ],
    );
    assert!(
        err.contains("renamed column `users.name` to `users.full_name`"),
        "{err}"
    );
    ok(dir, &["--url", &url, "upgrade", "head"]);
    ok(dir, &["--url", &url, "check"]);
    assert_eq!(
        db.query_strings("SELECT full_name FROM users").await,
        [[Some("Ada".to_owned())]]
    );
    ok(dir, &["--url", &url, "downgrade", "-1"]);
    assert_eq!(
        db.query_strings("SELECT name FROM users").await,
        [[Some("Ada".to_owned())]]
    );
    db.drop().await;
}

/// A table renamed in the entities (and one of its columns): unanswered it
/// is a drop and a create with a warning; with `--rename` the rows stay, on
/// the way up and back down, and the foreign key into it follows.
async fn table_rename_keeps_the_data(dialect: Dialect) {
    let db = test_db!(dialect, "autogen_table_rename");
    let p = example_copy();
    let dir = p.path();
    let url = db.url.clone();
    ok(dir, &with_url(&url, &["upgrade", "head"]));
    for sql in [
        "INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'Ada')",
        "INSERT INTO posts (id, user_id, title, body) VALUES (1, 1, 'Hello', 'x')",
        "INSERT INTO post_tag (post_id, tag_id) SELECT p.id, t.id FROM posts p, tags t",
    ] {
        db.execute(sql).await.unwrap();
    }
    let tags = dir.join("fixtures/blog/entity/tags.rs");
    let text = fs_err::read_to_string(&tags).unwrap();
    fs_err::write(
        &tags,
        text.replace("table_name = \"tags\"", "table_name = \"labels\"")
            .replace("pub name: String", "pub title: String"),
    )
    .unwrap();

    let o = retort(dir, &with_url(&url, &["check"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("removed table `tags` [destructive]"),
        "{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let bad = fails(
        dir,
        &with_url(
            &url,
            &[
                "revision",
                "--autogenerate",
                "-m",
                "x",
                "--rename",
                "nope=labels",
            ],
        ),
        2,
    );
    assert!(bad.contains("does not match: table `nope`"), "{bad}");
    let err = ok_err(
        dir,
        &with_url(
            &url,
            &[
                "revision",
                "--autogenerate",
                "-m",
                "labels",
                "--rename",
                "tags=labels",
                "--rename",
                "labels.name=title",
            ],
        ),
    );
    assert!(
        err.contains("renamed table `tags` to `labels`")
            && err.contains("renamed column `labels.name` to `labels.title`")
            && !err.contains("removed table"),
        "{err}"
    );
    ok(dir, &with_url(&url, &["upgrade", "head"]));
    ok(dir, &with_url(&url, &["check"]));
    let titles =
        "SELECT l.title FROM labels l JOIN post_tag pt ON pt.tag_id = l.id ORDER BY l.title";
    let before = db.query_strings(titles).await;
    assert!(!before.is_empty());
    assert_eq!(
        db.query_strings("SELECT title FROM labels ORDER BY title")
            .await,
        [[Some("databases".to_owned())], [Some("rust".to_owned())]]
    );
    ok(dir, &with_url(&url, &["downgrade", "-1"]));
    assert_eq!(
        db.query_strings("SELECT name FROM tags ORDER BY name")
            .await,
        [[Some("databases".to_owned())], [Some("rust".to_owned())]]
    );
    ok(dir, &with_url(&url, &["upgrade", "head"]));
    assert_eq!(db.query_strings(titles).await, before);
    db.drop().await;
}

#[tokio::test]
async fn table_rename_postgres() {
    table_rename_keeps_the_data(Dialect::Postgres).await;
}

#[tokio::test]
async fn table_rename_mysql() {
    table_rename_keeps_the_data(Dialect::Mysql).await;
}

#[tokio::test]
async fn table_rename_sqlite() {
    table_rename_keeps_the_data(Dialect::Sqlite).await;
}

/// On a terminal the renames are questions. `script` (util-linux) gives
/// retort a pseudo-terminal and types the answers.
#[tokio::test]
async fn renames_are_questions_on_a_terminal() {
    let db = test_db!(Dialect::Sqlite, "autogen_questions");
    let p = example_copy();
    let dir = p.path();
    let url = db.url.clone();
    ok(dir, &with_url(&url, &["upgrade", "head"]));
    let tags = dir.join("fixtures/blog/entity/tags.rs");
    let edit = |from: &str, to: &str| {
        let text = fs_err::read_to_string(&tags).unwrap();
        fs_err::write(&tags, text.replace(from, to)).unwrap();
    };
    // Answers `y` on a terminal; returns what the terminal showed.
    let answer_yes = || {
        let args = with_url(&url, &["revision", "--autogenerate", "-m", "rename"]);
        let (code, text) = on_terminal(dir, &args, b"y\n", &[("NO_COLOR", Some("1"))])?;
        assert_eq!(code, Some(0), "{text}");
        Some(text)
    };

    edit("table_name = \"tags\"", "table_name = \"labels\"");
    let Some(text) = answer_yes() else { return };
    assert!(
        text.contains("Did you rename table `tags` to `labels`? [y/N]")
            && text.contains("renamed table `tags` to `labels`")
            && !text.contains("removed table"),
        "{text}"
    );
    ok(dir, &with_url(&url, &["upgrade", "head"]));

    edit("pub name: String", "pub title: String");
    let text = answer_yes().expect("`script` was there a moment ago");
    assert!(
        text.contains("Did you rename `labels.name` to `labels.title`? [y/N]")
            && text.contains("renamed column `labels.name` to `labels.title`"),
        "{text}"
    );
    ok(dir, &with_url(&url, &["upgrade", "head"]));
    ok(dir, &with_url(&url, &["check"]));
    assert_eq!(
        db.query_strings("SELECT title FROM labels ORDER BY title")
            .await,
        [[Some("databases".to_owned())], [Some("rust".to_owned())]]
    );
    db.drop().await;
}

/// Colour only on a terminal and never with `NO_COLOR`: `check`'s diff and
/// its `error:` under `script` (a pseudo-terminal), then the same with
/// `NO_COLOR=1`, then through a pipe.
#[test]
fn colour_only_on_a_terminal() {
    let p = example_copy();
    let dir = p.path();
    add_nickname(dir);
    let check = |no_color: Option<&str>| {
        let env = [("TERM", Some("xterm")), ("NO_COLOR", no_color)];
        let (code, text) = on_terminal(dir, &["check", "--offline"], b"", &env)?;
        assert_eq!(code, Some(1), "{text:?}");
        Some(text)
    };
    let Some(text) = check(None) else { return };
    assert!(
        text.contains("\x1b[32m+") && text.contains("\x1b[31merror:"),
        "{text:?}"
    );
    let text = check(Some("1")).expect("`script` was there a moment ago");
    assert!(
        text.contains("+  \"nickname\"") && !text.contains('\x1b'),
        "{text:?}"
    );
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["check", "--offline"])
        .current_dir(dir)
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let all = [piped.stdout, piped.stderr].concat();
    assert!(!all.contains(&0x1b), "{}", String::from_utf8_lossy(&all));
}

async fn behind(db: &TestDb) {
    let p = example_copy();
    let dir = p.path();
    let url = db.url.clone();
    ok(dir, &["--url", &url, "upgrade", "b10900000002"]);
    let err = fails(
        dir,
        &["--url", &url, "revision", "--autogenerate", "-m", "x"],
        2,
    );
    assert!(err.contains("Target database is not up to date"), "{err}");
    // Offline compares with the chain and needs no database.
    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "x", "--offline"]);
    assert!(err.contains("no changes"), "{err}");
}

#[tokio::test]
async fn autogenerate_refuses_a_database_behind_head() {
    let db = test_db!(Dialect::Sqlite, "autogen_behind");
    behind(&db).await;
    db.drop().await;
}

#[tokio::test]
async fn inspect_db_reads_the_live_schema() {
    let db = test_db!(Dialect::Postgres, "inspect_db");
    let p = example_copy();
    let dir = p.path();
    let url = db.url.clone();
    ok(dir, &["--url", &url, "upgrade", "head"]);
    let json = ok(dir, &["--url", &url, "inspect", "db", "--format", "json"]);
    let schema: serde_json::Value = serde_json::from_str(&json).unwrap();
    let tables: Vec<&String> = schema["tables"].as_object().unwrap().keys().collect();
    assert_eq!(tables, ["media", "post_tag", "posts", "tags", "users"]);
    assert_eq!(
        json,
        ok(dir, &["--url", &url, "inspect", "db", "--format", "json"]),
        "deterministic"
    );
    let sql = ok(dir, &["--url", &url, "inspect", "db"]);
    assert!(sql.contains("CREATE TABLE \"users\""), "{sql}");
    db.drop().await;
}

#[test]
fn narrowing_a_type_is_marked_destructive_in_the_summary_and_the_file() {
    let p = example_copy();
    let dir = p.path();
    let users = dir.join("fixtures/blog/entity/users.rs");
    let text = fs_err::read_to_string(&users)
        .unwrap()
        .replace("StringLen::N(100)", "StringLen::N(50)");
    fs_err::write(&users, text).unwrap();
    let err = ok_err(
        dir,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "shorter names",
            "--offline",
            "--rev-id",
            "aaaaaaaaaaaa",
        ],
    );
    assert!(
        err.contains("users.name") && err.contains("[destructive]"),
        "{err}"
    );
    let file = fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .find(|p| p.to_string_lossy().contains("aaaaaaaaaaaa"))
        .unwrap();
    let text = fs_err::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# destructive: this revision can lose data:\n#   "),
        "{text}"
    );
    assert!(
        text.lines().take(3).any(|l| l.contains("users.name")),
        "{text}"
    );
    // The file still parses and the chain is in sync with the models.
    ok(dir, &["check", "--offline"]);
}

/// With two heads, `check`'s hint names `heads`: `upgrade head` would be
/// ambiguous there.
#[test]
fn with_two_heads_check_hints_upgrade_heads() {
    let p = project_for(
        "sqlite://x.db",
        &repo_root().join("fixtures/blog/entity"),
        "",
    );
    let dir = p.path();
    for id in ["aaaaaaaaaaa1", "aaaaaaaaaaa2"] {
        write_revision(
            dir,
            &format!("{id}.toml"),
            &format!("revision = \"{id}\"\nmessage = \"a branch\"\n"),
        );
    }
    let err = fails(dir, &["check", "--offline"], 1);
    assert!(
        err.contains("then `retort upgrade heads`") && !err.contains("upgrade head`"),
        "{err}"
    );
}

/// A new project whose SQLite file does not exist yet: autogenerate takes
/// it as an empty database and writes the initial revision, `check` says
/// what is pending, and neither creates the file; `upgrade head` does.
#[test]
fn a_missing_sqlite_file_is_an_empty_database() {
    let p = example_copy();
    let dir = p.path();
    for f in fs_err::read_dir(dir.join("migrations/versions")).unwrap() {
        fs_err::remove_file(f.unwrap().path()).unwrap();
    }
    let db = dir.join("new.db");
    let config = fs_err::read_to_string(dir.join("alembic.toml")).unwrap();
    let url_line = config
        .lines()
        .find(|l| l.starts_with("url = "))
        .expect("the example's config has a url")
        .to_owned();
    fs_err::write(
        dir.join("alembic.toml"),
        config.replace(&url_line, &format!("url = \"sqlite://{}\"", db.display())),
    )
    .unwrap();

    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "init"]);
    assert!(err.contains("added table"), "{err}");
    assert_eq!(revision_files(dir), 1);
    assert!(!db.exists(), "autogenerate created the database file");
    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("pending revisions"), "{}", stdout(&o));
    assert!(!db.exists(), "check created the database file");
    ok(dir, &["upgrade", "head"]);
    assert!(db.exists());
    ok(dir, &["check"]);
}
