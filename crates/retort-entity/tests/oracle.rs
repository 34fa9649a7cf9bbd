//! The oracle: the fixture entities, compiled against sea-orm 2.0.4, must give
//! the same tables through `sea_orm::Schema` as `read_models` gives from
//! their source text, on PostgreSQL, MySQL and SQLite. Only the differences
//! listed (by id) in the crate docs are allowed.

#![allow(dead_code, unused_imports, clippy::all)]

#[path = "../../../fixtures/blog/entity/mod.rs"]
mod blog;
#[path = "../../../fixtures/store/entity/mod.rs"]
mod store;

// The workspace fixture's entity crate says `domain::...` and
// `common::...`: this test crate stands in for both crates, with their
// items re-exported at its root.
extern crate self as common;
extern crate self as domain;
#[path = "../../../fixtures/workspace/crates/common/src/lib.rs"]
mod ws_common;
#[path = "../../../fixtures/workspace/crates/domain/src/lib.rs"]
mod ws_domain;
pub use ws_common::*;
pub use ws_domain::*;
#[path = "../../../fixtures/workspace/crates/entity/src/entities/mod.rs"]
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use retort_core::{
    Column, ColumnDefault, ColumnType, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema,
    Table, Unique, Value, fk_name, unique_name,
};
use retort_entity::{ReadOptions, read_models};
use sea_orm::sea_query::{
    self, Alias, ColumnType as SeaType, Expr, ForeignKeyAction, Keyword, PostgresQueryBuilder,
    StringLen, TableRef, extension::postgres::Type,
};
use sea_orm::{ActiveEnum, DbBackend, EntityName, EntityTrait};

const BACKENDS: [DbBackend; 3] = [DbBackend::Postgres, DbBackend::MySql, DbBackend::Sqlite];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../fixtures/{name}/entity"))
}

/// The ids of the crate docs' deliberate-differences table.
fn documented_differences() -> BTreeSet<String> {
    include_str!("../src/lib.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//! | D"))
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| format!("D{n}"))
        .collect()
}

/// Turns SeaORM's statements back into a retort table, applying (and
/// recording) only the documented differences.
struct Oracle<'a> {
    backend: DbBackend,
    /// The reader's view, used only to name enums and to know which columns
    /// carry `renamed_from` (D3).
    reader: &'a Schema,
    renamed: &'a BTreeMap<(String, String), String>,
    used: BTreeSet<&'static str>,
}

fn table_name(t: &TableRef) -> String {
    match t {
        TableRef::Table(name, _) => name.1.to_string(),
        other => panic!("unexpected table ref {other:?}"),
    }
}

fn fk_action(a: ForeignKeyAction) -> FkAction {
    match a {
        ForeignKeyAction::Restrict => FkAction::Restrict,
        ForeignKeyAction::Cascade => FkAction::Cascade,
        ForeignKeyAction::SetNull => FkAction::SetNull,
        ForeignKeyAction::NoAction => FkAction::NoAction,
        ForeignKeyAction::SetDefault => FkAction::SetDefault,
        other => panic!("foreign key action {other:?} has no retort mapping"),
    }
}

impl Oracle<'_> {
    fn column_type(&mut self, t: &SeaType) -> ColumnType {
        use ColumnType as R;
        match t {
            SeaType::Char(n) => R::Char(*n),
            SeaType::String(StringLen::N(n)) => R::Varchar(Some(*n)),
            SeaType::String(StringLen::None) => R::Varchar(None),
            SeaType::String(StringLen::Max) => {
                self.used.insert("D10");
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
                self.used.insert("D9");
                R::Timestamp
            }
            SeaType::TimestampWithTimeZone => R::TimestampTz,
            SeaType::Time => R::Time,
            SeaType::Date => R::Date,
            SeaType::Year => R::Year,
            SeaType::Interval(a, b) => {
                if a.is_some() || b.is_some() {
                    self.used.insert("D10");
                }
                R::Interval
            }
            SeaType::Binary(n) => R::Binary(*n),
            SeaType::VarBinary(StringLen::N(n)) => R::VarBinary(*n),
            SeaType::VarBinary(_) => {
                self.used.insert("D4");
                R::Blob
            }
            SeaType::Boolean => R::Boolean,
            SeaType::Money(p) => {
                if p.is_some() {
                    self.used.insert("D10");
                }
                R::Money
            }
            SeaType::Json => R::Json,
            SeaType::JsonBinary => R::JsonB,
            SeaType::Uuid => R::Uuid,
            SeaType::Custom(name) => {
                let name = name.to_string();
                match self.backend {
                    // PostgreSQL: the enum type's name.
                    DbBackend::Postgres if self.reader.enums.contains_key(&name) => R::Enum(name),
                    // MySQL: `ENUM('a', 'b')`, found by its values.
                    DbBackend::MySql if name.starts_with("ENUM(") => {
                        let found: Vec<_> = self
                            .reader
                            .enums
                            .values()
                            .filter(|e| format!("ENUM('{}')", e.values.join("', '")) == name)
                            .collect();
                        assert_eq!(found.len(), 1, "MySQL enum {name} matches {found:?}");
                        R::Enum(found[0].name.clone())
                    }
                    _ => R::Custom(name),
                }
            }
            SeaType::Enum { name, variants } => {
                let name = name.to_string();
                let values: Vec<String> = variants.iter().map(|v| v.to_string()).collect();
                assert_eq!(
                    self.reader.enums.get(&name).map(|e| &e.values),
                    Some(&values),
                    "enum `{name}`"
                );
                R::Enum(name)
            }
            SeaType::Array(inner) => R::Array(Box::new(self.column_type(inner))),
            SeaType::Cidr => R::Cidr,
            SeaType::Inet => R::Inet,
            SeaType::MacAddr => R::MacAddr,
            other => panic!("type {other:?} has no retort mapping"),
        }
    }

    fn default(&self, e: &Expr) -> ColumnDefault {
        match e {
            Expr::Value(v) => ColumnDefault::Literal(match v {
                sea_query::Value::Bool(Some(b)) => Value::Bool(*b),
                sea_query::Value::TinyInt(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::SmallInt(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::Int(Some(i)) => Value::Int((*i).into()),
                sea_query::Value::BigInt(Some(i)) => Value::Int(*i),
                sea_query::Value::Float(Some(f)) => Value::Float((*f).into()),
                sea_query::Value::Double(Some(f)) => Value::Float(*f),
                sea_query::Value::String(Some(s)) => Value::String(s.clone()),
                other => panic!("default value {other:?} has no retort mapping"),
            }),
            Expr::Keyword(Keyword::CurrentTimestamp) => {
                ColumnDefault::Expr("CURRENT_TIMESTAMP".into())
            }
            Expr::Keyword(Keyword::CurrentDate) => ColumnDefault::Expr("CURRENT_DATE".into()),
            Expr::Keyword(Keyword::CurrentTime) => ColumnDefault::Expr("CURRENT_TIME".into()),
            Expr::Custom(s) => ColumnDefault::Expr(s.to_string()),
            other => panic!("default expression {other:?} has no retort mapping"),
        }
    }

    fn table<E: EntityTrait + Default>(&mut self) -> Table {
        let entity = E::default();
        let schema = sea_orm::Schema::new(self.backend);
        let stmt = schema.create_table_from_entity(entity);
        let name = entity.table_name().to_owned();
        if entity.schema_name().is_some() {
            self.used.insert("D6");
        }
        let mut t = Table::new(name.clone());
        t.comment = stmt.get_comment().cloned();
        let mut single_pk = Vec::new();
        for cd in stmt.get_columns() {
            let spec = cd.get_column_spec();
            let col_name = cd.get_column_name();
            let mut c = Column::new(
                col_name.clone(),
                self.column_type(cd.get_column_type().expect("typed column")),
            );
            c.nullable = spec.nullable != Some(false);
            c.default = spec.default.as_ref().map(|e| self.default(e));
            c.autoincrement = spec.auto_increment;
            if c.autoincrement && !c.ty.is_integer() {
                self.used.insert("D5");
                c.autoincrement = false;
            }
            c.comment = spec.comment.clone();
            if let Some(old) = self.renamed.get(&(name.clone(), col_name.clone())) {
                // D3: SeaORM appends the rename to the comment.
                let note = format!("renamed_from \"{old}\"");
                let stripped = match c.comment.as_deref() {
                    Some(s) if s == note => None,
                    Some(s) => Some(
                        s.strip_suffix(&format!("; {note}"))
                            .expect("renamed_from note")
                            .to_owned(),
                    ),
                    None => panic!("SeaORM dropped the renamed_from note"),
                };
                self.used.insert("D3");
                c.comment = stripped;
            }
            if spec.extra.is_some() {
                self.used.insert("D7");
            }
            if spec.primary_key {
                single_pk.push(col_name.clone());
            }
            if spec.unique {
                self.used.insert("D2");
                t.uniques.push(Unique {
                    name: unique_name(&name, std::slice::from_ref(&col_name)),
                    columns: vec![col_name.clone()],
                });
            }
            t.columns.push(c);
        }
        for idx in stmt.get_indexes() {
            assert!(idx.is_primary_key(), "only the primary key is inline");
            self.used.insert("D8");
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: idx.get_index_spec().get_column_names(),
            });
        }
        if !single_pk.is_empty() {
            assert!(t.primary_key.is_none());
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: single_pk,
            });
        }
        for fk in stmt.get_foreign_key_create_stmts() {
            let fk = fk.get_foreign_key();
            let columns = fk.get_columns();
            let ref_table = table_name(fk.get_ref_table().expect("referenced table"));
            let mut fk_name_ = fk.get_name().expect("named foreign key").to_owned();
            if fk_name_ == format!("fk-{name}-{}", columns.join("-")) {
                self.used.insert("D1");
                fk_name_ = fk_name(&name, &columns, &ref_table);
            }
            t.foreign_keys.push(ForeignKey {
                name: fk_name_,
                columns,
                ref_table,
                ref_columns: fk.get_ref_columns(),
                on_delete: fk.get_on_delete().map(fk_action),
                on_update: fk.get_on_update().map(fk_action),
            });
        }
        for idx in schema.create_index_from_entity(entity) {
            let spec = idx.get_index_spec();
            t.indexes.push(Index {
                name: spec.get_name().expect("named index").to_owned(),
                columns: spec.get_column_names(),
                unique: idx.is_unique_key(),
            });
        }
        t
    }

    /// PostgreSQL `CREATE TYPE` statements SeaORM makes for the entity.
    fn enums<E: EntityTrait + Default>(&self) -> Vec<String> {
        let schema = sea_orm::Schema::new(self.backend);
        schema
            .create_enum_from_entity(E::default())
            .iter()
            .map(|s| s.to_string(PostgresQueryBuilder))
            .collect()
    }
}

fn create_type(e: &EnumType) -> String {
    Type::create()
        .as_enum(Alias::new(e.name.clone()))
        .values(e.values.iter().map(|v| Alias::new(v.clone())))
        .to_string(PostgresQueryBuilder)
}

struct Check {
    schema: Schema,
    renamed: BTreeMap<(String, String), String>,
    used: BTreeSet<&'static str>,
    checked: BTreeSet<String>,
}

impl Check {
    fn new(fixture_name: &str) -> Self {
        Self::at(fixture(fixture_name))
    }

    fn at(path: PathBuf) -> Self {
        let set = read_models(&[path], &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let renamed = set
            .renamed_from
            .iter()
            .map(|r| ((r.table.clone(), r.to.clone()), r.from.clone()))
            .collect();
        Check {
            schema: set.schema,
            renamed,
            used: BTreeSet::new(),
            checked: BTreeSet::new(),
        }
    }

    fn entity<E: EntityTrait + Default>(&mut self) {
        for backend in BACKENDS {
            let mut oracle = Oracle {
                backend,
                reader: &self.schema,
                renamed: &self.renamed,
                used: BTreeSet::new(),
            };
            let expected = oracle.table::<E>();
            let got = self
                .schema
                .table(&expected.name)
                .unwrap_or_else(|| panic!("reader has no table `{}`", expected.name));
            assert_eq!(got, &expected, "table `{}` on {backend:?}", expected.name);
            if backend == DbBackend::Postgres {
                let mut seaorm = oracle.enums::<E>();
                let mut ours: Vec<String> = got
                    .columns
                    .iter()
                    .filter_map(|c| c.ty.enum_name())
                    .map(|n| create_type(&self.schema.enums[n]))
                    .collect();
                seaorm.sort();
                ours.sort();
                assert_eq!(ours, seaorm, "enum types of `{}`", expected.name);
            }
            self.used.extend(oracle.used);
            self.checked.insert(expected.name);
        }
    }

    fn active_enum<A: ActiveEnum>(&self) {
        let stmt = sea_orm::Schema::new(DbBackend::Postgres)
            .create_enum_from_active_enum::<A>()
            .expect("a database enum");
        let sql = stmt.to_string(PostgresQueryBuilder);
        assert!(
            self.schema.enums.values().any(|e| create_type(e) == sql),
            "no enum in the reader gives {sql}"
        );
    }

    /// Every table was compared, and only documented differences were used.
    fn finish(self) -> BTreeSet<&'static str> {
        let tables: BTreeSet<String> = self.schema.tables.keys().cloned().collect();
        assert_eq!(tables, self.checked, "tables read vs tables checked");
        let documented = documented_differences();
        for d in &self.used {
            assert!(documented.contains(*d), "difference {d} is not documented");
        }
        self.used
    }
}

#[test]
fn blog_agrees_with_seaorm() {
    let mut c = Check::new("blog");
    c.entity::<blog::users::Entity>();
    c.entity::<blog::posts::Entity>();
    c.entity::<blog::tags::Entity>();
    c.entity::<blog::post_tag::Entity>();
    c.entity::<blog::media::Entity>();
    assert!(c.schema.enums.is_empty(), "the blog runs on SQLite");
    let used = c.finish();
    assert_eq!(used, BTreeSet::from(["D1", "D2", "D8"]));
}

#[test]
fn store_agrees_with_seaorm() {
    let mut c = Check::new("store");
    c.entity::<store::customers::Entity>();
    c.entity::<store::categories::Entity>();
    c.entity::<store::products::Entity>();
    c.entity::<store::orders::Entity>();
    c.entity::<store::order_items::Entity>();
    c.entity::<store::shipments::Entity>();
    c.active_enum::<store::sea_orm_active_enums::OrderStatus>();
    c.active_enum::<store::sea_orm_active_enums::Carrier>();
    assert_eq!(
        c.schema.enums.keys().collect::<Vec<_>>(),
        ["carrier", "order_status"]
    );
    let used = c.finish();
    assert_eq!(used, BTreeSet::from(["D1", "D2", "D3", "D4", "D8"]));
}

/// Types from other crates of a Cargo workspace, read with only the entity
/// crate's folder given and no `[models.types]`.
#[test]
fn workspace_types_agree_with_seaorm() {
    let entity = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/workspace/crates/entity/src");
    let mut c = Check::at(entity);
    c.entity::<workspace::customers::Entity>();
    c.entity::<workspace::orders::Entity>();
    c.entity::<workspace::order_lines::Entity>();
    c.active_enum::<domain::OrderStatus>();
    assert_eq!(c.schema.enums.keys().collect::<Vec<_>>(), ["order_status"]);
    let used = c.finish();
    assert_eq!(used, BTreeSet::from(["D1"]));
}

#[test]
fn documented_table_lists_d1_to_d12() {
    let ids = documented_differences();
    let expect: BTreeSet<String> = (1..=12).map(|n| format!("D{n}")).collect();
    assert_eq!(ids, expect);
}
