//! Property test over random foreign-key graphs: up to 200 tables, random
//! cycles of any length, several cycles sharing tables, self references and
//! composite keys. For each graph pair (A, B), the database at A with models B
//! gives a revision that applies (`upgrade head`, then `check` is clean) and
//! undoes (`downgrade -1`, then the catalog reads back as A), on every real
//! server. A is empty in part of the cases, so the whole graph is created and
//! dropped; otherwise tables and keys come and go on both sides.
//!
//! Planning is bounded: the plan holds at most one operation per table, key
//! and index involved (no key is dropped or added twice), checked without a
//! server too. Graphs of 2,000 tables are planned without a server and one
//! is applied on SQLite; how fast they plan is `examples/fk_graph_bench.rs`.

mod common;

use common::Project;
use proptest::prelude::*;
use retort_core::{Column, Dialect, ForeignKey, PrimaryKey, Schema, Table, fk_name};
use retort_diff::{DiffOptions, diff, verify};
use retort_testing::TestDb;

#[derive(Debug, Clone)]
struct TableGen {
    /// A two-column primary key `(id, k)` instead of `id`.
    composite: bool,
    in_a: bool,
    in_b: bool,
    /// Key slots: (target table, on A's side, on B's side).
    keys: Vec<(usize, bool, bool)>,
}

/// `n` tables; a key's target is any table, itself included, so cycles of
/// every length appear and share tables.
fn graph_gen(max: usize) -> impl Strategy<Value = (Vec<TableGen>, bool)> {
    graph_gen_sized(1, max)
}

/// Graphs of `min..=max` tables.
fn graph_gen_sized(min: usize, max: usize) -> impl Strategy<Value = (Vec<TableGen>, bool)> {
    (min..=max, any::<bool>()).prop_flat_map(|(n, from_empty)| {
        let table = (
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.8),
            prop::collection::vec(
                (0..n, prop::bool::weighted(0.8), prop::bool::weighted(0.8)),
                0..4,
            ),
        )
            .prop_map(|(composite, in_a, in_b, keys)| TableGen {
                composite,
                in_a: in_a || !in_b,
                in_b,
                keys,
            });
        (prop::collection::vec(table, n), Just(from_empty))
    })
}

fn name(i: usize) -> String {
    format!("g{i:03}")
}

/// One side of the pair. Every table has the same columns on both sides (a
/// key's columns stay when its constraint goes), so the pair differs only in
/// tables and foreign keys.
fn build(tables: &[TableGen], b: bool, from_empty: bool) -> Schema {
    let present = |t: &TableGen| {
        if b { t.in_b } else { !from_empty && t.in_a }
    };
    let int = || "integer".parse().unwrap();
    let mut s = Schema::default();
    for (i, tg) in tables.iter().enumerate() {
        if !present(tg) {
            continue;
        }
        let tname = name(i);
        let mut t = Table::new(tname.clone());
        t.columns.push(Column::new("id", int()));
        let mut pk = vec!["id".to_owned()];
        if tg.composite {
            t.columns.push(Column::new("k", int()));
            pk.push("k".into());
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk,
        });
        for (j, &(target, on_a, on_b)) in tg.keys.iter().enumerate() {
            let parent = &tables[target];
            let mut cols = vec![format!("f{j}_id")];
            let mut refs = vec!["id".to_owned()];
            if parent.composite {
                cols.push(format!("f{j}_k"));
                refs.push("k".into());
            }
            for c in &cols {
                let mut col = Column::new(c.clone(), int());
                col.nullable = true;
                t.columns.push(col);
            }
            let on_side = if b { on_b } else { on_a };
            if on_side && present(parent) {
                let ref_table = name(target);
                t.foreign_keys.push(ForeignKey {
                    name: fk_name(&tname, &cols, &ref_table),
                    columns: cols,
                    ref_table,
                    ref_columns: refs,
                    on_delete: None,
                    on_update: None,
                });
            }
        }
        s.tables.insert(tname, t);
    }
    s
}

/// Plans A -> B as autogenerate does (both directions, then a replay of
/// each) and checks the size of the plan.
fn plan_is_bounded(d: Option<Dialect>, a: &Schema, b: &Schema) {
    let options = DiffOptions::for_dialect(d);
    let plan = diff(a, b, &options);
    verify(a, b, &plan, &options).unwrap_or_else(|e| panic!("{e}\n{plan:#?}"));
    let keys = |s: &Schema| -> usize { s.tables.values().map(|t| t.foreign_keys.len()).sum() };
    let tables = a.tables.len() + b.tables.len();
    // Creating or dropping a table is one operation plus its deferred keys;
    // a key that stays is never touched, one that changes is dropped and
    // added once.
    let bound = tables + 2 * (keys(a) + keys(b));
    assert!(
        plan.upgrade.len() <= bound && plan.downgrade.len() <= bound,
        "{} / {} operations for {tables} tables and {} + {} keys",
        plan.upgrade.len(),
        plan.downgrade.len(),
        keys(a),
        keys(b)
    );
}

async fn one_pair(d: Dialect, a: &Schema, b: &Schema) {
    let Some(db) = TestDb::create(d, "fk_graph").await else {
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
    assert!(left.is_empty(), "{d}: after upgrade head: {left:?}");
    if !diff.is_empty() {
        p.migrate("-1", false).await;
    }
    let left = p.check(a).await;
    assert!(left.is_empty(), "{d}: after downgrade -1: {left:?}");
    db.drop().await;
}

fn random_graphs(d: Dialect, cases: u32, max: usize) {
    random_graphs_sized(d, cases, 1, max);
}

fn random_graphs_sized(d: Dialect, cases: u32, min: usize, max: usize) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(probe) = rt.block_on(TestDb::create(d, "fk_graph_probe")) else {
        return;
    };
    rt.block_on(probe.drop());
    let config = ProptestConfig {
        cases,
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    };
    proptest!(config, |((tables, from_empty) in graph_gen_sized(min, max))| {
        let a = build(&tables, false, from_empty);
        let b = build(&tables, true, from_empty);
        plan_is_bounded(Some(d), &a, &b);
        rt.block_on(one_pair(d, &a, &b));
    });
}

#[test]
fn random_graphs_plan_without_a_server() {
    let config = ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    };
    proptest!(config, |((tables, from_empty) in graph_gen(200))| {
        let a = build(&tables, false, from_empty);
        let b = build(&tables, true, from_empty);
        plan_is_bounded(None, &a, &b);
        plan_is_bounded(None, &b, &a);
    });
}

/// The 2,000-table case (issue 14): planned both ways without a server. How
/// long it takes is a benchmark (`examples/fk_graph_bench.rs`), not checked
/// here.
#[test]
fn two_thousand_tables_plan_without_a_server() {
    let config = ProptestConfig {
        cases: 3,
        max_shrink_iters: 4,
        ..ProptestConfig::default()
    };
    proptest!(config, |((tables, from_empty) in graph_gen_sized(2000, 2000))| {
        let a = build(&tables, false, from_empty);
        let b = build(&tables, true, from_empty);
        plan_is_bounded(None, &a, &b);
        plan_is_bounded(None, &b, &a);
    });
}

/// One 2,000-table pair applied and undone on a real SQLite file.
#[test]
fn two_thousand_tables_sqlite() {
    random_graphs_sized(Dialect::Sqlite, 1, 2000, 2000);
}

#[test]
fn random_graphs_postgres() {
    random_graphs(Dialect::Postgres, 6, 200);
}

/// MariaDB takes about 15 s per 200-table case here (its DDL is slow), so its
/// graphs stop at 80 tables.
#[test]
fn random_graphs_mysql() {
    random_graphs(Dialect::Mysql, 4, 80);
}

#[test]
fn random_graphs_sqlite() {
    random_graphs(Dialect::Sqlite, 6, 200);
}
