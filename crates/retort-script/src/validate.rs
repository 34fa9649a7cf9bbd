//! Checks of single operations that every dialect needs, made when a
//! revision file loads: a value that one backend would take and another
//! refuse at run time (or, on MySQL, half-way through a revision) is an
//! error of the file, with its line, before anything runs.

use retort_core::{ColumnSpec, ColumnType, ExecuteSql, Operation, Value};

/// What is wrong with one operation, and the key whose value is at fault
/// (to find its line in the file).
pub(crate) struct Problem {
    pub message: String,
    pub key: &'static str,
}

fn problem(key: &'static str, message: String) -> Option<Problem> {
    Some(Problem { message, key })
}

/// The first problem of `op`, if any.
pub(crate) fn op_problem(op: &Operation) -> Option<Problem> {
    match op {
        Operation::CreateTable {
            table,
            columns,
            checks,
            ..
        } => {
            for c in columns {
                if let Some(p) = column_problem(table, c) {
                    return Some(p);
                }
            }
            checks
                .iter()
                .find(|c| c.expr.trim().is_empty())
                .and_then(|c| {
                    problem(
                        "expr",
                        format!("check `{}` on `{table}` has an empty expression", c.name),
                    )
                })
        }
        Operation::AddColumn { table, column } => column_problem(table, column),
        Operation::AlterColumn {
            table,
            column,
            ty: Some(ty),
            default,
            ..
        } => type_problem(table, column, ty).or_else(|| {
            default
                .as_ref()
                .and_then(|v| default_problem(table, column, ty, v))
        }),
        Operation::AddCheck {
            table, name, expr, ..
        } if expr.trim().is_empty() => problem(
            "expr",
            format!("check `{name}` on `{table}` has an empty expression"),
        ),
        Operation::Execute { sql } => execute_problem(sql),
        Operation::CreateEnum { name, values } | Operation::AlterEnum { name, values }
            if values.iter().any(|v| v.is_empty()) =>
        {
            problem("values", format!("enum `{name}` has an empty value"))
        }
        _ => None,
    }
}

fn column_problem(table: &str, c: &ColumnSpec) -> Option<Problem> {
    type_problem(table, &c.name, &c.ty).or_else(|| {
        c.default
            .as_ref()
            .and_then(|v| default_problem(table, &c.name, &c.ty, v))
    })
}

fn type_problem(table: &str, column: &str, ty: &ColumnType) -> Option<Problem> {
    let at = format!("column `{table}.{column}`");
    match ty {
        ColumnType::Decimal(Some((p, s))) if *p == 0 => problem(
            "type",
            format!("{at}: `decimal({p},{s})` has no digits; the precision must be at least 1"),
        ),
        ColumnType::Decimal(Some((p, s))) if s > p => problem(
            "type",
            format!(
                "{at}: `decimal({p},{s})` has a scale ({s}) over its precision ({p}); write `decimal(P,S)` with S <= P"
            ),
        ),
        ColumnType::Varchar(Some(0)) | ColumnType::Char(Some(0)) => problem(
            "type",
            format!("{at}: a length of 0 holds nothing; give a length of at least 1, or no length"),
        ),
        ColumnType::Binary(0) | ColumnType::VarBinary(0) => problem(
            "type",
            format!("{at}: a length of 0 holds nothing; give a length of at least 1"),
        ),
        ColumnType::Array(inner) => type_problem(table, column, inner),
        _ => None,
    }
}

/// Why a literal `default` cannot go in a column of type `ty`, or `None`
/// when it can. For an `alter_column` that sets only a default, the type
/// comes from the schema the revisions build, so `retort-migrate` asks this
/// when it plans.
pub fn default_problem_for(
    table: &str,
    column: &str,
    ty: &ColumnType,
    v: &Value,
) -> Option<String> {
    default_problem(table, column, ty, v).map(|p| p.message)
}

/// A literal `default` that the column's type cannot hold.
fn default_problem(table: &str, column: &str, ty: &ColumnType, v: &Value) -> Option<Problem> {
    let fits = match ty {
        ColumnType::TinyInteger
        | ColumnType::SmallInteger
        | ColumnType::Integer
        | ColumnType::BigInteger
        | ColumnType::TinyUnsigned
        | ColumnType::SmallUnsigned
        | ColumnType::Unsigned
        | ColumnType::BigUnsigned
        | ColumnType::Year => match v {
            Value::Int(_) => true,
            Value::Float(f) => f.fract() == 0.0,
            Value::String(s) => s.trim().parse::<i64>().is_ok(),
            Value::Bool(_) => false,
        },
        ColumnType::Decimal(_) | ColumnType::Money | ColumnType::Real | ColumnType::Double => {
            match v {
                Value::Int(_) | Value::Float(_) => true,
                Value::String(s) => s.trim().parse::<f64>().is_ok(),
                Value::Bool(_) => false,
            }
        }
        ColumnType::Boolean => match v {
            Value::Bool(_) => true,
            Value::Int(i) => matches!(i, 0 | 1),
            // What every backend takes as a boolean's default.
            Value::String(s) => {
                matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "0" | "1"
                )
            }
            Value::Float(_) => false,
        },
        _ => true,
    };
    (!fits).then(|| Problem {
        key: "default",
        message: format!(
            "column `{table}.{column}`: default {v} is not a value of type `{ty}`\nhint: write a value of the column's type, or an SQL expression as `default_expr`"
        ),
    })
}

fn execute_problem(sql: &ExecuteSql) -> Option<Problem> {
    let empty = |s: &str| s.trim().trim_matches(';').trim().is_empty();
    match sql {
        ExecuteSql::All(s) if empty(s) => problem(
            "sql",
            "there is no SQL to run\nhint: write the statement in `sql`, or remove the step"
                .to_owned(),
        ),
        ExecuteSql::PerDialect(p) => {
            let texts = [
                ("postgres", &p.postgres),
                ("mysql", &p.mysql),
                ("sqlite", &p.sqlite),
                ("default", &p.default),
            ];
            if let Some((name, _)) = texts.iter().find(|(_, t)| t.as_deref().is_some_and(empty)) {
                return problem(
                    "sql",
                    format!(
                        "the `{name}` text is empty\nhint: write the statement, or leave `{name}` out"
                    ),
                );
            }
            texts.iter().all(|(_, t)| t.is_none()).then(|| Problem {
                key: "sql",
                message: "there is no SQL for any dialect\nhint: give `sql` a text, or a table with `postgres`, `mysql`, `sqlite` or `default`".to_owned(),
            })
        }
        ExecuteSql::All(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One operation as TOML, and a piece of the problem (`None`: valid).
    fn check(op: &str, expect: Option<&str>) {
        let op: Operation = toml::from_str(op).unwrap();
        let got = op_problem(&op).map(|p| p.message);
        match (expect, &got) {
            (None, None) => {}
            (Some(e), Some(g)) if g.contains(e) => {}
            _ => panic!("{op:?}: expected {expect:?}, got {got:?}"),
        }
    }

    fn add(column: &str) -> String {
        format!("op = \"add_column\"\ntable = \"t\"\ncolumn = {column}\n")
    }

    #[test]
    fn types() {
        check(
            &add(r#"{ name = "c", type = "decimal(5,10)" }"#),
            Some("scale (10) over its precision (5)"),
        );
        check(
            &add(r#"{ name = "c", type = "decimal(0,0)" }"#),
            Some("has no digits"),
        );
        check(&add(r#"{ name = "c", type = "decimal(10,10)" }"#), None);
        check(
            &add(r#"{ name = "c", type = "varchar(0)" }"#),
            Some("a length of 0"),
        );
        check(
            &add(r#"{ name = "c", type = "char(0)" }"#),
            Some("a length of 0"),
        );
        check(&add(r#"{ name = "c", type = "varchar(1)" }"#), None);
        check(
            &add(r#"{ name = "c", type = "varchar(0)[]" }"#),
            Some("a length of 0"),
        );
    }

    #[test]
    fn defaults() {
        for (ty, default, ok) in [
            ("integer", r#""abc""#, false),
            ("integer", r#""12""#, true),
            ("integer", "12", true),
            ("integer", "1.5", false),
            ("integer", "true", false),
            ("bigint", "2.0", true),
            ("decimal(5,2)", r#""1.25""#, true),
            ("decimal(5,2)", r#""x""#, false),
            ("double", "true", false),
            ("boolean", "true", true),
            ("boolean", "1", true),
            ("boolean", "2", false),
            ("boolean", r#""yes""#, false),
            ("boolean", r#""0""#, true),
            ("text", "5", true),
        ] {
            let op = add(&format!(
                r#"{{ name = "c", type = "{ty}", default = {default} }}"#
            ));
            check(&op, (!ok).then_some("is not a value of type"));
        }
        check(
            "op = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\ntype = \"integer\"\ndefault = \"x\"\n",
            Some("default \"x\""),
        );
    }

    #[test]
    fn empty_sql_and_checks() {
        check("op = \"execute\"\nsql = \"\"\n", Some("no SQL to run"));
        check("op = \"execute\"\nsql = \" ; \"\n", Some("no SQL to run"));
        check("op = \"execute\"\nsql = \"SELECT 1\"\n", None);
        check(
            "op = \"execute\"\nsql = { sqlite = \"\" }\n",
            Some("the `sqlite` text is empty"),
        );
        check(
            "op = \"execute\"\nsql = { postgres = \"SELECT 1\" }\n",
            None,
        );
        check(
            "op = \"add_check\"\ntable = \"t\"\nname = \"ck\"\nexpr = \" \"\n",
            Some("empty expression"),
        );
        check(
            "op = \"add_check\"\ntable = \"t\"\nname = \"ck\"\nexpr = \"a > 0\"\n",
            None,
        );
        check(
            "op = \"create_table\"\ntable = \"t\"\ncolumns = []\nchecks = [{ name = \"ck\", expr = \"\" }]\n",
            Some("check `ck` on `t` has an empty expression"),
        );
        check(
            "op = \"create_enum\"\nname = \"e\"\nvalues = [\"a\", \"\"]\n",
            Some("empty value"),
        );
    }
}
