//! A hostile pull request: every file of the project is the attacker's, CI runs `render` and
//! `check` on it with a real identity. Nothing may be written outside the project (or into
//! `.git/`), nothing outside it read or printed, and no program started.

use std::{fs, os::unix::fs::PermissionsExt, path::Path};

use crate::support::{stderr, stdout, Sandbox};

/// What a CI machine's environment holds and a hostile project must never print.
const CANARY: &str = "ci-token-canary-5f1e2d";

/// A small project with one output per environment and one per host of `exporters`.
fn project(outputs: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write("templates/plain.j2", "hello {{ env }}\n");
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  children:\n    exporters:\n      hosts:\n        node1: {}\n",
        );
        sb.set(env, "pw", "s3cret-value");
    }
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write("promvault.yml", &format!("{text}outputs:\n{outputs}"));
    sb
}

/// Runs `render` and `check`; both must fail (2 and 1 or 2) and print neither the canary nor
/// the secret, and nothing may appear at `never`.
fn assert_refused(sb: &Sandbox, expect: &str, never: &[&Path]) {
    let out = sb
        .cmd(&["render"])
        .env("CANARY_TOKEN", CANARY)
        .output()
        .unwrap();
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(2), "render: {all}");
    assert!(all.contains(expect), "render: {all}");
    let out = sb
        .cmd(&["check"])
        .env("CANARY_TOKEN", CANARY)
        .output()
        .unwrap();
    let all_check = format!("{}{}", stdout(&out), stderr(&out));
    assert_ne!(out.status.code(), Some(0), "check said clean: {all_check}");
    assert!(all_check.contains(expect), "check: {all_check}");
    for text in [&all, &all_check] {
        assert!(!text.contains(CANARY), "{text}");
        assert!(!text.contains("s3cret-value"), "{text}");
    }
    for path in never {
        assert!(
            fs::symlink_metadata(path).is_err(),
            "{} was written",
            path.display()
        );
    }
}

#[test]
fn a_dest_in_git_hooks_is_refused_and_no_hook_appears() {
    let sb = project(
        "  - template: templates/plain.j2\n    dest: .git/hooks/post-checkout\n    mode: \"0644\"\n",
    );
    fs::create_dir_all(sb.path(".git/hooks")).unwrap();
    assert_refused(
        &sb,
        "inside `.git/`",
        &[&sb.path(".git/hooks/post-checkout")],
    );
    // any spelling of the folder
    let sb = project("  - template: templates/plain.j2\n    dest: sub/.Git/x\n");
    assert_refused(&sb, "inside `.git/`", &[&sb.path("sub")]);
}

#[test]
fn an_executable_or_setuid_mode_is_refused() {
    for mode in ["0755", "6777", "4644", "0700"] {
        let sb = project(&format!(
            "  - template: templates/plain.j2\n    dest: out/x.sh\n    mode: \"{mode}\"\n"
        ));
        assert_refused(&sb, "makes the output executable", &[&sb.path("out")]);
    }
}

#[test]
fn absolute_and_parent_dests_are_refused() {
    let sb = project("  - template: templates/plain.j2\n    dest: \"../escape/{{ env }}.yml\"\n");
    assert_refused(&sb, "`..` would lead out", &[&sb.root.join("../escape")]);
    let target = sb.home.join("abs");
    let sb2 = project(&format!(
        "  - template: templates/plain.j2\n    dest: \"{}/{{{{ env }}}}.yml\"\n",
        target.display()
    ));
    let target = sb2.home.join("abs");
    assert_refused(&sb2, "an absolute path", &[&target]);
    // the message says how to write elsewhere
    let out = sb2.cmd(&["render"]).output().unwrap();
    assert!(stderr(&out).contains("--out-dir"), "{}", stderr(&out));
}

#[test]
fn a_host_named_like_a_path_cannot_lead_out() {
    let sb = project(
        "  - template: templates/plain.j2\n    dest: \"out/{{ env }}/{{ inventory_hostname }}/web.yml\"\n    hosts: exporters\n",
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  children:\n    exporters:\n      hosts:\n        \"../../../x\": {}\n",
        );
    }
    assert_refused(
        &sb,
        "cannot be part of a file name",
        &[&sb.root.join("../x")],
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  children:\n    exporters:\n      hosts:\n        \"a/b\": {}\n",
        );
    }
    assert_refused(&sb, "cannot be part of a file name", &[&sb.path("out")]);
}

#[test]
fn a_symlinked_output_folder_or_file_is_not_followed() {
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    let outside = sb.home.join("elsewhere");
    fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, sb.path("out")).unwrap();
    assert_refused(&sb, "is a symlink", &[&outside.join("prod.yml")]);
    fs::remove_file(sb.path("out")).unwrap();
    fs::create_dir_all(sb.path("out")).unwrap();
    let victim = outside.join("victim");
    fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, sb.path("out/prod.yml")).unwrap();
    assert_refused(&sb, "is a symlink", &[]);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn paths_in_the_project_file_cannot_point_outside() {
    let base = "  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n";
    for (from, to) in [
        ("  prod:\n", "  prod:\n    inventory: /proc/self/environ\n"),
        ("  prod:\n", "  prod:\n    inventory: ../../home\n"),
        ("  staging: {}\n", "  staging:\n    vault: /etc/passwd\n"),
        ("  staging: {}\n", "  staging:\n    vault: .git/x.age\n"),
    ] {
        let sb = project(base);
        let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
        assert!(text.contains(from));
        sb.write("promvault.yml", &text.replacen(from, to, 1));
        assert_refused(&sb, "promvault.yml:", &[]);
    }
    let sb = project("  - template: /proc/self/environ\n    dest: out/x\n");
    assert_refused(&sb, "an absolute path", &[]);
    let sb = project(
        "  - template: templates/plain.j2\n    dest: out/x\n    defaults: [/proc/self/environ]\n",
    );
    assert_refused(&sb, "an absolute path", &[]);
}

#[test]
fn symlinks_to_files_outside_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    fs::write(&secret, format!("token: {CANARY}\n")).unwrap();
    // a group_vars file
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    fs::create_dir_all(sb.path("inventories/prod/group_vars")).unwrap();
    std::os::unix::fs::symlink(&secret, sb.path("inventories/prod/group_vars/all.yml")).unwrap();
    assert_refused(&sb, "outside the project", &[]);
    // a template
    let sb = project("  - template: templates/link.j2\n    dest: \"out/{{ env }}.yml\"\n");
    std::os::unix::fs::symlink(&secret, sb.path("templates/link.j2")).unwrap();
    assert_refused(&sb, "outside the project", &[]);
    // a whole inventory folder
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    fs::remove_dir_all(sb.path("inventories/prod")).unwrap();
    std::os::unix::fs::symlink(outside.path(), sb.path("inventories/prod")).unwrap();
    assert_refused(&sb, "outside the project", &[]);
}

#[test]
fn templates_cannot_include_files() {
    let sb = project("  - template: templates/inc.j2\n    dest: \"out/{{ env }}.yml\"\n");
    sb.write("templates/inc.j2", "{% include '/etc/passwd' %}\n");
    assert_refused(&sb, "templates/inc.j2", &[&sb.path("out")]);
    let out = sb.cmd(&["render"]).output().unwrap();
    assert!(!stderr(&out).contains("root:"), "{}", stderr(&out));
    for source in [
        "{{ lookup('env', 'CANARY_TOKEN') }}\n",
        "{{ lookup('pipe', 'echo hi') }}\n",
        "{{ lookup('file', '/etc/hostname') }}\n",
    ] {
        sb.write("templates/inc.j2", source);
        assert_refused(&sb, "is not supported", &[&sb.path("out")]);
    }
}

#[test]
fn a_committed_demo_identity_never_runs_a_plugin() {
    let sb = Sandbox::empty();
    // a recipient nobody here holds
    let (_, other) = {
        let helper = Sandbox::new();
        helper.other_identity("x.txt")
    };
    sb.write(
        "promvault.yml",
        &format!(
            "recipients: [{other}]\nenvironments:\n  prod: {{}}\ndemo_identity: vault/demo-identity.txt\noutputs:\n  - template: templates/plain.j2\n    dest: out/x\n"
        ),
    );
    sb.write("templates/plain.j2", "x\n");
    sb.write("inventories/prod/hosts.yml", "all: {}\n");
    sb.write(
        "vault/demo-identity.txt",
        "# DEMO IDENTITY: public, never use for real secrets\nAGE-PLUGIN-CANARY-1QYQSZQGPQYQSZQGPQYQSZQGPQYAH5PX2\n",
    );
    // a vault encrypted to `other`, which the demo identity would be tried on
    sb.write("plain.yml", "a: b\n");
    sb.cmd(&["encrypt", "plain.yml", "-o", "vault/prod.yml.age"])
        .assert()
        .success();
    fs::remove_file(sb.path("plain.yml")).unwrap();
    // the plugin a hostile identity names, on PATH: it leaves a mark if it ever runs
    let bin = sb.home.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let mark = sb.home.join("plugin-ran");
    let plugin = bin.join("age-plugin-canary");
    fs::write(
        &plugin,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    fs::set_permissions(&plugin, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    for args in [&["render"][..], &["check"], &["view", "prod"]] {
        let out = sb.cmd(args).env("PATH", &path).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(!mark.exists(), "{args:?} ran the plugin");
    }
    let out = sb
        .cmd(&["view", "prod"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("may hold only age X25519 keys"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_scans_only_files_inside_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("id");
    fs::write(
        &key,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    std::os::unix::fs::symlink(&key, sb.path("notes.txt")).unwrap();
    let out = sb.cmd(&["check"]).output().unwrap();
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("private-key"), "{all}");
    assert!(all.contains("not scanned: notes.txt"), "{all}");
    // the same key inside the project is found
    fs::remove_file(sb.path("notes.txt")).unwrap();
    fs::copy(&key, sb.path("notes.txt")).unwrap();
    let out = sb.cmd(&["check"]).output().unwrap();
    assert!(stdout(&out).contains("private-key"), "{}", stdout(&out));
}

/// The classic alias bomb: `l0` holds 10 scalars, `l1` 10 aliases to `l0`, ... 12 levels, so
/// 10^12 scalars from under 400 bytes. Only a bounded loader gets through it at all.
fn alias_bomb() -> String {
    let mut text = "l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n".to_string();
    for i in 1..12 {
        let aliases = vec![format!("*l{}", i - 1); 10].join(",");
        text.push_str(&format!("l{i}: &l{i} [{aliases}]\n"));
    }
    text
}

/// `render` and `check` refuse the project at `place` (`file:line`), and `render` says why.
fn assert_refused_at(sb: &Sandbox, place: &str, message: &str) {
    assert_refused(sb, &format!("{place}:"), &[&sb.path("out")]);
    let out = sb.cmd(&["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{place}: {message}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_alias_bomb_or_a_deep_value_in_group_vars_is_refused_with_file_and_line() {
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    sb.write("inventories/prod/group_vars/all.yml", &alias_bomb());
    // line 6 asks for a million scalars: there the budget runs out
    assert_refused_at(
        &sb,
        "inventories/prod/group_vars/all.yml:6",
        "aliases expand to more than 1000000 nodes (an alias bomb?)",
    );
    sb.write(
        "inventories/prod/group_vars/all.yml",
        &format!("ok: 1\ndeep: {}\n", "[".repeat(10_000)),
    );
    assert_refused_at(
        &sb,
        "inventories/prod/group_vars/all.yml:2",
        "YAML nesting deeper than 256",
    );
}

#[test]
fn a_host_range_of_a_hundred_million_is_refused_with_file_and_line() {
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.yml\"\n");
    fs::remove_file(sb.path("inventories/prod/hosts.yml")).unwrap();
    sb.write(
        "inventories/prod/hosts",
        "[exporters]\nnode1\nweb[0:99999999].example.com\n",
    );
    assert_refused_at(
        &sb,
        "inventories/prod/hosts:3",
        "host pattern `web[0:99999999].example.com` expands to more than 100000 hosts",
    );
}

#[test]
fn a_closed_stdout_and_stderr_end_the_run_quietly() {
    let sb = project(
        "  - template: templates/big.j2\n    dest: \"out/{{ env }}/big.txt\"\n  - template: templates/bad.j2\n    dest: \"out/{{ env }}/prometheus.yml\"\n",
    );
    // far more than a pipe holds, so writing after `head` exits must meet a closed pipe: a
    // big output on stdout, and thousands of findings on stderr
    sb.write(
        "templates/big.j2",
        "{% for i in range(5000) %}line {{ i }} of a big output\n{% endfor %}",
    );
    sb.write(
        "templates/bad.j2",
        "{% for i in range(2000) %}unknown_field_{{ i }}: 1\n{% endfor %}",
    );
    for args in [
        "render --stdout",
        "render --check --diff",
        "render --no-validate --stdout",
        "view prod",
        "check",
    ] {
        let script = format!(
            "'{}' {args} 2>&1 | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}",
            crate::support::BIN
        );
        let status = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(&sb.root)
            .env("HOME", &sb.home)
            .env("XDG_CONFIG_HOME", sb.home.join(".config"))
            .status()
            .unwrap();
        // never a panic (101) or a signal; the findings make it exit 1 (check) or 2 (render)
        let code = status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{args}: exit {code:?} (101 is a panic)"
        );
    }
}

#[test]
fn runaway_templates_and_variables_stop_with_a_clear_error() {
    let cases: [(&str, &str, &str); 4] = [
        (
            "templates/plain.j2",
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
            "steps and was stopped",
        ),
        (
            "templates/plain.j2",
            "{{ 'x' * 1000000000 }}\n",
            "too large",
        ),
        (
            "templates/plain.j2",
            "{{ v3000 }}\n",
            "through more than 100 variables",
        ),
        (
            "templates/plain.j2",
            "{{ d40 | length }}\n",
            "larger than 64 MiB",
        ),
    ];
    for (file, source, expect) in cases {
        let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.txt\"\n");
        // a chain of 3,000 lazy variables, and 40 that each double the one before
        let mut vars = String::from("v0: start\nd0: \"0123456789\"\n");
        for i in 1..=3000 {
            vars.push_str(&format!("v{i}: \"{{{{ v{} }}}}\"\n", i - 1));
        }
        for i in 1..=40 {
            vars.push_str(&format!("d{i}: \"{{{{ d{0} }}}}{{{{ d{0} }}}}\"\n", i - 1));
        }
        sb.write("inventories/prod/group_vars/all.yml", &vars);
        sb.write(file, source);
        let out = sb.cmd(&["render", "prod"]).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{source}: {err}");
        assert!(err.contains(expect), "{source}: {err}");
        assert!(err.contains("templates/plain.j2:1"), "{source}: {err}");
    }
}

#[test]
fn a_fifo_identity_is_refused_and_a_readable_one_warned_about() {
    let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.txt\"\n");
    let fifo = sb.home.join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut child = sb
        .std_cmd(&["view", "prod", "-i", fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("promvault blocked on a FIFO given as an identity");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    sb.collect(&["view", "prod", "-i", "FIFO"], &out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    // a key others may read still works, with a warning
    fs::set_permissions(sb.identity_path(), fs::Permissions::from_mode(0o644)).unwrap();
    let out = sb.cmd(&["view", "prod", "pw"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("other users may read it (mode 0644)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bcrypt_cost_that_would_run_for_days_is_refused() {
    for source in [
        "{{ pw | bcrypt(cost=31) }}\n",
        "{{ pw | password_hash('bcrypt', rounds=31) }}\n",
    ] {
        let sb = project("  - template: templates/plain.j2\n    dest: \"out/{{ env }}.txt\"\n");
        sb.write("templates/plain.j2", source);
        let out = sb.cmd(&["render", "prod"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{source}");
        assert!(
            stderr(&out).contains("cost 31 is refused"),
            "{}",
            stderr(&out)
        );
    }
    let sb = Sandbox::new();
    let out = sb
        .cmd(&["hash", "--cost", "31"])
        .write_stdin("pw")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--cost 31 is refused"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_error_path_prints_a_vault_value_in_any_form() {
    let secret = "Zq7 s3cret/+é:#{x}";
    let templates = [
        // a rule's message quotes the value
        "global:\n  scrape_interval: {{ pw }}\n",
        "global:\n  scrape_interval: {{ pw | to_json }}\n",
        "scrape_configs:\n  - job_name: {{ pw | to_json }}\n    static_configs:\n      - targets: [{{ pw | to_json }}]\n",
        // a filter's message quotes its input
        "x: {{ pw | from_json }}\n",
        "x: {{ pw | b64decode }}\n",
        "x: {{ pw | urlencode }} {{ pw | b64encode }}\n",
        // the value breaks the YAML
        "scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: {{ pw }}\n",
    ];
    let mut seen = String::new();
    for template in templates {
        let sb = project(
            "  - template: templates/plain.j2\n    dest: \"out/{{ env }}/prometheus.yml\"\n",
        );
        sb.set("prod", "pw", secret);
        sb.write("templates/plain.j2", template);
        for args in [
            &["render", "prod"][..],
            &["render", "prod", "--check", "--diff"],
            &["render", "prod", "--no-validate", "--check", "--diff"],
            &["check"],
            &["check", "--format", "json"],
        ] {
            let out = sb.cmd(args).output().unwrap();
            seen.push_str(&stdout(&out));
            seen.push_str(&stderr(&out));
        }
        // an edit that breaks the YAML around the value
        let editor = sb.script("break.sh", "printf 'pw: [Zq7 s3cret/+é:#{x}\\n' > \"$1\"");
        let out = sb
            .cmd(&["edit", "prod"])
            .env("EDITOR", &editor)
            .output()
            .unwrap();
        seen.push_str(&stderr(&out));
        // a wrong identity
        let (other, _) = sb.other_identity("other.txt");
        let out = sb
            .cmd(&["view", "prod", "-i", other.to_str().unwrap()])
            .output()
            .unwrap();
        seen.push_str(&stdout(&out));
        seen.push_str(&stderr(&out));
    }
    assert!(seen.contains("<vault:pw>"), "the paths ran: {seen}");
    for form in crate::forms::forms(secret) {
        assert!(!seen.contains(&form), "`{form}` was printed:\n{seen}");
    }
    // and the distinctive parts of it
    for part in ["Zq7 s3cret", "s3cret/+"] {
        assert!(!seen.contains(part), "`{part}` was printed:\n{seen}");
    }
}

/// An armored age file whose header holds `stanzas` X25519 stanzas (none for our identity:
/// the header format is public, no key is needed to write one).
fn age_file_with_stanzas(stanzas: usize) -> Vec<u8> {
    use base64::Engine as _;
    use std::io::Write as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
    let mut binary = b"age-encryption.org/v1\n".to_vec();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..stanzas {
        // a pseudo-random ephemeral share (a small number would be a low-order point)
        let mut share = [0u8; 32];
        for chunk in share.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        binary.extend_from_slice(
            format!("-> X25519 {}\n{}\n", b64(&share), b64(&[7u8; 32])).as_bytes(),
        );
    }
    binary.extend_from_slice(format!("--- {}\n", b64(&[1u8; 32])).as_bytes());
    binary.extend_from_slice(&[0u8; 16 + 17 + 16]);
    let mut out = Vec::new();
    let mut w =
        age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor).unwrap();
    w.write_all(&binary).unwrap();
    w.finish().unwrap();
    out
}

#[test]
fn a_vault_with_twenty_thousand_stanzas_is_refused_before_age_parses_it() {
    let sb = Sandbox::new();
    sb.set("prod", "pw", "s3cret-value");
    fs::write(sb.path("vault/prod.yml.age"), age_file_with_stanzas(20_000)).unwrap();
    // the age crate re-parses a header from its start for each line: refused by counting
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "vault/prod.yml.age was not opened: its age header holds 20000 recipient stanzas"
        ),
        "{err}"
    );
    assert!(err.contains("at most 1000 stanzas"), "{err}");
    assert!(out.stdout.is_empty());
    // `decrypt` of any age file takes the same path
    fs::write(sb.path("big.age"), age_file_with_stanzas(20_000)).unwrap();
    let out = sb.cmd(&["decrypt", "big.age", "-o", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("big.age was not opened"),
        "{}",
        stderr(&out)
    );
    // a header within the bound is read and, here, found to hold no stanza of ours
    fs::write(sb.path("vault/prod.yml.age"), age_file_with_stanzas(50)).unwrap();
    let out = sb.cmd(&["view", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("none of your identities can open vault/prod.yml.age"),
        "{}",
        stderr(&out)
    );
}
