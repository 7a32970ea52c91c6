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

/// SIGTERM and SIGINT while the editor is open: the private folder goes, the vault stays.
#[test]
fn an_interrupted_edit_leaves_no_plaintext_behind() {
    for signal in ["TERM", "INT", "HUP"] {
        let sb = Sandbox::new();
        sb.set("prod", "a", "v");
        let before = sb.read("vault/prod.yml.age");
        let marker = sb.home.join("editor-started");
        let editor = sb.script("ed.sh", &format!("touch {}; sleep 30", marker.display()));
        let mut child = sb
            .std_cmd(&["edit", "prod"])
            .env("EDITOR", &editor)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
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
        std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(sb.leftovers().is_empty(), "{signal}: {:?}", sb.leftovers());
        assert_eq!(sb.read("vault/prod.yml.age"), before);
        // the orphaned editor script is left to its sleep; kill it to keep the run tidy
        let _ = std::process::Command::new("pkill")
            .args(["-f", editor.to_str().unwrap()])
            .status();
    }
}
