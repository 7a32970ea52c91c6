//! The one YAML node layer every YAML reader in promvault builds on: the document as a tree
//! of nodes that keep their 1-based line and column, each scalar's text, whether it was
//! plain (unquoted) and its tag, with anchors expanded at their aliases and everything
//! counted against a [`Budget`] (nesting depth, nodes, text: an alias bomb or 10,000 levels
//! of nesting fail at the event that goes over, with its position).
//!
//! Nothing here decides what a scalar *means*. Two resolvers read the tree:
//! - Ansible's (PyYAML's YAML 1.1 rules plus `!unsafe` and `!vault`): [`super::load`], for
//!   inventories, variables, vault values and `from_yaml`;
//! - Go's `gopkg.in/yaml.v2` (Prometheus): `prometheus::yaml`, for what the validator, the
//!   lints and the diff masker read in a rendered configuration.
//!
//! Duplicate keys are kept in document order; each resolver applies its own rule (PyYAML: the
//! last value wins; yaml.v2's strict mode: an error).

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::yaml::{Budget, Cost};

/// The long prefix of the YAML core tags (`!!str` is `tag:yaml.org,2002:str`).
pub const CORE_TAG: &str = "tag:yaml.org,2002:";

/// A load failure with its 1-based position (0 when the text ended early).
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

impl std::error::Error for LoadError {}

/// A node of the document, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// 1-based line of the node's first character.
    pub line: usize,
    /// 1-based column of the node's first character.
    pub column: usize,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in document order; duplicate keys are kept.
    Map(Vec<(Node, Node)>),
}

/// A scalar as written: its text (escapes processed), whether it was plain (unquoted, not a
/// block scalar), and its tag if one was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub plain: bool,
    /// The full tag (`tag:yaml.org,2002:int` for `!!int`, `!unsafe`, `!custom`).
    pub tag: Option<String>,
}

impl Scalar {
    /// The suffix of a YAML core tag (`str` for `!!str`), when the scalar has one.
    #[must_use]
    pub fn core_tag(&self) -> Option<&str> {
        self.tag.as_deref()?.strip_prefix(CORE_TAG)
    }
}

impl Node {
    /// The scalar, when this is one.
    #[must_use]
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value of the (last) key written `key` in a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar().is_some_and(|s| s.text == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The line of the (last) key written `key` in a mapping.
    #[must_use]
    pub fn key_line(&self, key: &str) -> Option<usize> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar().is_some_and(|s| s.text == key))
                .map(|(k, _)| k.line),
            _ => None,
        }
    }

    /// Calls `visit(path, node)` for this node and every node below it, with field paths
    /// such as `scrape_configs[2].basic_auth.password` (`path` is this node's).
    pub fn walk<'a>(&'a self, path: &str, visit: &mut dyn FnMut(&str, &'a Node)) {
        self.walk_in(&mut path.to_string(), visit);
    }

    /// [`Node::walk`] with the path in one buffer: each child's path is appended to it and
    /// cut off again (no string allocated per node).
    fn walk_in<'a>(&'a self, path: &mut String, visit: &mut dyn FnMut(&str, &'a Node)) {
        use std::fmt::Write as _;
        visit(path, self);
        let len = path.len();
        match &self.kind {
            Kind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let _ = write!(path, "[{i}]");
                    item.walk_in(path, visit);
                    path.truncate(len);
                }
            }
            Kind::Map(entries) => {
                for (k, v) in entries {
                    if len > 0 {
                        path.push('.');
                    }
                    path.push_str(k.scalar().map_or("?", |s| s.text.as_str()));
                    v.walk_in(path, visit);
                    path.truncate(len);
                }
            }
            Kind::Scalar(_) => {}
        }
    }
}

/// A key written twice in one mapping: where it was first, and where again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first_line: usize,
    pub line: usize,
}

impl Node {
    /// Every key written more than once in one mapping of the tree (each repeat once, with
    /// the line of the key's first appearance), by line. `<<` merges are not
    /// counted: merging is what they are for.
    #[must_use]
    pub fn duplicate_keys(&self) -> Vec<DuplicateKey> {
        let mut found = Vec::new();
        self.walk("", &mut |_, node| {
            let Kind::Map(entries) = &node.kind else {
                return;
            };
            let mut first: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::new();
            for (key, _) in entries {
                let Some(s) = key.scalar().filter(|s| !(s.plain && s.text == "<<")) else {
                    continue;
                };
                match first.get(s.text.as_str()) {
                    Some(&first_line) => found.push(DuplicateKey {
                        key: s.text.clone(),
                        first_line,
                        line: key.line,
                    }),
                    None => {
                        first.insert(&s.text, key.line);
                    }
                }
            }
        });
        found.sort_by_key(|d| d.line);
        found
    }
}

/// How many documents a text may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// Only the first counts; nothing after it is read (Go's yaml.v2 `Unmarshal`).
    First,
    /// At most one; a second is an error at its `---` (a vars file, a vault).
    One,
}

/// Loads `text` into a tree; `Ok(None)` for an empty stream or document.
///
/// # Errors
/// Syntax errors, unknown aliases, a second document (with [`Documents::One`]), nesting too
/// deep or aliases expanding too far: at the position of the event where it went wrong.
pub fn load(text: &str, documents: Documents) -> Result<Option<Node>, LoadError> {
    let mut loader = Loader {
        parser: Budget::parser(text),
        anchors: Vec::new(),
        budget: Budget::for_text(text),
        items: Vec::new(),
        entries: Vec::new(),
    };
    let mut root = None;
    let mut started = 0;
    loop {
        let (event, span) = loader.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(root),
            Event::DocumentStart(..) => {
                started += 1;
                if started > 1 {
                    return Err(at(
                        &span,
                        "several YAML documents in one file, where one is expected",
                    ));
                }
                let (event, span) = loader.next()?;
                if !matches!(event, Event::DocumentEnd) {
                    root = Some(loader.node(event, &span)?);
                }
                if documents == Documents::First {
                    return Ok(root);
                }
            }
            other => {
                root = Some(loader.node(other, &span)?);
                if documents == Documents::First {
                    return Ok(root);
                }
            }
        }
    }
}

struct Loader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    /// Each anchored node's copy, for its aliases (the most recent definition of a name wins).
    anchors: Vec<(usize, Node, Cost)>,
    budget: Budget,
    /// The items of the sequences being read, innermost last: each sequence takes its own
    /// off the end once complete, in a vector of exactly their number (no spare capacity
    /// kept for every collection of the tree, no regrowing while reading).
    items: Vec<Node>,
    /// The same for mappings' entries.
    entries: Vec<(Node, Node)>,
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
        loop {
            match self.parser.next_event() {
                Some(Ok((Event::Comment(..) | Event::Anchor(..), _))) => {}
                Some(Ok(ev)) => return Ok(ev),
                Some(Err(e)) => {
                    return Err(LoadError {
                        line: e.marker().line(),
                        column: e.marker().col() + 1,
                        message: e.info().to_string(),
                    })
                }
                None => {
                    return Err(LoadError {
                        line: 0,
                        column: 0,
                        message: "unexpected end of YAML".to_string(),
                    })
                }
            }
        }
    }

    fn over(span: &Span, e: &impl std::fmt::Display) -> LoadError {
        at(span, e.to_string())
    }

    // `node` recurses once per level of nesting: the work of each kind of node is in a
    // function of its own, so that each level's stack frame stays small (even unoptimized).
    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Node, LoadError> {
        let mark = self.budget.begin();
        let (kind, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                (self.scalar(text, style, tag.as_deref(), span)?, anchor)
            }
            Event::Alias(id) => return self.alias(id, span),
            Event::UnresolvedAlias(name) => {
                return Err(at(span, format!("unknown anchor '{name}' referenced")))
            }
            Event::SequenceStart(_, anchor, _) => (self.sequence(span)?, anchor),
            Event::MappingStart(_, anchor, _) => (self.mapping(span)?, anchor),
            _ => return Err(at(span, "unexpected YAML event")),
        };
        let node = Node {
            kind,
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let cost = self.budget.end(mark);
        if anchor != 0 {
            // The copy kept for the aliases counts too.
            self.budget.anchor(cost).map_err(|e| Self::over(span, &e))?;
            self.anchors.push((anchor, node.clone(), cost));
        }
        Ok(node)
    }

    fn scalar(
        &mut self,
        text: std::borrow::Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: &Span,
    ) -> Result<Kind, LoadError> {
        self.budget
            .scalar(text.len())
            .map_err(|e| Self::over(span, &e))?;
        Ok(Kind::Scalar(Scalar {
            text: text.into_owned(),
            plain: style == ScalarStyle::Plain,
            tag: tag.map(|t| format!("{}{}", t.handle(), t.suffix())),
        }))
    }

    fn alias(&mut self, id: usize, span: &Span) -> Result<Node, LoadError> {
        let (_, node, cost) = self
            .anchors
            .iter()
            .rev()
            .find(|(a, _, _)| *a == id)
            .ok_or_else(|| at(span, "unknown anchor referenced"))?;
        self.budget.alias(*cost).map_err(|e| Self::over(span, &e))?;
        Ok(node.clone())
    }

    fn sequence(&mut self, span: &Span) -> Result<Kind, LoadError> {
        self.budget.open().map_err(|e| Self::over(span, &e))?;
        let start = self.items.len();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::SequenceEnd) {
                break;
            }
            let item = self.node(event, &span)?;
            self.items.push(item);
        }
        self.budget.close();
        Ok(Kind::Seq(self.items.drain(start..).collect()))
    }

    fn mapping(&mut self, span: &Span) -> Result<Kind, LoadError> {
        self.budget.open().map_err(|e| Self::over(span, &e))?;
        let start = self.entries.len();
        loop {
            let (event, key_span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key = self.node(event, &key_span)?;
            let (event, value_span) = self.next()?;
            let value = self.node(event, &value_span)?;
            self.entries.push((key, value));
        }
        self.budget.close();
        Ok(Kind::Map(self.entries.drain(start..).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        load(text, Documents::One)
            .expect("loads")
            .expect("a document")
    }

    #[test]
    fn nodes_keep_positions_styles_tags_and_paths() {
        let doc = one("a:\n  - b: yes\n    c: 'yes'\n    d: !!str 1\n    e: !unsafe x\n");
        let mut seen = Vec::new();
        doc.walk("", &mut |path, node| {
            if let Kind::Scalar(s) = &node.kind {
                seen.push((
                    path.to_string(),
                    s.text.clone(),
                    s.plain,
                    s.tag.clone(),
                    node.line,
                ));
            }
        });
        assert_eq!(
            seen,
            vec![
                ("a[0].b".into(), "yes".into(), true, None, 2),
                ("a[0].c".into(), "yes".into(), false, None, 3),
                (
                    "a[0].d".into(),
                    "1".into(),
                    true,
                    Some("tag:yaml.org,2002:str".into()),
                    4
                ),
                ("a[0].e".into(), "x".into(), true, Some("!unsafe".into()), 5),
            ]
        );
        assert_eq!(doc.get("a").map(|n| n.line), Some(2));
    }

    #[test]
    fn aliases_are_expanded_and_duplicates_kept() {
        let node = one("a: &x\n  b: 1\nc: *x\nc: 2\n");
        let Kind::Map(entries) = &node.kind else {
            panic!("a map")
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].0.line, 3);
        assert_eq!(entries[1].1.kind, entries[0].1.kind);
        // the last of duplicate keys is the one `get` reads
        assert_eq!(node.get("c").map(|n| n.line), Some(4));
        let nested = one("a: 1\nb:\n  x: 1\n  <<: {x: 2}\n  <<: {y: 2}\n  x: 3\na: 2\n");
        assert_eq!(
            nested.duplicate_keys(),
            vec![
                DuplicateKey {
                    key: "x".into(),
                    first_line: 3,
                    line: 6
                },
                DuplicateKey {
                    key: "a".into(),
                    first_line: 1,
                    line: 7
                },
            ]
        );
    }

    #[test]
    fn documents_first_or_only_one() {
        let two = "a: 1\n---\nb: [\n";
        assert!(load(two, Documents::First).unwrap().is_some());
        let err = load(two, Documents::One).unwrap_err();
        assert_eq!((err.line, err.message.contains("several")), (2, true));
        assert_eq!(load("", Documents::One).unwrap(), None);
        // an explicit empty document is a null scalar
        let empty = load("---\n...\n", Documents::First).unwrap().unwrap();
        assert!(empty.scalar().is_some_and(|s| s.plain && s.text == "~"));
        assert_eq!(load("# nothing\n", Documents::One).unwrap(), None);
        assert!(load("a: *nope\n", Documents::One).is_err());
    }

    #[test]
    fn bombs_and_deep_nesting_fail_with_their_position() {
        use crate::yaml::hostile::{
            alias_bomb, deep_block, deep_flow, deep_through_aliases, text_bomb,
        };
        let err = load(&alias_bomb(12), Documents::One).unwrap_err();
        assert!(
            err.message
                .contains("aliases expand to more than 1000000 nodes (an alias bomb?)"),
            "{err}"
        );
        // line 6 asks for 10^6 scalars (and its anchor a copy of them): there it runs out
        assert_eq!(err.line, 6, "{err}");
        assert!(load(&alias_bomb(4), Documents::One).is_ok());
        let err = load(&text_bomb(), Documents::One).unwrap_err();
        assert!(
            err.message.contains("MiB of text (an alias bomb?)"),
            "{err}"
        );
        assert_eq!(err.line, 2);
        for text in [
            deep_flow(10_000),
            deep_block(10_000),
            deep_through_aliases(3),
        ] {
            let err = load(&text, Documents::First).unwrap_err();
            assert_eq!(err.message, "YAML nesting deeper than 256", "{err}");
        }
        assert!(load(&deep_flow(256), Documents::One).is_ok());
        assert!(load(&deep_through_aliases(2), Documents::One).is_ok());
    }
}
