//! `serverset_sd_configs` and `nerve_sd_configs` (`discovery/zookeeper/zookeeper.go`): the same
//! fields and checks, Zookeeper servers and absolute paths.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("servers", Strs),
    Field::new("paths", Strs),
    Field::new("timeout", Dur),
];

pub(super) const SERVERSET: Mechanism = Mechanism {
    name: "serverset",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check: |b| check(b, "serverset"),
};

pub(super) const NERVE: Mechanism = Mechanism {
    name: "nerve",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check: |b| check(b, "nerve"),
};

fn check(b: &mut Block<'_>, mech: &str) -> Result<(), String> {
    if b.v.strs("servers").is_empty() {
        return Err(format!(
            "{mech} SD config must contain at least one Zookeeper server"
        ));
    }
    let paths = b.v.strs("paths");
    if paths.is_empty() {
        return Err(format!("{mech} SD config must contain at least one path"));
    }
    for p in paths {
        if !p.starts_with('/') {
            return Err(format!("{mech} SD config paths must begin with '/': {p}"));
        }
    }
    Ok(())
}
