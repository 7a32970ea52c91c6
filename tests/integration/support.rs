//! A temporary project and a builder for running promvault in it.

#![allow(dead_code)]

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Output,
};

use assert_cmd::Command;
use tempfile::TempDir;

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
pub struct Sandbox {
    _dir: TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    pub tmp: PathBuf,
    /// The recipient of the identity in the default location.
    pub recipient: String,
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

    /// Folders only: no identity, no project.
    pub fn empty() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let home = dir.path().join("home");
        let tmp = dir.path().join("tmp");
        for d in [&root, &home, &tmp] {
            fs::create_dir_all(d).unwrap();
        }
        Sandbox {
            _dir: dir,
            root,
            home,
            tmp,
            recipient: String::new(),
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

    /// A promvault command in the project, isolated from the caller's environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_cmd(args))
    }

    /// [`Sandbox::cmd`] as a plain `std::process::Command` (to spawn and signal it).
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
            .env("NO_COLOR", "1");
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
