//! `ecs_sd_configs` (3.x, `discovery/aws/ecs.go`): the AWS fields, the clusters and
//! the request concurrency; only its HTTP client block is checked.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V3;

const FIELDS: &[Field] = &[
    Field::new("region", Str),
    Field::new("endpoint", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("profile", Str),
    Field::new("role_arn", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("external_id", Str),
    Field::new("clusters", Strs),
    Field::new("request_concurrency", Int),
];

pub(super) const ECS: Mechanism = Mechanism {
    name: "ecs",
    since: V3,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    b.validate_http()
}
