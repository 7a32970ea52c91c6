//! Vaults in git: readable diffs and key-by-key merges.
//!
//! A whole-file age vault changes all its bytes on every write, so git alone shows a reviewer
//! nothing of what changed, and cannot merge two changes of one vault. `promvault git-setup`
//! ([`setup`]) names promvault, in `.gitattributes` and the repository's own git config, as:
//! - the vaults' textconv driver ([`textconv`]): `git diff` and `git log -p` show the
//!   decrypted YAML to whoever holds a key, and one stable line to anyone else (the
//!   converted text is never cached in `.git`: `diff.promvault.cachetextconv` is false);
//! - their merge driver ([`merge_driver`]): a three-way merge of the decrypted mappings
//!   ([`vault::merge`]), re-encrypted to the vault's recipients in promvault.yml. A conflict
//!   names the keys (never a value) and leaves our version, a vault that still opens, never
//!   conflict markers.
//!
//! The record beside a vault (`ENV.yml.age.recipients`) names the hash of the vault file, so a
//! merged vault needs a new record too. git merges the record with the same driver: the vault's
//! merge leaves the record it wrote for the merged file in `$GIT_DIR/promvault-merge/`, and the
//! record's merge takes it from there when git merges the vault first (as its default `ort`
//! strategy does); otherwise our record is kept, and `promvault check` says to run
//! `promvault rekey ENV`, which writes a fresh one.

use std::{
    fs,
    path::{Component, Path, PathBuf},
    process::Command,
};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{
    identity::{Identities, IdentityError},
    output,
    project::{Environment, Project},
    sandbox::same_file,
    vault::{self, merge, record, VaultError},
    Error,
};

/// The name of the diff and merge drivers in `.gitattributes` and git's config.
pub const DRIVER: &str = "promvault";

/// What `textconv` prints for a vault: its plaintext, or, when it cannot be opened here, one
/// stable line saying why, with the start of the file's SHA-256 (the hash its record names):
/// `git diff` without a key then shows that the vault changed, instead of failing or, were
/// the line the same for every version, showing nothing at all.
#[must_use]
pub fn textconv(
    file: &Path,
    identities: impl FnOnce() -> Result<Identities, Error>,
) -> Zeroizing<Vec<u8>> {
    let Ok(raw) = fs::read(file) else {
        return Zeroizing::new(b"promvault: cannot decrypt: the file cannot be read\n".to_vec());
    };
    let line = |why: &str| {
        Zeroizing::new(
            format!(
                "promvault: cannot decrypt: {why} (file sha256 {})\n",
                &record::digest(&raw)[..16]
            )
            .into_bytes(),
        )
    };
    let ids = match identities() {
        Ok(ids) => ids,
        Err(Error::Identity(e)) if matches!(*e, IdentityError::NoneFound { .. }) => {
            return line("no identity");
        }
        Err(_) => return line("an identity cannot be read"),
    };
    match vault::decrypt_binary(&raw, "vault", &ids, &[]) {
        Ok(plain) => plain,
        Err(e) => line(reason(&e)),
    }
}

/// Why a vault did not open, in a few stable words (no path, no key).
fn reason(e: &VaultError) -> &'static str {
    match e {
        VaultError::WrongIdentity(_) => "none of your identities opens it",
        VaultError::Plaintext { .. } => "it is not encrypted",
        VaultError::MergeConflict { .. } => "it holds git conflict markers",
        VaultError::AnsibleVault { .. } => "it is an ansible-vault file",
        VaultError::Passphrase { .. } => "it is encrypted with a passphrase",
        VaultError::HeaderTooLarge { .. } => "its age header is too large",
        VaultError::Identity { .. } => "an identity cannot be used",
        VaultError::Damaged { .. } => "it is damaged",
        _ => "it cannot be read",
    }
}

/// What the merge driver did, to tell the person running git.
#[derive(Debug)]
pub enum MergeReport {
    /// The vault merged; `taken` top-level keys came from their side.
    Merged { display: String, taken: usize },
    /// The merged plaintext is ours: the file is left as it is.
    Ours { display: String },
    /// A record merged (taken from the vault's merge, or ours kept).
    Record { display: String, fresh: bool },
    /// Keys that do not merge; the file is left as our version.
    Conflicts {
        display: String,
        env: String,
        conflicts: Vec<merge::Conflict>,
    },
    /// The vault could not be merged at all (no key, not a vault...); ours is kept.
    Trouble {
        display: String,
        env: Option<String>,
        message: String,
    },
}

impl MergeReport {
    /// git's merge-driver convention: 0 merged, anything else a conflict.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            MergeReport::Merged { .. } | MergeReport::Ours { .. } | MergeReport::Record { .. } => 0,
            MergeReport::Conflicts { .. } | MergeReport::Trouble { .. } => 1,
        }
    }

    /// The lines printed on stderr (git shows them), empty for a record; never a value.
    #[must_use]
    pub fn message(&self) -> String {
        let resolve = |display: &str, env: Option<&str>| {
            format!(
                "  hint: the file is our version and still opens; make their change again with `promvault edit {}` (`git show --textconv :3:{display}` shows their version), then `git add {display}`",
                env.unwrap_or("ENV")
            )
        };
        match self {
            MergeReport::Merged { display, taken } => format!(
                "promvault: {display}: merged ({taken} key(s) from theirs), encrypted to its recipients"
            ),
            MergeReport::Ours { display } => {
                format!("promvault: {display}: merged (our version holds both sides' changes)")
            }
            // the record follows its vault: nothing to tell (`check` flags a stale one)
            MergeReport::Record { .. } => String::new(),
            MergeReport::Conflicts {
                display,
                env,
                conflicts,
            } => {
                let mut out = format!(
                    "promvault: {display}: {} (values not shown):",
                    match conflicts.len() {
                        1 => "1 key does not merge".to_string(),
                        n => format!("{n} keys do not merge"),
                    }
                );
                for c in conflicts {
                    out.push_str(&format!("\n  {c}"));
                }
                out.push('\n');
                out.push_str(&resolve(display, Some(env)));
                out
            }
            MergeReport::Trouble {
                display,
                env,
                message,
            } => format!(
                "promvault: {display}: cannot merge: {message}\n{}",
                resolve(display, env.as_deref())
            ),
        }
    }
}

/// The files git hands a merge driver: `%O %A %B %P`.
#[derive(Debug, Clone, Copy)]
pub struct MergeFiles<'a> {
    /// The common ancestor's version (empty when both sides added the file).
    pub base: &'a Path,
    /// Ours: the merge result is written here.
    pub ours: &'a Path,
    pub theirs: &'a Path,
    /// The path in the repository, from the top of the work tree (git's working folder).
    pub path: &'a str,
}

/// git's merge driver for a vault or its record (see the module's documentation). Writes
/// only `files.ours` (atomically, owner-only for a vault) and the record it leaves for the
/// record's merge; on any failure `files.ours` is left as it is.
#[must_use]
pub fn merge_driver(
    project: &Project,
    identities: impl FnOnce() -> Result<Identities, Error>,
    files: MergeFiles<'_>,
) -> MergeReport {
    let envs = project.environments();
    let here = Path::new(files.path);
    if let Some(env) = envs.iter().find(|e| same_file(&e.vault, here)) {
        let display = project.display_path(&env.vault);
        return match merge_vault(env, &display, identities, files) {
            Ok(report) => report,
            Err(e) => MergeReport::Trouble {
                display,
                env: Some(env.name.clone()),
                message: e.to_string(),
            },
        };
    }
    if let Some(env) = envs
        .iter()
        .find(|e| same_file(&record::path_for(&e.vault), here))
    {
        let display = project.display_path(&record::path_for(&env.vault));
        return merge_record(&display, files);
    }
    MergeReport::Trouble {
        display: files.path.to_string(),
        env: None,
        message: "it is not the vault of an environment in promvault.yml".to_string(),
    }
}

fn merge_vault(
    env: &Environment,
    display: &str,
    identities: impl FnOnce() -> Result<Identities, Error>,
    files: MergeFiles<'_>,
) -> Result<MergeReport, Error> {
    let read = |p: &Path| fs::read(p).map_err(|e| Error::io(p, e));
    let (base_raw, ours_raw, theirs_raw) =
        (read(files.base)?, read(files.ours)?, read(files.theirs)?);
    let ids = identities()?;
    let open = |raw: &[u8], side: &str| -> Result<Zeroizing<String>, Error> {
        if raw.is_empty() && side == "base" {
            return Ok(Zeroizing::new(String::new()));
        }
        Ok(vault::decrypt_bytes(
            raw,
            &format!("{display} ({side})"),
            &ids,
            &env.recipients,
        )?)
    };
    let (base, ours, theirs) = (
        open(&base_raw, "base")?,
        open(&ours_raw, "ours")?,
        open(&theirs_raw, "theirs")?,
    );
    match merge::three_way(&base, &ours, &theirs, display)? {
        merge::Outcome::Ours => Ok(MergeReport::Ours {
            display: display.to_string(),
        }),
        merge::Outcome::Conflicts(conflicts) => Ok(MergeReport::Conflicts {
            display: display.to_string(),
            env: env.name.clone(),
            conflicts,
        }),
        merge::Outcome::Merged { text, taken } => {
            let bytes = vault::encrypt(text.as_bytes(), &env.recipients, display)?;
            output::write_atomic(files.ours, &bytes, output::OWNER_ONLY)
                .map_err(|e| Error::io(files.ours, e))?;
            let names = vault::record_names(text.as_bytes());
            let record = record::render(display, &bytes, &env.recipients, &names);
            // the record's own merge picks this up; without it, ours is kept (see the module)
            let _ = leave_record(
                &record_key(files.path, &ours_raw, &theirs_raw),
                &record,
                files.path,
            );
            Ok(MergeReport::Merged {
                display: display.to_string(),
                taken,
            })
        }
    }
}

/// Where the vault's merge leaves the merged vault's record for the record's merge.
fn stash_dir() -> Option<PathBuf> {
    let out = Command::new("git")
        .args(["rev-parse", "--git-path", "promvault-merge"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name of a left record: the vault's path and the hashes of the two vault versions
/// merged (which the two records being merged name).
fn record_key(vault_path: &str, ours: &[u8], theirs: &[u8]) -> String {
    stash_name(vault_path, &record::digest(ours), &record::digest(theirs))
}

fn stash_name(vault_path: &str, ours_sha: &str, theirs_sha: &str) -> String {
    hex(format!("{vault_path}\n{ours_sha}\n{theirs_sha}").as_bytes())
}

fn leave_record(name: &str, record: &str, vault_path: &str) -> std::io::Result<()> {
    let Some(dir) = stash_dir() else {
        return Ok(());
    };
    fs::create_dir_all(&dir)?;
    // an earlier merge of the same vault that was never picked up is replaced
    let prefix = format!("{}-", &hex(vault_path.as_bytes())[..16]);
    for entry in fs::read_dir(&dir)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
    output::write_atomic(
        &dir.join(format!("{prefix}{name}")),
        record.as_bytes(),
        0o644,
    )
    .map(|_| ())
}

fn merge_record(display: &str, files: MergeFiles<'_>) -> MergeReport {
    let kept = MergeReport::Record {
        display: display.to_string(),
        fresh: false,
    };
    let parse = |p: &Path| -> Option<record::Record> {
        crate::yaml::from_str(&fs::read_to_string(p).ok()?).ok()
    };
    let (Some(ours), Some(theirs)) = (parse(files.ours), parse(files.theirs)) else {
        return kept;
    };
    let Some(vault_path) = files.path.strip_suffix(".recipients") else {
        return kept;
    };
    let Some(dir) = stash_dir() else {
        return kept;
    };
    let hashes = |r: &record::Record| {
        let mut h = vec![r.sha256.clone()];
        h.extend(r.pending.as_ref().map(|p| p.sha256.clone()));
        h
    };
    let prefix = format!("{}-", &hex(vault_path.as_bytes())[..16]);
    for o in hashes(&ours) {
        for t in hashes(&theirs) {
            let stash = dir.join(format!("{prefix}{}", stash_name(vault_path, &o, &t)));
            let Ok(text) = fs::read_to_string(&stash) else {
                continue;
            };
            if output::write_atomic(files.ours, text.as_bytes(), 0o644).is_err() {
                return kept;
            }
            let _ = fs::remove_file(&stash);
            return MergeReport::Record {
                display: display.to_string(),
                fresh: true,
            };
        }
    }
    kept
}

/// What `git-setup` did, one line each.
pub type Steps = Vec<String>;

/// Names promvault as the vaults' diff and merge driver: lines in the project's
/// `.gitattributes` (kept as it is otherwise) and the repository's local git config. Safe to
/// run again: what is already there is left alone.
///
/// # Errors
/// Not a git repository, git failing, or I/O.
pub fn setup(project: &Project) -> Result<Steps, Error> {
    let top = git_output(&project.root, &["rev-parse", "--show-toplevel"]).ok_or_else(|| {
        Error::usage(
            format!("{} is not in a git repository", project.root.display()),
            Some("run `git init` first".to_string()),
        )
    })?;
    let mut steps = Vec::new();
    let (lines, skipped) = attribute_lines(project);
    for s in skipped {
        steps.push(format!(
            "note: {s} is outside the project folder: add its .gitattributes line yourself"
        ));
    }
    let path = project.root.join(".gitattributes");
    let existing = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let normal = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let have: Vec<String> = existing.lines().map(normal).collect();
    let missing: Vec<&String> = lines
        .iter()
        .filter(|l| !have.contains(&normal(l)))
        .collect();
    if missing.is_empty() {
        steps.push(".gitattributes: already names the promvault driver for the vaults".to_string());
    } else {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let comment = "# promvault git-setup: vaults diffed decrypted (for those who hold a key) and merged key by key";
        if !have.iter().any(|l| l == comment) {
            text.push_str(comment);
            text.push('\n');
        }
        for l in &missing {
            text.push_str(l);
            text.push('\n');
            steps.push(format!(".gitattributes: added `{l}`"));
        }
        let mode = fs::metadata(&path)
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777)
            .unwrap_or(0o644);
        output::write_atomic(&path, text.as_bytes(), mode).map_err(|e| Error::io(&path, e))?;
    }
    // git runs drivers from the top of the work tree: name the project if it is deeper
    let project_arg = crate::git::project_arg(&project.root, Path::new(&top));
    let settings = [
        (
            format!("diff.{DRIVER}.textconv"),
            format!("promvault{project_arg} textconv"),
        ),
        // the decrypted text must never be kept in .git (git's notes cache)
        (format!("diff.{DRIVER}.cachetextconv"), "false".to_string()),
        (
            format!("merge.{DRIVER}.name"),
            "promvault: three-way merge of decrypted vaults".to_string(),
        ),
        (
            format!("merge.{DRIVER}.driver"),
            format!("promvault{project_arg} merge-driver %O %A %B %P"),
        ),
    ];
    for (key, value) in settings {
        if git_output(&project.root, &["config", "--local", "--get", &key]).as_deref()
            == Some(value.as_str())
        {
            steps.push(format!("git config: {key} is already `{value}`"));
            continue;
        }
        let out = Command::new("git")
            .args(["config", "--local", &key, &value])
            .current_dir(&project.root)
            .output()
            .map_err(|e| Error::io("git", e))?;
        if !out.status.success() {
            return Err(Error::usage(
                format!(
                    "git config {key} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                None,
            ));
        }
        steps.push(format!("git config: set {key} = `{value}`"));
    }
    if !on_path("promvault") {
        steps.push(
            "note: git runs `promvault` by name, and it is not on PATH: install it (`cargo install --path .`) or add its folder to PATH"
                .to_string(),
        );
    }
    Ok(steps)
}

/// The `.gitattributes` lines for the project's vaults (and their records), and the vaults
/// outside the project folder, which a line there cannot name.
fn attribute_lines(project: &Project) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for env in project.environments() {
        let Ok(rel) = env.vault.strip_prefix(&project.root) else {
            skipped.push(project.display_path(&env.vault));
            continue;
        };
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            skipped.push(project.display_path(&env.vault));
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        // a glob pattern must not hold spaces or glob characters of its own
        let plain = |s: &str| !s.contains(|c: char| c.is_whitespace() || "*?[]\\\"#!".contains(c));
        if !plain(&rel) {
            skipped.push(rel);
            continue;
        }
        // every `.age` file beside a vault: environments added later are covered too
        let pattern = match rel.rsplit_once('/') {
            _ if !rel.ends_with(".age") => format!("/{rel}"),
            Some((dir, _)) => format!("{dir}/*.age"),
            None => "/*.age".to_string(),
        };
        for line in [
            format!("{pattern} diff={DRIVER} merge={DRIVER}"),
            format!("{pattern}.recipients merge={DRIVER}"),
        ] {
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    (lines, skipped)
}

fn git_output(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            fs::metadata(dir.join(program)).is_ok_and(|m| {
                m.is_file()
                    && std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_attribute_pattern_per_vault_folder_and_exact_paths_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("promvault.yml"),
            "recipients: [age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq]\n\
             environments:\n  prod: {}\n  staging: {}\n  \
             edge:\n    vault: edge.age\n  lab:\n    vault: secrets/lab.yml\n",
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        let (lines, skipped) = attribute_lines(&project);
        assert_eq!(
            lines,
            [
                "vault/*.age diff=promvault merge=promvault",
                "vault/*.age.recipients merge=promvault",
                "/*.age diff=promvault merge=promvault",
                "/*.age.recipients merge=promvault",
                "/secrets/lab.yml diff=promvault merge=promvault",
                "/secrets/lab.yml.recipients merge=promvault",
            ]
        );
        assert!(skipped.is_empty());
    }
}
