//! `inspect models` and `inspect revisions`: the DDL they print is accepted
//! as is by each real server and builds the tables the JSON form lists.

mod common;
use common::*;
use retort_testing::{Dialect, test_db};

/// A project whose models are the fixture set `fixture`.
fn project_for(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let entities = repo_root().join("fixtures").join(fixture).join("entity");
    let config = format!(
        "[alembic]\nscript_location = \"migrations\"\n\n[models]\npaths = [{:?}]\n",
        entities.display().to_string()
    );
    fs_err::write(dir.path().join("alembic.toml"), config).unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    dir
}

fn json_tables(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&ok(dir, args)).unwrap();
    let mut tables: Vec<String> = json["tables"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    tables.sort();
    tables
}

async fn models_ddl_runs(dialect: Dialect, fixture: &str) {
    let db = test_db!(dialect, "inspect_models");
    let p = project_for(fixture);
    let d = p.path();
    let expected = json_tables(d, &["inspect", "models", "--format", "json"]);
    assert!(expected.len() >= 5, "{expected:?}");
    let ddl = ok(
        d,
        &[
            "inspect",
            "models",
            "--format",
            "sql",
            "--dialect",
            dialect.name(),
        ],
    );
    db.execute_script(&ddl)
        .await
        .unwrap_or_else(|e| panic!("{dialect} rejected the DDL of {fixture}: {e}\n{ddl}"));
    assert_eq!(db.tables().await, expected);
    db.drop().await;
}

#[tokio::test]
async fn blog_models_postgres() {
    models_ddl_runs(Dialect::Postgres, "blog").await;
}

#[tokio::test]
async fn blog_models_mysql() {
    models_ddl_runs(Dialect::Mysql, "blog").await;
}

#[tokio::test]
async fn blog_models_sqlite() {
    models_ddl_runs(Dialect::Sqlite, "blog").await;
}

/// The store set has a PostgreSQL enum and array columns.
#[tokio::test]
async fn store_models_postgres() {
    models_ddl_runs(Dialect::Postgres, "store").await;
}

#[tokio::test]
async fn revisions_ddl_matches_the_example_chain() {
    let db = test_db!(Dialect::Sqlite, "inspect_revisions");
    let root = repo_root();
    let expected = json_tables(&root, &["inspect", "revisions", "--format", "json"]);
    assert_eq!(expected, ["media", "post_tag", "posts", "tags", "users"]);
    let ddl = ok(&root, &["inspect", "revisions", "--dialect", "sqlite"]);
    db.execute_script(&ddl)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{ddl}"));
    assert_eq!(db.tables().await, expected);
    db.drop().await;
}

#[test]
fn models_without_paths_is_a_user_error() {
    let p = project();
    let e = fails(p.path(), &["inspect", "models"], 2);
    assert!(e.contains("[models] paths") && e.contains("hint:"), "{e}");
}

/// `retort inspect models | head -1`: the reader leaves after one line and
/// the rest of the output meets a closed pipe. That ends the output quietly
/// with exit 0; `println!` used to panic there.
#[test]
fn a_reader_that_leaves_early_is_not_a_panic() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let entities = dir.path().join("entity");
    fs_err::create_dir_all(&entities).unwrap();
    // Several hundred KiB of JSON, far more than a pipe buffers.
    for n in 0..300 {
        let text = format!(
            "use sea_orm::entity::prelude::*;\n\
             #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n\
             #[sea_orm(table_name = \"t{n}\")]\n\
             pub struct Model {{\n\
             #[sea_orm(primary_key)]\n pub id: i32,\n pub name: String,\n\
             pub body: Option<String>,\n pub score: Option<i64>,\n}}\n"
        );
        fs_err::write(entities.join(format!("t{n}.rs")), text).unwrap();
    }
    fs_err::write(
        dir.path().join("alembic.toml"),
        "[alembic]\nscript_location = \"migrations\"\n[models]\npaths = [\"entity\"]\n",
    )
    .unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["inspect", "models", "--format", "json"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim(), "{");
    // The reader is dropped here: the pipe is closed with most still unread.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}\n{err}", out.status);
    assert!(!err.contains("panicked"), "{err}");
}
