use std::collections::BTreeMap;

use retort_core::Schema;
use serde::{Deserialize, Serialize};

use crate::Warning;

/// What `[models]` in alembic.toml tells the reader besides the paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// `[models.types]`: Rust type name (as written, or its last path
    /// segment) -> retort type string (`"integer"`, `"varchar(64)"`, ...).
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Tables left out of the result, and foreign keys pointing at them.
    #[serde(default)]
    pub exclude_tables: Vec<String>,
}

/// The schema the entity sources describe, with what the reader noticed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelSet {
    pub schema: Schema,
    pub warnings: Vec<Warning>,
    /// `#[sea_orm(renamed_from = "...")]` hints, for rename detection.
    pub renamed_from: Vec<RenamedColumn>,
    /// Where each column's field is written, for messages about it.
    pub fields: Vec<FieldLocation>,
}

/// The entity field a column comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldLocation {
    pub table: String,
    pub column: String,
    /// The Rust field as written.
    pub field: String,
    pub file: std::path::PathBuf,
    pub line: usize,
}

/// A column that says it was called something else before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenamedColumn {
    pub table: String,
    pub from: String,
    pub to: String,
}
