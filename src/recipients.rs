//! Who can open the vaults: the recipient lists of promvault.yml, and the transaction that
//! changes one and rekeys every vault it covers. Every affected vault is decrypted before
//! anything is written; the vaults are written first (a removed key must stop opening them
//! even if a later step fails), promvault.yml (or the recipients file) last.

use crate::{
    identity::{self, Identities},
    output,
    project::{self, Environment, Project, RecipientScope},
    vault, Error,
};

/// An add (with an optional `# comment`) or a removal.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    Add(Option<&'a str>),
    Remove,
}

/// What happened to one vault: rekeyed to `recipients` recipients, or not there yet.
#[derive(Debug, Clone)]
pub struct Rekeyed {
    pub display: String,
    pub recipients: Option<usize>,
    /// The vault was already encrypted to exactly these recipients and was left as it is.
    pub unchanged: bool,
}

/// Re-encrypts the vaults of `envs` to the recipients promvault.yml lists, all decrypted
/// before any is written.
///
/// # Errors
/// A vault that does not open, or a write that fails (earlier vaults are then rekeyed).
pub fn rekey(
    project: &Project,
    envs: &[Environment],
    ids: &Identities,
    force: bool,
) -> Result<Vec<Rekeyed>, Error> {
    let _lock = vault::VaultLock::acquire(envs.iter().map(|e| e.vault.as_path()))?;
    let opened = envs
        .iter()
        .map(|env| vault::open(env, &project.display_path(&env.vault), ids))
        .collect::<Result<Vec<_>, _>>()?;
    // a vault whose record says it is encrypted to exactly its recipients is left alone (its
    // bytes, and so git, do not change) unless a new file key is asked for
    let (mut stay, mut change) = (Vec::new(), Vec::new());
    for (env, opened) in envs.iter().zip(opened) {
        let current = !force
            && opened.as_ref().is_some_and(|o| {
                vault::record::read(&env.vault)
                    .ok()
                    .flatten()
                    .is_some_and(|r| {
                        r.sha256 == vault::record::digest(&o.raw)
                            && r.pending.is_none()
                            && r.recipients.len() == env.recipients.len()
                            && env
                                .recipients
                                .iter()
                                .all(|w| r.recipients.iter().any(|x| project::same_recipient(x, w)))
                    })
            });
        if current {
            stay.push(Rekeyed {
                display: project.display_path(&env.vault),
                recipients: Some(env.recipients.len()),
                unchanged: true,
            });
        } else {
            change.push((env.clone(), opened));
        }
    }
    let (envs, opened): (Vec<Environment>, Vec<Option<vault::Opened>>) = change.into_iter().unzip();
    let mut done = write_all(project, &envs, &opened)?;
    done.extend(stay);
    Ok(done)
}

fn write_all(
    project: &Project,
    envs: &[Environment],
    opened: &[Option<vault::Opened>],
) -> Result<Vec<Rekeyed>, Error> {
    let mut done = Vec::new();
    for (env, opened) in envs.iter().zip(opened) {
        let display = project.display_path(&env.vault);
        let recipients = match opened {
            Some(opened) => {
                vault::write_if_unchanged(
                    &env.vault,
                    &display,
                    opened.text.as_bytes(),
                    &env.recipients,
                    opened.expected(),
                )?;
                Some(env.recipients.len())
            }
            None => None,
        };
        done.push(Rekeyed {
            display,
            recipients,
            unchanged: false,
        });
    }
    Ok(done)
}

/// Adds `key` to, or removes it from, the top-level list (`env` = `None`) or an environment's
/// own list (in promvault.yml, or in the recipients file it names), and rekeys every vault that
/// list covers. `identities` is called only once the
/// edit is known to be valid.
///
/// # Errors
/// An invalid key, a key already there (or not there), the last recipient, an edit that would
/// not do exactly what was asked, a vault that does not open, or I/O.
pub fn change(
    project: &Project,
    env: Option<&str>,
    key: &str,
    change: Change<'_>,
    identities: impl FnOnce(&Project) -> Result<Identities, Error>,
) -> Result<Vec<Rekeyed>, Error> {
    let scope = match env {
        Some(name) => {
            project.environment(name)?;
            RecipientScope::Environment(name.to_string())
        }
        None => RecipientScope::Project,
    };
    let current: Vec<String> = match &scope {
        RecipientScope::Project => project.config.recipients.clone(),
        RecipientScope::Environment(name) => project.environment(name)?.recipients,
    };
    let present = current.iter().any(|r| project::same_recipient(r, key));
    match change {
        Change::Add(_) => {
            identity::parse_recipients(&[key.to_string()])?;
            if present {
                return Err(Error::usage(format!("{key} is already a recipient"), None));
            }
        }
        Change::Remove => {
            if !present {
                return Err(Error::usage(
                    format!("{key} is not a recipient of this list"),
                    Some("`promvault recipients` lists them".to_string()),
                ));
            }
            if current.len() == 1 {
                return Err(Error::usage(
                    "this is the last recipient: nobody could open the vaults without it",
                    Some("add the new recipient first, then remove this one".to_string()),
                ));
            }
        }
    }
    // The list is in a recipients file (age's -R format) or in promvault.yml.
    let file = project.recipients_file(&scope);
    let (edited, new_text) = match (file, change) {
        (Some(f), Change::Add(comment)) => (
            f.path.clone(),
            project::add_to_recipients_file(&f.text, key, comment),
        ),
        (Some(f), Change::Remove) => (
            f.path.clone(),
            project::remove_from_recipients_file(&f.text, key),
        ),
        (None, Change::Add(comment)) => (
            project.file.clone(),
            project::add_recipient(&project.text, &scope, key, comment)?,
        ),
        (None, Change::Remove) => (
            project.file.clone(),
            project::remove_recipient(&project.text, &scope, key)?,
        ),
    };
    let updated = match file {
        Some(_) => project.with_recipients_file_text(&scope, new_text.clone())?,
        None => project.with_text(new_text.clone())?,
    };
    // Check the edit did exactly what was asked before anything is written.
    let after: Vec<String> = match &scope {
        RecipientScope::Project => updated.config.recipients.clone(),
        RecipientScope::Environment(name) => updated.environment(name)?.recipients,
    };
    let expected: Vec<String> = match change {
        Change::Add(_) => current.iter().cloned().chain([key.to_string()]).collect(),
        Change::Remove => current
            .iter()
            .filter(|r| !project::same_recipient(r, key))
            .cloned()
            .collect(),
    };
    if after != expected {
        return Err(Error::usage(
            "could not edit the recipients list in promvault.yml safely",
            Some("edit the list by hand, then run `promvault rekey`".to_string()),
        ));
    }
    let affected: Vec<Environment> = updated
        .environments()
        .into_iter()
        .filter(|e| {
            let in_scope = match &scope {
                RecipientScope::Project => !e.own_recipients,
                RecipientScope::Environment(name) => &e.name == name,
            };
            // (an environment whose own recipients file is the same file changes too)
            in_scope
                || project
                    .environment(&e.name)
                    .is_ok_and(|before| before.recipients != e.recipients)
        })
        .collect();
    let ids = identities(project)?;
    let _lock = vault::VaultLock::acquire(affected.iter().map(|e| e.vault.as_path()))?;
    let opened = affected
        .iter()
        .map(|env| vault::open(env, &project.display_path(&env.vault), &ids))
        .collect::<Result<Vec<_>, _>>()?;
    // Vaults first: a removed key must stop opening them even if the next step fails.
    let done = write_all(&updated, &affected, &opened)?;
    let mode = std::fs::metadata(&edited)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777)
        .unwrap_or(0o644);
    output::write_atomic(&edited, new_text.as_bytes(), mode).map_err(|e| Error::io(&edited, e))?;
    Ok(done)
}
