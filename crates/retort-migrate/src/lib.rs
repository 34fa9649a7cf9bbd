//! Turns a revision graph, a target and a dialect into a [`SqlPlan`]: every
//! statement an upgrade or downgrade runs, revision by revision, with the
//! version-table statements. The offline `--sql` script is the plan printed
//! ([`SqlPlan::to_script`]); a live run ([`Migrator`]) executes the same
//! plan on PostgreSQL, MySQL/MariaDB or SQLite through sqlx, holding a lock,
//! recording each step in a log table beside `alembic_version`, and checking
//! that applied revisions have not changed since; [`Migrator::plan_upgrade`]
//! and [`Migrator::plan_downgrade`] return the plan such a run would make
//! without running it (`--plan`). Before each revision a run queries the
//! data its operations need ([`PreChecks`]: NULLs before `SET NOT NULL`,
//! duplicates before a unique key, ...) and refuses the revision, before
//! any of its statements, when rows would make one fail. On PostgreSQL a
//! run and a plan first check each revision's lock estimate
//! ([`SqlStep::locks`], [`LockEstimate`]) against the server's lock table
//! ([`LockBudget`]) and refuse, before anything runs, a revision that cannot
//! fit. [`seed_plan`] and
//! [`Migrator::seed`] load seed files into the tables the revisions built.
//! [`execute_operations`] runs operations with no revision and no version
//! table (the development start-up).

mod baseline;
mod budget;
mod connection;
mod direct;
mod error;
mod lock;
mod plan;
mod prechecks;
mod runner;
mod script;
mod seed;
// SQLite's C API on the handle sqlx locks for it (see the module).
#[allow(unsafe_code)]
mod sqlite_handle;
mod state;

pub use baseline::{BASELINE, REPLACED};
pub use budget::{
    DEFAULT_LOCK_SLOTS, EXECUTE_LOCKS, LockBudget, LockEstimate, OverBudget, usable_share,
};
pub use connection::{Database, sqlite_file_missing};
pub use direct::execute_operations;
pub use error::{
    AfterCommitFailure, LongIdentifier, MigrateError, SeedProblem, StepFailure, Timeout,
};
pub use plan::{AfterCommit, PlanOptions, SqlPlan, SqlStep, build_plan, schema_at, stamp_plan};
pub use prechecks::{PreCheck, PreCheckFailure, PreChecks};
pub use runner::{Migrator, Progress, Retry, RevisionStatus, RunReport, Settings, StepReport};
pub use seed::{SeedPlan, SeedStatement, SeededTable, seed_plan};
pub use state::{LogEntry, log_table_name};
