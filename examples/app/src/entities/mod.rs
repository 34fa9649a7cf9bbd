//! The application's SeaORM entities: authors write posts, readers comment
//! on them. The revisions in `migrations/` build exactly these tables.

pub mod author;
pub mod comment;
pub mod post;
