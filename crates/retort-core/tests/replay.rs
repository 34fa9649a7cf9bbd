//! Replay tests: every operation applies to a schema, and replaying its
//! reverse gives the schema back.

use retort_core::{Operation, ReplayError, Schema, apply, apply_all, create_schema_ops, reverse};

fn ops(toml_text: &str) -> Vec<Operation> {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        op: Vec<Operation>,
    }
    toml::from_str::<File>(toml_text)
        .unwrap_or_else(|e| panic!("{e}"))
        .op
}

const SETUP: &str = r#"
[[op]]
op = "create_enum"
name = "mood"
values = ["happy", "sad"]

[[op]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "name", type = "varchar(100)", default = "anon", comment = "display name" },
  { name = "mood", type = "enum(mood)", nullable = true },
  { name = "bio", type = "text", nullable = true },
]

[[op]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "user_id", type = "integer" },
  { name = "title", type = "varchar(200)" },
  { name = "score", type = "integer", default = 0 },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"], on_delete = "cascade" }]
checks = [{ name = "ck_posts_score", expr = "score >= 0" }]

[[op]]
op = "create_index"
table = "posts"
name = "ix_posts_title"
columns = ["title"]
"#;

fn setup() -> Schema {
    let mut s = Schema::default();
    apply_all(&mut s, &ops(SETUP)).unwrap();
    s
}

/// Sorts what has no meaningful order, so two schemas compare by content.
fn canonical(mut s: Schema) -> Schema {
    for t in s.tables.values_mut() {
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

/// Applies `op` to the setup schema, checks `expect` on the result, then
/// applies the reverse and checks the schema is back.
fn check(op_toml: &str, expect: impl Fn(&Schema)) {
    let before = setup();
    for op in ops(op_toml) {
        let mut after = before.clone();
        apply(&mut after, &op).unwrap_or_else(|e| panic!("{}: {e}", op.kind()));
        assert_ne!(
            canonical(after.clone()),
            canonical(before.clone()),
            "{} changed nothing",
            op.kind()
        );
        expect(&after);
        let undo = reverse(&op, &before).unwrap();
        let mut back = after.clone();
        apply_all(&mut back, &undo).unwrap_or_else(|e| panic!("reverse of {}: {e}", op.kind()));
        let mut back = canonical(back);
        let before = canonical(before.clone());
        // Re-added columns go to the end of the table; compare them as sets.
        if matches!(op, Operation::DropColumn { .. }) {
            for (t, b) in back.tables.values_mut().zip(before.tables.values()) {
                t.columns
                    .sort_by_key(|c| b.columns.iter().position(|x| x.name == c.name));
            }
        }
        assert_eq!(
            back,
            before,
            "reverse of {} did not restore the schema",
            op.kind()
        );
    }
}

#[test]
fn create_table() {
    check(
        r#"[[op]]
op = "create_table"
table = "tags"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "integer" }]
primary_key = ["a", "b"]
uniques = [{ columns = ["b"] }]
foreign_keys = [{ columns = ["a"], ref_table = "users", ref_columns = ["id"] }]"#,
        |s| {
            let t = s.table("tags").unwrap();
            assert_eq!(t.pk_columns(), ["a", "b"]);
            assert_eq!(t.uniques[0].name, "uq_tags_b");
            assert_eq!(t.foreign_keys[0].name, "fk_tags_a_users");
        },
    );
}

#[test]
fn drop_table() {
    check(
        r#"[[op]]
op = "drop_table"
table = "posts""#,
        |s| assert!(s.table("posts").is_none()),
    );
}

#[test]
fn rename_table_moves_references() {
    check(
        r#"[[op]]
op = "rename_table"
table = "users"
new_name = "people""#,
        |s| {
            assert!(s.table("users").is_none());
            assert_eq!(
                s.table("posts").unwrap().foreign_keys[0].ref_table,
                "people"
            );
        },
    );
}

#[test]
fn add_column() {
    check(
        r#"[[op]]
op = "add_column"
table = "users"
column = { name = "age", type = "smallint", nullable = true, unique = true }"#,
        |s| {
            let t = s.table("users").unwrap();
            assert!(t.column("age").unwrap().nullable);
            assert!(t.is_single_unique("age"));
        },
    );
}

#[test]
fn drop_column_takes_its_index_and_key() {
    check(
        r#"[[op]]
op = "drop_column"
table = "posts"
column = "title""#,
        |s| {
            let t = s.table("posts").unwrap();
            assert!(t.column("title").is_none());
            assert!(t.indexes.is_empty());
        },
    );
    check(
        r#"[[op]]
op = "drop_column"
table = "posts"
column = "user_id""#,
        |s| assert!(s.table("posts").unwrap().foreign_keys.is_empty()),
    );
    check(
        r#"[[op]]
op = "drop_column"
table = "users"
column = "email""#,
        |s| assert!(s.table("users").unwrap().uniques.is_empty()),
    );
}

#[test]
fn alter_column_every_attribute() {
    check(
        r#"[[op]]
op = "alter_column"
table = "users"
column = "name"
type = "varchar(200)"
nullable = true
drop_default = true
drop_comment = true"#,
        |s| {
            let c = s.table("users").unwrap().column("name").unwrap();
            assert_eq!(c.ty.to_string(), "varchar(200)");
            assert!(c.nullable && c.default.is_none() && c.comment.is_none());
        },
    );
    check(
        r#"[[op]]
op = "alter_column"
table = "users"
column = "bio"
default_expr = "'x'"
comment = "about"
nullable = false"#,
        |s| {
            let c = s.table("users").unwrap().column("bio").unwrap();
            assert!(!c.nullable && c.default.is_some());
        },
    );
}

#[test]
fn rename_column_follows_keys_and_references() {
    check(
        r#"[[op]]
op = "alter_column"
table = "users"
column = "id"
new_name = "user_id""#,
        |s| {
            assert_eq!(s.table("users").unwrap().pk_columns(), ["user_id"]);
            assert_eq!(
                s.table("posts").unwrap().foreign_keys[0].ref_columns,
                ["user_id"]
            );
        },
    );
}

#[test]
fn indexes() {
    check(
        r#"[[op]]
op = "create_index"
table = "users"
name = "ix_users_name_bio"
columns = ["name", "bio"]
unique = true"#,
        |s| {
            assert_eq!(
                s.table("users").unwrap().indexes[0].columns,
                ["name", "bio"]
            )
        },
    );
    check(
        r#"[[op]]
op = "drop_index"
table = "posts"
name = "ix_posts_title""#,
        |s| assert!(s.table("posts").unwrap().indexes.is_empty()),
    );
}

#[test]
fn unique_constraints() {
    check(
        r#"[[op]]
op = "create_unique"
table = "posts"
columns = ["user_id", "title"]"#,
        |s| {
            assert_eq!(
                s.table("posts").unwrap().uniques[0].name,
                "uq_posts_user_id_title"
            )
        },
    );
    check(
        r#"[[op]]
op = "drop_unique"
table = "users"
name = "uq_users_email""#,
        |s| assert!(s.table("users").unwrap().uniques.is_empty()),
    );
}

#[test]
fn foreign_keys() {
    check(
        r#"[[op]]
op = "add_foreign_key"
table = "users"
name = "fk_self"
columns = ["id"]
ref_table = "users"
ref_columns = ["id"]
on_update = "SET NULL""#,
        |s| assert_eq!(s.table("users").unwrap().foreign_keys.len(), 1),
    );
    check(
        r#"[[op]]
op = "drop_foreign_key"
table = "posts"
name = "fk_posts_user_id_users""#,
        |s| assert!(s.table("posts").unwrap().foreign_keys.is_empty()),
    );
}

#[test]
fn check_constraints() {
    check(
        r#"[[op]]
op = "add_check"
table = "users"
name = "ck_users_name"
expr = "length(name) > 0""#,
        |s| assert_eq!(s.table("users").unwrap().checks.len(), 1),
    );
    check(
        r#"[[op]]
op = "drop_check"
table = "posts"
name = "ck_posts_score""#,
        |s| assert!(s.table("posts").unwrap().checks.is_empty()),
    );
}

#[test]
fn enums() {
    check(
        r#"[[op]]
op = "create_enum"
name = "color"
values = ["red"]"#,
        |s| assert!(s.enums.contains_key("color")),
    );
    check(
        r#"[[op]]
op = "alter_enum"
name = "mood"
values = ["happy", "sad", "meh"]"#,
        |s| assert_eq!(s.enums["mood"].values.len(), 3),
    );
}

#[test]
fn drop_enum_in_use_is_refused_and_free_enum_reverses() {
    let mut s = setup();
    let err = apply(
        &mut s,
        &Operation::DropEnum {
            name: "mood".into(),
        },
    )
    .unwrap_err();
    assert!(matches!(err, ReplayError::EnumInUse { .. }), "{err}");
    assert_eq!(s, setup(), "a failed apply changed the schema");
    check(
        r#"[[op]]
op = "drop_column"
table = "users"
column = "mood"
"#,
        |_| {},
    );
}

#[test]
fn data_operations_have_no_automatic_reverse() {
    for op in ops(r#"[[op]]
op = "execute"
sql = "UPDATE users SET bio = 'x'"
[[op]]
op = "execute"
sql = { postgres = "SELECT 1", default = "SELECT 2" }
[[op]]
op = "bulk_insert"
table = "users"
rows = [{ email = "a@b", name = "a" }]
[[op]]
op = "irreversible"
reason = "data is gone""#)
    {
        let mut s = setup();
        apply(&mut s, &op).unwrap();
        assert_eq!(s, setup(), "{} changed the schema", op.kind());
        assert!(
            matches!(reverse(&op, &s), Err(ReplayError::Irreversible { .. })),
            "{}",
            op.kind()
        );
    }
}

#[test]
fn invalid_operations_are_errors_and_change_nothing() {
    let cases = [
        (
            r#"op = "drop_table"
table = "nope""#,
            "table `nope` does not exist",
        ),
        (
            r#"op = "drop_table"
table = "users""#,
            "still referenced",
        ),
        (
            r#"op = "add_column"
table = "users"
column = { name = "email", type = "text" }"#,
            "already exists",
        ),
        (
            r#"op = "alter_column"
table = "users"
column = "id"
nullable = true"#,
            "primary key",
        ),
        (
            r#"op = "create_index"
table = "users"
name = "ix_posts_title"
columns = ["name"]"#,
            "already exists",
        ),
        (
            r#"op = "create_table"
table = "t"
columns = [{ name = "a", type = "enum(nope)" }]"#,
            "enum type `nope`",
        ),
        (
            r#"op = "add_foreign_key"
table = "posts"
columns = ["user_id"]
ref_table = "users"
ref_columns = ["nope"]"#,
            "users.nope",
        ),
        (
            r#"op = "add_column"
table = "users"
column = { name = "x", type = "text", autoincrement = true }"#,
            "not an integer",
        ),
    ];
    for (body, needle) in cases {
        let op = ops(&format!("[[op]]\n{body}")).remove(0);
        let mut s = setup();
        let err = apply(&mut s, &op).unwrap_err().to_string();
        assert!(err.contains(needle), "{body}\n=> {err}");
        assert_eq!(s, setup(), "failed {} changed the schema", op.kind());
    }
}

#[test]
fn unknown_fields_and_ops_are_rejected() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct File {
        op: Vec<Operation>,
    }
    for bad in [
        "[[op]]\nop = \"drop_table\"\ntable = \"x\"\ncolour = 1",
        "[[op]]\nop = \"drop_tables\"\ntable = \"x\"",
        "[[op]]\nop = \"add_column\"\ntable = \"x\"\ncolumn = { name = \"a\", type = \"text\", nullabel = true }",
        "[[op]]\nop = \"add_column\"\ntable = \"x\"\ncolumn = { name = \"a\", type = \"txt\" }",
    ] {
        assert!(toml::from_str::<File>(bad).is_err(), "accepted: {bad}");
    }
}

#[test]
fn serde_round_trip_of_every_setup_op() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct File {
        op: Vec<Operation>,
    }
    let original = ops(SETUP);
    let text = toml::to_string(&File {
        op: original.clone(),
    })
    .unwrap();
    let back: File = toml::from_str(&text).unwrap();
    assert_eq!(back.op, original);
}

#[test]
fn create_schema_ops_rebuilds_the_schema_with_cycles() {
    let mut s = setup();
    // A foreign key cycle: users -> posts -> users.
    apply_all(
        &mut s,
        &ops(r#"[[op]]
op = "add_column"
table = "users"
column = { name = "pinned_post", type = "bigint", nullable = true }
[[op]]
op = "add_foreign_key"
table = "users"
columns = ["pinned_post"]
ref_table = "posts"
ref_columns = ["id"]"#),
    )
    .unwrap();
    let mut rebuilt = Schema::default();
    apply_all(&mut rebuilt, &create_schema_ops(&s)).unwrap();
    assert_eq!(canonical(rebuilt), canonical(s));
}
