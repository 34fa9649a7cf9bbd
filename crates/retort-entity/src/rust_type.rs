//! Rust field types: how SeaORM's `ValueType::column_type()` maps them.

use retort_core::ColumnType;
use syn::{GenericArgument, PathArguments, Type};

/// `Option<T>` -> `(true, T)`; anything else -> `(false, ty)`.
pub(crate) fn strip_option(ty: &Type) -> (bool, &Type) {
    if let Some(inner) = generic_arg(ty, "Option") {
        (true, inner)
    } else {
        (false, ty)
    }
}

/// The single type argument of `Name<T>` when the last path segment is `name`.
pub(crate) fn generic_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = peel(ty) else {
        return None;
    };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => peel(&p.elem),
        Type::Group(g) => peel(&g.elem),
        _ => ty,
    }
}

/// The last path segment's name (`chrono::NaiveDate` -> `NaiveDate`).
pub(crate) fn last_name(ty: &Type) -> Option<String> {
    match peel(ty) {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_name(&r.elem),
        _ => None,
    }
}

/// The type as written, without spaces: `Option<chrono::NaiveDate>`.
pub(crate) fn type_text(ty: &Type) -> String {
    let mut out = String::new();
    write_type(ty, &mut out);
    out
}

fn write_type(ty: &Type, out: &mut String) {
    match peel(ty) {
        Type::Path(p) => {
            if p.path.leading_colon.is_some() {
                out.push_str("::");
            }
            for (i, seg) in p.path.segments.iter().enumerate() {
                if i > 0 {
                    out.push_str("::");
                }
                out.push_str(&seg.ident.to_string());
                if let PathArguments::AngleBracketed(args) = &seg.arguments {
                    out.push('<');
                    for (j, a) in args.args.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        match a {
                            GenericArgument::Type(t) => write_type(t, out),
                            GenericArgument::Lifetime(l) => out.push_str(&l.to_string()),
                            _ => out.push('_'),
                        }
                    }
                    out.push('>');
                }
            }
        }
        Type::Reference(r) => {
            out.push('&');
            write_type(&r.elem, out);
        }
        Type::Slice(s) => {
            out.push('[');
            write_type(&s.elem, out);
            out.push(']');
        }
        Type::Tuple(t) => {
            out.push('(');
            for (i, e) in t.elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_type(e, out);
            }
            out.push(')');
        }
        _ => out.push('_'),
    }
}

/// What a Rust type needs before it has a column type.
#[derive(Debug)]
pub(crate) enum Builtin<'a> {
    Type(ColumnType),
    /// `Vec<T>` (PostgreSQL array) of this element type.
    Array(&'a Type),
    /// Not one of SeaORM's own value types.
    Unknown,
}

/// SeaORM's and sea-query's own value types, after `ValueType::column_type()`.
pub(crate) fn builtin(ty: &Type) -> Builtin<'_> {
    use ColumnType as T;
    let ty = peel(ty);
    if let Type::Reference(r) = ty {
        return match last_name(&r.elem).as_deref() {
            Some("str") => Builtin::Type(T::Varchar(None)),
            _ => Builtin::Unknown,
        };
    }
    let Type::Path(p) = ty else {
        return Builtin::Unknown;
    };
    let Some(seg) = p.path.segments.last() else {
        return Builtin::Unknown;
    };
    let has_args = !matches!(seg.arguments, PathArguments::None);
    let name = seg.ident.to_string();
    if name == "Vec" {
        return match generic_arg(ty, "Vec") {
            Some(inner) if last_name(inner).as_deref() == Some("u8") => Builtin::Type(T::Blob),
            Some(inner) => Builtin::Array(strip_option(inner).1),
            None => Builtin::Unknown,
        };
    }
    if matches!(name.as_str(), "Braced" | "Hyphenated" | "Simple" | "Urn")
        && p.path.segments.len() >= 2
        && p.path.segments[p.path.segments.len() - 2].ident == "fmt"
    {
        // uuid::fmt::{Braced, Hyphenated, Simple, Urn}: sea-query stores them as `Uuid`.
        return Builtin::Type(T::Uuid);
    }
    if name == "Cow" {
        return Builtin::Type(T::Varchar(None));
    }
    if name == "DateTime" && has_args {
        // chrono::DateTime<Utc | Local | FixedOffset>
        return Builtin::Type(T::TimestampTz);
    }
    if name == "Value" {
        let first = p.path.segments.first().map(|s| s.ident.to_string());
        return if p.path.segments.len() == 2 && first.as_deref() == Some("serde_json") {
            Builtin::Type(T::Json)
        } else {
            Builtin::Unknown
        };
    }
    if has_args {
        return Builtin::Unknown;
    }
    let t = match name.as_str() {
        "bool" => T::Boolean,
        "i8" => T::TinyInteger,
        "i16" => T::SmallInteger,
        "i32" => T::Integer,
        "i64" => T::BigInteger,
        "u8" => T::TinyUnsigned,
        "u16" => T::SmallUnsigned,
        "u32" => T::Unsigned,
        "u64" => T::BigUnsigned,
        "f32" => T::Real,
        "f64" => T::Double,
        "char" => T::Char(None),
        "String" | "TextUuid" => T::Varchar(None),
        "Decimal" | "BigDecimal" => T::Decimal(None),
        "Uuid" => T::Uuid,
        "Json" => T::Json,
        "NaiveDate" | "Date" | "ChronoDate" | "TimeDate" => T::Date,
        "NaiveTime" | "Time" | "ChronoTime" | "TimeTime" => T::Time,
        "NaiveDateTime" | "DateTime" | "ChronoDateTime" | "PrimitiveDateTime" | "TimeDateTime" => {
            T::Timestamp
        }
        "DateTimeWithTimeZone"
        | "DateTimeUtc"
        | "DateTimeLocal"
        | "ChronoDateTimeWithTimeZone"
        | "ChronoDateTimeUtc"
        | "ChronoDateTimeLocal"
        | "OffsetDateTime"
        | "TimeDateTimeWithTimeZone" => T::TimestampTz,
        "ChronoUnixTimestamp"
        | "ChronoUnixTimestampMillis"
        | "TimeUnixTimestamp"
        | "TimeUnixTimestampMillis" => T::BigInteger,
        "IpNetwork" => T::Inet,
        "MacAddress" => T::MacAddr,
        "PgVector" => T::Custom("vector".into()),
        _ => return Builtin::Unknown,
    };
    Builtin::Type(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, expect: &str) {
        let ty: Type = syn::parse_str(src).unwrap();
        let (_, inner) = strip_option(&ty);
        let got = match builtin(inner) {
            Builtin::Type(t) => t.to_string(),
            Builtin::Array(e) => format!("array of {}", type_text(e)),
            Builtin::Unknown => "?".into(),
        };
        assert_eq!(got, expect, "{src}");
    }

    #[test]
    fn prelude_and_paths() {
        check("i32", "integer");
        check("Option<i64>", "bigint");
        check("String", "varchar");
        check("DateTimeWithTimeZone", "timestamptz");
        check("chrono::DateTime<chrono::Utc>", "timestamptz");
        check("DateTime", "timestamp");
        check("chrono::NaiveDate", "date");
        check("time::OffsetDateTime", "timestamptz");
        check("serde_json::Value", "json");
        check("Json", "json");
        check("Decimal", "decimal");
        check("rust_decimal::Decimal", "decimal");
        check("uuid::Uuid", "uuid");
        check("Vec<u8>", "blob");
        check("Vec<String>", "array of String");
        check("Vec<Option<i32>>", "array of i32");
        check("f32", "real");
        check("uuid::fmt::Braced", "uuid");
        check("Option<uuid::fmt::Urn>", "uuid");
        check("fmt::Simple", "uuid");
        check("Simple", "?");
        check("UserId", "?");
        check("sea_orm::Value", "?");
    }

    #[test]
    fn text_of_types() {
        let ty: Type = syn::parse_str("Option < chrono :: DateTime < Utc > >").unwrap();
        assert_eq!(type_text(&ty), "Option<chrono::DateTime<Utc>>");
    }
}
