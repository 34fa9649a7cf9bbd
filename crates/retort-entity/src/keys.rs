//! The keys SeaORM 2.0's derives read inside `#[sea_orm(...)]`, per place,
//! so that a misspelt key is an error instead of a setting silently lost.

use std::path::Path;

use crate::EntityError;

/// On a `DeriveEntityModel` struct (and `#[sea_orm::model]`).
pub(crate) const MODEL: &[&str] = &[
    "table_name",
    "schema_name",
    "comment",
    "rename_all",
    "table_iden",
    "model_ex",
    "column",
    "entity",
    "model",
    "active_model",
    "active_model_ex",
    "primary_key",
    "relation",
    "compact_model",
    "model_attrs",
    "model_ex_attrs",
    "arrow_schema",
    "derive",
    "from_query_result",
    "into_active_model",
];

/// On a field of a model: columns, relation fields (dense form), and the
/// keys of the other derives a model commonly carries (`FromQueryResult`,
/// `DerivePartialModel`, the arrow schema).
pub(crate) const FIELD: &[&str] = &[
    "column_type",
    "auto_increment",
    "comment",
    "default_value",
    "default_expr",
    "column_name",
    "enum_name",
    "select_as",
    "save_as",
    "ignore",
    "primary_key",
    "nullable",
    "indexed",
    "unique",
    "unique_key",
    "renamed_from",
    "extra",
    // relation fields
    "has_one",
    "has_many",
    "belongs_to",
    "self_ref",
    "skip_fk",
    "via",
    "via_rel",
    "from",
    "to",
    "relation_enum",
    "relation_reverse",
    "reverse",
    "on_update",
    "on_delete",
    "on_condition",
    "fk_name",
    // FromQueryResult / DerivePartialModel
    "skip",
    "nested",
    "alias",
    "from_alias",
    "from_col",
    "from_expr",
    // arrow schema
    "arrow_byte_width",
    "arrow_comment",
    "arrow_field",
    "arrow_precision",
    "arrow_scale",
    "arrow_skip",
    "arrow_timestamp_unit",
    "arrow_timezone",
];

/// On a variant of a `DeriveRelation` enum.
pub(crate) const RELATION: &[&str] = &[
    "belongs_to",
    "has_one",
    "has_many",
    "via_rel",
    "on_update",
    "on_delete",
    "on_condition",
    "from",
    "to",
    "fk_name",
    "skip_fk",
    "condition_type",
];

/// On a `DeriveActiveEnum` enum.
pub(crate) const ACTIVE_ENUM: &[&str] = &["rs_type", "db_type", "enum_name", "rename_all"];

/// On a variant of a `DeriveActiveEnum` enum.
pub(crate) const ACTIVE_ENUM_VARIANT: &[&str] =
    &["string_value", "num_value", "display_value", "rename"];

/// Err naming the key and the nearest known one when `key` is not in `known`.
pub(crate) fn check(
    file: &Path,
    line: usize,
    key: &str,
    place: &str,
    known: &[&str],
) -> Result<(), EntityError> {
    if known.contains(&key) {
        return Ok(());
    }
    let hint = match nearest(key, known) {
        Some(k) => {
            format!("did you mean `{k}`? SeaORM ignores `{key}` here, so the setting is lost")
        }
        None => format!("SeaORM ignores `{key}` here too, so removing it changes nothing"),
    };
    Err(EntityError::invalid(
        file,
        line,
        format!("unknown key `{key}` in `#[sea_orm(...)]` on {place}"),
        hint,
    ))
}

/// The known key closest to `key` by edit distance, when it is close.
fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    // `default` -> `default_value`: a known key that begins with it.
    if key.len() >= 4
        && let Some(k) = known.iter().find(|k| k.starts_with(key))
    {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(key.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_keys() {
        assert_eq!(nearest("primary_kee", FIELD), Some("primary_key"));
        assert_eq!(nearest("colum_type", FIELD), Some("column_type"));
        assert_eq!(nearest("tabel_name", MODEL), Some("table_name"));
        assert_eq!(nearest("zzz", FIELD), None);
        assert_eq!(nearest("default", FIELD), Some("default_value"));
        assert!(check(Path::new("a.rs"), 1, "unique", "a field", FIELD).is_ok());
    }
}
