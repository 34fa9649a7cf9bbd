//! `lint`: the findings of `retort-lint` on the revisions a target, a range,
//! or the database's version picks. Opens a connection only to ask the
//! database which revisions it has applied.

use retort_core::Dialect;
use retort_lint::{LintConfig, LintOptions, Report, Severity, lint_revisions};
use retort_script::{Direction, Revision, Script};
use serde_json::json;

use crate::args::OutputFormat;
use crate::commands::online;
use crate::config::Config;
use crate::error::CliError;

/// Which revisions are linted, and why: said in the output.
struct Selection<'s> {
    /// `target`, `range`, `unapplied` or `all`.
    kind: &'static str,
    description: String,
    revisions: Vec<&'s Revision>,
}

pub fn run(
    config: &Config,
    script: &Script,
    target: Option<&str>,
    dialect: Option<Dialect>,
    format: OutputFormat,
) -> Result<(), CliError> {
    let settings =
        LintConfig::from_pairs(config.lint.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| CliError::user(e.to_string()))?;
    let dialect = dialect.or_else(|| {
        config
            .url
            .as_deref()
            .and_then(|u| Dialect::from_url(u).ok())
    });
    let sel = select(config, script, target)?;
    let options = LintOptions {
        dialect,
        config: settings,
    };
    let report = lint_revisions(script, &sel.revisions, &options)
        .map_err(|e| CliError::user(e.to_string()))?;
    match format {
        OutputFormat::Json => print_json(&sel, dialect, &report)?,
        OutputFormat::Table => print_text(&sel, dialect, &report)?,
    }
    if report.has_errors() {
        let n = report.count(Severity::Error);
        return Err(CliError::no(format!("lint found {n} error(s)")).hint(
            "use the safer form the hint names, or accept the finding on its operation with `lint_ignore = [\"CODE\"]` and a `reason`",
        ));
    }
    Ok(())
}

fn select<'s>(
    config: &Config,
    script: &'s Script,
    target: Option<&str>,
) -> Result<Selection<'s>, CliError> {
    let target_error = |e: retort_script::TargetError| CliError::user(e.to_string());
    let of_plan = |plan: retort_script::Plan| -> Vec<&'s Revision> {
        plan.steps
            .iter()
            .filter_map(|s| script.get(&s.revision))
            .collect()
    };
    if let Some(t) = target {
        if t.contains(':') {
            let plan = script
                .offline_plan(Direction::Up, t)
                .map_err(target_error)?;
            return Ok(Selection {
                kind: "range",
                description: format!("the revisions of `{t}`"),
                revisions: of_plan(plan),
            });
        }
        return Ok(Selection {
            kind: "target",
            description: format!("`{t}`"),
            revisions: script.resolve(t).map_err(target_error)?,
        });
    }
    let all = |why: String| Selection {
        kind: "all",
        description: format!("every revision, base to heads ({why})"),
        revisions: script.topological(),
    };
    let Some(url) = config.url.as_deref() else {
        return Ok(all("no database URL".to_owned()));
    };
    // Asking an SQLite URL would create the file: a missing one has applied nothing.
    if let Some(path) = sqlite_file(url)
        && !std::path::Path::new(path).exists()
    {
        return Ok(all(format!(
            "the SQLite database `{path}` does not exist yet"
        )));
    }
    match online::current_heads(config, script.clone()) {
        Ok(heads) => {
            let plan = script.upgrade_plan(&heads, "heads").map_err(target_error)?;
            Ok(Selection {
                kind: "unapplied",
                description: "the revisions the database has not applied".to_owned(),
                revisions: of_plan(plan),
            })
        }
        Err(e) => {
            let first = e.message.lines().next().unwrap_or_default().to_owned();
            Ok(all(format!("the database is not reachable: {first}")))
        }
    }
}

/// The file of an `sqlite:` URL, `None` for another dialect or `:memory:`.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// Each finding in three lines: place, severity, code and message; the
/// operation; the hint. Then two lines for each code folded into it (the
/// dialect's lock or rebuild on the same concern): `also`, its hint.
pub(crate) fn findings_text(report: &Report) -> String {
    let mut text = String::new();
    for f in &report.findings {
        let place = match f.line {
            Some(l) => format!("{}:{l}", f.file.display()),
            None => f.file.display().to_string(),
        };
        text.push_str(&format!(
            "{place}: {} {}: {}\n",
            f.severity, f.code, f.message
        ));
        text.push_str(&format!("  in revision {}: {}\n", f.revision, f.operation));
        text.push_str(&format!("  hint: {}\n", f.hint));
        for a in &f.also {
            text.push_str(&format!(
                "  also {} {}: {}\n  hint: {}\n",
                a.severity, a.code, a.message, a.hint
            ));
        }
    }
    text
}

/// The findings on one revision just written (autogenerate), on stderr;
/// returns how many are errors. `before` is the schema it applies to, left
/// with the revision applied.
pub(crate) fn report_new_revision(
    config: &Config,
    before: &mut retort_core::Replay,
    rev: &Revision,
    dialect: Option<Dialect>,
) -> Result<usize, CliError> {
    let settings =
        LintConfig::from_pairs(config.lint.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| CliError::user(e.to_string()))?;
    let options = LintOptions {
        dialect,
        config: settings,
    };
    let report = retort_lint::lint_ops_on(before, rev, &options)
        .map_err(|e| CliError::user(e.to_string()))?;
    if !report.findings.is_empty() {
        eprintln!(
            "Lint ({} error(s), {} warning(s); `retort lint {}` to see them again):",
            report.count(Severity::Error),
            report.count(Severity::Warning),
            rev.id
        );
        eprint!("{}", findings_text(&report));
    }
    Ok(report.count(Severity::Error))
}

fn print_text(
    sel: &Selection<'_>,
    dialect: Option<Dialect>,
    report: &Report,
) -> Result<(), CliError> {
    let dialect = match dialect {
        Some(d) => format!("for {d}"),
        None => "portable checks only (pass `--dialect` for a dialect's)".to_owned(),
    };
    outln!(
        "Linting {} revision(s): {}; {dialect}",
        sel.revisions.len(),
        sel.description
    )?;
    out!("{}", findings_text(report))?;
    outln!(
        "{} error(s), {} warning(s), {} info",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    )
}

fn print_json(
    sel: &Selection<'_>,
    dialect: Option<Dialect>,
    report: &Report,
) -> Result<(), CliError> {
    let value = json!({
        "scope": sel.kind,
        "description": sel.description,
        "dialect": dialect.map(Dialect::name),
        "revisions": sel.revisions.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        "findings": report.findings,
        "errors": report.count(Severity::Error),
        "warnings": report.count(Severity::Warning),
        "infos": report.count(Severity::Info),
    });
    outln!("{}", serde_json::to_string_pretty(&value).expect("json"))
}
