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
    MapOf(#[allow(dead_code)] &'static [Field]), // read by the secret lookup (next commit)
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
    #[allow(dead_code)] // read by the secret lookup, which comes with the HTTP client tables
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let f = Field::new("no_proxy", Ty::Str).since(Version::V3);
        assert!(!f.exists_in(Version::V2) && f.exists_in(Version::V3));
        let f = Field::new("proxy_url", Ty::Url).until(Version::V3);
        assert!(f.exists_in(Version::V2) && !f.exists_in(Version::V3));
    }
}
