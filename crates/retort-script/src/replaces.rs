//! Squashed revisions in the graph: `replaces = [...]` (Django's
//! `squashmigrations`).
//!
//! A squashed revision `S` with `down_revision = P` and `replaces = [B, C, D]`
//! stands for the straight run `P -> B -> C -> D`. The script as loaded is the
//! graph a new database follows: `S` is in it and `B`, `C`, `D` are not (a
//! reference to one of them, such as a child whose `down_revision` is still
//! `D`, counts as a reference to `S`). A database whose version table holds
//! one of `B`, `C`, `D` is inside the range: its plans use the graph with the
//! originals instead (`S` out, references to `S` counting as `D`), so it
//! keeps upgrading (and downgrading) through them. Once it is past the range
//! both graphs give the same revisions and the same schema.
//!
//! The replaced files stay until `retort squash --prune` deletes them; a
//! `replaces` whose revisions are all gone is inert.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::target::{Spec, parse_spec};
use crate::{Revision, Script, ScriptError, TargetError};

/// One squashed revision and the revisions it replaces.
#[derive(Debug, Clone)]
pub(crate) struct Squash {
    pub(crate) squashed: usize,
    /// In upgrade order; the last one is the end of the range.
    pub(crate) replaced: Vec<usize>,
}

fn list<'a>(ids: impl IntoIterator<Item = &'a String>) -> String {
    ids.into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parents(down: &[String]) -> String {
    if down.is_empty() {
        "none (a base)".to_owned()
    } else {
        list(down)
    }
}

/// The squashes of a directory, checked: each `replaces` lists a straight
/// run of revisions in upgrade order starting where the squashed revision
/// starts, no revision is replaced twice, and nothing outside a range points
/// into its middle.
pub(crate) fn squashes(
    revs: &[Revision],
    index: &HashMap<String, usize>,
) -> Result<Vec<Squash>, ScriptError> {
    let mut out = Vec::new();
    let mut owner: HashMap<usize, usize> = HashMap::new();
    for (s, rev) in revs.iter().enumerate() {
        if rev.replaces.is_empty() {
            continue;
        }
        let bad = |reason: String| ScriptError::BadReplaces {
            path: rev.path.clone(),
            revision: rev.id.clone(),
            reason,
        };
        let mut seen = HashSet::new();
        for r in &rev.replaces {
            if *r == rev.id {
                return Err(bad("names the revision itself".to_owned()));
            }
            if !seen.insert(r) {
                return Err(bad(format!("names `{r}` twice")));
            }
        }
        let (present, missing): (Vec<&String>, Vec<&String>) =
            rev.replaces.iter().partition(|r| index.contains_key(*r));
        if present.is_empty() {
            // Pruned: the squashed revision is an ordinary one.
            continue;
        }
        if !missing.is_empty() {
            return Err(bad(format!(
                "names {}, which are not in the directory, while {} are\nhint: an interrupted `retort squash --prune`? delete the replaced files still present, or restore the missing ones",
                list(missing),
                list(present)
            )));
        }
        let replaced: Vec<usize> = rev.replaces.iter().map(|r| index[r]).collect();
        for (k, &r) in replaced.iter().enumerate() {
            let rr = &revs[r];
            let expected: Vec<String> = if k == 0 {
                rev.down_revisions.clone()
            } else {
                vec![revs[replaced[k - 1]].id.clone()]
            };
            if rr.down_revisions != expected {
                return Err(bad(format!(
                    "lists `{}`, whose `down_revision` is {}, where the run needs {}\nhint: `replaces` lists a straight run of revisions in upgrade order, the first with the same `down_revision` as `{}`",
                    rr.id,
                    parents(&rr.down_revisions),
                    parents(&expected),
                    rev.id
                )));
            }
            if rr.replaces.iter().any(|x| index.contains_key(x)) {
                return Err(bad(format!(
                    "includes `{}`, itself a squash whose replaced revisions are still present\nhint: run `retort squash --prune` first",
                    rr.id
                )));
            }
            if let Some(&o) = owner.get(&r) {
                return Err(bad(format!(
                    "includes `{}`, which `{}` replaces too",
                    rr.id, revs[o].id
                )));
            }
            owner.insert(r, s);
        }
        out.push(Squash {
            squashed: s,
            replaced,
        });
    }
    for sq in &out {
        let members: HashSet<usize> = sq.replaced.iter().copied().collect();
        let inner: HashSet<usize> = sq.replaced[..sq.replaced.len() - 1]
            .iter()
            .copied()
            .collect();
        let squashed = &revs[sq.squashed];
        for (i, r) in revs.iter().enumerate() {
            let refs = r.down_revisions.iter().chain(&r.depends_on);
            for d in refs {
                let Some(&j) = index.get(d) else { continue };
                let into_range = if i == sq.squashed {
                    members.contains(&j)
                } else if members.contains(&i) {
                    j == sq.squashed
                } else {
                    inner.contains(&j)
                };
                if into_range {
                    return Err(ScriptError::BadReplaces {
                        path: r.path.clone(),
                        revision: r.id.clone(),
                        reason: format!(
                            "cannot work: `{}` names `{d}` as a parent or dependency, and `{d}` is inside the range that `{}` replaces ({})\nhint: a squashed range has no branches; point it at `{}` (the end of the range) or squash a shorter range",
                            r.id,
                            squashed.id,
                            list(&squashed.replaces),
                            squashed.id
                        ),
                    });
                }
            }
        }
    }
    Ok(out)
}

impl Script {
    /// The graph to plan with for a database whose version table holds
    /// `heads`, going to `target`: the script itself, unless a head or the
    /// target is a revision some squash replaces; then that squash runs
    /// through its originals. A view only ever unfolds more squashes.
    pub fn for_database(&self, heads: &[String], target: Option<&str>) -> Cow<'_, Script> {
        let mut unfold: Vec<usize> = self.unfolded.clone();
        let mut names: Vec<usize> = heads.iter().filter_map(|h| self.rev_index(h)).collect();
        if let Some(t) = target.and_then(|t| self.target_revision(t)) {
            names.push(t);
        }
        for (g, sq) in self.squashes.iter().enumerate() {
            if !unfold.contains(&g) && names.iter().any(|n| sq.replaced.contains(n)) {
                unfold.push(g);
            }
        }
        unfold.sort_unstable();
        if unfold == self.unfolded {
            return Cow::Borrowed(self);
        }
        match Script::view(
            self.location().to_owned(),
            self.revs.clone(),
            self.index.clone(),
            self.squashes.clone(),
            unfold,
        ) {
            Ok(view) => Cow::Owned(view),
            // Every view was built once when the script loaded.
            Err(_) => Cow::Borrowed(self),
        }
    }

    /// Builds the view of each squash unfolded, so that a problem in one
    /// shows when the directory loads, not in the middle of a plan.
    pub(crate) fn check_views(&self) -> Result<(), ScriptError> {
        for g in 0..self.squashes.len() {
            Script::view(
                self.location().to_owned(),
                self.revs.clone(),
                self.index.clone(),
                self.squashes.clone(),
                vec![g],
            )?;
        }
        Ok(())
    }

    /// The revision a target names by id or prefix (not by label or
    /// keyword), whether or not this graph holds it.
    fn target_revision(&self, target: &str) -> Option<usize> {
        let symbol = match parse_spec(target).ok()? {
            Spec::Absolute { symbol, .. } => symbol,
            Spec::Relative { symbol, .. } => symbol?,
        };
        if matches!(symbol, "head" | "heads" | "base") {
            return None;
        }
        if let Some(i) = self.rev_index(symbol) {
            return Some(i);
        }
        let mut found = (0..self.revs.len()).filter(|&i| self.revs[i].id.starts_with(symbol));
        match (found.next(), found.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }

    /// Refuses a plan whose database is at a squashed revision while the
    /// target lies inside its range (the version table cannot say where in
    /// the range the database would be).
    pub(crate) fn check_heads_in_view(
        &self,
        heads: &[String],
        target: &str,
    ) -> Result<(), TargetError> {
        for h in heads {
            if let Some(i) = self.rev_index(h)
                && self.hidden[i]
                && self.squashes.iter().any(|s| s.squashed == i)
            {
                let before = self.revs[i]
                    .down_revisions
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "base".to_owned());
                return Err(TargetError::InsideSquash {
                    spec: target.to_owned(),
                    squashed: h.clone(),
                    before,
                });
            }
        }
        Ok(())
    }

    /// Each revision out of this graph replaced by the one standing for it
    /// (in a view with a squash unfolded, the squashed revision counts as
    /// the end of its range: the same schema).
    pub(crate) fn stand_ins(&self, idx: Vec<usize>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(idx.len());
        for i in idx {
            let i = self.remap.get(&i).copied().unwrap_or(i);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// The squashed revision that replaces `id`, when `id` is in a range
    /// whose files are still present.
    pub fn replaced_by(&self, id: &str) -> Option<&Revision> {
        let i = self.rev_index(id)?;
        self.squashes
            .iter()
            .find(|s| s.replaced.contains(&i))
            .map(|s| &self.revs[s.squashed])
    }

    /// The revisions `id` replaces, when it is a squash whose replaced files
    /// are still present (upgrade order).
    pub fn replaced_of(&self, id: &str) -> Vec<&Revision> {
        let Some(i) = self.rev_index(id) else {
            return Vec::new();
        };
        self.squashes
            .iter()
            .find(|s| s.squashed == i)
            .map(|s| s.replaced.iter().map(|&r| &self.revs[r]).collect())
            .unwrap_or_default()
    }

    /// Every squashed revision whose replaced files are still present, with
    /// them (upgrade order).
    pub fn squashed(&self) -> Vec<(&Revision, Vec<&Revision>)> {
        self.squashes
            .iter()
            .map(|s| {
                (
                    &self.revs[s.squashed],
                    s.replaced.iter().map(|&r| &self.revs[r]).collect(),
                )
            })
            .collect()
    }

    /// Every revision newest first, as [`Script::history`], with each
    /// squash's replaced revisions listed just below it (for `history` and
    /// `status`, which show both).
    pub fn history_with_replaced(&self) -> Vec<&Revision> {
        let mut out = Vec::with_capacity(self.revs.len());
        for rev in self.history() {
            let i = self.index[&rev.id];
            for sq in self.squashes.iter() {
                let last = *sq.replaced.last().expect("a squash replaces some");
                if self.hidden[sq.squashed] && last == i {
                    out.push(&self.revs[sq.squashed]);
                }
            }
            out.push(rev);
            for sq in self.squashes.iter() {
                if sq.squashed == i && !self.hidden[i] {
                    out.extend(sq.replaced.iter().rev().map(|&r| &self.revs[r]));
                }
            }
        }
        out
    }

    /// What a database whose version table holds `heads` has applied, in
    /// the graph it follows, plus what that stands for: a squashed revision
    /// counts as applied once all it replaces are, and its replaced
    /// revisions once it is.
    pub fn applied_with_replaced(&self, heads: &[String]) -> Result<HashSet<&str>, TargetError> {
        let mut applied = self.applied_ids(heads, true)?;
        for sq in self.squashes.iter() {
            let s = self.revs[sq.squashed].id.as_str();
            if applied.contains(s) {
                applied.extend(sq.replaced.iter().map(|&r| self.revs[r].id.as_str()));
            } else if sq
                .replaced
                .iter()
                .all(|&r| applied.contains(self.revs[r].id.as_str()))
            {
                applied.insert(s);
            }
        }
        Ok(applied)
    }

    /// The revisions a database whose version table holds `heads` has
    /// applied, in upgrade order, through the graph it follows: what its
    /// schema replays from.
    pub fn applied_in_order(&self, heads: &[String]) -> Result<Vec<&Revision>, TargetError> {
        let view = self.for_database(heads, None);
        let cur = view.stand_ins(view.current_indices(heads)?);
        let needed: HashSet<usize> = view.ancestors(&cur, true).into_iter().collect();
        let all: Vec<usize> = view.visible().collect();
        let mut order = view.topo_newest_first(&all, &view.real_head_indices());
        order.reverse();
        Ok(order
            .into_iter()
            .filter(|i| needed.contains(i))
            .map(|i| &self.revs[i])
            .collect())
    }
}
