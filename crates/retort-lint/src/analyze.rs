//! The analyzers: one typed operation and the schema before it in, the
//! codes it raises out. No SQL is parsed.

use std::collections::HashSet;

use retort_core::{ColumnType, Dialect, Operation, Schema};

use crate::{narrowing, pg_rewrites};

/// What an analyzer knows besides the operation.
pub(crate) struct Context<'a> {
    /// The schema just before the operation.
    pub before: &'a Schema,
    /// Tables created earlier in the same revision (no rows, no readers).
    pub new_tables: &'a HashSet<String>,
    /// Enum types created earlier in the same revision.
    pub new_enums: &'a HashSet<String>,
    pub dialect: Option<Dialect>,
    /// Whether the revision's downgrade has an `execute` step, or says
    /// with `irreversible` that it cannot be undone.
    pub downgrade_executes: bool,
}

/// A finding before its place and severity are known.
#[derive(Debug)]
pub(crate) struct Raw {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

fn raw(code: &'static str, message: String, hint: impl Into<String>) -> Raw {
    Raw {
        code,
        message,
        hint: hint.into(),
    }
}

impl Context<'_> {
    /// A table that exists before this revision (it may have rows and readers).
    fn existing(&self, table: &str) -> bool {
        !self.new_tables.contains(table) && self.before.tables.contains_key(table)
    }

    fn is(&self, d: Dialect) -> bool {
        self.dialect == Some(d)
    }
}

/// The hints of RT204 and RT205, on the add or on the `validate_constraint`
/// that reads the rows.
const FIX_BREAKING_ROWS: &str =
    "fix the rows that break it first, in an `execute` step or an earlier revision";
const FIX_ORPHAN_ROWS: &str =
    "delete or fix the orphan rows first, in an `execute` step or an earlier revision";

/// Every finding of `op`.
pub(crate) fn analyze(cx: &Context<'_>, op: &Operation) -> Vec<Raw> {
    let mut out = Vec::new();
    if let Some(t) = op.table()
        && !cx.existing(t)
    {
        return out;
    }
    match op {
        Operation::DropTable { table } => out.push(raw(
            "RT101",
            format!("dropping table `{table}` deletes all its rows"),
            "rename it or stop writing to it first and drop it in a later release, after a backup",
        )),
        Operation::DropColumn { table, column } => {
            out.push(raw(
                "RT102",
                format!("dropping column `{table}.{column}` deletes its values"),
                "stop reading the column in the application first, release, then drop it in a later revision",
            ));
        }
        Operation::DropEnum { name } if !cx.new_enums.contains(name) => out.push(raw(
            "RT103",
            format!("dropping enum type `{name}` removes its values"),
            "make sure no column uses it and no code writes its values",
        )),
        Operation::AlterEnum { name, values } if !cx.new_enums.contains(name) => {
            alter_enum(cx, name, values, &mut out)
        }
        Operation::AlterColumn {
            table,
            column,
            ty,
            nullable,
            new_name,
            ..
        } => {
            let Some(col) = cx.before.table(table).and_then(|t| t.column(column)) else {
                return out;
            };
            if let Some(ty) = ty {
                alter_type(cx, table, column, &col.ty, ty, &mut out);
            }
            if *nullable == Some(false) && col.nullable {
                out.push(raw(
                    "RT202",
                    format!("making `{table}.{column}` NOT NULL fails if any row holds NULL"),
                    format!("fill the NULLs first (`UPDATE {table} SET {column} = ... WHERE {column} IS NULL` in an `execute` step or an earlier revision)"),
                ));
                if cx.is(Dialect::Postgres) {
                    out.push(raw(
                        "RT404",
                        format!("SET NOT NULL on `{table}.{column}` scans the whole table under an ACCESS EXCLUSIVE lock"),
                        format!("add a check `{column} IS NOT NULL` NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ skips the scan)"),
                    ));
                }
            }
            if let Some(n) = new_name {
                out.push(raw(
                    "RT302",
                    format!("renaming column `{table}.{column}` to `{n}` breaks the running application, which still reads `{column}`"),
                    "add the new column, write both, backfill, switch readers, then drop the old one in a later release",
                ));
            }
        }
        Operation::RenameTable { table, new_name } => out.push(raw(
            "RT301",
            format!("renaming table `{table}` to `{new_name}` breaks the running application, which still reads `{table}`"),
            "create the new table (or a view under the old name) and move readers before dropping the old name",
        )),
        Operation::AddColumn { table, column } => {
            if !column.nullable
                && column.default.is_none()
                && column.default_expr.is_none()
                && !column.autoincrement
            {
                out.push(raw(
                    "RT203",
                    format!("adding NOT NULL column `{table}.{}` without a default fails if the table has rows", column.name),
                    "give it a `default`, or add it nullable, backfill it, then make it NOT NULL",
                ));
            }
            if cx.is(Dialect::Postgres)
                && let Some(e) = &column.default_expr
                && is_volatile(e)
            {
                out.push(raw(
                    "RT407",
                    format!("the volatile default `{e}` of `{table}.{}` rewrites the whole table under an ACCESS EXCLUSIVE lock", column.name),
                    "add the column without a default (or with a constant), backfill in batches, then set the default",
                ));
            }
        }
        Operation::CreateUnique { table, columns, .. } => {
            out.push(unique_on_existing(table, columns));
            if cx.is(Dialect::Postgres) {
                out.push(raw(
                    "RT401",
                    format!("the unique constraint on `{table}` ({}) builds its index while writes to the table wait", columns.join(", ")),
                    "create a unique index with `CONCURRENTLY` in an `execute` step, then `ADD CONSTRAINT ... UNIQUE USING INDEX`",
                ));
            }
        }
        Operation::CreateIndex {
            table,
            name,
            columns,
            unique,
            concurrently,
        } => {
            if *unique {
                out.push(unique_on_existing(table, columns));
            }
            if cx.is(Dialect::Postgres) && !concurrently {
                out.push(raw(
                    "RT401",
                    format!("creating index `{name}` on `{table}` blocks writes to the table while it builds"),
                    "set `concurrently = true` on the `create_index`: retort builds it with `CREATE INDEX CONCURRENTLY` after the revision's transaction",
                ));
            }
        }
        Operation::DropIndex {
            table,
            name,
            concurrently: false,
        } if cx.is(Dialect::Postgres) => out.push(raw(
            "RT402",
            format!("dropping index `{name}` takes an ACCESS EXCLUSIVE lock on `{table}` and waits behind running queries"),
            "set `concurrently = true` on the `drop_index`: retort runs `DROP INDEX CONCURRENTLY` after the revision's transaction",
        )),
        Operation::AlterPrimaryKey { table, columns } if !columns.is_empty() => out.push(raw(
            "RT201",
            format!("the primary key ({}) on `{table}` fails if existing rows repeat or hold NULL", columns.join(", ")),
            "check for duplicates and NULLs first, in an `execute` step or an earlier revision",
        )),
        Operation::DropUnique { table, name } => out.push(raw(
            "RT105",
            format!("dropping unique constraint `{name}` on `{table}` lets duplicates in that code may rely on being absent"),
            "make sure no code relies on the uniqueness; drop it after the code no longer does",
        )),
        Operation::DropForeignKey { table, name } => out.push(raw(
            "RT105",
            format!("dropping foreign key `{name}` on `{table}` lets rows point at nothing"),
            "make sure the application keeps the reference valid, or delete in order",
        )),
        Operation::AddCheck {
            table,
            name,
            expr,
            validate,
        } => {
            // PostgreSQL's `NOT VALID` leaves the existing rows unchecked:
            // the `validate_constraint` step is the one that can fail.
            if *validate || !cx.is(Dialect::Postgres) {
                out.push(raw(
                    "RT204",
                    format!(
                        "check `{name}` ({expr}) on `{table}` fails if an existing row breaks it"
                    ),
                    FIX_BREAKING_ROWS,
                ));
            }
            if cx.is(Dialect::Postgres) && *validate {
                out.push(raw(
                    "RT406",
                    format!("check `{name}` on `{table}` scans the whole table while writes wait"),
                    "set `validate = false` on the `add_check` (`NOT VALID`), then a `validate_constraint` step (which does not block writes)",
                ));
            }
        }
        Operation::AddForeignKey {
            table,
            columns,
            ref_table,
            validate,
            ..
        } => {
            if *validate || !cx.is(Dialect::Postgres) {
                out.push(raw(
                    "RT205",
                    format!("the foreign key `{table}` ({}) -> `{ref_table}` fails if an existing row points at nothing", columns.join(", ")),
                    FIX_ORPHAN_ROWS,
                ));
            }
            if cx.is(Dialect::Postgres) && *validate {
                out.push(raw(
                    "RT405",
                    format!("the foreign key on `{table}` scans it and locks `{table}` and `{ref_table}` against writes while it validates"),
                    "set `validate = false` on the `add_foreign_key` (`NOT VALID`), then a `validate_constraint` step (which does not block writes)",
                ));
            }
        }
        // The check of a `NOT VALID` key or check, on PostgreSQL (elsewhere
        // the add checked the rows and this step does nothing).
        Operation::ValidateConstraint { table, name } if cx.is(Dialect::Postgres) => {
            let t = cx.before.table(table);
            if t.is_some_and(|t| t.checks.iter().any(|c| c.name == *name)) {
                out.push(raw(
                    "RT204",
                    format!("validating check `{name}` on `{table}` fails if an existing row breaks it"),
                    FIX_BREAKING_ROWS,
                ));
            } else if let Some(f) =
                t.and_then(|t| t.foreign_keys.iter().find(|f| f.name == *name))
            {
                out.push(raw(
                    "RT205",
                    format!(
                        "validating the foreign key `{table}` ({}) -> `{}` fails if an existing row points at nothing",
                        f.columns.join(", "),
                        f.ref_table
                    ),
                    FIX_ORPHAN_ROWS,
                ));
            }
        }
        Operation::Execute { .. } if !cx.downgrade_executes => out.push(raw(
            "RT701",
            "this `execute` step has no `execute` in the downgrade, so a downgrade does not undo it".to_owned(),
            "add the SQL that undoes it to `[[downgrade]]`, or an `irreversible` step saying why it cannot be undone",
        )),
        Operation::Irreversible { reason } => out.push(raw(
            "RT702",
            match reason {
                Some(r) => format!("irreversible step: {r}"),
                None => "irreversible step: a downgrade through this revision stops here".to_owned(),
            },
            "keep a backup before upgrading past it",
        )),
        _ => {}
    }
    if cx.is(Dialect::Sqlite) && rebuilds_on_sqlite(cx.before, op) {
        let table = op.table().unwrap_or_default();
        out.push(raw(
            "RT601",
            format!("SQLite rebuilds table `{table}` for this step: it copies every row into a new table"),
            "expect it to take time on a large table; group the changes to one table in one revision so it is rebuilt once",
        ));
    }
    out
}

fn unique_on_existing(table: &str, columns: &[String]) -> Raw {
    raw(
        "RT201",
        format!(
            "a unique key on `{table}` ({}) fails if existing rows repeat a value",
            columns.join(", ")
        ),
        "remove the duplicates first (in an `execute` step or an earlier revision)",
    )
}

fn alter_type(
    cx: &Context<'_>,
    table: &str,
    column: &str,
    old: &ColumnType,
    new: &ColumnType,
    out: &mut Vec<Raw>,
) {
    if let Some(why) = narrowing(old, new) {
        out.push(raw(
            "RT104",
            format!("changing `{table}.{column}` from `{old}` to `{new}` can cut or refuse existing values: {why}"),
            "check the data fits first (e.g. the longest value or the largest number), or add a new column and copy what fits",
        ));
    }
    if cx.is(Dialect::Postgres) && pg_rewrites(old, new) {
        out.push(raw(
            "RT403",
            format!("changing `{table}.{column}` from `{old}` to `{new}` rewrites the whole table under an ACCESS EXCLUSIVE lock"),
            "add a new column of the new type, backfill it in batches, then swap the columns",
        ));
    }
}

fn alter_enum(cx: &Context<'_>, name: &str, values: &[String], out: &mut Vec<Raw>) {
    let Some(old) = cx.before.enums.get(name) else {
        return;
    };
    let removed: Vec<&str> = old
        .values
        .iter()
        .filter(|v| !values.contains(v))
        .map(String::as_str)
        .collect();
    if !removed.is_empty() {
        out.push(raw(
            "RT103",
            format!(
                "enum type `{name}` loses value(s) {}; rows holding them fail or are lost",
                quoted(&removed)
            ),
            "update the rows holding them first, in an `execute` step or an earlier revision",
        ));
    }
    let appended = values.len() >= old.values.len() && values[..old.values.len()] == old.values[..];
    let used = cx.before.tables.values().any(|t| {
        !cx.new_tables.contains(&t.name)
            && t.columns
                .iter()
                .any(|c| matches!(&c.ty, ColumnType::Enum(e) if e == name))
    });
    if cx.is(Dialect::Mysql) && !appended && used {
        out.push(raw(
            "RT501",
            format!("changing the values of ENUM `{name}` other than by appending copies every table that uses it"),
            "only append new values at the end; remove or reorder values in a quiet period",
        ));
    }
}

fn quoted(v: &[&str]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Functions whose value changes per row: a default of one makes PostgreSQL
/// 11+ rewrite the table to fill the new column.
fn is_volatile(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    [
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v",
        "clock_timestamp(",
        "timeofday(",
        "nextval(",
        "txid_current(",
    ]
    .iter()
    .any(|f| e.contains(f))
}

/// Whether `retort-sql` renders `op` on SQLite as a table rebuild.
fn rebuilds_on_sqlite(before: &Schema, op: &Operation) -> bool {
    retort_sql::render(op, before, Dialect::Sqlite).is_ok_and(|r| r.rebuilds_table)
}
