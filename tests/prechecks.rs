//! The runner's data pre-checks, on real PostgreSQL, MariaDB and SQLite
//! databases: a revision whose operations existing rows would make fail is
//! refused before any of its statements runs, the message names the rows,
//! and once the data is fixed the next `upgrade head` just works.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};

const R1: &str = "a00000000001";
const R2: &str = "a00000000002";
const R3: &str = "a00000000003";

/// A revision file with the given upgrade operations (TOML `[[upgrade]]`
/// tables) and an `irreversible` downgrade.
fn revision(id: &str, down: Option<&str>, upgrade: &str) -> String {
    let down = down
        .map(|d| format!("down_revision = \"{d}\"\n"))
        .unwrap_or_default();
    format!(
        "revision = \"{id}\"\n{down}message = \"rev {id}\"\n\n{upgrade}\n[[downgrade]]\nop = \"irreversible\"\n"
    )
}

/// A project whose first revision builds `schema`; the database is
/// upgraded to it and `data` is run; then the second revision (`risky`) is
/// written.
async fn setup(db: &TestDb, schema: &str, data: &[&str], risky: &str) -> tempfile::TempDir {
    let p = project();
    write_revision(p.path(), "01.toml", &revision(R1, None, schema));
    ok(p.path(), &with_url(&db.url, &["upgrade", "head"]));
    for s in data {
        db.execute(s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    write_revision(p.path(), "02.toml", &revision(R2, Some(R1), risky));
    p
}

/// No log row of revision 2: a refusal is not recorded as a failure (so
/// MySQL needs no `stamp`).
async fn not_logged(db: &TestDb, rev: &str) {
    let rows = db
        .query_strings(&format!(
            "SELECT status FROM alembic_version_log WHERE revision = '{rev}'"
        ))
        .await;
    assert!(rows.is_empty(), "revision {rev} was logged: {rows:?}");
}

const USERS: &str = r#"[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "email", type = "varchar(100)", nullable = true },
  { name = "bio", type = "text", nullable = true },
]
"#;

const DROP_THEN_NOT_NULL: &str = r#"[[upgrade]]
op = "drop_column"
table = "users"
column = "bio"

[[upgrade]]
op = "alter_column"
table = "users"
column = "email"
nullable = false
"#;

/// The issue's "done when": `drop_column` then `SET NOT NULL` over NULL
/// rows. Refused before the drop ran, the keys named, and after an UPDATE
/// the next `upgrade head` succeeds with no `stamp`.
async fn not_null_refused_before_anything(dialect: Dialect) {
    let db = test_db!(dialect, "precheck_notnull");
    let p = setup(
        &db,
        USERS,
        &[
            "INSERT INTO users (id, email, bio) VALUES (1, NULL, 'x'), (2, 'b@x.org', 'y'), (3, NULL, 'z')",
        ],
        DROP_THEN_NOT_NULL,
    )
    .await;
    let d = p.path();
    let err = fails(d, &with_url(&db.url, &["upgrade", "head"]), 3);
    for want in [
        "revision `a00000000002` refused before any of its statements ran",
        "02.toml:10: `alter_column` step 2",
        "fails on 2 row(s) with NULL in `users.email`: keys (`id`) 1, 3",
        "nothing of the revision ran; the database is at `a00000000001`",
        "no `stamp` is needed",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    // The drop_column before it did not run.
    let bios = db.query_strings("SELECT bio FROM users ORDER BY id").await;
    assert_eq!(bios.len(), 3, "{bios:?}");
    assert_eq!(versions(&db).await, [R1]);
    not_logged(&db, R2).await;

    db.execute("UPDATE users SET email = 'none' WHERE email IS NULL")
        .await
        .unwrap();
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    assert_eq!(versions(&db).await, [R2]);
    assert!(
        db.try_query_strings("SELECT bio FROM users").await.is_err(),
        "bio was dropped"
    );
    db.drop().await;
}

#[tokio::test]
async fn not_null_refused_before_anything_postgres() {
    not_null_refused_before_anything(Dialect::Postgres).await;
}

#[tokio::test]
async fn not_null_refused_before_anything_mysql() {
    not_null_refused_before_anything(Dialect::Mysql).await;
}

#[tokio::test]
async fn not_null_refused_before_anything_sqlite() {
    not_null_refused_before_anything(Dialect::Sqlite).await;
}

/// One kind of pre-check: the schema, the rows, the risky revision, what
/// the refusal must say, and the SQL that fixes the data.
struct Case {
    name: &'static str,
    schema: &'static str,
    data: &'static [&'static str],
    risky: &'static str,
    expect: &'static [&'static str],
    fix: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "unique duplicates",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "email", type = "varchar(50)", nullable = true },
]
"#,
        data: &[
            "INSERT INTO t (id, email) VALUES (1, 'a'), (2, 'a'), (3, 'b'), (4, NULL), (5, NULL), (6, 'c'), (7, 'c'), (8, 'c')",
        ],
        risky: r#"[[upgrade]]
op = "create_unique"
table = "t"
columns = ["email"]
"#,
        expect: &[
            "`create_unique` step 1",
            "fails on 5 row(s) repeating a value of (email) in `t`: values (`email`) a on 2 rows, c on 3 rows",
        ],
        fix: &["UPDATE t SET email = NULL WHERE id IN (2, 7, 8)"],
    },
    Case {
        name: "unique index duplicates",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "a", type = "integer" },
  { name = "b", type = "integer" },
]
"#,
        data: &["INSERT INTO t (id, a, b) VALUES (1, 1, 1), (2, 1, 1), (3, 1, 2)"],
        risky: r#"[[upgrade]]
op = "create_index"
table = "t"
name = "ix_t_ab"
columns = ["a", "b"]
unique = true
"#,
        expect: &[
            "`create_index` step 1",
            "fails on 2 row(s) repeating a value of (a, b) in `t`: values (`a`, `b`) (1, 1) on 2 rows",
        ],
        fix: &["DELETE FROM t WHERE id = 2"],
    },
    Case {
        name: "narrowing overflow",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "n", type = "bigint" },
  { name = "s", type = "varchar(20)" },
  { name = "d", type = "decimal(10,2)" },
]
"#,
        data: &[
            "INSERT INTO t (id, n, s, d) VALUES (1, 3000000000, 'short', 1.5), (2, 5, 'a longer text', 12345.67), (3, -3000000000, 'tiny', 999.99)",
        ],
        risky: r#"[[upgrade]]
op = "alter_column"
table = "t"
column = "n"
type = "integer"

[[upgrade]]
op = "alter_column"
table = "t"
column = "s"
type = "varchar(5)"

[[upgrade]]
op = "alter_column"
table = "t"
column = "d"
type = "decimal(5,2)"
"#,
        expect: &[
            "make 3 of its operation(s) fail",
            "`alter_column` step 1",
            "fails on 2 row(s) with `t.n` outside -2147483648..=2147483647 (`integer`): keys (`id`) 1, 3",
            "fails on 1 row(s) with `t.s` longer than 5 characters (`varchar(5)`): keys (`id`) 2",
            "fails on 1 row(s) with `t.d` too large for `decimal(5,2)`: keys (`id`) 2",
        ],
        fix: &["UPDATE t SET n = 1, s = 'ok', d = 1"],
    },
    Case {
        name: "foreign key orphans",
        schema: r#"[[upgrade]]
op = "create_table"
table = "p"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[upgrade]]
op = "create_table"
table = "c"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "p_id", type = "integer", nullable = true },
]
"#,
        data: &[
            "INSERT INTO p (id) VALUES (1)",
            "INSERT INTO c (id, p_id) VALUES (1, 1), (2, 2), (3, NULL), (4, 7)",
        ],
        risky: r#"[[upgrade]]
op = "add_foreign_key"
table = "c"
columns = ["p_id"]
ref_table = "p"
ref_columns = ["id"]
"#,
        expect: &[
            "`add_foreign_key` step 1",
            "fails on 2 row(s) of `c` whose (p_id) match no row of `p`: keys (`id`) 2, 4",
        ],
        fix: &["DELETE FROM c WHERE id IN (2, 4)"],
    },
    Case {
        name: "check violation",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "qty", type = "integer", nullable = true },
]
"#,
        data: &["INSERT INTO t (id, qty) VALUES (1, 5), (2, -1), (3, NULL)"],
        risky: r#"[[upgrade]]
op = "add_check"
table = "t"
name = "ck_t_qty"
expr = "qty >= 0"
"#,
        expect: &[
            "`add_check` step 1",
            "fails on 1 row(s) of `t` breaking the check (qty >= 0): keys (`id`) 2",
        ],
        fix: &["UPDATE t SET qty = 0 WHERE id = 2"],
    },
    Case {
        name: "enum values in use",
        schema: r#"[[upgrade]]
op = "create_enum"
name = "status"
values = ["a", "b", "c"]

[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "s", type = "enum(status)" },
]
"#,
        data: &["INSERT INTO t (id, s) VALUES (1, 'a'), (2, 'c'), (3, 'b')"],
        risky: r#"[[upgrade]]
op = "alter_enum"
name = "status"
values = ["a", "b"]
"#,
        expect: &[
            "`alter_enum` step 1",
            "fails on 1 row(s) with `t.s` holding a removed value (`c`): keys (`id`) 2",
        ],
        fix: &["UPDATE t SET s = 'a' WHERE id = 2"],
    },
    Case {
        name: "primary key over NULLs and duplicates",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "code", type = "varchar(10)", nullable = true },
  { name = "name", type = "text", nullable = true },
]
"#,
        data: &["INSERT INTO t (code, name) VALUES ('x', 'one'), ('x', 'two'), (NULL, 'three')"],
        risky: r#"[[upgrade]]
op = "alter_primary_key"
table = "t"
columns = ["code"]
"#,
        expect: &[
            "`alter_primary_key` step 1",
            "fails on 1 row(s) with NULL in the primary key (code) of `t`: values (`name`) three",
            "fails on 2 row(s) repeating a value of (code) in `t`: values (`code`) x on 2 rows",
        ],
        fix: &[
            "UPDATE t SET code = 'y' WHERE name = 'two'",
            "UPDATE t SET code = 'z' WHERE name = 'three'",
        ],
    },
    Case {
        name: "NOT NULL on a table of one column, without a key",
        schema: r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "v", type = "integer", nullable = true }]
"#,
        data: &["INSERT INTO t (v) VALUES (NULL), (1)"],
        risky: r#"[[upgrade]]
op = "alter_column"
table = "t"
column = "v"
nullable = false
"#,
        expect: &["fails on 1 row(s) with NULL in `t.v`: values (`v`) NULL"],
        fix: &["DELETE FROM t WHERE v IS NULL"],
    },
];

/// Every case on one dialect: refused (exit 3, nothing ran, not logged),
/// then fixed and upgraded.
async fn each_kind(dialect: Dialect) {
    for case in CASES {
        let db = test_db!(dialect, "precheck_kinds");
        let p = setup(&db, case.schema, case.data, case.risky).await;
        let d = p.path();
        let err = fails(d, &with_url(&db.url, &["upgrade", "head"]), 3);
        assert!(
            err.contains("revision `a00000000002` refused before any of its statements ran"),
            "{}: {err}",
            case.name
        );
        for want in case.expect {
            assert!(
                err.contains(want),
                "{} on {dialect:?}: missing {want:?} in:\n{err}",
                case.name
            );
        }
        assert_eq!(versions(&db).await, [R1], "{}", case.name);
        not_logged(&db, R2).await;
        for s in case.fix {
            db.execute(s)
                .await
                .unwrap_or_else(|e| panic!("{}: {s}: {e}", case.name));
        }
        let out = succeeds(d, &with_url(&db.url, &["upgrade", "head"]));
        assert_eq!(versions(&db).await, [R2], "{}: {}", case.name, stderr(&out));
        db.drop().await;
    }
}

#[tokio::test]
async fn each_kind_postgres() {
    each_kind(Dialect::Postgres).await;
}

#[tokio::test]
async fn each_kind_mysql() {
    each_kind(Dialect::Mysql).await;
}

#[tokio::test]
async fn each_kind_sqlite() {
    each_kind(Dialect::Sqlite).await;
}

/// "Add column, backfill, SET NOT NULL" in one revision: the `execute`
/// writes what the last step needs, so it is not refused; a note says the
/// database checks it. A backfill in an earlier revision of the same run is
/// seen by the check of the next one (with one transaction for the run too).
async fn backfill_is_not_refused(dialect: Dialect, one_transaction: bool) {
    let db = test_db!(dialect, "precheck_backfill");
    let p = setup(
        &db,
        USERS,
        &["INSERT INTO users (id, email) VALUES (1, NULL), (2, 'b')"],
        r#"[[upgrade]]
op = "execute"
sql = "UPDATE users SET email = COALESCE(email, 'none'), bio = 'none'"

[[upgrade]]
op = "alter_column"
table = "users"
column = "email"
nullable = false
"#,
    )
    .await;
    let d = p.path();
    if one_transaction {
        let config = fs_err::read_to_string(d.join("alembic.toml")).unwrap();
        fs_err::write(
            d.join("alembic.toml"),
            config.replace(
                "transaction_per_migration = true",
                "transaction_per_migration = false",
            ),
        )
        .unwrap();
    }
    // Revision 3 sets `bio` NOT NULL: its check runs after revision 2's
    // `execute` filled `bio`, in the same run.
    write_revision(
        d,
        "03.toml",
        &revision(
            R3,
            Some(R2),
            r#"[[upgrade]]
op = "alter_column"
table = "users"
column = "bio"
nullable = false
"#,
        ),
    );
    let script = ok(
        d,
        &["upgrade", "head", "--sql", "--dialect", dialect.name()],
    );
    assert!(
        script.contains("-- pre-check: ") && script.contains("follows the `execute` at step 1"),
        "{script}"
    );
    let err = ok_err(d, &with_url(&db.url, &["upgrade", "head"]));
    assert!(
        err.contains("note: ") && err.contains("02.toml:9: `alter_column` step 2"),
        "{err}"
    );
    assert_eq!(versions(&db).await, [R3]);
    db.drop().await;
}

#[tokio::test]
async fn backfill_is_not_refused_postgres() {
    backfill_is_not_refused(Dialect::Postgres, false).await;
    backfill_is_not_refused(Dialect::Postgres, true).await;
}

#[tokio::test]
async fn backfill_is_not_refused_mysql() {
    backfill_is_not_refused(Dialect::Mysql, false).await;
}

#[tokio::test]
async fn backfill_is_not_refused_sqlite() {
    backfill_is_not_refused(Dialect::Sqlite, false).await;
    backfill_is_not_refused(Dialect::Sqlite, true).await;
}

/// With one transaction for the run, a refusal undoes the revisions of the
/// run that ran before it, and says so.
async fn whole_run_refusal(dialect: Dialect) {
    let db = test_db!(dialect, "precheck_wholerun");
    let p = setup(
        &db,
        USERS,
        &["INSERT INTO users (id, email) VALUES (1, NULL)"],
        r#"[[upgrade]]
op = "create_table"
table = "other"
columns = [{ name = "id", type = "integer", primary_key = true }]
"#,
    )
    .await;
    let d = p.path();
    write_revision(
        d,
        "03.toml",
        &revision(
            R3,
            Some(R2),
            r#"[[upgrade]]
op = "alter_column"
table = "users"
column = "email"
nullable = false
"#,
        ),
    );
    let config = fs_err::read_to_string(d.join("alembic.toml")).unwrap();
    fs_err::write(
        d.join("alembic.toml"),
        config.replace(
            "transaction_per_migration = true",
            "transaction_per_migration = false",
        ),
    )
    .unwrap();
    let err = fails(d, &with_url(&db.url, &["upgrade", "head"]), 3);
    assert!(
        err.contains("revision `a00000000003` refused")
            && err.contains("nor of this run: it had one transaction")
            && err.contains("the database is at `a00000000001`"),
        "{err}"
    );
    assert!(!db.tables().await.contains(&"other".to_owned()));
    assert_eq!(versions(&db).await, [R1]);
    db.drop().await;
}

#[tokio::test]
async fn whole_run_refusal_postgres() {
    whole_run_refusal(Dialect::Postgres).await;
}

#[tokio::test]
async fn whole_run_refusal_sqlite() {
    whole_run_refusal(Dialect::Sqlite).await;
}
