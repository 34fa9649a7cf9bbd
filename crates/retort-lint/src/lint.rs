//! Driving the analyzers over revisions: replay, new tables, settings and
//! `lint_ignore`.

use std::collections::{HashMap, HashSet};

use retort_core::{Dialect, Operation, Schema, apply};
use retort_script::{Revision, Script};

use crate::analyze::{Context, analyze};
use crate::{Also, Category, Finding, LintConfig, LintError, Report, code_info};

/// What to lint for.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Adds the findings of this dialect (PostgreSQL locks, MySQL table
    /// copies, SQLite rebuilds); `None` gives the portable ones only.
    pub dialect: Option<Dialect>,
    pub config: LintConfig,
}

/// Lints `revisions` of `script`, each against the schema its ancestors
/// (and dependencies) replay to. The findings come in the order given.
///
/// One pass over the chain in upgrade order: while every revision before
/// the one at hand is one of its ancestors (a straight chain), the running
/// schema is its schema; past a branch, a revision's ancestors are replayed
/// on their own.
pub fn lint_revisions(
    script: &Script,
    revisions: &[&Revision],
    options: &LintOptions,
) -> Result<Report, LintError> {
    let mut wanted: HashMap<&str, Option<Report>> =
        revisions.iter().map(|r| (r.id.as_str(), None)).collect();
    let order = script.topological();
    let mut running = Some(Schema::default());
    // Whether every revision so far has the one before it as its only parent.
    let mut straight = true;
    let mut left = wanted.len();
    for (k, rev) in order.iter().enumerate() {
        if left == 0 {
            break;
        }
        straight = straight
            && rev.depends_on.is_empty()
            && match k {
                0 => rev.down_revisions.is_empty(),
                _ => rev.down_revisions == [order[k - 1].id.as_str()],
            };
        let Some(slot) = wanted.get_mut(rev.id.as_str()).filter(|s| s.is_none()) else {
            if let Some(schema) = &mut running
                && rev
                    .upgrade
                    .iter()
                    .try_for_each(|op| apply(schema, op))
                    .is_err()
            {
                // Branches that do not replay together: each on its own from here.
                running = None;
            }
            continue;
        };
        left -= 1;
        let exact = straight
            || script
                .applied_ids(std::slice::from_ref(&rev.id), true)
                .is_ok_and(|a| a.len() == k + 1);
        *slot = Some(match &mut running {
            // Its ancestors are exactly the revisions before it.
            Some(schema) if exact => lint_ops_on(schema, rev, options)?,
            _ => {
                let applied = script
                    .applied_ids(std::slice::from_ref(&rev.id), true)
                    .expect("a revision of the script");
                let mut before = replay(&order, &applied, &rev.id)?;
                let report = lint_ops_on(&mut before, rev, options)?;
                if let Some(schema) = &mut running
                    && rev
                        .upgrade
                        .iter()
                        .try_for_each(|op| apply(schema, op))
                        .is_err()
                {
                    running = None;
                }
                report
            }
        });
    }
    let mut report = Report::default();
    for rev in revisions {
        if let Some(r) = wanted.get_mut(rev.id.as_str()).and_then(Option::take) {
            report.findings.extend(r.findings);
        }
    }
    Ok(report)
}

/// The schema the revisions in `applied` but `id` replay to, in `order`.
fn replay(order: &[&Revision], applied: &HashSet<&str>, id: &str) -> Result<Schema, LintError> {
    let mut schema = Schema::default();
    for r in order
        .iter()
        .filter(|r| r.id != id && applied.contains(r.id.as_str()))
    {
        for op in &r.upgrade {
            apply(&mut schema, op).map_err(|source| LintError::Replay {
                path: r.path.clone(),
                revision: r.id.clone(),
                source: Box::new(source),
            })?;
        }
    }
    Ok(schema)
}

/// Lints the upgrade of one revision, `before` being the schema it applies to.
pub fn lint_ops(
    before: &Schema,
    rev: &Revision,
    options: &LintOptions,
) -> Result<Report, LintError> {
    lint_ops_on(&mut before.clone(), rev, options)
}

/// [`lint_ops`] on a schema it leaves with the revision applied.
fn lint_ops_on(
    schema: &mut Schema,
    rev: &Revision,
    options: &LintOptions,
) -> Result<Report, LintError> {
    let mut new_tables = HashSet::new();
    let mut new_enums = HashSet::new();
    let downgrade_executes = rev.downgrade.iter().any(|op| {
        matches!(
            op,
            Operation::Execute { .. } | Operation::Irreversible { .. }
        )
    });
    let mut report = Report::default();
    for (i, op) in rev.upgrade.iter().enumerate() {
        let line = rev.op_line(true, i);
        let ignore = rev.lint_ignore(i);
        if let Some(ig) = ignore.filter(|ig| !ig.is_empty()) {
            let at = line.unwrap_or(1);
            if let Some(bad) = ig.lint_ignore.iter().find(|c| code_info(c).is_none()) {
                return Err(LintError::UnknownIgnoredCode {
                    path: rev.path.clone(),
                    line: at,
                    code: bad.clone(),
                });
            }
            if ig.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                return Err(LintError::MissingReason {
                    path: rev.path.clone(),
                    line: at,
                });
            }
        }
        let cx = Context {
            before: schema,
            new_tables: &new_tables,
            new_enums: &new_enums,
            dialect: options.dialect,
            downgrade_executes,
        };
        // The findings of this operation start here.
        let first = report.findings.len();
        for raw in analyze(&cx, op) {
            let info = code_info(raw.code).expect("analyzers raise catalogued codes");
            let Some(severity) = options.config.severity(info.code, info.severity) else {
                continue;
            };
            if ignore.is_some_and(|ig| ig.ignores(info.code)) {
                continue;
            }
            if let Some(into) = report.findings[first..]
                .iter_mut()
                .find(|f| folds_into(info.code, f.code))
            {
                into.severity = into.severity.max(severity);
                into.also.push(Also {
                    code: info.code,
                    severity,
                    message: raw.message,
                    hint: raw.hint,
                });
                continue;
            }
            report.findings.push(Finding {
                code: info.code,
                severity,
                revision: rev.id.clone(),
                file: rev.path.clone(),
                line,
                operation: op.describe(),
                message: raw.message,
                hint: raw.hint,
                also: Vec::new(),
            });
        }
        match op {
            Operation::CreateTable { table, .. } => {
                new_tables.insert(table.clone());
            }
            Operation::RenameTable { table, new_name } if new_tables.remove(table) => {
                new_tables.insert(new_name.clone());
            }
            Operation::CreateEnum { name, .. } => {
                new_enums.insert(name.clone());
            }
            _ => {}
        }
        apply(schema, op).map_err(|source| LintError::Replay {
            path: rev.path.clone(),
            revision: rev.id.clone(),
            source: Box::new(source),
        })?;
    }
    Ok(report)
}

/// Whether the dialect's `code` is on the same concern as the finding
/// `into` of the same operation, and so folds into it: the PostgreSQL lock
/// of a type change, a `SET NOT NULL`, a unique key, a foreign key or a
/// check; MySQL's table copy for removed enum values; SQLite's rebuild, for
/// whatever the operation is found for.
fn folds_into(code: &str, into: &str) -> bool {
    let dialect_code = code_info(code).is_some_and(|c| {
        matches!(
            c.category,
            Category::Postgres | Category::Mysql | Category::Sqlite
        )
    });
    if !dialect_code || code_info(into).is_some_and(|c| c.category == Category::Sqlite) {
        return false;
    }
    match code {
        "RT601" => true,
        "RT403" => into == "RT104",
        "RT404" => into == "RT202",
        "RT401" => into == "RT201",
        "RT405" => into == "RT205",
        "RT406" => into == "RT204",
        "RT501" => into == "RT103",
        _ => false,
    }
}
