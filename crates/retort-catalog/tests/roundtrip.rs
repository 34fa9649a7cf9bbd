//! model -> `retort_sql::render_schema` -> real database -> `read_schema`
//! gives the model back (after `normalize_for`), on every backend.

mod common;

use std::path::PathBuf;

use common::*;
use proptest::prelude::*;
use retort_core::{
    ColumnDefault, ColumnType, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema,
    Unique, Value, fk_name, unique_name,
};
use retort_testing::TestDb;

async fn round_trip(dialect: Dialect, label: &str, model: &Schema) -> bool {
    let Some(db) = TestDb::create(dialect, label).await else {
        return false;
    };
    build(&db, model).await;
    let read = read(&db).await;
    assert_same(dialect, model, &read.schema);
    db.drop().await;
    true
}

fn fixture(name: &str) -> Schema {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    retort_entity::read_models(&[path], &retort_entity::ReadOptions::default())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
        .schema
}

/// The entity fixtures, as `retort-entity` reads them, minus what a dialect
/// cannot build (PostgreSQL-only types elsewhere).
fn fixture_for(name: &str, dialect: Dialect) -> Schema {
    let mut s = fixture(name);
    if dialect != Dialect::Postgres {
        for t in s.tables.values_mut() {
            for c in &mut t.columns {
                if matches!(
                    c.ty,
                    ColumnType::Array(_)
                        | ColumnType::Inet
                        | ColumnType::Cidr
                        | ColumnType::MacAddr
                        | ColumnType::Interval
                ) {
                    c.ty = ColumnType::Text;
                }
                // `gen_random_uuid()` is PostgreSQL's.
                if matches!(&c.default, Some(ColumnDefault::Expr(e)) if e.contains("gen_random_uuid"))
                {
                    c.default = None;
                }
            }
        }
    }
    s
}

#[tokio::test]
async fn entity_fixtures_round_trip() {
    for name in ["blog/entity", "store/entity", "codegen/expanded"] {
        for dialect in Dialect::ALL {
            let model = fixture_for(name, dialect);
            assert!(
                model.tables.len() >= 3,
                "{name}: {} tables",
                model.tables.len()
            );
            if !round_trip(dialect, "fixture", &model).await {
                return;
            }
        }
    }
}

/// Every portable type the dialect has, nullable and not.
#[tokio::test]
async fn every_type_round_trips() {
    for dialect in Dialect::ALL {
        let mut columns = vec![col("id", "integer")];
        for (i, ty) in types_for(dialect).iter().enumerate() {
            let mut c = col(&format!("c{i}"), ty);
            c.nullable = i % 2 == 0;
            columns.push(c);
        }
        let mut t = table("every_type", columns);
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let mut model = schema(vec![t]);
        model.enums.insert(
            "mood".into(),
            EnumType {
                name: "mood".into(),
                values: vec!["sad".into(), "it's ok".into()],
            },
        );
        if !round_trip(dialect, "every_type", &model).await {
            return;
        }
    }
}

fn types_for(dialect: Dialect) -> Vec<&'static str> {
    let mut all = vec![
        "tinyint",
        "smallint",
        "integer",
        "bigint",
        "tinyint unsigned",
        "smallint unsigned",
        "integer unsigned",
        "bigint unsigned",
        "varchar",
        "varchar(40)",
        "char",
        "char(8)",
        "text",
        "boolean",
        "decimal",
        "decimal(12,2)",
        "money",
        "real",
        "double",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "json",
        "jsonb",
        "uuid",
        "blob",
        "binary(16)",
        "varbinary(20)",
        "enum(mood)",
        "custom(bit(3))",
    ];
    match dialect {
        Dialect::Postgres => all.extend([
            "interval",
            "inet",
            "cidr",
            "macaddr",
            "integer[]",
            "text[]",
            "enum(mood)[]",
        ]),
        Dialect::Mysql => all.push("year"),
        Dialect::Sqlite => {}
    }
    all
}

/// Defaults of every kind, autoincrement, comments, composite keys, uniques,
/// indexes and every foreign key action.
#[tokio::test]
async fn keys_defaults_and_actions_round_trip() {
    for dialect in Dialect::ALL {
        let mut parent = table(
            "parent",
            vec![
                col("a", "integer"),
                col("b", "varchar(20)"),
                col("label", "varchar(40)"),
            ],
        );
        parent.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["a".into(), "b".into()],
        });
        parent.comment = Some("the parent's table".into());
        parent.uniques.push(Unique {
            name: unique_name("parent", &["label".into()]),
            columns: vec!["label".into()],
        });

        let mut id = col("id", "bigint");
        id.autoincrement = true;
        let mut flag = col("flag", "boolean");
        flag.default = Some(ColumnDefault::Literal(Value::Bool(true)));
        let mut n = col("n", "integer");
        n.default = Some(ColumnDefault::Literal(Value::Int(-42)));
        let mut price = col("price", "decimal(12,2)");
        price.default = Some(ColumnDefault::Literal(Value::Float(12.5)));
        let mut zero = col("zero", "decimal(12,2)");
        zero.default = Some(ColumnDefault::Literal(Value::Float(0.0)));
        let mut s = col("s", "varchar(40)");
        s.default = Some(ColumnDefault::Literal(Value::String(
            "it's \"quoted\"".into(),
        )));
        s.comment = Some("a string; with 'quotes'".into());
        let mut at = col("at", "timestamptz");
        at.default = Some(ColumnDefault::Expr("CURRENT_TIMESTAMP".into()));
        let mut day = col("day", "date");
        day.default = Some(ColumnDefault::Literal(Value::String("2020-01-02".into())));
        let mut pa = col("pa", "integer");
        pa.nullable = true;
        let mut pb = col("pb", "varchar(20)");
        pb.nullable = true;
        let mut selfref = col("self_id", "bigint");
        selfref.nullable = true;
        let mut child = table(
            "child",
            vec![id, flag, n, price, zero, s, at, day, pa, pb, selfref],
        );
        child.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        child.uniques.push(Unique {
            name: unique_name("child", &["n".into(), "s".into()]),
            columns: vec!["n".into(), "s".into()],
        });
        child.indexes.push(Index {
            name: "ix_child_at_n".into(),
            columns: vec!["at".into(), "n".into()],
            unique: false,
        });
        child.indexes.push(Index {
            name: "ix_child_day".into(),
            columns: vec!["day".into()],
            unique: true,
        });
        child.foreign_keys.push(ForeignKey {
            name: fk_name("child", &["pa".into(), "pb".into()], "parent"),
            columns: vec!["pa".into(), "pb".into()],
            ref_table: "parent".into(),
            ref_columns: vec!["a".into(), "b".into()],
            on_delete: Some(FkAction::SetNull),
            on_update: Some(FkAction::Cascade),
        });
        child.foreign_keys.push(ForeignKey {
            name: fk_name("child", &["self_id".into()], "child"),
            columns: vec!["self_id".into()],
            ref_table: "child".into(),
            ref_columns: vec!["id".into()],
            on_delete: Some(FkAction::Restrict),
            on_update: Some(FkAction::NoAction),
        });
        let model = schema(vec![parent, child]);
        if !round_trip(dialect, "keys", &model).await {
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Random schemas

/// Types a key, unique or index may use on every backend.
const KEY_TYPES: &[&str] = &[
    "integer",
    "bigint",
    "smallint",
    "varchar(40)",
    "char(8)",
    "date",
    "timestamp",
    "boolean",
    "decimal(12,2)",
];

#[derive(Debug, Clone)]
struct ColSpec {
    ty: usize,
    key_type: bool,
    nullable: bool,
    default: bool,
    seed: u16,
    comment: bool,
}

#[derive(Debug, Clone)]
struct TableSpec {
    pk: u8,
    cols: Vec<ColSpec>,
    uniques: Vec<Vec<usize>>,
    indexes: Vec<(Vec<usize>, bool)>,
    fk: Option<(usize, u8, u8, bool)>,
    comment: bool,
}

fn col_spec() -> impl Strategy<Value = ColSpec> {
    (
        any::<usize>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<u16>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(ty, key_type, nullable, default, seed, comment)| ColSpec {
            ty,
            key_type,
            nullable,
            default,
            seed,
            comment,
        })
}

fn table_spec() -> impl Strategy<Value = TableSpec> {
    (
        0u8..3,
        prop::collection::vec(col_spec(), 1..6),
        prop::collection::vec(prop::collection::vec(0usize..6, 1..3), 0..2),
        prop::collection::vec(
            (prop::collection::vec(0usize..6, 1..3), any::<bool>()),
            0..3,
        ),
        prop::option::of((any::<usize>(), 0u8..5, 0u8..5, any::<bool>())),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(pk, cols, uniques, indexes, fk, comment)| TableSpec {
            pk,
            cols,
            uniques,
            indexes,
            fk,
            comment,
        })
}

fn schema_spec() -> impl Strategy<Value = (Vec<TableSpec>, Vec<String>)> {
    (
        prop::collection::vec(table_spec(), 1..5),
        prop::collection::vec("[a-z]{1,6}", 1..4),
    )
}

fn action(code: u8, nullable: bool) -> Option<FkAction> {
    match code {
        1 => Some(FkAction::Cascade),
        2 => Some(FkAction::Restrict),
        3 => Some(FkAction::NoAction),
        4 if nullable => Some(FkAction::SetNull),
        _ => None,
    }
}

fn default_for(ty: &ColumnType, seed: u16, mood: &[String]) -> Option<ColumnDefault> {
    use ColumnType as T;
    let lit = |v| Some(ColumnDefault::Literal(v));
    let words = ["", "abc", "it's", "x y", "\\"];
    match ty {
        t if t.is_integer() => {
            let v = i64::from(seed % 1000);
            let unsigned = matches!(
                t,
                T::TinyUnsigned | T::SmallUnsigned | T::Unsigned | T::BigUnsigned
            );
            lit(Value::Int(if unsigned || seed.is_multiple_of(2) {
                v % 100
            } else {
                -(v % 100)
            }))
        }
        T::Varchar(_) | T::Text => lit(Value::String(words[seed as usize % words.len()].into())),
        // A default must fit: `char` is `char(1)`.
        T::Char(n) => {
            let fits: Vec<&str> = words
                .iter()
                .copied()
                .filter(|w| w.len() as u32 <= n.unwrap_or(1))
                .collect();
            lit(Value::String(fits[seed as usize % fits.len()].into()))
        }
        T::Boolean => lit(Value::Bool(seed.is_multiple_of(2))),
        T::Decimal(Some(_)) => lit(Value::Float(f64::from(seed % 10000) / 100.0)),
        T::Timestamp | T::TimestampTz => Some(ColumnDefault::Expr("CURRENT_TIMESTAMP".into())),
        T::Date => lit(Value::String("2020-01-02".into())),
        T::Enum(_) => lit(Value::String(mood[seed as usize % mood.len()].clone())),
        _ => None,
    }
}

/// Builds a valid schema for `dialect` from the random spec.
fn build_schema(dialect: Dialect, specs: &[TableSpec], mood: &[String]) -> Schema {
    let all_types = types_for(dialect);
    let mut mood: Vec<String> = mood.to_vec();
    mood.sort();
    mood.dedup();
    let mut s = Schema::default();
    s.enums.insert(
        "mood".into(),
        EnumType {
            name: "mood".into(),
            values: mood.clone(),
        },
    );
    for (ti, spec) in specs.iter().enumerate() {
        let name = format!("t{ti}");
        let mut t = table(&name, vec![]);
        if spec.comment {
            t.comment = Some(format!("table {ti}"));
        }
        // The key.
        let pk: Vec<String> = match spec.pk {
            0 => {
                let mut id = col("id", "integer");
                id.autoincrement = true;
                t.columns.push(id);
                vec!["id".into()]
            }
            1 => {
                t.columns.push(col("code", "varchar(20)"));
                vec!["code".into()]
            }
            _ => {
                t.columns.push(col("k1", "integer"));
                t.columns.push(col("k2", "bigint"));
                vec!["k1".into(), "k2".into()]
            }
        };
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk,
        });
        // Plain columns.
        let mut key_cols = Vec::new();
        for (ci, c) in spec.cols.iter().enumerate() {
            let ty = if c.key_type {
                KEY_TYPES[c.ty % KEY_TYPES.len()]
            } else {
                all_types[c.ty % all_types.len()]
            };
            let mut column = col(&format!("c{ci}"), ty);
            column.nullable = c.nullable;
            if c.default {
                column.default = default_for(&column.ty, c.seed, &mood);
            }
            if c.comment {
                column.comment = Some(format!("column {ci}'s note"));
            }
            if c.key_type {
                key_cols.push(column.name.clone());
            }
            t.columns.push(column);
        }
        // Uniques and indexes over key-type columns.
        let pick = |idx: &[usize]| -> Vec<String> {
            let mut cols: Vec<String> = Vec::new();
            for i in idx {
                if let Some(c) = key_cols
                    .get(i % key_cols.len().max(1))
                    .filter(|_| !key_cols.is_empty())
                    && !cols.contains(c)
                {
                    cols.push(c.clone());
                }
            }
            cols
        };
        let mut seen: Vec<Vec<String>> = Vec::new();
        for u in &spec.uniques {
            let cols = pick(u);
            if cols.is_empty() || seen.contains(&cols) {
                continue;
            }
            seen.push(cols.clone());
            t.uniques.push(Unique {
                name: unique_name(&name, &cols),
                columns: cols,
            });
        }
        for (ii, (idx, unique)) in spec.indexes.iter().enumerate() {
            let cols = pick(idx);
            if cols.is_empty() || seen.contains(&cols) {
                continue;
            }
            seen.push(cols.clone());
            t.indexes.push(Index {
                name: format!("ix_{name}_{ii}"),
                columns: cols,
                unique: *unique,
            });
        }
        // A foreign key to an earlier table's key.
        if let Some((parent, del, upd, nullable)) = spec.fk
            && ti > 0
        {
            let parent = s
                .tables
                .get(&format!("t{}", parent % ti))
                .expect("earlier table")
                .clone();
            let mut fk_cols = Vec::new();
            for pc in parent.pk_columns() {
                let pcol = parent.column(pc).unwrap();
                let mut c = col(&format!("{}_{pc}", parent.name), &pcol.ty.to_string());
                c.nullable = nullable;
                fk_cols.push(c.name.clone());
                t.columns.push(c);
            }
            t.foreign_keys.push(ForeignKey {
                name: fk_name(&name, &fk_cols, &parent.name),
                columns: fk_cols,
                ref_table: parent.name.clone(),
                ref_columns: parent.pk_columns().to_vec(),
                on_delete: action(del, nullable),
                on_update: action(upd, nullable),
            });
        }
        s.tables.insert(name, t);
    }
    s
}

fn random_schemas_round_trip(dialect: Dialect) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Skip (or fail under CI) once, before generating anything.
    let Some(probe) = rt.block_on(TestDb::create(dialect, "random_probe")) else {
        return;
    };
    rt.block_on(probe.drop());
    let config = ProptestConfig {
        cases: 12,
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    };
    proptest!(config, |((specs, mood) in schema_spec())| {
        let model = build_schema(dialect, &specs, &mood);
        rt.block_on(round_trip(dialect, "random", &model));
    });
}

#[test]
fn random_schemas_round_trip_postgres() {
    random_schemas_round_trip(Dialect::Postgres);
}

#[test]
fn random_schemas_round_trip_mysql() {
    random_schemas_round_trip(Dialect::Mysql);
}

#[test]
fn random_schemas_round_trip_sqlite() {
    random_schemas_round_trip(Dialect::Sqlite);
}
