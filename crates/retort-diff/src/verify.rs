//! The replay check: does the plan end where it should, both ways?

use retort_core::{Replay, ReplayError, Schema};

use crate::{Diff, DiffOptions, diff};

/// Why a [`Diff`] does not take one schema to the other.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("the {direction} step `{op}` does not apply: {source}")]
    Replay {
        direction: &'static str,
        op: String,
        source: ReplayError,
    },
    #[error("after the {direction} the schemas still differ: {}", .remaining.join("; "))]
    Differs {
        direction: &'static str,
        remaining: Vec<String>,
    },
}

/// Replays `d.upgrade` on `from` and checks that nothing differs from `to`
/// any more, then replays `d.downgrade` and checks that it is back at `from`
/// (both compared by [`diff`] itself, with `options`' comparison profile).
pub fn verify(
    from: &Schema,
    to: &Schema,
    d: &Diff,
    options: &DiffOptions,
) -> Result<(), VerifyError> {
    verify_steps(from.clone(), from, to, d, options, &Schema::clone)
}

/// Replays `d.upgrade` on `base` (the schema the operations are rendered
/// against: the revision chain's), maps the result with `normalize` and
/// checks that nothing differs from `to`; then the same for `d.downgrade`
/// and `from`. The check for a [`Diff::respell`]ed diff.
pub fn verify_on(
    base: &Schema,
    from: &Schema,
    to: &Schema,
    d: &Diff,
    options: &DiffOptions,
    normalize: &dyn Fn(&Schema) -> Schema,
) -> Result<(), VerifyError> {
    verify_steps(base.clone(), from, to, d, options, normalize)
}

fn verify_steps(
    start: Schema,
    from: &Schema,
    to: &Schema,
    d: &Diff,
    options: &DiffOptions,
    normalize: &dyn Fn(&Schema) -> Schema,
) -> Result<(), VerifyError> {
    // What to compare, without the renames: after the replay both sides
    // carry the new names already.
    let profile = DiffOptions {
        compare_comments: options.compare_comments,
        ..DiffOptions::default()
    };
    // One index of names across both directions keeps the replay linear.
    let mut s = Replay::new(start);
    replay(&mut s, &d.upgrade, "upgrade")?;
    same(&normalize(s.schema()), to, &profile, "upgrade")?;
    replay(&mut s, &d.downgrade, "downgrade")?;
    same(&normalize(s.schema()), from, &profile, "downgrade")
}

fn replay(
    s: &mut Replay,
    ops: &[retort_core::Operation],
    direction: &'static str,
) -> Result<(), VerifyError> {
    for op in ops {
        s.apply(op).map_err(|source| VerifyError::Replay {
            direction,
            op: op.describe(),
            source,
        })?;
    }
    Ok(())
}

fn same(
    got: &Schema,
    want: &Schema,
    profile: &DiffOptions,
    direction: &'static str,
) -> Result<(), VerifyError> {
    // Equal schemas have nothing left to plan (the common case: the check
    // passes), and comparing is much cheaper than planning.
    if got == want {
        return Ok(());
    }
    let left = diff(got, want, profile);
    if left.is_empty() {
        return Ok(());
    }
    Err(VerifyError::Differs {
        direction,
        remaining: left.changes.iter().map(|c| c.description.clone()).collect(),
    })
}
