//! `promvault check` and the pre-commit hook, in real git repositories.

use std::{fs, process::Command};

use crate::support::{stderr, stdout, Sandbox};

fn git(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    git_in(sb, &sb.root, args)
}

/// git in `dir`, with the sandbox's home and the binary under test first on PATH (hooks run
/// `promvault` from PATH).
fn git_in(sb: &Sandbox, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", &sb.home)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env(
            "PATH",
            format!(
                "{}:{}",
                std::path::Path::new(crate::support::BIN)
                    .parent()
                    .unwrap()
                    .display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("XDG_CONFIG_HOME", sb.home.join(".config"))
        .env_remove("PROMVAULT_AGE_KEY")
        .output()
        .unwrap()
}

/// A committed, clean project in a git repository.
fn repo() -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n"),
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  hosts:\n    localhost:\n",
        );
        sb.set(env, "api_key", &format!("{env}-api-key-value"));
    }
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: app\n    authorization:\n      type: apiKey\n      credentials: {{ api_key | to_json }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    sb.write(".gitignore", "/out/\n");
    assert!(git(&sb, &["init", "-q"]).status.success());
    git(&sb, &["add", "-A"]);
    let out = git(&sb, &["commit", "-qm", "clean"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

fn check(sb: &Sandbox, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = sb.cmd(&all).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn a_clean_project_passes() {
    let sb = repo();
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("promvault check: clean"), "{out}");
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_staged_plaintext_vault_is_found() {
    let sb = repo();
    sb.write("vault/prod.yml.age", "api_key: prod-api-key-value\n");
    git(&sb, &["add", "vault/prod.yml.age"]);
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("vault/prod.yml.age: [vault-plaintext]"),
        "{out}"
    );
    assert!(!out.contains("prod-api-key-value"), "{out}");
}

#[test]
fn staged_means_the_index_not_the_work_tree() {
    let sb = repo();
    let good = sb.read("vault/prod.yml.age");
    sb.write("vault/prod.yml.age", "api_key: oops\n");
    git(&sb, &["add", "vault/prod.yml.age"]);
    // the work tree is fixed again, but the bad version is what would be committed
    fs::write(sb.path("vault/prod.yml.age"), good).unwrap();
    assert_eq!(check(&sb, &["--staged"]).0, 1);
    assert_eq!(check(&sb, &[]).0, 0);
}

#[test]
fn a_vault_not_rekeyed_after_a_new_recipient_is_found() {
    let sb = repo();
    let (_, bob) = sb.other_identity("bob.txt");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replace("  # me\n", &format!("  # me\n  - {bob}\n")),
    );
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[vault-not-rekeyed]"), "{out}");
    assert!(out.contains("promvault rekey prod"), "{out}");
    sb.cmd(&["rekey"]).assert().success();
    assert_eq!(check(&sb, &[]).0, 0);
}

#[test]
fn a_template_with_an_undefined_variable_is_found() {
    let sb = repo();
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: {{ job_nme }}\n",
    );
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("templates/prometheus.yml.j2:2: [render] undefined variable `job_nme`"),
        "{out}"
    );
}

#[test]
fn a_bcrypt_hash_in_a_client_config_is_found() {
    let sb = repo();
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: app\n    basic_auth:\n      username: u\n      password: {{ api_key | bcrypt | to_json }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[bcrypt-in-client-password]"), "{out}");
}

#[test]
fn an_unquoted_secret_is_a_warning_and_an_error_when_the_real_value_breaks_it() {
    let sb = repo();
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: app\n    authorization:\n      credentials: {{ api_key }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    // the values it has now render fine: a warning, exit 0; --strict fails on it
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning [vault-value-not-string]"), "{out}");
    assert!(out.contains("api_key | to_json"), "{out}");
    assert_eq!(check(&sb, &["--strict"]).0, 1);
    // a real value that breaks the line is an error
    sb.set("prod", "api_key", "key: with #hash");
    git(&sb, &["add", "-A"]);
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[vault-value-not-string]"), "{out}");
    assert!(!out.contains("key: with #hash"), "{out}");
}

#[test]
fn a_vault_value_pasted_into_a_template_is_found() {
    let sb = repo();
    sb.write(
        "templates/notes.txt",
        "the prod key is prod-api-key-value\n",
    );
    git(&sb, &["add", "templates/notes.txt"]);
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("templates/notes.txt:1: [leak]"), "{out}");
    assert!(!out.contains("prod-api-key-value"), "{out}");
    // without an identity the leak scan cannot run, and says so
    fs::remove_file(sb.identity_path()).unwrap();
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("leak scan skipped"), "{out}");
}

#[test]
fn a_committed_private_key_is_found_unless_marked_demo() {
    let sb = repo();
    fs::copy(sb.identity_path(), sb.path("keys/id.txt")).unwrap_or_else(|_| {
        fs::create_dir_all(sb.path("keys")).unwrap();
        fs::copy(sb.identity_path(), sb.path("keys/id.txt")).unwrap()
    });
    git(&sb, &["add", "keys/id.txt"]);
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("keys/id.txt:3: [private-key]"), "{out}");
    let key = fs::read_to_string(sb.identity_path()).unwrap();
    sb.write(
        "keys/id.txt",
        &format!("# DEMO IDENTITY: public, for the example only\n{key}"),
    );
    git(&sb, &["add", "keys/id.txt"]);
    assert_eq!(check(&sb, &["--staged"]).0, 0);
}

#[test]
fn json_output_for_ci() {
    let sb = repo();
    sb.write("templates/prometheus.yml.j2", "x: {{ nope }}\n");
    let out = sb.cmd(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["id"], "render");
    assert_eq!(report["findings"][0]["line"], 1);
}

#[test]
fn the_installed_hook_blocks_a_bad_commit_and_lets_a_good_one_through() {
    let sb = repo();
    sb.cmd(&["hook", "install"]).assert().success();
    // bad: a plaintext vault
    sb.write("vault/staging.yml.age", "api_key: staging-api-key-value\n");
    git(&sb, &["add", "-A"]);
    let out = git(&sb, &["commit", "-qm", "bad"]);
    assert!(!out.status.success(), "the commit went through");
    // git shows a hook's output on stderr
    let shown = format!("{}{}", stdout(&out), stderr(&out));
    assert!(shown.contains("[vault-plaintext]"), "{shown}");
    // good: put the vault back (encrypted), change a template
    git(&sb, &["checkout", "HEAD", "--", "vault/staging.yml.age"]);
    sb.write("templates/extra.txt", "harmless\n");
    git(&sb, &["add", "-A"]);
    let out = git(&sb, &["commit", "-qm", "good"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn hook_install_respects_a_foreign_hook() {
    let sb = repo();
    sb.write(".git/hooks/pre-commit", "#!/bin/sh\necho mine\n");
    sb.cmd(&["hook", "install"]).assert().code(2);
    assert_eq!(sb.read(".git/hooks/pre-commit"), b"#!/bin/sh\necho mine\n");
    sb.cmd(&["hook", "install", "--force"]).assert().success();
    // re-installing over our own hook needs no --force
    sb.cmd(&["hook", "install"]).assert().success();
}

#[test]
fn an_output_with_an_unknown_prometheus_field_is_found() {
    let sb = repo();
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: app\n    scrape_intervall: 5s\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("[promtool]") && out.contains("scrape_intervall"),
        "{out}"
    );
    assert!(out.contains("scrape_interval"), "a suggestion: {out}");
}

#[test]
fn the_hook_works_for_a_project_in_a_subfolder() {
    let sb = Sandbox::new();
    // the repository is the sandbox's parent of `project`: move the git root one level up
    let top = sb.root.parent().unwrap().join("repo");
    fs::create_dir_all(&top).unwrap();
    let run = |args: &[&str]| git_in(&sb, &top, args);
    run(&["init", "-q"]);
    let sub = top.join("ops/prometheus");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("promvault.yml"),
        format!(
            "recipients: [{}]\nenvironments:\n  prod: {{}}\n",
            sb.recipient
        ),
    )
    .unwrap();
    fs::create_dir_all(sub.join("inventories/prod")).unwrap();
    fs::write(
        sub.join("inventories/prod/hosts.yml"),
        "all:\n  hosts:\n    localhost:\n",
    )
    .unwrap();
    let cmd = |args: &[&str]| {
        let mut c = sb.cmd(args);
        c.current_dir(&sub);
        c
    };
    cmd(&["set", "prod", "api_key"])
        .write_stdin("the-prod-key-value")
        .assert()
        .success();
    cmd(&["hook", "install"]).assert().success();
    let hook = fs::read_to_string(top.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("--project ops/prometheus"), "{hook}");
    run(&["add", "-A"]);
    let out = run(&["commit", "-qm", "good"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    fs::write(
        top.join("ops/prometheus/notes.txt"),
        "key: the-prod-key-value\n",
    )
    .unwrap();
    run(&["add", "-A"]);
    let out = run(&["commit", "-qm", "leak"]);
    assert!(!out.status.success(), "the leak was committed");
    assert!(format!("{}{}", stdout(&out), stderr(&out)).contains("[leak]"));
}

#[test]
fn a_foreign_hook_that_is_not_text_or_a_broken_link_is_kept() {
    let sb = repo();
    fs::write(sb.path(".git/hooks/pre-commit"), b"#!/bin/sh\n# caf\xe9\n").unwrap();
    sb.cmd(&["hook", "install"]).assert().code(2);
    fs::remove_file(sb.path(".git/hooks/pre-commit")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/hook", sb.path(".git/hooks/pre-commit")).unwrap();
    sb.cmd(&["hook", "install"]).assert().code(2);
    assert!(fs::symlink_metadata(sb.path(".git/hooks/pre-commit"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn vault_mappings_keep_their_shape_in_checks() {
    let sb = repo();
    let editor = sb.script(
        "ed.sh",
        r#"printf 'api_key: "k-1234"\nweb_users:\n  alice: "pw-alice"\n' > "$1""#,
    );
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    sb.cmd(&["edit", "staging"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    sb.write(
        "templates/web.yml.j2",
        "basic_auth_users:\n{% for user, pw in web_users.items() %}\n  {{ user }}: {{ pw | bcrypt(cost=4) }}\n{% endfor %}\n",
    );
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write("promvault.yml", &format!("{text}  - template: templates/web.yml.j2\n    dest: \"out/{{{{ env }}}}/web.yml\"\n    validate: none\n"));
    sb.cmd(&["render"]).assert().success();
    let (code, out) = check(&sb, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn every_leaked_value_is_listed_with_its_line() {
    let sb = repo();
    let hash_key = sb.view(&["prod", "promvault_hash_key"]);
    let staging = sb.view(&["staging", "api_key"]);
    sb.write(
        "notes.txt",
        &format!("prod: prod-api-key-value\nnothing here\nstaging: {staging}\nkey: {hash_key}\n"),
    );
    git(&sb, &["add", "notes.txt"]);
    let (code, out) = check(&sb, &["--staged"]);
    assert_eq!(code, 1, "{out}");
    for line in [1, 3, 4] {
        assert!(out.contains(&format!("notes.txt:{line}: [leak]")), "{out}");
    }
    assert!(!out.contains("notes.txt:2:"), "{out}");
    assert!(!out.contains("{{ promvault_hash_key }}"), "{out}");
    assert!(
        !out.contains(&hash_key) && !out.contains("prod-api-key-value"),
        "{out}"
    );
}
