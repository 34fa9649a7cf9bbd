use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use retort_core::{LintIgnore, Operation, OperationEntry};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{RevisionSafety, ScriptError, parse_duration};

/// The longest revision id that fits Alembic's `version_num VARCHAR(32)`.
pub const MAX_REVISION_ID_LEN: usize = 32;

/// One revision file: its place in the graph and both lists of operations.
///
/// Two revisions are equal when everything but the operations' line
/// numbers is (a file rewritten with other spacing is the same revision).
#[derive(Debug, Clone)]
pub struct Revision {
    pub id: String,
    /// Empty for a base, one parent normally, several for a merge.
    pub down_revisions: Vec<String>,
    pub message: String,
    pub create_date: Option<DateTime<Utc>>,
    pub branch_labels: Vec<String>,
    /// Revision ids or branch labels that must be applied first (not parents).
    pub depends_on: Vec<String>,
    /// The revisions this one stands for (a squash, Django's `replaces`), in
    /// upgrade order; empty for an ordinary revision. See [`crate::Script`]
    /// for how the graph uses them.
    pub replaces: Vec<String>,
    pub upgrade: Vec<Operation>,
    pub downgrade: Vec<Operation>,
    pub path: PathBuf,
    /// The line of each `[[upgrade]]` table in the file (1-based), in the
    /// order of `upgrade`; empty for a revision that was not read from text
    /// or writes its operations inline.
    pub upgrade_lines: Vec<usize>,
    /// The same for `[[downgrade]]`.
    pub downgrade_lines: Vec<usize>,
    /// The `lint_ignore` (and `reason`) of each upgrade operation, in the
    /// order of `upgrade`; empty for a revision not read from text. Not part
    /// of the checksum nor of equality: accepting a finding changes no schema.
    pub upgrade_lint: Vec<LintIgnore>,
    /// `lock_timeout`, `statement_timeout` and `retries` of the file. Not
    /// part of the checksum: they change how it runs, not what it builds.
    pub safety: RevisionSafety,
}

impl PartialEq for Revision {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
            && self.down_revisions == o.down_revisions
            && self.message == o.message
            && self.create_date == o.create_date
            && self.branch_labels == o.branch_labels
            && self.depends_on == o.depends_on
            && self.replaces == o.replaces
            && self.upgrade == o.upgrade
            && self.downgrade == o.downgrade
            && self.safety == o.safety
            && self.path == o.path
    }
}

/// Why a string cannot be a revision id, or `None` when it can.
///
/// Alembic writes 12 lowercase hex characters; hand-written and imported ids
/// may be any non-empty run of `[0-9a-z_]` up to 32 characters.
pub fn revision_id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("it is empty".to_owned());
    }
    if id.len() > MAX_REVISION_ID_LEN {
        return Some(format!(
            "it is {} characters long; the version column holds {MAX_REVISION_ID_LEN}",
            id.len()
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "character `{c}` is not allowed; use lowercase letters, digits and `_`"
        ));
    }
    if matches!(id, "head" | "heads" | "base") {
        return Some(format!("`{id}` is a reserved word of the target grammar"));
    }
    None
}

impl Revision {
    /// SHA-256 (hex) of a canonical serialization of the operations.
    ///
    /// Formatting and comments in the file do not change it; any change to an
    /// upgrade or downgrade operation does.
    pub fn checksum(&self) -> String {
        let canonical = serde_json::to_string(&(&self.upgrade, &self.downgrade))
            .expect("operations serialize to JSON");
        let mut hasher = Sha256::new();
        hasher.update(b"retort-ops-v1\n");
        hasher.update(canonical.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The line of the `index`-th (0-based) operation of the upgrade (`up`)
    /// or downgrade list, when the file has one table per operation.
    pub fn op_line(&self, up: bool, index: usize) -> Option<usize> {
        let lines = if up {
            &self.upgrade_lines
        } else {
            &self.downgrade_lines
        };
        lines.get(index).copied()
    }

    /// What the author of the `index`-th upgrade operation accepted of `retort lint`.
    pub fn lint_ignore(&self, index: usize) -> Option<&LintIgnore> {
        self.upgrade_lint.get(index)
    }

    /// `path:line` of an operation, or the path alone when its line is unknown.
    pub fn op_location(&self, up: bool, index: usize) -> String {
        match self.op_line(up, index) {
            Some(line) => format!("{}:{line}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    /// This revision without its operations (nor their lines and
    /// `lint_ignore`): all the graph of a [`crate::Script`] looks at.
    pub(crate) fn graph_only(&self) -> Revision {
        Revision {
            id: self.id.clone(),
            down_revisions: self.down_revisions.clone(),
            message: self.message.clone(),
            create_date: self.create_date,
            branch_labels: self.branch_labels.clone(),
            depends_on: self.depends_on.clone(),
            replaces: self.replaces.clone(),
            upgrade: Vec::new(),
            downgrade: Vec::new(),
            path: self.path.clone(),
            upgrade_lines: Vec::new(),
            downgrade_lines: Vec::new(),
            upgrade_lint: Vec::new(),
            safety: self.safety,
        }
    }

    /// Whether this revision joins several parents.
    pub fn is_merge(&self) -> bool {
        self.down_revisions.len() > 1
    }

    /// Reads and parses one revision file.
    pub fn read(path: &Path) -> Result<Revision, ScriptError> {
        let src = fs_err::read_to_string(path)?;
        Revision::parse(&src, path)
    }

    /// Parses the text of a revision file; `path` is used in errors and kept.
    pub fn parse(src: &str, path: &Path) -> Result<Revision, ScriptError> {
        let raw: RawRevision = toml::from_str(src).map_err(|e| {
            let span = e.span().map(|s| refine_span(src, s, e.message()));
            parse_error(src, path, span, e.message().trim_end().to_owned())
        })?;
        if let Some(reason) = revision_id_problem(raw.revision.get_ref()) {
            return Err(parse_error(
                src,
                path,
                Some(raw.revision.span()),
                format!("invalid revision id `{}`: {reason}", raw.revision.get_ref()),
            ));
        }
        for r in raw
            .down_revision
            .0
            .iter()
            .chain(&raw.depends_on.0)
            .chain(&raw.replaces.0)
        {
            if r.is_empty() {
                return Err(parse_error(
                    src,
                    path,
                    Some(raw.revision.span()),
                    "empty revision id in `down_revision`, `depends_on` or `replaces`".to_owned(),
                ));
            }
        }
        let create_date = match &raw.create_date {
            None => None,
            Some(d) => Some(to_utc(d.get_ref()).ok_or_else(|| {
                parse_error(
                    src,
                    path,
                    Some(d.span()),
                    format!(
                        "`create_date` needs a date and a time, got `{}`",
                        d.get_ref()
                    ),
                )
            })?),
        };
        let duration = |key: &str, v: &Option<toml::Spanned<String>>| match v {
            None => Ok(None),
            Some(v) => parse_duration(v.get_ref()).map(Some).map_err(|m| {
                let (m, hint) = m.split_once("\nhint: ").unwrap_or((&m, ""));
                parse_error(
                    src,
                    path,
                    Some(v.span()),
                    format!("`{key}`: {m}\nhint: {hint}"),
                )
            }),
        };
        let safety = RevisionSafety {
            lock_timeout: duration("lock_timeout", &raw.lock_timeout)?,
            statement_timeout: duration("statement_timeout", &raw.statement_timeout)?,
            retries: match &raw.retries {
                None => None,
                Some(r) => Some(
                    u32::try_from(*r.get_ref())
                        .ok()
                        .filter(|n| *n <= 100)
                        .ok_or_else(|| {
                            parse_error(
                                src,
                                path,
                                Some(r.span()),
                                format!(
                                    "`retries` must be a whole number from 0 to 100, got {}",
                                    r.get_ref()
                                ),
                            )
                        })?,
                ),
            },
        };
        let (upgrade, upgrade_lint): (Vec<Operation>, Vec<LintIgnore>) =
            raw.upgrade.into_iter().map(|e| (e.op, e.lint)).unzip();
        let downgrade: Vec<Operation> = raw.downgrade.into_iter().map(|e| e.op).collect();
        let layout = op_layout(src);
        let (upgrade_lines, downgrade_lines) = layout.lines(upgrade.len(), downgrade.len());
        for (direction, ops, lines, regions) in [
            ("upgrade", &upgrade, &upgrade_lines, &layout.upgrade),
            ("downgrade", &downgrade, &downgrade_lines, &layout.downgrade),
        ] {
            for (i, op) in ops.iter().enumerate() {
                let Some(p) = crate::validate::op_problem(op) else {
                    continue;
                };
                // The line of the key at fault inside the operation's table,
                // else the table's header.
                let line = regions
                    .get(i)
                    .filter(|_| !lines.is_empty())
                    .and_then(|&(start, end)| {
                        find_key(&src[start..end], p.key).map(|at| line_col(src, start + at).0)
                    })
                    .or_else(|| lines.get(i).copied())
                    .unwrap_or(1);
                return Err(ScriptError::Parse {
                    path: path.to_owned(),
                    line,
                    column: 1,
                    message: match p.message.split_once("\nhint: ") {
                        Some((m, hint)) => format!(
                            "{m} ({direction} step {}, `{}`)\nhint: {hint}",
                            i + 1,
                            op.kind()
                        ),
                        None => format!(
                            "{} ({direction} step {}, `{}`)",
                            p.message,
                            i + 1,
                            op.kind()
                        ),
                    },
                });
            }
        }
        Ok(Revision {
            id: raw.revision.into_inner(),
            down_revisions: raw.down_revision.0,
            message: raw.message,
            create_date,
            branch_labels: raw.branch_labels.0,
            depends_on: raw.depends_on.0,
            replaces: raw.replaces.0,
            upgrade,
            downgrade,
            path: path.to_owned(),
            upgrade_lines,
            downgrade_lines,
            upgrade_lint,
            safety,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRevision {
    revision: toml::Spanned<String>,
    #[serde(default)]
    down_revision: OneOrMany,
    #[serde(default)]
    message: String,
    #[serde(default)]
    create_date: Option<toml::Spanned<toml::value::Datetime>>,
    #[serde(default)]
    branch_labels: OneOrMany,
    #[serde(default)]
    depends_on: OneOrMany,
    #[serde(default)]
    lock_timeout: Option<toml::Spanned<String>>,
    #[serde(default)]
    statement_timeout: Option<toml::Spanned<String>>,
    #[serde(default)]
    retries: Option<toml::Spanned<i64>>,
    #[serde(default)]
    replaces: OneOrMany,
    #[serde(default)]
    upgrade: Vec<OperationEntry>,
    #[serde(default)]
    downgrade: Vec<OperationEntry>,
}

/// A string or a list of strings (`down_revision = "a"` or `["a", "b"]`).
#[derive(Default)]
struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            One(String),
            Many(Vec<String>),
        }
        match Either::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a revision id or a list of revision ids")
        })? {
            Either::One(s) => Ok(OneOrMany(vec![s])),
            Either::Many(v) => Ok(OneOrMany(v)),
        }
    }
}

fn to_utc(d: &toml::value::Datetime) -> Option<DateTime<Utc>> {
    d.date.as_ref()?;
    d.time.as_ref()?;
    let text = d.to_string();
    if d.offset.is_some() {
        DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    } else {
        NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|t| t.and_utc())
    }
}

pub(crate) fn parse_error(
    src: &str,
    path: &Path,
    span: Option<Range<usize>>,
    message: String,
) -> ScriptError {
    let (line, column) = span.map_or((1, 1), |s| line_col(src, s.start));
    ScriptError::Parse {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// toml reports errors inside an operation at the `[[upgrade]]` header (the
/// operation is an internally tagged enum, buffered before it is checked).
/// Narrow the span to the key or value named in backticks in the message,
/// searching only the text of that table.
fn refine_span(src: &str, span: Range<usize>, message: &str) -> Range<usize> {
    let Some(name) = message.split('`').nth(1).filter(|n| !n.is_empty()) else {
        return span;
    };
    // The span may cover the whole `[[upgrade]]` array: find the one table
    // that fails on its own with the same message.
    let (base, region_end) = op_tables(src)
        .into_iter()
        .find(|&(start, end)| {
            toml::from_str::<OperationEntry>(&src[start..end])
                .is_err_and(|e| e.message() == message)
        })
        .unwrap_or((span.start.min(src.len()), table_end(src, span.end)));
    let region = &src[base..region_end];
    let is_field = message.starts_with("unknown field") || message.starts_with("duplicate field");
    if is_field && let Some(i) = find_key(region, name) {
        return base + i..base + i + name.len();
    }
    for quote in ['"', '\''] {
        let needle = format!("{quote}{name}{quote}");
        if let Some(i) = region.find(&needle) {
            return base + i..base + i + needle.len();
        }
    }
    if !is_field && let Some(i) = find_key(region, name) {
        return base + i..base + i + name.len();
    }
    span
}

/// The byte ranges of the bodies of the `[[upgrade]]` and `[[downgrade]]`
/// tables (after the header line, up to the next header).
fn op_tables(src: &str) -> Vec<(usize, usize)> {
    let OpLayout {
        mut upgrade,
        downgrade,
        ..
    } = op_layout(src);
    upgrade.extend(downgrade);
    upgrade.sort_unstable();
    upgrade
}

/// Where the `[[upgrade]]` and `[[downgrade]]` tables of a revision's text
/// are: the byte range of each body (after its header line, up to the next
/// header, in order) and the line of each header.
#[derive(Debug, Default)]
struct OpLayout {
    upgrade: Vec<(usize, usize)>,
    downgrade: Vec<(usize, usize)>,
    upgrade_lines: Vec<usize>,
    downgrade_lines: Vec<usize>,
}

impl OpLayout {
    /// Ends the body being read (upgrade or not, and its start) at `end`.
    fn close(&mut self, open: Option<(bool, usize)>, end: usize) {
        match open {
            Some((true, start)) => self.upgrade.push((start, end)),
            Some((false, start)) => self.downgrade.push((start, end)),
            None => {}
        }
    }

    /// The header lines, for each direction only when there is one header
    /// per operation (an inline `upgrade = [...]` gives no lines).
    fn lines(&self, ups: usize, downs: usize) -> (Vec<usize>, Vec<usize>) {
        let one_each = |lines: &Vec<usize>, n: usize| {
            if lines.len() == n {
                lines.clone()
            } else {
                Vec::new()
            }
        };
        (
            one_each(&self.upgrade_lines, ups),
            one_each(&self.downgrade_lines, downs),
        )
    }
}

/// [`OpLayout`] of `src`, in one pass over its lines (a revision of 200
/// tables is 170 KB of text): any line that opens a table header ends the
/// body before it.
fn op_layout(src: &str) -> OpLayout {
    let mut out = OpLayout::default();
    // The body being read: upgrade or not, and where it starts.
    let mut open: Option<(bool, usize)> = None;
    let (mut pos, mut newlines) = (0, 0);
    for line in src.split_inclusive('\n') {
        let end = pos + line.len();
        // The header's line: the newlines up to the start of its body.
        let line_no = newlines + usize::from(line.ends_with('\n'));
        let t = line.trim();
        if t.starts_with('[') {
            out.close(open.take(), pos);
            let name = t.split('#').next().unwrap_or("");
            let is = |header: &str| name.chars().filter(|c| *c != ' ').eq(header.chars());
            if is("[[upgrade]]") {
                open = Some((true, end));
                out.upgrade_lines.push(line_no);
            } else if is("[[downgrade]]") {
                open = Some((false, end));
                out.downgrade_lines.push(line_no);
            }
        }
        pos = end;
        newlines = line_no;
    }
    out.close(open, src.len());
    out
}

/// The byte offset where the table that contains `from` ends: the next line
/// that opens a table header, or the end of the text.
fn table_end(src: &str, from: usize) -> usize {
    let from = from.min(src.len());
    let mut pos = from;
    for line in src[from..].split_inclusive('\n') {
        if pos > from && line.trim_start().starts_with('[') {
            return pos;
        }
        pos += line.len();
    }
    src.len()
}

/// Where `key` appears as a bare key (`key =`) in `region`.
fn find_key(region: &str, key: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(i) = region[start..].find(key) {
        let at = start + i;
        let before_ok = region[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '{' || c == ',');
        let after = region[at + key.len()..].trim_start_matches([' ', '\t']);
        if before_ok && after.starts_with('=') {
            return Some(at);
        }
        start = at + key.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_lines_are_the_header_lines() {
        let src = "revision = \"a\"\n\n[[upgrade]]\nop = \"x\"\n# c\n[[downgrade]]\nop = \"y\"\n[[upgrade]]\nop = \"z\"\n";
        assert_eq!(op_layout(src).lines(2, 1), (vec![3, 8], vec![6]));
        assert_eq!(op_layout(src).lines(3, 1), (vec![], vec![6]));
    }

    #[test]
    fn op_layout_finds_each_body() {
        let src = "revision = \"a\"\n[[upgrade]]\nop = \"x\"\n[ [upgrade] ] # two\nop = \"y\"\n[other]\nk = 1\n[[downgrade]]\nop = \"z\"";
        let l = op_layout(src);
        let bodies = |r: &[(usize, usize)]| r.iter().map(|&(a, b)| &src[a..b]).collect::<Vec<_>>();
        assert_eq!(bodies(&l.upgrade), ["op = \"x\"\n", "op = \"y\"\n"]);
        assert_eq!(bodies(&l.downgrade), ["op = \"z\""]);
        assert_eq!(
            (&l.upgrade_lines[..], &l.downgrade_lines[..]),
            (&[2, 4][..], &[8][..])
        );
        assert_eq!(op_tables(src).len(), 3);
    }

    #[test]
    fn line_col_counts_from_one() {
        let src = "ab\ncdé\nf";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 8), (3, 1));
        assert_eq!(line_col(src, 7), (2, 4));
    }

    #[test]
    fn revision_ids() {
        for ok in ["3f2a9c1b7d4e", "0001_init", "a", &"x".repeat(32)] {
            assert_eq!(revision_id_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "ABC",
            "a-b",
            "a+b",
            "a@b",
            "a:b",
            "head",
            &"x".repeat(33),
        ] {
            assert!(revision_id_problem(bad).is_some(), "{bad}");
        }
    }
}
