//! `promvault import-ansible-vault`: the vectors made by the real ansible-vault, imported and
//! read back exactly; conflicts, wrong passwords and password scripts.

use std::{fs, path::PathBuf};

use crate::support::{stderr, Sandbox};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ansible-vault")
}

fn vector(name: &str) -> String {
    vectors().join(name).display().to_string()
}

fn import(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["import-ansible-vault", "--vault-password-file"];
    let pw = vector("vault-password.txt");
    all.push(&pw);
    all.extend_from_slice(args);
    sb.cmd(&all).output().unwrap()
}

#[test]
fn whole_file_vaults_of_both_formats_import_exactly() {
    let sb = Sandbox::new();
    sb.set("prod", "existing", "kept");
    let out = import(
        &sb,
        &[
            "--env",
            "prod",
            &vector("01-vars-1.1.yml.vault"),
            &vector("03-unicode-1.1.yml.vault"),
            &vector("04-prod-label-1.2.yml.vault"),
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for (key, value) in [
        ("vault_web_password", "s3cr3t-Passw0rd"),
        ("vault_api_key", "k3y: #{{x}} é ☃"),
        ("vault_multiline", "line1\nline2\n"),
        ("vault_prod_password", "prod-only-secret"),
        ("existing", "kept"),
    ] {
        assert_eq!(sb.view(&["prod", key]), value, "{key}");
        assert!(!err.contains(value) || key == "existing", "{err}");
    }
    assert!(err.contains("vault_web_password"), "{err}");
    assert!(err.contains("next: delete"), "{err}");
    // the record names the new variables
    let record = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    assert!(record.contains("vault_api_key"), "{record}");
}

#[test]
fn inline_values_are_imported_and_plain_variables_stay() {
    let sb = Sandbox::new();
    let frag = fs::read_to_string(vectors().join("06-inline-prod-label-1.2.yml.fragment")).unwrap();
    let vars = sb.write(
        "inventories/prod/group_vars/all.yml",
        &format!(
            "{}{frag}",
            fs::read_to_string(vectors().join("05-inline-encrypt-string.yml")).unwrap()
        ),
    );
    let out = import(&sb, &["--env", "prod", vars.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let plain = fs::read_to_string(vectors().join("05-inline.plain")).unwrap();
    assert_eq!(sb.view(&["prod", "vault_inline_password"]), plain);
    let prod = fs::read_to_string(vectors().join("06-inline-prod-label-1.2.plain")).unwrap();
    assert_eq!(sb.view(&["prod", "vault_inline_prod"]), prod);
    assert!(err.contains("web_user, other_plain"), "{err}");
    assert!(err.contains("remove the !vault values"), "{err}");
    assert!(!err.contains(&plain), "{err}");
}

#[test]
fn conflicts_wrong_passwords_and_text_files_change_nothing() {
    let sb = Sandbox::new();
    sb.set("prod", "vault_web_password", "mine");
    let before = sb.read("vault/prod.yml.age");
    let out = import(&sb, &["--env", "prod", &vector("01-vars-1.1.yml.vault")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already has `vault_web_password`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    // --overwrite replaces it
    let out = import(
        &sb,
        &[
            "--env",
            "prod",
            "--overwrite",
            &vector("01-vars-1.1.yml.vault"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.view(&["prod", "vault_web_password"]), "s3cr3t-Passw0rd");
    // a wrong password
    let wrong = sb.write("wrong.txt", "not-the-password\n");
    let before = sb.read("vault/prod.yml.age");
    let out = sb
        .cmd(&[
            "import-ansible-vault",
            "--env",
            "prod",
            "--vault-password-file",
            wrong.to_str().unwrap(),
            &vector("04-prod-label-1.2.yml.vault"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("password is wrong"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    // a vault of plain text, not variables
    let out = import(
        &sb,
        &["--env", "prod", &vector("02-no-newline-1.1.txt.vault")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("promvault encrypt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_executable_password_file_is_run_as_ansible_does() {
    let sb = Sandbox::new();
    let script = sb.script(
        "pass.sh",
        &format!("cat '{}'", vector("vault-password.txt")),
    );
    let out = sb
        .cmd(&[
            "import-ansible-vault",
            "--env",
            "staging",
            "--vault-password-file",
            script.to_str().unwrap(),
            &vector("01-vars-1.1.yml.vault"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.view(&["staging", "vault_web_password"]),
        "s3cr3t-Passw0rd"
    );
    // ANSIBLE_VAULT_PASSWORD_FILE works too
    let out = sb
        .cmd(&[
            "import-ansible-vault",
            "--env",
            "prod",
            &vector("04-prod-label-1.2.yml.vault"),
        ])
        .env("ANSIBLE_VAULT_PASSWORD_FILE", vector("vault-password.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.view(&["prod", "vault_prod_password"]),
        "prod-only-secret"
    );
}

#[test]
fn an_ansible_vault_where_a_vault_belongs_points_at_the_import() {
    let sb = Sandbox::new();
    sb.set("staging", "a", "b");
    fs::copy(
        vectors().join("01-vars-1.1.yml.vault"),
        sb.path("vault/prod.yml.age"),
    )
    .unwrap();
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("promvault import-ansible-vault vault/prod.yml.age.ansible --env ENV"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("promvault encrypt"),
        "{}",
        stderr(&out)
    );
    let out = sb.cmd(&["check"]).output().unwrap();
    let text = crate::support::stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("[vault-ansible]"), "{text}");
    assert!(text.contains("--env prod"), "{text}");
}

#[test]
fn init_adopts_an_existing_ansible_repository_and_points_at_its_vaults() {
    let sb = Sandbox::empty();
    // an Ansible repository: two inventories, a role with a template and defaults, a
    // top-level template, and an ansible-vault file in prod's group_vars
    sb.write(
        "inventories/prod/hosts.ini",
        "[prometheus]\nprom1 ansible_host=10.0.0.1\n",
    );
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  children:\n    prometheus:\n      hosts:\n        prom-s:\n",
    );
    sb.write(
        "inventories/prod/group_vars/all/main.yml",
        "scrape_interval: 30s\n",
    );
    fs::copy(
        vectors().join("01-vars-1.1.yml.vault"),
        sb.path("inventories/prod/group_vars/all/vault.yml"),
    )
    .unwrap();
    sb.write(
        "roles/prometheus/templates/prometheus.yml.j2",
        "global:\n  scrape_interval: {{ scrape_interval }}\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ['localhost:9090']\n",
    );
    sb.write(
        "roles/prometheus/defaults/main.yml",
        "scrape_interval: 15s\n",
    );
    sb.write("templates/motd.j2", "hello {{ env }}\n");
    let before_inventory = sb.read("inventories/prod/hosts.ini");
    let out = sb.cmd(&["init"]).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("adopted the Ansible repository"), "{err}");
    assert!(
        err.contains("inventories/prod/group_vars/all/vault.yml holds ansible-vault secrets: move them with `promvault import-ansible-vault inventories/prod/group_vars/all/vault.yml --env prod"),
        "{err}"
    );
    // the repository itself is untouched; promvault.yml points at it
    assert_eq!(sb.read("inventories/prod/hosts.ini"), before_inventory);
    let project = String::from_utf8(sb.read("promvault.yml")).unwrap();
    for expected in [
        "\"prod\":\n    inventory: \"inventories/prod\"",
        "\"staging\":\n    inventory: \"inventories/staging\"",
        "template: \"roles/prometheus/templates/prometheus.yml.j2\"\n    dest: \"out/{{ env }}/prometheus/prometheus.yml\"\n    defaults: [\"roles/prometheus/defaults/main.yml\"]",
        "template: \"templates/motd.j2\"\n    dest: \"out/{{ env }}/motd\"",
    ] {
        assert!(project.contains(expected), "{expected}\n{project}");
    }
    // render says what to do with the ansible-vault file
    let out = sb.cmd(&["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("inventories/prod/group_vars/all/vault.yml:1: this is an ansible-vault file: move its variables into the promvault vault with `promvault import-ansible-vault"),
        "{}",
        stderr(&out)
    );
    let out = import(
        &sb,
        &["--env", "prod", "inventories/prod/group_vars/all/vault.yml"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.view(&["prod", "vault_web_password"]), "s3cr3t-Passw0rd");
    fs::remove_file(sb.path("inventories/prod/group_vars/all/vault.yml")).unwrap();
    // then it renders: role defaults and group_vars apply
    let out = sb.cmd(&["render"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let prod = String::from_utf8(sb.read("out/prod/prometheus/prometheus.yml")).unwrap();
    assert!(prod.contains("scrape_interval: 30s"), "{prod}");
    let staging = String::from_utf8(sb.read("out/staging/prometheus/prometheus.yml")).unwrap();
    assert!(staging.contains("scrape_interval: 15s"), "{staging}");
    // a second init refuses: the project exists now
    sb.cmd(&["init"]).assert().code(2);
}
