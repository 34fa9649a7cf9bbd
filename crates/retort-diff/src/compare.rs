//! Equality rules of the diff, beyond `==`.

use retort_core::{ColumnDefault, ColumnType, FkAction, ForeignKey};

/// Whether two defaults are the same: literals by value, expressions
/// without case, spaces and outer parentheses (outside quotes).
pub(crate) fn same_default(a: Option<&ColumnDefault>, b: Option<&ColumnDefault>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(ColumnDefault::Literal(x)), Some(ColumnDefault::Literal(y))) => x == y,
        (Some(ColumnDefault::Expr(x)), Some(ColumnDefault::Expr(y))) => expr_key(x) == expr_key(y),
        _ => false,
    }
}

fn expr_key(e: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    for c in e.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c.is_whitespace() => {}
            None => out.push(c.to_ascii_lowercase()),
        }
    }
    while out.starts_with('(') && out.ends_with(')') && balanced(&out[1..out.len() - 1]) {
        out = out[1..out.len() - 1].to_owned();
    }
    out
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `NO ACTION` is what no action means.
pub(crate) fn action(a: Option<FkAction>) -> Option<FkAction> {
    a.filter(|a| *a != FkAction::NoAction)
}

/// What identifies a foreign key, names aside.
pub(crate) fn fk_target(fk: &ForeignKey) -> (&[String], &str, &[String]) {
    (&fk.columns, &fk.ref_table, &fk.ref_columns)
}

pub(crate) fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    fk_target(a) == fk_target(b)
        && action(a.on_delete) == action(b.on_delete)
        && action(a.on_update) == action(b.on_update)
}

/// Whether changing a column from `from` to `to` may lose data or fail on
/// existing rows. Only known widenings are safe.
pub(crate) fn narrows(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    let int_rank = |t: &ColumnType| match t {
        T::TinyInteger => Some(1),
        T::SmallInteger => Some(2),
        T::Integer => Some(3),
        T::BigInteger => Some(4),
        _ => None,
    };
    let widens = match (from, to) {
        (a, b) if a == b => true,
        (a, b) if int_rank(a).is_some() && int_rank(b).is_some() => int_rank(a) <= int_rank(b),
        (T::Varchar(Some(a)) | T::Char(Some(a)), T::Varchar(Some(b))) => a <= b,
        (T::Varchar(_) | T::Char(_), T::Varchar(None) | T::Text) => true,
        (T::Char(Some(a)), T::Char(Some(b))) => a <= b,
        (T::Decimal(Some((p1, s1))), T::Decimal(Some((p2, s2)))) => {
            s1 <= s2 && p1.saturating_sub(*s1) <= p2.saturating_sub(*s2)
        }
        (T::Real, T::Double) => true,
        (T::Json, T::JsonB) | (T::JsonB, T::Json) => true,
        (T::Timestamp, T::TimestampTz) => true,
        (T::Enum(_), T::Text | T::Varchar(None)) => true,
        _ => false,
    };
    !widens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> ColumnType {
        s.parse().unwrap()
    }

    #[test]
    fn expressions_compare_loosely() {
        let e = |s: &str| ColumnDefault::Expr(s.to_owned());
        assert!(same_default(
            Some(&e("CURRENT_TIMESTAMP")),
            Some(&e("(current_timestamp)"))
        ));
        assert!(!same_default(Some(&e("'A'")), Some(&e("'a'"))));
        assert!(!same_default(Some(&e("(a) + (b)")), Some(&e("a) + (b"))));
    }

    #[test]
    fn narrowing() {
        assert!(!narrows(&t("varchar(30)"), &t("varchar(40)")));
        assert!(narrows(&t("varchar(40)"), &t("varchar(30)")));
        assert!(narrows(&t("text"), &t("varchar(30)")));
        assert!(!narrows(&t("integer"), &t("bigint")));
        assert!(narrows(&t("bigint"), &t("integer")));
        assert!(narrows(&t("text"), &t("integer")));
        assert!(!narrows(&t("decimal(10,2)"), &t("decimal(12,2)")));
        assert!(narrows(&t("decimal(10,2)"), &t("decimal(10,0)")));
    }
}
