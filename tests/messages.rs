//! Exit codes and wording of messages that used to mislead: `rollback`
//! with a zero count or nothing to roll back, a missing app folder, the
//! change list naming MySQL's per-column enum, `show` of `alter_column`.

mod common;

use common::*;
use retort_testing::{Dialect, test_db};

const T1: &str = "revision = \"aaaaaaaaaaaa\"\nmessage = \"t\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"bio\", type = \"varchar(20)\", nullable = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"t\"\n";

const T2: &str = "revision = \"bbbbbbbbbbbb\"\ndown_revision = \"aaaaaaaaaaaa\"\nmessage = \"wider bio\"\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"bio\"\ntype = \"varchar(500)\"\nnullable = false\n\n[[downgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"bio\"\ntype = \"varchar(20)\"\nnullable = true\n";

#[tokio::test]
async fn rollback_messages_sqlite() {
    let db = test_db!(Dialect::Sqlite, "rollback_msgs");
    let p = project();
    let d = p.path();
    write_revision(d, "a.toml", T1);
    // `--steps 0` is a user error before anything connects.
    let e = fails(d, &with_url(&db.url, &["rollback", "--steps", "0"]), 2);
    assert!(
        e.contains("`--steps 0` rolls back nothing") && e.contains("\nhint: "),
        "{e}"
    );
    assert!(!e.contains("-0") && !e.contains("cannot go up"), "{e}");
    assert_eq!(db.tables().await, Vec::<String>::new());
    // Stamped, not run: the log has no batch, and the hint says what works.
    ok(d, &with_url(&db.url, &["stamp", "head"]));
    let e = fails(d, &with_url(&db.url, &["rollback"]), 2);
    assert!(
        e.contains("nothing to roll back")
            && e.contains("hint: ")
            && e.contains("retort downgrade -1"),
        "{e}"
    );
    // The hinted command works once the table the stamp vouched for exists.
    db.execute("CREATE TABLE t (id integer PRIMARY KEY, bio varchar(20))")
        .await
        .unwrap();
    ok(d, &with_url(&db.url, &["downgrade", "-1"]));
    db.drop().await;
}

#[test]
fn a_missing_app_folder_says_how_to_create_it() {
    let p = project();
    let d = p.path();
    let config = fs_err::read_to_string(d.join("alembic.toml")).unwrap();
    fs_err::write(
        d.join("alembic.toml"),
        format!("{config}\n[apps.billing]\nscript_location = \"billing/migrations\"\n"),
    )
    .unwrap();
    let e = fails(d, &["-n", "billing", "heads"], 2);
    // Relative to the config's directory, where the command runs.
    assert!(
        e.contains("hint: create it with `mkdir -p billing/migrations/versions`"),
        "{e}"
    );
    assert!(!e.contains("retort init"), "{e}");
    // The hint works (and `init`, which it used to suggest, refuses here).
    fails(d, &["init"], 2);
    fs_err::create_dir_all(d.join("billing/migrations/versions")).unwrap();
    ok(d, &["-n", "billing", "heads"]);
}

#[test]
fn show_names_what_alter_column_changes() {
    let p = project();
    let d = p.path();
    write_revision(d, "a.toml", T1);
    write_revision(d, "b.toml", T2);
    let shown = ok(d, &["show", "head"]);
    assert!(
        shown.contains("alter column `t.bio` (type varchar(500), not null)"),
        "{shown}"
    );
    assert!(
        shown.contains("alter column `t.bio` (type varchar(20), nullable)"),
        "{shown}"
    );
}

/// MySQL keeps an enum in its column (`orders_status` inside the diff); the
/// change list says `order_status`, as the models and the file do.
#[tokio::test]
async fn the_change_list_names_enums_as_the_file_does_mysql() {
    let db = test_db!(Dialect::Mysql, "enum_names");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The store's entities without its PostgreSQL array, which MySQL cannot
    // store (autogenerate refuses it there).
    let copy = tempfile::tempdir().unwrap();
    for e in fs_err::read_dir(repo_root().join("fixtures/store/entity")).unwrap() {
        let path = e.unwrap().path();
        let text = fs_err::read_to_string(&path).unwrap();
        let text = text.replace("    pub tags: Vec<String>,\n", "");
        fs_err::write(copy.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let entities = copy.path().to_path_buf();
    fs_err::write(
        d.join("alembic.toml"),
        format!(
            "[alembic]\nscript_location = \"migrations\"\nurl = {:?}\n\n[models]\npaths = [{:?}]\n",
            db.url,
            entities.display().to_string()
        ),
    )
    .unwrap();
    fs_err::create_dir_all(d.join("migrations/versions")).unwrap();
    let err = ok_err(d, &["revision", "--autogenerate", "-m", "store"]);
    assert!(
        err.contains("added enum type `order_status`\n")
            && err.contains("added enum type `carrier`\n"),
        "{err}"
    );
    assert!(
        !err.contains("orders_status") && !err.contains("shipments_carrier"),
        "{err}"
    );
    assert_eq!(err.matches("added enum type").count(), 2, "{err}");
    db.drop().await;
}
