//! sea-orm-cli's compact, dense and expanded output for one database read to
//! one schema (fixtures/codegen, see its README for the command).

use std::path::PathBuf;

use retort_core::{ColumnType, FkAction, Schema};
use retort_entity::{ReadOptions, read_models};

fn read(format: &str) -> Schema {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../fixtures/codegen/{format}"));
    let set =
        read_models(&[dir], &ReadOptions::default()).unwrap_or_else(|e| panic!("{format}: {e}"));
    assert_eq!(set.warnings, [], "{format}");
    set.schema
}

#[test]
fn compact_reads_what_the_database_has() {
    let s = read("compact");
    assert_eq!(
        s.tables.keys().collect::<Vec<_>>(),
        ["accounts", "projects", "tickets"]
    );
    let accounts = &s.tables["accounts"];
    let ty = |t: &str, c: &str| s.tables[t].column(c).unwrap().ty.to_string();
    assert_eq!(ty("accounts", "balance"), "decimal(12,2)");
    assert_eq!(ty("accounts", "settings"), "jsonb");
    assert_eq!(ty("accounts", "profile"), "json");
    assert_eq!(ty("accounts", "external_id"), "uuid");
    assert_eq!(ty("accounts", "created_at"), "timestamptz");
    assert_eq!(ty("accounts", "last_login"), "timestamp");
    assert_eq!(ty("accounts", "score"), "double");
    assert_eq!(ty("accounts", "ratio"), "real");
    assert_eq!(ty("accounts", "avatar"), "blob");
    assert_eq!(ty("accounts", "labels"), "varchar[]");
    assert_eq!(ty("tickets", "state"), "enum(ticket_state)");
    assert_eq!(
        ty("projects", "code"),
        "varchar",
        "sea-orm-cli drops the length"
    );
    assert!(accounts.column("id").unwrap().autoincrement);
    assert!(s.tables["tickets"].column("id").unwrap().autoincrement);
    assert_eq!(s.tables["projects"].pk_columns(), ["org_id", "code"]);
    assert!(!s.tables["projects"].column("org_id").unwrap().autoincrement);
    assert_eq!(
        s.enums["ticket_state"].values,
        ["open", "in_progress", "closed"]
    );
    let fk = &s.tables["tickets"].foreign_keys[0];
    assert_eq!(fk.columns, ["org_id", "project_code"]);
    assert_eq!(fk.ref_columns, ["org_id", "code"]);
    assert_eq!(fk.on_delete, Some(FkAction::Cascade));
    let self_ref = &accounts.foreign_keys[0];
    assert_eq!(self_ref.ref_table, "accounts");
    assert_eq!(self_ref.on_delete, Some(FkAction::SetNull));
    assert!(accounts.is_single_unique("email"));
    assert_eq!(
        accounts.column("email").unwrap().ty,
        ColumnType::Varchar(None),
        "sea-orm-cli writes no varchar length without column_type"
    );
}

#[test]
fn expanded_matches_compact_but_for_generator_gaps() {
    let mut compact = read("compact");
    // sea-orm-cli 2.0.4 writes no `.on_delete`/`.on_update` in the expanded format.
    for t in compact.tables.values_mut() {
        for fk in &mut t.foreign_keys {
            fk.on_delete = None;
            fk.on_update = None;
        }
    }
    let mut expanded = read("expanded");
    let code = |s: &Schema, t: &str, c: &str| s.tables[t].column(c).unwrap().ty.to_string();
    assert_eq!(code(&expanded, "projects", "code"), "varchar(16)");
    assert_eq!(code(&expanded, "accounts", "email"), "varchar(255)");
    assert_eq!(code(&expanded, "accounts", "labels"), "text[]");
    // ... which the compact and dense formats drop: `String` without
    // `column_type` is `varchar`, and `Vec<String>` is `varchar[]`.
    for t in expanded.tables.values_mut() {
        for c in &mut t.columns {
            c.ty = match &c.ty {
                ColumnType::Varchar(Some(_)) => ColumnType::Varchar(None),
                ColumnType::Array(inner) if **inner == ColumnType::Text => {
                    ColumnType::Array(Box::new(ColumnType::Varchar(None)))
                }
                other => other.clone(),
            };
        }
    }
    assert_eq!(expanded, compact);
}

#[test]
fn dense_matches_compact_but_for_the_composite_fk() {
    let mut compact = read("compact");
    // sea-orm-cli 2.0.4 writes no relation for the composite key in the dense format.
    compact
        .tables
        .get_mut("tickets")
        .unwrap()
        .foreign_keys
        .clear();
    assert_eq!(read("dense"), compact);
}
