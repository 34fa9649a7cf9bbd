//! Turns a revision graph, a target and a dialect into a [`SqlPlan`]: every
//! statement an upgrade or downgrade runs, revision by revision, with the
//! version-table statements. The offline `--sql` script is the plan printed
//! ([`SqlPlan::to_script`]); a live run executes the same plan.

mod error;
mod plan;
mod script;

pub use error::MigrateError;
pub use plan::{PlanOptions, SqlPlan, SqlStep, build_plan, schema_at, stamp_plan};
