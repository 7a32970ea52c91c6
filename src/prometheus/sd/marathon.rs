//! `marathon_sd_configs` (`discovery/marathon/marathon.go`): servers, and `auth_token[_file]`
//! excluding the HTTP client's own authorizations.

use super::{Block, HttpBlock, Mechanism};
use crate::prometheus::schema::{Field, Ty::*};
use crate::prometheus::Version::V2;

const FIELDS: &[Field] = &[
    Field::new("servers", Strs),
    Field::new("refresh_interval", Dur),
    Field::new("auth_token", Str).secret(),
    Field::new("auth_token_file", Str),
];

pub(super) const MARATHON: Mechanism = Mechanism {
    name: "marathon",
    since: V2,
    fields: FIELDS,
    http: HttpBlock::ValidatedSince(V2),
    check,
};

fn check(b: &mut Block<'_>) -> Result<(), String> {
    let v = b.v;
    if v.strs("servers").is_empty() {
        return Err("marathon_sd: must contain at least one Marathon server".into());
    }
    let token = !v.s("auth_token", "").is_empty();
    let token_file = !v.s("auth_token_file", "").is_empty();
    if token && token_file {
        return Err(
            "marathon_sd: at most one of auth_token & auth_token_file must be configured".into(),
        );
    }
    if token || token_file {
        if b.http.basic_auth.is_some() {
            return Err("marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured".into());
        }
        if !b.http.bearer_token.is_empty() || !b.http.bearer_token_file.is_empty() {
            return Err("marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured".into());
        }
        if b.http.authorization.is_some() {
            return Err("marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured".into());
        }
    }
    b.validate_http()
}
