use retort_core::{ColumnType, Dialect, Operation, Replay, Schema};
use retort_script::{Direction, Plan, Revision, RevisionSafety, Script, VersionChange};
use retort_sql::{
    Sql, Timeouts, render_applied, version_delete, version_insert, version_table_create,
    version_update,
};

use crate::MigrateError;
use crate::budget::LockEstimate;
use crate::error::LongIdentifier;
use crate::prechecks::{Collector, PreChecks};

/// Settings that shape a plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub dialect: Dialect,
    pub version_table: String,
    /// One transaction per revision (true) or one for the whole run.
    pub transaction_per_migration: bool,
    /// `lock_timeout`, `statement_timeout` and `retries` for the revisions
    /// whose files do not set them (`[safety]` in `alembic.toml`).
    pub safety: RevisionSafety,
}

/// Every statement of a run, grouped by revision.
#[derive(Debug, Clone)]
pub struct SqlPlan {
    pub options: PlanOptions,
    pub direction: Direction,
    /// `CREATE TABLE IF NOT EXISTS` of the version table, for upgrades and stamps.
    pub setup: Vec<Sql>,
    pub steps: Vec<SqlStep>,
    pub heads_before: Vec<String>,
    pub heads_after: Vec<String>,
}

/// One revision's statements: its operations, then its version-table changes.
#[derive(Debug, Clone)]
pub struct SqlStep {
    pub revision: String,
    pub message: String,
    pub direction: Direction,
    /// The revision's parents (up) or the revision it returns to (down), for display.
    pub label: String,
    pub statements: Vec<Sql>,
    pub version: Vec<Sql>,
    /// SQLite rebuilds a table: foreign keys go off around the transaction.
    pub rebuilds_table: bool,
    /// The data pre-checks run before the revision's first statement.
    pub prechecks: PreChecks,
    /// PostgreSQL statements run after the revision's transaction commits,
    /// one at a time (`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`);
    /// the version-table statements run only once they all succeeded.
    pub after_commit: Vec<AfterCommit>,
    /// What the dialect ignores of the revision's operations.
    pub notes: Vec<String>,
    /// The revision's timeouts (its file's, else the defaults).
    pub timeouts: Timeouts,
    /// Runs again after a lock timeout (its file's, else the default).
    pub retries: u32,
    /// The PostgreSQL lock-table entries the revision's transaction takes
    /// (an estimate that errs high: [`LockEstimate`]); counted for every
    /// dialect, checked against the server's budget on PostgreSQL.
    pub locks: usize,
}

/// A statement of [`SqlStep::after_commit`].
#[derive(Debug, Clone)]
pub struct AfterCommit {
    pub sql: Sql,
    /// The index a concurrent build or drop works on: PostgreSQL leaves it
    /// INVALID when the statement fails or is killed.
    pub index: Option<String>,
}

impl SqlStep {
    /// The operations then the version-table statements.
    pub fn all_statements(&self) -> impl Iterator<Item = &Sql> {
        self.statements.iter().chain(&self.version)
    }
}

/// The schema a database whose version table holds `heads` has: every
/// revision up to them, replayed in order.
pub fn schema_at(script: &Script, heads: &[String]) -> Result<Schema, MigrateError> {
    replay_to(script, heads).map(Replay::into_schema)
}

/// [`schema_at`], kept as a [`Replay`] for a caller that replays on.
fn replay_to(script: &Script, heads: &[String]) -> Result<Replay, MigrateError> {
    // Through the graph the database follows: a squashed revision, or the
    // revisions it replaces for a database inside its range.
    let mut schema = Replay::default();
    for rev in script.applied_in_order(heads)? {
        for (i, op) in rev.upgrade.iter().enumerate() {
            replay(&mut schema, rev, Direction::Up, i, op)?;
        }
    }
    Ok(schema)
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// Replays the `index`-th (0-based) operation of `rev`'s list; an error names
/// the file and line of the operation and its 1-based step number.
fn replay(
    schema: &mut Replay,
    rev: &Revision,
    direction: Direction,
    index: usize,
    op: &Operation,
) -> Result<(), MigrateError> {
    schema.apply(op).map_err(|source| MigrateError::Replay {
        location: rev.op_location(direction == Direction::Up, index),
        revision: rev.id.clone(),
        direction: direction_name(direction),
        index: index + 1,
        op: op.kind(),
        source: Box::new(source),
    })
}

/// The longest identifier `dialect` keeps, and what it counts: PostgreSQL
/// truncates names over 63 bytes (silently), MySQL refuses names over 64
/// characters; SQLite has no limit.
pub fn identifier_limit(dialect: Dialect) -> Option<(usize, &'static str)> {
    match dialect {
        Dialect::Postgres => Some((63, "bytes")),
        Dialect::Mysql => Some((64, "characters")),
        Dialect::Sqlite => None,
    }
}

/// The largest `decimal(P,S)` the dialect stores: PostgreSQL `numeric` up
/// to 1000 digits, MySQL `DECIMAL(65,30)`; SQLite has no limit.
fn decimal_limit(dialect: Dialect) -> Option<(u32, u32)> {
    match dialect {
        Dialect::Postgres => Some((1000, 1000)),
        Dialect::Mysql => Some((65, 30)),
        Dialect::Sqlite => None,
    }
}

/// Refuses what the dialect, or the schema before the operation, cannot
/// take although the file itself is valid: a decimal over the dialect's
/// precision, a default that `alter_column` sets alone and that the
/// column's type (from `before`) cannot hold.
fn check_operation(
    before: &Schema,
    rev: &Revision,
    direction: Direction,
    index: usize,
    op: &Operation,
    dialect: Dialect,
) -> Result<(), MigrateError> {
    let fail = |message: String| MigrateError::BadOperation {
        location: rev.op_location(direction == Direction::Up, index),
        revision: rev.id.clone(),
        dialect,
        direction: direction_name(direction),
        index: index + 1,
        op: op.kind(),
        message,
    };
    let mut types: Vec<(&str, &str, &ColumnType)> = Vec::new();
    match op {
        Operation::CreateTable { table, columns, .. } => {
            types.extend(
                columns
                    .iter()
                    .map(|c| (table.as_str(), c.name.as_str(), &c.ty)),
            );
        }
        Operation::AddColumn { table, column } => types.push((table, &column.name, &column.ty)),
        Operation::AlterColumn {
            table,
            column,
            ty,
            default,
            ..
        } => {
            if let Some(ty) = ty {
                types.push((table, column, ty));
            } else if let Some(v) = default
                && let Some(c) = before.table(table).and_then(|t| t.column(column))
                && let Some(m) = retort_script::default_problem_for(table, column, &c.ty, v)
            {
                return Err(fail(m));
            }
        }
        _ => {}
    }
    if let Some((max_p, max_s)) = decimal_limit(dialect) {
        for (table, column, ty) in types {
            if let ColumnType::Decimal(Some((p, s))) = ty
                && (*p > max_p || *s > max_s)
            {
                return Err(fail(format!(
                    "column `{table}.{column}`: `decimal({p},{s})` is over {dialect}'s largest decimal (precision {max_p}, scale {max_s})\nhint: lower the precision or scale, or store it as `text`"
                )));
            }
        }
    }
    Ok(())
}

/// Refuses an identifier that the operation at `index` of `rev` brings into
/// `after` (the schema after it) and that is over the dialect's limit.
fn check_identifiers(
    after: &Schema,
    rev: &Revision,
    direction: Direction,
    index: usize,
    op: &Operation,
    dialect: Dialect,
) -> Result<(), MigrateError> {
    let Some((limit, unit)) = identifier_limit(dialect) else {
        return Ok(());
    };
    let length = |name: &str| match dialect {
        Dialect::Postgres => name.len(),
        _ => name.chars().count(),
    };
    let mut names: Vec<(&'static str, &str)> = Vec::new();
    match op {
        Operation::CreateEnum { name, .. } | Operation::AlterEnum { name, .. }
            if dialect == Dialect::Postgres =>
        {
            names.push(("enum type", name));
        }
        _ => {}
    }
    let table = match op {
        Operation::RenameTable { new_name, .. } => Some(new_name.as_str()),
        other => other.table(),
    };
    if let Some(t) = table.and_then(|t| after.table(t)) {
        names.push(("table", &t.name));
        names.extend(t.columns.iter().map(|c| ("column", c.name.as_str())));
        names.extend(t.indexes.iter().map(|i| ("index", i.name.as_str())));
        names.extend(
            t.uniques
                .iter()
                .map(|u| ("unique constraint", u.name.as_str())),
        );
        names.extend(
            t.foreign_keys
                .iter()
                .map(|f| ("foreign key", f.name.as_str())),
        );
        names.extend(
            t.checks
                .iter()
                .map(|c| ("check constraint", c.name.as_str())),
        );
        if let Some(pk) = t.primary_key.as_ref().and_then(|p| p.name.as_deref()) {
            names.push(("primary key", pk));
        }
    }
    match names.into_iter().find(|(_, n)| length(n) > limit) {
        None => Ok(()),
        Some((what, name)) => Err(MigrateError::IdentifierTooLong(Box::new(LongIdentifier {
            location: rev.op_location(direction == Direction::Up, index),
            direction: direction_name(direction),
            index: index + 1,
            op: op.kind(),
            what,
            identifier: name.to_owned(),
            length: length(name),
            unit,
            dialect,
            limit,
        }))),
    }
}

/// Renders every step of `plan` for the dialect, from the schema the
/// revisions before it replay to.
pub fn build_plan(
    script: &Script,
    plan: &Plan,
    options: &PlanOptions,
) -> Result<SqlPlan, MigrateError> {
    // `schema` is the state before each operation and `next` the state after
    // it: both advance by replay, so no operation copies the whole schema.
    let mut schema = replay_to(script, &plan.heads_before)?;
    let mut next = schema.clone();
    let mut steps = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        let rev = script
            .get(&step.revision)
            .ok_or_else(|| MigrateError::UnknownRevision(step.revision.clone()))?;
        let ops = match step.direction {
            Direction::Up => &rev.upgrade,
            Direction::Down => &rev.downgrade,
        };
        let direction = step.direction;
        let mut statements = Vec::new();
        let mut rebuilds_table = false;
        let mut prechecks = Collector::new(options.dialect);
        let mut after_commit = Vec::new();
        let mut notes = Vec::new();
        let mut locks = LockEstimate::new();
        for (i, op) in ops.iter().enumerate() {
            if let Operation::Irreversible { reason } = op {
                return Err(MigrateError::Irreversible {
                    location: rev.op_location(direction == Direction::Up, i),
                    direction: direction_name(direction),
                    revision: rev.id.clone(),
                    reason: reason.clone(),
                });
            }
            replay(&mut next, rev, direction, i, op)?;
            check_operation(schema.schema(), rev, direction, i, op, options.dialect)?;
            check_identifiers(next.schema(), rev, direction, i, op, options.dialect)?;
            let rendered = render_applied(op, schema.schema(), next.schema(), options.dialect)
                .map_err(|source| MigrateError::Render {
                    location: rev.op_location(direction == Direction::Up, i),
                    revision: rev.id.clone(),
                    direction: direction_name(direction),
                    index: i + 1,
                    op: op.kind(),
                    source: Box::new(source),
                })?;
            prechecks.op(schema.schema(), rev, direction, i, op);
            rebuilds_table |= rendered.rebuilds_table;
            statements.extend(rendered.statements);
            let index = match op {
                Operation::CreateIndex { name, .. } | Operation::DropIndex { name, .. } => {
                    Some(name.clone())
                }
                _ => None,
            };
            if !rendered.after_commit.is_empty() && !options.transaction_per_migration {
                return Err(MigrateError::BadOperation {
                    location: rev.op_location(direction == Direction::Up, i),
                    revision: rev.id.clone(),
                    dialect: options.dialect,
                    direction: direction_name(direction),
                    index: i + 1,
                    op: op.kind(),
                    message: "it runs outside the revision's transaction, which `transaction_per_migration = false` does not allow\nhint: set `transaction_per_migration = true` in alembic.toml, or leave out `concurrently` / the `validate_constraint` step".to_owned(),
                });
            }
            after_commit.extend(rendered.after_commit.into_iter().map(|sql| AfterCommit {
                sql,
                index: index.clone(),
            }));
            let at = rev.op_location(direction == Direction::Up, i);
            notes.extend(rendered.notes.into_iter().map(|n| format!("{at}: {n}")));
            locks.add(op, schema.schema(), next.schema());
            replay(&mut schema, rev, direction, i, op)?;
        }
        let timeouts = Timeouts {
            lock: rev.safety.lock_timeout.or(options.safety.lock_timeout),
            statement: rev
                .safety
                .statement_timeout
                .or(options.safety.statement_timeout),
        };
        if options.dialect == Dialect::Sqlite && !timeouts.is_empty() {
            notes.push(format!(
                "{}: `lock_timeout` and `statement_timeout` are ignored on SQLite (it has no such settings; its writers wait for the database lock)",
                rev.path.display()
            ));
        }
        // The revision the version row moves from (up) or to (down): the
        // file's parent, or the end of a squashed range it follows.
        let parents = match step.version.as_slice() {
            [VersionChange::Update { from, .. }] if step.direction == Direction::Up => from.clone(),
            [VersionChange::Update { to, .. }] if step.direction == Direction::Down => to.clone(),
            _ => rev.down_revisions.join(", "),
        };
        let label = match step.direction {
            Direction::Up if rev.down_revisions.is_empty() => format!(" -> {}", rev.id),
            Direction::Up => format!("{parents} -> {}", rev.id),
            Direction::Down if rev.down_revisions.is_empty() => format!("{} -> ", rev.id),
            Direction::Down => format!("{} -> {parents}", rev.id),
        };
        steps.push(SqlStep {
            revision: rev.id.clone(),
            message: rev.message.clone(),
            direction: step.direction,
            label,
            statements,
            version: version_sql(options, &step.version),
            rebuilds_table,
            prechecks: prechecks.finish(),
            after_commit,
            notes,
            timeouts,
            retries: rev.safety.retries.or(options.safety.retries).unwrap_or(0),
            locks: locks.count(),
        });
    }
    let setup = match plan.direction {
        Direction::Up => vec![version_table_create(
            options.dialect,
            &options.version_table,
        )],
        Direction::Down => Vec::new(),
    };
    Ok(SqlPlan {
        options: options.clone(),
        direction: plan.direction,
        setup,
        steps,
        heads_before: plan.heads_before.clone(),
        heads_after: plan.heads_after.clone(),
    })
}

fn version_sql(options: &PlanOptions, changes: &[VersionChange]) -> Vec<Sql> {
    let (d, t) = (options.dialect, options.version_table.as_str());
    changes
        .iter()
        .map(|c| match c {
            VersionChange::Insert(rev) => version_insert(d, t, rev),
            VersionChange::Update { from, to } => version_update(d, t, from, to),
            VersionChange::Delete(rev) => version_delete(d, t, rev),
        })
        .collect()
}

/// `stamp`: set the version table to `revisions` without running anything.
/// `purge` deletes every row first; otherwise rows in `current` are replaced.
pub fn stamp_plan(
    current: &[String],
    revisions: &[String],
    purge: bool,
    options: &PlanOptions,
) -> SqlPlan {
    let (d, t) = (options.dialect, options.version_table.as_str());
    let mut version = Vec::new();
    if purge {
        version.push(retort_sql::version_delete_all(d, t));
    } else {
        version.extend(
            current
                .iter()
                .filter(|c| !revisions.contains(c))
                .map(|c| version_delete(d, t, c)),
        );
    }
    let keep: Vec<&String> = if purge {
        Vec::new()
    } else {
        current.iter().collect()
    };
    version.extend(
        revisions
            .iter()
            .filter(|r| !keep.contains(r))
            .map(|r| version_insert(d, t, r)),
    );
    SqlPlan {
        options: options.clone(),
        direction: Direction::Up,
        setup: vec![version_table_create(d, t)],
        steps: vec![SqlStep {
            revision: revisions.join(", "),
            message: "stamp".into(),
            direction: Direction::Up,
            label: format!(
                "stamp {}",
                if revisions.is_empty() {
                    "base".to_owned()
                } else {
                    revisions.join(", ")
                }
            ),
            statements: Vec::new(),
            version,
            rebuilds_table: false,
            prechecks: PreChecks::default(),
            after_commit: Vec::new(),
            notes: Vec::new(),
            timeouts: Timeouts::default(),
            retries: 0,
            locks: LockEstimate::new().count(),
        }],
        heads_before: current.to_vec(),
        heads_after: revisions.to_vec(),
    }
}
