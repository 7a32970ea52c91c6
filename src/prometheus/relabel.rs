//! Relabeling (`relabel_configs`, `metric_relabel_configs`, `write_relabel_configs`,
//! `alert_relabel_configs`): decoding a rule, the per-action field rules of
//! `model/relabel` (2.42 checks them while decoding, 3.x in `Validate` with the name
//! validation scheme), and applying rules to label sets, which promtool does to static targets
//! even with `--syntax-only`.

use super::decode::{Cx, GoStr, IntType};
use super::goregex::GoRegex;
use super::goutil::{expand, is_valid_label_name};
use super::yaml::Node;
use super::Version;

/// The fields of a relabel rule.
pub(crate) const FIELDS: &[&str] = &[
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
];

const ACTIONS: &[&str] = &[
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
];

/// A decoded relabel rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule<'n> {
    pub path: String,
    /// Where it is written (for the findings of later checks).
    pub node: &'n Node,
    pub source_labels: Option<Vec<String>>,
    pub separator: String,
    /// `None` when the regex did not compile (already reported).
    pub regex: Option<GoRegex>,
    /// Whether `regex` was written at all (then it is not the default, for keepequal/dropequal).
    pub regex_set: bool,
    pub modulus: u64,
    pub target_label: String,
    pub target_valid_utf8: bool,
    pub replacement: String,
    pub replacement_valid_utf8: bool,
    pub action: String,
    /// `false` when decoding failed; such a rule is not applied.
    pub ok: bool,
    /// The scheme the rule validates names with (3.x; 2.42 is always legacy).
    pub legacy_names: bool,
}

/// Decodes a list of rules. A null entry is reported with `null_message`.
pub(crate) fn decode_list<'n>(
    cx: &mut Cx,
    node: Option<&'n Node>,
    path: &str,
    null_message: &str,
) -> Vec<Rule<'n>> {
    let Some(items) = cx.seq(node, path, "*relabel.Config") else {
        return Vec::new();
    };
    let mut rules = Vec::with_capacity(items.len());
    for (p, item) in items {
        if item.is_null() {
            cx.err(&p, Some(item), null_message);
            continue;
        }
        if let Some(rule) = decode(cx, item, &p) {
            rules.push(rule);
        }
    }
    rules
}

fn decode<'n>(cx: &mut Cx, node: &'n Node, path: &str) -> Option<Rule<'n>> {
    let obj = cx.obj(node, path, "relabel config", FIELDS)?;
    let before = cx.findings.len();
    let source_labels = match cx.seq(
        obj.get("source_labels"),
        &obj.child("source_labels"),
        "model.LabelName",
    ) {
        None => None,
        Some(items) => {
            let mut names = Vec::new();
            for (p, n) in items {
                let name = cx.string(Some(n), &p);
                // `LabelName`'s unmarshaler checks the name; `null`, `~` and their quoted
                // spellings skip it, `Null` gives it "".
                if !n.is_nil() && !n.quoted_nil() && !label_name_ok(cx, &name) {
                    cx.err(
                        &p,
                        Some(n),
                        format!("{:?} is not a valid label name", name.text),
                    );
                }
                names.push(name.text);
            }
            Some(names)
        }
    };
    let separator = match obj.get("separator") {
        Some(n) => cx.string(Some(n), &obj.child("separator")).text,
        None => ";".to_string(),
    };
    let regex_set = obj.get("regex").is_some();
    let regex_text = match obj.get("regex") {
        Some(n) if n.quoted_nil() => {
            cx.type_error(n, &obj.child("regex"), "relabel.Regexp");
            return None;
        }
        Some(n) if n.is_nil() => Some(GoStr {
            text: String::new(),
            valid_utf8: true,
        }),
        Some(n) => Some(cx.string(Some(n), &obj.child("regex"))),
        None => None,
    };
    let regex = match &regex_text {
        None => compile(cx.version, "(.*)").ok(),
        Some(t) if !t.valid_utf8 => {
            cx.err(
                &obj.child("regex"),
                obj.get("regex"),
                "error parsing regexp: invalid UTF-8",
            );
            None
        }
        Some(t) => match compile(cx.version, &t.text) {
            Ok(re) => Some(re),
            Err(e) => {
                cx.err(&obj.child("regex"), obj.get("regex"), e);
                None
            }
        },
    };
    let modulus = cx
        .integer(obj.get("modulus"), &obj.child("modulus"), IntType::Uint64)
        .unwrap_or(0);
    let target_label = cx.string(obj.get("target_label"), &obj.child("target_label"));
    let replacement = match obj.get("replacement") {
        Some(n) => cx.string(Some(n), &obj.child("replacement")),
        None => GoStr {
            text: "$1".to_string(),
            valid_utf8: true,
        },
    };
    let action = match obj.get("action") {
        None => "replace".to_string(),
        // The action's unmarshaler, which checks it, is skipped: "null" stays as written.
        Some(n) if n.quoted_nil() => cx.string(Some(n), &obj.child("action")).text,
        Some(n) if n.is_nil() => String::new(),
        Some(n) => {
            let raw = cx.string(Some(n), &obj.child("action"));
            let lower = raw.text.to_lowercase();
            if ACTIONS.contains(&lower.as_str()) {
                lower
            } else {
                let hint = super::decode::closest(&lower, ACTIONS)
                    .map(|a| format!("; did you mean `{a}`?"))
                    .unwrap_or_default();
                cx.err(
                    &obj.child("action"),
                    Some(n),
                    format!("unknown relabel action {:?}{hint}", raw.text),
                );
                return None;
            }
        }
    };
    let ok = cx.findings.len() == before;
    let mut rule = Rule {
        path: path.to_string(),
        node,
        source_labels,
        separator,
        regex,
        regex_set,
        modulus: u64::try_from(modulus).unwrap_or(0),
        target_label: target_label.text.clone(),
        target_valid_utf8: target_label.valid_utf8,
        replacement: replacement.text.clone(),
        replacement_valid_utf8: replacement.valid_utf8,
        action,
        ok,
        legacy_names: true,
    };
    if !cx.v3() && rule.ok {
        // 2.42 checks the action's fields while decoding (after a decoding error it stops).
        if let Err(e) = validate(&rule, cx.version, true) {
            cx.err(path, Some(node), e);
            rule.ok = false;
        }
    }
    Some(rule)
}

fn label_name_ok(cx: &Cx, name: &GoStr) -> bool {
    is_valid_label_name(&name.text, name.valid_utf8, !cx.v3())
}

/// Compiles a relabel regex anchored as Prometheus does (`^(?:…)$`, `^(?s:…)$` in 3.x).
pub(crate) fn compile(version: Version, text: &str) -> Result<GoRegex, String> {
    if version >= Version::V3 {
        GoRegex::compile_go(&format!("^(?s:{text})$"), true)
    } else {
        GoRegex::compile(&format!("^(?:{text})$"))
    }
}

/// `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`: a label name that may contain `$1` / `${1}`.
fn relabel_target_legacy(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    // The language is: sequences of (letter/underscore | $word | ${word}) and word chars, starting
    // with a letter, underscore or a variable.
    let mut i = 0;
    let mut first = true;
    while i < b.len() {
        let c = b[i];
        if c == b'$' {
            if b.get(i + 1) == Some(&b'{') {
                let mut j = i + 2;
                while j < b.len() && word(b[j]) {
                    j += 1;
                }
                if j == i + 2 || b.get(j) != Some(&b'}') {
                    return false;
                }
                i = j + 1;
            } else {
                let mut j = i + 1;
                while j < b.len() && word(b[j]) {
                    j += 1;
                }
                if j == i + 1 {
                    return false;
                }
                i = j;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || (c.is_ascii_digit() && !first) {
            i += 1;
        } else {
            return false;
        }
        first = false;
    }
    true
}

/// The action rules: 2.42's `relabel.Config.UnmarshalYAML` (names always legacy) and 3.x's
/// `Validate` under a name validation scheme (`legacy` or UTF-8).
pub(crate) fn validate(r: &Rule<'_>, version: Version, legacy: bool) -> Result<(), String> {
    let v3 = version >= Version::V3;
    let a = r.action.as_str();
    if a.is_empty() {
        return Err("relabel action cannot be empty".to_string());
    }
    if r.modulus == 0 && a == "hashmod" {
        return Err("relabel configuration for hashmod requires non-zero modulus".to_string());
    }
    let needs_target = matches!(
        a,
        "replace" | "hashmod" | "lowercase" | "uppercase" | "keepequal" | "dropequal"
    );
    if needs_target && r.target_label.is_empty() {
        return Err(format!(
            "relabel configuration for {a} action requires 'target_label' value"
        ));
    }
    let target_ok = r.target_valid_utf8;
    let name_ok = |s: &str, utf8: bool| is_valid_label_name(s, utf8, legacy);
    let with_vars = |s: &str, utf8: bool| {
        if legacy {
            utf8 && relabel_target_legacy(s)
        } else {
            name_ok(s, utf8)
        }
    };
    let invalid_target = || {
        format!(
            "{:?} is invalid 'target_label' for {a} action",
            r.target_label
        )
    };
    if v3 {
        if a == "replace" {
            let ok = if r.target_label.contains('$') {
                with_vars(&r.target_label, target_ok)
            } else {
                name_ok(&r.target_label, target_ok)
            };
            if !ok {
                return Err(invalid_target());
            }
        }
        if matches!(a, "lowercase" | "uppercase" | "keepequal" | "dropequal")
            && !name_ok(&r.target_label, target_ok)
        {
            return Err(invalid_target());
        }
    } else if matches!(
        a,
        "replace" | "lowercase" | "uppercase" | "keepequal" | "dropequal"
    ) && !(target_ok && relabel_target_legacy(&r.target_label))
    {
        return Err(invalid_target());
    }
    if matches!(a, "lowercase" | "uppercase" | "keepequal" | "dropequal") && r.replacement != "$1" {
        return Err(format!("'replacement' can not be set for {a} action"));
    }
    if a == "labelmap" && !with_vars(&r.replacement, r.replacement_valid_utf8) {
        return Err(format!(
            "{:?} is invalid 'replacement' for {a} action",
            r.replacement
        ));
    }
    if a == "hashmod" && !name_ok(&r.target_label, target_ok) {
        return Err(invalid_target());
    }
    if matches!(a, "keepequal" | "dropequal")
        && (r.regex_set || r.modulus != 0 || r.separator != ";" || r.replacement != "$1")
    {
        return Err(format!(
            "{a} action requires only 'source_labels' and `target_label`, and no other fields"
        ));
    }
    if matches!(a, "labeldrop" | "labelkeep")
        && (r.source_labels.is_some()
            || !r.target_label.is_empty()
            || r.modulus != 0
            || r.separator != ";"
            || r.replacement != "$1")
    {
        return Err(format!(
            "{a} action requires only 'regex', and no other fields"
        ));
    }
    Ok(())
}

/// A label set being relabeled: sorted name/value pairs; setting an empty value deletes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Labels(pub Vec<(String, String)>);

impl Labels {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            self.del(name);
            return;
        }
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value.to_string(),
            None => {
                self.0.push((name.to_string(), value.to_string()));
                self.0.sort();
            }
        }
    }

    pub fn del(&mut self, name: &str) {
        self.0.retain(|(n, _)| n != name);
    }
}

/// Applies the rules (`relabel.Process`); `false` when a rule drops the target.
pub(crate) fn process(labels: &mut Labels, rules: &[Rule<'_>], version: Version) -> bool {
    for rule in rules {
        if !apply(labels, rule, version) {
            return false;
        }
    }
    true
}

fn apply(lb: &mut Labels, cfg: &Rule<'_>, version: Version) -> bool {
    let v3 = version >= Version::V3;
    let Some(re) = &cfg.regex else {
        return true;
    };
    let values: Vec<&str> = cfg
        .source_labels
        .iter()
        .flatten()
        .map(|n| lb.get(n))
        .collect();
    let val = values.join(&cfg.separator);
    let original = lb.clone();
    match cfg.action.as_str() {
        "drop" if re.is_match(&val) => return false,
        "keep" if !re.is_match(&val) => return false,
        "dropequal" if lb.get(&cfg.target_label) == val => return false,
        "keepequal" if lb.get(&cfg.target_label) != val => return false,
        "replace" => {
            if v3
                && val.is_empty()
                && !cfg.regex_set
                && !cfg.target_label.contains('$')
                && !cfg.replacement.contains('$')
            {
                lb.set(&cfg.target_label, &cfg.replacement);
                return true;
            }
            let Some((groups, names)) = re.captures(&val) else {
                return true;
            };
            let target = expand(&cfg.target_label, &groups, &names);
            let valid =
                is_valid_label_name(&target, true, if v3 { cfg.legacy_names } else { true });
            if !valid {
                if !v3 {
                    lb.del(&cfg.target_label);
                }
                return true;
            }
            let res = expand(&cfg.replacement, &groups, &names);
            if res.is_empty() {
                lb.del(if v3 { &target } else { &cfg.target_label });
                return true;
            }
            lb.set(&target, &res);
        }
        "lowercase" => lb.set(&cfg.target_label, &val.to_lowercase()),
        "uppercase" => lb.set(&cfg.target_label, &val.to_uppercase()),
        "hashmod" => {
            let digest = md5(val.as_bytes());
            let mut tail = [0u8; 8];
            tail.copy_from_slice(&digest[8..]);
            let sum = u64::from_be_bytes(tail);
            let m = if cfg.modulus == 0 { 1 } else { cfg.modulus };
            lb.set(&cfg.target_label, &(sum % m).to_string());
        }
        "labelmap" => {
            for (name, value) in &original.0 {
                if let Some((groups, names)) = re.captures(name) {
                    let res = expand(&cfg.replacement, &groups, &names);
                    lb.set(&res, value);
                }
            }
        }
        "labeldrop" => {
            for (name, _) in &original.0 {
                if re.is_match(name) {
                    lb.del(name);
                }
            }
        }
        "labelkeep" => {
            for (name, _) in &original.0 {
                if !re.is_match(name) {
                    lb.del(name);
                }
            }
        }
        _ => {}
    }
    true
}

/// MD5 (RFC 1321), for `hashmod`.
pub(crate) fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i: i32| ((f64::from(i + 1).sin().abs()) * 4_294_967_296.0) as u32)
        .collect();
    let mut a0: u32 = 0x6745_2301;
    let mut b0: u32 = 0xefcd_ab89;
    let mut c0: u32 = 0x98ba_dcfe;
    let mut d0: u32 = 0x1032_5476;
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&a0.to_le_bytes());
    out[4..8].copy_from_slice(&b0.to_le_bytes());
    out[8..12].copy_from_slice(&c0.to_le_bytes());
    out[12..].copy_from_slice(&d0.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_known_values() {
        let hex: String = md5(b"").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "d41d8cd98f00b204e9800998ecf8427e");
        let hex: String = md5(b"The quick brown fox jumps over the lazy dog")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "9e107d9d372bb6826bd81d3542a419d6");
    }

    #[test]
    fn legacy_target_pattern() {
        assert!(relabel_target_legacy("foo"));
        assert!(relabel_target_legacy("${1}"));
        assert!(relabel_target_legacy("l_$1"));
        assert!(!relabel_target_legacy("l-$1"));
        assert!(!relabel_target_legacy("42lab"));
        assert!(!relabel_target_legacy(""));
    }
}
