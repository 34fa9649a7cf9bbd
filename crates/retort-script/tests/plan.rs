//! Upgrade/downgrade plans, with the version-table statements Alembic's
//! `HeadMaintainer` issues (worked out from `alembic/runtime/migration.py`).

mod support;

use retort_script::{Direction, Script, TargetError};
use support::graph;

/// Renders a plan as `rev:up[+ins -del a>b]` words, then the heads after.
fn show(plan: &retort_script::Plan) -> String {
    let mut words: Vec<String> = plan
        .steps
        .iter()
        .map(|s| {
            let dir = match s.direction {
                Direction::Up => "up",
                Direction::Down => "down",
            };
            let v: Vec<String> = s
                .version
                .iter()
                .map(|c| match c {
                    retort_script::VersionChange::Insert(r) => format!("+{r}"),
                    retort_script::VersionChange::Delete(r) => format!("-{r}"),
                    retort_script::VersionChange::Update { from, to } => format!("{from}>{to}"),
                })
                .collect();
            format!("{}:{dir}[{}]", s.revision, v.join(" "))
        })
        .collect();
    words.push(format!("=> {}", plan.heads_after.join(",")));
    words.join(" ")
}

fn cur(c: &str) -> Vec<String> {
    c.split_whitespace().map(str::to_owned).collect()
}

#[track_caller]
fn up(s: &Script, current: &str, target: &str, expect: &str) {
    let plan = s
        .upgrade_plan(&cur(current), target)
        .unwrap_or_else(|e| panic!("upgrade {target} from [{current}]: {e}"));
    assert_eq!(show(&plan), expect, "upgrade {target} from [{current}]");
}

#[track_caller]
fn down(s: &Script, current: &str, target: &str, expect: &str) {
    let plan = s
        .downgrade_plan(&cur(current), target)
        .unwrap_or_else(|e| panic!("downgrade {target} from [{current}]: {e}"));
    assert_eq!(show(&plan), expect, "downgrade {target} from [{current}]");
}

#[track_caller]
fn up_err(s: &Script, current: &str, target: &str) -> TargetError {
    match s.upgrade_plan(&cur(current), target) {
        Ok(p) => panic!("upgrade {target} from [{current}] planned {}", show(&p)),
        Err(e) => e,
    }
}

#[track_caller]
fn down_err(s: &Script, current: &str, target: &str) -> TargetError {
    match s.downgrade_plan(&cur(current), target) {
        Ok(p) => panic!("downgrade {target} from [{current}] planned {}", show(&p)),
        Err(e) => e,
    }
}

fn linear() -> (support::Dir, Script) {
    graph(&["a", "b <- a", "c <- b"])
}

#[test]
fn linear_upgrade_from_empty_inserts_then_updates() {
    let (_d, s) = linear();
    up(&s, "", "head", "a:up[+a] b:up[a>b] c:up[b>c] => c");
    up(&s, "", "heads", "a:up[+a] b:up[a>b] c:up[b>c] => c");
    up(&s, "", "c", "a:up[+a] b:up[a>b] c:up[b>c] => c");
}

#[test]
fn linear_upgrade_relative_and_partial() {
    let (_d, s) = linear();
    up(&s, "a", "+1", "b:up[a>b] => b");
    up(&s, "", "+2", "a:up[+a] b:up[a>b] => b");
    up(&s, "a", "b", "b:up[a>b] => b");
    up(&s, "", "a+1", "a:up[+a] b:up[a>b] => b");
    up(&s, "", "c-1", "a:up[+a] b:up[a>b] => b");
    up(&s, "", "head-2", "a:up[+a] => a");
}

#[test]
fn linear_upgrade_nothing_to_do() {
    let (_d, s) = linear();
    up(&s, "c", "head", "=> c");
    up(&s, "c", "b", "=> c");
    up(&s, "", "base", "=> ");
}

#[test]
fn linear_upgrade_errors() {
    let (_d, s) = linear();
    assert!(matches!(
        up_err(&s, "a", "+3"),
        TargetError::WalkedTooFar { .. }
    ));
    assert!(matches!(up_err(&s, "c", "-1"), TargetError::Syntax { .. }));
    assert!(matches!(
        up_err(&s, "zzz", "head"),
        TargetError::UnknownCurrent { .. }
    ));
    assert!(matches!(
        up_err(&s, "", "nope"),
        TargetError::UnknownRevision { .. }
    ));
}

#[test]
fn linear_downgrade_updates_then_deletes_at_base() {
    let (_d, s) = linear();
    down(&s, "c", "-1", "c:down[c>b] => b");
    down(&s, "c", "-2", "c:down[c>b] b:down[b>a] => a");
    down(&s, "c", "-3", "c:down[c>b] b:down[b>a] a:down[-a] => ");
    down(&s, "c", "base", "c:down[c>b] b:down[b>a] a:down[-a] => ");
    down(&s, "c", "a", "c:down[c>b] b:down[b>a] => a");
    down(&s, "c", "b-1", "c:down[c>b] b:down[b>a] => a");
    down(&s, "b", "head-2", "b:down[b>a] => a");
    down(&s, "c", "c", "=> c");
}

#[test]
fn linear_downgrade_errors() {
    let (_d, s) = linear();
    assert!(matches!(
        down_err(&s, "c", "-4"),
        TargetError::WalkedTooFar { .. }
    ));
    assert!(matches!(
        down_err(&s, "", "-1"),
        TargetError::NoCurrent { .. }
    ));
    assert!(matches!(
        down_err(&s, "c", "+1"),
        TargetError::Syntax { .. }
    ));
    assert!(matches!(
        down_err(&s, "c", "heads"),
        TargetError::Syntax { .. }
    ));
    assert!(matches!(
        down_err(&s, "", "b"),
        TargetError::NotAnAncestor { .. }
    ));
}

/// a is a branch point: b and c both have `down_revision = "a"`.
fn branched() -> (support::Dir, Script) {
    graph(&["a", "b <- a", "c <- a"])
}

#[test]
fn branch_upgrade_heads_updates_first_child_inserts_second() {
    let (_d, s) = branched();
    // Alembic walks the heads newest-file-last, so `c` is upgraded before `b`.
    up(&s, "", "heads", "a:up[+a] c:up[a>c] b:up[+b] => c,b");
}

#[test]
fn branch_upgrade_second_child_inserts_when_parent_row_is_gone() {
    let (_d, s) = branched();
    up(&s, "b", "c", "c:up[+c] => b,c");
    up(&s, "a", "c", "c:up[a>c] => c");
    up(&s, "b", "heads", "c:up[+c] => b,c");
}

#[test]
fn branch_head_is_ambiguous() {
    let (_d, s) = branched();
    let e = up_err(&s, "", "head");
    assert_eq!(
        e,
        TargetError::MultipleHeads {
            spec: "head".into(),
            heads: vec!["b".into(), "c".into()],
            labels: vec![],
        }
    );
    let msg = e.to_string();
    assert!(msg.contains("`b`, `c`"), "{msg}");
    assert!(msg.contains("hint: type `heads`"), "{msg}");
    assert!(msg.contains("@head"), "{msg}");
}

#[test]
fn branch_downgrade_to_branch_point_deletes_then_updates() {
    let (_d, s) = branched();
    // b's parent a is still needed by head c: b's row is deleted.
    down(&s, "b c", "a", "b:down[-b] c:down[c>a] => a");
    down(&s, "b c", "base", "b:down[-b] c:down[c>a] a:down[-a] => ");
}

#[test]
fn branch_downgrade_one_branch() {
    let (_d, s) = branched();
    down(&s, "b c", "b@-1", "b:down[-b] => c");
    down(&s, "b c", "c@-1", "c:down[-c] => b");
    down(&s, "c", "-1", "c:down[c>a] => a");
    assert!(matches!(
        down_err(&s, "b c", "-1"),
        TargetError::AmbiguousCurrent { .. }
    ));
}

/// Two merges of the branch point `a`: m joins b and c; d follows m.
fn merged() -> (support::Dir, Script) {
    graph(&["a", "b <- a", "c <- a", "m <- b c", "d <- m"])
}

#[test]
fn merge_upgrade_deletes_all_but_last_parent_and_updates_it() {
    let (_d, s) = merged();
    up(&s, "b c", "m", "m:up[-b c>m] => m");
    up(&s, "b c", "head", "m:up[-b c>m] d:up[m>d] => d");
}

#[test]
fn merge_upgrade_from_one_branch_inserts_the_other_first() {
    let (_d, s) = merged();
    up(&s, "b", "head", "c:up[+c] m:up[-b c>m] d:up[m>d] => d");
    up(
        &s,
        "",
        "head",
        "a:up[+a] c:up[a>c] b:up[+b] m:up[-b c>m] d:up[m>d] => d",
    );
}

#[test]
fn unmerge_downgrade_inserts_parents_and_updates() {
    let (_d, s) = merged();
    down(&s, "d", "m", "d:down[d>m] => m");
    // Going below the merge restores both branches, as Alembic does.
    down(&s, "d", "b", "d:down[d>m] m:down[+b m>c] => c,b");
    down(&s, "m", "c", "m:down[+b m>c] => c,b");
}

#[test]
fn unmerge_downgrade_to_base() {
    let (_d, s) = merged();
    down(
        &s,
        "d",
        "base",
        "d:down[d>m] m:down[+b m>c] b:down[-b] c:down[c>a] a:down[-a] => ",
    );
}

#[test]
fn merge_point_relative_walk_is_ambiguous() {
    let (_d, s) = merged();
    let e = down_err(&s, "m", "-1");
    assert!(matches!(e, TargetError::AmbiguousWalk { .. }), "{e:?}");
    assert!(e.to_string().contains("`b`, `c`"), "{e}");
}

/// Two independent branches, each with a label on its base.
fn labelled() -> (support::Dir, Script) {
    graph(&["a1 @main", "a2 <- a1", "b1 @billing", "b2 <- b1"])
}

#[test]
fn labelled_upgrade_one_branch() {
    let (_d, s) = labelled();
    up(&s, "", "billing@head", "b1:up[+b1] b2:up[b1>b2] => b2");
    up(&s, "", "main@head", "a1:up[+a1] a2:up[a1>a2] => a2");
    up(&s, "a2", "billing@+1", "b1:up[+b1] => a2,b1");
    up(&s, "a2 b1", "billing@+1", "b2:up[b1>b2] => a2,b2");
    up(&s, "", "main@+2", "a1:up[+a1] a2:up[a1>a2] => a2");
}

#[test]
fn labelled_upgrade_heads_walks_each_branch() {
    let (_d, s) = labelled();
    up(
        &s,
        "",
        "heads",
        "b1:up[+b1] b2:up[b1>b2] a1:up[+a1] a2:up[a1>a2] => b2,a2",
    );
}

#[test]
fn labelled_head_error_suggests_a_label() {
    let (_d, s) = labelled();
    let e = up_err(&s, "", "head");
    let msg = e.to_string();
    assert!(msg.contains("`a2`, `b2`"), "{msg}");
    assert!(msg.contains("`billing@head`"), "{msg}");
}

#[test]
fn labelled_downgrade_one_branch() {
    let (_d, s) = labelled();
    down(&s, "a2 b2", "billing@-1", "b2:down[b2>b1] => a2,b1");
    down(
        &s,
        "a2 b2",
        "billing@base",
        "b2:down[b2>b1] b1:down[-b1] => a2",
    );
    down(
        &s,
        "a2 b2",
        "main@base",
        "a2:down[a2>a1] a1:down[-a1] => b2",
    );
}

/// c depends on x (another base) besides its parent b.
fn depends() -> (support::Dir, Script) {
    graph(&["a", "b <- a", "c <- b ~x", "x @other"])
}

#[test]
fn depends_on_upgrade_applies_the_dependency_first() {
    let (_d, s) = depends();
    // Alembic's bookkeeping treats the dependency like a merge parent.
    up(&s, "", "c", "x:up[+x] a:up[+a] b:up[a>b] c:up[-b x>c] => c");
    up(&s, "b", "c", "x:up[+x] c:up[-b x>c] => c");
    up(&s, "x", "c", "a:up[+a] b:up[a>b] c:up[-b x>c] => c");
}

#[test]
fn depends_on_downgrade() {
    let (_d, s) = depends();
    down(&s, "c", "b", "c:down[+b c>x] => x,b");
    // Removing x's branch removes c, which needs it.
    down(&s, "c", "other@base", "c:down[+b c>x] x:down[-x] => b");
}

#[test]
fn offline_ranges() {
    let (_d, s) = linear();
    let p = s.offline_plan(Direction::Up, "base:head").unwrap();
    assert_eq!(show(&p), "a:up[+a] b:up[a>b] c:up[b>c] => c");
    let p = s.offline_plan(Direction::Up, "a:c").unwrap();
    assert_eq!(show(&p), "b:up[a>b] c:up[b>c] => c");
    let p = s.offline_plan(Direction::Up, "head").unwrap();
    assert_eq!(show(&p), "a:up[+a] b:up[a>b] c:up[b>c] => c");
    let p = s.offline_plan(Direction::Down, "c:a").unwrap();
    assert_eq!(show(&p), "c:down[c>b] b:down[b>a] => a");
    let p = s.offline_plan(Direction::Down, "head:base").unwrap();
    assert_eq!(show(&p), "c:down[c>b] b:down[b>a] a:down[-a] => ");
    let e = s.offline_plan(Direction::Down, "base").unwrap_err();
    assert!(e.to_string().contains("hint: type `<from>:<to>`"), "{e}");

    let (_d, s) = branched();
    let p = s.offline_plan(Direction::Down, "heads:base").unwrap();
    assert_eq!(show(&p), "b:down[-b] c:down[c>a] a:down[-a] => ");
    // Several current heads as a comma list: the same as `heads`.
    let p = s.offline_plan(Direction::Down, "b,c:base").unwrap();
    assert_eq!(show(&p), "b:down[-b] c:down[c>a] a:down[-a] => ");
    let p = s.offline_plan(Direction::Up, "b:heads").unwrap();
    assert_eq!(show(&p), "c:up[+c] => b,c");
}
