//! `docs/operations.md` against the code: every operation and key of the
//! revision format's serde vocabulary is documented in its place (the list
//! comes from the serde definitions themselves, so a new operation or key
//! fails this test until the page has it), and every example on the page
//! parses and renders on PostgreSQL, MySQL and SQLite, and runs on each
//! (a database per example).

use std::collections::BTreeMap;
use std::path::PathBuf;

use retort_core::{
    CheckSpec, ColumnSpec, Dialect, ForeignKeySpec, LintIgnore, Operation, PerDialectSql,
    UniqueSpec,
};
use retort_migrate::{Migrator, PlanOptions, Settings, build_plan};
use retort_script::{Direction, Script};
use serde::de::{self, Deserialize, Visitor};

fn page() -> String {
    fs_err::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/operations.md"))
        .unwrap()
}

/// The backticked names after "expected" in a serde error: its list of
/// variants or fields.
fn expected_names(error: &str) -> Vec<String> {
    let (_, list) = error
        .split_once("expected")
        .unwrap_or_else(|| panic!("no list in the error: {error}"));
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every `op` the code accepts: serde's own list in its error for an
/// unknown one.
fn operations() -> Vec<String> {
    let e = serde_json::from_value::<Operation>(serde_json::json!({ "op": "__none__" }))
        .unwrap_err()
        .to_string();
    let ops = expected_names(&e);
    assert!(ops.len() > 15, "{e}");
    ops
}

/// Every key of operation `op`: serde's list in its error for an unknown key.
fn operation_keys(op: &str) -> Vec<String> {
    let e = serde_json::from_value::<Operation>(serde_json::json!({ "op": op, "__none__": 1 }))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `__none__`"), "{op}: {e}");
    expected_names(&e)
}

/// A deserializer that records the field names a derived struct asks for
/// and stops there: the struct's keys, whatever its serde attributes.
struct FieldTrace(Vec<&'static str>);

#[derive(Debug)]
struct Stop(String);

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

impl<'de> de::Deserializer<'de> for &mut FieldTrace {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop("not a struct".into()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = fields.to_vec();
        Err(Stop("traced".into()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

fn fields_of<T: for<'de> Deserialize<'de>>() -> Vec<String> {
    let mut trace = FieldTrace(Vec::new());
    let _ = T::deserialize(&mut trace);
    assert!(
        !trace.0.is_empty(),
        "{} is not a struct",
        std::any::type_name::<T>()
    );
    trace.0.iter().map(|s| s.to_string()).collect()
}

/// The top-level keys of a revision file: its loader's list for an unknown key.
fn revision_keys() -> Vec<String> {
    let e = Script::from_texts(
        PathBuf::from("docs"),
        &[("x.toml", "revision = \"000000000001\"\n__none__ = 1\n")],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("__none__"), "{e}");
    expected_names(&e)
}

/// The page's sections: heading text (backticks removed) to its body,
/// up to the next heading of any level.
fn sections(page: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    let mut in_code = false;
    for line in page.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            if let Some((h, body)) = current.take() {
                out.insert(h, body);
            }
            let heading = line.trim_start_matches('#').trim().replace('`', "");
            current = Some((heading, String::new()));
        } else if let Some((_, body)) = &mut current {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((h, body)) = current {
        out.insert(h, body);
    }
    out
}

/// The keys a section's table documents: the first cell of each row.
fn documented_keys(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(k, _)| k.to_owned())
        .collect()
}

fn check_section(
    sections: &BTreeMap<String, String>,
    heading: &str,
    keys: &[String],
) -> Vec<String> {
    let Some(body) = sections.get(heading) else {
        return vec![format!("no section `{heading}`")];
    };
    let documented = documented_keys(body);
    keys.iter()
        .filter(|k| !documented.contains(k))
        .map(|k| format!("section `{heading}` has no row for key `{k}`"))
        .collect()
}

#[test]
fn every_operation_and_key_is_documented() {
    let page = page();
    let sections = sections(&page);
    let mut missing = Vec::new();
    let ops = operations();
    for op in &ops {
        let mut keys = operation_keys(op);
        keys.retain(|k| k != "op");
        missing.extend(check_section(&sections, op, &keys));
        if sections.get(op).is_some_and(|b| !b.contains("```toml")) {
            missing.push(format!("section `{op}` has no example"));
        }
    }
    for (heading, keys) in [
        ("Column", fields_of::<ColumnSpec>()),
        ("Unique", fields_of::<UniqueSpec>()),
        ("Foreign key", fields_of::<ForeignKeySpec>()),
        ("Check", fields_of::<CheckSpec>()),
        ("Per-dialect SQL", fields_of::<PerDialectSql>()),
        ("Keys of every operation", {
            let mut k = fields_of::<LintIgnore>();
            k.push("op".into());
            k
        }),
        ("A revision file", revision_keys()),
    ] {
        missing.extend(check_section(&sections, heading, &keys));
    }
    // Foreign key actions: the parser's own list.
    let e = serde_json::from_value::<ForeignKeySpec>(serde_json::json!({
        "columns": ["a"], "ref_table": "t", "ref_columns": ["id"], "on_delete": "__none__"
    }))
    .unwrap_err()
    .to_string();
    let (_, actions) = e.split_once("expected ").unwrap();
    for action in actions
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|a| !a.is_empty() && *a != "or")
    {
        let action = action.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        if !sections["Foreign key"].contains(&format!("`{action}`")) {
            missing.push(format!("foreign key action `{action}` is not named"));
        }
    }
    // The page documents no operation the code lacks.
    for heading in sections.keys() {
        if heading.contains('_') && !heading.contains(' ') && !ops.contains(heading) {
            missing.push(format!("section `{heading}` names no operation"));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/operations.md:\n{}",
        missing.join("\n")
    );
}

/// The TOML code blocks of the page, with the line each starts on.
fn examples(page: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in page.lines().enumerate() {
        match (&mut current, line) {
            (None, "```toml") => current = Some((i + 2, String::new())),
            (Some(_), "```") => out.push(current.take().unwrap()),
            (Some((_, text)), l) => {
                text.push_str(l);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// Renders `range` of `script` in `direction` for `dialect`: its statements.
fn render(
    script: &Script,
    direction: Direction,
    range: &str,
    dialect: Dialect,
) -> Result<usize, String> {
    let plan = script
        .offline_plan(direction, range)
        .map_err(|e| e.to_string())?;
    let options = PlanOptions {
        dialect,
        version_table: "alembic_version".into(),
        transaction_per_migration: true,
        safety: Default::default(),
    };
    let sql = build_plan(script, &plan, &options).map_err(|e| e.to_string())?;
    Ok(sql
        .steps
        .iter()
        .map(|s| s.statements.len() + s.after_commit.len())
        .sum())
}

/// Each example of the page as a revision chain: a whole revision file
/// alone, any other block as a revision on top of the base schema's. With
/// the block's line, the revision the run starts from, and whether it can
/// be undone.
struct Example {
    line: usize,
    script: Result<Script, String>,
    from: String,
    reversible: bool,
    renders_sql: bool,
}

fn page_examples() -> Vec<Example> {
    let page = page();
    let blocks = examples(&page);
    let base_line = page
        .lines()
        .position(|l| l == "## The schema the examples start from")
        .expect("the base schema section");
    let (_, base) = blocks
        .iter()
        .find(|(line, _)| *line > base_line)
        .expect("the base schema's block")
        .clone();
    let base_id = base
        .lines()
        .find_map(|l| l.strip_prefix("revision = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("the base's revision id")
        .to_owned();
    blocks
        .iter()
        .map(|(line, text)| {
            let whole = text.starts_with("revision = ");
            let files: Vec<(&str, String)> = if whole {
                vec![("a.toml", text.clone())]
            } else {
                vec![
                    ("a.toml", base.clone()),
                    (
                        "b.toml",
                        format!(
                            "revision = \"0000000000b2\"\ndown_revision = \"{base_id}\"\n\n{text}"
                        ),
                    ),
                ]
            };
            let texts: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
            Example {
                line: *line,
                script: Script::from_texts(PathBuf::from("docs"), &texts)
                    .map_err(|e| e.to_string()),
                from: if whole {
                    "base".to_owned()
                } else {
                    base_id.clone()
                },
                reversible: !text.contains("\"irreversible\""),
                // Enum types are SQL of their own only on PostgreSQL.
                renders_sql: !text.contains("_enum\""),
            }
        })
        .collect()
}

#[test]
fn every_example_parses_and_renders_on_every_dialect() {
    let mut failures = Vec::new();
    let mut rendered = 0;
    for ex in page_examples() {
        let line = ex.line;
        let script = match &ex.script {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("docs/operations.md:{line}: does not parse: {e}"));
                continue;
            }
        };
        let from = &ex.from;
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            match render(script, Direction::Up, &format!("{from}:head"), dialect) {
                Ok(0) if ex.renders_sql => failures.push(format!(
                    "docs/operations.md:{line}: renders no SQL on {dialect}"
                )),
                Ok(_) => rendered += 1,
                Err(e) => failures.push(format!(
                    "docs/operations.md:{line}: does not render on {dialect}: {e}"
                )),
            }
            if ex.reversible
                && let Err(e) = render(script, Direction::Down, &format!("head:{from}"), dialect)
            {
                failures.push(format!(
                    "docs/operations.md:{line}: its downgrade does not render on {dialect}: {e}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        rendered > 60,
        "only {rendered} renders: are the examples found?"
    );
}

/// Every example runs on a real database of `dialect` (one database per
/// example): the SQL the page promises is SQL the server takes.
async fn every_example_runs(dialect: Dialect) {
    let mut failures = Vec::new();
    for ex in page_examples() {
        let script = ex.script.expect("parsed: see the offline test");
        let db = retort_testing::test_db!(dialect, "docs_example");
        let m = Migrator::new(script, Settings::default());
        match m.upgrade(db.url.as_str(), "head").await {
            Ok(r) if r.heads_after.len() == 1 => {}
            Ok(r) => failures.push(format!(
                "docs/operations.md:{}: ended at {:?}",
                ex.line, r.heads_after
            )),
            Err(e) => failures.push(format!("docs/operations.md:{}: {e}", ex.line)),
        }
        db.drop().await;
    }
    assert!(
        failures.is_empty(),
        "on {dialect}:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_example_runs_on_sqlite() {
    every_example_runs(Dialect::Sqlite).await;
}

#[tokio::test]
async fn every_example_runs_on_postgres() {
    every_example_runs(Dialect::Postgres).await;
}

#[tokio::test]
async fn every_example_runs_on_mysql() {
    every_example_runs(Dialect::Mysql).await;
}
