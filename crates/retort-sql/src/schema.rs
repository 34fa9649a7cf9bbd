use retort_core::{Dialect, Operation, Replay, Schema, create_schema_ops};

use crate::{RenderError, Sql, render_applied};

/// The DDL that builds `schema` from nothing: enum types, tables (parents
/// first), indexes, and foreign keys that close a cycle.
pub fn render_schema(schema: &Schema, dialect: Dialect) -> Result<Vec<Sql>, RenderError> {
    // `before` and `after` advance together, so no operation copies the schema.
    let mut before = Replay::default();
    let mut after = Replay::default();
    let mut out = Vec::new();
    for op in create_schema_ops(schema) {
        replay(&mut after, &op)?;
        out.extend(render_applied(&op, before.schema(), after.schema(), dialect)?.statements);
        replay(&mut before, &op)?;
    }
    Ok(out)
}

fn replay(schema: &mut Replay, op: &Operation) -> Result<(), RenderError> {
    schema.apply(op).map_err(|source| RenderError::Replay {
        op: op.kind(),
        table: op.table().map(str::to_owned),
        source,
    })
}
