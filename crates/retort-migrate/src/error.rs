use retort_core::ReplayError;
use retort_script::{ScriptError, TargetError};
use retort_sql::RenderError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error(
        "{location}: revision `{revision}` cannot be rendered ({direction} step {index}, `{op}`): {source}"
    )]
    Render {
        /// `path:line` of the operation.
        location: String,
        revision: String,
        direction: &'static str,
        index: usize,
        op: &'static str,
        #[source]
        source: Box<RenderError>,
    },
    #[error(
        "{location}: revision `{revision}` does not apply to the schema its ancestors build ({direction} step {index}, `{op}`): {source}"
    )]
    Replay {
        /// `path:line` of the operation.
        location: String,
        revision: String,
        direction: &'static str,
        index: usize,
        op: &'static str,
        #[source]
        source: Box<ReplayError>,
    },
    #[error("{location}: revision `{revision}` cannot be {}: its {direction} list has an `irreversible` step{}\nhint: {}", if *.direction == "upgrade" { "upgraded" } else { "downgraded" }, .reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(), if *.direction == "upgrade" { "`irreversible` belongs in the downgrade list; remove it from the upgrade list" } else { "stop at a later revision, or `stamp` past it once you have undone it by hand" })]
    Irreversible {
        /// `path:line` of the step.
        location: String,
        /// `upgrade` or `downgrade`: the list that holds the step.
        direction: &'static str,
        revision: String,
        reason: Option<String>,
    },
    #[error("{0}")]
    IdentifierTooLong(Box<LongIdentifier>),
    /// An operation that the dialect (or the schema before it) cannot take.
    #[error(
        "{location}: revision `{revision}` cannot run on {dialect} ({direction} step {index}, `{op}`): {message}"
    )]
    BadOperation {
        /// `path:line` of the operation.
        location: String,
        revision: String,
        dialect: retort_core::Dialect,
        direction: &'static str,
        index: usize,
        op: &'static str,
        message: String,
    },
    #[error("unknown revision `{0}`")]
    UnknownRevision(String),
    #[error("`{url}` is not a database URL: {message}")]
    BadUrl { url: String, message: String },
    #[error("cannot connect to `{url}`: {message}")]
    Connect { url: String, message: String },
    #[error(
        "retort cannot run on a {kind} SeaORM `DatabaseConnection`: it needs a PostgreSQL, MySQL or SQLite pool (sea-orm's `sqlx-postgres`, `sqlx-mysql` or `sqlx-sqlite`)\nhint: pass the connection from `sea_orm::Database::connect(url)`, or the URL itself"
    )]
    UnsupportedConnection { kind: &'static str },
    #[error("the database failed while {doing}: {message}")]
    Database { doing: String, message: String },
    #[error(
        "another retort run holds the migration lock; gave up after {seconds} s\nhint: wait for the other run to finish, or raise `lock_timeout`"
    )]
    LockTimeout { seconds: u64 },
    #[error("revision `{}` failed at statement {} of {}; nothing of it was kept, the database is at {previous}{}", .failure.revision, .failure.index, .failure.total, .failure.details())]
    StepRolledBack {
        failure: Box<StepFailure>,
        previous: String,
    },
    #[error("revision `{}` failed at statement {} of {} and MySQL cannot roll back DDL: the database is half-migrated{}\n  already ran: {done}\nhint: undo or finish what ran by hand, then `retort stamp REV` with the revision the database is at; the next run refuses until then", .failure.revision, .failure.index, .failure.total, .failure.details())]
    StepPartial {
        failure: Box<StepFailure>,
        done: String,
    },
    #[error("revision `{}` failed at statement {} of {} before changing anything; the database is at {previous}, and the failure does not block the next run{}\nhint: fix the cause, then run the command again (no `stamp` is needed)", .failure.revision, .failure.index, .failure.total, .failure.details())]
    StepChangedNothing {
        failure: Box<StepFailure>,
        previous: String,
    },
    #[error("revision `{}` is recorded as failed at statement {} of {}{}\n  already ran: {done}\nhint: fix the database by hand, then `retort stamp REV` with the revision it is at; `stamp` clears the failure", .failure.revision, .failure.index, .failure.total, .failure.details())]
    FailedState {
        failure: Box<StepFailure>,
        done: String,
    },
    #[error("revision `{}` was interrupted at statement {} of {}: the run stopped while that statement ran, and MySQL cannot roll back DDL{}\n  already ran: {done}\nhint: check whether that statement took effect, undo or finish the revision by hand, then `retort stamp REV` with the revision the database is at; `stamp` clears the failure", .failure.revision, .failure.index, .failure.total, .failure.details())]
    Interrupted {
        failure: Box<StepFailure>,
        done: String,
    },
    /// The data pre-checks found rows that would make operations of the
    /// revision fail; nothing of it ran.
    #[error("revision `{revision}` refused before any of its statements ran: existing rows would make {} of its operation(s) fail{}\n  nothing of the revision ran{}; the database is at {previous}\nhint: fix those rows (by hand, or in an earlier revision), then run the command again; no `stamp` is needed", .failures.len(), .failures.iter().map(|f| format!("\n  {f}")).collect::<String>(), if *.whole_run { " (nor of this run: it had one transaction)" } else { "" })]
    PreCheckFailed {
        revision: String,
        failures: Vec<crate::PreCheckFailure>,
        /// Where the database is: before the revision, or before the run
        /// when the run had one transaction.
        previous: String,
        whole_run: bool,
    },
    /// A statement waited longer than the revision's `lock_timeout`, or ran
    /// longer than its `statement_timeout`, through every retry.
    #[error("revision `{}` gave up at statement {} of {} after {attempts} attempt(s): {}; nothing of it was kept, the database is at {previous}{}\nhint: {}", .failure.revision, .failure.index, .failure.total, .kind.what(setting), .failure.details(), .kind.hint())]
    DdlTimeout {
        kind: Timeout,
        /// The setting and its value, as `lock_timeout = 5s`.
        setting: String,
        failure: Box<StepFailure>,
        attempts: u32,
        /// Whether running the revision again can succeed (nothing of it
        /// was kept, and the timeout was a lock wait).
        retryable: bool,
        previous: String,
    },
    /// A PostgreSQL revision committed its transaction, then one of its
    /// statements after it (`CREATE INDEX CONCURRENTLY`, `VALIDATE
    /// CONSTRAINT`) failed, now or in an earlier run.
    #[error("{0}")]
    AfterCommit(Box<AfterCommitFailure>),
    #[error("revision(s) changed after they were applied: {}\nhint: revert the edit, or run with `--allow-changed` if the change is deliberate", .revisions.join(", "))]
    Changed { revisions: Vec<String> },
    #[error(
        "revision `{revision}` leaves foreign keys pointing at missing rows ({detail}); it was rolled back"
    )]
    ForeignKeyCheck { revision: String, detail: String },
    #[error("{0}")]
    Refused(String),
    /// A revision (or a run in one transaction) needs more PostgreSQL locks
    /// than the server has; checked before anything runs.
    #[error("{0}")]
    LockBudget(Box<crate::OverBudget>),
    #[error("{}:{line}: {message}{}", path.display(), .hint.as_deref().map(|h| format!("\nhint: {h}")).unwrap_or_default())]
    BadSeed {
        path: std::path::PathBuf,
        line: usize,
        message: String,
        hint: Option<String>,
    },
    #[error("{} problems in the seed files; nothing ran:{}\nhint: fix each line above, then run the command again", .problems.len(), .problems.iter().map(|p| format!("\n  {p}")).collect::<String>())]
    BadSeeds { problems: Vec<SeedProblem> },
    #[error("seeding `{table}` from {}:{line} failed: {message}\nnothing was kept: the seed ran in one transaction, which was rolled back", path.display())]
    SeedFailed {
        path: std::path::PathBuf,
        line: usize,
        table: String,
        message: String,
    },
}

/// A name over the dialect's identifier limit, and the operation that brings it.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{location}: {what} `{identifier}` is {length} {unit} long; {dialect} allows {limit} ({direction} step {index}, `{op}`)\nhint: choose a name of at most {limit} {unit}"
)]
pub struct LongIdentifier {
    /// `path:line` of the operation.
    pub location: String,
    pub direction: &'static str,
    /// 1-based step of the operation in its list.
    pub index: usize,
    pub op: &'static str,
    /// `table`, `column`, `index`, ...
    pub what: &'static str,
    pub identifier: String,
    pub length: usize,
    /// `bytes` (PostgreSQL) or `characters` (MySQL).
    pub unit: &'static str,
    pub dialect: retort_core::Dialect,
    pub limit: usize,
}

/// One problem of a seed file, with its line.
#[derive(Debug, Clone)]
pub struct SeedProblem {
    pub path: std::path::PathBuf,
    pub line: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for SeedProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// Which of a revision's timeouts stopped a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// `lock_timeout`: the statement waited for a lock held by another session.
    Lock,
    /// `statement_timeout`: the statement ran too long.
    Statement,
}

impl Timeout {
    /// `lock_timeout = 5s`, from the revision's timeouts.
    pub(crate) fn setting(self, t: &retort_sql::Timeouts) -> String {
        let (name, value) = match self {
            Timeout::Lock => ("lock_timeout", t.lock),
            Timeout::Statement => ("statement_timeout", t.statement),
        };
        match value {
            Some(v) => format!("{name} = {}", show_duration(v)),
            None => format!("{name} (the server's own setting)"),
        }
    }

    fn what(self, setting: &str) -> String {
        match self {
            Timeout::Lock => format!("it waited longer than `{setting}` for a lock"),
            Timeout::Statement => format!("it ran longer than `{setting}`"),
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Timeout::Lock => {
                "find the session that holds a lock on the table (PostgreSQL `pg_locks`, MySQL `SHOW PROCESSLIST`) and run again when it is done, or raise `lock_timeout` or `retries` in the revision file or under `[safety]` in alembic.toml"
            }
            Timeout::Statement => {
                "raise `statement_timeout` in the revision file or under `[safety]` in alembic.toml, or split the work into smaller revisions"
            }
        }
    }
}

/// `5s`, `1500ms`, `2min`.
pub(crate) fn show_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(60_000) && ms > 0 {
        format!("{}min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// A PostgreSQL revision whose transaction committed and whose statements
/// after it did not all succeed: the version did not move.
#[derive(Debug, Clone)]
pub struct AfterCommitFailure {
    pub revision: String,
    /// The statement that failed, or was running when the run stopped.
    pub statement: String,
    /// The database's message; `None` when the run was killed or lost its
    /// connection while the statement ran.
    pub message: Option<String>,
    /// The timeout that stopped it, as `lock_timeout = 5s`.
    pub setting: Option<String>,
    /// Indexes PostgreSQL left INVALID (`pg_index.indisvalid` false).
    pub invalid: Vec<String>,
}

impl std::fmt::Display for AfterCommitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "revision `{}` committed its transaction, then stopped outside it, so the version table does not record it yet\n  statement: {}\n  error: {}",
            self.revision,
            self.statement,
            match &self.message {
                Some(m) => m.as_str(),
                None => "the run stopped (killed or disconnected) while this statement ran",
            }
        )?;
        if let Some(s) = &self.setting {
            write!(f, " (`{s}`)")?;
        }
        for ix in &self.invalid {
            write!(
                f,
                "\n  index `{ix}` is INVALID (pg_index.indisvalid = false): PostgreSQL keeps it up to date on writes but never uses it"
            )?;
        }
        let drops = self
            .invalid
            .iter()
            .map(|ix| {
                format!(
                    "`DROP INDEX CONCURRENTLY {};`",
                    retort_sql::quote_ident(retort_core::Dialect::Postgres, ix)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        if drops.is_empty() {
            write!(
                f,
                "\nhint: fix the cause, then run `retort upgrade` again: it resumes with the statements after the transaction (no `stamp` is needed)"
            )
        } else {
            write!(
                f,
                "\nhint: drop the invalid index with {drops}, then run `retort upgrade` again: it resumes with the statements after the transaction (no `stamp` is needed)"
            )
        }
    }
}

/// Which statement of which revision failed, and why.
#[derive(Debug, Clone)]
pub struct StepFailure {
    pub revision: String,
    /// 1-based position of the statement in the revision.
    pub index: usize,
    pub total: usize,
    pub statement: String,
    pub message: String,
}

impl StepFailure {
    pub(crate) fn details(&self) -> String {
        format!(
            "\n  statement: {}\n  error: {}",
            self.statement, self.message
        )
    }
}

impl MigrateError {
    /// Whether the database (not the user's files or arguments) failed.
    pub fn is_database(&self) -> bool {
        matches!(
            self,
            MigrateError::Connect { .. }
                | MigrateError::Database { .. }
                | MigrateError::LockTimeout { .. }
                | MigrateError::StepRolledBack { .. }
                | MigrateError::StepPartial { .. }
                | MigrateError::StepChangedNothing { .. }
                | MigrateError::FailedState { .. }
                | MigrateError::Interrupted { .. }
                | MigrateError::ForeignKeyCheck { .. }
                | MigrateError::PreCheckFailed { .. }
                | MigrateError::SeedFailed { .. }
                | MigrateError::DdlTimeout { .. }
                | MigrateError::AfterCommit(_)
        )
    }
}

/// The text of a database error, without what reads like a line of the
/// user's file: PostgreSQL's errors carry the line of the *server's* C
/// source that raised them, which sqlx prints as "at line N". What is kept:
/// the server's message, its detail, and the SQLSTATE code.
pub(crate) fn db_message(e: &sqlx::Error) -> String {
    let sqlx::Error::Database(d) = e else {
        return e.to_string();
    };
    match d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        Some(pg) => {
            let mut m = pg.message().to_owned();
            if let Some(detail) = pg.detail() {
                m.push_str(&format!(" ({detail})"));
            }
            m.push_str(&format!(" [SQLSTATE {}]", pg.code()));
            m
        }
        None => d.to_string(),
    }
}
