//! Python methods on values, as templates call them (`host.split('.')`, `d.items()`):
//! minijinja-contrib's `pycompat` set, plus the string and list methods Ansible templates
//! also use that it lacks.

use minijinja::{value::ValueKind, Error, ErrorKind, State, Value};

use crate::render::python::py_str;

fn arg_str(args: &[Value], i: usize) -> Option<String> {
    args.get(i).filter(|v| !v.is_none()).map(py_str)
}

fn arg_usize(args: &[Value], i: usize) -> Result<Option<usize>, Error> {
    match args.get(i) {
        None => Ok(None),
        Some(v) => v
            .as_usize()
            .map(Some)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "expected a number")),
    }
}

fn pad(s: &str, width: usize, fill: &str, left: bool) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let fill = fill
        .chars()
        .next()
        .unwrap_or(' ')
        .to_string()
        .repeat(width - len);
    if left {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

fn string_method(s: &str, method: &str, args: &[Value]) -> Result<Option<Value>, Error> {
    let not_found = || Error::new(ErrorKind::InvalidOperation, "substring not found");
    Ok(Some(match method {
        "rsplit" => {
            let max = match args.get(1) {
                Some(v) => v.as_i64().unwrap_or(-1),
                None => -1,
            };
            let mut parts: Vec<String> = match arg_str(args, 0) {
                Some(sep) => {
                    if max < 0 {
                        s.rsplit(sep.as_str()).map(str::to_string).collect()
                    } else {
                        s.rsplitn(usize::try_from(max).unwrap_or(0) + 1, sep.as_str())
                            .map(str::to_string)
                            .collect()
                    }
                }
                None => {
                    let words: Vec<&str> = s.split_whitespace().collect();
                    if max < 0 || words.len() <= usize::try_from(max).unwrap_or(0) {
                        words.iter().rev().map(|w| (*w).to_string()).collect()
                    } else {
                        let m = usize::try_from(max).unwrap_or(0);
                        let mut out: Vec<String> = words[words.len() - m..]
                            .iter()
                            .rev()
                            .map(|w| (*w).to_string())
                            .collect();
                        let head_end = s.trim_end().rfind(words[words.len() - m]).unwrap_or(0);
                        out.push(s[..head_end].trim_end().to_string());
                        out
                    }
                }
            };
            parts.reverse();
            Value::from(parts)
        }
        "partition" | "rpartition" => {
            let sep = arg_str(args, 0).unwrap_or_default();
            let found = if method == "partition" {
                s.find(&sep)
            } else {
                s.rfind(&sep)
            };
            let parts = match found {
                Some(i) => [&s[..i], sep.as_str(), &s[i + sep.len()..]],
                None if method == "partition" => [s, "", ""],
                None => ["", "", s],
            };
            Value::from(parts.iter().map(|p| Value::from(*p)).collect::<Vec<_>>())
        }
        // Python's str.title: a letter after a non-letter starts a word ("It'S", "3Rd")
        "title" => {
            let mut out = String::with_capacity(s.len());
            let mut prev_letter = false;
            for c in s.chars() {
                if c.is_alphabetic() {
                    if prev_letter {
                        out.extend(c.to_lowercase());
                    } else {
                        out.extend(c.to_uppercase());
                    }
                    prev_letter = true;
                } else {
                    out.push(c);
                    prev_letter = false;
                }
            }
            Value::from(out)
        }
        "swapcase" => Value::from(
            s.chars()
                .flat_map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<Vec<_>>()
                    } else {
                        c.to_uppercase().collect::<Vec<_>>()
                    }
                })
                .collect::<String>(),
        ),
        "zfill" => {
            let width = arg_usize(args, 0)?.unwrap_or(0);
            let (sign, digits) = match s.strip_prefix(['+', '-']) {
                Some(rest) => (&s[..1], rest),
                None => ("", s),
            };
            let len = s.chars().count();
            if len >= width {
                Value::from(s)
            } else {
                Value::from(format!("{sign}{}{digits}", "0".repeat(width - len)))
            }
        }
        "ljust" => Value::from(pad(
            s,
            arg_usize(args, 0)?.unwrap_or(0),
            &arg_str(args, 1).unwrap_or_else(|| " ".into()),
            false,
        )),
        "rjust" => Value::from(pad(
            s,
            arg_usize(args, 0)?.unwrap_or(0),
            &arg_str(args, 1).unwrap_or_else(|| " ".into()),
            true,
        )),
        "center" => {
            let width = arg_usize(args, 0)?.unwrap_or(0);
            let fill = arg_str(args, 1).unwrap_or_else(|| " ".into());
            let len = s.chars().count();
            if len >= width {
                Value::from(s)
            } else {
                let padding = width - len;
                let left = padding / 2 + (padding & width & 1);
                let f = fill.chars().next().unwrap_or(' ').to_string();
                Value::from(format!("{}{s}{}", f.repeat(left), f.repeat(padding - left)))
            }
        }
        "index" | "rindex" => {
            let sub = arg_str(args, 0).unwrap_or_default();
            let at = if method == "index" {
                s.find(&sub)
            } else {
                s.rfind(&sub)
            };
            Value::from(s[..at.ok_or_else(not_found)?].chars().count())
        }
        _ => return Ok(None),
    }))
}

fn seq_method(value: &Value, method: &str, args: &[Value]) -> Result<Option<Value>, Error> {
    Ok(Some(match method {
        "index" => {
            let needle = args.first().cloned().unwrap_or_default();
            let pos = value
                .try_iter()?
                .position(|v| v == needle)
                .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "value is not in list"))?;
            Value::from(pos)
        }
        _ => return Ok(None),
    }))
}

/// minijinja's unknown-method callback: ours first, then `pycompat`'s.
///
/// # Errors
/// An unknown method, or a method's own error.
pub fn call(
    state: &mut State,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    // a variable that failed to template fails the call (never printed as empty)
    if let Some(bad) = args.iter().find(|a| a.kind() == ValueKind::Invalid) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{method}(): {}", py_str(bad)),
        ));
    }
    let ours = match value.kind() {
        ValueKind::String => string_method(value.as_str().unwrap_or(""), method, args)?,
        ValueKind::Seq => seq_method(value, method, args)?,
        _ => None,
    };
    match ours {
        Some(v) => Ok(v),
        None => minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_str(s: &str, m: &str, args: &[Value]) -> String {
        py_str(&string_method(s, m, args).unwrap().unwrap())
    }

    #[test]
    fn string_methods_like_python() {
        assert_eq!(
            call_str("a.b.c", "rsplit", &[Value::from("."), Value::from(1)]),
            "['a.b', 'c']"
        );
        assert_eq!(
            call_str("k=v=w", "partition", &[Value::from("=")]),
            "['k', '=', 'v=w']"
        );
        assert_eq!(call_str("42", "zfill", &[Value::from(5)]), "00042");
        assert_eq!(call_str("-42", "zfill", &[Value::from(5)]), "-0042");
        assert_eq!(
            call_str("ab", "center", &[Value::from(5), Value::from("*")]),
            "**ab*"
        );
        assert_eq!(call_str("aBc", "swapcase", &[]), "AbC");
        assert_eq!(call_str("abcb", "rindex", &[Value::from("b")]), "3");
    }
}
