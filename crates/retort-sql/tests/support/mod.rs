//! Shared by the database tests: run rendered SQL the way a runner does,
//! and read back enough of the catalog to compare two states.

#![allow(dead_code)]

use retort_core::{Dialect, Operation, Schema, apply};
use retort_sql::{Rendered, render, sqlite_foreign_key_check, sqlite_foreign_keys};
use retort_testing::TestDb;

/// Parses a TOML list of operations: `[[ops]]` tables.
pub fn ops(toml_text: &str) -> Vec<Operation> {
    #[derive(serde::Deserialize)]
    struct Ops {
        #[serde(default)]
        ops: Vec<Operation>,
    }
    toml::from_str::<Ops>(toml_text)
        .unwrap_or_else(|e| panic!("bad test ops: {e}\n{toml_text}"))
        .ops
}

/// Parses one operation written as a TOML table.
pub fn op(toml_text: &str) -> Operation {
    toml::from_str(toml_text).unwrap_or_else(|e| panic!("bad test op: {e}\n{toml_text}"))
}

/// Renders `op` against `schema`, runs it, and advances `schema`.
pub async fn run(db: &TestDb, schema: &mut Schema, op: &Operation) -> Rendered {
    let rendered = render(op, schema, db.dialect)
        .unwrap_or_else(|e| panic!("{}: render `{}`: {e}", db.dialect, op.describe()));
    execute(db, &rendered).await;
    apply(schema, op).unwrap();
    rendered
}

/// Runs rendered statements as the runner does: in a transaction where DDL
/// is transactional, foreign keys off around an SQLite rebuild and checked
/// before commit.
pub async fn execute(db: &TestDb, rendered: &Rendered) {
    let fail = |e: String| -> ! {
        let all: Vec<String> = rendered.statements.iter().map(|s| s.to_string()).collect();
        panic!("{e}\n--- script ---\n{}", all.join(";\n"))
    };
    let rebuild = db.dialect == Dialect::Sqlite && rendered.rebuilds_table;
    if rebuild {
        db.execute(sqlite_foreign_keys(false).as_str())
            .await
            .unwrap();
    }
    let tx = db.dialect.transactional_ddl();
    if tx {
        db.execute("BEGIN").await.unwrap();
    }
    for s in &rendered.statements {
        if let Err(e) = db.execute(s.as_str()).await {
            if tx {
                db.execute("ROLLBACK").await.ok();
            }
            if rebuild {
                db.execute(sqlite_foreign_keys(true).as_str()).await.ok();
            }
            fail(e);
        }
    }
    if rebuild {
        let violations = db.query_strings(sqlite_foreign_key_check().as_str()).await;
        assert!(
            violations.is_empty(),
            "foreign key violations: {violations:?}"
        );
    }
    if tx {
        db.execute("COMMIT").await.unwrap();
    }
    if rebuild {
        db.execute(sqlite_foreign_keys(true).as_str())
            .await
            .unwrap();
    }
}

/// What the catalog says about the whole database, sorted, one line per
/// fact: tables, columns (type, nullability, default), indexes, keys and
/// constraints, enum types, comments. Two equal fingerprints mean the same
/// schema as far as these tests care.
pub async fn fingerprint(db: &TestDb) -> Vec<String> {
    let queries: &[&str] = match db.dialect {
        Dialect::Postgres => &[
            "SELECT 'column', table_name, column_name, \
               CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END, \
               character_maximum_length::text, is_nullable, column_default, is_identity \
             FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT 'constraint', conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'",
            "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
            "SELECT 'enum', t.typname, e.enumsortorder::text, e.enumlabel FROM pg_type t \
             JOIN pg_enum e ON e.enumtypid = t.oid",
            "SELECT 'comment', c.relname, d.objsubid::text, d.description FROM pg_description d \
             JOIN pg_class c ON c.oid = d.objoid WHERE c.relnamespace = 'public'::regnamespace",
        ],
        Dialect::Mysql => &[
            "SELECT 'column', table_name, column_name, column_type, is_nullable, column_default, extra, column_comment \
             FROM information_schema.columns WHERE table_schema = DATABASE()",
            "SELECT 'index', table_name, index_name, non_unique, seq_in_index, column_name \
             FROM information_schema.statistics WHERE table_schema = DATABASE()",
            "SELECT 'constraint', table_name, constraint_name, constraint_type \
             FROM information_schema.table_constraints WHERE constraint_schema = DATABASE()",
            "SELECT 'fk', table_name, constraint_name, referenced_table_name, update_rule, delete_rule \
             FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()",
            "SELECT 'check', table_name, constraint_name, check_clause \
             FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()",
            "SELECT 'table', table_name, table_comment FROM information_schema.tables \
             WHERE table_schema = DATABASE()",
        ],
        Dialect::Sqlite => &[
            "SELECT 'column', m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT 'index', m.name, CASE WHEN il.origin = 'c' THEN il.name ELSE il.origin END, \
               il.\"unique\", ii.seqno, ii.name \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT 'fk', m.name, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        ],
    };
    let mut lines = Vec::new();
    for q in queries {
        for row in db.query_strings(q).await {
            let cells: Vec<String> = row
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "NULL".into()))
                .collect();
            lines.push(cells.join(" | "));
        }
    }
    if db.dialect == Dialect::Sqlite {
        // Constraint names and checks live only in the table's SQL text.
        for row in db
            .query_strings("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            .await
        {
            let (table, sql) = (row[0].clone().unwrap(), row[1].clone().unwrap_or_default());
            for part in sql.split("CONSTRAINT ").skip(1) {
                let part = part.trim_end_matches([' ', ')', ',']);
                lines.push(format!("constraint | {table} | {part}"));
            }
        }
    }
    lines.sort();
    lines
}
