//! Writing the models' own types and defaults into the operations.
//!
//! The diff compares schemas mapped to what one dialect stores (MySQL's
//! `varchar(255)` for `varchar`, SQLite's `integer` for `bigint`), but a
//! revision file should say what the models say, so that it renders well on
//! every dialect. [`Diff::respell`] takes the types and defaults of new and
//! altered columns from the unmapped schemas, the foreign key actions they
//! state (`NO ACTION`, which compares as no action given), and enum type
//! names (MySQL names its enum types after the column).

use std::collections::BTreeMap;

use retort_core::{ColumnDefault, ColumnSpec, ColumnType, FkAction, Operation, Schema};

use crate::Diff;

impl Diff {
    /// Takes column types, defaults and enum type names of the upgrade from
    /// `to_raw` and of the downgrade from `from_raw`: the schemas before they
    /// were mapped (`from`, `to`) to a dialect for [`crate::diff`]. When
    /// `from` is a catalog read, pass the revision chain's schema as
    /// `from_raw`: it has the names and spellings the revisions wrote.
    ///
    /// Enum types are matched through the columns that use them, so MySQL's
    /// per-column types (`posts_status`) become the models' type again
    /// (`post_status`), once, and a type the other side already has is not
    /// created twice.
    pub fn respell(&mut self, from: &Schema, from_raw: &Schema, to: &Schema, to_raw: &Schema) {
        respell_ops(&mut self.upgrade, (from, from_raw), (to, to_raw));
        respell_ops(&mut self.downgrade, (to, to_raw), (from, from_raw));
        // The change list names enum types as the file does, once each.
        let mut names = enum_names(to, to_raw);
        for (k, v) in enum_names(from, from_raw) {
            names.entry(k).or_insert(v);
        }
        names.retain(|k, v| k != v);
        if names.is_empty() {
            return;
        }
        for c in &mut self.changes {
            for (mapped, raw) in &names {
                c.description = c
                    .description
                    .replace(&format!("`{mapped}`"), &format!("`{raw}`"))
                    .replace(&format!("enum({mapped})"), &format!("enum({raw})"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        self.changes
            .retain(|c| c.table.is_some() || seen.insert((c.kind, c.description.clone())));
    }
}

/// Mapped enum name -> its name in `raw`, through the columns using it.
fn enum_names(mapped: &Schema, raw: &Schema) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in mapped.tables.values() {
        let Some(rt) = raw.table(&t.name) else {
            continue;
        };
        for c in &t.columns {
            if let (Some(m), Some(r)) = (
                c.ty.enum_name(),
                rt.column(&c.name).and_then(|rc| rc.ty.enum_name()),
            ) {
                out.entry(m.to_owned()).or_insert_with(|| r.to_owned());
            }
        }
    }
    out
}

/// `base` is the schema the operations start from, `target` the one they
/// build, each mapped and not.
fn respell_ops(
    ops: &mut Vec<Operation>,
    (base, base_raw): (&Schema, &Schema),
    (target, target_raw): (&Schema, &Schema),
) {
    let mut names = enum_names(target, target_raw);
    for (k, v) in enum_names(base, base_raw) {
        names.entry(k).or_insert(v);
    }
    let rename = |n: &mut String| {
        if let Some(r) = names.get(n.as_str()) {
            n.clone_from(r);
        }
    };
    let mut seen: Vec<String> = Vec::new();
    ops.retain_mut(|op| {
        match op {
            Operation::CreateTable {
                table,
                columns,
                foreign_keys,
                ..
            } => {
                for spec in columns {
                    respell_spec(target_raw, table, spec);
                }
                for f in foreign_keys {
                    respell_actions(
                        target_raw,
                        table,
                        (&f.columns, &f.ref_table, &f.ref_columns),
                        (&mut f.on_delete, &mut f.on_update),
                    );
                }
            }
            Operation::AddForeignKey {
                table,
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
                ..
            } => respell_actions(
                target_raw,
                table,
                (columns, ref_table, ref_columns),
                (on_delete, on_update),
            ),
            Operation::AddColumn { table, column } => respell_spec(target_raw, table, column),
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
                let Some(c) = target_raw.table(table).and_then(|t| t.column(name)) else {
                    return true;
                };
                if let Some(t) = ty
                    && same_enumness(t, &c.ty)
                {
                    *t = c.ty.clone();
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
            Operation::CreateEnum { name, values } => {
                rename(name);
                if seen.contains(name) {
                    return false;
                }
                seen.push(name.clone());
                if let Some(e) = base_raw.enums.get(name.as_str()) {
                    if e.values == *values {
                        return false;
                    }
                    *op = Operation::AlterEnum {
                        name: name.clone(),
                        values: values.clone(),
                    };
                }
            }
            Operation::AlterEnum { name, .. } => {
                rename(name);
                if seen.contains(name) {
                    return false;
                }
                seen.push(name.clone());
            }
            Operation::DropEnum { name } => {
                rename(name);
                if seen.contains(name) || target_raw.enums.contains_key(name.as_str()) {
                    return false;
                }
                seen.push(name.clone());
            }
            _ => {}
        }
        true
    });
}

/// A key's actions as the models state them: `NO ACTION` (and `RESTRICT`,
/// which MySQL does not tell apart) compare as no action given, but are
/// written out, so the server reports what the models say (MariaDB reports
/// `RESTRICT` for a key written without an action).
fn respell_actions(
    raw: &Schema,
    table: &str,
    (columns, ref_table, ref_columns): (&[String], &str, &[String]),
    actions: (&mut Option<FkAction>, &mut Option<FkAction>),
) {
    let Some(f) = raw.table(table).and_then(|t| {
        t.foreign_keys.iter().find(|f| {
            f.columns == columns && f.ref_table == ref_table && f.ref_columns == ref_columns
        })
    }) else {
        return;
    };
    for (op, model) in [(actions.0, f.on_delete), (actions.1, f.on_update)] {
        if op.is_none() && matches!(model, Some(FkAction::NoAction | FkAction::Restrict)) {
            *op = model;
        }
    }
}

/// Types are taken from the unmapped side when both or neither name an enum
/// (SQLite's `text` for an enum stays `text`).
fn same_enumness(a: &ColumnType, b: &ColumnType) -> bool {
    a.enum_name().is_some() == b.enum_name().is_some()
}

fn respell_spec(raw: &Schema, table: &str, spec: &mut ColumnSpec) {
    let Some(c) = raw.table(table).and_then(|t| t.column(&spec.name)) else {
        return;
    };
    if same_enumness(&spec.ty, &c.ty) {
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
