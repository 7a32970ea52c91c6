//! The INI inventory format (ansible's `ini` inventory plugin): hosts before any section are
//! ungrouped; `[group]` lists hosts with `key=value` variables; `[group:vars]` sets group
//! variables; `[group:children]` nests groups. Values are Python literals where they parse as
//! one (`9100` is an int, `True` a bool), else strings.

use super::{
    expand_host_pattern,
    pyliteral::{literal_eval, shlex_split},
    Inventory, InventoryError, Origin, Var,
};
use crate::data::Data;

fn value(text: &str) -> Data {
    literal_eval(text).unwrap_or_else(|| Data::Str(text.to_string()))
}

pub(super) fn parse(inv: &mut Inventory, text: &str, file: &str) -> Result<(), InventoryError> {
    let mut group = "ungrouped".to_string();
    let mut state = "hosts".to_string();
    // groups named in [x:children] or [x:vars] before they are defined
    let mut pending: Vec<(String, usize, String, Vec<String>)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let lineno = index + 1;
        let error = |message: String| InventoryError::Parse {
            location: Origin {
                file: file.to_string(),
                line: Some(lineno),
            },
            message,
        };
        let origin = Origin {
            file: file.to_string(),
            line: Some(lineno),
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(section) = section_header(line) {
            let (name, kind) = match section.split_once(':') {
                Some((n, k)) => (n.to_string(), k.to_string()),
                None => (section.to_string(), "hosts".to_string()),
            };
            if !matches!(kind.as_str(), "hosts" | "children" | "vars") {
                return Err(error(format!(
                    "section [{section}] has an unknown type: {kind}"
                )));
            }
            if !inv.groups.contains_key(&name) {
                if kind == "vars" && !pending.iter().any(|p| p.0 == name) {
                    pending.push((name.clone(), lineno, kind.clone(), Vec::new()));
                }
                inv.add_group(&name);
            }
            if kind != "vars" {
                if let Some(i) = pending.iter().position(|p| p.0 == name) {
                    let (_, _, pending_kind, parents) = pending.remove(i);
                    if pending_kind == "children" {
                        for parent in parents {
                            inv.add_child(&parent, &name);
                        }
                    }
                }
            }
            group = name;
            state = kind;
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(error(format!(
                "invalid section `{line}`: no spaces or other characters are allowed in a section name"
            )));
        }
        match state.as_str() {
            "hosts" => {
                let tokens =
                    shlex_split(line).map_err(|e| error(format!("cannot parse host line: {e}")))?;
                let Some((pattern, assignments)) = tokens.split_first() else {
                    continue;
                };
                let (hosts, port) = expand_host_pattern(pattern).map_err(error)?;
                let mut vars = Vec::new();
                for t in assignments {
                    let (k, v) = t.split_once('=').ok_or_else(|| {
                        error(format!("expected key=value host variable, got `{t}`"))
                    })?;
                    vars.push((k.to_string(), value(v)));
                }
                for host in hosts {
                    inv.add_host(&host, &group);
                    if let Some(port) = port {
                        inv.set_host_var(
                            &host,
                            "ansible_port",
                            Var {
                                data: Data::Int(i128::from(port)),
                                origin: origin.clone(),
                            },
                        );
                    }
                    for (k, v) in &vars {
                        inv.set_host_var(
                            &host,
                            k,
                            Var {
                                data: v.clone(),
                                origin: origin.clone(),
                            },
                        );
                    }
                }
            }
            "vars" => {
                let (k, v) = line
                    .split_once('=')
                    .ok_or_else(|| error(format!("expected key=value, got `{line}`")))?;
                inv.set_group_var(
                    &group,
                    k.trim(),
                    Var {
                        data: value(v.trim()),
                        origin,
                    },
                );
            }
            _ => {
                let child = line.split('#').next().unwrap_or("").trim().to_string();
                if child.is_empty() || child.contains([':', ']', ' ', '\t']) {
                    return Err(error(format!("expected a group name, got `{line}`")));
                }
                if inv.groups.contains_key(&child) {
                    inv.add_child(&group, &child);
                } else if let Some(p) = pending.iter_mut().find(|p| p.0 == child) {
                    p.3.push(group.clone());
                } else {
                    pending.push((child, lineno, "children".to_string(), vec![group.clone()]));
                }
            }
        }
    }
    if let Some((name, line, kind, parents)) = pending.into_iter().next() {
        let message = if kind == "vars" {
            format!("section [{name}:vars] is for a group that is never defined")
        } else {
            format!(
                "section [{}:children] names `{name}`, a group that is never defined",
                parents.last().cloned().unwrap_or_default()
            )
        };
        return Err(InventoryError::Parse {
            location: Origin {
                file: file.to_string(),
                line: Some(line),
            },
            message,
        });
    }
    Ok(())
}

/// `[name]` or `[name:kind]`, optionally followed by white space and a `#` comment.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find(']')?;
    let inside = &rest[..close];
    let after = rest[close + 1..].trim_start();
    if !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    let (name, kind) = inside.split_once(':').unwrap_or((inside, ""));
    let name_ok = !name.is_empty() && !name.contains(|c: char| c == ']' || c.is_whitespace());
    let kind_ok = kind.chars().all(|c| c.is_alphanumeric() || c == '_');
    (name_ok && kind_ok).then_some(inside)
}
