//! Password masking, end to end: every command that can fail, run with
//! passwords that also occur in the user, host or database name and with
//! passwords holding `@ / : # ? %`, prints the URL with `***` in place of
//! exactly the password and leaves every other character of its output as
//! it is.
//!
//! "Every other character" is checked against a second run whose password
//! has the same shape but letters that occur nowhere (`Ω`): the two outputs
//! must be identical, so nothing of either password shows and no other text
//! was touched.

mod common;

use std::path::Path;

use common::{repo_root, retort, stderr, stdout, write_revision};

/// A project with one revision, one seed file and the blog models, so
/// that every command below gets as far as connecting.
fn project() -> tempfile::TempDir {
    let p = common::project();
    let d = p.path();
    let models = repo_root().join("fixtures/blog/entity");
    fs_err::write(
        d.join("alembic.toml"),
        format!(
            "[alembic]\nscript_location = \"migrations\"\n\n[models]\npaths = [\"{}\"]\n",
            models.display()
        ),
    )
    .unwrap();
    write_revision(
        d,
        "01.toml",
        "revision = \"000000000001\"\nmessage = \"t\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"t\"\n",
    );
    fs_err::create_dir_all(d.join("migrations/seeds")).unwrap();
    fs_err::write(d.join("migrations/seeds/t.toml"), "[[t]]\nid = 1\n").unwrap();
    p
}

/// Every command that opens a connection (or names the URL) and can fail.
const COMMANDS: [&[&str]; 18] = [
    &["upgrade", "head"],
    &["downgrade", "base"],
    &["current"],
    &["status"],
    &["stamp", "head"],
    &["rollback"],
    &["fresh", "--force"],
    &["fresh"],
    &["history", "-i"],
    &["seed"],
    &["inspect", "db"],
    &["check"],
    &["revision", "--autogenerate", "-m", "x"],
    &["fresh", "--force", "--seed"],
    &["migrate", "-m", "x"],
    &["refresh", "--force", "--seed"],
    &["refresh"],
    &["upgrade", "head", "--seed"],
];

/// (URL with `{}` where the password goes, password, the URL as it must be shown).
fn cases() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        // Short passwords that occur in the user, host, port or database name.
        (
            "mysql://ceo_mask:{}@127.0.0.1:3306/ceo_mask_nodb",
            "mask",
            "mysql://ceo_mask:***@127.0.0.1:3306/ceo_mask_nodb",
        ),
        (
            "mysql://root:{}@127.0.0.1:3306/root_r",
            "r",
            "mysql://root:***@127.0.0.1:3306/root_r",
        ),
        (
            "mysql://root:{}@127.0.0.1:3306/test",
            "oo",
            "mysql://root:***@127.0.0.1:3306/test",
        ),
        (
            "mysql://root:{}@127.0.0.1:3306/test",
            "tes",
            "mysql://root:***@127.0.0.1:3306/test",
        ),
        (
            "postgres://postgres:{}@127.0.0.1:1/db1",
            "1",
            "postgres://postgres:***@127.0.0.1:1/db1",
        ),
        (
            "postgres://pg:{}@127.0.0.1:1/x",
            "0.0",
            "postgres://pg:***@127.0.0.1:1/x",
        ),
        (
            "postgres://post:{}@127.0.0.1:1/postdb",
            "post",
            "postgres://post:***@127.0.0.1:1/postdb",
        ),
        // Letters of the driver's own message ("failed to lookup address").
        (
            "postgres://a:{}@a.invalid/a",
            "a",
            "postgres://a:***@a.invalid/a",
        ),
        (
            "postgres://u:{}@look.invalid/db",
            "ook",
            "postgres://u:***@look.invalid/db",
        ),
        (
            "postgres://er:{}@127.0.0.1:1/err",
            "er",
            "postgres://er:***@127.0.0.1:1/err",
        ),
        // Each character a password may hold unescaped.
        (
            "mysql://root:{}@127.0.0.1:3306/test",
            "p@ss",
            "mysql://root:***@127.0.0.1:3306/test",
        ),
        (
            "postgres://postgres:{}@127.0.0.1:1/db",
            "p@s@s",
            "postgres://postgres:***@127.0.0.1:1/db",
        ),
        (
            "postgres://postgres:{}@host.invalid/db",
            "p@ss/w:rd#x",
            "postgres://postgres:***@host.invalid/db",
        ),
        (
            "postgres://u:{}@127.0.0.1:1/db",
            "a/b",
            "postgres://u:***@127.0.0.1:1/db",
        ),
        (
            "mysql://root:{}@127.0.0.1:3306/test",
            "a:b",
            "mysql://root:***@127.0.0.1:3306/test",
        ),
        (
            "postgres://u:{}@127.0.0.1:1/db",
            "a#b",
            "postgres://u:***@127.0.0.1:1/db",
        ),
        (
            "postgres://u:{}@127.0.0.1:1/db",
            "a?b",
            "postgres://u:***@127.0.0.1:1/db",
        ),
        (
            "mysql://root:{}@127.0.0.1:3306/test",
            "a%b",
            "mysql://root:***@127.0.0.1:3306/test",
        ),
        (
            "postgres://u:{}@127.0.0.1:1/db",
            "%41",
            "postgres://u:***@127.0.0.1:1/db",
        ),
    ]
}

/// The same shape with every letter and digit replaced by `Ω`.
fn reference(password: &str) -> String {
    password
        .chars()
        .map(|c| if c.is_alphanumeric() { 'Ω' } else { c })
        .collect()
}

fn run(d: &Path, url: &str, cmd: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["--url", url];
    args.extend_from_slice(cmd);
    let o = retort(d, &args);
    (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn every_failing_command_masks_exactly_the_password() {
    let p = project();
    let d = p.path();
    let cases = cases();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|&(template, password, shown)| {
                s.spawn(move || {
                    let mut failures = Vec::new();
                    let url = template.replace("{}", password);
                    let other = template.replace("{}", &reference(password));
                    for cmd in COMMANDS {
                        let (code, out) = run(d, &url, cmd);
                        let (ref_code, ref_out) = run(d, &other, cmd);
                        let what = format!("{url} {}", cmd.join(" "));
                        if code == Some(0) || code != ref_code {
                            failures.push(format!("{what}: exit {code:?}, {ref_code:?} with the reference password\n{out}"));
                        } else if !out.contains(shown) {
                            failures.push(format!("{what}: does not show `{shown}`\n{out}"));
                        } else if out != ref_out {
                            failures.push(format!("{what}: output differs from the run with password `{}`\n{out}\n---\n{ref_out}", reference(password)));
                        } else if out.contains('Ω') || out.contains("panicked") {
                            failures.push(format!("{what}: shows the password or panicked\n{out}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A URL the drivers would misread is a user error (exit 2) that says what
/// to fix, on every command that connects, and shows no password.
#[test]
fn malformed_urls_are_user_errors() {
    let p = project();
    let d = p.path();
    for (url, says) in [
        ("postgres://u:pw@127.0.0.1:99999/db", "port `99999`"),
        ("mysql://u:pw@127.0.0.1:70000/db", "port `70000`"),
        ("postgres://u:pw@[::1/db", "no closing `]`"),
        ("postgres://u:pw@[::zz]:5432/db", "is not an IPv6 address"),
        (
            "postgres://u:p/w@127.0.0.1/db",
            "percent-encode the `/` as `%2F`",
        ),
    ] {
        for cmd in COMMANDS.iter().filter(|c| **c != ["fresh"]) {
            let (code, out) = run(d, url, cmd);
            assert_eq!(code, Some(2), "{url} {cmd:?}\n{out}");
            assert!(out.contains(says), "{url} {cmd:?}\n{out}");
            assert!(out.contains(":***@"), "{url} {cmd:?}\n{out}");
            assert!(out.contains("\nhint: "), "{url} {cmd:?}\n{out}");
        }
    }
}
