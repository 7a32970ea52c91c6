//! `vultr_sd_configs` (`discovery/vultr/vultr.go`): only its HTTP client block is checked.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[Field::new("refresh_interval", Dur), Field::new("port", Int)];

pub(super) const VULTR: Mechanism = Mechanism {
    name: "vultr",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    b.validate_http()
}
