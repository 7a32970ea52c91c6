//! `dockerswarm_sd_configs` (`discovery/moby/dockerswarm.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("host", Str),
    Field::new("role", Str),
    Field::new("port", Int),
    Field::new("filters", Filters),
    Field::new("refresh_interval", Dur),
];

pub(super) const DOCKERSWARM: Mechanism = Mechanism {
    name: "dockerswarm",
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
    let role = b.v.s("role", "");
    match role.as_str() {
        "services" | "nodes" | "tasks" => {}
        "" => return Err("role missing (one of: tasks, services, nodes)".into()),
        _ => {
            return Err(format!(
                "invalid role {role}, expected tasks, services, or nodes"
            ))
        }
    }
    b.validate_http()
}
