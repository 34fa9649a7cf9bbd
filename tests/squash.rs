//! `retort squash FROM:TO` and `--prune` through the binary, on SQLite and
//! PostgreSQL: a new database runs the squashed revision, one inside the
//! range upgrades through the originals, `status` shows both, both end with
//! the same schema (read back through the catalog), and `--prune` refuses
//! until the database is at or past the squash.

mod common;

use common::*;
use retort_testing::{Dialect, test_db};

const REVISIONS: &[(&str, &str)] = &[
    (
        "1_a.toml",
        r#"revision = "a"
message = "users"
[[upgrade]]
op = "create_table"
table = "users"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[downgrade]]
op = "drop_table"
table = "users"
"#,
    ),
    (
        "2_b.toml",
        r#"revision = "b"
down_revision = "a"
message = "posts"
[[upgrade]]
op = "bulk_insert"
table = "users"
rows = [{ id = 1 }]
[[upgrade]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "user_id", type = "integer" },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"] }]
[[downgrade]]
op = "drop_table"
table = "posts"
[[downgrade]]
op = "execute"
sql = "DELETE FROM users WHERE id = 1"
"#,
    ),
    (
        "3_c.toml",
        r#"revision = "c"
down_revision = "b"
message = "posts.title, a scratch table"
[[upgrade]]
op = "add_column"
table = "posts"
column = { name = "title", type = "varchar(50)" }
[[upgrade]]
op = "create_table"
table = "scratch"
columns = [{ name = "id", type = "integer" }]
[[downgrade]]
op = "drop_table"
table = "scratch"
[[downgrade]]
op = "drop_column"
table = "posts"
column = "title"
"#,
    ),
    (
        "4_d.toml",
        r#"revision = "d"
down_revision = "c"
message = "wider title, no scratch"
[[upgrade]]
op = "alter_column"
table = "posts"
column = "title"
type = "varchar(200)"
nullable = true
new_name = "headline"
[[upgrade]]
op = "drop_table"
table = "scratch"
[[upgrade]]
op = "create_index"
table = "posts"
name = "ix_posts_headline"
columns = ["headline"]
[[downgrade]]
op = "drop_index"
table = "posts"
name = "ix_posts_headline"
[[downgrade]]
op = "create_table"
table = "scratch"
columns = [{ name = "id", type = "integer" }]
[[downgrade]]
op = "alter_column"
table = "posts"
column = "headline"
type = "varchar(50)"
nullable = false
new_name = "title"
"#,
    ),
    (
        "5_e.toml",
        r#"revision = "e"
down_revision = "d"
message = "tags"
[[upgrade]]
op = "create_table"
table = "tags"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[downgrade]]
op = "drop_table"
table = "tags"
"#,
    ),
];

/// The status rows as (revision, ran, marks) from `status --format json`.
fn status(dir: &std::path::Path, url: &str) -> Vec<(String, bool, String)> {
    let out = ok(dir, &with_url(url, &["status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let marks = match (&r["replaced_by"], r["replaces"].as_array()) {
                (serde_json::Value::String(by), _) => format!("by {by}"),
                (_, Some(list)) if !list.is_empty() => format!("replaces {}", list.len()),
                _ => String::new(),
            };
            (
                r["revision"].as_str().unwrap().to_owned(),
                r["ran"].as_bool().unwrap(),
                marks,
            )
        })
        .collect()
}

fn row(id: &str, ran: bool, marks: &str) -> (String, bool, String) {
    (id.to_owned(), ran, marks.to_owned())
}

async fn squash_end_to_end(dialect: Dialect) {
    let new_db = test_db!(dialect, "squash_new");
    let mid_db = test_db!(dialect, "squash_mid");
    let p = project();
    let d = p.path();
    for (name, text) in REVISIONS {
        write_revision(d, name, text);
    }
    let (new_url, mid_url) = (new_db.url.as_str(), mid_db.url.as_str());
    ok(d, &with_url(mid_url, &["upgrade", "c"]));

    let o = succeeds(
        d,
        &["squash", "b:d", "-m", "posts squashed", "--rev-id", "s"],
    );
    assert_eq!(stdout(&o).trim(), "s");
    let err = stderr(&o);
    assert!(err.contains("Squashed 3 revisions (b to d)"), "{err}");
    assert!(err.contains("Re-pointed `e`"), "{err}");
    let file = fs_err::read_dir(d.join("migrations/versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("_s_"))
        .expect("the squashed file");
    let text = fs_err::read_to_string(&file).unwrap();
    // The scratch table created and dropped inside the range is gone; the
    // column's add, alter and rename are one column of the create; the
    // bulk_insert and the downgrade's execute stay.
    assert!(!text.contains("scratch"), "{text}");
    assert!(
        text.contains("headline") && !text.contains("add_column"),
        "{text}"
    );
    assert!(text.contains("op = \"bulk_insert\""), "{text}");
    assert!(text.contains("DELETE FROM users"), "{text}");
    assert!(text.contains("replaces = [\"b\", \"c\", \"d\"]"), "{text}");

    // A new database runs the squashed revision.
    let err = ok_err(d, &with_url(new_url, &["upgrade", "head"]));
    assert!(err.contains("Running upgrade a -> s"), "{err}");
    assert!(err.contains("Running upgrade s -> e"), "{err}");
    assert!(!err.contains("-> c"), "{err}");
    assert_eq!(versions(&new_db).await, ["e"]);

    // Inside the range: through the originals.
    assert_eq!(
        status(d, mid_url),
        [
            row("a", true, ""),
            row("b", true, "by s"),
            row("c", true, "by s"),
            row("d", false, "by s"),
            row("s", false, "replaces 3"),
            row("e", false, ""),
        ]
    );
    let err = ok_err(d, &with_url(mid_url, &["upgrade", "head"]));
    assert!(err.contains("Running upgrade c -> d"), "{err}");
    assert!(err.contains("Running upgrade d -> e"), "{err}");
    assert!(!err.contains("-> s"), "{err}");
    assert_eq!(versions(&mid_db).await, ["e"]);
    for url in [new_url, mid_url] {
        assert!(status(d, url).iter().all(|(_, ran, _)| *ran), "{url}");
    }
    let table = ok(d, &with_url(new_url, &["status"]));
    assert!(table.contains("(replaced by s)"), "{table}");
    assert!(table.contains("(squashes 3 revisions: b..d)"), "{table}");
    let history = ok(d, &["history"]);
    assert!(history.contains("a -> b (replaced by s)"), "{history}");
    assert!(
        history.contains("s (squashes 3 revisions: b..d)"),
        "{history}"
    );

    // Both databases have the same schema, read back from the catalog.
    let schema = |url: &str| ok(d, &with_url(url, &["inspect", "db", "--format", "json"]));
    assert_eq!(schema(new_url), schema(mid_url));

    // Downgrades through the range, either way.
    ok(d, &with_url(new_url, &["downgrade", "a"]));
    ok(d, &with_url(mid_url, &["downgrade", "c"]));
    assert_eq!(versions(&new_db).await, ["a"]);
    assert_eq!(versions(&mid_db).await, ["c"]);

    // --prune refuses while a database is before or inside the range, and
    // says where it is; nothing changes.
    let err = fails(d, &with_url(new_url, &["squash", "--prune"]), 2);
    assert!(err.contains("the database is at `a`, before `s`"), "{err}");
    let err = fails(d, &with_url(mid_url, &["squash", "--prune"]), 2);
    assert!(
        err.contains("the database is at `c`, inside the range"),
        "{err}"
    );
    assert!(d.join("migrations/versions/3_c.toml").exists());

    ok(d, &with_url(mid_url, &["upgrade", "head"]));
    ok(d, &with_url(new_url, &["upgrade", "head"]));
    let err = ok_err(d, &with_url(mid_url, &["squash", "--prune"]));
    assert!(err.contains("Deleted"), "{err}");
    for f in ["2_b.toml", "3_c.toml", "4_d.toml"] {
        assert!(!d.join("migrations/versions").join(f).exists(), "{f}");
    }
    let text = fs_err::read_to_string(&file).unwrap();
    assert!(!text.contains("replaces ="), "{text}");
    // Both databases go on: down to base through the squash, and up again.
    for url in [new_url, mid_url] {
        ok(d, &with_url(url, &["downgrade", "base"]));
        let err = ok_err(d, &with_url(url, &["upgrade", "head"]));
        assert!(err.contains("Running upgrade a -> s"), "{err}");
    }
    assert_eq!(schema(new_url), schema(mid_url));
    new_db.drop().await;
    mid_db.drop().await;
}

#[tokio::test]
async fn squash_sqlite() {
    squash_end_to_end(Dialect::Sqlite).await;
}

#[tokio::test]
async fn squash_postgres() {
    squash_end_to_end(Dialect::Postgres).await;
}
