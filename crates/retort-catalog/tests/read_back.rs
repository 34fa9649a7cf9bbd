//! Spellings a server reports differently from what was written: each model
//! is built on the real server (`retort_sql::render_schema`), read back, and
//! compared after `normalize_for`; the read must hold no warning either.
//!
//! * MariaDB: a unique `text` or `blob` column is a long unique HASH key;
//!   `MEDIUMINT`, `MEDIUMINT UNSIGNED`, `SET(...)`, `YEAR`, `BIT` come back
//!   lowercased, with display widths;
//! * PostgreSQL: `custom("BIT(8)")` comes back as `bit(8)`, a `timestamptz`
//!   default literal with the server's `+00`.

mod common;

use common::*;
use retort_core::{
    ColumnDefault, Dialect, FkAction, ForeignKey, PrimaryKey, Schema, Table, Unique, Value,
    fk_name, unique_name,
};
use retort_testing::test_db;

fn with_id(name: &str, mut columns: Vec<retort_core::Column>) -> Table {
    columns.insert(0, col("id", "integer"));
    let mut t = table(name, columns);
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    t
}

/// A column of type `custom(sql)`, as `column_type = r#"custom("SQL")"#` reads.
fn custom(name: &str, sql: &str) -> retort_core::Column {
    retort_core::Column::new(name, retort_core::ColumnType::Custom(sql.into()))
}

async fn reads_back(dialect: Dialect, model: &Schema) {
    let db = test_db!(dialect, "read_back");
    build(&db, model).await;
    let read = read(&db).await;
    assert!(read.warnings.is_empty(), "{dialect}: {:?}", read.warnings);
    assert_same(dialect, model, &read.schema);
    db.drop().await;
}

fn unique(t: &mut Table, column: &str) {
    t.uniques.push(Unique {
        name: unique_name(&t.name, &[column.to_owned()]),
        columns: vec![column.into()],
    });
}

#[tokio::test]
async fn mysql_long_unique_keys_are_unique_constraints() {
    let mut t = with_id(
        "notes",
        vec![col("body", "text"), col("data", "blob"), col("a", "text")],
    );
    unique(&mut t, "body");
    unique(&mut t, "data");
    // A two-column one, named as a constraint.
    t.uniques.push(Unique {
        name: unique_name("notes", &["a".into(), "body".into()]),
        columns: vec!["a".into(), "body".into()],
    });
    reads_back(Dialect::Mysql, &schema(vec![t])).await;
}

#[tokio::test]
async fn mysql_type_spellings() {
    let t = with_id(
        "spellings",
        vec![
            custom("m", "MEDIUMINT"),
            custom("mu", "MEDIUMINT UNSIGNED"),
            custom("iu", "INT UNSIGNED"),
            custom("tu", "tinyint(3) unsigned"),
            custom("s", "SET('a','B','it''s')"),
            custom("y", "YEAR"),
            col("y2", "year"),
            custom("b", "BIT(8)"),
            custom("b1", "BIT"),
            custom("d", "DOUBLE UNSIGNED"),
        ],
    );
    reads_back(Dialect::Mysql, &schema(vec![t])).await;
}

#[tokio::test]
async fn postgres_custom_types_in_any_case() {
    let t = with_id(
        "bits",
        vec![
            custom("b", "BIT(8)"),
            custom("vb", "BIT VARYING(4)"),
            custom("ts", "TSVECTOR"),
            custom("t3", "TIMESTAMP(3) WITH TIME ZONE"),
        ],
    );
    reads_back(Dialect::Postgres, &schema(vec![t])).await;
}

#[tokio::test]
async fn temporal_default_literals() {
    for dialect in Dialect::ALL {
        let lit = |ty: &str, v: &str| {
            let mut c = col(&format!("c_{}", ty.replace(['(', ')'], "")), ty);
            c.default = Some(ColumnDefault::Literal(Value::String(v.into())));
            c
        };
        let mut columns = vec![
            lit("timestamp", "2020-01-02T03:04:05"),
            lit("date", "2020-01-02"),
            lit("time", "03:04:05"),
        ];
        if dialect == Dialect::Postgres {
            let mut utc = lit("timestamptz", "2020-01-02 03:04:05");
            utc.name = "utc".into();
            let mut offset = lit("timestamptz", "2020-01-02T05:04:05+02:00");
            offset.name = "offset".into();
            let mut z = lit("timestamptz", "2020-01-02 03:04:05.25Z");
            z.name = "z".into();
            columns.extend([utc, offset, z]);
        }
        reads_back(dialect, &schema(vec![with_id("times", columns)])).await;
    }
}

/// A key the model says is `NO ACTION` is written so: MariaDB then reports
/// `NO ACTION`, not `RESTRICT`, to every reader (sea-orm-cli included).
#[tokio::test]
async fn mysql_no_action_is_written_explicitly() {
    let db = test_db!(Dialect::Mysql, "no_action");
    let parent = with_id("parent", vec![]);
    let mut child = with_id("child", vec![col("parent_id", "integer")]);
    child.foreign_keys.push(ForeignKey {
        name: fk_name("child", &["parent_id".into()], "parent"),
        columns: vec!["parent_id".into()],
        ref_table: "parent".into(),
        ref_columns: vec!["id".into()],
        on_delete: Some(FkAction::NoAction),
        on_update: Some(FkAction::NoAction),
    });
    let model = schema(vec![parent, child]);
    build(&db, &model).await;
    let rules = db
        .query_strings(
            "SELECT DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE()",
        )
        .await;
    assert_eq!(
        rules,
        [[Some("NO ACTION".to_owned()), Some("NO ACTION".to_owned())]]
    );
    assert_same(Dialect::Mysql, &model, &read(&db).await.schema);
    db.drop().await;
}
