//! Vaults in real git repositories: `promvault git-setup`, then `git diff` through promvault's
//! textconv (the decrypted YAML with a key, one stable line without), and `git merge` through
//! its merge driver (different keys merge; one key changed on both sides stops, naming the key,
//! no value, and the vault still opens).
//!
//! git runs promvault itself here, so what git prints is git's output, not promvault's: the
//! diff holds vault values on purpose. What the merge driver prints (through `git merge`) is
//! handed to the secret collector.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use crate::support::{self, require, stderr, stdout, Sandbox, BIN};

/// PATH with the promvault under test first (git runs `promvault` by name).
fn path_with_promvault() -> String {
    let bin_dir = Path::new(BIN).parent().unwrap();
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// git in the sandbox's project, with the sandbox's HOME (so the promvault git starts finds
/// the sandbox's identity, or none with `home`) and promvault on PATH.
fn git_in(sb: &Sandbox, home: &Path, args: &[&str]) -> Output {
    let path = path_with_promvault();
    Command::new("git")
        .args(args)
        .current_dir(&sb.root)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("TMPDIR", &sb.tmp)
        .env("PATH", path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("NO_COLOR", "1")
        .env_remove("PROMVAULT_IDENTITY")
        .env_remove("PROMVAULT_AGE_KEY")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap()
}

fn git(sb: &Sandbox, args: &[&str]) -> String {
    let out = git_in(sb, &sb.home, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// A sandbox project with two secrets, committed, with `git-setup` run and committed.
fn repository() -> Sandbox {
    require("git");
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "first-api-key");
    sb.set("prod", "db_password", "first-db-password");
    git(&sb, &["init", "-q", "-b", "main"]);
    git(&sb, &["add", "-A"]);
    git(&sb, &["commit", "-q", "-m", "project"]);
    let out = sb.cmd(&["git-setup"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    git(&sb, &["add", ".gitattributes"]);
    git(&sb, &["commit", "-q", "-m", "git-setup"]);
    sb
}

fn settle(sb: &Sandbox, text: &str) -> String {
    text.replace(sb.root.to_str().unwrap(), "[PROJECT]")
}

#[test]
fn git_setup_writes_gitattributes_and_local_config_and_is_idempotent() {
    require("git");
    let sb = Sandbox::new();
    sb.write(".gitattributes", "*.png binary\n");
    // not a repository yet: refused, nothing written
    let out = sb.cmd(&["git-setup"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(sb.read(".gitattributes"), b"*.png binary\n");

    git(&sb, &["init", "-q", "-b", "main"]);
    let out = sb
        .cmd(&["git-setup"])
        .env("PATH", path_with_promvault())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("git_setup_first_run", settle(&sb, &stderr(&out)));
    let attributes = String::from_utf8(sb.read(".gitattributes")).unwrap();
    assert!(attributes.starts_with("*.png binary\n"), "{attributes}");
    assert!(
        attributes.contains("\nvault/*.age diff=promvault merge=promvault\n"),
        "{attributes}"
    );
    assert_eq!(
        git(&sb, &["config", "--local", "diff.promvault.cachetextconv"]).trim(),
        "false"
    );
    assert_eq!(
        git(
            &sb,
            &["check-attr", "diff", "merge", "--", "vault/prod.yml.age"]
        ),
        "vault/prod.yml.age: diff: promvault\nvault/prod.yml.age: merge: promvault\n"
    );

    // again: nothing changes
    let out = sb
        .cmd(&["git-setup"])
        .env("PATH", path_with_promvault())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(sb.read(".gitattributes")).unwrap(),
        attributes
    );
    insta::assert_snapshot!("git_setup_second_run", settle(&sb, &stderr(&out)));
}

#[test]
fn git_diff_shows_the_changed_key_with_a_key_and_a_stable_line_without() {
    let sb = repository();
    sb.set("prod", "api_key", "second-api-key");

    let diff = git(&sb, &["diff", "--", "vault/prod.yml.age"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "-api_key: \"first-api-key\"",
            "+api_key: \"second-api-key\""
        ],
        "{diff}"
    );
    assert!(
        diff.contains(" db_password: \"first-db-password\""),
        "{diff}"
    );
    // git log -p too
    git(&sb, &["commit", "-q", "-am", "rotate"]);
    let log = git(&sb, &["log", "-p", "-1", "--", "vault/prod.yml.age"]);
    assert!(log.contains("+api_key: \"second-api-key\""), "{log}");
    // the decrypted text is not cached in .git (cachetextconv=false)
    assert_eq!(git(&sb, &["for-each-ref", "refs/notes"]), "");

    // without any identity: one stable line per version of the file, no failure
    let nobody = sb.tmp.join("nobody");
    std::fs::create_dir_all(&nobody).unwrap();
    let out = git_in(
        &sb,
        &nobody,
        &["log", "-p", "-1", "--", "vault/prod.yml.age"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stdout(&out);
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("promvault: ")).collect();
    assert_eq!(lines.len(), 2, "{log}");
    for (line, sign) in lines.iter().zip(['-', '+']) {
        let re = regex_lite::Regex::new(
            r"^[-+]promvault: cannot decrypt: no identity \(file sha256 [0-9a-f]{16}\)$",
        )
        .unwrap();
        assert!(re.is_match(line) && line.starts_with(sign), "{log}");
    }
    assert!(!log.contains("api-key"), "{log}");

    // the same through promvault itself: exit 0, one line, nothing written
    let before = sb.read("vault/prod.yml.age");
    let out = sb
        .cmd(&["textconv", "vault/prod.yml.age"])
        .env("HOME", &nobody)
        .env("XDG_CONFIG_HOME", nobody.join(".config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        stdout(&{
            sb.cmd(&["textconv", "vault/prod.yml.age"])
                .env("HOME", &nobody)
                .env("XDG_CONFIG_HOME", nobody.join(".config"))
                .output()
                .unwrap()
        })
    );
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    // a file that is not an age file gets its line too
    let out = sb.cmd(&["textconv", "promvault.yml"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        stdout(&out).starts_with("promvault: cannot decrypt: it is not encrypted (file sha256 "),
        "{}",
        stdout(&out)
    );
}

/// Two branches that each change the vault, `a` from main and `b` from main; returns the
/// output of merging `b` into `a`.
fn merge_branches(sb: &Sandbox, a: &[(&str, &str)], b: &[(&str, &str)]) -> Output {
    git(sb, &["checkout", "-q", "-b", "b"]);
    for (k, v) in b {
        sb.set("prod", k, v);
    }
    git(sb, &["commit", "-q", "-am", "b"]);
    git(sb, &["checkout", "-q", "main"]);
    for (k, v) in a {
        sb.set("prod", k, v);
    }
    git(sb, &["commit", "-q", "-am", "a"]);
    let out = git_in(sb, &sb.home, &["merge", "--no-edit", "b"]);
    // what the merge driver printed passes the secret collector
    sb.collect(&["merge-driver"], &out);
    out
}

fn vault_path(sb: &Sandbox) -> PathBuf {
    sb.path("vault/prod.yml.age")
}

#[test]
fn a_merge_of_different_keys_succeeds_with_both_changes_and_a_matching_record() {
    let sb = repository();
    let out = merge_branches(
        &sb,
        &[("api_key", "api-key-from-a")],
        &[
            ("db_password", "db-password-from-b"),
            ("new_token", "token-from-b"),
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = sb.view(&["prod"]);
    assert!(text.contains("api_key: \"api-key-from-a\""), "{text}");
    assert!(
        text.contains("db_password: \"db-password-from-b\""),
        "{text}"
    );
    assert!(text.contains("new_token: \"token-from-b\""), "{text}");
    // merged, committed, nothing left over
    assert_eq!(git(&sb, &["status", "--porcelain"]), "");
    // the record describes the merged vault (git merges the vault, then its record)
    let record = promvault::vault::record::read(&vault_path(&sb))
        .unwrap()
        .unwrap();
    assert_eq!(
        record.sha256,
        promvault::vault::record::digest(&sb.read("vault/prod.yml.age"))
    );
    assert!(record.variables.contains(&"new_token".to_string()));
    let out = sb.cmd(&["check"]).output().unwrap();
    assert!(!stdout(&out).contains("vault-record"), "{}", stdout(&out));
}

#[test]
fn a_key_changed_on_both_sides_stops_the_merge_naming_it_and_leaves_our_vault() {
    let sb = repository();
    let out = merge_branches(
        &sb,
        &[("api_key", "api-key-from-a")],
        &[
            ("api_key", "api-key-from-b"),
            ("db_password", "db-password-from-b"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    insta::assert_snapshot!(format!(
        "stdout:\n{}stderr:\n{}",
        stdout(&out),
        stderr(&out)
    ));
    // a vault that opens, ours, no conflict markers
    let bytes = sb.read("vault/prod.yml.age");
    assert!(bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    let text = sb.view(&["prod"]);
    assert!(text.contains("api_key: \"api-key-from-a\""), "{text}");
    assert!(
        text.contains("db_password: \"first-db-password\""),
        "{text}"
    );
    // their version is one command away
    let theirs = git(&sb, &["show", "--textconv", ":3:vault/prod.yml.age"]);
    assert!(theirs.contains("api_key: \"api-key-from-b\""), "{theirs}");
}

#[test]
fn textconv_prints_what_view_prints_and_writes_nothing() {
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "a-secret-value");
    let before = sb.read("vault/prod.yml.age");
    let out = sb
        .cmd(&["textconv", "vault/prod.yml.age"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert_eq!(stdout(&out), sb.view(&["prod"]));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn without_a_key_the_merge_stops_and_keeps_our_vault() {
    let sb = repository();
    git(&sb, &["checkout", "-q", "-b", "b"]);
    sb.set("prod", "db_password", "db-password-from-b");
    git(&sb, &["commit", "-q", "-am", "b"]);
    git(&sb, &["checkout", "-q", "main"]);
    sb.set("prod", "api_key", "api-key-from-a");
    git(&sb, &["commit", "-q", "-am", "a"]);
    let ours = sb.read("vault/prod.yml.age");
    let nobody = sb.tmp.join("nobody");
    std::fs::create_dir_all(&nobody).unwrap();
    let out = git_in(&sb, &nobody, &["merge", "--no-edit", "b"]);
    sb.collect(&["merge-driver"], &out);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = stderr(&out);
    assert!(
        said.contains("promvault: vault/prod.yml.age: cannot merge: no identity found"),
        "{said}"
    );
    assert_eq!(sb.read("vault/prod.yml.age"), ours);
}

#[test]
fn a_project_in_a_subfolder_of_the_repository_is_named_to_git() {
    require("git");
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "first-api-key");
    // the repository is the folder above the project; only the project is committed
    let top = sb.root.parent().unwrap().to_path_buf();
    let in_top = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&top)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &sb.home)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    in_top(&["init", "-q", "-b", "main"]);
    let out = sb
        .cmd(&["git-setup"])
        .env("PATH", path_with_promvault())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`promvault --project project textconv`"),
        "{}",
        stderr(&out)
    );
    in_top(&["add", "project"]);
    in_top(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "-m",
        "project",
    ]);
    sb.set("prod", "api_key", "second-api-key");
    // run from inside the project: git still runs its drivers from the top
    let diff = git(&sb, &["diff", "--", "vault/prod.yml.age"]);
    assert!(diff.contains("+api_key: \"second-api-key\""), "{diff}");
}
