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

/// `recipients_file:` names a file in age's `-R` format (one key a line, `#` comments): the
/// team's list for every vault (top level) or one environment's; `recipients add/remove` edit
/// that file, keeping its comments, and rekey; the real `age -R` reads it.
#[test]
fn a_recipients_file_lists_the_team_and_add_remove_edit_it() {
    crate::support::require("age");
    let sb = Sandbox::new();
    let team = format!("# the team\n\n# me\n{}\n", sb.recipient);
    sb.write("team.recipients", &team);
    let ops = format!("# ops only\n{}\n", sb.recipient);
    sb.write("ops.recipients", &ops);
    let project = "recipients_file: team.recipients\nenvironments:\n  staging: {}\n  prod:\n    recipients_file: ops.recipients\n";
    sb.write("promvault.yml", project);
    sb.set("prod", "a", "prod-value");
    sb.set("staging", "b", "staging-value");
    let listed = stdout(&sb.cmd(&["recipients"]).output().unwrap());
    assert_eq!(
        listed,
        format!(
            "all environments, from team.recipients:\n  {r}  # me\nprod (its own list, from ops.recipients):\n  {r}  # ops only\n",
            r = sb.recipient
        )
    );
    let (bob, bob_recipient) = sb.other_identity("bob.txt");
    let bob = bob.to_str().unwrap();
    sb.cmd(&[
        "recipients",
        "add",
        &bob_recipient,
        "--comment",
        "bob (SRE)",
    ])
    .assert()
    .success();
    assert_eq!(
        String::from_utf8(sb.read("team.recipients")).unwrap(),
        format!("{team}# bob (SRE)\n{bob_recipient}\n")
    );
    assert_eq!(
        String::from_utf8(sb.read("promvault.yml")).unwrap(),
        project
    );
    sb.cmd(&["view", "staging", "b", "-i", bob])
        .assert()
        .success()
        .stdout("staging-value");
    sb.cmd(&["view", "prod", "-i", bob]).assert().code(2);
    // the file is age's own -R format
    let encrypted = std::process::Command::new("age")
        .args(["-e", "-R"])
        .arg(sb.path("team.recipients"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"for the team")?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(encrypted.status.success(), "{}", stderr(&encrypted));
    let cipher = sb.home.join("team.age");
    std::fs::write(&cipher, &encrypted.stdout).unwrap();
    let opened = std::process::Command::new("age")
        .args(["-d", "-i", bob])
        .arg(&cipher)
        .output()
        .unwrap();
    assert_eq!(stdout(&opened), "for the team", "{}", stderr(&opened));
    // removing bob takes his comment line with him: the file is as it was
    sb.cmd(&["recipients", "remove", &bob_recipient])
        .assert()
        .success();
    assert_eq!(String::from_utf8(sb.read("team.recipients")).unwrap(), team);
    sb.cmd(&["view", "staging", "-i", bob]).assert().code(2);
    sb.cmd(&["view", "staging", "b"])
        .assert()
        .success()
        .stdout("staging-value");
    // an environment's own file
    sb.cmd(&["recipients", "add", &bob_recipient, "--env", "prod"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(sb.read("ops.recipients")).unwrap(),
        format!("{ops}{bob_recipient}\n")
    );
    sb.cmd(&["view", "prod", "a", "-i", bob])
        .assert()
        .success()
        .stdout("prod-value");
    sb.cmd(&["view", "staging", "-i", bob]).assert().code(2);
}

#[test]
fn a_recipients_file_is_checked_like_the_rest_of_promvault_yml() {
    let sb = Sandbox::new();
    let cases = [
        (
            format!(
                "recipients: [{}]\nrecipients_file: team.recipients\nenvironments:\n  prod: {{}}\n",
                sb.recipient
            ),
            "promvault.yml:2: both `recipients` and `recipients_file` are given",
        ),
        (
            format!(
                "environments:\n  prod:\n    recipients: [{}]\n    recipients_file: team.recipients\n",
                sb.recipient
            ),
            "promvault.yml:4: environment `prod` has both `recipients` and `recipients_file`",
        ),
        (
            "recipients_file: missing.recipients\nenvironments:\n  prod: {}\n".to_string(),
            "promvault.yml:1: recipients_file `missing.recipients`:",
        ),
        (
            "recipients_file: ../outside.recipients\nenvironments:\n  prod: {}\n".to_string(),
            "promvault.yml:1: recipients_file `../outside.recipients`:",
        ),
        (
            "recipients_file: comments-only.recipients\nenvironments:\n  prod: {}\n".to_string(),
            "environment `prod` has no recipients",
        ),
        (
            "recipients_file: a-folder\nenvironments:\n  prod: {}\n".to_string(),
            "promvault.yml:1: recipients_file `a-folder`: it is not a regular file",
        ),
        (
            "recipients_file: huge.recipients\nenvironments:\n  prod: {}\n".to_string(),
            "promvault.yml:1: recipients_file `huge.recipients`: it is larger than 1024 KiB",
        ),
    ];
    std::fs::create_dir_all(sb.path("a-folder")).unwrap();
    sb.write("huge.recipients", &"#\n".repeat(600_000));
    sb.write("team.recipients", &format!("{}\n", sb.recipient));
    sb.write("comments-only.recipients", "# nobody yet\n\n");
    std::fs::write(sb.root.join("../outside.recipients"), &sb.recipient).unwrap();
    for (project, expected) in cases {
        sb.write("promvault.yml", &project);
        let out = sb.cmd(&["recipients"]).output().unwrap();
        assert!(!out.status.success(), "{project}");
        assert!(
            stderr(&out).contains(expected),
            "{project}\n{}",
            stderr(&out)
        );
    }
}
