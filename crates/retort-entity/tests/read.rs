//! Small cases: attributes, types, non-entity files, and every error.

use std::collections::BTreeMap;

use retort_core::{ColumnDefault, FkAction, Table, Value};
use retort_entity::{EntityError, ModelSet, ReadOptions, read_models};

const HEAD: &str = "use sea_orm::entity::prelude::*;\n\n";

/// Writes `files` (name, source) into a temp dir and reads it.
fn read_with(files: &[(&str, &str)], opts: &ReadOptions) -> Result<ModelSet, EntityError> {
    let dir = tempfile::tempdir().unwrap();
    for (name, src) in files {
        let path = dir.path().join(name);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, src).unwrap();
    }
    read_models(&[dir.path().to_owned()], opts)
}

fn read(files: &[(&str, &str)]) -> ModelSet {
    read_with(files, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn model(table: &str, fields: &str) -> String {
    format!(
        "{HEAD}#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n#[sea_orm(table_name = \"{table}\")]\npub struct Model {{\n{fields}\n}}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {{}}\n\nimpl ActiveModelBehavior for ActiveModel {{}}\n"
    )
}

/// One line per column: `name type [null] [pk] [auto] [default]`.
fn columns(t: &Table) -> Vec<String> {
    t.columns
        .iter()
        .map(|c| {
            let mut s = format!("{} {}", c.name, c.ty);
            if c.nullable {
                s.push_str(" null");
            }
            if t.pk_columns().contains(&c.name) {
                s.push_str(" pk");
            }
            if c.autoincrement {
                s.push_str(" auto");
            }
            match &c.default {
                Some(ColumnDefault::Literal(v)) => s.push_str(&format!(" default={v}")),
                Some(ColumnDefault::Expr(e)) => s.push_str(&format!(" default_expr={e}")),
                None => {}
            }
            s
        })
        .collect()
}

fn check(fields: &str, expect: &[&str]) {
    let set = read(&[("thing.rs", &model("thing", fields))]);
    assert_eq!(columns(&set.schema.tables["thing"]), expect, "{fields}");
}

#[test]
fn field_types_and_attributes() {
    check(
        "#[sea_orm(primary_key)] pub id: i32, pub name: Option<String>",
        &["id integer pk auto", "name varchar null"],
    );
    check("#[sea_orm(primary_key)] pub id: String", &["id varchar pk"]);
    check(
        "#[sea_orm(primary_key)] pub id: uuid::Uuid",
        &["id uuid pk"],
    );
    check(
        "#[sea_orm(primary_key, auto_increment = false)] pub id: i64",
        &["id bigint pk"],
    );
    check(
        "#[sea_orm(primary_key)] pub a: i32, #[sea_orm(primary_key)] pub b: i32",
        &["a integer pk", "b integer pk"],
    );
    check(
        r#"#[sea_orm(primary_key)] pub id: i32,
        #[sea_orm(column_type = "Decimal(Some((12, 2)))")] pub price: Decimal,
        #[sea_orm(column_type = "String(StringLen::N(64))", nullable)] pub code: String,
        #[sea_orm(column_type = "custom(\"citext\")")] pub ci: String,
        #[sea_orm(column_name = "label_text")] pub label: String,
        #[sea_orm(ignore)] pub cache: String,
        #[sea_orm(default_value = "x")] pub s: String,
        #[sea_orm(default_value = -3)] pub n: i16,
        #[sea_orm(default_value = 1.5)] pub f: f64,
        #[sea_orm(default_expr = "Expr::cust(\"now()\")")] pub at: chrono::NaiveDateTime,
        #[sea_orm(default_expr = "Expr::current_date()")] pub day: chrono::NaiveDate,
        pub bytes: Vec<u8>,
        pub ints: Vec<i32>,
        pub when: chrono::DateTime<chrono::Utc>,
        pub t: time::OffsetDateTime,
        pub v: serde_json::Value,
        pub r#type: u8"#,
        &[
            "id integer pk auto",
            "price decimal(12,2)",
            "code varchar(64) null",
            "ci custom(citext)",
            "label_text varchar",
            "s varchar default=\"x\"",
            "n smallint default=-3",
            "f double default=1.5",
            "at timestamp default_expr=now()",
            "day date default_expr=CURRENT_DATE",
            "bytes blob",
            "ints integer[]",
            "when timestamptz",
            "t timestamptz",
            "v json",
            "type tinyint unsigned",
        ],
    );
}

#[test]
fn rename_all_and_field_names() {
    let src = format!(
        "{HEAD}#[derive(DeriveEntityModel)]\n#[sea_orm(table_name = \"t\", rename_all = \"camelCase\")]\npub struct Model {{ #[sea_orm(primary_key)] pub user_id: i32, pub created_at: DateTime }}\n"
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["t"]),
        ["userId integer pk auto", "createdAt timestamp"]
    );
}

#[test]
fn unique_indexed_and_unique_keys() {
    let set = read(&[(
        "t.rs",
        &model(
            "t",
            r#"#[sea_orm(primary_key)] pub id: i32,
            #[sea_orm(unique)] pub email: String,
            #[sea_orm(indexed)] pub name: String,
            #[sea_orm(indexed, unique)] pub both: String,
            #[sea_orm(unique_key = "pair")] pub a: i32,
            #[sea_orm(unique_key = "pair")] pub b: i32"#,
        ),
    )]);
    let t = &set.schema.tables["t"];
    let uniques: Vec<_> = t
        .uniques
        .iter()
        .map(|u| (&u.name[..], &u.columns[..]))
        .collect();
    assert_eq!(
        uniques,
        [
            ("uq_t_email", &["email".to_owned()][..]),
            ("uq_t_both", &["both".to_owned()][..])
        ]
    );
    let idx: Vec<_> = t
        .indexes
        .iter()
        .map(|i| format!("{} {:?} {}", i.name, i.columns, i.unique))
        .collect();
    assert_eq!(
        idx,
        [
            "idx-t-name [\"name\"] false",
            "idx-t-pair [\"a\", \"b\"] true"
        ]
    );
}

#[test]
fn active_enums_and_value_types() {
    let enums = format!(
        r#"{HEAD}
#[derive(EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "mood", rename_all = "snake_case")]
pub enum Mood {{ VeryHappy, Sad, #[sea_orm(string_value = "meh!")] Meh }}

#[derive(EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(1))")]
pub enum Size {{ #[sea_orm(string_value = "S")] Small }}

#[derive(EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "i16", db_type = "SmallInteger")]
pub enum Level {{ Low = 0, High = 1 }}

#[derive(DeriveValueType)]
pub struct Cents(i64);

#[derive(DeriveValueType)]
#[sea_orm(column_type = "Text")]
pub struct Notes(String);
"#
    );
    let set = read(&[
        ("enums.rs", &enums),
        (
            "t.rs",
            &model(
                "t",
                "#[sea_orm(primary_key)] pub id: i32, pub mood: Mood, pub size: Option<Size>, pub level: Level, pub cents: Cents, pub notes: Notes, pub moods: Vec<Mood>",
            ),
        ),
    ]);
    assert_eq!(
        columns(&set.schema.tables["t"]),
        [
            "id integer pk auto",
            "mood enum(mood)",
            "size varchar(1) null",
            "level smallint",
            "cents bigint",
            "notes text",
            "moods enum(mood)[]",
        ]
    );
    assert_eq!(
        set.schema.enums["mood"].values,
        ["very_happy", "sad", "meh!"]
    );
}

#[test]
fn relations_in_each_spelling() {
    let parent = model(
        "parent",
        "#[sea_orm(primary_key)] pub id: i32, #[sea_orm(primary_key)] pub k: i32",
    );
    let child = format!(
        r#"{HEAD}#[derive(DeriveEntityModel)]
#[sea_orm(table_name = "child")]
pub struct Model {{
    #[sea_orm(primary_key)] pub id: i32,
    pub pid: i32,
    pub pk: i32,
    pub up: Option<i32>,
}}
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{
    #[sea_orm(belongs_to = "super::parent::Entity", from = "(Column::Pid, Column::Pk)", to = "(super::parent::Column::Id, super::parent::Column::K)", on_delete = "Cascade", on_update = "Restrict", fk_name = "my_fk")]
    Parent,
    #[sea_orm(belongs_to = "Entity", from = "Column::Up", to = "Column::Id", on_delete = "SetNull")]
    Up,
    #[sea_orm(belongs_to = "super::parent::Entity", from = "Column::Pid", to = "super::parent::Column::Id", skip_fk)]
    Skipped,
    #[sea_orm(has_many = "super::parent::Entity")]
    Many,
}}
"#
    );
    let set = read(&[("parent.rs", &parent), ("child.rs", &child)]);
    let fks: Vec<String> = set.schema.tables["child"]
        .foreign_keys
        .iter()
        .map(|f| {
            format!(
                "{} {:?}->{}{:?} {:?} {:?}",
                f.name, f.columns, f.ref_table, f.ref_columns, f.on_delete, f.on_update
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            "my_fk [\"pid\", \"pk\"]->parent[\"id\", \"k\"] Some(Cascade) Some(Restrict)",
            "fk_child_up_child [\"up\"]->child[\"id\"] Some(SetNull) None",
        ]
    );
}

#[test]
fn excluded_tables_and_foreign_keys_to_them_go() {
    let users = model("users", "#[sea_orm(primary_key)] pub id: i32");
    let posts = format!(
        r#"{HEAD}#[derive(DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {{ #[sea_orm(primary_key)] pub id: i32, pub user_id: i32 }}
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::UserId", to = "super::users::Column::Id")]
    Users,
}}
"#
    );
    let opts = ReadOptions {
        exclude_tables: vec!["users".into()],
        ..ReadOptions::default()
    };
    let set = read_with(&[("users.rs", &users), ("posts.rs", &posts)], &opts).unwrap();
    assert_eq!(set.schema.tables.keys().collect::<Vec<_>>(), ["posts"]);
    assert!(set.schema.tables["posts"].foreign_keys.is_empty());
}

#[test]
fn non_entity_files_are_skipped_quietly() {
    let set = read(&[
        ("mod.rs", "pub mod prelude;\npub mod helpers;\n"),
        ("prelude.rs", "pub use super::users::Entity as Users;\n"),
        (
            "helpers.rs",
            "use sea_orm::entity::prelude::*;\npub fn shout(s: &str) -> String { s.to_uppercase() }\n",
        ),
        (
            "nested/users.rs",
            &model("users", "#[sea_orm(primary_key)] pub id: i32"),
        ),
    ]);
    assert_eq!(set.schema.tables.keys().collect::<Vec<_>>(), ["users"]);
    assert_eq!(set.warnings, []);
}

#[test]
fn renamed_from_and_warnings() {
    let src = format!(
        "{HEAD}#[derive(DeriveEntityModel)]\n#[sea_orm(table_name = \"t\", schema_name = \"sales\")]\npub struct Model {{ #[sea_orm(primary_key)] pub id: i32, #[sea_orm(renamed_from = \"old\", extra = \"CHECK (x > 0)\")] pub x: i32 }}\n"
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(set.renamed_from.len(), 1);
    assert_eq!(
        (&set.renamed_from[0].from[..], &set.renamed_from[0].to[..]),
        ("old", "x")
    );
    let msgs: Vec<_> = set.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains("t.rs:5:") && msgs[0].contains("schema_name"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("extra"), "{msgs:?}");
}

#[test]
fn unknown_type_names_file_line_field_and_the_fix() {
    let src = model(
        "t",
        "#[sea_orm(primary_key)] pub id: i32,\n    pub owner: Option<UserId>",
    );
    let err = read_with(&[("t.rs", &src)], &ReadOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, EntityError::UnknownTypes(u) if u.types.len() == 1 && u.types[0].field == "owner" && u.types[0].type_name == "UserId")
    );
    assert!(msg.contains("t.rs:7: "), "{msg}");
    assert!(msg.contains("`owner`"), "{msg}");
    assert!(msg.contains("`UserId`"), "{msg}");
    assert!(msg.contains("\nhint: "), "{msg}");
    assert!(
        msg.ends_with("[models.types]\nUserId = \"integer\""),
        "{msg}"
    );

    let opts = ReadOptions {
        types: BTreeMap::from([("UserId".to_owned(), "bigint".to_owned())]),
        ..ReadOptions::default()
    };
    let set = read_with(&[("t.rs", &src)], &opts).unwrap();
    assert_eq!(columns(&set.schema.tables["t"])[1], "owner bigint null");
}

#[test]
fn syntax_error_names_file_and_line() {
    let src = format!(
        "{HEAD}#[derive(DeriveEntityModel)]\npub struct Model {{\n    pub id: i32\n    pub x: i32,\n}}\n"
    );
    let err = read_with(&[("broken.rs", &src)], &ReadOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, EntityError::Syntax { line: 6, .. }), "{msg}");
    assert!(msg.contains("broken.rs:6:"), "{msg}");
    assert!(msg.contains("\nhint: "), "{msg}");
}

#[test]
fn bad_attributes_are_errors_with_file_and_field() {
    let cases = [
        (
            r#"#[sea_orm(primary_key)] pub id: i32, #[sea_orm(column_type = "Strin(5)")] pub name: String"#,
            "field `name`",
        ),
        (
            r#"#[sea_orm(primary_key)] pub id: i32, #[sea_orm(default_expr = "my_fn()")] pub at: DateTime"#,
            "default expression `my_fn()`",
        ),
        (
            r#"#[sea_orm(primary_key)] pub id: i32, #[sea_orm(default_value = some_const)] pub n: i32"#,
            "field `n`",
        ),
    ];
    for (fields, needle) in cases {
        let err = read_with(&[("t.rs", &model("t", fields))], &ReadOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.rs:6: "), "{msg}");
        assert!(msg.contains(needle), "{msg}");
        assert!(msg.contains("\nhint: "), "{msg}");
        assert!(!msg.lines().next().unwrap().ends_with('.'), "{msg}");
    }
}

#[test]
fn unresolved_relations_are_errors() {
    let src = format!(
        r#"{HEAD}#[derive(DeriveEntityModel)]
#[sea_orm(table_name = "t")]
pub struct Model {{ #[sea_orm(primary_key)] pub id: i32, pub x: i32 }}
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{
    #[sea_orm(belongs_to = "super::ghost::Entity", from = "Column::X", to = "super::ghost::Column::Id")]
    Ghost,
    #[sea_orm(belongs_to = "Entity", from = "Column::Nope", to = "Column::Id")]
    Bad,
}}
"#
    );
    let err = read_with(&[("t.rs", &src)], &ReadOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("t.rs:9: relation `Ghost`"), "{msg}");
    assert!(msg.contains("super::ghost::Entity"), "{msg}");
}

#[test]
fn duplicate_tables_missing_paths_and_bad_overrides() {
    let a = model("same", "#[sea_orm(primary_key)] pub id: i32");
    let err = read_with(&[("a.rs", &a), ("b.rs", &a)], &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, EntityError::DuplicateTable { .. }), "{err}");

    let err = read_models(&["/no/such/dir".into()], &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("`/no/such/dir`"), "{err}");

    let opts = ReadOptions {
        types: BTreeMap::from([("UserId".to_owned(), "interger".to_owned())]),
        ..ReadOptions::default()
    };
    let err = read_with(&[], &opts).unwrap_err();
    assert!(err.to_string().contains("`UserId = \"interger\"`"), "{err}");
}

#[test]
fn inline_modules_and_values() {
    let src = format!(
        "pub mod users {{\n{}\n}}\n",
        model(
            "users",
            "#[sea_orm(primary_key)] pub id: i32, #[sea_orm(default_value = true)] pub on: bool"
        )
    );
    let set = read(&[("all.rs", &src)]);
    let c = set.schema.tables["users"].column("on").unwrap();
    assert_eq!(c.default, Some(ColumnDefault::Literal(Value::Bool(true))));
    let _ = FkAction::Cascade;
}

/// Point 4 of issue 12: forms SeaORM compiles that the reader once refused
/// or misread.
#[test]
fn json_struct_in_the_same_file_is_json() {
    let src = format!(
        "{}\n#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]\npub struct Settings {{ pub dark: bool }}\n",
        model(
            "t",
            "#[sea_orm(primary_key)] pub id: i32,\n    pub settings: Settings,\n    pub old: Option<Settings>"
        )
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["t"])[1..],
        ["settings json", "old json null"]
    );
}

#[test]
fn uuid_fmt_types_are_uuid() {
    let src = format!(
        "use uuid::fmt::{{Braced, Urn}};\n{}",
        model(
            "t",
            "#[sea_orm(primary_key)] pub id: i32,\n    pub a: uuid::fmt::Hyphenated,\n    pub b: Option<uuid::fmt::Simple>,\n    pub c: Braced,\n    pub d: Urn"
        )
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["t"])[1..],
        ["a uuid", "b uuid null", "c uuid", "d uuid"]
    );
}

#[test]
fn column_type_constructor_functions() {
    let src = model(
        "t",
        "#[sea_orm(primary_key)] pub id: i32,\n    #[sea_orm(column_type = \"var_binary(32)\")]\n    pub hash: Vec<u8>,\n    #[sea_orm(column_type = \"string(Some(12))\")]\n    pub code: String",
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["t"])[1..],
        ["hash varbinary(32)", "code varchar(12)"]
    );
}

#[test]
fn computed_table_name_is_skipped_with_a_warning() {
    let src = format!(
        "{HEAD}pub const PREFIX: &str = \"app\";\n\n#[derive(Copy, Clone, Default, Debug, DeriveEntity)]\npub struct Entity;\n\nimpl EntityName for Entity {{\n    fn table_name(&self) -> &'static str {{\n        PREFIX\n    }}\n}}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveColumn)]\npub enum Column {{\n    Id,\n}}\n\nimpl ColumnTrait for Column {{\n    type EntityName = Entity;\n    fn def(&self) -> ColumnDef {{\n        match self {{\n            Self::Id => ColumnType::Integer.def(),\n        }}\n    }}\n}}\n"
    );
    let set = read(&[
        ("computed.rs", &src),
        ("t.rs", &model("t", "#[sea_orm(primary_key)] pub id: i32")),
    ]);
    assert_eq!(set.schema.tables.keys().collect::<Vec<_>>(), ["t"]);
    let w: Vec<String> = set.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "computed.rs:8: entity `computed::Entity` is skipped: its `table_name` is computed"
        ),
        "{w:?}"
    );
}

#[test]
fn unknown_sea_orm_key_is_an_error_with_the_nearest_key() {
    for (fields, line, key, near) in [
        (
            "#[sea_orm(primary_kee)] pub id: i32",
            6,
            "primary_kee",
            "primary_key",
        ),
        (
            "#[sea_orm(primary_key)] pub id: i32,\n    #[sea_orm(colum_type = \"Text\")] pub t: String",
            7,
            "colum_type",
            "column_type",
        ),
        (
            "#[sea_orm(primary_key)] pub id: i32,\n    #[sea_orm(unique, nulable)] pub t: Option<String>",
            7,
            "nulable",
            "nullable",
        ),
    ] {
        let err = read_with(&[("t.rs", &model("t", fields))], &ReadOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EntityError::InvalidAttribute { .. }), "{msg}");
        assert!(
            msg.contains(&format!("t.rs:{line}: unknown key `{key}`")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("hint: did you mean `{near}`?")),
            "{msg}"
        );
    }
    let src = model("t", "#[sea_orm(primary_key)] pub id: i32").replace("table_name", "table_nam");
    let msg = read_with(&[("t.rs", &src)], &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("unknown key `table_nam`") && msg.contains("`table_name`"),
        "{msg}"
    );
}

/// A small workspace written on the spot: `crate::`, `super::`, a type
/// alias, a registry crate, and one error for every unknown type.
#[test]
fn workspace_paths_from_the_entity_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"kinds\"]\n",
        ),
        (
            "kinds/Cargo.toml",
            "[package]\nname = \"kinds\"\nversion = \"0.1.0\"\n",
        ),
        (
            "kinds/src/lib.rs",
            "pub mod inner { pub mod deep;\n pub use deep::*; }\n",
        ),
        (
            "kinds/src/inner/deep.rs",
            "use sea_orm::entity::prelude::*;\n#[derive(Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]\n#[sea_orm(rs_type = \"i16\", db_type = \"SmallInteger\")]\npub enum Level { #[sea_orm(num_value = 1)] One }\n",
        ),
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nkinds = { path = \"../kinds\" }\nrust_decimal = \"1\"\nmoney = \"1\"\n",
        ),
        ("app/src/lib.rs", "pub mod types;\npub mod entity;\n"),
        (
            "app/src/types.rs",
            "pub type Code = String;\npub struct Plain(pub i64);\n",
        ),
        (
            "app/src/entity/mod.rs",
            "pub mod t;\npub use crate::types::Code as Short;\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, text).unwrap();
    }
    let t = |fields: &str| {
        model("t", fields).replace(
            HEAD,
            &format!("{HEAD}use kinds::inner::Level;\nuse rust_decimal::Decimal as Dec;\n"),
        )
    };
    fs_err::write(
        dir.path().join("app/src/entity/t.rs"),
        t("#[sea_orm(primary_key)] pub id: i32,\n    pub level: Level,\n    pub code: crate::types::Code,\n    pub short: super::Short,\n    pub amount: Dec"),
    )
    .unwrap();
    let entity = dir.path().join("app/src/entity");
    let set = read_models(std::slice::from_ref(&entity), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        columns(&set.schema.tables["t"])[1..],
        [
            "level smallint",
            "code varchar",
            "short varchar",
            "amount decimal"
        ]
    );

    fs_err::write(
        dir.path().join("app/src/entity/t.rs"),
        t("#[sea_orm(primary_key)] pub id: i32,\n    pub a: money::Money,\n    pub b: crate::types::Plain,\n    pub c: kinds::Nothing"),
    )
    .unwrap();
    let err = read_models(&[entity], &ReadOptions::default()).unwrap_err();
    let EntityError::UnknownTypes(u) = &err else {
        panic!("{err}")
    };
    let msg = err.to_string();
    assert_eq!(u.types.len(), 3, "{msg}");
    assert!(
        u.types[0]
            .looked
            .contains("crate `money`, which is not in the workspace"),
        "{msg}"
    );
    assert!(u.types[1].looked.contains("derives none of"), "{msg}");
    assert_eq!(u.types[1].guess, "bigint", "{msg}");
    assert!(
        u.types[2].looked.contains("no definition found")
            && u.types[2].looked.contains("crate `kinds`"),
        "{msg}"
    );
    assert!(
        msg.ends_with(
            "[models.types]\nMoney = \"decimal\"\nPlain = \"bigint\"\nNothing = \"varchar\""
        ),
        "{msg}"
    );
}

/// sea-orm-codegen 0.10's expanded form: `match self { .. }.def()`.
#[test]
fn expanded_def_with_the_def_call_after_the_match() {
    let src = format!(
        "{HEAD}#[derive(Copy, Clone, Default, Debug, DeriveEntity)]\npub struct Entity;\n\nimpl EntityName for Entity {{\n    fn table_name(&self) -> &str {{\n        \"users\"\n    }}\n}}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveColumn)]\npub enum Column {{\n    Id,\n    Email,\n}}\n\n#[derive(Copy, Clone, Debug, EnumIter, DerivePrimaryKey)]\npub enum PrimaryKey {{\n    Id,\n}}\n\nimpl ColumnTrait for Column {{\n    type EntityName = Entity;\n    fn def(&self) -> ColumnDef {{\n        match self {{\n            Column::Id => ColumnType::String(StringLen::N(255)),\n            Column::Email => ColumnType::Text,\n        }}\n        .def()\n    }}\n}}\n"
    );
    let set = read(&[("users.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["users"]),
        ["id varchar(255) pk", "email text"]
    );
}

/// A derive behind a feature (`cfg_attr`) counts, as where SeaORM compiles
/// it; sea-query's MySQL blob types in `Custom(...)` are named as it names them.
#[test]
fn cfg_attr_derives_and_mysql_custom_types() {
    let src = format!(
        "{}\n#[cfg_attr(feature = \"sea_orm\", derive(DeriveValueType))]\npub struct Login(String);\n\n#[derive(Clone, DeriveValueType)]\n#[sea_orm(column_type = \"Custom(SeaRc::new(MySqlType::LongBlob))\", array_type = \"Bytes\")]\npub struct Blob(Vec<u8>);\n",
        model(
            "t",
            "#[sea_orm(primary_key)] pub id: i32,\n    pub login: Login,\n    pub data: Blob"
        )
    );
    let set = read(&[("t.rs", &src)]);
    assert_eq!(
        columns(&set.schema.tables["t"])[1..],
        ["login varchar", "data custom(longblob)"]
    );
}
