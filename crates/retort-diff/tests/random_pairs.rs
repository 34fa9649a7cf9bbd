//! Property test on each real server: for random schema pairs (A, B), the
//! database at A with models B gives a revision that leaves `check` clean
//! after `upgrade head`, and after `downgrade -1` the catalog reads back as A.
//!
//! B is A mutated the way models change: tables and columns added and
//! dropped, nullability, defaults, indexes and foreign key actions changed,
//! an enum value appended. (Arbitrary type changes are left to the
//! conformance tests: many pairs have no cast on PostgreSQL.)

mod common;

use common::Project;
use proptest::prelude::*;
use retort_core::{
    Column, ColumnDefault, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema,
    Table, Value, fk_name,
};
use retort_testing::TestDb;

#[derive(Debug, Clone)]
struct ColGen {
    ty: usize,
    nullable: bool,
    default: Option<u16>,
    in_a: bool,
    in_b: bool,
    flip_nullable: bool,
    new_default: Option<Option<u16>>,
}

#[derive(Debug, Clone)]
struct TableGen {
    cols: Vec<ColGen>,
    in_a: bool,
    in_b: bool,
    index_a: Option<(usize, usize, bool)>,
    index_b: Option<(usize, usize, bool)>,
    fk: Option<(usize, u8, u8)>,
}

fn col_gen() -> impl Strategy<Value = ColGen> {
    (
        any::<usize>(),
        any::<bool>(),
        prop::option::of(any::<u16>()),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.2, prop::option::of(any::<u16>())),
    )
        .prop_map(
            |(ty, nullable, default, in_a, in_b, flip_nullable, new_default)| ColGen {
                ty,
                nullable,
                default,
                // A column is on at least one side.
                in_a: in_a || !in_b,
                in_b,
                flip_nullable,
                new_default,
            },
        )
}

fn index_gen() -> impl Strategy<Value = Option<(usize, usize, bool)>> {
    prop::option::of((any::<usize>(), any::<usize>(), any::<bool>()))
}

fn table_gen() -> impl Strategy<Value = TableGen> {
    (
        prop::collection::vec(col_gen(), 1..5),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        index_gen(),
        index_gen(),
        prop::option::of((any::<usize>(), 0u8..4, 0u8..4)),
    )
        .prop_map(|(cols, in_a, in_b, index_a, index_b, fk)| TableGen {
            cols,
            in_a: in_a || !in_b,
            in_b,
            index_a,
            index_b,
            fk,
        })
}

fn pair_gen() -> impl Strategy<Value = (Vec<TableGen>, bool)> {
    (prop::collection::vec(table_gen(), 1..5), any::<bool>())
}

fn types(d: Dialect) -> Vec<&'static str> {
    let mut t = vec![
        "integer",
        "bigint",
        "varchar(40)",
        "text",
        "boolean",
        "decimal(12,2)",
        "timestamp",
        "date",
        "double",
    ];
    if d != Dialect::Sqlite {
        t.push("enum(mood)");
    }
    t
}

fn default_for(ty: &str, seed: u16) -> Option<ColumnDefault> {
    let lit = |v| Some(ColumnDefault::Literal(v));
    match ty {
        "integer" | "bigint" => lit(Value::Int(i64::from(seed % 100))),
        "varchar(40)" => lit(Value::String(["", "abc", "it's"][seed as usize % 3].into())),
        "boolean" => lit(Value::Bool(seed.is_multiple_of(2))),
        "enum(mood)" => lit(Value::String("a".into())),
        "timestamp" => Some(ColumnDefault::Expr("CURRENT_TIMESTAMP".into())),
        _ => None,
    }
}

fn action(code: u8) -> Option<FkAction> {
    match code {
        1 => Some(FkAction::Cascade),
        2 => Some(FkAction::SetNull),
        3 => Some(FkAction::NoAction),
        _ => None,
    }
}

/// One side of the pair: `b` picks B's presence and values.
fn build(d: Dialect, tables: &[TableGen], more_moods: bool, b: bool) -> Schema {
    let all = types(d);
    let mut s = Schema::default();
    if d != Dialect::Sqlite {
        let mut values = vec!["a".to_owned(), "b".to_owned()];
        if b && more_moods {
            values.push("c".into());
        }
        s.enums.insert(
            "mood".into(),
            EnumType {
                name: "mood".into(),
                values,
            },
        );
    }
    for (ti, tg) in tables.iter().enumerate() {
        if !(if b { tg.in_b } else { tg.in_a }) {
            continue;
        }
        let name = format!("t{ti}");
        let mut t = Table::new(name.clone());
        let mut id = Column::new("id", "integer".parse().unwrap());
        id.autoincrement = true;
        t.columns.push(id);
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let mut keyable = Vec::new();
        for (ci, cg) in tg.cols.iter().enumerate() {
            if !(if b { cg.in_b } else { cg.in_a }) {
                continue;
            }
            let ty = all[cg.ty % all.len()];
            let mut c = Column::new(format!("c{ci}"), ty.parse().unwrap());
            c.nullable = cg.nullable ^ (b && cg.flip_nullable);
            let seed = match (b, cg.new_default) {
                (true, Some(new)) => new,
                _ => cg.default,
            };
            c.default = seed.and_then(|s| default_for(ty, s));
            if matches!(ty, "integer" | "bigint" | "varchar(40)") {
                keyable.push(c.name.clone());
            }
            t.columns.push(c);
        }
        let index = if b { tg.index_b } else { tg.index_a };
        if let Some((x, y, unique)) = index
            && !keyable.is_empty()
        {
            let mut cols = vec![keyable[x % keyable.len()].clone()];
            let second = keyable[y % keyable.len()].clone();
            if !cols.contains(&second) {
                cols.push(second);
            }
            t.indexes.push(Index {
                name: format!("ix_{name}"),
                columns: cols,
                unique,
            });
        }
        if let Some((parent, del, upd)) = tg.fk
            && ti > 0
        {
            let parent = format!("t{}", parent % ti);
            if s.tables.contains_key(&parent) {
                let col = format!("{parent}_id");
                let mut c = Column::new(col.clone(), "integer".parse().unwrap());
                c.nullable = true;
                t.columns.push(c);
                let (del, upd) = if b { (upd, del) } else { (del, upd) };
                t.foreign_keys.push(ForeignKey {
                    name: fk_name(&name, std::slice::from_ref(&col), &parent),
                    columns: vec![col],
                    ref_table: parent,
                    ref_columns: vec!["id".into()],
                    on_delete: action(del),
                    on_update: action(upd),
                });
            }
        }
        s.tables.insert(name, t);
    }
    s
}

async fn one_pair(d: Dialect, a: &Schema, b: &Schema) {
    let Some(db) = TestDb::create(d, "random_pair").await else {
        return;
    };
    let mut p = Project::at(&db, d, a).await;
    let left = p.check(a).await;
    assert!(left.is_empty(), "{d}: A does not read back: {left:?}");
    let diff = p.autogenerate(b, &[]).await;
    if !diff.is_empty() {
        p.migrate("head", true).await;
    }
    let left = p.check(b).await;
    assert!(
        left.is_empty(),
        "{d}: after upgrade head: {left:?}\n{diff:#?}"
    );
    if !diff.is_empty() {
        p.migrate("-1", false).await;
    }
    let left = p.check(a).await;
    assert!(
        left.is_empty(),
        "{d}: after downgrade -1: {left:?}\n{diff:#?}"
    );
    db.drop().await;
}

fn random_pairs(d: Dialect) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(probe) = rt.block_on(TestDb::create(d, "random_probe")) else {
        return;
    };
    rt.block_on(probe.drop());
    let config = ProptestConfig {
        cases: 8,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    };
    proptest!(config, |((tables, more_moods) in pair_gen())| {
        let a = build(d, &tables, more_moods, false);
        let b = build(d, &tables, more_moods, true);
        rt.block_on(one_pair(d, &a, &b));
    });
}

#[test]
fn random_pairs_postgres() {
    random_pairs(Dialect::Postgres);
}

#[test]
fn random_pairs_mysql() {
    random_pairs(Dialect::Mysql);
}

#[test]
fn random_pairs_sqlite() {
    random_pairs(Dialect::Sqlite);
}
