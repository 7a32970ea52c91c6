//! Rendering templates as Ansible's template module does, with minijinja: Ansible's
//! whitespace settings (`trim_blocks` on, `lstrip_blocks` off, the template's trailing
//! newlines kept exactly) and `#jinja2:` header overrides, strict undefined variables,
//! Python's `str()` for printed values (`True`, `None` as empty text), Ansible's filters and
//! tests, and Python methods on values (`.items()`, `.split()`, ...).

pub mod filters;
pub mod methods;
pub mod operators;
pub mod python;

use std::sync::Arc;

use minijinja::{
    syntax::SyntaxConfig, value::ValueKind, Environment, Error, ErrorKind, UndefinedBehavior, Value,
};

use crate::vars::{describe_error, HostScope, Shared};

/// Whitespace and delimiter settings, as a `#jinja2:` header may override them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub block: (String, String),
    pub variable: (String, String),
    pub comment: (String, String),
}

impl Default for Settings {
    /// Ansible's template module defaults.
    fn default() -> Self {
        Settings {
            trim_blocks: true,
            lstrip_blocks: false,
            block: ("{%".into(), "%}".into()),
            variable: ("{{".into(), "}}".into()),
            comment: ("{#".into(), "#}".into()),
        }
    }
}

/// Splits off a `#jinja2: key: value, ...` first line and applies it to the defaults.
///
/// # Errors
/// A header naming an unknown setting or an invalid value.
pub fn split_header(source: &str) -> Result<(Settings, &str), String> {
    let mut settings = Settings::default();
    let Some(rest) = source.strip_prefix("#jinja2:") else {
        return Ok((settings, source));
    };
    let (header, body) = match rest.find('\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    for part in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once(':')
            .ok_or_else(|| format!("`#jinja2:` header: `{part}` is not `key: value`"))?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let flag = || match value {
            "True" | "true" => Ok(true),
            "False" | "false" => Ok(false),
            _ => Err(format!("`#jinja2:` header: `{key}` must be True or False")),
        };
        match key.trim() {
            "trim_blocks" => settings.trim_blocks = flag()?,
            "lstrip_blocks" => settings.lstrip_blocks = flag()?,
            // Ansible keeps the template's trailing newlines exactly, whatever this says.
            "keep_trailing_newline" | "newline_sequence" => {}
            "block_start_string" => settings.block.0 = value.to_string(),
            "block_end_string" => settings.block.1 = value.to_string(),
            "variable_start_string" => settings.variable.0 = value.to_string(),
            "variable_end_string" => settings.variable.1 = value.to_string(),
            "comment_start_string" => settings.comment.0 = value.to_string(),
            "comment_end_string" => settings.comment.1 = value.to_string(),
            other => return Err(format!("`#jinja2:` header: unknown setting `{other}`")),
        }
    }
    Ok((settings, body))
}

/// A minijinja environment configured as Ansible's templating is.
///
/// # Errors
/// Invalid delimiters.
/// The bounds on template execution: a hostile or mistaken template or variable fails with
/// a clear error instead of running for ever or filling memory.
pub mod limits {
    /// Instructions one render may execute (a 100,000-job config takes about a tenth of it).
    pub const FUEL: u64 = 50_000_000;
    /// How deep lazily templated variables may refer to each other (`a: "{{ b }}"`, ...).
    pub const VARIABLE_DEPTH: usize = 100;
    /// The largest value a variable may template to, and the largest rendered output.
    pub const VALUE_BYTES: usize = 64 << 20;
}

/// The Jinja syntax `settings` describe (delimiters, whitespace control).
pub fn syntax(settings: &Settings) -> Result<SyntaxConfig, Error> {
    SyntaxConfig::builder()
        .block_delimiters(settings.block.0.clone(), settings.block.1.clone())
        .variable_delimiters(settings.variable.0.clone(), settings.variable.1.clone())
        .comment_delimiters(settings.comment.0.clone(), settings.comment.1.clone())
        .trim_blocks(settings.trim_blocks)
        .lstrip_blocks(settings.lstrip_blocks)
        .keep_trailing_newline(true)
        .build()
}

pub fn environment(settings: &Settings) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_syntax(syntax(settings)?);
    env.add_function(operators::PERCENT, operators::percent);
    env.add_function(operators::COMPARE, operators::compare);
    env.add_function(operators::MACRO_CALL, operators::macro_call);
    env.add_function(operators::KEY, operators::key);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // minijinja's debug mode (on by default in debug builds) copies the whole context into
    // every error: with thousands of variables that costs minutes, and errors could carry
    // vault values; promvault reports errors itself
    env.set_debug(false);
    // a template that never ends (nested loops over big ranges) stops with an error
    env.set_fuel(Some(limits::FUEL));
    env.set_unknown_method_callback(methods::call);
    env.set_formatter(|out, _state, value| {
        if value.kind() == ValueKind::Invalid {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "a variable could not be templated",
            ));
        }
        // None and Ansible's omit placeholder print as nothing
        if value.is_none() || crate::vars::is_omit(value) {
            return Ok(());
        }
        if contains_undefined(value, 0) {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                "an undefined value inside a list or dict is printed",
            ));
        }
        record_node(value);
        out.write_str(&python::py_str(value))
            .map_err(|_| Error::new(ErrorKind::WriteFailure, "cannot write output"))
    });
    env.add_function("cycler", minijinja_contrib::globals::cycler);
    env.add_function("joiner", minijinja_contrib::globals::joiner);
    env.add_function("lookup", lookup);
    env.add_function("query", query);
    env.add_function("q", query);
    env.add_function("dict", py_dict);
    env.add_global("none", Value::from(()));
    env.add_global("True", Value::from(true));
    env.add_global("False", Value::from(false));
    env.add_global("None", Value::from(()));
    filters::register(&mut env);
    crate::secret_files::register(&mut env);
    Ok(env)
}

/// Jinja's lexer does not apply `trim_blocks` to the `{% raw %}` tag itself (only to
/// `{% endraw %}`): the newline right after it is kept. minijinja trims it, unless the tag
/// says `+%}`, which is what this writes.
#[must_use]
pub fn keep_newline_after_raw<'a>(
    source: &'a str,
    block: &(String, String),
) -> std::borrow::Cow<'a, str> {
    if !source.contains("raw") {
        return std::borrow::Cow::Borrowed(source);
    }
    let pattern = format!(
        r"({}[-+]?\s*raw\s*){}",
        regex::escape(&block.0),
        regex::escape(&block.1)
    );
    match regex::Regex::new(&pattern) {
        Ok(re) => re.replace_all(source, format!("${{1}}+{}", block.1.replace('$', "$$"))),
        Err(_) => std::borrow::Cow::Borrowed(source),
    }
}

/// Python's `dict(iterable_or_mapping, **kwargs)`: pairs are any two-item sequences
/// (two-character strings too), keys of any type; keyword arguments come last.
fn py_dict(
    args: minijinja::value::Rest<Value>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, Error> {
    let positional = args.0;
    // as with filters, an undefined argument makes the result undefined
    if positional.iter().any(Value::is_undefined) {
        return Ok(Value::UNDEFINED);
    }
    let mut out = indexmap::IndexMap::new();
    match positional.as_slice() {
        [] => {}
        [source] => {
            if source.kind() == ValueKind::Map {
                for key in source.try_iter()? {
                    let value = source.get_item(&key)?;
                    out.insert(key, value);
                }
            } else {
                for (i, pair) in source.try_iter()?.enumerate() {
                    let items: Vec<Value> = if let Some(s) = pair.as_str() {
                        s.chars().map(|c| Value::from(c.to_string())).collect()
                    } else {
                        pair.try_iter()
                            .map_err(|_| {
                                Error::new(
                                    ErrorKind::InvalidOperation,
                                    format!("dict(): cannot convert dictionary update sequence element #{i} to a sequence"),
                                )
                            })?
                            .collect()
                    };
                    let [k, v] = <[Value; 2]>::try_from(items).map_err(|items| {
                        Error::new(
                            ErrorKind::InvalidOperation,
                            format!("dict(): dictionary update sequence element #{i} has length {}; 2 is required", items.len()),
                        )
                    })?;
                    out.insert(k, v);
                }
            }
        }
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("dict expected at most 1 argument, got {}", positional.len()),
            ))
        }
    }
    for key in kwargs.args() {
        let value: Value = kwargs.get(key)?;
        out.insert(Value::from(key), value);
    }
    Ok(Value::from_object(out))
}

/// Ansible's `lookup('vars', name...)`. Other lookups (env, file, pipe, password, ...) would
/// make a render depend on the machine it runs on, so they are refused with a clear error.
fn lookup(
    state: &minijinja::State,
    name: &str,
    args: minijinja::value::Rest<Value>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, Error> {
    let mut found = lookup_values(state, name, args, kwargs)?;
    Ok(if found.len() == 1 {
        found.remove(0)
    } else {
        Value::from(found)
    })
}

/// Ansible's `query(...)` (`q(...)`): the lookup's values as a list, one per name, always
/// (a list variable comes back inside the list). A missing variable is an undefined item,
/// which fails where the list is printed or turned into a string.
fn query(
    state: &minijinja::State,
    name: &str,
    args: minijinja::value::Rest<Value>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, Error> {
    Ok(Value::from(lookup_values(state, name, args, kwargs)?))
}

/// The values of `lookup(name, args...)`, one per argument.
fn lookup_values(
    state: &minijinja::State,
    name: &str,
    args: minijinja::value::Rest<Value>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Vec<Value>, Error> {
    let name = name.trim_start_matches("ansible.builtin.");
    match name {
        "vars" => {
            let names = args.0;
            let default: Option<Value> = kwargs.get("default")?;
            kwargs.assert_all_used()?;
            let mut found = Vec::new();
            for arg in &names {
                let key = python::py_str(arg);
                match state.lookup(&key) {
                    // a variable that failed to template fails the lookup
                    Some(v) if v.kind() == ValueKind::Invalid => {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("lookup('vars'): `{key}` could not be templated"),
                        ))
                    }
                    Some(v) if !v.is_undefined() => found.push(v),
                    _ if default.is_some() => found.push(default.clone().unwrap_or_default()),
                    // Ansible 2.19: an undefined value, which fails only where it is used
                    // (`| default(...)` and `is defined` take it)
                    _ => found.push(Value::UNDEFINED),
                }
            }
            Ok(found)
        }
        other => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("lookup('{other}') is not supported: a render must not depend on the machine it runs on; put the value in the inventory or the vault"),
        )),
    }
}

use crate::finding::Location;

thread_local! {
    /// The values `{{ }}` blocks printed, per render in progress on this thread (innermost
    /// last): Ansible's concat keeps a lone non-string node as it is.
    static NODES: std::cell::RefCell<Vec<Vec<Value>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether a list or dict (built in the template or by a filter) holds an undefined value,
/// which Ansible refuses to print. Host scopes and `hostvars` are not walked.
pub(crate) fn contains_undefined(value: &Value, depth: usize) -> bool {
    if depth > 64 || crate::vars::is_scope(value) {
        return false;
    }
    match value.kind() {
        ValueKind::Undefined => depth > 0,
        ValueKind::Seq => value
            .try_iter()
            .is_ok_and(|mut it| it.any(|v| contains_undefined(&v, depth + 1))),
        ValueKind::Map => value.try_iter().is_ok_and(|mut it| {
            it.any(|k| {
                value
                    .get_item(&k)
                    .is_ok_and(|v| contains_undefined(&v, depth + 1))
            })
        }),
        _ => false,
    }
}

fn record_node(value: &Value) {
    NODES.with(|n| {
        if let Some(top) = n.borrow_mut().last_mut() {
            if top.len() < 2 {
                top.push(value.clone());
            }
        }
    });
}

/// What Ansible's template engine makes of a render: it concatenates the template's output
/// nodes (literal text and printed values, `None` dropped) only when there are two or more; a
/// single node is the value itself, no node at all is `None`.
#[derive(Debug)]
pub enum Rendered {
    /// Nothing was output (`None` in Ansible).
    Nothing,
    /// One printed value that is not a string, and nothing else.
    Native(Value),
    /// Text.
    Text(String),
}

/// Runs `render` (a minijinja render on this thread) and tells what Ansible's concat would
/// have made of its output.
///
/// # Errors
/// The render's error.
pub fn render_nodes(render: impl FnOnce() -> Result<String, Error>) -> Result<Rendered, Error> {
    NODES.with(|n| n.borrow_mut().push(Vec::new()));
    let result = render();
    let nodes = NODES.with(|n| n.borrow_mut().pop()).unwrap_or_default();
    let text = result?;
    Ok(match nodes.as_slice() {
        [] if text.is_empty() => Rendered::Nothing,
        [one] if one.as_str().is_none() && text == python::py_str(one) => {
            Rendered::Native(one.clone())
        }
        _ => Rendered::Text(text),
    })
}

/// A template that failed to render, with the place and the cause.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{location}: {message}")]
pub struct RenderError {
    /// The template (or `promvault.yml: outputs[N].dest`) and line.
    pub location: crate::finding::Location,
    pub message: String,
    /// Whether the problem is an undefined variable (in the template or a variable it uses).
    pub undefined: bool,
    /// Whether the message already names the environment and host it was rendered for.
    pub names_host: bool,
}

/// Renders `source` (the template file `name`) for `scope`.
///
/// # Errors
/// A syntax error, an undefined variable, a failing filter: with file and line, and the
/// variable at fault when a lazily templated variable failed.
pub fn render(
    shared: &Arc<Shared>,
    scope: &Arc<HostScope>,
    name: &str,
    source: &str,
) -> Result<String, RenderError> {
    render_traced(shared, scope, name, source).map(|(text, _)| text)
}

/// [`render`], with the [`Provenance`] of the output: which template line wrote each part.
///
/// # Errors
/// As [`render`].
pub fn render_traced(
    shared: &Arc<Shared>,
    scope: &Arc<HostScope>,
    name: &str,
    source: &str,
) -> Result<(String, Provenance), RenderError> {
    python::with_tuples_as_lists(|| render_inner(shared, scope, name, source))
}

/// Which template file and line wrote each part of a rendered output, as minijinja records it
/// while rendering (text is attributed to its line; the value of `{{ expr }}` to the line of
/// the expression; what a macro or `{% filter %}` block produced, to the expression that wrote
/// it out; an included template's output, to the included file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `(output start, output end, template, line, raw)`, in output order, not
    /// overlapping; `raw` for template text written as it is (whose later lines are the
    /// template's later lines), else the output of one `{{ expression }}`.
    spans: Vec<(usize, usize, Arc<str>, usize, bool)>,
    /// A template without template syntax is its own output: line N wrote line N.
    verbatim: Option<Arc<str>>,
}

impl Provenance {
    /// Every template that wrote part of the output (included ones too), once each.
    #[must_use]
    pub fn templates(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.verbatim.iter().map(|n| &**n).collect();
        for (_, _, name, _, _) in &self.spans {
            if !names.contains(&&**name) {
                names.push(name);
            }
        }
        names
    }

    /// The template and 1-based line that wrote the output byte at `offset` of `output`,
    /// whose lines start at `starts` (`pipeline::line_starts`): lines are counted there, not
    /// by reading the output again for each offset asked.
    #[must_use]
    pub fn source_of(
        &self,
        output: &str,
        starts: &[usize],
        offset: usize,
    ) -> Option<(&str, usize)> {
        // the 1-based line of a byte offset: how many lines start at or before it
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
        if let Some(name) = &self.verbatim {
            output.get(..offset)?;
            return Some((name, line_of(offset)));
        }
        let i = self
            .spans
            .partition_point(|(_, end, _, _, _)| *end <= offset);
        let (start, _, name, line, raw) = self.spans.get(i)?;
        if *start > offset {
            return None;
        }
        let within = if *raw {
            output.get(*start..offset)?;
            line_of(offset) - line_of(*start)
        } else {
            0
        };
        Some((&**name, line + within))
    }
}

fn render_inner(
    shared: &Arc<Shared>,
    scope: &Arc<HostScope>,
    name: &str,
    source: &str,
) -> Result<(String, Provenance), RenderError> {
    let errors = crate::vars::RenderErrors::begin();
    let (settings, body) = split_header(source).map_err(|message| RenderError {
        location: Location::line(name, Some(1)),
        message,
        undefined: false,
        names_host: false,
    })?;
    let header_lines = usize::from(body.len() != source.len());
    // Ansible leaves a file without template syntax exactly as it is.
    if !crate::data::is_template(body) && settings == Settings::default() {
        let provenance = Provenance {
            spans: Vec::new(),
            verbatim: Some(Arc::from(name)),
        };
        return Ok((body.to_string(), provenance));
    }
    // Jinja reads every line ending as "\n"; Ansible then strips one final newline before
    // rendering (keep_trailing_newline off) and adds back, after, the newlines the result
    // lacks compared with the template.
    let normalized = body.replace("\r\n", "\n").replace('\r', "\n");
    let wanted_newlines = trailing_newlines(&normalized);
    let stripped = normalized.strip_suffix('\n').unwrap_or(&normalized);
    let env = environment(&settings).map_err(|e| RenderError {
        location: Location::line(name, Some(1)),
        message: e.to_string(),
        undefined: false,
        names_host: false,
    })?;
    let stripped = if settings.trim_blocks {
        keep_newline_after_raw(stripped, &settings.block)
    } else {
        std::borrow::Cow::Borrowed(stripped)
    };
    // `{% include %}`, `{% import %}` and `{% extends %}` find templates beside this one, as
    // Ansible's template module does (inside the project only).
    let mut env = env;
    let root = std::path::PathBuf::from(&shared.play.project_root);
    let dir = std::path::Path::new(name)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let (block, trim) = (settings.block.clone(), settings.trim_blocks);
    let syntax_config = syntax(&settings).map_err(|e| RenderError {
        location: Location::line(name, Some(1)),
        message: e.to_string(),
        undefined: false,
        names_host: false,
    })?;
    let rewritten = match operators::rewrite_template(&stripped, &syntax_config) {
        std::borrow::Cow::Owned(text) => Some(text),
        std::borrow::Cow::Borrowed(_) => None,
    };
    let stripped = rewritten.map_or(stripped, std::borrow::Cow::Owned);
    let (loader_root, loader_dir) = (root.clone(), dir.clone());
    env.set_loader(move |included| {
        let path = loader_root.join(&loader_dir).join(included);
        match crate::sandbox::read_to_string(&loader_root, &path) {
            Ok(text) => {
                // Jinja reads it as the main template: line endings as "\n", one final
                // newline dropped (keep_trailing_newline is off in Ansible)
                let text = text.replace("\r\n", "\n").replace('\r', "\n");
                let text = text.strip_suffix('\n').unwrap_or(&text);
                let text = if trim {
                    keep_newline_after_raw(text, &block)
                } else {
                    std::borrow::Cow::Borrowed(text)
                };
                Ok(Some(
                    operators::rewrite_template(&text, &syntax_config).into_owned(),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot read template `{included}`: {e}"),
            )),
        }
    });
    let tmpl = env
        .template_from_named_str(name, &stripped)
        .map_err(|e| located(name, header_lines, &e, Vec::new()))?;
    // One printed non-string value and nothing else is that value (written as Python
    // prints it, with no newline added back); no output at all is `None`, an empty file.
    let mut spans = Vec::new();
    let rendered = render_nodes(|| {
        let (text, recorded) = tmpl.render_with_spans(Value::from_dyn_object(scope.clone()))?;
        spans = recorded;
        Ok(text)
    });
    // The header line is not part of what minijinja saw.
    let main: Arc<str> = Arc::from(name);
    let provenance = || Provenance {
        spans: spans
            .iter()
            .map(|s| {
                let range = s.output_range();
                let raw = s.kind() == minijinja::OutputSpanKind::Raw;
                if s.name() == name {
                    (
                        range.start,
                        range.end,
                        main.clone(),
                        s.line() + header_lines,
                        raw,
                    )
                } else {
                    // an included template, named as the project names it
                    let path = dir.join(s.name()).display().to_string();
                    (range.start, range.end, Arc::from(path), s.line(), raw)
                }
            })
            .collect(),
        verbatim: None,
    };
    match rendered {
        Ok(Rendered::Nothing) => Ok((String::new(), Provenance::default())),
        Ok(Rendered::Native(value)) => {
            // one expression printed a value: all of the output is its
            let text = python::py_str(&value);
            let mut provenance = provenance();
            provenance.spans.truncate(1);
            if let Some(span) = provenance.spans.first_mut() {
                (span.0, span.1) = (0, text.len());
            }
            Ok((text, provenance))
        }
        Ok(Rendered::Text(mut text)) => {
            let provenance = provenance();
            let have = trailing_newlines(&text);
            if wanted_newlines > have {
                text.push_str(&"\n".repeat(wanted_newlines - have));
            }
            Ok((text, provenance))
        }
        Err(err) => {
            // The root cause of a failure inside a variable is recorded where it happened.
            let from_variable = |first: &String| {
                matches!(err.kind(), ErrorKind::UndefinedError)
                    || err.detail().is_some_and(|d| {
                        d.contains("could not be templated") || d.contains(first.as_str())
                    })
            };
            if let Some(first) = errors.first().filter(from_variable) {
                return Err(RenderError {
                    location: Location::line(name, err.line().map(|l| l + header_lines)),
                    message: format!("while rendering: {first}"),
                    undefined: err.kind() == ErrorKind::UndefinedError,
                    names_host: false,
                });
            }
            let missing = missing_variables(&tmpl, scope);
            Err(located(name, header_lines, &err, missing))
        }
    }
}

fn trailing_newlines(text: &str) -> usize {
    text.bytes().rev().take_while(|&b| b == b'\n').count()
}

fn located(name: &str, header_lines: usize, err: &Error, missing: Vec<String>) -> RenderError {
    let mut message = describe_error(err, &missing);
    if err.kind() == ErrorKind::SyntaxError {
        message = format!(
            "template syntax error: {}",
            err.detail().unwrap_or("invalid syntax")
        );
    }
    let undefined = err.kind() == ErrorKind::UndefinedError;
    RenderError {
        location: Location::line(name, err.line().map(|l| l + header_lines)),
        message,
        undefined,
        names_host: false,
    }
}

fn missing_variables(tmpl: &minijinja::Template<'_, '_>, scope: &Arc<HostScope>) -> Vec<String> {
    let mut names: Vec<String> = tmpl.undeclared_variables(false).into_iter().collect();
    names.sort();
    names
        .into_iter()
        .filter(|n| {
            scope.lookup(n).is_none()
                && !matches!(
                    n.as_str(),
                    "none"
                        | "True"
                        | "False"
                        | "None"
                        | "range"
                        | "dict"
                        | "lipsum"
                        | "cycler"
                        | "joiner"
                        | "namespace"
                        | "loop"
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_override_whitespace() {
        let (s, body) =
            split_header("#jinja2: trim_blocks: False, lstrip_blocks: True\nx").unwrap();
        assert!(!s.trim_blocks && s.lstrip_blocks);
        assert_eq!(body, "x");
        let (s, body) = split_header("plain").unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(body, "plain");
        assert!(split_header("#jinja2: nonsense: 1\n").is_err());
    }
}
