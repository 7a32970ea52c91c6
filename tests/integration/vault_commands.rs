//! `set`, `view`, `encrypt`, `decrypt` and `rekey` on a temporary project.

use std::{fs, thread::sleep, time::Duration};

use crate::support::{mtime, stderr, Sandbox};

/// Secrets with YAML-special characters, quotes, newlines, leading spaces and unicode.
const AWKWARD: &[&str] = &[
    "plain-password",
    ": # ' \" { } \\",
    "line one\nline two\n",
    "   leading spaces",
    "trailing spaces   ",
    "unicode é ☃ 🔑 \u{2028}",
    "{{ looks_like_jinja }}",
    "- a list? no",
    "yes",
    "0777",
    "tab\tand\rcarriage",
    "",
];

#[test]
fn awkward_secrets_survive_set_then_view_exactly() {
    let sb = Sandbox::new();
    for (i, value) in AWKWARD.iter().enumerate() {
        sb.set("prod", &format!("secret_{i}"), value);
    }
    for (i, value) in AWKWARD.iter().enumerate() {
        assert_eq!(
            &sb.view(&["prod", &format!("secret_{i}")]),
            value,
            "secret_{i}"
        );
    }
    // The whole vault is still a mapping holding every value.
    let text = sb.view(&["prod"]);
    let parsed: indexmap::IndexMap<String, String> = serde_saphyr::from_str(&text).unwrap();
    // (plus the hash key every new vault gets)
    assert_eq!(parsed.len(), AWKWARD.len() + 1);
    assert_eq!(sb.mode("vault/prod.yml.age"), 0o600);
}

#[test]
fn set_drops_one_trailing_newline_unless_told_not_to() {
    let sb = Sandbox::new();
    sb.cmd(&["set", "prod", "a"])
        .write_stdin("hunter2\n")
        .assert()
        .success();
    assert_eq!(sb.view(&["prod", "a"]), "hunter2");
    sb.cmd(&["set", "prod", "b", "--keep-newline"])
        .write_stdin("hunter2\n")
        .assert()
        .success();
    assert_eq!(sb.view(&["prod", "b"]), "hunter2\n");
}

#[test]
fn set_keeps_comments_and_order_and_replaces_in_place() {
    let sb = Sandbox::new();
    sb.write(
        "vault/prod.plain",
        "# prod secrets\nz_first: \"1\"\n# about a\na: |\n  old\n  block\nb: 2  # trailing comment\n",
    );
    sb.cmd(&["encrypt", "vault/prod.plain", "-o", "vault/prod.yml.age"])
        .assert()
        .success();
    sb.set("prod", "a", "new");
    assert_eq!(
        sb.view(&["prod"]),
        "# prod secrets\nz_first: \"1\"\n# about a\na: \"new\"\nb: 2  # trailing comment\n"
    );
}

#[test]
fn setting_the_same_value_leaves_the_file_untouched() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "same");
    let before = sb.read("vault/prod.yml.age");
    let before_mtime = mtime(&sb.path("vault/prod.yml.age"));
    sleep(Duration::from_millis(20));
    let out = sb
        .cmd(&["set", "prod", "a"])
        .write_stdin("same")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("nothing written"));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert_eq!(mtime(&sb.path("vault/prod.yml.age")), before_mtime);
}

#[test]
fn set_refuses_names_that_are_not_variables() {
    let sb = Sandbox::new();
    for bad in ["1abc", "with-dash", "a.b", ""] {
        let out = sb
            .cmd(&["set", "prod", bad])
            .write_stdin("v")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    assert!(!sb.path("vault/prod.yml.age").exists());
}

#[test]
fn view_of_a_missing_key_names_the_others_but_no_value() {
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "s3cr3t-value");
    let out = sb.cmd(&["view", "prod", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("api_key"), "{err}");
    assert!(!err.contains("s3cr3t-value"), "{err}");
}

#[test]
fn a_missing_vault_says_how_to_create_it() {
    let sb = Sandbox::new();
    let out = sb.cmd(&["view", "staging"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("vault/staging.yml.age does not exist"),
        "{err}"
    );
    assert!(err.contains("promvault edit staging"), "{err}");
}

#[test]
fn encrypt_and_decrypt_any_file() {
    let sb = Sandbox::new();
    sb.write("notes.txt", "token: abc\n");
    sb.cmd(&["encrypt", "notes.txt"]).assert().success();
    assert_eq!(sb.mode("notes.txt.age"), 0o600);
    assert!(String::from_utf8(sb.read("notes.txt.age"))
        .unwrap()
        .starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    // refuses to overwrite without --force
    sb.cmd(&["encrypt", "notes.txt"]).assert().code(2);
    sb.cmd(&["encrypt", "notes.txt", "--force"])
        .assert()
        .success();
    fs::remove_file(sb.path("notes.txt")).unwrap();
    sb.cmd(&["decrypt", "notes.txt.age"]).assert().success();
    assert_eq!(sb.read("notes.txt"), b"token: abc\n");
    assert_eq!(sb.mode("notes.txt"), 0o600);
    sb.cmd(&["decrypt", "notes.txt.age"]).assert().code(2);
    let out = sb
        .cmd(&["decrypt", "notes.txt.age", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"token: abc\n");
    // encrypting an age file again is refused
    sb.cmd(&["encrypt", "notes.txt.age", "-o", "x.age"])
        .assert()
        .code(2);
}

#[test]
fn a_plaintext_vault_can_be_encrypted_in_place() {
    let sb = Sandbox::new();
    sb.write("vault/prod.yml.age", "api_key: \"k\"\n");
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not encrypted"),
        "{}",
        stderr(&out)
    );
    sb.cmd(&["encrypt", "vault/prod.yml.age"])
        .assert()
        .success();
    assert_eq!(sb.view(&["prod", "api_key"]), "k");
    // a plaintext that is not a mapping is refused where a vault belongs
    sb.write("vault/staging.yml.age", "- a list\n");
    sb.cmd(&["encrypt", "vault/staging.yml.age"])
        .assert()
        .code(2);
    assert_eq!(sb.read("vault/staging.yml.age"), b"- a list\n");
}

#[test]
fn rekey_re_encrypts_every_vault_to_the_listed_recipients() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "1");
    sb.set("staging", "b", "2");
    let (other, other_recipient) = sb.other_identity("other.txt");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replace("  # me\n", &format!("  # me\n  - {other_recipient}\n")),
    );
    let before = sb.read("vault/prod.yml.age");
    sb.cmd(&["rekey"]).assert().success();
    assert_ne!(sb.read("vault/prod.yml.age"), before);
    for env in ["prod", "staging"] {
        sb.cmd(&["view", env, "-i", other.to_str().unwrap()])
            .assert()
            .success();
    }
    // rekey of one environment leaves the other alone
    let staging = sb.read("vault/staging.yml.age");
    sb.cmd(&["rekey", "prod"]).assert().success();
    assert_eq!(sb.read("vault/staging.yml.age"), staging);
    sb.cmd(&["rekey", "nope"]).assert().code(2);
}

#[test]
fn hash_makes_a_bcrypt_hash_that_verifies() {
    let sb = Sandbox::new();
    let out = sb
        .cmd(&["hash", "--cost", "4"])
        .write_stdin("pässword\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let hash = String::from_utf8(out.stdout).unwrap();
    assert!(hash.starts_with("$2b$04$"), "{hash}");
    assert!(bcrypt::verify("pässword", hash.trim()).unwrap());
}

#[test]
fn encrypting_into_a_vault_uses_its_environments_recipients() {
    let sb = Sandbox::new();
    let (ops, ops_recipient) = sb.other_identity("ops.txt");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replace(
            "vault: vault/prod.yml.age\n",
            &format!("vault: vault/prod.yml.age\n    recipients: [{ops_recipient}]\n"),
        ),
    );
    sb.write("vault/prod.yml.age", "a: \"prod only\"\n");
    sb.cmd(&["encrypt", "vault/prod.yml.age"])
        .assert()
        .success();
    // only prod's own recipient opens it, not the top-level one
    sb.cmd(&["view", "prod"]).assert().code(2);
    sb.cmd(&["view", "prod", "a", "-i", ops.to_str().unwrap()])
        .assert()
        .success()
        .stdout("prod only");
    // -o onto a vault checks the content and refuses a mismatching --env
    sb.write("list.txt", "- not a mapping\n");
    sb.cmd(&["encrypt", "list.txt", "-o", "vault/staging.yml.age"])
        .assert()
        .code(2);
    sb.write("good.txt", "b: 1\n");
    sb.cmd(&[
        "encrypt",
        "good.txt",
        "-o",
        "vault/staging.yml.age",
        "--env",
        "prod",
    ])
    .assert()
    .code(2);
    assert!(!sb.path("vault/staging.yml.age").exists());
    sb.cmd(&["encrypt", "good.txt", "-o", "vault/staging.yml.age"])
        .assert()
        .success();
    assert_eq!(sb.view(&["staging", "b"]), "1");
}

#[test]
fn binary_files_round_trip() {
    let sb = Sandbox::new();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    std::fs::write(sb.path("key.der"), &bytes).unwrap();
    sb.cmd(&["encrypt", "key.der"]).assert().success();
    std::fs::remove_file(sb.path("key.der")).unwrap();
    sb.cmd(&["decrypt", "key.der.age"]).assert().success();
    assert_eq!(sb.read("key.der"), bytes);
}

#[test]
fn environment_names_cannot_escape_their_folders() {
    let sb = Sandbox::new();
    sb.write(
        "promvault.yml",
        &format!(
            "recipients: [{}]\nenvironments:\n  \"../leak\": {{}}\n",
            sb.recipient
        ),
    );
    let out = sb.cmd(&["edit", "../leak"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("promvault.yml:3"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a usable environment name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn empty_secrets_are_refused_unless_asked_for() {
    let sb = Sandbox::new();
    for input in ["", "   \n", "\n"] {
        let out = sb
            .cmd(&["set", "prod", "pw"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(
            stderr(&out).contains("the value is empty"),
            "{}",
            stderr(&out)
        );
        let out = sb.cmd(&["hash"]).write_stdin(input).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{input:?}");
    }
    assert!(!sb.path("vault/prod.yml.age").exists());
    sb.cmd(&["set", "prod", "pw", "--allow-empty"])
        .write_stdin("")
        .assert()
        .success();
    assert_eq!(sb.view(&["prod", "pw"]), "");
}

#[test]
fn rekey_leaves_a_current_vault_untouched_unless_forced() {
    let sb = Sandbox::new();
    sb.set("prod", "pw", "x");
    let before = sb.read("vault/prod.yml.age");
    let out = sb.cmd(&["rekey", "prod"]).output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("left as it is"), "{}", stderr(&out));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    let out = sb.cmd(&["rekey", "prod", "--force"]).output().unwrap();
    assert!(out.status.success());
    assert_ne!(sb.read("vault/prod.yml.age"), before);
    assert_eq!(sb.view(&["prod", "pw"]), "x");
}
