//! What Python does, where Ansible's output depends on it: `str()` and `repr()` of values,
//! `json.dumps`, `random.Random` seeded with a string or number (for `shuffle(seed=...)` and
//! `random(seed=...)`), and passlib's bcrypt (salt normalisation included).
//!
//! Values are minijinja values; maps keep their insertion order. Everything here follows
//! CPython 3.11 (Unicode 14.0 for `str.isprintable`) and passlib 1.7.4 with the `bcrypt` 4.0
//! backend; `tests/data/python/generate.py` produces the vectors the tests compare against.

use std::cmp::Ordering;
use std::fmt::Write as _;

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};
use sha2::{Digest, Sha512};

// ------------------------------------------------------------------------------ str / repr

thread_local! {
    /// Set while rendering a template: tuples print as lists, as in Ansible 2.19.
    static TUPLES_AS_LISTS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Prints tuples as lists in `py_str`/`py_repr` on this thread while `f` runs.
pub fn with_tuples_as_lists<T>(f: impl FnOnce() -> T) -> T {
    let before = TUPLES_AS_LISTS.with(|c| c.replace(true));
    let result = f();
    TUPLES_AS_LISTS.with(|c| c.set(before));
    result
}

/// Python's `str(value)`: strings as they are, `True`/`False`/`None`, floats as `repr`,
/// containers as their `repr`; undefined is the empty string (Jinja's `Undefined.__str__`).
#[must_use]
pub fn py_str(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined => String::new(),
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        _ => py_repr(value),
    }
}

/// Python's `repr(value)`: `'it\'s'` quoting rules, `[1, 'two', None, False]`, `{'k': 'v'}`,
/// tuples as `(1,)`, bytes as `b'...'`. Lazy iterables are shown as the list they yield; other
/// objects by minijinja's own rendering.
#[must_use]
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &Value) {
    match value.kind() {
        ValueKind::Undefined => out.push_str("Undefined"),
        ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if value.is_true() { "True" } else { "False" }),
        ValueKind::Number => match number(value) {
            Some(Num::Int(i)) => {
                let _ = write!(out, "{i}");
            }
            Some(Num::UInt(u)) => {
                let _ = write!(out, "{u}");
            }
            Some(Num::Float(f)) => out.push_str(&float_repr(f)),
            None => out.push_str(&value.to_string()),
        },
        ValueKind::String => str_repr(out, value.as_str().unwrap_or_default()),
        ValueKind::Bytes => bytes_repr(out, value.as_bytes().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Iterable => {
            // Ansible 2.19 hands templates lists where Python had tuples (`dictsort`,
            // `.items()`), so they print as lists; `repr` of a real tuple stays Python's.
            let tuple = value.is_tuple() && !TUPLES_AS_LISTS.with(std::cell::Cell::get);
            out.push(if tuple { '(' } else { '[' });
            let mut count = 0;
            if let Ok(iter) = value.try_iter() {
                for (i, item) in iter.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &item);
                    count += 1;
                }
            }
            if tuple && count == 1 {
                out.push(',');
            }
            out.push(if tuple { ')' } else { ']' });
        }
        ValueKind::Map => {
            out.push('{');
            for (i, (k, v)) in map_items(value).iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k);
                out.push_str(": ");
                write_repr(out, v);
            }
            out.push('}');
        }
        _ => out.push_str(&value.to_string()),
    }
}

/// `repr(str)`: CPython's `unicode_repr`.
fn str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x7f || is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
}

/// `repr(bytes)`.
fn bytes_repr(out: &mut String, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            c if !(0x20..0x7f).contains(&c) => {
                let _ = write!(out, "\\x{c:02x}");
            }
            c => out.push(char::from(c)),
        }
    }
    out.push(char::from(quote));
}

/// Python's `str.isprintable()` for one character (Unicode 14.0, as CPython 3.11): not in the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs, except the space.
#[must_use]
pub fn is_printable(c: char) -> bool {
    let cp = c as u32;
    // PRINTABLE holds sorted inclusive (start, end) pairs, flattened.
    let ranges = PRINTABLE.len() / 2;
    let (mut lo, mut hi) = (0usize, ranges);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if PRINTABLE[2 * mid + 1] < cp {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo < ranges && PRINTABLE[2 * lo] <= cp
}

/// A minijinja number as Python sees it.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    UInt(u128),
    Float(f64),
}

fn number(value: &Value) -> Option<Num> {
    if value.kind() == ValueKind::Bool {
        return Some(Num::Int(i128::from(value.is_true())));
    }
    if value.is_integer() {
        if let Ok(i) = i128::try_from(value.clone()) {
            return Some(Num::Int(i));
        }
        return u128::try_from(value.clone()).ok().map(Num::UInt);
    }
    if value.is_number() {
        return f64::try_from(value.clone()).ok().map(Num::Float);
    }
    None
}

/// The items of a map value, in its order.
fn map_items(value: &Value) -> Vec<(Value, Value)> {
    if let Some(items) = value.as_object().and_then(|o| o.try_iter_pairs()) {
        return items.collect();
    }
    match value.try_iter() {
        Ok(keys) => keys
            .map(|k| {
                let v = value.get_item(&k).unwrap_or_default();
                (k, v)
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

// ------------------------------------------------------------------------------ float repr

/// Python's `repr(float)`: the shortest text that reads back as the same float, with `.0` for
/// whole numbers, exponent form (`1e+16`, `1e-05`) where Python uses it, `inf`, `nan`.
#[must_use]
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as Python's `repr` (David Gay's
    // mode 0) does, but breaks a tie between two equally near candidates upwards where Python
    // picks the even one (229141625407959.125 -> ...59.12). Rust's fixed-precision formatting
    // rounds exactly, half to even: with the same number of digits that is Python's choice
    // whenever it reads back as the same float.
    let shortest = format!("{f:e}");
    let ndigits = shortest
        .split('e')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let even = format!("{:.*e}", ndigits.saturating_sub(1), f);
    let sci = if even.parse::<f64>().ok() == Some(f) {
        even
    } else {
        shortest
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let ndigits = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    // value = 0.DIGITS * 10**decpt
    let decpt = exp + 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        let _ = write!(out, "e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..-decpt {
            out.push('0');
        }
        out.push_str(&digits);
    } else if decpt >= ndigits {
        out.push_str(&digits);
        for _ in 0..decpt - ndigits {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        let split = usize::try_from(decpt).unwrap_or(0);
        out.push_str(&digits[..split]);
        out.push('.');
        out.push_str(&digits[split..]);
    }
    out
}

// ------------------------------------------------------------------------------ json.dumps

/// The keyword arguments of `json.dumps` that Ansible's `to_json` / `to_nice_json` pass.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    /// `None`: one line with `", "` and `": "` separators; `Some(n)`: n spaces per level with
    /// `","` and `": "`.
    pub indent: Option<usize>,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
    /// `separators=(item, key)`; `None`: Python's defaults for the indent.
    pub separators: Option<(String, String)>,
    /// Keys become their JSON strings before `sort_keys` sorts them, as Ansible's encoder
    /// (`to_json`, `to_nice_json`) does: `1` and `"a"` sort as "1" and "a", where Python's own
    /// json (Jinja's `tojson`) cannot order them.
    pub keys_as_strings: bool,
}

/// `json.dumps(value, ...)` byte for byte.
///
/// Maps, sequences (tuples and lazy iterables too, as lists), strings, numbers, booleans and
/// none; dict keys that are numbers, booleans or none become strings as Python converts them.
///
/// # Errors
/// A value JSON cannot represent (undefined, bytes, Ansible's `omit` or any other object), a
/// key that is not a string, number, boolean or none, or, with `sort_keys`, keys Python cannot
/// order (`str` and `int` keys mixed).
pub fn json_dumps(value: &Value, options: &JsonOptions) -> Result<String, Error> {
    let mut out = String::new();
    let indent = options.indent.map(|n| " ".repeat(n));
    JsonEncoder {
        options,
        indent: indent.as_deref(),
    }
    .encode(&mut out, value, 0)?;
    Ok(out)
}

struct JsonEncoder<'a> {
    options: &'a JsonOptions,
    indent: Option<&'a str>,
}

fn type_error(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

/// The Python type name a value would have (`type(value).__name__`).
#[must_use]
/// The value as a Python int, where Python takes it as one: an integer, or a bool (`True`
/// is 1). `None` for anything else.
pub fn py_int(value: &Value) -> Option<i128> {
    if value.kind() == ValueKind::Bool {
        Some(i128::from(value.is_true()))
    } else if value.is_integer() {
        i128::try_from(value.clone()).ok()
    } else {
        None
    }
}

pub fn py_type_name(value: &Value) -> &'static str {
    match value.kind() {
        ValueKind::Undefined => "Undefined",
        ValueKind::None => "NoneType",
        ValueKind::Bool => "bool",
        ValueKind::Number if value.is_integer() => "int",
        ValueKind::Number => "float",
        ValueKind::String => "str",
        ValueKind::Bytes => "bytes",
        ValueKind::Seq if value.is_tuple() => "tuple",
        ValueKind::Seq => "list",
        ValueKind::Map => "dict",
        ValueKind::Iterable => "generator",
        _ => "object",
    }
}

fn json_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        float_repr(f)
    }
}

impl JsonEncoder<'_> {
    fn newline(&self, out: &mut String, level: usize) {
        if let Some(indent) = self.indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(indent);
            }
        }
    }

    fn item_separator(&self) -> &str {
        match &self.options.separators {
            Some((item, _)) => item,
            None if self.indent.is_some() => ",",
            None => ", ",
        }
    }

    fn key_separator(&self) -> &str {
        self.options
            .separators
            .as_ref()
            .map_or(": ", |(_, key)| key.as_str())
    }

    fn encode(&self, out: &mut String, value: &Value, level: usize) -> Result<(), Error> {
        if value.is_undefined() {
            // Ansible's strict undefined raises when serialised: the template names a
            // variable that does not exist
            return Err(Error::new(
                ErrorKind::UndefinedError,
                "an undefined value cannot be serialised",
            ));
        }
        match value.kind() {
            ValueKind::None => out.push_str("null"),
            ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
            ValueKind::Number => match number(value) {
                Some(Num::Int(i)) => {
                    let _ = write!(out, "{i}");
                }
                Some(Num::UInt(u)) => {
                    let _ = write!(out, "{u}");
                }
                Some(Num::Float(f)) => out.push_str(&json_float(f)),
                None => {
                    return Err(type_error(format!("cannot serialize number {value}")));
                }
            },
            ValueKind::String => {
                json_string(
                    out,
                    value.as_str().unwrap_or_default(),
                    self.options.ensure_ascii,
                );
            }
            ValueKind::Seq | ValueKind::Iterable => {
                let items: Vec<Value> = value.try_iter()?.collect();
                if items.is_empty() {
                    out.push_str("[]");
                    return Ok(());
                }
                out.push('[');
                self.newline(out, level + 1);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(self.item_separator());
                        self.newline(out, level + 1);
                    }
                    self.encode(out, item, level + 1)?;
                }
                self.newline(out, level);
                out.push(']');
            }
            ValueKind::Map => {
                let mut items = map_items(value);
                if items.is_empty() {
                    out.push_str("{}");
                    return Ok(());
                }
                if self.options.sort_keys && !self.options.keys_as_strings {
                    sort_items(&mut items)?;
                }
                // each key as the JSON string it becomes, once
                let mut items = items
                    .into_iter()
                    .map(|(k, v)| Ok((json_key(&k)?, v)))
                    .collect::<Result<Vec<(String, Value)>, Error>>()?;
                if self.options.sort_keys && self.options.keys_as_strings {
                    items.sort_by(|(a, _), (b, _)| a.cmp(b));
                }
                out.push('{');
                self.newline(out, level + 1);
                for (i, (key, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(self.item_separator());
                        self.newline(out, level + 1);
                    }
                    json_string(out, key, self.options.ensure_ascii);
                    out.push_str(self.key_separator());
                    self.encode(out, v, level + 1)?;
                }
                self.newline(out, level);
                out.push('}');
            }
            _ => {
                return Err(type_error(format!(
                    "Object of type {} is not JSON serializable",
                    py_type_name(value)
                )));
            }
        }
        Ok(())
    }
}

/// A dict key as `json.dumps` turns it into a string.
fn json_key(key: &Value) -> Result<String, Error> {
    match key.kind() {
        ValueKind::String => Ok(key.as_str().unwrap_or_default().to_string()),
        ValueKind::Bool => Ok(if key.is_true() { "true" } else { "false" }.to_string()),
        ValueKind::None => Ok("null".to_string()),
        ValueKind::Number => match number(key) {
            Some(Num::Int(i)) => Ok(i.to_string()),
            Some(Num::UInt(u)) => Ok(u.to_string()),
            Some(Num::Float(f)) => Ok(json_float(f)),
            None => Err(type_error(format!("cannot serialize key {key}"))),
        },
        _ => Err(type_error(format!(
            "keys must be str, int, float, bool or None, not {}",
            py_type_name(key)
        ))),
    }
}

/// `sorted(dct.items())`: keys compared as Python compares them (before conversion to
/// strings), so `str` and number keys cannot be mixed, and a `None` key cannot be compared.
fn sort_items(items: &mut [(Value, Value)]) -> Result<(), Error> {
    if items.len() < 2 {
        return Ok(());
    }
    let class = |v: &Value| match v.kind() {
        ValueKind::String => Some(0),
        ValueKind::Bool | ValueKind::Number => Some(1),
        _ => None,
    };
    let first = &items[0].0;
    if let Some((k, _)) = items
        .iter()
        .find(|(k, _)| class(k).is_none() || class(k) != class(first))
    {
        // Which pair Python's sort trips over depends on the order; name the first one found.
        return Err(type_error(format!(
            "'<' not supported between instances of '{}' and '{}'",
            py_type_name(k),
            py_type_name(first)
        )));
    }
    items.sort_by(|(a, _), (b, _)| py_key_cmp(a, b));
    Ok(())
}

fn py_key_cmp(a: &Value, b: &Value) -> Ordering {
    if let (Some(a), Some(b)) = (a.as_str(), b.as_str()) {
        return a.cmp(b);
    }
    match (number(a), number(b)) {
        (Some(a), Some(b)) => num_cmp(a, b),
        _ => Ordering::Equal,
    }
}

/// Exact comparison of Python numbers (NaN sorts last, so the order stays total).
fn num_cmp(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(a), Num::Int(b)) => a.cmp(&b),
        (Num::UInt(a), Num::UInt(b)) => a.cmp(&b),
        (Num::Int(_), Num::UInt(_)) => Ordering::Less,
        (Num::UInt(_), Num::Int(_)) => Ordering::Greater,
        (Num::Float(a), Num::Float(b)) => a.total_cmp(&b),
        (Num::Float(f), n) => num_cmp(n, Num::Float(f)).reverse(),
        (Num::Int(i), Num::Float(f)) => int_float_cmp(i, f),
        (Num::UInt(_), Num::Float(f)) => {
            // u128 values above i128::MAX
            if f.is_nan() || f >= 1.7e38 {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn int_float_cmp(i: i128, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Less;
    }
    if f >= 1.7e38 {
        return Ordering::Less;
    }
    if f <= -1.7e38 {
        return Ordering::Greater;
    }
    let fl = f.floor();
    let whole = fl as i128;
    match i.cmp(&whole) {
        Ordering::Equal if f > fl => Ordering::Less,
        other => other,
    }
}

/// A JSON string literal as Python's encoder writes it.
fn json_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if !ensure_ascii || (c as u32) < 0x7f => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

// ------------------------------------------------------------------------------ random.Random

/// Python's `random.Random`, seeded as Python seeds it.
pub struct PyRandom {
    mt: rand_mt::Mt,
}

impl PyRandom {
    /// `random.Random(seed)` for a str, int or float seed (str: version 2 seeding, i.e.
    /// SHA-512 appended; int: the absolute value's 32-bit words; None is not supported).
    ///
    /// A seed Python refuses (none, NaN, containers) is seeded as its `str()` instead; use
    /// [`PyRandom::try_new`] to get the refusal.
    #[must_use]
    pub fn new(seed: &Value) -> PyRandom {
        PyRandom::try_new(seed).unwrap_or_else(|_| PyRandom::from_str_seed(&py_str(seed)))
    }

    /// `random.Random(seed)`, refusing what Python would not seed deterministically.
    ///
    /// # Errors
    /// None (Python seeds from the OS), a NaN float (Python hashes the object's address), or a
    /// type other than str, bytes, bool, int and float.
    pub fn try_new(seed: &Value) -> Result<PyRandom, String> {
        match seed.kind() {
            ValueKind::String => Ok(PyRandom::from_str_seed(seed.as_str().unwrap_or_default())),
            ValueKind::Bytes => Ok(PyRandom::from_bytes_seed(
                seed.as_bytes().unwrap_or_default(),
            )),
            ValueKind::Bool | ValueKind::Number => match number(seed) {
                Some(Num::Int(i)) => Ok(PyRandom::from_int_seed(i.unsigned_abs())),
                Some(Num::UInt(u)) => Ok(PyRandom::from_int_seed(u)),
                Some(Num::Float(f)) => match py_hash_float(f) {
                    // (size_t)hash: a negative hash wraps around.
                    #[allow(clippy::cast_sign_loss)]
                    Some(h) => Ok(PyRandom::from_int_seed(u128::from(h as u64))),
                    None => Err("a NaN seed is not deterministic in Python".to_string()),
                },
                None => Err(format!("unsupported seed {seed}")),
            },
            ValueKind::None | ValueKind::Undefined => {
                Err("random.Random(None) seeds from the operating system".to_string())
            }
            _ => Err(format!(
                "The only supported seed types are: None, int, float, str, bytes, and \
                 bytearray (not {})",
                py_type_name(seed)
            )),
        }
    }

    /// `random.Random(s)` for a str `s` (version 2: `int.from_bytes(s + sha512(s), 'big')`).
    #[must_use]
    pub fn from_str_seed(seed: &str) -> PyRandom {
        PyRandom::from_bytes_seed(seed.as_bytes())
    }

    /// `random.Random(b)` for bytes `b`.
    #[must_use]
    pub fn from_bytes_seed(seed: &[u8]) -> PyRandom {
        let mut bytes = seed.to_vec();
        bytes.extend_from_slice(&Sha512::digest(seed));
        // Big-endian number -> 32-bit words, least significant first.
        let words = bytes
            .rchunks(4)
            .map(|chunk| chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
            .collect();
        PyRandom::from_words(words)
    }

    /// `random.Random(n)` for a non-negative int `n`.
    #[must_use]
    pub fn from_int_seed(seed: u128) -> PyRandom {
        #[allow(clippy::cast_possible_truncation)]
        let words = (0..4).map(|i| (seed >> (32 * i)) as u32).collect();
        PyRandom::from_words(words)
    }

    fn from_words(mut words: Vec<u32>) -> PyRandom {
        while words.len() > 1 && words.last() == Some(&0) {
            words.pop();
        }
        if words.is_empty() {
            words.push(0);
        }
        PyRandom {
            mt: rand_mt::Mt::new_with_key(words.iter().copied()),
        }
    }

    /// `Random.getrandbits(k)` for k up to 128.
    ///
    /// # Panics
    /// If k is above 128.
    pub fn getrandbits(&mut self, k: u32) -> u128 {
        assert!(k <= 128, "getrandbits supports at most 128 bits here");
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u128::from(self.mt.next_u32() >> (32 - k));
        }
        let mut result = 0u128;
        let mut left = k;
        let mut shift = 0;
        while left > 0 {
            let mut r = self.mt.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            result |= u128::from(r) << shift;
            shift += 32;
            left = left.saturating_sub(32);
        }
        result
    }

    fn randbelow_u128(&mut self, n: u128) -> u128 {
        if n == 0 {
            return 0;
        }
        let k = 128 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// `Random.shuffle(x)` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.randbelow(i as u64 + 1);
            items.swap(i, usize::try_from(j).unwrap_or(0));
        }
    }

    /// `Random._randbelow(n)` (getrandbits with rejection), n > 0 (0 gives 0).
    pub fn randbelow(&mut self, n: u64) -> u64 {
        u64::try_from(self.randbelow_u128(u128::from(n))).unwrap_or(0)
    }

    /// `Random.randrange(start, stop, step)`; `None` where Python raises ValueError (empty
    /// range, zero step).
    pub fn randrange(&mut self, start: i64, stop: i64, step: i64) -> Option<i64> {
        let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
        let width = stop - start;
        let n = if step == 1 {
            width
        } else if step > 0 {
            py_floordiv(width + step - 1, step)
        } else if step < 0 {
            py_floordiv(width + step + 1, step)
        } else {
            return None;
        };
        if n <= 0 {
            return None;
        }
        let r = self.randbelow_u128(n.unsigned_abs());
        let r = i128::try_from(r).ok()?;
        i64::try_from(start + step * r).ok()
    }

    /// `Random.random()`.
    pub fn random(&mut self) -> f64 {
        let a = self.mt.next_u32() >> 5;
        let b = self.mt.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `Random.choice(seq)` as the index chosen; `None` for an empty sequence.
    pub fn choice_index(&mut self, len: usize) -> Option<usize> {
        if len == 0 {
            return None;
        }
        usize::try_from(self.randbelow(len as u64)).ok()
    }

    /// `Random.choice(seq)`; `None` for an empty sequence (Python raises IndexError).
    pub fn choice<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        self.choice_index(items.len()).map(|i| &items[i])
    }
}

/// Python's floor division `a // b`.
fn py_floordiv(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// `frexp(v)`: `v = m * 2**e` with `0.5 <= |m| < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(v * 18_014_398_509_481_984.0); // 2**54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff_u64 << 52)) | (1022_u64 << 52));
    (m, exp - 1022)
}

/// CPython's `hash(float)` (`_Py_HashDouble`); `None` for NaN (hashed by identity).
fn py_hash_float(v: f64) -> Option<i64> {
    const BITS: u32 = 61;
    const MODULUS: u64 = (1 << BITS) - 1;
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { 314_159 } else { -314_159 });
    }
    let (mut m, mut e) = frexp(v);
    let mut sign = 1i64;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268_435_456.0; // 2**28
        e -= 28;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let y = m as u64;
        #[allow(clippy::cast_precision_loss)]
        {
            m -= y as f64;
        }
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e.unsigned_abs() % BITS
    } else {
        BITS - 1 - ((-1 - e).unsigned_abs() % BITS)
    };
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    #[allow(clippy::cast_possible_wrap)]
    let mut h = (x as i64) * sign;
    if h == -1 {
        h = -2;
    }
    Some(h)
}

// ------------------------------------------------------------------------------ passlib bcrypt

/// bcrypt's base64 alphabet (passlib's `bcrypt64`).
const BCRYPT64: &[u8; 64] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// passlib's `bcrypt.hash(secret, salt=salt, rounds=rounds, ident=ident)` as Ansible's
/// `password_hash('bcrypt', salt, rounds=N)` calls it: a 22-character bcrypt-base64 salt whose
/// last character passlib normalises (only `.Oeu` carry no padding bits), ident `2b` by default.
///
/// `ident` is `2a`, `2b` or `2y` (also spelled `$2b$`). Secrets longer than 72 bytes are
/// truncated as bcrypt does; the hash is `$2b$NN$` + the 22-character salt + 31 characters.
///
/// # Errors
/// A salt that is not 22 characters of `./A-Za-z0-9`, rounds outside 4..=31, another ident, or
/// a secret holding a NUL byte or longer than 4096 bytes (passlib refuses both).
pub fn passlib_bcrypt(
    secret: &[u8],
    salt: &str,
    rounds: u32,
    ident: &str,
) -> Result<String, String> {
    let version = match ident.trim_matches('$') {
        "2a" => bcrypt::Version::TwoA,
        "2b" => bcrypt::Version::TwoB,
        "2y" => bcrypt::Version::TwoY,
        _ => {
            return Err(format!(
                "bcrypt: invalid ident {ident:?} (passlib supports 2a, 2b and 2y)"
            ))
        }
    };
    if rounds < 4 {
        return Err(format!(
            "bcrypt: rounds ({rounds}) is too low, must be at least 4"
        ));
    }
    if rounds > 31 {
        return Err(format!(
            "bcrypt: rounds ({rounds}) is too large, cannot be more than 31"
        ));
    }
    let raw_salt = bcrypt_salt(salt)?;
    if secret.contains(&0) {
        return Err("bcrypt does not allow NUL bytes in the password".to_string());
    }
    if secret.len() > 4096 {
        return Err("password exceeds the maximum size of 4096 bytes".to_string());
    }
    // The same password, salt and cost give the same hash: each is computed once per
    // process (hosts that share a password, also rendering at the same time, and the render
    // that checks provenance, ask again). Remembered by a digest of what went in, so no copy
    // of the password is kept.
    type Once = std::sync::Arc<std::sync::OnceLock<Result<String, String>>>;
    static HASHES: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<[u8; 64], Once>>,
    > = std::sync::OnceLock::new();
    let key: [u8; 64] = Sha512::new()
        .chain_update(rounds.to_le_bytes())
        .chain_update(ident.trim_matches('$').as_bytes())
        .chain_update(raw_salt)
        .chain_update(secret)
        .finalize()
        .into();
    let once: Once = HASHES
        .get_or_init(Default::default)
        .lock()
        .map(|mut hashes| hashes.entry(key).or_default().clone())
        .unwrap_or_default();
    // a second asker waits for the first one's hash
    once.get_or_init(|| {
        bcrypt::hash_with_salt(secret, rounds, raw_salt)
            .map(|parts| parts.format_for_version(version))
            .map_err(|e| e.to_string())
    })
    .clone()
}

/// The 16 bytes a 22-character bcrypt salt stands for (the last character's low 4 bits are
/// padding, which passlib's `repair_unused` clears: that is why `...0123` hashes as `...012u`).
fn bcrypt_salt(salt: &str) -> Result<[u8; 16], String> {
    let mut sextets = Vec::with_capacity(22);
    for c in salt.chars() {
        let index = u8::try_from(c)
            .ok()
            .and_then(|b| BCRYPT64.iter().position(|&x| x == b))
            .ok_or_else(|| {
                format!("invalid characters in bcrypt salt {salt:?} (allowed: ./A-Za-z0-9)")
            })?;
        sextets.push(u32::try_from(index).unwrap_or(0));
    }
    match sextets.len() {
        22 => {}
        n if n < 22 => {
            return Err(format!(
                "bcrypt salt {salt:?} too small ({n} characters; bcrypt requires exactly 22)"
            ))
        }
        n => {
            return Err(format!(
                "bcrypt salt {salt:?} too large ({n} characters; bcrypt requires exactly 22)"
            ))
        }
    }
    let mut raw = [0u8; 16];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut i = 0;
    for s in sextets {
        acc = (acc << 6) | s;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if i < 16 {
                #[allow(clippy::cast_possible_truncation)]
                {
                    raw[i] = (acc >> bits) as u8;
                }
                i += 1;
            }
            acc &= (1 << bits) - 1;
        }
    }
    Ok(raw)
}

/// Printable code points (CPython 3.11, Unicode 14.0): sorted inclusive ranges, flattened
/// as start, end pairs. Generated with `chr(cp).isprintable()` over all code points.
#[rustfmt::skip]
const PRINTABLE: [u32; 1400] = [
    0x20, 0x7e, 0xa1, 0xac, 0xae, 0x377, 0x37a, 0x37f, 0x384, 0x38a, 0x38c, 0x38c, 0x38e, 0x3a1,
    0x3a3, 0x52f, 0x531, 0x556, 0x559, 0x58a, 0x58d, 0x58f, 0x591, 0x5c7, 0x5d0, 0x5ea, 0x5ef,
    0x5f4, 0x606, 0x61b, 0x61d, 0x6dc, 0x6de, 0x70d, 0x710, 0x74a, 0x74d, 0x7b1, 0x7c0, 0x7fa,
    0x7fd, 0x82d, 0x830, 0x83e, 0x840, 0x85b, 0x85e, 0x85e, 0x860, 0x86a, 0x870, 0x88e, 0x898,
    0x8e1, 0x8e3, 0x983, 0x985, 0x98c, 0x98f, 0x990, 0x993, 0x9a8, 0x9aa, 0x9b0, 0x9b2, 0x9b2,
    0x9b6, 0x9b9, 0x9bc, 0x9c4, 0x9c7, 0x9c8, 0x9cb, 0x9ce, 0x9d7, 0x9d7, 0x9dc, 0x9dd, 0x9df,
    0x9e3, 0x9e6, 0x9fe, 0xa01, 0xa03, 0xa05, 0xa0a, 0xa0f, 0xa10, 0xa13, 0xa28, 0xa2a, 0xa30,
    0xa32, 0xa33, 0xa35, 0xa36, 0xa38, 0xa39, 0xa3c, 0xa3c, 0xa3e, 0xa42, 0xa47, 0xa48, 0xa4b,
    0xa4d, 0xa51, 0xa51, 0xa59, 0xa5c, 0xa5e, 0xa5e, 0xa66, 0xa76, 0xa81, 0xa83, 0xa85, 0xa8d,
    0xa8f, 0xa91, 0xa93, 0xaa8, 0xaaa, 0xab0, 0xab2, 0xab3, 0xab5, 0xab9, 0xabc, 0xac5, 0xac7,
    0xac9, 0xacb, 0xacd, 0xad0, 0xad0, 0xae0, 0xae3, 0xae6, 0xaf1, 0xaf9, 0xaff, 0xb01, 0xb03,
    0xb05, 0xb0c, 0xb0f, 0xb10, 0xb13, 0xb28, 0xb2a, 0xb30, 0xb32, 0xb33, 0xb35, 0xb39, 0xb3c,
    0xb44, 0xb47, 0xb48, 0xb4b, 0xb4d, 0xb55, 0xb57, 0xb5c, 0xb5d, 0xb5f, 0xb63, 0xb66, 0xb77,
    0xb82, 0xb83, 0xb85, 0xb8a, 0xb8e, 0xb90, 0xb92, 0xb95, 0xb99, 0xb9a, 0xb9c, 0xb9c, 0xb9e,
    0xb9f, 0xba3, 0xba4, 0xba8, 0xbaa, 0xbae, 0xbb9, 0xbbe, 0xbc2, 0xbc6, 0xbc8, 0xbca, 0xbcd,
    0xbd0, 0xbd0, 0xbd7, 0xbd7, 0xbe6, 0xbfa, 0xc00, 0xc0c, 0xc0e, 0xc10, 0xc12, 0xc28, 0xc2a,
    0xc39, 0xc3c, 0xc44, 0xc46, 0xc48, 0xc4a, 0xc4d, 0xc55, 0xc56, 0xc58, 0xc5a, 0xc5d, 0xc5d,
    0xc60, 0xc63, 0xc66, 0xc6f, 0xc77, 0xc8c, 0xc8e, 0xc90, 0xc92, 0xca8, 0xcaa, 0xcb3, 0xcb5,
    0xcb9, 0xcbc, 0xcc4, 0xcc6, 0xcc8, 0xcca, 0xccd, 0xcd5, 0xcd6, 0xcdd, 0xcde, 0xce0, 0xce3,
    0xce6, 0xcef, 0xcf1, 0xcf2, 0xd00, 0xd0c, 0xd0e, 0xd10, 0xd12, 0xd44, 0xd46, 0xd48, 0xd4a,
    0xd4f, 0xd54, 0xd63, 0xd66, 0xd7f, 0xd81, 0xd83, 0xd85, 0xd96, 0xd9a, 0xdb1, 0xdb3, 0xdbb,
    0xdbd, 0xdbd, 0xdc0, 0xdc6, 0xdca, 0xdca, 0xdcf, 0xdd4, 0xdd6, 0xdd6, 0xdd8, 0xddf, 0xde6,
    0xdef, 0xdf2, 0xdf4, 0xe01, 0xe3a, 0xe3f, 0xe5b, 0xe81, 0xe82, 0xe84, 0xe84, 0xe86, 0xe8a,
    0xe8c, 0xea3, 0xea5, 0xea5, 0xea7, 0xebd, 0xec0, 0xec4, 0xec6, 0xec6, 0xec8, 0xecd, 0xed0,
    0xed9, 0xedc, 0xedf, 0xf00, 0xf47, 0xf49, 0xf6c, 0xf71, 0xf97, 0xf99, 0xfbc, 0xfbe, 0xfcc,
    0xfce, 0xfda, 0x1000, 0x10c5, 0x10c7, 0x10c7, 0x10cd, 0x10cd, 0x10d0, 0x1248, 0x124a, 0x124d,
    0x1250, 0x1256, 0x1258, 0x1258, 0x125a, 0x125d, 0x1260, 0x1288, 0x128a, 0x128d, 0x1290, 0x12b0,
    0x12b2, 0x12b5, 0x12b8, 0x12be, 0x12c0, 0x12c0, 0x12c2, 0x12c5, 0x12c8, 0x12d6, 0x12d8, 0x1310,
    0x1312, 0x1315, 0x1318, 0x135a, 0x135d, 0x137c, 0x1380, 0x1399, 0x13a0, 0x13f5, 0x13f8, 0x13fd,
    0x1400, 0x167f, 0x1681, 0x169c, 0x16a0, 0x16f8, 0x1700, 0x1715, 0x171f, 0x1736, 0x1740, 0x1753,
    0x1760, 0x176c, 0x176e, 0x1770, 0x1772, 0x1773, 0x1780, 0x17dd, 0x17e0, 0x17e9, 0x17f0, 0x17f9,
    0x1800, 0x180d, 0x180f, 0x1819, 0x1820, 0x1878, 0x1880, 0x18aa, 0x18b0, 0x18f5, 0x1900, 0x191e,
    0x1920, 0x192b, 0x1930, 0x193b, 0x1940, 0x1940, 0x1944, 0x196d, 0x1970, 0x1974, 0x1980, 0x19ab,
    0x19b0, 0x19c9, 0x19d0, 0x19da, 0x19de, 0x1a1b, 0x1a1e, 0x1a5e, 0x1a60, 0x1a7c, 0x1a7f, 0x1a89,
    0x1a90, 0x1a99, 0x1aa0, 0x1aad, 0x1ab0, 0x1ace, 0x1b00, 0x1b4c, 0x1b50, 0x1b7e, 0x1b80, 0x1bf3,
    0x1bfc, 0x1c37, 0x1c3b, 0x1c49, 0x1c4d, 0x1c88, 0x1c90, 0x1cba, 0x1cbd, 0x1cc7, 0x1cd0, 0x1cfa,
    0x1d00, 0x1f15, 0x1f18, 0x1f1d, 0x1f20, 0x1f45, 0x1f48, 0x1f4d, 0x1f50, 0x1f57, 0x1f59, 0x1f59,
    0x1f5b, 0x1f5b, 0x1f5d, 0x1f5d, 0x1f5f, 0x1f7d, 0x1f80, 0x1fb4, 0x1fb6, 0x1fc4, 0x1fc6, 0x1fd3,
    0x1fd6, 0x1fdb, 0x1fdd, 0x1fef, 0x1ff2, 0x1ff4, 0x1ff6, 0x1ffe, 0x2010, 0x2027, 0x2030, 0x205e,
    0x2070, 0x2071, 0x2074, 0x208e, 0x2090, 0x209c, 0x20a0, 0x20c0, 0x20d0, 0x20f0, 0x2100, 0x218b,
    0x2190, 0x2426, 0x2440, 0x244a, 0x2460, 0x2b73, 0x2b76, 0x2b95, 0x2b97, 0x2cf3, 0x2cf9, 0x2d25,
    0x2d27, 0x2d27, 0x2d2d, 0x2d2d, 0x2d30, 0x2d67, 0x2d6f, 0x2d70, 0x2d7f, 0x2d96, 0x2da0, 0x2da6,
    0x2da8, 0x2dae, 0x2db0, 0x2db6, 0x2db8, 0x2dbe, 0x2dc0, 0x2dc6, 0x2dc8, 0x2dce, 0x2dd0, 0x2dd6,
    0x2dd8, 0x2dde, 0x2de0, 0x2e5d, 0x2e80, 0x2e99, 0x2e9b, 0x2ef3, 0x2f00, 0x2fd5, 0x2ff0, 0x2ffb,
    0x3001, 0x303f, 0x3041, 0x3096, 0x3099, 0x30ff, 0x3105, 0x312f, 0x3131, 0x318e, 0x3190, 0x31e3,
    0x31f0, 0x321e, 0x3220, 0xa48c, 0xa490, 0xa4c6, 0xa4d0, 0xa62b, 0xa640, 0xa6f7, 0xa700, 0xa7ca,
    0xa7d0, 0xa7d1, 0xa7d3, 0xa7d3, 0xa7d5, 0xa7d9, 0xa7f2, 0xa82c, 0xa830, 0xa839, 0xa840, 0xa877,
    0xa880, 0xa8c5, 0xa8ce, 0xa8d9, 0xa8e0, 0xa953, 0xa95f, 0xa97c, 0xa980, 0xa9cd, 0xa9cf, 0xa9d9,
    0xa9de, 0xa9fe, 0xaa00, 0xaa36, 0xaa40, 0xaa4d, 0xaa50, 0xaa59, 0xaa5c, 0xaac2, 0xaadb, 0xaaf6,
    0xab01, 0xab06, 0xab09, 0xab0e, 0xab11, 0xab16, 0xab20, 0xab26, 0xab28, 0xab2e, 0xab30, 0xab6b,
    0xab70, 0xabed, 0xabf0, 0xabf9, 0xac00, 0xd7a3, 0xd7b0, 0xd7c6, 0xd7cb, 0xd7fb, 0xf900, 0xfa6d,
    0xfa70, 0xfad9, 0xfb00, 0xfb06, 0xfb13, 0xfb17, 0xfb1d, 0xfb36, 0xfb38, 0xfb3c, 0xfb3e, 0xfb3e,
    0xfb40, 0xfb41, 0xfb43, 0xfb44, 0xfb46, 0xfbc2, 0xfbd3, 0xfd8f, 0xfd92, 0xfdc7, 0xfdcf, 0xfdcf,
    0xfdf0, 0xfe19, 0xfe20, 0xfe52, 0xfe54, 0xfe66, 0xfe68, 0xfe6b, 0xfe70, 0xfe74, 0xfe76, 0xfefc,
    0xff01, 0xffbe, 0xffc2, 0xffc7, 0xffca, 0xffcf, 0xffd2, 0xffd7, 0xffda, 0xffdc, 0xffe0, 0xffe6,
    0xffe8, 0xffee, 0xfffc, 0xfffd, 0x10000, 0x1000b, 0x1000d, 0x10026, 0x10028, 0x1003a, 0x1003c,
    0x1003d, 0x1003f, 0x1004d, 0x10050, 0x1005d, 0x10080, 0x100fa, 0x10100, 0x10102, 0x10107,
    0x10133, 0x10137, 0x1018e, 0x10190, 0x1019c, 0x101a0, 0x101a0, 0x101d0, 0x101fd, 0x10280,
    0x1029c, 0x102a0, 0x102d0, 0x102e0, 0x102fb, 0x10300, 0x10323, 0x1032d, 0x1034a, 0x10350,
    0x1037a, 0x10380, 0x1039d, 0x1039f, 0x103c3, 0x103c8, 0x103d5, 0x10400, 0x1049d, 0x104a0,
    0x104a9, 0x104b0, 0x104d3, 0x104d8, 0x104fb, 0x10500, 0x10527, 0x10530, 0x10563, 0x1056f,
    0x1057a, 0x1057c, 0x1058a, 0x1058c, 0x10592, 0x10594, 0x10595, 0x10597, 0x105a1, 0x105a3,
    0x105b1, 0x105b3, 0x105b9, 0x105bb, 0x105bc, 0x10600, 0x10736, 0x10740, 0x10755, 0x10760,
    0x10767, 0x10780, 0x10785, 0x10787, 0x107b0, 0x107b2, 0x107ba, 0x10800, 0x10805, 0x10808,
    0x10808, 0x1080a, 0x10835, 0x10837, 0x10838, 0x1083c, 0x1083c, 0x1083f, 0x10855, 0x10857,
    0x1089e, 0x108a7, 0x108af, 0x108e0, 0x108f2, 0x108f4, 0x108f5, 0x108fb, 0x1091b, 0x1091f,
    0x10939, 0x1093f, 0x1093f, 0x10980, 0x109b7, 0x109bc, 0x109cf, 0x109d2, 0x10a03, 0x10a05,
    0x10a06, 0x10a0c, 0x10a13, 0x10a15, 0x10a17, 0x10a19, 0x10a35, 0x10a38, 0x10a3a, 0x10a3f,
    0x10a48, 0x10a50, 0x10a58, 0x10a60, 0x10a9f, 0x10ac0, 0x10ae6, 0x10aeb, 0x10af6, 0x10b00,
    0x10b35, 0x10b39, 0x10b55, 0x10b58, 0x10b72, 0x10b78, 0x10b91, 0x10b99, 0x10b9c, 0x10ba9,
    0x10baf, 0x10c00, 0x10c48, 0x10c80, 0x10cb2, 0x10cc0, 0x10cf2, 0x10cfa, 0x10d27, 0x10d30,
    0x10d39, 0x10e60, 0x10e7e, 0x10e80, 0x10ea9, 0x10eab, 0x10ead, 0x10eb0, 0x10eb1, 0x10f00,
    0x10f27, 0x10f30, 0x10f59, 0x10f70, 0x10f89, 0x10fb0, 0x10fcb, 0x10fe0, 0x10ff6, 0x11000,
    0x1104d, 0x11052, 0x11075, 0x1107f, 0x110bc, 0x110be, 0x110c2, 0x110d0, 0x110e8, 0x110f0,
    0x110f9, 0x11100, 0x11134, 0x11136, 0x11147, 0x11150, 0x11176, 0x11180, 0x111df, 0x111e1,
    0x111f4, 0x11200, 0x11211, 0x11213, 0x1123e, 0x11280, 0x11286, 0x11288, 0x11288, 0x1128a,
    0x1128d, 0x1128f, 0x1129d, 0x1129f, 0x112a9, 0x112b0, 0x112ea, 0x112f0, 0x112f9, 0x11300,
    0x11303, 0x11305, 0x1130c, 0x1130f, 0x11310, 0x11313, 0x11328, 0x1132a, 0x11330, 0x11332,
    0x11333, 0x11335, 0x11339, 0x1133b, 0x11344, 0x11347, 0x11348, 0x1134b, 0x1134d, 0x11350,
    0x11350, 0x11357, 0x11357, 0x1135d, 0x11363, 0x11366, 0x1136c, 0x11370, 0x11374, 0x11400,
    0x1145b, 0x1145d, 0x11461, 0x11480, 0x114c7, 0x114d0, 0x114d9, 0x11580, 0x115b5, 0x115b8,
    0x115dd, 0x11600, 0x11644, 0x11650, 0x11659, 0x11660, 0x1166c, 0x11680, 0x116b9, 0x116c0,
    0x116c9, 0x11700, 0x1171a, 0x1171d, 0x1172b, 0x11730, 0x11746, 0x11800, 0x1183b, 0x118a0,
    0x118f2, 0x118ff, 0x11906, 0x11909, 0x11909, 0x1190c, 0x11913, 0x11915, 0x11916, 0x11918,
    0x11935, 0x11937, 0x11938, 0x1193b, 0x11946, 0x11950, 0x11959, 0x119a0, 0x119a7, 0x119aa,
    0x119d7, 0x119da, 0x119e4, 0x11a00, 0x11a47, 0x11a50, 0x11aa2, 0x11ab0, 0x11af8, 0x11c00,
    0x11c08, 0x11c0a, 0x11c36, 0x11c38, 0x11c45, 0x11c50, 0x11c6c, 0x11c70, 0x11c8f, 0x11c92,
    0x11ca7, 0x11ca9, 0x11cb6, 0x11d00, 0x11d06, 0x11d08, 0x11d09, 0x11d0b, 0x11d36, 0x11d3a,
    0x11d3a, 0x11d3c, 0x11d3d, 0x11d3f, 0x11d47, 0x11d50, 0x11d59, 0x11d60, 0x11d65, 0x11d67,
    0x11d68, 0x11d6a, 0x11d8e, 0x11d90, 0x11d91, 0x11d93, 0x11d98, 0x11da0, 0x11da9, 0x11ee0,
    0x11ef8, 0x11fb0, 0x11fb0, 0x11fc0, 0x11ff1, 0x11fff, 0x12399, 0x12400, 0x1246e, 0x12470,
    0x12474, 0x12480, 0x12543, 0x12f90, 0x12ff2, 0x13000, 0x1342e, 0x14400, 0x14646, 0x16800,
    0x16a38, 0x16a40, 0x16a5e, 0x16a60, 0x16a69, 0x16a6e, 0x16abe, 0x16ac0, 0x16ac9, 0x16ad0,
    0x16aed, 0x16af0, 0x16af5, 0x16b00, 0x16b45, 0x16b50, 0x16b59, 0x16b5b, 0x16b61, 0x16b63,
    0x16b77, 0x16b7d, 0x16b8f, 0x16e40, 0x16e9a, 0x16f00, 0x16f4a, 0x16f4f, 0x16f87, 0x16f8f,
    0x16f9f, 0x16fe0, 0x16fe4, 0x16ff0, 0x16ff1, 0x17000, 0x187f7, 0x18800, 0x18cd5, 0x18d00,
    0x18d08, 0x1aff0, 0x1aff3, 0x1aff5, 0x1affb, 0x1affd, 0x1affe, 0x1b000, 0x1b122, 0x1b150,
    0x1b152, 0x1b164, 0x1b167, 0x1b170, 0x1b2fb, 0x1bc00, 0x1bc6a, 0x1bc70, 0x1bc7c, 0x1bc80,
    0x1bc88, 0x1bc90, 0x1bc99, 0x1bc9c, 0x1bc9f, 0x1cf00, 0x1cf2d, 0x1cf30, 0x1cf46, 0x1cf50,
    0x1cfc3, 0x1d000, 0x1d0f5, 0x1d100, 0x1d126, 0x1d129, 0x1d172, 0x1d17b, 0x1d1ea, 0x1d200,
    0x1d245, 0x1d2e0, 0x1d2f3, 0x1d300, 0x1d356, 0x1d360, 0x1d378, 0x1d400, 0x1d454, 0x1d456,
    0x1d49c, 0x1d49e, 0x1d49f, 0x1d4a2, 0x1d4a2, 0x1d4a5, 0x1d4a6, 0x1d4a9, 0x1d4ac, 0x1d4ae,
    0x1d4b9, 0x1d4bb, 0x1d4bb, 0x1d4bd, 0x1d4c3, 0x1d4c5, 0x1d505, 0x1d507, 0x1d50a, 0x1d50d,
    0x1d514, 0x1d516, 0x1d51c, 0x1d51e, 0x1d539, 0x1d53b, 0x1d53e, 0x1d540, 0x1d544, 0x1d546,
    0x1d546, 0x1d54a, 0x1d550, 0x1d552, 0x1d6a5, 0x1d6a8, 0x1d7cb, 0x1d7ce, 0x1da8b, 0x1da9b,
    0x1da9f, 0x1daa1, 0x1daaf, 0x1df00, 0x1df1e, 0x1e000, 0x1e006, 0x1e008, 0x1e018, 0x1e01b,
    0x1e021, 0x1e023, 0x1e024, 0x1e026, 0x1e02a, 0x1e100, 0x1e12c, 0x1e130, 0x1e13d, 0x1e140,
    0x1e149, 0x1e14e, 0x1e14f, 0x1e290, 0x1e2ae, 0x1e2c0, 0x1e2f9, 0x1e2ff, 0x1e2ff, 0x1e7e0,
    0x1e7e6, 0x1e7e8, 0x1e7eb, 0x1e7ed, 0x1e7ee, 0x1e7f0, 0x1e7fe, 0x1e800, 0x1e8c4, 0x1e8c7,
    0x1e8d6, 0x1e900, 0x1e94b, 0x1e950, 0x1e959, 0x1e95e, 0x1e95f, 0x1ec71, 0x1ecb4, 0x1ed01,
    0x1ed3d, 0x1ee00, 0x1ee03, 0x1ee05, 0x1ee1f, 0x1ee21, 0x1ee22, 0x1ee24, 0x1ee24, 0x1ee27,
    0x1ee27, 0x1ee29, 0x1ee32, 0x1ee34, 0x1ee37, 0x1ee39, 0x1ee39, 0x1ee3b, 0x1ee3b, 0x1ee42,
    0x1ee42, 0x1ee47, 0x1ee47, 0x1ee49, 0x1ee49, 0x1ee4b, 0x1ee4b, 0x1ee4d, 0x1ee4f, 0x1ee51,
    0x1ee52, 0x1ee54, 0x1ee54, 0x1ee57, 0x1ee57, 0x1ee59, 0x1ee59, 0x1ee5b, 0x1ee5b, 0x1ee5d,
    0x1ee5d, 0x1ee5f, 0x1ee5f, 0x1ee61, 0x1ee62, 0x1ee64, 0x1ee64, 0x1ee67, 0x1ee6a, 0x1ee6c,
    0x1ee72, 0x1ee74, 0x1ee77, 0x1ee79, 0x1ee7c, 0x1ee7e, 0x1ee7e, 0x1ee80, 0x1ee89, 0x1ee8b,
    0x1ee9b, 0x1eea1, 0x1eea3, 0x1eea5, 0x1eea9, 0x1eeab, 0x1eebb, 0x1eef0, 0x1eef1, 0x1f000,
    0x1f02b, 0x1f030, 0x1f093, 0x1f0a0, 0x1f0ae, 0x1f0b1, 0x1f0bf, 0x1f0c1, 0x1f0cf, 0x1f0d1,
    0x1f0f5, 0x1f100, 0x1f1ad, 0x1f1e6, 0x1f202, 0x1f210, 0x1f23b, 0x1f240, 0x1f248, 0x1f250,
    0x1f251, 0x1f260, 0x1f265, 0x1f300, 0x1f6d7, 0x1f6dd, 0x1f6ec, 0x1f6f0, 0x1f6fc, 0x1f700,
    0x1f773, 0x1f780, 0x1f7d8, 0x1f7e0, 0x1f7eb, 0x1f7f0, 0x1f7f0, 0x1f800, 0x1f80b, 0x1f810,
    0x1f847, 0x1f850, 0x1f859, 0x1f860, 0x1f887, 0x1f890, 0x1f8ad, 0x1f8b0, 0x1f8b1, 0x1f900,
    0x1fa53, 0x1fa60, 0x1fa6d, 0x1fa70, 0x1fa74, 0x1fa78, 0x1fa7c, 0x1fa80, 0x1fa86, 0x1fa90,
    0x1faac, 0x1fab0, 0x1faba, 0x1fac0, 0x1fac5, 0x1fad0, 0x1fad9, 0x1fae0, 0x1fae7, 0x1faf0,
    0x1faf6, 0x1fb00, 0x1fb92, 0x1fb94, 0x1fbca, 0x1fbf0, 0x1fbf9, 0x20000, 0x2a6df, 0x2a700,
    0x2b738, 0x2b740, 0x2b81d, 0x2b820, 0x2cea1, 0x2ceb0, 0x2ebe0, 0x2f800, 0x2fa1d, 0x30000,
    0x3134a, 0xe0100, 0xe01ef,
];

/// Python's `urllib.parse.quote(s, safe)` (`quote_plus` with `plus`): every byte but letters,
/// digits, `_.-~` and `safe` written as `%XX`.
#[must_use]
pub fn url_quote(s: &str, safe: &str, plus: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
            out.push(b as char);
        } else if plus && b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    fn load(name: &str) -> Vec<Json> {
        let path = format!("{}/tests/data/python/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        match serde_json::from_str(&text) {
            Ok(Json::Array(items)) => items,
            other => panic!("{path}: not a JSON array: {other:?}"),
        }
    }

    fn bits(hex: &str) -> f64 {
        f64::from_bits(u64::from_str_radix(hex, 16).expect("float bits"))
    }

    /// A vector value (see generate.py for the tags) as a minijinja value.
    fn decode(j: &Json) -> Value {
        match j {
            Json::Null => Value::from(()),
            Json::Bool(b) => Value::from(*b),
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::from(i)
                } else if let Some(u) = n.as_u64() {
                    Value::from(u)
                } else {
                    panic!("floats are tagged in the vectors: {n}")
                }
            }
            Json::String(s) => Value::from(s.as_str()),
            Json::Array(items) => Value::from(items.iter().map(decode).collect::<Vec<_>>()),
            Json::Object(o) => {
                let (tag, body) = o.iter().next().expect("tagged value");
                match tag.as_str() {
                    "$map" => Value::from_pairs(
                        body.as_array()
                            .expect("$map")
                            .iter()
                            .map(|kv| (decode(&kv[0]), decode(&kv[1]))),
                    ),
                    "$tuple" => Value::from(minijinja::value::Tuple::new(
                        body.as_array()
                            .expect("$tuple")
                            .iter()
                            .map(decode)
                            .collect(),
                    )),
                    "$int" => {
                        Value::from(body.as_str().expect("$int").parse::<i128>().expect("i128"))
                    }
                    "$float" => {
                        Value::from(body.as_str().expect("$float").parse::<f64>().expect("f64"))
                    }
                    "$bytes" => {
                        let hex = body.as_str().expect("$bytes");
                        Value::from_bytes(
                            (0..hex.len())
                                .step_by(2)
                                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                                .collect(),
                        )
                    }
                    other => panic!("unknown tag {other}"),
                }
            }
        }
    }

    #[test]
    fn repr_and_str_match_python() {
        let items = load("repr.json");
        for (n, item) in items.iter().enumerate() {
            let value = decode(&item["v"]);
            let want_repr = item["repr"].as_str().expect("repr");
            let want_str = item.get("str").map_or_else(
                || item["v"].as_str().expect("str"),
                |s| s.as_str().expect("str"),
            );
            assert_eq!(
                py_repr(&value),
                want_repr,
                "repr, vector #{n}: {}",
                item["v"]
            );
            assert_eq!(py_str(&value), want_str, "str, vector #{n}: {}", item["v"]);
        }
        assert!(items.len() > 100);
    }

    #[test]
    fn float_repr_matches_python() {
        for item in load("floats.json") {
            let f = bits(item[0].as_str().expect("bits"));
            assert_eq!(
                float_repr(f),
                item[1].as_str().expect("repr"),
                "bits {}",
                item[0]
            );
        }
    }

    #[test]
    fn repr_of_the_case_06_values() {
        // /work/shared/data/ansible/cases/06-filters: `{{ 3.0 }} {{ 1.50 }} {{ true }} {{ none }}
        // {{ [1, 'two', none, false] }} {{ {'k': 'v'} }}` and a dict2items item.
        let list = Value::from(vec![
            Value::from(1),
            Value::from("two"),
            Value::from(()),
            Value::from(false),
        ]);
        let map = Value::from_pairs([("k", "v")]);
        let item = Value::from_pairs([
            ("name", Value::from("backend")),
            ("critical", Value::from(false)),
        ]);
        assert_eq!(
            [3.0, 1.5].map(|f| py_str(&Value::from(f))).join(" "),
            "3.0 1.5"
        );
        assert_eq!(py_str(&Value::from(true)), "True");
        assert_eq!(py_str(&list), "[1, 'two', None, False]");
        assert_eq!(py_str(&map), "{'k': 'v'}");
        assert_eq!(py_str(&item), "{'name': 'backend', 'critical': False}");
        assert_eq!(py_str(&Value::UNDEFINED), "");
        for (f, s) in [
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (f64::INFINITY, "inf"),
            (f64::NAN, "nan"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(float_repr(f), s);
        }
    }

    fn options(j: &Json) -> JsonOptions {
        JsonOptions {
            indent: j["indent"]
                .as_u64()
                .map(|n| usize::try_from(n).expect("indent")),
            sort_keys: j["sort_keys"].as_bool().expect("sort_keys"),
            ensure_ascii: j["ensure_ascii"].as_bool().expect("ensure_ascii"),
            separators: None,
            keys_as_strings: false,
        }
    }

    #[test]
    fn json_dumps_matches_python() {
        let items = load("json.json");
        for (n, item) in items.iter().enumerate() {
            let value = decode(&item["v"]);
            let opts = options(&item["opts"]);
            let got = json_dumps(&value, &opts);
            match (item.get("out"), got) {
                (Some(want), Ok(got)) => assert_eq!(
                    got,
                    want.as_str().expect("out"),
                    "json vector #{n} with {opts:?}: {}",
                    item["v"]
                ),
                (None, Err(_)) => {}
                (want, got) => panic!(
                    "json vector #{n} with {opts:?}: {}: want {want:?} / {:?}, got {got:?}",
                    item["v"],
                    item.get("error")
                ),
            }
        }
        assert!(items.len() > 100);
    }

    #[test]
    fn json_dumps_as_ansible_filters() {
        let to_json = JsonOptions {
            indent: None,
            sort_keys: false,
            ensure_ascii: true,
            separators: None,
            keys_as_strings: false,
        };
        let to_nice_json = JsonOptions {
            indent: Some(4),
            sort_keys: true,
            ensure_ascii: true,
            separators: None,
            keys_as_strings: false,
        };
        // /work/shared/data/ansible/cases/06-filters
        let tier = Value::from_pairs([
            ("name", Value::from("backend")),
            ("critical", Value::from(false)),
        ]);
        let labels = Value::from_pairs([("env", Value::from("prod")), ("tier", tier)]);
        assert_eq!(
            json_dumps(&labels, &to_json).unwrap(),
            r#"{"env": "prod", "tier": {"name": "backend", "critical": false}}"#
        );
        assert_eq!(
            json_dumps(&labels, &to_nice_json).unwrap(),
            "{\n    \"env\": \"prod\",\n    \"tier\": {\n        \"critical\": false,\n        \
             \"name\": \"backend\"\n    }\n}"
        );
        // /work/shared/data/ansible/cases/03-special-char-secrets
        let secrets = Value::from_pairs([
            ("unicode", "pässwörd-日本-🔑"),
            ("everything", " a: b # c 'd' \"e\" {f} \\g\nh {{i}} é"),
        ]);
        assert_eq!(
            json_dumps(&secrets, &to_json).unwrap(),
            r#"{"unicode": "p\u00e4ssw\u00f6rd-\u65e5\u672c-\ud83d\udd11", "everything": " a: b # c 'd' \"e\" {f} \\g\nh {{i}} \u00e9"}"#
        );
        // /work/shared/data/ansible/cases/05-vars-precedence
        let empty: Vec<Value> = Vec::new();
        assert_eq!(json_dumps(&Value::from(empty), &to_json).unwrap(), "[]");
        assert_eq!(
            json_dumps(&Value::from(vec!["monitoring", "webservers"]), &to_json).unwrap(),
            r#"["monitoring", "webservers"]"#
        );
        // Undefined and other objects are refused.
        assert!(json_dumps(&Value::UNDEFINED, &to_json).is_err());
        let nested = Value::from(vec![Value::from(1), Value::UNDEFINED]);
        assert!(json_dumps(&nested, &to_nice_json).is_err());
        #[derive(Debug)]
        struct Omit;
        impl minijinja::value::Object for Omit {
            fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
                minijinja::value::ObjectRepr::Plain
            }
        }
        let omit = Value::from_pairs([("a", Value::from_object(Omit))]);
        let err = json_dumps(&omit, &to_json).unwrap_err();
        assert!(err.to_string().contains("not JSON serializable"), "{err}");
        assert!(json_dumps(&Value::from_bytes(vec![1]), &to_json).is_err());
    }

    /// Replays one vector's operations; the first difference is reported with its index.
    #[test]
    fn random_matches_python() {
        const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890";
        let items = load("random.json");
        for item in &items {
            let seed_json = &item["seed"];
            let seed = decode(seed_json);
            let mut letters: Vec<char> = ALPHABET.chars().collect();
            PyRandom::try_new(&seed)
                .unwrap_or_else(|e| panic!("seed {seed_json}: {e}"))
                .shuffle(&mut letters);
            assert_eq!(
                letters.iter().collect::<String>(),
                item["alphabet"].as_str().expect("alphabet"),
                "alphabet shuffle, seed {seed_json}"
            );
            let mut r = PyRandom::new(&seed);
            for (i, op) in item["ops"].as_array().expect("ops").iter().enumerate() {
                let what = format!("seed {seed_json}, op #{i} {op}");
                match op[0].as_str().expect("op") {
                    "shuffle" => {
                        let n = op[1].as_u64().expect("n");
                        let mut xs: Vec<u64> = (0..n).collect();
                        r.shuffle(&mut xs);
                        let want: Vec<u64> = op[2]
                            .as_array()
                            .expect("list")
                            .iter()
                            .map(|x| x.as_u64().expect("u64"))
                            .collect();
                        assert_eq!(xs, want, "{what}");
                    }
                    "randbelow" => {
                        let n = op[1].as_u64().expect("n");
                        assert_eq!(r.randbelow(n), op[2].as_u64().expect("u64"), "{what}");
                    }
                    "randrange" => {
                        let a = &op[1];
                        let got = r.randrange(
                            a[0].as_i64().expect("start"),
                            a[1].as_i64().expect("stop"),
                            a[2].as_i64().expect("step"),
                        );
                        assert_eq!(got, op[2].as_i64(), "{what}");
                    }
                    "random" => {
                        let want = bits(op[1].as_str().expect("bits"));
                        assert_eq!(r.random().to_bits(), want.to_bits(), "{what}");
                    }
                    "choice" => {
                        let n = usize::try_from(op[1].as_u64().expect("n")).expect("usize");
                        let pool: Vec<usize> = (0..n).collect();
                        let want = usize::try_from(op[2].as_u64().expect("u64")).expect("usize");
                        assert_eq!(r.choice(&pool), Some(&want), "{what}");
                    }
                    other => panic!("unknown op {other}"),
                }
            }
        }
        assert!(items.len() > 40);
    }

    #[test]
    fn random_edge_cases() {
        let mut r = PyRandom::new(&Value::from("x"));
        assert_eq!(r.randrange(5, 5, 1), None);
        assert_eq!(r.randrange(0, 10, 0), None);
        assert_eq!(r.randrange(0, 10, -1), None);
        assert_eq!(r.choice::<u8>(&[]), None);
        assert!(PyRandom::try_new(&Value::from(())).is_err());
        assert!(PyRandom::try_new(&Value::from(f64::NAN)).is_err());
        assert!(PyRandom::try_new(&Value::from(vec![1])).is_err());
    }

    /// The upstream web_config template's salt for inventory_hostname "localhost" (case 10).
    #[test]
    fn shuffle_salt_for_localhost() {
        let mut letters: Vec<char> =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
                .chars()
                .collect();
        PyRandom::new(&Value::from("localhost")).shuffle(&mut letters);
        let salt: String = letters[..22].iter().collect();
        assert_eq!(salt, "E1UOPcoiI9Jb8gm6HX2Yn0");
    }

    #[test]
    fn passlib_bcrypt_matches_passlib() {
        let items = load("bcrypt.json");
        for (n, item) in items.iter().enumerate() {
            let secret = item["secret"].as_str().expect("secret");
            let salt = item["salt"].as_str().expect("salt");
            let rounds = u32::try_from(item["rounds"].as_u64().expect("rounds")).expect("u32");
            let ident = item["ident"].as_str().expect("ident");
            let got = passlib_bcrypt(secret.as_bytes(), salt, rounds, ident);
            match (item.get("hash"), got) {
                (Some(want), Ok(got)) => {
                    assert_eq!(
                        got,
                        want.as_str().expect("hash"),
                        "bcrypt vector #{n}: {item}"
                    );
                }
                (None, Err(_)) => {}
                (_, got) => panic!("bcrypt vector #{n}: {item}: got {got:?}"),
            }
        }
        assert!(items.len() > 50);
    }

    /// The real Ansible renders: /work/shared/data/ansible/cases/04-* (fixed salt with a
    /// non-canonical last character) and 10-* (shuffle-derived salt for localhost), rounds 9.
    #[test]
    fn passlib_bcrypt_ansible_ground_truth() {
        let prometheus = b"scrape-me-please";
        let admin = "Adm1n: p@ss # ünïcode".as_bytes();
        let cases: [(&[u8], &str, &str); 4] = [
            (
                prometheus,
                "promvaultFixedSalt0123",
                "$2b$09$promvaultFixedSalt012ukxJtPcWJkMIHgwsdWs.TwLgaCJwDL1S",
            ),
            (
                admin,
                "promvaultFixedSalt0123",
                "$2b$09$promvaultFixedSalt012uO8rtNCgjQ6SJBg1yAC4YjZQ0QI2Ip6a",
            ),
            (
                prometheus,
                "E1UOPcoiI9Jb8gm6HX2Yn0",
                "$2b$09$E1UOPcoiI9Jb8gm6HX2Ynu8f.OUkSlqXLZx8NQCjsE6Yg5Mkn1QdS",
            ),
            (
                admin,
                "E1UOPcoiI9Jb8gm6HX2Yn0",
                "$2b$09$E1UOPcoiI9Jb8gm6HX2YnuraneJXL711gv6eRFsC5yCDH3t53j5CS",
            ),
        ];
        for (secret, salt, want) in cases {
            assert_eq!(passlib_bcrypt(secret, salt, 9, "2b").unwrap(), want);
        }
    }

    #[test]
    fn passlib_bcrypt_errors_are_clear() {
        let err = passlib_bcrypt(b"pw", "short", 4, "2b").unwrap_err();
        assert!(err.contains("too small"), "{err}");
        let err = passlib_bcrypt(b"pw", "abcdefghijklmnopqrst-u", 4, "2b").unwrap_err();
        assert!(err.contains("invalid characters"), "{err}");
        let err = passlib_bcrypt(b"pw", "abcdefghijklmnopqrstuu", 3, "2b").unwrap_err();
        assert!(err.contains("at least 4"), "{err}");
        let err = passlib_bcrypt(b"pw", "abcdefghijklmnopqrstuu", 32, "2b").unwrap_err();
        assert!(err.contains("more than 31"), "{err}");
        let err = passlib_bcrypt(b"pw", "abcdefghijklmnopqrstuu", 4, "2x").unwrap_err();
        assert!(err.contains("ident"), "{err}");
        let err = passlib_bcrypt(b"p\0w", "abcdefghijklmnopqrstuu", 4, "2b").unwrap_err();
        assert!(err.contains("NUL"), "{err}");
        assert!(passlib_bcrypt(b"pw", "abcdefghijklmnopqrstuu", 4, "$2b$").is_ok());
    }

    #[test]
    fn float_hash_matches_cpython() {
        // hash() values printed by CPython 3.11
        assert_eq!(py_hash_float(1.5), Some(1_152_921_504_606_846_977));
        assert_eq!(py_hash_float(-1.0), Some(-2));
        assert_eq!(py_hash_float(0.0), Some(0));
        assert_eq!(py_hash_float(f64::INFINITY), Some(314_159));
        assert_eq!(py_hash_float(f64::NAN), None);
    }
}
