//! `openstack_sd_configs` (`discovery/openstack/openstack.go`): role, availability, region.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("identity_endpoint", Str),
    Field::new("username", Str),
    Field::new("userid", Str),
    Field::new("password", Str).secret(),
    Field::new("project_name", Str),
    Field::new("project_id", Str),
    Field::new("domain_name", Str),
    Field::new("domain_id", Str),
    Field::new("application_credential_name", Str),
    Field::new("application_credential_id", Str),
    Field::new("application_credential_secret", Str).secret(),
    Field::new("role", Str),
    Field::new("region", Str),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("all_tenants", Bool),
    Field::new("tls_config", Tls),
    Field::new("availability", Str),
];

pub(super) const OPENSTACK: Mechanism = Mechanism {
    name: "openstack",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    let v3 = b.since(V3);
    let role = v.s("role", "");
    let roles: &[&str] = if v3 {
        &["hypervisor", "instance", "loadbalancer"]
    } else {
        &["hypervisor", "instance"]
    };
    if v.written("role") && !roles.contains(&role.as_str()) {
        return Err(format!("unknown OpenStack SD role {role:?}"));
    }
    let availability = v.s("availability", "public");
    if !["public", "internal", "admin"].contains(&availability.as_str()) {
        return Err(format!(
            "unknown availability {availability}, must be one of admin, internal or public"
        ));
    }
    if role.is_empty() {
        return Err(if v3 {
            "role missing (one of: instance, hypervisor, loadbalancer)".into()
        } else {
            "role missing (one of: instance, hypervisor)".into()
        });
    }
    if v.s("region", "").is_empty() {
        return Err("openstack SD configuration requires a region".into());
    }
    Ok(())
}
