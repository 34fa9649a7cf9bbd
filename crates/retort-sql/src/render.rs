//! One operation to SQL statements, per dialect.

use retort_core::{Column, ColumnSpec, Dialect, ForeignKey, Operation, Row, Schema, Table, apply};
use sea_query::extension::postgres::Type;
use sea_query::{
    Alias, ColumnDef, Expr, ForeignKey as SeaForeignKey, Index, MysqlQueryBuilder,
    PostgresQueryBuilder, QueryStatementWriter, SchemaStatementBuilder, SqliteQueryBuilder,
    Table as SeaTable,
};

use crate::columns::{self, ColumnPlace, column_def, default_expr, fk_action, sea_type, type_text};
use crate::handwritten::{self, raw_name};
use crate::{RenderError, Sql, sqlite_rebuild};

/// PostgreSQL type statements (sea-query gives them no common trait).
macro_rules! ddl_type {
    ($stmt:expr $(,)?) => {
        Sql::new($stmt.to_string(PostgresQueryBuilder))
    };
}

/// The SQL of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// The statements, in order; empty when the step does nothing on this
    /// dialect (an enum type on SQLite, `execute` without text for it).
    pub statements: Vec<Sql>,
    /// True when SQLite must rebuild a table: the runner then turns foreign
    /// keys off around the revision's transaction
    /// ([`crate::sqlite_foreign_keys`]) and runs
    /// [`crate::sqlite_foreign_key_check`] before commit.
    pub rebuilds_table: bool,
    /// PostgreSQL statements that run after the revision's transaction has
    /// committed, one at a time and each on its own: `CREATE INDEX
    /// CONCURRENTLY` / `DROP INDEX CONCURRENTLY` (which refuse a
    /// transaction block) and `VALIDATE CONSTRAINT` (so that the lock the
    /// `NOT VALID` add took is released before the scan).
    pub after_commit: Vec<Sql>,
    /// What this dialect ignores of the operation (`concurrently`,
    /// `validate = false`, `validate_constraint` outside PostgreSQL), said
    /// in the output and as a comment of the `--sql` script.
    pub notes: Vec<String>,
}

/// Renders `op` for `dialect`. `before` is the schema the operation applies
/// to; names the operation leaves unnamed come from replaying it on a copy.
pub fn render(op: &Operation, before: &Schema, dialect: Dialect) -> Result<Rendered, RenderError> {
    let mut after = before.clone();
    apply(&mut after, op).map_err(|source| RenderError::Replay {
        op: op.kind(),
        table: op.table().map(str::to_owned),
        source,
    })?;
    render_applied(op, before, &after, dialect)
}

/// [`render`] for a caller that already replays: `after` must be `before`
/// with `op` applied ([`retort_core::apply`], [`retort_core::Replay`]). Saves
/// a copy of the whole schema per operation, which matters for plans of
/// thousands of operations.
pub fn render_applied(
    op: &Operation,
    before: &Schema,
    after: &Schema,
    dialect: Dialect,
) -> Result<Rendered, RenderError> {
    if let Operation::Irreversible { reason } = op {
        return Err(RenderError::Irreversible {
            reason: reason.clone(),
        });
    }
    let table = op.table().map(str::to_owned);
    let mut r = Renderer {
        d: dialect,
        before,
        after,
        out: Rendered::default(),
    };
    r.op(op).map_err(|reason| RenderError::Unsupported {
        op: op.kind(),
        table,
        dialect,
        reason,
    })?;
    Ok(r.out)
}

pub(crate) fn ddl(d: Dialect, s: &impl SchemaStatementBuilder) -> Sql {
    Sql::new(match d {
        Dialect::Postgres => s.to_string(PostgresQueryBuilder),
        Dialect::Mysql => s.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => s.to_string(SqliteQueryBuilder),
    })
}

pub(crate) fn dml(d: Dialect, s: &impl QueryStatementWriter) -> Sql {
    Sql::new(match d {
        Dialect::Postgres => s.to_string(PostgresQueryBuilder),
        Dialect::Mysql => s.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => s.to_string(SqliteQueryBuilder),
    })
}

fn id(name: &str) -> Alias {
    Alias::new(name.to_owned())
}

type Step = Result<(), String>;

struct Renderer<'a> {
    d: Dialect,
    before: &'a Schema,
    after: &'a Schema,
    out: Rendered,
}

impl Renderer<'_> {
    fn push(&mut self, sql: Sql) {
        self.out.statements.push(sql);
    }

    fn ddl(&mut self, s: &impl SchemaStatementBuilder) {
        let sql = ddl(self.d, s);
        self.push(sql);
    }

    fn before_table(&self, name: &str) -> &Table {
        self.before.table(name).expect("replay checked the table")
    }

    fn after_table(&self, name: &str) -> &Table {
        self.after.table(name).expect("replay checked the table")
    }

    fn pg(&self) -> bool {
        self.d == Dialect::Postgres
    }

    /// A note that `concurrently` is PostgreSQL's.
    fn ignored_concurrently(&mut self, op: &str, name: &str) {
        let how = match self.d {
            Dialect::Mysql => "MySQL/MariaDB change indexes in place (online DDL) without it",
            _ => "SQLite runs it in the revision's transaction",
        };
        self.out.notes.push(format!(
            "`{op}` `{name}`: `concurrently` is ignored on {}: {how}",
            self.d
        ));
    }

    /// A note that `validate = false` (`NOT VALID`) is PostgreSQL's.
    fn ignored_validate(&mut self, what: &str, name: &str) {
        if !self.pg() {
            self.out.notes.push(format!(
                "{what} `{name}`: `validate = false` is ignored on {}: existing rows are checked when it is added",
                self.d
            ));
        }
    }

    /// SQLite: rebuild `table` (and any other table the operation changed).
    fn rebuild(&mut self, table: &str, renamed: Option<(&str, &str)>) -> Step {
        let stmts = sqlite_rebuild::rebuild(self.before, self.after, table, renamed)?;
        self.out.statements.extend(stmts);
        self.out.rebuilds_table = true;
        Ok(())
    }

    fn op(&mut self, op: &Operation) -> Step {
        match op {
            Operation::CreateTable { table, .. } => self.create_table(table),
            Operation::DropTable { table } => {
                self.ddl(SeaTable::drop().table(id(table)));
                Ok(())
            }
            Operation::RenameTable { table, new_name } => {
                self.ddl(SeaTable::rename().table(id(table), id(new_name)));
                Ok(())
            }
            Operation::AddColumn { table, column } => self.add_column(table, column),
            Operation::DropColumn { table, column } => self.drop_column(table, column),
            Operation::AlterColumn {
                table,
                column,
                new_name,
                ..
            } => self.alter_column(op, table, column, new_name.as_deref()),
            Operation::AlterPrimaryKey { table, columns } => {
                if self.d == Dialect::Sqlite {
                    return self.rebuild(table, None);
                }
                let old = self
                    .before_table(table)
                    .primary_key
                    .as_ref()
                    .map(|pk| pk.name.as_deref());
                let stmts = handwritten::alter_primary_key(self.d, table, old, columns);
                self.out.statements.extend(stmts);
                Ok(())
            }
            Operation::CreateIndex {
                table,
                name,
                columns,
                unique,
                concurrently,
            } => {
                let mut idx = Index::create();
                idx.name(raw_name(self.d, name)).table(id(table));
                for c in columns {
                    idx.col(id(c));
                }
                if *unique {
                    idx.unique();
                }
                if *concurrently && self.pg() {
                    // Outside a transaction, so a rerun after a crash meets
                    // the index a finished build left: `IF NOT EXISTS`.
                    idx.concurrently().if_not_exists();
                    let sql = ddl(self.d, &idx);
                    self.out.after_commit.push(sql);
                    return Ok(());
                }
                if *concurrently {
                    self.ignored_concurrently("create_index", name);
                }
                self.ddl(&idx);
                Ok(())
            }
            Operation::DropIndex {
                table,
                name,
                concurrently,
            } => {
                if *concurrently && self.pg() {
                    let mut idx = Index::drop();
                    idx.name(raw_name(self.d, name))
                        .table(id(table))
                        .concurrently()
                        .if_exists();
                    let sql = ddl(self.d, &idx);
                    self.out.after_commit.push(sql);
                    return Ok(());
                }
                if *concurrently {
                    self.ignored_concurrently("drop_index", name);
                }
                self.mysql_keep_fk_indexes(table);
                self.drop_index(table, name);
                Ok(())
            }
            Operation::CreateUnique { table, .. } => {
                let t = self.after_table(table);
                let u = t
                    .uniques
                    .last()
                    .expect("replay added the constraint")
                    .clone();
                match self.d {
                    Dialect::Postgres => {
                        self.push(handwritten::add_unique(self.d, table, &u.name, &u.columns))
                    }
                    Dialect::Mysql => {
                        let mut idx = Index::create();
                        idx.unique()
                            .name(raw_name(self.d, &u.name))
                            .table(id(table));
                        for c in &u.columns {
                            idx.col(id(c));
                        }
                        self.ddl(&idx);
                    }
                    Dialect::Sqlite => self.rebuild(table, None)?,
                }
                Ok(())
            }
            Operation::DropUnique { table, name } => {
                match self.d {
                    Dialect::Postgres => self.drop_constraint(table, name),
                    Dialect::Mysql => {
                        self.mysql_keep_fk_indexes(table);
                        self.drop_index(table, name);
                    }
                    Dialect::Sqlite => self.rebuild(table, None)?,
                }
                Ok(())
            }
            Operation::AddForeignKey {
                table, validate, ..
            } => {
                let fk = self
                    .after_table(table)
                    .foreign_keys
                    .last()
                    .expect("replay added the key")
                    .clone();
                if !validate {
                    self.ignored_validate("foreign key", &fk.name);
                }
                if self.d == Dialect::Sqlite {
                    return self.rebuild(table, None);
                }
                self.add_foreign_key(table, &fk);
                if !validate && self.pg() {
                    let sql = self.out.statements.pop().expect("just pushed");
                    self.push(handwritten::not_valid(sql));
                }
                Ok(())
            }
            Operation::DropForeignKey { table, name } => {
                if self.d == Dialect::Sqlite {
                    return self.rebuild(table, None);
                }
                let fk = self
                    .before_table(table)
                    .foreign_keys
                    .iter()
                    .find(|f| f.name == *name)
                    .expect("replay found the key")
                    .clone();
                self.drop_foreign_key(table, &fk);
                Ok(())
            }
            Operation::AddCheck {
                table,
                name,
                expr,
                validate,
            } => {
                if !validate {
                    self.ignored_validate("check", name);
                }
                match self.d {
                    Dialect::Sqlite => self.rebuild(table, None)?,
                    Dialect::Postgres if !validate => self.push(handwritten::not_valid(
                        handwritten::add_check(self.d, table, name, expr),
                    )),
                    _ => self.push(handwritten::add_check(self.d, table, name, expr)),
                }
                Ok(())
            }
            Operation::ValidateConstraint { table, name } => {
                if self.pg() {
                    let sql = handwritten::validate_constraint(table, name);
                    self.out.after_commit.push(sql);
                } else {
                    self.out.notes.push(format!(
                        "`validate_constraint` `{name}` on `{table}` does nothing on {}: the constraint was checked when it was added",
                        self.d
                    ));
                }
                Ok(())
            }
            Operation::DropCheck { table, name } => {
                match self.d {
                    Dialect::Sqlite => self.rebuild(table, None)?,
                    _ => self.drop_constraint(table, name),
                }
                Ok(())
            }
            Operation::CreateEnum { name, values } => {
                if self.pg() {
                    self.push(ddl_type!(
                        Type::create()
                            .as_enum(id(name))
                            .values(values.iter().map(|v| id(v))),
                    ));
                }
                Ok(())
            }
            Operation::AlterEnum { name, values } => self.alter_enum(name, values),
            Operation::DropEnum { name } => {
                if self.pg() {
                    self.push(ddl_type!(Type::drop().name(id(name))));
                }
                Ok(())
            }
            Operation::Execute { sql } => {
                if let Some(text) = sql.for_dialect(self.d) {
                    self.push(Sql::new(text));
                }
                Ok(())
            }
            Operation::BulkInsert { table, rows } => self.bulk_insert(table, rows),
            Operation::Irreversible { .. } => unreachable!("handled by `render`"),
            other => Err(format!("`{}` is not known to this renderer", other.kind())),
        }
    }

    fn create_table(&mut self, name: &str) -> Step {
        let t = self.after_table(name);
        let sql = columns::create_table(t, name, self.d, self.after)?;
        self.push(Sql::new(sql));
        if self.pg() {
            let t = self.after_table(name).clone();
            self.pg_comments(&t);
        }
        Ok(())
    }

    /// PostgreSQL comments of a new table.
    pub(crate) fn pg_comments(&mut self, t: &Table) {
        if let Some(c) = &t.comment {
            self.push(handwritten::comment_on_table(&t.name, Some(c)));
        }
        for col in &t.columns {
            if let Some(c) = &col.comment {
                self.push(handwritten::comment_on_column(&t.name, &col.name, Some(c)));
            }
        }
    }

    fn add_column(&mut self, table: &str, spec: &ColumnSpec) -> Step {
        let t = self.after_table(table).clone();
        let col = t
            .column(&spec.name)
            .expect("replay added the column")
            .clone();
        if self.d == Dialect::Sqlite {
            let native = !spec.primary_key
                && !spec.unique
                && !spec.autoincrement
                && spec.default_expr.is_none()
                && (spec.nullable || spec.default.is_some());
            if !native {
                return self.rebuild(table, None);
            }
        }
        let place = ColumnPlace {
            inline_pk: spec.primary_key,
        };
        let def = column_def(&col, &t, self.d, self.after, place)?;
        self.ddl(SeaTable::alter().table(id(table)).add_column(def));
        if spec.unique {
            let u = t
                .uniques
                .iter()
                .rfind(|u| u.columns == [spec.name.clone()])
                .expect("replay added the constraint");
            match self.d {
                Dialect::Postgres => {
                    self.push(handwritten::add_unique(self.d, table, &u.name, &u.columns))
                }
                _ => {
                    let mut idx = Index::create();
                    idx.unique()
                        .name(raw_name(self.d, &u.name))
                        .table(id(table))
                        .col(id(&spec.name));
                    self.ddl(&idx);
                }
            }
        }
        if let (true, Some(c)) = (self.pg(), &col.comment) {
            self.push(handwritten::comment_on_column(table, &col.name, Some(c)));
        }
        Ok(())
    }

    fn drop_column(&mut self, table: &str, column: &str) -> Step {
        let t = self.before_table(table).clone();
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        let referencing: Vec<(String, ForeignKey)> = self
            .before
            .tables
            .values()
            .flat_map(|o| {
                o.foreign_keys
                    .iter()
                    .filter(|f| f.ref_table == table && has(&f.ref_columns))
                    .map(move |f| (o.name.clone(), f.clone()))
            })
            .collect();
        if self.d == Dialect::Sqlite {
            // SQLite's own DROP COLUMN refuses keyed, indexed, referenced or
            // checked columns; those need the rebuild.
            let native = !has(t.pk_columns())
                && !t.indexes.iter().any(|i| has(&i.columns))
                && !t.uniques.iter().any(|u| has(&u.columns))
                && !t.foreign_keys.iter().any(|f| has(&f.columns))
                && referencing.is_empty()
                && t.checks.is_empty();
            if !native {
                return self.rebuild(table, None);
            }
            self.ddl(SeaTable::alter().table(id(table)).drop_column(id(column)));
            return Ok(());
        }
        // Drop what depends on the column first, so every server ends where
        // the replay does (MySQL would keep a shrunken index, and refuses to
        // drop a column a foreign key uses).
        for (child, fk) in &referencing {
            if child != table || !has(&fk.columns) {
                self.drop_foreign_key(child, fk);
            }
        }
        for fk in t.foreign_keys.iter().filter(|f| has(&f.columns)) {
            self.drop_foreign_key(table, fk);
        }
        self.mysql_keep_fk_indexes(table);
        for u in t.uniques.iter().filter(|u| has(&u.columns)) {
            match self.d {
                Dialect::Postgres => self.drop_constraint(table, &u.name),
                _ => self.drop_index(table, &u.name),
            }
        }
        for i in t.indexes.iter().filter(|i| has(&i.columns)) {
            self.drop_index(table, &i.name);
        }
        self.ddl(SeaTable::alter().table(id(table)).drop_column(id(column)));
        Ok(())
    }

    fn alter_column(
        &mut self,
        op: &Operation,
        table: &str,
        column: &str,
        new_name: Option<&str>,
    ) -> Step {
        let Operation::AlterColumn {
            ty,
            nullable,
            default,
            default_expr: set_expr,
            drop_default,
            comment,
            drop_comment,
            ..
        } = op
        else {
            unreachable!("alter_column");
        };
        let old = self
            .before_table(table)
            .column(column)
            .expect("replay")
            .clone();
        let after_t = self.after_table(table).clone();
        let new = after_t
            .column(new_name.unwrap_or(column))
            .expect("replay")
            .clone();
        let touches_default = default.is_some() || set_expr.is_some() || *drop_default;
        let touches_comment = comment.is_some() || *drop_comment;
        let touches_def = ty.is_some() || nullable.is_some() || touches_default;
        match self.d {
            Dialect::Sqlite => {
                if touches_def {
                    return self.rebuild(table, new_name.map(|n| (column, n)));
                }
                if let Some(n) = new_name {
                    self.ddl(
                        SeaTable::alter()
                            .table(id(table))
                            .rename_column(id(column), id(n)),
                    );
                }
                Ok(())
            }
            Dialect::Mysql => {
                if let Some(n) = new_name {
                    self.ddl(
                        SeaTable::alter()
                            .table(id(table))
                            .rename_column(id(column), id(n)),
                    );
                }
                if touches_def || touches_comment {
                    let def =
                        column_def(&new, &after_t, self.d, self.after, ColumnPlace::default())?;
                    self.ddl(SeaTable::alter().table(id(table)).modify_column(def));
                }
                Ok(())
            }
            Dialect::Postgres => {
                self.pg_alter_column(table, &old, &new, ty.is_some(), *nullable, touches_default)?;
                if touches_comment {
                    self.push(handwritten::comment_on_column(
                        table,
                        column,
                        new.comment.as_deref(),
                    ));
                }
                if let Some(n) = new_name {
                    self.ddl(
                        SeaTable::alter()
                            .table(id(table))
                            .rename_column(id(column), id(n)),
                    );
                }
                Ok(())
            }
        }
    }

    /// PostgreSQL: one `ALTER COLUMN` clause per change, under the old name.
    fn pg_alter_column(
        &mut self,
        table: &str,
        old: &Column,
        new: &Column,
        retype: bool,
        nullable: Option<bool>,
        touches_default: bool,
    ) -> Step {
        let name = &old.name;
        if retype {
            // A default of the old type may not cast: drop it, set it again after.
            if old.default.is_some() {
                self.push(handwritten::drop_default(table, name));
            }
            self.pg_retype(table, name, &old.ty, &new.ty)?;
            if let Some(d) = &new.default {
                let mut def = ColumnDef::new(id(name));
                def.default(default_expr(d));
                self.ddl(SeaTable::alter().table(id(table)).modify_column(def));
            }
        }
        if let Some(n) = nullable {
            let mut def = ColumnDef::new(id(name));
            if n {
                def.null();
            } else {
                def.not_null();
            }
            self.ddl(SeaTable::alter().table(id(table)).modify_column(def));
        }
        if touches_default && !retype {
            match &new.default {
                Some(d) => {
                    let mut def = ColumnDef::new(id(name));
                    def.default(default_expr(d));
                    self.ddl(SeaTable::alter().table(id(table)).modify_column(def));
                }
                None => self.push(handwritten::drop_default(table, name)),
            }
        }
        Ok(())
    }

    /// PostgreSQL `ALTER COLUMN .. TYPE .. USING`, through text when an enum
    /// is on either side.
    fn pg_retype(
        &mut self,
        table: &str,
        column: &str,
        from: &retort_core::ColumnType,
        to: &retort_core::ColumnType,
    ) -> Step {
        let ty = sea_type(to, self.d, self.after)?;
        let target = type_text(&ty, self.d);
        let via = if from.enum_name().is_some() || to.enum_name().is_some() {
            Some(if matches!(to, retort_core::ColumnType::Array(_)) {
                "text[]"
            } else {
                "text"
            })
        } else {
            None
        };
        let mut def = ColumnDef::new_with_type(id(column), ty);
        def.using(Expr::cust(handwritten::pg_cast(column, via, &target)));
        self.ddl(SeaTable::alter().table(id(table)).modify_column(def));
        Ok(())
    }

    fn drop_index(&mut self, table: &str, name: &str) {
        let mut idx = Index::drop();
        idx.name(raw_name(self.d, name)).table(id(table));
        self.ddl(&idx);
    }

    fn drop_constraint(&mut self, table: &str, name: &str) {
        self.ddl(SeaTable::alter().table(id(table)).drop_constraint(id(name)));
    }

    fn add_foreign_key(&mut self, table: &str, fk: &ForeignKey) {
        let mut f = SeaForeignKey::create();
        f.name(raw_name(self.d, &fk.name))
            .from_tbl(id(table))
            .to_tbl(id(&fk.ref_table));
        for c in &fk.columns {
            f.from_col(id(c));
        }
        for c in &fk.ref_columns {
            f.to_col(id(c));
        }
        if let Some(a) = fk.on_delete {
            f.on_delete(fk_action(a));
        }
        if let Some(a) = fk.on_update {
            f.on_update(fk_action(a));
        }
        self.ddl(&f);
    }

    fn drop_foreign_key(&mut self, table: &str, fk: &ForeignKey) {
        let mut f = SeaForeignKey::drop();
        f.name(raw_name(self.d, &fk.name)).table(id(table));
        self.ddl(&f);
        // MySQL made an index named after the key when no index served it,
        // and keeps it after the key is gone.
        if self.d == Dialect::Mysql {
            let t = self
                .after
                .table(table)
                .unwrap_or_else(|| self.before_table(table));
            if !has_serving_index(t, &fk.columns) {
                self.drop_index(table, &fk.name);
            }
        }
    }

    /// MySQL refuses to drop the last index a foreign key can use, and made
    /// its own index (named after the key) only when none existed. Before an
    /// index goes, give each key that loses its last one the index MySQL
    /// would have made.
    fn mysql_keep_fk_indexes(&mut self, table: &str) {
        if self.d != Dialect::Mysql {
            return;
        }
        let (Some(old), Some(new)) = (self.before.table(table), self.after.table(table)) else {
            return;
        };
        let losing: Vec<ForeignKey> = new
            .foreign_keys
            .iter()
            .filter(|fk| {
                has_serving_index(old, &fk.columns) && !has_serving_index(new, &fk.columns)
            })
            .cloned()
            .collect();
        for fk in losing {
            let mut idx = Index::create();
            idx.name(raw_name(self.d, &fk.name)).table(id(table));
            for c in &fk.columns {
                idx.col(id(c));
            }
            self.ddl(&idx);
        }
    }

    fn alter_enum(&mut self, name: &str, values: &[String]) -> Step {
        let old = &self.before.enums[name].values;
        match self.d {
            Dialect::Sqlite => Ok(()),
            Dialect::Mysql => {
                for t in self.after.tables.values() {
                    for c in t.columns.iter().filter(|c| c.ty.enum_name() == Some(name)) {
                        let def = column_def(c, t, self.d, self.after, ColumnPlace::default())?;
                        let sql = ddl(
                            self.d,
                            SeaTable::alter().table(id(&t.name)).modify_column(def),
                        );
                        self.out.statements.push(sql);
                    }
                }
                Ok(())
            }
            Dialect::Postgres if values.starts_with(old) => {
                for v in &values[old.len()..] {
                    self.push(ddl_type!(&Type::alter().name(id(name)).add_value(id(v))));
                }
                Ok(())
            }
            Dialect::Postgres => {
                // Values removed or reordered: a new type, columns converted through text.
                let tmp = temp_enum_name(name);
                self.push(ddl_type!(&Type::alter().name(id(name)).rename_to(id(&tmp))));
                self.push(ddl_type!(
                    Type::create()
                        .as_enum(id(name))
                        .values(values.iter().map(|v| id(v))),
                ));
                let users: Vec<(String, Column)> = self
                    .before
                    .tables
                    .values()
                    .flat_map(|t| {
                        t.columns
                            .iter()
                            .filter(|c| c.ty.enum_name() == Some(name))
                            .map(move |c| (t.name.clone(), c.clone()))
                    })
                    .collect();
                for (table, col) in users {
                    if col.default.is_some() {
                        self.push(handwritten::drop_default(&table, &col.name));
                    }
                    self.pg_retype(&table, &col.name, &col.ty, &col.ty)?;
                    if let Some(d) = &col.default {
                        let mut def = ColumnDef::new(id(&col.name));
                        def.default(default_expr(d));
                        self.ddl(SeaTable::alter().table(id(&table)).modify_column(def));
                    }
                }
                self.push(ddl_type!(Type::drop().name(id(&tmp))));
                Ok(())
            }
        }
    }

    fn bulk_insert(&mut self, table: &str, rows: &[Row]) -> Step {
        for sql in crate::dml::insert_rows(self.d, table, rows, None)? {
            self.push(sql);
        }
        Ok(())
    }
}

/// Whether an index, unique constraint or the primary key of `t` starts
/// with `columns` (so MySQL needs no index of its own for a foreign key).
fn has_serving_index(t: &Table, columns: &[String]) -> bool {
    let serves = |cols: &[String]| cols.len() >= columns.len() && cols[..columns.len()] == *columns;
    serves(t.pk_columns())
        || t.indexes.iter().any(|i| serves(&i.columns))
        || t.uniques.iter().any(|u| serves(&u.columns))
}

/// The name an enum type is moved to while it is rebuilt.
fn temp_enum_name(name: &str) -> String {
    let mut s = format!("_retort_old_{name}");
    let mut cut = s.len().min(63);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}
