//! Data pre-checks: before the first statement of a revision, the rows that
//! would make one of its operations fail (NULLs before `SET NOT NULL`,
//! repeated values before a unique or primary key, values a narrower type
//! cannot hold, enum values about to be removed, orphans before a foreign
//! key, rows breaking a new check) are counted; when there are any, the
//! whole revision is refused and nothing of it runs.
//!
//! The checks are planned with the rest of the revision ([`crate::build_plan`]
//! puts them in [`crate::SqlStep::prechecks`]), from the schema the
//! database has just before the revision. An operation is checked only when
//! what it reads is as the database has it then: nothing is checked on a
//! table created earlier in the same revision (it is empty), and an
//! operation that follows an `execute` or `bulk_insert` of the revision (which
//! may write the very rows it needs, "add column, backfill, SET NOT NULL"),
//! or reads a column or table an earlier step of the revision adds, renames
//! or retypes, is not checked but named in a note.

use std::collections::HashSet;

use retort_core::{Dialect, Operation, Schema};
use retort_lint::Fit;
use retort_script::{Direction, Revision};
use retort_sql::{DataCheck, Violation, data_check};

use crate::connection::{Conn, Rows};
use crate::state::{ROLLBACK, db_err};
use crate::{MigrateError, SqlStep};

/// One query of the data an operation needs to succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCheck {
    /// `path:line` of the operation.
    pub location: String,
    /// The 1-based step of the operation in its list.
    pub index: usize,
    pub op: &'static str,
    /// The operation as `show` describes it.
    pub operation: String,
    /// What an offending row is: "with NULL in `users.email`".
    pub offending: String,
    /// The columns each sample row shows: the table's primary key, or the
    /// offending values when it has none (for repeated values, the values
    /// and the number of rows holding them).
    pub shown: Vec<String>,
    /// Whether `shown` is the primary key.
    pub keys: bool,
    /// Whether the sample rows are groups of repeated values.
    pub duplicates: bool,
    pub query: DataCheck,
}

/// The pre-checks of one revision, and what the data could fail that is
/// not checked before it starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreChecks {
    pub checks: Vec<PreCheck>,
    /// One line per operation left to the database, saying why.
    pub notes: Vec<String>,
}

impl PreChecks {
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.notes.is_empty()
    }
}

/// A pre-check that found rows.
#[derive(Debug, Clone)]
pub struct PreCheckFailure {
    pub check: PreCheck,
    /// The number of offending rows.
    pub count: u64,
    /// Up to [`retort_sql::SAMPLE`] of them, as the message shows them.
    pub rows: Vec<String>,
}

impl std::fmt::Display for PreCheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.check;
        let what = if c.keys { "keys" } else { "values" };
        let cols = c
            .shown
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let more = match self.count.checked_sub(self.rows.len() as u64) {
            Some(n) if n > 0 && !c.duplicates => format!(" and {n} more"),
            _ => String::new(),
        };
        write!(
            f,
            "{}: `{}` step {} ({}) fails on {} row(s) {}: {what} ({cols}) {}{more}\n    query: {}",
            c.location,
            c.op,
            c.index,
            c.operation,
            self.count,
            c.offending,
            self.rows.join(", "),
            c.query.sample
        )
    }
}

/// Gathers the pre-checks of one revision, operation by operation.
pub(crate) struct Collector {
    dialect: Dialect,
    /// Tables created earlier in the revision: empty, nothing to check.
    new_tables: HashSet<String>,
    /// Tables whose name the database does not have yet (renamed in the
    /// revision), or whose primary key changed earlier in it.
    changed_tables: HashSet<String>,
    /// Columns added, renamed or retyped earlier in the revision.
    changed_columns: HashSet<(String, String)>,
    /// The first step of the revision that writes rows (1-based, its kind).
    writes: Option<(usize, &'static str)>,
    checks: PreChecks,
}

impl Collector {
    pub(crate) fn new(dialect: Dialect) -> Collector {
        Collector {
            dialect,
            new_tables: HashSet::new(),
            changed_tables: HashSet::new(),
            changed_columns: HashSet::new(),
            writes: None,
            checks: PreChecks::default(),
        }
    }

    pub(crate) fn finish(self) -> PreChecks {
        self.checks
    }

    /// The checks of `op`, the `index`-th (0-based) of `rev`'s list, with
    /// `before` the schema just before it; then what it changes for the
    /// operations after it.
    pub(crate) fn op(
        &mut self,
        before: &Schema,
        rev: &Revision,
        direction: Direction,
        index: usize,
        op: &Operation,
    ) {
        let wanted = self.violations(before, op);
        if !wanted.is_empty() {
            let location = rev.op_location(direction == Direction::Up, index);
            if let Some((step, kind)) = self.writes {
                self.checks.notes.push(format!(
                    "{location}: `{}` step {} ({}) is not checked before the revision: it follows the `{kind}` at step {step}, which may write the rows it needs; the database checks it when it runs",
                    op.kind(),
                    index + 1,
                    op.describe()
                ));
            } else if let Some(why) = wanted.iter().find_map(|w| self.unreadable(w)) {
                self.checks.notes.push(format!(
                    "{location}: `{}` step {} ({}) is not checked before the revision: {why}, which the database does not have before the revision runs; the database checks it when it runs",
                    op.kind(),
                    index + 1,
                    op.describe()
                ));
            } else {
                for w in wanted {
                    let check = self.check(before, &w, &location, index, op);
                    self.checks.checks.push(check);
                }
            }
        }
        self.record(op, index);
    }

    fn record(&mut self, op: &Operation, index: usize) {
        match op {
            Operation::CreateTable { table, .. } => {
                self.new_tables.insert(table.clone());
            }
            Operation::RenameTable { table, new_name } => {
                if self.new_tables.remove(table) {
                    self.new_tables.insert(new_name.clone());
                } else {
                    self.changed_tables.insert(new_name.clone());
                }
            }
            Operation::AddColumn { table, column } => {
                self.changed_columns
                    .insert((table.clone(), column.name.clone()));
            }
            Operation::AlterColumn {
                table,
                column,
                ty,
                new_name,
                ..
            } => {
                if ty.is_some() {
                    self.changed_columns.insert((table.clone(), column.clone()));
                }
                if let Some(n) = new_name {
                    self.changed_columns.insert((table.clone(), n.clone()));
                }
            }
            Operation::AlterPrimaryKey { table, .. } => {
                self.changed_tables.insert(format!("{table} primary key"));
            }
            Operation::Execute { sql } if sql.for_dialect(self.dialect).is_some() => {
                self.writes.get_or_insert((index + 1, "execute"));
            }
            Operation::BulkInsert { .. } => {
                self.writes.get_or_insert((index + 1, "bulk_insert"));
            }
            _ => {}
        }
    }

    /// What existing rows can make `op` fail, on tables that existed before
    /// the revision.
    fn violations<'o>(&self, before: &'o Schema, op: &'o Operation) -> Vec<Wanted<'o>> {
        let mut out = Vec::new();
        if let Some(t) = op.table()
            && (self.new_tables.contains(t) || before.table(t).is_none())
        {
            return out;
        }
        match op {
            Operation::AlterColumn {
                table,
                column,
                ty,
                nullable,
                ..
            } => {
                let Some(col) = before.table(table).and_then(|t| t.column(column)) else {
                    return out;
                };
                if let Some(new) = ty
                    && let Some(fit) = retort_lint::fit(&col.ty, new)
                {
                    let v = match fit {
                        Fit::Range { min, max } => Violation::OutOfRange {
                            column: column.clone(),
                            min,
                            max,
                        },
                        Fit::Chars(max) => Violation::TooLong {
                            column: column.clone(),
                            max,
                        },
                        Fit::Decimal { precision, scale } => Violation::DecimalOverflow {
                            column: column.clone(),
                            precision,
                            scale,
                        },
                    };
                    let offending = match fit {
                        Fit::Range { min, max } => {
                            format!("with `{table}.{column}` outside {min}..={max} (`{new}`)")
                        }
                        Fit::Chars(n) => {
                            format!("with `{table}.{column}` longer than {n} characters (`{new}`)")
                        }
                        Fit::Decimal { .. } => {
                            format!("with `{table}.{column}` too large for `{new}`")
                        }
                    };
                    out.push(Wanted::new(table, v, offending, vec![column]));
                }
                if *nullable == Some(false) && col.nullable {
                    out.push(Wanted::new(
                        table,
                        Violation::Null {
                            columns: vec![column.clone()],
                        },
                        format!("with NULL in `{table}.{column}`"),
                        vec![column],
                    ));
                }
            }
            Operation::CreateUnique { table, columns, .. }
            | Operation::CreateIndex {
                table,
                columns,
                unique: true,
                ..
            } => out.push(duplicates(table, columns)),
            Operation::AlterPrimaryKey { table, columns } if !columns.is_empty() => {
                out.push(Wanted::new(
                    table,
                    Violation::Null {
                        columns: columns.clone(),
                    },
                    format!(
                        "with NULL in the primary key ({}) of `{table}`",
                        columns.join(", ")
                    ),
                    columns.iter().map(String::as_str).collect(),
                ));
                out.push(duplicates(table, columns));
            }
            Operation::AlterEnum { name, values } => {
                let Some(old) = before.enums.get(name) else {
                    return out;
                };
                let removed: Vec<String> = old
                    .values
                    .iter()
                    .filter(|v| !values.contains(v))
                    .cloned()
                    .collect();
                if removed.is_empty() {
                    return out;
                }
                for t in before.tables.values() {
                    if self.new_tables.contains(&t.name) {
                        continue;
                    }
                    for c in &t.columns {
                        if matches!(&c.ty, retort_core::ColumnType::Enum(e) if e == name) {
                            out.push(Wanted::new(
                                &t.name,
                                Violation::OneOf {
                                    column: c.name.clone(),
                                    values: removed.clone(),
                                },
                                format!(
                                    "with `{}.{}` holding a removed value ({})",
                                    t.name,
                                    c.name,
                                    removed
                                        .iter()
                                        .map(|v| format!("`{v}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                vec![&c.name],
                            ));
                        }
                    }
                }
            }
            // `NOT VALID` (PostgreSQL) leaves existing rows unchecked; a
            // later `validate_constraint` meets them, and is left to the
            // database. Other dialects ignore `validate = false`.
            Operation::AddForeignKey {
                validate: false, ..
            }
            | Operation::AddCheck {
                validate: false, ..
            } if self.dialect == Dialect::Postgres => {}
            Operation::AddForeignKey {
                table,
                columns,
                ref_table,
                ref_columns,
                ..
            } => {
                let parent_exists = !self.new_tables.contains(ref_table);
                let mut w = Wanted::new(
                    table,
                    Violation::Orphan {
                        columns: columns.clone(),
                        ref_table: ref_table.clone(),
                        ref_columns: ref_columns.clone(),
                        parent_exists,
                    },
                    format!(
                        "of `{table}` whose ({}) match no row of `{ref_table}`{}",
                        columns.join(", "),
                        if parent_exists {
                            ""
                        } else {
                            " (created empty earlier in the revision)"
                        }
                    ),
                    columns.iter().map(String::as_str).collect(),
                );
                if parent_exists {
                    w.reads.push((ref_table, None));
                    w.reads.extend(
                        ref_columns
                            .iter()
                            .map(|c| (ref_table.as_str(), Some(c.as_str()))),
                    );
                }
                out.push(w);
            }
            Operation::AddCheck { table, expr, .. } => {
                let mut w = Wanted::new(
                    table,
                    Violation::Check { expr: expr.clone() },
                    format!("of `{table}` breaking the check ({expr})"),
                    Vec::new(),
                );
                // The expression may read any column of the table.
                if let Some(t) = before.table(table) {
                    w.reads.extend(
                        t.columns
                            .iter()
                            .map(|c| (table.as_str(), Some(c.name.as_str()))),
                    );
                }
                out.push(w);
            }
            _ => {}
        }
        out
    }

    /// Why the database cannot answer `w` before the revision runs.
    fn unreadable(&self, w: &Wanted<'_>) -> Option<String> {
        w.reads.iter().find_map(|(t, c)| match c {
            None if self.changed_tables.contains(*t) => Some(format!(
                "it reads table `{t}`, renamed earlier in the revision"
            )),
            Some(c) if self.changed_columns.contains(&((*t).to_owned(), (*c).to_owned())) => {
                Some(format!(
                    "it reads `{t}.{c}` as an earlier step of the revision leaves it (added, renamed or retyped)"
                ))
            }
            _ => None,
        })
    }

    fn check(
        &self,
        before: &Schema,
        w: &Wanted<'_>,
        location: &str,
        index: usize,
        op: &Operation,
    ) -> PreCheck {
        let duplicates = matches!(w.violation, Violation::Duplicate { .. });
        let table = before.table(w.table);
        // The primary key identifies the rows, when the revision has not
        // changed it; else the offending values (or the first columns).
        let pk: Vec<String> = table
            .filter(|_| {
                !self
                    .changed_tables
                    .contains(&format!("{} primary key", w.table))
            })
            .map(|t| t.pk_columns().to_vec())
            .unwrap_or_default();
        let (shown, keys) = if duplicates {
            (w.columns.iter().map(|c| (*c).to_owned()).collect(), false)
        } else if !pk.is_empty() {
            (pk, true)
        } else if w.columns.is_empty() || matches!(w.violation, Violation::Null { .. }) {
            let first: Vec<String> = table
                .map(|t| {
                    t.columns
                        .iter()
                        .filter(|c| !w.columns.contains(&c.name.as_str()))
                        .take(3)
                        .map(|c| c.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            if first.is_empty() {
                // A table of the one offending column.
                (w.columns.iter().map(|c| (*c).to_owned()).collect(), false)
            } else {
                (first, false)
            }
        } else {
            (w.columns.iter().map(|c| (*c).to_owned()).collect(), false)
        };
        PreCheck {
            location: location.to_owned(),
            index: index + 1,
            op: op.kind(),
            operation: op.describe(),
            offending: w.offending.clone(),
            query: data_check(self.dialect, w.table, &w.violation, &shown),
            shown,
            keys,
            duplicates,
        }
    }
}

/// One check an operation wants, before it is known whether the database
/// can answer it.
struct Wanted<'o> {
    table: &'o str,
    violation: Violation,
    offending: String,
    /// The offending columns.
    columns: Vec<&'o str>,
    /// What the query reads: tables (`None`) and columns.
    reads: Vec<(&'o str, Option<&'o str>)>,
}

impl<'o> Wanted<'o> {
    fn new(
        table: &'o str,
        violation: Violation,
        offending: String,
        columns: Vec<&'o str>,
    ) -> Wanted<'o> {
        let mut reads = vec![(table, None)];
        reads.extend(columns.iter().map(|c| (table, Some(*c))));
        Wanted {
            table,
            violation,
            offending,
            columns,
            reads,
        }
    }
}

fn duplicates<'o>(table: &'o str, columns: &'o [String]) -> Wanted<'o> {
    Wanted::new(
        table,
        Violation::Duplicate {
            columns: columns.to_vec(),
        },
        format!("repeating a value of ({}) in `{table}`", columns.join(", ")),
        columns.iter().map(String::as_str).collect(),
    )
}

/// Runs the pre-checks of `step` and refuses it when one finds rows (or a
/// query fails), before any of its statements: within the run's one
/// transaction (`whole_run`), that transaction is rolled back first.
/// `previous` says where the database is then.
pub(crate) async fn refuse(
    conn: &mut Conn,
    step: &SqlStep,
    previous: &str,
    whole_run: bool,
) -> Result<(), MigrateError> {
    if step.prechecks.checks.is_empty() {
        return Ok(());
    }
    let result = match run(conn, &step.prechecks).await {
        Ok(failures) if failures.is_empty() => return Ok(()),
        Ok(failures) => MigrateError::PreCheckFailed {
            revision: step.revision.clone(),
            failures,
            previous: previous.to_owned(),
            whole_run,
        },
        Err(e) => e,
    };
    if whole_run {
        let _ = conn.execute(ROLLBACK).await;
    }
    Err(result)
}

/// Runs the checks of one revision; the ones that found rows.
async fn run(conn: &mut Conn, checks: &PreChecks) -> Result<Vec<PreCheckFailure>, MigrateError> {
    let mut failures = Vec::new();
    for check in &checks.checks {
        let doing = |q: &str| format!("running the data pre-check of {} ({q})", check.location);
        let rows = conn
            .fetch(check.query.count.as_str())
            .await
            .map_err(|e| db_err(doing(check.query.count.as_str()), e))?;
        let count = first_number(&rows);
        if count == 0 {
            continue;
        }
        let sample = conn
            .fetch(check.query.sample.as_str())
            .await
            .map_err(|e| db_err(doing(check.query.sample.as_str()), e))?;
        let rows = sample.iter().map(|r| show_row(check, r)).collect();
        failures.push(PreCheckFailure {
            check: check.clone(),
            count,
            rows,
        });
    }
    Ok(failures)
}

/// The number in the first cell (`COUNT(*)` is text on PostgreSQL and
/// MySQL, and `SUM` a decimal there).
fn first_number(rows: &Rows) -> u64 {
    let Some(Some(cell)) = rows.first().and_then(|r| r.first()) else {
        return 0;
    };
    cell.parse::<u64>()
        .ok()
        .or_else(|| cell.parse::<f64>().ok().map(|f| f as u64))
        .unwrap_or(0)
}

fn show_row(check: &PreCheck, row: &[Option<String>]) -> String {
    let cell = |c: &Option<String>| c.clone().unwrap_or_else(|| "NULL".to_owned());
    let n = check.shown.len();
    let values: Vec<String> = row.iter().take(n).map(cell).collect();
    let joined = if n == 1 {
        values.join("")
    } else {
        format!("({})", values.join(", "))
    };
    if check.duplicates {
        let times = row.get(n).map(cell).unwrap_or_default();
        format!("{joined} on {times} rows")
    } else {
        joined
    }
}
