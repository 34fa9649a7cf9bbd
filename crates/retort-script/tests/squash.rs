//! Squashed revisions (`replaces`): which graph a database follows, the
//! version-table statements in each case, and `squash` / `prune` on files.

use retort_script::{Direction, Script, SquashRequest, VersionChange, check_prune, prune, squash};

const A: &str = r#"revision = "a"
message = "users"
[[upgrade]]
op = "create_table"
table = "users"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[downgrade]]
op = "drop_table"
table = "users"
"#;

const B: &str = r#"revision = "b"
down_revision = "a"
message = "posts"
[[upgrade]]
op = "create_table"
table = "posts"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[downgrade]]
op = "drop_table"
table = "posts"
"#;

const C: &str = r#"revision = "c"
down_revision = "b"
message = "posts.title"
[[upgrade]]
op = "add_column"
table = "posts"
column = { name = "title", type = "varchar(50)" }
[[downgrade]]
op = "drop_column"
table = "posts"
column = "title"
"#;

const D: &str = r#"revision = "d"
down_revision = "c"
message = "wider title"
[[upgrade]]
op = "alter_column"
table = "posts"
column = "title"
type = "varchar(200)"
nullable = true
[[downgrade]]
op = "alter_column"
table = "posts"
column = "title"
type = "varchar(50)"
nullable = false
"#;

const E: &str = r#"revision = "e"
down_revision = "d"
message = "tags"
[[upgrade]]
op = "create_table"
table = "tags"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[downgrade]]
op = "drop_table"
table = "tags"
"#;

fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs_err::create_dir_all(tmp.path().join("versions")).unwrap();
    for (name, text) in files {
        fs_err::write(tmp.path().join("versions").join(name), text).unwrap();
    }
    tmp
}

fn chain() -> tempfile::TempDir {
    dir(&[
        ("1_a.toml", A),
        ("2_b.toml", B),
        ("3_c.toml", C),
        ("4_d.toml", D),
        ("5_e.toml", E),
    ])
}

fn cur(c: &str) -> Vec<String> {
    c.split_whitespace().map(str::to_owned).collect()
}

/// `rev:up[from>to]` words, as in `plan.rs`.
fn show(plan: &retort_script::Plan) -> String {
    plan.steps
        .iter()
        .map(|s| {
            let dir = if s.direction == Direction::Up {
                "up"
            } else {
                "down"
            };
            let v: Vec<String> = s
                .version
                .iter()
                .map(|c| match c {
                    VersionChange::Insert(r) => format!("+{r}"),
                    VersionChange::Delete(r) => format!("-{r}"),
                    VersionChange::Update { from, to } => format!("{from}>{to}"),
                })
                .collect();
            format!("{}:{dir}[{}]", s.revision, v.join(" "))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn squash_bd(tmp: &tempfile::TempDir) -> Script {
    let script = Script::load(tmp.path()).unwrap();
    let done = squash(
        &script,
        SquashRequest {
            range: "b:d".into(),
            message: "posts".into(),
            rev_id: Some("s".into()),
            ..SquashRequest::default()
        },
    )
    .unwrap();
    assert_eq!(done.replaced, ["b", "c", "d"]);
    assert_eq!(done.repointed.len(), 1, "e is re-pointed");
    assert!(done.unfolded.is_empty());
    Script::load(tmp.path()).unwrap()
}

#[test]
fn squash_writes_one_folded_revision_and_repoints_the_child() {
    let tmp = chain();
    let script = squash_bd(&tmp);
    let s = script.get("s").unwrap();
    assert_eq!(s.down_revisions, ["a"]);
    assert_eq!(s.replaces, ["b", "c", "d"]);
    // create + add + alter became one create, with the altered column.
    assert_eq!(s.upgrade.len(), 1, "{:?}", s.upgrade);
    let text = fs_err::read_to_string(&s.path).unwrap();
    assert!(text.contains("replaces = [\"b\", \"c\", \"d\"]"), "{text}");
    assert!(text.contains("varchar(200)"), "{text}");
    assert!(!text.contains("add_column"), "{text}");
    // The downgrade drops the table (the column's undo folds into it).
    assert_eq!(s.downgrade.len(), 1, "{:?}", s.downgrade);
    assert_eq!(s.downgrade[0].kind(), "drop_table");
    // `e` now points at `s`, with the same checksum.
    let e = script.get("e").unwrap();
    assert_eq!(e.down_revisions, ["s"]);
    assert_eq!(script.heads(), ["e"]);
    assert_eq!(script.replaced_by("c").unwrap().id, "s");
    let listed: Vec<&str> = script
        .history_with_replaced()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(listed, ["e", "s", "d", "c", "b", "a"]);
    let history: Vec<&str> = script.history().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(history, ["e", "s", "a"]);
}

#[test]
fn new_database_runs_the_squash_and_one_inside_the_range_the_originals() {
    let tmp = chain();
    let script = squash_bd(&tmp);
    let up = |c: &str, t: &str| show(&script.upgrade_plan(&cur(c), t).unwrap());
    let down = |c: &str, t: &str| show(&script.downgrade_plan(&cur(c), t).unwrap());
    assert_eq!(up("", "head"), "a:up[+a] s:up[a>s] e:up[s>e]");
    assert_eq!(up("a", "head"), "s:up[a>s] e:up[s>e]");
    // Inside the range: through the originals, and `e` follows `d`.
    assert_eq!(up("b", "head"), "c:up[b>c] d:up[c>d] e:up[d>e]");
    assert_eq!(up("d", "head"), "e:up[d>e]");
    // A target inside the range from before it: the originals.
    assert_eq!(up("a", "c"), "b:up[a>b] c:up[b>c]");
    // Downgrades through the range, either way.
    assert_eq!(down("e", "a"), "e:down[e>s] s:down[s>a]");
    assert_eq!(down("c", "a"), "c:down[c>b] b:down[b>a]");
    assert_eq!(down("e", "c"), "e:down[e>d] d:down[d>c]");
    // The squashed revision as a target from inside the range: its end.
    assert_eq!(up("b", "s"), "c:up[b>c] d:up[c>d]");
    // At the squash, a target inside its range cannot be reached.
    let e = script.downgrade_plan(&cur("s"), "c").unwrap_err();
    assert!(e.to_string().contains("inside the range"), "{e}");
}

#[test]
fn applied_sets_and_schemas_agree_either_way() {
    let tmp = chain();
    let script = squash_bd(&tmp);
    let ids = |c: &str| {
        let mut v: Vec<String> = script
            .applied_with_replaced(&cur(c))
            .unwrap()
            .into_iter()
            .map(str::to_owned)
            .collect();
        v.sort();
        v.join(" ")
    };
    assert_eq!(ids("c"), "a b c");
    assert_eq!(ids("d"), "a b c d s");
    assert_eq!(ids("s"), "a b c d s");
    assert_eq!(ids("e"), "a b c d e s");
    let order = |c: &str| {
        script
            .applied_in_order(&cur(c))
            .unwrap()
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(order("e"), "a s e");
    assert_eq!(order("c"), "a b c");
    assert_eq!(order("d"), "a b c d");
}

#[test]
fn squash_refuses_what_it_cannot_fold() {
    let tmp = chain();
    let script = Script::load(tmp.path()).unwrap();
    let err = |range: &str| {
        squash(
            &script,
            SquashRequest {
                range: range.into(),
                message: "m".into(),
                ..SquashRequest::default()
            },
        )
        .unwrap_err()
        .to_string()
    };
    assert!(err("d:b").contains("is not an ancestor"), "{}", err("d:b"));
    assert!(err("b:b").contains("one revision"), "{}", err("b:b"));
    assert!(err("b").contains("`FROM:TO`"), "{}", err("b"));
    // A branch inside the range.
    let tmp = chain();
    fs_err::write(
        tmp.path().join("versions/6_f.toml"),
        "revision = \"f\"\ndown_revision = \"c\"\n",
    )
    .unwrap();
    let script = Script::load(tmp.path()).unwrap();
    let e = squash(
        &script,
        SquashRequest {
            range: "b:d".into(),
            ..SquashRequest::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`c` is a branch point"), "{e}");
    // An irreversible step.
    let tmp = chain();
    fs_err::write(
        tmp.path().join("versions/3_c.toml"),
        C.replace(
            "[[downgrade]]\nop = \"drop_column\"\ntable = \"posts\"\ncolumn = \"title\"\n",
            "[[downgrade]]\nop = \"irreversible\"\nreason = \"data\"\n",
        ),
    )
    .unwrap();
    let script = Script::load(tmp.path()).unwrap();
    let e = squash(
        &script,
        SquashRequest {
            range: "b:d".into(),
            ..SquashRequest::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("irreversible downgrade step (data)"), "{e}");
    assert!(e.contains("3_c.toml"), "{e}");
    // Nothing was written.
    assert_eq!(
        fs_err::read_dir(tmp.path().join("versions"))
            .unwrap()
            .count(),
        5
    );
}

#[test]
fn bad_replaces_name_the_file() {
    let s = "revision = \"s\"\ndown_revision = \"a\"\nreplaces = [\"c\", \"b\"]\n";
    let tmp = dir(&[
        ("1_a.toml", A),
        ("2_b.toml", B),
        ("3_c.toml", C),
        ("9_s.toml", s),
    ]);
    let e = Script::load(tmp.path()).unwrap_err().to_string();
    assert!(e.contains("9_s.toml") && e.contains("straight run"), "{e}");
    // Some replaced files gone, some present: an interrupted prune.
    let s = "revision = \"s\"\ndown_revision = \"a\"\nreplaces = [\"b\", \"x\"]\n";
    let tmp = dir(&[("1_a.toml", A), ("2_b.toml", B), ("9_s.toml", s)]);
    let e = Script::load(tmp.path()).unwrap_err().to_string();
    assert!(e.contains("`x`") && e.contains("interrupted"), "{e}");
    // All gone: an ordinary revision.
    let s = "revision = \"s\"\ndown_revision = \"a\"\nreplaces = [\"x\", \"y\"]\n";
    let tmp = dir(&[("1_a.toml", A), ("9_s.toml", s)]);
    assert_eq!(Script::load(tmp.path()).unwrap().heads(), ["s"]);
}

#[test]
fn prune_needs_the_database_at_or_past_the_squash() {
    let tmp = chain();
    let script = squash_bd(&tmp);
    for (heads, says) in [
        ("", "at base"),
        ("a", "before `s`"),
        ("c", "inside the range"),
        ("d", "retort stamp s"),
    ] {
        let e = check_prune(&script, "s", &cur(heads))
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "[{heads}]: {e}");
    }
    check_prune(&script, "s", &cur("s")).unwrap();
    check_prune(&script, "s", &cur("e")).unwrap();
    let done = prune(&script, "s").unwrap();
    assert_eq!(done.deleted.len(), 3);
    let script = Script::load(tmp.path()).unwrap();
    let s = script.get("s").unwrap();
    assert!(s.replaces.is_empty());
    assert!(script.get("c").is_none());
    let ids: Vec<&str> = script.history().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["e", "s", "a"]);
    let text = fs_err::read_to_string(&s.path).unwrap();
    assert!(!text.contains("replaces ="), "{text}");
}
