//! The corpus test: every file of `tests/data/prometheus` against the recorded promtool
//! verdicts (`verdicts.tsv` for 2.42, `verdicts-v3.tsv` for 3.x), plus unit checks of the
//! public API.

use std::path::{Path, PathBuf};

use super::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/prometheus")
}

/// (kind, file, expected exit code) rows of a verdict file.
fn rows(name: &str, expected_column: &str) -> Vec<(String, String, u8)> {
    let text = std::fs::read_to_string(data_dir().join(name)).expect("verdict file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).expect("column");
    let (kind, file, expected) = (col("kind"), col("file"), col(expected_column));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[kind].to_string(),
                f[file].to_string(),
                f[expected].trim().parse::<u8>().expect("exit code"),
            )
        })
        .collect()
}

fn judge(kind: &str, file: &str, version: Version) -> Vec<Finding> {
    let path = data_dir().join(file);
    let bytes = std::fs::read(&path).expect("corpus file");
    let text = String::from_utf8_lossy(&bytes);
    match kind {
        "config" => check_config(&text, version),
        "config-agent" => check_config_agent(&text, version),
        "web" => check_web_config_in(&text, path.parent().expect("directory")),
        other => panic!("unknown kind {other}"),
    }
}

fn agreement(name: &str, version: Version) -> (usize, usize, Vec<String>) {
    let rows = rows(name, "expected");
    let mut disagreements = Vec::new();
    for (kind, file, expected) in &rows {
        let findings = judge(kind, file, version);
        let got = u8::from(!findings.is_empty());
        if got != *expected {
            let first = findings
                .first()
                .map_or_else(|| "(no finding)".to_string(), ToString::to_string);
            disagreements.push(format!(
                "  {kind} {file}: expected {expected}, got {got}: {first}"
            ));
        }
    }
    (rows.len() - disagreements.len(), rows.len(), disagreements)
}

#[test]
fn corpus_agrees_with_promtool() {
    let (ok2, n2, bad2) = agreement("verdicts.tsv", Version::V2);
    let (ok3, n3, bad3) = agreement("verdicts-v3.tsv", Version::V3);
    println!("verdicts.tsv (2.42): {ok2}/{n2} agree");
    println!("verdicts-v3.tsv (3.x): {ok3}/{n3} agree");
    for d in bad2.iter().chain(&bad3) {
        println!("{d}");
    }
    assert!(
        bad2.is_empty() && bad3.is_empty(),
        "{} disagreement(s)",
        bad2.len() + bad3.len()
    );
}

/// The minimal cases the differential harness (`tests/differential/promtool/`) found, with
/// real promtool 2.42's verdicts (`differential/verdicts.tsv`, written by its
/// `regen-verdicts.sh`).
#[test]
fn differential_cases_agree_with_promtool() {
    let rows = rows("differential/verdicts.tsv", "exit_code_syntax_only");
    assert!(rows.len() >= 40, "{} rows", rows.len());
    let mut bad = Vec::new();
    for (kind, file, expected) in &rows {
        let findings = judge(kind, file, Version::V2);
        if u8::from(!findings.is_empty()) != *expected {
            bad.push(format!(
                "  {file}: promtool says {expected}, got {findings:?}"
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn version_parse() {
    for (s, v) in [
        ("2.42", Version::V2),
        ("2", Version::V2),
        ("v2.42.0", Version::V2),
        ("3.14", Version::V3),
        ("3", Version::V3),
        ("v3.14.0", Version::V3),
    ] {
        assert_eq!(Version::parse(s), Some(v), "{s}");
    }
    assert_eq!(Version::parse("4"), None);
    assert_eq!(Version::parse("x"), None);
    assert_eq!(Version::parse("2..1"), None);
}

#[test]
fn findings_name_path_line_and_suggestion() {
    let text = "scrape_configs:\n  - job_name: a\n    scrape_interva: 5s\n";
    let f = check_config(text, Version::V3);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].path, "scrape_configs[0].scrape_interva");
    assert_eq!(f[0].line, Some(3));
    assert!(
        f[0].message.contains("did you mean `scrape_interval`?"),
        "{}",
        f[0].message
    );
}

#[test]
fn reports_several_problems() {
    let text = "scrape_configs:\n  - job_name: a\n    basic_auth: {password: x, password_file: y}\n  - job_name: b\n    scrape_interval: 5x\n";
    let f = check_config(text, Version::V2);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f[1].path.starts_with("scrape_configs[1]"));
}

#[test]
fn unknown_sd_key_is_refused() {
    let text = "scrape_configs:\n  - job_name: a\n    consult_sd_configs: [{server: x}]\n";
    let f = check_config(text, Version::V3);
    assert!(f[0].message.contains("consul_sd_configs"), "{f:?}");
}

#[test]
fn version_specific_rules() {
    let am_v1 = "alerting:\n  alertmanagers:\n    - api_version: v1\n      static_configs: [{targets: ['a:9093']}]\n";
    assert!(check_config(am_v1, Version::V2).is_empty());
    assert!(!check_config(am_v1, Version::V3).is_empty());
    let utf8_label = "global:\n  external_labels:\n    foo.bar: x\n";
    assert!(!check_config(utf8_label, Version::V2).is_empty());
    assert!(check_config(utf8_label, Version::V3).is_empty());
}

#[test]
fn web_config_without_files() {
    assert!(check_web_config("basic_auth_users:\n  alice: s3cr3t\n").len() == 1);
    assert!(
        check_web_config("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n").is_empty()
    );
}

/// Hand-checked cases: (version, expected invalid, config).
const CASES: &[(Version, bool, &str)] = &[
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  scrape_interval: 90\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  scrape_interval: 1m30s\n  scrape_timeout: 0s\n"),
    (Version::V2, true, "global:\n  scrape_interval: 10s\nscrape_configs:\n- job_name: a\n  scrape_timeout: 15s\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  honor_labels: \"true\"\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  honor_labels: yes\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  sample_limit: -1\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  sample_limit: 1.5\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  scheme: ftp\n  static_configs: [{targets: ['host:9100']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  scheme: ftp\n  static_configs: [{targets: ['host']}]\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  scheme: ftp\n  static_configs: [{targets: ['host']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['h:1'], labels: {foo-bar: x}}]\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['h:1'], labels: {foo-bar: x}}]\n"),
    (Version::V2, true, "x: &d\n  scrape_interval: 5s\n"),
    (Version::V2, false, "scrape_configs:\n- &base\n  job_name: a\n  scrape_interval: 5s\n- <<: *base\n  job_name: b\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  job_name: b\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n\tscrape_interval: 5s\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  bearer_token: x\n  authorization: {credentials: y}\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  authorization: {type: Basic, credentials: y}\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  oauth2: {client_id: a, token_url: http://t}\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  oauth2: {client_id: a, token_url: http://t}\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  tls_config: {cert_file: c}\n"),
    (Version::V3, true, "scrape_configs:\n- job_name: a\n  tls_config: {cert_file: c}\n"),
    (Version::V2, false, "remote_write:\n- url: http://x/api\n  headers: {X-Scope-OrgID: a}\n"),
    (Version::V2, true, "remote_write:\n- url: http://x/api\n  sigv4: {region: us-east-1}\n  basic_auth: {username: u}\n"),
    (Version::V2, true, "remote_write:\n- url: http://x/api\n  sigv4: {region: us-east-1}\n  bearer_token: t\n"),
    (Version::V2, true, "alerting:\n  alertmanagers:\n  - static_configs: [{targets: ['http://am:9093']}]\n"),
    (Version::V2, false, "rule_files: ['rules/*.yml', '/etc/x.rules']\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{action: Replace, target_label: x}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  relabel_configs: [{regex: '[', target_label: x}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  relabel_configs: [{source_labels: [a-b], target_label: x}]\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{source_labels: [a-b], target_label: x}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{source_labels: [a], target_label: '${1}_x', regex: '(.*)'}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  relabel_configs: [{target_label: foo.bar}]\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{target_label: foo.bar}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{source_labels: [__address__], regex: '(.*):\\d+', target_label: __address__, replacement: '${1}:9100'}]\n  static_configs: [{targets: ['h:1']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  relabel_configs: [{target_label: __address__, replacement: 'http://x'}]\n  static_configs: [{targets: ['h:1']}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  relabel_configs: [{action: drop, source_labels: [__address__], regex: 'h:1'}, {target_label: __address__, replacement: 'http://x'}]\n  static_configs: [{targets: ['h:1']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['h:1'], labels: {__scrape_interval__: nope}}]\n"),
    (Version::V2, false, "global:\n  external_labels: {region: eu, env: \"\"}\n"),
    (Version::V2, true, "global:\n  external_labels: {region: eu, region: us}\n"),
    (Version::V2, false, "storage:\n  tsdb: {out_of_order_time_window: 30m}\n  exemplars: {max_exemplars: 10}\n"),
    (Version::V2, true, "storage:\n  tsdb: {retention: {time: 1d}}\n"),
    (Version::V3, false, "storage:\n  tsdb: {retention: {time: 1d, size: 10GB, percentage: 5.5}}\n"),
    (Version::V2, false, "tracing: {endpoint: 'localhost:4317', client_type: grpc, sampling_fraction: 0.5}\n"),
    (Version::V2, true, "tracing: {endpoint: 'localhost:4317', client_type: udp}\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: k\n  kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: 'app in (a,b)', field: 'spec.nodeName=n'}]}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: c\n  consul_sd_configs: [{server: 'localhost:8500', username: u, basic_auth: {username: v}}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: f\n  file_sd_configs: [{files: ['targets/*.json', 'b.yml']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: f\n  file_sd_configs: [{files: ['targets/*.txt']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: f\n  file_sd_configs: [{}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: d\n  dns_sd_configs: [{names: ['_x._tcp.example.com']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: d\n  dns_sd_configs: [{names: ['x.example.com'], type: A}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: e\n  ec2_sd_configs: [{region: eu-west-1, port: 9100}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: g\n  gce_sd_configs: [{project: p, zone: z}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: g\n  gce_sd_configs: [{project: p}]\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: s\n  scaleway_sd_configs: [{role: instance, project_id: 11111111-1111-1111-1111-111111111111, access_key: SCWXXXXXXXXXXXXXXXXX, secret_key: 11111111-1111-1111-1111-111111111111}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: s\n  scaleway_sd_configs: [{role: instance, project_id: p, access_key: SCWXXXXXXXXXXXXXXXXX, secret_key: 11111111-1111-1111-1111-111111111111}]\n"),
    (Version::V2, false, ""),
    (Version::V2, false, "---\nscrape_configs:\n- job_name: a\n---\nfoo: bar\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  static_configs:\n  - targets: [a:1\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  relabel_configs: [{source_labels: [a], regex: '(\\d+', target_label: b}]\n"),
    (Version::V2, false, "# just a comment\n"),
    (Version::V2, true, "- a\n- b\n"),
    (Version::V2, false, "global: ~\nscrape_configs: ~\n"),
    (Version::V3, false, "global:\n  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: underscores\nscrape_configs:\n- job_name: a\n"),
    (Version::V3, true, "global:\n  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: allow-utf-8\nscrape_configs:\n- job_name: a\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0]\n  fallback_scrape_protocol: PrometheusText0.0.4\n"),
    (Version::V3, true, "otlp: {translation_strategy: Foo}\n"),
    (Version::V3, false, "runtime: {gogc: 50}\nscrape_config_files: ['scrape/*.yml']\n"),
    (Version::V2, true, "runtime: {gogc: 50}\n"),
    (Version::V3, true, "remote_write:\n- url: http://x\n  queue_config: {min_shards: 100}\n"),
    (Version::V3, false, "remote_write:\n- url: http://x\n  queue_config: {min_shards: 10, max_shards: 100}\n  protobuf_message: io.prometheus.write.v2.Request\n"),
    (Version::V3, false, "scrape_configs:\n- job_name: a\n  http_headers: {X-Foo: {values: [a]}}\n"),
    (Version::V3, true, "scrape_configs:\n- job_name: a\n  http_headers: {user-agent: {values: [a]}}\n"),
    (Version::V2, false, "scrape_configs:\n- job_name: a\n  params: {module: [http_2xx]}\n  metrics_path: /probe\n  static_configs: [{targets: ['h:1']}]\n"),
    (Version::V2, true, "scrape_configs:\n- job_name: a\n  params: {module: http_2xx}\n"),
];

#[test]
fn hand_checked_cases() {
    let mut failures = Vec::new();
    for (i, (version, invalid, text)) in CASES.iter().enumerate() {
        let f = check_config(text, *version);
        if f.is_empty() == *invalid {
            failures.push(format!(
                "case {i} ({version:?}): expected invalid={invalid}, got {f:?}\n{text}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
