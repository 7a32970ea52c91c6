//! `azure_sd_configs` (`discovery/azure/azure.go`).

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("environment", Str),
    Field::new("port", Int),
    Field::new("subscription_id", Str),
    Field::new("tenant_id", Str),
    Field::new("client_id", Str),
    Field::new("client_secret", Str).secret(),
    Field::new("refresh_interval", Dur),
    Field::new("authentication_method", Str),
    Field::new("resource_group", Str),
];

pub(super) const AZURE: Mechanism = Mechanism {
    name: "azure",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    let v3 = b.since(V3);
    let auth = v.s("authentication_method", "OAuth");
    if v.s("subscription_id", "").is_empty() {
        return Err("azure SD configuration requires a subscription_id".into());
    }
    if auth == "OAuth" {
        for f in ["tenant_id", "client_id", "client_secret"] {
            if v.s(f, "").is_empty() {
                return Err(format!("azure SD configuration requires a {f}"));
            }
        }
    }
    let known: &[&str] = if v3 {
        &["OAuth", "ManagedIdentity", "SDK", "WorkloadIdentity"]
    } else {
        &["OAuth", "ManagedIdentity"]
    };
    if !known.contains(&auth.as_str()) {
        return Err(if v3 {
            format!(
                r#"unknown authentication_type {auth:?}. Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity""#
            )
        } else {
            format!(
                r#"unknown authentication_type {auth:?}. Supported types are "OAuth" or "ManagedIdentity""#
            )
        });
    }
    b.validate_http()
}
