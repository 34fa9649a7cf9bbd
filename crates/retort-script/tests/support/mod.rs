//! Builds revision directories in temp dirs from a compact description.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use retort_script::Script;
use tempfile::TempDir;

pub struct Dir {
    pub tmp: TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        let tmp = tempfile::tempdir().unwrap();
        fs_err::create_dir_all(tmp.path().join("versions")).unwrap();
        Dir { tmp }
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn versions(&self) -> PathBuf {
        self.tmp.path().join("versions")
    }

    /// Writes `versions/<name>` verbatim.
    pub fn file(&self, name: &str, text: &str) -> &Self {
        fs_err::write(self.versions().join(name), text).unwrap();
        self
    }

    /// Writes a revision. `spec` is `"id"`, `"id <- parent"`,
    /// `"id <- p1 p2"` (a merge), plus optional `@label` and `~dep` words.
    /// The file is named `NN_id.toml` after its position, so file order is
    /// the order of the calls.
    pub fn rev(&self, spec: &str) -> &Self {
        let n = fs_err::read_dir(self.versions()).unwrap().count();
        let (id, rest) = spec.split_once("<-").unwrap_or((spec, ""));
        let mut words = id.split_whitespace();
        let id = words.next().unwrap();
        let mut downs = Vec::new();
        let mut labels = Vec::new();
        let mut deps = Vec::new();
        for w in words.chain(rest.split_whitespace()) {
            if let Some(l) = w.strip_prefix('@') {
                labels.push(l);
            } else if let Some(d) = w.strip_prefix('~') {
                deps.push(d);
            } else {
                downs.push(w);
            }
        }
        let list = |v: &[&str]| {
            format!(
                "[{}]",
                v.iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut text = format!("revision = \"{id}\"\n");
        match downs.as_slice() {
            [] => {}
            [one] => text += &format!("down_revision = \"{one}\"\n"),
            many => text += &format!("down_revision = {}\n", list(many)),
        }
        text += &format!("message = \"rev {id}\"\ncreate_date = 2026-01-01T00:00:00Z\n");
        if !labels.is_empty() {
            text += &format!("branch_labels = {}\n", list(&labels));
        }
        if !deps.is_empty() {
            text += &format!("depends_on = {}\n", list(&deps));
        }
        self.file(&format!("{n:02}_{id}.toml"), &text)
    }

    pub fn load(&self) -> Script {
        Script::load(self.root()).unwrap_or_else(|e| panic!("load failed: {e}"))
    }

    pub fn load_err(&self) -> String {
        match Script::load(self.root()) {
            Ok(_) => panic!("load succeeded"),
            Err(e) => e.to_string(),
        }
    }
}

/// A script from revision specs, in order.
pub fn graph(specs: &[&str]) -> (Dir, Script) {
    let d = Dir::new();
    for s in specs {
        d.rev(s);
    }
    let s = d.load();
    (d, s)
}
