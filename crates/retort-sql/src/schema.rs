use retort_core::{Dialect, Schema, apply, create_schema_ops};

use crate::{RenderError, Sql, render};

/// The DDL that builds `schema` from nothing: enum types, tables (parents
/// first), indexes, and foreign keys that close a cycle.
pub fn render_schema(schema: &Schema, dialect: Dialect) -> Result<Vec<Sql>, RenderError> {
    let mut current = Schema::default();
    let mut out = Vec::new();
    for op in create_schema_ops(schema) {
        out.extend(render(&op, &current, dialect)?.statements);
        apply(&mut current, &op).map_err(|source| RenderError::Replay {
            op: op.kind(),
            table: op.table().map(str::to_owned),
            source,
        })?;
    }
    Ok(out)
}
