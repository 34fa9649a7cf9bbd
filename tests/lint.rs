//! `retort lint` through the binary: exit codes, the JSON shape, `[lint]`
//! settings, `lint_ignore`, targets and ranges, and the no-argument mode
//! against a real SQLite database with one revision applied and one pending.

mod common;
use std::path::Path;

use common::*;
use serde_json::Value;

const USERS: &str = r#"revision = "a00000000001"
message = "users"

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = true },
  { name = "name", type = "text" },
  { name = "age", type = "bigint", nullable = true },
  { name = "bio", type = "text", nullable = true },
]

[[downgrade]]
op = "drop_table"
table = "users"
"#;

/// A column dropped (line 4), a column renamed (9), a type narrowed (15),
/// SET NOT NULL (21) and a plain index (27).
const RISKY: &str = r#"revision = "b00000000002"
down_revision = "a00000000001"

[[upgrade]]
op = "drop_column"
table = "users"
column = "bio"

[[upgrade]]
op = "alter_column"
table = "users"
column = "name"
new_name = "full_name"

[[upgrade]]
op = "alter_column"
table = "users"
column = "age"
type = "integer"

[[upgrade]]
op = "alter_column"
table = "users"
column = "email"
nullable = false

[[upgrade]]
op = "create_index"
table = "users"
name = "ix_users_email"
columns = ["email"]
"#;

/// Only warnings (a rename).
const RENAME: &str = r#"revision = "c00000000003"
down_revision = "b00000000002"

[[upgrade]]
op = "rename_table"
table = "users"
new_name = "people"
"#;

/// A project with the two first revisions and `config` as `alembic.toml`.
fn project_with(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs_err::create_dir_all(dir.path().join("migrations/versions")).unwrap();
    fs_err::write(dir.path().join("alembic.toml"), config).unwrap();
    write_revision(dir.path(), "0001_users.toml", USERS);
    write_revision(dir.path(), "0002_risky.toml", RISKY);
    dir
}

const NO_URL: &str = "[alembic]\nscript_location = \"migrations\"\n";

fn lint_json(dir: &Path, args: &[&str], code: i32) -> Value {
    let mut a = vec!["lint", "--format", "json"];
    a.extend_from_slice(args);
    let o = retort(dir, &a);
    assert_eq!(
        o.status.code(),
        Some(code),
        "retort {a:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

/// (code, line) of every finding.
fn codes(v: &Value) -> Vec<(String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect()
}

#[test]
fn five_risky_operations_on_postgres() {
    let dir = project_with(NO_URL);
    let v = lint_json(dir.path(), &["b00000000002", "--dialect", "postgres"], 1);
    assert_eq!(
        codes(&v),
        owned(&[
            ("RT102", 4),
            ("RT302", 9),
            ("RT104", 15),
            ("RT202", 21),
            ("RT401", 27),
        ])
    );
    // The PostgreSQL locks of the narrowing and of SET NOT NULL are folded
    // into those operations' findings.
    let also = |i: usize| -> Vec<String> {
        v["findings"][i]["also"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                assert!(a["message"].as_str().is_some_and(|m| !m.is_empty()), "{a}");
                assert!(a["hint"].as_str().is_some_and(|m| !m.is_empty()), "{a}");
                a["code"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(also(2), ["RT403"]);
    assert_eq!(also(3), ["RT404"]);
    assert!(also(0).is_empty() && also(1).is_empty() && also(4).is_empty());
    // In text, a folded code is an `also` line with its hint.
    let text = stdout(&retort(
        dir.path(),
        &["lint", "b00000000002", "--dialect", "postgres"],
    ));
    assert!(
        text.contains("  also warning RT403: changing `users.age`")
            && text.contains("  also warning RT404: SET NOT NULL on ")
            && text.ends_with("2 error(s), 3 warning(s), 0 info\n"),
        "{text}"
    );
    for f in v["findings"].as_array().unwrap() {
        for key in [
            "severity",
            "file",
            "message",
            "hint",
            "revision",
            "operation",
        ] {
            assert!(
                f[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} in {f}"
            );
        }
        assert!(
            f["file"]
                .as_str()
                .unwrap()
                .ends_with("migrations/versions/0002_risky.toml"),
            "{f}"
        );
    }
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][1]["severity"], "warning");
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(v["dialect"], "postgres");
    assert_eq!(v["scope"], "target");

    // Without a dialect, only the portable findings.
    let v = lint_json(dir.path(), &["b00000000002"], 1);
    let got: Vec<String> = codes(&v).into_iter().map(|(c, _)| c).collect();
    assert_eq!(got, ["RT102", "RT302", "RT104", "RT202"]);
    assert!(v["dialect"].is_null());
}

#[test]
fn text_output_and_exit_codes() {
    let dir = project_with(NO_URL);
    let o = retort(dir.path(), &["lint", "b00000000002"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "0002_risky.toml:4: error RT102: dropping column `users.bio` deletes its values"
        ),
        "{out}"
    );
    assert!(out.contains("  hint: "), "{out}");
    assert!(
        stderr(&o).contains("lint found 2 error(s)\nhint: "),
        "{}",
        stderr(&o)
    );
    // Warnings alone exit 0.
    write_revision(dir.path(), "0003_rename.toml", RENAME);
    let v = lint_json(dir.path(), &["c00000000003"], 0);
    assert_eq!(codes(&v), owned(&[("RT301", 4)]));
    // A bad target is a user error.
    fails(dir.path(), &["lint", "zzz"], 2);
}

#[test]
fn lint_settings_change_severities_and_turn_codes_off() {
    let dir = project_with(&format!(
        "{NO_URL}\n[lint]\nRT102 = \"warning\"\nRT104 = \"off\"\nRT302 = \"error\"\n"
    ));
    let v = lint_json(dir.path(), &["b00000000002"], 1);
    let got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("RT102", "warning"),
        ("RT302", "error"),
        ("RT202", "warning"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(got, want);

    let dir = project_with(&format!(
        "{NO_URL}\n[lint]\nRT302 = \"off\"\nRT102 = \"info\"\nRT104 = \"warning\"\n"
    ));
    lint_json(dir.path(), &["b00000000002"], 0);

    let dir = project_with(&format!("{NO_URL}\n[lint]\nRT999 = \"off\"\n"));
    let err = fails(dir.path(), &["lint"], 2);
    assert!(err.contains("unknown code `RT999`\nhint: "), "{err}");
}

#[test]
fn lint_ignore_accepts_a_finding_and_leaves_the_checksum() {
    let dir =
        project_with("[alembic]\nscript_location = \"migrations\"\nurl = \"sqlite://app.db\"\n");
    // Applied first, so that a changed checksum would show on the next upgrade.
    ok(dir.path(), &["upgrade", "head"]);
    let accepted = RISKY
        .replace(
            "column = \"bio\"\n",
            "column = \"bio\"\nlint_ignore = [\"RT102\"]\nreason = \"bio moved to profiles in v3\"\n",
        )
        .replace(
            "type = \"integer\"\n",
            "type = \"integer\"\nlint_ignore = [\"RT104\"]\nreason = \"ages are below 200\"\n",
        );
    write_revision(dir.path(), "0002_risky.toml", &accepted);
    let v = lint_json(dir.path(), &["b00000000002"], 0);
    let got: Vec<String> = codes(&v).into_iter().map(|(c, _)| c).collect();
    // RT104 ignored: SQLite's rebuild of that step is the finding; on the
    // next step it is folded into RT202.
    assert_eq!(got, ["RT302", "RT601", "RT202"], "{v}");
    assert_eq!(v["findings"][2]["also"][0]["code"], "RT601", "{v}");
    // The revision is still the one applied: no checksum complaint.
    let up = ok_err(dir.path(), &["upgrade", "head"]);
    assert!(!up.contains("changed"), "{up}");
    let status = ok(dir.path(), &["status", "--format", "json"]);
    let s: Value = serde_json::from_str(&status).unwrap();
    assert!(
        s.as_array().unwrap().iter().all(|r| r["changed"] == false),
        "{status}"
    );

    // A reason is required.
    write_revision(
        dir.path(),
        "0002_risky.toml",
        &RISKY.replace(
            "column = \"bio\"\n",
            "column = \"bio\"\nlint_ignore = [\"RT102\"]\n",
        ),
    );
    let err = fails(dir.path(), &["lint", "b00000000002"], 2);
    assert!(
        err.contains("0002_risky.toml:4: `lint_ignore` without a `reason`\nhint: "),
        "{err}"
    );
}

#[test]
fn no_argument_lints_what_the_database_has_not_applied() {
    let dir =
        project_with("[alembic]\nscript_location = \"migrations\"\nurl = \"sqlite://app.db\"\n");
    write_revision(dir.path(), "0003_rename.toml", RENAME);
    // Nothing applied and no file yet: every revision, and no file is created.
    let v = lint_json(dir.path(), &[], 1);
    assert_eq!(v["scope"], "all");
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("does not exist yet"),
        "{v}"
    );
    assert!(!dir.path().join("app.db").exists());
    // Two applied, one pending: only the pending one, for the URL's dialect.
    ok(dir.path(), &["upgrade", "b00000000002"]);
    let v = lint_json(dir.path(), &[], 0);
    assert_eq!(v["scope"], "unapplied");
    assert_eq!(v["revisions"], serde_json::json!(["c00000000003"]));
    assert_eq!(v["dialect"], "sqlite");
    assert_eq!(codes(&v), owned(&[("RT301", 4)]));
    let text = ok(dir.path(), &["lint"]);
    assert!(
        text.starts_with(
            "Linting 1 revision(s): the revisions the database has not applied; for sqlite\n"
        ),
        "{text}"
    );
    // Everything applied: nothing to lint.
    ok(dir.path(), &["upgrade", "head"]);
    let v = lint_json(dir.path(), &[], 0);
    assert_eq!(v["revisions"], serde_json::json!([]));

    // Without a URL: every revision, base to heads.
    let dir = project_with(NO_URL);
    let v = lint_json(dir.path(), &[], 1);
    assert_eq!(v["scope"], "all");
    assert_eq!(
        v["revisions"],
        serde_json::json!(["a00000000001", "b00000000002"])
    );
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .contains("no database URL"),
        "{v}"
    );
}

#[test]
fn a_range_lints_the_revisions_after_from() {
    let dir = project_with(NO_URL);
    write_revision(dir.path(), "0003_rename.toml", RENAME);
    let v = lint_json(dir.path(), &["b00000000002:head"], 0);
    assert_eq!(v["scope"], "range");
    assert_eq!(v["revisions"], serde_json::json!(["c00000000003"]));
    let v = lint_json(dir.path(), &["base:b00000000002"], 1);
    assert_eq!(
        v["revisions"],
        serde_json::json!(["a00000000001", "b00000000002"])
    );
}

/// On a server: the pending revision only, with the URL's dialect findings.
async fn no_argument_on_a_server(dialect: retort_testing::Dialect) {
    let db = retort_testing::test_db!(dialect, "lint_pending");
    let dir = project_with(NO_URL);
    ok(dir.path(), &with_url(&db.url, &["upgrade", "a00000000001"]));
    let o = retort(
        dir.path(),
        &with_url(&db.url, &["lint", "--format", "json"]),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scope"], "unapplied");
    assert_eq!(v["revisions"], serde_json::json!(["b00000000002"]));
    let got: Vec<String> = codes(&v).into_iter().map(|(c, _)| c).collect();
    match dialect {
        retort_testing::Dialect::Postgres => {
            assert_eq!(v["dialect"], "postgres");
            assert_eq!(got, ["RT102", "RT302", "RT104", "RT202", "RT401"]);
        }
        _ => {
            assert_eq!(v["dialect"], "mysql");
            assert_eq!(got, ["RT102", "RT302", "RT104", "RT202"]);
        }
    }
    db.drop().await;
}

#[tokio::test]
async fn no_argument_on_postgres() {
    no_argument_on_a_server(retort_testing::Dialect::Postgres).await;
}

#[tokio::test]
async fn no_argument_on_mariadb() {
    no_argument_on_a_server(retort_testing::Dialect::Mysql).await;
}
