//! `promvault edit`: the editor is a shell script standing in for a person.

use std::{
    fs,
    process::Stdio,
    thread::sleep,
    time::{Duration, Instant},
};

use crate::support::{mtime, stderr, Sandbox};

fn edit_with(sb: &Sandbox, editor: &str) -> std::process::Output {
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", editor)
        .output()
        .unwrap()
}

#[test]
fn an_edit_that_changes_the_vault_is_saved() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "old");
    let editor = sb.script("ed.sh", r#"sed -i 's/"old"/"new"/' "$1""#);
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.view(&["prod", "a"]), "new");
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
}

#[test]
fn the_editor_gets_a_private_file_with_the_plaintext() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "value");
    let report = sb.home.join("report");
    let editor = sb.script(
        "ed.sh",
        &format!(
            "stat -c '%a' \"$1\" > {r}; stat -c '%a' \"$(dirname \"$1\")\" >> {r}; basename \"$1\" >> {r}; cat \"$1\" >> {r}",
            r = report.display()
        ),
    );
    assert!(edit_with(&sb, editor.to_str().unwrap()).status.success());
    let seen = fs::read_to_string(&report).unwrap();
    assert!(seen.starts_with("600\n700\nprod.yml\n"), "{seen}");
    assert!(seen.contains("a: \"value\""), "{seen}");
    assert!(sb.leftovers().is_empty());
}

#[test]
fn an_unchanged_edit_writes_nothing() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let t = mtime(&sb.path("vault/prod.yml.age"));
    sleep(Duration::from_millis(20));
    let out = edit_with(&sb, "true");
    assert!(out.status.success());
    assert!(stderr(&out).contains("no change"), "{}", stderr(&out));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert_eq!(mtime(&sb.path("vault/prod.yml.age")), t);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn invalid_yaml_is_refused_with_its_line_and_no_content() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script(
        "ed.sh",
        r#"printf 'a: "v"\nb: [unclosed TOPSECRET\n' > "$1""#,
    );
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 2") || err.contains("line 3"), "{err}");
    assert!(err.contains("the vault was not changed"), "{err}");
    assert!(!err.contains("TOPSECRET"), "{err}");
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn a_non_mapping_is_refused() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script("ed.sh", r#"printf -- '- TOPSECRET\n' > "$1""#);
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("must be a mapping"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("TOPSECRET"));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
}

#[test]
fn an_editor_that_fails_changes_nothing() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script("ed.sh", r#"printf 'a: "changed"\n' > "$1"; exit 1"#);
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("exited with status 1"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
    // an editor that cannot start
    let out = edit_with(&sb, "/nonexistent/editor");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("could not start the editor"));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn editor_commands_may_carry_arguments_and_visual_wins() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let editor = sb.script(
        "ed.sh",
        r#"[ "$1" = "--wait" ] || exit 3; printf 'a: "from visual"\n' > "$2""#,
    );
    let out = sb
        .cmd(&["edit", "prod"])
        .env("VISUAL", format!("{} --wait", editor.display()))
        .env("EDITOR", "false")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.view(&["prod", "a"]), "from visual");
}

#[test]
fn edit_creates_a_vault_that_does_not_exist_yet() {
    let sb = Sandbox::new();
    let editor = sb.script("ed.sh", r#"printf 'api_key: "k"\n' >> "$1""#);
    let out = sb
        .cmd(&["edit", "staging"])
        .env("EDITOR", editor)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.view(&["staging", "api_key"]), "k");
    assert_eq!(sb.mode("vault/staging.yml.age"), 0o600);
}

/// Starts `promvault edit prod` in a process group of its own with an editor that waits;
/// returns the child once the editor runs.
fn edit_in_background(sb: &Sandbox) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let marker = sb.home.join("editor-started");
    let editor = sb.script("ed.sh", &format!("touch {}; sleep 30", marker.display()));
    let child = sb
        .std_cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the editor never started");
        sleep(Duration::from_millis(20));
    }
    assert_eq!(
        sb.leftovers().len(),
        1,
        "the private folder exists while editing"
    );
    child
}

fn kill(signal: &str, target: &str) {
    std::process::Command::new("kill")
        .args([&format!("-{signal}"), "--", target])
        .status()
        .unwrap();
}

/// SIGTERM or SIGHUP to promvault while the editor is open: the private folder goes, the
/// vault stays.
#[test]
fn a_terminated_edit_leaves_no_plaintext_behind() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let sb = Sandbox::new();
        sb.set("prod", "a", "v");
        let before = sb.read("vault/prod.yml.age");
        let mut child = edit_in_background(&sb);
        kill(signal, &child.id().to_string());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert!(sb.leftovers().is_empty(), "{signal}: {:?}", sb.leftovers());
        assert_eq!(sb.read("vault/prod.yml.age"), before);
        // the orphaned editor (its own sleep) goes with its process group
        kill("KILL", &format!("-{}", child.id()));
    }
}

/// Ctrl-C or Ctrl-\ at the terminal signals the whole foreground group: the editor decides;
/// one that dies of it has failed, and nothing is left behind.
#[test]
fn ctrl_c_at_the_terminal_is_the_editors_business() {
    for signal in ["INT", "QUIT"] {
        let sb = Sandbox::new();
        sb.set("prod", "a", "v");
        let before = sb.read("vault/prod.yml.age");
        let child = edit_in_background(&sb);
        // promvault alone first: it keeps waiting for its editor
        kill(signal, &child.id().to_string());
        sleep(Duration::from_millis(200));
        assert_eq!(
            sb.leftovers().len(),
            1,
            "{signal}: promvault gave up on its editor"
        );
        kill(signal, &format!("-{}", child.id()));
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{signal}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("the vault was not changed"),
            "{}",
            stderr(&out)
        );
        assert!(sb.leftovers().is_empty(), "{signal}: {:?}", sb.leftovers());
        assert_eq!(sb.read("vault/prod.yml.age"), before);
    }
}

#[test]
fn an_edit_that_is_not_utf8_is_refused() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script("ed.sh", r#"printf 'a: "caf\351"\n' > "$1""#);
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
    assert_eq!(sb.read("vault/prod.yml.age"), before);
}

#[test]
fn a_vault_changed_during_the_edit_is_not_overwritten() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    sb.set("staging", "other", "x");
    // While "the user edits", someone else's change lands (here: another file's bytes).
    let editor = sb.script(
        "ed.sh",
        &format!(
            r#"cp {} {}; printf 'a: "mine"\n' > "$1""#,
            sb.path("vault/staging.yml.age").display(),
            sb.path("vault/prod.yml.age").display()
        ),
    );
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("changed while you were working"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        sb.read("vault/prod.yml.age"),
        sb.read("vault/staging.yml.age")
    );
    let saved = sb
        .cmd(&["decrypt", "vault/prod.yml.age.conflict", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(saved.stdout, b"a: \"mine\"\n");
    assert!(sb.leftovers().is_empty());
}

#[test]
fn the_editor_does_not_inherit_the_age_key() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let key = std::fs::read_to_string(sb.identity_path()).unwrap();
    let seen = sb.home.join("env-seen");
    let editor = sb.script("ed.sh", &format!("env > {}", seen.display()));
    let out = sb
        .cmd(&["edit", "prod"])
        .env("EDITOR", editor)
        .env("PROMVAULT_AGE_KEY", &key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let env = std::fs::read_to_string(seen).unwrap();
    assert!(!env.contains("AGE-SECRET-KEY"), "{env}");
}

#[test]
fn a_plaintext_left_by_a_killed_edit_is_wiped_by_the_next_one() {
    let sb = Sandbox::new();
    sb.set("prod", "pw", "left-behind-secret");
    let editor = sb.script("slow.sh", "sleep 30");
    let mut child = sb
        .std_cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // wait for the plaintext to exist, then SIGKILL: nothing can clean up
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while sb.leftovers().is_empty() {
        assert!(std::time::Instant::now() < deadline, "edit never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sb.leftovers().len(), 1, "the killed edit left its folder");
    let noop = sb.script("noop.sh", "true");
    let out = sb
        .cmd(&["edit", "prod"])
        .env("EDITOR", &noop)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    assert!(
        crate::support::stderr(&out)
            .contains("removed the plaintext a killed `promvault edit` left"),
        "{}",
        crate::support::stderr(&out)
    );
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
}

#[test]
fn no_core_dump_can_hold_the_plaintext() {
    let sb = Sandbox::new();
    sb.set("prod", "pw", "x");
    let limits = sb.home.join("limits.txt");
    // the editor reads promvault's own limits (its parent), and its own inherited ones
    let editor = sb.script(
        "limits.sh",
        &format!(
            "grep 'Max core file size' /proc/$PPID/limits > '{0}'; ulimit -Hc >> '{0}'",
            limits.display()
        ),
    );
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    let text = std::fs::read_to_string(&limits).unwrap();
    let mut lines = text.lines();
    let own: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    // `Max core file size  SOFT  HARD  bytes`
    assert_eq!(&own[4..6], ["0", "0"], "{text}");
    assert_eq!(lines.next(), Some("0"), "{text}");
}

#[test]
fn a_key_written_twice_is_refused_with_both_lines() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "v");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script(
        "ed.sh",
        r#"printf 'a: "TOPSECRET1"\nb: 2\na: "TOPSECRET2"\n' > "$1""#,
    );
    let out = edit_with(&sb, editor.to_str().unwrap());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 3") && err.contains("`a` is written twice (first at line 1)"),
        "{err}"
    );
    assert!(!err.contains("TOPSECRET"), "{err}");
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
}
