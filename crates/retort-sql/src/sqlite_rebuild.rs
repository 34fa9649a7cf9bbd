//! SQLite's table rebuild: what it cannot alter in place, it copies.
//!
//! `CREATE TABLE "_retort_new_<t>"` with the new definition, copy the rows,
//! `DROP TABLE "<t>"`, rename the new table, recreate its indexes. The
//! runner turns foreign keys off around the transaction and checks them
//! before commit.

use retort_core::{Dialect, Schema, Table};
use sea_query::{Alias, Index, Table as SeaTable};

use crate::Sql;
use crate::columns;
use crate::handwritten;
use crate::render::ddl;

const D: Dialect = Dialect::Sqlite;

/// Rebuilds `table` from `before` to `after`; `renamed` maps an old column
/// name to its new one. Any other table whose definition the operation
/// changed (a foreign key that followed a dropped or renamed column) is
/// rebuilt after it.
pub(crate) fn rebuild(
    before: &Schema,
    after: &Schema,
    table: &str,
    renamed: Option<(&str, &str)>,
) -> Result<Vec<Sql>, String> {
    let mut out = Vec::new();
    let (old, new) = pair(before, after, table)?;
    one(old, new, after, renamed, &mut out)?;
    for (name, new) in &after.tables {
        if name == table {
            continue;
        }
        if let Some(old) = before.table(name)
            && old != new
        {
            one(old, new, after, None, &mut out)?;
        }
    }
    Ok(out)
}

fn pair<'a>(
    before: &'a Schema,
    after: &'a Schema,
    table: &str,
) -> Result<(&'a Table, &'a Table), String> {
    match (before.table(table), after.table(table)) {
        (Some(o), Some(n)) => Ok((o, n)),
        _ => Err(format!("table `{table}` is not in both schemas")),
    }
}

fn one(
    old: &Table,
    new: &Table,
    after: &Schema,
    renamed: Option<(&str, &str)>,
    out: &mut Vec<Sql>,
) -> Result<(), String> {
    let name = &new.name;
    let tmp = temp_name(name);
    out.push(Sql::new(columns::create_table(new, &tmp, D, after)?));
    // Each new column takes the old column it came from; added columns take
    // their default.
    let pairs: Vec<(String, String)> = new
        .columns
        .iter()
        .filter_map(|c| {
            let source = match renamed {
                Some((from, to)) if to == c.name => from,
                _ => c.name.as_str(),
            };
            let renamed_away = renamed.is_some_and(|(from, _)| from == c.name);
            (!renamed_away && old.column(source).is_some())
                .then(|| (source.to_owned(), c.name.clone()))
        })
        .collect();
    if !pairs.is_empty() {
        out.push(handwritten::copy_rows(name, &tmp, &pairs));
    }
    out.push(ddl(D, SeaTable::drop().table(Alias::new(name.clone()))));
    out.push(ddl(
        D,
        SeaTable::rename().table(Alias::new(tmp), Alias::new(name.clone())),
    ));
    for i in &new.indexes {
        let mut idx = Index::create();
        idx.name(handwritten::raw_name(D, &i.name))
            .table(Alias::new(name.clone()));
        for c in &i.columns {
            idx.col(Alias::new(c.clone()));
        }
        if i.unique {
            idx.unique();
        }
        out.push(ddl(D, &idx));
    }
    Ok(())
}

fn temp_name(table: &str) -> String {
    format!("_retort_new_{table}")
}
