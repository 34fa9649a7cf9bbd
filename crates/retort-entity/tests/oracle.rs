//! The oracle: the fixture entities, compiled against sea-orm 2.0.4, must give
//! the same tables through `sea_orm::Schema` (converted by the library's
//! compiled-models path, `retort_entity::CompiledModels`) as `read_models`
//! gives from their source text, on PostgreSQL, MySQL and SQLite. Only the
//! differences listed (by id) in the crate docs are allowed.

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

use std::collections::BTreeSet;
use std::path::PathBuf;

use retort_core::{Dialect, EnumType, Schema};
use retort_entity::{CompiledModels, ReadOptions, RenamedColumn, read_models};
use sea_orm::sea_query::{Alias, PostgresQueryBuilder, extension::postgres::Type};
use sea_orm::{ActiveEnum, DbBackend, EntityTrait};

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

fn create_type(e: &EnumType) -> String {
    Type::create()
        .as_enum(Alias::new(e.name.clone()))
        .values(e.values.iter().map(|v| Alias::new(v.clone())))
        .to_string(PostgresQueryBuilder)
}

fn sorted(mut v: Vec<RenamedColumn>) -> Vec<RenamedColumn> {
    v.sort_by(|a, b| (&a.table, &a.to).cmp(&(&b.table, &b.to)));
    v
}

/// The reader's schema of a fixture, and the same entities compiled and
/// converted by the library's compiled-models path
/// (`retort_entity::CompiledModels`, which turns SeaORM's statements into
/// retort tables, applying only the documented differences), once per
/// backend.
struct Check {
    schema: Schema,
    renamed: Vec<RenamedColumn>,
    compiled: Vec<(Dialect, CompiledModels)>,
    /// The PostgreSQL `CREATE TYPE` statements SeaORM makes for the entities.
    seaorm_types: Vec<String>,
}

impl Check {
    fn new(fixture_name: &str) -> Self {
        Self::at(fixture(fixture_name))
    }

    fn at(path: PathBuf) -> Self {
        let set = read_models(&[path], &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        Check {
            schema: set.schema,
            renamed: sorted(set.renamed_from),
            compiled: Dialect::ALL
                .iter()
                .map(|&d| (d, CompiledModels::new(d)))
                .collect(),
            seaorm_types: Vec::new(),
        }
    }

    fn entity<E: EntityTrait + Default>(&mut self) {
        for (_, models) in &mut self.compiled {
            models.add::<E>();
        }
        let schema = sea_orm::Schema::new(DbBackend::Postgres);
        self.seaorm_types.extend(
            schema
                .create_enum_from_entity(E::default())
                .iter()
                .map(|s| s.to_string(PostgresQueryBuilder)),
        );
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

    /// On each backend, the compiled entities give the reader's schema
    /// (every table, column, key, index and enum) and its rename hints, and
    /// the library applied only documented differences; the enum types are
    /// the ones SeaORM creates. Returns the differences used.
    fn finish(self) -> BTreeSet<&'static str> {
        let documented = documented_differences();
        let mut used = BTreeSet::new();
        for (dialect, models) in self.compiled {
            let got = models.finish().unwrap_or_else(|e| panic!("{e}"));
            let tables: BTreeSet<&String> = got.schema.tables.keys().collect();
            let read: BTreeSet<&String> = self.schema.tables.keys().collect();
            assert_eq!(
                tables, read,
                "tables read vs tables compiled on {dialect:?}"
            );
            for (name, t) in &self.schema.tables {
                assert_eq!(&got.schema.tables[name], t, "table `{name}` on {dialect:?}");
            }
            assert_eq!(got.schema, self.schema, "on {dialect:?}");
            assert_eq!(
                sorted(got.renamed_from),
                self.renamed,
                "renames on {dialect:?}"
            );
            for d in &got.differences {
                assert!(documented.contains(*d), "difference {d} is not documented");
            }
            used.extend(got.differences);
        }
        let mut ours: Vec<String> = self.schema.enums.values().map(create_type).collect();
        let mut seaorm = self.seaorm_types;
        seaorm.sort();
        seaorm.dedup();
        ours.sort();
        assert_eq!(ours, seaorm, "enum types");
        used
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
