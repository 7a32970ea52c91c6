//! Reading ansible-vault files, for `promvault import-ansible-vault`: the 1.1 and 1.2
//! (`$ANSIBLE_VAULT;1.2;AES256;LABEL`) formats, as whole files or as inline `!vault` values
//! of a vars file.
//!
//! The format (Ansible's `VaultAES256`): after the header line, hex text whose bytes are
//! `hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)`. PBKDF2-HMAC-SHA256 of the password with the
//! salt (10,000 iterations) gives 80 bytes: the AES-256 key, the HMAC-SHA256 key and the CTR
//! counter block. The HMAC covers the ciphertext and is checked (in constant time) before
//! anything is decrypted; the plaintext is PKCS#7-padded.

use aes::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Why an ansible-vault text does not open. Never holds any of the plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnsibleVaultError {
    #[error("not an ansible-vault text (it must start with `$ANSIBLE_VAULT;1.1;AES256` or `$ANSIBLE_VAULT;1.2;AES256;LABEL`)")]
    NotAVault,
    #[error("ansible-vault format `{0}` is not supported (only 1.1 and 1.2 with AES256)")]
    Unsupported(String),
    #[error("the ansible-vault text is damaged (its hex payload does not decode)")]
    Damaged,
    #[error("the vault password is wrong (or the file was changed): its HMAC does not match")]
    WrongPassword,
}

/// The header of an ansible-vault text: its format version and vault-id label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub version: String,
    pub label: Option<String>,
}

/// Whether `text` starts as an ansible-vault file does.
#[must_use]
pub fn is_ansible_vault(text: &[u8]) -> bool {
    text.trim_ascii_start().starts_with(b"$ANSIBLE_VAULT;")
}

/// Reads the header line.
///
/// # Errors
/// Not an ansible-vault text, or a format other than 1.1/1.2 AES256.
pub fn header(text: &str) -> Result<Header, AnsibleVaultError> {
    let first = text.trim_start().lines().next().unwrap_or("");
    let mut parts = first.trim().split(';');
    if parts.next() != Some("$ANSIBLE_VAULT") {
        return Err(AnsibleVaultError::NotAVault);
    }
    let version = parts.next().unwrap_or("").to_string();
    let cipher = parts.next().unwrap_or("");
    let label = parts.next().map(str::to_string);
    if !matches!(version.as_str(), "1.1" | "1.2") || cipher != "AES256" {
        return Err(AnsibleVaultError::Unsupported(first.trim().to_string()));
    }
    Ok(Header { version, label })
}

/// Decrypts an ansible-vault text with `password`.
///
/// # Errors
/// Not a vault, an unsupported format, a damaged payload or a wrong password.
pub fn decrypt(text: &str, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, AnsibleVaultError> {
    header(text)?;
    let body: String = text
        .trim_start()
        .lines()
        .skip(1)
        .flat_map(|l| l.trim().chars())
        .collect();
    let outer = hex_decode(&body).ok_or(AnsibleVaultError::Damaged)?;
    let outer = String::from_utf8(outer).map_err(|_| AnsibleVaultError::Damaged)?;
    let mut fields = outer.split('\n');
    let (Some(salt), Some(mac), Some(ciphertext), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(AnsibleVaultError::Damaged);
    };
    let salt = hex_decode(salt).ok_or(AnsibleVaultError::Damaged)?;
    let mac = hex_decode(mac).ok_or(AnsibleVaultError::Damaged)?;
    let ciphertext = hex_decode(ciphertext).ok_or(AnsibleVaultError::Damaged)?;
    let mut keys = Zeroizing::new([0u8; 80]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password, &salt, 10_000, keys.as_mut());
    let (key, rest) = keys.split_at(32);
    let (mac_key, iv) = rest.split_at(32);
    let mut hmac =
        <Hmac<Sha256> as Mac>::new_from_slice(mac_key).map_err(|_| AnsibleVaultError::Damaged)?;
    hmac.update(&ciphertext);
    hmac.verify_slice(&mac)
        .map_err(|_| AnsibleVaultError::WrongPassword)?;
    let mut plain = Zeroizing::new(ciphertext);
    let mut cipher = ctr::Ctr128BE::<aes::Aes256>::new(key.into(), iv.into());
    cipher.apply_keystream(&mut plain);
    // PKCS#7 padding
    let pad = usize::from(*plain.last().ok_or(AnsibleVaultError::Damaged)?);
    if pad == 0
        || pad > 16
        || pad > plain.len()
        || !plain[plain.len() - pad..]
            .iter()
            .all(|&b| usize::from(b) == pad)
    {
        return Err(AnsibleVaultError::Damaged);
    }
    let len = plain.len() - pad;
    plain.truncate(len);
    Ok(plain)
}

/// The variables an ansible-vault file brings: every variable of a whole-file vault (its
/// plaintext must be YAML variables), or the variables of a vars file that hold inline
/// `!vault` values (its plain variables stay where they are, and are named in `left`).
#[derive(Debug, Default)]
pub struct Imported {
    pub variables: Vec<(String, crate::data::Data)>,
    /// Plain (unencrypted) variables of a vars file, not imported.
    pub left: Vec<String>,
    /// Whether the whole file was a vault (else it held inline values).
    pub whole_file: bool,
}

/// Why a file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Vault {
        path: String,
        source: AnsibleVaultError,
    },
    #[error("{path}:{line}: {message}")]
    Yaml {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Content { path: String, message: String },
}

/// Reads the variables of one ansible-vault file (`text`, named `path`).
///
/// # Errors
/// A wrong password, a damaged vault, or a plaintext that is not YAML variables.
pub fn read_variables(path: &str, text: &str, password: &[u8]) -> Result<Imported, ImportError> {
    use crate::data::Data;
    let vault_error = |source| ImportError::Vault {
        path: path.to_string(),
        source,
    };
    let (plain, whole_file) = if is_ansible_vault(text.as_bytes()) {
        let bytes = decrypt(text, password).map_err(vault_error)?;
        let plain = String::from_utf8(bytes.to_vec()).map_err(|_| ImportError::Content {
            path: path.to_string(),
            message: "its plaintext is not UTF-8 text; use `promvault encrypt` for other files"
                .to_string(),
        })?;
        (Zeroizing::new(plain), true)
    } else {
        (Zeroizing::new(text.to_string()), false)
    };
    let decrypted = std::cell::RefCell::new(Vec::<Zeroizing<String>>::new());
    let failure = std::cell::RefCell::new(None);
    let decrypt_inline = |value: &str| -> Result<String, String> {
        match decrypt(value, password) {
            Ok(bytes) => {
                let s = String::from_utf8(bytes.to_vec())
                    .map_err(|_| "an inline !vault value is not UTF-8 text".to_string())?;
                decrypted.borrow_mut().push(Zeroizing::new(s.clone()));
                Ok(s)
            }
            Err(e) => {
                let message = e.to_string();
                *failure.borrow_mut() = Some(e);
                Err(message)
            }
        }
    };
    let doc = crate::yaml::load::load_decrypting(&plain, Some(&decrypt_inline)).map_err(|e| {
        match failure.borrow_mut().take() {
            Some(source) => ImportError::Vault {
                path: format!("{path}:{}", e.line),
                source,
            },
            // the loader's message may quote the plaintext: only its position is kept
            None => ImportError::Yaml {
                path: path.to_string(),
                line: e.line,
                message: if whole_file {
                    "the decrypted file is not valid YAML".to_string()
                } else {
                    "not valid YAML".to_string()
                },
            },
        }
    })?;
    let entries = match doc.data {
        Data::Map(entries) => entries,
        Data::Null => Vec::new(),
        _ => {
            return Err(ImportError::Content {
                path: path.to_string(),
                message: "it does not hold YAML variables (a mapping of names to values); use `promvault encrypt` for other files".to_string(),
            })
        }
    };
    let decrypted = decrypted.into_inner();
    let holds_vault_value = |data: &Data| -> bool {
        fn walk(data: &Data, found: &dyn Fn(&str) -> bool) -> bool {
            match data {
                Data::Unsafe(s) => found(s),
                Data::Seq(items) => items.iter().any(|d| walk(d, found)),
                Data::Map(entries) => entries.iter().any(|(_, v)| walk(v, found)),
                _ => false,
            }
        }
        walk(data, &|s| decrypted.iter().any(|d| d.as_str() == s))
    };
    let mut imported = Imported {
        whole_file,
        ..Imported::default()
    };
    for (key, value) in entries {
        let Some(name) = key.as_str().map(str::to_string) else {
            return Err(ImportError::Content {
                path: path.to_string(),
                message: "a key is not a variable name".to_string(),
            });
        };
        if !crate::yaml::is_variable_name(&name) {
            return Err(ImportError::Content {
                path: path.to_string(),
                message: format!("`{name}` is not a valid variable name"),
            });
        }
        if whole_file || holds_vault_value(&value) {
            imported.variables.push((name, value));
        } else {
            imported.left.push(name);
        }
    }
    Ok(imported)
}

/// The vault text `text` (named `display`) with the `incoming` variables (name, value, the
/// file it came from) set, every other line kept. A name the vault already has is refused,
/// and nothing changes, unless `overwrite`.
///
/// # Errors
/// Names the vault already has, or a vault text that cannot be edited line-wise.
pub fn merge_into(
    text: &str,
    display: &str,
    incoming: &[(String, crate::data::Data, String)],
    overwrite: bool,
) -> Result<Zeroizing<String>, crate::Error> {
    let existing = crate::vault::variables(text, display)?;
    let conflicts: Vec<String> = incoming
        .iter()
        .filter(|(n, _, _)| existing.contains_key(n))
        .map(|(n, _, _)| format!("`{n}`"))
        .collect();
    if !conflicts.is_empty() && !overwrite {
        return Err(crate::Error::usage(
            format!(
                "{display} already has {}; nothing was imported",
                conflicts.join(", ")
            ),
            Some(
                "pass --overwrite to replace them, or rename them in the ansible-vault file"
                    .to_string(),
            ),
        ));
    }
    let mut merged = Zeroizing::new(text.to_string());
    for (name, value, _) in incoming {
        if let Some(new) = crate::vault::set_data(&merged, name, value, display)? {
            merged = new;
        }
    }
    Ok(merged)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ansible-vault");

    fn password() -> Vec<u8> {
        std::fs::read_to_string(format!("{DATA}/vault-password.txt"))
            .unwrap()
            .trim()
            .as_bytes()
            .to_vec()
    }

    #[test]
    fn every_vector_decrypts_to_its_plaintext() {
        for name in [
            "01-vars-1.1.yml",
            "02-no-newline-1.1.txt",
            "03-unicode-1.1.yml",
            "04-prod-label-1.2.yml",
        ] {
            let vault = std::fs::read_to_string(format!("{DATA}/{name}.vault")).unwrap();
            let plain = std::fs::read(format!("{DATA}/{name}.plain")).unwrap();
            assert_eq!(*decrypt(&vault, &password()).unwrap(), plain, "{name}");
        }
        let vault = std::fs::read_to_string(format!("{DATA}/04-prod-label-1.2.yml.vault")).unwrap();
        assert_eq!(header(&vault).unwrap().label.as_deref(), Some("prod"));
    }

    #[test]
    fn a_wrong_password_or_a_changed_byte_is_refused() {
        let vault = std::fs::read_to_string(format!("{DATA}/01-vars-1.1.yml.vault")).unwrap();
        assert_eq!(
            decrypt(&vault, b"wrong").unwrap_err(),
            AnsibleVaultError::WrongPassword
        );
        // flip one hex digit of the payload
        let mut lines: Vec<String> = vault.lines().map(str::to_string).collect();
        let last = lines.len() - 1;
        let c = lines[last].pop().unwrap();
        lines[last].push(if c == '0' { '1' } else { '0' });
        let err = decrypt(&lines.join("\n"), &password()).unwrap_err();
        assert!(matches!(
            err,
            AnsibleVaultError::WrongPassword | AnsibleVaultError::Damaged
        ));
        assert_eq!(
            decrypt("plain: text", b"x").unwrap_err(),
            AnsibleVaultError::NotAVault
        );
        assert!(matches!(
            decrypt("$ANSIBLE_VAULT;1.0;AES\n00", b"x").unwrap_err(),
            AnsibleVaultError::Unsupported(_)
        ));
    }

    #[test]
    fn inline_values_are_imported_and_plain_ones_left() {
        let text = std::fs::read_to_string(format!("{DATA}/05-inline-encrypt-string.yml")).unwrap();
        let plain = std::fs::read_to_string(format!("{DATA}/05-inline.plain")).unwrap();
        let got = read_variables("vars.yml", &text, &password()).unwrap();
        assert!(!got.whole_file);
        assert_eq!(got.left, ["web_user", "other_plain"]);
        assert_eq!(got.variables.len(), 1);
        assert_eq!(got.variables[0].0, "vault_inline_password");
        assert_eq!(got.variables[0].1.as_str(), Some(plain.as_str()));
        let err = read_variables("vars.yml", &text, b"wrong").unwrap_err();
        assert!(err.to_string().contains("password is wrong"), "{err}");
        // a whole-file vault of text, not variables
        let text = std::fs::read_to_string(format!("{DATA}/02-no-newline-1.1.txt.vault")).unwrap();
        let err = read_variables("notes.txt", &text, &password()).unwrap_err();
        assert!(
            err.to_string().contains("does not hold YAML variables"),
            "{err}"
        );
    }
}
