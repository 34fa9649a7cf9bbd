//! Reads SeaORM entity sources into retort's schema model, without compiling
//! them and without a database.
//!
//! [`read_models`] walks the `[models] paths` of alembic.toml, parses every
//! `.rs` file with `syn`, and builds a [`retort_core::Schema`] that agrees
//! with what SeaORM's own `Schema::create_table_from_entity`,
//! `create_index_from_entity` and `create_enum_from_active_enum` build for the
//! same entities (a test compiles the fixtures against sea-orm and compares,
//! table by table, on PostgreSQL, MySQL and SQLite).
//!
//! # What is read
//!
//! * Every entity form in real use: the compact `DeriveEntityModel` struct
//!   with a `Relation` enum (what `sea-orm-cli generate entity` writes);
//!   SeaORM 2.0's dense `#[sea_orm::model]` with `BelongsTo`/`HasOne`/
//!   `HasMany` relation fields; `#[sea_orm::compact_model]`; and the expanded
//!   form (`impl EntityName`, `Column` enum, `ColumnTrait::def`,
//!   `PrimaryKey`/`PrimaryKeyTrait`, `RelationTrait`). Inline `mod`s count.
//! * Table attributes `table_name`, `schema_name`, `comment`, `rename_all`;
//!   field attributes `primary_key`, `auto_increment`, `unique`,
//!   `unique_key`, `indexed`, `nullable`, `column_type`, `column_name`,
//!   `enum_name`, `default_value`, `default_expr`, `comment`, `ignore`,
//!   `renamed_from`, `extra`; `Option<T>` for nullability.
//! * Relations: `belongs_to` with `from`/`to` (single or composite columns,
//!   `Column::UserId` or dense `user_id` spellings), `on_delete`,
//!   `on_update`, `fk_name`, `skip_fk`, self references (`Entity`,
//!   `self_ref`). `has_one`/`has_many` make no foreign key, as in SeaORM.
//! * Types as SeaORM's `ValueType::column_type()` maps them: primitives,
//!   `String`, the prelude aliases (`DateTimeWithTimeZone`, `DateTimeUtc`,
//!   `Json`, `Decimal`, `Uuid`, `Date`, ...), chrono/time/uuid/rust_decimal/
//!   serde_json paths, `Vec<u8>`, `Vec<T>` as a PostgreSQL array,
//!   `DeriveActiveEnum` enums (`db_type = "Enum"` with `enum_name`,
//!   `string_value`, `rename`, `rename_all`; string- and integer-backed with
//!   `string_value`/`num_value`), `DeriveValueType` newtypes and string-like
//!   enums, `FromJsonQueryResult` types (`json`), hand-written `impl
//!   ValueType` with a literal `ColumnType`, `uuid::fmt::{Braced,
//!   Hyphenated, Simple, Urn}`, and `[models.types]` overrides
//!   ([`ReadOptions::types`]), which win over everything else.
//!
//! # Types across the Cargo workspace
//!
//! A type the scanned sources do not define is followed from the entity
//! file: its `use` items (renames, groups, globs), then the enclosing
//! crate's module tree (`mod` files, inline modules, `#[path]`, `pub use`
//! re-exports, type aliases), `crate::`/`super::`/`self::`, and the crates
//! its `Cargo.toml` names as path or workspace-path dependencies (or the
//! workspace members), to the item that defines it. Only the manifests and
//! files on that way are read, each once, and only when a type is missing
//! (`workspace.rs`). Registry crates stay unread, except the value types
//! SeaORM maps itself (chrono, uuid, rust_decimal, ...).
//!
//! Naming: an unnamed `unique` column becomes a unique constraint named by
//! [`retort_core::unique_name`]; `indexed` columns get SeaORM's index name
//! `idx-<table>-<column>`, and each `unique_key` group a unique index
//! `idx-<table>-<key>`; foreign keys are named by [`retort_core::fk_name`]
//! unless `fk_name` is given.
//!
//! Files that hold no entity (`mod.rs`, `prelude.rs`, helpers) are skipped
//! quietly, and so is an entity whose `table_name` is computed (with a
//! warning naming it). Fields whose SQL type cannot be known are one
//! [`EntityError::UnknownTypes`] listing every one (file, line, field, Rust
//! type, where the reader looked) and ending with a `[models.types]` block
//! of guesses to paste. A key SeaORM does not read in `#[sea_orm(...)]`
//! (SeaORM 2.0 drops most of them silently) is
//! [`EntityError::InvalidAttribute`] naming the nearest known key; a Rust
//! syntax error is [`EntityError::Syntax`] with file and line.
//!
//! # Compiled entities (feature `sea-orm`)
//!
//! `CompiledModels` gives the same schema from the compiled entities
//! rather than their sources: it asks SeaORM's own schema builder for each
//! entity's statements and turns them into retort tables, applying the
//! differences below (and recording, in `Compiled::differences`, which).
//! An application's test compares what its program really uses
//! (`retort::testing::assert_models_match!`). It needs only sea-orm's
//! schema builder: no driver, no derive macros.
//!
//! # Deliberate differences from SeaORM's schema builder
//!
//! Both paths make exactly these, by their ids; the oracle test
//! (`tests/oracle.rs`) compiles the fixtures and checks, on each backend,
//! that `CompiledModels` gives the reader's schema using no other.
//!
//! | id | where | SeaORM builds | retort reads |
//! |---|---|---|---|
//! | D1 | foreign key without `fk_name` | `fk-<table>-<cols>` | `fk_<table>_<cols>_<ref table>` ([`retort_core::fk_name`]), like every other constraint retort names |
//! | D2 | `unique` column | an unnamed inline `UNIQUE` | a unique constraint named `uq_<table>_<col>`, so a later revision can drop it by name |
//! | D3 | `renamed_from = "old"` | appends `renamed_from "old"` to the column comment | the comment unchanged; the hint goes to [`ModelSet::renamed_from`] |
//! | D4 | `Vec<u8>`, `VarBinary(StringLen::None)` or `Max` | `varbinary` (`varbinary(255)` on MySQL) | `blob` |
//! | D5 | `auto_increment` on a non-integer single primary key (SeaORM's default for any type but `String`/`Uuid`) | `AUTO_INCREMENT` on that column | no auto-increment, and a warning |
//! | D6 | `schema_name` | a schema-qualified table | the bare table name, and a warning |
//! | D7 | `extra = "..."` | raw SQL appended to the column | nothing, and a warning |
//! | D8 | composite primary key | named `pk-<table>` | unnamed (primary key names are never compared) |
//! | D9 | `ColumnType::DateTime` and `ColumnType::Timestamp` | `datetime` and `timestamp` on MySQL | both `timestamp` |
//! | D10 | `Money(Some(..))`, `Interval(..)`, `String(StringLen::Max)` | precision, fields or maximum length | `money`, `interval`, `varchar` |
//! | D11 | comments on PostgreSQL | sea-query's PostgreSQL `CREATE TABLE` drops table and column comments | comments kept in the model (`retort-sql` writes `COMMENT ON`); rendering only, not seen by the structural comparison |
//! | D12 | `bigint` auto-increment key on SQLite | `bigint ... AUTOINCREMENT`, which SQLite rejects | `autoincrement` kept in the model; rendering is `retort-sql`'s; not seen by the structural comparison |

mod case;
#[cfg(feature = "sea-orm")]
pub mod compiled;
mod error;
mod extract;
mod keys;
mod model_set;
mod read;
mod rust_type;
mod sea_type;
mod workspace;

#[cfg(feature = "sea-orm")]
pub use compiled::{Compiled, CompiledError, CompiledErrors, CompiledModels};
pub use error::{EntityError, UnknownTypeError, UnknownTypes, Warning};
pub use model_set::{FieldLocation, ModelSet, ReadOptions, RenamedColumn};
pub use read::read_models;
