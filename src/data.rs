//! The values variables hold before templating, as Ansible loads them from YAML and INI:
//! strings that may be templates, `Unsafe` strings that never are (vault values, `!unsafe`),
//! and the usual scalars and collections. Maps keep their order and may have non-string keys.

use indexmap::IndexMap;
use minijinja::Value;

/// A loaded, not yet templated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// A string that is templated when used (if it contains template syntax).
    Str(String),
    /// A string used exactly as written: vault values and `!unsafe` values.
    Unsafe(String),
    Seq(Vec<Data>),
    Map(Vec<(Data, Data)>),
}

impl Data {
    /// The text of a string key or value.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Data::Str(s) | Data::Unsafe(s) => Some(s),
            _ => None,
        }
    }

    /// Looks up a string key in a map.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Data> {
        match self {
            Data::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether this value (or anything inside it) is a string that would be templated.
    #[must_use]
    pub fn has_template(&self) -> bool {
        match self {
            Data::Str(s) => is_template(s),
            Data::Seq(items) => items.iter().any(Data::has_template),
            Data::Map(entries) => entries
                .iter()
                .any(|(k, v)| k.has_template() || v.has_template()),
            _ => false,
        }
    }

    /// The value as it is, without templating (strings stay as written).
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Data::Null => Value::from(()),
            Data::Bool(b) => Value::from(*b),
            Data::Int(i) => int_value(*i),
            Data::Float(f) => Value::from(*f),
            Data::Str(s) | Data::Unsafe(s) => Value::from(s.as_str()),
            Data::Seq(items) => Value::from_iter(items.iter().map(Data::to_value)),
            Data::Map(entries) => Value::from_object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_value(), v.to_value()))
                    .collect::<IndexMap<Value, Value>>(),
            ),
        }
    }

    /// Converts a rendered value back (used for `-e @file` and `from_yaml`).
    #[must_use]
    pub fn marked_unsafe(self) -> Data {
        match self {
            Data::Str(s) => Data::Unsafe(s),
            Data::Seq(items) => Data::Seq(items.into_iter().map(Data::marked_unsafe).collect()),
            Data::Map(entries) => Data::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, v.marked_unsafe()))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// An integer value, as small as it fits.
#[must_use]
pub fn int_value(i: i128) -> Value {
    i64::try_from(i).map_or_else(|_| Value::from(i), Value::from)
}

/// Whether a string holds Jinja syntax (and so is templated when used).
#[must_use]
pub fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}
