//! What `render` does with the outputs the [`pipeline`](crate::pipeline) prepared, once
//! every one of them rendered and validated: compare each with the file on disk (drift, and
//! a diff with every secret masked), print them (`--stdout`), or write them all atomically.

use std::{
    fs, io,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use crate::{
    output::diff::Masker,
    output::{self, WriteOutcome},
    pipeline::Rendered,
};

/// One output next to the file it would replace.
pub struct Drift<'a> {
    pub rendered: &'a Rendered,
    old: Option<Vec<u8>>,
    old_mode: Option<u32>,
}

impl Drift<'_> {
    /// Whether writing would change the file (its bytes or its mode).
    #[must_use]
    pub fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.rendered.bytes.as_slice())
            || self.old_mode != Some(self.rendered.mode)
    }

    /// A unified diff of the change, secrets masked (vault values in every form, bcrypt
    /// hashes, credential fields old and new), plus a line for a change of mode only; empty
    /// when nothing changes.
    #[must_use]
    pub fn diff(&self, masker: &Masker) -> String {
        if !self.changed() {
            return String::new();
        }
        let r = self.rendered;
        let mut text = match &r.secret_file {
            Some(name) => {
                output::diff::secret_file(&r.display, name, self.old.as_deref(), Some(&r.bytes))
            }
            None => output::diff::unified(masker, &r.display, self.old.as_deref(), &r.bytes),
        };
        if self.old.as_deref() == Some(r.bytes.as_slice()) {
            text.push_str(&format!(
                "mode {:04o} -> {:04o}: {}\n",
                self.old_mode.unwrap_or(0),
                r.mode,
                r.display
            ));
        }
        text
    }
}

/// Each output compared with what is on disk now.
#[must_use]
pub fn drift(rendered: &[Rendered]) -> Vec<Drift<'_>> {
    rendered
        .iter()
        .map(|r| Drift {
            rendered: r,
            old: fs::read(&r.dest).ok(),
            old_mode: fs::metadata(&r.dest)
                .ok()
                .map(|m| m.permissions().mode() & 0o7777),
        })
        .collect()
}

/// The outputs as `render --stdout` prints them: one output as it is; several each after a
/// `---` line naming it (and ending with a newline). Secret files are not printed.
#[must_use]
pub fn to_stdout(rendered: &[Rendered]) -> Vec<u8> {
    let rendered: Vec<&Rendered> = rendered
        .iter()
        .filter(|r| r.secret_file.is_none())
        .collect();
    if let [only] = rendered.as_slice() {
        return only.bytes.clone();
    }
    let mut out = Vec::new();
    for r in &rendered {
        out.extend_from_slice(
            format!("---\n# promvault: {} ({}, {})\n", r.display, r.env, r.host).as_bytes(),
        );
        out.extend_from_slice(&r.bytes);
        if !r.bytes.ends_with(b"\n") && !r.bytes.is_empty() {
            out.push(b'\n');
        }
    }
    out
}

/// Writes every output atomically and owner-only (or with its mode), each prepared before
/// any replaces its target; an unchanged file is left untouched.
///
/// # Errors
/// The file that could not be written, and why.
pub fn write(rendered: &[Rendered]) -> Result<Vec<WriteOutcome>, (PathBuf, io::Error)> {
    let files: Vec<(&Path, &[u8], u32)> = rendered
        .iter()
        .map(|r| (r.dest.as_path(), r.bytes.as_slice(), r.mode))
        .collect();
    output::write_all_atomic(&files)
}

/// What `render --format json` prints: the findings, what happened (or would happen, under
/// `--check`) to each file, and whether anything drifted.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub findings: Vec<crate::finding::Finding>,
    /// How many findings were allowed on purpose.
    pub allowed: usize,
    pub outputs: Vec<Status>,
    /// Under `--check`: whether anything would change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<bool>,
}

/// One file's fate: `created`, `changed`, `unchanged`, `removed`, or under `--check`
/// `would change`, `unchanged`, `would remove`; with its masked diff under `--diff`.
#[derive(Debug, serde::Serialize)]
pub struct Status {
    pub status: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl Report {
    /// The JSON text, ending with a newline.
    #[must_use]
    pub fn json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
        )
    }
}

/// The word `render` prints for what happened to a file.
#[must_use]
pub fn word(outcome: WriteOutcome) -> &'static str {
    match outcome {
        WriteOutcome::Created => "created",
        WriteOutcome::Changed => "changed",
        WriteOutcome::Unchanged => "unchanged",
    }
}

/// The list of files `render` wrote, per environment, so that an output whose host,
/// environment or template is gone can be found later ([`stale`]) and removed
/// (`render --prune`). One `ENV<TAB>PATH` line per file (PATH relative to the folder the list
/// is in), sorted; kept in the project (or the `--out-dir`) as `.promvault-outputs`. A secret
/// file's line ends with `<TAB>secret` (its diffs are masked whole, even once it is stale).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    entries: std::collections::BTreeSet<(String, String)>,
    /// The paths (as `entries` hold them) of secret files.
    secret: std::collections::BTreeSet<String>,
}

impl Manifest {
    /// The file name of the list, in the project folder or the `--out-dir`.
    pub const FILE: &'static str = ".promvault-outputs";

    /// Reads the list in `dir`; empty when there is none (or it is not one).
    #[must_use]
    pub fn load(dir: &Path) -> Manifest {
        let text = fs::read_to_string(dir.join(Self::FILE)).unwrap_or_default();
        let mut manifest = Manifest::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((env, path)) = line.split_once('\t') else {
                continue;
            };
            let path = match path.strip_suffix("\tsecret") {
                Some(path) => {
                    manifest.secret.insert(path.to_string());
                    path
                }
                None => path,
            };
            manifest.entries.insert((env.to_string(), path.to_string()));
        }
        manifest
    }

    /// Whether `path` (a path [`Manifest::stale`] gave) was written as a secret file.
    #[must_use]
    pub fn is_secret_file(&self, dir: &Path, path: &Path) -> bool {
        path.strip_prefix(dir)
            .is_ok_and(|rel| self.secret.contains(&rel.display().to_string()))
    }

    /// The files written earlier for one of `envs` that no output writes now, inside `dir`
    /// and still there (the paths as the list holds them).
    #[must_use]
    pub fn stale(&self, dir: &Path, envs: &[&str], rendered: &[Rendered]) -> Vec<PathBuf> {
        let now: std::collections::HashSet<PathBuf> =
            rendered.iter().map(|r| r.dest.clone()).collect();
        self.entries
            .iter()
            .filter(|(env, _)| envs.contains(&env.as_str()))
            .filter_map(|(_, rel)| crate::sandbox::output_path(dir, Path::new(rel)).ok())
            .filter(|path| !now.contains(path) && path.is_file())
            .collect()
    }

    /// The list after a render of `envs` that wrote `rendered` and removed `removed`: other
    /// environments' entries are kept, as are stale files not removed (still reported).
    #[must_use]
    pub fn after(
        &self,
        dir: &Path,
        envs: &[&str],
        rendered: &[Rendered],
        removed: &[PathBuf],
    ) -> Manifest {
        let relative = |p: &Path| p.strip_prefix(dir).ok().map(|r| r.display().to_string());
        let removed: Vec<String> = removed.iter().filter_map(|p| relative(p)).collect();
        let mut entries: std::collections::BTreeSet<(String, String)> = self
            .entries
            .iter()
            .filter(|(env, rel)| {
                !removed.contains(rel)
                    && (!envs.contains(&env.as_str())
                        || crate::sandbox::output_path(dir, Path::new(rel))
                            .is_ok_and(|p| p.is_file()))
            })
            .cloned()
            .collect();
        let kept: std::collections::HashSet<&str> =
            entries.iter().map(|(_, rel)| rel.as_str()).collect();
        let mut secret: std::collections::BTreeSet<String> = self
            .secret
            .iter()
            .filter(|p| kept.contains(p.as_str()))
            .cloned()
            .collect();
        for r in rendered {
            if let Some(rel) = relative(&r.dest) {
                if r.secret_file.is_some() {
                    secret.insert(rel.clone());
                } else {
                    secret.remove(&rel);
                }
                entries.insert((r.env.clone(), rel));
            }
        }
        Manifest { entries, secret }
    }

    /// Writes the list into `dir` (atomically; unchanged bytes are left alone).
    ///
    /// # Errors
    /// The list could not be written.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        let mut text = String::from(
            "# Written by `promvault render`: the files it wrote, to find outputs that are no longer rendered (`render --prune`).\n",
        );
        for (env, path) in &self.entries {
            let kind = if self.secret.contains(path) {
                "\tsecret"
            } else {
                ""
            };
            text.push_str(&format!("{env}\t{path}{kind}\n"));
        }
        output::write_all_atomic(&[(&dir.join(Self::FILE), text.as_bytes(), 0o644)])
            .map(|_| ())
            .map_err(|(_, e)| e)
    }
}
