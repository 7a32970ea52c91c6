//! `nomad_sd_configs` (`discovery/nomad/nomad.go`): a server address.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("allow_stale", Bool),
    Field::new("namespace", Str),
    Field::new("refresh_interval", Dur),
    Field::new("region", Str),
    Field::new("server", Str),
    Field::new("tag_separator", Str),
];

pub(super) const NOMAD: Mechanism = Mechanism {
    name: "nomad",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    if b.v.s("server", "http://localhost:4646").trim().is_empty() {
        return Err("nomad SD configuration requires a server address".into());
    }
    b.validate_http()
}
