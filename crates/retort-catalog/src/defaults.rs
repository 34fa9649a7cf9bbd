//! Column default texts, as catalogs show them, to the model's
//! [`ColumnDefault`].
//!
//! Rules, for every dialect:
//! * a quoted string, with or without a cast (`'abc'::character varying`),
//!   is `Literal(String)`; numbers and `true`/`false` are literals too;
//! * a literal is then read in the light of the column type: `1`/`0` on a
//!   boolean column is `Bool`, `'42'` on a number column is a number, and a
//!   number with no fractional part (`0.00`) is `Int`;
//! * `NULL` is no default;
//! * `now()`, `current_timestamp()` and `CURRENT_TIMESTAMP` are
//!   `Expr("CURRENT_TIMESTAMP")` (likewise `CURRENT_DATE`, `CURRENT_TIME`);
//! * anything else is `Expr` with the text as the catalog shows it.

use retort_core::{ColumnDefault, ColumnType, Value};

/// How a dialect writes string literals in its default texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// `'it''s'`, possibly followed by `::type` (PostgreSQL, SQLite).
    Standard,
    /// MariaDB: `'it''s'` or `'it\'s'`, with backslash escapes.
    Backslash,
    /// MySQL 8: literals unquoted; expressions flagged by the caller.
    Unquoted,
}

pub fn parse(text: &str, ty: &ColumnType, quoting: Quoting) -> Option<ColumnDefault> {
    let t = text.trim();
    if t.is_empty()
        || t.eq_ignore_ascii_case("null")
        || t.to_ascii_lowercase().starts_with("null::")
    {
        return None;
    }
    if quoting == Quoting::Unquoted {
        return Some(typed(Value::String(t.to_owned()), ty));
    }
    if let Some(s) = quoted(t, quoting == Quoting::Backslash) {
        return Some(typed(Value::String(s), ty));
    }
    if let Some(v) = number(t) {
        return Some(typed(v, ty));
    }
    match t.to_ascii_lowercase().as_str() {
        "true" => return Some(ColumnDefault::Literal(Value::Bool(true))),
        "false" => return Some(ColumnDefault::Literal(Value::Bool(false))),
        "now()"
        | "current_timestamp"
        | "current_timestamp()"
        | "localtimestamp"
        | "localtimestamp()" => {
            return Some(ColumnDefault::Expr("CURRENT_TIMESTAMP".to_owned()));
        }
        "current_date" | "curdate()" => {
            return Some(ColumnDefault::Expr("CURRENT_DATE".to_owned()));
        }
        "current_time" | "curtime()" => {
            return Some(ColumnDefault::Expr("CURRENT_TIME".to_owned()));
        }
        _ => {}
    }
    Some(ColumnDefault::Expr(t.to_owned()))
}

/// Turns a literal into the value the column type means, so equal defaults
/// compare equal whatever the database's spelling.
pub fn typed(v: Value, ty: &ColumnType) -> ColumnDefault {
    use ColumnType as T;
    let v = match (ty, v) {
        (T::Boolean, Value::Int(0)) => Value::Bool(false),
        (T::Boolean, Value::Int(1)) => Value::Bool(true),
        (T::Boolean, Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" | "on" => Value::Bool(true),
            "f" | "false" | "0" | "n" | "no" | "off" => Value::Bool(false),
            _ => Value::String(s),
        },
        (ty, Value::String(s))
            if ty.is_integer() || matches!(ty, T::Decimal(_) | T::Real | T::Double | T::Money) =>
        {
            number(s.trim()).unwrap_or(Value::String(s))
        }
        (T::Timestamp, Value::String(s)) => Value::String(timestamp(&s, false).unwrap_or(s)),
        (T::TimestampTz, Value::String(s)) => Value::String(timestamp(&s, true).unwrap_or(s)),
        (_, v) => v,
    };
    ColumnDefault::Literal(canonical(v))
}

/// A timestamp literal in one spelling: `2020-01-02 03:04:05[.fff]`, and
/// with a time zone, moved to UTC and written `+00` as PostgreSQL shows it
/// in a UTC session (`T` or a space, `Z`, `UTC`, `+02:00`, `+0200` and no
/// zone at all, read as UTC, are the same). `None` when it is not one.
fn timestamp(text: &str, with_zone: bool) -> Option<String> {
    use chrono::{DateTime, NaiveDateTime};
    let mut t = text.trim().to_owned();
    if t.get(10..11) == Some("T") {
        t.replace_range(10..11, " ");
    }
    const OUT: &str = "%Y-%m-%d %H:%M:%S%.f";
    if !with_zone {
        return NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f")
            .ok()
            .map(|d| d.format(OUT).to_string());
    }
    for utc in ["Z", " UTC", "UTC", " GMT"] {
        if let Some(rest) = t.strip_suffix(utc) {
            t = format!("{rest}+00");
        }
    }
    let utc = match DateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f%#z") {
        Ok(d) => d.naive_utc(),
        Err(_) => NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f").ok()?,
    };
    Some(format!("{}+00", utc.format(OUT)))
}

/// A float with no fractional part is an integer.
pub fn canonical(v: Value) -> Value {
    match v {
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Value::Int(x as i64),
        v => v,
    }
}

/// `42`, `-1`, `(-1)`, `12.50`, `1e3`, `'-1'::integer` is handled by the caller.
fn number(t: &str) -> Option<Value> {
    let mut t = t.trim();
    // PostgreSQL shows negative numbers in parentheses, sometimes with a cast.
    while let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        t = inner.trim();
    }
    if let Some((num, cast)) = t.split_once("::") {
        if cast.contains(['(', ' ']) && !cast.starts_with("numeric") && !cast.starts_with("double")
        {
            return None;
        }
        t = num.trim();
        while let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
            t = inner.trim();
        }
    }
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
    {
        return None;
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(Value::Int(i));
    }
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(|x| canonical(Value::Float(x)))
}

/// The contents of `'...'` (optionally followed by `::type`), unescaped.
fn quoted(t: &str, backslash: bool) -> Option<String> {
    let rest = t.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if matches!(chars.peek(), Some((_, '\''))) => {
                chars.next();
                out.push('\'');
            }
            '\'' => {
                let tail = rest[i + 1..].trim();
                // A cast after the literal (`'x'::text`, `'x'::character varying`).
                return (tail.is_empty() || tail.starts_with("::")).then_some(out);
            }
            '\\' if backslash => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'Z')) => out.push('\x1a'),
                Some((_, other)) => out.push(other),
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: Value) -> Option<ColumnDefault> {
        Some(ColumnDefault::Literal(v))
    }
    fn expr(s: &str) -> Option<ColumnDefault> {
        Some(ColumnDefault::Expr(s.to_owned()))
    }

    fn check(text: &str, ty: &str, quoting: Quoting, expect: Option<ColumnDefault>) {
        let ty: ColumnType = ty.parse().unwrap();
        assert_eq!(parse(text, &ty, quoting), expect, "{text} on {ty}");
    }

    #[test]
    fn timestamps() {
        let tz = |t: &str| timestamp(t, true);
        let want = Some("2020-01-02 03:04:05+00".to_owned());
        for t in [
            "2020-01-02 03:04:05",
            "2020-01-02T03:04:05",
            "2020-01-02 03:04:05+00",
            "2020-01-02T03:04:05Z",
            "2020-01-02 03:04:05 UTC",
            "2020-01-02T05:04:05+02:00",
            "2020-01-02 05:34:05+0230",
            "2020-01-01 23:04:05-04",
        ] {
            assert_eq!(tz(t), want, "{t}");
        }
        assert_eq!(
            tz("2020-01-02 03:04:05.25Z"),
            tz("2020-01-02 03:04:05.250+00")
        );
        assert_eq!(
            timestamp("2020-01-02T03:04:05", false).as_deref(),
            Some("2020-01-02 03:04:05")
        );
        assert_eq!(tz("now"), None);
        assert_eq!(timestamp("2020-01-02", false), None);
    }

    #[test]
    fn postgres_defaults() {
        use Quoting::Standard as Q;
        check(
            "'abc'::character varying",
            "varchar(10)",
            Q,
            lit(Value::String("abc".into())),
        );
        check(
            "'it''s'::text",
            "text",
            Q,
            lit(Value::String("it's".into())),
        );
        check("''::text", "text", Q, lit(Value::String(String::new())));
        check("0", "integer", Q, lit(Value::Int(0)));
        check("(-1)", "integer", Q, lit(Value::Int(-1)));
        check("'-1'::integer", "integer", Q, lit(Value::Int(-1)));
        check("12.50", "decimal(12,2)", Q, lit(Value::Float(12.5)));
        check("0.00", "decimal(12,2)", Q, lit(Value::Int(0)));
        check("'3.5'::numeric", "decimal(12,2)", Q, lit(Value::Float(3.5)));
        check(
            "(-2.5)::double precision",
            "double",
            Q,
            lit(Value::Float(-2.5)),
        );
        check("true", "boolean", Q, lit(Value::Bool(true)));
        check("false", "boolean", Q, lit(Value::Bool(false)));
        check("now()", "timestamptz", Q, expr("CURRENT_TIMESTAMP"));
        check(
            "CURRENT_TIMESTAMP",
            "timestamptz",
            Q,
            expr("CURRENT_TIMESTAMP"),
        );
        check("NULL::character varying", "varchar", Q, None);
        check("gen_random_uuid()", "uuid", Q, expr("gen_random_uuid()"));
        check(
            "'draft'::post_status",
            "enum(post_status)",
            Q,
            lit(Value::String("draft".into())),
        );
        check("'{}'::jsonb", "jsonb", Q, lit(Value::String("{}".into())));
        check(
            "('now'::text)::date",
            "date",
            Q,
            expr("('now'::text)::date"),
        );
    }

    #[test]
    fn mysql_defaults() {
        use Quoting::Backslash as Q;
        check("NULL", "varchar(10)", Q, None);
        check("'abc'", "varchar(10)", Q, lit(Value::String("abc".into())));
        check(
            "'it\\'s'",
            "varchar(10)",
            Q,
            lit(Value::String("it's".into())),
        );
        check("'a''b'", "varchar(10)", Q, lit(Value::String("a'b".into())));
        check("1", "boolean", Q, lit(Value::Bool(true)));
        check("0", "boolean", Q, lit(Value::Bool(false)));
        check("3.00", "decimal(12,2)", Q, lit(Value::Int(3)));
        check(
            "current_timestamp()",
            "timestamptz",
            Q,
            expr("CURRENT_TIMESTAMP"),
        );
        check("uuid()", "char(36)", Q, expr("uuid()"));
        check(
            "abc",
            "varchar(10)",
            Quoting::Unquoted,
            lit(Value::String("abc".into())),
        );
        check("7", "integer", Quoting::Unquoted, lit(Value::Int(7)));
    }

    #[test]
    fn sqlite_defaults() {
        use Quoting::Standard as Q;
        check("'x'", "text", Q, lit(Value::String("x".into())));
        check("TRUE", "boolean", Q, lit(Value::Bool(true)));
        check("1", "boolean", Q, lit(Value::Bool(true)));
        check("-5", "integer", Q, lit(Value::Int(-5)));
        check(
            "CURRENT_TIMESTAMP",
            "timestamp",
            Q,
            expr("CURRENT_TIMESTAMP"),
        );
        check(
            "(datetime('now'))",
            "timestamp",
            Q,
            expr("(datetime('now'))"),
        );
        check("1.5", "real", Q, lit(Value::Float(1.5)));
    }
}
