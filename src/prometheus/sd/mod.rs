//! Service discovery blocks (`static_configs` and every `*_sd_configs` key Prometheus
//! registers): which keys exist in each version, each discovery's fields, defaults and
//! `UnmarshalYAML` checks, including whether it validates its HTTP client block.

mod kubernetes;

use super::decode::{Cx, GoStr, IntType, Obj};
use super::goutil::{is_valid_label_name, parse_duration, url_parse, GoUrl};
use super::http::{self, Http, Tls};
use super::yaml::Node;
use super::Version;

/// The discovery mechanisms of 2.42 (the `*_sd_configs` keys, without the suffix).
const NAMES_V2: &[&str] = &[
    "azure",
    "consul",
    "digitalocean",
    "dns",
    "docker",
    "dockerswarm",
    "ec2",
    "eureka",
    "file",
    "gce",
    "hetzner",
    "http",
    "ionos",
    "kubernetes",
    "kuma",
    "lightsail",
    "linode",
    "marathon",
    "nerve",
    "nomad",
    "openstack",
    "ovhcloud",
    "puppetdb",
    "scaleway",
    "serverset",
    "triton",
    "uyuni",
    "vultr",
];

/// The discovery mechanisms of 3.x.
const NAMES_V3: &[&str] = &[
    "aws",
    "azure",
    "consul",
    "digitalocean",
    "dns",
    "docker",
    "dockerswarm",
    "ec2",
    "ecs",
    "elasticache",
    "eureka",
    "file",
    "gce",
    "hetzner",
    "http",
    "ionos",
    "kubernetes",
    "kuma",
    "lightsail",
    "linode",
    "marathon",
    "msk",
    "nerve",
    "nomad",
    "oci",
    "openstack",
    "outscale",
    "ovhcloud",
    "puppetdb",
    "rds",
    "scaleway",
    "serverset",
    "stackit",
    "triton",
    "uyuni",
    "vultr",
];

/// The keys that service discovery adds to a struct: `static_configs` and `<name>_sd_configs`.
pub(crate) fn keys(version: Version) -> Vec<String> {
    let names = if version >= Version::V3 {
        NAMES_V3
    } else {
        NAMES_V2
    };
    let mut keys = vec!["static_configs".to_string()];
    keys.extend(names.iter().map(|n| format!("{n}_sd_configs")));
    keys
}

/// What the discovery blocks of a scrape or Alertmanager config hold, for the later checks.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    /// Static target groups: the targets (value, node) and the group labels.
    pub groups: Vec<StaticGroup>,
    /// TLS settings of Kubernetes discoveries, with their path and node (promtool checks them).
    pub kubernetes_tls: Vec<(Tls, String, Node)>,
}

#[derive(Debug, Clone)]
pub(crate) struct StaticGroup {
    pub path: String,
    pub targets: Vec<(String, String, Node)>,
    pub labels: Vec<(String, String)>,
}

/// Decodes every discovery key of `obj`.
pub(crate) fn decode_all(cx: &mut Cx, obj: &Obj<'_>) -> Discovered {
    let mut out = Discovered::default();
    let names: Vec<String> = obj.names().map(str::to_string).collect();
    let mut done: Vec<String> = Vec::new();
    for key in names {
        if done.contains(&key) {
            continue;
        }
        done.push(key.clone());
        let Some(mech) = key
            .strip_suffix("_sd_configs")
            .or(if key == "static_configs" {
                Some("static")
            } else {
                None
            })
        else {
            continue;
        };
        let path = obj.child(&key);
        let Some(items) = cx.seq(obj.get(&key), &path, "config") else {
            continue;
        };
        for (p, item) in items {
            // A pointer: `Null` allocates it and runs its unmarshaler on an empty mapping.
            if item.is_nil() {
                cx.err(&p, Some(item), format!("empty or null section in {key}"));
                continue;
            }
            if mech == "static" {
                if let Some(g) = static_group(cx, item, &p) {
                    out.groups.push(g);
                }
            } else {
                one(cx, mech, item, &p, &mut out);
            }
        }
    }
    out
}

fn static_group(cx: &mut Cx, node: &Node, path: &str) -> Option<StaticGroup> {
    let obj = cx.obj(
        node,
        path,
        "static config (targets, labels)",
        &["targets", "labels"],
    )?;
    let mut group = StaticGroup {
        path: path.to_string(),
        targets: Vec::new(),
        labels: Vec::new(),
    };
    if let Some(items) = cx.seq(obj.get("targets"), &obj.child("targets"), "string") {
        for (p, n) in items {
            let t = cx.string(Some(n), &p);
            group.targets.push((t.text, p, n.clone()));
        }
    }
    group.labels = label_set(cx, obj.get("labels"), &obj.child("labels"));
    Some(group)
}

/// A `model.LabelSet`: label names checked (legacy in 2.42, UTF-8 in 3.x).
pub(crate) fn label_set(cx: &mut Cx, node: Option<&Node>, path: &str) -> Vec<(String, String)> {
    let legacy = !cx.v3();
    let mut out = Vec::new();
    if let Some(entries) = cx.map(node, path, "model.LabelSet") {
        for (name, key, value) in entries {
            let child = super::decode::join(path, &name.text);
            // The key is a `LabelName`, whose unmarshaler `null`/`~` (quoted too) skip.
            if !key.is_nil()
                && !key.quoted_nil()
                && !is_valid_label_name(&name.text, name.valid_utf8, legacy)
            {
                cx.err(
                    &child,
                    Some(key),
                    format!("{:?} is not a valid label name", name.text),
                );
            }
            let v = cx.string(Some(value), &child);
            out.push((name.text, v.text));
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Str,
    Int,
    Bool,
    Dur,
    Strs,
    StrMap,
    Url,
    Tls,
    Filters,
    Namespaces,
    Selectors,
    AttachMetadata,
}

/// The decoded fields of one discovery block.
struct Vals {
    entries: Vec<(&'static str, Option<Val>)>,
}

#[derive(Clone)]
enum Val {
    Str(GoStr),
    Int(i128),
    Dur(u64),
    Strs(Option<Vec<GoStr>>),
    Url(Option<GoUrl>),
    /// Filter values counts (`None` for a null filter).
    Filters(Vec<Option<usize>>),
    Namespaces(bool),
    Selectors(Vec<kubernetes::Selector>),
    Other,
}

impl Vals {
    fn raw(&self, name: &str) -> Option<&Option<Val>> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// A string field: its default when absent, `""` when null.
    fn s(&self, name: &str, default: &str) -> String {
        match self.raw(name) {
            None => default.to_string(),
            Some(Some(Val::Str(s))) => s.text.clone(),
            Some(_) => String::new(),
        }
    }

    fn int(&self, name: &str, default: i128) -> i128 {
        match self.raw(name) {
            None => default,
            Some(Some(Val::Int(v))) => *v,
            Some(_) => 0,
        }
    }

    fn dur(&self, name: &str, default: u64) -> u64 {
        match self.raw(name) {
            None => default,
            Some(Some(Val::Dur(v))) => *v,
            Some(_) => 0,
        }
    }

    fn strs(&self, name: &str) -> Vec<String> {
        match self.raw(name) {
            Some(Some(Val::Strs(Some(v)))) => v.iter().map(|s| s.text.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn url(&self, name: &str) -> Option<GoUrl> {
        match self.raw(name) {
            Some(Some(Val::Url(u))) => u.clone(),
            _ => None,
        }
    }

    fn written(&self, name: &str) -> bool {
        matches!(self.raw(name), Some(Some(_)))
    }

    fn get(&self, name: &str) -> Option<&Val> {
        self.raw(name).and_then(Option::as_ref)
    }
}

/// Decodes the typed fields of `obj`.
fn decode_fields(cx: &mut Cx, obj: &Obj<'_>, fields: &[(&'static str, Ty)]) -> Vals {
    let mut entries = Vec::new();
    for (name, ty) in fields {
        let Some(node) = obj.get(name) else {
            continue;
        };
        let path = obj.child(name);
        if node.is_null() {
            // yaml.v2 stores the zero value (a nil slice, "", 0, false).
            entries.push((*name, None));
            continue;
        }
        let v = match ty {
            Ty::Str => Some(Val::Str(cx.string(Some(node), &path))),
            Ty::Int => cx.integer(Some(node), &path, IntType::Int).map(Val::Int),
            Ty::Bool => cx.boolean(Some(node), &path).map(|_| Val::Other),
            Ty::Dur => duration(cx, node, &path).map(Val::Dur),
            Ty::Strs => Some(Val::Strs(cx.strings(Some(node), &path))),
            Ty::StrMap => {
                cx.string_map(Some(node), &path);
                Some(Val::Other)
            }
            Ty::Url => Some(Val::Url(http::url(cx, node, &path))),
            Ty::Tls => {
                http::tls(cx, node, &path);
                Some(Val::Other)
            }
            Ty::Filters => Some(Val::Filters(filters(cx, node, &path))),
            Ty::Namespaces => Some(Val::Namespaces(kubernetes::namespaces(cx, node, &path))),
            Ty::Selectors => Some(Val::Selectors(kubernetes::selectors(cx, node, &path))),
            Ty::AttachMetadata => {
                let f: &[&str] = if cx.v3() {
                    &["node", "namespace", "deployment", "job", "cronjob"]
                } else {
                    &["node"]
                };
                if let Some(o) = cx.obj(node, &path, "attach_metadata", f) {
                    for n in f {
                        cx.boolean(o.get(n), &o.child(n));
                    }
                }
                Some(Val::Other)
            }
        };
        entries.push((*name, Some(v.unwrap_or(Val::Other))));
    }
    Vals { entries }
}

/// A `model.Duration` value (reported when invalid).
pub(crate) fn duration(cx: &mut Cx, node: &Node, path: &str) -> Option<u64> {
    // `model.Duration` has an unmarshaler: `Null` reaches it as "" (an error); a quoted "null"
    // skips it and cannot be an int64.
    if node.quoted_nil() {
        cx.type_error(node, path, "model.Duration");
        return None;
    }
    if node.is_nil() {
        return Some(0);
    }
    let text = cx.string(Some(node), path);
    if !matches!(node.kind, super::yaml::Kind::Scalar(_)) {
        return None;
    }
    match parse_duration(&text.text, cx.version) {
        Ok(ms) => Some(ms),
        Err(e) => {
            cx.err(path, Some(node), e);
            None
        }
    }
}

fn filters(cx: &mut Cx, node: &Node, path: &str) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    if let Some(items) = cx.seq(Some(node), path, "Filter") {
        for (p, item) in items {
            if item.is_null() {
                out.push(None);
                continue;
            }
            if let Some(o) = cx.obj(item, &p, "filter", &["name", "values"]) {
                cx.string(o.get("name"), &o.child("name"));
                let values = cx.strings(o.get("values"), &o.child("values"));
                out.push(Some(values.map_or(0, |v| v.len())));
            }
        }
    }
    out
}

/// Where a discovery validates its HTTP client block (`HTTPClientConfig.Validate`).
#[derive(Clone, Copy, PartialEq)]
enum HttpMode {
    /// No HTTP client block.
    None,
    /// Inline HTTP fields that are never validated.
    Unchecked,
    /// Inline HTTP fields, validated at the end of `UnmarshalYAML`.
    Checked,
}

struct Spec {
    fields: Vec<(&'static str, Ty)>,
    http: HttpMode,
}

fn spec(mech: &str, v3: bool) -> Option<Spec> {
    use HttpMode::{Checked, None as NoHttp, Unchecked};
    use Ty::*;
    let ck = |both: bool| if both || v3 { Checked } else { Unchecked };
    let aws_common = |extra: &[(&'static str, Ty)]| {
        let mut f = vec![
            ("region", Str),
            ("endpoint", Str),
            ("access_key", Str),
            ("secret_key", Str),
            ("profile", Str),
            ("role_arn", Str),
            ("refresh_interval", Dur),
            ("port", Int),
        ];
        if v3 {
            f.push(("external_id", Str));
        }
        f.extend_from_slice(extra);
        f
    };
    let s = match mech {
        "azure" => Spec {
            fields: vec![
                ("environment", Str),
                ("port", Int),
                ("subscription_id", Str),
                ("tenant_id", Str),
                ("client_id", Str),
                ("client_secret", Str),
                ("refresh_interval", Dur),
                ("authentication_method", Str),
                ("resource_group", Str),
            ],
            http: ck(false),
        },
        "consul" => {
            let mut f = vec![
                ("server", Str),
                ("token", Str),
                ("datacenter", Str),
                ("namespace", Str),
                ("partition", Str),
                ("tag_separator", Str),
                ("scheme", Str),
                ("username", Str),
                ("password", Str),
                ("allow_stale", Bool),
                ("refresh_interval", Dur),
                ("services", Strs),
                ("tags", Strs),
                ("node_meta", StrMap),
            ];
            if v3 {
                f.extend([
                    ("path_prefix", Str),
                    ("filter", Str),
                    ("health_filter", Str),
                ]);
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "digitalocean" => {
            let mut f = vec![("refresh_interval", Dur), ("port", Int)];
            if v3 {
                f.push(("role", Str));
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "dns" => Spec {
            fields: vec![
                ("names", Strs),
                ("refresh_interval", Dur),
                ("type", Str),
                ("port", Int),
            ],
            http: NoHttp,
        },
        "eureka" => Spec {
            fields: vec![("server", Str), ("refresh_interval", Dur)],
            http: Checked,
        },
        "file" => Spec {
            fields: vec![("files", Strs), ("refresh_interval", Dur)],
            http: NoHttp,
        },
        "gce" => Spec {
            fields: vec![
                ("project", Str),
                ("zone", Str),
                ("filter", Str),
                ("refresh_interval", Dur),
                ("port", Int),
                ("tag_separator", Str),
            ],
            http: NoHttp,
        },
        "hetzner" => {
            let mut f = vec![("refresh_interval", Dur), ("port", Int), ("role", Str)];
            if v3 {
                f.push(("label_selector", Str));
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "http" => Spec {
            fields: vec![("refresh_interval", Dur), ("url", Str)],
            http: ck(false),
        },
        "ionos" => Spec {
            fields: vec![
                ("datacenter_id", Str),
                ("refresh_interval", Dur),
                ("port", Int),
            ],
            http: Checked,
        },
        "kubernetes" => Spec {
            fields: vec![
                ("api_server", Url),
                ("role", Str),
                ("kubeconfig_file", Str),
                ("namespaces", Namespaces),
                ("selectors", Selectors),
                ("attach_metadata", AttachMetadata),
            ],
            http: Checked,
        },
        "linode" => {
            let mut f = vec![
                ("refresh_interval", Dur),
                ("port", Int),
                ("tag_separator", Str),
            ];
            if v3 {
                f.push(("region", Str));
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "marathon" => Spec {
            fields: vec![
                ("servers", Strs),
                ("refresh_interval", Dur),
                ("auth_token", Str),
                ("auth_token_file", Str),
            ],
            http: Checked,
        },
        "docker" => {
            let mut f = vec![
                ("host", Str),
                ("port", Int),
                ("filters", Filters),
                ("host_networking_host", Str),
                ("refresh_interval", Dur),
            ];
            if v3 {
                f.push(("match_first_network", Bool));
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "dockerswarm" => Spec {
            fields: vec![
                ("host", Str),
                ("role", Str),
                ("port", Int),
                ("filters", Filters),
                ("refresh_interval", Dur),
            ],
            http: Checked,
        },
        "nomad" => Spec {
            fields: vec![
                ("allow_stale", Bool),
                ("namespace", Str),
                ("refresh_interval", Dur),
                ("region", Str),
                ("server", Str),
                ("tag_separator", Str),
            ],
            http: Checked,
        },
        "openstack" => Spec {
            fields: vec![
                ("identity_endpoint", Str),
                ("username", Str),
                ("userid", Str),
                ("password", Str),
                ("project_name", Str),
                ("project_id", Str),
                ("domain_name", Str),
                ("domain_id", Str),
                ("application_credential_name", Str),
                ("application_credential_id", Str),
                ("application_credential_secret", Str),
                ("role", Str),
                ("region", Str),
                ("refresh_interval", Dur),
                ("port", Int),
                ("all_tenants", Bool),
                ("tls_config", Tls),
                ("availability", Str),
            ],
            http: NoHttp,
        },
        "ovhcloud" => Spec {
            fields: vec![
                ("endpoint", Str),
                ("application_key", Str),
                ("application_secret", Str),
                ("consumer_key", Str),
                ("refresh_interval", Dur),
                ("service", Str),
            ],
            http: NoHttp,
        },
        "puppetdb" => Spec {
            fields: vec![
                ("refresh_interval", Dur),
                ("url", Str),
                ("query", Str),
                ("include_parameters", Bool),
                ("port", Int),
            ],
            http: ck(false),
        },
        "scaleway" => Spec {
            fields: vec![
                ("project_id", Str),
                ("api_url", Str),
                ("zone", Str),
                ("access_key", Str),
                ("secret_key", Str),
                ("secret_key_file", Str),
                ("name_filter", Str),
                ("tags_filter", Strs),
                ("refresh_interval", Dur),
                ("port", Int),
                ("role", Str),
            ],
            http: Checked,
        },
        "triton" => Spec {
            fields: vec![
                ("account", Str),
                ("role", Str),
                ("dns_suffix", Str),
                ("endpoint", Str),
                ("groups", Strs),
                ("port", Int),
                ("refresh_interval", Dur),
                ("tls_config", Tls),
                ("version", Int),
            ],
            http: NoHttp,
        },
        "uyuni" => Spec {
            fields: vec![
                ("server", Str),
                ("username", Str),
                ("password", Str),
                ("entitlement", Str),
                ("separator", Str),
                ("refresh_interval", Dur),
            ],
            http: ck(false),
        },
        "vultr" => Spec {
            fields: vec![("refresh_interval", Dur), ("port", Int)],
            http: Checked,
        },
        "kuma" => {
            let mut f = vec![
                ("refresh_interval", Dur),
                ("fetch_timeout", Dur),
                ("server", Str),
            ];
            if v3 {
                f.push(("client_id", Str));
            }
            Spec {
                fields: f,
                http: Checked,
            }
        }
        "serverset" | "nerve" => Spec {
            fields: vec![("servers", Strs), ("paths", Strs), ("timeout", Dur)],
            http: NoHttp,
        },
        "ec2" => Spec {
            fields: aws_common(&[("filters", Filters)]),
            http: ck(false),
        },
        "lightsail" => Spec {
            fields: aws_common(&[]),
            http: ck(false),
        },
        "ecs" | "elasticache" | "msk" if v3 => Spec {
            fields: aws_common(&[("clusters", Strs), ("request_concurrency", Int)]),
            http: Checked,
        },
        "rds" if v3 => Spec {
            fields: aws_common(&[
                ("clusters", Strs),
                ("request_concurrency", Int),
                ("filters", Filters),
            ]),
            http: Checked,
        },
        "aws" if v3 => Spec {
            fields: {
                let mut f = aws_common(&[("filters", Filters), ("clusters", Strs)]);
                f.insert(0, ("role", Str));
                f
            },
            http: Unchecked,
        },
        "oci" if v3 => Spec {
            fields: vec![
                ("auth", Str),
                ("tenancy", Str),
                ("user", Str),
                ("fingerprint", Str),
                ("key_file", Str),
                ("key_passphrase", Str),
                ("key_passphrase_file", Str),
                ("region", Str),
                ("compartments", Strs),
                ("port", Int),
                ("refresh_interval", Dur),
            ],
            http: Checked,
        },
        "outscale" if v3 => Spec {
            fields: vec![
                ("endpoint", Str),
                ("region", Str),
                ("access_key", Str),
                ("secret_key", Str),
                ("secret_key_file", Str),
                ("refresh_interval", Dur),
                ("port", Int),
            ],
            http: Checked,
        },
        "stackit" if v3 => Spec {
            fields: vec![
                ("project", Str),
                ("refresh_interval", Dur),
                ("port", Int),
                ("region", Str),
                ("endpoint", Str),
                ("service_account_key", Str),
                ("private_key", Str),
                ("service_account_key_path", Str),
                ("private_key_path", Str),
                ("credentials_file_path", Str),
            ],
            http: Checked,
        },
        _ => return None,
    };
    Some(s)
}

/// Decodes and checks one discovery block of mechanism `mech`.
fn one(cx: &mut Cx, mech: &str, node: &Node, path: &str, out: &mut Discovered) {
    let v3 = cx.v3();
    let Some(spec) = spec(mech, v3) else {
        return;
    };
    let mut names: Vec<&str> = spec.fields.iter().map(|(n, _)| *n).collect();
    if spec.http != HttpMode::None {
        names.extend_from_slice(http::fields(cx.version));
    }
    let type_name = format!("{mech}_sd_config");
    let Some(obj) = cx.obj(node, path, &type_name, &names) else {
        return;
    };
    let before = cx.findings.len();
    let vals = decode_fields(cx, &obj, &spec.fields);
    let mut http = if spec.http == HttpMode::None {
        Http::default()
    } else {
        http::decode(cx, &obj)
    };
    if cx.findings.len() != before {
        // Go stops at the first decoding error; the checks below would only add noise.
        return;
    }
    let result = check(cx, mech, &vals, &mut http, spec.http == HttpMode::Checked);
    if let Err(e) = result {
        cx.err(path, Some(node), e);
        return;
    }
    if mech == "kubernetes" {
        out.kubernetes_tls
            .push((http.tls.clone(), path.to_string(), node.clone()));
    }
}

/// The `UnmarshalYAML` checks of each discovery, in Go's order (the first failure is returned).
fn check(
    cx: &mut Cx,
    mech: &str,
    v: &Vals,
    http: &mut Http,
    validate_http: bool,
) -> Result<(), String> {
    let v3 = cx.v3();
    let validate = |http: &mut Http| {
        if validate_http {
            http.validate(cx.version)
        } else {
            Ok(())
        }
    };
    match mech {
        "azure" => {
            let auth = v.s("authentication_method", "OAuth");
            if v.s("subscription_id", "").is_empty() {
                return Err("azure SD configuration requires a subscription_id".into());
            }
            if auth == "OAuth" {
                for f in ["tenant_id", "client_id", "client_secret"] {
                    if v.s(f, "").is_empty() {
                        return Err(format!("azure SD configuration requires a {f}"));
                    }
                }
            }
            let known: &[&str] = if v3 {
                &["OAuth", "ManagedIdentity", "SDK", "WorkloadIdentity"]
            } else {
                &["OAuth", "ManagedIdentity"]
            };
            if !known.contains(&auth.as_str()) {
                return Err(if v3 {
                    format!(
                        r#"unknown authentication_type {auth:?}. Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity""#
                    )
                } else {
                    format!(
                        r#"unknown authentication_type {auth:?}. Supported types are "OAuth" or "ManagedIdentity""#
                    )
                });
            }
            validate(http)
        }
        "consul" => {
            if v.s("server", "localhost:8500").trim().is_empty() {
                return Err("consul SD configuration requires a server address".into());
            }
            if !v.s("username", "").is_empty() || !v.s("password", "").is_empty() {
                if http.basic_auth.is_some() {
                    return Err("at most one of consul SD configuration username and password and basic auth can be configured".into());
                }
                http.basic_auth = Some(http::BasicAuth {
                    username: v.s("username", ""),
                    password: v.s("password", ""),
                    ..Default::default()
                });
            }
            if !v.s("token", "").is_empty()
                && (http.authorization.is_some() || http.oauth2.is_some())
            {
                return Err(
                    "at most one of consul SD token, authorization, or oauth2 can be configured"
                        .into(),
                );
            }
            validate(http)
        }
        "digitalocean" => {
            if v3 {
                let role = v.s("role", "droplets");
                if !role.is_empty() && !["droplets", "databases"].contains(&role.as_str()) {
                    return Err(format!("unknown DigitalOcean SD role {role:?}"));
                }
                if role.is_empty() {
                    return Err("role missing (one of: droplets, databases)".into());
                }
            }
            validate(http)
        }
        "dns" => {
            if v.strs("names").is_empty() {
                return Err("DNS-SD config must contain at least one SRV record name".into());
            }
            let ty = v.s("type", "SRV").to_uppercase();
            let with_port: &[&str] = if v3 {
                &["A", "AAAA", "MX", "NS"]
            } else {
                &["A", "AAAA", "MX"]
            };
            if ty == "SRV" {
                Ok(())
            } else if with_port.contains(&ty.as_str()) {
                if v.int("port", 0) == 0 {
                    return Err(
                        "a port is required in DNS-SD configs for all record types except SRV"
                            .into(),
                    );
                }
                Ok(())
            } else {
                Err(format!(
                    "invalid DNS-SD records type {}",
                    v.s("type", "SRV")
                ))
            }
        }
        "eureka" => {
            let server = v.s("server", "");
            if server.is_empty() {
                return Err("eureka_sd: empty or null eureka server".into());
            }
            let u = url_parse(&server)?;
            if u.scheme.is_empty() || u.host.is_empty() {
                return Err("eureka_sd: invalid eureka server URL".into());
            }
            validate(http)
        }
        "file" => {
            let files = v.strs("files");
            if files.is_empty() {
                return Err(
                    "file service discovery config must contain at least one path name".into(),
                );
            }
            for f in files {
                if !file_sd_name_ok(&f) {
                    return Err(format!("path name {f:?} is not valid for file discovery"));
                }
            }
            Ok(())
        }
        "gce" => {
            if v.s("project", "").is_empty() {
                return Err("GCE SD configuration requires a project".into());
            }
            if v.s("zone", "").is_empty() {
                return Err("GCE SD configuration requires a zone".into());
            }
            Ok(())
        }
        "hetzner" => {
            let role = v.s("role", "");
            if v.written("role") && !["robot", "hcloud"].contains(&role.as_str()) {
                return Err(format!("unknown role {role:?}"));
            }
            if role.is_empty() {
                return Err("role missing (one of: robot, hcloud)".into());
            }
            validate(http)
        }
        "http" | "puppetdb" => {
            let raw = v.s("url", "");
            if raw.is_empty() {
                return Err("URL is missing".into());
            }
            let u = url_parse(&raw)?;
            if u.scheme != "http" && u.scheme != "https" {
                return Err("URL scheme must be 'http' or 'https'".into());
            }
            if u.host.is_empty() {
                return Err("host is missing in URL".into());
            }
            if mech == "puppetdb" && v.s("query", "").is_empty() {
                return Err("query missing".into());
            }
            validate(http)
        }
        "ionos" => {
            if v.s("datacenter_id", "").is_empty() {
                return Err("datacenter id can't be empty".into());
            }
            validate(http)
        }
        "kubernetes" => kubernetes::check(
            cx,
            v.s("role", ""),
            v.written("role"),
            v.url("api_server"),
            v.written("api_server"),
            &v.s("kubeconfig_file", ""),
            match v.get("namespaces") {
                Some(Val::Namespaces(own)) => *own,
                _ => false,
            },
            match v.get("selectors") {
                Some(Val::Selectors(s)) => s.clone(),
                _ => Vec::new(),
            },
            http,
        ),
        "linode" | "vultr" => validate(http),
        "marathon" => {
            if v.strs("servers").is_empty() {
                return Err("marathon_sd: must contain at least one Marathon server".into());
            }
            let token = !v.s("auth_token", "").is_empty();
            let token_file = !v.s("auth_token_file", "").is_empty();
            if token && token_file {
                return Err(
                    "marathon_sd: at most one of auth_token & auth_token_file must be configured"
                        .into(),
                );
            }
            if token || token_file {
                if http.basic_auth.is_some() {
                    return Err("marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured".into());
                }
                if !http.bearer_token.is_empty() || !http.bearer_token_file.is_empty() {
                    return Err("marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured".into());
                }
                if http.authorization.is_some() {
                    return Err("marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured".into());
                }
            }
            validate(http)
        }
        "docker" | "dockerswarm" => {
            let host = v.s("host", "");
            if host.is_empty() {
                return Err("host missing".into());
            }
            url_parse(&host)?;
            if mech == "dockerswarm" {
                let role = v.s("role", "");
                match role.as_str() {
                    "services" | "nodes" | "tasks" => {}
                    "" => return Err("role missing (one of: tasks, services, nodes)".into()),
                    _ => {
                        return Err(format!(
                            "invalid role {role}, expected tasks, services, or nodes"
                        ))
                    }
                }
            }
            validate(http)
        }
        "nomad" => {
            if v.s("server", "http://localhost:4646").trim().is_empty() {
                return Err("nomad SD configuration requires a server address".into());
            }
            validate(http)
        }
        "openstack" => {
            let role = v.s("role", "");
            let roles: &[&str] = if v3 {
                &["hypervisor", "instance", "loadbalancer"]
            } else {
                &["hypervisor", "instance"]
            };
            if v.written("role") && !roles.contains(&role.as_str()) {
                return Err(format!("unknown OpenStack SD role {role:?}"));
            }
            let availability = v.s("availability", "public");
            if !["public", "internal", "admin"].contains(&availability.as_str()) {
                return Err(format!(
                    "unknown availability {availability}, must be one of admin, internal or public"
                ));
            }
            if role.is_empty() {
                return Err(if v3 {
                    "role missing (one of: instance, hypervisor, loadbalancer)".into()
                } else {
                    "role missing (one of: instance, hypervisor)".into()
                });
            }
            if v.s("region", "").is_empty() {
                return Err("openstack SD configuration requires a region".into());
            }
            Ok(())
        }
        "ovhcloud" => {
            if v.s("endpoint", "ovh-eu").is_empty() {
                return Err("endpoint can not be empty".into());
            }
            if v.s("application_key", "").is_empty() {
                return Err("application key can not be empty".into());
            }
            if v.s("application_secret", "").is_empty() {
                return Err("application secret can not be empty".into());
            }
            if v.s("consumer_key", "").is_empty() {
                return Err("consumer key can not be empty".into());
            }
            let service = v.s("service", "");
            if !["dedicated_server", "vps"].contains(&service.as_str()) {
                return Err(format!("unknown service: {service}"));
            }
            Ok(())
        }
        "scaleway" => scaleway(v, v3).and_then(|()| validate(http)),
        "triton" => {
            let role = v.s("role", "container");
            if role != "container" && role != "cn" {
                return Err(
                    "triton SD configuration requires role to be 'container' or 'cn'".into(),
                );
            }
            for (f, what) in [
                ("account", "an account"),
                ("dns_suffix", "a dns_suffix"),
                ("endpoint", "an endpoint"),
            ] {
                if v.s(f, "").is_empty() {
                    return Err(format!("triton SD configuration requires {what}"));
                }
            }
            if v.dur("refresh_interval", 60_000) == 0 {
                return Err(
                    "triton SD configuration requires RefreshInterval to be a positive integer"
                        .into(),
                );
            }
            Ok(())
        }
        "uyuni" => {
            let server = v.s("server", "");
            if server.is_empty() {
                return Err("Uyuni SD configuration requires server host".into());
            }
            if let Err(e) = url_parse(&server) {
                return Err(format!("Uyuni Server URL is not valid: {e}"));
            }
            if v.s("username", "").is_empty() {
                return Err("Uyuni SD configuration requires a username".into());
            }
            if v.s("password", "").is_empty() {
                return Err("Uyuni SD configuration requires a password".into());
            }
            validate(http)
        }
        "kuma" => {
            let server = v.s("server", "");
            if server.is_empty() {
                return Err(format!("kuma SD server must not be empty: {server}"));
            }
            let u = url_parse(&server)?;
            if u.scheme.is_empty() || u.host.is_empty() {
                return Err(format!(
                    "kuma SD server must not be empty and have a scheme: {server}"
                ));
            }
            validate(http)
        }
        "serverset" | "nerve" => {
            if v.strs("servers").is_empty() {
                return Err(format!(
                    "{mech} SD config must contain at least one Zookeeper server"
                ));
            }
            let paths = v.strs("paths");
            if paths.is_empty() {
                return Err(format!("{mech} SD config must contain at least one path"));
            }
            for p in paths {
                if !p.starts_with('/') {
                    return Err(format!("{mech} SD config paths must begin with '/': {p}"));
                }
            }
            Ok(())
        }
        "ec2" | "lightsail" => {
            if !v3 && v.s("region", "").is_empty() {
                // 2.42 asks the EC2 instance metadata service, which only answers on EC2.
                let name = if mech == "ec2" { "EC2" } else { "Lightsail" };
                return Err(format!(
                    "{name} SD configuration requires a region (2.42 otherwise asks the EC2 metadata service, which is unreachable off EC2)"
                ));
            }
            if let Some(Val::Filters(fs)) = v.get("filters") {
                for f in fs {
                    match f {
                        None => return Err("a filter is null".into()),
                        Some(0) => {
                            return Err("EC2 SD configuration filter values cannot be empty".into())
                        }
                        Some(_) => {}
                    }
                }
            }
            validate(http)
        }
        "ecs" | "elasticache" | "msk" | "rds" => validate(http),
        "aws" => {
            let role = v.s("role", "");
            if !["ec2", "ecs", "elasticache", "lightsail", "msk", "rds"].contains(&role.as_str()) {
                return Err(format!("unknown AWS SD role {role:?}"));
            }
            Ok(())
        }
        "oci" => oci(v).and_then(|()| validate(http)),
        "outscale" => {
            if v.s("region", "eu-west-2").is_empty() {
                return Err("outscale SD configuration requires a region".into());
            }
            if v.s("access_key", "").is_empty() {
                return Err("outscale SD configuration requires access_key".into());
            }
            let (key, file) = (v.s("secret_key", ""), v.s("secret_key_file", ""));
            if key.is_empty() && file.is_empty() {
                return Err("one of secret_key & secret_key_file must be configured".into());
            }
            if !key.is_empty() && !file.is_empty() {
                return Err(
                    "at most one of secret_key & secret_key_file must be configured".into(),
                );
            }
            validate(http)
        }
        "stackit" => {
            let endpoint = v.s("endpoint", "");
            if endpoint.is_empty() && v.s("region", "eu01").is_empty() {
                return Err("stackit_sd: endpoint and region missing".into());
            }
            if let Err(e) = url_parse(&endpoint) {
                return Err(format!("stackit_sd: invalid endpoint {endpoint:?}: {e}"));
            }
            validate(http)
        }
        _ => Ok(()),
    }
}

/// `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$`
fn file_sd_name_ok(name: &str) -> bool {
    let Some(dot) = name.rfind('.') else {
        return false;
    };
    if !["json", "yml", "yaml", "JSON", "YML", "YAML"].contains(&&name[dot + 1..]) {
        return false;
    }
    let stem = &name[..dot];
    match stem.find('*') {
        None => true,
        Some(i) => !stem[i + 1..].contains('/'),
    }
}

fn scaleway(v: &Vals, v3: bool) -> Result<(), String> {
    let role = v.s("role", "");
    if v.written("role") && !["instance", "baremetal"].contains(&role.as_str()) {
        return Err(format!("unknown role {role:?}"));
    }
    if role.is_empty() {
        return Err("role missing (one of: instance, baremetal)".into());
    }
    let project = v.s("project_id", "");
    if project.is_empty() {
        return Err("project_id is mandatory".into());
    }
    let (key, file) = (v.s("secret_key", ""), v.s("secret_key_file", ""));
    if key.is_empty() && file.is_empty() {
        return Err("one of secret_key & secret_key_file must be configured".into());
    }
    if !key.is_empty() && !file.is_empty() {
        return Err("at most one of secret_key & secret_key_file must be configured".into());
    }
    let access = v.s("access_key", "");
    if access.is_empty() {
        return Err("access_key is mandatory".into());
    }
    // scw.NewClient's checks on the profile.
    let uuid = |s: &str| {
        let b = s.as_bytes();
        b.len() == 36
            && b.iter().enumerate().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let access_ok = access.len() == 20
        && access.starts_with("SCW")
        && access[3..]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !access_ok {
        return Err(format!("scaleway-sdk-go: invalid access key format '{access}', expected SCWXXXXXXXXXXXXXXXXX format"));
    }
    let secret = if file.is_empty() {
        key
    } else {
        "00000000-0000-0000-0000-000000000000".to_string()
    };
    if !uuid(&secret) {
        return Err("scaleway-sdk-go: invalid secret key format, expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".into());
    }
    if !uuid(&project) {
        return Err(format!("scaleway-sdk-go: invalid project ID format '{project}', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
    }
    let zone = v.s("zone", "fr-par-1");
    if zone.is_empty() {
        return Err("scaleway-sdk-go: default zone cannot be empty".into());
    }
    let parts: Vec<&str> = zone.split('-').collect();
    let lower = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_lowercase())
    };
    let zone_ok = parts.len() == 3
        && lower(parts[0], 2, 2)
        && if v3 {
            lower(parts[1], 3, 7)
                && (1..=2).contains(&parts[2].len())
                && parts[2].bytes().all(|c| c.is_ascii_digit())
        } else {
            lower(parts[1], 3, 3)
                && parts[2].len() == 1
                && parts[2].bytes().all(|c| (b'1'..=b'9').contains(&c))
        };
    if !zone_ok {
        return Err(format!(
            "scaleway-sdk-go: invalid default zone format '{zone}'"
        ));
    }
    let api = v.s("api_url", "https://api.scaleway.com");
    if api.is_empty() || url_parse(&api).is_err() {
        return Err(format!("scaleway-sdk-go: invalid API url '{api}'"));
    }
    if api.ends_with('/') {
        return Err(format!(
            "scaleway-sdk-go: invalid API url '{api}' it should not have a trailing slash"
        ));
    }
    Ok(())
}

fn oci(v: &Vals) -> Result<(), String> {
    if v.s("region", "").is_empty() {
        return Err("oci_sd: region is required".into());
    }
    let auth = v.s("auth", "api_key");
    let fields = [
        "tenancy",
        "user",
        "fingerprint",
        "key_file",
        "key_passphrase",
        "key_passphrase_file",
    ];
    match auth.as_str() {
        "api_key" => {
            for f in ["tenancy", "user", "fingerprint", "key_file"] {
                if v.s(f, "").is_empty() {
                    return Err(format!("oci_sd: api_key auth requires {f}"));
                }
            }
            if !v.s("key_passphrase", "").is_empty() && !v.s("key_passphrase_file", "").is_empty() {
                return Err("oci_sd: at most one of key_passphrase and key_passphrase_file must be configured".into());
            }
        }
        "instance_principal" => {
            if fields.iter().any(|f| !v.s(f, "").is_empty()) {
                return Err("oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set".into());
            }
        }
        other => {
            return Err(format!(
                r#"oci_sd: unknown auth method {other:?}, expected "api_key" or "instance_principal""#
            ));
        }
    }
    for (i, c) in v.strs("compartments").iter().enumerate() {
        if c.is_empty() {
            return Err(format!("oci_sd: compartments[{i}] must not be empty"));
        }
    }
    if v.dur("refresh_interval", 60_000) == 0 {
        return Err("oci_sd: refresh_interval must be positive, got 0s".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert!(file_sd_name_ok("foo/*.slow.json"));
        assert!(file_sd_name_ok("my/targets.yml"));
        assert!(!file_sd_name_ok("foo/*/bar.json"));
        assert!(file_sd_name_ok("a*b*c.json"));
        assert!(!file_sd_name_ok("targets.txt"));
    }
}
