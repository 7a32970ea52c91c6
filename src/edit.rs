//! Editing a vault's plaintext in the user's editor.
//!
//! The plaintext only ever exists in a fresh private folder (mode 0700) holding one file
//! (mode 0600), under `$XDG_RUNTIME_DIR` when set (a per-user tmpfs) or the temp folder.
//! The folder is removed, its file overwritten first, on every way out: success, an invalid
//! edit, an editor that fails, a panic, and SIGINT/SIGTERM/SIGHUP.
//!
//! The editor is `$VISUAL`, then `$EDITOR`, then `vi`; the command may carry arguments
//! (`code --wait`). Only the temporary file's path is passed to it, never a secret.

use std::{
    fs,
    io::{self, BufRead, IsTerminal, Write},
    os::unix::fs::{DirBuilderExt, OpenOptionsExt},
    path::{Path, PathBuf},
    process::Command,
    sync::{Mutex, OnceLock},
};

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
static HANDLER: OnceLock<()> = OnceLock::new();

fn install_interrupt_cleanup() {
    HANDLER.get_or_init(|| {
        // If a handler cannot be installed the default action (termination) applies; the
        // private folder then stays in the temp dir, which is why it is mode 0700.
        let _ = ctrlc::set_handler(|| {
            if let Ok(mut pending) = PENDING.lock() {
                if let Some(dir) = pending.take() {
                    wipe_dir(&dir);
                }
            }
            eprintln!("error: interrupted; the vault was not changed");
            std::process::exit(130);
        });
    });
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

/// A private folder holding the plaintext under edit; wiped when dropped.
struct Scratch {
    dir: PathBuf,
    file: PathBuf,
}

impl Scratch {
    fn new(file_name: &str, content: &str) -> Result<Scratch, EditError> {
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let temp = |source| EditError::Temp { source };
        install_interrupt_cleanup();
        let mut guard = PENDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = (0..16)
            .find_map(|_| {
                let candidate = base.join(format!("promvault-{}", random_suffix()));
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
        let scratch = Scratch {
            file: dir.join(file_name),
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

    fn read(&self) -> Result<Zeroizing<String>, EditError> {
        let bytes =
            Zeroizing::new(fs::read(&self.file).map_err(|source| EditError::Temp { source })?);
        Ok(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
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
    let status = Command::new(program)
        .args(args)
        .arg(file)
        .status()
        .map_err(|source| EditError::Spawn {
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

/// Lets the user edit `original` (shown as `file_name`, e.g. `prod.yml`) until it passes
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
        let edited = scratch.read()?;
        if edited.as_str() == original {
            return Ok(EditOutcome::Unchanged);
        }
        match validate(&edited) {
            Ok(()) => return Ok(EditOutcome::Changed(edited)),
            Err(error) => {
                let position = match (error.line, error.column) {
                    (Some(l), Some(c)) => format!("line {l}, column {c}"),
                    (Some(l), None) => format!("line {l}"),
                    _ => "somewhere".to_string(),
                };
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
    eprintln!("error: {err}");
    eprint!("Re-open the editor to fix it? [Y/n] ");
    let _ = io::stderr().flush();
    let mut answer = String::new();
    if io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    let answer = answer.trim().to_ascii_lowercase();
    answer.is_empty() || answer == "y" || answer == "yes"
}
