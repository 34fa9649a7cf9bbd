//! `baseline`: a revision recorded as applied without running it.

use retort_core::Dialect;
use retort_sql::{Sql, version_table_create};

use crate::connection::{Conn, Database};
use crate::state::{BEGIN, COMMIT, ROLLBACK, State, db_err};
use crate::{MigrateError, Migrator, RunReport, stamp_plan};

/// The log status of a revision recorded by `baseline`, and of the version
/// rows of another tool it replaced.
pub const BASELINE: &str = "baseline";
pub const REPLACED: &str = "replaced";

impl Migrator {
    /// Records `revision` (already in the script) as the database's only
    /// version row without running it, with a log row of status
    /// [`BASELINE`], and a [`REPLACED`] row for each row of `rows` that is
    /// not a revision of this script (Python Alembic's, say).
    ///
    /// `rows` are the version rows the baseline was planned against: when
    /// the database holds other rows by the time the lock is taken, nothing
    /// is recorded and the error says to plan again.
    pub async fn baseline<'a>(
        &self,
        db: impl Into<Database<'a>>,
        revision: &str,
        rows: &[String],
    ) -> Result<RunReport, MigrateError> {
        let (mut conn, _) = Conn::open(db.into(), self.settings().lock_timeout).await?;
        let table = &self.settings().version_table;
        let held = crate::lock::acquire(&mut conn, table, self.settings().lock_timeout).await?;
        let result = self.baseline_locked(&mut conn, revision, rows).await;
        let released = crate::lock::release(&mut conn, held, table).await;
        if result.is_err() || released.is_err() {
            conn.discard().await;
        }
        released?;
        result
    }

    async fn baseline_locked(
        &self,
        conn: &mut Conn,
        revision: &str,
        rows: &[String],
    ) -> Result<RunReport, MigrateError> {
        let dialect = conn.dialect();
        let state = State::new(dialect, &self.settings().version_table);
        let rev = self.script().get(revision).ok_or_else(|| {
            MigrateError::Refused(format!("`{revision}` is not a revision of this chain"))
        })?;
        let mut heads = state.heads(conn).await?;
        heads.sort();
        let mut expected = rows.to_vec();
        expected.sort();
        if heads != expected {
            return Err(MigrateError::Refused(format!(
                "the version table changed while the baseline was planned (it holds {})\nhint: run `retort baseline` again",
                if heads.is_empty() {
                    "no row".to_owned()
                } else {
                    heads.join(", ")
                }
            )));
        }
        let mut statements = vec![version_table_create(
            dialect,
            &self.settings().version_table,
        )];
        statements.extend(state.log_table_ddl(conn).await?);
        for s in &statements {
            conn.execute(s.as_str())
                .await
                .map_err(|e| db_err("creating the version tables", e))?;
        }
        let batch = state
            .log(conn)
            .await?
            .iter()
            .map(|e| e.batch)
            .max()
            .unwrap_or(0)
            + 1;
        let options = self.options(dialect);
        let plan = stamp_plan(&heads, &[revision.to_owned()], true, &options);
        let mut writes: Vec<Sql> = plan.steps.iter().flat_map(|s| s.version.clone()).collect();
        for old in heads.iter().filter(|h| self.script().get(h).is_none()) {
            writes.push(state.insert_log(old, "down", batch, "", 0, REPLACED, 0, 0));
        }
        writes.push(state.insert_log(revision, "up", batch, &rev.checksum(), 0, BASELINE, 0, 0));
        // The version rows and the log rows commit together.
        let begin = if dialect == Dialect::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            BEGIN
        };
        conn.execute(begin)
            .await
            .map_err(|e| db_err("starting the transaction", e))?;
        for s in &writes {
            if let Err(e) = conn.execute(s.as_str()).await {
                let _ = conn.execute(ROLLBACK).await;
                return Err(db_err("recording the baseline", e));
            }
        }
        conn.execute(COMMIT)
            .await
            .map_err(|e| db_err("committing the baseline", e))?;
        Ok(RunReport {
            heads_before: heads,
            heads_after: vec![revision.to_owned()],
            batch: Some(batch),
            steps: Vec::new(),
        })
    }
}
