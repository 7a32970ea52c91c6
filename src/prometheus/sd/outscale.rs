//! `outscale_sd_configs` (3.x, `discovery/outscale/outscale.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V3;

const FIELDS: &[Field] = &[
    Field::new("endpoint", Str),
    Field::new("region", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("secret_key_file", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
];

pub(super) const OUTSCALE: Mechanism = Mechanism {
    name: "outscale",
    since: V3,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
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
        return Err("at most one of secret_key & secret_key_file must be configured".into());
    }
    b.validate_http()
}
