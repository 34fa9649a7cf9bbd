//! Revision files and the revision graph: parsing and writing the TOML
//! revision files in `<script_location>/versions/`, heads, branches, merges
//! and labels, Alembic's target grammar, and upgrade/downgrade plans with
//! Alembic's version-table bookkeeping; new revision files, blank or from a
//! [`Scaffold`]; and the seed files in
//! `<script_location>/seeds/` ([`load_seeds`], [`SeedFile`]); squashed
//! revisions (`replaces`) in the graph, and writing and pruning them
//! ([`squash`], [`prune`]).
//!
//! Loading a revision also checks each operation for what some backend
//! would refuse only at run time (a decimal's scale over its precision, a
//! zero length, empty `execute` SQL or check expression, a default the
//! column's type cannot hold), and keeps each operation's line for the
//! errors of later stages and its `lint_ignore` for `retort lint`.
//!
//! This crate reads and writes files only; it never talks to a database.

mod error;
mod generate;
mod plan;
mod replaces;
mod revision;
mod safety;
mod scaffold;
mod script;
mod seed;
mod squash;
mod target;
mod validate;
mod write;

pub use error::{ScriptError, TargetError};
pub use generate::{
    DEFAULT_FILE_TEMPLATE, NewRevision, SLUG_MAX_LEN, file_name, generate_revision, merge,
    merge_with, slugify,
};
pub use plan::{Direction, Plan, Step, VersionChange};
pub use revision::{MAX_REVISION_ID_LEN, Revision, revision_id_problem};
pub use safety::{RevisionSafety, parse_duration};
pub use scaffold::Scaffold;
pub use script::Script;
pub use seed::{
    SeedCell, SeedFile, SeedRow, SeedTable, SeedValue, load_seeds, parse_seed, parse_seed_file,
};
pub use squash::{Pruned, SquashRequest, Squashed, check_prune, prune, squash};
pub use validate::default_problem_for;
pub use write::render_revision;
