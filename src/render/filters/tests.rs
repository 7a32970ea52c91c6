//! Ansible's tests: `version` (`version_compare`), `match`, `search`, `regex`, `truthy`,
//! `falsy`, `contains`, and the Python type tests Jinja2 has (`string`, `number`, ...).

use minijinja::{value::Kwargs, Environment, Error, Value};

use super::filter_error;
use crate::render::python::py_str;

pub(super) fn register(env: &mut Environment<'static>) {
    env.add_test("version", version);
    env.add_test("version_compare", version);
    env.add_test("match", |value: &Value, pattern: &str| {
        regex_test(value, pattern, true)
    });
    env.add_test("search", |value: &Value, pattern: &str| {
        regex_test(value, pattern, false)
    });
    env.add_test("regex", |value: &Value, pattern: &str| {
        regex_test(value, pattern, false)
    });
    env.add_test("truthy", |value: &Value| value.is_true());
    env.add_test("falsy", |value: &Value| !value.is_true());
    env.add_test("contains", |value: &Value, item: &Value| {
        value.try_iter().is_ok_and(|mut it| it.any(|v| &v == item))
    });
}

fn regex_test(value: &Value, pattern: &str, anchored: bool) -> Result<bool, Error> {
    let pattern = if anchored {
        format!("^(?:{pattern})")
    } else {
        pattern.to_string()
    };
    let re = fancy_regex::Regex::new(&pattern).map_err(|e| filter_error("match", e))?;
    re.is_match(&py_str(value))
        .map_err(|e| filter_error("match", e))
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Num(u64),
    Text(String),
}

/// LooseVersion's components: runs of digits as numbers, runs of letters as text.
fn loose(version: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut chars = version.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            parts.push(Part::Num(n.parse().unwrap_or(u64::MAX)));
        } else if c.is_alphabetic() {
            let mut t = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                t.push(d);
                chars.next();
            }
            parts.push(Part::Text(t));
        } else {
            chars.next();
        }
    }
    parts
}

/// Ansible's `version_compare(value, version, operator='eq')`, loose versions.
fn version(
    value: &Value,
    other: &Value,
    operator: Option<&str>,
    kwargs: Kwargs,
) -> Result<bool, Error> {
    let operator = kwargs
        .get::<Option<String>>("operator")?
        .or(operator.map(str::to_string))
        .unwrap_or_else(|| "eq".into());
    let _: Option<Value> = kwargs.get("strict")?;
    let kind: Option<String> = kwargs.get("version_type")?;
    kwargs.assert_all_used()?;
    if kind
        .as_deref()
        .is_some_and(|k| !matches!(k, "loose" | "strict" | "semver" | "semantic" | "pep440"))
    {
        return Err(filter_error("version", "unknown version_type"));
    }
    let (a, b) = (loose(&py_str(value)), loose(&py_str(other)));
    for (x, y) in a.iter().zip(&b) {
        if std::mem::discriminant(x) != std::mem::discriminant(y) {
            return Err(filter_error(
                "version",
                format!(
                    "cannot compare `{}` with `{}`",
                    py_str(value),
                    py_str(other)
                ),
            ));
        }
    }
    let ord = a.cmp(&b);
    use std::cmp::Ordering::{Equal, Greater, Less};
    Ok(match operator.as_str() {
        "==" | "=" | "eq" => ord == Equal,
        "!=" | "<>" | "ne" => ord != Equal,
        "<" | "lt" => ord == Less,
        "<=" | "le" => ord != Greater,
        ">" | "gt" => ord == Greater,
        ">=" | "ge" => ord != Less,
        other => {
            return Err(filter_error(
                "version",
                format!("unknown operator `{other}`"),
            ))
        }
    })
}
