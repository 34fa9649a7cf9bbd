//! Applying operations to a schema in memory (Django's state replay).

use crate::naming::{fk_name, unique_name};
use crate::{
    Check, ColumnDefault, ColumnSpec, EnumType, ForeignKey, ForeignKeySpec, Index, Operation,
    PrimaryKey, ReplayError, Schema, Table, Unique,
};

/// Applies each operation in turn.
pub fn apply_all<'a>(
    schema: &mut Schema,
    ops: impl IntoIterator<Item = &'a Operation>,
) -> Result<(), ReplayError> {
    ops.into_iter().try_for_each(|op| apply(schema, op))
}

fn table_mut<'s>(schema: &'s mut Schema, name: &str) -> Result<&'s mut Table, ReplayError> {
    schema
        .tables
        .get_mut(name)
        .ok_or_else(|| ReplayError::NoSuchTable(name.to_owned()))
}

fn require_columns(table: &Table, columns: &[String]) -> Result<(), ReplayError> {
    if columns.is_empty() {
        return Err(ReplayError::Invalid(format!(
            "an empty column list on `{}`",
            table.name
        )));
    }
    for c in columns {
        if table.column(c).is_none() {
            return Err(ReplayError::NoSuchColumn {
                table: table.name.clone(),
                column: c.clone(),
            });
        }
    }
    Ok(())
}

fn check_spec(table: &str, spec: &ColumnSpec) -> Result<(), ReplayError> {
    if spec.default.is_some() && spec.default_expr.is_some() {
        return Err(ReplayError::Invalid(format!(
            "column `{table}.{}` has both `default` and `default_expr`",
            spec.name
        )));
    }
    if spec.autoincrement && !spec.ty.is_integer() {
        return Err(ReplayError::Invalid(format!(
            "column `{table}.{}` is autoincrement but its type `{}` is not an integer",
            spec.name, spec.ty
        )));
    }
    Ok(())
}

/// Whether any index, key or constraint on the schema already uses `name`.
/// Index and constraint names share one namespace in PostgreSQL.
fn name_taken(schema: &Schema, name: &str) -> bool {
    schema.tables.values().any(|t| {
        t.indexes.iter().any(|i| i.name == name)
            || t.uniques.iter().any(|u| u.name == name)
            || t.foreign_keys.iter().any(|f| f.name == name)
            || t.checks.iter().any(|c| c.name == name)
    })
}

fn ensure_free(schema: &Schema, kind: &'static str, name: &str) -> Result<(), ReplayError> {
    if name_taken(schema, name) {
        return Err(ReplayError::ConstraintExists {
            kind,
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn foreign_key(
    schema: &Schema,
    table: &str,
    spec: &ForeignKeySpec,
) -> Result<ForeignKey, ReplayError> {
    if spec.columns.len() != spec.ref_columns.len() || spec.columns.is_empty() {
        return Err(ReplayError::Invalid(format!(
            "foreign key on `{table}` has {} column(s) but {} referenced column(s)",
            spec.columns.len(),
            spec.ref_columns.len()
        )));
    }
    // A self reference is checked against the table being built by the caller.
    if spec.ref_table != table {
        let target = schema
            .table(&spec.ref_table)
            .ok_or_else(|| ReplayError::NoSuchTable(spec.ref_table.clone()))?;
        require_columns(target, &spec.ref_columns)?;
    }
    Ok(ForeignKey {
        name: spec
            .name
            .clone()
            .unwrap_or_else(|| fk_name(table, &spec.columns, &spec.ref_table)),
        columns: spec.columns.clone(),
        ref_table: spec.ref_table.clone(),
        ref_columns: spec.ref_columns.clone(),
        on_delete: spec.on_delete,
        on_update: spec.on_update,
    })
}

/// Builds the model table a `create_table` describes.
pub(crate) fn build_table(schema: &Schema, op: &Operation) -> Result<Table, ReplayError> {
    let Operation::CreateTable {
        table,
        columns,
        primary_key,
        uniques,
        foreign_keys,
        checks,
        comment,
    } = op
    else {
        unreachable!("build_table takes create_table");
    };
    if columns.is_empty() {
        return Err(ReplayError::Invalid(format!(
            "table `{table}` has no columns"
        )));
    }
    let mut t = Table::new(table.clone());
    t.comment = comment.clone();
    let mut pk_flags = Vec::new();
    for spec in columns {
        check_spec(table, spec)?;
        if t.column(&spec.name).is_some() {
            return Err(ReplayError::ColumnExists {
                table: table.clone(),
                column: spec.name.clone(),
            });
        }
        t.columns.push(spec.to_column());
        if spec.primary_key {
            pk_flags.push(spec.name.clone());
        }
    }
    let pk = match (pk_flags.is_empty(), primary_key.is_empty()) {
        (true, true) => None,
        (false, true) => Some(pk_flags),
        (true, false) => Some(primary_key.clone()),
        (false, false) => {
            return Err(ReplayError::Invalid(format!(
                "table `{table}` sets `primary_key` both on columns and as a list; use one"
            )));
        }
    };
    if let Some(cols) = pk {
        require_columns(&t, &cols)?;
        for c in &cols {
            // Key columns are NOT NULL in every dialect.
            if let Some(col) = t.column_mut(c) {
                col.nullable = false;
            }
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: cols,
        });
    }
    for spec in columns.iter().filter(|c| c.unique) {
        let cols = vec![spec.name.clone()];
        t.uniques.push(Unique {
            name: unique_name(table, &cols),
            columns: cols,
        });
    }
    for u in uniques {
        require_columns(&t, &u.columns)?;
        t.uniques.push(Unique {
            name: u
                .name
                .clone()
                .unwrap_or_else(|| unique_name(table, &u.columns)),
            columns: u.columns.clone(),
        });
    }
    for spec in foreign_keys {
        let fk = foreign_key(schema, table, spec)?;
        require_columns(&t, &fk.columns)?;
        if fk.ref_table == *table {
            require_columns(&t, &fk.ref_columns)?;
        }
        t.foreign_keys.push(fk);
    }
    for c in checks {
        t.checks.push(Check {
            name: c.name.clone(),
            expr: c.expr.clone(),
        });
    }
    let mut names: Vec<&str> = t.uniques.iter().map(|u| u.name.as_str()).collect();
    names.extend(t.foreign_keys.iter().map(|f| f.name.as_str()));
    names.extend(t.checks.iter().map(|c| c.name.as_str()));
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) || name_taken(schema, n) {
            return Err(ReplayError::ConstraintExists {
                kind: "constraint",
                name: (*n).to_owned(),
            });
        }
    }
    for c in &t.columns {
        require_enum(schema, &c.ty)?;
    }
    Ok(t)
}

/// Applies one operation to the schema, or says why it cannot apply.
/// On error the schema is unchanged.
pub fn apply(schema: &mut Schema, op: &Operation) -> Result<(), ReplayError> {
    match op {
        Operation::CreateTable { table, .. } => {
            if schema.tables.contains_key(table) {
                return Err(ReplayError::TableExists(table.clone()));
            }
            let t = build_table(schema, op)?;
            schema.tables.insert(table.clone(), t);
        }
        Operation::DropTable { table } => {
            if !schema.tables.contains_key(table) {
                return Err(ReplayError::NoSuchTable(table.clone()));
            }
            if let Some((child, fk)) = schema.referencing(table).find(|(c, _)| c.name != *table) {
                return Err(ReplayError::TableReferenced {
                    table: table.clone(),
                    child: child.name.clone(),
                    fk: fk.name.clone(),
                });
            }
            schema.tables.remove(table);
        }
        Operation::RenameTable { table, new_name } => {
            if schema.tables.contains_key(new_name) {
                return Err(ReplayError::TableExists(new_name.clone()));
            }
            let mut t = schema
                .tables
                .remove(table)
                .ok_or_else(|| ReplayError::NoSuchTable(table.clone()))?;
            t.name = new_name.clone();
            schema.tables.insert(new_name.clone(), t);
            for other in schema.tables.values_mut() {
                for fk in &mut other.foreign_keys {
                    if fk.ref_table == *table {
                        fk.ref_table = new_name.clone();
                    }
                }
            }
        }
        Operation::AddColumn { table, column } => {
            check_spec(table, column)?;
            require_enum(schema, &column.ty)?;
            let uq_name = unique_name(table, std::slice::from_ref(&column.name));
            if column.unique {
                ensure_free(schema, "unique constraint", &uq_name)?;
            }
            let t = table_mut(schema, table)?;
            if t.column(&column.name).is_some() {
                return Err(ReplayError::ColumnExists {
                    table: table.clone(),
                    column: column.name.clone(),
                });
            }
            if column.primary_key {
                if t.primary_key.is_some() {
                    return Err(ReplayError::Invalid(format!(
                        "table `{table}` already has a primary key; `add_column` cannot add another"
                    )));
                }
                t.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: vec![column.name.clone()],
                });
            }
            t.columns.push(column.to_column());
            if column.unique {
                t.uniques.push(Unique {
                    name: uq_name,
                    columns: vec![column.name.clone()],
                });
            }
        }
        Operation::DropColumn { table, column } => {
            let t = table_mut(schema, table)?;
            if t.column(column).is_none() {
                return Err(ReplayError::NoSuchColumn {
                    table: table.clone(),
                    column: column.clone(),
                });
            }
            if t.columns.len() == 1 {
                return Err(ReplayError::Invalid(format!(
                    "`{table}.{column}` is the table's only column; drop the table instead"
                )));
            }
            if t.pk_columns().contains(column) {
                return Err(ReplayError::Invalid(format!(
                    "`{table}.{column}` is part of the primary key and cannot be dropped"
                )));
            }
            let has = |cols: &[String]| cols.contains(column);
            t.columns.retain(|c| c.name != *column);
            t.indexes.retain(|i| !has(&i.columns));
            t.uniques.retain(|u| !has(&u.columns));
            t.foreign_keys.retain(|f| !has(&f.columns));
            // Foreign keys of other tables that point at the dropped column go too.
            let tname = table.clone();
            for other in schema.tables.values_mut() {
                other
                    .foreign_keys
                    .retain(|f| !(f.ref_table == tname && f.ref_columns.contains(column)));
            }
        }
        Operation::AlterColumn {
            table,
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
            let set_default = default.is_some() || default_expr.is_some();
            if (default.is_some() && default_expr.is_some()) || (set_default && *drop_default) {
                return Err(ReplayError::Invalid(format!(
                    "alter of `{table}.{column}` sets more than one of `default`, `default_expr`, `drop_default`"
                )));
            }
            if comment.is_some() && *drop_comment {
                return Err(ReplayError::Invalid(format!(
                    "alter of `{table}.{column}` sets both `comment` and `drop_comment`"
                )));
            }
            if let Some(ty) = ty {
                require_enum(schema, ty)?;
            }
            let t = table_mut(schema, table)?;
            if let Some(n) = new_name
                && t.column(n).is_some()
            {
                return Err(ReplayError::ColumnExists {
                    table: table.clone(),
                    column: n.clone(),
                });
            }
            if *nullable == Some(true) && t.pk_columns().contains(column) {
                return Err(ReplayError::Invalid(format!(
                    "`{table}.{column}` is part of the primary key and cannot be nullable"
                )));
            }
            let col = t
                .column_mut(column)
                .ok_or_else(|| ReplayError::NoSuchColumn {
                    table: table.clone(),
                    column: column.clone(),
                })?;
            if let Some(ty) = ty {
                col.ty = ty.clone();
            }
            if let Some(n) = nullable {
                col.nullable = *n;
            }
            if let Some(v) = default {
                col.default = Some(ColumnDefault::Literal(v.clone()));
            }
            if let Some(e) = default_expr {
                col.default = Some(ColumnDefault::Expr(e.clone()));
            }
            if *drop_default {
                col.default = None;
            }
            if let Some(c) = comment {
                col.comment = Some(c.clone());
            }
            if *drop_comment {
                col.comment = None;
            }
            if let Some(n) = new_name {
                col.name = n.clone();
                rename_column_refs(schema, table, column, n);
            }
        }
        Operation::AlterPrimaryKey { table, columns } => {
            let t = table_mut(schema, table)?;
            if columns.is_empty() {
                t.primary_key = None;
            } else {
                require_columns(t, columns)?;
                for c in columns {
                    if let Some(col) = t.column_mut(c) {
                        col.nullable = false;
                    }
                }
                t.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: columns.clone(),
                });
            }
        }
        Operation::CreateIndex {
            table,
            name,
            columns,
            unique,
        } => {
            ensure_free(schema, "index", name)?;
            let t = table_mut(schema, table)?;
            require_columns(t, columns)?;
            t.indexes.push(Index {
                name: name.clone(),
                columns: columns.clone(),
                unique: *unique,
            });
        }
        Operation::DropIndex { table, name } => {
            let t = table_mut(schema, table)?;
            let before = t.indexes.len();
            t.indexes.retain(|i| i.name != *name);
            if t.indexes.len() == before {
                return Err(no_such("index", table, name));
            }
        }
        Operation::CreateUnique {
            table,
            name,
            columns,
        } => {
            let name = name.clone().unwrap_or_else(|| unique_name(table, columns));
            ensure_free(schema, "unique constraint", &name)?;
            let t = table_mut(schema, table)?;
            require_columns(t, columns)?;
            t.uniques.push(Unique {
                name,
                columns: columns.clone(),
            });
        }
        Operation::DropUnique { table, name } => {
            let t = table_mut(schema, table)?;
            let before = t.uniques.len();
            t.uniques.retain(|u| u.name != *name);
            if t.uniques.len() == before {
                return Err(no_such("unique constraint", table, name));
            }
        }
        Operation::AddForeignKey {
            table,
            name,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        } => {
            let spec = ForeignKeySpec {
                name: name.clone(),
                columns: columns.clone(),
                ref_table: ref_table.clone(),
                ref_columns: ref_columns.clone(),
                on_delete: *on_delete,
                on_update: *on_update,
            };
            let fk = foreign_key(schema, table, &spec)?;
            ensure_free(schema, "foreign key", &fk.name)?;
            let t = table_mut(schema, table)?;
            require_columns(t, columns)?;
            if fk.ref_table == *table {
                require_columns(t, &fk.ref_columns)?;
            }
            t.foreign_keys.push(fk);
        }
        Operation::DropForeignKey { table, name } => {
            let t = table_mut(schema, table)?;
            let before = t.foreign_keys.len();
            t.foreign_keys.retain(|f| f.name != *name);
            if t.foreign_keys.len() == before {
                return Err(no_such("foreign key", table, name));
            }
        }
        Operation::AddCheck { table, name, expr } => {
            ensure_free(schema, "check constraint", name)?;
            let t = table_mut(schema, table)?;
            t.checks.push(Check {
                name: name.clone(),
                expr: expr.clone(),
            });
        }
        Operation::DropCheck { table, name } => {
            let t = table_mut(schema, table)?;
            let before = t.checks.len();
            t.checks.retain(|c| c.name != *name);
            if t.checks.len() == before {
                return Err(no_such("check constraint", table, name));
            }
        }
        Operation::CreateEnum { name, values } => {
            if schema.enums.contains_key(name) {
                return Err(ReplayError::EnumExists(name.clone()));
            }
            check_enum_values(name, values)?;
            schema.enums.insert(
                name.clone(),
                EnumType {
                    name: name.clone(),
                    values: values.clone(),
                },
            );
        }
        Operation::AlterEnum { name, values } => {
            check_enum_values(name, values)?;
            let e = schema
                .enums
                .get_mut(name)
                .ok_or_else(|| ReplayError::NoSuchEnum(name.clone()))?;
            e.values = values.clone();
        }
        Operation::DropEnum { name } => {
            if !schema.enums.contains_key(name) {
                return Err(ReplayError::NoSuchEnum(name.clone()));
            }
            for t in schema.tables.values() {
                if let Some(c) = t.columns.iter().find(|c| c.ty.enum_name() == Some(name)) {
                    return Err(ReplayError::EnumInUse {
                        name: name.clone(),
                        table: t.name.clone(),
                        column: c.name.clone(),
                    });
                }
            }
            schema.enums.remove(name);
        }
        Operation::BulkInsert { table, rows } => {
            let t = schema
                .table(table)
                .ok_or_else(|| ReplayError::NoSuchTable(table.clone()))?;
            for row in rows {
                for col in row.keys() {
                    if t.column(col).is_none() {
                        return Err(ReplayError::NoSuchColumn {
                            table: table.clone(),
                            column: col.clone(),
                        });
                    }
                }
            }
        }
        // Raw SQL is opaque to the replay, and an irreversible marker changes nothing.
        Operation::Execute { .. } | Operation::Irreversible { .. } => {}
    }
    Ok(())
}

/// A column type naming an enum needs that enum to exist.
fn require_enum(schema: &Schema, ty: &crate::ColumnType) -> Result<(), ReplayError> {
    match ty.enum_name() {
        Some(e) if !schema.enums.contains_key(e) => Err(ReplayError::NoSuchEnum(e.to_owned())),
        _ => Ok(()),
    }
}

fn check_enum_values(name: &str, values: &[String]) -> Result<(), ReplayError> {
    if values.is_empty() {
        return Err(ReplayError::Invalid(format!(
            "enum type `{name}` has no values"
        )));
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(ReplayError::Invalid(format!(
                "enum type `{name}` lists `{v}` twice"
            )));
        }
    }
    Ok(())
}

fn no_such(kind: &'static str, table: &str, name: &str) -> ReplayError {
    ReplayError::NoSuchConstraint {
        kind,
        table: table.to_owned(),
        name: name.to_owned(),
    }
}

/// After a column rename, every key, index and reference follows it.
fn rename_column_refs(schema: &mut Schema, table: &str, old: &str, new: &str) {
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| *c == old) {
            *c = new.to_owned();
        }
    };
    for t in schema.tables.values_mut() {
        if t.name == table {
            if let Some(pk) = &mut t.primary_key {
                fix(&mut pk.columns);
            }
            t.indexes.iter_mut().for_each(|i| fix(&mut i.columns));
            t.uniques.iter_mut().for_each(|u| fix(&mut u.columns));
            t.foreign_keys.iter_mut().for_each(|f| fix(&mut f.columns));
        }
        for f in t.foreign_keys.iter_mut().filter(|f| f.ref_table == table) {
            fix(&mut f.ref_columns);
        }
    }
}
