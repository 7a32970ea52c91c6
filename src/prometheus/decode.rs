//! Decoding YAML nodes into the shapes Prometheus' Go structs have, with yaml.v2's
//! `UnmarshalStrict` rules, while collecting every problem as a [`Finding`]:
//! unknown fields (with the closest known name suggested), duplicate keys, and values of the
//! wrong type (a string into an integer, a list into a string, `yes2` into a boolean).
//! Absent and null values decode to Go's zero values, as yaml.v2 leaves them.

use super::yaml::{Kind, Node, Resolved};
use super::{Finding, Version};

/// The checking context: the Prometheus version whose rules apply and the findings so far.
pub(crate) struct Cx {
    pub version: Version,
    pub findings: Vec<Finding>,
}

impl Cx {
    pub fn new(version: Version) -> Self {
        Cx {
            version,
            findings: Vec::new(),
        }
    }

    /// Whether 3.x's rules apply (`version >= Version::V3`).
    pub fn v3(&self) -> bool {
        self.version >= Version::V3
    }

    /// Records a problem at `path`, located at `node` when known.
    pub fn err(&mut self, path: &str, node: Option<&Node>, message: impl Into<String>) {
        let path = if path.is_empty() {
            "(top level)".to_string()
        } else {
            path.to_string()
        };
        self.findings.push(Finding {
            path,
            line: node.map(|n| n.line),
            column: node.map(|n| n.column),
            message: message.into(),
        });
    }

    /// Records a problem about an object, placed on its field `field` when that is present.
    pub fn err_at(&mut self, obj: &Obj<'_>, field: &str, message: impl Into<String>) {
        match obj.entry(field) {
            Some((key, _)) => {
                let path = obj.child(field);
                self.err(&path, Some(key), message);
            }
            None => {
                let path = obj.path.clone();
                self.err(&path, Some(obj.node), message);
            }
        }
    }

    /// Decodes `node` as a struct with the given field names. `None` for nil (`null`, `~`,
    /// empty: Go's zero value, no unmarshaler called) and for non-mappings (reported, a quoted
    /// "null" included); `Null`/`NULL` is an empty struct, as yaml.v2 calls the struct's
    /// unmarshaler on it (`Node::is_nil`).
    pub fn obj<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        type_name: &str,
        fields: &[&str],
    ) -> Option<Obj<'a>> {
        if node.is_nil() {
            return None;
        }
        if node.is_null() {
            return Some(Obj {
                path: path.to_string(),
                node,
                entries: Vec::new(),
            });
        }
        let Kind::Map(_) = &node.kind else {
            self.type_error(node, path, type_name);
            return None;
        };
        let mut entries = Vec::new();
        self.collect_entries(node, path, &mut entries, false);
        let mut seen: Vec<&str> = Vec::new();
        let mut kept = Vec::new();
        for e in entries {
            let Some(name) = e.name.clone() else {
                continue;
            };
            let child = join(path, &name);
            if !fields.contains(&name.as_str()) {
                let msg = unknown_field_message(&name, fields, type_name);
                self.err(&child, Some(e.key), msg);
                continue;
            }
            if !e.merged {
                if let Some(prev) = seen.iter().find(|s| **s == name) {
                    let msg = format!(
                        "field `{prev}` is already set in {type_name} (duplicate key; yaml.v2 refuses it)"
                    );
                    self.err(&child, Some(e.key), msg);
                    continue;
                }
                if let Some(f) = fields.iter().find(|f| **f == name) {
                    seen.push(f);
                }
            }
            kept.push((name, e.key, e.value));
        }
        Some(Obj {
            path: path.to_string(),
            node,
            entries: kept,
        })
    }

    /// Flattens a mapping's entries, expanding `<<` merge keys in place.
    fn collect_entries<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        out: &mut Vec<Entry<'a>>,
        merged: bool,
    ) {
        let Kind::Map(pairs) = &node.kind else {
            return;
        };
        for (key, value) in pairs {
            if let Some(s) = key.scalar() {
                if s.is_merge() {
                    self.merge(value, path, out);
                    continue;
                }
            }
            let name = self.key_string(key, path);
            out.push(Entry {
                name,
                key,
                value,
                merged,
            });
        }
    }

    fn merge<'a>(&mut self, value: &'a Node, path: &str, out: &mut Vec<Entry<'a>>) {
        match &value.kind {
            Kind::Map(_) => self.collect_entries(value, path, out, true),
            Kind::Seq(items) => {
                // Earlier mappings take precedence, so they are applied last.
                for item in items.iter().rev() {
                    if let Kind::Map(_) = item.kind {
                        self.collect_entries(item, path, out, true);
                    } else {
                        self.err(
                            path,
                            Some(item),
                            "map merge requires map or sequence of maps as the value",
                        );
                    }
                }
            }
            _ => self.err(
                path,
                Some(value),
                "map merge requires map or sequence of maps as the value",
            ),
        }
    }

    /// A mapping key decoded into a Go string; `None` (reported) when it cannot be.
    pub fn key_string(&mut self, key: &Node, path: &str) -> Option<String> {
        match &key.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Null => Some(String::new()),
                Resolved::Error(msg) => {
                    self.err(path, Some(key), msg);
                    None
                }
                Resolved::Binary(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                _ => Some(s.text.clone()),
            },
            _ => {
                self.err(
                    path,
                    Some(key),
                    format!("cannot unmarshal {} into a string key", key.type_name()),
                );
                None
            }
        }
    }

    pub fn type_error(&mut self, node: &Node, path: &str, target: &str) {
        let msg = match &node.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Error(m) => m,
                _ => format!("cannot unmarshal {} into {target}", node.describe()),
            },
            _ => format!("cannot unmarshal {} into {target}", node.type_name()),
        };
        self.err(path, Some(node), msg);
    }

    /// A Go `string` (also `config.Secret`): any scalar's text; null and absent are `""`.
    pub fn string(&mut self, node: Option<&Node>, path: &str) -> GoStr {
        let Some(node) = node else {
            return GoStr::default();
        };
        match &node.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Null => GoStr::default(),
                Resolved::Error(m) => {
                    self.err(path, Some(node), m);
                    GoStr::default()
                }
                Resolved::Binary(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => GoStr {
                        text,
                        valid_utf8: true,
                    },
                    Err(e) => GoStr {
                        text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                        valid_utf8: false,
                    },
                },
                _ => GoStr {
                    text: s.text.clone(),
                    valid_utf8: true,
                },
            },
            _ => {
                self.type_error(node, path, "string");
                GoStr::default()
            }
        }
    }

    /// A Go `bool`: only YAML booleans (`true`, `yes`, `on`, ...). `None` when absent or null.
    pub fn boolean(&mut self, node: Option<&Node>, path: &str) -> Option<bool> {
        let node = node?;
        if node.is_null() {
            return Some(false);
        }
        if let Kind::Scalar(s) = &node.kind {
            if let Resolved::Bool(b) = s.resolve() {
                return Some(b);
            }
        }
        self.type_error(node, path, "bool");
        None
    }

    /// A Go integer of the given width and signedness, with yaml.v2's conversions (floats are
    /// truncated, out-of-range values refused). `None` when absent or invalid; null is 0.
    pub fn integer(&mut self, node: Option<&Node>, path: &str, ty: IntType) -> Option<i128> {
        let node = node?;
        if node.is_null() {
            return Some(0);
        }
        let (min, max, name) = ty.range();
        if let Kind::Scalar(s) = &node.kind {
            let v: Option<i128> = match s.resolve() {
                Resolved::Int(i) => Some(i128::from(i)),
                Resolved::Uint(u) => Some(i128::from(u)),
                // yaml.v2 takes a float when `f <= MaxInt64` (or `MaxUint64`), which lets NaN
                // and +Inf out but -Inf and large negatives in, then converts it as Go does on
                // amd64 (`go_float_to_int`).
                Resolved::Float(f) if f <= max as f64 => Some(go_float_to_int(f, min == 0)),
                _ => None,
            };
            if let Some(v) = v {
                if v >= min && v <= max {
                    return Some(v);
                }
            }
        }
        self.type_error(node, path, name);
        None
    }

    /// A Go `float64`: integers and floats.
    pub fn float(&mut self, node: Option<&Node>, path: &str) -> Option<f64> {
        let node = node?;
        if node.is_null() {
            return Some(0.0);
        }
        if let Kind::Scalar(s) = &node.kind {
            match s.resolve() {
                Resolved::Int(i) => return Some(i as f64),
                Resolved::Uint(u) => return Some(u as f64),
                Resolved::Float(f) => return Some(f),
                _ => {}
            }
        }
        self.type_error(node, path, "float64");
        None
    }

    /// A Go `[]T`: the items of a sequence. `None` for absent or null (a nil slice).
    pub fn seq<'a>(
        &mut self,
        node: Option<&'a Node>,
        path: &str,
        target: &str,
    ) -> Option<Vec<(String, &'a Node)>> {
        let node = node?;
        if node.is_null() {
            return None;
        }
        match &node.kind {
            Kind::Seq(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (format!("{path}[{i}]"), n))
                    .collect(),
            ),
            _ => {
                self.type_error(node, path, &format!("[]{target}"));
                Some(Vec::new())
            }
        }
    }

    /// A Go `[]string`. `None` for absent or null.
    pub fn strings(&mut self, node: Option<&Node>, path: &str) -> Option<Vec<GoStr>> {
        let items = self.seq(node, path, "string")?;
        Some(
            items
                .into_iter()
                .map(|(p, n)| self.string(Some(n), &p))
                .collect(),
        )
    }

    /// A Go `map[string]V`: keys as strings, duplicates reported. `None` for absent or null.
    pub fn map<'a>(
        &mut self,
        node: Option<&'a Node>,
        path: &str,
        target: &str,
    ) -> Option<Vec<(GoStr, &'a Node, &'a Node)>> {
        let node = node?;
        if node.is_null() {
            return None;
        }
        let Kind::Map(_) = &node.kind else {
            self.type_error(node, path, target);
            return Some(Vec::new());
        };
        let mut entries = Vec::new();
        self.collect_entries(node, path, &mut entries, false);
        let mut out: Vec<(GoStr, &Node, &Node)> = Vec::new();
        for e in entries {
            let key = self.string(Some(e.key), path);
            if out
                .iter()
                .any(|(k, _, _)| k.text == key.text && k.valid_utf8 == key.valid_utf8)
            {
                let child = join(path, &key.text);
                self.err(
                    &child,
                    Some(e.key),
                    format!("key {:?} already set in map (duplicate key)", key.text),
                );
                continue;
            }
            out.push((key, e.key, e.value));
        }
        Some(out)
    }

    /// A Go `map[string]string`.
    pub fn string_map(
        &mut self,
        node: Option<&Node>,
        path: &str,
    ) -> Option<Vec<(GoStr, GoStr, usize, usize)>> {
        let entries = self.map(node, path, "map[string]string")?;
        Some(
            entries
                .into_iter()
                .map(|(k, key, v)| {
                    let child = join(path, &k.text);
                    let value = self.string(Some(v), &child);
                    (k, value, key.line, key.column)
                })
                .collect(),
        )
    }
}

/// A decoded Go string: its text and whether its bytes are valid UTF-8 (`!!binary` values
/// need not be).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GoStr {
    pub text: String,
    pub valid_utf8: bool,
}

/// Go's zero value, `""`, which is valid UTF-8.
impl Default for GoStr {
    fn default() -> Self {
        GoStr {
            text: String::new(),
            valid_utf8: true,
        }
    }
}

impl GoStr {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Go's `int64(f)` (or `uint64(f)` when `unsigned`) for a float64 on amd64: a truncation by
/// `CVTTSD2SQ`, whose result for NaN or a value outside int64 is `0x8000000000000000`; `uint64`
/// subtracts 2^63 first from values at or above it and sets the top bit again. So `-Inf` is
/// `i64::MIN` as an int64 and 2^63 as a uint64, and `-1.5` is `u64::MAX` as a uint64.
pub(crate) fn go_float_to_int(f: f64, unsigned: bool) -> i128 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let cvtt = |x: f64| {
        if x.is_nan() || !(-TWO_63..TWO_63).contains(&x) {
            i64::MIN
        } else {
            x as i64
        }
    };
    if !unsigned {
        i128::from(cvtt(f))
    } else if f < TWO_63 {
        i128::from(cvtt(f) as u64)
    } else {
        i128::from((cvtt(f - TWO_63) | i64::MIN) as u64)
    }
}

/// The Go integer types the configs use.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IntType {
    Int,
    Int64,
    Uint,
    Uint64,
}

impl IntType {
    fn range(self) -> (i128, i128, &'static str) {
        match self {
            IntType::Int => (i128::from(i64::MIN), i128::from(i64::MAX), "int"),
            IntType::Int64 => (i128::from(i64::MIN), i128::from(i64::MAX), "int64"),
            IntType::Uint => (0, i128::from(u64::MAX), "uint"),
            IntType::Uint64 => (0, i128::from(u64::MAX), "uint64"),
        }
    }
}

struct Entry<'a> {
    name: Option<String>,
    key: &'a Node,
    value: &'a Node,
    merged: bool,
}

/// A decoded struct: its known fields, in document order (the last of repeats wins).
pub(crate) struct Obj<'a> {
    pub path: String,
    pub node: &'a Node,
    entries: Vec<(String, &'a Node, &'a Node)>,
}

impl<'a> Obj<'a> {
    /// The key and value nodes of a field.
    pub fn entry(&self, name: &str) -> Option<(&'a Node, &'a Node)> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, k, v)| (*k, *v))
    }

    /// The value node of a field, if written (even as null).
    pub fn get(&self, name: &str) -> Option<&'a Node> {
        self.entry(name).map(|(_, v)| v)
    }

    /// The path of a field.
    pub fn child(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// The names of the fields written, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _, _)| n.as_str())
    }
}

/// `parent.child`, or `child` at the top level.
pub(crate) fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// The message for an unknown field, naming the closest known field when one is close.
pub(crate) fn unknown_field_message(name: &str, fields: &[&str], type_name: &str) -> String {
    match closest(name, fields) {
        Some(best) => format!("unknown field `{name}` in {type_name}; did you mean `{best}`?"),
        None => format!("unknown field `{name}` in {type_name}"),
    }
}

/// The known name closest to `name`, when it is close enough to be a likely typo.
pub(crate) fn closest<'f>(name: &str, candidates: &[&'f str]) -> Option<&'f str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&lower, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (name.chars().count().max(c.chars().count()) / 3).max(2);
    if d <= limit {
        return Some(c);
    }
    // A name that contains, or is contained in, a known one (`interval` for `scrape_interval`).
    candidates
        .iter()
        .find(|c| lower.len() >= 4 && (c.contains(lower.as_str()) || lower.contains(*c)))
        .copied()
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_convert_as_go_on_amd64() {
        assert_eq!(
            go_float_to_int(f64::NEG_INFINITY, false),
            i128::from(i64::MIN)
        );
        assert_eq!(go_float_to_int(f64::NEG_INFINITY, true), 1 << 63);
        assert_eq!(go_float_to_int(-1.5, true), i128::from(u64::MAX));
        assert_eq!(go_float_to_int(-0.5, true), 0);
        assert_eq!(go_float_to_int(1e3, true), 1000);
        assert_eq!(go_float_to_int(18446744073709551616.0, true), 1 << 63);
        assert_eq!(go_float_to_int(1.8e19, true), 18_000_000_000_000_000_000);
        assert_eq!(
            go_float_to_int(9223372036854775808.0, false),
            i128::from(i64::MIN)
        );
        assert_eq!(go_float_to_int(-2.7, false), -2);
    }

    #[test]
    fn suggests_close_names() {
        let fields = ["scrape_interval", "scrape_timeout", "job_name"];
        assert_eq!(closest("scrape_interva", &fields), Some("scrape_interval"));
        assert_eq!(
            closest("scrape_intervall", &fields),
            Some("scrape_interval")
        );
        assert_eq!(closest("jbo_name", &fields), Some("job_name"));
        assert_eq!(closest("completely_else", &fields), None);
    }
}
