//! `digitalocean_sd_configs` (`discovery/digitalocean/digitalocean.go`); 3.x adds `role`.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("role", Str).since(V3),
];

pub(super) const DIGITALOCEAN: Mechanism = Mechanism {
    name: "digitalocean",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    if b.since(V3) {
        let role = b.v.s("role", "droplets");
        if !role.is_empty() && !["droplets", "databases"].contains(&role.as_str()) {
            return Err(format!("unknown DigitalOcean SD role {role:?}"));
        }
        if role.is_empty() {
            return Err("role missing (one of: droplets, databases)".into());
        }
    }
    b.validate_http()
}
