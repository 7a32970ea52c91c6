//! A damaged vault is always refused (exit 2), shows no plaintext and changes nothing.

use std::fs;

use crate::support::{stderr, Sandbox};

fn sandbox_with_secret() -> (Sandbox, Vec<u8>) {
    let sb = Sandbox::new();
    sb.set("prod", "api_key", "the-real-secret");
    sb.set("prod", "password", "another-secret");
    let original = sb.read("vault/prod.yml.age");
    (sb, original)
}

fn assert_refused(sb: &Sandbox, what: &str) {
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{what}: accepted");
    assert!(out.stdout.is_empty(), "{what}: printed something");
    assert!(!stderr(&out).contains("secret"), "{what}: {}", stderr(&out));
}

#[test]
fn every_flipped_byte_is_detected() {
    let (sb, original) = sandbox_with_secret();
    let path = sb.path("vault/prod.yml.age");
    for pos in 0..original.len() {
        for mask in [0x01u8, 0x20] {
            let mut bytes = original.clone();
            bytes[pos] ^= mask;
            fs::write(&path, &bytes).unwrap();
            assert_refused(&sb, &format!("byte {pos} ^ {mask:#x}"));
        }
    }
    fs::write(&path, &original).unwrap();
    assert_eq!(sb.view(&["prod", "api_key"]), "the-real-secret");
}

#[test]
fn every_truncation_is_detected() {
    let (sb, original) = sandbox_with_secret();
    let path = sb.path("vault/prod.yml.age");
    // Every length but the whole file and the whole file less its final newline.
    for len in 0..original.len() - 1 {
        fs::write(&path, &original[..len]).unwrap();
        assert_refused(&sb, &format!("truncated to {len}"));
    }
}

#[test]
fn writing_commands_change_nothing_on_a_damaged_vault() {
    let (sb, original) = sandbox_with_secret();
    let mut bytes = original.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(sb.path("vault/prod.yml.age"), &bytes).unwrap();
    let editor = sb.script("ed.sh", r#"printf 'a: "b"\n' > "$1""#);
    let runs = [
        sb.cmd(&["set", "prod", "x"])
            .write_stdin("y")
            .output()
            .unwrap(),
        sb.cmd(&["edit", "prod"])
            .env("EDITOR", &editor)
            .output()
            .unwrap(),
        sb.cmd(&["rekey"]).output().unwrap(),
    ];
    for out in runs {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("damaged or was tampered with"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(sb.read("vault/prod.yml.age"), bytes);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn an_ansible_vault_file_is_named_as_such() {
    let sb = Sandbox::new();
    sb.write(
        "vault/prod.yml.age",
        "$ANSIBLE_VAULT;1.1;AES256\n3632373263383935\n",
    );
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ansible-vault file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_damaged_vault_whose_record_was_rewritten_is_still_found_by_check() {
    let (sb, original) = sandbox_with_secret();
    let mut bytes = original.clone();
    // change one character of the armored payload (not the header), keeping valid base64
    let at = bytes.len() - 40;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    fs::write(sb.path("vault/prod.yml.age"), &bytes).unwrap();
    // the record rewritten to match the damaged file, as a careless merge might
    let record = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    let old = promvault::vault::record::digest(&original);
    let new = promvault::vault::record::digest(&bytes);
    sb.write("vault/prod.yml.age.recipients", &record.replace(&old, &new));
    let out = sb.cmd(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[vault-damaged]"), "{text}");
}

#[test]
fn a_vault_with_merge_conflict_markers_is_named_as_a_conflict() {
    let (sb, original) = sandbox_with_secret();
    let text = String::from_utf8(original).unwrap();
    let conflicted = format!("<<<<<<< HEAD\n{text}=======\n{text}>>>>>>> feature\n");
    fs::write(sb.path("vault/prod.yml.age"), conflicted).unwrap();
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("git merge conflict"), "{err}");
    assert!(
        err.contains("git checkout --theirs vault/prod.yml.age"),
        "{err}"
    );
    assert!(!err.contains("tampered") && !err.contains("rekey"), "{err}");
    let out = sb.cmd(&["check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[vault-conflict]"), "{text}");
}
