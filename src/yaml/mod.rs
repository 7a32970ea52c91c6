//! YAML helpers shared by the project file, the vault and (later) inventories: error
//! positions, secret-safe parse errors, double-quoted scalars, and text-preserving edits of
//! a top-level mapping (so comments and key order survive `promvault set`).
//!
//! The parser is `serde-saphyr` (see `docs/decisions.md` for why).

pub mod dump;
pub mod load;
pub mod resolve;
pub mod tree;

use indexmap::IndexMap;

use crate::data::Data;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

/// The 1-based line and column a parse error points at, when it has one.
#[must_use]
pub fn error_position(err: &serde_saphyr::Error) -> (Option<u64>, Option<u64>) {
    match err.location() {
        Some(loc) if loc.line() > 0 => (Some(loc.line()), Some(loc.column())),
        _ => (None, None),
    }
}

/// The error's message without the source excerpt and without the trailing position
/// (which callers print as `file:line:column`). Only for files that hold no secrets.
#[must_use]
pub fn error_message(err: &serde_saphyr::Error) -> String {
    let rendered = err.without_snippet().render();
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    // serde-saphyr appends " at line L, column C"; the caller shows the position itself.
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// Why a text is not a mapping of variable names to values. Never holds any of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingProblem {
    /// Not valid YAML at all.
    Syntax,
    /// Valid YAML, but the document is a list or a scalar.
    NotAMapping { found: &'static str },
    /// A key that cannot name a template variable.
    BadKey { key: String },
}

/// A [`MappingProblem`] with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub problem: MappingProblem,
}

impl MappingError {
    /// Where, in words: `line 3, column 5`.
    #[must_use]
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}"),
            (Some(l), None) => format!("line {l}"),
            _ => "somewhere".to_string(),
        }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            MappingProblem::Syntax => write!(f, "invalid YAML syntax"),
            MappingProblem::NotAMapping { found } => write!(
                f,
                "the document is {found}, but it must be a mapping of variable names to values"
            ),
            MappingProblem::BadKey { key } => write!(
                f,
                "`{key}` is not a valid variable name (letters, digits and `_`, not starting with a digit)"
            ),
        }
    }
}

/// Parses a mapping of variable names to values (a vault's plaintext) with the YAML 1.1 rules
/// Ansible reads it with ([`load`]): `view`, the vault's record and templates all see the
/// same values (`0777` is 511, `1e3` a string). Problems are reported by position only, never
/// by content. An empty document (or only comments) is an empty mapping.
///
/// # Errors
/// A [`MappingError`] naming the line and what is wrong.
pub fn parse_variables(text: &str) -> Result<IndexMap<String, Variable>, MappingError> {
    // the loader's message may quote the text: only its position is kept
    let doc = load::load(text).map_err(|e| MappingError {
        line: Some(e.line as u64),
        column: Some(e.column as u64),
        problem: MappingProblem::Syntax,
    })?;
    let load::Document { data, key_lines } = doc;
    let line_of = |key: &str| {
        key_lines
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
    };
    let entries = match data {
        Data::Null => return Ok(IndexMap::new()),
        Data::Map(entries) => entries,
        other => {
            return Err(MappingError {
                line: Some(1),
                column: None,
                problem: MappingProblem::NotAMapping {
                    found: if matches!(other, Data::Seq(_)) {
                        "a list"
                    } else {
                        "a single value"
                    },
                },
            })
        }
    };
    let mut out = IndexMap::with_capacity(entries.len());
    for (key, value) in entries {
        let name = match &key {
            Data::Str(s) | Data::Unsafe(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::Null => "null".to_string(),
            Data::Float(f) => f.to_string(),
            Data::Seq(_) | Data::Map(_) => "(a list or mapping)".to_string(),
        };
        let line = line_of(&name);
        if !is_variable_name(&name) {
            return Err(MappingError {
                line: line.map(|l| l as u64),
                column: Some(1),
                problem: MappingProblem::BadKey { key: name },
            });
        }
        // PyYAML: a key written twice keeps its last value
        out.insert(name, Variable { value, line });
    }
    Ok(out)
}

/// A value as `view ENV KEY` prints it: a string exactly as it is, another scalar as YAML
/// writes it (`511`, `true`, `null`, `1.5`), a list or mapping as block YAML.
#[must_use]
pub fn display_value(value: &Data) -> String {
    match value {
        Data::Str(s) | Data::Unsafe(s) => s.clone(),
        Data::Null => "null".to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        other => dump::dump(&other.to_value(), &dump::DumpOptions::to_nice_yaml())
            .map(|t| t.trim_end_matches("\n...\n").trim_end().to_string())
            .unwrap_or_default(),
    }
}

/// One variable of a vault (or vars) mapping: its value as Ansible reads it, and the 1-based
/// line of its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub value: Data,
    pub line: Option<usize>,
}

/// The top-level keys of a mapping document with the 1-based line each stands on.
///
/// # Errors
/// The parse error, when the text is not a mapping with string keys.
pub fn top_level_keys(text: &str) -> Result<Vec<(String, u64)>, serde_saphyr::Error> {
    let map: Option<IndexMap<Spanned<String>, IgnoredAny>> = serde_saphyr::from_str(text)?;
    Ok(map
        .unwrap_or_default()
        .into_keys()
        .map(|k| (k.value, k.referenced.line()))
        .collect())
}

/// Whether `name` can be used as a template variable (a Jinja identifier).
#[must_use]
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `value` as a YAML double-quoted scalar that reads back as exactly `value`: quotes,
/// backslashes, control characters, line breaks and leading or trailing spaces included.
#[must_use]
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Replaces the top-level entry `key` of a block-mapping document by `entry` (one or more
/// complete lines, ending in a newline), or appends `entry` when the key is absent. All
/// other lines (comments, blank lines, other entries) are kept as they were.
///
/// An entry starts on its key's line and runs until the next line that starts in column 0
/// and is not blank or a comment (in a block mapping every continuation of a value is
/// indented). Comment and blank lines just before the next entry stay with that entry.
///
/// # Errors
/// The parse error when `text` is not a mapping; `Ok(None)` when the key is in a flow mapping
/// (`{a: 1}`) and cannot be replaced line-wise.
pub fn replace_top_level_entry(
    text: &str,
    key: &str,
    entry: &str,
) -> Result<Option<String>, serde_saphyr::Error> {
    let keys = top_level_keys(text)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(&(_, key_line)) = keys.iter().find(|(k, _)| k == key) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if keys.is_empty() && text.trim_start().starts_with('{') {
            return Ok(None);
        }
        out.push_str(entry);
        return Ok(Some(out));
    };
    let start = usize::try_from(key_line.saturating_sub(1)).unwrap_or(usize::MAX);
    let Some(first) = lines.get(start) else {
        return Ok(None);
    };
    if first.starts_with([' ', '\t', '{']) {
        return Ok(None);
    }
    let starts_entry =
        |line: &str| !line.starts_with([' ', '\t', '#', '\n', '\r']) && !line.trim().is_empty();
    let mut end = start + 1;
    while end < lines.len() && !starts_entry(lines[end]) {
        end += 1;
    }
    // Leave trailing comments and blank lines to whatever follows.
    while end > start + 1 {
        let prev = lines[end - 1];
        if prev.trim().is_empty() || prev.starts_with('#') {
            end -= 1;
        } else {
            break;
        }
    }
    let mut out = String::with_capacity(text.len() + entry.len());
    lines[..start].iter().for_each(|l| out.push_str(l));
    out.push_str(entry);
    lines[end..].iter().for_each(|l| out.push_str(l));
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_back(quoted: &str) -> String {
        let doc = format!("k: {quoted}\n");
        let map: IndexMap<String, String> = serde_saphyr::from_str(&doc).unwrap();
        map["k"].clone()
    }

    #[test]
    fn double_quoting_round_trips_awkward_values() {
        for v in [
            "",
            "plain",
            ": # ' \" { } \\",
            "  leading and trailing  ",
            "line1\nline2\n",
            "tab\there",
            "é ☃ 🔑",
            "{{ not a template }}",
            "\u{7f}\u{85}\u{2028}\u{feff}\0\r",
            "- not a list",
        ] {
            assert_eq!(read_back(&double_quoted(v)), v, "value {v:?}");
        }
    }

    proptest! {
        #[test]
        fn double_quoting_round_trips_any_string(v in any::<String>()) {
            prop_assert_eq!(read_back(&double_quoted(&v)), v);
        }

        #[test]
        fn replacing_an_entry_keeps_the_others(
            values in proptest::collection::vec(any::<String>(), 1..5),
            new in any::<String>(),
            pick in 0usize..5,
        ) {
            let mut text = String::from("# a comment on top\n");
            for (i, v) in values.iter().enumerate() {
                text.push_str(&format!("k{i}: {}\n# about the next one\n", double_quoted(v)));
            }
            let key = format!("k{}", pick % (values.len() + 1));
            let entry = format!("{key}: {}\n", double_quoted(&new));
            let out = replace_top_level_entry(&text, &key, &entry).unwrap().unwrap();
            let map: IndexMap<String, String> = serde_saphyr::from_str(&out).unwrap();
            prop_assert_eq!(&map[&key], &new);
            for (i, v) in values.iter().enumerate() {
                let k = format!("k{i}");
                if k != key {
                    prop_assert_eq!(&map[&k], v);
                }
            }
            prop_assert!(out.starts_with("# a comment on top\n"));
            prop_assert_eq!(out.matches("# about the next one").count(), values.len());
        }
    }

    #[test]
    fn replaces_block_scalars_and_nested_values_whole() {
        let text = "a: 1\nb: |\n  line one\n\n  line two\n# keep me\nc:\n  nested: true\n";
        let out = replace_top_level_entry(text, "b", "b: \"x\"\n")
            .unwrap()
            .unwrap();
        assert_eq!(out, "a: 1\nb: \"x\"\n# keep me\nc:\n  nested: true\n");
        let out = replace_top_level_entry(text, "c", "c: 2\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "a: 1\nb: |\n  line one\n\n  line two\n# keep me\nc: 2\n"
        );
        let out = replace_top_level_entry("a: 1", "z", "z: 2\n")
            .unwrap()
            .unwrap();
        assert_eq!(out, "a: 1\nz: 2\n");
        assert_eq!(
            replace_top_level_entry("{a: 1}", "a", "a: 2\n").unwrap(),
            None
        );
    }

    #[test]
    fn variables_errors_name_the_line_but_never_the_content() {
        let err = parse_variables("ok: 1\nbad: [unclosed secret-value\n").unwrap_err();
        assert_eq!(err.problem, MappingProblem::Syntax);
        assert!(err.line.is_some());
        assert!(!err.to_string().contains("secret-value"));
        let err = parse_variables("- hunter2\n").unwrap_err();
        assert_eq!(err.problem, MappingProblem::NotAMapping { found: "a list" });
        assert!(!err.to_string().contains("hunter2"));
        let err = parse_variables("hunter2\n").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        let err = parse_variables("a: 1\nnot-a-name: 2\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(parse_variables("# only a comment\n").unwrap().is_empty());
        assert!(parse_variables("").unwrap().is_empty());
    }
}
