//! The revision chains of a project, and which tables of a shared database
//! each of them owns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use retort_core::Schema;
use retort_migrate::log_table_name;
use retort_script::Script;

/// One revision chain: the main one, or an `[apps.NAME]` chain.
#[derive(Debug, Clone)]
pub struct Chain {
    /// `None` for the main chain, else the app's name.
    pub name: Option<String>,
    pub script: Script,
    pub version_table: String,
    /// The entity sources of this chain (`[models] paths`, or the app's `models`).
    pub model_paths: Vec<PathBuf>,
    /// Tables this chain leaves alone: not compared, never adopted or dropped.
    pub exclude_tables: Vec<String>,
    /// The models as a schema already built (from compiled entities, or by
    /// a test) instead of read from `model_paths`.
    pub models: Option<Schema>,
}

impl Chain {
    /// "the main chain" or "app `billing`", for messages.
    pub fn label(&self) -> String {
        match &self.name {
            None => "the main chain".to_owned(),
            Some(n) => format!("app `{n}`"),
        }
    }

    /// The version table and its log: bookkeeping, never application tables.
    pub fn bookkeeping_tables(&self) -> [String; 2] {
        [
            self.version_table.clone(),
            log_table_name(&self.version_table),
        ]
    }
}

/// Every chain of a project (the main chain first, then the apps in config
/// order) and the `[models.types]` overrides shared by their entity readers.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub chains: Vec<Chain>,
    pub types: BTreeMap<String, String>,
}

/// sea-orm-migration's bookkeeping table: recognized, reported, never
/// adopted as an application table nor dropped.
pub const SEAQL_MIGRATIONS: &str = "seaql_migrations";

/// What a chain claims on a shared database: the tables (and enum types)
/// its models describe or its revisions build.
#[derive(Debug, Clone, Default)]
pub(crate) struct Claim {
    pub tables: BTreeSet<String>,
    pub enums: BTreeSet<String>,
}

impl Claim {
    pub fn add(&mut self, schema: &Schema) {
        self.tables.extend(schema.tables.keys().cloned());
        self.enums.extend(schema.enums.keys().cloned());
    }
}

/// The part of a catalog read that belongs to one chain.
///
/// * `mine`: what this chain's models and revisions claim; always kept.
/// * `others`: what the other chains claim; left out.
/// * `main`: the main chain also keeps the tables nobody claims (so that
///   `baseline` can adopt them); an app chain keeps only its own.
/// * `dropped`: bookkeeping and excluded tables, always left out.
///
/// Enum types follow the tables: an enum a kept table uses is kept, one
/// another chain claims is left out, the rest go with the tables' rule.
pub(crate) fn owned_part(
    db: Schema,
    mine: &Claim,
    others: &Claim,
    main: bool,
    dropped: &BTreeSet<String>,
) -> (Schema, Vec<String>) {
    let mut out = Schema::default();
    let mut left_out = Vec::new();
    for (name, t) in db.tables {
        if dropped.contains(&name) {
            continue;
        }
        let keep = mine.tables.contains(&name) || (main && !others.tables.contains(&name));
        if keep {
            out.tables.insert(name, t);
        } else {
            left_out.push(name);
        }
    }
    let used: BTreeSet<&str> = out
        .tables
        .values()
        .flat_map(|t| t.columns.iter().filter_map(|c| c.ty.enum_name()))
        .collect();
    let used: BTreeSet<String> = used.into_iter().map(str::to_owned).collect();
    for (name, e) in db.enums {
        let keep = used.contains(&name)
            || mine.enums.contains(&name)
            || (main && !others.enums.contains(&name));
        if keep {
            out.enums.insert(name, e);
        }
    }
    (out, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::Table;

    fn schema(tables: &[&str]) -> Schema {
        let mut s = Schema::default();
        for t in tables {
            s.tables.insert((*t).to_owned(), Table::new(*t));
        }
        s
    }

    fn claim(tables: &[&str]) -> Claim {
        let mut c = Claim::default();
        c.add(&schema(tables));
        c
    }

    fn names(s: &Schema) -> Vec<&str> {
        s.tables.keys().map(String::as_str).collect()
    }

    #[test]
    fn main_keeps_unclaimed_tables_and_apps_only_their_own() {
        let db = schema(&["users", "invoices", "legacy", "alembic_version_billing"]);
        let dropped: BTreeSet<String> = ["alembic_version_billing".to_owned()].into();
        let main = claim(&["users"]);
        let billing = claim(&["invoices"]);
        let (m, left) = owned_part(db.clone(), &main, &billing, true, &dropped);
        assert_eq!(names(&m), ["legacy", "users"]);
        assert_eq!(left, ["invoices"]);
        let (b, left) = owned_part(db, &billing, &main, false, &dropped);
        assert_eq!(names(&b), ["invoices"]);
        assert_eq!(left, ["legacy", "users"]);
    }
}
