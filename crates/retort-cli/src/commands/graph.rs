//! `heads`, `branches`, `history`, `show`: where the graph stands. No database.

use std::collections::HashSet;

use retort_script::{Revision, Script};

use crate::args::TextFormat;
use crate::display;
use crate::error::CliError;

pub fn heads(script: &Script, verbose: bool, format: TextFormat) -> Result<(), CliError> {
    if format == TextFormat::Json {
        let items = script
            .heads()
            .into_iter()
            .filter_map(|id| script.get(id))
            .map(|rev| display::json(script, rev, false))
            .collect();
        return display::print_json(items);
    }
    for id in script.heads() {
        let rev = script.get(id).expect("a head is a revision");
        if verbose {
            outln!("{}", display::verbose(script, rev, false))?;
        } else {
            outln!("{}{}", rev.id, display::status(script, rev))?;
        }
    }
    Ok(())
}

pub fn branches(script: &Script, verbose: bool, format: TextFormat) -> Result<(), CliError> {
    if format == TextFormat::Json {
        let items = script
            .branch_points()
            .into_iter()
            .filter_map(|id| script.get(id))
            .map(|rev| display::json(script, rev, false))
            .collect();
        return display::print_json(items);
    }
    for id in script.branch_points() {
        let rev = script.get(id).expect("a branch point is a revision");
        if verbose {
            outln!("{}", display::verbose(script, rev, false))?;
        } else {
            outln!("{}{}", rev.id, display::status(script, rev))?;
        }
        let pad = " ".repeat(rev.id.len());
        for child in script.children(id) {
            let c = script.get(child).expect("a child is a revision");
            outln!(
                "{pad} -> {}{}, {}",
                c.id,
                display::status(script, c),
                c.message.lines().next().unwrap_or("")
            )?;
        }
    }
    Ok(())
}

/// `current` lists the database's heads for `-i`; they are marked `(current)`
/// (in JSON, every item gets `"current": true|false`).
pub fn history(
    script: &Script,
    range: Option<&str>,
    verbose: bool,
    current: Option<&[String]>,
    format: TextFormat,
) -> Result<(), CliError> {
    let revs = select_range(script, range)?;
    if format == TextFormat::Json {
        let items = revs
            .into_iter()
            .map(|rev| {
                let mut v = display::json(script, rev, false);
                if let Some(current) = current {
                    v["current"] = current.contains(&rev.id).into();
                }
                v
            })
            .collect();
        return display::print_json(items);
    }
    let current = current.unwrap_or_default();
    for rev in revs {
        let mark = if current.contains(&rev.id) {
            " (current)"
        } else {
            ""
        };
        if verbose {
            let text = display::verbose(script, rev, false);
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            outln!("{first}{mark}\n{rest}")?;
        } else {
            let line = display::line(script, rev);
            match line.split_once(", ") {
                Some((head, msg)) if !mark.is_empty() => outln!("{head}{mark}, {msg}")?,
                _ => outln!("{line}")?,
            }
        }
    }
    Ok(())
}

/// Revisions between `start` and `end` inclusive (Alembic's `-r start:end`), newest first.
fn select_range<'a>(
    script: &'a Script,
    range: Option<&str>,
) -> Result<Vec<&'a Revision>, CliError> {
    let Some(range) = range else {
        // A squash's replaced revisions are listed below it, marked.
        return Ok(script.history_with_replaced());
    };
    let Some((start, end)) = range.split_once(':') else {
        return Err(
            CliError::user(format!("history range `{range}` has no `:`"))
                .hint("type `start:end`, e.g. `base:head`, `1f3a:`, or `:2b4d`"),
        );
    };
    let resolve = |spec: &str, default: &str| -> Result<Vec<&'a Revision>, CliError> {
        let spec = if spec.is_empty() { default } else { spec };
        // `-N` (or `label@-N`) counts down from the head: the graph has no
        // current revision, and "an upgrade cannot go down" would be wrong.
        let from_head;
        let spec = match relative_down(spec) {
            Some((label, n)) => {
                from_head = format!("{label}head-{n}");
                from_head.as_str()
            }
            None => spec,
        };
        if spec == "current" {
            return Err(
                CliError::user("`current` in a history range needs a database")
                    .hint("use revision ids, `base` or `heads`"),
            );
        }
        script
            .resolve(spec)
            .map_err(|e| CliError::user(e.to_string()))
    };
    let upper = resolve(end, "heads")?;
    let lower = resolve(start, "base")?;
    // Ancestors of the upper bound, inclusive.
    let upper_ids: Vec<String> = upper.iter().map(|r| r.id.clone()).collect();
    let below = script
        .applied_ids(&upper_ids, false)
        .map_err(|e| CliError::user(e.to_string()))?;
    // Descendants of the lower bound, inclusive (everything when it is base).
    let above: Option<HashSet<&str>> = (!lower.is_empty()).then(|| {
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = lower.iter().map(|r| r.id.as_str()).collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(script.children(id));
            }
        }
        seen
    });
    Ok(script
        .history()
        .into_iter()
        .filter(|r| {
            below.contains(r.id.as_str())
                && above.as_ref().is_none_or(|a| a.contains(r.id.as_str()))
        })
        .collect())
}

/// `-N` or `label@-N` as (`label@` or ``, `N`).
fn relative_down(spec: &str) -> Option<(&str, &str)> {
    let at = spec.rfind('@').map_or(0, |i| i + 1);
    let n = spec[at..].strip_prefix('-')?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some((&spec[..at], n))
}

pub fn show(script: &Script, spec: &str, format: TextFormat) -> Result<(), CliError> {
    let revs = script
        .resolve(spec)
        .map_err(|e| CliError::user(e.to_string()))?;
    if revs.is_empty() {
        return Err(CliError::user(format!("`{spec}` names no revision")));
    }
    if format == TextFormat::Json {
        let items = revs
            .into_iter()
            .map(|rev| display::json(script, rev, true))
            .collect();
        return display::print_json(items);
    }
    for rev in revs {
        out!("{}", display::verbose(script, rev, true))?;
    }
    Ok(())
}
