//! Helpers for end-to-end tests of the `retort` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the example project lives there).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `retort ARGS` in `dir` with a clean config environment.
pub fn retort(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .current_dir(dir)
        .env_remove("RETORT_CONFIG")
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run retort")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--url URL` followed by `args`.
pub fn with_url<'a>(url: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["--url", url];
    a.extend_from_slice(args);
    a
}

/// Runs and requires exit 0; returns the whole output.
pub fn succeeds(dir: &Path, args: &[&str]) -> Output {
    let o = retort(dir, args);
    assert!(
        o.status.success(),
        "retort {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    o
}

/// Runs and requires exit 0; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    stdout(&succeeds(dir, args))
}

/// Runs and requires exit 0; returns stderr.
pub fn ok_err(dir: &Path, args: &[&str]) -> String {
    stderr(&succeeds(dir, args))
}

/// Runs `retort ARGS` in `dir` on a pseudo-terminal (util-linux `script`),
/// typing `input`, with `env` set (`None` removes the variable). Returns
/// the exit code and everything the terminal showed, or `None` when there
/// is no `script` (a skip locally, a failure under CI).
pub fn on_terminal(
    dir: &Path,
    args: &[&str],
    input: &[u8],
    env: &[(&str, Option<&str>)],
) -> Option<(Option<i32>, String)> {
    use std::io::Write;
    use std::process::Stdio;
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            !retort_testing::ci(),
            "`script` (util-linux) is needed under CI"
        );
        eprintln!("skipped: no `script` command to give retort a terminal");
        return None;
    }
    let mut command = format!("'{}'", env!("CARGO_BIN_EXE_retort"));
    for a in args {
        command.push_str(&format!(" '{a}'"));
    }
    let mut c = Command::new("script");
    c.args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir)
        .env_remove("RETORT_CONFIG")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Runs and requires exit `code`; returns stderr.
pub fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let o = retort(dir, args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "retort {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

/// A project in a temp dir whose database is `url` and whose models are the
/// entity sources under `entities`, with an empty `migrations/versions/`;
/// `extra` is appended to `alembic.toml` (more sections, such as `[apps.NAME]`).
pub fn project_for(url: &str, entities: &Path, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[alembic]\nscript_location = \"migrations\"\nurl = {url:?}\n\n[models]\npaths = [{:?}]\n{extra}",
        entities.display().to_string()
    );
    fs_err::write(dir.path().join("alembic.toml"), config).unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    dir
}

/// A project in a temp dir with `alembic.toml` and `migrations/versions/`.
pub fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init"]);
    dir
}

pub fn write_revision(dir: &Path, file: &str, text: &str) {
    fs_err::write(dir.join("migrations/versions").join(file), text).unwrap();
}

/// Starts `n` runs of `retort --url URL upgrade head` in `dir` at once and
/// requires every one of them to succeed.
pub fn upgrade_concurrently(dir: &Path, url: &str, n: usize) {
    use std::process::Stdio;
    let children: Vec<_> = (0..n)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_retort"))
                .args(["--url", url, "upgrade", "head"])
                .current_dir(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "a concurrent upgrade failed:\n{}",
            stderr(&o)
        );
    }
}

/// Rows of the version table, sorted.
pub async fn versions(db: &retort_testing::TestDb) -> Vec<String> {
    let mut v: Vec<String> = db
        .query_strings("SELECT version_num FROM alembic_version")
        .await
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    v.sort();
    v
}

/// Starts `retort --url URL upgrade head` in `dir`; the child and its
/// stderr lines as they come.
pub fn start_upgrade(
    dir: &Path,
    url: &str,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["--url", url, "upgrade", "head"])
        .current_dir(dir)
        .env_remove("RETORT_CONFIG")
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start retort");
    let err = child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}
