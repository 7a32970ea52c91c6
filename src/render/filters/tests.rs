//! Ansible's tests: `version` (`version_compare`), `match`, `search`, `regex`, `truthy`,
//! `falsy`, `contains`, and the Python type tests Jinja2 has (`string`, `number`, ...).

use minijinja::{
    value::{Kwargs, ValueKind},
    Environment, Error, Value,
};

use super::filter_error;
use crate::render::python::py_str;

/// A number as Python sees it in arithmetic (`True` is 1).
fn number(value: &Value, test: &str) -> Result<f64, Error> {
    match value.kind() {
        ValueKind::Number | ValueKind::Bool => {
            if let Ok(i) = i64::try_from(value.clone()) {
                #[allow(clippy::cast_precision_loss)]
                return Ok(i as f64);
            }
            f64::try_from(value.clone()).map_err(|e| filter_error(test, e.to_string()))
        }
        _ => Err(filter_error(
            test,
            format!(
                "unsupported operand type(s) for %: '{}' and 'int'",
                crate::render::python::py_type_name(value)
            ),
        )),
    }
}

/// `value % n` with Python's sign rule (the result has the sign of `n`).
fn py_mod(value: &Value, n: i64, test: &str) -> Result<f64, Error> {
    #[allow(clippy::cast_precision_loss)]
    let n = n as f64;
    let v = number(value, test)?;
    Ok(v - n * (v / n).floor())
}

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_test(env, "version", version);
    // `x is in list` compares x with every item: an undefined item fails (Python's `in`)
    super::add_test(env, "in", minijinja::tests::is_in);
    // minijinja's own tests that Jinja lacks: Ansible says "No test named ..."
    env.remove_test("startingwith");
    env.remove_test("endingwith");
    // Jinja's own tests, through `add_test` so that an undefined value fails them as it does
    // in Ansible (only `defined`, `undefined` and `none` take one)
    {
        use minijinja::tests as t;
        super::add_test(env, "boolean", t::is_boolean);
        super::add_test(env, "number", t::is_number);
        super::add_test(env, "integer", t::is_integer);
        super::add_test(env, "int", t::is_integer);
        super::add_test(env, "float", t::is_float);
        super::add_test(env, "string", t::is_string);
        super::add_test(env, "sequence", t::is_sequence);
        super::add_test(env, "mapping", t::is_mapping);
        super::add_test(env, "lower", t::is_lower);
        super::add_test(env, "upper", t::is_upper);
        super::add_test(env, "sameas", t::is_sameas);
        super::add_test(env, "true", t::is_true);
        super::add_test(env, "false", t::is_false);
        for name in ["eq", "equalto", "=="] {
            super::add_test(env, name, t::is_eq);
        }
        for name in ["ne", "!="] {
            super::add_test(env, name, t::is_ne);
        }
        // the ordering tests order as Python does (`render::operators::compare`)
        use crate::render::operators::compare;
        for name in ["lt", "lessthan", "<"] {
            super::add_test(env, name, |a: Value, b: Value| compare(a, "<", b));
        }
        for name in ["le", "<="] {
            super::add_test(env, name, |a: Value, b: Value| compare(a, "<=", b));
        }
        for name in ["gt", "greaterthan", ">"] {
            super::add_test(env, name, |a: Value, b: Value| compare(a, ">", b));
        }
        for name in ["ge", ">="] {
            super::add_test(env, name, |a: Value, b: Value| compare(a, ">=", b));
        }
    }
    // Python's iter(): strings, lists, dicts, generators; not None, numbers or booleans
    super::add_test(env, "iterable", |value: &Value| {
        matches!(
            value.kind(),
            ValueKind::String
                | ValueKind::Seq
                | ValueKind::Map
                | ValueKind::Iterable
                | ValueKind::Bytes
        )
    });
    // Jinja2's `value % 2 == 0`: Python's modulo, a TypeError for what is not a number
    super::add_test(env, "even", |value: &Value| {
        Ok(py_mod(value, 2, "even")? == 0.0)
    });
    super::add_test(env, "odd", |value: &Value| {
        Ok(py_mod(value, 2, "odd")? == 1.0)
    });
    super::add_test(env, "divisibleby", |value: &Value, n: &Value| {
        let n = number(n, "divisibleby")?;
        if n == 0.0 {
            return Err(filter_error(
                "divisibleby",
                "integer division or modulo by zero",
            ));
        }
        Ok(number(value, "divisibleby")? % n == 0.0)
    });
    super::add_test(env, "version_compare", version);
    super::add_test(
        env,
        "match",
        |value: &Value, pattern: &str, kwargs: Kwargs| regex_test(value, pattern, true, &kwargs),
    );
    super::add_test(
        env,
        "search",
        |value: &Value, pattern: &str, kwargs: Kwargs| regex_test(value, pattern, false, &kwargs),
    );
    super::add_test(
        env,
        "regex",
        |value: &Value, pattern: &str, kwargs: Kwargs| {
            let mode: Option<String> = kwargs.get("match_type")?;
            regex_test(value, pattern, mode.as_deref() == Some("match"), &kwargs)
        },
    );
    // Jinja2: anything with a length and items (lists, dicts, strings) is a sequence
    super::add_test(env, "sequence", |value: &Value| {
        matches!(
            value.kind(),
            ValueKind::Seq
                | ValueKind::Map
                | ValueKind::String
                | ValueKind::Iterable
                | ValueKind::Bytes
        )
    });
    super::add_test(env, "truthy", |value: &Value| value.is_true());
    super::add_test(env, "falsy", |value: &Value| !value.is_true());
    super::add_test(env, "contains", |value: &Value, item: &Value| {
        value.try_iter().is_ok_and(|mut it| it.any(|v| &v == item))
    });
}

fn regex_test(
    value: &Value,
    pattern: &str,
    anchored: bool,
    kwargs: &Kwargs,
) -> Result<bool, Error> {
    let mut flags = String::new();
    if kwargs.get::<Option<bool>>("ignorecase")?.unwrap_or(false) {
        flags.push('i');
    }
    if kwargs.get::<Option<bool>>("multiline")?.unwrap_or(false) {
        flags.push('m');
    }
    kwargs.assert_all_used()?;
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!("(?{flags})")
    };
    let pattern = super::text::python_pattern(pattern, flags.contains('m'));
    let pattern = if anchored {
        format!("{flags}^(?:{pattern})")
    } else {
        format!("{flags}{pattern}")
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
    // LooseVersion: re.split(r'(\d+|[a-z]+|\.)') keeping the text between the matches,
    // dropping empty parts and dots; digit runs are numbers, everything else text
    let mut parts = Vec::new();
    let mut between = String::new();
    let mut chars = version.chars().peekable();
    let flush = |between: &mut String, parts: &mut Vec<Part>| {
        if !between.is_empty() {
            parts.push(Part::Text(std::mem::take(between)));
        }
    };
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            flush(&mut between, &mut parts);
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            parts.push(Part::Num(n.parse().unwrap_or(u64::MAX)));
        } else if c.is_ascii_lowercase() {
            flush(&mut between, &mut parts);
            let mut t = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_lowercase()) {
                t.push(d);
                chars.next();
            }
            parts.push(Part::Text(t));
        } else if c == '.' {
            flush(&mut between, &mut parts);
            chars.next();
        } else {
            between.push(c);
            chars.next();
        }
    }
    flush(&mut between, &mut parts);
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
    let strict = kwargs.get::<Option<bool>>("strict")?.unwrap_or(false);
    let kind: Option<String> = kwargs
        .get::<Option<String>>("version_type")?
        .or_else(|| strict.then(|| "strict".to_string()));
    kwargs.assert_all_used()?;
    if kind
        .as_deref()
        .is_some_and(|k| !matches!(k, "loose" | "strict" | "semver" | "semantic" | "pep440"))
    {
        return Err(filter_error("version", "unknown version_type"));
    }
    // Ansible refuses a falsy value or version (empty string, 0, None, ...)
    if !value.is_true() {
        return Err(filter_error(
            "version",
            "Input version value cannot be empty",
        ));
    }
    if !other.is_true() {
        return Err(filter_error(
            "version",
            "Version parameter to compare against cannot be empty",
        ));
    }
    let (va, vb) = (py_str(value), py_str(other));
    let strict_kind = kwargs_kind(kind.as_deref());
    let ord = match strict_kind {
        Kind::Semver => semver_cmp(&va, &vb)?,
        Kind::Strict => strict_cmp(&va, &vb)?,
        Kind::Loose => loose_cmp(&va, &vb)?,
    };
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

enum Kind {
    Loose,
    Strict,
    Semver,
}

fn kwargs_kind(kind: Option<&str>) -> Kind {
    match kind {
        Some("strict") => Kind::Strict,
        Some("semver" | "semantic") => Kind::Semver,
        _ => Kind::Loose,
    }
}

/// StrictVersion: `N.N[.N]` with an optional `aN`/`bN` pre-release; `1.0` equals `1.0.0`.
fn strict_cmp(a: &str, b: &str) -> Result<std::cmp::Ordering, Error> {
    /// (major, minor, patch) and an optional pre-release (`a`/`b`, number)
    type Strict = ([u64; 3], Option<(char, u64)>);
    fn parse(v: &str) -> Option<Strict> {
        let split = v.find(['a', 'b']).unwrap_or(v.len());
        let (nums, pre) = v.split_at(split);
        let parts: Vec<u64> = nums
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let pre = if pre.is_empty() {
            None
        } else {
            Some((pre.chars().next()?, pre[1..].parse().ok()?))
        };
        Some(([parts[0], parts[1], *parts.get(2).unwrap_or(&0)], pre))
    }
    let (pa, pb) = (parse(a), parse(b));
    let (Some((na, ra)), Some((nb, rb))) = (pa, pb) else {
        return Err(filter_error(
            "version",
            format!("`{a}` or `{b}` is not a strict version"),
        ));
    };
    Ok(na.cmp(&nb).then_with(|| match (ra, rb) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (Some(x), Some(y)) => x.cmp(&y),
    }))
}

/// Semantic versioning precedence (build metadata ignored, pre-releases before releases).
fn semver_cmp(a: &str, b: &str) -> Result<std::cmp::Ordering, Error> {
    fn parse(v: &str) -> Option<(Vec<u64>, Vec<String>)> {
        let v = v.trim_start_matches('v');
        let v = v.split('+').next()?;
        let (core, pre) = v.split_once('-').unwrap_or((v, ""));
        let nums: Vec<u64> = core
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        if nums.len() != 3 {
            return None;
        }
        let pre = if pre.is_empty() {
            Vec::new()
        } else {
            pre.split('.').map(str::to_string).collect()
        };
        Some((nums, pre))
    }
    let (Some((na, pa)), Some((nb, pb))) = (parse(a), parse(b)) else {
        return Err(filter_error(
            "version",
            format!("`{a}` or `{b}` is not a semantic version"),
        ));
    };
    use std::cmp::Ordering;
    Ok(na
        .cmp(&nb)
        .then_with(|| match (pa.is_empty(), pb.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (x, y) in pa.iter().zip(&pb) {
                    let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                        (Ok(i), Ok(j)) => i.cmp(&j),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => x.cmp(y),
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                pa.len().cmp(&pb.len())
            }
        }))
}

fn loose_cmp(va: &str, vb: &str) -> Result<std::cmp::Ordering, Error> {
    // Python compares the lists item by item: the first pair that differs decides (a number
    // against text there is a TypeError), else the shorter list is the lesser
    let (a, b) = (loose(va), loose(vb));
    for (x, y) in a.iter().zip(&b) {
        if x == y {
            continue;
        }
        if std::mem::discriminant(x) != std::mem::discriminant(y) {
            return Err(filter_error(
                "version",
                format!("cannot compare `{va}` with `{vb}`"),
            ));
        }
        return Ok(x.cmp(y));
    }
    Ok(a.len().cmp(&b.len()))
}
