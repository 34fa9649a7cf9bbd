//! Autogenerate conformance on real PostgreSQL, MariaDB and SQLite
//! databases. Each case builds schema A through a revision, reads the
//! catalog, diffs it against the models B, checks the kinds of change found,
//! writes and applies the revision, checks that nothing differs any more,
//! downgrades one step and checks that the catalog reads back as A.

mod common;

use common::{Project, schema};
use retort_core::Dialect;
use retort_diff::{ChangeKind as K, ColumnRename};
use retort_testing::test_db;

async fn conform(d: Dialect, label: &str, a: &str, b: &str, want: &[K]) {
    let db = test_db!(d, label);
    let (a, b) = (schema(a), schema(b));
    let mut p = Project::at(&db, d, &a).await;
    let left = p.check(&a).await;
    assert!(left.is_empty(), "{d}: A does not read back as A: {left:?}");
    let diff = p.autogenerate(&b, &[]).await;
    let mut got: Vec<K> = diff.changes.iter().map(|c| c.kind).collect();
    got.sort();
    let mut want = want.to_vec();
    want.sort();
    assert_eq!(got, want, "{d}: {:#?}", diff.changes);
    if !diff.is_empty() {
        p.migrate("head", true).await;
    }
    let left = p.check(&b).await;
    assert!(
        left.is_empty(),
        "{d}: after upgrade head, check finds {left:?}"
    );
    if !diff.is_empty() {
        p.migrate("-1", false).await;
    }
    let left = p.check(&a).await;
    assert!(
        left.is_empty(),
        "{d}: after downgrade -1, the catalog is not A: {left:?}"
    );
    db.drop().await;
}

/// `case!(name, A, B, [kinds])` runs on every dialect;
/// `case!(name, A, B, pg: [..], mysql: [..], sqlite: [..])` sets the kinds
/// per dialect (`None` skips a dialect that lacks the feature).
macro_rules! case {
    ($name:ident, $a:expr, $b:expr, [$($k:expr),* $(,)?]) => {
        case!($name, $a, $b, pg: Some(&[$($k),*]), mysql: Some(&[$($k),*]), sqlite: Some(&[$($k),*]));
    };
    ($name:ident, $a:expr, $b:expr, pg: $pg:expr, mysql: $my:expr, sqlite: $lite:expr) => {
        mod $name {
            use super::*;
            async fn run(d: Dialect, want: Option<&[K]>) {
                if let Some(want) = want {
                    conform(d, stringify!($name), &$a, &$b, want).await;
                }
            }
            #[tokio::test]
            async fn postgres() {
                run(Dialect::Postgres, $pg).await;
            }
            #[tokio::test]
            async fn mysql() {
                run(Dialect::Mysql, $my).await;
            }
            #[tokio::test]
            async fn sqlite() {
                run(Dialect::Sqlite, $lite).await;
            }
        }
    };
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

const POSTS: &str = r#"
[[op]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "user_id", type = "integer" },
  { name = "title", type = "varchar(200)" },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"], on_delete = "cascade" }]
"#;

fn users(replace: &[(&str, &str)]) -> String {
    let mut s = USERS.to_owned();
    for (from, to) in replace {
        assert!(s.contains(from), "{from}");
        s = s.replace(from, to);
    }
    s
}

fn both(users: &str, posts: &str) -> String {
    format!("{users}{posts}")
}

fn with_column(col: &str) -> String {
    users(&[(
        "nullable = true },\n",
        &format!("nullable = true }},\n  {col},\n"),
    )])
}

case!(add_table, USERS, both(USERS, POSTS), [K::AddTable]);
case!(drop_table, both(USERS, POSTS), USERS, [K::DropTable]);
case!(
    add_column,
    USERS,
    with_column(r#"{ name = "age", type = "integer", nullable = true }"#),
    [K::AddColumn]
);
case!(
    drop_column,
    with_column(r#"{ name = "age", type = "integer", nullable = true }"#),
    USERS,
    [K::DropColumn]
);
case!(
    nullable_change,
    USERS,
    users(&[("\"text\", nullable = true", "\"text\"")]),
    [K::AlterNullable]
);
case!(
    varchar_length_change,
    USERS,
    users(&[("varchar(30)", "varchar(40)")]),
    [K::AlterType]
);
// SeaORM's `String` without a length is `varchar`: MySQL stores it as
// varchar(255), so only there is varchar(255) the same.
case!(
    varchar_without_length,
    users(&[("varchar(30)", "varchar(255)")]),
    users(&[("varchar(30)", "varchar")]),
    pg: Some(&[K::AlterType]),
    mysql: Some(&[]),
    sqlite: Some(&[K::AlterType])
);
case!(
    text_vs_varchar,
    USERS,
    users(&[("varchar(30)", "text")]),
    [K::AlterType]
);
// SQLite stores every integer as `integer`.
case!(
    integer_vs_bigint,
    with_column(r#"{ name = "n", type = "integer" }"#),
    with_column(r#"{ name = "n", type = "bigint" }"#),
    pg: Some(&[K::AlterType]),
    mysql: Some(&[K::AlterType]),
    sqlite: Some(&[])
);
case!(
    default_added,
    USERS,
    users(&[("\"varchar(30)\"", "\"varchar(30)\", default = \"anon\"")]),
    [K::AlterDefault]
);
case!(
    default_changed,
    users(&[("\"varchar(30)\"", "\"varchar(30)\", default = \"anon\"")]),
    users(&[("\"varchar(30)\"", "\"varchar(30)\", default = \"someone\"")]),
    [K::AlterDefault]
);
case!(
    default_removed,
    users(&[("\"varchar(30)\"", "\"varchar(30)\", default = \"anon\"")]),
    USERS,
    [K::AlterDefault]
);
const DEFAULTS: &str = r#"
[[op]]
op = "create_table"
table = "d"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "quote", type = "varchar(20)", default = "it's" },
  { name = "flag", type = "boolean", default = true },
  { name = "n", type = "integer", default = 0 },
  { name = "at", type = "timestamp", default_expr = "CURRENT_TIMESTAMP" },
]
"#;
case!(defaults_give_no_false_change, DEFAULTS, DEFAULTS, []);
case!(
    unique_column_vs_unique_index,
    users(&[("\"varchar(255)\", unique = true", "\"varchar(255)\"")])
        + "[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_email\"\ncolumns = [\"email\"]\nunique = true\n",
    USERS,
    []
);
fn name_bio_index(cols: &str) -> String {
    format!(
        "{USERS}[[op]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_name_bio\"\ncolumns = {cols}\n"
    )
}
// MySQL cannot index a whole `text` column; the index is on (name, email) there.
case!(
    index_column_order,
    name_bio_index(r#"["name", "email"]"#),
    name_bio_index(r#"["email", "name"]"#),
    [K::DropIndex, K::AddIndex]
);
case!(
    foreign_key_on_delete,
    both(USERS, POSTS),
    both(
        USERS,
        &POSTS.replace("cascade", "set_null").replace(
            "{ name = \"user_id\", type = \"integer\" }",
            "{ name = \"user_id\", type = \"integer\", nullable = true }"
        )
    ),
    [K::AlterForeignKey, K::AlterNullable]
);
case!(
    no_action_is_no_action_given,
    both(
        USERS,
        &POSTS.replace("on_delete = \"cascade\"", "on_delete = \"no_action\"")
    ),
    both(USERS, &POSTS.replace(", on_delete = \"cascade\"", "")),
    []
);
fn pair_table(pk: &str) -> String {
    format!(
        r#"
[[op]]
op = "create_table"
table = "pair"
columns = [{{ name = "a", type = "integer" }}, {{ name = "b", type = "integer" }}, {{ name = "c", type = "varchar(10)" }}]
primary_key = {pk}
"#
    )
}
case!(
    composite_primary_key,
    pair_table(r#"["a"]"#),
    pair_table(r#"["a", "b"]"#),
    [K::AlterPrimaryKey]
);
case!(
    composite_primary_key_order,
    pair_table(r#"["a", "b"]"#),
    pair_table(r#"["b", "a"]"#),
    [K::AlterPrimaryKey]
);
const NODES: &str = r#"
[[op]]
op = "create_table"
table = "nodes"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "parent_id", type = "integer", nullable = true }]
"#;
case!(
    self_reference,
    NODES,
    NODES.replace(
        "nullable = true }]\n",
        "nullable = true }]\nforeign_keys = [{ columns = [\"parent_id\"], ref_table = \"nodes\", ref_columns = [\"id\"] }]\n"
    ),
    [K::AddForeignKey]
);
case!(
    self_reference_new_table,
    "",
    NODES.replace(
        "nullable = true }]\n",
        "nullable = true }]\nforeign_keys = [{ columns = [\"parent_id\"], ref_table = \"nodes\", ref_columns = [\"id\"], on_delete = \"cascade\" }]\n"
    ),
    [K::AddTable]
);
const CYCLE: &str = r#"
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
case!(
    two_tables_referencing_each_other,
    "",
    CYCLE,
    [K::AddTable, K::AddTable]
);
case!(
    two_tables_referencing_each_other_dropped,
    CYCLE,
    USERS,
    [K::DropTable, K::DropTable, K::AddTable]
);
fn status(values: &str, column: bool) -> String {
    let col = if column {
        r#", { name = "s", type = "enum(status)", nullable = true }"#
    } else {
        ""
    };
    format!(
        r#"
[[op]]
op = "create_enum"
name = "status"
values = {values}
[[op]]
op = "create_table"
table = "t"
columns = [{{ name = "id", type = "integer", primary_key = true }}{col}]
"#
    )
}
// MySQL's enums live in the column (one type per column, named after it);
// SQLite has none.
case!(
    enum_created,
    r#"
[[op]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "integer", primary_key = true }]
"#,
    status(r#"["draft", "published"]"#, true),
    pg: Some(&[K::AddEnum, K::AddColumn]),
    mysql: Some(&[K::AddEnum, K::AddColumn]),
    sqlite: None
);
case!(
    enum_value_added,
    status(r#"["draft", "published"]"#, true),
    status(r#"["draft", "published", "archived"]"#, true),
    pg: Some(&[K::AddEnumValue]),
    mysql: Some(&[K::AddEnumValue]),
    sqlite: None
);

async fn rename_keeps_data(d: Dialect) {
    let db = test_db!(d, "rename_data");
    let a = schema(USERS);
    let b = schema(&users(&[("\"name\"", "\"full_name\"")]));
    let mut p = Project::at(&db, d, &a).await;
    db.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'Ada')")
        .await
        .unwrap();
    let unanswered = p.plan(&b, &[]).await;
    let mut kinds: Vec<K> = unanswered.changes.iter().map(|c| c.kind).collect();
    kinds.sort();
    assert_eq!(kinds, [K::AddColumn, K::DropColumn]);
    assert!(
        unanswered
            .warnings
            .iter()
            .any(|w| w.contains("--rename users.name=full_name")),
        "{:?}",
        unanswered.warnings
    );
    let diff = p
        .autogenerate(&b, &[ColumnRename::new("users", "name", "full_name")])
        .await;
    let kinds: Vec<K> = diff.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [K::RenameColumn]);
    p.migrate("head", true).await;
    assert!(p.check(&b).await.is_empty());
    let rows = db.query_strings("SELECT full_name FROM users").await;
    assert_eq!(rows, [[Some("Ada".to_owned())]]);
    p.migrate("-1", false).await;
    assert!(p.check(&a).await.is_empty());
    let rows = db.query_strings("SELECT name FROM users").await;
    assert_eq!(rows, [[Some("Ada".to_owned())]]);
    db.drop().await;
}

#[tokio::test]
async fn rename_keeps_data_postgres() {
    rename_keeps_data(Dialect::Postgres).await;
}

#[tokio::test]
async fn rename_keeps_data_mysql() {
    rename_keeps_data(Dialect::Mysql).await;
}

#[tokio::test]
async fn rename_keeps_data_sqlite() {
    rename_keeps_data(Dialect::Sqlite).await;
}
