//! What a dialect gives back for a model: the comparison helper.

use retort_core::{ColumnDefault, ColumnType, Dialect, Schema};

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
/// Types, as `retort_sql` writes them and the catalog reads them back:
/// * PostgreSQL has no `tinyint` and no unsigned types: `tinyint`,
///   `tinyint unsigned` are `smallint`, `smallint unsigned` is `integer`,
///   `integer unsigned` and `bigint unsigned` are `bigint`; `binary(N)` and
///   `varbinary(N)` are `bytea` (`blob`); `char` is `char(1)`.
/// * MySQL: `varchar` is `varchar(255)`, `char` is `char(1)`, `decimal` and
///   `money` are `decimal(10,0)`, `jsonb` is `json`, `uuid` is `binary(16)`.
/// * SQLite: `bigint`, `integer unsigned` and `bigint unsigned` are
///   `integer` (sea-query's spelling), `tinyint unsigned` and
///   `smallint unsigned` lose `unsigned`; an enum is `text`.
///
/// `custom(...)` types, in the server's spelling:
/// * PostgreSQL: lowercased outside quotes (`BIT(8)` is `bit(8)`), and a
///   portable type when the name is one (`TEXT` is `text`);
/// * MySQL: lowercased outside quoted values, no integer display width,
///   `bit` is `bit(1)`, a portable type when the name is one (`INT
///   UNSIGNED` is `integer unsigned`, `YEAR` is `year`).
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
/// * no enum types (enum columns are text).
pub fn normalize_for(dialect: Dialect, schema: &Schema) -> Schema {
    normalize(Some(dialect), schema)
}

/// The rules of [`normalize_for`] that hold on every dialect, and none of
/// its type mappings: how two schemas compare in the portable vocabulary of
/// revision files (a revision that says `bigint` differs from one that says
/// `integer`, even where SQLite stores both alike).
pub fn normalize_portable(schema: &Schema) -> Schema {
    normalize(None, schema)
}

fn normalize(dialect: Option<Dialect>, schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for t in s.tables.values_mut() {
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
        for c in &mut t.columns {
            if let Some(d) = dialect {
                c.ty = stored_type(d, &c.ty);
            }
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
                    Some(Dialect::Mysql) => matches!(
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
            None | Some(Dialect::Postgres) => {}
            Some(Dialect::Mysql) => mysql_uniques(t),
            Some(Dialect::Sqlite) => {
                t.comment = None;
                for c in &mut t.columns {
                    c.comment = None;
                }
            }
        }
    }
    if dialect == Some(Dialect::Mysql) {
        mysql_enums(&mut s);
    }
    if dialect == Some(Dialect::Sqlite) {
        s.enums.clear();
    }
    for t in s.tables.values_mut() {
        crate::build::sort_table(t);
    }
    s
}

/// The type `dialect` stores for `ty` (see [`normalize_for`]).
fn stored_type(dialect: Dialect, ty: &ColumnType) -> ColumnType {
    use ColumnType as T;
    match (dialect, ty) {
        (_, T::Array(inner)) => T::Array(Box::new(stored_type(dialect, inner))),
        (Dialect::Postgres, T::TinyInteger | T::TinyUnsigned) => T::SmallInteger,
        (Dialect::Postgres, T::SmallUnsigned) => T::Integer,
        (Dialect::Postgres, T::Unsigned | T::BigUnsigned) => T::BigInteger,
        (Dialect::Postgres, T::Binary(_) | T::VarBinary(_)) => T::Blob,
        (Dialect::Postgres | Dialect::Mysql, T::Char(None)) => T::Char(Some(1)),
        (Dialect::Mysql, T::Varchar(None)) => T::Varchar(Some(255)),
        (Dialect::Mysql, T::Decimal(None) | T::Money) => T::Decimal(Some((10, 0))),
        (Dialect::Mysql, T::JsonB) => T::Json,
        (Dialect::Mysql, T::Uuid) => T::Binary(16),
        (Dialect::Sqlite, T::BigInteger | T::Unsigned | T::BigUnsigned) => T::Integer,
        (Dialect::Sqlite, T::TinyUnsigned) => T::TinyInteger,
        (Dialect::Sqlite, T::SmallUnsigned) => T::SmallInteger,
        (Dialect::Sqlite, T::Enum(_)) => T::Text,
        (Dialect::Postgres, T::Custom(sql)) => crate::types::postgres_custom(sql),
        (Dialect::Mysql, T::Custom(sql)) => crate::types::mysql(sql),
        (_, t) => t.clone(),
    }
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
    t.indexes
        .extend(to_index.into_iter().map(|u| retort_core::Index {
            name: u.name,
            columns: u.columns,
            unique: true,
        }));
    t.uniques
        .extend(to_unique.into_iter().map(|i| retort_core::Unique {
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
                    retort_core::EnumType {
                        name: new_name.clone(),
                        values,
                    },
                );
                c.ty = retort_core::ColumnType::Enum(new_name);
            }
        }
    }
}
