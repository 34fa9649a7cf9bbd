//! Revisions that would fail on one backend and pass on another are refused
//! for every backend, before anything runs, with the file and line of the
//! operation: invalid types and defaults and empty SQL when revisions load,
//! identifiers over the dialect's limit when the plan is built.

mod common;

use common::*;
use retort_core::Dialect;
use retort_testing::{TestDb, test_db};

const HEAD: &str = "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n";

/// A table `t` (line 4) with an `id` column, then `more`.
fn revision(more: &str) -> String {
    format!(
        "{HEAD}\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n{more}"
    )
}

/// Each operation's text, and what the error must say besides `a.toml:LINE`.
/// The operation's `[[upgrade]]` header is on line 9 of the file.
fn invalid_ops() -> Vec<(&'static str, usize, &'static str)> {
    vec![
        (
            "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"price\", type = \"decimal(5,10)\" }\n",
            12,
            "scale (10) over its precision (5)",
        ),
        (
            "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"code\", type = \"varchar(0)\" }\n",
            12,
            "a length of 0",
        ),
        (
            "op = \"execute\"\nsql = \"\"\n",
            11,
            "there is no SQL to run (upgrade step 2, `execute`)",
        ),
        (
            "op = \"execute\"\nsql = \"  ;\"\n",
            11,
            "there is no SQL to run (upgrade step 2, `execute`)",
        ),
        (
            "op = \"execute\"\nsql = { postgres = \"SELECT 1\", mysql = \"\" }\n",
            11,
            "the `mysql` text is empty",
        ),
        (
            "op = \"add_check\"\ntable = \"t\"\nname = \"ck_t\"\nexpr = \"\"\n",
            13,
            "check `ck_t` on `t` has an empty expression",
        ),
        (
            "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"n\", type = \"integer\", default = \"abc\" }\n",
            12,
            "default \"abc\" is not a value of type `integer`",
        ),
        (
            "op = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"b\", type = \"boolean\", default = \"yes\" }\n",
            12,
            "is not a value of type `boolean`",
        ),
        (
            "op = \"alter_column\"\ntable = \"t\"\ncolumn = \"id\"\ntype = \"decimal(2,3)\"\n",
            13,
            "scale (3) over its precision (2)",
        ),
    ]
}

#[test]
fn invalid_operations_are_refused_when_revisions_load() {
    for (op, line, says) in invalid_ops() {
        let p = project();
        let d = p.path();
        write_revision(d, "a.toml", &revision(&format!("\n[[upgrade]]\n{op}")));
        let location = format!("a.toml:{line}:");
        for dialect in ["postgres", "mysql", "sqlite"] {
            let e = fails(d, &["upgrade", "head", "--sql", "--dialect", dialect], 2);
            assert!(
                e.contains(&location) && e.contains(says),
                "{dialect}: {op}\n{e}"
            );
        }
        let e = fails(d, &["heads"], 2);
        assert!(e.contains(&location) && e.contains(says), "{op}\n{e}");
    }
}

/// Online, on each backend: refused before anything runs, the database keeps
/// nothing (no table, no version rows, no failure recorded), and once the
/// file is fixed the next run needs no `stamp`.
async fn invalid_operations_change_nothing(dialect: Dialect) {
    let db = test_db!(dialect, "invalid_ops");
    for (op, line, says) in invalid_ops() {
        let p = project();
        let d = p.path();
        write_revision(d, "a.toml", &revision(&format!("\n[[upgrade]]\n{op}")));
        let e = fails(d, &with_url(&db.url, &["upgrade", "head"]), 2);
        assert!(
            e.contains(&format!("a.toml:{line}:")) && e.contains(says),
            "{op}\n{e}"
        );
        assert_eq!(db.tables().await, Vec::<String>::new(), "{op}");
        write_revision(d, "a.toml", &revision(""));
        ok(d, &with_url(&db.url, &["upgrade", "head"]));
        assert_eq!(versions(&db).await, ["aaaaaaaaaaaa"]);
        ok(d, &with_url(&db.url, &["fresh", "--force"]));
        ok(d, &with_url(&db.url, &["downgrade", "base"]));
        for t in db.tables().await {
            db.execute(&format!("DROP TABLE {t}")).await.unwrap();
        }
    }
    db.drop().await;
}

#[tokio::test]
async fn invalid_operations_postgres() {
    invalid_operations_change_nothing(Dialect::Postgres).await;
}

#[tokio::test]
async fn invalid_operations_mysql() {
    invalid_operations_change_nothing(Dialect::Mysql).await;
}

#[tokio::test]
async fn invalid_operations_sqlite() {
    invalid_operations_change_nothing(Dialect::Sqlite).await;
}

/// A step that does not apply names its own step number and line, not
/// step 1 of the revision.
#[test]
fn a_step_that_does_not_apply_names_its_number_and_line() {
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a.toml",
        &revision(
            "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"x\", type = \"text\" }\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"ghost\"\n",
        ),
    );
    for dialect in ["postgres", "mysql", "sqlite"] {
        let e = fails(d, &["upgrade", "head", "--sql", "--dialect", dialect], 2);
        assert!(
            e.contains("a.toml:14: revision `aaaaaaaaaaaa` does not apply")
                && e.contains("upgrade step 3, `drop_column`"),
            "{dialect}\n{e}"
        );
    }
}

/// `irreversible` in an upgrade list says that the upgrade cannot run.
#[test]
fn irreversible_in_an_upgrade_names_the_upgrade() {
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a.toml",
        &revision("\n[[upgrade]]\nop = \"irreversible\"\n"),
    );
    let e = fails(d, &["upgrade", "head", "--sql", "--dialect", "sqlite"], 2);
    assert!(
        e.contains("a.toml:9: revision `aaaaaaaaaaaa` cannot be upgraded: its upgrade list has an `irreversible` step"),
        "{e}"
    );
    assert!(!e.contains("downgraded"), "{e}");
}

/// The tables that are not retort's version tables.
async fn user_tables(db: &TestDb) -> Vec<String> {
    let mut t = db.tables().await;
    t.retain(|t| !t.starts_with("alembic_version"));
    t
}

fn long(n: usize) -> String {
    "x".repeat(n)
}

/// A revision with identifiers of the given lengths (table, column, index).
fn long_names(table: usize, column: usize, index: usize) -> String {
    format!(
        "{HEAD}\n[[upgrade]]\nop = \"create_table\"\ntable = \"{}\"\ncolumns = [{{ name = \"{}\", type = \"integer\", primary_key = true }}]\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"{}\"\nname = \"i{}\"\ncolumns = [\"{}\"]\n",
        long(table),
        long(column),
        long(table),
        long(index - 1),
        long(column)
    )
}

#[test]
fn identifiers_over_the_limit_are_refused_offline() {
    let p = project();
    let d = p.path();
    // 70 characters: over both limits; SQLite has none.
    write_revision(d, "a.toml", &long_names(70, 10, 10));
    for (dialect, limit) in [("postgres", "63 bytes"), ("mysql", "64 characters")] {
        let e = fails(d, &["upgrade", "head", "--sql", "--dialect", dialect], 2);
        assert!(
            e.contains(&format!("a.toml:4: table `{}` is 70", long(70)))
                && e.contains(&format!("allows {}", limit.split(' ').next().unwrap()))
                && e.contains(limit),
            "{dialect}\n{e}"
        );
    }
    ok(d, &["upgrade", "head", "--sql", "--dialect", "sqlite"]);
    // 64 characters: PostgreSQL only; an index name on line 9.
    write_revision(d, "a.toml", &long_names(20, 20, 64));
    let e = fails(d, &["upgrade", "head", "--sql", "--dialect", "postgres"], 2);
    assert!(
        e.contains("a.toml:9: index `i") && e.contains("is 64 bytes long"),
        "{e}"
    );
    ok(d, &["upgrade", "head", "--sql", "--dialect", "mysql"]);
    // PostgreSQL counts bytes: 32 two-byte letters are 64 bytes.
    write_revision(
        d,
        "a.toml",
        &revision(&format!(
            "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = {{ name = \"{}\", type = \"text\" }}\n",
            "é".repeat(32)
        )),
    );
    let e = fails(d, &["upgrade", "head", "--sql", "--dialect", "postgres"], 2);
    assert!(
        e.contains("a.toml:9: column `") && e.contains("64 bytes"),
        "{e}"
    );
    ok(d, &["upgrade", "head", "--sql", "--dialect", "mysql"]);
}

/// Online: refused before anything runs; PostgreSQL does not get a
/// truncated table, MariaDB no half-run revision.
async fn identifiers_over_the_limit_change_nothing(dialect: Dialect) {
    let db: TestDb = test_db!(dialect, "long_names");
    let p = project();
    let d = p.path();
    write_revision(d, "a.toml", &long_names(70, 10, 10));
    let e = fails(d, &with_url(&db.url, &["upgrade", "head"]), 2);
    assert!(
        e.contains("a.toml:4: table `") && e.contains("is 70"),
        "{e}"
    );
    // Refused before anything is created, version tables included.
    assert_eq!(db.tables().await, Vec::<String>::new());
    write_revision(d, "a.toml", &long_names(60, 60, 60));
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    assert!(db.tables().await.contains(&long(60)));
    db.drop().await;
}

#[tokio::test]
async fn identifiers_postgres() {
    identifiers_over_the_limit_change_nothing(Dialect::Postgres).await;
}

#[tokio::test]
async fn identifiers_mysql() {
    identifiers_over_the_limit_change_nothing(Dialect::Mysql).await;
}

/// What a dialect cannot store although the file is valid: refused when
/// the plan is built for that dialect, offline and online.
#[test]
fn dialect_limits_are_refused_when_planning() {
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a.toml",
        &revision(
            "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"big\", type = \"decimal(70,2)\" }\n",
        ),
    );
    let e = fails(d, &["upgrade", "head", "--sql", "--dialect", "mysql"], 2);
    assert!(
        e.contains(
            "a.toml:9: revision `aaaaaaaaaaaa` cannot run on mysql (upgrade step 2, `add_column`)"
        ) && e.contains("`decimal(70,2)` is over mysql's largest decimal (precision 65, scale 30)"),
        "{e}"
    );
    ok(d, &["upgrade", "head", "--sql", "--dialect", "postgres"]);
    ok(d, &["upgrade", "head", "--sql", "--dialect", "sqlite"]);
    // A default set alone is checked against the type the chain built.
    write_revision(
        d,
        "a.toml",
        &revision(
            "\n[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"id\"\ndefault = \"abc\"\n",
        ),
    );
    for dialect in ["postgres", "mysql", "sqlite"] {
        let e = fails(d, &["upgrade", "head", "--sql", "--dialect", dialect], 2);
        assert!(
            e.contains("a.toml:9: revision `aaaaaaaaaaaa` cannot run on")
                && e.contains("default \"abc\" is not a value of type `integer`"),
            "{dialect}\n{e}"
        );
    }
}

#[tokio::test]
async fn dialect_limits_change_nothing_mysql() {
    let db: TestDb = test_db!(Dialect::Mysql, "decimal_limit");
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a.toml",
        &revision(
            "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"big\", type = \"decimal(70,2)\" }\n",
        ),
    );
    let e = fails(d, &with_url(&db.url, &["upgrade", "head"]), 2);
    assert!(e.contains("largest decimal"), "{e}");
    assert_eq!(user_tables(&db).await, Vec::<String>::new());
    // Nothing recorded as failed: the fixed file runs without a `stamp`.
    write_revision(d, "a.toml", &revision(""));
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(versions(&db).await, ["aaaaaaaaaaaa"]);
    db.drop().await;
}
