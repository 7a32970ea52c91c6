//! `gce_sd_configs` (`discovery/gce/gce.go`): a project and a zone.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("project", Str),
    Field::new("zone", Str),
    Field::new("filter", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("tag_separator", Str),
];

pub(super) const GCE: Mechanism = Mechanism {
    name: "gce",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    if b.v.s("project", "").is_empty() {
        return Err("GCE SD configuration requires a project".into());
    }
    if b.v.s("zone", "").is_empty() {
        return Err("GCE SD configuration requires a zone".into());
    }
    Ok(())
}
