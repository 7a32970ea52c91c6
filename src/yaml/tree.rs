//! A YAML document as a tree of nodes that remember their line and column, with Ansible's
//! (YAML 1.1) typing of plain scalars: what lints walk to point at `file:line` and a field
//! path such as `scrape_configs[2].basic_auth.password`.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

use crate::yaml::resolve::{resolve_plain, Resolved};

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

/// Parses a document into a tree (`None` for an empty document or invalid YAML).
#[must_use]
pub fn parse(text: &str) -> Option<Node> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    loop {
        let (event, span) = next(&mut parser)?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) => {}
            Event::StreamEnd | Event::DocumentEnd => return None,
            other => return node(&mut parser, other, &span, &mut anchors),
        }
    }
}

fn next<'a>(
    parser: &mut Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
) -> Option<(Event<'a>, Span)> {
    loop {
        match parser.next_event()? {
            Ok((Event::Comment(..), _)) => {}
            Ok(ev) => return Some(ev),
            Err(_) => return None,
        }
    }
}

fn node<'a>(
    parser: &mut Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    event: Event<'a>,
    span: &Span,
    anchors: &mut Vec<(usize, Node)>,
) -> Option<Node> {
    let at = |kind| Node {
        line: span.start.line(),
        column: span.start.col() + 1,
        kind,
    };
    let (node, anchor) = match event {
        Event::Scalar(text, style, anchor, tag) => {
            let is_string = match tag.as_deref() {
                Some(t) if t.is_yaml_core_schema() => t.suffix() == "str",
                Some(_) => true,
                None => {
                    style != ScalarStyle::Plain
                        || matches!(resolve_plain(&text), Resolved::Str | Resolved::Timestamp)
                }
            };
            (
                at(NodeKind::Scalar {
                    text: text.into_owned(),
                    is_string,
                }),
                anchor,
            )
        }
        Event::Alias(id) => {
            return anchors
                .iter()
                .rev()
                .find(|(a, _)| *a == id)
                .map(|(_, n)| n.clone());
        }
        Event::SequenceStart(_, anchor, _) => {
            let mut items = Vec::new();
            loop {
                let (ev, sp) = next(parser)?;
                if matches!(ev, Event::SequenceEnd) {
                    break;
                }
                items.push(node(parser, ev, &sp, anchors)?);
            }
            (at(NodeKind::Seq(items)), anchor)
        }
        Event::MappingStart(_, anchor, _) => {
            let mut entries = Vec::new();
            loop {
                let (ev, sp) = next(parser)?;
                if matches!(ev, Event::MappingEnd) {
                    break;
                }
                let key = node(parser, ev, &sp, anchors)?;
                let (ev, sp) = next(parser)?;
                let value = node(parser, ev, &sp, anchors)?;
                entries.push((key, value));
            }
            (at(NodeKind::Map(entries)), anchor)
        }
        _ => return None,
    };
    if anchor != 0 {
        anchors.push((anchor, node.clone()));
    }
    Some(node)
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
}
