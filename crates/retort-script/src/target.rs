//! Alembic's target grammar: `head`, `heads`, `base`, `+N`, `-N`,
//! `<rev>+N`, `<rev>-N`, id prefixes, `label@head`, `label@+N`, labels.

use crate::{Revision, Script, TargetError};

/// A place in the graph reached by a walk: a revision, or "nothing applied".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    Base,
    Rev(usize),
}

/// A target as written, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Spec<'a> {
    Absolute {
        label: Option<&'a str>,
        symbol: &'a str,
    },
    Relative {
        label: Option<&'a str>,
        symbol: Option<&'a str>,
        delta: i64,
    },
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Splits a target (`(label@)?(symbol)?(+|-)N` or `(label@)?symbol`).
pub(crate) fn parse_spec(spec: &str) -> Result<Spec<'_>, TargetError> {
    let syntax = |reason: &str| TargetError::Syntax {
        spec: spec.to_owned(),
        reason: reason.to_owned(),
    };
    if spec.is_empty() {
        return Err(syntax("it is empty"));
    }
    if let Some(sign_at) = spec.rfind(['+', '-']) {
        let digits = &spec[sign_at + 1..];
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            let n: i64 = digits
                .parse()
                .map_err(|_| syntax("the step count is too large"))?;
            let delta = if spec.as_bytes()[sign_at] == b'-' {
                -n
            } else {
                n
            };
            let head = &spec[..sign_at];
            let (label, symbol) = match head.split_once('@') {
                Some((l, s)) => {
                    if l.is_empty() {
                        return Err(syntax("the branch label before `@` is empty"));
                    }
                    (Some(l), s)
                }
                None => (None, head),
            };
            let symbol = if symbol.is_empty() {
                None
            } else if is_word(symbol) {
                Some(symbol)
            } else {
                return Err(syntax(
                    "expected `[label@][rev](+|-)N`, e.g. `+1`, `-2`, `ae10+2`, `billing@+1`",
                ));
            };
            return Ok(Spec::Relative {
                label,
                symbol,
                delta,
            });
        }
    }
    let (label, symbol) = match spec.rsplit_once('@') {
        Some((l, s)) => {
            if l.is_empty() || s.is_empty() {
                return Err(syntax("expected `label@head`, `label@base` or `label@rev`"));
            }
            (Some(l), s)
        }
        None => (None, spec),
    };
    if !is_word(symbol) {
        return Err(syntax(
            "expected a revision id, a branch label, `head`, `heads`, `base`, or a relative step like `+1`",
        ));
    }
    Ok(Spec::Absolute { label, symbol })
}

impl Script {
    /// Resolves an absolute or revision-relative target to revisions, for
    /// `show`, `stamp` and `history -r`. `base` is the empty list;
    /// `label@base` gives the base revision(s) of that branch; `+N` counts
    /// from base.
    pub fn resolve(&self, spec: &str) -> Result<Vec<&Revision>, TargetError> {
        let idx = match parse_spec(spec)? {
            Spec::Absolute {
                label: Some(label),
                symbol: "base",
            } => {
                let l = self.resolve_branch(label)?;
                self.base_indices()
                    .into_iter()
                    .filter(|&b| self.shares_lineage(b, l))
                    .collect()
            }
            Spec::Absolute { label, symbol } => self.resolve_symbol(spec, label, symbol)?,
            Spec::Relative { .. } => self.upgrade_targets(&[], spec)?,
        };
        Ok(idx.into_iter().map(|i| &self.revs[i]).collect())
    }

    /// Like [`Script::resolve`], but the target must name exactly one revision.
    pub fn resolve_one(&self, spec: &str) -> Result<&Revision, TargetError> {
        let revs = self.resolve(spec)?;
        match revs.as_slice() {
            [one] => Ok(one),
            [] => Err(TargetError::Syntax {
                spec: spec.to_owned(),
                reason: "it names no revision (base)".to_owned(),
            }),
            many => {
                Err(self
                    .multiple_heads(spec, &many.iter().map(|r| r.id.clone()).collect::<Vec<_>>()))
            }
        }
    }

    pub(crate) fn multiple_heads(&self, spec: &str, heads: &[String]) -> TargetError {
        let mut labels: Vec<String> = heads
            .iter()
            .filter_map(|h| self.rev_index(h))
            .flat_map(|i| self.nodes[i].labels.iter().cloned())
            .collect();
        labels.sort();
        labels.dedup();
        TargetError::MultipleHeads {
            spec: spec.to_owned(),
            heads: heads.to_vec(),
            labels,
        }
    }

    /// The revision a branch label (or a revision used as one) stands for.
    pub(crate) fn resolve_branch(&self, label: &str) -> Result<usize, TargetError> {
        if let Some(&i) = self.labels.get(label) {
            return Ok(i);
        }
        self.revision_for_ident(label, None)
            .map_err(|_| TargetError::UnknownBranch {
                label: label.to_owned(),
            })
    }

    /// Whether `rev` is an ancestor or descendant of (or is) `of`, following
    /// `down_revision` only.
    pub(crate) fn shares_lineage(&self, rev: usize, of: usize) -> bool {
        self.descendants(&[rev], false).contains(&of) || self.ancestors(&[rev], false).contains(&of)
    }

    /// An id, a branch label or a unique id prefix, optionally checked to be
    /// on `label`'s branch.
    pub(crate) fn revision_for_ident(
        &self,
        ident: &str,
        label: Option<&str>,
    ) -> Result<usize, TargetError> {
        let branch = label.map(|l| self.resolve_branch(l)).transpose()?;
        let found = if let Some(i) = self.rev_index(ident) {
            i
        } else if let Some(&i) = self.labels.get(ident) {
            i
        } else {
            let mut candidates: Vec<usize> = (0..self.revs.len())
                .filter(|&i| self.revs[i].id.starts_with(ident))
                .collect();
            if let Some(b) = branch {
                candidates.retain(|&c| self.shares_lineage(c, b));
            }
            match candidates.as_slice() {
                [] => {
                    return Err(TargetError::UnknownRevision {
                        spec: ident.to_owned(),
                    });
                }
                [one] => *one,
                many => {
                    let mut ids = self.ids(many);
                    ids.sort();
                    return Err(TargetError::AmbiguousPrefix {
                        prefix: ident.to_owned(),
                        candidates: ids,
                    });
                }
            }
        };
        // In a view planned for a database inside a squashed range, the
        // squashed revision (out of the graph) stands for the range's end.
        let found = if self.unfolded.is_empty() {
            found
        } else {
            self.remap.get(&found).copied().unwrap_or(found)
        };
        if let (Some(b), Some(l)) = (branch, label)
            && !self.shares_lineage(found, b)
        {
            return Err(TargetError::NotOnBranch {
                revision: self.revs[found].id.clone(),
                label: l.to_owned(),
            });
        }
        Ok(found)
    }

    /// `head`, `heads`, `base` or an identifier, within `label` if given.
    pub(crate) fn resolve_symbol(
        &self,
        spec: &str,
        label: Option<&str>,
        symbol: &str,
    ) -> Result<Vec<usize>, TargetError> {
        match symbol {
            "heads" | "head" => {
                let heads = match label {
                    Some(l) => {
                        let b = self.resolve_branch(l)?;
                        self.head_indices()
                            .into_iter()
                            .filter(|&h| self.shares_lineage(h, b))
                            .collect()
                    }
                    None if symbol == "heads" => self.real_head_indices(),
                    None => self.head_indices(),
                };
                if symbol == "head" && heads.len() > 1 {
                    return Err(self.multiple_heads(spec, &self.ids(&heads)));
                }
                Ok(heads)
            }
            "base" => Ok(Vec::new()),
            ident => Ok(vec![self.revision_for_ident(ident, label)?]),
        }
    }

    /// A symbol that must name one revision (the start of a walk).
    fn resolve_single(
        &self,
        spec: &str,
        label: Option<&str>,
        symbol: &str,
    ) -> Result<Pos, TargetError> {
        let revs = self.resolve_symbol(spec, label, symbol)?;
        match revs.as_slice() {
            [] => Ok(Pos::Base),
            [one] => Ok(Pos::Rev(*one)),
            many => Err(self.multiple_heads(spec, &self.ids(many))),
        }
    }

    /// Walks `steps` up (positive) or down (negative) from `start`; walking up
    /// keeps to `label`'s branch when given.
    pub(crate) fn walk(
        &self,
        spec: &str,
        start: Pos,
        steps: i64,
        label: Option<usize>,
    ) -> Result<Pos, TargetError> {
        let mut at = start;
        for _ in 0..steps.unsigned_abs() {
            let choices: Vec<usize> = if steps > 0 {
                let up = match at {
                    Pos::Base => self.base_indices(),
                    Pos::Rev(i) => self.nodes[i].next.clone(),
                };
                match label {
                    Some(b) => up
                        .into_iter()
                        .filter(|&c| self.shares_lineage(c, b))
                        .collect(),
                    None => up,
                }
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Rev(i) if self.nodes[i].down.is_empty() => {
                        at = Pos::Base;
                        continue;
                    }
                    Pos::Rev(i) => self.nodes[i].down.clone(),
                }
            };
            at = match choices.as_slice() {
                [] => {
                    return Err(TargetError::WalkedTooFar {
                        spec: spec.to_owned(),
                    });
                }
                [one] => Pos::Rev(*one),
                many => {
                    return Err(TargetError::AmbiguousWalk {
                        spec: spec.to_owned(),
                        at: match at {
                            Pos::Base => "base".to_owned(),
                            Pos::Rev(i) => self.revs[i].id.clone(),
                        },
                        choices: self.ids(many),
                    });
                }
            };
        }
        Ok(at)
    }

    /// The revisions an upgrade to `spec` must reach, from `current`.
    pub(crate) fn upgrade_targets(
        &self,
        current: &[usize],
        spec: &str,
    ) -> Result<Vec<usize>, TargetError> {
        let (label, symbol, delta) = match parse_spec(spec)? {
            Spec::Absolute { label, symbol } => return self.resolve_symbol(spec, label, symbol),
            Spec::Relative {
                label,
                symbol,
                delta,
            } => (label, symbol, delta),
        };
        let branch = label.map(|l| self.resolve_branch(l)).transpose()?;
        let end = match (symbol, delta > 0) {
            (None, true) => {
                let mut starts: Vec<Pos> = match branch {
                    None => current.iter().map(|&c| Pos::Rev(c)).collect(),
                    Some(b) => {
                        let on_branch: Vec<usize> = current
                            .iter()
                            .copied()
                            .filter(|&c| self.shares_lineage(c, b))
                            .collect();
                        if on_branch.is_empty() {
                            // The branch has no head in the database yet:
                            // start from its applied tip, or from base.
                            let active: Vec<usize> = self
                                .ancestors(current, true)
                                .into_iter()
                                .filter(|&a| self.shares_lineage(a, b))
                                .collect();
                            active
                                .iter()
                                .copied()
                                .filter(|&a| {
                                    !active
                                        .iter()
                                        .any(|&o| self.nodes[o].normalized_down().contains(&a))
                                })
                                .map(Pos::Rev)
                                .collect()
                        } else {
                            on_branch.into_iter().map(Pos::Rev).collect()
                        }
                    }
                };
                if starts.is_empty() {
                    starts.push(Pos::Base);
                }
                if starts.len() > 1 {
                    return Err(TargetError::AmbiguousCurrent {
                        spec: spec.to_owned(),
                        heads: self.ids(current),
                    });
                }
                self.walk(spec, starts[0], delta, branch)?
            }
            (None, false) => {
                return Err(TargetError::Syntax {
                    spec: spec.to_owned(),
                    reason: "an upgrade cannot go down; use `downgrade`, or `<rev>-N`".to_owned(),
                });
            }
            (Some(sym), true) => {
                let start = self.resolve_single(spec, None, sym)?;
                self.walk(spec, start, delta, branch)?
            }
            (Some(sym), false) => {
                let start = self.resolve_single(spec, label, sym)?;
                self.walk(spec, start, delta, None)?
            }
        };
        Ok(match end {
            Pos::Base => Vec::new(),
            Pos::Rev(i) => vec![i],
        })
    }

    /// The branch to keep to (if any) and the revision to go down to.
    pub(crate) fn downgrade_target(
        &self,
        current: &[usize],
        spec: &str,
    ) -> Result<(Option<usize>, Pos), TargetError> {
        match parse_spec(spec)? {
            Spec::Absolute { label, symbol } => {
                let branch = label.map(|l| self.resolve_branch(l)).transpose()?;
                if symbol == "heads" {
                    return Err(TargetError::Syntax {
                        spec: spec.to_owned(),
                        reason: "`heads` is not a downgrade target".to_owned(),
                    });
                }
                Ok((branch, self.resolve_single(spec, label, symbol)?))
            }
            Spec::Relative {
                label,
                symbol,
                delta,
            } => {
                let branch = label.map(|l| self.resolve_branch(l)).transpose()?;
                if delta >= 0 {
                    let Some(sym) = symbol else {
                        return Err(TargetError::Syntax {
                            spec: spec.to_owned(),
                            reason: "a downgrade cannot go up; use `-N` or `<rev>+N`".to_owned(),
                        });
                    };
                    let start = self.resolve_single(spec, None, sym)?;
                    return Ok((branch, self.walk(spec, start, delta, branch)?));
                }
                let (branch, start) = match symbol {
                    Some(sym) => (branch, self.resolve_single(spec, label, sym)?),
                    None => {
                        let on_branch: Vec<usize> = match branch {
                            Some(b) => current
                                .iter()
                                .copied()
                                .filter(|&c| self.shares_lineage(c, b))
                                .collect(),
                            None => current.to_vec(),
                        };
                        match on_branch.as_slice() {
                            [] if current.is_empty() => {
                                return Err(TargetError::NoCurrent {
                                    spec: spec.to_owned(),
                                });
                            }
                            [] => {
                                return Err(TargetError::NotAnAncestor {
                                    spec: spec.to_owned(),
                                    direction: "downgrade",
                                    current: self.ids(current),
                                });
                            }
                            // Keep to the branch of the one current head.
                            [one] => (Some(branch.unwrap_or(*one)), Pos::Rev(*one)),
                            many => {
                                return Err(TargetError::AmbiguousCurrent {
                                    spec: spec.to_owned(),
                                    heads: self.ids(many),
                                });
                            }
                        }
                    }
                };
                Ok((branch, self.walk(spec, start, delta, None)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(spec: &str, expect: Spec<'_>) {
        assert_eq!(parse_spec(spec).unwrap(), expect, "{spec}");
    }

    #[test]
    fn grammar() {
        use Spec::*;
        let abs = |label, symbol| Absolute { label, symbol };
        let rel = |label, symbol, delta| Relative {
            label,
            symbol,
            delta,
        };
        check("head", abs(None, "head"));
        check("heads", abs(None, "heads"));
        check("base", abs(None, "base"));
        check("ae10", abs(None, "ae10"));
        check("billing@head", abs(Some("billing"), "head"));
        check("billing@base", abs(Some("billing"), "base"));
        check("my-branch@head", abs(Some("my-branch"), "head"));
        check("+2", rel(None, None, 2));
        check("-1", rel(None, None, -1));
        check("ae10+2", rel(None, Some("ae10"), 2));
        check("ae10-1", rel(None, Some("ae10"), -1));
        check("head-1", rel(None, Some("head"), -1));
        check("billing@+1", rel(Some("billing"), None, 1));
        check("billing@-1", rel(Some("billing"), None, -1));
        check("billing@ae10+1", rel(Some("billing"), Some("ae10"), 1));
        check("my-branch@-2", rel(Some("my-branch"), None, -2));
    }

    #[test]
    fn bad_grammar() {
        for bad in [
            "", "@head", "billing@", "a b", "ae10+x", "a.b+1", "@-1", "x:y",
        ] {
            assert!(
                matches!(parse_spec(bad), Err(TargetError::Syntax { .. })),
                "{bad:?} parsed as {:?}",
                parse_spec(bad)
            );
        }
    }
}
