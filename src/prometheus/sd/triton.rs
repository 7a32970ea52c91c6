//! `triton_sd_configs` (`discovery/triton/triton.go`): role, account, DNS suffix, endpoint and
//! a positive refresh interval.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("account", Str),
    Field::new("role", Str),
    Field::new("dns_suffix", Str),
    Field::new("endpoint", Str),
    Field::new("groups", Strs),
    Field::new("port", Int),
    Field::new("refresh_interval", Dur),
    Field::new("tls_config", Tls),
    Field::new("version", Int),
];

pub(super) const TRITON: Mechanism = Mechanism {
    name: "triton",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    let role = v.s("role", "container");
    if role != "container" && role != "cn" {
        return Err("triton SD configuration requires role to be 'container' or 'cn'".into());
    }
    for (f, what) in [
        ("account", "an account"),
        ("dns_suffix", "a dns_suffix"),
        ("endpoint", "an endpoint"),
    ] {
        if v.s(f, "").is_empty() {
            return Err(format!("triton SD configuration requires {what}"));
        }
    }
    if v.dur("refresh_interval", 60_000) == 0 {
        return Err(
            "triton SD configuration requires RefreshInterval to be a positive integer".into(),
        );
    }
    Ok(())
}
