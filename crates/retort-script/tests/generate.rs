//! New revisions and merges, with Alembic's rules for parents and ids.

mod support;

use chrono::{TimeZone, Utc};
use retort_script::{
    NewRevision, Script, ScriptError, file_name, generate_revision, merge, slugify,
};
use support::Dir;

fn new(message: &str) -> NewRevision {
    NewRevision {
        message: message.to_owned(),
        create_date: Some(Utc.with_ymd_and_hms(2026, 11, 21, 14, 30, 5).unwrap()),
        ..NewRevision::default()
    }
}

fn with_id(message: &str, id: &str) -> NewRevision {
    NewRevision {
        rev_id: Some(id.to_owned()),
        ..new(message)
    }
}

fn reload(d: &Dir) -> Script {
    Script::load(d.root()).unwrap()
}

#[test]
fn first_revision_is_a_base_named_by_the_template() {
    let d = Dir::new();
    let rev = generate_revision(&reload(&d), new("Add user bio")).unwrap();
    assert!(rev.down_revisions.is_empty());
    assert_eq!(rev.id.len(), 12);
    assert!(
        rev.id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    let name = rev.path.file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(
        name,
        format!("20261121_143005_{}_add_user_bio.toml", rev.id)
    );
    assert_eq!(reload(&d).heads(), [rev.id.as_str()]);
}

#[test]
fn next_revision_follows_the_head() {
    let d = Dir::new();
    generate_revision(&reload(&d), with_id("one", "aaaa")).unwrap();
    let b = generate_revision(&reload(&d), with_id("two", "bbbb")).unwrap();
    assert_eq!(b.down_revisions, ["aaaa"]);
    let s = reload(&d);
    assert_eq!(s.heads(), ["bbbb"]);
    assert_eq!(s.get("bbbb").unwrap(), &b);
}

#[test]
fn several_heads_need_head_flag() {
    let d = Dir::new();
    d.rev("a").rev("b <- a").rev("c <- a");
    let e = generate_revision(&reload(&d), new("x")).unwrap_err();
    assert!(matches!(e, ScriptError::MultipleHeads { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("`b`, `c`") && msg.contains("--head"), "{msg}");
    let r = generate_revision(
        &reload(&d),
        NewRevision {
            head: Some("c".into()),
            ..with_id("x", "dddd")
        },
    )
    .unwrap();
    assert_eq!(r.down_revisions, ["c"]);
}

#[test]
fn head_that_is_not_a_head_needs_splice() {
    let d = Dir::new();
    d.rev("a").rev("b <- a");
    let spliced = |splice| NewRevision {
        head: Some("a".into()),
        splice,
        ..with_id("x", "cccc")
    };
    let e = generate_revision(&reload(&d), spliced(false)).unwrap_err();
    assert!(matches!(e, ScriptError::NotAHead { .. }), "{e:?}");
    assert!(e.to_string().contains("--splice"), "{e}");
    generate_revision(&reload(&d), spliced(true)).unwrap();
    assert_eq!(reload(&d).heads(), ["b", "cccc"]);
}

#[test]
fn head_base_starts_a_new_branch_with_a_label() {
    let d = Dir::new();
    d.rev("a");
    let r = generate_revision(
        &reload(&d),
        NewRevision {
            head: Some("base".into()),
            branch_labels: vec!["billing".into()],
            ..with_id("billing", "bbbb")
        },
    )
    .unwrap();
    assert!(r.down_revisions.is_empty());
    let s = reload(&d);
    assert_eq!(s.bases(), ["a", "bbbb"]);
    assert_eq!(s.resolve_one("billing@head").unwrap().id, "bbbb");
    // The label is taken now.
    let e = generate_revision(
        &s,
        NewRevision {
            head: Some("base".into()),
            branch_labels: vec!["billing".into()],
            ..new("again")
        },
    )
    .unwrap_err();
    assert!(matches!(e, ScriptError::BranchLabelTaken { .. }), "{e:?}");
}

#[test]
fn rev_id_is_validated_and_unique() {
    let d = Dir::new();
    d.rev("aaaa");
    for bad in ["ABC", "a-b", "", "head"] {
        let e = generate_revision(&reload(&d), with_id("x", bad)).unwrap_err();
        assert!(
            matches!(e, ScriptError::BadNewRevisionId { .. }),
            "{bad}: {e:?}"
        );
    }
    let e = generate_revision(&reload(&d), with_id("x", "aaaa")).unwrap_err();
    assert!(matches!(e, ScriptError::RevisionIdTaken { .. }), "{e:?}");
}

#[test]
fn depends_on_resolves_prefixes_and_keeps_labels() {
    let d = Dir::new();
    d.rev("a").rev("xyzw0001 @other");
    let r = generate_revision(
        &reload(&d),
        NewRevision {
            head: Some("a".into()),
            depends_on: vec!["xyzw".into()],
            ..with_id("x", "cccc")
        },
    )
    .unwrap();
    assert_eq!(r.depends_on, ["xyzw0001"]);
    let r = generate_revision(
        &reload(&d),
        NewRevision {
            head: Some("cccc".into()),
            depends_on: vec!["other".into()],
            ..with_id("y", "dddd")
        },
    )
    .unwrap();
    assert_eq!(r.depends_on, ["other"]);
}

#[test]
fn merge_heads_writes_an_empty_merge() {
    let d = Dir::new();
    d.rev("a").rev("b <- a").rev("c <- a");
    let m = merge(&reload(&d), &["heads"], "merge").unwrap();
    assert_eq!(m.down_revisions, ["b", "c"]);
    assert!(m.upgrade.is_empty() && m.downgrade.is_empty());
    let s = reload(&d);
    assert_eq!(s.heads(), [m.id.as_str()]);
    assert_eq!(s.merge_points(), [m.id.as_str()]);
    let e = merge(&s, &["heads"], "again").unwrap_err();
    assert!(matches!(e, ScriptError::MergeNeedsTwo { .. }), "{e:?}");
}

#[test]
fn merge_named_revisions() {
    let d = Dir::new();
    d.rev("a").rev("bbbb <- a").rev("cccc <- a");
    let m = merge(&reload(&d), &["cccc", "bb"], "m").unwrap();
    assert_eq!(m.down_revisions, ["cccc", "bbbb"]);
}

#[test]
fn slugs_follow_alembic() {
    for (message, slug) in [
        ("add user bio", "add_user_bio"),
        ("Add User's Bio!", "add_user_s_bio"),
        ("  spaced   out  ", "spaced_out"),
        ("", ""),
        (
            "this message is much longer than forty characters in total",
            "this_message_is_much_longer_than_forty_",
        ),
        ("a_b-c", "a_b_c"),
    ] {
        assert_eq!(slugify(message), slug, "{message:?}");
    }
}

#[test]
fn file_templates() {
    let date = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let name = |t| file_name(t, "abc", "Hello world", date);
    assert_eq!(
        name("{year}{month}{day}_{hour}{minute}{second}_{rev}_{slug}").unwrap(),
        "20260102_030405_abc_hello_world"
    );
    assert_eq!(name("{rev}_{slug}").unwrap(), "abc_hello_world");
    assert_eq!(name("{epoch}").unwrap(), date.timestamp().to_string());
    for bad in ["{revision}", "{rev", "a/{rev}", ".{rev}"] {
        let e = name(bad).unwrap_err();
        assert!(
            matches!(e, ScriptError::BadFileTemplate { .. }),
            "{bad}: {e:?}"
        );
    }
}

#[test]
fn existing_file_is_not_overwritten() {
    let d = Dir::new();
    let opts = NewRevision {
        file_template: Some("fixed".into()),
        ..with_id("x", "aaaa")
    };
    generate_revision(&reload(&d), opts.clone()).unwrap();
    let again = NewRevision {
        head: Some("aaaa".into()),
        rev_id: Some("bbbb".into()),
        ..opts
    };
    let e = generate_revision(&reload(&d), again).unwrap_err();
    assert!(e.to_string().contains("fixed.toml"), "{e}");
}

#[test]
fn the_revision_returned_is_the_file_as_read_back() {
    let d = Dir::new();
    let op = retort_core::Operation::DropTable {
        table: "old".into(),
    };
    let rev = generate_revision(
        &reload(&d),
        NewRevision {
            upgrade: vec![op.clone(), op],
            ..with_id("drop", "aaaa")
        },
    )
    .unwrap();
    assert_eq!(rev.upgrade_lines.len(), 2, "lines of the written file");
    let read = reload(&d);
    let back = read.get("aaaa").unwrap();
    assert_eq!(&rev, back);
    assert_eq!(rev.upgrade_lines, back.upgrade_lines);
    assert_eq!(rev.checksum(), back.checksum());
}

#[test]
fn a_graph_with_a_new_revision_chains_the_next_one() {
    let d = Dir::new();
    let a = generate_revision(&reload(&d), with_id("one", "aaaa")).unwrap();
    let graph = reload(&d).with_graph_of(&a).unwrap_err();
    assert!(
        matches!(graph, ScriptError::DuplicateRevision { ref id, .. } if id == "aaaa"),
        "{graph}"
    );
    // On the script as it was before `a` was written, the graph knows `a`.
    let before = Script::from_revisions(d.root().to_owned(), Vec::new()).unwrap();
    let graph = before.with_graph_of(&a).unwrap();
    assert_eq!(graph.heads(), ["aaaa"]);
    let b = generate_revision(
        &graph,
        NewRevision {
            head: Some("aaaa".into()),
            ..with_id("two", "bbbb")
        },
    )
    .unwrap();
    assert_eq!(b.down_revisions, ["aaaa"]);
    assert_eq!(reload(&d).heads(), ["bbbb"]);
}
