//! `yaml.dump` as PyYAML does it for Ansible's `to_yaml` and `to_nice_yaml` filters, byte for
//! byte: scalar style choice (plain, single- or double-quoted), quoting of strings that YAML
//! 1.1 would read as another type, block and flow layout, indentation, line width, key order.
//!
//! Ansible's filters call (ansible-core 2.19, `plugins/filter/core.py`):
//! - `to_yaml(a, indent=None?, **kw)`: `yaml.dump(a, Dumper=AnsibleDumper, allow_unicode=True,
//!   default_flow_style=None, **kw)` (flow style for collections that hold only scalars);
//! - `to_nice_yaml(a, indent=4, **kw)`: `yaml.dump(a, Dumper=AnsibleDumper, indent=indent,
//!   allow_unicode=True, default_flow_style=False, **kw)`.
//!
//! `sort_keys` defaults to true in both; `width` is 80.
//!
//! `AnsibleDumper` derives from PyYAML's `CSafeDumper` whenever PyYAML has libyaml (which the
//! PyPI wheels always have): the representer and the serializer are PyYAML's Python code, the
//! emitter is libyaml's C code (0.2.5). So this module follows libyaml's `emitter.c`, not
//! PyYAML's `emitter.py`. The differences that show: characters outside the BMP are not
//! printable for libyaml (the scalar is double-quoted with `\UXXXXXXXX` escapes), a top-level
//! plain scalar gets no `...` document end marker, the simple-key limit of 128 counts UTF-8
//! bytes, and double-quoted scalars never break at line feeds (they are written as `\n`).
//!
//! The layers, as in PyYAML:
//! - the representer turns a [`Value`] into a node tree (tags, key order, flow or block);
//! - the serializer decides per scalar whether it may be written plain (its text must
//!   resolve back to its own tag under YAML 1.1's implicit resolvers);
//! - the emitter lays the nodes out, tracking columns, indentation and line width.

use std::sync::LazyLock;

use fancy_regex::Regex;
use minijinja::value::{Value, ValueKind};

/// Flow or block layout, as PyYAML's `default_flow_style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStyle {
    /// `default_flow_style=False`: block style everywhere (`to_nice_yaml`).
    Block,
    /// `default_flow_style=None`: flow style for collections holding only scalars (`to_yaml`).
    Auto,
    /// `default_flow_style=True`: flow style everywhere.
    Flow,
}

/// The keyword arguments of `yaml.dump` that Ansible's filters pass on.
#[derive(Debug, Clone)]
pub struct DumpOptions {
    pub indent: usize,
    pub width: usize,
    pub flow_style: FlowStyle,
    pub sort_keys: bool,
    pub allow_unicode: bool,
    pub explicit_start: bool,
    pub explicit_end: bool,
}

impl DumpOptions {
    /// What `to_yaml` passes by default.
    #[must_use]
    pub fn to_yaml() -> Self {
        DumpOptions {
            indent: 2,
            width: 80,
            flow_style: FlowStyle::Auto,
            sort_keys: true,
            allow_unicode: true,
            explicit_start: false,
            explicit_end: false,
        }
    }

    /// What `to_nice_yaml` passes by default.
    #[must_use]
    pub fn to_nice_yaml() -> Self {
        DumpOptions {
            indent: 4,
            flow_style: FlowStyle::Block,
            ..DumpOptions::to_yaml()
        }
    }
}

/// Serialises `value` as PyYAML's `yaml.dump` would (including the final newline).
///
/// Values that PyYAML cannot represent (undefined, Ansible's `omit` placeholder, callables)
/// are an error, as in Ansible.
///
/// # Errors
/// A value that cannot be represented.
pub fn dump(value: &Value, options: &DumpOptions) -> Result<String, minijinja::Error> {
    let node = represent(value, options)?;
    let mut emitter = Emitter::new(options);
    emitter.emit_document(&node, options);
    Ok(emitter.out)
}

// ---------------------------------------------------------------------------------------------
// Representer
// ---------------------------------------------------------------------------------------------

/// The YAML tags PyYAML's `SafeRepresenter` gives to the values we represent, plus the other
/// tags its implicit resolver can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Str,
    Null,
    Bool,
    Int,
    Float,
    Binary,
    Timestamp,
    Merge,
    Value,
    Yaml,
}

/// A representation node: what PyYAML's representer hands to the serializer.
#[derive(Debug)]
enum Node {
    Scalar {
        tag: Tag,
        value: String,
        /// Requested literal style (`|`), used for `!!binary` only.
        literal: bool,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Map {
        pairs: Vec<(Node, Node)>,
        flow: bool,
    },
}

impl Node {
    fn scalar(tag: Tag, value: impl Into<String>) -> Node {
        Node::Scalar {
            tag,
            value: value.into(),
            literal: false,
        }
    }

    /// A scalar without a requested style (what `best_style` of the representer looks for).
    fn is_plain_styled_scalar(&self) -> bool {
        matches!(self, Node::Scalar { literal: false, .. })
    }
}

fn cannot_represent() -> minijinja::Error {
    minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        "cannot represent an object",
    )
}

fn represent(value: &Value, options: &DumpOptions) -> Result<Node, minijinja::Error> {
    if value.is_undefined() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            "an undefined value cannot be serialised",
        ));
    }
    match value.kind() {
        ValueKind::None => Ok(Node::scalar(Tag::Null, "null")),
        ValueKind::Bool => Ok(Node::scalar(
            Tag::Bool,
            if value.is_true() { "true" } else { "false" },
        )),
        ValueKind::Number if value.is_integer() => Ok(Node::scalar(Tag::Int, value.to_string())),
        ValueKind::Number => {
            let f = f64::try_from(value.clone()).map_err(|_| cannot_represent())?;
            Ok(Node::scalar(Tag::Float, represent_float(f)))
        }
        ValueKind::String => Ok(Node::scalar(Tag::Str, value.as_str().unwrap_or_default())),
        ValueKind::Bytes => Ok(Node::Scalar {
            tag: Tag::Binary,
            value: base64_encodebytes(value.as_bytes().unwrap_or_default()),
            literal: true,
        }),
        // Ansible's dumper represents any collection (sets, dict views) as a list.
        ValueKind::Seq | ValueKind::Iterable => {
            let items = value
                .try_iter()
                .map_err(|_| cannot_represent())?
                .map(|item| represent(&item, options))
                .collect::<Result<Vec<_>, _>>()?;
            let flow = match options.flow_style {
                FlowStyle::Block => false,
                FlowStyle::Flow => true,
                FlowStyle::Auto => items.iter().all(Node::is_plain_styled_scalar),
            };
            Ok(Node::Seq { items, flow })
        }
        ValueKind::Map => {
            let mut entries: Vec<(Value, Value)> = match value.as_object() {
                Some(obj) => match obj.try_iter_pairs() {
                    Some(pairs) => pairs.collect(),
                    None => Vec::new(),
                },
                None => Vec::new(),
            };
            if options.sort_keys {
                sort_like_python(&mut entries);
            }
            let pairs = entries
                .iter()
                .map(|(k, v)| Ok((represent(k, options)?, represent(v, options)?)))
                .collect::<Result<Vec<_>, minijinja::Error>>()?;
            let flow = match options.flow_style {
                FlowStyle::Block => false,
                FlowStyle::Flow => true,
                FlowStyle::Auto => pairs
                    .iter()
                    .all(|(k, v)| k.is_plain_styled_scalar() && v.is_plain_styled_scalar()),
            };
            Ok(Node::Map { pairs, flow })
        }
        _ => Err(cannot_represent()),
    }
}

/// How Python orders dictionary keys in `sorted(mapping.items())`: strings by code point,
/// numbers (and booleans) by value; a mix of incomparable keys raises `TypeError`, which
/// PyYAML catches and then keeps the insertion order.
fn sort_like_python(entries: &mut [(Value, Value)]) {
    if entries.len() < 2 {
        return;
    }
    if entries.iter().all(|(k, _)| k.kind() == ValueKind::String) {
        entries.sort_by(|(a, _), (b, _)| a.as_str().cmp(&b.as_str()));
    } else if entries
        .iter()
        .all(|(k, _)| matches!(k.kind(), ValueKind::Number | ValueKind::Bool))
    {
        entries.sort_by(|(a, _), (b, _)| {
            let as_int = crate::render::python::py_int;
            let as_float = |v: &Value| -> f64 {
                if v.kind() == ValueKind::Bool {
                    f64::from(u8::from(v.is_true()))
                } else {
                    f64::try_from(v.clone()).unwrap_or(f64::NAN)
                }
            };
            match (as_int(a), as_int(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => as_float(a)
                    .partial_cmp(&as_float(b))
                    .unwrap_or(std::cmp::Ordering::Equal),
            }
        });
    }
}

/// PyYAML's `represent_float`: `.nan`, `.inf`, `-.inf`, else Python's `repr` in lower case,
/// with `.0` inserted before the exponent when the mantissa has no dot (`1e+17` → `1.0e+17`).
fn represent_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    let repr = python_float_repr(f);
    if !repr.contains('.') && repr.contains('e') {
        repr.replacen('e', ".0e", 1)
    } else {
        repr
    }
}

/// Python's `repr(float)` for a finite number: the shortest digits that read back as the
/// same number, in positional notation when the decimal exponent is in `-4 ..= 15`, else in
/// exponent notation (`1e+16`, `1.5e-05`).
fn python_float_repr(f: f64) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, exp) = shortest_digits(f.abs());
    let decpt = exp + 1;
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_at(1);
        let exp_sign = if exp < 0 { '-' } else { '+' };
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        return format!("{sign}{first}{frac}e{exp_sign}{:02}", exp.abs());
    }
    let n = digits.len() as i32;
    let body = if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

/// The shortest decimal digits that read back as `f` (positive, finite, non-zero) and the
/// decimal exponent of the first digit, chosen as Python's `repr` (David Gay's `dtoa`) does:
/// when two candidates of that length are equally close to `f`, the one ending in an even
/// digit (Rust's `{:e}` rounds such ties up).
fn shortest_digits(f: f64) -> (String, i32) {
    let split = |sci: &str| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse().unwrap_or(0))
    };
    let (digits, exp) = split(&format!("{f:e}"));
    let n = digits.len();
    let last = digits.as_bytes()[n - 1] - b'0';
    if last.is_multiple_of(2) {
        return (digits, exp);
    }
    // The exact decimal expansion of `f` (every f64 has at most 767 significant digits).
    let (exact, exact_exp) = split(&format!("{f:.800e}"));
    if exact_exp != exp || exact.len() <= n {
        return (digits, exp);
    }
    let (head, tail) = exact.split_at(n);
    let halfway = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
    if !halfway {
        return (digits, exp);
    }
    // `f` lies exactly between `head` and `head + 1` (in the last digit); take the even one.
    let candidate = if head == digits {
        let bumped = head.parse::<u128>().ok().map(|v| (v + 1).to_string());
        match bumped {
            Some(b) if b.len() == n => b,
            _ => return (digits, exp),
        }
    } else {
        head.to_string()
    };
    let reads_back = format!("{}.{}e{exp}", &candidate[..1], &candidate[1..])
        .parse::<f64>()
        .is_ok_and(|g| g == f);
    if reads_back && (candidate.as_bytes()[n - 1] - b'0').is_multiple_of(2) {
        (candidate, exp)
    } else {
        (digits, exp)
    }
}

/// Python's `base64.encodebytes`: lines of 76 characters, each ending in a newline.
fn base64_encodebytes(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                encoded.push('=');
            }
        }
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 + 1);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Resolver (serializer side): which tag would a plain scalar with this text get?
// ---------------------------------------------------------------------------------------------

/// PyYAML's implicit resolvers (`resolver.py`, class `Resolver`), in registration order, each
/// with the first characters it is registered for (`""` stands for the empty string). The
/// patterns are PyYAML's, with the verbose-mode whitespace removed.
static RESOLVERS: LazyLock<Vec<(Tag, &'static str, Regex)>> = LazyLock::new(|| {
    let table: [(Tag, &str, &str); 8] = [
        (
            Tag::Bool,
            "yYnNtTfFoO",
            r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        ),
        (
            Tag::Float,
            "-+0123456789.",
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ),
        (
            Tag::Int,
            "-+0123456789",
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        ),
        (Tag::Merge, "<", r"^(?:<<)$"),
        (Tag::Null, "~nN", r"^(?:~|null|Null|NULL|)$"),
        (
            Tag::Timestamp,
            "0123456789",
            r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        ),
        (Tag::Value, "=", r"^(?:=)$"),
        (Tag::Yaml, "!&*", r"^(?:!|&|\*)$"),
    ];
    table
        .into_iter()
        .map(|(tag, first, pattern)| {
            let regex = Regex::new(pattern).expect("PyYAML resolver pattern");
            (tag, first, regex)
        })
        .collect()
});

/// The tag PyYAML's `Resolver.resolve(ScalarNode, text, (True, False))` gives: the first
/// implicit resolver registered for the text's first character whose pattern matches, else
/// `str`. (The null resolver is also registered for the empty string.)
///
/// This is stricter than [`crate::yaml::resolve::resolve_plain`], which is made for loading:
/// PyYAML's dumper only asks whether the pattern matches (`0b_` and `1_` are ints, a
/// timestamp must end after its zone), and Python's `$` also matches before a final newline.
fn implicit_tag(text: &str) -> Tag {
    let first = text.chars().next();
    for (tag, firsts, regex) in RESOLVERS.iter() {
        let registered = match first {
            None => *tag == Tag::Null,
            Some(c) => firsts.contains(c),
        };
        if registered && python_match(regex, text) {
            return *tag;
        }
    }
    Tag::Str
}

/// `re.match(pattern, text)` for a pattern of the form `^(?:...)$`: Python's `$` matches at
/// the end and just before a newline that ends the text.
fn python_match(regex: &Regex, text: &str) -> bool {
    regex.is_match(text).unwrap_or(false)
        || text
            .strip_suffix('\n')
            .is_some_and(|t| regex.is_match(t).unwrap_or(false))
}

// ---------------------------------------------------------------------------------------------
// Emitter (libyaml's emitter.c)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// `yaml_emitter_analyze_scalar`'s findings.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Space, tab, line break, NUL, or the end of the text.
fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

/// libyaml's `IS_PRINTABLE`: no control characters, no surrogates, no BOM, no U+FFFE/FFFF,
/// and nothing outside the BMP.
fn is_printable(c: char) -> bool {
    let c = c as u32;
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (0xA0..=0xD7FF).contains(&c)
        || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
}

fn analyze_scalar(value: &str, unicode: bool) -> Analysis {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = is_blankz(chars.get(1).copied());
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) {
                flow_indicators = true;
                block_indicators = true;
            }
            if c == '?' || c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '-' && followed_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if matches!(c, ',' | '?' | '[' | ']' | '{' | '}') {
                flow_indicators = true;
            }
            if c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '#' && preceded_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        }
        if !is_printable(c) || (!c.is_ascii() && !unicode) {
            special_characters = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i == last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        if i < last {
            followed_by_whitespace = is_blankz(chars.get(i + 2).copied());
        }
    }

    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// A scalar event as the serializer (`CEmitter._serialize_node`) produces it, analysed.
struct ScalarEvent<'a> {
    value: &'a str,
    analysis: Analysis,
    plain_implicit: bool,
    quoted_implicit: bool,
    /// The tag as `handle` + `suffix` when it must be written (`!!binary`).
    tag: Option<(&'static str, &'static str)>,
    literal: bool,
}

impl<'a> ScalarEvent<'a> {
    fn new(tag: Tag, value: &'a str, literal: bool, unicode: bool) -> Self {
        let plain_implicit = implicit_tag(value) == tag;
        // Resolving without the implicit resolvers always gives `str`.
        let quoted_implicit = tag == Tag::Str;
        let tag_text = if !plain_implicit && !quoted_implicit {
            Some(match tag {
                Tag::Str => ("!!", "str"),
                Tag::Null => ("!!", "null"),
                Tag::Bool => ("!!", "bool"),
                Tag::Int => ("!!", "int"),
                Tag::Float => ("!!", "float"),
                Tag::Binary => ("!!", "binary"),
                Tag::Timestamp => ("!!", "timestamp"),
                Tag::Merge => ("!!", "merge"),
                Tag::Value => ("!!", "value"),
                Tag::Yaml => ("!!", "yaml"),
            })
        } else {
            None
        };
        ScalarEvent {
            value,
            analysis: analyze_scalar(value, unicode),
            plain_implicit,
            quoted_implicit,
            tag: tag_text,
            literal,
        }
    }

    fn tag_len(&self) -> usize {
        self.tag.map_or(0, |(h, s)| h.len() + s.len())
    }
}

struct Emitter {
    out: String,
    best_indent: usize,
    best_width: usize,
    unicode: bool,
    /// Current indentation; `None` before the first collection (libyaml's `-1`).
    indent: Option<usize>,
    indents: Vec<Option<usize>>,
    flow_level: usize,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: u8,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn new(options: &DumpOptions) -> Self {
        let best_indent = if (2..=9).contains(&options.indent) {
            options.indent
        } else {
            2
        };
        let best_width = if options.width <= best_indent * 2 {
            80
        } else {
            options.width
        };
        Emitter {
            out: String::new(),
            best_indent,
            best_width,
            unicode: options.allow_unicode,
            indent: None,
            indents: Vec::new(),
            flow_level: 0,
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: 0,
            mapping_context: false,
            simple_key_context: false,
        }
    }

    // --- low-level writers -------------------------------------------------------------------

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None => Some(if flow { self.best_indent } else { 0 }),
            Some(i) if !indentless => Some(i + self.best_indent),
            Some(i) => Some(i),
        };
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    // --- structure ---------------------------------------------------------------------------

    fn emit_document(&mut self, root: &Node, options: &DumpOptions) {
        if options.explicit_start {
            self.write_indent();
            self.write_indicator("---", true, false, false);
        }
        self.open_ended = 0;
        self.emit_node(root, false, false);
        self.write_indent();
        if options.explicit_end {
            self.write_indicator("...", true, false, false);
            self.open_ended = 0;
            self.write_indent();
        } else if self.open_ended == 0 {
            self.open_ended = 1;
        }
        // stream end
        if self.open_ended == 2 {
            self.write_indicator("...", true, false, false);
            self.open_ended = 0;
            self.write_indent();
        }
    }

    fn emit_node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Scalar {
                tag,
                value,
                literal,
            } => {
                let event = ScalarEvent::new(*tag, value, *literal, self.unicode);
                self.emit_scalar(&event);
            }
            Node::Seq { items, flow } => {
                if self.flow_level > 0 || *flow || items.is_empty() {
                    self.emit_flow_sequence(items);
                } else {
                    self.emit_block_sequence(items);
                }
            }
            Node::Map { pairs, flow } => {
                if self.flow_level > 0 || *flow || pairs.is_empty() {
                    self.emit_flow_mapping(pairs);
                } else {
                    self.emit_block_mapping(pairs);
                }
            }
        }
    }

    /// `yaml_emitter_check_simple_key`: a single-line scalar of at most 128 bytes (tag
    /// included) or an empty collection.
    fn check_simple_key(&self, node: &Node) -> bool {
        match node {
            Node::Scalar {
                tag,
                value,
                literal,
            } => {
                let event = ScalarEvent::new(*tag, value, *literal, self.unicode);
                !event.analysis.multiline && event.tag_len() + value.len() <= 128
            }
            Node::Seq { items, .. } => items.is_empty(),
            Node::Map { pairs, .. } => pairs.is_empty(),
        }
    }

    fn emit_flow_sequence(&mut self, items: &[Node]) {
        self.write_indicator("[", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width {
                self.write_indent();
            }
            self.emit_node(item, false, false);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("]", false, false, false);
    }

    fn emit_flow_mapping(&mut self, pairs: &[(Node, Node)]) {
        self.write_indicator("{", true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        for (i, (key, value)) in pairs.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > self.best_width {
                self.write_indent();
            }
            if self.check_simple_key(key) {
                self.emit_node(key, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.emit_node(key, true, false);
                if self.column > self.best_width {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.emit_node(value, true, false);
        }
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator("}", false, false, false);
    }

    fn emit_block_sequence(&mut self, items: &[Node]) {
        // A sequence that is a mapping value is not indented (`key:\n- a`).
        self.increase_indent(false, self.mapping_context && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, false, false);
        }
        self.pop_indent();
    }

    fn emit_block_mapping(&mut self, pairs: &[(Node, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in pairs {
            self.write_indent();
            if self.check_simple_key(key) {
                self.emit_node(key, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(key, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, true, false);
        }
        self.pop_indent();
    }

    // --- scalars -----------------------------------------------------------------------------

    /// `yaml_emitter_select_scalar_style`.
    fn select_scalar_style(&self, event: &ScalarEvent<'_>) -> Style {
        let a = &event.analysis;
        let no_tag = event.tag.is_none();
        let mut style = if event.literal {
            Style::Literal
        } else {
            Style::Plain
        };
        if self.simple_key_context && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if event.value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
            if no_tag && !event.plain_implicit {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::DoubleQuoted;
        }
        style
    }

    fn emit_scalar(&mut self, event: &ScalarEvent<'_>) {
        let style = self.select_scalar_style(event);
        // process_tag: a tag that must be written, or `!` for a non-plain scalar that would
        // not resolve to its tag when quoted (never happens for the values we represent).
        if let Some((handle, suffix)) = event.tag {
            if !self.whitespace {
                self.put(' ');
            }
            for c in handle.chars().chain(suffix.chars()) {
                self.put(c);
            }
            self.whitespace = false;
            self.indention = false;
        } else if !event.quoted_implicit && style != Style::Plain {
            if !self.whitespace {
                self.put(' ');
            }
            self.put('!');
            self.whitespace = false;
            self.indention = false;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            Style::Plain => self.write_plain(event.value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(event.value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(event.value, allow_breaks),
            Style::Literal => self.write_literal(event.value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace && (!value.is_empty() || self.flow_level > 0) {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i != 0
                    && i != last
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if breaks {
            self.write_indent();
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c)
                || (!self.unicode && !c.is_ascii())
                || c == '\u{feff}'
                || is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.put('\\');
                let code = c as u32;
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let (letter, width) = if code <= 0xFF {
                            ('x', 2)
                        } else if code <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (code >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i != 0 && i != last {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// `yaml_emitter_write_block_scalar_hints`.
    fn write_block_scalar_hints(&mut self, value: &str) {
        let mut chars = value.chars();
        if let Some(first) = value.chars().next() {
            if first == ' ' || is_break(first) {
                let hint = char::from_digit(self.best_indent as u32, 10).unwrap_or('2');
                self.write_indicator(&hint.to_string(), false, false, false);
            }
        }
        self.open_ended = 0;
        let chomp = match (chars.next_back(), chars.next_back()) {
            (None, _) => Some("-"),
            (Some(c), _) if !is_break(c) => Some("-"),
            (Some(_), None) => {
                self.open_ended = 2;
                Some("+")
            }
            (Some(_), Some(prev)) if is_break(prev) => {
                self.open_ended = 2;
                Some("+")
            }
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A template value from JSON (objects keep their order).
    fn value(json: serde_json::Value) -> Value {
        Value::from(minijinja::value::Serde(json))
    }

    fn nice(indent: usize, sort_keys: bool) -> DumpOptions {
        DumpOptions {
            indent,
            sort_keys,
            ..DumpOptions::to_nice_yaml()
        }
    }

    /// What Ansible wrote for a reference case (`tests/data/ansible/cases/NN-*`).
    fn ansible_expected(case: &str) -> String {
        let dir = format!("{}/tests/data/ansible/cases", env!("CARGO_MANIFEST_DIR"));
        let case_dir = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("{case}-")))
            })
            .unwrap();
        std::fs::read_to_string(case_dir.join("expected.out")).unwrap()
    }

    /// Jinja2's `indent(width)` filter (first line and blank lines not indented).
    fn jinja_indent(text: &str, width: usize) -> String {
        let text = format!("{text}\n");
        let mut lines = text.lines();
        let mut out = lines.next().unwrap_or_default().to_string();
        for line in lines {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&" ".repeat(width));
            }
            out.push_str(line);
        }
        out
    }

    #[track_caller]
    fn assert_section(expected: &str, section: &str) {
        assert!(
            expected.contains(section),
            "section not in Ansible's output:\n{section}\n--- Ansible's output:\n{expected}"
        );
    }

    #[test]
    fn ansible_case_03_special_character_secrets() {
        let secrets = value(json!({
            "colon_space": "user: admin",
            "hash": "pa#ss #word",
            "single_quote": "it's",
            "double_quote": "say \"hi\"",
            "braces": "{a} }b{ [x]",
            "backslash": "C:\\temp\\new\\\\x",
            "newline": "line1\nline2",
            "leading_space": "  lead and trail  ",
            "unicode": "pässwörd-日本-🔑",
            "jinja_unsafe": "{{ not_a_var }}{% raw %}",
            "yaml_bool_word": "yes",
            "everything": " a: b # c 'd' \"e\" {f} \\g\nh {{i}} é",
        }));
        let expected = ansible_expected("03");
        let nice_yaml = dump(&secrets, &nice(2, false)).unwrap();
        assert_section(
            &expected,
            &format!(
                "# --- via to_nice_yaml (indent=2) ---\nsecrets:\n  {}\n# --- via to_yaml ---\n",
                jinja_indent(&nice_yaml, 2)
            ),
        );
        let flow = dump(&secrets, &DumpOptions::to_yaml()).unwrap();
        assert_section(
            &expected,
            &format!("# --- via to_yaml ---\nsecrets_flow: {flow}\n# --- via to_json ---\n"),
        );
    }

    #[test]
    fn ansible_case_06_filters() {
        let base_labels = value(json!({
            "env": "prod",
            "tier": {"name": "backend", "critical": false},
        }));
        let expected = ansible_expected("06");
        let nice2 = dump(&base_labels, &nice(2, true)).unwrap();
        let nice4 = dump(&base_labels, &DumpOptions::to_nice_yaml()).unwrap();
        let flow = dump(&base_labels, &DumpOptions::to_yaml()).unwrap();
        assert_section(
            &expected,
            &format!(
                "# to_nice_yaml(indent=2)\n{nice2}\n# to_nice_yaml default indent (4)\n{nice4}\n\
                 # to_yaml\n{flow}\n# to_json\n"
            ),
        );
        let combined = value(json!({
            "env": "prod",
            "tier": {"name": "backend", "critical": true, "owner": "sre"},
            "region": "eu",
        }));
        let combined = dump(&combined, &nice(2, false)).unwrap();
        assert_section(
            &expected,
            &format!("# combine(recursive=True)\n{combined}\n# combine (shallow)\n"),
        );
    }

    #[test]
    fn ansible_case_01_scrape_configs() {
        let expected = ansible_expected("01");
        let global = value(json!({
            "scrape_interval": "15s",
            "scrape_timeout": "10s",
            "evaluation_interval": "15s",
        }));
        let labels = value(json!({"environment": "localhost"}));
        assert_section(
            &expected,
            &format!(
                "global:\n  {}\n  external_labels:\n    {}\n",
                jinja_indent(&dump(&global, &nice(2, false)).unwrap(), 2),
                jinja_indent(&dump(&labels, &nice(2, false)).unwrap(), 4),
            ),
        );
        let scrape_configs = value(json!([
            {
                "job_name": "prometheus",
                "metrics_path": "/metrics",
                "static_configs": [{"targets": ["localhost:9090"]}],
            },
            {
                "job_name": "node",
                "file_sd_configs": [{"files": ["/etc/prometheus/file_sd/node.yml"]}],
            },
            {
                "job_name": "secured-app",
                "scheme": "https",
                "basic_auth": {"username": "scraper", "password": "s3cr3t-Passw0rd"},
                "static_configs": [{
                    "targets": ["app1.example.com:8443", "app2.example.com:8443"],
                    "labels": {"team": "payments"},
                }],
            },
        ]));
        assert_section(
            &expected,
            &format!(
                "scrape_configs:\n  {}\n",
                jinja_indent(&dump(&scrape_configs, &nice(2, false)).unwrap(), 2)
            ),
        );
    }

    #[test]
    fn ansible_case_02_api_keys() {
        let expected = ansible_expected("02");
        let remote_write = value(json!([{
            "url": "https://metrics.example.net/api/v1/write",
            "authorization": {
                "type": "apiKey",
                "credentials": "Zm9vYmFy.eyJzdWIiOiJwcm9tIn0-abc_123",
            },
        }]));
        assert_section(
            &expected,
            &format!(
                "remote_write:\n  {}\n",
                jinja_indent(&dump(&remote_write, &nice(2, false)).unwrap(), 2)
            ),
        );
        let scrape_configs = value(json!([
            {
                "job_name": "web-service",
                "scheme": "https",
                "authorization": {
                    "type": "apiKey",
                    "credentials": "Zm9vYmFy.eyJzdWIiOiJwcm9tIn0-abc_123",
                },
                "static_configs": [{"targets": ["web.example.com:443"]}],
            },
            {
                "job_name": "legacy",
                "authorization": {"type": "apiKey", "credentials": "0123456789"},
                "static_configs": [{"targets": ["legacy.example.com:9100"]}],
            },
        ]));
        assert_section(
            &expected,
            &format!(
                "scrape_configs:\n  {}\n",
                jinja_indent(&dump(&scrape_configs, &nice(2, false)).unwrap(), 2)
            ),
        );
    }

    #[test]
    fn scalars_and_document_ends() {
        let to_yaml = DumpOptions::to_yaml();
        let cases: &[(Value, &str)] = &[
            (Value::from("abc"), "abc\n"),
            (Value::from(""), "''\n"),
            (Value::from("yes"), "'yes'\n"),
            (Value::from("0777"), "'0777'\n"),
            (Value::from("0123456789"), "0123456789\n"),
            (Value::from("<<"), "'<<'\n"),
            (
                Value::from("2001-12-14 21:59:43 junk"),
                "2001-12-14 21:59:43 junk\n",
            ),
            (Value::from("a\nb"), "'a\n\n  b'\n"),
            (Value::from("tab\there"), "\"tab\\there\"\n"),
            (Value::from("key 🔑"), "\"key \\U0001F511\"\n"),
            (Value::from(()), "null\n"),
            (Value::from(true), "true\n"),
            (Value::from(-42), "-42\n"),
            (Value::from(u64::MAX), "18446744073709551615\n"),
            (
                Value::from(i128::MIN),
                "-170141183460469231731687303715884105728\n",
            ),
            (Value::from(1.0), "1.0\n"),
            (Value::from(1e17), "1.0e+17\n"),
            (Value::from(1.5e-5), "1.5e-05\n"),
            (Value::from(-0.0), "-0.0\n"),
            (Value::from(f64::INFINITY), ".inf\n"),
            (Value::from(f64::NAN), ".nan\n"),
            (Value::from(Vec::<Value>::new()), "[]\n"),
            (value(json!({})), "{}\n"),
            (Value::from_bytes(b"hi".to_vec()), "!!binary |\n  aGk=\n"),
        ];
        for (v, want) in cases {
            assert_eq!(&dump(v, &to_yaml).unwrap(), want, "{v:?}");
        }
        let explicit = DumpOptions {
            explicit_start: true,
            explicit_end: true,
            ..DumpOptions::to_nice_yaml()
        };
        assert_eq!(
            dump(&Value::from("abc"), &explicit).unwrap(),
            "--- abc\n...\n"
        );
        assert_eq!(
            dump(&value(json!({"a": [1]})), &explicit).unwrap(),
            "---\na:\n- 1\n...\n"
        );
    }

    #[test]
    fn layout() {
        let data = value(json!({"b": [1, {"c": "d"}], "a": {"x": [], "y": [1, 2]}}));
        assert_eq!(
            dump(&data, &DumpOptions::to_yaml()).unwrap(),
            "a:\n  x: []\n  y: [1, 2]\nb:\n- 1\n- {c: d}\n"
        );
        assert_eq!(
            dump(&data, &DumpOptions::to_nice_yaml()).unwrap(),
            "a:\n    x: []\n    y:\n    - 1\n    - 2\nb:\n- 1\n-   c: d\n"
        );
        let flow = DumpOptions {
            flow_style: FlowStyle::Flow,
            sort_keys: false,
            ..DumpOptions::to_yaml()
        };
        assert_eq!(
            dump(&data, &flow).unwrap(),
            "{b: [1, {c: d}], a: {x: [], y: [1, 2]}}\n"
        );
        // long keys and multi-line keys are complex keys
        let long_key = "k".repeat(129);
        let data = Value::from_pairs([(long_key.as_str(), 1), ("a\nb", 2)]);
        assert_eq!(
            dump(&data, &nice(2, false)).unwrap(),
            format!("? {long_key}\n: 1\n? 'a\n\n  b'\n: 2\n")
        );
        // keys of mixed types are not sorted (Python's sort raises TypeError)
        let data = Value::from_pairs([(Value::from("b"), 1), (Value::from(1), 2)]);
        assert_eq!(dump(&data, &nice(2, true)).unwrap(), "b: 1\n1: 2\n");
        let data = Value::from_pairs([(Value::from(2), 1), (Value::from(1.5), 2)]);
        assert_eq!(dump(&data, &nice(2, true)).unwrap(), "1.5: 2\n2: 1\n");
    }

    #[test]
    fn line_folding_at_the_width() {
        let words = "word ".repeat(20);
        let text = words.trim_end();
        let data = value(json!({
            "plain": text,
            "single": format!("{text}:"),
            "double": format!("\t{text}"),
        }));
        assert_eq!(
            dump(&data, &nice(2, false)).unwrap(),
            format!(
                "plain: {a}\n  {b}\nsingle: '{a}\n  {b}:'\ndouble: \"\\t{a}\n  {b}\"\n",
                a = "word ".repeat(15).trim_end(),
                b = "word ".repeat(5).trim_end(),
            )
        );
    }

    #[test]
    fn unrepresentable_values_are_errors() {
        // an undefined value is Ansible's strict undefined: an undefined-variable error
        let err = dump(&Value::UNDEFINED, &DumpOptions::to_yaml()).unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError, "{err}");
        let nested = Value::from_pairs([("ok", Value::from(1)), ("omit", Value::UNDEFINED)]);
        assert!(dump(&nested, &DumpOptions::to_nice_yaml()).is_err());
        #[derive(Debug)]
        struct Omit;
        impl minijinja::value::Object for Omit {
            fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
                minijinja::value::ObjectRepr::Plain
            }
        }
        let nested = Value::from(vec![Value::from(1), Value::from_object(Omit)]);
        let err = dump(&nested, &DumpOptions::to_nice_yaml()).unwrap_err();
        assert!(
            err.to_string().contains("cannot represent an object"),
            "{err}"
        );
    }

    /// Rebuilds a Python value from the vector encoding (see `generate.py`).
    fn from_vector(v: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::from(()),
            J::Bool(b) => Value::from(*b),
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::from(i)
                } else if let Some(u) = n.as_u64() {
                    Value::from(u)
                } else {
                    panic!("float {n} not encoded as $float")
                }
            }
            J::String(s) => Value::from(s.as_str()),
            J::Array(items) => Value::from(items.iter().map(from_vector).collect::<Vec<_>>()),
            J::Object(map) => {
                let (tag, inner) = map.iter().next().expect("tagged object");
                match tag.as_str() {
                    "$int" => Value::from(inner.as_str().unwrap().parse::<i128>().unwrap()),
                    "$float" => {
                        let text = inner.as_str().unwrap();
                        Value::from(text.parse::<f64>().unwrap())
                    }
                    "$bytes" => {
                        let hex = inner.as_str().unwrap();
                        let bytes = (0..hex.len())
                            .step_by(2)
                            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                            .collect();
                        Value::from_bytes(bytes)
                    }
                    "$map" => Value::from_pairs(inner.as_array().unwrap().iter().map(|pair| {
                        let pair = pair.as_array().unwrap();
                        (from_vector(&pair[0]), from_vector(&pair[1]))
                    })),
                    other => panic!("unknown tag {other}"),
                }
            }
        }
    }

    fn options_from_vector(v: &serde_json::Value) -> DumpOptions {
        let flow_style = match v.get("default_flow_style") {
            Some(serde_json::Value::Bool(false)) => FlowStyle::Block,
            Some(serde_json::Value::Bool(true)) => FlowStyle::Flow,
            _ => FlowStyle::Auto,
        };
        let flag =
            |name: &str, default: bool| v.get(name).and_then(|b| b.as_bool()).unwrap_or(default);
        let number = |name: &str, default: usize| {
            v.get(name)
                .and_then(serde_json::Value::as_u64)
                .map_or(default, |n| n as usize)
        };
        DumpOptions {
            indent: number("indent", 2),
            width: number("width", 80),
            flow_style,
            sort_keys: flag("sort_keys", true),
            allow_unicode: true,
            explicit_start: flag("explicit_start", false),
            explicit_end: flag("explicit_end", false),
        }
    }

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/pyyaml/vectors.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn first_difference(want: &str, got: &str) -> String {
        for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
            if w != g {
                return format!("line {}:\n  want {w:?}\n  got  {g:?}", i + 1);
            }
        }
        format!(
            "line counts differ: want {} got {}",
            want.lines().count(),
            got.lines().count()
        )
    }

    #[test]
    fn pyyaml_vectors() {
        let data = vectors();
        let options = data["options"].as_object().unwrap();
        let cases = data["cases"].as_array().unwrap();
        let mut failures = Vec::new();
        let mut passed = 0;
        for (i, case) in cases.iter().enumerate() {
            let value = from_vector(&case["input"]);
            for (name, opts) in options {
                let want = case["expected"][name].as_str().unwrap();
                let got = dump(&value, &options_from_vector(opts)).unwrap();
                if got == want {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "case {i} [{name}] input {}\n{}\n--- want\n{want}--- got\n{got}",
                        case["input"],
                        first_difference(want, &got)
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} dumps differ; first:\n{}",
            failures.len(),
            passed + failures.len(),
            failures.join("\n=====\n")
        );
    }

    #[test]
    fn floats_as_pyyaml_represents_them() {
        let data = vectors();
        let mut failures = Vec::new();
        for pair in data["floats"].as_array().unwrap() {
            let text = pair[0].as_str().unwrap();
            let want = pair[1].as_str().unwrap();
            let got = represent_float(text.parse().unwrap());
            if got != want {
                failures.push(format!("{text}: want {want} got {got}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn resolver_agrees_with_pyyaml() {
        let data = vectors();
        for pair in data["resolver"].as_array().unwrap() {
            let text = pair[0].as_str().unwrap();
            let want = pair[1].as_str().unwrap();
            let got = format!("{:?}", implicit_tag(text)).to_lowercase();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
