//! SQLite: the revisions of a run on the connection's own thread.
//!
//! sqlx runs a SQLite connection on a worker thread of its own and passes
//! every query, every statement's result and every row between that thread
//! and the caller through channels. A revision costs about ten thread
//! wake-ups that way: with 10,000 one-statement revisions, most of the run
//! was `futex` and `epoll_wait` calls, not SQLite. For the revisions of a
//! run on a connection retort opened itself, [`with_handle`] locks the
//! connection's handle (sqlx's `SqliteConnection::lock_handle`, made for
//! calls to SQLite's C API) and the statements run on the caller's thread:
//! the same connection, settings, transactions and busy timeout, without
//! the hand-offs.
//!
//! A `BEGIN` that finds the database locked (the `BEGIN IMMEDIATE` of a
//! revision, while the application writes), a `COMMIT` that must wait for
//! readers (in a rollback journal) and a read outside a transaction do not
//! wait in SQLite's busy handler, which would block the thread, and with
//! it any task of the application's that must run to let go of its lock:
//! they are tried again after an asynchronous sleep, until the busy
//! timeout has passed. Any other statement that waits (in WAL mode none
//! does; in a rollback journal, a write outside a transaction, or a
//! statement that must read the schema while another connection commits)
//! waits in SQLite's busy handler on the caller's thread. The busy timeout
//! is the run's `lock_timeout` again after each retried statement, also
//! when a revision set its own with `PRAGMA busy_timeout`. A connection
//! borrowed from the application's pool keeps going through sqlx.
//!
//! This is the crate's one module with `unsafe` code. Its invariant: a
//! [`Direct`] exists only inside [`with_handle`], while the lock it was
//! made from is held, and the lock is released only after it is gone; sqlx
//! makes no call on the handle while it is locked. Every call goes through
//! `&mut Direct`, so there is one caller at a time.

use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::fmt;
use std::ptr::{self, NonNull};
use std::time::{Duration, Instant};

use libsqlite3_sys as ffi;
use sqlx::error::{DatabaseError, ErrorKind};

use crate::connection::{Conn, Handle, Rows};

/// A SQLite connection's handle, locked for the caller (see the module).
pub(crate) struct Direct {
    handle: NonNull<ffi::sqlite3>,
    /// The connection's busy timeout (retort's `lock_timeout`).
    busy: Duration,
}

/// Where a batch stopped.
enum Stop {
    Done,
    Failed(sqlx::Error),
    /// The statement at byte `at` found the database locked before it
    /// returned a row, and had no effect ([`Statement::retryable_when_busy`]).
    Busy {
        at: usize,
        error: sqlx::Error,
    },
}

// SAFETY: the handle is used by one caller at a time (`&mut self`), and
// sqlx's SQLite connections are opened in SQLite's multi-thread mode, in
// which a connection may move between threads between calls. `&Direct`
// gives access to nothing.
unsafe impl Send for Direct {}
unsafe impl Sync for Direct {}

/// Runs `f` on `conn`. A SQLite connection of retort's own is handed to
/// `f` as [`Conn::Direct`] over its locked handle; any other connection is
/// handed over as it is. When the handle cannot be locked (sqlx's worker
/// is gone), `f` gets the connection as it is, and fails as it would have.
/// `busy` is the busy timeout the connection was opened with.
pub(crate) async fn with_handle<R>(
    conn: &mut Conn,
    busy: Duration,
    f: impl AsyncFnOnce(&mut Conn) -> R,
) -> R {
    let Conn::Lite(Handle::Own(c)) = conn else {
        return f(conn).await;
    };
    let Ok(mut locked) = c.lock_handle().await else {
        return f(conn).await;
    };
    // The invariant of the module: `direct` is dropped before `locked`.
    let mut direct = Conn::Direct(Direct {
        handle: locked.as_raw_handle(),
        busy,
    });
    let result = f(&mut direct).await;
    drop(direct);
    drop(locked);
    result
}

impl Direct {
    /// Runs SQL as written (one or more statements), like
    /// `sqlx::raw_sql(..).execute`: it stops at the first statement that fails.
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        self.run(sql, None).await
    }

    /// Runs a query; the rows of every statement, each cell as text (an
    /// integer or a real in its decimal form), `None` for NULL.
    pub(crate) async fn fetch(&mut self, sql: &str) -> Result<Rows, sqlx::Error> {
        let mut rows = Vec::new();
        self.run(sql, Some(&mut rows)).await?;
        Ok(rows)
    }

    /// Runs the batch; a statement that finds the database locked and may
    /// run again ([`Statement::retryable_when_busy`]) is tried again, and
    /// the batch goes on from it, after a sleep (1 ms, doubling up to
    /// 50 ms) until the busy timeout passed.
    async fn run(&mut self, sql: &str, mut rows: Option<&mut Rows>) -> Result<(), sqlx::Error> {
        let deadline = Instant::now() + self.busy;
        let mut from = 0;
        let mut pause = Duration::from_millis(1);
        loop {
            match self.run_from(sql, from, rows.as_deref_mut()) {
                Stop::Done => return Ok(()),
                Stop::Failed(e) => return Err(e),
                Stop::Busy { at, error } => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(error);
                    }
                    tokio::time::sleep(pause.min(deadline - now)).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                    from = at;
                }
            }
        }
    }

    /// The statements of `sql` from byte `from` on, until one fails.
    fn run_from(&mut self, sql: &str, from: usize, mut rows: Option<&mut Rows>) -> Stop {
        let db = self.handle.as_ptr();
        let busy_ms = c_int::try_from(self.busy.as_millis()).unwrap_or(c_int::MAX);
        let mut rest = &sql.as_bytes()[from..];
        while !rest.is_empty() {
            let at = sql.len() - rest.len();
            let Ok(len) = c_int::try_from(rest.len()) else {
                return Stop::Failed(sqlx::Error::Protocol(
                    "a statement longer than 2 GiB".into(),
                ));
            };
            let mut stmt = ptr::null_mut();
            let mut tail = ptr::null();
            // SAFETY: `db` is the locked handle; `rest` outlives the call and
            // `len` is its length; `stmt` and `tail` are valid out pointers.
            let rc = unsafe {
                ffi::sqlite3_prepare_v2(db, rest.as_ptr().cast(), len, &mut stmt, &mut tail)
            };
            if rc != ffi::SQLITE_OK {
                return Stop::Failed(last_error(db));
            }
            // SQLite points `tail` into `rest`, after the statement it read.
            let read = if tail.is_null() {
                rest.len()
            } else {
                (tail as usize)
                    .saturating_sub(rest.as_ptr() as usize)
                    .min(rest.len())
            };
            rest = &rest[read..];
            if stmt.is_null() {
                // White space or a comment; SQLite stops reading at a NUL
                // byte, and what follows one would be left out unsaid.
                if read == 0 {
                    if rest.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
                        break;
                    }
                    return Stop::Failed(sqlx::Error::Protocol(
                        "the SQL holds a NUL byte, and SQLite reads no further".into(),
                    ));
                }
                continue;
            }
            let stmt = Statement(stmt);
            let retry = stmt.retryable_when_busy(db);
            if retry {
                // SAFETY: as above; put back below, whatever the step gives.
                unsafe { ffi::sqlite3_busy_timeout(db, 0) };
            }
            let mut returned_rows = false;
            let stop = loop {
                // SAFETY: `stmt` is a statement of `db`, not yet finalized.
                match unsafe { ffi::sqlite3_step(stmt.0) } {
                    ffi::SQLITE_ROW => {
                        returned_rows = true;
                        if let Some(rows) = rows.as_deref_mut() {
                            rows.push(stmt.cells());
                        }
                    }
                    ffi::SQLITE_DONE => break None,
                    // Read before `stmt` is finalized, which resets the message.
                    rc if retry && !returned_rows && rc & 0xff == ffi::SQLITE_BUSY => {
                        break Some(Stop::Busy {
                            at,
                            error: last_error(db),
                        });
                    }
                    _ => break Some(Stop::Failed(last_error(db))),
                }
            };
            if retry {
                // SAFETY: `db` is the locked handle.
                unsafe { ffi::sqlite3_busy_timeout(db, busy_ms) };
            }
            if let Some(stop) = stop {
                return stop;
            }
        }
        Stop::Done
    }
}

/// A prepared statement, finalized when dropped.
struct Statement(*mut ffi::sqlite3_stmt);

impl Statement {
    /// Whether the statement, when it finds the database locked, has done
    /// nothing and may simply run again (so it is retried after an
    /// asynchronous sleep rather than waited for in SQLite's busy handler):
    /// `BEGIN` (the write lock of `BEGIN IMMEDIATE`), `COMMIT`/`END` (a
    /// rollback journal's commit waiting for readers; the transaction stays
    /// open, and SQLite keeps its pending lock, which lets no new reader
    /// in), and a read outside a transaction. A write outside a
    /// transaction keeps SQLite's busy handler: its work would be undone
    /// and redone, and new readers could keep it out.
    fn retryable_when_busy(&self, db: *mut ffi::sqlite3) -> bool {
        // SAFETY: `db` is the locked handle and `self.0` one of its
        // statements; the text SQLite keeps lives as long as the statement.
        let (text, read_only, outside) = unsafe {
            let text = ffi::sqlite3_sql(self.0);
            let text = if text.is_null() {
                ""
            } else {
                CStr::from_ptr(text).to_str().unwrap_or_default()
            };
            (
                text,
                ffi::sqlite3_stmt_readonly(self.0) != 0,
                ffi::sqlite3_get_autocommit(db) != 0,
            )
        };
        let word = text
            .trim_start()
            .split(|c: char| !c.is_ascii_alphabetic())
            .next();
        let control = word.is_some_and(|w| {
            ["begin", "commit", "end"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        });
        control || (outside && read_only)
    }

    fn cells(&self) -> Vec<Option<String>> {
        // SAFETY (every call here): `self.0` is a statement that has just
        // returned a row; the text pointer is valid for the number of
        // bytes `sqlite3_column_bytes` gives until the next call on the
        // statement, and it is copied before then.
        let columns = unsafe { ffi::sqlite3_column_count(self.0) };
        (0..columns)
            .map(|i| match unsafe { ffi::sqlite3_column_type(self.0, i) } {
                ffi::SQLITE_NULL => None,
                ffi::SQLITE_INTEGER => {
                    Some(unsafe { ffi::sqlite3_column_int64(self.0, i) }.to_string())
                }
                ffi::SQLITE_FLOAT => {
                    Some(unsafe { ffi::sqlite3_column_double(self.0, i) }.to_string())
                }
                _ => {
                    let text = unsafe { ffi::sqlite3_column_text(self.0, i) };
                    let bytes = unsafe { ffi::sqlite3_column_bytes(self.0, i) };
                    if text.is_null() {
                        return None;
                    }
                    let bytes = unsafe { std::slice::from_raw_parts(text, bytes.max(0) as usize) };
                    String::from_utf8(bytes.to_vec()).ok()
                }
            })
            .collect()
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: finalized once, here.
        unsafe { ffi::sqlite3_finalize(self.0) };
    }
}

/// The connection's last error as sqlx would give it.
fn last_error(db: *mut ffi::sqlite3) -> sqlx::Error {
    // SAFETY: `db` is the locked handle; the message is copied at once.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let message = ffi::sqlite3_errmsg(db);
        let message = if message.is_null() {
            "unknown error".to_owned()
        } else {
            CStr::from_ptr(message).to_string_lossy().into_owned()
        };
        (code, message)
    };
    sqlx::Error::Database(Box::new(SqliteFailure { code, message }))
}

/// A SQLite error: its extended result code and message, shown as sqlx
/// shows its own SQLite errors.
#[derive(Debug)]
struct SqliteFailure {
    code: c_int,
    message: String,
}

impl fmt::Display for SqliteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for SqliteFailure {}

impl DatabaseError for SqliteFailure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::connection::Database;

    /// The busy timeout of the tests' connections.
    const BUSY: Duration = Duration::from_secs(5);

    const QUERIES: [&str; 6] = [
        "SELECT * FROM t ORDER BY i",
        "SELECT 1; SELECT 2, 'two' -- a comment at the end",
        "PRAGMA table_info(t)",
        "SELECT 0.1 + 0.2, 3.0, -0.0, 9223372036854775807, 1e300 * 10",
        "  \n  ",
        "SELECT 1; SELECT x FROM t",
    ];
    const FAILING: [&str; 5] = [
        "SELECT * FROM missing",
        "INSERT INTO u VALUES (1)",
        "INSERT INTO t VALUES (1)",
        "CREATE TABLE t (i INTEGER)",
        "SELEC 1",
    ];

    async fn own(path: &std::path::Path) -> Conn {
        let url = format!("sqlite://{}", path.display());
        Conn::open(Database::Url(&url), BUSY)
            .await
            .expect("a SQLite file opens")
            .0
    }

    async fn answers(conn: &mut Conn) -> Vec<Result<Rows, String>> {
        let mut out = Vec::new();
        for q in QUERIES.iter().chain(&FAILING) {
            out.push(conn.fetch(q).await.map_err(|e| e.to_string()));
        }
        out
    }

    /// The same SQL through sqlx and through the locked handle: the same
    /// rows, cell for cell, and the same errors, word for word.
    #[tokio::test]
    async fn the_handle_answers_as_sqlx_does() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = own(&dir.path().join("t.sqlite")).await;
        conn.execute(
            "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT);\n\
             -- a comment between statements\n\
             INSERT INTO t VALUES (42, 1.5, 'é', x'6869', NULL), (-7, 1e20, '', x'', NULL);  \n  \
             CREATE TABLE u (id INTEGER PRIMARY KEY); INSERT INTO u VALUES (1)",
        )
        .await
        .unwrap();
        let through_sqlx = answers(&mut conn).await;
        assert!(through_sqlx[0].as_ref().is_ok_and(|rows| rows.len() == 2));
        assert!(
            through_sqlx[6]
                .as_ref()
                .is_err_and(|e| e.contains("no such table: missing"))
        );
        let nul = with_handle(&mut conn, BUSY, async |c| {
            c.execute("SELECT 1;\0SELECT 2").await
        })
        .await;
        assert!(nul.is_err_and(|e| e.to_string().contains("NUL byte")));
        let through_handle = with_handle(&mut conn, BUSY, async |c| {
            assert!(
                matches!(c, Conn::Direct(_)),
                "an own SQLite connection runs on its handle"
            );
            answers(c).await
        })
        .await;
        assert_eq!(through_handle, through_sqlx);
        // The lock is released: sqlx runs the connection again.
        assert_eq!(
            conn.fetch("SELECT 7").await.unwrap(),
            [[Some("7".to_owned())]]
        );
    }

    /// Statements run on the handle are the connection's: a transaction
    /// opened there is the one sqlx sees afterwards, and a failure stops
    /// the batch where it is.
    #[tokio::test]
    async fn the_handle_is_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = own(&dir.path().join("t.sqlite")).await;
        let failed = with_handle(&mut conn, BUSY, async |c| {
            c.execute("BEGIN IMMEDIATE; CREATE TABLE a (x INTEGER)").await.unwrap();
            c.execute("INSERT INTO a VALUES (1); INSERT INTO nowhere VALUES (2); INSERT INTO a VALUES (3)")
                .await
                .unwrap_err()
                .to_string()
        })
        .await;
        assert_eq!(
            failed,
            "error returned from database: (code: 1) no such table: nowhere"
        );
        assert_eq!(
            conn.fetch("SELECT x FROM a").await.unwrap(),
            [[Some("1".to_owned())]]
        );
        conn.execute("ROLLBACK").await.unwrap();
        assert!(
            conn.fetch("SELECT x FROM a").await.is_err(),
            "the table was in the rolled-back transaction"
        );
    }

    /// Writes row 2 of table `a` on the handle (`BEGIN IMMEDIATE`, an
    /// insert, `COMMIT`) while `other`, in an open transaction, holds a
    /// lock on the file that it lets go of from a task of the same runtime
    /// after 300 ms; the write must wait for it without blocking the thread
    /// and finish well within its timeout.
    async fn write_while_other_holds(conn: &mut Conn, mut other: Conn) {
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            other.execute("COMMIT").await.unwrap();
            other
        });
        let timeout = Duration::from_secs(3);
        let started = Instant::now();
        let rows = with_handle(conn, timeout, async |c| {
            c.execute("BEGIN IMMEDIATE; INSERT INTO a VALUES (2)")
                .await?;
            c.execute("COMMIT").await?;
            c.fetch("SELECT x FROM a ORDER BY x").await
        })
        .await
        .unwrap();
        assert_eq!(rows, [[Some("1".to_owned())], [Some("2".to_owned())]]);
        assert!(started.elapsed() < timeout);
        release.await.unwrap().discard().await;
    }

    /// A `BEGIN IMMEDIATE` that finds another connection writing waits
    /// for it without blocking the thread: the other connection lets go
    /// from a task of the same single-threaded runtime, which a blocked
    /// thread would never run (the begin would fail after the timeout).
    #[tokio::test]
    async fn a_locked_database_is_waited_for_without_blocking_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut conn = own(&path).await;
        conn.execute("CREATE TABLE a (x INTEGER)").await.unwrap();
        let mut other = own(&path).await;
        other
            .execute("BEGIN IMMEDIATE; INSERT INTO a VALUES (1)")
            .await
            .unwrap();
        write_while_other_holds(&mut conn, other).await;
        // Still locked when the timeout has passed: SQLite's own error.
        let mut other = own(&path).await;
        other.execute("BEGIN IMMEDIATE").await.unwrap();
        let err = with_handle(&mut conn, Duration::from_millis(200), async |c| {
            c.execute("BEGIN IMMEDIATE").await
        })
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "error returned from database: (code: 5) database is locked"
        );
        other.execute("ROLLBACK").await.unwrap();
    }

    /// In a rollback journal a `COMMIT` waits for readers to finish; it
    /// too waits without blocking the thread, which the reader, a task of
    /// the same single-threaded runtime, needs to finish its transaction.
    #[tokio::test]
    async fn a_commit_waits_for_readers_without_blocking_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let mut conn = own(&path).await;
        conn.execute("CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1)")
            .await
            .unwrap();
        assert_eq!(
            conn.fetch("PRAGMA journal_mode").await.unwrap(),
            [[Some("delete".to_owned())]]
        );
        let mut reader = own(&path).await;
        reader.execute("BEGIN").await.unwrap();
        assert_eq!(
            reader.fetch("SELECT count(*) FROM a").await.unwrap().len(),
            1
        );
        write_while_other_holds(&mut conn, reader).await;
    }

    /// A run's future stays `Send` with the handle held across its
    /// awaits: an application may spawn it on a multi-threaded runtime.
    #[test]
    fn a_run_can_be_spawned() {
        fn spawnable<T: Send>(_: &T) {}
        let script = retort_script::Script::from_texts("migrations".into(), &[]).unwrap();
        let m = crate::Migrator::new(script, Default::default());
        spawnable(&m.upgrade("sqlite::memory:", "head"));
        spawnable(&m.downgrade("sqlite::memory:", "base"));
    }

    /// A connection from the application's pool keeps going through sqlx.
    #[tokio::test]
    async fn a_pooled_connection_is_handed_over_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("t.sqlite").display()
        );
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let (mut conn, _) = Conn::open(Database::Sqlite(&pool), Duration::from_secs(5))
            .await
            .unwrap();
        let direct = with_handle(&mut conn, BUSY, async |c| matches!(c, Conn::Direct(_))).await;
        assert!(!direct);
    }
}
