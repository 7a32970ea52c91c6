//! Strings and conversions: `comment`, `regex_replace`, `regex_search`, `regex_findall`,
//! `b64encode`, `b64decode`, `quote`, `bool`, `int`, `float`, `string`, `ternary`,
//! `mandatory`, `default`/`d`, `type_debug`, `indent`.

use base64::Engine;
use minijinja::{
    value::{Kwargs, Rest, ValueKind},
    Environment, Error, ErrorKind, Value,
};

use super::filter_error;
use crate::{render::python::py_str, vars::is_omit};

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "comment", comment);
    super::add_filter(env, "regex_replace", regex_replace);
    super::add_filter(env, "regex_search", regex_search);
    super::add_filter(env, "regex_findall", regex_findall);
    super::add_filter(env, "regex_escape", regex_escape);
    super::add_filter(env, "b64encode", b64encode);
    super::add_filter(env, "b64decode", b64decode);
    super::add_filter(env, "quote", quote);
    super::add_filter(env, "bool", to_bool);
    super::add_filter(env, "int", to_int);
    super::add_filter(env, "float", to_float);
    super::add_filter(env, "string", string);
    super::add_filter(env, "ternary", ternary);
    super::add_filter(env, "mandatory", mandatory);
    super::add_filter(env, "default", default);
    super::add_filter(env, "d", default);
    super::add_filter(env, "type_debug", type_debug);
    super::add_filter(env, "indent", indent);
    super::add_filter(env, "truncate", truncate);
    // Jinja2: len(re.findall(r"\w+", s)): runs of letters, digits and underscores
    super::add_filter(env, "wordcount", |v: &Value| {
        py_str(v)
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .count()
    });
    super::add_filter(env, "wordwrap", wordwrap);
    super::add_filter(env, "center", |v: &Value, width: Option<usize>| {
        let s = py_str(v);
        let width = width.unwrap_or(80);
        let len = s.chars().count();
        if len >= width {
            return s;
        }
        // Python's str.center: the extra space goes left when the padding is odd and the
        // width odd
        let pad = width - len;
        let left = pad / 2 + (pad & width & 1);
        format!("{}{s}{}", " ".repeat(left), " ".repeat(pad - left))
    });
}

/// Ansible's `comment(text, style='plain', **kw)`.
fn comment(text: &Value, style: Option<&str>, kwargs: Kwargs) -> Result<String, Error> {
    let text = py_str(text);
    let style = style.unwrap_or("plain");
    let (beginning, decoration, end) = match style {
        "plain" => ("", "# ", ""),
        "erlang" => ("", "% ", ""),
        "c" => ("", "// ", ""),
        "cblock" => ("/*", " * ", " */"),
        "xml" => ("<!--", " - ", "-->"),
        other => return Err(filter_error("comment", format!("unknown style `{other}`"))),
    };
    let get = |name: &str, default: String| -> Result<String, Error> {
        Ok(kwargs
            .get::<Option<Value>>(name)?
            .map_or(default, |v| py_str(&v)))
    };
    let prepostfix = get("decoration", decoration.to_string())?;
    let newline = get("newline", "\n".to_string())?;
    let beginning = get("beginning", beginning.to_string())?;
    let prefix = get("prefix", prepostfix.trim_end().to_string())?;
    let prefix_count: usize = kwargs.get::<Option<usize>>("prefix_count")?.unwrap_or(1);
    // a style's own decoration applies to the text lines unless `decoration` is given
    let decoration = kwargs
        .get::<Option<Value>>("decoration")?
        .map_or_else(|| decoration.to_string(), |v| py_str(&v));
    let postfix = get("postfix", prepostfix.trim_end().to_string())?;
    let postfix_count: usize = kwargs.get::<Option<usize>>("postfix_count")?.unwrap_or(1);
    let end = get("end", end.to_string())?;
    kwargs.assert_all_used()?;

    let mut out = String::new();
    if !beginning.is_empty() {
        out.push_str(&beginning);
        out.push_str(&newline);
    }
    if !prefix.is_empty() {
        let unit = if prefix == newline {
            newline.clone()
        } else {
            format!("{prefix}{newline}")
        };
        out.push_str(&unit.repeat(prefix_count));
    }
    let body = format!(
        "{decoration}{}",
        text.replace(&newline, &format!("{newline}{decoration}"))
    )
    .replace(
        &format!("{decoration}{newline}"),
        &format!("{}{newline}", decoration.trim_end()),
    );
    out.push_str(&body);
    for _ in 0..postfix_count {
        out.push_str(&newline);
        out.push_str(&postfix);
    }
    if !end.is_empty() {
        out.push_str(&newline);
        out.push_str(&end);
    }
    Ok(out)
}

fn compile(
    filter: &str,
    pattern: &str,
    ignorecase: bool,
    multiline: bool,
) -> Result<fancy_regex::Regex, Error> {
    let mut flags = String::new();
    if ignorecase {
        flags.push('i');
    }
    if multiline {
        flags.push('m');
    }
    let pattern = python_pattern(pattern, multiline);
    let full = if flags.is_empty() {
        pattern
    } else {
        format!("(?{flags}){pattern}")
    };
    fancy_regex::Regex::new(&full)
        .map_err(|e| filter_error(filter, format!("invalid regular expression: {e}")))
}

/// A Python `re` pattern written for fancy-regex where the two read the same text
/// differently: without MULTILINE, Python's `$` also matches just before a newline that ends
/// the text (fancy-regex's only at the very end), and Python's `\Z` is the very end (`\z`).
pub(super) fn python_pattern(pattern: &str, multiline: bool) -> String {
    // global flags written at the pattern's start (`(?m)...`)
    let multiline = multiline
        || pattern.strip_prefix("(?").is_some_and(|rest| {
            rest.split(')')
                .next()
                .is_some_and(|f| f.contains('m') && f.chars().all(|c| c.is_ascii_alphabetic()))
        });
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str("\\z"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // a `]` (after an optional `^`) first in a class is a literal
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '$' if !in_class && !multiline => out.push_str("(?:(?=\n\\z)|\\z)"),
            c => out.push(c),
        }
    }
    out
}

/// Expands a Python `re.sub` replacement template for one match.
fn expand(template: &str, caps: &fancy_regex::Captures<'_, str>) -> Result<String, Error> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(d) if d.is_ascii_digit() => {
                let mut num = d.to_string();
                if let Some(&d2) = chars.peek() {
                    if d2.is_ascii_digit() {
                        num.push(d2);
                        chars.next();
                    }
                }
                let n: usize = num.parse().unwrap_or(0);
                out.push_str(caps.get(n).map_or("", |m| m.as_str()));
            }
            Some('g') if chars.peek() == Some(&'<') => {
                chars.next();
                let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                let group = match name.parse::<usize>() {
                    Ok(n) => caps.get(n),
                    Err(_) => caps.name(&name),
                };
                out.push_str(group.map_or("", |m| m.as_str()));
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => return Err(filter_error("regex_replace", "bad escape (end of pattern)")),
        }
    }
    Ok(out)
}

fn regex_replace(
    value: &Value,
    pattern: Option<&str>,
    replacement: Option<&str>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let text = super::text(value)?;
    let pattern = pattern.unwrap_or("");
    let replacement = replacement.unwrap_or("");
    let ignorecase = kwargs.get::<Option<bool>>("ignorecase")?.unwrap_or(false);
    let multiline = kwargs.get::<Option<bool>>("multiline")?.unwrap_or(false);
    let count = kwargs.get::<Option<usize>>("count")?.unwrap_or(0);
    let mandatory_count = kwargs.get::<Option<usize>>("mandatory_count")?.unwrap_or(0);
    kwargs.assert_all_used()?;
    let re = compile("regex_replace", pattern, ignorecase, multiline)?;
    let mut out = String::new();
    let mut last = 0;
    let mut n = 0;
    for caps in re.captures_iter(text.as_str()) {
        let caps = caps.map_err(|e| filter_error("regex_replace", e))?;
        let whole = caps.get(0).expect("group 0 always exists");
        out.push_str(&text[last..whole.start()]);
        out.push_str(&expand(replacement, &caps)?);
        last = whole.end();
        n += 1;
        if count != 0 && n == count {
            break;
        }
    }
    out.push_str(&text[last..]);
    if mandatory_count != 0 && n != mandatory_count {
        return Err(filter_error(
            "regex_replace",
            format!("expected {mandatory_count} matches, found {n}"),
        ));
    }
    Ok(out)
}

fn regex_search(
    value: &Value,
    pattern: &str,
    groups: Rest<String>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let text = super::text(value)?;
    let ignorecase = kwargs.get::<Option<bool>>("ignorecase")?.unwrap_or(false);
    let multiline = kwargs.get::<Option<bool>>("multiline")?.unwrap_or(false);
    kwargs.assert_all_used()?;
    let re = compile("regex_search", pattern, ignorecase, multiline)?;
    let Some(caps) = re
        .captures(text.as_str())
        .map_err(|e| filter_error("regex_search", e))?
    else {
        return Ok(Value::from(()));
    };
    if groups.is_empty() {
        return Ok(Value::from(caps.get(0).map_or("", |m| m.as_str())));
    }
    let mut out = Vec::new();
    for g in groups.iter() {
        let found = if let Some(name) = g.strip_prefix("\\g<").and_then(|r| r.strip_suffix('>')) {
            match name.parse::<usize>() {
                Ok(n) => caps.get(n),
                Err(_) => caps.name(name),
            }
        } else if let Some(n) = g.strip_prefix('\\').and_then(|n| n.parse::<usize>().ok()) {
            caps.get(n)
        } else {
            return Err(filter_error("regex_search", "unknown argument"));
        };
        out.push(found.map_or(Value::from(()), |m| Value::from(m.as_str())));
    }
    Ok(Value::from(out))
}

fn regex_findall(value: &Value, pattern: &str, kwargs: Kwargs) -> Result<Value, Error> {
    let text = super::text(value)?;
    let ignorecase = kwargs.get::<Option<bool>>("ignorecase")?.unwrap_or(false);
    let multiline = kwargs.get::<Option<bool>>("multiline")?.unwrap_or(false);
    kwargs.assert_all_used()?;
    let re = compile("regex_findall", pattern, ignorecase, multiline)?;
    let mut out = Vec::new();
    for caps in re.captures_iter(text.as_str()) {
        let caps = caps.map_err(|e| filter_error("regex_findall", e))?;
        // Python: the whole match without groups, the group with one, a tuple with several
        out.push(match caps.len() {
            1 => Value::from(caps.get(0).map_or("", |m| m.as_str())),
            2 => Value::from(caps.get(1).map_or("", |m| m.as_str())),
            n => Value::from(
                (1..n)
                    .map(|i| Value::from(caps.get(i).map_or("", |m| m.as_str())))
                    .collect::<Vec<_>>(),
            ),
        });
    }
    Ok(Value::from(out))
}

fn regex_escape(value: &Value) -> Result<String, Error> {
    // Python's re.escape (3.7+): only the regex special characters and whitespace
    let mut out = String::new();
    for c in super::text(value)?.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\x0b\x0c".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(out)
}

fn b64encode(value: &Value) -> Result<String, Error> {
    Ok(base64::engine::general_purpose::STANDARD.encode(super::text(value)?.as_bytes()))
}

fn b64decode(value: &Value) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(super::text(value)?.trim())
        .map_err(|e| filter_error("b64decode", e))?;
    String::from_utf8(bytes)
        .map_err(|_| filter_error("b64decode", "the decoded bytes are not UTF-8 text"))
}

/// Python's `shlex.quote`.
fn quote(value: &Value) -> Result<String, Error> {
    let s = super::text(value)?;
    if s.is_empty() {
        return Ok("''".to_string());
    }
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c))
    {
        return Ok(s);
    }
    Ok(format!("'{}'", s.replace('\'', "'\"'\"'")))
}

/// Ansible's `bool` filter (`to_bool`).
fn to_bool(value: &Value) -> Value {
    match value.kind() {
        ValueKind::Bool => value.clone(),
        ValueKind::None => Value::from(false),
        ValueKind::String => Value::from(matches!(
            value.as_str().unwrap_or("").to_lowercase().as_str(),
            "yes" | "on" | "1" | "true"
        )),
        ValueKind::Number => Value::from(value.as_i64() == Some(1)),
        _ => Value::from(false),
    }
}

/// Jinja2's `int(value, default=0, base=10)`.
fn to_int(value: &Value, default: Option<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let default = kwargs
        .get::<Option<Value>>("default")?
        .or(default)
        .unwrap_or(Value::from(0));
    let base = kwargs.get::<Option<u32>>("base")?.unwrap_or(10);
    kwargs.assert_all_used()?;
    Ok(match value.kind() {
        ValueKind::Bool => Value::from(i64::from(value.is_true())),
        ValueKind::Number if value.is_integer() => value.clone(),
        ValueKind::Number => f64::try_from(value.clone())
            .ok()
            .filter(|f| f.is_finite())
            .map_or(default, |f| Value::from(f.trunc() as i64)),
        ValueKind::String => {
            let s = value.as_str().unwrap_or("").trim().replace('_', "");
            let digits = match base {
                16 => s
                    .trim_start_matches("0x")
                    .trim_start_matches("0X")
                    .to_string(),
                8 => s
                    .trim_start_matches("0o")
                    .trim_start_matches("0O")
                    .to_string(),
                2 => s
                    .trim_start_matches("0b")
                    .trim_start_matches("0B")
                    .to_string(),
                _ => s.clone(),
            };
            match i64::from_str_radix(&digits, base) {
                Ok(i) => Value::from(i),
                Err(_) if base == 10 => s
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map_or(default, |f| Value::from(f.trunc() as i64)),
                Err(_) => default,
            }
        }
        _ => default,
    })
}

fn to_float(value: &Value, default: Option<Value>) -> Value {
    let default = default.unwrap_or(Value::from(0.0));
    match value.kind() {
        // Python's float(True) is 1.0
        ValueKind::Bool => Value::from(if value.is_true() { 1.0 } else { 0.0 }),
        ValueKind::Number => f64::try_from(value.clone()).map_or(default, Value::from),
        ValueKind::String => value
            .as_str()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map_or(default, Value::from),
        _ => default,
    }
}

fn string(value: &Value) -> Result<String, Error> {
    // Ansible: an undefined item of a list (a missing variable from `query('vars', ...)`)
    // fails when the list becomes a string
    if value.kind() != ValueKind::Undefined && crate::render::contains_undefined(value, 0) {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "an undefined value inside a list or dict is turned into a string",
        ));
    }
    super::text(value)
}

fn ternary(value: &Value, true_val: Value, false_val: Value, none_val: Option<Value>) -> Value {
    if value.is_none() {
        if let Some(n) = none_val {
            return n;
        }
    }
    if value.is_true() {
        true_val
    } else {
        false_val
    }
}

fn mandatory(value: &Value, msg: Option<&str>) -> Result<Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            msg.unwrap_or("mandatory variable not defined").to_string(),
        ));
    }
    Ok(value.clone())
}

/// Jinja2's `default(value, default_value='', boolean=False)`.
fn default(value: &Value, args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    // `Rest` keeps an undefined argument undefined (`x | default(y)` with y undefined is
    // undefined, so that a further `| default(z)` applies, as in Jinja2).
    let other = kwargs
        .get::<Option<Value>>("default_value")?
        .or_else(|| args.first().cloned());
    let boolean = kwargs
        .get::<Option<bool>>("boolean")?
        .or_else(|| args.get(1).map(Value::is_true))
        .unwrap_or(false);
    kwargs.assert_all_used()?;
    let missing = value.is_undefined() || (boolean && !value.is_true());
    Ok(if missing {
        other.unwrap_or_else(|| Value::from(""))
    } else {
        value.clone()
    })
}

/// Python's type name, as Ansible's `type_debug` shows it.
fn type_debug(value: &Value) -> &'static str {
    if is_omit(value) {
        "object"
    } else if value.is_undefined() {
        "AnsibleUndefined"
    } else if matches!(value.kind(), ValueKind::Seq | ValueKind::Iterable) {
        // Ansible 2.19 hands templates lists where Python had tuples or generators
        "list"
    } else {
        crate::render::python::py_type_name(value)
    }
}

/// Python's `str.splitlines()` boundaries.
fn split_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\u{b}'
                | '\u{c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        lines.push(&s[start..i]);
        let mut next = i + c.len_utf8();
        if c == '\r' {
            if let Some(&(j, '\n')) = chars.peek() {
                chars.next();
                next = j + 1;
            }
        }
        start = next;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// Jinja2's `indent(width=4, first=False, blank=False)`.
fn indent(
    value: &Value,
    width: Option<Value>,
    first: Option<bool>,
    blank: Option<bool>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let width = kwargs.get::<Option<Value>>("width")?.or(width);
    let first = kwargs
        .get::<Option<bool>>("first")?
        .or(first)
        .unwrap_or(false);
    let blank = kwargs
        .get::<Option<bool>>("blank")?
        .or(blank)
        .unwrap_or(false);
    kwargs.assert_all_used()?;
    let indention = match &width {
        None => "    ".to_string(),
        Some(w) if w.kind() == ValueKind::String => w.as_str().unwrap_or("").to_string(),
        Some(w) => " ".repeat(w.as_usize().unwrap_or(4)),
    };
    let s = format!("{}\n", super::text(value)?);
    let lines = split_lines(&s);
    let mut rv = if blank {
        lines.join(&format!("\n{indention}"))
    } else {
        let mut iter = lines.iter();
        let mut rv = iter.next().copied().unwrap_or("").to_string();
        let rest: Vec<String> = iter
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{indention}{l}")
                }
            })
            .collect();
        if !rest.is_empty() {
            rv.push('\n');
            rv.push_str(&rest.join("\n"));
        }
        rv
    };
    if first {
        rv.insert_str(0, &indention);
    }
    Ok(rv)
}

/// Jinja2's `truncate(s, length=255, killwords=False, end='...', leeway=None)` (leeway 5).
fn truncate(
    value: &Value,
    length: Option<usize>,
    killwords: Option<bool>,
    end: Option<&str>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let length = kwargs
        .get::<Option<usize>>("length")?
        .or(length)
        .unwrap_or(255);
    let killwords = kwargs
        .get::<Option<bool>>("killwords")?
        .or(killwords)
        .unwrap_or(false);
    let end: String = kwargs
        .get::<Option<String>>("end")?
        .or(end.map(str::to_string))
        .unwrap_or_else(|| "...".to_string());
    let leeway = kwargs.get::<Option<usize>>("leeway")?.unwrap_or(5);
    kwargs.assert_all_used()?;
    let end_len = end.chars().count();
    if length < end_len {
        return Err(super::filter_error(
            "truncate",
            format!("expected length >= {end_len}, got {length}"),
        ));
    }
    // Jinja2 takes len() of the value itself: a number has none
    if matches!(
        value.kind(),
        ValueKind::Number | ValueKind::Bool | ValueKind::None
    ) {
        return Err(super::filter_error(
            "truncate",
            format!(
                "object of type '{}' has no len()",
                crate::render::python::py_type_name(value)
            ),
        ));
    }
    let s = super::text(value)?;
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= length + leeway {
        return Ok(s);
    }
    let keep = length.saturating_sub(end.chars().count());
    let head: String = chars[..keep.min(chars.len())].iter().collect();
    if killwords {
        return Ok(format!("{head}{end}"));
    }
    let cut = head.rsplit_once(' ').map_or(head.as_str(), |(a, _)| a);
    Ok(format!("{cut}{end}"))
}

/// Jinja2's `wordwrap(s, width=79, break_long_words=True, wrapstring=None)` (textwrap).
fn wordwrap(
    value: &Value,
    width: Option<usize>,
    break_long_words: Option<bool>,
    wrapstring: Option<&str>,
) -> Result<String, Error> {
    let width = width.unwrap_or(79).max(1);
    let breaks = break_long_words.unwrap_or(true);
    let sep = wrapstring.unwrap_or("\n");
    let s = super::text(value)?;
    let mut paragraphs = Vec::new();
    for para in s.split('\n') {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word = word.to_string();
            while breaks && word.chars().count() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let head: String = word.chars().take(width).collect();
                lines.push(head);
                word = word.chars().skip(width).collect();
            }
            let extra = usize::from(!line.is_empty());
            if line.chars().count() + extra + word.chars().count() > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        paragraphs.push(lines.join(sep));
    }
    Ok(paragraphs.join(sep))
}
