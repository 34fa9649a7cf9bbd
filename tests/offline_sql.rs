//! `upgrade --sql` and `downgrade --sql` scripts, executed as printed on real
//! PostgreSQL, MariaDB and SQLite databases.

mod common;
use common::*;
use retort_testing::{Dialect, test_db};

const EXAMPLE_TABLES: [&str; 6] = [
    "alembic_version",
    "media",
    "post_tag",
    "posts",
    "tags",
    "users",
];

async fn example_round_trip(dialect: Dialect) {
    let db = test_db!(dialect, "example_sql");
    let root = repo_root();
    let d = dialect.name();
    let up = ok(&root, &["upgrade", "head", "--sql", "--dialect", d]);
    assert_eq!(up.contains("BEGIN;"), dialect.transactional_ddl(), "{up}");
    assert_eq!(up.contains("COMMIT;"), dialect.transactional_ddl(), "{up}");
    db.execute_script(&up)
        .await
        .unwrap_or_else(|e| panic!("{d} rejected the upgrade script: {e}\n{up}"));
    assert_eq!(db.tables().await, EXAMPLE_TABLES);
    assert_eq!(versions(&db).await, ["b10900000003"]);
    let tags = db
        .query_strings("SELECT name FROM tags ORDER BY name")
        .await;
    assert_eq!(
        tags,
        [[Some("databases".to_owned())], [Some("rust".to_owned())]]
    );

    // The example's demo seed, printed and run twice (it replaces, never
    // duplicates), on a database the upgrade script built.
    let seed = ok(&root, &["seed", "--sql", "--dialect", d]);
    for _ in 0..2 {
        db.execute_script(&seed)
            .await
            .unwrap_or_else(|e| panic!("{d} rejected the seed script: {e}\n{seed}"));
    }
    let seeded = db
        .query_strings("SELECT u.name, p.title, m.size_bytes FROM media m JOIN posts p ON p.id = m.post_id JOIN users u ON u.id = p.user_id")
        .await;
    assert_eq!(
        seeded,
        [[
            Some("Ada".to_owned()),
            Some("Notes on the Analytical Engine".to_owned()),
            Some("48213".to_owned())
        ]]
    );
    let counts = db
        .query_strings("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM posts)")
        .await;
    assert_eq!(counts, [[Some("2".to_owned()), Some("2".to_owned())]]);
    // A key-only row on a composite key, twice: still one row.
    let tagged = db
        .query_strings(
            "SELECT t.name FROM post_tag pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = 1",
        )
        .await;
    assert_eq!(tagged, [[Some("rust".to_owned())]]);

    // Part of the way down, then the rest.
    let down1 = ok(
        &root,
        &["downgrade", "head:b10900000001", "--sql", "--dialect", d],
    );
    db.execute_script(&down1)
        .await
        .unwrap_or_else(|e| panic!("{d}: {e}\n{down1}"));
    assert_eq!(db.tables().await, ["alembic_version", "posts", "users"]);
    assert_eq!(versions(&db).await, ["b10900000001"]);
    let down2 = ok(
        &root,
        &["downgrade", "b10900000001:base", "--sql", "--dialect", d],
    );
    db.execute_script(&down2)
        .await
        .unwrap_or_else(|e| panic!("{d}: {e}\n{down2}"));
    assert_eq!(db.tables().await, ["alembic_version"]);
    assert!(versions(&db).await.is_empty());

    // The whole way back up from base, then `head:base` at once.
    db.execute_script(&up).await.unwrap();
    let down = ok(&root, &["downgrade", "head:base", "--sql", "--dialect", d]);
    db.execute_script(&down)
        .await
        .unwrap_or_else(|e| panic!("{d}: {e}\n{down}"));
    assert_eq!(db.tables().await, ["alembic_version"]);
    db.drop().await;
}

#[tokio::test]
async fn example_postgres() {
    example_round_trip(Dialect::Postgres).await;
}

#[tokio::test]
async fn example_mysql() {
    example_round_trip(Dialect::Mysql).await;
}

#[tokio::test]
async fn example_sqlite() {
    example_round_trip(Dialect::Sqlite).await;
}

fn rev(id: &str, down: &[&str], table: &str) -> String {
    let down = match down {
        [] => String::new(),
        [one] => format!("down_revision = \"{one}\"\n"),
        many => format!(
            "down_revision = [{}]\n",
            many.iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let ops = if table.is_empty() {
        String::new()
    } else {
        format!(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"{table}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"{table}\"\n"
        )
    };
    format!("revision = \"{id}\"\n{down}message = \"{id}\"\n\n{ops}")
}

/// A branch and a merge: the version table follows Alembic's rows through
/// the scripts, and the merged script builds every branch's tables.
async fn branches_and_merge(dialect: Dialect) {
    let db = test_db!(dialect, "merge_sql");
    let p = project();
    let d = p.path();
    write_revision(d, "a.toml", &rev("aaaaaaaaaaaa", &[], "t_a"));
    write_revision(d, "b.toml", &rev("bbbbbbbbbbbb", &["aaaaaaaaaaaa"], "t_b"));
    write_revision(d, "c.toml", &rev("cccccccccccc", &["aaaaaaaaaaaa"], "t_c"));
    let dn = dialect.name();

    let up = ok(d, &["upgrade", "heads", "--sql", "--dialect", dn]);
    db.execute_script(&up)
        .await
        .unwrap_or_else(|e| panic!("{dn}: {e}\n{up}"));
    assert_eq!(db.tables().await, ["alembic_version", "t_a", "t_b", "t_c"]);
    assert_eq!(versions(&db).await, ["bbbbbbbbbbbb", "cccccccccccc"]);

    write_revision(
        d,
        "m.toml",
        &rev("dddddddddddd", &["bbbbbbbbbbbb", "cccccccccccc"], "t_m"),
    );
    let merge = ok(
        d,
        &[
            "upgrade",
            "bbbbbbbbbbbb,cccccccccccc:head",
            "--sql",
            "--dialect",
            dn,
        ],
    );
    db.execute_script(&merge)
        .await
        .unwrap_or_else(|e| panic!("{dn}: {e}\n{merge}"));
    assert_eq!(versions(&db).await, ["dddddddddddd"]);
    assert_eq!(
        db.tables().await,
        ["alembic_version", "t_a", "t_b", "t_c", "t_m"]
    );

    // Down through the merge: back to two heads, then to base.
    let unmerge = ok(
        d,
        &[
            "downgrade",
            "dddddddddddd:bbbbbbbbbbbb",
            "--sql",
            "--dialect",
            dn,
        ],
    );
    db.execute_script(&unmerge)
        .await
        .unwrap_or_else(|e| panic!("{dn}: {e}\n{unmerge}"));
    assert_eq!(versions(&db).await, ["bbbbbbbbbbbb", "cccccccccccc"]);
    assert_eq!(db.tables().await, ["alembic_version", "t_a", "t_b", "t_c"]);

    // From the two heads the database has now:
    let down = ok(
        d,
        &[
            "downgrade",
            "bbbbbbbbbbbb,cccccccccccc:base",
            "--sql",
            "--dialect",
            dn,
        ],
    );
    db.execute_script(&down)
        .await
        .unwrap_or_else(|e| panic!("{dn}: {e}\n{down}"));
    assert_eq!(db.tables().await, ["alembic_version"]);
    assert!(versions(&db).await.is_empty());

    // From base, one script to the merge leaves one row.
    let full = ok(d, &["upgrade", "head", "--sql", "--dialect", dn]);
    db.execute_script(&full)
        .await
        .unwrap_or_else(|e| panic!("{dn}: {e}\n{full}"));
    assert_eq!(versions(&db).await, ["dddddddddddd"]);
    db.drop().await;
}

#[tokio::test]
async fn merge_postgres() {
    branches_and_merge(Dialect::Postgres).await;
}

#[tokio::test]
async fn merge_mysql() {
    branches_and_merge(Dialect::Mysql).await;
}

#[tokio::test]
async fn merge_sqlite() {
    branches_and_merge(Dialect::Sqlite).await;
}

#[test]
fn sql_needs_a_dialect_or_url_and_opens_no_connection() {
    let p = project();
    let d = p.path();
    write_revision(d, "a.toml", &rev("aaaaaaaaaaaa", &[], "t_a"));
    // The init template's URL is sqlite: the dialect comes from it.
    let s = ok(d, &["upgrade", "head", "--sql"]);
    assert!(s.contains("CREATE TABLE"), "{s}");
    // An unreachable server: --sql never connects, so it still works, and the password stays hidden.
    let s = ok(
        d,
        &[
            "--url",
            "postgres://u:hunter2@192.0.2.1:1/db",
            "upgrade",
            "head",
            "--sql",
        ],
    );
    assert!(s.contains("BEGIN;") && !s.contains("hunter2"), "{s}");
    let e = fails(
        d,
        &[
            "--url",
            "oracle://u:hunter2@h/db",
            "upgrade",
            "head",
            "--sql",
        ],
        2,
    );
    assert!(
        e.contains("oracle://u:***@h/db") && !e.contains("hunter2"),
        "{e}"
    );
}

#[test]
fn irreversible_downgrade_stops_with_an_error() {
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "a.toml",
        "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n[[downgrade]]\nop = \"irreversible\"\nreason = \"data was rewritten\"\n",
    );
    let e = fails(
        d,
        &["downgrade", "head:base", "--sql", "--dialect", "postgres"],
        2,
    );
    assert!(
        e.contains("aaaaaaaaaaaa")
            && e.contains("irreversible")
            && e.contains("data was rewritten"),
        "{e}"
    );
}

/// `--sql` prints each revision's data pre-checks as comments with their
/// query, before the revision's statements; the query, run on a database
/// the script built, finds the offending rows.
async fn prechecks_as_comments(dialect: Dialect) {
    let db = test_db!(dialect, "precheck_sql");
    let p = project();
    let d = p.path();
    write_revision(
        d,
        "01.toml",
        "revision = \"a00000000001\"\nmessage = \"users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"email\", type = \"varchar(100)\", nullable = true },\n  { name = \"bio\", type = \"text\", nullable = true },\n]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n",
    );
    write_revision(
        d,
        "02.toml",
        "revision = \"a00000000002\"\ndown_revision = \"a00000000001\"\nmessage = \"tighten\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"bio\"\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\nnullable = false\n\n[[downgrade]]\nop = \"irreversible\"\n",
    );
    let name = dialect.name();
    let first = ok(d, &["upgrade", "a00000000001", "--sql", "--dialect", name]);
    assert!(!first.contains("pre-check"), "{first}");
    db.execute_script(&first).await.unwrap();
    db.execute("INSERT INTO users (id, email) VALUES (1, NULL), (2, 'b'), (3, NULL)")
        .await
        .unwrap();
    let second = ok(
        d,
        &["upgrade", "a00000000001:head", "--sql", "--dialect", name],
    );
    let comment = second
        .find("-- pre-check: ")
        .unwrap_or_else(|| panic!("no pre-check in:\n{second}"));
    assert!(
        second[comment..].starts_with(
            "-- pre-check: migrations/versions/02.toml:10 `alter_column` step 2 (alter column `users.email` (not null)): the revision is refused if rows with NULL in `users.email` exist:\n--   SELECT "
        ),
        "{second}"
    );
    // Before the revision's statements, after its header.
    let header = second.find("-- Running upgrade").unwrap();
    let drop = second
        .find("DROP COLUMN")
        .unwrap_or(usize::MAX)
        .min(second.find("_retort_new_users").unwrap_or(usize::MAX));
    assert!(header < comment && comment < drop, "{second}");
    let query = second[comment..]
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("--   ")
        .trim_end_matches(';');
    let rows = db.query_strings(query).await;
    assert_eq!(
        rows,
        [[Some("1".to_owned())], [Some("3".to_owned())]],
        "{query}"
    );
    db.drop().await;
}

#[tokio::test]
async fn prechecks_as_comments_postgres() {
    prechecks_as_comments(Dialect::Postgres).await;
}

#[tokio::test]
async fn prechecks_as_comments_mysql() {
    prechecks_as_comments(Dialect::Mysql).await;
}

#[tokio::test]
async fn prechecks_as_comments_sqlite() {
    prechecks_as_comments(Dialect::Sqlite).await;
}
