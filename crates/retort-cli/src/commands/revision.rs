//! `revision` and `merge`: new revision files.

use retort_script::{NewRevision, Revision, Scaffold, Script, generate_revision, merge_with};

use crate::args::RevisionArgs;
use crate::config::Config;
use crate::error::CliError;

/// The new file on stderr, its revision id on stdout.
pub(crate) fn announce(rev: &Revision) -> Result<(), CliError> {
    eprintln!("Generating {} ... done", rev.path.display());
    outln!("{}", rev.id)
}

pub fn revision(config: &Config, script: &Script, args: RevisionArgs) -> Result<(), CliError> {
    let scaffold = match (args.create, args.table) {
        (Some(table), _) => Scaffold::CreateTable(table_name(table, "--create")?),
        (None, Some(table)) => Scaffold::AlterTable(table_name(table, "--table")?),
        (None, None) => Scaffold::Examples,
    };
    let new = NewRevision {
        message: args.message.unwrap_or_default(),
        head: args.head,
        splice: args.splice,
        branch_labels: args.branch_label,
        depends_on: args.depends_on,
        rev_id: args.rev_id,
        file_template: Some(config.file_template.clone()),
        scaffold,
        ..NewRevision::default()
    };
    let rev = generate_revision(script, new).map_err(crate::script_error)?;
    announce(&rev)
}

fn table_name(table: String, flag: &str) -> Result<String, CliError> {
    if table.trim().is_empty() {
        return Err(
            CliError::user(format!("`{flag}` needs a table name")).hint(format!(
                "type e.g. `retort revision -m \"add users\" {flag} users`"
            )),
        );
    }
    Ok(table)
}

pub fn merge(
    config: &Config,
    script: &Script,
    revisions: &[String],
    message: Option<String>,
    branch_labels: Vec<String>,
    rev_id: Option<String>,
) -> Result<(), CliError> {
    let specs: Vec<&str> = revisions.iter().map(String::as_str).collect();
    let new = NewRevision {
        message: message.unwrap_or_default(),
        branch_labels,
        rev_id,
        file_template: Some(config.file_template.clone()),
        ..NewRevision::default()
    };
    let rev = merge_with(script, &specs, new).map_err(crate::script_error)?;
    announce(&rev)
}
