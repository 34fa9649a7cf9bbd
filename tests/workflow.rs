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

/// A one-table model (`widgets`) with `fields` after its `id`.
fn widgets_entity(dir: &Path, fields: &str) {
    let entity = dir.join("entity");
    fs_err::create_dir_all(&entity).unwrap();
    fs_err::write(
        entity.join("widgets.rs"),
        format!(
            "use sea_orm::entity::prelude::*;\n\n#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]\n#[sea_orm(table_name = \"widgets\")]\npub struct Model {{\n    #[sea_orm(primary_key)]\n    pub id: i32,\n{fields}}}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {{}}\n\nimpl ActiveModelBehavior for ActiveModel {{}}\n"
        ),
    )
    .unwrap();
}

fn revision_count(dir: &Path) -> usize {
    fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count()
}

/// Whether `widgets` has `column` (a query naming it succeeds).
async fn has_column(db: &TestDb, column: &str) -> bool {
    db.try_query_strings(&format!("SELECT {column} FROM widgets"))
        .await
        .is_ok()
}

/// `migrate -m`: autogenerate, print changes and lint findings, upgrade;
/// nothing to generate; `--sql`; a lint error stops before upgrading (and
/// `--force` does not); `--rename`; without `-m`, `upgrade head`.
async fn migrate_m(dialect: Dialect) {
    let db = test_db!(dialect, "migrate_m");
    let url = db.url.as_str();
    let p = tempfile::tempdir().unwrap();
    let d = p.path();
    let entity = d.join("entity");
    widgets_entity(d, "    pub name: String,\n");
    let project = project_for(url, &entity, "");
    let d2 = project.path();

    // Generates, shows the change, applies it; the id on stdout.
    let o = succeeds(
        d2,
        &[
            "migrate",
            "-m",
            "create widgets",
            "--rev-id",
            "aaaa00000001",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("Detected 1 change(s):"), "{err}");
    assert!(err.contains("added table `widgets`"), "{err}");
    assert!(err.contains("Generating "), "{err}");
    assert!(
        err.contains("Running upgrade  -> aaaa00000001, create widgets"),
        "{err}"
    );
    assert_eq!(stdout(&o), "aaaa00000001\n");
    assert_eq!(versions(&db).await, ["aaaa00000001"]);
    assert!(has_column(&db, "name").await);
    let err = ok_err(d2, &["check"]);
    assert!(err.contains("No changes"), "{err}");

    // Nothing to generate: says so, writes nothing, upgrades (nothing to do).
    let err = ok_err(d2, &["migrate", "-m", "again"]);
    assert!(err.contains("no changes: the models match"), "{err}");
    assert!(err.contains("Nothing to do"), "{err}");
    assert_eq!(revision_count(d2), 1);

    // `--sql`: the file is written, its SQL printed, nothing runs.
    widgets_entity(d, "    pub name: String,\n    pub note: Option<String>,\n");
    let o = succeeds(
        d2,
        &[
            "migrate",
            "-m",
            "add note",
            "--sql",
            "--rev-id",
            "bbbb00000002",
        ],
    );
    let sql = stdout(&o);
    assert!(
        sql.starts_with("-- upgrade aaaa00000001 -> bbbb00000002: add note\n"),
        "{sql}"
    );
    assert!(sql.contains("note"), "{sql}");
    assert_eq!(revision_count(d2), 2);
    assert!(!has_column(&db, "note").await, "`--sql` ran the revision");
    assert_eq!(versions(&db).await, ["aaaa00000001"]);
    // ... and is what `show --sql` prints for it.
    assert_eq!(sql, ok(d2, &["show", "bbbb00000002", "--sql"]));

    // Without `-m`: `upgrade head`, `--sql` included.
    assert_eq!(
        ok(d2, &["migrate", "--sql"]),
        ok(d2, &["upgrade", "head", "--sql"])
    );
    let err = ok_err(d2, &["migrate"]);
    assert!(
        err.contains("Running upgrade aaaa00000001 -> bbbb00000002"),
        "{err}"
    );
    assert!(has_column(&db, "note").await);
    db.execute("INSERT INTO widgets (id, name, note) VALUES (1, 'w', 'kept')")
        .await
        .unwrap();

    // A rename from `--rename`, as `revision --autogenerate` takes it: the
    // values stay.
    widgets_entity(
        d,
        "    pub name: String,\n    pub remark: Option<String>,\n",
    );
    let err = ok_err(
        d2,
        &[
            "migrate",
            "-m",
            "rename note",
            "--rename",
            "widgets.note=remark",
        ],
    );
    assert!(err.contains("RT302"), "the lint warning is shown: {err}");
    assert_eq!(
        db.query_strings("SELECT remark FROM widgets").await,
        [[Some("kept".to_owned())]]
    );

    // A lint error: written, not applied, exit 1 with what to do.
    widgets_entity(d, "    pub remark: Option<String>,\n");
    let before = versions(&db).await;
    let o = retort(
        d2,
        &["migrate", "-m", "drop name", "--rev-id", "dddd00000004"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error RT102"), "{err}");
    assert!(
        err.contains(
            "lint found 1 error(s) in the new revision dddd00000004, so it was not applied"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: review it, then `retort upgrade head`"),
        "{err}"
    );
    assert!(!err.contains("Running upgrade"), "{err}");
    assert_eq!(stdout(&o), "");
    assert_eq!(revision_count(d2), 4);
    assert_eq!(versions(&db).await, before);
    assert!(has_column(&db, "name").await);
    // As the hint says: `upgrade head` applies it.
    ok(d2, &["upgrade", "head"]);
    assert!(!has_column(&db, "name").await);
    assert_eq!(versions(&db).await, ["dddd00000004"]);

    // `--force` goes on despite an error finding.
    widgets_entity(d, "");
    let o = succeeds(d2, &["migrate", "-m", "drop remark", "--force"]);
    assert!(stderr(&o).contains("error RT102"), "{}", stderr(&o));
    assert!(!has_column(&db, "remark").await);
    assert_eq!(versions(&db).await, [stdout(&o).trim()]);
    ok(d2, &["check"]);

    // Flags that need `-m`.
    let e = fails(d2, &["migrate", "--force"], 2);
    assert!(e.contains("--message"), "{e}");
    db.drop().await;
}

#[tokio::test]
async fn migrate_m_sqlite() {
    migrate_m(Dialect::Sqlite).await;
}

#[tokio::test]
async fn migrate_m_postgres() {
    migrate_m(Dialect::Postgres).await;
}

#[tokio::test]
async fn migrate_m_mysql() {
    migrate_m(Dialect::Mysql).await;
}

/// Two revisions (`refresh_a`, then `refresh_b` with a key to it) and a
/// seed file for both.
fn seeded_chain() -> tempfile::TempDir {
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "01_a.toml",
        "revision = \"aaaa00000001\"\nmessage = \"a\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"refresh_a\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"name\", type = \"varchar(20)\" }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"refresh_a\"\n",
    );
    write_revision(
        d,
        "02_b.toml",
        "revision = \"bbbb00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"b\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"refresh_b\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"a_id\", type = \"integer\" }]\nforeign_keys = [{ columns = [\"a_id\"], ref_table = \"refresh_a\", ref_columns = [\"id\"] }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"refresh_b\"\n",
    );
    write_seed(d, "01_a", "[[refresh_a]]\nid = 1\nname = \"one\"\n");
    write_seed(d, "02_b", "[[refresh_b]]\nid = 7\na_id = 1\n");
    p
}

fn write_seed(dir: &Path, name: &str, text: &str) {
    let seeds = dir.join("migrations/seeds");
    fs_err::create_dir_all(&seeds).unwrap();
    fs_err::write(seeds.join(format!("{name}.toml")), text).unwrap();
}

async fn count(db: &TestDb, table: &str) -> String {
    db.query_strings(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .remove(0)
        .remove(0)
        .unwrap()
}

/// `upgrade --seed` and `refresh --force [--seed]`.
async fn refresh_and_seed(dialect: Dialect) {
    let db = test_db!(dialect, "refresh");
    let url = db.url.as_str();
    let p = seeded_chain();
    let d = p.path();

    // `upgrade TARGET --seed`: a seed for a table the target does not build
    // stops it before anything runs.
    let e = fails(d, &with_url(url, &["upgrade", "aaaa00000001", "--seed"]), 2);
    assert!(e.contains("refresh_b"), "{e}");
    assert!(!e.contains("Running upgrade"), "{e}");
    assert_eq!(db.tables().await, Vec::<String>::new());
    let err = ok_err(d, &with_url(url, &["upgrade", "head", "--seed"]));
    assert!(
        err.contains("Running upgrade aaaa00000001 -> bbbb00000002"),
        "{err}"
    );
    assert!(err.contains("Seeded refresh_a: 1 row(s)"), "{err}");
    assert!(err.contains("Seeded refresh_b: 1 row(s)"), "{err}");
    assert_eq!(count(&db, "refresh_a").await, "1");
    assert_eq!(count(&db, "refresh_b").await, "1");
    fails(
        d,
        &with_url(url, &["upgrade", "head", "--seed", "--sql"]),
        2,
    );
    fails(
        d,
        &with_url(url, &["upgrade", "head", "--seed", "--plan"]),
        2,
    );

    // `refresh` without `--force`: says what it would do, changes nothing.
    db.execute("INSERT INTO refresh_a (id, name) VALUES (2, 'two')")
        .await
        .unwrap();
    let e = fails(d, &with_url(url, &["refresh", "--seed"]), 2);
    assert!(
        e.contains("`refresh` downgrades")
            && e.contains("to base")
            && e.contains("upgrades to head and loads the seeds"),
        "{e}"
    );
    assert!(
        e.contains("hint: run `retort refresh --force --seed`"),
        "{e}"
    );
    assert_eq!(count(&db, "refresh_a").await, "2");

    // `refresh --force`: every downgrade, then every upgrade; rows gone.
    let err = ok_err(d, &with_url(url, &["refresh", "--force"]));
    let down = err
        .find("Running downgrade bbbb00000002 -> aaaa00000001")
        .unwrap();
    let down_a = err.find("Running downgrade aaaa00000001 -> , a").unwrap();
    let up = err.find("Running upgrade  -> aaaa00000001").unwrap();
    assert!(down < down_a && down_a < up, "{err}");
    assert_eq!(count(&db, "refresh_a").await, "0");
    assert_eq!(versions(&db).await, ["bbbb00000002"]);

    // `--seed`: then the seeds.
    let err = ok_err(d, &with_url(url, &["refresh", "--force", "--seed"]));
    assert!(err.contains("Seeded refresh_b: 1 row(s)"), "{err}");
    assert_eq!(count(&db, "refresh_a").await, "1");
    assert_eq!(count(&db, "refresh_b").await, "1");

    // A seed the database refuses (a key to no row): the refresh and the
    // upgrade landed, the hint says so, no seed row is kept.
    write_seed(d, "02_b", "[[refresh_b]]\nid = 7\na_id = 99\n");
    let e = fails(d, &with_url(url, &["upgrade", "head", "--seed"]), 3);
    assert!(
        e.contains("hint: the upgrade itself finished: the database is at bbbb00000002"),
        "{e}"
    );
    let e = fails(d, &with_url(url, &["refresh", "--force", "--seed"]), 3);
    assert!(
        e.contains("hint: the refresh itself finished: the database is at bbbb00000002"),
        "{e}"
    );
    assert_eq!(versions(&db).await, ["bbbb00000002"]);
    assert_eq!(count(&db, "refresh_a").await, "0");

    // An irreversible revision: refused before anything is undone.
    write_revision(
        d,
        "03_c.toml",
        "revision = \"cccc00000003\"\ndown_revision = \"bbbb00000002\"\nmessage = \"c\"\n\n[[upgrade]]\nop = \"add_column\"\ntable = \"refresh_a\"\ncolumn = { name = \"extra\", type = \"integer\", nullable = true }\n\n[[downgrade]]\nop = \"irreversible\"\nreason = \"kept\"\n",
    );
    ok(d, &with_url(url, &["upgrade", "head"]));
    let e = fails(d, &with_url(url, &["refresh", "--force"]), 2);
    assert!(e.contains("cccc00000003"), "{e}");
    assert!(!e.contains("Running downgrade"), "{e}");
    assert_eq!(versions(&db).await, ["cccc00000003"]);
    db.drop().await;
}

#[tokio::test]
async fn refresh_and_seed_sqlite() {
    refresh_and_seed(Dialect::Sqlite).await;
}

#[tokio::test]
async fn refresh_and_seed_postgres() {
    refresh_and_seed(Dialect::Postgres).await;
}

#[tokio::test]
async fn refresh_and_seed_mysql() {
    refresh_and_seed(Dialect::Mysql).await;
}

/// `migrate -m` asks about a rename on a terminal, as `revision
/// --autogenerate` does, and applies the answer.
#[tokio::test]
async fn migrate_m_asks_about_renames_on_a_terminal() {
    let db = test_db!(Dialect::Sqlite, "migrate_rename");
    let p = tempfile::tempdir().unwrap();
    widgets_entity(p.path(), "    pub name: String,\n");
    let project = project_for(&db.url, &p.path().join("entity"), "");
    let d = project.path();
    ok(d, &["migrate", "-m", "create widgets"]);
    db.execute("INSERT INTO widgets (id, name) VALUES (1, 'kept')")
        .await
        .unwrap();
    widgets_entity(p.path(), "    pub title: String,\n");
    let Some((code, text)) = on_terminal(
        d,
        &["migrate", "-m", "rename"],
        b"y\n",
        &[("NO_COLOR", Some("1"))],
    ) else {
        return;
    };
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("Did you rename `widgets.name` to `widgets.title`? [y/N]")
            && text.contains("renamed column `widgets.name` to `widgets.title`")
            && text.contains("Running upgrade"),
        "{text}"
    );
    assert_eq!(
        db.query_strings("SELECT title FROM widgets").await,
        [[Some("kept".to_owned())]]
    );
    db.drop().await;
}
