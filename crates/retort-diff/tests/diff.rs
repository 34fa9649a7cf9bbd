//! Data-driven diff tests: schema A and schema B written as operations, the
//! change kinds expected, and a replay of both directions (`verify`).

use retort_core::{Operation, Schema, apply_all};
use retort_diff::{
    ChangeKind as K, ColumnRename, DiffOptions, TableRename, diff, rename_candidates,
    table_rename_candidates, verify,
};

#[derive(serde::Deserialize)]
struct Ops {
    #[serde(default)]
    op: Vec<Operation>,
}

fn schema(toml_text: &str) -> Schema {
    let ops: Ops = toml::from_str(toml_text).unwrap_or_else(|e| panic!("{e}\n{toml_text}"));
    let mut s = Schema::default();
    apply_all(&mut s, &ops.op).unwrap();
    s
}

fn check_with(a: &str, b: &str, options: &DiffOptions, kinds: &[K]) -> retort_diff::Diff {
    let (a, b) = (schema(a), schema(b));
    let d = diff(&a, &b, options);
    let got: Vec<K> = d.changes.iter().map(|c| c.kind).collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut want = kinds.to_vec();
    want.sort();
    assert_eq!(got_sorted, want, "changes: {:#?}", d.changes);
    verify(&a, &b, &d, options).unwrap_or_else(|e| panic!("{e}\n{d:#?}"));
    if kinds.is_empty() {
        assert!(d.upgrade.is_empty() && d.downgrade.is_empty(), "{d:#?}");
    }
    d
}

fn check(a: &str, b: &str, kinds: &[K]) -> retort_diff::Diff {
    check_with(a, b, &DiffOptions::default(), kinds)
}

const USERS: &str = r#"
[[op]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "name", type = "varchar(30)" },
  { name = "bio", type = "text", nullable = true },
]
"#;

fn users_with(replace: &[(&str, &str)]) -> String {
    let mut s = USERS.to_owned();
    for (from, to) in replace {
        assert!(s.contains(from), "{from}");
        s = s.replace(from, to);
    }
    s
}

#[test]
fn same_schema_is_no_change() {
    check(USERS, USERS, &[]);
}

#[test]
fn add_and_drop_table() {
    let d = check("", USERS, &[K::AddTable]);
    assert_eq!(d.changes[0].to_string(), "added table `users`");
    let d = check(USERS, "", &[K::DropTable]);
    assert_eq!(
        d.changes[0].to_string(),
        "removed table `users` [destructive]"
    );
}

#[test]
fn add_and_drop_column() {
    let b = users_with(&[(
        "nullable = true },\n",
        "nullable = true },\n  { name = \"age\", type = \"integer\", nullable = true },\n",
    )]);
    check(USERS, &b, &[K::AddColumn]);
    let d = check(&b, USERS, &[K::DropColumn]);
    assert!(d.changes[0].destructive);
}

#[test]
fn column_changes() {
    let d = check(
        USERS,
        &users_with(&[(
            "\"bio\", type = \"text\", nullable = true",
            "\"bio\", type = \"text\"",
        )]),
        &[K::AlterNullable],
    );
    assert_eq!(
        d.changes[0].description,
        "nullable changed on `users.bio` (NULL -> NOT NULL)"
    );
    let d = check(
        USERS,
        &users_with(&[("varchar(30)", "varchar(40)")]),
        &[K::AlterType],
    );
    assert!(!d.changes[0].destructive);
    let d = check(
        &users_with(&[("varchar(30)", "varchar(40)")]),
        USERS,
        &[K::AlterType],
    );
    assert!(d.changes[0].destructive, "narrowing is destructive");
    check(
        USERS,
        &users_with(&[("varchar(30)", "text")]),
        &[K::AlterType],
    );
    check(
        USERS,
        &users_with(&[("\"id\", type = \"integer\"", "\"id\", type = \"bigint\"")]),
        &[K::AlterType],
    );
    let with_default = users_with(&[("varchar(30)\"", "varchar(30)\", default = \"anon\"")]);
    check(USERS, &with_default, &[K::AlterDefault]);
    check(&with_default, USERS, &[K::AlterDefault]);
    check(
        &with_default,
        &users_with(&[("varchar(30)\"", "varchar(30)\", default = \"someone\"")]),
        &[K::AlterDefault],
    );
    check(
        USERS,
        &users_with(&[(
            "\"bio\", type = \"text\"",
            "\"bio\", type = \"text\", comment = \"about\"",
        )]),
        &[K::AlterComment],
    );
    check_with(
        USERS,
        &users_with(&[(
            "\"bio\", type = \"text\"",
            "\"bio\", type = \"text\", comment = \"about\"",
        )]),
        &DiffOptions::for_dialect(Some(retort_core::Dialect::Sqlite)),
        &[],
    );
}

#[test]
fn expression_defaults_compare_loosely() {
    let a = users_with(&[(
        "\"bio\", type = \"text\", nullable = true",
        "\"at\", type = \"timestamp\", default_expr = \"CURRENT_TIMESTAMP\"",
    )]);
    let b = users_with(&[(
        "\"bio\", type = \"text\", nullable = true",
        "\"at\", type = \"timestamp\", default_expr = \"(current_timestamp)\"",
    )]);
    check(&a, &b, &[]);
}

#[test]
fn unique_column_constraint_and_index_do_not_flap() {
    let as_index = users_with(&[("\"varchar(255)\", unique = true", "\"varchar(255)\"")])
        + "[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_email\"\ncolumns = [\"email\"]\nunique = true\n";
    check(USERS, &as_index, &[]);
    check(&as_index, USERS, &[]);
    let as_constraint = users_with(&[("\"varchar(255)\", unique = true", "\"varchar(255)\"")])
        + "[[op]]\nop = \"create_unique\"\ntable = \"users\"\nname = \"email_is_unique\"\ncolumns = [\"email\"]\n";
    check(USERS, &as_constraint, &[]);
    // A plain index is not a unique one.
    let plain = users_with(&[("\"varchar(255)\", unique = true", "\"varchar(255)\"")])
        + "[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_email\"\ncolumns = [\"email\"]\n";
    check(USERS, &plain, &[K::DropUnique, K::AddIndex]);
}

#[test]
fn index_column_order_is_compared() {
    let idx = |cols: &str| {
        format!(
            "{USERS}[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_name_bio\"\ncolumns = {cols}\n"
        )
    };
    check(&idx(r#"["name", "bio"]"#), &idx(r#"["name", "bio"]"#), &[]);
    check(
        &idx(r#"["name", "bio"]"#),
        &idx(r#"["bio", "name"]"#),
        &[K::DropIndex, K::AddIndex],
    );
}

const POSTS: &str = r#"
[[op]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "user_id", type = "integer" },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"], on_delete = "cascade" }]
"#;

#[test]
fn parents_created_first_and_dropped_last() {
    let both = format!("{USERS}{POSTS}");
    let d = check("", &both, &[K::AddTable, K::AddTable]);
    let tables: Vec<_> = d.upgrade.iter().filter_map(|o| o.table()).collect();
    assert_eq!(tables, ["users", "posts"]);
    let down: Vec<_> = d.downgrade.iter().filter_map(|o| o.table()).collect();
    assert_eq!(down, ["posts", "users"]);
}

#[test]
fn foreign_key_actions() {
    let a = format!("{USERS}{POSTS}");
    let b = a.replace("on_delete = \"cascade\"", "on_delete = \"set_null\"");
    let d = check(&a, &b, &[K::AlterForeignKey]);
    assert!(
        d.changes[0].description.contains("ON DELETE cascade"),
        "{}",
        d.changes[0]
    );
    let none = a.replace(", on_delete = \"cascade\"", "");
    let no_action = a.replace("on_delete = \"cascade\"", "on_delete = \"no_action\"");
    check(&none, &no_action, &[]);
    check(&none, &a, &[K::AlterForeignKey]);
    let no_fk = a.replace(
        "foreign_keys = [{ columns = [\"user_id\"], ref_table = \"users\", ref_columns = [\"id\"], on_delete = \"cascade\" }]",
        "",
    );
    check(&no_fk, &a, &[K::AddForeignKey]);
    check(&a, &no_fk, &[K::DropForeignKey]);
}

#[test]
fn composite_primary_key_change() {
    let t = |pk: &str| {
        format!(
            r#"
[[op]]
op = "create_table"
table = "pt"
columns = [{{ name = "a", type = "integer" }}, {{ name = "b", type = "integer" }}, {{ name = "c", type = "integer", nullable = true }}]
primary_key = {pk}
"#
        )
    };
    check(&t(r#"["a", "b"]"#), &t(r#"["a", "b"]"#), &[]);
    check(
        &t(r#"["a", "b"]"#),
        &t(r#"["b", "a"]"#),
        &[K::AlterPrimaryKey],
    );
    check(&t(r#"["a"]"#), &t(r#"["a", "b"]"#), &[K::AlterPrimaryKey]);
}

#[test]
fn self_reference_and_cycles() {
    let selfref = r#"
[[op]]
op = "create_table"
table = "nodes"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "parent_id", type = "integer", nullable = true }]
foreign_keys = [{ columns = ["parent_id"], ref_table = "nodes", ref_columns = ["id"] }]
"#;
    check("", selfref, &[K::AddTable]);
    check(selfref, "", &[K::DropTable]);
    let cycle = r#"
[[op]]
op = "create_table"
table = "a"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "b_id", type = "integer", nullable = true }]
[[op]]
op = "create_table"
table = "b"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "a_id", type = "integer", nullable = true }]
foreign_keys = [{ columns = ["a_id"], ref_table = "a", ref_columns = ["id"] }]
[[op]]
op = "add_foreign_key"
table = "a"
columns = ["b_id"]
ref_table = "b"
ref_columns = ["id"]
"#;
    let d = check("", cycle, &[K::AddTable, K::AddTable]);
    assert_eq!(d.upgrade.last().unwrap().kind(), "add_foreign_key");
    check(cycle, "", &[K::DropTable, K::DropTable]);
}

/// sakila's shape: store <-> staff, both referencing address. The planner
/// used to spin forever on the drop of such a set.
#[test]
fn a_cycle_beside_a_shared_parent() {
    let sakila = r#"
[[op]]
op = "create_table"
table = "address"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[op]]
op = "create_table"
table = "staff"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "address_id", type = "integer" }, { name = "store_id", type = "integer", nullable = true }]
foreign_keys = [{ columns = ["address_id"], ref_table = "address", ref_columns = ["id"] }]
[[op]]
op = "create_table"
table = "store"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "address_id", type = "integer" }, { name = "manager_id", type = "integer" }]
foreign_keys = [
  { columns = ["address_id"], ref_table = "address", ref_columns = ["id"] },
  { columns = ["manager_id"], ref_table = "staff", ref_columns = ["id"] },
]
[[op]]
op = "add_foreign_key"
table = "staff"
columns = ["store_id"]
ref_table = "store"
ref_columns = ["id"]
"#;
    let kinds = [K::AddTable, K::AddTable, K::AddTable];
    let d = check("", sakila, &kinds);
    let shown: Vec<String> = d
        .upgrade
        .iter()
        .map(|o| format!("{} {}", o.kind(), o.table().unwrap_or_default()))
        .collect();
    assert_eq!(
        shown,
        [
            "create_table address",
            "create_table store",
            "create_table staff",
            "add_foreign_key store"
        ]
    );
    let kinds = [K::DropTable, K::DropTable, K::DropTable];
    let d = check(sakila, "", &kinds);
    let shown: Vec<String> = d
        .upgrade
        .iter()
        .map(|o| format!("{} {}", o.kind(), o.table().unwrap_or_default()))
        .collect();
    assert_eq!(
        shown,
        [
            "drop_foreign_key store",
            "drop_table staff",
            "drop_table store",
            "drop_table address"
        ]
    );
}

#[test]
fn enums() {
    let e = |values: &str| {
        format!(
            r#"
[[op]]
op = "create_enum"
name = "status"
values = {values}
[[op]]
op = "create_table"
table = "t"
columns = [{{ name = "id", type = "integer", primary_key = true }}, {{ name = "s", type = "enum(status)" }}]
"#
        )
    };
    check("", &e(r#"["a", "b"]"#), &[K::AddEnum, K::AddTable]);
    check(&e(r#"["a", "b"]"#), "", &[K::DropEnum, K::DropTable]);
    let d = check(
        &e(r#"["a", "b"]"#),
        &e(r#"["a", "b", "c"]"#),
        &[K::AddEnumValue],
    );
    assert_eq!(
        d.changes[0].description,
        "added value `c` to enum type `status`"
    );
    let d = check(
        &e(r#"["a", "b", "c"]"#),
        &e(r#"["a", "c"]"#),
        &[K::AlterEnum],
    );
    assert!(d.changes[0].destructive);
}

#[test]
fn renames() {
    let b = users_with(&[("\"name\"", "\"full_name\"")]);
    let (sa, sb) = (schema(USERS), schema(&b));
    let candidates = rename_candidates(&sa, &sb, &DiffOptions::default());
    assert_eq!(
        candidates,
        [ColumnRename::new("users", "name", "full_name")]
    );
    let d = check(USERS, &b, &[K::DropColumn, K::AddColumn]);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("--rename users.name=full_name")),
        "{:?}",
        d.warnings
    );
    let options = DiffOptions::default().renames([ColumnRename::new("users", "name", "full_name")]);
    let d = check_with(USERS, &b, &options, &[K::RenameColumn]);
    assert_eq!(
        d.changes[0].description,
        "renamed column `users.name` to `users.full_name`"
    );
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(rename_candidates(&sa, &sb, &options).is_empty());
}

#[test]
fn table_renames() {
    // `users` becomes `accounts`, its `name` becomes `full_name`, and the
    // foreign key of `posts` follows it.
    let a = format!("{USERS}{POSTS}");
    let b = format!("{USERS}{POSTS}")
        .replace("table = \"users\"", "table = \"accounts\"")
        .replace("ref_table = \"users\"", "ref_table = \"accounts\"");
    let (sa, sb) = (schema(&a), schema(&b));
    assert_eq!(
        table_rename_candidates(&sa, &sb, &DiffOptions::default()),
        [TableRename::new("users", "accounts")]
    );
    let d = check(&a, &b, &[K::DropTable, K::AddTable, K::AddForeignKey]);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("--rename users=accounts")),
        "{:?}",
        d.warnings
    );
    let options = DiffOptions::default().table_renames([TableRename::new("users", "accounts")]);
    let d = check_with(&a, &b, &options, &[K::RenameTable]);
    assert_eq!(
        d.changes[0].description,
        "renamed table `users` to `accounts`"
    );
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(table_rename_candidates(&sa, &sb, &options).is_empty());

    // With a column rename in the renamed table, named by its new name;
    // the downgrade renames the column back before the table.
    let b2 = b.replace("\"name\"", "\"full_name\"");
    let options = options.renames([ColumnRename::new("accounts", "name", "full_name")]);
    let d = check_with(&a, &b2, &options, &[K::RenameTable, K::RenameColumn]);
    assert_eq!(
        d.changes[1].description,
        "renamed column `accounts.name` to `accounts.full_name`"
    );

    // Different columns: not a candidate.
    let b3 = b.replace(
        "{ name = \"bio\", type = \"text\", nullable = true },\n",
        "",
    );
    assert!(table_rename_candidates(&sa, &schema(&b3), &DiffOptions::default()).is_empty());
}

#[test]
fn dropping_an_indexed_column_and_a_referenced_table() {
    let a = format!(
        "{USERS}{POSTS}[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_name\"\ncolumns = [\"name\"]\n"
    );
    let b = USERS.replace("  { name = \"name\", type = \"varchar(30)\" },\n", "");
    check(&a, &b, &[K::DropColumn, K::DropTable]);
}
