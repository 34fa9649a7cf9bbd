//! `TableOrder` on hand-drawn and random foreign-key graphs: every table
//! once, each key's target before its table unless the key is deferred, and
//! a deferred key always inside a cycle.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use retort_core::{ForeignKey, Table, TableOrder};

/// Tables named by `edges`' keys, each with one key per target.
fn tables(edges: &[(&str, &[&str])]) -> Vec<Table> {
    edges
        .iter()
        .map(|(name, targets)| {
            let mut t = Table::new(*name);
            for (i, target) in targets.iter().enumerate() {
                t.foreign_keys.push(ForeignKey {
                    name: format!("fk_{name}_{i}"),
                    columns: vec![format!("c{i}")],
                    ref_table: (*target).to_owned(),
                    ref_columns: vec!["id".into()],
                    on_delete: None,
                    on_update: None,
                });
            }
            t
        })
        .collect()
}

/// Checks the order's promises; returns the deferred keys as
/// `table->target`.
fn check(tables: &[Table]) -> Vec<String> {
    let order = TableOrder::new(tables);
    let names: Vec<&str> = order.tables().iter().map(|t| t.name.as_str()).collect();
    let set: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), tables.len(), "{names:?}");
    assert_eq!(names.iter().copied().collect::<BTreeSet<_>>(), set);
    let position: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let deferred: Vec<(String, String)> = order
        .deferred()
        .map(|(t, f)| (t.name.clone(), f.name.clone()))
        .collect();
    let created: Vec<Table> = order.create().collect();
    for (t, made) in order.tables().iter().zip(&created) {
        assert_eq!(t.name, made.name);
        for f in &t.foreign_keys {
            let later = deferred.contains(&(t.name.clone(), f.name.clone()));
            assert_eq!(
                made.foreign_keys.contains(f),
                !later,
                "`{}` is created with exactly its keys that are not deferred",
                t.name
            );
            if later {
                assert!(
                    reaches(tables, &f.ref_table, &t.name),
                    "`{}` -> `{}` is deferred but closes no cycle",
                    t.name,
                    f.ref_table
                );
            } else if f.ref_table != t.name && set.contains(f.ref_table.as_str()) {
                assert!(
                    position[f.ref_table.as_str()] < position[t.name.as_str()],
                    "`{}` comes before its parent `{}`: {names:?}",
                    t.name,
                    f.ref_table
                );
            }
        }
    }
    order
        .deferred()
        .map(|(t, f)| format!("{}->{}", t.name, f.ref_table))
        .collect()
}

/// Whether `to` can be reached from `from` by following keys.
fn reaches(tables: &[Table], from: &str, to: &str) -> bool {
    let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        if n == to {
            return true;
        }
        if !seen.insert(n) {
            continue;
        }
        if let Some(t) = by_name.get(n) {
            todo.extend(t.foreign_keys.iter().map(|f| f.ref_table.as_str()));
        }
    }
    false
}

fn names(tables: &[Table]) -> Vec<String> {
    TableOrder::new(tables)
        .tables()
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

#[test]
fn unrelated_tables_keep_their_order() {
    let t = tables(&[("a", &[]), ("b", &[]), ("c", &[])]);
    assert_eq!(check(&t), Vec::<String>::new());
    assert_eq!(names(&t), ["a", "b", "c"]);
}

#[test]
fn parents_come_first() {
    let t = tables(&[("a", &["c"]), ("b", &["a", "c"]), ("c", &[])]);
    assert_eq!(check(&t), Vec::<String>::new());
    assert_eq!(names(&t), ["c", "a", "b"]);
}

#[test]
fn a_self_reference_is_never_deferred() {
    let t = tables(&[("nodes", &["nodes", "nodes"])]);
    assert_eq!(check(&t), Vec::<String>::new());
}

#[test]
fn a_two_table_cycle_defers_one_key() {
    let t = tables(&[("a", &["b"]), ("b", &["a"])]);
    assert_eq!(check(&t), ["b->a"]);
}

/// sakila's shape, which used to hang the planner: store <-> staff, both
/// referencing address.
#[test]
fn a_cycle_beside_a_shared_parent() {
    let t = tables(&[
        ("address", &[]),
        ("staff", &["address", "store"]),
        ("store", &["address", "staff"]),
    ]);
    assert_eq!(check(&t), ["store->staff"]);
    assert_eq!(names(&t), ["address", "store", "staff"]);
}

#[test]
fn two_cycles_sharing_a_table() {
    let t = tables(&[
        ("a", &["hub"]),
        ("b", &["a"]),
        ("hub", &["b", "c"]),
        ("c", &["hub"]),
        ("leaf", &["a", "c", "hub"]),
    ]);
    assert_eq!(check(&t).len(), 2);
}

#[test]
fn a_long_cycle_defers_one_key() {
    let names: Vec<String> = (0..500).map(|i| format!("t{i:03}")).collect();
    let targets: Vec<[&str; 1]> = (0..500).map(|i| [names[(i + 1) % 500].as_str()]).collect();
    let edges: Vec<(&str, &[&str])> = names
        .iter()
        .zip(&targets)
        .map(|(n, t)| (n.as_str(), t.as_slice()))
        .collect();
    assert_eq!(check(&tables(&edges)).len(), 1);
}

#[test]
fn keys_to_tables_outside_the_set_do_not_count() {
    let t = tables(&[("a", &["users"]), ("b", &["a", "users"])]);
    assert_eq!(check(&t), Vec::<String>::new());
    assert_eq!(names(&t), ["a", "b"]);
}

/// A chain deep enough to overflow a recursive walk.
#[test]
fn a_deep_chain() {
    let n = 200_000;
    let names: Vec<String> = (0..n).map(|i| format!("t{i:06}")).collect();
    let t: Vec<Table> = (0..n)
        .map(|i| {
            let mut t = Table::new(names[i].clone());
            if i + 1 < n {
                t.foreign_keys.push(ForeignKey {
                    name: format!("fk{i}"),
                    columns: vec!["p".into()],
                    ref_table: names[i + 1].clone(),
                    ref_columns: vec!["id".into()],
                    on_delete: None,
                    on_update: None,
                });
            }
            t
        })
        .collect();
    let order = TableOrder::new(&t);
    assert_eq!(order.tables()[0].name, names[n - 1]);
    assert_eq!(order.deferred().count(), 0);
}

proptest! {
    #[test]
    fn random_graphs(n in 1usize..60, keys in prop::collection::vec((any::<usize>(), any::<usize>()), 0..150)) {
        let names: Vec<String> = (0..n).map(|i| format!("t{i:02}")).collect();
        let mut targets: Vec<Vec<&str>> = vec![Vec::new(); n];
        for (from, to) in keys {
            targets[from % n].push(names[to % n].as_str());
        }
        let edges: Vec<(&str, &[&str])> = names
            .iter()
            .zip(&targets)
            .map(|(n, t)| (n.as_str(), t.as_slice()))
            .collect();
        check(&tables(&edges));
    }
}
