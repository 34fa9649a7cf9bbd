//! Filters, schemas, reading over the caller's connection, errors.

use retort_catalog::{CatalogError, ReadOptions, read_schema, read_schema_with};
use retort_core::Dialect;
use sqlx::Connection;

const TABLES: &str = "
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);
CREATE TABLE alembic_version_log (id integer PRIMARY KEY);
CREATE TABLE app_versions (version_num varchar(32) NOT NULL PRIMARY KEY);
CREATE TABLE app_versions_log (id integer PRIMARY KEY);
CREATE TABLE spatial_ref_sys (srid integer PRIMARY KEY);
CREATE TABLE legacy (id integer PRIMARY KEY);
CREATE TABLE users (id integer PRIMARY KEY);
";

fn names(s: &retort_core::Schema) -> Vec<&str> {
    s.tables.keys().map(String::as_str).collect()
}

#[tokio::test]
async fn excluded_tables_are_not_read() {
    for dialect in Dialect::ALL {
        let db = retort_testing::test_db!(dialect, "filters");
        db.execute_script(TABLES).await.unwrap();
        if dialect == Dialect::Sqlite {
            // Makes `sqlite_sequence`.
            db.execute("CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT)")
                .await
                .unwrap();
        } else {
            db.execute("CREATE TABLE counted (id integer PRIMARY KEY)")
                .await
                .unwrap();
        }
        let default = read_schema(&db.url, &ReadOptions::default()).await.unwrap();
        assert_eq!(
            names(&default.schema),
            [
                "app_versions",
                "app_versions_log",
                "counted",
                "legacy",
                "users"
            ],
            "{dialect}"
        );
        let custom = ReadOptions::default()
            .version_table("app_versions")
            .version_log_table("app_versions_log")
            .exclude_tables(["legacy"]);
        let read = read_schema(&db.url, &custom).await.unwrap();
        assert_eq!(
            names(&read.schema),
            ["alembic_version", "alembic_version_log", "counted", "users"],
            "{dialect}"
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn reads_are_deterministic() {
    for dialect in Dialect::ALL {
        let db = retort_testing::test_db!(dialect, "deterministic");
        db.execute_script(
            "CREATE TABLE b (id integer PRIMARY KEY, x integer, y integer);
             CREATE INDEX ix_b_z ON b (y);
             CREATE INDEX ix_b_a ON b (x, y);
             CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));",
        )
        .await
        .unwrap();
        let one = read_schema(&db.url, &ReadOptions::default()).await.unwrap();
        let two = read_schema(&db.url, &ReadOptions::default()).await.unwrap();
        assert_eq!(one, two);
        let ix: Vec<&str> = one.schema.tables["b"]
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(ix, ["ix_b_a", "ix_b_z"], "{dialect}: sorted by name");
        let cols: Vec<&str> = one.schema.tables["b"]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            cols,
            ["id", "x", "y"],
            "{dialect}: columns keep their position"
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn postgres_schemas() {
    let db = retort_testing::test_db!(Dialect::Postgres, "pg_schemas");
    db.execute_script(
        "CREATE SCHEMA app;
         CREATE TYPE app.mood AS ENUM ('sad', 'happy');
         CREATE TABLE app.people (id integer PRIMARY KEY, mood app.mood NOT NULL);
         CREATE TABLE public.other (id integer PRIMARY KEY, person_id integer REFERENCES app.people (id));",
    )
    .await
    .unwrap();
    // The current schema by default.
    let public = read_schema(&db.url, &ReadOptions::default()).await.unwrap();
    assert_eq!(names(&public.schema), ["other"]);
    assert!(public.schema.enums.is_empty());
    assert!(
        public
            .warnings
            .iter()
            .any(|w| w.contains("references `app.people` in another schema")),
        "{:?}",
        public.warnings
    );
    // A named schema.
    let app = read_schema(&db.url, &ReadOptions::default().schema("app"))
        .await
        .unwrap();
    assert_eq!(names(&app.schema), ["people"]);
    assert_eq!(app.schema.enums["mood"].values, ["sad", "happy"]);
    assert_eq!(
        app.schema.tables["people"].columns[1].ty.to_string(),
        "enum(mood)"
    );
    // search_path decides the current schema.
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql("SET search_path TO app, public")
        .execute(&mut conn)
        .await
        .unwrap();
    let via_path = read_schema_with(&mut conn, &ReadOptions::default())
        .await
        .unwrap();
    assert_eq!(via_path.schema, app.schema);
    // A schema that does not exist is an error, not an empty schema.
    let err = read_schema_with(&mut conn, &ReadOptions::default().schema("nope"))
        .await
        .unwrap_err();
    assert!(matches!(err, CatalogError::NoSuchSchema { .. }), "{err}");
    conn.close().await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn reads_over_the_callers_connection() {
    for dialect in Dialect::ALL {
        let db = retort_testing::test_db!(dialect, "with_conn");
        db.execute("CREATE TABLE t (id integer PRIMARY KEY, note varchar(20))")
            .await
            .unwrap();
        let by_url = read_schema(&db.url, &ReadOptions::default()).await.unwrap();
        let read = match dialect {
            Dialect::Postgres => {
                let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
                read_schema_with(&mut c, &ReadOptions::default()).await
            }
            Dialect::Mysql => {
                let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
                read_schema_with(&mut c, &ReadOptions::default()).await
            }
            Dialect::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
                read_schema_with(&mut c, &ReadOptions::default()).await
            }
        }
        .unwrap();
        assert_eq!(read, by_url, "{dialect}");
        db.drop().await;
    }
}

#[tokio::test]
async fn mysql_without_a_database_is_an_error() {
    let Some(db) = retort_testing::TestDb::create(Dialect::Mysql, "no_db").await else {
        return;
    };
    let admin = retort_testing::admin_url(Dialect::Mysql).unwrap();
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/"),
        None => admin,
    };
    let err = read_schema(&url, &ReadOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CatalogError::NoSuchSchema { .. }), "{err}");
    db.drop().await;
}
