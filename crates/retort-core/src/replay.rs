//! Applying operations to a schema in memory (Django's state replay).
//!
//! [`apply`] checks one operation against the whole schema: a new constraint
//! name is looked up in every table, a dropped table's referencing keys too.
//! [`Replay`] holds a schema with an index of those names and references, so
//! a long replay (a revision chain, a plan, `verify`) costs what its
//! operations touch rather than the schema's size per operation. Both accept
//! and refuse the same operations with the same errors.

use std::collections::{BTreeMap, HashMap};

use crate::naming::{fk_name, unique_name};
use crate::{
    Check, ColumnDefault, ColumnSpec, EnumType, ForeignKey, ForeignKeySpec, Index, Operation,
    PrimaryKey, ReplayError, Schema, Table, Unique,
};

/// Applies each operation in turn, with a [`Replay`] index so the whole list
/// is linear in its size. On error the operations before the failing one
/// stay applied, as with [`apply`] one by one.
pub fn apply_all<'a>(
    schema: &mut Schema,
    ops: impl IntoIterator<Item = &'a Operation>,
) -> Result<(), ReplayError> {
    let mut replay = Replay::new(std::mem::take(schema));
    let result = replay.apply_all(ops);
    *schema = replay.into_schema();
    result
}

/// What the checks and bookkeeping of one operation ask about the rest of
/// the schema: answered by a scan ([`Scan`], for [`apply`]) or by the index
/// of a [`Replay`].
trait Lookup {
    /// Whether any index, key or constraint on the schema already uses
    /// `name`. Index and constraint names share one namespace in PostgreSQL.
    fn name_taken(&self, schema: &Schema, name: &str) -> bool;
    /// The tables (the table itself included) with a foreign key to `table`,
    /// in name order.
    fn children(&self, schema: &Schema, table: &str) -> Vec<String>;
}

/// The lookups of a single [`apply`]: a walk over every table.
struct Scan;

impl Lookup for Scan {
    fn name_taken(&self, schema: &Schema, name: &str) -> bool {
        schema.tables.values().any(|t| {
            t.indexes.iter().any(|i| i.name == name)
                || t.uniques.iter().any(|u| u.name == name)
                || t.foreign_keys.iter().any(|f| f.name == name)
                || t.checks.iter().any(|c| c.name == name)
        })
    }

    fn children(&self, schema: &Schema, table: &str) -> Vec<String> {
        schema
            .tables
            .values()
            .filter(|t| t.foreign_keys.iter().any(|f| f.ref_table == table))
            .map(|t| t.name.clone())
            .collect()
    }
}

/// Counts of what the tables of a schema hold, kept in step with it.
#[derive(Debug, Clone, Default, PartialEq)]
struct NameIndex {
    /// Index, unique, foreign key and check names, with how many use each
    /// (a schema read from a database may repeat one across tables).
    names: HashMap<String, usize>,
    /// Referenced table -> referencing table -> number of foreign keys.
    children: HashMap<String, BTreeMap<String, usize>>,
}

impl NameIndex {
    fn of(schema: &Schema) -> Self {
        let mut index = NameIndex::default();
        schema.tables.values().for_each(|t| index.add(t));
        index
    }

    fn table_names(t: &Table) -> impl Iterator<Item = &str> {
        t.indexes
            .iter()
            .map(|i| i.name.as_str())
            .chain(t.uniques.iter().map(|u| u.name.as_str()))
            .chain(t.foreign_keys.iter().map(|f| f.name.as_str()))
            .chain(t.checks.iter().map(|c| c.name.as_str()))
    }

    fn add(&mut self, t: &Table) {
        for n in Self::table_names(t) {
            *self.names.entry(n.to_owned()).or_default() += 1;
        }
        for f in &t.foreign_keys {
            *self
                .children
                .entry(f.ref_table.clone())
                .or_default()
                .entry(t.name.clone())
                .or_default() += 1;
        }
    }

    fn remove(&mut self, t: &Table) {
        for n in Self::table_names(t) {
            if let Some(count) = self.names.get_mut(n) {
                *count -= 1;
                if *count == 0 {
                    self.names.remove(n);
                }
            }
        }
        for f in &t.foreign_keys {
            if let Some(by_child) = self.children.get_mut(&f.ref_table) {
                if let Some(count) = by_child.get_mut(&t.name) {
                    *count -= 1;
                    if *count == 0 {
                        by_child.remove(&t.name);
                    }
                }
                if by_child.is_empty() {
                    self.children.remove(&f.ref_table);
                }
            }
        }
    }
}

impl Lookup for NameIndex {
    fn name_taken(&self, _: &Schema, name: &str) -> bool {
        self.names.contains_key(name)
    }

    fn children(&self, _: &Schema, table: &str) -> Vec<String> {
        self.children
            .get(table)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// A schema being replayed, with an index of its constraint names and
/// foreign-key references kept across operations: each [`Replay::apply`]
/// costs what the operation touches, not a walk over the whole schema.
/// Accepts and refuses exactly what [`apply`] does, with the same errors.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    schema: Schema,
    index: NameIndex,
}

impl Replay {
    /// Starts from `schema` (indexing it once).
    pub fn new(schema: Schema) -> Self {
        let index = NameIndex::of(&schema);
        Replay { schema, index }
    }

    /// The schema so far.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn into_schema(self) -> Schema {
        self.schema
    }

    /// [`apply`], with the index. On error the schema is unchanged.
    pub fn apply(&mut self, op: &Operation) -> Result<(), ReplayError> {
        // The tables whose names or references the operation can change,
        // before and after it (a renamed table changes its key).
        let touched: Vec<String> = match op {
            Operation::RenameTable { table, .. } | Operation::DropColumn { table, .. } => {
                let mut t = self.index.children(&self.schema, table);
                if !t.contains(table) {
                    t.push(table.clone());
                }
                t
            }
            Operation::CreateTable { table, .. }
            | Operation::DropTable { table }
            | Operation::AddColumn { table, .. }
            | Operation::CreateIndex { table, .. }
            | Operation::DropIndex { table, .. }
            | Operation::CreateUnique { table, .. }
            | Operation::DropUnique { table, .. }
            | Operation::AddForeignKey { table, .. }
            | Operation::DropForeignKey { table, .. }
            | Operation::AddCheck { table, .. }
            | Operation::DropCheck { table, .. }
            | Operation::ValidateConstraint { table, .. } => vec![table.clone()],
            // Columns, keys without names, enums, rows and raw SQL: no names.
            _ => Vec::new(),
        };
        let before: Vec<Table> = touched
            .iter()
            .filter_map(|t| self.schema.tables.get(t))
            .map(|t| Table {
                name: t.name.clone(),
                columns: Vec::new(),
                primary_key: None,
                uniques: t.uniques.clone(),
                indexes: t.indexes.clone(),
                foreign_keys: t.foreign_keys.clone(),
                checks: t.checks.clone(),
                comment: None,
            })
            .collect();
        apply_with(&mut self.schema, op, &self.index)?;
        before.iter().for_each(|t| self.index.remove(t));
        let renamed = |t: &String| match op {
            Operation::RenameTable { table, new_name } if t == table => new_name.clone(),
            _ => t.clone(),
        };
        for name in touched.iter().map(renamed) {
            if let Some(t) = self.schema.tables.get(&name) {
                self.index.add(t);
            }
        }
        Ok(())
    }

    /// Applies each operation in turn; stops at the first error, the ones
    /// before it applied.
    pub fn apply_all<'a>(
        &mut self,
        ops: impl IntoIterator<Item = &'a Operation>,
    ) -> Result<(), ReplayError> {
        ops.into_iter().try_for_each(|op| self.apply(op))
    }
}

impl From<Schema> for Replay {
    fn from(schema: Schema) -> Self {
        Replay::new(schema)
    }
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

fn ensure_free(
    schema: &Schema,
    lookup: &dyn Lookup,
    kind: &'static str,
    name: &str,
) -> Result<(), ReplayError> {
    if lookup.name_taken(schema, name) {
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
fn build_table(schema: &Schema, op: &Operation, lookup: &dyn Lookup) -> Result<Table, ReplayError> {
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
        if names[..i].contains(n) || lookup.name_taken(schema, n) {
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
/// On error the schema is unchanged. Checks each new name against every
/// table; a long list of operations goes faster through [`Replay`].
pub fn apply(schema: &mut Schema, op: &Operation) -> Result<(), ReplayError> {
    apply_with(schema, op, &Scan)
}

fn apply_with(schema: &mut Schema, op: &Operation, lookup: &dyn Lookup) -> Result<(), ReplayError> {
    match op {
        Operation::CreateTable { table, .. } => {
            if schema.tables.contains_key(table) {
                return Err(ReplayError::TableExists(table.clone()));
            }
            let t = build_table(schema, op, lookup)?;
            schema.tables.insert(table.clone(), t);
        }
        Operation::DropTable { table } => {
            if !schema.tables.contains_key(table) {
                return Err(ReplayError::NoSuchTable(table.clone()));
            }
            // The scan names the first referencing key; it runs only when
            // the lookup says there is one.
            if lookup.children(schema, table).iter().any(|c| c != table)
                && let Some((child, fk)) = schema.referencing(table).find(|(c, _)| c.name != *table)
            {
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
            // Asked before the table leaves the map, so a self reference counts.
            let children = lookup.children(schema, table);
            let mut t = schema
                .tables
                .remove(table)
                .ok_or_else(|| ReplayError::NoSuchTable(table.clone()))?;
            t.name = new_name.clone();
            schema.tables.insert(new_name.clone(), t);
            for child in &children {
                let key = if child == table { new_name } else { child };
                let Some(other) = schema.tables.get_mut(key) else {
                    continue;
                };
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
                ensure_free(schema, lookup, "unique constraint", &uq_name)?;
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
            let children = lookup.children(schema, table);
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
            for child in &children {
                if let Some(other) = schema.tables.get_mut(child) {
                    other
                        .foreign_keys
                        .retain(|f| !(f.ref_table == *table && f.ref_columns.contains(column)));
                }
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
                let children = lookup.children(schema, table);
                rename_column_refs(schema, &children, table, column, n);
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
            concurrently: _,
        } => {
            ensure_free(schema, lookup, "index", name)?;
            let t = table_mut(schema, table)?;
            require_columns(t, columns)?;
            t.indexes.push(Index {
                name: name.clone(),
                columns: columns.clone(),
                unique: *unique,
            });
        }
        Operation::DropIndex { table, name, .. } => {
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
            ensure_free(schema, lookup, "unique constraint", &name)?;
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
            validate: _,
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
            ensure_free(schema, lookup, "foreign key", &fk.name)?;
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
        Operation::AddCheck {
            table, name, expr, ..
        } => {
            ensure_free(schema, lookup, "check constraint", name)?;
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
        // The schema does not record whether a constraint was validated:
        // the constraint must exist, as a foreign key or a check.
        Operation::ValidateConstraint { table, name } => {
            let t = table_mut(schema, table)?;
            if !t.foreign_keys.iter().any(|f| f.name == *name)
                && !t.checks.iter().any(|c| c.name == *name)
            {
                return Err(no_such("foreign key or check constraint", table, name));
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
/// `children` are the tables with a foreign key to `table`.
fn rename_column_refs(schema: &mut Schema, children: &[String], table: &str, old: &str, new: &str) {
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| *c == old) {
            *c = new.to_owned();
        }
    };
    if let Some(t) = schema.tables.get_mut(table) {
        if let Some(pk) = &mut t.primary_key {
            fix(&mut pk.columns);
        }
        t.indexes.iter_mut().for_each(|i| fix(&mut i.columns));
        t.uniques.iter_mut().for_each(|u| fix(&mut u.columns));
        t.foreign_keys.iter_mut().for_each(|f| fix(&mut f.columns));
    }
    for child in children {
        let Some(t) = schema.tables.get_mut(child) else {
            continue;
        };
        for f in t.foreign_keys.iter_mut().filter(|f| f.ref_table == table) {
            fix(&mut f.ref_columns);
        }
    }
}

#[cfg(test)]
mod tests {
    //! The indexed replay against the plain one, over random operation lists
    //! drawn from few names so that they collide often.

    use proptest::prelude::*;

    use super::*;
    use crate::{CheckSpec, ColumnType, UniqueSpec};

    const TABLES: &[&str] = &["a", "b", "c", "d"];
    const COLUMNS: &[&str] = &["id", "x", "y"];
    const NAMES: &[&str] = &["n1", "n2", "uq_a_x", "fk_b_x_a", "uq_c_y"];

    fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
        proptest::sample::select(pool).prop_map(str::to_owned)
    }

    fn columns() -> impl Strategy<Value = Vec<String>> {
        proptest::sample::subsequence(COLUMNS, 1..=2)
            .prop_map(|c| c.into_iter().map(str::to_owned).collect())
    }

    fn column_spec() -> impl Strategy<Value = ColumnSpec> {
        (pick(COLUMNS), any::<bool>(), any::<bool>()).prop_map(|(name, unique, primary_key)| {
            let mut c = ColumnSpec::new(name, ColumnType::Integer);
            c.unique = unique;
            c.primary_key = primary_key;
            c
        })
    }

    fn fk_spec() -> impl Strategy<Value = ForeignKeySpec> {
        (
            proptest::option::of(pick(NAMES)),
            pick(COLUMNS),
            pick(TABLES),
            pick(COLUMNS),
        )
            .prop_map(|(name, column, ref_table, ref_column)| ForeignKeySpec {
                name,
                columns: vec![column],
                ref_table,
                ref_columns: vec![ref_column],
                on_delete: None,
                on_update: None,
            })
    }

    fn operation() -> impl Strategy<Value = Operation> {
        let table = || pick(TABLES);
        prop_oneof![
            4 => (
                table(),
                proptest::collection::vec(column_spec(), 1..4),
                proptest::collection::vec(
                    (proptest::option::of(pick(NAMES)), columns())
                        .prop_map(|(name, columns)| UniqueSpec { name, columns }),
                    0..2,
                ),
                proptest::collection::vec(fk_spec(), 0..3),
                proptest::collection::vec(pick(NAMES), 0..2),
            )
                .prop_map(|(table, columns, uniques, foreign_keys, checks)| {
                    Operation::CreateTable {
                        table,
                        columns,
                        primary_key: Vec::new(),
                        uniques,
                        foreign_keys,
                        checks: checks
                            .into_iter()
                            .map(|name| CheckSpec { name, expr: "1 = 1".into() })
                            .collect(),
                        comment: None,
                    }
                }),
            1 => table().prop_map(|table| Operation::DropTable { table }),
            1 => (table(), table())
                .prop_map(|(table, new_name)| Operation::RenameTable { table, new_name }),
            1 => (table(), column_spec())
                .prop_map(|(table, column)| Operation::AddColumn { table, column }),
            1 => (table(), pick(COLUMNS))
                .prop_map(|(table, column)| Operation::DropColumn { table, column }),
            1 => (table(), pick(COLUMNS), pick(COLUMNS)).prop_map(|(table, column, new_name)| {
                Operation::AlterColumn {
                    table,
                    column,
                    ty: None,
                    nullable: None,
                    default: None,
                    default_expr: None,
                    drop_default: false,
                    comment: None,
                    drop_comment: false,
                    new_name: Some(new_name),
                }
            }),
            2 => (table(), pick(NAMES), columns(), any::<bool>()).prop_map(
                |(table, name, columns, unique)| Operation::CreateIndex {
                    table,
                    name,
                    columns,
                    unique,
                    concurrently: false,
                }
            ),
            1 => (table(), pick(NAMES)).prop_map(|(table, name)| Operation::DropIndex {
                table,
                name,
                concurrently: false,
            }),
            2 => (table(), proptest::option::of(pick(NAMES)), columns()).prop_map(
                |(table, name, columns)| Operation::CreateUnique {
                    table,
                    name,
                    columns,
                }
            ),
            1 => (table(), pick(NAMES)).prop_map(|(table, name)| Operation::DropUnique { table, name }),
            2 => (table(), fk_spec()).prop_map(|(table, f)| Operation::AddForeignKey {
                table,
                name: f.name,
                columns: f.columns,
                ref_table: f.ref_table,
                ref_columns: f.ref_columns,
                on_delete: None,
                on_update: None,
                validate: true,
            }),
            1 => (table(), pick(NAMES))
                .prop_map(|(table, name)| Operation::DropForeignKey { table, name }),
            1 => (table(), pick(NAMES)).prop_map(|(table, name)| Operation::AddCheck {
                table,
                name,
                expr: "1 = 1".into(),
                validate: true,
            }),
            1 => (table(), pick(NAMES))
                .prop_map(|(table, name)| Operation::ValidateConstraint { table, name }),
            1 => (table(), pick(NAMES)).prop_map(|(table, name)| Operation::DropCheck { table, name }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Each operation gives the same result (or the same error) and the
        /// same schema through [`Replay`] as through [`apply`], and the index
        /// stays what indexing the schema afresh gives.
        #[test]
        fn indexed_replay_matches_plain(ops in proptest::collection::vec(operation(), 0..40)) {
            let mut plain = Schema::default();
            let mut indexed = Replay::default();
            for op in &ops {
                let want = apply(&mut plain, op);
                let got = indexed.apply(op);
                prop_assert_eq!(&got, &want, "{:?}", op);
                prop_assert_eq!(indexed.schema(), &plain);
                prop_assert_eq!(&indexed.index, &NameIndex::of(&plain));
            }
            // `apply_all` stops where a loop of `apply` stops.
            let mut one_by_one = Schema::default();
            let stopped = ops.iter().try_for_each(|op| apply(&mut one_by_one, op));
            let mut all = Schema::default();
            prop_assert_eq!(apply_all(&mut all, &ops), stopped);
            prop_assert_eq!(all, one_by_one);
        }
    }

    /// A schema read from a database may repeat a name across tables (MySQL
    /// index names are per table): dropping one copy leaves the name taken.
    #[test]
    fn a_repeated_name_stays_taken_until_its_last_use_goes() {
        let mut s = Schema::default();
        for t in ["a", "b"] {
            let mut table = Table::new(t);
            table
                .columns
                .push(crate::Column::new("x", ColumnType::Integer));
            table.indexes.push(Index {
                name: "ix".into(),
                columns: vec!["x".into()],
                unique: false,
            });
            s.tables.insert(t.into(), table);
        }
        let mut r = Replay::new(s);
        let ix = |table: &str| Operation::CreateIndex {
            table: table.into(),
            name: "ix".into(),
            columns: vec!["x".into()],
            unique: false,
            concurrently: false,
        };
        let drop = |table: &str| Operation::DropIndex {
            table: table.into(),
            name: "ix".into(),
            concurrently: false,
        };
        r.apply(&drop("a")).unwrap();
        assert!(matches!(
            r.apply(&ix("a")),
            Err(ReplayError::ConstraintExists { .. })
        ));
        r.apply(&drop("b")).unwrap();
        r.apply(&ix("a")).unwrap();
    }
}
