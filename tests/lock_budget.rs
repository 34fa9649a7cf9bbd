//! Issue 14, PostgreSQL's lock table through the binary.
//!
//! * An initial autogenerate of 2,000 tables is written as chained
//!   revisions of at most `max_tables_per_revision` tables, which apply on
//!   a PostgreSQL server with its default lock settings (a single revision
//!   would fail there with "out of shared memory"); `check` is clean.
//! * A hand-written revision over the server's budget is refused before
//!   anything runs, with the hint; `--sql --dialect postgres` says so in a
//!   comment. On SQLite the same revision runs: no budget there.
//! * The split on every server: the foreign-key cycles fixture, one or two
//!   tables per revision, round-trips (upgrade head, check clean,
//!   downgrade base), and the closing keys come after both of their tables.

mod common;
use common::*;
use retort_testing::{Dialect, test_db};
use std::path::Path;
use std::time::Instant;

/// Entity files of `n` tables shaped like `../shared/peers/gen_schema.py`'s
/// (the issue's benchmark): serial key, indexed varchar, unique email,
/// numeric, boolean, timestamptz, text, and a foreign key to the previous
/// table.
fn write_entities(dir: &Path, n: usize) {
    fs_err::create_dir_all(dir).unwrap();
    let mut module = String::new();
    for i in 0..n {
        let t = format!("t{i:04}");
        let (rel, parent) = if i == 0 {
            (String::new(), String::new())
        } else {
            let p = format!("t{:04}", i - 1);
            (
                format!(
                    "    #[sea_orm(belongs_to = \"super::{p}::Entity\", from = \"Column::ParentId\", to = \"super::{p}::Column::Id\", on_delete = \"Cascade\")]\n    Parent,\n"
                ),
                "    pub parent_id: Option<i32>,\n".to_owned(),
            )
        };
        let text = format!(
            r#"use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "{t}")]
pub struct Model {{
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "String(StringLen::N(100))", indexed)]
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub score: Option<i32>,
    #[sea_orm(column_type = "Decimal(Some((12, 2)))")]
    pub amount: Decimal,
    pub active: bool,
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(column_type = "Text", nullable)]
    pub body: Option<String>,
{parent}}}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{
{rel}}}

impl ActiveModelBehavior for ActiveModel {{}}
"#
        );
        fs_err::write(dir.join(format!("{t}.rs")), text).unwrap();
        module.push_str(&format!("pub mod {t};\n"));
    }
    fs_err::write(dir.join("mod.rs"), module).unwrap();
}

fn revision_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = fs_err::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .map(|f| fs_err::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    files.sort();
    files
}

/// The tests that hold thousands of PostgreSQL locks run one at a time:
/// each one's budget check counts the locks of the others.
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long a step took, printed for the record (`--nocapture`).
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    eprintln!("{what}: {:.1} s", start.elapsed().as_secs_f64());
    out
}

#[tokio::test]
#[allow(clippy::await_holding_lock)] // held only to run alone
async fn initial_autogenerate_of_2000_tables_applies_postgres() {
    let _alone = heavy();
    let db = test_db!(Dialect::Postgres, "lock_split");
    let entities = tempfile::tempdir().unwrap();
    write_entities(entities.path(), 2000);
    let p = project_for(&db.url, entities.path(), "");
    let dir = p.path();
    let err = timed("autogenerate", || {
        ok_err(dir, &["revision", "--autogenerate", "-m", "initial"])
    });
    assert!(
        err.contains("Writing 10 revisions of at most 200 new tables each"),
        "{err}"
    );
    assert_eq!(err.matches("Generating ").count(), 10, "{err}");
    let files = revision_files(dir);
    assert_eq!(files.len(), 10);
    for k in 1..=10 {
        assert!(
            files
                .iter()
                .any(|f| f.contains(&format!("message = \"initial (part {k} of 10)\""))),
            "part {k}"
        );
    }
    for f in &files {
        assert_eq!(f.matches("op = \"create_table\"").count(), 200, "{f}");
    }
    timed("upgrade head", || ok_err(dir, &["upgrade", "head"]));
    assert_eq!(db.tables().await.len(), 2002);
    let err = timed("check", || ok_err(dir, &["check"]));
    assert!(err.contains("No changes"), "{err}");
    let heads = ok(dir, &["heads"]);
    assert_eq!(heads.lines().count(), 1, "{heads}");
    db.drop().await;
}

/// A hand-written revision `id` on `parent` creating the tables `range`
/// (of the benchmark's shape, each with a key to the one before).
fn tables_revision(id: &str, parent: Option<&str>, range: std::ops::Range<usize>) -> String {
    let down = parent
        .map(|p| format!("down_revision = \"{p}\"\n"))
        .unwrap_or_default();
    let mut text = format!("revision = \"{id}\"\n{down}message = \"tables\"\n");
    for i in range {
        let fk = if i == 0 {
            String::new()
        } else {
            format!(
                "foreign_keys = [{{ columns = [\"parent_id\"], ref_table = \"t{:04}\", ref_columns = [\"id\"] }}]\n",
                i - 1
            )
        };
        text.push_str(&format!(
            r#"
[[upgrade]]
op = "create_table"
table = "t{i:04}"
columns = [
  {{ name = "id", type = "integer", primary_key = true, autoincrement = true }},
  {{ name = "name", type = "varchar(100)" }},
  {{ name = "email", type = "varchar(255)", unique = true }},
  {{ name = "body", type = "text", nullable = true }},
  {{ name = "parent_id", type = "integer", nullable = true }},
]
{fk}
[[upgrade]]
op = "create_index"
table = "t{i:04}"
name = "t{i:04}_name_idx"
columns = ["name"]
"#
        ));
    }
    text
}

fn big_revision(n: usize) -> String {
    tables_revision("b16000000001", None, 0..n)
}

#[tokio::test]
async fn revision_over_the_lock_budget_is_refused_before_running_postgres() {
    let db = test_db!(Dialect::Postgres, "lock_refused");
    let p = project();
    let dir = p.path();
    write_revision(dir, "b16000000001_everything.toml", &big_revision(2000));
    let err = fails(dir, &with_url(&db.url, &["upgrade", "head"]), 2);
    assert!(
        err.contains("revision `b16000000001` would take about"),
        "{err}"
    );
    assert!(err.contains("PostgreSQL locks"), "{err}");
    assert!(err.contains("nothing ran"), "{err}");
    assert!(err.contains("`max_connections` "), "{err}");
    assert!(
        err.contains("hint: raise `max_locks_per_transaction` to "),
        "{err}"
    );
    assert!(
        err.contains("in postgresql.conf and restart the server"),
        "{err}"
    );
    assert!(err.contains("split the revision"), "{err}");
    assert!(
        err.contains("`transaction_per_migration` does not help"),
        "{err}"
    );
    // Nothing ran: no table, not even the version table.
    assert!(db.tables().await.is_empty(), "{:?}", db.tables().await);
    // `--plan` refuses the same way, and writes nothing either.
    let err = fails(dir, &with_url(&db.url, &["upgrade", "head", "--plan"]), 2);
    assert!(err.contains("would take about"), "{err}");
    assert!(db.tables().await.is_empty());
    // Offline, the script says it in a comment.
    let sql = ok(dir, &["upgrade", "head", "--sql", "--dialect", "postgres"]);
    assert!(
        sql.contains("-- warning: this revision takes about"),
        "{}",
        &sql[..2000]
    );
    assert!(sql.contains("raise max_locks_per_transaction"));
    // Small revisions have no such comment.
    let small = project();
    write_revision(small.path(), "b16000000001_small.toml", &big_revision(3));
    let sql = ok(
        small.path(),
        &["upgrade", "head", "--sql", "--dialect", "postgres"],
    );
    assert!(!sql.contains("-- warning"), "{sql}");
    db.drop().await;
}

/// In one transaction for the whole run, the run's total counts: two
/// revisions that fit alone are refused together, with the other hint.
#[tokio::test]
#[allow(clippy::await_holding_lock)] // held only to run alone
async fn whole_run_transaction_over_the_budget_is_refused_postgres() {
    let _alone = heavy();
    let db = test_db!(Dialect::Postgres, "lock_whole_run");
    let p = project();
    let dir = p.path();
    let config = fs_err::read_to_string(dir.join("alembic.toml")).unwrap();
    fs_err::write(
        dir.join("alembic.toml"),
        config.replace(
            "transaction_per_migration = true",
            "transaction_per_migration = false",
        ),
    )
    .unwrap();
    // 2 x 150 tables: each about 2,700 locks, together over 4,800.
    let first = tables_revision("b16000000001", None, 0..150);
    let second = tables_revision("b16000000002", Some("b16000000001"), 150..300);
    write_revision(dir, "b16000000001_first.toml", &first);
    write_revision(dir, "b16000000002_second.toml", &second);
    let err = fails(dir, &with_url(&db.url, &["upgrade", "head"]), 2);
    assert!(
        err.contains("the run's 2 revision(s) would take about"),
        "{err}"
    );
    assert!(
        err.contains("set `transaction_per_migration = true`"),
        "{err}"
    );
    assert!(db.tables().await.is_empty());
    // One transaction per revision (the default) fits.
    fs_err::write(dir.join("alembic.toml"), config).unwrap();
    ok_err(dir, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(db.tables().await.len(), 302);
    db.drop().await;
}

/// SQLite has no lock table: the same revision runs.
#[tokio::test]
async fn no_budget_on_sqlite() {
    let db = test_db!(Dialect::Sqlite, "lock_sqlite");
    let p = project();
    let dir = p.path();
    write_revision(dir, "b16000000001_everything.toml", &big_revision(2000));
    ok_err(dir, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(db.tables().await.len(), 2002);
    db.drop().await;
}

/// The cycles fixture (two cycles sharing a table, a self reference),
/// `max` tables per revision: several revisions, each a valid one, the
/// closing keys after both of their tables; upgrade head, check clean,
/// downgrade base.
async fn split_round_trip(dialect: Dialect, max: usize) {
    let db = test_db!(dialect, "lock_split_cycles");
    let p = project_for(
        &db.url,
        &repo_root().join("fixtures/cycles/entity"),
        &format!("\n[autogenerate]\nmax_tables_per_revision = {max}\n"),
    );
    let dir = p.path();
    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "create schema"]);
    let parts = 6usize.div_ceil(max);
    assert!(
        err.contains(&format!(
            "Writing {parts} revisions of at most {max} new tables each"
        )),
        "{err}"
    );
    let files = revision_files(dir);
    assert_eq!(files.len(), parts, "{err}");
    for f in &files {
        assert!(f.matches("op = \"create_table\"").count() <= max, "{f}");
        assert!(f.contains(&format!("of {parts})\"")), "{f}");
    }
    // Offline, the chain renders both ways for the dialect.
    ok(dir, &["upgrade", "head", "--sql"]);
    ok(dir, &["downgrade", "head:base", "--sql"]);
    ok_err(dir, &["upgrade", "head"]);
    let err = ok_err(dir, &["check"]);
    assert!(err.contains("No changes"), "{err}");
    let err = ok_err(dir, &["revision", "--autogenerate", "-m", "again"]);
    assert!(err.contains("no changes"), "{err}");
    ok_err(dir, &["downgrade", "base"]);
    assert_eq!(
        db.tables().await,
        ["alembic_version", "alembic_version_log"],
        "{dialect}"
    );
    db.drop().await;
}

#[tokio::test]
async fn split_cycles_postgres() {
    split_round_trip(Dialect::Postgres, 1).await;
    split_round_trip(Dialect::Postgres, 2).await;
}

#[tokio::test]
async fn split_cycles_mysql() {
    split_round_trip(Dialect::Mysql, 1).await;
    split_round_trip(Dialect::Mysql, 2).await;
}

#[tokio::test]
async fn split_cycles_sqlite() {
    split_round_trip(Dialect::Sqlite, 1).await;
    split_round_trip(Dialect::Sqlite, 2).await;
}

#[test]
fn max_tables_per_revision_of_zero_is_refused() {
    let p = project();
    let dir = p.path();
    let config = fs_err::read_to_string(dir.join("alembic.toml")).unwrap();
    fs_err::write(
        dir.join("alembic.toml"),
        format!("{config}\n[autogenerate]\nmax_tables_per_revision = 0\n"),
    )
    .unwrap();
    let err = fails(dir, &["revision", "--autogenerate", "--offline"], 2);
    assert!(err.contains("alembic.toml:"), "{err}");
    assert!(
        err.contains("`max_tables_per_revision` under `[autogenerate]` is 0"),
        "{err}"
    );
    assert!(err.contains("hint: give at least 1"), "{err}");
}
