//! `retort squash FROM:TO`: one revision that `replaces` a straight run of
//! revisions, and `retort squash --prune`, which deletes the replaced files
//! once no database needs them.

use std::path::PathBuf;

use chrono::{DateTime, SubsecRound, Utc};
use retort_core::{Operation, Replay, Schema, canonical, squash_operations};

use crate::generate::new_revision_id;
use crate::{DEFAULT_FILE_TEMPLATE, Revision, Script, ScriptError, file_name, render_revision};

/// What `retort squash FROM:TO` asks for.
#[derive(Debug, Clone, Default)]
pub struct SquashRequest {
    /// `FROM:TO`, both ends included.
    pub range: String,
    pub message: String,
    /// A chosen id; a random 12-hex id otherwise.
    pub rev_id: Option<String>,
    /// `file_template` from the config; [`DEFAULT_FILE_TEMPLATE`] otherwise.
    pub file_template: Option<String>,
    /// Defaults to now (whole seconds, UTC).
    pub create_date: Option<DateTime<Utc>>,
}

/// What `retort squash` wrote.
#[derive(Debug, Clone)]
pub struct Squashed {
    /// The new revision, as read back from its file.
    pub revision: Revision,
    /// The replaced revisions, in upgrade order.
    pub replaced: Vec<String>,
    /// Revisions after the range whose `down_revision` (or `depends_on`)
    /// named its end and now names the squashed revision, with their files.
    pub repointed: Vec<(String, PathBuf)>,
    /// Operations in the range (upgrade, downgrade) and in the squashed revision.
    pub operations_before: (usize, usize),
    pub operations_after: (usize, usize),
    /// A direction whose folded operations did not replay to the range's
    /// schema was written unfolded (a safeguard; names the direction).
    pub unfolded: Vec<&'static str>,
}

fn refuse(range: &str, reason: impl Into<String>) -> ScriptError {
    ScriptError::Squash {
        range: range.to_owned(),
        reason: reason.into(),
    }
}

/// Writes the squashed revision of `request.range` and re-points the
/// revisions after the range at it. Nothing is written when a check fails.
pub fn squash(script: &Script, request: SquashRequest) -> Result<Squashed, ScriptError> {
    let range = request.range.as_str();
    let Some((from, to)) = range.split_once(':') else {
        return Err(refuse(
            range,
            "a range is `FROM:TO`\nhint: e.g. `retort squash 1a2b:3c4d -m \"initial schema\"`; `retort history` lists the revisions",
        ));
    };
    if from.is_empty() || to.is_empty() {
        return Err(refuse(
            range,
            "both ends are needed (`FROM:TO`, both included)\nhint: `retort history` lists the revisions",
        ));
    }
    let from = script.resolve_one(from)?.id.clone();
    let to = script.resolve_one(to)?.id.clone();
    for end in [&from, &to] {
        if let Some(s) = script.replaced_by(end) {
            return Err(refuse(
                range,
                format!(
                    "`{end}` is already replaced by `{}`\nhint: run `retort squash --prune` first, or squash a range that contains `{}` instead",
                    s.id, s.id
                ),
            ));
        }
    }
    let members = chain(script, range, &from, &to)?;
    for id in &members {
        let rev = script.get(id).expect("a member is a revision");
        let what = |up: bool, i: usize| rev.op_location(up, i);
        for (up, ops) in [(true, &rev.upgrade), (false, &rev.downgrade)] {
            for (i, op) in ops.iter().enumerate() {
                if let Operation::Irreversible { reason } = op {
                    return Err(refuse(
                        range,
                        format!(
                            "{}: revision `{id}` has an irreversible {} step{}; in a squashed revision it would make the whole range irreversible (a downgrade through it would stop before undoing any of it)\nhint: squash a range that ends before `{id}` or starts after it",
                            what(up, i),
                            if up { "upgrade" } else { "downgrade" },
                            reason
                                .as_deref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
    let revs: Vec<&Revision> = members
        .iter()
        .map(|id| script.get(id).expect("a member is a revision"))
        .collect();
    let first = revs[0];
    let parents = first.down_revisions.clone();

    let before = schema_before(script, range, &parents)?;
    let upgrade: Vec<Operation> = revs.iter().flat_map(|r| r.upgrade.clone()).collect();
    let downgrade: Vec<Operation> = revs
        .iter()
        .rev()
        .flat_map(|r| r.downgrade.clone())
        .collect();
    let replay = |start: &Schema, ops: &[Operation]| -> Option<Schema> {
        let mut r = Replay::new(start.clone());
        r.apply_all(ops).ok()?;
        Some(canonical(r.schema()))
    };
    let after = replay(&before, &upgrade).ok_or_else(|| {
        refuse(
            range,
            "the range's upgrades do not replay\nhint: `retort check --offline` names the step",
        )
    })?;
    let undone = replay(&after, &downgrade).ok_or_else(|| {
        refuse(
            range,
            "the range's downgrades do not replay from its end\nhint: `retort downgrade base --sql` names the step",
        )
    })?;
    let mut unfolded = Vec::new();
    let mut folded_up = squash_operations(&upgrade);
    if replay(&before, &folded_up).as_ref() != Some(&after) {
        folded_up = upgrade.clone();
        unfolded.push("upgrade");
    }
    let mut folded_down = squash_operations(&downgrade);
    if replay(&after, &folded_down).as_ref() != Some(&undone) {
        folded_down = downgrade.clone();
        unfolded.push("downgrade");
    }

    let id = new_revision_id(script, request.rev_id)?;
    let create_date = request
        .create_date
        .unwrap_or_else(|| Utc::now().trunc_subsecs(0));
    let template = request
        .file_template
        .as_deref()
        .unwrap_or(DEFAULT_FILE_TEMPLATE);
    let path = script.versions_dir().join(format!(
        "{}.toml",
        file_name(template, &id, &request.message, create_date)?
    ));
    let operations_before = (upgrade.len(), downgrade.len());
    let operations_after = (folded_up.len(), folded_down.len());
    let new = Revision {
        id: id.clone(),
        down_revisions: parents,
        message: request.message,
        create_date: Some(create_date),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        replaces: members.clone(),
        // The range's own `lock_timeout`/`statement_timeout`/`retries` are
        // not carried over: the squashed revision runs under `[safety]`.
        safety: Default::default(),
        upgrade: folded_up,
        downgrade: folded_down,
        path: path.clone(),
        upgrade_lines: Vec::new(),
        downgrade_lines: Vec::new(),
        upgrade_lint: Vec::new(),
    };
    let text = format!(
        "# Squashes {} revisions, `{}` to `{}` (`replaces`). A database inside that range\n# keeps upgrading through them; `retort squash --prune` deletes them once every\n# database is past it.\n\n{}",
        members.len(),
        members[0],
        to,
        render_revision(&new)
    );
    let new = Revision::parse(&text, &path)?;

    // The revisions after the range, re-pointed from its end to the squash.
    let mut rewrites: Vec<(PathBuf, String)> = Vec::new();
    let mut repointed = Vec::new();
    let mut all: Vec<Revision> = Vec::with_capacity(script.revisions().len() + 1);
    for r in script.revisions() {
        if members.contains(&r.id)
            || !(r.down_revisions.contains(&to) || r.depends_on.contains(&to))
        {
            all.push(r.clone());
            continue;
        }
        let old = fs_err::read_to_string(&r.path)?;
        let text = repoint_text(&old, &to, &id).ok_or_else(|| {
            refuse(
                range,
                format!(
                    "{}: cannot find `\"{to}\"` in its `down_revision` or `depends_on` to point it at the squashed revision\nhint: write `down_revision = \"{to}\"` on one line and run the squash again",
                    r.path.display()
                ),
            )
        })?;
        let changed = Revision::parse(&text, &r.path)?;
        if changed.checksum() != r.checksum() {
            return Err(refuse(
                range,
                format!(
                    "{}: re-pointing it would change its operations",
                    r.path.display()
                ),
            ));
        }
        repointed.push((r.id.clone(), r.path.clone()));
        rewrites.push((r.path.clone(), text));
        all.push(changed);
    }
    all.push(new);
    // The directory as it will be must load.
    Script::from_revisions(script.location().to_owned(), all)?;
    write_new_file(&path, &text)?;
    for (p, t) in &rewrites {
        fs_err::write(p, t)?;
    }
    Ok(Squashed {
        revision: Revision::read(&path)?,
        replaced: members,
        repointed,
        operations_before,
        operations_after,
        unfolded,
    })
}

/// The revisions from `from` to `to` (both included) in upgrade order,
/// refused unless they are a straight run: one parent each, no other
/// children, no dependencies, labels or squashes inside.
fn chain(script: &Script, range: &str, from: &str, to: &str) -> Result<Vec<String>, ScriptError> {
    let mut out = Vec::new();
    let mut at = to.to_owned();
    loop {
        let rev = script.get(&at).expect("resolved ids are revisions");
        if rev.is_merge() {
            return Err(refuse(
                range,
                format!(
                    "`{at}` is a merge point (of {}); a squashed range is a straight run\nhint: squash the part after the merge, or each branch before it",
                    rev.down_revisions.join(", ")
                ),
            ));
        }
        if at != to {
            let children = script.children(&at);
            if children.len() > 1 {
                return Err(refuse(
                    range,
                    format!(
                        "`{at}` is a branch point (children {}); a squashed range is a straight run\nhint: end the range at `{at}`, or start it after",
                        children.join(", ")
                    ),
                ));
            }
        }
        if !rev.depends_on.is_empty() {
            return Err(refuse(
                range,
                format!(
                    "`{at}` has `depends_on` ({}), which a squashed revision would not keep\nhint: squash a range without it",
                    rev.depends_on.join(", ")
                ),
            ));
        }
        if !rev.branch_labels.is_empty() {
            return Err(refuse(
                range,
                format!(
                    "`{at}` declares branch label(s) {}, which a squashed revision would not keep\nhint: squash a range without it",
                    rev.branch_labels.join(", ")
                ),
            ));
        }
        if !script.replaced_of(&at).is_empty() {
            return Err(refuse(
                range,
                format!(
                    "`{at}` is itself a squash whose replaced files are still present\nhint: run `retort squash --prune` first"
                ),
            ));
        }
        let depended = script
            .revisions()
            .iter()
            .find(|r| r.depends_on.contains(&at) && at != to);
        if let Some(r) = depended {
            return Err(refuse(
                range,
                format!("`{}` depends on `{at}`, inside the range", r.id),
            ));
        }
        out.push(at.clone());
        if at == from {
            break;
        }
        match rev.down_revisions.as_slice() {
            [one] => at = one.clone(),
            _ => {
                return Err(refuse(
                    range,
                    format!(
                        "`{from}` is not an ancestor of `{to}`\nhint: write the older revision first (`FROM:TO`); `retort history` shows the order"
                    ),
                ));
            }
        }
    }
    if out.len() < 2 {
        return Err(refuse(
            range,
            "the range holds one revision; there is nothing to squash",
        ));
    }
    out.reverse();
    Ok(out)
}

/// The schema the chain builds up to `parents`.
fn schema_before(script: &Script, range: &str, parents: &[String]) -> Result<Schema, ScriptError> {
    let mut r = Replay::default();
    for rev in script.applied_in_order(parents)? {
        r.apply_all(&rev.upgrade).map_err(|e| {
            refuse(
                range,
                format!("the revisions before it do not replay: `{}`: {e}", rev.id),
            )
        })?;
    }
    Ok(r.into_schema())
}

/// `text` with `old` replaced by `new` inside its `down_revision` and
/// `depends_on` values (quoted ids only); `None` when neither holds it.
fn repoint_text(text: &str, old: &str, new: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let (mut in_value, mut open, mut done) = (false, false, false);
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if !in_value {
            let key = t.split('=').next().unwrap_or("").trim();
            if t.contains('=') && (key == "down_revision" || key == "depends_on") {
                in_value = true;
                open = t.contains('[') && !t.contains(']');
            }
        }
        if !in_value {
            out.push_str(line);
            continue;
        }
        let mut l = line.to_owned();
        for q in ['"', '\''] {
            let needle = format!("{q}{old}{q}");
            if l.contains(&needle) {
                l = l.replace(&needle, &format!("{q}{new}{q}"));
                done = true;
            }
        }
        out.push_str(&l);
        if !open || t.contains(']') {
            in_value = false;
        }
    }
    done.then_some(out)
}

/// `text` without its `replaces = ...` key (one line, or a list over
/// several lines).
fn without_replaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if !skipping && t.split(['=', ' ']).next() == Some("replaces") {
            skipping = t.contains('[') && !t.contains(']');
            continue;
        }
        if skipping {
            if t.contains(']') {
                skipping = false;
            }
            continue;
        }
        out.push_str(line);
    }
    out
}

/// What `retort squash --prune` did for one squash.
#[derive(Debug, Clone)]
pub struct Pruned {
    pub squashed: String,
    /// The files deleted, in the order deleted.
    pub deleted: Vec<PathBuf>,
    /// Revisions that still named a replaced revision and now name the squash.
    pub repointed: Vec<(String, PathBuf)>,
}

/// Refuses to prune `squashed` for a database whose version table holds
/// `heads` unless the database is at or past it: at the squashed revision
/// or a later one, not at one of the revisions it replaces (their files go)
/// nor before the range.
pub fn check_prune(script: &Script, squashed: &str, heads: &[String]) -> Result<(), ScriptError> {
    let at = if heads.is_empty() {
        "base (no revision applied)".to_owned()
    } else {
        heads
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let replaced: Vec<&str> = script
        .replaced_of(squashed)
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    if let Some(h) = heads.iter().find(|h| replaced.contains(&h.as_str())) {
        let hint = if replaced.last() == Some(&h.as_str()) {
            format!(
                "it has the squashed schema; `retort stamp {squashed}` records that (same schema, nothing runs), then prune"
            )
        } else {
            format!("run `retort upgrade {squashed}` (through the originals) first")
        };
        return Err(refuse(
            squashed,
            format!(
                "the database is at {at}, inside the range `{squashed}` replaces; pruning would delete the file of the revision it is at\nhint: {hint}"
            ),
        ));
    }
    let applied = script.applied_ids(heads, true)?;
    if !applied.contains(squashed) {
        return Err(refuse(
            squashed,
            format!(
                "the database is at {at}, before `{squashed}`; prune once every database is at or past it\nhint: run `retort upgrade {squashed}` (or `head`) on it first"
            ),
        ));
    }
    Ok(())
}

/// Deletes the files `squashed` replaces and its `replaces` key. The caller
/// has checked that no database needs them (every one at or past
/// `squashed`). Revisions naming a replaced revision are re-pointed first.
pub fn prune(script: &Script, squashed: &str) -> Result<Pruned, ScriptError> {
    let replaced: Vec<&Revision> = script.replaced_of(squashed);
    let rev = script
        .get(squashed)
        .ok_or_else(|| refuse(squashed, format!("no revision `{squashed}`")))?;
    if replaced.is_empty() {
        return Err(refuse(
            squashed,
            format!("`{squashed}` replaces no revision that is still present"),
        ));
    }
    let ids: Vec<&str> = replaced.iter().map(|r| r.id.as_str()).collect();
    let mut rewrites: Vec<(PathBuf, String)> = Vec::new();
    let mut repointed = Vec::new();
    for r in script.revisions() {
        if ids.contains(&r.id.as_str()) || r.id == squashed {
            continue;
        }
        let mut text: Option<String> = None;
        for old in r
            .down_revisions
            .iter()
            .chain(&r.depends_on)
            .filter(|d| ids.contains(&d.as_str()))
        {
            let base = match &text {
                Some(t) => t.clone(),
                None => fs_err::read_to_string(&r.path)?,
            };
            text = Some(repoint_text(&base, old, squashed).ok_or_else(|| {
                refuse(
                    squashed,
                    format!(
                        "{}: cannot re-point `{old}` to `{squashed}`\nhint: edit its `down_revision` by hand",
                        r.path.display()
                    ),
                )
            })?);
        }
        if let Some(t) = text {
            Revision::parse(&t, &r.path)?;
            repointed.push((r.id.clone(), r.path.clone()));
            rewrites.push((r.path.clone(), t));
        }
    }
    let squashed_text = without_replaces(&fs_err::read_to_string(&rev.path)?);
    let parsed = Revision::parse(&squashed_text, &rev.path)?;
    if !parsed.replaces.is_empty() || parsed.checksum() != rev.checksum() {
        return Err(refuse(
            squashed,
            format!(
                "{}: cannot remove its `replaces` key\nhint: delete the `replaces = [...]` lines by hand",
                rev.path.display()
            ),
        ));
    }
    for (p, t) in &rewrites {
        fs_err::write(p, t)?;
    }
    // Last first: an interrupted prune leaves a run the loader names.
    let mut deleted = Vec::new();
    for r in replaced.iter().rev() {
        fs_err::remove_file(&r.path)?;
        deleted.push(r.path.clone());
    }
    fs_err::write(&rev.path, squashed_text)?;
    Ok(Pruned {
        squashed: squashed.to_owned(),
        deleted,
        repointed,
    })
}

fn write_new_file(path: &std::path::Path, text: &str) -> Result<(), ScriptError> {
    use std::io::Write as _;
    let mut f = fs_err::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repoint_one_line_and_lists() {
        let t = "revision = \"e\"\ndown_revision = \"d\"\nmessage = \"d\"\n";
        assert_eq!(
            repoint_text(t, "d", "s").unwrap(),
            "revision = \"e\"\ndown_revision = \"s\"\nmessage = \"d\"\n"
        );
        let t = "revision = \"e\"\ndown_revision = [\n  \"x\",\n  \"d\",\n]\nmessage = \"d\"\n";
        assert!(repoint_text(t, "d", "s").unwrap().contains("  \"s\",\n"));
        assert!(repoint_text(t, "q", "s").is_none());
    }

    #[test]
    fn replaces_key_removed() {
        let t = "revision = \"s\"\nreplaces = [\"a\", \"b\"]\nmessage = \"m\"\n";
        assert_eq!(without_replaces(t), "revision = \"s\"\nmessage = \"m\"\n");
        let t = "revision = \"s\"\nreplaces = [\n \"a\",\n \"b\",\n]\nmessage = \"m\"\n";
        assert_eq!(without_replaces(t), "revision = \"s\"\nmessage = \"m\"\n");
    }
}
