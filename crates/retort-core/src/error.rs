/// An operation that cannot be applied to (or reversed against) a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    #[error("table `{0}` does not exist")]
    NoSuchTable(String),
    #[error("table `{0}` already exists")]
    TableExists(String),
    #[error("column `{table}.{column}` does not exist")]
    NoSuchColumn { table: String, column: String },
    #[error("column `{table}.{column}` already exists")]
    ColumnExists { table: String, column: String },
    #[error("{kind} `{name}` does not exist on table `{table}`")]
    NoSuchConstraint {
        kind: &'static str,
        table: String,
        name: String,
    },
    #[error("{kind} `{name}` already exists")]
    ConstraintExists { kind: &'static str, name: String },
    #[error("enum type `{0}` does not exist")]
    NoSuchEnum(String),
    #[error("enum type `{0}` already exists")]
    EnumExists(String),
    #[error("enum type `{name}` is still used by `{table}.{column}`")]
    EnumInUse {
        name: String,
        table: String,
        column: String,
    },
    #[error("table `{table}` is still referenced by foreign key `{fk}` of `{child}`")]
    TableReferenced {
        table: String,
        child: String,
        fk: String,
    },
    #[error("invalid operation: {0}")]
    Invalid(String),
    #[error("`{op}` cannot be reversed automatically{}", .reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    Irreversible {
        op: &'static str,
        reason: Option<String>,
    },
}
