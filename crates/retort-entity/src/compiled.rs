//! The models' schema from compiled SeaORM entities (feature `sea-orm`).
//!
//! [`CompiledModels`] asks SeaORM itself what each entity is:
//! `sea_orm::Schema::create_table_from_entity`, `create_index_from_entity`
//! and the entity's column definitions (active enums), and turns those
//! statements into a [`retort_core::Table`]. It applies the same deliberate
//! differences as the source reader (the crate docs' table, D1 to D12), so an
//! application's test compares what the program really uses with its
//! revision chain, and gets the same schema `retort check` reads from the
//! sources. The oracle test (`tests/oracle.rs`) checks that both paths agree
//! on every fixture, on PostgreSQL, MySQL and SQLite.
//!
//! ```ignore
//! let models = retort_entity::CompiledModels::new(retort_core::Dialect::Postgres)
//!     .entity::<user::Entity>()
//!     .entity::<post::Entity>()
//!     .finish()?;
//! ```

use std::collections::BTreeSet;
use std::fmt;

use retort_core::{
    Column, ColumnDefault, ColumnType, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey,
    Schema, Table, Unique, Value, fk_name, unique_name,
};
use sea_orm::sea_query::{
    self, ColumnType as SeaType, Expr, ForeignKeyAction, Keyword, StringLen, TableRef,
};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, Iterable};

use crate::RenamedColumn;

/// Builds the models' schema from compiled entities; see the module docs.
#[derive(Debug, Clone)]
pub struct CompiledModels {
    backend: DbBackend,
    models: Compiled,
    errors: Vec<CompiledError>,
}

/// The schema the compiled entities describe, with what the conversion
/// noticed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compiled {
    pub schema: Schema,
    /// `#[sea_orm(renamed_from = "...")]` hints, for rename detection.
    pub renamed_from: Vec<RenamedColumn>,
    /// What SeaORM would build and retort leaves out (D5, D6, D7), naming
    /// the entity.
    pub warnings: Vec<String>,
    /// The ids (`D1`..`D12` of the crate docs) of the deliberate differences
    /// the conversion applied.
    pub differences: BTreeSet<&'static str>,
}

/// Something of an entity retort's schema model cannot represent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledError {
    /// The entity's Rust type, as `std::any::type_name` gives it.
    pub entity: String,
    pub table: String,
    /// The column, when the problem is one column's.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for CompiledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(
                f,
                "entity `{}` (table `{}`), column `{c}`: {}",
                self.entity, self.table, self.message
            ),
            None => write!(
                f,
                "entity `{}` (table `{}`): {}",
                self.entity, self.table, self.message
            ),
        }
    }
}

impl std::error::Error for CompiledError {}

/// Every problem of the entities given, in one error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledErrors(pub Vec<CompiledError>);

impl fmt::Display for CompiledErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in the compiled entities:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        write!(
            f,
            "hint: give the column a type retort knows (`#[sea_orm(column_type = \"...\")]`), or leave the entity out"
        )
    }
}

impl std::error::Error for CompiledErrors {}

fn backend(dialect: Dialect) -> DbBackend {
    match dialect {
        Dialect::Postgres => DbBackend::Postgres,
        Dialect::Mysql => DbBackend::MySql,
        Dialect::Sqlite => DbBackend::Sqlite,
    }
}

impl CompiledModels {
    /// SeaORM builds its statements for `dialect` (only active enums and
    /// index targets depend on it); the schema comes out in retort's
    /// portable vocabulary either way.
    pub fn new(dialect: Dialect) -> Self {
        CompiledModels {
            backend: backend(dialect),
            models: Compiled::default(),
            errors: Vec::new(),
        }
    }

    /// Adds the table of entity `E`, its indexes, foreign keys and the
    /// enum types of its active-enum columns.
    pub fn entity<E: EntityTrait + Default>(mut self) -> Self {
        self.add::<E>();
        self
    }

    /// [`CompiledModels::entity`] on a borrowed builder, for loops and
    /// macros.
    pub fn add<E: EntityTrait + Default>(&mut self) -> &mut Self {
        let mut cx = Entity {
            entity: std::any::type_name::<E>().to_owned(),
            table: E::default().table_name().to_owned(),
            column: None,
            models: &mut self.models,
            errors: &mut self.errors,
        };
        if cx.models.schema.tables.contains_key(&cx.table) {
            cx.error("two entities have this table name; give each entity once".to_owned());
            return self;
        }
        if let Some(t) = cx.table_of::<E>(self.backend) {
            self.models.schema.tables.insert(t.name.clone(), t);
        }
        self
    }

    /// The schema of the entities added, or every problem found in them.
    pub fn finish(self) -> Result<Compiled, CompiledErrors> {
        if self.errors.is_empty() {
            Ok(self.models)
        } else {
            Err(CompiledErrors(self.errors))
        }
    }
}

/// One entity being converted.
struct Entity<'a> {
    entity: String,
    table: String,
    column: Option<String>,
    models: &'a mut Compiled,
    errors: &'a mut Vec<CompiledError>,
}

fn table_name(t: &TableRef) -> Option<String> {
    match t {
        TableRef::Table(name, _) => Some(name.1.to_string()),
        _ => None,
    }
}

fn fk_action(a: ForeignKeyAction) -> Option<FkAction> {
    Some(match a {
        ForeignKeyAction::Restrict => FkAction::Restrict,
        ForeignKeyAction::Cascade => FkAction::Cascade,
        ForeignKeyAction::SetNull => FkAction::SetNull,
        ForeignKeyAction::NoAction => FkAction::NoAction,
        ForeignKeyAction::SetDefault => FkAction::SetDefault,
        _ => return None,
    })
}

impl Entity<'_> {
    fn error(&mut self, message: String) {
        self.errors.push(CompiledError {
            entity: self.entity.clone(),
            table: self.table.clone(),
            column: self.column.clone(),
            message,
        });
    }

    fn used(&mut self, id: &'static str) {
        self.models.differences.insert(id);
    }

    fn warn(&mut self, message: String) {
        let at = match &self.column {
            Some(c) => format!("{}.{c}", self.table),
            None => self.table.clone(),
        };
        self.models
            .warnings
            .push(format!("entity `{}` (`{at}`): {message}", self.entity));
    }

    fn column_type(&mut self, t: &SeaType) -> Option<ColumnType> {
        use ColumnType as R;
        Some(match t {
            SeaType::Char(n) => R::Char(*n),
            SeaType::String(StringLen::N(n)) => R::Varchar(Some(*n)),
            SeaType::String(StringLen::None) => R::Varchar(None),
            SeaType::String(StringLen::Max) => {
                self.used("D10");
                R::Varchar(None)
            }
            SeaType::Text => R::Text,
            SeaType::Blob => R::Blob,
            SeaType::TinyInteger => R::TinyInteger,
            SeaType::SmallInteger => R::SmallInteger,
            SeaType::Integer => R::Integer,
            SeaType::BigInteger => R::BigInteger,
            SeaType::TinyUnsigned => R::TinyUnsigned,
            SeaType::SmallUnsigned => R::SmallUnsigned,
            SeaType::Unsigned => R::Unsigned,
            SeaType::BigUnsigned => R::BigUnsigned,
            SeaType::Float => R::Real,
            SeaType::Double => R::Double,
            SeaType::Decimal(p) => R::Decimal(*p),
            SeaType::DateTime => R::Timestamp,
            SeaType::Timestamp => {
                self.used("D9");
                R::Timestamp
            }
            SeaType::TimestampWithTimeZone => R::TimestampTz,
            SeaType::Time => R::Time,
            SeaType::Date => R::Date,
            SeaType::Year => R::Year,
            SeaType::Interval(a, b) => {
                if a.is_some() || b.is_some() {
                    self.used("D10");
                }
                R::Interval
            }
            SeaType::Binary(n) => R::Binary(*n),
            SeaType::VarBinary(StringLen::N(n)) => R::VarBinary(*n),
            SeaType::VarBinary(_) => {
                self.used("D4");
                R::Blob
            }
            SeaType::Boolean => R::Boolean,
            SeaType::Money(p) => {
                if p.is_some() {
                    self.used("D10");
                }
                R::Money
            }
            SeaType::Json => R::Json,
            SeaType::JsonBinary => R::JsonB,
            SeaType::Uuid => R::Uuid,
            SeaType::Custom(name) => R::Custom(name.to_string()),
            // The entity's own column type: PostgreSQL statements carry
            // only the type's name and MySQL's an `ENUM(...)` text, so the
            // enum is taken from the column definition, on every backend.
            SeaType::Enum { name, variants } => {
                let name = name.to_string();
                let values: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
                let enums = &mut self.models.schema.enums;
                match enums.get(&name) {
                    Some(e) if e.values != values => {
                        let known = e.values.join(", ");
                        self.error(format!(
                            "enum `{name}` has the values {} here and {known} in another entity",
                            values.join(", ")
                        ));
                        return None;
                    }
                    Some(_) => {}
                    None => {
                        enums.insert(
                            name.clone(),
                            EnumType {
                                name: name.clone(),
                                values,
                            },
                        );
                    }
                }
                R::Enum(name)
            }
            SeaType::Array(inner) => R::Array(Box::new(self.column_type(inner)?)),
            SeaType::Cidr => R::Cidr,
            SeaType::Inet => R::Inet,
            SeaType::MacAddr => R::MacAddr,
            other => {
                self.error(format!("SeaORM's column type {other:?} has no retort type"));
                return None;
            }
        })
    }

    fn default(&mut self, e: &Expr) -> Option<ColumnDefault> {
        Some(match e {
            Expr::Value(v) => ColumnDefault::Literal(match v {
                sea_query::Value::Bool(Some(b)) => Value::Bool(*b),
                sea_query::Value::TinyInt(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::SmallInt(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::Int(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::BigInt(Some(i)) => Value::Int(*i),
                sea_query::Value::TinyUnsigned(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::SmallUnsigned(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::Unsigned(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::Float(Some(f)) => Value::Float((*f).into()),
                sea_query::Value::Double(Some(f)) => Value::Float(*f),
                sea_query::Value::String(Some(s)) => Value::String(s.clone()),
                other => {
                    self.error(format!(
                        "the default value {other:?} has no retort form; use `default_expr`"
                    ));
                    return None;
                }
            }),
            Expr::Keyword(Keyword::CurrentTimestamp) => {
                ColumnDefault::Expr("CURRENT_TIMESTAMP".into())
            }
            Expr::Keyword(Keyword::CurrentDate) => ColumnDefault::Expr("CURRENT_DATE".into()),
            Expr::Keyword(Keyword::CurrentTime) => ColumnDefault::Expr("CURRENT_TIME".into()),
            Expr::Custom(s) => ColumnDefault::Expr(s.to_string()),
            other => {
                self.error(format!(
                    "the default expression {other:?} has no retort form; use `default_expr = \"...\"`"
                ));
                return None;
            }
        })
    }

    /// The column comment without SeaORM's `renamed_from "old"` note (D3),
    /// and the old name. The note is taken as one only when the entity's
    /// column definition really says `renamed_from` that name.
    fn split_rename<C: ColumnTrait>(
        &mut self,
        column: C,
        comment: Option<String>,
    ) -> (Option<String>, Option<String>) {
        let Some(text) = comment else {
            return (None, None);
        };
        let (kept, note) = match text.rfind("renamed_from \"") {
            Some(0) => (None, &text[..]),
            Some(i) if text[..i].ends_with("; ") => (Some(text[..i - 2].to_owned()), &text[i..]),
            _ => return (Some(text), None),
        };
        let Some(old) = note
            .strip_prefix("renamed_from \"")
            .and_then(|s| s.strip_suffix('"'))
        else {
            return (Some(text), None);
        };
        let def = column.def();
        if def.clone().renamed_from(old) != def {
            return (Some(text), None);
        }
        self.used("D3");
        (kept, Some(old.to_owned()))
    }

    fn table_of<E: EntityTrait + Default>(&mut self, backend: DbBackend) -> Option<Table> {
        let entity = E::default();
        let schema = sea_orm::Schema::new(backend);
        let stmt = schema.create_table_from_entity(entity);
        let name = self.table.clone();
        if let Some(s) = entity.schema_name() {
            self.used("D6");
            self.warn(format!(
                "`schema_name = \"{s}\"` is left out: retort compares the bare table name"
            ));
        }
        let mut t = Table::new(name.clone());
        t.comment = stmt.get_comment().cloned();
        let mut single_pk = Vec::new();
        let mut ok = true;
        let columns: Vec<E::Column> = E::Column::iter().collect();
        for (cd, column) in stmt.get_columns().iter().zip(columns) {
            let spec = cd.get_column_spec();
            let col_name = cd.get_column_name();
            self.column = Some(col_name.clone());
            // The entity's own type: the statement's spells enums per backend.
            let def = column.def();
            let ty = match def.get_column_type() {
                t @ SeaType::Enum { .. } => self.column_type(t),
                _ => match cd.get_column_type() {
                    Some(t) => self.column_type(t),
                    None => {
                        self.error("SeaORM gives the column no type".to_owned());
                        None
                    }
                },
            };
            let default = spec.default.as_ref().and_then(|e| self.default(e));
            let (Some(ty), true) = (ty, spec.default.is_none() || default.is_some()) else {
                ok = false;
                continue;
            };
            let mut c = Column::new(col_name.clone(), ty);
            c.nullable = spec.nullable != Some(false);
            c.default = default;
            c.autoincrement = spec.auto_increment;
            if c.autoincrement && !c.ty.is_integer() {
                self.used("D5");
                self.warn(format!(
                    "auto-increment on a `{}` key is left out (add `auto_increment = false`)",
                    c.ty
                ));
                c.autoincrement = false;
            }
            let (comment, renamed) = self.split_rename(column, spec.comment.clone());
            c.comment = comment;
            if let Some(from) = renamed {
                self.models.renamed_from.push(RenamedColumn {
                    table: name.clone(),
                    from,
                    to: col_name.clone(),
                });
            }
            if let Some(extra) = &spec.extra {
                self.used("D7");
                self.warn(format!("`extra = \"{extra}\"` is left out"));
            }
            if spec.primary_key {
                single_pk.push(col_name.clone());
            }
            if spec.unique {
                self.used("D2");
                t.uniques.push(Unique {
                    name: unique_name(&name, std::slice::from_ref(&col_name)),
                    columns: vec![col_name.clone()],
                });
            }
            t.columns.push(c);
        }
        self.column = None;
        for idx in stmt.get_indexes() {
            if !idx.is_primary_key() {
                self.error("SeaORM made an inline index that is not the primary key".to_owned());
                ok = false;
                continue;
            }
            self.used("D8");
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: idx.get_index_spec().get_column_names(),
            });
        }
        if !single_pk.is_empty() {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: single_pk,
            });
        }
        for fk in stmt.get_foreign_key_create_stmts() {
            let fk = fk.get_foreign_key();
            let columns = fk.get_columns();
            let Some(ref_table) = fk.get_ref_table().and_then(table_name) else {
                self.error(format!(
                    "the foreign key on {} names no table retort can read",
                    columns.join(", ")
                ));
                ok = false;
                continue;
            };
            let default_name = format!("fk-{name}-{}", columns.join("-"));
            let fk_name_ = match fk.get_name() {
                Some(n) if n != default_name => n.to_owned(),
                _ => {
                    self.used("D1");
                    fk_name(&name, &columns, &ref_table)
                }
            };
            let action = |a: Option<ForeignKeyAction>| a.map(fk_action);
            let (Some(on_delete), Some(on_update)) = (
                action(fk.get_on_delete()).map_or(Some(None), |a| a.map(Some)),
                action(fk.get_on_update()).map_or(Some(None), |a| a.map(Some)),
            ) else {
                self.error(format!(
                    "the foreign key `{fk_name_}` has an action retort has no name for"
                ));
                ok = false;
                continue;
            };
            t.foreign_keys.push(ForeignKey {
                name: fk_name_,
                columns,
                ref_table,
                ref_columns: fk.get_ref_columns(),
                on_delete,
                on_update,
            });
        }
        for idx in schema.create_index_from_entity(entity) {
            let spec = idx.get_index_spec();
            t.indexes.push(Index {
                name: spec.get_name().unwrap_or_default().to_owned(),
                columns: spec.get_column_names(),
                unique: idx.is_unique_key(),
            });
        }
        ok.then_some(t)
    }
}
