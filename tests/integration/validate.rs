//! `render` validates before it writes: promvault's lints (and Prometheus' rules), every
//! finding listed with file:line, nothing written; `--no-validate` for emergencies.

use crate::support::{stderr, Sandbox};

/// A project whose one output is the given Prometheus template; the vault holds `api_key`
/// and `password`.
fn with_template(template: &str) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: prometheus.yml.j2\n    dest: out/prometheus.yml\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write("prometheus.yml.j2", template);
    sb.set("prod", "api_key", "k3y: with # hash");
    sb.set("prod", "password", "plain-password");
    sb
}

fn findings(sb: &Sandbox) -> String {
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!sb.path("out").exists(), "nothing may be written");
    let err = stderr(&out);
    for secret in ["k3y: with", "plain-password"] {
        assert!(!err.contains(secret), "{err}");
    }
    err
}

#[test]
fn lint_bcrypt_hash_as_client_password() {
    let sb = with_template(
        "scrape_configs:\n  - job_name: app\n    basic_auth:\n      username: u\n      password: {{ password | bcrypt(cost=4) | to_json }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    insta::assert_snapshot!(findings(&sb));
}

#[test]
fn lint_authorization_type_case() {
    let sb = with_template(
        "scrape_configs:\n  - job_name: app\n    authorization:\n      type: apikey\n      credentials: {{ api_key | to_json }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    insta::assert_snapshot!(findings(&sb));
}

#[test]
fn lint_literal_credential() {
    let sb = with_template(
        "scrape_configs:\n  - job_name: app\n    authorization:\n      credentials: not-from-the-vault\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    insta::assert_snapshot!(findings(&sb));
}

#[test]
fn lint_vault_value_not_a_string() {
    let sb = with_template(
        "scrape_configs:\n  - job_name: app\n    authorization:\n      credentials: {{ api_key }}\n    static_configs:\n      - targets: ['app:8080']\n",
    );
    insta::assert_snapshot!(findings(&sb));
}

#[test]
fn no_validate_writes_anyway() {
    let sb = with_template(
        "scrape_configs:\n  - job_name: app\n    authorization:\n      type: apikey\n      credentials: {{ api_key | to_json }}\n",
    );
    sb.cmd(&["render", "prod", "--no-validate"])
        .assert()
        .success();
    assert!(sb.path("out/prometheus.yml").exists());
}

#[test]
fn prometheus_rules_with_field_path_line_and_suggestion() {
    let sb = with_template(
        "global:\n  scrape_interval: 10s\n  scrape_timeout: 20s\nscrape_configs:\n  - job_name: app\n    scrape_interva: 5s\n    static_configs:\n      - targets: ['http://app:8080/metrics']\n  - job_name: app\n    basic_auth:\n      username: u\n      password: {{ password | to_json }}\n    authorization:\n      credentials: {{ api_key | to_json }}\n",
    );
    insta::assert_snapshot!(findings(&sb));
}

#[test]
fn prometheus_version_decides_what_is_valid() {
    // a 3.x-only field: fine for the default (3.x), rejected for 2.42
    let template = "global:\n  scrape_protocols: [PrometheusText0.0.4]\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['app:8080']\n";
    let sb = with_template(template);
    sb.cmd(&["render", "prod"]).assert().success();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}prometheus_version: \"2.42\"\n"),
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("scrape_protocols"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn web_configs_need_bcrypt_hashes() {
    let sb = with_template("scrape_configs: []\n");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}  - template: web.yml.j2\n    dest: out/web.yml\n"),
    );
    sb.write(
        "web.yml.j2",
        "basic_auth_users:\n  prometheus: {{ password | to_json }}\n",
    );
    let err = findings(&sb);
    assert!(err.contains("out/web.yml"), "{err}");
    sb.write(
        "web.yml.j2",
        "basic_auth_users:\n  prometheus: {{ password | bcrypt(cost=4) }}\n",
    );
    sb.cmd(&["render", "prod"]).assert().success();
}

#[test]
fn an_error_that_quotes_a_secret_shows_it_masked() {
    let sb = with_template("x: {{ password | human_to_bytes }}\n");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains("plain-password"), "{err}");
    assert!(err.contains("<vault:password>"), "{err}");
}

#[test]
fn a_key_written_twice_in_a_vars_file_is_a_warning_with_both_lines() {
    let sb = with_template("scrape_configs:\n  - job_name: '{{ job }}'\n    static_configs:\n      - targets: ['{{ target }}']\n");
    sb.write(
        "inventories/prod/group_vars/all.yml",
        "job: first\ntarget: a:9100\nopts:\n  x: 1\n  x: 2\njob: second\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // as Ansible: a warning for each, and the last value is used
    assert!(
        err.contains("inventories/prod/group_vars/all.yml:6: warning [duplicate-key] `job` is written twice in one mapping (first at line 1)"),
        "{err}"
    );
    assert!(
        err.contains("all.yml:5: warning [duplicate-key] `x` is written twice in one mapping (first at line 4)"),
        "{err}"
    );
    let written = String::from_utf8(sb.read("out/prometheus.yml")).unwrap();
    assert!(written.contains("job_name: 'second'"), "{written}");
    // check shows it too, passes, and fails with --strict
    sb.set("staging", "unused", "x");
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "inventories/staging/group_vars/all.yml",
        "job: s\ntarget: b:9100\n",
    );
    let out = sb.cmd(&["check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        crate::support::stdout(&out),
        stderr(&out)
    );
    assert!(crate::support::stdout(&out).contains("[duplicate-key]"));
    let out = sb.cmd(&["check", "--strict"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_finding_can_be_allowed_on_purpose_in_promvault_yml_or_in_the_template() {
    let template = "scrape_configs:\n  - job_name: web\n    authorization:\n      type: apikey\n      credentials: {{ api_key | to_json }}\n    static_configs:\n      - targets: ['web:8080']\n";
    let sb = with_template(template);
    sb.set("staging", "api_key", "k3y");
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    let base = String::from_utf8(sb.read("promvault.yml")).unwrap();
    let render = |sb: &Sandbox| sb.cmd(&["render", "prod"]).output().unwrap();
    let out = render(&sb);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[authorization-type-case]"));
    // an entry for another file or field allows nothing
    for entry in [
        "{id: authorization-type-case, file: out/other.yml}",
        "{id: authorization-type-case, field: 'scrape_configs[1].*'}",
        "{id: literal-credential}",
    ] {
        sb.write(
            "promvault.yml",
            &format!("{base}check:\n  allow:\n    - {entry}\n"),
        );
        assert_eq!(render(&sb).status.code(), Some(2), "{entry}");
    }
    // the right one does, in render and check, and says so
    sb.write(
        "promvault.yml",
        &format!("{base}check:\n  allow:\n    - id: authorization-type-case\n      file: out/*.yml\n      field: 'scrape_configs[*].authorization.type'\n      reason: the vendor's endpoint wants it in lower case\n"),
    );
    let out = render(&sb);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: 1 finding(s) allowed on purpose"),
        "{}",
        stderr(&out)
    );
    let out = sb.cmd(&["check", "--strict"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::support::stdout(&out)
    );
    assert!(crate::support::stdout(&out).contains("allowed on purpose"));
    // or a comment on the template line that writes it (or the line above)
    sb.write("promvault.yml", &base);
    sb.write(
        "prometheus.yml.j2",
        &template.replace(
            "      type: apikey\n",
            "{# promvault: allow authorization-type-case #}\n      type: apikey\n",
        ),
    );
    let out = render(&sb);
    assert!(out.status.success(), "{}", stderr(&out));
    // a comment allowing another id does not
    sb.write(
        "prometheus.yml.j2",
        &template.replace(
            "      type: apikey\n",
            "      type: apikey  {# promvault: allow literal-credential #}\n",
        ),
    );
    assert_eq!(render(&sb).status.code(), Some(2));
    // an unknown key in an entry is an error with its line
    sb.write(
        "promvault.yml",
        &format!("{base}check:\n  allow:\n    - {{id: x, path: y}}\n"),
    );
    let out = render(&sb);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("promvault.yml:"), "{}", stderr(&out));
}
