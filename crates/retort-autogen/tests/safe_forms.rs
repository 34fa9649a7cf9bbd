//! `[autogenerate] safe = true` on PostgreSQL: indexes on existing tables
//! `concurrently`, keys and checks `validate = false` then
//! `validate_constraint`; tables the revision creates keep the plain forms.

use retort_core::{
    Check, Column, ColumnType, Dialect, ForeignKey, Index, Operation, Schema, Table,
};
use retort_diff::{DiffOptions, diff};

fn table(name: &str) -> Table {
    let mut t = Table::new(name);
    t.columns.push(Column::new("id", ColumnType::Integer));
    t.columns.push(Column::new("other_id", ColumnType::Integer));
    t
}

#[test]
fn safe_forms_on_existing_tables_only() {
    let mut from = Schema::default();
    from.tables.insert("a".into(), table("a"));
    from.tables.insert("b".into(), table("b"));
    let mut to = from.clone();
    let a = to.tables.get_mut("a").unwrap();
    a.indexes.push(Index {
        name: "ix_a_other".into(),
        columns: vec!["other_id".into()],
        unique: false,
    });
    a.checks.push(Check {
        name: "ck_a".into(),
        expr: "id > 0".into(),
    });
    a.foreign_keys.push(ForeignKey {
        name: "fk_a_b".into(),
        columns: vec!["other_id".into()],
        ref_table: "b".into(),
        ref_columns: vec!["id".into()],
        on_delete: None,
        on_update: None,
    });
    let mut fresh = table("c");
    fresh.indexes.push(Index {
        name: "ix_c_other".into(),
        columns: vec!["other_id".into()],
        unique: false,
    });
    to.tables.insert("c".into(), fresh);
    let mut d = diff(&from, &to, &DiffOptions::default());
    assert!(retort_autogen::safe_forms(&mut d, &from, &to, Some(Dialect::Postgres)).is_none());
    let kinds: Vec<String> = d.upgrade.iter().map(Operation::describe).collect();
    let has = |want: &str| kinds.iter().any(|k| k == want);
    assert!(
        has("create index `ix_a_other` on `a` (other_id) concurrently"),
        "{kinds:#?}"
    );
    assert!(
        has("create index `ix_c_other` on `c` (other_id)"),
        "{kinds:#?}"
    );
    assert!(has("add check `ck_a` on `a` not valid"), "{kinds:#?}");
    assert!(
        has("add foreign key `a` (other_id) -> `b` not valid"),
        "{kinds:#?}"
    );
    for name in ["ck_a", "fk_a_b"] {
        let add = d
            .upgrade
            .iter()
            .position(|o| {
                o.describe().contains("not valid")
                    && o.describe()
                        .contains(if name == "ck_a" { "ck_a" } else { "-> `b`" })
            })
            .unwrap();
        assert_eq!(
            d.upgrade[add + 1],
            Operation::ValidateConstraint {
                table: "a".into(),
                name: name.into(),
            },
            "{kinds:#?}"
        );
    }
    // The downgrade drops the index concurrently too.
    assert!(
        d.downgrade
            .iter()
            .any(|o| o.describe() == "drop index `ix_a_other` on `a` concurrently"),
        "{:#?}",
        d.downgrade
    );
    // Replayed, the safe forms build what the models describe.
    let mut s = from.clone();
    retort_core::apply_all(&mut s, &d.upgrade).unwrap();
    assert!(diff(&s, &to, &DiffOptions::default()).is_empty());

    // Other dialects keep the plain forms, with a note.
    let mut plain = diff(&from, &to, &DiffOptions::default());
    let before = plain.upgrade.clone();
    assert!(retort_autogen::safe_forms(&mut plain, &from, &to, Some(Dialect::Mysql)).is_some());
    assert_eq!(plain.upgrade, before);
}
