//! Dependencies between the crates point one way (ARCHITECTURE.md).

use std::collections::BTreeMap;
use std::process::Command;

/// For each crate, the retort crates it may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("retort-core", &[]),
    ("retort-sql", &["retort-core"]),
    ("retort-entity", &["retort-core"]),
    ("retort-catalog", &["retort-core", "retort-sql"]),
    ("retort-diff", &["retort-core"]),
    ("retort-script", &["retort-core"]),
    (
        "retort-migrate",
        &[
            "retort-core",
            "retort-sql",
            "retort-script",
            "retort-catalog",
            "retort-lint",
        ],
    ),
    ("retort-testing", &["retort-core"]),
    (
        "retort-lint",
        &["retort-core", "retort-sql", "retort-script"],
    ),
    (
        "retort-autogen",
        &[
            "retort-core",
            "retort-sql",
            "retort-script",
            "retort-migrate",
            "retort-entity",
            "retort-catalog",
            "retort-diff",
        ],
    ),
    // No retort-diff: the CLI plans and compares nothing itself
    // (`the_cli_does_not_compare_schemas`).
    (
        "retort-cli",
        &[
            "retort-core",
            "retort-sql",
            "retort-script",
            "retort-migrate",
            "retort-entity",
            "retort-catalog",
            "retort-autogen",
            "retort-lint",
        ],
    ),
    ("retort-embed", &["retort-script"]),
    (
        "retort",
        &[
            "retort-cli",
            "retort-core",
            "retort-script",
            "retort-migrate",
            "retort-autogen",
            "retort-embed",
            "retort-entity",
        ],
    ),
    // An application: the library only, as users depend on it.
    ("example-app", &["retort"]),
];

#[test]
fn dependencies_point_one_way() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut seen = 0;
    for pkg in meta["packages"].as_array().unwrap() {
        let name = pkg["name"].as_str().unwrap();
        let Some(ok) = allowed.get(name) else {
            panic!("crate `{name}` is not in the dependency rule of tests/architecture.rs");
        };
        seen += 1;
        for dep in pkg["dependencies"].as_array().unwrap() {
            let dname = dep["name"].as_str().unwrap();
            let normal = dep["kind"].is_null();
            if normal && dname.starts_with("retort") {
                assert!(
                    ok.contains(&dname),
                    "`{name}` depends on `{dname}`, against the one-way rule"
                );
            }
        }
        if name != "retort-cli" && name != "retort" {
            for dep in pkg["dependencies"].as_array().unwrap() {
                assert_ne!(
                    dep["name"].as_str(),
                    Some("clap"),
                    "only retort-cli may use clap, not `{name}`"
                );
            }
        }
    }
    assert!(seen >= 5, "cargo metadata listed only {seen} crates");
}

/// What counts as drift and when to refuse are rules of the library
/// (`retort-autogen`), not of the command line: the CLI never compares
/// schemas or plans operations itself. It does not depend on `retort-diff`
/// (the planner) at all, names none of its items, calls no `diff(` but
/// its own colouring (`style::diff`) and the library's `ddl_diff`, and
/// normalizes or reads no catalog (but `inspect`, which prints one).
#[test]
fn the_cli_does_not_compare_schemas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/retort-cli");
    let manifest = fs_err::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("retort-diff"),
        "crates/retort-cli/Cargo.toml names retort-diff: planning belongs in retort-autogen"
    );
    let mut files = vec![root.join("src")];
    let mut offenders = Vec::new();
    let mut seen = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            for e in fs_err::read_dir(&p).unwrap() {
                files.push(e.unwrap().path());
            }
            continue;
        }
        seen += 1;
        let text = fs_err::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let mut found: Vec<&str> = [
                "retort_diff",
                "DiffOptions",
                "Planner",
                "verify_on(",
                "normalize_for(",
                "normalize_portable(",
                "normalized(",
                "rename_candidates(",
            ]
            .into_iter()
            .filter(|needle| code.contains(needle))
            .collect();
            if code.contains("read_schema(") && !p.ends_with("inspect.rs") {
                found.push("read_schema(");
            }
            // `diff(` only as the colouring of a printed diff or the
            // library's DDL diff.
            let mut rest = code;
            while let Some(i) = rest.find("diff(") {
                let before = &rest[..i];
                if !["style::", "fn ", "ddl_"]
                    .iter()
                    .any(|a| before.ends_with(a))
                {
                    found.push("diff(");
                }
                rest = &rest[i + 5..];
            }
            for needle in found {
                offenders.push(format!("{}:{}: {needle}", p.display(), n + 1));
            }
        }
    }
    assert!(
        seen >= 10,
        "read only {seen} files of crates/retort-cli/src"
    );
    assert_eq!(offenders, Vec::<String>::new());
}
