//! One pipeline for render, check and view: the same project gives the same verdicts and the
//! same values, with a key and without one.

use crate::support::{stderr, stdout, Sandbox};

/// The seed's project: a basic-auth job and an apiKey job, secrets from the vault.
fn seed(template_password: &str, template_key: &str) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n"),
    );
    for env in ["staging", "prod"] {
        sb.write(
            &format!("inventories/{env}/hosts.yml"),
            "all:\n  hosts:\n    localhost:\n",
        );
        sb.set(env, "node_exporter_password", "harmless-pw-123");
        sb.set(env, "web_service_api_key", "harmless-key-456");
    }
    sb.write(
        "templates/prometheus.yml.j2",
        &format!(
            "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password: {template_password}\n    static_configs:\n      - targets: ['node:9100']\n  - job_name: web\n    authorization:\n      type: apiKey\n      credentials: {template_key}\n    static_configs:\n      - targets: ['web:8080']\n"
        ),
    );
    sb
}

/// `check` with the key, and without any identity.
fn checks(sb: &Sandbox, args: &[&str]) -> [(i32, String); 2] {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let with_key = sb.cmd(&all).output().unwrap();
    let without = sb
        .cmd(&all)
        .env("XDG_CONFIG_HOME", sb.home.join("no-config"))
        .env("HOME", sb.home.join("no-home"))
        .output()
        .unwrap();
    [with_key, without].map(|out| {
        (
            out.status.code().unwrap_or(-1),
            format!("{}{}", stdout(&out), stderr(&out)),
        )
    })
}

#[test]
fn the_seed_idiom_passes_check_quoted_unquoted_or_to_json() {
    for (pw, key) in [
        (
            "\"{{ node_exporter_password }}\"",
            "\"{{ web_service_api_key }}\"",
        ),
        ("{{ node_exporter_password }}", "{{ web_service_api_key }}"),
        (
            "{{ node_exporter_password | to_json }}",
            "{{ web_service_api_key | to_json }}",
        ),
        (
            "'{{ node_exporter_password }}'",
            "'{{ web_service_api_key }}'",
        ),
    ] {
        let sb = seed(pw, key);
        sb.cmd(&["render"]).assert().success();
        for (code, out) in checks(&sb, &[]) {
            assert_eq!(code, 0, "{pw} / {key}: {out}");
            assert!(!out.contains("literal-credential"), "{out}");
            assert!(!out.contains("harmless-"), "{out}");
        }
    }
}

#[test]
fn literal_credential_fires_only_for_values_not_from_the_vault() {
    // filtered or concatenated vault values come from the vault
    let sb = seed(
        "{{ ('x' ~ node_exporter_password) | b64encode | to_json }}",
        "{{ web_service_api_key | upper | to_json }}",
    );
    sb.cmd(&["render"]).assert().success();
    for (code, out) in checks(&sb, &[]) {
        assert_eq!(code, 0, "{out}");
    }
    // a pasted literal does not, with or without a key
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "pasted-literal-key",
    );
    let out = sb.cmd(&["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[literal-credential]"),
        "{}",
        stderr(&out)
    );
    for (code, out) in checks(&sb, &[]) {
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("[literal-credential] scrape_configs[1].authorization.credentials"),
            "{out}"
        );
    }
    // an output that no vault value reaches renders the same twice: each literal is one
    let sb = seed("pasted-literal-pw", "pasted-literal-key");
    let out = sb.cmd(&["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    for field in [
        "scrape_configs[0].basic_auth.password",
        "scrape_configs[1].authorization.credentials",
    ] {
        assert!(
            stderr(&out).contains(&format!("[literal-credential] {field}")),
            "{}",
            stderr(&out)
        );
    }
    // a pasted literal that happens to contain a vault value, or to be one, is still a
    // pasted literal (provenance, not text: the vault's `harmless-key-456` proves nothing)
    for pasted in ["pasted-harmless-key-456-copy", "harmless-key-456"] {
        let sb = seed("{{ node_exporter_password | to_json }}", pasted);
        let out = sb.cmd(&["render"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out)
                .contains("[literal-credential] scrape_configs[1].authorization.credentials"),
            "{}",
            stderr(&out)
        );
    }
    // the same value through an included template
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "\"{% include 'key.j2' %}\"",
    );
    sb.write("templates/key.j2", "harmless-key-456");
    let out = sb.cmd(&["render"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[literal-credential]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bcrypt_hash_in_the_vault_used_as_a_client_password_is_found_without_a_key() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    sb.set(
        "prod",
        "node_exporter_password",
        "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
    );
    let record = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    assert!(
        record.contains("\"node_exporter_password\": bcrypt"),
        "{record}"
    );
    assert!(!record.contains("$2b$"), "{record}");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(stderr(&out).contains("[bcrypt-in-client-password]"));
    for (code, out) in checks(&sb, &[]) {
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("[bcrypt-in-client-password]"), "{out}");
        assert!(out.contains("environment `prod`"), "{out}");
        assert!(!out.contains("abcdefghijklmnop"), "{out}");
    }
}

#[test]
fn view_and_templates_read_the_same_yaml_values() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    let edited = "node_exporter_password: \"harmless-pw-123\"\nweb_service_api_key: \"harmless-key-456\"\nx: 0777\ny: 1e3\nz: yes\nw: 0x1F\nv: 1_000\n";
    let editor = sb.script("ed.sh", &format!("printf '%s' '{edited}' > \"$1\""));
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    sb.write(
        "templates/values.txt.j2",
        "{{ x }} {{ y }} {{ z }} {{ w }} {{ v }}\n",
    );
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}  - template: templates/values.txt.j2\n    dest: \"out/{{{{ env }}}}/values.txt\"\n"),
    );
    let out = sb.cmd(&["render", "prod", "--stdout"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("511 1e3 True 31 1000\n"),
        "{}",
        stdout(&out)
    );
    for (key, want) in [
        ("x", "511"),
        ("y", "1e3"),
        ("z", "true"),
        ("w", "31"),
        ("v", "1000"),
    ] {
        assert_eq!(sb.view(&["prod", key]), want, "{key}");
    }
}

#[test]
fn a_short_vault_value_never_hides_a_line_number() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    sb.set("prod", "node_exporter_password", "1");
    sb.write(
        "templates/prometheus.yml.j2",
        "{{ node_exporter_password | int }}{{ undefined_thing }}\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("templates/prometheus.yml.j2:1:"), "{err}");
    assert!(!err.contains("<vault:"), "{err}");
}

#[test]
fn check_json_has_every_field() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "pasted-literal-key",
    );
    let out = sb.cmd(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "literal-credential")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "out/staging/prometheus.yml");
    assert_eq!(f["line"], 11);
    assert_eq!(
        f["field_path"],
        "scrape_configs[1].authorization.credentials"
    );
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("does not come from the vault"));
    assert!(f["fix"].as_str().unwrap().contains("promvault set"));
    assert_eq!(f["written_at_file"], "templates/prometheus.yml.j2");
    assert_eq!(f["written_at_line"], 11);
}

#[test]
fn a_finding_names_the_template_line_that_wrote_it_through_loops_and_includes() {
    let sb = seed("x", "y");
    // output lines come from a loop (template line 4, three times) and an include: only the
    // render's record of who wrote what can tell; the pasted literal is written twice in the
    // templates, so searching their text for it would name the wrong line
    sb.write(
        "templates/prometheus.yml.j2",
        "# pasted-literal-key must not be pasted\nscrape_configs:\n{% for name in ['a', 'b', 'c'] %}\n  - job_name: {{ name }}\n    static_configs: [{targets: ['{{ name }}:80']}]\n{% endfor %}\n{% include 'web-job.j2' %}\n",
    );
    sb.write(
        "templates/web-job.j2",
        "  - job_name: web\n    authorization:\n      type: apikey\n      credentials: {{ 'pasted-literal-key' }}\n    static_configs: [{targets: ['web:8080']}]\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("out/prod/prometheus.yml:11: [authorization-type-case] scrape_configs[3].authorization.type:")
            && err.contains("(written at templates/web-job.j2:3)"),
        "{err}"
    );
    assert!(
        err.contains("out/prod/prometheus.yml:12: [literal-credential]")
            && err.contains("(written at templates/web-job.j2:4)"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!sb.path("out").exists());
    // a promtool finding inside the loop names the loop's line
    sb.write(
        "templates/web-job.j2",
        "  - job_name: web\n    static_configs: [{targets: ['web:8080']}]\n",
    );
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n{% for name in ['a', 'b', 'c'] %}\n  - job_name: {{ name }}\n    scrape_intervl: 1m\n    static_configs: [{targets: ['{{ name }}:80']}]\n{% endfor %}\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("out/prod/prometheus.yml:9: [promtool] scrape_configs[2].scrape_intervl:")
            && err.contains("(written at templates/prometheus.yml.j2:4)"),
        "{err}"
    );
}

#[test]
fn an_undefined_variable_inside_a_filter_is_named_like_a_plain_one() {
    for expression in [
        "{{ typo }}",
        "{{ typo | to_json }}",
        "{{ typo | to_nice_yaml }}",
        "{{ {'a': typo} | to_json }}",
        "{{ typo | b64encode }}",
        "{{ typo | bcrypt }}",
    ] {
        let sb = seed(
            "{{ node_exporter_password | to_json }}",
            "{{ web_service_api_key | to_json }}",
        );
        sb.write(
            "templates/prometheus.yml.j2",
            &format!("scrape_configs: []\nx: {expression}\n"),
        );
        let out = sb.cmd(&["render", "prod"]).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{expression}: {err}");
        assert!(
            err.contains(
                "templates/prometheus.yml.j2:2: undefined variable `typo` (environment `prod`, host `localhost`)"
            ),
            "{expression}: {err}"
        );
        assert!(err.contains("hint: define it"), "{expression}: {err}");
        for (code, out) in checks(&sb, &[]) {
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains("templates/prometheus.yml.j2:2: [render] undefined variable `typo`"),
                "{expression}: {out}"
            );
        }
    }
}

#[test]
fn two_outputs_with_one_destination_fail_render_and_check_alike() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n"),
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("would be written twice"),
        "{}",
        stderr(&out)
    );
    for (code, out) in checks(&sb, &[]) {
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("promvault.yml:"), "{out}");
        assert!(
            out.contains("[dest-shared] out/prod/prometheus.yml would be written twice"),
            "{out}"
        );
    }
}

#[test]
fn diff_masks_secrets_that_went_through_urlencode_or_b64encode() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    sb.set("prod", "node_exporter_password", "p@ss w/rd+1");
    sb.write(
        "templates/notes.txt.j2",
        "url: http://x/?k={{ node_exporter_password | urlencode }}\nb64: {{ node_exporter_password | b64encode }}\n",
    );
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}  - template: templates/notes.txt.j2\n    dest: \"out/{{{{ env }}}}/notes.txt\"\n"),
    );
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff"])
        .output()
        .unwrap();
    let diff = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        diff.contains("+url: http://x/?k=<vault:node_exporter_password>"),
        "{diff}"
    );
    assert!(
        diff.contains("+b64: <vault:node_exporter_password>"),
        "{diff}"
    );
    assert!(
        !diff.contains("p%40ss") && !diff.contains("cEBzcy"),
        "{diff}"
    );
}

#[test]
fn an_undefined_variable_inside_a_variable_gets_the_same_hint() {
    let sb = seed(
        "{{ node_exporter_password | to_json }}",
        "{{ web_service_api_key | to_json }}",
    );
    sb.write(
        "inventories/prod/group_vars/all.yml",
        "x_nested: \"{{ missing_thing }}\"\n",
    );
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs: []\ny: {{ x_nested }}\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("undefined variable `missing_thing`"), "{err}");
    assert!(err.contains("hint: define it"), "{err}");
    for (code, out) in checks(&sb, &[]) {
        assert_eq!(code, 1, "{out}");
        // named once, with its environment and host
        assert_eq!(out.matches("(environment `prod`").count(), 1, "{out}");
    }
}
