//! Editing a vault's plaintext in the user's editor.
//!
//! The plaintext only ever exists in a fresh private folder (mode 0700) holding one file
//! (mode 0600), under `$XDG_RUNTIME_DIR` when set (a per-user tmpfs), else `/dev/shm`, else the
//! temp folder; a folder left by an `edit` killed with SIGKILL is wiped by the next one.
//! The folder is removed, its file overwritten first, on every way out: success, an invalid
//! edit, an editor that fails, a panic, and SIGTERM/SIGHUP/SIGINT/SIGQUIT. While the editor
//! runs, SIGINT and SIGQUIT (Ctrl-C, Ctrl-\\ in the terminal, which also reach the editor) are
//! left to the editor, as git does: an editor that dies of them is an editor that failed.
//!
//! The editor is `$VISUAL`, then `$EDITOR`, then `vi`; the command may carry arguments
//! (`code --wait`). Only the temporary file's path is passed to it, never a secret.

use std::{
    fs,
    io::{self, BufRead, IsTerminal, Write},
    os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex, OnceLock,
    },
};

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use zeroize::Zeroizing;

use crate::yaml::MappingError;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot prepare a private temporary file for editing: {source}")]
    Temp { source: io::Error },
    #[error("the editor command `{command}` cannot be parsed: {message}")]
    BadCommand { command: String, message: String },
    #[error("could not start the editor `{command}`: {source}; the vault was not changed")]
    Spawn { command: String, source: io::Error },
    #[error("the editor `{command}` exited with {status}; the vault was not changed")]
    Failed { command: String, status: String },
    #[error("your edit of {what} is not UTF-8 text; the vault was not changed")]
    NotUtf8 { what: String },
    #[error("your edit of {what}, {position}: {error}; the vault was not changed")]
    Invalid {
        what: String,
        position: String,
        error: MappingError,
    },
}

impl EditError {
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            EditError::Spawn { .. } | EditError::BadCommand { .. } => Some(
                "set $VISUAL or $EDITOR to an editor that waits until you close the file (e.g. `code --wait`)".to_string(),
            ),
            EditError::Invalid { .. } => Some(
                "run the edit again: the vault must be a YAML mapping of variable names to values".to_string(),
            ),
            _ => None,
        }
    }
}

/// What an edit did.
pub enum EditOutcome {
    /// The user saved the same text (or did not save): nothing is to be written.
    Unchanged,
    /// The new, valid plaintext.
    Changed(Zeroizing<String>),
}

/// The folder to remove if the process is interrupted while it exists.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);
/// Whether the editor is running (SIGINT and SIGQUIT are then the editor's business).
static EDITOR_RUNNING: AtomicBool = AtomicBool::new(false);
/// When the editor last exited: a terminal signal that arrives with the editor's own death
/// (it was sent to the whole process group) is still the editor's.
static EDITOR_ENDED: Mutex<Option<std::time::Instant>> = Mutex::new(None);
static HANDLER: OnceLock<()> = OnceLock::new();

fn install_interrupt_cleanup() {
    HANDLER.get_or_init(|| {
        // If the handler cannot be installed the default action (termination) applies; the
        // private folder then stays in the temp dir, which is why it is mode 0700.
        let Ok(mut signals) =
            signal_hook::iterator::Signals::new([SIGINT, SIGQUIT, SIGTERM, SIGHUP])
        else {
            return;
        };
        std::thread::spawn(move || {
            for signal in signals.forever() {
                let from_terminal = signal == SIGINT || signal == SIGQUIT;
                let just_ended = EDITOR_ENDED
                    .lock()
                    .ok()
                    .and_then(|ended| *ended)
                    .is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(500));
                if from_terminal && (EDITOR_RUNNING.load(Ordering::SeqCst) || just_ended) {
                    continue;
                }
                if let Ok(mut pending) = PENDING.lock() {
                    if let Some(dir) = pending.take() {
                        wipe_dir(&dir);
                    }
                }
                {
                    use std::io::Write as _;
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: interrupted; the vault was not changed"
                    );
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

/// While it lives, a signal that stops promvault removes `dir` first (for other private
/// folders than the editor's, such as `check --staged`'s copy of the index).
pub(crate) struct RemoveOnSignal;

impl RemoveOnSignal {
    pub(crate) fn new(dir: &Path) -> RemoveOnSignal {
        install_interrupt_cleanup();
        if let Ok(mut pending) = PENDING.lock() {
            *pending = Some(dir.to_path_buf());
        }
        RemoveOnSignal
    }
}

impl Drop for RemoveOnSignal {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock() {
            *pending = None;
        }
    }
}

/// Overwrites every file in `dir` with zeros, then removes the folder.
fn wipe_dir(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if let Ok(meta) = fs::symlink_metadata(&path) {
                if meta.is_file() {
                    if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&path) {
                        let zeros =
                            vec![0u8; usize::try_from(meta.len()).unwrap_or(0).min(1 << 24)];
                        let _ = f.write_all(&zeros).and_then(|()| f.sync_all());
                    }
                }
            }
        }
    }
    let _ = fs::remove_dir_all(dir);
}

/// Where the plaintext under edit is kept: `$XDG_RUNTIME_DIR` (a per-user tmpfs), else
/// `/dev/shm` (memory, on Linux), else the temp folder.
fn scratch_base() -> PathBuf {
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .or_else(|| {
            let shm = PathBuf::from("/dev/shm");
            let writable =
                fs::metadata(&shm).is_ok_and(|m| m.is_dir() && m.permissions().mode() & 0o002 != 0);
            writable.then_some(shm)
        })
        .unwrap_or_else(std::env::temp_dir)
}

/// Wipes the folders an `edit` killed with SIGKILL left behind (its own process is gone, so
/// nothing else could): `promvault-PID-*` folders of this user whose PID no longer runs.
fn wipe_leftovers(base: &Path) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("promvault-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_dir() || std::os::unix::fs::MetadataExt::uid(&meta) != uid {
            continue;
        }
        if !crate::output::is_running(pid) {
            wipe_dir(&entry.path());
            let _ = writeln!(
                io::stderr(),
                "note: removed the plaintext a killed `promvault edit` left in {}",
                entry.path().display()
            );
        }
    }
}

/// A private folder holding the plaintext under edit; wiped when dropped.
struct Scratch {
    dir: PathBuf,
    file: PathBuf,
}

impl Scratch {
    fn new(file_name: &str, content: &str) -> Result<Scratch, EditError> {
        let base = scratch_base();
        let temp = |source| EditError::Temp { source };
        wipe_leftovers(&base);
        install_interrupt_cleanup();
        let mut guard = PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = (0..16)
            .find_map(|_| {
                let candidate = base.join(format!(
                    "promvault-{}-{}",
                    std::process::id(),
                    random_suffix()
                ));
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(&candidate)
                    .ok()
                    .map(|()| candidate)
            })
            .ok_or_else(|| {
                temp(io::Error::other(format!(
                    "cannot create a folder in {}",
                    base.display()
                )))
            })?;
        *guard = Some(dir.clone());
        drop(guard);
        let name = Path::new(file_name)
            .file_name()
            .filter(|n| !n.is_empty())
            .map_or_else(|| PathBuf::from("vault.yml"), PathBuf::from);
        let scratch = Scratch {
            file: dir.join(name),
            dir,
        };
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&scratch.file)
            .map_err(temp)?;
        f.write_all(content.as_bytes()).map_err(temp)?;
        f.sync_all().map_err(temp)?;
        Ok(scratch)
    }

    /// The edited text; `None` when it is not UTF-8.
    fn read(&self) -> Result<Option<Zeroizing<String>>, EditError> {
        let mut bytes =
            Zeroizing::new(fs::read(&self.file).map_err(|source| EditError::Temp { source })?);
        match String::from_utf8(std::mem::take(&mut *bytes)) {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(e) => {
                drop(Zeroizing::new(e.into_bytes()));
                Ok(None)
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let mut guard = PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        wipe_dir(&self.dir);
        *guard = None;
    }
}

fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// The editor command: `$VISUAL`, then `$EDITOR`, then `vi`.
#[must_use]
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

fn run_editor(command: &str, file: &Path) -> Result<(), EditError> {
    let words = shell_words::split(command).map_err(|e| EditError::BadCommand {
        command: command.to_string(),
        message: e.to_string(),
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(EditError::BadCommand {
            command: command.to_string(),
            message: "it is empty".to_string(),
        });
    };
    EDITOR_RUNNING.store(true, Ordering::SeqCst);
    let status = Command::new(program)
        .args(args)
        .arg(file)
        // The editor (and its plugins) get no key material from our environment.
        .env_remove(crate::identity::ENV_AGE_KEY)
        .status();
    if let Ok(mut ended) = EDITOR_ENDED.lock() {
        *ended = Some(std::time::Instant::now());
    }
    EDITOR_RUNNING.store(false, Ordering::SeqCst);
    let status = status.map_err(|source| EditError::Spawn {
        command: command.to_string(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(EditError::Failed {
            command: command.to_string(),
            status: status
                .code()
                .map_or_else(|| "a signal".to_string(), |c| format!("status {c}")),
        })
    }
}

/// Lets the user edit `original` (in a file called `file_name`, e.g. `prod.yml`; only its
/// last component is used) until it passes
/// `validate` or they give up. `what` names the vault in messages.
///
/// When the edit is invalid and both stdin and stderr are terminals, the error is shown and
/// the user may re-open the editor; otherwise the edit fails and nothing changes.
///
/// # Errors
/// The editor cannot start or exits non-zero, or the edit is invalid.
pub fn edit(
    what: &str,
    file_name: &str,
    original: &str,
    validate: impl Fn(&str) -> Result<(), MappingError>,
) -> Result<EditOutcome, EditError> {
    let command = editor_command();
    let scratch = Scratch::new(file_name, original)?;
    let interactive = io::stdin().is_terminal() && io::stderr().is_terminal();
    loop {
        run_editor(&command, &scratch.file)?;
        let Some(edited) = scratch.read()? else {
            let err = EditError::NotUtf8 {
                what: what.to_string(),
            };
            if !interactive || !ask_reopen(&err) {
                return Err(err);
            }
            continue;
        };
        if edited.as_str() == original {
            return Ok(EditOutcome::Unchanged);
        }
        match validate(&edited) {
            Ok(()) => return Ok(EditOutcome::Changed(edited)),
            Err(error) => {
                let position = error.position();
                let err = EditError::Invalid {
                    what: what.to_string(),
                    position,
                    error,
                };
                if !interactive || !ask_reopen(&err) {
                    return Err(err);
                }
            }
        }
    }
}

fn ask_reopen(err: &EditError) -> bool {
    let _ = write!(
        io::stderr(),
        "error: {err}\nRe-open the editor to fix it? [Y/n] "
    );
    let _ = io::stderr().flush();
    let mut answer = String::new();
    if io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    let answer = answer.trim().to_ascii_lowercase();
    answer.is_empty() || answer == "y" || answer == "yes"
}
