//! The command line: clap types, and one function per command that turns arguments into
//! calls of the library. Errors are printed here, once, as `error: ...` plus a hint.
//!
//! Exit codes follow diff(1): 0 success, 1 a finding, 2 trouble.

use std::{
    fs,
    io::{self, IsTerminal, Read, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use age::secrecy::{ExposeSecret, SecretString};
use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::engine::ArgValueCandidates;
use zeroize::Zeroizing;

use crate::{
    ansible_vault, check,
    diagnostics::Error,
    edit::{self, EditOutcome},
    git, git_integration,
    identity::{self, Identities, IdentityError, Lookup},
    output, pipeline, probe,
    project::{self, Environment, Project},
    publish, recipients, scaffold, vault, yaml,
};

/// Writes a line to stderr; a closed stderr is ignored (never a panic).
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Writes to stdout; a closed stdout becomes an I/O error that ends the run quietly.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout(), $($t)*).map_err(|e| Error::io("stdout", e))
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($t)*).map_err(|e| Error::io("stdout", e))
    }};
}

mod completion;
mod man;

#[derive(Debug, Parser)]
#[command(
    name = "promvault",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PROMVAULT_COMMIT"), ")"),
    about = "Prometheus configuration from Jinja templates and Ansible-style inventories, with secrets in age-encrypted vaults",
    max_term_width = 100
)]
pub struct Cli {
    /// The project folder (default: the nearest folder holding promvault.yml).
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// An identity file to open vaults with (repeatable; also PROMVAULT_IDENTITY, or
    /// PROMVAULT_IDENTITY_CMD: a command printing an identity, or PROMVAULT_AGE_KEY: the key).
    #[arg(long, short = 'i', global = true, value_name = "FILE")]
    pub identity: Vec<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Say more about what is done.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project: promvault.yml, templates/, inventories/default/ and an empty vault.
    Init {
        /// Where to create it (default: the current folder).
        dir: Option<PathBuf>,
        /// Encrypt to this recipient (default: the one of the identity you have, or a new one).
        #[arg(long, value_name = "KEY")]
        recipient: Option<String>,
    },
    /// Create a new age X25519 identity, in the format age-keygen writes.
    Keygen {
        /// Where to write it (default: ~/.config/promvault/identity.txt; `-` for stdout).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Render every output of the environments (default: all) and write them atomically.
    Render {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        envs: Vec<String>,
        /// Write under DIR instead of the destinations' `out/` folder.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Print the outputs instead of writing them.
        #[arg(long, conflicts_with_all = ["check", "out_dir"])]
        stdout: bool,
        /// Write nothing; exit 1 when an output would change.
        #[arg(long)]
        check: bool,
        /// Show what changes as a unified diff, every secret masked.
        #[arg(long)]
        diff: bool,
        /// Remove the files an earlier render wrote for these environments that no output
        /// writes any more (a host, environment or template gone); listed first. Only with a
        /// full render: refused with --output or --host.
        #[arg(long, conflicts_with_all = ["stdout", "outputs", "hosts"])]
        prune: bool,
        /// Render only this output (repeatable): its `name` in promvault.yml, else its
        /// template's file name without `.j2` (`prometheus.yml`). Other outputs are untouched.
        #[arg(long = "output", value_name = "NAME", add = ArgValueCandidates::new(completion::outputs))]
        outputs: Vec<String>,
        /// Render only for this host (repeatable); `localhost` selects the outputs without
        /// `hosts:`. Other files are untouched.
        #[arg(long = "host", value_name = "NAME", add = ArgValueCandidates::new(completion::hosts))]
        hosts: Vec<String>,
        /// `json`: one object on stdout with the findings and each file's status (and diff).
        #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "stdout")]
        format: Format,
        /// Extra variables, highest precedence: KEY=VALUE, @FILE.yml, or a YAML mapping.
        #[arg(short = 'e', long = "extra-vars", value_name = "VARS")]
        extra_vars: Vec<String>,
        /// Skip validation and lints (for emergencies: the outputs are written unchecked).
        #[arg(long)]
        no_validate: bool,
    },
    /// The variables a host sees, merged with Ansible's precedence, each with the file, line
    /// and layer its value comes from and what it overrides; vault values masked.
    Vars {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        env: String,
        /// The host (default: `localhost`, as outputs without `hosts:` render: the `all`
        /// group's variables).
        #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completion::hosts))]
        host: Option<String>,
        /// Include this output's own role defaults (default: only the top-level `defaults`).
        #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completion::outputs))]
        output: Option<String>,
        /// `json`: {env, host, output, groups, variables: [{name, value | masked, file, line,
        /// layer, group, overridden}]}.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Extra variables, highest precedence: KEY=VALUE, @FILE.yml, or a YAML mapping.
        #[arg(short = 'e', long = "extra-vars", value_name = "VARS")]
        extra_vars: Vec<String>,
    },
    /// The pre-commit checks: vaults encrypted and rekeyed, templates render, outputs valid,
    /// no private key or vault secret in any file. Exit 1 on a finding.
    Check {
        /// Check what is staged in git (the index), not the work tree.
        #[arg(long)]
        staged: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Fail on warnings too (findings that only a hostile value would trigger).
        #[arg(long)]
        strict: bool,
        /// Scan only these files for private keys and leaks (default: every project file).
        paths: Vec<PathBuf>,
    },
    /// Send one scrape request to each static target, as Prometheus would, and diagnose.
    Probe {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        env: String,
        /// Only this job.
        #[arg(long)]
        job: Option<String>,
        /// `json`: one object per target (job, target, status, time_ms, ok, result).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Git hooks.
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// Write .gitattributes and the repository's git config so that `git diff` shows vaults
    /// decrypted (to those who hold a key) and `git merge` merges them key by key.
    GitSetup,
    /// Print a vault's plaintext for `git diff` (git's textconv driver); one stable line
    /// instead when it cannot be opened here. Writes nothing.
    Textconv { file: PathBuf },
    /// git's merge driver for vaults (`git-setup` installs it): %O %A %B %P.
    #[command(hide = true)]
    MergeDriver {
        base: PathBuf,
        ours: PathBuf,
        theirs: PathBuf,
        path: String,
    },
    /// Print an environment's decrypted vault, or one value of it.
    View {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        env: String,
        /// Print only this variable's value, exactly (no added newline when piped).
        key: Option<String>,
    },
    /// Edit an environment's vault in $VISUAL / $EDITOR; re-encrypt only if it changed.
    Edit {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        env: String,
    },
    /// Set one secret; the value is read from stdin or a no-echo prompt, never from argv.
    Set {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        env: String,
        key: String,
        /// Keep a trailing newline read from stdin (by default one is dropped).
        #[arg(long)]
        keep_newline: bool,
        /// Accept an empty (or white-space only) value.
        #[arg(long)]
        allow_empty: bool,
    },
    /// Move ansible-vault files (1.1/1.2) and inline `!vault` values of vars files into an
    /// environment's vault. Only names are printed.
    ImportAnsibleVault {
        /// ansible-vault files, or vars files with `!vault` values.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The environment whose vault receives the variables.
        #[arg(long, add = ArgValueCandidates::new(completion::environments))]
        env: String,
        /// The vault password: a file (its trailing white space dropped), or an executable that
        /// prints it, as Ansible takes it. Default: $ANSIBLE_VAULT_PASSWORD_FILE, else a prompt.
        #[arg(long, value_name = "FILE")]
        vault_password_file: Option<PathBuf>,
        /// Replace variables the vault already has.
        #[arg(long)]
        overwrite: bool,
    },
    /// Encrypt any file to the project's recipients (FILE.age; in place if FILE ends in .age).
    Encrypt {
        file: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Use this environment's recipients instead of the top-level list.
        #[arg(long, add = ArgValueCandidates::new(completion::environments))]
        env: Option<String>,
        /// Overwrite OUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Decrypt an age file (FILE.age to FILE; `-o -` for stdout).
    Decrypt {
        file: PathBuf,
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Overwrite OUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Re-encrypt vaults to the recipients listed in promvault.yml (default: all).
    Rekey {
        #[arg(add = ArgValueCandidates::new(completion::environments))]
        envs: Vec<String>,
        /// Re-encrypt even a vault already encrypted to exactly its recipients (a new file
        /// key: after a key may have leaked).
        #[arg(long)]
        force: bool,
    },
    /// List, add or remove who can open the vaults; adding or removing rekeys them.
    Recipients {
        #[command(subcommand)]
        action: Option<RecipientsAction>,
    },
    /// bcrypt a password read from stdin or a no-echo prompt (for web configs).
    Hash {
        /// bcrypt cost (4-16).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(4..=31))]
        cost: u32,
        /// Accept an empty (or white-space only) password.
        #[arg(long)]
        allow_empty: bool,
    },
    /// Print the shell completion script: `source <(promvault completions bash)`. It
    /// completes commands, options and the project's environment names.
    Completions { shell: clap_complete::Shell },
    /// Print promvault's man page (roff): `promvault man > ~/.local/share/man/man1/promvault.1`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install `promvault check --staged` as the repository's pre-commit hook.
    Install {
        /// Replace an existing hook that promvault did not write.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecipientsAction {
    /// Add a recipient (age1... or an SSH public key) and rekey the vaults it applies to.
    Add {
        key: String,
        /// A comment kept beside the key in promvault.yml (e.g. the person's name).
        #[arg(long)]
        comment: Option<String>,
        /// Add to this environment's own list instead of the top-level one.
        #[arg(long, add = ArgValueCandidates::new(completion::environments))]
        env: Option<String>,
    },
    /// Remove a recipient and rekey the vaults it applied to.
    Remove {
        key: String,
        /// Remove from this environment's own list instead of the top-level one.
        #[arg(long, add = ArgValueCandidates::new(completion::environments))]
        env: Option<String>,
    },
}

/// Parses the process arguments, runs the command and returns its exit code.
#[must_use]
pub fn run() -> ExitCode {
    crate::hardening::no_core_dumps();
    crate::parallel::share_one_malloc_arena();
    completion::answer_if_asked();
    let cli = Cli::parse();
    // a big stack: deep (but bounded) YAML, variables and templates never overflow it
    let outcome = std::thread::Builder::new()
        .name("promvault".to_string())
        .stack_size(crate::hardening::STACK_BYTES)
        .spawn(move || run_parsed(&cli))
        .map(|handle| handle.join());
    match outcome {
        Ok(Ok(code)) => code,
        // a panic was already printed by the panic hook (which never prints a secret)
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            errln!("error: cannot start: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_parsed(cli: &Cli) -> ExitCode {
    match execute(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            errln!("{}", err.report());
            ExitCode::from(err.exit_code())
        }
    }
}

fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
}

/// Runs one parsed command line.
///
/// # Errors
/// Whatever stopped the command.
pub fn execute(cli: &Cli) -> Result<u8, Error> {
    let ctx = Context { cli };
    match &cli.command {
        Command::Init { dir, recipient } => ctx.init(dir.as_deref(), recipient.as_deref()),
        Command::Keygen { output } => ctx.keygen(output.as_deref()),
        Command::Render {
            envs,
            out_dir,
            stdout,
            check,
            diff,
            prune,
            outputs,
            hosts,
            format,
            extra_vars,
            no_validate,
        } => ctx.render(&RenderArgs {
            envs,
            out_dir: out_dir.as_deref(),
            stdout: *stdout,
            check: *check,
            diff: *diff,
            prune: *prune,
            outputs,
            hosts,
            format: *format,
            extra_vars,
            validate: !*no_validate,
        }),
        Command::Vars {
            env,
            host,
            output,
            format,
            extra_vars,
        } => ctx.vars(env, host.as_deref(), output.as_deref(), *format, extra_vars),
        Command::Check {
            staged,
            format,
            strict,
            paths,
        } => ctx.check(*staged, *format, *strict, paths),
        Command::Hook {
            action: HookAction::Install { force },
        } => ctx.hook_install(*force),
        Command::Probe { env, job, format } => ctx.probe(env, job.as_deref(), *format),
        Command::GitSetup => ctx.git_setup(),
        Command::Textconv { file } => ctx.textconv(file),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            path,
        } => ctx.merge_driver(git_integration::MergeFiles {
            base,
            ours,
            theirs,
            path,
        }),
        Command::View { env, key } => ctx.view(env, key.as_deref()),
        Command::Edit { env } => ctx.edit(env),
        Command::ImportAnsibleVault {
            files,
            env,
            vault_password_file,
            overwrite,
        } => ctx.import_ansible_vault(files, env, vault_password_file.as_deref(), *overwrite),
        Command::Set {
            env,
            key,
            keep_newline,
            allow_empty,
        } => ctx.set(env, key, *keep_newline, *allow_empty),
        Command::Encrypt {
            file,
            output,
            env,
            force,
        } => ctx.encrypt(file, output.as_deref(), env.as_deref(), *force),
        Command::Decrypt {
            file,
            output,
            force,
        } => ctx.decrypt(file, output.as_deref(), *force),
        Command::Rekey { envs, force } => ctx.rekey(envs, *force),
        Command::Recipients { action } => match action {
            None => ctx.list_recipients(),
            Some(RecipientsAction::Add { key, comment, env }) => ctx.change_recipients(
                env.as_deref(),
                key,
                recipients::Change::Add(comment.as_deref()),
            ),
            Some(RecipientsAction::Remove { key, env }) => {
                ctx.change_recipients(env.as_deref(), key, recipients::Change::Remove)
            }
        },
        Command::Hash { cost, allow_empty } => ctx.hash(*cost, *allow_empty),
        Command::Completions { shell } => {
            completion::write_registration(*shell, &mut io::stdout())
                .map_err(|e| Error::io("stdout", e))?;
            Ok(0)
        }
        Command::Man => {
            man::write(Cli::command(), &mut io::stdout()).map_err(|e| Error::io("stdout", e))?;
            Ok(0)
        }
    }
}

/// `render`'s flags.
struct RenderArgs<'a> {
    envs: &'a [String],
    out_dir: Option<&'a Path>,
    stdout: bool,
    check: bool,
    diff: bool,
    prune: bool,
    outputs: &'a [String],
    hosts: &'a [String],
    format: Format,
    extra_vars: &'a [String],
    validate: bool,
}

struct Context<'a> {
    cli: &'a Cli,
}

impl Context<'_> {
    fn say(&self, message: &str) {
        if !self.cli.quiet {
            errln!("{message}");
        }
    }

    fn project(&self) -> Result<Project, Error> {
        Ok(Project::discover(self.cli.project.as_deref())?)
    }

    fn identities(&self, project: Option<&Project>) -> Result<Identities, Error> {
        let demo = match project {
            Some(p) => p.demo_identity()?,
            None => None,
        };
        let ids = Lookup::from_environment(self.cli.identity.clone(), demo).load()?;
        if !self.cli.quiet {
            for warning in &ids.warnings {
                errln!("warning: {warning}");
            }
        }
        if self.cli.verbose {
            errln!("identities: {}", ids.sources.join(", "));
            for skipped in &ids.skipped {
                errln!("skipped: {skipped}");
            }
        }
        Ok(ids)
    }

    fn require_vault(
        &self,
        project: &Project,
        env: &Environment,
        ids: &Identities,
    ) -> Result<vault::Opened, Error> {
        Ok(vault::open_existing(
            env,
            &project.display_path(&env.vault),
            ids,
        )?)
    }

    /// The vault's plaintext for a change (a new vault's starting text when there is none yet).
    fn vault_for_change(
        &self,
        project: &Project,
        env: &Environment,
    ) -> Result<vault::Opened, Error> {
        if env.vault.exists() {
            let ids = self.identities(Some(project))?;
            self.require_vault(project, env, &ids)
        } else {
            Ok(vault::Opened {
                text: Zeroizing::new(scaffold::new_vault_text(&env.name)),
                raw: Vec::new(),
            })
        }
    }

    fn init(&self, dir: Option<&Path>, recipient: Option<&str>) -> Result<u8, Error> {
        let root = match dir {
            Some(d) => d.to_path_buf(),
            None => std::env::current_dir().map_err(|e| Error::io(".", e))?,
        };
        scaffold::refuse_existing(&root)?;
        let recipient = match recipient.map(str::trim) {
            Some(given) => {
                identity::parse_recipients(&[given.to_string()])?;
                given.to_string()
            }
            None => self.recipient_of_your_identity()?,
        };
        if let Some(layout) = scaffold::ansible_layout(&root) {
            scaffold::adopt(&root, &recipient, &layout)?;
            let mut text = format!(
                "adopted the Ansible repository in {}: promvault.yml names {} environment(s) and {} output(s)",
                root.display(),
                layout.environments.len(),
                layout.outputs.len()
            );
            for (env, inventory) in &layout.environments {
                text.push_str(&format!(
                    "\n  environment `{env}`: inventory {inventory}, new vault vault/{env}.yml.age"
                ));
            }
            for (template, dest, _) in &layout.outputs {
                text.push_str(&format!("\n  output: {template} -> {dest}"));
            }
            for (file, env) in &layout.ansible_vaults {
                text.push_str(&format!(
                    "\n{file} holds ansible-vault secrets: move them with `promvault import-ansible-vault {file} --env {} --vault-password-file FILE`",
                    env.as_deref().unwrap_or("ENV")
                ));
            }
            text.push_str("\nnext: review promvault.yml, then `promvault render --check --diff`");
            self.say(&text);
            outln!("{recipient}")?;
            return Ok(0);
        }
        scaffold::init(&root, &recipient)?;
        self.say(&format!(
            "created a promvault project in {}\nnext: `promvault edit default` to add secrets",
            root.display()
        ));
        outln!("{recipient}")?;
        Ok(0)
    }

    /// The recipient of the identity the user has; a new identity when there is none.
    fn recipient_of_your_identity(&self) -> Result<String, Error> {
        match Lookup::from_environment(self.cli.identity.clone(), None).load() {
            Ok(ids) => identity::first_recipient(&ids).ok_or_else(|| {
                Error::usage(
                    format!(
                        "cannot tell the public key of your identity ({})",
                        ids.sources.join(", ")
                    ),
                    Some(
                        "pass it with --recipient, or put it in a .pub file beside the identity"
                            .to_string(),
                    ),
                )
            }),
            Err(IdentityError::NoneFound { .. }) => {
                let path = identity::default_identity_path().ok_or_else(|| {
                    Error::usage("neither $XDG_CONFIG_HOME nor $HOME is set", None)
                })?;
                let recipient = identity::write_new(&path)?;
                self.say(&format!("created a new identity in {}", path.display()));
                Ok(recipient)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn keygen(&self, output: Option<&Path>) -> Result<u8, Error> {
        if output == Some(Path::new("-")) {
            let (text, recipient) = identity::generate();
            out!("{}", text.expose_secret())?;
            self.say(&format!("public key: {recipient}"));
            return Ok(0);
        }
        let path = match output {
            Some(p) => p.to_path_buf(),
            None => identity::default_identity_path().ok_or_else(|| {
                Error::usage(
                    "neither $XDG_CONFIG_HOME nor $HOME is set; pass -o FILE",
                    None,
                )
            })?,
        };
        let recipient = identity::write_new(&path)?;
        self.say(&format!(
            "wrote a new identity to {} (mode 0600)",
            path.display()
        ));
        outln!("{recipient}")?;
        Ok(0)
    }

    fn render(&self, args: &RenderArgs<'_>) -> Result<u8, Error> {
        let project = self.project()?;
        let envs = if args.envs.is_empty() {
            project.environments()
        } else {
            args.envs
                .iter()
                .map(|n| project.environment(n))
                .collect::<Result<Vec<_>, _>>()?
        };
        let extra = extra_vars(args.extra_vars)?;
        let selection = pipeline::Selection {
            outputs: (!args.outputs.is_empty())
                .then(|| project.outputs_named(args.outputs))
                .transpose()?,
            hosts: (!args.hosts.is_empty()).then(|| args.hosts.to_vec()),
        };
        let ids = self.identities(Some(&project))?;
        let version = project.prometheus_version()?;
        let options = pipeline::Options {
            extra: &extra,
            out_dir: args.out_dir,
            validate: args.validate,
            version,
            selection: &selection,
        };
        // Everything is rendered and validated first: nothing is written unless all of it
        // passes.
        let prepared = pipeline::prepare(&project, &envs, &ids, &options)?;
        pipeline::every_host_rendered(&project, &envs, &selection, &prepared.rendered)?;
        let masker = prepared.secrets.masker();
        let json = args.format == Format::Json;
        let err_colour = crate::colour::Palette::for_stream(io::stderr().is_terminal());
        let out_colour = crate::colour::Palette::for_stream(io::stdout().is_terminal());
        // what is printed: text lines as they come, or one JSON object at the end
        let mut report = publish::Report::default();
        for f in &prepared.findings {
            // a rule's message may quote a value: never a secret's
            let mut f = f.clone();
            f.message = masker.mask(&f.message);
            if json {
                report.findings.push(f);
            } else {
                errln!("{}", err_colour.finding(&f, &f.to_string()));
            }
        }
        report.allowed = prepared.allowed;
        if prepared.allowed > 0 && !json {
            errln!(
                "note: {} finding(s) allowed on purpose (check.allow in promvault.yml, or a `promvault: allow` comment in a template)",
                prepared.allowed
            );
        }
        let mut out = io::stdout().lock();
        let mut emit = |bytes: &[u8]| -> Result<(), Error> {
            out.write_all(bytes).map_err(|e| Error::io("stdout", e))
        };
        if let Err(e) = prepared.refuse_errors() {
            if json {
                emit(report.json().as_bytes())?;
            }
            return Err(e.into());
        }
        let (rendered, secrets) = (prepared.rendered, prepared.secrets);
        if args.stdout {
            let secret_files = rendered.iter().filter(|r| r.secret_file.is_some()).count();
            if secret_files > 0 && !json {
                errln!("note: {secret_files} secret file(s) not written: --stdout prints the outputs only");
            }
            emit(&publish::to_stdout(&rendered))?;
            io::stdout().flush().map_err(|e| Error::io("stdout", e))?;
            return Ok(0);
        }
        let masker = secrets.masker();
        let drift = publish::drift(&rendered);
        // what earlier renders of these environments wrote and no output writes now
        let base = args.out_dir.unwrap_or(&project.root);
        let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
        let manifest = publish::Manifest::load(base);
        // a filtered render says nothing about the files it did not render
        let stale = if selection.is_all() {
            manifest.stale(base, &names, &rendered)
        } else {
            Vec::new()
        };
        let shown = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
        let quiet = self.cli.quiet;
        let mut say = |report: &mut publish::Report,
                       status: &str,
                       file: String,
                       diff: String|
         -> Result<(), Error> {
            if json {
                report.outputs.push(publish::Status {
                    status: status.to_string(),
                    file,
                    diff: (!diff.is_empty()).then_some(diff),
                });
                return Ok(());
            }
            emit(out_colour.diff(&diff).as_bytes())?;
            if !quiet && !status.is_empty() {
                emit(format!("{status}: {file}\n").as_bytes())?;
            }
            Ok(())
        };
        for path in &stale {
            if !args.prune {
                errln!(
                    "note: {} is no longer rendered (a host, environment or template is gone); `render --prune` removes it",
                    shown(path)
                );
                continue;
            }
            let diff = if args.diff {
                let old = fs::read(path).unwrap_or_default();
                if manifest.is_secret_file(base, path) {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    output::diff::secret_file(&shown(path), &name, Some(&old), None)
                } else {
                    output::diff::unified(&masker, &shown(path), Some(&old), b"")
                }
            } else {
                String::new()
            };
            if args.check {
                say(&mut report, "would remove", shown(path), diff)?;
            } else {
                // removals are listed first: none of them is an output of this render
                fs::remove_file(path).map_err(|e| Error::io(path, e))?;
                say(&mut report, "removed", shown(path), diff)?;
            }
        }
        let outcomes = if args.check {
            None
        } else {
            Some(publish::write(&rendered).map_err(|(path, e)| Error::io(path, e))?)
        };
        for (i, d) in drift.iter().enumerate() {
            let diff = if args.diff {
                d.diff(&masker)
            } else {
                String::new()
            };
            let status = match &outcomes {
                Some(outcomes) => publish::word(outcomes[i]),
                None if d.changed() => "would change",
                None => "unchanged",
            };
            say(&mut report, status, d.rendered.display.clone(), diff)?;
        }
        if !args.check {
            let removed: Vec<PathBuf> = if args.prune {
                stale.clone()
            } else {
                Vec::new()
            };
            manifest
                .after(base, &names, &rendered, &removed)
                .save(base)
                .map_err(|e| Error::io(base.join(publish::Manifest::FILE), e))?;
        }
        let drifted =
            drift.iter().any(publish::Drift::changed) || (args.prune && !stale.is_empty());
        if json {
            report.drift = args.check.then_some(drifted);
            emit(report.json().as_bytes())?;
        }
        io::stdout().flush().map_err(|e| Error::io("stdout", e))?;
        Ok(u8::from(args.check && drifted))
    }

    fn vars(
        &self,
        env_name: &str,
        host: Option<&str>,
        output: Option<&str>,
        format: Format,
        extra_args: &[String],
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let extra = extra_vars(extra_args)?;
        let output = match output {
            Some(name) => project.outputs_named(&[name.to_string()])?.first().copied(),
            None => None,
        };
        let ids = self.identities(Some(&project))?;
        let vault = pipeline::vault_layer(&project, &env, &ids)?;
        let secrets = crate::secrets::Secrets::from_vault(&vault);
        let result = crate::explain::explain(
            &project,
            &env,
            vault,
            &extra,
            host,
            output,
            &secrets.masker(),
        );
        let (explained, warnings) = pipeline::masked(result, &secrets)?;
        if !self.cli.quiet {
            for warning in &warnings {
                errln!("{warning}");
            }
        }
        match format {
            Format::Text => out!("{}", explained.text())?,
            Format::Json => out!("{}", explained.json())?,
        }
        Ok(0)
    }

    fn check(
        &self,
        staged: bool,
        format: Format,
        strict: bool,
        paths: &[PathBuf],
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let snapshot = if staged {
            Some(git::staged_snapshot(&project.root).map_err(|e| Error::usage(e, None))?)
        } else {
            None
        };
        let (checked, scan) = match &snapshot {
            Some(snap) => {
                let at_index = Project::load(&snap.root)?;
                let scan = if paths.is_empty() {
                    snap.changed.clone()
                } else {
                    paths.to_vec()
                };
                (at_index, scan)
            }
            None => {
                let scan = if paths.is_empty() {
                    check::project_files(&project.root)
                } else {
                    paths
                        .iter()
                        .map(|p| p.strip_prefix(&project.root).unwrap_or(p).to_path_buf())
                        .collect()
                };
                (project.clone(), scan)
            }
        };
        let ids = match self.identities(Some(&project)) {
            Ok(ids) => Some(ids),
            Err(Error::Identity(e)) if matches!(*e, IdentityError::NoneFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let report = if snapshot.is_some() {
            check::run_staged(&checked, &scan, ids.as_ref())
        } else {
            check::run(&checked, &scan, ids.as_ref())
        };
        let mut out = io::stdout().lock();
        let text = match format {
            Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
            Format::Text => report.text(
                checked.environments().len(),
                strict,
                crate::colour::Palette::for_stream(io::stdout().is_terminal()),
            ),
        };
        out.write_all(text.as_bytes())
            .map_err(|e| Error::io("stdout", e))?;
        Ok(u8::from(report.fails(strict)))
    }

    fn probe(&self, env_name: &str, job: Option<&str>, format: Format) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let ids = self.identities(Some(&project))?;
        let vault = pipeline::vault_layer(&project, &env, &ids)?;
        let secrets = crate::secrets::Secrets::from_vault(&vault);
        let (rendered, _) = pipeline::masked(
            pipeline::render_environment(
                &project,
                &env,
                vault,
                &pipeline::ExtraVars::new(),
                None,
                false,
            ),
            &secrets,
        )?;
        let version = project.prometheus_version()?;
        // the secret files as this render writes them
        let pending: Vec<(&Path, &[u8])> = rendered
            .iter()
            .filter(|r| r.secret_file.is_some())
            .map(|r| (r.dest.as_path(), r.bytes.as_slice()))
            .collect();
        let mut targets = Vec::new();
        for r in rendered
            .iter()
            .filter(|r| r.validate == pipeline::Validate::Prometheus)
        {
            let text = String::from_utf8_lossy(&r.bytes);
            let (text, _) = pipeline::as_prometheus_config(r, &text);
            let base = r.dest.parent().unwrap_or(&project.root);
            targets.extend(
                probe::targets(&text, version, &project.root, base, &pending, job)
                    .map_err(|e| Error::usage(format!("{}: {e}", r.display), None))?,
            );
        }
        if targets.is_empty() {
            return Err(Error::usage(
                match job {
                    Some(j) => format!("no static target of job `{j}` in the Prometheus outputs of `{env_name}`"),
                    None => format!("no static targets in the Prometheus outputs of `{env_name}`"),
                },
                Some("probe sends requests to `static_configs` targets; outputs need `validate: prometheus` (or a prometheus*.yml dest)".to_string()),
            ));
        }
        let outcomes: Vec<probe::Outcome> = std::thread::scope(|scope| {
            let handles: Vec<_> = targets
                .iter()
                .map(|t| scope.spawn(move || probe::probe(t)))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        // an error text may quote the URL, whose params may hold a secret
        let report = match format {
            Format::Text => probe::table(&outcomes),
            Format::Json => probe::json(&outcomes),
        };
        out!("{}", secrets.masker().mask(&report))?;
        Ok(u8::from(outcomes.iter().any(|o| !o.ok)))
    }

    fn hook_install(&self, force: bool) -> Result<u8, Error> {
        let project = self.project()?;
        let hook = git::install_pre_commit_hook(&project.root, force)?;
        self.say(&format!("installed {}", hook.display()));
        Ok(0)
    }

    fn git_setup(&self) -> Result<u8, Error> {
        let project = self.project()?;
        for step in git_integration::setup(&project)? {
            self.say(&step);
        }
        Ok(0)
    }

    /// Like `view`, the one other command that prints a vault's plaintext on purpose.
    fn textconv(&self, file: &Path) -> Result<u8, Error> {
        let project = Project::discover(self.cli.project.as_deref()).ok();
        let shown = git_integration::textconv(file, || self.identities(project.as_ref()));
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(&shown)
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::io("stdout", e))?;
        Ok(0)
    }

    fn merge_driver(&self, files: git_integration::MergeFiles<'_>) -> Result<u8, Error> {
        let project = self.project()?;
        let report =
            git_integration::merge_driver(&project, || self.identities(Some(&project)), files);
        let message = report.message();
        if !message.is_empty() {
            self.say(&message);
        }
        Ok(report.exit_code())
    }

    fn view(&self, env_name: &str, key: Option<&str>) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let ids = self.identities(Some(&project))?;
        let text = self.require_vault(&project, &env, &ids)?.text;
        let display = project.display_path(&env.vault);
        let out: Zeroizing<String> = match key {
            None => text,
            Some(key) => {
                let vars = vault::variables(&text, &display)?;
                let value = vars.get(key).ok_or_else(|| {
                    Error::usage(
                        format!("{display} has no variable `{key}`"),
                        Some(format!(
                            "its variables: {}",
                            vars.keys().cloned().collect::<Vec<_>>().join(", ")
                        )),
                    )
                })?;
                Zeroizing::new(yaml::display_value(&value.value))
            }
        };
        let mut stdout = io::stdout().lock();
        let write = |stdout: &mut io::StdoutLock| -> io::Result<()> {
            stdout.write_all(out.as_bytes())?;
            if stdout.is_terminal() && !out.ends_with('\n') {
                stdout.write_all(b"\n")?;
            }
            stdout.flush()
        };
        write(&mut stdout).map_err(|e| Error::io("stdout", e))?;
        Ok(0)
    }

    fn edit(&self, env_name: &str) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let display = project.display_path(&env.vault);
        let original = self.vault_for_change(&project, &env)?;
        let outcome = edit::edit(
            &display,
            &format!("{}.yml", env.name),
            &original.text,
            |text| yaml::parse_variables_strict(text).map(|_| ()),
        )?;
        match outcome {
            EditOutcome::Unchanged => {
                self.say(&format!("{display}: no change, nothing written"));
            }
            EditOutcome::Changed(text) => {
                let _lock = vault::VaultLock::acquire([env.vault.as_path()])?;
                vault::write_if_unchanged(
                    &env.vault,
                    &display,
                    text.as_bytes(),
                    &env.recipients,
                    original.expected(),
                )?;
                self.say(&format!(
                    "{display}: saved, encrypted to {} recipient(s)",
                    env.recipients.len()
                ));
            }
        }
        Ok(0)
    }

    fn import_ansible_vault(
        &self,
        files: &[PathBuf],
        env_name: &str,
        password_file: Option<&Path>,
        overwrite: bool,
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let display = project.display_path(&env.vault);
        let password = read_vault_password(password_file)?;
        let mut incoming: Vec<(String, crate::data::Data, String)> = Vec::new();
        let mut reports = Vec::new();
        for file in files {
            let name = file.display().to_string();
            let text = fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
            let imported =
                ansible_vault::read_variables(&name, &text, &password).map_err(|e| {
                    let hint = matches!(
                        &e,
                        ansible_vault::ImportError::Vault {
                            source: ansible_vault::AnsibleVaultError::WrongPassword,
                            ..
                        }
                    )
                    .then(|| "check the password (a password file's trailing newline is dropped, as Ansible does)".to_string());
                    Error::usage(e.to_string(), hint)
                })?;
            for (var, value) in imported.variables.iter() {
                if let Some((_, _, other)) = incoming.iter().find(|(n, _, _)| n == var) {
                    return Err(Error::usage(
                        format!("`{var}` is in both {other} and {name}"),
                        Some("import one of them, or rename the variable in one file".to_string()),
                    ));
                }
                incoming.push((var.clone(), value.clone(), name.clone()));
            }
            reports.push((name, imported));
        }
        let _lock = vault::VaultLock::acquire([env.vault.as_path()])?;
        let opened = self.vault_for_change(&project, &env)?;
        let text = ansible_vault::merge_into(&opened.text, &display, &incoming, overwrite)?;
        if *text != *opened.text {
            vault::write_if_unchanged(
                &env.vault,
                &display,
                text.as_bytes(),
                &env.recipients,
                opened.expected(),
            )?;
        }
        for (name, imported) in &reports {
            let names: Vec<&str> = imported.variables.iter().map(|(n, _)| n.as_str()).collect();
            self.say(&format!(
                "{name}: {} variable(s) into {display}: {}",
                names.len(),
                names.join(", ")
            ));
            if imported.whole_file {
                self.say(&format!(
                    "  next: delete {name} (`git rm {name}`); templates keep using the same names"
                ));
            } else if !names.is_empty() {
                self.say(&format!(
                    "  next: remove the !vault values ({}) from {name}; its plain variables stay{}",
                    names.join(", "),
                    if imported.left.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", imported.left.join(", "))
                    }
                ));
            }
        }
        self.say("the old ciphertext stays in git history: rotate these secrets if the ansible-vault password was ever shared");
        Ok(0)
    }

    fn set(
        &self,
        env_name: &str,
        key: &str,
        keep_newline: bool,
        allow_empty: bool,
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let env = project.environment(env_name)?;
        let display = project.display_path(&env.vault);
        if !yaml::is_variable_name(key) {
            return Err(Error::usage(
                format!("`{key}` is not a valid variable name"),
                Some("use letters, digits and `_`, not starting with a digit".to_string()),
            ));
        }
        // read the value first: a prompt must not hold the lock
        let value = read_secret_input(&format!("value for {key}"), keep_newline)?;
        refuse_empty(&value, allow_empty)?;
        let _lock = vault::VaultLock::acquire([env.vault.as_path()])?;
        let opened = self.vault_for_change(&project, &env)?;
        match vault::set_value(&opened.text, key, value.expose_secret(), &display)? {
            None => self.say(&format!(
                "{display}: `{key}` already has that value, nothing written"
            )),
            Some(new) => {
                vault::write_if_unchanged(
                    &env.vault,
                    &display,
                    new.as_bytes(),
                    &env.recipients,
                    opened.expected(),
                )?;
                self.say(&format!("{display}: set `{key}`"));
            }
        }
        Ok(0)
    }

    fn encrypt(
        &self,
        file: &Path,
        out: Option<&Path>,
        env: Option<&str>,
        force: bool,
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let plain = Zeroizing::new(fs::read(file).map_err(|e| Error::io(file, e))?);
        if vault::looks_encrypted(&plain) {
            return Err(Error::usage(
                format!("{} is already an age file", file.display()),
                None,
            ));
        }
        let in_place = file.extension().is_some_and(|e| e == "age");
        let target = match out {
            Some(o) => o.to_path_buf(),
            None if in_place => file.to_path_buf(),
            None => {
                let mut name = file.as_os_str().to_owned();
                name.push(".age");
                PathBuf::from(name)
            }
        };
        // Writing an environment's vault: its own recipients, and a vault's content.
        let vault_of = project
            .environments()
            .into_iter()
            .find(|e| crate::sandbox::same_file(&e.vault, &target));
        let recipients = match (&vault_of, env) {
            (Some(vault_env), Some(name)) if vault_env.name != name => {
                return Err(Error::usage(
                    format!(
                        "{} is the vault of environment `{}`, not `{name}`",
                        target.display(),
                        vault_env.name
                    ),
                    None,
                ))
            }
            (Some(vault_env), _) => {
                let text = std::str::from_utf8(&plain).map_err(|_| {
                    Error::usage(format!("{} is not UTF-8 text", file.display()), None)
                })?;
                vault::variables(text, &project.display_path(&vault_env.vault))?;
                vault_env.recipients.clone()
            }
            (None, Some(name)) => project.environment(name)?.recipients,
            (None, None) => project.config.recipients.clone(),
        };
        if recipients.is_empty() {
            return Err(Error::usage(
                "promvault.yml lists no top-level recipients",
                Some("pass --env ENV to use an environment's recipients".to_string()),
            ));
        }
        if target.exists() && !force && !(in_place && out.is_none()) {
            return Err(Error::usage(
                format!("{} exists", target.display()),
                Some("pass --force to overwrite it".to_string()),
            ));
        }
        let display = target.display().to_string();
        if vault_of.is_some() {
            // an environment's vault gets its record too
            vault::write(&target, &display, &plain, &recipients)?;
        } else {
            let bytes = vault::encrypt(&plain, &recipients, &display)?;
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            output::write_atomic(&target, &bytes, output::OWNER_ONLY)
                .map_err(|e| Error::io(&target, e))?;
        }
        self.say(&format!(
            "encrypted to {} recipient(s): {display}",
            recipients.len()
        ));
        if !in_place {
            self.say(&format!(
                "the plaintext {} is still there: delete it once you no longer need it",
                file.display()
            ));
        }
        Ok(0)
    }

    fn decrypt(&self, file: &Path, out: Option<&Path>, force: bool) -> Result<u8, Error> {
        let project = Project::discover(self.cli.project.as_deref()).ok();
        let ids = self.identities(project.as_ref())?;
        let display = file.display().to_string();
        let raw = Zeroizing::new(fs::read(file).map_err(|e| Error::io(file, e))?);
        let expected = project
            .as_ref()
            .map(|p| p.config.recipients.clone())
            .unwrap_or_default();
        let plain = vault::decrypt_binary(&raw, &display, &ids, &expected)?;
        let target = match out {
            Some(o) => o.to_path_buf(),
            None => match file.to_str().and_then(|s| s.strip_suffix(".age")) {
                Some(stem) => PathBuf::from(stem),
                None => {
                    return Err(Error::usage(
                        format!("{display} does not end in .age: say where to write with -o OUT (or -o - for stdout)"),
                        None,
                    ))
                }
            },
        };
        if target == Path::new("-") {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(&plain)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("stdout", e))?;
            return Ok(0);
        }
        if target.exists() && !force {
            return Err(Error::usage(
                format!("{} exists", target.display()),
                Some("pass --force to overwrite it".to_string()),
            ));
        }
        output::write_atomic(&target, &plain, output::OWNER_ONLY)
            .map_err(|e| Error::io(&target, e))?;
        self.say(&format!(
            "decrypted to {} (mode 0600): never commit it",
            target.display()
        ));
        Ok(0)
    }

    fn rekey(&self, names: &[String], force: bool) -> Result<u8, Error> {
        let project = self.project()?;
        let envs = if names.is_empty() {
            project.environments()
        } else {
            names
                .iter()
                .map(|n| project.environment(n))
                .collect::<Result<Vec<_>, _>>()?
        };
        let ids = self.identities(Some(&project))?;
        let done = recipients::rekey(&project, &envs, &ids, force)?;
        self.report_rekeyed(&done);
        Ok(0)
    }

    fn report_rekeyed(&self, done: &[recipients::Rekeyed]) {
        for r in done {
            match (r.recipients, r.unchanged) {
                (Some(n), true) => self.say(&format!(
                    "{}: already encrypted to its {n} recipient(s), left as it is (--force rotates its file key)",
                    r.display
                )),
                (Some(n), false) => {
                    self.say(&format!("{}: rekeyed to {n} recipient(s)", r.display));
                }
                (None, _) => self.say(&format!("{}: no vault yet, nothing to rekey", r.display)),
            }
        }
    }

    fn list_recipients(&self) -> Result<u8, Error> {
        let project = self.project()?;
        let mut out = String::new();
        let list = |scope: &project::RecipientScope, out: &mut String| -> Result<(), Error> {
            for (r, comment) in project.recipients_with_comments(scope)? {
                match comment {
                    Some(c) => out.push_str(&format!("  {r}  # {c}\n")),
                    None => out.push_str(&format!("  {r}\n")),
                }
            }
            Ok(())
        };
        let from = |scope: &project::RecipientScope| {
            project
                .recipients_file(scope)
                .map(|f| format!(", from {}", f.name))
                .unwrap_or_default()
        };
        let all = project::RecipientScope::Project;
        out.push_str(&format!("all environments{}:\n", from(&all)));
        list(&all, &mut out)?;
        for env in project.environments().iter().filter(|e| e.own_recipients) {
            let scope = project::RecipientScope::Environment(env.name.clone());
            out.push_str(&format!("{} (its own list{}):\n", env.name, from(&scope)));
            list(&scope, &mut out)?;
        }
        out!("{out}")?;
        Ok(0)
    }

    fn change_recipients(
        &self,
        env: Option<&str>,
        key: &str,
        change: recipients::Change<'_>,
    ) -> Result<u8, Error> {
        let project = self.project()?;
        let key = key.trim();
        let done = recipients::change(&project, env, key, change, |p| self.identities(Some(p)))?;
        self.report_rekeyed(&done);
        match change {
            recipients::Change::Add(_) => self.say(&format!("added {key}")),
            recipients::Change::Remove => self.say(&format!(
                "removed {key}\nnote: it can still open the older versions of these vaults in git history: rotate the secrets it could read"
            )),
        }
        Ok(0)
    }

    fn hash(&self, cost: u32, allow_empty: bool) -> Result<u8, Error> {
        let max = crate::render::filters::MAX_BCRYPT_COST;
        if !crate::render::filters::bcrypt_cost_allowed(cost) {
            return Err(Error::usage(
                format!("--cost {cost} is refused: promvault computes costs 4 to {max}"),
                Some("each step doubles the time; 10 to 12 is usual for a web config".to_string()),
            ));
        }
        let password = read_secret_input("password to hash", false)?;
        refuse_empty(&password, allow_empty)?;
        let hashed = bcrypt::hash(password.expose_secret(), cost)
            .map_err(|e| Error::usage(format!("cannot hash: {e}"), None))?;
        outln!("{hashed}")?;
        Ok(0)
    }
}

/// The `-e` arguments as one layer (warnings about files they name printed).
fn extra_vars(args: &[String]) -> Result<pipeline::ExtraVars, Error> {
    let mut extra = pipeline::ExtraVars::new();
    for arg in args {
        for warning in pipeline::parse_extra_var(arg, &mut extra)? {
            errln!("{warning}");
        }
    }
    Ok(extra)
}

/// The ansible-vault password, as Ansible takes it: from a file (trailing white space
/// dropped) or an executable (its stdout, line ending dropped), named by the flag or
/// `$ANSIBLE_VAULT_PASSWORD_FILE`; else a no-echo prompt on the terminal.
fn read_vault_password(file: Option<&Path>) -> Result<Zeroizing<Vec<u8>>, Error> {
    let from_env = std::env::var_os("ANSIBLE_VAULT_PASSWORD_FILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    if let Some(path) = file.map(Path::to_path_buf).or(from_env) {
        let meta = fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        if !meta.is_file() {
            return Err(Error::usage(
                format!("{} is not a regular file", path.display()),
                None,
            ));
        }
        if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0 {
            let out = std::process::Command::new(&path)
                .stdin(std::process::Stdio::inherit())
                .stderr(std::process::Stdio::inherit())
                .output()
                .map_err(|e| Error::io(&path, e))?;
            if !out.status.success() {
                return Err(Error::usage(
                    format!(
                        "the password script {} failed ({})",
                        path.display(),
                        out.status
                    ),
                    None,
                ));
            }
            let mut bytes = Zeroizing::new(out.stdout);
            while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                bytes.pop();
            }
            return Ok(bytes);
        }
        let text = Zeroizing::new(fs::read(&path).map_err(|e| Error::io(&path, e))?);
        return Ok(Zeroizing::new(text.trim_ascii().to_vec()));
    }
    if io::stdin().is_terminal() {
        let password = Zeroizing::new(
            rpassword::prompt_password("ansible-vault password: ")
                .map_err(|e| Error::io("terminal", e))?,
        );
        return Ok(Zeroizing::new(password.as_bytes().to_vec()));
    }
    Err(Error::usage(
        "no ansible-vault password: pass --vault-password-file FILE (or set ANSIBLE_VAULT_PASSWORD_FILE)",
        None,
    ))
}

/// An empty or white-space-only secret is almost always a mistake (an empty pipe, a variable
/// that was not set): refused unless asked for.
fn refuse_empty(secret: &SecretString, allow_empty: bool) -> Result<(), Error> {
    if !allow_empty && secret.expose_secret().trim().is_empty() {
        return Err(Error::usage(
            "the value is empty (or only white space); nothing was changed",
            Some("pipe the value in (`printf %s \"$VALUE\" | promvault set ...`), or pass --allow-empty if you mean it".to_string()),
        ));
    }
    Ok(())
}

/// Reads a secret from a no-echo prompt (asked twice) on a terminal, else from all of stdin
/// with one trailing newline dropped unless `keep_newline`.
fn read_secret_input(what: &str, keep_newline: bool) -> Result<SecretString, Error> {
    if io::stdin().is_terminal() {
        let first = Zeroizing::new(
            rpassword::prompt_password(format!("{what}: "))
                .map_err(|e| Error::io("terminal", e))?,
        );
        let second = Zeroizing::new(
            rpassword::prompt_password(format!("{what} (again): "))
                .map_err(|e| Error::io("terminal", e))?,
        );
        if *first != *second {
            return Err(Error::usage(
                "the two entries differ; nothing was changed",
                None,
            ));
        }
        return Ok(SecretString::from(first.to_string()));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("stdin", e))?;
    let mut text = Zeroizing::new(
        String::from_utf8(std::mem::take(&mut *bytes))
            .map_err(|_| Error::usage("the value on stdin is not UTF-8 text", None))?,
    );
    if !keep_newline {
        if text.ends_with("\r\n") {
            let len = text.len();
            text.truncate(len - 2);
        } else if text.ends_with('\n') {
            let len = text.len();
            text.truncate(len - 1);
        }
    }
    Ok(SecretString::from(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `promvault ...` command in the README's shell examples is one the command line
    /// accepts as written (what each does is tested through the binary elsewhere).
    #[test]
    fn every_readme_command_parses() {
        let readme = include_str!("../README.md");
        let mut in_shell = false;
        let mut seen = 0;
        for line in readme.lines() {
            if let Some(lang) = line.strip_prefix("```") {
                in_shell = !in_shell && matches!(lang.trim(), "sh" | "bash" | "shell" | "console");
                continue;
            }
            if !in_shell {
                continue;
            }
            let Some(at) = line.find("promvault ") else {
                continue;
            };
            if at > 0 && !line[..at].trim_end().ends_with('|') {
                continue;
            }
            let mut words = crate::inventory::pyliteral::split_words(&line[at..], true)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            // the command ends where the shell's redirections and pipes begin
            if let Some(end) = words
                .iter()
                .position(|w| matches!(w.as_str(), ">" | ">>" | "|" | "&&" | "||" | ";" | "2>&1"))
            {
                words.truncate(end);
            }
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("README: `{line}` does not parse:\n{e}");
            }
            seen += 1;
        }
        assert!(seen >= 30, "only {seen} commands found in the README");
    }
}
