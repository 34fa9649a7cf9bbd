//! `embed!` in a real compilation (trybuild): a broken revision file is a
//! compile error naming the file and the line (`tests/ui/*.stderr`), and a
//! valid folder compiles into the files' names and texts.

use std::process::Command;

/// trybuild compiles the cases in a crate of its own under the target
/// directory, so `CARGO_MANIFEST_DIR` is that crate's there: the macro is
/// told to read the folders relative to this crate with
/// `RETORT_EMBED_BASE_DIR`. The environment of this process cannot be
/// changed without `unsafe`, so the cases run in a second run of this test
/// binary that has it.
#[test]
fn ui() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "trybuild_cases", "--nocapture"])
        .env("RETORT_EMBED_BASE_DIR", env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the test binary runs again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

#[test]
#[ignore = "run by `ui`, with RETORT_EMBED_BASE_DIR set"]
fn trybuild_cases() {
    if std::env::var_os("RETORT_EMBED_BASE_DIR").is_none() {
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/broken_revision.rs");
    t.pass("tests/ui/embeds.rs");
}
