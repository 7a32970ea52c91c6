//! Writing files that may hold secrets: a temporary file in the same folder, written with
//! the final mode from the start, flushed to disk, then renamed over the target. A crash
//! at any instant leaves the old file or the new one, never half of one.
//!
//! A file whose bytes and mode would not change is not touched at all (same mtime). The
//! temporary file of a write that SIGKILL interrupted is removed by the next write beside it.
//!
//! [`diff`] shows what a render would change, with every secret masked.

pub mod diff;

use std::{
    fs,
    io::{self, Write},
    os::unix::fs::PermissionsExt,
    path::Path,
};

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file did not exist: it was created.
    Created,
    /// The file's content or mode changed.
    Changed,
    /// The file already held exactly these bytes with this mode: it was left alone.
    Unchanged,
}

/// Permission bits for files holding secrets.
pub const OWNER_ONLY: u32 = 0o600;

/// Atomically replaces `path` with `bytes`, with permission bits `mode`, unless the file
/// already holds exactly these bytes and mode.
///
/// # Errors
/// Any I/O error; on error the old file (if any) is intact.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<WriteOutcome> {
    if let Ok(meta) = fs::metadata(path) {
        if meta.is_file()
            && meta.permissions().mode() & 0o7777 == mode
            && meta.len() == bytes.len() as u64
            && fs::read(path)? == bytes
        {
            return Ok(WriteOutcome::Unchanged);
        }
    }
    let temp = write_temp_beside(path, bytes, mode)?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_parent(path)?;
    Ok(WriteOutcome::Changed)
}

/// Writes several files as one step as far as a file system allows: every new content goes to
/// a temporary file beside its target first (parent folders created, flushed to disk); only
/// when all of them are ready are they renamed over their targets. A failure while preparing
/// leaves every target as it was. Files whose bytes and mode would not change are not touched.
///
/// # Errors
/// The first I/O error, with the path it concerns.
pub fn write_all_atomic(
    files: &[(&Path, &[u8], u32)],
) -> Result<Vec<WriteOutcome>, (std::path::PathBuf, io::Error)> {
    let mut prepared = Vec::new();
    let mut outcomes = Vec::with_capacity(files.len());
    // each folder's leftovers are removed, and the folder synced, once (not once per file:
    // a folder of 10,000 secret files)
    let mut folders: std::collections::HashSet<std::path::PathBuf> =
        std::collections::HashSet::new();
    for (path, bytes, mode) in files {
        let unchanged = fs::metadata(path).is_ok_and(|meta| {
            meta.is_file()
                && meta.permissions().mode() & 0o7777 == *mode
                && meta.len() == bytes.len() as u64
                && fs::read(path).is_ok_and(|old| old == *bytes)
        });
        if unchanged {
            outcomes.push(WriteOutcome::Unchanged);
            continue;
        }
        if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            // a rename over a folder would fail later, after other targets were replaced
            return Err((
                path.to_path_buf(),
                io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "a folder stands where the file goes",
                ),
            ));
        }
        let existed = fs::symlink_metadata(path).is_ok();
        let parent = parent_of(path);
        fs::create_dir_all(parent).map_err(|e| (parent.to_path_buf(), e))?;
        if folders.insert(parent.to_path_buf()) {
            remove_stale_temps(path);
        }
        let temp = write_temp_in_folder(path, bytes, *mode).map_err(|e| (path.to_path_buf(), e))?;
        prepared.push((temp, *path));
        outcomes.push(if existed {
            WriteOutcome::Changed
        } else {
            WriteOutcome::Created
        });
    }
    let mut parents: Vec<&Path> = Vec::new();
    let mut seen: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for (temp, path) in prepared {
        temp.persist(path)
            .map_err(|e| (path.to_path_buf(), e.error))?;
        if seen.insert(parent_of(path)) {
            parents.push(path);
        }
    }
    for path in parents {
        sync_parent(path).map_err(|e| (path.to_path_buf(), e))?;
    }
    Ok(outcomes)
}

/// Atomically creates `path` with `bytes`; fails with `AlreadyExists` if it exists.
///
/// # Errors
/// `AlreadyExists`, or any other I/O error; nothing is left behind on error.
pub fn create_new_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let temp = write_temp_beside(path, bytes, mode)?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_parent(path)
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The temporary files of writes that a SIGKILL interrupted: `.NAME.promvault-PID-*.tmp`
/// in the folder of `path` whose PID no longer runs. They are removed before the next write.
fn remove_stale_temps(path: &Path) {
    let Ok(entries) = fs::read_dir(parent_of(path)) else {
        return;
    };
    // Any file's leftovers in this folder, not only this file's: a run killed while writing
    // a vault's record leaves its temporary file beside the next vault written.
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .filter(|f| f.starts_with('.') && f.ends_with(".tmp"))
            .and_then(|f| f.rsplit_once(".promvault-"))
            .and_then(|(_, rest)| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if !is_running(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (files named after their writer's process can then be
/// told from the leftovers of a killed one).
#[must_use]
pub fn is_running(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let signalled = unsafe { libc::kill(pid, 0) } == 0;
    signalled || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

fn write_temp_beside(path: &Path, bytes: &[u8], mode: u32) -> io::Result<tempfile::NamedTempFile> {
    remove_stale_temps(path);
    write_temp_in_folder(path, bytes, mode)
}

/// [`write_temp_beside`] without removing leftovers first (the caller did, for the folder).
fn write_temp_in_folder(
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.promvault-{}-", std::process::id()))
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(parent_of(path))?;
    // The umask may have narrowed the mode at creation: set it exactly.
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

fn sync_parent(path: &Path) -> io::Result<()> {
    fs::File::open(parent_of(path))?.sync_all()
}

/// Parses the `mode:` of an output: permission bits for reading and writing only. An output
/// is configuration: an execute bit (which with a dest in a hooks folder would install a
/// program) or setuid, setgid and sticky bits are refused.
///
/// # Errors
/// What is wrong with the mode, for a message.
pub fn parse_output_mode(text: &str) -> Result<u32, String> {
    let mode = parse_mode(text)
        .ok_or_else(|| format!("mode `{text}` is not an octal mode such as \"0600\""))?;
    if mode & !0o666 != 0 {
        return Err(format!(
            "mode `{text}` makes the output executable or sets setuid/setgid/sticky bits: outputs are configuration, use \"0600\", \"0640\" or \"0644\""
        ));
    }
    Ok(mode)
}

/// Parses a mode such as `"0600"` or `"600"` (octal).
#[must_use]
pub fn parse_mode(text: &str) -> Option<u32> {
    let digits = text.trim().trim_start_matches("0o");
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    u32::from_str_radix(digits, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn writes_owner_only_and_skips_identical_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.txt");
        assert_eq!(
            write_atomic(&path, b"one", OWNER_ONLY).unwrap(),
            WriteOutcome::Changed
        );
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            write_atomic(&path, b"one", OWNER_ONLY).unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert_eq!(
            write_atomic(&path, b"two", OWNER_ONLY).unwrap(),
            WriteOutcome::Changed
        );
        assert_eq!(fs::read(&path).unwrap(), b"two");
        // no temporary file is left behind
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_mode_change_alone_rewrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomic(&path, b"x", 0o644).unwrap();
        assert_eq!(
            write_atomic(&path, b"x", 0o600).unwrap(),
            WriteOutcome::Changed
        );
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
    }

    #[test]
    fn create_new_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.txt");
        create_new_atomic(&path, b"first", OWNER_ONLY).unwrap();
        let err = create_new_atomic(&path, b"second", OWNER_ONLY).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn modes_parse_as_octal() {
        assert_eq!(parse_mode("0600"), Some(0o600));
        assert_eq!(parse_mode("644"), Some(0o644));
        assert_eq!(parse_mode("0o640"), Some(0o640));
        assert_eq!(parse_mode("0900"), None);
        assert_eq!(parse_mode(""), None);
    }

    #[test]
    fn output_modes_never_execute() {
        assert_eq!(parse_output_mode("0644"), Ok(0o644));
        assert_eq!(parse_output_mode("0600"), Ok(0o600));
        for bad in ["0755", "0700", "6777", "4644", "1644", "0601", "0x"] {
            assert!(parse_output_mode(bad).is_err(), "{bad}");
        }
    }
}
