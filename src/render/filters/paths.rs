//! Path and URL filters: `basename`, `dirname`, `splitext`, `path_join`, `win_basename`,
//! `win_dirname`, `urlsplit` (Python's `os.path` and `urllib.parse` behaviour).

use minijinja::{value::ValueKind, Environment, Error, Value};

use super::{as_list, filter_error, map_value};
use crate::render::python::py_str;

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "basename", |p: &Value| {
        Ok::<_, Error>(basename(&path_arg("basename", p)?).to_string())
    });
    super::add_filter(env, "dirname", |p: &Value| {
        Ok::<_, Error>(dirname(&path_arg("dirname", p)?))
    });
    super::add_filter(env, "splitext", splitext);
    super::add_filter(env, "path_join", path_join);
    super::add_filter(env, "win_basename", |p: &Value| {
        let s = path_arg("win_basename", p)?;
        Ok::<_, Error>(s.rsplit(['\\', '/']).next().unwrap_or("").to_string())
    });
    super::add_filter(env, "win_dirname", |p: &Value| {
        let s = path_arg("win_dirname", p)?;
        Ok::<_, Error>(
            s.rfind(['\\', '/'])
                .map_or(String::new(), |i| s[..i].to_string()),
        )
    });
    super::add_filter(env, "urlsplit", urlsplit);
}

/// A path argument as `os.fspath` takes it: a string (a number, boolean, none or collection
/// is a TypeError in Python).
fn path_arg(filter: &str, p: &Value) -> Result<String, Error> {
    match p.as_str() {
        Some(s) => Ok(s.to_string()),
        None => Err(filter_error(
            filter,
            format!(
                "expected str, bytes or os.PathLike object, not {}",
                crate::render::python::py_type_name(p)
            ),
        )),
    }
}

/// `os.path.basename`.
fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or("")
}

/// `os.path.dirname`.
fn dirname(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => {
            let head = &p[..=i];
            let trimmed = head.trim_end_matches('/');
            if trimmed.is_empty() {
                head.to_string()
            } else {
                trimmed.to_string()
            }
        }
        None => String::new(),
    }
}

/// `os.path.splitext`: a list `[root, ext]` (Ansible 2.19 gives lists for tuples).
fn splitext(p: &Value) -> Result<Value, Error> {
    let s = path_arg("splitext", p)?;
    let base_start = s.rfind('/').map_or(0, |i| i + 1);
    let base = &s[base_start..];
    let leading_dots = base.len() - base.trim_start_matches('.').len();
    match base[leading_dots..].rfind('.') {
        Some(i) => {
            let cut = base_start + leading_dots + i;
            Ok(Value::from(vec![
                Value::from(&s[..cut]),
                Value::from(&s[cut..]),
            ]))
        }
        None => Ok(Value::from(vec![Value::from(s.as_str()), Value::from("")])),
    }
}

/// `os.path.join(*paths)`.
fn path_join(paths: &Value) -> Result<String, Error> {
    let parts: Vec<String> = match paths.kind() {
        ValueKind::String => return Ok(py_str(paths)),
        _ => as_list(paths)
            .ok_or_else(|| filter_error("path_join", "requires a list of paths"))?
            .iter()
            .map(|p| path_arg("path_join", p))
            .collect::<Result<_, _>>()?,
    };
    let mut out = String::new();
    for part in parts {
        if part.starts_with('/') {
            out = part;
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(&part);
        } else {
            out.push('/');
            out.push_str(&part);
        }
    }
    Ok(out)
}

/// `urllib.parse.urlsplit`: the whole split as a dict, or one part.
fn urlsplit(url: &Value, query: Option<&str>) -> Result<Value, Error> {
    let url = py_str(url);
    let (scheme, rest) = match url.split_once(':') {
        Some((s, r))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            (s.to_ascii_lowercase(), r)
        }
        _ => (String::new(), url.as_str()),
    };
    let (netloc, rest) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find(['/', '?', '#']).unwrap_or(r.len());
            (&r[..end], &r[end..])
        }
        None => ("", rest),
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (path, query_str) = rest.split_once('?').unwrap_or((rest, ""));
    let (userinfo, hostport) = match netloc.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, netloc),
    };
    let (username, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((a, b)) => (Value::from(a), Value::from(b)),
            None => (Value::from(u), Value::from(())),
        },
        None => (Value::from(()), Value::from(())),
    };
    let (hostname, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (h, after) = rest.split_once(']').unwrap_or((rest, ""));
        (
            h.to_ascii_lowercase(),
            after.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()),
        )
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), p.parse::<u16>().ok()),
            None => (hostport.to_ascii_lowercase(), None),
        }
    };
    let parts = [
        ("fragment", Value::from(fragment)),
        (
            "hostname",
            if hostname.is_empty() {
                Value::from(())
            } else {
                Value::from(hostname)
            },
        ),
        ("netloc", Value::from(netloc)),
        ("password", password),
        ("path", Value::from(path)),
        (
            "port",
            port.map_or(Value::from(()), |p| Value::from(u32::from(p))),
        ),
        ("query", Value::from(query_str)),
        ("scheme", Value::from(scheme)),
        ("username", username),
    ];
    match query {
        None => Ok(map_value(
            parts.into_iter().map(|(k, v)| (Value::from(k), v)),
        )),
        Some(q) => parts
            .into_iter()
            .find(|(k, _)| *k == q)
            .map(|(_, v)| v)
            .ok_or_else(|| filter_error("urlsplit", format!("unknown URL component `{q}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_os_path() {
        assert_eq!(basename("/etc/prometheus/x.yml"), "x.yml");
        assert_eq!(dirname("/etc/prometheus/x.yml"), "/etc/prometheus");
        assert_eq!(dirname("/x"), "/");
        assert_eq!(dirname("x"), "");
        assert_eq!(
            py_str(&splitext(&Value::from("a/b.tar.gz")).unwrap()),
            "['a/b.tar', '.gz']"
        );
        assert_eq!(
            py_str(&splitext(&Value::from(".bashrc")).unwrap()),
            "['.bashrc', '']"
        );
    }
}
