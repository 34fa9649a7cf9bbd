//! One file per subcommand family.

pub mod all;
pub mod autogenerate;
pub mod automigrate;
pub mod completions;
pub mod edit;
pub mod graph;
pub mod init;
pub mod inspect;
pub mod lint;
pub mod migrate;
pub mod online;
pub mod revision;
pub mod seed;
pub mod squash;
