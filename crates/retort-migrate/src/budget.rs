//! The PostgreSQL lock budget: how many entries of the server's shared
//! lock table one revision's transaction takes, and how many the server
//! has.
//!
//! PostgreSQL keeps every lock a transaction takes until it ends, in one
//! table shared by all sessions and sized when the server starts:
//! `max_locks_per_transaction` x (`max_connections` +
//! `max_prepared_transactions`) slots (6,400 on a default server). A
//! transaction may use more than its share, but once the table is full
//! the statement fails with "out of shared memory". Creating a table takes
//! about 17 of them (the table, its row type, TOAST table and index, the
//! sequence of a serial key, each index and constraint, and its foreign
//! keys' targets), so a revision that creates a thousand tables can fail
//! halfway on a default server, for retort, `psql` and Alembic alike.
//!
//! [`LockEstimate`] counts, per operation, the locks PostgreSQL takes
//! (`pg_locks` rows: one per object and mode), as measured on
//! PostgreSQL 15 (`crates/retort-migrate/tests/lock_budget.rs` runs every
//! kind on the server and checks the estimate is at least the real count
//! and not far above it). A lock taken twice in one transaction is one
//! entry, so the estimate keeps the set of (object, mode) it has counted.
//! SQL in `execute` is not parsed: it counts as [`EXECUTE_LOCKS`].

use std::collections::HashSet;

use retort_core::{ColumnType, Operation, Schema, Table};

use crate::{MigrateError, SqlPlan};

/// What an `execute` step (SQL retort does not parse) is counted as: a
/// statement on a table and a few of its indexes.
pub const EXECUTE_LOCKS: usize = 8;

/// The lock table of a PostgreSQL server with default settings:
/// `max_locks_per_transaction` 64 x `max_connections` 100.
pub const DEFAULT_LOCK_SLOTS: usize = 64 * 100;

/// The share of the lock table one transaction may plan to take; the rest
/// is left for other sessions (whose current locks are subtracted too) and
/// for what the estimate cannot see.
pub fn usable_share(slots: usize) -> usize {
    slots / 4 * 3
}

/// A PostgreSQL server's lock table, as a run reads it before running
/// anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockBudget {
    pub max_locks_per_transaction: usize,
    pub max_connections: usize,
    pub max_prepared_transactions: usize,
    /// Locks other sessions held when the budget was read.
    pub held_by_others: usize,
}

impl LockBudget {
    /// The slots of the shared lock table:
    /// `max_locks_per_transaction` x (`max_connections` + `max_prepared_transactions`).
    pub fn slots(&self) -> usize {
        self.max_locks_per_transaction * (self.max_connections + self.max_prepared_transactions)
    }

    /// The most one transaction of this run may take: [`usable_share`] of
    /// the slots, less what other sessions hold now.
    pub fn limit(&self) -> usize {
        usable_share(self.slots()).saturating_sub(self.held_by_others)
    }

    /// The smallest `max_locks_per_transaction` (a multiple of 64) under
    /// which `locks` fit, the other settings unchanged.
    pub fn needed_setting(&self, locks: usize) -> usize {
        let per_slot = (self.max_connections + self.max_prepared_transactions).max(1);
        let mut setting = 64;
        while usable_share(setting * per_slot).saturating_sub(self.held_by_others) < locks {
            setting += 64;
        }
        setting
    }

    /// Refuses `plan` when one of its transactions would not fit: a
    /// revision (one transaction each), or the whole run when
    /// `transaction_per_migration` is off.
    pub fn check(&self, plan: &SqlPlan) -> Result<(), MigrateError> {
        let over = |revision: Option<&str>, locks: usize| {
            MigrateError::LockBudget(Box::new(OverBudget {
                revision: revision.map(str::to_owned),
                revisions: plan.steps.len(),
                locks,
                budget: *self,
            }))
        };
        if plan.options.transaction_per_migration {
            match plan.steps.iter().find(|s| s.locks > self.limit()) {
                Some(s) => Err(over(Some(&s.revision), s.locks)),
                None => Ok(()),
            }
        } else {
            let locks = plan.steps.iter().map(|s| s.locks).sum();
            if locks > self.limit() {
                Err(over(None, locks))
            } else {
                Ok(())
            }
        }
    }
}

/// The `--sql` comment for a revision over what a default server gives one
/// transaction; `None` when it fits.
pub(crate) fn script_warning(locks: usize) -> Option<String> {
    let limit = usable_share(DEFAULT_LOCK_SLOTS);
    (locks > limit).then(|| {
        format!(
            "-- warning: this revision takes about {locks} PostgreSQL locks in its transaction; a server with default\n\
             -- settings gives one transaction {limit} (3/4 of max_locks_per_transaction 64 x max_connections 100) and\n\
             -- fails with \"out of shared memory\" when its lock table is full: raise max_locks_per_transaction in\n\
             -- postgresql.conf (restart the server), or split the revision (transaction_per_migration does not help)"
        )
    })
}

/// A revision (or a run in one transaction) over the server's lock budget.
#[derive(Debug, Clone)]
pub struct OverBudget {
    /// The revision; `None` when the whole run is one transaction.
    pub revision: Option<String>,
    /// Revisions in the run.
    pub revisions: usize,
    /// Its estimated locks.
    pub locks: usize,
    pub budget: LockBudget,
}

impl std::fmt::Display for OverBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = &self.budget;
        match &self.revision {
            Some(r) => write!(
                f,
                "revision `{r}` would take about {} PostgreSQL locks in its transaction",
                self.locks
            )?,
            None => write!(
                f,
                "the run's {} revision(s) would take about {} PostgreSQL locks in its one transaction (`transaction_per_migration = false`)",
                self.revisions, self.locks
            )?,
        }
        write!(
            f,
            ", more than this server gives one transaction: {} (3/4 of its {} lock slots, `max_locks_per_transaction` {} x (`max_connections` {} + `max_prepared_transactions` {}), less {} held by other sessions); nothing ran",
            b.limit(),
            b.slots(),
            b.max_locks_per_transaction,
            b.max_connections,
            b.max_prepared_transactions,
            b.held_by_others
        )?;
        let raise = format!(
            "raise `max_locks_per_transaction` to {} or more in postgresql.conf and restart the server",
            b.needed_setting(self.locks)
        );
        match &self.revision {
            Some(_) => write!(
                f,
                "\nhint: {raise}, or split the revision into several smaller ones (`revision --autogenerate` does that with `max_tables_per_revision` under `[autogenerate]` in alembic.toml); `transaction_per_migration` does not help within one revision"
            ),
            None => write!(
                f,
                "\nhint: set `transaction_per_migration = true` in alembic.toml so that each revision commits on its own, or {raise}"
            ),
        }
    }
}

/// PostgreSQL's lock modes, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    AccessExclusive,
}

use Mode::*;

/// A lockable object, named well enough to tell two apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Object {
    /// The transaction's own ids (virtual and real).
    Xact(&'static str),
    Namespace,
    /// `pg_description`, written by `COMMENT ON`.
    Description,
    Table(String),
    /// The table's TOAST table and its index.
    Toast(String),
    ToastIndex(String),
    /// The table's row type and its array type.
    RowType(String),
    ArrayType(String),
    /// An index of a table: (table, name); the primary key's is `pkey`.
    Index(String, String),
    /// A constraint of a table: (table, name).
    Constraint(String, String),
    /// The sequence behind a serial or identity column: (table, column).
    Sequence(String, String),
    /// A column default: (table, column).
    Default(String, String),
    /// One of the four triggers of a foreign key: (table, key, n).
    Trigger(String, String, u8),
    /// An enum type (and its array type).
    Enum(String),
    EnumArray(String),
    /// Something a statement creates or locks that has no name here
    /// (the new files of a table rewrite): (table, what).
    Other(String, &'static str),
}

/// The locks one transaction takes, as operations are added to it.
#[derive(Debug, Clone, Default)]
pub struct LockEstimate {
    held: HashSet<(Object, Mode)>,
    /// Locks of `execute` steps, which name no object.
    unnamed: usize,
}

impl LockEstimate {
    /// A transaction that has taken nothing yet, but will write the
    /// version table and the log: its own ids, and those two tables with
    /// their keys and the log's sequence.
    pub fn new() -> LockEstimate {
        let mut e = LockEstimate::default();
        e.take(Object::Xact("virtualxid"), AccessExclusive);
        e.take(Object::Xact("transactionid"), AccessExclusive);
        for t in ["version table", "log table"] {
            e.take(Object::Table(t.into()), RowExclusive);
            e.take(Object::Index(t.into(), "pkey".into()), RowExclusive);
        }
        e.take(
            Object::Sequence("log table".into(), "id".into()),
            RowExclusive,
        );
        e
    }

    /// The number of lock-table entries counted so far.
    pub fn count(&self) -> usize {
        self.held.len() + self.unnamed
    }

    fn take(&mut self, object: Object, mode: Mode) {
        self.held.insert((object, mode));
    }

    fn table(&mut self, t: &str, mode: Mode) {
        self.take(Object::Table(t.to_owned()), mode);
    }

    fn index(&mut self, t: &str, name: &str, mode: Mode) {
        self.take(Object::Index(t.to_owned(), name.to_owned()), mode);
    }

    fn constraint(&mut self, t: &str, name: &str, mode: Mode) {
        self.take(Object::Constraint(t.to_owned(), name.to_owned()), mode);
    }

    fn comment(&mut self, t: &str) {
        self.take(Object::Description, RowExclusive);
        self.table(t, ShareUpdateExclusive);
    }

    fn toast(&mut self, t: &str, mode: Mode) {
        self.take(Object::Toast(t.to_owned()), mode);
        self.take(Object::ToastIndex(t.to_owned()), mode);
    }

    fn sequence(&mut self, t: &str, column: &str) {
        for mode in [RowExclusive, ShareRowExclusive, AccessExclusive] {
            self.take(Object::Sequence(t.to_owned(), column.to_owned()), mode);
        }
    }

    /// Every index of `t` (primary key, uniques, indexes), in `mode`: a
    /// query over the table opens them all.
    fn all_indexes(&mut self, t: &Table, mode: Mode) {
        if t.primary_key.is_some() {
            self.index(&t.name, "pkey", mode);
        }
        for u in &t.uniques {
            self.index(&t.name, &u.name, mode);
        }
        for i in &t.indexes {
            self.index(&t.name, &i.name, mode);
        }
    }

    /// A new index being built on `t`: the table in share mode (and its
    /// TOAST table, when it has one), the index itself.
    fn build_index(&mut self, t: &Table, name: &str) {
        self.table(&t.name, Share);
        if toastable(t) {
            self.take(Object::Toast(t.name.clone()), Share);
        }
        self.index(&t.name, name, AccessExclusive);
    }

    /// The index a foreign key to `ref_table` (`ref_columns`) checks.
    fn referenced_index(&mut self, after: &Schema, ref_table: &str, ref_columns: &[String]) {
        let name = after
            .table(ref_table)
            .and_then(|p| {
                if p.pk_columns() == ref_columns {
                    Some("pkey".to_owned())
                } else {
                    p.uniques
                        .iter()
                        .find(|u| u.columns == ref_columns)
                        .map(|u| u.name.clone())
                }
            })
            .unwrap_or_else(|| format!("({})", ref_columns.join(",")));
        self.index(ref_table, &name, AccessShare);
    }

    /// Adds `op`, which turns `before` into `after`.
    pub fn add(&mut self, op: &Operation, before: &Schema, after: &Schema) {
        match op {
            Operation::CreateTable { table, .. } => {
                if let Some(t) = after.table(table) {
                    self.create_table(t, after);
                }
            }
            Operation::DropTable { table } => {
                if let Some(t) = before.table(table) {
                    self.drop_table(t);
                }
            }
            Operation::RenameTable { table, new_name } => {
                self.table(new_name, AccessExclusive);
                self.take(Object::RowType(new_name.clone()), AccessExclusive);
                if let Some(t) = before.table(table) {
                    for c in t.columns.iter().filter(|c| c.autoincrement) {
                        self.take(
                            Object::Sequence(new_name.clone(), c.name.clone()),
                            AccessExclusive,
                        );
                    }
                }
            }
            Operation::AddColumn { table, column } => {
                self.table(table, AccessExclusive);
                let had_toast = before.table(table).is_some_and(toastable);
                if !had_toast && is_toastable(&column.ty) {
                    self.toast(table, AccessExclusive);
                    self.take(Object::Toast(table.clone()), Share);
                }
                if column.autoincrement {
                    self.sequence(table, &column.name);
                    self.take(
                        Object::Default(table.clone(), column.name.clone()),
                        AccessExclusive,
                    );
                }
                // A serial or an expression default (it may be volatile)
                // fills every row: the table is written anew.
                if (column.autoincrement || column.default_expr.is_some())
                    && let Some(t) = before.table(table)
                {
                    self.table(table, AccessShare);
                    self.rewrite(t, before, toastable(t), None);
                }
                if let Some(e) = column.ty.enum_name() {
                    self.take(Object::Enum(e.to_owned()), AccessShare);
                }
                if column.comment.is_some() {
                    self.comment(table);
                }
            }
            Operation::DropColumn { table, column } => {
                self.table(table, AccessExclusive);
                if let Some(t) = before.table(table) {
                    self.drop_column(t, column);
                }
            }
            Operation::AlterColumn {
                table,
                column,
                ty,
                default,
                default_expr,
                drop_default,
                comment,
                drop_comment,
                ..
            } => {
                self.table(table, AccessExclusive);
                if default.is_some() || default_expr.is_some() || *drop_default {
                    self.take(
                        Object::Default(table.clone(), column.clone()),
                        AccessExclusive,
                    );
                }
                if comment.is_some() || *drop_comment {
                    self.comment(table);
                }
                if let Some(new) = ty
                    && let Some(t) = before.table(table)
                {
                    self.rewrite(t, before, toastable(t) || is_toastable(new), Some(column));
                    if let Some(e) = ty.as_ref().and_then(ColumnType::enum_name) {
                        self.take(Object::Enum(e.to_owned()), AccessShare);
                    }
                }
            }
            Operation::AlterPrimaryKey { table, .. } => {
                self.table(table, AccessExclusive);
                if before.table(table).is_some_and(|t| t.primary_key.is_some()) {
                    self.index(table, "pkey", AccessExclusive);
                    self.constraint(table, "pkey", AccessExclusive);
                }
                if let Some(t) = after.table(table) {
                    // The new key's index is a new object under the same name.
                    self.build_index(t, "new pkey");
                    self.constraint(table, "new pkey", AccessShare);
                }
            }
            // `concurrently` (and `validate_constraint`) run after the
            // revision's transaction, one statement each: no share of it.
            Operation::CreateIndex {
                concurrently: true, ..
            }
            | Operation::DropIndex {
                concurrently: true, ..
            }
            | Operation::ValidateConstraint { .. } => {}
            Operation::CreateIndex { table, name, .. } => {
                if let Some(t) = after.table(table) {
                    self.build_index(t, name);
                }
            }
            Operation::DropIndex { table, name, .. } => {
                self.table(table, AccessExclusive);
                self.index(table, name, AccessExclusive);
            }
            Operation::CreateUnique { table, .. } => {
                self.table(table, AccessExclusive);
                if let (Some(a), Some(b)) = (after.table(table), before.table(table)) {
                    for u in a.uniques.iter().filter(|u| !b.uniques.contains(u)) {
                        self.build_index(a, &u.name);
                        self.constraint(table, &u.name, AccessShare);
                    }
                }
            }
            Operation::DropUnique { table, name } => {
                self.table(table, AccessExclusive);
                self.index(table, name, AccessExclusive);
                self.constraint(table, name, AccessExclusive);
            }
            Operation::AddForeignKey {
                table,
                ref_table,
                ref_columns,
                ..
            } => {
                // The new key is validated by a query over both tables.
                for t in [table, ref_table] {
                    for mode in [AccessShare, RowShare, ShareRowExclusive] {
                        self.table(t, mode);
                    }
                    if let Some(t) = after.table(t) {
                        self.all_indexes(t, AccessShare);
                    }
                }
                self.referenced_index(after, ref_table, ref_columns);
                let (Some(a), Some(b)) = (after.table(table), before.table(table)) else {
                    return;
                };
                for fk in a
                    .foreign_keys
                    .iter()
                    .filter(|f| !b.foreign_keys.contains(f))
                {
                    self.constraint(table, &fk.name, AccessShare);
                }
            }
            Operation::DropForeignKey { table, name } => {
                self.table(table, AccessExclusive);
                if let Some(fk) = before
                    .table(table)
                    .and_then(|t| t.foreign_keys.iter().find(|f| f.name == *name))
                {
                    self.drop_foreign_key(table, &fk.name, &fk.ref_table);
                }
            }
            Operation::AddCheck { table, .. } => {
                self.table(table, AccessExclusive);
                self.table(table, AccessShare);
            }
            Operation::DropCheck { table, name } => {
                self.table(table, AccessExclusive);
                self.constraint(table, name, AccessExclusive);
            }
            Operation::CreateEnum { name, .. } => {
                self.take(Object::Namespace, AccessShare);
                self.take(Object::Enum(name.clone()), AccessShare);
            }
            Operation::AlterEnum { name, values } => {
                self.take(Object::Enum(name.clone()), AccessExclusive);
                let appended = before
                    .enums
                    .get(name)
                    .is_some_and(|e| values.starts_with(&e.values));
                if !appended {
                    // A new type, and every column of the old one converted.
                    self.take(Object::Namespace, AccessShare);
                    self.take(Object::EnumArray(name.clone()), AccessExclusive);
                    self.take(Object::Other(name.clone(), "new enum"), AccessShare);
                    for t in before.tables.values() {
                        if t.columns.iter().any(|c| c.ty.enum_name() == Some(name)) {
                            self.table(&t.name, AccessExclusive);
                            self.rewrite(t, before, toastable(t), None);
                        }
                    }
                }
            }
            Operation::DropEnum { name } => {
                self.take(Object::Enum(name.clone()), AccessExclusive);
                self.take(Object::EnumArray(name.clone()), AccessExclusive);
            }
            Operation::Execute { .. } => self.unnamed += EXECUTE_LOCKS,
            Operation::BulkInsert { table, .. } => {
                self.table(table, RowExclusive);
                if let Some(t) = before.table(table) {
                    self.all_indexes(t, RowExclusive);
                    for c in t.columns.iter().filter(|c| c.autoincrement) {
                        self.take(
                            Object::Sequence(table.clone(), c.name.clone()),
                            RowExclusive,
                        );
                    }
                }
            }
            Operation::Irreversible { .. } => {}
            // A kind this estimate does not know yet: as much as `execute`.
            _ => self.unnamed += EXECUTE_LOCKS,
        }
    }

    fn create_table(&mut self, t: &Table, after: &Schema) {
        let name = t.name.as_str();
        self.take(Object::Namespace, AccessShare);
        self.table(name, AccessExclusive);
        self.take(Object::RowType(name.to_owned()), AccessShare);
        if toastable(t) {
            self.toast(name, AccessExclusive);
        }
        for c in t.columns.iter().filter(|c| c.autoincrement) {
            self.table(name, AccessShare);
            self.sequence(name, &c.name);
        }
        let mut enums: Vec<&str> = t.columns.iter().filter_map(|c| c.ty.enum_name()).collect();
        enums.dedup();
        for e in enums {
            self.take(Object::Enum(e.to_owned()), AccessShare);
        }
        if t.primary_key.is_some() {
            self.build_index(t, "pkey");
            self.constraint(name, "pkey", AccessShare);
        }
        for u in &t.uniques {
            self.build_index(t, &u.name);
            self.constraint(name, &u.name, AccessShare);
        }
        for fk in &t.foreign_keys {
            for target in [name, fk.ref_table.as_str()] {
                self.table(target, AccessShare);
                self.table(target, ShareRowExclusive);
            }
            self.referenced_index(after, &fk.ref_table, &fk.ref_columns);
            self.constraint(name, &fk.name, AccessShare);
        }
        if t.comment.is_some() || t.columns.iter().any(|c| c.comment.is_some()) {
            self.comment(name);
        }
    }

    fn drop_table(&mut self, t: &Table) {
        let name = t.name.as_str();
        self.table(name, AccessExclusive);
        self.take(Object::RowType(name.to_owned()), AccessExclusive);
        self.take(Object::ArrayType(name.to_owned()), AccessExclusive);
        if toastable(t) {
            self.toast(name, AccessExclusive);
        }
        self.all_indexes(t, AccessExclusive);
        if t.primary_key.is_some() {
            self.constraint(name, "pkey", AccessExclusive);
        }
        for u in &t.uniques {
            self.constraint(name, &u.name, AccessExclusive);
        }
        for c in &t.checks {
            self.constraint(name, &c.name, AccessExclusive);
        }
        for fk in &t.foreign_keys {
            self.drop_foreign_key(name, &fk.name, &fk.ref_table);
        }
        for c in &t.columns {
            if c.autoincrement {
                self.take(
                    Object::Sequence(name.to_owned(), c.name.clone()),
                    AccessExclusive,
                );
            }
            if c.autoincrement || c.default.is_some() {
                self.take(
                    Object::Default(name.to_owned(), c.name.clone()),
                    AccessExclusive,
                );
            }
        }
        if t.comment.is_some() || t.columns.iter().any(|c| c.comment.is_some()) {
            self.take(Object::Description, RowExclusive);
        }
    }

    /// The constraint, both tables and the key's four triggers.
    fn drop_foreign_key(&mut self, table: &str, name: &str, ref_table: &str) {
        self.table(table, AccessExclusive);
        self.table(ref_table, AccessExclusive);
        self.constraint(table, name, AccessExclusive);
        for n in 0..4 {
            self.take(
                Object::Trigger(table.to_owned(), name.to_owned(), n),
                AccessExclusive,
            );
        }
    }

    /// `column` of `t` dropped, with every index and constraint on it.
    fn drop_column(&mut self, t: &Table, column: &str) {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        let name = t.name.as_str();
        if t.primary_key.as_ref().is_some_and(|p| has(&p.columns)) {
            self.index(name, "pkey", AccessExclusive);
            self.constraint(name, "pkey", AccessExclusive);
        }
        for u in t.uniques.iter().filter(|u| has(&u.columns)) {
            self.index(name, &u.name, AccessExclusive);
            self.constraint(name, &u.name, AccessExclusive);
        }
        for i in t.indexes.iter().filter(|i| has(&i.columns)) {
            self.index(name, &i.name, AccessExclusive);
        }
        for fk in t.foreign_keys.iter().filter(|f| has(&f.columns)) {
            self.drop_foreign_key(name, &fk.name, &fk.ref_table);
        }
        if let Some(c) = t.column(column)
            && (c.autoincrement || c.default.is_some())
        {
            self.take(
                Object::Default(name.to_owned(), column.to_owned()),
                AccessExclusive,
            );
            if c.autoincrement {
                self.take(
                    Object::Sequence(name.to_owned(), column.to_owned()),
                    AccessExclusive,
                );
            }
        }
    }

    /// A table written anew (`ALTER COLUMN ... TYPE`, a new serial
    /// column): a new heap, TOAST table (when `toast`) and every index;
    /// the foreign keys on `column` (either way) are checked again.
    fn rewrite(&mut self, t: &Table, before: &Schema, toast: bool, column: Option<&str>) {
        let name = t.name.as_str();
        self.take(Object::Namespace, AccessShare);
        self.table(name, Share);
        if toast {
            self.toast(name, AccessExclusive);
            self.take(Object::Toast(name.to_owned()), Share);
            self.take(Object::ToastIndex(name.to_owned()), ShareUpdateExclusive);
            for what in ["new toast", "new toast index"] {
                self.take(Object::Other(name.to_owned(), what), AccessExclusive);
            }
        }
        self.take(Object::RowType(name.to_owned()), AccessExclusive);
        self.take(Object::ArrayType(name.to_owned()), AccessExclusive);
        self.take(Object::Other(name.to_owned(), "new heap"), AccessExclusive);
        self.take(Object::Other(name.to_owned(), "new row type"), AccessShare);
        self.take(
            Object::Other(name.to_owned(), "new row type"),
            AccessExclusive,
        );
        self.take(
            Object::Other(name.to_owned(), "new array type"),
            AccessExclusive,
        );
        self.all_indexes(t, AccessExclusive);
        let n = t.indexes.len() + t.uniques.len() + usize::from(t.primary_key.is_some());
        // The rebuilt indexes are new relations.
        self.unnamed += n;
        let Some(column) = column else { return };
        let on = |cols: &[String]| cols.iter().any(|c| c == column);
        let keys = t
            .foreign_keys
            .iter()
            .filter(|f| on(&f.columns))
            .map(|f| (name, f.ref_table.as_str(), f.name.as_str()))
            .chain(
                before
                    .referencing(name)
                    .filter(|(_, f)| on(&f.ref_columns))
                    .map(|(c, f)| (c.name.as_str(), name, f.name.as_str())),
            );
        let keys: Vec<(&str, &str, &str)> = keys.collect();
        // Each such key is dropped and made again, then validated by a
        // query over both tables.
        for (child, parent, key) in keys {
            self.drop_foreign_key(child, key, parent);
            self.constraint(child, &format!("{key} (new)"), AccessShare);
            for target in [child, parent] {
                self.table(target, AccessShare);
                self.table(target, RowShare);
                self.table(target, ShareRowExclusive);
                if let Some(t) = before.table(target) {
                    self.all_indexes(t, AccessShare);
                }
            }
        }
    }
}

/// Whether PostgreSQL gives the table a TOAST table: it has a column of a
/// variable-length type (counted whatever its declared length).
fn toastable(t: &Table) -> bool {
    t.columns.iter().any(|c| is_toastable(&c.ty))
}

fn is_toastable(ty: &ColumnType) -> bool {
    !matches!(
        ty,
        ColumnType::TinyInteger
            | ColumnType::SmallInteger
            | ColumnType::Integer
            | ColumnType::BigInteger
            | ColumnType::TinyUnsigned
            | ColumnType::SmallUnsigned
            | ColumnType::Unsigned
            | ColumnType::BigUnsigned
            | ColumnType::Boolean
            | ColumnType::Money
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::TimestampTz
            | ColumnType::Interval
            | ColumnType::Year
            | ColumnType::Uuid
            | ColumnType::MacAddr
            | ColumnType::Enum(_)
    )
}
