//! `puppetdb_sd_configs` (`discovery/puppetdb/puppetdb.go`): HTTP discovery's URL rules and
//! a query.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("refresh_interval", Dur),
    Field::new("url", Str),
    Field::new("query", Str),
    Field::new("include_parameters", Bool),
    Field::new("port", Int),
];

pub(super) const PUPPETDB: Mechanism = Mechanism {
    name: "puppetdb",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    super::http::check_url(b)?;
    if b.v.s("query", "").is_empty() {
        return Err("query missing".into());
    }
    b.validate_http()
}
