use std::fmt;

use serde::Serialize;

/// What kind of difference a [`Change`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    AddTable,
    DropTable,
    RenameTable,
    AddColumn,
    DropColumn,
    RenameColumn,
    AlterType,
    AlterNullable,
    AlterDefault,
    AlterComment,
    AlterPrimaryKey,
    AddUnique,
    DropUnique,
    AddIndex,
    DropIndex,
    AddForeignKey,
    DropForeignKey,
    AlterForeignKey,
    AddCheck,
    DropCheck,
    AddEnum,
    AddEnumValue,
    AlterEnum,
    DropEnum,
}

impl ChangeKind {
    /// The snake-case name used in `--format json`.
    pub fn as_str(self) -> &'static str {
        use ChangeKind as K;
        match self {
            K::AddTable => "add_table",
            K::DropTable => "drop_table",
            K::RenameTable => "rename_table",
            K::AddColumn => "add_column",
            K::DropColumn => "drop_column",
            K::RenameColumn => "rename_column",
            K::AlterType => "alter_type",
            K::AlterNullable => "alter_nullable",
            K::AlterDefault => "alter_default",
            K::AlterComment => "alter_comment",
            K::AlterPrimaryKey => "alter_primary_key",
            K::AddUnique => "add_unique",
            K::DropUnique => "drop_unique",
            K::AddIndex => "add_index",
            K::DropIndex => "drop_index",
            K::AddForeignKey => "add_foreign_key",
            K::DropForeignKey => "drop_foreign_key",
            K::AlterForeignKey => "alter_foreign_key",
            K::AddCheck => "add_check",
            K::DropCheck => "drop_check",
            K::AddEnum => "add_enum",
            K::AddEnumValue => "add_enum_value",
            K::AlterEnum => "alter_enum",
            K::DropEnum => "drop_enum",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One detected difference, as `revision --autogenerate` prints it:
/// "added table `users`", "nullable changed on `users.bio`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The table it concerns (`None` for enum types).
    pub table: Option<String>,
    /// One line, without the destructive mark.
    pub description: String,
    /// The upgrade can lose data: a dropped table or column, a narrowing
    /// type, enum values removed.
    pub destructive: bool,
}

impl Change {
    pub(crate) fn new(kind: ChangeKind, table: Option<&str>, description: String) -> Self {
        Change {
            kind,
            table: table.map(str::to_owned),
            description,
            destructive: false,
        }
    }

    pub(crate) fn destructive(mut self, yes: bool) -> Self {
        self.destructive = yes;
        self
    }
}

impl fmt::Display for Change {
    /// The description, with ` [destructive]` after a destructive change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)?;
        if self.destructive {
            f.write_str(" [destructive]")?;
        }
        Ok(())
    }
}
