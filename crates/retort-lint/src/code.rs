//! The catalogue of finding codes.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// How bad a finding is: `error` makes `retort lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Severity {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(()),
        }
    }
}

/// The family a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Loses data.
    Destructive,
    /// May fail on existing rows.
    DataDependent,
    /// Breaks the running version of the application during a rolling deploy.
    BackwardIncompatible,
    /// Locks a PostgreSQL table for the whole operation.
    Postgres,
    /// Copies a MySQL table.
    Mysql,
    /// Rebuilds an SQLite table.
    Sqlite,
    /// Reversibility of the revision.
    Reversibility,
}

/// One code of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// What the code is about, for the README table and `--help`.
    pub title: &'static str,
}

const fn c(
    code: &'static str,
    category: Category,
    severity: Severity,
    title: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        category,
        severity,
        title,
    }
}

use Category::*;
use Severity::{Error, Info, Warning};

/// Every code, in order. Codes are stable: a code is never reused.
pub const CODES: &[CodeInfo] = &[
    c("RT101", Destructive, Error, "drop table"),
    c("RT102", Destructive, Error, "drop column"),
    c("RT103", Destructive, Error, "drop enum type or enum values"),
    c("RT104", Destructive, Error, "narrowing type change"),
    c("RT105", Destructive, Warning, "drop unique or foreign key"),
    c(
        "RT201",
        DataDependent,
        Warning,
        "unique or primary key on an existing table",
    ),
    c(
        "RT202",
        DataDependent,
        Warning,
        "nullable column made NOT NULL",
    ),
    c(
        "RT203",
        DataDependent,
        Warning,
        "NOT NULL column without default on an existing table",
    ),
    c(
        "RT204",
        DataDependent,
        Warning,
        "check constraint on an existing table",
    ),
    c(
        "RT205",
        DataDependent,
        Warning,
        "foreign key on an existing table",
    ),
    c("RT301", BackwardIncompatible, Warning, "rename table"),
    c("RT302", BackwardIncompatible, Warning, "rename column"),
    c(
        "RT401",
        Postgres,
        Warning,
        "index built without CONCURRENTLY",
    ),
    c(
        "RT402",
        Postgres,
        Warning,
        "index dropped without CONCURRENTLY",
    ),
    c(
        "RT403",
        Postgres,
        Warning,
        "type change that rewrites the table",
    ),
    c(
        "RT404",
        Postgres,
        Warning,
        "SET NOT NULL scans the table under lock",
    ),
    c("RT405", Postgres, Warning, "foreign key without NOT VALID"),
    c(
        "RT406",
        Postgres,
        Warning,
        "check constraint without NOT VALID",
    ),
    c(
        "RT407",
        Postgres,
        Warning,
        "volatile default on an existing table",
    ),
    c("RT501", Mysql, Warning, "ENUM change that copies the table"),
    c("RT601", Sqlite, Info, "operation that rebuilds the table"),
    c(
        "RT701",
        Reversibility,
        Warning,
        "execute without a downgrade counterpart",
    ),
    c("RT702", Reversibility, Info, "irreversible step"),
];

/// The catalogue entry of `code` (case-insensitive).
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}
