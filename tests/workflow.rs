//! The daily workflow through the `retort` binary: revision scaffolds
//! (`--create`, `--table`, commented examples), `upgrade/downgrade --plan`,
//! `show --sql`, `completions` and help, on SQLite, PostgreSQL and MariaDB.

mod common;
use std::path::{Path, PathBuf};

use common::*;
use retort_testing::{Dialect, TestDb, test_db};

/// `retort revision ARGS`: the new revision's id (stdout) and its file.
fn new_revision(dir: &Path, args: &[&str]) -> (String, PathBuf) {
    let mut a = vec!["revision"];
    a.extend_from_slice(args);
    let o = succeeds(dir, &a);
    let id = stdout(&o).trim().to_owned();
    let err = stderr(&o);
    let path = err
        .strip_prefix("Generating ")
        .and_then(|s| s.split(" ... ").next())
        .unwrap_or_else(|| panic!("no file in {err:?}"));
    (id, dir.join(path))
}

/// Uncomments the commented TOML of a scaffold: lines `# KEY = ...`,
/// `# [[...]]`, `# { ... },` and `# ]`; prose comments stay.
fn uncomment(path: &Path) {
    let text = fs_err::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let code = line.trim_start().strip_prefix("# ").filter(|rest| {
            let r = rest.trim_start();
            let key = r.split_once(" = ").is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
            key || r.starts_with("[[") || r.starts_with('{') || r == "]"
        });
        match code {
            Some(code) => out.push_str(&format!("{indent}{code}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    assert_ne!(out, text, "nothing to uncomment in {}", path.display());
    fs_err::write(path, out).unwrap();
}

fn version_tables() -> Vec<String> {
    vec!["alembic_version".into(), "alembic_version_log".into()]
}

fn with(mut base: Vec<String>, more: &[&str]) -> Vec<String> {
    base.extend(more.iter().map(|s| s.to_string()));
    base.sort();
    base
}

async fn scaffolds(dialect: Dialect) {
    let db = test_db!(dialect, "scaffolds");
    let p = project();
    let d = p.path();
    let url = db.url.as_str();
    let (create_id, create_file) = new_revision(d, &["-m", "create users", "--create", "users"]);
    let (_, table_file) = new_revision(d, &["-m", "change users", "--table", "users"]);
    let (plain_id, plain_file) = new_revision(d, &["-m", "widgets"]);

    let create = fs_err::read_to_string(&create_file).unwrap();
    assert!(
        create.contains("op = \"create_table\"\ntable = \"users\""),
        "{create}"
    );
    assert!(create.contains("{ name = \"id\", type = \"integer\", primary_key = true"));
    assert!(create.contains("  # { name = \"name\""), "{create}");
    assert!(create.contains("[[downgrade]]\nop = \"drop_table\"\ntable = \"users\""));
    let table = fs_err::read_to_string(&table_file).unwrap();
    for op in ["add_column", "alter_column", "drop_column"] {
        assert!(table.contains(&format!("# op = \"{op}\"")), "{op}: {table}");
    }
    assert!(!table.contains("\n[[upgrade]]"), "all commented: {table}");
    let plain = fs_err::read_to_string(&plain_file).unwrap();
    for op in ["create_table", "add_column", "create_index", "execute"] {
        assert!(plain.contains(&format!("# op = \"{op}\"")), "{op}: {plain}");
    }

    // The files load as written, and `--create` runs both ways.
    assert_eq!(
        ok(d, &["heads"]).split_whitespace().next(),
        Some(plain_id.as_str())
    );
    ok(d, &with_url(url, &["upgrade", "head"]));
    assert_eq!(db.tables().await, with(version_tables(), &["users"]));
    assert_eq!(versions(&db).await, [plain_id]);
    db.execute("INSERT INTO users (id) VALUES (1)")
        .await
        .unwrap();
    ok(d, &with_url(url, &["downgrade", "base"]));
    assert_eq!(db.tables().await, version_tables());

    // Uncommented, the examples are valid operations that run both ways:
    // `--table`'s alter_column undoes `--create`'s example column.
    for f in [&create_file, &table_file, &plain_file] {
        uncomment(f);
    }
    ok(d, &["heads"]);
    ok(d, &with_url(url, &["upgrade", &create_id]));
    let not_null = db
        .execute("INSERT INTO users (id, name) VALUES (1, NULL)")
        .await;
    assert!(
        not_null.is_err(),
        "`name` is NOT NULL before `--table`'s alter"
    );
    ok(d, &with_url(url, &["upgrade", "head"]));
    assert_eq!(
        db.tables().await,
        with(version_tables(), &["users", "widgets"])
    );
    db.execute("INSERT INTO users (id, name, note) VALUES (1, NULL, 'n')")
        .await
        .unwrap();
    db.execute("INSERT INTO widgets (id, name, note) VALUES (1, 'w', NULL)")
        .await
        .unwrap();
    db.execute("DELETE FROM users").await.unwrap();
    ok(d, &with_url(url, &["downgrade", "base"]));
    assert_eq!(db.tables().await, version_tables());
    db.drop().await;
}

#[tokio::test]
async fn scaffolds_sqlite() {
    scaffolds(Dialect::Sqlite).await;
}

#[tokio::test]
async fn scaffolds_postgres() {
    scaffolds(Dialect::Postgres).await;
}

#[tokio::test]
async fn scaffolds_mysql() {
    scaffolds(Dialect::Mysql).await;
}

#[test]
fn scaffold_flags_refuse_bad_combinations() {
    let p = project();
    let d = p.path();
    let e = fails(
        d,
        &["revision", "-m", "x", "--create", "a", "--autogenerate"],
        2,
    );
    assert!(e.contains("--create"), "{e}");
    let e = fails(
        d,
        &["revision", "-m", "x", "--create", "a", "--table", "a"],
        2,
    );
    assert!(e.contains("--table"), "{e}");
    let e = fails(d, &["revision", "-m", "x", "--create", " "], 2);
    assert!(e.contains("`--create` needs a table name"), "{e}");
    assert!(e.contains("hint:"), "{e}");
    let written: Vec<_> = fs_err::read_dir(d.join("migrations/versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != ".gitkeep")
        .collect();
    assert!(written.is_empty(), "{written:?}");
}

/// What `--plan` must leave alone: the schema, the version table and the log.
async fn snapshot(d: &Path, db: &TestDb) -> (String, Vec<String>, Vec<Vec<Option<String>>>) {
    let schema = ok(
        d,
        &with_url(&db.url, &["inspect", "db", "--format", "json"]),
    );
    let log = db
        .try_query_strings("SELECT * FROM alembic_version_log")
        .await
        .unwrap_or_default();
    let versions = db
        .try_query_strings("SELECT version_num FROM alembic_version")
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    (schema, versions, log)
}

/// The SQL statements of a listing, without comments, transaction control
/// and blank lines.
fn statements(text: &str) -> Vec<String> {
    text.split(";\n")
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned()
        })
        .filter(|s| !s.is_empty() && !matches!(s.as_str(), "BEGIN" | "COMMIT"))
        .collect()
}

async fn plan(dialect: Dialect) {
    let db = test_db!(dialect, "plan");
    let p = project();
    let d = p.path();
    let url = db.url.as_str();
    let (a, _) = new_revision(d, &["-m", "create a", "--create", "plan_a"]);
    let (b, _) = new_revision(d, &["-m", "create b", "--create", "plan_b"]);
    let (c, _) = new_revision(d, &["-m", "create c", "--create", "plan_c"]);

    // On a new database: every revision, in order; nothing created.
    let before = snapshot(d, &db).await;
    let o = succeeds(d, &with_url(url, &["upgrade", "head", "--plan"]));
    let listing = stdout(&o);
    let pos = |needle: &str| {
        listing
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in\n{listing}"))
    };
    assert!(pos(&format!("-> {a}")) < pos(&format!("-> {b}")));
    assert!(pos(&format!("-> {b}")) < pos(&format!("-> {c}")));
    assert!(pos("plan_a") < pos("plan_b") && pos("plan_b") < pos("plan_c"));
    assert!(
        stderr(&o).contains("Planned: 3 revision(s) from base to"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(d, &db).await, before);
    assert_eq!(db.tables().await, Vec::<String>::new());

    // Part way: only the pending revisions, with the statements a run executes
    // (the offline script of the same range has them all, in the same order).
    ok(d, &with_url(url, &["upgrade", &a]));
    let before = snapshot(d, &db).await;
    let listing = ok(d, &with_url(url, &["upgrade", "head", "--plan"]));
    assert!(!listing.contains("plan_a"), "{listing}");
    assert!(
        listing.contains(&format!("{a} -> {b}: create b")),
        "{listing}"
    );
    let range = format!("{a}:head");
    let script = ok(d, &with_url(url, &["upgrade", &range, "--sql"]));
    let script_statements: Vec<String> = statements(&script)
        .into_iter()
        .filter(|s| !s.contains("CREATE TABLE IF NOT EXISTS"))
        .collect();
    assert_eq!(
        statements(&listing),
        script_statements,
        "{listing}\n---\n{script}"
    );
    assert_eq!(snapshot(d, &db).await, before);

    // Downgrade: children first; nothing dropped.
    ok(d, &with_url(url, &["upgrade", "head"]));
    let before = snapshot(d, &db).await;
    let listing = ok(d, &with_url(url, &["downgrade", "base", "--plan"]));
    let pos = |needle: &str| {
        listing
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in\n{listing}"))
    };
    assert!(pos("-- downgrade") < pos("plan_c"));
    assert!(pos("plan_c") < pos("plan_b") && pos("plan_b") < pos("plan_a"));
    assert_eq!(
        statements(&listing).len(),
        6,
        "three drops, three version rows: {listing}"
    );
    assert_eq!(snapshot(d, &db).await, before);

    // Nothing pending: no SQL, a note on stderr. A bad target: exit 2.
    let o = succeeds(d, &with_url(url, &["upgrade", "head", "--plan"]));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("Nothing to do"), "{}", stderr(&o));
    let e = fails(d, &with_url(url, &["downgrade", "nosuchrev", "--plan"]), 2);
    assert!(e.contains("nosuchrev"), "{e}");
    assert_eq!(snapshot(d, &db).await, before);
    db.drop().await;
}

#[tokio::test]
async fn plan_sqlite() {
    plan(Dialect::Sqlite).await;
}

#[tokio::test]
async fn plan_postgres() {
    plan(Dialect::Postgres).await;
}

#[tokio::test]
async fn plan_mysql() {
    plan(Dialect::Mysql).await;
}

/// `--plan` on an SQLite file that does not exist yet plans from base and
/// leaves no file behind.
#[test]
fn plan_creates_no_sqlite_file() {
    let p = project();
    let d = p.path();
    let (a, _) = new_revision(d, &["-m", "create a", "--create", "plan_a"]);
    let listing = ok(d, &["upgrade", "head", "--plan"]);
    assert!(listing.contains(&format!(" -> {a}: create a")), "{listing}");
    assert!(listing.contains("CREATE TABLE \"plan_a\""), "{listing}");
    assert!(
        !d.join("app.db").exists(),
        "`--plan` created the database file"
    );
    ok(d, &["upgrade", "head"]);
    assert!(d.join("app.db").exists());
    let o = succeeds(d, &["upgrade", "head", "--plan"]);
    assert!(stderr(&o).contains("Nothing to do"), "{}", stderr(&o));
}

/// Reading commands on an SQLite file that does not exist yet report base
/// and create nothing (connecting would create the file).
#[test]
fn reading_commands_create_no_sqlite_file() {
    let p = project();
    let d = p.path();
    let (a, _) = new_revision(d, &["-m", "create a", "--create", "read_a"]);
    for args in [
        &["current"][..],
        &["status"],
        &["history", "-i"],
        &["current", "--format", "json"],
    ] {
        let o = succeeds(d, args);
        assert!(
            !d.join("app.db").exists(),
            "`{}` created the database file: {}",
            args.join(" "),
            stderr(&o)
        );
    }
    let status = ok(d, &["status"]);
    assert!(status.contains(&a), "{status}");
}

#[test]
fn plan_and_sql_do_not_go_together() {
    let p = project();
    let e = fails(p.path(), &["upgrade", "head", "--plan", "--sql"], 2);
    assert!(e.contains("--plan") || e.contains("--sql"), "{e}");
}

/// `show REV --sql` renders one revision against the schema its ancestors
/// build, without connecting: an `alter_column` needs the column it alters.
#[test]
fn show_sql_renders_against_the_ancestors() {
    let p = project();
    let d = p.path();
    let (create, create_file) = new_revision(d, &["-m", "create users", "--create", "users"]);
    let (alter, alter_file) = new_revision(d, &["-m", "change users", "--table", "users"]);
    uncomment(&create_file);
    uncomment(&alter_file);

    let pg = ok(d, &["show", &create[..6], "--sql", "--dialect", "postgres"]);
    assert!(
        pg.starts_with(&format!("-- upgrade  -> {create}: create users\n")),
        "{pg}"
    );
    assert!(pg.contains("CREATE TABLE \"users\""), "{pg}");
    assert!(
        !pg.contains("alembic_version"),
        "one revision's SQL only: {pg}"
    );

    // MySQL's MODIFY restates the column, SQLite rebuilds the table: both
    // need `users` as the first revision built it.
    let my = ok(d, &["show", &alter, "--sql", "--dialect", "mysql"]);
    assert!(my.contains("MODIFY COLUMN `name` varchar(500)"), "{my}");
    let lite = ok(d, &["show", "head", "--sql", "--dialect", "sqlite"]);
    assert!(
        lite.contains("\"created_at\""),
        "the rebuild copies every column: {lite}"
    );
    assert!(!lite.contains("alembic_version"), "{lite}");

    // The dialect comes from the URL otherwise; no database is opened.
    let lite_default = ok(d, &["show", "head", "--sql"]);
    assert_eq!(lite_default, lite);
    assert!(!d.join("app.db").exists());
    let e = fails(d, &["show", "nosuch", "--sql"], 2);
    assert!(e.contains("nosuch"), "{e}");
    let e = fails(d, &["show", "head", "--dialect", "mysql"], 2);
    assert!(e.contains("--sql"), "{e}");
}

#[test]
fn completions_for_every_shell() {
    // No config needed: run in an empty directory.
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let text = ok(dir.path(), &["completions", shell]);
        // fish spells long flags `-l plan`, the others `--plan`.
        for word in [
            "upgrade",
            "downgrade",
            "revision",
            "plan",
            "create",
            "completions",
        ] {
            assert!(text.contains(word), "{shell}: no `{word}`");
        }
    }
    let e = fails(dir.path(), &["completions", "tcsh"], 2);
    assert!(e.contains("tcsh"), "{e}");
}

#[test]
fn help_shows_an_example_and_every_flag() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(dir.path(), &["revision", "--help"]);
    assert!(help.contains("Example: retort revision -m"), "{help}");
    for flag in [
        "--create <TABLE>",
        "--table <TABLE>",
        "--branch-label",
        "--depends-on",
    ] {
        let line = help
            .lines()
            .find(|l| l.contains(flag))
            .unwrap_or_else(|| panic!("no `{flag}` in\n{help}"));
        assert!(
            line.trim_start().len() > flag.len() + 6,
            "`{flag}` has no help: {line}"
        );
    }
    let help = ok(dir.path(), &["rollback", "--help"]);
    assert!(
        help.lines().any(|l| l.contains("--steps <N>")
            && l.ends_with("Undo the last N revisions instead of the last batch")),
        "{help}"
    );
}

/// `retort ARGS` in `dir` with `env` set (`None` removes the variable).
fn retort_env(dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_retort"));
    c.args(args)
        .current_dir(dir)
        .env_remove("RETORT_CONFIG")
        .env_remove("DATABASE_URL")
        .env_remove("VISUAL")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().unwrap()
}

#[cfg(unix)]
#[test]
fn edit_opens_the_revision_in_the_editor() {
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    let d = p.path();
    let (id, file) = new_revision(d, &["-m", "create users", "--create", "users"]);
    let script = |name: &str, line: &str| {
        let path = d.join(name);
        fs_err::write(
            &path,
            format!("#!/bin/sh\nfor last; do :; done\necho '{line}' >> \"$last\"\n"),
        )
        .unwrap();
        fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    };
    let before = fs_err::read_to_string(&file).unwrap();

    // `EDITOR=true`: opened, unchanged, still loads.
    let o = retort_env(d, &["edit", "head"], &[("EDITOR", Some("true"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs_err::read_to_string(&file).unwrap(), before);

    // An editor that appends a line to its last argument edits the
    // revision's own file; an argument in `EDITOR` is kept (`sh -c`, as git
    // runs it).
    let good = script("good.sh", "# edited");
    let o = retort_env(
        d,
        &["edit", &id[..4]],
        &[("EDITOR", Some(&format!("{good} --")))],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs_err::read_to_string(&file).unwrap();
    assert_eq!(after, format!("{before}# edited\n"));

    // A broken file is reported at once, with file and line.
    let bad = script("bad.sh", "op = = 1");
    let o = retort_env(d, &["edit", "head"], &[("EDITOR", Some(&bad))]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(&*file.file_name().unwrap().to_string_lossy()),
        "{e}"
    );
    assert!(
        e.contains("hint: the file is saved as edited; fix `"),
        "{e}"
    );
    assert!(
        retort(d, &["heads"]).status.code() == Some(2),
        "the file stays broken"
    );
    fs_err::write(&file, &after).unwrap();

    // No editor, or one that fails: exit 2 with a hint.
    let o = retort_env(d, &["edit", "head"], &[("EDITOR", None)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("neither `VISUAL` nor `EDITOR` is set"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("hint:"));
    let o = retort_env(d, &["edit", "head"], &[("EDITOR", Some("false"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exited with"), "{}", stderr(&o));
    let o = retort_env(d, &["edit", "nosuch"], &[("EDITOR", Some("true"))]);
    assert_eq!(o.status.code(), Some(2));
}

fn json(text: &str) -> Vec<serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{text}"),
    }
}

fn ids(items: &[serde_json::Value]) -> Vec<&str> {
    items
        .iter()
        .map(|i| i["revision"].as_str().unwrap())
        .collect()
}

/// A branched graph: `a`, then `b` and `c` both on `a`.
fn branched() -> (tempfile::TempDir, [String; 3]) {
    let p = project();
    let d = p.path();
    let (a, _) = new_revision(
        d,
        &[
            "-m",
            "create a",
            "--create",
            "json_a",
            "--rev-id",
            "aaaa00000001",
        ],
    );
    let (b, _) = new_revision(
        d,
        &[
            "-m",
            "create b",
            "--create",
            "json_b",
            "--rev-id",
            "bbbb00000002",
        ],
    );
    let (c, _) = new_revision(
        d,
        &[
            "-m",
            "create c",
            "--create",
            "json_c",
            "--head",
            &a,
            "--splice",
            "--branch-label",
            "side",
            "--rev-id",
            "cccc00000003",
        ],
    );
    (p, [a, b, c])
}

#[test]
fn graph_commands_in_json() {
    let (p, [a, b, c]) = branched();
    let d = p.path();
    let heads = json(&ok(d, &["heads", "--format", "json"]));
    let mut head_ids = ids(&heads);
    head_ids.sort();
    assert_eq!(head_ids, [b.as_str(), c.as_str()]);
    assert!(
        heads
            .iter()
            .all(|h| h["head"] == true && h["down_revisions"] == serde_json::json!([a]))
    );
    let side = heads.iter().find(|h| h["revision"] == c.as_str()).unwrap();
    assert_eq!(side["branch_labels"], serde_json::json!(["side"]));
    assert!(side["path"].as_str().unwrap().ends_with(".toml"));
    assert!(side["create_date"].as_str().unwrap().ends_with('Z'));

    let branches = json(&ok(d, &["branches", "--format", "json"]));
    assert_eq!(ids(&branches), [a.as_str()]);
    assert_eq!(branches[0]["branch_point"], true);
    let mut children: Vec<&str> = branches[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    children.sort();
    assert_eq!(children, [b.as_str(), c.as_str()]);

    let history = json(&ok(d, &["history", "--format", "json"]));
    assert_eq!(history.len(), 3);
    assert_eq!(ids(&history).last(), Some(&a.as_str()), "newest first");
    assert!(
        history.iter().all(|h| h.get("current").is_none()),
        "no `current` without -i"
    );

    let show = json(&ok(d, &["show", &a, "--format", "json"]));
    assert_eq!(ids(&show), [a.as_str()]);
    assert_eq!(show[0]["upgrade"][0]["op"], "create_table");
    assert_eq!(show[0]["upgrade"][0]["table"], "json_a");
    assert_eq!(show[0]["downgrade"][0]["op"], "drop_table");
    assert!(
        ok(d, &["show", &a]).contains("Rev: "),
        "text stays the default"
    );
    fails(d, &["show", &a, "--format", "json", "--sql"], 2);
}

async fn current_in_json(dialect: Dialect) {
    let db = test_db!(dialect, "current_json");
    let (p, [a, b, _c]) = branched();
    let d = p.path();
    let url = db.url.as_str();
    assert!(json(&ok(d, &with_url(url, &["current", "--format", "json"]))).is_empty());
    ok(d, &with_url(url, &["upgrade", &b]));
    let current = json(&ok(d, &with_url(url, &["current", "--format", "json"])));
    assert_eq!(ids(&current), [b.as_str()]);
    assert_eq!(current[0]["in_directory"], true);
    assert_eq!(current[0]["message"], "create b");

    let history = json(&ok(
        d,
        &with_url(url, &["history", "-i", "--format", "json"]),
    ));
    let marked: Vec<&str> = history
        .iter()
        .filter(|h| h["current"] == true)
        .map(|h| h["revision"].as_str().unwrap())
        .collect();
    assert_eq!(marked, [b.as_str()]);
    assert!(history.iter().all(|h| h["current"].is_boolean()));

    // A version row no file names.
    db.execute(&format!(
        "UPDATE alembic_version SET version_num = 'ffff00000009' WHERE version_num = '{b}'"
    ))
    .await
    .unwrap();
    let current = json(&ok(d, &with_url(url, &["current", "--format", "json"])));
    assert_eq!(
        current,
        [serde_json::json!({"revision": "ffff00000009", "in_directory": false})]
    );
    let _ = a;
    db.drop().await;
}

#[tokio::test]
async fn current_in_json_sqlite() {
    current_in_json(Dialect::Sqlite).await;
}

#[tokio::test]
async fn current_in_json_postgres() {
    current_in_json(Dialect::Postgres).await;
}
