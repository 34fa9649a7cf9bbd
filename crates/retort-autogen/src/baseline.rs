//! `retort baseline`: what the database has and the chain does not build,
//! written as a revision that is recorded as applied without running.

use std::collections::BTreeSet;

use retort_core::Schema;
use retort_diff::{Diff, DiffOptions};

use crate::compare::{normalized, shown};
use crate::{AutogenError, Sources};

/// The plan of a baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// Operations from the chain's schema to the database's (upgrade) and
    /// back (downgrade). Empty when the database already matches the chain
    /// and only its version rows need setting.
    pub diff: Diff,
    /// The revision the new one goes on: the chain's head, or `None` for a
    /// first revision (a chain with no revisions).
    pub parent: Option<String>,
    /// The version rows seen when the plan was made; the recording refuses
    /// when they changed in between.
    pub rows: Vec<String>,
    /// Version rows that are replaced: another tool's (Python Alembic's).
    pub replaced: Vec<String>,
    /// Said before anything is written.
    pub notes: Vec<String>,
}

impl Baseline {
    /// Nothing differs and the version rows are already the chain's heads.
    pub fn nothing_to_do(&self, heads: &[String]) -> bool {
        self.diff.is_empty() && self.replaced.is_empty() && self.rows == heads
    }
}

/// Plans the baseline of `sources`' database.
///
/// The chain's schema it starts from is the one at the database's version
/// rows. A database with no rows of this chain (never versioned, or
/// versioned by another tool) is taken as built by the whole chain, as
/// Flyway's baseline takes it: the new revision goes on the head, and
/// holds the differences.
///
/// Columns are written with the models' portable types wherever the
/// models describe the column and the dialect stores both alike (so an
/// SQLite database adopted with enum models gets enum types, and `bigint`
/// keys stay `bigint`), and with the catalog's types otherwise.
pub fn plan_baseline(sources: &Sources) -> Result<Baseline, AutogenError> {
    let db = sources
        .database
        .as_ref()
        .ok_or(AutogenError::NeedsDatabase("baseline"))?;
    let known: Vec<String> = db
        .rows
        .iter()
        .filter(|r| !db.unknown_rows.contains(r))
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let base = if known == sources.heads {
        &sources.chain
    } else if known.is_empty() {
        notes.push(format!(
            "the database has no version rows of {}: it is taken as built by the revisions up to {}, plus the differences below",
            sources.chain_label,
            shown(&sources.heads)
        ));
        &sources.chain
    } else {
        return Err(AutogenError::NotUpToDate {
            at: shown(&known),
            heads: shown(&sources.heads),
        });
    };
    if !db.unknown_rows.is_empty() {
        notes.push(format!(
            "version rows of another tool are replaced: {}",
            db.unknown_rows.join(", ")
        ));
    }
    let dialect = sources.dialect;
    let target = spelled_like_models(&db.schema, &sources.models, dialect);
    let portable = retort_catalog::normalize_portable;
    let options = DiffOptions::for_dialect(dialect);
    let (from, to) = (portable(base), portable(&target));
    let mut diff = retort_diff::diff(&from, &to, &options);
    if !diff.is_empty() {
        diff.respell(&from, base, &to, &target);
        retort_diff::verify_on(base, &from, &to, &diff, &options, &portable)?;
        let norm = |s: &Schema| normalized(dialect, s);
        let (nf, nt) = (norm(base), norm(&db.schema));
        retort_diff::verify_on(base, &nf, &nt, &diff, &options, &norm)?;
    }
    let parent = match sources.heads.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        several => {
            return Err(AutogenError::NotUpToDate {
                at: shown(&db.rows),
                heads: format!("{} (several heads: merge them first)", several.join(", ")),
            });
        }
    };
    Ok(Baseline {
        diff,
        parent,
        rows: db.rows.clone(),
        replaced: db.unknown_rows.clone(),
        notes,
    })
}

/// The database's schema with the models' own type and default of every
/// column the models describe and the dialect stores alike (the enum types
/// those columns name come along), and the models' foreign key actions
/// where the dialect cannot tell them apart.
pub(crate) fn spelled_like_models(
    db: &Schema,
    models: &Schema,
    dialect: Option<retort_core::Dialect>,
) -> Schema {
    let norm_db = normalized(dialect, db);
    let norm_models = normalized(dialect, models);
    let mut out = db.clone();
    let mut used_model_enums = BTreeSet::new();
    for (name, t) in &mut out.tables {
        let (Some(nd), Some(nm), Some(raw)) = (
            norm_db.tables.get(name),
            norm_models.tables.get(name),
            models.tables.get(name),
        ) else {
            continue;
        };
        for c in &mut t.columns {
            let (Some(dc), Some(mc), Some(rc)) =
                (nd.column(&c.name), nm.column(&c.name), raw.column(&c.name))
            else {
                continue;
            };
            let same_values = |n: &str| {
                norm_db.enums.get(n).map(|e| &e.values)
                    == norm_models.enums.get(n).map(|e| &e.values)
            };
            if dc.ty == mc.ty && dc.ty.enum_name().is_none_or(same_values) {
                c.ty = rc.ty.clone();
                if let Some(e) = rc.ty.enum_name() {
                    used_model_enums.insert(e.to_owned());
                }
            }
            if dc.default == mc.default {
                c.default = rc.default.clone();
            }
        }
        // Foreign key actions the dialect cannot tell apart (MySQL's
        // RESTRICT and NO ACTION) are written as the models state them.
        for fk in &mut t.foreign_keys {
            let same_key = |k: &retort_core::ForeignKey| {
                k.columns == fk.columns
                    && k.ref_table == fk.ref_table
                    && k.ref_columns == fk.ref_columns
            };
            let (Some(dk), Some(mk), Some(rk)) = (
                nd.foreign_keys.iter().find(|k| same_key(k)),
                nm.foreign_keys.iter().find(|k| same_key(k)),
                raw.foreign_keys.iter().find(|k| same_key(k)),
            ) else {
                continue;
            };
            if (dk.on_delete, dk.on_update) == (mk.on_delete, mk.on_update) {
                fk.on_delete = rk.on_delete;
                fk.on_update = rk.on_update;
            }
        }
    }
    for e in &used_model_enums {
        if let Some(def) = models.enums.get(e) {
            out.enums.entry(e.clone()).or_insert_with(|| def.clone());
        }
    }
    // MySQL's enum types are per column: once the columns name the models'
    // types, the catalog's per-column ones are no longer used.
    if dialect == Some(retort_core::Dialect::Mysql) {
        let used: BTreeSet<String> = out
            .tables
            .values()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter_map(|c| c.ty.enum_name().map(str::to_owned))
            })
            .collect();
        out.enums.retain(|name, _| used.contains(name));
    }
    out
}
