//! A YAML document as a tree of nodes that remember their line and column, with Ansible's
//! (YAML 1.1) typing of plain scalars: what lints walk to point at `file:line` and a field
//! path such as `scrape_configs[2].basic_auth.password`.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::yaml::{
    load::LoadError,
    resolve::{resolve_plain, Resolved},
    Budget, BudgetError, Cost,
};

/// A node and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub column: usize,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar: its text, and whether YAML reads it as a string.
    Scalar {
        text: String,
        is_string: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text when it is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar {
                text,
                is_string: true,
            } => Some(text),
            _ => None,
        }
    }

    /// The value of a string key in a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar { text, .. } if text == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Calls `visit(path, node)` for this node and every node below it.
    pub fn walk<'a>(&'a self, path: &str, visit: &mut dyn FnMut(&str, &'a Node)) {
        visit(path, self);
        match &self.kind {
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    item.walk(&format!("{path}[{i}]"), visit);
                }
            }
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let key = match &k.kind {
                        NodeKind::Scalar { text, .. } => text.clone(),
                        _ => "?".to_string(),
                    };
                    let child = if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    };
                    v.walk(&child, visit);
                }
            }
            NodeKind::Scalar { .. } => {}
        }
    }
}

/// Parses a document into a tree (`None` for an empty document or invalid YAML, including a
/// text over the [`Budget`]; [`parse_checked`] says what is wrong).
#[must_use]
pub fn parse(text: &str) -> Option<Node> {
    parse_checked(text).ok().flatten()
}

/// Parses a document into a tree within the limits of a [`Budget`]; `Ok(None)` for an empty
/// document.
///
/// # Errors
/// Syntax errors, unknown aliases, nesting too deep or aliases expanding too far, with the
/// position of the event where it went wrong.
pub fn parse_checked(text: &str) -> Result<Option<Node>, LoadError> {
    let mut loader = Loader {
        parser: Budget::parser(text),
        anchors: Vec::new(),
        budget: Budget::for_text(text),
    };
    loop {
        let (event, span) = loader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(None),
            other => return loader.node(other, &span).map(Some),
        }
    }
}

struct Loader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: Vec<(usize, Node, Cost)>,
    budget: Budget,
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
                Some(Ok((Event::Comment(..), _))) => {}
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

    // `node` recurses once per level of nesting: the work of each kind of node is in a
    // function of its own, so that each level's stack frame stays small (even unoptimized).
    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Node, LoadError> {
        let mark = self.budget.begin();
        let (kind, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => (
                scalar(&mut self.budget, &text, style, tag.as_deref(), span)?,
                anchor,
            ),
            Event::Alias(id) => return self.alias(id, span),
            Event::SequenceStart(_, anchor, _) => (self.sequence(span)?, anchor),
            Event::MappingStart(_, anchor, _) => (self.mapping(span)?, anchor),
            _ => return Err(at(span, "unexpected YAML event")),
        };
        let node = Node {
            line: span.start.line(),
            column: span.start.col() + 1,
            kind,
        };
        let cost = self.budget.end(mark);
        if anchor != 0 {
            // The copy kept for the aliases counts too.
            self.budget.anchor(cost).map_err(|e| over(span, &e))?;
            self.anchors.push((anchor, node.clone(), cost));
        }
        Ok(node)
    }

    fn alias(&mut self, id: usize, span: &Span) -> Result<Node, LoadError> {
        let (_, node, cost) = self
            .anchors
            .iter()
            .rev()
            .find(|(a, _, _)| *a == id)
            .ok_or_else(|| at(span, "alias to an unknown anchor"))?;
        self.budget.alias(*cost).map_err(|e| over(span, &e))?;
        Ok(node.clone())
    }

    fn sequence(&mut self, span: &Span) -> Result<NodeKind, LoadError> {
        self.budget.open().map_err(|e| over(span, &e))?;
        let mut items = Vec::new();
        loop {
            let (ev, sp) = self.next()?;
            if matches!(ev, Event::SequenceEnd) {
                break;
            }
            items.push(self.node(ev, &sp)?);
        }
        self.budget.close();
        Ok(NodeKind::Seq(items))
    }

    fn mapping(&mut self, span: &Span) -> Result<NodeKind, LoadError> {
        self.budget.open().map_err(|e| over(span, &e))?;
        let mut entries = Vec::new();
        loop {
            let (ev, sp) = self.next()?;
            if matches!(ev, Event::MappingEnd) {
                break;
            }
            let key = self.node(ev, &sp)?;
            let (ev, sp) = self.next()?;
            let value = self.node(ev, &sp)?;
            entries.push((key, value));
        }
        self.budget.close();
        Ok(NodeKind::Map(entries))
    }
}

fn over(span: &Span, e: &BudgetError) -> LoadError {
    at(span, e.to_string())
}

fn scalar(
    budget: &mut Budget,
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    span: &Span,
) -> Result<NodeKind, LoadError> {
    budget.scalar(text.len()).map_err(|e| over(span, &e))?;
    let is_string = match tag {
        Some(t) if t.is_yaml_core_schema() => t.suffix() == "str",
        Some(_) => true,
        None => {
            style != ScalarStyle::Plain
                || matches!(resolve_plain(text), Resolved::Str | Resolved::Timestamp)
        }
    };
    Ok(NodeKind::Scalar {
        text: text.to_string(),
        is_string,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_lines_and_paths() {
        let doc = parse("a:\n  - b: yes\n    c: 'yes'\n").unwrap();
        let mut seen = Vec::new();
        doc.walk("", &mut |path, node| {
            if let NodeKind::Scalar { text, is_string } = &node.kind {
                seen.push((path.to_string(), text.clone(), *is_string, node.line));
            }
        });
        assert_eq!(
            seen,
            vec![
                ("a[0].b".to_string(), "yes".to_string(), false, 2),
                ("a[0].c".to_string(), "yes".to_string(), true, 3),
            ]
        );
        assert!(parse("").is_none());
        assert!(parse("a: [").is_none());
    }

    #[test]
    fn bombs_and_deep_nesting_fail_with_their_position() {
        use crate::yaml::hostile::{
            alias_bomb, deep_block, deep_flow, deep_through_aliases, text_bomb,
        };
        let err = parse_checked(&alias_bomb(12)).unwrap_err();
        assert!(
            err.message
                .contains("aliases expand to more than 1000000 nodes (an alias bomb?)"),
            "{err}"
        );
        assert_eq!(err.line, 6, "{err}");
        assert!(parse(&alias_bomb(12)).is_none());
        assert!(parse(&alias_bomb(4)).is_some());
        let err = parse_checked(&text_bomb()).unwrap_err();
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
            let err = parse_checked(&text).unwrap_err();
            assert_eq!(err.message, "YAML nesting deeper than 256", "{err}");
            assert!(parse(&text).is_none());
        }
        assert!(parse(&deep_flow(256)).is_some());
        assert!(parse(&deep_through_aliases(2)).is_some());
    }
}
