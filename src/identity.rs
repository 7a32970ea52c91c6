//! Identities (what opens a vault) and recipients (what a vault is encrypted to).
//!
//! Identities are looked up in this order (PRODUCT.md): `--identity FILE` (repeatable),
//! `PROMVAULT_IDENTITY` (a path), `PROMVAULT_IDENTITY_CMD` (a command printing an identity:
//! `pass show promvault/prod`), `PROMVAULT_AGE_KEY` (the key itself, for CI). When any of
//! those is given, only those are used. Otherwise every one of these that exists is tried:
//! `$XDG_CONFIG_HOME/promvault/identity.txt` (default `~/.config/promvault/identity.txt`),
//! `~/.ssh/id_ed25519`, `~/.ssh/id_rsa`, and the project's committed demo identity.
//!
//! Identity files may be age identity files (several keys per file, plugin identities
//! included), SSH private keys (ed25519, RSA; passphrase-protected ones prompt on use) or
//! passphrase-encrypted age identity files (prompt on the terminal). Without a terminal (stdin
//! and stderr both not terminals: CI, a hook) a passphrase-protected identity is skipped with
//! a note instead, so it never blocks the identities after it.

use std::{
    fs,
    io::IsTerminal,
    path::{Path, PathBuf},
    str::FromStr,
};

use age::{
    cli_common::{read_identities, read_recipients, StdinGuard, UiCallbacks},
    secrecy::{ExposeSecret, SecretString},
    x25519,
};

/// The environment variable naming an identity file.
pub const ENV_IDENTITY: &str = "PROMVAULT_IDENTITY";
/// The environment variable holding an identity itself (for CI secrets).
pub const ENV_AGE_KEY: &str = "PROMVAULT_AGE_KEY";
/// The environment variable holding a command whose output is an identity (run with `sh -c`).
pub const ENV_IDENTITY_CMD: &str = "PROMVAULT_IDENTITY_CMD";
/// The largest scrypt work factor (log2 N) of a passphrase-protected identity file that is
/// accepted: the limit of the `age` CLI, which writes 18. (The age crate's default is this
/// machine's one-second factor plus 4, which refuses `age -p`'s files on a slow machine or in
/// a debug build.)
const MAX_SCRYPT_WORK_FACTOR: u8 = 22;
/// The most an identity command may print: an identity is a few lines.
const MAX_COMMAND_OUTPUT: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("no identity found; looked in: {}", looked.join(", "))]
    NoneFound { looked: Vec<String> },
    #[error("cannot read identity {source_name}: {message}")]
    Unreadable {
        source_name: String,
        message: String,
    },
    #[error("{ENV_IDENTITY_CMD} `{command}` gave no identity: {message}")]
    Command { command: String, message: String },
    #[error("a recipients list holds a private key (it starts with `{prefix}`): it was not used, and is not shown here")]
    PrivateKeyAsRecipient { prefix: String },
    #[error("`{recipient}` is not a recipient promvault can encrypt to: {message}")]
    InvalidRecipient { recipient: String, message: String },
    #[error("{} already exists; promvault never overwrites an identity", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write identity {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl IdentityError {
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            IdentityError::NoneFound { .. } => Some(format!(
                "create one with `promvault keygen`, pass --identity FILE, or set {ENV_AGE_KEY} in CI"
            )),
            IdentityError::InvalidRecipient { .. } => Some(
                "a recipient is an age public key (age1...) or an SSH public key (ssh-ed25519 ... / ssh-rsa ...)".to_string(),
            ),
            IdentityError::PrivateKeyAsRecipient { .. } => Some(
                "list the public key instead (`age-keygen -y KEY` prints it), and treat the private key as leaked if it was committed".to_string(),
            ),
            IdentityError::Command { .. } => Some(
                "run the command yourself (what it said on stderr is above): it must print an age identity (AGE-SECRET-KEY-1... or AGE-PLUGIN-...) or an SSH private key without a passphrase".to_string(),
            ),
            IdentityError::Exists { .. } => {
                Some("choose another file with -o, or remove the old one yourself".to_string())
            }
            _ => None,
        }
    }
}

/// Where identities are looked for.
#[derive(Debug, Default)]
pub struct Lookup {
    /// `--identity FILE` arguments.
    pub explicit: Vec<PathBuf>,
    /// `PROMVAULT_IDENTITY`.
    pub env_identity: Option<PathBuf>,
    /// `PROMVAULT_IDENTITY_CMD`: run with `sh -c`, its stdout is the identity.
    pub env_command: Option<String>,
    /// `PROMVAULT_AGE_KEY`.
    pub env_key: Option<SecretString>,
    /// The default locations, tried when none of the above is given.
    pub defaults: Vec<PathBuf>,
    /// The project's committed demo identity, tried last among the defaults.
    pub demo: Option<PathBuf>,
    /// Whether a passphrase can be asked for (stdin or stderr is a terminal). When not, a
    /// passphrase-protected identity is skipped, with a note, and the others are tried.
    pub can_prompt: bool,
}

/// The identities found, ready to open vaults.
pub struct Identities {
    identities: Vec<Box<dyn age::Identity>>,
    /// Where each came from (paths or the variable name), for messages.
    pub sources: Vec<String>,
    /// The recipients (public keys) of the identities, where they can be derived.
    pub recipients: Vec<String>,
    /// Default locations holding a key promvault cannot use, with the reason.
    pub skipped: Vec<String>,
    /// Things to tell people (an identity readable by others).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Identities {
    /// The identities as the age crate takes them.
    pub fn iter(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.identities.iter().map(AsRef::as_ref)
    }
}

/// `$XDG_CONFIG_HOME/promvault/identity.txt`, or `~/.config/promvault/identity.txt`.
#[must_use]
pub fn default_identity_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home_dir().map(|h| h.join(".config")))?;
    Some(config.join("promvault").join("identity.txt"))
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl Lookup {
    /// The lookup described in the module docs, from `--identity` arguments, the process
    /// environment and the project's demo identity.
    #[must_use]
    pub fn from_environment(explicit: Vec<PathBuf>, demo: Option<PathBuf>) -> Lookup {
        let mut defaults = Vec::new();
        defaults.extend(default_identity_path());
        if let Some(home) = home_dir() {
            defaults.push(home.join(".ssh").join("id_ed25519"));
            defaults.push(home.join(".ssh").join("id_rsa"));
        }
        Lookup {
            explicit,
            env_identity: std::env::var_os(ENV_IDENTITY)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            env_command: std::env::var(ENV_IDENTITY_CMD)
                .ok()
                .filter(|v| !v.trim().is_empty()),
            env_key: std::env::var(ENV_AGE_KEY)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(SecretString::from),
            defaults,
            demo,
            can_prompt: std::io::stdin().is_terminal() || std::io::stderr().is_terminal(),
        }
    }

    /// Whether identities were named explicitly (flag or environment variable).
    #[must_use]
    pub fn is_explicit(&self) -> bool {
        !self.explicit.is_empty()
            || self.env_identity.is_some()
            || self.env_command.is_some()
            || self.env_key.is_some()
    }

    /// Loads the identities.
    ///
    /// # Errors
    /// An explicitly named identity cannot be read, or none is found at all.
    pub fn load(&self) -> Result<Identities, IdentityError> {
        let mut found = Identities {
            identities: Vec::new(),
            sources: Vec::new(),
            recipients: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
        };
        if self.is_explicit() {
            for path in self.explicit.iter().chain(&self.env_identity) {
                if self.skip_if_unaskable(path, &mut found)? {
                    continue;
                }
                load_file(path, &mut found)?;
            }
            if let Some(command) = &self.env_command {
                let text = run_identity_command(command)?;
                load_key_text(
                    &format!("${ENV_IDENTITY_CMD} (`{command}`)"),
                    &text,
                    &mut found,
                )?;
            }
            if let Some(key) = &self.env_key {
                load_key_text(&format!("${ENV_AGE_KEY}"), key, &mut found)?;
            }
            return Ok(found);
        }
        let mut looked = Vec::new();
        for path in self.defaults.iter().chain(&self.demo) {
            looked.push(path.display().to_string());
            if path.is_file() {
                if Some(path) != self.demo.as_ref() && self.skip_if_unaskable(path, &mut found)? {
                    continue;
                }
                // An unusable key in a default place (an ECDSA SSH key, say) must not stop
                // the others from being tried; the demo identity was named, so it must load.
                let loaded = if Some(path) == self.demo.as_ref() {
                    load_demo_file(path, &mut found)
                } else {
                    load_file(path, &mut found)
                };
                if let Err(e) = loaded {
                    if Some(path) == self.demo.as_ref() {
                        return Err(e);
                    }
                    found.skipped.push(e.to_string());
                }
            }
        }
        if found.identities.is_empty() {
            looked.push(format!("${ENV_IDENTITY}"));
            looked.push(format!("${ENV_IDENTITY_CMD}"));
            looked.push(format!("${ENV_AGE_KEY}"));
            looked.extend(found.skipped.iter().map(|s| format!("(skipped: {s})")));
            return Err(IdentityError::NoneFound { looked });
        }
        Ok(found)
    }
}

impl Lookup {
    /// Without a terminal to ask for a passphrase, a passphrase-protected identity file is
    /// not loaded (age would fail the whole decryption on it, or wait for a pinentry): it is
    /// noted in `skipped` and `warnings`, and `true` is returned so the next one is tried.
    fn skip_if_unaskable(
        &self,
        path: &Path,
        found: &mut Identities,
    ) -> Result<bool, IdentityError> {
        if self.can_prompt {
            return Ok(false);
        }
        check_file(path)?;
        let Some(kind) = passphrase_protection(path) else {
            return Ok(false);
        };
        let note = format!(
            "{}: it is {kind} protected by a passphrase, and there is no terminal to ask for it (stdin and stderr are not terminals)",
            path.display()
        );
        found.warnings.push(format!("skipped {note}"));
        found.skipped.push(note);
        Ok(true)
    }
}

const SSH_KEY: &str = "an SSH key";

/// What kind of passphrase-protected identity the file at `path` holds, if it is one: an age
/// identity file encrypted with `age -p`, or an encrypted SSH private key.
fn passphrase_protection(path: &Path) -> Option<&'static str> {
    use std::io::Read;
    let mut head = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(64)
        .read_to_end(&mut head)
        .ok()?;
    if head.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----")
        || head.starts_with(b"age-encryption.org/")
    {
        return Some("an age identity file");
    }
    if !head.starts_with(b"-----BEGIN") {
        return None;
    }
    let file = fs::File::open(path).ok()?;
    let reader = std::io::BufReader::new(file.take(1 << 14));
    match age::ssh::Identity::from_buffer(reader, Some(path.display().to_string())) {
        Ok(age::ssh::Identity::Encrypted(_)) => Some(SSH_KEY),
        _ => None,
    }
}

/// Refuses what is not a regular file (a FIFO or a device would block or never end); returns
/// a warning when other users may read the identity.
fn check_file(path: &Path) -> Result<Option<String>, IdentityError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|e| IdentityError::Unreadable {
        source_name: path.display().to_string(),
        message: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(IdentityError::Unreadable {
            source_name: path.display().to_string(),
            message: "it is not a regular file (a pipe or a device is never read as an identity)"
                .to_string(),
        });
    }
    let mode = meta.permissions().mode() & 0o777;
    Ok((mode & 0o077 != 0).then(|| {
        format!(
            "{} holds a private key and other users may read it (mode {mode:04o}): `chmod 600 {}`",
            path.display(),
            path.display()
        )
    }))
}

/// Callbacks that ask for a passphrase once and give that answer again afterwards: age asks
/// for an SSH key's passphrase on every vault it opens otherwise.
#[derive(Clone, Default)]
struct AskOnce(std::sync::Arc<std::sync::Mutex<Option<Option<SecretString>>>>);

impl age::Callbacks for AskOnce {
    fn display_message(&self, message: &str) {
        UiCallbacks.display_message(message);
    }

    fn confirm(&self, message: &str, yes_string: &str, no_string: Option<&str>) -> Option<bool> {
        UiCallbacks.confirm(message, yes_string, no_string)
    }

    fn request_public_string(&self, description: &str) -> Option<String> {
        UiCallbacks.request_public_string(description)
    }

    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        let mut asked = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        asked
            .get_or_insert_with(|| UiCallbacks.request_passphrase(description))
            .clone()
    }
}

fn load_file(path: &Path, found: &mut Identities) -> Result<(), IdentityError> {
    found.warnings.extend(check_file(path)?);
    let name = path.display().to_string();
    let unreadable = |message: String| IdentityError::Unreadable {
        source_name: name.clone(),
        message,
    };
    if passphrase_protection(path) == Some(SSH_KEY) {
        let file = fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
        let key = age::ssh::Identity::from_buffer(
            std::io::BufReader::new(std::io::Read::take(file, 1 << 16)),
            Some(name.clone()),
        )
        .map_err(|e| unreadable(e.to_string()))?;
        found
            .identities
            .push(Box::new(key.with_callbacks(AskOnce::default())));
        found.sources.push(name.clone());
        push_public_key(path, found);
        return Ok(());
    }
    let identities = read_identities(
        vec![name.clone()],
        Some(MAX_SCRYPT_WORK_FACTOR),
        &mut StdinGuard::new(false),
    )
    .map_err(|e| unreadable(e.to_string()))?;
    if identities.is_empty() {
        return Err(unreadable("it holds no identity".to_string()));
    }
    found.identities.extend(identities);
    found.sources.push(name);
    // The public side, for messages: age keys from the file, SSH keys from KEY.pub.
    if let Ok(text) = fs::read_to_string(path) {
        found.recipients.extend(x25519_recipients(&text));
    }
    push_public_key(path, found);
    Ok(())
}

/// The public key in `KEY.pub` beside an SSH key, for messages.
fn push_public_key(path: &Path, found: &mut Identities) {
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    if let Ok(text) = fs::read_to_string(PathBuf::from(pub_path)) {
        found
            .recipients
            .extend(text.lines().next().map(|l| l.trim().to_string()));
    }
}

/// Loads the project's committed demo identity. A pull request can change it, so it may hold
/// only native age X25519 keys: a plugin identity (`AGE-PLUGIN-...`) would make promvault run
/// `age-plugin-NAME` from PATH, an SSH or passphrase-protected key would prompt.
fn load_demo_file(path: &Path, found: &mut Identities) -> Result<(), IdentityError> {
    // public by design: no warning about who may read it, but never a pipe or a device
    check_file(path)?;
    let name = path.display().to_string();
    let unreadable = |message: String| IdentityError::Unreadable {
        source_name: name.clone(),
        message,
    };
    let text =
        zeroize::Zeroizing::new(fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?);
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = line
            .starts_with("AGE-SECRET-KEY-1")
            .then(|| x25519::Identity::from_str(line).ok())
            .flatten()
            .ok_or_else(|| {
                unreadable(format!(
                    "line {}: a committed demo identity may hold only age X25519 keys (AGE-SECRET-KEY-1...); promvault never runs a plugin or prompts for a committed identity",
                    index + 1
                ))
            })?;
        found.recipients.push(key.to_public().to_string());
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(unreadable("it holds no identity".to_string()));
    }
    found.identities.extend(
        keys.into_iter()
            .map(|k| Box::new(k) as Box<dyn age::Identity>),
    );
    found.sources.push(name);
    Ok(())
}

/// Loads an identity given as text (`PROMVAULT_AGE_KEY`, an identity command's output): an age
/// identity file (native and plugin keys) or an SSH private key without a passphrase. Errors
/// never quote the text.
fn load_key_text(
    name: &str,
    key: &SecretString,
    found: &mut Identities,
) -> Result<(), IdentityError> {
    let unreadable = |message: String| IdentityError::Unreadable {
        source_name: name.to_string(),
        message,
    };
    let text = key.expose_secret();
    if text
        .trim_start()
        .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
        || text.trim_start().starts_with("age-encryption.org/")
    {
        return Err(unreadable(
            "it is an age-encrypted (passphrase-protected) identity; give it as a file (--identity) to be asked for the passphrase".to_string(),
        ));
    }
    if text.trim_start().starts_with("-----BEGIN") {
        let identity = age::ssh::Identity::from_buffer(text.trim_start().as_bytes(), None)
            .map_err(|_| {
                unreadable("it is not an SSH private key promvault can read".to_string())
            })?;
        match identity {
            age::ssh::Identity::Unencrypted(_) => {}
            age::ssh::Identity::Encrypted(_) => {
                return Err(unreadable(
                    "it is an SSH key protected by a passphrase; give it as a file (--identity) to be asked for the passphrase".to_string(),
                ))
            }
            age::ssh::Identity::Unsupported(k) => {
                return Err(unreadable(format!("{k:?} SSH keys are not supported by age")))
            }
        }
        found
            .identities
            .push(Box::new(identity.with_callbacks(UiCallbacks)));
        found.sources.push(name.to_string());
        return Ok(());
    }
    let file = age::IdentityFile::from_buffer(text.as_bytes())
        .map_err(|_| unreadable("it is not an age identity (AGE-SECRET-KEY-1...)".to_string()))?
        .with_callbacks(UiCallbacks);
    let identities = file
        .into_identities()
        .map_err(|e| unreadable(e.to_string()))?;
    if identities.is_empty() {
        return Err(unreadable("it holds no identity".to_string()));
    }
    found
        .identities
        .extend(identities.into_iter().map(|i| i as Box<dyn age::Identity>));
    found.sources.push(name.to_string());
    found.recipients.extend(x25519_recipients(text));
    Ok(())
}

/// Runs an identity command (`PROMVAULT_IDENTITY_CMD`) with `sh -c`, as git runs its credential
/// helpers, so an operator writes it as in a shell. It gets no stdin (what is piped into
/// promvault, such as the value given to `set`, is never handed to it; pinentry and password
/// managers ask on the terminal itself), its stderr is promvault's, and its stdout, the
/// identity, is read into a buffer that is zeroized when dropped. There is no timeout: the
/// command may be waiting for a person (a pinentry, a fingerprint); Ctrl-C stops both.
///
/// # Errors
/// [`IdentityError::Command`] naming the command and how it failed, never what it printed.
fn run_identity_command(command: &str) -> Result<SecretString, IdentityError> {
    use std::{
        io::Read,
        os::unix::process::ExitStatusExt,
        process::{Command, Stdio},
    };
    let failed = |message: String| IdentityError::Command {
        command: command.to_string(),
        message,
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failed(format!("cannot run `sh`: {e}")))?;
    // Room for all of it up front: a growing Vec would leave copies of the key behind.
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(MAX_COMMAND_OUTPUT + 1));
    let read = match child.stdout.take() {
        Some(stdout) => stdout
            .take(MAX_COMMAND_OUTPUT as u64 + 1)
            .read_to_end(&mut out),
        None => Ok(0),
    };
    let status = child
        .wait()
        .map_err(|e| failed(format!("cannot wait for it: {e}")))?;
    if out.len() > MAX_COMMAND_OUTPUT {
        return Err(failed(format!(
            "it printed more than {} KiB; an identity is a few lines",
            MAX_COMMAND_OUTPUT / 1024
        )));
    }
    read.map_err(|e| failed(format!("cannot read its output: {e}")))?;
    if !status.success() {
        return Err(failed(match (status.code(), status.signal()) {
            (Some(code), _) => format!("it exited with status {code}"),
            (None, Some(signal)) => format!("it was killed by signal {signal}"),
            _ => "it failed".to_string(),
        }));
    }
    // An exact-size copy (so SecretString does not reallocate it); `out` is zeroized on drop.
    let text = std::str::from_utf8(&out)
        .map_err(|_| failed("it printed something that is not text".to_string()))?;
    Ok(SecretString::from(text.to_owned()))
}

/// The recipients of the age X25519 identities in an identity file's text.
#[must_use]
pub fn x25519_recipients(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .filter_map(|l| x25519::Identity::from_str(l).ok())
        .map(|i| i.to_public().to_string())
        .collect()
}

/// Parses recipient strings (age, SSH, plugin) into what the age crate encrypts to.
///
/// # Errors
/// [`IdentityError::InvalidRecipient`] for the first one that does not parse.
pub fn parse_recipients(
    list: &[String],
) -> Result<Vec<Box<dyn age::Recipient + Send>>, IdentityError> {
    let mut out = Vec::with_capacity(list.len());
    for r in list {
        if let Some(prefix) = private_key_prefix(r) {
            return Err(IdentityError::PrivateKeyAsRecipient {
                prefix: prefix.to_string(),
            });
        }
        let parsed = read_recipients(
            vec![r.trim().to_string()],
            vec![],
            vec![],
            None,
            &mut StdinGuard::new(false),
        )
        .map_err(|e| IdentityError::InvalidRecipient {
            recipient: r.clone(),
            message: e.to_string(),
        })?;
        out.extend(parsed);
    }
    Ok(out)
}

/// The prefix by which `text` is recognisably a private key, if it is one.
#[must_use]
pub fn private_key_prefix(text: &str) -> Option<&'static str> {
    let t = text.trim_start();
    ["AGE-SECRET-KEY-", "AGE-PLUGIN-", "-----BEGIN"]
        .into_iter()
        .find(|p| t.to_ascii_uppercase().starts_with(p))
}

/// A new X25519 identity: the file text in the format `age-keygen` writes, and its recipient.
#[must_use]
pub fn generate() -> (SecretString, String) {
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let created = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let text = format!(
        "# created: {created}\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    (SecretString::from(text), recipient)
}

/// Writes a new identity to `path` (creating its folder, mode 0700), owner-only, never
/// overwriting. Returns its recipient.
///
/// # Errors
/// [`IdentityError::Exists`] or [`IdentityError::Write`].
pub fn write_new(path: &Path) -> Result<String, IdentityError> {
    if path.exists() {
        return Err(IdentityError::Exists {
            path: path.to_path_buf(),
        });
    }
    let write_err = |source| IdentityError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .map_err(write_err)?;
        }
    }
    let (text, recipient) = generate();
    crate::output::create_new_atomic(
        path,
        text.expose_secret().as_bytes(),
        crate::output::OWNER_ONLY,
    )
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            IdentityError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            write_err(e)
        }
    })?;
    Ok(recipient)
}

/// The recipient to put in a new project for the identity the user already has: the first
/// age key of the first identity source, or the `.pub` of an SSH key.
#[must_use]
pub fn first_recipient(identities: &Identities) -> Option<String> {
    identities.recipients.first().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identities_look_like_age_keygen_output() {
        let (text, recipient) = generate();
        let text = text.expose_secret();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("# created: "));
        assert!(lines[0].ends_with('Z'));
        assert_eq!(lines[1], format!("# public key: {recipient}"));
        assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
        assert_eq!(x25519_recipients(text), vec![recipient]);
    }

    #[test]
    fn recipients_parse_and_garbage_does_not() {
        let (_, r) = generate();
        assert_eq!(parse_recipients(&[r]).unwrap().len(), 1);
        assert!(parse_recipients(&["age1nope".to_string()]).is_err());
    }
}
