//! The Prometheus configuration file itself (`config.Config` of 2.42 and 3.x): the top level,
//! `global`, `scrape_configs`, `alerting`, `remote_write`, `remote_read`, `storage`,
//! `tracing`, and in 3.x `runtime`, `otlp` and `scrape_config_files`. Also the checks promtool
//! runs after loading even with `--syntax-only`: agent-mode restrictions, client TLS
//! cert/key pairs, and populating the static targets through their relabeling.

use super::decode::{join, Cx, GoStr, IntType, Obj};
use std::time::Duration;

use super::goutil::{
    duration_string, encode_query, is_valid_label_name, parse_base2_bytes, parse_bool,
    parse_duration, split_host_port, url_string,
};
use super::http;
use super::model::{ClientAuth, ScrapeJob, ScrapeTarget, Secret, TlsSettings};
use super::relabel::{self, Labels, Rule};
use super::schema::{self, Field, Ty::*};
use super::sd::{self, Discovered};
use super::yaml::Node;
use super::Version::{self, V3};

/// `config.Config`, the top level.
const CONFIG: &[Field] = &[
    Field::new("global", Custom),
    Field::new("runtime", Custom).since(V3),
    Field::new("alerting", Custom),
    Field::new("rule_files", Strs),
    Field::new("scrape_config_files", Strs).since(V3),
    Field::new("scrape_configs", Custom),
    Field::new("storage", Custom),
    Field::new("tracing", Custom),
    Field::new("remote_write", Custom),
    Field::new("remote_read", Custom),
    Field::new("otlp", Custom).since(V3),
];

/// `config.GlobalConfig`.
const GLOBAL_CONFIG: &[Field] = &[
    Field::new("scrape_interval", Dur),
    Field::new("scrape_timeout", Dur),
    Field::new("scrape_protocols", Custom).since(V3),
    Field::new("evaluation_interval", Dur),
    Field::new("rule_query_offset", Dur).since(V3),
    Field::new("query_log_file", Str),
    Field::new("scrape_failure_log_file", Str).since(V3),
    Field::new("external_labels", Custom),
    Field::new("body_size_limit", Custom).since(V3),
    Field::new("sample_limit", Int).since(V3),
    Field::new("target_limit", Int).since(V3),
    Field::new("label_limit", Int).since(V3),
    Field::new("label_name_length_limit", Int).since(V3),
    Field::new("label_value_length_limit", Int).since(V3),
    Field::new("keep_dropped_targets", Int).since(V3),
    Field::new("metric_name_validation_scheme", Custom).since(V3),
    Field::new("metric_name_escaping_scheme", Custom).since(V3),
    Field::new("scrape_native_histograms", Bool).since(V3),
    Field::new("convert_classic_histograms_to_nhcb", Bool).since(V3),
    Field::new("always_scrape_classic_histograms", Bool).since(V3),
    Field::new("extra_scrape_metrics", Bool).since(V3),
];

/// Remote write's `config.QueueConfig`.
const QUEUE_CONFIG: &[Field] = &[
    Field::new("capacity", Int),
    Field::new("max_shards", Int),
    Field::new("min_shards", Int),
    Field::new("max_samples_per_send", Int),
    Field::new("batch_send_deadline", Dur),
    Field::new("min_backoff", Dur),
    Field::new("max_backoff", Dur),
    Field::new("retry_on_http_429", Bool),
    Field::new("sample_age_limit", Dur).since(V3),
];

/// `config.ScrapeConfig`'s own fields (the HTTP client block and the service discoveries are
/// added to them).
pub(crate) const SCRAPE_CONFIG: &[Field] = &[
    Field::new("job_name", Str),
    Field::new("honor_labels", Bool),
    Field::new("honor_timestamps", Bool),
    Field::new("track_timestamps_staleness", Bool).since(V3),
    Field::new("params", StrsMap),
    Field::new("scrape_interval", Dur),
    Field::new("scrape_timeout", Dur),
    Field::new("scrape_protocols", Custom).since(V3),
    Field::new("fallback_scrape_protocol", Custom).since(V3),
    Field::new("scrape_native_histograms", Bool).since(V3),
    Field::new("always_scrape_classic_histograms", Bool).since(V3),
    Field::new("convert_classic_histograms_to_nhcb", Bool).since(V3),
    Field::new("scrape_failure_log_file", Str).since(V3),
    Field::new("metrics_path", Str),
    Field::new("scheme", Str),
    Field::new("enable_compression", Bool).since(V3),
    Field::new("body_size_limit", Custom),
    Field::new("sample_limit", Int),
    Field::new("target_limit", Int),
    Field::new("label_limit", Int),
    Field::new("label_name_length_limit", Int),
    Field::new("label_value_length_limit", Int),
    Field::new("native_histogram_bucket_limit", Int).since(V3),
    Field::new("native_histogram_min_bucket_factor", Custom).since(V3),
    Field::new("keep_dropped_targets", Int).since(V3),
    Field::new("metric_name_validation_scheme", Custom).since(V3),
    Field::new("metric_name_escaping_scheme", Custom).since(V3),
    Field::new("extra_scrape_metrics", Bool).since(V3),
    Field::new("relabel_configs", Custom),
    Field::new("metric_relabel_configs", Custom),
];

/// `config.AlertmanagerConfig`'s own fields (with the HTTP client block and the service
/// discoveries).
pub(crate) const ALERTMANAGER_CONFIG: &[Field] = &[
    Field::new("scheme", Str),
    Field::new("path_prefix", Str),
    Field::new("timeout", Dur),
    Field::new("api_version", Custom),
    Field::new("relabel_configs", Custom),
    Field::new("sigv4", Struct(http::SIGV4)).since(V3),
    Field::new("alert_relabel_configs", Custom).since(V3),
];

/// `config.RemoteWriteConfig`'s own fields (with the HTTP client block).
pub(crate) const REMOTE_WRITE_CONFIG: &[Field] = &[
    Field::new("url", Url),
    Field::new("remote_timeout", Dur),
    Field::new("headers", StrMap),
    Field::new("write_relabel_configs", Custom),
    Field::new("name", Str),
    Field::new("send_exemplars", Bool),
    Field::new("send_native_histograms", Bool),
    Field::new("queue_config", Custom),
    Field::new("metadata_config", Custom),
    Field::new("sigv4", Struct(http::SIGV4)),
    Field::new("round_robin_dns", Bool).since(V3),
    Field::new("protobuf_message", Custom).since(V3),
    Field::new("azuread", Struct(http::AZUREAD)).since(V3),
    Field::new("google_iam", Struct(http::GOOGLE_IAM)).since(V3),
];

/// `config.RemoteReadConfig`'s own fields (with the HTTP client block).
pub(crate) const REMOTE_READ_CONFIG: &[Field] = &[
    Field::new("url", Url),
    Field::new("remote_timeout", Dur),
    Field::new("headers", StrMap),
    Field::new("read_recent", Bool),
    Field::new("name", Str),
    Field::new("required_matchers", StrMap),
    Field::new("filter_external_labels", Bool),
    Field::new("chunked_read_limit", Int).since(V3),
];

const SCRAPE_PROTOCOLS: &[&str] = &[
    "OpenMetricsText0.0.1",
    "OpenMetricsText1.0.0",
    "PrometheusProto",
    "PrometheusText0.0.4",
    "PrometheusText1.0.0",
];

const ESCAPING: &[&str] = &["allow-utf-8", "underscores", "dots", "values"];

/// Headers remote read/write and tracing refuse (lower-cased).
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-encoding",
    "content-length",
    "content-type",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "www-authenticate",
    "accept-encoding",
    "x-prometheus-remote-write-version",
    "x-prometheus-remote-read-version",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// What the rest of the checks need from `global`.
#[derive(Debug, Clone)]
struct Global {
    scrape_interval: u64,
    scrape_timeout: u64,
    /// The metric name validation scheme is `legacy` (3.x; 2.42 is always legacy).
    legacy: bool,
    escaping: String,
    protocols: Option<Vec<String>>,
    scrape_native_histograms: bool,
    convert_nhcb: bool,
    always_classic: bool,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            scrape_interval: 60_000,
            scrape_timeout: 10_000,
            legacy: false,
            escaping: String::new(),
            protocols: None,
            scrape_native_histograms: false,
            convert_nhcb: false,
            always_classic: false,
        }
    }
}

/// Checks a whole configuration document (`None` for an empty file). Returns the scrape
/// jobs as decoded (meaningful when no finding was reported).
pub(crate) fn check(cx: &mut Cx, root: Option<&Node>, agent: bool) -> Vec<ScrapeJob> {
    let Some(root) = root else {
        return Vec::new();
    };
    let v3 = cx.v3();
    let top = schema::names(CONFIG, cx.version);
    let Some(obj) = cx.obj(root, "", "the configuration (config.Config)", &top) else {
        return Vec::new();
    };
    let mut global = match obj.get("global") {
        Some(n) => global(cx, n, "global"),
        None => Global::default(),
    };
    if !v3 {
        global.legacy = true;
    }
    if v3 {
        if let Some(rt) = obj.get("runtime") {
            if let Some(o) = cx.obj(rt, "runtime", "runtime config", &["gogc"]) {
                cx.integer(o.get("gogc"), &o.child("gogc"), IntType::Int);
            }
        }
    }
    let rule_files = path_list(cx, &obj, "rule_files", "invalid rule file path");
    if v3 {
        path_list(
            cx,
            &obj,
            "scrape_config_files",
            "invalid scrape config file path",
        );
    }

    let alerting = alerting(cx, &obj, &global);
    let scrapes = scrape_configs(cx, &obj, &global);
    if let Some(n) = obj.get("storage") {
        storage(cx, n, "storage");
    }
    if let Some(n) = obj.get("tracing") {
        tracing(cx, n, "tracing");
    }
    remote_write(cx, &obj, &global);
    let remote_reads = remote_read(cx, &obj);
    if v3 {
        if let Some(n) = obj.get("otlp") {
            otlp(cx, n, "otlp", &global);
        }
    }

    if agent {
        if alerting.0 {
            cx.err_at(
                &obj,
                "alerting",
                "field alerting is not allowed in agent mode",
            );
        }
        if rule_files > 0 {
            cx.err_at(
                &obj,
                "rule_files",
                "field rule_files is not allowed in agent mode",
            );
        }
        if remote_reads > 0 {
            cx.err_at(
                &obj,
                "remote_read",
                "field remote_read is not allowed in agent mode",
            );
        }
    }

    // promtool, even with --syntax-only: client TLS pairs and the static targets.
    let mut jobs = Vec::with_capacity(scrapes.len());
    for s in &scrapes {
        http::check_tls_files(cx, &s.http.tls, &s.path, s.node);
        for (tls, path, node) in &s.discovered.kubernetes_tls {
            http::check_tls_files(cx, tls, path, node);
        }
        let populated = populate_targets(cx, s);
        jobs.push(job_model(s, populated, cx.version));
    }
    for am in &alerting.1 {
        alertmanager_targets(cx, am);
    }
    jobs
}

/// The model of one decoded scrape config and its populated static targets.
fn job_model(s: &Scrape<'_>, populated: Vec<(String, Populated)>, version: Version) -> ScrapeJob {
    let ms = |text: &str, default: u64| {
        Duration::from_millis(parse_duration(text, version).unwrap_or(default))
    };
    let mut targets = Vec::new();
    let mut dropped = Vec::new();
    for (written, outcome) in populated {
        match outcome {
            Populated::Kept(lb) => {
                // scrape.Target.URL: the job's params, each `__param_NAME` replacing the
                // first value of NAME (or adding it)
                let mut params = s.params.clone();
                for (name, value) in &lb.0 {
                    let Some(key) = name.strip_prefix("__param_") else {
                        continue;
                    };
                    match params.iter_mut().find(|(k, _)| k == key) {
                        Some((_, values)) if !values.is_empty() => values[0].clone_from(value),
                        Some((_, values)) => values.push(value.clone()),
                        None => params.push((key.to_string(), vec![value.clone()])),
                    }
                }
                let address = lb.get("__address__").to_string();
                targets.push(ScrapeTarget {
                    url: url_string(
                        lb.get("__scheme__"),
                        &address,
                        lb.get("__metrics_path__"),
                        &encode_query(&params),
                    ),
                    scrape_interval: ms(lb.get("__scrape_interval__"), s.interval),
                    scrape_timeout: ms(lb.get("__scrape_timeout__"), s.timeout),
                    written,
                    address,
                    labels: lb.0,
                });
            }
            Populated::Dropped => dropped.push(written),
            Populated::Refused => {}
        }
    }
    let h = &s.http;
    let auth = if let Some(b) = &h.basic_auth {
        if b.username_ref.is_empty() && b.password_ref.is_empty() {
            ClientAuth::Basic {
                username: b.username.clone(),
                username_file: b.username_file.clone(),
                password: Secret::new(&b.password),
                password_file: b.password_file.clone(),
            }
        } else {
            ClientAuth::SecretRef {
                field: "basic_auth".to_string(),
            }
        }
    } else if let Some(a) = &h.authorization {
        if a.credentials_ref.is_empty() {
            ClientAuth::Authorization {
                kind: a.kind.clone(),
                credentials: Secret::new(&a.credentials),
                credentials_file: a.credentials_file.clone(),
            }
        } else {
            ClientAuth::SecretRef {
                field: "authorization.credentials_ref".to_string(),
            }
        }
    } else if let Some(o) = &h.oauth2 {
        ClientAuth::OAuth2 {
            token_url: o.token_url.clone(),
        }
    } else {
        ClientAuth::None
    };
    let t = &h.tls;
    ScrapeJob {
        job_name: s.job.clone(),
        scheme: s.scheme.clone(),
        metrics_path: s.metrics_path.clone(),
        params: s.params.clone(),
        scrape_interval: Duration::from_millis(s.interval),
        scrape_timeout: Duration::from_millis(s.timeout),
        honor_labels: s.honor_labels,
        honor_timestamps: s.honor_timestamps,
        auth,
        tls: TlsSettings {
            ca: t.ca.clone(),
            ca_file: t.ca_file.clone(),
            cert: t.cert.clone(),
            cert_file: t.cert_file.clone(),
            key: Secret::new(&t.key),
            key_file: t.key_file.clone(),
            server_name: t.server_name.clone(),
            insecure_skip_verify: t.insecure_skip_verify,
            uses_ref: t.uses_ref,
        },
        proxy_url: (!h.proxy.url_text.is_empty()).then(|| h.proxy.url_text.clone()),
        proxy_from_environment: h.proxy.from_environment,
        follow_redirects: !h.no_redirects,
        http_headers: h.headers.iter().map(|(name, _, _)| name.clone()).collect(),
        has_discovery: s.has_discovery,
        targets,
        dropped,
    }
}

/// `rule_files` / `scrape_config_files`: each must match `^[^*]*(\*[^/]*)?$`. Returns the count.
fn path_list(cx: &mut Cx, obj: &Obj<'_>, name: &str, message: &str) -> usize {
    let Some(items) = cx.seq(obj.get(name), &obj.child(name), "string") else {
        return 0;
    };
    let count = items.len();
    for (p, n) in items {
        let s = cx.string(Some(n), &p);
        let ok = match s.text.find('*') {
            None => true,
            Some(i) => !s.text[i + 1..].contains('/'),
        };
        if !ok {
            cx.err(&p, Some(n), format!("{message} {:?}", s.text));
        }
    }
    count
}

fn dur_field(cx: &mut Cx, obj: &Obj<'_>, name: &str) -> Option<u64> {
    let n = obj.get(name)?;
    sd::duration(cx, n, &obj.child(name))
}

fn size_field(cx: &mut Cx, obj: &Obj<'_>, name: &str) -> Option<i64> {
    let n = obj.get(name)?;
    if n.is_null() {
        return Some(0);
    }
    let path = obj.child(name);
    let text = cx.string(Some(n), &path);
    if !matches!(n.kind, super::yaml::Kind::Scalar(_)) {
        return None;
    }
    match parse_base2_bytes(&text.text) {
        Ok(v) => Some(v),
        Err(e) => {
            cx.err(&path, Some(n), e);
            None
        }
    }
}

fn uints(cx: &mut Cx, obj: &Obj<'_>, names: &[&str]) {
    for name in names {
        cx.integer(obj.get(name), &obj.child(name), IntType::Uint);
    }
}

fn bools(cx: &mut Cx, obj: &Obj<'_>, names: &[&str]) {
    for name in names {
        cx.boolean(obj.get(name), &obj.child(name));
    }
}

/// A `model.ValidationScheme`: `Some(true)` legacy, `Some(false)` utf8, `None` unset.
fn validation_scheme(cx: &mut Cx, obj: &Obj<'_>, name: &str) -> Option<bool> {
    let n = obj.get(name)?;
    if n.is_null() {
        return None;
    }
    let s = cx.string(Some(n), &obj.child(name));
    match s.as_str() {
        "" => None,
        "legacy" => Some(true),
        "utf8" => Some(false),
        other => {
            cx.err(
                &obj.child(name),
                Some(n),
                format!("unrecognized ValidationScheme: {other:?}"),
            );
            None
        }
    }
}

/// `scrape_protocols`: non-empty, known, no duplicates (case-insensitive).
fn protocols(cx: &mut Cx, obj: &Obj<'_>, name: &str, whose: &str) -> Option<Vec<String>> {
    let path = obj.child(name);
    let items = cx.strings(obj.get(name), &path)?;
    let list: Vec<String> = items.into_iter().map(|s| s.text).collect();
    let node = obj.get(name);
    if list.is_empty() {
        cx.err(
            &path,
            node,
            format!("scrape_protocols cannot be empty {whose}"),
        );
        return Some(list);
    }
    let mut seen: Vec<String> = Vec::new();
    for p in &list {
        if seen.contains(&p.to_lowercase()) {
            cx.err(
                &path,
                node,
                format!("duplicated protocol in scrape_protocols, got {list:?} {whose}"),
            );
            break;
        }
        if !SCRAPE_PROTOCOLS.contains(&p.as_str()) {
            cx.err(
                &path,
                node,
                format!("scrape_protocols: unknown scrape protocol {p}, supported: {SCRAPE_PROTOCOLS:?} {whose}"),
            );
            break;
        }
        seen.push(p.to_lowercase());
    }
    Some(list)
}

fn global(cx: &mut Cx, node: &Node, path: &str) -> Global {
    let v3 = cx.v3();
    let mut g = Global::default();
    let Some(obj) = cx.obj(
        node,
        path,
        "global config",
        &schema::names(GLOBAL_CONFIG, cx.version),
    ) else {
        return g;
    };
    let interval = dur_field(cx, &obj, "scrape_interval").unwrap_or(0);
    let timeout = dur_field(cx, &obj, "scrape_timeout").unwrap_or(0);
    dur_field(cx, &obj, "evaluation_interval");
    cx.string(obj.get("query_log_file"), &obj.child("query_log_file"));
    if v3 {
        dur_field(cx, &obj, "rule_query_offset");
        cx.string(
            obj.get("scrape_failure_log_file"),
            &obj.child("scrape_failure_log_file"),
        );
        size_field(cx, &obj, "body_size_limit");
        uints(
            cx,
            &obj,
            &[
                "sample_limit",
                "target_limit",
                "label_limit",
                "label_name_length_limit",
                "label_value_length_limit",
                "keep_dropped_targets",
            ],
        );
        g.legacy = validation_scheme(cx, &obj, "metric_name_validation_scheme").unwrap_or(false);
        g.escaping = cx
            .string(
                obj.get("metric_name_escaping_scheme"),
                &obj.child("metric_name_escaping_scheme"),
            )
            .text;
        g.scrape_native_histograms = cx
            .boolean(
                obj.get("scrape_native_histograms"),
                &obj.child("scrape_native_histograms"),
            )
            .unwrap_or(false);
        g.convert_nhcb = cx
            .boolean(
                obj.get("convert_classic_histograms_to_nhcb"),
                &obj.child("convert_classic_histograms_to_nhcb"),
            )
            .unwrap_or(false);
        g.always_classic = cx
            .boolean(
                obj.get("always_scrape_classic_histograms"),
                &obj.child("always_scrape_classic_histograms"),
            )
            .unwrap_or(false);
        cx.boolean(
            obj.get("extra_scrape_metrics"),
            &obj.child("extra_scrape_metrics"),
        );
    }
    let legacy = !v3 || g.legacy;
    for (name, value, line, column) in cx
        .string_map(obj.get("external_labels"), &obj.child("external_labels"))
        .unwrap_or_default()
    {
        let p = join(&obj.child("external_labels"), &name.text);
        let at = Node {
            kind: super::yaml::Kind::Seq(Vec::new()),
            line,
            column,
        };
        if !is_valid_label_name(&name.text, name.valid_utf8, legacy) {
            cx.err(
                &p,
                Some(&at),
                format!("{} is not a valid label name", quoted(&name)),
            );
        } else if !value.valid_utf8 {
            cx.err(
                &p,
                Some(&at),
                format!("{} is not a valid label value", quoted(&value)),
            );
        }
    }
    g.scrape_interval = if interval == 0 { 60_000 } else { interval };
    if timeout > g.scrape_interval {
        cx.err_at(
            &obj,
            "scrape_timeout",
            "global scrape timeout greater than scrape interval",
        );
    }
    g.scrape_timeout = if timeout == 0 {
        10_000.min(g.scrape_interval)
    } else {
        timeout
    };
    if v3 {
        g.protocols = protocols(cx, &obj, "scrape_protocols", "for global config");
    }
    g
}

/// A quoted label text, noting when its bytes are not UTF-8 (from `!!binary`).
fn quoted(s: &GoStr) -> String {
    if s.valid_utf8 {
        format!("{:?}", s.text)
    } else {
        format!("{:?} (not valid UTF-8)", s.text)
    }
}

/// A decoded scrape config, for the checks that run after loading.
struct Scrape<'n> {
    path: String,
    node: &'n Node,
    job: String,
    interval: u64,
    timeout: u64,
    metrics_path: String,
    scheme: String,
    params: Vec<(String, Vec<String>)>,
    rules: Vec<Rule<'n>>,
    relabel_ok: bool,
    http: http::Http,
    honor_labels: bool,
    honor_timestamps: bool,
    has_discovery: bool,
    discovered: Discovered<'n>,
    histogram_labels: [(String, bool); 3],
}

fn scrape_configs<'n>(cx: &mut Cx, obj: &Obj<'n>, global: &Global) -> Vec<Scrape<'n>> {
    let mut out = Vec::new();
    let Some(items) = cx.seq(
        obj.get("scrape_configs"),
        &obj.child("scrape_configs"),
        "*config.ScrapeConfig",
    ) else {
        return out;
    };
    out.reserve_exact(items.len());
    let mut jobs: std::collections::HashSet<String> = std::collections::HashSet::new();
    // the fields a scrape config may have: the same for every job
    let mut fields = http::with_fields(SCRAPE_CONFIG, cx.version);
    let sd_keys = sd::keys(cx.version);
    fields.extend(sd_keys.iter().map(String::as_str));
    for (p, item) in items {
        if item.is_null() {
            cx.err(&p, Some(item), "empty or null scrape config section");
            continue;
        }
        let Some(o) = cx.obj(item, &p, "scrape config (config.ScrapeConfig)", &fields) else {
            continue;
        };
        if let Some(s) = scrape(cx, &o, global) {
            if !jobs.insert(s.job.clone()) {
                cx.err_at(
                    &o,
                    "job_name",
                    format!("found multiple scrape configs with job name {:?}", s.job),
                );
            }
            out.push(s);
        }
    }
    out
}

fn scrape<'n>(cx: &mut Cx, o: &Obj<'n>, global: &Global) -> Option<Scrape<'n>> {
    let v3 = cx.v3();
    let before = cx.findings.len();
    let job = cx.string(o.get("job_name"), &o.child("job_name")).text;
    let honor_labels = cx
        .boolean(o.get("honor_labels"), &o.child("honor_labels"))
        .unwrap_or(false);
    let honor_timestamps = cx
        .boolean(o.get("honor_timestamps"), &o.child("honor_timestamps"))
        .unwrap_or(true);
    bools(cx, o, &["track_timestamps_staleness", "enable_compression"]);
    let params = params(cx, o);
    let interval = dur_field(cx, o, "scrape_interval").unwrap_or(0);
    let timeout = dur_field(cx, o, "scrape_timeout").unwrap_or(0);
    let metrics_path = match o.get("metrics_path") {
        Some(n) => cx.string(Some(n), &o.child("metrics_path")).text,
        None => "/metrics".to_string(),
    };
    let scheme = match o.get("scheme") {
        Some(n) => cx.string(Some(n), &o.child("scheme")).text,
        None => "http".to_string(),
    };
    size_field(cx, o, "body_size_limit");
    uints(
        cx,
        o,
        &[
            "sample_limit",
            "target_limit",
            "label_limit",
            "label_name_length_limit",
            "label_value_length_limit",
            "native_histogram_bucket_limit",
            "keep_dropped_targets",
        ],
    );
    cx.float(
        o.get("native_histogram_min_bucket_factor"),
        &o.child("native_histogram_min_bucket_factor"),
    );
    cx.string(
        o.get("scrape_failure_log_file"),
        &o.child("scrape_failure_log_file"),
    );
    let mut http = http::decode(cx, o);
    let discovered = sd::decode_all(cx, o);
    let rules = relabel::decode_list(
        cx,
        o.get("relabel_configs"),
        &o.child("relabel_configs"),
        "empty or null target relabeling rule in scrape config",
    );
    let relabel_written = o
        .get("relabel_configs")
        .is_some_and(|n| matches!(&n.kind, super::yaml::Kind::Seq(items) if !items.is_empty()));
    let mut metric_rules = relabel::decode_list(
        cx,
        o.get("metric_relabel_configs"),
        &o.child("metric_relabel_configs"),
        "empty or null metric relabeling rule in scrape config",
    );

    // ScrapeConfig.UnmarshalYAML
    if job.is_empty() {
        cx.err_at(o, "job_name", "job_name is empty");
    }
    if let Err(e) = http.validate(cx.version) {
        cx.err(&o.path, Some(o.node), e);
    }
    if !relabel_written {
        static_targets_check(cx, &discovered);
    }

    // Scrape interval and timeout (Config.UnmarshalYAML / ScrapeConfig.Validate).
    let interval = if interval == 0 {
        global.scrape_interval
    } else {
        interval
    };
    if timeout > interval {
        cx.err_at(
            o,
            "scrape_timeout",
            format!("scrape timeout greater than scrape interval for scrape config with job name {job:?}"),
        );
    }
    let timeout = if timeout == 0 {
        global.scrape_timeout.min(interval)
    } else {
        timeout
    };

    let mut legacy = true;
    let mut histogram_labels = [
        ("__convert_classic_histograms_to_nhcb__".to_string(), false),
        ("__always_scrape_classic_histograms__".to_string(), false),
        ("__scrape_native_histograms__".to_string(), false),
    ];
    if v3 {
        let native = match o.get("scrape_native_histograms") {
            Some(n) if !n.is_null() => cx
                .boolean(Some(n), &o.child("scrape_native_histograms"))
                .unwrap_or(false),
            _ => global.scrape_native_histograms,
        };
        let convert = match o.get("convert_classic_histograms_to_nhcb") {
            Some(n) if !n.is_null() => cx
                .boolean(Some(n), &o.child("convert_classic_histograms_to_nhcb"))
                .unwrap_or(false),
            _ => global.convert_nhcb,
        };
        let always = match o.get("always_scrape_classic_histograms") {
            Some(n) if !n.is_null() => cx
                .boolean(Some(n), &o.child("always_scrape_classic_histograms"))
                .unwrap_or(false),
            _ => global.always_classic,
        };
        cx.boolean(
            o.get("extra_scrape_metrics"),
            &o.child("extra_scrape_metrics"),
        );
        histogram_labels[0].1 = convert;
        histogram_labels[1].1 = always;
        histogram_labels[2].1 = native;
        let whose = format!("for scrape config with job name {job:?}");
        if o.get("scrape_protocols").is_some_and(|n| !n.is_null()) {
            protocols(cx, o, "scrape_protocols", &whose);
        }
        if let Some(n) = o.get("fallback_scrape_protocol") {
            let fb = cx.string(Some(n), &o.child("fallback_scrape_protocol"));
            if !fb.is_empty() && !SCRAPE_PROTOCOLS.contains(&fb.as_str()) {
                cx.err(
                    &o.child("fallback_scrape_protocol"),
                    Some(n),
                    format!(
                        "invalid fallback_scrape_protocol for scrape config with job name {job:?}: unknown scrape protocol {}, supported: {SCRAPE_PROTOCOLS:?}",
                        fb.text
                    ),
                );
            }
        }
        let local = validation_scheme(cx, o, "metric_name_validation_scheme");
        let local_unset = local.is_none();
        legacy = local.unwrap_or(global.legacy);
        let mut global_escaping = global.escaping.clone();
        if global_escaping.is_empty() {
            global_escaping = if global.legacy {
                "underscores"
            } else {
                "allow-utf-8"
            }
            .to_string();
        } else if !ESCAPING.contains(&global_escaping.as_str()) {
            cx.err(
                "global.metric_name_escaping_scheme",
                None,
                format!(
                    "unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got {:?}",
                    global_escaping
                ),
            );
        }
        let mut escaping = cx
            .string(
                o.get("metric_name_escaping_scheme"),
                &o.child("metric_name_escaping_scheme"),
            )
            .text;
        if escaping.is_empty() {
            escaping = if local_unset {
                global_escaping
            } else if legacy {
                "underscores".to_string()
            } else {
                "allow-utf-8".to_string()
            };
        }
        if escaping == "allow-utf-8" {
            if legacy {
                cx.err_at(
                    o,
                    "metric_name_escaping_scheme",
                    "utf8 metric names requested but validation scheme is not set to UTF8",
                );
            }
        } else if !ESCAPING.contains(&escaping.as_str()) {
            cx.err_at(
                o,
                "metric_name_escaping_scheme",
                format!(
                    "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got {escaping:?}"
                ),
            );
        }
    }
    let mut rules = rules;
    if v3 {
        validate_rules(cx, &mut rules, legacy);
        validate_rules(cx, &mut metric_rules, legacy);
    }
    let relabel_ok = rules.iter().all(|r| r.ok);
    let ok = cx.findings.len() == before;
    Some(Scrape {
        path: o.path.clone(),
        node: o.node,
        job,
        interval,
        timeout,
        metrics_path,
        scheme,
        params,
        rules,
        relabel_ok: relabel_ok && ok,
        has_discovery: o.names().any(|k| k.ends_with("_sd_configs")),
        http,
        honor_labels,
        honor_timestamps,
        discovered,
        histogram_labels,
    })
}

/// `params` (`url.Values`): every value of each parameter.
fn params(cx: &mut Cx, o: &Obj<'_>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let path = o.child("params");
    if let Some(entries) = cx.map(o.get("params"), &path, "url.Values") {
        for (name, _, value) in entries {
            let p = join(&path, &name.text);
            if let Some(values) = cx.strings(Some(value), &p) {
                out.push((
                    name.text.clone(),
                    values.into_iter().map(|v| v.text).collect(),
                ));
            }
        }
    }
    out
}

/// `checkStaticTargets`: a static target must not contain `/` (a URL is not a target).
fn static_targets_check(cx: &mut Cx, d: &Discovered<'_>) {
    for g in &d.groups {
        for (t, p, n) in &g.targets {
            if t.contains('/') {
                cx.err(p, Some(n), format!("{t:?} is not a valid hostname (a target is host:port, without scheme or path)"));
            }
        }
    }
}

/// What `scrape.PopulateLabels` makes of one static target.
enum Populated {
    /// The target's labels after relabeling and the checks.
    Kept(Labels),
    /// A relabel rule drops it.
    Dropped,
    /// The relabeled labels are refused (promtool reports it).
    Refused,
}

/// promtool's `checkTargetGroupsForScrapeConfig`: `scrape.TargetsFromGroup` on the static
/// targets, which runs the relabeling and checks the resulting address and labels. Returns
/// each target as written with what became of it (nothing when the rules did not decode).
fn populate_targets(cx: &mut Cx, s: &Scrape<'_>) -> Vec<(String, Populated)> {
    if !s.relabel_ok {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(s.discovered.groups.iter().map(|g| g.targets.len()).sum());
    let v3 = cx.v3();
    for g in &s.discovered.groups {
        for (i, (target, p, n)) in g.targets.iter().enumerate() {
            let mut lb = Labels::default();
            lb.set("__address__", target);
            for (name, value) in &g.labels {
                if name != "__address__" {
                    lb.set(name, value);
                }
            }
            let mut scrape_labels = vec![
                ("job".to_string(), s.job.clone()),
                (
                    "__scrape_interval__".to_string(),
                    duration_string(s.interval),
                ),
                ("__scrape_timeout__".to_string(), duration_string(s.timeout)),
                ("__metrics_path__".to_string(), s.metrics_path.clone()),
                ("__scheme__".to_string(), s.scheme.clone()),
            ];
            if v3 {
                for (name, value) in &s.histogram_labels {
                    scrape_labels.push((name.clone(), value.to_string()));
                }
            }
            for (name, value) in scrape_labels {
                if lb.get(&name).is_empty() {
                    lb.set(&name, &value);
                }
            }
            for (name, values) in &s.params {
                let label = format!("__param_{name}");
                if let Some(value) = values.first() {
                    if !v3 || lb.get(&label).is_empty() {
                        lb.set(&label, value);
                    }
                }
            }
            if !relabel::process(&mut lb, &s.rules, cx.version) {
                out.push((target.clone(), Populated::Dropped));
                continue;
            }
            match target_labels(&mut lb, cx.version) {
                Ok(()) => out.push((target.clone(), Populated::Kept(lb))),
                Err(e) => {
                    cx.err(p, Some(n), format!("instance {i} in group {}: {e}", g.path));
                    out.push((target.clone(), Populated::Refused));
                }
            }
        }
    }
    out
}

/// The checks of `scrape.PopulateLabels` after relabeling, and what it then does to the
/// labels: 2.42 adds the scheme's default port to an address without one, `__meta_*` labels
/// go, `instance` defaults to the address.
fn target_labels(lb: &mut Labels, version: Version) -> Result<(), String> {
    let v3 = version >= Version::V3;
    let addr = lb.get("__address__").to_string();
    if addr.is_empty() {
        return Err("no address".to_string());
    }
    if !v3 && split_host_port(&addr).is_err() && split_host_port(&format!("{addr}:1234")).is_ok() {
        let scheme = lb.get("__scheme__");
        let port = match scheme {
            "http" | "" => "80",
            "https" => "443",
            _ => {
                return Err(format!(
                    "invalid scheme: {scheme:?} (a target without a port needs http or https)"
                ))
            }
        };
        lb.set("__address__", &format!("{addr}:{port}"));
    }
    if addr.contains('/') {
        return Err(format!("{addr:?} is not a valid hostname"));
    }
    let interval = lb.get("__scrape_interval__");
    let iv = parse_duration(interval, version)
        .map_err(|e| format!("error parsing scrape interval: {e}"))?;
    if iv == 0 {
        return Err("scrape interval cannot be 0".to_string());
    }
    let timeout = lb.get("__scrape_timeout__");
    let tv = parse_duration(timeout, version)
        .map_err(|e| format!("error parsing scrape timeout: {e}"))?;
    if tv == 0 {
        return Err("scrape timeout cannot be 0".to_string());
    }
    if tv > iv {
        return Err(format!(
            "scrape timeout cannot be greater than scrape interval ({timeout:?} > {interval:?})"
        ));
    }
    if v3 {
        for (name, desc) in [
            (
                "__convert_classic_histograms_to_nhcb__",
                "convert classic histograms to nhcb",
            ),
            (
                "__always_scrape_classic_histograms__",
                "always scrape classic histograms",
            ),
            ("__scrape_native_histograms__", "scrape native histograms"),
        ] {
            let v = lb.get(name);
            if !v.is_empty() && parse_bool(v).is_none() {
                return Err(format!(
                    "error parsing {desc}: strconv.ParseBool: parsing {v:?}: invalid syntax"
                ));
            }
        }
    }
    let names: Vec<String> = lb.0.iter().map(|(n, _)| n.clone()).collect();
    for name in names.iter().filter(|n| n.starts_with("__meta_")) {
        lb.del(name);
    }
    if lb.get("instance").is_empty() {
        let addr = lb.get("__address__").to_string();
        lb.set("instance", &addr);
    }
    Ok(())
}

/// An Alertmanager config, for promtool's static target check.
struct Alertmanager<'n> {
    scheme: String,
    rules: Vec<Rule<'n>>,
    ok: bool,
    discovered: Discovered<'n>,
}

/// `alerting`: returns whether it configures anything (for agent mode) and the Alertmanagers.
fn alerting<'n>(cx: &mut Cx, obj: &Obj<'n>, global: &Global) -> (bool, Vec<Alertmanager<'n>>) {
    let v3 = cx.v3();
    let mut ams = Vec::new();
    let Some(node) = obj.get("alerting") else {
        return (false, ams);
    };
    let Some(o) = cx.obj(
        node,
        "alerting",
        "alerting config",
        &["alert_relabel_configs", "alertmanagers"],
    ) else {
        return (false, ams);
    };
    let mut any = false;
    let mut rules = relabel::decode_list(
        cx,
        o.get("alert_relabel_configs"),
        &o.child("alert_relabel_configs"),
        "empty or null alert relabeling rule",
    );
    if o.get("alert_relabel_configs")
        .is_some_and(|n| matches!(&n.kind, super::yaml::Kind::Seq(i) if !i.is_empty()))
    {
        any = true;
    }
    if v3 {
        validate_rules(cx, &mut rules, global.legacy);
    }
    if let Some(items) = cx.seq(
        o.get("alertmanagers"),
        &o.child("alertmanagers"),
        "*config.AlertmanagerConfig",
    ) {
        any |= !items.is_empty();
        for (p, item) in items {
            // A `*AlertmanagerConfig`: `Null` allocates one with the defaults.
            if item.is_nil() {
                cx.err(&p, Some(item), "empty or null Alertmanager config");
                continue;
            }
            if let Some(am) = alertmanager(cx, item, &p, global) {
                ams.push(am);
            }
        }
    }
    (any, ams)
}

fn validate_rules(cx: &mut Cx, rules: &mut [Rule<'_>], legacy: bool) {
    for r in rules.iter_mut().filter(|r| r.ok) {
        r.legacy_names = legacy;
        if let Err(e) = relabel::validate(r, Version::V3, legacy) {
            cx.err(&r.path, Some(r.node), e);
            r.ok = false;
        }
    }
}

fn alertmanager<'n>(
    cx: &mut Cx,
    node: &'n Node,
    path: &str,
    global: &Global,
) -> Option<Alertmanager<'n>> {
    let v3 = cx.v3();
    let mut fields = http::with_fields(ALERTMANAGER_CONFIG, cx.version);
    let sd_keys = sd::keys(cx.version);
    fields.extend(sd_keys.iter().map(String::as_str));
    let o = cx.obj(
        node,
        path,
        "alertmanager config (config.AlertmanagerConfig)",
        &fields,
    )?;
    let before = cx.findings.len();
    let scheme = match o.get("scheme") {
        Some(n) => cx.string(Some(n), &o.child("scheme")).text,
        None => "http".to_string(),
    };
    cx.string(o.get("path_prefix"), &o.child("path_prefix"));
    dur_field(cx, &o, "timeout");
    if let Some(n) = o.get("api_version") {
        // `AlertmanagerAPIVersion`'s unmarshaler checks it: `Null` gives it "", a quoted
        // "null" skips it (`Node::quoted_nil`).
        if !n.is_nil() && !n.quoted_nil() {
            let v = cx.string(Some(n), &o.child("api_version"));
            let supported: &[&str] = if v3 { &["v2"] } else { &["v1", "v2"] };
            if !supported.contains(&v.as_str()) {
                cx.err(
                    &o.child("api_version"),
                    Some(n),
                    format!(
                        "expected Alertmanager api version to be one of {supported:?} but got {}",
                        v.text
                    ),
                );
            }
        }
    }
    let mut http = http::decode(cx, &o);
    let sigv4 = v3 && http::sigv4(cx, o.get("sigv4"), &o.child("sigv4"));
    let discovered = sd::decode_all(cx, &o);
    let mut rules = relabel::decode_list(
        cx,
        o.get("relabel_configs"),
        &o.child("relabel_configs"),
        "empty or null Alertmanager target relabeling rule",
    );
    let relabel_written = o
        .get("relabel_configs")
        .is_some_and(|n| matches!(&n.kind, super::yaml::Kind::Seq(items) if !items.is_empty()));
    let mut alert_rules = if v3 {
        relabel::decode_list(
            cx,
            o.get("alert_relabel_configs"),
            &o.child("alert_relabel_configs"),
            "empty or null Alertmanager alert relabeling rule",
        )
    } else {
        Vec::new()
    };
    if let Err(e) = http.validate(cx.version) {
        cx.err(path, Some(node), e);
    }
    if sigv4 && http.auth_enabled() {
        cx.err(
            path,
            Some(node),
            "at most one of basic_auth, authorization, oauth2, & sigv4 must be configured",
        );
    }
    if !relabel_written {
        static_targets_check(cx, &discovered);
    }
    if v3 {
        validate_rules(cx, &mut alert_rules, global.legacy);
        validate_rules(cx, &mut rules, global.legacy);
    }
    let ok = cx.findings.len() == before;
    Some(Alertmanager {
        scheme,
        rules,
        ok,
        discovered,
    })
}

/// promtool's `checkTargetGroupsForAlertmanager`: relabel each static target; the resulting
/// address must not contain `/`.
fn alertmanager_targets(cx: &mut Cx, am: &Alertmanager<'_>) {
    if !am.ok {
        return;
    }
    for g in &am.discovered.groups {
        for (target, p, n) in &g.targets {
            let mut lb = Labels::default();
            lb.set("__address__", target);
            lb.set("__scheme__", &am.scheme);
            lb.set("__alerts_path__", "/api/v2/alerts");
            for (name, value) in &g.labels {
                if name != "__address__" {
                    lb.set(name, value);
                }
            }
            if !relabel::process(&mut lb, &am.rules, cx.version) {
                continue;
            }
            let addr = lb.get("__address__");
            if addr.contains('/') {
                cx.err(p, Some(n), format!("{addr:?} is not a valid hostname"));
            }
        }
    }
}

fn headers(cx: &mut Cx, o: &Obj<'_>, auth_message: &str) {
    let path = o.child("headers");
    for (name, _, line, column) in cx.string_map(o.get("headers"), &path).unwrap_or_default() {
        let at = Node {
            kind: super::yaml::Kind::Seq(Vec::new()),
            line,
            column,
        };
        let p = join(&path, &name.text);
        let lower = name.text.to_lowercase();
        if lower == "authorization" {
            cx.err(&p, Some(&at), auth_message.to_string());
        } else if RESERVED_HEADERS.contains(&lower.as_str()) {
            cx.err(
                &p,
                Some(&at),
                format!("{} is a reserved header. It must not be changed", name.text),
            );
        }
    }
}

fn remote_write(cx: &mut Cx, obj: &Obj<'_>, global: &Global) {
    let v3 = cx.v3();
    let Some(items) = cx.seq(
        obj.get("remote_write"),
        &obj.child("remote_write"),
        "*config.RemoteWriteConfig",
    ) else {
        return;
    };
    let mut names: Vec<String> = Vec::new();
    for (p, item) in items {
        if item.is_null() {
            cx.err(&p, Some(item), "empty or null remote write config section");
            continue;
        }
        let fields = http::with_fields(REMOTE_WRITE_CONFIG, cx.version);
        let Some(o) = cx.obj(item, &p, "remote write config", &fields) else {
            continue;
        };
        let url = o.get("url").and_then(|n| http::url(cx, n, &o.child("url")));
        dur_field(cx, &o, "remote_timeout");
        let name = cx.string(o.get("name"), &o.child("name")).text;
        bools(
            cx,
            &o,
            &[
                "send_exemplars",
                "send_native_histograms",
                "round_robin_dns",
            ],
        );
        let mut rules = relabel::decode_list(
            cx,
            o.get("write_relabel_configs"),
            &o.child("write_relabel_configs"),
            "empty or null relabeling rule in remote write config",
        );
        let queue = queue_config(cx, &o);
        if let Some(m) = o.get("metadata_config") {
            if let Some(mo) = cx.obj(
                m,
                &o.child("metadata_config"),
                "metadata config",
                &["send", "send_interval", "max_samples_per_send"],
            ) {
                cx.boolean(mo.get("send"), &mo.child("send"));
                dur_field(cx, &mo, "send_interval");
                cx.integer(
                    mo.get("max_samples_per_send"),
                    &mo.child("max_samples_per_send"),
                    IntType::Int,
                );
            }
        }
        let mut http = http::decode(cx, &o);
        let sigv4 = http::sigv4(cx, o.get("sigv4"), &o.child("sigv4"));
        let azuread = v3 && http::azuread(cx, o.get("azuread"), &o.child("azuread"));
        let google = v3 && http::google_iam(cx, o.get("google_iam"), &o.child("google_iam"));

        if url.is_none() && o.get("url").is_none_or(Node::is_nil) {
            cx.err(
                &o.child("url"),
                Some(o.node),
                "url for remote_write is empty",
            );
        }
        headers(
            cx,
            &o,
            if v3 {
                "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter"
            } else {
                "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter"
            },
        );
        if v3 {
            if let Some(n) = o.get("protobuf_message") {
                let m = cx.string(Some(n), &o.child("protobuf_message"));
                if !["prometheus.WriteRequest", "io.prometheus.write.v2.Request"]
                    .contains(&m.as_str())
                {
                    cx.err(
                        &o.child("protobuf_message"),
                        Some(n),
                        format!(
                            "invalid protobuf_message value: unknown type for remote write protobuf message {}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request",
                            m.text
                        ),
                    );
                }
            }
        }
        if let Err(e) = http.validate(cx.version) {
            cx.err(&p, Some(item), e);
        }
        if v3 {
            if let Some(q) = queue {
                if let Err(e) = q.validate() {
                    cx.err(
                        &o.child("queue_config"),
                        o.get("queue_config").or(Some(item)),
                        e,
                    );
                }
            }
            let mut auth = Vec::new();
            if http.basic_auth.is_some() {
                auth.push("basic_auth");
            }
            if http.authorization.is_some() {
                auth.push("authorization");
            }
            if http.oauth2.is_some() {
                auth.push("oauth2");
            }
            if sigv4 {
                auth.push("sigv4");
            }
            if azuread {
                auth.push("azuread");
            }
            if google {
                auth.push("google_iam");
            }
            if auth.len() > 1 {
                cx.err(
                    &p,
                    Some(item),
                    format!(
                        "at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [{}]",
                        auth.join(" ")
                    ),
                );
            }
            validate_rules(cx, &mut rules, global.legacy);
        } else if sigv4 && http.auth_enabled() {
            cx.err(
                &p,
                Some(item),
                "at most one of basic_auth, authorization, oauth2, & sigv4 must be configured",
            );
        }
        if !name.is_empty() {
            if names.contains(&name) {
                cx.err_at(
                    &o,
                    "name",
                    format!("found multiple remote write configs with job name {name:?}"),
                );
            } else {
                names.push(name);
            }
        }
    }
}

/// The queue settings that `QueueConfig.Validate` (3.x) looks at.
struct Queue {
    capacity: i128,
    max_shards: i128,
    min_shards: i128,
    max_samples_per_send: i128,
    min_backoff: u64,
    max_backoff: u64,
}

impl Queue {
    fn validate(&self) -> Result<(), String> {
        if self.max_shards <= 0 {
            return Err("remote write queue max_shards must be positive".to_string());
        }
        if self.min_shards <= 0 {
            return Err("remote write queue min_shards must be positive".to_string());
        }
        if self.min_shards > self.max_shards {
            return Err(
                "remote write queue min_shards must not be greater than max_shards".to_string(),
            );
        }
        if self.max_samples_per_send <= 0 {
            return Err("remote write queue max_samples_per_send must be positive".to_string());
        }
        if self.capacity <= 0 {
            return Err("remote write queue capacity must be positive".to_string());
        }
        if self.max_backoff < self.min_backoff {
            return Err(
                "remote write queue max_backoff must not be less than min_backoff".to_string(),
            );
        }
        Ok(())
    }
}

fn queue_config(cx: &mut Cx, o: &Obj<'_>) -> Option<Queue> {
    let mut q = Queue {
        capacity: 10_000,
        max_shards: 50,
        min_shards: 1,
        max_samples_per_send: 2000,
        min_backoff: 30,
        max_backoff: 5000,
    };
    let Some(n) = o.get("queue_config") else {
        return Some(q);
    };
    if n.is_null() {
        // A null block zeroes every setting.
        return Some(Queue {
            capacity: 0,
            max_shards: 0,
            min_shards: 0,
            max_samples_per_send: 0,
            min_backoff: 0,
            max_backoff: 0,
        });
    }
    let fields = schema::names(QUEUE_CONFIG, cx.version);
    let qo = cx.obj(n, &o.child("queue_config"), "queue config", &fields)?;
    let int = |cx: &mut Cx, name: &str, default: i128| match qo.get(name) {
        None => Some(default),
        Some(node) => cx.integer(Some(node), &qo.child(name), IntType::Int),
    };
    let capacity = int(cx, "capacity", q.capacity);
    let max_shards = int(cx, "max_shards", q.max_shards);
    let min_shards = int(cx, "min_shards", q.min_shards);
    let max_samples = int(cx, "max_samples_per_send", q.max_samples_per_send);
    dur_field(cx, &qo, "batch_send_deadline");
    dur_field(cx, &qo, "sample_age_limit");
    let min_backoff = match qo.get("min_backoff") {
        None => Some(q.min_backoff),
        Some(_) => dur_field(cx, &qo, "min_backoff"),
    };
    let max_backoff = match qo.get("max_backoff") {
        None => Some(q.max_backoff),
        Some(_) => dur_field(cx, &qo, "max_backoff"),
    };
    cx.boolean(qo.get("retry_on_http_429"), &qo.child("retry_on_http_429"));
    q.capacity = capacity?;
    q.max_shards = max_shards?;
    q.min_shards = min_shards?;
    q.max_samples_per_send = max_samples?;
    q.min_backoff = min_backoff?;
    q.max_backoff = max_backoff?;
    Some(q)
}

/// `remote_read`; returns the number of entries (for agent mode).
fn remote_read(cx: &mut Cx, obj: &Obj<'_>) -> usize {
    let v3 = cx.v3();
    let Some(items) = cx.seq(
        obj.get("remote_read"),
        &obj.child("remote_read"),
        "*config.RemoteReadConfig",
    ) else {
        return 0;
    };
    let count = items.len();
    let mut names: Vec<String> = Vec::new();
    for (p, item) in items {
        if item.is_null() {
            cx.err(&p, Some(item), "empty or null remote read config section");
            continue;
        }
        let fields = http::with_fields(REMOTE_READ_CONFIG, cx.version);
        let Some(o) = cx.obj(item, &p, "remote read config", &fields) else {
            continue;
        };
        let url = o.get("url").and_then(|n| http::url(cx, n, &o.child("url")));
        dur_field(cx, &o, "remote_timeout");
        bools(cx, &o, &["read_recent", "filter_external_labels"]);
        cx.integer(
            o.get("chunked_read_limit"),
            &o.child("chunked_read_limit"),
            IntType::Uint64,
        );
        let name = cx.string(o.get("name"), &o.child("name")).text;
        sd::label_set(
            cx,
            o.get("required_matchers"),
            &o.child("required_matchers"),
        );
        let mut http = http::decode(cx, &o);
        if url.is_none() && o.get("url").is_none_or(Node::is_nil) {
            cx.err(
                &o.child("url"),
                Some(o.node),
                "url for remote_read is empty",
            );
        }
        headers(
            cx,
            &o,
            if v3 {
                "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter"
            } else {
                "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter"
            },
        );
        if let Err(e) = http.validate(cx.version) {
            cx.err(&p, Some(item), e);
        }
        if !name.is_empty() {
            if names.contains(&name) {
                cx.err_at(
                    &o,
                    "name",
                    format!("found multiple remote read configs with job name {name:?}"),
                );
            } else {
                names.push(name);
            }
        }
    }
    count
}

fn storage(cx: &mut Cx, node: &Node, path: &str) {
    let v3 = cx.v3();
    let Some(o) = cx.obj(node, path, "storage config", &["tsdb", "exemplars"]) else {
        return;
    };
    if let Some(t) = o.get("tsdb") {
        let mut fields = vec!["out_of_order_time_window", "outofordertimewindow"];
        if v3 {
            fields.extend([
                "stale_series_compaction_threshold",
                "chunk_encoding",
                "retention",
            ]);
        }
        if let Some(to) = cx.obj(t, &o.child("tsdb"), "tsdb config", &fields) {
            dur_field(cx, &to, "out_of_order_time_window");
            cx.integer(
                to.get("outofordertimewindow"),
                &to.child("outofordertimewindow"),
                IntType::Int64,
            );
            cx.float(
                to.get("stale_series_compaction_threshold"),
                &to.child("stale_series_compaction_threshold"),
            );
            if let Some(ce) = to.get("chunk_encoding") {
                if let Some(co) = cx.obj(
                    ce,
                    &to.child("chunk_encoding"),
                    "chunk encoding config",
                    &["floats"],
                ) {
                    let f = cx.string(co.get("floats"), &co.child("floats"));
                    if !matches!(f.as_str(), "" | "xor" | "xor2") {
                        cx.err_at(
                            &co,
                            "floats",
                            format!(
                                "'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got {:?}",
                                f.text
                            ),
                        );
                    }
                }
            }
            if let Some(r) = to.get("retention") {
                if let Some(ro) = cx.obj(
                    r,
                    &to.child("retention"),
                    "retention config",
                    &["time", "size", "percentage"],
                ) {
                    dur_field(cx, &ro, "time");
                    if let Some(size) = size_field(cx, &ro, "size") {
                        if size < 0 {
                            cx.err_at(&ro, "size", format!("'storage.tsdb.retention.size' must be greater than or equal to 0, got {size}"));
                        }
                    }
                    if let Some(p) = cx.float(ro.get("percentage"), &ro.child("percentage")) {
                        if !(0.0..=100.0).contains(&p) {
                            cx.err_at(&ro, "percentage", format!("'storage.tsdb.retention.percentage' must be in the range [0, 100], got {p}"));
                        }
                    }
                }
            }
        }
    }
    if let Some(e) = o.get("exemplars") {
        if let Some(eo) = cx.obj(
            e,
            &o.child("exemplars"),
            "exemplars config",
            &["max_exemplars"],
        ) {
            cx.integer(
                eo.get("max_exemplars"),
                &eo.child("max_exemplars"),
                IntType::Int64,
            );
        }
    }
}

fn tracing(cx: &mut Cx, node: &Node, path: &str) {
    let fields = [
        "client_type",
        "endpoint",
        "sampling_fraction",
        "insecure",
        "tls_config",
        "headers",
        "compression",
        "timeout",
    ];
    let Some(o) = cx.obj(node, path, "tracing config", &fields) else {
        return;
    };
    if let Some(n) = o.get("client_type") {
        if !n.is_null() {
            let t = cx.string(Some(n), &o.child("client_type"));
            if t.as_str() != "http" && t.as_str() != "grpc" {
                cx.err(
                    &o.child("client_type"),
                    Some(n),
                    format!(
                        "expected tracing client type to be to be http or grpc, but got {}",
                        t.text
                    ),
                );
            }
        }
    }
    let endpoint = cx.string(o.get("endpoint"), &o.child("endpoint"));
    cx.float(o.get("sampling_fraction"), &o.child("sampling_fraction"));
    cx.boolean(o.get("insecure"), &o.child("insecure"));
    if let Some(t) = o.get("tls_config") {
        http::tls(cx, t, &o.child("tls_config"));
    }
    let compression = cx.string(o.get("compression"), &o.child("compression"));
    dur_field(cx, &o, "timeout");
    headers(
        cx,
        &o,
        "custom authorization header configuration is not yet supported",
    );
    if endpoint.is_empty() {
        cx.err_at(&o, "endpoint", "tracing endpoint must be set");
    }
    if !compression.is_empty() && compression.as_str() != "gzip" {
        cx.err_at(
            &o,
            "compression",
            format!(
                "invalid compression type {} provided, valid options: gzip",
                compression.text
            ),
        );
    }
}

fn otlp(cx: &mut Cx, node: &Node, path: &str, global: &Global) {
    let fields = [
        "promote_all_resource_attributes",
        "promote_resource_attributes",
        "ignore_resource_attributes",
        "translation_strategy",
        "keep_identifying_resource_attributes",
        "convert_histograms_to_nhcb",
        "promote_scope_metadata",
        "label_name_underscore_sanitization",
        "label_name_preserve_multiple_underscores",
    ];
    let Some(o) = cx.obj(node, path, "otlp config", &fields) else {
        return;
    };
    let promote_all = cx
        .boolean(
            o.get("promote_all_resource_attributes"),
            &o.child("promote_all_resource_attributes"),
        )
        .unwrap_or(false);
    bools(
        cx,
        &o,
        &[
            "keep_identifying_resource_attributes",
            "convert_histograms_to_nhcb",
            "promote_scope_metadata",
            "label_name_underscore_sanitization",
            "label_name_preserve_multiple_underscores",
        ],
    );
    let promote = cx
        .strings(
            o.get("promote_resource_attributes"),
            &o.child("promote_resource_attributes"),
        )
        .unwrap_or_default();
    let ignore = cx
        .strings(
            o.get("ignore_resource_attributes"),
            &o.child("ignore_resource_attributes"),
        )
        .unwrap_or_default();
    let strategy = match o.get("translation_strategy") {
        Some(n) => cx.string(Some(n), &o.child("translation_strategy")).text,
        None => "UnderscoreEscapingWithSuffixes".to_string(),
    };
    let check_attrs = |attrs: &[GoStr], adjective: &str| -> Option<String> {
        let mut seen: Vec<&str> = Vec::new();
        for a in attrs {
            let t = a.text.trim();
            if t.is_empty() {
                return Some(format!("empty {adjective} OTel resource attribute"));
            }
            if seen.contains(&t) {
                return Some(format!(
                    "duplicated {adjective} OTel resource attribute {t:?}"
                ));
            }
            seen.push(t);
        }
        None
    };
    if promote_all {
        if !promote.is_empty() {
            cx.err(path, Some(node), "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
        } else if let Some(e) = check_attrs(&ignore, "ignored") {
            cx.err_at(
                &o,
                "ignore_resource_attributes",
                format!("invalid 'ignore_resource_attributes': {e}"),
            );
        }
    } else if !ignore.is_empty() {
        cx.err_at(&o, "ignore_resource_attributes", "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
    } else if let Some(e) = check_attrs(&promote, "promoted") {
        cx.err_at(
            &o,
            "promote_resource_attributes",
            format!("invalid 'promote_resource_attributes': {e}"),
        );
    }
    match strategy.as_str() {
        "" | "UnderscoreEscapingWithSuffixes" | "UnderscoreEscapingWithoutSuffixes" => {}
        "NoTranslation" | "NoUTF8EscapingWithSuffixes" => {
            if global.legacy {
                cx.err_at(&o, "translation_strategy", format!("OTLP translation strategy {strategy:?} is not allowed when UTF8 is disabled"));
            }
        }
        other => {
            cx.err_at(
                &o,
                "translation_strategy",
                format!("unsupported OTLP translation strategy {other:?}"),
            );
        }
    }
}
