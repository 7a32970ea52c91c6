//! Loading YAML the way Ansible does (PyYAML's `SafeLoader` plus Ansible's tags): YAML 1.1
//! scalars (`yes` is true, `0777` is 511), `!unsafe` strings, anchors and aliases, `<<` merge
//! keys, duplicate keys (the last wins, as in PyYAML). `!vault` values (inline ansible-vault)
//! are refused with a message saying where to put the secret instead.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use crate::{
    data::Data,
    yaml::{
        resolve::{resolve_plain, Resolved},
        Budget, Cost,
    },
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

/// Loads a single-document YAML text (an empty text is `Null`), within the limits of a
/// [`Budget`].
///
/// # Errors
/// Syntax errors, unknown aliases, `!vault` values, several documents, nesting too deep or
/// aliases expanding too far.
pub fn load(text: &str) -> Result<Document, LoadError> {
    load_decrypting(text, None)
}

/// Decrypts the text of an inline `!vault` value (ansible-vault's format), or says why not.
pub type VaultDecrypter<'d> = &'d dyn Fn(&str) -> Result<String, String>;

/// [`load`], with inline `!vault` values decrypted by `decrypt` (for importing them) instead
/// of refused; each becomes a `!unsafe` string, never templated.
///
/// # Errors
/// As [`load`]; a `!vault` value that does not decrypt, at its line.
pub fn load_decrypting(
    text: &str,
    decrypt: Option<VaultDecrypter<'_>>,
) -> Result<Document, LoadError> {
    let mut loader = Loader {
        parser: Budget::parser(text),
        anchors: Vec::new(),
        key_lines: Vec::new(),
        budget: Budget::for_text(text),
        decrypt,
    };
    let data = loader.document()?;
    Ok(Document {
        data,
        key_lines: loader.key_lines,
    })
}

struct Loader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: Vec<(usize, Data, Cost)>,
    key_lines: Vec<(String, usize)>,
    budget: Budget,
    decrypt: Option<VaultDecrypter<'a>>,
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

    /// Keeps a copy of an anchored node for its aliases (the copy counts against the budget).
    fn remember(
        &mut self,
        anchor: usize,
        data: &Data,
        cost: Cost,
        span: &Span,
    ) -> Result<(), LoadError> {
        if anchor != 0 {
            self.budget
                .anchor(cost)
                .map_err(|e| at(span, e.to_string()))?;
            self.anchors.push((anchor, data.clone(), cost));
        }
        Ok(())
    }

    // `node` recurses once per level of nesting: the work of each kind of node is in a
    // function of its own, so that each level's stack frame stays small (even unoptimized).
    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Data, LoadError> {
        let mark = self.budget.begin();
        let (data, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.budget
                    .scalar(text.len())
                    .map_err(|e| at(span, e.to_string()))?;
                (
                    scalar(&text, style, tag.as_deref(), span, self.decrypt)?,
                    anchor,
                )
            }
            Event::Alias(id) => return self.alias(id, span),
            Event::SequenceStart(_, anchor, _) => (self.sequence(span)?, anchor),
            Event::MappingStart(_, anchor, _) => (self.mapping(mark.depth() == 0, span)?, anchor),
            _ => return Err(at(span, "unexpected YAML event")),
        };
        let cost = self.budget.end(mark);
        self.remember(anchor, &data, cost, span)?;
        Ok(data)
    }

    fn alias(&mut self, id: usize, span: &Span) -> Result<Data, LoadError> {
        let (_, data, cost) = self
            .anchors
            .iter()
            .rev()
            .find(|(a, _, _)| *a == id)
            .ok_or_else(|| at(span, "alias to an unknown anchor"))?;
        self.budget
            .alias(*cost)
            .map_err(|e| at(span, e.to_string()))?;
        Ok(data.clone())
    }

    fn sequence(&mut self, span: &Span) -> Result<Data, LoadError> {
        self.budget.open().map_err(|e| at(span, e.to_string()))?;
        let mut items = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                break;
            }
            items.push(self.node(event, &span)?);
        }
        self.budget.close();
        Ok(Data::Seq(items))
    }

    /// A mapping; `top` when it is the document's (whose key lines are kept).
    fn mapping(&mut self, top: bool, span: &Span) -> Result<Data, LoadError> {
        self.budget.open().map_err(|e| at(span, e.to_string()))?;
        let mut entries: Vec<(Data, Data)> = Vec::new();
        let mut merged: Vec<(Data, Data)> = Vec::new();
        loop {
            let (event, key_span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let is_merge =
                matches!(&event, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
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
        self.budget.close();
        // Merged keys come first; the mapping's own keys win.
        merged.retain(|(k, _)| !entries.iter().any(|(own, _)| own == k));
        merged.extend(entries);
        Ok(Data::Map(merged))
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
    decrypt: Option<VaultDecrypter<'_>>,
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
            ("!", "vault") | ("!", "vault-encrypted") => match decrypt {
                Some(decrypt) => decrypt(text)
                    .map(Data::Unsafe)
                    .map_err(|why| at(span, &why)),
                None => Err(at(
                    span,
                    "an inline ansible-vault value (!vault): move it into the promvault vault with `promvault import-ansible-vault FILE --env ENV` and refer to it by name",
                )),
            },
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
        assert!(err.message.contains("promvault import-ansible-vault"));
        assert_eq!(load("").unwrap().data, Data::Null);
        assert_eq!(load("# nothing\n").unwrap().data, Data::Null);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let doc = load("a: 1\na: 2\n").unwrap();
        assert_eq!(doc.data, map(&[("a", Data::Int(2))]));
    }

    #[test]
    fn an_alias_bomb_fails_at_the_alias_that_goes_over() {
        use crate::yaml::hostile::alias_bomb;
        // 10^12 scalars if expanded: only a budget lets this return at all.
        let err = load(&alias_bomb(12)).unwrap_err();
        assert!(
            err.message
                .contains("aliases expand to more than 1000000 nodes (an alias bomb?)"),
            "{err}"
        );
        // line 6 asks for 10^6 scalars (and its anchor a copy of them): there it runs out
        assert_eq!(err.line, 6, "{err}");
        // a smaller expansion of the same shape is fine
        let doc = load(&alias_bomb(4)).unwrap();
        assert!(doc.data.get("l3").is_some());
    }

    #[test]
    fn a_long_string_repeated_through_aliases_is_a_bomb_too() {
        let err = load(&crate::yaml::hostile::text_bomb()).unwrap_err();
        assert!(
            err.message.contains("MiB of text (an alias bomb?)"),
            "{err}"
        );
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn nesting_is_bounded_in_text_and_through_aliases() {
        use crate::yaml::hostile::{deep_block, deep_flow, deep_through_aliases};
        for text in [deep_flow(10_000), deep_block(10_000)] {
            let err = load(&text).unwrap_err();
            assert_eq!(err.message, "YAML nesting deeper than 256", "{err}");
            assert_eq!(
                (err.line, err.column),
                (1, if text.starts_with('[') { 257 } else { 513 })
            );
        }
        assert!(load(&deep_flow(256)).is_ok());
        assert!(load(&deep_block(256)).is_ok());
        assert!(load(&format!("a: {}", deep_flow(255))).is_ok());
        let err = load(&format!("a: {}", deep_flow(256))).unwrap_err();
        assert_eq!(err.message, "YAML nesting deeper than 256");
        // two links nest 200 levels, the third would reach 300
        assert!(load(&deep_through_aliases(2)).is_ok());
        let err = load(&deep_through_aliases(3)).unwrap_err();
        assert_eq!(err.message, "YAML nesting deeper than 256");
        assert_eq!(err.line, 3);
    }

    #[test]
    fn anchors_inside_anchors_count_their_copies() {
        // 200 anchors around one list of 10,000 scalars: each anchor keeps a copy of it.
        let text = format!(
            "{}[{}]{}\n",
            (0..200).map(|i| format!("&a{i} [")).collect::<String>(),
            vec!["x"; 10_000].join(","),
            "]".repeat(200)
        );
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("(an alias bomb?)"), "{err}");
    }
}
