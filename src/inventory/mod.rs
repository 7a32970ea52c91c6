//! Ansible inventories: YAML (`all`/`children`/`hosts`/`vars`) and INI (`[group]`,
//! `[group:vars]`, `[group:children]`), host ranges (`web[01:03]`), `group_vars/` and
//! `host_vars/` beside the inventory, and Ansible's variable precedence between them.
//!
//! Precedence (lowest first), as ansible-core's `VariableManager` applies it: the `all`
//! group's inventory vars; the host's other groups' inventory vars; `group_vars/all`;
//! `group_vars/GROUP` for the host's groups; the host's inventory vars; `host_vars/HOST`.
//! Groups at one level are ordered by depth, then `ansible_group_priority`, then name.

mod ini;
pub mod pyliteral;
mod yaml_format;

use std::{
    collections::{HashMap, HashSet},
    fs,
    path::{Path, PathBuf},
};

use indexmap::{IndexMap, IndexSet};

use crate::{data::Data, yaml::load};

/// Where a variable was defined, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => write!(f, "{}", self.file),
        }
    }
}

/// A variable's value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub data: Data,
    pub origin: Origin,
}

/// Variables by name, in definition order.
pub type VarLayer = IndexMap<String, Var>;

/// One of Ansible's variable precedence layers a value can come from: the inventory's (see
/// the module docs) and, added by [`crate::vars::Play`], the play's (role defaults, the vault,
/// extra vars). The order of the variants is not the precedence: a host's groups interleave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// Role defaults (`defaults:` in promvault.yml), the lowest.
    RoleDefaults,
    /// A group's `vars` in the inventory file.
    InventoryGroup(String),
    /// `group_vars/GROUP` beside the inventory.
    GroupVars(String),
    /// The host's variables in the inventory file.
    InventoryHost,
    /// `host_vars/HOST` beside the inventory.
    HostVars,
    /// The environment's vault (as Ansible's `vars_files`).
    Vault,
    /// `-e` extra vars, the highest.
    ExtraVars,
}

impl Layer {
    /// A stable identifier (`role_defaults`, `inventory_group`, `group_vars`,
    /// `inventory_host`, `host_vars`, `vault`, `extra_vars`).
    #[must_use]
    pub fn id(&self) -> &'static str {
        match self {
            Layer::RoleDefaults => "role_defaults",
            Layer::InventoryGroup(_) => "inventory_group",
            Layer::GroupVars(_) => "group_vars",
            Layer::InventoryHost => "inventory_host",
            Layer::HostVars => "host_vars",
            Layer::Vault => "vault",
            Layer::ExtraVars => "extra_vars",
        }
    }

    /// The group, for the group layers.
    #[must_use]
    pub fn group(&self) -> Option<&str> {
        match self {
            Layer::InventoryGroup(g) | Layer::GroupVars(g) => Some(g),
            _ => None,
        }
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Layer::RoleDefaults => f.write_str("role defaults"),
            Layer::InventoryGroup(g) => write!(f, "inventory group {g}"),
            Layer::GroupVars(g) => write!(f, "group_vars {g}"),
            Layer::InventoryHost => f.write_str("inventory host"),
            Layer::HostVars => f.write_str("host_vars"),
            Layer::Vault => f.write_str("vault"),
            Layer::ExtraVars => f.write_str("extra vars"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("{location}: {message}")]
    Parse { location: Origin, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: no inventory found (looked for hosts.yml, hosts.yaml, hosts, hosts.ini and other inventory files)")]
    Empty { path: String },
    #[error("no host matches `{pattern}` in the inventory")]
    NoMatch { pattern: String },
}

impl InventoryError {
    /// Where the problem is, when it is in a file.
    #[must_use]
    pub fn location(&self) -> Option<crate::finding::Location> {
        use crate::finding::Location;
        match self {
            InventoryError::Parse { location, .. } => {
                Some(Location::line(location.file.clone(), location.line))
            }
            InventoryError::Read { path, .. } | InventoryError::Empty { path } => {
                Some(Location::file(path.clone()))
            }
            InventoryError::NoMatch { .. } => None,
        }
    }

    /// What went wrong, without [`InventoryError::location`].
    #[must_use]
    pub fn detail(&self) -> String {
        match self {
            InventoryError::Parse { message, .. } => message.clone(),
            InventoryError::Read { source, .. } => format!("cannot read it: {source}"),
            InventoryError::Empty { .. } => "no inventory found (looked for hosts.yml, hosts.yaml, hosts, hosts.ini and other inventory files)".to_string(),
            InventoryError::NoMatch { .. } => self.to_string(),
        }
    }
}

/// A host as the inventory declares it.
#[derive(Debug, Clone, Default)]
pub struct Host {
    pub name: String,
    /// Variables set in the inventory file itself.
    pub vars: VarLayer,
    /// Groups the host was put in directly, in order.
    pub direct_groups: Vec<String>,
}

/// A group as the inventory declares it.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub name: String,
    pub vars: VarLayer,
    pub hosts: Vec<String>,
    pub children: Vec<String>,
    pub parents: Vec<String>,
    pub depth: usize,
    pub priority: i64,
}

/// A loaded inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub hosts: IndexMap<String, Host>,
    pub groups: IndexMap<String, Group>,
    group_files: HashMap<String, VarLayer>,
    host_files: HashMap<String, VarLayer>,
    /// What Ansible would warn about in the files read (a key written twice).
    pub warnings: Vec<crate::finding::Finding>,
}

impl Default for Inventory {
    fn default() -> Self {
        let mut inv = Inventory {
            hosts: IndexMap::new(),
            groups: IndexMap::new(),
            group_files: HashMap::new(),
            host_files: HashMap::new(),
            warnings: Vec::new(),
        };
        inv.add_group("all");
        inv.add_group("ungrouped");
        inv.add_child("all", "ungrouped");
        inv
    }
}

impl Inventory {
    /// Loads the inventory at `path` (a folder of inventory files, or one file) with the
    /// `group_vars/` and `host_vars/` beside it. `root` is the project folder (for messages).
    ///
    /// # Errors
    /// Unreadable or malformed files.
    pub fn load(path: &Path, root: &Path) -> Result<Inventory, InventoryError> {
        let display = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
        let mut inv = Inventory::default();
        let (sources, base) = if path.is_dir() {
            (inventory_files(path)?, path.to_path_buf())
        } else if path.is_file() {
            (
                vec![path.to_path_buf()],
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            )
        } else {
            return Err(InventoryError::Empty {
                path: display(path),
            });
        };
        if sources.is_empty() {
            return Err(InventoryError::Empty {
                path: display(path),
            });
        }
        for source in &sources {
            let text =
                crate::sandbox::read_to_string(root, source).map_err(|e| InventoryError::Read {
                    path: display(source),
                    source: e,
                })?;
            let name = display(source);
            if is_yaml_file(source) {
                yaml_format::parse(&mut inv, &text, &name)?;
            } else {
                ini::parse(&mut inv, &text, &name)?;
            }
        }
        inv.reconcile();
        inv.load_vars_files(&base, root)?;
        Ok(inv)
    }

    pub(crate) fn add_group(&mut self, name: &str) {
        if !self.groups.contains_key(name) {
            self.groups.insert(
                name.to_string(),
                Group {
                    name: name.to_string(),
                    priority: 1,
                    ..Group::default()
                },
            );
        }
    }

    pub(crate) fn add_host(&mut self, name: &str, group: &str) {
        self.add_group(group);
        let host = self.hosts.entry(name.to_string()).or_insert_with(|| Host {
            name: name.to_string(),
            ..Host::default()
        });
        // A group lists exactly the hosts that list it: the host's few groups say whether it
        // is new to the group (searching the group's hosts would make a range of n hosts cost
        // n² comparisons).
        if !host.direct_groups.iter().any(|g| g == group) {
            host.direct_groups.push(group.to_string());
            self.groups[group].hosts.push(name.to_string());
        }
    }

    pub(crate) fn add_child(&mut self, parent: &str, child: &str) {
        self.add_group(parent);
        self.add_group(child);
        if parent == child || self.groups[parent].children.iter().any(|c| c == child) {
            return;
        }
        // a child that is already an ancestor would make a loop
        if self.ancestors(parent).contains(child) {
            return;
        }
        self.groups[parent].children.push(child.to_string());
        if !self.groups[child].parents.iter().any(|p| p == parent) {
            self.groups[child].parents.push(parent.to_string());
        }
        let depth = self.groups[parent].depth + 1;
        self.deepen(child, depth);
    }

    /// Raises a group's depth (and its descendants') to at least `depth`.
    fn deepen(&mut self, group: &str, depth: usize) {
        if self.groups[group].depth >= depth {
            return;
        }
        self.groups[group].depth = depth;
        for child in self.groups[group].children.clone() {
            self.deepen(&child, depth + 1);
        }
    }

    pub(crate) fn set_group_var(&mut self, group: &str, key: &str, var: Var) {
        self.add_group(group);
        if key == "ansible_group_priority" {
            if let Data::Int(p) = var.data {
                self.groups[group].priority = i64::try_from(p).unwrap_or(1);
            } else if let Some(p) = var.data.as_str().and_then(|s| s.trim().parse().ok()) {
                self.groups[group].priority = p;
            }
            return;
        }
        self.groups[group].vars.insert(key.to_string(), var);
    }

    pub(crate) fn set_host_var(&mut self, host: &str, key: &str, var: Var) {
        if let Some(h) = self.hosts.get_mut(host) {
            h.vars.insert(key.to_string(), var);
        }
    }

    /// Every group above `group`.
    fn ancestors(&self, group: &str) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut todo = vec![group.to_string()];
        while let Some(g) = todo.pop() {
            if let Some(group) = self.groups.get(&g) {
                for p in &group.parents {
                    if seen.insert(p.clone()) {
                        todo.push(p.clone());
                    }
                }
            }
        }
        seen
    }

    /// Ansible's `reconcile_inventory`: top-level groups go under `all`; hosts in no group
    /// but `all` go to `ungrouped`.
    fn reconcile(&mut self) {
        let names: Vec<String> = self.groups.keys().cloned().collect();
        for name in &names {
            if name != "all" && self.groups[name].parents.is_empty() {
                self.add_child("all", name);
            }
        }
        let hosts: Vec<String> = self.hosts.keys().cloned().collect();
        let mut grouped: HashSet<String> = HashSet::new();
        for host in hosts {
            let groups = &self.hosts[&host].direct_groups;
            let in_ungrouped = groups.iter().any(|g| g == "ungrouped");
            let others = groups.iter().any(|g| g != "all" && g != "ungrouped");
            if in_ungrouped && others {
                self.hosts[&host].direct_groups.retain(|g| g != "ungrouped");
                grouped.insert(host);
            } else if !others && !in_ungrouped {
                self.add_host(&host, "ungrouped");
            }
        }
        if !grouped.is_empty() {
            self.groups["ungrouped"]
                .hosts
                .retain(|h| !grouped.contains(h));
        }
    }

    fn load_vars_files(&mut self, base: &Path, root: &Path) -> Result<(), InventoryError> {
        // the files are read and parsed on as many cores as there are; the layers, the
        // warnings and the first error are taken in order, as one after the other
        let (group_dir, host_dir) = (base.join("group_vars"), base.join("host_vars"));
        let mut wanted: Vec<(bool, String)> = Vec::new();
        if group_dir.is_dir() {
            wanted.extend(self.groups.keys().map(|g| (true, g.clone())));
        }
        if host_dir.is_dir() {
            wanted.extend(self.hosts.keys().map(|h| (false, h.clone())));
        }
        let loaded = crate::parallel::map(&wanted, |(group, name)| {
            let dir = if *group { &group_dir } else { &host_dir };
            let mut warnings = Vec::new();
            load_vars_for(dir, name, root, &mut warnings).map(|layer| (layer, warnings))
        });
        for ((group, name), result) in wanted.into_iter().zip(loaded) {
            let (layer, warnings) = result?;
            self.warnings.extend(warnings);
            if layer.is_empty() {
                continue;
            }
            if group {
                self.group_files.insert(name, layer);
            } else {
                self.host_files.insert(name, layer);
            }
        }
        Ok(())
    }

    /// Whether the inventory declares `host`.
    #[must_use]
    pub fn has_host(&self, host: &str) -> bool {
        self.hosts.contains_key(host)
    }

    /// The groups a host is in (its direct groups and all their ancestors), `all` included.
    #[must_use]
    pub fn groups_of(&self, host: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(h) = self.hosts.get(host) {
            for g in &h.direct_groups {
                let mut ancestors: Vec<String> = self.ancestors(g).into_iter().collect();
                ancestors.sort();
                for a in ancestors.into_iter().chain([g.clone()]) {
                    if !out.contains(&a) {
                        out.push(a);
                    }
                }
            }
        }
        out
    }

    /// Ansible's `group_names`: the host's groups but `all`, sorted.
    #[must_use]
    pub fn group_names(&self, host: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .groups_of(host)
            .into_iter()
            .filter(|g| g != "all")
            .collect();
        names.sort();
        names
    }

    /// The hosts of a group and its descendants, in Ansible's order (the group's own hosts,
    /// then its children's, breadth first). `all` leaves out an implicit localhost.
    #[must_use]
    pub fn hosts_of_group(&self, group: &str) -> Vec<String> {
        let Some(start) = self.groups.get(group) else {
            return Vec::new();
        };
        let mut ordered: Vec<&str> = vec![start.name.as_str()];
        let mut seen: HashSet<&str> = HashSet::from([start.name.as_str()]);
        let mut i = 0;
        while i < ordered.len() {
            for child in &self.groups[ordered[i]].children {
                if seen.insert(child) {
                    ordered.push(child);
                }
            }
            i += 1;
        }
        let mut hosts: IndexSet<&str> = IndexSet::new();
        for g in ordered {
            hosts.extend(self.groups[g].hosts.iter().map(String::as_str));
        }
        hosts.into_iter().map(str::to_string).collect()
    }

    /// Ansible's `groups` magic variable.
    #[must_use]
    pub fn groups_dict(&self) -> IndexMap<String, Vec<String>> {
        self.groups
            .keys()
            .map(|g| (g.clone(), self.hosts_of_group(g)))
            .collect()
    }

    /// The host's inventory variables, merged with Ansible's precedence (see the module docs).
    /// A host the inventory does not declare (the implicit `localhost`) gets the `all` group's.
    #[must_use]
    pub fn host_vars(&self, host: &str) -> VarLayer {
        let mut merged = VarLayer::new();
        for (_, layer) in self.host_var_layers(host) {
            for (k, v) in layer {
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
    }

    /// The layers [`Inventory::host_vars`] merges, lowest precedence first (see the module
    /// docs); empty layers are left out.
    #[must_use]
    pub fn host_var_layers(&self, host: &str) -> Vec<(Layer, &VarLayer)> {
        let mut layers: Vec<(Layer, &VarLayer)> = Vec::new();
        let mut groups: Vec<&Group> = self
            .groups_of(host)
            .iter()
            .filter(|g| g.as_str() != "all")
            .filter_map(|g| self.groups.get(g))
            .collect();
        groups.sort_by(|a, b| (a.depth, a.priority, &a.name).cmp(&(b.depth, b.priority, &b.name)));
        if let Some(all) = self.groups.get("all") {
            layers.push((Layer::InventoryGroup("all".to_string()), &all.vars));
        }
        for g in &groups {
            layers.push((Layer::InventoryGroup(g.name.clone()), &g.vars));
        }
        if let Some(all) = self.group_files.get("all") {
            layers.push((Layer::GroupVars("all".to_string()), all));
        }
        for g in &groups {
            if let Some(file) = self.group_files.get(&g.name) {
                layers.push((Layer::GroupVars(g.name.clone()), file));
            }
        }
        if let Some(h) = self.hosts.get(host) {
            layers.push((Layer::InventoryHost, &h.vars));
        }
        if let Some(file) = self.host_files.get(host) {
            layers.push((Layer::HostVars, file));
        }
        layers.retain(|(_, layer)| !layer.is_empty());
        layers
    }

    /// The hosts an Ansible host pattern selects, in inventory order: group or host names,
    /// `all` / `*`, shell-style wildcards, `~regex`, joined with `:` or `,`, with `&name`
    /// (and) and `!name` (not).
    ///
    /// # Errors
    /// Nothing matches.
    pub fn hosts_matching(&self, pattern: &str) -> Result<Vec<String>, InventoryError> {
        let terms: Vec<&str> = pattern
            .split([',', ':'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let mut selected: IndexSet<String> = IndexSet::new();
        for term in terms.iter().filter(|t| !t.starts_with(['&', '!'])) {
            selected.extend(self.match_term(term));
        }
        for term in &terms {
            if let Some(t) = term.strip_prefix('&') {
                let keep = self.match_term(t);
                selected.retain(|h| keep.contains(h));
            } else if let Some(t) = term.strip_prefix('!') {
                let drop = self.match_term(t);
                selected.retain(|h| !drop.contains(h));
            }
        }
        if selected.is_empty() {
            return Err(InventoryError::NoMatch {
                pattern: pattern.to_string(),
            });
        }
        Ok(selected.into_iter().collect())
    }

    /// The hosts one term of a pattern selects, in inventory order.
    fn match_term(&self, term: &str) -> IndexSet<String> {
        if term == "all" || term == "*" {
            return self.hosts_of_group("all").into_iter().collect();
        }
        if let Some(g) = self.groups.get(term) {
            return self.hosts_of_group(&g.name).into_iter().collect();
        }
        if self.hosts.contains_key(term) {
            return IndexSet::from([term.to_string()]);
        }
        let matcher: Box<dyn Fn(&str) -> bool> = if let Some(re) = term.strip_prefix('~') {
            match fancy_regex::Regex::new(re) {
                Ok(re) => Box::new(move |s: &str| re.is_match(s).unwrap_or(false)),
                Err(_) => return IndexSet::new(),
            }
        } else if term.contains(['*', '?', '[']) {
            let t = term.to_string();
            Box::new(move |s: &str| wildcard_match(&t, s))
        } else {
            return IndexSet::new();
        };
        let mut out: IndexSet<String> = IndexSet::new();
        for g in self.groups.keys().filter(|g| matcher(g)) {
            out.extend(self.hosts_of_group(g));
        }
        out.extend(self.hosts.keys().filter(|h| matcher(h)).cloned());
        out
    }
}

/// Shell-style matching with `*`, `?` and `[...]` (Python's fnmatch).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && go(&p[1..], &t[1..]),
            Some('[') => {
                let Some(end) = p.iter().position(|&c| c == ']') else {
                    return !t.is_empty() && t[0] == '[' && go(&p[1..], &t[1..]);
                };
                let Some(&c) = t.first() else { return false };
                let set = &p[1..end];
                let (negate, set) = match set.first() {
                    Some('!') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[end + 1..], &t[1..])
            }
            Some(&c) => t.first() == Some(&c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

fn is_yaml_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml" | "json")
    )
}

/// The inventory files of a folder, sorted: YAML (`.yml`, `.yaml`, `.json`) and INI (`.ini`
/// or no extension); other files (READMEs, `.md`, backups) and the vars folders are skipped.
fn inventory_files(dir: &Path) -> Result<Vec<PathBuf>, InventoryError> {
    let entries = fs::read_dir(dir).map_err(|e| InventoryError::Read {
        path: dir.display().to_string(),
        source: e,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.')
                && !name.ends_with('~')
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    None | Some("yml" | "yaml" | "json" | "ini")
                )
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Ansible's `find_vars_files`: `DIR/NAME` (a file, or a folder of files merged in sorted
/// order), else `DIR/NAME.yml`, `.yaml`, `.json`.
fn load_vars_for(
    dir: &Path,
    name: &str,
    root: &Path,
    warnings: &mut Vec<crate::finding::Finding>,
) -> Result<VarLayer, InventoryError> {
    let mut layer = VarLayer::new();
    if !dir.is_dir() {
        return Ok(layer);
    }
    let mut files = Vec::new();
    for ext in ["", ".yml", ".yaml", ".json"] {
        let candidate = dir.join(format!("{name}{ext}"));
        if candidate.is_dir() {
            collect_dir_files(&candidate, &mut files);
            break;
        }
        if candidate.is_file() {
            files.push(candidate);
            break;
        }
    }
    for file in files {
        let (vars, found) = load_vars_file(&file, root)?;
        warnings.extend(found);
        for (k, v) in vars {
            layer.insert(k, v);
        }
    }
    Ok(layer)
}

fn collect_dir_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let ext = p.extension().and_then(|e| e.to_str());
        if p.is_dir() && ext.is_none() {
            collect_dir_files(&p, out);
        } else if p.is_file() && matches!(ext, None | Some("yml" | "yaml" | "json")) {
            out.push(p);
        }
    }
}

/// Loads a YAML file of variables (a mapping, or empty) of the project at `root`; a file that
/// leads outside the project is refused (see [`crate::sandbox`]).
///
/// # Errors
/// Unreadable file or outside the project, invalid YAML, or not a mapping.
pub fn load_vars_file(
    path: &Path,
    root: &Path,
) -> Result<(VarLayer, Vec<crate::finding::Finding>), InventoryError> {
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let text = crate::sandbox::read_to_string(root, path).map_err(|e| InventoryError::Read {
        path: name.clone(),
        source: e,
    })?;
    if crate::ansible_vault::is_ansible_vault(text.as_bytes()) {
        return Err(InventoryError::Parse {
            location: Origin {
                file: name.clone(),
                line: Some(1),
            },
            message: format!("this is an ansible-vault file: move its variables into the promvault vault with `promvault import-ansible-vault {name} --env ENV`, then delete it"),
        });
    }
    vars_from_yaml(&text, &name)
}

/// Warnings about a loaded vars file `file`: each key written twice in one mapping, as
/// Ansible warns ("Found duplicate mapping key"); like Ansible, the last value is used.
#[must_use]
pub fn duplicate_key_warnings(
    doc: &crate::yaml::load::Document,
    file: &str,
) -> Vec<crate::finding::Finding> {
    doc.duplicates
        .iter()
        .map(|d| {
            crate::finding::Finding::error(
                "duplicate-key",
                crate::finding::Location::line(file, Some(d.line)),
                format!(
                    "`{}` is written twice in one mapping (first at line {}); as Ansible does, the last value is used",
                    d.key, d.first_line
                ),
            )
            .with_fix("remove the entry you do not mean")
            .warning()
        })
        .collect()
}

/// Parses YAML text holding a mapping of variables, with the warnings about it
/// ([`duplicate_key_warnings`]).
///
/// # Errors
/// Invalid YAML, or not a mapping of names.
pub fn vars_from_yaml(
    text: &str,
    name: &str,
) -> Result<(VarLayer, Vec<crate::finding::Finding>), InventoryError> {
    let doc = load::load(text).map_err(|e| InventoryError::Parse {
        location: Origin {
            file: name.to_string(),
            line: Some(e.line),
        },
        message: e.message,
    })?;
    let mut layer = VarLayer::new();
    match &doc.data {
        Data::Null => {}
        Data::Map(entries) => {
            for (k, v) in entries {
                let v = v.clone();
                let Some(key) = k.as_str() else {
                    return Err(InventoryError::Parse {
                        location: Origin {
                            file: name.to_string(),
                            line: None,
                        },
                        message: "variable names must be strings".to_string(),
                    });
                };
                let origin = Origin {
                    file: name.to_string(),
                    line: doc.line_of(key),
                };
                layer.insert(key.to_string(), Var { data: v, origin });
            }
        }
        _ => {
            return Err(InventoryError::Parse {
                location: Origin {
                    file: name.to_string(),
                    line: Some(1),
                },
                message: "a vars file must be a mapping of variable names to values".to_string(),
            })
        }
    }
    Ok((layer, duplicate_key_warnings(&doc, name)))
}

/// Splits `host:port` (or `[v6addr]:port`); a `:` inside `[...]` is part of a range.
fn split_port(pattern: &str) -> Result<(&str, Option<u16>), String> {
    let mut depth = 0i32;
    let mut colons = Vec::new();
    for (i, c) in pattern.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => colons.push(i),
            _ => {}
        }
    }
    let [i] = colons[..] else {
        return Ok((pattern, None));
    };
    let (name, port) = (&pattern[..i], &pattern[i + 1..]);
    if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
        return Ok((pattern, None));
    }
    let port = port
        .parse::<u16>()
        .map_err(|_| format!("invalid port in `{pattern}`"))?;
    // `[::1]:22`: an IPv6 address in brackets
    let name = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(inner) if inner.contains(':') => inner,
        _ => name,
    };
    Ok((name, Some(port)))
}

/// The most host names one pattern may expand to. Ansible has no limit, and expands
/// `web[0:99999999]` (a typo, or a hostile inventory) into a hundred million hosts; no real
/// inventory lists 100,000 hosts in one line. The names made on the way by a pattern with
/// several ranges (`rack[1:4]-web[1:50]` makes 4, then 200) count too, so that a pattern whose
/// last range is empty cannot spin through the earlier ones for ever.
pub const MAX_HOSTS_PER_PATTERN: usize = 100_000;

/// The most bytes of host names one pattern may expand to: 100,000 hosts of more than 300
/// characters each (a DNS name has at most 253). Bounds a long line of `[0:0]` ranges, each of
/// which copies the whole line once more.
pub const MAX_HOST_BYTES_PER_PATTERN: usize = 32 * 1024 * 1024;

/// Expands Ansible host ranges: `web[01:03].x` → web01.x, web02.x, web03.x; `[a:c]`;
/// `[1:10:2]`. Returns the names and an optional port (`host:2222`).
///
/// # Errors
/// A malformed range, or one that expands to more than [`MAX_HOSTS_PER_PATTERN`] hosts (or
/// [`MAX_HOST_BYTES_PER_PATTERN`] bytes of names).
pub fn expand_host_pattern(pattern: &str) -> Result<(Vec<String>, Option<u16>), String> {
    let mut made = (0usize, 0usize);
    let (names, head, port) = match first_range(pattern, &mut made)? {
        Expanded::Plain(name, port) => return Ok((vec![name], port)),
        Expanded::Range { names, head, port } => (names, head, port),
    };
    // The tail of each name may hold another range: expand depth first, in order, without
    // recursion (a line of a thousand `[0:0]` would otherwise be a thousand stack frames).
    let mut expanded = Vec::new();
    let mut stack = vec![(names.into_iter(), head)];
    while let Some((names, head)) = stack.last_mut() {
        let Some(n) = names.next() else {
            stack.pop();
            continue;
        };
        if !n[*head..].contains('[') {
            expanded.push(n);
            continue;
        }
        match first_range(&n, &mut made)? {
            Expanded::Plain(name, _) => expanded.push(name),
            Expanded::Range { names, head, .. } => stack.push((names.into_iter(), head)),
        }
    }
    Ok((expanded, port))
}

/// What [`first_range`] made of a pattern.
enum Expanded {
    /// No range: the name as it is.
    Plain(String, Option<u16>),
    /// The names the first range makes (their tails may hold more ranges), and the length of
    /// the text before the range.
    Range {
        names: Vec<String>,
        head: usize,
        port: Option<u16>,
    },
}

/// Expands the first range of `pattern`, counting what it makes in `made` (names, bytes).
fn first_range(pattern: &str, made: &mut (usize, usize)) -> Result<Expanded, String> {
    let pattern = pattern.trim();
    let (name, port) = split_port(pattern)?;
    let Some(open) = name.find('[') else {
        return Ok(Expanded::Plain(name.to_string(), port));
    };
    if name.contains(':') && !name[open..].contains(']') {
        return Ok(Expanded::Plain(name.to_string(), port));
    }
    let close = name[open..]
        .find(']')
        .map(|i| open + i)
        .ok_or_else(|| format!("unclosed `[` in host pattern `{}`", shortened(pattern)))?;
    let (head, range, tail) = (&name[..open], &name[open + 1..close], &name[close + 1..]);
    let parts: Vec<&str> = range.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Ok(Expanded::Plain(name.to_string(), port));
    }
    let step: usize = match parts.get(2) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("invalid step in `{}`", shortened(pattern)))?,
        None => 1,
    };
    if step == 0 {
        return Err(format!("a range step of 0 in `{}`", shortened(pattern)));
    }
    let (start, end) = (parts[0], parts[1]);
    // Count before making anything.
    let too_many = |count: u64, longest: usize, made: &mut (usize, usize)| {
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        made.0 = made.0.saturating_add(count);
        made.1 = made
            .1
            .saturating_add(count.saturating_mul(head.len() + longest + tail.len()));
        if made.0 > MAX_HOSTS_PER_PATTERN {
            Err(format!(
                "host pattern `{}` expands to more than {MAX_HOSTS_PER_PATTERN} hosts",
                shortened(pattern)
            ))
        } else if made.1 > MAX_HOST_BYTES_PER_PATTERN {
            Err(format!(
                "host pattern `{}` expands to more than {} MiB of host names",
                shortened(pattern),
                MAX_HOST_BYTES_PER_PATTERN / (1024 * 1024)
            ))
        } else {
            Ok(())
        }
    };
    let mut names = Vec::new();
    if start.chars().all(|c| c.is_ascii_alphabetic()) && start.len() == 1 && end.len() == 1 {
        let (a, b) = (start.as_bytes()[0], end.as_bytes()[0]);
        let count = if a <= b {
            u64::from(b - a) / step as u64 + 1
        } else {
            0
        };
        too_many(count, 1, made)?;
        for c in (a..=b).step_by(step) {
            names.push(format!("{head}{}{tail}", c as char));
        }
    } else {
        let a: u64 = if start.is_empty() {
            0
        } else {
            start
                .parse()
                .map_err(|_| format!("invalid range in `{}`", shortened(pattern)))?
        };
        let b: u64 = end
            .parse()
            .map_err(|_| format!("invalid range in `{}`", shortened(pattern)))?;
        if a > b {
            return Err(format!(
                "range start after its end in `{}`",
                shortened(pattern)
            ));
        }
        let width = if start.len() > 1 && start.starts_with('0') {
            start.len()
        } else {
            0
        };
        too_many(
            (b - a) / step as u64 + 1,
            width.max(b.to_string().len()),
            made,
        )?;
        for n in (a..=b).step_by(step) {
            names.push(format!("{head}{n:0width$}{tail}"));
        }
    }
    Ok(Expanded::Range {
        names,
        head: head.len(),
        port,
    })
}

/// A pattern as messages show it: whole when short, else its start.
fn shortened(pattern: &str) -> String {
    const MAX: usize = 80;
    match pattern.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &pattern[..i]),
        None => pattern.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ranges_expand() {
        assert_eq!(
            expand_host_pattern("node[01:03].example.com").unwrap().0,
            [
                "node01.example.com",
                "node02.example.com",
                "node03.example.com"
            ]
        );
        assert_eq!(
            expand_host_pattern("db-[a:c]").unwrap().0,
            ["db-a", "db-b", "db-c"]
        );
        assert_eq!(
            expand_host_pattern("w[1:5:2]").unwrap().0,
            ["w1", "w3", "w5"]
        );
        assert_eq!(
            expand_host_pattern("host:2222").unwrap(),
            (vec!["host".to_string()], Some(2222))
        );
        assert_eq!(expand_host_pattern("plain").unwrap().0, ["plain"]);
    }

    #[test]
    fn host_ranges_are_bounded() {
        // counted before anything is made: a hundred million names would take gigabytes
        let err = expand_host_pattern("web[0:99999999]").unwrap_err();
        assert_eq!(
            err,
            "host pattern `web[0:99999999]` expands to more than 100000 hosts"
        );
        let err = expand_host_pattern("db-[0:999][0:999].example.com").unwrap_err();
        assert!(err.contains("more than 100000 hosts"), "{err}");
        // the intermediate names count: an empty last range does not make it free
        let err = expand_host_pattern("x[0:99999][0:99999][c:a]").unwrap_err();
        assert!(err.contains("more than 100000 hosts"), "{err}");
        // a long line of one-host ranges: bounded by the bytes, and no recursion
        let line = format!("h{}", "[0:0]".repeat(100_000));
        let err = expand_host_pattern(&line).unwrap_err();
        assert!(err.contains("MiB of host names"), "{err}");
        assert!(err.len() < 200, "the pattern is shortened: {err}");
        // up to the limit is fine, and in order
        let (hosts, _) = expand_host_pattern("r[1:4]-w[1:24999]").unwrap();
        assert_eq!(hosts.len(), 99_996);
        assert_eq!(
            (hosts[0].as_str(), hosts[24_999].as_str()),
            ("r1-w1", "r2-w1")
        );
        assert_eq!(
            expand_host_pattern("n[1:2]-[a:b]:22").unwrap(),
            (
                vec![
                    "n1-a".to_string(),
                    "n1-b".to_string(),
                    "n2-a".to_string(),
                    "n2-b".to_string()
                ],
                Some(22)
            )
        );
    }

    #[test]
    fn an_ini_range_over_the_limit_names_file_and_line() {
        let mut inv = Inventory::default();
        let err = ini::parse(
            &mut inv,
            "[web]\nweb1\nweb[0:99999999].example.com ansible_user=x\n",
            "inventories/prod/hosts",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "inventories/prod/hosts:3: host pattern `web[0:99999999].example.com` expands to more than 100000 hosts"
        );
        // a deep literal stays a string, as in Ansible
        let mut inv = Inventory::default();
        let deep = "[".repeat(100_000);
        ini::parse(&mut inv, &format!("[all:vars]\nx={deep}\n"), "hosts").unwrap();
    }

    #[test]
    fn yaml_inventory_variables_keep_their_lines_and_layers() {
        let mut inv = Inventory::default();
        yaml_format::parse(
            &mut inv,
            "all:\n  vars:\n    a: 1\n  children:\n    web:\n      vars:\n        a: 2\n        b: 3\n      hosts:\n        w[1:2]:\n          a: 4\n        w3:\n",
            "hosts.yml",
        )
        .unwrap();
        inv.reconcile();
        let line = |layer: &VarLayer, k: &str| layer[k].origin.line;
        let layers = inv.host_var_layers("w2");
        let ids: Vec<String> = layers.iter().map(|(l, _)| l.to_string()).collect();
        assert_eq!(
            ids,
            [
                "inventory group all",
                "inventory group web",
                "inventory host"
            ]
        );
        assert_eq!(line(layers[0].1, "a"), Some(3));
        assert_eq!(line(layers[1].1, "a"), Some(7));
        assert_eq!(line(layers[1].1, "b"), Some(8));
        assert_eq!(line(layers[2].1, "a"), Some(11));
        let merged = inv.host_vars("w2");
        assert_eq!(merged["a"].data, Data::Int(4));
        assert_eq!(merged["b"].origin.line, Some(8));
        // a host without variables of its own has no host layer
        assert_eq!(inv.host_var_layers("w3").len(), 2);
    }

    #[test]
    fn wildcards_match_like_fnmatch() {
        assert!(wildcard_match("web*", "web01"));
        assert!(wildcard_match("web[0-9]?", "web12"));
        assert!(!wildcard_match("web[!0-9]", "web1"));
        assert!(!wildcard_match("db*", "web"));
    }
}
