//! `http_sd_configs` (`discovery/http/http.go`): an http or https URL with a host.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::goutil::url_parse;
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::{V2, V3};

const FIELDS: &[Field] = &[Field::new("refresh_interval", Dur), Field::new("url", Str)];

pub(super) const HTTP: Mechanism = Mechanism {
    name: "http",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V3),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    check_url(b)?;
    b.validate_http()
}

/// The URL rules of HTTP and PuppetDB discovery.
pub(super) fn check_url(b: &Block<'_>) -> Result<(), String> {
    let raw = b.v.s("url", "");
    if raw.is_empty() {
        return Err("URL is missing".into());
    }
    let u = url_parse(&raw)?;
    if u.scheme != "http" && u.scheme != "https" {
        return Err("URL scheme must be 'http' or 'https'".into());
    }
    if u.host.is_empty() {
        return Err("host is missing in URL".into());
    }
    Ok(())
}
