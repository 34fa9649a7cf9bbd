//! Property test of `retort squash` on random chains (tables, columns,
//! indexes, foreign keys, renames, drops, `bulk_insert` and `execute`):
//! the squashed revision replays to the schema of the range it replaces,
//! and on a real database one built through the originals, one built
//! through the squashed revision and one that was inside the range when
//! the squash was written and then upgraded to head have the same schema,
//! read back through the catalog.

use proptest::prelude::*;
use retort_catalog::{ReadOptions, read_schema};
use retort_core::{ColumnSpec, ColumnType, Dialect, ExecuteSql, Operation, Replay, Schema};
use retort_core::{canonical, reverse, squash_operations};
use retort_migrate::{Migrator, schema_at};
use retort_script::{NewRevision, Script, SquashRequest, generate_revision, squash};
use retort_testing::TestDb;

const TABLES: &[&str] = &["t0", "t1", "t2", "t3"];
/// `x` and `z` are integers, `y` text, `r` a nullable integer for keys.
const COLUMNS: &[&str] = &["x", "y", "z", "r"];

#[derive(Debug, Clone)]
enum Gen {
    Create(usize, Vec<usize>),
    Drop(usize),
    Rename(usize, usize),
    AddColumn(usize, usize, bool),
    DropColumn(usize, usize),
    AlterType(usize, usize, bool),
    RenameColumn(usize, usize, usize),
    Index(usize, usize, bool),
    DropIndex(usize, usize),
    ForeignKey(usize, usize),
    DropForeignKey(usize, usize),
    Insert(usize),
    Execute,
}

fn gen_op() -> impl Strategy<Value = Gen> {
    let t = 0..TABLES.len();
    let c = 0..COLUMNS.len();
    prop_oneof![
        3 => (t.clone(), prop::collection::vec(c.clone(), 0..3)).prop_map(|(t, c)| Gen::Create(t, c)),
        1 => t.clone().prop_map(Gen::Drop),
        1 => (t.clone(), t.clone()).prop_map(|(a, b)| Gen::Rename(a, b)),
        3 => (t.clone(), c.clone(), prop::bool::weighted(0.2)).prop_map(|(t, c, u)| Gen::AddColumn(t, c, u)),
        2 => (t.clone(), c.clone()).prop_map(|(t, c)| Gen::DropColumn(t, c)),
        2 => (t.clone(), c.clone(), any::<bool>()).prop_map(|(t, c, w)| Gen::AlterType(t, c, w)),
        1 => (t.clone(), c.clone(), c.clone()).prop_map(|(t, a, b)| Gen::RenameColumn(t, a, b)),
        2 => (t.clone(), c.clone(), any::<bool>()).prop_map(|(t, c, u)| Gen::Index(t, c, u)),
        1 => (t.clone(), c.clone()).prop_map(|(t, c)| Gen::DropIndex(t, c)),
        2 => (t.clone(), t.clone()).prop_map(|(a, b)| Gen::ForeignKey(a, b)),
        1 => (t.clone(), t.clone()).prop_map(|(a, b)| Gen::DropForeignKey(a, b)),
        1 => t.clone().prop_map(Gen::Insert),
        1 => Just(Gen::Execute),
    ]
}

fn column(name: &str) -> ColumnSpec {
    let ty = match name.chars().next() {
        Some('y') => ColumnType::Varchar(Some(20)),
        _ => ColumnType::Integer,
    };
    let mut c = ColumnSpec::new(name, ty);
    c.nullable = true;
    c
}

/// A table's name in the schema: the pool name, or what a rename made of it.
fn existing(schema: &Schema, i: usize) -> Option<String> {
    let names: Vec<&String> = schema.tables.keys().collect();
    (!names.is_empty()).then(|| names[i % names.len()].clone())
}

/// The candidate operation and its downgrade, or `None`.
fn materialize(g: &Gen, schema: &Schema, row: &mut i64) -> Option<(Operation, Vec<Operation>)> {
    let op = match g {
        Gen::Create(t, cols) => {
            let mut columns = vec![{
                let mut id = ColumnSpec::new("id", ColumnType::Integer);
                id.primary_key = true;
                id
            }];
            for &c in cols {
                if !columns.iter().any(|s| s.name == COLUMNS[c]) {
                    columns.push(column(COLUMNS[c]));
                }
            }
            Operation::CreateTable {
                table: TABLES[*t].into(),
                columns,
                primary_key: vec![],
                uniques: vec![],
                foreign_keys: vec![],
                checks: vec![],
                comment: None,
            }
        }
        Gen::Drop(t) => Operation::DropTable {
            table: existing(schema, *t)?,
        },
        Gen::Rename(a, b) => Operation::RenameTable {
            table: existing(schema, *a)?,
            new_name: format!("{}n", TABLES[*b]),
        },
        Gen::AddColumn(t, c, unique) => {
            let mut spec = column(COLUMNS[*c]);
            spec.unique = *unique && COLUMNS[*c] != "r";
            Operation::AddColumn {
                table: existing(schema, *t)?,
                column: spec,
            }
        }
        Gen::DropColumn(t, c) => Operation::DropColumn {
            table: existing(schema, *t)?,
            column: COLUMNS[*c].into(),
        },
        Gen::AlterType(t, c, wide) => {
            let table = existing(schema, *t)?;
            let col = schema.table(&table)?.columns.iter().find(|x| {
                x.name != "id" && !x.name.starts_with('r') && x.name.starts_with(COLUMNS[*c])
            })?;
            let ty = match (&col.ty, wide) {
                (ColumnType::Varchar(_), true) => ColumnType::Varchar(Some(40)),
                (ColumnType::Varchar(_), false) => ColumnType::Varchar(Some(20)),
                (_, true) => ColumnType::BigInteger,
                (_, false) => ColumnType::Integer,
            };
            Operation::AlterColumn {
                table,
                column: col.name.clone(),
                ty: Some(ty),
                nullable: None,
                default: None,
                default_expr: None,
                drop_default: false,
                comment: None,
                drop_comment: false,
                new_name: None,
            }
        }
        Gen::RenameColumn(t, a, b) => {
            let table = existing(schema, *t)?;
            let col = schema
                .table(&table)?
                .columns
                .iter()
                .find(|x| x.name != "id" && x.name.starts_with(COLUMNS[*a]))?;
            Operation::AlterColumn {
                table,
                column: col.name.clone(),
                ty: None,
                nullable: None,
                default: None,
                default_expr: None,
                drop_default: false,
                comment: None,
                drop_comment: false,
                // Keeps the first letter, so the column keeps its kind.
                new_name: Some(format!("{}{}", COLUMNS[*a], b + 1)),
            }
        }
        Gen::Index(t, c, unique) => {
            let table = existing(schema, *t)?;
            let col = schema
                .table(&table)?
                .columns
                .iter()
                .find(|x| x.name.starts_with(COLUMNS[*c]))?
                .name
                .clone();
            Operation::CreateIndex {
                name: format!("ix_{table}_{col}"),
                table,
                columns: vec![col],
                unique: *unique,
                concurrently: false,
            }
        }
        Gen::DropIndex(t, c) => {
            let table = existing(schema, *t)?;
            let ix = schema.table(&table)?.indexes.get(*c)?.name.clone();
            Operation::DropIndex {
                table,
                name: ix,
                concurrently: false,
            }
        }
        Gen::ForeignKey(a, b) => {
            let table = existing(schema, *a)?;
            let col = schema
                .table(&table)?
                .columns
                .iter()
                .find(|x| x.name.starts_with('r'))?
                .name
                .clone();
            Operation::AddForeignKey {
                table,
                name: None,
                columns: vec![col],
                ref_table: existing(schema, *b)?,
                ref_columns: vec!["id".into()],
                on_delete: None,
                on_update: None,
                validate: true,
            }
        }
        Gen::DropForeignKey(a, b) => {
            let table = existing(schema, *a)?;
            let fk = schema.table(&table)?.foreign_keys.get(*b)?.name.clone();
            Operation::DropForeignKey { table, name: fk }
        }
        Gen::Insert(t) => {
            let table = existing(schema, *t)?;
            *row += 1;
            let mut r = retort_core::Row::new();
            r.insert("id".into(), retort_core::Value::Int(*row));
            let undo = Operation::Execute {
                sql: ExecuteSql::All(format!("DELETE FROM {table} WHERE id = {row}")),
            };
            return Some((
                Operation::BulkInsert {
                    table,
                    rows: vec![r],
                },
                vec![undo],
            ));
        }
        Gen::Execute => {
            let exec = Operation::Execute {
                sql: ExecuteSql::All("SELECT 1".into()),
            };
            return Some((exec.clone(), vec![exec]));
        }
    };
    let undo = reverse(&op, schema).ok()?;
    Some((op, undo))
}

/// Revisions (upgrade, downgrade) from the candidates that apply, in
/// chunks of the given sizes.
fn chain(gens: &[Gen], sizes: &[usize]) -> Vec<(Vec<Operation>, Vec<Operation>)> {
    let mut replay = Replay::default();
    let mut row = 0;
    let mut kept = Vec::new();
    for g in gens {
        let Some((op, undo)) = materialize(g, replay.schema(), &mut row) else {
            continue;
        };
        // Rows only go into tables whose other columns may be NULL.
        if replay.apply(&op).is_ok() {
            kept.push((op, undo));
        }
    }
    let mut out = Vec::new();
    let mut it = kept.into_iter().peekable();
    let mut k = 0;
    while it.peek().is_some() {
        let n = sizes[k % sizes.len()].max(1);
        k += 1;
        let (mut up, mut down) = (Vec::new(), Vec::new());
        for (op, undo) in it.by_ref().take(n) {
            up.push(op);
            let mut u = undo;
            u.append(&mut down);
            down = u;
        }
        out.push((up, down));
    }
    out
}

/// The catalog's schema, without primary-key constraint names: PostgreSQL
/// names a key after the table it was created as (`t3_pkey` survives a
/// rename to `t1n`), so a rename folded into the create gives `t1n_pkey`.
/// Revisions never name primary keys and the comparisons ignore the name.
async fn catalog(url: &str) -> Schema {
    let mut s = canonical(
        &read_schema(url, &ReadOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .schema,
    );
    for t in s.tables.values_mut() {
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
    }
    s
}

async fn one_case(
    dialect: Dialect,
    revisions: &[(Vec<Operation>, Vec<Operation>)],
    from: usize,
    len: usize,
) {
    let tmp = tempfile::tempdir().unwrap();
    let mut script = Script::init(tmp.path()).unwrap();
    let date = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    for (i, (up, down)) in revisions.iter().enumerate() {
        generate_revision(
            &script,
            NewRevision {
                message: format!("r{i}"),
                rev_id: Some(format!("r{i:02}")),
                upgrade: up.clone(),
                downgrade: down.clone(),
                create_date: Some(date),
                ..NewRevision::default()
            },
        )
        .unwrap();
        script = Script::load(tmp.path()).unwrap();
    }
    let to = from + len - 1;
    let head = format!("r{:02}", revisions.len() - 1);
    let inside = format!("r{:02}", from + len / 2 - 1 + len % 2);
    let at_head = canonical(&schema_at(&script, std::slice::from_ref(&head)).unwrap());
    let at_to = canonical(&schema_at(&script, &[format!("r{to:02}")]).unwrap());

    let originals = TestDb::create(dialect, "squash_orig").await.unwrap();
    let mid = TestDb::create(dialect, "squash_mid").await.unwrap();
    let squashed = TestDb::create(dialect, "squash_new").await.unwrap();
    let m = Migrator::from_dir(tmp.path()).unwrap();
    m.upgrade(originals.url.as_str(), "head")
        .await
        .unwrap_or_else(|e| panic!("originals: {e}"));
    m.upgrade(mid.url.as_str(), &inside)
        .await
        .unwrap_or_else(|e| panic!("to {inside}: {e}"));

    let done = squash(
        &script,
        SquashRequest {
            range: format!("r{from:02}:r{to:02}"),
            message: "squashed".into(),
            rev_id: Some("sq".into()),
            create_date: Some(date),
            ..SquashRequest::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        done.unfolded.is_empty(),
        "the folded {:?} did not replay to the range's schema",
        done.unfolded
    );
    let script = Script::load(tmp.path()).unwrap();
    // The squashed revision replays to the range's schema, and the chain
    // through it to the same head.
    assert_eq!(
        canonical(&schema_at(&script, &["sq".to_owned()]).unwrap()),
        at_to
    );
    assert_eq!(
        canonical(&schema_at(&script, std::slice::from_ref(&head)).unwrap()),
        at_head
    );

    let m = Migrator::from_dir(tmp.path()).unwrap();
    let report = m
        .upgrade(squashed.url.as_str(), "head")
        .await
        .unwrap_or_else(|e| panic!("through the squash: {e}"));
    assert!(report.steps.iter().any(|s| s.revision == "sq"));
    let report = m
        .upgrade(mid.url.as_str(), "head")
        .await
        .unwrap_or_else(|e| panic!("from {inside} to head: {e}"));
    assert!(report.steps.iter().all(|s| s.revision != "sq"));

    let want = catalog(originals.url.as_str()).await;
    assert_eq!(
        catalog(squashed.url.as_str()).await,
        want,
        "through the squash"
    );
    assert_eq!(
        catalog(mid.url.as_str()).await,
        want,
        "from inside the range"
    );

    // And back down through the squashed revision.
    m.downgrade(squashed.url.as_str(), "base")
        .await
        .unwrap_or_else(|e| panic!("downgrade base through the squash: {e}"));
    assert!(catalog(squashed.url.as_str()).await.tables.is_empty());
    for db in [originals, mid, squashed] {
        db.drop().await;
    }
}

fn squash_chains(dialect: Dialect, cases: u32) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(probe) = rt.block_on(TestDb::create(dialect, "squash_probe")) else {
        return;
    };
    rt.block_on(probe.drop());
    let config = ProptestConfig {
        cases,
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        gens in prop::collection::vec(gen_op(), 8..40),
        sizes in prop::collection::vec(1usize..4, 1..6),
        from_pick in any::<prop::sample::Index>(),
        len_pick in any::<prop::sample::Index>(),
    )| {
        let revisions = chain(&gens, &sizes);
        prop_assume!(revisions.len() >= 2);
        let from = from_pick.index(revisions.len() - 1);
        let len = 2 + len_pick.index(revisions.len() - from - 1);
        rt.block_on(one_case(dialect, &revisions, from, len));
    });
}

/// The fold alone, without a database, on many more chains: every range's
/// folded upgrade and downgrade replay to what the range's own operations
/// give (what `squash` checks before it writes a folded revision).
#[test]
fn folds_replay_to_the_ranges_schema() {
    let config = ProptestConfig {
        cases: 4000,
        ..ProptestConfig::default()
    };
    let replay = |start: &Schema, ops: &[Operation]| -> Option<Schema> {
        let mut r = Replay::new(start.clone());
        r.apply_all(ops).ok()?;
        Some(canonical(r.schema()))
    };
    proptest!(config, |(
        gens in prop::collection::vec(gen_op(), 8..40),
        sizes in prop::collection::vec(1usize..4, 1..6),
    )| {
        let revisions = chain(&gens, &sizes);
        let mut before = Schema::default();
        for from in 0..revisions.len() {
            for to in from + 1..revisions.len() {
                let range = &revisions[from..=to];
                let up: Vec<Operation> = range.iter().flat_map(|r| r.0.clone()).collect();
                let down: Vec<Operation> =
                    range.iter().rev().flat_map(|r| r.1.clone()).collect();
                let after = replay(&before, &up).expect("the chain replays");
                let undone = replay(&after, &down).expect("the downgrades replay");
                prop_assert_eq!(
                    replay(&before, &squash_operations(&up)),
                    Some(after.clone()),
                    "upgrade of r{}..r{}: {:#?}",
                    from,
                    to,
                    up
                );
                prop_assert_eq!(
                    replay(&after, &squash_operations(&down)),
                    Some(undone),
                    "downgrade of r{}..r{}: {:#?}",
                    from,
                    to,
                    down
                );
            }
            before = replay(&before, &revisions[from].0).expect("the chain replays");
        }
    });
}

#[test]
fn squash_chains_sqlite() {
    squash_chains(Dialect::Sqlite, 24);
}

#[test]
fn squash_chains_postgres() {
    squash_chains(Dialect::Postgres, 6);
}
