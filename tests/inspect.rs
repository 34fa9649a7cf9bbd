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
