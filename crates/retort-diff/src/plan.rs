//! The diff itself: detection, then operations in dependency order.

use std::collections::BTreeSet;

use retort_core::{
    Column, ColumnDefault, ColumnSpec, ForeignKey, Operation, Schema, Table, TableOrder, apply,
    create_table_ops,
};

use crate::compare::{action, fk_target, narrows, same_default, same_fk};
use crate::{Change, ChangeKind as K, ColumnRename, DiffOptions, TableRename};

/// What it takes to go from one schema to another, and back.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Diff {
    /// Operations that turn `from` into `to`.
    pub upgrade: Vec<Operation>,
    /// Operations that turn `to` back into `from`.
    pub downgrade: Vec<Operation>,
    /// One entry per difference found, in the order of `upgrade`.
    pub changes: Vec<Change>,
    /// What the diff could not express, and unanswered rename candidates.
    pub warnings: Vec<String>,
}

impl Diff {
    /// No difference: `check` passes and autogenerate writes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether any change can lose data.
    pub fn is_destructive(&self) -> bool {
        self.changes.iter().any(|c| c.destructive)
    }
}

/// Compares `from` (the database, or the revision chain) with `to` (the
/// models) and plans both directions. See the crate docs for the rules.
pub fn diff(from: &Schema, to: &Schema, options: &DiffOptions) -> Diff {
    let up = Planner::run(
        from,
        to,
        &options.table_renames,
        &options.renames,
        options.compare_comments,
    );
    // Back down: the tables get their old names first, so a column rename
    // names its table as it was.
    let back_tables: Vec<TableRename> =
        up.table_renames.iter().map(TableRename::reversed).collect();
    let back_columns: Vec<ColumnRename> = up
        .renames
        .iter()
        .map(|r| {
            let table = up
                .table_renames
                .iter()
                .find(|t| t.to == r.table)
                .map_or(&r.table, |t| &t.from);
            ColumnRename::new(table, &r.to, &r.from)
        })
        .collect();
    let down = Planner::run(
        to,
        from,
        &back_tables,
        &back_columns,
        options.compare_comments,
    );
    let mut warnings = up.warnings;
    for c in table_rename_candidates(from, to, options) {
        warnings.push(format!(
            "table `{}` is dropped and `{}` created with the same columns; if it is a rename, pass `--rename {c}`, else its data is lost",
            c.from, c.to
        ));
    }
    for c in rename_candidates(from, to, options) {
        warnings.push(format!(
            "`{t}.{f}` is dropped and `{t}.{n}` added with the same type; if it is a rename, pass `--rename {c}`, else its data is lost",
            t = c.table,
            f = c.from,
            n = c.to
        ));
    }
    Diff {
        upgrade: up.ops,
        downgrade: down.ops,
        changes: up.changes,
        warnings,
    }
}

/// Tables only in `from` whose columns (names and types, in any order) are
/// those of a table only in `to`: maybe a rename. Tables a given rename uses
/// are left out.
pub fn table_rename_candidates(
    from: &Schema,
    to: &Schema,
    options: &DiffOptions,
) -> Vec<TableRename> {
    let shape = |t: &Table| -> BTreeSet<(String, String)> {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.to_string()))
            .collect()
    };
    let given = |name: &str| {
        options
            .table_renames
            .iter()
            .any(|r| r.from == name || r.to == name)
    };
    let mut out = Vec::new();
    for old in from.tables.values() {
        if to.table(&old.name).is_some() || given(&old.name) {
            continue;
        }
        for new in to.tables.values() {
            if from.table(&new.name).is_none() && !given(&new.name) && shape(old) == shape(new) {
                out.push(TableRename::new(&old.name, &new.name));
            }
        }
    }
    out
}

/// Columns of one table that are dropped while another of the same type is
/// added: maybe a rename. Pairs already in `options.renames` (or whose
/// columns a given rename uses) are left out.
pub fn rename_candidates(from: &Schema, to: &Schema, options: &DiffOptions) -> Vec<ColumnRename> {
    let mut out = Vec::new();
    for (name, old) in &from.tables {
        let Some(new) = to.table(name) else { continue };
        let given = |col: &str, side_from: bool| {
            options.renames.iter().any(|r| {
                r.table == *name
                    && if side_from {
                        r.from == col
                    } else {
                        r.to == col
                    }
            })
        };
        for d in old.columns.iter().filter(|c| new.column(&c.name).is_none()) {
            if given(&d.name, true) {
                continue;
            }
            for a in new.columns.iter().filter(|c| old.column(&c.name).is_none()) {
                if a.ty == d.ty && !given(&a.name, false) {
                    out.push(ColumnRename::new(name, &d.name, &a.name));
                }
            }
        }
    }
    out
}

struct Planned {
    ops: Vec<Operation>,
    changes: Vec<Change>,
    warnings: Vec<String>,
    table_renames: Vec<TableRename>,
    renames: Vec<ColumnRename>,
}

/// The operations of one phase of the upgrade, in the order they run.
#[derive(Default)]
struct Phases {
    renames: Vec<Operation>,
    enums: Vec<Operation>,
    drop_fks: Vec<Operation>,
    drop_keys: Vec<Operation>,
    drop_pks: Vec<Operation>,
    drop_tables: Vec<Operation>,
    drop_columns: Vec<Operation>,
    add_columns: Vec<Operation>,
    alter_columns: Vec<Operation>,
    create_tables: Vec<Operation>,
    set_pks: Vec<Operation>,
    add_keys: Vec<Operation>,
    add_fks: Vec<Operation>,
    drop_enums: Vec<Operation>,
}

impl Phases {
    fn into_ops(self) -> Vec<Operation> {
        [
            self.renames,
            self.enums,
            self.drop_fks,
            self.drop_keys,
            self.drop_pks,
            self.drop_tables,
            self.drop_columns,
            self.add_columns,
            self.alter_columns,
            self.create_tables,
            self.set_pks,
            self.add_keys,
            self.add_fks,
            self.drop_enums,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

struct Planner<'a> {
    to: &'a Schema,
    compare_comments: bool,
    p: Phases,
    changes: Vec<Change>,
    warnings: Vec<String>,
}

impl<'a> Planner<'a> {
    fn run(
        from: &Schema,
        to: &'a Schema,
        table_renames: &[TableRename],
        renames: &[ColumnRename],
        compare_comments: bool,
    ) -> Planned {
        let mut pl = Planner {
            to,
            compare_comments,
            p: Phases::default(),
            changes: Vec::new(),
            warnings: Vec::new(),
        };
        // Renames first, tables then columns: the rest compares the renamed
        // schema with `to`.
        let mut from = from.clone();
        let mut tables_applied = Vec::new();
        for r in table_renames {
            let valid = from.table(&r.from).is_some()
                && from.table(&r.to).is_none()
                && to.table(&r.to).is_some()
                && to.table(&r.from).is_none();
            let op = Operation::RenameTable {
                table: r.from.clone(),
                new_name: r.to.clone(),
            };
            if !valid || apply(&mut from, &op).is_err() {
                pl.warnings.push(format!(
                    "ignored rename `{r}`: table `{}` must be dropped and `{}` created",
                    r.from, r.to
                ));
                continue;
            }
            pl.changes.push(Change::new(
                K::RenameTable,
                Some(&r.to),
                format!("renamed table `{}` to `{}`", r.from, r.to),
            ));
            pl.p.renames.push(op);
            tables_applied.push(r.clone());
        }
        let mut applied = Vec::new();
        for r in renames {
            let valid = from
                .table(&r.table)
                .zip(to.table(&r.table))
                .is_some_and(|(a, b)| {
                    a.column(&r.from).is_some()
                        && a.column(&r.to).is_none()
                        && b.column(&r.to).is_some()
                        && b.column(&r.from).is_none()
                });
            let op = rename_op(r);
            if !valid || apply(&mut from, &op).is_err() {
                pl.warnings.push(format!(
                    "ignored rename `{r}`: `{}.{}` must be dropped and `{}.{}` added",
                    r.table, r.from, r.table, r.to
                ));
                continue;
            }
            pl.changes.push(Change::new(
                K::RenameColumn,
                Some(&r.table),
                format!(
                    "renamed column `{t}.{}` to `{t}.{}`",
                    r.from,
                    r.to,
                    t = r.table
                ),
            ));
            pl.p.renames.push(op);
            applied.push(r.clone());
        }
        pl.enums(&from);
        pl.tables(&from);
        Planned {
            ops: pl.p.into_ops(),
            changes: pl.changes,
            warnings: pl.warnings,
            table_renames: tables_applied,
            renames: applied,
        }
    }

    fn change(&mut self, kind: K, table: Option<&str>, description: String, destructive: bool) {
        self.changes
            .push(Change::new(kind, table, description).destructive(destructive));
    }

    fn enums(&mut self, from: &Schema) {
        for (name, e) in &self.to.enums {
            match from.enums.get(name) {
                None => {
                    self.change(K::AddEnum, None, format!("added enum type `{name}`"), false);
                    self.p.enums.push(Operation::CreateEnum {
                        name: name.clone(),
                        values: e.values.clone(),
                    });
                }
                Some(old) if old.values != e.values => {
                    let appended = e.values.starts_with(&old.values);
                    if appended {
                        let added: Vec<String> = e.values[old.values.len()..]
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect();
                        self.change(
                            K::AddEnumValue,
                            None,
                            format!("added value {} to enum type `{name}`", added.join(", ")),
                            false,
                        );
                    } else {
                        let removed = old.values.iter().any(|v| !e.values.contains(v));
                        self.change(
                            K::AlterEnum,
                            None,
                            format!(
                                "values of enum type `{name}` changed from ({}) to ({}); the type is rebuilt",
                                old.values.join(", "),
                                e.values.join(", ")
                            ),
                            removed,
                        );
                    }
                    self.p.enums.push(Operation::AlterEnum {
                        name: name.clone(),
                        values: e.values.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        for name in from
            .enums
            .keys()
            .filter(|n| !self.to.enums.contains_key(*n))
        {
            self.change(
                K::DropEnum,
                None,
                format!("removed enum type `{name}`"),
                true,
            );
            self.p
                .drop_enums
                .push(Operation::DropEnum { name: name.clone() });
        }
    }

    fn tables(&mut self, from: &Schema) {
        // Tables whose primary key changes: foreign keys pointing at them are
        // dropped and added again around the change.
        let mut pk_changed = BTreeSet::new();
        // Columns whose type changes: foreign keys over them are re-created
        // (MySQL refuses to change a column a foreign key uses).
        let mut retyped: BTreeSet<(String, String)> = BTreeSet::new();
        for (name, old) in &from.tables {
            if let Some(new) = self.to.table(name) {
                if old.pk_columns() != new.pk_columns() {
                    pk_changed.insert(name.clone());
                }
                for c in &old.columns {
                    if let Some(n) = new.column(&c.name)
                        && n.ty != c.ty
                    {
                        retyped.insert((name.clone(), c.name.clone()));
                    }
                }
            }
        }
        let forced = |table: &str, fk: &ForeignKey| {
            pk_changed.contains(&fk.ref_table)
                || fk
                    .columns
                    .iter()
                    .any(|c| retyped.contains(&(table.to_owned(), c.clone())))
                || fk
                    .ref_columns
                    .iter()
                    .any(|c| retyped.contains(&(fk.ref_table.clone(), c.clone())))
        };

        self.dropped_tables(from);
        for (name, old) in &from.tables {
            if let Some(new) = self.to.table(name) {
                self.columns(old, new);
                self.primary_key(old, new);
                self.keys(old, new);
                self.checks(old, new);
                self.foreign_keys(old, new, &forced);
                if self.compare_comments && old.comment != new.comment {
                    self.warnings.push(format!(
                        "the comment of table `{name}` differs; retort has no operation for table comments, change it by hand"
                    ));
                }
            }
        }
        self.created_tables(from);
    }

    /// Tables only in `from`: the foreign keys that close a cycle among
    /// them first, then the tables, children before parents.
    fn dropped_tables(&mut self, from: &Schema) {
        let order = TableOrder::new(
            from.tables
                .values()
                .filter(|t| self.to.table(&t.name).is_none()),
        );
        for (name, _) in from
            .tables
            .iter()
            .filter(|(n, _)| self.to.table(n).is_none())
        {
            self.change(
                K::DropTable,
                Some(name),
                format!("removed table `{name}`"),
                true,
            );
        }
        for (t, f) in order.deferred() {
            self.p.drop_tables.push(Operation::DropForeignKey {
                table: t.name.clone(),
                name: f.name.clone(),
            });
        }
        for t in order.tables().iter().rev() {
            self.p.drop_tables.push(Operation::DropTable {
                table: t.name.clone(),
            });
        }
    }

    /// Tables only in `to`: parents before children; keys closing a cycle
    /// are added once every table exists.
    fn created_tables(&mut self, from: &Schema) {
        let order = TableOrder::new(
            self.to
                .tables
                .values()
                .filter(|t| from.table(&t.name).is_none()),
        );
        for t in self.to.tables.keys().filter(|n| from.table(n).is_none()) {
            self.changes.push(Change::new(
                K::AddTable,
                Some(t),
                format!("added table `{t}`"),
            ));
        }
        for t in order.create() {
            self.p.create_tables.extend(create_table_ops(&t));
        }
        self.p
            .add_fks
            .extend(order.deferred().map(|(t, f)| add_fk(&t.name, f)));
    }

    fn columns(&mut self, old: &Table, new: &Table) {
        let t = &new.name;
        for c in old.columns.iter().filter(|c| new.column(&c.name).is_none()) {
            self.change(
                K::DropColumn,
                Some(t),
                format!("removed column `{t}.{}`", c.name),
                true,
            );
            self.p.drop_columns.push(Operation::DropColumn {
                table: t.clone(),
                column: c.name.clone(),
            });
        }
        for c in new.columns.iter().filter(|c| old.column(&c.name).is_none()) {
            self.change(
                K::AddColumn,
                Some(t),
                format!("added column `{t}.{}`", c.name),
                false,
            );
            if !c.nullable && c.default.is_none() && !c.autoincrement {
                self.warnings.push(format!(
                    "`{t}.{}` is added NOT NULL without a default: the upgrade fails if `{t}` has rows",
                    c.name
                ));
            }
            self.p.add_columns.push(Operation::AddColumn {
                table: t.clone(),
                column: ColumnSpec::from_column(c),
            });
        }
        for c in &new.columns {
            if let Some(o) = old.column(&c.name) {
                self.alter_column(t, o, c);
            }
        }
    }

    fn alter_column(&mut self, t: &str, old: &Column, new: &Column) {
        let mut op = AlterColumn::new(t, &new.name);
        let at = format!("`{t}.{}`", new.name);
        if old.ty != new.ty {
            self.change(
                K::AlterType,
                Some(t),
                format!("type changed on {at} ({} -> {})", old.ty, new.ty),
                narrows(&old.ty, &new.ty),
            );
            op.ty = Some(new.ty.clone());
        }
        if old.nullable != new.nullable {
            let word = |n: bool| if n { "NULL" } else { "NOT NULL" };
            self.change(
                K::AlterNullable,
                Some(t),
                format!(
                    "nullable changed on {at} ({} -> {})",
                    word(old.nullable),
                    word(new.nullable)
                ),
                false,
            );
            op.nullable = Some(new.nullable);
        }
        // An auto-increment column's default belongs to the database.
        let defaults_differ = !new.autoincrement
            && !old.autoincrement
            && !same_default(old.default.as_ref(), new.default.as_ref());
        if defaults_differ {
            let shown = |d: &Option<ColumnDefault>| match d {
                None => "none".to_owned(),
                Some(ColumnDefault::Literal(v)) => v.to_string(),
                Some(ColumnDefault::Expr(e)) => e.clone(),
            };
            self.change(
                K::AlterDefault,
                Some(t),
                format!(
                    "default changed on {at} ({} -> {})",
                    shown(&old.default),
                    shown(&new.default)
                ),
                false,
            );
            match &new.default {
                None => op.drop_default = true,
                Some(ColumnDefault::Literal(v)) => op.default = Some(v.clone()),
                Some(ColumnDefault::Expr(e)) => op.default_expr = Some(e.clone()),
            }
        }
        if self.compare_comments && old.comment != new.comment {
            self.change(
                K::AlterComment,
                Some(t),
                format!("comment changed on {at}"),
                false,
            );
            match &new.comment {
                None => op.drop_comment = true,
                Some(c) => op.comment = Some(c.clone()),
            }
        }
        if old.autoincrement != new.autoincrement {
            self.warnings.push(format!(
                "auto-increment of {at} differs; retort cannot change it in place, change it by hand"
            ));
        }
        if op.touched() {
            self.p.alter_columns.push(op.into_op());
        }
    }

    fn primary_key(&mut self, old: &Table, new: &Table) {
        if old.pk_columns() == new.pk_columns() {
            return;
        }
        let t = &new.name;
        let shown = |c: &[String]| {
            if c.is_empty() {
                "none".to_owned()
            } else {
                format!("({})", c.join(", "))
            }
        };
        self.change(
            K::AlterPrimaryKey,
            Some(t),
            format!(
                "primary key changed on `{t}` ({} -> {})",
                shown(old.pk_columns()),
                shown(new.pk_columns())
            ),
            false,
        );
        // A key over a column that goes must go before the column.
        let loses_column = old.pk_columns().iter().any(|c| new.column(c).is_none());
        if loses_column && !old.pk_columns().is_empty() {
            self.p.drop_pks.push(Operation::AlterPrimaryKey {
                table: t.clone(),
                columns: Vec::new(),
            });
        }
        if !new.pk_columns().is_empty() || !loses_column {
            self.p.set_pks.push(Operation::AlterPrimaryKey {
                table: t.clone(),
                columns: new.pk_columns().to_vec(),
            });
        }
    }

    /// Unique constraints and unique indexes in one pool by column set;
    /// plain indexes by ordered columns.
    fn keys(&mut self, old: &Table, new: &Table) {
        let t = &new.name;
        let pool = |tb: &Table| -> Vec<Key> {
            let mut v: Vec<Key> = tb
                .uniques
                .iter()
                .map(|u| Key::new(KeyKind::Unique, &u.name, &u.columns))
                .collect();
            v.extend(tb.indexes.iter().map(|i| {
                let kind = if i.unique {
                    KeyKind::UniqueIndex
                } else {
                    KeyKind::Index
                };
                Key::new(kind, &i.name, &i.columns)
            }));
            v
        };
        let (gone, came) = match_up(pool(old), pool(new), |a, b| a.matches(b));
        for k in gone {
            let cols = k.columns.join(", ");
            let (kind, what, op) = match k.kind {
                KeyKind::Unique => (
                    K::DropUnique,
                    format!("removed unique constraint `{}` on `{t}` ({cols})", k.name),
                    Operation::DropUnique {
                        table: t.clone(),
                        name: k.name,
                    },
                ),
                KeyKind::UniqueIndex | KeyKind::Index => (
                    if k.kind == KeyKind::Index {
                        K::DropIndex
                    } else {
                        K::DropUnique
                    },
                    format!(
                        "removed {}index `{}` on `{t}` ({cols})",
                        if k.kind == KeyKind::Index {
                            ""
                        } else {
                            "unique "
                        },
                        k.name
                    ),
                    Operation::DropIndex {
                        table: t.clone(),
                        name: k.name,
                        concurrently: false,
                    },
                ),
            };
            // A key on a dropped column goes with the column.
            let on_dropped = k.columns.iter().any(|c| new.column(c).is_none());
            if !on_dropped {
                self.change(kind, Some(t), what, false);
            }
            self.p.drop_keys.push(op);
        }
        for k in came {
            let cols = k.columns.join(", ");
            let (kind, what, op) = match k.kind {
                KeyKind::Unique => (
                    K::AddUnique,
                    format!("added unique constraint on `{t}` ({cols})"),
                    Operation::CreateUnique {
                        table: t.clone(),
                        name: Some(k.name),
                        columns: k.columns,
                    },
                ),
                KeyKind::UniqueIndex | KeyKind::Index => (
                    if k.kind == KeyKind::Index {
                        K::AddIndex
                    } else {
                        K::AddUnique
                    },
                    format!(
                        "added {}index `{}` on `{t}` ({cols})",
                        if k.kind == KeyKind::Index {
                            ""
                        } else {
                            "unique "
                        },
                        k.name
                    ),
                    Operation::CreateIndex {
                        table: t.clone(),
                        name: k.name,
                        columns: k.columns,
                        unique: k.kind == KeyKind::UniqueIndex,
                        concurrently: false,
                    },
                ),
            };
            self.change(kind, Some(t), what, false);
            self.p.add_keys.push(op);
        }
    }

    fn checks(&mut self, old: &Table, new: &Table) {
        let t = &new.name;
        for c in old
            .checks
            .iter()
            .filter(|c| !new.checks.iter().any(|n| n.name == c.name))
        {
            self.change(
                K::DropCheck,
                Some(t),
                format!("removed check `{}` on `{t}`", c.name),
                false,
            );
            self.p.drop_keys.push(Operation::DropCheck {
                table: t.clone(),
                name: c.name.clone(),
            });
        }
        for c in new
            .checks
            .iter()
            .filter(|c| !old.checks.iter().any(|o| o.name == c.name))
        {
            self.change(
                K::AddCheck,
                Some(t),
                format!("added check `{}` on `{t}`", c.name),
                false,
            );
            self.p.add_keys.push(Operation::AddCheck {
                table: t.clone(),
                name: c.name.clone(),
                expr: c.expr.clone(),
                validate: true,
            });
        }
    }

    fn foreign_keys(
        &mut self,
        old: &Table,
        new: &Table,
        forced: &dyn Fn(&str, &ForeignKey) -> bool,
    ) {
        let t = &new.name;
        let (gone, came) = match_up(old.foreign_keys.clone(), new.foreign_keys.clone(), same_fk);
        // Keys that stay, but are re-created around a key or type change.
        for f in new.foreign_keys.iter().filter(|f| !came.contains(f)) {
            if forced(t, f)
                && let Some(o) = old.foreign_keys.iter().find(|o| same_fk(o, f))
            {
                self.p.drop_fks.push(Operation::DropForeignKey {
                    table: t.clone(),
                    name: o.name.clone(),
                });
                self.p.add_fks.push(add_fk(t, f));
            }
        }
        let target = |f: &ForeignKey| {
            format!(
                "`{t}` ({}) -> `{}` ({})",
                f.columns.join(", "),
                f.ref_table,
                f.ref_columns.join(", ")
            )
        };
        let acts = |f: &ForeignKey| {
            let a = |x: Option<retort_core::FkAction>| {
                action(x).map_or("no action".to_owned(), |a| a.to_string())
            };
            format!("ON DELETE {}, ON UPDATE {}", a(f.on_delete), a(f.on_update))
        };
        // A key that only changed its actions is one change, not two.
        let mut altered: Vec<usize> = Vec::new();
        for g in &gone {
            self.p.drop_fks.push(Operation::DropForeignKey {
                table: t.clone(),
                name: g.name.clone(),
            });
        }
        for c in &came {
            self.p.add_fks.push(add_fk(t, c));
            let was = gone
                .iter()
                .enumerate()
                .position(|(i, g)| fk_target(g) == fk_target(c) && !altered.contains(&i));
            match was {
                Some(i) => {
                    altered.push(i);
                    self.change(
                        K::AlterForeignKey,
                        Some(t),
                        format!(
                            "foreign key actions changed on {} ({} -> {})",
                            target(c),
                            acts(&gone[i]),
                            acts(c)
                        ),
                        false,
                    );
                }
                None => self.change(
                    K::AddForeignKey,
                    Some(t),
                    format!("added foreign key {}", target(c)),
                    false,
                ),
            }
        }
        for (i, g) in gone.iter().enumerate() {
            // A key on a dropped column or to a dropped table goes with it.
            let with_other = g.columns.iter().any(|c| new.column(c).is_none())
                || self.to.table(&g.ref_table).is_none();
            if !altered.contains(&i) && !with_other {
                self.change(
                    K::DropForeignKey,
                    Some(t),
                    format!("removed foreign key {}", target(g)),
                    false,
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Unique,
    UniqueIndex,
    Index,
}

#[derive(Debug, Clone)]
struct Key {
    kind: KeyKind,
    name: String,
    columns: Vec<String>,
}

impl Key {
    fn new(kind: KeyKind, name: &str, columns: &[String]) -> Self {
        Key {
            kind,
            name: name.to_owned(),
            columns: columns.to_vec(),
        }
    }

    fn unique(&self) -> bool {
        self.kind != KeyKind::Index
    }

    /// Unique keys match by column set, plain indexes by ordered columns.
    fn matches(&self, other: &Key) -> bool {
        if self.unique() != other.unique() {
            return false;
        }
        if self.unique() {
            let set = |c: &[String]| c.iter().cloned().collect::<BTreeSet<_>>();
            set(&self.columns) == set(&other.columns)
        } else {
            self.columns == other.columns
        }
    }
}

/// Pairs equal items of two lists; returns what is left of each.
fn match_up<T>(old: Vec<T>, new: Vec<T>, same: impl Fn(&T, &T) -> bool) -> (Vec<T>, Vec<T>) {
    let mut left: Vec<Option<T>> = old.into_iter().map(Some).collect();
    let mut came = Vec::new();
    for n in new {
        match left
            .iter()
            .position(|o| o.as_ref().is_some_and(|o| same(o, &n)))
        {
            Some(i) => left[i] = None,
            None => came.push(n),
        }
    }
    (left.into_iter().flatten().collect(), came)
}

fn add_fk(table: &str, f: &ForeignKey) -> Operation {
    Operation::AddForeignKey {
        table: table.to_owned(),
        name: Some(f.name.clone()),
        columns: f.columns.clone(),
        ref_table: f.ref_table.clone(),
        ref_columns: f.ref_columns.clone(),
        on_delete: action(f.on_delete),
        on_update: action(f.on_update),
        validate: true,
    }
}

fn rename_op(r: &ColumnRename) -> Operation {
    let mut op = AlterColumn::new(&r.table, &r.from);
    op.new_name = Some(r.to.clone());
    op.into_op()
}

/// The fields of `Operation::AlterColumn`, filled in as changes are found.
struct AlterColumn {
    table: String,
    column: String,
    ty: Option<retort_core::ColumnType>,
    nullable: Option<bool>,
    default: Option<retort_core::Value>,
    default_expr: Option<String>,
    drop_default: bool,
    comment: Option<String>,
    drop_comment: bool,
    new_name: Option<String>,
}

impl AlterColumn {
    fn new(table: &str, column: &str) -> Self {
        AlterColumn {
            table: table.to_owned(),
            column: column.to_owned(),
            ty: None,
            nullable: None,
            default: None,
            default_expr: None,
            drop_default: false,
            comment: None,
            drop_comment: false,
            new_name: None,
        }
    }

    fn touched(&self) -> bool {
        self.ty.is_some()
            || self.nullable.is_some()
            || self.default.is_some()
            || self.default_expr.is_some()
            || self.drop_default
            || self.comment.is_some()
            || self.drop_comment
            || self.new_name.is_some()
    }

    fn into_op(self) -> Operation {
        Operation::AlterColumn {
            table: self.table,
            column: self.column,
            ty: self.ty,
            nullable: self.nullable,
            default: self.default,
            default_expr: self.default_expr,
            drop_default: self.drop_default,
            comment: self.comment,
            drop_comment: self.drop_comment,
            new_name: self.new_name,
        }
    }
}
