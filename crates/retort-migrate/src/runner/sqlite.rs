//! SQLite: the journal of a run.
//!
//! With SQLite's default rollback journal and `synchronous = FULL`, every
//! commit syncs the journal and the database file and deletes the journal
//! (four `fsync` calls a revision), which is most of a run of many small
//! revisions. For the run, retort puts the file in WAL mode with
//! `synchronous = NORMAL`: a commit is then an append to the `-wal` file,
//! synced only when SQLite checkpoints. A committed revision still survives
//! the process being killed (the WAL is in the file system, and the next
//! connection replays it), and each revision, its version row and its log
//! row still commit together or not at all; a power cut may lose the last
//! commits, never part of one.
//!
//! The journal mode is stored in the database file, so at the end of the
//! run retort puts the file's own mode back (which checkpoints the WAL into
//! the database and syncs it), and the file's `synchronous` setting. Until
//! then the lock file holds the mode to restore ([`Held::set_note`]): a run
//! that was killed, or that could not switch back because another process
//! had the database open in WAL mode (SQLite leaves WAL only with one
//! connection open), leaves the file in WAL mode, and the next run restores
//! it. A file already in WAL mode stays in it; only `synchronous` changes
//! for the run, and a checkpoint at the end makes its commits durable.
//!
//! A run also lets SQLite's page cache grow to [`CACHE_KIB`] (from 2 MiB):
//! each `CREATE` re-reads `sqlite_master`, and with thousands of tables the
//! default cache sends every page of it back to the file system (at 5,000
//! tables, 2.7 s of system time for the `sqlite3` client). The cache takes
//! memory only as pages are read.
//!
//! In WAL mode SQLite copies the WAL into the database, and syncs both,
//! whenever the WAL reaches 1,000 pages: every 250 revisions of a few
//! pages each, 40 times (and 120 `fsync` calls) in a run of 10,000. A run
//! moves that point to [`CHECKPOINT_PAGES`] for its connection, and the
//! end of the run checkpoints what is left.
//!
//! Connections borrowed from the application's pool keep the settings the
//! application chose: retort changes neither on them. Nor on an in-memory
//! database, which has no file and syncs nothing.

use crate::MigrateError;
use crate::connection::Conn;
use crate::lock::Held;
use crate::state::db_err;

/// Journal modes that SQLite keeps for a file: the rollback-journal ones
/// (`memory` and `off` are settings of one connection, not of the file).
const ROLLBACK_MODES: [&str; 3] = ["delete", "truncate", "persist"];

/// The page cache of a run, in KiB.
pub(crate) const CACHE_KIB: i64 = 64 * 1024;

/// The WAL size (pages) at which a run's connection checkpoints: 40 MiB
/// of 4 KiB pages, from SQLite's 1,000.
pub(crate) const CHECKPOINT_PAGES: i64 = 10_000;

/// What the end of a run puts back.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    /// The file's journal mode, when the run (or an earlier one, as the
    /// lock file says) put the file in WAL mode.
    restore: Option<&'static str>,
    /// The connection's `synchronous` level, when the run lowered it.
    synchronous: Option<i64>,
    /// The file was in WAL mode before: checkpoint at the end.
    checkpoint: bool,
    /// The connection's `cache_size`, when the run raised it.
    cache_size: Option<i64>,
    /// The run raised the WAL's checkpoint size ([`CHECKPOINT_PAGES`]):
    /// up to that much WAL may be left to checkpoint at the end.
    checkpoint_pages: bool,
}

/// Puts the database in WAL mode with `synchronous = NORMAL` for the run
/// (with `wal`) and raises its page cache (with `change`); without either,
/// it only takes over a journal mode an earlier run left to restore.
/// Anything it cannot change stays as it is: the run is then slower, not
/// different. `journal` records each change
/// as it is made, for [`leave`], also when a later one fails.
pub(crate) async fn enter(
    conn: &mut Conn,
    held: &mut Held,
    change: bool,
    wal: bool,
    journal: &mut Journal,
) -> Result<(), MigrateError> {
    if !conn.is_own() || !matches!(held, Held::File(..)) {
        return Ok(());
    }
    let mode = journal_mode(conn, "PRAGMA journal_mode").await?;
    let noted = held.note()?.and_then(|n| rollback_mode(&n));
    if mode == "wal" {
        journal.restore = noted;
        journal.checkpoint = noted.is_none();
    } else if let (Some(original), true) = (rollback_mode(&mode), wal) {
        // Noted before the switch, so a crash after it still knows.
        held.set_note(Some(original))?;
        if journal_mode(conn, "PRAGMA journal_mode = WAL").await? == "wal" {
            journal.restore = Some(original);
        } else {
            held.set_note(None)?;
        }
    } else if noted.is_some() {
        // The file's mode was put back by hand since: the note is stale.
        held.set_note(None)?;
    }
    if change {
        let rows = conn
            .fetch("PRAGMA cache_size")
            .await
            .map_err(|e| db_err("reading `PRAGMA cache_size`", e))?;
        // Negative: KiB; positive: pages (taken as 4 KiB ones).
        let size: i64 = first_cell(&rows).parse().unwrap_or(-2000);
        let kib = if size < 0 { -size } else { size * 4 };
        if kib < CACHE_KIB {
            conn.execute(&format!("PRAGMA cache_size = -{CACHE_KIB}"))
                .await
                .map_err(|e| db_err("setting `PRAGMA cache_size`", e))?;
            journal.cache_size = Some(size);
        }
    }
    let in_wal = journal.restore.is_some() || journal.checkpoint;
    if wal && in_wal {
        let rows = conn
            .fetch("PRAGMA synchronous")
            .await
            .map_err(|e| db_err("reading `PRAGMA synchronous`", e))?;
        let level: i64 = first_cell(&rows).parse().unwrap_or(2);
        // FULL (2) or EXTRA (3); a connection already at NORMAL or OFF stays.
        if level > 1 {
            conn.execute("PRAGMA synchronous = NORMAL")
                .await
                .map_err(|e| db_err("setting `PRAGMA synchronous = NORMAL`", e))?;
            journal.synchronous = Some(level);
        }
        // The connection's alone, and it ends with the run.
        conn.execute(&format!("PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}"))
            .await
            .map_err(|e| db_err("setting `PRAGMA wal_autocheckpoint`", e))?;
        journal.checkpoint_pages = true;
    }
    Ok(())
}

/// Puts back what [`enter`] changed. The journal mode is put back when
/// SQLite allows it (no other connection has the file open in WAL mode,
/// no transaction is open); otherwise the lock file keeps it for the next
/// run. Fails only when the lock file cannot be written.
pub(crate) async fn leave(
    conn: &mut Conn,
    held: &mut Held,
    journal: Journal,
) -> Result<(), MigrateError> {
    if let Some(size) = journal.cache_size {
        let _ = conn.execute(&format!("PRAGMA cache_size = {size}")).await;
    }
    if let Some(level) = journal.synchronous {
        let sql = match level {
            3 => "PRAGMA synchronous = EXTRA",
            _ => "PRAGMA synchronous = FULL",
        };
        let _ = conn.execute(sql).await;
    }
    if let Some(mode) = journal.restore {
        let sql = match mode {
            "truncate" => "PRAGMA journal_mode = TRUNCATE",
            "persist" => "PRAGMA journal_mode = PERSIST",
            _ => "PRAGMA journal_mode = DELETE",
        };
        if journal_mode(conn, sql).await.ok().as_deref() == Some(mode) {
            held.set_note(None)?;
        } else {
            // Still in WAL mode: at least make the commits durable.
            let _ = conn.fetch("PRAGMA wal_checkpoint(PASSIVE)").await;
        }
    } else if journal.checkpoint && (journal.synchronous.is_some() || journal.checkpoint_pages) {
        let _ = conn.fetch("PRAGMA wal_checkpoint(PASSIVE)").await;
    }
    Ok(())
}

/// Runs a `journal_mode` pragma; the mode it returns, lower case.
async fn journal_mode(conn: &mut Conn, sql: &str) -> Result<String, MigrateError> {
    let rows = conn
        .fetch(sql)
        .await
        .map_err(|e| db_err(format!("running `{sql}`"), e))?;
    Ok(first_cell(&rows).to_ascii_lowercase())
}

fn first_cell(rows: &[Vec<Option<String>>]) -> &str {
    rows.first()
        .and_then(|r| r.first())
        .and_then(|c| c.as_deref())
        .unwrap_or_default()
}

fn rollback_mode(mode: &str) -> Option<&'static str> {
    let mode = mode.to_ascii_lowercase();
    ROLLBACK_MODES.into_iter().find(|m| *m == mode)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::connection::Database;

    async fn setting(conn: &mut Conn, pragma: &str) -> String {
        let rows = conn.fetch(&format!("PRAGMA {pragma}")).await.unwrap();
        first_cell(&rows).to_owned()
    }

    /// What a run's connection has between `enter` and `leave`, with WAL
    /// and without: the checkpoint size is the run's only in WAL mode.
    #[tokio::test]
    async fn a_run_checkpoints_every_ten_thousand_pages() {
        let dir = tempfile::tempdir().unwrap();
        for wal in [true, false] {
            let url = format!("sqlite://{}/{wal}.sqlite", dir.path().display());
            let (mut conn, _) = Conn::open(Database::Url(&url), Duration::from_secs(5))
                .await
                .unwrap();
            let mut held =
                crate::lock::acquire(&mut conn, "alembic_version", Duration::from_secs(5))
                    .await
                    .unwrap();
            let mut journal = Journal::default();
            enter(&mut conn, &mut held, true, wal, &mut journal)
                .await
                .unwrap();
            let during = [
                setting(&mut conn, "journal_mode").await,
                setting(&mut conn, "wal_autocheckpoint").await,
            ];
            leave(&mut conn, &mut held, journal).await.unwrap();
            let expected = if wal {
                ["wal", "10000"]
            } else {
                ["delete", "1000"]
            };
            assert_eq!(during, expected, "sqlite_wal = {wal}");
            assert_eq!(setting(&mut conn, "journal_mode").await, "delete");
            crate::lock::release(&mut conn, held, "alembic_version")
                .await
                .unwrap();
            conn.discard().await;
        }
    }

    /// A file already in WAL mode, on a connection already at `synchronous
    /// = NORMAL`: what the run wrote to the WAL (less than its checkpoint
    /// size) is checkpointed into the database file at the end.
    #[tokio::test]
    async fn a_file_in_wal_mode_is_checkpointed_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w.sqlite");
        let url = format!("sqlite://{}", file.display());
        let (mut conn, _) = Conn::open(Database::Url(&url), Duration::from_secs(5))
            .await
            .unwrap();
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE b (x BLOB)",
        )
        .await
        .unwrap();
        let mut held = crate::lock::acquire(&mut conn, "alembic_version", Duration::from_secs(5))
            .await
            .unwrap();
        let mut journal = Journal::default();
        enter(&mut conn, &mut held, true, true, &mut journal)
            .await
            .unwrap();
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) \
         INSERT INTO b SELECT randomblob(4000) FROM n",
        )
        .await
        .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        leave(&mut conn, &mut held, journal).await.unwrap();
        let after = std::fs::metadata(&file).unwrap().len();
        assert!(
            before < 100_000 && after > 800_000,
            "{before} -> {after} bytes"
        );
        crate::lock::release(&mut conn, held, "alembic_version")
            .await
            .unwrap();
        conn.discard().await;
    }
}
