//! Loading YAML the way Ansible does (PyYAML's `SafeLoader` plus Ansible's tags): YAML 1.1
//! scalars (`yes` is true, `0777` is 511), `!unsafe` strings, anchors and aliases, `<<` merge
//! keys, duplicate keys (the last wins, as in PyYAML). `!vault` values (inline ansible-vault)
//! are refused with a message saying where to put the secret instead.

use crate::{
    data::Data,
    yaml::{
        node::{self, Documents, Kind, Node},
        resolve::{resolve_plain, Resolved},
    },
};

pub use crate::yaml::node::{DuplicateKey, LoadError};

/// A loaded document: its value, the 1-based line of each top-level mapping key, and the node
/// tree it was read from (for the lines of nested keys: [`Node::key_line`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub data: Data,
    pub key_lines: Vec<(String, usize)>,
    /// The node tree (`None` for an empty document).
    pub root: Option<Node>,
    /// Keys written twice in one mapping (the last value is kept, as in PyYAML; Ansible
    /// warns about each).
    pub duplicates: Vec<DuplicateKey>,
    /// `key_lines` by key (the last line a key is on), so a look-up costs no scan.
    pub(super) line_index: std::collections::HashMap<String, usize>,
}

impl Document {
    /// The line a top-level key is defined on (its last definition when written twice).
    #[must_use]
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.line_index.get(key).copied()
    }
}

/// Each key's last line in `key_lines`.
fn last_lines(key_lines: &[(String, usize)]) -> std::collections::HashMap<String, usize> {
    key_lines.iter().cloned().collect()
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
    let Some(root) = node::load(text, Documents::One)? else {
        return Ok(Document {
            data: Data::Null,
            key_lines: Vec::new(),
            root: None,
            duplicates: Vec::new(),
            line_index: std::collections::HashMap::new(),
        });
    };
    let resolver = Resolver { decrypt };
    let mut key_lines = Vec::new();
    if let Kind::Map(entries) = &root.kind {
        for (key, _) in entries {
            if let Data::Str(k) = resolver.value(key)? {
                if !is_merge(key) {
                    key_lines.push((k, key.line));
                }
            }
        }
    }
    Ok(Document {
        data: resolver.value(&root)?,
        line_index: last_lines(&key_lines),
        key_lines,
        duplicates: root.duplicate_keys(),
        root: Some(root),
    })
}

/// PyYAML's reading of a node tree (its `SafeConstructor`, with Ansible's tags).
struct Resolver<'d> {
    decrypt: Option<VaultDecrypter<'d>>,
}

fn at(node: &Node, message: impl Into<String>) -> LoadError {
    LoadError {
        line: node.line,
        column: node.column,
        message: message.into(),
    }
}

/// A merge key: `<<` plain and untagged, or tagged `!!merge`.
fn is_merge(key: &Node) -> bool {
    key.scalar().is_some_and(|s| {
        s.text == "<<"
            && match s.core_tag() {
                Some(tag) => tag == "merge",
                None => s.plain && s.tag.is_none(),
            }
    })
}

impl Resolver<'_> {
    // Recurses once per level of nesting, which the node layer's budget bounds.
    fn value(&self, node: &Node) -> Result<Data, LoadError> {
        match &node.kind {
            Kind::Scalar(_) => self.scalar(node),
            Kind::Seq(items) => items
                .iter()
                .map(|item| self.value(item))
                .collect::<Result<_, _>>()
                .map(Data::Seq),
            Kind::Map(entries) => self.mapping(entries),
        }
    }

    /// A mapping as PyYAML constructs it: [`flatten`] its `<<` merges, then a Python dict.
    fn mapping(&self, entries: &[(Node, Node)]) -> Result<Data, LoadError> {
        let pairs = flatten(entries)?;
        let mut built = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let k = self.value(key)?;
            // a list or a dict is no dict key in Python (PyYAML's construct_mapping)
            if matches!(k, Data::Seq(_) | Data::Map(_)) {
                return Err(at(
                    key,
                    "while constructing a mapping: found unhashable key (a list or mapping)",
                ));
            }
            built.push((k, self.value(value)?));
        }
        Ok(Data::Map(as_dict(built.into_iter())))
    }

    fn scalar(&self, node: &Node) -> Result<Data, LoadError> {
        let Kind::Scalar(s) = &node.kind else {
            unreachable!("called for scalars")
        };
        let text = &s.text;
        if let Some(suffix) = s.core_tag() {
            return Ok(match suffix {
                "null" => Data::Null,
                "bool" | "int" | "float" => resolved(resolve_plain(text), text),
                _ => Data::Str(text.clone()),
            });
        }
        match s.tag.as_deref() {
            Some("!unsafe") => Ok(Data::Unsafe(text.clone())),
            Some("!vault" | "!vault-encrypted") => match self.decrypt {
                Some(decrypt) => decrypt(text).map(Data::Unsafe).map_err(|why| at(node, why)),
                None => Err(at(
                    node,
                    "an inline ansible-vault value (!vault): move it into the promvault vault with `promvault import-ansible-vault FILE --env ENV` and refer to it by name",
                )),
            },
            Some(_) => Ok(Data::Str(text.clone())),
            None if !s.plain => Ok(Data::Str(text.clone())),
            None => Ok(resolved(resolve_plain(text), text)),
        }
    }
}

/// PyYAML's `flatten_mapping` (PyYAML 6.0.x, as ansible-core 2.19 uses it): the entries of
/// each `<<` merge (a mapping, or each mapping of a list in order, themselves flattened) come
/// first, then the mapping's own entries. A merged entry is skipped when an earlier merged
/// entry has the *same key object* (`id()` in Python): in practice only keys of one character
/// (or none), which CPython keeps as single shared strings. So in `<<: [{b: 1}, {b: 3}]` the
/// first `b` wins, while in `<<: [{bb: 1}, {bb: 3}]` both stay and the dict takes the last
/// (ansible-core agrees: the `duplicate-keys-keep-first-place` case). An alias repeated in a
/// merge list is the same node in PyYAML and a copy here, which only matters when another
/// mapping between the two copies sets one of its keys.
fn flatten(entries: &[(Node, Node)]) -> Result<Vec<(&Node, &Node)>, LoadError> {
    let mut merged: Vec<(&Node, &Node)> = Vec::new();
    let mut shared_keys: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut own = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if !is_merge(key) {
            own.push((key, value));
            continue;
        }
        let not_a_mapping =
            |node: &Node| at(node, "`<<` must be given a mapping or a list of mappings");
        let sources: Vec<&[(Node, Node)]> = match &value.kind {
            Kind::Map(entries) => vec![entries.as_slice()],
            Kind::Seq(items) => items
                .iter()
                .map(|item| match &item.kind {
                    Kind::Map(entries) => Ok(entries.as_slice()),
                    _ => Err(not_a_mapping(item)),
                })
                .collect::<Result<_, _>>()?,
            Kind::Scalar(_) => return Err(not_a_mapping(value)),
        };
        for source in sources {
            for (k, v) in flatten(source)? {
                let shared = k
                    .scalar()
                    .map(|s| s.text.as_str())
                    .filter(|t| t.chars().count() <= 1 && t.chars().all(|c| u32::from(c) < 256));
                if let Some(text) = shared {
                    if !shared_keys.insert(text) {
                        continue;
                    }
                }
                merged.push((k, v));
            }
        }
    }
    merged.extend(own);
    Ok(merged)
}

/// Entries as a Python dict holds them: a key keeps the place of its first entry and takes
/// the value of its last.
fn as_dict(entries: impl Iterator<Item = (Data, Data)>) -> Vec<(Data, Data)> {
    let mut out: Vec<(Data, Data)> = Vec::new();
    // Where each string key is in `out`, so that a duplicate costs no scan.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (key, value) in entries {
        let existing = match &key {
            Data::Str(k) => index.get(k).copied(),
            _ => out.iter().position(|(k, _)| k == &key),
        };
        match existing {
            Some(i) => out[i].1 = value,
            None => {
                if let Data::Str(k) = &key {
                    index.insert(k.clone(), out.len());
                }
                out.push((key, value));
            }
        }
    }
    out
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
    fn duplicate_keys_keep_their_first_place_and_take_the_last_value() {
        // as a Python dict does (checked against ansible-core in the
        // `duplicate-keys-keep-first-place` case of tests/data/ansible-generated)
        let doc = load("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(doc.data, map(&[("a", Data::Int(3)), ("b", Data::Int(2))]));
        let doc = load("d: {p: 1, q: 2, p: 3, <<: {q: 7, r: 8}}\n").unwrap();
        assert_eq!(
            doc.data.get("d").unwrap(),
            &map(&[
                ("q", Data::Int(2)),
                ("r", Data::Int(8)),
                ("p", Data::Int(3))
            ])
        );
        // a merge list: a one-character key merged twice keeps the first, a longer one the
        // last (PyYAML's identity check; see `flatten`)
        let doc =
            load("d: {<<: [{b: 1}, {a: 2, b: 3}]}\ne: {<<: [{bb: 1}, {aa: 2, bb: 3}]}\n").unwrap();
        assert_eq!(
            doc.data.get("d").unwrap(),
            &map(&[("b", Data::Int(1)), ("a", Data::Int(2))])
        );
        assert_eq!(
            doc.data.get("e").unwrap(),
            &map(&[("bb", Data::Int(3)), ("aa", Data::Int(2))])
        );
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
