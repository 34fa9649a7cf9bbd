//! Times `read_schema` on the 1,000-table schema of
//! `/work/shared/peers/gen_schema.py`, on each backend.
//!
//!     cargo bench -p retort-catalog --bench read_1000
//!     RETORT_BENCH_TABLES=300 cargo bench -p retort-catalog --bench read_1000
//!
//! The tables are built from the generator's SeaORM entities (read with
//! `retort-entity`, rendered with `retort_sql::render_schema`); when
//! `python3` or the generator is missing, from the same schema built in code.
//! Alembic's autogenerate at head on this schema and machine kind takes about
//! 8.5 s on PostgreSQL, 7.4 s on MariaDB and 7.9 s on SQLite.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use retort_catalog::{ReadOptions, normalize_for, read_schema};
use retort_core::{Dialect, Schema};
use retort_testing::TestDb;

const GENERATOR: &str = "/work/shared/peers/gen_schema.py";
const RUNS: usize = 5;

fn alembic_seconds(dialect: Dialect) -> f64 {
    match dialect {
        Dialect::Postgres => 8.5,
        Dialect::Mysql => 7.4,
        Dialect::Sqlite => 7.9,
    }
}

fn model(n: usize) -> (Schema, &'static str) {
    let generator = std::env::var("RETORT_GEN_SCHEMA").unwrap_or_else(|_| GENERATOR.to_owned());
    let dir = tempfile::tempdir().expect("temporary directory");
    let generated = Path::new(&generator).exists()
        && Command::new("python3")
            .arg(&generator)
            .arg(n.to_string())
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
    if generated {
        let set = retort_entity::read_models(&[dir.path().join("entity")], &Default::default())
            .expect("the generated entities read");
        return (set.schema, "gen_schema.py entities");
    }
    (
        common::generated_schema(n),
        "the same schema built in code (gen_schema.py not found)",
    )
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let n: usize = std::env::var("RETORT_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let (model, source) = model(n);
    println!("schema: {} tables from {source}", model.tables.len());
    let rt = tokio::runtime::Runtime::new().unwrap();
    for dialect in Dialect::ALL {
        rt.block_on(async {
            let Some(db) = TestDb::create(dialect, "bench_read").await else { return };
            let started = Instant::now();
            common::build_fast(&db, &model).await;
            let built = started.elapsed();
            let opts = ReadOptions::default();
            let mut times: Vec<Duration> = Vec::new();
            let mut last = None;
            for _ in 0..RUNS {
                let t = Instant::now();
                let read = read_schema(&db.url, &opts).await.unwrap_or_else(|e| panic!("{e}"));
                times.push(t.elapsed());
                last = Some(read);
            }
            let read = last.unwrap();
            assert_eq!(read.schema.tables.len(), n);
            // The read is the model, not just fast.
            assert!(
                normalize_for(dialect, &read.schema) == normalize_for(dialect, &model),
                "{dialect}: the catalog does not read back as the model"
            );
            times.sort();
            let median = times[RUNS / 2];
            let alembic = alembic_seconds(dialect);
            println!(
                "{dialect:<8} read_schema of {n} tables: median {:>7.1} ms, min {:>7.1} ms over {RUNS} runs, {} statements \
                 (built in {:.1} s); Alembic autogenerate ~{alembic} s -> {:.0}x",
                median.as_secs_f64() * 1e3,
                times[0].as_secs_f64() * 1e3,
                read.queries,
                built.as_secs_f64(),
                alembic / median.as_secs_f64(),
            );
            db.drop().await;
        });
    }
}
