use retort_core::Schema;

/// What to read, and what to leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// The PostgreSQL schema (namespace) to read; `None` reads
    /// `current_schema()`, the first existing schema of `search_path`.
    /// On MySQL it names the database (`None`: the URL's, `DATABASE()`);
    /// SQLite ignores it (only `main` is read).
    pub schema: Option<String>,
    /// Tables left out, as given by the caller (`[models] exclude_tables`).
    pub exclude_tables: Vec<String>,
    /// The version table, left out (default `alembic_version`).
    pub version_table: String,
    /// The version log table, left out (default `alembic_version_log`).
    pub version_log_table: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            schema: None,
            exclude_tables: Vec::new(),
            version_table: "alembic_version".to_owned(),
            version_log_table: "alembic_version_log".to_owned(),
        }
    }
}

impl ReadOptions {
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    pub fn exclude_tables<I, S>(mut self, tables: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.exclude_tables = tables.into_iter().map(Into::into).collect();
        self
    }

    pub fn version_table(mut self, table: impl Into<String>) -> Self {
        self.version_table = table.into();
        self
    }

    pub fn version_log_table(mut self, table: impl Into<String>) -> Self {
        self.version_log_table = table.into();
        self
    }

    /// Every table name left out: the caller's, the version tables and the
    /// system tables of all three dialects (sorted, no duplicates).
    pub(crate) fn excluded(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .exclude_tables
            .iter()
            .cloned()
            .chain([self.version_table.clone(), self.version_log_table.clone()])
            .chain(SYSTEM_TABLES.iter().map(|s| (*s).to_owned()))
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Tables that belong to the database or an extension, never to the models.
/// (SQLite's own `sqlite_*` tables are left out by prefix as well.)
pub const SYSTEM_TABLES: &[&str] = &[
    "sqlite_sequence",
    "sqlite_stat1",
    "sqlite_stat4",
    "spatial_ref_sys",
    "geometry_columns",
    "geography_columns",
];

/// A schema read from a live catalog.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CatalogRead {
    pub schema: Schema,
    /// Things the schema model cannot hold, sorted: expression and partial
    /// indexes, descending index columns, generated columns, foreign keys to
    /// other schemas, `ON UPDATE` column clauses, ...
    pub warnings: Vec<String>,
    /// Indexes the model cannot describe (expressions, partial, prefix or
    /// non-btree), kept out of [`CatalogRead::schema`] with their definition.
    pub opaque_indexes: Vec<OpaqueIndex>,
    /// How many statements were sent to read the catalog. It does not depend
    /// on the number of tables.
    pub queries: usize,
}

impl CatalogRead {
    /// What reading a database with no tables gives (an SQLite file that
    /// does not exist yet, for a caller that takes it as empty).
    pub fn empty() -> CatalogRead {
        CatalogRead {
            schema: Schema::default(),
            warnings: Vec::new(),
            opaque_indexes: Vec::new(),
            queries: 0,
        }
    }
}

/// An index retort cannot describe with [`retort_core::Index`], as the
/// database shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OpaqueIndex {
    pub table: String,
    pub name: String,
    pub unique: bool,
    /// The definition text: `CREATE INDEX ...` on PostgreSQL and SQLite, the
    /// column list with expressions and prefixes on MySQL.
    pub definition: String,
}
