//! The vault: an ASCII-armored age file holding a YAML mapping of secret variables,
//! encrypted to every recipient of its environment. Anything `age -d` can open.
//!
//! Reading is strict: a vault must be a canonical age file (armored exactly as age writes
//! it, or binary). A plaintext file, an ansible-vault file, a truncated or tampered file is
//! rejected with a message that says which, and nothing is written.
//!
//! Plaintext is held in [`Zeroizing`] buffers and never appears in an error.

pub mod merge;
pub mod record;

use std::{
    borrow::Cow,
    fs,
    io::{Read, Write},
    path::Path,
};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use base64::Engine;
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{
    identity::{self, Identities, IdentityError},
    output::{self, WriteOutcome},
    yaml::{self, MappingError},
};

const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END: &str = "-----END AGE ENCRYPTED FILE-----";
const BINARY_MAGIC: &str = "age-encryption.org/";

/// The most recipient stanzas promvault reads in an age header. The `age` crate (0.12)
/// parses a header again from its start for every line it reads, in time that grows with the
/// square of the header's size (20,000 stanzas: minutes); a project has a handful of
/// recipients, so a header past this bound is refused before age sees it.
pub const MAX_STANZAS: usize = 1000;
/// The most lines promvault reads in an age header (a stanza takes two lines for an age
/// key, seven for a 2048-bit RSA SSH key), for the same reason as [`MAX_STANZAS`].
pub const MAX_HEADER_LINES: usize = 8000;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{path} does not exist")]
    Missing { path: String, env: Option<String> },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path} is not encrypted: it looks like plaintext, where an age-encrypted vault must be"
    )]
    Plaintext { path: String },
    #[error("{path} holds a git merge conflict (two versions of the vault between <<<<<<< and >>>>>>> markers): it cannot be opened")]
    MergeConflict { path: String },
    #[error("{path} is an ansible-vault file, not an age file")]
    AnsibleVault { path: String },
    #[error("{path} is damaged or was tampered with: {what}")]
    Damaged { path: String, what: String },
    #[error("{0}")]
    WrongIdentity(Box<NoMatchingIdentity>),
    #[error("{path} is encrypted with a passphrase, not to recipients")]
    Passphrase { path: String },
    #[error("{path} was not opened: its age header holds {stanzas} recipient stanzas in {lines} lines, more than promvault reads (at most {MAX_STANZAS} stanzas and {MAX_HEADER_LINES} lines)")]
    HeaderTooLarge {
        path: String,
        stanzas: usize,
        lines: usize,
    },
    #[error("cannot open {path}: {message}")]
    Identity { path: String, message: String },
    #[error("{path}: the decrypted content is not UTF-8 text")]
    NotUtf8 { path: String },
    #[error("{path} (decrypted), {}: {error}", error.position())]
    Content { path: String, error: MappingError },
    #[error("{message}")]
    Unsupported { message: String },
    #[error("cannot encrypt {path}: {message}")]
    Encrypt { path: String, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} changed while you were working on it (another edit, a git pull?); it was not overwritten: your version is saved, encrypted, in {saved}")]
    Conflict { path: String, saved: String },
    #[error(transparent)]
    Recipient(#[from] IdentityError),
}

impl VaultError {
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            VaultError::Missing { env: Some(env), .. } => {
                format!("create it with `promvault edit {env}`")
            }
            VaultError::Plaintext { path } => format!(
                "encrypt it with `promvault encrypt {path}` (and never commit the plaintext)"
            ),
            VaultError::MergeConflict { path } => format!(
                "keep one side (`git checkout --theirs {path}` or `--ours`), make the other side's changes again with `promvault edit ENV` (`git show :2:{path} > other.age && promvault decrypt other.age -o -` shows it), then `git add {path}`"
            ),
            VaultError::AnsibleVault { path } => format!(
                "move it aside (`git mv {path} {path}.ansible`), then `promvault import-ansible-vault {path}.ansible --env ENV --vault-password-file FILE`"
            ),
            VaultError::Damaged { path, .. } => {
                format!("restore it from git (`git checkout -- {path}`) or from a backup")
            }
            VaultError::HeaderTooLarge { path, .. } => format!(
                "a vault is encrypted to the few recipients promvault.yml lists: if {path} is genuine, open it with `age -d` and encrypt the plaintext again with `promvault encrypt`; otherwise restore it from git (`git checkout -- {path}`)"
            ),
            VaultError::WrongIdentity(_) => "ask someone who can open it to run `promvault recipients add <your recipient>`, or pass the right key with --identity".to_string(),
            VaultError::Content { .. } => "fix it with `promvault edit ENV`".to_string(),
            VaultError::Conflict { saved, .. } => format!(
                "compare `promvault decrypt {saved} -o -` with the vault, make the change again, then delete {saved}"
            ),
            VaultError::Recipient(e) => return e.hint(),
            _ => return None,
        })
    }
}

/// Why no identity opened a vault: what was tried, and what the file is encrypted to.
#[derive(Debug, Clone)]
pub struct NoMatchingIdentity {
    pub path: String,
    pub stanzas: StanzaSummary,
    /// Where the identities tried came from.
    pub tried: Vec<String>,
    /// The recipients (from promvault.yml) that the header's SSH stanzas name.
    pub named: Vec<String>,
    /// The recipients promvault.yml lists for the vault.
    pub listed: Vec<String>,
    /// The recipients of the identities tried.
    pub mine: Vec<String>,
}

impl std::fmt::Display for NoMatchingIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "none of your identities can open {}", self.path)?;
        write!(f, "\n  tried: {}", self.tried.join(", "))?;
        if !self.mine.is_empty() {
            write!(f, " (recipients: {})", self.mine.join(", "))?;
        }
        write!(f, "\n  it is encrypted to {}", self.stanzas)?;
        if !self.named.is_empty() {
            write!(f, " ({})", self.named.join(", "))?;
        }
        if !self.listed.is_empty() {
            write!(f, "; promvault.yml lists: {}", self.listed.join(", "))?;
        }
        Ok(())
    }
}

/// How many recipient stanzas an age header holds, by type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StanzaSummary {
    /// (type, count), in order of first appearance.
    pub kinds: Vec<(String, usize)>,
    /// The tags of SSH stanzas (which name the key they are for).
    pub ssh_tags: Vec<String>,
}

impl StanzaSummary {
    #[must_use]
    pub fn total(&self) -> usize {
        self.kinds.iter().map(|(_, n)| n).sum()
    }
}

impl std::fmt::Display for StanzaSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.total();
        write!(f, "{total} recipient{}", if total == 1 { "" } else { "s" })?;
        if !self.kinds.is_empty() {
            let parts: Vec<String> = self.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
            write!(f, " [{}]", parts.join(", "))?;
        }
        Ok(())
    }
}

/// Reads the stanza lines of a binary age header (text up to the `---` line).
#[must_use]
pub fn stanza_summary(binary: &[u8]) -> StanzaSummary {
    let mut summary = StanzaSummary::default();
    let header_end = binary
        .windows(4)
        .position(|w| w == b"\n---")
        .unwrap_or(binary.len().min(64 * 1024));
    let header = String::from_utf8_lossy(&binary[..header_end]);
    for line in header.lines().filter_map(|l| l.strip_prefix("-> ")) {
        let mut fields = line.split(' ');
        let kind = fields.next().unwrap_or("?").to_string();
        // age adds random "grease" stanzas that no identity opens; they are not recipients.
        if kind.ends_with("-grease") {
            continue;
        }
        if kind.starts_with("ssh-") {
            summary.ssh_tags.extend(fields.next().map(str::to_string));
        }
        match summary.kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => summary.kinds.push((kind, 1)),
        }
    }
    summary
}

/// Refuses an age header too large to parse in reasonable time (see [`MAX_STANZAS`]): one
/// linear pass over its lines, up to the `---` line that ends it.
///
/// # Errors
/// [`VaultError::HeaderTooLarge`] with the counts.
pub fn check_header_size(binary: &[u8], display: &str) -> Result<(), VaultError> {
    let mut stanzas = 0;
    let mut lines = 0;
    for line in binary.split(|&b| b == b'\n') {
        if line.starts_with(b"---") {
            break;
        }
        lines += 1;
        if line.starts_with(b"-> ") {
            stanzas += 1;
        }
    }
    if stanzas > MAX_STANZAS || lines > MAX_HEADER_LINES {
        return Err(VaultError::HeaderTooLarge {
            path: display.to_string(),
            stanzas,
            lines,
        });
    }
    Ok(())
}

/// The tag an age SSH stanza carries for an SSH public key (`ssh-ed25519 AAAA...`).
#[must_use]
pub fn ssh_tag(recipient: &str) -> Option<String> {
    let blob = recipient.split_whitespace().nth(1)?;
    let wire = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let digest = Sha256::digest(&wire);
    Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(&digest[..4]))
}

/// De-armors an armored age file and checks it is armored exactly as age writes it, so that
/// any change to the text (even one the decoder would forgive) is caught.
///
/// A file armored as age writes it on Unix is decoded and checked in one pass
/// ([`dearmor_as_age_writes`]); anything else (CRLF line ends, or a file that is not canonical)
/// takes the slower way, which also says what is wrong.
fn dearmor_canonical(raw: &[u8], path: &str) -> Result<Vec<u8>, VaultError> {
    match dearmor_as_age_writes(raw) {
        Some(binary) => Ok(binary),
        None => dearmor_then_compare(raw, path),
    }
}

/// [`dearmor_canonical`] the slow way: age's decoder, then the payload armored again as age
/// would and compared with `raw`.
fn dearmor_then_compare(raw: &[u8], path: &str) -> Result<Vec<u8>, VaultError> {
    let damaged = |what: &str| VaultError::Damaged {
        path: path.to_string(),
        what: what.to_string(),
    };
    let mut binary = Vec::new();
    ArmoredReader::new(raw)
        .read_to_end(&mut binary)
        .map_err(|_| damaged("its ASCII armor does not decode (truncated or edited)"))?;
    let matches = if raw.contains(&b'\r') {
        let canonical = armor(&binary).map_err(|_| damaged("its ASCII armor does not decode"))?;
        let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        text == canonical || format!("{text}\n") == canonical
    } else {
        // the same comparison, made as age writes the armor: no copy of the text
        is_armored_as_age_writes(&binary, raw)
            .map_err(|_| damaged("its ASCII armor does not decode"))?
    };
    if !matches {
        return Err(damaged(
            "its ASCII armor differs from what age writes (edited by hand?)",
        ));
    }
    Ok(binary)
}

/// The payload of `raw` when `raw` is armored exactly as age writes it with `\n` line ends (the
/// last newline may be missing), decoded in one pass straight into a buffer of its size;
/// `None` for anything else.
///
/// Exactly one text is accepted for each payload, the one age writes: the begin line, lines
/// of 64 base64 columns but the last (1 to 64 columns), the end line; every full line but the
/// last decodes without padding, the last with canonical padding and no stray bits (the
/// `base64` crate's `STANDARD` engine accepts a payload's canonical encoding only).
fn dearmor_as_age_writes(raw: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    const COLUMNS: usize = 64;
    const BYTES: usize = COLUMNS / 4 * 3;
    let body = raw
        .strip_prefix(ARMOR_BEGIN.as_bytes())?
        .strip_prefix(b"\n")?;
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    let body = body
        .strip_suffix(ARMOR_END.as_bytes())?
        .strip_suffix(b"\n")?;
    // full lines (64 columns and their newline), then the last line: 1 to 64 columns
    let full = body.len() / (COLUMNS + 1);
    let (lines, last) = body.split_at(full * (COLUMNS + 1));
    if last.is_empty() {
        return None;
    }
    let mut binary = vec![0u8; full * BYTES + BYTES];
    for (line, out) in lines
        .chunks_exact(COLUMNS + 1)
        .zip(binary.chunks_exact_mut(BYTES))
    {
        let (columns, newline) = line.split_at(COLUMNS);
        if newline != b"\n" || STANDARD_NO_PAD.decode_slice(columns, out).ok()? != BYTES {
            return None;
        }
    }
    let tail = STANDARD
        .decode_slice(last, &mut binary[full * BYTES..])
        .ok()?;
    binary.truncate(full * BYTES + tail);
    Some(binary)
}

/// Whether `raw` is what age's armor of `binary` is (the last newline may be missing).
fn is_armored_as_age_writes(binary: &[u8], raw: &[u8]) -> std::io::Result<bool> {
    /// Compares what is written with `expected`, from its start.
    struct Compare<'a> {
        expected: &'a [u8],
        at: usize,
        same: bool,
    }
    impl Write for Compare<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let end = self.at + buf.len();
            let overlap = end.min(self.expected.len());
            if self.same && self.at < overlap {
                self.same = self.expected[self.at..overlap] == buf[..overlap - self.at];
            }
            // past the end: only the one newline `raw` may lack
            if end > self.expected.len() {
                let past = &buf[overlap.saturating_sub(self.at)..];
                let first = self.at.max(self.expected.len());
                self.same &= first == self.expected.len() && past == b"\n";
            }
            self.at = end;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut sink = Compare {
        expected: raw,
        at: 0,
        same: true,
    };
    let mut w = ArmoredWriter::wrap_output(&mut sink, Format::AsciiArmor)?;
    w.write_all(binary)?;
    w.finish()?;
    let whole = sink.at == raw.len() || sink.at == raw.len() + 1;
    Ok(sink.same && whole)
}

fn armor(binary: &[u8]) -> std::io::Result<String> {
    let mut out = Vec::new();
    let mut w = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor)?;
    w.write_all(binary)?;
    w.finish()?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Decrypts the vault at `path` (`display` is how messages name it). `expected` are the
/// recipients the project lists for it, used to explain a wrong identity.
///
/// # Errors
/// Missing, plaintext, damaged, wrong identity, not UTF-8.
pub fn decrypt(
    path: &Path,
    display: &str,
    identities: &Identities,
    expected: &[String],
) -> Result<Zeroizing<String>, VaultError> {
    let raw = match fs::read(path) {
        Ok(raw) => raw,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VaultError::Missing {
                path: display.to_string(),
                env: None,
            })
        }
        Err(source) => {
            return Err(VaultError::Read {
                path: display.to_string(),
                source,
            })
        }
    };
    let raw = Zeroizing::new(raw);
    decrypt_bytes(&raw, display, identities, expected)
}

/// Whether git left merge-conflict markers in the file (two versions of a vault, merged as
/// text: neither opens).
#[must_use]
pub fn has_conflict_markers(raw: &[u8]) -> bool {
    let starts = |marker: &[u8]| {
        raw.split(|&b| b == b'\n')
            .any(|line| line.starts_with(marker))
    };
    starts(b"<<<<<<< ") && starts(b">>>>>>> ")
}

/// Whether `raw` starts as an age file does (armored or binary).
#[must_use]
pub fn looks_encrypted(raw: &[u8]) -> bool {
    raw.starts_with(ARMOR_BEGIN.as_bytes()) || raw.starts_with(BINARY_MAGIC.as_bytes())
}

/// [`decrypt`] on bytes already read: the plaintext must be UTF-8 text.
///
/// # Errors
/// As [`decrypt`].
pub fn decrypt_bytes(
    raw: &[u8],
    display: &str,
    identities: &Identities,
    expected: &[String],
) -> Result<Zeroizing<String>, VaultError> {
    let mut plain = decrypt_binary(raw, display, identities, expected)?;
    match String::from_utf8(std::mem::take(&mut *plain)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Err(VaultError::NotUtf8 {
                path: display.to_string(),
            })
        }
    }
}

/// Decrypts any age file's bytes (for `promvault decrypt`, which also handles binary files).
///
/// # Errors
/// Plaintext, damaged, wrong identity.
pub fn decrypt_binary(
    raw: &[u8],
    display: &str,
    identities: &Identities,
    expected: &[String],
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let damaged = |what: &str| VaultError::Damaged {
        path: display.to_string(),
        what: what.to_string(),
    };
    let binary = if raw.starts_with(ARMOR_BEGIN.as_bytes()) {
        Cow::Owned(dearmor_canonical(raw, display)?)
    } else if raw.starts_with(BINARY_MAGIC.as_bytes()) {
        Cow::Borrowed(raw)
    } else if raw.starts_with(b"$ANSIBLE_VAULT") {
        return Err(VaultError::AnsibleVault {
            path: display.to_string(),
        });
    } else if has_conflict_markers(raw) {
        return Err(VaultError::MergeConflict {
            path: display.to_string(),
        });
    } else if raw.is_empty() {
        return Err(damaged("the file is empty"));
    } else if ARMOR_BEGIN.as_bytes().starts_with(raw)
        || BINARY_MAGIC.as_bytes().starts_with(raw)
        || raw.starts_with(b"-----")
        || raw.starts_with(b"age-")
    {
        return Err(damaged("it does not start like an age file"));
    } else {
        return Err(VaultError::Plaintext {
            path: display.to_string(),
        });
    };
    check_header_size(&binary, display)?;
    let decryptor = age::Decryptor::new_buffered(&binary[..]).map_err(|e| match e {
        age::DecryptError::UnknownFormat if !binary.starts_with(b"age-encryption.org/v1\n") => {
            damaged("its age format version is unknown")
        }
        _ => damaged("its age header is invalid"),
    })?;
    if decryptor.is_scrypt() {
        return Err(VaultError::Passphrase {
            path: display.to_string(),
        });
    }
    let mut reader = decryptor.decrypt(identities.iter()).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => {
            let stanzas = stanza_summary(&binary);
            let named = expected
                .iter()
                .filter(|r| ssh_tag(r).is_some_and(|t| stanzas.ssh_tags.contains(&t)))
                .cloned()
                .collect();
            VaultError::WrongIdentity(Box::new(NoMatchingIdentity {
                path: display.to_string(),
                stanzas,
                tried: identities
                    .sources
                    .iter()
                    .cloned()
                    .chain(identities.skipped.iter().map(|s| format!("(skipped {s})")))
                    .collect(),
                named,
                listed: expected.to_vec(),
                mine: identities.recipients.clone(),
            }))
        }
        age::DecryptError::InvalidMac => damaged("its header MAC does not match"),
        age::DecryptError::KeyDecryptionFailed => VaultError::Identity {
            path: display.to_string(),
            message: "an identity could not be decrypted (wrong passphrase?)".to_string(),
        },
        age::DecryptError::DecryptionFailed | age::DecryptError::Io(_) => {
            damaged("its encrypted content fails authentication")
        }
        other => VaultError::Identity {
            path: display.to_string(),
            message: other.to_string(),
        },
    })?;
    let plain = read_whole(&mut reader, binary.len())
        .map_err(|_| damaged("its encrypted content is truncated or fails authentication"))?;
    Ok(plain)
}

/// Reads `reader` to its end into one buffer of `size` bytes (more if it holds more): no
/// copy as it grows, and its pages zeroed by the system rather than by a pass over them.
fn read_whole(reader: &mut impl Read, size: usize) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut plain = Zeroizing::new(vec![0u8; size]);
    let mut filled = 0;
    while filled < plain.len() {
        match reader.read(&mut plain[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    plain.truncate(filled);
    if filled == size {
        reader.read_to_end(&mut plain)?;
    }
    Ok(plain)
}

/// Encrypts `plaintext` to `recipients`, ASCII-armored.
///
/// # Errors
/// A recipient does not parse, or age refuses the set.
pub fn encrypt(
    plaintext: &[u8],
    recipients: &[String],
    display: &str,
) -> Result<Vec<u8>, VaultError> {
    let parsed = identity::parse_recipients(recipients)?;
    let encrypt_err = |message: String| VaultError::Encrypt {
        path: display.to_string(),
        message,
    };
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r.as_ref() as &dyn age::Recipient))
            .map_err(|e| encrypt_err(e.to_string()))?;
    let mut out = Vec::with_capacity(plaintext.len() * 2 + 512);
    let armored = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor)
        .map_err(|e| encrypt_err(e.to_string()))?;
    let mut writer = encryptor
        .wrap_output(armored)
        .map_err(|e| encrypt_err(e.to_string()))?;
    writer
        .write_all(plaintext)
        .and_then(|()| writer.finish())
        .and_then(ArmoredWriter::finish)
        .map_err(|e| encrypt_err(e.to_string()))?;
    Ok(out)
}

/// Encrypts `plaintext` to `recipients` and writes it atomically, owner-only, to `path`, with
/// its record. The record first gets the new file's record as `pending`, then the vault is
/// written, then the record is completed: a kill at any instant leaves a vault that its record
/// describes (as it is, or as pending), never one that looks changed by something else.
///
/// # Errors
/// Encryption or I/O failure; the old file is then intact.
pub fn write(
    path: &Path,
    display: &str,
    plaintext: &[u8],
    recipients: &[String],
) -> Result<WriteOutcome, VaultError> {
    let bytes = encrypt(plaintext, recipients, display)?;
    let names = record_names(plaintext);
    let record_err = |source| VaultError::Write {
        path: format!("{display}.recipients"),
        source,
    };
    create_parent(path, display)?;
    record::write_pending(path, display, &bytes, recipients, &names).map_err(record_err)?;
    write_bytes(path, display, &bytes)?;
    record::write(path, display, &bytes, recipients, &names).map_err(record_err)?;
    Ok(WriteOutcome::Changed)
}

/// The variables a record names for a vault's plaintext, with their kinds; a plaintext that
/// is not a mapping has none to name.
#[must_use]
pub fn record_names(plaintext: &[u8]) -> Vec<(String, &'static str)> {
    std::str::from_utf8(plaintext)
        .ok()
        .and_then(|t| yaml::parse_variables(t).ok())
        .map(|vars| {
            vars.into_iter()
                .map(|(name, var)| (name, record::kind_of(&var.value)))
                .collect()
        })
        .unwrap_or_default()
}

fn create_parent(path: &Path, display: &str) -> Result<(), VaultError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|source| VaultError::Write {
            path: display.to_string(),
            source,
        })?;
    }
    Ok(())
}

/// Writes encrypted bytes atomically, owner-only, without a record.
fn write_bytes(path: &Path, display: &str, bytes: &[u8]) -> Result<(), VaultError> {
    create_parent(path, display)?;
    output::write_atomic(path, bytes, output::OWNER_ONLY).map_err(|source| VaultError::Write {
        path: display.to_string(),
        source,
    })?;
    Ok(())
}

/// Encrypts and writes atomically, owner-only, without a record.
fn write_encrypted(
    path: &Path,
    display: &str,
    plaintext: &[u8],
    recipients: &[String],
) -> Result<(), VaultError> {
    let bytes = encrypt(plaintext, recipients, display)?;
    write_bytes(path, display, &bytes)
}

/// [`write`], but only if the file still holds `expected` (its bytes when it was read; `None`:
/// it did not exist). Otherwise the new version goes, encrypted, to `PATH.conflict` and
/// the result is [`VaultError::Conflict`].
///
/// # Errors
/// As [`write`], and [`VaultError::Conflict`].
pub fn write_if_unchanged(
    path: &Path,
    display: &str,
    plaintext: &[u8],
    recipients: &[String],
    expected: Option<&[u8]>,
) -> Result<WriteOutcome, VaultError> {
    let current = fs::read(path).ok();
    if current.as_deref() != expected {
        let mut saved = path.as_os_str().to_owned();
        saved.push(".conflict");
        let saved = std::path::PathBuf::from(saved);
        let saved_display = format!("{display}.conflict");
        write_encrypted(&saved, &saved_display, plaintext, recipients)?;
        return Err(VaultError::Conflict {
            path: display.to_string(),
            saved: saved_display,
        });
    }
    write(path, display, plaintext, recipients)
}

/// An exclusive lock on the folders of some vaults, held while a vault is read, changed and
/// written (`set`, `import-ansible-vault`, `rekey`, `recipients`, the write of `edit`), so
/// two changes at once never lose one of them: the second waits, then reads what the first
/// wrote. It is an advisory `flock` on the folder itself (no lock file is left behind), taken
/// in sorted order so two processes never wait on each other.
pub struct VaultLock {
    _folders: Vec<fs::File>,
}

impl VaultLock {
    /// Locks the folders of `vaults` (created if missing), waiting for other promvault
    /// processes to finish their change.
    ///
    /// # Errors
    /// A folder that cannot be created, opened or locked.
    pub fn acquire<'a>(
        vaults: impl IntoIterator<Item = &'a Path>,
    ) -> Result<VaultLock, VaultError> {
        let mut folders: Vec<std::path::PathBuf> = Vec::new();
        for vault in vaults {
            let parent = match vault.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::path::PathBuf::from("."),
            };
            let failed = |source| VaultError::Write {
                path: parent.display().to_string(),
                source,
            };
            fs::create_dir_all(&parent).map_err(failed)?;
            folders.push(fs::canonicalize(&parent).map_err(failed)?);
        }
        folders.sort();
        folders.dedup();
        let mut held = Vec::with_capacity(folders.len());
        for folder in folders {
            let failed = |source| VaultError::Write {
                path: folder.display().to_string(),
                source,
            };
            let file = fs::File::open(&folder).map_err(failed)?;
            file.lock().map_err(failed)?;
            held.push(file);
        }
        Ok(VaultLock { _folders: held })
    }
}

/// A vault as read: its plaintext, and its bytes (to notice a change before overwriting).
pub struct Opened {
    pub text: Zeroizing<String>,
    /// Empty for a vault that does not exist yet.
    pub raw: Vec<u8>,
}

impl Opened {
    /// The bytes the file must still hold when the change is written (none for a new vault).
    #[must_use]
    pub fn expected(&self) -> Option<&[u8]> {
        (!self.raw.is_empty()).then_some(self.raw.as_slice())
    }
}

/// Decrypts an environment's vault (`display` names it in messages); `Ok(None)` when it does
/// not exist yet.
///
/// # Errors
/// Unreadable, not an age file, or no identity opens it.
pub fn open(
    env: &crate::project::Environment,
    display: &str,
    ids: &Identities,
) -> Result<Option<Opened>, VaultError> {
    let raw = match fs::read(&env.vault) {
        Ok(raw) => raw,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(VaultError::Read {
                path: display.to_string(),
                source,
            })
        }
    };
    let text = decrypt_bytes(&raw, display, ids, &env.recipients)?;
    Ok(Some(Opened { text, raw }))
}

/// [`open`], for a vault that must exist.
///
/// # Errors
/// As [`open`], and [`VaultError::Missing`] naming the environment.
pub fn open_existing(
    env: &crate::project::Environment,
    display: &str,
    ids: &Identities,
) -> Result<Opened, VaultError> {
    open(env, display, ids)?.ok_or_else(|| VaultError::Missing {
        path: display.to_string(),
        env: Some(env.name.clone()),
    })
}

/// The variables in a vault's plaintext.
///
/// # Errors
/// [`VaultError::Content`] with the line, never the content.
pub fn variables(
    text: &str,
    display: &str,
) -> Result<IndexMap<String, yaml::Variable>, VaultError> {
    yaml::parse_variables(text).map_err(|error| VaultError::Content {
        path: display.to_string(),
        error,
    })
}

/// Returns the vault text with `key` set to `value` (any YAML value: a string is written
/// double-quoted, a list or mapping as block YAML), every other line kept, or `None` when
/// `key` already holds exactly `value`.
///
/// # Errors
/// As [`set_value`].
pub fn set_data(
    text: &str,
    key: &str,
    value: &crate::data::Data,
    display: &str,
) -> Result<Option<Zeroizing<String>>, VaultError> {
    use crate::data::Data;
    if let Some(s) = value.as_str() {
        return set_value(text, key, s, display);
    }
    let mapping = Data::Map(vec![(Data::Str(key.to_string()), value.clone())]);
    let entry = yaml::dump::dump(
        &mapping.to_value(),
        &yaml::dump::DumpOptions::to_nice_yaml(),
    )
    .map_err(|_| VaultError::Unsupported {
        message: format!("the value of `{key}` cannot be written as YAML"),
    })?;
    let wanted = value.to_value();
    replace_entry(text, key, &Zeroizing::new(entry), display, |d| {
        d.to_value() == wanted
    })
}

/// Returns the vault text with `key` set to the string `value`, every other line kept, or
/// `None` when `key` already holds exactly `value`.
///
/// # Errors
/// `key` is not a variable name, the vault text is not a mapping, or it cannot be edited
/// line-wise (a flow mapping).
pub fn set_value(
    text: &str,
    key: &str,
    value: &str,
    display: &str,
) -> Result<Option<Zeroizing<String>>, VaultError> {
    let entry = Zeroizing::new(format!("{key}: {}\n", yaml::double_quoted(value)));
    replace_entry(text, key, &entry, display, |d| d.as_str() == Some(value))
}

/// Replaces (or appends) the top-level entry `key` by the lines `entry`, then reads the result
/// back: `key` must hold what `holds` accepts and every other variable be unchanged, else
/// nothing is returned but an error. `None` when `key` already holds it.
fn replace_entry(
    text: &str,
    key: &str,
    entry: &str,
    display: &str,
    holds: impl Fn(&crate::data::Data) -> bool,
) -> Result<Option<Zeroizing<String>>, VaultError> {
    if !yaml::is_variable_name(key) {
        return Err(VaultError::Unsupported {
            message: format!(
                "`{key}` is not a valid variable name (letters, digits and `_`, not starting with a digit)"
            ),
        });
    }
    let before = variables(text, display)?;
    let key_holds =
        |vars: &IndexMap<String, yaml::Variable>| vars.get(key).is_some_and(|v| holds(&v.value));
    if key_holds(&before) {
        return Ok(None);
    }
    let unsupported = || VaultError::Unsupported {
        message: format!(
            "{display} is written as a flow mapping ({{...}}); change it with `promvault edit`"
        ),
    };
    let new = Zeroizing::new(
        yaml::replace_top_level_entry(text, key, entry)
            .map_err(|_| unsupported())?
            .ok_or_else(unsupported)?,
    );
    let after = variables(&new, display)?;
    let others_kept = before
        .iter()
        .filter(|(k, _)| *k != key)
        .all(|(k, v)| after.get(k).map(|a| &a.value) == Some(&v.value));
    let count = before.len() + usize::from(!before.contains_key(key));
    if !key_holds(&after) || !others_kept || after.len() != count {
        return Err(unsupported());
    }
    Ok(Some(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armor_is_compared_as_age_writes_it() {
        for len in [1, 47, 48, 49, 200] {
            let binary: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let canonical = armor(&binary).unwrap();
            let raw = canonical.as_bytes();
            assert!(is_armored_as_age_writes(&binary, raw).unwrap());
            // the last newline may be missing, nothing else
            assert!(is_armored_as_age_writes(&binary, &raw[..raw.len() - 1]).unwrap());
            assert!(!is_armored_as_age_writes(&binary, &raw[..raw.len() - 2]).unwrap());
            assert!(
                !is_armored_as_age_writes(&binary, format!("{canonical}\n").as_bytes()).unwrap()
            );
            assert!(
                !is_armored_as_age_writes(&binary, format!("{canonical}x").as_bytes()).unwrap()
            );
            let mut edited = raw.to_vec();
            edited[40] ^= 0x20;
            assert!(!is_armored_as_age_writes(&binary, &edited).unwrap());
        }
    }

    /// The one-pass de-armoring accepts what age writes, and nothing the slow way (decode,
    /// armor again, compare) refuses or decodes otherwise: every byte of armors of several
    /// lengths replaced, removed or doubled.
    #[test]
    fn one_pass_dearmor_agrees_with_armoring_again() {
        let slow = |raw: &[u8]| dearmor_then_compare(raw, "v").ok();
        let mut checked = 0;
        for len in [1, 2, 3, 45, 46, 47, 48, 49, 95, 96, 97, 150, 1000] {
            let binary: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let canonical = armor(&binary).unwrap().into_bytes();
            assert_eq!(dearmor_as_age_writes(&canonical), Some(binary.clone()));
            let unterminated = &canonical[..canonical.len() - 1];
            assert_eq!(dearmor_as_age_writes(unterminated), Some(binary.clone()));
            let crlf = String::from_utf8(canonical.clone())
                .unwrap()
                .replace('\n', "\r\n");
            assert_eq!(dearmor_as_age_writes(crlf.as_bytes()), None);
            assert_eq!(
                dearmor_canonical(crlf.as_bytes(), "v").ok(),
                Some(binary.clone())
            );
            let mut variants = vec![format!("{}\n", crlf).into_bytes()];
            for at in 0..canonical.len().min(400) {
                for byte in [b'A', b'B', b'/', b'+', b'=', b'\n', b'\r', b' ', b'-'] {
                    let mut replaced = canonical.clone();
                    replaced[at] = byte;
                    variants.push(replaced);
                }
                let mut removed = canonical.clone();
                removed.remove(at);
                variants.push(removed);
                let mut doubled = canonical.clone();
                doubled.insert(at, canonical[at]);
                variants.push(doubled);
            }
            for variant in &variants {
                if let Some(fast) = dearmor_as_age_writes(variant) {
                    assert_eq!(slow(variant).as_ref(), Some(&fast));
                    checked += 1;
                }
            }
        }
        // the unchanged armors among the variants (a byte replaced by itself)
        assert!(checked > 0);
    }

    #[test]
    fn read_whole_reads_to_the_end_whatever_the_size_guessed() {
        let data: Vec<u8> = (0..1000).map(|i| (i % 251) as u8).collect();
        for size in [0, 1, 999, 1000, 1001, 5000] {
            let read = read_whole(&mut std::io::Cursor::new(&data), size).unwrap();
            assert_eq!(*read, data, "size {size}");
        }
    }

    #[test]
    fn set_keeps_comments_and_order() {
        let text = "# prod secrets\nb: \"2\"  # keep\na: |\n  multi\n  line\nc: 3\n";
        let out = set_value(text, "a", "new: value", "v").unwrap().unwrap();
        assert_eq!(
            out.as_str(),
            "# prod secrets\nb: \"2\"  # keep\na: \"new: value\"\nc: 3\n"
        );
        assert!(set_value(&out, "a", "new: value", "v").unwrap().is_none());
        let out = set_value(text, "d", "x", "v").unwrap().unwrap();
        assert!(out.ends_with("c: 3\nd: \"x\"\n"));
        assert!(set_value(text, "not-a-name", "x", "v").is_err());
    }

    #[test]
    fn ssh_tags_are_the_first_four_bytes_of_the_key_hash() {
        // The tag is base64 (no padding) of 4 bytes: 6 characters.
        let tag = ssh_tag(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB/VRtFbfdpr x@y",
        )
        .unwrap();
        assert_eq!(tag.len(), 6);
        assert_eq!(ssh_tag("age1xyz"), None);
    }
}
