//! How revisions are printed, after Alembic's `history`, `heads` and `show`.

use std::fmt::Write;

use retort_script::{Revision, Script};

/// ` (label) (head) (branchpoint) (mergepoint)` as Alembic writes them.
pub fn status(script: &Script, rev: &Revision) -> String {
    let mut s = String::new();
    let labels = script.labels_of(&rev.id);
    if !labels.is_empty() {
        let _ = write!(s, " ({})", labels.join(", "));
    }
    if script.is_head(&rev.id) {
        s.push_str(" (head)");
    }
    if script.children(&rev.id).len() > 1 {
        s.push_str(" (branchpoint)");
    }
    if rev.down_revisions.len() > 1 {
        s.push_str(" (mergepoint)");
    }
    s
}

fn parents(rev: &Revision) -> String {
    match rev.down_revisions.as_slice() {
        [] => "<base>".to_owned(),
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}

/// `parent -> rev (head), message`.
pub fn line(script: &Script, rev: &Revision) -> String {
    format!(
        "{} -> {}{}, {}",
        parents(rev),
        rev.id,
        status(script, rev),
        first_line(&rev.message)
    )
}

fn first_line(msg: &str) -> &str {
    msg.lines().next().unwrap_or("")
}

/// The long form of `history -v`, `heads -v` and `show`.
pub fn verbose(script: &Script, rev: &Revision, with_ops: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Rev: {}{}", rev.id, status(script, rev));
    if rev.down_revisions.len() > 1 {
        let _ = writeln!(s, "Merges: {}", rev.down_revisions.join(", "));
    } else {
        let _ = writeln!(s, "Parent: {}", parents(rev));
    }
    let labels = script.labels_of(&rev.id);
    if !labels.is_empty() {
        let _ = writeln!(s, "Branch names: {}", labels.join(", "));
    }
    if !rev.depends_on.is_empty() {
        let _ = writeln!(s, "Also depends on: {}", rev.depends_on.join(", "));
    }
    let children = script.children(&rev.id);
    if children.len() > 1 {
        let _ = writeln!(s, "Branches into: {}", children.join(", "));
    }
    let _ = writeln!(s, "Path: {}", rev.path.display());
    let _ = writeln!(s);
    for l in rev.message.lines() {
        let _ = writeln!(s, "    {l}");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "    Revision ID: {}", rev.id);
    let _ = writeln!(s, "    Revises: {}", rev.down_revisions.join(", "));
    if let Some(d) = rev.create_date {
        let _ = writeln!(s, "    Create Date: {}", d.format("%Y-%m-%d %H:%M:%S%:z"));
    }
    if with_ops {
        for (title, ops) in [("Upgrade", &rev.upgrade), ("Downgrade", &rev.downgrade)] {
            let _ = writeln!(s, "\n{title}:");
            if ops.is_empty() {
                let _ = writeln!(s, "    (nothing)");
            }
            for op in ops {
                let mark = if op.is_destructive() {
                    crate::style::destructive_mark(crate::style::Stream::Stdout)
                } else {
                    String::new()
                };
                let _ = writeln!(s, "    - {}{mark}", op.describe());
            }
        }
    }
    s
}
