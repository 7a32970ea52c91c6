//! The pre-commit framework's hook (.pre-commit-hooks.yaml, `language: rust`), run by the real
//! `pre-commit` with the README's `.pre-commit-config.yaml`: pre-commit builds promvault from a
//! clone of this repository at HEAD (what is committed, not the work tree) and runs it.
//!
//! `pre-commit` is `$PROMVAULT_PRE_COMMIT` or the one on PATH; `scripts/test` makes a venv with
//! it and runs this test. The build goes to `target/tmp/pre-commit-build`, so a second run only
//! relinks; crates come from crates.io, as for any user of the hook.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use crate::support::{self, copy_dir};

/// The README's `.pre-commit-config.yaml`, with its repository and revision filled in.
fn readme_config(repo: &Path, rev: &str) -> String {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let after = readme
        .split_once("<!-- tests/integration/pre_commit.rs runs exactly this block")
        .expect("the README marks its pre-commit snippet")
        .1;
    let block = after
        .split_once("```yaml\n")
        .unwrap()
        .1
        .split_once("```")
        .unwrap()
        .0;
    let config = block
        .replace("<this repository's git URL>", repo.to_str().unwrap())
        .replace("<a tag or commit of it>", rev);
    assert!(!config.contains('<'), "{config}");
    config
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        support::stderr(&out)
    );
    support::stdout(&out).trim().to_string()
}

#[test]
#[ignore = "pre-commit builds promvault in release mode (minutes on 2 cores); scripts/test runs it"]
fn the_pre_commit_hook_builds_promvault_and_blocks_a_plaintext_vault() {
    let pre_commit = std::env::var("PROMVAULT_PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    support::require(&pre_commit);
    support::require("git");
    support::require("cargo");
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    fs::create_dir_all(&home).unwrap();

    // This repository, as committed.
    let hooks_repo = dir.path().join("promvault");
    let source = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .args(["clone", "-q", source, hooks_repo.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    let rev = git(&hooks_repo, &["rev-parse", "HEAD"]);

    // A project using it: the shipped example, in a git repository of its own.
    let project = dir.path().join("project");
    fs::create_dir_all(&project).unwrap();
    for part in ["templates", "inventories", "vault"] {
        copy_dir(&hooks_repo.join(part), &project.join(part));
    }
    fs::copy(
        hooks_repo.join("promvault.yml"),
        project.join("promvault.yml"),
    )
    .unwrap();
    fs::write(
        project.join(".pre-commit-config.yaml"),
        readme_config(&hooks_repo, &rev),
    )
    .unwrap();
    git(&project, &["init", "-q"]);
    git(&project, &["add", "-A"]);

    // Cargo and rustup keep their own homes; everything else is private to the test.
    let real_home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let cargo_home = std::env::var_os("CARGO_HOME").map_or(real_home.join(".cargo"), PathBuf::from);
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or(real_home.join(".rustup"), PathBuf::from);
    let run = || -> Output {
        Command::new(&pre_commit)
            .args(["run", "--all-files", "--color", "never"])
            .current_dir(&project)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-cache"))
            .env("CARGO_HOME", &cargo_home)
            .env("RUSTUP_HOME", &rustup_home)
            .env(
                "CARGO_TARGET_DIR",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-build"),
            )
            .env_remove("PROMVAULT_IDENTITY")
            .env_remove("PROMVAULT_AGE_KEY")
            .output()
            .unwrap()
    };

    let out = run();
    let shown = format!("{}{}", support::stdout(&out), support::stderr(&out));
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("promvault check") && shown.contains("Passed"),
        "{shown}"
    );
    // pre-commit built promvault itself: it is in its environment, not taken from PATH.
    let built: Vec<PathBuf> = walk(&dir.path().join("pre-commit-cache"))
        .into_iter()
        .filter(|p| p.ends_with("bin/promvault"))
        .collect();
    assert_eq!(built.len(), 1, "{built:?}");
    eprintln!(
        "pre-commit built and ran the hook in {:?}",
        started.elapsed()
    );

    // A plaintext vault is blocked.
    fs::write(
        project.join("vault/staging.yml.age"),
        "node_exporter_basic_auth_password: hunter2\n",
    )
    .unwrap();
    git(&project, &["add", "-A"]);
    let out = run();
    let shown = format!("{}{}", support::stdout(&out), support::stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("Failed") && shown.contains("vault-plaintext"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    eprintln!("whole test: {:?}", started.elapsed());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}
