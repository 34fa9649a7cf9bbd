//! Seed files: rows to load into tables, `seed [NAME]`.
//!
//! A seed file is `<script_location>/seeds/NAME.toml`. Each array of tables
//! names a table; each entry is one row, its keys are columns:
//!
//! ```toml
//! [[users]]
//! id = 1
//! email = "ada@example.com"
//! created_at = 2024-05-01T09:00:00Z
//!
//! [[posts]]
//! id = 1
//! user_id = 1
//! meta = { pinned = true }      # a json column
//! ```
//!
//! Tables load in the order they first appear, files in name order. TOML has
//! no null: leave a column out to get its default. Arrays and inline tables
//! fit `json`/`jsonb` columns (as JSON text) and PostgreSQL array columns.

use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use indexmap::IndexMap;
use retort_core::{ColumnType, Dialect, Value};
use toml::Spanned;

use crate::ScriptError;
use crate::revision::{line_col, parse_error};

/// One seed file, parsed.
#[derive(Debug, Clone)]
pub struct SeedFile {
    /// The file stem: what `seed NAME` matches.
    pub name: String,
    pub path: PathBuf,
    pub tables: Vec<SeedTable>,
}

/// The rows a seed file gives one table.
#[derive(Debug, Clone)]
pub struct SeedTable {
    pub table: String,
    /// Line of the table's first `[[table]]` header.
    pub line: usize,
    pub rows: Vec<SeedRow>,
}

/// One `[[table]]` entry.
#[derive(Debug, Clone)]
pub struct SeedRow {
    /// Line of its `[[table]]` header.
    pub line: usize,
    pub cells: IndexMap<String, SeedCell>,
}

/// One `column = value`, with the line it is on.
#[derive(Debug, Clone)]
pub struct SeedCell {
    pub line: usize,
    pub value: SeedValue,
}

/// A TOML value as a seed file can hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum SeedValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// A TOML date, time or date-time.
    Datetime(toml::value::Datetime),
    Array(Vec<SeedValue>),
    Table(IndexMap<String, SeedValue>),
}

type RawDoc =
    IndexMap<Spanned<String>, Vec<Spanned<IndexMap<Spanned<String>, Spanned<toml::Value>>>>>;

/// The seed files in `dir` in name order; an empty list when `dir` does not
/// exist.
pub fn load_seeds(dir: &Path) -> Result<Vec<SeedFile>, ScriptError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = fs_err::read_dir(dir)
        .map_err(ScriptError::Io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(ScriptError::Io)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file());
    paths.sort();
    paths.iter().map(|p| parse_seed_file(p)).collect()
}

/// Parses one seed file.
pub fn parse_seed_file(path: &Path) -> Result<SeedFile, ScriptError> {
    let src = fs_err::read_to_string(path).map_err(ScriptError::Io)?;
    parse_seed(&src, path)
}

/// Parses seed text; `path` is for messages and the name.
pub fn parse_seed(src: &str, path: &Path) -> Result<SeedFile, ScriptError> {
    let raw: RawDoc = toml::from_str(src).map_err(|e| {
        let message = if e.message().contains("expected a sequence") {
            "every top-level key must be a table's rows, written `[[table]]`".to_owned()
        } else {
            e.message().trim_end().to_owned()
        };
        parse_error(src, path, e.span(), message)
    })?;
    let line = |offset: usize| line_col(src, offset).0;
    let mut tables = Vec::new();
    for (table, rows) in raw {
        let mut out = Vec::new();
        for row in rows {
            let row_line = line(row.span().start);
            let mut cells = IndexMap::new();
            for (column, value) in row.into_inner() {
                let cell_line = line(column.span().start);
                cells.insert(
                    column.into_inner(),
                    SeedCell {
                        line: cell_line,
                        value: SeedValue::from(value.into_inner()),
                    },
                );
            }
            out.push(SeedRow {
                line: row_line,
                cells,
            });
        }
        tables.push(SeedTable {
            line: out
                .first()
                .map_or_else(|| line(table.span().start), |r| r.line),
            table: table.into_inner(),
            rows: out,
        });
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(SeedFile {
        name,
        path: path.to_owned(),
        tables,
    })
}

impl From<toml::Value> for SeedValue {
    fn from(v: toml::Value) -> Self {
        match v {
            toml::Value::String(s) => SeedValue::String(s),
            toml::Value::Integer(i) => SeedValue::Int(i),
            toml::Value::Float(f) => SeedValue::Float(f),
            toml::Value::Boolean(b) => SeedValue::Bool(b),
            toml::Value::Datetime(d) => SeedValue::Datetime(d),
            toml::Value::Array(a) => SeedValue::Array(a.into_iter().map(Into::into).collect()),
            toml::Value::Table(t) => {
                SeedValue::Table(t.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

impl SeedValue {
    /// The value to store in a column of type `ty` on `dialect`. Err says
    /// why the value does not fit.
    ///
    /// The value must be of the column's kind, so that every backend stores
    /// the same thing: an integer (in range) for an integer column, `true`
    /// or `false` for a boolean, a string (within its length) for a text
    /// column, a number or a numeric string for a decimal, a date-time or a
    /// string for a date or time, a UUID string for a uuid, JSON for a json
    /// column. An enum column takes a string; its values are checked where
    /// the enum type is known (`retort-migrate`'s seed plan).
    pub fn to_value(&self, ty: &ColumnType, dialect: Dialect) -> Result<Value, String> {
        self.check_kind(ty)?;
        if let (
            ColumnType::Json | ColumnType::JsonB,
            SeedValue::Bool(_) | SeedValue::Int(_) | SeedValue::Float(_),
        ) = (ty, self)
        {
            return Ok(Value::String(self.to_json().to_string()));
        }
        Ok(match self {
            SeedValue::Bool(b) => Value::Bool(*b),
            SeedValue::Int(i) => Value::Int(*i),
            SeedValue::Float(f) => Value::Float(*f),
            SeedValue::String(s) => Value::String(s.clone()),
            SeedValue::Datetime(d) => Value::String(datetime_text(d, dialect)?),
            SeedValue::Array(_) | SeedValue::Table(_) => match ty {
                ColumnType::Json | ColumnType::JsonB => Value::String(self.to_json().to_string()),
                ColumnType::Array(_) if dialect == Dialect::Postgres => {
                    Value::String(self.pg_array_literal()?)
                }
                _ => {
                    return Err(format!(
                        "an array or table fits only a json column{}, and this one is `{ty}`",
                        if dialect == Dialect::Postgres {
                            " or an array column"
                        } else {
                            ""
                        }
                    ));
                }
            },
        })
    }

    /// What this TOML value is, in an error message.
    fn kind(&self) -> String {
        match self {
            SeedValue::Bool(b) => format!("the boolean `{b}`"),
            SeedValue::Int(i) => format!("the integer `{i}`"),
            SeedValue::Float(f) => format!("the number `{f}`"),
            SeedValue::String(s) => format!("the string {s:?}"),
            SeedValue::Datetime(d) => format!("the date-time `{d}`"),
            SeedValue::Array(_) => "an array".to_owned(),
            SeedValue::Table(_) => "a table".to_owned(),
        }
    }

    /// Refuses a value of the wrong kind for a column of type `ty`.
    fn check_kind(&self, ty: &ColumnType) -> Result<(), String> {
        use ColumnType as T;
        if matches!(self, SeedValue::Array(_) | SeedValue::Table(_)) {
            // `to_value` says where arrays and tables fit.
            return Ok(());
        }
        let wrong = |want: &str| Err(format!("{} does not fit `{ty}`: write {want}", self.kind()));
        match ty {
            T::TinyInteger
            | T::SmallInteger
            | T::Integer
            | T::BigInteger
            | T::TinyUnsigned
            | T::SmallUnsigned
            | T::Unsigned
            | T::BigUnsigned
            | T::Year => {
                let SeedValue::Int(i) = self else {
                    return wrong("an integer, without quotes");
                };
                let (lo, hi): (i64, i64) = match ty {
                    T::TinyInteger => (i8::MIN.into(), i8::MAX.into()),
                    T::SmallInteger => (i16::MIN.into(), i16::MAX.into()),
                    T::Integer => (i32::MIN.into(), i32::MAX.into()),
                    T::TinyUnsigned => (0, u8::MAX.into()),
                    T::SmallUnsigned => (0, u16::MAX.into()),
                    T::Unsigned => (0, u32::MAX.into()),
                    T::BigUnsigned => (0, i64::MAX),
                    _ => (i64::MIN, i64::MAX),
                };
                if *i < lo || *i > hi {
                    return Err(format!("{i} is out of the range of `{ty}` ({lo} to {hi})"));
                }
                Ok(())
            }
            T::Boolean => match self {
                SeedValue::Bool(_) => Ok(()),
                _ => wrong("`true` or `false`, without quotes"),
            },
            T::Decimal(_) | T::Money | T::Real | T::Double => match self {
                SeedValue::Int(_) | SeedValue::Float(_) => Ok(()),
                SeedValue::String(s) if s.trim().parse::<f64>().is_ok() => Ok(()),
                _ => wrong("a number"),
            },
            T::Varchar(n) | T::Char(n) => match self {
                SeedValue::String(s) => match n {
                    Some(n) if s.chars().count() > *n as usize => Err(format!(
                        "the string is {} characters long and `{ty}` holds {n}",
                        s.chars().count()
                    )),
                    _ => Ok(()),
                },
                _ => wrong("a string, in quotes"),
            },
            T::Text | T::Enum(_) | T::Inet | T::Cidr | T::MacAddr | T::Interval | T::Blob => {
                match self {
                    SeedValue::String(_) => Ok(()),
                    _ => wrong("a string, in quotes"),
                }
            }
            T::Binary(_) | T::VarBinary(_) => match self {
                SeedValue::String(_) => Ok(()),
                _ => wrong("a string, in quotes"),
            },
            T::Date | T::Time | T::Timestamp | T::TimestampTz => match self {
                SeedValue::Datetime(_) | SeedValue::String(_) => Ok(()),
                _ => wrong("a TOML date-time such as `2024-05-01T09:30:00Z`, or a string"),
            },
            T::Uuid => match self {
                SeedValue::String(s) if is_uuid(s) => Ok(()),
                _ => wrong("a UUID string such as \"67e55044-10b1-426f-9247-bb680e5fe0c8\""),
            },
            T::Json | T::JsonB => match self {
                SeedValue::String(s) if serde_json::from_str::<serde_json::Value>(s).is_err() => {
                    Err(format!(
                        "{} is not JSON text: write a TOML table or array, or JSON in a string",
                        self.kind()
                    ))
                }
                SeedValue::Datetime(_) => wrong("a TOML table or array, or JSON in a string"),
                _ => Ok(()),
            },
            T::Array(_) | T::Custom(_) => Ok(()),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            SeedValue::Bool(b) => J::Bool(*b),
            SeedValue::Int(i) => J::from(*i),
            SeedValue::Float(f) => J::from(*f),
            SeedValue::String(s) => J::String(s.clone()),
            SeedValue::Datetime(d) => J::String(d.to_string()),
            SeedValue::Array(a) => J::Array(a.iter().map(SeedValue::to_json).collect()),
            SeedValue::Table(t) => J::Object(
                t.iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<serde_json::Map<_, _>>(),
            ),
        }
    }

    /// `{1,2}`, `{"a","b \"c\""}`, `{{1,2},{3,4}}`: PostgreSQL's array input form.
    fn pg_array_literal(&self) -> Result<String, String> {
        match self {
            SeedValue::Array(items) => {
                let parts = items
                    .iter()
                    .map(SeedValue::pg_array_literal)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("{{{}}}", parts.join(",")))
            }
            SeedValue::Bool(b) => Ok(b.to_string()),
            SeedValue::Int(i) => Ok(i.to_string()),
            SeedValue::Float(f) => Ok(f.to_string()),
            SeedValue::String(s) => Ok(format!(
                "\"{}\"",
                s.replace('\\', "\\\\").replace('"', "\\\"")
            )),
            SeedValue::Datetime(d) => Ok(format!("\"{}\"", datetime_text(d, Dialect::Postgres)?)),
            SeedValue::Table(_) => Err("an array column cannot hold a table".to_owned()),
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits, or 32 in a row.
fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    hex.len() == 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
        && (groups == [32] || groups == [8, 4, 4, 4, 12])
}

/// A TOML date/time as SQL text. MySQL has no offsets in date-time literals:
/// an offset date-time is stored there as its UTC wall time.
fn datetime_text(d: &toml::value::Datetime, dialect: Dialect) -> Result<String, String> {
    let date = d
        .date
        .map(|x| NaiveDate::from_ymd_opt(i32::from(x.year), x.month.into(), x.day.into()))
        .map(|x| x.ok_or_else(|| format!("`{d}` is not a date")))
        .transpose()?;
    let time = d
        .time
        .map(|t| {
            NaiveTime::from_hms_nano_opt(
                t.hour.into(),
                t.minute.into(),
                t.second.unwrap_or(0).into(),
                t.nanosecond.unwrap_or(0),
            )
            .ok_or_else(|| format!("`{d}` is not a time"))
        })
        .transpose()?;
    let offset = d
        .offset
        .map(|o| match o {
            toml::value::Offset::Z => Ok(FixedOffset::east_opt(0).expect("zero offset")),
            toml::value::Offset::Custom { minutes } => {
                FixedOffset::east_opt(i32::from(minutes) * 60)
                    .ok_or_else(|| format!("`{d}` has an offset out of range"))
            }
        })
        .transpose()?;
    Ok(match (date, time, offset) {
        (Some(date), None, _) => date.format("%Y-%m-%d").to_string(),
        (None, Some(time), _) => time.format("%H:%M:%S%.f").to_string(),
        (Some(date), Some(time), None) => NaiveDateTime::new(date, time)
            .format("%Y-%m-%d %H:%M:%S%.f")
            .to_string(),
        (Some(date), Some(time), Some(offset)) => {
            let at = offset
                .from_local_datetime(&NaiveDateTime::new(date, time))
                .single()
                .ok_or_else(|| format!("`{d}` is not a date-time"))?;
            if dialect == Dialect::Mysql {
                at.naive_utc().format("%Y-%m-%d %H:%M:%S%.f").to_string()
            } else {
                at.format("%Y-%m-%d %H:%M:%S%.f%:z").to_string()
            }
        }
        (None, None, _) => return Err(format!("`{d}` holds no date or time")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<SeedFile, ScriptError> {
        parse_seed(src, Path::new("seeds/01_demo.toml"))
    }

    #[test]
    fn tables_in_first_appearance_order_with_lines() {
        let f =
            parse("[[users]]\nid = 1\n\n[[posts]]\nid = 7\n\n[[users]]\nid = 2\nname = \"b\"\n")
                .unwrap();
        assert_eq!(f.name, "01_demo");
        let names: Vec<_> = f.tables.iter().map(|t| t.table.as_str()).collect();
        assert_eq!(names, ["users", "posts"]);
        assert_eq!(f.tables[0].rows.len(), 2);
        assert_eq!(f.tables[0].rows[1].line, 7);
        assert_eq!(f.tables[0].rows[1].cells["name"].line, 9);
        assert_eq!(f.tables[1].line, 4);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("[[users]]\nid = 1\nid = 2\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("seeds/01_demo.toml:3:"), "{e}");
        let e = parse("users = 3\n").unwrap_err().to_string();
        assert!(e.contains(":1:") && e.contains("[[table]]"), "{e}");
    }

    #[test]
    fn values_for_columns() {
        let f = parse(
            "[[t]]\nat = 2024-05-01T09:30:00+02:00\nd = 2024-05-01\nj = { a = [1, \"x\"] }\narr = [\"a\", \"b\\\"c\"]\n",
        )
        .unwrap();
        let c = &f.tables[0].rows[0].cells;
        let v = |k: &str, ty: ColumnType, d: Dialect| c[k].value.to_value(&ty, d);
        assert_eq!(
            v("at", ColumnType::TimestampTz, Dialect::Postgres).unwrap(),
            Value::String("2024-05-01 09:30:00+02:00".into())
        );
        assert_eq!(
            v("at", ColumnType::Timestamp, Dialect::Mysql).unwrap(),
            Value::String("2024-05-01 07:30:00".into())
        );
        assert_eq!(
            v("d", ColumnType::Date, Dialect::Sqlite).unwrap(),
            Value::String("2024-05-01".into())
        );
        assert_eq!(
            v("j", ColumnType::Json, Dialect::Mysql).unwrap(),
            Value::String(r#"{"a":[1,"x"]}"#.into())
        );
        let arr = ColumnType::Array(Box::new(ColumnType::Text));
        assert_eq!(
            v("arr", arr.clone(), Dialect::Postgres).unwrap(),
            Value::String(r#"{"a","b\"c"}"#.into())
        );
        let e = v("arr", ColumnType::Text, Dialect::Postgres).unwrap_err();
        assert!(e.contains("json column or an array column"), "{e}");
        assert!(v("arr", arr, Dialect::Sqlite).is_err());
    }

    #[test]
    fn values_must_be_of_their_columns_kind() {
        // (column type, TOML value, a piece of the error or `None`)
        for (ty, value, expect) in [
            (
                "boolean",
                r#""yes""#,
                Some("the string \"yes\" does not fit `boolean`"),
            ),
            ("boolean", "1", Some("write `true` or `false`")),
            ("boolean", "false", None),
            (
                "varchar(5)",
                "7",
                Some("the integer `7` does not fit `varchar(5)`"),
            ),
            (
                "varchar(5)",
                r#""abcdef""#,
                Some("6 characters long and `varchar(5)` holds 5"),
            ),
            ("varchar(5)", r#""abcdé""#, None),
            ("text", "true", Some("write a string")),
            ("smallint", "40000", Some("out of the range of `smallint`")),
            ("integer", r#""5""#, Some("write an integer")),
            ("integer", "1.5", Some("write an integer")),
            ("bigint", "9000000000", None),
            ("integer", "9000000000", Some("out of the range")),
            ("decimal(5,2)", r#""12.50""#, None),
            ("decimal(5,2)", r#""twelve""#, Some("write a number")),
            ("double", "2", None),
            ("uuid", r#""67e55044-10b1-426f-9247-bb680e5fe0c8""#, None),
            ("uuid", r#""not-a-uuid""#, Some("write a UUID")),
            ("json", r#""{\"a\": 1}""#, None),
            ("json", r#""{oops""#, Some("is not JSON text")),
            ("json", "3", None),
            ("date", "2024-05-01", None),
            ("date", "20240501", Some("write a TOML date-time")),
            ("enum(mood)", r#""ok""#, None),
            ("enum(mood)", "1", Some("write a string")),
        ] {
            let f = parse(&format!("[[t]]\nc = {value}\n")).unwrap();
            let ty: ColumnType = ty.parse().unwrap();
            let got = f.tables[0].rows[0].cells["c"]
                .value
                .to_value(&ty, Dialect::Sqlite);
            match (expect, &got) {
                (None, Ok(_)) => {}
                (Some(e), Err(m)) if m.contains(e) => {}
                _ => panic!("{ty} = {value}: expected {expect:?}, got {got:?}"),
            }
        }
    }
}
