//! `dns_sd_configs` (`discovery/dns/dns.go`): names, the record type, and the port the
//! non-SRV types need.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[
    Field::new("names", Strs),
    Field::new("refresh_interval", Dur),
    Field::new("type", Str),
    Field::new("port", Int),
];

pub(super) const DNS: Mechanism = Mechanism {
    name: "dns",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::None,
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    if v.strs("names").is_empty() {
        return Err("DNS-SD config must contain at least one SRV record name".into());
    }
    let ty = v.s("type", "SRV").to_uppercase();
    let with_port: &[&str] = if b.since(V3) {
        &["A", "AAAA", "MX", "NS"]
    } else {
        &["A", "AAAA", "MX"]
    };
    if ty == "SRV" {
        Ok(())
    } else if with_port.contains(&ty.as_str()) {
        if v.int("port", 0) == 0 {
            return Err(
                "a port is required in DNS-SD configs for all record types except SRV".into(),
            );
        }
        Ok(())
    } else {
        Err(format!(
            "invalid DNS-SD records type {}",
            v.s("type", "SRV")
        ))
    }
}
