//! The drift test an application keeps in its own suite: the compiled
//! entities against the embedded revisions (replayed, no database), on each
//! dialect. A field added to an entity without a revision fails it, naming
//! the field (`a_field_without_a_revision_fails_naming_it`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use example_app::MIGRATIONS;
use example_app::entities::{author, comment, post};
use retort::Dialect;

#[test]
fn the_entities_match_the_revisions() {
    for dialect in Dialect::ALL {
        retort::testing::assert_models_match!(
            dialect,
            MIGRATIONS,
            [author::Entity, post::Entity, comment::Entity],
        );
    }
}

/// `src/entities/post.rs` as it is, compiled with one more field
/// (`subtitle`) that no revision adds: the file is the real one, changed
/// by inserting the line below after `title`.
mod changed {
    pub use example_app::entities::{author, comment};

    pub const ADDED: &str = "    pub subtitle: String,\n";
    pub const AFTER: &str = "    pub title: String,\n";

    #[allow(dead_code)]
    pub mod post {
        include!("drift/changed_post.rs");
    }

    // `post`'s `has_many` comments asks the way back; the real comment
    // entity knows only the real post.
    impl sea_orm::Related<post::Entity> for comment::Entity {
        fn to() -> sea_orm::RelationDef {
            use sea_orm::RelationTrait;
            comment::Relation::Post.def()
        }
    }
}

#[test]
fn the_changed_entity_is_the_real_one_plus_one_field() {
    let real = include_str!("../src/entities/post.rs");
    assert_eq!(real.matches(changed::AFTER).count(), 1, "{real}");
    let expected = real.replace(
        changed::AFTER,
        &format!("{}{}", changed::AFTER, changed::ADDED),
    );
    assert_eq!(
        include_str!("drift/changed_post.rs"),
        expected,
        "tests/drift/changed_post.rs must be src/entities/post.rs with the `subtitle` field added"
    );
}

#[test]
fn a_field_without_a_revision_fails_naming_it() {
    for dialect in Dialect::ALL {
        let err = catch_unwind(AssertUnwindSafe(|| {
            retort::testing::assert_models_match!(
                dialect,
                MIGRATIONS,
                [author::Entity, changed::post::Entity, comment::Entity],
            )
        }))
        .expect_err("an entity field no revision adds must fail the drift test");
        let message = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.contains("models vs revisions: a revision is missing"),
            "{dialect:?}: {message}"
        );
        assert!(
            message.contains("added column `posts.subtitle`"),
            "{dialect:?}: {message}"
        );
    }
}
