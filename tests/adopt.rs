//! Databases retort did not build: a shop made by a hand-written SQL script
//! (fixtures/adopt) with entities sea-orm-cli generated from it, adopted
//! with `baseline`; hand drift at head; a database sea-orm-migration or
//! Python Alembic managed. On PostgreSQL, MariaDB and SQLite.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};
use std::path::Path;

fn fixture(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
        Dialect::Sqlite => "sqlite",
    }
}

/// A project whose models are the entities sea-orm-cli generated from the
/// shop on `dialect`, and whose database is `url`.
fn shop_project(url: &str, dialect: Dialect) -> tempfile::TempDir {
    let entities = repo_root()
        .join("fixtures/adopt")
        .join(fixture(dialect))
        .join("entity");
    project_for(url, &entities, "")
}

async fn build_shop(db: &TestDb, dialect: Dialect) {
    let sql = fs_err::read_to_string(
        repo_root()
            .join("fixtures/adopt")
            .join(format!("{}.sql", fixture(dialect))),
    )
    .unwrap();
    db.execute_script(&sql).await.unwrap();
}

fn json(dir: &Path, args: &[&str], code: i32) -> serde_json::Value {
    let o = retort(dir, args);
    assert_eq!(o.status.code(), Some(code), "{args:?}\n{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}\n{}", stdout(&o)))
}

fn pair<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pair"] == key)
        .unwrap_or_else(|| panic!("no pair {key} in {report}"))
}

fn descriptions(pair: &serde_json::Value) -> Vec<String> {
    pair["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["description"].as_str().unwrap().to_owned())
        .collect()
}

async fn log_statuses(db: &TestDb) -> Vec<String> {
    db.query_strings("SELECT status FROM alembic_version_log ORDER BY id")
        .await
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

/// The hand-built shop: `check` answers (exit 1, never 2) with all three
/// pairs; `baseline` records the database as a revision without running
/// it; autogenerate and upgrade then give a clean `check`; and the chain
/// builds on an empty database what the adopted one has.
async fn adopt_hand_built(dialect: Dialect) {
    let db = test_db!(dialect, "adopt_shop");
    let Some(fresh) = TestDb::create(dialect, "adopt_fresh").await else {
        panic!("the server answered a moment ago");
    };
    build_shop(&db, dialect).await;
    let p = shop_project(&db.url, dialect);
    let dir = p.path();

    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("database vs revisions: changes no revision records")
            && text.contains("added table `orders`")
            && text.contains("models vs revisions: a revision is missing"),
        "{text}"
    );
    assert!(stderr(&o).contains("retort baseline"), "{}", stderr(&o));
    let report = json(dir, &["check", "--format", "json"], 1);
    assert_eq!(report["in_sync"], false);
    let drift = descriptions(pair(&report, "database_vs_revisions"));
    for t in ["customers", "order_lines", "orders", "products"] {
        assert!(drift.contains(&format!("added table `{t}`")), "{drift:?}");
    }
    // Autogenerate shows the same report and stops, saying what to do.
    let o = retort(dir, &["revision", "--autogenerate", "-m", "too early"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("changes no revision records")
            && stderr(&o).contains("retort baseline -m MESSAGE"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs_err::read_dir(dir.join("migrations/versions"))
            .unwrap()
            .count(),
        0
    );

    let before = ok(dir, &["inspect", "db", "--format", "json"]);
    let id = ok(dir, &["baseline", "-m", "adopt the shop"])
        .trim()
        .to_owned();
    assert_eq!(versions(&db).await, std::slice::from_ref(&id));
    assert_eq!(log_statuses(&db).await, ["baseline"]);
    // Nothing ran: the database is as it was.
    assert_eq!(ok(dir, &["inspect", "db", "--format", "json"]), before);
    let status = ok(dir, &["status"]);
    assert!(status.contains("Yes (baseline)"), "{status}");
    let report = json(dir, &["check", "--format", "json"], 1);
    assert_eq!(
        pair(&report, "database_vs_revisions")["in_sync"],
        true,
        "{report}"
    );
    // A second baseline finds nothing to adopt.
    assert!(ok_err(dir, &["baseline"]).contains("Nothing to adopt"));

    ok(
        dir,
        &["revision", "--autogenerate", "-m", "what the models say"],
    );
    ok(dir, &["upgrade", "head"]);
    let err = ok_err(dir, &["check"]);
    assert!(err.contains("No changes"), "{err}");
    let adopted = ok(dir, &["inspect", "db", "--format", "json"]);

    // The chain replayed on an empty database builds the adopted schema.
    ok(dir, &with_url(&fresh.url, &["upgrade", "head"]));
    ok(dir, &with_url(&fresh.url, &["check"]));
    assert_eq!(
        ok(
            dir,
            &with_url(&fresh.url, &["inspect", "db", "--format", "json"])
        ),
        adopted,
        "{dialect}"
    );
    fresh.drop().await;
    db.drop().await;
}

#[tokio::test]
async fn adopt_hand_built_postgres() {
    adopt_hand_built(Dialect::Postgres).await;
}

#[tokio::test]
async fn adopt_hand_built_mysql() {
    adopt_hand_built(Dialect::Mysql).await;
}

#[tokio::test]
async fn adopt_hand_built_sqlite() {
    adopt_hand_built(Dialect::Sqlite).await;
}

/// Hand changes at head (a column and a table added, an index dropped, a
/// type changed with `ALTER`): `check` names each, in text and JSON;
/// `baseline` records them, autogenerate undoes them, and `downgrade -1`
/// brings them back.
async fn hand_drift(dialect: Dialect) {
    let db = test_db!(dialect, "hand_drift");
    let p = shop_project(&db.url, dialect);
    let dir = p.path();
    ok(dir, &["revision", "--autogenerate", "-m", "shop"]);
    ok(dir, &["upgrade", "head"]);
    ok(dir, &["check"]);
    // Entities carry no index: add one through a revision, as a team would.
    let index = "[[upgrade]]\nop = \"create_index\"\ntable = \"orders\"\nname = \"ix_orders_note\"\ncolumns = [\"status\"]\n\n[[downgrade]]\nop = \"drop_index\"\ntable = \"orders\"\nname = \"ix_orders_note\"\n";
    let head = ok(dir, &["heads"]);
    let head = head.split_whitespace().next().unwrap();
    write_revision(
        dir,
        "0002_index.toml",
        &format!(
            "revision = \"000000000002\"\ndown_revision = \"{head}\"\nmessage = \"index\"\n\n{index}"
        ),
    );
    ok(dir, &["upgrade", "head"]);

    let (add_col, ty) = match dialect {
        Dialect::Postgres => (
            "ALTER TABLE customers ADD COLUMN nickname varchar(40)",
            "ALTER TABLE orders ALTER COLUMN note TYPE varchar(500)",
        ),
        Dialect::Mysql => (
            "ALTER TABLE customers ADD COLUMN nickname varchar(40)",
            "ALTER TABLE orders MODIFY COLUMN note varchar(500)",
        ),
        Dialect::Sqlite => ("ALTER TABLE customers ADD COLUMN nickname varchar(40)", ""),
    };
    db.execute(add_col).await.unwrap();
    db.execute("CREATE TABLE hotfix_audit (id integer NOT NULL PRIMARY KEY, what text)")
        .await
        .unwrap();
    let drop_index = match dialect {
        Dialect::Mysql => "DROP INDEX ix_orders_note ON orders",
        _ => "DROP INDEX ix_orders_note",
    };
    db.execute(drop_index).await.unwrap();
    if !ty.is_empty() {
        db.execute(ty).await.unwrap();
    }
    let drifted = ok(dir, &["inspect", "db", "--format", "json"]);

    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    let report = json(dir, &["check", "--format", "json"], 1);
    let drift = descriptions(pair(&report, "database_vs_revisions"));
    let mut expected = vec![
        "added column `customers.nickname`".to_owned(),
        "added table `hotfix_audit`".to_owned(),
        "removed index `ix_orders_note` on `orders` (status)".to_owned(),
    ];
    if !ty.is_empty() {
        expected.push("type changed on `orders.note` (text -> varchar(500))".to_owned());
    }
    for e in &expected {
        assert!(drift.contains(e), "{dialect}: {e} not in {drift:?}");
        assert!(text.contains(e.as_str()), "{dialect}: {e} not in\n{text}");
    }
    assert_eq!(drift.len(), expected.len(), "{drift:?}");

    ok(dir, &["baseline", "-m", "hotfixes"]);
    // Dropping the hand-made table and column: lint says so as it writes.
    let err = ok_err(
        dir,
        &["revision", "--autogenerate", "-m", "undo the hotfixes"],
    );
    assert!(err.contains("Lint (") && err.contains("RT101"), "{err}");
    ok(dir, &["upgrade", "head"]);
    let err = ok_err(dir, &["check"]);
    assert!(err.contains("No changes"), "{err}");
    ok(dir, &["downgrade", "-1"]);
    assert_eq!(
        ok(dir, &["inspect", "db", "--format", "json"]),
        drifted,
        "{dialect}: downgrade -1 restores the drift"
    );
    db.drop().await;
}

#[tokio::test]
async fn hand_drift_postgres() {
    hand_drift(Dialect::Postgres).await;
}

#[tokio::test]
async fn hand_drift_mysql() {
    hand_drift(Dialect::Mysql).await;
}

#[tokio::test]
async fn hand_drift_sqlite() {
    hand_drift(Dialect::Sqlite).await;
}

/// sea-orm-migration's `seaql_migrations` is named and left alone; Python
/// Alembic's version row is replaced by the baseline, and the log says so.
#[tokio::test]
async fn takes_over_from_sea_orm_migration_and_alembic() {
    let db = test_db!(Dialect::Postgres, "takeover");
    build_shop(&db, Dialect::Postgres).await;
    db.execute(
        "CREATE TABLE seaql_migrations (version varchar PRIMARY KEY, applied_at bigint NOT NULL)",
    )
    .await
    .unwrap();
    db.execute("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)")
        .await
        .unwrap();
    db.execute("INSERT INTO alembic_version VALUES ('1975ea83b712')")
        .await
        .unwrap();
    let p = shop_project(&db.url, Dialect::Postgres);
    let dir = p.path();
    let o = retort(dir, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("`seaql_migrations` is sea-orm-migration's"),
        "{text}"
    );
    assert!(text.contains("1975ea83b712"), "{text}");
    assert!(!text.contains("added table `seaql_migrations`"), "{text}");
    let err = fails(dir, &["revision", "--autogenerate", "-m", "x"], 2);
    assert!(
        err.contains("1975ea83b712") && err.contains("retort baseline"),
        "{err}"
    );

    let err = stderr(&succeeds(dir, &["baseline", "-m", "adopt"]));
    assert!(err.contains("1975ea83b712"), "{err}");
    let id = ok(dir, &["current"]);
    assert!(!id.contains("1975ea83b712"), "{id}");
    let log = db
        .query_strings("SELECT revision, status FROM alembic_version_log ORDER BY id")
        .await;
    assert_eq!(
        log[0],
        [Some("1975ea83b712".into()), Some("replaced".into())]
    );
    assert_eq!(log[1][1].as_deref(), Some("baseline"));
    let file = fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        !fs_err::read_to_string(file)
            .unwrap()
            .contains("seaql_migrations")
    );
    ok(dir, &["revision", "--autogenerate", "-m", "models"]);
    ok(dir, &["upgrade", "head"]);
    ok(dir, &["check"]);
    assert!(db.tables().await.contains(&"seaql_migrations".to_owned()));
    db.drop().await;
}
