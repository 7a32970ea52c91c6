//! `password_hash`, `bcrypt`, `shuffle`, `random`, `hash`.
//!
//! bcrypt output must not change from one render to the next (a deploy that rewrites a web
//! config on every run would restart exporters for nothing), so a bcrypt hash without an
//! explicit salt gets a salt derived from the password with HMAC-SHA256 keyed by the
//! project's hash key (the vault's `promvault_hash_key`; see docs/decisions.md). With an
//! explicit salt, `password_hash('bcrypt', salt, rounds=N)` is exactly passlib's, as in
//! Ansible. `shuffle` and `random` with a seed are exactly Python's; without one they are
//! seeded with the host name, for the same reason.

use base64::Engine;
use hmac::{Hmac, Mac};
use minijinja::{value::Kwargs, Environment, Error, State, Value};
use sha2::{Digest, Sha256};

use super::{as_list, filter_error};
use crate::{
    render::python::{passlib_bcrypt, py_str, PyRandom},
    vars::{HASH_KEY_VAR, QUICK_HASHES_VAR},
};

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "password_hash", password_hash);
    super::add_filter(env, "bcrypt", bcrypt_filter);
    super::add_filter(env, "shuffle", shuffle);
    super::add_filter(env, "random", random);
    super::add_filter(env, "hash", hash);
    super::add_filter(env, "checksum", |v: &Value| {
        Ok::<_, Error>(hex(&sha1::Sha1::digest(super::text(v)?.as_bytes())))
    });
    super::add_filter(env, "sha1", |v: &Value| {
        Ok::<_, Error>(hex(&sha1::Sha1::digest(super::text(v)?.as_bytes())))
    });
    super::add_filter(env, "md5", |v: &Value| {
        Ok::<_, Error>(hex(&md5::Md5::digest(super::text(v)?.as_bytes())))
    });
    super::add_filter(env, "to_uuid", to_uuid);
}

/// bcrypt's base64 alphabet.
const BCRYPT64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::BCRYPT,
    base64::engine::general_purpose::NO_PAD,
);

/// When checks render with placeholder secrets, a well-formed stand-in instead of a real
/// (deliberately slow) bcrypt hash.
/// The highest bcrypt cost promvault computes: cost 16 takes seconds per hash, and each step
/// doubles it (cost 31 would take days). Prometheus verifies the hash on every scrape, so a
/// web config wants a low cost anyway.
pub const MAX_BCRYPT_COST: u32 = 16;

/// Whether promvault computes a bcrypt hash of this cost (4 to [`MAX_BCRYPT_COST`]).
#[must_use]
pub fn bcrypt_cost_allowed(cost: u32) -> bool {
    (4..=MAX_BCRYPT_COST).contains(&cost)
}

/// Refuses a cost that would run for hours (or that bcrypt does not have).
pub(crate) fn checked_cost(filter: &str, cost: u32) -> Result<u32, Error> {
    if bcrypt_cost_allowed(cost) {
        Ok(cost)
    } else {
        Err(filter_error(
            filter,
            format!("bcrypt cost {cost} is refused: promvault computes costs 4 to {MAX_BCRYPT_COST} (each step doubles the time; Prometheus checks the hash on every scrape)"),
        ))
    }
}

fn quick_hash(state: &State, secret: &str, rounds: u32) -> Option<String> {
    if !state.lookup(QUICK_HASHES_VAR).is_some_and(|v| v.is_true()) {
        return None;
    }
    let digest = Sha256::digest(secret.as_bytes());
    let mut body = BCRYPT64.encode(digest);
    body.push_str(&BCRYPT64.encode(&digest[..12]));
    body.truncate(53);
    Some(format!("$2b${rounds:02}${body}"))
}

/// A 22-character bcrypt salt derived from the secret and the project's hash key.
fn derived_salt(state: &State, secret: &str) -> Result<String, Error> {
    let key = state
        .lookup(HASH_KEY_VAR)
        .and_then(|v| v.as_bytes().map(<[u8]>::to_vec))
        .unwrap_or_default();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| filter_error("bcrypt", e))?;
    mac.update(b"promvault bcrypt salt v1\0");
    mac.update(secret.as_bytes());
    let digest = mac.finalize().into_bytes();
    Ok(BCRYPT64.encode(&digest[..16]))
}

fn password_hash(
    state: &State,
    secret: &Value,
    hashtype: Option<&str>,
    salt: Option<Value>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let hashtype = hashtype.unwrap_or("sha512");
    let salt = kwargs.get::<Option<Value>>("salt")?.or(salt);
    let rounds = kwargs
        .get::<Option<u32>>("rounds")?
        .map(|r| checked_cost("password_hash", r))
        .transpose()?;
    let ident = kwargs.get::<Option<String>>("ident")?;
    let _: Option<Value> = kwargs.get("salt_size")?;
    kwargs.assert_all_used()?;
    if !matches!(hashtype, "bcrypt" | "blowfish") {
        return Err(filter_error(
            "password_hash",
            format!("hash type `{hashtype}` is not supported: promvault makes bcrypt hashes (what Prometheus web configs take)"),
        ));
    }
    let secret = super::text(secret)?;
    if let Some(fake) = quick_hash(state, &secret, rounds.unwrap_or(12)) {
        return Ok(fake);
    }
    let salt = match salt.filter(|s| !s.is_none()) {
        Some(s) => py_str(&s),
        None => derived_salt(state, &secret)?,
    };
    passlib_bcrypt(
        secret.as_bytes(),
        &salt,
        rounds.unwrap_or(12),
        ident.as_deref().unwrap_or("2b"),
    )
    .map_err(|e| filter_error("password_hash", e))
}

/// promvault's `bcrypt(cost=10)`: a bcrypt hash that stays the same for the same password.
fn bcrypt_filter(
    state: &State,
    secret: &Value,
    cost: Option<u32>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let cost = checked_cost(
        "bcrypt",
        kwargs.get::<Option<u32>>("cost")?.or(cost).unwrap_or(10),
    )?;
    kwargs.assert_all_used()?;
    let secret = super::text(secret)?;
    if let Some(fake) = quick_hash(state, &secret, cost) {
        return Ok(fake);
    }
    let salt = derived_salt(state, &secret)?;
    passlib_bcrypt(secret.as_bytes(), &salt, cost, "2b").map_err(|e| filter_error("bcrypt", e))
}

fn seeded(state: &State, seed: Option<Value>) -> PyRandom {
    match seed.filter(Value::is_true) {
        Some(seed) => PyRandom::new(&seed),
        None => {
            let host = state
                .lookup("inventory_hostname")
                .map(|h| py_str(&h))
                .unwrap_or_default();
            PyRandom::new(&Value::from(host))
        }
    }
}

fn shuffle(
    state: &State,
    value: &Value,
    seed: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let seed = kwargs.get::<Option<Value>>("seed")?.or(seed);
    kwargs.assert_all_used()?;
    let mut items: Vec<Value> = match value.as_str() {
        Some(s) => s.chars().map(|c| Value::from(c.to_string())).collect(),
        None => as_list(value).ok_or_else(|| filter_error("shuffle", "requires a list"))?,
    };
    seeded(state, seed).shuffle(&mut items);
    Ok(Value::from(items))
}

fn random(
    state: &State,
    end: &Value,
    start: Option<i64>,
    step: Option<i64>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let seed = kwargs.get::<Option<Value>>("seed")?;
    let start = kwargs.get::<Option<i64>>("start")?.or(start);
    let step = kwargs.get::<Option<i64>>("step")?.or(step);
    kwargs.assert_all_used()?;
    let mut rng = seeded(state, seed);
    if let Some(n) = end.as_i64().filter(|_| end.is_integer()) {
        let start = start.filter(|s| *s != 0).unwrap_or(0);
        let step = step.filter(|s| *s != 0).unwrap_or(1);
        return rng
            .randrange(start, n, step)
            .map(Value::from)
            .ok_or_else(|| filter_error("random", "empty range"));
    }
    if start.is_some_and(|s| s != 0) || step.is_some_and(|s| s != 0) {
        return Err(filter_error(
            "random",
            "start and step can only be used with integer values",
        ));
    }
    let items: Vec<Value> = match end.as_str() {
        Some(s) => s.chars().map(|c| Value::from(c.to_string())).collect(),
        None => {
            as_list(end).ok_or_else(|| filter_error("random", "requires a number or a list"))?
        }
    };
    rng.choice(&items)
        .cloned()
        .ok_or_else(|| filter_error("random", "cannot choose from an empty sequence"))
}

fn hash(value: &Value, kind: Option<&str>) -> Result<String, Error> {
    let data = super::text(value)?;
    match kind.unwrap_or("sha1") {
        "sha1" => Ok(hex(&sha1::Sha1::digest(data.as_bytes()))),
        "md5" => Ok(hex(&md5::Md5::digest(data.as_bytes()))),
        "sha224" => Ok(hex(&sha2::Sha224::digest(data.as_bytes()))),
        "sha384" => Ok(hex(&sha2::Sha384::digest(data.as_bytes()))),
        "sha256" => Ok(hex(&Sha256::digest(data.as_bytes()))),
        "sha512" => Ok(hex(&sha2::Sha512::digest(data.as_bytes()))),
        other => Err(filter_error(
            "hash",
            format!("hash type `{other}` is not supported (sha256, sha512)"),
        )),
    }
}

/// Ansible's `to_uuid(value, namespace=...)`: a version 5 UUID.
fn to_uuid(value: &Value, namespace: Option<&str>) -> Result<String, Error> {
    let ns = namespace.unwrap_or("361E6D51-FAEC-444A-9079-341386DA8E2E");
    let ns = uuid::Uuid::parse_str(ns).map_err(|e| filter_error("to_uuid", e))?;
    Ok(uuid::Uuid::new_v5(&ns, super::text(value)?.as_bytes()).to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
