//! Service discovery blocks (`static_configs` and every `*_sd_configs` key Prometheus
//! registers). This module holds what they share: the registry of mechanisms ([`MECHANISMS`]:
//! which keys exist in each version), the table-driven decoding of a block's fields, static
//! target groups and label sets. Each mechanism has its own file with its field table and its
//! `UnmarshalYAML` checks: `consul_sd_configs` is in `consul.rs`, `kubernetes_sd_configs` in
//! `kubernetes.rs`, and so on; `serverset` and `nerve` share `zookeeper.rs`, as in Go, and the
//! AWS discoveries share the fields of `aws.rs`.

mod aws;
mod azure;
mod consul;
mod digitalocean;
mod dns;
mod docker;
mod dockerswarm;
mod ec2;
mod ecs;
mod elasticache;
mod eureka;
mod file;
mod gce;
mod hetzner;
mod http;
mod ionos;
mod kubernetes;
mod kuma;
mod lightsail;
mod linode;
mod marathon;
mod msk;
mod nomad;
mod oci;
mod openstack;
mod outscale;
mod ovhcloud;
mod puppetdb;
mod rds;
mod scaleway;
mod stackit;
mod triton;
mod uyuni;
mod vultr;
mod zookeeper;

use super::decode::{Cx, GoStr, IntType, Obj};
use super::goutil::{is_valid_label_name, parse_duration, GoUrl};
use super::http::{self as client, Http, Tls};
use super::schema::{self, Field, Ty};
use super::yaml::Node;
use super::Version;

/// One discovery mechanism: its `<name>_sd_configs` key, the version it came with, its own
/// fields, its HTTP client block, and the checks of its `UnmarshalYAML`.
struct Mechanism {
    name: &'static str,
    since: Version,
    fields: &'static [Field],
    http: HttpBlock,
    check: fn(&mut Block<'_>) -> Result<(), String>,
}

/// Whether a discovery embeds the HTTP client block and validates it
/// (`HTTPClientConfig.Validate`).
#[derive(Clone, Copy, PartialEq)]
enum HttpBlock {
    /// No HTTP client block.
    None,
    /// Inline HTTP fields that are never validated.
    Unvalidated,
    /// Inline HTTP fields, validated at the end of `UnmarshalYAML` from that version on
    /// (never before).
    ValidatedSince(Version),
}

/// Every mechanism Prometheus registers, by name (the order of the keys).
const MECHANISMS: &[&Mechanism] = &[
    &aws::AWS,
    &azure::AZURE,
    &consul::CONSUL,
    &digitalocean::DIGITALOCEAN,
    &dns::DNS,
    &docker::DOCKER,
    &dockerswarm::DOCKERSWARM,
    &ec2::EC2,
    &ecs::ECS,
    &elasticache::ELASTICACHE,
    &eureka::EUREKA,
    &file::FILE,
    &gce::GCE,
    &hetzner::HETZNER,
    &http::HTTP,
    &ionos::IONOS,
    &kubernetes::KUBERNETES,
    &kuma::KUMA,
    &lightsail::LIGHTSAIL,
    &linode::LINODE,
    &marathon::MARATHON,
    &msk::MSK,
    &zookeeper::NERVE,
    &nomad::NOMAD,
    &oci::OCI,
    &openstack::OPENSTACK,
    &outscale::OUTSCALE,
    &ovhcloud::OVHCLOUD,
    &puppetdb::PUPPETDB,
    &rds::RDS,
    &scaleway::SCALEWAY,
    &zookeeper::SERVERSET,
    &stackit::STACKIT,
    &triton::TRITON,
    &uyuni::UYUNI,
    &vultr::VULTR,
];

fn mechanism(name: &str, version: Version) -> Option<&'static Mechanism> {
    MECHANISMS
        .iter()
        .find(|m| m.name == name && m.since <= version)
        .copied()
}

/// The field tables of a mechanism's block (its own, then the HTTP client block's when it has
/// one), whatever the version.
pub(crate) fn tables(name: &str) -> Vec<&'static [Field]> {
    let Some(m) = MECHANISMS.iter().find(|m| m.name == name) else {
        return Vec::new();
    };
    let mut out = vec![m.fields];
    if m.http != HttpBlock::None {
        out.push(client::HTTP_CLIENT_CONFIG);
    }
    out
}

/// The keys that service discovery adds to a struct: `static_configs` and `<name>_sd_configs`.
pub(crate) fn keys(version: Version) -> Vec<String> {
    let mut keys = vec!["static_configs".to_string()];
    keys.extend(
        MECHANISMS
            .iter()
            .filter(|m| m.since <= version)
            .map(|m| format!("{}_sd_configs", m.name)),
    );
    keys
}

/// What the discovery blocks of a scrape or Alertmanager config hold, for the later checks.
#[derive(Debug, Default)]
pub(crate) struct Discovered<'n> {
    /// Static target groups: the targets (value, node) and the group labels.
    pub groups: Vec<StaticGroup<'n>>,
    /// TLS settings of Kubernetes discoveries, with their path and node (promtool checks them).
    pub kubernetes_tls: Vec<(Tls, String, &'n Node)>,
}

#[derive(Debug, Clone)]
pub(crate) struct StaticGroup<'n> {
    pub path: String,
    pub targets: Vec<(String, String, &'n Node)>,
    pub labels: Vec<(String, String)>,
}

/// Decodes every discovery key of `obj`.
pub(crate) fn decode_all<'n>(cx: &mut Cx, obj: &Obj<'n>) -> Discovered<'n> {
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
        if mech == "static" {
            out.groups.reserve_exact(items.len());
        }
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

fn static_group<'n>(cx: &mut Cx, node: &'n Node, path: &str) -> Option<StaticGroup<'n>> {
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
        group.targets.reserve_exact(items.len());
        for (p, n) in items {
            let t = cx.string(Some(n), &p);
            group.targets.push((t.text, p, n));
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
        out.reserve_exact(entries.len());
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

/// A discovery block being checked: its decoded fields and HTTP client block.
struct Block<'a> {
    cx: &'a mut Cx,
    v: &'a Vals,
    http: &'a mut Http,
    validate_http: bool,
}

impl Block<'_> {
    /// Whether the rules of `version` (or a later one) apply.
    fn since(&self, version: Version) -> bool {
        self.cx.version >= version
    }

    /// `HTTPClientConfig.Validate`, when this discovery runs it in this version.
    fn validate_http(&mut self) -> Result<(), String> {
        if self.validate_http {
            self.http.validate(self.cx.version)
        } else {
            Ok(())
        }
    }
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

/// Decodes the typed fields of `obj` that `cx.version` has.
fn decode_fields(cx: &mut Cx, obj: &Obj<'_>, fields: &[Field]) -> Vals {
    let mut entries = Vec::new();
    let version = cx.version;
    for field in fields.iter().filter(|f| f.exists_in(version)) {
        let name = field.name;
        let Some(node) = obj.get(name) else {
            continue;
        };
        let path = obj.child(name);
        // `Null` and `NULL` are null but not spelled as yaml.v2's nil: they still reach a
        // type's unmarshaler (`model.Duration`'s refuses the empty string).
        let reaches_unmarshaler = matches!(field.ty, Ty::Dur) && !node.is_nil();
        if node.is_null() && !reaches_unmarshaler {
            // yaml.v2 stores the zero value (a nil slice, "", 0, false).
            entries.push((name, None));
            continue;
        }
        let v = match field.ty {
            Ty::Str => Some(Val::Str(cx.string(Some(node), &path))),
            Ty::Int => cx.integer(Some(node), &path, IntType::Int).map(Val::Int),
            Ty::Bool => cx.boolean(Some(node), &path).map(|_| Val::Other),
            Ty::Dur => duration(cx, node, &path).map(Val::Dur),
            Ty::Strs => Some(Val::Strs(cx.strings(Some(node), &path))),
            Ty::StrMap => {
                cx.string_map(Some(node), &path);
                Some(Val::Other)
            }
            Ty::Url => Some(Val::Url(client::url(cx, node, &path))),
            Ty::Tls => {
                client::tls(cx, node, &path);
                Some(Val::Other)
            }
            Ty::Filters => Some(Val::Filters(filters(cx, node, &path))),
            Ty::Namespaces => Some(Val::Namespaces(kubernetes::namespaces(cx, node, &path))),
            Ty::Selectors => Some(Val::Selectors(kubernetes::selectors(cx, node, &path))),
            Ty::AttachMetadata => {
                kubernetes::attach_metadata(cx, node, &path);
                Some(Val::Other)
            }
            // No discovery has fields of these types (`mechanisms_are_in_key_order_and_typed`).
            Ty::Struct(_) | Ty::MapOf(_) | Ty::StrsMap | Ty::Custom => Some(Val::Other),
        };
        entries.push((name, Some(v.unwrap_or(Val::Other))));
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

/// Decodes and checks one discovery block of mechanism `name`.
fn one<'n>(cx: &mut Cx, name: &str, node: &'n Node, path: &str, out: &mut Discovered<'n>) {
    let Some(mech) = mechanism(name, cx.version) else {
        return;
    };
    let mut names = schema::names(mech.fields, cx.version);
    if mech.http != HttpBlock::None {
        names.extend(client::fields(cx.version));
    }
    let type_name = format!("{name}_sd_config");
    let Some(obj) = cx.obj(node, path, &type_name, &names) else {
        return;
    };
    let before = cx.findings.len();
    let vals = decode_fields(cx, &obj, mech.fields);
    let mut http = if mech.http == HttpBlock::None {
        Http::default()
    } else {
        client::decode(cx, &obj)
    };
    if cx.findings.len() != before {
        // Go stops at the first decoding error; the checks below would only add noise.
        return;
    }
    let validate_http = matches!(mech.http, HttpBlock::ValidatedSince(v) if cx.version >= v);
    let mut block = Block {
        cx,
        v: &vals,
        http: &mut http,
        validate_http,
    };
    if let Err(e) = (mech.check)(&mut block) {
        cx.err(path, Some(node), e);
        return;
    }
    if name == "kubernetes" {
        out.kubernetes_tls
            .push((http.tls.clone(), path.to_string(), node));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mechanisms_are_in_key_order_and_typed() {
        let names: Vec<&str> = MECHANISMS.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for m in MECHANISMS {
            for f in m.fields {
                assert!(
                    !matches!(
                        f.ty,
                        Ty::Struct(_) | Ty::MapOf(_) | Ty::StrsMap | Ty::Custom
                    ),
                    "{}_sd_configs.{} has a type the discovery decoder does not read",
                    m.name,
                    f.name
                );
            }
        }
    }

    #[test]
    fn keys_by_version() {
        let v2 = keys(Version::V2);
        assert_eq!(v2.len(), 29);
        assert!(v2.contains(&"consul_sd_configs".to_string()));
        assert!(!v2.contains(&"ecs_sd_configs".to_string()));
        assert_eq!(keys(Version::V3).len(), 37);
    }
}
