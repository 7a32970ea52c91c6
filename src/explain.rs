//! `promvault vars`: the variables one host sees, merged with Ansible's precedence, each with
//! the file and line its value comes from, the layer that won, and the definitions it
//! overrode. Like `ansible-inventory --host`, with sources.
//!
//! The layers and their order are the ones a render uses ([`crate::vars::Play::layers`]), so
//! what is shown here is what templates see. Values are shown as written: a lazily templated
//! value (`api_key: "{{ vault_api_key }}"`) is shown as its template, never rendered (a
//! rendering could hold a secret). A vault value is never shown, only where it is; a value
//! written elsewhere that holds the text of a vault value is masked too. Magic variables
//! (`inventory_hostname`, `groups`, `env`, ...) are not listed.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Serialize;

use crate::{
    data::Data,
    finding::Finding,
    inventory::{Inventory, Layer, Var, VarLayer},
    output::diff::Masker,
    pipeline::{self, ExtraVars, RunError},
    project::{Environment, Project},
    vars::Play,
};

/// The host `vars` shows without `--host`: the one an output without `hosts:` renders as,
/// which sees the `all` group's variables.
pub const DEFAULT_HOST: &str = "localhost";

/// The most host names an unknown-host error lists.
const LISTED_HOSTS: usize = 20;

/// What `promvault vars` prints (its JSON shape, documented in the README).
#[derive(Debug, Serialize)]
pub struct Explained {
    pub env: String,
    pub host: String,
    /// The output whose role defaults are included (`--output`), if one was named.
    pub output: Option<String>,
    /// The host's groups (Ansible's `group_names`).
    pub groups: Vec<String>,
    /// Every variable, by name.
    pub variables: Vec<Variable>,
}

/// One variable: its winning value (or `masked`), where that comes from, and what it
/// overrode (the next lower definition first).
#[derive(Debug, Serialize)]
pub struct Variable {
    pub name: String,
    /// The value as written; absent when masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// True when the value is not shown (a vault value, or a value holding one or a bcrypt
    /// hash).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub masked: bool,
    #[serde(flatten)]
    pub source: Source,
    pub overridden: Vec<Source>,
}

/// Where a definition is: file, line (when known) and precedence layer.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub file: String,
    pub line: Option<usize>,
    /// [`Layer::id`].
    pub layer: &'static str,
    /// The group, for the `inventory_group` and `group_vars` layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip)]
    shown: String,
}

impl Source {
    fn new(layer: &Layer, var: &Var) -> Source {
        // the vault's origin names its file with a ` (vault)` suffix, for messages
        let file = match layer {
            Layer::Vault => var
                .origin
                .file
                .strip_suffix(" (vault)")
                .unwrap_or(&var.origin.file),
            _ => &var.origin.file,
        };
        Source {
            file: file.to_string(),
            line: var.origin.line,
            layer: layer.id(),
            group: layer.group().map(str::to_string),
            shown: layer.to_string(),
        }
    }

    /// `file:line (layer)`.
    #[must_use]
    pub fn text(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line} ({})", self.file, self.shown),
            None => format!("{} ({})", self.file, self.shown),
        }
    }
}

/// The variables `host` (default [`DEFAULT_HOST`]) of `env` sees, with `vault`'s values and
/// `extra` vars, and the role defaults of `output` (an index in `outputs:`; without one,
/// only the top-level `defaults`). `masker` hides vault values a value holds.
///
/// # Errors
/// A file that cannot be read, a host the inventory does not have (the error lists those it
/// has), or an output that is not rendered for the host.
pub fn explain(
    project: &Project,
    env: &Environment,
    vault: VarLayer,
    extra: &ExtraVars,
    host: Option<&str>,
    output: Option<usize>,
    masker: &Masker,
) -> Result<(Explained, Vec<Finding>), RunError> {
    let inventory = Arc::new(Inventory::load(&env.inventory, &project.root)?);
    let mut warnings = inventory.warnings.clone();
    let host = host.unwrap_or(DEFAULT_HOST);
    if host != DEFAULT_HOST && !inventory.has_host(host) {
        return Err(RunError::UnknownHost {
            host: host.to_string(),
            env: env.name.clone(),
            known: listed(inventory.hosts.keys()),
        });
    }
    let output_file = output.and_then(|i| project.config.outputs.get(i));
    if let (Some(index), Some(file)) = (output, output_file) {
        let hosts = pipeline::output_hosts(&inventory, file)?;
        if !hosts.iter().any(|h| h == host) {
            return Err(RunError::Invalid {
                location: project.output_location(index),
                message: format!(
                    "output `{}` is not rendered for host `{host}` (it is rendered for: {})",
                    file.name(),
                    listed(hosts.iter()).join(", ")
                ),
            });
        }
    }
    let (defaults, found) = pipeline::output_defaults(project, output_file)?;
    warnings.extend(found);
    let play = Play {
        env_name: env.name.clone(),
        inventory: inventory.clone(),
        defaults,
        vault,
        extra: extra.clone(),
        play_hosts: vec![host.to_string()],
        hash_key: Vec::new(),
        quick_hashes: true,
        project_root: project.root.display().to_string(),
        inventory_dir: env.inventory.display().to_string(),
    };
    // every definition of each name, lowest precedence first
    let mut definitions: IndexMap<&str, Vec<(&Layer, &Var)>> = IndexMap::new();
    let layers = play.layers(host, true);
    for (layer, vars) in &layers {
        for (name, var) in *vars {
            definitions
                .entry(name.as_str())
                .or_default()
                .push((layer, var));
        }
    }
    definitions.sort_keys();
    let variables = definitions
        .into_iter()
        .filter_map(|(name, defs)| {
            let ((layer, var), lower) = defs.split_last()?;
            let (value, masked) = shown_value(layer, &var.data, masker);
            Some(Variable {
                name: name.to_string(),
                value,
                masked,
                source: Source::new(layer, var),
                overridden: lower.iter().rev().map(|(l, v)| Source::new(l, v)).collect(),
            })
        })
        .collect();
    warnings.dedup();
    Ok((
        Explained {
            env: env.name.clone(),
            host: host.to_string(),
            output: output_file.map(crate::project::OutputFile::name),
            groups: inventory.group_names(host),
            variables,
        },
        warnings,
    ))
}

/// The first [`LISTED_HOSTS`] names, and how many more there are.
fn listed<'a>(names: impl ExactSizeIterator<Item = &'a String>) -> Vec<String> {
    let total = names.len();
    let mut out: Vec<String> = names.take(LISTED_HOSTS).cloned().collect();
    if total > LISTED_HOSTS {
        out.push(format!("and {} more", total - LISTED_HOSTS));
    }
    out
}

/// A value as shown: as written (JSON), or masked when it is a vault value or holds one.
fn shown_value(layer: &Layer, data: &Data, masker: &Masker) -> (Option<serde_json::Value>, bool) {
    if *layer == Layer::Vault {
        return (None, true);
    }
    let value = to_json(data);
    let text = value.to_string();
    if masker.mask(&text) != text {
        return (None, true);
    }
    (Some(value), false)
}

/// A loaded value as JSON (a mapping's non-string keys as their text).
fn to_json(data: &Data) -> serde_json::Value {
    use serde_json::Value;
    match data {
        Data::Null => Value::Null,
        Data::Bool(b) => Value::Bool(*b),
        Data::Int(i) => {
            i64::try_from(*i).map_or_else(|_| Value::String(i.to_string()), Value::from)
        }
        Data::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Data::Str(s) | Data::Unsafe(s) => Value::String(s.clone()),
        Data::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Data::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Data::Str(s) | Data::Unsafe(s) => s.clone(),
                        other => to_json(other).to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

impl Explained {
    /// The text `vars` prints: a header line, then per variable `name = value` and below it
    /// where the value comes from and what it overrode.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = format!("# environment {}, host {}", self.env, self.host);
        if let Some(output) = &self.output {
            out.push_str(&format!(", output {output}"));
        }
        if self.groups.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!(" (groups: {})\n", self.groups.join(", ")));
        }
        for v in &self.variables {
            let value = match &v.value {
                Some(value) => value.to_string(),
                None if v.source.layer == "vault" => format!("<vault: {}>", v.source.file),
                None => "<masked: holds a secret>".to_string(),
            };
            out.push_str(&format!(
                "{} = {value}\n    from {}\n",
                v.name,
                v.source.text()
            ));
            for o in &v.overridden {
                out.push_str(&format!("    overrides {}\n", o.text()));
            }
        }
        out
    }

    /// The JSON `vars --format json` prints, ending with a newline.
    #[must_use]
    pub fn json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
        )
    }
}
