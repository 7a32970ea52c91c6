//! Loading YAML the way Ansible does (PyYAML's `SafeLoader` plus Ansible's tags): YAML 1.1
//! scalars (`yes` is true, `0777` is 511), `!unsafe` strings, anchors and aliases, `<<` merge
//! keys, duplicate keys (the last wins, as in PyYAML). `!vault` values (inline ansible-vault)
//! are refused with a message saying where to put the secret instead.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use crate::{
    data::Data,
    yaml::resolve::{resolve_plain, Resolved},
};

/// A load failure with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// A loaded document: its value, and the 1-based line of each top-level mapping key.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub data: Data,
    pub key_lines: Vec<(String, usize)>,
}

impl Document {
    /// The line a top-level key is defined on.
    #[must_use]
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.key_lines
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
    }
}

/// Loads a single-document YAML text (an empty text is `Null`).
///
/// # Errors
/// Syntax errors, unknown aliases, `!vault` values, several documents.
pub fn load(text: &str) -> Result<Document, LoadError> {
    let mut loader = Loader {
        parser: Parser::new_from_str(text),
        anchors: Vec::new(),
        key_lines: Vec::new(),
        depth: 0,
    };
    let data = loader.document()?;
    Ok(Document {
        data,
        key_lines: loader.key_lines,
    })
}

struct Loader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: Vec<(usize, Data)>,
    key_lines: Vec<(String, usize)>,
    depth: usize,
}

fn scan_error(e: &ScanError) -> LoadError {
    LoadError {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_string(),
    }
}

fn at(span: &Span, message: impl Into<String>) -> LoadError {
    LoadError {
        line: span.start.line(),
        column: span.start.col() + 1,
        message: message.into(),
    }
}

impl<'a> Loader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), LoadError> {
        match self.parser.next_event() {
            Some(Ok((Event::Comment(..), _))) => self.next(),
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(scan_error(&e)),
            None => Err(LoadError {
                line: 0,
                column: 0,
                message: "unexpected end of YAML".to_string(),
            }),
        }
    }

    fn document(&mut self) -> Result<Data, LoadError> {
        let mut data = Data::Null;
        let mut documents = 0;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(data),
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(at(
                            &span,
                            "several YAML documents in one file; Ansible reads only one",
                        ));
                    }
                    let (event, span) = self.next()?;
                    if matches!(event, Event::DocumentEnd) {
                        continue;
                    }
                    data = self.node(event, &span)?;
                }
                other => data = self.node(other, &span)?,
            }
        }
    }

    fn remember(&mut self, anchor: usize, data: &Data) {
        if anchor != 0 {
            self.anchors.push((anchor, data.clone()));
        }
    }

    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Data, LoadError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let data = scalar(&text, style, tag.as_deref(), span)?;
                self.remember(anchor, &data);
                Ok(data)
            }
            Event::Alias(id) => self
                .anchors
                .iter()
                .rev()
                .find(|(a, _)| *a == id)
                .map(|(_, d)| d.clone())
                .ok_or_else(|| at(span, "alias to an unknown anchor")),
            Event::SequenceStart(_, anchor, _) => {
                self.depth += 1;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, &span)?);
                }
                self.depth -= 1;
                let data = Data::Seq(items);
                self.remember(anchor, &data);
                Ok(data)
            }
            Event::MappingStart(_, anchor, _) => {
                self.depth += 1;
                let top = self.depth == 1;
                let mut entries: Vec<(Data, Data)> = Vec::new();
                let mut merged: Vec<(Data, Data)> = Vec::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let is_merge = matches!(&event, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
                    let key = self.node(event, &key_span)?;
                    let (event, value_span) = self.next()?;
                    let value = self.node(event, &value_span)?;
                    if is_merge {
                        merge_into(&mut merged, value, &value_span)?;
                        continue;
                    }
                    if top {
                        if let Some(k) = key.as_str() {
                            self.key_lines.push((k.to_string(), key_span.start.line()));
                        }
                    }
                    entries.retain(|(k, _)| k != &key);
                    entries.push((key, value));
                }
                self.depth -= 1;
                // Merged keys come first; the mapping's own keys win.
                merged.retain(|(k, _)| !entries.iter().any(|(own, _)| own == k));
                merged.extend(entries);
                let data = Data::Map(merged);
                self.remember(anchor, &data);
                Ok(data)
            }
            _ => Err(at(span, "unexpected YAML event")),
        }
    }
}

fn merge_into(merged: &mut Vec<(Data, Data)>, value: Data, span: &Span) -> Result<(), LoadError> {
    let maps = match value {
        Data::Map(_) => vec![value],
        Data::Seq(items) => items,
        _ => {
            return Err(at(
                span,
                "`<<` must be given a mapping or a list of mappings",
            ))
        }
    };
    // Earlier mappings in the list win over later ones.
    for map in maps {
        let Data::Map(entries) = map else {
            return Err(at(
                span,
                "`<<` must be given a mapping or a list of mappings",
            ));
        };
        for (k, v) in entries {
            if !merged.iter().any(|(existing, _)| existing == &k) {
                merged.push((k, v));
            }
        }
    }
    Ok(())
}

fn scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: &Span,
) -> Result<Data, LoadError> {
    if let Some(tag) = tag {
        let suffix = tag.suffix();
        if tag.is_yaml_core_schema() {
            return Ok(match suffix {
                "str" => Data::Str(text.to_string()),
                "null" => Data::Null,
                "bool" | "int" | "float" => resolved(resolve_plain(text), text),
                _ => Data::Str(text.to_string()),
            });
        }
        return match (tag.handle(), suffix) {
            ("!", "unsafe") => Ok(Data::Unsafe(text.to_string())),
            ("!", "vault") | ("!", "vault-encrypted") => Err(at(
                span,
                "an inline ansible-vault value (!vault): move the secret into the promvault vault (`promvault set ENV NAME`) and refer to it by name",
            )),
            _ => Ok(Data::Str(text.to_string())),
        };
    }
    if style != ScalarStyle::Plain {
        return Ok(Data::Str(text.to_string()));
    }
    Ok(resolved(resolve_plain(text), text))
}

fn resolved(r: Resolved, text: &str) -> Data {
    match r {
        Resolved::Null => Data::Null,
        Resolved::Bool(b) => Data::Bool(b),
        Resolved::Int(i) => Data::Int(i),
        Resolved::Float(f) => Data::Float(f),
        Resolved::Timestamp | Resolved::Str => Data::Str(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, Data)]) -> Data {
        Data::Map(
            pairs
                .iter()
                .map(|(k, v)| (Data::Str((*k).to_string()), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn loads_yaml_1_1_like_pyyaml() {
        let doc = load(
            "---\na: yes\nb: 0777\nc: '0777'\nd: 1e3\ne: !unsafe '{{ x }}'\nf: ~\ng: [1, two]\n",
        )
        .unwrap();
        assert_eq!(
            doc.data,
            map(&[
                ("a", Data::Bool(true)),
                ("b", Data::Int(511)),
                ("c", Data::Str("0777".into())),
                ("d", Data::Str("1e3".into())),
                ("e", Data::Unsafe("{{ x }}".into())),
                ("f", Data::Null),
                ("g", Data::Seq(vec![Data::Int(1), Data::Str("two".into())])),
            ])
        );
        assert_eq!(doc.line_of("e"), Some(6));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let doc = load("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b]\n").unwrap();
        assert_eq!(
            doc.data.get("other").unwrap(),
            &map(&[("x", Data::Int(1)), ("y", Data::Int(3))])
        );
        assert_eq!(
            doc.data.get("list").unwrap(),
            &Data::Seq(vec![map(&[("x", Data::Int(1)), ("y", Data::Int(2))])])
        );
    }

    #[test]
    fn errors_have_positions_and_vault_tags_are_refused() {
        let err = load("a: [1, 2\n").unwrap_err();
        assert!(err.line >= 1);
        let err = load("a: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n").unwrap_err();
        assert!((1..=2).contains(&err.line), "{err}");
        assert!(err.message.contains("promvault set"));
        assert_eq!(load("").unwrap().data, Data::Null);
        assert_eq!(load("# nothing\n").unwrap().data, Data::Null);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let doc = load("a: 1\na: 2\n").unwrap();
        assert_eq!(doc.data, map(&[("a", Data::Int(2))]));
    }
}
