//! Planning time on a random foreign-key graph, the benchmark of the FK-graph
//! property test (`tests/fk_graphs.rs`): N tables (2,000 unless given), each
//! with up to three keys to any table, itself included, so the graph is full
//! of cycles sharing tables; a fifth of the tables have a two-column key.
//!
//!     cargo run --release -p retort-diff --example fk_graph_bench -- 2000
//!     cargo run --release -p retort-diff --example fk_graph_bench -- 2000 acyclic
//!
//! `acyclic` points every key at a table of a lower number (no cycle, no
//! self reference), the only shape the planner before `TableOrder` finished.
//!
//! Prints the time of `diff` from nothing to the graph (the upgrade creates,
//! the downgrade drops), of `diff` from the graph to nothing, and of `verify`.

use std::time::Instant;

use retort_core::{Column, ForeignKey, PrimaryKey, Schema, Table, fk_name};
use retort_diff::{DiffOptions, diff, verify};

/// A small linear congruential generator: the same graph on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn graph(n: usize, acyclic: bool) -> Schema {
    let mut rng = Lcg(12);
    let composite: Vec<bool> = (0..n).map(|_| rng.below(5) == 0).collect();
    let name = |i: usize| format!("g{i:05}");
    let int = || "integer".parse().unwrap();
    let mut s = Schema::default();
    for i in 0..n {
        let mut t = Table::new(name(i));
        t.columns.push(Column::new("id", int()));
        let mut pk = vec!["id".to_owned()];
        if composite[i] {
            t.columns.push(Column::new("k", int()));
            pk.push("k".into());
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk,
        });
        for j in 0..rng.below(4) {
            let target = rng.below(n);
            let target = if acyclic {
                if i == 0 {
                    break;
                }
                target % i
            } else {
                target
            };
            let mut cols = vec![format!("f{j}_id")];
            let mut refs = vec!["id".to_owned()];
            if composite[target] {
                cols.push(format!("f{j}_k"));
                refs.push("k".into());
            }
            for c in &cols {
                let mut col = Column::new(c.clone(), int());
                col.nullable = true;
                t.columns.push(col);
            }
            t.foreign_keys.push(ForeignKey {
                name: fk_name(&name(i), &cols, &name(target)),
                columns: cols,
                ref_table: name(target),
                ref_columns: refs,
                on_delete: None,
                on_update: None,
            });
        }
        s.tables.insert(name(i), t);
    }
    s
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(2000, |a| a.parse().expect("the number of tables"));
    let acyclic = std::env::args().nth(2).as_deref() == Some("acyclic");
    let g = graph(n, acyclic);
    let keys: usize = g.tables.values().map(|t| t.foreign_keys.len()).sum();
    let empty = Schema::default();
    let options = DiffOptions::default();

    let start = Instant::now();
    let up = diff(&empty, &g, &options);
    let create = start.elapsed();
    let start = Instant::now();
    let down = diff(&g, &empty, &options);
    let drop = start.elapsed();
    let start = Instant::now();
    verify(&empty, &g, &up, &options).expect("the plan replays");
    let verified = start.elapsed();
    let deferred = up
        .upgrade
        .iter()
        .filter(|o| o.kind() == "add_foreign_key")
        .count();
    println!(
        "{n} tables, {keys} foreign keys ({deferred} closing a cycle): \
         diff from nothing {:.1} ms ({} + {} operations), \
         diff to nothing {:.1} ms, verify {:.1} ms",
        create.as_secs_f64() * 1e3,
        up.upgrade.len(),
        up.downgrade.len(),
        drop.as_secs_f64() * 1e3,
        verified.as_secs_f64() * 1e3,
    );
    assert_eq!(down.upgrade.len(), up.downgrade.len());
}
