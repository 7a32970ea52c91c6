//! `keygen` and `init`.

use std::fs;

use crate::support::{stderr, stdout, Sandbox};

#[test]
fn keygen_writes_an_owner_only_identity_in_age_keygen_format() {
    let sb = Sandbox::empty();
    let out = sb.cmd(&["keygen"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let recipient = stdout(&out).trim().to_string();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let path = sb.identity_path();
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("# created: 20"), "{text}");
    assert_eq!(lines[1], format!("# public key: {recipient}"));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    assert_eq!(lines.len(), 3);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // the secret key is never printed
    assert!(!stdout(&out).contains("AGE-SECRET-KEY"));
    assert!(!stderr(&out).contains("AGE-SECRET-KEY"));
}

#[test]
fn keygen_never_overwrites() {
    let sb = Sandbox::empty();
    let target = sb.home.join("key.txt");
    let t = target.to_str().unwrap();
    sb.cmd(&["keygen", "-o", t]).assert().success();
    let before = fs::read(&target).unwrap();
    let out = sb.cmd(&["keygen", "-o", t]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(fs::read(&target).unwrap(), before);
}

#[test]
fn keygen_to_stdout_on_request() {
    let sb = Sandbox::empty();
    let out = sb.cmd(&["keygen", "-o", "-"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("AGE-SECRET-KEY-1"));
}

#[test]
fn init_creates_a_project_and_an_identity_when_there_is_none() {
    let sb = Sandbox::empty();
    let out = sb.cmd(&["init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let recipient = stdout(&out).trim().to_string();
    assert!(sb.identity_path().exists());
    let project = String::from_utf8(sb.read("promvault.yml")).unwrap();
    assert!(project.contains(&recipient), "{project}");
    assert!(sb.path("templates/prometheus.yml.j2").exists());
    assert!(sb.path("inventories/default/hosts.yml").exists());
    assert_eq!(sb.mode("vault/default.yml.age"), 0o600);
    // the new vault opens with the new identity and holds only a random hash key
    let text = sb.view(&["default"]);
    let map: indexmap::IndexMap<String, String> = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(map.keys().collect::<Vec<_>>(), ["promvault_hash_key"]);
    assert_eq!(map["promvault_hash_key"].len(), 32);
    assert!(sb.path("vault/default.yml.age.recipients").exists());
    // and a secret can be added straight away
    sb.set("default", "api_key", "k");
    assert_eq!(sb.view(&["default", "api_key"]), "k");
}

#[test]
fn init_uses_the_identity_you_have() {
    let sb = Sandbox::empty();
    let recipient = stdout(&sb.cmd(&["keygen"]).output().unwrap())
        .trim()
        .to_string();
    let identity = fs::read(sb.identity_path()).unwrap();
    let dir = sb.root.join("new");
    let out = sb.cmd(&["init", dir.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), recipient);
    assert_eq!(fs::read(sb.identity_path()).unwrap(), identity);
    assert!(dir.join("promvault.yml").exists());
}

#[test]
fn init_refuses_to_touch_an_existing_project() {
    let sb = Sandbox::new();
    let before = sb.read("promvault.yml");
    let out = sb.cmd(&["init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"));
    assert_eq!(sb.read("promvault.yml"), before);
    // a folder with only a vault/ in it is an existing project too
    let other = sb.root.join("other");
    fs::create_dir_all(other.join("vault")).unwrap();
    sb.cmd(&["init", other.to_str().unwrap()]).assert().code(2);
    assert!(!other.join("promvault.yml").exists());
}

#[test]
fn completions_are_printed() {
    let sb = Sandbox::empty();
    let out = sb.cmd(&["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("promvault"));
}

#[test]
fn init_can_be_given_the_recipient() {
    let sb = Sandbox::empty();
    let (_, recipient) = Sandbox::new().other_identity("k.txt");
    let out = sb
        .cmd(&["init", "--recipient", &recipient])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !sb.identity_path().exists(),
        "no identity is created when a recipient is given"
    );
    assert!(String::from_utf8(sb.read("promvault.yml"))
        .unwrap()
        .contains(&recipient));
    sb.cmd(&["init", "x", "--recipient", "age1bogus"])
        .assert()
        .code(2);
}
