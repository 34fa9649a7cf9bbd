use retort_core::{Dialect, ReplayError};

/// An operation that cannot be turned into SQL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The operation does not apply to the schema it was given.
    #[error("cannot render `{op}`{}: {source}", on(.table))]
    Replay {
        op: &'static str,
        table: Option<String>,
        #[source]
        source: ReplayError,
    },
    /// An `irreversible` step: there is no SQL to run, by design.
    #[error("an `irreversible` step stops here{}", .reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Irreversible { reason: Option<String> },
    /// The dialect has no way to express this.
    #[error("cannot render `{op}`{} for {dialect}: {reason}", on(.table))]
    Unsupported {
        op: &'static str,
        table: Option<String>,
        dialect: Dialect,
        reason: String,
    },
}

fn on(table: &Option<String>) -> String {
    table
        .as_deref()
        .map(|t| format!(" on `{t}`"))
        .unwrap_or_default()
}
