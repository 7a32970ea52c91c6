//! `yaml.dump` as PyYAML does it for Ansible's `to_yaml` and `to_nice_yaml` filters, byte for
//! byte: scalar style choice (plain, single- or double-quoted), quoting of strings that YAML
//! 1.1 would read as another type, block and flow layout, indentation, line width, key order.
//!
//! Ansible's filters call (ansible-core 2.19, `plugins/filter/core.py`):
//! - `to_yaml(a, indent=None?, **kw)`: `yaml.dump(a, Dumper=AnsibleDumper, allow_unicode=True,
//!   default_flow_style=None, **kw)` (flow style for collections that hold only scalars);
//! - `to_nice_yaml(a, indent=4, **kw)`: `yaml.dump(a, Dumper=AnsibleDumper, indent=indent,
//!   allow_unicode=True, default_flow_style=False, **kw)`.
//!
//! `sort_keys` defaults to true in both; `width` is 80.

use minijinja::Value;

/// Flow or block layout, as PyYAML's `default_flow_style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStyle {
    /// `default_flow_style=False`: block style everywhere (`to_nice_yaml`).
    Block,
    /// `default_flow_style=None`: flow style for collections holding only scalars (`to_yaml`).
    Auto,
    /// `default_flow_style=True`: flow style everywhere.
    Flow,
}

/// The keyword arguments of `yaml.dump` that Ansible's filters pass on.
#[derive(Debug, Clone)]
pub struct DumpOptions {
    pub indent: usize,
    pub width: usize,
    pub flow_style: FlowStyle,
    pub sort_keys: bool,
    pub allow_unicode: bool,
    pub explicit_start: bool,
    pub explicit_end: bool,
}

impl DumpOptions {
    /// What `to_yaml` passes by default.
    #[must_use]
    pub fn to_yaml() -> Self {
        DumpOptions {
            indent: 2,
            width: 80,
            flow_style: FlowStyle::Auto,
            sort_keys: true,
            allow_unicode: true,
            explicit_start: false,
            explicit_end: false,
        }
    }

    /// What `to_nice_yaml` passes by default.
    #[must_use]
    pub fn to_nice_yaml() -> Self {
        DumpOptions {
            indent: 4,
            flow_style: FlowStyle::Block,
            ..DumpOptions::to_yaml()
        }
    }
}

/// Serialises `value` as PyYAML's `yaml.dump` would (including the final newline).
///
/// Values that PyYAML cannot represent (undefined, Ansible's `omit` placeholder, callables)
/// are an error, as in Ansible.
///
/// # Errors
/// A value that cannot be represented.
pub fn dump(value: &Value, options: &DumpOptions) -> Result<String, minijinja::Error> {
    let _ = (value, options);
    Err(minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        "yaml dump is not implemented yet",
    ))
}
