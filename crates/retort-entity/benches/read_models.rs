//! Reads the 1,000 entity files of `../shared/peers/gen_schema.py 1000` and
//! prints the wall time per read (several runs; min and median).
//!
//!     cargo bench -p retort-entity --bench read_models
//!
//! `RETORT_BENCH_ENTITIES=DIR` reads DIR instead of generating a schema;
//! `RETORT_BENCH_GEN` points at another `gen_schema.py`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use retort_entity::{ReadOptions, read_models};

/// The allocator of the `retort` binary, so the figure is what users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TABLES: usize = 1000;
const RUNS: usize = 15;

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = match std::env::var_os("RETORT_BENCH_ENTITIES") {
        Some(d) => PathBuf::from(d),
        None => {
            let script = std::env::var_os("RETORT_BENCH_GEN")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("../../../shared/peers/gen_schema.py")
                });
            let status = Command::new("python3")
                .arg(&script)
                .arg(TABLES.to_string())
                .arg(tmp.path())
                .status()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
            assert!(status.success(), "{} failed", script.display());
            tmp.path().join("entity")
        }
    };
    let paths = [dir];
    let opts = ReadOptions::default();
    let first = read_models(&paths, &opts).unwrap_or_else(|e| panic!("{e}"));
    let tables = first.schema.tables.len();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let set = read_models(&paths, &opts).expect("read");
            let elapsed = start.elapsed();
            assert_eq!(set.schema.tables.len(), tables);
            elapsed
        })
        .collect();
    times.sort();
    println!(
        "read_models: {tables} tables, {RUNS} runs: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
    );
}
