//! The Prometheus configuration's Go structs as data: one table of [`Field`]s per struct whose
//! decoding is table-shaped (the HTTP client block and its parts, the scrape config, each
//! service discovery). A field has its YAML name, its type, the version it came with (or went
//! away in), and whether Go holds it as a secret (`config.Secret`). The decoders take their
//! known keys from these tables, the service discoveries their typing too, and
//! [`is_secret_path`] answers from them which values of a rendered file are credentials.

use super::Version;

/// The type of a field, as the decoder reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// A Go string.
    Str,
    /// A Go `int`.
    Int,
    Bool,
    /// A `model.Duration`.
    Dur,
    /// A `[]string`.
    Strs,
    /// A `map[string]string`.
    StrMap,
    /// A `config.URL`.
    Url,
    /// A `tls_config` block ([`super::http::TLS_CONFIG`]).
    Tls,
    /// Docker's `filters`, EC2's `filters`: a list of `{name, values}`.
    Filters,
    /// Kubernetes' `namespaces`.
    Namespaces,
    /// Kubernetes' `selectors`.
    Selectors,
    /// Kubernetes' `attach_metadata`.
    AttachMetadata,
    /// A struct decoded by its own code, with its table (`oauth2`, `basic_auth`...).
    Struct(&'static [Field]),
    /// A map from names to structs (`http_headers`).
    MapOf(&'static [Field]),
    /// A map from names to lists of strings (`proxy_connect_header`, `params`).
    StrsMap,
    /// Decoded by hand (its checks do not fit a table).
    Custom,
}

/// One field of a Go struct, as YAML spells it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub name: &'static str,
    pub ty: Ty,
    /// The first version that has it.
    pub since: Version,
    /// The first version that no longer has it at this place (`None`: still there).
    pub until: Option<Version>,
    /// Go holds it as a `config.Secret` (or a list or map of them): a credential.
    pub secret: bool,
}

impl Field {
    /// A field present in every version, not secret.
    pub const fn new(name: &'static str, ty: Ty) -> Field {
        Field {
            name,
            ty,
            since: Version::V2,
            until: None,
            secret: false,
        }
    }

    /// The field came with `version`.
    pub const fn since(self, version: Version) -> Field {
        Field {
            since: version,
            ..self
        }
    }

    /// The field is no longer at this place from `version` on.
    pub const fn until(self, version: Version) -> Field {
        Field {
            until: Some(version),
            ..self
        }
    }

    /// Go holds the field as a secret.
    pub const fn secret(self) -> Field {
        Field {
            secret: true,
            ..self
        }
    }

    /// Whether `version` has the field.
    pub fn exists_in(&self, version: Version) -> bool {
        self.since <= version && self.until.is_none_or(|u| version < u)
    }
}

/// The names of `fields` that `version` has, in the table's order (the order of the Go
/// struct, which is the order the decoder reads them and suggests them in).
pub(crate) fn names(fields: &[Field], version: Version) -> Vec<&'static str> {
    fields
        .iter()
        .filter(|f| f.exists_in(version))
        .map(|f| f.name)
        .collect()
}

/// Whether the value at `path` (a field path such as
/// `scrape_configs[0].basic_auth.password`, as the YAML walkers write it) is a credential
/// according to the schema: the path is read from the innermost key that names a struct of
/// the schema (`basic_auth`, `tls_config`, `scrape_configs`, `consul_sd_configs`...) down to
/// the value, through the tables. Any version's fields count.
#[must_use]
pub fn is_secret_path(path: &str) -> bool {
    // called for every scalar of a document: the keys of a usual path need no allocation
    let mut inline = [""; 16];
    let mut spilled: Vec<&str> = Vec::new();
    let mut count = 0;
    for seg in path.split('.') {
        let key = seg.split('[').next().unwrap_or(seg);
        match inline.get_mut(count) {
            Some(slot) => *slot = key,
            None => {
                if spilled.is_empty() {
                    spilled.extend_from_slice(&inline);
                }
                spilled.push(key);
            }
        }
        count += 1;
    }
    let keys: &[&str] = if spilled.is_empty() {
        &inline[..count]
    } else {
        &spilled
    };
    for i in (0..keys.len().saturating_sub(1)).rev() {
        for table in struct_named(keys[i]) {
            if let Some(secret) = resolve(table, &keys[i + 1..]) {
                return secret;
            }
        }
    }
    false
}

/// Follows `keys` from a struct with `fields`; `None` when they leave the schema.
fn resolve(fields: &[Field], keys: &[&str]) -> Option<bool> {
    let (first, rest) = keys.split_first()?;
    let field = fields.iter().find(|f| f.name == *first)?;
    if rest.is_empty() {
        return Some(field.secret);
    }
    match field.ty {
        Ty::Tls => resolve(super::http::TLS_CONFIG, rest),
        Ty::Struct(t) => resolve(t, rest),
        Ty::MapOf(t) => resolve(t, &rest[1..]),
        // a map's entry (`proxy_connect_header.X-Token`) holds what the map holds
        Ty::StrMap | Ty::StrsMap if rest.len() == 1 => Some(field.secret),
        _ => None,
    }
}

/// The tables of the structs a key introduces, wherever it stands.
fn struct_named(key: &str) -> impl Iterator<Item = &'static [Field]> + '_ {
    key.strip_suffix("_sd_configs")
        .into_iter()
        .flat_map(super::sd::tables)
        .chain(
            STRUCTS
                .iter()
                .filter(move |(name, _)| *name == key)
                .map(|(_, table)| *table),
        )
}

/// The structs reached through a key: the lists of blocks that embed the HTTP client config,
/// and every struct-typed field of the tables.
const STRUCTS: &[(&str, &[Field])] = &[
    ("scrape_configs", super::config::SCRAPE_CONFIG),
    ("scrape_configs", super::http::HTTP_CLIENT_CONFIG),
    ("alertmanagers", super::config::ALERTMANAGER_CONFIG),
    ("alertmanagers", super::http::HTTP_CLIENT_CONFIG),
    ("remote_write", super::config::REMOTE_WRITE_CONFIG),
    ("remote_write", super::http::HTTP_CLIENT_CONFIG),
    ("remote_read", super::config::REMOTE_READ_CONFIG),
    ("remote_read", super::http::HTTP_CLIENT_CONFIG),
    ("basic_auth", super::http::BASIC_AUTH),
    ("authorization", super::http::AUTHORIZATION),
    ("oauth2", super::http::OAUTH2),
    ("tls_config", super::http::TLS_CONFIG),
    ("sigv4", super::http::SIGV4),
    ("azuread", super::http::AZUREAD),
    ("google_iam", super::http::GOOGLE_IAM),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_found_by_their_place() {
        for path in [
            "scrape_configs[0].basic_auth.password",
            "scrape_configs[2].authorization.credentials",
            "scrape_configs[0].bearer_token",
            "remote_write[0].oauth2.client_secret",
            "remote_write[0].oauth2.client_certificate_key",
            "remote_write[1].sigv4.secret_key",
            "remote_write[0].azuread.oauth.client_secret",
            "alerting.alertmanagers[0].tls_config.key",
            "scrape_configs[0].consul_sd_configs[0].token",
            "scrape_configs[0].consul_sd_configs[0].password",
            "scrape_configs[0].consul_sd_configs[0].basic_auth.password",
            "scrape_configs[0].ec2_sd_configs[0].secret_key",
            "scrape_configs[0].marathon_sd_configs[0].auth_token",
            "scrape_configs[0].openstack_sd_configs[0].application_credential_secret",
            "scrape_configs[0].openstack_sd_configs[0].tls_config.key",
            "scrape_configs[0].ovhcloud_sd_configs[0].consumer_key",
            "scrape_configs[0].http_headers.X-Token.secrets[1]",
            "scrape_configs[0].proxy_connect_header.Proxy-Authorization[0]",
            "scrape_configs[0].oauth2.tls_config.key",
            // deeper than the keys kept without allocating
            "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.scrape_configs[0].basic_auth.password",
            "a.b.c.d.e.f.g.h.i.j.k.l.m.scrape_configs[0].basic_auth.password",
        ] {
            assert!(is_secret_path(path), "{path}");
        }
        for path in [
            "scrape_configs[0].basic_auth.username",
            "scrape_configs[0].basic_auth.password_file",
            "scrape_configs[0].job_name",
            "scrape_configs[0].tls_config.key_file",
            "scrape_configs[0].consul_sd_configs[0].token_file",
            "scrape_configs[0].dns_sd_configs[0].password",
            "scrape_configs[0].http_headers.X-Token.values[0]",
            "scrape_configs[0].params.password[0]",
            "global.external_labels.password",
            "password",
            "token",
            "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.scrape_configs[0].basic_auth.username",
        ] {
            assert!(!is_secret_path(path), "{path}");
        }
    }

    #[test]
    fn versions() {
        let f = Field::new("no_proxy", Ty::Str).since(Version::V3);
        assert!(!f.exists_in(Version::V2) && f.exists_in(Version::V3));
        let f = Field::new("proxy_url", Ty::Url).until(Version::V3);
        assert!(f.exists_in(Version::V2) && !f.exists_in(Version::V3));
    }
}
