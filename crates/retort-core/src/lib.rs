//! The schema model, dialects, the operation vocabulary of revision files and
//! the in-memory replay of operations.
//!
//! This crate does no IO: every other retort crate builds on these types.

mod column_type;
mod dialect;
mod error;
mod naming;
mod operation;
mod operation_entry;
mod replay;
mod reverse;
mod schema;
mod squash;
mod table_order;
mod url;
mod value;

pub use column_type::{ColumnType, ParseTypeError};
pub use dialect::{Dialect, ParseDialectError};
pub use error::ReplayError;
pub use naming::{fk_name, unique_name};
pub use operation::{
    CheckSpec, ColumnSpec, ExecuteSql, ForeignKeySpec, Operation, PerDialectSql, Row, UniqueSpec,
};
pub use operation_entry::{LintIgnore, OperationEntry};
pub use replay::{Replay, apply, apply_all};
pub use reverse::{create_schema_ops, create_table_ops, reverse};
pub use schema::{
    Check, Column, ColumnDefault, EnumType, FkAction, ForeignKey, Index, PrimaryKey, Schema, Table,
    Unique,
};
pub use squash::{canonical, squash_operations};
pub use table_order::TableOrder;
pub use url::{redact_url, url_problem};
pub use value::Value;
