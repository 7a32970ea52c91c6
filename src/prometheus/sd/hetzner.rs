//! `hetzner_sd_configs` (`discovery/hetzner/hetzner.go`): a role, robot or hcloud.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("role", Str),
    Field::new("label_selector", Str).since(V3),
];

pub(super) const HETZNER: Mechanism = Mechanism {
    name: "hetzner",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let role = b.v.s("role", "");
    if b.v.written("role") && !["robot", "hcloud"].contains(&role.as_str()) {
        return Err(format!("unknown role {role:?}"));
    }
    if role.is_empty() {
        return Err("role missing (one of: robot, hcloud)".into());
    }
    b.validate_http()
}
