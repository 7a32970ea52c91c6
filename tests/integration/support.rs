//! A temporary project and a builder for running promvault in it.

#![allow(dead_code)]

use std::{
    ffi::OsStr,
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Output,
    sync::{Arc, Mutex},
};

use tempfile::TempDir;

use crate::forms::printed_forms;

pub const BIN: &str = env!("CARGO_BIN_EXE_promvault");

/// Checks a peer program is installed; the suite never skips silently (`.ci/run` installs them).
pub fn require(program: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "`{program}` is not installed; run the test command from the README (it installs it)"
    );
}

/// A temporary home with a promvault project in `root`.
///
/// Every run of the binary through it ([`Sandbox::cmd`], [`Sandbox::set`], [`on_terminal`]...)
/// goes through the secret collector ([`Ledger`]): what it printed must not hold a vault value.
pub struct Sandbox {
    _dir: TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub tmp: PathBuf,
    /// The recipient of the identity in the default location.
    pub recipient: String,
    ledger: Arc<Mutex<Ledger>>,
}

impl Sandbox {
    /// A project with environments `staging` and `prod`, both encrypted to a fresh identity
    /// stored in the default location (`$XDG_CONFIG_HOME/promvault/identity.txt`).
    pub fn new() -> Sandbox {
        let mut sb = Sandbox::empty();
        let out = sb.cmd(&["keygen"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        sb.recipient = String::from_utf8(out.stdout).unwrap().trim().to_string();
        sb.write(
            "promvault.yml",
            &format!(
                "# test project\nrecipients:\n  - {}  # me\nenvironments:\n  staging: {{}}\n  prod:\n    vault: vault/prod.yml.age\n",
                sb.recipient
            ),
        );
        sb
    }

    /// A copy of the example project shipped at the top of the repository (promvault.yml,
    /// templates/, inventories/, vault/ with its committed demo identity), and no identity
    /// of one's own: the vaults open with the demo identity, as on a fresh clone.
    pub fn example() -> Sandbox {
        let mut sb = Sandbox::empty();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::copy(repo.join("promvault.yml"), sb.path("promvault.yml")).unwrap();
        for dir in ["templates", "inventories", "vault"] {
            copy_dir(&repo.join(dir), &sb.path(dir));
        }
        lock(&sb.ledger)
            .identities
            .push(sb.path("vault/demo-identity.txt"));
        let project = promvault::project::Project::load(&sb.root).unwrap();
        sb.recipient = project.config.recipients[0].clone();
        sb
    }

    /// Folders only: no identity, no project.
    pub fn empty() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let home = dir.path().join("home");
        let tmp = dir.path().join("tmp");
        for d in [&root, &home, &tmp] {
            fs::create_dir_all(d).unwrap();
        }
        let ledger = Arc::new(Mutex::new(Ledger {
            root: root.clone(),
            identities: vec![home.join(".config/promvault/identity.txt")],
            ..Ledger::default()
        }));
        Sandbox {
            _dir: dir,
            root,
            home,
            tmp,
            recipient: String::new(),
            ledger,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn identity_path(&self) -> PathBuf {
        self.home.join(".config/promvault/identity.txt")
    }

    /// Writes a file of the project. A promvault.yml that promvault accepts must be accepted
    /// by docs/promvault.schema.json too: every project file a test writes checks the schema.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        if rel == "promvault.yml" && promvault::project::Project::load(&self.root).is_ok() {
            // Loading checks keys, types and environment names; the values of `mode`,
            // `validate` and `prometheus_version` are checked later, by the commands that use
            // them (project_file.rs compares the schema with those against the binary).
            let checked_later =
                regex_lite::Regex::new(r"^(/outputs/\d+/(mode|validate)|/prometheus_version):")
                    .unwrap();
            let errors: Vec<String> = schema_errors(text)
                .into_iter()
                .filter(|e| !checked_later.is_match(e))
                .collect();
            assert!(
                errors.is_empty(),
                "promvault accepts this promvault.yml but docs/promvault.schema.json does not: {errors:?}\n{text}"
            );
        }
        p
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap()
    }

    pub fn mode(&self, rel: &str) -> u32 {
        fs::metadata(self.path(rel)).unwrap().permissions().mode() & 0o777
    }

    /// A promvault command in the project, isolated from the caller's environment; what it
    /// prints goes through the secret collector.
    pub fn cmd(&self, args: &[&str]) -> Cmd {
        Cmd {
            inner: assert_cmd::Command::from_std(self.std_cmd(args)),
            args: args.iter().map(|a| (*a).to_string()).collect(),
            stdin: None,
            ledger: Arc::clone(&self.ledger),
        }
    }

    /// A value the test put into a vault some other way than `set` (an editor script, a file
    /// it encrypted): the collector then looks for it too. (Values in the project's vaults
    /// are found by decrypting them after every command.)
    pub fn secret(&self, value: &str) {
        lock(&self.ledger).add_secret(value);
    }

    /// Hands what a command run through [`Sandbox::std_cmd`] printed to the secret collector.
    pub fn collect(&self, args: &[&str], out: &Output) {
        let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        lock(&self.ledger).command(&args, out);
    }

    /// [`Sandbox::cmd`] as a plain `std::process::Command` (to spawn and signal it). Not seen
    /// by the secret collector: give what it prints to [`Sandbox::collect`].
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(BIN);
        c.args(args)
            .current_dir(&self.root)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("TMPDIR", &self.tmp)
            .env("XDG_RUNTIME_DIR", &self.tmp)
            .env_remove("PROMVAULT_IDENTITY")
            .env_remove("PROMVAULT_AGE_KEY")
            .env_remove("VISUAL")
            .env("EDITOR", "false")
            .env("NO_COLOR", "1")
            // `strftime` renders in local time: the cases were rendered by Ansible in UTC
            .env("TZ", "UTC");
        c
    }

    /// Runs `promvault set ENV KEY` with `value` on stdin; asserts success.
    pub fn set(&self, env: &str, key: &str, value: &str) {
        let mut args = vec!["set", env, key, "--keep-newline"];
        if value.trim().is_empty() {
            args.push("--allow-empty");
        }
        self.cmd(&args).write_stdin(value).assert().success();
    }

    /// `promvault view ENV [KEY]`'s stdout; asserts success.
    pub fn view(&self, args: &[&str]) -> String {
        let mut all = vec!["view"];
        all.extend_from_slice(args);
        let out = self.cmd(&all).output().unwrap();
        assert!(
            out.status.success(),
            "view failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Files left in the private temp folder (must be none after any edit).
    pub fn leftovers(&self) -> Vec<PathBuf> {
        fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    /// Writes an executable shell script into the sandbox and returns its path.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        let p = self.home.join(name);
        fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    /// A second identity, not a recipient of anything yet: (path, recipient).
    pub fn other_identity(&self, name: &str) -> (PathBuf, String) {
        let path = self.home.join(name);
        let out = self
            .cmd(&["keygen", "-o", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        lock(&self.ledger).identities.push(path.clone());
        (
            path,
            String::from_utf8(out.stdout).unwrap().trim().to_string(),
        )
    }
}

/// docs/promvault.schema.json, compiled once.
pub fn project_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/promvault.schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).expect("docs/promvault.schema.json is a valid schema")
    })
}

/// What docs/promvault.schema.json finds wrong with a promvault.yml (read as an editor's YAML
/// plugin reads it: YAML to JSON), each as `path: message`; empty when it is valid.
pub fn schema_errors(yaml: &str) -> Vec<String> {
    let instance: serde_json::Value = match serde_saphyr::from_str(yaml) {
        Ok(v) => v,
        Err(e) => return vec![format!("not YAML: {e}")],
    };
    project_schema()
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn mtime(path: &Path) -> std::time::SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// Runs promvault with `args` on a terminal (a pty from `script`), typing `typed` into it.
/// Returns the exit code and everything the terminal showed.
pub fn on_terminal(
    sb: &Sandbox,
    args: &[&str],
    envs: &[(&str, &str)],
    typed: &str,
) -> (i32, String) {
    use std::io::Write;
    require("script");
    let mut command = shell_words_join(&[BIN]);
    for a in args {
        command.push(' ');
        command.push_str(&shell_words_join(&[a]));
    }
    let mut cmd = std::process::Command::new("/usr/bin/script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(&sb.root)
        .env("HOME", &sb.home)
        .env("XDG_CONFIG_HOME", sb.home.join(".config"))
        .env("TMPDIR", &sb.tmp)
        // No pinentry on PATH: prompts are read from the terminal itself.
        .env("PATH", sb.home.join("no-programs"))
        .env("SHELL", "/bin/sh")
        .env("XDG_RUNTIME_DIR", &sb.tmp)
        .env_remove("PROMVAULT_AGE_KEY")
        .env_remove("PROMVAULT_IDENTITY")
        .env_remove("VISUAL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in typed.split_inclusive('\n') {
        // Let the program reach its prompt before each answer.
        std::thread::sleep(std::time::Duration::from_millis(300));
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(stdin);
    // Bounded: a program still waiting for input after this is a failure, not a hang.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after 30 s; the terminal showed: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    {
        let mut ledger = lock(&sb.ledger);
        let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        if args.first().map(String::as_str) == Some("set") {
            // what was typed at the prompt is the value (the terminal must not echo it)
            ledger.add_typed_value(typed);
        }
        ledger.command(&args, &out);
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn shell_words_join(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// The secret collector
// ---------------------------------------------------------------------------------------------

/// Whether a command prints vault values on stdout by design, so that its stdout is not
/// checked (its stderr still is). This list is the only way out of the check: a new command
/// that should print secrets is added here, on purpose.
fn prints_secrets_on_stdout(args: &[String]) -> bool {
    let has = |flag: &str| args.iter().any(|a| a == flag);
    match args.first().map(String::as_str) {
        // the decrypted vault, or one value of it; `textconv FILE` is git's view of a vault
        Some("view" | "textconv") => true,
        // `decrypt FILE -o -`: the plaintext
        Some("decrypt") => args.iter().any(|a| a == "-"),
        // the rendered config, secrets included
        Some("render") => has("--stdout"),
        _ => false,
    }
}

/// One output of one command.
struct Printed {
    command: String,
    stream: &'static str,
    text: String,
}

/// What the secret collector knows about one sandbox: the values put into its vaults (given to
/// `set`, typed at its prompt, found in the vaults after each command, named with
/// [`Sandbox::secret`]) and everything the binary printed. After each command, and again when
/// the sandbox is dropped (for values learnt later), no output may hold a value of four
/// characters or more in any of the forms of [`crate::forms::forms`], except the stdout of
/// the commands [`prints_secrets_on_stdout`] names.
#[derive(Default)]
pub struct Ledger {
    root: PathBuf,
    /// The identities that may open the project's vaults.
    identities: Vec<PathBuf>,
    secrets: Vec<String>,
    printed: Vec<Printed>,
}

impl Ledger {
    fn add_secret(&mut self, value: &str) {
        for v in [
            value,
            value.strip_suffix('\n').unwrap_or(value),
            value.trim(),
        ] {
            if v.chars().count() >= 4 && !self.secrets.iter().any(|s| s == v) {
                self.secrets.push(v.to_string());
            }
        }
    }

    /// A value typed at a prompt: each line (the prompt may ask twice).
    fn add_typed_value(&mut self, typed: &str) {
        for line in typed.lines() {
            self.add_secret(line);
        }
    }

    /// Every string and number in the project's vaults that the known identities open.
    fn learn_from_vaults(&mut self) {
        fn walk(data: &promvault::data::Data, out: &mut Vec<String>) {
            use promvault::data::Data;
            match data {
                Data::Str(s) | Data::Unsafe(s) => out.push(s.clone()),
                Data::Int(i) => out.push(i.to_string()),
                Data::Seq(items) => items.iter().for_each(|d| walk(d, out)),
                Data::Map(entries) => entries.iter().for_each(|(_, v)| walk(v, out)),
                _ => {}
            }
        }
        fn vaults(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() && entry.file_name() != ".git" {
                    vaults(&path, out);
                } else if kind.is_file() && path.extension() == Some(OsStr::new("age")) {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        vaults(&self.root, &mut files);
        let identities: Vec<PathBuf> = self
            .identities
            .iter()
            .filter(|p| p.is_file())
            .cloned()
            .collect();
        if files.is_empty() || identities.is_empty() {
            return;
        }
        let Ok(ids) = promvault::identity::Lookup::from_environment(identities, None).load() else {
            return;
        };
        let mut values = Vec::new();
        for file in files {
            let Ok(text) = promvault::vault::decrypt(&file, "vault", &ids, &[]) else {
                continue;
            };
            if let Ok(doc) = promvault::yaml::load::load(&text) {
                walk(&doc.data, &mut values);
            }
        }
        for v in values {
            self.add_secret(&v);
        }
    }

    /// What the project shows in plaintext: its file names and `promvault.yml`. A vault value
    /// that stands there too (a generated case's value `vault`) is not told apart from it.
    fn public_text(&self) -> String {
        fn names(dir: &Path, root: &Path, out: &mut String) {
            for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                out.push_str(&path.strip_prefix(root).unwrap_or(&path).to_string_lossy());
                out.push('\n');
                if entry.file_type().is_ok_and(|t| t.is_dir()) && entry.file_name() != ".git" {
                    names(&path, root, out);
                }
            }
        }
        let mut text = fs::read_to_string(self.root.join("promvault.yml")).unwrap_or_default();
        names(&self.root, &self.root, &mut text);
        text
    }

    /// Records what one command printed and checks it.
    fn command(&mut self, args: &[String], out: &Output) {
        self.learn_from_vaults();
        let command = format!("promvault {}", args.join(" "));
        let mut streams = vec![("stderr", &out.stderr)];
        if !prints_secrets_on_stdout(args) {
            streams.push(("stdout", &out.stdout));
        }
        for (stream, bytes) in streams {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let printed = Printed {
                command: command.clone(),
                stream,
                text,
            };
            if let Some(leak) = self.leak(&printed) {
                panic!("{leak}");
            }
            self.printed.push(printed);
        }
    }

    /// The first secret `printed` shows, described. What the command line holds (`printed`'s
    /// command) and the project's [`Ledger::public_text`] may be repeated.
    fn leak(&self, printed: &Printed) -> Option<String> {
        let public = format!("{}\n{}", printed.command, self.public_text());
        self.secrets.iter().filter(|s| !public.contains(s.as_str())).find_map(|secret| {
            let forms = printed_forms(&printed.text, secret);
            (!forms.is_empty()).then(|| {
                format!(
                    "secret collector: `{}` printed the vault value {secret:?} on {} (as {forms:?}):\n{}",
                    printed.command, printed.stream, printed.text
                )
            })
        })
    }
}

impl Drop for Sandbox {
    /// Checks everything printed against every value known at the end (a value may be learnt
    /// after a command that printed it).
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut ledger = lock(&self.ledger);
        ledger.learn_from_vaults();
        if let Some(leak) = ledger.printed.iter().find_map(|p| ledger.leak(p)) {
            panic!("{leak}");
        }
    }
}

/// [`assert_cmd::Command`] for one promvault run in a [`Sandbox`]: what the run prints is
/// handed to the secret collector before the test sees it (and a value given to `set` on
/// stdin is recorded as a secret).
pub struct Cmd {
    inner: assert_cmd::Command,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    ledger: Arc<Mutex<Ledger>>,
}

impl Cmd {
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.inner.env(key, value);
        self
    }

    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Self {
        self.inner.env_remove(key);
        self
    }

    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.inner.current_dir(dir);
        self
    }

    pub fn write_stdin(&mut self, buffer: impl Into<Vec<u8>>) -> &mut Self {
        let buffer = buffer.into();
        self.stdin = Some(buffer.clone());
        self.inner.write_stdin(buffer);
        self
    }

    /// Runs the command; its output has passed the secret collector.
    pub fn output(&mut self) -> std::io::Result<Output> {
        let out = self.inner.output()?;
        let mut ledger = lock(&self.ledger);
        if self.args.first().map(String::as_str) == Some("set") {
            if let Some(stdin) = &self.stdin {
                ledger.add_secret(&String::from_utf8_lossy(stdin));
            }
        }
        ledger.command(&self.args, &out);
        Ok(out)
    }

    /// Runs the command for `assert_cmd`'s assertions.
    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        let out = self.output().expect("promvault runs");
        assert_cmd::assert::Assert::new(out)
            .append_context("command", format!("promvault {}", self.args.join(" ")))
    }
}

/// The ledger, also after a check failed in another thread or a caught panic.
fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
