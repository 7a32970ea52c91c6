//! The pipeline `render`, `check` and `probe` share, all in memory before anything is written: for each environment,
//! each output of promvault.yml and each host it is rendered for, the destination and the
//! rendered bytes. Loading (inventory, vault, role defaults, extra vars) happens here too.

use std::{
    fs,
    path::{Path, PathBuf},
    sync::Arc,
};

use sha2::{Digest, Sha256};

use crate::{
    data::Data,
    finding::{Finding, Location},
    identity::Identities,
    inventory::{self, Inventory, InventoryError, Origin, Var, VarLayer},
    output,
    project::{Environment, OutputFile, Project},
    render::{self, RenderError},
    secrets::Secrets,
    vars::{Play, Shared},
    vault::{self, VaultError},
};

/// The vault variable holding the key for deterministic bcrypt salts.
pub const HASH_KEY_NAME: &str = "promvault_hash_key";

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
    #[error("{path}: cannot read it: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// Any of the above with every vault value masked in its message.
    #[error("{}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Masked {
        location: Option<Location>,
        message: String,
        hint: Option<String>,
    },
    #[error("{display} would be written twice (by {first} and by {second})")]
    SharedDestination {
        display: String,
        first: String,
        second: String,
    },
    #[error("{errors} problem(s) in {outputs} output(s); nothing was written")]
    Refused { errors: usize, outputs: usize },
    #[error("no host `{host}` in the inventory of {env}; its hosts: {}", known.join(", "))]
    UnknownHost {
        host: String,
        env: String,
        known: Vec<String>,
    },
}

impl RunError {
    /// Where the problem is, when it is in a file.
    #[must_use]
    pub fn location(&self) -> Option<Location> {
        match self {
            RunError::Inventory(e) => e.location(),
            RunError::Vault(_) => None,
            RunError::Render(e) => Some(e.location.clone()),
            RunError::Invalid { location, .. } => Some(location.clone()),
            RunError::Read { path, .. } => Some(Location::file(path.clone())),
            RunError::Masked { location, .. } => location.clone(),
            RunError::SharedDestination { .. }
            | RunError::Refused { .. }
            | RunError::UnknownHost { .. } => None,
        }
    }

    /// What went wrong, without [`RunError::location`].
    #[must_use]
    pub fn detail(&self) -> String {
        match self {
            RunError::Inventory(e) => e.detail(),
            RunError::Vault(e) => e.to_string(),
            RunError::Render(e) => e.message.clone(),
            RunError::Invalid { message, .. } => message.clone(),
            RunError::Read { source, .. } => format!("cannot read it: {source}"),
            RunError::Masked { message, .. } => message.clone(),
            RunError::SharedDestination { .. }
            | RunError::Refused { .. }
            | RunError::UnknownHost { .. } => self.to_string(),
        }
    }

    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            RunError::Vault(e) => e.hint(),
            RunError::Masked { hint, .. } => hint.clone(),
            RunError::SharedDestination { .. } => Some(
                "make `dest` differ, e.g. with {{ env }} or {{ inventory_hostname }}".to_string(),
            ),
            RunError::UnknownHost { .. } => Some(
                "hosts are declared in the environment's inventory (hosts.yml or an INI file); `localhost` is the host of outputs without `hosts:`".to_string(),
            ),
            RunError::Refused { .. } => Some(
                "fix the templates or variables; `--no-validate` writes anyway (emergencies only)"
                    .to_string(),
            ),
            RunError::Render(e) if e.undefined => Some(
                "define it in the inventory (group_vars/, host_vars/), in the vault (`promvault set ENV NAME`), or give it a default (`| default(...)`)".to_string(),
            ),
            _ => None,
        }
    }
}

/// What to validate a rendered output as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validate {
    Prometheus,
    WebConfig,
    None,
}

/// One rendered file.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub env: String,
    /// The index of its entry in promvault.yml's `outputs:`.
    pub output: usize,
    /// The template it came from (relative to the project).
    pub template: String,
    /// The host it was rendered for.
    pub host: String,
    pub dest: PathBuf,
    /// `dest` as shown to people (relative to the project or the out dir).
    pub display: String,
    pub bytes: Vec<u8>,
    /// Which template line wrote each part of `bytes`.
    pub provenance: render::Provenance,
    pub mode: u32,
    pub validate: Validate,
    /// The output's `kubernetes:` settings, rendered for this host: `bytes` is the render
    /// itself until [`to_manifests`] makes it manifests (after validation).
    pub kubernetes: Option<crate::kubernetes::Manifest>,
    /// For a secret file (written by the `secret_file` filter): the variable it is named
    /// after. Its bytes are a secret: never printed, and masked whole in diffs.
    pub secret_file: Option<String>,
}

/// Extra variables (`-e`), highest precedence.
pub type ExtraVars = VarLayer;

/// Parses one `-e` argument: `KEY=VALUE` (several separated by spaces), `@file.yml`, or a
/// YAML/JSON mapping.
///
/// Returns the warnings about a file it read (a key written twice).
///
/// # Errors
/// An unreadable file or a malformed argument.
pub fn parse_extra_var(arg: &str, into: &mut ExtraVars) -> Result<Vec<Finding>, RunError> {
    let origin = |file: &str| Origin {
        file: file.to_string(),
        line: None,
    };
    if let Some(path) = arg.strip_prefix('@') {
        // named on the command line, so not confined to the project
        let text = fs::read_to_string(path).map_err(|source| RunError::Read {
            path: path.to_string(),
            source,
        })?;
        let (layer, warnings) = inventory::vars_from_yaml(&text, path)?;
        into.extend(layer);
        return Ok(warnings);
    }
    let trimmed = arg.trim_start();
    if trimmed.starts_with('{') {
        let (layer, warnings) = inventory::vars_from_yaml(arg, "-e")?;
        into.extend(layer);
        return Ok(warnings);
    }
    // KEY=VALUE pairs split as a shell would (`-e 'msg="a b"'` is one value)
    let words =
        crate::inventory::pyliteral::split_words(arg, false).map_err(|e| RunError::Invalid {
            location: Location::file("-e"),
            message: format!("cannot read `{arg}`: {e}"),
        })?;
    for pair in &words {
        let (k, v) = pair.split_once('=').ok_or_else(|| RunError::Invalid {
            location: Location::file("-e"),
            message: format!("`{pair}` is not KEY=VALUE, @FILE or a mapping"),
        })?;
        into.insert(
            k.to_string(),
            Var {
                data: Data::Str(v.to_string()),
                origin: origin("-e"),
            },
        );
    }
    Ok(Vec::new())
}

/// The vault's variables as a layer of values that are never templated.
///
/// # Errors
/// The vault cannot be opened or is not a mapping.
pub fn vault_layer(
    project: &Project,
    env: &Environment,
    identities: &Identities,
) -> Result<VarLayer, RunError> {
    let display = project.display_path(&env.vault);
    let text =
        vault::decrypt(&env.vault, &display, identities, &env.recipients).map_err(|e| match e {
            VaultError::Missing { path, .. } => VaultError::Missing {
                path,
                env: Some(env.name.clone()),
            },
            other => other,
        })?;
    vault_layer_from_text(&text, &display)
}

/// Parses a vault's plaintext into a layer (errors by position only).
///
/// # Errors
/// Not a mapping.
pub fn vault_layer_from_text(text: &str, display: &str) -> Result<VarLayer, RunError> {
    // read once, with Ansible's rules and position-only errors (a parser's message could
    // quote a secret)
    Ok(vault::variables(text, display)?
        .into_iter()
        .map(|(name, var)| {
            let origin = Origin {
                file: format!("{display} (vault)"),
                line: var.line,
            };
            (
                name,
                Var {
                    data: var.value.marked_unsafe(),
                    origin,
                },
            )
        })
        .collect())
}

fn hash_key(vault: &VarLayer, env: &str) -> Vec<u8> {
    match vault.get(HASH_KEY_NAME).and_then(|v| v.data.as_str()) {
        Some(key) => key.as_bytes().to_vec(),
        // Without a key of its own the salt still differs per environment and password.
        None => Sha256::digest(format!("promvault default hash key\0{env}").as_bytes()).to_vec(),
    }
}

fn validate_kind(output: &OutputFile) -> Result<Validate, String> {
    Ok(match output.validate.as_deref() {
        Some("prometheus") => Validate::Prometheus,
        Some("web-config") => Validate::WebConfig,
        Some("none") => Validate::None,
        Some(other) => {
            return Err(format!(
                "unknown validate kind `{other}` (prometheus, web-config, none)"
            ))
        }
        // a Kubernetes output holds a scrape configuration whatever its file name
        None if output.kubernetes.is_some() => Validate::Prometheus,
        None => {
            let name = Path::new(&output.dest)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("");
            if name.starts_with("prometheus") && (name.ends_with(".yml") || name.ends_with(".yaml"))
            {
                Validate::Prometheus
            } else if name.starts_with("web") && (name.ends_with(".yml") || name.ends_with(".yaml"))
            {
                Validate::WebConfig
            } else {
                Validate::None
            }
        }
    })
}

/// Renders every output of `env` (nothing is written), with the warnings about the inventory
/// and vars files it read.
///
/// # Errors
/// The first problem met, with file and line.
pub fn render_environment(
    project: &Project,
    env: &Environment,
    vault: VarLayer,
    extra: &ExtraVars,
    out_dir: Option<&Path>,
    quick_hashes: bool,
) -> Result<(Vec<Rendered>, Vec<Finding>), RunError> {
    render_selected(
        project,
        env,
        vault,
        &Options {
            extra,
            out_dir,
            validate: false,
            version: crate::prometheus::Version::default(),
            selection: &Selection::ALL,
        },
        quick_hashes,
    )
}

/// [`render_environment`] with an inventory already loaded (by [`validate_selected`]: see
/// [`Validated::inventory`]), for a second render of the same environment with other vault
/// values.
///
/// # Errors
/// The first render problem, with file and line.
pub fn render_environment_in(
    project: &Project,
    env: &Environment,
    inventory: Arc<Inventory>,
    vault: VarLayer,
    extra: &ExtraVars,
    quick_hashes: bool,
) -> Result<(Vec<Rendered>, Vec<Finding>), RunError> {
    let options = Options {
        extra,
        out_dir: None,
        validate: false,
        version: crate::prometheus::Version::default(),
        selection: &Selection::ALL,
    };
    render_selected_in(project, env, inventory, vault, &options, quick_hashes)
}

/// Which renders of a run are wanted (`render --output NAME --host NAME`); by default all.
/// A filtered render renders exactly what a full one renders for the outputs and hosts
/// selected (the play's hosts, `ansible_play_hosts`, stay those of the output's pattern).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Indexes in promvault.yml's `outputs:`; `None`: every output.
    pub outputs: Option<Vec<usize>>,
    /// Host names; `None`: every host. An output without `hosts:` renders as `localhost`.
    pub hosts: Option<Vec<String>>,
}

impl Selection {
    /// Every output, every host.
    pub const ALL: Selection = Selection {
        outputs: None,
        hosts: None,
    };

    /// Whether this selects everything.
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.outputs.is_none() && self.hosts.is_none()
    }

    fn output(&self, index: usize) -> bool {
        self.outputs.as_ref().is_none_or(|o| o.contains(&index))
    }

    fn host(&self, host: &str) -> bool {
        self.hosts
            .as_ref()
            .is_none_or(|h| h.iter().any(|n| n == host))
    }
}

/// The role defaults an output sees: the top-level `defaults` files, then its own, with the
/// warnings about them.
///
/// # Errors
/// A file that cannot be read or is not a mapping of variables.
pub fn output_defaults(
    project: &Project,
    output: Option<&OutputFile>,
) -> Result<(VarLayer, Vec<Finding>), RunError> {
    let mut defaults = VarLayer::new();
    let mut warnings = Vec::new();
    let own = output.map(|o| o.defaults.as_slice()).unwrap_or_default();
    for file in project.config.defaults.iter().chain(own) {
        let (layer, found) = inventory::load_vars_file(&project.root.join(file), &project.root)?;
        defaults.extend(layer);
        warnings.extend(found);
    }
    Ok((defaults, warnings))
}

/// The hosts an output is rendered for (Ansible's play hosts): those its `hosts` pattern
/// selects, or `localhost` for an output without one.
///
/// # Errors
/// A pattern that selects no host.
pub fn output_hosts(inventory: &Inventory, output: &OutputFile) -> Result<Vec<String>, RunError> {
    Ok(match &output.hosts {
        None => vec!["localhost".to_string()],
        Some(pattern) => match inventory.hosts_matching(pattern) {
            Ok(hosts) => hosts,
            Err(_) if matches!(pattern.as_str(), "localhost" | "127.0.0.1") => {
                vec![pattern.clone()]
            }
            Err(e) => return Err(e.into()),
        },
    })
}

/// [`render_environment`] of what `options.selection` selects (`options.validate` and
/// `options.version` are not used here).
///
/// # Errors
/// The first problem met, with file and line.
pub fn render_selected(
    project: &Project,
    env: &Environment,
    vault: VarLayer,
    options: &Options<'_>,
    quick_hashes: bool,
) -> Result<(Vec<Rendered>, Vec<Finding>), RunError> {
    let inventory = Arc::new(Inventory::load(&env.inventory, &project.root)?);
    render_selected_in(project, env, inventory, vault, options, quick_hashes)
}

/// [`render_selected`] with `env`'s inventory already loaded (a second render of the same
/// environment reads it once).
fn render_selected_in(
    project: &Project,
    env: &Environment,
    inventory: Arc<Inventory>,
    vault: VarLayer,
    options: &Options<'_>,
    quick_hashes: bool,
) -> Result<(Vec<Rendered>, Vec<Finding>), RunError> {
    let (extra, out_dir, selection) = (options.extra, options.out_dir, options.selection);
    let mut warnings = inventory.warnings.clone();
    let hash_key = hash_key(&vault, &env.name);
    let mut rendered = Vec::new();
    // each secret file's index in `rendered` (an output at the same path is caught later, as
    // two outputs with one destination are)
    let mut secret_dests: std::collections::HashMap<PathBuf, usize> =
        std::collections::HashMap::new();
    for (index, output) in project.config.outputs.iter().enumerate() {
        if !selection.output(index) {
            continue;
        }
        let location = project.output_location(index);
        let invalid = |message: String| RunError::Invalid {
            location: location.clone(),
            message,
        };
        if let Some(envs) = &output.environments {
            if let Some(unknown) = envs
                .iter()
                .find(|e| !project.config.environments.contains_key(e.as_str()))
            {
                return Err(invalid(format!(
                    "environments: `{unknown}` is not an environment of this project"
                )));
            }
            if !envs.contains(&env.name) {
                continue;
            }
        }
        let validate = validate_kind(output).map_err(invalid)?;
        let mode = match &output.mode {
            Some(m) => output::parse_output_mode(m).map_err(invalid)?,
            None => output::OWNER_ONLY,
        };
        let hosts = output_hosts(&inventory, output)?;
        if !hosts.iter().any(|h| selection.host(h)) {
            continue;
        }
        let (defaults, found) = output_defaults(project, Some(output))?;
        warnings.extend(found);
        let template_path = project.root.join(&output.template);
        let source =
            crate::sandbox::read_to_string(&project.root, &template_path).map_err(|source| {
                RunError::Read {
                    path: output.template.clone(),
                    source,
                }
            })?;
        let env_holder = Arc::new(
            render::environment(&render::Settings::default())
                .map_err(|e| invalid(e.to_string()))?,
        );
        let shared = Shared::new(
            Play {
                env_name: env.name.clone(),
                inventory: inventory.clone(),
                defaults,
                vault: vault.clone(),
                extra: extra.clone(),
                play_hosts: hosts.clone(),
                hash_key: hash_key.clone(),
                quick_hashes,
                project_root: project.root.display().to_string(),
                inventory_dir: env.inventory.display().to_string(),
            },
            env_holder,
        );
        // each host's render on as many cores as there are; then, in host order, each
        // render and its secret files (the first error in host order is the one reported)
        let selected: Vec<&String> = hosts.iter().filter(|h| selection.host(h)).collect();
        let renders = crate::parallel::map(&selected, |host| -> Result<_, RunError> {
            let host: &String = host;
            let scope = shared.scope(host, true);
            let dest_text = render::render(
                &shared,
                &scope,
                &format!("promvault.yml: outputs[{index}].dest"),
                &output.dest,
            )?;
            let dest_rel = PathBuf::from(dest_text.trim());
            if output.hosts.is_some()
                && !crate::sandbox::is_file_name(host)
                && dest_text.contains(host.as_str())
            {
                return Err(invalid(format!(
                    "host `{host}` cannot be part of a file name (dest `{}`): rename the host or leave it out of dest",
                    output.dest
                )));
            }
            let (dest, display) = place(project, out_dir, &dest_rel).map_err(|why| {
                invalid(format!("dest `{}` is refused: {why}", dest_rel.display()))
            })?;
            let secret_dir_rel = match &output.secret_files {
                Some(template) => PathBuf::from(
                    render::render(
                        &shared,
                        &scope,
                        &format!("promvault.yml: outputs[{index}].secret_files"),
                        template,
                    )?
                    .trim(),
                ),
                None => dest_rel
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(crate::secret_files::DEFAULT_FOLDER),
            };
            let kubernetes = match &output.kubernetes {
                Some(settings) => Some(
                    crate::kubernetes::Manifest::resolve(settings, |what, template| {
                        render::render(
                            &shared,
                            &scope,
                            &format!("promvault.yml: outputs[{index}].kubernetes.{what}"),
                            template,
                        )
                    })?
                    .map_err(invalid)?,
                ),
                None => None,
            };
            let reference = match &output.secret_files_path {
                Some(template) => render::render(
                    &shared,
                    &scope,
                    &format!("promvault.yml: outputs[{index}].secret_files_path"),
                    template,
                )?
                .trim()
                .to_string(),
                // refused only if a secret file is written (below)
                None => place(project, out_dir, &secret_dir_rel)
                    .map(|(dir, _)| {
                        crate::secret_files::relative(dest.parent().unwrap_or(&dest), &dir)
                    })
                    .unwrap_or_default(),
            };
            let (result, secret_files) = crate::secret_files::collect(&reference, || {
                render::render_traced(&shared, &scope, &output.template, &source)
            });
            let (text, provenance) = result.map_err(|mut e| {
                e.message = format!("{} (environment `{}`, host `{host}`)", e.message, env.name);
                e.names_host = true;
                e
            })?;
            let output_render = Rendered {
                env: env.name.clone(),
                output: index,
                template: output.template.clone(),
                host: host.clone(),
                dest,
                display,
                bytes: text.into_bytes(),
                provenance,
                mode,
                validate,
                kubernetes,
                secret_file: None,
            };
            Ok((output_render, secret_files, secret_dir_rel))
        });
        for (host, result) in selected.into_iter().zip(renders) {
            let (output_render, secret_files, secret_dir_rel) = result?;
            rendered.push(output_render);
            for file in secret_files {
                let rel = secret_dir_rel.join(&file.file_name);
                let (dest, display) = place(project, out_dir, &rel).map_err(|why| {
                    invalid(format!("secret file `{}` is refused: {why}", rel.display()))
                })?;
                let bytes = file.value.into_bytes();
                if let Some(other) = secret_dests.get(&dest).map(|&i| &rendered[i]) {
                    if other.secret_file.is_some() && other.bytes == bytes {
                        continue; // the same secret, asked for by another output or host
                    }
                    return Err(invalid(format!(
                        "secret file `{display}` would hold two different values: `{}` for {} (host `{}`) and `{}` for {} (host `{host}`); give one a name of its own (`secret_file('NAME')`) or each host its own `secret_files` folder",
                        other.secret_file.as_deref().unwrap_or("an output"),
                        other.template,
                        other.host,
                        file.name,
                        output.template,
                    )));
                }
                secret_dests.insert(dest.clone(), rendered.len());
                rendered.push(Rendered {
                    env: env.name.clone(),
                    output: index,
                    template: output.template.clone(),
                    host: host.clone(),
                    dest,
                    display,
                    bytes,
                    provenance: render::Provenance::default(),
                    mode: output::OWNER_ONLY,
                    validate: Validate::None,
                    kubernetes: None,
                    secret_file: Some(file.name),
                });
            }
        }
    }
    warnings.dedup();
    Ok((rendered, warnings))
}

/// Where a path written in promvault.yml (a `dest`, a `secret_files` folder) is written: in
/// the project, or under `--out-dir` DIR (`out/x` becomes DIR/x, an absolute /etc/x becomes
/// DIR/etc/x); and how it is shown.
fn place(
    project: &Project,
    out_dir: Option<&Path>,
    written: &Path,
) -> Result<(PathBuf, String), String> {
    let (base, rel) = match out_dir {
        Some(dir) => {
            let rel = written.strip_prefix("out").unwrap_or(written);
            let rel: PathBuf = rel
                .components()
                .filter(|c| {
                    !matches!(
                        c,
                        std::path::Component::RootDir | std::path::Component::Prefix(_)
                    )
                })
                .collect();
            (dir, rel)
        }
        None => (project.root.as_path(), written.to_path_buf()),
    };
    let path = crate::sandbox::output_path(base, &rel).map_err(|why| {
        format!(
            "{why}{}",
            if out_dir.is_some() {
                " (under --out-dir)"
            } else {
                "; outputs stay inside the project: to write elsewhere, pass --out-dir DIR"
            }
        )
    })?;
    let display = match out_dir {
        Some(_) => path.display().to_string(),
        None => written.display().to_string(),
    };
    Ok((path, display))
}

/// Where each line of `text` starts (byte offsets), for [`lint_finding`].
#[must_use]
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of 1-based `line` and `column` (in characters) in `text`, whose lines
/// start at `starts`; without a column, the line's first character that is not white space.
fn offset_of(text: &str, starts: &[usize], line: usize, column: Option<usize>) -> Option<usize> {
    let start = *starts.get(line.checked_sub(1)?)?;
    let rest = &text[start..];
    let within = match column {
        Some(c) => rest.char_indices().nth(c.saturating_sub(1)).map(|(i, _)| i),
        None => rest
            .char_indices()
            .take_while(|(_, c)| *c != '\n')
            .find(|(_, c)| !c.is_whitespace())
            .map(|(i, _)| i),
    };
    Some(start + within.unwrap_or(0))
}

/// The template file and line that wrote line `line` (column `column`) of `rendered`, from
/// the render's provenance.
fn written_at(
    rendered: &Rendered,
    text: &str,
    starts: &[usize],
    line: Option<usize>,
    column: Option<usize>,
) -> Option<Location> {
    let offset = offset_of(text, starts, line?, column)?;
    let (template, line) = rendered.provenance.source_of(text, starts, offset)?;
    Some(Location::line(template, Some(line)))
}

/// A lint about `rendered` (whose text is `text`) as a finding, with the template line that
/// wrote it.
#[must_use]
pub fn lint_finding(
    rendered: &Rendered,
    text: &str,
    starts: &[usize],
    lint: crate::lints::Lint,
) -> Finding {
    let source = written_at(rendered, text, starts, Some(lint.line), Some(lint.column));
    Finding::error(
        lint.id,
        Location::line(rendered.display.clone(), Some(lint.line)),
        lint.message,
    )
    .with_field_path(lint.path)
    .with_fix(lint.fix)
    .with_written_at(source)
}

/// Validates one rendered output by its kind: Prometheus' own rules (as promtool applies
/// them) and promvault's lints. `secrets` are the vault's values.
#[must_use]
pub fn validate(
    rendered: &Rendered,
    secrets: &Secrets,
    version: crate::prometheus::Version,
) -> Vec<Finding> {
    validate_reading(rendered, secrets, version).0
}

/// The credential fields of an output by field path (`None`: the output is not YAML).
type FieldValues = Option<std::collections::HashMap<String, String>>;

/// [`validate`], also giving the output's credential fields (as
/// [`crate::lints::credential_values`] reads them) when a finding is a `literal-credential`,
/// from the same reading of the text.
fn validate_reading(
    rendered: &Rendered,
    secrets: &Secrets,
    version: crate::prometheus::Version,
) -> (Vec<Finding>, Option<FieldValues>) {
    let text = String::from_utf8_lossy(&rendered.bytes);
    let starts = line_starts(&text);
    let from_rules = |findings: Vec<crate::prometheus::Finding>| -> Vec<Finding> {
        findings
            .into_iter()
            .map(|f| {
                let source = written_at(rendered, &text, &starts, f.line, f.column);
                Finding::error(
                    "promtool",
                    Location::line(rendered.display.clone(), f.line),
                    f.message,
                )
                .with_field_path(f.path)
                .with_written_at(source)
            })
            .collect()
    };
    match rendered.validate {
        Validate::None => (Vec::new(), None),
        Validate::WebConfig => (from_rules(crate::prometheus::check_web_config(&text)), None),
        Validate::Prometheus => {
            // a list of scrape configs (a Secret's additionalScrapeConfigs) is checked as the
            // `scrape_configs` of a configuration; lines are the list's own. One reading of
            // the text serves the rules, the lints and the credential fields
            let (config, shift) = as_prometheus_config(rendered, &text);
            let unshift = |line: usize| line.saturating_sub(shift).max(1);
            let (mut rules, doc) = crate::prometheus::check_config_document(&config, version);
            for f in &mut rules {
                f.line = f.line.map(unshift);
            }
            let mut findings = from_rules(rules);
            let (lints, values) =
                crate::lints::lint_document_and_values(&config, doc.as_ref(), secrets);
            findings.extend(lints.into_iter().map(|mut l| {
                l.line = unshift(l.line);
                lint_finding(rendered, &text, &starts, l)
            }));
            findings.sort_by_key(|f| f.location.line);
            let values = findings
                .iter()
                .any(|f| f.id == LITERAL_CREDENTIAL)
                .then(|| doc.is_some().then_some(values));
            (findings, values)
        }
    }
}

/// The text a rendered output (before [`to_manifests`]) is read as a Prometheus
/// configuration as, and how many lines precede the render in it: a list of scrape configs
/// (what a Secret for `additionalScrapeConfigs` holds) becomes the `scrape_configs` of a
/// configuration.
pub fn as_prometheus_config<'t>(
    rendered: &Rendered,
    text: &'t str,
) -> (std::borrow::Cow<'t, str>, usize) {
    let list = rendered
        .kubernetes
        .as_ref()
        .is_some_and(|k| k.kind == crate::kubernetes::Kind::Secret)
        && crate::kubernetes::is_scrape_config_list(text);
    if list {
        (format!("scrape_configs:\n{text}").into(), 1)
    } else {
        (text.into(), 0)
    }
}

/// Turns each rendered output with `kubernetes:` settings into its manifests (after
/// validation, which reads the render itself): a Secret holding it, or ScrapeConfig
/// resources and the Secret holding their credentials. What cannot be converted is a
/// finding, at the template line that wrote it.
#[must_use]
pub fn to_manifests(rendered: &mut [Rendered]) -> Vec<Finding> {
    use crate::kubernetes::{self, Kind};
    let mut findings = Vec::new();
    for r in rendered.iter_mut() {
        let Some(manifest) = &r.kubernetes else {
            continue;
        };
        let text = String::from_utf8_lossy(&r.bytes).into_owned();
        let converted = match manifest.kind {
            Kind::Secret => Ok(kubernetes::wrap_in_secret(manifest, &text)),
            Kind::ScrapeConfig => kubernetes::scrape_configs(manifest, &text),
        };
        match converted {
            Ok(manifests) => r.bytes = manifests.into_bytes(),
            Err(problems) => {
                let starts = line_starts(&text);
                for p in problems {
                    let source = written_at(r, &text, &starts, Some(p.line), Some(p.column));
                    findings.push(
                        Finding::error("kubernetes", Location::file(r.display.clone()), p.message)
                            .with_field_path(p.path)
                            .with_written_at(source),
                    );
                }
            }
        }
    }
    findings
}

/// How [`prepare`] renders.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub extra: &'a ExtraVars,
    pub out_dir: Option<&'a Path>,
    /// Validate (Prometheus' rules and the lints); `--no-validate` turns it off.
    pub validate: bool,
    pub version: crate::prometheus::Version,
    /// Which outputs and hosts to render ([`Selection::ALL`]: everything).
    pub selection: &'a Selection,
}

/// What `render` has in memory before it writes anything: every output of every
/// environment asked for, the findings about them, and the vault values in play (for masking).
pub struct Prepared {
    pub rendered: Vec<Rendered>,
    pub findings: Vec<Finding>,
    pub secrets: Secrets,
    /// How many findings were allowed on purpose and left out.
    pub allowed: usize,
}

impl Prepared {
    /// An error when any finding is an error: then nothing may be written.
    ///
    /// # Errors
    /// How many problems, in how many outputs.
    pub fn refuse_errors(&self) -> Result<(), RunError> {
        let errors: Vec<&Finding> = self.findings.iter().filter(|f| f.is_error()).collect();
        if errors.is_empty() {
            return Ok(());
        }
        let files: std::collections::BTreeSet<&str> =
            errors.iter().map(|f| f.location.path.as_str()).collect();
        Err(RunError::Refused {
            errors: errors.len(),
            outputs: files.len(),
        })
    }
}

/// Opens each environment's vault with `ids`, renders (and unless told otherwise validates)
/// every output; two outputs with one destination are an error.
///
/// # Errors
/// A vault that does not open, a render problem (secrets masked), or a shared destination.
pub fn prepare(
    project: &Project,
    envs: &[Environment],
    ids: &Identities,
    options: &Options<'_>,
) -> Result<Prepared, RunError> {
    let mut prepared = Prepared {
        rendered: Vec::new(),
        findings: Vec::new(),
        secrets: Secrets::new(),
        allowed: 0,
    };
    // The vaults are opened one after the other, up to the first that fails; the
    // environments before it then render on as many cores as there are. Results are taken
    // in order, so the error reported is the one a run environment by environment meets.
    let mut vaults = Vec::new();
    let mut vault_error = None;
    for env in envs {
        match vault_layer(project, env, ids) {
            Ok(vault) => vaults.push((env, vault)),
            Err(e) => {
                vault_error = Some(e);
                break;
            }
        }
    }
    let results = crate::parallel::map(&vaults, |(env, vault)| {
        if options.validate {
            validate_selected(project, env, vault, options, false)
                .map(|validated| (validated.rendered, validated.findings, validated.allowed))
        } else {
            render_selected(project, env, vault.clone(), options, false).map(
                |(mut rendered, warnings)| {
                    let mut findings = to_manifests(&mut rendered);
                    findings.extend(warnings);
                    (rendered, findings, 0)
                },
            )
        }
    });
    for ((_, vault), result) in vaults.iter().zip(results) {
        prepared.secrets.extend(Secrets::from_vault(vault));
        let (rendered, findings, allowed) = masked(result, &prepared.secrets)?;
        prepared.rendered.extend(rendered);
        prepared.findings.extend(findings);
        prepared.allowed += allowed;
    }
    if let Some(e) = vault_error {
        return Err(e);
    }
    if let Some((a, b)) = shared_destination(&prepared.rendered) {
        return Err(RunError::SharedDestination {
            display: b.display.clone(),
            first: format!("{} for {}", a.template, a.host),
            second: format!("{} for {}", b.template, b.host),
        });
    }
    Ok(prepared)
}

/// Checks that each host `selection` names got at least one render in `rendered` (of
/// `envs`): a host no inventory has, or that no selected output renders for, is an error
/// (a typo would otherwise render nothing and say nothing).
///
/// # Errors
/// [`RunError::UnknownHost`] listing the hosts the environments have, or
/// [`RunError::Invalid`] for a host that no selected output renders for.
pub fn every_host_rendered(
    project: &Project,
    envs: &[Environment],
    selection: &Selection,
    rendered: &[Rendered],
) -> Result<(), RunError> {
    let Some(hosts) = &selection.hosts else {
        return Ok(());
    };
    for host in hosts {
        if rendered.iter().any(|r| &r.host == host) {
            continue;
        }
        // the error path only: the inventories are read again to name their hosts
        let mut known: Vec<String> = Vec::new();
        for env in envs {
            if let Ok(inventory) = Inventory::load(&env.inventory, &project.root) {
                for h in inventory.hosts.keys() {
                    if !known.contains(h) {
                        known.push(h.clone());
                    }
                }
            }
        }
        let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
        if host != "localhost" && !known.contains(host) {
            if known.len() > 20 {
                let more = known.len() - 20;
                known.truncate(20);
                known.push(format!("and {more} more"));
            }
            return Err(RunError::UnknownHost {
                host: host.clone(),
                env: names.join(", "),
                known,
            });
        }
        return Err(RunError::Invalid {
            location: Location::file(crate::project::PROJECT_FILE),
            message: format!(
                "no output selected is rendered for host `{host}` in {} (an output is rendered for the hosts of its `hosts:` pattern; one without `hosts:` for `localhost`)",
                names.join(", ")
            ),
        });
    }
    Ok(())
}

/// The first two outputs that would be written to the same file.
#[must_use]
pub fn shared_destination(rendered: &[Rendered]) -> Option<(&Rendered, &Rendered)> {
    let mut seen: std::collections::HashMap<&Path, &Rendered> = std::collections::HashMap::new();
    for r in rendered {
        if let Some(first) = seen.insert(r.dest.as_path(), r) {
            return Some((first, r));
        }
    }
    None
}

/// The outputs of one environment, rendered and validated.
#[derive(Debug)]
pub struct Validated {
    pub rendered: Vec<Rendered>,
    pub findings: Vec<Finding>,
    /// How many findings were allowed on purpose ([`is_allowed`]) and left out.
    pub allowed: usize,
    /// The environment's inventory, as loaded for the render.
    pub inventory: Arc<Inventory>,
}

/// Renders every output of `env` with `vault` and validates each (Prometheus' rules and the
/// lints): the one path `render`, `check` and `probe` share.
///
/// Whether a credential comes from the vault is decided by provenance, not by looking for
/// the vault's values in the output: a `literal-credential` finding is kept only when the
/// field holds the same value after a second render in which every vault string changed
/// (so `{{ key }}`, `"{{ key }}"`, `{{ key | to_json }}`, `{{ (u ~ ':' ~ key) | b64encode }}`
/// all count as coming from the vault).
///
/// # Errors
/// The first render problem, with file and line.
pub fn render_and_validate(
    project: &Project,
    env: &Environment,
    vault: &VarLayer,
    extra: &ExtraVars,
    out_dir: Option<&Path>,
    quick_hashes: bool,
    version: crate::prometheus::Version,
) -> Result<Validated, RunError> {
    let options = Options {
        extra,
        out_dir,
        validate: true,
        version,
        selection: &Selection::ALL,
    };
    validate_selected(project, env, vault, &options, quick_hashes)
}

/// [`render_and_validate`] of what `options.selection` selects.
///
/// # Errors
/// The first render problem, with file and line.
pub fn validate_selected(
    project: &Project,
    env: &Environment,
    vault: &VarLayer,
    options: &Options<'_>,
    quick_hashes: bool,
) -> Result<Validated, RunError> {
    let version = options.version;
    let secrets = Secrets::from_vault(vault);
    let inventory = Arc::new(Inventory::load(&env.inventory, &project.root)?);
    let (rendered, mut findings) = render_selected_in(
        project,
        env,
        inventory.clone(),
        vault.clone(),
        options,
        quick_hashes,
    )?;
    // each output on its own (on as many cores as there are), the findings in output order
    let mut read = Vec::with_capacity(rendered.len());
    for (found, values) in
        crate::parallel::map(&rendered, |r| validate_reading(r, &secrets, version))
    {
        findings.extend(found);
        read.push(values);
    }
    // each output's credential fields, read once per render (not once per finding)
    let mut first_values = CredentialValues {
        read,
        ..CredentialValues::default()
    };
    // the templates read (with where their lines start), for the provenance test and the
    // allow comments
    let mut templates = Templates::default();
    if findings.iter().any(|f| f.id == LITERAL_CREDENTIAL) {
        drop_vault_values(
            project,
            &rendered,
            &secrets,
            &mut first_values,
            &mut templates,
            &mut findings,
        );
    }
    if findings.iter().any(|f| f.id == LITERAL_CREDENTIAL) {
        let changed = with_every_string_changed(vault);
        let again = render_selected_in(project, env, inventory.clone(), changed, options, true)
            .ok()
            .map(|(rendered, _)| rendered);
        let mut second_values = CredentialValues::default();
        // by output: whether the second render wrote the same bytes (then every field holds
        // what it held, and the second render need not be read)
        let mut unchanged = std::collections::HashMap::new();
        findings.retain(|f| {
            if f.id != LITERAL_CREDENTIAL {
                return true;
            }
            let value = first_values.of(&rendered, f);
            match again.as_deref() {
                Some(again)
                    if *unchanged
                        .entry(f.location.path.clone())
                        .or_insert_with(|| same_output(&rendered, again, &f.location.path)) =>
                {
                    true
                }
                // Unknown (a render is not YAML) counts as the same.
                Some(again) => match (value, second_values.of(again, f)) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                },
                // The template cannot render with other values (it compares or decodes
                // them): then a field holding a vault value counts as coming from it.
                None => !value
                    .flatten()
                    .is_some_and(|v| secrets.iter().any(|(_, s)| !s.is_empty() && v.contains(s))),
            }
        });
    }
    let mut rendered = rendered;
    findings.extend(to_manifests(&mut rendered));
    let before = findings.len();
    findings.retain(|f| !is_allowed(project, f, &mut templates));
    let allowed = before - findings.len();
    Ok(Validated {
        rendered,
        findings,
        allowed,
        inventory,
    })
}

const LITERAL_CREDENTIAL: &str = "literal-credential";

/// Drops the `literal-credential` findings whose field holds exactly a vault value that no
/// template of its output holds in plain text: that value came from the vault, which the
/// second render (every vault value changed) would only confirm, at the cost of rendering
/// and reading everything again. A value short enough to match by chance (under 4
/// characters), or written in a template as it is, is left to the second render. (A vault
/// value copied in plain text anywhere else is what `check`'s leak scan reports.)
fn drop_vault_values(
    project: &Project,
    rendered: &[Rendered],
    secrets: &Secrets,
    values: &mut CredentialValues,
    templates: &mut Templates,
    findings: &mut Vec<Finding>,
) {
    let vault_values: std::collections::HashSet<&str> = secrets
        .iter()
        .map(|(_, s)| s)
        .filter(|s| s.chars().count() >= 4)
        .collect();
    if vault_values.is_empty() {
        return;
    }
    // by output: the findings whose value is a vault value, and those values
    let mut candidates: std::collections::BTreeMap<&str, Vec<(usize, String)>> =
        std::collections::BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.id != LITERAL_CREDENTIAL {
            continue;
        }
        if let Some(value) = values.of(rendered, f).flatten() {
            if vault_values.contains(value.as_str()) {
                candidates
                    .entry(f.location.path.as_str())
                    .or_default()
                    .push((i, value));
            }
        }
    }
    let mut from_vault = vec![false; findings.len()];
    for (display, found) in candidates {
        let Some(output) = rendered.iter().find(|r| r.display == display) else {
            continue;
        };
        // each value once (many fields may hold the same one)
        let mut needles: Vec<&str> = found.iter().map(|(_, v)| v.as_str()).collect();
        needles.sort_unstable();
        needles.dedup();
        let Ok(matcher) = aho_corasick::AhoCorasick::new(&needles) else {
            continue;
        };
        let mut in_template = vec![false; needles.len()];
        for name in output.provenance.templates() {
            let Some((text, _)) = templates.read(project, name) else {
                // unreadable: nothing is known, the second render decides
                in_template.fill(true);
                break;
            };
            for m in matcher.find_overlapping_iter(text.as_str()) {
                in_template[m.pattern().as_usize()] = true;
            }
        }
        for (i, value) in &found {
            let pasted = needles
                .binary_search(&value.as_str())
                .map_or(true, |n| in_template[n]);
            from_vault[*i] = !pasted;
        }
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !from_vault[i - 1]
    });
}

/// The project's templates, each read once: its text and where its lines start (`None`:
/// unreadable).
#[derive(Default)]
struct Templates(std::collections::HashMap<String, Option<(String, Vec<usize>)>>);

impl Templates {
    /// Template `path` (relative to the project), read when first asked.
    fn read(&mut self, project: &Project, path: &str) -> Option<&(String, Vec<usize>)> {
        self.0
            .entry(path.to_string())
            .or_insert_with(|| {
                crate::sandbox::read_to_string(&project.root, &project.root.join(path))
                    .ok()
                    .map(|text| {
                        let starts = line_starts(&text);
                        (text, starts)
                    })
            })
            .as_ref()
    }
}

/// Whether finding `f` is allowed on purpose: by an entry of `check.allow` in promvault.yml,
/// or by a `{# promvault: allow ID #}` comment (several ids separated by spaces or commas) on
/// the template line that wrote it or the line above.
fn is_allowed(project: &Project, f: &Finding, templates: &mut Templates) -> bool {
    if project.config.check.allow.iter().any(|a| a.allows(f)) {
        return true;
    }
    let Some(source) = &f.written_at else {
        return false;
    };
    let Some(line) = source.line.and_then(|l| usize::try_from(l).ok()) else {
        return false;
    };
    let Some((text, starts)) = templates.read(project, &source.path) else {
        return false;
    };
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|&l| l >= 1)
        .filter_map(|l| nth_line(text, starts, l))
        .any(|l| allow_comment_ids(l).any(|id| id == f.id))
}

/// Line `line` (1-based) of `text`, whose lines start at `starts`, as `str::lines` gives it:
/// without its `\n` or `\r\n`.
fn nth_line<'t>(text: &'t str, starts: &[usize], line: usize) -> Option<&'t str> {
    let start = *starts.get(line.checked_sub(1)?)?;
    match starts.get(line) {
        Some(&next) => {
            let l = &text[start..next - 1];
            Some(l.strip_suffix('\r').unwrap_or(l))
        }
        // `lines` gives no empty line after the last line break
        None if start == text.len() => None,
        None => Some(&text[start..]),
    }
}

/// The ids a template line allows: `{# promvault: allow authorization-type-case #}`.
fn allow_comment_ids(line: &str) -> impl Iterator<Item = &str> {
    line.split("promvault: allow").skip(1).flat_map(|rest| {
        rest.split("#}")
            .next()
            .unwrap_or("")
            .split([',', ' '])
            .filter(|id| !id.is_empty())
    })
}

/// Whether output `display` is in both renders, read the same way (as a Prometheus
/// configuration or as a list of scrape configs) from the same bytes.
fn same_output(first: &[Rendered], second: &[Rendered], display: &str) -> bool {
    fn find<'r>(outputs: &'r [Rendered], display: &str) -> Option<&'r Rendered> {
        outputs.iter().find(|r| r.display == display)
    }
    match (find(first, display), find(second, display)) {
        (Some(a), Some(b)) => {
            a.bytes == b.bytes
                && a.kubernetes.as_ref().map(|k| k.kind) == b.kubernetes.as_ref().map(|k| k.kind)
        }
        _ => false,
    }
}

/// The credential fields of each output of one render, by output, read when first asked.
#[derive(Default)]
struct CredentialValues {
    by_display: std::collections::HashMap<String, FieldValues>,
    /// By output index: the fields already read while validating (taken when first asked).
    read: Vec<Option<FieldValues>>,
}

impl CredentialValues {
    /// The value of finding `f`'s field in `outputs`: `None` when the output is not YAML,
    /// `Some(None)` when it has no such field.
    fn of(&mut self, outputs: &[Rendered], f: &Finding) -> Option<Option<String>> {
        let read = &mut self.read;
        let values = self
            .by_display
            .entry(f.location.path.clone())
            .or_insert_with(|| {
                let (i, r) = outputs
                    .iter()
                    .enumerate()
                    .find(|(_, r)| r.display == f.location.path)?;
                match read.get_mut(i).and_then(Option::take) {
                    Some(values) => values,
                    None => {
                        let text = String::from_utf8_lossy(&r.bytes);
                        crate::lints::credential_values(&as_prometheus_config(r, &text).0)
                    }
                }
            });
        values.as_ref().map(|v| v.get(&f.field_path).cloned())
    }
}

/// The vault with every string value changed (kept YAML-safe: letters appended).
fn with_every_string_changed(vault: &VarLayer) -> VarLayer {
    fn change(data: &Data) -> Data {
        match data {
            Data::Str(s) => Data::Str(format!("{s}Zq9")),
            Data::Unsafe(s) => Data::Unsafe(format!("{s}Zq9")),
            Data::Seq(items) => Data::Seq(items.iter().map(change).collect()),
            Data::Map(entries) => Data::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), change(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    vault
        .iter()
        .map(|(name, var)| {
            (
                name.clone(),
                Var {
                    data: if name == HASH_KEY_NAME {
                        var.data.clone()
                    } else {
                        change(&var.data)
                    },
                    origin: var.origin.clone(),
                },
            )
        })
        .collect()
}

/// How `check` stands in for a vault it cannot open (or probes what a hostile value does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandIn {
    /// Letters and digits only, unique per variable: what a well-behaved secret renders to.
    Plain,
    /// Quotes, backslash, `: ` and ` #`: what breaks YAML when interpolated without quoting.
    Hostile,
}

/// A stand-in vault: one value per variable, of the kind the vault's record notes (a mapping
/// for a mapping, a bcrypt-shaped hash for a bcrypt hash, ...).
#[must_use]
pub fn stand_in_layer(
    names: &[String],
    kinds: &std::collections::BTreeMap<String, String>,
    display: &str,
    style: StandIn,
) -> VarLayer {
    names
        .iter()
        .map(|name| {
            let data = match kinds.get(name).map(String::as_str) {
                Some("mapping") => Data::Map(Vec::new()),
                Some("list") => Data::Seq(Vec::new()),
                Some("number") => Data::Int(0),
                Some("bool") => Data::Bool(false),
                Some("null") => Data::Null,
                Some("bcrypt") => {
                    Data::Unsafe(format!("$2b$10${:.<53}", "promvaultStandInForABcryptHash"))
                }
                _ => Data::Unsafe(stand_in_string(name, style)),
            };
            (
                name.clone(),
                Var {
                    data,
                    origin: Origin {
                        file: format!("{display} (vault)"),
                        line: None,
                    },
                },
            )
        })
        .collect()
}

/// The stand-in for a string variable.
#[must_use]
pub fn stand_in_string(name: &str, style: StandIn) -> String {
    match style {
        StandIn::Plain => format!("vault0{name}0standin"),
        StandIn::Hostile => format!("<vault:{name}>: #'\\\"\\"),
    }
}

/// A render's error with every vault value masked (a filter's message may quote its input).
pub fn masked<T>(result: Result<T, RunError>, secrets: &Secrets) -> Result<T, RunError> {
    result.map_err(|e| {
        let masker = secrets.masker();
        // only the message is masked: a location is never a secret (a vault value `1` must
        // not turn `file:1` into `file:<vault:x>`)
        let detail = e.detail();
        let masked = masker.mask(&detail);
        if masked == detail {
            e
        } else {
            RunError::Masked {
                location: e.location(),
                message: masked,
                hint: e.hint(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_line_is_what_lines_gives() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\n\nb\r",
            "\r\n\r\n",
            "x\r\ry\n",
        ] {
            let starts = line_starts(text);
            let lines: Vec<&str> = text.lines().collect();
            for l in 0..lines.len() + 3 {
                let want = l.checked_sub(1).and_then(|i| lines.get(i)).copied();
                assert_eq!(nth_line(text, &starts, l), want, "{text:?} line {l}");
            }
        }
    }
}
