//! Foreign key actions the models state are written out: a model's
//! `NoAction` compares as no action given, but the revision says
//! `on_delete = "no_action"`, so MariaDB reports `NO ACTION` (it reports
//! `RESTRICT` for a key written without an action) and `sea-orm-cli generate
//! entity` reads back what the models say. Both paths: a key created with
//! its table, and a key added to a table that exists.

mod common;

use common::{Project, schema};
use retort_core::Dialect;
use retort_testing::test_db;

const PARENT: &str = r#"
[[op]]
op = "create_table"
table = "parent"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[op]]
op = "create_table"
table = "child"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "parent_id", type = "integer" }, { name = "other_id", type = "integer", nullable = true }]
"#;

const KEYS: &str = r#"
[[op]]
op = "add_foreign_key"
table = "child"
columns = ["parent_id"]
ref_table = "parent"
ref_columns = ["id"]
on_delete = "no_action"
on_update = "no_action"
[[op]]
op = "add_foreign_key"
table = "child"
columns = ["other_id"]
ref_table = "child"
ref_columns = ["id"]
on_delete = "restrict"
"#;

async fn rules(dialect: Dialect, label: &str, a: &str) {
    let db = test_db!(dialect, label);
    let mut p = Project::at(&db, dialect, &schema(a)).await;
    let models = schema(&format!("{PARENT}{KEYS}"));
    let diff = p.autogenerate(&models, &[]).await;
    let text = format!("{diff:?}");
    assert!(text.contains("NoAction"), "{text}");
    p.migrate("head", true).await;
    assert!(p.check(&models).await.is_empty());
    let sql = match dialect {
        Dialect::Mysql => {
            "SELECT CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY CONSTRAINT_NAME"
        }
        _ => {
            "SELECT conname::text, confdeltype::text, confupdtype::text FROM pg_constraint \
             WHERE contype = 'f' ORDER BY conname"
        }
    };
    let got: Vec<Vec<String>> = db
        .query_strings(sql)
        .await
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect();
    let want: &[[&str; 3]] = match dialect {
        Dialect::Mysql => &[
            ["fk_child_other_id_child", "RESTRICT", "RESTRICT"],
            ["fk_child_parent_id_parent", "NO ACTION", "NO ACTION"],
        ],
        // a: no action, r: restrict
        _ => &[
            ["fk_child_other_id_child", "r", "a"],
            ["fk_child_parent_id_parent", "a", "a"],
        ],
    };
    assert_eq!(got, want, "{dialect}");
    p.migrate("-1", false).await;
    db.drop().await;
}

#[tokio::test]
async fn with_the_table_mysql() {
    rules(Dialect::Mysql, "fk_actions_new", "").await;
}

#[tokio::test]
async fn added_to_a_table_mysql() {
    rules(Dialect::Mysql, "fk_actions_add", PARENT).await;
}

#[tokio::test]
async fn with_the_table_postgres() {
    rules(Dialect::Postgres, "fk_actions_new", "").await;
}
