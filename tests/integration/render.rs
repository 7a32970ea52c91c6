//! `promvault render`: outputs, flags, idempotence, and errors that write nothing.

use std::{fs, thread::sleep, time::Duration};

use crate::support::{mtime, stderr, stdout, Sandbox};

/// A project with two outputs: a Prometheus config (one per environment) and an exporter web
/// config per host of the `exporters` group.
fn project() -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!(
            "{text}outputs:\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n  - template: templates/web.yml.j2\n    dest: \"out/{{{{ env }}}}/{{{{ inventory_hostname }}}}/web.yml\"\n    hosts: exporters\n    mode: \"0640\"\n"
        ),
    );
    sb.write(
        "templates/prometheus.yml.j2",
        "# {{ ansible_managed }}\nglobal:\n  scrape_interval: {{ scrape_interval }}\nscrape_configs:\n  - job_name: node\n    basic_auth:\n      username: {{ scrape_user | to_json }}\n      password: {{ scrape_password | to_json }}\n    static_configs:\n      - targets: {{ groups['exporters'] | map('extract', hostvars, 'target') | list | to_json }}\n",
    );
    sb.write(
        "templates/web.yml.j2",
        "basic_auth_users:\n  {{ scrape_user }}: {{ scrape_password | bcrypt(cost=4) }}\n",
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            &format!("all:\n  children:\n    exporters:\n      hosts:\n        node1-{env}:\n          target: \"node1.example.internal:9100\"\n        node2-{env}:\n          target: \"node2.example.internal:9100\"\n"),
        );
        sb.write(
            &format!("inventories/{env}/group_vars/all.yml"),
            "scrape_interval: 15s\nscrape_user: prometheus\nscrape_password: \"{{ vault_scrape_password }}\"\n",
        );
        sb.set(env, "vault_scrape_password", &format!("{env}-pw"));
    }
    sb
}

#[test]
fn renders_every_output_owner_only_and_says_what_changed() {
    let sb = project();
    let out = sb.cmd(&["render"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    for path in [
        "out/staging/prometheus.yml",
        "out/prod/prometheus.yml",
        "out/prod/node1-prod/web.yml",
        "out/prod/node2-prod/web.yml",
    ] {
        assert!(summary.contains(&format!("created: {path}\n")), "{summary}");
    }
    assert_eq!(sb.mode("out/prod/prometheus.yml"), 0o600);
    assert_eq!(sb.mode("out/prod/node1-prod/web.yml"), 0o640);
    let prom = String::from_utf8(sb.read("out/prod/prometheus.yml")).unwrap();
    assert!(prom.contains("password: \"prod-pw\""), "{prom}");
    assert!(
        prom.contains(r#"targets: ["node1.example.internal:9100", "node2.example.internal:9100"]"#),
        "{prom}"
    );
    let web = String::from_utf8(sb.read("out/prod/node1-prod/web.yml")).unwrap();
    let hash = web.split_whitespace().last().unwrap();
    assert!(bcrypt::verify("prod-pw", hash).unwrap(), "{web}");
}

#[test]
fn a_second_render_is_byte_identical_and_touches_nothing() {
    let sb = project();
    sb.cmd(&["render", "prod"]).assert().success();
    let files = ["out/prod/prometheus.yml", "out/prod/node1-prod/web.yml"];
    let before: Vec<_> = files
        .iter()
        .map(|f| (sb.read(f), mtime(&sb.path(f))))
        .collect();
    sleep(Duration::from_millis(20));
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(stdout(&out).contains("unchanged: out/prod/node1-prod/web.yml"));
    assert!(
        !stdout(&out).contains("changed: out/prod/prometheus.yml\n")
            || stdout(&out).contains("unchanged: out/prod/prometheus.yml")
    );
    for (f, (bytes, time)) in files.iter().zip(before) {
        assert_eq!(sb.read(f), bytes, "{f}");
        assert_eq!(mtime(&sb.path(f)), time, "{f}");
    }
    sb.cmd(&["render", "prod", "--check"]).assert().code(0);
}

#[test]
fn check_reports_drift_with_exit_1_and_writes_nothing() {
    let sb = project();
    let out = sb.cmd(&["render", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("would change: out/prod/prometheus.yml"));
    assert!(!sb.path("out").exists());
    sb.cmd(&["render"]).assert().success();
    sb.cmd(&["render", "--check"]).assert().code(0);
    sb.set("prod", "vault_scrape_password", "rotated-pw");
    sb.cmd(&["render", "--check", "--quiet"])
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn diff_masks_every_secret_and_hash() {
    let sb = project();
    sb.cmd(&["render"]).assert().success();
    sb.set("prod", "vault_scrape_password", "rotated-pw");
    let group_vars = sb.path("inventories/prod/group_vars/all.yml");
    fs::write(
        &group_vars,
        fs::read_to_string(&group_vars)
            .unwrap()
            .replace("15s", "30s"),
    )
    .unwrap();
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    for secret in ["prod-pw", "rotated-pw", "$2b$"] {
        assert!(!diff.contains(secret), "{secret} in {diff}");
    }
    insta::assert_snapshot!(diff);
}

#[test]
fn stdout_prints_one_output_as_is_or_several_with_headers() {
    let sb = project();
    sb.write(
        "promvault.yml",
        &String::from_utf8(sb.read("promvault.yml"))
            .unwrap()
            .replace("    hosts: exporters\n", "    hosts: node1-prod\n"),
    );
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("---\n# promvault: out/prod/prometheus.yml (prod, localhost)\n"),
        "{text}"
    );
    assert!(
        text.contains("---\n# promvault: out/prod/node1-prod/web.yml (prod, node1-prod)\n"),
        "{text}"
    );
    assert!(!sb.path("out").exists(), "--stdout writes no file");
}

#[test]
fn extra_vars_win_over_everything() {
    let sb = project();
    sb.write("extra.yml", "scrape_user: from-file\n");
    let out = sb
        .cmd(&[
            "render",
            "prod",
            "--stdout",
            "-e",
            "scrape_interval=1m",
            "-e",
            "@extra.yml",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("scrape_interval: 1m\n"), "{text}");
    assert!(text.contains("username: \"from-file\""), "{text}");
}

#[test]
fn out_dir_moves_the_outputs() {
    let sb = project();
    let dir = sb.home.join("elsewhere");
    sb.cmd(&["render", "prod", "--out-dir", dir.to_str().unwrap()])
        .assert()
        .success();
    assert!(dir.join("prod/prometheus.yml").exists());
    assert!(!sb.path("out").exists());
}

#[test]
fn secrets_with_yaml_special_characters_stay_one_string() {
    let sb = project();
    let awkward = ": # ' \" { } \\ \n  leading, unicode é ☃ 🔑, {{ not a template }}";
    sb.set("prod", "vault_scrape_password", awkward);
    // `to_json` writes 🔑 as a surrogate pair (`\ud83d\udd11`), which Go's yaml.v2 and so
    // Prometheus (and real promtool 2.42) refuse: validation says so, nothing is written
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("out/prod/prometheus.yml:8: [promtool]")
            && stderr(&out).contains("invalid Unicode character escape"),
        "{}",
        stderr(&out)
    );
    // without escaping non-ASCII characters it stays one string
    let template = String::from_utf8(sb.read("templates/prometheus.yml.j2")).unwrap();
    sb.write(
        "templates/prometheus.yml.j2",
        &template.replace(
            "{{ scrape_password | to_json }}",
            "{{ scrape_password | to_json(ensure_ascii=False) }}",
        ),
    );
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.split("\n---\n").next().unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(first).unwrap();
    assert_eq!(doc["scrape_configs"][0]["basic_auth"]["password"], awkward);
}

/// Every error names file and line, exits 2 and writes nothing at all.
fn assert_fails_writing_nothing(sb: &Sandbox, expect: &[&str]) -> String {
    let before: Vec<_> = [
        "out/prod/prometheus.yml",
        "out/prod/node1-prod/web.yml",
        "out/prod/node2-prod/web.yml",
    ]
    .iter()
    .map(|f| (f.to_string(), fs::read(sb.path(f)).ok()))
    .collect();
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in {err}");
    }
    assert!(!err.contains("prod-pw"), "{err}");
    for (f, bytes) in before {
        assert_eq!(fs::read(sb.path(&f)).ok(), bytes, "{f} was touched");
    }
    err
}

#[test]
fn an_undefined_variable_names_itself_and_its_line() {
    let sb = project();
    sb.cmd(&["render"]).assert().success();
    sb.write(
        "templates/web.yml.j2",
        "basic_auth_users:\n  {{ scrape_user }}: {{ undefined_password }}\n",
    );
    let err = assert_fails_writing_nothing(
        &sb,
        &[
            "templates/web.yml.j2:2",
            "undefined variable `undefined_password`",
        ],
    );
    insta::assert_snapshot!(sb_settle(&sb, &err));
}

#[test]
fn a_failure_in_a_late_output_leaves_the_early_ones_untouched() {
    let sb = project();
    sb.cmd(&["render"]).assert().success();
    // the first output would change, the second fails: the first must not be written
    let group_vars = sb.path("inventories/prod/group_vars/all.yml");
    fs::write(
        &group_vars,
        fs::read_to_string(&group_vars)
            .unwrap()
            .replace("15s", "45s"),
    )
    .unwrap();
    sb.write("templates/web.yml.j2", "x: {{ nope }}\n");
    assert_fails_writing_nothing(&sb, &["undefined variable `nope`"]);
    assert!(!String::from_utf8(sb.read("out/prod/prometheus.yml"))
        .unwrap()
        .contains("45s"));
}

#[test]
fn a_variable_cycle_is_named() {
    let sb = project();
    sb.write(
        "inventories/prod/group_vars/all.yml",
        "scrape_interval: \"{{ a }}\"\na: \"{{ b }}\"\nb: \"{{ scrape_interval }}\"\nscrape_user: u\nscrape_password: p\n",
    );
    let err = assert_fails_writing_nothing(
        &sb,
        &["depends on itself", "inventories/prod/group_vars/all.yml:"],
    );
    insta::assert_snapshot!(sb_settle(&sb, &err));
}

#[test]
fn a_filter_error_names_the_template_line() {
    let sb = project();
    sb.write(
        "templates/web.yml.j2",
        "ok: 1\nbad: {{ 'x' | regex_replace('(', '') }}\n",
    );
    let err = assert_fails_writing_nothing(&sb, &["templates/web.yml.j2:2", "regex_replace"]);
    insta::assert_snapshot!(sb_settle(&sb, &err));
}

#[test]
fn a_bad_inventory_line_names_file_and_line() {
    let sb = project();
    fs::remove_file(sb.path("inventories/prod/hosts.yml")).unwrap();
    sb.write(
        "inventories/prod/hosts",
        "[exporters]\nnode1-prod target=x\nnode2-prod oops\n",
    );
    let err = assert_fails_writing_nothing(&sb, &["inventories/prod/hosts:3"]);
    insta::assert_snapshot!(sb_settle(&sb, &err));
}

#[test]
fn a_missing_template_or_vault_is_named() {
    let sb = project();
    fs::remove_file(sb.path("templates/web.yml.j2")).unwrap();
    assert_fails_writing_nothing(&sb, &["templates/web.yml.j2"]);
    let sb = project();
    fs::remove_file(sb.path("vault/prod.yml.age")).unwrap();
    let err = assert_fails_writing_nothing(
        &sb,
        &["vault/prod.yml.age does not exist", "promvault edit prod"],
    );
    insta::assert_snapshot!(sb_settle(&sb, &err));
}

fn sb_settle(sb: &Sandbox, text: &str) -> String {
    text.replace(sb.root.to_str().unwrap(), "[PROJECT]")
}

#[test]
fn out_dir_keeps_absolute_destinations_inside_and_refuses_dot_dot() {
    let sb = project();
    let abs = sb.home.join("abs");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replace(
            "\"out/{{ env }}/prometheus.yml\"",
            &format!("\"{}/{{{{ env }}}}/prometheus.yml\"", abs.display()),
        ),
    );
    let dir = sb.home.join("od");
    sb.cmd(&["render", "prod", "--out-dir", dir.to_str().unwrap()])
        .assert()
        .success();
    assert!(!abs.exists(), "wrote outside --out-dir");
    assert!(dir
        .join(abs.strip_prefix("/").unwrap())
        .join("prod/prometheus.yml")
        .exists());
    sb.write(
        "promvault.yml",
        &text.replace(
            "\"out/{{ env }}/prometheus.yml\"",
            "\"../escape/prometheus.yml\"",
        ),
    );
    sb.cmd(&["render", "prod", "--out-dir", dir.to_str().unwrap()])
        .assert()
        .code(2);
    assert!(!dir.parent().unwrap().join("escape").exists());
}

#[test]
fn an_io_error_on_a_late_output_writes_none_of_them() {
    let sb = project();
    sb.cmd(&["render", "prod"]).assert().success();
    let before = sb.read("out/prod/prometheus.yml");
    let group_vars = sb.path("inventories/prod/group_vars/all.yml");
    fs::write(
        &group_vars,
        fs::read_to_string(&group_vars)
            .unwrap()
            .replace("15s", "45s"),
    )
    .unwrap();
    // the second output's destination cannot be written: a folder stands there
    fs::remove_file(sb.path("out/prod/node2-prod/web.yml")).unwrap();
    fs::create_dir_all(sb.path("out/prod/node2-prod/web.yml/x")).unwrap();
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        sb.read("out/prod/prometheus.yml"),
        before,
        "the first output was replaced"
    );
}

#[test]
fn render_says_created_changed_and_unchanged() {
    let sb = project();
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(
        stdout(&out).contains("created: out/prod/prometheus.yml\n"),
        "{}",
        stdout(&out)
    );
    sb.set("prod", "vault_scrape_password", "rotated-pw");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("changed: out/prod/prometheus.yml\n"),
        "{text}"
    );
    assert!(!text.contains("created: "), "{text}");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(stdout(&out).contains("unchanged: out/prod/prometheus.yml\n"));
}

#[test]
fn include_finds_templates_beside_the_template_as_ansible_does_and_stays_inside() {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/t.j2\n    dest: out/t\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.set("prod", "unused", "x");
    sb.write(
        "templates/t.j2",
        "a\n{% include 'inc.j2' %}\nb\n{% include 'inc.j2' %}c\n",
    );
    sb.write("templates/inc.j2", "inc {{ 1 + 1 }}\n\n");
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // the bytes ansible-core 2.19.14's template module wrote for the same two files
    assert_eq!(stdout(&out), "a\ninc 2\nb\ninc 2\nc\n");
    // nothing outside the project can be included
    fs::write(sb.root.parent().unwrap().join("outside.j2"), "OUTSIDE").unwrap();
    sb.write("templates/t.j2", "{% include '../../outside.j2' %}\n");
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stdout(&out).contains("OUTSIDE"));
    assert!(
        stderr(&out).contains("templates/t.j2:1"),
        "{}",
        stderr(&out)
    );
}

/// Every form the masker knows of `value`: as is, JSON-escaped, YAML single-quote escaped,
/// urlencoded (with and without `/` kept), base64 (standard and URL-safe).
fn written_forms(value: &str) -> Vec<String> {
    use base64::Engine as _;
    let json = serde_json::to_string(value).unwrap();
    let url = |safe: &str| {
        value
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b)
                {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    vec![
        value.to_string(),
        json.trim_matches('"').to_string(),
        value.replace('\'', "''"),
        url("/"),
        url(""),
        base64::engine::general_purpose::STANDARD.encode(value),
        base64::engine::general_purpose::URL_SAFE.encode(value),
    ]
}

#[test]
fn diff_after_a_rotation_shows_the_line_changed_but_never_the_old_secret() {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/p.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n  - template: templates/c.txt.j2\n    dest: \"out/{{{{ env }}}}/c.txt\"\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "templates/p.yml.j2",
        "scrape_configs:\n  - job_name: a\n    basic_auth:\n      username: u\n      password: {{ pw | to_json }}\n  - job_name: b\n    params:\n      token: [{{ pw | urlencode | to_json }}]\n    authorization:\n      credentials: {{ pw | b64encode }}\n  - job_name: c\n    static_configs:\n      - targets: [\"h:1\"]\n        labels: {a: {{ pw | to_json }}, b: {{ pw | urlencode | to_json }}}\n",
    );
    sb.write(
        "templates/c.txt.j2",
        "{\"pw\": {{ pw | to_json }}, \"again\": {{ pw | to_json }}, \"u\": \"x\"}\nurl=https://h/?a={{ pw | urlencode }}&b={{ pw | b64encode }}&c={{ pw | urlencode }}\nsq='{{ pw | replace(\"'\", \"''\") }}' and '{{ pw | replace(\"'\", \"''\") }}'\n",
    );
    let old = "Old\"Sec ret/1+é'x";
    sb.set("prod", "pw", old);
    sb.cmd(&["render", "prod"]).assert().success();
    sb.set("prod", "pw", "New-secret-22");
    for args in [
        &["render", "prod", "--check", "--diff"][..],
        &["render", "prod", "--diff"][..],
    ] {
        let out = sb.cmd(args).output().unwrap();
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.code() != Some(2), "{all}");
        for form in written_forms(old) {
            assert!(!all.contains(&form), "`{form}` in:\n{all}");
        }
        for form in written_forms("New-secret-22") {
            assert!(!all.contains(&form), "`{form}` in:\n{all}");
        }
        // the credential line still shows that it changed
        assert!(
            all.contains(
                "-      password: \"<vault:pw (before)>\"\n+      password: \"<vault:pw>\"\n"
            ),
            "{all}"
        );
        assert!(all.contains("-{\"pw\": \"<vault:pw (before)>\""), "{all}");
    }
}

#[test]
fn prune_removes_outputs_no_longer_rendered_and_nothing_else() {
    let sb = project();
    sb.cmd(&["render"]).assert().success();
    let gone = "out/prod/node2-prod/web.yml";
    assert!(sb.path(gone).is_file());
    // node2 leaves the prod inventory
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  children:\n    exporters:\n      hosts:\n        node1-prod:\n          target: \"node1.example.internal:9100\"\n",
    );
    // a plain render says so and keeps it
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("note: {gone} is no longer rendered")),
        "{}",
        stderr(&out)
    );
    assert!(sb.path(gone).is_file());
    // --check --prune reports it as drift and removes nothing
    let out = sb
        .cmd(&["render", "prod", "--check", "--prune"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("would remove: {gone}\n")));
    assert!(sb.path(gone).is_file());
    // a hostile list cannot reach outside the project or into .git
    let list = String::from_utf8(sb.read(".promvault-outputs")).unwrap();
    fs::write(sb.root.parent().unwrap().join("outside"), "x").unwrap();
    sb.write(".git/config", "keep");
    sb.write(
        ".promvault-outputs",
        &format!("{list}prod\t../outside\nprod\t.git/config\nprod\t/etc/hostname\n"),
    );
    // --prune lists the removal first, with a masked diff, and removes only that file
    let out = sb
        .cmd(&["render", "prod", "--prune", "--diff"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("--- ") || text.contains(&format!("removed: {gone}\n")),
        "{text}"
    );
    assert!(!text.contains("$2"), "a bcrypt hash in the diff: {text}");
    let removed_at = text.find(&format!("removed: {gone}")).unwrap();
    let first_write = text.find("unchanged: ").unwrap();
    assert!(removed_at < first_write, "{text}");
    assert!(!sb.path(gone).exists());
    assert!(sb.root.parent().unwrap().join("outside").exists());
    assert_eq!(sb.read(".git/config"), b"keep");
    // staging's outputs are not prod's business
    assert!(sb.path("out/staging/node2-staging/web.yml").is_file());
    let out = sb
        .cmd(&["render", "prod", "--check", "--prune"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn render_check_speaks_json_for_ci() {
    let sb = project();
    sb.cmd(&["render", "prod"]).assert().success();
    sb.set("prod", "vault_scrape_password", "rotated-pw-123");
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["drift"], true, "{report}");
    let outputs = report["outputs"].as_array().unwrap();
    let p = outputs
        .iter()
        .find(|o| o["file"] == "out/prod/prometheus.yml")
        .unwrap();
    assert_eq!(p["status"], "would change");
    assert!(p["diff"]
        .as_str()
        .unwrap()
        .contains("<vault:vault_scrape_password>"));
    assert!(outputs
        .iter()
        .any(|o| o["status"] == "would change" && o["file"] == "out/prod/node1-prod/web.yml"));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains("rotated-pw-123") && !all.contains("prod-pw"),
        "{all}"
    );
    // written: created/changed/unchanged per file, no drift field
    let out = sb
        .cmd(&["render", "prod", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("drift").is_none());
    assert!(
        report["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "changed"),
        "{report}"
    );
    // findings that stop the render are in the JSON too (exit 2, nothing written)
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: a\n    scrape_intervl: 1m\n",
    );
    let out = sb
        .cmd(&["render", "prod", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["findings"][0];
    assert_eq!(f["id"], "promtool");
    assert_eq!(f["written_at_file"], "templates/prometheus.yml.j2");
    assert_eq!(f["written_at_line"], 3);
}
