use crate::TargetError;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::replaces::Squash;

use crate::{Revision, ScriptError};

/// The revision directory (`<script_location>/versions/`) loaded as a graph.
///
/// Graph vocabulary follows Alembic: `down_revisions` are the parents that the
/// version table follows; `depends_on` entries must be applied first but do not
/// make a merge, so a revision that is only depended on stays a head.
#[derive(Debug, Clone)]
pub struct Script {
    location: PathBuf,
    /// In file-name order, which is also the tie-break order of every
    /// listing. Every file, the replaced revisions of a squash included.
    pub(crate) revs: Arc<Vec<Revision>>,
    pub(crate) index: HashMap<String, usize>,
    pub(crate) nodes: Vec<Node>,
    /// Label -> the revision that declares it.
    pub(crate) labels: HashMap<String, usize>,
    /// The squashed revisions (`replaces`) and what they replace.
    pub(crate) squashes: Arc<Vec<Squash>>,
    /// The squashes this view runs through their originals (indices into
    /// `squashes`); empty for the script as loaded, where every squash runs
    /// through its squashed revision.
    pub(crate) unfolded: Vec<usize>,
    /// The revisions outside this view's graph: the replaced revisions of a
    /// folded squash, the squashed revision of an unfolded one.
    pub(crate) hidden: Vec<bool>,
    /// A hidden revision -> the one that stands for it in this view.
    pub(crate) remap: HashMap<usize, usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    /// `down_revision` parents.
    pub(crate) down: Vec<usize>,
    /// `depends_on`, resolved to revisions.
    pub(crate) deps: Vec<usize>,
    /// `deps` minus those already depended on by an ancestor (Alembic's
    /// normalized dependencies).
    pub(crate) norm_deps: Vec<usize>,
    /// Children through `down_revision`.
    pub(crate) next: Vec<usize>,
    /// Children through `down_revision` or `depends_on`.
    pub(crate) all_next: Vec<usize>,
    /// Branch labels that apply to this revision (declared or inherited).
    pub(crate) labels: BTreeSet<String>,
}

impl Node {
    /// Parents plus normalized dependencies: what must be applied just before.
    pub(crate) fn normalized_down(&self) -> Vec<usize> {
        let mut out = self.down.clone();
        for d in &self.norm_deps {
            if !out.contains(d) {
                out.push(*d);
            }
        }
        out
    }
}

/// Reads and parses `files` on a few threads (a big chain's TOML is most
/// of the time of loading it); the results in the order of `files`.
fn read_all(files: &[&Path]) -> Vec<Result<Revision, ScriptError>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(files.len());
    if threads <= 1 {
        return files.iter().map(|p| Revision::read(p)).collect();
    }
    // Each thread takes the next file not taken yet: files differ in size.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<(usize, Result<Revision, ScriptError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else {
                            return mine;
                        };
                        mine.push((i, Revision::read(path)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("revision reader thread panicked"))
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

impl Script {
    /// Creates `<script_location>/versions/` (and its parents) if missing.
    pub fn ensure_dirs(script_location: &Path) -> Result<PathBuf, ScriptError> {
        let versions = script_location.join("versions");
        fs_err::create_dir_all(&versions)?;
        Ok(versions)
    }

    /// Creates the directories and loads the (possibly empty) script.
    pub fn init(script_location: &Path) -> Result<Script, ScriptError> {
        Script::ensure_dirs(script_location)?;
        Script::load(script_location)
    }

    /// Reads every revision file under `<script_location>/versions/`.
    ///
    /// Hidden files (`.gitkeep`) are skipped; anything else that is not a
    /// `.toml` file, and any directory, is an error.
    pub fn load(script_location: &Path) -> Result<Script, ScriptError> {
        let versions = script_location.join("versions");
        if !versions.is_dir() {
            return Err(ScriptError::MissingVersions { path: versions });
        }
        let mut entries = Vec::new();
        for entry in fs_err::read_dir(&versions)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            entries.push((name, entry.path(), entry.file_type()?.is_dir()));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let is_revision =
            |path: &Path, is_dir: bool| !is_dir && path.extension().is_some_and(|e| e == "toml");
        let files: Vec<&Path> = entries
            .iter()
            .filter(|(_, path, is_dir)| is_revision(path, *is_dir))
            .map(|(_, path, _)| path.as_path())
            .collect();
        let mut read = read_all(&files).into_iter();
        let mut revs = Vec::with_capacity(entries.len());
        // In name order, so that the first problem reported is the first
        // file's, whatever thread read it.
        for (_, path, is_dir) in entries {
            if is_dir {
                return Err(ScriptError::UnexpectedDirectory { path });
            }
            if !is_revision(&path, false) {
                return Err(ScriptError::NotARevisionFile { path });
            }
            revs.push(read.next().expect("one result per revision file")?);
        }
        Script::from_revisions(script_location.to_owned(), revs)
    }

    /// Builds the graph from revision files compiled into a program
    /// (`retort::embed!`): `(file name, text)` pairs, sorted by name as
    /// [`Script::load`] sorts them. `location` names where they came from,
    /// for messages.
    pub fn from_texts(location: PathBuf, files: &[(&str, &str)]) -> Result<Script, ScriptError> {
        let mut files = files.to_vec();
        files.sort_by(|a, b| a.0.cmp(b.0));
        let versions = location.join("versions");
        let revs = files
            .iter()
            .map(|(name, text)| Revision::parse(text, &versions.join(name)))
            .collect::<Result<Vec<_>, _>>()?;
        Script::from_revisions(location, revs)
    }

    /// The graph of this script with `rev` added, for questions about the
    /// graph only (heads, parents, ids and labels taken): its revisions
    /// carry no operations, so it must not be replayed, planned or linted.
    /// An error when `rev` does not fit (its id or a label is taken, a
    /// parent is missing), as [`Script::from_revisions`] would give.
    pub fn with_graph_of(&self, rev: &Revision) -> Result<Script, ScriptError> {
        let mut all: Vec<Revision> = self.revs.iter().map(Revision::graph_only).collect();
        all.push(rev.graph_only());
        Script::from_revisions(self.location.clone(), all)
    }

    /// Builds the graph from revisions already in memory (in the given order).
    pub fn from_revisions(location: PathBuf, revs: Vec<Revision>) -> Result<Script, ScriptError> {
        let mut index = HashMap::new();
        for (i, r) in revs.iter().enumerate() {
            if let Some(&j) = index.get(&r.id) {
                let first: &Revision = &revs[j];
                return Err(ScriptError::DuplicateRevision {
                    id: r.id.clone(),
                    first: first.path.clone(),
                    second: r.path.clone(),
                });
            }
            index.insert(r.id.clone(), i);
        }
        let squashes = crate::replaces::squashes(&revs, &index)?;
        let script = Script::view(
            location,
            Arc::new(revs),
            index,
            Arc::new(squashes),
            Vec::new(),
        )?;
        script.check_views()?;
        Ok(script)
    }

    /// The graph over `revs` with the squashes of `unfolded` (indices into
    /// `squashes`) run through their originals and every other squash
    /// through its squashed revision; the revisions left out of the graph
    /// keep their index, with no edges.
    pub(crate) fn view(
        location: PathBuf,
        revs: Arc<Vec<Revision>>,
        index: HashMap<String, usize>,
        squashes: Arc<Vec<Squash>>,
        unfolded: Vec<usize>,
    ) -> Result<Script, ScriptError> {
        let mut hidden = vec![false; revs.len()];
        let mut remap: HashMap<usize, usize> = HashMap::new();
        for (g, sq) in squashes.iter().enumerate() {
            if unfolded.contains(&g) {
                hidden[sq.squashed] = true;
                remap.insert(
                    sq.squashed,
                    *sq.replaced.last().expect("a squash replaces some"),
                );
            } else {
                for &r in &sq.replaced {
                    hidden[r] = true;
                    remap.insert(r, sq.squashed);
                }
            }
        }
        let mut labels: HashMap<String, usize> = HashMap::new();
        for (i, r) in revs.iter().enumerate().filter(|(i, _)| !hidden[*i]) {
            for l in &r.branch_labels {
                if let Some(&j) = index.get(l) {
                    return Err(ScriptError::LabelIsRevisionId {
                        label: l.clone(),
                        path: r.path.clone(),
                        other: revs[j].path.clone(),
                    });
                }
                if let Some(&j) = labels.get(l) {
                    return Err(ScriptError::DuplicateBranchLabel {
                        label: l.clone(),
                        first: revs[j].path.clone(),
                        second: r.path.clone(),
                    });
                }
                labels.insert(l.clone(), i);
            }
        }
        let mut nodes = vec![Node::default(); revs.len()];
        for (i, r) in revs.iter().enumerate().filter(|(i, _)| !hidden[*i]) {
            for d in &r.down_revisions {
                let Some(&j) = index.get(d) else {
                    return Err(ScriptError::UnknownDownRevision {
                        path: r.path.clone(),
                        revision: r.id.clone(),
                        missing: d.clone(),
                    });
                };
                let j = remap.get(&j).copied().unwrap_or(j);
                if !nodes[i].down.contains(&j) {
                    nodes[i].down.push(j);
                }
            }
            for d in &r.depends_on {
                let Some(&j) = index.get(d).or_else(|| labels.get(d)) else {
                    return Err(ScriptError::UnknownDependency {
                        path: r.path.clone(),
                        revision: r.id.clone(),
                        missing: d.clone(),
                    });
                };
                let j = remap.get(&j).copied().unwrap_or(j);
                if !nodes[i].deps.contains(&j) {
                    nodes[i].deps.push(j);
                }
            }
        }
        for i in 0..nodes.len() {
            for j in nodes[i].down.clone() {
                nodes[j].next.push(i);
                nodes[j].all_next.push(i);
            }
            for j in nodes[i].deps.clone() {
                if !nodes[j].all_next.contains(&i) {
                    nodes[j].all_next.push(i);
                }
            }
        }
        let mut script = Script {
            location,
            revs,
            index,
            nodes,
            labels,
            squashes,
            unfolded,
            hidden,
            remap,
        };
        script.check_cycles()?;
        script.normalize_deps();
        script.propagate_labels();
        Ok(script)
    }

    /// Kahn's algorithm over parents and dependencies; what is left is a cycle.
    fn check_cycles(&self) -> Result<(), ScriptError> {
        let n = self.nodes.len();
        let mut pending: Vec<usize> = self
            .nodes
            .iter()
            .map(|node| {
                let mut all: HashSet<usize> = node.down.iter().copied().collect();
                all.extend(&node.deps);
                all.len()
            })
            .collect();
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut done = vec![false; n];
        while let Some(i) = ready.pop() {
            done[i] = true;
            for &c in &self.nodes[i].all_next {
                pending[c] -= 1;
                if pending[c] == 0 {
                    ready.push(c);
                }
            }
        }
        let stuck: Vec<usize> = (0..n).filter(|&i| !done[i]).collect();
        if stuck.is_empty() {
            return Ok(());
        }
        Err(ScriptError::Cycle {
            revisions: stuck.iter().map(|&i| self.revs[i].id.clone()).collect(),
            paths: stuck.iter().map(|&i| self.revs[i].path.clone()).collect(),
        })
    }

    fn normalize_deps(&mut self) {
        for i in 0..self.nodes.len() {
            if self.nodes[i].deps.is_empty() {
                continue;
            }
            let mut keep = self.nodes[i].deps.clone();
            for a in self.ancestors(&[i], false) {
                if a != i {
                    keep.retain(|d| !self.nodes[a].deps.contains(d));
                }
            }
            self.nodes[i].norm_deps = keep;
        }
    }

    /// A label applies to its revision, every descendant, and the ancestors
    /// down to the nearest branch point or merge (Alembic's `_add_branches`).
    fn propagate_labels(&mut self) {
        let mut declared: Vec<(usize, String)> =
            self.labels.iter().map(|(l, &i)| (i, l.clone())).collect();
        declared.sort();
        for (i, label) in declared {
            for d in self.descendants(&[i], false) {
                self.nodes[d].labels.insert(label.clone());
            }
            let mut at = i;
            loop {
                let node = &self.nodes[at];
                if node.all_next.len() > 1 || node.down.len() > 1 {
                    break;
                }
                let down = node.down.first().copied();
                self.nodes[at].labels.insert(label.clone());
                match down {
                    Some(d) => at = d,
                    None => break,
                }
            }
        }
    }

    /// Ancestors of `targets`, the targets included, through parents and
    /// (with `with_deps`) normalized dependencies.
    pub(crate) fn ancestors(&self, targets: &[usize], with_deps: bool) -> Vec<usize> {
        self.closure(targets, |n| {
            if with_deps {
                n.normalized_down()
            } else {
                n.down.clone()
            }
        })
    }

    /// Descendants of `targets`, the targets included.
    pub(crate) fn descendants(&self, targets: &[usize], with_deps: bool) -> Vec<usize> {
        self.closure(targets, |n| {
            if with_deps {
                n.all_next.clone()
            } else {
                n.next.clone()
            }
        })
    }

    fn closure(&self, targets: &[usize], step: impl Fn(&Node) -> Vec<usize>) -> Vec<usize> {
        let mut seen = vec![false; self.nodes.len()];
        let mut out = Vec::new();
        let mut todo: Vec<usize> = targets.to_vec();
        while let Some(i) = todo.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            out.push(i);
            todo.extend(step(&self.nodes[i]));
        }
        out
    }

    /// Alembic's topological sort: revisions always after... their children,
    /// i.e. newest first, walking down from `heads` one branch at a time and
    /// switching branch when another head still needs the candidate.
    pub(crate) fn topo_newest_first(&self, todo: &[usize], heads: &[usize]) -> Vec<usize> {
        let mut todo: BTreeSet<usize> = todo.iter().copied().collect();
        let mut current: Vec<usize> = heads
            .iter()
            .copied()
            .filter(|h| todo.contains(h))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let anc = |i: usize| -> HashSet<usize> { self.ancestors(&[i], true).into_iter().collect() };
        // The ancestors of each branch being walked, computed only when
        // another branch is walked too: on a long single chain, computing
        // them at every step would make the walk quadratic.
        let mut ancestors: Vec<Option<HashSet<usize>>> = current.iter().map(|_| None).collect();
        let mut out = Vec::new();
        let mut idx = 0;
        while !current.is_empty() {
            let candidate = current[idx];
            if current.len() > 1 {
                for (k, a) in ancestors.iter_mut().enumerate() {
                    if a.is_none() {
                        *a = Some(anc(current[k]));
                    }
                }
            }
            if let Some(other) = ancestors
                .iter()
                .enumerate()
                .position(|(k, a)| k != idx && a.as_ref().is_some_and(|a| a.contains(&candidate)))
            {
                idx = other;
                continue;
            }
            if todo.remove(&candidate) {
                out.push(candidate);
            }
            let node = &self.nodes[candidate];
            let to_add: Vec<usize> = node
                .normalized_down()
                .into_iter()
                .filter(|r| todo.contains(r) && !current.contains(r))
                .collect();
            if to_add.is_empty() {
                current.remove(idx);
                ancestors.remove(idx);
                idx = idx.saturating_sub(1);
            } else {
                current[idx] = to_add[0];
                ancestors[idx] = None;
                for &h in &to_add[1..] {
                    current.push(h);
                    ancestors.push(None);
                }
            }
        }
        // Anything not reachable from `heads` (should not happen for closed
        // sets) goes last, in file order, so nothing is dropped.
        out.extend(todo);
        out
    }

    /// The revisions of this view's graph.
    pub(crate) fn visible(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(|&i| !self.hidden[i])
    }

    pub(crate) fn head_indices(&self) -> Vec<usize> {
        self.visible()
            .filter(|&i| self.nodes[i].next.is_empty())
            .collect()
    }

    pub(crate) fn real_head_indices(&self) -> Vec<usize> {
        self.visible()
            .filter(|&i| self.nodes[i].all_next.is_empty())
            .collect()
    }

    pub(crate) fn base_indices(&self) -> Vec<usize> {
        self.visible()
            .filter(|&i| self.nodes[i].down.is_empty())
            .collect()
    }

    pub(crate) fn ids(&self, idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| self.revs[i].id.clone()).collect()
    }

    pub(crate) fn rev_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// `<script_location>`.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// `<script_location>/versions`.
    pub fn versions_dir(&self) -> PathBuf {
        self.location.join("versions")
    }

    /// Every revision, in file-name order.
    pub fn revisions(&self) -> &[Revision] {
        &self.revs
    }

    /// The revision with exactly this id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.rev_index(id).map(|i| &self.revs[i])
    }

    /// Revisions no other revision names as `down_revision` (file order).
    pub fn heads(&self) -> Vec<&str> {
        self.head_indices()
            .into_iter()
            .map(|i| self.revs[i].id.as_str())
            .collect()
    }

    /// Revisions without a `down_revision` (file order).
    pub fn bases(&self) -> Vec<&str> {
        self.base_indices()
            .into_iter()
            .map(|i| self.revs[i].id.as_str())
            .collect()
    }

    /// Revisions that are the `down_revision` of more than one revision.
    pub fn branch_points(&self) -> Vec<&str> {
        self.visible()
            .filter(|&i| self.nodes[i].next.len() > 1)
            .map(|i| self.revs[i].id.as_str())
            .collect()
    }

    /// Revisions with more than one `down_revision`.
    pub fn merge_points(&self) -> Vec<&str> {
        self.visible()
            .filter(|&i| self.nodes[i].down.len() > 1)
            .map(|i| self.revs[i].id.as_str())
            .collect()
    }

    /// The revisions a database whose version table holds `heads` has
    /// applied: the heads and their ancestors, and with `with_deps` what they
    /// `depends_on` too (as the upgrade and downgrade plans count them).
    pub fn applied_ids(
        &self,
        heads: &[String],
        with_deps: bool,
    ) -> Result<HashSet<&str>, TargetError> {
        let view = self.for_database(heads, None);
        let idx = view.stand_ins(view.current_indices(heads)?);
        Ok(view
            .ancestors(&idx, with_deps)
            .into_iter()
            .map(|i| self.revs[i].id.as_str())
            .collect())
    }

    /// Whether `id` is a head (no revision has it as a parent). O(1), for
    /// listings that ask of every revision.
    pub fn is_head(&self, id: &str) -> bool {
        self.rev_index(id)
            .is_some_and(|i| !self.hidden[i] && self.nodes[i].next.is_empty())
    }

    /// The revisions whose `down_revision` is `id` (in this graph).
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.rev_index(id)
            .map(|i| {
                self.nodes[i]
                    .next
                    .iter()
                    .map(|&c| self.revs[c].id.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every branch label declared in the directory, sorted.
    pub fn branch_labels(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.labels.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    /// The labels that apply to `id` (declared on it or inherited), sorted.
    pub fn labels_of(&self, id: &str) -> Vec<&str> {
        self.rev_index(id)
            .map(|i| self.nodes[i].labels.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Alembic's `history` order: newest first, walking down from the heads.
    pub fn history(&self) -> Vec<&Revision> {
        let all: Vec<usize> = self.visible().collect();
        self.topo_newest_first(&all, &self.real_head_indices())
            .into_iter()
            .map(|i| &self.revs[i])
            .collect()
    }

    /// Every revision after its parents and dependencies (upgrade order).
    pub fn topological(&self) -> Vec<&Revision> {
        let mut v = self.history();
        v.reverse();
        v
    }
}
