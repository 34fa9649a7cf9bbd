//! What a dialect gives back for a model: the comparison helper.

use retort_core::{ColumnDefault, Dialect, Schema};

/// Maps `schema` to what reading it back from `dialect` gives, for the
/// things that dialect cannot store or tell apart. Applying it to both sides
/// makes a model and a catalog read comparable with `==`.
///
/// Every dialect:
/// * a primary key's name is dropped (informational, never compared);
/// * constraints and indexes are sorted by name (their order means nothing);
/// * `NO ACTION`, the default, is no action given;
/// * literal defaults are canonical: `0`/`1` on a boolean column is a
///   boolean, a number with no fractional part is an integer; an
///   auto-increment column has no default.
///
/// MySQL/MariaDB:
/// * `RESTRICT` is no action given (InnoDB does not tell them apart);
/// * unique constraints and unique indexes follow the crate's rule: a
///   unique index named `uq_...` is a unique constraint, a unique
///   constraint with another name is a unique index (MySQL has only indexes);
/// * enum types have no name: each enum column gets an enum type named
///   `<table>_<column>` with the values.
///
/// SQLite:
/// * no comments;
/// * no enum types.
pub fn normalize_for(dialect: Dialect, schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for t in s.tables.values_mut() {
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
        for c in &mut t.columns {
            if c.autoincrement {
                c.default = None;
            }
            if let Some(ColumnDefault::Literal(v)) = &c.default {
                c.default = Some(crate::defaults::typed(v.clone(), &c.ty));
            }
        }
        for fk in &mut t.foreign_keys {
            for action in [&mut fk.on_delete, &mut fk.on_update] {
                let none = match dialect {
                    Dialect::Mysql => matches!(
                        action,
                        Some(retort_core::FkAction::NoAction | retort_core::FkAction::Restrict)
                    ),
                    _ => matches!(action, Some(retort_core::FkAction::NoAction)),
                };
                if none {
                    *action = None;
                }
            }
        }
        match dialect {
            Dialect::Postgres => {}
            Dialect::Mysql => mysql_uniques(t),
            Dialect::Sqlite => {
                t.comment = None;
                for c in &mut t.columns {
                    c.comment = None;
                }
            }
        }
    }
    if dialect == Dialect::Mysql {
        mysql_enums(&mut s);
    }
    if dialect == Dialect::Sqlite {
        s.enums.clear();
    }
    for t in s.tables.values_mut() {
        crate::build::sort_table(t);
    }
    s
}

fn mysql_uniques(t: &mut retort_core::Table) {
    use crate::build::unique_index_is_constraint as is_constraint;
    let (keep, to_index): (Vec<_>, Vec<_>) = std::mem::take(&mut t.uniques)
        .into_iter()
        .partition(|u| is_constraint(&u.name, &u.columns, true));
    t.uniques = keep;
    let (to_unique, indexes): (Vec<_>, Vec<_>) = std::mem::take(&mut t.indexes)
        .into_iter()
        .partition(|i| i.unique && is_constraint(&i.name, &i.columns, true));
    t.indexes = indexes;
    t.indexes.extend(to_index.into_iter().map(|u| retort_core::Index {
        name: u.name,
        columns: u.columns,
        unique: true,
    }));
    t.uniques.extend(to_unique.into_iter().map(|i| retort_core::Unique {
        name: i.name,
        columns: i.columns,
    }));
}

/// MySQL enums live in the column: one type per column, named
/// `<table>_<column>`.
fn mysql_enums(s: &mut Schema) {
    let old = std::mem::take(&mut s.enums);
    for t in s.tables.values_mut() {
        for c in &mut t.columns {
            if let retort_core::ColumnType::Enum(name) = &c.ty {
                let values = old.get(name).map(|e| e.values.clone()).unwrap_or_default();
                let new_name = format!("{}_{}", t.name, c.name);
                s.enums.insert(
                    new_name.clone(),
                    retort_core::EnumType { name: new_name.clone(), values },
                );
                c.ty = retort_core::ColumnType::Enum(new_name);
            }
        }
    }
}
