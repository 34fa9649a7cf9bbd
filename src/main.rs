//! The `retort` binary: everything lives in `retort-cli`.

/// mimalloc rather than the system allocator: reading entity sources makes
/// millions of small allocations (syn's tokens and syntax tree), and glibc's
/// malloc spent about 40% of `read_models` in allocation and freeing. Built
/// with `no_thp`: transparent huge pages added 2 ms to every start-up.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    retort_cli::run()
}
