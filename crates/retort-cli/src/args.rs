//! Command-line arguments (clap). Only this crate knows about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use retort_core::Dialect;

#[derive(Debug, Parser)]
#[command(
    name = "retort",
    version,
    about = "Alembic-style migrations for SeaORM applications",
    after_help = "Exit codes: 0 success, 1 the answer is no (e.g. `check` found drift), 2 user error, 3 the database failed."
)]
pub struct Cli {
    /// The config file (default: ./alembic.toml, or $RETORT_CONFIG).
    #[arg(short = 'c', long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Database URL; overrides `url` in the config.
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Work on the chain of `[apps.NAME]` instead of the main one.
    #[arg(short = 'n', long = "name", global = true, value_name = "APP")]
    pub app: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Write `alembic.toml` and `migrations/versions/` into DIR (default: .).
    #[command(after_help = "Example: retort init myapp")]
    Init {
        /// The project directory (default: the current one).
        dir: Option<PathBuf>,
    },
    /// Write a new revision file: empty, or with `--autogenerate` the
    /// operations that bring the database (or the chain) to the models.
    #[command(
        after_help = "Example: retort revision -m \"create users\" --create users\n\nA plain `retort revision -m MSG` writes commented examples of the common operations."
    )]
    Revision(RevisionArgs),
    /// Write a revision that joins several heads into one.
    #[command(after_help = "Example: retort merge -m \"join billing\" heads")]
    Merge {
        /// Revisions to merge, or `heads` for all of them.
        #[arg(required = true, num_args = 1..)]
        revisions: Vec<String>,
        /// The merge revision's message.
        #[arg(short, long)]
        message: Option<String>,
        /// A branch label for the merge revision (repeatable).
        #[arg(long = "branch-label")]
        branch_label: Vec<String>,
        /// Use this revision ID instead of a random one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
    },
    /// Fold a straight run of revisions into one that `replaces` them
    /// (Django's `squashmigrations`); `--prune` deletes the replaced files
    /// once the database is at or past the squashed revision.
    #[command(
        after_help = "Example: retort squash 1a2b3c4d5e6f:9f8e7d6c5b4a -m \"initial schema\"\n\nA new database runs the squashed revision; one inside the range keeps upgrading through the originals. Revisions after the range are re-pointed at the squashed revision. `retort squash --prune` removes the replaced files later."
    )]
    Squash {
        /// `FROM:TO`, both included (ids, prefixes or `head`).
        #[arg(required_unless_present = "prune", conflicts_with = "prune")]
        range: Option<String>,
        /// The squashed revision's message.
        #[arg(short, long)]
        message: Option<String>,
        /// Use this revision ID instead of a random one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
        /// Delete the replaced files and the `replaces` keys, after checking
        /// that the database is at or past each squashed revision.
        #[arg(long)]
        prune: bool,
    },
    /// Upgrade to a later revision.
    #[command(
        after_help = "Example: retort upgrade head --plan\n\n`--plan` shows what would run; without it the revisions run; `--sql` prints the script without connecting."
    )]
    Upgrade(UpgradeArgs),
    /// Revert to an earlier revision.
    #[command(after_help = "Example: retort downgrade -1 --plan")]
    Downgrade(MigrateArgs),
    /// Autogenerate a revision from the models and upgrade to head in one
    /// step (fastpy's `db:migrate -m`); without `-m`, `upgrade head`.
    #[command(
        after_help = "Example: retort migrate -m \"add user bio\"\n\nThe new revision's changes and lint findings are printed first; an error finding stops before the upgrade (the file stays written): review it, then `retort upgrade head`, or pass `--force`.\nWith `--sql` the new revision's SQL is printed and nothing runs; without `-m`, `--sql` prints `upgrade head --sql`."
    )]
    Migrate(AutoMigrateArgs),
    /// Downgrade to base, then upgrade to head (Laravel's `migrate:refresh`).
    #[command(after_help = "Example: retort refresh --force --seed")]
    Refresh {
        /// Required: undoing every revision drops their tables and data.
        #[arg(long)]
        force: bool,
        /// Then load every seed file, as `seed` does.
        #[arg(long)]
        seed: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Show the revision(s) the database is at.
    #[command(after_help = "Example: retort current -v")]
    Current {
        /// Also show each revision's parents, labels, file and date.
        #[arg(short, long)]
        verbose: bool,
        /// `text` for people, `json` for programs (an array of revisions).
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
        /// The main chain, then every `[apps.NAME]` in config order.
        #[arg(long)]
        all: bool,
    },
    /// Every revision with Ran?, batch and when it was applied.
    #[command(after_help = "Example: retort status --format json")]
    Status {
        /// `table` for people, `json` for programs.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
        /// The main chain, then every `[apps.NAME]` in config order.
        #[arg(long)]
        all: bool,
    },
    /// Record what the database has and the revision chain does not build
    /// (a database made before retort, or changed by hand) as a new
    /// revision, marked applied without running it.
    #[command(
        after_help = "Example: retort baseline -m \"adopt the existing schema\"\n\nOn a new database the revision builds what this one has; after it, `check` compares the models with both."
    )]
    Baseline {
        /// The revision's message.
        #[arg(short, long)]
        message: Option<String>,
        /// Use this revision ID instead of a random one.
        #[arg(long = "rev-id")]
        rev_id: Option<String>,
    },
    /// Undo the last batch of revisions, or the last N with `--steps`.
    #[command(after_help = "Example: retort rollback --steps 2")]
    Rollback {
        /// Undo the last N revisions instead of the last batch.
        #[arg(long, value_name = "N")]
        steps: Option<usize>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Drop everything retort manages and upgrade to head.
    #[command(after_help = "Example: retort fresh --force --seed")]
    Fresh {
        /// Required: this drops tables and their data.
        #[arg(long)]
        force: bool,
        /// Then load every seed file, as `seed` does.
        #[arg(long)]
        seed: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Load seed files (`<script_location>/seeds/NAME.toml`) into tables;
    /// each row replaces the row with the same primary key.
    #[command(after_help = "Example: retort seed tags")]
    Seed {
        /// Seed files to load, by name (file stem); every one when none given.
        names: Vec<String>,
        #[command(flatten)]
        offline: OfflineArgs,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Set the version table to a revision without running anything.
    #[command(after_help = "Example: retort stamp head")]
    Stamp {
        /// The revision(s) to record, or `base` to clear.
        #[arg(required = true, num_args = 1..)]
        revisions: Vec<String>,
        #[command(flatten)]
        offline: OfflineArgs,
        /// Delete every row of the version table first.
        #[arg(long)]
        purge: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Show the current heads.
    #[command(after_help = "Example: retort heads -v")]
    Heads {
        /// Also show each revision's parents, labels, file and date.
        #[arg(short, long)]
        verbose: bool,
        /// `text` for people, `json` for programs (an array of revisions).
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Show the revisions where the graph branches.
    #[command(after_help = "Example: retort branches")]
    Branches {
        /// Also show each revision's parents, labels, file and date.
        #[arg(short, long)]
        verbose: bool,
        /// `text` for people, `json` for programs (an array of revisions).
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// List revisions, newest first.
    #[command(after_help = "Example: retort history -r -3: -v")]
    History {
        /// A range `[start]:[end]`, both ends included, e.g. `base:head`,
        /// `ae10:` or `-3:` (from three below the head up to it).
        #[arg(short = 'r', long = "rev-range", allow_hyphen_values = true)]
        range: Option<String>,
        /// Also show each revision's parents, labels, file and date.
        #[arg(short, long)]
        verbose: bool,
        /// Mark the revisions the database is at (connects to it).
        #[arg(short = 'i', long = "indicate-current")]
        indicate_current: bool,
        /// `text` for people, `json` for programs (an array of revisions).
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
    /// Show one revision, or with `--sql` the SQL its upgrade runs.
    #[command(after_help = "Example: retort show head --sql --dialect postgres")]
    Show {
        /// A revision id, unique prefix, `head` or `label@head`.
        revision: String,
        /// Print the SQL of the revision's upgrade, rendered against the
        /// schema its ancestors build (no connection).
        #[arg(long)]
        sql: bool,
        /// Dialect of `--sql` (default: the URL's).
        #[arg(long, requires = "sql")]
        dialect: Option<Dialect>,
        /// `text` for people, `json` for programs (revisions with their operations).
        #[arg(long, value_enum, default_value_t = TextFormat::Text, conflicts_with = "sql")]
        format: TextFormat,
    },
    /// Open a revision file in `$EDITOR`, then check that it still loads.
    #[command(
        after_help = "Example: retort edit head\n\nThe editor is `$VISUAL`, else `$EDITOR`, e.g. `EDITOR=\"code -w\" retort edit head`."
    )]
    Edit {
        /// A revision id, unique prefix, `head` or `label@head`.
        revision: String,
    },
    /// Compare the models, the revision chain and the database: exit 0 when
    /// all three agree, exit 1 with each pair that differs (models vs
    /// database, database vs revisions, models vs revisions). `--offline`
    /// compares the models with the revision chain only.
    #[command(after_help = "Example: retort check --offline --dialect sqlite")]
    Check {
        /// Compare with the revision chain instead of a live database.
        #[arg(long)]
        offline: bool,
        /// `diff` for people, `json` for programs.
        #[arg(long, value_enum, default_value_t = CheckFormat::Diff)]
        format: CheckFormat,
        /// Dialect of the comparison and the DDL diff with `--offline` (default: the URL's).
        #[arg(long)]
        dialect: Option<Dialect>,
        /// The main chain, then every `[apps.NAME]` in config order.
        #[arg(long)]
        all: bool,
    },
    /// Find risky operations in revisions (destructive, data-dependent,
    /// backward-incompatible, locking), each with a code, the file and line,
    /// and a safer form. Exit 1 when a finding is an error.
    #[command(
        after_help = "Example: retort lint head --dialect postgres\n\nWithout TARGET: the revisions the database has not applied when the URL is reachable, else every revision.\nOne finding per operation and concern: the dialect's code on the same concern (a PostgreSQL lock, an SQLite rebuild) is folded into it as `also`.\nCodes and `[lint]` settings: see the README's `retort lint` section."
    )]
    Lint {
        /// A revision, `head`, `heads`, `label@head`, or `FROM:TO` (the revisions after FROM up to TO).
        #[arg(allow_hyphen_values = true)]
        target: Option<String>,
        /// Add this dialect's findings (default: the URL's).
        #[arg(long)]
        dialect: Option<Dialect>,
        /// `table` for people, `json` for programs.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example: retort completions bash > ~/.local/share/bash-completion/completions/retort"
    )]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Show the schema one source describes.
    #[command(after_help = "Example: retort inspect models --dialect postgres")]
    Inspect {
        /// Which schema: the models, the revision chain or the database.
        source: InspectSource,
        /// DDL (`sql`) or the schema as JSON.
        #[arg(long, value_enum, default_value_t = Format::Sql)]
        format: Format,
        /// Dialect of the DDL (default: the URL's).
        #[arg(long)]
        dialect: Option<Dialect>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct RevisionArgs {
    /// The revision's message; its words name the file.
    #[arg(short, long)]
    pub message: Option<String>,
    /// The parent revision (default: the single head); `base` starts a new branch.
    #[arg(long)]
    pub head: Option<String>,
    /// Allow `--head` to name a revision that is not a head.
    #[arg(long)]
    pub splice: bool,
    /// A branch label for the new revision (repeatable), e.g. `billing`.
    #[arg(long = "branch-label")]
    pub branch_label: Vec<String>,
    /// A revision this one needs applied first, besides its parent (repeatable).
    #[arg(long = "depends-on")]
    pub depends_on: Vec<String>,
    /// Use this revision ID instead of a random one.
    #[arg(long = "rev-id")]
    pub rev_id: Option<String>,
    /// Fill the revision with the operations that bring the database to the models.
    #[arg(long)]
    pub autogenerate: bool,
    /// Write a `create_table` of TABLE with an `id` key column and commented
    /// example columns, and the `drop_table` that undoes it.
    #[arg(long, value_name = "TABLE", conflicts_with_all = ["autogenerate", "table"])]
    pub create: Option<String>,
    /// Write commented `add_column` and `alter_column` skeletons for TABLE,
    /// with the operations that undo them.
    #[arg(long, value_name = "TABLE", conflicts_with = "autogenerate")]
    pub table: Option<String>,
    /// With `--autogenerate`: a rename, `TABLE.OLD=NEW` for a column or
    /// `OLD=NEW` for a table (repeatable).
    #[arg(
        long = "rename",
        value_name = "[TABLE.]OLD=NEW",
        requires = "autogenerate"
    )]
    pub renames: Vec<String>,
    /// With `--autogenerate`: compare with the schema the revision chain
    /// builds instead of a live database (no connection).
    #[arg(long, requires = "autogenerate")]
    pub offline: bool,
    /// With `--autogenerate --offline`: the dialect to compare for (default: the URL's).
    #[arg(long, requires = "autogenerate")]
    pub dialect: Option<Dialect>,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// `head`, `heads`, `base`, `+N`, `-N`, `<rev>+N`, a unique prefix, `label@head`, or `from:to` with `--sql`.
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    /// Connect, print the pending revisions in order with the SQL each would
    /// run, and change nothing.
    #[arg(long, conflicts_with = "sql")]
    pub plan: bool,
    #[command(flatten)]
    pub offline: OfflineArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// The main chain, then every `[apps.NAME]` in config order; stops at
    /// the first failure.
    #[arg(long)]
    pub all: bool,
}

/// `upgrade`: a target, and `--seed`.
#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    pub migrate: MigrateArgs,
    /// Then load every seed file, as `seed` does (checked against the
    /// upgraded schema before anything runs).
    #[arg(long, conflicts_with_all = ["sql", "plan"])]
    pub seed: bool,
}

/// `migrate [-m MSG]`: autogenerate, then upgrade.
#[derive(Debug, Clone, Args)]
pub struct AutoMigrateArgs {
    /// Autogenerate a revision with this message first; without it,
    /// `migrate` is `upgrade head`.
    #[arg(short, long)]
    pub message: Option<String>,
    /// With `-m`: a rename, `TABLE.OLD=NEW` for a column or `OLD=NEW` for a
    /// table (repeatable), as in `revision --autogenerate`.
    #[arg(long = "rename", value_name = "[TABLE.]OLD=NEW", requires = "message")]
    pub renames: Vec<String>,
    /// With `-m`: use this revision ID instead of a random one.
    #[arg(long = "rev-id", requires = "message")]
    pub rev_id: Option<String>,
    /// With `-m`: upgrade even when lint finds an error in the new revision.
    #[arg(long, requires = "message")]
    pub force: bool,
    /// Print instead of running: with `-m`, the new revision's SQL (it is
    /// still written); without, the `upgrade head --sql` script.
    #[arg(long)]
    pub sql: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Options of runs against a live database.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Run even though an applied revision's file changed since.
    #[arg(long = "allow-changed")]
    pub allow_changed: bool,
    /// Seconds to wait for another run's lock (default: `lock_timeout` in the config, else 60).
    #[arg(long = "lock-timeout", value_name = "SECS")]
    pub lock_timeout: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct OfflineArgs {
    /// Print the SQL script instead of running it; opens no connection.
    #[arg(long)]
    pub sql: bool,
    /// Dialect of the `--sql` script (default: the URL's).
    #[arg(long)]
    pub dialect: Option<Dialect>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InspectSource {
    /// The schema the SeaORM entities in `[models] paths` describe (no database).
    Models,
    /// The schema the revision chain replays to (no database).
    Revisions,
    /// The schema of the live database, read from its catalog.
    Db,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A unified diff of the two schemas' DDL on stdout.
    Diff,
    /// The changes and the operations as JSON on stdout.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// JSON for programs.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Lines for people, as Alembic prints them.
    Text,
    /// JSON for programs.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// DDL statements.
    Sql,
    /// The schema as JSON.
    Json,
}
