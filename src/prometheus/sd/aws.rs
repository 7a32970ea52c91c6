//! `aws_sd_configs` (3.x): one block for every AWS discovery, chosen by `role`
//! (`discovery/aws/aws.go`). The other AWS discoveries (`ec2.rs`, `lightsail.rs`, `ecs.rs`,
//! `elasticache.rs`, `msk.rs`, `rds.rs`) begin with the same fields.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V3;

const FIELDS: &[Field] = &[
    Field::new("role", Str),
    Field::new("region", Str),
    Field::new("endpoint", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("profile", Str),
    Field::new("role_arn", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("external_id", Str),
    Field::new("filters", Filters),
    Field::new("clusters", Strs),
];

pub(super) const AWS: Mechanism = Mechanism {
    name: "aws",
    since: V3,
    fields: FIELDS,
    http: HttpBlock::Unvalidated,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let role = b.v.s("role", "");
    if !["ec2", "ecs", "elasticache", "lightsail", "msk", "rds"].contains(&role.as_str()) {
        return Err(format!("unknown AWS SD role {role:?}"));
    }
    Ok(())
}
