//! heck's case conversions, with a fast path for the usual all-lowercase
//! `snake_case` field name. heck formats character by character, and at
//! three conversions per field it was 7% of reading 1,000 entities. Any other
//! input goes to heck, so the results are heck's (and SeaORM's) exactly; a
//! property test compares the two.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Lowercase ASCII letters and underscores only: heck's words are then the
/// non-empty pieces between underscores, each a single word.
fn plain_snake(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// `s.to_upper_camel_case()`: `parent_id` → `ParentId`.
pub(crate) fn upper_camel(s: &str) -> String {
    if !plain_snake(s) {
        return s.to_upper_camel_case();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split('_').filter(|w| !w.is_empty()) {
        out.push(char::from(word.as_bytes()[0].to_ascii_uppercase()));
        out.push_str(&word[1..]);
    }
    out
}

/// `s.to_snake_case()`.
pub(crate) fn snake(s: &str) -> String {
    if !plain_snake(s) {
        return s.to_snake_case();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split('_').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(word);
    }
    out
}

/// The column a field names when no `column_name` or `rename_all` says
/// otherwise. SeaORM derives the column from the `Column` variant, which is
/// the field in UpperCamelCase, and keeps the field's own spelling when that
/// round-trips (`parent_id`), else the field in snake_case (`parentId` →
/// `parent_id`).
pub(crate) fn field_column(field: &str, variant: &str) -> String {
    // For a plain name the round trip gives the non-empty words joined by
    // one underscore, which is also its snake_case.
    if plain_snake(field) || snake(variant) != field {
        snake(field)
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn agrees_with_heck(s in "[a-zA-Z0-9_]{0,12}|[a-z_]{0,12}|[a-z][a-z0-9_]{0,10}") {
            prop_assert_eq!(upper_camel(&s), s.to_upper_camel_case());
            prop_assert_eq!(snake(&s), s.to_snake_case());
            let variant = s.to_upper_camel_case();
            let heck_column = if s == variant.to_snake_case() { s.clone() } else { s.to_snake_case() };
            prop_assert_eq!(field_column(&s, &variant), heck_column);
        }
    }

    #[test]
    fn examples() {
        assert_eq!(upper_camel("parent_id"), "ParentId");
        assert_eq!(upper_camel("_x__y_"), "XY");
        assert_eq!(snake("_x__y_"), "x_y");
        assert_eq!(field_column("parent_id", "ParentId"), "parent_id");
        assert_eq!(field_column("parentId", "ParentId"), "parent_id");
        assert_eq!(field_column("a_1", "A1"), "a_1");
    }
}
