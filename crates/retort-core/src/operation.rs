use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::{Column, ColumnDefault, ColumnType, Dialect, FkAction, Value};

/// One step of a revision's `upgrade` or `downgrade` list.
///
/// Operations are typed data, not SQL: `retort-sql` renders them per dialect
/// and [`crate::apply`] replays them in memory. The serde form is the TOML
/// table of a revision file, tagged by `op`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Operation {
    CreateTable {
        table: String,
        columns: Vec<ColumnSpec>,
        /// A composite primary key; single keys may use `primary_key = true` on the column.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        primary_key: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        uniques: Vec<UniqueSpec>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        foreign_keys: Vec<ForeignKeySpec>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        checks: Vec<CheckSpec>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    DropTable {
        table: String,
    },
    RenameTable {
        table: String,
        new_name: String,
    },
    AddColumn {
        table: String,
        column: ColumnSpec,
    },
    DropColumn {
        table: String,
        column: String,
    },
    AlterColumn {
        table: String,
        column: String,
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        ty: Option<ColumnType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nullable: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_expr: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        drop_default: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        drop_comment: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_name: Option<String>,
    },
    /// Sets a table's primary key to `columns` (empty: no primary key). The
    /// columns become NOT NULL, as in every dialect.
    AlterPrimaryKey {
        table: String,
        columns: Vec<String>,
    },
    CreateIndex {
        table: String,
        name: String,
        columns: Vec<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        unique: bool,
        /// PostgreSQL `CREATE INDEX CONCURRENTLY`: built without blocking
        /// writes, outside the revision's transaction, after its other
        /// statements. Ignored (with a note) on the other dialects.
        #[serde(default, skip_serializing_if = "is_false")]
        concurrently: bool,
    },
    DropIndex {
        table: String,
        name: String,
        /// PostgreSQL `DROP INDEX CONCURRENTLY`, run like `create_index`'s.
        #[serde(default, skip_serializing_if = "is_false")]
        concurrently: bool,
    },
    CreateUnique {
        table: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        columns: Vec<String>,
    },
    DropUnique {
        table: String,
        name: String,
    },
    AddForeignKey {
        table: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        columns: Vec<String>,
        ref_table: String,
        ref_columns: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_delete: Option<FkAction>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_update: Option<FkAction>,
        /// `false`: PostgreSQL `NOT VALID` (existing rows are not checked, so
        /// no long lock); a later `validate_constraint` checks them. Other
        /// dialects check the rows anyway (with a note).
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        validate: bool,
    },
    DropForeignKey {
        table: String,
        name: String,
    },
    AddCheck {
        table: String,
        name: String,
        expr: String,
        /// `false`: PostgreSQL `NOT VALID`, as for `add_foreign_key`.
        #[serde(default = "yes", skip_serializing_if = "is_true")]
        validate: bool,
    },
    DropCheck {
        table: String,
        name: String,
    },
    /// PostgreSQL `ALTER TABLE .. VALIDATE CONSTRAINT`: checks the rows of a
    /// foreign key or check added with `validate = false`, taking only a
    /// lock that lets writes go on. Does nothing on the other dialects.
    ValidateConstraint {
        table: String,
        name: String,
    },
    /// A PostgreSQL enum type (on MySQL the values are written into each
    /// column's `ENUM(...)`, on SQLite the column is text).
    CreateEnum {
        name: String,
        values: Vec<String>,
    },
    /// Sets an enum type's values: appended values become `ADD VALUE`, any
    /// other change rebuilds the type.
    AlterEnum {
        name: String,
        values: Vec<String>,
    },
    DropEnum {
        name: String,
    },
    /// Raw SQL written by the user, for data migrations.
    Execute {
        sql: ExecuteSql,
    },
    BulkInsert {
        table: String,
        rows: Vec<Row>,
    },
    /// A step that cannot be undone: a downgrade through it stops with an error.
    Irreversible {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

/// One row of `bulk_insert`: column name to value, in the order written.
pub type Row = IndexMap<String, Value>;

/// The SQL of an `execute` step: one text for every dialect, or one per dialect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExecuteSql {
    All(String),
    PerDialect(PerDialectSql),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerDialectSql {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<String>,
    /// Used for a dialect that has no text of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

impl ExecuteSql {
    /// The text for `dialect`, or `None` when this step does nothing there.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        match self {
            ExecuteSql::All(s) => Some(s),
            ExecuteSql::PerDialect(p) => {
                let own = match dialect {
                    Dialect::Postgres => &p.postgres,
                    Dialect::Mysql => &p.mysql,
                    Dialect::Sqlite => &p.sqlite,
                };
                own.as_deref().or(p.default.as_deref())
            }
        }
    }
}

/// A column as written in `create_table` and `add_column`.
///
/// Columns are NOT NULL unless `nullable = true`, as in SeaORM. `default`
/// holds a literal, `default_expr` an SQL expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoincrement: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_expr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl ColumnSpec {
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        ColumnSpec {
            name: name.into(),
            ty,
            primary_key: false,
            autoincrement: false,
            nullable: false,
            unique: false,
            default: None,
            default_expr: None,
            comment: None,
        }
    }

    /// The model column this spec describes (key and unique flags live on the table).
    pub fn to_column(&self) -> Column {
        Column {
            name: self.name.clone(),
            ty: self.ty.clone(),
            nullable: self.nullable,
            default: match (&self.default, &self.default_expr) {
                (Some(v), _) => Some(ColumnDefault::Literal(v.clone())),
                (None, Some(e)) => Some(ColumnDefault::Expr(e.clone())),
                (None, None) => None,
            },
            autoincrement: self.autoincrement,
            comment: self.comment.clone(),
        }
    }

    /// The spec of a model column.
    pub fn from_column(c: &Column) -> Self {
        let (default, default_expr) = match &c.default {
            Some(ColumnDefault::Literal(v)) => (Some(v.clone()), None),
            Some(ColumnDefault::Expr(e)) => (None, Some(e.clone())),
            None => (None, None),
        };
        ColumnSpec {
            name: c.name.clone(),
            ty: c.ty.clone(),
            primary_key: false,
            autoincrement: c.autoincrement,
            nullable: c.nullable,
            unique: false,
            default,
            default_expr,
            comment: c.comment.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeySpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<FkAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<FkAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub name: String,
    pub expr: String,
}

impl Operation {
    /// The `op` tag, as written in revision files.
    pub fn kind(&self) -> &'static str {
        match self {
            Operation::CreateTable { .. } => "create_table",
            Operation::DropTable { .. } => "drop_table",
            Operation::RenameTable { .. } => "rename_table",
            Operation::AddColumn { .. } => "add_column",
            Operation::DropColumn { .. } => "drop_column",
            Operation::AlterColumn { .. } => "alter_column",
            Operation::AlterPrimaryKey { .. } => "alter_primary_key",
            Operation::CreateIndex { .. } => "create_index",
            Operation::DropIndex { .. } => "drop_index",
            Operation::CreateUnique { .. } => "create_unique",
            Operation::DropUnique { .. } => "drop_unique",
            Operation::AddForeignKey { .. } => "add_foreign_key",
            Operation::DropForeignKey { .. } => "drop_foreign_key",
            Operation::AddCheck { .. } => "add_check",
            Operation::DropCheck { .. } => "drop_check",
            Operation::ValidateConstraint { .. } => "validate_constraint",
            Operation::CreateEnum { .. } => "create_enum",
            Operation::AlterEnum { .. } => "alter_enum",
            Operation::DropEnum { .. } => "drop_enum",
            Operation::Execute { .. } => "execute",
            Operation::BulkInsert { .. } => "bulk_insert",
            Operation::Irreversible { .. } => "irreversible",
        }
    }

    /// The table this operation changes, if it changes one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Operation::CreateTable { table, .. }
            | Operation::DropTable { table }
            | Operation::RenameTable { table, .. }
            | Operation::AddColumn { table, .. }
            | Operation::DropColumn { table, .. }
            | Operation::AlterColumn { table, .. }
            | Operation::AlterPrimaryKey { table, .. }
            | Operation::CreateIndex { table, .. }
            | Operation::DropIndex { table, .. }
            | Operation::CreateUnique { table, .. }
            | Operation::DropUnique { table, .. }
            | Operation::AddForeignKey { table, .. }
            | Operation::DropForeignKey { table, .. }
            | Operation::AddCheck { table, .. }
            | Operation::DropCheck { table, .. }
            | Operation::ValidateConstraint { table, .. }
            | Operation::BulkInsert { table, .. } => Some(table),
            _ => None,
        }
    }

    /// Whether this step can lose data (marked in summaries and files).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Operation::DropTable { .. } | Operation::DropColumn { .. } | Operation::DropEnum { .. }
        )
    }

    /// A one-line human description, for `show`, `history -v` and `--sql` comments.
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateTable { table, .. } => format!("create table `{table}`"),
            Operation::DropTable { table } => format!("drop table `{table}`"),
            Operation::RenameTable { table, new_name } => {
                format!("rename table `{table}` to `{new_name}`")
            }
            Operation::AddColumn { table, column } => {
                format!("add column `{table}.{}` {}", column.name, column.ty)
            }
            Operation::DropColumn { table, column } => format!("drop column `{table}.{column}`"),
            Operation::AlterColumn {
                table,
                column,
                ty,
                nullable,
                default,
                default_expr,
                drop_default,
                comment,
                drop_comment,
                new_name,
            } => {
                // Every change the step makes, so `show` tells them apart.
                let mut changes = Vec::new();
                if let Some(ty) = ty {
                    changes.push(format!("type {ty}"));
                }
                match nullable {
                    Some(true) => changes.push("nullable".to_owned()),
                    Some(false) => changes.push("not null".to_owned()),
                    None => {}
                }
                if let Some(v) = default {
                    changes.push(format!("default {v}"));
                }
                if let Some(e) = default_expr {
                    changes.push(format!("default {e}"));
                }
                if *drop_default {
                    changes.push("no default".to_owned());
                }
                if comment.is_some() {
                    changes.push("comment".to_owned());
                }
                if *drop_comment {
                    changes.push("no comment".to_owned());
                }
                if let Some(n) = new_name {
                    changes.push(format!("rename to `{n}`"));
                }
                if changes.is_empty() {
                    format!("alter column `{table}.{column}`")
                } else {
                    format!("alter column `{table}.{column}` ({})", changes.join(", "))
                }
            }
            Operation::AlterPrimaryKey { table, columns } if columns.is_empty() => {
                format!("drop the primary key of `{table}`")
            }
            Operation::AlterPrimaryKey { table, columns } => {
                format!(
                    "set the primary key of `{table}` to ({})",
                    columns.join(", ")
                )
            }
            Operation::CreateIndex {
                table,
                name,
                columns,
                unique,
                concurrently,
            } => format!(
                "create {}index `{name}` on `{table}` ({}){}",
                if *unique { "unique " } else { "" },
                columns.join(", "),
                if *concurrently { " concurrently" } else { "" }
            ),
            Operation::DropIndex {
                table,
                name,
                concurrently,
            } => format!(
                "drop index `{name}` on `{table}`{}",
                if *concurrently { " concurrently" } else { "" }
            ),
            Operation::CreateUnique { table, columns, .. } => {
                format!(
                    "create unique constraint on `{table}` ({})",
                    columns.join(", ")
                )
            }
            Operation::DropUnique { table, name } => {
                format!("drop unique constraint `{name}` on `{table}`")
            }
            Operation::AddForeignKey {
                table,
                columns,
                ref_table,
                validate,
                ..
            } => format!(
                "add foreign key `{table}` ({}) -> `{ref_table}`{}",
                columns.join(", "),
                if *validate { "" } else { " not valid" }
            ),
            Operation::DropForeignKey { table, name } => {
                format!("drop foreign key `{name}` on `{table}`")
            }
            Operation::AddCheck {
                table,
                name,
                validate,
                ..
            } => format!(
                "add check `{name}` on `{table}`{}",
                if *validate { "" } else { " not valid" }
            ),
            Operation::DropCheck { table, name } => format!("drop check `{name}` on `{table}`"),
            Operation::ValidateConstraint { table, name } => {
                format!("validate constraint `{name}` on `{table}`")
            }
            Operation::CreateEnum { name, .. } => format!("create enum type `{name}`"),
            Operation::AlterEnum { name, .. } => format!("alter enum type `{name}`"),
            Operation::DropEnum { name } => format!("drop enum type `{name}`"),
            Operation::Execute { .. } => "execute SQL".to_owned(),
            Operation::BulkInsert { table, rows } => {
                format!("insert {} row(s) into `{table}`", rows.len())
            }
            Operation::Irreversible { reason } => match reason {
                Some(r) => format!("irreversible: {r}"),
                None => "irreversible".to_owned(),
            },
        }
    }
}
