//! Go's `gopkg.in/yaml.v2` reading of the shared YAML node tree ([`crate::yaml::node`]):
//! what the Prometheus checks walk. Scalars are resolved with yaml.v2's YAML 1.1 rules
//! (`yes`/`on`/`y` are booleans, `0x1f` and `0777` are integers, `!!binary` is base64), only
//! the first document counts, and duplicate keys are kept, so the checks can report them as
//! yaml.v2's `UnmarshalStrict` does. The methods below (`resolve`, `is_null`, `is_nil`,
//! `type_name`, ...) are this resolver's; the node layer itself decides no types.

use base64::Engine as _;

use crate::yaml::node::{self, Documents};
pub(crate) use crate::yaml::node::{
    Kind, LoadError as SyntaxError, Node, Scalar, CORE_TAG as CORE,
};

/// What yaml.v2 resolves a scalar to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    /// An integer that fits in an `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits in a `u64`.
    Uint(u64),
    Float(f64),
    /// A date or date-time; decodes into a string field as its text.
    Timestamp,
    Str,
    /// `!!binary`: the decoded bytes (which need not be UTF-8).
    Binary(Vec<u8>),
    /// A scalar with a tag yaml.v2 does not resolve (`!custom`): decodes only into strings.
    Other(String),
    /// A tagged scalar yaml.v2 refuses (`!!int abc`, bad `!!binary` data): the message.
    Error(String),
}

impl Node {
    /// Whether yaml.v2 treats this node as null (`~`, `null`, an empty plain value, `!!null`).
    pub(crate) fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => {
                if s.tag.as_deref() == Some("tag:yaml.org,2002:null") {
                    // `!!null x` is an error wherever it is decoded, not a null
                    return matches!(s.resolve(), Resolved::Null);
                }
                s.tag.is_none()
                    && s.plain
                    && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// Whether yaml.v2's `decoder.prepare` takes the node for null and it is one: tagged
    /// `!!null`, or plain `null`, `~` or empty. Only then does a Go pointer stay nil and a
    /// type's `UnmarshalYAML` go uncalled (the zero value is set). `Null` and `NULL` are null
    /// values but not spelled so: they allocate pointers and call unmarshalers with an empty
    /// value. For the quoted spellings, see `quoted_nil`.
    pub(crate) fn is_nil(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => match s.tag.as_deref() {
                Some("tag:yaml.org,2002:null") => self.is_null(),
                Some(_) => false,
                None => s.plain && matches!(s.text.as_str(), "null" | "~" | ""),
            },
            _ => false,
        }
    }

    /// A quoted `"null"` or `"~"`, untagged: `prepare` takes it for null too (no unmarshaler
    /// called, a pointer not allocated), but it is decoded as the string it is: a type error
    /// for a struct, pointer or number, an unchecked string for a string type.
    pub(crate) fn quoted_nil(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s) => {
                s.tag.is_none() && !s.plain && matches!(s.text.as_str(), "null" | "~")
            }
            _ => false,
        }
    }

    /// yaml.v2's short name of the node's type, as in its error messages (`!!map`, `!!str`).
    pub(crate) fn type_name(&self) -> String {
        match &self.kind {
            Kind::Seq(_) => "!!seq".to_string(),
            Kind::Map(_) => "!!map".to_string(),
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Null => "!!null".to_string(),
                Resolved::Bool(_) => "!!bool".to_string(),
                Resolved::Int(_) | Resolved::Uint(_) => "!!int".to_string(),
                Resolved::Float(_) => "!!float".to_string(),
                Resolved::Timestamp => "!!timestamp".to_string(),
                Resolved::Binary(_) => "!!binary".to_string(),
                Resolved::Other(t) => t,
                Resolved::Str | Resolved::Error(_) => "!!str".to_string(),
            },
        }
    }

    /// A short rendering of the node for messages: the scalar text, or its type.
    pub(crate) fn describe(&self) -> String {
        match &self.kind {
            // Whole or not at all: a cut-off secret would get past the masking of messages.
            Kind::Scalar(s) if s.text.chars().count() <= 80 && !s.text.contains('\n') => {
                format!("{} `{}`", self.type_name(), s.text)
            }
            _ => self.type_name(),
        }
    }
}

impl Scalar {
    /// Resolves the scalar as yaml.v2 does (`resolve` in its `resolve.go`).
    pub(crate) fn resolve(&self) -> Resolved {
        match self.tag.as_deref() {
            None if !self.plain => Resolved::Str,
            None => resolve_plain(&self.text, true),
            Some(tag) => match tag.strip_prefix(CORE) {
                Some("str") => Resolved::Str,
                Some("binary") => decode_binary(&self.text),
                Some(kind @ ("bool" | "int" | "float" | "null" | "timestamp")) => {
                    let got = resolve_plain(&self.text, kind == "timestamp");
                    let ok = match (kind, &got) {
                        ("bool", Resolved::Bool(_))
                        | ("int", Resolved::Int(_) | Resolved::Uint(_))
                        | ("null", Resolved::Null)
                        | ("timestamp", Resolved::Timestamp)
                        | ("float", Resolved::Float(_)) => true,
                        ("float", Resolved::Int(i)) => return Resolved::Float(*i as f64),
                        ("float", Resolved::Uint(u)) => return Resolved::Float(*u as f64),
                        _ => false,
                    };
                    if ok {
                        got
                    } else {
                        Resolved::Error(format!(
                            "cannot decode {} `{}` as a !!{kind}",
                            short_name(&got),
                            self.text
                        ))
                    }
                }
                Some("merge") => Resolved::Str,
                _ => Resolved::Other(short_tag(tag)),
            },
        }
    }

    /// Whether this scalar is a `<<` merge key.
    pub(crate) fn is_merge(&self) -> bool {
        self.text == "<<"
            && match self.tag.as_deref() {
                None => self.plain,
                Some(t) => t == "tag:yaml.org,2002:merge",
            }
    }
}

fn short_name(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp => "!!timestamp",
        _ => "!!str",
    }
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(CORE) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn decode_binary(text: &str) -> Resolved {
    let cleaned: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical),
    );
    match engine.decode(cleaned.as_bytes()) {
        Ok(bytes) => Resolved::Binary(bytes),
        Err(_) => Resolved::Error("!!binary value contains invalid base64 data".to_string()),
    }
}

/// yaml.v2's resolution of an untagged plain scalar.
fn resolve_plain(text: &str, timestamps: bool) -> Resolved {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    match first {
        b'.' => match go_parse_float(text) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'0'..=b'9' | b'+' | b'-' => {
            if timestamps && is_timestamp(text) {
                return Resolved::Timestamp;
            }
            let plain: String = text.chars().filter(|c| *c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return match i64::try_from(i) {
                    Ok(v) => Resolved::Int(v),
                    Err(_) => match u64::try_from(i) {
                        Ok(u) => Resolved::Uint(u),
                        Err(_) => Resolved::Str,
                    },
                };
            }
            if is_yaml_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            if let Some(rest) = plain.strip_prefix("-0b") {
                if let Ok(v) = i128::from_str_radix(rest, 2) {
                    if let Ok(v) = i64::try_from(-v) {
                        return Resolved::Int(v);
                    }
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` widened so that `ParseUint` results fit too.
fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    let v = if neg { -v } else { v };
    if v < i128::from(i64::MIN) || v > i128::from(u64::MAX) || (neg && v > 0) {
        return None;
    }
    if neg && v < i128::from(i64::MIN) {
        return None;
    }
    Some(v)
}

/// yaml.v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` for the decimal forms YAML can reach here.
fn go_parse_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix('+').unwrap_or(s);
    if t.is_empty()
        || t.chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// yaml.v2's timestamp formats: `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` (also with `t`
/// or a space and no zone).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    // date: M-D with 1 or 2 digits each
    let (date, time) = match rest.find(['T', 't', ' ']) {
        Some(i) => (&rest[..i], Some((&rest[i..i + 1], &rest[i + 1..]))),
        None => (rest, None),
    };
    let mut parts = date.split('-');
    let (Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let small = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v))
    };
    if !small(m, 12) || !small(d, 31) {
        return false;
    }
    let Some((sep, time)) = time else {
        return true;
    };
    let (clock, zone) = if sep == " " {
        (time, "")
    } else {
        match time.find(['Z', '+', '-']) {
            Some(i) => (&time[..i], &time[i..]),
            None => return false,
        }
    };
    if sep != " " && zone.is_empty() {
        return false;
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let mut hp = hms.split(':');
    let (Some(h), Some(mi), Some(se), None) = (hp.next(), hp.next(), hp.next(), hp.next()) else {
        return false;
    };
    let clockpart = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| v <= max)
    };
    if !clockpart(h, 23) || !clockpart(mi, 59) || !clockpart(se, 59) {
        return false;
    }
    match zone {
        "" | "Z" => true,
        z => {
            let z = &z[1..];
            let b = z.as_bytes();
            b.len() == 5
                && b[2] == b':'
                && b[..2].iter().all(u8::is_ascii_digit)
                && b[3..].iter().all(u8::is_ascii_digit)
        }
    }
}

/// The size from which [`load`] reads a text on two cores (below, a thread costs more than
/// it saves).
const PARALLEL_FROM: usize = 64 << 10;

/// Loads the first document of `text` as yaml.v2 reads it (after [`super::yamlv2::prepare`]
/// repairs what granit reads differently); `Ok(None)` for an empty stream or document.
/// Nesting and alias expansion are bounded by the node layer's budget (yaml.v2 has limits of
/// its own, "exceeded max depth" and "excessive aliasing"; a configuration that reaches ours is
/// refused either way).
pub(crate) fn load(text: &str) -> Result<Option<Node>, SyntaxError> {
    // Most texts need no repair: in a large one, yaml.v2's checks then run on a second core
    // while the tree is built (both only read the text). A small one is not worth a thread.
    if text.len() >= PARALLEL_FROM {
        let (root, checked) = std::thread::scope(|s| {
            let checks = crate::parallel::spawn(s, || {
                super::yamlv2::unchanged_by_prepare(text).then(|| super::yamlv2::check(text))
            });
            let root = node::load(text, Documents::First);
            let checked = checks
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (root, checked)
        });
        if let Some(checked) = checked {
            let root = root?;
            checked?;
            return Ok(root);
        }
    }
    load_in_turn(text)
}

/// [`load`] on one core: the repairs, the tree, then yaml.v2's checks.
fn load_in_turn(text: &str) -> Result<Option<Node>, SyntaxError> {
    let text = super::yamlv2::prepare(text);
    let text = text.as_ref();
    let root = node::load(text, Documents::First)?;
    super::yamlv2::check(text)?;
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Resolved {
        Scalar {
            text: text.to_string(),
            plain: true,
            tag: None,
        }
        .resolve()
    }

    #[test]
    fn resolves_like_yaml_v2() {
        assert_eq!(scalar("yes"), Resolved::Bool(true));
        assert_eq!(scalar("y"), Resolved::Bool(true));
        assert_eq!(scalar("off"), Resolved::Bool(false));
        assert_eq!(scalar("0x1f"), Resolved::Int(31));
        assert_eq!(scalar("0777"), Resolved::Int(511));
        assert_eq!(scalar("1_000"), Resolved::Int(1000));
        assert_eq!(scalar("08"), Resolved::Float(8.0));
        assert_eq!(scalar("1.5"), Resolved::Float(1.5));
        assert_eq!(scalar("1e3"), Resolved::Float(1000.0));
        assert_eq!(scalar("~"), Resolved::Null);
        assert_eq!(scalar("2001-12-14"), Resolved::Timestamp);
        assert_eq!(scalar("30s"), Resolved::Str);
        assert_eq!(scalar("18446744073709551615"), Resolved::Uint(u64::MAX));
    }

    /// A large text, read on two cores, reads as on one: valid, needing a repair, refused by
    /// the tree, refused by yaml.v2's checks only.
    #[test]
    fn two_cores_read_as_one() {
        let job = "  - job_name: \"j\"\n    static_configs:\n      - targets: ['a:1']\n";
        let body = format!(
            "scrape_configs:\n{}",
            job.repeat(PARALLEL_FROM / job.len() + 1)
        );
        assert!(body.len() >= PARALLEL_FROM);
        for tail in ["", "x: \"a\\'b\"\n", "x: [\n", "x:\n\t- 1\n"] {
            let text = format!("{body}{tail}");
            assert_eq!(load(&text), load_in_turn(&text), "{tail:?}");
        }
        assert!(load(&body).is_ok_and(|root| root.is_some()));
        assert!(load(&format!("{body}x: [\n")).is_err());
        assert!(load(&format!("{body}x:\n\t- 1\n")).is_err());
    }

    #[test]
    fn loads_positions_and_aliases() {
        let node = load("a: &x\n  b: 1\nc: *x\n")
            .expect("loads")
            .expect("a document");
        let Kind::Map(entries) = &node.kind else {
            panic!("a map")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].0.line, 3);
        assert_eq!(entries[1].1.kind, entries[0].1.kind);
    }

    #[test]
    fn binary_values() {
        let s = Scalar {
            text: "/w==".to_string(),
            plain: false,
            tag: Some("tag:yaml.org,2002:binary".to_string()),
        };
        assert_eq!(s.resolve(), Resolved::Binary(vec![0xff]));
        let bad = Scalar {
            text: "/w==$1".to_string(),
            plain: false,
            tag: Some("tag:yaml.org,2002:binary".to_string()),
        };
        assert!(matches!(bad.resolve(), Resolved::Error(_)));
    }
}
