//! PostgreSQL: `pg_catalog`, six queries whatever the number of tables.

use retort_core::{Check, Column, ColumnType, Dialect, EnumType, Index, PrimaryKey, Unique};
use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::query::Query;
use sqlx::{Postgres, Row};

use crate::build::{Builder, fk_action, push_fk_column};
use crate::defaults::{self, Quoting};
use crate::read::fetch_in_lanes;
use crate::{CatalogError, CatalogRead, OpaqueIndex, ReadOptions, types};

/// The tables read: ordinary and partitioned tables of the schema, not
/// partitions, minus the excluded names. `$1` is the schema (NULL: the
/// current one), `$2` the excluded names.
macro_rules! tables_cte {
    () => {
        "WITH t AS (
            SELECT c.oid, c.relname::text AS name
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = COALESCE($1::text, current_schema())
              AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relname <> ALL($2::text[])
        ) "
    };
}

const SCHEMA: &str = "SELECT COALESCE($1::text, current_schema()),
    EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = COALESCE($1::text, current_schema()))";

const TABLES: &str = concat!(
    tables_cte!(),
    "SELECT t.name, d.description
     FROM t
     LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
     ORDER BY t.name"
);

const COLUMNS: &str = concat!(
    tables_cte!(),
    "SELECT t.name, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod),
            ty.typtype::text, ty.typname::text, tn.nspname::text,
            et.typtype::text, et.typname::text,
            a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
            a.attidentity::text, a.attgenerated::text, d.description
     FROM t
     JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
     JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
     JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
     LEFT JOIN pg_catalog.pg_type et ON et.oid = ty.typelem AND ty.typcategory = 'A'
     LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
     ORDER BY t.name, a.attnum"
);

const CONSTRAINTS: &str = concat!(
    tables_cte!(),
    "SELECT t.name, con.conname::text, con.contype::text,
            ARRAY(SELECT a.attname::text
                  FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                  ORDER BY k.ord),
            rc.relname::text, rn.nspname::text,
            ARRAY(SELECT a.attname::text
                  FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.ord),
            con.confdeltype::text, con.confupdtype::text,
            CASE WHEN con.contype IN ('c', 'x') THEN pg_catalog.pg_get_constraintdef(con.oid, true) END
     FROM t
     JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid
     LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
     LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE con.contype IN ('p', 'u', 'f', 'c', 'x')
     ORDER BY t.name, con.conname"
);

/// Indexes that back no constraint (a key's or a unique constraint's index
/// is reported as the constraint). The definition text, which is costly, is
/// asked for only when the index does not fit the model.
const INDEXES: &str = concat!(
    tables_cte!(),
    "SELECT t.name, i.relname::text, ix.indisunique,
            ARRAY(SELECT a.attname::text
                  FROM generate_series(1, ix.indnkeyatts) AS k
                  LEFT JOIN pg_catalog.pg_attribute a
                    ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1]
                  ORDER BY k),
            ix.indexprs IS NOT NULL,
            ARRAY(SELECT (ix.indoption[k - 1] & 1) = 1 FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k),
            ix.indpred IS NOT NULL, ix.indnatts > ix.indnkeyatts, am.amname::text,
            CASE WHEN ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL OR am.amname <> 'btree'
                   OR ix.indnatts > ix.indnkeyatts
                   OR EXISTS (SELECT 1 FROM generate_series(1, ix.indnkeyatts) AS k
                              WHERE (ix.indoption[k - 1] & 1) = 1)
                 THEN pg_catalog.pg_get_indexdef(ix.indexrelid) ELSE '' END
     FROM t
     JOIN pg_catalog.pg_index ix ON ix.indrelid = t.oid
     JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
     JOIN pg_catalog.pg_am am ON am.oid = i.relam
     WHERE NOT ix.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                       WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid
                         AND c.contype IN ('p', 'u', 'x'))
     ORDER BY t.name, i.relname"
);

const ENUMS: &str = "SELECT ty.typname::text,
        ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
              WHERE e.enumtypid = ty.oid ORDER BY e.enumsortorder)
    FROM pg_catalog.pg_type ty
    JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace
    WHERE ty.typtype = 'e' AND n.nspname = COALESCE($1::text, current_schema())
    ORDER BY 1";

struct Session<'c> {
    conn: &'c mut PgConnection,
    queries: usize,
}

impl Session<'_> {
    /// Every statement goes through here, so that it is counted.
    async fn fetch(
        &mut self,
        what: &'static str,
        q: Query<'_, Postgres, PgArguments>,
    ) -> Result<Vec<PgRow>, CatalogError> {
        self.queries += 1;
        q.fetch_all(&mut *self.conn)
            .await
            .map_err(|source| CatalogError::Query {
                dialect: Dialect::Postgres,
                what,
                source,
            })
    }
}

fn get<'r, T>(row: &'r PgRow, i: usize, what: &'static str) -> Result<T, CatalogError>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    row.try_get(i).map_err(|source| CatalogError::Query {
        dialect: Dialect::Postgres,
        what,
        source,
    })
}

pub(crate) async fn read(
    conn: &mut PgConnection,
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    read_on(conn, &mut [], opts).await
}

/// The statements of [`read_on`] after the first, by the server time each
/// takes at 1,000 tables (constraints 25 ms, columns 21, indexes 14,
/// tables 2, enum types 0.2), most first: indexes into its array of five.
const BY_COST: [usize; 5] = [3, 2, 4, 0, 1];

/// [`read`], with the statements after the first spread over `conn` and
/// `more` (other connections to the same server), which run them at once
/// ([`fetch_in_lanes`]); the rows are read in the order [`read`] reads
/// them, so the result (and the first error) does not depend on how many
/// connections there are.
pub(crate) async fn read_on(
    conn: &mut PgConnection,
    more: &mut [PgConnection],
    opts: &ReadOptions,
) -> Result<CatalogRead, CatalogError> {
    let mut s = Session { conn, queries: 0 };
    let excluded = opts.excluded();
    let schema_arg = opts.schema.clone();

    let rows = s
        .fetch("schema", sqlx::query(SCHEMA).bind(schema_arg.clone()))
        .await?;
    let (schema_name, exists): (Option<String>, bool) = match rows.first() {
        Some(r) => (get(r, 0, "schema")?, get(r, 1, "schema")?),
        None => (None, false),
    };
    let Some(schema_name) = schema_name.filter(|_| exists) else {
        return Err(CatalogError::NoSuchSchema {
            dialect: Dialect::Postgres,
            schema: opts
                .schema
                .clone()
                .unwrap_or_else(|| "(no current schema: check search_path)".into()),
        });
    };

    let mut b = Builder::default();
    // The schema by the name the first statement found, so that every
    // connection reads the same one whatever its own `search_path`.
    let schema_arg = Some(schema_name.clone());
    let bind = |sql: &'static str| {
        sqlx::query(sql)
            .bind(schema_arg.clone())
            .bind(excluded.clone())
    };

    const C: &str = "columns";
    const K: &str = "constraints";
    const I: &str = "indexes";
    // In the order they are read below.
    let [tables, enums, column_rows, constraint_rows, index_rows] = {
        s.queries += 5;
        fetch_in_lanes::<Postgres, _, 5>(
            Dialect::Postgres,
            &mut *s.conn,
            more,
            BY_COST,
            [
                ("tables", bind(TABLES)),
                ("enum types", sqlx::query(ENUMS).bind(schema_arg.clone())),
                (C, bind(COLUMNS)),
                (K, bind(CONSTRAINTS)),
                (I, bind(INDEXES)),
            ],
        )
        .await
    };

    for r in tables? {
        let name: String = get(&r, 0, "tables")?;
        let mut t = retort_core::Table::new(name.clone());
        t.comment = get(&r, 1, "tables")?;
        b.tables.insert(name, t);
    }

    for r in enums? {
        let name: String = get(&r, 0, "enum types")?;
        let values: Vec<String> = get(&r, 1, "enum types")?;
        b.enums.insert(name.clone(), EnumType { name, values });
    }

    for r in column_rows? {
        let table: String = get(&r, 0, C)?;
        let name: String = get(&r, 1, C)?;
        let format: String = get(&r, 2, C)?;
        let typtype: String = get(&r, 3, C)?;
        let typname: String = get(&r, 4, C)?;
        let type_schema: String = get(&r, 5, C)?;
        let elem_typtype: Option<String> = get(&r, 6, C)?;
        let elem_typname: Option<String> = get(&r, 7, C)?;
        let not_null: bool = get(&r, 8, C)?;
        let default: Option<String> = get(&r, 9, C)?;
        let identity: String = get(&r, 10, C)?;
        let generated: String = get(&r, 11, C)?;
        let comment: Option<String> = get(&r, 12, C)?;

        let ty = if typtype == "e" {
            if type_schema != schema_name {
                b.warn(format!("column `{table}.{name}` uses enum type `{type_schema}.{typname}` of another schema"));
            }
            ColumnType::Enum(typname)
        } else if elem_typtype.as_deref() == Some("e") {
            ColumnType::Array(Box::new(ColumnType::Enum(elem_typname.unwrap_or_default())))
        } else if typtype == "b" || typtype == "p" || elem_typtype.is_some() {
            types::postgres(&format)
        } else {
            ColumnType::Custom(format)
        };
        let mut col = Column::new(name.clone(), ty);
        col.nullable = !not_null;
        col.comment = comment;
        if identity == "a" || identity == "d" {
            col.autoincrement = true;
        } else if default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("))
        {
            // serial / bigserial: a sequence owned by the column.
            col.autoincrement = true;
        } else if let Some(text) = default {
            if generated == "s" {
                b.warn(format!(
                    "column `{table}.{name}` is generated (`{text}`); read as a plain column"
                ));
            } else {
                col.default = defaults::parse(&text, &col.ty, Quoting::Standard);
            }
        }
        if let Some(t) = b.table(&table) {
            t.columns.push(col);
        }
    }

    for r in constraint_rows? {
        let table: String = get(&r, 0, K)?;
        let name: String = get(&r, 1, K)?;
        let kind: String = get(&r, 2, K)?;
        let columns: Vec<String> = get(&r, 3, K)?;
        let ref_table: Option<String> = get(&r, 4, K)?;
        let ref_schema: Option<String> = get(&r, 5, K)?;
        let ref_columns: Vec<String> = get(&r, 6, K)?;
        let on_delete: String = get(&r, 7, K)?;
        let on_update: String = get(&r, 8, K)?;
        let definition: Option<String> = get(&r, 9, K)?;
        let mut warning = None;
        let Some(t) = b.tables.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => t.uniques.push(Unique { name, columns }),
            "f" => {
                let ref_table = ref_table.unwrap_or_default();
                if ref_schema.as_deref() != Some(schema_name.as_str()) {
                    warning = Some(format!(
                        "foreign key `{name}` on `{table}` references `{}.{ref_table}` in another schema",
                        ref_schema.unwrap_or_default()
                    ));
                }
                for (c, rc) in columns.into_iter().zip(ref_columns) {
                    push_fk_column(
                        t,
                        &name,
                        c,
                        &ref_table,
                        Some(rc),
                        pg_action(&on_delete),
                        pg_action(&on_update),
                    );
                }
            }
            "c" => t.checks.push(Check {
                name,
                expr: check_expr(&definition.unwrap_or_default()),
            }),
            _ => {
                warning = Some(format!(
                    "exclusion constraint `{name}` on `{table}` is not part of the schema model: {}",
                    definition.unwrap_or_default()
                ));
            }
        }
        if let Some(w) = warning {
            b.warn(w);
        }
    }

    for r in index_rows? {
        let table: String = get(&r, 0, I)?;
        let name: String = get(&r, 1, I)?;
        let unique: bool = get(&r, 2, I)?;
        let columns: Vec<Option<String>> = get(&r, 3, I)?;
        let has_expr: bool = get(&r, 4, I)?;
        let descending: Vec<bool> = get(&r, 5, I)?;
        let partial: bool = get(&r, 6, I)?;
        let include: bool = get(&r, 7, I)?;
        let method: String = get(&r, 8, I)?;
        let definition: String = get(&r, 9, I)?;
        let opaque = if partial {
            Some("is partial")
        } else if has_expr || columns.iter().any(Option::is_none) {
            Some("has an expression")
        } else if method != "btree" {
            Some("is not a btree index")
        } else if include {
            Some("has INCLUDE columns")
        } else {
            None
        };
        if let Some(why) = opaque {
            b.warn(format!(
                "index `{name}` on `{table}` {why}; kept out of the schema: {definition}"
            ));
            b.opaque_indexes.push(OpaqueIndex {
                table,
                name,
                unique,
                definition,
            });
            continue;
        }
        for (c, _) in columns
            .iter()
            .flatten()
            .zip(&descending)
            .filter(|(_, d)| **d)
        {
            b.warn(format!(
                "index `{name}` on `{table}` sorts `{c}` descending; the schema model keeps no direction: {definition}"
            ));
        }
        let columns = columns.into_iter().flatten().collect();
        if let Some(t) = b.table(&table) {
            t.indexes.push(Index {
                name,
                columns,
                unique,
            });
        }
    }

    Ok(b.finish(s.queries))
}

/// `pg_constraint.confdeltype`: a no action, r restrict, c cascade, n set
/// null, d set default.
fn pg_action(code: &str) -> Option<retort_core::FkAction> {
    fk_action(match code {
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        _ => "no action",
    })
}

/// `CHECK (price > 0::numeric) NOT VALID` -> `price > 0::numeric`.
fn check_expr(def: &str) -> String {
    let d = def.trim();
    let d = d.strip_suffix("NOT VALID").unwrap_or(d).trim();
    let d = d.strip_prefix("CHECK").unwrap_or(d).trim();
    let d = d.strip_suffix("NO INHERIT").unwrap_or(d).trim();
    match d.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) if balanced(inner) => inner.trim().to_owned(),
        _ => d.to_owned(),
    }
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_texts() {
        assert_eq!(
            check_expr("CHECK (price > 0::numeric)"),
            "price > 0::numeric"
        );
        assert_eq!(
            check_expr("CHECK ((a > 0) AND (b > 0))"),
            "(a > 0) AND (b > 0)"
        );
        assert_eq!(check_expr("CHECK (a > 0) NOT VALID"), "a > 0");
        assert_eq!(check_expr("CHECK ((a) > (b))"), "(a) > (b)");
    }
}
