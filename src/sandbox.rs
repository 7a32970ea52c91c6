//! The project is a sandbox. CI runs `render` and `check` on pull requests with a real
//! identity, and a pull request can change every file of the project (promvault.yml,
//! inventories, templates). So every path that comes from the project is confined to it:
//!
//! - paths written in promvault.yml are relative, without `..`, and outside `.git/`
//!   ([`project_path`]);
//! - a file promvault reads for the project must resolve, symlinks followed, to a file inside
//!   the project ([`read_to_string`]): a symlink committed as `group_vars/all.yml` pointing at
//!   `/proc/self/environ` is refused, its target never read;
//! - an output goes below its base folder (the project, or `--out-dir`), never into `.git/`,
//!   never through a symlink ([`output_path`]).
//!
//! Refusals are `io::Error`s of kind `PermissionDenied` with a message that says why, so every
//! reader reports them with its own file name and context.

use std::{
    fs, io,
    path::{Component, Path, PathBuf},
};

/// Why a path written in the project is refused, if it is.
///
/// Absolute paths, `..` anywhere, and any `.git` folder (in any letter case: some file systems
/// ignore it) are refused; `./` is allowed.
#[must_use]
pub fn refusal(path: &Path) -> Option<&'static str> {
    if path.as_os_str().is_empty() {
        return Some("an empty path");
    }
    for component in path.components() {
        match component {
            Component::RootDir | Component::Prefix(_) => {
                return Some("an absolute path: paths in a project are relative to its folder")
            }
            Component::ParentDir => return Some("`..` would lead out of the project"),
            Component::Normal(name) if name.eq_ignore_ascii_case(".git") => {
                return Some("inside `.git/`, which promvault never reads or writes")
            }
            Component::Normal(name) if name.as_encoded_bytes().contains(&0) => {
                return Some("a NUL byte in a file name")
            }
            _ => {}
        }
    }
    None
}

/// Whether `name` can be one component of a file path as it is: no `/`, `\\` or NUL, and
/// not `.` or `..` (a host name used in a `dest`).
#[must_use]
pub fn is_file_name(name: &str) -> bool {
    !name.contains(['/', '\\', '\0']) && name != "." && name != ".."
}

/// A path written in promvault.yml, resolved against the project `root`, after checking it
/// stays inside the project (lexically, and through symlinks where it exists already).
///
/// # Errors
/// The reason it is refused.
pub fn project_path(root: &Path, written: &str) -> Result<PathBuf, &'static str> {
    let rel = Path::new(written);
    if let Some(why) = refusal(rel) {
        return Err(why);
    }
    let path = root.join(rel);
    if path.exists() && !is_inside(root, &path) {
        return Err(
            "a symlink leads outside the project: promvault reads only the project's own files",
        );
    }
    Ok(path)
}

/// Whether `path` (which exists) resolves, symlinks followed, to a place inside `root` that is
/// not in its `.git/` folder.
#[must_use]
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let (Ok(root), Ok(real)) = (fs::canonicalize(root), fs::canonicalize(path)) else {
        return false;
    };
    real.strip_prefix(&root)
        .is_ok_and(|rel| refusal(rel).is_none() || rel.as_os_str().is_empty())
}

fn denied(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message.to_string())
}

/// Reads a file of the project at `root`, refusing one that resolves outside it.
///
/// # Errors
/// The file leads outside the project, or cannot be read.
pub fn read_to_string(root: &Path, path: &Path) -> io::Result<String> {
    check_inside(root, path)?;
    fs::read_to_string(path)
}

/// Reads the bytes of a file of the project at `root`, refusing one that resolves outside it.
///
/// # Errors
/// The file leads outside the project, or cannot be read.
pub fn read(root: &Path, path: &Path) -> io::Result<Vec<u8>> {
    check_inside(root, path)?;
    fs::read(path)
}

fn check_inside(root: &Path, path: &Path) -> io::Result<()> {
    // a missing file keeps its own error (NotFound)
    fs::metadata(path)?;
    if is_inside(root, path) {
        Ok(())
    } else {
        Err(denied(
            "leads outside the project (through a symlink or into .git/); promvault reads only the project's own files",
        ))
    }
}

/// Where an output whose destination renders to `rel` is written below `base` (the project,
/// or `--out-dir`): `rel` must pass [`refusal`], and no folder on the way (nor the file itself)
/// may be a symlink, so a committed `out -> /etc` link cannot redirect a write.
///
/// # Errors
/// The reason it is refused.
pub fn output_path(base: &Path, rel: &Path) -> Result<PathBuf, String> {
    if let Some(why) = refusal(rel) {
        return Err(why.to_string());
    }
    let mut path = base.to_path_buf();
    for component in rel.components() {
        if let Component::Normal(name) = component {
            path.push(name);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(format!(
                        "`{}` is a symlink: promvault never writes through one",
                        path.strip_prefix(base).unwrap_or(&path).display()
                    ))
                }
                Ok(_) => {}
                // below a missing folder nothing can be a symlink yet
                Err(_) => return Ok(base.join(rel)),
            }
        }
    }
    Ok(path)
}

/// Whether two paths name the same file, whether or not it exists yet (its folder must).
#[must_use]
pub fn same_file(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| -> Option<PathBuf> {
        let absolute = std::path::absolute(p).ok()?;
        let parent = fs::canonicalize(absolute.parent()?).ok()?;
        Some(parent.join(absolute.file_name()?))
    };
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_paths_stay_in_the_project() {
        for good in [
            "out/prod/prometheus.yml",
            "./templates/a.j2",
            "vault/.hidden",
            "a..b",
        ] {
            assert_eq!(refusal(Path::new(good)), None, "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "out/../../x",
            ".git/hooks/post-checkout",
            "sub/.GIT/config",
            "/proc/self/environ",
        ] {
            assert!(refusal(Path::new(bad)).is_some(), "{bad}");
        }
    }

    #[test]
    fn symlinks_out_of_the_project_are_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=x").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("own.yml"), "a: 1").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("link.yml"))
            .unwrap();
        std::os::unix::fs::symlink(root.path().join("own.yml"), root.path().join("inner.yml"))
            .unwrap();
        assert_eq!(
            read_to_string(root.path(), &root.path().join("own.yml")).unwrap(),
            "a: 1"
        );
        assert_eq!(
            read_to_string(root.path(), &root.path().join("inner.yml")).unwrap(),
            "a: 1"
        );
        let err = read_to_string(root.path(), &root.path().join("link.yml")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(!err.to_string().contains("TOKEN"));
        assert!(project_path(root.path(), "link.yml").is_err());
        assert!(project_path(root.path(), "own.yml").is_ok());
    }

    #[test]
    fn outputs_never_go_through_a_symlink() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("out")).unwrap();
        assert!(output_path(root.path(), Path::new("out/x.yml")).is_err());
        assert!(output_path(root.path(), Path::new("other/x.yml")).is_ok());
        std::fs::create_dir(root.path().join("real")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f"), root.path().join("real/f")).unwrap();
        assert!(output_path(root.path(), Path::new("real/f")).is_err());
        assert!(output_path(root.path(), Path::new(".git/hooks/x")).is_err());
    }
}
