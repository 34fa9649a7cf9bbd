use std::fmt;
use std::path::{Path, PathBuf};

/// Why the entity sources could not be read into a schema.
///
/// Every variant that comes from a source file names the file and line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EntityError {
    #[error(
        "models path `{}` does not exist\nhint: fix `[models] paths` in alembic.toml",
        path.display()
    )]
    PathNotFound { path: PathBuf },

    /// Reading a file or directory failed; the message names the path.
    #[error("{0}\nhint: check that the `[models] paths` entries are readable")]
    Io(#[from] std::io::Error),

    #[error(
        "{}:{line}:{column}: Rust syntax error: {message}\nhint: retort reads entity sources without compiling them, but they must parse as Rust",
        file.display()
    )]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A field whose SQL type cannot be known (boxed: it is the largest).
    #[error("{0}")]
    UnknownType(Box<UnknownTypeError>),

    #[error("{}:{line}: {message}\nhint: {hint}", file.display())]
    InvalidAttribute {
        file: PathBuf,
        line: usize,
        message: String,
        hint: String,
    },

    #[error(
        "{}:{line}: relation `{relation}` of table `{table}` {problem}\nhint: add the related entity's file to `[models] paths`, or mark the relation `skip_fk`",
        file.display()
    )]
    UnresolvedRelation {
        file: PathBuf,
        line: usize,
        table: String,
        relation: String,
        problem: String,
    },

    #[error(
        "table `{table}` is defined twice: {}:{first_line} and {}:{second_line}\nhint: remove one of the entities, or give them different `table_name`s",
        first.display(),
        second.display()
    )]
    DuplicateTable {
        table: String,
        first: PathBuf,
        first_line: usize,
        second: PathBuf,
        second_line: usize,
    },

    #[error(
        "`[models.types]` entry `{name} = \"{value}\"` is not a column type: {reason}\nhint: use a retort type such as \"integer\", \"varchar(64)\" or \"custom(citext)\""
    )]
    BadTypeOverride {
        name: String,
        value: String,
        reason: String,
    },
}

impl EntityError {
    pub(crate) fn invalid(
        file: &Path,
        line: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        EntityError::InvalidAttribute {
            file: file.to_owned(),
            line,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// The details of [`EntityError::UnknownType`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}:{line}: cannot tell the SQL type of field `{field}` of table `{table}` (Rust type `{rust_type}`)\nhint: add `{type_name} = \"integer\"` (or the right type) under `[models.types]` in alembic.toml",
    file.display()
)]
pub struct UnknownTypeError {
    pub file: PathBuf,
    pub line: usize,
    pub table: String,
    pub field: String,
    pub rust_type: String,
    /// The key to add under `[models.types]`.
    pub type_name: String,
}

/// Something the reader skipped or could not represent, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}
