use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The portable column type vocabulary, after SeaORM's `ColumnType`.
///
/// Written in revision files as a short string (`"varchar(255)"`,
/// `"decimal(12,2)"`, `"enum(post_status)"`, `"integer[]"`), rendered per
/// dialect by `retort-sql`. Common database spellings (`int4`,
/// `character varying(255)`, `bool`, ...) parse to the same value, so equal
/// types compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnType {
    TinyInteger,
    SmallInteger,
    Integer,
    BigInteger,
    TinyUnsigned,
    SmallUnsigned,
    Unsigned,
    BigUnsigned,
    /// `varchar(N)`; `None` is `varchar` without a length.
    Varchar(Option<u32>),
    Char(Option<u32>),
    Text,
    Boolean,
    /// `decimal(P,S)`; `None` is `decimal` without precision.
    Decimal(Option<(u32, u32)>),
    Money,
    /// 4-byte float.
    Real,
    Double,
    Date,
    Time,
    /// Timestamp without time zone (`DateTime` in SeaORM).
    Timestamp,
    /// Timestamp with time zone.
    TimestampTz,
    Interval,
    Year,
    Json,
    /// PostgreSQL `jsonb`.
    JsonB,
    Uuid,
    Blob,
    Binary(u32),
    VarBinary(u32),
    Inet,
    Cidr,
    MacAddr,
    /// A named enum type: a PostgreSQL `CREATE TYPE`, MySQL `ENUM(...)`.
    Enum(String),
    /// PostgreSQL array of an element type.
    Array(Box<ColumnType>),
    /// A database type retort has no name for, rendered verbatim.
    Custom(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown column type `{0}`; expected one of smallint, integer, bigint, varchar(N), char(N), text, boolean, decimal(P,S), real, double, date, time, timestamp, timestamptz, json, jsonb, uuid, blob, enum(NAME), T[], or custom(SQL TYPE)"
)]
pub struct ParseTypeError(pub String);

impl ColumnType {
    /// Integer types, which may carry auto-increment.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::TinyInteger
                | ColumnType::SmallInteger
                | ColumnType::Integer
                | ColumnType::BigInteger
                | ColumnType::TinyUnsigned
                | ColumnType::SmallUnsigned
                | ColumnType::Unsigned
                | ColumnType::BigUnsigned
        )
    }

    /// The enum type this column uses, if any (also inside arrays).
    pub fn enum_name(&self) -> Option<&str> {
        match self {
            ColumnType::Enum(n) => Some(n),
            ColumnType::Array(inner) => inner.enum_name(),
            _ => None,
        }
    }
}

fn parse_len(args: Option<&str>, whole: &str) -> Result<Option<u32>, ParseTypeError> {
    match args {
        None => Ok(None),
        Some(a) => a
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ParseTypeError(whole.to_owned())),
    }
}

impl FromStr for ColumnType {
    type Err = ParseTypeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let s = input.trim();
        let err = || ParseTypeError(input.to_owned());
        if let Some(elem) = s.strip_suffix("[]") {
            return Ok(ColumnType::Array(Box::new(elem.parse()?)));
        }
        let (head, args) = match s.find('(') {
            Some(open) => {
                let inner = s[open + 1..].strip_suffix(')').ok_or_else(err)?;
                (s[..open].trim(), Some(inner))
            }
            None => (s, None),
        };
        let head_lc = head.to_ascii_lowercase();
        let head_lc = head_lc.split_whitespace().collect::<Vec<_>>().join(" ");
        let no_args = |t: ColumnType| if args.is_some() { Err(err()) } else { Ok(t) };
        match head_lc.as_str() {
            "custom" => Ok(ColumnType::Custom(args.ok_or_else(err)?.trim().to_owned())),
            "enum" => {
                let name = args.ok_or_else(err)?.trim();
                if name.is_empty() {
                    return Err(err());
                }
                Ok(ColumnType::Enum(name.to_owned()))
            }
            "tinyint" | "int1" => no_args(ColumnType::TinyInteger),
            "smallint" | "int2" | "smallinteger" => no_args(ColumnType::SmallInteger),
            "integer" | "int" | "int4" => no_args(ColumnType::Integer),
            "bigint" | "int8" | "biginteger" => no_args(ColumnType::BigInteger),
            "tinyint unsigned" => no_args(ColumnType::TinyUnsigned),
            "smallint unsigned" => no_args(ColumnType::SmallUnsigned),
            "integer unsigned" | "int unsigned" => no_args(ColumnType::Unsigned),
            "bigint unsigned" => no_args(ColumnType::BigUnsigned),
            "varchar" | "character varying" | "string" => {
                Ok(ColumnType::Varchar(parse_len(args, input)?))
            }
            "char" | "character" => Ok(ColumnType::Char(parse_len(args, input)?)),
            "text" => no_args(ColumnType::Text),
            "boolean" | "bool" => no_args(ColumnType::Boolean),
            "decimal" | "numeric" => match args {
                None => Ok(ColumnType::Decimal(None)),
                Some(a) => {
                    let mut parts = a.split(',').map(|p| p.trim().parse::<u32>());
                    let p = parts.next().ok_or_else(err)?.map_err(|_| err())?;
                    let sc = match parts.next() {
                        Some(x) => x.map_err(|_| err())?,
                        None => 0,
                    };
                    if parts.next().is_some() {
                        return Err(err());
                    }
                    Ok(ColumnType::Decimal(Some((p, sc))))
                }
            },
            "money" => no_args(ColumnType::Money),
            "real" | "float" | "float4" => no_args(ColumnType::Real),
            "double" | "double precision" | "float8" => no_args(ColumnType::Double),
            "date" => no_args(ColumnType::Date),
            "time" | "time without time zone" => no_args(ColumnType::Time),
            "timestamp" | "datetime" | "timestamp without time zone" => {
                no_args(ColumnType::Timestamp)
            }
            "timestamptz" | "timestamp with time zone" => no_args(ColumnType::TimestampTz),
            "interval" => no_args(ColumnType::Interval),
            "year" => no_args(ColumnType::Year),
            "json" => no_args(ColumnType::Json),
            "jsonb" => no_args(ColumnType::JsonB),
            "uuid" => no_args(ColumnType::Uuid),
            "blob" | "bytea" => no_args(ColumnType::Blob),
            "binary" => Ok(ColumnType::Binary(parse_len(args, input)?.ok_or_else(err)?)),
            "varbinary" => Ok(ColumnType::VarBinary(
                parse_len(args, input)?.ok_or_else(err)?,
            )),
            "inet" => no_args(ColumnType::Inet),
            "cidr" => no_args(ColumnType::Cidr),
            "macaddr" => no_args(ColumnType::MacAddr),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ColumnType as T;
        match self {
            T::TinyInteger => f.write_str("tinyint"),
            T::SmallInteger => f.write_str("smallint"),
            T::Integer => f.write_str("integer"),
            T::BigInteger => f.write_str("bigint"),
            T::TinyUnsigned => f.write_str("tinyint unsigned"),
            T::SmallUnsigned => f.write_str("smallint unsigned"),
            T::Unsigned => f.write_str("integer unsigned"),
            T::BigUnsigned => f.write_str("bigint unsigned"),
            T::Varchar(None) => f.write_str("varchar"),
            T::Varchar(Some(n)) => write!(f, "varchar({n})"),
            T::Char(None) => f.write_str("char"),
            T::Char(Some(n)) => write!(f, "char({n})"),
            T::Text => f.write_str("text"),
            T::Boolean => f.write_str("boolean"),
            T::Decimal(None) => f.write_str("decimal"),
            T::Decimal(Some((p, s))) => write!(f, "decimal({p},{s})"),
            T::Money => f.write_str("money"),
            T::Real => f.write_str("real"),
            T::Double => f.write_str("double"),
            T::Date => f.write_str("date"),
            T::Time => f.write_str("time"),
            T::Timestamp => f.write_str("timestamp"),
            T::TimestampTz => f.write_str("timestamptz"),
            T::Interval => f.write_str("interval"),
            T::Year => f.write_str("year"),
            T::Json => f.write_str("json"),
            T::JsonB => f.write_str("jsonb"),
            T::Uuid => f.write_str("uuid"),
            T::Blob => f.write_str("blob"),
            T::Binary(n) => write!(f, "binary({n})"),
            T::VarBinary(n) => write!(f, "varbinary({n})"),
            T::Inet => f.write_str("inet"),
            T::Cidr => f.write_str("cidr"),
            T::MacAddr => f.write_str("macaddr"),
            T::Enum(name) => write!(f, "enum({name})"),
            T::Array(inner) => write!(f, "{inner}[]"),
            T::Custom(sql) => write!(f, "custom({sql})"),
        }
    }
}

impl Serialize for ColumnType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ColumnType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, canonical: &str) {
        let t: ColumnType = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.to_string(), canonical, "{input}");
        assert_eq!(
            canonical.parse::<ColumnType>().unwrap(),
            t,
            "canonical {canonical}"
        );
    }

    #[test]
    fn spellings_normalize() {
        check("int4", "integer");
        check("INT", "integer");
        check("character varying(255)", "varchar(255)");
        check("varchar( 30 )", "varchar(30)");
        check("string", "varchar");
        check("bool", "boolean");
        check("numeric(12, 2)", "decimal(12,2)");
        check("numeric(10)", "decimal(10,0)");
        check("double precision", "double");
        check("timestamp with time zone", "timestamptz");
        check("datetime", "timestamp");
        check("bytea", "blob");
        check("integer unsigned", "integer unsigned");
        check("enum(post_status)", "enum(post_status)");
        check("integer[]", "integer[]");
        check("varchar(10)[]", "varchar(10)[]");
        check("custom(citext)", "custom(citext)");
        check("binary(16)", "binary(16)");
    }

    #[test]
    fn bad_types_are_errors() {
        for bad in [
            "interger",
            "varchar(x)",
            "decimal(1,2,3)",
            "text(5)",
            "enum()",
            "varchar(5",
        ] {
            assert!(bad.parse::<ColumnType>().is_err(), "{bad} parsed");
        }
    }
}
