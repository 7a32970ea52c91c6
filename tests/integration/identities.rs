//! Where identities come from, and which kinds open vaults.

use std::{fs, io::Write, process::Command};

use crate::support::{require, stderr, Sandbox};

#[test]
fn the_age_key_in_an_environment_variable_opens_vaults() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "b");
    let key = fs::read_to_string(sb.identity_path()).unwrap();
    fs::remove_file(sb.identity_path()).unwrap();
    sb.cmd(&["view", "prod"]).assert().code(2);
    sb.cmd(&["view", "prod", "a"])
        .env("PROMVAULT_AGE_KEY", &key)
        .assert()
        .success()
        .stdout("b");
    // the bare key line works too
    let line = key
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap();
    sb.cmd(&["view", "prod", "a"])
        .env("PROMVAULT_AGE_KEY", line)
        .assert()
        .success();
    let out = sb
        .cmd(&["view", "prod"])
        .env("PROMVAULT_AGE_KEY", "not a key")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("not a key"));
}

#[test]
fn explicit_identities_replace_the_defaults() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "b");
    let (other, _) = sb.other_identity("other.txt");
    // --identity and PROMVAULT_IDENTITY name a key that cannot open the vault: the default
    // identity (which could) is not tried.
    let out = sb
        .cmd(&["view", "prod", "-i", other.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("none of your identities"),
        "{}",
        stderr(&out)
    );
    sb.cmd(&["view", "prod"])
        .env("PROMVAULT_IDENTITY", &other)
        .assert()
        .code(2);
    // a file with several keys: any one of them opens it
    let both = sb.home.join("both.txt");
    let text = format!(
        "{}{}",
        fs::read_to_string(&other).unwrap(),
        fs::read_to_string(sb.identity_path()).unwrap()
    );
    fs::write(&both, text).unwrap();
    sb.cmd(&["view", "prod", "a", "-i", both.to_str().unwrap()])
        .assert()
        .success()
        .stdout("b");
    // a missing explicit identity is an error naming it
    let out = sb
        .cmd(&["view", "prod", "-i", "/nonexistent/key"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/key"));
}

#[test]
fn no_identity_anywhere_lists_where_it_looked() {
    let sb = Sandbox::new();
    fs::remove_file(sb.identity_path()).unwrap();
    sb.write("vault/prod.yml.age", "-----BEGIN AGE ENCRYPTED FILE-----\n");
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no identity found"), "{err}");
    assert!(err.contains(".config/promvault/identity.txt"), "{err}");
    assert!(err.contains(".ssh/id_ed25519"), "{err}");
    assert!(err.contains("PROMVAULT_AGE_KEY"), "{err}");
    assert!(err.contains("promvault keygen"), "{err}");
}

fn ssh_keygen(sb: &Sandbox, kind: &str, name: &str) -> (std::path::PathBuf, String) {
    require("ssh-keygen");
    let path = sb.home.join(".ssh").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut args = vec!["-q", "-t", kind, "-N", "", "-C", "test@example", "-f"];
    let p = path.to_str().unwrap().to_string();
    args.push(&p);
    if kind == "rsa" {
        args.extend(["-b", "2048"]);
    }
    let out = Command::new("ssh-keygen").args(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let public = fs::read_to_string(format!("{p}.pub"))
        .unwrap()
        .trim()
        .to_string();
    (path, public)
}

#[test]
fn ssh_ed25519_and_rsa_keys_are_recipients_and_identities() {
    let sb = Sandbox::new();
    let (ed, ed_pub) = ssh_keygen(&sb, "ed25519", "id_ed25519");
    let (rsa, rsa_pub) = ssh_keygen(&sb, "rsa", "id_rsa");
    sb.cmd(&["recipients", "add", &ed_pub, "--comment", "ed25519 key"])
        .assert()
        .success();
    sb.cmd(&["recipients", "add", &rsa_pub]).assert().success();
    sb.set("prod", "a", "b");
    for key in [&ed, &rsa] {
        sb.cmd(&["view", "prod", "a", "-i", key.to_str().unwrap()])
            .assert()
            .success()
            .stdout("b");
    }
    // ~/.ssh/id_ed25519 is a default location
    fs::remove_file(sb.identity_path()).unwrap();
    sb.cmd(&["view", "prod", "a"])
        .assert()
        .success()
        .stdout("b");
    // a wrong identity names the SSH recipients the file is encrypted to
    let (other, _) = sb.other_identity("other.txt");
    let out = sb
        .cmd(&["view", "prod", "-i", other.to_str().unwrap()])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("1 ssh-ed25519"), "{err}");
    assert!(err.contains("1 ssh-rsa"), "{err}");
    assert!(err.contains(&ed_pub), "{err}");
}

/// `identity` encrypted with a passphrase by the real `age -p` (which asks for it twice on a
/// terminal: `script` gives it one), as a person protects an identity file.
fn age_protect(sb: &Sandbox, identity: &std::path::Path, passphrase: &str) -> std::path::PathBuf {
    require("age");
    require("script");
    let protected = sb.home.join("protected.age");
    let command = format!(
        "age -p -a -o '{}' '{}'",
        protected.display(),
        identity.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..2 {
        // let age reach its prompt before each answer
        std::thread::sleep(std::time::Duration::from_millis(500));
        stdin
            .write_all(format!("{passphrase}\n").as_bytes())
            .unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && protected.is_file(),
        "age -p: {}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(fs::read_to_string(&protected)
        .unwrap()
        .starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&protected, fs::Permissions::from_mode(0o600)).unwrap();
    }
    protected
}

/// A passphrase-protected age identity (made by `age -p`) asks for its passphrase on the
/// terminal, once per run however many vaults it opens; `script` gives promvault a terminal and
/// types the passphrase.
#[test]
fn passphrase_protected_identities_prompt_once_on_the_terminal() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "opened-with-passphrase");
    sb.set("staging", "a", "staging-with-passphrase");
    let protected = age_protect(&sb, &sb.identity_path(), "correct horse");
    fs::remove_file(sb.identity_path()).unwrap();
    let id = protected.to_str().unwrap();
    let (code, shown) = crate::support::on_terminal(
        &sb,
        &["view", "prod", "a", "-i", id],
        &[],
        "correct horse\n",
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("opened-with-passphrase"), "{shown}");
    // `rekey --force` opens both vaults (and re-encrypts them): one prompt
    let before = (
        sb.read("vault/prod.yml.age"),
        sb.read("vault/staging.yml.age"),
    );
    let (code, shown) =
        crate::support::on_terminal(&sb, &["rekey", "--force", "-i", id], &[], "correct horse\n");
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown.matches("passphrase").count(), 1, "{shown}");
    assert_ne!(before.0, sb.read("vault/prod.yml.age"));
    assert_ne!(before.1, sb.read("vault/staging.yml.age"));
    // a wrong passphrase: one prompt, a clear failure, nothing rewritten
    let before = (
        sb.read("vault/prod.yml.age"),
        sb.read("vault/staging.yml.age"),
    );
    let (code, shown) =
        crate::support::on_terminal(&sb, &["rekey", "--force", "-i", id], &[], "wrong horse\n");
    assert_eq!(code, 2, "{shown}");
    assert_eq!(shown.matches("Type passphrase").count(), 1, "{shown}");
    assert_eq!(
        before,
        (
            sb.read("vault/prod.yml.age"),
            sb.read("vault/staging.yml.age")
        )
    );
}

/// An SSH key protected by a passphrase is asked for once per run too (age itself asks on
/// every vault it opens).
#[test]
fn a_passphrase_protected_ssh_key_is_asked_for_once() {
    require("ssh-keygen");
    let sb = Sandbox::new();
    sb.set("prod", "a", "1");
    sb.set("staging", "a", "2");
    let key = sb.home.join("id_protected");
    let out = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "ssh horse",
            "-C",
            "me@test",
            "-f",
        ])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let public = fs::read_to_string(key.with_extension("pub")).unwrap();
    sb.cmd(&["recipients", "add", public.trim()])
        .assert()
        .success();
    let before = (
        sb.read("vault/prod.yml.age"),
        sb.read("vault/staging.yml.age"),
    );
    let (code, shown) = crate::support::on_terminal(
        &sb,
        &["rekey", "--force", "-i", key.to_str().unwrap()],
        &[],
        "ssh horse\n",
    );
    assert_eq!(code, 0, "{shown}");
    assert_eq!(shown.matches("passphrase").count(), 1, "{shown}");
    assert_ne!(before.0, sb.read("vault/prod.yml.age"));
    assert_ne!(before.1, sb.read("vault/staging.yml.age"));
}

#[test]
fn an_unusable_key_in_a_default_place_is_skipped() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "b");
    ssh_keygen(&sb, "ecdsa", "id_ed25519");
    sb.cmd(&["view", "prod", "a"])
        .assert()
        .success()
        .stdout("b");
    let out = sb
        .cmd(&["view", "prod", "a", "--verbose"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("skipped"), "{}", stderr(&out));
}

/// Without a terminal (stdin and stderr not terminals, as in CI), a passphrase-protected
/// identity listed first is skipped with a note, and the identity after it opens the vault.
#[test]
fn without_a_terminal_a_passphrase_protected_identity_is_skipped_for_the_next() {
    require("ssh-keygen");
    let sb = Sandbox::new();
    sb.set("prod", "a", "opened-by-the-second");
    let identity = fs::read(sb.identity_path()).unwrap();
    // an age identity file protected by a passphrase (as `age -p` writes one)
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
        "correct horse".to_string(),
    ));
    let mut armored = Vec::new();
    {
        let armor =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .unwrap();
        let mut w = encryptor.wrap_output(armor).unwrap();
        w.write_all(&identity).unwrap();
        w.finish().unwrap().finish().unwrap();
    }
    let protected_age = sb.home.join("protected.age");
    fs::write(&protected_age, armored).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&protected_age, fs::Permissions::from_mode(0o600)).unwrap();
    }
    // an SSH key protected by a passphrase
    let protected_ssh = sb.home.join("id_protected");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "a passphrase", "-f"])
        .arg(&protected_ssh)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let good = sb.identity_path();
    for protected in [&protected_age, &protected_ssh] {
        let out = sb
            .std_cmd(&["view", "prod", "a", "-i"])
            .arg(protected)
            .arg("-i")
            .arg(&good)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", protected.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "opened-by-the-second");
        assert!(
            err.contains(&format!("skipped {}", protected.display()))
                && err.contains("no terminal to ask for it"),
            "{err}"
        );
        // the working identity may also come from PROMVAULT_AGE_KEY
        let out = sb
            .std_cmd(&["view", "prod", "a", "-i"])
            .arg(protected)
            .env(
                "PROMVAULT_AGE_KEY",
                String::from_utf8(identity.clone()).unwrap(),
            )
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "opened-by-the-second");
    }
    // only protected identities: an error naming each one tried and why it was skipped
    let out = sb
        .std_cmd(&["view", "prod", "a", "-i"])
        .arg(&protected_age)
        .arg("-i")
        .arg(&protected_ssh)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("none of your identities can open"), "{err}");
    for protected in [&protected_age, &protected_ssh] {
        assert!(
            err.contains(&format!("(skipped {}: it is", protected.display())),
            "{err}"
        );
    }
}

/// A throwaway password store (`pass`, with a passphrase-less gpg key in its own GNUPGHOME);
/// dropping it stops the gpg-agent it started.
struct PasswordStore {
    env: Vec<(String, std::path::PathBuf)>,
}

impl Drop for PasswordStore {
    fn drop(&mut self) {
        let mut c = Command::new("gpgconf");
        c.args(["--kill", "gpg-agent"]);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        let _ = c.output();
    }
}

/// A [`PasswordStore`] holding `text` as `promvault/prod`.
fn password_store(sb: &Sandbox, text: &str) -> PasswordStore {
    require("pass");
    require("gpg");
    let gnupg = sb.home.join("gnupg");
    fs::create_dir_all(&gnupg).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&gnupg, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let env = vec![
        ("GNUPGHOME".to_string(), gnupg),
        (
            "PASSWORD_STORE_DIR".to_string(),
            sb.home.join(".password-store"),
        ),
    ];
    let run = |program: &str, args: &[&str], stdin: Option<&str>| {
        let mut c = Command::new(program);
        c.args(args)
            .env("HOME", &sb.home)
            .stdin(std::process::Stdio::piped());
        for (k, v) in &env {
            c.env(k, v);
        }
        let mut child = c
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{program} {args:?}: {}", stderr(&out));
    };
    run(
        "gpg",
        &[
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "promvault test <promvault-test@example.invalid>",
            "default",
            "default",
            "never",
        ],
        None,
    );
    run("pass", &["init", "promvault-test@example.invalid"], None);
    run("pass", &["insert", "-m", "promvault/prod"], Some(text));
    PasswordStore { env }
}

/// `PROMVAULT_IDENTITY_CMD` runs a command (here `pass show`, a real password store) whose
/// output is the identity; it is an explicit identity, so the default one is not used.
#[test]
fn an_identity_command_gives_the_identity() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "opened-by-pass");
    let key = fs::read_to_string(sb.identity_path()).unwrap();
    let store = password_store(&sb, &key);
    let env = &store.env;
    fs::remove_file(sb.identity_path()).unwrap();
    let with_store = |args: &[&str], command: &str| {
        let mut c = sb.cmd(args);
        c.env("PROMVAULT_IDENTITY_CMD", command);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let out = with_store(&["view", "prod", "a"], "pass show promvault/prod");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "opened-by-pass");
    // shell syntax, as git's credential helpers take it
    let out = with_store(
        &["view", "prod", "a", "--verbose"],
        "pass show promvault/prod | grep -v '^#'",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("$PROMVAULT_IDENTITY_CMD (`pass show promvault/prod | grep -v '^#'`)"),
        "{}",
        stderr(&out)
    );
    // it gets no stdin (what is piped into promvault, a value for `set`, stays promvault's):
    // `cat` here would otherwise print it before the key
    let mut c = sb.cmd(&["view", "prod", "a"]);
    c.env("PROMVAULT_IDENTITY_CMD", "cat; pass show promvault/prod");
    for (k, v) in env {
        c.env(k, v);
    }
    c.write_stdin("piped-value\n")
        .assert()
        .success()
        .stdout("opened-by-pass");
    // a failing command: its stderr passes through, the error names it, never its output
    let out = with_store(
        &["view", "prod", "a"],
        "printf 'AGE-SECRET-KEY-1%s' PRINTED; echo from-the-command >&2; pass show promvault/missing",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("from-the-command"), "{err}");
    assert!(
        err.contains("PROMVAULT_IDENTITY_CMD `printf 'AGE-SECRET-KEY-1%s' PRINTED;")
            && err.contains("exited with status 1"),
        "{err}"
    );
    assert!(!err.contains("AGE-SECRET-KEY-1PRINTED"), "{err}");
    // what it printed is not an identity: said so, without quoting it
    let out = with_store(&["view", "prod", "a"], "echo not-an-$((6 * 7))-identity");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not an age identity"), "{err}");
    assert!(!err.contains("not-an-42-identity"), "{err}");
    // an SSH private key works too
    let (ssh, ssh_pub) = ssh_keygen(&sb, "ed25519", "id_from_command");
    sb.cmd(&["recipients", "add", &ssh_pub])
        .env("PROMVAULT_AGE_KEY", &key)
        .assert()
        .success();
    let out = with_store(&["view", "prod", "a"], &format!("cat '{}'", ssh.display()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "opened-by-pass");
}

/// A recipient and an identity of the test plugin below (bech32 of "promvault-test").
const PLUGIN_RECIPIENT: &str = "age1testonly1wpex7mtkv96kcapdw3jhxaq80x6dt";
const PLUGIN_IDENTITY: &str = "AGE-PLUGIN-TESTONLY-1WPEX7MTKV96KCAPDW3JHXAQDUAKGR";

/// `age-plugin-testonly`: a working age plugin (the age plugin protocol, recipient-v1 and
/// identity-v1) that "wraps" a file key by writing it in the clear, for tests only. It logs
/// each run to `$PROMVAULT_TEST_PLUGIN_LOG`. Returns the PATH that finds it.
fn test_plugin(sb: &Sandbox) -> String {
    let bin = sb.home.join("plugins");
    fs::create_dir_all(&bin).unwrap();
    let plugin = bin.join("age-plugin-testonly");
    fs::write(
        &plugin,
        r#"#!/bin/bash
# A test-only age plugin: its stanza holds the file key in the clear. Never for real use.
set -u
echo "$1" >> "$PROMVAULT_TEST_PLUGIN_LOG"
# reads one stanza: `-> TAG ARGS` then base64 lines up to one shorter than 64 columns
read_stanza() {
  IFS= read -r header || exit 1
  header=${header#-> }
  body=""
  while IFS= read -r line; do
    body+="$line"
    [ ${#line} -lt 64 ] && break
  done
}
key=""
case "$1" in
--age-plugin=recipient-v1)
  while read_stanza; [ "$header" != done ]; do
    case "$header" in wrap-file-key*) key=$body ;; esac
  done
  printf -- '-> recipient-stanza 0 testonly\n%s\n' "$key"
  read_stanza
  ;;
--age-plugin=identity-v1)
  while read_stanza; [ "$header" != done ]; do
    case "$header" in "recipient-stanza 0 testonly"*) key=$body ;; esac
  done
  if [ -n "$key" ]; then
    printf -- '-> file-key 0\n%s\n' "$key"
    read_stanza
  fi
  ;;
*) exit 1 ;;
esac
printf -- '-> done\n\n'
"#,
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&plugin, fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

/// A plugin identity in your own identity file opens vaults end to end (encrypted to the
/// plugin's recipient by the plugin, opened by it), while the same identity committed as the
/// project's demo identity is refused without running the plugin.
#[test]
fn plugin_identities_work_from_your_identity_file_never_from_a_committed_one() {
    let sb = Sandbox::new();
    let path = test_plugin(&sb);
    let log = sb.home.join("plugin.log");
    let runs = || fs::read_to_string(&log).unwrap_or_default();
    sb.set("prod", "a", "opened-by-the-plugin");
    sb.cmd(&[
        "recipients",
        "add",
        PLUGIN_RECIPIENT,
        "--comment",
        "hardware key",
    ])
    .env("PATH", &path)
    .env("PROMVAULT_TEST_PLUGIN_LOG", &log)
    .assert()
    .success();
    assert!(runs().contains("--age-plugin=recipient-v1"), "{}", runs());
    let mine = sb.home.join("plugin-identity.txt");
    fs::write(&mine, format!("# my hardware key\n{PLUGIN_IDENTITY}\n")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&mine, fs::Permissions::from_mode(0o600)).unwrap();
    }
    fs::remove_file(sb.identity_path()).unwrap();
    sb.cmd(&["view", "prod", "a", "-i", mine.to_str().unwrap()])
        .env("PATH", &path)
        .env("PROMVAULT_TEST_PLUGIN_LOG", &log)
        .assert()
        .success()
        .stdout("opened-by-the-plugin");
    assert!(runs().contains("--age-plugin=identity-v1"), "{}", runs());
    // the same from the default location, and from an identity command
    fs::copy(&mine, sb.identity_path()).unwrap();
    sb.cmd(&["view", "prod", "a"])
        .env("PATH", &path)
        .env("PROMVAULT_TEST_PLUGIN_LOG", &log)
        .assert()
        .success()
        .stdout("opened-by-the-plugin");
    sb.cmd(&["view", "prod", "a"])
        .env("PATH", &path)
        .env("PROMVAULT_TEST_PLUGIN_LOG", &log)
        .env(
            "PROMVAULT_IDENTITY_CMD",
            format!("cat '{}'", mine.display()),
        )
        .assert()
        .success()
        .stdout("opened-by-the-plugin");
    // committed as the demo identity: refused, and the plugin never runs
    fs::remove_file(sb.identity_path()).unwrap();
    sb.write(
        "demo-identity.txt",
        &format!("# DEMO IDENTITY: public, never use\n{PLUGIN_IDENTITY}\n"),
    );
    let project = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("demo_identity: demo-identity.txt\n{project}"),
    );
    fs::remove_file(&log).unwrap();
    let out = sb
        .cmd(&["view", "prod", "a"])
        .env("PATH", &path)
        .env("PROMVAULT_TEST_PLUGIN_LOG", &log)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("never runs a plugin"), "{err}");
    assert_eq!(runs(), "", "the committed identity ran the plugin");
}
