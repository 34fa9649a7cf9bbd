//! Folding a run of operations into fewer, for `retort squash`.
//!
//! [`squash_operations`] works like Django's migration optimizer: it looks
//! for pairs of operations on the same object that fold into one (or into
//! nothing) and moves the later one back to the earlier one only across
//! operations it commutes with. `execute`, `bulk_insert` and `irreversible`
//! are barriers: nothing folds or moves across them, so they keep their
//! place and the operations around them keep theirs.
//!
//! What folds:
//! - a table created and later dropped disappears with every operation on it
//!   in between (unless another table refers to it);
//! - `add_column`, `drop_column`, `alter_column` (rename included),
//!   `rename_table`, `create_unique`, `add_foreign_key` and `add_check` fold
//!   into the `create_table` of their table; names the naming convention gave
//!   the old spelling are written out, so every constraint keeps its name;
//! - a column added and dropped disappears; `add_column` then `alter_column`
//!   becomes one `add_column` when the alter changes no default (a default
//!   fills the rows of an existing table, so moving it would change data);
//! - an index, unique constraint, foreign key or check created and dropped
//!   disappears; `create_enum` then `alter_enum` becomes one `create_enum`,
//!   two `alter_enum` become the last, an enum created and dropped
//!   disappears; two renames of a table become one (or none).
//!
//! The result replays to the same schema as the input, up to the order of
//! constraints within a table ([`canonical`]).

use std::collections::HashSet;

use crate::naming::{fk_name, unique_name};
use crate::{ColumnSpec, ColumnType, ForeignKeySpec, Operation, Schema, UniqueSpec, Value};

/// `ops` with the pairs that fold folded; barriers stay in place.
pub fn squash_operations(ops: &[Operation]) -> Vec<Operation> {
    let mut out = Vec::with_capacity(ops.len());
    let mut segment = Vec::new();
    for op in ops {
        if touches(op).is_none() {
            out.extend(optimize_segment(std::mem::take(&mut segment)));
            out.push(op.clone());
        } else {
            segment.push(op.clone());
        }
    }
    out.extend(optimize_segment(segment));
    out
}

/// `schema` with each table's constraints and indexes sorted by name: two
/// schemas that differ only in the order constraints were added compare equal.
pub fn canonical(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for t in s.tables.values_mut() {
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

fn optimize_segment(mut ops: Vec<Operation>) -> Vec<Operation> {
    loop {
        if absorb_dropped_table(&mut ops) {
            continue;
        }
        if !fold_one(&mut ops) {
            return ops;
        }
    }
}

/// Folds the first pair that folds; false when none does.
fn fold_one(ops: &mut Vec<Operation>) -> bool {
    for j in 1..ops.len() {
        let tj = touches(&ops[j]).unwrap_or_default();
        for i in (0..j).rev() {
            if let Some(replacement) = fold(&ops[i], &ops[j]) {
                ops.remove(j);
                ops.splice(i..=i, replacement);
                return true;
            }
            let ti = touches(&ops[i]).unwrap_or_default();
            if !independent(&ops[i], &ti, &ops[j], &tj) {
                break;
            }
        }
    }
    false
}

/// `create_table T ... drop_table T`: both go, with every operation in
/// between that changes only `T`; nothing happens when another operation
/// in between refers to `T` (a foreign key to it, a rename). Without the
/// create, the changes to `T` just before its drop go.
fn absorb_dropped_table(ops: &mut Vec<Operation>) -> bool {
    for j in 0..ops.len() {
        let Operation::DropTable { table } = &ops[j] else {
            continue;
        };
        let key = format!("t:{table}");
        // Walking back from the drop, every operation that touches the
        // table must be its own, up to its create.
        let mut owned = vec![j];
        let mut created = false;
        // The operations in between that stay, and how many of `owned` can
        // go without the create: such an operation moves past what stays to
        // the drop, so it must be independent of each.
        let mut kept = Vec::new();
        let mut movable = None;
        for k in (0..j).rev() {
            let tk = touches(&ops[k]).unwrap_or_default();
            if !tk.contains(&key) {
                kept.push((k, tk));
                continue;
            }
            match &ops[k] {
                Operation::CreateTable { table: t2, .. } if t2 == table => {
                    owned.push(k);
                    created = true;
                    break;
                }
                Operation::RenameTable { .. } => break,
                op if op.table() == Some(table.as_str()) => {
                    let free = kept
                        .iter()
                        .all(|(m, tm)| independent(op, &tk, &ops[*m], tm));
                    if !free && movable.is_none() {
                        movable = Some(owned.len());
                    }
                    owned.push(k);
                }
                _ => break,
            }
        }
        if !created {
            // A table that existed before: the drop stays, and the changes
            // to it just before are moot.
            owned.truncate(movable.unwrap_or(owned.len()));
            owned.remove(0);
            if owned.is_empty() {
                continue;
            }
        }
        // Highest index first.
        for o in owned {
            ops.remove(o);
        }
        return true;
    }
    false
}

/// Whether `a` and `b` (with what they touch) can change places: they
/// touch nothing in common, and neither depends on the other through
/// something only the schema knows. A dropped key (or table or column,
/// which drop their keys) names its own table, not the one the key refers
/// to, so it stays before every drop or change of a table, column, key or
/// index; a dropped table or column frees names of
/// constraints and indexes it does not list, so nothing that names a new
/// constraint or index moves across it.
fn independent(a: &Operation, ta: &HashSet<String>, b: &Operation, tb: &HashSet<String>) -> bool {
    use Operation as O;
    let needs_key_gone = |op: &Operation| {
        matches!(
            op,
            O::DropTable { .. }
                | O::RenameTable { .. }
                | O::DropColumn { .. }
                | O::AlterColumn { .. }
                | O::AlterPrimaryKey { .. }
                | O::DropUnique { .. }
                | O::DropIndex { .. }
        )
    };
    // Drops a foreign key, maybe one it does not name.
    let key_drop = |op: &Operation| {
        matches!(
            op,
            O::DropForeignKey { .. } | O::DropColumn { .. } | O::DropTable { .. }
        )
    };
    let frees_names = |op: &Operation| {
        matches!(
            op,
            O::DropTable { .. } | O::DropColumn { .. } | O::AlterPrimaryKey { .. }
        )
    };
    let names = |t: &HashSet<String>| t.iter().any(|k| k.starts_with("n:"));
    ta.is_disjoint(tb)
        && !(key_drop(a) && needs_key_gone(b))
        && !(key_drop(b) && needs_key_gone(a))
        && !(frees_names(a) && names(tb))
        && !(frees_names(b) && names(ta))
}

/// The tables (`t:`), enum types (`e:`) and constraint names (`n:`) an
/// operation reads or changes; `None` for a barrier.
fn touches(op: &Operation) -> Option<HashSet<String>> {
    let mut s = HashSet::new();
    let t = |s: &mut HashSet<String>, name: &str| {
        s.insert(format!("t:{name}"));
    };
    let n = |s: &mut HashSet<String>, name: &str| {
        s.insert(format!("n:{name}"));
    };
    let col = |s: &mut HashSet<String>, table: &str, c: &ColumnSpec| {
        if let Some(e) = c.ty.enum_name() {
            s.insert(format!("e:{e}"));
        }
        if c.unique {
            s.insert(format!(
                "n:{}",
                unique_name(table, std::slice::from_ref(&c.name))
            ));
        }
    };
    match op {
        Operation::CreateTable {
            table,
            columns,
            uniques,
            foreign_keys,
            checks,
            ..
        } => {
            t(&mut s, table);
            for c in columns {
                col(&mut s, table, c);
            }
            for u in uniques {
                let name = u
                    .name
                    .clone()
                    .unwrap_or_else(|| unique_name(table, &u.columns));
                n(&mut s, &name);
            }
            for f in foreign_keys {
                t(&mut s, &f.ref_table);
                let name = f
                    .name
                    .clone()
                    .unwrap_or_else(|| fk_name(table, &f.columns, &f.ref_table));
                n(&mut s, &name);
            }
            for c in checks {
                n(&mut s, &c.name);
            }
        }
        Operation::DropTable { table }
        | Operation::DropColumn { table, .. }
        | Operation::AlterPrimaryKey { table, .. } => t(&mut s, table),
        Operation::RenameTable { table, new_name } => {
            t(&mut s, table);
            t(&mut s, new_name);
        }
        Operation::AddColumn { table, column } => {
            t(&mut s, table);
            col(&mut s, table, column);
        }
        Operation::AlterColumn { table, ty, .. } => {
            t(&mut s, table);
            if let Some(e) = ty.as_ref().and_then(|ty| ty.enum_name()) {
                s.insert(format!("e:{e}"));
            }
        }
        Operation::CreateIndex { table, name, .. }
        | Operation::DropIndex { table, name, .. }
        | Operation::ValidateConstraint { table, name }
        | Operation::DropUnique { table, name }
        | Operation::DropForeignKey { table, name }
        | Operation::AddCheck { table, name, .. }
        | Operation::DropCheck { table, name } => {
            t(&mut s, table);
            n(&mut s, name);
        }
        Operation::CreateUnique {
            table,
            name,
            columns,
        } => {
            t(&mut s, table);
            let name = name.clone().unwrap_or_else(|| unique_name(table, columns));
            n(&mut s, &name);
        }
        Operation::AddForeignKey {
            table,
            name,
            columns,
            ref_table,
            ..
        } => {
            t(&mut s, table);
            t(&mut s, ref_table);
            let name = name
                .clone()
                .unwrap_or_else(|| fk_name(table, columns, ref_table));
            n(&mut s, &name);
        }
        Operation::CreateEnum { name, .. }
        | Operation::AlterEnum { name, .. }
        | Operation::DropEnum { name } => {
            s.insert(format!("e:{name}"));
        }
        Operation::Execute { .. }
        | Operation::BulkInsert { .. }
        | Operation::Irreversible { .. } => {
            return None;
        }
    }
    Some(s)
}

/// What `a` followed (after operations it commutes with) by `b` folds
/// into, put where `a` was; `None` when they do not fold.
fn fold(a: &Operation, b: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    match (a, b) {
        (O::CreateTable { table, .. }, O::DropTable { table: t2 }) if table == t2 => {
            Some(Vec::new())
        }
        (O::CreateTable { table, .. }, _) if b.table() == Some(table.as_str()) => {
            fold_into_create(a, b).map(|c| vec![c])
        }
        (
            O::AddColumn { table, column },
            O::DropColumn {
                table: t2,
                column: c2,
            },
        ) if table == t2 && column.name == *c2 => Some(Vec::new()),
        (
            O::AddColumn { table, column },
            O::AlterColumn {
                table: t2,
                column: c2,
                ty,
                nullable,
                default,
                default_expr,
                drop_default,
                comment,
                drop_comment,
                new_name,
            },
        ) if table == t2 && column.name == *c2 => {
            // A default fills the rows an existing table has: moving one
            // into the add would fill them with another value.
            if default.is_some() || default_expr.is_some() || *drop_default {
                return None;
            }
            if new_name.is_some() && column.unique {
                return None;
            }
            if *nullable == Some(true) && column.primary_key {
                return None;
            }
            let mut c = column.clone();
            alter_spec(
                &mut c,
                ColumnAlter {
                    ty,
                    nullable,
                    default,
                    default_expr,
                    drop_default,
                    comment,
                    drop_comment,
                },
            )?;
            if let Some(n) = new_name {
                c.name = n.clone();
            }
            Some(vec![O::AddColumn {
                table: table.clone(),
                column: c,
            }])
        }
        (
            O::CreateIndex { table, name, .. },
            O::DropIndex {
                table: t2,
                name: n2,
                ..
            },
        )
        | (
            O::AddCheck { table, name, .. },
            O::DropCheck {
                table: t2,
                name: n2,
            },
        ) if table == t2 && name == n2 => Some(Vec::new()),
        (
            O::CreateUnique {
                table,
                name,
                columns,
            },
            O::DropUnique {
                table: t2,
                name: n2,
            },
        ) if table == t2 && name.clone().unwrap_or_else(|| unique_name(table, columns)) == *n2 => {
            Some(Vec::new())
        }
        (
            O::AddForeignKey {
                table,
                name,
                columns,
                ref_table,
                ..
            },
            O::DropForeignKey {
                table: t2,
                name: n2,
            },
        ) if table == t2
            && name
                .clone()
                .unwrap_or_else(|| fk_name(table, columns, ref_table))
                == *n2 =>
        {
            Some(Vec::new())
        }
        (O::CreateEnum { name, .. }, O::DropEnum { name: n2 }) if name == n2 => Some(Vec::new()),
        (O::CreateEnum { name, .. }, O::AlterEnum { name: n2, values })
        | (O::AlterEnum { name, .. }, O::AlterEnum { name: n2, values })
            if name == n2 =>
        {
            Some(vec![match a {
                O::CreateEnum { .. } => O::CreateEnum {
                    name: name.clone(),
                    values: values.clone(),
                },
                _ => O::AlterEnum {
                    name: name.clone(),
                    values: values.clone(),
                },
            }])
        }
        (
            O::RenameTable { table, new_name },
            O::RenameTable {
                table: t2,
                new_name: n2,
            },
        ) if new_name == t2 => {
            if n2 == table {
                Some(Vec::new())
            } else {
                Some(vec![O::RenameTable {
                    table: table.clone(),
                    new_name: n2.clone(),
                }])
            }
        }
        _ => None,
    }
}

/// `b`, an operation on the table `a` creates, folded into `a`.
/// The column-level fields of an `alter_column` (its rename aside).
struct ColumnAlter<'a> {
    ty: &'a Option<ColumnType>,
    nullable: &'a Option<bool>,
    default: &'a Option<Value>,
    default_expr: &'a Option<String>,
    drop_default: &'a bool,
    comment: &'a Option<String>,
    drop_comment: &'a bool,
}

/// Applies an `alter_column` to the column a `create_table` or an
/// `add_column` writes; `None` when the result could not be written so (an
/// autoincrement column given a non-integer type).
fn alter_spec(c: &mut ColumnSpec, a: ColumnAlter<'_>) -> Option<()> {
    if let Some(ty) = a.ty {
        if c.autoincrement && !ty.is_integer() {
            return None;
        }
        c.ty = ty.clone();
    }
    if let Some(n) = a.nullable {
        c.nullable = *n;
    }
    if let Some(v) = a.default {
        c.default = Some(v.clone());
        c.default_expr = None;
    }
    if let Some(e) = a.default_expr {
        c.default_expr = Some(e.clone());
        c.default = None;
    }
    if *a.drop_default {
        c.default = None;
        c.default_expr = None;
    }
    if let Some(cm) = a.comment {
        c.comment = Some(cm.clone());
    }
    if *a.drop_comment {
        c.comment = None;
    }
    Some(())
}

fn fold_into_create(a: &Operation, b: &Operation) -> Option<Operation> {
    let Operation::CreateTable {
        table,
        columns,
        primary_key,
        uniques,
        foreign_keys,
        checks,
        comment,
    } = a
    else {
        return None;
    };
    let (mut columns, mut primary_key, mut uniques, mut foreign_keys, mut checks) = (
        columns.clone(),
        primary_key.clone(),
        uniques.clone(),
        foreign_keys.clone(),
        checks.clone(),
    );
    let mut table_name = table.clone();
    let in_pk = |columns: &[ColumnSpec], primary_key: &[String], c: &str| {
        primary_key.iter().any(|p| p == c) || columns.iter().any(|s| s.name == c && s.primary_key)
    };
    match b {
        Operation::AddColumn { column, .. } => {
            if column.primary_key || columns.iter().any(|c| c.name == column.name) {
                return None;
            }
            columns.push(column.clone());
        }
        Operation::DropColumn { column, .. } => {
            let at = columns.iter().position(|c| c.name == *column)?;
            // A check's expression may name the column.
            if columns.len() == 1 || in_pk(&columns, &primary_key, column) || !checks.is_empty() {
                return None;
            }
            columns.remove(at);
            uniques.retain(|u| !u.columns.contains(column));
            foreign_keys.retain(|f| {
                let self_ref = f.ref_table == *table && f.ref_columns.contains(column);
                !(f.columns.contains(column) || self_ref)
            });
        }
        Operation::AlterColumn {
            column,
            ty,
            nullable,
            default,
            default_expr,
            drop_default,
            comment: col_comment,
            drop_comment,
            new_name,
            ..
        } => {
            let at = columns.iter().position(|c| c.name == *column)?;
            if *nullable == Some(true) && in_pk(&columns, &primary_key, column) {
                return None;
            }
            if (default.is_some() && default_expr.is_some())
                || ((default.is_some() || default_expr.is_some()) && *drop_default)
                || (col_comment.is_some() && *drop_comment)
            {
                return None;
            }
            alter_spec(
                &mut columns[at],
                ColumnAlter {
                    ty,
                    nullable,
                    default,
                    default_expr,
                    drop_default,
                    comment: col_comment,
                    drop_comment,
                },
            )?;
            if let Some(n) = new_name {
                // A check's expression names columns in SQL text the
                // rename would have to rewrite.
                if !checks.is_empty() || columns.iter().any(|c| c.name == *n) {
                    return None;
                }
                name_constraints(table, &mut columns, &mut uniques, &mut foreign_keys);
                columns[at].name = n.clone();
                let fix = |cols: &mut Vec<String>| {
                    for c in cols.iter_mut().filter(|c| *c == column) {
                        *c = n.clone();
                    }
                };
                fix(&mut primary_key);
                uniques.iter_mut().for_each(|u| fix(&mut u.columns));
                for f in &mut foreign_keys {
                    fix(&mut f.columns);
                    if f.ref_table == *table {
                        fix(&mut f.ref_columns);
                    }
                }
            }
        }
        Operation::RenameTable { new_name, .. } => {
            name_constraints(table, &mut columns, &mut uniques, &mut foreign_keys);
            for f in &mut foreign_keys {
                if f.ref_table == *table {
                    f.ref_table = new_name.clone();
                }
            }
            table_name = new_name.clone();
        }
        Operation::CreateUnique {
            name, columns: u, ..
        } => uniques.push(UniqueSpec {
            name: Some(name.clone().unwrap_or_else(|| unique_name(table, u))),
            columns: u.clone(),
        }),
        Operation::AddForeignKey {
            name,
            columns: cols,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
            ..
        } => foreign_keys.push(ForeignKeySpec {
            name: Some(
                name.clone()
                    .unwrap_or_else(|| fk_name(table, cols, ref_table)),
            ),
            columns: cols.clone(),
            ref_table: ref_table.clone(),
            ref_columns: ref_columns.clone(),
            on_delete: *on_delete,
            on_update: *on_update,
        }),
        Operation::AddCheck { name, expr, .. } => checks.push(crate::CheckSpec {
            name: name.clone(),
            expr: expr.clone(),
        }),
        _ => return None,
    }
    Some(Operation::CreateTable {
        table: table_name,
        columns,
        primary_key,
        uniques,
        foreign_keys,
        checks,
        comment: comment.clone(),
    })
}

/// Writes out the names the naming convention gives `table`'s unnamed
/// unique constraints (column flags included) and foreign keys, so that a
/// rename of the table or of a column leaves them as they were.
fn name_constraints(
    table: &str,
    columns: &mut [ColumnSpec],
    uniques: &mut Vec<UniqueSpec>,
    foreign_keys: &mut [ForeignKeySpec],
) {
    // Column flags come before the table's own uniques, as `create_table`
    // builds them.
    let mut flagged = Vec::new();
    for c in columns.iter_mut().filter(|c| c.unique) {
        c.unique = false;
        let cols = vec![c.name.clone()];
        flagged.push(UniqueSpec {
            name: Some(unique_name(table, &cols)),
            columns: cols,
        });
    }
    for u in uniques.iter_mut() {
        if u.name.is_none() {
            u.name = Some(unique_name(table, &u.columns));
        }
    }
    flagged.append(uniques);
    *uniques = flagged;
    for f in foreign_keys.iter_mut() {
        if f.name.is_none() {
            f.name = Some(fk_name(table, &f.columns, &f.ref_table));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ColumnType, apply_all};

    fn col(name: &str) -> ColumnSpec {
        ColumnSpec::new(name, ColumnType::Integer)
    }

    fn create(table: &str, cols: &[&str]) -> Operation {
        Operation::CreateTable {
            table: table.into(),
            columns: cols.iter().map(|c| col(c)).collect(),
            primary_key: vec![],
            uniques: vec![],
            foreign_keys: vec![],
            checks: vec![],
            comment: None,
        }
    }

    #[track_caller]
    fn check(ops: Vec<Operation>, expect: Vec<Operation>) {
        let got = squash_operations(&ops);
        assert_eq!(got, expect);
        let mut a = Schema::default();
        apply_all(&mut a, &ops).unwrap();
        let mut b = Schema::default();
        apply_all(&mut b, &got).unwrap();
        assert_eq!(canonical(&a), canonical(&b));
    }

    #[test]
    fn created_then_dropped_table_disappears() {
        check(
            vec![
                create("a", &["id"]),
                create("t", &["id"]),
                Operation::CreateIndex {
                    table: "t".into(),
                    name: "ix".into(),
                    columns: vec!["id".into()],
                    unique: false,
                    concurrently: false,
                },
                Operation::DropTable { table: "t".into() },
            ],
            vec![create("a", &["id"])],
        );
    }

    #[test]
    fn add_then_alter_then_rename_fold_into_the_create() {
        check(
            vec![
                create("t", &["id"]),
                Operation::AddColumn {
                    table: "t".into(),
                    column: col("x"),
                },
                Operation::AlterColumn {
                    table: "t".into(),
                    column: "x".into(),
                    ty: Some(ColumnType::BigInteger),
                    nullable: Some(true),
                    default: None,
                    default_expr: None,
                    drop_default: false,
                    comment: None,
                    drop_comment: false,
                    new_name: Some("y".into()),
                },
                Operation::RenameTable {
                    table: "t".into(),
                    new_name: "u".into(),
                },
            ],
            vec![Operation::CreateTable {
                table: "u".into(),
                columns: vec![col("id"), {
                    let mut c = ColumnSpec::new("y", ColumnType::BigInteger);
                    c.nullable = true;
                    c
                }],
                primary_key: vec![],
                uniques: vec![],
                foreign_keys: vec![],
                checks: vec![],
                comment: None,
            }],
        );
    }

    #[test]
    fn nothing_moves_across_execute() {
        let exec = Operation::Execute {
            sql: crate::ExecuteSql::All("UPDATE t SET id = 1".into()),
        };
        check(
            vec![
                create("t", &["id"]),
                exec.clone(),
                Operation::AddColumn {
                    table: "t".into(),
                    column: col("x"),
                },
                Operation::DropColumn {
                    table: "t".into(),
                    column: "x".into(),
                },
            ],
            vec![create("t", &["id"]), exec],
        );
    }

    /// The key of `c` to `p` must go before `p` does, although the key's
    /// drop names only `c`: it is not moot before `c`'s own drop.
    #[test]
    fn a_dropped_key_stays_before_the_drop_of_the_table_it_refers_to() {
        let mut start = Schema::default();
        let mut child = create("c", &["id", "r"]);
        if let Operation::CreateTable { foreign_keys, .. } = &mut child {
            foreign_keys.push(ForeignKeySpec {
                name: Some("fk_c_p".into()),
                columns: vec!["r".into()],
                ref_table: "p".into(),
                ref_columns: vec!["id".into()],
                on_delete: None,
                on_update: None,
            });
        }
        apply_all(&mut start, &[create("p", &["id"]), child]).unwrap();
        let ops = vec![
            Operation::DropForeignKey {
                table: "c".into(),
                name: "fk_c_p".into(),
            },
            Operation::DropTable { table: "p".into() },
            Operation::DropTable { table: "c".into() },
        ];
        let got = squash_operations(&ops);
        assert_eq!(got, ops);
        apply_all(&mut start, &got).unwrap();
        assert!(start.tables.is_empty());
    }

    #[test]
    fn a_default_does_not_fold_into_an_add_on_an_existing_table() {
        let ops = vec![
            Operation::AddColumn {
                table: "t".into(),
                column: col("x"),
            },
            Operation::AlterColumn {
                table: "t".into(),
                column: "x".into(),
                ty: None,
                nullable: None,
                default: None,
                default_expr: None,
                drop_default: true,
                comment: None,
                drop_comment: false,
                new_name: None,
            },
        ];
        assert_eq!(squash_operations(&ops), ops);
    }
}
