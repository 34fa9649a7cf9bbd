//! Reads a live database catalog into retort's schema model.
//!
//! [`read_schema`] connects to a PostgreSQL, MySQL/MariaDB or SQLite URL;
//! [`read_schema_with`] reads over a connection the caller already holds.
//! Both return a [`CatalogRead`]: the [`retort_core::Schema`], warnings about
//! what the model cannot hold, and how many statements were sent.
//!
//! # A fixed number of queries
//!
//! Each kind of catalog object is read once for the whole schema and grouped
//! in memory, never once per table: 6 statements on PostgreSQL (`pg_catalog`:
//! schema, tables, enum types, columns, constraints, indexes), 6 on MySQL
//! (`information_schema`: server, tables, checks, columns, statistics,
//! foreign keys), 4 on SQLite (`sqlite_master` joined with
//! `pragma_table_xinfo`, `pragma_index_list`/`pragma_index_xinfo` and
//! `pragma_foreign_key_list`). The excluded tables (the caller's, the version
//! table and its log, system tables such as `sqlite_sequence` and
//! `spatial_ref_sys`) are filtered in those queries, through one bound
//! parameter. [`read_schema`] sends the five statements after the first on
//! three connections at once, on PostgreSQL and MySQL (their server time is
//! most of the cost: each MySQL view opens every table's definition, and
//! PostgreSQL's columns and constraints take 20-25 ms at 1,000 tables); the
//! statements and the result are those of one connection.
//!
//! # What is read
//!
//! Tables and their comments; columns with type, nullability, default,
//! identity/serial/`AUTO_INCREMENT`/`AUTOINCREMENT` (read as `autoincrement`,
//! with no default) and comment; primary keys; unique constraints; indexes
//! (column order; a descending column is read as ascending, with a warning);
//! foreign keys with `ON DELETE`/`ON UPDATE`; check constraints; PostgreSQL
//! enum types. Expression, partial, prefix and non-btree indexes are kept out
//! of the schema and listed in [`CatalogRead::opaque_indexes`] with their
//! definition, and in the warnings; MariaDB's "long unique" HASH keys (a
//! unique key on TEXT or BLOB columns) are unique keys like any other.
//!
//! # Normalization
//!
//! Types become the portable [`retort_core::ColumnType`] (`int4` and
//! `integer`, `character varying(N)` and `varchar(N)`, MySQL `tinyint(1)`
//! and `boolean`, SQLite's sea-query spellings such as
//! `timestamp_with_timezone_text` are each one type); a database type with no
//! portable name is `custom(...)`, rendered back verbatim (MySQL's in one
//! spelling: lowercase outside quoted values, no integer display width).
//! Defaults follow the rules in `defaults.rs`: quoted literals with or
//! without a cast are literals, `now()` is `CURRENT_TIMESTAMP`, a literal is
//! read in the light of the column type (a timestamp literal in one
//! spelling, moved to UTC and written `+00` when the type has a time zone). MariaDB's JSON columns (LONGTEXT with a `json_valid`
//! check) are `json`, and that check is not reported.
//!
//! Constraints and indexes are sorted by name, columns keep their position,
//! warnings are sorted: the result is deterministic.
//!
//! # Unique constraints and unique indexes
//!
//! One rule, so that `model -> DDL -> catalog` gives the model back:
//!
//! * PostgreSQL tells them apart: a `UNIQUE` constraint (`pg_constraint`) is
//!   a unique constraint, and its index is not reported again; a
//!   `CREATE UNIQUE INDEX` is a unique index.
//! * SQLite: a `UNIQUE` clause of `CREATE TABLE` (index origin `u`) is a
//!   unique constraint, named as the text names it, or by
//!   [`retort_core::unique_name`] when unnamed. A `CREATE UNIQUE INDEX` is a
//!   unique constraint when its name starts with `uq_` (retort's name for
//!   constraints), else a unique index.
//! * MySQL has only unique indexes: one is a unique constraint when its name
//!   starts with `uq_`, or when MySQL chose the name for an unnamed `UNIQUE`
//!   (the first column's name, maybe with `_2`, ...); else a unique index.
//!
//! # What a dialect cannot store
//!
//! [`normalize_for`] maps a model to what a dialect gives back; compare
//! `normalize_for(d, &model)` with `normalize_for(d, &read.schema)`. Its
//! documentation lists the rules. Other limits, reported as warnings or
//! documented here: SQLite keeps no comments; SQLite's unnamed constraints
//! get retort's names (`uq_...`, `fk_...`, `ck_<table>_<n>` for checks);
//! MySQL enum columns have no type name and are read as an enum named
//! `<table>_<column>`; InnoDB's automatic index for a foreign key is not
//! reported; check expressions come back as the database prints them.

mod build;
mod compare;
pub mod defaults;
mod error;
mod mysql;
mod options;
mod postgres;
mod read;
mod sqlite;
mod sqlite_ddl;
pub mod types;

pub use compare::{normalize_for, normalize_portable};
pub use error::CatalogError;
pub use options::{CatalogRead, OpaqueIndex, ReadOptions, SYSTEM_TABLES};
pub use read::{CatalogConnection, read_schema, read_schema_with};
