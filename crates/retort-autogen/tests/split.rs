//! `split`: a big change cut into parts of at most N new tables, parents
//! first, cycle keys after both of their tables, each part's downgrade
//! undoing exactly that part.

use std::collections::HashMap;

use retort_autogen::{Part, split};
use retort_core::{Column, ColumnType, ForeignKey, Operation, PrimaryKey, Replay, Schema, Table};
use retort_diff::{DiffOptions, diff};

fn table(name: &str, parents: &[&str]) -> Table {
    let mut t = Table::new(name);
    t.columns.push(Column::new("id", ColumnType::Integer));
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    for p in parents {
        let col = format!("{p}_id");
        let mut c = Column::new(col.clone(), ColumnType::Integer);
        c.nullable = true;
        t.columns.push(c);
        t.foreign_keys.push(ForeignKey {
            name: format!("{name}_{col}_fkey"),
            columns: vec![col],
            ref_table: (*p).to_owned(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
        });
    }
    t
}

fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema::default();
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    s
}

/// The part each table is created in.
fn created_in(parts: &[Part]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, p) in parts.iter().enumerate() {
        for op in &p.upgrade {
            if let Operation::CreateTable { table, .. } = op {
                out.insert(table.clone(), i);
            }
        }
    }
    out
}

/// Replays every part up from `from`, then every downgrade back, checking
/// that each part's downgrade gives back the schema the part applied to;
/// returns the schema at the top.
fn replay_parts(from: &Schema, parts: &[Part]) -> Schema {
    let mut r = Replay::new(from.clone());
    let mut befores = Vec::new();
    for p in parts {
        befores.push(r.schema().clone());
        for op in &p.upgrade {
            r.apply(op).unwrap();
        }
    }
    let top = r.schema().clone();
    for (p, before) in parts.iter().zip(&befores).rev() {
        for op in &p.downgrade {
            r.apply(op).unwrap();
        }
        assert_eq!(
            r.schema().tables.keys().collect::<Vec<_>>(),
            before.tables.keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(
        r.schema().tables.keys().collect::<Vec<_>>(),
        from.tables.keys().collect::<Vec<_>>()
    );
    top
}

#[test]
fn a_chain_of_tables_is_cut_parents_first() {
    let tables: Vec<Table> = (0..25)
        .map(|i| {
            let parent = format!("t{:02}", i.max(1) - 1);
            let parents: Vec<&str> = if i == 0 {
                vec![]
            } else {
                vec![parent.as_str()]
            };
            table(&format!("t{i:02}"), &parents)
        })
        .collect();
    let to = schema(tables);
    let from = Schema::default();
    let d = diff(&from, &to, &DiffOptions::default());
    let parts = split(&from, &d, 10).unwrap();
    assert_eq!(
        parts.iter().map(|p| p.tables).collect::<Vec<_>>(),
        [10, 10, 5]
    );
    let at = created_in(&parts);
    for t in to.tables.values() {
        for fk in &t.foreign_keys {
            assert!(
                at[&fk.ref_table] <= at[&t.name],
                "{} -> {}",
                t.name,
                fk.ref_table
            );
        }
    }
    let top = replay_parts(&from, &parts);
    assert_eq!(top.tables.len(), 25);
    // Each downgrade drops only its own part's tables.
    for (i, p) in parts.iter().enumerate() {
        for op in &p.downgrade {
            if let Operation::DropTable { table } = op {
                assert_eq!(at[table], i);
            }
        }
    }
}

#[test]
fn cycle_keys_come_after_both_tables() {
    // a <-> b, b <-> c, a self reference: one table a part.
    let to = schema(vec![
        table("a", &["a", "b"]),
        table("b", &["a", "c"]),
        table("c", &["b"]),
    ]);
    let from = Schema::default();
    let d = diff(&from, &to, &DiffOptions::default());
    let parts = split(&from, &d, 1).unwrap();
    assert_eq!(parts.len(), 3);
    let at = created_in(&parts);
    for (i, p) in parts.iter().enumerate() {
        for op in &p.upgrade {
            if let Operation::AddForeignKey {
                table, ref_table, ..
            } = op
            {
                assert_eq!(i, at[table].max(at[ref_table]), "{op:?}");
            }
            if let Operation::CreateTable {
                table,
                foreign_keys,
                ..
            } = op
            {
                for fk in foreign_keys {
                    assert!(at[&fk.ref_table] <= at[table]);
                }
            }
        }
    }
    let top = replay_parts(&from, &parts);
    assert_eq!(top, replay_whole(&from, &d.upgrade));
}

fn replay_whole(from: &Schema, ops: &[Operation]) -> Schema {
    let mut r = Replay::new(from.clone());
    for op in ops {
        r.apply(op).unwrap();
    }
    r.into_schema()
}

#[test]
fn a_change_that_fits_comes_back_whole() {
    let to = schema(vec![table("a", &[]), table("b", &["a"])]);
    let from = Schema::default();
    let d = diff(&from, &to, &DiffOptions::default());
    let parts = split(&from, &d, 2).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].upgrade, d.upgrade);
    assert_eq!(parts[0].downgrade, d.downgrade);
}

#[test]
fn changes_to_existing_tables_stay_in_the_first_part() {
    // Two existing tables change (a column each, one key to a new table);
    // five new ones arrive; three tables a part.
    let from = schema(vec![table("old1", &[]), table("old2", &[])]);
    let mut old1 = table("old1", &[]);
    old1.columns.push(Column::new("extra", ColumnType::Text));
    let mut old2 = table("old2", &[]);
    old2.columns.push(Column::new("extra", ColumnType::Text));
    let mut tables = vec![old1, old2];
    tables.extend((0..5).map(|i| table(&format!("n{i}"), &[])));
    let mut to = schema(tables);
    // old2 points at the last new table: that key waits for it.
    let key = table("old2", &["n4"]).foreign_keys.remove(0);
    let old2 = to.tables.get_mut("old2").unwrap();
    old2.columns.push({
        let mut c = Column::new("n4_id", ColumnType::Integer);
        c.nullable = true;
        c
    });
    old2.foreign_keys.push(key);
    let d = diff(&from, &to, &DiffOptions::default());
    let parts = split(&from, &d, 3).unwrap();
    // Part 1: the two old tables and one new; then 3, then 1.
    assert_eq!(
        parts.iter().map(|p| p.tables).collect::<Vec<_>>(),
        [1, 3, 1]
    );
    assert!(
        parts[0]
            .upgrade
            .iter()
            .any(|op| matches!(op, Operation::AddColumn { table, .. } if table == "old1"))
    );
    let key_part = parts
        .iter()
        .position(|p| {
            p.upgrade
                .iter()
                .any(|op| matches!(op, Operation::AddForeignKey { table, .. } if table == "old2"))
        })
        .unwrap();
    assert_eq!(key_part, 2);
    let top = replay_parts(&from, &parts);
    assert_eq!(top, replay_whole(&from, &d.upgrade));
}
