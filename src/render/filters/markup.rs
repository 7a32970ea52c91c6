//! Jinja2's HTML/URL/JSON filters as Jinja2 (and markupsafe) write them: `escape`/`e`,
//! `forceescape`, `striptags`, `urlencode`, `tojson`.

use minijinja::{value::ValueKind, Environment, Error, Value};

use super::{as_map, filter_error};
use crate::render::python::{json_dumps, py_str, url_quote, JsonOptions};

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "escape", escape);
    super::add_filter(env, "e", escape);
    super::add_filter(env, "forceescape", escape);
    super::add_filter(env, "striptags", striptags);
    super::add_filter(env, "urlencode", urlencode);
    super::add_filter(env, "tojson", tojson);
}

/// markupsafe's escape.
fn escape(value: &Value) -> Result<String, Error> {
    let mut out = String::new();
    for c in super::text(value)?.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Jinja2's `striptags`: tags and comments removed, white space collapsed, entities kept.
fn striptags(value: &Value) -> Result<String, Error> {
    let s = super::text(value)?;
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = if after.starts_with("<!--") {
            after.find("-->").map(|i| i + 3)
        } else {
            after.find('>').map(|i| i + 1)
        };
        match end {
            Some(e) => rest = &after[e..],
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Ok(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Jinja2's `urlencode`: a string is quoted (`/` kept, space as `%20`); a dict or list of
/// pairs becomes a query string (`quote_plus`-style values).
fn urlencode(value: &Value) -> Result<String, Error> {
    match value.kind() {
        ValueKind::Map => Ok(as_map(value)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    url_quote(&py_str(k), "", true),
                    url_quote(&py_str(v), "", true)
                )
            })
            .collect::<Vec<_>>()
            .join("&")),
        ValueKind::Seq | ValueKind::Iterable => {
            let mut parts = Vec::new();
            for pair in value.try_iter()? {
                let k = pair.get_item_by_index(0)?;
                let v = pair.get_item_by_index(1)?;
                parts.push(format!(
                    "{}={}",
                    url_quote(&py_str(&k), "", true),
                    url_quote(&py_str(&v), "", true)
                ));
            }
            Ok(parts.join("&"))
        }
        _ => Ok(url_quote(&super::text(value)?, "/", false)),
    }
}

/// Jinja2's `tojson`: sorted keys, and `<`, `>`, `&`, `'` escaped for HTML.
fn tojson(value: &Value, indent: Option<usize>) -> Result<String, Error> {
    let json = json_dumps(
        value,
        &JsonOptions {
            indent,
            sort_keys: true,
            ensure_ascii: true,
            separators: None,
            keys_as_strings: false,
        },
    )
    .map_err(|e| filter_error("tojson", e))?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027"))
}
