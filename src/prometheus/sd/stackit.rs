//! `stackit_sd_configs` (3.x, `discovery/stackit/stackit.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V3;

const FIELDS: &[Field] = &[
    Field::new("project", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("region", Str),
    Field::new("endpoint", Str),
    Field::new("service_account_key", Str).secret(),
    Field::new("private_key", Str).secret(),
    Field::new("service_account_key_path", Str),
    Field::new("private_key_path", Str),
    Field::new("credentials_file_path", Str),
];

pub(super) const STACKIT: Mechanism = Mechanism {
    name: "stackit",
    since: V3,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let endpoint = b.v.s("endpoint", "");
    if endpoint.is_empty() && b.v.s("region", "eu01").is_empty() {
        return Err("stackit_sd: endpoint and region missing".into());
    }
    if let Err(e) = url_parse(&endpoint) {
        return Err(format!("stackit_sd: invalid endpoint {endpoint:?}: {e}"));
    }
    b.validate_http()
}
