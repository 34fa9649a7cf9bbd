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

    /// Fields whose SQL type cannot be known: all of them, in one error.
    #[error("{0}")]
    UnknownTypes(Box<UnknownTypes>),

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

/// One field of [`EntityError::UnknownTypes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTypeError {
    pub file: PathBuf,
    pub line: usize,
    pub table: String,
    pub field: String,
    pub rust_type: String,
    /// The key to add under `[models.types]`.
    pub type_name: String,
    /// Where the reader looked for the type's definition, and what it found.
    pub looked: String,
    /// The retort type suggested for the `[models.types]` entry.
    pub guess: String,
}

/// Every field whose SQL type the reader could not tell, and the
/// `[models.types]` block that would tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTypes {
    pub types: Vec<UnknownTypeError>,
}

impl fmt::Display for UnknownTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.types.len();
        writeln!(
            f,
            "cannot tell the SQL type of {n} field{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for u in &self.types {
            writeln!(
                f,
                "  {}:{}: field `{}` of table `{}` (Rust type `{}`): {}",
                u.file.display(),
                u.line,
                u.field,
                u.table,
                u.rust_type,
                u.looked
            )?;
        }
        writeln!(
            f,
            "hint: define the types in the workspace with a SeaORM derive, or add this block to alembic.toml (the types are guesses: check each one):"
        )?;
        writeln!(f, "[models.types]")?;
        let mut seen = std::collections::BTreeSet::new();
        let mut first = true;
        for u in &self.types {
            if seen.insert(&u.type_name) {
                if !first {
                    writeln!(f)?;
                }
                first = false;
                let key = if u.type_name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    u.type_name.clone()
                } else {
                    format!("{:?}", u.type_name)
                };
                write!(f, "{key} = {:?}", u.guess)?;
            }
        }
        Ok(())
    }
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
