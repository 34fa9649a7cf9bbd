//! The graph (heads, bases, branch and merge points, labels, history) and
//! target resolution.

mod support;

use retort_script::{Script, TargetError};
use support::graph;

#[track_caller]
fn resolves(s: &Script, spec: &str, expect: &[&str]) {
    let got: Vec<&str> = s
        .resolve(spec)
        .unwrap_or_else(|e| panic!("{spec}: {e}"))
        .into_iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(got, expect, "{spec}");
}

#[track_caller]
fn fails(s: &Script, spec: &str) -> TargetError {
    s.resolve(spec)
        .map(|r| {
            panic!(
                "{spec} resolved to {:?}",
                r.iter().map(|r| &r.id).collect::<Vec<_>>()
            )
        })
        .unwrap_err()
}

#[test]
fn linear_graph() {
    let (_d, s) = graph(&["a", "b <- a", "c <- b"]);
    assert_eq!(s.heads(), ["c"]);
    assert_eq!(s.bases(), ["a"]);
    assert!(s.branch_points().is_empty());
    assert!(s.merge_points().is_empty());
    let hist: Vec<&str> = s.history().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(hist, ["c", "b", "a"]);
    let topo: Vec<&str> = s.topological().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(topo, ["a", "b", "c"]);
}

#[test]
fn branched_with_head_on_a_base() {
    // `revision --head base` starts a second base.
    let (_d, s) = graph(&["a", "b <- a", "x", "y <- x"]);
    assert_eq!(s.heads(), ["b", "y"]);
    assert_eq!(s.bases(), ["a", "x"]);
    let hist: Vec<&str> = s.history().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(hist, ["b", "a", "y", "x"]);
}

#[test]
fn branch_and_merge_points() {
    let (_d, s) = graph(&["a", "b <- a", "c <- a", "m <- b c"]);
    assert_eq!(s.heads(), ["m"]);
    assert_eq!(s.branch_points(), ["a"]);
    assert_eq!(s.merge_points(), ["m"]);
    assert_eq!(s.children("a"), ["b", "c"]);
    let hist: Vec<&str> = s.history().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(hist, ["m", "b", "c", "a"]);
}

#[test]
fn depends_on_does_not_make_a_merge() {
    let (_d, s) = graph(&["a", "b <- a ~x", "x"]);
    // x is only depended on: it stays a head, b is not a merge point.
    assert_eq!(s.heads(), ["b", "x"]);
    assert!(s.merge_points().is_empty());
    // ...but it is applied before b.
    let topo: Vec<&str> = s.topological().iter().map(|r| r.id.as_str()).collect();
    let pos = |id| topo.iter().position(|t| *t == id).unwrap();
    assert!(pos("x") < pos("b"), "{topo:?}");
}

#[test]
fn labels_apply_to_the_branch() {
    let (_d, s) = graph(&["a1 @main", "a2 <- a1", "b1 @billing", "b2 <- b1"]);
    assert_eq!(s.branch_labels(), ["billing", "main"]);
    assert_eq!(s.labels_of("a2"), ["main"]);
    assert_eq!(s.labels_of("b1"), ["billing"]);
    assert_eq!(s.labels_of("b2"), ["billing"]);
    resolves(&s, "billing@head", &["b2"]);
    resolves(&s, "billing@heads", &["b2"]);
    resolves(&s, "billing@base", &["b1"]);
    resolves(&s, "main@base", &["a1"]);
    resolves(&s, "billing", &["b1"]);
    resolves(&s, "billing@b2", &["b2"]);
    resolves(&s, "billing@+1", &["b1"]);
    resolves(&s, "billing@+2", &["b2"]);
    resolves(&s, "main@a1+1", &["a2"]);
    resolves(&s, "heads", &["a2", "b2"]);
    assert!(matches!(
        fails(&s, "nope@head"),
        TargetError::UnknownBranch { .. }
    ));
    assert!(matches!(
        fails(&s, "billing@a2"),
        TargetError::NotOnBranch { .. }
    ));
    assert!(matches!(
        fails(&s, "billing@+3"),
        TargetError::WalkedTooFar { .. }
    ));
}

#[test]
fn label_on_a_later_revision_reaches_back_to_the_branch_point() {
    // Label on c (child of branch point a): c and d get it, a does not.
    let (_d, s) = graph(&["a", "b <- a", "c <- a @feature", "d <- c"]);
    assert_eq!(s.labels_of("c"), ["feature"]);
    assert_eq!(s.labels_of("d"), ["feature"]);
    assert!(s.labels_of("a").is_empty());
    assert!(s.labels_of("b").is_empty());
    resolves(&s, "feature@head", &["d"]);
}

fn prefixed() -> (support::Dir, Script) {
    graph(&[
        "ae1000000001",
        "ae2000000002 <- ae1000000001",
        "bf3000000003 <- ae2000000002",
    ])
}

#[test]
fn grammar_forms() {
    let (_d, s) = prefixed();
    resolves(&s, "head", &["bf3000000003"]);
    resolves(&s, "heads", &["bf3000000003"]);
    resolves(&s, "base", &[]);
    resolves(&s, "ae2000000002", &["ae2000000002"]);
    resolves(&s, "ae1", &["ae1000000001"]);
    resolves(&s, "b", &["bf3000000003"]);
    resolves(&s, "+1", &["ae1000000001"]);
    resolves(&s, "+3", &["bf3000000003"]);
    resolves(&s, "ae1+1", &["ae2000000002"]);
    resolves(&s, "ae1+2", &["bf3000000003"]);
    resolves(&s, "bf3-2", &["ae1000000001"]);
    resolves(&s, "bf3-3", &[]);
    resolves(&s, "head-1", &["ae2000000002"]);
    resolves(&s, "heads-1", &["ae2000000002"]);
    assert_eq!(s.resolve_one("ae2").unwrap().id, "ae2000000002");
}

#[test]
fn ambiguous_prefix_lists_candidates() {
    let (_d, s) = prefixed();
    let e = fails(&s, "ae");
    assert_eq!(
        e,
        TargetError::AmbiguousPrefix {
            prefix: "ae".into(),
            candidates: vec!["ae1000000001".into(), "ae2000000002".into()],
        }
    );
    let msg = e.to_string();
    assert!(msg.contains("`ae1000000001`, `ae2000000002`"), "{msg}");
    assert!(msg.contains("hint:"), "{msg}");
}

#[test]
fn unknown_and_bad_targets() {
    let (_d, s) = prefixed();
    let e = fails(&s, "zz");
    assert!(matches!(e, TargetError::UnknownRevision { .. }), "{e:?}");
    assert!(
        e.to_string().contains("`zz`") && e.to_string().contains("hint:"),
        "{e}"
    );
    assert!(matches!(
        fails(&s, "bf3+1"),
        TargetError::WalkedTooFar { .. }
    ));
    assert!(matches!(
        fails(&s, "bf3-4"),
        TargetError::WalkedTooFar { .. }
    ));
    assert!(matches!(fails(&s, "+4"), TargetError::WalkedTooFar { .. }));
    assert!(matches!(fails(&s, "a b"), TargetError::Syntax { .. }));
    assert!(matches!(fails(&s, "ae1+x"), TargetError::Syntax { .. }));
    assert!(matches!(
        fails(&s, "zz+1"),
        TargetError::UnknownRevision { .. }
    ));
}

#[test]
fn ambiguous_walk_at_a_branch_point() {
    let (_d, s) = graph(&["a", "b <- a", "c <- a"]);
    let e = fails(&s, "a+1");
    assert!(matches!(e, TargetError::AmbiguousWalk { .. }), "{e:?}");
    assert!(e.to_string().contains("`b`, `c`"), "{e}");
    assert!(matches!(
        fails(&s, "head"),
        TargetError::MultipleHeads { .. }
    ));
    assert!(matches!(
        s.resolve_one("heads"),
        Err(TargetError::MultipleHeads { .. })
    ));
}
