//! `recipients add` / `remove`: the vaults follow the list.

use crate::support::{stderr, stdout, Sandbox};

#[test]
fn an_added_recipient_opens_every_vault_and_a_removed_one_opens_none() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "1");
    sb.set("staging", "b", "2");
    let (bob, bob_recipient) = sb.other_identity("bob.txt");
    let bob = bob.to_str().unwrap();
    for env in ["prod", "staging"] {
        sb.cmd(&["view", env, "-i", bob]).assert().code(2);
    }
    sb.cmd(&[
        "recipients",
        "add",
        &bob_recipient,
        "--comment",
        "bob (SRE)",
    ])
    .assert()
    .success();
    let project = String::from_utf8(sb.read("promvault.yml")).unwrap();
    assert!(
        project.contains(&format!("  - {bob_recipient}  # bob (SRE)\n")),
        "{project}"
    );
    assert!(
        project.contains("  # me\n"),
        "the other comments are kept: {project}"
    );
    for env in ["prod", "staging"] {
        sb.cmd(&["view", env, "-i", bob]).assert().success();
    }
    let listed = stdout(&sb.cmd(&["recipients"]).output().unwrap());
    // with who each one is
    assert!(
        listed.contains(&format!("  {bob_recipient}  # bob (SRE)\n")),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("  {}  # me\n", sb.recipient)),
        "{listed}"
    );

    sb.cmd(&["recipients", "remove", &bob_recipient])
        .assert()
        .success();
    for env in ["prod", "staging"] {
        sb.cmd(&["view", env, "-i", bob]).assert().code(2);
        sb.cmd(&["view", env]).assert().success();
    }
    let project = String::from_utf8(sb.read("promvault.yml")).unwrap();
    assert!(!project.contains(&bob_recipient));
}

#[test]
fn adding_needs_a_valid_new_key_and_the_last_one_stays() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "1");
    let before = sb.read("promvault.yml");
    let vault = sb.read("vault/prod.yml.age");
    let out = sb
        .cmd(&["recipients", "add", "age1notakey"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a recipient"), "{}", stderr(&out));
    sb.cmd(&["recipients", "add", &sb.recipient])
        .assert()
        .code(2);
    let out = sb
        .cmd(&["recipients", "remove", &sb.recipient])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("last recipient"));
    sb.cmd(&["recipients", "remove", "age1unknown"])
        .assert()
        .code(2);
    assert_eq!(sb.read("promvault.yml"), before);
    assert_eq!(sb.read("vault/prod.yml.age"), vault);
}

#[test]
fn an_environment_with_its_own_list_is_changed_alone() {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replace(
            "vault: vault/prod.yml.age\n",
            &format!(
                "vault: vault/prod.yml.age\n    recipients:\n      - {}\n",
                sb.recipient
            ),
        ),
    );
    sb.set("prod", "a", "1");
    sb.set("staging", "b", "2");
    let (ops, ops_recipient) = sb.other_identity("ops.txt");
    let ops = ops.to_str().unwrap();
    let staging = sb.read("vault/staging.yml.age");
    sb.cmd(&["recipients", "add", &ops_recipient, "--env", "prod"])
        .assert()
        .success();
    sb.cmd(&["view", "prod", "-i", ops]).assert().success();
    sb.cmd(&["view", "staging", "-i", ops]).assert().code(2);
    assert_eq!(sb.read("vault/staging.yml.age"), staging);
    // a top-level change does not touch prod's own list
    let (all, all_recipient) = sb.other_identity("all.txt");
    sb.cmd(&["recipients", "add", &all_recipient])
        .assert()
        .success();
    sb.cmd(&["view", "staging", "-i", all.to_str().unwrap()])
        .assert()
        .success();
    sb.cmd(&["view", "prod", "-i", all.to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn nothing_changes_when_a_vault_cannot_be_opened() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "1");
    let (_, other_recipient) = sb.other_identity("other.txt");
    std::fs::remove_file(sb.identity_path()).unwrap();
    let before = sb.read("promvault.yml");
    let vault = sb.read("vault/prod.yml.age");
    sb.cmd(&["recipients", "add", &other_recipient])
        .assert()
        .code(2);
    assert_eq!(sb.read("promvault.yml"), before);
    assert_eq!(sb.read("vault/prod.yml.age"), vault);
}

#[test]
fn a_private_key_given_as_recipient_is_never_echoed() {
    let sb = Sandbox::new();
    let key = std::fs::read_to_string(sb.identity_path()).unwrap();
    let secret = key
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    let out = sb.cmd(&["recipients", "add", secret]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("private key"), "{err}");
    assert!(!err.contains(&secret[16..]), "{err}");
    // nor when it sits in promvault.yml
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write("promvault.yml", &text.replace(&sb.recipient, secret));
    let out = sb
        .cmd(&["set", "prod", "a"])
        .write_stdin("v")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(&secret[16..]), "{}", stderr(&out));
}
