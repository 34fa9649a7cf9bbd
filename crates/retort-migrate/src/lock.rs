//! One run at a time: PostgreSQL advisory lock, MySQL `GET_LOCK`, and on
//! SQLite an operating-system lock on a file beside the database.
//!
//! Each of them ends with the process that holds it: the server drops a
//! session's advisory lock and `GET_LOCK` when its connection closes, and
//! the kernel drops a file lock when the process exits, `kill -9` included.
//! So a crashed run never leaves a stale lock behind.
//!
//! SQLite's lock is not a transaction, so that each revision commits on its
//! own (`BEGIN IMMEDIATE` … `COMMIT`) and what finished survives a crash, as
//! on PostgreSQL. The lock file, `<database>-retort-lock`, stays after the
//! run: removing it would let a run that waits on the old file and a run
//! that creates a new one hold "the" lock together. It is empty, except
//! while a run has the database in WAL mode that it must put back
//! (the runner's `sqlite` module): then it holds the journal mode to restore,
//! so a run after a crash still knows it.

use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use retort_core::Dialect;

use crate::MigrateError;
use crate::connection::Conn;
use crate::error::db_message;

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(50);

fn db_err(doing: &str, e: sqlx::Error) -> MigrateError {
    MigrateError::Database {
        doing: doing.to_owned(),
        message: db_message(&e),
    }
}

/// A lock held until [`release`].
pub(crate) enum Held {
    /// Held by the server for this session (PostgreSQL, MySQL).
    Session,
    /// SQLite: the locked file and its path; dropping it unlocks.
    File(std::fs::File, PathBuf),
    /// SQLite in memory: no other connection sees the database.
    Nothing,
}

/// Waits for the lock, up to `timeout`.
pub(crate) async fn acquire(
    conn: &mut Conn,
    version_table: &str,
    timeout: Duration,
) -> Result<Held, MigrateError> {
    let timed_out = || MigrateError::LockTimeout {
        seconds: timeout.as_secs(),
    };
    match conn.dialect() {
        Dialect::Postgres => {
            let sql = retort_sql::lock_acquire(Dialect::Postgres, version_table, 0)
                .expect("postgres has a lock");
            let start = Instant::now();
            loop {
                let rows = conn
                    .fetch(sql.as_str())
                    .await
                    .map_err(|e| db_err("taking the advisory lock", e))?;
                if rows.first().and_then(|r| r[0].as_deref()) == Some("t") {
                    return Ok(Held::Session);
                }
                if start.elapsed() >= timeout {
                    return Err(timed_out());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Dialect::Mysql => {
            let sql = retort_sql::lock_acquire(Dialect::Mysql, version_table, timeout.as_secs())
                .expect("mysql has a lock");
            let rows = conn
                .fetch(sql.as_str())
                .await
                .map_err(|e| db_err("taking the lock (GET_LOCK)", e))?;
            match rows.first().and_then(|r| r[0].as_deref()) {
                Some("1") => Ok(Held::Session),
                Some("0") => Err(timed_out()),
                other => Err(MigrateError::Database {
                    doing: "taking the lock (GET_LOCK)".into(),
                    message: format!("GET_LOCK returned {}", other.unwrap_or("NULL")),
                }),
            }
        }
        Dialect::Sqlite => {
            let Some(path) = sqlite_lock_path(conn).await? else {
                return Ok(Held::Nothing);
            };
            let lock_err = |e: std::io::Error| MigrateError::Database {
                doing: format!("taking the lock file `{}`", path.display()),
                message: e.to_string(),
            };
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(lock_err)?;
            let start = Instant::now();
            loop {
                match file.try_lock() {
                    Ok(()) => return Ok(Held::File(file, path)),
                    Err(std::fs::TryLockError::WouldBlock) => {}
                    Err(std::fs::TryLockError::Error(e)) => return Err(lock_err(e)),
                }
                if start.elapsed() >= timeout {
                    return Err(timed_out());
                }
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

impl Held {
    /// What the lock file holds (a journal mode a run left to restore), or
    /// `None` when it is empty or there is no file.
    pub(crate) fn note(&mut self) -> Result<Option<String>, MigrateError> {
        let Held::File(file, path) = self else {
            return Ok(None);
        };
        let mut text = String::new();
        file.rewind()
            .and_then(|_| file.read_to_string(&mut text))
            .map_err(|e| note_err(path, e))?;
        let text = text.trim();
        Ok((!text.is_empty()).then(|| text.to_owned()))
    }

    /// Replaces what the lock file holds (`None`: empties it), synced to
    /// disk so that it survives whatever the run leaves.
    pub(crate) fn set_note(&mut self, note: Option<&str>) -> Result<(), MigrateError> {
        let Held::File(file, path) = self else {
            return Ok(());
        };
        file.set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(note.unwrap_or_default().as_bytes()))
            .and_then(|_| file.sync_data())
            .map_err(|e| note_err(path, e))
    }
}

fn note_err(path: &std::path::Path, e: std::io::Error) -> MigrateError {
    MigrateError::Database {
        doing: format!("writing the lock file `{}`", path.display()),
        message: e.to_string(),
    }
}

/// `<database file>-retort-lock`, or `None` for an in-memory database.
async fn sqlite_lock_path(conn: &mut Conn) -> Result<Option<PathBuf>, MigrateError> {
    let rows = conn
        .fetch("PRAGMA database_list")
        .await
        .map_err(|e| db_err("finding the database file", e))?;
    let file = rows
        .iter()
        .find(|r| r.get(1).and_then(|c| c.as_deref()) == Some("main"))
        .and_then(|r| r.get(2).cloned().flatten())
        .filter(|f| !f.is_empty());
    // The real path, so that two spellings of one file (a symlink, `..`)
    // share one lock.
    Ok(file.map(|f| {
        let real = std::fs::canonicalize(&f).unwrap_or_else(|_| PathBuf::from(&f));
        let mut name = real.into_os_string();
        name.push("-retort-lock");
        PathBuf::from(name)
    }))
}

/// Releases the lock.
pub(crate) async fn release(
    conn: &mut Conn,
    held: Held,
    version_table: &str,
) -> Result<(), MigrateError> {
    match held {
        Held::Session => match retort_sql::lock_release(conn.dialect(), version_table) {
            Some(sql) => conn
                .fetch(sql.as_str())
                .await
                .map(drop)
                .map_err(|e| db_err("releasing the lock", e)),
            None => Ok(()),
        },
        Held::File(file, _) => file.unlock().map_err(|e| MigrateError::Database {
            doing: "releasing the lock file".into(),
            message: e.to_string(),
        }),
        Held::Nothing => Ok(()),
    }
}
