//! `kubernetes_sd_configs` (`discovery/kubernetes/kubernetes.go`): roles, the `api_server` / `kubeconfig_file` / custom HTTP
//! client / `own_namespace` exclusions, and the selectors, whose `label` and `field`
//! strings are parsed as Kubernetes' `labels.Parse` and `fields.ParseSelector` do.

use super::{Block, HttpBlock, Mechanism, Val};
use crate::prometheus::decode::Cx;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::yaml::Node;
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("api_server", Url),
    Field::new("role", Str),
    Field::new("kubeconfig_file", Str),
    Field::new("namespaces", Namespaces),
    Field::new("selectors", Selectors),
    Field::new("attach_metadata", AttachMetadata),
];

pub(super) const KUBERNETES: Mechanism = Mechanism {
    name: "kubernetes",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

/// `attach_metadata`'s fields.
const ATTACH_METADATA: &[Field] = &[
    Field::new("node", Bool),
    Field::new("namespace", Bool).since(V3),
    Field::new("deployment", Bool).since(V3),
    Field::new("job", Bool).since(V3),
    Field::new("cronjob", Bool).since(V3),
];

const ROLES: &[&str] = &[
    "node",
    "pod",
    "service",
    "endpoints",
    "endpointslice",
    "ingress",
];

/// A decoded selector.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    pub role: String,
    pub label: String,
    pub field: String,
}

/// Decodes `namespaces`; returns `own_namespace`.
pub(crate) fn namespaces(cx: &mut Cx, node: &Node, path: &str) -> bool {
    let Some(o) = cx.obj(
        node,
        path,
        "kubernetes namespaces",
        &["own_namespace", "names"],
    ) else {
        return false;
    };
    cx.strings(o.get("names"), &o.child("names"));
    cx.boolean(o.get("own_namespace"), &o.child("own_namespace"))
        .unwrap_or(false)
}

/// Decodes `attach_metadata`.
pub(super) fn attach_metadata(cx: &mut Cx, node: &Node, path: &str) {
    let fields = crate::prometheus::schema::names(ATTACH_METADATA, cx.version);
    if let Some(o) = cx.obj(node, path, "attach_metadata", &fields) {
        for n in &fields {
            cx.boolean(o.get(n), &o.child(n));
        }
    }
}

/// Decodes `selectors`.
pub(crate) fn selectors(cx: &mut Cx, node: &Node, path: &str) -> Vec<Selector> {
    let mut out = Vec::new();
    let Some(items) = cx.seq(Some(node), path, "kubernetes.SelectorConfig") else {
        return out;
    };
    for (p, item) in items {
        let mut sel = Selector {
            role: String::new(),
            label: String::new(),
            field: String::new(),
        };
        if let Some(o) = cx.obj(item, &p, "kubernetes selector", &["role", "label", "field"]) {
            if let Some(r) = o.get("role") {
                let role = cx.string(Some(r), &o.child("role")).text;
                if !r.is_null() && !ROLES.contains(&role.as_str()) {
                    cx.err(
                        &o.child("role"),
                        Some(r),
                        format!("unknown Kubernetes SD role {role:?}"),
                    );
                }
                sel.role = role;
            }
            sel.label = cx.string(o.get("label"), &o.child("label")).text;
            sel.field = cx.string(o.get("field"), &o.child("field")).text;
        }
        out.push(sel);
    }
    out
}

/// The checks of `kubernetes.SDConfig.UnmarshalYAML`.
fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    let v3 = b.since(V3);
    let role = v.s("role", "");
    let role_written = v.written("role");
    let api_server = v.url("api_server");
    let api_server_written = v.written("api_server");
    let kubeconfig = v.s("kubeconfig_file", "");
    let own_namespace = matches!(v.get("namespaces"), Some(Val::Namespaces(true)));
    let selectors = match v.get("selectors") {
        Some(Val::Selectors(s)) => s.clone(),
        _ => Vec::new(),
    };
    if role_written && !ROLES.contains(&role.as_str()) {
        return Err(format!("unknown Kubernetes SD role {role:?}"));
    }
    if role.is_empty() {
        return Err(
            "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)".into(),
        );
    }
    b.validate_http()?;
    let http = &b.http;
    let api = api_server_written && api_server.is_some();
    if api && !kubeconfig.is_empty() {
        return Err("cannot use 'kubeconfig_file' and 'api_server' simultaneously".into());
    }
    if !kubeconfig.is_empty() && http.nondefault {
        return Err(
            "cannot use a custom HTTP client configuration together with 'kubeconfig_file'".into(),
        );
    }
    if !api && http.nondefault {
        return Err("to use custom HTTP client configuration please provide the 'api_server' URL explicitly".into());
    }
    if api && own_namespace {
        return Err("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously".into());
    }
    if !kubeconfig.is_empty() && own_namespace {
        return Err(
            "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously".into(),
        );
    }
    let allowed = |r: &str| -> &'static [&'static str] {
        match r {
            "pod" if v3 => &["pod", "node"],
            "pod" => &["pod"],
            "service" => &["service"],
            "endpointslice" => &["pod", "service", "endpointslice"],
            "endpoints" => &["pod", "service", "endpoints"],
            "node" => &["node"],
            _ => &["ingress"],
        }
    };
    let mut found: Vec<String> = Vec::new();
    for s in &selectors {
        if found.contains(&s.role) {
            return Err(format!("duplicated selector role: {}", s.role));
        }
        found.push(s.role.clone());
        let allowed = allowed(&role);
        if !allowed.contains(&s.role.as_str()) {
            return Err(format!(
                "{role} role supports only {} selectors",
                allowed.join(", ")
            ));
        }
        parse_field_selector(&s.field)?;
        parse_label_selector(&s.label)?;
    }
    Ok(())
}

/// `fields.ParseSelector`.
pub(crate) fn parse_field_selector(selector: &str) -> Result<(), String> {
    if selector.is_empty() {
        return Ok(());
    }
    // Split on unescaped commas.
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms.sort_unstable();
    for part in terms {
        if part.is_empty() {
            continue;
        }
        let mut split = None;
        for (i, _) in part.char_indices() {
            let rest = &part[i..];
            if let Some(op) = ["!=", "==", "="].iter().find(|op| rest.starts_with(*op)) {
                split = Some(&rest[op.len()..]);
                break;
            }
        }
        let Some(rhs) = split else {
            return Err(format!(
                "invalid selector: '{selector}'; can't understand '{part}'"
            ));
        };
        unescape_field_value(rhs)?;
    }
    Ok(())
}

fn unescape_field_value(s: &str) -> Result<(), String> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(());
    }
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(format!("invalid escape sequence: \\{c}"));
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(format!("invalid field selector: unescaped {c}")),
            _ => {}
        }
    }
    if in_slash {
        return Err("invalid escape sequence: \\".into());
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    Greater,
    Ident(String),
    In,
    Less,
    NotEquals,
    NotIn,
    OpenPar,
    Error(String),
}

fn lex(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let special = |c: u8| matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<');
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut toks = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            toks.push(Tok::End);
            return toks;
        }
        if special(b[i]) {
            // Longest operator among "!=", "==", and single symbols.
            let two = s.get(i..i + 2);
            let tok = match two {
                Some("!=") => {
                    i += 2;
                    Tok::NotEquals
                }
                Some("==") => {
                    i += 2;
                    Tok::DoubleEquals
                }
                _ => {
                    let t = match b[i] {
                        b')' => Tok::ClosedPar,
                        b',' => Tok::Comma,
                        b'!' => Tok::DoesNotExist,
                        b'=' => Tok::Equals,
                        b'>' => Tok::Greater,
                        b'<' => Tok::Less,
                        _ => Tok::OpenPar,
                    };
                    i += 1;
                    t
                }
            };
            toks.push(tok);
            continue;
        }
        let start = i;
        while i < b.len() && !special(b[i]) && !ws(b[i]) {
            i += 1;
        }
        let word = &s[start..i];
        toks.push(match word {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            w => Tok::Ident(w.to_string()),
        });
        if toks.len() > 10_000 {
            toks.push(Tok::Error("selector too long".into()));
            toks.push(Tok::End);
            return toks;
        }
    }
}

fn lit(t: &Tok) -> String {
    match t {
        Tok::End => String::new(),
        Tok::ClosedPar => ")".into(),
        Tok::Comma => ",".into(),
        Tok::DoesNotExist => "!".into(),
        Tok::DoubleEquals => "==".into(),
        Tok::Equals => "=".into(),
        Tok::Greater => ">".into(),
        Tok::Ident(s) | Tok::Error(s) => s.clone(),
        Tok::In => "in".into(),
        Tok::Less => "<".into(),
        Tok::NotEquals => "!=".into(),
        Tok::NotIn => "notin".into(),
        Tok::OpenPar => "(".into(),
    }
}

/// `labels.Parse`: requirements like `a=b`, `a!=b`, `a in (x,y)`, `!a`, `a`, `a>1`.
pub(crate) fn parse_label_selector(s: &str) -> Result<(), String> {
    let toks = lex(s);
    let mut p = 0usize;
    // In value context, `in` and `notin` are identifiers.
    let val = |t: &Tok| match t {
        Tok::In => Tok::Ident("in".into()),
        Tok::NotIn => Tok::Ident("notin".into()),
        other => other.clone(),
    };
    let wrap = |e: String| format!("unable to parse requirement: {e}");
    loop {
        let t = val(&toks[p]);
        match t {
            Tok::Ident(_) | Tok::DoesNotExist => {
                requirement(&toks, &mut p).map_err(wrap)?;
                let t = val(&toks[p]);
                p += 1;
                match t {
                    Tok::End => return Ok(()),
                    Tok::Comma => {
                        let t2 = val(&toks[p]);
                        if !matches!(t2, Tok::Ident(_) | Tok::DoesNotExist) {
                            return Err(format!(
                                "found '{}', expected: identifier after ','",
                                lit(&t2)
                            ));
                        }
                    }
                    other => {
                        return Err(format!(
                            "found '{}', expected: ',' or 'end of string'",
                            lit(&other)
                        ))
                    }
                }
            }
            Tok::End => return Ok(()),
            other => {
                return Err(format!(
                    "found '{}', expected: !, identifier, or 'end of string'",
                    lit(&other)
                ))
            }
        }
    }
}

fn requirement(toks: &[Tok], p: &mut usize) -> Result<(), String> {
    let val = |t: &Tok| match t {
        Tok::In => Tok::Ident("in".into()),
        Tok::NotIn => Tok::Ident("notin".into()),
        other => other.clone(),
    };
    let mut t = val(&toks[*p]);
    *p += 1;
    let mut exists_op = false;
    if t == Tok::DoesNotExist {
        exists_op = true;
        t = val(&toks[*p]);
        *p += 1;
    }
    let Tok::Ident(key) = t else {
        return Err(format!("found '{}', expected: identifier", lit(&t)));
    };
    label_key(&key)?;
    // `!key` ends the requirement; anything after it is the caller's problem.
    if exists_op || matches!(val(&toks[*p]), Tok::End | Tok::Comma) {
        return Ok(());
    }
    let op = toks[*p].clone();
    *p += 1;
    let values: Vec<String> = match op {
        Tok::In | Tok::NotIn => {
            let t = val(&toks[*p]);
            *p += 1;
            if t != Tok::OpenPar {
                return Err(format!("found '{}' expected: '('", lit(&t)));
            }
            let t = val(&toks[*p]);
            match t {
                Tok::Ident(_) | Tok::Comma => {
                    let mut set = Vec::new();
                    loop {
                        let t = val(&toks[*p]);
                        *p += 1;
                        match t {
                            Tok::Ident(v) => {
                                set.push(v);
                                match val(&toks[*p]) {
                                    Tok::Comma => continue,
                                    Tok::ClosedPar => break,
                                    other => {
                                        return Err(format!(
                                            "found '{}', expected: ',' or ')'",
                                            lit(&other)
                                        ))
                                    }
                                }
                            }
                            Tok::Comma => {
                                if set.is_empty() {
                                    set.push(String::new());
                                }
                                match val(&toks[*p]) {
                                    Tok::ClosedPar => {
                                        set.push(String::new());
                                        break;
                                    }
                                    Tok::Comma => set.push(String::new()),
                                    _ => {}
                                }
                            }
                            other => {
                                return Err(format!(
                                    "found '{}', expected: ',', or identifier",
                                    lit(&other)
                                ))
                            }
                        }
                    }
                    let t = val(&toks[*p]);
                    *p += 1;
                    if t != Tok::ClosedPar {
                        return Err(format!("found '{}', expected: ')'", lit(&t)));
                    }
                    set
                }
                Tok::ClosedPar => {
                    *p += 1;
                    vec![String::new()]
                }
                other => {
                    return Err(format!(
                        "found '{}', expected: ',', ')' or identifier",
                        lit(&other)
                    ))
                }
            }
        }
        Tok::Equals | Tok::DoubleEquals | Tok::NotEquals | Tok::Greater | Tok::Less => {
            let t = val(&toks[*p]);
            if matches!(t, Tok::End | Tok::Comma) {
                vec![String::new()]
            } else {
                *p += 1;
                match t {
                    Tok::Ident(v) => vec![v],
                    other => return Err(format!("found '{}', expected: identifier", lit(&other))),
                }
            }
        }
        other => {
            return Err(format!(
                "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                lit(&other)
            ))
        }
    };
    if matches!(op, Tok::Greater | Tok::Less) {
        for v in &values {
            if v.parse::<i64>().is_err() {
                return Err(format!("values[0]: Invalid value: {v:?}: for 'Gt', 'Lt' operators, the value must be an integer"));
            }
        }
    }
    for v in &values {
        label_value(v)?;
    }
    Ok(())
}

fn is_name_part(s: &str) -> bool {
    // ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters.
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253
        && !s.is_empty()
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
                && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

/// `validation.IsQualifiedName`.
fn label_key(k: &str) -> Result<(), String> {
    let parts: Vec<&str> = k.split('/').collect();
    let name = match parts.as_slice() {
        [name] => name,
        [prefix, name] => {
            if prefix.is_empty() || !is_dns1123_subdomain(prefix) {
                return Err(format!("key: Invalid value: {k:?}: prefix part must be a lowercase RFC 1123 subdomain"));
            }
            name
        }
        _ => return Err(format!("key: Invalid value: {k:?}: a qualified name must consist of alphanumeric characters, '-', '_' or '.'")),
    };
    if !is_name_part(name) {
        return Err(format!(
            "key: Invalid value: {k:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        ));
    }
    Ok(())
}

/// `validation.IsValidLabelValue`.
fn label_value(v: &str) -> Result<(), String> {
    if v.is_empty() || is_name_part(v) {
        return Ok(());
    }
    Err(format!(
        "values[0]: Invalid value: {v:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selectors() {
        assert!(parse_field_selector("metadata.name=foo").is_ok());
        assert!(parse_field_selector("a!=b,c==d").is_ok());
        assert!(parse_field_selector("metadata.status-Running").is_err());
        assert!(parse_field_selector("").is_ok());
    }

    #[test]
    fn label_selectors() {
        for ok in [
            "",
            "app=",
            "app=foo",
            "app in (a,b)",
            "!app",
            "app",
            "app notin (x)",
            "a.b/c=d,e!=f",
            "x>1",
        ] {
            assert!(parse_label_selector(ok).is_ok(), "{ok}");
        }
        for bad in [
            "!a=b",
            "=foo",
            "app in a",
            "a b",
            "app=foo bar",
            "x>y",
            "app=-bad",
        ] {
            assert!(parse_label_selector(bad).is_err(), "{bad}");
        }
    }
}
