//! Follows a type that the scanned sources do not define through the Cargo
//! workspace around them: the entity file's `use` items, the crates' module
//! trees (`mod` files, inline modules, `pub use` re-exports, globs, type
//! aliases), path dependencies and workspace members, to the item that
//! defines it. Only the files on that way are read and parsed, once each.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use syn::{Item, UseTree};

use crate::rust_type;

/// Crates whose value types SeaORM itself maps (`ValueType` impls in
/// sea-query and sea-orm): a path into one of them is a builtin.
const SEAORM_CRATES: &[&str] = &[
    "sea_orm",
    "sea_query",
    "chrono",
    "time",
    "uuid",
    "rust_decimal",
    "bigdecimal",
    "serde_json",
    "ipnetwork",
    "mac_address",
    "pgvector",
    "std",
    "alloc",
    "core",
];

/// A crate of the workspace (or a path dependency of one).
#[derive(Debug)]
struct Crate {
    /// The name code uses for it (`my-domain` -> `my_domain`).
    name: String,
    /// `src/lib.rs` (or `[lib] path`, or `src/main.rs`).
    root_file: PathBuf,
    /// Dependencies by the name code uses: `Some(dir)` for a path (or
    /// workspace path) dependency, `None` for a registry one.
    deps: HashMap<String, Option<PathBuf>>,
    /// The directory of the workspace root manifest, when there is one.
    workspace: Option<PathBuf>,
}

/// Where a module's items are: a file, and inline `mod`s inside it.
#[derive(Debug, Clone)]
pub(crate) struct ModLoc {
    krate: Rc<Crate>,
    file: PathBuf,
    inline: Vec<String>,
    /// The module path from the crate root, for `super`.
    path: Vec<String>,
    /// Where files of child modules are.
    dir: PathBuf,
}

impl ModLoc {
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }

    pub(crate) fn inline(&self) -> &[String] {
        &self.inline
    }

    fn display(&self) -> String {
        if self.path.is_empty() {
            format!("crate `{}`", self.krate.name)
        } else {
            format!("module `{}::{}`", self.krate.name, self.path.join("::"))
        }
    }
}

/// What a name stands for.
#[derive(Debug, Clone)]
pub(crate) enum Found {
    /// A struct, enum or type alias, and the module it is in.
    Item(Box<Item>, ModLoc),
    Module(ModLoc),
    /// A path into a crate outside the workspace, as written.
    External(String),
}

/// Why a type was not found, and where the reader looked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trail {
    pub looked: Vec<String>,
}

impl Trail {
    fn note(&mut self, s: String) {
        if !self.looked.contains(&s) {
            self.looked.push(s);
        }
    }
}

/// The lazily read Cargo workspace.
#[derive(Default)]
pub(crate) struct Workspace {
    files: RefCell<HashMap<PathBuf, Option<Rc<syn::File>>>>,
    crates: RefCell<HashMap<PathBuf, Option<Rc<Crate>>>>,
    /// Members of each workspace root, by crate name (read when a name is
    /// not a dependency).
    members: RefCell<HashMap<PathBuf, Rc<HashMap<String, PathBuf>>>>,
    /// `lookup` results by module and name, with the trail notes they
    /// added: globs and re-exports meet the same modules many times, and a
    /// glob cycle ends at the entry made before its lookup starts.
    lookups: RefCell<HashMap<LookupKey, Looked>>,
}

type LookupKey = (PathBuf, Vec<String>, String);
type Looked = (Option<Found>, Vec<String>);

fn read_toml(path: &Path) -> Option<toml::Table> {
    let text = fs_err::read_to_string(path).ok()?;
    text.parse::<toml::Table>().ok()
}

/// `a/b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn lib_name(package: &str) -> String {
    package.replace('-', "_")
}

impl Workspace {
    fn parse(&self, path: &Path) -> Option<Rc<syn::File>> {
        if let Some(hit) = self.files.borrow().get(path) {
            return hit.clone();
        }
        let parsed = fs_err::read_to_string(path)
            .ok()
            .and_then(|t| syn::parse_file(&t).ok())
            .map(Rc::new);
        self.files
            .borrow_mut()
            .insert(path.to_owned(), parsed.clone());
        parsed
    }

    /// The crate whose manifest is in `dir`.
    fn crate_at(&self, dir: &Path) -> Option<Rc<Crate>> {
        if let Some(hit) = self.crates.borrow().get(dir) {
            return hit.clone();
        }
        let krate = self.load_crate(dir).map(Rc::new);
        self.crates
            .borrow_mut()
            .insert(dir.to_owned(), krate.clone());
        krate
    }

    fn load_crate(&self, dir: &Path) -> Option<Crate> {
        let manifest = read_toml(&dir.join("Cargo.toml"))?;
        let package = manifest.get("package")?.as_table()?;
        let lib = manifest.get("lib").and_then(|l| l.as_table());
        let name = lib
            .and_then(|l| l.get("name"))
            .or_else(|| package.get("name"))
            .and_then(|n| n.as_str())
            .map(lib_name)?;
        let root_file = lib
            .and_then(|l| l.get("path"))
            .and_then(|p| p.as_str())
            .map(|p| dir.join(p))
            .filter(|p| p.is_file())
            .or_else(|| Some(dir.join("src/lib.rs")).filter(|p| p.is_file()))
            .or_else(|| Some(dir.join("src/main.rs")).filter(|p| p.is_file()))?;
        let workspace = workspace_root(dir);
        let ws_deps = workspace
            .as_ref()
            .and_then(|w| read_toml(&w.join("Cargo.toml")))
            .and_then(|t| t.get("workspace")?.get("dependencies")?.as_table().cloned());
        let mut deps = HashMap::new();
        let mut tables: Vec<&toml::Table> = Vec::new();
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(t) = manifest.get(key).and_then(|t| t.as_table()) {
                tables.push(t);
            }
        }
        if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
            for t in targets.values().filter_map(|t| t.as_table()) {
                if let Some(d) = t.get("dependencies").and_then(|d| d.as_table()) {
                    tables.push(d);
                }
            }
        }
        for table in tables {
            for (key, value) in table {
                let path = match value {
                    toml::Value::Table(t)
                        if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) =>
                    {
                        let root = workspace.as_deref();
                        ws_deps
                            .as_ref()
                            .and_then(|w| w.get(key))
                            .and_then(|d| d.get("path"))
                            .and_then(|p| p.as_str())
                            .zip(root)
                            .map(|(p, root)| normalize(&root.join(p)))
                    }
                    toml::Value::Table(t) => t
                        .get("path")
                        .and_then(|p| p.as_str())
                        .map(|p| normalize(&dir.join(p))),
                    _ => None,
                };
                deps.insert(lib_name(key), path);
            }
        }
        Some(Crate {
            name,
            root_file,
            deps,
            workspace,
        })
    }

    /// Workspace members by crate name (for a name that is used without
    /// being a declared dependency, as through a re-exported crate).
    fn members(&self, root: &Path) -> Rc<HashMap<String, PathBuf>> {
        if let Some(hit) = self.members.borrow().get(root) {
            return hit.clone();
        }
        let mut out = HashMap::new();
        let members = read_toml(&root.join("Cargo.toml"))
            .and_then(|t| t.get("workspace")?.get("members")?.as_array().cloned())
            .unwrap_or_default();
        let mut dirs = Vec::new();
        for m in members.iter().filter_map(|m| m.as_str()) {
            if let Some(parent) = m.strip_suffix("/*") {
                if let Ok(entries) = fs_err::read_dir(root.join(parent)) {
                    let mut found: Vec<PathBuf> =
                        entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    found.sort();
                    dirs.extend(found);
                }
            } else if !m.contains('*') {
                dirs.push(root.join(m));
            }
        }
        for dir in dirs {
            let Some(t) = read_toml(&dir.join("Cargo.toml")) else {
                continue;
            };
            let name = t
                .get("lib")
                .and_then(|l| l.get("name"))
                .or_else(|| t.get("package").and_then(|p| p.get("name")))
                .and_then(|n| n.as_str());
            if let Some(name) = name {
                out.insert(lib_name(name), dir);
            }
        }
        let out = Rc::new(out);
        self.members
            .borrow_mut()
            .insert(root.to_owned(), out.clone());
        out
    }

    /// The module an entity file is, with `inline` the inline `mod`s of
    /// the entity inside it. None when no crate encloses the file.
    pub(crate) fn locate(&self, file: &Path, inline: &[String]) -> Option<ModLoc> {
        let file = std::path::absolute(file).ok()?;
        let mut dir = file.parent();
        let krate = loop {
            let Some(d) = dir else {
                // No crate around the file: it is a crate of its own, whose
                // `use` items still name SeaORM's and its own types.
                break self.standalone(&file);
            };
            if d.join("Cargo.toml").is_file()
                && let Some(k) = self.crate_at(d)
            {
                break k;
            }
            dir = d.parent();
        };
        let src = krate.root_file.parent()?.to_owned();
        let mut path: Vec<String> = Vec::new();
        if krate.root_file == file {
            // The crate root itself.
        } else if let Ok(rel) = file.strip_prefix(&src) {
            let parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            for (i, p) in parts.iter().enumerate() {
                if i + 1 < parts.len() {
                    path.push(p.clone());
                } else if let Some(stem) = p.strip_suffix(".rs")
                    && !matches!(stem, "mod" | "lib" | "main")
                {
                    path.push(stem.to_owned());
                }
            }
        }
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned());
        let parent = file.parent()?.to_owned();
        let child_dir = if matches!(stem.as_deref(), Some("mod" | "lib" | "main")) {
            parent
        } else {
            parent.join(stem.unwrap_or_default())
        };
        let mut loc = ModLoc {
            krate,
            file: file.clone(),
            inline: Vec::new(),
            path,
            dir: child_dir,
        };
        for m in inline {
            loc.dir = loc.dir.join(m);
            loc.inline.push(m.clone());
            loc.path.push(m.clone());
        }
        Some(loc)
    }

    fn standalone(&self, file: &Path) -> Rc<Crate> {
        let mut crates = self.crates.borrow_mut();
        let entry = crates.entry(file.to_owned()).or_insert_with(|| {
            Some(Rc::new(Crate {
                name: String::new(),
                root_file: file.to_owned(),
                deps: HashMap::new(),
                workspace: None,
            }))
        });
        entry.clone().expect("inserted as Some")
    }

    fn root_of(&self, krate: &Rc<Crate>) -> ModLoc {
        ModLoc {
            krate: krate.clone(),
            file: krate.root_file.clone(),
            inline: Vec::new(),
            path: Vec::new(),
            dir: krate
                .root_file
                .parent()
                .map(Path::to_owned)
                .unwrap_or_default(),
        }
    }

    /// Runs `f` on the items of the module at `loc`.
    fn with_items<R>(&self, loc: &ModLoc, f: impl FnOnce(&[Item]) -> R) -> Option<R> {
        let ast = self.parse(&loc.file)?;
        let mut items: &[Item] = &ast.items;
        for m in &loc.inline {
            items = items.iter().find_map(|i| match i {
                Item::Mod(md) if md.ident == m => md.content.as_ref().map(|(_, c)| c.as_slice()),
                _ => None,
            })?;
        }
        Some(f(items))
    }

    /// The child module `name` of `loc`.
    fn child(&self, loc: &ModLoc, name: &str) -> Option<ModLoc> {
        enum Kind {
            Inline,
            File(Option<String>),
        }
        let kind = self.with_items(loc, |items| {
            items.iter().find_map(|i| match i {
                Item::Mod(md) if md.ident == name => Some(if md.content.is_some() {
                    Kind::Inline
                } else {
                    Kind::File(path_attr(&md.attrs))
                }),
                _ => None,
            })
        })??;
        let mut path = loc.path.clone();
        path.push(name.to_owned());
        Some(match kind {
            Kind::Inline => {
                let mut inline = loc.inline.clone();
                inline.push(name.to_owned());
                ModLoc {
                    krate: loc.krate.clone(),
                    file: loc.file.clone(),
                    inline,
                    path,
                    dir: loc.dir.join(name),
                }
            }
            Kind::File(explicit) => {
                let (file, dir) = match explicit {
                    Some(p) => {
                        let base = loc.file.parent().unwrap_or(Path::new("."));
                        let f = base.join(p);
                        let d = f.parent().unwrap_or(base).to_owned();
                        (f, d)
                    }
                    None => {
                        let flat = loc.dir.join(format!("{name}.rs"));
                        if flat.is_file() {
                            (flat, loc.dir.join(name))
                        } else {
                            (loc.dir.join(name).join("mod.rs"), loc.dir.join(name))
                        }
                    }
                };
                ModLoc {
                    krate: loc.krate.clone(),
                    file,
                    inline: Vec::new(),
                    path,
                    dir,
                }
            }
        })
    }

    fn parent(&self, loc: &ModLoc) -> Option<ModLoc> {
        if let Some((_, rest)) = loc.inline.split_last() {
            let mut p = loc.clone();
            p.inline = rest.to_vec();
            p.path.pop();
            p.dir = p.dir.parent()?.to_owned();
            return Some(p);
        }
        let (_, parent_path) = loc.path.split_last()?;
        let mut m = self.root_of(&loc.krate);
        for seg in parent_path {
            m = self.child(&m, seg)?;
        }
        Some(m)
    }

    /// A crate by the name code uses, from `loc`'s crate.
    fn extern_crate(&self, loc: &ModLoc, name: &str, trail: &mut Trail) -> Option<Found> {
        if name == loc.krate.name {
            return Some(Found::Module(self.root_of(&loc.krate)));
        }
        let dep = match loc.krate.deps.get(name) {
            Some(Some(dir)) => Some(dir.clone()),
            Some(None) => {
                return Some(Found::External(name.to_owned()));
            }
            None => loc
                .krate
                .workspace
                .as_ref()
                .and_then(|w| self.members(w).get(name).cloned()),
        };
        match dep.and_then(|d| self.crate_at(&d)) {
            Some(k) => {
                let root = self.root_of(&k);
                trail.note(format!("crate `{}` ({})", k.name, k.root_file.display()));
                Some(Found::Module(root))
            }
            None if SEAORM_CRATES.contains(&name) => Some(Found::External(name.to_owned())),
            None => None,
        }
    }

    /// Resolves `segs` (a path as written) from the module `loc`.
    pub(crate) fn resolve_path(
        &self,
        loc: &ModLoc,
        segs: &[String],
        depth: usize,
        trail: &mut Trail,
    ) -> Option<Found> {
        if depth > 24 {
            return None;
        }
        let (first, rest) = segs.split_first()?;
        let mut cur = match first.as_str() {
            "crate" => Found::Module(self.root_of(&loc.krate)),
            "self" => Found::Module(loc.clone()),
            "super" => Found::Module(self.parent(loc)?),
            name => match self.lookup(loc, name, depth + 1, trail) {
                Some(f) => f,
                None => self.extern_crate(loc, name, trail)?,
            },
        };
        for seg in rest {
            cur = match cur {
                Found::External(p) => Found::External(format!("{p}::{seg}")),
                Found::Module(m) => match seg.as_str() {
                    "super" => Found::Module(self.parent(&m)?),
                    "self" => Found::Module(m),
                    _ => self.lookup(&m, seg, depth + 1, trail)?,
                },
                // `Enum::Variant` and the like: not a type path.
                Found::Item(..) => return None,
            };
        }
        Some(cur)
    }

    /// What `name` means inside the module `loc`: an item defined there, a
    /// child module, a `use` (re-export or import), or a glob import.
    pub(crate) fn lookup(
        &self,
        loc: &ModLoc,
        name: &str,
        depth: usize,
        trail: &mut Trail,
    ) -> Option<Found> {
        if depth > 24 {
            return None;
        }
        let key = (loc.file.clone(), loc.inline.clone(), name.to_owned());
        if let Some((found, notes)) = self.lookups.borrow().get(&key) {
            for n in notes {
                trail.note(n.clone());
            }
            return found.clone();
        }
        self.lookups
            .borrow_mut()
            .insert(key.clone(), (None, Vec::new()));
        let before = trail.looked.len();
        let found = self.lookup_uncached(loc, name, depth, trail);
        let notes = trail.looked[before..].to_vec();
        self.lookups
            .borrow_mut()
            .insert(key, (found.clone(), notes));
        found
    }

    fn lookup_uncached(
        &self,
        loc: &ModLoc,
        name: &str,
        depth: usize,
        trail: &mut Trail,
    ) -> Option<Found> {
        trail.note(format!("{} ({})", loc.display(), loc.file.display()));
        enum Hit {
            Item(Box<Item>),
            Module,
            Use(Vec<String>),
        }
        let (hit, globs) = self.with_items(loc, |items| {
            let mut globs = Vec::new();
            for item in items {
                match item {
                    Item::Struct(s) if s.ident == name => {
                        return (Some(Hit::Item(Box::new(item.clone()))), globs);
                    }
                    Item::Enum(e) if e.ident == name => {
                        return (Some(Hit::Item(Box::new(item.clone()))), globs);
                    }
                    Item::Type(t) if t.ident == name => {
                        return (Some(Hit::Item(Box::new(item.clone()))), globs);
                    }
                    Item::Mod(m) if m.ident == name => return (Some(Hit::Module), globs),
                    Item::Use(u) => {
                        let mut prefix = Vec::new();
                        if let Some(p) = use_binding(&u.tree, name, &mut prefix, &mut globs) {
                            return (Some(Hit::Use(p)), globs);
                        }
                    }
                    _ => {}
                }
            }
            (None, globs)
        })?;
        match hit {
            Some(Hit::Item(i)) => return Some(Found::Item(i, loc.clone())),
            Some(Hit::Module) => return self.child(loc, name).map(Found::Module),
            Some(Hit::Use(path)) => {
                // `use foo;` of a crate binds the crate itself.
                if path.len() == 1 && path[0] == name {
                    return self.extern_crate(loc, name, trail);
                }
                return self.resolve_path(loc, &path, depth + 1, trail);
            }
            None => {}
        }
        for g in globs {
            if let Some(Found::Module(m)) = self.resolve_path(loc, &g, depth + 1, trail)
                && let Some(f) = self.lookup(&m, name, depth + 1, trail)
            {
                return Some(f);
            }
        }
        None
    }

    /// The file and `impl ValueType for Name { fn column_type() ... }` body,
    /// when the module that defines `Name` has one.
    pub(crate) fn value_type_impl(&self, loc: &ModLoc, name: &str) -> Option<syn::Expr> {
        self.with_items(loc, |items| {
            items.iter().find_map(|i| match i {
                Item::Impl(imp) => value_type_impl_body(imp, name),
                _ => None,
            })
        })?
    }
}

/// `fn column_type() -> ColumnType { <expr> }` of `impl ValueType for name`.
pub(crate) fn value_type_impl_body(imp: &syn::ItemImpl, name: &str) -> Option<syn::Expr> {
    let (_, trait_path, _) = imp.trait_.as_ref()?;
    if trait_path.segments.last()?.ident != "ValueType" {
        return None;
    }
    if rust_type::last_name(&imp.self_ty).as_deref() != Some(name) {
        return None;
    }
    imp.items.iter().find_map(|it| match it {
        syn::ImplItem::Fn(f) if f.sig.ident == "column_type" => {
            f.block.stmts.iter().rev().find_map(|s| match s {
                syn::Stmt::Expr(e, None) => Some(e.clone()),
                _ => None,
            })
        }
        _ => None,
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The directory of the nearest `Cargo.toml` with `[workspace]` at or above
/// `dir`.
fn workspace_root(dir: &Path) -> Option<PathBuf> {
    let mut d = Some(dir);
    while let Some(cur) = d {
        let m = cur.join("Cargo.toml");
        if m.is_file() && read_toml(&m).is_some_and(|t| t.contains_key("workspace")) {
            return Some(cur.to_owned());
        }
        d = cur.parent();
    }
    None
}

/// The path `name` is bound to by a `use` tree, or None; glob prefixes go
/// to `globs`.
fn use_binding(
    tree: &UseTree,
    name: &str,
    prefix: &mut Vec<String>,
    globs: &mut Vec<Vec<String>>,
) -> Option<Vec<String>> {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            let r = use_binding(&p.tree, name, prefix, globs);
            prefix.pop();
            r
        }
        UseTree::Name(n) => {
            let ident = n.ident.to_string();
            if ident == name {
                let mut full = prefix.clone();
                full.push(ident);
                return Some(full);
            }
            if ident == "self" && prefix.last().is_some_and(|l| l == name) {
                return Some(prefix.clone());
            }
            None
        }
        UseTree::Rename(r) => {
            if r.rename == name {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                return Some(full);
            }
            None
        }
        UseTree::Glob(_) => {
            globs.push(prefix.clone());
            None
        }
        UseTree::Group(g) => g
            .items
            .iter()
            .find_map(|t| use_binding(t, name, prefix, globs)),
    }
}

/// Whether a crate name is one whose value types SeaORM maps itself.
pub(crate) fn is_seaorm_crate(name: &str) -> bool {
    SEAORM_CRATES.contains(&name)
}
