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
    let replaced = script.replaced_of(&rev.id);
    if let (Some(first), Some(last)) = (replaced.first(), replaced.last()) {
        let _ = write!(
            s,
            " (squashes {} revisions: {}..{})",
            replaced.len(),
            first.id,
            last.id
        );
    }
    if let Some(by) = script.replaced_by(&rev.id) {
        let _ = write!(s, " (replaced by {})", by.id);
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

/// One revision as JSON, the shape `--format json` documents: `revision`,
/// `down_revisions`, `message`, `branch_labels`, `depends_on`, `path`,
/// `create_date` (RFC 3339 or null), `children`, `head`, `branch_point`,
/// `merge_point`, `replaces` (the revisions a squash stands for, while their
/// files are present) and `replaced_by` (the squash standing for it, or
/// null); with `with_ops`, `upgrade` and `downgrade` as the
/// operations' TOML keys.
pub fn json(script: &Script, rev: &Revision, with_ops: bool) -> serde_json::Value {
    let mut v = serde_json::json!({
        "revision": rev.id,
        "down_revisions": rev.down_revisions,
        "message": rev.message,
        "branch_labels": script.labels_of(&rev.id),
        "depends_on": rev.depends_on,
        "path": rev.path.display().to_string(),
        "create_date": rev.create_date.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "children": script.children(&rev.id),
        "head": script.is_head(&rev.id),
        "branch_point": script.children(&rev.id).len() > 1,
        "merge_point": rev.down_revisions.len() > 1,
        "replaces": script.replaced_of(&rev.id).iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        "replaced_by": script.replaced_by(&rev.id).map(|r| r.id.as_str()),
    });
    if with_ops {
        v["upgrade"] = serde_json::to_value(&rev.upgrade).expect("operations serialize to JSON");
        v["downgrade"] =
            serde_json::to_value(&rev.downgrade).expect("operations serialize to JSON");
    }
    v
}

/// A JSON array, pretty-printed, on stdout.
pub fn print_json(items: Vec<serde_json::Value>) -> Result<(), crate::error::CliError> {
    let text = serde_json::to_string_pretty(&serde_json::Value::Array(items)).expect("json");
    outln!("{text}")
}
