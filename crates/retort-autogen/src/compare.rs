//! The three pairwise comparisons of models (M), revision chain (C) and
//! database (D), labelled, with the command that resolves each.

use retort_core::{Dialect, Schema};
use retort_diff::{Diff, DiffOptions, diff};
use serde::Serialize;

use crate::Sources;

/// Which two schemas a [`PairDiff`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pair {
    /// M vs D: what `upgrade` would still have to change.
    ModelsDatabase,
    /// D vs C: what the database has that no revision records (hand
    /// changes, hotfixes, tables made by another tool).
    DatabaseRevisions,
    /// M vs C: what the models describe and no revision builds yet.
    ModelsRevisions,
}

impl Pair {
    /// The JSON key and the short name.
    pub fn key(self) -> &'static str {
        match self {
            Pair::ModelsDatabase => "models_vs_database",
            Pair::DatabaseRevisions => "database_vs_revisions",
            Pair::ModelsRevisions => "models_vs_revisions",
        }
    }

    /// The heading of the pair in a report.
    pub fn title(self) -> &'static str {
        match self {
            Pair::ModelsDatabase => {
                "models vs database: the database is not what the models describe"
            }
            Pair::DatabaseRevisions => "database vs revisions: changes no revision records",
            Pair::ModelsRevisions => "models vs revisions: a revision is missing",
        }
    }

    /// The names of the old and the new side, for the unified diff header.
    pub fn sides(self) -> (&'static str, &'static str) {
        match self {
            Pair::ModelsDatabase => ("database", "models"),
            Pair::DatabaseRevisions => ("revisions", "database"),
            Pair::ModelsRevisions => ("revisions", "models"),
        }
    }
}

/// One pair compared: both sides as compared (mapped to the dialect, or to
/// the portable vocabulary for M vs C) and the diff from the old to the new.
/// A pair in sync keeps empty sides.
#[derive(Debug, Clone)]
pub struct PairDiff {
    pub pair: Pair,
    pub from: Schema,
    pub to: Schema,
    pub diff: Diff,
}

/// Every pair a command compared, with what the reader noticed.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub chain_label: String,
    pub dialect: Option<Dialect>,
    /// Online (`models_vs_database` first) or `--offline` (the chain only).
    pub online: bool,
    pub pairs: Vec<PairDiff>,
    /// Revisions not applied yet, version rows of another tool, tables
    /// left to other chains.
    pub notes: Vec<String>,
    /// The chain's heads (more than one changes what to type).
    pub heads: Vec<String>,
    /// The database's version rows are not the heads: revisions are pending.
    pub pending: bool,
    pub warnings: Vec<String>,
}

/// How [`Comparison::report_styled`] marks its text.
pub struct ReportStyle<'a> {
    /// Written after a destructive change: ` [destructive]` plain, coloured
    /// on a terminal.
    pub destructive: &'a str,
    /// Applied to each pair's unified DDL diff (colours on a terminal).
    pub diff: &'a dyn Fn(&str) -> String,
}

impl ReportStyle<'_> {
    /// No colour: for a file, a pipe or a test's panic message.
    pub fn plain() -> ReportStyle<'static> {
        ReportStyle {
            destructive: " [destructive]",
            diff: &|text| text.to_owned(),
        }
    }
}

/// `schema` mapped for comparing on `dialect`, or portably without one.
pub fn normalized(dialect: Option<Dialect>, schema: &Schema) -> Schema {
    match dialect {
        Some(d) => retort_catalog::normalize_for(d, schema),
        None => retort_catalog::normalize_portable(schema),
    }
}

/// Compares the pairs `sources` allow: all three online, M vs C offline.
///
/// * M vs D and D vs C compare what `sources.dialect` can store and tell
///   apart (`int4` and `integer` are one type).
/// * M vs C compares the portable vocabulary of revision files: a chain
///   that says `integer` where the models say `bigint` is missing a
///   revision even on SQLite, which stores both alike; so is one that says
///   `text` where the models have an enum.
/// * D vs C compares the database with the chain replayed up to the
///   database's own version rows, so a database behind head is not drift
///   (a note says which revisions are pending).
pub fn compare(sources: &Sources) -> Comparison {
    let dialect = sources.dialect;
    let options = DiffOptions::for_dialect(dialect);
    let norm = |s: &Schema| normalized(dialect, s);
    let portable = retort_catalog::normalize_portable;
    let pair = |pair: Pair, from: &Schema, to: &Schema| pair_diff(pair, from, to, &options);
    // Each side is a normalized copy of a whole schema (tens of thousands
    // of names at 1,000 tables), and nothing else runs by now: the pairs
    // are normalized and compared on three threads, each dropping its own
    // copies.
    let (online, models_revisions) = std::thread::scope(|scope| {
        let models_revisions = scope.spawn(|| {
            pair(
                Pair::ModelsRevisions,
                &portable(&sources.chain),
                &portable(&sources.models),
            )
        });
        let online = sources.database.as_ref().map(|db| {
            let d = norm(&db.schema);
            let at_rows = db.chain_at_rows.as_ref().unwrap_or(&sources.chain);
            std::thread::scope(|inner| {
                let database_revisions =
                    inner.spawn(|| pair(Pair::DatabaseRevisions, &norm(at_rows), &d));
                let models_database = pair(Pair::ModelsDatabase, &d, &norm(&sources.models));
                [models_database, joined(database_revisions)]
            })
        });
        (online, joined(models_revisions))
    });
    let mut pairs = Vec::new();
    let mut notes = Vec::new();
    let mut pending = false;
    if let (Some(db), Some(online)) = (&sources.database, online) {
        pairs.extend(online);
        notes.extend(db.notes.iter().cloned());
        if !db.unknown_rows.is_empty() {
            notes.push(format!(
                "the version table names revisions this chain does not have ({}): written by another tool, such as Python Alembic; the database is compared as if no revision of this chain had run",
                db.unknown_rows.join(", ")
            ));
        } else if db.rows != sources.heads {
            pending = true;
            notes.push(format!(
                "the database is at {}, the revisions end at {}: pending revisions are not compared as drift",
                shown(&db.rows),
                shown(&sources.heads)
            ));
        }
    }
    pairs.push(models_revisions);
    Comparison {
        chain_label: sources.chain_label.clone(),
        dialect,
        online: sources.database.is_some(),
        pairs,
        notes,
        heads: sources.heads.clone(),
        pending,
        warnings: sources.warnings.clone(),
    }
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// One pair compared. Equal schemas (the common case at head) need no
/// planning, and keep no copy: only a pair that differs holds its sides,
/// for the DDL diff.
fn pair_diff(pair: Pair, from: &Schema, to: &Schema, options: &DiffOptions) -> PairDiff {
    if from == to {
        return PairDiff {
            pair,
            from: Schema::default(),
            to: Schema::default(),
            diff: Diff::default(),
        };
    }
    PairDiff {
        pair,
        diff: diff(from, to, options),
        from: from.clone(),
        to: to.clone(),
    }
}

/// Whether the database holds what no revision records (D vs C only, the
/// question autogenerate asks before planning; [`compare`] answers all three).
pub(crate) fn database_drifted(sources: &Sources) -> bool {
    let Some(db) = &sources.database else {
        return false;
    };
    let norm = |s: &Schema| normalized(sources.dialect, s);
    let at_rows = db.chain_at_rows.as_ref().unwrap_or(&sources.chain);
    let options = DiffOptions::for_dialect(sources.dialect);
    !pair_diff(
        Pair::DatabaseRevisions,
        &norm(at_rows),
        &norm(&db.schema),
        &options,
    )
    .diff
    .is_empty()
}

/// `base` for no revision, else the ids.
pub(crate) fn shown(ids: &[String]) -> String {
    if ids.is_empty() {
        "base".to_owned()
    } else {
        ids.join(", ")
    }
}

impl Comparison {
    /// Every pair agrees, and no revision is pending.
    pub fn in_sync(&self) -> bool {
        self.pairs.iter().all(|p| p.diff.is_empty()) && !self.pending
    }

    /// Every warning of the pairs' diffs, once each.
    pub fn diff_warnings(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for w in self.pairs.iter().flat_map(|p| &p.diff.warnings) {
            if !out.contains(&w.as_str()) {
                out.push(w);
            }
        }
        out
    }

    /// The pairs that differ.
    pub fn differing(&self) -> impl Iterator<Item = &PairDiff> {
        self.pairs.iter().filter(|p| !p.diff.is_empty())
    }

    pub fn get(&self, pair: Pair) -> Option<&PairDiff> {
        self.pairs.iter().find(|p| p.pair == pair)
    }

    fn differs(&self, pair: Pair) -> bool {
        self.get(pair).is_some_and(|p| !p.diff.is_empty())
    }

    fn head_target(&self) -> &'static str {
        if self.heads.len() > 1 {
            "heads"
        } else {
            "head"
        }
    }

    /// The command that resolves one pair.
    pub fn resolve(&self, pair: Pair) -> String {
        match pair {
            Pair::DatabaseRevisions => "run `retort baseline -m MESSAGE` to record what the database has as a revision (or undo those changes by hand)".to_owned(),
            Pair::ModelsRevisions => format!(
                "run `retort revision --autogenerate -m MESSAGE`, then `retort upgrade {}`",
                self.head_target()
            ),
            Pair::ModelsDatabase => format!("run `retort upgrade {}`", self.head_target()),
        }
    }

    /// The commands that bring everything in line, in the order to type them.
    pub fn hints(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.online && self.differs(Pair::DatabaseRevisions) {
            out.push(self.resolve(Pair::DatabaseRevisions));
        }
        if self.pending {
            out.push(format!(
                "run `retort upgrade {}` to apply the pending revisions",
                self.head_target()
            ));
        }
        if self.differs(Pair::ModelsRevisions) {
            out.push(self.resolve(Pair::ModelsRevisions));
        } else if self.online && self.differs(Pair::ModelsDatabase) && out.is_empty() {
            out.push(self.resolve(Pair::ModelsDatabase));
        }
        out
    }

    /// The pair a single "the models differ" answer is about: M vs D
    /// online, M vs C offline.
    pub fn primary(&self) -> &PairDiff {
        let want = if self.online {
            Pair::ModelsDatabase
        } else {
            Pair::ModelsRevisions
        };
        self.get(want).expect("the primary pair is always compared")
    }

    /// The labelled report `retort check` prints, without colour: each
    /// differing pair under its title ("models vs revisions: a revision is
    /// missing"), its changes naming `table.column`, the DDL diff and the
    /// command that resolves it; then the notes.
    pub fn report(&self) -> String {
        self.report_styled(&ReportStyle::plain())
    }

    /// [`Comparison::report`] with the marks of `style`.
    pub fn report_styled(&self, style: &ReportStyle<'_>) -> String {
        let mut text = String::new();
        for p in self.differing() {
            text.push_str(&format!(
                "{} ({} difference(s)):\n",
                p.pair.title(),
                p.diff.changes.len()
            ));
            for c in &p.diff.changes {
                let mark = if c.destructive { style.destructive } else { "" };
                text.push_str(&format!("  {}{mark}\n", c.description));
            }
            text.push_str(&(style.diff)(&self.ddl_diff(p)));
            text.push_str(&format!("resolve: {}\n\n", self.resolve(p.pair)));
        }
        for n in &self.notes {
            text.push_str(&format!("note: {n}\n"));
        }
        text
    }

    /// The report as JSON: `in_sync`, `pairs` (each with its changes,
    /// operations and resolving command), `notes`, `hints`; and, for
    /// readers of the two-schema report, the primary pair's `changes`,
    /// `upgrade` and `downgrade` at the top.
    pub fn to_json(&self) -> serde_json::Value {
        let pairs: Vec<serde_json::Value> = self
            .pairs
            .iter()
            .map(|p| {
                serde_json::json!({
                    "pair": p.pair.key(),
                    "title": p.pair.title(),
                    "in_sync": p.diff.is_empty(),
                    "changes": p.diff.changes,
                    "upgrade": p.diff.upgrade,
                    "downgrade": p.diff.downgrade,
                    "warnings": p.diff.warnings,
                    "resolve": (!p.diff.is_empty()).then(|| self.resolve(p.pair)),
                })
            })
            .collect();
        let primary = self.primary();
        serde_json::json!({
            "in_sync": self.in_sync(),
            "chain": self.chain_label,
            "source": if self.online { "database" } else { "revision chain" },
            "dialect": self.dialect.map(|d| d.name()),
            "pairs": pairs,
            "notes": self.notes,
            "warnings": self.warnings,
            "hints": self.hints(),
            "pending": self.pending,
            "changes": primary.diff.changes,
            "upgrade": primary.diff.upgrade,
            "downgrade": primary.diff.downgrade,
        })
    }

    /// A unified diff of the DDL of both sides of `pair`, in the dialect
    /// compared for (PostgreSQL's without one). Columns are listed in the
    /// same order on both sides, so a column that sits elsewhere in the
    /// database (added later, so last) is not a change.
    pub fn ddl_diff(&self, pair: &PairDiff) -> String {
        let d = self.dialect.unwrap_or(Dialect::Postgres);
        let (from, to) = aligned(&pair.from, &pair.to);
        let ddl = |s: &Schema| match retort_sql::render_schema(s, d) {
            Ok(statements) => statements
                .iter()
                .map(|s| one_item_a_line(s.as_str().trim_end().trim_end_matches(';')) + ";\n")
                .collect::<String>(),
            Err(e) => format!("-- cannot render this schema for {}: {e}\n", d.name()),
        };
        let (old, new) = (ddl(&from), ddl(&to));
        let (a, b) = pair.pair.sides();
        similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(3)
            .header(a, b)
            .to_string()
    }
}

/// A `CREATE TABLE` with each column and constraint on its own line, so
/// the diff of two tables shows the one column that changed; other
/// statements as they are.
fn one_item_a_line(statement: &str) -> String {
    let (Some(open), Some(close)) = (statement.find('('), statement.rfind(')')) else {
        return statement.to_owned();
    };
    if !statement.starts_with("CREATE TABLE") || close < open {
        return statement.to_owned();
    }
    let inner = &statement[open + 1..close];
    let mut items = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, ch) in inner.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(inner[start..].trim());
    let body: Vec<String> = items.iter().map(|i| format!("  {i}")).collect();
    format!(
        "{}(\n{}\n){}",
        &statement[..open],
        body.join(",\n"),
        &statement[close + 1..]
    )
}

/// Both schemas with the columns of each shared table in one order: the
/// new side's, then the columns only the old side has.
fn aligned(from: &Schema, to: &Schema) -> (Schema, Schema) {
    let mut from = from.clone();
    for (name, t) in &mut from.tables {
        let Some(other) = to.tables.get(name) else {
            continue;
        };
        let rank = |c: &retort_core::Column| {
            other
                .columns
                .iter()
                .position(|o| o.name == c.name)
                .unwrap_or(usize::MAX)
        };
        t.columns.sort_by_key(rank);
    }
    (from, to.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::{Column, ColumnType, Table};

    fn table(cols: &[&str]) -> Schema {
        let mut t = Table::new("users");
        for c in cols {
            t.columns.push(Column::new(*c, ColumnType::Integer));
        }
        let mut s = Schema::default();
        s.tables.insert("users".into(), t);
        s
    }

    #[test]
    fn column_order_is_not_a_change_in_the_ddl_diff() {
        let c = Comparison {
            chain_label: "the main chain".into(),
            dialect: Some(Dialect::Postgres),
            online: true,
            pairs: Vec::new(),
            notes: Vec::new(),
            heads: Vec::new(),
            pending: false,
            warnings: Vec::new(),
        };
        let pair = |from: Schema, to: Schema| PairDiff {
            pair: Pair::ModelsDatabase,
            diff: diff(&from, &to, &DiffOptions::default()),
            from,
            to,
        };
        let same = pair(table(&["id", "b", "a"]), table(&["id", "a", "b"]));
        assert!(same.diff.is_empty());
        assert_eq!(c.ddl_diff(&same), "");
        let added = pair(table(&["id", "b", "a"]), table(&["id", "a", "new", "b"]));
        let text = c.ddl_diff(&added);
        let changed: Vec<&str> = text
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .collect();
        assert_eq!(changed.len(), 1, "{text}");
        assert!(changed[0].contains("new"), "{text}");
    }
}
