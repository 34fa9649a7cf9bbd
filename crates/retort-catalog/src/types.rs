//! Database type spellings to the model's portable [`ColumnType`].
//!
//! Each dialect reports types its own way; these functions map the spellings
//! that mean the same portable type to one value, and keep anything else as
//! `custom(...)`, rendered back verbatim.

use retort_core::ColumnType;

/// A PostgreSQL `format_type()` text. Enum types are decided by the caller
/// from `pg_type.typtype`.
pub fn postgres(format_type: &str) -> ColumnType {
    let s = format_type.trim();
    if let Some(elem) = s.strip_suffix("[]") {
        return ColumnType::Array(Box::new(postgres(elem)));
    }
    // `"char"` and friends are internal types; a quoted name is never portable.
    if s.starts_with('"') {
        return ColumnType::Custom(s.to_owned());
    }
    match s {
        // Spellings `ColumnType::from_str` would read as another dialect's type.
        "year" | "tinyint" | "datetime" | "blob" | "string" | "float" => {
            ColumnType::Custom(s.to_owned())
        }
        _ => portable_or_custom(s),
    }
}

/// A MySQL/MariaDB `COLUMN_TYPE` (`int(11)`, `tinyint(1)`, `bigint(20) unsigned`,
/// `decimal(12,2)`, `enum('a','b')`, ...). Enum columns are decided by the caller.
///
/// Anything else is `custom(...)` in one spelling, so that what a model
/// writes and what the server reports compare equal: lowercase outside
/// quoted values, single spaces, no display width on integer types
/// (`mediumint(8) unsigned` is `mediumint unsigned`), `bit` is `bit(1)`.
pub fn mysql(column_type: &str) -> ColumnType {
    let lower = lowercase_unquoted(column_type);
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    let unsigned = words.last() == Some(&"unsigned");
    if unsigned {
        words.pop();
    }
    let base = words.join(" ");
    let (head, args) = split_args(&base);
    let int_width = args.is_some_and(|a| a.chars().all(|c| c.is_ascii_digit()));
    let int = |signed: ColumnType, uns: ColumnType| {
        if args.is_some() && !int_width {
            None
        } else if unsigned {
            Some(uns)
        } else {
            Some(signed)
        }
    };
    let mapped = match head {
        // MySQL's BOOLEAN is TINYINT(1).
        "tinyint" if args == Some("1") && !unsigned => Some(ColumnType::Boolean),
        "tinyint" => int(ColumnType::TinyInteger, ColumnType::TinyUnsigned),
        "smallint" => int(ColumnType::SmallInteger, ColumnType::SmallUnsigned),
        "int" | "integer" => int(ColumnType::Integer, ColumnType::Unsigned),
        "bigint" => int(ColumnType::BigInteger, ColumnType::BigUnsigned),
        _ if unsigned => None,
        "float" if args.is_none() => Some(ColumnType::Real),
        "double" | "double precision" if args.is_none() => Some(ColumnType::Double),
        "datetime" if args.is_none() => Some(ColumnType::Timestamp),
        // A TIMESTAMP is stored in UTC and shown in the session time zone.
        "timestamp" if args.is_none() => Some(ColumnType::TimestampTz),
        // MariaDB shows YEAR as `year(4)`, its only width.
        "year" if args == Some("4") => Some(ColumnType::Year),
        "varchar" | "char" | "decimal" | "numeric" | "binary" | "varbinary" | "text" | "blob"
        | "date" | "time" | "year" | "json" | "uuid" => base.parse().ok(),
        "bool" | "boolean" => Some(ColumnType::Boolean),
        _ => None,
    };
    mapped.unwrap_or_else(|| {
        let head = match (head, args) {
            ("bit", None) => "bit(1)",
            ("mediumint", Some(_)) if int_width => "mediumint",
            _ => base.as_str(),
        };
        if lower.contains('\'') {
            // Quoted values keep their spaces.
            return ColumnType::Custom(lower.clone());
        }
        let mut text = head.to_owned();
        if unsigned {
            text.push_str(" unsigned");
        }
        ColumnType::Custom(text)
    })
}

/// `custom(...)` text in the server's spelling, for comparison: PostgreSQL
/// reports type names lowercased (`BIT(8)` is `bit(8)`), and a name it
/// knows as a portable type is that type. A quoted name is kept as is.
pub fn postgres_custom(sql: &str) -> ColumnType {
    if sql.contains('"') {
        return ColumnType::Custom(sql.to_owned());
    }
    let lower = lowercase_unquoted(sql);
    // SeaORM's `Bit(None)` and `VarBit(n)`, in `format_type`'s words.
    let (head, args) = split_args(&lower);
    let spelled = match (head, args) {
        ("bit", None) => "bit(1)".to_owned(),
        ("varbit", None) => "bit varying".to_owned(),
        ("varbit", Some(n)) => format!("bit varying({n})"),
        _ => lower,
    };
    postgres(&spelled)
}

/// Lowercase outside single-quoted values, runs of spaces made one,
/// trimmed: `SET('A', 'b')` is `set('A', 'b')`.
fn lowercase_unquoted(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.trim().chars() {
        if c == '\'' {
            quoted = !quoted;
        }
        if quoted || c == '\'' {
            out.push(c);
        } else if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// An SQLite declared type, as written in `CREATE TABLE`: the portable
/// spellings plus the names sea-query (and so SeaORM) writes on SQLite,
/// such as `real(12, 2)`, `timestamp_with_timezone_text` or `uuid_text`.
pub fn sqlite(declared: &str) -> ColumnType {
    let s = declared.trim();
    let lower = s.to_ascii_lowercase();
    let (head, args) = split_args(&lower);
    let mapped = match (head, args) {
        ("real", Some(a)) | ("real_decimal", Some(a)) => format!("decimal({a})").parse().ok(),
        ("real_decimal", None) => Some(ColumnType::Decimal(None)),
        ("real_money", _) | ("money", _) => Some(ColumnType::Money),
        ("datetime_text", None) | ("timestamp_text", None) => Some(ColumnType::Timestamp),
        ("timestamp_with_timezone_text", None) => Some(ColumnType::TimestampTz),
        ("time_text", None) => Some(ColumnType::Time),
        ("date_text", None) => Some(ColumnType::Date),
        ("json_text", None) => Some(ColumnType::Json),
        ("jsonb_text", None) => Some(ColumnType::JsonB),
        ("uuid_text", None) => Some(ColumnType::Uuid),
        // An enum on SQLite is text; its values and name are not kept.
        ("enum_text", None) => Some(ColumnType::Text),
        ("blob", Some(n)) => n.trim().parse().ok().map(ColumnType::Binary),
        ("varbinary_blob", Some(n)) => n.trim().parse().ok().map(ColumnType::VarBinary),
        ("", None) => None,
        _ => lower.parse::<ColumnType>().ok().filter(|t| {
            // Only plain names: `custom(...)`, `enum(...)` and arrays are
            // retort's notation, not SQLite's.
            !matches!(
                t,
                ColumnType::Custom(_) | ColumnType::Enum(_) | ColumnType::Array(_)
            )
        }),
    };
    mapped.unwrap_or_else(|| ColumnType::Custom(s.to_owned()))
}

fn portable_or_custom(s: &str) -> ColumnType {
    match s.parse::<ColumnType>() {
        Ok(ColumnType::Custom(_) | ColumnType::Enum(_)) | Err(_) => {
            ColumnType::Custom(s.to_owned())
        }
        Ok(t) => t,
    }
}

/// `varchar(10)` -> (`varchar`, Some(`10`)); `text` -> (`text`, None).
fn split_args(s: &str) -> (&str, Option<&str>) {
    match (s.find('('), s.rfind(')')) {
        (Some(open), Some(close)) if close > open && s[close + 1..].trim().is_empty() => {
            (s[..open].trim(), Some(s[open + 1..close].trim()))
        }
        _ => (s.trim(), None),
    }
}

/// A type mapping (`mysql`, `sqlite`) remembered per declared type: the
/// columns of a schema share a few types (9,000 columns and 8 types at
/// 1,000 tables).
#[derive(Default)]
pub(crate) struct Seen(std::collections::HashMap<String, ColumnType>);

impl Seen {
    /// `map(declared)`, computed once per distinct `declared`.
    pub(crate) fn get(&mut self, declared: &str, map: fn(&str) -> ColumnType) -> ColumnType {
        if let Some(t) = self.0.get(declared) {
            return t.clone();
        }
        let t = map(declared);
        self.0.insert(declared.to_owned(), t.clone());
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> ColumnType, input: &str, expect: &str) {
        assert_eq!(f(input).to_string(), expect, "{input}");
    }

    #[test]
    fn postgres_types() {
        for (input, expect) in [
            ("integer", "integer"),
            ("bigint", "bigint"),
            ("smallint", "smallint"),
            ("character varying(100)", "varchar(100)"),
            ("character varying", "varchar"),
            ("character(3)", "char(3)"),
            ("numeric(12,2)", "decimal(12,2)"),
            ("numeric", "decimal"),
            ("double precision", "double"),
            ("real", "real"),
            ("timestamp with time zone", "timestamptz"),
            ("timestamp without time zone", "timestamp"),
            ("time without time zone", "time"),
            (
                "timestamp(3) with time zone",
                "custom(timestamp(3) with time zone)",
            ),
            ("bytea", "blob"),
            ("text[]", "text[]"),
            ("character varying(10)[]", "varchar(10)[]"),
            ("jsonb", "jsonb"),
            ("uuid", "uuid"),
            ("\"char\"", "custom(\"char\")"),
            ("bit(1)", "custom(bit(1))"),
            ("tsvector", "custom(tsvector)"),
            ("year", "custom(year)"),
        ] {
            check(postgres, input, expect);
        }
        check(postgres_custom, "BIT(8)", "custom(bit(8))");
        check(
            postgres_custom,
            "TIMESTAMP(3)  WITH TIME ZONE",
            "custom(timestamp(3) with time zone)",
        );
        check(postgres_custom, "TEXT", "text");
        check(postgres_custom, "bit", "custom(bit(1))");
        check(postgres_custom, "varbit(4)", "custom(bit varying(4))");
        check(postgres_custom, "\"MyType\"", "custom(\"MyType\")");
    }

    #[test]
    fn mysql_types() {
        for (input, expect) in [
            ("int(11)", "integer"),
            ("int", "integer"),
            ("int(10) unsigned", "integer unsigned"),
            ("bigint(20)", "bigint"),
            ("bigint(20) unsigned", "bigint unsigned"),
            ("tinyint(1)", "boolean"),
            ("tinyint(4)", "tinyint"),
            ("tinyint", "tinyint"),
            ("tinyint(1) unsigned", "tinyint unsigned"),
            ("smallint(6)", "smallint"),
            ("mediumint(9)", "custom(mediumint)"),
            ("MEDIUMINT(8) UNSIGNED", "custom(mediumint unsigned)"),
            ("BIT", "custom(bit(1))"),
            ("bit(8)", "custom(bit(8))"),
            ("SET('a','B','it''s')", "custom(set('a','B','it''s'))"),
            ("INT UNSIGNED", "integer unsigned"),
            ("YEAR", "year"),
            ("varchar(255)", "varchar(255)"),
            ("char(36)", "char(36)"),
            ("decimal(12,2)", "decimal(12,2)"),
            ("float", "real"),
            ("double", "double"),
            ("datetime", "timestamp"),
            ("datetime(6)", "custom(datetime(6))"),
            ("timestamp", "timestamptz"),
            ("binary(16)", "binary(16)"),
            ("varbinary(20)", "varbinary(20)"),
            ("longtext", "custom(longtext)"),
            ("text", "text"),
            ("blob", "blob"),
            ("json", "json"),
            ("year(4)", "year"),
            ("year", "year"),
            ("decimal(10,2) unsigned", "custom(decimal(10,2) unsigned)"),
        ] {
            check(mysql, input, expect);
        }
    }

    #[test]
    fn sqlite_types() {
        for (input, expect) in [
            ("INTEGER", "integer"),
            ("int", "integer"),
            ("bigint", "bigint"),
            ("varchar(255)", "varchar(255)"),
            ("VARCHAR(255)", "varchar(255)"),
            ("real(12, 2)", "decimal(12,2)"),
            ("real", "real"),
            ("double", "double"),
            ("boolean", "boolean"),
            ("datetime_text", "timestamp"),
            ("timestamp_with_timezone_text", "timestamptz"),
            ("uuid_text", "uuid"),
            ("enum_text", "text"),
            ("json_text", "json"),
            ("jsonb_text", "jsonb"),
            ("blob(16)", "binary(16)"),
            ("blob", "blob"),
            ("text", "text"),
            ("", "custom()"),
            ("enum(x)", "custom(enum(x))"),
            ("unsigned big int", "custom(unsigned big int)"),
        ] {
            check(sqlite, input, expect);
        }
    }
}
