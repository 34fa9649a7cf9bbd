//! `seed`, `seed --sql` and `fresh --seed` on real PostgreSQL, MariaDB and
//! SQLite databases: rows read back, a second run replaces instead of
//! duplicating, and a bad seed changes nothing.

mod common;
use common::*;
use retort_testing::{Dialect, TestDb, test_db};

const REVISION: &str = r#"revision = "a00000000001"
message = "users and posts"

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "meta", type = "json", nullable = true },
  { name = "joined", type = "timestamp", nullable = true },
]

[[upgrade]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "user_id", type = "integer" },
  { name = "title", type = "varchar(200)" },
]
foreign_keys = [{ columns = ["user_id"], ref_table = "users", ref_columns = ["id"] }]

[[downgrade]]
op = "drop_table"
table = "posts"

[[downgrade]]
op = "drop_table"
table = "users"
"#;

const USERS: &str = r#"# two users
[[users]]
id = 1
email = "ada@example.com"
meta = { admin = true, langs = ["en", "fr"] }
joined = 2024-05-01T09:30:00

[[users]]
id = 2
email = "bob@example.com"
"#;

const POSTS: &str = r#"[[posts]]
id = 1
user_id = 2
title = "Hello"
"#;

fn seeded_project() -> tempfile::TempDir {
    let p = project();
    write_revision(p.path(), "a1.toml", REVISION);
    write_seed(p.path(), "01_users.toml", USERS);
    write_seed(p.path(), "02_posts.toml", POSTS);
    p
}

fn write_seed(dir: &std::path::Path, name: &str, text: &str) {
    let seeds = dir.join("migrations/seeds");
    fs_err::create_dir_all(&seeds).unwrap();
    fs_err::write(seeds.join(name), text).unwrap();
}

async fn rows(db: &TestDb, sql: &str) -> Vec<Vec<String>> {
    db.query_strings(sql)
        .await
        .into_iter()
        .map(|r| r.into_iter().map(|c| c.unwrap_or_default()).collect())
        .collect()
}

/// The seeded rows, whatever the server's spelling of JSON and timestamps.
async fn assert_seeded(db: &TestDb, ada_email: &str) {
    assert_eq!(
        rows(db, "SELECT id, email FROM users ORDER BY id").await,
        [["1", ada_email], ["2", "bob@example.com"]]
    );
    assert_eq!(
        rows(db, "SELECT id, user_id, title FROM posts").await,
        [["1", "2", "Hello"]]
    );
    let r = rows(db, "SELECT meta, joined FROM users WHERE id = 1").await;
    let meta: serde_json::Value = serde_json::from_str(&r[0][0]).unwrap();
    assert_eq!(
        meta,
        serde_json::json!({ "admin": true, "langs": ["en", "fr"] })
    );
    assert!(r[0][1].starts_with("2024-05-01 09:30:00"), "{:?}", r[0][1]);
}

async fn seeds_load_and_load_again(dialect: Dialect) {
    let db = test_db!(dialect, "seed_load");
    let p = seeded_project();
    let d = p.path();
    let url = db.url.clone();
    ok(d, &with_url(&url, &["upgrade", "head"]));
    let o = retort(d, &with_url(&url, &["seed"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("Seeded users: 2 row(s)") && err.contains("Seeded posts: 1 row(s)"),
        "{err}"
    );
    assert_seeded(&db, "ada@example.com").await;

    // A second run replaces rows by primary key instead of adding them.
    write_seed(
        d,
        "01_users.toml",
        &USERS.replace("ada@example.com", "ada@lovelace.dev"),
    );
    ok(d, &with_url(&url, &["seed"]));
    assert_seeded(&db, "ada@lovelace.dev").await;

    // The application's own inserts still get fresh keys (PostgreSQL's
    // sequence was moved past the seeded ids).
    db.execute("INSERT INTO users (email) VALUES ('cy@example.com')")
        .await
        .unwrap();
    assert_eq!(
        rows(&db, "SELECT id FROM users WHERE email = 'cy@example.com'").await,
        [["3"]]
    );

    // `fresh --seed` leaves exactly the seeded rows.
    ok(d, &with_url(&url, &["fresh", "--force", "--seed"]));
    assert_seeded(&db, "ada@lovelace.dev").await;

    // `seed --sql` prints what runs: on a second database it loads the same rows.
    let db2 = test_db!(dialect, "seed_sql");
    ok(d, &with_url(&db2.url, &["upgrade", "head"]));
    let script = ok(d, &["seed", "--sql", "--dialect", dialect.name()]);
    assert!(script.starts_with("BEGIN;"), "{script}");
    db2.execute_script(&script)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{script}"));
    assert_seeded(&db2, "ada@lovelace.dev").await;

    // By name: only that file.
    ok(d, &with_url(&db2.url, &["fresh", "--force"]));
    ok(d, &with_url(&db2.url, &["seed", "01_users"]));
    assert_eq!(rows(&db2, "SELECT COUNT(*) FROM users").await, [["2"]]);
    assert_eq!(rows(&db2, "SELECT COUNT(*) FROM posts").await, [["0"]]);
    db2.drop().await;
    db.drop().await;
}

#[tokio::test]
async fn seeds_load_and_load_again_postgres() {
    seeds_load_and_load_again(Dialect::Postgres).await;
}

#[tokio::test]
async fn seeds_load_and_load_again_mysql() {
    seeds_load_and_load_again(Dialect::Mysql).await;
}

#[tokio::test]
async fn seeds_load_and_load_again_sqlite() {
    seeds_load_and_load_again(Dialect::Sqlite).await;
}

async fn assert_empty(db: &TestDb) {
    assert_eq!(rows(db, "SELECT COUNT(*) FROM users").await, [["0"]]);
    assert_eq!(rows(db, "SELECT COUNT(*) FROM posts").await, [["0"]]);
}

async fn bad_seeds_change_nothing(dialect: Dialect) {
    let db = test_db!(dialect, "seed_bad");
    let p = seeded_project();
    let d = p.path();
    let url = db.url.clone();
    ok(d, &with_url(&url, &["upgrade", "head"]));

    // A misspelt column: file, line, the column, and the ones there are.
    write_seed(d, "02_posts.toml", &POSTS.replace("title", "titel"));
    let e = fails(d, &with_url(&url, &["seed"]), 2);
    assert!(
        e.contains("02_posts.toml:4: table `posts` has no column `titel`")
            && e.contains("hint: its columns: id, user_id, title"),
        "{e}"
    );
    assert_empty(&db).await;

    // `fresh --seed` checks the seeds before it drops anything.
    ok(d, &with_url(&url, &["seed", "01_users"]));
    let e = fails(d, &with_url(&url, &["fresh", "--force", "--seed"]), 2);
    assert!(e.contains("no column `titel`"), "{e}");
    assert_eq!(rows(&db, "SELECT COUNT(*) FROM users").await, [["2"]]);
    db.execute("DELETE FROM users").await.unwrap();
    assert_empty(&db).await;

    // A table the revisions never made.
    write_seed(d, "02_posts.toml", "\n[[comments]]\nid = 1\n");
    let e = fails(d, &with_url(&url, &["seed"]), 2);
    assert!(
        e.contains("02_posts.toml:2: there is no table `comments`") && e.contains("posts, users"),
        "{e}"
    );
    assert_empty(&db).await;

    // Not TOML.
    write_seed(d, "02_posts.toml", "[[posts]]\nid = \n");
    let e = fails(d, &with_url(&url, &["seed"]), 2);
    assert!(e.contains("02_posts.toml:2:"), "{e}");
    assert_empty(&db).await;

    // A value the column cannot hold.
    write_seed(d, "02_posts.toml", "[[posts]]\nid = 1\ntitle = [\"a\"]\n");
    let e = fails(d, &with_url(&url, &["seed"]), 2);
    assert!(
        e.contains("02_posts.toml:3: column `posts.title`: an array or table fits only a json"),
        "{e}"
    );
    assert_empty(&db).await;

    // One key twice in a table.
    write_seed(d, "02_posts.toml", &format!("{POSTS}\n{POSTS}"));
    let e = fails(d, &with_url(&url, &["seed"]), 2);
    assert!(
        e.contains("02_posts.toml:6: a second `posts` row with id = 1 (the first is on line 1)"),
        "{e}"
    );
    assert_empty(&db).await;

    // The database refuses a row (no user 99): the users already sent in
    // the same run are rolled back too.
    write_seed(
        d,
        "02_posts.toml",
        &POSTS.replace("user_id = 2", "user_id = 99"),
    );
    let e = fails(d, &with_url(&url, &["seed"]), 3);
    assert!(
        e.contains("seeding `posts` from")
            && e.contains("02_posts.toml:1 failed")
            && e.contains("rolled back"),
        "{e}"
    );
    assert_empty(&db).await;

    // An unknown name, and no seeds at all.
    let e = fails(d, &with_url(&url, &["seed", "03_nope"]), 2);
    assert!(
        e.contains("no seed file `03_nope`") && e.contains("01_users, 02_posts"),
        "{e}"
    );
    let bare = project();
    let e = fails(bare.path(), &with_url(&url, &["seed"]), 2);
    assert!(e.contains("no seed files in") && e.contains("hint:"), "{e}");

    // Before any upgrade there is nothing to seed into.
    let db2 = test_db!(dialect, "seed_base");
    write_seed(d, "02_posts.toml", POSTS);
    let e = fails(d, &with_url(&db2.url, &["seed"]), 2);
    assert!(
        e.contains("there is no table `users` at base") && e.contains("retort upgrade head"),
        "{e}"
    );
    assert_eq!(db2.tables().await, Vec::<String>::new());
    db2.drop().await;
    db.drop().await;
}

#[tokio::test]
async fn bad_seeds_change_nothing_postgres() {
    bad_seeds_change_nothing(Dialect::Postgres).await;
}

#[tokio::test]
async fn bad_seeds_change_nothing_mysql() {
    bad_seeds_change_nothing(Dialect::Mysql).await;
}

#[tokio::test]
async fn bad_seeds_change_nothing_sqlite() {
    bad_seeds_change_nothing(Dialect::Sqlite).await;
}

/// PostgreSQL array columns take TOML arrays.
#[tokio::test]
async fn arrays_on_postgres() {
    let db = test_db!(Dialect::Postgres, "seed_arrays");
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a1.toml",
        "revision = \"a00000000001\"\nmessage = \"tags\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"notes\"\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"tags\", type = \"text[]\" },\n]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"notes\"\n",
    );
    write_seed(
        d,
        "notes.toml",
        "[[notes]]\nid = 1\ntags = [\"a\", \"b \\\"c\\\"\", \"d,e\"]\n",
    );
    ok(d, &with_url(&db.url, &["upgrade", "head"]));
    ok(d, &with_url(&db.url, &["seed"]));
    assert_eq!(
        rows(
            &db,
            "SELECT array_length(tags, 1), tags[2], tags[3] FROM notes"
        )
        .await,
        [["3", "b \"c\"", "d,e"]]
    );
    db.drop().await;
}

const TYPED: &str = r#"revision = "b00000000001"
message = "typed columns"

[[upgrade]]
op = "create_enum"
name = "mood"
values = ["ok", "sad"]

[[upgrade]]
op = "create_table"
table = "flags"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "active", type = "boolean" },
  { name = "label", type = "varchar(5)", nullable = true },
  { name = "mood", type = "enum(mood)", nullable = true },
  { name = "n", type = "smallint", nullable = true },
]

[[downgrade]]
op = "drop_table"
table = "flags"

[[downgrade]]
op = "drop_enum"
name = "mood"
"#;

const BAD_FLAGS: &str = r#"[[flags]]
id = 1
active = "yes"
label = 7
mood = "happy"

[[flags]]
id = 2
active = true
label = "too long"
n = 70000
"#;

/// Every value is checked against its column's type (and an enum's values)
/// before anything runs, and every problem of the file is reported at once.
async fn seed_values_fit_their_columns(dialect: Dialect) {
    let db = test_db!(dialect, "seed_types");
    let p = project();
    let d = p.path();
    write_revision(d, "b1.toml", TYPED);
    write_seed(d, "01_flags.toml", BAD_FLAGS);
    let url = db.url.clone();
    ok(d, &with_url(&url, &["upgrade", "head"]));
    let name = dialect.name();
    for args in [
        with_url(&url, &["seed"]),
        vec!["seed", "--sql", "--dialect", name],
        with_url(&url, &["fresh", "--force", "--seed"]),
    ] {
        let e = fails(d, &args, 2);
        for needle in [
            "5 problems in the seed files; nothing ran",
            "01_flags.toml:3: column `flags.active`: the string \"yes\" does not fit `boolean`",
            "01_flags.toml:4: column `flags.label`: the integer `7` does not fit `varchar(5)`",
            "01_flags.toml:5: column `flags.mood`: \"happy\" is not a value of enum `mood` (its values: ok, sad)",
            "01_flags.toml:10: column `flags.label`: the string is 8 characters long and `varchar(5)` holds 5",
            "01_flags.toml:11: column `flags.n`: 70000 is out of the range of `smallint`",
            "\nhint: ",
        ] {
            assert!(
                e.contains(needle),
                "{name} {args:?}: `{needle}` missing from\n{e}"
            );
        }
        assert_eq!(rows(&db, "SELECT COUNT(*) FROM flags").await, [["0"]]);
    }
    write_seed(
        d,
        "01_flags.toml",
        "[[flags]]\nid = 1\nactive = true\nlabel = \"seven\"\nmood = \"sad\"\nn = 7\n",
    );
    ok(d, &with_url(&url, &["seed"]));
    let got = rows(&db, "SELECT id, label, mood, n FROM flags").await;
    assert_eq!(got, [["1", "seven", "sad", "7"]]);
    // SQLite stored `"yes"` as text before; a boolean is 1 on every backend.
    let active = rows(&db, "SELECT CASE WHEN active THEN 1 ELSE 0 END FROM flags").await;
    assert_eq!(active, [["1"]]);
    db.drop().await;
}

#[tokio::test]
async fn seed_values_fit_their_columns_postgres() {
    seed_values_fit_their_columns(Dialect::Postgres).await;
}

#[tokio::test]
async fn seed_values_fit_their_columns_mysql() {
    seed_values_fit_their_columns(Dialect::Mysql).await;
}

#[tokio::test]
async fn seed_values_fit_their_columns_sqlite() {
    seed_values_fit_their_columns(Dialect::Sqlite).await;
}
