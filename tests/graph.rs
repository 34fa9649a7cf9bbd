//! The revision graph through the binary: init, revision, merge, heads,
//! branches, history, show — no database.

mod common;
use common::*;

#[test]
fn branch_and_merge_give_one_head() {
    let p = project();
    let d = p.path();
    assert_eq!(
        ok(d, &["revision", "-m", "first", "--rev-id", "aaaaaaaaaaaa"]).trim(),
        "aaaaaaaaaaaa"
    );
    ok(d, &["revision", "-m", "second", "--rev-id", "bbbbbbbbbbbb"]);
    // A revision on a non-head parent needs --splice, as in Alembic.
    let e = fails(
        d,
        &[
            "revision",
            "-m",
            "third",
            "--rev-id",
            "cccccccccccc",
            "--head",
            "aaaaaaaaaaaa",
        ],
        2,
    );
    assert!(e.contains("splice"), "{e}");
    ok(
        d,
        &[
            "revision",
            "-m",
            "third",
            "--rev-id",
            "cccccccccccc",
            "--head",
            "aaaaaaaaaaaa",
            "--splice",
        ],
    );

    assert_eq!(
        ok(d, &["heads"]),
        "bbbbbbbbbbbb (head)\ncccccccccccc (head)\n"
    );
    let branches = ok(d, &["branches"]);
    assert!(
        branches.starts_with("aaaaaaaaaaaa (branchpoint)\n"),
        "{branches}"
    );
    assert!(
        branches.contains(" -> bbbbbbbbbbbb (head), second\n"),
        "{branches}"
    );
    assert!(
        branches.contains(" -> cccccccccccc (head), third\n"),
        "{branches}"
    );

    // Two heads: `head` is ambiguous, and the error says what to type.
    let e = fails(d, &["upgrade", "head", "--sql", "--dialect", "sqlite"], 2);
    assert!(
        e.contains("bbbbbbbbbbbb") && e.contains("cccccccccccc") && e.contains("heads"),
        "{e}"
    );
    let e = fails(d, &["revision", "-m", "x"], 2);
    assert!(e.contains("--head"), "{e}");

    ok(
        d,
        &["merge", "-m", "join", "heads", "--rev-id", "dddddddddddd"],
    );
    assert_eq!(ok(d, &["heads"]), "dddddddddddd (head) (mergepoint)\n");

    let history = ok(d, &["history"]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 4, "{history}");
    assert_eq!(
        lines[0],
        "(bbbbbbbbbbbb, cccccccccccc) -> dddddddddddd (head) (mergepoint), join"
    );
    assert!(
        lines.contains(&"aaaaaaaaaaaa -> bbbbbbbbbbbb, second"),
        "{history}"
    );
    assert!(
        lines.contains(&"aaaaaaaaaaaa -> cccccccccccc, third"),
        "{history}"
    );
    assert_eq!(lines[3], "<base> -> aaaaaaaaaaaa (branchpoint), first");

    let ranged = ok(d, &["history", "-r", "bbbbbbbbbbbb:"]);
    assert_eq!(ranged.lines().count(), 2, "{ranged}");

    let show = ok(d, &["show", "dddd"]);
    assert!(
        show.starts_with("Rev: dddddddddddd (head) (mergepoint)\n"),
        "{show}"
    );
    assert!(
        show.contains("Merges: bbbbbbbbbbbb, cccccccccccc"),
        "{show}"
    );
    assert!(show.contains("    join"), "{show}");

    // Now `head` is unambiguous again.
    ok(d, &["upgrade", "head", "--sql", "--dialect", "sqlite"]);
}

#[test]
fn branch_labels_and_new_bases() {
    let p = project();
    let d = p.path();
    ok(d, &["revision", "-m", "app", "--rev-id", "aaaaaaaaaaaa"]);
    ok(
        d,
        &[
            "revision",
            "-m",
            "billing",
            "--rev-id",
            "b1b1b1b1b1b1",
            "--head",
            "base",
            "--branch-label",
            "billing",
        ],
    );
    ok(
        d,
        &[
            "revision",
            "-m",
            "billing 2",
            "--rev-id",
            "b2b2b2b2b2b2",
            "--head",
            "billing@head",
        ],
    );
    assert_eq!(
        ok(d, &["heads"]),
        "aaaaaaaaaaaa (head)\nb2b2b2b2b2b2 (billing) (head)\n"
    );
    let show = ok(d, &["show", "billing@head"]);
    assert!(show.contains("Branch names: billing"), "{show}");
    let sql = ok(
        d,
        &["upgrade", "billing@head", "--sql", "--dialect", "postgres"],
    );
    assert!(
        sql.contains("INSERT INTO \"alembic_version\"") && sql.contains("b1b1b1b1b1b1"),
        "{sql}"
    );
    assert!(
        !sql.contains("aaaaaaaaaaaa"),
        "upgrading one branch ran the other:\n{sql}"
    );
}

#[test]
fn show_lists_operations_of_the_example() {
    let out = ok(&repo_root(), &["show", "b10900000001"]);
    assert!(out.contains("- create table `users`"), "{out}");
    assert!(out.contains("- drop table `users` [destructive]"), "{out}");
}

#[test]
fn init_refuses_to_overwrite() {
    let p = project();
    let e = fails(p.path(), &["init"], 2);
    assert!(e.contains("already exists"), "{e}");
}

/// `history -r -N:`, the example of `history --help`, in each spelling.
#[test]
fn history_ranges_count_down_from_the_head() {
    let p = project();
    let d = p.path();
    for (i, id) in [
        "aaaaaaaaaaaa",
        "bbbbbbbbbbbb",
        "cccccccccccc",
        "dddddddddddd",
    ]
    .iter()
    .enumerate()
    {
        ok(d, &["revision", "-m", &format!("r{i}"), "--rev-id", id]);
    }
    assert!(ok(d, &["history", "--help"]).contains("`-3:`"));
    for args in [
        &["history", "-r", "-2:"][..],
        &["history", "-r=-2:"],
        &["history", "-r-2:"],
        &["history", "--rev-range", "-2:"],
        &["history", "-r", "-2:head"],
    ] {
        let shown = ok(d, args);
        let ids: Vec<&str> = shown
            .lines()
            .map(|l| {
                l.split(" -> ")
                    .nth(1)
                    .unwrap()
                    .split([' ', ','])
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            ids,
            ["dddddddddddd", "cccccccccccc", "bbbbbbbbbbbb"],
            "{args:?}\n{shown}"
        );
    }
    let upto = ok(d, &["history", "-r", ":-3"]);
    assert_eq!(upto.lines().count(), 1, "{upto}");
    let e = fails(d, &["history", "-r", "-9:"], 2);
    assert!(e.contains("-9"), "{e}");
}
