//! Renders retort operations to SQL for PostgreSQL, MySQL/MariaDB and SQLite.
//!
//! sea-query builds every statement it can express; the few it cannot
//! (`COMMENT ON`, `ALTER COLUMN .. DROP DEFAULT`, `ADD CONSTRAINT .. UNIQUE`
//! and `.. CHECK`, the SQLite table copy) are assembled in one module with
//! [`quote_ident`] and escaped string literals. Every identifier is quoted.
//!
//! - [`render`] turns one [`Operation`](retort_core::Operation) into
//!   statements, given the schema it applies to. Constraint names come from
//!   the schema after replay ([`retort_core::apply`]), so a later drop can use
//!   them.
//! - [`render_schema`] gives the DDL that builds a whole schema.
//! - [`version_table_create`], [`version_insert`], [`version_update`] and
//!   [`version_delete`] write Alembic's `alembic_version` statements.
//! - [`insert_row`], [`update_rows`], [`select_rows`], [`table_exists`] and
//!   [`drop_table_if_exists`] serve the runner's own bookkeeping tables.
//! - [`data_check`] gives the queries of the runner's data pre-checks: the
//!   rows an operation would fail on (NULLs, repeated values, values out of
//!   a narrower type, removed enum values, orphans, rows breaking a check).
//! - [`timeout_settings`] / [`timeout_reset`] set a revision's
//!   `lock_timeout` and `statement_timeout` ([`Timeouts`]);
//!   [`pg_invalid_indexes`] finds what an interrupted `CREATE INDEX
//!   CONCURRENTLY` left.
//! - [`sqlite_foreign_keys`] and [`sqlite_foreign_key_check`] are the pragmas
//!   a runner puts around a revision whose [`Rendered::rebuilds_table`] is set.
//!
//! Per dialect:
//!
//! - Column types are written as SeaORM writes them through sea-query
//!   (`timestamp with time zone` on PostgreSQL, `timestamp` on MySQL, `bool`,
//!   `enum_text` on SQLite, ...). Auto-increment is an identity column on
//!   PostgreSQL, `AUTO_INCREMENT` on MySQL and an inline
//!   `integer PRIMARY KEY AUTOINCREMENT` on SQLite.
//! - Enums are `CREATE TYPE .. AS ENUM` on PostgreSQL (appended values become
//!   `ALTER TYPE .. ADD VALUE`, other changes rebuild the type), `ENUM(..)`
//!   column types on MySQL, and text on SQLite.
//! - Comments are inline on MySQL, `COMMENT ON` on PostgreSQL, and ignored by
//!   SQLite.
//! - SQLite cannot alter most things in place: the table is rebuilt (create
//!   `_retort_new_<t>`, copy, drop, rename, recreate indexes) and
//!   [`Rendered::rebuilds_table`] is set.

mod columns;
mod data_check;
mod dml;
mod error;
mod handwritten;
mod lock;
mod render;
mod safety;
mod schema;
mod sql;
mod sqlite_rebuild;
mod version;

pub use data_check::{DataCheck, SAMPLE, Violation, data_check};
pub use dml::{
    drop_table_if_exists, insert_row, insert_rows, select_rows, sync_sequence, table_exists,
    update_rows,
};
pub use error::RenderError;
pub use handwritten::{quote_ident, sqlite_foreign_key_check, sqlite_foreign_keys};
pub use lock::{lock_acquire, lock_key, lock_release};
pub use render::{Rendered, render, render_applied};
pub use safety::{TimeoutScope, Timeouts, pg_invalid_indexes, timeout_reset, timeout_settings};
pub use schema::render_schema;
pub use sql::Sql;
pub use version::{
    version_delete, version_delete_all, version_insert, version_table_create, version_update,
};
