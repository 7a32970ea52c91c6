//! `oci_sd_configs` (3.x, `discovery/oci/oci.go`): region, the authentication method and its
//! fields, compartments and a positive refresh interval.

use super::{Block, HttpBlock, Mechanism, Vals};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V3;

const FIELDS: &[Field] = &[
    Field::new("auth", Str),
    Field::new("tenancy", Str),
    Field::new("user", Str),
    Field::new("fingerprint", Str),
    Field::new("key_file", Str),
    Field::new("key_passphrase", Str).secret(),
    Field::new("key_passphrase_file", Str),
    Field::new("region", Str),
    Field::new("compartments", Strs),
    Field::new("port", Int),
    Field::new("refresh_interval", Dur),
];

pub(super) const OCI: Mechanism = Mechanism {
    name: "oci",
    since: V3,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    check_config(b.v)?;
    b.validate_http()
}

fn check_config(v: &Vals) -> Result<(), String> {
    if v.s("region", "").is_empty() {
        return Err("oci_sd: region is required".into());
    }
    let auth = v.s("auth", "api_key");
    let fields = [
        "tenancy",
        "user",
        "fingerprint",
        "key_file",
        "key_passphrase",
        "key_passphrase_file",
    ];
    match auth.as_str() {
        "api_key" => {
            for f in ["tenancy", "user", "fingerprint", "key_file"] {
                if v.s(f, "").is_empty() {
                    return Err(format!("oci_sd: api_key auth requires {f}"));
                }
            }
            if !v.s("key_passphrase", "").is_empty() && !v.s("key_passphrase_file", "").is_empty() {
                return Err("oci_sd: at most one of key_passphrase and key_passphrase_file must be configured".into());
            }
        }
        "instance_principal" => {
            if fields.iter().any(|f| !v.s(f, "").is_empty()) {
                return Err("oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set".into());
            }
        }
        other => {
            return Err(format!(
                r#"oci_sd: unknown auth method {other:?}, expected "api_key" or "instance_principal""#
            ));
        }
    }
    for (i, c) in v.strs("compartments").iter().enumerate() {
        if c.is_empty() {
            return Err(format!("oci_sd: compartments[{i}] must not be empty"));
        }
    }
    if v.dur("refresh_interval", 60_000) == 0 {
        return Err("oci_sd: refresh_interval must be positive, got 0s".into());
    }
    Ok(())
}
