//! `to_yaml`, `to_nice_yaml`, `to_json`, `to_nice_json`, `from_yaml`, `from_json`.

use minijinja::{value::Kwargs, Environment, Error, ErrorKind, Value};

use super::filter_error;
use crate::{
    render::python::{json_dumps, JsonOptions},
    yaml::{
        dump::{dump, DumpOptions, FlowStyle},
        load,
    },
};

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "to_yaml", to_yaml);
    super::add_filter(env, "to_nice_yaml", to_nice_yaml);
    super::add_filter(env, "to_json", to_json);
    super::add_filter(env, "to_nice_json", to_nice_json);
    super::add_filter(env, "from_yaml", from_yaml);
    super::add_filter(env, "from_json", from_json);
}

fn dump_options(mut options: DumpOptions, kwargs: &Kwargs) -> Result<DumpOptions, Error> {
    if let Some(indent) = kwargs.get::<Option<usize>>("indent")? {
        options.indent = indent;
    }
    if let Some(width) = kwargs.get::<Option<usize>>("width")? {
        options.width = width;
    }
    if let Some(sort) = kwargs.get::<Option<bool>>("sort_keys")? {
        options.sort_keys = sort;
    }
    if let Some(start) = kwargs.get::<Option<bool>>("explicit_start")? {
        options.explicit_start = start;
    }
    if let Some(end) = kwargs.get::<Option<bool>>("explicit_end")? {
        options.explicit_end = end;
    }
    if kwargs.has("default_flow_style") {
        let v: Value = kwargs.get("default_flow_style")?;
        options.flow_style = if v.is_none() {
            FlowStyle::Auto
        } else if v.is_true() {
            FlowStyle::Flow
        } else {
            FlowStyle::Block
        };
    }
    if let Some(unicode) = kwargs.get::<Option<bool>>("allow_unicode")? {
        options.allow_unicode = unicode;
    }
    kwargs.assert_all_used()?;
    Ok(options)
}

/// A serialiser's error as the filter reports it; an undefined value inside stays an
/// undefined-variable error (so the template's missing variable is named).
fn keep_undefined(e: Error, filter: &str) -> Error {
    if e.kind() == ErrorKind::UndefinedError {
        e
    } else {
        filter_error(filter, e)
    }
}

fn to_yaml(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let options = dump_options(DumpOptions::to_yaml(), &kwargs)?;
    dump(value, &options).map_err(|e| keep_undefined(e, "to_yaml"))
}

fn to_nice_yaml(value: &Value, indent: Option<usize>, kwargs: Kwargs) -> Result<String, Error> {
    let mut options = dump_options(DumpOptions::to_nice_yaml(), &kwargs)?;
    if let Some(indent) = indent {
        options.indent = indent;
    }
    dump(value, &options).map_err(|e| keep_undefined(e, "to_nice_yaml"))
}

fn json_options(
    kwargs: &Kwargs,
    indent: Option<usize>,
    sort_keys: bool,
) -> Result<JsonOptions, Error> {
    let indent = kwargs.get::<Option<usize>>("indent")?.or(indent);
    let sort_keys = kwargs
        .get::<Option<bool>>("sort_keys")?
        .unwrap_or(sort_keys);
    let ensure_ascii = kwargs.get::<Option<bool>>("ensure_ascii")?.unwrap_or(true);
    let separators = match kwargs.get::<Option<Value>>("separators")? {
        Some(v) if !v.is_none() => {
            let item = v.get_item_by_index(0)?;
            let key = v.get_item_by_index(1)?;
            match (item.as_str(), key.as_str()) {
                (Some(i), Some(k)) => Some((i.to_string(), k.to_string())),
                _ => return Err(filter_error("to_json", "separators must be two strings")),
            }
        }
        _ => None,
    };
    // Ansible's own keyword arguments, accepted and without effect here
    let _: Option<Value> = kwargs.get("vault_to_text")?;
    let _: Option<Value> = kwargs.get("preprocess_unsafe")?;
    kwargs.assert_all_used()?;
    Ok(JsonOptions {
        indent,
        sort_keys,
        ensure_ascii,
        separators,
        keys_as_strings: true,
    })
}

fn to_json(value: &Value, kwargs: Kwargs) -> Result<String, Error> {
    let options = json_options(&kwargs, None, false)?;
    json_dumps(value, &options).map_err(|e| keep_undefined(e, "to_json"))
}

fn to_nice_json(value: &Value, indent: Option<usize>, kwargs: Kwargs) -> Result<String, Error> {
    // Ansible always uses (',', ': ') here, whatever is passed
    let mut options = json_options(&kwargs, Some(indent.unwrap_or(4)), true)?;
    options.separators = Some((",".to_string(), ": ".to_string()));
    json_dumps(value, &options).map_err(|e| keep_undefined(e, "to_nice_json"))
}

/// Ansible's `from_yaml`: a string is parsed; anything else is given back as it is.
fn from_yaml(value: Value) -> Result<Value, Error> {
    let Some(text) = value.as_str() else {
        return Ok(value);
    };
    let doc = load::load(text).map_err(|e| filter_error("from_yaml", e))?;
    Ok(doc.data.to_value())
}

fn from_json(text: &str) -> Result<Value, Error> {
    serde_json::from_str::<Value>(text).map_err(|e| filter_error("from_json", e))
}
