//! Rendering without a database: errors, and snapshots of the SQL people
//! review in `--sql` output.

mod support;

use retort_core::{Dialect, Schema, apply_all};
use retort_sql::{RenderError, render, render_schema};
use support::{op, ops};

fn schema(setup: &str) -> Schema {
    let mut s = Schema::default();
    apply_all(&mut s, &ops(setup)).unwrap();
    s
}

const SETUP: &str = r#"
[[ops]]
op = "create_enum"
name = "status"
values = ["draft", "published"]

[[ops]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "bio", type = "text", nullable = true, comment = "about 'me'" },
  { name = "active", type = "boolean", default = true },
  { name = "status", type = "enum(status)", default = "draft" },
  { name = "created_at", type = "timestamptz", default_expr = "CURRENT_TIMESTAMP" },
]
checks = [{ name = "ck_users_email", expr = "email <> ''" }]
comment = "people"

[[ops]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "user_id", type = "integer" },
  { name = "title", type = "varchar(200)" },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"], on_delete = "cascade" }]

[[ops]]
op = "create_index"
table = "posts"
name = "ix_posts_title"
columns = ["title"]
"#;

/// The statements of `op` on every dialect, one block per dialect.
fn sql_of(before: &Schema, op_toml: &str) -> String {
    let op = op(op_toml);
    let mut out = String::new();
    for d in Dialect::ALL {
        let r = render(&op, before, d).unwrap_or_else(|e| panic!("{d}: {e}"));
        out.push_str(&format!(
            "-- {d}{}\n",
            if r.rebuilds_table { " (rebuild)" } else { "" }
        ));
        for s in &r.statements {
            out.push_str(s.as_str());
            out.push_str(";\n");
        }
    }
    out
}

#[test]
fn schema_ddl() {
    let s = schema(SETUP);
    for d in Dialect::ALL {
        let sql: Vec<String> = render_schema(&s, d)
            .unwrap()
            .into_iter()
            .map(|s| s.into_string())
            .collect();
        insta::assert_snapshot!(format!("schema_ddl__{d}"), sql.join(";\n"));
    }
}

#[test]
fn add_check_rebuilds_on_sqlite() {
    let s = schema(SETUP);
    insta::assert_snapshot!(sql_of(
        &s,
        r#"
        op = "add_check"
        table = "posts"
        name = "ck_posts_title"
        expr = "title <> ''"
        "#
    ));
}

#[test]
fn alter_column_everything() {
    let s = schema(SETUP);
    insta::assert_snapshot!(sql_of(
        &s,
        r#"
        op = "alter_column"
        table = "users"
        column = "bio"
        type = "varchar(500)"
        nullable = false
        default = "none"
        comment = "changed"
        new_name = "about"
        "#
    ));
}

#[test]
fn alter_enum_append_and_rebuild() {
    let s = schema(SETUP);
    insta::assert_snapshot!(sql_of(
        &s,
        r#"
        op = "alter_enum"
        name = "status"
        values = ["draft", "published", "archived"]
        "#
    ));
    insta::assert_snapshot!(sql_of(
        &s,
        r#"
        op = "alter_enum"
        name = "status"
        values = ["published", "draft"]
        "#
    ));
}

#[test]
fn irreversible_is_an_error_with_its_reason() {
    let op = op(r#"
        op = "irreversible"
        reason = "data was merged"
    "#);
    for d in Dialect::ALL {
        let err = render(&op, &Schema::default(), d).unwrap_err();
        assert_eq!(
            err,
            RenderError::Irreversible {
                reason: Some("data was merged".into())
            }
        );
        assert_eq!(
            err.to_string(),
            "an `irreversible` step stops here: data was merged"
        );
    }
}

#[test]
fn an_op_that_does_not_apply_names_op_and_table() {
    let op = op(r#"
        op = "drop_column"
        table = "users"
        column = "nope"
    "#);
    let err = render(&op, &schema(SETUP), Dialect::Postgres).unwrap_err();
    assert!(
        matches!(&err, RenderError::Replay { op: "drop_column", table: Some(t), .. } if t == "users"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "cannot render `drop_column` on `users`: column `users.nope` does not exist"
    );
}

#[test]
fn types_a_dialect_lacks_are_errors() {
    let s = schema(SETUP);
    let op = op(r#"
        op = "add_column"
        table = "users"
        column = { name = "tags", type = "text[]", nullable = true }
    "#);
    assert!(render(&op, &s, Dialect::Postgres).is_ok());
    for d in [Dialect::Mysql, Dialect::Sqlite] {
        let err = render(&op, &s, d).unwrap_err();
        assert!(
            matches!(
                err,
                RenderError::Unsupported {
                    op: "add_column",
                    ..
                }
            ),
            "{d}: {err:?}"
        );
        assert!(err.to_string().contains("only on PostgreSQL"), "{err}");
    }
}

#[test]
fn execute_without_text_for_the_dialect_renders_nothing() {
    let op = op(r#"
        op = "execute"
        sql = { postgres = "SELECT 1" }
    "#);
    let s = Schema::default();
    assert_eq!(
        render(&op, &s, Dialect::Postgres).unwrap().statements.len(),
        1
    );
    assert!(
        render(&op, &s, Dialect::Mysql)
            .unwrap()
            .statements
            .is_empty()
    );
}
