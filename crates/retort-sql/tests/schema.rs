//! `render_schema` on each database builds what replaying the operations
//! builds, foreign key cycles included.

mod support;

use retort_core::{Dialect, Schema};
use retort_sql::render_schema;
use retort_testing::TestDb;
use support::{fingerprint, ops, run};

const SCHEMA: &str = r#"
[[ops]]
op = "create_enum"
name = "role"
values = ["admin", "member"]

[[ops]]
op = "create_table"
table = "teams"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "name", type = "varchar(80)", unique = true },
  { name = "owner_id", type = "integer", nullable = true },
]

[[ops]]
op = "create_table"
table = "members"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "team_id", type = "integer" },
  { name = "role", type = "enum(role)", default = "member" },
  { name = "joined", type = "date", nullable = true },
]
foreign_keys = [{ columns = ["team_id"], ref_table = "teams", ref_columns = ["id"], on_delete = "cascade" }]

[[ops]]
op = "create_index"
table = "members"
name = "ix_members_joined"
columns = ["joined"]

[[ops]]
op = "add_foreign_key"
table = "teams"
columns = ["owner_id"]
ref_table = "members"
ref_columns = ["id"]
on_delete = "set_null"
"#;

async fn check(dialect: Dialect) {
    let Some(by_ops) = TestDb::create(dialect, "schema_by_ops").await else {
        return;
    };
    let mut schema = Schema::default();
    for op in ops(SCHEMA) {
        run(&by_ops, &mut schema, &op).await;
    }
    let Some(whole) = TestDb::create(dialect, "schema_whole").await else {
        return;
    };
    let statements = render_schema(&schema, dialect).unwrap();
    // The cycle between teams and members is closed after both exist.
    let text: Vec<&str> = statements.iter().map(|s| s.as_str()).collect();
    let script = text.join(";\n");
    for s in &statements {
        if let Err(e) = whole.execute(s.as_str()).await {
            panic!("{e}\n--- script ---\n{script}");
        }
    }
    assert_eq!(whole.tables().await, ["members", "teams"]);
    assert_eq!(
        fingerprint(&whole).await,
        fingerprint(&by_ops).await,
        "{script}"
    );
    by_ops.drop().await;
    whole.drop().await;
}

#[tokio::test]
async fn postgres() {
    check(Dialect::Postgres).await;
}

#[tokio::test]
async fn mysql() {
    check(Dialect::Mysql).await;
}

#[tokio::test]
async fn sqlite() {
    check(Dialect::Sqlite).await;
}
