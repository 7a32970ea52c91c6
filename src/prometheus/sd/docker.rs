//! `docker_sd_configs` (`discovery/moby/docker.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("host", Str),
    Field::new("port", Int),
    Field::new("filters", Filters),
    Field::new("host_networking_host", Str),
    Field::new("refresh_interval", Dur),
    Field::new("match_first_network", Bool).since(V3),
];

pub(super) const DOCKER: Mechanism = Mechanism {
    name: "docker",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let host = b.v.s("host", "");
    if host.is_empty() {
        return Err("host missing".into());
    }
    url_parse(&host)?;
    b.validate_http()
}
