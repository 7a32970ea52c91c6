//! `ionos_sd_configs` (`discovery/ionos/ionos.go`): a datacenter id.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("datacenter_id", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
];

pub(super) const IONOS: Mechanism = Mechanism {
    name: "ionos",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    if b.v.s("datacenter_id", "").is_empty() {
        return Err("datacenter id can't be empty".into());
    }
    b.validate_http()
}
