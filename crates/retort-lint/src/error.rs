use std::path::PathBuf;

/// Why linting could not run: bad `[lint]` settings, a bad `lint_ignore`,
/// or a chain that does not replay.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LintError {
    #[error(
        "`[lint]` names unknown code `{code}`\nhint: the codes are listed in the README's `retort lint` section (RT101 ...)"
    )]
    UnknownConfigCode { code: String },

    #[error(
        "`[lint]` sets `{code}` to `{value}`\nhint: use one of `off`, `info`, `warning`, `error`"
    )]
    BadSeverity { code: String, value: String },

    #[error("{}:{line}: `lint_ignore` names unknown code `{code}`\nhint: the codes are listed in the README's `retort lint` section (RT101 ...)", path.display())]
    UnknownIgnoredCode {
        path: PathBuf,
        line: usize,
        code: String,
    },

    #[error("{}:{line}: `lint_ignore` without a `reason`\nhint: add `reason = \"...\"` to the operation saying why the finding is safe here", path.display())]
    MissingReason { path: PathBuf, line: usize },

    #[error("{}: revision `{revision}` does not replay: {source}", path.display())]
    Replay {
        path: PathBuf,
        revision: String,
        source: Box<retort_core::ReplayError>,
    },
}
