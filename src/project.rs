//! The project file, `promvault.yml`: found in the working directory or a parent, it names
//! the environments (inventory, vault, recipients), the outputs and the optional committed
//! demo identity. Also the text-preserving edits of its recipient lists.

use std::{
    fs,
    path::{Path, PathBuf},
};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::{finding::Location, yaml};

/// The name of the project file.
pub const PROJECT_FILE: &str = "promvault.yml";

/// What the first line of a committed demo identity must say (case-insensitive).
pub const DEMO_MARKER: &str = "demo identity";

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("no {PROJECT_FILE} in {} or any parent folder", start.display())]
    NotFound { start: PathBuf },
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Parse { location: Location, message: String },
    #[error("unknown environment `{name}`; the project has: {}", known.join(", "))]
    UnknownEnvironment { name: String, known: Vec<String> },
    #[error("no output is named `{name}`; the project's outputs: {}", known.join(", "))]
    UnknownOutput { name: String, known: Vec<String> },
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
    #[error("{location}: environment `{env}` has no recipients: nobody could open its vault")]
    NoRecipients { location: Location, env: String },
    #[error("{path}: the demo identity's first line must say it is a demo identity (\"# {DEMO_MARKER}: ...\")")]
    NotADemoIdentity { path: String },
    #[error("{location}: {message}")]
    Edit { location: Location, message: String },
}

impl ProjectError {
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            ProjectError::NotFound { .. } => {
                Some("run `promvault init` to create a project, or pass --project DIR".to_string())
            }
            ProjectError::UnknownEnvironment { .. } => Some(format!(
                "environments are listed under `environments:` in {PROJECT_FILE}"
            )),
            ProjectError::UnknownOutput { .. } => Some(format!(
                "an output is named by its `name:` in {PROJECT_FILE}, else by its template's file name without `.j2`"
            )),
            ProjectError::NoRecipients { .. } => {
                Some("list at least one age or SSH public key under `recipients:`".to_string())
            }
            ProjectError::NotADemoIdentity { .. } => Some(
                "never commit a real private key: keep it in ~/.config/promvault/identity.txt"
                    .to_string(),
            ),
            _ => None,
        }
    }
}

// The JSON Schema in docs/promvault.schema.json is generated from these types (see
// `json_schema`): their doc comments are what editors show for each key, so they speak to the
// user of promvault.yml.

/// promvault project file: the environments (inventory, vault, recipients), the outputs
/// rendered for each, and the settings of `promvault check`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "promvault.yml")]
pub struct ProjectFile {
    /// Who can open every vault: age X25519 public keys (`age1...`) or SSH public keys
    /// (`ssh-ed25519 ...`, `ssh-rsa ...`). A `# comment` after a key (who it is) is kept by
    /// `promvault recipients add/remove`. An environment with its own `recipients` uses that
    /// list instead.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// A file listing who can open every vault, instead of `recipients`: age's `-R` format (one
    /// public key a line; `#` comment lines and blank lines), relative to the project, so one
    /// file lists the team. `promvault recipients add/remove` edit it, keeping its comments.
    #[serde(default)]
    pub recipients_file: Option<String>,
    /// The environments, by name (letters, digits, `_`, `-`, `.`; starting with a letter or
    /// digit). Each has an inventory and an age-encrypted vault.
    #[schemars(extend("propertyNames" = { "pattern": ENVIRONMENT_NAME_PATTERN }))]
    pub environments: IndexMap<String, EnvironmentFile>,
    /// The files rendered for every environment, in order.
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
    /// Role-defaults files (YAML variables) for every output: the lowest precedence, below the
    /// inventory's variables.
    #[serde(default)]
    pub defaults: Vec<String>,
    /// The Prometheus version the outputs are validated for: `2`, `2.53`, `v3.5.0`... (any 2.x
    /// or 3.x). Default: 3.x.
    #[serde(default)]
    // YAML reads an unquoted `3.5` as a number; promvault takes the scalar's text.
    #[schemars(
        regex(pattern = r"^\s*[vV]?[23](\.[0-9]+)*\s*$"),
        extend("type" = ["string", "number", "null"])
    )]
    pub prometheus_version: Option<String>,
    /// A committed identity file for a demo project, so that a fresh clone renders. Its first
    /// line must say `# demo identity` (any case); it may hold only age X25519 keys. Never
    /// encrypt a real secret to it.
    #[serde(default)]
    pub demo_identity: Option<String>,
    /// Settings of `promvault check`.
    #[serde(default)]
    pub check: CheckSettings,
}

/// The pattern every environment name matches (see [`is_environment_name`]).
pub const ENVIRONMENT_NAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";

/// Settings of `promvault check`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Paths (globs; `dir/**` for a folder) that the private-key and leak scans skip, such as
    /// test fixtures holding throwaway keys.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Findings allowed on purpose (so nobody needs `--no-validate`): each names a finding's
    /// id, and optionally the file and the field path it is about.
    #[serde(default)]
    pub allow: Vec<Allow>,
}

/// One entry of `check.allow`: findings with this `id` (about this `file` and `field`, when
/// given; `*` matches any run of characters) are allowed: they neither fail `check` nor stop
/// `render`, and are counted in a note.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    pub id: String,
    /// The file the finding is about (`out/prod/prometheus.yml`, `out/*/prometheus.yml`).
    #[serde(default)]
    pub file: Option<String>,
    /// The field path (`scrape_configs[*].authorization.type`).
    #[serde(default)]
    pub field: Option<String>,
    /// Why (for the people who read promvault.yml).
    #[serde(default)]
    pub reason: Option<String>,
}

impl Allow {
    /// Whether this entry allows `finding`.
    #[must_use]
    pub fn allows(&self, finding: &crate::finding::Finding) -> bool {
        use crate::finding::star_match;
        finding.id == self.id
            && self
                .file
                .as_deref()
                .is_none_or(|f| star_match(f.trim_start_matches("./"), &finding.location.path))
            && self
                .field
                .as_deref()
                .is_none_or(|f| star_match(f, &finding.field_path))
    }
}

/// One environment. Every key is optional: `prod: {}` uses `inventories/prod` and
/// `vault/prod.yml.age`, encrypted to the top-level `recipients`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentFile {
    /// The Ansible-style inventory: a folder (with `hosts.yml`, `group_vars/`, `host_vars/`) or
    /// a file. Default: `inventories/ENV`.
    #[serde(default)]
    pub inventory: Option<String>,
    /// The age-encrypted vault of this environment's secrets. Default: `vault/ENV.yml.age`.
    #[serde(default)]
    pub vault: Option<String>,
    /// Who can open this environment's vault, instead of the top-level `recipients`.
    #[serde(default)]
    pub recipients: Option<Vec<String>>,
    /// A recipients file (age's `-R` format) listing who can open this environment's vault,
    /// instead of the top-level `recipients` or `recipients_file`.
    #[serde(default)]
    pub recipients_file: Option<String>,
}

/// One rendered file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputFile {
    /// A name for `render --output NAME` and `vars --output NAME`. Default: the template's
    /// file name without `.j2` (`prometheus.yml` for `templates/prometheus.yml.j2`). Outputs
    /// may share a name: `--output` then selects each of them.
    #[serde(default)]
    pub name: Option<String>,
    /// The Jinja template, relative to the project.
    pub template: String,
    /// Where the output is written, relative to the project (or to `render --out-dir`): itself
    /// a template, with `env` and, for an output with `hosts`, `inventory_hostname`; e.g.
    /// `out/{{ env }}/prometheus.yml`.
    pub dest: String,
    /// Render once per inventory host matching this Ansible host pattern (`node_exporters`,
    /// `web:&prod`...), with that host's variables. Default: once per environment, as
    /// `localhost`.
    #[serde(default)]
    pub hosts: Option<String>,
    /// How the output is checked before it is written: `prometheus` (as `promtool check
    /// config`), `web-config` (as `promtool check web-config`) or `none`. Default: `prometheus`
    /// when the dest's file name is `prometheus*.yml`, else `none`.
    #[serde(default)]
    #[schemars(with = "Option<ValidateKind>")]
    pub validate: Option<String>,
    /// The output file's permission bits, in octal (`"0640"`): read and write bits only.
    /// Default: `"0600"` (owner only).
    #[serde(default)]
    // YAML reads an unquoted `0640` as a number; promvault takes the scalar's text.
    #[schemars(
        regex(pattern = r"^\s*(0o)?0?[0246]{1,3}\s*$"),
        extend("type" = ["string", "integer", "null"])
    )]
    pub mode: Option<String>,
    /// Role-defaults files for this output, after the top-level `defaults` (the lowest
    /// precedence, below the inventory's variables).
    #[serde(default)]
    pub defaults: Vec<String>,
    /// The folder where the `secret_file` filter writes this output's secret files (each
    /// owner-only, named after its variable), relative to the project (or to `render
    /// --out-dir`) like `dest`, and a template like it. Default: `secrets` beside the output
    /// (`out/{{ env }}/secrets` for `dest: out/{{ env }}/prometheus.yml`).
    #[serde(default)]
    pub secret_files: Option<String>,
    /// How the output names that folder, where Prometheus will find it: a template, e.g.
    /// `/etc/prometheus/secrets` when the secret files are deployed there. Default: the path
    /// from the output's folder to `secret_files` (`secrets`), which Prometheus resolves
    /// against its config file's folder, so the output and its secrets can be copied together.
    #[serde(default)]
    pub secret_files_path: Option<String>,
    /// Render this output only for these environments. Default: for every environment.
    #[serde(default)]
    pub environments: Option<Vec<String>>,
    /// Write the render as Kubernetes manifests for the Prometheus Operator: a Secret holding
    /// it (`additionalScrapeConfigs`), or its jobs as `ScrapeConfig` resources plus the Secret
    /// holding their credentials. `validate` then defaults to `prometheus` and applies to the
    /// render itself (for `kind: secret`, a YAML list of scrape configs is accepted).
    #[serde(default)]
    pub kubernetes: Option<crate::kubernetes::Settings>,
}

impl OutputFile {
    /// The output's name: its `name`, else its template's file name without `.j2`.
    #[must_use]
    pub fn name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let file = self.template.rsplit('/').next().unwrap_or(&self.template);
        file.strip_suffix(".j2").unwrap_or(file).to_string()
    }
}

// The values of an output's `validate:`, for the schema; `pipeline::validate_kind` reads them
// (the project_file test checks the binary accepts each).

/// How an output is checked before it is written.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum ValidateKind {
    /// As `promtool check config --syntax-only` would, plus promvault's lints.
    Prometheus,
    /// As `promtool check web-config` would (exporters' `--web.config.file`).
    WebConfig,
    /// Not checked.
    None,
}

/// The JSON Schema of promvault.yml, generated from [`ProjectFile`]; docs/promvault.schema.json
/// is this, pretty-printed (a test keeps it so).
#[must_use]
pub fn json_schema() -> serde_json::Value {
    // Draft 7: the draft editors' YAML and JSON plugins support best.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<ProjectFile>()
        .to_value()
}

/// A loaded project: its root folder and parsed project file.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub file: PathBuf,
    pub text: String,
    /// The project file, with the keys of each `recipients_file` in the `recipients` of its
    /// scope.
    pub config: ProjectFile,
    /// The recipients files promvault.yml names, as read.
    pub recipients_files: Vec<RecipientsFile>,
}

/// A recipients file (age's `-R` format) that promvault.yml names for a scope.
#[derive(Debug, Clone)]
pub struct RecipientsFile {
    pub scope: RecipientScope,
    /// As written in promvault.yml (relative to the project).
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

/// One environment, with its paths resolved against the project root.
#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub inventory: PathBuf,
    pub vault: PathBuf,
    /// The recipients its vault must be encrypted to.
    pub recipients: Vec<String>,
    /// Whether `recipients` is the environment's own list (else the top-level one).
    pub own_recipients: bool,
}

impl Project {
    /// Finds `promvault.yml` in `start` (or the working directory) or a parent, and loads it.
    ///
    /// # Errors
    /// Not found, unreadable, or malformed (with file:line).
    pub fn discover(start: Option<&Path>) -> Result<Project, ProjectError> {
        let start = match start {
            Some(dir) => dir.to_path_buf(),
            None => std::env::current_dir().map_err(|source| ProjectError::Read {
                path: PathBuf::from("."),
                source,
            })?,
        };
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            let candidate = d.join(PROJECT_FILE);
            if candidate.is_file() {
                return Project::load(d);
            }
            dir = d.parent();
        }
        Err(ProjectError::NotFound { start })
    }

    /// Loads the project whose root folder is `root`.
    ///
    /// # Errors
    /// Unreadable or malformed project file.
    pub fn load(root: &Path) -> Result<Project, ProjectError> {
        let file = root.join(PROJECT_FILE);
        let text = fs::read_to_string(&file).map_err(|source| ProjectError::Read {
            path: file.clone(),
            source,
        })?;
        Project::from_parts(root, file, text, None)
    }

    /// The same project with its file replaced by `text` (not yet written), validated.
    ///
    /// # Errors
    /// `text` does not parse or validate.
    pub fn with_text(&self, text: String) -> Result<Project, ProjectError> {
        Project::from_parts(&self.root, self.file.clone(), text, None)
    }

    /// The same project with the recipients file of `scope` replaced by `text` (not yet
    /// written), validated.
    ///
    /// # Errors
    /// The project does not validate with it.
    pub fn with_recipients_file_text(
        &self,
        scope: &RecipientScope,
        text: String,
    ) -> Result<Project, ProjectError> {
        Project::from_parts(
            &self.root,
            self.file.clone(),
            self.text.clone(),
            Some((scope, text)),
        )
    }

    fn from_parts(
        root: &Path,
        file: PathBuf,
        text: String,
        replaced: Option<(&RecipientScope, String)>,
    ) -> Result<Project, ProjectError> {
        let config = parse_project_file(&text)?;
        let mut project = Project {
            root: root.to_path_buf(),
            file,
            text,
            config,
            recipients_files: Vec::new(),
        };
        project.validate_names()?;
        project.check_paths()?;
        project.read_recipients_files(replaced)?;
        project.validate()?;
        Ok(project)
    }

    /// Reads the `recipients_file`s and puts their keys in the `recipients` of their scope
    /// (`replaced` stands for the file of its scope).
    fn read_recipients_files(
        &mut self,
        mut replaced: Option<(&RecipientScope, String)>,
    ) -> Result<(), ProjectError> {
        let mut named: Vec<(RecipientScope, String)> = Vec::new();
        if let Some(name) = &self.config.recipients_file {
            if !self.config.recipients.is_empty() {
                return Err(ProjectError::Invalid {
                    location: self.location_of_key("recipients_file"),
                    message: "both `recipients` and `recipients_file` are given: use one"
                        .to_string(),
                });
            }
            named.push((RecipientScope::Project, name.clone()));
        }
        for (env_name, env) in &self.config.environments {
            if let Some(name) = &env.recipients_file {
                if env.recipients.is_some() {
                    return Err(ProjectError::Invalid {
                        location: self.location_of_value("recipients_file", name),
                        message: format!(
                            "environment `{env_name}` has both `recipients` and `recipients_file`: use one"
                        ),
                    });
                }
                named.push((RecipientScope::Environment(env_name.clone()), name.clone()));
            }
        }
        for (scope, name) in named {
            let path = self.root.join(&name);
            let text = match replaced.take_if(|(s, _)| *s == &scope) {
                Some((_, text)) => text,
                None => {
                    read_recipients_file(&self.root, &path).map_err(|e| ProjectError::Invalid {
                        location: self.location_of_value("recipients_file", &name),
                        message: format!("recipients_file `{name}`: {e}"),
                    })?
                }
            };
            let keys: Vec<String> = recipients_file_entries(&text)
                .into_iter()
                .map(|e| e.key)
                .collect();
            match &scope {
                RecipientScope::Project => self.config.recipients = keys,
                RecipientScope::Environment(env) => {
                    if let Some(e) = self.config.environments.get_mut(env) {
                        e.recipients = Some(keys);
                    }
                }
            }
            self.recipients_files.push(RecipientsFile {
                scope,
                name,
                path,
                text,
            });
        }
        Ok(())
    }

    /// The recipients file of `scope`, when it has one.
    #[must_use]
    pub fn recipients_file(&self, scope: &RecipientScope) -> Option<&RecipientsFile> {
        self.recipients_files.iter().find(|f| &f.scope == scope)
    }

    /// The recipients of `scope` with the comment saying who each is, in order: from its
    /// recipients file (the comment lines above a key) or from promvault.yml (the `# comment`
    /// after a key).
    ///
    /// # Errors
    /// The project file does not parse.
    pub fn recipients_with_comments(
        &self,
        scope: &RecipientScope,
    ) -> Result<Vec<(String, Option<String>)>, ProjectError> {
        match self.recipients_file(scope) {
            Some(file) => Ok(recipients_file_entries(&file.text)
                .into_iter()
                .map(|e| (e.key, e.comment))
                .collect()),
            None => recipients_with_comments(&self.text, scope),
        }
    }

    fn validate_names(&self) -> Result<(), ProjectError> {
        for name in self.config.environments.keys() {
            if !is_environment_name(name) {
                return Err(ProjectError::Invalid {
                    location: self.location_of_key(name),
                    message: format!(
                        "`{name}` is not a usable environment name: use letters, digits, `_`, `-` and `.`, starting with a letter or digit"
                    ),
                });
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), ProjectError> {
        for env in self.environments() {
            if env.recipients.is_empty() {
                return Err(ProjectError::NoRecipients {
                    location: self.location_of_key(&env.name),
                    env: env.name,
                });
            }
        }
        Ok(())
    }

    /// Every path promvault.yml names (inventories, vaults, templates, role defaults, the demo
    /// identity) must stay inside the project: see [`crate::sandbox`].
    fn check_paths(&self) -> Result<(), ProjectError> {
        let mut written: Vec<(&str, String)> = Vec::new();
        for (name, env) in &self.config.environments {
            let (inventory, vault) = default_paths(name, env);
            written.push(("inventory", inventory));
            written.push(("vault", vault));
        }
        for output in &self.config.outputs {
            written.push(("template", output.template.clone()));
            written.extend(output.defaults.iter().map(|p| ("defaults", p.clone())));
        }
        written.extend(self.config.defaults.iter().map(|p| ("defaults", p.clone())));
        written.extend(
            self.config
                .demo_identity
                .iter()
                .map(|p| ("demo_identity", p.clone())),
        );
        let files = self
            .config
            .environments
            .values()
            .map(|e| &e.recipients_file);
        for name in std::iter::once(&self.config.recipients_file)
            .chain(files)
            .flatten()
        {
            written.push(("recipients_file", name.clone()));
        }
        for (key, path) in &written {
            let (key, path) = (*key, path.as_str());
            if let Err(why) = crate::sandbox::project_path(&self.root, path) {
                return Err(ProjectError::Invalid {
                    location: self.location_of_value(key, path),
                    message: format!("{key} `{path}`: {why}"),
                });
            }
        }
        Ok(())
    }

    /// The line where `key` is written with `value` (else the first line of `key:`).
    fn location_of_value(&self, key: &str, value: &str) -> Location {
        let line = self
            .text
            .lines()
            .position(|l| l.contains(key) && l.contains(value))
            .map(|i| i as u64 + 1);
        match line {
            Some(line) => Location {
                path: PROJECT_FILE.to_string(),
                line: Some(line),
                column: None,
            },
            None => self.location_of_key(key),
        }
    }

    /// The location (line) of the first line mentioning `key:` in the project file.
    fn location_of_key(&self, key: &str) -> Location {
        let needles = [
            format!("{key}:"),
            format!("\"{key}\":"),
            format!("'{key}':"),
        ];
        let line = self
            .text
            .lines()
            .position(|l| {
                needles
                    .iter()
                    .any(|n| l.trim_start().starts_with(n.as_str()))
            })
            .map(|i| i as u64 + 1);
        Location {
            path: PROJECT_FILE.to_string(),
            line,
            column: None,
        }
    }

    /// Where the output at `index` of `outputs:` is written in promvault.yml.
    #[must_use]
    pub fn output_location(&self, index: usize) -> Location {
        #[derive(Deserialize)]
        struct Layout {
            #[serde(default)]
            outputs: Vec<Spanned<serde::de::IgnoredAny>>,
        }
        let line = serde_saphyr::from_str::<Layout>(&self.text)
            .ok()
            .and_then(|l| l.outputs.get(index).map(|o| o.referenced.line()));
        Location {
            path: PROJECT_FILE.to_string(),
            line,
            column: None,
        }
    }

    /// `path` relative to the project root when it is inside it, for messages.
    #[must_use]
    pub fn display_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// The names of the outputs ([`OutputFile::name`]), in file order, each once.
    #[must_use]
    pub fn output_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for output in &self.config.outputs {
            let name = output.name();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The indexes (in `outputs:`) of the outputs called one of `names`.
    ///
    /// # Errors
    /// [`ProjectError::UnknownOutput`] for a name no output has, listing the known ones.
    pub fn outputs_named(&self, names: &[String]) -> Result<Vec<usize>, ProjectError> {
        for name in names {
            if !self.config.outputs.iter().any(|o| &o.name() == name) {
                return Err(ProjectError::UnknownOutput {
                    name: name.clone(),
                    known: self.output_names(),
                });
            }
        }
        Ok(self
            .config
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| names.contains(&o.name()))
            .map(|(i, _)| i)
            .collect())
    }

    /// The names of all environments, in file order.
    #[must_use]
    pub fn environment_names(&self) -> Vec<String> {
        self.config.environments.keys().cloned().collect()
    }

    /// All environments, in file order.
    #[must_use]
    pub fn environments(&self) -> Vec<Environment> {
        self.config
            .environments
            .iter()
            .map(|(name, env)| self.resolve(name, env))
            .collect()
    }

    /// The environment called `name`.
    ///
    /// # Errors
    /// [`ProjectError::UnknownEnvironment`] listing the known ones.
    pub fn environment(&self, name: &str) -> Result<Environment, ProjectError> {
        self.config
            .environments
            .get(name)
            .map(|env| self.resolve(name, env))
            .ok_or_else(|| ProjectError::UnknownEnvironment {
                name: name.to_string(),
                known: self.environment_names(),
            })
    }

    fn resolve(&self, name: &str, env: &EnvironmentFile) -> Environment {
        let (inventory, vault) = default_paths(name, env);
        Environment {
            name: name.to_string(),
            inventory: self.root.join(inventory),
            vault: self.root.join(vault),
            recipients: env
                .recipients
                .clone()
                .unwrap_or_else(|| self.config.recipients.clone()),
            own_recipients: env.recipients.is_some(),
        }
    }

    /// The Prometheus version the outputs are for (`prometheus_version`; default: the newest
    /// the validator knows).
    ///
    /// # Errors
    /// A version the validator does not know.
    pub fn prometheus_version(&self) -> Result<crate::prometheus::Version, ProjectError> {
        match &self.config.prometheus_version {
            None => Ok(crate::prometheus::Version::V3),
            Some(v) => crate::prometheus::Version::parse(v).ok_or_else(|| ProjectError::Invalid {
                location: self.location_of_key("prometheus_version"),
                message: format!(
                    "prometheus_version `{v}` is not one promvault knows (2.x or 3.x)"
                ),
            }),
        }
    }

    /// The committed demo identity named by the project, after checking its first line.
    ///
    /// # Errors
    /// The file is unreadable or not marked as a demo identity.
    pub fn demo_identity(&self) -> Result<Option<PathBuf>, ProjectError> {
        let Some(rel) = &self.config.demo_identity else {
            return Ok(None);
        };
        let path = self.root.join(rel);
        let text = crate::sandbox::read_to_string(&self.root, &path).map_err(|source| {
            ProjectError::Read {
                path: path.clone(),
                source,
            }
        })?;
        if !is_demo_identity(&text) {
            return Err(ProjectError::NotADemoIdentity { path: rel.clone() });
        }
        Ok(Some(path))
    }
}

/// An environment's inventory and vault paths as written, or their defaults.
fn default_paths(name: &str, env: &EnvironmentFile) -> (String, String) {
    let inventory = env
        .inventory
        .clone()
        .unwrap_or_else(|| format!("inventories/{name}"));
    let vault = env
        .vault
        .clone()
        .unwrap_or_else(|| format!("vault/{name}.yml.age"));
    (inventory, vault)
}

/// Whether `name` can name an environment (it becomes part of file names and paths).
#[must_use]
pub fn is_environment_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether an identity file's first line marks it as a demo identity.
#[must_use]
pub fn is_demo_identity(text: &str) -> bool {
    text.lines().next().is_some_and(|first| {
        first.starts_with('#') && first.to_ascii_lowercase().contains(DEMO_MARKER)
    })
}

/// Parses the project file text.
///
/// # Errors
/// [`ProjectError::Parse`] with line and column.
pub fn parse_project_file(text: &str) -> Result<ProjectFile, ProjectError> {
    yaml::from_str(text).map_err(|e| parse_error(&e))
}

/// A YAML error in the project file, with its position.
fn parse_error(e: &serde_saphyr::Error) -> ProjectError {
    let (line, column) = yaml::error_position(e);
    ProjectError::Parse {
        location: Location {
            path: PROJECT_FILE.to_string(),
            line,
            column,
        },
        message: yaml::error_message(e),
    }
}

/// Which recipient list an edit applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientScope {
    /// The top-level `recipients:` list.
    Project,
    /// An environment's own `recipients:` list.
    Environment(String),
}

/// Two recipient strings name the same key (SSH keys compare without their comment).
#[must_use]
pub fn same_recipient(a: &str, b: &str) -> bool {
    let key = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    key(a) == key(b)
}

/// The most a recipients file may hold (a team's keys are a few KiB).
const MAX_RECIPIENTS_FILE: u64 = 1 << 20;

/// Reads a recipients file of the project: a regular file (never a pipe or a device) inside
/// it, of at most [`MAX_RECIPIENTS_FILE`] bytes.
fn read_recipients_file(root: &Path, path: &Path) -> std::io::Result<String> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    if meta.len() > MAX_RECIPIENTS_FILE {
        return Err(std::io::Error::other(format!(
            "it is larger than {} KiB; a recipients file lists public keys",
            MAX_RECIPIENTS_FILE / 1024
        )));
    }
    crate::sandbox::read_to_string(root, path)
}

/// One key of a recipients file, with the comment lines directly above it (when it is the
/// first key after them: `# ops` above two keys names the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientsFileEntry {
    /// 0-based line.
    pub line: usize,
    pub key: String,
    pub comment: Option<String>,
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// The keys of a recipients file in age's `-R` format: one a line; lines starting with `#`
/// and blank lines are not keys.
#[must_use]
pub fn recipients_file_entries(text: &str) -> Vec<RecipientsFileEntry> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let key = line.trim();
        if key.is_empty() || is_comment(key) {
            continue;
        }
        let first = (0..i).rev().take_while(|&j| is_comment(lines[j])).last();
        let comment = first.map(|first| {
            lines[first..i]
                .iter()
                .map(|l| l.trim_start().trim_start_matches('#').trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
        out.push(RecipientsFileEntry {
            line: i,
            key: key.to_string(),
            comment: comment.filter(|c| !c.is_empty()),
        });
    }
    out
}

/// A recipients file's text with `key` added at the end, after a `# comment` line when one is
/// given. Every other line is kept.
#[must_use]
pub fn add_to_recipients_file(text: &str, key: &str, comment: Option<&str>) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if let Some(c) = comment {
        out.push_str(&format!("# {}\n", c.replace(['\n', '\r'], " ").trim()));
    }
    out.push_str(key.trim());
    out.push('\n');
    out
}

/// A recipients file's text without `key`'s line, and without the comment lines directly
/// above it when they are its own (no key follows it directly: `# bob` above bob's key goes
/// with it, `# ops` above two keys stays). Every other line is kept.
#[must_use]
pub fn remove_from_recipients_file(text: &str, key: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut drop = vec![false; lines.len()];
    let is_key = |l: &str| !l.trim().is_empty() && !is_comment(l);
    for (i, line) in lines.iter().enumerate() {
        if !is_key(line) || !same_recipient(line.trim(), key) {
            continue;
        }
        drop[i] = true;
        let next_is_key = lines.get(i + 1).is_some_and(|l| is_key(l));
        if !next_is_key {
            let mut j = i;
            while j > 0 && is_comment(lines[j - 1]) {
                j -= 1;
                drop[j] = true;
            }
        }
    }
    lines
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(l, _)| *l)
        .collect()
}

#[derive(Deserialize)]
struct RecipientsLayout {
    #[serde(default)]
    recipients: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    environments: IndexMap<Spanned<String>, EnvLayout>,
}

#[derive(Deserialize)]
struct EnvLayout {
    #[serde(default)]
    recipients: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Returns the project file text with `key` added to the list of `scope`, with an
/// optional `# comment`. Every other line is kept as it was.
///
/// # Errors
/// The list is missing for an environment scope, or written in a form that cannot be edited
/// line-wise (a flow list spread over several lines).
pub fn add_recipient(
    text: &str,
    scope: &RecipientScope,
    key: &str,
    comment: Option<&str>,
) -> Result<String, ProjectError> {
    let (list, lines) = locate_list(text, scope)?;
    let comment = comment
        .map(|c| format!("  # {}", c.replace(['\n', '\r'], " ").trim()))
        .unwrap_or_default();
    let item = quote_recipient(key);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    match list {
        None => {
            // No top-level list yet: add one at the top of the file.
            out.insert(0, format!("recipients:\n  - {item}{comment}\n"));
        }
        Some(list) if list.items.is_empty() => {
            let line = &mut out[list.key_line];
            let head = line.split(':').next().unwrap_or("recipients").to_string();
            let indent = head.len() - head.trim_start().len();
            *line = format!("{head}:\n{}  - {item}{comment}\n", " ".repeat(indent));
        }
        Some(list) if list.flow => {
            // `recipients: [a, b]` becomes one `- key` per line, so the new key (and its
            // comment) has a line of its own.
            let line = out[list.key_line].clone();
            let open = line.find('[').ok_or_else(|| flow_error(&list))?;
            let close = line.rfind(']').ok_or_else(|| flow_error(&list))?;
            let indent = line.len() - line.trim_start().len();
            let trailing = line[close + 1..].trim();
            let mut block = line[..open].trim_end().to_string();
            if !trailing.is_empty() {
                block.push_str(&format!("  {trailing}"));
            }
            block.push('\n');
            for (_, item) in &list.items {
                block.push_str(&format!(
                    "{}  - {}\n",
                    " ".repeat(indent),
                    quote_recipient(item)
                ));
            }
            block.push_str(&format!("{}  - {item}{comment}\n", " ".repeat(indent)));
            out[list.key_line] = block;
        }
        Some(list) => {
            let (last, _) = *list.items.last().ok_or_else(|| flow_error(&list))?;
            let dash = out[last].find('-').unwrap_or(0);
            out.insert(last + 1, format!("{}- {item}{comment}\n", " ".repeat(dash)));
        }
    }
    Ok(ensure_newline_join(&out))
}

/// The recipients of `scope` with the `# comment` written after each (who it is), in order.
///
/// # Errors
/// The project file does not parse.
pub fn recipients_with_comments(
    text: &str,
    scope: &RecipientScope,
) -> Result<Vec<(String, Option<String>)>, ProjectError> {
    let (list, lines) = locate_list(text, scope)?;
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    Ok(list
        .items
        .iter()
        .map(|(line, value)| {
            let comment = lines
                .get(*line)
                .and_then(|l| l.split_once(value.as_str()).map(|(_, rest)| rest))
                .and_then(|rest| rest.split_once('#'))
                .map(|(_, c)| c.trim().to_string())
                .filter(|c| !c.is_empty() && !list.flow);
            (value.clone(), comment)
        })
        .collect())
}

/// Returns the project file text with `key` removed from the list of `scope`.
///
/// # Errors
/// The key is not in the list, or the list cannot be edited line-wise.
pub fn remove_recipient(
    text: &str,
    scope: &RecipientScope,
    key: &str,
) -> Result<String, ProjectError> {
    let (list, lines) = locate_list(text, scope)?;
    let list = list.ok_or_else(|| ProjectError::Edit {
        location: Location {
            path: PROJECT_FILE.to_string(),
            line: None,
            column: None,
        },
        message: "there is no recipients list to remove from".to_string(),
    })?;
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    let matching: Vec<usize> = list
        .items
        .iter()
        .filter(|(_, v)| same_recipient(v, key))
        .map(|(line, _)| *line)
        .collect();
    if list.flow {
        let line = &mut out[list.key_line];
        let open = line.find('[').ok_or_else(|| flow_error(&list))?;
        let close = line.rfind(']').ok_or_else(|| flow_error(&list))?;
        let kept: Vec<String> = list
            .items
            .iter()
            .filter(|(_, v)| !same_recipient(v, key))
            .map(|(_, v)| quote_recipient(v))
            .collect();
        line.replace_range(open..=close, &format!("[{}]", kept.join(", ")));
    } else {
        for line in matching.iter().rev() {
            out.remove(*line);
        }
    }
    Ok(ensure_newline_join(&out))
}

fn ensure_newline_join(lines: &[String]) -> String {
    lines.concat()
}

fn quote_recipient(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=-_@.".contains(c))
    {
        key.to_string()
    } else {
        yaml::double_quoted(key)
    }
}

struct ListLayout {
    /// 0-based line of the `recipients:` key.
    key_line: usize,
    /// 0-based line and value of each item.
    items: Vec<(usize, String)>,
    /// Written as `[a, b]` on the key's line.
    flow: bool,
}

fn flow_error(list: &ListLayout) -> ProjectError {
    ProjectError::Edit {
        location: Location {
            path: PROJECT_FILE.to_string(),
            line: Some(list.key_line as u64 + 1),
            column: None,
        },
        message:
            "this recipients list cannot be edited automatically; write it as one `- key` per line"
                .to_string(),
    }
}

fn locate_list<'t>(
    text: &'t str,
    scope: &RecipientScope,
) -> Result<(Option<ListLayout>, Vec<&'t str>), ProjectError> {
    let layout: RecipientsLayout = yaml::from_str(text).map_err(|e| parse_error(&e))?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let list = match scope {
        RecipientScope::Project => layout.recipients,
        RecipientScope::Environment(name) => {
            let env = layout
                .environments
                .into_iter()
                .find(|(k, _)| &k.value == name)
                .ok_or_else(|| ProjectError::UnknownEnvironment {
                    name: name.clone(),
                    known: vec![],
                })?;
            Some(env.1.recipients.ok_or_else(|| ProjectError::Edit {
                location: Location {
                    path: PROJECT_FILE.to_string(),
                    line: Some(env.0.referenced.line()),
                    column: None,
                },
                message: format!(
                    "environment `{name}` has no recipients list of its own; it uses the top-level one"
                ),
            })?)
        }
    };
    let Some(list) = list else {
        return Ok((None, lines));
    };
    let to_index = |line: u64| usize::try_from(line.saturating_sub(1)).unwrap_or(0);
    // The key's line: the sequence's own position is where its first token is.
    let seq_line = to_index(list.referenced.line());
    let items: Vec<(usize, String)> = list
        .value
        .iter()
        .map(|s| (to_index(s.referenced.line()), s.value.clone()))
        .collect();
    let flow = lines
        .get(seq_line)
        .is_some_and(|l| l.contains('[') && !l.trim_start().starts_with('-'));
    let key_line = if flow {
        seq_line
    } else {
        // Walk up from the first item (or the sequence position) to the `recipients:` line.
        let mut i = items.first().map_or(seq_line, |(l, _)| *l);
        while i > 0 && !lines[i].trim_start().starts_with("recipients:") {
            i -= 1;
        }
        i
    };
    if flow && items.iter().any(|(l, _)| *l != seq_line) {
        let layout = ListLayout {
            key_line,
            items,
            flow,
        };
        return Err(flow_error(&layout));
    }
    let empty_flow = lines
        .get(key_line)
        .is_some_and(|l| l.trim_end().ends_with("[]"));
    Ok((
        Some(ListLayout {
            key_line,
            items,
            flow: flow && !empty_flow,
        }),
        lines,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# team keys\nrecipients:\n  - age1alice  # alice\n  - age1bob # bob\nenvironments:\n  prod:\n    recipients: [age1ops, age1alice]\n  staging: {}\n";

    fn list(text: &str, scope: &RecipientScope) -> Vec<String> {
        let f = parse_project_file(text).unwrap();
        match scope {
            RecipientScope::Project => f.recipients,
            RecipientScope::Environment(e) => f.environments[e].recipients.clone().unwrap(),
        }
    }

    #[test]
    fn adding_keeps_comments_and_order() {
        let out =
            add_recipient(TEXT, &RecipientScope::Project, "age1carol", Some("carol")).unwrap();
        assert!(out.contains("  - age1bob # bob\n  - age1carol  # carol\n"));
        assert!(out.starts_with("# team keys\n"));
        assert_eq!(
            list(&out, &RecipientScope::Project),
            ["age1alice", "age1bob", "age1carol"]
        );
        let prod = RecipientScope::Environment("prod".into());
        let out = add_recipient(TEXT, &prod, "age1dave", Some("dave")).unwrap();
        assert!(
            out.contains(
                "    recipients:\n      - age1ops\n      - age1alice\n      - age1dave  # dave\n"
            ),
            "{out}"
        );
        let out = add_recipient(TEXT, &prod, "ssh-ed25519 AAAAC3 carol@laptop", None).unwrap();
        assert_eq!(
            list(&out, &prod),
            ["age1ops", "age1alice", "ssh-ed25519 AAAAC3 carol@laptop"]
        );
    }

    #[test]
    fn removing_drops_only_that_key() {
        let out = remove_recipient(TEXT, &RecipientScope::Project, "age1alice").unwrap();
        assert_eq!(list(&out, &RecipientScope::Project), ["age1bob"]);
        assert!(out.contains("  - age1bob # bob\n"));
        let prod = RecipientScope::Environment("prod".into());
        let out = remove_recipient(TEXT, &prod, "age1alice").unwrap();
        assert_eq!(list(&out, &prod), ["age1ops"]);
        assert_eq!(
            list(&out, &RecipientScope::Project),
            ["age1alice", "age1bob"]
        );
    }

    #[test]
    fn adds_a_list_where_there_is_none() {
        let text = "environments:\n  default: {}\n";
        let out = add_recipient(text, &RecipientScope::Project, "age1x", None).unwrap();
        assert_eq!(list(&out, &RecipientScope::Project), ["age1x"]);
        let text = "recipients: []\nenvironments:\n  default: {}\n";
        let out = add_recipient(text, &RecipientScope::Project, "age1x", Some("me")).unwrap();
        assert_eq!(list(&out, &RecipientScope::Project), ["age1x"]);
    }

    #[test]
    fn recipients_files_keep_their_comments() {
        let text = "# the team\n\n# ops\nage1a\nage1b\n\n# carol (SRE)\nssh-ed25519 AAAA carol@x\n";
        let entries = recipients_file_entries(text);
        let listed: Vec<(&str, Option<&str>)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.comment.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ("age1a", Some("ops")),
                ("age1b", None),
                ("ssh-ed25519 AAAA carol@x", Some("carol (SRE)"))
            ]
        );
        let added = add_to_recipients_file(text, "age1dave", Some("dave"));
        assert_eq!(added, format!("{text}# dave\nage1dave\n"));
        assert_eq!(
            add_to_recipients_file("age1a", "age1b", None),
            "age1a\nage1b\n"
        );
        // a key's own comment goes with it; a comment over several keys stays
        assert_eq!(
            remove_from_recipients_file(text, "ssh-ed25519 AAAA other-comment"),
            "# the team\n\n# ops\nage1a\nage1b\n\n"
        );
        assert_eq!(
            remove_from_recipients_file(text, "age1a"),
            "# the team\n\n# ops\nage1b\n\n# carol (SRE)\nssh-ed25519 AAAA carol@x\n"
        );
        assert_eq!(remove_from_recipients_file(&added, "age1dave"), text);
    }

    #[test]
    fn environment_names_cannot_be_paths() {
        for good in ["prod", "eu-west.1", "stage_2"] {
            assert!(is_environment_name(good), "{good}");
        }
        for bad in ["", "..", "../leak", "/abs", "eu/prod", ".hidden", "a b"] {
            assert!(!is_environment_name(bad), "{bad}");
        }
    }

    #[test]
    fn ssh_keys_match_without_their_comment() {
        assert!(same_recipient(
            "ssh-ed25519 AAAA alice@a",
            "ssh-ed25519 AAAA bob@b"
        ));
        assert!(!same_recipient("age1a", "age1b"));
    }

    #[test]
    fn demo_identities_are_marked_on_the_first_line() {
        assert!(is_demo_identity(
            "# DEMO IDENTITY: public, never use\nAGE-SECRET-KEY-1X\n"
        ));
        assert!(!is_demo_identity(
            "# created: 2020\n# demo identity\nAGE-SECRET-KEY-1X\n"
        ));
        assert!(!is_demo_identity("AGE-SECRET-KEY-1X # demo identity\n"));
    }

    #[test]
    fn unknown_fields_are_reported_with_their_line() {
        let err = parse_project_file("recipients: []\nenviroments: {}\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("promvault.yml:2"), "{msg}");
        assert!(msg.contains("enviroments"), "{msg}");
    }
}
