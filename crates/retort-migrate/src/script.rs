//! The offline script: a plan printed as SQL a database client can run.

use std::fmt::Write;

use retort_core::Dialect;
use retort_script::Direction;
use retort_sql::{TimeoutScope, timeout_reset, timeout_settings};

use crate::SqlPlan;

impl SqlPlan {
    /// The whole run as one SQL script: `BEGIN`/`COMMIT` where the dialect
    /// has transactional DDL, a comment before each revision, the version
    /// table statements included. Exactly the statements a live run executes;
    /// each revision's data pre-checks come first, as comments with their
    /// queries (`-- pre-check: ...`).
    pub fn to_script(&self) -> String {
        let dialect = self.options.dialect;
        let tx = dialect.transactional_ddl();
        let per_migration = self.options.transaction_per_migration;
        let fk_off = dialect == Dialect::Sqlite && self.steps.iter().any(|s| s.rebuilds_table);
        let mut out = String::new();
        let stmt = |out: &mut String, sql: &str| {
            let sql = sql.trim_end();
            let _ = write!(out, "{sql}");
            if !sql.ends_with(';') {
                out.push(';');
            }
            out.push_str("\n\n");
        };
        if fk_off && !per_migration {
            stmt(&mut out, "PRAGMA foreign_keys = OFF");
        }
        if tx && !per_migration {
            stmt(&mut out, "BEGIN");
        }
        let mut setup_done = self.setup.is_empty();
        if !per_migration || !tx || self.steps.is_empty() {
            for s in &self.setup {
                stmt(&mut out, s.as_str());
            }
            setup_done = true;
        }
        for step in &self.steps {
            let step_fk_off = per_migration && dialect == Dialect::Sqlite && step.rebuilds_table;
            if step_fk_off {
                stmt(&mut out, "PRAGMA foreign_keys = OFF");
            }
            if tx && per_migration {
                stmt(&mut out, "BEGIN");
            }
            if !setup_done {
                for s in &self.setup {
                    stmt(&mut out, s.as_str());
                }
                setup_done = true;
            }
            let verb = match step.direction {
                Direction::Up => "upgrade",
                Direction::Down => "downgrade",
            };
            let _ = writeln!(
                out,
                "-- Running {verb} {}: {}\n",
                step.label,
                step.message.replace('\n', " ")
            );
            if dialect == Dialect::Postgres
                && let Some(warning) = crate::budget::script_warning(step.locks)
            {
                let _ = writeln!(out, "{warning}\n");
            }
            for c in &step.prechecks.checks {
                let _ = writeln!(
                    out,
                    "-- pre-check: {} `{}` step {} ({}): the revision is refused if rows {} exist:\n--   {};\n",
                    c.location,
                    c.op,
                    c.index,
                    c.operation.replace('\n', " "),
                    c.offending.replace('\n', " "),
                    c.query.sample.as_str().replace('\n', " ")
                );
            }
            for n in &step.prechecks.notes {
                let _ = writeln!(out, "-- pre-check: {}\n", n.replace('\n', " "));
            }
            for n in &step.notes {
                let _ = writeln!(out, "-- note: {}\n", n.replace('\n', " "));
            }
            // The live run knows the server; offline, MySQL gets MariaDB's
            // statement timeout, with MySQL's named.
            let mariadb = true;
            if dialect == Dialect::Mysql && step.timeouts.statement.is_some() {
                let _ = writeln!(
                    out,
                    "-- note: on MySQL (not MariaDB) the statement timeout is `SET SESSION max_execution_time = {}` (it limits SELECT statements only)\n",
                    step.timeouts.statement.unwrap_or_default().as_millis()
                );
            }
            let scope = if tx {
                TimeoutScope::Transaction
            } else {
                TimeoutScope::Session
            };
            for s in timeout_settings(dialect, mariadb, scope, &step.timeouts) {
                stmt(&mut out, s.as_str());
            }
            for s in &step.statements {
                stmt(&mut out, s.as_str());
            }
            if !step.after_commit.is_empty() {
                // Statements a transaction block cannot hold: the
                // revision's transaction commits first, and the version
                // moves in a transaction of its own once they succeeded.
                stmt(&mut out, "COMMIT");
                let _ = writeln!(
                    out,
                    "-- Outside the transaction, one at a time (retort records its progress in the log)\n"
                );
                let session =
                    timeout_settings(dialect, mariadb, TimeoutScope::Session, &step.timeouts);
                for s in &session {
                    stmt(&mut out, s.as_str());
                }
                for a in &step.after_commit {
                    stmt(&mut out, a.sql.as_str());
                }
                if !session.is_empty() {
                    for s in timeout_reset(dialect, mariadb, &step.timeouts) {
                        stmt(&mut out, s.as_str());
                    }
                }
                stmt(&mut out, "BEGIN");
            }
            for s in &step.version {
                stmt(&mut out, s.as_str());
            }
            if step_fk_off {
                stmt(&mut out, "PRAGMA foreign_key_check");
            }
            if tx && per_migration {
                stmt(&mut out, "COMMIT");
            }
            if step_fk_off {
                stmt(&mut out, "PRAGMA foreign_keys = ON");
            }
            if !tx {
                for s in timeout_reset(dialect, mariadb, &step.timeouts) {
                    stmt(&mut out, s.as_str());
                }
            }
        }
        if fk_off && !per_migration {
            stmt(&mut out, "PRAGMA foreign_key_check");
        }
        if tx && !per_migration {
            stmt(&mut out, "COMMIT");
        }
        if fk_off && !per_migration {
            stmt(&mut out, "PRAGMA foreign_keys = ON");
        }
        out
    }
}
