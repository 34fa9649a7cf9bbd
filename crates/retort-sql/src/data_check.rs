//! The queries of the runner's data pre-checks: the rows that would make an
//! operation fail (NULLs before `SET NOT NULL`, repeated values before a
//! unique key, values a narrower type cannot hold, enum values about to be
//! removed, orphans before a foreign key, rows breaking a new check), as a
//! count and a sample of at most [`SAMPLE`] rows.

use retort_core::Dialect;
use sea_query::{Alias, Asterisk, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement};

use crate::Sql;
use crate::render::dml;

/// How many offending rows a check shows.
pub const SAMPLE: u64 = 5;

fn id(name: &str) -> Alias {
    Alias::new(name.to_owned())
}

/// What makes a row fail the operation. Columns are the table's, as the
/// database has them before the revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// Any of the columns is NULL (`SET NOT NULL`, a primary key).
    Null { columns: Vec<String> },
    /// Rows repeat the same non-NULL values (a unique key or index, a
    /// primary key). The sample shows the values and how many rows hold each.
    Duplicate { columns: Vec<String> },
    /// An integer outside `min..=max`.
    OutOfRange {
        column: String,
        min: i128,
        max: i128,
    },
    /// Text longer than `max` characters.
    TooLong { column: String, max: u32 },
    /// A number that, rounded to `scale` digits, has more than `precision -
    /// scale` integer digits.
    DecimalOverflow {
        column: String,
        precision: u32,
        scale: u32,
    },
    /// One of `values` (enum values about to be removed).
    OneOf { column: String, values: Vec<String> },
    /// Rows whose (non-NULL) `columns` match no row of `ref_table`; with
    /// `parent_exists` false (the table is created later in the same
    /// revision, so it will be empty), every row with non-NULL `columns`.
    Orphan {
        columns: Vec<String>,
        ref_table: String,
        ref_columns: Vec<String>,
        parent_exists: bool,
    },
    /// Rows for which the check expression (the user's SQL, embedded as
    /// written) is false.
    Check { expr: String },
}

/// A pre-check's two queries: `count` gives one row with the number of
/// offending rows (or, for [`Violation::Duplicate`], of rows repeating a
/// value); `sample` gives at most [`SAMPLE`] of them: the `show` columns
/// (or, for duplicates, the repeated values then their number of rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCheck {
    pub count: Sql,
    pub sample: Sql,
}

/// The table's alias in the orphan query (the child may be its own parent).
const CHILD: &str = "retort_child";
const PARENT: &str = "retort_parent";

/// The queries that find the rows of `table` that `violation` describes,
/// showing the `show` columns of each (its primary key, or the offending
/// columns of a table without one).
pub fn data_check(
    dialect: Dialect,
    table: &str,
    violation: &Violation,
    show: &[String],
) -> DataCheck {
    if let Violation::Duplicate { columns } = violation {
        return duplicates(dialect, table, columns);
    }
    let orphan = matches!(violation, Violation::Orphan { .. });
    let col = |c: &str| -> Expr {
        if orphan {
            Expr::col((id(CHILD), id(c)))
        } else {
            Expr::col(id(c))
        }
    };
    let condition: Cond = match violation {
        Violation::Null { columns } => columns
            .iter()
            .fold(Cond::any(), |c, name| c.add(col(name).is_null())),
        Violation::Duplicate { .. } => unreachable!("handled above"),
        Violation::OutOfRange { column, min, max } => Cond::any()
            .add(col(column).lt(Expr::cust(min.to_string())))
            .add(col(column).gt(Expr::cust(max.to_string()))),
        Violation::TooLong { column, max } => {
            Cond::all().add(Expr::expr(Func::char_length(col(column))).gt(*max))
        }
        Violation::DecimalOverflow {
            column,
            precision,
            scale,
        } => {
            // 10^(P-S) written out: exact in every dialect.
            let bound = format!("1{}", "0".repeat(precision.saturating_sub(*scale) as usize));
            let rounded = Func::round_with_precision(col(column), *scale);
            Cond::all().add(Expr::expr(Func::abs(rounded)).gte(Expr::cust(bound)))
        }
        Violation::OneOf { column, values } => {
            Cond::all().add(col(column).is_in(values.iter().map(String::as_str)))
        }
        Violation::Orphan {
            columns,
            ref_table,
            ref_columns,
            parent_exists,
        } => {
            let mut c = columns
                .iter()
                .fold(Cond::all(), |c, name| c.add(col(name).is_not_null()));
            if *parent_exists {
                let mut parent = Query::select();
                parent
                    .expr(Expr::cust("1"))
                    .from_as(id(ref_table), id(PARENT));
                for (child_col, parent_col) in columns.iter().zip(ref_columns) {
                    parent.and_where(
                        Expr::col((id(PARENT), id(parent_col))).equals((id(CHILD), id(child_col))),
                    );
                }
                c = c.add(Expr::exists(parent).not());
            }
            c
        }
        Violation::Check { expr } => Cond::all().add(Expr::cust(format!("NOT ({expr})"))),
    };
    let from = |q: &mut SelectStatement| {
        if orphan {
            q.from_as(id(table), id(CHILD));
        } else {
            q.from(id(table));
        }
    };
    let mut count = Query::select();
    count.expr(Expr::col(Asterisk).count());
    from(&mut count);
    count.cond_where(condition.clone());
    let mut sample = Query::select();
    for c in show {
        sample.expr(col(c));
    }
    from(&mut sample);
    sample.cond_where(condition);
    for c in show {
        sample.order_by_expr(col(c), Order::Asc);
    }
    sample.limit(SAMPLE);
    DataCheck {
        count: dml(dialect, &count),
        sample: dml(dialect, &sample),
    }
}

/// Groups of rows repeating the same non-NULL `columns` (NULLs never clash
/// in a unique key, on any of the three dialects).
fn duplicates(dialect: Dialect, table: &str, columns: &[String]) -> DataCheck {
    let groups = || {
        let mut q = Query::select();
        q.from(id(table));
        for c in columns {
            q.and_where(Expr::col(id(c)).is_not_null());
        }
        q.group_by_columns(columns.iter().map(|c| id(c)))
            .and_having(Expr::col(Asterisk).count().gt(1));
        q
    };
    let mut inner = groups();
    inner.expr_as(Expr::col(Asterisk).count(), id("n"));
    let mut count = Query::select();
    count
        .expr(Func::coalesce([
            Expr::expr(Func::sum(Expr::col(id("n")))),
            Expr::val(0),
        ]))
        .from_subquery(inner, id("retort_groups"));
    let mut sample = groups();
    for c in columns {
        sample.column(id(c));
    }
    sample.expr(Expr::col(Asterisk).count());
    for c in columns {
        sample.order_by(id(c), Order::Asc);
    }
    sample.limit(SAMPLE);
    DataCheck {
        count: dml(dialect, &count),
        sample: dml(dialect, &sample),
    }
}
