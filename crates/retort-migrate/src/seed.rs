//! `seed`: loads seed files ([`retort_script::SeedFile`]) into the tables
//! the revision chain has built, in one transaction.
//!
//! Each row replaces the row with the same primary key (so a seed can run
//! again, as Django's `loaddata` does); a row without the whole key is a
//! plain insert. Tables and columns are checked against the schema the
//! revisions build up to the database's version before anything runs, and
//! a PostgreSQL sequence behind an auto-increment key is moved past the
//! seeded values.

use std::fmt::Write;
use std::path::PathBuf;

use retort_core::{ColumnType, Dialect, Row, Schema, Value};
use retort_script::SeedFile;
use retort_sql::{Sql, insert_rows, sync_sequence};

use crate::MigrateError;
use crate::error::SeedProblem;

/// The statements of a seed run, each with the seed table it comes from.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub dialect: Dialect,
    pub statements: Vec<SeedStatement>,
    pub tables: Vec<SeededTable>,
}

/// One statement and where it comes from.
#[derive(Debug, Clone)]
pub struct SeedStatement {
    pub file: PathBuf,
    pub table: String,
    /// Line of the table's first `[[table]]` header.
    pub line: usize,
    pub sql: Sql,
}

/// One table of one seed file, and how many rows it gives.
#[derive(Debug, Clone)]
pub struct SeededTable {
    pub file: PathBuf,
    pub table: String,
    pub rows: usize,
}

/// Checks `seeds` against `schema` and renders their statements. `at` names
/// the revision(s) `schema` is at, for messages.
pub fn seed_plan(
    schema: &Schema,
    seeds: &[SeedFile],
    dialect: Dialect,
    at: &str,
) -> Result<SeedPlan, MigrateError> {
    let mut plan = SeedPlan {
        dialect,
        statements: Vec::new(),
        tables: Vec::new(),
    };
    // Every problem of every file, so that one run shows them all.
    let mut problems: Vec<SeedProblem> = Vec::new();
    for file in seeds {
        let mut bad = |line: usize, message: String, hint: Option<String>| {
            problems.push(SeedProblem {
                path: file.path.clone(),
                line,
                message,
                hint,
            });
        };
        for seed in &file.tables {
            let Some(table) = schema.tables.get(&seed.table) else {
                bad(
                    seed.line,
                    format!("there is no table `{}` at {at}", seed.table),
                    Some(if schema.tables.is_empty() {
                        "run `retort upgrade head` before seeding".to_owned()
                    } else {
                        format!(
                            "tables there: {}",
                            schema.tables.keys().cloned().collect::<Vec<_>>().join(", ")
                        )
                    }),
                );
                continue;
            };
            let mut rows = Vec::with_capacity(seed.rows.len());
            let mut table_ok = true;
            for row in &seed.rows {
                let mut out = Row::default();
                for (name, cell) in &row.cells {
                    let Some(column) = table.columns.iter().find(|c| &c.name == name) else {
                        bad(
                            cell.line,
                            format!("table `{}` has no column `{name}`", seed.table),
                            Some(format!(
                                "its columns: {}",
                                table
                                    .columns
                                    .iter()
                                    .map(|c| c.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                        table_ok = false;
                        continue;
                    };
                    let value = match cell.value.to_value(&column.ty, dialect) {
                        Ok(v) => v,
                        Err(m) => {
                            bad(
                                cell.line,
                                format!("column `{}.{name}`: {m}", seed.table),
                                None,
                            );
                            table_ok = false;
                            continue;
                        }
                    };
                    if let (ColumnType::Enum(e), Value::String(v)) = (&column.ty, &value)
                        && let Some(ty) = schema.enums.get(e)
                        && !ty.values.contains(v)
                    {
                        bad(
                            cell.line,
                            format!(
                                "column `{}.{name}`: {v:?} is not a value of enum `{e}`",
                                seed.table
                            ),
                            Some(format!("its values: {}", ty.values.join(", "))),
                        );
                        table_ok = false;
                        continue;
                    }
                    out.insert(name.clone(), value);
                }
                rows.push(out);
            }
            let key: Vec<&str> = table.pk_columns().iter().map(String::as_str).collect();
            // PostgreSQL refuses one statement that upserts a key twice;
            // say which rows instead.
            let mut seen = std::collections::HashMap::new();
            for (row, seed_row) in rows.iter().zip(&seed.rows) {
                let Some(values) = key
                    .iter()
                    .map(|k| row.get(*k).map(ToString::to_string))
                    .collect::<Option<Vec<_>>>()
                else {
                    continue;
                };
                if let Some(first) = seen.insert(values.clone(), seed_row.line) {
                    let shown: Vec<String> = key
                        .iter()
                        .zip(&values)
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect();
                    bad(
                        seed_row.line,
                        format!(
                            "a second `{}` row with {} (the first is on line {first})",
                            seed.table,
                            shown.join(", ")
                        ),
                        None,
                    );
                    table_ok = false;
                }
            }
            if !table_ok {
                continue;
            }
            let sqls = match insert_rows(dialect, &seed.table, &rows, Some(&key)) {
                Ok(sqls) => sqls,
                Err(m) => {
                    bad(seed.line, m, None);
                    continue;
                }
            };
            plan.statements
                .extend(sqls.into_iter().map(|sql| SeedStatement {
                    file: file.path.clone(),
                    table: seed.table.clone(),
                    line: seed.line,
                    sql,
                }));
            if let [pk] = key.as_slice()
                && table
                    .columns
                    .iter()
                    .any(|c| c.name == *pk && c.autoincrement)
                && rows.iter().any(|r| r.contains_key(*pk))
                && let Some(sql) = sync_sequence(dialect, &seed.table, pk)
            {
                plan.statements.push(SeedStatement {
                    file: file.path.clone(),
                    table: seed.table.clone(),
                    line: seed.line,
                    sql,
                });
            }
            plan.tables.push(SeededTable {
                file: file.path.clone(),
                table: seed.table.clone(),
                rows: rows.len(),
            });
        }
    }
    match problems.len() {
        0 => Ok(plan),
        1 => {
            let p = problems.remove(0);
            Err(MigrateError::BadSeed {
                path: p.path,
                line: p.line,
                message: p.message,
                hint: p.hint,
            })
        }
        _ => Err(MigrateError::BadSeeds { problems }),
    }
}

impl SeedPlan {
    /// The run as one SQL script in one transaction, with a comment before
    /// each seed table: exactly what a live `seed` executes.
    pub fn to_script(&self) -> String {
        let mut out = String::new();
        out.push_str("BEGIN;\n\n");
        let mut last: Option<(&PathBuf, &str)> = None;
        for s in &self.statements {
            if last != Some((&s.file, s.table.as_str())) {
                let _ = writeln!(out, "-- {}: {}\n", s.file.display(), s.table);
                last = Some((&s.file, s.table.as_str()));
            }
            let sql = s.sql.as_str().trim_end().trim_end_matches(';');
            let _ = write!(out, "{sql};\n\n");
        }
        out.push_str("COMMIT;\n");
        out
    }
}
