//! The `secret_file` filter: each secret in an owner-only file of its own beside the output,
//! the output holding only its path; `render` writes, checks, diffs (masked) and prunes those
//! files as it does every output, and `check` knows them.

use std::{fs, process::Command, thread::sleep, time::Duration};

use crate::support::{mtime, require, stderr, stdout, Sandbox};

const CONFIG: &str = "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password_file: {{ scrape_password | secret_file }}\n    static_configs:\n      - targets: ['node1:9100']\n  - job_name: app\n    authorization:\n      type: apiKey\n      credentials_file: {{ vault_api_key | secret_file }}\n    static_configs:\n      - targets: ['app:8080']\n";

/// A project whose Prometheus config takes two credentials from secret files: one through a
/// group_vars indirection (`scrape_password: "{{ vault_scrape_password }}"`), one directly.
fn project(extra_output_keys: &str) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n{extra_output_keys}"),
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  children:\n    exporters:\n      hosts:\n        node1:\n          token: token-of-node1\n        node2:\n          token: token-of-node2\n",
        );
        sb.write(
            &format!("inventories/{env}/group_vars/all.yml"),
            "scrape_password: \"{{ vault_scrape_password }}\"\n",
        );
        sb.set(
            env,
            "vault_scrape_password",
            &format!("{env}-scrape: pw #1"),
        );
        sb.set(env, "vault_api_key", &format!("{env}-api-key-value"));
    }
    sb.write("templates/prometheus.yml.j2", CONFIG);
    sb
}

fn text(sb: &Sandbox, rel: &str) -> String {
    String::from_utf8(sb.read(rel)).unwrap()
}

#[test]
fn each_secret_goes_to_an_owner_only_file_and_the_config_holds_its_path() {
    let sb = project("");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    for file in [
        "out/prod/prometheus.yml",
        "out/prod/secrets/scrape_password",
        "out/prod/secrets/vault_api_key",
    ] {
        assert!(summary.contains(&format!("created: {file}\n")), "{summary}");
    }
    // the value exactly as the vault holds it, no newline added; named after the variable
    // the template used
    assert_eq!(
        sb.read("out/prod/secrets/scrape_password"),
        b"prod-scrape: pw #1"
    );
    assert_eq!(
        sb.read("out/prod/secrets/vault_api_key"),
        b"prod-api-key-value"
    );
    assert_eq!(sb.mode("out/prod/secrets/scrape_password"), 0o600);
    assert_eq!(sb.mode("out/prod/secrets/vault_api_key"), 0o600);
    let config = text(&sb, "out/prod/prometheus.yml");
    assert!(
        config.contains("password_file: secrets/scrape_password\n")
            && config.contains("credentials_file: secrets/vault_api_key\n"),
        "{config}"
    );
    assert!(!config.contains("prod-"), "{config}");
    // Prometheus resolves the path against the config's folder: promtool finds the file
    require("promtool");
    let promtool = Command::new("promtool")
        .args(["check", "config"])
        .arg(sb.path("out/prod/prometheus.yml"))
        .output()
        .unwrap();
    assert!(promtool.status.success(), "{}", stderr(&promtool));

    // again: nothing changes, nothing is touched
    let before = mtime(&sb.path("out/prod/secrets/vault_api_key"));
    sleep(Duration::from_millis(20));
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(
        stdout(&out).contains("unchanged: out/prod/secrets/vault_api_key\n")
            && stdout(&out).contains("unchanged: out/prod/secrets/scrape_password\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(mtime(&sb.path("out/prod/secrets/vault_api_key")), before);
    sb.cmd(&["render", "prod", "--check"]).assert().code(0);
    // --stdout prints the config, never a secret file
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert_eq!(stdout(&out), config);
    assert!(
        stderr(&out).contains("note: 2 secret file(s) not written"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_rotated_secret_changes_only_its_file_and_diffs_never_show_it() {
    let sb = project("");
    sb.cmd(&["render", "prod"]).assert().success();
    let config = sb.read("out/prod/prometheus.yml");
    sb.set("prod", "vault_api_key", "rotated-api-key-value");
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let shown = stdout(&out);
    insta::assert_snapshot!(shown);
    assert!(
        shown.contains("would change: out/prod/secrets/vault_api_key\n")
            && shown.contains("unchanged: out/prod/prometheus.yml\n")
            && shown.contains("unchanged: out/prod/secrets/scrape_password\n"),
        "{shown}"
    );
    assert!(
        shown.contains("-<secret_file:vault_api_key (before)>\n+<secret_file:vault_api_key>\n"),
        "{shown}"
    );
    assert!(
        !shown.contains("prod-api-key-value") && !shown.contains("rotated-api"),
        "{shown}"
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(
        stdout(&out).contains("changed: out/prod/secrets/vault_api_key\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        sb.read("out/prod/secrets/vault_api_key"),
        b"rotated-api-key-value"
    );
    assert_eq!(
        sb.read("out/prod/prometheus.yml"),
        config,
        "no reload needed"
    );
}

#[test]
fn a_secret_file_no_output_uses_is_listed_and_pruned() {
    let sb = project("");
    sb.cmd(&["render", "prod"]).assert().success();
    sb.write(
        "templates/prometheus.yml.j2",
        &CONFIG.replace(
            "credentials_file: {{ vault_api_key | secret_file }}",
            "credentials: {{ vault_api_key | to_json }}",
        ),
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: out/prod/secrets/vault_api_key is no longer rendered"),
        "{}",
        stderr(&out)
    );
    assert!(sb.path("out/prod/secrets/vault_api_key").exists());
    let out = sb
        .cmd(&["render", "prod", "--prune", "--check", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = stdout(&out);
    assert!(
        shown.contains("+++ /dev/null\n@@ -1 +0 @@\n-<secret_file:vault_api_key (before)>\n")
            && shown.contains("would remove: out/prod/secrets/vault_api_key\n"),
        "{shown}"
    );
    let out = sb.cmd(&["render", "prod", "--prune"]).output().unwrap();
    assert!(
        stdout(&out).contains("removed: out/prod/secrets/vault_api_key\n"),
        "{}",
        stdout(&out)
    );
    assert!(!sb.path("out/prod/secrets/vault_api_key").exists());
    assert!(sb.path("out/prod/secrets/scrape_password").exists());
    let manifest = text(&sb, ".promvault-outputs");
    assert!(
        manifest.contains("prod\tout/prod/secrets/scrape_password\tsecret\n")
            && !manifest.contains("vault_api_key"),
        "{manifest}"
    );
}

#[test]
fn names_are_needed_where_the_variable_is_unknown_and_collisions_are_refused() {
    let sb = project("");
    let render_with = |template: &str| {
        sb.write("templates/prometheus.yml.j2", template);
        sb.cmd(&["render", "prod"]).output().unwrap()
    };
    // two hosts' tokens under one name
    let out = render_with(
        "{% for h in groups['exporters'] %}\n# {{ hostvars[h].token | secret_file }}\n{% endfor %}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("two different values of `token` would be written to secret file `token`"),
        "{}",
        stderr(&out)
    );
    assert!(!sb.path("out/prod").exists(), "nothing is written");
    // named per host, each has its file
    let out = render_with(
        "{% for h in groups['exporters'] %}\n# {{ hostvars[h].token | secret_file('token_' ~ h) }}\n{% endfor %}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        text(&sb, "out/prod/prometheus.yml"),
        "# secrets/token_node1\n# secrets/token_node2\n"
    );
    assert_eq!(sb.read("out/prod/secrets/token_node2"), b"token-of-node2");
    // a computed value has no variable's name
    let out = render_with("x: {{ ('u:' ~ vault_api_key) | secret_file }}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot tell which variable this value is"),
        "{}",
        stderr(&out)
    );
    // Prometheus strips white space around a file's content: a value with some is refused
    sb.set("prod", "vault_api_key", "key-with-a-newline\n");
    let out = render_with(CONFIG);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "`secret_file` of `vault_api_key`: the value starts or ends with white space"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("key-with"), "{}", stderr(&out));
}

#[test]
fn the_folder_and_the_path_prometheus_sees_can_be_set() {
    let sb = project(
        "    secret_files: \"secrets/{{ env }}\"\n    secret_files_path: /etc/prometheus/secrets\n",
    );
    sb.cmd(&["render", "prod"]).assert().success();
    assert_eq!(sb.read("secrets/prod/vault_api_key"), b"prod-api-key-value");
    let config = text(&sb, "out/prod/prometheus.yml");
    assert!(
        config.contains("credentials_file: /etc/prometheus/secrets/vault_api_key\n"),
        "{config}"
    );
    // without secret_files_path: the path from the config's folder
    let sb = project("    secret_files: \"secrets/{{ env }}\"\n");
    sb.cmd(&["render", "prod"]).assert().success();
    let config = text(&sb, "out/prod/prometheus.yml");
    assert!(
        config.contains("credentials_file: ../../secrets/prod/vault_api_key\n"),
        "{config}"
    );
    // under --out-dir the files move with the outputs
    let dir = sb.home.join("deploy");
    sb.cmd(&["render", "prod", "--out-dir", dir.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        fs::read(dir.join("secrets/prod/vault_api_key")).unwrap(),
        b"prod-api-key-value"
    );
}

fn git(sb: &Sandbox, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(&sb.root)
        .env("HOME", &sb.home)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

#[test]
fn check_leaves_secret_files_in_the_work_tree_alone_but_not_in_git() {
    require("git");
    // outside out/, so that the scan sees them
    let sb = project("    secret_files: \"secrets/{{ env }}\"\n");
    // before any render: the files the config names do not exist yet, and that is no finding
    let out = sb.cmd(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    sb.cmd(&["render"]).assert().success();
    let out = sb.cmd(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // in a repository that does not track them: still fine
    sb.write(".gitignore", "/out/\n/secrets/\n");
    git(&sb, &["init", "-q"]);
    git(&sb, &["add", "-A"]);
    git(&sb, &["commit", "-qm", "project"]);
    let out = sb.cmd(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // staged by force: a leak, with what to do
    git(&sb, &["add", "-f", "secrets/prod/vault_api_key"]);
    for args in [&["check", "--staged"][..], &["check"][..]] {
        let out = sb.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
        let report = stdout(&out);
        assert!(
            report.contains("secrets/prod/vault_api_key:1: [leak]")
                && report.contains("git rm --cached secrets/prod/vault_api_key"),
            "{args:?}: {report}"
        );
    }
}

#[test]
fn outputs_in_one_folder_share_a_secret_file_but_not_two_values() {
    let sb = project("  - template: templates/other.j2\n    dest: \"out/{{ env }}/other.yml\"\n");
    // the same secret from two outputs: one file
    sb.write(
        "templates/other.j2",
        "key_file: {{ vault_api_key | secret_file }}\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out)
            .matches("created: out/prod/secrets/vault_api_key\n")
            .count(),
        1,
        "{}",
        stdout(&out)
    );
    assert_eq!(
        text(&sb, "out/prod/other.yml"),
        "key_file: secrets/vault_api_key\n"
    );
    // another value under that name: refused, nothing written
    sb.write(
        "templates/other.j2",
        "key_file: {{ vault_scrape_password | secret_file('vault_api_key') }}\n",
    );
    sb.set("prod", "vault_api_key", "a-new-api-key");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("secret file `out/prod/secrets/vault_api_key` would hold two different values: `vault_api_key` for templates/prometheus.yml.j2 (host `localhost`) and `vault_api_key` for templates/other.j2"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        sb.read("out/prod/secrets/vault_api_key"),
        b"prod-api-key-value"
    );
}
