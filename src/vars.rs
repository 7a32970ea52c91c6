//! The variables of one host, as templates see them: Ansible's precedence layers merged,
//! magic variables (`inventory_hostname`, `groups`, `hostvars`, ...), and lazy templating.
//!
//! As in Ansible, a variable that holds template syntax (`api_key: "{{ vault_api_key }}"`)
//! is templated when it is used, not when it is loaded, so an unused variable that refers to
//! something undefined is harmless. A string that is exactly one `{{ expression }}` keeps the
//! expression's type (Ansible's native templating: `"{{ users }}"` is the dict, not its text).
//! Vault values and `!unsafe` values are never templated. A variable that (indirectly) uses
//! itself is an error naming the chain.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use indexmap::IndexMap;
use minijinja::{
    value::{Enumerator, Object, ObjectRepr},
    Environment, Error, ErrorKind, Value,
};

use crate::{
    data::{int_value, is_template, Data},
    inventory::{Inventory, Layer, Origin, Var, VarLayer},
};

/// The Ansible whose template behaviour promvault reproduces (`ansible_version`).
pub const ANSIBLE_VERSION: &str = "2.19.14";

/// What Ansible sets `ansible_managed` to by default.
pub const ANSIBLE_MANAGED: &str = "Ansible managed";

/// The name under which templates can reach the project's bcrypt salt key (never printed).
pub const HASH_KEY_VAR: &str = "__promvault_hash_key";

/// True when hashes need only look right (`check` renders with placeholders, fast).
pub const QUICK_HASHES_VAR: &str = "__promvault_quick_hashes";

/// Everything one render shares between the hosts it can see: the inventory and the
/// play-level variables (role defaults, vault, extra vars).
pub struct Play {
    pub env_name: String,
    pub inventory: Arc<Inventory>,
    pub defaults: VarLayer,
    pub vault: VarLayer,
    pub extra: VarLayer,
    /// The hosts this render is for (Ansible's play hosts): they see the play variables.
    pub play_hosts: Vec<String>,
    /// Secret key for deterministic bcrypt salts, from the vault.
    pub hash_key: Vec<u8>,
    /// Make stand-in bcrypt hashes instead of real ones (for checks on placeholder values).
    pub quick_hashes: bool,
    /// The project folder (Ansible's `playbook_dir`).
    pub project_root: String,
    /// The inventory folder (Ansible's `inventory_dir`).
    pub inventory_dir: String,
}

impl Play {
    /// The layers `host`'s variables are merged from, lowest precedence first: role
    /// defaults, the inventory's layers ([`Inventory::host_var_layers`]), the vault, extra
    /// vars. Defaults and the vault are the play's: only a host the play is for sees them
    /// (`with_play`), not one reached through `hostvars`. Empty layers are left out.
    #[must_use]
    pub fn layers(&self, host: &str, with_play: bool) -> Vec<(Layer, &VarLayer)> {
        self.layers_in(host, self.sees_play(host, with_play))
    }

    /// Whether `host` sees the play's own layers: asked for (`with_play`), and a host the
    /// play is for.
    fn sees_play(&self, host: &str, with_play: bool) -> bool {
        with_play && self.play_hosts.iter().any(|h| h == host)
    }

    /// [`Play::layers`] of a host known to be in the play (`in_play`) or not.
    fn layers_in(&self, host: &str, in_play: bool) -> Vec<(Layer, &VarLayer)> {
        let mut layers = Vec::new();
        if in_play {
            layers.push((Layer::RoleDefaults, &self.defaults));
        }
        layers.extend(self.inventory.host_var_layers(host));
        if in_play {
            layers.push((Layer::Vault, &self.vault));
        }
        layers.push((Layer::ExtraVars, &self.extra));
        layers.retain(|(_, layer)| !layer.is_empty());
        layers
    }
}

/// The shared state of a render: the play, the environment used to template variables, the
/// host scopes already built, and the first variable error (the root cause of a failure).
pub struct Shared {
    pub play: Play,
    env: OnceLock<Arc<Environment<'static>>>,
    hosts: Mutex<HashMap<(String, bool), Arc<HostScope>>>,
    groups: OnceLock<Value>,
}

impl Shared {
    #[must_use]
    pub fn new(play: Play, env: Arc<Environment<'static>>) -> Arc<Shared> {
        let shared = Arc::new(Shared {
            play,
            env: OnceLock::new(),
            hosts: Mutex::new(HashMap::new()),
            groups: OnceLock::new(),
        });
        let _ = shared.env.set(env);
        shared
    }

    fn env(&self) -> &Environment<'static> {
        self.env.get().expect("set in Shared::new")
    }

    /// The scope of `host` as the render's target (`with_play`) or as seen through
    /// `hostvars` (inventory variables only, as in Ansible).
    pub fn scope(self: &Arc<Self>, host: &str, with_play: bool) -> Arc<HostScope> {
        let key = (host.to_string(), with_play);
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(scope) = hosts.get(&key) {
            return scope.clone();
        }
        // Only the names are merged: the values stay in the play's layers, shared by every
        // host (a group's variables can be large, and many hosts read them).
        let in_play = self.play.sees_play(host, with_play);
        let mut names = IndexMap::new();
        for (position, (_, layer)) in self.play.layers_in(host, in_play).into_iter().enumerate() {
            for k in layer.keys() {
                names.insert(k.clone(), position);
            }
        }
        let scope = Arc::new(HostScope {
            host: host.to_string(),
            in_play,
            names,
            shared: self.clone(),
            cache: Mutex::new(HashMap::new()),
            resolving: Mutex::new(HashMap::new()),
        });
        hosts.insert(key, scope.clone());
        scope
    }

    fn groups(&self) -> Value {
        self.groups
            .get_or_init(|| {
                Value::from_object(
                    self.play
                        .inventory
                        .groups_dict()
                        .into_iter()
                        .map(|(g, hosts)| (Value::from(g), Value::from(hosts)))
                        .collect::<IndexMap<Value, Value>>(),
                )
            })
            .clone()
    }
}

thread_local! {
    /// The first variable error of the render in progress on this thread (a render runs on
    /// one thread; hosts may render on several at once).
    static FIRST_ERROR: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// While alive, the variable errors recorded on this thread belong to one render; the render
/// around it (if any) gets its own back after.
pub struct RenderErrors(Option<String>);

impl RenderErrors {
    #[must_use]
    pub fn begin() -> RenderErrors {
        RenderErrors(FIRST_ERROR.with(|e| e.borrow_mut().take()))
    }

    /// The first error met while templating a variable in this render, with where it was
    /// defined.
    #[must_use]
    pub fn first(&self) -> Option<String> {
        FIRST_ERROR.with(|e| e.borrow().clone())
    }

    /// Notes a variable error for the render in progress on this thread (the first stays).
    fn record(message: String) {
        FIRST_ERROR.with(|e| {
            e.borrow_mut().get_or_insert(message);
        });
    }
}

impl Drop for RenderErrors {
    fn drop(&mut self) {
        let outer = self.0.take();
        FIRST_ERROR.with(|e| *e.borrow_mut() = outer);
    }
}

/// One host's variables, as a map object templates read from.
pub struct HostScope {
    host: String,
    /// Whether the play is for this host (it sees the role defaults and the vault).
    in_play: bool,
    /// Each variable's name, in Ansible's order, with the position (in
    /// [`Play::layers`]) of the layer its value comes from.
    names: IndexMap<String, usize>,
    shared: Arc<Shared>,
    cache: Mutex<HashMap<String, Value>>,
    /// The variables being templated, by thread (each thread's render has its own chain).
    resolving: Mutex<HashMap<std::thread::ThreadId, Vec<String>>>,
}

impl std::fmt::Debug for HostScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostScope")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// `hostvars`: every inventory host's scope, by name.
struct HostVars(Arc<Shared>);

impl std::fmt::Debug for HostVars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostVars")
    }
}

impl Object for HostVars {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        let inventory = &self.0.play.inventory;
        if inventory.has_host(name) || self.0.play.play_hosts.iter().any(|h| h == name) {
            Some(Value::from_dyn_object(self.0.scope(name, false)))
        } else {
            None
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let names: Vec<Value> = self
            .0
            .play
            .inventory
            .hosts
            .keys()
            .map(|h| Value::from(h.as_str()))
            .collect();
        Enumerator::Values(names)
    }
}

/// Ansible's `omit` placeholder: a value no serializer can represent.
#[derive(Debug)]
pub struct Omit;

impl Object for Omit {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("__omit_place_holder__")
    }
}

/// Whether a value is a host's scope or `hostvars` (lazy maps, never walked whole).
#[must_use]
pub fn is_scope(value: &Value) -> bool {
    value.downcast_object_ref::<HostScope>().is_some()
        || value.downcast_object_ref::<HostVars>().is_some()
}

/// Whether a value is Ansible's `omit` placeholder.
#[must_use]
pub fn is_omit(value: &Value) -> bool {
    value.downcast_object_ref::<Omit>().is_some()
}

impl HostScope {
    /// The host this scope belongs to.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Every variable name the scope defines (magic variables included).
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.names.keys().cloned().collect();
        for magic in MAGIC {
            if !names.iter().any(|n| n == magic) {
                names.push((*magic).to_string());
            }
        }
        names
    }

    /// Where a variable is defined, if it comes from a file.
    #[must_use]
    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.var(name).map(|v| &v.origin)
    }

    /// The variable `name` as defined (the highest layer's), untemplated.
    fn var(&self, name: &str) -> Option<&Var> {
        let position = *self.names.get(name)?;
        let layers = self.shared.play.layers_in(&self.host, self.in_play);
        layers.get(position)?.1.get(name)
    }

    fn magic(self: &Arc<Self>, name: &str) -> Option<Value> {
        let play = &self.shared.play;
        let inventory = &play.inventory;
        Some(match name {
            "inventory_hostname" => Value::from(self.host.as_str()),
            "inventory_hostname_short" => {
                let is_ip = self.host.parse::<std::net::IpAddr>().is_ok();
                let short = if is_ip {
                    self.host.as_str()
                } else {
                    self.host.split('.').next().unwrap_or(&self.host)
                };
                Value::from(short)
            }
            "group_names" => Value::from(inventory.group_names(&self.host)),
            "groups" => self.shared.groups(),
            "hostvars" => Value::from_object(HostVars(self.shared.clone())),
            "omit" => Value::from_object(Omit),
            "vars" => Value::from_dyn_object(self.clone()),
            "ansible_version" => Value::from_object(
                [
                    ("full", Value::from(ANSIBLE_VERSION)),
                    ("string", Value::from(ANSIBLE_VERSION)),
                    ("major", Value::from(2)),
                    ("minor", Value::from(19)),
                    ("revision", Value::from(14)),
                ]
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect::<IndexMap<Value, Value>>(),
            ),
            "ansible_play_hosts"
            | "ansible_play_hosts_all"
            | "ansible_play_batch"
            | "play_hosts" => Value::from(play.play_hosts.clone()),
            // A play keyword in Ansible: a variable of this name is shadowed and reads as [].
            "environment" => Value::from(Vec::<Value>::new()),
            HASH_KEY_VAR => Value::from_bytes(play.hash_key.clone()),
            QUICK_HASHES_VAR => Value::from(play.quick_hashes),
            _ => return None,
        })
    }

    /// Defaults that any defined variable of the same name overrides.
    fn fallback(name: &str, play: &Play) -> Option<Value> {
        match name {
            "env" => Some(Value::from(play.env_name.as_str())),
            "playbook_dir" => Some(Value::from(play.project_root.as_str())),
            "inventory_dir" => Some(Value::from(play.inventory_dir.as_str())),
            "ansible_managed" => Some(Value::from(ANSIBLE_MANAGED)),
            "ansible_check_mode" | "ansible_diff_mode" => Some(Value::from(false)),
            _ => None,
        }
    }

    /// The value of `name`, templated; `None` when undefined.
    pub fn lookup(self: &Arc<Self>, name: &str) -> Option<Value> {
        if let Some(v) = self.magic(name) {
            return Some(v);
        }
        if let Some(v) = self.cache.lock().ok().and_then(|c| c.get(name).cloned()) {
            return Some(v);
        }
        let Some(var) = self.var(name) else {
            return Self::fallback(name, &self.shared.play);
        };
        if !var.data.has_template() {
            let value = var.data.to_value();
            self.remember(name, &value);
            return Some(value);
        }
        // cycle detection: a variable that needs itself
        {
            let mut chains = self
                .resolving
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let stack = chains.entry(std::thread::current().id()).or_default();
            if let Some(start) = stack.iter().position(|n| n == name) {
                let mut chain: Vec<String> = stack[start..].to_vec();
                chain.push(name.to_string());
                let message = format!(
                    "{}: variable `{name}` depends on itself: {}",
                    var.origin,
                    chain.join(" -> ")
                );
                drop(chains);
                RenderErrors::record(message.clone());
                return Some(Value::from(Error::new(
                    ErrorKind::InvalidOperation,
                    message,
                )));
            }
            if stack.len() >= crate::render::limits::VARIABLE_DEPTH {
                let message = format!(
                    "{}: variable `{name}` is reached through more than {} variables that refer to each other ({} -> ...)",
                    var.origin,
                    crate::render::limits::VARIABLE_DEPTH,
                    stack.iter().take(3).cloned().collect::<Vec<_>>().join(" -> ")
                );
                drop(chains);
                RenderErrors::record(message.clone());
                return Some(Value::from(Error::new(
                    ErrorKind::InvalidOperation,
                    message,
                )));
            }
            stack.push(name.to_string());
        }
        let result = self.template(&var.data);
        if let Ok(mut chains) = self.resolving.lock() {
            let id = std::thread::current().id();
            if let Some(stack) = chains.get_mut(&id) {
                stack.retain(|n| n != name);
                if stack.is_empty() {
                    chains.remove(&id);
                }
            }
        }
        match result {
            Ok(value) => {
                self.remember(name, &value);
                Some(value)
            }
            Err(err) => {
                let message = self.describe(name, var, &err);
                RenderErrors::record(message.clone());
                // As in Ansible, a variable whose template uses something undefined is itself
                // undefined: `x | default(...)` and `x is defined` work on it.
                if err.kind() == ErrorKind::UndefinedError {
                    return None;
                }
                Some(Value::from(Error::new(err.kind(), message)))
            }
        }
    }

    fn remember(&self, name: &str, value: &Value) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(name.to_string(), value.clone());
        }
    }

    fn describe(self: &Arc<Self>, name: &str, var: &Var, err: &Error) -> String {
        // An error from a nested variable already says where it comes from.
        if let Some(detail) = err.detail() {
            if detail.contains("variable `") {
                return detail.to_string();
            }
        }
        let mut message = format!("{}: in variable `{name}`: ", var.origin);
        message.push_str(&describe_error(err, &self.missing_names(&var.data)));
        message
    }

    /// The variables a templated value refers to that this scope does not define.
    fn missing_names(self: &Arc<Self>, data: &Data) -> Vec<String> {
        let mut sources = Vec::new();
        collect_templates(data, &mut sources);
        let env = self.shared.env();
        let mut missing = Vec::new();
        for source in sources {
            let Ok(tmpl) = env.template_from_str(&source) else {
                continue;
            };
            let mut names: Vec<String> = tmpl.undeclared_variables(false).into_iter().collect();
            names.sort();
            for n in names {
                if self.magic(&n).is_none()
                    && !self.names.contains_key(&n)
                    && Self::fallback(&n, &self.shared.play).is_none()
                    && env.globals().all(|(g, _)| g != n)
                    && !missing.contains(&n)
                {
                    missing.push(n);
                }
            }
        }
        missing
    }

    /// Templates a variable's value (recursively through lists and maps).
    fn template(self: &Arc<Self>, data: &Data) -> Result<Value, Error> {
        Ok(match data {
            Data::Str(s) if is_template(s) => self.template_str(s)?,
            Data::Seq(items) => Value::from(
                items
                    .iter()
                    .map(|d| self.template(d))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Data::Map(entries) => Value::from_object(LazyMap::new(self.clone(), entries)),
            Data::Int(i) => int_value(*i),
            other => other.to_value(),
        })
    }

    /// Templates one string as Ansible templates a variable: backslashes in the string
    /// literals of `{{ }}` blocks are literal (Ansible doubles them before Jinja reads them),
    /// a result that is one printed non-string value keeps its type (`"{{ 5 }}"`, also with
    /// statements around it), no output is `None`, and text keeps the source's trailing
    /// newlines.
    pub fn template_str(self: &Arc<Self>, source: &str) -> Result<Value, Error> {
        let env = self.shared.env();
        let ctx = Value::from_dyn_object(self.clone());
        let escaped = escape_backslashes(source);
        let raw_kept = crate::render::keep_newline_after_raw(
            &escaped,
            &crate::render::Settings::default().block,
        );
        let source: &str = &raw_kept;
        if let Some(expr) = single_expression(source) {
            // `{{ name }}`, the usual case (a vault value under another name): the variable
            // as the expression would read it (this scope, then the environment's globals),
            // without compiling an expression
            if is_plain_name(expr) {
                if let Some(value) = Object::get_value(self, &Value::from(expr)) {
                    if value.is_undefined() {
                        return Err(Error::new(ErrorKind::UndefinedError, "undefined value"));
                    }
                    return within_limits(value);
                }
            }
            if let Ok(compiled) =
                env.compile_expression(&crate::render::operators::rewrite_expression(expr))
            {
                let value = compiled.eval(ctx)?;
                if value.is_undefined() {
                    return Err(Error::new(ErrorKind::UndefinedError, "undefined value"));
                }
                return within_limits(value);
            }
        }
        // Jinja drops one final newline; Ansible adds back those a text result lacks.
        let stripped = source.strip_suffix('\n').unwrap_or(source);
        let stripped = crate::render::operators::rewrite_template(stripped, default_syntax()?);
        match crate::render::render_nodes(|| env.render_str(&stripped, ctx))? {
            crate::render::Rendered::Nothing => Ok(Value::from(())),
            crate::render::Rendered::Native(value) => within_limits(value),
            crate::render::Rendered::Text(mut text) => {
                let want = trailing_newlines(source);
                let have = trailing_newlines(&text);
                if want > have {
                    text.push_str(&"\n".repeat(want - have));
                }
                within_limits(Value::from(text))
            }
        }
    }
}

/// A variable's templated value, unless it is larger than [`crate::render::limits::VALUE_BYTES`]
/// (variables that repeat each other grow exponentially).
fn within_limits(value: Value) -> Result<Value, Error> {
    if value
        .as_str()
        .is_some_and(|s| s.len() > crate::render::limits::VALUE_BYTES)
    {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "the value would be larger than {} MiB (variables that repeat each other?)",
                crate::render::limits::VALUE_BYTES >> 20
            ),
        ));
    }
    Ok(value)
}

fn trailing_newlines(text: &str) -> usize {
    text.bytes().rev().take_while(|&b| b == b'\n').count()
}

/// Ansible's lexer for variable templates: in the string literals of `{{ }}` blocks (not of
/// `{% %}` statements), a backslash stands for itself. Rewritten here as literals minijinja
/// reads to the same value.
#[must_use]
pub fn escape_backslashes(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains('\\') {
        return std::borrow::Cow::Borrowed(source);
    }
    let b = source.as_bytes();
    let mut out = String::with_capacity(source.len() + 8);
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'{' || i + 1 >= b.len() {
            i += 1;
            continue;
        }
        match b[i + 1] {
            b'#' => {
                i = source[i..].find("#}").map_or(b.len(), |e| i + e + 2);
            }
            b'%' => {
                let end = block_end(b, i + 2, b"%}");
                let inner = source[i + 2..end.saturating_sub(2).max(i + 2)]
                    .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
                i = end;
                if inner == "raw" {
                    i = find_endraw(source, i);
                }
            }
            b'{' => {
                out.push_str(&source[copied..i + 2]);
                let mut j = i + 2;
                let mut depth = 0usize;
                while j < b.len() {
                    match b[j] {
                        q @ (b'\'' | b'"') => {
                            let (end, raw) = string_literal(source, j, q);
                            out.push(q as char);
                            for c in raw.chars() {
                                if c == '\\' || c == q as char {
                                    out.push('\\');
                                }
                                out.push(c);
                            }
                            out.push(q as char);
                            j = end;
                            continue;
                        }
                        b'(' | b'[' | b'{' => depth += 1,
                        b')' | b']' => depth = depth.saturating_sub(1),
                        b'}' if depth == 0 && b.get(j + 1) == Some(&b'}') => break,
                        b'}' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    let ch = source[j..].chars().next().unwrap_or(' ');
                    out.push(ch);
                    j += ch.len_utf8();
                }
                copied = j;
                i = j;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        out.push_str(&source[copied..i]);
        copied = i;
    }
    out.push_str(&source[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The end (after the closing quote) and raw content of the string literal at `start`, as
/// Jinja's lexer reads it (a backslash escapes the next character).
fn string_literal(source: &str, start: usize, quote: u8) -> (usize, &str) {
    let b = source.as_bytes();
    let mut j = start + 1;
    while j < b.len() && b[j] != quote {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    let end = j.min(b.len());
    (end + 1, &source[start + 1..end])
}

/// The end of a `{% %}` block whose body starts at `from`, skipping string literals.
fn block_end(b: &[u8], from: usize, close: &[u8]) -> usize {
    let mut j = from;
    while j < b.len() {
        match b[j] {
            q @ (b'\'' | b'"') => {
                j += 1;
                while j < b.len() && b[j] != q {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                j += 1;
            }
            _ if b[j..].starts_with(close) => return j + close.len(),
            _ => j += 1,
        }
    }
    b.len()
}

/// Where the `{% endraw %}` after `from` ends.
fn find_endraw(source: &str, from: usize) -> usize {
    let mut at = from;
    while let Some(k) = source[at..].find("{%") {
        let start = at + k;
        let end = block_end(source.as_bytes(), start + 2, b"%}");
        let inner = source[start + 2..end.saturating_sub(2).max(start + 2)]
            .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        if inner == "endraw" {
            return end;
        }
        at = end;
    }
    source.len()
}

/// Names a minijinja error the way a person reads it.
#[must_use]
pub fn describe_error(err: &Error, missing: &[String]) -> String {
    match err.kind() {
        ErrorKind::OutOfFuel => format!(
            "the template ran more than {} steps and was stopped (a loop that never ends, or loops nested too deep?)",
            crate::render::limits::FUEL
        ),
        ErrorKind::UndefinedError if !missing.is_empty() => {
            let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            format!("undefined variable {}", names.join(", "))
        }
        ErrorKind::UndefinedError => {
            let detail = err.detail().unwrap_or("an undefined value is used");
            format!("undefined value: {detail}")
        }
        _ => match err.detail() {
            Some(detail) => format!("{}: {detail}", err.kind()),
            None => err.kind().to_string(),
        },
    }
}

fn collect_templates(data: &Data, out: &mut Vec<String>) {
    match data {
        Data::Str(s) if is_template(s) => out.push(s.clone()),
        Data::Seq(items) => items.iter().for_each(|d| collect_templates(d, out)),
        Data::Map(entries) => entries.iter().for_each(|(k, v)| {
            collect_templates(k, out);
            collect_templates(v, out);
        }),
        _ => {}
    }
}

/// Whether an expression is a variable name alone (not a literal such as `true` or `none`).
fn is_plain_name(expr: &str) -> bool {
    crate::yaml::is_variable_name(expr)
        && !matches!(expr, "true" | "false" | "none" | "True" | "False" | "None")
}

/// The inner expression of a string that is exactly one `{{ ... }}`.
pub fn single_expression(source: &str) -> Option<&str> {
    let inner = source.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") || inner.contains("{#")
    {
        return None;
    }
    let inner = inner.strip_prefix(['-', '+']).unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    Some(inner.trim())
}

const MAGIC: &[&str] = &[
    "inventory_hostname",
    "inventory_hostname_short",
    "group_names",
    "groups",
    "hostvars",
    "omit",
    "ansible_play_hosts",
    "ansible_play_hosts_all",
    "ansible_play_batch",
    "play_hosts",
    "env",
    "ansible_managed",
    "vars",
    "ansible_version",
    "playbook_dir",
    "inventory_dir",
];

/// The Jinja syntax variables are templated with (Ansible's defaults), built once.
fn default_syntax() -> Result<&'static minijinja::syntax::SyntaxConfig, Error> {
    static SYNTAX: OnceLock<Option<minijinja::syntax::SyntaxConfig>> = OnceLock::new();
    SYNTAX
        .get_or_init(|| crate::render::syntax(&crate::render::Settings::default()).ok())
        .as_ref()
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "the default Jinja syntax"))
}

/// A mapping variable as Ansible 2.19 holds it: a lazy container whose values are templated
/// when read (and kept), not when the mapping is. Its keys are listed without templating
/// anything (`{{ d | list }}` works when one value's template would fail), and a value whose
/// template uses something undefined is itself undefined.
struct LazyMap {
    scope: Arc<HostScope>,
    /// Each key (as templates see it) and its value as written; a repeated key keeps its first
    /// place and its last value, as a Python dict does.
    entries: IndexMap<Value, Data>,
    templated: Mutex<Vec<Option<Option<Value>>>>,
}

impl std::fmt::Debug for LazyMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LazyMap")
    }
}

impl LazyMap {
    fn new(scope: Arc<HostScope>, entries: &[(Data, Data)]) -> LazyMap {
        let mut map = IndexMap::with_capacity(entries.len());
        for (k, v) in entries {
            // Ansible templates values, not keys
            map.insert(k.to_value(), v.clone());
        }
        let n = map.len();
        LazyMap {
            scope,
            entries: map,
            templated: Mutex::new(vec![None; n]),
        }
    }
}

impl Object for LazyMap {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let (index, _, data) = self.entries.get_full(key)?;
        if let Some(done) = self
            .templated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(index)
            .cloned()
            .flatten()
        {
            return done;
        }
        let value = match self.scope.template(data) {
            Ok(v) => Some(v),
            Err(e) if e.kind() == ErrorKind::UndefinedError => None,
            Err(e) => Some(Value::from(e)),
        };
        if let Some(slot) = self
            .templated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_mut(index)
        {
            *slot = Some(value.clone());
        }
        value
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.keys().cloned().collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries.len())
    }
}

impl Object for HostScope {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let name = key.as_str()?;
        let value = self.lookup(name)?;
        // `{{ api_key | secret_file }}` names the file after the variable read
        crate::secret_files::note_lookup(name, &value);
        Some(value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.names.keys().map(|k| Value::from(k.as_str())).collect())
    }
}
