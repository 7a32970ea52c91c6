//! `promvault check`: what a pre-commit hook and CI run over a project.
//!
//! - every vault is an age file, with a record (`vault/ENV.yml.age.recipients`) that matches
//!   it and lists exactly the recipients promvault.yml now names (else: rekey);
//! - every template renders for every environment with strict undefined variables, with
//!   placeholders in place of the vault's values (so no key is needed, and a template that
//!   interpolates a secret unquoted shows up whatever the secret is);
//! - every output passes Prometheus' rules and promvault's lints;
//! - no private key is committed, except an identity marked as a demo identity;
//! - no file holds the plaintext of a vault value (when an identity can open the vaults).
//!
//! With `--staged`, the files are those in git's index (not the work tree), so the hook
//! checks exactly what is being committed.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{
    finding::{Finding, Location},
    identity::Identities,
    inventory::VarLayer,
    output::diff::Masker,
    pipeline::{self, StandIn},
    project::{self, Environment, Project},
    secrets::Secrets,
    vault::{self, record},
};

/// What a check found, and what it could not check.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    /// Errors first, then warnings; each in the order found.
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    /// How many files were scanned for keys and leaks.
    pub files_scanned: usize,
}

impl Report {
    /// Whether the check fails: any error, or (with `strict`) any warning.
    #[must_use]
    pub fn fails(&self, strict: bool) -> bool {
        self.findings.iter().any(|f| strict || f.is_error())
    }

    /// The report as people read it: each finding, the notes, and a summary line.
    #[must_use]
    pub fn text(
        &self,
        environments: usize,
        strict: bool,
        colour: crate::colour::Palette,
    ) -> String {
        let mut t = String::new();
        for f in &self.findings {
            t.push_str(&colour.finding(f, &f.to_string()));
            t.push('\n');
        }
        for n in &self.notes {
            t.push_str(&format!("note: {n}\n"));
        }
        let errors = self.findings.iter().filter(|f| f.is_error()).count();
        let warnings = self.findings.len() - errors;
        if self.findings.is_empty() {
            t.push_str(&format!(
                "promvault check: clean ({environments} environment(s), {} file(s) scanned)\n",
                self.files_scanned
            ));
        } else if !self.fails(strict) {
            t.push_str(&format!(
                "promvault check: passed with {warnings} warning(s) (`check --strict` fails on them)\n"
            ));
        } else {
            t.push_str(&format!(
                "promvault check: {errors} error(s), {warnings} warning(s)\n"
            ));
        }
        t
    }
}

/// Private keys as they are written: age (and age plugin) identities, PEM private keys with
/// a body. Text that only mentions the markers (code, docs) does not match.
fn private_key_pattern() -> &'static regex_lite::Regex {
    static PATTERN: std::sync::OnceLock<regex_lite::Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        regex_lite::Regex::new(
            r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}|AGE-PLUGIN-[A-Z0-9-]+-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{20,}|-----BEGIN (?:OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----(?:\r?\n|\\n)(?:[A-Za-z0-9+/=:\- ,\r\n]|\\n){40,}",
        )
        .expect("valid pattern")
    })
}

/// Where the files to check come from.
pub enum Files {
    /// The work tree: every file of the project (git-tracked ones in a git repository).
    WorkTree,
    /// Only these files (paths given on the command line, or staged changes).
    Only(Vec<PathBuf>),
}

/// Runs every check on the project at `project.root` (which may be a snapshot of git's index).
/// `scan` lists the files (relative to the root) to scan for private keys and leaks.
#[must_use]
pub fn run(project: &Project, scan: &[PathBuf], identities: Option<&Identities>) -> Report {
    run_scan(project, scan, identities, false)
}

/// [`run`] on a snapshot of git's index (`check --staged`): every file scanned is staged, so
/// a secret file among them is about to be committed.
#[must_use]
pub fn run_staged(project: &Project, scan: &[PathBuf], identities: Option<&Identities>) -> Report {
    run_scan(project, scan, identities, true)
}

/// The files git has (tracked, or staged) under `root`, relative to it; none outside a
/// repository.
fn in_git(root: &Path) -> std::collections::HashSet<PathBuf> {
    crate::git::lines(root, &["ls-files", "-z", "--", "."])
        .unwrap_or_default()
        .into_iter()
        .map(PathBuf::from)
        .collect()
}

fn run_scan(
    project: &Project,
    scan: &[PathBuf],
    identities: Option<&Identities>,
    staged: bool,
) -> Report {
    let mut report = Report::default();
    // the secret files `render` writes: where they belong, they are not leaks
    let mut secret_files = std::collections::HashSet::new();
    let mut tracked: Option<std::collections::HashSet<PathBuf>> = None;
    let version = match project.prometheus_version() {
        Ok(v) => v,
        Err(e) => {
            report.findings.push(Finding::error(
                "project",
                Location::file(project::PROJECT_FILE),
                e.to_string(),
            ));
            return report;
        }
    };
    let mut secrets = Secrets::new();
    // the vaults, one environment after the other; then the renders, on as many cores as
    // there are; each environment's findings in the order found, environment by environment
    let mut renders = Vec::new();
    for env in project.environments() {
        let mut found = Report::default();
        let Some((names, kinds, stale)) = check_vault(project, &env, &mut found) else {
            renders.push((found, None));
            continue;
        };
        let real = identities.and_then(|ids| match pipeline::vault_layer(project, &env, ids) {
            Ok(layer) => Some(layer),
            Err(pipeline::RunError::Vault(e))
                if matches!(e, crate::vault::VaultError::Damaged { .. }) =>
            {
                // the record may match (it was rewritten with the damaged file): only a key
                // can tell, and this one says the payload does not authenticate
                found.findings.push(
                    Finding::error(
                        "vault-damaged",
                        Location::file(project.display_path(&env.vault)),
                        e.to_string(),
                    )
                    .with_fix(e.hint().unwrap_or_default()),
                );
                None
            }
            Err(_) => {
                found.notes.push(format!(
                    "checked with stand-ins and leak scan without the values of {}: your identities cannot open it",
                    project.display_path(&env.vault)
                ));
                None
            }
        });
        if stale {
            found
                .findings
                .push(stale_record(project, &env, real.is_some()));
        }
        if let Some(layer) = &real {
            secrets.extend(Secrets::from_vault(layer));
        }
        renders.push((found, Some((env, names, kinds, real))));
    }
    let checked = crate::parallel::map(&renders, |(_, to_render)| {
        let mut found = Report::default();
        let mut written = std::collections::HashSet::new();
        if let Some((env, names, kinds, real)) = to_render {
            check_render(
                project,
                env,
                names,
                kinds,
                real.as_ref(),
                version,
                &mut found,
                &mut written,
            );
        }
        (found, written)
    });
    for ((before, _), (found, written)) in renders.into_iter().zip(checked) {
        for part in [before, found] {
            report.findings.extend(part.findings);
            report.notes.extend(part.notes);
        }
        secret_files.extend(written);
    }
    let vault_files: Vec<PathBuf> = project
        .environments()
        .iter()
        .flat_map(|e| [e.vault.clone(), record::path_for(&e.vault)])
        .collect();
    let masker = secrets.masker();
    let ignore = &project.config.check.ignore;
    let mut scanned = 0;
    for rel in scan {
        let display = rel.display().to_string();
        if ignored(&display, ignore) {
            continue;
        }
        let path = project.root.join(rel);
        if vault_files.iter().any(|v| v == &path) {
            continue;
        }
        // a secret file in the work tree is where render put it; in git, it is a leak
        let secret_file = secret_files.contains(&path);
        if secret_file
            && !staged
            && !tracked
                .get_or_insert_with(|| in_git(&project.root))
                .contains(rel)
        {
            continue;
        }
        let bytes = match crate::sandbox::read(&project.root, &path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                report.notes.push(format!("not scanned: {display} {e}"));
                continue;
            }
            Err(_) => continue,
        };
        scanned += 1;
        let text = String::from_utf8_lossy(&bytes);
        scan_private_keys(&display, &text, &mut report);
        let before = report.findings.len();
        scan_leaks(&display, &text, &masker, &mut report);
        if secret_file {
            for f in &mut report.findings[before..] {
                f.fix = Some(format!("this secret file is written by `promvault render` and must stay out of git: `git rm --cached {display}`, add its folder to .gitignore, and rotate the secret"));
            }
        }
    }
    report.files_scanned = scanned;
    report.findings.sort_by_key(|f| f.severity);
    if identities.is_none() {
        report
            .notes
            .push("leak scan skipped: no identity to open the vaults (set PROMVAULT_AGE_KEY, or pass --identity)".to_string());
    }
    report
}

fn ignored(path: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| {
        let p = p.trim_start_matches("./");
        if let Some(dir) = p.strip_suffix("/**").or_else(|| p.strip_suffix('/')) {
            path == dir || path.starts_with(&format!("{dir}/"))
        } else {
            crate::inventory::wildcard_match(p, path)
        }
    })
}

/// The names of a vault's variables, the kinds of those that are not strings, and whether the
/// vault is not the file its record describes (see `stale_record`).
type VariableShapes = (
    Vec<String>,
    std::collections::BTreeMap<String, String>,
    bool,
);

/// Checks a vault and its record; returns its variables' names and kinds when they are known.
fn check_vault(
    project: &Project,
    env: &Environment,
    report: &mut Report,
) -> Option<VariableShapes> {
    let display = project.display_path(&env.vault);
    let mut finding = |id: &str, message: String| {
        report
            .findings
            .push(Finding::error(id, Location::file(display.clone()), message));
    };
    let raw = match fs::read(&env.vault) {
        Ok(raw) => raw,
        Err(_) => {
            finding(
                "vault-missing",
                format!(
                    "environment `{}` has no vault here; create it with `promvault edit {}`",
                    env.name, env.name
                ),
            );
            return None;
        }
    };
    if !vault::looks_encrypted(&raw) {
        if vault::has_conflict_markers(&raw) {
            finding("vault-conflict", format!("this vault holds a git merge conflict (<<<<<<< ... >>>>>>>), and neither side opens as it is: keep one side (`git checkout --theirs {display}` or `--ours`), then make the other side's changes again with `promvault edit {}`", env.name));
        } else if crate::ansible_vault::is_ansible_vault(&raw) {
            finding("vault-ansible", format!("this vault is an ansible-vault file, not an age file: move it aside (`git mv {display} {display}.ansible`) and run `promvault import-ansible-vault {display}.ansible --env {}`", env.name));
        } else {
            finding("vault-plaintext", format!("this vault is not encrypted (plaintext?); encrypt it with `promvault encrypt {display}`, and if the plaintext was ever committed, rotate its secrets"));
        }
        return None;
    }
    let record = match record::read(&env.vault) {
        Ok(Some(r)) => r,
        Ok(None) => {
            finding("vault-unrecorded", format!("no record of who this vault is encrypted to (it was not written by promvault); run `promvault rekey {}`", env.name));
            return None;
        }
        Err(e) => {
            finding(
                "vault-unrecorded",
                format!(
                    "its record {display}.recipients is unreadable ({e}); run `promvault rekey {}`",
                    env.name
                ),
            );
            return None;
        }
    };
    let matched = record.matches(&raw);
    match matched {
        record::Match::Stale => {
            // whether a key opens it decides the message: see `stale_record`
            return Some((record.variables, record.kinds, true));
        }
        record::Match::Unfinished => report.findings.push(
            Finding::error(
                "vault-record-unfinished",
                Location::file(display.clone()),
                "a promvault write of this vault was interrupted after the vault was written and before its record was completed; the vault is the file that write produced (its hash is the record's `pending` one), so it is checked against that",
            )
            .with_fix(format!("the next `promvault set {0} ...` or `edit {0}` completes the record, or run `promvault rekey {0}`", env.name))
            .warning(),
        ),
        record::Match::NotWritten => report.findings.push(
            Finding::error(
                "vault-write-interrupted",
                Location::file(display.clone()),
                "a promvault write of this vault was interrupted before the vault was written: the vault is the previous file, whole, and the change that write was making was not made",
            )
            .with_fix(format!("make the change again (`promvault set {0} ...`, `edit {0}`); that also clears the record's `pending` entry", env.name))
            .warning(),
        ),
        record::Match::Current => {}
    }
    let (recorded, variables, kinds) = record.describing(&matched);
    let wanted: Vec<&String> = env.recipients.iter().collect();
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|w| !recorded.iter().any(|r| project::same_recipient(r, w)))
        .map(|w| w.as_str())
        .collect();
    let extra: Vec<&str> = recorded
        .iter()
        .filter(|r| !wanted.iter().any(|w| project::same_recipient(r, w)))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() || !extra.is_empty() {
        let mut what = Vec::new();
        if !missing.is_empty() {
            what.push(format!("not yet to {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            what.push(format!(
                "still to {} (removed from promvault.yml)",
                extra.join(", ")
            ));
        }
        report.findings.push(Finding::error(
            "vault-not-rekeyed",
            Location::file(display.clone()),
            format!(
                "the vault is encrypted {}; run `promvault rekey {}`",
                what.join(" and "),
                env.name
            ),
        ));
    }
    Some((variables, kinds, false))
}

/// The finding for a vault that is not the file its record describes (nor the one a write
/// was about to put there). With a key that opens it, the vault is a genuine age file; without
/// one, an interrupted write cannot be told from a vault changed by something else, so it
/// stays an error that only someone with a key can clear.
fn stale_record(project: &Project, env: &Environment, opened: bool) -> Finding {
    let display = project.display_path(&env.vault);
    let message = if opened {
        "the vault opens with your identity, but its record describes another file: it was written by something other than promvault (age -e, a merge), or by a promvault write killed between the vault and its record; who it is encrypted to is unknown until it is rekeyed"
    } else {
        "the vault is not the file its record describes, and no identity here opens it: a write killed between the vault and its record cannot be told from a vault changed by something else (age -e, a merge, tampering); who can open it is unknown"
    };
    let fix = if opened {
        format!("run `promvault rekey {0}`: it re-encrypts the vault to the recipients promvault.yml lists and writes its record (the next `promvault set {0} ...` or `edit {0}` does too)", env.name)
    } else {
        format!("someone who can open it: look at it (`promvault view {0}`), then run `promvault rekey {0}`; if nobody expected a change, restore it from git (`git checkout -- {display}`)", env.name)
    };
    Finding::error("vault-record-stale", Location::file(display), message).with_fix(fix)
}

/// Renders the environment's outputs and validates them, through the same path as `render`:
/// with the vault's real values when an identity opens it, else with plain stand-ins of the
/// recorded kinds (so no key is needed). Then once more with hostile stand-ins: a template
/// that only a value holding quotes or `: ` would break gets a warning.
#[allow(clippy::too_many_arguments)]
fn check_render(
    project: &Project,
    env: &Environment,
    names: &[String],
    kinds: &std::collections::BTreeMap<String, String>,
    real: Option<&VarLayer>,
    version: crate::prometheus::Version,
    report: &mut Report,
    secret_files: &mut std::collections::HashSet<PathBuf>,
) {
    let display = project.display_path(&env.vault);
    let stand_ins;
    let layer = match real {
        Some(layer) => layer,
        None => {
            stand_ins = pipeline::stand_in_layer(names, kinds, &display, StandIn::Plain);
            &stand_ins
        }
    };
    let masker = Secrets::from_vault(layer).masker();
    let in_env = |host: Option<&str>| match host {
        Some(host) => format!(" (environment `{}`, host `{host}`)", env.name),
        None => format!(" (environment `{}`)", env.name),
    };
    let extra = VarLayer::new();
    let validated =
        match pipeline::render_and_validate(project, env, layer, &extra, None, true, version) {
            Ok(validated) => validated,
            Err(e) => {
                let location = e
                    .location()
                    .unwrap_or_else(|| Location::file(project::PROJECT_FILE));
                let mut message = masker.mask(&e.detail());
                // a template's render error names its environment and host already
                if !matches!(&e, pipeline::RunError::Render(r) if r.names_host) {
                    message.push_str(&in_env(None));
                }
                let mut finding = Finding::error("render", location, message);
                if let Some(hint) = e.hint() {
                    finding = finding.with_fix(hint);
                }
                report.findings.push(finding);
                return;
            }
        };
    secret_files.extend(
        validated
            .rendered
            .iter()
            .filter(|r| r.secret_file.is_some())
            .map(|r| r.dest.clone()),
    );
    if let Some((a, b)) = pipeline::shared_destination(&validated.rendered) {
        report.findings.push(
            Finding::error(
                "dest-shared",
                project.output_location(b.output),
                format!(
                    "{} would be written twice (by {} for {} and by {} for {}){}",
                    b.display,
                    a.template,
                    a.host,
                    b.template,
                    b.host,
                    in_env(None)
                ),
            )
            .with_fix("make `dest` differ, e.g. with {{ env }} or {{ inventory_hostname }}"),
        );
    }
    let host_of = |display: &str| {
        validated
            .rendered
            .iter()
            .find(|r| r.display == display)
            .map(|r| r.host.clone())
    };
    if validated.allowed > 0 {
        report.notes.push(format!(
            "{} finding(s) allowed on purpose in environment `{}` (check.allow in promvault.yml, or a `promvault: allow` comment in a template)",
            validated.allowed, env.name
        ));
    }
    for mut f in validated.findings.clone() {
        f.message = format!(
            "{}{}",
            masker.mask(&f.message),
            in_env(host_of(&f.location.path).as_deref())
        );
        report.findings.push(f);
    }
    // What a hostile value would do: only templates that render the value unquoted or inside
    // quotes it can close are affected.
    let hostile = pipeline::stand_in_layer(names, kinds, &display, StandIn::Hostile);
    let hostile_secrets = Secrets::from_vault(&hostile);
    let Ok((rendered, _)) = pipeline::render_environment_in(
        project,
        env,
        validated.inventory.clone(),
        hostile,
        &extra,
        true,
    ) else {
        return;
    };
    // the findings already reported, so a warning does not repeat one (a set: one lookup
    // per lint, however many findings)
    let mut reported: std::collections::HashSet<(String, String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                f.location.path.clone(),
                f.field_path.clone(),
            )
        })
        .collect();
    for r in rendered
        .iter()
        .filter(|r| r.validate == pipeline::Validate::Prometheus)
    {
        let text = String::from_utf8_lossy(&r.bytes);
        let starts = pipeline::line_starts(&text);
        for lint in crate::lints::lint_prometheus(&text, &hostile_secrets)
            .into_iter()
            .filter(|l| l.id == "vault-value-not-string")
        {
            let key = (lint.id.to_string(), r.display.clone(), lint.path.clone());
            if !reported.insert(key) {
                continue;
            }
            let message = format!(
                "a value of `{}` holding quotes, a backslash, `: ` or ` #` would not read back as one string here (fine for the value it has now){}",
                lint.path,
                in_env(Some(&r.host))
            );
            let mut finding = pipeline::lint_finding(r, &text, &starts, lint).warning();
            finding.message = message;
            report.findings.push(finding);
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn scan_private_keys(display: &str, text: &str, report: &mut Report) {
    if project::is_demo_identity(text) {
        return;
    }
    if let Some(m) = private_key_pattern().find(text) {
        report.findings.push(Finding::error(
            "private-key",
            Location::line(display, Some(line_of(text, m.start()))),
            "a private key is committed here: remove it from git history and replace the key (a demo identity must say so on its first line)",
        ));
    }
}

/// Finds vault values in a file: as written, and as `to_json` or YAML quoting writes them.
fn scan_leaks(display: &str, text: &str, masker: &Masker, report: &mut Report) {
    // every leaked value, each with its line (one finding per value and line)
    let mut reported: Vec<(String, usize)> = Vec::new();
    let plain = masker.find_all(text).into_iter().map(|(l, at)| (l, at, ""));
    // inside a longer base64 text too (a file in a Kubernetes Secret's `data:`)
    let encoded = masker
        .find_in_base64(text)
        .into_iter()
        .map(|(l, at)| (l, at, ", base64-encoded"));
    for (label, offset, how) in plain.chain(encoded) {
        let name = label.trim_start_matches("<vault:").trim_end_matches('>');
        let line = line_of(text, offset);
        if reported.iter().any(|(n, l)| n == name && *l == line) {
            continue;
        }
        reported.push((name.to_string(), line));
        let fix = if name == pipeline::HASH_KEY_NAME {
            // the hash key is never used in a template: it only salts bcrypt hashes
            "remove it and rotate it (`promvault edit ENV`: a new random `promvault_hash_key`; every bcrypt hash changes once)".to_string()
        } else {
            format!("remove it (use `{{{{ {name} }}}}` in templates) and rotate that secret")
        };
        report.findings.push(
            Finding::error(
                "leak",
                Location::line(display, Some(line)),
                format!("holds the plaintext of the vault value `{name}`{how}"),
            )
            .with_fix(fix),
        );
    }
}

/// The files of the project to scan: git-tracked files in a repository, else every file
/// (without `.git`, `target` and `out`).
#[must_use]
pub fn project_files(root: &Path) -> Vec<PathBuf> {
    if let Some(files) = crate::git::lines(root, &["ls-files", "-z", "--", "."]) {
        return files.into_iter().map(PathBuf::from).collect();
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !matches!(
                name.to_str(),
                Some(".git" | "target" | "out" | "node_modules")
            ) {
                walk(root, &path, out);
            }
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_keys_are_found_but_mentions_are_not() {
        let (text, _) = crate::identity::generate();
        use age::secrecy::ExposeSecret;
        let mut report = Report::default();
        scan_private_keys("id.txt", text.expose_secret(), &mut report);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].location.line, Some(3));
        let mut report = Report::default();
        scan_private_keys(
            "code.rs",
            "if line.starts_with(\"AGE-SECRET-KEY-1\") {}\n-----BEGIN PRIVATE KEY-----\n",
            &mut report,
        );
        assert!(report.findings.is_empty());
        let mut report = Report::default();
        let json = "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIJv7qG0m1vFQ5mbxJvIhbWvCjV4KXjzM0Q2cL2Tf8yZ9\\n-----END PRIVATE KEY-----\\n\"}";
        scan_private_keys("sa.json", json, &mut report);
        assert_eq!(report.findings.len(), 1, "a key inside JSON");
        let demo = format!("# DEMO identity, public\n{}", text.expose_secret());
        let mut report = Report::default();
        scan_private_keys("demo.txt", &demo, &mut report);
        assert!(report.findings.is_empty());
    }

    #[test]
    fn ignore_patterns() {
        let pats = vec!["tests/data/**".to_string(), "*.pem".to_string()];
        assert!(ignored("tests/data/web/server.key", &pats));
        assert!(ignored("certs/x.pem", &pats));
        assert!(!ignored("vault/demo.txt", &pats));
    }

    #[test]
    fn hostile_stand_ins_break_unquoted_and_quoted_yaml_but_not_json() {
        let value = pipeline::stand_in_string("pw", StandIn::Hostile);
        for template in ["password: {}\n", "password: \"{}\"\n", "password: '{}'\n"] {
            let text = template.replace("{}", &value);
            let read = crate::yaml::load::load(&text).ok().and_then(|d| {
                d.data
                    .get("password")
                    .and_then(|p| p.as_str().map(str::to_string))
            });
            assert_ne!(read.as_deref(), Some(value.as_str()), "{text}");
        }
        let json = serde_json::to_string(&value).unwrap();
        let text = format!("password: {json}\n");
        let doc = crate::yaml::load::load(&text).unwrap();
        assert_eq!(
            doc.data.get("password").and_then(|p| p.as_str()),
            Some(value.as_str())
        );
        // a plain stand-in reads back in every form
        let plain = pipeline::stand_in_string("pw", StandIn::Plain);
        for template in ["password: {}\n", "password: \"{}\"\n", "password: '{}'\n"] {
            let doc = crate::yaml::load::load(&template.replace("{}", &plain)).unwrap();
            assert_eq!(
                doc.data.get("password").and_then(|p| p.as_str()),
                Some(plain.as_str())
            );
        }
    }
}
