//! `ovhcloud_sd_configs` (`discovery/ovhcloud/ovhcloud.go`): the endpoint, the application
//! key and secret, the consumer key and the service.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("endpoint", Str),
    Field::new("application_key", Str),
    Field::new("application_secret", Str).secret(),
    Field::new("consumer_key", Str).secret(),
    Field::new("refresh_interval", Dur),
    Field::new("service", Str),
];

pub(super) const OVHCLOUD: Mechanism = Mechanism {
    name: "ovhcloud",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    if v.s("endpoint", "ovh-eu").is_empty() {
        return Err("endpoint can not be empty".into());
    }
    if v.s("application_key", "").is_empty() {
        return Err("application key can not be empty".into());
    }
    if v.s("application_secret", "").is_empty() {
        return Err("application secret can not be empty".into());
    }
    if v.s("consumer_key", "").is_empty() {
        return Err("consumer key can not be empty".into());
    }
    let service = v.s("service", "");
    if !["dedicated_server", "vps"].contains(&service.as_str()) {
        return Err(format!("unknown service: {service}"));
    }
    Ok(())
}
