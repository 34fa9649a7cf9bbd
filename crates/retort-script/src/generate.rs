//! New revision files: `revision`, `revision --head/--splice`, `merge`.

use std::path::Path;

use chrono::{DateTime, Datelike, SubsecRound, Timelike, Utc};
use retort_core::Operation;

use crate::revision::revision_id_problem;
use crate::{Revision, Scaffold, Script, ScriptError, TargetError, render_revision};

/// Alembic's default truncation of the message slug in file names.
pub const SLUG_MAX_LEN: usize = 40;

/// The default `file_template`.
pub const DEFAULT_FILE_TEMPLATE: &str = "{year}{month}{day}_{hour}{minute}{second}_{rev}_{slug}";

/// What `retort revision` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    pub message: String,
    /// The parent: a target such as `head` (the default), `billing@head`, a
    /// revision id, or `base` to start a new branch.
    pub head: Option<String>,
    /// Allow a parent that is not a head (starts a branch there).
    pub splice: bool,
    pub branch_labels: Vec<String>,
    /// Revision ids, prefixes or branch labels.
    pub depends_on: Vec<String>,
    /// A chosen id; a random 12-hex id otherwise.
    pub rev_id: Option<String>,
    pub upgrade: Vec<Operation>,
    pub downgrade: Vec<Operation>,
    /// `file_template` from the config; [`DEFAULT_FILE_TEMPLATE`] otherwise.
    pub file_template: Option<String>,
    /// Defaults to now (whole seconds, UTC).
    pub create_date: Option<DateTime<Utc>>,
    /// Comment lines written at the top of the file (without `# `), e.g.
    /// the destructive changes autogenerate found.
    pub header_comments: Vec<String>,
    /// A skeleton written after the operations (`--create`, `--table`, examples).
    pub scaffold: Scaffold,
}

/// Writes a new revision file under the script's `versions/` and returns it.
///
/// Alembic's rules: the parent defaults to the single head (several heads
/// are an error naming them); a parent that is not a head needs `splice`;
/// `head = "base"` starts a new base; branch labels and ids must be unique.
pub fn generate_revision(script: &Script, new: NewRevision) -> Result<Revision, ScriptError> {
    let head_spec = new.head.clone().unwrap_or_else(|| "head".to_owned());
    let parents = match script.resolve(&head_spec) {
        Ok(revs) => revs,
        Err(TargetError::MultipleHeads { heads, .. }) => {
            return Err(ScriptError::MultipleHeads { heads });
        }
        Err(e) => return Err(e.into()),
    };
    if !new.splice
        && let Some(p) = parents.iter().find(|p| !script.children(&p.id).is_empty())
    {
        return Err(ScriptError::NotAHead {
            revision: p.id.clone(),
        });
    }
    let parents: Vec<String> = parents.iter().map(|p| p.id.clone()).collect();
    write_new(script, new, parents)
}

/// Writes a merge revision of `revisions` (ids, prefixes, or the single word
/// `heads`) with empty operation lists.
pub fn merge(script: &Script, revisions: &[&str], message: &str) -> Result<Revision, ScriptError> {
    merge_with(
        script,
        revisions,
        NewRevision {
            message: message.to_owned(),
            ..NewRevision::default()
        },
    )
}

/// [`merge`] with the other options of `retort merge` (id, labels, template).
pub fn merge_with(
    script: &Script,
    revisions: &[&str],
    new: NewRevision,
) -> Result<Revision, ScriptError> {
    let mut parents: Vec<String> = Vec::new();
    for spec in revisions {
        for r in script.resolve(spec)? {
            if !parents.contains(&r.id) {
                parents.push(r.id.clone());
            }
        }
    }
    if parents.len() < 2 {
        return Err(ScriptError::MergeNeedsTwo { revisions: parents });
    }
    write_new(script, new, parents)
}

/// The id of a new revision: `requested`, when it is a valid id no
/// revision has, or a random one.
pub(crate) fn new_revision_id(
    script: &Script,
    requested: Option<String>,
) -> Result<String, ScriptError> {
    match requested {
        Some(id) => {
            if let Some(reason) = revision_id_problem(&id) {
                return Err(ScriptError::BadNewRevisionId { id, reason });
            }
            if let Some(r) = script.get(&id) {
                return Err(ScriptError::RevisionIdTaken {
                    id,
                    path: r.path.clone(),
                });
            }
            Ok(id)
        }
        None => random_id(script),
    }
}

fn write_new(
    script: &Script,
    new: NewRevision,
    parents: Vec<String>,
) -> Result<Revision, ScriptError> {
    let id = new_revision_id(script, new.rev_id)?;
    for label in &new.branch_labels {
        if let Some(reason) = label_problem(label) {
            return Err(ScriptError::BadBranchLabel {
                label: label.clone(),
                reason,
            });
        }
        let owner = script
            .revisions()
            .iter()
            .find(|r| r.branch_labels.contains(label) || r.id == *label);
        if let Some(r) = owner {
            return Err(ScriptError::BranchLabelTaken {
                label: label.clone(),
                revision: r.id.clone(),
            });
        }
    }
    let mut depends_on = Vec::new();
    for dep in &new.depends_on {
        let rev = script.resolve_one(dep)?;
        // Keep a branch label as written; resolve prefixes to full ids.
        let keep = if script.branch_labels().contains(&dep.as_str()) {
            dep.clone()
        } else {
            rev.id.clone()
        };
        depends_on.push(keep);
    }
    let create_date = new
        .create_date
        .unwrap_or_else(|| Utc::now().trunc_subsecs(0));
    let template = new
        .file_template
        .as_deref()
        .unwrap_or(DEFAULT_FILE_TEMPLATE);
    let name = file_name(template, &id, &new.message, create_date)?;
    let path = script.versions_dir().join(format!("{name}.toml"));
    let rev = Revision {
        id,
        down_revisions: parents,
        message: new.message,
        create_date: Some(create_date),
        branch_labels: new.branch_labels,
        depends_on,
        replaces: Vec::new(),
        upgrade: new.upgrade,
        downgrade: new.downgrade,
        path: path.clone(),
        upgrade_lines: Vec::new(),
        downgrade_lines: Vec::new(),
        upgrade_lint: Vec::new(),
        safety: Default::default(),
    };
    let mut text = String::new();
    for line in &new.header_comments {
        text.push_str(&format!("# {line}\n"));
    }
    if !new.header_comments.is_empty() {
        text.push('\n');
    }
    text.push_str(&render_revision(&rev));
    text.push_str(&new.scaffold.text());
    // What is written must parse, and the graph with it must still load
    // (the graph needs no operations: a big chain is not copied for it).
    let rev = Revision::parse(&text, &path)?;
    script.with_graph_of(&rev)?;
    write_new_file(&path, &text)?;
    // The file holds exactly `text`: what was parsed is what a read gives.
    Ok(rev)
}

fn write_new_file(path: &Path, text: &str) -> Result<(), ScriptError> {
    use std::io::Write as _;
    let mut f = fs_err::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

pub(crate) fn random_id(script: &Script) -> Result<String, ScriptError> {
    loop {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        if script.get(&id).is_none() && !id.chars().all(|c| c.is_ascii_digit()) {
            return Ok(id);
        }
    }
}

fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("it is empty".to_owned());
    }
    if matches!(label, "head" | "heads" | "base") {
        return Some("it is a reserved word of the target grammar".to_owned());
    }
    if let Some(c) = label
        .chars()
        .find(|c| matches!(c, '@' | ':' | '+') || c.is_whitespace())
    {
        return Some(format!("character `{c}` is not allowed"));
    }
    None
}

/// Alembic's slug: the message's words joined by `_`, lowercased, cut at 40
/// characters on a word boundary (then ending in `_`).
pub fn slugify(message: &str) -> String {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let slug = words.join("_").to_lowercase();
    if slug.chars().count() <= SLUG_MAX_LEN {
        return slug;
    }
    let cut: String = slug.chars().take(SLUG_MAX_LEN).collect();
    let stem = match cut.rfind('_') {
        Some(i) => &cut[..i],
        None => &cut[..],
    };
    format!("{stem}_")
}

/// Expands `file_template` (`{rev}`, `{slug}`, `{epoch}`, `{year}`,
/// `{month}`, `{day}`, `{hour}`, `{minute}`, `{second}`; two-digit fields
/// zero-padded), without the `.toml` extension.
pub fn file_name(
    template: &str,
    rev: &str,
    message: &str,
    date: DateTime<Utc>,
) -> Result<String, ScriptError> {
    let bad = |reason: String| ScriptError::BadFileTemplate {
        template: template.to_owned(),
        reason,
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| bad("a `{` is not closed".to_owned()))?;
        let value = match &after[..close] {
            "rev" => rev.to_owned(),
            "slug" => slugify(message),
            "epoch" => date.timestamp().to_string(),
            "year" => format!("{:04}", date.year()),
            "month" => format!("{:02}", date.month()),
            "day" => format!("{:02}", date.day()),
            "hour" => format!("{:02}", date.hour()),
            "minute" => format!("{:02}", date.minute()),
            "second" => format!("{:02}", date.second()),
            other => {
                return Err(bad(format!(
                    "unknown field `{{{other}}}`; use rev, slug, epoch, year, month, day, hour, minute, second"
                )));
            }
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.is_empty() || out.starts_with('.') || out.contains(['/', '\\']) {
        return Err(bad(format!(
            "it gives the file name `{out}`; names must be non-empty, not hidden, without `/`"
        )));
    }
    Ok(out)
}
