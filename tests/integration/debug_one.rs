//! Debugging one thing: `vars` (where each variable a host sees comes from), `render --output
//! / --host` (render only what is asked), and the README's quick tour run for real.

use std::fs;

use crate::support::{stderr, stdout, Sandbox};

/// The example project with a variable in every layer: role defaults, the inventory file's
/// group and host vars, group_vars/all and a child group's, host_vars, the vault, and a
/// group_vars value that is a copy of a vault value (a leak `vars` must not repeat).
fn layered() -> Sandbox {
    let sb = Sandbox::example();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}defaults: [roles/prometheus/defaults/main.yml]\n"),
    );
    sb.write(
        "roles/prometheus/defaults/main.yml",
        "prometheus_scrape_interval: 60s\nretention: 15d\n",
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  vars:\n    site: eu-1\n  children:\n    prometheus:\n      hosts:\n        prometheus-prod-1:\n    node_exporters:\n      vars:\n        node_exporter_port: 9099\n        tier: edge\n      hosts:\n        node-prod-1:\n          ansible_host: node-prod-1.example.internal\n          tier: core\n        node-prod-2:\n",
    );
    sb.write(
        "inventories/prod/group_vars/node_exporters.yml",
        "# the exporters' own port\nnode_exporter_port: 9101\n",
    );
    sb.write(
        "inventories/prod/host_vars/node-prod-1.yml",
        "node_exporter_port: 9102\napi_key: \"{{ web_service_api_key }}\"\nleaked_copy: tour-S3cret-value\n",
    );
    sb.set("prod", "copied_secret", "tour-S3cret-value");
    sb
}

#[test]
fn vars_shows_each_winning_value_with_file_line_layer_and_what_it_overrode() {
    let sb = layered();
    let out = sb
        .cmd(&[
            "vars",
            "prod",
            "--host",
            "node-prod-1",
            "-e",
            "prometheus_scrape_interval=5s",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // vault values are named, never shown; a value holding one is masked too
    assert!(
        text.contains("web_service_api_key = <vault: vault/prod.yml.age>"),
        "{text}"
    );
    assert!(
        text.contains("leaked_copy = <masked: holds a secret>"),
        "{text}"
    );
    // a lazy template is shown as written, not rendered
    assert!(
        text.contains("api_key = \"{{ web_service_api_key }}\""),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn vars_without_host_is_the_all_groups_view_and_json_has_a_stable_shape() {
    let sb = layered();
    let out = sb.cmd(&["vars", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("# environment prod, host localhost\n"),
        "{text}"
    );
    // the `all` view: no child group's or host's variables
    assert!(text.contains("site = \"eu-1\""), "{text}");
    assert!(!text.contains("tier"), "{text}");
    assert!(text.contains("node_exporter_port = 9100"), "{text}");

    let out = sb
        .cmd(&["vars", "prod", "--host", "node-prod-2", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["env"], "prod");
    assert_eq!(json["host"], "node-prod-2");
    assert_eq!(json["groups"], serde_json::json!(["node_exporters"]));
    let vars = json["variables"].as_array().unwrap();
    let var = |name: &str| vars.iter().find(|v| v["name"] == name).unwrap().clone();
    assert_eq!(
        var("node_exporter_port"),
        serde_json::json!({
            "name": "node_exporter_port",
            "value": 9101,
            "file": "inventories/prod/group_vars/node_exporters.yml",
            "line": 2,
            "layer": "group_vars",
            "group": "node_exporters",
            "overridden": [
                {"file": "inventories/prod/group_vars/all.yml", "line": 2, "layer": "group_vars", "group": "all"},
                {"file": "inventories/prod/hosts.yml", "line": 10, "layer": "inventory_group", "group": "node_exporters"},
            ],
        })
    );
    let secret = var("node_exporter_basic_auth_password");
    assert_eq!(secret["masked"], true);
    assert_eq!(secret["layer"], "vault");
    assert_eq!(secret["file"], "vault/prod.yml.age");
    assert!(secret.get("value").is_none(), "{secret}");
    assert_eq!(var("retention")["layer"], "role_defaults");
    assert_eq!(var("tier")["line"], 11);
}

#[test]
fn vars_of_an_unknown_host_or_output_names_the_known_ones() {
    let sb = Sandbox::example();
    let out = sb
        .cmd(&["vars", "prod", "--host", "node-prod-9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no host `node-prod-9` in the inventory of prod; its hosts: prometheus-prod-1, node-prod-1, node-prod-2"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(stdout(&out).is_empty());

    let out = sb
        .cmd(&["vars", "prod", "--output", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no output is named `nope`; the project's outputs: prometheus.yml, web.yml"),
        "{err}"
    );
    // an output is shown only for a host it renders for
    let out = sb
        .cmd(&[
            "vars",
            "prod",
            "--host",
            "prometheus-prod-1",
            "--output",
            "web.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("output `web.yml` is not rendered for host `prometheus-prod-1`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_with_output_and_host_touches_only_what_is_asked() {
    let sb = Sandbox::example();
    let full = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(full.status.success(), "{}", stderr(&full));
    // a filtered render renders exactly what the full one did (same play hosts)
    let out = sb
        .cmd(&["render", "prod", "--check", "--host", "node-prod-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "unchanged: out/prod/node-prod-1/web.yml\n");

    // change what every output of prod uses, and remove a host
    let all = "inventories/prod/group_vars/all.yml";
    let text = String::from_utf8(sb.read(all)).unwrap();
    sb.write(
        all,
        &text.replace("basic_auth_user: prometheus", "basic_auth_user: scraper"),
    );
    let hosts = String::from_utf8(sb.read("inventories/prod/hosts.yml")).unwrap();
    sb.write(
        "inventories/prod/hosts.yml",
        &hosts.replace(
            "        node-prod-2:\n          ansible_host: node-prod-2.example.internal\n",
            "",
        ),
    );
    let before_prom = sb.read("out/prod/prometheus.yml");
    let before_two = sb.read("out/prod/node-prod-2/web.yml");

    let out = sb
        .cmd(&[
            "render",
            "prod",
            "--check",
            "--diff",
            "--output",
            "prometheus.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("would change: out/prod/prometheus.yml\n"),
        "{text}"
    );
    assert!(!text.contains("out/prod/node-prod"), "{text}");

    let out = sb
        .cmd(&[
            "render",
            "prod",
            "--output",
            "web.yml",
            "--host",
            "node-prod-1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "changed: out/prod/node-prod-1/web.yml\n");
    // neither reported as gone nor removed: a filtered render says nothing about the rest
    assert!(
        !stderr(&out).contains("no longer rendered"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("out/prod/prometheus.yml"), before_prom);
    assert_eq!(sb.read("out/prod/node-prod-2/web.yml"), before_two);
    let web = String::from_utf8(sb.read("out/prod/node-prod-1/web.yml")).unwrap();
    assert!(web.contains("scraper:"), "{web}");
    // the list of written files still holds the other host's: a full render reports it
    let list = String::from_utf8(sb.read(".promvault-outputs")).unwrap();
    assert!(
        list.contains("prod\tout/prod/node-prod-2/web.yml"),
        "{list}"
    );
    let out = sb.cmd(&["render", "prod", "--check"]).output().unwrap();
    assert!(
        stderr(&out).contains("out/prod/node-prod-2/web.yml is no longer rendered"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_filters_refuse_prune_unknown_names_and_empty_selections() {
    let sb = Sandbox::example();
    let out = sb
        .cmd(&["render", "prod", "--prune", "--host", "node-prod-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--prune"), "{}", stderr(&out));

    let out = sb
        .cmd(&["render", "--output", "web.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "no output is named `web.yaml`; the project's outputs: prometheus.yml, web.yml"
        ),
        "{}",
        stderr(&out)
    );

    let out = sb
        .cmd(&["render", "--host", "node-prod-1", "--host", "nod-prod-2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no host `nod-prod-2` in the inventory of staging, prod, k8s; its hosts: prometheus-staging-1, node-staging-1, prometheus-prod-1, node-prod-1, node-prod-2, node-exporter-0, node-exporter-1"),
        "{err}"
    );

    let out = sb
        .cmd(&[
            "render",
            "prod",
            "--host",
            "localhost",
            "--output",
            "web.yml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no output selected is rendered for host `localhost`"),
        "{}",
        stderr(&out)
    );
    // nothing was written by any of these
    assert!(!sb.path("out").exists());
}

/// Commands of the README's quick tour that are not run, and why.
const NOT_RUN: &[(&str, &str)] = &[(
    "promvault probe prod",
    "scrapes the example's targets (*.example.internal), which a sandbox cannot reach; e2e.rs runs probe against a real Prometheus and node_exporter",
)];

/// The README's quick tour, run in order in a copy of the example project: each command
/// exits 0. Placeholders are filled in (`age1...`: a fresh recipient; `$PASSWORD`; the files
/// `-e @extra.yml`, `import-ansible-vault` and `encrypt` name); `init` runs in an empty folder
/// (it refuses an existing project); `edit` runs with an editor that changes nothing.
#[test]
fn the_readme_quick_tour_runs() {
    let readme = include_str!("../../README.md");
    let tour = readme
        .split("## A quick tour\n")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("the README has a quick tour block");
    let sb = Sandbox::example();
    let (_, bob) = sb.other_identity("bob.txt");
    let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ansible-vault");
    fs::copy(vectors.join("01-vars-1.1.yml.vault"), sb.path("vault.yml")).unwrap();
    fs::copy(
        vectors.join("vault-password.txt"),
        sb.home.join(".vault_pass"),
    )
    .unwrap();
    sb.write("extra.yml", "retention: 30d\n");
    sb.write("notes.txt", "tour notes\n");
    let fresh = sb.home.join("new-project");
    fs::create_dir_all(&fresh).unwrap();
    let mut ran = Vec::new();
    for line in tour.lines() {
        let Some(at) = line.find("promvault ") else {
            continue;
        };
        let before = line[..at].trim_end();
        if !before.is_empty() && !before.ends_with('|') {
            continue;
        }
        let command = line[at..].split("  #").next().unwrap().trim();
        if let Some((_, why)) = NOT_RUN.iter().find(|(c, _)| *c == command) {
            assert!(!why.is_empty());
            continue;
        }
        let words = shell_words::split(command).unwrap();
        let words: Vec<String> = words
            .into_iter()
            .map(|w| match w.as_str() {
                "age1..." => bob.clone(),
                _ => w.replace('~', sb.home.to_str().unwrap()),
            })
            .collect();
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let mut cmd = sb.cmd(&args);
        match args[0] {
            "init" => {
                cmd.current_dir(&fresh);
            }
            "edit" => {
                cmd.env("EDITOR", "true");
            }
            "decrypt" => {
                // as `encrypt` says: delete the plaintext once it is encrypted
                fs::remove_file(sb.path("notes.txt")).unwrap();
            }
            _ => {}
        }
        if before.ends_with('|') {
            // `printf %s "$PASSWORD" | promvault set ...`
            assert!(before.contains("$PASSWORD"), "{line}");
            cmd.write_stdin("tour-Passw0rd-42");
        } else if args[0] == "hash" {
            cmd.write_stdin("tour-Passw0rd-42");
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "README quick tour: `{command}` failed:\n{}",
            stderr(&out)
        );
        ran.push(command.to_string());
    }
    assert!(ran.len() >= 20, "only {} commands ran: {ran:?}", ran.len());
    assert!(
        ran.iter().any(|c| c.starts_with("promvault vars")),
        "{ran:?}"
    );
}

/// `--host` completes to the hosts of the project's inventories, `--output` to its output
/// names, `vars` to its environments (as the bash script asks promvault).
#[test]
fn host_and_output_names_complete() {
    let sb = Sandbox::example();
    let complete = |words: &[&str]| -> Vec<String> {
        let mut args = vec!["--"];
        args.extend_from_slice(words);
        let out = sb
            .cmd(&args)
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .env("_CLAP_IFS", "\n")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().map(str::to_string).collect()
    };
    assert_eq!(
        complete(&["promvault", "vars", "prod", "--host", "node-p"]),
        ["node-prod-1", "node-prod-2"]
    );
    let hosts = complete(&["promvault", "render", "--host", ""]);
    for host in ["localhost", "node-staging-1", "prometheus-prod-1"] {
        assert!(hosts.iter().any(|h| h == host), "{hosts:?}");
    }
    assert_eq!(
        complete(&["promvault", "render", "--output", ""]),
        ["prometheus.yml", "web.yml"]
    );
    assert_eq!(complete(&["promvault", "vars", "st"]), ["staging"]);
}
