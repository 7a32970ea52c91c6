//! Go regular expressions (RE2 syntax, as `github.com/grafana/regexp` compiles them) on top of
//! the `regex` crate. The pattern is translated first so that the two agree: `\Q…\E` quoting
//! and octal escapes are accepted, Perl classes (`\d`, `\w`, `\s`, `\b`) are ASCII-only as in
//! Go, and what Go refuses is refused (backreferences, `(?x)`, repeat counts above 1000,
//! `\<`, `\z`-like escapes Go lacks).

use std::sync::Arc;

use regex::Regex;

/// A compiled Go regexp. Its clones (one per job that writes the same pattern) share the
/// compiled program and its one matching cache.
#[derive(Debug, Clone)]
pub(crate) struct GoRegex {
    pub re: Arc<Regex>,
    /// Go's group names, by group number: the translation leaves every group unnamed, since Go
    /// takes names the regex crate refuses (`(?P<1a>x)`) and the same name twice.
    names: Arc<[Option<String>]>,
}

thread_local! {
    /// Compiled patterns: a large config repeats the same relabel regexes in every job.
    static CACHE: std::cell::RefCell<std::collections::HashMap<(String, bool), Result<GoRegex, String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

impl GoRegex {
    /// Compiles `pattern` as Go's `regexp.Compile` would, with Go-like error messages.
    pub fn compile(pattern: &str) -> Result<GoRegex, String> {
        Self::compile_go(pattern, false)
    }

    /// As [`GoRegex::compile`], with Go 1.22's syntax when `go122` (Prometheus 3 is built with
    /// a newer Go): `(?<name>x)` is a named group there as well as `(?P<name>x)`.
    pub fn compile_go(pattern: &str, go122: bool) -> Result<GoRegex, String> {
        let key = (pattern.to_string(), go122);
        if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return hit;
        }
        let compiled = Self::compile_uncached(pattern, go122);
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() > 4096 {
                cache.clear();
            }
            cache.insert(key, compiled.clone());
        });
        compiled
    }

    fn compile_uncached(pattern: &str, go122: bool) -> Result<GoRegex, String> {
        let (translated, names) = translate(pattern, go122)
            .map_err(|e| format!("error parsing regexp: {e}: `{pattern}`"))?;
        let re = regex::RegexBuilder::new(&translated)
            .size_limit(1 << 28)
            .dfa_size_limit(1 << 28)
            .nest_limit(1000)
            .build()
            .map_err(|e| {
                let detail = match &e {
                    regex::Error::Syntax(s) => {
                        let last = s.lines().last().unwrap_or("").trim();
                        last.strip_prefix("error: ").unwrap_or(last).to_string()
                    }
                    other => other.to_string(),
                };
                format!("error parsing regexp: {detail}: `{pattern}`")
            })?;
        Ok(GoRegex {
            re: Arc::new(re),
            names: names.into(),
        })
    }

    /// Whether the whole of `s` matches (the patterns are anchored by their callers).
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    /// The capture groups of the first match, and the group names.
    pub fn captures<'t>(&self, s: &'t str) -> Option<Captures<'t, '_>> {
        let caps = self.re.captures(s)?;
        let groups = (0..caps.len())
            .map(|i| caps.get(i).map(|m| m.as_str()))
            .collect();
        let names = self.names.iter().map(Option::as_deref).collect();
        Some((groups, names))
    }
}

/// Whether `s` (starting at `{`) is a repetition `{n}`, `{n,}` or `{n,m}`.
fn is_repeat(s: &[char]) -> bool {
    let Some(end) = s.iter().position(|c| *c == '}') else {
        return false;
    };
    let body: String = s[1..end].iter().collect();
    let mut parts = body.splitn(2, ',');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && second.is_none_or(|m| m.chars().all(|c| c.is_ascii_digit()))
}

/// The groups of a match (`None` for a group that did not take part) and their names.
pub(crate) type Captures<'t, 'r> = (Vec<Option<&'t str>>, Vec<Option<&'r str>>);

/// Rewrites a Go pattern into the `regex` crate's dialect, or explains why Go refuses it.
/// Go 1.19's `unicode.Categories` names.
const GO_CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// Go 1.19's `unicode.Scripts` names (Unicode 13), sorted.
const GO_SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Ugaritic",
    "Vai",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Go's POSIX classes (`[:alpha:]`, `[:^alpha:]`); any other name is refused.
const GO_POSIX_CLASSES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// The translated pattern, and Go's group names by group number (group 0 first).
type Translated = (String, Vec<Option<String>>);

fn translate(pattern: &str, go122: bool) -> Result<Translated, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut names: Vec<Option<String>> = vec![None];
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false;
    // 0: no repetition just before; 1: a greedy one; 2: a non-greedy one.
    let mut repeat = 0u8;
    while i < chars.len() {
        let c = chars[i];
        if !in_class {
            let is_op = matches!(c, '*' | '+' | '?') || (c == '{' && is_repeat(&chars[i..]));
            if is_op {
                if repeat == 1 && c == '?' {
                    repeat = 2;
                    out.push(c);
                    i += 1;
                    continue;
                }
                if repeat != 0 {
                    return Err(format!("invalid nested repetition operator: `{}`", c));
                }
            }
            let next_repeat = u8::from(is_op);
            if !is_op {
                repeat = 0;
            } else if c != '{' {
                repeat = next_repeat;
                out.push(c);
                i += 1;
                continue;
            } else {
                repeat = 1;
            }
        }
        let c = chars[i];
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err("trailing backslash at end of expression".to_string());
            };
            i += 2;
            match n {
                'Q' => {
                    // Literal text up to \E (or the end).
                    let mut j = i;
                    while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                        j += 1;
                    }
                    for ch in &chars[i..j] {
                        out.push_str(&regex::escape(&ch.to_string()));
                    }
                    i = if j < chars.len() { j + 2 } else { j };
                }
                'E' => {}
                'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                    let set = match n.to_ascii_lowercase() {
                        'd' => "0-9",
                        'w' => "0-9A-Za-z_",
                        _ => r"\t\n\x0C\r ",
                    };
                    let negated = n.is_ascii_uppercase();
                    match (in_class, negated) {
                        (true, false) => out.push_str(set),
                        (true, true) => {
                            out.push('[');
                            out.push('^');
                            out.push_str(set);
                            out.push(']');
                        }
                        (false, false) => {
                            out.push('[');
                            out.push_str(set);
                            out.push(']');
                        }
                        (false, true) => {
                            out.push_str("[^");
                            out.push_str(set);
                            out.push(']');
                        }
                    }
                }
                'b' | 'B' if !in_class => {
                    out.push_str(if n == 'b' { r"(?-u:\b)" } else { r"(?-u:\B)" });
                }
                '0'..='7' => {
                    // Octal: \0, \12, \123; a lone \1-\7 is a backreference (refused).
                    let mut j = i;
                    let mut value = n.to_digit(8).unwrap_or(0);
                    let limit = i + 2;
                    if n != '0' && !chars.get(i).is_some_and(|d| ('0'..='7').contains(d)) {
                        return Err(format!("invalid escape sequence: `\\{n}`"));
                    }
                    while j < chars.len() && j < limit && ('0'..='7').contains(&chars[j]) {
                        value = value * 8 + chars[j].to_digit(8).unwrap_or(0);
                        j += 1;
                    }
                    i = j;
                    out.push_str(&format!("\\x{{{value:X}}}"));
                }
                'p' | 'P' => {
                    // Go knows `Any`, the general categories and the scripts, spelled exactly,
                    // and `^` negating (`\p{^Greek}`); not the loose names the regex crate takes.
                    let (name, len) = if chars.get(i) == Some(&'{') {
                        match chars[i..].iter().position(|c| *c == '}') {
                            Some(end) => {
                                (chars[i + 1..i + end].iter().collect::<String>(), end + 1)
                            }
                            None => return Err(format!("invalid character class range: `\\{n}`")),
                        }
                    } else {
                        match chars.get(i) {
                            Some(c) => (c.to_string(), 1),
                            None => return Err(format!("invalid character class range: `\\{n}`")),
                        }
                    };
                    let shown: String = chars[i - 2..i + len].iter().collect();
                    let (negated, bare) = match name.strip_prefix('^') {
                        Some(rest) => (true, rest),
                        None => (false, name.as_str()),
                    };
                    if !(bare == "Any"
                        || GO_CATEGORIES.contains(&bare)
                        || GO_SCRIPTS.binary_search(&bare).is_ok())
                    {
                        return Err(format!("invalid character class range: `{shown}`"));
                    }
                    out.push('\\');
                    out.push(if negated == (n == 'p') { 'P' } else { 'p' });
                    out.push('{');
                    out.push_str(bare);
                    out.push('}');
                    i += len;
                }
                'x' => {
                    out.push('\\');
                    out.push(n);
                    // Copy a braced argument (`\x{263a}`, `\p{Greek}`) as is.
                    if chars.get(i) == Some(&'{') {
                        match chars[i..].iter().position(|c| *c == '}') {
                            Some(end) => {
                                out.extend(&chars[i..=i + end]);
                                i += end + 1;
                            }
                            None => return Err(format!("invalid escape sequence: `\\{n}`")),
                        }
                    }
                }
                'a' | 'f' | 't' | 'n' | 'r' | 'v' => {
                    out.push('\\');
                    out.push(n);
                }
                'A' | 'z' if !in_class => {
                    out.push('\\');
                    out.push(n);
                }
                'b' | 'B' | 'A' | 'z' => return Err(format!("invalid escape sequence: `\\{n}`")),
                _ if n.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(n);
                }
                _ => return Err(format!("invalid escape sequence: `\\{n}`")),
            }
            class_start = false;
            continue;
        }
        if in_class {
            if c == ']' && !class_start {
                in_class = false;
            } else if c == '[' && chars.get(i + 1) == Some(&':') {
                // A POSIX class [:alpha:] is copied whole; Go refuses unknown names (its
                // search for the closing `:]` runs to the end of the pattern).
                if let Some(end) = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ':' && chars[j + 1] == ']')
                {
                    let name: String = chars[i + 2..end].iter().collect();
                    let bare = name.strip_prefix('^').unwrap_or(&name);
                    if !GO_POSIX_CLASSES.contains(&bare) {
                        return Err(format!("invalid character class range: `[:{name}:]`"));
                    }
                    out.extend(&chars[i..end + 2]);
                    i = end + 2;
                    class_start = false;
                    continue;
                }
                out.push_str(r"\[");
                i += 1;
                class_start = false;
                continue;
            } else if c == '['
                || ((c == '&' || c == '-' || c == '~') && chars.get(i + 1) == Some(&c))
            {
                // Literal in Go; an operator in the regex crate.
                out.push('\\');
            }
            if class_start && c == '^' {
                out.push(c);
                i += 1;
                continue;
            }
            out.push(c);
            class_start = false;
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A ']' right after '[' or '[^' is a literal.
                if chars.get(i) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
                class_start = false;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                // Flags: Go knows i, m, s, U and named groups (?P<name>.
                let mut j = i + 2;
                let angle = go122 && chars.get(j) == Some(&'<');
                if angle || (chars.get(j) == Some(&'P') && chars.get(j + 1) == Some(&'<')) {
                    // Go 1.19 takes only `(?P<name>`, a name of ASCII letters, digits and
                    // `_` (a leading digit and repeated names included); not `(?<name>`,
                    // which Go 1.22 added.
                    if angle {
                        j -= 1; // `(?<name>` read as `(?P<name>`
                    }
                    let Some(end) = (j + 2..chars.len()).find(|&k| chars[k] == '>') else {
                        let text: String = chars[i..].iter().collect();
                        return Err(format!("invalid named capture: `{text}`"));
                    };
                    let name: String = chars[j + 2..end].iter().collect();
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        let text: String = chars[i..=end].iter().collect();
                        return Err(format!("invalid named capture: `{text}`"));
                    }
                    names.push(Some(name));
                    out.push('(');
                    i = end + 1;
                    continue;
                }
                while j < chars.len() && chars[j] != ')' && chars[j] != ':' {
                    if !matches!(chars[j], 'i' | 'm' | 's' | 'U' | '-') {
                        let text: String = chars[i..=j.min(chars.len() - 1)].iter().collect();
                        return Err(format!("invalid or unsupported Perl syntax: `{text}`"));
                    }
                    j += 1;
                }
                out.push(c);
                i += 1;
                continue;
            }
            '{' => {
                // Repetition counts above 1000 are refused by Go.
                let mut j = i + 1;
                let mut nums = Vec::new();
                let mut cur = String::new();
                let mut ok = true;
                while j < chars.len() && chars[j] != '}' {
                    if chars[j].is_ascii_digit() {
                        cur.push(chars[j]);
                    } else if chars[j] == ',' {
                        nums.push(std::mem::take(&mut cur));
                    } else {
                        ok = false;
                        break;
                    }
                    j += 1;
                }
                nums.push(cur);
                if ok && j < chars.len() && !nums[0].is_empty() && nums.len() <= 2 {
                    for n in &nums {
                        if !n.is_empty() && n.parse::<u64>().map_or(true, |v| v > 1000) {
                            let text: String = chars[i..=j].iter().collect();
                            return Err(format!("invalid repeat count: `{text}`"));
                        }
                    }
                    out.extend(&chars[i..=j]);
                    i = j + 1;
                } else {
                    // Not a repetition: a literal brace in Go.
                    out.push_str(r"\{");
                    i += 1;
                }
                continue;
            }
            '}' => {
                out.push_str(r"\}");
                i += 1;
                continue;
            }
            '(' => names.push(None),
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    if in_class {
        return Err("missing closing ]".to_string());
    }
    Ok((out, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> bool {
        GoRegex::compile(&format!("^(?:{p})$")).is_ok()
    }

    #[test]
    fn go_syntax() {
        assert!(ok("(.*)"));
        assert!(ok(r"\d+"));
        assert!(ok("[[:alpha:]]+"));
        assert!(ok(r"\Q.*\E"));
        assert!(ok("a{2,5}"));
        assert!(ok("a{,5}"));
        assert!(ok("[]a]"));
        assert!(ok("(?i)abc"));
        assert!(ok("(?P<name>x)"));
        assert!(ok("(?P<1a>x)(?P<_>y)(?P<1>z)"));
        assert!(ok("(?P<n>a)(?P<n>b)"));
        assert!(!ok("(?P<>x)"));
        assert!(!ok("(?P<a-b>x)"));
        assert!(!ok("(?P<n>x"));
        assert!(!ok("(?<n>x)"));
        assert!(GoRegex::compile_go("(?<n>x)(?P<m>y)", true).is_ok());
        assert!(GoRegex::compile_go("(?<n-x>x)", true).is_err());
        assert!(!ok("(?P=n)"));
        assert!(ok("[[:^alpha:][:word:]]"));
        assert!(ok("[[:foo]"));
        assert!(!ok("[[:foo:]]"));
        assert!(!ok("[[:^foo:]]"));
        assert!(!ok("[[:Alpha:]]"));
        assert!(!ok("[a[:foo:]"));
        assert!(ok(r"\x{263a}\x41\p{Greek}\pL\PN"));
        assert!(ok(r"\p{^Greek}[\P{^Lu}\p{Any}]"));
        assert!(!ok(r"\p{IsGreek}"));
        assert!(!ok(r"\p{greek}"));
        assert!(!ok(r"\pQ"));
        assert!(GO_SCRIPTS.windows(2).all(|w| w[0] < w[1]));
        assert!(ok(r"[\w.-]+\_\/\-\.\:"));
        assert!(ok(r"(?i:foo)(?-s)bar"));
        assert!(ok(r"\012\0"));
        assert!(!ok("(abc"));
        assert!(!ok(r"(a)\1"));
        assert!(!ok("a{1001}"));
        assert!(!ok("(?x)a"));
        assert!(!ok("a**"));
        assert!(!ok("[a"));
    }

    #[test]
    fn group_names_as_go_numbers_them() {
        let re = GoRegex::compile("^(?:(a)(?P<1a>b)(?:c)(?P<1a>d)?)$").expect("compiles");
        let (groups, names) = re.captures("abc").expect("matches");
        assert_eq!(groups, [Some("abc"), Some("a"), Some("b"), None]);
        assert_eq!(names, [None, None, Some("1a"), Some("1a")]);
        let re = GoRegex::compile(r"^(?:\(([(])[\(])$").expect("compiles");
        assert_eq!(re.captures("(((").expect("matches").1.len(), 2);
    }

    #[test]
    fn ascii_classes() {
        let re = GoRegex::compile(r"^(?:\d+)$").expect("compiles");
        assert!(re.is_match("123"));
        assert!(!re.is_match("١٢٣"));
        let re = GoRegex::compile("^(?:a{,5})$").expect("compiles");
        assert!(re.is_match("a{,5}"));
    }
}
