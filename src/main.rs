//! The `retort` binary: everything lives in `retort-cli`.

fn main() -> std::process::ExitCode {
    retort_cli::run()
}
