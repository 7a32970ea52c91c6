//! Snapshots of what people read when something is wrong.

use crate::support::{stderr, Sandbox};

/// Hides what differs between runs: temp paths and keys.
fn settle(sb: &Sandbox, text: &str) -> String {
    let mut out = text.replace(sb.root.to_str().unwrap(), "[PROJECT]");
    out = out.replace(sb.home.to_str().unwrap(), "[HOME]");
    let re_age = regex_lite::Regex::new(r"age1[0-9a-z]{58}").unwrap();
    re_age.replace_all(&out, "[AGE-RECIPIENT]").into_owned()
}

fn failure(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.cmd(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    settle(sb, &stderr(&out))
}

#[test]
fn wrong_identity() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "secret-value");
    let (other, _) = sb.other_identity("other.txt");
    insta::assert_snapshot!(failure(
        &sb,
        &["view", "prod", "-i", other.to_str().unwrap()]
    ));
}

#[test]
fn unknown_environment() {
    let sb = Sandbox::new();
    insta::assert_snapshot!(failure(&sb, &["view", "qa"]));
}

#[test]
fn plaintext_vault() {
    let sb = Sandbox::new();
    sb.write("vault/prod.yml.age", "api_key: secret-value\n");
    insta::assert_snapshot!(failure(&sb, &["view", "prod"]));
}

#[test]
fn tampered_vault() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "secret-value");
    let mut bytes = sb.read("vault/prod.yml.age");
    // the first character of the last armored line: the payload's authentication tag
    let text = String::from_utf8(bytes.clone()).unwrap();
    let end = text.rfind("\n-----END").unwrap();
    let at = text[..end].rfind('\n').unwrap() + 1;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(sb.path("vault/prod.yml.age"), bytes).unwrap();
    insta::assert_snapshot!(failure(&sb, &["view", "prod"]));
}

#[test]
fn malformed_project_file() {
    let sb = Sandbox::new();
    sb.write(
        "promvault.yml",
        "recipients: []\nenvironments:\n  prod:\n    vualt: vault/prod.yml.age\n",
    );
    insta::assert_snapshot!(failure(&sb, &["view", "prod"]));
}

#[test]
fn no_project() {
    let sb = Sandbox::empty();
    insta::assert_snapshot!(failure(&sb, &["view", "prod"]));
}

#[test]
fn invalid_edit() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "secret-value");
    let editor = sb.script("ed.sh", r#"printf 'a: "secret-value"\n  b: c\n' > "$1""#);
    let out = sb
        .cmd(&["edit", "prod"])
        .env("EDITOR", editor)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(settle(&sb, &stderr(&out)));
}

#[test]
fn version_names_the_commit() {
    let out = std::process::Command::new(crate::support::BIN)
        .arg("--version")
        .output()
        .unwrap();
    let version = String::from_utf8_lossy(&out.stdout).into_owned();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    assert_eq!(
        version.trim(),
        format!("promvault {} ({commit})", env!("CARGO_PKG_VERSION"))
    );
}

/// A render's error names its own root cause: a variable error that another host's render
/// met and tolerated (`| default`) is not it, whichever host renders first (hosts may render
/// at the same time).
#[test]
fn a_host_failure_names_its_own_cause() {
    let sb = Sandbox::new();
    sb.set("prod", "unused", "secret-value");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/host.j2\n    dest: \"out/{{{{ inventory_hostname }}}}.txt\"\n    hosts: all\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    alpha:\n      tolerated: \"{{ nowhere_defined }}\"\n      needed: 1\n    beta:\n",
    );
    sb.write(
        "templates/host.j2",
        "{{ tolerated | default('fine') }}\n{{ needed }}\n",
    );
    for _ in 0..3 {
        let out = sb.cmd(&["render", "prod"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("needed"), "{err}");
        assert!(err.contains("beta"), "{err}");
        assert!(!err.contains("nowhere_defined"), "{err}");
    }
}
