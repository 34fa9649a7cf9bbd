//! Skeletons written into new revision files (`revision --create TABLE`,
//! `--table TABLE`, and the commented examples of a plain `revision`).

use std::fmt::Write as _;

/// What a new revision file holds besides the operations it was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scaffold {
    /// Nothing: the operations alone (autogenerate, merge).
    #[default]
    None,
    /// Commented examples of the common operations, to uncomment and edit.
    Examples,
    /// A `create_table` of the table with an `id` key column and commented
    /// example columns, and the `drop_table` that undoes it.
    CreateTable(String),
    /// Commented `add_column` and `alter_column` for the table, with the
    /// operations that undo them.
    AlterTable(String),
}

/// A commented example column of `--create`, altered by `--table`'s example.
const EXAMPLE_COLUMN: &str = r#"{ name = "name", type = "varchar(255)" }"#;

impl Scaffold {
    /// The text written after the file's header keys; empty for [`Scaffold::None`].
    /// Lines starting `# ` are commented TOML that loads once uncommented.
    pub fn text(&self) -> String {
        let mut out = String::new();
        match self {
            Scaffold::None => {}
            Scaffold::Examples => examples(&mut out),
            Scaffold::CreateTable(table) => create_table(&mut out, table, &quote(table)),
            Scaffold::AlterTable(table) => alter_table(&mut out, table, &quote(table)),
        }
        out
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn create_table(out: &mut String, name: &str, table: &str) {
    let _ = write!(
        out,
        r#"
[[upgrade]]
op = "create_table"
table = {table}
columns = [
  {{ name = "id", type = "integer", primary_key = true, autoincrement = true }},
  # {EXAMPLE_COLUMN},
  # {{ name = "created_at", type = "timestamptz", default_expr = "CURRENT_TIMESTAMP" }},
]

# destructive: drop table `{name}`
[[downgrade]]
op = "drop_table"
table = {table}
"#
    );
}

fn alter_table(out: &mut String, name: &str, table: &str) {
    let _ = write!(
        out,
        r#"
# Changes to table `{name}`: uncomment and edit. Each `[[downgrade]]` undoes
# an `[[upgrade]]`, in the reverse order.
#
# [[upgrade]]
# op = "add_column"
# table = {table}
# column = {{ name = "note", type = "text", nullable = true }}
#
# [[upgrade]]
# op = "alter_column"
# table = {table}
# column = "name"
# type = "varchar(500)"
# nullable = true
#
# [[downgrade]]
# op = "alter_column"
# table = {table}
# column = "name"
# type = "varchar(255)"
# nullable = false
#
# [[downgrade]]
# op = "drop_column"
# table = {table}
# column = "note"
"#
    );
}

fn examples(out: &mut String) {
    out.push_str(
        r#"
# `retort upgrade` runs the `[[upgrade]]` operations in order; `retort
# downgrade` runs the `[[downgrade]]` ones, which undo them newest first.
# Uncomment and edit what you need.
#
# [[upgrade]]
# op = "create_table"
# table = "widgets"
# columns = [
#   { name = "id", type = "integer", primary_key = true, autoincrement = true },
#   { name = "name", type = "varchar(255)", unique = true },
#   { name = "created_at", type = "timestamptz", default_expr = "CURRENT_TIMESTAMP" },
# ]
#
# [[upgrade]]
# op = "add_column"
# table = "widgets"
# column = { name = "note", type = "text", nullable = true }
#
# [[upgrade]]
# op = "create_index"
# table = "widgets"
# name = "ix_widgets_created_at"
# columns = ["created_at"]
#
# [[upgrade]]
# op = "execute"
# sql = "UPDATE widgets SET note = 'none'"
#
# [[downgrade]]
# op = "drop_index"
# table = "widgets"
# name = "ix_widgets_created_at"
#
# [[downgrade]]
# op = "drop_column"
# table = "widgets"
# column = "note"
#
# [[downgrade]]
# op = "drop_table"
# table = "widgets"
"#,
    );
}

#[cfg(test)]
mod tests {
    use super::Scaffold;

    /// A table name TOML must escape stays one string, in every scaffold.
    #[test]
    fn table_names_are_quoted() {
        let name = r#"odd "name" \ here"#;
        for s in [
            Scaffold::CreateTable(name.to_owned()),
            Scaffold::AlterTable(name.to_owned()),
        ] {
            let text = s.text();
            let uncommented: String = text
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("# ").or(Some(l)))
                .filter(|l| {
                    !l.starts_with("Changes to")
                        && !l.starts_with("an `")
                        && !l.starts_with("destructive")
                })
                .map(|l| format!("{l}\n"))
                .collect();
            let doc: toml::Table = uncommented.parse().expect(&uncommented);
            let ups = doc["upgrade"].as_array().unwrap();
            assert_eq!(ups[0]["table"].as_str(), Some(name), "{text}");
        }
        assert_eq!(Scaffold::None.text(), "");
    }
}
