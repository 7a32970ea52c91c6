//! `lightsail_sd_configs` (`discovery/aws/lightsail.go`): EC2's fields without filters, and
//! its checks.

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
];

pub(super) const LIGHTSAIL: Mechanism = Mechanism {
    name: "lightsail",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    super::ec2::check_aws(b, "Lightsail")
}
