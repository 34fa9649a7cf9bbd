//! SeaORM `ColumnType` expressions, as written in `column_type = "..."`,
//! `ColumnType::X.def()` and `db_type = "..."`, read into retort types.

use retort_core::ColumnType;
use syn::{Expr, Lit};

/// A column type expression, before active enums are looked up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeExpr {
    Known(ColumnType),
    /// `Status::db_type().get_column_type().to_owned()`: the type of an
    /// active enum, found by its Rust name.
    ActiveEnum(String),
    Array(Box<TypeExpr>),
}

/// Parses `s`, the text of a `column_type = "..."` attribute.
pub(crate) fn parse_type_str(s: &str) -> Result<TypeExpr, String> {
    thread_local! {
        // The same few `column_type` strings come back in every entity.
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Result<TypeExpr, String>>> =
            Default::default();
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(s).cloned()) {
        return hit;
    }
    let parsed = syn::parse_str::<Expr>(s)
        .map_err(|e| format!("`{s}` is not a column type expression: {e}"))
        .and_then(|expr| parse_type_expr(&expr));
    CACHE.with(|c| c.borrow_mut().insert(s.to_owned(), parsed.clone()));
    parsed
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn lit_u32(e: &Expr) -> Option<u32> {
    match strip(e) {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

/// `Some(x)` -> `Some(x)`, `None` -> `None`.
fn option_arg(e: &Expr) -> Result<Option<&Expr>, ()> {
    match strip(e) {
        Expr::Path(p) if last_ident(&p.path) == "None" => Ok(None),
        Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if last_ident(&p.path) == "Some") => {
            c.args.first().map(Some).ok_or(())
        }
        _ => Err(()),
    }
}

/// `StringLen::N(64)` -> `Some(64)`; `StringLen::None`/`Max` -> `None`.
fn string_len(e: &Expr) -> Result<Option<u32>, ()> {
    match strip(e) {
        Expr::Path(p) if matches!(last_ident(&p.path).as_str(), "None" | "Max") => Ok(None),
        Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if last_ident(&p.path) == "N") => {
            c.args.first().and_then(lit_u32).map(Some).ok_or(())
        }
        _ => Err(()),
    }
}

/// The first string literal anywhere in `e` (`"x"`, `"x".into()`, `Alias::new("x")`).
fn find_str(e: &Expr) -> Option<String> {
    match strip(e) {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::MethodCall(m) => find_str(&m.receiver).or_else(|| m.args.iter().find_map(find_str)),
        Expr::Call(c) => c.args.iter().find_map(find_str),
        Expr::Reference(r) => find_str(&r.expr),
        _ => None,
    }
}

/// `Custom(SeaRc::new(MySqlType::LongBlob))`: sea-query's MySQL blob types,
/// named as their `Iden` spells them.
fn mysql_type(e: &Expr) -> Option<String> {
    match strip(e) {
        Expr::Path(p) if p.path.segments.len() >= 2 => {
            let owner = &p.path.segments[p.path.segments.len() - 2].ident;
            if owner != "MySqlType" {
                return None;
            }
            match last_ident(&p.path).as_str() {
                t @ ("TinyBlob" | "MediumBlob" | "LongBlob") => Some(t.to_lowercase()),
                _ => None,
            }
        }
        Expr::Call(c) => c.args.first().and_then(mysql_type),
        _ => None,
    }
}

pub(crate) fn parse_type_expr(expr: &Expr) -> Result<TypeExpr, String> {
    use ColumnType as T;
    let bad = || {
        format!(
            "`{}` is not a SeaORM column type retort understands",
            expr_text(expr)
        )
    };
    match strip(expr) {
        Expr::Path(p) => {
            let t = match last_ident(&p.path).as_str() {
                "Text" => T::Text,
                "Blob" => T::Blob,
                "TinyInteger" => T::TinyInteger,
                "SmallInteger" => T::SmallInteger,
                "Integer" => T::Integer,
                "BigInteger" => T::BigInteger,
                "TinyUnsigned" => T::TinyUnsigned,
                "SmallUnsigned" => T::SmallUnsigned,
                "Unsigned" => T::Unsigned,
                "BigUnsigned" => T::BigUnsigned,
                "Float" => T::Real,
                "Double" => T::Double,
                "DateTime" | "Timestamp" => T::Timestamp,
                "TimestampWithTimeZone" => T::TimestampTz,
                "Time" => T::Time,
                "Date" => T::Date,
                "Year" => T::Year,
                "Boolean" => T::Boolean,
                "Json" => T::Json,
                "JsonBinary" => T::JsonB,
                "Uuid" => T::Uuid,
                "Cidr" => T::Cidr,
                "Inet" => T::Inet,
                "MacAddr" => T::MacAddr,
                "LTree" => T::Custom("ltree".into()),
                _ => return Err(bad()),
            };
            Ok(TypeExpr::Known(t))
        }
        Expr::Call(c) => {
            let Expr::Path(func) = strip(&c.func) else {
                return Err(bad());
            };
            let name = last_ident(&func.path);
            let arg0 = c.args.first();
            let t = match name.as_str() {
                "Char" => T::Char(
                    arg0.map(option_arg)
                        .transpose()
                        .map_err(|_| bad())?
                        .flatten()
                        .map(|e| lit_u32(e).ok_or_else(bad))
                        .transpose()?,
                ),
                "String" => T::Varchar(match arg0 {
                    Some(a) => string_len(a).map_err(|_| bad())?,
                    None => None,
                }),
                "Decimal" | "Money" => {
                    let inner = arg0
                        .map(option_arg)
                        .transpose()
                        .map_err(|_| bad())?
                        .flatten();
                    let ps = match inner.map(strip) {
                        None => None,
                        Some(Expr::Tuple(t)) if t.elems.len() == 2 => Some((
                            lit_u32(&t.elems[0]).ok_or_else(bad)?,
                            lit_u32(&t.elems[1]).ok_or_else(bad)?,
                        )),
                        Some(_) => return Err(bad()),
                    };
                    if name == "Money" {
                        T::Money
                    } else {
                        T::Decimal(ps)
                    }
                }
                "Interval" => T::Interval,
                // sea-query's constructor functions, `ColumnType::var_binary(32)`
                // and `ColumnType::string(Some(64))`, which `column_type = "..."`
                // may name as well as the variants.
                "var_binary" => T::VarBinary(arg0.and_then(lit_u32).ok_or_else(bad)?),
                "string" => T::Varchar(
                    arg0.map(option_arg)
                        .transpose()
                        .map_err(|_| bad())?
                        .flatten()
                        .map(|e| lit_u32(e).ok_or_else(bad))
                        .transpose()?,
                ),
                "Binary" => T::Binary(arg0.and_then(lit_u32).ok_or_else(bad)?),
                "VarBinary" => match arg0.map(string_len) {
                    Some(Ok(Some(n))) => T::VarBinary(n),
                    Some(Ok(None)) | None => T::Blob,
                    Some(Err(())) => return Err(bad()),
                },
                "Bit" | "Vector" => {
                    let n = arg0
                        .map(option_arg)
                        .transpose()
                        .map_err(|_| bad())?
                        .flatten()
                        .and_then(lit_u32);
                    let base = if name == "Bit" { "bit" } else { "vector" };
                    T::Custom(match n {
                        Some(n) => format!("{base}({n})"),
                        None => base.to_owned(),
                    })
                }
                "VarBit" => T::Custom(format!(
                    "varbit({})",
                    arg0.and_then(lit_u32).ok_or_else(bad)?
                )),
                "custom" | "Custom" => T::Custom(
                    arg0.and_then(find_str)
                        .or_else(|| arg0.and_then(mysql_type))
                        .ok_or_else(bad)?,
                ),
                "Array" => {
                    let inner = arg0.ok_or_else(bad)?;
                    // `Array(RcOrArc::new(inner))`, `Array(Rc::new(..))`, `Array(inner.into())`
                    let inner = match strip(inner) {
                        Expr::Call(w) if w.args.len() == 1 => &w.args[0],
                        other => other,
                    };
                    return Ok(TypeExpr::Array(Box::new(parse_type_expr(inner)?)));
                }
                _ => return Err(bad()),
            };
            Ok(TypeExpr::Known(t))
        }
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                // `Status::db_type()` ends a chain such as
                // `Status::db_type().get_column_type().to_owned()`.
                "get_column_type" | "to_owned" | "clone" | "into" => {
                    if let Expr::Call(c) = strip(&m.receiver)
                        && let Expr::Path(p) = strip(&c.func)
                        && last_ident(&p.path) == "db_type"
                        && p.path.segments.len() >= 2
                    {
                        let owner = &p.path.segments[p.path.segments.len() - 2];
                        return Ok(TypeExpr::ActiveEnum(owner.ident.to_string()));
                    }
                    parse_type_expr(&m.receiver)
                }
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}

/// Source text of an expression, for messages.
pub(crate) fn expr_text(e: &Expr) -> String {
    use syn::spanned::Spanned;
    e.span()
        .source_text()
        .unwrap_or_else(|| "<expression>".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str, expect: &str) {
        match parse_type_str(src).unwrap_or_else(|e| panic!("{src}: {e}")) {
            TypeExpr::Known(t) => assert_eq!(t.to_string(), expect, "{src}"),
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn sea_column_types() {
        check("Text", "text");
        check("ColumnType::Text", "text");
        check("String(StringLen::N(64))", "varchar(64)");
        check("String(StringLen::None)", "varchar");
        check("ColumnType::String(StringLen::Max)", "varchar");
        check("Decimal(Some((12, 2)))", "decimal(12,2)");
        check("Decimal(None)", "decimal");
        check("Char(Some(2))", "char(2)");
        check("Char(None)", "char");
        check("custom(\"citext\")", "custom(citext)");
        check("ColumnType::custom(\"ltree\")", "custom(ltree)");
        check("JsonBinary", "jsonb");
        check("Float", "real");
        check("TimestampWithTimeZone", "timestamptz");
        check("VarBinary(StringLen::N(16))", "varbinary(16)");
        check("VarBinary(StringLen::None)", "blob");
        check("Binary(16)", "binary(16)");
        check("Money(Some((10, 2)))", "money");
        check("ColumnType::Integer.into()", "integer");
        check("var_binary(32)", "varbinary(32)");
        check(
            "Custom(SeaRc::new(MySqlType::LongBlob))",
            "custom(longblob)",
        );
        check("string(Some(64))", "varchar(64)");
        check("string(None)", "varchar");
    }

    #[test]
    fn array_and_enum_refs() {
        assert_eq!(
            parse_type_str("Status::db_type().get_column_type().to_owned()").unwrap(),
            TypeExpr::ActiveEnum("Status".into())
        );
        assert_eq!(
            parse_type_str("ColumnType::Array(RcOrArc::new(ColumnType::Text))").unwrap(),
            TypeExpr::Array(Box::new(TypeExpr::Known(ColumnType::Text)))
        );
    }

    #[test]
    fn bad_types() {
        for bad in [
            "Strin(StringLen::N(2))",
            "String(64)",
            "Decimal(Some(12))",
            "1 + 2",
        ] {
            assert!(parse_type_str(bad).is_err(), "{bad}");
        }
    }
}
