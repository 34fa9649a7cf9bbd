//! Walks the model paths, parses each file, and assembles the schema.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use retort_core::{
    Column, ColumnType, EnumType, ForeignKey, Index, PrimaryKey, Schema, Table, Unique, fk_name,
    unique_name,
};

use crate::extract::{
    ActiveEnumDef, ActiveEnumKind, EntityDef, Extracted, TypeSource, ValueTypeDef, extract_file,
    syntax,
};
use crate::sea_type::{TypeExpr, parse_type_expr};
use crate::workspace::{Found, ModLoc, Trail, Workspace, is_seaorm_crate};
use crate::{
    EntityError, ModelSet, ReadOptions, RenamedColumn, UnknownTypeError, UnknownTypes, Warning,
    rust_type,
};

/// Reads every SeaORM entity under `paths` (files or directories, walked
/// recursively) into a schema. Nothing is compiled and no database is used.
pub fn read_models(paths: &[PathBuf], opts: &ReadOptions) -> Result<ModelSet, EntityError> {
    let overrides = parse_overrides(&opts.types)?;
    let mut files = Vec::new();
    for root in paths {
        collect_files(root, &mut files)?;
    }
    let extracted = extract_all(&files)?;
    build(extracted, &overrides, opts)
}

/// Reads and parses the files on a few threads (syn's parsing is most of
/// the time), then merges the results in file order, so that warnings and
/// the first error do not depend on scheduling.
fn extract_all(files: &[(PathBuf, Vec<String>)]) -> Result<Extracted, EntityError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Extracted, (usize, EntityError)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| {
                scope.spawn(move || {
                    let mut out = Extracted::default();
                    for (i, (path, module)) in part.iter().enumerate() {
                        extract_one(path, module, &mut out).map_err(|e| (n * chunk + i, e))?;
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("entity reader thread panicked"))
            .collect()
    });
    let mut all = Extracted::default();
    let mut first_error: Option<(usize, EntityError)> = None;
    for part in parts {
        match part {
            Ok(p) => {
                all.entities.extend(p.entities);
                all.enums.extend(p.enums);
                all.value_types.extend(p.value_types);
                all.warnings.extend(p.warnings);
            }
            Err((i, e)) => {
                if first_error.as_ref().is_none_or(|(j, _)| i < *j) {
                    first_error = Some((i, e));
                }
            }
        }
    }
    match first_error {
        Some((_, e)) => Err(e),
        None => Ok(all),
    }
}

fn extract_one(path: &Path, module: &[String], out: &mut Extracted) -> Result<(), EntityError> {
    let text = fs_err::read_to_string(path)?;
    if !looks_relevant(&text) {
        return Ok(());
    }
    let ast = syn::parse_file(&text).map_err(|e| syntax(path, &e))?;
    extract_file(path, module, &ast, out)
}

/// Files that mention none of these hold no entity, enum or value type
/// (`mod.rs`, `prelude.rs`, helpers), so they need not be parsed.
fn looks_relevant(text: &str) -> bool {
    text.contains("sea_orm") || text.contains("Derive") || text.contains("EntityName")
}

fn parse_overrides(
    types: &BTreeMap<String, String>,
) -> Result<HashMap<String, ColumnType>, EntityError> {
    types
        .iter()
        .map(|(name, value)| {
            let t = value
                .parse::<ColumnType>()
                .map_err(|e| EntityError::BadTypeOverride {
                    name: name.clone(),
                    value: value.clone(),
                    reason: e.to_string(),
                })?;
            Ok((name.split_whitespace().collect::<String>(), t))
        })
        .collect()
}

/// `(file, module path)` for every `.rs` file under `root`, in a stable order.
fn collect_files(root: &Path, out: &mut Vec<(PathBuf, Vec<String>)>) -> Result<(), EntityError> {
    if !root.exists() {
        return Err(EntityError::PathNotFound {
            path: root.to_owned(),
        });
    }
    if root.is_file() {
        let stem = root
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((root.to_owned(), vec![stem]));
        return Ok(());
    }
    walk(root, &mut Vec::new(), out)
}

fn walk(
    dir: &Path,
    module: &mut Vec<String>,
    out: &mut Vec<(PathBuf, Vec<String>)>,
) -> Result<(), EntityError> {
    // Whether an entry is a directory comes with the listing (no `stat` per
    // file); a symbolic link is followed, as `Path::is_dir` does.
    let mut entries: Vec<(PathBuf, bool)> = fs_err::read_dir(dir)?
        .map(|e| {
            e.map(|e| {
                let path = e.path();
                let dir = match e.file_type() {
                    Ok(t) if !t.is_symlink() => t.is_dir(),
                    _ => path.is_dir(),
                };
                (path, dir)
            })
        })
        .collect::<Result<_, _>>()?;
    entries.sort();
    for (path, is_dir) in entries {
        let name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_dir {
            module.push(name);
            walk(&path, module, out)?;
            module.pop();
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let mut m = module.clone();
            if !matches!(stem, "mod" | "lib" | "main") {
                m.push(stem.to_owned());
            }
            out.push((path, m));
        }
    }
    Ok(())
}

struct Types<'a> {
    /// Resolved Rust types by their text: most columns share a few types.
    cache: RefCell<HashMap<String, Result<Resolved, Miss>>>,
    /// Types resolved through a file's `use` items, by file, inline module
    /// and text.
    in_file: RefCell<HashMap<InFile, Result<Resolved, Miss>>>,
    overrides: &'a HashMap<String, ColumnType>,
    enums: HashMap<&'a str, &'a ActiveEnumDef>,
    values: HashMap<&'a str, &'a ValueTypeDef>,
    /// The Cargo workspace, read only for types the scanned files lack.
    ws: Workspace,
}

/// A type's text in a file and inline module.
type InFile = (PathBuf, Vec<String>, String);

/// A column type, and the database enum it needs, if any.
type Resolved = (ColumnType, Option<EnumType>);

/// A type the reader cannot tell: the `[models.types]` key, where the
/// reader looked, and a guess for the entry.
#[derive(Debug, Clone)]
struct Miss {
    type_name: String,
    looked: String,
    guess: String,
}

impl Miss {
    fn new(type_name: &str, looked: impl Into<String>, guess: Option<String>) -> Self {
        Miss {
            type_name: type_name.to_owned(),
            looked: looked.into(),
            guess: guess.unwrap_or_else(|| guess_by_name(type_name).to_owned()),
        }
    }
}

/// A retort type for a `[models.types]` suggestion, from the name alone.
fn guess_by_name(name: &str) -> &'static str {
    let n = name.to_lowercase();
    let has = |w: &str| n.contains(w);
    if has("uuid") || has("guid") {
        "uuid"
    } else if n.ends_with("id") {
        "integer"
    } else if has("json") || has("meta") || has("config") || has("setting") || has("data") {
        "json"
    } else if has("datetime") || has("timestamp") {
        "timestamptz"
    } else if has("date") {
        "date"
    } else if has("time") {
        "time"
    } else if has("decimal") || has("money") || has("amount") || has("price") {
        "decimal"
    } else if has("bool") || has("flag") {
        "boolean"
    } else {
        "varchar"
    }
}

impl Types<'_> {
    /// A Rust type given as text, without a file's context.
    fn rust_text(&self, text: &str, depth: usize) -> Result<Resolved, Miss> {
        if let Some(hit) = self.cache.borrow().get(text) {
            return hit.clone();
        }
        let resolved = match syn::parse_str::<syn::Type>(text) {
            Ok(ty) => self.rust(&ty, depth, None),
            Err(_) => Err(Miss::new(text, "not a Rust type", None)),
        };
        self.cache
            .borrow_mut()
            .insert(text.to_owned(), resolved.clone());
        resolved
    }

    /// A Rust type given as text, as the module at `loc` sees it.
    fn rust_text_in(&self, text: &str, loc: &ModLoc, depth: usize) -> Result<Resolved, Miss> {
        let key = (loc.file().to_owned(), loc_inline(loc), text.to_owned());
        if let Some(hit) = self.in_file.borrow().get(&key) {
            return hit.clone();
        }
        let resolved = match syn::parse_str::<syn::Type>(text) {
            Ok(ty) => self.rust(&ty, depth, Some(loc)),
            Err(_) => Err(Miss::new(text, "not a Rust type", None)),
        };
        self.in_file.borrow_mut().insert(key, resolved.clone());
        resolved
    }

    /// A column's Rust type: first as the scanned sources and SeaORM know
    /// it, then through the workspace from the entity's file.
    fn column(&self, text: &str, file: &Path, inline: &[String]) -> Result<Resolved, Miss> {
        match self.rust_text(text, 0) {
            Ok(r) => Ok(r),
            Err(miss) => match self.ws.locate(file, inline) {
                Some(loc) => self.rust_text_in(text, &loc, 0),
                None => Err(Miss {
                    looked: format!("{}; no Cargo.toml encloses the file", miss.looked),
                    ..miss
                }),
            },
        }
    }

    fn rust(&self, ty: &syn::Type, depth: usize, loc: Option<&ModLoc>) -> Result<Resolved, Miss> {
        let text = rust_type::type_text(ty);
        let last = rust_type::last_name(ty).unwrap_or_else(|| text.clone());
        if depth > 16 {
            return Err(Miss::new(&last, "the type refers to itself", None));
        }
        if let Some(t) = self.overrides.get(&text).or(self.overrides.get(&last)) {
            return Ok((t.clone(), None));
        }
        if let Some(e) = self.enums.get(last.as_str()) {
            return self.active_enum(e, depth);
        }
        if let Some(v) = self.values.get(last.as_str()) {
            return match (&v.column_type, &v.inner) {
                (Some(t), _) => self.expr(t, depth + 1),
                (None, Some(inner)) => self.rust_text(inner, depth + 1).or_else(|miss| match self
                    .ws
                    .locate(&v.file, &v.inline)
                {
                    Some(vloc) => self.rust_text_in(inner, &vloc, depth + 1),
                    None => Err(miss),
                }),
                (None, None) => Err(Miss::new(
                    &last,
                    "a `DeriveValueType` that wraps no single field and has no `column_type`",
                    None,
                )),
            };
        }
        match rust_type::builtin(ty) {
            rust_type::Builtin::Type(t) => Ok((t, None)),
            rust_type::Builtin::Array(elem) => {
                let (t, e) = self.rust(elem, depth + 1, loc)?;
                Ok((ColumnType::Array(Box::new(t)), e))
            }
            rust_type::Builtin::Unknown => match loc {
                Some(loc) => self.in_workspace(ty, &last, loc, depth),
                None => Err(Miss::new(
                    &last,
                    "not a SeaORM type, and not defined in the scanned sources",
                    None,
                )),
            },
        }
    }

    /// Follows `ty` from the module at `loc` to its definition.
    fn in_workspace(
        &self,
        ty: &syn::Type,
        last: &str,
        loc: &ModLoc,
        depth: usize,
    ) -> Result<Resolved, Miss> {
        let syn::Type::Path(p) = ty else {
            return Err(Miss::new(last, "not a path type", None));
        };
        let segs: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let mut trail = Trail::default();
        let found = self.ws.resolve_path(loc, &segs, 0, &mut trail);
        let looked = |trail: &Trail| format!("looked in {}", trail.looked.join(", "));
        match found {
            None => Err(Miss::new(
                last,
                format!("no definition found; {}", looked(&trail)),
                None,
            )),
            Some(Found::Module(_)) => Err(Miss::new(last, "names a module, not a type", None)),
            Some(Found::External(path)) => {
                let krate = path.split("::").next().unwrap_or_default().to_owned();
                if !is_seaorm_crate(&krate) {
                    return Err(Miss::new(
                        last,
                        format!(
                            "`{path}` is from crate `{krate}`, which is not in the workspace (a registry dependency), so retort cannot read it"
                        ),
                        None,
                    ));
                }
                // Keep the generic arguments as written (`DateTime<Utc>`).
                let text = rust_type::type_text(ty);
                let args = text.find('<').map(|i| &text[i..]).unwrap_or("");
                match syn::parse_str::<syn::Type>(&format!("{path}{args}")) {
                    Ok(full) => match rust_type::builtin(&full) {
                        rust_type::Builtin::Type(t) => Ok((t, None)),
                        rust_type::Builtin::Array(elem) => {
                            let (t, e) = self.rust(elem, depth + 1, Some(loc))?;
                            Ok((ColumnType::Array(Box::new(t)), e))
                        }
                        rust_type::Builtin::Unknown => Err(Miss::new(
                            last,
                            format!("`{path}` is not a value type SeaORM maps"),
                            None,
                        )),
                    },
                    Err(_) => Err(Miss::new(last, format!("`{path}` is not a type"), None)),
                }
            }
            Some(Found::Item(item, def)) => self.item(&item, &def, last, depth, &trail),
        }
    }

    /// The column type of a struct, enum or type alias found in the workspace.
    fn item(
        &self,
        item: &syn::Item,
        def: &ModLoc,
        name: &str,
        depth: usize,
        trail: &Trail,
    ) -> Result<Resolved, Miss> {
        let file = def.file();
        let inline = loc_inline(def);
        let bad = |e: EntityError| {
            let text = e.to_string();
            Miss::new(name, text.lines().next().unwrap_or_default(), None)
        };
        let (attrs, ident, line) = match item {
            syn::Item::Enum(e) => (&e.attrs, &e.ident, crate::extract::line_of(&e.ident)),
            syn::Item::Struct(s) => (&s.attrs, &s.ident, crate::extract::line_of(&s.ident)),
            syn::Item::Type(t) => {
                return self.rust(&t.ty, depth + 1, Some(def));
            }
            _ => return Err(Miss::new(name, "not a type", None)),
        };
        let derives = crate::extract::derives(attrs);
        let has = |n: &str| derives.iter().any(|d| d == n);
        match item {
            syn::Item::Enum(e) if has("DeriveActiveEnum") => {
                let ae = crate::extract::active_enum(file, e).map_err(bad)?;
                return self.active_enum(&ae, depth);
            }
            syn::Item::Enum(e) if has("DeriveValueType") => {
                let v = crate::extract::value_type_enum(file, &inline, e).map_err(bad)?;
                if let Some(t) = &v.column_type {
                    return self.expr(t, depth + 1);
                }
            }
            syn::Item::Struct(s) if has("DeriveValueType") => {
                let v = crate::extract::value_type_struct(file, &inline, s).map_err(bad)?;
                match (&v.column_type, &v.inner) {
                    (Some(t), _) => return self.expr(t, depth + 1),
                    (None, Some(inner)) => return self.rust_text_in(inner, def, depth + 1),
                    (None, None) => {}
                }
            }
            _ if has("FromJsonQueryResult") => return Ok((ColumnType::Json, None)),
            _ => {}
        }
        if let Some(body) = self.ws.value_type_impl(def, &ident.to_string())
            && let Ok(t) = parse_type_expr(&body)
        {
            return self.expr(&t, depth + 1);
        }
        let guess = match item {
            syn::Item::Enum(_) => Some("varchar".to_owned()),
            syn::Item::Struct(s) => match &s.fields {
                syn::Fields::Named(_) => Some("json".to_owned()),
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                    let inner = rust_type::type_text(&u.unnamed[0].ty);
                    self.rust_text_in(&inner, def, depth + 1)
                        .ok()
                        .map(|(t, _)| t.to_string())
                }
                _ => None,
            },
            _ => None,
        };
        let _ = trail;
        Err(Miss::new(
            name,
            format!(
                "`{ident}` is defined at {}:{line}, but derives none of `DeriveActiveEnum`, `DeriveValueType` and `FromJsonQueryResult`, and has no `impl ValueType` with a literal `ColumnType`",
                file.display()
            ),
            guess,
        ))
    }

    fn active_enum(&self, e: &ActiveEnumDef, depth: usize) -> Result<Resolved, Miss> {
        match &e.kind {
            ActiveEnumKind::Db { name, values } => Ok((
                ColumnType::Enum(name.clone()),
                Some(EnumType {
                    name: name.clone(),
                    values: values.clone(),
                }),
            )),
            ActiveEnumKind::Column(t) => self.expr(t, depth + 1),
        }
    }

    fn expr(&self, t: &TypeExpr, depth: usize) -> Result<Resolved, Miss> {
        match t {
            TypeExpr::Known(t) => Ok((t.clone(), None)),
            TypeExpr::Array(inner) => {
                let (t, e) = self.expr(inner, depth + 1)?;
                Ok((ColumnType::Array(Box::new(t)), e))
            }
            TypeExpr::ActiveEnum(ident) => {
                if let Some(t) = self.overrides.get(ident) {
                    return Ok((t.clone(), None));
                }
                match self.enums.get(ident.as_str()) {
                    Some(e) if depth <= 16 => self.active_enum(e, depth),
                    _ => Err(Miss::new(
                        ident,
                        "an active enum the scanned sources do not define",
                        Some("varchar".to_owned()),
                    )),
                }
            }
        }
    }
}

fn loc_inline(loc: &ModLoc) -> Vec<String> {
    loc.inline().to_vec()
}

fn build(
    ex: Extracted,
    overrides: &HashMap<String, ColumnType>,
    opts: &ReadOptions,
) -> Result<ModelSet, EntityError> {
    let mut set = ModelSet {
        warnings: ex.warnings,
        ..ModelSet::default()
    };
    let mut enums: HashMap<&str, &ActiveEnumDef> = HashMap::new();
    for e in &ex.enums {
        if let Some(first) = enums.insert(e.ident.as_str(), e) {
            set.warnings.push(Warning {
                file: e.file.clone(),
                line: e.line,
                message: format!(
                    "active enum `{}` is also defined at {}:{}; this later definition is used",
                    e.ident,
                    first.file.display(),
                    first.line
                ),
            });
        }
    }
    let types = Types {
        cache: Default::default(),
        in_file: Default::default(),
        ws: Workspace::default(),
        overrides,
        enums,
        values: ex
            .value_types
            .iter()
            .map(|v| (v.ident.as_str(), v))
            .collect(),
    };
    let mut seen: HashMap<&str, &EntityDef> = HashMap::new();
    for e in &ex.entities {
        if let Some(first) = seen.insert(e.table.as_str(), e) {
            return Err(EntityError::DuplicateTable {
                table: e.table.clone(),
                first: first.file.clone(),
                first_line: first.line,
                second: e.file.clone(),
                second_line: e.line,
            });
        }
    }
    let by_module: HashMap<&[String], &EntityDef> = ex
        .entities
        .iter()
        .map(|e| (e.module.as_slice(), e))
        .collect();
    let excluded = |t: &str| opts.exclude_tables.iter().any(|x| x == t);
    let mut schema = Schema::default();
    let mut unknown = Vec::new();
    for e in ex.entities.iter().filter(|e| !excluded(&e.table)) {
        let table = build_table(e, &types, &mut schema, &mut set, &mut unknown);
        let mut table = table;
        for rel in &e.relations {
            let target =
                resolve_target(e, &rel.target, &by_module, &ex.entities).ok_or_else(|| {
                    EntityError::UnresolvedRelation {
                        file: e.file.clone(),
                        line: rel.line,
                        table: e.table.clone(),
                        relation: rel.name.clone(),
                        problem: format!(
                            "points at entity `{}`, which is not among the scanned entities",
                            if rel.target.is_empty() {
                                "Entity".to_owned()
                            } else {
                                format!("{}::Entity", rel.target.join("::"))
                            }
                        ),
                    }
                })?;
            if excluded(&target.table) {
                continue;
            }
            let columns = column_names(e, &rel.from, e, rel)?;
            let ref_columns = column_names(target, &rel.to, e, rel)?;
            table.foreign_keys.push(ForeignKey {
                name: rel
                    .fk_name
                    .clone()
                    .unwrap_or_else(|| fk_name(&e.table, &columns, &target.table)),
                columns,
                ref_table: target.table.clone(),
                ref_columns,
                on_delete: rel.on_delete,
                on_update: rel.on_update,
            });
        }
        schema.tables.insert(table.name.clone(), table);
    }
    if !unknown.is_empty() {
        return Err(EntityError::UnknownTypes(Box::new(UnknownTypes {
            types: unknown,
        })));
    }
    set.schema = schema;
    Ok(set)
}

fn resolve_target<'a>(
    from: &EntityDef,
    target: &[String],
    by_module: &HashMap<&[String], &'a EntityDef>,
    all: &'a [EntityDef],
) -> Option<&'a EntityDef> {
    if target.is_empty() || target == ["Self"] {
        return by_module.get(from.module.as_slice()).copied();
    }
    let mut base = from.module.clone();
    let mut relative = false;
    for seg in target {
        match seg.as_str() {
            "super" => {
                relative = true;
                base.pop();
            }
            "self" => relative = true,
            "crate" => {}
            s => base.push(s.to_owned()),
        }
    }
    if relative && let Some(e) = by_module.get(base.as_slice()) {
        return Some(e);
    }
    // `crate::entity::users::Entity` and the like: the module's last name.
    let last = target.last()?;
    let mut found = all.iter().filter(|e| e.module.last() == Some(last));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn column_names(
    owner: &EntityDef,
    variants: &[String],
    rel_entity: &EntityDef,
    rel: &crate::extract::RelationDef,
) -> Result<Vec<String>, EntityError> {
    variants
        .iter()
        .map(|v| {
            owner
                .columns
                .iter()
                .find(|c| &c.variant == v)
                .map(|c| c.name.clone())
                .ok_or_else(|| EntityError::UnresolvedRelation {
                    file: rel_entity.file.clone(),
                    line: rel.line,
                    table: rel_entity.table.clone(),
                    relation: rel.name.clone(),
                    problem: format!(
                        "names column `{v}`, which table `{}` does not have",
                        owner.table
                    ),
                })
        })
        .collect()
}

fn build_table(
    e: &EntityDef,
    types: &Types<'_>,
    schema: &mut Schema,
    set: &mut ModelSet,
    unknown: &mut Vec<UnknownTypeError>,
) -> Table {
    let warn = |set: &mut ModelSet, line, message: String| {
        set.warnings.push(Warning {
            file: e.file.clone(),
            line,
            message,
        })
    };
    let mut table = Table::new(e.table.clone());
    table.comment = e.comment.clone();
    if let Some(s) = &e.schema_name {
        warn(
            set,
            e.line,
            format!(
                "`schema_name = \"{s}\"` of table `{}` is not kept: retort reads the table into the connection's schema",
                e.table
            ),
        );
    }
    let pk: Vec<&crate::extract::ColumnDef> = e.columns.iter().filter(|c| c.primary_key).collect();
    let auto_increment = pk.len() == 1
        && e.auto_increment.unwrap_or_else(|| {
            !pk[0]
                .rust_type
                .as_deref()
                .is_some_and(|t| t.ends_with("String") || t.ends_with("Uuid"))
        });
    let mut unique_keys: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in &e.columns {
        let resolved = match &c.ty {
            TypeSource::Rust(ty) => types.column(ty, &e.file, &e.inline),
            TypeSource::Sea(t) => types.expr(t, 0),
        };
        // An unknown type is reported with all the others at the end; the
        // column stays (as `integer`) so that relations naming it resolve.
        let (ty, enum_type) = resolved.unwrap_or_else(|miss| {
            unknown.push(UnknownTypeError {
                file: e.file.clone(),
                line: c.line,
                table: e.table.clone(),
                field: c.field.clone(),
                rust_type: c
                    .rust_type
                    .clone()
                    .unwrap_or_else(|| miss.type_name.clone()),
                type_name: miss.type_name,
                looked: miss.looked,
                guess: miss.guess,
            });
            (ColumnType::Integer, None)
        });
        if let Some(en) = enum_type {
            schema.enums.entry(en.name.clone()).or_insert(en);
        }
        let mut col = Column::new(c.name.clone(), ty);
        col.nullable = c.nullable;
        col.default = c.default.clone();
        col.comment = c.comment.clone();
        if c.primary_key && auto_increment {
            if col.ty.is_integer() {
                col.autoincrement = true;
            } else {
                warn(
                    set,
                    c.line,
                    format!(
                        "primary key `{}.{}` is `{}`, which cannot auto-increment; set `auto_increment = false`",
                        e.table, c.name, col.ty
                    ),
                );
            }
        }
        if let Some(x) = &c.extra {
            warn(
                set,
                c.line,
                format!(
                    "`extra = \"{x}\"` on `{}.{}` is not kept: retort cannot compare raw column SQL",
                    e.table, c.name
                ),
            );
        }
        set.fields.push(crate::FieldLocation {
            table: e.table.clone(),
            column: c.name.clone(),
            field: c.field.clone(),
            file: e.file.clone(),
            line: c.line,
        });
        if let Some(old) = &c.renamed_from {
            set.renamed_from.push(RenamedColumn {
                table: e.table.clone(),
                from: old.clone(),
                to: c.name.clone(),
            });
        }
        if c.unique {
            table.uniques.push(Unique {
                name: unique_name(&e.table, std::slice::from_ref(&c.name)),
                columns: vec![c.name.clone()],
            });
        } else if c.indexed {
            table.indexes.push(Index {
                name: format!("idx-{}-{}", e.table, c.name),
                columns: vec![c.name.clone()],
                unique: false,
            });
        }
        if let Some(k) = &c.unique_key {
            unique_keys.entry(k).or_default().push(c.name.clone());
        }
        table.columns.push(col);
    }
    for (key, columns) in unique_keys {
        table.indexes.push(Index {
            name: format!("idx-{}-{key}", e.table),
            columns,
            unique: true,
        });
    }
    if !pk.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk.iter().map(|c| c.name.clone()).collect(),
        });
    }
    table
}
