//! The autogenerate path on a real database, as `retort revision
//! --autogenerate` and `retort check` run it, with the models given as a
//! [`Schema`] instead of entity files.
#![allow(dead_code)]

use retort_core::{Dialect, Operation, Schema, apply_all, create_schema_ops};
use retort_diff::{ColumnRename, Diff, DiffOptions};
use retort_migrate::{Migrator, Settings};
use retort_script::{NewRevision, Script, generate_revision};
use retort_testing::TestDb;

#[derive(serde::Deserialize)]
struct Ops {
    #[serde(default)]
    op: Vec<Operation>,
}

/// A schema written as `[[op]]` tables, replayed from nothing.
pub fn schema(toml_text: &str) -> Schema {
    let ops: Ops = toml::from_str(toml_text).unwrap_or_else(|e| panic!("{e}\n{toml_text}"));
    let mut s = Schema::default();
    apply_all(&mut s, &ops.op).unwrap();
    s
}

/// A revision directory whose first revision builds `a`, applied to `db`.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub dialect: Dialect,
    pub url: String,
    revisions: u32,
}

impl Project {
    pub async fn at(db: &TestDb, dialect: Dialect, a: &Schema) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("versions")).unwrap();
        let mut p = Project {
            dir,
            dialect,
            url: db.url.clone(),
            revisions: 0,
        };
        if !a.tables.is_empty() || !a.enums.is_empty() {
            p.write(create_schema_ops(a), Vec::new());
            p.migrate("head", true).await;
        }
        p
    }

    pub fn script(&self) -> Script {
        Script::load(self.dir.path()).unwrap()
    }

    pub fn write(&mut self, upgrade: Vec<Operation>, downgrade: Vec<Operation>) {
        self.revisions += 1;
        generate_revision(
            &self.script(),
            NewRevision {
                message: format!("step {}", self.revisions),
                rev_id: Some(format!("{:012x}", 0xa000 + self.revisions)),
                upgrade,
                downgrade,
                ..NewRevision::default()
            },
        )
        .unwrap();
    }

    pub async fn migrate(&self, target: &str, up: bool) {
        let m = Migrator::new(self.script(), Settings::default());
        let r = if up {
            m.upgrade(self.url.as_str(), target).await
        } else {
            m.downgrade(self.url.as_str(), target).await
        };
        if let Err(e) = r {
            let text: String = self
                .script()
                .revisions()
                .iter()
                .map(|r| fs_text(&r.path))
                .collect();
            panic!(
                "{} {target} failed on {}: {e}\n{text}",
                if up { "upgrade" } else { "downgrade" },
                self.dialect
            );
        }
    }

    /// The live schema, as `retort` reads it.
    pub async fn read(&self) -> Schema {
        retort_catalog::read_schema(&self.url, &retort_catalog::ReadOptions::default())
            .await
            .unwrap()
            .schema
    }

    /// The diff `revision --autogenerate` computes against the live database.
    pub async fn plan(&self, models: &Schema, renames: &[ColumnRename]) -> Diff {
        let current = self.read().await;
        let script = self.script();
        let heads: Vec<String> = script.heads().iter().map(|h| (*h).to_owned()).collect();
        let chain = retort_migrate::schema_at(&script, &heads).unwrap();
        plan(self.dialect, &chain, &current, models, renames)
    }

    /// Autogenerates and writes a revision; `None` when nothing changed.
    pub async fn autogenerate(&mut self, models: &Schema, renames: &[ColumnRename]) -> Diff {
        let d = self.plan(models, renames).await;
        if !d.is_empty() {
            self.write(d.upgrade.clone(), d.downgrade.clone());
        }
        d
    }

    /// What `check` reports against `models`: the change descriptions.
    pub async fn check(&self, models: &Schema) -> Vec<String> {
        let current = self.read().await;
        differences(self.dialect, &current, models)
    }
}

fn fs_text(p: &std::path::Path) -> String {
    format!(
        "--- {}\n{}\n",
        p.display(),
        std::fs::read_to_string(p).unwrap_or_default()
    )
}

/// Normalize both sides, diff, verify, respell, verify on the chain: the
/// CLI's steps.
pub fn plan(
    d: Dialect,
    chain: &Schema,
    current: &Schema,
    models: &Schema,
    renames: &[ColumnRename],
) -> Diff {
    let n = |s: &Schema| retort_catalog::normalize_for(d, s);
    let options = DiffOptions::for_dialect(Some(d)).renames(renames.iter().cloned());
    let (nc, nm) = (n(current), n(models));
    let mut diff = retort_diff::diff(&nc, &nm, &options);
    retort_diff::verify(&nc, &nm, &diff, &options)
        .unwrap_or_else(|e| panic!("{d}: {e}\n{diff:#?}"));
    diff.respell(&nc, chain, &nm, models);
    retort_diff::verify_on(chain, &nc, &nm, &diff, &options, &n)
        .unwrap_or_else(|e| panic!("{d}, on the chain: {e}\n{diff:#?}"));
    diff
}

pub fn differences(d: Dialect, current: &Schema, models: &Schema) -> Vec<String> {
    let n = |s: &Schema| retort_catalog::normalize_for(d, s);
    retort_diff::diff(&n(current), &n(models), &DiffOptions::for_dialect(Some(d)))
        .changes
        .iter()
        .map(|c| c.description.clone())
        .collect()
}
