//! Which type changes lose data, and which rewrite a PostgreSQL table.

use ColumnType as T;
use retort_core::ColumnType;

/// The range of an integer type.
fn int_range(t: &ColumnType) -> Option<(i128, i128)> {
    Some(match t {
        T::TinyInteger => (i8::MIN.into(), i8::MAX.into()),
        T::SmallInteger => (i16::MIN.into(), i16::MAX.into()),
        T::Integer => (i32::MIN.into(), i32::MAX.into()),
        T::BigInteger => (i64::MIN.into(), i64::MAX.into()),
        T::TinyUnsigned => (0, u8::MAX.into()),
        T::SmallUnsigned => (0, u16::MAX.into()),
        T::Unsigned => (0, u32::MAX.into()),
        T::BigUnsigned => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The longest text a type holds: `None` for no limit, `Some(None)` when
/// it is not a text type.
fn text_limit(t: &ColumnType) -> Option<Option<u32>> {
    match t {
        T::Text => Some(None),
        T::Varchar(n) => Some(*n),
        T::Char(n) => Some(Some(n.unwrap_or(1))),
        _ => None,
    }
}

/// Why changing a column from `old` to `new` can lose or refuse existing
/// values, or `None` when every old value fits the new type.
pub fn narrowing(old: &ColumnType, new: &ColumnType) -> Option<String> {
    if old == new {
        return None;
    }
    if let (Some((omin, omax)), Some((nmin, nmax))) = (int_range(old), int_range(new)) {
        return (nmin > omin || nmax < omax)
            .then(|| format!("`{new}` holds {nmin}..={nmax}, `{old}` holds {omin}..={omax}"));
    }
    if let (Some(o), Some(n)) = (text_limit(old), text_limit(new)) {
        return match (o, n) {
            (_, None) => None,
            (None, Some(n)) => Some(format!(
                "`{old}` has no length limit, `{new}` holds {n} characters"
            )),
            (Some(o), Some(n)) if n < o => {
                Some(format!("`{new}` holds {n} characters, `{old}` {o}"))
            }
            _ => None,
        };
    }
    match (old, new) {
        (T::Decimal(o), T::Decimal(n)) => match (o, n) {
            (_, None) => None,
            (None, Some((p, s))) => Some(format!(
                "`{old}` has no precision limit, `decimal({p},{s})` does"
            )),
            (Some((op, os)), Some((np, ns))) => (np - ns < op - os || ns < os).then(|| {
                format!(
                    "`{new}` keeps {} integer and {ns} fraction digits, `{old}` {} and {os}",
                    np - ns,
                    op - os
                )
            }),
        },
        (T::Double, T::Real) => {
            Some("`real` keeps about 6 significant digits, `double` 15".to_owned())
        }
        (T::Decimal(_) | T::Real | T::Double | T::Money, n) if int_range(n).is_some() => {
            Some(format!("`{new}` drops the fraction of `{old}` values"))
        }
        (T::Timestamp | T::TimestampTz, T::Date) => Some("`date` drops the time of day".to_owned()),
        (T::TimestampTz, T::Timestamp) => Some("`timestamp` drops the time zone".to_owned()),
        (T::VarBinary(o), T::VarBinary(n) | T::Binary(n)) if n < o => {
            Some(format!("`{new}` holds {n} bytes, `{old}` {o}"))
        }
        (T::Blob, T::VarBinary(n) | T::Binary(n)) => Some(format!(
            "`blob` has no length limit, `{new}` holds {n} bytes"
        )),
        (T::Enum(_), n) if int_range(n).is_some() => {
            Some(format!("`{old}` values are not numbers"))
        }
        (o, n)
            if text_limit(o).is_some()
                && text_limit(n).is_none()
                && !matches!(n, T::Blob | T::Custom(_)) =>
        {
            Some(format!(
                "text that is not a valid `{new}` cannot be converted"
            ))
        }
        _ => None,
    }
}

/// Whether PostgreSQL rewrites the whole table (under an ACCESS EXCLUSIVE
/// lock) to change a column from `old` to `new`. Widening a `varchar`,
/// `varchar` to `text` and raising a `decimal`'s precision at the same scale
/// only change the catalog.
pub fn pg_rewrites(old: &ColumnType, new: &ColumnType) -> bool {
    match (old, new) {
        _ if old == new => false,
        (T::Varchar(_), T::Text) => false,
        (T::Varchar(_), T::Varchar(None)) => false,
        (T::Varchar(Some(o)), T::Varchar(Some(n))) => n < o,
        (T::Decimal(_), T::Decimal(None)) => false,
        (T::Decimal(Some((op, os))), T::Decimal(Some((np, ns)))) => !(ns == os && np >= op),
        _ => true,
    }
}

/// What every existing value must fit for a narrowing change from `old` to
/// `new` to succeed, when the data can be asked: the runner's data
/// pre-check queries the rows outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// An integer type's range.
    Range { min: i128, max: i128 },
    /// A text type's length, in characters.
    Chars(u32),
    /// `decimal(P,S)`: values round to `S` fraction digits and then keep
    /// fewer than `P - S` integer digits.
    Decimal { precision: u32, scale: u32 },
}

/// The limit the values must fit when changing `old` to `new` narrows
/// ([`narrowing`]) in a way a query can test; `None` when it does not
/// narrow, or narrows in a way no simple query tells (a date that loses its
/// time, text that must parse as another type).
pub fn fit(old: &ColumnType, new: &ColumnType) -> Option<Fit> {
    narrowing(old, new)?;
    if let Some((min, max)) = int_range(new)
        && (int_range(old).is_some()
            || matches!(old, T::Decimal(_) | T::Real | T::Double | T::Money))
    {
        return Some(Fit::Range { min, max });
    }
    if text_limit(old).is_some()
        && let Some(Some(n)) = text_limit(new)
    {
        return Some(Fit::Chars(n));
    }
    match new {
        T::Decimal(Some((p, s))) => Some(Fit::Decimal {
            precision: *p,
            scale: *s,
        }),
        _ => None,
    }
}
