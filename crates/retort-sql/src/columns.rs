//! Columns and whole tables as sea-query definitions, per dialect.

use retort_core::{Column, ColumnDefault, ColumnType, Dialect, FkAction, Schema, Table, Value};
use sea_query::{
    Alias, Check, ColumnDef, Expr, ForeignKey, ForeignKeyAction, Index, Keyword, StringLen,
    TableCreateStatement,
};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, TableBuilder};

use crate::handwritten::{self, quote_ident, raw_name};

/// Where a column definition is going: options that differ between
/// `CREATE TABLE`, `ADD COLUMN` and `MODIFY COLUMN`.
#[derive(Clone, Copy, Default)]
pub(crate) struct ColumnPlace {
    /// Write `PRIMARY KEY` on the column itself.
    pub inline_pk: bool,
}

/// The sea-query type of a column on `dialect`, as SeaORM writes it.
pub(crate) fn sea_type(
    ty: &ColumnType,
    dialect: Dialect,
    schema: &Schema,
) -> Result<sea_query::ColumnType, String> {
    use ColumnType as T;
    use sea_query::ColumnType as S;
    let pg_only = |what: &str| -> Result<S, String> {
        Err(format!("`{what}` columns exist only on PostgreSQL"))
    };
    Ok(match ty {
        T::TinyInteger => S::TinyInteger,
        T::SmallInteger => S::SmallInteger,
        T::Integer => S::Integer,
        T::BigInteger => S::BigInteger,
        T::TinyUnsigned => S::TinyUnsigned,
        T::SmallUnsigned => S::SmallUnsigned,
        T::Unsigned => S::Unsigned,
        T::BigUnsigned => S::BigUnsigned,
        T::Varchar(n) => S::String(n.map_or(StringLen::None, StringLen::N)),
        T::Char(n) => S::Char(*n),
        T::Text => S::Text,
        T::Boolean => S::Boolean,
        T::Decimal(p) => S::Decimal(*p),
        T::Money => S::Money(None),
        T::Real => S::Float,
        T::Double => S::Double,
        T::Date => S::Date,
        T::Time => S::Time,
        // SeaORM's `DateTime`: `timestamp without time zone`, `datetime`.
        T::Timestamp => S::DateTime,
        T::TimestampTz => S::TimestampWithTimeZone,
        T::Interval if dialect == Dialect::Postgres => S::Interval(None, None),
        T::Interval => return pg_only("interval"),
        T::Year if dialect == Dialect::Mysql => S::Year,
        T::Year => return Err("`year` columns exist only on MySQL".into()),
        T::Json => S::Json,
        T::JsonB => S::JsonBinary,
        T::Uuid => S::Uuid,
        T::Blob => S::Blob,
        T::Binary(n) => S::Binary(*n),
        T::VarBinary(n) => S::VarBinary(StringLen::N(*n)),
        T::Inet if dialect == Dialect::Postgres => S::Inet,
        T::Cidr if dialect == Dialect::Postgres => S::Cidr,
        T::MacAddr if dialect == Dialect::Postgres => S::MacAddr,
        T::Inet | T::Cidr | T::MacAddr => return pg_only(&ty.to_string()),
        T::Enum(name) => match dialect {
            Dialect::Postgres => S::custom(quote_ident(dialect, name)),
            Dialect::Mysql => {
                let e = schema
                    .enums
                    .get(name)
                    .ok_or_else(|| format!("enum type `{name}` does not exist"))?;
                S::custom(handwritten::mysql_enum_type(&e.values))
            }
            Dialect::Sqlite => S::Enum {
                name: Alias::new(name.clone()).into(),
                variants: Vec::new(),
            },
        },
        T::Array(inner) if dialect == Dialect::Postgres => {
            S::Array(sea_type(inner, dialect, schema)?.into())
        }
        T::Array(_) => return pg_only("array"),
        T::Custom(sql) => S::custom(sql.clone()),
    })
}

/// The type as text, e.g. for a PostgreSQL `USING` cast.
pub(crate) fn type_text(ty: &sea_query::ColumnType, dialect: Dialect) -> String {
    let mut s = String::new();
    match dialect {
        Dialect::Postgres => TableBuilder::prepare_column_type(&PostgresQueryBuilder, ty, &mut s),
        Dialect::Mysql => TableBuilder::prepare_column_type(&MysqlQueryBuilder, ty, &mut s),
        Dialect::Sqlite => TableBuilder::prepare_column_type(&SqliteQueryBuilder, ty, &mut s),
    }
    s
}

/// An identity column takes one of PostgreSQL's three integer types.
fn pg_identity_type(ty: &ColumnType) -> sea_query::ColumnType {
    use ColumnType as T;
    match ty {
        T::TinyInteger | T::TinyUnsigned | T::SmallInteger => sea_query::ColumnType::SmallInteger,
        T::Integer | T::SmallUnsigned => sea_query::ColumnType::Integer,
        _ => sea_query::ColumnType::BigInteger,
    }
}

/// A column default as a sea-query expression: literals as values,
/// expressions verbatim (parenthesized by sea-query, except the
/// `CURRENT_*` keywords every dialect takes bare).
pub(crate) fn default_expr(d: &ColumnDefault) -> Expr {
    match d {
        ColumnDefault::Literal(v) => Expr::val(value(v)),
        ColumnDefault::Expr(e) => match e.trim().to_ascii_uppercase().as_str() {
            "CURRENT_TIMESTAMP" => Expr::Keyword(Keyword::CurrentTimestamp),
            "CURRENT_DATE" => Expr::Keyword(Keyword::CurrentDate),
            "CURRENT_TIME" => Expr::Keyword(Keyword::CurrentTime),
            _ => Expr::cust(e.clone()),
        },
    }
}

pub(crate) fn value(v: &Value) -> sea_query::Value {
    match v {
        Value::Bool(b) => sea_query::Value::Bool(Some(*b)),
        Value::Int(i) => sea_query::Value::BigInt(Some(*i)),
        Value::Float(x) => sea_query::Value::Double(Some(*x)),
        Value::String(s) => sea_query::Value::String(Some(s.clone())),
    }
}

/// The full definition of `col` of table `t`.
pub(crate) fn column_def(
    col: &Column,
    t: &Table,
    dialect: Dialect,
    schema: &Schema,
    place: ColumnPlace,
) -> Result<ColumnDef, String> {
    let mut ty = sea_type(&col.ty, dialect, schema)?;
    let mut inline_pk = place.inline_pk;
    if col.autoincrement {
        match dialect {
            Dialect::Postgres => ty = pg_identity_type(&col.ty),
            // Only an `integer PRIMARY KEY` column can auto-increment.
            Dialect::Sqlite if t.is_single_pk(&col.name) => {
                ty = sea_query::ColumnType::Integer;
                inline_pk = true;
            }
            Dialect::Sqlite => {
                return Err(format!(
                    "`{}.{}` is autoincrement but not the table's single-column primary key",
                    t.name, col.name
                ));
            }
            Dialect::Mysql => {}
        }
    }
    let mut def = ColumnDef::new_with_type(Alias::new(col.name.clone()), ty);
    if !col.nullable {
        def.not_null();
    } else if dialect == Dialect::Mysql {
        // MySQL may otherwise make a `timestamp` NOT NULL on its own.
        def.null();
    }
    if let Some(d) = &col.default {
        def.default(default_expr(d));
    }
    if inline_pk {
        def.primary_key();
    }
    if col.autoincrement {
        def.auto_increment();
    }
    if let (Some(c), Dialect::Mysql) = (&col.comment, dialect) {
        def.comment(c.clone());
    }
    Ok(def)
}

/// Whether SQLite writes this table's key on its auto-increment column.
pub(crate) fn sqlite_inline_pk(t: &Table) -> bool {
    match t.pk_columns() {
        [one] => t.column(one).is_some_and(|c| c.autoincrement),
        _ => false,
    }
}

pub(crate) fn fk_action(a: FkAction) -> ForeignKeyAction {
    match a {
        FkAction::Cascade => ForeignKeyAction::Cascade,
        FkAction::SetNull => ForeignKeyAction::SetNull,
        FkAction::SetDefault => ForeignKeyAction::SetDefault,
        FkAction::Restrict => ForeignKeyAction::Restrict,
        FkAction::NoAction => ForeignKeyAction::NoAction,
    }
}

/// `CREATE TABLE` for `t` under the name `name` (a rebuild creates it under
/// a temporary name), with its key, named unique constraints, foreign keys
/// and checks; indexes and PostgreSQL comments are separate statements.
pub(crate) fn create_table(
    t: &Table,
    name: &str,
    dialect: Dialect,
    schema: &Schema,
) -> Result<String, String> {
    let mut stmt = TableCreateStatement::new();
    stmt.table(Alias::new(name.to_owned()));
    let inline_pk = dialect == Dialect::Sqlite && sqlite_inline_pk(t);
    for col in &t.columns {
        stmt.col(column_def(col, t, dialect, schema, ColumnPlace::default())?);
    }
    if !inline_pk && let Some(pk) = &t.primary_key {
        let mut idx = Index::create();
        for c in &pk.columns {
            idx.col(Alias::new(c.clone()));
        }
        stmt.primary_key(&mut idx);
    }
    for u in &t.uniques {
        let mut idx = Index::create();
        idx.unique().name(raw_name(dialect, &u.name));
        for c in &u.columns {
            idx.col(Alias::new(c.clone()));
        }
        stmt.index(&mut idx);
    }
    if dialect != Dialect::Sqlite {
        for fk in &t.foreign_keys {
            let mut f = ForeignKey::create();
            f.name(raw_name(dialect, &fk.name))
                .from_tbl(Alias::new(name.to_owned()))
                .to_tbl(Alias::new(fk.ref_table.clone()));
            for c in &fk.columns {
                f.from_col(Alias::new(c.clone()));
            }
            for c in &fk.ref_columns {
                f.to_col(Alias::new(c.clone()));
            }
            if let Some(a) = fk.on_delete {
                f.on_delete(fk_action(a));
            }
            if let Some(a) = fk.on_update {
                f.on_update(fk_action(a));
            }
            stmt.foreign_key(&mut f);
        }
    }
    for c in &t.checks {
        stmt.check(Check::named(
            Alias::new(c.name.clone()),
            Expr::cust(c.expr.clone()),
        ));
    }
    if let (Some(c), Dialect::Mysql) = (&t.comment, dialect) {
        stmt.comment(c.clone());
    }
    let sql = match dialect {
        Dialect::Postgres => stmt.to_string(PostgresQueryBuilder),
        Dialect::Mysql => stmt.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => stmt.to_string(SqliteQueryBuilder),
    };
    Ok(if dialect == Dialect::Sqlite {
        let fks: Vec<String> = t
            .foreign_keys
            .iter()
            .map(handwritten::sqlite_foreign_key)
            .collect();
        handwritten::append_table_constraints(sql, &fks)
    } else {
        sql
    })
}
