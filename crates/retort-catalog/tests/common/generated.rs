//! The schema `python3 /work/shared/peers/gen_schema.py N OUT` describes,
//! built in code: table `tNNNN` with id (key, auto-increment), name
//! varchar(100) with an index, email varchar(255) unique, score integer
//! null, amount decimal(12,2), active boolean, created_at timestamptz, body
//! text null, and parent_id -> the previous table, on delete cascade.

use retort_core::{
    Column, ColumnType, FkAction, ForeignKey, Index, PrimaryKey, Schema, Table, Unique, fk_name,
    unique_name,
};

pub fn generated_schema(n: usize) -> Schema {
    let mut s = Schema::default();
    for i in 0..n {
        let name = format!("t{i:04}");
        let mut t = Table::new(name.clone());
        let c = |n: &str, ty: ColumnType, nullable: bool| {
            let mut c = Column::new(n, ty);
            c.nullable = nullable;
            c
        };
        let mut id = c("id", ColumnType::Integer, false);
        id.autoincrement = true;
        t.columns = vec![
            id,
            c("name", ColumnType::Varchar(Some(100)), false),
            c("email", ColumnType::Varchar(Some(255)), false),
            c("score", ColumnType::Integer, true),
            c("amount", ColumnType::Decimal(Some((12, 2))), false),
            c("active", ColumnType::Boolean, false),
            c("created_at", ColumnType::TimestampTz, false),
            c("body", ColumnType::Text, true),
        ];
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        t.uniques.push(Unique {
            name: unique_name(&name, &["email".into()]),
            columns: vec!["email".into()],
        });
        t.indexes.push(Index {
            name: format!("ix_{name}_name"),
            columns: vec!["name".into()],
            unique: false,
        });
        if i > 0 {
            let parent = format!("t{:04}", i - 1);
            t.columns.push(c("parent_id", ColumnType::Integer, true));
            t.foreign_keys.push(ForeignKey {
                name: fk_name(&name, &["parent_id".into()], &parent),
                columns: vec!["parent_id".into()],
                ref_table: parent,
                ref_columns: vec!["id".into()],
                on_delete: Some(FkAction::Cascade),
                on_update: None,
            });
        }
        s.tables.insert(name, t);
    }
    s
}
