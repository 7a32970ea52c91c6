//! What `promvault init` writes: in an empty folder, a project file naming you as its
//! recipient, a template, an inventory, `.gitignore`, and an empty vault with a random hash
//! key; in an existing Ansible repository ([`ansible_layout`]), a project file that points at
//! its inventories, templates and role defaults, and one empty vault per environment.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{output, project, vault, Error};

/// What `init` found of an Ansible repository.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `(environment, inventory)`: each folder of `inventories/`, or one inventory file.
    pub environments: Vec<(String, String)>,
    /// `(template, dest, role defaults)`, paths relative to the repository.
    pub outputs: Vec<(String, String, Option<String>)>,
    /// ansible-vault files and vars files with inline `!vault` values in `group_vars/` and
    /// `host_vars/`, with the environment whose inventory they belong to (when one does).
    pub ansible_vaults: Vec<(String, Option<String>)>,
}

/// The Ansible repository at `root`, if it is one: `inventories/ENV/` folders (or an inventory
/// file such as `hosts` or `inventory.yml` beside `group_vars/`), and Jinja templates in
/// `templates/` and `roles/*/templates/`. `None` when there is neither an inventory nor a
/// template.
#[must_use]
pub fn ansible_layout(root: &Path) -> Option<Layout> {
    let mut layout = Layout::default();
    let inventories = root.join("inventories");
    if inventories.is_dir() {
        for dir in sorted_entries(&inventories)
            .into_iter()
            .filter(|d| d.is_dir())
        {
            let name = dir.file_name()?.to_string_lossy().into_owned();
            let has_inventory = sorted_entries(&dir).iter().any(|f| {
                f.is_file()
                    && f.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        n.starts_with("hosts") || n.starts_with("inventory")
                    })
            });
            if has_inventory {
                layout
                    .environments
                    .push((name.clone(), format!("inventories/{name}")));
            }
        }
    } else {
        for name in [
            "hosts",
            "hosts.yml",
            "hosts.yaml",
            "hosts.ini",
            "inventory",
            "inventory.yml",
            "inventory.yaml",
            "inventory.ini",
        ] {
            if root.join(name).is_file() {
                layout
                    .environments
                    .push(("default".to_string(), name.to_string()));
                break;
            }
        }
    }
    let mut template_dirs: Vec<(PathBuf, Option<String>)> = vec![(root.join("templates"), None)];
    for role in sorted_entries(&root.join("roles")) {
        if let Some(name) = role.file_name().map(|n| n.to_string_lossy().into_owned()) {
            template_dirs.push((role.join("templates"), Some(name)));
        }
    }
    for (dir, role) in template_dirs {
        let mut found = Vec::new();
        collect_templates(&dir, &mut found);
        for template in found {
            let (Ok(rel), Ok(within)) = (template.strip_prefix(root), template.strip_prefix(&dir))
            else {
                continue;
            };
            let within = within.display().to_string();
            let name = within.strip_suffix(".j2").unwrap_or(&within);
            let dest = match &role {
                Some(role) => format!("out/{{{{ env }}}}/{role}/{name}"),
                None => format!("out/{{{{ env }}}}/{name}"),
            };
            let defaults = role
                .as_ref()
                .map(|r| format!("roles/{r}/defaults/main.yml"))
                .filter(|d| root.join(d).is_file());
            layout
                .outputs
                .push((rel.display().to_string(), dest, defaults));
        }
    }
    if layout.environments.is_empty() && layout.outputs.is_empty() {
        return None;
    }
    let mut vars_dirs: Vec<(PathBuf, Option<String>)> = Vec::new();
    for (env, inventory) in &layout.environments {
        let base = root.join(inventory);
        let base = if base.is_dir() {
            base
        } else {
            base.parent()
                .map_or_else(|| root.to_path_buf(), Path::to_path_buf)
        };
        for sub in ["group_vars", "host_vars"] {
            vars_dirs.push((base.join(sub), Some(env.clone())));
        }
    }
    for sub in ["group_vars", "host_vars"] {
        if !vars_dirs.iter().any(|(d, _)| *d == root.join(sub)) {
            vars_dirs.push((root.join(sub), None));
        }
    }
    for (dir, env) in vars_dirs {
        let mut files = Vec::new();
        collect_files(&dir, &mut files);
        for file in files {
            let Ok(bytes) = fs::read(&file) else { continue };
            let inline = String::from_utf8_lossy(&bytes).contains("!vault");
            if crate::ansible_vault::is_ansible_vault(&bytes) || inline {
                if let Ok(rel) = file.strip_prefix(root) {
                    layout
                        .ansible_vaults
                        .push((rel.display().to_string(), env.clone()));
                }
            }
        }
    }
    Some(layout)
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn collect_templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            collect_templates(&entry, out);
        } else if entry.extension().is_some_and(|e| e == "j2") {
            out.push(entry);
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            collect_files(&entry, out);
        } else if entry.is_file() {
            out.push(entry);
        }
    }
}

/// The project file for an adopted Ansible repository.
#[must_use]
pub fn adopted_project_file(recipient: &str, layout: &Layout) -> String {
    use crate::yaml::double_quoted as q;
    let mut t = format!(
        "# promvault project for this Ansible repository (written by `promvault init`): see\n\
         # docs/promvault-yml.md. Review the outputs: one per template found.\n\
         recipients:            # who can open the vaults (age or SSH public keys)\n  \
         - {recipient}  # you\n\
         environments:\n"
    );
    for (env, inventory) in &layout.environments {
        t.push_str(&format!(
            "  {}:\n    inventory: {}\n    vault: {}\n",
            q(env),
            q(inventory),
            q(&format!("vault/{env}.yml.age"))
        ));
    }
    t.push_str("outputs:\n");
    for (template, dest, defaults) in &layout.outputs {
        t.push_str(&format!(
            "  - template: {}\n    dest: {}\n",
            q(template),
            q(dest)
        ));
        if let Some(d) = defaults {
            t.push_str(&format!("    defaults: [{}]\n", q(d)));
        }
    }
    t
}

/// Adopts the Ansible repository at `root`: writes its promvault.yml and an empty vault per
/// environment, encrypted to `recipient`. Nothing of the repository is changed.
///
/// # Errors
/// I/O or encryption.
pub fn adopt(root: &Path, recipient: &str, layout: &Layout) -> Result<(), Error> {
    let path = root.join(project::PROJECT_FILE);
    output::create_new_atomic(
        &path,
        adopted_project_file(recipient, layout).as_bytes(),
        0o644,
    )
    .map_err(|e| Error::io(&path, e))?;
    for (env, _) in &layout.environments {
        let rel = format!("vault/{env}.yml.age");
        let vault_path = root.join(&rel);
        if let Some(parent) = vault_path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        vault::write(
            &vault_path,
            &rel,
            new_vault_text(env).as_bytes(),
            &[recipient.to_string()],
        )?;
    }
    Ok(())
}

/// Refuses to scaffold where a project (or part of one) already is: a promvault.yml or a
/// `vault/` folder (an Ansible repository's inventories and templates are adopted instead;
/// see [`ansible_layout`]).
///
/// # Errors
/// A project file or one of its folders exists.
pub fn refuse_existing(root: &Path) -> Result<(), Error> {
    let adopting = ansible_layout(root).is_some();
    for existing in [project::PROJECT_FILE, "templates", "inventories", "vault"] {
        if adopting && matches!(existing, "templates" | "inventories") {
            continue;
        }
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
