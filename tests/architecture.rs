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
        ],
    ),
    ("retort-testing", &["retort-core"]),
    (
        "retort-cli",
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
    ("retort", &["retort-cli"]),
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
