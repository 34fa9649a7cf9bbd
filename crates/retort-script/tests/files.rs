//! Revision files: writing, parsing, round trips, checksums, and every
//! kind of bad revision directory.

mod support;

use std::path::PathBuf;

use retort_script::{Revision, Script, ScriptError, render_revision};
use support::Dir;

const EXAMPLE: &str = r#"revision = "3f2a9c1b7d4e"
down_revision = "a1b2c3d4e5f6"
message = "add user bio"
create_date = 2026-11-21T14:30:00Z

[[upgrade]]
op = "add_column"
table = "users"
column = { name = "bio", type = "varchar(500)", nullable = true }

# destructive: drop column `users.bio`
[[downgrade]]
op = "drop_column"
table = "users"
column = "bio"
"#;

fn parse(text: &str) -> Revision {
    Revision::parse(text, &PathBuf::from("x.toml")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn example_renders_byte_for_byte() {
    let rev = parse(EXAMPLE);
    assert_eq!(rev.down_revisions, vec!["a1b2c3d4e5f6"]);
    assert_eq!(render_revision(&rev), EXAMPLE);
}

/// Every operation kind, as people write them.
const EVERY_OP: &str = r#"revision = "0001_all"
down_revision = ["aaaa", "bbbb"]
message = "every op"
create_date = 2026-11-21T14:30:00Z
branch_labels = ["billing"]
depends_on = ["cccc"]

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "score", type = "double", default = 1.5 },
  { name = "active", type = "boolean", default = true },
  { name = "created_at", type = "timestamptz", default_expr = "CURRENT_TIMESTAMP", comment = "when" },
]
primary_key = ["id"]
uniques = [
  { name = "uq_users_email", columns = ["email"] },
]
foreign_keys = [
  { columns = ["team_id"], ref_table = "teams", ref_columns = ["id"], on_delete = "cascade" },
]
checks = [
  { name = "ck_score", expr = "score >= 0" },
]
comment = "people"

[[upgrade]]
op = "rename_table"
table = "users"
new_name = "people"

[[upgrade]]
op = "add_column"
table = "people"
column = { name = "bio", type = "text", nullable = true }

[[upgrade]]
op = "alter_column"
table = "people"
column = "bio"
type = "varchar(500)"
nullable = false
default = "x"
comment = "about"
new_name = "about"

[[upgrade]]
op = "alter_column"
table = "people"
column = "about"
drop_default = true
drop_comment = true

[[upgrade]]
op = "create_index"
table = "people"
name = "ix_people_email"
columns = ["email"]
unique = true

[[upgrade]]
op = "create_unique"
table = "people"
columns = ["email", "id"]

[[upgrade]]
op = "add_foreign_key"
table = "people"
name = "fk_people_team"
columns = ["team_id"]
ref_table = "teams"
ref_columns = ["id"]
on_delete = "set_null"
on_update = "cascade"

[[upgrade]]
op = "add_check"
table = "people"
name = "ck_x"
expr = "1 = 1"

[[upgrade]]
op = "create_enum"
name = "mood"
values = ["happy", "sad"]

[[upgrade]]
op = "alter_enum"
name = "mood"
values = ["happy", "sad", "meh"]

[[upgrade]]
op = "execute"
sql = "UPDATE people SET active = TRUE"

[[upgrade]]
op = "execute"
sql = { postgres = "SELECT 1", default = """
SELECT 2;
SELECT "3"
""" }

[[upgrade]]
op = "bulk_insert"
table = "people"
rows = [
  { id = 1, email = "a@b.c", "odd name" = 2.5 },
  { id = 2, email = "d@e.f", active = false },
]

[[upgrade]]
op = "irreversible"
reason = "data is gone"

[[downgrade]]
op = "irreversible"

[[downgrade]]
op = "drop_enum"
name = "mood"

[[downgrade]]
op = "drop_check"
table = "people"
name = "ck_x"

[[downgrade]]
op = "drop_foreign_key"
table = "people"
name = "fk_people_team"

[[downgrade]]
op = "drop_unique"
table = "people"
name = "uq_people_email"

[[downgrade]]
op = "drop_index"
table = "people"
name = "ix_people_email"

[[downgrade]]
op = "drop_column"
table = "people"
column = "about"

[[downgrade]]
op = "drop_table"
table = "people"
"#;

#[test]
fn every_op_round_trips() {
    let rev = parse(EVERY_OP);
    assert_eq!(rev.upgrade.len(), 15);
    assert_eq!(rev.downgrade.len(), 8);
    let mut kinds: Vec<&str> = rev
        .upgrade
        .iter()
        .chain(&rev.downgrade)
        .map(|o| o.kind())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 20, "every operation kind: {kinds:?}");
    let text = render_revision(&rev);
    let again = parse(&text);
    assert_eq!(again, rev, "rendered:\n{text}");
    // Writing is stable.
    assert_eq!(render_revision(&again), text);
}

#[test]
fn every_op_renders_readably() {
    let text = render_revision(&parse(EVERY_OP));
    for expected in [
        "columns = [\n  { name = \"id\", type = \"integer\", primary_key = true, autoincrement = true },\n  { name = \"email\", type = \"varchar(255)\", unique = true },\n",
        "foreign_keys = [\n  { columns = [\"team_id\"], ref_table = \"teams\", ref_columns = [\"id\"], on_delete = \"cascade\" },\n]\n",
        "rows = [\n  { id = 1, email = \"a@b.c\", \"odd name\" = 2.5 },\n",
        "# destructive: drop table `people`\n[[downgrade]]\nop = \"drop_table\"",
        "# destructive: drop enum type `mood`\n[[downgrade]]",
        "down_revision = [\"aaaa\", \"bbbb\"]\n",
        "branch_labels = [\"billing\"]\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(text.matches("# destructive").count(), 3, "{text}");
}

#[test]
fn checksum_ignores_formatting_but_not_ops() {
    let a = parse(EXAMPLE);
    let reformatted = EXAMPLE
        .replace("# destructive: drop column `users.bio`\n", "# a comment\n")
        .replace(
            "column = { name = \"bio\", type = \"varchar(500)\", nullable = true }",
            "column.name = \"bio\"\ncolumn.type = \"character varying(500)\"\ncolumn.nullable = true",
        )
        .replace("message = \"add user bio\"", "message = \"other words\"");
    let b = parse(&reformatted);
    assert_eq!(a.checksum(), b.checksum());
    assert_eq!(a.checksum().len(), 64);
    let changed = parse(&EXAMPLE.replace("varchar(500)", "varchar(501)"));
    assert_ne!(a.checksum(), changed.checksum());
    let changed = parse(&EXAMPLE.replace("column = \"bio\"", "column = \"bio2\""));
    assert_ne!(a.checksum(), changed.checksum());
}

#[test]
fn base_revision_has_no_down_revision() {
    let rev = parse("revision = \"abc\"\nmessage = \"m\"\n");
    assert!(rev.down_revisions.is_empty());
    assert!(!render_revision(&rev).contains("down_revision"));
}

// ---- bad directories -------------------------------------------------

/// Loads the directory and returns (error, its message).
fn load_error(d: &Dir) -> (ScriptError, String) {
    match Script::load(d.root()) {
        Ok(_) => panic!("load succeeded"),
        Err(e) => {
            let m = e.to_string();
            (e, m)
        }
    }
}

#[track_caller]
fn parse_error_at(file_text: &str, line: usize, column: usize, words: &str) {
    let d = Dir::new();
    d.rev("a").file("01_bad.toml", file_text);
    let (e, msg) = load_error(&d);
    match e {
        ScriptError::Parse {
            path,
            line: l,
            column: c,
            ..
        } => {
            assert!(path.ends_with("01_bad.toml"), "{msg}");
            assert_eq!((l, c), (line, column), "{msg}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(
        msg.contains(&format!("01_bad.toml:{line}:{column}: ")),
        "{msg}"
    );
    assert!(msg.contains(words), "{msg}");
    assert!(!msg.ends_with('.'), "{msg}");
}

const HEADER: &str = "revision = \"b\"\ndown_revision = \"a\"\nmessage = \"m\"\n";

#[test]
fn unparseable_toml() {
    parse_error_at("revision = \"b\"\nmessage = \n", 2, 11, "");
}

#[test]
fn unknown_header_field() {
    parse_error_at(
        &format!("{HEADER}down_revisions = \"a\"\n"),
        4,
        1,
        "unknown field `down_revisions`",
    );
}

#[test]
fn unknown_field_inside_upgrade_table_points_at_the_key() {
    let text = format!(
        "{HEADER}\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"a\"\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\n  colum = \"bio\"\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"x\"\n"
    );
    // line 12 is `  colum = "bio"` inside the second [[upgrade]] table.
    parse_error_at(&text, 12, 3, "unknown field `colum`");
}

#[test]
fn unknown_op_points_at_the_op() {
    let text = format!("{HEADER}\n[[upgrade]]\ntable = \"users\"\nop = \"add_colum\"\n");
    parse_error_at(&text, 7, 6, "unknown variant `add_colum`");
}

#[test]
fn bad_column_type_points_at_the_type() {
    let text = format!(
        "{HEADER}\n[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = {{ name = \"bio\", type = \"varchr(5)\" }}\n"
    );
    parse_error_at(&text, 8, 33, "unknown column type `varchr(5)`");
}

#[test]
fn bad_revision_id() {
    parse_error_at("revision = \"ABC\"\n", 1, 12, "invalid revision id `ABC`");
    parse_error_at(
        &format!("revision = \"{}\"\n", "a".repeat(33)),
        1,
        12,
        "33 characters",
    );
}

#[test]
fn missing_revision_key() {
    parse_error_at("message = \"m\"\n", 1, 1, "missing field `revision`");
}

#[test]
fn duplicate_revision_names_both_files() {
    let d = Dir::new();
    d.rev("a")
        .rev("b <- a")
        .file("02_again.toml", "revision = \"a\"\n");
    let (e, msg) = load_error(&d);
    assert!(matches!(e, ScriptError::DuplicateRevision { .. }), "{e:?}");
    assert!(
        msg.contains("00_a.toml") && msg.contains("02_again.toml"),
        "{msg}"
    );
    assert!(msg.contains("revision `a`"), "{msg}");
}

#[test]
fn unknown_down_revision() {
    let d = Dir::new();
    d.rev("a").rev("b <- zz");
    let (e, msg) = load_error(&d);
    assert!(
        matches!(e, ScriptError::UnknownDownRevision { .. }),
        "{e:?}"
    );
    assert!(msg.contains("01_b.toml") && msg.contains("`zz`"), "{msg}");
}

#[test]
fn unknown_depends_on() {
    let d = Dir::new();
    d.rev("a").rev("b <- a ~nope");
    let (e, msg) = load_error(&d);
    assert!(matches!(e, ScriptError::UnknownDependency { .. }), "{e:?}");
    assert!(msg.contains("01_b.toml") && msg.contains("`nope`"), "{msg}");
}

#[test]
fn cycle_names_the_files() {
    let d = Dir::new();
    d.rev("a").rev("b <- a c").rev("c <- b");
    let (e, msg) = load_error(&d);
    assert!(matches!(e, ScriptError::Cycle { .. }), "{e:?}");
    assert!(
        msg.contains("01_b.toml") && msg.contains("02_c.toml"),
        "{msg}"
    );
    assert!(!msg.contains("00_a.toml"), "{msg}");
}

#[test]
fn self_reference_is_a_cycle() {
    let d = Dir::new();
    d.rev("a <- a");
    assert!(matches!(load_error(&d).0, ScriptError::Cycle { .. }));
}

#[test]
fn dependency_cycle() {
    let d = Dir::new();
    d.rev("a ~b").rev("b <- a");
    assert!(matches!(load_error(&d).0, ScriptError::Cycle { .. }));
}

#[test]
fn duplicate_branch_label() {
    let d = Dir::new();
    d.rev("a @x").rev("b @x");
    let (e, msg) = load_error(&d);
    assert!(
        matches!(e, ScriptError::DuplicateBranchLabel { .. }),
        "{e:?}"
    );
    assert!(
        msg.contains("00_a.toml") && msg.contains("01_b.toml"),
        "{msg}"
    );
}

#[test]
fn non_toml_files_are_errors() {
    for name in ["README.md", "001_init.py", "notes", "x.toml.bak"] {
        let d = Dir::new();
        d.rev("a").file(name, "hello");
        let (e, msg) = load_error(&d);
        assert!(
            matches!(e, ScriptError::NotARevisionFile { .. }),
            "{name}: {e:?}"
        );
        assert!(msg.contains(name), "{msg}");
        assert!(msg.contains("\nhint: "), "{msg}");
    }
}

#[test]
fn directories_are_errors() {
    let d = Dir::new();
    d.rev("a");
    fs_err::create_dir(d.versions().join("__pycache__")).unwrap();
    let (e, msg) = load_error(&d);
    assert!(
        matches!(e, ScriptError::UnexpectedDirectory { .. }),
        "{e:?}"
    );
    assert!(msg.contains("__pycache__"), "{msg}");
}

#[test]
fn hidden_files_are_skipped() {
    let d = Dir::new();
    d.rev("a").file(".gitkeep", "").file(".DS_Store", "\u{0}");
    assert_eq!(d.load().heads(), vec!["a"]);
}

#[test]
fn missing_versions_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let e = Script::load(tmp.path()).unwrap_err();
    assert!(matches!(e, ScriptError::MissingVersions { .. }), "{e:?}");
    // `retort init` would refuse: the config that names the directory exists.
    let shown = format!(
        "hint: create it with `mkdir -p {}`",
        tmp.path().join("versions").display()
    );
    assert!(e.to_string().contains(&shown), "{e}");
    let s = Script::init(tmp.path()).unwrap();
    assert!(s.revisions().is_empty());
    assert!(tmp.path().join("versions").is_dir());
}

/// The files are parsed on several threads; the problem reported is still
/// the first file's in name order, whichever kind it is.
#[test]
fn the_first_bad_file_in_name_order_is_reported() {
    let d = Dir::new();
    for i in 0..12 {
        d.rev(&format!("r{i:02}"));
    }
    d.file("50_bad.toml", "revision = \"x\"\nmessage = \n")
        .file("60_bad.toml", "revision = \n");
    let (e, msg) = load_error(&d);
    assert!(
        matches!(&e, ScriptError::Parse { path, line: 2, .. } if path.ends_with("50_bad.toml")),
        "{msg}"
    );
    d.file("40_notes.txt", "not a revision");
    let (e, msg) = load_error(&d);
    assert!(
        matches!(&e, ScriptError::NotARevisionFile { path } if path.ends_with("40_notes.txt")),
        "{msg}"
    );
    // Good files only: every one, in name order.
    let d = Dir::new();
    for i in 0..12 {
        d.rev(&format!("r{i:02}"));
    }
    let ids: Vec<String> = d.load().revisions().iter().map(|r| r.id.clone()).collect();
    let want: Vec<String> = (0..12).map(|i| format!("r{i:02}")).collect();
    assert_eq!(ids, want);
}
