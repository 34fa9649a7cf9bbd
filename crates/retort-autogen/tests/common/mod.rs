//! The repository's example project as a [`Project`], for the tests that
//! read its sources.

use std::path::PathBuf;

use retort_autogen::{Chain, Project};
use retort_script::Script;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One chain: the repository's `migrations/` and the blog fixture's entities.
pub fn project() -> Project {
    Project {
        chains: vec![Chain {
            name: None,
            script: Script::load(&root().join("migrations")).unwrap(),
            version_table: "alembic_version".into(),
            model_paths: vec![root().join("fixtures/blog/entity")],
            exclude_tables: Vec::new(),
            models: None,
        }],
        types: Default::default(),
    }
}
