//! The YAML inventory format (ansible's `yaml` inventory plugin): groups with `hosts`,
//! `children` and `vars`, any number of top-level groups.

use super::{expand_host_pattern, Inventory, InventoryError, Origin, Var};
use std::collections::HashMap;

use crate::{
    data::Data,
    yaml::{
        load,
        node::{Kind, Node},
    },
};

pub(super) fn parse(inv: &mut Inventory, text: &str, file: &str) -> Result<(), InventoryError> {
    let doc = load::load(text).map_err(|e| InventoryError::Parse {
        location: Origin {
            file: file.to_string(),
            line: Some(e.line),
        },
        message: e.message,
    })?;
    inv.warnings
        .extend(super::duplicate_key_warnings(&doc, file));
    let top = match doc.data.clone() {
        Data::Null => return Ok(()),
        Data::Map(entries) => entries,
        _ => {
            return Err(error(
                file,
                doc_line(&doc, None),
                "a YAML inventory must be a mapping of group names",
            ));
        }
    };
    for (name, body) in top {
        let name = key_name(&name, file)?;
        let line = doc.line_of(&name);
        let node = doc.root.as_ref().and_then(|r| r.get(&name));
        parse_group(inv, &name, &body, node, file, line)?;
    }
    Ok(())
}

fn doc_line(doc: &load::Document, key: Option<&str>) -> Option<usize> {
    key.and_then(|k| doc.line_of(k)).or(Some(1))
}

fn error(file: &str, line: Option<usize>, message: impl Into<String>) -> InventoryError {
    InventoryError::Parse {
        location: Origin {
            file: file.to_string(),
            line,
        },
        message: message.into(),
    }
}

fn key_name(key: &Data, file: &str) -> Result<String, InventoryError> {
    match key {
        Data::Str(s) | Data::Unsafe(s) => Ok(s.clone()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(f) => Ok(f.to_string()),
        Data::Bool(b) => Ok(if *b { "True" } else { "False" }.to_string()),
        _ => Err(error(file, None, "group and host names must be strings")),
    }
}

fn entries<'d>(
    section: &'d Data,
    what: &str,
    group: &str,
    file: &str,
    line: Option<usize>,
) -> Result<Vec<(String, &'d Data)>, InventoryError> {
    static NULL: Data = Data::Null;
    match section {
        Data::Null => Ok(Vec::new()),
        // `hosts: web1` is read as `hosts: {web1: null}`
        Data::Str(s) => Ok(vec![(s.clone(), &NULL)]),
        Data::Map(entries) => entries
            .iter()
            .map(|(k, v)| Ok((key_name(k, file)?, v)))
            .collect(),
        _ => Err(error(
            file,
            line,
            format!("`{what}` of group `{group}` must be a mapping (a list is not accepted by Ansible either)"),
        )),
    }
}

/// The line of `key` in the mapping `node` (when the key is written there, not merged in by
/// `<<`), else `fallback`.
fn line_in(node: Option<&Node>, key: &str, fallback: Option<usize>) -> Option<usize> {
    node.and_then(|n| n.key_line(key)).or(fallback)
}

/// A mapping's keys (their text) with each key's line and value node, the last one written
/// winning: looked up once per host, so a group of 10,000 hosts is not searched 10,000 times.
fn keyed(node: Option<&Node>) -> HashMap<&str, (usize, &Node)> {
    let mut map = HashMap::new();
    if let Some(Kind::Map(entries)) = node.map(|n| &n.kind) {
        for (k, v) in entries {
            if let Some(s) = k.scalar() {
                map.insert(s.text.as_str(), (k.line, v));
            }
        }
    }
    map
}

/// Reads one group; `node` is its body in the node tree (for the line of each variable,
/// host and child), `line` the line of its name.
fn parse_group(
    inv: &mut Inventory,
    name: &str,
    body: &Data,
    node: Option<&Node>,
    file: &str,
    line: Option<usize>,
) -> Result<(), InventoryError> {
    inv.add_group(name);
    let sections = match body {
        Data::Null => return Ok(()),
        Data::Map(entries) => entries,
        _ => {
            return Err(error(
                file,
                line,
                format!("group `{name}` must be a mapping with hosts, children or vars"),
            ));
        }
    };
    for (key, value) in sections {
        let key = key_name(key, file)?;
        let section = node.and_then(|n| n.get(&key));
        let section_line = line_in(node, &key, line);
        match key.as_str() {
            "vars" => {
                let lines = keyed(section);
                for (var, v) in entries(value, "vars", name, file, line)? {
                    let at = lines.get(var.as_str()).map(|e| e.0).or(section_line);
                    inv.set_group_var(name, &var, var_at(v, file, at));
                }
            }
            "children" => {
                let lines = keyed(section);
                for (child, child_body) in entries(value, "children", name, file, line)? {
                    let child_node = lines.get(child.as_str()).map(|e| e.1);
                    let child_line = lines.get(child.as_str()).map(|e| e.0).or(section_line);
                    parse_group(inv, &child, child_body, child_node, file, child_line)?;
                    inv.add_child(name, &child);
                }
            }
            "hosts" => {
                let lines = keyed(section);
                for (pattern, host_vars) in entries(value, "hosts", name, file, line)? {
                    let host_node = lines.get(pattern.as_str()).map(|e| e.1);
                    let host_line = lines.get(pattern.as_str()).map(|e| e.0).or(section_line);
                    let (hosts, port) =
                        expand_host_pattern(&pattern).map_err(|m| error(file, line, m))?;
                    let var_lines = keyed(host_node);
                    let vars = match host_vars {
                        Data::Null => Vec::new(),
                        Data::Map(entries) => entries.clone(),
                        _ => {
                            return Err(error(
                                file,
                                line,
                                format!("the variables of host `{pattern}` must be a mapping"),
                            ));
                        }
                    };
                    for host in hosts {
                        inv.add_host(&host, name);
                        if let Some(port) = port {
                            inv.set_host_var(
                                &host,
                                "ansible_port",
                                var_at(&Data::Int(i128::from(port)), file, host_line),
                            );
                        }
                        for (k, v) in &vars {
                            let k = key_name(k, file)?;
                            let at = var_lines.get(k.as_str()).map(|e| e.0).or(host_line);
                            inv.set_host_var(&host, &k, var_at(v, file, at));
                        }
                    }
                }
            }
            // Ansible warns and skips other keys; a typo here silently loses hosts, so say so.
            other => {
                return Err(error(
                    file,
                    line,
                    format!("group `{name}` has an unexpected key `{other}` (expected hosts, children or vars)"),
                ));
            }
        }
    }
    Ok(())
}

fn var_at(data: &Data, file: &str, line: Option<usize>) -> Var {
    Var {
        data: data.clone(),
        origin: Origin {
            file: file.to_string(),
            line,
        },
    }
}
