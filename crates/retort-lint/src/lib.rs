//! `retort lint`: findings on the operations of revisions that can lose
//! data, fail on existing rows, break the running version of an application
//! or lock a busy table, each with a stable code, a severity, the file and
//! line of the operation and a hint with the safer form.
//!
//! The analyzers read typed operations and the schema before each one
//! (replayed from the chain with [`retort_core::apply`]); no SQL is parsed.
//! A table created in the same revision is new: it has no rows and no
//! readers, so nothing is reported about it. Dialect-specific findings
//! (PostgreSQL locks, MySQL table copies, SQLite rebuilds) come only when a
//! dialect is given. `[lint]` in `alembic.toml` ([`LintConfig`]) changes a
//! code's severity or turns it off; an operation's `lint_ignore` (with a
//! `reason`) accepts a finding for that operation alone.
//!
//! There is one finding per operation and concern: a dialect's code on the
//! same concern as a portable one (RT403 on a narrowing RT104, RT404 on a
//! `SET NOT NULL` RT202, RT401 on a unique key RT201, RT405/RT406 on a new
//! foreign key or check, RT501 on removed enum values, RT601 on any finding
//! of an operation SQLite rebuilds for) is folded into that finding's
//! [`Finding::also`]. Codes turned off or ignored are dropped first, so
//! turning the portable code off leaves the dialect's as the finding.
//!
//! This crate does no IO and opens no connection.

mod analyze;
mod code;
mod config;
mod error;
mod finding;
mod lint;
mod narrowing;

pub use code::{CODES, Category, CodeInfo, Severity, code_info};
pub use config::LintConfig;
pub use error::LintError;
pub use finding::{Also, Finding, Report};
pub use lint::{LintOptions, lint_ops, lint_ops_on, lint_revisions};
pub use narrowing::{Fit, fit, narrowing, pg_rewrites};
