//! `migrate [-m MSG]` (fastpy's `db:migrate -m`): `revision --autogenerate`
//! then `upgrade head` in one command; without `-m`, `upgrade head`.

use retort_script::{Direction, Script};

use crate::args::{AutoMigrateArgs, MigrateArgs, OfflineArgs, RevisionArgs};
use crate::config::Config;
use crate::error::CliError;

pub fn run(config: &Config, script: Script, args: AutoMigrateArgs) -> Result<(), CliError> {
    let upgrade_head = MigrateArgs {
        target: "head".to_owned(),
        plan: false,
        offline: OfflineArgs {
            sql: args.sql,
            dialect: None,
        },
        run: args.run.clone(),
        all: false,
    };
    let Some(message) = args.message else {
        return super::migrate::run(config, script, upgrade_head, Direction::Up, false);
    };
    let revision = RevisionArgs {
        message: Some(message),
        head: None,
        splice: false,
        branch_label: Vec::new(),
        depends_on: Vec::new(),
        rev_id: args.rev_id,
        autogenerate: true,
        create: None,
        table: None,
        renames: args.renames,
        offline: false,
        dialect: None,
    };
    let generated = super::autogenerate::generate(config, script, revision, Default::default())?;
    // The chain now has the new file.
    let script = Script::load(&config.script_location).map_err(crate::script_error)?;
    let Some(new) = generated else {
        if args.sql {
            eprintln!("No revision written, so no SQL to print");
            return Ok(());
        }
        eprintln!("Upgrading to head");
        return super::online::migrate(config, script, "head", Direction::Up, &args.run);
    };
    let head = new
        .revisions
        .last()
        .expect("generate writes at least one revision");
    let id = &head.id;
    if args.sql {
        eprintln!("Not applied (`--sql`); its SQL:");
        return super::migrate::show_sql(config, &script, id, None);
    }
    if new.lint_errors > 0 && !args.force {
        return Err(CliError::no(format!(
            "lint found {} error(s) in the new revision {id}, so it was not applied; it is written: {}",
            new.lint_errors,
            head.path.display()
        ))
        .hint(
            "review it, then `retort upgrade head` applies it as written; or accept each finding on its operation with `lint_ignore = [\"CODE\"]` and a `reason` first, or delete the file to drop it (`migrate -m MSG --force` does not stop on error findings)"
        ));
    }
    super::online::migrate(config, script, "head", Direction::Up, &args.run)?;
    outln!("{id}")
}
