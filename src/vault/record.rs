//! The record kept beside each vault (`vault/ENV.yml.age.recipients`): the recipients it was
//! encrypted to, the names of its variables, and the SHA-256 of the vault file it describes.
//!
//! age does not name X25519 recipients in a file's header, so without this record nobody
//! could tell, without a key, whether a vault is encrypted to the recipients promvault.yml
//! lists (a teammate added by hand, never rekeyed). The hash ties the record to one exact
//! vault file: a vault written by anything else (`age -e`, a bad merge) no longer matches its
//! record, which `promvault check` reports. The names let `check` render every template
//! without any key, with placeholders in place of the secrets. Values are never recorded.

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
}
