//! Property test on each real server, over the three schemas: a random
//! chain C is applied; the database then drifts by hand to a random D (SQL
//! run outside any revision); the models move to a random M. `baseline`,
//! then autogenerate and `upgrade head`, always end with D = M and C = M
//! (every pair of `check` in sync), and `downgrade -1` returns to D.

use std::collections::BTreeSet;

use proptest::prelude::*;
use retort_autogen::{
    Against, Chain, Comparison, Project, autogenerate, compare, plan_baseline, read_sources,
};
use retort_core::{
    Column, ColumnType, Dialect, Index, Operation, PrimaryKey, Schema, Table, create_schema_ops,
};
use retort_migrate::{Migrator, Settings};
use retort_script::{NewRevision, Script, generate_revision};
use retort_testing::TestDb;

/// One table of C and what happens to it in D and in M.
#[derive(Debug, Clone)]
struct TableGen {
    cols: Vec<(u8, bool)>,
    index: bool,
    /// Hand drift: add a column, drop the index, drop the last column,
    /// make the first column nullable.
    d_add: bool,
    d_drop_index: bool,
    d_drop_col: bool,
    d_nullable: bool,
    /// Model changes: add a column, add an index on the first column.
    m_add: bool,
    m_index: bool,
}

fn table_gen() -> impl Strategy<Value = TableGen> {
    (
        prop::collection::vec((0u8..4, any::<bool>()), 1..4),
        any::<bool>(),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(cols, index, d_add, d_drop_index, d_drop_col, d_nullable, m_add, m_index)| TableGen {
                cols,
                index,
                d_add,
                d_drop_index,
                d_drop_col,
                d_nullable,
                m_add,
                m_index,
            },
        )
}

const TYPES: [&str; 4] = ["integer", "varchar(40)", "text", "boolean"];

fn column(name: &str, ty: &str, nullable: bool) -> Column {
    let mut c = Column::new(name, ty.parse::<ColumnType>().unwrap());
    c.nullable = nullable;
    c
}

/// (C, D, M) from the generated tables; `hand_table` adds a table in D,
/// `model_table` one in M.
fn schemas(tables: &[TableGen], hand_table: bool, model_table: bool) -> (Schema, Schema, Schema) {
    let (mut c, mut d, mut m) = (Schema::default(), Schema::default(), Schema::default());
    for (ti, g) in tables.iter().enumerate() {
        let name = format!("t{ti}");
        let mut t = Table::new(name.clone());
        let mut id = column("id", "integer", false);
        id.autoincrement = true;
        t.columns.push(id);
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        for (ci, (ty, nullable)) in g.cols.iter().enumerate() {
            // The indexed column `c0` is an integer or a varchar: MySQL
            // indexes a text column only by a prefix, which the catalog
            // reads as an index retort cannot describe.
            let ty = if ci == 0 { ty % 2 } else { *ty };
            t.columns
                .push(column(&format!("c{ci}"), TYPES[ty as usize], *nullable));
        }
        if g.index {
            t.indexes.push(Index {
                name: format!("ix_{name}"),
                columns: vec!["c0".into()],
                unique: false,
            });
        }
        let mut dt = t.clone();
        if g.d_add {
            dt.columns.push(column("d_extra", "varchar(40)", true));
        }
        if g.d_drop_index {
            dt.indexes.clear();
        }
        if g.d_drop_col && g.cols.len() > 1 {
            let last = format!("c{}", g.cols.len() - 1);
            dt.columns.retain(|c| c.name != last);
        }
        if g.d_nullable {
            dt.columns[1].nullable = true;
        }
        let mut mt = t.clone();
        if g.m_add {
            mt.columns.push(column("m_extra", "integer", true));
        }
        if g.m_index && !g.index {
            mt.indexes.push(Index {
                name: format!("ix_{name}_m"),
                columns: vec!["c0".into()],
                unique: false,
            });
        }
        c.tables.insert(name.clone(), t);
        d.tables.insert(name.clone(), dt);
        m.tables.insert(name, mt);
    }
    let extra = |name: &str| {
        let mut t = Table::new(name);
        t.columns.push(column("id", "integer", false));
        t.columns.push(column("note", "text", true));
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        t
    };
    if hand_table {
        d.tables.insert("hand_made".into(), extra("hand_made"));
    }
    if model_table {
        m.tables.insert("model_made".into(), extra("model_made"));
    }
    (c, d, m)
}

struct Case {
    dir: tempfile::TempDir,
    url: String,
    models: Schema,
    revisions: u32,
}

impl Case {
    fn script(&self) -> Script {
        Script::load(self.dir.path()).unwrap()
    }

    fn project(&self) -> Project {
        Project {
            chains: vec![Chain {
                name: None,
                script: self.script(),
                version_table: "alembic_version".into(),
                model_paths: Vec::new(),
                exclude_tables: Vec::new(),
                models: Some(self.models.clone()),
            }],
            types: Default::default(),
        }
    }

    fn write(&mut self, upgrade: Vec<Operation>, downgrade: Vec<Operation>) -> String {
        self.revisions += 1;
        let rev = generate_revision(
            &self.script(),
            NewRevision {
                message: format!("step {}", self.revisions),
                rev_id: Some(format!("{:012x}", 0xb000 + self.revisions)),
                upgrade,
                downgrade,
                ..NewRevision::default()
            },
        )
        .unwrap();
        rev.id
    }

    fn migrator(&self) -> Migrator {
        Migrator::new(self.script(), Settings::default())
    }

    async fn report(&self) -> Comparison {
        let sources = read_sources(&self.project(), 0, Against::Database(&self.url))
            .await
            .unwrap();
        compare(&sources)
    }
}

fn differing(c: &Comparison) -> Vec<String> {
    c.differing()
        .flat_map(|p| {
            p.diff
                .changes
                .iter()
                .map(move |ch| format!("{}: {}", p.pair.key(), ch.description))
        })
        .collect()
}

/// Runs the hand drift: the SQL of C -> D, outside any revision.
async fn drift(db: &TestDb, dialect: Dialect, c: &Schema, d: &Schema) {
    let diff = retort_diff::diff(c, d, &retort_diff::DiffOptions::for_dialect(Some(dialect)));
    let mut s = c.clone();
    for op in &diff.upgrade {
        let rendered = retort_sql::render(op, &s, dialect).unwrap();
        for stmt in &rendered.statements {
            db.execute(stmt.as_str())
                .await
                .unwrap_or_else(|e| panic!("{dialect}: {stmt}: {e}"));
        }
        retort_core::apply(&mut s, op).unwrap();
    }
}

async fn one_case(dialect: Dialect, c: &Schema, d: &Schema, m: &Schema) {
    let Some(db) = TestDb::create(dialect, "three_schemas").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("versions")).unwrap();
    let mut case = Case {
        dir,
        url: db.url.clone(),
        models: m.clone(),
        revisions: 0,
    };
    case.write(create_schema_ops(c), Vec::new());
    case.migrator()
        .upgrade(db.url.as_str(), "head")
        .await
        .unwrap();
    drift(&db, dialect, c, d).await;
    let drifted = retort_catalog::read_schema(&db.url, &Default::default())
        .await
        .unwrap()
        .schema;

    // baseline: D is recorded as the chain's, nothing runs.
    let sources = read_sources(&case.project(), 0, Against::Database(&db.url))
        .await
        .unwrap();
    let plan = plan_baseline(&sources).unwrap();
    let rows = plan.rows.clone();
    if !plan.diff.is_empty() {
        let id = case.write(plan.diff.upgrade.clone(), plan.diff.downgrade.clone());
        case.migrator()
            .baseline(db.url.as_str(), &id, &rows)
            .await
            .unwrap();
    }
    let report = case.report().await;
    let left: Vec<String> = differing(&report)
        .into_iter()
        .filter(|l| l.starts_with("database_vs_revisions"))
        .collect();
    assert!(left.is_empty(), "{dialect}: after baseline: {left:?}");

    // autogenerate + upgrade: every pair agrees.
    let sources = read_sources(&case.project(), 0, Against::Database(&db.url))
        .await
        .unwrap();
    let planned = autogenerate(&sources, &[], None).unwrap();
    if !planned.diff.is_empty() {
        case.write(planned.diff.upgrade.clone(), planned.diff.downgrade.clone());
        case.migrator()
            .upgrade(db.url.as_str(), "head")
            .await
            .unwrap();
    }
    let report = case.report().await;
    assert!(
        report.in_sync(),
        "{dialect}: after autogenerate and upgrade: {:?}\n{:#?}",
        differing(&report),
        planned.diff.upgrade
    );
    if !planned.diff.is_empty() {
        case.migrator()
            .downgrade(db.url.as_str(), "-1")
            .await
            .unwrap();
        let back = retort_catalog::read_schema(&db.url, &Default::default())
            .await
            .unwrap()
            .schema;
        let norm = |s: &Schema| retort_catalog::normalize_for(dialect, s);
        let left = retort_diff::diff(
            &norm(&back),
            &norm(&drifted),
            &retort_diff::DiffOptions::for_dialect(Some(dialect)),
        );
        let tables: BTreeSet<&String> = back.tables.keys().collect();
        assert!(
            left.is_empty(),
            "{dialect}: downgrade -1 does not return to D: {:?} ({tables:?})",
            left.changes
        );
    }
    db.drop().await;
}

fn three_schemas(dialect: Dialect) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(probe) = rt.block_on(TestDb::create(dialect, "three_probe")) else {
        return;
    };
    rt.block_on(probe.drop());
    let config = ProptestConfig {
        cases: 6,
        max_shrink_iters: 16,
        ..ProptestConfig::default()
    };
    proptest!(config, |(tables in prop::collection::vec(table_gen(), 1..4), hand in any::<bool>(), model in any::<bool>())| {
        let (c, d, m) = schemas(&tables, hand, model);
        rt.block_on(one_case(dialect, &c, &d, &m));
    });
}

#[test]
fn three_schemas_postgres() {
    three_schemas(Dialect::Postgres);
}

#[test]
fn three_schemas_mysql() {
    three_schemas(Dialect::Mysql);
}

#[test]
fn three_schemas_sqlite() {
    three_schemas(Dialect::Sqlite);
}
