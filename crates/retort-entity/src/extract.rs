//! Reads the items of one parsed source file into entity, active enum and
//! value type definitions, in every form SeaORM accepts. Nothing here looks
//! across files: that is `build`'s job.

use std::path::{Path, PathBuf};

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase,
};
use retort_core::{ColumnDefault, FkAction, Value};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Fields, ImplItem, Item, Lit, Stmt, Type};

use crate::case;
use crate::error::EntityError;
use crate::keys;
use crate::sea_type::{TypeExpr, expr_text, parse_type_expr, parse_type_str};
use crate::{Warning, rust_type};

/// One entity: a table, in whichever form it was written.
#[derive(Debug)]
pub(crate) struct EntityDef {
    pub file: PathBuf,
    pub line: usize,
    /// Module path from the scanned root (`["blog", "users"]`).
    pub module: Vec<String>,
    /// The inline `mod`s inside the file the entity is in.
    pub inline: Vec<String>,
    pub table: String,
    pub schema_name: Option<String>,
    pub comment: Option<String>,
    pub columns: Vec<ColumnDef>,
    /// Explicit `auto_increment = ...` / `fn auto_increment()`.
    pub auto_increment: Option<bool>,
    pub relations: Vec<RelationDef>,
}

#[derive(Debug)]
pub(crate) struct ColumnDef {
    /// The `Column` enum variant (`UserId`), which relations name.
    pub variant: String,
    pub name: String,
    /// The Rust field (or variant) as written, for messages.
    pub field: String,
    pub line: usize,
    pub ty: TypeSource,
    /// The Rust field type as written (`Option` stripped), when there is one.
    pub rust_type: Option<String>,
    pub nullable: bool,
    pub primary_key: bool,
    pub unique: bool,
    pub indexed: bool,
    pub unique_key: Option<String>,
    pub default: Option<ColumnDefault>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    pub extra: Option<String>,
}

#[derive(Debug)]
pub(crate) enum TypeSource {
    /// The Rust field type as written, `Option` already stripped (text, so
    /// that extraction results can move between threads).
    Rust(String),
    /// An explicit SeaORM column type.
    Sea(TypeExpr),
}

#[derive(Debug)]
pub(crate) struct RelationDef {
    pub name: String,
    pub line: usize,
    /// Path of the related entity's module (`["super", "users"]`); empty
    /// for the entity itself.
    pub target: Vec<String>,
    /// `Column` variants of this entity.
    pub from: Vec<String>,
    /// `Column` variants of the related entity.
    pub to: Vec<String>,
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    pub fk_name: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ActiveEnumDef {
    pub ident: String,
    pub file: PathBuf,
    pub line: usize,
    pub kind: ActiveEnumKind,
}

#[derive(Debug)]
pub(crate) enum ActiveEnumKind {
    /// `db_type = "Enum"`: a database enum type.
    Db { name: String, values: Vec<String> },
    /// String- or integer-backed.
    Column(TypeExpr),
}

#[derive(Debug)]
pub(crate) struct ValueTypeDef {
    pub ident: String,
    /// Where it is defined, to resolve `inner` there.
    pub file: PathBuf,
    pub inline: Vec<String>,
    pub column_type: Option<TypeExpr>,
    /// The wrapped type of a newtype, `Option` stripped, as text.
    pub inner: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Extracted {
    pub entities: Vec<EntityDef>,
    pub enums: Vec<ActiveEnumDef>,
    pub value_types: Vec<ValueTypeDef>,
    pub warnings: Vec<Warning>,
}

pub(crate) fn line_of<T: Spanned>(t: &T) -> usize {
    t.span().start().line
}

/// One `key`, `key = value` or `key(...)` inside `#[sea_orm(...)]`.
struct Meta {
    key: String,
    value: Option<Expr>,
    line: usize,
}

fn sea_orm_metas(attrs: &[Attribute], file: &Path) -> Result<Vec<Meta>, EntityError> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("sea_orm")) {
        let before = out.len();
        if let syn::Meta::List(list) = &attr.meta
            && plain_metas(&list.tokens, &mut out)
        {
            continue;
        }
        out.truncate(before);
        parsed_metas(attr, file, &mut out)?;
    }
    Ok(out)
}

/// The common shapes, `key`, `key = literal` and `key(...)`, read straight
/// off the attribute's tokens: syn's meta parser first copies every token
/// into a new buffer, and that was an eighth of reading 1,000 entities.
/// False for anything else, and the caller then uses the full parser, which
/// also words the syntax errors.
fn plain_metas(tokens: &proc_macro2::TokenStream, out: &mut Vec<Meta>) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let is_comma = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ',');
    let mut it = tokens.clone().into_iter().peekable();
    while let Some(first) = it.next() {
        let TokenTree::Ident(key) = first else {
            return false;
        };
        let line = key.span().start().line;
        let value = match it.next() {
            None => None,
            Some(t) if is_comma(&t) => None,
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                if it.next().is_some_and(|t| !is_comma(&t)) {
                    return false;
                }
                None
            }
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {
                let lit = match it.next() {
                    Some(TokenTree::Literal(l)) => Lit::new(l),
                    Some(TokenTree::Ident(i)) if i == "true" || i == "false" => {
                        Lit::Bool(syn::LitBool::new(i == "true", i.span()))
                    }
                    _ => return false,
                };
                if it.next().is_some_and(|t| !is_comma(&t)) {
                    return false;
                }
                Some(Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit,
                }))
            }
            Some(_) => return false,
        };
        out.push(Meta {
            key: key.to_string(),
            value,
            line,
        });
    }
    true
}

/// `#[sea_orm(...)]` through syn's meta parser: any value expression.
fn parsed_metas(attr: &Attribute, file: &Path, out: &mut Vec<Meta>) -> Result<(), EntityError> {
    attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let line = line_of(&meta.path);
        let value = if meta.input.peek(syn::Token![=]) {
            let input = meta.value()?;
            // A plain literal (the common case) without the full
            // expression parser, which is several times slower.
            if input.peek(Lit) && (input.peek2(syn::Token![,]) || is_last_token(input)) {
                let lit: Lit = input.parse()?;
                Some(Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit,
                }))
            } else {
                Some(input.parse::<Expr>()?)
            }
        } else if meta.input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in meta.input);
            let _: proc_macro2::TokenStream = content.parse()?;
            None
        } else {
            None
        };
        out.push(Meta { key, value, line });
        Ok(())
    })
    .map_err(|e| syntax(file, &e))
}

/// Whether `input` holds exactly one more token tree.
fn is_last_token(input: syn::parse::ParseStream<'_>) -> bool {
    input
        .cursor()
        .token_tree()
        .is_some_and(|(_, rest)| rest.eof())
}

pub(crate) fn syntax(file: &Path, e: &syn::Error) -> EntityError {
    let start = e.span().start();
    EntityError::Syntax {
        file: file.to_owned(),
        line: start.line,
        column: start.column + 1,
        message: e.to_string(),
    }
}

fn lit_str(m: &Meta, file: &Path) -> Result<String, EntityError> {
    match m.value.as_ref() {
        Some(Expr::Lit(l)) => match &l.lit {
            Lit::Str(s) => Ok(s.value()),
            _ => Err(not_a_string(m, file)),
        },
        _ => Err(not_a_string(m, file)),
    }
}

fn not_a_string(m: &Meta, file: &Path) -> EntityError {
    EntityError::invalid(
        file,
        m.line,
        format!("`{}` expects a string literal", m.key),
        format!("write `{} = \"...\"`", m.key),
    )
}

/// The derive macros on an item, by last path segment.
pub(crate) fn derives(attrs: &[Attribute]) -> Vec<String> {
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    /// `A, b::C, ...`: the last identifier before each comma.
    fn names(tokens: TokenStream, out: &mut Vec<String>) {
        let mut last = None;
        for t in tokens {
            match t {
                TokenTree::Ident(i) => last = Some(i),
                TokenTree::Punct(p) if p.as_char() == ',' => {
                    out.extend(last.take().map(|i| i.to_string()));
                }
                _ => {}
            }
        }
        out.extend(last.map(|i| i.to_string()));
    }
    let mut out = Vec::new();
    for attr in attrs {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        if attr.path().is_ident("derive") {
            names(list.tokens.clone(), &mut out);
        } else if attr.path().is_ident("cfg_attr") {
            // `#[cfg_attr(feature = "sea_orm", derive(DeriveValueType))]`:
            // counted as if the feature were on, as it is where SeaORM
            // compiles the type.
            let mut it = list.tokens.clone().into_iter().peekable();
            while let Some(t) = it.next() {
                if matches!(&t, TokenTree::Ident(i) if i == "derive")
                    && let Some(TokenTree::Group(g)) = it.peek()
                    && g.delimiter() == Delimiter::Parenthesis
                {
                    names(g.stream(), &mut out);
                }
            }
        }
    }
    out
}

/// Converts `ident` (a PascalCase name) as SeaORM's `rename_all` does.
fn convert_case(ident: &str, style: &str) -> Option<String> {
    Some(match style {
        "camel_case" | "PascalCase" => ident.to_upper_camel_case(),
        "camelCase" | "mixed_case" => ident.to_lower_camel_case(),
        "snake_case" | "snek_case" => ident.to_snake_case(),
        "kebab_case" | "kebab-case" => ident.to_kebab_case(),
        "SCREAMING-KEBAB-CASE" => ident.to_kebab_case().to_uppercase(),
        "shouty_snake_case" | "shouty_snek_case" | "SCREAMING_SNAKE_CASE" => {
            ident.to_shouty_snake_case()
        }
        "title_case" => ident.to_title_case(),
        "lowercase" => ident.to_lowercase(),
        "UPPERCASE" => ident.to_uppercase(),
        _ => return None,
    })
}

fn bad_case(file: &Path, line: usize, style: &str) -> EntityError {
    EntityError::invalid(
        file,
        line,
        format!("unknown `rename_all` style `{style}`"),
        "use one of PascalCase, camelCase, snake_case, kebab-case, SCREAMING_SNAKE_CASE, lowercase, UPPERCASE",
    )
}

/// A literal default: `default_value = ...` or `.default_value(...)`.
fn literal_default(e: &Expr) -> Option<Value> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(Value::String(s.value())),
            Lit::Int(i) => i.base10_parse().ok().map(Value::Int),
            Lit::Float(f) => f.base10_parse().ok().map(Value::Float),
            Lit::Bool(b) => Some(Value::Bool(b.value)),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match literal_default(&u.expr)? {
            Value::Int(i) => Some(Value::Int(-i)),
            Value::Float(f) => Some(Value::Float(-f)),
            _ => None,
        },
        Expr::Paren(p) => literal_default(&p.expr),
        Expr::MethodCall(m) if m.method == "to_owned" || m.method == "into" => {
            literal_default(&m.receiver)
        }
        _ => None,
    }
}

/// A sea-query expression used as a default (`default_expr`, `.default(...)`).
fn expr_default(e: &Expr) -> Option<ColumnDefault> {
    let keyword = |name: &str| -> Option<&'static str> {
        Some(match name {
            "current_timestamp" | "CurrentTimestamp" => "CURRENT_TIMESTAMP",
            "current_date" | "CurrentDate" => "CURRENT_DATE",
            "current_time" | "CurrentTime" => "CURRENT_TIME",
            _ => return None,
        })
    };
    match e {
        Expr::Paren(p) => expr_default(&p.expr),
        Expr::Path(p) => {
            let name = p.path.segments.last()?.ident.to_string();
            keyword(&name).map(|k| ColumnDefault::Expr(k.to_owned()))
        }
        Expr::MethodCall(m) if m.method == "into" || m.method == "to_owned" => {
            expr_default(&m.receiver)
        }
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else {
                return None;
            };
            let name = p.path.segments.last()?.ident.to_string();
            if let Some(k) = keyword(&name) {
                return Some(ColumnDefault::Expr(k.to_owned()));
            }
            let arg = c.args.first()?;
            match name.as_str() {
                "cust" | "custom" | "Custom" | "custom_keyword" => match arg {
                    Expr::Lit(l) => match &l.lit {
                        Lit::Str(s) => Some(ColumnDefault::Expr(s.value())),
                        _ => None,
                    },
                    _ => None,
                },
                "val" | "value" | "Value" | "Constant" => literal_default(arg)
                    .map(ColumnDefault::Literal)
                    .or_else(|| expr_default(arg)),
                "Keyword" => expr_default(arg),
                _ => None,
            }
        }
        _ => literal_default(e).map(ColumnDefault::Literal),
    }
}

fn default_expr_error(file: &Path, line: usize, text: &str) -> EntityError {
    EntityError::invalid(
        file,
        line,
        format!("cannot read default expression `{text}`"),
        "use `Expr::current_timestamp()`, `Expr::cust(\"SQL\")` or a literal `default_value`",
    )
}

/// Columns named in `from`/`to`: `Column::UserId`, `user_id`, `(a, b)`.
///
/// Read by hand rather than with syn: every relation has two, and they are
/// simple paths.
fn relation_columns(s: &str, file: &Path, line: usize) -> Result<Vec<String>, EntityError> {
    let bad = || {
        EntityError::invalid(
            file,
            line,
            format!("cannot read relation columns `{s}`"),
            "write `Column::UserId`, or `(Column::A, Column::B)` for a composite key",
        )
    };
    let t = s.trim();
    let inner = match t.strip_prefix('(') {
        Some(rest) => rest.strip_suffix(')').ok_or_else(bad)?,
        None => t,
    };
    let cols: Vec<String> = inner
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let segs: Vec<&str> = p.split("::").map(str::trim).collect();
            if segs.iter().all(|seg| is_ident(seg)) {
                Ok(case::upper_camel(
                    segs[segs.len() - 1].trim_start_matches("r#"),
                ))
            } else {
                Err(bad())
            }
        })
        .collect::<Result<_, _>>()?;
    if cols.is_empty() {
        Err(bad())
    } else {
        Ok(cols)
    }
}

fn is_ident(s: &str) -> bool {
    let s = s.strip_prefix("r#").unwrap_or(s);
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// `super::users::Entity` as written in `belongs_to = "..."`.
fn entity_path_str(s: &str) -> Option<Vec<String>> {
    let segs: Vec<&str> = s.trim().split("::").map(str::trim).collect();
    if !segs.iter().all(|seg| is_ident(seg)) {
        return None;
    }
    let mut out: Vec<String> = segs.iter().map(|s| (*s).to_owned()).collect();
    if out.last().is_some_and(|s| s == "Entity") {
        out.pop();
    }
    Some(out)
}

/// `super::users::Entity` -> `["super", "users"]`; `Entity` -> `[]`.
fn entity_module(path: &syn::Path) -> Vec<String> {
    let mut segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    if segs.last().is_some_and(|s| s == "Entity") {
        segs.pop();
    }
    segs
}

fn fk_action(m: &Meta, file: &Path) -> Result<FkAction, EntityError> {
    let s = lit_str(m, file)?;
    s.parse().map_err(|reason: String| {
        EntityError::invalid(
            file,
            m.line,
            reason,
            "use Cascade, SetNull, SetDefault, Restrict or NoAction",
        )
    })
}

/// Items of one module (a file or an inline `mod`).
#[derive(Default)]
struct ModuleItems<'a> {
    model: Option<&'a syn::ItemStruct>,
    relation_enum: Option<&'a syn::ItemEnum>,
    entity_name: Option<&'a syn::ItemImpl>,
    column_enum: Option<&'a syn::ItemEnum>,
    column_trait: Option<&'a syn::ItemImpl>,
    primary_key_enum: Option<&'a syn::ItemEnum>,
    primary_key_trait: Option<&'a syn::ItemImpl>,
    relation_trait: Option<&'a syn::ItemImpl>,
}

fn impl_trait_name(i: &syn::ItemImpl) -> Option<String> {
    i.trait_
        .as_ref()
        .and_then(|(_, p, _)| p.segments.last())
        .map(|s| s.ident.to_string())
}

pub(crate) fn extract_file(
    file: &Path,
    module: &[String],
    ast: &syn::File,
    out: &mut Extracted,
) -> Result<(), EntityError> {
    extract_items(file, module, &[], &ast.items, out)
}

fn extract_items(
    file: &Path,
    module: &[String],
    inline: &[String],
    items: &[Item],
    out: &mut Extracted,
) -> Result<(), EntityError> {
    let mut m = ModuleItems::default();
    for item in items {
        match item {
            Item::Struct(s) => {
                let d = derives(&s.attrs);
                let has = |n: &str| d.iter().any(|x| x == n);
                if has("DeriveEntityModel") {
                    m.model = Some(s);
                } else if has("DeriveValueType") {
                    out.value_types.push(value_type_struct(file, inline, s)?);
                } else if has("FromJsonQueryResult") {
                    out.value_types
                        .push(json_value_type(file, inline, &s.ident));
                }
            }
            Item::Enum(e) => {
                let d = derives(&e.attrs);
                let has = |n: &str| d.iter().any(|x| x == n);
                if has("DeriveActiveEnum") {
                    out.enums.push(active_enum(file, e)?);
                } else if has("DeriveValueType") {
                    out.value_types.push(value_type_enum(file, inline, e)?);
                } else if has("FromJsonQueryResult") {
                    out.value_types
                        .push(json_value_type(file, inline, &e.ident));
                } else if has("DeriveRelation") || e.ident == "Relation" && has("EnumIter") {
                    m.relation_enum = Some(e);
                } else if e.ident == "Column" && has("DeriveColumn") {
                    m.column_enum = Some(e);
                } else if e.ident == "PrimaryKey" && has("DerivePrimaryKey") {
                    m.primary_key_enum = Some(e);
                }
            }
            Item::Impl(i) => match impl_trait_name(i).as_deref() {
                Some("EntityName") => m.entity_name = Some(i),
                Some("ColumnTrait") => m.column_trait = Some(i),
                Some("PrimaryKeyTrait") => m.primary_key_trait = Some(i),
                Some("RelationTrait") => m.relation_trait = Some(i),
                Some("ValueType") => {
                    if let Some(vt) = value_type_impl(file, inline, i) {
                        out.value_types.push(vt);
                    }
                }
                _ => {}
            },
            Item::Mod(md) => {
                if let Some((_, inner)) = &md.content {
                    let mut sub = module.to_vec();
                    sub.push(md.ident.to_string());
                    let mut sub_inline = inline.to_vec();
                    sub_inline.push(md.ident.to_string());
                    extract_items(file, &sub, &sub_inline, inner, out)?;
                }
            }
            _ => {}
        }
    }
    if let Some(model) = m.model {
        if let Some(mut e) = model_entity(file, module, model, &m, out)? {
            e.inline = inline.to_vec();
            out.entities.push(e);
        }
    } else if m.entity_name.is_some()
        && m.column_enum.is_some()
        && let Some(mut e) = expanded_entity(file, module, &m, out)?
    {
        e.inline = inline.to_vec();
        out.entities.push(e);
    }
    Ok(())
}

/// A string-like `DeriveValueType` enum: `column_type`, or `String`.
pub(crate) fn value_type_enum(
    file: &Path,
    inline: &[String],
    e: &syn::ItemEnum,
) -> Result<ValueTypeDef, EntityError> {
    let metas = sea_orm_metas(&e.attrs, file)?;
    let column_type = metas
        .iter()
        .find(|x| x.key == "column_type")
        .map(|x| {
            parse_type_str(&lit_str(x, file)?).map_err(|msg| {
                EntityError::invalid(
                    file,
                    x.line,
                    msg,
                    "write a SeaORM ColumnType, e.g. `String(StringLen::N(16))`",
                )
            })
        })
        .transpose()?;
    Ok(ValueTypeDef {
        ident: e.ident.to_string(),
        file: file.to_owned(),
        inline: inline.to_vec(),
        column_type: Some(
            column_type.unwrap_or(TypeExpr::Known(retort_core::ColumnType::Varchar(None))),
        ),
        inner: None,
    })
}

/// A `FromJsonQueryResult` type: SeaORM stores it as `Json`.
fn json_value_type(file: &Path, inline: &[String], ident: &syn::Ident) -> ValueTypeDef {
    ValueTypeDef {
        ident: ident.to_string(),
        file: file.to_owned(),
        inline: inline.to_vec(),
        column_type: Some(TypeExpr::Known(retort_core::ColumnType::Json)),
        inner: None,
    }
}

/// A hand-written `impl ValueType for X` whose `column_type()` is a literal
/// `ColumnType::...`; None for anything else.
fn value_type_impl(file: &Path, inline: &[String], i: &syn::ItemImpl) -> Option<ValueTypeDef> {
    let ident = rust_type::last_name(&i.self_ty)?;
    let body = crate::workspace::value_type_impl_body(i, &ident)?;
    let column_type = parse_type_expr(&body).ok()?;
    Some(ValueTypeDef {
        ident,
        file: file.to_owned(),
        inline: inline.to_vec(),
        column_type: Some(column_type),
        inner: None,
    })
}

/// `fn name(&self) -> T { <expr> }` in an impl: its final expression.
fn fn_body<'a>(i: &'a syn::ItemImpl, name: &str) -> Option<&'a Expr> {
    i.items.iter().find_map(|it| match it {
        ImplItem::Fn(f) if f.sig.ident == name => {
            f.block.stmts.iter().rev().find_map(|s| match s {
                Stmt::Expr(e, None) => Some(e),
                _ => None,
            })
        }
        _ => None,
    })
}

fn str_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        Expr::Call(c) => c.args.first().and_then(str_of), // Some("x")
        Expr::Paren(p) => str_of(&p.expr),
        Expr::Reference(r) => str_of(&r.expr),
        _ => None,
    }
}

/// Table-level names from `impl EntityName for Entity`.
fn entity_name_parts(i: &syn::ItemImpl) -> (Option<String>, Option<String>, Option<String>) {
    (
        fn_body(i, "table_name").and_then(str_of),
        fn_body(i, "schema_name").and_then(str_of),
        fn_body(i, "comment").and_then(str_of),
    )
}

/// The compact, dense (`#[sea_orm::model]`) and `compact_model` forms: a
/// `DeriveEntityModel` struct, plus a `Relation` enum or relation fields.
fn model_entity(
    file: &Path,
    module: &[String],
    s: &syn::ItemStruct,
    m: &ModuleItems<'_>,
    out: &mut Extracted,
) -> Result<Option<EntityDef>, EntityError> {
    let mut table = None;
    let mut schema_name = None;
    let mut comment = None;
    let mut rename_all = None;
    for meta in sea_orm_metas(&s.attrs, file)? {
        keys::check(
            file,
            meta.line,
            &meta.key,
            &format!("entity model `{}`", s.ident),
            keys::MODEL,
        )?;
        match meta.key.as_str() {
            "table_name" => table = Some(lit_str(&meta, file)?),
            "schema_name" => schema_name = Some(lit_str(&meta, file)?),
            "comment" => comment = Some(lit_str(&meta, file)?),
            "rename_all" => {
                let style = lit_str(&meta, file)?;
                if convert_case("X", &style).is_none() {
                    return Err(bad_case(file, meta.line, &style));
                }
                rename_all = Some(style);
            }
            _ => {}
        }
    }
    if let Some(i) = m.entity_name {
        let (t, sn, c) = entity_name_parts(i);
        table = table.or(t);
        schema_name = schema_name.or(sn);
        comment = comment.or(c);
    }
    let Some(table) = table else {
        out.warnings.push(Warning {
            file: file.to_owned(),
            line: line_of(&s.ident),
            message: format!(
                "`{}` derives `DeriveEntityModel` but has no `table_name`; skipped",
                s.ident
            ),
        });
        return Ok(None);
    };
    let Fields::Named(fields) = &s.fields else {
        return Err(EntityError::invalid(
            file,
            line_of(&s.ident),
            format!("entity model `{}` must have named fields", s.ident),
            "write `pub struct Model { ... }`",
        ));
    };
    let mut columns = Vec::new();
    let mut relations = Vec::new();
    let mut auto_increment = None;
    for field in &fields.named {
        let Some(ident) = &field.ident else { continue };
        let original = ident.to_string().trim_start_matches("r#").to_owned();
        let line = line_of(ident);
        let metas = sea_orm_metas(&field.attrs, file)?;
        for meta in &metas {
            keys::check(
                file,
                meta.line,
                &meta.key,
                &format!("field `{original}`"),
                keys::FIELD,
            )?;
        }
        if let Some(kind) = compound_kind(&field.ty) {
            if let Some(rel) = dense_relation(file, &original, line, kind, &field.ty, &metas)? {
                relations.push(rel);
            }
            continue;
        }
        let mut variant = case::upper_camel(&original);
        let mut name = match &rename_all {
            Some(style) => convert_case(&variant, style).unwrap_or_default(),
            None => case::field_column(&original, &variant),
        };
        let (is_option, inner) = rust_type::strip_option(&field.ty);
        let mut col = ColumnDef {
            variant: String::new(),
            name: String::new(),
            field: original.clone(),
            line,
            ty: TypeSource::Rust(rust_type::type_text(inner)),
            rust_type: Some(rust_type::type_text(inner)),
            nullable: is_option,
            primary_key: false,
            unique: false,
            indexed: false,
            unique_key: None,
            default: None,
            comment: None,
            renamed_from: None,
            extra: None,
        };
        let mut ignore = false;
        for meta in &metas {
            match meta.key.as_str() {
                "column_type" => {
                    let text = lit_str(meta, file)?;
                    col.ty = TypeSource::Sea(parse_type_str(&text).map_err(|msg| {
                        EntityError::invalid(
                            file,
                            meta.line,
                            format!("field `{original}`: {msg}"),
                            "write a SeaORM ColumnType, e.g. `String(StringLen::N(64))` or `Decimal(Some((12, 2)))`",
                        )
                    })?);
                }
                "column_name" => name = lit_str(meta, file)?,
                "enum_name" => variant = lit_str(meta, file)?,
                "primary_key" => col.primary_key = true,
                "auto_increment" => match &meta.value {
                    Some(Expr::Lit(l)) => match &l.lit {
                        Lit::Bool(b) => auto_increment = Some(b.value),
                        _ => return Err(not_a_bool(meta, file)),
                    },
                    _ => return Err(not_a_bool(meta, file)),
                },
                "nullable" => col.nullable = true,
                "unique" => col.unique = true,
                "indexed" => col.indexed = true,
                "unique_key" => col.unique_key = Some(lit_str(meta, file)?),
                "ignore" => ignore = true,
                "comment" => col.comment = Some(lit_str(meta, file)?),
                "renamed_from" => col.renamed_from = Some(lit_str(meta, file)?),
                "extra" => col.extra = Some(lit_str(meta, file)?),
                "default_value" => {
                    let v = meta.value.as_ref().and_then(literal_default).ok_or_else(|| {
                        EntityError::invalid(
                            file,
                            meta.line,
                            format!("field `{original}`: `default_value` must be a literal"),
                            "write `default_value = \"text\"`, `default_value = 0` or `default_value = false`",
                        )
                    })?;
                    col.default = Some(ColumnDefault::Literal(v));
                }
                "default_expr" => {
                    let text = lit_str(meta, file)?;
                    let parsed = syn::parse_str::<Expr>(&text)
                        .ok()
                        .and_then(|e| expr_default(&e))
                        .ok_or_else(|| default_expr_error(file, meta.line, &text))?;
                    col.default = Some(parsed);
                }
                _ => {}
            }
        }
        if ignore {
            continue;
        }
        col.variant = variant;
        col.name = name;
        columns.push(col);
    }
    if let Some(e) = m.relation_enum {
        relations.extend(relation_enum(file, e)?);
    } else if let Some(i) = m.relation_trait {
        relations.extend(relation_trait(file, i, out)?);
    }
    Ok(Some(EntityDef {
        file: file.to_owned(),
        line: line_of(&s.ident),
        module: module.to_vec(),
        inline: Vec::new(),
        table,
        schema_name,
        comment,
        columns,
        auto_increment,
        relations,
    }))
}

fn not_a_bool(m: &Meta, file: &Path) -> EntityError {
    EntityError::invalid(
        file,
        m.line,
        format!("`{}` expects `true` or `false`", m.key),
        format!("write `{} = false`", m.key),
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Compound {
    BelongsTo,
    HasOne,
    HasMany,
}

fn compound_kind(ty: &Type) -> Option<Compound> {
    match rust_type::last_name(ty)?.as_str() {
        "BelongsTo" => Some(Compound::BelongsTo),
        "HasOne" => Some(Compound::HasOne),
        "HasMany" => Some(Compound::HasMany),
        _ => None,
    }
}

/// A dense-format relation field: `#[sea_orm(belongs_to, from = "user_id",
/// to = "id")] pub user: BelongsTo<super::users::Entity>`.
fn dense_relation(
    file: &Path,
    field: &str,
    line: usize,
    kind: Compound,
    ty: &Type,
    metas: &[Meta],
) -> Result<Option<RelationDef>, EntityError> {
    let has = |k: &str| metas.iter().any(|m| m.key == k);
    let get = |k: &str| metas.iter().find(|m| m.key == k);
    let self_ref = has("self_ref");
    let belongs = has("belongs_to") || (self_ref && !has("via") && has("from") && has("to"));
    if !belongs || has("skip_fk") || kind == Compound::HasMany {
        return Ok(None);
    }
    let (Some(from), Some(to)) = (get("from"), get("to")) else {
        return Err(EntityError::invalid(
            file,
            line,
            format!("relation field `{field}` is `belongs_to` but lacks `from` or `to`"),
            "write `#[sea_orm(belongs_to, from = \"user_id\", to = \"id\")]`",
        ));
    };
    let target = if self_ref {
        Vec::new()
    } else {
        let entity = rust_type::generic_arg(ty, "BelongsTo")
            .or_else(|| rust_type::generic_arg(ty, "HasOne"))
            .map(|t| rust_type::strip_option(t).1);
        match entity {
            Some(Type::Path(p)) => entity_module(&p.path),
            _ => Vec::new(),
        }
    };
    Ok(Some(RelationDef {
        name: field.to_owned(),
        line,
        target,
        from: relation_columns(&lit_str(from, file)?, file, from.line)?,
        to: relation_columns(&lit_str(to, file)?, file, to.line)?,
        on_delete: get("on_delete").map(|m| fk_action(m, file)).transpose()?,
        on_update: get("on_update").map(|m| fk_action(m, file)).transpose()?,
        fk_name: get("fk_name").map(|m| lit_str(m, file)).transpose()?,
    }))
}

/// The `Relation` enum of the compact form (`DeriveRelation`).
fn relation_enum(file: &Path, e: &syn::ItemEnum) -> Result<Vec<RelationDef>, EntityError> {
    let mut out = Vec::new();
    for v in &e.variants {
        let metas = sea_orm_metas(&v.attrs, file)?;
        for meta in &metas {
            keys::check(
                file,
                meta.line,
                &meta.key,
                &format!("relation `{}`", v.ident),
                keys::RELATION,
            )?;
        }
        let get = |k: &str| metas.iter().find(|m| m.key == k);
        let Some(belongs) = get("belongs_to") else {
            continue;
        };
        if get("skip_fk").is_some() {
            continue;
        }
        let line = line_of(&v.ident);
        let target_text = lit_str(belongs, file)?;
        let target = entity_path_str(&target_text).ok_or_else(|| {
            EntityError::invalid(
                file,
                belongs.line,
                format!("cannot read entity path `{target_text}`"),
                "write `belongs_to = \"super::users::Entity\"`",
            )
        })?;
        let (Some(from), Some(to)) = (get("from"), get("to")) else {
            return Err(EntityError::invalid(
                file,
                line,
                format!(
                    "relation `{}` is `belongs_to` but lacks `from` or `to`",
                    v.ident
                ),
                "write `from = \"Column::UserId\", to = \"super::users::Column::Id\"`",
            ));
        };
        out.push(RelationDef {
            name: v.ident.to_string(),
            line,
            target,
            from: relation_columns(&lit_str(from, file)?, file, from.line)?,
            to: relation_columns(&lit_str(to, file)?, file, to.line)?,
            on_delete: get("on_delete").map(|m| fk_action(m, file)).transpose()?,
            on_update: get("on_update").map(|m| fk_action(m, file)).transpose()?,
            fk_name: get("fk_name").map(|m| lit_str(m, file)).transpose()?,
        });
    }
    Ok(out)
}

/// `match self { Self::X => <expr>, ... }` in `fn def(&self)`: the arms.
fn match_arms<'a>(i: &'a syn::ItemImpl, name: &str) -> Vec<(String, &'a Expr, usize)> {
    let Some(Expr::Match(mt)) = fn_body(i, name) else {
        return Vec::new();
    };
    mt.arms
        .iter()
        .filter_map(|arm| {
            let path = match &arm.pat {
                syn::Pat::Path(p) => &p.path,
                syn::Pat::TupleStruct(t) => &t.path,
                syn::Pat::Ident(id) => {
                    return Some((id.ident.to_string(), &*arm.body, line_of(&arm.pat)));
                }
                _ => return None,
            };
            let variant = path.segments.last()?.ident.to_string();
            Some((variant, &*arm.body, line_of(&arm.pat)))
        })
        .collect()
}

/// `Entity::belongs_to(super::users::Entity).from(..).to(..).on_delete(..).into()`.
fn relation_trait(
    file: &Path,
    i: &syn::ItemImpl,
    out: &mut Extracted,
) -> Result<Vec<RelationDef>, EntityError> {
    let mut rels = Vec::new();
    for (variant, body, line) in match_arms(i, "def") {
        let mut rel = RelationDef {
            name: variant.clone(),
            line,
            target: Vec::new(),
            from: Vec::new(),
            to: Vec::new(),
            on_delete: None,
            on_update: None,
            fk_name: None,
        };
        let mut kind = None;
        let mut skip = false;
        let mut e = body;
        loop {
            match e {
                Expr::MethodCall(mc) => {
                    let arg = mc.args.first();
                    let cols = |a: Option<&Expr>| -> Result<Vec<String>, EntityError> {
                        let text = a.map(expr_text).unwrap_or_default();
                        let paths: Vec<&Expr> = match a {
                            Some(Expr::Tuple(t)) => t.elems.iter().collect(),
                            Some(other) => vec![other],
                            None => vec![],
                        };
                        paths
                            .into_iter()
                            .map(|p| match p {
                                Expr::Path(p) => Ok(p
                                    .path
                                    .segments
                                    .last()
                                    .map(|s| s.ident.to_string())
                                    .unwrap_or_default()),
                                _ => Err(EntityError::invalid(
                                    file,
                                    line,
                                    format!("cannot read relation columns `{text}`"),
                                    "write `.from(Column::UserId)`",
                                )),
                            })
                            .collect()
                    };
                    let action = |a: Option<&Expr>| -> Result<FkAction, EntityError> {
                        let name = match a {
                            Some(Expr::Path(p)) => p
                                .path
                                .segments
                                .last()
                                .map(|s| s.ident.to_string())
                                .unwrap_or_default(),
                            _ => String::new(),
                        };
                        name.parse().map_err(|reason: String| {
                            EntityError::invalid(
                                file,
                                line,
                                reason,
                                "write `.on_delete(ForeignKeyAction::Cascade)`",
                            )
                        })
                    };
                    match mc.method.to_string().as_str() {
                        "from" => rel.from = cols(arg)?,
                        "to" => rel.to = cols(arg)?,
                        "on_delete" => rel.on_delete = Some(action(arg)?),
                        "on_update" => rel.on_update = Some(action(arg)?),
                        "fk_name" => rel.fk_name = arg.and_then(str_of),
                        "skip_fk" => skip = true,
                        _ => {}
                    }
                    e = &mc.receiver;
                }
                Expr::Call(c) => {
                    if let Expr::Path(p) = &*c.func {
                        kind = p.path.segments.last().map(|s| s.ident.to_string());
                    }
                    if let Some(Expr::Path(t)) = c.args.first() {
                        rel.target = entity_module(&t.path);
                    }
                    break;
                }
                _ => {
                    out.warnings.push(Warning {
                        file: file.to_owned(),
                        line,
                        message: format!(
                            "relation `{variant}` is not written as `Entity::belongs_to(...)...`; it was not read"
                        ),
                    });
                    break;
                }
            }
        }
        if kind.as_deref() == Some("belongs_to") && !skip {
            rels.push(rel);
        }
    }
    Ok(rels)
}

/// The expanded form: `impl EntityName`, `Column` enum, `ColumnTrait::def`,
/// `PrimaryKey` enum and `PrimaryKeyTrait`, `RelationTrait`.
fn expanded_entity(
    file: &Path,
    module: &[String],
    m: &ModuleItems<'_>,
    out: &mut Extracted,
) -> Result<Option<EntityDef>, EntityError> {
    let en = m.entity_name.expect("checked by caller");
    let ce = m.column_enum.expect("checked by caller");
    let (table, schema_name, comment) = entity_name_parts(en);
    let Some(table) = table else {
        let name = if module.is_empty() {
            rust_type::type_text(&en.self_ty)
        } else {
            format!(
                "{}::{}",
                module.join("::"),
                rust_type::type_text(&en.self_ty)
            )
        };
        out.warnings.push(Warning {
            file: file.to_owned(),
            line: line_of(&en.self_ty),
            message: format!(
                "entity `{name}` is skipped: its `table_name` is computed, not a string literal, so retort cannot know its table; return a string literal (`fn table_name(&self) -> &'static str {{ \"name\" }}`) to have it read"
            ),
        });
        return Ok(None);
    };
    let pk: Vec<String> = m
        .primary_key_enum
        .map(|e| e.variants.iter().map(|v| v.ident.to_string()).collect())
        .unwrap_or_default();
    let auto_increment = m
        .primary_key_trait
        .and_then(|i| fn_body(i, "auto_increment"))
        .and_then(|e| match e {
            Expr::Lit(l) => match &l.lit {
                Lit::Bool(b) => Some(b.value),
                _ => None,
            },
            _ => None,
        });
    let defs = m.column_trait.map(column_arms).unwrap_or_default();
    let mut columns = Vec::new();
    for v in &ce.variants {
        let variant = v.ident.to_string();
        let mut name = case::snake(&variant);
        for meta in sea_orm_metas(&v.attrs, file)? {
            if meta.key == "column_name" {
                name = lit_str(&meta, file)?;
            }
        }
        let line = line_of(&v.ident);
        let Some((_, def, def_line)) = defs.iter().find(|(n, _, _)| *n == variant) else {
            return Err(EntityError::invalid(
                file,
                line,
                format!("column `{variant}` has no arm in `ColumnTrait::def`"),
                format!("add `Self::{variant} => ColumnType::...def()` to `fn def`"),
            ));
        };
        let mut col = column_def_chain(file, *def_line, def)?;
        col.variant = variant.clone();
        col.field = variant.clone();
        col.name = name;
        col.primary_key = pk.contains(&variant);
        columns.push(col);
    }
    let relations = match m.relation_trait {
        Some(i) => relation_trait(file, i, out)?,
        None => match m.relation_enum {
            Some(e) => relation_enum(file, e)?,
            None => Vec::new(),
        },
    };
    Ok(Some(EntityDef {
        file: file.to_owned(),
        line: line_of(&en.self_ty),
        module: module.to_vec(),
        inline: Vec::new(),
        table,
        schema_name,
        comment,
        columns,
        auto_increment,
        relations,
    }))
}

/// The arms of `fn def` in `impl ColumnTrait`, each as a whole column
/// definition: `match self { .. => ColumnType::X.def() }`, or `match self
/// { .. => ColumnType::X }.def()` (what sea-orm-codegen 0.10 wrote), whose
/// trailing calls are moved onto every arm.
fn column_arms(i: &syn::ItemImpl) -> Vec<(String, Expr, usize)> {
    fn innermost_match(e: &Expr) -> Option<&syn::ExprMatch> {
        match e {
            Expr::Match(m) => Some(m),
            Expr::MethodCall(mc) => innermost_match(&mc.receiver),
            Expr::Paren(p) => innermost_match(&p.expr),
            _ => None,
        }
    }
    fn with_arm(e: &Expr, arm: &Expr) -> Expr {
        match e {
            Expr::MethodCall(mc) => {
                let mut mc = mc.clone();
                mc.receiver = Box::new(with_arm(&mc.receiver, arm));
                Expr::MethodCall(mc)
            }
            Expr::Paren(p) => with_arm(&p.expr, arm),
            _ => arm.clone(),
        }
    }
    let Some(body) = fn_body(i, "def") else {
        return Vec::new();
    };
    if matches!(body, Expr::Match(_)) {
        return match_arms(i, "def")
            .into_iter()
            .map(|(v, e, l)| (v, e.clone(), l))
            .collect();
    }
    let Some(mt) = innermost_match(body) else {
        return Vec::new();
    };
    mt.arms
        .iter()
        .filter_map(|arm| {
            let path = match &arm.pat {
                syn::Pat::Path(p) => &p.path,
                syn::Pat::TupleStruct(t) => &t.path,
                _ => return None,
            };
            let variant = path.segments.last()?.ident.to_string();
            Some((variant, with_arm(body, &arm.body), line_of(&arm.pat)))
        })
        .collect()
}

/// `ColumnType::String(StringLen::N(64)).def().null().unique()`.
fn column_def_chain(file: &Path, line: usize, def: &Expr) -> Result<ColumnDef, EntityError> {
    let mut col = ColumnDef {
        variant: String::new(),
        name: String::new(),
        field: String::new(),
        line,
        ty: TypeSource::Sea(TypeExpr::Known(retort_core::ColumnType::Integer)),
        rust_type: None,
        nullable: false,
        primary_key: false,
        unique: false,
        indexed: false,
        unique_key: None,
        default: None,
        comment: None,
        renamed_from: None,
        extra: None,
    };
    let mut e = def;
    let mut saw_def = false;
    while let Expr::MethodCall(mc) = e {
        let arg = mc.args.first();
        let arg_str = || arg.and_then(str_of);
        match mc.method.to_string().as_str() {
            "def" => {
                saw_def = true;
                e = &mc.receiver;
                break;
            }
            "null" | "nullable" => col.nullable = true,
            "unique" => col.unique = true,
            "indexed" => col.indexed = true,
            "unique_key" => col.unique_key = arg_str(),
            "renamed_from" => col.renamed_from = arg_str(),
            "comment" => col.comment = arg_str(),
            "extra" => col.extra = arg_str(),
            "default_value" => {
                let v = arg.and_then(literal_default).ok_or_else(|| {
                    default_expr_error(file, line, &arg.map(expr_text).unwrap_or_default())
                })?;
                col.default = Some(ColumnDefault::Literal(v));
            }
            "default" => {
                col.default = Some(arg.and_then(expr_default).ok_or_else(|| {
                    default_expr_error(file, line, &arg.map(expr_text).unwrap_or_default())
                })?);
            }
            _ => {}
        }
        e = &mc.receiver;
    }
    if !saw_def {
        return Err(EntityError::invalid(
            file,
            line,
            format!("cannot read column definition `{}`", expr_text(def)),
            "write `ColumnType::Integer.def()` (with `.null()`, `.unique()`, ... as needed)",
        ));
    }
    col.ty = TypeSource::Sea(parse_type_expr(e).map_err(|msg| {
        EntityError::invalid(
            file,
            line,
            msg,
            "write a SeaORM ColumnType, e.g. `ColumnType::String(StringLen::N(64))`",
        )
    })?);
    Ok(col)
}

pub(crate) fn value_type_struct(
    file: &Path,
    inline: &[String],
    s: &syn::ItemStruct,
) -> Result<ValueTypeDef, EntityError> {
    let metas = sea_orm_metas(&s.attrs, file)?;
    let column_type = metas
        .iter()
        .find(|m| m.key == "column_type")
        .map(|m| {
            parse_type_str(&lit_str(m, file)?).map_err(|msg| {
                EntityError::invalid(
                    file,
                    m.line,
                    msg,
                    "write a SeaORM ColumnType, e.g. `String(StringLen::N(16))`",
                )
            })
        })
        .transpose()?;
    let inner = match &s.fields {
        Fields::Unnamed(u) if u.unnamed.len() == 1 => Some(rust_type::type_text(
            rust_type::strip_option(&u.unnamed[0].ty).1,
        )),
        _ => None,
    };
    let string_like = metas.iter().any(|m| m.key == "value_type");
    Ok(ValueTypeDef {
        ident: s.ident.to_string(),
        file: file.to_owned(),
        inline: inline.to_vec(),
        column_type: column_type.or_else(|| {
            string_like.then_some(TypeExpr::Known(retort_core::ColumnType::Varchar(None)))
        }),
        inner,
    })
}

pub(crate) fn active_enum(file: &Path, e: &syn::ItemEnum) -> Result<ActiveEnumDef, EntityError> {
    let line = line_of(&e.ident);
    let ident = e.ident.to_string();
    let mut enum_name = ident.to_upper_camel_case();
    let mut db_type = None;
    let mut rename_all = None;
    for meta in sea_orm_metas(&e.attrs, file)? {
        keys::check(
            file,
            meta.line,
            &meta.key,
            &format!("active enum `{ident}`"),
            keys::ACTIVE_ENUM,
        )?;
        match meta.key.as_str() {
            "db_type" => db_type = Some((lit_str(&meta, file)?, meta.line)),
            "enum_name" => enum_name = lit_str(&meta, file)?,
            "rename_all" => {
                let style = lit_str(&meta, file)?;
                if convert_case("X", &style).is_none() {
                    return Err(bad_case(file, meta.line, &style));
                }
                rename_all = Some(style);
            }
            _ => {}
        }
    }
    let Some((db_type, db_line)) = db_type else {
        return Err(EntityError::invalid(
            file,
            line,
            format!("active enum `{ident}` has no `db_type`"),
            "add `db_type = \"Enum\"`, `db_type = \"String(StringLen::N(1))\"` or `db_type = \"Integer\"`",
        ));
    };
    let kind = if db_type == "Enum" {
        let mut values = Vec::new();
        for v in &e.variants {
            let vname = v.ident.to_string();
            let mut value = None;
            for meta in sea_orm_metas(&v.attrs, file)? {
                keys::check(
                    file,
                    meta.line,
                    &meta.key,
                    &format!("variant `{ident}::{vname}`"),
                    keys::ACTIVE_ENUM_VARIANT,
                )?;
                match meta.key.as_str() {
                    "string_value" => value = Some(lit_str(&meta, file)?),
                    "rename" => {
                        let style = lit_str(&meta, file)?;
                        value = Some(
                            convert_case(&vname, &style)
                                .ok_or_else(|| bad_case(file, meta.line, &style))?,
                        );
                    }
                    _ => {}
                }
            }
            let value = value
                .or_else(|| {
                    rename_all
                        .as_deref()
                        .and_then(|style| convert_case(&vname, style))
                })
                .ok_or_else(|| {
                    EntityError::invalid(
                        file,
                        line_of(&v.ident),
                        format!("variant `{ident}::{vname}` of a database enum has no value"),
                        "add `#[sea_orm(string_value = \"...\")]` or `rename_all` on the enum",
                    )
                })?;
            values.push(value);
        }
        ActiveEnumKind::Db {
            name: enum_name,
            values,
        }
    } else {
        ActiveEnumKind::Column(parse_type_str(&db_type).map_err(|msg| {
            EntityError::invalid(
                file,
                db_line,
                format!("active enum `{ident}`: {msg}"),
                "write `db_type = \"String(StringLen::N(1))\"`, `\"Integer\"` or `\"Enum\"`",
            )
        })?)
    };
    Ok(ActiveEnumDef {
        ident,
        file: file.to_owned(),
        line,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token fast path reads what syn's meta parser reads, and leaves
    /// every other shape to it.
    #[test]
    fn plain_metas_agree_with_the_parser() {
        let cases = [
            (r#"primary_key"#, true),
            (r#"primary_key, auto_increment = false"#, true),
            (r#"column_type = "Decimal(Some((12, 2)))", indexed,"#, true),
            (
                r#"belongs_to = "super::a::Entity", from = "Column::AId", to = "super::a::Column::Id", on_delete = "Cascade""#,
                true,
            ),
            (r#"default_value = 5, unique"#, true),
            (r#"default_value = 1.5"#, true),
            (
                r#"rs_type = "String", db_type = "Enum", enum_name = "tea""#,
                true,
            ),
            (r#"has_many, via(a, b)"#, true),
            (r#"default_value = -1"#, false),
            (
                r#"default_expr = Expr::current_timestamp(), indexed"#,
                false,
            ),
            (r#"a::b = "x""#, false),
        ];
        for (text, plain) in cases {
            let attr: Attribute = syn::parse_quote!(#[sea_orm(placeholder)]);
            let tokens: proc_macro2::TokenStream = text.parse().unwrap();
            let attr = Attribute {
                meta: syn::Meta::List(syn::MetaList {
                    tokens: tokens.clone(),
                    ..match attr.meta {
                        syn::Meta::List(l) => l,
                        _ => unreachable!(),
                    }
                }),
                ..attr
            };
            let mut fast = Vec::new();
            assert_eq!(plain_metas(&tokens, &mut fast), plain, "{text}");
            let mut slow = Vec::new();
            parsed_metas(&attr, Path::new("x.rs"), &mut slow).unwrap();
            if plain {
                let view = |m: &[Meta]| -> Vec<(String, Option<Expr>)> {
                    m.iter().map(|m| (m.key.clone(), m.value.clone())).collect()
                };
                assert_eq!(view(&fast), view(&slow), "{text}");
            }
            let all = sea_orm_metas(std::slice::from_ref(&attr), Path::new("x.rs")).unwrap();
            assert_eq!(all.len(), slow.len(), "{text}");
        }
    }
}
