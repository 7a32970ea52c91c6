//! The HTTP client block shared by scrape configs, service discoveries, Alertmanager and remote
//! read/write (prometheus/common `config.HTTPClientConfig`: v0.39 for 2.42, v0.70 for 3.x):
//! `basic_auth`, `authorization`, `oauth2`, `bearer_token[_file]`, TLS, proxy and header
//! settings, with `Validate`'s "at most one of" rules. Also SigV4, Azure AD and Google IAM.

use super::decode::{Cx, GoStr, Obj};
use super::goutil::{canonical_header_key, is_uuid, url_parse};
use super::schema::{self, Field, Ty::*};
use super::yaml::Node;
use super::Version::{self, V3};

/// The inline fields of `config.HTTPClientConfig` (v0.39: the proxy fields stand before
/// `tls_config`; v0.70 moved them into the inline `ProxyConfig` after `enable_http2`).
pub(crate) const HTTP_CLIENT_CONFIG: &[Field] = &[
    Field::new("basic_auth", Struct(BASIC_AUTH)),
    Field::new("authorization", Struct(AUTHORIZATION)),
    Field::new("oauth2", Struct(OAUTH2)),
    Field::new("bearer_token", Str).secret(),
    Field::new("bearer_token_file", Str),
    Field::new("proxy_url", Url).until(V3),
    Field::new("proxy_connect_header", StrsMap)
        .until(V3)
        .secret(),
    Field::new("tls_config", Tls),
    Field::new("follow_redirects", Bool),
    Field::new("enable_http2", Bool),
    Field::new("proxy_url", Url).since(V3),
    Field::new("no_proxy", Str).since(V3),
    Field::new("proxy_from_environment", Bool).since(V3),
    Field::new("proxy_connect_header", StrsMap)
        .since(V3)
        .secret(),
    Field::new("http_headers", MapOf(HEADER)).since(V3),
];

/// `config.BasicAuth`.
pub(crate) const BASIC_AUTH: &[Field] = &[
    Field::new("username", Str),
    Field::new("username_file", Str).since(V3),
    Field::new("username_ref", Str).since(V3),
    Field::new("password", Str).secret(),
    Field::new("password_file", Str),
    Field::new("password_ref", Str).since(V3),
];

/// `config.Authorization`.
pub(crate) const AUTHORIZATION: &[Field] = &[
    Field::new("type", Str),
    Field::new("credentials", Str).secret(),
    Field::new("credentials_file", Str),
    Field::new("credentials_ref", Str).since(V3),
];

/// `config.OAuth2` (v0.39 has `proxy_url` before `tls_config`, v0.70 the `ProxyConfig` after).
pub(crate) const OAUTH2: &[Field] = &[
    Field::new("client_id", Str),
    Field::new("client_secret", Str).secret(),
    Field::new("client_secret_file", Str),
    Field::new("client_secret_ref", Str).since(V3),
    Field::new("client_certificate_key_id", Str).since(V3),
    Field::new("client_certificate_key", Str).since(V3).secret(),
    Field::new("client_certificate_key_file", Str).since(V3),
    Field::new("client_certificate_key_ref", Str).since(V3),
    Field::new("grant_type", Str).since(V3),
    Field::new("signature_algorithm", Str).since(V3),
    Field::new("iss", Str).since(V3),
    Field::new("audience", Str).since(V3),
    Field::new("claims", Custom).since(V3),
    Field::new("scopes", Strs),
    Field::new("token_url", Str),
    Field::new("endpoint_params", StrMap),
    Field::new("proxy_url", Url).until(V3),
    Field::new("tls_config", Tls),
    Field::new("proxy_url", Url).since(V3),
    Field::new("no_proxy", Str).since(V3),
    Field::new("proxy_from_environment", Bool).since(V3),
    Field::new("proxy_connect_header", StrsMap)
        .since(V3)
        .secret(),
];

/// `config.TLSConfig` (v0.39 knows only the file fields).
pub(crate) const TLS_CONFIG: &[Field] = &[
    Field::new("ca", Str).since(V3),
    Field::new("cert", Str).since(V3),
    Field::new("key", Str).since(V3).secret(),
    Field::new("ca_file", Str),
    Field::new("cert_file", Str),
    Field::new("key_file", Str),
    Field::new("ca_ref", Str).since(V3),
    Field::new("cert_ref", Str).since(V3),
    Field::new("key_ref", Str).since(V3),
    Field::new("server_name", Str),
    Field::new("insecure_skip_verify", Bool),
    Field::new("min_version", Custom),
    Field::new("max_version", Custom),
];

/// `config.Header`, the value of an `http_headers` entry (v0.70).
const HEADER: &[Field] = &[
    Field::new("values", Strs),
    Field::new("secrets", Strs).secret(),
    Field::new("files", Strs),
];

/// `sigv4.SigV4Config` (prometheus/common v0.39's `sigv4`, prometheus/sigv4 for 3.x).
pub(crate) const SIGV4: &[Field] = &[
    Field::new("region", Str),
    Field::new("access_key", Str),
    Field::new("secret_key", Str).secret(),
    Field::new("profile", Str),
    Field::new("role_arn", Str),
    Field::new("external_id", Str).since(V3),
    Field::new("use_fips_sts_endpoint", Bool).since(V3),
    Field::new("service_name", Str).since(V3),
];

/// Remote write's `azuread.AzureADConfig` (3.x).
pub(crate) const AZUREAD: &[Field] = &[
    Field::new("managed_identity", Struct(AZUREAD_MANAGED_IDENTITY)),
    Field::new("workload_identity", Struct(AZUREAD_WORKLOAD_IDENTITY)),
    Field::new("oauth", Struct(AZUREAD_OAUTH)),
    Field::new("sdk", Struct(AZUREAD_SDK)),
    Field::new("certificate", Struct(AZUREAD_CERTIFICATE)),
    Field::new("cloud", Str),
    Field::new("scope", Str),
];

const AZUREAD_MANAGED_IDENTITY: &[Field] = &[Field::new("client_id", Str)];

const AZUREAD_WORKLOAD_IDENTITY: &[Field] = &[
    Field::new("client_id", Str),
    Field::new("tenant_id", Str),
    Field::new("token_file_path", Str),
];

const AZUREAD_OAUTH: &[Field] = &[
    Field::new("client_id", Str),
    Field::new("client_secret", Str).secret(),
    Field::new("tenant_id", Str),
];

const AZUREAD_SDK: &[Field] = &[Field::new("tenant_id", Str)];

const AZUREAD_CERTIFICATE: &[Field] = &[
    Field::new("client_id", Str),
    Field::new("tenant_id", Str),
    Field::new("certificate_path", Str),
    Field::new("certificate_key_path", Str),
    Field::new("certificate_password", Str).secret(),
    Field::new("send_certificate_chain", Bool),
];

/// Remote write's `google_iam` (3.x).
pub(crate) const GOOGLE_IAM: &[Field] = &[Field::new("credentials_file", Str)];

/// The field names the inline HTTP client block adds to a struct.
pub(crate) fn fields(version: Version) -> Vec<&'static str> {
    schema::names(HTTP_CLIENT_CONFIG, version)
}

/// A struct's own fields joined with the inline HTTP client block's.
pub(crate) fn with_fields(own: &[Field], version: Version) -> Vec<&'static str> {
    let mut all = schema::names(own, version);
    all.extend(fields(version));
    all
}

#[derive(Debug, Clone, Default)]
pub(crate) struct BasicAuth {
    pub username: String,
    pub username_file: String,
    pub username_ref: String,
    pub password: String,
    pub password_file: String,
    pub password_ref: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Authorization {
    pub kind: String,
    pub credentials: String,
    pub credentials_file: String,
    pub credentials_ref: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct OAuth2 {
    pub client_id: String,
    pub client_secret: String,
    pub client_secret_file: String,
    pub client_secret_ref: String,
    pub client_certificate_key: String,
    pub client_certificate_key_file: String,
    pub client_certificate_key_ref: String,
    pub grant_type: String,
    pub signature_algorithm: String,
    pub token_url: String,
}

/// The proxy settings (`ProxyConfig` in v0.70; `proxy_url`/`proxy_connect_header` in v0.39).
#[derive(Debug, Clone, Default)]
pub(crate) struct Proxy {
    /// `Some` when `proxy_url` parsed; the flag says whether its `String()` is non-empty.
    pub url: Option<bool>,
    pub no_proxy: String,
    pub from_environment: bool,
    /// The number of `proxy_connect_header` entries, `Some` when the map is non-nil.
    pub connect_header: Option<usize>,
    /// `proxy_url` as written, when it parsed to a non-empty URL.
    pub url_text: String,
}

impl Proxy {
    fn url_configured(&self) -> bool {
        self.url == Some(true)
    }

    /// `ProxyConfig.Validate` (v0.70).
    pub fn validate(&self) -> Result<(), String> {
        let headers = self.connect_header.unwrap_or(0) > 0;
        if headers && !self.from_environment && !self.url_configured() {
            return Err("if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured".to_string());
        }
        if self.from_environment && self.url_configured() {
            return Err(
                "if proxy_from_environment is configured, proxy_url must not be configured"
                    .to_string(),
            );
        }
        if self.from_environment && !self.no_proxy.is_empty() {
            return Err(
                "if proxy_from_environment is configured, no_proxy must not be configured"
                    .to_string(),
            );
        }
        if self.url.is_none() && !self.no_proxy.is_empty() {
            return Err("if no_proxy is configured, proxy_url must also be configured".to_string());
        }
        Ok(())
    }
}

/// The TLS client settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tls {
    pub ca: String,
    pub ca_file: String,
    pub cert: String,
    pub cert_file: String,
    pub key: String,
    pub key_file: String,
    pub server_name: String,
    pub insecure_skip_verify: bool,
    /// Whether a `*_ref` (a secret manager reference, 3.x) is set.
    pub uses_ref: bool,
    /// Whether any field differs from the zero value.
    pub nonzero: bool,
}

/// A decoded HTTP client block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Http {
    pub basic_auth: Option<BasicAuth>,
    pub authorization: Option<Authorization>,
    pub oauth2: Option<OAuth2>,
    pub bearer_token: String,
    pub bearer_token_file: String,
    pub proxy: Proxy,
    pub tls: Tls,
    /// Whether anything differs from `DefaultHTTPClientConfig` (for Kubernetes SD's check).
    pub nondefault: bool,
    pub headers: Vec<(String, usize, usize)>,
    /// `follow_redirects: false`.
    pub no_redirects: bool,
}

impl Http {
    /// Whether `basic_auth`, `authorization` (after bearer-token conversion) or `oauth2` is set.
    pub fn auth_enabled(&self) -> bool {
        self.basic_auth.is_some() || self.authorization.is_some() || self.oauth2.is_some()
    }

    /// `HTTPClientConfig.Validate`, which also turns `bearer_token[_file]` into
    /// `authorization`.
    pub fn validate(&mut self, version: Version) -> Result<(), String> {
        let v3 = version >= Version::V3;
        let bearer = !self.bearer_token.is_empty() || !self.bearer_token_file.is_empty();
        if !self.bearer_token.is_empty() && !self.bearer_token_file.is_empty() {
            return Err(
                "at most one of bearer_token & bearer_token_file must be configured".to_string(),
            );
        }
        if (self.basic_auth.is_some() || self.oauth2.is_some()) && bearer {
            return Err("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured".to_string());
        }
        if let Some(b) = &self.basic_auth {
            if v3 {
                let users = [&b.username, &b.username_file, &b.username_ref]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .count();
                if users > 1 {
                    return Err("at most one of basic_auth username, username_file & username_ref must be configured".to_string());
                }
                let passwords = [&b.password, &b.password_file, &b.password_ref]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .count();
                if passwords > 1 {
                    return Err("at most one of basic_auth password, password_file & password_ref must be configured".to_string());
                }
            } else if !b.password.is_empty() && !b.password_file.is_empty() {
                return Err(
                    "at most one of basic_auth password & password_file must be configured"
                        .to_string(),
                );
            }
        }
        if let Some(a) = &mut self.authorization {
            if bearer {
                return Err(
                    "authorization is not compatible with bearer_token & bearer_token_file"
                        .to_string(),
                );
            }
            let creds = [&a.credentials, &a.credentials_file, &a.credentials_ref]
                .iter()
                .filter(|s| !s.is_empty())
                .count();
            if creds > 1 {
                return Err("at most one of authorization credentials & credentials_file must be configured".to_string());
            }
            a.kind = a.kind.trim().to_string();
            if a.kind.is_empty() {
                a.kind = "Bearer".to_string();
            }
            if a.kind.to_lowercase() == "basic" {
                return Err(
                    r#"authorization type cannot be set to "basic", use "basic_auth" instead"#
                        .to_string(),
                );
            }
            if self.basic_auth.is_some() || self.oauth2.is_some() {
                return Err(
                    "at most one of basic_auth, oauth2 & authorization must be configured"
                        .to_string(),
                );
            }
        } else if bearer {
            self.authorization = Some(Authorization {
                kind: "Bearer".to_string(),
                credentials: std::mem::take(&mut self.bearer_token),
                credentials_file: std::mem::take(&mut self.bearer_token_file),
                credentials_ref: String::new(),
            });
        }
        if let Some(o) = &self.oauth2 {
            if self.basic_auth.is_some() {
                return Err(
                    "at most one of basic_auth, oauth2 & authorization must be configured"
                        .to_string(),
                );
            }
            if o.client_id.is_empty() {
                return Err("oauth2 client_id must be configured".to_string());
            }
            if v3 {
                if o.token_url.is_empty() {
                    return Err("oauth2 token_url must be configured".to_string());
                }
                if o.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer" {
                    let keys = [
                        &o.client_certificate_key,
                        &o.client_certificate_key_file,
                        &o.client_certificate_key_ref,
                    ]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .count();
                    if keys > 1 {
                        return Err("at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer".to_string());
                    }
                    if !o.signature_algorithm.is_empty()
                        && !["RS256", "RS384", "RS512"].contains(&o.signature_algorithm.as_str())
                    {
                        return Err(
                            "valid signature algorithms are RS256, RS384 and RS512".to_string()
                        );
                    }
                } else {
                    let secrets = [
                        &o.client_secret,
                        &o.client_secret_file,
                        &o.client_secret_ref,
                    ]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .count();
                    if secrets > 1 {
                        return Err("at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials".to_string());
                    }
                }
            } else {
                if o.client_secret.is_empty() && o.client_secret_file.is_empty() {
                    return Err(
                        "either oauth2 client_secret or client_secret_file must be configured"
                            .to_string(),
                    );
                }
                if o.token_url.is_empty() {
                    return Err("oauth2 token_url must be configured".to_string());
                }
                if !o.client_secret.is_empty() && !o.client_secret_file.is_empty() {
                    return Err("at most one of oauth2 client_secret & client_secret_file must be configured".to_string());
                }
            }
        }
        if v3 {
            self.proxy.validate()?;
            for (name, _, _) in &self.headers {
                let canonical = canonical_header_key(name);
                if RESERVED_V3.contains(&canonical.as_str()) {
                    return Err(format!("setting header {canonical:?} is not allowed"));
                }
            }
        } else if self.proxy.connect_header.unwrap_or(0) > 0 && !self.proxy.url_configured() {
            return Err(
                "if proxy_connect_header is configured proxy_url must also be configured"
                    .to_string(),
            );
        }
        Ok(())
    }
}

/// `config.ReservedHeaders` (v0.70), which `http_headers` may not set.
const RESERVED_V3: &[&str] = &[
    "Authorization",
    "Host",
    "Content-Encoding",
    "Content-Length",
    "Content-Type",
    "User-Agent",
    "Connection",
    "Keep-Alive",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Www-Authenticate",
    "Accept-Encoding",
    "X-Prometheus-Remote-Write-Version",
    "X-Prometheus-Remote-Read-Version",
    "X-Prometheus-Scrape-Timeout-Seconds",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
];

fn s(cx: &mut Cx, obj: &Obj<'_>, name: &str) -> String {
    cx.string(obj.get(name), &obj.child(name)).text
}

/// Decodes the inline HTTP client fields of `obj` (the caller lists them as known fields).
pub(crate) fn decode(cx: &mut Cx, obj: &Obj<'_>) -> Http {
    let v3 = cx.v3();
    let mut http = Http::default();
    let mut nondefault = false;

    if let Some(node) = obj.get("basic_auth") {
        let path = obj.child("basic_auth");
        let f = schema::names(BASIC_AUTH, cx.version);
        if !node.is_nil() {
            nondefault = true;
            let mut b = BasicAuth::default();
            if let Some(o) = cx.obj(node, &path, "basic_auth", &f) {
                b.username = s(cx, &o, "username");
                b.username_file = s(cx, &o, "username_file");
                b.username_ref = s(cx, &o, "username_ref");
                b.password = s(cx, &o, "password");
                b.password_file = s(cx, &o, "password_file");
                b.password_ref = s(cx, &o, "password_ref");
            }
            http.basic_auth = Some(b);
        }
    }
    if let Some(node) = obj.get("authorization") {
        let path = obj.child("authorization");
        let f = schema::names(AUTHORIZATION, cx.version);
        if !node.is_nil() {
            nondefault = true;
            let mut a = Authorization::default();
            if let Some(o) = cx.obj(node, &path, "authorization", &f) {
                a.kind = s(cx, &o, "type");
                a.credentials = s(cx, &o, "credentials");
                a.credentials_file = s(cx, &o, "credentials_file");
                a.credentials_ref = s(cx, &o, "credentials_ref");
            }
            http.authorization = Some(a);
        }
    }
    if let Some(node) = obj.get("oauth2") {
        if !node.is_nil() {
            nondefault = true;
            http.oauth2 = Some(oauth2(cx, node, &obj.child("oauth2")));
        }
    }
    http.bearer_token = s(cx, obj, "bearer_token");
    http.bearer_token_file = s(cx, obj, "bearer_token_file");
    nondefault |= !http.bearer_token.is_empty() || !http.bearer_token_file.is_empty();

    http.proxy = proxy(cx, obj);
    nondefault |= http.proxy.url.is_some()
        || http.proxy.connect_header.is_some()
        || http.proxy.from_environment
        || !http.proxy.no_proxy.is_empty();

    if let Some(node) = obj.get("tls_config") {
        http.tls = tls(cx, node, &obj.child("tls_config"));
        nondefault |= http.tls.nonzero;
    }
    for name in ["follow_redirects", "enable_http2"] {
        if cx.boolean(obj.get(name), &obj.child(name)) == Some(false) {
            nondefault = true;
            http.no_redirects |= name == "follow_redirects";
        }
    }
    if v3 {
        if let Some(node) = obj.get("http_headers") {
            if !node.is_null() {
                nondefault = true;
                let path = obj.child("http_headers");
                if let Some(entries) = cx.map(Some(node), &path, "config.Headers") {
                    for (name, key, value) in entries {
                        let p = super::decode::join(&path, &name.text);
                        if let Some(h) =
                            cx.obj(value, &p, "header", &["values", "secrets", "files"])
                        {
                            for f in ["values", "secrets", "files"] {
                                cx.strings(h.get(f), &h.child(f));
                            }
                        }
                        http.headers.push((name.text, key.line, key.column));
                    }
                }
            }
        }
    }
    http.nondefault = nondefault;
    http
}

/// Decodes the proxy fields of `obj` (the HTTP block itself, or `oauth2`).
fn proxy(cx: &mut Cx, obj: &Obj<'_>) -> Proxy {
    let mut p = Proxy::default();
    if let Some(node) = obj.get("proxy_url") {
        p.url = url(cx, node, &obj.child("proxy_url")).map(|u| !u.is_empty_string());
        if let (Some(true), super::yaml::Kind::Scalar(s)) = (p.url, &node.kind) {
            p.url_text.clone_from(&s.text);
        }
    }
    if cx.v3() {
        p.no_proxy = s(cx, obj, "no_proxy");
        p.from_environment = cx
            .boolean(
                obj.get("proxy_from_environment"),
                &obj.child("proxy_from_environment"),
            )
            .unwrap_or(false);
    }
    let path = obj.child("proxy_connect_header");
    if let Some(entries) = cx.map(
        obj.get("proxy_connect_header"),
        &path,
        "map[string][]Secret",
    ) {
        for (name, _, value) in &entries {
            let p2 = super::decode::join(&path, &name.text);
            cx.strings(Some(value), &p2);
        }
        p.connect_header = Some(entries.len());
    }
    p
}

/// A `config.URL`: `None` when absent, null or unparsable (reported).
pub(crate) fn url(cx: &mut Cx, node: &Node, path: &str) -> Option<super::goutil::GoUrl> {
    // `config.URL` has an unmarshaler: `Null` is parsed as "" (an empty, non-nil URL); a
    // quoted "null" skips it and is no struct.
    if node.quoted_nil() {
        cx.type_error(node, path, "config.URL");
        return None;
    }
    if node.is_nil() {
        return None;
    }
    let text = cx.string(Some(node), path);
    match url_parse(&text.text) {
        Ok(u) => Some(u),
        Err(e) => {
            cx.err(path, Some(node), e);
            None
        }
    }
}

fn oauth2(cx: &mut Cx, node: &Node, path: &str) -> OAuth2 {
    let v3 = cx.v3();
    let f = schema::names(OAUTH2, cx.version);
    let mut o = OAuth2::default();
    let Some(obj) = cx.obj(node, path, "oauth2", &f) else {
        return o;
    };
    o.client_id = s(cx, &obj, "client_id");
    o.client_secret = s(cx, &obj, "client_secret");
    o.client_secret_file = s(cx, &obj, "client_secret_file");
    o.client_secret_ref = s(cx, &obj, "client_secret_ref");
    s(cx, &obj, "client_certificate_key_id");
    o.client_certificate_key = s(cx, &obj, "client_certificate_key");
    o.client_certificate_key_file = s(cx, &obj, "client_certificate_key_file");
    o.client_certificate_key_ref = s(cx, &obj, "client_certificate_key_ref");
    o.grant_type = s(cx, &obj, "grant_type");
    o.signature_algorithm = s(cx, &obj, "signature_algorithm");
    s(cx, &obj, "iss");
    s(cx, &obj, "audience");
    if let Some(claims) = obj.get("claims") {
        if !claims.is_null() && !matches!(claims.kind, super::yaml::Kind::Map(_)) {
            cx.type_error(claims, &obj.child("claims"), "map[string]interface {}");
        } else {
            cx.map(
                Some(claims),
                &obj.child("claims"),
                "map[string]interface {}",
            );
        }
    }
    cx.strings(obj.get("scopes"), &obj.child("scopes"));
    o.token_url = s(cx, &obj, "token_url");
    cx.string_map(obj.get("endpoint_params"), &obj.child("endpoint_params"));
    if let Some(t) = obj.get("tls_config") {
        tls(cx, t, &obj.child("tls_config"));
    }
    let p = proxy(cx, &obj);
    if v3 {
        // OAuth2.UnmarshalYAML validates its proxy settings.
        if let Err(e) = p.validate() {
            cx.err(path, Some(node), e);
        }
    }
    o
}

/// Decodes a `tls_config` (v0.70 also checks it: `TLSConfig.Validate`).
pub(crate) fn tls(cx: &mut Cx, node: &Node, path: &str) -> Tls {
    let v3 = cx.v3();
    let f = schema::names(TLS_CONFIG, cx.version);
    let mut t = Tls::default();
    let Some(obj) = cx.obj(node, path, "tls_config", &f) else {
        return t;
    };
    let get = |cx: &mut Cx, name: &str| -> GoStr { cx.string(obj.get(name), &obj.child(name)) };
    let ca = get(cx, "ca").text;
    let cert = get(cx, "cert").text;
    let key = get(cx, "key").text;
    let ca_file = get(cx, "ca_file").text;
    let cert_file = get(cx, "cert_file").text;
    let key_file = get(cx, "key_file").text;
    let ca_ref = get(cx, "ca_ref").text;
    let cert_ref = get(cx, "cert_ref").text;
    let key_ref = get(cx, "key_ref").text;
    let server_name = get(cx, "server_name").text;
    let insecure = cx
        .boolean(
            obj.get("insecure_skip_verify"),
            &obj.child("insecure_skip_verify"),
        )
        .unwrap_or(false);
    let mut versions = false;
    for name in ["min_version", "max_version"] {
        if let Some(n) = obj.get(name) {
            // `TLSVersion` (a uint16) has an unmarshaler: `Null` reaches it as "".
            if n.quoted_nil() {
                cx.type_error(n, &obj.child(name), "config.TLSVersion");
            }
            if n.is_nil() {
                continue;
            }
            let v = cx.string(Some(n), &obj.child(name));
            if ["TLS13", "TLS12", "TLS11", "TLS10"].contains(&v.as_str()) {
                versions = true;
            } else {
                cx.err(
                    &obj.child(name),
                    Some(n),
                    format!("unknown TLS version: {}", v.text),
                );
            }
        }
    }
    t.nonzero = [
        &ca,
        &cert,
        &key,
        &ca_file,
        &cert_file,
        &key_file,
        &ca_ref,
        &cert_ref,
        &key_ref,
        &server_name,
    ]
    .iter()
    .any(|s| !s.is_empty())
        || insecure
        || versions;
    if v3 {
        let count = |xs: [&String; 3]| xs.iter().filter(|s| !s.is_empty()).count();
        let err = if count([&ca, &ca_file, &ca_ref]) > 1 {
            Some("at most one of ca, ca_file & ca_ref must be configured")
        } else if count([&cert, &cert_file, &cert_ref]) > 1 {
            Some("at most one of cert, cert_file & cert_ref must be configured")
        } else if count([&key, &key_file, &key_ref]) > 1 {
            Some("at most one of key and key_file must be configured")
        } else {
            let using_cert = !cert.is_empty() || !cert_file.is_empty() || !cert_ref.is_empty();
            let using_key = !key.is_empty() || !key_file.is_empty() || !key_ref.is_empty();
            if using_cert && !using_key {
                Some("exactly one of key or key_file must be configured when a client certificate is configured")
            } else if using_key && !using_cert {
                Some("exactly one of cert or cert_file must be configured when a client key is configured")
            } else {
                None
            }
        };
        if let Some(e) = err {
            cx.err(path, Some(node), e);
        }
    }
    t.uses_ref = [&ca_ref, &cert_ref, &key_ref].iter().any(|s| !s.is_empty());
    t.ca = ca;
    t.ca_file = ca_file;
    t.cert = cert;
    t.cert_file = cert_file;
    t.key = key;
    t.key_file = key_file;
    t.server_name = server_name;
    t.insecure_skip_verify = insecure;
    t
}

/// promtool's `checkTLSConfig` (run even with `--syntax-only`): a client cert file needs a key
/// file and vice versa.
pub(crate) fn check_tls_files(cx: &mut Cx, tls: &Tls, path: &str, node: &Node) {
    if !tls.cert_file.is_empty() && tls.key_file.is_empty() {
        cx.err(
            &format!("{path}.tls_config"),
            Some(node),
            format!(
                "client cert file {:?} specified without client key file",
                tls.cert_file
            ),
        );
    }
    if !tls.key_file.is_empty() && tls.cert_file.is_empty() {
        cx.err(
            &format!("{path}.tls_config"),
            Some(node),
            format!(
                "client key file {:?} specified without client cert file",
                tls.key_file
            ),
        );
    }
}

/// Decodes and checks a `sigv4` block; `true` when set (non-null).
pub(crate) fn sigv4(cx: &mut Cx, node: Option<&Node>, path: &str) -> bool {
    let Some(node) = node else {
        return false;
    };
    if node.is_nil() {
        return false;
    }
    let v3 = cx.v3();
    let f = schema::names(SIGV4, cx.version);
    if let Some(o) = cx.obj(node, path, "sigv4", &f) {
        for name in ["region", "profile", "service_name"] {
            s(cx, &o, name);
        }
        let access = s(cx, &o, "access_key");
        let secret = s(cx, &o, "secret_key");
        let role = s(cx, &o, "role_arn");
        let external = s(cx, &o, "external_id");
        cx.boolean(
            o.get("use_fips_sts_endpoint"),
            &o.child("use_fips_sts_endpoint"),
        );
        if access.is_empty() != secret.is_empty() {
            cx.err(path, Some(node), "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config");
        } else if v3 && !external.is_empty() && role.is_empty() {
            cx.err(
                path,
                Some(node),
                "external_id can only be used with role_arn",
            );
        }
    }
    true
}

/// Decodes and checks a remote-write `azuread` block (3.x); `true` when set.
pub(crate) fn azuread(cx: &mut Cx, node: Option<&Node>, path: &str) -> bool {
    let Some(node) = node else {
        return false;
    };
    if node.is_null() {
        return false;
    }
    let Some(o) = cx.obj(node, path, "azuread", &schema::names(AZUREAD, cx.version)) else {
        return true;
    };
    // The authentication methods: their string fields by name (`None` when not set).
    let sub = |cx: &mut Cx, name: &str| -> Option<Vec<(String, String)>> {
        let n = o.get(name)?;
        if n.is_null() {
            return None;
        }
        let Some(Field {
            ty: Struct(fields), ..
        }) = AZUREAD.iter().find(|f| f.name == name)
        else {
            return None;
        };
        let p = o.child(name);
        let mut values = Vec::new();
        if let Some(so) = cx.obj(n, &p, name, &schema::names(fields, cx.version)) {
            for f in *fields {
                if matches!(f.ty, Bool) {
                    cx.boolean(so.get(f.name), &so.child(f.name));
                } else {
                    let text = cx.string(so.get(f.name), &so.child(f.name)).text;
                    values.push((f.name.to_string(), text));
                }
            }
        }
        Some(values)
    };
    let managed = sub(cx, "managed_identity");
    let workload = sub(cx, "workload_identity");
    let oauth = sub(cx, "oauth");
    let sdk = sub(cx, "sdk");
    let cert = sub(cx, "certificate");
    let cloud = s(cx, &o, "cloud");
    let scope = s(cx, &o, "scope");
    let get = |v: &Option<Vec<(String, String)>>, k: &str| -> String {
        v.as_ref()
            .and_then(|v| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.clone()))
            .unwrap_or_default()
    };
    let err = (|| -> Option<&'static str> {
        if !cloud.is_empty()
            && !["AzureChina", "AzureGovernment", "AzurePublic"].contains(&cloud.as_str())
        {
            return Some("must provide a cloud in the Azure AD config");
        }
        let n = [&managed, &workload, &oauth, &sdk, &cert]
            .iter()
            .filter(|x| x.is_some())
            .count();
        if n == 0 {
            return Some("must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK in the Azure AD config");
        }
        if n > 1 {
            return Some("cannot provide multiple authentication methods in the Azure AD config");
        }
        if managed.is_some() {
            let id = get(&managed, "client_id");
            if !id.is_empty() && !is_uuid(&id) {
                return Some("the provided Azure Managed Identity client_id is invalid");
            }
        }
        if workload.is_some() {
            let (id, tenant) = (get(&workload, "client_id"), get(&workload, "tenant_id"));
            if id.is_empty() {
                return Some(
                    "must provide an Azure Workload Identity client_id in the Azure AD config",
                );
            }
            if tenant.is_empty() {
                return Some(
                    "must provide an Azure Workload Identity tenant_id in the Azure AD config",
                );
            }
            if !is_uuid(&id) {
                return Some("the provided Azure Workload Identity client_id is invalid");
            }
            if !is_uuid(&tenant) {
                return Some("the provided Azure Workload Identity tenant_id is invalid");
            }
        }
        if oauth.is_some() {
            if get(&oauth, "client_id").is_empty() {
                return Some("must provide an Azure OAuth client_id in the Azure AD config");
            }
            if get(&oauth, "client_secret").is_empty() {
                return Some("must provide an Azure OAuth client_secret in the Azure AD config");
            }
            if get(&oauth, "tenant_id").is_empty() {
                return Some("must provide an Azure OAuth tenant_id in the Azure AD config");
            }
            if !is_uuid(&get(&oauth, "client_id")) {
                return Some("the provided Azure OAuth client_id is invalid");
            }
        }
        if cert.is_some() {
            if get(&cert, "client_id").is_empty() {
                return Some("must provide an Azure Certificate client_id in the Azure AD config");
            }
            if get(&cert, "tenant_id").is_empty() {
                return Some("must provide an Azure Certificate tenant_id in the Azure AD config");
            }
            if get(&cert, "certificate_path").is_empty() {
                return Some(
                    "must provide an Azure Certificate certificate_path in the Azure AD config",
                );
            }
            if !is_uuid(&get(&cert, "client_id")) {
                return Some("the provided Azure Certificate client_id is invalid");
            }
        }
        if !scope.is_empty()
            && !scope.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        '_' | ' ' | '\t' | '\n' | '\r' | '\x0c' | ':' | '/' | '.' | '-'
                    )
            })
        {
            return Some("the provided scope contains invalid characters");
        }
        None
    })();
    if let Some(e) = err {
        cx.err(path, Some(node), e);
    }
    true
}

/// Decodes a remote-write `google_iam` block (3.x); `true` when set.
pub(crate) fn google_iam(cx: &mut Cx, node: Option<&Node>, path: &str) -> bool {
    let Some(node) = node else {
        return false;
    };
    if node.is_null() {
        return false;
    }
    if let Some(o) = cx.obj(
        node,
        path,
        "google_iam",
        &schema::names(GOOGLE_IAM, cx.version),
    ) {
        s(cx, &o, "credentials_file");
    }
    true
}
