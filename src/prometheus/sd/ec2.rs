//! `ec2_sd_configs` (`discovery/aws/ec2.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("region", Str),
    Field::new("endpoint", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("profile", Str),
    Field::new("role_arn", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("external_id", Str).since(V3),
    Field::new("filters", Filters),
];

pub(super) const EC2: Mechanism = Mechanism {
    name: "ec2",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    check_aws(b, "EC2")
}

/// The checks of EC2 and Lightsail (`name` as 2.42's message spells it).
pub(super) fn check_aws(b: &mut Block<'_>, name: &str) -> Result<(), String> {
    if !b.since(V3) && b.v.s("region", "").is_empty() {
        // 2.42 asks the EC2 instance metadata service, which only answers on EC2.
        return Err(format!(
            "{name} SD configuration requires a region (2.42 otherwise asks the EC2 metadata service, which is unreachable off EC2)"
        ));
    }
    if let Some(super::Val::Filters(fs)) = b.v.get("filters") {
        for f in fs {
            match f {
                None => return Err("a filter is null".into()),
                Some(0) => return Err("EC2 SD configuration filter values cannot be empty".into()),
                Some(_) => {}
            }
        }
    }
    b.validate_http()
}
