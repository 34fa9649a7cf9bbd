//! The reverse of an operation, computed from the schema it applies to.

use crate::naming::{fk_name, unique_name};
use crate::{
    CheckSpec, ColumnDefault, ColumnSpec, ForeignKeySpec, Operation, ReplayError, Schema, Table,
    TableOrder, UniqueSpec,
};

/// The operations that undo `op`, given the schema `before` it applies.
///
/// Replaying `op` and then the result gives back `before` (up to the order
/// of indexes and constraints). Raw SQL, row inserts and irreversible
/// markers have no known reverse and are an error.
pub fn reverse(op: &Operation, before: &Schema) -> Result<Vec<Operation>, ReplayError> {
    let table = |name: &str| {
        before
            .table(name)
            .ok_or_else(|| ReplayError::NoSuchTable(name.to_owned()))
    };
    Ok(match op {
        Operation::CreateTable { table, .. } => vec![Operation::DropTable {
            table: table.clone(),
        }],
        Operation::DropTable { table: name } => create_table_ops(table(name)?),
        Operation::RenameTable { table, new_name } => {
            vec![Operation::RenameTable {
                table: new_name.clone(),
                new_name: table.clone(),
            }]
        }
        Operation::AddColumn { table: t, column } => {
            vec![Operation::DropColumn {
                table: t.clone(),
                column: column.name.clone(),
            }]
        }
        Operation::DropColumn {
            table: name,
            column,
        } => {
            let t = table(name)?;
            let col = t.column(column).ok_or_else(|| ReplayError::NoSuchColumn {
                table: name.clone(),
                column: column.clone(),
            })?;
            let mut ops = vec![Operation::AddColumn {
                table: name.clone(),
                column: ColumnSpec::from_column(col),
            }];
            let has = |cols: &[String]| cols.contains(column);
            for u in t.uniques.iter().filter(|u| has(&u.columns)) {
                ops.push(Operation::CreateUnique {
                    table: name.clone(),
                    name: Some(u.name.clone()),
                    columns: u.columns.clone(),
                });
            }
            for i in t.indexes.iter().filter(|i| has(&i.columns)) {
                ops.push(Operation::CreateIndex {
                    table: name.clone(),
                    name: i.name.clone(),
                    columns: i.columns.clone(),
                    unique: i.unique,
                    concurrently: false,
                });
            }
            for f in t.foreign_keys.iter().filter(|f| has(&f.columns)) {
                ops.push(add_fk(name, f));
            }
            for other in before.tables.values() {
                for f in other
                    .foreign_keys
                    .iter()
                    .filter(|f| f.ref_table == *name && has(&f.ref_columns))
                {
                    if other.name != *name || !has(&f.columns) {
                        ops.push(add_fk(&other.name, f));
                    }
                }
            }
            ops
        }
        Operation::AlterColumn {
            table: name,
            column,
            ty,
            nullable,
            default,
            default_expr,
            drop_default,
            comment,
            drop_comment,
            new_name,
        } => {
            let t = table(name)?;
            let col = t.column(column).ok_or_else(|| ReplayError::NoSuchColumn {
                table: name.clone(),
                column: column.clone(),
            })?;
            let touches_default = default.is_some() || default_expr.is_some() || *drop_default;
            let (old_default, old_default_expr, old_drop) = match (&col.default, touches_default) {
                (_, false) => (None, None, false),
                (None, true) => (None, None, true),
                (Some(ColumnDefault::Literal(v)), true) => (Some(v.clone()), None, false),
                (Some(ColumnDefault::Expr(e)), true) => (None, Some(e.clone()), false),
            };
            let touches_comment = comment.is_some() || *drop_comment;
            vec![Operation::AlterColumn {
                table: name.clone(),
                column: new_name.clone().unwrap_or_else(|| column.clone()),
                ty: ty.as_ref().map(|_| col.ty.clone()),
                nullable: nullable.map(|_| col.nullable),
                default: old_default,
                default_expr: old_default_expr,
                drop_default: old_drop,
                comment: if touches_comment {
                    col.comment.clone()
                } else {
                    None
                },
                drop_comment: touches_comment && col.comment.is_none(),
                new_name: new_name.as_ref().map(|_| column.clone()),
            }]
        }
        Operation::AlterPrimaryKey {
            table: tname,
            columns,
        } => {
            let t = table(tname)?;
            let mut ops = vec![Operation::AlterPrimaryKey {
                table: tname.clone(),
                columns: t.pk_columns().to_vec(),
            }];
            // Columns the new key made NOT NULL get their nullability back.
            for c in columns {
                if let Some(col) = t.column(c).filter(|col| col.nullable) {
                    ops.push(Operation::AlterColumn {
                        table: tname.clone(),
                        column: col.name.clone(),
                        ty: None,
                        nullable: Some(true),
                        default: None,
                        default_expr: None,
                        drop_default: false,
                        comment: None,
                        drop_comment: false,
                        new_name: None,
                    });
                }
            }
            ops
        }
        // A concurrent build is undone concurrently, and the other way round.
        Operation::CreateIndex {
            table,
            name,
            concurrently,
            ..
        } => {
            vec![Operation::DropIndex {
                table: table.clone(),
                name: name.clone(),
                concurrently: *concurrently,
            }]
        }
        Operation::DropIndex {
            table: tname,
            name,
            concurrently,
        } => {
            let i = table(tname)?
                .indexes
                .iter()
                .find(|i| i.name == *name)
                .ok_or_else(|| ReplayError::NoSuchConstraint {
                    kind: "index",
                    table: tname.clone(),
                    name: name.clone(),
                })?;
            vec![Operation::CreateIndex {
                table: tname.clone(),
                name: name.clone(),
                columns: i.columns.clone(),
                unique: i.unique,
                concurrently: *concurrently,
            }]
        }
        Operation::CreateUnique {
            table,
            name,
            columns,
        } => vec![Operation::DropUnique {
            table: table.clone(),
            name: name.clone().unwrap_or_else(|| unique_name(table, columns)),
        }],
        Operation::DropUnique { table: tname, name } => {
            let u = table(tname)?
                .uniques
                .iter()
                .find(|u| u.name == *name)
                .ok_or_else(|| ReplayError::NoSuchConstraint {
                    kind: "unique constraint",
                    table: tname.clone(),
                    name: name.clone(),
                })?;
            vec![Operation::CreateUnique {
                table: tname.clone(),
                name: Some(name.clone()),
                columns: u.columns.clone(),
            }]
        }
        Operation::AddForeignKey {
            table,
            name,
            columns,
            ref_table,
            ..
        } => vec![Operation::DropForeignKey {
            table: table.clone(),
            name: name
                .clone()
                .unwrap_or_else(|| fk_name(table, columns, ref_table)),
        }],
        Operation::DropForeignKey { table: tname, name } => {
            let f = table(tname)?
                .foreign_keys
                .iter()
                .find(|f| f.name == *name)
                .ok_or_else(|| ReplayError::NoSuchConstraint {
                    kind: "foreign key",
                    table: tname.clone(),
                    name: name.clone(),
                })?;
            vec![add_fk(tname, f)]
        }
        Operation::AddCheck { table, name, .. } => {
            vec![Operation::DropCheck {
                table: table.clone(),
                name: name.clone(),
            }]
        }
        Operation::DropCheck { table: tname, name } => {
            let c = table(tname)?
                .checks
                .iter()
                .find(|c| c.name == *name)
                .ok_or_else(|| ReplayError::NoSuchConstraint {
                    kind: "check constraint",
                    table: tname.clone(),
                    name: name.clone(),
                })?;
            vec![Operation::AddCheck {
                table: tname.clone(),
                name: name.clone(),
                expr: c.expr.clone(),
                validate: true,
            }]
        }
        // Validation changes no schema: undoing it does nothing.
        Operation::ValidateConstraint { .. } => Vec::new(),
        Operation::CreateEnum { name, .. } => vec![Operation::DropEnum { name: name.clone() }],
        Operation::AlterEnum { name, .. } => {
            let e = before
                .enums
                .get(name)
                .ok_or_else(|| ReplayError::NoSuchEnum(name.clone()))?;
            vec![Operation::AlterEnum {
                name: name.clone(),
                values: e.values.clone(),
            }]
        }
        Operation::DropEnum { name } => {
            let e = before
                .enums
                .get(name)
                .ok_or_else(|| ReplayError::NoSuchEnum(name.clone()))?;
            vec![Operation::CreateEnum {
                name: name.clone(),
                values: e.values.clone(),
            }]
        }
        Operation::Execute { .. } => {
            return Err(ReplayError::Irreversible {
                op: "execute",
                reason: Some("raw SQL has no known reverse".into()),
            });
        }
        Operation::BulkInsert { .. } => {
            return Err(ReplayError::Irreversible {
                op: "bulk_insert",
                reason: Some("inserted rows have no known reverse".into()),
            });
        }
        Operation::Irreversible { reason } => {
            return Err(ReplayError::Irreversible {
                op: "irreversible",
                reason: reason.clone(),
            });
        }
    })
}

fn add_fk(table: &str, f: &crate::ForeignKey) -> Operation {
    Operation::AddForeignKey {
        table: table.to_owned(),
        name: Some(f.name.clone()),
        columns: f.columns.clone(),
        ref_table: f.ref_table.clone(),
        ref_columns: f.ref_columns.clone(),
        on_delete: f.on_delete,
        on_update: f.on_update,
        validate: true,
    }
}

/// The `create_table` (and `create_index`) operations that build `t`.
///
/// A one-column key or unique constraint named by the convention is written
/// on its column (`primary_key = true`, `unique = true`), as a person would.
pub fn create_table_ops(t: &Table) -> Vec<Operation> {
    let single_pk = match t.pk_columns() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let mut inline_unique = Vec::new();
    let mut uniques = Vec::new();
    for u in &t.uniques {
        match u.columns.as_slice() {
            [one] if u.name == unique_name(&t.name, &u.columns) && !inline_unique.contains(one) => {
                inline_unique.push(one.clone());
            }
            _ => uniques.push(UniqueSpec {
                name: Some(u.name.clone()),
                columns: u.columns.clone(),
            }),
        }
    }
    let columns = t
        .columns
        .iter()
        .map(|c| {
            let mut spec = ColumnSpec::from_column(c);
            spec.primary_key = single_pk.as_deref() == Some(c.name.as_str());
            spec.unique = inline_unique.contains(&c.name);
            spec
        })
        .collect();
    let mut ops = vec![Operation::CreateTable {
        table: t.name.clone(),
        columns,
        primary_key: if single_pk.is_some() {
            Vec::new()
        } else {
            t.pk_columns().to_vec()
        },
        uniques,
        foreign_keys: t
            .foreign_keys
            .iter()
            .map(|f| ForeignKeySpec {
                name: (f.name != fk_name(&t.name, &f.columns, &f.ref_table))
                    .then(|| f.name.clone()),
                columns: f.columns.clone(),
                ref_table: f.ref_table.clone(),
                ref_columns: f.ref_columns.clone(),
                on_delete: f.on_delete,
                on_update: f.on_update,
            })
            .collect(),
        checks: t
            .checks
            .iter()
            .map(|c| CheckSpec {
                name: c.name.clone(),
                expr: c.expr.clone(),
            })
            .collect(),
        comment: t.comment.clone(),
    }];
    for i in &t.indexes {
        ops.push(Operation::CreateIndex {
            table: t.name.clone(),
            name: i.name.clone(),
            columns: i.columns.clone(),
            unique: i.unique,
            concurrently: false,
        });
    }
    ops
}

/// Operations that build `schema` from nothing: enum types, then tables with
/// parents before children; foreign keys that close a cycle are added after
/// both tables exist.
pub fn create_schema_ops(schema: &Schema) -> Vec<Operation> {
    let mut ops: Vec<Operation> = schema
        .enums
        .values()
        .map(|e| Operation::CreateEnum {
            name: e.name.clone(),
            values: e.values.clone(),
        })
        .collect();
    let order = TableOrder::new(schema.tables.values());
    for t in order.create() {
        ops.extend(create_table_ops(&t));
    }
    ops.extend(order.deferred().map(|(t, f)| add_fk(&t.name, f)));
    ops
}
