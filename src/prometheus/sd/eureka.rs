//! `eureka_sd_configs` (`discovery/eureka/eureka.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("server", Str),
    Field::new("refresh_interval", Dur),
];

pub(super) const EUREKA: Mechanism = Mechanism {
    name: "eureka",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let server = b.v.s("server", "");
    if server.is_empty() {
        return Err("eureka_sd: empty or null eureka server".into());
    }
    let u = url_parse(&server)?;
    if u.scheme.is_empty() || u.host.is_empty() {
        return Err("eureka_sd: invalid eureka server URL".into());
    }
    b.validate_http()
}
