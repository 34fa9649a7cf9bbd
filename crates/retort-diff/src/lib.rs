//! Compares two schemas and plans the operations between them: the heart of
//! `retort revision --autogenerate` and `retort check`.
//!
//! [`diff`] takes the schema a database has (`from`: a catalog read, or the
//! schema the revision chain replays to) and the schema the models describe
//! (`to`), and returns a [`Diff`]: the upgrade operations, the downgrade
//! operations, one [`Change`] per detected difference and warnings. No IO.
//!
//! # Compare like with like
//!
//! The diff compares what it is given with `==`, after a few rules of its
//! own (below). Types and defaults that a dialect stores differently from
//! how a model writes them must be mapped first, on both sides:
//! `retort_catalog::normalize_for(dialect, ..)` does that, and the CLI calls
//! it before [`diff`]. [`DiffOptions::for_dialect`] sets what the dialect
//! cannot store at all (comments on SQLite).
//!
//! # Rules
//!
//! * Tables and columns are matched by name; a rename is only known from
//!   [`DiffOptions::table_renames`] and [`DiffOptions::renames`] (`--rename`,
//!   a terminal question, or SeaORM's `renamed_from` for columns). Table
//!   renames apply first, so a column rename names its table's new name.
//!   [`table_rename_candidates`] lists a dropped and a created table with
//!   the same columns and types, [`rename_candidates`] the dropped and added
//!   columns of one table with the same type; unanswered, they stay a drop
//!   and an add, with a warning.
//! * Columns: type, nullability, default (an expression compares without
//!   case, spaces and outer parentheses), comment. Auto-increment changes
//!   are reported as warnings only.
//! * Unique constraints and unique indexes form one pool compared by their
//!   column set, so a `unique` column, a unique constraint and a unique index
//!   on the same columns are equal whatever their names. Other indexes
//!   compare by their ordered columns.
//! * Foreign keys compare by columns, referenced table and columns and
//!   actions (`NO ACTION` is no action given); names are not compared.
//! * Primary keys compare by their ordered columns.
//! * Check constraints compare by name (their expression comes back as each
//!   database prints it). Table comments are reported as warnings: there is
//!   no operation for them yet.
//! * PostgreSQL enum types: a new type, appended values (`ALTER TYPE ...
//!   ADD VALUE`), other value changes (a rebuild of the type in `retort-sql`,
//!   marked destructive), a dropped type.
//!
//! # Order
//!
//! Renames; new and altered enum types; foreign keys, unique keys, indexes
//! and checks that go; dropped tables (children first, keys of a cycle
//! dropped before); dropped, added and altered columns; new tables (parents
//! first); primary keys; new unique keys, indexes and checks; new foreign
//! keys (those closing a cycle of new tables last); enum types that go.
//! The downgrade is the diff the other way round, renames reversed.
//!
//! [`Diff::respell`] writes the unmapped models' types and defaults back
//! into the operations, so a revision says `bigint` even when SQLite stores
//! `integer`.
//!
//! [`verify`] replays both directions in memory and checks that each ends
//! where it should; the CLI runs it before writing a revision.

mod change;
mod compare;
mod options;
mod plan;
mod spelling;
mod verify;

pub use change::{Change, ChangeKind};
pub use options::{ColumnRename, DiffOptions, ParseRenameError, Rename, TableRename};
pub use plan::{Diff, diff, rename_candidates, table_rename_candidates};
pub use verify::{VerifyError, verify, verify_on};
