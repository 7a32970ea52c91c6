//! Kubernetes manifests for the Prometheus Operator, from the same rendered scrape
//! configuration (an output's `kubernetes:` settings in promvault.yml):
//! - [`Kind::Secret`]: the render wrapped in a `v1` `Secret` under one key: what a
//!   `Prometheus` resource's `additionalScrapeConfigs` names (the render is then a YAML list
//!   of scrape configs, or a whole prometheus.yml);
//! - [`Kind::ScrapeConfig`]: each job of the render's `scrape_configs` as a `ScrapeConfig`
//!   resource (`monitoring.coreos.com/v1alpha1`), its credentials (basic auth username and
//!   password, `authorization` credentials, OAuth2 client id and secret) moved into one
//!   `Secret` that the resources point at with `{name, key}` references. The template stays an ordinary Prometheus
//!   configuration: the same job definitions feed a prometheus.yml and a cluster.
//!
//! Also what a diff shows of a Secret's base64 `data:` ([`readable_for_diff`]).
//!
//! The conversion covers the fields listed in [`JOB_FIELDS`] and their nested rules; any
//! other field of a job is a finding (never dropped in silence). The written manifests are
//! checked in the tests against Kubernetes' OpenAPI schema and the ScrapeConfig CRD's
//! (tests/data/prometheus-operator/).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::yaml::node::{Kind as NodeKind, Node};

/// An output's `kubernetes:` settings, as written in promvault.yml.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `secret`: the render wrapped in a `v1` Secret (for `additionalScrapeConfigs`);
    /// `scrape-config`: each scrape job as a `ScrapeConfig` resource, plus the Secret holding
    /// their credentials.
    pub kind: Kind,
    /// The Secret's name (a template). Default: `additional-scrape-configs` for `secret`,
    /// `promvault-scrape-credentials` for `scrape-config`.
    #[serde(default)]
    pub name: Option<String>,
    /// The namespace of every resource written (a template). Default: none (kubectl's
    /// current namespace).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Labels of every resource written (values are templates): what the `Prometheus`
    /// resource's `scrapeConfigSelector` matches.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
    /// `secret` only: the Secret's key holding the render (a template). Default:
    /// `prometheus-additional.yaml`.
    #[serde(default)]
    pub key: Option<String>,
    /// How the Secret holds its values: `data` (base64, as `kubectl get -o yaml` shows a
    /// Secret) or `stringData` (as written). Default: `data`.
    #[serde(default)]
    pub encoding: Encoding,
}

/// What an output becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A `v1` Secret holding the render under one key.
    Secret,
    /// `ScrapeConfig` resources plus the Secret holding their credentials.
    ScrapeConfig,
}

/// How a Secret holds its values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Encoding {
    /// `data:`, base64.
    #[default]
    #[serde(rename = "data")]
    Data,
    /// `stringData:`, as written.
    #[serde(rename = "stringData")]
    StringData,
}

/// The settings of one output, their templates rendered for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub kind: Kind,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: IndexMap<String, String>,
    pub key: String,
    pub encoding: Encoding,
}

impl Manifest {
    /// `settings` with each template rendered by `render(what, template)`, and checked
    /// against Kubernetes' rules for names.
    ///
    /// # Errors
    /// The render's error, or a name Kubernetes refuses (as a message).
    pub fn resolve<E>(
        settings: &Settings,
        mut render: impl FnMut(&str, &str) -> Result<String, E>,
    ) -> Result<Result<Manifest, String>, E> {
        let mut field = |what: &str, value: Option<&String>, default: &str| {
            value.map_or_else(
                || Ok(default.to_string()),
                |v| render(what, v).map(|s| s.trim().to_string()),
            )
        };
        let name = field(
            "name",
            settings.name.as_ref(),
            match settings.kind {
                Kind::Secret => "additional-scrape-configs",
                Kind::ScrapeConfig => "promvault-scrape-credentials",
            },
        )?;
        let key = field("key", settings.key.as_ref(), "prometheus-additional.yaml")?;
        let namespace = match &settings.namespace {
            Some(n) => Some(field("namespace", Some(n), "")?),
            None => None,
        };
        let mut labels = IndexMap::new();
        for (k, v) in &settings.labels {
            labels.insert(k.clone(), field(&format!("labels.{k}"), Some(v), "")?);
        }
        let manifest = Manifest {
            kind: settings.kind,
            name,
            namespace,
            labels,
            key,
            encoding: settings.encoding,
        };
        Ok(manifest.check().map(|()| manifest))
    }

    /// Kubernetes' rules for the names in these settings.
    fn check(&self) -> Result<(), String> {
        if !is_subdomain(&self.name) {
            return Err(format!(
                "kubernetes.name `{}` is not a valid Secret name (lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit, at most 253 characters)",
                self.name
            ));
        }
        if let Some(ns) = &self.namespace {
            if !is_label(ns) {
                return Err(format!(
                    "kubernetes.namespace `{ns}` is not a valid namespace (lowercase letters, digits and `-`, at most 63 characters)"
                ));
            }
        }
        if !is_secret_key(&self.key) {
            return Err(format!(
                "kubernetes.key `{}` is not a valid Secret key (letters, digits, `-`, `_` and `.`)",
                self.key
            ));
        }
        for (k, v) in &self.labels {
            if !is_label_key(k) {
                return Err(format!("kubernetes.labels: `{k}` is not a valid label key"));
            }
            if !is_label_value(v) {
                return Err(format!(
                    "kubernetes.labels.{k}: `{v}` is not a valid label value (at most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit)"
                ));
            }
        }
        Ok(())
    }

    fn metadata(&self, name: &str) -> Value {
        let mut meta = Map::new();
        meta.insert("name".into(), name.into());
        if let Some(ns) = &self.namespace {
            meta.insert("namespace".into(), ns.as_str().into());
        }
        if !self.labels.is_empty() {
            let labels: Map<String, Value> = self
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect();
            meta.insert("labels".into(), Value::Object(labels));
        }
        Value::Object(meta)
    }

    /// A `v1` Secret with these settings holding `entries` (key, value).
    fn secret(&self, entries: &[(String, String)]) -> String {
        use base64::Engine as _;
        let mut head = Map::new();
        head.insert("apiVersion".into(), "v1".into());
        head.insert("kind".into(), "Secret".into());
        head.insert("metadata".into(), self.metadata(&self.name));
        head.insert("type".into(), "Opaque".into());
        match self.encoding {
            Encoding::Data => {
                let data: Map<String, Value> = entries
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            base64::engine::general_purpose::STANDARD.encode(v).into(),
                        )
                    })
                    .collect();
                head.insert("data".into(), Value::Object(data));
                dump(&Value::Object(head))
            }
            Encoding::StringData => {
                let mut out = dump(&Value::Object(head));
                out.push_str("stringData:\n");
                for (k, v) in entries {
                    let key = dump(&Value::from(k.as_str()));
                    out.push_str(&format!("  {}: {}", key.trim_end(), block_or_quoted(v, 4)));
                }
                out
            }
        }
    }
}

/// The render `content` wrapped in the Secret `m` describes, under `m.key`.
#[must_use]
pub fn wrap_in_secret(m: &Manifest, content: &str) -> String {
    m.secret(&[(m.key.clone(), content.to_string())])
}

/// A problem converting a scrape configuration: the field, where it is in the render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The job fields converted to a ScrapeConfig's spec, and how: (Prometheus name, CRD name,
/// kind of value).
pub const JOB_FIELDS: &[(&str, &str, Conv)] = &[
    ("job_name", "jobName", Conv::Str),
    ("honor_labels", "honorLabels", Conv::Bool),
    ("honor_timestamps", "honorTimestamps", Conv::Bool),
    (
        "track_timestamps_staleness",
        "trackTimestampsStaleness",
        Conv::Bool,
    ),
    ("scrape_interval", "scrapeInterval", Conv::Str),
    ("scrape_timeout", "scrapeTimeout", Conv::Str),
    ("scrape_protocols", "scrapeProtocols", Conv::StrList),
    (
        "fallback_scrape_protocol",
        "fallbackScrapeProtocol",
        Conv::Str,
    ),
    ("metrics_path", "metricsPath", Conv::Str),
    ("scheme", "scheme", Conv::Str),
    ("params", "params", Conv::Params),
    ("enable_compression", "enableCompression", Conv::Bool),
    ("enable_http2", "enableHTTP2", Conv::Bool),
    ("proxy_url", "proxyUrl", Conv::Str),
    ("no_proxy", "noProxy", Conv::Str),
    ("proxy_from_environment", "proxyFromEnvironment", Conv::Bool),
    ("body_size_limit", "bodySizeLimit", Conv::Str),
    ("sample_limit", "sampleLimit", Conv::Int),
    ("target_limit", "targetLimit", Conv::Int),
    ("label_limit", "labelLimit", Conv::Int),
    ("label_name_length_limit", "labelNameLengthLimit", Conv::Int),
    (
        "label_value_length_limit",
        "labelValueLengthLimit",
        Conv::Int,
    ),
    ("keep_dropped_targets", "keepDroppedTargets", Conv::Int),
    ("static_configs", "staticConfigs", Conv::StaticConfigs),
    ("relabel_configs", "relabelings", Conv::Relabel),
    ("metric_relabel_configs", "metricRelabelings", Conv::Relabel),
    ("basic_auth", "basicAuth", Conv::BasicAuth),
    ("authorization", "authorization", Conv::Authorization),
    ("bearer_token", "authorization", Conv::BearerToken),
    ("oauth2", "oauth2", Conv::OAuth2),
    ("tls_config", "tlsConfig", Conv::Tls),
];

/// How a field's value is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conv {
    Str,
    Bool,
    Int,
    StrList,
    Params,
    StaticConfigs,
    Relabel,
    BasicAuth,
    Authorization,
    /// Prometheus 2's `bearer_token`: an `authorization` of the default type, `Bearer`.
    BearerToken,
    OAuth2,
    Tls,
}

const RELABEL_FIELDS: &[(&str, &str, Conv)] = &[
    ("source_labels", "sourceLabels", Conv::StrList),
    ("separator", "separator", Conv::Str),
    ("target_label", "targetLabel", Conv::Str),
    ("regex", "regex", Conv::Str),
    ("modulus", "modulus", Conv::Int),
    ("replacement", "replacement", Conv::Str),
    ("action", "action", Conv::Str),
];

const TLS_FIELDS: &[(&str, &str, Conv)] = &[
    ("insecure_skip_verify", "insecureSkipVerify", Conv::Bool),
    ("server_name", "serverName", Conv::Str),
    ("min_version", "minVersion", Conv::Str),
    ("max_version", "maxVersion", Conv::Str),
];

/// The global settings a job inherits when it does not set them: written into each
/// ScrapeConfig, so that the job scrapes as it would in the prometheus.yml (the `Prometheus`
/// resource's own defaults differ). The rest of `global` belongs to the `Prometheus`
/// resource and is not converted.
const INHERITED: &[&str] = &["scrape_interval", "scrape_timeout"];

/// One multi-document YAML text: the Secret holding the credentials (when any job has some),
/// then one `ScrapeConfig` per job of `config` (a rendered Prometheus configuration, already
/// valid for Prometheus).
///
/// # Errors
/// Every field that has no conversion, and jobs whose resource names collide.
pub fn scrape_configs(m: &Manifest, config: &str) -> Result<String, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(root) = crate::prometheus::document(config) else {
        return Ok(String::new());
    };
    let NodeKind::Map(top) = &root.kind else {
        return Err(vec![problem(
            "(document)",
            &root,
            "not a Prometheus configuration (a mapping with `scrape_configs`)",
        )]);
    };
    let mut inherited: Vec<(&str, &Node)> = Vec::new();
    let mut jobs: &[Node] = &[];
    for (k, v) in top {
        let key = k.scalar().map_or("", |s| s.text.as_str());
        match key {
            "global" => {
                for field in INHERITED {
                    if let Some(value) = v.get(field) {
                        inherited.push((field, value));
                    }
                }
            }
            "scrape_configs" => match &v.kind {
                NodeKind::Seq(items) => jobs = items,
                _ => problems.push(problem(key, v, "is not a list")),
            },
            _ => problems.push(problem(
                key,
                k,
                "has no place in a ScrapeConfig: it belongs to the `Prometheus` resource (only `scrape_configs` and the scrape interval and timeout of `global` are converted)",
            )),
        }
    }
    let mut credentials: Vec<(String, String)> = Vec::new();
    let mut resources: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let path = format!("scrape_configs[{i}]");
        let mut cx = Cx {
            manifest: m,
            job_key: String::new(),
            credentials: &mut credentials,
            problems: &mut problems,
        };
        let job_name = job
            .get("job_name")
            .and_then(Node::scalar)
            .map(|s| s.text.clone())
            .unwrap_or_default();
        cx.job_key = secret_key_part(&job_name);
        let name = resource_name(&job_name, i);
        if names.contains(&name) {
            cx.problems.push(problem(
                &format!("{path}.job_name"),
                job,
                &format!("another job is also written as the ScrapeConfig `{name}`: make the job names differ in more than case and punctuation"),
            ));
        }
        names.push(name.clone());
        let mut spec = cx.fields(job, &path, JOB_FIELDS);
        for (field, value) in &inherited {
            if job.get(field).is_none() {
                if let Some(s) = value.scalar() {
                    let crd = JOB_FIELDS
                        .iter()
                        .find(|(p, _, _)| p == field)
                        .map_or(*field, |(_, c, _)| c);
                    spec.insert(crd.to_string(), s.text.as_str().into());
                }
            }
        }
        let mut resource = Map::new();
        resource.insert("apiVersion".into(), "monitoring.coreos.com/v1alpha1".into());
        resource.insert("kind".into(), "ScrapeConfig".into());
        resource.insert("metadata".into(), m.metadata(&name));
        resource.insert("spec".into(), Value::Object(spec));
        resources.push(dump(&Value::Object(resource)));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut docs = Vec::new();
    if !credentials.is_empty() {
        docs.push(m.secret(&credentials));
    }
    docs.extend(resources);
    Ok(docs
        .iter()
        .map(|d| format!("---\n{d}"))
        .collect::<Vec<_>>()
        .concat())
}

struct Cx<'a> {
    manifest: &'a Manifest,
    /// The job's name as part of a Secret key.
    job_key: String,
    credentials: &'a mut Vec<(String, String)>,
    problems: &'a mut Vec<Problem>,
}

impl Cx<'_> {
    /// The fields of mapping `node` converted by `table`; others are problems.
    fn fields(
        &mut self,
        node: &Node,
        path: &str,
        table: &[(&str, &str, Conv)],
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let NodeKind::Map(entries) = &node.kind else {
            self.problems.push(problem(path, node, "is not a mapping"));
            return out;
        };
        for (k, v) in entries {
            let key = k.scalar().map_or("", |s| s.text.as_str());
            let child = format!("{path}.{key}");
            if v.is_null() {
                continue;
            }
            match table.iter().find(|(p, _, _)| *p == key) {
                Some((_, crd, conv)) => {
                    if let Some(value) = self.convert(v, &child, *conv) {
                        out.insert((*crd).to_string(), value);
                    }
                }
                None => self.problems.push(problem(
                    &child,
                    k,
                    &format!("`{key}` has no ScrapeConfig conversion in promvault: leave it out of this output, or use `kubernetes: {{kind: secret}}` (additionalScrapeConfigs), which takes any scrape config"),
                )),
            }
        }
        out
    }

    fn convert(&mut self, v: &Node, path: &str, conv: Conv) -> Option<Value> {
        let text = || v.scalar().map(|s| s.text.clone());
        Some(match conv {
            Conv::Str => text()?.into(),
            Conv::Bool => crate::prometheus::resolved_bool(v)?.into(),
            Conv::Int => crate::prometheus::resolved_int(v)?.into(),
            Conv::StrList => match &v.kind {
                NodeKind::Seq(items) => items
                    .iter()
                    .filter_map(|i| i.scalar().map(|s| Value::from(s.text.as_str())))
                    .collect(),
                _ => return None,
            },
            Conv::Params => match &v.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = k.scalar()?.text.clone();
                        Some((key, self.convert(v, path, Conv::StrList)?))
                    })
                    .collect::<Map<_, _>>()
                    .into(),
                _ => return None,
            },
            Conv::StaticConfigs => match &v.kind {
                // a static config without targets scrapes nothing (the CRD refuses one)
                NodeKind::Seq(items) => items
                    .iter()
                    .filter(|item| {
                        item.get("targets")
                            .is_some_and(|t| matches!(&t.kind, NodeKind::Seq(t) if !t.is_empty()))
                    })
                    .enumerate()
                    .map(|(i, item)| {
                        let mut out = Map::new();
                        let here = format!("{path}[{i}]");
                        if let Some(targets) = item.get("targets") {
                            out.insert(
                                "targets".into(),
                                self.convert(targets, &here, Conv::StrList)
                                    .unwrap_or_default(),
                            );
                        }
                        if let Some(NodeKind::Map(labels)) = item.get("labels").map(|l| &l.kind) {
                            let labels: Map<String, Value> = labels
                                .iter()
                                .filter_map(|(k, v)| {
                                    Some((
                                        k.scalar()?.text.clone(),
                                        v.scalar()?.text.clone().into(),
                                    ))
                                })
                                .collect();
                            out.insert("labels".into(), labels.into());
                        }
                        Value::Object(out)
                    })
                    .collect(),
                _ => return None,
            },
            Conv::Relabel => match &v.kind {
                NodeKind::Seq(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, rule)| {
                        Value::Object(self.fields(rule, &format!("{path}[{i}]"), RELABEL_FIELDS))
                    })
                    .collect(),
                _ => return None,
            },
            Conv::Tls => Value::Object(self.fields(v, path, TLS_FIELDS)),
            Conv::BasicAuth => {
                let mut out = Map::new();
                for (field, value) in entries(v) {
                    match field {
                        "username" | "password" => {
                            let reference = self.credential(field, value)?;
                            out.insert(field.to_string(), reference);
                        }
                        _ => self.no_reference(path, field, value),
                    }
                }
                Value::Object(out)
            }
            Conv::BearerToken => json!({"credentials": self.credential("credentials", v)?}),
            Conv::OAuth2 => {
                let mut out = Map::new();
                for (field, value) in entries(v) {
                    if value.is_null() {
                        continue;
                    }
                    match field {
                        "client_id" => {
                            let reference = self.credential("client-id", value)?;
                            out.insert("clientId".into(), json!({ "secret": reference }));
                        }
                        "client_secret" => {
                            let reference = self.credential("client-secret", value)?;
                            out.insert("clientSecret".into(), reference);
                        }
                        "token_url" => {
                            out.insert("tokenUrl".into(), value.scalar()?.text.as_str().into());
                        }
                        "scopes" => {
                            out.insert("scopes".into(), self.convert(value, path, Conv::StrList)?);
                        }
                        "endpoint_params" => {
                            let params: Map<String, Value> = entries(value)
                                .filter_map(|(k, v)| {
                                    Some((k.to_string(), v.scalar()?.text.as_str().into()))
                                })
                                .collect();
                            out.insert("endpointParams".into(), params.into());
                        }
                        _ => self.no_reference(path, field, value),
                    }
                }
                Value::Object(out)
            }
            Conv::Authorization => {
                let mut out = Map::new();
                for (field, value) in entries(v) {
                    match field {
                        "type" => {
                            out.insert("type".into(), value.scalar()?.text.as_str().into());
                        }
                        "credentials" => {
                            let reference = self.credential("credentials", value)?;
                            out.insert("credentials".into(), reference);
                        }
                        _ => self.no_reference(path, field, value),
                    }
                }
                Value::Object(out)
            }
        })
    }

    /// Records a credential for the Secret and returns the reference to it.
    fn credential(&mut self, field: &str, value: &Node) -> Option<Value> {
        let text = value.scalar()?.text.clone();
        let key = format!("{}-{field}", self.job_key);
        self.credentials.push((key.clone(), text));
        Some(json!({"name": self.manifest.name, "key": key}))
    }

    fn no_reference(&mut self, path: &str, field: &str, value: &Node) {
        if value.is_null() {
            return;
        }
        self.problems.push(problem(
            &format!("{path}.{field}"),
            value,
            &format!("`{field}` has no ScrapeConfig conversion in promvault (a file on the Prometheus server becomes a Secret key: write the value itself, which goes into the Secret; or use `kind: secret`)"),
        ));
    }
}

fn entries(node: &Node) -> impl Iterator<Item = (&str, &Node)> {
    let entries: &[(Node, Node)] = match &node.kind {
        NodeKind::Map(e) => e,
        _ => &[],
    };
    entries
        .iter()
        .filter_map(|(k, v)| Some((k.scalar()?.text.as_str(), v)))
}

fn problem(path: &str, node: &Node, message: &str) -> Problem {
    Problem {
        path: path.to_string(),
        line: node.line,
        column: node.column,
        message: message.to_string(),
    }
}

/// A job name as a resource name: lowercase, runs of other characters as `-`.
fn resource_name(job: &str, index: usize) -> String {
    let mut out = String::new();
    for c in job.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(253).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        format!("job-{index}")
    } else {
        out
    }
}

/// A job name as part of a Secret key (letters, digits, `-`, `_`, `.`).
fn secret_key_part(job: &str) -> String {
    let out: String = job
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if out.is_empty() {
        "job".to_string()
    } else {
        out
    }
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

fn is_secret_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()))
}

fn is_label_key(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    prefix.is_none_or(is_subdomain) && !name.is_empty() && is_label_value(name)
}

/// `value` as YAML with PyYAML's layout (block style, two-space indent, keys in order).
fn dump(value: &Value) -> String {
    let options = crate::yaml::dump::DumpOptions {
        indent: 2,
        width: usize::MAX / 2,
        flow_style: crate::yaml::dump::FlowStyle::Block,
        sort_keys: false,
        ..crate::yaml::dump::DumpOptions::to_yaml()
    };
    // Strings, numbers, booleans, lists and mappings always represent.
    crate::yaml::dump::dump(
        &minijinja::Value::from(minijinja::value::Serde(value)),
        &options,
    )
    .unwrap_or_default()
}

/// A string value after a key: one line (plain or quoted as PyYAML would) when it has no line
/// break; else a literal block (`|`, with its indentation) when it reads back exactly, else
/// one double-quoted line. Ends with a newline.
fn block_or_quoted(value: &str, indent: usize) -> String {
    let literal_ok = value.contains('\n')
        && !value.starts_with([' ', '\t', '\n'])
        && !value.chars().any(|c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        });
    if !value.contains('\n') {
        // plain where YAML reads it back as this string, else quoted (PyYAML's choice)
        return dump(&Value::from(value));
    }
    if !literal_ok {
        return format!("{}\n", crate::yaml::double_quoted(value));
    }
    let body = value.trim_end_matches('\n');
    let chomp = match value.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}\n");
    for line in value.strip_suffix('\n').unwrap_or(value).split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `text` as a diff shows it: in each Secret, a `data:` value that decodes to text is
/// written decoded (as a literal block, marked), so that the masking finds the secrets in it
/// and the diff shows what changed inside. Other text is returned as it is.
#[must_use]
pub fn readable_for_diff(text: &str) -> Option<String> {
    use base64::Engine as _;
    if !text.contains("kind: Secret") || !text.contains("\ndata:") {
        return None;
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut in_data = false;
    let mut changed = false;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n');
        if !line.starts_with(' ') {
            in_data = line == "data:";
        } else if in_data {
            if let Some((key, value)) = line.trim_start().split_once(": ") {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .filter(|s| !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
                if let Some(decoded) = decoded {
                    let indent = line.len() - line.trim_start().len();
                    out.push_str(&format!(
                        "{}{key}: {}",
                        " ".repeat(indent),
                        block_or_quoted(&decoded, indent + 2).replacen(
                            '\n',
                            "  # base64, decoded for this diff\n",
                            1
                        )
                    ));
                    changed = true;
                    continue;
                }
            }
        }
        out.push_str(raw);
    }
    changed.then_some(out)
}

/// Whether the text of a rendered output for `kind` is a YAML list (of scrape configs, as
/// `additionalScrapeConfigs` takes them) rather than a whole configuration.
#[must_use]
pub fn is_scrape_config_list(text: &str) -> bool {
    crate::prometheus::document(text).is_some_and(|n| matches!(n.kind, NodeKind::Seq(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(kind: Kind, encoding: Encoding) -> Manifest {
        let settings = Settings {
            kind,
            name: None,
            namespace: Some("monitoring".into()),
            labels: [("release".to_string(), "kps".to_string())]
                .into_iter()
                .collect(),
            key: None,
            encoding,
        };
        Manifest::resolve(&settings, |_, t| Ok::<_, ()>(t.to_string()))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_secret_wraps_the_render_in_either_encoding() {
        let content = "- job_name: a\n  static_configs:\n  - targets: [x:1]\n";
        let data = wrap_in_secret(&manifest(Kind::Secret, Encoding::Data), content);
        assert!(data.contains("kind: Secret\n"), "{data}");
        assert!(
            data.contains("  prometheus-additional.yaml: LSBq"),
            "{data}"
        );
        let readable = readable_for_diff(&data).unwrap();
        assert!(readable.contains("    - job_name: a\n"), "{readable}");
        let string = wrap_in_secret(&manifest(Kind::Secret, Encoding::StringData), content);
        assert!(
            string.ends_with(
                "stringData:\n  prometheus-additional.yaml: |\n    - job_name: a\n      static_configs:\n      - targets: [x:1]\n"
            ),
            "{string}"
        );
    }

    #[test]
    fn jobs_become_scrape_configs_with_references() {
        let config = "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: Node_1\n    basic_auth: {username: u, password: p}\n    static_configs: [{targets: ['a:1']}]\n  - job_name: o\n    oauth2: {client_id: i, client_secret: s, token_url: 'https://t/token', scopes: [a]}\n  - job_name: web\n    honor_labels: yes\n    sample_limit: 0x10\n    authorization: {type: apiKey, credentials: k}\n";
        let out = scrape_configs(&manifest(Kind::ScrapeConfig, Encoding::Data), config).unwrap();
        assert!(out.contains("  Node_1-password: cA==\n"), "{out}");
        assert!(out.contains("  name: node-1\n"), "{out}");
        assert!(
            out.contains("      name: promvault-scrape-credentials\n      key: web-credentials\n"),
            "{out}"
        );
        assert!(out.contains("  scrapeInterval: 15s\n"), "{out}");
        assert!(
            out.contains("    clientId:\n      secret:\n        name: promvault-scrape-credentials\n        key: o-client-id\n"),
            "{out}"
        );
        // values as Prometheus (yaml.v2) reads them
        assert!(
            out.contains("  honorLabels: true\n  sampleLimit: 16\n"),
            "{out}"
        );
        let bad = "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [x]}]\nrule_files: [r]\n";
        let problems =
            scrape_configs(&manifest(Kind::ScrapeConfig, Encoding::Data), bad).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["rule_files", "scrape_configs[0].file_sd_configs"]);
    }

    #[test]
    fn string_data_values_read_back_exactly() {
        for value in [
            "plain",
            "true",
            "a: b # c",
            "two\nlines\n",
            "no final newline\nx",
            "two final newlines\n\n",
            "  leading spaces\nx\n",
            "tab\tand é\n\n  indented after a blank line\n",
            "'quoted' \"both\"\n",
            "",
        ] {
            let text = format!("k: {}", block_or_quoted(value, 2));
            let doc = crate::prometheus::document(&text).unwrap();
            let read = doc.get("k").and_then(Node::scalar).map(|s| s.text.clone());
            assert_eq!(read.as_deref(), Some(value), "{text}");
        }
    }

    #[test]
    fn names_follow_kubernetes_rules() {
        assert!(is_label_key("app.kubernetes.io/name") && !is_label_key("-x"));
        assert!(is_subdomain("a.b-c") && !is_subdomain("A"));
        assert_eq!(resource_name("__Web Service__", 0), "web-service");
    }
}
