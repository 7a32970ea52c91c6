//! Ansible's filters and tests, one file per family, registered on a minijinja environment.
//! Each behaves as ansible-core 2.19's (checked against real Ansible output in
//! `tests/data/ansible/`): Python's `str()` of values, PyYAML's and `json.dumps`' layouts.

mod collections;
mod hashing;
mod serialize;
mod tests;
mod text;

use minijinja::{Environment, Error, ErrorKind, Value};

/// Registers every filter and test promvault provides.
pub fn register(env: &mut Environment<'static>) {
    serialize::register(env);
    collections::register(env);
    text::register(env);
    hashing::register(env);
    tests::register(env);
}

/// An error from a filter, in Ansible's words.
pub(crate) fn filter_error(filter: &str, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{filter}: {message}"))
}

/// A value's items when it is a list (or any iterable but a string or map).
pub(crate) fn as_list(value: &Value) -> Option<Vec<Value>> {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Seq | ValueKind::Iterable => value.try_iter().ok().map(Iterator::collect),
        _ => None,
    }
}

/// A map's entries in order.
pub(crate) fn as_map(value: &Value) -> Option<Vec<(Value, Value)>> {
    use minijinja::value::ValueKind;
    if value.kind() != ValueKind::Map {
        return None;
    }
    let keys: Vec<Value> = value.try_iter().ok()?.collect();
    Some(
        keys.into_iter()
            .map(|k| {
                let v = value.get_item(&k).unwrap_or(Value::UNDEFINED);
                (k, v)
            })
            .collect(),
    )
}

/// A map value from entries, keeping their order.
pub(crate) fn map_value(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::from_object(
        entries
            .into_iter()
            .collect::<indexmap::IndexMap<Value, Value>>(),
    )
}
