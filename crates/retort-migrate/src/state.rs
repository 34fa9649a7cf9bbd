//! What the database records: the version table (Alembic's shape) and the
//! log of every step retort ran.

use retort_core::{ColumnSpec, ColumnType, Dialect, Operation, Schema, Value};
use retort_sql::{Sql, insert_row, render, select_rows, table_exists, update_rows};

use crate::MigrateError;
use crate::connection::Conn;

/// Transaction control; fixed keywords, no identifiers.
pub(crate) const BEGIN: &str = "BEGIN";
pub(crate) const COMMIT: &str = "COMMIT";
pub(crate) const ROLLBACK: &str = "ROLLBACK";

pub(crate) fn db_err(doing: impl Into<String>, e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        doing: doing.into(),
        message: crate::error::db_message(&e),
    }
}

/// The log table's name: `<version_table>_log`.
pub fn log_table_name(version_table: &str) -> String {
    format!("{version_table}_log")
}

/// Status of a log row.
pub(crate) const DONE: &str = "done";
pub(crate) const RUNNING: &str = "running";
pub(crate) const FAILED: &str = "failed";
pub(crate) const RESOLVED: &str = "resolved";

/// The log table, as an operation the renderer turns into each dialect's DDL.
fn log_table_op(name: &str) -> Operation {
    let col = |n: &str, t: ColumnType, nullable: bool| {
        let mut c = ColumnSpec::new(n, t);
        c.nullable = nullable;
        c
    };
    let mut id = col("id", ColumnType::Integer, false);
    id.primary_key = true;
    id.autoincrement = true;
    Operation::CreateTable {
        table: name.to_owned(),
        columns: vec![
            id,
            col("revision", ColumnType::Varchar(Some(32)), false),
            col("direction", ColumnType::Varchar(Some(8)), false),
            col("batch", ColumnType::Integer, false),
            col("checksum", ColumnType::Varchar(Some(64)), true),
            col("applied_at", ColumnType::Varchar(Some(40)), false),
            col("duration_ms", ColumnType::BigInteger, false),
            col("status", ColumnType::Varchar(Some(16)), false),
            col("statements_done", ColumnType::Integer, false),
            col("statements_total", ColumnType::Integer, false),
            col("failed_statement", ColumnType::Text, true),
            col("error", ColumnType::Text, true),
        ],
        primary_key: Vec::new(),
        uniques: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
        comment: None,
    }
}

/// One row of the log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub id: i64,
    pub revision: String,
    pub direction: String,
    pub batch: i64,
    pub checksum: Option<String>,
    pub applied_at: String,
    pub duration_ms: i64,
    pub status: String,
    pub statements_done: i64,
    pub statements_total: i64,
    pub failed_statement: Option<String>,
    pub error: Option<String>,
}

const LOG_COLUMNS: [&str; 12] = [
    "id",
    "revision",
    "direction",
    "batch",
    "checksum",
    "applied_at",
    "duration_ms",
    "status",
    "statements_done",
    "statements_total",
    "failed_statement",
    "error",
];

pub(crate) struct State<'a> {
    pub dialect: Dialect,
    pub version_table: &'a str,
    pub log_table: String,
}

impl<'a> State<'a> {
    pub(crate) fn new(dialect: Dialect, version_table: &'a str) -> Self {
        State {
            dialect,
            version_table,
            log_table: log_table_name(version_table),
        }
    }

    pub(crate) async fn table_exists(
        &self,
        conn: &mut Conn,
        table: &str,
    ) -> Result<bool, MigrateError> {
        let rows = conn
            .fetch(table_exists(self.dialect, table).as_str())
            .await
            .map_err(|e| db_err(format!("looking for table `{table}`"), e))?;
        Ok(rows
            .first()
            .and_then(|r| r[0].as_deref())
            .is_some_and(|n| n != "0"))
    }

    /// Statements that create the log table when it is missing.
    pub(crate) async fn log_table_ddl(&self, conn: &mut Conn) -> Result<Vec<Sql>, MigrateError> {
        if self.table_exists(conn, &self.log_table).await? {
            return Ok(Vec::new());
        }
        let rendered = render(
            &log_table_op(&self.log_table),
            &Schema::default(),
            self.dialect,
        )
        .map_err(|e| MigrateError::Database {
            doing: "rendering the log table".into(),
            message: e.to_string(),
        })?;
        Ok(rendered.statements)
    }

    /// The rows of the version table (the current heads), sorted.
    pub(crate) async fn heads(&self, conn: &mut Conn) -> Result<Vec<String>, MigrateError> {
        if !self.table_exists(conn, self.version_table).await? {
            return Ok(Vec::new());
        }
        let sql = select_rows(
            self.dialect,
            self.version_table,
            &["version_num"],
            &["version_num"],
        );
        let rows = conn
            .fetch(sql.as_str())
            .await
            .map_err(|e| db_err("reading the version table", e))?;
        Ok(rows
            .into_iter()
            .filter_map(|mut r| r.swap_remove(0))
            .collect())
    }

    /// Every log row, oldest first (empty when there is no log table yet).
    pub(crate) async fn log(&self, conn: &mut Conn) -> Result<Vec<LogEntry>, MigrateError> {
        if !self.table_exists(conn, &self.log_table).await? {
            return Ok(Vec::new());
        }
        let sql = select_rows(self.dialect, &self.log_table, &LOG_COLUMNS, &["id"]);
        let rows = conn
            .fetch(sql.as_str())
            .await
            .map_err(|e| db_err("reading the log table", e))?;
        let int = |v: &Option<String>| v.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|r| LogEntry {
                id: int(&r[0]),
                revision: r[1].clone().unwrap_or_default(),
                direction: r[2].clone().unwrap_or_default(),
                batch: int(&r[3]),
                checksum: r[4].clone(),
                applied_at: r[5].clone().unwrap_or_default(),
                duration_ms: int(&r[6]),
                status: r[7].clone().unwrap_or_default(),
                statements_done: int(&r[8]),
                statements_total: int(&r[9]),
                failed_statement: r[10].clone(),
                error: r[11].clone(),
            })
            .collect())
    }

    /// A log row for a step, with `status` and progress.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_log(
        &self,
        revision: &str,
        direction: &str,
        batch: i64,
        checksum: &str,
        duration_ms: i64,
        status: &str,
        done: usize,
        total: usize,
    ) -> Sql {
        let s = |v: &str| Some(Value::String(v.to_owned()));
        insert_row(
            self.dialect,
            &self.log_table,
            &[
                ("revision", s(revision)),
                ("direction", s(direction)),
                ("batch", Some(Value::Int(batch))),
                ("checksum", s(checksum)),
                ("applied_at", s(&now())),
                ("duration_ms", Some(Value::Int(duration_ms))),
                ("status", s(status)),
                ("statements_done", Some(Value::Int(done as i64))),
                ("statements_total", Some(Value::Int(total as i64))),
            ],
        )
    }

    /// The log row of a step about to run statement `done` (0-based; a
    /// MySQL step's first, a PostgreSQL step's first statement after its
    /// transaction): `running`, with that statement recorded as the one in
    /// flight.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn insert_running(
        &self,
        revision: &str,
        direction: &str,
        batch: i64,
        checksum: &str,
        done: usize,
        total: usize,
        first: Option<&str>,
    ) -> Sql {
        let s = |v: &str| Some(Value::String(v.to_owned()));
        insert_row(
            self.dialect,
            &self.log_table,
            &[
                ("revision", s(revision)),
                ("direction", s(direction)),
                ("batch", Some(Value::Int(batch))),
                ("checksum", s(checksum)),
                ("applied_at", s(&now())),
                ("duration_ms", Some(Value::Int(0))),
                ("status", s(RUNNING)),
                ("statements_done", Some(Value::Int(done as i64))),
                ("statements_total", Some(Value::Int(total as i64))),
                ("failed_statement", first.and_then(s)),
            ],
        )
    }

    /// Progress of a running MySQL step, written before each statement:
    /// `done` statements have finished and `next` is in flight. While the
    /// row is `running`, `failed_statement` holds the statement in flight,
    /// so that after a crash the next run names it.
    pub(crate) fn progress(&self, revision: &str, batch: i64, done: usize, next: &str) -> Sql {
        update_rows(
            self.dialect,
            &self.log_table,
            &[
                ("statements_done", Some(Value::Int(done as i64))),
                ("failed_statement", Some(Value::String(next.to_owned()))),
            ],
            &self.running_filter(revision, batch),
        )
    }

    fn running_filter(&self, revision: &str, batch: i64) -> Vec<(&'static str, Value)> {
        vec![
            ("revision", Value::String(revision.to_owned())),
            ("batch", Value::Int(batch)),
            ("status", Value::String(RUNNING.to_owned())),
        ]
    }

    /// Marks a running MySQL step as finished, failed, or (a failure that
    /// changed nothing) resolved.
    pub(crate) fn finish(
        &self,
        revision: &str,
        batch: i64,
        status: &str,
        duration_ms: i64,
        done: usize,
        failed: Option<(&str, &str)>,
    ) -> Sql {
        let mut set = vec![
            ("status", Some(Value::String(status.to_owned()))),
            ("duration_ms", Some(Value::Int(duration_ms))),
            ("statements_done", Some(Value::Int(done as i64))),
        ];
        match failed {
            Some((stmt, err)) => {
                set.push(("failed_statement", Some(Value::String(stmt.to_owned()))));
                set.push(("error", Some(Value::String(err.to_owned()))));
            }
            // The statement that was in flight is no failure.
            None => set.push(("failed_statement", None)),
        }
        update_rows(
            self.dialect,
            &self.log_table,
            &set,
            &self.running_filter(revision, batch),
        )
    }

    /// A PostgreSQL step that stopped after its transaction, resumed: its
    /// `failed` row is `running` again.
    pub(crate) fn reopen(&self, revision: &str, batch: i64) -> Sql {
        update_rows(
            self.dialect,
            &self.log_table,
            &[
                ("status", Some(Value::String(RUNNING.to_owned()))),
                ("error", None),
            ],
            &[
                ("revision", Value::String(revision.to_owned())),
                ("batch", Value::Int(batch)),
                ("status", Value::String(FAILED.to_owned())),
            ],
        )
    }

    /// `stamp` clears a recorded failure: failed rows become `resolved`.
    pub(crate) fn resolve_failures(&self) -> [Sql; 2] {
        [FAILED, RUNNING].map(|st| {
            update_rows(
                self.dialect,
                &self.log_table,
                &[("status", Some(Value::String(RESOLVED.to_owned())))],
                &[("status", Value::String(st.to_owned()))],
            )
        })
    }
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
