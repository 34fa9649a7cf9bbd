use retort_core::ReplayError;
use retort_script::TargetError;
use retort_sql::RenderError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(
        "revision `{revision}` cannot be rendered ({direction} step {index}, `{op}`): {source}"
    )]
    Render {
        revision: String,
        direction: &'static str,
        index: usize,
        op: &'static str,
        #[source]
        source: Box<RenderError>,
    },
    #[error(
        "revision `{revision}` does not apply to the schema its ancestors build ({direction} step {index}, `{op}`): {source}"
    )]
    Replay {
        revision: String,
        direction: &'static str,
        index: usize,
        op: &'static str,
        #[source]
        source: Box<ReplayError>,
    },
    #[error("revision `{revision}` cannot be downgraded: it is irreversible{}\nhint: stop at a later revision, or `stamp` past it once you have undone it by hand", .reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default())]
    Irreversible {
        revision: String,
        reason: Option<String>,
    },
    #[error("unknown revision `{0}`")]
    UnknownRevision(String),
}
