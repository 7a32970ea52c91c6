//! `kuma_sd_configs` (`discovery/xds/kuma.go`): a server URL with a scheme and a host.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("refresh_interval", Dur),
    Field::new("fetch_timeout", Dur),
    Field::new("server", Str),
    Field::new("client_id", Str).since(V3),
];

pub(super) const KUMA: Mechanism = Mechanism {
    name: "kuma",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let server = b.v.s("server", "");
    if server.is_empty() {
        return Err(format!("kuma SD server must not be empty: {server}"));
    }
    let u = url_parse(&server)?;
    if u.scheme.is_empty() || u.host.is_empty() {
        return Err(format!(
            "kuma SD server must not be empty and have a scheme: {server}"
        ));
    }
    b.validate_http()
}
