//! MySQL commits DDL as it goes, so a revision cannot be undone: the log
//! records progress before each statement, so that a failure, or a crash,
//! says exactly which statement was running and what had already run.

use retort_core::Dialect;
use retort_script::{Direction, Plan, Step};
use retort_sql::{TimeoutScope, timeout_reset, timeout_settings};

use super::{Migrator, StepRun};
use crate::error::{StepFailure, Timeout, db_message};
use crate::state::{DONE, FAILED, LogEntry, RESOLVED, RUNNING, State, db_err};
use crate::{MigrateError, build_plan, connection::Conn};

/// Runs one revision, writing the log row's progress before each statement
/// (one small commit each: the price of knowing, after a `kill -9`, which
/// statement was in flight).
pub(super) async fn run_step(
    conn: &mut Conn,
    state: &State<'_>,
    run: &StepRun<'_>,
) -> Result<(), MigrateError> {
    let (revision, batch, statements) = (&run.step.revision, run.batch, run.statements);
    let total = statements.len();
    let start_row = state.insert_running(
        revision,
        run.direction,
        batch,
        run.checksum,
        0,
        total,
        statements.first().map(|s| s.as_str()),
    );
    conn.execute(start_row.as_str())
        .await
        .map_err(|e| db_err("writing the log", e))?;
    let timeouts = &run.step.timeouts;
    for s in timeout_settings(Dialect::Mysql, run.mariadb, TimeoutScope::Session, timeouts) {
        if let Err(e) = conn.execute(s.as_str()).await {
            reset(conn, run).await;
            let fail = state.finish(
                revision,
                batch,
                RESOLVED,
                0,
                0,
                Some((s.as_str(), &db_message(&e))),
            );
            let _ = conn.execute(fail.as_str()).await;
            return Err(db_err("setting the revision's timeouts", e));
        }
    }
    let result = run_statements(conn, state, run).await;
    reset(conn, run).await;
    result
}

/// Gives the session's timeouts back their defaults.
async fn reset(conn: &mut Conn, run: &StepRun<'_>) {
    for s in timeout_reset(Dialect::Mysql, run.mariadb, &run.step.timeouts) {
        let _ = conn.execute(s.as_str()).await;
    }
}

async fn run_statements(
    conn: &mut Conn,
    state: &State<'_>,
    run: &StepRun<'_>,
) -> Result<(), MigrateError> {
    let (revision, batch, statements) = (&run.step.revision, run.batch, run.statements);
    let total = statements.len();
    for (n, s) in statements.iter().enumerate() {
        if n > 0 {
            let progress = state.progress(revision, batch, n, s.as_str());
            conn.execute(progress.as_str())
                .await
                .map_err(|e| db_err("writing the log", e))?;
        }
        let Err(e) = conn.execute(s.as_str()).await else {
            continue;
        };
        let message = db_message(&e);
        let timeout = mysql_timeout(&e);
        // A lock wait that timed out ran nothing of its statement.
        let clean = (changed_nothing(&e, s.as_str()) || timeout == Some(Timeout::Lock))
            && statements[..n].iter().all(|p| reads_only(p.as_str()));
        let fail = state.finish(
            revision,
            batch,
            if clean { RESOLVED } else { FAILED },
            run.started.elapsed().as_millis() as i64,
            n,
            Some((s.as_str(), &message)),
        );
        let _ = conn.execute(fail.as_str()).await;
        let failure = Box::new(StepFailure {
            revision: revision.clone(),
            index: n + 1,
            total,
            statement: s.as_str().to_owned(),
            message,
        });
        return Err(if let (Some(kind), true) = (timeout, clean) {
            MigrateError::DdlTimeout {
                kind,
                setting: kind.setting(&run.step.timeouts),
                failure,
                attempts: 1,
                retryable: kind == Timeout::Lock,
                previous: run.previous.to_owned(),
            }
        } else if clean {
            MigrateError::StepChangedNothing {
                failure,
                previous: run.previous.to_owned(),
            }
        } else {
            MigrateError::StepPartial {
                failure,
                done: listing(statements[..n].iter().map(|s| s.as_str())),
            }
        });
    }
    let finish = state.finish(
        revision,
        batch,
        DONE,
        run.started.elapsed().as_millis() as i64,
        total,
        None,
    );
    conn.execute(finish.as_str())
        .await
        .map_err(|e| db_err("writing the log", e))
}

/// Whether a failed statement left the database as it was: the server
/// refused it with an error it raises before doing anything (the statement
/// does not parse, names something missing or already there, or defines
/// something invalid), and it is one statement (in a script of several, the
/// ones before the bad one ran). Any other failure (a lost connection, a
/// duplicate key halfway through an `INSERT` into a non-transactional
/// table) may have changed something, and is recorded as failed.
fn changed_nothing(e: &sqlx::Error, statement: &str) -> bool {
    /// MySQL/MariaDB error numbers of statements refused before they ran.
    const REFUSED_BEFORE_RUNNING: &[u16] = &[
        1044, 1045, 1142, 1143, // access denied
        1049, // unknown database
        1050, // table already exists
        1054, // unknown column
        1059, // identifier too long
        1060, // duplicate column name
        1061, // duplicate key name
        1063, // incorrect column specifier
        1064, // syntax error
        1065, // empty query
        1067, // invalid default value
        1068, // multiple primary keys
        1071, // key too long
        1072, // key column does not exist
        1074, // column length too big
        1075, // incorrect auto-increment definition
        1091, // cannot drop: does not exist
        1101, // BLOB/TEXT column cannot have a default
        1113, // a table needs at least one column
        1146, // table does not exist
        1166, // incorrect column name
        1170, // BLOB/TEXT key without a length
        1280, // incorrect index name
        1286, // unknown storage engine
        1305, // function or procedure does not exist
        1425, 1426, 1427, // decimal scale and precision
        1824, // foreign key to a missing table
        3813, 3814, 3815, 3816, 3818, 3819, 3820, 3822, 3823, // check constraint definitions
    ];
    let refused = match e {
        sqlx::Error::Database(d) => d
            .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
            .is_some_and(|my| REFUSED_BEFORE_RUNNING.contains(&my.number())),
        _ => false,
    };
    refused && !statement.trim().trim_end_matches(';').contains(';')
}

/// MySQL/MariaDB's lock wait timeout (1205, metadata and row locks alike)
/// and statement timeouts (MariaDB 1969, MySQL 3024).
fn mysql_timeout(e: &sqlx::Error) -> Option<Timeout> {
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    match d
        .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()?
        .number()
    {
        1205 => Some(Timeout::Lock),
        1969 | 3024 => Some(Timeout::Statement),
        _ => None,
    }
}

/// A statement that only reads (`SELECT` without `INTO`), such as a data
/// check or a `SELECT SLEEP(..)`: running it changed nothing.
fn reads_only(statement: &str) -> bool {
    let s = statement.trim_start().to_ascii_uppercase();
    s.starts_with("SELECT") && !s.contains(" INTO ") && !s.contains(';')
}

/// Statements as the messages list them.
fn listing<'a>(statements: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = statements.collect();
    if all.is_empty() {
        "nothing".into()
    } else {
        format!("\n    {}", all.join(";\n    "))
    }
}

/// The refusal for a log row left `failed` or `running` (a run that died
/// mid-revision): which statement failed or was in flight, and what had
/// run before it.
pub(super) fn recorded_failure(m: &Migrator, dialect: Dialect, bad: &LogEntry) -> MigrateError {
    let done = bad.statements_done.max(0) as usize;
    let running = bad.status == RUNNING;
    let failure = Box::new(StepFailure {
        revision: bad.revision.clone(),
        index: done + 1,
        total: bad.statements_total as usize,
        statement: bad
            .failed_statement
            .clone()
            .unwrap_or_else(|| "(not recorded)".into()),
        message: match (&bad.error, running) {
            (Some(e), _) => e.clone(),
            (None, true) => "the run stopped (killed or disconnected) while this statement ran: it may or may not have taken effect".into(),
            (None, false) => "(not recorded)".into(),
        },
    });
    let done = match statements_of(m, dialect, bad) {
        Some(all) if done <= all.len() => listing(all[..done].iter().map(String::as_str)),
        Some(all) => format!(
            "{}\n    and {} version-table statement(s)",
            listing(all.iter().map(String::as_str)),
            done - all.len()
        ),
        _ if done == 0 => "nothing".into(),
        _ => format!(
            "the first {done} statement(s) (the revision's file no longer renders them, so they cannot be listed)"
        ),
    };
    if running {
        MigrateError::Interrupted { failure, done }
    } else {
        MigrateError::FailedState { failure, done }
    }
}

/// The statements the logged step ran, rendered again from its revision
/// file; `None` when the file changed since (checksum) or no longer
/// renders what the log recorded.
fn statements_of(m: &Migrator, dialect: Dialect, entry: &LogEntry) -> Option<Vec<String>> {
    let rev = m.script.get(&entry.revision)?;
    if entry.checksum.as_deref() != Some(rev.checksum().as_str()) {
        return None;
    }
    let direction = if entry.direction == "down" {
        Direction::Down
    } else {
        Direction::Up
    };
    let heads_before = match direction {
        Direction::Up => rev.down_revisions.clone(),
        Direction::Down => vec![rev.id.clone()],
    };
    let plan = Plan {
        direction,
        heads_before,
        steps: vec![Step {
            revision: rev.id.clone(),
            direction,
            version: Vec::new(),
        }],
        heads_after: Vec::new(),
    };
    let sql = build_plan(&m.script, &plan, &m.options(dialect)).ok()?;
    let all: Vec<String> = sql
        .steps
        .first()?
        .statements
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    // The version-table statements come after the revision's own; the log
    // counts both.
    let in_flight = entry.failed_statement.as_deref();
    let done = entry.statements_done.max(0) as usize;
    match all.get(done) {
        Some(s) if in_flight.is_some_and(|f| f != s) => None,
        _ => Some(all),
    }
}
