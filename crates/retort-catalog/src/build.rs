//! Grouping catalog rows into the schema model, shared by the three readers.

use std::collections::BTreeMap;

use retort_core::{FkAction, ForeignKey, Schema, Table};

use crate::{CatalogRead, OpaqueIndex};

/// The schema being assembled, with what the model cannot hold.
#[derive(Default)]
pub(crate) struct Builder {
    pub tables: BTreeMap<String, Table>,
    pub enums: BTreeMap<String, retort_core::EnumType>,
    pub warnings: Vec<String>,
    pub opaque_indexes: Vec<OpaqueIndex>,
}

impl Builder {
    pub fn table(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.get_mut(name)
    }

    pub fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    /// Sorts everything that has no meaningful order, so that the result is
    /// deterministic: constraints and indexes by name, warnings. Columns keep
    /// their position.
    pub fn finish(mut self, queries: usize) -> CatalogRead {
        for t in self.tables.values_mut() {
            sort_table(t);
        }
        self.warnings.sort();
        self.warnings.dedup();
        self.opaque_indexes.sort();
        CatalogRead {
            schema: Schema {
                tables: self.tables,
                enums: self.enums,
            },
            warnings: self.warnings,
            opaque_indexes: self.opaque_indexes,
            queries,
        }
    }
}

/// Constraints and indexes sorted by name (their order means nothing).
pub(crate) fn sort_table(t: &mut Table) {
    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
}

/// `CASCADE`, `SET NULL`, ... as the catalogs spell them; `NO ACTION`, the
/// default everywhere, is no action given (`None`).
pub(crate) fn fk_action(rule: &str) -> Option<FkAction> {
    match rule.parse::<FkAction>() {
        Ok(FkAction::NoAction) | Err(_) => None,
        Ok(a) => Some(a),
    }
}

/// Whether a unique index read on MySQL or SQLite stands for a unique
/// constraint (see the crate docs): retort names unique constraints
/// `uq_...`, and MySQL names an unnamed `UNIQUE` after its first column.
pub(crate) fn unique_index_is_constraint(
    name: &str,
    columns: &[String],
    mysql_auto_name: bool,
) -> bool {
    if name.starts_with("uq_") {
        return true;
    }
    if !mysql_auto_name {
        return false;
    }
    let Some(first) = columns.first() else {
        return false;
    };
    match name.strip_prefix(first.as_str()) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('_')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
        None => false,
    }
}

/// Adds one column of a foreign key read as one row per column.
pub(crate) fn push_fk_column(
    t: &mut Table,
    name: &str,
    column: String,
    ref_table: &str,
    ref_column: Option<String>,
    on_delete: Option<FkAction>,
    on_update: Option<FkAction>,
) {
    if let Some(fk) = t.foreign_keys.iter_mut().find(|f| f.name == name) {
        fk.columns.push(column);
        fk.ref_columns.extend(ref_column);
        return;
    }
    t.foreign_keys.push(ForeignKey {
        name: name.to_owned(),
        columns: vec![column],
        ref_table: ref_table.to_owned(),
        ref_columns: ref_column.into_iter().collect(),
        on_delete,
        on_update,
    });
}

/// A JSON array of names, bound as one parameter and unpacked by the
/// database (`JSON_CONTAINS` on MySQL, `json_each` on SQLite), so the
/// exclusion list needs no SQL text of its own.
pub(crate) fn json_array(names: &[String]) -> String {
    let mut out = String::from("[");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in n.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_index_rule() {
        let cols = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(unique_index_is_constraint(
            "uq_users_email",
            &cols(&["email"]),
            false
        ));
        assert!(!unique_index_is_constraint(
            "idx-users-email",
            &cols(&["email"]),
            true
        ));
        assert!(unique_index_is_constraint("email", &cols(&["email"]), true));
        assert!(unique_index_is_constraint(
            "email_2",
            &cols(&["email", "x"]),
            true
        ));
        assert!(!unique_index_is_constraint(
            "email",
            &cols(&["email"]),
            false
        ));
        assert!(!unique_index_is_constraint(
            "email_x",
            &cols(&["email"]),
            true
        ));
    }

    #[test]
    fn json_arrays() {
        assert_eq!(json_array(&[]), "[]");
        assert_eq!(
            json_array(&["a".into(), "b\"c\\".into()]),
            r#"["a","b\"c\\"]"#
        );
    }

    #[test]
    fn actions() {
        assert_eq!(fk_action("CASCADE"), Some(FkAction::Cascade));
        assert_eq!(fk_action("SET NULL"), Some(FkAction::SetNull));
        assert_eq!(fk_action("NO ACTION"), None);
        assert_eq!(fk_action("RESTRICT"), Some(FkAction::Restrict));
    }
}
