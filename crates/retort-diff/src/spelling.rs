//! Writing the models' own types and defaults into the operations.
//!
//! The diff compares schemas mapped to what one dialect stores (MySQL's
//! `varchar(255)` for `varchar`, SQLite's `integer` for `bigint`), but a
//! revision file should say what the models say, so that it renders well on
//! every dialect. [`Diff::respell`] takes the types and defaults of new and
//! altered columns from the unmapped schemas. Enum column types are kept
//! as compared (MySQL names its enum types after the column).

use retort_core::{ColumnDefault, ColumnSpec, Operation, Schema};

use crate::Diff;

impl Diff {
    /// Takes column types and defaults of the upgrade from `to` and of the
    /// downgrade from `from`: the schemas [`crate::diff`] compared, before
    /// they were mapped to a dialect.
    pub fn respell(&mut self, from: &Schema, to: &Schema) {
        respell_ops(&mut self.upgrade, to);
        respell_ops(&mut self.downgrade, from);
    }
}

fn respell_ops(ops: &mut [Operation], raw: &Schema) {
    for op in ops {
        match op {
            Operation::CreateTable { table, columns, .. } => {
                for spec in columns {
                    respell_spec(raw, table, spec);
                }
            }
            Operation::AddColumn { table, column } => respell_spec(raw, table, column),
            Operation::AlterColumn {
                table,
                column,
                ty,
                default,
                default_expr,
                new_name,
                ..
            } => {
                let name = new_name.as_deref().unwrap_or(column);
                let Some(c) = raw.table(table).and_then(|t| t.column(name)) else {
                    continue;
                };
                if ty.is_some()
                    && c.ty.enum_name().is_none()
                    && ty.as_ref().is_some_and(|t| t.enum_name().is_none())
                {
                    *ty = Some(c.ty.clone());
                }
                if default.is_some() || default_expr.is_some() {
                    match &c.default {
                        Some(ColumnDefault::Literal(v)) => {
                            *default = Some(v.clone());
                            *default_expr = None;
                        }
                        Some(ColumnDefault::Expr(e)) => {
                            *default = None;
                            *default_expr = Some(e.clone());
                        }
                        None => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn respell_spec(raw: &Schema, table: &str, spec: &mut ColumnSpec) {
    let Some(c) = raw.table(table).and_then(|t| t.column(&spec.name)) else {
        return;
    };
    if c.ty.enum_name().is_none() && spec.ty.enum_name().is_none() {
        spec.ty = c.ty.clone();
    }
    if spec.default.is_some() || spec.default_expr.is_some() {
        let raw_spec = ColumnSpec::from_column(c);
        if raw_spec.default.is_some() || raw_spec.default_expr.is_some() {
            spec.default = raw_spec.default;
            spec.default_expr = raw_spec.default_expr;
        }
    }
}
