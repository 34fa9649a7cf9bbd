//! `edit REV`: the revision file in the user's editor (Alembic's `edit`).

use std::process::Command;

use retort_script::{Revision, Script};

use crate::error::CliError;

/// Opens the file in `$VISUAL`, else `$EDITOR` (a shell command, as git
/// runs it, so `code -w` and quoted paths work), waits, then reads the file again so a
/// mistake is reported now rather than at the next upgrade.
pub fn run(script: &Script, spec: &str) -> Result<(), CliError> {
    let rev = script
        .resolve_one(spec)
        .map_err(|e| CliError::user(e.to_string()))?;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            CliError::user("no editor: neither `VISUAL` nor `EDITOR` is set").hint(format!(
                "set one, e.g. `EDITOR=vim retort edit {spec}`, or open `{}` yourself",
                rev.path.display()
            ))
        })?;
    let status = editor_command(&editor)
        .arg(&rev.path)
        .status()
        .map_err(|e| {
            CliError::user(format!("cannot start the editor `{editor}`: {e}"))
                .hint("set `VISUAL` or `EDITOR` to a program on your PATH")
        })?;
    if !status.success() {
        return Err(CliError::user(format!(
            "the editor `{editor}` exited with {status}; `{}` may be unsaved",
            rev.path.display()
        ))
        .hint("open the file again with `retort edit`"));
    }
    Revision::read(&rev.path).map_err(|e| {
        // `retort edit` loads the whole directory first, so it cannot reopen
        // a broken file: the hint names the file instead.
        CliError::user(e.to_string()).hint(format!(
            "the file is saved as edited; fix `{}` in an editor, then `retort heads` checks the directory",
            rev.path.display()
        ))
    })?;
    Ok(())
}

/// The editor as a command the file's path is appended to: through `sh` on
/// Unix (`$EDITOR "$@"`), split on whitespace elsewhere.
fn editor_command(editor: &str) -> Command {
    if cfg!(unix) {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("{editor} \"$@\"")).arg(editor);
        c
    } else {
        let mut words = editor.split_whitespace();
        let mut c = Command::new(words.next().unwrap_or(editor));
        c.args(words);
        c
    }
}
