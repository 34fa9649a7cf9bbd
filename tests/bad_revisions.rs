//! A broken revision directory is an error that names the file (and the line
//! and column of a parse error), exit code 2; nothing is skipped silently.

mod common;
use common::*;

const GOOD: &str = "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n";

fn check(files: &[(&str, &str)], needles: &[&str]) {
    let p = project();
    for (name, text) in files {
        write_revision(p.path(), name, text);
    }
    for cmd in [
        &["heads"][..],
        &["upgrade", "head", "--sql", "--dialect", "sqlite"],
        &["history"],
    ] {
        let e = fails(p.path(), cmd, 2);
        for n in needles {
            assert!(e.contains(n), "retort {cmd:?}: `{n}` missing from:\n{e}");
        }
    }
}

#[test]
fn unparseable_toml() {
    check(
        &[("a.toml", "revision = \"aaaaaaaaaaaa\"\nmessage = \n")],
        &["a.toml:2:11: "],
    );
}

#[test]
fn unknown_field_in_an_operation() {
    check(
        &[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"x\"\ncolour = \"red\"\n",
        )],
        &["a.toml:7:1: unknown field `colour`"],
    );
}

#[test]
fn unknown_top_level_field() {
    check(
        &[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\nparent = \"x\"\n",
        )],
        &["a.toml:3:1: unknown field `parent`"],
    );
}

#[test]
fn unknown_op() {
    check(
        &[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n[[upgrade]]\nop = \"drop_tables\"\ntable = \"x\"\n",
        )],
        &["a.toml", "drop_tables"],
    );
}

#[test]
fn duplicate_revision_id() {
    check(
        &[("a.toml", GOOD), ("b.toml", GOOD)],
        &["a.toml", "b.toml", "aaaaaaaaaaaa"],
    );
}

#[test]
fn unknown_down_revision() {
    check(
        &[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\ndown_revision = \"ffffffffffff\"\nmessage = \"a\"\n",
        )],
        &["a.toml", "ffffffffffff"],
    );
}

#[test]
fn cycle() {
    check(
        &[
            (
                "a.toml",
                "revision = \"aaaaaaaaaaaa\"\ndown_revision = \"bbbbbbbbbbbb\"\nmessage = \"a\"\n",
            ),
            (
                "b.toml",
                "revision = \"bbbbbbbbbbbb\"\ndown_revision = \"aaaaaaaaaaaa\"\nmessage = \"b\"\n",
            ),
        ],
        &["cycle", "aaaaaaaaaaaa", "bbbbbbbbbbbb"],
    );
}

#[test]
fn stray_file_is_reported() {
    check(&[("a.toml", GOOD), ("notes.txt", "hello")], &["notes.txt"]);
}

#[test]
fn bad_column_type() {
    check(
        &[(
            "a.toml",
            "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"c\", type = \"interger\" }\n",
        )],
        &["a.toml", "interger"],
    );
}

#[test]
fn operation_that_does_not_apply_names_the_revision() {
    // Parses, but drops a table nothing created: the script cannot be rendered.
    let p = project();
    write_revision(
        p.path(),
        "a.toml",
        "revision = \"aaaaaaaaaaaa\"\nmessage = \"a\"\n[[upgrade]]\nop = \"drop_table\"\ntable = \"ghost\"\n",
    );
    let e = fails(
        p.path(),
        &["upgrade", "head", "--sql", "--dialect", "postgres"],
        2,
    );
    assert!(e.contains("aaaaaaaaaaaa") && e.contains("ghost"), "{e}");
}

#[test]
fn bad_config_names_the_file_and_line() {
    let p = project();
    fs_err::write(
        p.path().join("alembic.toml"),
        "[alembic]\nscript_location = \"migrations\"\nurll = \"x\"\n",
    )
    .unwrap();
    let e = fails(p.path(), &["heads"], 2);
    assert!(e.contains("alembic.toml:3:1: unknown field `urll`"), "{e}");
}

#[test]
fn bad_targets_are_user_errors() {
    let p = project();
    write_revision(p.path(), "a.toml", GOOD);
    for target in ["nope", "+5", "zzz@head"] {
        let e = fails(
            p.path(),
            &["upgrade", target, "--sql", "--dialect", "sqlite"],
            2,
        );
        assert!(!e.is_empty(), "{target}");
    }
}
