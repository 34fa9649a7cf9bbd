use std::fmt::Write as _;

use retort_core::Operation;

use crate::Revision;

/// Keys whose value is a list of tables, written one inline table per line.
const TABLE_LISTS: &[&str] = &["columns", "foreign_keys", "uniques", "checks", "rows"];

/// The text of a revision file: the header keys, then each operation as an
/// `[[upgrade]]` / `[[downgrade]]` table with its keys in declaration order.
///
/// Destructive operations get a `# destructive: ...` comment above their table.
pub fn render_revision(rev: &Revision) -> String {
    let mut out = String::new();
    line(&mut out, "revision", &string(&rev.id));
    match rev.down_revisions.as_slice() {
        [] => {}
        [one] => line(&mut out, "down_revision", &string(one)),
        many => line(&mut out, "down_revision", &string_list(many)),
    }
    line(&mut out, "message", &string(&rev.message));
    if let Some(date) = rev.create_date {
        let format = if date.timestamp_subsec_nanos() == 0 {
            "%Y-%m-%dT%H:%M:%SZ"
        } else {
            "%Y-%m-%dT%H:%M:%S%.fZ"
        };
        line(&mut out, "create_date", &date.format(format).to_string());
    }
    if !rev.branch_labels.is_empty() {
        line(&mut out, "branch_labels", &string_list(&rev.branch_labels));
    }
    if !rev.depends_on.is_empty() {
        line(&mut out, "depends_on", &string_list(&rev.depends_on));
    }
    if !rev.replaces.is_empty() {
        line(&mut out, "replaces", &string_list(&rev.replaces));
    }
    for (section, ops) in [("upgrade", &rev.upgrade), ("downgrade", &rev.downgrade)] {
        for op in ops {
            out.push('\n');
            render_op(&mut out, section, op);
        }
    }
    out
}

fn render_op(out: &mut String, section: &str, op: &Operation) {
    if op.is_destructive() {
        let _ = writeln!(out, "# destructive: {}", op.describe());
    }
    let _ = writeln!(out, "[[{section}]]");
    let value = toml::Value::try_from(op).expect("operations serialize to TOML");
    let toml::Value::Table(table) = value else {
        unreachable!("an operation serializes to a table")
    };
    for (key, value) in &table {
        let key_text = toml::Value::String(key.clone());
        let key_text = if is_bare_key(key) {
            key.clone()
        } else {
            key_text.to_string()
        };
        match value {
            toml::Value::Array(items)
                if TABLE_LISTS.contains(&key.as_str())
                    && items.iter().all(|i| matches!(i, toml::Value::Table(_))) =>
            {
                let _ = writeln!(out, "{key_text} = [");
                for item in items {
                    let _ = writeln!(out, "  {item},");
                }
                out.push_str("]\n");
            }
            _ => line(out, &key_text, &value.to_string()),
        }
    }
}

fn is_bare_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn string_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", parts.join(", "))
}
