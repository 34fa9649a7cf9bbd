//! Several chains on one database (the blog as the main chain and
//! `[apps.billing]`), `--all`, and revisions that stay right on another
//! dialect than the one they were compared on.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};
use std::path::Path;

/// The blog as the main chain and billing as `[apps.billing]`, on `url`.
fn two_apps(url: &str, billing_extra: &str) -> tempfile::TempDir {
    let billing = repo_root().join("fixtures/billing/entity");
    let apps = format!(
        "\n[apps.billing]\nscript_location = \"billing/migrations\"\nmodels = [{:?}]\n{billing_extra}",
        billing.display().to_string(),
    );
    let dir = project_for(url, &repo_root().join("fixtures/blog/entity"), &apps);
    fs_err::create_dir_all(dir.path().join("billing/migrations/versions")).unwrap();
    dir
}

fn files_text(dir: &Path) -> String {
    let mut text = String::new();
    for e in fs_err::read_dir(dir).unwrap() {
        text.push_str(&fs_err::read_to_string(e.unwrap().path()).unwrap());
    }
    text
}

async fn two_chains(dialect: Dialect) {
    let db = test_db!(dialect, "two_chains");
    let Some(empty) = TestDb::create(dialect, "two_chains_all").await else {
        panic!("the server answered a moment ago");
    };
    let p = two_apps(&db.url, "");
    let dir = p.path();
    // Each chain's autogenerate sees only its own tables, whichever runs first.
    let err = ok_err(
        dir,
        &[
            "-n",
            "billing",
            "revision",
            "--autogenerate",
            "-m",
            "billing",
        ],
    );
    assert!(!err.contains("removed"), "{err}");
    ok(dir, &["-n", "billing", "upgrade", "head"]);
    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "blog"]);
    assert!(
        !err.contains("removed") && !err.contains("invoices"),
        "{err}"
    );
    ok(dir, &["upgrade", "head"]);
    let main_files = files_text(&dir.join("migrations/versions"));
    let billing_files = files_text(&dir.join("billing/migrations/versions"));
    assert!(!main_files.contains("invoices") && !main_files.contains("alembic_version"));
    assert!(!billing_files.contains("users") && !billing_files.contains("alembic_version"));
    for args in [&["check"][..], &["-n", "billing", "check"]] {
        let err = ok_err(dir, args);
        assert!(err.contains("No changes"), "{args:?}: {err}");
    }
    let o = succeeds(dir, &["check", "--all"]);
    assert!(stdout(&o).contains("== app `billing` (alembic_version_billing) =="));
    // Nothing to do for a second autogenerate of either.
    assert!(ok_err(dir, &["revision", "--autogenerate", "-m", "x"]).contains("no changes"));
    assert!(
        ok_err(
            dir,
            &["-n", "billing", "revision", "--autogenerate", "-m", "x"]
        )
        .contains("no changes")
    );

    // `--all` on an empty database brings both chains to head.
    ok(dir, &with_url(&empty.url, &["upgrade", "head", "--all"]));
    let status = ok(dir, &with_url(&empty.url, &["status", "--all"]));
    assert!(
        status.contains("== the main chain (alembic_version) ==")
            && status.contains("== app `billing` (alembic_version_billing) =="),
        "{status}"
    );
    assert!(!status.contains("No "), "every revision ran:\n{status}");
    // One JSON document for every chain.
    let doc: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &with_url(&empty.url, &["status", "--all", "--format", "json"]),
    ))
    .unwrap();
    let chains = doc["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 2, "{doc}");
    assert_eq!(chains[1]["app"], "billing");
    assert!(
        chains.iter().all(|c| c["revisions"][0]["ran"] == true),
        "{doc}"
    );
    let doc: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &with_url(&empty.url, &["check", "--all", "--format", "json"]),
    ))
    .unwrap();
    assert_eq!(doc["in_sync"], true, "{doc}");
    assert_eq!(doc["chains"][1]["report"]["chain"], "app `billing`");
    let doc: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &with_url(&empty.url, &["current", "--all", "--format", "json"]),
    ))
    .unwrap();
    assert_eq!(
        doc["chains"][1]["current"][0]["in_directory"], true,
        "{doc}"
    );
    let current = ok(dir, &with_url(&empty.url, &["current", "--all"]));
    assert_eq!(
        current.lines().filter(|l| l.contains("(head)")).count(),
        2,
        "{current}"
    );
    ok(dir, &with_url(&empty.url, &["check", "--all"]));
    ok(dir, &with_url(&empty.url, &["downgrade", "base", "--all"]));
    let mut left = empty.tables().await;
    left.sort();
    assert_eq!(
        left,
        [
            "alembic_version",
            "alembic_version_billing",
            "alembic_version_billing_log",
            "alembic_version_log"
        ]
    );
    // One script for all chains.
    let sql = ok(dir, &["upgrade", "head", "--all", "--sql"]);
    assert!(
        sql.contains("alembic_version_billing")
            && sql.contains("\"users\"") | sql.contains("`users`"),
        "{sql}"
    );
    empty.drop().await;
    db.drop().await;
}

#[tokio::test]
async fn two_chains_postgres() {
    two_chains(Dialect::Postgres).await;
}

#[tokio::test]
async fn two_chains_mysql() {
    two_chains(Dialect::Mysql).await;
}

#[tokio::test]
async fn two_chains_sqlite() {
    two_chains(Dialect::Sqlite).await;
}

/// `exclude_tables` per app; `--all` stops at the first failing chain and
/// says what ran.
#[tokio::test]
async fn exclude_tables_per_app_and_all_stops_at_a_failure() {
    let db = test_db!(Dialect::Sqlite, "apps_exclude");
    let p = two_apps(&db.url, "exclude_tables = [\"invoice_lines\"]\n");
    let dir = p.path();
    ok(
        dir,
        &[
            "-n",
            "billing",
            "revision",
            "--autogenerate",
            "-m",
            "billing",
        ],
    );
    let text = files_text(&dir.join("billing/migrations/versions"));
    assert!(
        text.contains("invoices") && !text.contains("invoice_lines"),
        "{text}"
    );
    ok(dir, &["revision", "--autogenerate", "-m", "blog"]);
    write_revision(
        &dir.join("billing"),
        "0002_bad.toml",
        &format!(
            "revision = \"00000000bad1\"\ndown_revision = \"{}\"\nmessage = \"bad\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT * FROM no_such_table\"\n",
            ok(dir, &["-n", "billing", "heads"])
                .split_whitespace()
                .next()
                .unwrap()
        ),
    );
    let err = fails(dir, &["upgrade", "head", "--all"], 3);
    assert!(
        err.contains("app `billing`") && err.contains("finished: the main chain; not run: none"),
        "{err}"
    );
    db.drop().await;
}

/// A chain autogenerated on SQLite, rendered for PostgreSQL, builds what
/// the chain autogenerated on PostgreSQL builds (enum type, `bigint` keys,
/// `jsonb`); and `i32` -> `i64` is a change on SQLite, which stores both alike.
#[tokio::test]
async fn a_chain_made_on_sqlite_is_right_on_postgres() {
    let sqlite = test_db!(Dialect::Sqlite, "portable_sqlite");
    let Some(from_sqlite) = TestDb::create(Dialect::Postgres, "portable_from_sqlite").await else {
        assert!(!retort_testing::ci(), "PostgreSQL is needed under CI");
        eprintln!("skipped: no PostgreSQL");
        return;
    };
    let Some(native) = TestDb::create(Dialect::Postgres, "portable_native").await else {
        panic!("the server answered a moment ago");
    };
    let entities = tempfile::tempdir().unwrap();
    for f in ["mod.rs", "invoices.rs", "invoice_lines.rs"] {
        fs_err::copy(
            repo_root().join("fixtures/billing/entity").join(f),
            entities.path().join(f),
        )
        .unwrap();
    }
    let project = |url: &str| project_for(url, entities.path(), "");
    let on_sqlite = project(&sqlite.url);
    let s = on_sqlite.path();
    ok(s, &["revision", "--autogenerate", "-m", "billing"]);
    ok(s, &["upgrade", "head"]);
    ok(s, &["check"]);
    let script = ok(s, &["upgrade", "head", "--sql", "--dialect", "postgres"]);
    from_sqlite.execute_script(&script).await.unwrap();

    let on_pg = project(&native.url);
    let n = on_pg.path();
    ok(n, &["revision", "--autogenerate", "-m", "billing"]);
    ok(n, &["upgrade", "head"]);
    let inspect = |url: &str| ok(n, &with_url(url, &["inspect", "db", "--format", "json"]));
    assert_eq!(inspect(&from_sqlite.url), inspect(&native.url));
    // The SQLite chain is right for PostgreSQL: check there is clean.
    ok(s, &with_url(&from_sqlite.url, &["check"]));

    // i32 -> i64: SQLite stores both as `integer`, the chain must still change.
    let invoices = entities.path().join("invoices.rs");
    let text = fs_err::read_to_string(&invoices).unwrap();
    fs_err::write(
        &invoices,
        text.replace("customer_ref: i32", "customer_ref: i64"),
    )
    .unwrap();
    let o = retort(s, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("models vs revisions: a revision is missing")
            && stdout(&o).contains("type changed on `invoices.customer_ref` (integer -> bigint)"),
        "{}",
        stdout(&o)
    );
    ok(s, &["revision", "--autogenerate", "-m", "wider"]);
    ok(s, &["upgrade", "head"]);
    ok(s, &["check"]);
    native.drop().await;
    from_sqlite.drop().await;
    sqlite.drop().await;
}

/// A PostgreSQL array on SQLite is refused at autogenerate time.
#[tokio::test]
async fn an_array_model_on_sqlite_is_an_error_at_autogenerate() {
    let db = test_db!(Dialect::Sqlite, "array_on_sqlite");
    let entities = tempfile::tempdir().unwrap();
    fs_err::write(
        entities.path().join("tags.rs"),
        "use sea_orm::entity::prelude::*;\n\n#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n#[sea_orm(table_name = \"notes\")]\npub struct Model {\n    #[sea_orm(primary_key)]\n    pub id: i32,\n    pub labels: Vec<String>,\n}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {}\n\nimpl ActiveModelBehavior for ActiveModel {}\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[alembic]\nurl = {:?}\n\n[models]\npaths = [{:?}]\n",
        db.url,
        entities.path().display().to_string()
    );
    fs_err::write(dir.path().join("alembic.toml"), config).unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    let err = fails(dir.path(), &["revision", "--autogenerate", "-m", "x"], 2);
    assert!(
        err.contains("tags.rs:8 (field `labels`): `notes.labels` has type `varchar[]`, which sqlite cannot store"),
        "{err}"
    );
    db.drop().await;
}
