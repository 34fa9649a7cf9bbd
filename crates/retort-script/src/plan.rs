//! Upgrade and downgrade plans with Alembic's version-table bookkeeping.

use std::collections::HashSet;

use crate::target::Pos;
use crate::{Script, TargetError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Up,
    Down,
}

/// One statement against the version table (`alembic_version`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VersionChange {
    /// `INSERT INTO alembic_version (version_num) VALUES (rev)`
    Insert(String),
    /// `UPDATE alembic_version SET version_num = to WHERE version_num = from`
    Update { from: String, to: String },
    /// `DELETE FROM alembic_version WHERE version_num = rev`
    Delete(String),
}

/// Run one revision in one direction, then change the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub revision: String,
    pub direction: Direction,
    /// The version-table statements, in order, after the revision's operations.
    pub version: Vec<VersionChange>,
}

/// The ordered steps from `heads_before` to `heads_after` (the rows of the
/// version table before and after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub direction: Direction,
    pub heads_before: Vec<String>,
    pub steps: Vec<Step>,
    pub heads_after: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl Script {
    /// The steps that bring a database whose version table holds `current`
    /// to `target` (Alembic's `upgrade`).
    ///
    /// A squash runs through its squashed revision unless the database is
    /// inside its range or `target` names one of the revisions it replaces:
    /// then through the originals (see [`Script::for_database`]).
    pub fn upgrade_plan(&self, current: &[String], target: &str) -> Result<Plan, TargetError> {
        let view = self.for_database(current, Some(target));
        if !std::ptr::eq(&*view, self) {
            return view.upgrade_plan(current, target);
        }
        self.check_heads_in_view(current, target)?;
        let cur = self.current_indices(current)?;
        let targets = self.upgrade_targets(&cur, target)?;
        let required: HashSet<usize> = self.ancestors(&targets, true).into_iter().collect();
        let applied: HashSet<usize> = self.ancestors(&cur, true).into_iter().collect();
        let needs: Vec<usize> = required.difference(&applied).copied().collect();
        let mut order = self.topo_newest_first(&needs, &targets);
        order.reverse();
        self.bookkeeping(Direction::Up, &cur, &order)
    }

    /// The steps that bring a database whose version table holds `current`
    /// down to `target` (Alembic's `downgrade`).
    pub fn downgrade_plan(&self, current: &[String], target: &str) -> Result<Plan, TargetError> {
        let view = self.for_database(current, Some(target));
        if !std::ptr::eq(&*view, self) {
            return view.downgrade_plan(current, target);
        }
        self.check_heads_in_view(current, target)?;
        let cur = self.current_indices(current)?;
        let (branch, to) = self.downgrade_target(&cur, target)?;
        let mut roots = match to {
            Pos::Base => self.base_indices(),
            Pos::Rev(t) => self.nodes[t].next.clone(),
        };
        if let Some(b) = branch
            && roots.len() > 1
        {
            let on_branch: HashSet<usize> = self.ancestors(&[b], false).into_iter().collect();
            roots.retain(|r| on_branch.contains(r));
            if roots.is_empty() {
                return Err(self.not_ancestor(target, "downgrade", &cur));
            }
        }
        let active: HashSet<usize> = self.ancestors(&cur, true).into_iter().collect();
        let drop: Vec<usize> = self
            .descendants(&roots, true)
            .into_iter()
            .filter(|d| active.contains(d))
            .collect();
        if let Pos::Rev(t) = to
            && drop.is_empty()
            && !cur.contains(&t)
            && !active.contains(&t)
        {
            return Err(self.not_ancestor(target, "downgrade", &cur));
        }
        let order = self.topo_newest_first(&drop, &cur);
        self.bookkeeping(Direction::Down, &cur, &order)
    }

    /// An offline (`--sql`) run over `from:to`: the plan computed as if the
    /// version table held what `from` names (`base` for an empty table; a
    /// comma-separated list for several heads).
    /// Without `from:`, an upgrade starts from base; a downgrade needs it.
    pub fn offline_plan(&self, direction: Direction, range: &str) -> Result<Plan, TargetError> {
        let (from, to) = match range.split_once(':') {
            Some((f, t)) => (Some(f), t),
            None => (None, range),
        };
        let current: Vec<String> = match from {
            None if direction == Direction::Down => {
                return Err(TargetError::Syntax {
                    spec: range.to_owned(),
                    reason: "an offline downgrade needs a range\nhint: type `<from>:<to>`, e.g. `head:base`"
                        .to_owned(),
                });
            }
            None | Some("base") => Vec::new(),
            // Several current heads are written `a,b:target`.
            Some(f) => {
                let mut ids = Vec::new();
                for part in f.split(',').map(str::trim) {
                    for r in self.resolve(part)? {
                        if !ids.contains(&r.id) {
                            ids.push(r.id.clone());
                        }
                    }
                }
                ids
            }
        };
        match direction {
            Direction::Up => self.upgrade_plan(&current, to),
            Direction::Down => self.downgrade_plan(&current, to),
        }
    }

    fn not_ancestor(&self, spec: &str, direction: &'static str, cur: &[usize]) -> TargetError {
        TargetError::NotAnAncestor {
            spec: spec.to_owned(),
            direction,
            current: self.ids(cur),
        }
    }

    pub(crate) fn current_indices(&self, current: &[String]) -> Result<Vec<usize>, TargetError> {
        let mut out = Vec::new();
        for c in current {
            let i = self
                .rev_index(c)
                .ok_or_else(|| TargetError::UnknownCurrent {
                    revision: c.clone(),
                })?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Replays Alembic's `HeadMaintainer.update_to_step` over the steps.
    fn bookkeeping(
        &self,
        direction: Direction,
        current: &[usize],
        order: &[usize],
    ) -> Result<Plan, TargetError> {
        let mut heads: Vec<usize> = current.to_vec();
        let mut steps = Vec::with_capacity(order.len());
        for &r in order {
            let version = self.version_changes(direction, r, &mut heads)?;
            steps.push(Step {
                revision: self.revs[r].id.clone(),
                direction,
                version: version
                    .into_iter()
                    .map(|c| match c {
                        Change::Insert(i) => VersionChange::Insert(self.revs[i].id.clone()),
                        Change::Delete(i) => VersionChange::Delete(self.revs[i].id.clone()),
                        Change::Update(f, t) => VersionChange::Update {
                            from: self.revs[f].id.clone(),
                            to: self.revs[t].id.clone(),
                        },
                    })
                    .collect(),
            });
        }
        Ok(Plan {
            direction,
            heads_before: self.ids(current),
            steps,
            heads_after: self.ids(&heads),
        })
    }

    fn version_changes(
        &self,
        direction: Direction,
        r: usize,
        heads: &mut Vec<usize>,
    ) -> Result<Vec<Change>, TargetError> {
        let downs = self.nodes[r].normalized_down();
        let up = direction == Direction::Up;
        let in_heads = heads.contains(&r);
        let mut changes = Vec::new();
        if !up && in_heads && (downs.is_empty() || self.unmerge_to(r, &downs, heads).is_empty()) {
            // Going to base, or to a revision another head still needs.
            changes.push(Change::Delete(r));
        } else if up && (downs.is_empty() || !downs.iter().any(|d| heads.contains(d))) {
            // A base, or the second child of a branch point: a new row.
            changes.push(Change::Insert(r));
        } else if up && downs.len() > 1 && downs.iter().filter(|d| heads.contains(d)).count() > 1 {
            // A merge: delete all but one parent row, update the last.
            let others: Vec<usize> = heads
                .iter()
                .copied()
                .filter(|h| !downs.contains(h))
                .collect();
            let needed: HashSet<usize> = if others.is_empty() {
                HashSet::new()
            } else {
                self.ancestors(&others, true).into_iter().collect()
            };
            let from: Vec<usize> = downs
                .iter()
                .copied()
                .filter(|d| !needed.contains(d) && heads.contains(d))
                .collect();
            let (last, rest) = from.split_last().expect("a merge has parents in the heads");
            changes.extend(rest.iter().map(|&d| Change::Delete(d)));
            changes.push(Change::Update(*last, r));
        } else if !up && in_heads && downs.len() > 1 {
            // Unmerge: insert all but one parent row, update to the last.
            let to = self.unmerge_to(r, &downs, heads);
            let (last, rest) = to.split_last().expect("checked non-empty above");
            changes.extend(rest.iter().map(|&d| Change::Insert(d)));
            changes.push(Change::Update(r, *last));
        } else {
            let down = if downs.len() == 1 {
                downs[0]
            } else {
                let present: Vec<usize> = downs
                    .iter()
                    .copied()
                    .filter(|d| heads.contains(d))
                    .collect();
                match present.as_slice() {
                    [one] => *one,
                    _ => {
                        return Err(TargetError::Bookkeeping {
                            revision: self.revs[r].id.clone(),
                            reason: "its down revision in the version table is ambiguous"
                                .to_owned(),
                        });
                    }
                }
            };
            changes.push(if up {
                Change::Update(down, r)
            } else {
                Change::Update(r, down)
            });
        }
        for c in &changes {
            let bad = match *c {
                Change::Insert(i) => heads.contains(&i).then_some(i),
                Change::Delete(i) => (!heads.contains(&i)).then_some(i),
                Change::Update(f, t) => (!heads.contains(&f) || heads.contains(&t)).then_some(f),
            };
            if let Some(b) = bad {
                return Err(TargetError::Bookkeeping {
                    revision: self.revs[r].id.clone(),
                    reason: format!(
                        "the version table would not match `{}` exactly once",
                        self.revs[b].id
                    ),
                });
            }
            match *c {
                Change::Insert(i) => heads.push(i),
                Change::Delete(i) => heads.retain(|&h| h != i),
                Change::Update(f, t) => {
                    for h in heads.iter_mut() {
                        if *h == f {
                            *h = t;
                        }
                    }
                }
            }
        }
        Ok(changes)
    }

    /// The parents whose rows must exist after downgrading `r` (Alembic's
    /// `_unmerge_to_revisions`): those no other head still covers.
    fn unmerge_to(&self, r: usize, downs: &[usize], heads: &[usize]) -> Vec<usize> {
        let others: Vec<usize> = heads.iter().copied().filter(|&h| h != r).collect();
        let covered: HashSet<usize> = if others.is_empty() {
            downs
                .iter()
                .flat_map(|&d| {
                    self.ancestors(&[d], true)
                        .into_iter()
                        .filter(move |&a| a != d)
                })
                .collect()
        } else {
            self.ancestors(&others, true).into_iter().collect()
        };
        downs
            .iter()
            .copied()
            .filter(|d| !covered.contains(d))
            .collect()
    }
}

enum Change {
    Insert(usize),
    Update(usize, usize),
    Delete(usize),
}
