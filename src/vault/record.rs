//! The record kept beside each vault (`vault/ENV.yml.age.recipients`): the recipients it was
//! encrypted to, the names of its variables, and the SHA-256 of the vault file it describes.
//!
//! age does not name X25519 recipients in a file's header, so without this record nobody
//! could tell, without a key, whether a vault is encrypted to the recipients promvault.yml
//! lists (a teammate added by hand, never rekeyed). The hash ties the record to one exact
//! vault file: a vault written by anything else (`age -e`, a bad merge) no longer matches its
//! record, which `promvault check` reports. The names let `check` render every template
//! without any key, with placeholders in place of the secrets. Values are never recorded.
//!
//! A write keeps vault and record in step across a kill: the record first gets the new file's
//! record as `pending`, then the vault is written, then the record is completed. A kill
//! between the two leaves a vault whose hash is the pending one ([`Match::Unfinished`]),
//! which `check` accepts with a warning, without any key. A vault matching neither hash
//! ([`Match::Stale`]) cannot be told, without a key, from one changed by something else:
//! `check` fails on it, and says whether a key here opens it.

use std::{
    fs,
    path::{Path, PathBuf},
};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{output, yaml};

/// What the record says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub sha256: String,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub variables: Vec<String>,
    /// The kind of each variable that is not a plain string (see [`kind_of`]), so that checks
    /// can stand in a value of the right shape.
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, String>,
    /// A write under way: the record of the vault file promvault is about to write. Written
    /// before the vault, removed when the record is completed after it, so a write killed
    /// between the two leaves a vault whose hash is this one (see [`write_pending`]).
    #[serde(default)]
    pub pending: Option<Pending>,
}

/// The record of a vault file being written (see [`Record::pending`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pending {
    pub sha256: String,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub variables: Vec<String>,
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, String>,
}

/// How a vault file stands against its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The record describes this file.
    Current,
    /// A promvault write was killed after the vault was written and before its record was
    /// completed: the file is exactly the one promvault wrote, which `pending` describes.
    Unfinished,
    /// A promvault write was killed before the vault was written: the file is the previous
    /// one, whole, which the record describes; the change was not made.
    NotWritten,
    /// The file is not the one the record describes, nor the one a write was about to put
    /// there: written by another tool (`age -e`, a merge), by a promvault from before pending
    /// records that was killed between the vault and its record, or tampered with.
    Stale,
}

impl Record {
    /// How the vault file `bytes` stands against this record.
    #[must_use]
    pub fn matches(&self, bytes: &[u8]) -> Match {
        let hash = digest(bytes);
        match &self.pending {
            Some(p) if p.sha256 == hash => Match::Unfinished,
            Some(_) if self.sha256 == hash => Match::NotWritten,
            _ if self.sha256 == hash => Match::Current,
            _ => Match::Stale,
        }
    }

    /// The record of the file on disk, given how it matches: the pending one for
    /// [`Match::Unfinished`], else this one.
    #[must_use]
    pub fn describing(
        &self,
        m: &Match,
    ) -> (
        Vec<String>,
        Vec<String>,
        std::collections::BTreeMap<String, String>,
    ) {
        match (&self.pending, m) {
            (Some(p), Match::Unfinished) => {
                (p.recipients.clone(), p.variables.clone(), p.kinds.clone())
            }
            _ => (
                self.recipients.clone(),
                self.variables.clone(),
                self.kinds.clone(),
            ),
        }
    }
}

/// The kind a record notes for a variable: `string`, `bcrypt` (a string holding a bcrypt hash,
/// so `check` finds one used as a client password without any key), `mapping`, `list`,
/// `number`, `bool` or `null`. Values themselves are never recorded.
#[must_use]
pub fn kind_of(value: &crate::data::Data) -> &'static str {
    use crate::data::Data;
    match value {
        Data::Str(s) | Data::Unsafe(s) if crate::secrets::is_bcrypt_hash(s) => "bcrypt",
        Data::Str(_) | Data::Unsafe(_) => "string",
        Data::Map(_) => "mapping",
        Data::Seq(_) => "list",
        Data::Int(_) | Data::Float(_) => "number",
        Data::Bool(_) => "bool",
        Data::Null => "null",
    }
}

/// The record's path for a vault: the vault's path plus `.recipients`.
#[must_use]
pub fn path_for(vault: &Path) -> PathBuf {
    let mut p = vault.as_os_str().to_owned();
    p.push(".recipients");
    PathBuf::from(p)
}

/// The hex SHA-256 of a vault file's bytes.
#[must_use]
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record's text (stable, so an unchanged vault gives an unchanged record).
#[must_use]
pub fn render(
    display: &str,
    vault_bytes: &[u8],
    recipients: &[String],
    variables: &[(String, &'static str)],
) -> String {
    let mut out = format!(
        "# Written by promvault with {display}: the recipients it is encrypted to and the names of\n\
         # its variables (never their values). `promvault check` compares it with promvault.yml.\n\
         sha256: {}\nrecipients:\n",
        digest(vault_bytes)
    );
    for r in recipients {
        out.push_str(&format!("  - {}\n", yaml::double_quoted(r.trim())));
    }
    out.push_str("variables:\n");
    for (v, _) in variables {
        out.push_str(&format!("  - {}\n", yaml::double_quoted(v)));
    }
    let others: Vec<&(String, &'static str)> =
        variables.iter().filter(|(_, k)| *k != "string").collect();
    if !others.is_empty() {
        out.push_str("kinds:\n");
        for (v, k) in others {
            out.push_str(&format!("  {}: {k}\n", yaml::double_quoted(v)));
        }
    }
    out
}

/// The record of a vault's current file with the record of the file about to replace it
/// appended as `pending:` (indented under it).
fn render_pending(current: &str, new: &str) -> String {
    let mut out = String::new();
    for line in current.lines().take_while(|l| !l.starts_with("pending:")) {
        if !line.starts_with("# A write of") && !line.starts_with("#   ") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(
        "# A write of the vault was under way: if its hash is the one below, it finished and this\n\
         #   record was not yet completed (the next write completes it, or `promvault rekey`).\n\
         pending:\n",
    );
    for line in new.lines().filter(|l| !l.starts_with('#')) {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Before a vault is written: adds to its record (when it has a readable one) the record of
/// the file about to be written, as `pending`, so that a write killed after the vault and
/// before [`write`] leaves a vault that [`Record::matches`] as [`Match::Unfinished`] instead
/// of one that cannot be told from a vault changed by something else.
///
/// # Errors
/// I/O.
pub fn write_pending(
    vault: &Path,
    display: &str,
    vault_bytes: &[u8],
    recipients: &[String],
    variables: &[(String, &'static str)],
) -> std::io::Result<()> {
    let path = path_for(vault);
    let Ok(current) = fs::read_to_string(&path) else {
        return Ok(());
    };
    if yaml::from_str::<Record>(&current).is_err() {
        return Ok(());
    }
    let new = render(display, vault_bytes, recipients, variables);
    output::write_atomic(&path, render_pending(&current, &new).as_bytes(), 0o644).map(|_| ())
}

/// Writes the record for a vault just written.
///
/// # Errors
/// I/O.
pub fn write(
    vault: &Path,
    display: &str,
    vault_bytes: &[u8],
    recipients: &[String],
    variables: &[(String, &'static str)],
) -> std::io::Result<()> {
    let text = render(display, vault_bytes, recipients, variables);
    output::write_atomic(&path_for(vault), text.as_bytes(), 0o644).map(|_| ())
}

/// Reads the record beside a vault; `Ok(None)` when there is none.
///
/// # Errors
/// An unreadable or malformed record (as a message).
pub fn read(vault: &Path) -> Result<Option<Record>, String> {
    let path = path_for(vault);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    yaml::from_str(&text)
        .map(Some)
        .map_err(|e| yaml::error_message(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("prod.yml.age");
        write(
            &vault,
            "vault/prod.yml.age",
            b"bytes",
            &["age1x".into(), "ssh-ed25519 AAAA c".into()],
            &[("a".into(), "string"), ("m".into(), "mapping")],
        )
        .unwrap();
        let r = read(&vault).unwrap().unwrap();
        assert_eq!(r.sha256, digest(b"bytes"));
        assert_eq!(r.recipients, ["age1x", "ssh-ed25519 AAAA c"]);
        assert_eq!(r.variables, ["a", "m"]);
        assert_eq!(r.kinds.get("m").map(String::as_str), Some("mapping"));
        assert!(read(&dir.path().join("none.age")).unwrap().is_none());
    }

    #[test]
    fn a_pending_record_tells_an_unfinished_write_from_a_stale_record() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("prod.yml.age");
        let vars = [("a".to_string(), "string"), ("m".to_string(), "mapping")];
        write(&vault, "v", b"old", &["age1x".into()], &vars[..1]).unwrap();
        let r = read(&vault).unwrap().unwrap();
        assert_eq!(r.matches(b"old"), Match::Current);
        assert_eq!(r.matches(b"other"), Match::Stale);
        write_pending(
            &vault,
            "v",
            b"new",
            &["age1x".into(), "age1y".into()],
            &vars,
        )
        .unwrap();
        // twice: a pending record left by an earlier kill is replaced, not nested
        write_pending(
            &vault,
            "v",
            b"new",
            &["age1x".into(), "age1y".into()],
            &vars,
        )
        .unwrap();
        let r = read(&vault).unwrap().unwrap();
        assert_eq!(r.matches(b"old"), Match::NotWritten);
        assert_eq!(r.matches(b"new"), Match::Unfinished);
        assert_eq!(r.matches(b"other"), Match::Stale);
        let (recipients, variables, kinds) = r.describing(&Match::Unfinished);
        assert_eq!(recipients, ["age1x", "age1y"]);
        assert_eq!(variables, ["a", "m"]);
        assert_eq!(kinds.get("m").map(String::as_str), Some("mapping"));
        assert_eq!(r.describing(&Match::NotWritten).1, ["a"]);
        // the write completes it: no pending left
        write(&vault, "v", b"new", &["age1x".into()], &vars).unwrap();
        let text = fs::read_to_string(path_for(&vault)).unwrap();
        assert!(!text.contains("pending"), "{text}");
    }
}
