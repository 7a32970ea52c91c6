//! `linode_sd_configs` (`discovery/linode/linode.go`): only its HTTP client block is checked.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("tag_separator", Str),
    Field::new("region", Str).since(V3),
];

pub(super) const LINODE: Mechanism = Mechanism {
    name: "linode",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    b.validate_http()
}
