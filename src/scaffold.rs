//! What `promvault init` writes: a project file naming you as its recipient, a template, an
//! inventory, `.gitignore`, and an empty vault with a random hash key.

use std::{fs, path::Path};

use crate::{output, project, vault, Error};

/// Refuses to scaffold where a project (or part of one) already is.
///
/// # Errors
/// A project file or one of its folders exists.
pub fn refuse_existing(root: &Path) -> Result<(), Error> {
    for existing in [project::PROJECT_FILE, "templates", "inventories", "vault"] {
        if root.join(existing).exists() {
            return Err(Error::usage(
                format!(
                    "{} already exists; init never touches an existing project",
                    root.join(existing).display()
                ),
                Some("run init in an empty folder, or edit promvault.yml by hand".to_string()),
            ));
        }
    }
    Ok(())
}

/// Writes a new project in `root`, its vault encrypted to `recipient`.
///
/// # Errors
/// I/O or encryption.
pub fn init(root: &Path, recipient: &str) -> Result<(), Error> {
    let files: [(&str, String); 4] = [
        (project::PROJECT_FILE, project_file(recipient)),
        ("templates/prometheus.yml.j2", TEMPLATE.to_string()),
        ("inventories/default/hosts.yml", INVENTORY.to_string()),
        (".gitignore", "/out/\n".to_string()),
    ];
    for (rel, text) in &files {
        let path = root.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        output::write_atomic(&path, text.as_bytes(), 0o644).map_err(|e| Error::io(&path, e))?;
    }
    let vault_path = root.join("vault/default.yml.age");
    vault::write(
        &vault_path,
        "vault/default.yml.age",
        new_vault_text("default").as_bytes(),
        &[recipient.to_string()],
    )?;
    Ok(())
}

pub fn project_file(recipient: &str) -> String {
    format!(
        "# promvault project: see `promvault --help`\n\
         recipients:            # who can open the vaults (age or SSH public keys)\n  \
         - {recipient}  # you\n\
         environments:\n  \
         default:\n    \
         inventory: inventories/default\n    \
         vault: vault/default.yml.age\n\
         outputs:\n  \
         - template: templates/prometheus.yml.j2\n    \
         dest: \"out/{{{{ env }}}}/prometheus.yml\"\n"
    )
}

pub const TEMPLATE: &str = "# {{ ansible_managed }}\nglobal:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ['localhost:9090']\n";

pub const INVENTORY: &str = "all:\n  hosts:\n    localhost:\n";

/// A new vault: a comment, and a random key for deterministic bcrypt salts.
pub fn new_vault_text(env: &str) -> String {
    use base64::Engine;
    let mut key = [0u8; 24];
    // Without randomness the vault still works; bcrypt salts then use the fallback key.
    let key_line = match getrandom::fill(&mut key) {
        Ok(()) => format!(
            "# the key for stable bcrypt salts (see docs/decisions.md); keep it secret\npromvault_hash_key: \"{}\"\n",
            base64::engine::general_purpose::STANDARD.encode(key)
        ),
        Err(_) => String::new(),
    };
    format!("# Secrets for `{env}`: one `name: value` per line, e.g.\n# web_service_api_key: \"...\"\n{key_line}")
}
