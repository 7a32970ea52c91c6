//! Vaults are plain age files: the real `age` CLI (Debian package `age`) opens what promvault
//! writes, and promvault opens what `age -e` writes, armored or binary.

use std::process::Command;

use crate::support::{require, stderr, Sandbox};

#[test]
fn age_decrypts_what_promvault_wrote() {
    require("age");
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "k: with \"quotes\"\nand a newline");
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(sb.identity_path())
        .arg(sb.path("vault/prod.yml.age"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), sb.view(&["prod"]));
}

#[test]
fn promvault_opens_what_age_wrote() {
    require("age");
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path("vault")).unwrap();
    for armor in [true, false] {
        let plain = sb.write("plain.yml", "api_key: \"from age\"\n");
        let mut cmd = Command::new("age");
        cmd.arg("-e");
        if armor {
            cmd.arg("-a");
        }
        let out = cmd
            .args(["-r", &sb.recipient, "-o"])
            .arg(sb.path("vault/prod.yml.age"))
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(sb.view(&["prod", "api_key"]), "from age", "armor: {armor}");
        // and can edit it further
        sb.set("prod", "other", "x");
        assert_eq!(sb.view(&["prod", "api_key"]), "from age");
    }
}

#[test]
fn age_keygen_identities_work_and_promvault_identities_work_in_age() {
    require("age-keygen");
    let sb = Sandbox::new();
    let key = sb.home.join("age-keygen.txt");
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    let recipient = String::from_utf8(
        Command::new("age-keygen")
            .arg("-y")
            .arg(&key)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    sb.cmd(&["recipients", "add", &recipient])
        .assert()
        .success();
    sb.set("prod", "a", "b");
    sb.cmd(&["view", "prod", "a", "-i", key.to_str().unwrap()])
        .assert()
        .success()
        .stdout("b");
    // age-keygen -y reads promvault's identity format
    let out = Command::new("age-keygen")
        .arg("-y")
        .arg(sb.identity_path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), sb.recipient);
}
