//! Every operation kind on every dialect, against real databases.
//!
//! Each case builds a schema with setup operations (rendered by this crate
//! and run on a fresh database), renders and runs the operation, checks its
//! effect through the catalog and through statements the database must
//! accept or refuse, then renders the reverse operations and checks the
//! catalog is back where it started.

mod support;

use retort_core::{Dialect, Operation, Schema, reverse};
use retort_testing::TestDb;
use support::{fingerprint, op, ops, run};

/// What must be true after the operation ran.
enum Expect {
    /// The sorted list of tables.
    Tables(&'static [&'static str]),
    /// Column present (true) or absent.
    Column(&'static str, &'static str, bool),
    Nullable(&'static str, &'static str, bool),
    /// Some catalog fact other than a column mentions this name (an index,
    /// a constraint, a key, an enum label...).
    Named(&'static str, bool),
    /// The query returns these rows, cells joined by `|`, rows by `;`.
    Rows(&'static str, &'static str),
    /// The database refuses this statement (on the listed dialects, or all).
    Rejects(&'static str),
    Accepts(&'static str),
    /// The column's comment.
    Comment(&'static str, &'static str, Option<&'static str>),
    /// Only on these dialects.
    On(&'static [Dialect], Box<Expect>),
    /// SQLite rebuilds the table (true) or alters it in place.
    SqliteRebuild(bool),
    /// The operation renders no SQL on these dialects.
    NoSqlOn(&'static [Dialect]),
}

use Expect::*;

struct Case {
    setup: &'static str,
    op: &'static str,
    expect: Vec<Expect>,
}

const BASE: &str = r#"
[[ops]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(100)", unique = true },
  { name = "name", type = "varchar(50)", nullable = true },
  { name = "nick", type = "varchar(20)", nullable = true, unique = true },
  { name = "active", type = "boolean", default = true },
]

[[ops]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "user_id", type = "integer" },
  { name = "title", type = "varchar(200)", default = "untitled" },
  { name = "body", type = "text", nullable = true },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"], on_delete = "cascade" }]

[[ops]]
op = "create_index"
table = "posts"
name = "ix_posts_title"
columns = ["title"]

[[ops]]
op = "create_table"
table = "notes"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "user_id", type = "integer", nullable = true },
  { name = "score", type = "integer", default = 0 },
]
checks = [{ name = "ck_notes_score", expr = "score >= 0" }]

[[ops]]
op = "bulk_insert"
table = "users"
rows = [
  { id = 1, email = "ann@example.com", name = "Ann", nick = "an" },
  { id = 2, email = "bob@example.com", name = "Ann" },
]

[[ops]]
op = "bulk_insert"
table = "posts"
rows = [{ id = 10, user_id = 1, title = "hello" }]

[[ops]]
op = "bulk_insert"
table = "notes"
rows = [{ id = 1, user_id = 2, score = 5 }]
"#;

const ENUMS: &str = r#"
[[ops]]
op = "create_enum"
name = "status"
values = ["draft", "published"]

[[ops]]
op = "create_table"
table = "articles"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "status", type = "enum(status)", default = "draft" },
]

[[ops]]
op = "bulk_insert"
table = "articles"
rows = [{ id = 1, status = "published" }, { id = 2 }]
"#;

/// Reserved words and quote characters as names.
const QUOTED: &str = r#"
[[ops]]
op = "create_table"
table = "order"
columns = [
  { name = "select", type = "integer", primary_key = true },
  { name = 'we"ird', type = "varchar(20)", nullable = true },
  { name = "back`tick", type = "integer", default = 1 },
]

[[ops]]
op = "create_index"
table = "order"
name = 'ix_"order"_`x`'
columns = ['we"ird', "back`tick"]

[[ops]]
op = "bulk_insert"
table = "order"
rows = [{ "select" = 1, 'we"ird' = "it's \"quoted\" \\ `x`" }]
"#;

const USERS_ROWS: Expect = Rows(
    "SELECT id, email FROM users ORDER BY id",
    "1|ann@example.com;2|bob@example.com",
);

async fn check(dialect: Dialect, label: &str, case: Case) {
    let Some(db) = TestDb::create(dialect, label).await else {
        return;
    };
    let mut schema = Schema::default();
    for setup in ops(case.setup) {
        run(&db, &mut schema, &setup).await;
    }
    let start = fingerprint(&db).await;
    let before = schema.clone();
    let op = op(case.op);
    let rendered = run(&db, &mut schema, &op).await;
    let changed = fingerprint(&db).await;
    let schema_op = !matches!(op, Operation::Execute { .. } | Operation::BulkInsert { .. });
    if schema_op && !rendered.statements.is_empty() {
        assert_ne!(start, changed, "{dialect}: the catalog did not change");
    }
    if rendered.statements.is_empty() {
        assert_eq!(start, changed);
    }
    for e in &case.expect {
        expect(&db, e, &rendered).await;
    }
    match reverse(&op, &before) {
        Ok(undo) => {
            for r in &undo {
                run(&db, &mut schema, r).await;
            }
            let back = fingerprint(&db).await;
            assert_eq!(
                diff(&start, &back),
                diff(&back, &start),
                "{dialect}: the reverse did not restore the catalog"
            );
            assert_eq!(
                start, back,
                "{dialect}: the reverse did not restore the catalog"
            );
        }
        Err(_) => assert!(!schema_op, "only data steps lack a reverse"),
    }
    db.drop().await;
}

fn diff(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|l| !b.contains(l)).cloned().collect()
}

async fn expect(db: &TestDb, e: &Expect, rendered: &retort_sql::Rendered) {
    let d = db.dialect;
    let script = || {
        rendered
            .statements
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(";\n")
    };
    match e {
        Tables(want) => assert_eq!(db.tables().await, *want, "{d}"),
        Column(t, c, present) => {
            let fp = fingerprint(db).await;
            let prefix = format!("column | {t} | {c} |");
            assert_eq!(
                fp.iter().any(|l| l.starts_with(&prefix)),
                *present,
                "{d}: column {t}.{c}\n{}",
                script()
            );
        }
        Nullable(t, c, nullable) => {
            let sql = match d {
                Dialect::Postgres => format!(
                    "SELECT is_nullable FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = '{t}' AND column_name = '{c}'"
                ),
                Dialect::Mysql => format!(
                    "SELECT is_nullable FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = '{t}' AND column_name = '{c}'"
                ),
                Dialect::Sqlite => format!(
                    "SELECT CASE \"notnull\" WHEN 0 THEN 'YES' ELSE 'NO' END \
                     FROM pragma_table_info('{t}') WHERE name = '{c}'"
                ),
            };
            let got = db.query_strings(&sql).await;
            let want = if *nullable { "YES" } else { "NO" };
            assert_eq!(
                got,
                vec![vec![Some(want.to_owned())]],
                "{d}: {t}.{c} nullable"
            );
        }
        Named(name, present) => {
            let fp = fingerprint(db).await;
            let found = fp
                .iter()
                .any(|l| !l.starts_with("column |") && l.contains(name));
            assert_eq!(
                found,
                *present,
                "{d}: `{name}` in\n{}\n{}",
                fp.join("\n"),
                script()
            );
        }
        Rows(sql, want) => {
            let rows = db.query_strings(sql).await;
            let got: Vec<String> = rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| c.unwrap_or_else(|| "NULL".into()))
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect();
            assert_eq!(got.join(";"), *want, "{d}: {sql}");
        }
        Rejects(sql) => assert!(db.execute(sql).await.is_err(), "{d}: accepted {sql}"),
        On(on, inner) => {
            if on.contains(&d) {
                Box::pin(expect(db, inner, rendered)).await;
            }
        }
        Comment(t, c, want) => {
            let sql = match d {
                Dialect::Postgres => format!(
                    "SELECT col_description('\"{t}\"'::regclass, a.attnum) FROM pg_attribute a \
                     WHERE a.attrelid = '\"{t}\"'::regclass AND a.attname = '{c}'"
                ),
                Dialect::Mysql => format!(
                    "SELECT NULLIF(column_comment, '') FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = '{t}' AND column_name = '{c}'"
                ),
                Dialect::Sqlite => return,
            };
            let got = db.query_strings(&sql).await;
            assert_eq!(
                got,
                vec![vec![want.map(str::to_owned)]],
                "{d}: comment of {t}.{c}"
            );
        }
        Accepts(sql) => {
            if let Err(e) = db.execute(sql).await {
                panic!("{d}: {e}");
            }
        }
        SqliteRebuild(want) => {
            if d == Dialect::Sqlite {
                assert_eq!(rendered.rebuilds_table, *want, "{}", script());
            } else {
                assert!(!rendered.rebuilds_table);
            }
        }
        NoSqlOn(on) => {
            assert_eq!(
                rendered.statements.is_empty(),
                on.contains(&d),
                "{d}: {}",
                script()
            );
        }
    }
}

// ---- the cases -------------------------------------------------------------

fn create_table() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "create_table"
            table = "tags"
            columns = [
              { name = "post_id", type = "integer" },
              { name = "label", type = "varchar(40)", comment = "shown to 'readers'" },
              { name = "created_at", type = "timestamptz", default_expr = "CURRENT_TIMESTAMP" },
              { name = "weight", type = "decimal(6,2)", default = 1.5 },
            ]
            primary_key = ["post_id", "label"]
            foreign_keys = [{ columns = ["post_id"], ref_table = "posts", ref_columns = ["id"], on_delete = "cascade" }]
            checks = [{ name = "ck_tags_label", expr = "label <> ''" }]
            comment = "post tags"
        "#,
        expect: vec![
            Tables(&["notes", "posts", "tags", "users"]),
            Named("fk_tags_post_id_posts", true),
            Rejects("INSERT INTO tags (post_id, label) VALUES (999, 'x')"),
            Rejects("INSERT INTO tags (post_id, label) VALUES (10, '')"),
            Accepts("INSERT INTO tags (post_id, label) VALUES (10, 'x')"),
            Rejects("INSERT INTO tags (post_id, label) VALUES (10, 'x')"),
            Rows(
                "SELECT COUNT(*) FROM tags WHERE created_at IS NOT NULL AND weight > 1.4 AND weight < 1.6",
                "1",
            ),
            Comment("tags", "label", Some("shown to 'readers'")),
        ],
    }
}

fn create_table_autoincrement() -> Case {
    Case {
        setup: "",
        op: r#"
            op = "create_table"
            table = "events"
            columns = [
              { name = "id", type = "bigint", primary_key = true, autoincrement = true },
              { name = "name", type = "text", nullable = true },
            ]
        "#,
        expect: vec![
            Accepts("INSERT INTO events (name) VALUES ('a')"),
            Accepts("INSERT INTO events (name) VALUES ('b')"),
            Rows("SELECT id, name FROM events ORDER BY id", "1|a;2|b"),
        ],
    }
}

fn drop_table() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_table"
            table = "posts"
        "#,
        expect: vec![Tables(&["notes", "users"])],
    }
}

fn rename_table() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "rename_table"
            table = "users"
            new_name = "members"
        "#,
        expect: vec![
            Tables(&["members", "notes", "posts"]),
            Rows("SELECT id FROM members ORDER BY id", "1;2"),
            // The foreign key of `posts` follows the rename.
            Rejects("INSERT INTO posts (id, user_id) VALUES (11, 999)"),
            Accepts("INSERT INTO posts (id, user_id) VALUES (11, 2)"),
        ],
    }
}

fn add_column_nullable() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_column"
            table = "users"
            column = { name = "bio", type = "text", nullable = true, comment = "about me" }
        "#,
        expect: vec![
            Column("users", "bio", true),
            Nullable("users", "bio", true),
            SqliteRebuild(false),
            USERS_ROWS,
        ],
    }
}

fn add_column_default() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_column"
            table = "users"
            column = { name = "score", type = "integer", default = 7 }
        "#,
        expect: vec![
            Nullable("users", "score", false),
            SqliteRebuild(false),
            Rows("SELECT id, score FROM users ORDER BY id", "1|7;2|7"),
        ],
    }
}

fn add_column_unique() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_column"
            table = "users"
            column = { name = "handle", type = "varchar(30)", nullable = true, unique = true }
        "#,
        expect: vec![
            SqliteRebuild(true),
            USERS_ROWS,
            Named("uq_users_handle", true),
            Rejects("UPDATE users SET handle = 'same'"),
            // The rebuilt table keeps its foreign keys, checks and indexes.
            Named("ix_posts_title", true),
            Rejects("INSERT INTO posts (id, user_id) VALUES (11, 999)"),
        ],
    }
}

fn add_column_expression_default() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_column"
            table = "users"
            column = { name = "created_at", type = "timestamp", default_expr = "CURRENT_TIMESTAMP" }
        "#,
        expect: vec![
            SqliteRebuild(true),
            Rows(
                "SELECT COUNT(*) FROM users WHERE created_at IS NOT NULL",
                "2",
            ),
        ],
    }
}

fn drop_column() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_column"
            table = "users"
            column = "name"
        "#,
        expect: vec![
            Column("users", "name", false),
            SqliteRebuild(false),
            USERS_ROWS,
        ],
    }
}

fn drop_column_unique() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_column"
            table = "users"
            column = "nick"
        "#,
        expect: vec![
            Column("users", "nick", false),
            Named("uq_users_nick", false),
            SqliteRebuild(true),
            USERS_ROWS,
            // Children of the rebuilt table still point at it.
            Rejects("INSERT INTO posts (id, user_id) VALUES (11, 999)"),
            Rows("SELECT id, user_id FROM posts", "10|1"),
        ],
    }
}

fn drop_column_indexed() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_column"
            table = "posts"
            column = "title"
        "#,
        expect: vec![
            Column("posts", "title", false),
            Named("ix_posts_title", false),
            Rows("SELECT id, user_id FROM posts", "10|1"),
        ],
    }
}

fn drop_column_referenced() -> Case {
    Case {
        setup: concat_setup(),
        op: r#"
            op = "drop_column"
            table = "users"
            column = "nick"
        "#,
        expect: vec![
            Named("fk_badges_user_nick_users", false),
            Tables(&["badges", "notes", "posts", "users"]),
            Rows("SELECT id, user_nick FROM badges", "1|NULL"),
            // Nothing checks the value any more.
            Accepts("INSERT INTO badges (id, user_nick) VALUES (2, 'nobody')"),
            Accepts("DELETE FROM badges WHERE id = 2"),
        ],
    }
}

fn concat_setup() -> &'static str {
    // BASE plus a table whose foreign key points at a unique, non-key column.
    Box::leak(
        format!(
            "{BASE}{}",
            r#"
[[ops]]
op = "create_table"
table = "badges"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "user_nick", type = "varchar(20)", nullable = true },
]
foreign_keys = [{ columns = ["user_nick"], ref_table = "users", ref_columns = ["nick"] }]

[[ops]]
op = "bulk_insert"
table = "badges"
rows = [{ id = 1 }]
"#
        )
        .into_boxed_str(),
    )
}

fn alter_column_type() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "posts"
            column = "title"
            type = "varchar(300)"
        "#,
        expect: vec![
            SqliteRebuild(true),
            Rows("SELECT id, title FROM posts", "10|hello"),
            Accepts("INSERT INTO posts (id, user_id) VALUES (11, 1)"),
            Rows("SELECT title FROM posts WHERE id = 11", "untitled"),
        ],
    }
}

fn alter_column_type_cast() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "notes"
            column = "user_id"
            type = "varchar(10)"
        "#,
        expect: vec![
            Rows("SELECT user_id FROM notes", "2"),
            Accepts("INSERT INTO notes (id, user_id) VALUES (2, 'x7')"),
            Accepts("DELETE FROM notes WHERE id = 2"),
        ],
    }
}

fn alter_column_nullable() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "users"
            column = "email"
            nullable = true
        "#,
        expect: vec![
            Nullable("users", "email", true),
            SqliteRebuild(true),
            USERS_ROWS,
        ],
    }
}

fn alter_column_set_default() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "users"
            column = "name"
            default = "anon"
        "#,
        expect: vec![
            Accepts("INSERT INTO users (id, email) VALUES (3, 'c@example.com')"),
            Rows("SELECT name FROM users WHERE id = 3", "anon"),
        ],
    }
}

fn alter_column_drop_default() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "users"
            column = "active"
            drop_default = true
        "#,
        expect: vec![Rejects(
            "INSERT INTO users (id, email) VALUES (4, 'd@example.com')",
        )],
    }
}

fn alter_column_rename() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "users"
            column = "name"
            new_name = "full_name"
        "#,
        expect: vec![
            Column("users", "name", false),
            Column("users", "full_name", true),
            SqliteRebuild(false),
            Rows("SELECT full_name FROM users ORDER BY id", "Ann;Ann"),
        ],
    }
}

fn alter_column_rename_and_type() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "posts"
            column = "title"
            new_name = "headline"
            type = "varchar(250)"
        "#,
        expect: vec![
            Column("posts", "title", false),
            SqliteRebuild(true),
            Rows("SELECT id, headline FROM posts", "10|hello"),
            Named("ix_posts_title", true),
        ],
    }
}

fn alter_column_comment() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "alter_column"
            table = "users"
            column = "name"
            comment = "the name's display form"
        "#,
        expect: vec![
            Comment("users", "name", Some("the name's display form")),
            NoSqlOn(&[Dialect::Sqlite]),
        ],
    }
}

fn create_index() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "create_index"
            table = "users"
            name = "ix_users_name_active"
            columns = ["name", "active"]
        "#,
        expect: vec![Named("ix_users_name_active", true), SqliteRebuild(false)],
    }
}

fn create_unique_index() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "create_index"
            table = "posts"
            name = "ux_posts_user_title"
            columns = ["user_id", "title"]
            unique = true
        "#,
        expect: vec![
            Named("ux_posts_user_title", true),
            Rejects("INSERT INTO posts (id, user_id, title) VALUES (11, 1, 'hello')"),
        ],
    }
}

fn drop_index() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_index"
            table = "posts"
            name = "ix_posts_title"
        "#,
        expect: vec![Named("ix_posts_title", false)],
    }
}

fn create_unique() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "create_unique"
            table = "notes"
            columns = ["user_id", "score"]
        "#,
        expect: vec![
            Named("uq_notes_user_id_score", true),
            SqliteRebuild(true),
            Rejects("INSERT INTO notes (id, user_id, score) VALUES (2, 2, 5)"),
            Rows("SELECT id, user_id, score FROM notes", "1|2|5"),
        ],
    }
}

fn drop_unique() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_unique"
            table = "users"
            name = "uq_users_email"
        "#,
        expect: vec![
            Named("uq_users_email", false),
            SqliteRebuild(true),
            USERS_ROWS,
        ],
    }
}

fn add_foreign_key() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_foreign_key"
            table = "notes"
            columns = ["user_id"]
            ref_table = "users"
            ref_columns = ["id"]
            on_delete = "set_null"
        "#,
        expect: vec![
            Named("fk_notes_user_id_users", true),
            SqliteRebuild(true),
            Rejects("INSERT INTO notes (id, user_id) VALUES (2, 999)"),
            Rows("SELECT id, user_id, score FROM notes", "1|2|5"),
        ],
    }
}

fn drop_foreign_key() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_foreign_key"
            table = "posts"
            name = "fk_posts_user_id_users"
        "#,
        expect: vec![
            Named("fk_posts_user_id_users", false),
            SqliteRebuild(true),
            Rows("SELECT id, user_id, title FROM posts", "10|1|hello"),
            Named("ix_posts_title", true),
        ],
    }
}

fn add_check() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "add_check"
            table = "users"
            name = "ck_users_email"
            expr = "email <> ''"
        "#,
        expect: vec![
            Named("ck_users_email", true),
            SqliteRebuild(true),
            Rejects("INSERT INTO users (id, email) VALUES (5, '')"),
            USERS_ROWS,
        ],
    }
}

fn drop_check() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "drop_check"
            table = "notes"
            name = "ck_notes_score"
        "#,
        expect: vec![Named("ck_notes_score", false), SqliteRebuild(true)],
    }
}

fn create_enum() -> Case {
    Case {
        setup: "",
        op: r#"
            op = "create_enum"
            name = "mood"
            values = ["happy", "it's sad"]
        "#,
        expect: vec![
            NoSqlOn(&[Dialect::Mysql, Dialect::Sqlite]),
            On(&[Dialect::Postgres], Box::new(Named("it's sad", true))),
        ],
    }
}

fn create_table_with_enum() -> Case {
    Case {
        setup: r#"
[[ops]]
op = "create_enum"
name = "mood"
values = ["happy", "it's sad"]
"#,
        op: r#"
            op = "create_table"
            table = "moods"
            columns = [
              { name = "id", type = "integer", primary_key = true },
              { name = "mood", type = "enum(mood)", default = "it's sad" },
            ]
        "#,
        expect: vec![
            Accepts("INSERT INTO moods (id) VALUES (1)"),
            Accepts("INSERT INTO moods (id, mood) VALUES (2, 'happy')"),
            On(
                &[Dialect::Postgres, Dialect::Mysql],
                Box::new(Rejects("INSERT INTO moods (id, mood) VALUES (3, 'angry')")),
            ),
            Rows("SELECT mood FROM moods ORDER BY id", "it's sad;happy"),
        ],
    }
}

fn alter_enum_append() -> Case {
    Case {
        setup: ENUMS,
        op: r#"
            op = "alter_enum"
            name = "status"
            values = ["draft", "published", "archived"]
        "#,
        expect: vec![
            NoSqlOn(&[Dialect::Sqlite]),
            On(&[Dialect::Postgres], Box::new(Named("archived", true))),
            Accepts("INSERT INTO articles (id, status) VALUES (3, 'archived')"),
            Accepts("DELETE FROM articles WHERE id = 3"),
            Rows(
                "SELECT id, status FROM articles ORDER BY id",
                "1|published;2|draft",
            ),
        ],
    }
}

fn alter_enum_rebuild() -> Case {
    Case {
        setup: ENUMS,
        op: r#"
            op = "alter_enum"
            name = "status"
            values = ["published", "review", "draft"]
        "#,
        expect: vec![
            NoSqlOn(&[Dialect::Sqlite]),
            On(&[Dialect::Postgres], Box::new(Named("review", true))),
            On(
                &[Dialect::Postgres, Dialect::Mysql],
                Box::new(Rejects(
                    "INSERT INTO articles (id, status) VALUES (4, 'archived')",
                )),
            ),
            Rows(
                "SELECT id, status FROM articles ORDER BY id",
                "1|published;2|draft",
            ),
            Accepts("INSERT INTO articles (id) VALUES (3)"),
            Rows("SELECT status FROM articles WHERE id = 3", "draft"),
            Accepts("DELETE FROM articles WHERE id = 3"),
        ],
    }
}

fn drop_enum() -> Case {
    Case {
        setup: r#"
[[ops]]
op = "create_enum"
name = "unused"
values = ["a", "b"]
"#,
        op: r#"
            op = "drop_enum"
            name = "unused"
        "#,
        expect: vec![NoSqlOn(&[Dialect::Mysql, Dialect::Sqlite])],
    }
}

fn execute() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "execute"
            sql = { postgres = "UPDATE users SET name = 'pg' WHERE id = 1", default = "UPDATE users SET name = 'other' WHERE id = 1" }
        "#,
        expect: vec![
            On(
                &[Dialect::Postgres],
                Box::new(Rows("SELECT name FROM users WHERE id = 1", "pg")),
            ),
            On(
                &[Dialect::Mysql, Dialect::Sqlite],
                Box::new(Rows("SELECT name FROM users WHERE id = 1", "other")),
            ),
        ],
    }
}

fn bulk_insert() -> Case {
    Case {
        setup: BASE,
        op: r#"
            op = "bulk_insert"
            table = "users"
            rows = [
              { id = 5, email = "o'brien@example.com", name = "O'Brien \\ \"x\"", active = false },
              { id = 6, email = "e@example.com", name = "line\nbreak", active = true },
              { id = 7, email = "f@example.com" },
            ]
        "#,
        expect: vec![Rows(
            "SELECT id, email, name FROM users WHERE id > 4 ORDER BY id",
            "5|o'brien@example.com|O'Brien \\ \"x\";6|e@example.com|line\nbreak;7|f@example.com|NULL",
        )],
    }
}

fn quoted_add_unique_column() -> Case {
    Case {
        setup: QUOTED,
        op: r#"
            op = "add_column"
            table = "order"
            column = { name = "group", type = "varchar(10)", nullable = true, unique = true }
        "#,
        expect: vec![
            Tables(&["order"]),
            Column("order", "group", true),
            SqliteRebuild(true),
            Named("ix_\"order\"_`x`", true),
        ],
    }
}

fn quoted_rename_column() -> Case {
    Case {
        setup: QUOTED,
        op: r#"
            op = "alter_column"
            table = "order"
            column = 'we"ird'
            new_name = "also`we\"ird"
        "#,
        expect: vec![Column("order", "also`we\"ird", true)],
    }
}

fn quoted_alter_type() -> Case {
    Case {
        setup: QUOTED,
        op: r#"
            op = "alter_column"
            table = "order"
            column = "back`tick"
            type = "bigint"
            nullable = true
        "#,
        expect: vec![Nullable("order", "back`tick", true), SqliteRebuild(true)],
    }
}

/// Each case on each dialect, as its own test: `postgres::drop_table`, ...
macro_rules! cases {
    ($($name:ident)*) => {
        mod postgres {
            $(#[tokio::test] async fn $name() {
                super::check(retort_core::Dialect::Postgres, stringify!($name), super::$name()).await
            })*
        }
        mod mysql {
            $(#[tokio::test] async fn $name() {
                super::check(retort_core::Dialect::Mysql, stringify!($name), super::$name()).await
            })*
        }
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                super::check(retort_core::Dialect::Sqlite, stringify!($name), super::$name()).await
            })*
        }
    };
}

cases! {
    create_table create_table_autoincrement drop_table rename_table
    add_column_nullable add_column_default add_column_unique add_column_expression_default
    drop_column drop_column_unique drop_column_indexed drop_column_referenced
    alter_column_type alter_column_type_cast alter_column_nullable alter_column_set_default
    alter_column_drop_default alter_column_rename alter_column_rename_and_type alter_column_comment
    create_index create_unique_index drop_index create_unique drop_unique
    add_foreign_key drop_foreign_key add_check drop_check
    create_enum create_table_with_enum alter_enum_append alter_enum_rebuild drop_enum
    execute bulk_insert
    quoted_add_unique_column quoted_rename_column quoted_alter_type
}
