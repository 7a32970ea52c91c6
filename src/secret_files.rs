//! Secret files: `{{ web_service_api_key | secret_file }}` in a template writes the value to
//! a file of its own, owner-only, in the output's secret-files folder, and puts only that
//! file's path into the output. Prometheus reads `password_file`, `credentials_file`,
//! `bearer_token_file`, ... on every scrape, so a rotated secret reaches it without a reload,
//! and no secret sits in prometheus.yml.
//!
//! The file is named after the variable (never the value), so its path, and with it the
//! output, stays the same when the secret changes. The name is the variable the filter's
//! value was read from (`{{ api_key | secret_file }}` names it `api_key`); a value computed
//! from several (or a loop variable) needs a name given: `secret_file('api_key_' ~ host)`.
//!
//! While an output renders, [`collect`] gathers the files its template asks for; the
//! [`pipeline`](crate::pipeline) turns each into an output of its own (owner-only, never
//! validated, masked whole in diffs), which `render` writes, checks and prunes as it does
//! every output.

use std::cell::RefCell;

use minijinja::{Error, ErrorKind, State, Value};
use sha2::{Digest, Sha256};

/// The folder, beside an output, where its secret files go unless `secret_files:` says
/// otherwise.
pub const DEFAULT_FOLDER: &str = "secrets";

/// One secret file a render asked for.
#[derive(Clone)]
pub struct SecretFile {
    /// The variable (or the name given to the filter) it is named after.
    pub name: String,
    /// Its file name in the secret-files folder.
    pub file_name: String,
    /// What it holds: the value, as it is.
    pub value: String,
}

impl std::fmt::Debug for SecretFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretFile")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

struct Collector {
    /// How the output names the secret-files folder (no trailing `/`; empty for the
    /// output's own folder).
    reference: String,
    files: Vec<SecretFile>,
    /// Each file name's index in `files`.
    by_file_name: std::collections::HashMap<String, usize>,
}

thread_local! {
    static ACTIVE: RefCell<Option<Collector>> = const { RefCell::new(None) };
    /// The variable a template read last, with its value: the filter's input is named after
    /// it when they are the same value.
    static LAST_LOOKUP: RefCell<Option<(String, Value)>> = const { RefCell::new(None) };
}

/// Runs `render` with the `secret_file` filter on: the files it asks for are returned, and
/// the filter writes `reference/FILE` (the folder as the output names it) into the output.
pub fn collect<T>(reference: &str, render: impl FnOnce() -> T) -> (T, Vec<SecretFile>) {
    let reference = reference.trim_end_matches('/').to_string();
    let previous = ACTIVE.with(|a| {
        a.borrow_mut().replace(Collector {
            reference,
            files: Vec::new(),
            by_file_name: std::collections::HashMap::new(),
        })
    });
    let result = render();
    let collected = ACTIVE.with(|a| std::mem::replace(&mut *a.borrow_mut(), previous));
    LAST_LOOKUP.with(|l| l.borrow_mut().take());
    (result, collected.map(|c| c.files).unwrap_or_default())
}

/// Notes that a template read variable `name` (called by the variables' scope; costs nothing
/// outside [`collect`]).
pub fn note_lookup(name: &str, value: &Value) {
    let active = ACTIVE.with(|a| a.borrow().is_some());
    if !active {
        return;
    }
    LAST_LOOKUP.with(|l| {
        let mut last = l.borrow_mut();
        // only a string can be a secret file's value (a mapping read is not a name for the
        // value of one of its keys)
        if value.as_str().is_none() {
            *last = None;
            return;
        }
        match last.as_mut() {
            // the name's buffer is reused: no allocation per variable read
            Some((n, v)) => {
                n.clear();
                n.push_str(name);
                *v = value.clone();
            }
            None => *last = Some((name.to_string(), value.clone())),
        }
    });
}

/// The file name for variable `name`: the name itself when it is a plain file name
/// (letters, digits, `_`, `-`, `.`, not starting with `.` or `-`), else those characters
/// kept, the others as `_`, and a short hash of the name so that two names never share a
/// file.
#[must_use]
pub fn file_name_for(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if !name.is_empty()
        && name.len() <= 100
        && name.chars().all(plain)
        && !name.starts_with(['.', '-'])
    {
        return name.to_string();
    }
    let kept: String = name
        .chars()
        .take(60)
        .map(|c| if plain(c) { c } else { '_' })
        .collect();
    let kept = kept.trim_start_matches(['.', '-']);
    let hash = Sha256::digest(name.as_bytes());
    let short: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    if kept.is_empty() {
        format!("secret-{short}")
    } else {
        format!("{kept}-{short}")
    }
}

/// The `secret_file` filter: `{{ value | secret_file }}` or `{{ value | secret_file('name') }}`.
fn secret_file(_state: &State, value: Value, name: Option<String>) -> Result<Value, Error> {
    let fail = |message: String| Err(Error::new(ErrorKind::InvalidOperation, message));
    let active = ACTIVE.with(|a| a.borrow().is_some());
    if !active {
        return fail(
            "`secret_file` writes a file beside an output: it works in the templates of `outputs:` only".to_string(),
        );
    }
    let name = match name {
        Some(n) if !n.trim().is_empty() => n,
        Some(_) => return fail("`secret_file`: the name given is empty".to_string()),
        None => {
            let last = LAST_LOOKUP.with(|l| l.borrow().clone());
            match last {
                Some((n, v)) if v == value => n,
                _ => {
                    return fail(
                        "`secret_file` cannot tell which variable this value is (it is computed, or a loop variable): name its file, e.g. `{{ x | secret_file('api_key') }}`".to_string(),
                    )
                }
            }
        }
    };
    let Some(text) = value.as_str() else {
        return fail(format!(
            "`secret_file` of `{name}`: the value is not a string (a {}); a secret file holds text",
            value.kind()
        ));
    };
    if text.is_empty() {
        return fail(format!(
            "`secret_file` of `{name}`: the value is empty; Prometheus would send an empty credential"
        ));
    }
    // prometheus/common reads *_file secrets with strings.TrimSpace
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return fail(format!(
            "`secret_file` of `{name}`: the value starts or ends with white space (a newline?), which Prometheus strips from a *_file's content: it would send another secret than the vault holds; remove the white space (`promvault set ENV {name}`)"
        ));
    }
    let file_name = file_name_for(&name);
    ACTIVE.with(|a| {
        let mut active = a.borrow_mut();
        let Some(collector) = active.as_mut() else {
            return fail("`secret_file`: no output is rendering".to_string());
        };
        if let Some(other) = collector
            .by_file_name
            .get(&file_name)
            .map(|&i| &collector.files[i])
        {
            if other.value != text {
                return fail(if other.name == name {
                    format!("`secret_file`: two different values of `{name}` would be written to secret file `{file_name}` (a loop over hosts?): give each a name of its own, e.g. `secret_file('{name}_' ~ host)`")
                } else {
                    format!("`secret_file`: `{name}` and `{}` would both be written to secret file `{file_name}` with different values: give one a name of its own, e.g. `secret_file('{name}_2')`", other.name)
                });
            }
        } else {
            collector
                .by_file_name
                .insert(file_name.clone(), collector.files.len());
            collector.files.push(SecretFile {
                name: name.clone(),
                file_name: file_name.clone(),
                value: text.to_string(),
            });
        }
        let path = if collector.reference.is_empty() {
            file_name
        } else {
            format!("{}/{file_name}", collector.reference)
        };
        Ok(Value::from(path))
    })
}

/// Registers the `secret_file` filter.
pub fn register(env: &mut minijinja::Environment<'static>) {
    crate::render::filters::add_filter(env, "secret_file", secret_file);
}

/// The path from folder `from` to `to` (both absolute and normalized), with `..` where it
/// goes up; empty when they are the same.
#[must_use]
pub fn relative(from: &std::path::Path, to: &std::path::Path) -> String {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), a.len() - common).collect();
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn file_names_come_from_the_name_and_never_collide() {
        assert_eq!(file_name_for("web_service_api_key"), "web_service_api_key");
        assert_eq!(
            file_name_for("api_key_web-1.example.com"),
            "api_key_web-1.example.com"
        );
        let a = file_name_for("a b");
        let b = file_name_for("a/b");
        assert!(
            a.starts_with("a_b-") && b.starts_with("a_b-") && a != b,
            "{a} {b}"
        );
        assert_eq!(file_name_for("a b"), a, "stable");
        assert!(file_name_for("..").starts_with("secret-"));
        assert!(!file_name_for(".hidden").starts_with('.'));
    }

    #[test]
    fn relative_paths() {
        let p = |s: &str| Path::new(s).to_path_buf();
        assert_eq!(
            relative(&p("/a/out/prod"), &p("/a/out/prod/secrets")),
            "secrets"
        );
        assert_eq!(
            relative(&p("/a/out/prod/h1"), &p("/a/out/prod/secrets")),
            "../secrets"
        );
        assert_eq!(relative(&p("/a/x"), &p("/a/x")), "");
    }
}
