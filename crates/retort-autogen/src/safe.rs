//! `[autogenerate] safe = true`: the PostgreSQL forms of a revision's
//! operations that do not block writes to tables that already hold rows.

use std::collections::HashSet;

use retort_core::{Dialect, Operation, Schema, fk_name};
use retort_diff::Diff;

/// Rewrites `diff` (planned from `from` to `to`) for `dialect`: on
/// PostgreSQL, an index created or dropped on a table both sides have is
/// built or dropped `concurrently`, and a foreign key or check added to
/// such a table is added with `validate = false` and validated by a
/// `validate_constraint` right after (which the runner runs after the
/// revision's transaction, so the add's lock is gone by then). Both
/// directions; tables created or dropped by the revision keep the plain
/// forms (they hold no rows anyone waits on). Returns a note when the
/// dialect has no such forms.
pub fn safe_forms(
    diff: &mut Diff,
    from: &Schema,
    to: &Schema,
    dialect: Option<Dialect>,
) -> Option<String> {
    if dialect != Some(Dialect::Postgres) {
        return Some(format!(
            "`[autogenerate] safe = true` writes PostgreSQL's forms only; {} keeps the plain ones",
            dialect.map_or_else(
                || "a revision planned without a dialect".to_owned(),
                |d| d.to_string()
            )
        ));
    }
    let existing: HashSet<&str> = from
        .tables
        .keys()
        .filter(|t| to.tables.contains_key(*t))
        .map(String::as_str)
        .collect();
    diff.upgrade = safe_list(std::mem::take(&mut diff.upgrade), &existing);
    diff.downgrade = safe_list(std::mem::take(&mut diff.downgrade), &existing);
    None
}

fn safe_list(ops: Vec<Operation>, existing: &HashSet<&str>) -> Vec<Operation> {
    let mut out = Vec::with_capacity(ops.len());
    for mut op in ops {
        let on_existing = op.table().is_some_and(|t| existing.contains(t));
        let mut validate = None;
        if on_existing {
            match &mut op {
                Operation::CreateIndex { concurrently, .. }
                | Operation::DropIndex { concurrently, .. } => *concurrently = true,
                Operation::AddForeignKey {
                    table,
                    name,
                    columns,
                    ref_table,
                    validate: v,
                    ..
                } => {
                    *v = false;
                    let name = name
                        .clone()
                        .unwrap_or_else(|| fk_name(table, columns, ref_table));
                    validate = Some((table.clone(), name));
                }
                Operation::AddCheck {
                    table,
                    name,
                    validate: v,
                    ..
                } => {
                    *v = false;
                    validate = Some((table.clone(), name.clone()));
                }
                _ => {}
            }
        }
        out.push(op);
        if let Some((table, name)) = validate {
            out.push(Operation::ValidateConstraint { table, name });
        }
    }
    out
}
