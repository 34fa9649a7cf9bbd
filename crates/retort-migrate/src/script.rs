//! The offline script: a plan printed as SQL a database client can run.

use std::fmt::Write;

use retort_core::Dialect;
use retort_script::Direction;

use crate::SqlPlan;

impl SqlPlan {
    /// The whole run as one SQL script: `BEGIN`/`COMMIT` where the dialect
    /// has transactional DDL, a comment before each revision, the version
    /// table statements included. Exactly the statements a live run executes.
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
            for s in step.all_statements() {
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
