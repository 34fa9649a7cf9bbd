//! Running plans against a live database: lock, bookkeeping tables,
//! transactions, the log, checksums. Each dialect's way of running one
//! revision is a module of its own: `transactional` (PostgreSQL, SQLite),
//! `mysql`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use retort_core::{Dialect, Operation, Schema, create_schema_ops, reverse};
use retort_script::{Direction, Plan, RevisionSafety, Script, SeedFile};
use retort_sql::{
    Sql, drop_table_if_exists, render_applied, sqlite_foreign_keys, version_table_create,
};

use crate::connection::{Conn, Database};
use crate::error::AfterCommitFailure;
use crate::error::db_message;
use crate::state::{BEGIN, COMMIT, DONE, FAILED, LogEntry, ROLLBACK, RUNNING, State, db_err};
use crate::{
    MigrateError, PlanOptions, SeedPlan, SqlPlan, SqlStep, build_plan, schema_at, seed_plan,
    stamp_plan,
};

mod budget;
mod mysql;
mod sqlite;
pub(crate) mod transactional;

/// How a [`Migrator`] runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub version_table: String,
    /// One transaction per revision (PostgreSQL, SQLite), or one for the run.
    pub transaction_per_migration: bool,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// Run even when an applied revision's file changed since.
    pub allow_changed: bool,
    /// `lock_timeout`, `statement_timeout` and `retries` of the revisions
    /// that do not set their own (`[safety]` in `alembic.toml`).
    pub safety: RevisionSafety,
    /// SQLite: put a database file in WAL mode with `synchronous = NORMAL`
    /// for the run, and back at the end (see the README). `false` leaves
    /// the file's journal mode and `synchronous` as they are, for a file
    /// that WAL does not suit: one on a network file system, or shared by
    /// processes on several machines.
    pub sqlite_wal: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version_table: "alembic_version".into(),
            transaction_per_migration: true,
            lock_timeout: Duration::from_secs(60),
            allow_changed: false,
            safety: RevisionSafety::default(),
            sqlite_wal: true,
        }
    }
}

/// A step starting or finished, for progress output.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// 1-based position and the number of steps in the run.
    pub index: usize,
    pub total: usize,
    pub step: &'a SqlStep,
    /// `None` when starting; the duration when done.
    pub finished: Option<Duration>,
    /// Set when the step timed out waiting for a lock and runs again.
    pub retry: Option<Retry>,
}

/// A step that runs again after a lock timeout.
#[derive(Debug, Clone)]
pub struct Retry {
    /// The attempt that timed out (1-based), and how many there may be.
    pub attempt: u32,
    pub attempts: u32,
    /// What timed out: the setting, the statement and the database's message.
    pub reason: String,
    /// How long the run waits before the next attempt.
    pub wait: Duration,
}

type ProgressFn = Arc<dyn Fn(&Progress<'_>) + Send + Sync>;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub heads_before: Vec<String>,
    pub heads_after: Vec<String>,
    /// The batch number recorded in the log, when anything ran.
    pub batch: Option<i64>,
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone)]
pub struct StepReport {
    pub revision: String,
    pub direction: Direction,
    /// The revision's statements and version-table statements, as executed.
    pub statements: Vec<String>,
    pub duration: Duration,
}

impl RunReport {
    /// Every revision and version-table statement executed, in order.
    pub fn executed(&self) -> impl Iterator<Item = &str> {
        self.steps
            .iter()
            .flat_map(|s| s.statements.iter().map(String::as_str))
    }
}

/// Where one revision stands in the database, for `status`.
#[derive(Debug, Clone)]
pub struct RevisionStatus {
    pub revision: String,
    pub message: String,
    pub ran: bool,
    pub batch: Option<i64>,
    pub applied_at: Option<String>,
    /// The file changed after it was applied.
    pub changed: bool,
    /// Recorded by `baseline`: marked applied, never run here.
    pub baseline: bool,
    /// The squashed revision that replaces this one (`replaces`), if any.
    pub replaced_by: Option<String>,
    /// The revisions this squashed revision replaces (empty for others).
    pub replaces: Vec<String>,
}

/// Runs the revisions of one script directory against databases.
///
/// ```no_run
/// # async fn start() -> Result<(), retort_migrate::MigrateError> {
/// use retort_migrate::Migrator;
///
/// let migrator = Migrator::from_dir("migrations")?;
/// migrator.upgrade("sqlite://app.db", "head").await?;
///
/// // Or with the pool the application already has:
/// let pool = sqlx::PgPool::connect("postgres://app@localhost/app").await.unwrap();
/// migrator.upgrade(&pool, "head").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Migrator {
    script: Arc<Script>,
    settings: Settings,
    progress: Option<ProgressFn>,
}

/// One revision's step as it runs.
struct StepRun<'a> {
    step: &'a SqlStep,
    /// The revision's statements, then its version-table statements.
    statements: &'a [&'a Sql],
    batch: i64,
    checksum: &'a str,
    /// `up` or `down`, as the log writes it.
    direction: &'static str,
    started: Instant,
    /// Where the database is left when this step fails and is undone.
    previous: &'a str,
    /// PostgreSQL: the step's transaction committed in an earlier run (of
    /// this log batch), which stopped in its statements after it; only
    /// those and the version-table statements run.
    resume: Option<i64>,
    /// MySQL: the server is MariaDB (its statement timeout has another name).
    mariadb: bool,
}

enum Action<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Rollback(Option<usize>),
    Fresh,
    Stamp(&'a [String], bool),
}

impl Migrator {
    /// Loads `<script_location>/versions/`.
    pub fn from_dir(script_location: impl AsRef<Path>) -> Result<Migrator, MigrateError> {
        Ok(Migrator::new(
            Script::load(script_location.as_ref())?,
            Settings::default(),
        ))
    }

    /// The revision files a program carries (`retort::embed!("migrations")`:
    /// file names and texts, checked when the program compiled), so no file
    /// is read at run time.
    pub fn from_embedded(files: &[(&str, &str)]) -> Result<Migrator, MigrateError> {
        let script = Script::from_texts(std::path::PathBuf::from("(embedded)"), files)?;
        Ok(Migrator::new(script, Settings::default()))
    }

    pub fn new(script: Script, settings: Settings) -> Migrator {
        Migrator {
            script: Arc::new(script),
            settings,
            progress: None,
        }
    }

    pub fn with_settings(mut self, settings: Settings) -> Migrator {
        self.settings = settings;
        self
    }

    /// Called when each step starts and finishes.
    pub fn on_progress(mut self, f: impl Fn(&Progress<'_>) + Send + Sync + 'static) -> Migrator {
        self.progress = Some(Arc::new(f));
        self
    }

    pub fn script(&self) -> &Script {
        &self.script
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub async fn upgrade<'a>(
        &self,
        db: impl Into<Database<'a>>,
        target: &str,
    ) -> Result<RunReport, MigrateError> {
        self.run(db.into(), Action::Upgrade(target)).await
    }

    pub async fn downgrade<'a>(
        &self,
        db: impl Into<Database<'a>>,
        target: &str,
    ) -> Result<RunReport, MigrateError> {
        self.run(db.into(), Action::Downgrade(target)).await
    }

    /// What [`Migrator::upgrade`] to `target` would run on this database, run
    /// nothing: the plan a run makes from the version table, refused for the
    /// same reasons. Reads only; takes no lock and creates no table.
    pub async fn plan_upgrade<'a>(
        &self,
        db: impl Into<Database<'a>>,
        target: &str,
    ) -> Result<SqlPlan, MigrateError> {
        self.plan(db.into(), Action::Upgrade(target)).await
    }

    /// What [`Migrator::downgrade`] to `target` would run; see [`Migrator::plan_upgrade`].
    pub async fn plan_downgrade<'a>(
        &self,
        db: impl Into<Database<'a>>,
        target: &str,
    ) -> Result<SqlPlan, MigrateError> {
        self.plan(db.into(), Action::Downgrade(target)).await
    }

    async fn plan(&self, db: Database<'_>, action: Action<'_>) -> Result<SqlPlan, MigrateError> {
        // Opening a missing SQLite file would create it: plan from base.
        if crate::connection::sqlite_file_missing(&db) {
            return self.checked_plan(Dialect::Sqlite, &action, &[], &[]);
        }
        let (mut conn, _) = Conn::open(db, self.settings.lock_timeout).await?;
        let dialect = conn.dialect();
        let state = State::new(dialect, &self.settings.version_table);
        let log = state.log(&mut conn).await?;
        let heads = state.heads(&mut conn).await?;
        let mut sql = self.checked_plan(dialect, &action, &heads, &log)?;
        if let Some(entry) = pending_after_commit(dialect, &log) {
            check_resumable(&self.script, &sql, entry)?;
            if let Some(first) = sql.steps.first_mut() {
                // Its transaction committed in the run that stopped.
                first.statements.clear();
            }
        }
        if dialect == Dialect::Postgres {
            budget::check(&mut conn, &sql).await?;
        }
        Ok(sql)
    }

    /// Undoes the last batch, or the last `steps` revisions.
    pub async fn rollback<'a>(
        &self,
        db: impl Into<Database<'a>>,
        steps: Option<usize>,
    ) -> Result<RunReport, MigrateError> {
        self.run(db.into(), Action::Rollback(steps)).await
    }

    /// Drops every table and enum the applied revisions created, and the
    /// bookkeeping tables, then upgrades to head.
    pub async fn fresh<'a>(&self, db: impl Into<Database<'a>>) -> Result<RunReport, MigrateError> {
        self.run(db.into(), Action::Fresh).await
    }

    /// Sets the version table to `revisions` (ids or targets) without running anything.
    pub async fn stamp<'a>(
        &self,
        db: impl Into<Database<'a>>,
        revisions: &[String],
        purge: bool,
    ) -> Result<RunReport, MigrateError> {
        self.run(db.into(), Action::Stamp(revisions, purge)).await
    }

    /// Loads `seeds` into the tables the revisions have built up to the
    /// database's version, in one transaction (see [`seed_plan`]). Returns
    /// what ran. Seeding does not take the migration lock.
    pub async fn seed<'a>(
        &self,
        db: impl Into<Database<'a>>,
        seeds: &[SeedFile],
    ) -> Result<SeedPlan, MigrateError> {
        let (mut conn, _) = Conn::open(db.into(), self.settings.lock_timeout).await?;
        let dialect = conn.dialect();
        let heads = State::new(dialect, &self.settings.version_table)
            .heads(&mut conn)
            .await?;
        let schema = schema_at(&self.script, &heads)?;
        let at = if heads.is_empty() {
            "base (no revision applied)".to_owned()
        } else {
            format!("the database's revision ({})", heads.join(", "))
        };
        let plan = seed_plan(&schema, seeds, dialect, &at)?;
        conn.execute(BEGIN)
            .await
            .map_err(|e| db_err("starting the seed transaction", e))?;
        for s in &plan.statements {
            if let Err(e) = conn.execute(s.sql.as_str()).await {
                let _ = conn.execute(ROLLBACK).await;
                return Err(MigrateError::SeedFailed {
                    path: s.file.clone(),
                    line: s.line,
                    table: s.table.clone(),
                    message: db_message(&e),
                });
            }
        }
        conn.execute(COMMIT)
            .await
            .map_err(|e| db_err("committing the seed", e))?;
        Ok(plan)
    }

    /// The rows of the version table.
    pub async fn current<'a>(
        &self,
        db: impl Into<Database<'a>>,
    ) -> Result<Vec<String>, MigrateError> {
        Ok(self.read_state(db.into(), false).await?.0)
    }

    /// Every log row, oldest first.
    pub async fn log<'a>(
        &self,
        db: impl Into<Database<'a>>,
    ) -> Result<Vec<LogEntry>, MigrateError> {
        Ok(self.read_state(db.into(), true).await?.1)
    }

    /// The heads and (when `with_log`) the log rows. A SQLite file that does
    /// not exist is an empty database at base: reading it creates nothing.
    async fn read_state(
        &self,
        db: Database<'_>,
        with_log: bool,
    ) -> Result<(Vec<String>, Vec<LogEntry>), MigrateError> {
        if crate::connection::sqlite_file_missing(&db) {
            return Ok((Vec::new(), Vec::new()));
        }
        let (mut conn, _) = Conn::open(db, self.settings.lock_timeout).await?;
        let state = State::new(conn.dialect(), &self.settings.version_table);
        let heads = state.heads(&mut conn).await?;
        let log = if with_log {
            state.log(&mut conn).await?
        } else {
            Vec::new()
        };
        Ok((heads, log))
    }

    /// Every revision in upgrade order with whether it ran, its batch and time.
    pub async fn status<'a>(
        &self,
        db: impl Into<Database<'a>>,
    ) -> Result<Vec<RevisionStatus>, MigrateError> {
        let (heads, log) = self.read_state(db.into(), true).await?;
        // A squashed revision counts as run once all it replaces ran, and
        // the replaced ones once it ran; both are listed.
        let applied: HashSet<String> = self
            .script
            .applied_with_replaced(&heads)?
            .into_iter()
            .map(str::to_owned)
            .collect();
        let last_rows = last_applied(&log);
        let mut order = self.script.history_with_replaced();
        order.reverse();
        Ok(order
            .into_iter()
            .map(|rev| {
                let ran = applied.contains(&rev.id);
                let last_up = last_rows.get(rev.id.as_str()).copied().filter(|_| ran);
                RevisionStatus {
                    revision: rev.id.clone(),
                    message: rev.message.clone(),
                    ran,
                    batch: last_up.map(|e| e.batch),
                    applied_at: last_up.map(|e| e.applied_at.clone()),
                    changed: last_up
                        .and_then(|e| e.checksum.as_deref())
                        .is_some_and(|c| c != rev.checksum()),
                    baseline: last_up.is_some_and(|e| e.status == crate::BASELINE),
                    replaced_by: self.script.replaced_by(&rev.id).map(|r| r.id.clone()),
                    replaces: self
                        .script
                        .replaced_of(&rev.id)
                        .iter()
                        .map(|r| r.id.clone())
                        .collect(),
                }
            })
            .collect())
    }

    pub(crate) fn options(&self, dialect: Dialect) -> PlanOptions {
        PlanOptions {
            dialect,
            version_table: self.settings.version_table.clone(),
            transaction_per_migration: self.settings.transaction_per_migration,
            safety: self.settings.safety,
        }
    }

    async fn run(&self, db: Database<'_>, action: Action<'_>) -> Result<RunReport, MigrateError> {
        let (mut conn, _shown) = Conn::open(db, self.settings.lock_timeout).await?;
        let mut held = crate::lock::acquire(
            &mut conn,
            &self.settings.version_table,
            self.settings.lock_timeout,
        )
        .await?;
        let mut fk_off = false;
        let mut journal = None;
        let result = self
            .run_locked(&mut conn, &action, &mut fk_off, &mut held, &mut journal)
            .await;
        if fk_off {
            let _ = conn.execute(sqlite_foreign_keys(true).as_str()).await;
        }
        let left = match journal {
            Some(j) => sqlite::leave(&mut conn, &mut held, j).await,
            None => Ok(()),
        };
        let released = crate::lock::release(&mut conn, held, &self.settings.version_table).await;
        if result.is_err() || released.is_err() {
            // A pool's connection goes back to the application: not with a
            // lock or a session state a failure may have left behind.
            conn.discard().await;
        }
        released?;
        let report = result?;
        left?;
        Ok(report)
    }

    /// The graph plan of an action, or `None` for actions that are not plans.
    fn plan_for(
        &self,
        action: &Action<'_>,
        heads: &[String],
        log: &[LogEntry],
    ) -> Result<Option<Plan>, MigrateError> {
        Ok(Some(match action {
            Action::Upgrade(target) => self.script.upgrade_plan(heads, target)?,
            Action::Downgrade(target) => self.script.downgrade_plan(heads, target)?,
            Action::Rollback(Some(n)) => self.script.downgrade_plan(heads, &format!("-{n}"))?,
            Action::Rollback(None) => {
                let target = last_batch_target(&self.script, heads, log)?;
                self.script.downgrade_plan(heads, &target)?
            }
            Action::Fresh => self.script.upgrade_plan(&[], "heads")?,
            Action::Stamp(..) => return Ok(None),
        }))
    }

    /// SQLite rebuilds need foreign keys off, which SQLite can only change
    /// outside a transaction: between revisions, under the lock.
    async fn foreign_keys_off(
        &self,
        conn: &mut Conn,
        fk_off: &mut bool,
    ) -> Result<(), MigrateError> {
        if !*fk_off {
            conn.execute(sqlite_foreign_keys(false).as_str())
                .await
                .map_err(|e| db_err("turning foreign keys off", e))?;
            *fk_off = true;
        }
        Ok(())
    }

    /// Creates `alembic_version` and its log when missing. Called only once
    /// the action is known to be valid, so that a user error (a bad target,
    /// a changed revision, a recorded failure) leaves the database untouched.
    async fn create_version_tables(
        &self,
        conn: &mut Conn,
        state: &State<'_>,
    ) -> Result<(), MigrateError> {
        let mut setup = vec![version_table_create(conn.dialect(), state.version_table)];
        setup.extend(state.log_table_ddl(conn).await?);
        for s in &setup {
            conn.execute(s.as_str())
                .await
                .map_err(|e| db_err("creating the version tables", e))?;
        }
        Ok(())
    }

    async fn run_locked(
        &self,
        conn: &mut Conn,
        action: &Action<'_>,
        fk_off: &mut bool,
        held: &mut crate::lock::Held,
        journal: &mut Option<sqlite::Journal>,
    ) -> Result<RunReport, MigrateError> {
        let dialect = conn.dialect();
        let state = State::new(dialect, &self.settings.version_table);
        let mut log = state.log(conn).await?;
        let mut heads = state.heads(conn).await?;
        if let Action::Stamp(revs, purge) = action {
            return self.stamp_locked(conn, &state, &heads, revs, *purge).await;
        }
        let fresh = matches!(action, Action::Fresh);
        // Under the lock, the heads decide, so a second run finds nothing to do.
        let mut sql = self.checked_plan(dialect, action, &heads, &log)?;
        let resume = match pending_after_commit(dialect, &log).filter(|_| !fresh) {
            Some(entry) => Some(self.resume_after_commit(conn, &sql, entry).await?),
            None => None,
        };
        if resume.is_some() {
            // Its transaction committed in the run that stopped.
            sql.steps[0].statements.clear();
        }
        if dialect == Dialect::Postgres {
            budget::check(conn, &sql).await?;
        }
        if dialect == Dialect::Sqlite {
            // WAL for a run that commits (see `sqlite`); a run with nothing
            // to do only puts back a journal mode an earlier run left.
            let change = fresh || !sql.steps.is_empty();
            let wal = change && self.settings.sqlite_wal;
            let journal = journal.insert(Default::default());
            sqlite::enter(conn, held, change, wal, journal).await?;
        }
        if fresh {
            if dialect == Dialect::Sqlite {
                self.foreign_keys_off(conn, fk_off).await?;
            }
            self.drop_everything(conn, &state, &heads).await?;
            (log, heads) = (Vec::new(), Vec::new());
        }
        self.create_version_tables(conn, &state).await?;
        if dialect == Dialect::Sqlite && sql.steps.iter().any(|s| s.rebuilds_table) {
            self.foreign_keys_off(conn, fk_off).await?;
        }
        let batch = log.iter().map(|e| e.batch).max().unwrap_or(0) + 1;
        let mut report = RunReport {
            heads_before: heads.clone(),
            heads_after: sql.heads_after.clone(),
            batch: (!sql.steps.is_empty()).then_some(batch),
            steps: Vec::new(),
        };
        // SQLite: on the connection's own handle (see `sqlite_handle`).
        let busy = self.settings.lock_timeout;
        crate::sqlite_handle::with_handle(conn, busy, async |conn| {
            self.execute_steps(conn, &state, &sql, batch, *fk_off, resume, &mut report)
                .await
        })
        .await?;
        Ok(report)
    }

    /// A PostgreSQL revision that committed its transaction and stopped in
    /// its statements after it: refused while an index it worked on is
    /// INVALID (naming it), else resumed (the log batch of its row).
    async fn resume_after_commit(
        &self,
        conn: &mut Conn,
        sql: &SqlPlan,
        entry: &LogEntry,
    ) -> Result<i64, MigrateError> {
        let step = check_resumable(&self.script, sql, entry)?;
        let names: Vec<String> = step
            .after_commit
            .iter()
            .filter_map(|a| a.index.clone())
            .collect();
        let invalid = transactional::invalid_indexes(conn, names).await?;
        if !invalid.is_empty() {
            return Err(MigrateError::AfterCommit(Box::new(AfterCommitFailure {
                revision: entry.revision.clone(),
                statement: entry
                    .failed_statement
                    .clone()
                    .unwrap_or_else(|| "(not recorded)".into()),
                message: entry.error.clone(),
                setting: None,
                invalid,
            })));
        }
        Ok(entry.batch)
    }

    /// The SQL plan of `action` from `heads`, refused as a run would refuse
    /// it: a failed or interrupted step in the log, an applied revision whose
    /// file changed (unless allowed). `fresh` drops the log with the rest, so
    /// neither stops it.
    fn checked_plan(
        &self,
        dialect: Dialect,
        action: &Action<'_>,
        heads: &[String],
        log: &[LogEntry],
    ) -> Result<SqlPlan, MigrateError> {
        let fresh = matches!(action, Action::Fresh);
        // On PostgreSQL such a row is a revision stopped after its
        // transaction, which the run resumes (`resume_after_commit`).
        if !fresh
            && dialect != Dialect::Postgres
            && let Some(bad) = log
                .iter()
                .rev()
                .find(|e| e.status == FAILED || e.status == RUNNING)
        {
            return Err(mysql::recorded_failure(self, dialect, bad));
        }
        let plan = self
            .plan_for(action, heads, log)?
            .expect("only stamp has no plan");
        let sql = build_plan(&self.script, &plan, &self.options(dialect))?;
        if !fresh && !self.settings.allow_changed {
            let changed = changed_revisions(&self.script, heads, log)?;
            if !changed.is_empty() {
                return Err(MigrateError::Changed { revisions: changed });
            }
        }
        Ok(sql)
    }

    // The run's state, passed down from `run_locked` as it stands there.
    #[allow(clippy::too_many_arguments)]
    async fn execute_steps(
        &self,
        conn: &mut Conn,
        state: &State<'_>,
        sql: &SqlPlan,
        batch: i64,
        fk_off: bool,
        resume: Option<i64>,
        report: &mut RunReport,
    ) -> Result<(), MigrateError> {
        let dialect = conn.dialect();
        let mariadb = dialect == Dialect::Mysql
            && sql.steps.iter().any(|s| s.timeouts.statement.is_some())
            && is_mariadb(conn).await?;
        let per_migration = self.settings.transaction_per_migration;
        // PostgreSQL and SQLite: one transaction per revision, or one for
        // the run. MySQL commits DDL as it goes and has neither.
        let whole_run_tx = dialect != Dialect::Mysql && !per_migration;
        if whole_run_tx {
            conn.execute(transactional::begin(dialect))
                .await
                .map_err(|e| db_err("starting the transaction", e))?;
        }
        let total = sql.steps.len();
        let before_run = describe_heads(&sql.heads_before);
        // Where the database stands after each completed step (for messages).
        let mut at = before_run.clone();
        for (i, step) in sql.steps.iter().enumerate() {
            // Nothing of a revision runs when its data pre-checks find rows.
            let previous = if whole_run_tx { &before_run } else { &at };
            crate::prechecks::refuse(conn, step, previous, whole_run_tx).await?;
            if let Some(p) = &self.progress {
                p(&Progress {
                    index: i + 1,
                    total,
                    step,
                    finished: None,
                    retry: None,
                });
            }
            let statements: Vec<&Sql> = step
                .statements
                .iter()
                .chain(step.after_commit.iter().map(|a| &a.sql))
                .chain(&step.version)
                .collect();
            let checksum = self
                .script
                .get(&step.revision)
                .map(|r| r.checksum())
                .unwrap_or_default();
            let run = StepRun {
                step,
                statements: &statements,
                batch,
                checksum: &checksum,
                direction: if step.direction == Direction::Up {
                    "up"
                } else {
                    "down"
                },
                started: Instant::now(),
                // A failure undoes the revision, or with one transaction the run.
                previous: if whole_run_tx { &before_run } else { &at },
                resume: resume.filter(|_| i == 0),
                mariadb,
            };
            let attempts = step.retries + 1;
            let mut attempt = 1;
            loop {
                let result = match dialect {
                    Dialect::Mysql => mysql::run_step(conn, state, &run).await,
                    Dialect::Postgres | Dialect::Sqlite => {
                        transactional::run_step(conn, state, &run, per_migration, fk_off).await
                    }
                };
                match result {
                    Ok(()) => break,
                    Err(MigrateError::DdlTimeout {
                        kind,
                        setting,
                        failure,
                        retryable,
                        previous,
                        ..
                    }) => {
                        if !retryable || attempt >= attempts {
                            return Err(MigrateError::DdlTimeout {
                                kind,
                                setting,
                                failure,
                                attempts: attempt,
                                retryable,
                                previous,
                            });
                        }
                        // A little longer each time: 0.5 s, 1 s, 1.5 s, ... up to 5 s.
                        let wait = Duration::from_millis(500 * u64::from(attempt).min(10));
                        if let Some(p) = &self.progress {
                            p(&Progress {
                                index: i + 1,
                                total,
                                step,
                                finished: None,
                                retry: Some(Retry {
                                    attempt,
                                    attempts,
                                    reason: format!(
                                        "statement {} of {} waited longer than `{setting}`: {}",
                                        failure.index, failure.total, failure.message
                                    ),
                                    wait,
                                }),
                            });
                        }
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            let duration = run.started.elapsed();
            report.steps.push(StepReport {
                revision: step.revision.clone(),
                direction: step.direction,
                statements: statements.iter().map(|s| s.as_str().to_owned()).collect(),
                duration,
            });
            at = format!("`{}`", step.revision);
            if let Some(p) = &self.progress {
                p(&Progress {
                    index: i + 1,
                    total,
                    step,
                    finished: Some(duration),
                    retry: None,
                });
            }
        }
        if whole_run_tx {
            conn.execute(COMMIT)
                .await
                .map_err(|e| db_err("committing the run", e))?;
        }
        Ok(())
    }

    async fn stamp_locked(
        &self,
        conn: &mut Conn,
        state: &State<'_>,
        heads: &[String],
        revisions: &[String],
        purge: bool,
    ) -> Result<RunReport, MigrateError> {
        let mut ids = Vec::new();
        for spec in revisions {
            for r in self.script.resolve(spec)? {
                ids.push(r.id.clone());
            }
        }
        self.create_version_tables(conn, state).await?;
        let plan = stamp_plan(heads, &ids, purge, &self.options(conn.dialect()));
        let tx = conn.dialect() != Dialect::Mysql;
        if tx {
            conn.execute(transactional::begin(conn.dialect()))
                .await
                .map_err(|e| db_err("starting the transaction", e))?;
        }
        let mut statements: Vec<Sql> = plan.steps.iter().flat_map(|s| s.version.clone()).collect();
        statements.extend(state.resolve_failures());
        for s in &statements {
            if let Err(e) = conn.execute(s.as_str()).await {
                if tx {
                    let _ = conn.execute(ROLLBACK).await;
                }
                return Err(db_err("stamping the version table", e));
            }
        }
        if tx {
            conn.execute(COMMIT)
                .await
                .map_err(|e| db_err("committing the stamp", e))?;
        }
        Ok(RunReport {
            heads_before: heads.to_vec(),
            heads_after: ids,
            batch: None,
            steps: Vec::new(),
        })
    }

    /// `fresh`: drop what the applied revisions built, then the bookkeeping tables.
    async fn drop_everything(
        &self,
        conn: &mut Conn,
        state: &State<'_>,
        heads: &[String],
    ) -> Result<(), MigrateError> {
        let dialect = conn.dialect();
        let schema = schema_at(&self.script, heads)?;
        let mut statements = drop_schema(&schema, dialect)?;
        statements.push(drop_table_if_exists(dialect, &state.log_table));
        statements.push(drop_table_if_exists(dialect, state.version_table));
        // SQLite drops in one transaction (fast, and all or nothing); the
        // other dialects commit DDL as they go or per statement.
        let tx = dialect == Dialect::Sqlite;
        if tx {
            conn.execute(transactional::begin(dialect))
                .await
                .map_err(|e| db_err("starting the transaction", e))?;
        }
        for s in &statements {
            if let Err(e) = conn.execute(s.as_str()).await {
                if tx {
                    let _ = conn.execute(ROLLBACK).await;
                }
                return Err(db_err(format!("dropping for `fresh` ({s})"), e));
            }
        }
        if tx {
            conn.execute(COMMIT)
                .await
                .map_err(|e| db_err("committing the drops", e))?;
        }
        Ok(())
    }
}

/// Statements that drop every table and enum of `schema`: the reverse of
/// building it, with indexes left to go with their tables.
fn drop_schema(schema: &Schema, dialect: Dialect) -> Result<Vec<Sql>, MigrateError> {
    let refuse =
        |e: &dyn std::fmt::Display| MigrateError::Refused(format!("cannot plan `fresh`: {e}"));
    // `current` and `next` advance together, so no step copies the schema.
    let mut current = retort_core::Replay::new(schema.clone());
    let mut next = current.clone();
    let mut out = Vec::new();
    for op in create_schema_ops(schema).iter().rev() {
        if matches!(op, Operation::CreateIndex { .. }) {
            continue;
        }
        // The reverse of create_table, add_foreign_key and create_enum does
        // not depend on the schema before them: the current one serves.
        for u in reverse(op, current.schema()).map_err(|e| refuse(&e))? {
            next.apply(&u).map_err(|e| refuse(&e))?;
            let r = render_applied(&u, current.schema(), next.schema(), dialect)
                .map_err(|e| refuse(&e))?;
            current.apply(&u).map_err(|e| refuse(&e))?;
            out.extend(r.statements);
        }
    }
    Ok(out)
}

fn describe_heads(heads: &[String]) -> String {
    if heads.is_empty() {
        "base".to_owned()
    } else {
        heads
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every revision applied when the version table holds `heads`.
fn applied_set(script: &Script, heads: &[String]) -> Result<HashSet<String>, MigrateError> {
    Ok(script
        .applied_ids(heads, true)?
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// The last log entry that applied each revision (direction up, done), by
/// revision: one pass over the log, so that looking up every applied
/// revision is not a scan of the log each.
fn last_applied(log: &[LogEntry]) -> HashMap<&str, &LogEntry> {
    let mut last = HashMap::new();
    for e in log {
        if e.direction == "up" && (e.status == DONE || e.status == crate::BASELINE) {
            last.insert(e.revision.as_str(), e);
        }
    }
    last
}

/// Applied revisions whose file's checksum differs from the one logged.
fn changed_revisions(
    script: &Script,
    heads: &[String],
    log: &[LogEntry],
) -> Result<Vec<String>, MigrateError> {
    let applied = applied_set(script, heads)?;
    let last_rows = last_applied(log);
    let mut changed: Vec<String> = applied
        .iter()
        .filter(|id| {
            let rev = script.get(id).expect("applied revisions are in the script");
            last_rows
                .get(id.as_str())
                .and_then(|e| e.checksum.as_deref())
                .is_some_and(|c| c != rev.checksum())
        })
        .cloned()
        .collect();
    changed.sort();
    Ok(changed)
}

/// The downgrade target that undoes the last batch still applied.
fn last_batch_target(
    script: &Script,
    heads: &[String],
    log: &[LogEntry],
) -> Result<String, MigrateError> {
    // A database that ran the revisions a squash replaces rolls back
    // through them, not through the squashed revision.
    let mut ran = heads.to_vec();
    ran.extend(
        log.iter()
            .filter(|e| e.direction == "up")
            .map(|e| e.revision.clone()),
    );
    let view = script.for_database(&ran, None);
    let script = &*view;
    let applied = applied_set(script, heads)?;
    let last_rows = last_applied(log);
    let batch_of = |id: &String| last_rows.get(id.as_str()).map(|e| e.batch);
    let Some(last) = applied.iter().filter_map(batch_of).max() else {
        return Err(MigrateError::Refused(
            "nothing to roll back: no applied revision has a batch in the log".into(),
        ));
    };
    let remaining: HashSet<&String> = applied
        .iter()
        .filter(|id| batch_of(id) != Some(last))
        .collect();
    let mut remaining_heads: Vec<&String> = remaining
        .iter()
        .filter(|id| {
            !script
                .children(id)
                .iter()
                .any(|c| remaining.contains(&(*c).to_owned()))
        })
        .copied()
        .collect();
    remaining_heads.sort();
    match remaining_heads.as_slice() {
        [] => Ok("base".into()),
        [one] => Ok((*one).clone()),
        many => Err(MigrateError::Refused(format!(
            "the last batch ({last}) spans several branches ({})\nhint: use `retort downgrade <rev>` for each branch",
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// PostgreSQL: the log row of a revision that committed its transaction
/// and stopped in its statements after it (`running` or `failed`: the
/// transactional runner writes no other such rows).
fn pending_after_commit(dialect: Dialect, log: &[LogEntry]) -> Option<&LogEntry> {
    if dialect != Dialect::Postgres {
        return None;
    }
    log.iter()
        .rev()
        .find(|e| e.status == FAILED || e.status == RUNNING)
}

/// The plan's first step, when it is the stopped revision's (its upgrade,
/// its file unchanged); otherwise the refusal naming what to run.
fn check_resumable<'a>(
    script: &Script,
    sql: &'a SqlPlan,
    entry: &LogEntry,
) -> Result<&'a SqlStep, MigrateError> {
    let unchanged = script
        .get(&entry.revision)
        .is_some_and(|r| entry.checksum.as_deref() == Some(r.checksum().as_str()));
    let first = sql.steps.first().filter(|s| {
        unchanged
            && s.revision == entry.revision
            && (s.direction == Direction::Up) == (entry.direction == "up")
            && !s.after_commit.is_empty()
    });
    first.ok_or_else(|| {
        MigrateError::Refused(format!(
            "revision `{}` committed its transaction in an earlier run but not its statements after it (`{}`), so the version table does not record it yet\nhint: run `retort {} {}` to finish it first (it resumes there; if its file changed since, restore it), or fix the database by hand and `retort stamp` the revision it is at",
            entry.revision,
            entry.failed_statement.as_deref().unwrap_or("(not recorded)"),
            if entry.direction == "down" { "downgrade" } else { "upgrade" },
            entry.revision,
        ))
    })
}

/// Whether a MySQL-protocol server is MariaDB (`SELECT VERSION()`).
async fn is_mariadb(conn: &mut Conn) -> Result<bool, MigrateError> {
    let rows = conn
        .fetch("SELECT VERSION()")
        .await
        .map_err(|e| db_err("reading the server version", e))?;
    Ok(rows
        .first()
        .and_then(|r| r[0].as_deref())
        .is_some_and(|v| v.to_ascii_lowercase().contains("mariadb")))
}
