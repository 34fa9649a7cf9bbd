//! retort as a library: the engine of the `retort` command, for running
//! migrations from the application's own binary and checking its models in
//! its own tests.
//!
//! ```no_run
//! # async fn start() -> Result<(), retort::MigrateError> {
//! // The revision files, checked when the program compiles and carried in it.
//! let migrator = retort::Migrator::from_embedded(retort::embed!("migrations"))?;
//! migrator.upgrade("sqlite://app.db", "head").await?;
//! # Ok(()) }
//! ```
//!
//! * [`embed!`] and [`Migrator`]: upgrade, downgrade, status, baseline,
//!   from embedded files, a directory or a URL or an sqlx pool.
//! * [`autogen`]: the models, the revision chain and the database compared
//!   (`check`), and the plans of autogenerate and baseline.
//! * [`script`]: revision files and the revision graph.
//! * `testing` (feature `sea-orm`): `assert_models_match!`, the compiled
//!   SeaORM entities compared with the revision chain in the application's
//!   own tests.
//!
//! Depend on it without the command line: `retort = { git = "...",
//! default-features = false }`.

pub use retort_autogen as autogen;
/// Development start-up: [`dev::sync_to_models`] brings a local development
/// database to the models directly, with no revision (development only).
pub use retort_autogen::dev;
pub use retort_core::{Dialect, Operation, Schema, redact_url};
pub use retort_embed::embed;
pub use retort_migrate as migrate;
pub use retort_migrate::{Database, MigrateError, Migrator, RunReport, Settings};
pub use retort_script as script;

#[cfg(feature = "sea-orm")]
pub mod testing;
