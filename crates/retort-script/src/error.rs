use std::path::PathBuf;

/// A problem with the revision directory or with writing a new revision.
///
/// Every variant that concerns a file names it; parse problems also carry the
/// line and column (1-based).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    #[error(transparent)]
    Io(#[from] std::io::Error),

    #[error("no revision directory at `{}`\nhint: create it with `mkdir -p {}`, or fix `script_location` in the config", path.display(), path.display())]
    MissingVersions { path: PathBuf },

    /// Unparseable TOML, an unknown op or field, a bad column type, a wrong value.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{}: invalid revision id `{id}`: {reason}", path.display())]
    InvalidRevisionId {
        path: PathBuf,
        id: String,
        reason: String,
    },

    #[error(
        "revision `{id}` is defined twice: in `{}` and in `{}`\nhint: give one of them a new `revision` id",
        first.display(),
        second.display()
    )]
    DuplicateRevision {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error(
        "{}: `down_revision` of `{revision}` names `{missing}`, which is not a revision in this directory",
        path.display()
    )]
    UnknownDownRevision {
        path: PathBuf,
        revision: String,
        missing: String,
    },

    #[error(
        "{}: `depends_on` of `{revision}` names `{missing}`, which is neither a revision nor a branch label",
        path.display()
    )]
    UnknownDependency {
        path: PathBuf,
        revision: String,
        missing: String,
    },

    #[error(
        "branch label `{label}` is used twice: in `{}` and in `{}`\nhint: branch labels must be unique; rename one of them",
        first.display(),
        second.display()
    )]
    DuplicateBranchLabel {
        label: String,
        first: PathBuf,
        second: PathBuf,
    },

    #[error(
        "{}: branch label `{label}` is also a revision id (`{}`)\nhint: choose a label that is not a revision id",
        path.display(),
        other.display()
    )]
    LabelIsRevisionId {
        label: String,
        path: PathBuf,
        other: PathBuf,
    },

    #[error("revisions form a cycle: {}", format_cycle(revisions, paths))]
    Cycle {
        revisions: Vec<String>,
        paths: Vec<PathBuf>,
    },

    #[error(
        "`{}` does not look like a revision file\nhint: revision files end in `.toml`; move other files out of `versions/`",
        path.display()
    )]
    NotARevisionFile { path: PathBuf },

    #[error(
        "`{}` is a directory inside `versions/`\nhint: revision files live directly in `versions/`; remove or move the directory",
        path.display()
    )]
    UnexpectedDirectory { path: PathBuf },

    #[error(
        "multiple heads are present: {}\nhint: pass `--head <rev>` to choose the parent, or run `retort merge heads` first",
        list(heads)
    )]
    MultipleHeads { heads: Vec<String> },

    #[error(
        "revision `{revision}` is not a head revision\nhint: pass `--splice` to start a new branch from it"
    )]
    NotAHead { revision: String },

    #[error("invalid revision id `{id}`: {reason}")]
    BadNewRevisionId { id: String, reason: String },

    #[error("revision id `{id}` is already used by `{}`", path.display())]
    RevisionIdTaken { id: String, path: PathBuf },

    #[error("branch label `{label}` is already used by revision `{revision}`")]
    BranchLabelTaken { label: String, revision: String },

    #[error("bad branch label `{label}`: {reason}")]
    BadBranchLabel { label: String, reason: String },

    #[error(
        "a merge needs at least two distinct revisions, got {}",
        list(revisions)
    )]
    MergeNeedsTwo { revisions: Vec<String> },

    #[error("bad `file_template` `{template}`: {reason}")]
    BadFileTemplate { template: String, reason: String },

    /// A `replaces` list the graph cannot use.
    #[error("{}: `replaces` of `{revision}` {reason}", path.display())]
    BadReplaces {
        path: PathBuf,
        revision: String,
        reason: String,
    },

    /// `retort squash` refused the range (the reason says why and what to do).
    #[error("cannot squash `{range}`: {reason}")]
    Squash { range: String, reason: String },

    #[error(transparent)]
    Target(#[from] TargetError),
}

/// A target, range or current-heads set that cannot be resolved or planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    #[error(
        "`{spec}` is ambiguous: there are {} heads: {}\nhint: type `heads` for all of them{}, or one of the revision ids",
        heads.len(),
        list(heads),
        label_hint(labels)
    )]
    MultipleHeads {
        spec: String,
        heads: Vec<String>,
        labels: Vec<String>,
    },

    #[error("no revision or branch label `{spec}`{}", prefix_hint(spec))]
    UnknownRevision { spec: String },

    #[error(
        "revision prefix `{prefix}` is ambiguous: {}\nhint: type more characters of the id",
        list(candidates)
    )]
    AmbiguousPrefix {
        prefix: String,
        candidates: Vec<String>,
    },

    #[error("no branch label or revision `{label}`")]
    UnknownBranch { label: String },

    #[error("revision `{revision}` is not on branch `{label}`")]
    NotOnBranch { revision: String, label: String },

    #[error("bad target `{spec}`: {reason}")]
    Syntax { spec: String, reason: String },

    #[error("relative target `{spec}` goes past the end of the revision graph")]
    WalkedTooFar { spec: String },

    #[error(
        "relative target `{spec}` is ambiguous at `{at}`, which leads to {}\nhint: name one of them, e.g. `{}`",
        list(choices),
        choices.first().map(String::as_str).unwrap_or("")
    )]
    AmbiguousWalk {
        spec: String,
        at: String,
        choices: Vec<String>,
    },

    #[error(
        "`{spec}` is relative to the current revision, but the database has {} heads: {}\nhint: use `<label>@{spec}` or `<rev>{spec}`",
        heads.len(),
        list(heads)
    )]
    AmbiguousCurrent { spec: String, heads: Vec<String> },

    #[error("`{spec}` is relative to the current revision, but the database has none")]
    NoCurrent { spec: String },

    #[error("the database is at revision `{revision}`, which is not in the revision directory")]
    UnknownCurrent { revision: String },

    #[error(
        "`{spec}` is not a valid {direction} target from the current head(s) {}",
        list(current)
    )]
    NotAnAncestor {
        spec: String,
        direction: &'static str,
        current: Vec<String>,
    },

    #[error("cannot keep the version table consistent at `{revision}`: {reason}")]
    Bookkeeping { revision: String, reason: String },

    #[error(
        "`{spec}` is inside the range that `{squashed}` replaces, and the database is at `{squashed}` itself\nhint: a database that ran the squashed revision cannot stop inside its range; go to `{before}` (before the range) or past `{squashed}`"
    )]
    InsideSquash {
        spec: String,
        squashed: String,
        before: String,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn label_hint(labels: &[String]) -> String {
    match labels.first() {
        Some(l) => format!(", `{l}@head` for one branch"),
        None => ", `<label>@head` for one branch".to_owned(),
    }
}

fn prefix_hint(spec: &str) -> &'static str {
    if spec.len() < 4 {
        "\nhint: type at least four characters of a revision id, or `retort heads` to list them"
    } else {
        "\nhint: `retort history` lists the revisions"
    }
}

fn format_cycle(revisions: &[String], paths: &[PathBuf]) -> String {
    revisions
        .iter()
        .zip(paths)
        .map(|(r, p)| format!("`{r}` ({})", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}
