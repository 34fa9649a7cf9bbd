//! `squash FROM:TO -m MSG` and `squash --prune`.

use retort_script::{Script, SquashRequest, check_prune, prune, squash};

use crate::commands::online::{block_on, reader, run_error, url};
use crate::config::Config;
use crate::error::CliError;

pub fn run(
    config: &Config,
    script: &Script,
    range: Option<String>,
    message: Option<String>,
    rev_id: Option<String>,
    prune_files: bool,
) -> Result<(), CliError> {
    if prune_files {
        return run_prune(config, script);
    }
    let range = range.expect("clap requires a range without --prune");
    let done = squash(
        script,
        SquashRequest {
            range,
            message: message.unwrap_or_default(),
            rev_id,
            file_template: Some(config.file_template.clone()),
            create_date: None,
        },
    )
    .map_err(crate::script_error)?;
    let rev = &done.revision;
    eprintln!(
        "Generating {} ... done\nSquashed {} revisions ({} to {}): {} upgrade and {} downgrade operation(s) became {} and {}",
        rev.path.display(),
        done.replaced.len(),
        done.replaced.first().map(String::as_str).unwrap_or(""),
        done.replaced.last().map(String::as_str).unwrap_or(""),
        done.operations_before.0,
        done.operations_before.1,
        done.operations_after.0,
        done.operations_after.1,
    );
    for direction in &done.unfolded {
        eprintln!(
            "note: the folded {direction} did not replay to the range's schema; it is written as the range's operations, unfolded"
        );
    }
    for (id, path) in &done.repointed {
        eprintln!(
            "Re-pointed `{id}` ({}) from `{}` to `{}`",
            path.display(),
            done.replaced.last().map(String::as_str).unwrap_or(""),
            rev.id
        );
    }
    eprintln!(
        "A new database runs `{}`; one at a revision inside the range keeps upgrading through the originals.\nhint: once every database is at or past `{}`, `retort squash --prune` deletes the replaced files",
        rev.id, rev.id
    );
    outln!("{}", rev.id)
}

fn run_prune(config: &Config, script: &Script) -> Result<(), CliError> {
    let squashes = script.squashed();
    if squashes.is_empty() {
        eprintln!("Nothing to prune: no squashed revision has its replaced files present");
        return Ok(());
    }
    let url = url(config)?;
    let m = reader(config, script.clone());
    let heads = block_on(m.current(url)).map_err(|e| run_error(e, url))?;
    // Every squash is checked before any file changes.
    for (s, _) in &squashes {
        check_prune(script, &s.id, &heads).map_err(crate::script_error)?;
    }
    let mut current = script.clone();
    for (s, _) in &squashes {
        let done = prune(&current, &s.id).map_err(crate::script_error)?;
        for p in &done.deleted {
            eprintln!("Deleted {}", p.display());
        }
        for (id, path) in &done.repointed {
            eprintln!(
                "Re-pointed `{id}` ({}) at `{}`",
                path.display(),
                done.squashed
            );
        }
        eprintln!("`{}` no longer has `replaces`", done.squashed);
        current = Script::load(current.location()).map_err(crate::script_error)?;
    }
    Ok(())
}
