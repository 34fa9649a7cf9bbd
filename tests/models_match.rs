//! `retort::testing::assert_models_match!`: the blog fixture's entities,
//! compiled, against the root project's revision chain (`migrations/`,
//! written for those entities), embedded and from the folder, on each
//! dialect; and the same chain against entities with a field it lacks.

#![allow(dead_code, unused_imports, clippy::all)]

#[path = "../fixtures/blog/entity/mod.rs"]
mod blog;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use retort::Dialect;
use retort::testing::{CompiledModels, ModelsError, Revisions, compare_models};

/// The blog's `users` with one more field, `nickname`, that no revision adds.
mod users_with_nickname {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_type = "String(StringLen::N(255))", unique)]
        pub email: String,
        #[sea_orm(column_type = "String(StringLen::N(100))")]
        pub name: String,
        #[sea_orm(column_type = "Text", nullable)]
        pub bio: Option<String>,
        #[sea_orm(default_expr = "Expr::current_timestamp()")]
        pub created_at: DateTimeWithTimeZone,
        pub nickname: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The blog without `media`, which the chain creates.
fn without_media(dialect: Dialect) -> CompiledModels {
    CompiledModels::new(dialect)
        .entity::<blog::users::Entity>()
        .entity::<blog::posts::Entity>()
        .entity::<blog::tags::Entity>()
        .entity::<blog::post_tag::Entity>()
}

fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn the_blog_entities_match_the_embedded_chain_on_each_dialect() {
    for dialect in Dialect::ALL {
        retort::testing::assert_models_match!(
            dialect,
            retort::embed!("migrations"),
            [
                blog::users::Entity,
                blog::posts::Entity,
                blog::tags::Entity,
                blog::post_tag::Entity,
                blog::media::Entity,
            ],
        );
    }
}

#[test]
fn the_chain_can_come_from_its_folder() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let models = without_media(Dialect::Sqlite).entity::<blog::media::Entity>();
    retort::testing::assert_models_match(Dialect::Sqlite, dir.as_path(), models);
}

#[test]
fn a_field_no_revision_adds_fails_naming_it_on_each_dialect() {
    for dialect in Dialect::ALL {
        let message = panic_message(|| {
            retort::testing::assert_models_match!(
                dialect,
                retort::embed!("migrations"),
                [
                    users_with_nickname::Entity,
                    blog::posts::Entity,
                    blog::tags::Entity,
                    blog::post_tag::Entity,
                    blog::media::Entity,
                ],
            )
        });
        assert!(
            message.contains("models vs revisions: a revision is missing (1 difference(s))"),
            "{dialect:?}: {message}"
        );
        assert!(
            message.contains("added column `users.nickname`"),
            "{dialect:?}: {message}"
        );
        assert!(
            message.contains("resolve: run `retort revision --autogenerate"),
            "{dialect:?}: {message}"
        );
        // The report is `retort check`'s: the DDL diff shows the column.
        assert!(
            message
                .lines()
                .any(|l| l.starts_with('+') && l.contains("nickname")),
            "{dialect:?}: {message}"
        );
    }
}

#[test]
#[should_panic(expected = "added column `users.nickname`")]
fn should_panic_names_the_field() {
    retort::testing::assert_models_match!(
        Dialect::Postgres,
        retort::embed!("migrations"),
        [
            users_with_nickname::Entity,
            blog::posts::Entity,
            blog::tags::Entity,
            blog::post_tag::Entity,
            blog::media::Entity,
        ],
    );
}

#[test]
fn a_table_the_chain_builds_and_no_entity_describes_is_a_difference() {
    let report = compare_models(
        Dialect::Mysql,
        retort::embed!("migrations"),
        without_media(Dialect::Mysql),
    )
    .unwrap();
    assert!(!report.in_sync());
    let text = report.report();
    assert!(text.contains("`media`"), "{text}");
    assert!(text.contains("[destructive]"), "{text}");
}

#[test]
fn a_broken_revision_names_the_file_and_line() {
    let files: &[(&str, &str)] = &[(
        "a.toml",
        "revision = \"aaaaaaaaaaaa\"\nmessage = \"one\"\n\n[[upgrade]]\nop = \"create_tabel\"\n",
    )];
    let err = compare_models(
        Dialect::Sqlite,
        Revisions::from(files),
        without_media(Dialect::Sqlite),
    )
    .unwrap_err();
    assert!(matches!(err, ModelsError::Revisions(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("a.toml:") && text.contains("create_tabel"),
        "{text}"
    );
}
