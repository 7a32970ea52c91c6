//! Git plumbing: the files git tracks, a private copy of what its index holds (for
//! `check --staged`), and the pre-commit hook `promvault hook install` writes.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{output, Error};

/// What marks a pre-commit hook as promvault's own.
pub const HOOK_MARKER: &str = "installed by `promvault hook install`";

/// The NUL-separated lines git prints for `args` in `dir`; `None` outside a repository.
pub fn lines(dir: &Path, args: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// A copy of what git's index holds for the project, to check instead of the work tree.
pub struct StagedSnapshot {
    _guard: crate::edit::RemoveOnSignal,
    _dir: tempfile::TempDir,
    /// The project's root inside the snapshot.
    pub root: PathBuf,
    /// The staged (added, copied, modified, renamed) files, relative to the project root.
    pub changed: Vec<PathBuf>,
}

/// Copies the index's version of the project into a private temporary folder.
///
/// # Errors
/// Not a git repository, or git fails.
pub fn staged_snapshot(project_root: &Path) -> Result<StagedSnapshot, String> {
    let out = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(project_root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err("--staged needs a git repository".to_string());
    }
    let top = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r']));
    let project_root = fs::canonicalize(project_root).map_err(|e| e.to_string())?;
    let prefix = project_root
        .strip_prefix(fs::canonicalize(&top).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?
        .to_path_buf();
    // a private folder: the index may hold rendered outputs with secrets in them
    let dir = tempfile::Builder::new()
        .prefix("promvault-staged-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .map_err(|e| e.to_string())?;
    let guard = crate::edit::RemoveOnSignal::new(dir.path());
    let changed_in_repo = lines(
        &top,
        &["diff", "--cached", "--name-only", "-z", "--diff-filter=d"],
    )
    .unwrap_or_default();
    let prefix_arg = if prefix.as_os_str().is_empty() {
        ".".to_string()
    } else {
        prefix.display().to_string()
    };
    // only the project's files (and the staged changes in it), not the whole repository
    let mut wanted = lines(&top, &["ls-files", "-z", "--", &prefix_arg]).unwrap_or_default();
    wanted.extend(
        changed_in_repo
            .iter()
            .filter(|p| Path::new(p).starts_with(&prefix))
            .cloned(),
    );
    wanted.sort();
    wanted.dedup();
    let mut target = dir.path().as_os_str().to_owned();
    target.push("/");
    let mut child = Command::new("git")
        .args(["checkout-index", "-z", "--stdin"])
        .arg(format!("--prefix={}", target.to_string_lossy()))
        .current_dir(&top)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        stdin
            .write_all(wanted.join("\0").as_bytes())
            .and_then(|()| stdin.write_all(b"\0"))
            .map_err(|e| e.to_string())?;
    }
    if !child.wait().map_err(|e| e.to_string())?.success() {
        return Err("git checkout-index failed".to_string());
    }
    let changed = changed_in_repo
        .into_iter()
        .filter_map(|p| {
            PathBuf::from(p)
                .strip_prefix(&prefix)
                .ok()
                .map(Path::to_path_buf)
        })
        .collect();
    Ok(StagedSnapshot {
        root: dir.path().join(&prefix),
        _guard: guard,
        _dir: dir,
        changed,
    })
}

/// Installs (or, with `force`, replaces a foreign) pre-commit hook that runs
/// `promvault check --staged` for the project at `root`; returns the hook's path.
///
/// # Errors
/// Not a git repository, a foreign hook without `force`, or I/O.
pub fn install_pre_commit_hook(root: &Path, force: bool) -> Result<PathBuf, Error> {
    let out = Command::new("git")
        .args(["rev-parse", "--git-path", "hooks"])
        .current_dir(root)
        .output()
        .map_err(|e| Error::io("git", e))?;
    if !out.status.success() {
        return Err(Error::usage(
            format!("{} is not in a git repository", root.display()),
            None,
        ));
    }
    let hooks = root.join(String::from_utf8_lossy(&out.stdout).trim());
    fs::create_dir_all(&hooks).map_err(|e| Error::io(&hooks, e))?;
    let hook = hooks.join("pre-commit");
    // Anything there that is not our own hook (a script, a symlink, even a broken one or
    // one that is not UTF-8) belongs to someone else.
    if fs::symlink_metadata(&hook).is_ok() {
        let ours = fs::read(&hook)
            .map(|bytes| String::from_utf8_lossy(&bytes).contains(HOOK_MARKER))
            .unwrap_or(false)
            && !fs::symlink_metadata(&hook).is_ok_and(|m| m.file_type().is_symlink());
        if !ours && !force {
            return Err(Error::usage(
                format!("{} exists and was not written by promvault", hook.display()),
                Some(
                    "add `promvault check --staged` to it yourself, or pass --force to replace it"
                        .to_string(),
                ),
            ));
        }
        if !ours {
            fs::remove_file(&hook).map_err(|e| Error::io(&hook, e))?;
        }
    }
    // git runs hooks from the top of the work tree: name the project if it is deeper
    let top = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(root)
        .output()
        .map_err(|e| Error::io("git", e))?;
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let project_arg = project_arg(root, &top);
    let script = format!("#!/bin/sh\n# {HOOK_MARKER}\n# Blocks a commit that leaks a secret, commits a plaintext vault or breaks a template.\nexec promvault{project_arg} check --staged\n");
    output::write_atomic(&hook, script.as_bytes(), 0o755).map_err(|e| Error::io(&hook, e))?;
    Ok(hook)
}

/// What a command git runs from the top of its work tree (`top`) needs to find the project at
/// `root`: ` --project REL` when the project is deeper, else nothing.
pub fn project_arg(root: &Path, top: &Path) -> String {
    let rel = fs::canonicalize(root)
        .ok()
        .zip(fs::canonicalize(top).ok())
        .and_then(|(p, t)| p.strip_prefix(&t).ok().map(Path::to_path_buf))
        .unwrap_or_default();
    if rel.as_os_str().is_empty() {
        String::new()
    } else {
        format!(" --project {}", shell_words::quote(&rel.to_string_lossy()))
    }
}
