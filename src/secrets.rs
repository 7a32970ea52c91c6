//! The vault's values as promvault holds them: one [`Secret`] per value (zeroized on drop,
//! never shown by `Debug`), gathered in [`Secrets`] with the name of the variable each came
//! from. Masking ([`Secrets::masker`]: every written form of every value, in diffs, errors and
//! findings) and the leak scan start from here.
//!
//! Limits: the template engine copies values into its own strings while rendering; those
//! copies are not zeroized (the process is short-lived, and core dumps are the risk that
//! matters: see the README's security section).

use std::fmt;

use zeroize::Zeroizing;

use crate::{data::Data, inventory::VarLayer, output::diff::Masker};

/// One secret value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    #[must_use]
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself: only where it must be used (rendering, masking).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The secrets in play: (variable name, value), in vault order.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    entries: Vec<(String, Secret)>,
}

impl Secrets {
    #[must_use]
    pub fn new() -> Secrets {
        Secrets::default()
    }

    /// Every string (and integer) value of a vault, nested ones included, under the name of
    /// its top-level variable.
    #[must_use]
    pub fn from_vault(vault: &VarLayer) -> Secrets {
        fn walk(name: &str, data: &Data, out: &mut Vec<(String, Secret)>) {
            match data {
                Data::Str(s) | Data::Unsafe(s) => out.push((name.to_string(), Secret::new(s))),
                Data::Int(i) => out.push((name.to_string(), Secret::new(i.to_string()))),
                Data::Seq(items) => items.iter().for_each(|d| walk(name, d, out)),
                Data::Map(entries) => entries.iter().for_each(|(_, v)| walk(name, v, out)),
                _ => {}
            }
        }
        let mut entries = Vec::new();
        for (name, var) in vault {
            walk(name, &var.data, &mut entries);
        }
        Secrets { entries }
    }

    /// Secrets from (name, value) pairs.
    #[must_use]
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Secrets {
        Secrets {
            entries: pairs
                .into_iter()
                .map(|(n, v)| (n.to_string(), Secret::new(v)))
                .collect(),
        }
    }

    /// Adds `other`'s secrets.
    pub fn extend(&mut self, other: Secrets) {
        self.entries.extend(other.entries);
    }

    /// (name, value) of each secret.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, s)| (n.as_str(), s.expose()))
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What hides every written form of these secrets in a text.
    #[must_use]
    pub fn masker(&self) -> Masker {
        Masker::new(self)
    }
}

/// A bcrypt hash as Prometheus' web config takes it (`$2a$`, `$2b$` or `$2y$`, two-digit
/// cost, 53 characters of bcrypt's base64).
#[must_use]
pub fn is_bcrypt_hash(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 60
        && s.starts_with("$2")
        && matches!(b[2], b'a' | b'b' | b'y')
        && b[3] == b'$'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
        && b[6] == b'$'
        && s[7..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_value() {
        let s = Secrets::from_pairs([("pw", "hunter2")]);
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.iter().collect::<Vec<_>>(), [("pw", "hunter2")]);
    }

    #[test]
    fn bcrypt_hashes_are_recognised() {
        assert!(is_bcrypt_hash(
            "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
        ));
        assert!(!is_bcrypt_hash("$2b$12$short"));
        assert!(!is_bcrypt_hash(
            "$1b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
        ));
    }
}
