//! Kubernetes outputs (`kubernetes:` in promvault.yml): a Secret for `additionalScrapeConfigs`,
//! ScrapeConfig resources with the Secret holding their credentials. The manifests are checked
//! by independent validators from PyPI that `scripts/test` installs: `kubernetes-validate`
//! (Kubernetes' OpenAPI schema: the Secret) and `check-jsonschema` against the ScrapeConfig
//! CRD of prometheus-operator (tests/data/prometheus-operator/).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::support::{stderr, stdout, Sandbox};

/// A validator from the venv `scripts/test` makes (`PROMVAULT_K8S_VALIDATORS` is its `bin`),
/// else from PATH.
fn validator(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("PROMVAULT_K8S_VALIDATORS") {
        let path = Path::new(&dir).join(name);
        assert!(path.is_file(), "{} is missing", path.display());
        return path;
    }
    crate::support::require(name);
    PathBuf::from(name)
}

/// The CRD's v1alpha1 schema, strict: an object with `properties` takes no other key (as
/// `kubectl apply --validate=strict`), written as a JSON Schema file in `dir`.
fn scrape_config_schema(dir: &Path) -> PathBuf {
    fn strict(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.contains_key("properties")
                    && !map.contains_key("additionalProperties")
                    && !map.contains_key("x-kubernetes-preserve-unknown-fields")
                {
                    map.insert("additionalProperties".into(), false.into());
                }
                map.values_mut().for_each(strict);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strict),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/prometheus-operator/monitoring.coreos.com_scrapeconfigs.yaml"),
    )
    .unwrap();
    let crd: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let version = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1alpha1")
        .unwrap();
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    strict(&mut schema);
    let path = dir.join("scrapeconfig.schema.json");
    std::fs::write(&path, serde_json::to_string(&schema).unwrap()).unwrap();
    path
}

/// Validates a file of manifests: every Secret with kubernetes-validate (strict), every
/// ScrapeConfig with check-jsonschema against the CRD. Returns the kinds seen, in order.
fn validate_manifests(file: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    let mut kinds = Vec::new();
    let mut scrape_configs = Vec::new();
    for (i, doc) in text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .enumerate()
    {
        let kind = doc
            .lines()
            .find_map(|l| l.strip_prefix("kind: "))
            .unwrap()
            .to_string();
        let path = dir.path().join(format!("{i}.yaml"));
        std::fs::write(&path, doc).unwrap();
        if kind == "ScrapeConfig" {
            scrape_configs.push(path);
        } else {
            let out = Command::new(validator("kubernetes-validate"))
                .arg("--strict")
                .arg(&path)
                .output()
                .unwrap();
            let said = format!("{}{}", stdout(&out), stderr(&out));
            assert!(out.status.success(), "{said}\n{doc}");
            assert!(said.contains("passed for resource"), "{said}");
        }
        kinds.push(kind);
    }
    if !scrape_configs.is_empty() {
        let schema = scrape_config_schema(dir.path());
        let out = Command::new(validator("check-jsonschema"))
            .arg("--schemafile")
            .arg(&schema)
            .args(&scrape_configs)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}\n{text}",
            stdout(&out),
            stderr(&out)
        );
    }
    kinds
}

#[test]
fn the_example_writes_its_two_jobs_as_scrape_configs_and_a_secret() {
    let out_dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(crate::support::BIN)
        .args([
            "render",
            "k8s",
            "--out-dir",
            out_dir.path().to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env_remove("PROMVAULT_IDENTITY")
        .env_remove("PROMVAULT_AGE_KEY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = out_dir.path().join("k8s/scrape-configs.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    insta::assert_snapshot!("example_k8s_scrape_configs", text);
    assert_eq!(
        validate_manifests(&file),
        ["Secret", "ScrapeConfig", "ScrapeConfig", "ScrapeConfig"]
    );
    // only the k8s environment has this output; it has no prometheus.yml
    assert!(!out_dir.path().join("k8s/prometheus.yml").exists());
}

/// Two jobs, as a YAML list of scrape configs.
const JOBS: &str = "- job_name: node\n  basic_auth:\n    username: prometheus\n    password: {{ node_password | to_json }}\n  static_configs:\n    - targets: ['node.monitoring.svc:9100']\n- job_name: web\n  authorization:\n    type: apiKey\n    credentials: {{ api_key | to_json }}\n  static_configs:\n    - targets: ['web.shop.svc:8443']\n";

/// A project whose `prod` renders a list of scrape configs into a Secret (`encoding`) and the
/// same jobs as ScrapeConfigs.
fn operator_project(encoding: &str) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!(
            "{text}outputs:\n  - template: templates/jobs.yml.j2\n    dest: \"out/{{{{ env }}}}/additional-scrape-configs.yaml\"\n    environments: [prod]\n    kubernetes:\n      kind: secret\n      name: additional-scrape-configs\n      namespace: monitoring\n      labels: {{app.kubernetes.io/managed-by: promvault}}\n      encoding: {encoding}\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/scrape-configs.yaml\"\n    environments: [prod]\n    kubernetes: {{kind: scrape-config, namespace: \"{{{{ ns }}}}\", encoding: {encoding}}}\n"
        ),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n  vars:\n    ns: monitoring\n",
    );
    sb.write("templates/jobs.yml.j2", JOBS);
    let indented: String = JOBS.lines().map(|l| format!("  {l}\n")).collect();
    sb.write(
        "templates/prometheus.yml.j2",
        &format!("scrape_configs:\n{indented}"),
    );
    sb.set("prod", "node_password", "node-Passw0rd-one");
    sb.set("prod", "api_key", "web-ApiKey-one");
    sb
}

#[test]
fn a_secret_wraps_a_list_of_scrape_configs_in_either_encoding() {
    for encoding in ["data", "stringData"] {
        let sb = operator_project(encoding);
        let out = sb.cmd(&["render", "prod"]).output().unwrap();
        assert!(out.status.success(), "{encoding}: {}", stderr(&out));
        let file = sb.path("out/prod/additional-scrape-configs.yaml");
        assert_eq!(validate_manifests(&file), ["Secret"], "{encoding}");
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(text.contains("\ndata:\n"), encoding == "data", "{text}");
        assert_eq!(
            validate_manifests(&sb.path("out/prod/scrape-configs.yaml")),
            ["Secret", "ScrapeConfig", "ScrapeConfig"]
        );
    }
}

#[test]
fn the_wrapped_list_is_validated_as_scrape_configs() {
    let sb = operator_project("data");
    let jobs = String::from_utf8(sb.read("templates/jobs.yml.j2")).unwrap();
    sb.write(
        "templates/jobs.yml.j2",
        &jobs.replace(
            "- job_name: web\n",
            "- job_name: web\n  scrape_interval: 5x\n",
        ),
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    // line 8 of the list itself (not of a wrapped document), written by line 8 of the template
    assert!(
        said.contains("out/prod/additional-scrape-configs.yaml:8: [promtool]"),
        "{said}"
    );
    assert!(said.contains("scrape_configs[1].scrape_interval"), "{said}");
    assert!(!sb.path("out/prod/additional-scrape-configs.yaml").exists());
}

#[test]
fn a_field_without_a_conversion_is_a_finding_at_its_template_line() {
    let sb = operator_project("data");
    sb.write(
        "templates/prometheus.yml.j2",
        "scrape_configs:\n  - job_name: files\n    file_sd_configs:\n      - files: [targets.json]\n",
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("[kubernetes]"), "{said}");
    assert!(said.contains("scrape_configs[0].file_sd_configs"), "{said}");
    assert!(said.contains("templates/prometheus.yml.j2:3"), "{said}");
}

#[test]
fn diffs_of_manifests_mask_secrets_in_every_encoding() {
    let sb = operator_project("stringData");
    sb.cmd(&["render", "prod"]).assert().success();
    sb.set("prod", "node_password", "node-Passw0rd-two");
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("-        password: \"<vault:node_password (before)>\"\n+        password: \"<vault:node_password>\"\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-  node-password: <vault:node_password (before)>\n+  node-password: <vault:node_password>\n"),
        "{diff}"
    );

    let sb = operator_project("data");
    sb.cmd(&["render", "prod"]).assert().success();
    sb.set("prod", "node_password", "node-Passw0rd-two");
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    // the wrapped list is shown decoded, its secrets masked; so is the credentials' Secret
    assert!(
        diff.contains("-        password: \"<vault:node_password (before)>\"\n+        password: \"<vault:node_password>\"\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+  node-password: <vault:node_password>  # base64, decoded for this diff\n"),
        "{diff}"
    );
    assert!(diff.contains("base64, decoded for this diff"), "{diff}");
    // neither the values nor any base64 of them (the collector checks the plain ones)
    for value in ["node-Passw0rd-one", "node-Passw0rd-two"] {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(value);
        assert!(!diff.contains(&b64[..12]), "{value}: {diff}");
    }
    let file = std::fs::read_to_string(sb.path("out/prod/additional-scrape-configs.yaml")).unwrap();
    assert!(
        !diff.contains(file.lines().last().unwrap().trim()),
        "{diff}"
    );
}

#[test]
fn check_finds_vault_values_base64_encoded_in_committed_manifests() {
    let sb = operator_project("data");
    sb.cmd(&["render", "prod"]).assert().success();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&sb.root)
            .env("HOME", &sb.home)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    let out = sb.cmd(&["check"]).output().unwrap();
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{said}");
    // the whole list, base64'd in the Secret's data (the vault values at any offset)
    for name in ["node_password", "api_key"] {
        assert!(
            said.contains(&format!(
                "holds the plaintext of the vault value `{name}`, base64-encoded"
            )),
            "{said}"
        );
    }
    assert!(
        said.contains("out/prod/additional-scrape-configs.yaml:10: [leak]"),
        "{said}"
    );
    // and the credentials' Secret (each value base64'd on its own)
    assert!(said.contains("out/prod/scrape-configs.yaml:"), "{said}");
}

#[test]
fn an_output_for_an_unknown_environment_is_an_error() {
    let sb = operator_project("data");
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &text.replacen("environments: [prod]", "environments: [prdo]", 1),
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("environments: `prdo` is not an environment of this project"),
        "{}",
        stderr(&out)
    );
    // staging has none of these outputs: nothing of prod's is written for it
    sb.write("promvault.yml", &text);
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.set("staging", "unused", "staging-value");
    sb.cmd(&["render", "staging"]).assert().success();
    assert!(!sb.path("out/staging").exists());
}

#[test]
fn the_validators_refuse_what_kubernetes_would_refuse() {
    // the validators are not yes-machines: a misspelt ScrapeConfig field (which the API
    // server would silently prune), an empty target list, a Secret value that is not base64
    let dir = tempfile::tempdir().unwrap();
    let schema = scrape_config_schema(dir.path());
    for (i, spec) in [
        "jobNme: node\n",
        "staticConfigs:\n  - targets: []\n",
        "basicAuth: {password: {name: s}}\n",
    ]
    .iter()
    .enumerate()
    {
        let indented: String = spec.lines().map(|l| format!("  {l}\n")).collect();
        let path = dir.path().join(format!("sc{i}.yaml"));
        std::fs::write(
            &path,
            format!("apiVersion: monitoring.coreos.com/v1alpha1\nkind: ScrapeConfig\nmetadata:\n  name: x\nspec:\n{indented}"),
        )
        .unwrap();
        let out = Command::new(validator("check-jsonschema"))
            .arg("--schemafile")
            .arg(&schema)
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{spec}: {}", stdout(&out));
    }
    // a misspelt field, a value that is not a string
    for body in ["stringdata:\n  k: v\n", "data:\n  k: 5\n"] {
        let secret = dir.path().join("secret.yaml");
        std::fs::write(
            &secret,
            format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n{body}"),
        )
        .unwrap();
        let out = Command::new(validator("kubernetes-validate"))
            .arg("--strict")
            .arg(&secret)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{body}: {}", stdout(&out));
    }
}

#[test]
fn every_converted_field_is_one_the_crd_knows() {
    let sb = operator_project("data");
    sb.write(
        "templates/prometheus.yml.j2",
        r#"global:
  scrape_interval: 1m
scrape_configs:
  - job_name: everything
    honor_labels: true
    honor_timestamps: false
    track_timestamps_staleness: true
    scrape_interval: 30s
    scrape_timeout: 10s
    scrape_protocols: [OpenMetricsText1.0.0, PrometheusText0.0.4]
    fallback_scrape_protocol: PrometheusText0.0.4
    metrics_path: /probe
    scheme: https
    params: {module: [http_2xx]}
    enable_compression: false
    enable_http2: false
    proxy_url: http://proxy:3128
    no_proxy: localhost
    body_size_limit: 10MB
    sample_limit: 1000
    target_limit: 10
    label_limit: 50
    label_name_length_limit: 100
    label_value_length_limit: 200
    keep_dropped_targets: 5
    oauth2:
      client_id: prometheus
      client_secret: {{ api_key | to_json }}
      token_url: https://auth.example/token
      scopes: [metrics]
      endpoint_params: {audience: metrics}
    tls_config: {insecure_skip_verify: false, server_name: web.shop.svc, min_version: TLS12}
    static_configs:
      - targets: ['web.shop.svc:8443']
        labels: {team: shop}
      - targets: []
    relabel_configs:
      - source_labels: [__address__]
        separator: ;
        regex: (.*)
        target_label: instance
        replacement: $1
        action: replace
      - source_labels: [__address__]
        modulus: 4
        target_label: __tmp_hash
        action: hashmod
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop
  - job_name: bearer
    bearer_token: {{ node_password | to_json }}
    static_configs:
      - targets: ['a.svc:80']
"#,
    );
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file = sb.path("out/prod/scrape-configs.yaml");
    assert_eq!(
        validate_manifests(&file),
        ["Secret", "ScrapeConfig", "ScrapeConfig"]
    );
    let text = std::fs::read_to_string(&file).unwrap();
    for key in [
        "everything-client-id",
        "everything-client-secret",
        "bearer-credentials",
    ] {
        assert!(text.contains(&format!("  {key}: ")), "{key}: {text}");
    }
}
