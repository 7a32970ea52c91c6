//! `scaleway_sd_configs` (`discovery/scaleway/scaleway.go`): role, project, keys, and the
//! checks the Scaleway SDK's client makes on them (key, UUID, zone and API URL formats).

use super::{Block, HttpBlock, Mechanism, Vals};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{self, V2, V3};

const FIELDS: &[Field] = &[
    Field::new("project_id", Str),
    Field::new("api_url", Str),
    Field::new("zone", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("secret_key_file", Str),
    Field::new("name_filter", Str),
    Field::new("tags_filter", Strs),
    Field::new("refresh_interval", Dur),
    Field::new("port", Int),
    Field::new("role", Str),
];

pub(super) const SCALEWAY: Mechanism = Mechanism {
    name: "scaleway",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    check_profile(b.v, b.cx.version)?;
    b.validate_http()
}

/// `scaleway.SDConfig.UnmarshalYAML`, then `scw.NewClient`'s checks on the profile.
fn check_profile(v: &Vals, version: Version) -> Result<(), String> {
    let role = v.s("role", "");
    if v.written("role") && !["instance", "baremetal"].contains(&role.as_str()) {
        return Err(format!("unknown role {role:?}"));
    }
    if role.is_empty() {
        return Err("role missing (one of: instance, baremetal)".into());
    }
    let project = v.s("project_id", "");
    if project.is_empty() {
        return Err("project_id is mandatory".into());
    }
    let (key, file) = (v.s("secret_key", ""), v.s("secret_key_file", ""));
    if key.is_empty() && file.is_empty() {
        return Err("one of secret_key & secret_key_file must be configured".into());
    }
    if !key.is_empty() && !file.is_empty() {
        return Err("at most one of secret_key & secret_key_file must be configured".into());
    }
    let access = v.s("access_key", "");
    if access.is_empty() {
        return Err("access_key is mandatory".into());
    }
    // scw.NewClient's checks on the profile.
    let uuid = |s: &str| {
        let b = s.as_bytes();
        b.len() == 36
            && b.iter().enumerate().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let access_ok = access.len() == 20
        && access.starts_with("SCW")
        && access[3..]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !access_ok {
        return Err(format!("scaleway-sdk-go: invalid access key format '{access}', expected SCWXXXXXXXXXXXXXXXXX format"));
    }
    let secret = if file.is_empty() {
        key
    } else {
        "00000000-0000-0000-0000-000000000000".to_string()
    };
    if !uuid(&secret) {
        return Err("scaleway-sdk-go: invalid secret key format, expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".into());
    }
    if !uuid(&project) {
        return Err(format!("scaleway-sdk-go: invalid project ID format '{project}', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
    }
    let zone = v.s("zone", "fr-par-1");
    if zone.is_empty() {
        return Err("scaleway-sdk-go: default zone cannot be empty".into());
    }
    let parts: Vec<&str> = zone.split('-').collect();
    let lower = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_lowercase())
    };
    let zone_ok = parts.len() == 3
        && lower(parts[0], 2, 2)
        && if version >= V3 {
            // the SDK of 3.x takes longer region names and two-digit zone numbers
            lower(parts[1], 3, 7)
                && (1..=2).contains(&parts[2].len())
                && parts[2].bytes().all(|c| c.is_ascii_digit())
        } else {
            lower(parts[1], 3, 3)
                && parts[2].len() == 1
                && parts[2].bytes().all(|c| (b'1'..=b'9').contains(&c))
        };
    if !zone_ok {
        return Err(format!(
            "scaleway-sdk-go: invalid default zone format '{zone}'"
        ));
    }
    let api = v.s("api_url", "https://api.scaleway.com");
    if api.is_empty() || url_parse(&api).is_err() {
        return Err(format!("scaleway-sdk-go: invalid API url '{api}'"));
    }
    if api.ends_with('/') {
        return Err(format!(
            "scaleway-sdk-go: invalid API url '{api}' it should not have a trailing slash"
        ));
    }
    Ok(())
}
