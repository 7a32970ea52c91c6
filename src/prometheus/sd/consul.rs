//! `consul_sd_configs` (`discovery/consul/consul.go`): its own `username`/`password` become
//! the HTTP client's basic auth, and `token` excludes the other authorizations.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::http::BasicAuth;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("server", Str),
    Field::new("token", Str).secret(),
    Field::new("datacenter", Str),
    Field::new("namespace", Str),
    Field::new("partition", Str),
    Field::new("tag_separator", Str),
    Field::new("scheme", Str),
    Field::new("username", Str),
    Field::new("password", Str).secret(),
    Field::new("allow_stale", Bool),
    Field::new("refresh_interval", Dur),
    Field::new("services", Strs),
    Field::new("tags", Strs),
    Field::new("node_meta", StrMap),
    Field::new("path_prefix", Str).since(V3),
    Field::new("filter", Str).since(V3),
    Field::new("health_filter", Str).since(V3),
];

pub(super) const CONSUL: Mechanism = Mechanism {
    name: "consul",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    if v.s("server", "localhost:8500").trim().is_empty() {
        return Err("consul SD configuration requires a server address".into());
    }
    if !v.s("username", "").is_empty() || !v.s("password", "").is_empty() {
        if b.http.basic_auth.is_some() {
            return Err("at most one of consul SD configuration username and password and basic auth can be configured".into());
        }
        b.http.basic_auth = Some(BasicAuth {
            username: v.s("username", ""),
            password: v.s("password", ""),
            ..Default::default()
        });
    }
    if !v.s("token", "").is_empty() && (b.http.authorization.is_some() || b.http.oauth2.is_some()) {
        return Err(
            "at most one of consul SD token, authorization, or oauth2 can be configured".into(),
        );
    }
    b.validate_http()
}
