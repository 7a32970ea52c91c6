//! What Python does, where Ansible's output depends on it: `str()` and `repr()` of values,
//! `json.dumps`, `random.Random` seeded with a string or number (for `shuffle(seed=...)` and
//! `random(seed=...)`), and passlib's bcrypt (salt normalisation included).
//!
//! Values are minijinja values; maps keep their insertion order.

use minijinja::Value;

/// Python's `str(value)`: strings as they are, `True`/`False`/`None`, floats as `repr`,
/// containers as their `repr`.
#[must_use]
pub fn py_str(value: &Value) -> String {
    value.to_string()
}

/// Python's `repr(value)`: `'it\'s'` quoting rules, `[1, 'two', None, False]`, `{'k': 'v'}`.
#[must_use]
pub fn py_repr(value: &Value) -> String {
    format!("{value:?}")
}

/// Python's `repr(float)`: the shortest text that reads back as the same float, with `.0` for
/// whole numbers, exponent form (`1e+16`, `1e-05`) where Python uses it, `inf`, `nan`.
#[must_use]
pub fn float_repr(f: f64) -> String {
    f.to_string()
}

/// The keyword arguments of `json.dumps` that Ansible's `to_json` / `to_nice_json` pass.
#[derive(Debug, Clone)]
pub struct JsonOptions {
    /// `None`: one line with `", "` and `": "` separators; `Some(n)`: n spaces per level with
    /// `","` and `": "`.
    pub indent: Option<usize>,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
}

/// `json.dumps(value, ...)` byte for byte.
///
/// # Errors
/// A value JSON cannot represent (undefined, Ansible's `omit`).
pub fn json_dumps(value: &Value, options: &JsonOptions) -> Result<String, minijinja::Error> {
    let _ = (value, options);
    Err(minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        "json_dumps is not implemented yet",
    ))
}

/// Python's `random.Random`, seeded as Python seeds it.
pub struct PyRandom {
    _private: (),
}

impl PyRandom {
    /// `random.Random(seed)` for a str, int or float seed (str: version 2 seeding, i.e.
    /// SHA-512 appended; int: the absolute value's 32-bit words; None is not supported).
    #[must_use]
    pub fn new(seed: &Value) -> PyRandom {
        let _ = seed;
        PyRandom { _private: () }
    }

    /// `Random.shuffle(x)` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        let _ = items;
    }

    /// `Random._randbelow(n)` (getrandbits with rejection), n > 0.
    pub fn randbelow(&mut self, n: u64) -> u64 {
        let _ = n;
        0
    }

    /// `Random.randrange(start, stop, step)`.
    pub fn randrange(&mut self, start: i64, stop: i64, step: i64) -> Option<i64> {
        let _ = (start, stop, step);
        None
    }

    /// `Random.random()`.
    pub fn random(&mut self) -> f64 {
        0.0
    }
}

/// passlib's `bcrypt.hash(secret, salt=salt, rounds=rounds, ident=ident)` as Ansible's
/// `password_hash('bcrypt', salt, rounds=N)` calls it: a 22-character bcrypt-base64 salt whose
/// last character passlib normalises (only `.Oeu` carry no padding bits), ident `2b` by default.
///
/// # Errors
/// A salt that is not 22 characters of `./A-Za-z0-9`, or rounds outside 4..=31.
pub fn passlib_bcrypt(
    secret: &[u8],
    salt: &str,
    rounds: u32,
    ident: &str,
) -> Result<String, String> {
    let _ = (secret, salt, rounds, ident);
    Err("passlib_bcrypt is not implemented yet".to_string())
}
