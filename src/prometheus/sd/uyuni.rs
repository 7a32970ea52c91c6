//! `uyuni_sd_configs` (`discovery/uyuni/uyuni.go`): a server URL, a username and a password.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("server", Str),
    Field::new("username", Str),
    Field::new("password", Str).secret(),
    Field::new("entitlement", Str),
    Field::new("separator", Str),
    Field::new("refresh_interval", Dur),
];

pub(super) const UYUNI: Mechanism = Mechanism {
    name: "uyuni",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
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
    b.validate_http()
}
