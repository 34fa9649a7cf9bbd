//! Drift checks for the application's own tests (feature `sea-orm`).
//!
//! [`assert_models_match!`](crate::assert_models_match) builds the models'
//! schema from the compiled SeaORM entities (what the program really uses,
//! not their source text), replays the revision chain in memory (no
//! database) and compares the two as `retort check` does: on a difference
//! it panics with the same labelled report, "models vs revisions: a
//! revision is missing", each change naming `table.column`.
//!
//! ```ignore
//! #[test]
//! fn the_revisions_build_what_the_entities_describe() {
//!     retort::testing::assert_models_match!(
//!         retort::Dialect::Postgres,
//!         retort::embed!("migrations"),
//!         [user::Entity, post::Entity],
//!     );
//! }
//! ```
//!
//! The entities are compiled, so a field added to one of them without a
//! revision fails the application's `cargo test`, naming the field's
//! column. [`compare_models`] gives the [`Comparison`] instead of
//! panicking.

use std::fmt;
use std::path::{Path, PathBuf};

use retort_autogen::{AutogenError, Comparison, Sources, compare};
use retort_core::Dialect;
use retort_script::{Script, ScriptError};

pub use retort_entity::{Compiled, CompiledError, CompiledErrors, CompiledModels};

/// `assert_models_match!(dialect, revisions, [Entity, ...])`: see the
/// [module docs](crate::testing). `revisions` is what
/// [`embed!`](crate::embed) gives or a script location (a path).
pub use crate::assert_models_match;

/// The revision chain a check replays.
#[derive(Debug, Clone)]
pub enum Revisions<'a> {
    /// File names and texts, as [`embed!`](crate::embed) gives them.
    Embedded(&'a [(&'a str, &'a str)]),
    /// A script location on disk (the folder holding `versions/`).
    Dir(PathBuf),
}

impl<'a> From<&'a [(&'a str, &'a str)]> for Revisions<'a> {
    fn from(files: &'a [(&'a str, &'a str)]) -> Self {
        Revisions::Embedded(files)
    }
}

impl<'a, const N: usize> From<&'a [(&'a str, &'a str); N]> for Revisions<'a> {
    fn from(files: &'a [(&'a str, &'a str); N]) -> Self {
        Revisions::Embedded(files)
    }
}

impl From<&Path> for Revisions<'_> {
    fn from(dir: &Path) -> Self {
        Revisions::Dir(dir.to_owned())
    }
}

impl From<PathBuf> for Revisions<'_> {
    fn from(dir: PathBuf) -> Self {
        Revisions::Dir(dir)
    }
}

impl Revisions<'_> {
    fn load(&self) -> Result<Script, ScriptError> {
        match self {
            Revisions::Embedded(files) => Script::from_texts(PathBuf::from("(embedded)"), files),
            Revisions::Dir(dir) => Script::load(dir),
        }
    }

    fn label(&self) -> String {
        match self {
            Revisions::Embedded(_) => "the embedded revisions".to_owned(),
            Revisions::Dir(dir) => format!("the revisions in {}", dir.display()),
        }
    }
}

/// Why [`compare_models`] could not compare.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModelsError {
    /// An entity retort cannot represent.
    Entities(CompiledErrors),
    /// A revision file that does not load (names the file and line).
    Revisions(ScriptError),
    /// The chain does not replay.
    Replay(Box<AutogenError>),
}

impl fmt::Display for ModelsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelsError::Entities(e) => write!(f, "{e}"),
            ModelsError::Revisions(e) => write!(f, "{e}"),
            ModelsError::Replay(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ModelsError {}

/// The compiled entities `models` compared with the revision chain
/// replayed (M vs C, the only pair without a database), for `dialect`.
/// Warnings about what the conversion left out (`schema_name`, `extra`)
/// are [`Comparison::warnings`].
pub fn compare_models<'a>(
    dialect: Dialect,
    revisions: impl Into<Revisions<'a>>,
    models: CompiledModels,
) -> Result<Comparison, ModelsError> {
    let revisions = revisions.into();
    let compiled = models.finish().map_err(ModelsError::Entities)?;
    let script = revisions.load().map_err(ModelsError::Revisions)?;
    let sources = Sources::models_against_chain(
        revisions.label(),
        &script,
        Some(dialect),
        compiled.schema,
        &compiled.renamed_from,
        compiled.warnings,
    )
    .map_err(|e| ModelsError::Replay(Box::new(e)))?;
    Ok(compare(&sources))
}

/// Panics, with the labelled report `retort check` prints, when the
/// compiled entities `models` and the revision chain disagree (or either
/// cannot be read). The function behind
/// [`assert_models_match!`](crate::assert_models_match).
#[track_caller]
pub fn assert_models_match<'a>(
    dialect: Dialect,
    revisions: impl Into<Revisions<'a>>,
    models: CompiledModels,
) {
    let revisions = revisions.into();
    let label = revisions.label();
    let report = match compare_models(dialect, revisions, models) {
        Ok(r) => r,
        Err(e) => panic!("cannot compare the entities with {label}:\n{e}"),
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !report.in_sync() {
        panic!(
            "the compiled entities and {label} disagree ({}):\n{}",
            dialect.name(),
            report.report().trim_end()
        );
    }
}

/// `assert_models_match!(dialect, revisions, [Entity, ...])`: the compiled
/// entities compared with the revision chain (replayed, no database);
/// panics with `retort check`'s labelled report when they disagree. See
/// [`retort::testing`](crate::testing).
#[macro_export]
macro_rules! assert_models_match {
    ($dialect:expr, $revisions:expr, [$($entity:ty),+ $(,)?] $(,)?) => {{
        let dialect: $crate::Dialect = $dialect;
        $crate::testing::assert_models_match(
            dialect,
            $revisions,
            $crate::testing::CompiledModels::new(dialect)$(.entity::<$entity>())+,
        )
    }};
}
