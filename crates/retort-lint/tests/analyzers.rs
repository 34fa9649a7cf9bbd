//! Data-driven tests of the analyzers: one tiny revision per case over a
//! fixed base schema, and the codes it must give (per dialect).

use std::path::PathBuf;

use retort_core::Dialect;
use retort_lint::{CODES, LintConfig, LintError, LintOptions, Report, Severity, lint_revisions};
use retort_script::Script;

/// The schema every case starts from.
const BASE: &str = r#"revision = "r0"

[[upgrade]]
op = "create_enum"
name = "status"
values = ["new", "paid", "sent"]

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = true },
  { name = "name", type = "text" },
  { name = "age", type = "bigint", nullable = true },
  { name = "price", type = "decimal(10,2)", nullable = true },
  { name = "born", type = "timestamptz", nullable = true },
  { name = "state", type = "enum(status)" },
]

[[upgrade]]
op = "create_table"
table = "orders"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint" },
]
uniques = [{ name = "uq_orders_user", columns = ["user_id"] }]
foreign_keys = [{ name = "fk_orders_user", columns = ["user_id"], ref_table = "users", ref_columns = ["id"] }]

[[upgrade]]
op = "create_index"
table = "orders"
name = "ix_orders_user"
columns = ["user_id"]
"#;

fn lint(ops: &str, dialect: Option<Dialect>, config: &[(&str, &str)]) -> Result<Report, LintError> {
    let case = format!("revision = \"case\"\ndown_revision = \"r0\"\n\n{ops}");
    let script = Script::from_texts(
        PathBuf::from("migrations"),
        &[("0001_base.toml", BASE), ("0002_case.toml", &case)],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let options = LintOptions {
        dialect,
        config: LintConfig::from_pairs(config.iter().copied()).unwrap(),
    };
    lint_revisions(&script, &[script.get("case").unwrap()], &options)
}

/// Every code given, those folded into another finding included.
fn codes(ops: &str, dialect: Option<Dialect>) -> Vec<&'static str> {
    let r = lint(ops, dialect, &[]).unwrap_or_else(|e| panic!("{e}"));
    r.findings.iter().flat_map(|f| f.codes()).collect()
}

/// The findings as (code, codes folded into it, severity), with `config`.
fn shape(
    ops: &str,
    dialect: Dialect,
    config: &[(&str, &str)],
) -> Vec<(&'static str, Vec<&'static str>, Severity)> {
    let r = lint(ops, Some(dialect), config).unwrap_or_else(|e| panic!("{e}"));
    r.findings
        .iter()
        .map(|f| (f.code, f.also.iter().map(|a| a.code).collect(), f.severity))
        .collect()
}

/// One finding per operation and concern: the dialect's code on the same
/// concern is folded into the portable finding, and comes back as the
/// finding when the portable code is off or ignored.
#[test]
fn dialect_codes_fold_into_the_operations_finding() {
    use Severity::{Error, Info, Warning};
    let narrow = "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"age\"\ntype = \"integer\"\n";
    let not_null = "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\nnullable = false\n";
    let unique = "[[upgrade]]\nop = \"create_unique\"\ntable = \"users\"\ncolumns = [\"email\"]\n";
    let fk = "[[upgrade]]\nop = \"add_foreign_key\"\ntable = \"orders\"\ncolumns = [\"user_id\"]\nref_table = \"users\"\nref_columns = [\"id\"]\n";
    let check = "[[upgrade]]\nop = \"add_check\"\ntable = \"users\"\nname = \"ck_age\"\nexpr = \"age > 0\"\n";
    let enum_removed =
        "[[upgrade]]\nop = \"alter_enum\"\nname = \"status\"\nvalues = [\"new\", \"sent\"]\n";
    let pg = Dialect::Postgres;
    // (operations, dialect, [lint] settings, findings: code, folded codes, severity)
    type Case<'a> = (
        &'a str,
        Dialect,
        &'a [(&'a str, &'a str)],
        Vec<(&'a str, Vec<&'a str>, Severity)>,
    );
    let cases: &[Case] = &[
        (narrow, pg, &[], vec![("RT104", vec!["RT403"], Error)]),
        (not_null, pg, &[], vec![("RT202", vec!["RT404"], Warning)]),
        (unique, pg, &[], vec![("RT201", vec!["RT401"], Warning)]),
        (fk, pg, &[], vec![("RT205", vec!["RT405"], Warning)]),
        (check, pg, &[], vec![("RT204", vec!["RT406"], Warning)]),
        (
            enum_removed,
            Dialect::Mysql,
            &[],
            vec![("RT103", vec!["RT501"], Error)],
        ),
        (
            not_null,
            Dialect::Sqlite,
            &[],
            vec![("RT202", vec!["RT601"], Warning)],
        ),
        // The highest severity of its codes.
        (
            not_null,
            pg,
            &[("RT404", "error")],
            vec![("RT202", vec!["RT404"], Error)],
        ),
        (
            narrow,
            pg,
            &[("RT104", "info")],
            vec![("RT104", vec!["RT403"], Warning)],
        ),
        // The primary code off: the next one is the finding.
        (
            narrow,
            pg,
            &[("RT104", "off")],
            vec![("RT403", vec![], Warning)],
        ),
        (
            not_null,
            pg,
            &[("RT202", "off"), ("RT404", "info")],
            vec![("RT404", vec![], Info)],
        ),
        (
            not_null,
            pg,
            &[("RT404", "off")],
            vec![("RT202", vec![], Warning)],
        ),
        // Two concerns of one operation stay two findings.
        (
            "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"age\"\ntype = \"integer\"\nnullable = false\n",
            pg,
            &[],
            vec![
                ("RT104", vec!["RT403"], Error),
                ("RT202", vec!["RT404"], Warning),
            ],
        ),
    ];
    for (ops, dialect, config, want) in cases {
        assert_eq!(
            &shape(ops, *dialect, config),
            want,
            "{dialect} {config:?}:\n{ops}"
        );
    }
    // `lint_ignore` of the primary code promotes the folded one.
    let ignored = format!("{narrow}lint_ignore = [\"RT104\"]\nreason = \"ages fit\"\n");
    assert_eq!(shape(&ignored, pg, &[]), [("RT403", vec![], Warning)]);
}

/// `ops` gives exactly `expect` for each dialect (and with no dialect).
#[track_caller]
fn check(ops: &str, portable: &[&str], postgres: &[&str], mysql: &[&str], sqlite: &[&str]) {
    assert_eq!(codes(ops, None), portable, "no dialect:\n{ops}");
    for (d, extra) in [
        (Dialect::Postgres, postgres),
        (Dialect::Mysql, mysql),
        (Dialect::Sqlite, sqlite),
    ] {
        let mut want: Vec<&str> = portable.to_vec();
        want.extend_from_slice(extra);
        want.sort_unstable();
        let mut got = codes(ops, Some(d));
        got.sort_unstable();
        assert_eq!(got, want, "{d}:\n{ops}");
    }
}

const NONE: &[&str] = &[];

#[test]
fn destructive() {
    check(
        "[[upgrade]]\nop = \"drop_table\"\ntable = \"orders\"\n",
        &["RT101"],
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\n",
        &["RT102"],
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"state\"\ntype = \"text\"\n\n[[upgrade]]\nop = \"drop_enum\"\nname = \"status\"\n",
        &["RT103"],
        &["RT403"],
        NONE,
        &["RT601"],
    );
    // A value removed: destructive everywhere, a table copy on MySQL.
    check(
        "[[upgrade]]\nop = \"alter_enum\"\nname = \"status\"\nvalues = [\"new\", \"sent\"]\n",
        &["RT103"],
        NONE,
        &["RT501"],
        NONE,
    );
    // Reordered or inserted in the middle: a table copy on MySQL only.
    check(
        "[[upgrade]]\nop = \"alter_enum\"\nname = \"status\"\nvalues = [\"new\", \"held\", \"paid\", \"sent\"]\n",
        NONE,
        NONE,
        &["RT501"],
        NONE,
    );
    // Appended at the end: nothing.
    check(
        "[[upgrade]]\nop = \"alter_enum\"\nname = \"status\"\nvalues = [\"new\", \"paid\", \"sent\", \"lost\"]\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"drop_unique\"\ntable = \"orders\"\nname = \"uq_orders_user\"\n",
        &["RT105"],
        NONE,
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"drop_foreign_key\"\ntable = \"orders\"\nname = \"fk_orders_user\"\n",
        &["RT105"],
        NONE,
        NONE,
        &["RT601"],
    );
}

#[test]
fn narrowing_type_changes() {
    for (column, ty) in [
        ("age", "integer"),
        ("age", "integer unsigned"),
        ("email", "varchar(100)"),
        ("name", "varchar(50)"),
        ("price", "decimal(8,2)"),
        ("price", "decimal(10,1)"),
        ("price", "integer"),
        ("born", "date"),
        ("name", "integer"),
    ] {
        let ops = format!(
            "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"{column}\"\ntype = \"{ty}\"\n"
        );
        check(&ops, &["RT104"], &["RT403"], NONE, &["RT601"]);
    }
}

#[test]
fn widening_is_not_narrowing() {
    // Widening varchar or raising a decimal's precision changes only the catalog.
    for (column, ty) in [
        ("email", "varchar(500)"),
        ("email", "text"),
        ("price", "decimal(12,2)"),
    ] {
        let ops = format!(
            "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"{column}\"\ntype = \"{ty}\"\n"
        );
        check(&ops, NONE, NONE, NONE, &["RT601"]);
    }
    // A wider integer is no loss, but PostgreSQL rewrites the table.
    let ops = "[[upgrade]]\nop = \"alter_column\"\ntable = \"orders\"\ncolumn = \"user_id\"\ntype = \"decimal(30,0)\"\n";
    check(ops, NONE, &["RT403"], NONE, &["RT601"]);
}

#[test]
fn data_dependent() {
    check(
        "[[upgrade]]\nop = \"create_unique\"\ntable = \"users\"\ncolumns = [\"email\"]\n",
        &["RT201"],
        &["RT401"],
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ux_users_email\"\ncolumns = [\"email\"]\nunique = true\n",
        &["RT201"],
        &["RT401"],
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\nnullable = false\n",
        &["RT202"],
        &["RT404"],
        NONE,
        &["RT601"],
    );
    // Already NOT NULL: nothing to fail.
    check(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"name\"\nnullable = false\n",
        NONE,
        NONE,
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"nick\", type = \"text\" }\n",
        &["RT203"],
        NONE,
        NONE,
        &["RT601"],
    );
    // With a default, or nullable: fine (SQLite adds a nullable column in place).
    check(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"nick\", type = \"text\", nullable = true }\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"add_check\"\ntable = \"users\"\nname = \"ck_age\"\nexpr = \"age > 0\"\n",
        &["RT204"],
        &["RT406"],
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"boss\", type = \"bigint\", nullable = true }\n\n[[upgrade]]\nop = \"add_foreign_key\"\ntable = \"users\"\ncolumns = [\"boss\"]\nref_table = \"users\"\nref_columns = [\"id\"]\n",
        &["RT205"],
        &["RT405"],
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"alter_primary_key\"\ntable = \"orders\"\ncolumns = [\"id\", \"user_id\"]\n",
        &["RT201"],
        NONE,
        NONE,
        &["RT601"],
    );
}

#[test]
fn backward_incompatible() {
    check(
        "[[upgrade]]\nop = \"rename_table\"\ntable = \"orders\"\nnew_name = \"purchases\"\n",
        &["RT301"],
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"name\"\nnew_name = \"full_name\"\n",
        &["RT302"],
        NONE,
        NONE,
        NONE,
    );
}

#[test]
fn postgres_blocking() {
    check(
        "[[upgrade]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_age\"\ncolumns = [\"age\"]\n",
        NONE,
        &["RT401"],
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"drop_index\"\ntable = \"orders\"\nname = \"ix_orders_user\"\n",
        NONE,
        &["RT402"],
        NONE,
        NONE,
    );
    // A volatile default fills every row; a constant one does not.
    check(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"token\", type = \"uuid\", default_expr = \"gen_random_uuid()\" }\n",
        NONE,
        &["RT407"],
        NONE,
        &["RT601"],
    );
    check(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"seen\", type = \"timestamptz\", default_expr = \"now()\" }\n",
        NONE,
        NONE,
        NONE,
        &["RT601"],
    );
}

#[test]
fn reversibility() {
    check(
        "[[upgrade]]\nop = \"execute\"\nsql = \"UPDATE users SET age = 0\"\n",
        &["RT701"],
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"execute\"\nsql = \"UPDATE users SET age = 0\"\n\n[[downgrade]]\nop = \"execute\"\nsql = \"UPDATE users SET age = NULL\"\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    // A downgrade that says it cannot undo it is an answer too.
    check(
        "[[upgrade]]\nop = \"execute\"\nsql = \"UPDATE users SET age = 0\"\n\n[[downgrade]]\nop = \"irreversible\"\nreason = \"ages lost\"\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"irreversible\"\nreason = \"data merged\"\n",
        &["RT702"],
        NONE,
        NONE,
        NONE,
    );
}

/// A table created in the same revision has no rows and no readers.
#[test]
fn new_tables_give_no_findings() {
    let ops = r#"[[upgrade]]
op = "create_table"
table = "tags"
columns = [{ name = "id", type = "bigint", primary_key = true }, { name = "label", type = "text", nullable = true }]

[[upgrade]]
op = "add_column"
table = "tags"
column = { name = "user_id", type = "bigint" }

[[upgrade]]
op = "create_index"
table = "tags"
name = "ix_tags_label"
columns = ["label"]

[[upgrade]]
op = "alter_column"
table = "tags"
column = "label"
nullable = false
type = "varchar(10)"

[[upgrade]]
op = "add_foreign_key"
table = "tags"
columns = ["user_id"]
ref_table = "users"
ref_columns = ["id"]

[[upgrade]]
op = "rename_table"
table = "tags"
new_name = "labels"

[[upgrade]]
op = "drop_column"
table = "labels"
column = "label"
"#;
    check(ops, NONE, NONE, NONE, NONE);
}

#[test]
fn findings_carry_file_line_message_and_hint() {
    let ops = "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"bio\", type = \"text\", nullable = true }\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\n";
    let r = lint(ops, None, &[]).unwrap();
    assert_eq!(r.findings.len(), 1);
    let f = &r.findings[0];
    assert_eq!((f.code, f.severity), ("RT102", Severity::Error));
    assert_eq!(f.file, PathBuf::from("migrations/versions/0002_case.toml"));
    // Two header lines, a blank, then the first table at 4: the second at 9.
    assert_eq!(f.line, Some(9));
    assert!(f.message.contains("`users.age`"), "{}", f.message);
    assert!(!f.hint.is_empty());
    assert!(r.has_errors());
}

#[test]
fn config_sets_severity_or_turns_off() {
    let ops = "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\n\n[[upgrade]]\nop = \"rename_table\"\ntable = \"orders\"\nnew_name = \"purchases\"\n";
    let r = lint(ops, None, &[("RT102", "warning"), ("rt301", "off")]).unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(
        (r.findings[0].code, r.findings[0].severity),
        ("RT102", Severity::Warning)
    );
    assert!(!r.has_errors());
    let e = LintConfig::from_pairs([("RT999", "off")]).unwrap_err();
    assert!(e.to_string().contains("`RT999`"), "{e}");
    let e = LintConfig::from_pairs([("RT101", "fatal")]).unwrap_err();
    assert!(e.to_string().contains("hint:"), "{e}");
}

#[test]
fn lint_ignore_accepts_one_operation() {
    let ops = "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\nlint_ignore = [\"RT102\"]\nreason = \"never read since v2\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"email\"\n";
    let r = lint(ops, None, &[]).unwrap();
    let cols: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(cols.len(), 1, "{cols:?}");
    assert!(cols[0].contains("`users.email`"));

    let e = lint(
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\nlint_ignore = [\"RT102\"]\n",
        None,
        &[],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "migrations/versions/0002_case.toml:4: `lint_ignore` without a `reason`"
    );
    let e = lint(
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\nlint_ignore = [\"RT12\"]\nreason = \"x\"\n",
        None,
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown code `RT12`"), "{e}");
}

/// `lint_ignore` is no part of the operation: the checksum and the
/// operation are those of the same file without it; `irreversible` keeps its reason.
#[test]
fn lint_ignore_leaves_checksums_alone() {
    let plain = "revision = \"a\"\n\n[[upgrade]]\nop = \"irreversible\"\nreason = \"merged\"\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\n";
    let ignored = "revision = \"a\"\n\n[[upgrade]]\nop = \"irreversible\"\nreason = \"merged\"\nlint_ignore = [\"RT702\"]\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\nlint_ignore = [\"RT101\"]\nreason = \"empty\"\n";
    let p = PathBuf::from("a.toml");
    let a = retort_script::Revision::parse(plain, &p).unwrap();
    let b = retort_script::Revision::parse(ignored, &p).unwrap();
    assert_eq!(a.checksum(), b.checksum());
    assert_eq!(a.upgrade, b.upgrade);
    assert!(
        matches!(&b.upgrade[0], retort_core::Operation::Irreversible { reason: Some(r) } if r == "merged")
    );
    assert!(b.lint_ignore(1).unwrap().ignores("rt101"));
    // Other unknown fields are still refused, with their line.
    let bad = "revision = \"a\"\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\nlint_ignor = [\"RT101\"]\n";
    let e = retort_script::Revision::parse(bad, &p)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("a.toml:6:"), "{e}");
    assert!(e.contains("lint_ignor"), "{e}");
}

#[test]
fn codes_are_unique_and_ordered() {
    let mut seen: Vec<&str> = CODES.iter().map(|c| c.code).collect();
    let sorted = {
        let mut s = seen.clone();
        s.sort_unstable();
        s
    };
    assert_eq!(seen, sorted);
    seen.dedup();
    assert_eq!(seen.len(), CODES.len());
}

/// The README's table lists every code with its default severity.
#[test]
fn the_readme_lists_every_code() {
    let readme = fs_err::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    for c in CODES {
        let row = format!("| {} | {} |", c.code, c.severity);
        assert!(readme.contains(&row), "README lacks `{row}`");
    }
}

/// On branches, each revision sees only its own ancestors' schema, not the
/// other branch's (which here builds the same table differently).
#[test]
fn branches_replay_their_own_ancestors() {
    let texts = [
        ("0001_base.toml", BASE.to_owned()),
        (
            "0002_a.toml",
            "revision = \"a\"\ndown_revision = \"r0\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n".to_owned(),
        ),
        (
            "0003_b.toml",
            "revision = \"b\"\ndown_revision = \"r0\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }, { name = \"x\", type = \"text\" }]\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"orders\"\n".to_owned(),
        ),
        (
            "0004_b2.toml",
            "revision = \"b2\"\ndown_revision = \"b\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"x\"\n".to_owned(),
        ),
    ];
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let script = Script::from_texts(PathBuf::from("m"), &files).unwrap();
    let revs: Vec<_> = script
        .topological()
        .into_iter()
        .filter(|r| r.id != "r0")
        .collect();
    let r = lint_revisions(&script, &revs, &LintOptions::default()).unwrap();
    let got: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.revision.as_str(), f.code))
        .collect();
    assert_eq!(got, [("b", "RT101"), ("b2", "RT102")]);
}

/// The safe forms: `concurrently` and `validate = false` give no RT401,
/// RT402, RT405 or RT406 (the data-dependent findings stay, on the step
/// that checks the rows).
#[test]
fn safe_forms_are_quiet() {
    check(
        "[[upgrade]]\nop = \"create_index\"\ntable = \"users\"\nname = \"ix_users_age\"\ncolumns = [\"age\"]\nconcurrently = true\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    check(
        "[[upgrade]]\nop = \"drop_index\"\ntable = \"orders\"\nname = \"ix_orders_user\"\nconcurrently = true\n",
        NONE,
        NONE,
        NONE,
        NONE,
    );
    // On PostgreSQL the rows are checked by `validate_constraint`, so the
    // data-dependent finding is that step's, and a key never validated in
    // the revision has none; elsewhere the add checks them.
    let check_later = "[[upgrade]]\nop = \"add_check\"\ntable = \"users\"\nname = \"ck_age\"\nexpr = \"age > 0\"\nvalidate = false\n\n[[upgrade]]\nop = \"validate_constraint\"\ntable = \"users\"\nname = \"ck_age\"\n";
    check(check_later, &["RT204"], NONE, NONE, &["RT601"]);
    let key_later = "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"boss\", type = \"bigint\", nullable = true }\n\n[[upgrade]]\nop = \"add_foreign_key\"\ntable = \"users\"\ncolumns = [\"boss\"]\nref_table = \"users\"\nref_columns = [\"id\"]\nvalidate = false\n\n[[upgrade]]\nop = \"validate_constraint\"\ntable = \"users\"\nname = \"fk_users_boss_users\"\n";
    check(key_later, &["RT205"], NONE, NONE, &["RT601"]);
    for (ops, code) in [(check_later, "RT204"), (key_later, "RT205")] {
        let r = lint(ops, Some(Dialect::Postgres), &[]).unwrap();
        let f = r.findings.iter().find(|f| f.code == code).unwrap();
        assert!(
            f.operation.contains("validate"),
            "{code} is the validating step's, not the add's: {f:?}"
        );
    }
    let never_validated = key_later.rsplit_once("\n\n[[upgrade]]").unwrap().0;
    assert_eq!(codes(never_validated, Some(Dialect::Postgres)), NONE);
    assert_eq!(codes(never_validated, Some(Dialect::Mysql)), ["RT205"]);
}
