//! `retort::embed!`: the example project's revisions compiled into this
//! test, run with no revision file read at run time.

mod common;
use retort_testing::{Dialect, test_db};

#[tokio::test]
async fn embedded_revisions_upgrade_a_database() {
    let db = test_db!(Dialect::Sqlite, "embedded");
    let files: &[(&str, &str)] = retort::embed!("migrations");
    let on_disk = retort::script::Script::load(&common::repo_root().join("migrations")).unwrap();
    assert_eq!(files.len(), on_disk.revisions().len());
    let migrator = retort::Migrator::from_embedded(files).unwrap();
    let report = migrator.upgrade(db.url.as_str(), "head").await.unwrap();
    let heads: Vec<String> = on_disk.heads().iter().map(|h| (*h).to_owned()).collect();
    assert_eq!(report.heads_after, heads);
    assert_eq!(migrator.current(db.url.as_str()).await.unwrap(), heads);
    // The same checksums as the files: `retort status` sees no change.
    let status = migrator.status(db.url.as_str()).await.unwrap();
    assert!(status.iter().all(|s| s.ran && !s.changed));
    db.drop().await;
}

#[test]
fn a_broken_embedded_text_is_an_error_naming_the_file() {
    let err = retort::Migrator::from_embedded(&[("x.toml", "revision = 1")])
        .err()
        .expect("a revision id must be a string");
    assert!(err.to_string().contains("x.toml"), "{err}");
}
